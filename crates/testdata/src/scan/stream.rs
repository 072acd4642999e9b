//! Reading files in blocks and turning raw hits into counts and findings.
//!
//! Text, CSV and JSON Lines: the file is read in blocks (default 4 MiB) cut
//! at record boundaries (newlines; for CSV newlines outside quoted fields);
//! a reader thread feeds the blocks to the worker pool, and a merger puts the
//! per-block results back in file order, adding line and record bases. Each
//! block is scanned in one detector pass; hits are then mapped to lines, CSV
//! fields or JSON paths. Memory: a bounded number of blocks in flight.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Seek};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{channel, sync_channel};

use memchr::{memchr, memchr_iter, memchr2, memrchr};
use rayon::prelude::*;

use super::detect::{self, Detector, Hints, RawHit, flag};
use super::{Counts, Finding, Format, Location, PersonDetail, ScanOptions};
use super::{conv_index, id_kind_index, json, office};
use crate::ids::ChecksumRule;
use crate::io::{sniff_csv_delimiter, utf8_or_windows1252};

/// Shared, read-only state of one scan.
pub(crate) struct Ctx<'a> {
    pub det: Arc<Detector>,
    pub opts: &'a ScanOptions,
}

impl<'a> Ctx<'a> {
    pub fn new(opts: &'a ScanOptions) -> Ctx<'a> {
        Ctx {
            det: Arc::new(super::detector(opts)),
            opts,
        }
    }

    /// With a detector built before (for the same options).
    pub fn with_detector(det: Arc<Detector>, opts: &'a ScanOptions) -> Ctx<'a> {
        Ctx { det, opts }
    }
}

/// Everything learnt about one file.
pub(crate) struct FileOutcome {
    pub path: String,
    pub format: Format,
    pub bytes: u64,
    pub lines: Option<u64>,
    pub records: Option<u64>,
    pub windows_1252: bool,
    pub counts: Counts,
    pub findings: Vec<Finding>,
    pub notes: Vec<String>,
    pub error: Option<String>,
    pub skipped: Option<String>,
}

impl FileOutcome {
    fn new(path: String, format: Format) -> FileOutcome {
        FileOutcome {
            path,
            format,
            bytes: 0,
            lines: None,
            records: None,
            windows_1252: false,
            counts: Counts::default(),
            findings: Vec::new(),
            notes: Vec::new(),
            error: None,
            skipped: None,
        }
    }
}

/// Counts and capped findings of one unit of work (a block, a file).
#[derive(Default)]
pub(crate) struct Acc {
    pub counts: Counts,
    pub findings: Vec<Finding>,
    listed: [usize; 7],
}

impl Acc {
    /// Counts a hit (if at or above the threshold) and lists it while the
    /// per-kind cap allows; `loc` is only called for listed hits.
    pub fn add(&mut self, ctx: &Ctx, file: &str, hit: &RawHit, matched: &[u8], loc: impl FnOnce() -> Location) {
        let k = hit.kind.index();
        if hit.confidence < ctx.opts.min_confidence {
            self.counts.below[k] += 1;
            return;
        }
        self.counts.by_kind[k] += 1;
        if let Some(p) = &hit.person {
            self.counts.conv[conv_index(p.convention)] += 1;
            self.counts.id_kind[id_kind_index(p.kind)] += 1;
            self.counts.rule[usize::from(p.rule == ChecksumRule::From2032)] += 1;
            if p.may_be_real() {
                self.counts.possibly_real += 1;
            } else {
                self.counts.synthetic += 1;
            }
        }
        if self.listed[k] >= ctx.opts.max_findings_per_kind {
            return;
        }
        self.listed[k] += 1;
        let raw = String::from_utf8_lossy(matched);
        let text = if ctx.opts.show_values {
            raw.into_owned()
        } else {
            detect::mask(hit.kind, &raw)
        };
        let note =
            (hit.flags & flag::PADDED != 0).then(|| "numeric cell: the lost leading zero was restored".to_string());
        self.findings.push(Finding {
            file: file.to_string(),
            kind: hit.kind,
            confidence: hit.confidence,
            location: loc(),
            text,
            person: hit.person.map(|p| PersonDetail {
                id_kind: p.kind,
                convention: p.convention,
                rule: p.rule,
                may_be_real: p.may_be_real(),
            }),
            note,
        });
    }

    /// Appends another accumulator's results (which come later in the file).
    fn append(&mut self, other: Acc, cap: usize) {
        self.counts.add(&other.counts);
        for f in other.findings {
            let k = f.kind.index();
            if self.listed[k] < cap {
                self.listed[k] += 1;
                self.findings.push(f);
            }
        }
    }
}

thread_local! {
    static HITS: RefCell<Vec<RawHit>> = const { RefCell::new(Vec::new()) };
}

/// Scans one unit of text (a paragraph, a cell) with the column context given.
pub(crate) fn scan_unit(
    ctx: &Ctx,
    file: &str,
    text: &[u8],
    column: Hints,
    flags: u8,
    acc: &mut Acc,
    loc: &dyn Fn() -> Location,
) {
    HITS.with(|h| {
        let mut hits = h.borrow_mut();
        ctx.det.detect(text, &mut hits);
        for hit in hits.iter_mut() {
            hit.flags |= flags;
            if hit.apply_column(column) {
                acc.add(ctx, file, hit, &text[hit.start..hit.end], loc);
            }
        }
    });
}

// ---------------------------------------------------------------------------
// Entry points per file

type Tick<'a> = &'a (dyn Fn(u64) + Sync);

pub(crate) fn scan_path(ctx: &Ctx, path: &Path, pool: Option<&rayon::ThreadPool>, tick: Tick) -> FileOutcome {
    let label = path.display().to_string();
    let format = ctx.opts.format.unwrap_or_else(|| Format::from_path(path));
    let mut out = FileOutcome::new(label.clone(), format);
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            out.error = Some(format!("cannot open: {e}"));
            return out;
        }
    };
    let size = file.metadata().map(|m| m.len()).ok();
    match format {
        Format::Docx | Format::Xlsx => {
            let size = size.unwrap_or(0);
            scan_office(ctx, &mut out, std::io::BufReader::new(file), size);
            tick(size);
        }
        _ => scan_text_stream(ctx, &mut out, file, pool, tick),
    }
    out
}

