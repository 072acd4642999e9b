//! CSV input as raw chunks of whole records, and the records of a chunk.
//!
//! The reader thread only cuts the input into chunks that end on a record
//! boundary (about 1 MiB each); the workers split the records themselves.
//! Most rows of a production extract hold no quote: such a row is one line,
//! split at the delimiter with `memchr`, and its unchanged fields can be
//! copied to the output as they are (they hold nothing that needs quoting).
//! A row with a quote or a lone carriage return is parsed by `csv_core`, the
//! csv crate's own parser with the same settings (any of `\r`, `\n`, `\r\n`
//! ends a record, `""` is a quote inside a quoted field, blank lines are
//! skipped), so both paths give the records the csv crate gives; a property
//! test checks this. Parsing every row with the csv crate and copying it
//! into a `ByteRecord` was about a tenth of a `pseudonymise` run's CPU time;
//! splitting plain rows with `memchr` costs a fraction of that.
//!
//! Line numbers are those of the line a record starts on (1-based): the
//! reader tells each chunk the line it starts on, and the worker counts the
//! line feeds it passes.

use std::io::BufRead;

use crate::io::IoError;

use super::PseudonymiseError;

/// Bytes a chunk is filled to before it is cut at the last record boundary
/// (about 13,000 rows of a typical extract).
pub(crate) const CHUNK_BYTES: usize = 1 << 20;

fn core_reader(delimiter: u8) -> csv_core::Reader {
    csv_core::ReaderBuilder::new().delimiter(delimiter).build()
}

/// Cuts the input into chunks of whole records.
pub(crate) struct Chunker {
    input: Box<dyn BufRead + Send>,
    delimiter: u8,
    /// Bytes read after the last boundary handed out.
    carry: Vec<u8>,
    eof: bool,
    /// Input bytes before `carry`.
    consumed: u64,
    /// The line `carry` starts on.
    line: u64,
    /// Bytes a chunk is filled to before it is cut.
    chunk_bytes: usize,
}

/// One chunk: whole records, and the line its first byte is on.
pub(crate) struct ChunkInfo {
    pub line: u64,
    /// Input bytes up to the end of the chunk.
    pub bytes_end: u64,
    /// No more input after this chunk.
    pub last: bool,
}

impl Chunker {
    pub fn new(input: Box<dyn BufRead + Send>, delimiter: u8) -> Chunker {
        Chunker {
            input,
            delimiter,
            carry: Vec::new(),
            eof: false,
            consumed: 0,
            line: 1,
            chunk_bytes: CHUNK_BYTES,
        }
    }

    /// Reads until `buf` holds at least `want` bytes or the input ends.
    fn read_into(&mut self, buf: &mut Vec<u8>, want: usize) -> Result<(), PseudonymiseError> {
        while buf.len() < want && !self.eof {
            let data = self
                .input
                .fill_buf()
                .map_err(|e| PseudonymiseError::Input(IoError::from_io(e)))?;
            if data.is_empty() {
                self.eof = true;
                break;
            }
            let n = data.len();
            buf.extend_from_slice(data);
            self.input.consume(n);
        }
        Ok(())
    }

    /// The header: the first record's fields, or `None` for an input with
    /// no record at all.
    pub fn header(&mut self) -> Result<Option<Vec<Vec<u8>>>, PseudonymiseError> {
        let mut buf = std::mem::take(&mut self.carry);
        let mut want = self.chunk_bytes.min(64 * 1024);
        loop {
            self.read_into(&mut buf, want)?;
            let mut fields = Fields::default();
            let mut core = core_reader(self.delimiter);
            match parse_record(&mut core, &buf, self.eof, &mut fields) {
                Some(n) => {
                    let header = (0..fields.len()).map(|i| fields.get(&buf, i).to_vec()).collect();
                    self.line += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
                    self.consumed += n as u64;
                    buf.drain(..n);
                    self.carry = buf;
                    return Ok(Some(header));
                }
                None if self.eof => return Ok(None),
                None => want = buf.len() * 2,
            }
        }
    }

    /// Fills `chunk` (cleared first) with the next whole records.
    pub fn next_chunk(&mut self, chunk: &mut Vec<u8>) -> Result<ChunkInfo, PseudonymiseError> {
        chunk.clear();
        chunk.extend_from_slice(&self.carry);
        self.carry.clear();
        let mut want = self.chunk_bytes;
        let end = loop {
            self.read_into(chunk, want)?;
            if self.eof {
                break chunk.len();
            }
            if let Some(end) = last_boundary(chunk, self.delimiter) {
                break end;
            }
            // One record longer than the chunk: read on.
            want = chunk.len() * 2;
        };
        self.carry.extend_from_slice(&chunk[end..]);
        chunk.truncate(end);
        let info = ChunkInfo {
            line: self.line,
            bytes_end: self.consumed + end as u64,
            last: self.eof && self.carry.is_empty(),
        };
        self.line += memchr::memchr_iter(b'\n', chunk).count() as u64;
        self.consumed += end as u64;
        Ok(info)
    }
}

