//! The streaming pipeline (shared with JSON Lines) and the CSV front end.
//!
//! A reader thread fills batches, workers transform them, the calling thread
//! writes them in input order. A fixed pool of batches circulates between
//! them, so memory stays constant however large the input is: the reader
//! waits for a free batch when the writer falls behind.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, Write};
use std::sync::{Mutex, mpsc};

use super::csv_rows::{Chunker, Fields, Rows};
use super::rules::{Action, Counts, Engine, Person};
use super::{ColumnSummary, MAX_REPORTED, PseudonymiseError, RowProblem, RunOptions, Summary, Unlisted};

/// One unit of work.
pub(crate) struct Batch<T> {
    pub seq: u64,
    pub items: Vec<T>,
    pub len: usize,
    /// The input line the batch starts on (front ends that read raw bytes).
    pub line: u64,
    pub bytes_end: u64,
    pub last: bool,
    pub out: Vec<u8>,
    pub mapping: Vec<u8>,
    pub mapping_entries: u64,
    pub counts: Vec<Counts>,
    pub rows_in: u64,
    pub rows_out: u64,
    pub skipped: u64,
    pub problems: Vec<RowProblem>,
    pub fatal: Option<PseudonymiseError>,
    /// Free-form notes from a worker (JSON Lines: fields without a rule).
    pub notes: Vec<String>,
}

impl<T> Default for Batch<T> {
    fn default() -> Self {
        Batch {
            seq: 0,
            items: Vec::new(),
            len: 0,
            line: 0,
            bytes_end: 0,
            last: false,
            out: Vec::new(),
            mapping: Vec::new(),
            mapping_entries: 0,
            counts: Vec::new(),
            rows_in: 0,
            rows_out: 0,
            skipped: 0,
            problems: Vec::new(),
            fatal: None,
            notes: Vec::new(),
        }
    }
}

impl<T> Batch<T> {
    fn reset(&mut self) {
        self.len = 0;
        self.line = 0;
        self.bytes_end = 0;
        self.last = false;
        self.out.clear();
        self.mapping.clear();
        self.mapping_entries = 0;
        self.counts.iter_mut().for_each(|c| *c = Counts::default());
        self.rows_in = 0;
        self.rows_out = 0;
        self.skipped = 0;
        self.problems.clear();
        self.fatal = None;
        self.notes.clear();
    }

    /// Records a bad row: reported and skipped, or fatal with `on_error: fail`.
    /// Returns false when processing of the batch must stop.
    pub fn problem(&mut self, skip: bool, problem: RowProblem) -> bool {
        if skip {
            self.skipped += 1;
            if self.problems.len() < MAX_REPORTED {
                self.problems.push(problem);
            }
            true
        } else {
            self.fatal = Some(PseudonymiseError::Row(problem));
            false
        }
    }
}

/// Per-worker state: remembers mapping entries already written (bounded).
#[derive(Default)]
pub(crate) struct Scratch {
    seen: HashSet<u64>,
    pub cell: Vec<u8>,
    /// The fields of the CSV row being processed.
    pub fields: Fields,
}

const MAPPING_SEEN_MAX: usize = 1 << 21;

impl Scratch {
    /// Appends one mapping entry unless this worker wrote it recently.
    pub fn map_entry<T>(&mut self, batch: &mut Batch<T>, column: &str, original: &[u8], pseudonym: &[u8]) {
        use std::hash::{BuildHasher, Hasher};
        static STATE: std::sync::OnceLock<std::collections::hash_map::RandomState> = std::sync::OnceLock::new();
        let mut h = STATE.get_or_init(Default::default).build_hasher();
        h.write(column.as_bytes());
        h.write_u8(0xff);
        h.write(original);
        if !self.seen.insert(h.finish()) {
            return;
        }
        if self.seen.len() > MAPPING_SEEN_MAX {
            self.seen.clear();
        }
        #[derive(serde::Serialize)]
        struct Entry<'a> {
            column: &'a str,
            original: &'a str,
            pseudonym: &'a str,
        }
        let original = String::from_utf8_lossy(original);
        let pseudonym = String::from_utf8_lossy(pseudonym);
        let entry = Entry {
            column,
            original: &original,
            pseudonym: &pseudonym,
        };
        if serde_json::to_writer(&mut batch.mapping, &entry).is_ok() {
            batch.mapping.push(b'\n');
            batch.mapping_entries += 1;
        }
    }
}