pub(crate) fn scan_memory(ctx: &Ctx, name: &str, bytes: &[u8]) -> FileOutcome {
    let format = ctx.opts.format.unwrap_or_else(|| Format::from_path(Path::new(name)));
    let mut out = FileOutcome::new(name.to_string(), format);
    match format {
        Format::Docx | Format::Xlsx => scan_office(ctx, &mut out, Cursor::new(bytes), bytes.len() as u64),
        _ => scan_text_stream(ctx, &mut out, Cursor::new(bytes), None, &|_| {}),
    }
    out
}

/// A file that fails before anything was found counts as not scanned (bytes 0).
fn scan_office<R: Read + Seek>(ctx: &Ctx, out: &mut FileOutcome, reader: R, size: u64) {
    let mut acc = Acc::default();
    let result = match out.format {
        Format::Docx => office::scan_docx(ctx, &out.path, reader, &mut acc),
        _ => office::scan_xlsx(ctx, &out.path, reader, &mut acc, &mut out.notes),
    };
    let found = acc.counts.by_kind.iter().chain(&acc.counts.below).any(|&n| n > 0);
    if result.is_ok() || found {
        out.bytes = size;
    }
    if let Err(e) = result {
        out.error = Some(e);
    }
    out.counts = acc.counts;
    out.findings = acc.findings;
}

// ---------------------------------------------------------------------------
// Text, CSV and JSON Lines

/// How a block's records are cut and mapped.
pub(crate) enum Layout {
    Text,
    JsonLines,
    Csv(CsvLayout),
}

pub(crate) struct CsvLayout {
    pub delim: u8,
    pub names: Vec<String>,
    pub hints: Vec<Hints>,
}

impl CsvLayout {
    fn name(&self, i: usize) -> String {
        self.names
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("column {}", i + 1))
    }
}

/// A block of whole records and where it starts in the file.
struct Block {
    index: u64,
    offset: u64,
    data: Vec<u8>,
}

/// What a worker learns from one block.
struct BlockOut {
    index: u64,
    len: u64,
    ends_with_newline: bool,
    acc: Acc,
    newlines: u64,
    records: u64,
    windows_1252: bool,
}

/// Longest record kept whole; a longer one (e.g. an unbalanced quote) is cut.
const MAX_RECORD: usize = 64 << 20;

