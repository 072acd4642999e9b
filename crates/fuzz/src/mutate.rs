//! Input generation: byte-level mutations of corpus entries, splicing,
//! dictionary tokens, and for zip-based formats (.docx, .xlsx) mutation of
//! one inner part followed by re-zipping.
//!
//! Everything draws from one seeded RNG, so a seed replays the same inputs.

use std::io::{Cursor, Read, Write};

use rand::Rng;
use rand::rngs::StdRng;

/// Bytes that often change a parser's path: delimiters, quotes, escapes,
/// line ends, high bytes and invalid UTF-8.
const INTERESTING_BYTES: &[u8] = b"\0\x01\x7f\x80\xbf\xc3\xe6\xff\"'\\\n\r\t ,;:-{}[]<>&#!%*|=?0189aZ";

/// Texts that replace a number somewhere in the input.
const INTERESTING_NUMBERS: &[&[u8]] = &[
    b"0",
    b"-1",
    b"1",
    b"255",
    b"65536",
    b"4294967295",
    b"18446744073709551616",
    b"99999999999999999999999999",
    b"-9223372036854775808",
    b"1e309",
    b"0.0",
    b"NaN",
    b"0x7fffffff",
    b"1048576",
    b"16384",
    b"XFD1048576",
];

/// How inputs of a target are built.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// Bytes mutated directly, with these extra dictionary tokens.
    Text(&'static [&'static [u8]]),
    /// A zip archive: usually one inner part is mutated as text (with these
    /// tokens) and the archive rebuilt; sometimes the archive bytes
    /// themselves are damaged.
    Zip(&'static [&'static [u8]]),
}

/// Picks a random element; `None` for an empty slice.
fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        None
    } else {
        Some(&items[rng.gen_range(0..items.len())])
    }
}

/// A random range `start..end` inside `len`, at most `max` long.
fn range(rng: &mut StdRng, len: usize, max: usize) -> (usize, usize) {
    if len == 0 {
        return (0, 0);
    }
    let start = rng.gen_range(0..len);
    let most = (len - start).min(max.max(1));
    let end = start + rng.gen_range(1..=most);
    (start, end)
}

/// Applies one to eight stacked byte mutations to `data`. `others` are the
/// rest of the pool (for splicing), `dict` the target's tokens.
pub fn mutate_bytes(rng: &mut StdRng, data: &mut Vec<u8>, others: &[Vec<u8>], dict: &[&[u8]], max_len: usize) {
    let rounds = 1 << rng.gen_range(0..4);
    for _ in 0..rounds {
        mutate_once(rng, data, others, dict);
    }
    data.truncate(max_len);
}

fn mutate_once(rng: &mut StdRng, data: &mut Vec<u8>, others: &[Vec<u8>], dict: &[&[u8]]) {
    let len = data.len();
    match rng.gen_range(0..14) {
        // Flip one bit.
        0 if len > 0 => {
            let i = rng.gen_range(0..len);
            data[i] ^= 1 << rng.gen_range(0..8);
        }
        // Set a byte to an interesting or random value.
        1 if len > 0 => {
            let i = rng.gen_range(0..len);
            data[i] = if rng.gen_bool(0.7) {
                INTERESTING_BYTES[rng.gen_range(0..INTERESTING_BYTES.len())]
            } else {
                rng.r#gen()
            };
        }
        // Insert a few random or interesting bytes.
        2 => {
            let at = rng.gen_range(0..=len);
            let n = rng.gen_range(1..=8);
            let bytes: Vec<u8> = (0..n)
                .map(|_| INTERESTING_BYTES[rng.gen_range(0..INTERESTING_BYTES.len())])
                .collect();
            data.splice(at..at, bytes);
        }
        // Delete a range.
        3 if len > 0 => {
            let (s, e) = range(rng, len, 64);
            data.drain(s..e);
        }
        // Duplicate a range somewhere (repeats lines, keys, elements).
        4 if len > 0 => {
            let (s, e) = range(rng, len, 256);
            let chunk = data[s..e].to_vec();
            let at = rng.gen_range(0..=len);
            let times = if rng.gen_bool(0.1) { rng.gen_range(2..32) } else { 1 };
            for _ in 0..times {
                data.splice(at..at, chunk.iter().copied());
            }
        }
        // Insert a dictionary token.
        5 | 6 => {
            if let Some(token) = pick(rng, dict) {
                let at = rng.gen_range(0..=len);
                data.splice(at..at, token.iter().copied());
            }
        }
        // Overwrite with a dictionary token.
        7 if len > 0 => {
            if let Some(token) = pick(rng, dict) {
                let (s, e) = range(rng, len, token.len().max(1));
                data.splice(s..e, token.iter().copied());
            }
        }
        // Replace a run of digits with an interesting number.
        8 if len > 0 => {
            let from = rng.gen_range(0..len);
            if let Some(s) = data[from..].iter().position(u8::is_ascii_digit).map(|p| from + p) {
                let e = data[s..]
                    .iter()
                    .position(|b| !b.is_ascii_digit())
                    .map_or(len, |p| s + p);
                let n = INTERESTING_NUMBERS[rng.gen_range(0..INTERESTING_NUMBERS.len())];
                data.splice(s..e, n.iter().copied());
            }
        }
        // Splice: this input's head, another's tail.
        9 => {
            if let Some(other) = pick(rng, others)
                && !other.is_empty()
            {
                let cut = rng.gen_range(0..=len);
                let from = rng.gen_range(0..other.len());
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
        }
        // Insert a chunk of another input.
        10 => {
            if let Some(other) = pick(rng, others)
                && !other.is_empty()
            {
                let (s, e) = range(rng, other.len(), 512);
                let at = rng.gen_range(0..=len);
                data.splice(at..at, other[s..e].iter().copied());
            }
        }
        // Truncate.
        11 if len > 0 => {
            data.truncate(rng.gen_range(0..len));
        }
        // Swap two ranges' first bytes (reorders structure a little).
        12 if len > 1 => {
            let a = rng.gen_range(0..len);
            let b = rng.gen_range(0..len);
            data.swap(a, b);
        }
        // Change line endings or indentation of one line.
        _ if len > 0 => {
            let at = rng.gen_range(0..len);
            let line_start = data[..at].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            let (at, text): (usize, &[u8]) = match rng.gen_range(0..3) {
                0 => (line_start, b"  "),
                1 => (line_start, b"\t"),
                _ => (at, b"\r\n"),
            };
            data.splice(at..at, text.iter().copied());
        }
        _ => {
            data.push(rng.r#gen());
        }
    }
}

/// Reads every entry of a zip archive, in order. `None` when the archive
/// does not open or an entry does not read (or is large: the corpus holds
/// small files only).
pub fn unzip(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut entries = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).ok()?;
        if file.size() > 4 << 20 {
            return None;
        }
        let mut content = Vec::new();
        file.read_to_end(&mut content).ok()?;
        entries.push((file.name().to_owned(), content));
    }
    Some(entries)
}