/// Runs reader → workers → in-order writer.
pub(crate) fn pipeline<T: Send>(
    threads: usize,
    mut fill: impl FnMut(&mut Batch<T>) -> Result<bool, PseudonymiseError> + Send,
    work: impl Fn(&mut Batch<T>, &mut Scratch) + Sync,
    mut drain: impl FnMut(&mut Batch<T>) -> Result<(), PseudonymiseError>,
) -> Result<(), PseudonymiseError> {
    let threads = threads.max(1);
    let (free_tx, free_rx) = mpsc::channel::<Batch<T>>();
    for _ in 0..threads * 2 + 2 {
        let _ = free_tx.send(Batch::default());
    }
    let (work_tx, work_rx) = mpsc::channel::<Batch<T>>();
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<Batch<T>>();
    std::thread::scope(|s| {
        s.spawn(move || {
            let mut seq = 0;
            while let Ok(mut b) = free_rx.recv() {
                b.reset();
                b.seq = seq;
                seq += 1;
                match fill(&mut b) {
                    Ok(more) => {
                        b.last = !more;
                        if work_tx.send(b).is_err() || !more {
                            break;
                        }
                    }
                    Err(e) => {
                        b.fatal = Some(e);
                        b.len = 0;
                        b.last = true;
                        let _ = work_tx.send(b);
                        break;
                    }
                }
            }
        });
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            let work = &work;
            s.spawn(move || {
                let mut scratch = Scratch::default();
                loop {
                    let next = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => break,
                    };
                    let Ok(mut b) = next else { break };
                    if b.fatal.is_none() {
                        work(&mut b, &mut scratch);
                    }
                    if done_tx.send(b).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);

        let mut next = 0u64;
        let mut pending: BTreeMap<u64, Batch<T>> = BTreeMap::new();
        let mut result = Ok(());
        'outer: while let Ok(b) = done_rx.recv() {
            pending.insert(b.seq, b);
            while let Some(mut b) = pending.remove(&next) {
                next += 1;
                if let Some(e) = b.fatal.take() {
                    result = Err(e);
                    break 'outer;
                }
                if let Err(e) = drain(&mut b) {
                    result = Err(e);
                    break 'outer;
                }
                if b.last {
                    break 'outer;
                }
                let _ = free_tx.send(b);
            }
        }
        // Unblock the reader and the workers before the scope joins them.
        drop(free_tx);
        drop(done_rx);
        result
    })
}

/// Adds a batch's results to the summary and writes its output.
pub(crate) struct Collector<'o, 'm> {
    pub summary: Summary,
    pub counts: Vec<Counts>,
    pub output: &'o mut dyn Write,
    pub mapping: Option<super::mapping::MappingWriter<'m>>,
    pub progress: Option<super::Progress<'m>>,
    pub total: Option<u64>,
}

impl Collector<'_, '_> {
    pub fn drain<T>(&mut self, b: &mut Batch<T>) -> Result<(), PseudonymiseError> {
        self.output.write_all(&b.out).map_err(PseudonymiseError::Output)?;
        if let Some(m) = &mut self.mapping {
            m.write_all(&b.mapping)?;
            self.summary.mapping_entries = Some(self.summary.mapping_entries.unwrap_or(0) + b.mapping_entries);
        }
        for (total, c) in self.counts.iter_mut().zip(&b.counts) {
            total.add(c);
        }
        let s = &mut self.summary;
        s.rows_in += b.rows_in;
        s.rows_out += b.rows_out;
        s.rows_skipped += b.skipped;
        for p in b.problems.drain(..) {
            if s.skipped.len() < MAX_REPORTED {
                s.skipped.push(p);
            }
        }
        for n in b.notes.drain(..) {
            if !s.warnings.contains(&n) {
                s.warnings.push(n);
            }
        }
        s.bytes_in = s.bytes_in.max(b.bytes_end);
        if let Some(p) = self.progress {
            p(s.bytes_in, self.total);
        }
        Ok(())
    }