fn scan_text_stream<R: Read + Send>(
    ctx: &Ctx,
    out: &mut FileOutcome,
    mut reader: R,
    pool: Option<&rayon::ThreadPool>,
    tick: Tick,
) {
    let block_size = ctx.opts.block_size.max(1);
    // The first block: sniffing, BOM, CSV header.
    let mut first = Vec::with_capacity(block_size.min(64 << 20));
    let mut eof = match fill(&mut reader, &mut first, block_size) {
        Ok(eof) => eof,
        Err(e) => {
            out.error = Some(format!("read error: {e}"));
            return;
        }
    };
    let head = &first[..first.len().min(8192)];
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        out.error = Some("UTF-16 text is not supported; convert the file to UTF-8".into());
        return;
    }
    if memchr(0, head).is_some() {
        out.skipped = Some("binary content (NUL bytes)".into());
        return;
    }
    let mut start = if first.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };

    let mut header_lines = 0u64;
    let layout = match out.format {
        Format::Csv => {
            // Make sure the header record is complete.
            loop {
                let body = &first[start..];
                let delim = ctx
                    .opts
                    .csv_delimiter
                    .unwrap_or_else(|| sniff_delimiter(body, &out.path));
                let (end, inner, complete) = record_end(body, 0, delim);
                if complete || eof || first.len() >= MAX_RECORD {
                    let layout = if ctx.opts.csv_header {
                        let header = &body[..end];
                        let (names, was_1252) = parse_header(header, delim);
                        out.windows_1252 |= was_1252;
                        let hints = names.iter().map(|n| ctx.det.header_hints(n)).collect();
                        header_lines = 1 + inner;
                        start += (end + 1).min(body.len());
                        CsvLayout { delim, names, hints }
                    } else {
                        CsvLayout {
                            delim,
                            names: Vec::new(),
                            hints: Vec::new(),
                        }
                    };
                    break Layout::Csv(layout);
                }
                let target = first.len() * 2;
                match fill(&mut reader, &mut first, target) {
                    Ok(e) => eof = e,
                    Err(e) => {
                        out.error = Some(format!("read error: {e}"));
                        return;
                    }
                }
            }
        }
        Format::JsonLines => Layout::JsonLines,
        _ => Layout::Text,
    };

    let mut merger = Merger::new(ctx.opts.max_findings_per_kind, header_lines, start as u64);
    if eof {
        // Everything fits in one block: no threads.
        let data = first.split_off(start);
        let n = data.len() as u64;
        let block = Block {
            index: 0,
            offset: start as u64,
            data,
        };
        let bo = process_block(ctx, &out.path, &layout, &block);
        merger.push(bo);
        tick(n + start as u64);
    } else {
        let carry = first.split_off(start);
        let result = match pool {
            Some(pool) => pipeline(
                ctx,
                &out.path,
                &layout,
                reader,
                carry,
                start as u64,
                pool,
                &mut merger,
                tick,
            ),
            None => sequential(ctx, &out.path, &layout, reader, carry, start as u64, &mut merger, tick),
        };
        if let Err(e) = result {
            out.error = Some(e);
        }
        tick(start as u64);
    }
    let m = merger;
    out.bytes = m.bytes;
    out.lines = Some(m.lines + u64::from(!m.ends_with_newline));
    if let Layout::Csv(_) = layout {
        out.records = Some(m.records);
    }
    out.windows_1252 |= m.windows_1252;
    if m.windows_1252 {
        out.notes.push("not valid UTF-8: decoded as Windows-1252".into());
    }
    if m.cut_records {
        out.notes
            .push("a record longer than 64 MiB (unbalanced quote?) was cut; line numbers after it may be off".into());
    }
    out.counts = m.acc.counts;
    out.findings = m.acc.findings;
}

/// Reads until `buf` holds `target` bytes or the input ends (returns true at the end).
fn fill<R: Read>(reader: &mut R, buf: &mut Vec<u8>, target: usize) -> std::io::Result<bool> {
    let want = target.saturating_sub(buf.len());
    if want == 0 {
        return Ok(false);
    }
    let got = reader.by_ref().take(want as u64).read_to_end(buf)?;
    Ok(got < want)
}

/// Puts block results back in file order.
struct Merger {
    cap: usize,
    next: u64,
    pending: BTreeMap<u64, BlockOut>,
    acc: Acc,
    /// Lines before the next block (header included).
    lines: u64,
    records: u64,
    bytes: u64,
    windows_1252: bool,
    cut_records: bool,
    ends_with_newline: bool,
}

impl Merger {
    fn new(cap: usize, header_lines: u64, header_bytes: u64) -> Merger {
        Merger {
            cap,
            next: 0,
            pending: BTreeMap::new(),
            acc: Acc::default(),
            lines: header_lines,
            records: 0,
            bytes: header_bytes,
            windows_1252: false,
            cut_records: false,
            ends_with_newline: true,
        }
    }