/// The end of the last complete record in `data` (which starts on a record
/// boundary), if any record ends in it.
fn last_boundary(data: &[u8], delimiter: u8) -> Option<usize> {
    // Without quotes every line feed ends a record.
    if memchr::memchr(b'"', data).is_none()
        && let Some(i) = memchr::memrchr(b'\n', data)
    {
        return Some(i + 1);
    }
    let mut core = core_reader(delimiter);
    let (mut out, mut ends) = ([0u8; 4096], [0usize; 256]);
    let mut pos = 0;
    let mut last = None;
    loop {
        let (result, nin, _, _) = core.read_record(&data[pos..], &mut out, &mut ends);
        pos += nin;
        match result {
            csv_core::ReadRecordResult::Record => last = Some(pos),
            csv_core::ReadRecordResult::OutputFull | csv_core::ReadRecordResult::OutputEndsFull => {}
            csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => return last,
        }
    }
}

/// The fields of one record: spans of the chunk (a plain row) or of the
/// parser's output (a parsed row).
#[derive(Default)]
pub(crate) struct Fields {
    spans: Vec<(usize, usize)>,
    parsed: Vec<u8>,
    ends: Vec<usize>,
    /// The row was split without the parser: no field holds a quote, a
    /// line break or the delimiter.
    pub plain: bool,
}

impl Fields {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Field `i`; `chunk` is the chunk the row was read from.
    #[inline]
    pub fn get<'a>(&'a self, chunk: &'a [u8], i: usize) -> &'a [u8] {
        let (s, e) = self.spans[i];
        if self.plain { &chunk[s..e] } else { &self.parsed[s..e] }
    }
}

/// Parses the record at the start of `data` with `csv_core` (blank lines
/// before it are skipped); returns the bytes consumed, or `None` when no
/// whole record is in `data` (`complete`: nothing follows `data`).
fn parse_record(core: &mut csv_core::Reader, data: &[u8], complete: bool, fields: &mut Fields) -> Option<usize> {
    core.reset();
    fields.plain = false;
    fields.spans.clear();
    if fields.parsed.len() < 256 {
        fields.parsed.resize(256, 0);
    }
    if fields.ends.len() < 16 {
        fields.ends.resize(16, 0);
    }
    let (mut pos, mut nout, mut nend) = (0, 0, 0);
    loop {
        let input = &data[pos..];
        let (result, nin, o, e) = core.read_record(input, &mut fields.parsed[nout..], &mut fields.ends[nend..]);
        pos += nin;
        nout += o;
        nend += e;
        match result {
            csv_core::ReadRecordResult::Record => break,
            csv_core::ReadRecordResult::OutputFull => {
                let n = fields.parsed.len() * 2;
                fields.parsed.resize(n, 0);
            }
            csv_core::ReadRecordResult::OutputEndsFull => {
                let n = fields.ends.len() * 2;
                fields.ends.resize(n, 0);
            }
            // All of `data` read: when nothing follows, the next call (with
            // empty input, which tells `csv_core` the input ended) finishes
            // a last record without a line break.
            csv_core::ReadRecordResult::InputEmpty if complete && !input.is_empty() => {}
            csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => return None,
        }
    }
    let mut start = 0;
    for &end in &fields.ends[..nend] {
        fields.spans.push((start, end));
        start = end;
    }
    Some(pos)
}

/// The records of one chunk, in order.
pub(crate) struct Rows<'c> {
    chunk: &'c [u8],
    pos: usize,
    line: u64,
    delimiter: u8,
    core: csv_core::Reader,
    /// The chunk holds no quote and no carriage return: every row is one
    /// line, split in one pass.
    clean: bool,
}

/// Where a record was found.
pub(crate) struct RowAt {
    pub line: u64,
    /// The record's bytes in the chunk (for the UTF-8 check).
    pub start: usize,
    pub end: usize,
}