    /// Flushes, seals the mapping and lists the counts of the configured
    /// columns (`configured` tells them from unlisted ones).
    pub fn finish(
        mut self,
        columns: &[(String, Action)],
        configured: &dyn Fn(&str) -> bool,
    ) -> Result<Summary, PseudonymiseError> {
        self.output.flush().map_err(PseudonymiseError::Output)?;
        if let Some(m) = self.mapping.take() {
            m.finish()?;
        }
        for ((name, action), c) in columns.iter().zip(&self.counts) {
            if matches!(action, Action::Keep) || !configured(name) {
                continue;
            }
            self.summary.columns.push(ColumnSummary {
                name: name.clone(),
                action: action.name().to_string(),
                values: c.values,
                replaced: c.replaced,
                invalid: c.invalid,
                unmapped: c.unmapped,
                tokenised_invalid: c.tokenised_invalid,
                kept_invalid: c.kept_invalid,
            });
            if matches!(action, Action::SyntheticId { .. }) {
                self.summary.invalid_ids += c.invalid;
            }
        }
        Ok(self.summary)
    }
}

pub(crate) fn threads(options: &RunOptions<'_>) -> usize {
    options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .clamp(1, 64)
}

/// Which values of a column can be written without the quoting check:
/// those made only of bytes that never need quotes with this delimiter.
/// Most cells of an extract are such values, and the check was a twentieth
/// of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct QuoteFree {
    /// Every value the action writes.
    always: bool,
    /// Values written for a cell of a plain row (split without the parser:
    /// no quote, line break or delimiter in any field).
    if_input_plain: bool,
}

impl QuoteFree {
    fn of(action: &Action, delimiter: u8, token_prefix: &[u8]) -> QuoteFree {
        let clean = |bytes: &[u8]| !needs_quotes(bytes, delimiter);
        // A token is its prefix and lower-case hex digits.
        let token_clean = |prefix: &[u8]| clean(prefix) && clean(b"0123456789abcdef");
        let (always, if_input_plain) = match action {
            Action::Keep => (false, true),
            Action::Suppress | Action::Drop => (true, true),
            // Digits and the separators of the input, or a token; with
            // `on_invalid: keep` the value as it came.
            Action::SyntheticId { on_invalid } => {
                let mapped = clean(b"0123456789 -.") && token_clean(token_prefix);
                (mapped && *on_invalid != super::OnInvalid::Keep, mapped)
            }
            Action::Token { prefix, .. } => (token_clean(prefix), token_clean(prefix)),
            // Digits in the places of the input's digits, and the input's
            // other bytes.
            Action::ShiftDate { .. } => (false, clean(b"0123456789-")),
            // The input's characters, some replaced by the mask.
            Action::Generalise { mask, .. } => {
                let mut buf = [0u8; 4];
                (false, clean(mask.encode_utf8(&mut buf).as_bytes()))
            }
            Action::AgeBand { .. } => {
                let c = clean(b"0123456789-+");
                (c, c)
            }
        };
        QuoteFree { always, if_input_plain }
    }
}

/// Whether the csv crate's writer would quote this field.
fn needs_quotes(field: &[u8], delimiter: u8) -> bool {
    // A fold without early exit vectorises; fields are short.
    field.iter().fold(false, |acc, &c| {
        acc | (c == delimiter) | (c == b'"') | (c == b'\n') | (c == b'\r')
    })
}