    fn push(&mut self, bo: BlockOut) {
        self.pending.insert(bo.index, bo);
        while let Some(mut bo) = self.pending.remove(&self.next) {
            for f in &mut bo.acc.findings {
                if let Some(l) = &mut f.location.line {
                    *l += self.lines;
                }
                if let Some(r) = &mut f.location.row {
                    *r += self.records;
                }
            }
            self.lines += bo.newlines;
            self.bytes += bo.len;
            if bo.len > 0 {
                self.ends_with_newline = bo.ends_with_newline;
            }
            self.records += bo.records;
            self.windows_1252 |= bo.windows_1252;
            self.acc.append(bo.acc, self.cap);
            self.next += 1;
        }
    }
}

/// Reads the next block: whole records, carrying the tail over.
struct BlockReader<R> {
    reader: R,
    carry: Vec<u8>,
    offset: u64,
    index: u64,
    block_size: usize,
    csv_delim: Option<u8>,
    done: bool,
    cut_records: bool,
}

impl<R: Read> BlockReader<R> {
    fn next_block(&mut self, mut buf: Vec<u8>) -> std::io::Result<Option<Block>> {
        if self.done {
            return Ok(None);
        }
        buf.clear();
        buf.append(&mut self.carry);
        let mut target = self.block_size;
        let cut = loop {
            let eof = fill(&mut self.reader, &mut buf, target)?;
            if eof {
                self.done = true;
                break buf.len();
            }
            let cut = split_point(&buf, self.csv_delim);
            if cut > 0 {
                break cut;
            }
            if buf.len() >= MAX_RECORD {
                self.cut_records = true;
                break memrchr(b'\n', &buf).map_or(buf.len(), |p| p + 1);
            }
            target = buf.len() * 2;
        };
        self.carry.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);
        if buf.is_empty() && self.done {
            return Ok(None);
        }
        let block = Block {
            index: self.index,
            offset: self.offset,
            data: buf,
        };
        self.index += 1;
        self.offset += cut as u64;
        Ok(Some(block))
    }
}

/// The end (exclusive, after '\n') of the last complete record in `buf`, or 0.
fn split_point(buf: &[u8], csv_delim: Option<u8>) -> usize {
    match csv_delim {
        Some(delim) if memchr(b'"', buf).is_some() => {
            let mut pos = 0;
            let mut last = 0;
            while pos < buf.len() {
                let (end, _, complete) = record_end(buf, pos, delim);
                if !complete {
                    break;
                }
                last = end + 1;
                pos = end + 1;
            }
            last
        }
        _ => memrchr(b'\n', buf).map_or(0, |p| p + 1),
    }
}

#[allow(clippy::too_many_arguments)]
fn sequential<R: Read>(
    ctx: &Ctx,
    file: &str,
    layout: &Layout,
    reader: R,
    carry: Vec<u8>,
    offset: u64,
    merger: &mut Merger,
    tick: Tick,
) -> Result<(), String> {
    let mut br = block_reader(ctx, layout, reader, carry, offset);
    let mut buf = Vec::new();
    loop {
        match br.next_block(std::mem::take(&mut buf)) {
            Ok(Some(block)) => {
                let bo = process_block(ctx, file, layout, &block);
                tick(block.data.len() as u64);
                merger.push(bo);
                buf = block.data;
            }
            Ok(None) => break,
            Err(e) => return Err(format!("read error at byte {}: {e}", br.offset)),
        }
    }
    merger.cut_records |= br.cut_records;
    Ok(())
}

fn block_reader<R: Read>(ctx: &Ctx, layout: &Layout, reader: R, carry: Vec<u8>, offset: u64) -> BlockReader<R> {
    BlockReader {
        reader,
        carry,
        offset,
        index: 0,
        block_size: ctx.opts.block_size.max(1),
        csv_delim: match layout {
            Layout::Csv(c) => Some(c.delim),
            _ => None,
        },
        done: false,
        cut_records: false,
    }
}

