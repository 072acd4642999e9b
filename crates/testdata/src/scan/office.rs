//! Word (.docx) and Excel (.xlsx) files: zip archives of XML parts, read
//! with `zip` and `quick-xml` as a stream (shared strings are kept in memory).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Seek};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::Location;
use super::detect::{Hints, flag};
use super::stream::{Acc, Ctx, scan_unit};
use crate::ids::{self, Policy};

/// What one file may expand to, all its parts together. Scanning is a
/// stream, so this bounds time rather than memory: a bomb (or a workbook
/// listing one sheet ten thousand times) ends with a clear error instead of
/// hours of decompression.
const MAX_EXPANDED: u64 = 8 << 30;

/// Longest run of XML without a `<` or `>`. The XML reader holds one text
/// or tag whole, so this bounds its memory; a real cell or paragraph is far
/// shorter.
const MAX_RUN: u64 = 64 << 20;

/// Text of the shared strings held in memory (cells refer to them by
/// number, so they cannot be streamed).
const MAX_SHARED_TEXT: usize = 256 << 20;

fn open_zip<R: Read + Seek>(reader: R, what: &str) -> Result<ZipArchive<R>, String> {
    ZipArchive::new(reader).map_err(|e| format!("not a valid {what} file (zip): {e}"))
}

/// Bytes of a file's parts left to read before [`MAX_EXPANDED`] is reached;
/// one budget is shared by every part of a file.
struct Budget(std::cell::Cell<u64>);

impl Budget {
    fn new() -> Self {
        Budget(std::cell::Cell::new(MAX_EXPANDED))
    }
}

/// A decompressing part that fails (rather than truncates) at the file's
/// [`Budget`] or at a run longer than [`MAX_RUN`], counting what it really
/// produces: the sizes a zip declares can lie.
struct Guarded<'b, R> {
    inner: R,
    budget: &'b Budget,
    run: u64,
}

impl<R: Read> Read for Guarded<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let left = self.budget.0.get();
        if n as u64 > left {
            return Err(std::io::Error::other(format!(
                "the file expands to more than {} GiB; refused as a possible zip bomb",
                MAX_EXPANDED >> 30
            )));
        }
        self.budget.0.set(left - n as u64);
        let read = &buf[..n];
        self.run = match memchr::memrchr2(b'<', b'>', read) {
            Some(at) => (n - at - 1) as u64,
            None => self.run + n as u64,
        };
        if self.run > MAX_RUN {
            return Err(std::io::Error::other(format!(
                "more than {} MiB of XML without a tag; refused as a possible zip bomb",
                MAX_RUN >> 20
            )));
        }
        Ok(n)
    }
}

fn xml_reader<R: Read>(part: R, budget: &Budget) -> Reader<BufReader<Guarded<'_, R>>> {
    let guarded = Guarded {
        inner: part,
        budget,
        run: 0,
    };
    let mut r = Reader::from_reader(BufReader::new(guarded));
    r.config_mut().check_end_names = false;
    r
}

fn local(e: &BytesStart) -> Vec<u8> {
    e.local_name().as_ref().to_vec()
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| {
            a.unescape_value()
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned())
        })
}

// ---------------------------------------------------------------------------
// Word

/// Text-bearing parts of a Word document, body first.
fn is_word_text_part(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("word/") else {
        return false;
    };
    if rest.contains('/') || !rest.ends_with(".xml") {
        return false;
    }
    rest == "document.xml"
        || rest.starts_with("header")
        || rest.starts_with("footer")
        || rest == "footnotes.xml"
        || rest == "endnotes.xml"
        || rest == "comments.xml"
}

pub(crate) fn scan_docx<R: Read + Seek>(ctx: &Ctx, file: &str, reader: R, acc: &mut Acc) -> Result<(), String> {
    let mut zip = open_zip(reader, ".docx")?;
    let mut parts: Vec<String> = zip
        .file_names()
        .filter(|n| is_word_text_part(n))
        .map(String::from)
        .collect();
    if !parts.iter().any(|p| p == "word/document.xml") {
        return Err("not a Word document: word/document.xml is missing".into());
    }
    parts.sort_by_key(|p| (p != "word/document.xml", p.clone()));
    let budget = Budget::new();
    for part in parts {
        let entry = zip.by_name(&part).map_err(|e| format!("{part}: {e}"))?;
        scan_word_part(ctx, file, &part, xml_reader(entry, &budget), acc).map_err(|e| format!("{part}: {e}"))?;
    }
    Ok(())
}