impl<'c> Rows<'c> {
    pub fn new(chunk: &'c [u8], line: u64, delimiter: u8) -> Rows<'c> {
        Rows {
            chunk,
            pos: 0,
            line,
            delimiter,
            core: core_reader(delimiter),
            clean: memchr::memchr2(b'"', b'\r', chunk).is_none(),
        }
    }

    /// Reads the next record into `fields`.
    pub fn next_row(&mut self, fields: &mut Fields) -> Option<RowAt> {
        // Blank lines (and the `\n` of a `\r\n`) are no records.
        while let Some(&b) = self.chunk.get(self.pos) {
            match b {
                b'\n' => self.line += 1,
                b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
        if self.pos >= self.chunk.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.chunk[start..];
        let at = self.line;
        if self.clean {
            fields.plain = true;
            fields.spans.clear();
            let mut s = start;
            let mut ended = false;
            for i in memchr::memchr2_iter(self.delimiter, b'\n', rest) {
                fields.spans.push((s, start + i));
                s = start + i + 1;
                if rest[i] == b'\n' {
                    ended = true;
                    break;
                }
            }
            if ended {
                self.line += 1;
            } else {
                // The last record, without a line break.
                fields.spans.push((s, self.chunk.len()));
                s = self.chunk.len();
            }
            self.pos = s;
            return Some(RowAt {
                line: at,
                start,
                end: self.pos,
            });
        }
        let eol = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..eol];
        let body = line.strip_suffix(b"\r").unwrap_or(line);
        if memchr::memchr2(b'"', b'\r', body).is_none() {
            fields.plain = true;
            fields.spans.clear();
            let mut s = start;
            for d in memchr::memchr_iter(self.delimiter, body) {
                fields.spans.push((s, start + d));
                s = start + d + 1;
            }
            fields.spans.push((s, start + body.len()));
            self.pos = start + (eol + 1).min(rest.len());
            if eol < rest.len() {
                self.line += 1;
            }
        } else {
            // The chunk ends on a record boundary, so the record is whole.
            let n = parse_record(&mut self.core, rest, true, fields)?;
            self.line += memchr::memchr_iter(b'\n', &rest[..n]).count() as u64;
            self.pos = start + n;
        }
        Some(RowAt {
            line: at,
            start,
            end: self.pos,
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Records (fields and the line each starts on) through the chunker,
    /// with small chunks so records cross chunk ends.
    type Record = Vec<Vec<u8>>;

    fn ours(data: &[u8], delimiter: u8, chunk_bytes: usize) -> (Option<Record>, Vec<(u64, Record)>) {
        // Small reads, so chunks end before the input does.
        let input = std::io::BufReader::with_capacity(chunk_bytes.div_ceil(3), std::io::Cursor::new(data.to_vec()));
        let mut chunker = Chunker::new(Box::new(input), delimiter);
        chunker.chunk_bytes = chunk_bytes;
        let header = chunker.header().expect("read");
        let mut rows = Vec::new();
        if header.is_none() {
            return (header, rows);
        }
        let mut chunk = Vec::new();
        loop {
            let info = chunker.next_chunk(&mut chunk).expect("read");
            let mut r = Rows::new(&chunk, info.line, delimiter);
            let mut f = Fields::default();
            while let Some(at) = r.next_row(&mut f) {
                rows.push((at.line, (0..f.len()).map(|i| f.get(&chunk, i).to_vec()).collect()));
            }
            if info.last {
                assert_eq!(info.bytes_end, data.len() as u64);
                break;
            }
        }
        (header, rows)
    }

    /// The csv crate's records.
    fn reference(data: &[u8], delimiter: u8) -> Vec<Record> {
        let mut r = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(data);
        r.byte_records()
            .map(|rec| rec.expect("csv").iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    fn byte() -> impl Strategy<Value = u8> {
        prop_oneof![
            4 => b'a'..=b'e',
            2 => Just(b','),
            1 => Just(b';'),
            1 => Just(b'"'),
            1 => Just(b'\n'),
            1 => Just(b'\r'),
            1 => Just(b' '),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn records_are_the_csv_crates(
            data in prop::collection::vec(byte(), 0..300),
            delimiter in prop_oneof![Just(b','), Just(b';')],
            chunk_bytes in 1usize..64,
            clean in any::<bool>(),
        ) {
            // Half the inputs without quotes and carriage returns, so whole
            // chunks take the one-pass split.
            let data: Vec<u8> = if clean {
                data.into_iter().map(|b| if b == b'"' || b == b'\r' { b'a' } else { b }).collect()
            } else {
                data
            };
            let expected = reference(&data, delimiter);
            let (header, rows) = ours(&data, delimiter, chunk_bytes);
            if clean {
                // Every non-empty line is a record; the header is the first.
                let lines: Vec<u64> = data
                    .split(|&b| b == b'\n')
                    .zip(1u64..)
                    .filter(|(l, _)| !l.is_empty())
                    .map(|(_, n)| n)
                    .skip(1)
                    .collect();
                let got: Vec<u64> = rows.iter().map(|(l, _)| *l).collect();
                prop_assert_eq!(got, lines);
            }
            let mut got: Vec<Record> = header.into_iter().collect();
            got.extend(rows.into_iter().map(|(_, r)| r));
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn line_numbers_are_where_records_start() {
        let data = b"a,b\r\n1,2\r\n\r\n\n3,\"x\ny\"\n4,5\r6,7\n\"8\",9";
        let (header, rows) = ours(data, b',', 4);
        assert_eq!(header, Some(vec![b"a".to_vec(), b"b".to_vec()]));
        let lines: Vec<u64> = rows.iter().map(|(l, _)| *l).collect();
        // 1,2 on line 2; blank lines 3 and 4; the quoted record spans 5–6;
        // 4,5 on 7, ended by a lone CR, so 6,7 is on line 7 too; "8" on 8.
        assert_eq!(lines, [2, 5, 7, 7, 8]);
        assert_eq!(rows[1].1, [b"3".to_vec(), b"x\ny".to_vec()]);
        assert_eq!(rows[4].1, [b"8".to_vec(), b"9".to_vec()]);
    }

    #[test]
    fn empty_and_blank_inputs_have_no_header() {
        assert_eq!(ours(b"", b',', 8).0, None);
        assert_eq!(ours(b"\n\r\n\n", b',', 8).0, None);
    }
}