/// Reader thread → worker pool → merger thread.
#[allow(clippy::too_many_arguments)]
fn pipeline<R: Read + Send>(
    ctx: &Ctx,
    file: &str,
    layout: &Layout,
    reader: R,
    carry: Vec<u8>,
    offset: u64,
    pool: &rayon::ThreadPool,
    merger: &mut Merger,
    tick: Tick,
) -> Result<(), String> {
    let depth = 2 * pool.current_num_threads().max(1);
    let (block_tx, block_rx) = sync_channel::<Block>(depth);
    let (free_tx, free_rx) = channel::<Vec<u8>>();
    let (out_tx, out_rx) = channel::<BlockOut>();
    let mut br = block_reader(ctx, layout, reader, carry, offset);
    let m = &mut *merger;
    let cut = std::thread::scope(|s| -> Result<bool, String> {
        let reader_thread = s.spawn(move || -> Result<bool, String> {
            loop {
                let buf = free_rx.try_recv().unwrap_or_default();
                match br.next_block(buf) {
                    Ok(Some(block)) => {
                        if block_tx.send(block).is_err() {
                            return Ok(br.cut_records);
                        }
                    }
                    Ok(None) => return Ok(br.cut_records),
                    Err(e) => return Err(format!("read error at byte {}: {e}", br.offset)),
                }
            }
        });
        let merger_thread = s.spawn(move || {
            for bo in out_rx {
                m.push(bo);
            }
        });
        pool.install(|| {
            block_rx
                .into_iter()
                .par_bridge()
                .for_each_with((out_tx, free_tx), |(out_tx, free_tx), block| {
                    let bo = process_block(ctx, file, layout, &block);
                    tick(block.data.len() as u64);
                    let _ = out_tx.send(bo);
                    let _ = free_tx.send(block.data);
                });
        });
        let read = reader_thread.join().map_err(|_| "reader thread failed".to_string())?;
        merger_thread.join().map_err(|_| "merger thread failed".to_string())?;
        read
    })?;
    merger.cut_records |= cut;
    Ok(())
}

/// Scans one block: detector pass, then mapping of hits to lines, fields, paths.
fn process_block(ctx: &Ctx, file: &str, layout: &Layout, block: &Block) -> BlockOut {
    let raw = &block.data[..];
    let (decoded, windows_1252) = utf8_or_windows1252(raw);
    let text = decoded.as_bytes();
    let mut offsets = OffsetMap {
        decoded: windows_1252,
        pos: 0,
        cont: 0,
    };
    let mut acc = Acc::default();
    let mut records = 0;
    HITS.with(|h| {
        let mut hits = h.borrow_mut();
        ctx.det.detect(text, &mut hits);
        match layout {
            Layout::Text => map_text(ctx, file, text, block.offset, &mut hits, &mut offsets, &mut acc, false),
            Layout::JsonLines => map_text(ctx, file, text, block.offset, &mut hits, &mut offsets, &mut acc, true),
            Layout::Csv(csv) => {
                records = map_csv(ctx, file, csv, text, block.offset, &mut hits, &mut offsets, &mut acc);
            }
        }
    });
    let newlines = memchr_iter(b'\n', raw).count() as u64;
    BlockOut {
        index: block.index,
        len: raw.len() as u64,
        ends_with_newline: raw.last() == Some(&b'\n'),
        acc,
        newlines,
        records,
        windows_1252,
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ends() {
        let b = b"a,b\n\"x\ny\",2\nc,\"d\"\"e\"\n";
        assert_eq!(record_end(b, 0, b','), (3, 0, true));
        assert_eq!(record_end(b, 4, b','), (11, 1, true));
        assert_eq!(record_end(b, 12, b','), (20, 0, true));
        // A quote inside an unquoted field is literal.
        assert_eq!(record_end(b"ab\"c\nd", 0, b','), (4, 0, true));
        // Unterminated quote.
        assert_eq!(record_end(b"\"abc\ndef", 0, b','), (8, 1, false));
        assert_eq!(split_point(b"a,b\n\"x\ny", Some(b',')), 4);
        assert_eq!(split_point(b"a,b\nc,d\ne", Some(b',')), 8);
    }

    #[test]
    fn header_and_delimiter() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1,2;3", "x.csv"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\n", "x.csv"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a,b\";c\n", "x.csv"), b';');
        assert_eq!(sniff_delimiter(b"abc\n", "x.tsv"), b'\t');
        assert_eq!(
            parse_header(b"id,\"f\"\"nr\", navn \r", b',').0,
            vec!["id", "f\"nr", "navn"]
        );
    }

    #[test]
    fn field_cursor() {
        let rec = b"1,\"a,b\",c";
        let mut c = FieldCursor {
            pos: 0,
            field: 0,
            in_quote: false,
            at_start: true,
        };
        c.advance(rec, 4, b',');
        assert_eq!((c.field, c.in_quote), (1, true));
        c.advance(rec, 8, b',');
        assert_eq!((c.field, c.in_quote), (2, false));
    }
}

mod offsets;
#[allow(unused_imports)]
pub use offsets::*;