/// Appends one CSV field as the csv crate's writer does by default (quoted
/// only when it holds the delimiter, a quote or a line break; quotes
/// doubled), so output is byte-for-byte what `csv::Writer` would write.
fn push_field(out: &mut Vec<u8>, field: &[u8], delimiter: u8) {
    if !needs_quotes(field, delimiter) {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &c in field {
        if c == b'"' {
            out.push(b'"');
        }
        out.push(c);
    }
    out.push(b'"');
}

pub(crate) fn run(
    engine: &Engine<'_>,
    input: Box<dyn BufRead + Send>,
    output: &mut dyn Write,
    options: RunOptions<'_>,
) -> Result<Summary, PseudonymiseError> {
    let config = engine.config;
    let delimiter = config.delimiter as u8;
    let mut chunker = Chunker::new(input, delimiter);
    let header = chunker.header()?.ok_or(PseudonymiseError::EmptyInput)?;
    let mut names = Vec::with_capacity(header.len());
    for (i, field) in header.iter().enumerate() {
        let field = field.as_slice();
        let field = if i == 0 {
            field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field)
        } else {
            field
        };
        let name = std::str::from_utf8(field).map_err(|_| PseudonymiseError::HeaderNotUtf8)?;
        names.push(name.trim().to_string());
    }

    // Resolve the rules against the header.
    let missing: Vec<String> = config
        .columns
        .keys()
        .chain(config.person.iter())
        .filter(|c| !names.contains(c))
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !missing.is_empty() {
        return Err(PseudonymiseError::MissingColumns { missing, header: names });
    }
    for name in config.columns.keys() {
        if names.iter().filter(|n| *n == name).count() > 1 {
            return Err(PseudonymiseError::DuplicateColumn(name.clone()));
        }
    }
    let unlisted: Vec<String> = names
        .iter()
        .filter(|n| !config.columns.contains_key(*n))
        .cloned()
        .collect();
    let mut warnings = Vec::new();
    if !unlisted.is_empty() {
        match config.unlisted {
            Unlisted::Fail => return Err(PseudonymiseError::UnlistedColumns(unlisted)),
            Unlisted::Keep => warnings.push(format!("columns kept unchanged (no rule): {}", unlisted.join(", "))),
            Unlisted::Drop => warnings.push(format!("columns left out (no rule): {}", unlisted.join(", "))),
        }
    }
    let columns: Vec<(String, Action)> = names
        .iter()
        .map(|n| {
            let action = match config.columns.get(n) {
                Some(rule) => Action::from_rule(rule, config),
                None if config.unlisted == Unlisted::Drop => Action::Drop,
                None => Action::Keep,
            };
            (n.clone(), action)
        })
        .collect();
    let person_index = config.person.as_ref().and_then(|p| names.iter().position(|n| n == p));
    let ncols = names.len();

    // Output header.
    let mut head = csv::WriterBuilder::new().delimiter(delimiter).from_writer(Vec::new());
    let kept: Vec<&str> = columns
        .iter()
        .filter(|(_, a)| !matches!(a, Action::Drop))
        .map(|(n, _)| n.as_str())
        .collect();
    head.write_record(&kept)
        .map_err(|e| PseudonymiseError::Internal(e.to_string()))?;
    let head = head
        .into_inner()
        .map_err(|e| PseudonymiseError::Internal(e.to_string()))?;
    output.write_all(&head).map_err(PseudonymiseError::Output)?;

    let threads = threads(&options);
    let RunOptions {
        mapping_out,
        progress,
        input_len,
        ..
    } = options;
    let mapping_on = mapping_out.is_some();
    let mapping = match mapping_out {
        Some(w) => Some(super::mapping::MappingWriter::new(w, &engine.keys)?),
        None => None,
    };
    let mut collector = Collector {
        summary: Summary {
            warnings,
            ..Summary::default()
        },
        counts: vec![Counts::default(); ncols],
        output,
        mapping,
        progress,
        total: input_len,
    };
    let skip = config.on_error == super::OnError::Skip;

    let fill = |b: &mut Batch<u8>| -> Result<bool, PseudonymiseError> {
        let chunk = chunker.next_chunk(&mut b.items)?;
        b.len = b.items.len();
        b.line = chunk.line;
        b.bytes_end = chunk.bytes_end;
        Ok(!chunk.last)
    };

    // Fields written per output row; a row of one empty field is written
    // `""` so it does not read back as an empty line.
    let kept_fields = columns.iter().filter(|(_, a)| !matches!(a, Action::Drop)).count();
    let quote_free: Vec<QuoteFree> = columns
        .iter()
        .map(|(_, a)| QuoteFree::of(a, delimiter, config.token_prefix.as_bytes()))
        .collect();
    let work = |b: &mut Batch<u8>, scratch: &mut Scratch| {
        if b.counts.len() != ncols {
            b.counts = vec![Counts::default(); ncols];
        }
        let mut mapping_pairs: Vec<(usize, Vec<u8>, Vec<u8>)> = Vec::new();
        let chunk = std::mem::take(&mut b.items);
        // One UTF-8 check for the chunk; rows are checked one by one only
        // when it fails, to report them.
        let chunk_is_utf8 = simdutf8::basic::from_utf8(&chunk).is_ok();
        let mut rows = Rows::new(&chunk, b.line, delimiter);
        let mut fields = std::mem::take(&mut scratch.fields);
        'rows: while let Some(at) = rows.next_row(&mut fields) {
            b.rows_in += 1;
            let line = at.line;
            if fields.len() != ncols {
                let reason = format!("has {} fields, the header has {ncols}", fields.len());
                if !b.problem(
                    skip,
                    RowProblem {
                        line,
                        column: None,
                        reason,
                    },
                ) {
                    break;
                }
                continue;
            }
            if !chunk_is_utf8 && simdutf8::basic::from_utf8(&chunk[at.start..at.end]).is_err() {
                let reason = "is not valid UTF-8 (use --input-encoding windows-1252 for Latin-1 files)".to_string();
                if !b.problem(
                    skip,
                    RowProblem {
                        line,
                        column: None,
                        reason,
                    },
                ) {
                    break;
                }
                continue;
            }
            let mut person = Person::new(person_index.map(|i| fields.get(&chunk, i)));
            mapping_pairs.clear();
            // The row goes straight into the batch's output (no intermediate
            // record); a bad cell cuts it off again.
            let row_start = b.out.len();
            let mut written = 0;
            for (i, (_, action)) in columns.iter().enumerate() {
                let field = fields.get(&chunk, i);
                let value = match action {
                    Action::Drop => continue,
                    Action::Keep => field,
                    _ => {
                        scratch.cell.clear();
                        if let Err(e) = engine.apply(action, field, &mut person, &mut scratch.cell, &mut b.counts[i]) {
                            b.out.truncate(row_start);
                            let problem = RowProblem {
                                line,
                                column: Some(columns[i].0.clone()),
                                reason: e.reason(action),
                            };
                            if !b.problem(skip, problem) {
                                break 'rows;
                            }
                            continue 'rows;
                        }
                        if mapping_on && action.is_pseudonym() && !scratch.cell.is_empty() {
                            mapping_pairs.push((i, field.trim_ascii().to_vec(), scratch.cell.clone()));
                        }
                        &scratch.cell[..]
                    }
                };
                if written > 0 {
                    b.out.push(delimiter);
                }
                let free = &quote_free[i];
                if free.always || (fields.plain && free.if_input_plain) {
                    debug_assert!(!needs_quotes(value, delimiter), "{value:?} needs quotes");
                    b.out.extend_from_slice(value);
                } else {
                    push_field(&mut b.out, value, delimiter);
                }
                written += 1;
            }
            if kept_fields == 1 && b.out.len() == row_start {
                b.out.extend_from_slice(b"\"\"");
            }
            b.out.push(b'\n');
            b.rows_out += 1;
            for (i, original, pseudonym) in mapping_pairs.drain(..) {
                scratch.map_entry(b, &columns[i].0, &original, &pseudonym);
            }
        }
        scratch.fields = fields;
        b.items = chunk;
    };

    pipeline(threads, fill, work, |b| collector.drain(b))?;
    collector.finish(&columns, &|name| config.columns.contains_key(name))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::push_field;

    /// What `csv::Writer` (default settings) writes for these records.
    fn csv_crate(records: &[Vec<Vec<u8>>], delimiter: u8) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_writer(Vec::new());
        for r in records {
            w.write_record(r).expect("write");
        }
        w.into_inner().expect("flush")
    }

    /// The same through `push_field`, as the pipeline writes rows.
    fn ours(records: &[Vec<Vec<u8>>], delimiter: u8) -> Vec<u8> {
        let mut out = Vec::new();
        for r in records {
            let start = out.len();
            for (i, f) in r.iter().enumerate() {
                if i > 0 {
                    out.push(delimiter);
                }
                push_field(&mut out, f, delimiter);
            }
            if r.len() == 1 && out.len() == start {
                out.extend_from_slice(b"\"\"");
            }
            out.push(b'\n');
        }
        out
    }

    fn field() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop_oneof![
                Just(b','),
                Just(b';'),
                Just(b'\t'),
                Just(b'"'),
                Just(b'\n'),
                Just(b'\r'),
                Just(b' '),
                Just(b'#'),
                b'a'..=b'z',
                any::<u8>()
            ],
            0..12,
        )
    }

    proptest! {
        #[test]
        fn fields_are_written_exactly_as_the_csv_crate_writes_them(
            records in prop::collection::vec(prop::collection::vec(field(), 1..5), 1..6),
            delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t'), Just(b'|')],
        ) {
            prop_assert_eq!(ours(&records, delimiter), csv_crate(&records, delimiter));
        }
    }

    #[test]
    fn quote_free_columns_are_only_those_that_cannot_need_quotes() {
        use super::super::{Canonical, OnInvalid};
        use super::{Action, QuoteFree};
        let token = |prefix: &str| Action::Token {
            length: 8,
            prefix: prefix.as_bytes().to_vec(),
            canonical: Canonical::Text,
            tag: b"text".to_vec(),
        };
        let free = |always, if_input_plain| QuoteFree { always, if_input_plain };
        assert_eq!(QuoteFree::of(&token("tok_"), b',', b"tok_"), free(true, true));
        assert_eq!(QuoteFree::of(&token("t,"), b',', b"tok_"), free(false, false));
        assert_eq!(QuoteFree::of(&token("t\""), b';', b"tok_"), free(false, false));
        // Hex digits are no delimiter.
        assert_eq!(QuoteFree::of(&token("tok_"), b'a', b"tok_"), free(false, false));
        let id = |on_invalid| Action::SyntheticId { on_invalid };
        assert_eq!(QuoteFree::of(&id(OnInvalid::Token), b',', b"tok_"), free(true, true));
        // Invalid values kept as they came may hold anything.
        assert_eq!(QuoteFree::of(&id(OnInvalid::Keep), b',', b"tok_"), free(false, true));
        // Separators kept from the input, or a token prefix, may be the delimiter.
        assert_eq!(QuoteFree::of(&id(OnInvalid::Token), b' ', b"tok_"), free(false, false));
        assert_eq!(QuoteFree::of(&id(OnInvalid::Fail), b',', b"t,"), free(false, false));
        assert_eq!(QuoteFree::of(&Action::Keep, b',', b"tok_"), free(false, true));
        let mask = |mask| Action::Generalise { keep: 2, mask };
        assert_eq!(QuoteFree::of(&mask('*'), b',', b"tok_"), free(false, true));
        assert_eq!(QuoteFree::of(&mask('"'), b',', b"tok_"), free(false, false));
        let band = Action::AgeBand { width: 5, top: None };
        assert_eq!(QuoteFree::of(&band, b',', b"tok_"), free(true, true));
        assert_eq!(QuoteFree::of(&band, b'-', b"tok_"), free(false, false));
    }

    #[test]
    fn a_row_of_one_empty_field_is_quoted() {
        let records = vec![vec![Vec::new()], vec![b"x".to_vec()]];
        assert_eq!(ours(&records, b','), csv_crate(&records, b','));
        assert_eq!(ours(&records, b','), b"\"\"\nx\n");
    }
}