/// Writes entries as a zip archive, each deflated or stored.
pub fn rezip(entries: &[(String, Vec<u8>)], deflate: bool) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, content) in entries {
        if writer.start_file(name.as_str(), options).is_err() || writer.write_all(content).is_err() {
            break;
        }
    }
    writer.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// A new input from `base` for a target of shape `shape`.
/// `zip`: the input is a zip archive (see [`Shape::Zip`]).
pub fn mutate(rng: &mut StdRng, base: &[u8], others: &[Vec<u8>], zip: bool, dict: &[&[u8]], max_len: usize) -> Vec<u8> {
    match zip {
        false => {
            let mut data = base.to_vec();
            mutate_bytes(rng, &mut data, others, dict, max_len);
            data
        }
        true => {
            if rng.gen_bool(0.8)
                && let Some(mut entries) = unzip(base)
                && !entries.is_empty()
            {
                mutate_entries(rng, &mut entries, others, dict, max_len);
                return rezip(&entries, rng.gen_bool(0.5));
            }
            // Damage the archive itself: flips, truncation, any byte mutation.
            let mut data = base.to_vec();
            match rng.gen_range(0..3) {
                0 => {
                    for _ in 0..rng.gen_range(1..8) {
                        if !data.is_empty() {
                            let i = rng.gen_range(0..data.len());
                            data[i] ^= 1 << rng.gen_range(0..8);
                        }
                    }
                }
                1 if !data.is_empty() => {
                    let cut = rng.gen_range(0..data.len());
                    data.truncate(cut);
                }
                _ => mutate_bytes(rng, &mut data, &[], &[], max_len),
            }
            data
        }
    }
}

/// Mutates the archive's parts: usually one XML part as text (often a
/// sheet, shared strings or the document), sometimes the entry list itself
/// (a part dropped, duplicated or renamed).
fn mutate_entries(
    rng: &mut StdRng,
    entries: &mut Vec<(String, Vec<u8>)>,
    others: &[Vec<u8>],
    dict: &[&[u8]],
    max_len: usize,
) {
    match rng.gen_range(0..10) {
        0 => {
            let i = rng.gen_range(0..entries.len());
            entries.remove(i);
        }
        1 => {
            let i = rng.gen_range(0..entries.len());
            let copy = entries[i].clone();
            entries.push(copy);
        }
        2 => {
            let i = rng.gen_range(0..entries.len());
            let j = rng.gen_range(0..entries.len());
            let name = entries[j].0.clone();
            entries[i].0 = name;
        }
        _ => {
            let xml: Vec<usize> = (0..entries.len())
                .filter(|&i| entries[i].0.ends_with(".xml") || entries[i].0.ends_with(".rels"))
                .collect();
            let i = pick(rng, &xml)
                .copied()
                .unwrap_or_else(|| rng.gen_range(0..entries.len()));
            // Splice material: the same part of other archives in the pool.
            let name = entries[i].0.clone();
            let parts: Vec<Vec<u8>> = others
                .iter()
                .take(8)
                .filter_map(|o| unzip(o))
                .filter_map(|es| es.into_iter().find(|(n, _)| *n == name).map(|(_, c)| c))
                .collect();
            mutate_bytes(rng, &mut entries[i].1, &parts, dict, max_len);
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn same_seed_same_inputs() {
        let base = b"schema: etterlev/catalog/v1\nid: demo\n".to_vec();
        let run = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..50)
                .map(|_| {
                    mutate(
                        &mut rng,
                        &base,
                        std::slice::from_ref(&base),
                        false,
                        &[b"key: "],
                        1 << 16,
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn zip_round_trip_and_mutation_keeps_an_archive() {
        let entries = vec![
            ("a.xml".to_owned(), b"<a>text</a>".to_vec()),
            ("b.bin".to_owned(), vec![1, 2, 3]),
        ];
        let zipped = rezip(&entries, true);
        assert_eq!(unzip(&zipped).as_deref(), Some(entries.as_slice()));
        let mut rng = StdRng::seed_from_u64(1);
        let changed = (0..40)
            .map(|_| mutate(&mut rng, &zipped, &[], true, &[b"<x/>"], 1 << 16))
            .filter(|m| m != &zipped)
            .count();
        assert!(changed > 30, "only {changed} of 40 inputs differ");
    }
}