fn scan_word_part<B: BufRead>(
    ctx: &Ctx,
    file: &str,
    part: &str,
    mut xml: Reader<B>,
    acc: &mut Acc,
) -> Result<(), String> {
    let mut buf = Vec::new();
    // Open paragraphs (text boxes nest paragraphs inside paragraphs).
    let mut stack: Vec<(u64, String)> = Vec::new();
    let mut count = 0u64;
    let mut in_text = false;
    let emit = |no: u64, text: &str, acc: &mut Acc| {
        if !text.is_empty() {
            let loc = || Location {
                part: Some(part.to_string()),
                paragraph: Some(no),
                ..Location::default()
            };
            scan_unit(ctx, file, text.as_bytes(), Hints(0), 0, acc, &loc);
        }
    };
    loop {
        let ev = xml
            .read_event_into(&mut buf)
            .map_err(|e| format!("XML error at byte {}: {e}", xml.buffer_position()))?;
        match ev {
            Event::Start(e) => match local(&e).as_slice() {
                b"p" => {
                    count += 1;
                    stack.push((count, String::new()));
                }
                b"t" | b"delText" => in_text = true,
                _ => {}
            },
            Event::Empty(e) => {
                let ch = match local(&e).as_slice() {
                    b"tab" => Some('\t'),
                    b"br" | b"cr" => Some('\n'),
                    b"noBreakHyphen" => Some('-'),
                    b"p" => {
                        count += 1;
                        None
                    }
                    _ => None,
                };
                if let (Some(ch), Some(top)) = (ch, stack.last_mut()) {
                    top.1.push(ch);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"p" => {
                    if let Some((no, text)) = stack.pop() {
                        emit(no, &text, acc);
                    }
                }
                b"t" | b"delText" => in_text = false,
                _ => {}
            },
            Event::Text(t) if in_text => {
                if let Some(top) = stack.last_mut() {
                    match t.unescape() {
                        Ok(s) => top.1.push_str(&s),
                        Err(_) => top.1.push_str(&String::from_utf8_lossy(&t)),
                    }
                }
            }
            Event::CData(t) if in_text => {
                if let Some(top) = stack.last_mut() {
                    top.1.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    while let Some((no, text)) = stack.pop() {
        emit(no, &text, acc);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Excel

pub(crate) fn scan_xlsx<R: Read + Seek>(
    ctx: &Ctx,
    file: &str,
    reader: R,
    acc: &mut Acc,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let mut zip = open_zip(reader, ".xlsx")?;
    let budget = Budget::new();
    let sheets = {
        let entry = zip
            .by_name("xl/workbook.xml")
            .map_err(|_| "not an Excel workbook: xl/workbook.xml is missing".to_string())?;
        read_sheets(xml_reader(entry, &budget))?
    };
    let rels = match zip.by_name("xl/_rels/workbook.xml.rels") {
        Ok(entry) => read_rels(xml_reader(entry, &budget))?,
        Err(_) => HashMap::new(),
    };
    let shared = match zip.by_name("xl/sharedStrings.xml") {
        Ok(entry) => read_shared(xml_reader(entry, &budget))?,
        Err(_) => Vec::new(),
    };
    let mut padded = 0u64;
    for (i, (name, rid)) in sheets.iter().enumerate() {
        let path = rels
            .get(rid)
            .map(|t| match t.strip_prefix('/') {
                Some(abs) => abs.to_string(),
                None => format!("xl/{t}"),
            })
            .unwrap_or_else(|| format!("xl/worksheets/sheet{}.xml", i + 1));
        let entry = zip
            .by_name(&path)
            .map_err(|e| format!("sheet {name:?} ({path}): {e}"))?;
        padded += scan_sheet(ctx, file, name, xml_reader(entry, &budget), &shared, acc)
            .map_err(|e| format!("sheet {name:?}: {e}"))?;
    }
    if padded > 0 {
        notes.push(format!(
            "{padded} numeric cell(s) of ten digits became valid person numbers with the leading zero restored"
        ));
    }
    Ok(())
}

fn read_event<'b, B: BufRead>(xml: &mut Reader<B>, buf: &'b mut Vec<u8>) -> Result<Event<'b>, String> {
    let pos = xml.buffer_position();
    xml.read_event_into(buf)
        .map_err(|e| format!("XML error at byte {pos}: {e}"))
}

/// (sheet name, relationship id) in workbook order.
fn read_sheets<B: BufRead>(mut xml: Reader<B>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    loop {
        match read_event(&mut xml, &mut buf)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"sheet" => {
                let name = attr(&e, b"name").unwrap_or_else(|| format!("Sheet{}", out.len() + 1));
                let rid = attr(&e, b"id").unwrap_or_default();
                out.push((name, rid));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

fn read_rels<B: BufRead>(mut xml: Reader<B>) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    let mut buf = Vec::new();
    loop {
        match read_event(&mut xml, &mut buf)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                if let (Some(id), Some(target)) = (attr(&e, b"Id"), attr(&e, b"Target")) {
                    out.insert(id, target);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

fn shared_text_too_large() -> String {
    format!(
        "the workbook's shared strings hold more than {} MiB of text; save its sheets as CSV and scan those",
        MAX_SHARED_TEXT >> 20
    )
}

fn read_shared<B: BufRead>(mut xml: Reader<B>) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut held = 0usize;
    let mut buf = Vec::new();
    let mut cur = String::new();
    let mut in_t = false;
    let mut in_phonetic = false;
    loop {
        match read_event(&mut xml, &mut buf)? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"si" => cur.clear(),
                b"t" => in_t = true,
                b"rPh" => in_phonetic = true,
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == b"si" => out.push(String::new()),
            Event::End(e) => match e.local_name().as_ref() {
                b"si" => {
                    held += cur.len();
                    if held > MAX_SHARED_TEXT {
                        return Err(shared_text_too_large());
                    }
                    out.push(std::mem::take(&mut cur))
                }
                b"t" => in_t = false,
                b"rPh" => in_phonetic = false,
                _ => {}
            },
            Event::Text(t) if in_t && !in_phonetic => {
                match t.unescape() {
                    Ok(s) => cur.push_str(&s),
                    Err(_) => cur.push_str(&String::from_utf8_lossy(&t)),
                }
                // One string of many runs counts before it ends, too.
                if held + cur.len() > MAX_SHARED_TEXT {
                    return Err(shared_text_too_large());
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// Column letters of a cell reference ("AB12" → ("AB", 12)).
fn split_ref(r: &str) -> Option<(&str, u64)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (col, row) = r.split_at(split);
    if col.is_empty() || !col.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    Some((col, row.parse().ok()?))
}

fn column_letters(mut index: u64) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn column_index(letters: &str) -> u64 {
    letters.bytes().fold(0u64, |acc, b| {
        acc.saturating_mul(26).saturating_add(u64::from(b - b'A') + 1)
    }) - 1
}

/// A numeric cell value as an integer string, when it is one.
fn integer_text(v: &str) -> Option<String> {
    let v = v.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        let t = v.trim_start_matches('0');
        return Some(if t.is_empty() { "0".to_string() } else { t.to_string() });
    }
    let f: f64 = v.parse().ok()?;
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15).then(|| format!("{}", f as i64))
}

struct Cell {
    reference: String,
    kind: String,
    value: String,
}

/// Returns how many cells were padded to eleven digits.
fn scan_sheet<B: BufRead>(
    ctx: &Ctx,
    file: &str,
    sheet: &str,
    mut xml: Reader<B>,
    shared: &[String],
    acc: &mut Acc,
) -> Result<u64, String> {
    let mut buf = Vec::new();
    let mut headers: HashMap<u64, (String, Hints)> = HashMap::new();
    let mut row_no = 0u64;
    let mut col_no = 0u64;
    let mut cell: Option<Cell> = None;
    let mut in_value = false;
    let mut padded = 0;
    loop {
        match read_event(&mut xml, &mut buf)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"row" => {
                row_no = attr(&e, b"r").and_then(|r| r.parse().ok()).unwrap_or(row_no + 1);
                col_no = 0;
            }
            Event::Start(e) if e.local_name().as_ref() == b"c" => {
                let reference = attr(&e, b"r").unwrap_or_else(|| format!("{}{}", column_letters(col_no), row_no));
                if let Some((col, _)) = split_ref(&reference) {
                    col_no = column_index(col);
                }
                cell = Some(Cell {
                    reference,
                    kind: attr(&e, b"t").unwrap_or_default(),
                    value: String::new(),
                });
            }
            Event::Empty(e) if e.local_name().as_ref() == b"c" => col_no += 1,
            Event::Start(e) if matches!(e.local_name().as_ref(), b"v" | b"t") => in_value = cell.is_some(),
            Event::End(e) => match e.local_name().as_ref() {
                b"v" | b"t" => in_value = false,
                b"c" => {
                    if let Some(c) = cell.take() {
                        padded += scan_cell(ctx, file, sheet, &c, row_no, col_no, shared, &mut headers, acc);
                    }
                    col_no += 1;
                }
                _ => {}
            },
            Event::Text(t) if in_value => {
                if let Some(c) = cell.as_mut() {
                    match t.unescape() {
                        Ok(s) => c.value.push_str(&s),
                        Err(_) => c.value.push_str(&String::from_utf8_lossy(&t)),
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(padded)
}

#[allow(clippy::too_many_arguments)]
fn scan_cell(
    ctx: &Ctx,
    file: &str,
    sheet: &str,
    c: &Cell,
    row: u64,
    col: u64,
    shared: &[String],
    headers: &mut HashMap<u64, (String, Hints)>,
    acc: &mut Acc,
) -> u64 {
    let (text, numeric) = match c.kind.as_str() {
        "s" => match c.value.trim().parse::<usize>().ok().and_then(|i| shared.get(i)) {
            Some(s) => (s.clone(), false),
            None => return 0,
        },
        "inlineStr" | "str" => (c.value.clone(), false),
        "b" | "e" => return 0,
        _ => match integer_text(&c.value) {
            Some(s) => (s, true),
            None => return 0,
        },
    };
    if row == 1 && !numeric && !text.trim().is_empty() {
        headers.insert(col, (text.trim().to_string(), ctx.det.header_hints(&text)));
    }
    let (column, hints) = match (row > 1).then(|| headers.get(&col)).flatten() {
        Some((name, hints)) => (Some(name.clone()), *hints),
        None => (None, Hints(0)),
    };
    let loc = || Location {
        row: Some(row),
        column: column.clone(),
        sheet: Some(sheet.to_string()),
        cell: Some(c.reference.clone()),
        ..Location::default()
    };
    if numeric && text.len() == 10 {
        let mut d = [b'0'; 11];
        d[1..].copy_from_slice(text.as_bytes());
        if ids::validate_person(
            &d,
            Policy {
                accept_2032: ctx.opts.accept_2032,
            },
        )
        .is_ok()
        {
            scan_unit(ctx, file, &d, hints, flag::PADDED, acc, &loc);
            return 1;
        }
    }
    scan_unit(ctx, file, text.as_bytes(), hints, 0, acc, &loc);
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_refs() {
        assert_eq!(split_ref("B7"), Some(("B", 7)));
        assert_eq!(split_ref("AB12"), Some(("AB", 12)));
        assert_eq!(split_ref("7"), None);
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_index("AB"), 27);
        assert_eq!(column_index("A"), 0);
        assert_eq!(integer_text("1.5108695088E10").as_deref(), Some("15108695088"));
        assert_eq!(integer_text("0150").as_deref(), Some("150"));
        assert_eq!(integer_text("3.5"), None);
    }
}
