//! `scan`: find Norwegian identifiers and other personal data in files.
//!
//! What is looked for (see [`Kind`]):
//! - person numbers (fødselsnummer, D-, H- and FH-numbers) with valid control
//!   digits and a valid date, classified by range: production, Dolly-or-H,
//!   NHN reserved, Tenor (via [`crate::ids::validate_person`]);
//! - organisation and account numbers, only with a context word nearby or in
//!   a column whose name suggests them (a nine- or eleven-digit checksum
//!   matches one random number in eleven);
//! - phone numbers (+47, or eight digits in a mobile or fixed-line range),
//!   e-mail addresses, "Given Surname" names from a built-in names list, and
//!   addresses (street name + number, postcode + place).
//!
//! Numbers are digit runs bounded by non-digits, optionally grouped
//! ("DDMMYY IIIKK", "DDMMYY-IIIKK", "DDMMYY III KK", "912 34 567"); a
//! detection is never part of a longer digit run.
//!
//! Every hit has a [`Confidence`]; only hits at or above
//! [`ScanOptions::min_confidence`] are counted (the rest are counted
//! separately in [`ScanReport::below_threshold`]). Person numbers that pass
//! only the relaxed control digits of the 2032 rule are `low` without
//! context — the 2032 rule makes checksum-only matches about four times as
//! common — and [`PersonIdSummary::by_rule`] says which rule matched.
//!
//! Formats: plain text (any extension not listed below), CSV (`.csv`,
//! `.tsv`; delimiter `,` `;` or tab detected from the header), JSON Lines
//! (`.jsonl`, `.ndjson`), Word (`.docx`: body, headers, footers, footnotes,
//! comments, tracked deletions) and Excel (`.xlsx`, `.xlsm`: shared and
//! inline strings and numeric cells; a ten-digit number that becomes a valid
//! person number with its lost leading zero is reported with a note).
//! Directories are walked recursively (hidden entries skipped unless asked).
//! Text that is not valid UTF-8 is decoded as Windows-1252 and the file
//! summary says so. A file that cannot be read (corrupt zip, UTF-16, I/O
//! error) is listed in [`ScanReport::errors`] and the scan goes on.
//!
//! Large text, CSV and JSON Lines files are streamed in blocks split at record
//! boundaries and scanned on all cores; memory does not grow with file size.

mod detect;
mod json;
mod office;
mod stream;

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::ids::{ChecksumRule, Convention, IdKind, Policy};
use detect::Detector;

/// What was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Fødselsnummer, D-, H- or FH-number (valid control digits and date).
    PersonId,
    /// Organisation number (only with context).
    OrgNumber,
    /// Bank account number (only with context).
    AccountNumber,
    /// Norwegian phone number.
    Phone,
    /// E-mail address.
    Email,
    /// Given name followed by a surname from the names list (or "Surname, Given").
    Name,
    /// Street name with house number, and/or postcode with place name.
    Address,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::PersonId,
        Kind::OrgNumber,
        Kind::AccountNumber,
        Kind::Phone,
        Kind::Email,
        Kind::Name,
        Kind::Address,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::PersonId => "person_id",
            Kind::OrgNumber => "org_number",
            Kind::AccountNumber => "account_number",
            Kind::Phone => "phone",
            Kind::Email => "email",
            Kind::Name => "name",
            Kind::Address => "address",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::PersonId => "person numbers",
            Kind::OrgNumber => "organisation numbers",
            Kind::AccountNumber => "account numbers",
            Kind::Phone => "phone numbers",
            Kind::Email => "e-mail addresses",
            Kind::Name => "names",
            Kind::Address => "addresses",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure a detection is.
///
/// - person number: `medium` (classic control digits and a valid date),
///   `low` for FH-numbers and numbers valid only under the 2032 rule, `high`
///   with a context word ("fnr", "fødselsnummer", "pnr", "d-nummer", …) or a
///   column named like one;
/// - phone: `high` with +47/0047 or context, `medium` for grouped digits
///   or a bare mobile number (4xx/9xx), `low` for a bare fixed-line number;
/// - e-mail `high`; name `medium`; address `medium` (street + number),
///   `high` (street + number + postcode + place), `low` (postcode + place only);
/// - organisation and account numbers are only reported with context (`high`).
///
/// A number glued to letters (or in a dotted, decimal-looking group) is one
/// level lower. A column name that suggests the kind raises it to `high`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    #[default]
    Medium,
    High,
}

impl Confidence {
    fn lower(self) -> Confidence {
        match self {
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        }
    }
}

/// When a scan should fail a pipeline (the CLI turns a failing verdict into exit code 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailOn {
    /// Never fail.
    #[default]
    None,
    /// Fail when a counted person number may belong to a real person:
    /// production range, H-number/Dolly range (cannot be told apart) or
    /// FH-number. Tenor (+80) and NHN reserved (+65) numbers pass.
    ProductionIds,
    /// Fail on any counted finding of any kind.
    AnyPersonalData,
}

/// Input format; by default chosen from the file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Text,
    Csv,
    JsonLines,
    Docx,
    Xlsx,
}

impl Format {
    /// The format for a file name: `.csv`/`.tsv` CSV, `.jsonl`/`.ndjson` JSON
    /// Lines, `.docx`, `.xlsx`/`.xlsm`, anything else text.
    pub fn from_path(path: &Path) -> Format {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "csv" | "tsv" => Format::Csv,
            "jsonl" | "ndjson" => Format::JsonLines,
            "docx" | "docm" => Format::Docx,
            "xlsx" | "xlsm" => Format::Xlsx,
            _ => Format::Text,
        }
    }
}

/// Options for [`run`] and [`scan_bytes`]; the CLI maps its flags 1:1.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Show full matched values in findings (default: masked, e.g. `1510******8`).
    pub show_values: bool,
    /// How many findings (locations) to list per kind over the whole scan;
    /// counts are always complete. Default 100.
    pub max_findings_per_kind: usize,
    /// Hits below this confidence are not counted (default `medium`).
    pub min_confidence: Confidence,
    /// Which kinds to look for; empty means all.
    pub kinds: Vec<Kind>,
    /// Accept person numbers with the relaxed 2032 control digits (default true).
    pub accept_2032: bool,
    /// Force one format for every file instead of choosing by extension.
    pub format: Option<Format>,
    /// CSV delimiter; default: detected from the header line (`,` `;` tab).
    pub csv_delimiter: Option<u8>,
    /// The first CSV line is a header (default true); its names give the
    /// `column` of findings and context for numbers.
    pub csv_header: bool,
    /// Also walk hidden files and directories (names starting with '.').
    pub include_hidden: bool,
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    /// Bytes per parallel block for large text/CSV/JSON Lines files (default 4 MiB).
    pub block_size: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            show_values: false,
            max_findings_per_kind: 100,
            min_confidence: Confidence::Medium,
            kinds: Vec::new(),
            accept_2032: true,
            format: None,
            csv_delimiter: None,
            csv_header: true,
            include_hidden: false,
            threads: 0,
            block_size: 4 << 20,
        }
    }
}

impl ScanOptions {
    fn enabled_bits(&self) -> u8 {
        if self.kinds.is_empty() {
            0x7F
        } else {
            self.kinds.iter().fold(0, |b, k| b | (1 << k.index()))
        }
    }
}

/// Where a finding is. Fields that do not apply to the format are absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// 1-based physical line (text, CSV, JSON Lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based data record (CSV, after the header) or spreadsheet row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    /// CSV or spreadsheet column name (header), or "column N".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// JSON path of the value (JSON Lines), e.g. `$.patient.fnr`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    /// Spreadsheet sheet name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Spreadsheet cell, e.g. `B7`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// Part of a Word document, e.g. `word/document.xml`, `word/header1.xml`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// 1-based paragraph within the part (Word).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<u64>,
    /// Byte offset of the match in the file (text, CSV, JSON Lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byte_offset: Option<u64>,
}

/// What a person number is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PersonDetail {
    pub id_kind: IdKind,
    pub convention: Convention,
    pub rule: ChecksumRule,
    /// Production range, H/Dolly range or FH-number.
    pub may_be_real: bool,
}

/// One located hit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub file: String,
    pub kind: Kind,
    pub confidence: Confidence,
    #[serde(flatten)]
    pub location: Location,
    /// The matched text, masked unless [`ScanOptions::show_values`].
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Person numbers by range, kind and checksum rule (counted ones only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PersonIdSummary {
    pub total: u64,
    /// Production, H/Dolly and FH numbers: may belong to a real person.
    pub possibly_real: u64,
    /// Tenor (+80) and NHN reserved (+65): cannot belong to a real person.
    pub synthetic: u64,
    /// `production` (incl. FH-numbers), `dolly_or_h_number`, `nhn_reserved`, `tenor`.
    pub by_convention: BTreeMap<&'static str, u64>,
    /// `fnr`, `d_number`, `h_number`, `fh_number`.
    pub by_kind: BTreeMap<&'static str, u64>,
    /// `classic`, `from_2032` (valid only under the relaxed 2032 control digits).
    pub by_rule: BTreeMap<&'static str, u64>,
}

/// Per-file summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileSummary {
    pub path: String,
    pub format: Format,
    /// `utf-8` or `windows-1252` (decoded; some or all of the file was not valid UTF-8).
    pub encoding: &'static str,
    pub bytes: u64,
    /// Lines (text, CSV, JSON Lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<u64>,
    /// CSV data records (after the header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records: Option<u64>,
    pub counts: BTreeMap<Kind, u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A file that could not be scanned (the scan continued).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileError {
    pub path: String,
    pub error: String,
}

/// A file deliberately not scanned (binary content).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
}

/// The result of a scan. Serialises to the JSON summary; [`ScanReport::render_text`] for people.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScanReport {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub min_confidence: Confidence,
    /// False when finding texts are masked.
    pub values_shown: bool,
    /// Counted hits per kind (at or above `min_confidence`).
    pub counts: BTreeMap<Kind, u64>,
    /// Hits below `min_confidence`, not counted above.
    pub below_threshold: BTreeMap<Kind, u64>,
    pub person_ids: PersonIdSummary,
    /// Located hits, in file order, at most `max_findings_per_kind` per kind.
    pub findings: Vec<Finding>,
    /// Counted hits per kind that are not listed in `findings`.
    pub findings_omitted: BTreeMap<Kind, u64>,
    pub files: Vec<FileSummary>,
    pub errors: Vec<FileError>,
    pub skipped: Vec<SkippedFile>,
}

impl ScanReport {
    /// True when the report fails the policy (the CLI exits with 1).
    /// Files that could not be scanned do not make the verdict fail by
    /// themselves; see [`ScanReport::errors`].
    pub fn verdict(&self, fail_on: &FailOn) -> bool {
        match fail_on {
            FailOn::None => false,
            FailOn::ProductionIds => self.person_ids.possibly_real > 0,
            FailOn::AnyPersonalData => self.counts.values().any(|&n| n > 0),
        }
    }

    /// Total counted hits.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// A human-readable summary (English, like the rest of the CLI).
    pub fn render_text(&self) -> String {
        let mut s = String::new();
        let with = self.files.iter().filter(|f| f.counts.values().any(|&n| n > 0)).count();
        let _ = writeln!(
            s,
            "Scanned {} file(s), {}: {} with findings, {} error(s), {} skipped.",
            self.files_scanned,
            human_bytes(self.bytes_scanned),
            with,
            self.errors.len(),
            self.skipped.len()
        );
        let _ = writeln!(s, "Counted at confidence {} or higher:", conf_str(self.min_confidence));
        for k in Kind::ALL {
            let n = self.counts.get(&k).copied().unwrap_or(0);
            let _ = write!(s, "  {:<22}{:>12}", k.label(), n);
            if k == Kind::PersonId && n > 0 {
                let p = &self.person_ids;
                let _ = write!(
                    s,
                    "  (possibly real {}, synthetic {}; production {}, H/Dolly {}, NHN {}, Tenor {}; 2032 rule only {})",
                    p.possibly_real,
                    p.synthetic,
                    p.by_convention.get("production").unwrap_or(&0),
                    p.by_convention.get("dolly_or_h_number").unwrap_or(&0),
                    p.by_convention.get("nhn_reserved").unwrap_or(&0),
                    p.by_convention.get("tenor").unwrap_or(&0),
                    p.by_rule.get("from_2032").unwrap_or(&0),
                );
            }
            s.push('\n');
        }
        let below: Vec<String> = self
            .below_threshold
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        if !below.is_empty() {
            let _ = writeln!(s, "Below the confidence threshold (not counted): {}", below.join(", "));
        }
        if !self.findings.is_empty() {
            let _ = writeln!(
                s,
                "\nFindings{}:",
                if self.values_shown { "" } else { " (values masked)" }
            );
            for f in &self.findings {
                let _ = writeln!(s, "  {}", finding_line(f));
            }
            let omitted: Vec<String> = self
                .findings_omitted
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            if !omitted.is_empty() {
                let _ = writeln!(s, "  … not listed: {}", omitted.join(", "));
            }
        }
        for f in &self.files {
            for note in &f.notes {
                let _ = writeln!(s, "Note: {}: {}", f.path, note);
            }
        }
        if !self.errors.is_empty() {
            let _ = writeln!(s, "\nErrors (these files were not fully scanned):");
            for e in &self.errors {
                let _ = writeln!(s, "  {}: {}", e.path, e.error);
            }
        }
        if !self.skipped.is_empty() {
            let _ = writeln!(s, "\nSkipped:");
            for e in &self.skipped {
                let _ = writeln!(s, "  {}: {}", e.path, e.reason);
            }
        }
        s
    }
}

fn conf_str(c: Confidence) -> &'static str {
    match c {
        Confidence::Low => "low",
        Confidence::Medium => "medium",
        Confidence::High => "high",
    }
}

fn finding_line(f: &Finding) -> String {
    let l = &f.location;
    let mut at = f.file.clone();
    if let Some(line) = l.line {
        let _ = write!(at, ":{line}");
    }
    if let Some(sheet) = &l.sheet {
        let _ = write!(at, " [{sheet}]");
    }
    if let Some(cell) = &l.cell {
        let _ = write!(at, " {cell}");
    }
    if let Some(part) = &l.part {
        let _ = write!(at, " {part}");
    }
    if let Some(p) = l.paragraph {
        let _ = write!(at, " ¶{p}");
    }
    if let Some(row) = l.row {
        let _ = write!(at, " row {row}");
    }
    if let Some(c) = &l.column {
        let _ = write!(at, " column \"{c}\"");
    }
    if let Some(p) = &l.json_path {
        let _ = write!(at, " {p}");
    }
    let mut s = format!("{at}  {} {}  {}", f.kind, conf_str(f.confidence), f.text);
    if let Some(p) = &f.person {
        let _ = write!(
            s,
            "  ({} {}, {} rule)",
            p.convention.as_str(),
            p.id_kind.as_str(),
            rule_str(p.rule)
        );
    }
    if let Some(n) = &f.note {
        let _ = write!(s, "  [{n}]");
    }
    s
}

fn rule_str(r: ChecksumRule) -> &'static str {
    match r {
        ChecksumRule::Classic => "classic",
        ChecksumRule::From2032 => "2032",
    }
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// A scan that could not start or walk its inputs. Problems with single
/// files are reported in [`ScanReport::errors`] instead.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("no input paths given")]
    NoInput,
    #[error("{path}: no such file or directory")]
    NotFound { path: PathBuf },
    #[error("{path}: cannot read directory: {source}")]
    Walk {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// Progress callback: bytes done, total bytes (when known).
pub type Progress<'a> = &'a (dyn Fn(u64, Option<u64>) + Sync);

/// Scans files and directories (recursively).
pub fn run(options: &ScanOptions, paths: &[PathBuf]) -> Result<ScanReport, ScanError> {
    run_with_progress(options, paths, None)
}

/// [`run`] with a progress callback (called from worker threads).
pub fn run_with_progress(
    options: &ScanOptions,
    paths: &[PathBuf],
    progress: Option<Progress<'_>>,
) -> Result<ScanReport, ScanError> {
    if paths.is_empty() {
        return Err(ScanError::NoInput);
    }
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|_| ScanError::NotFound { path: p.clone() })?;
        if meta.is_dir() {
            walk(p, options.include_hidden, &mut files)?;
        } else {
            files.push((p.clone(), meta.len()));
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(|e| ScanError::Threads(e.to_string()))?;
    let ctx = stream::Ctx::new(options);
    let total: u64 = files.iter().map(|f| f.1).sum();
    let done = AtomicU64::new(0);
    let tick = |n: u64| {
        let d = done.fetch_add(n, Ordering::Relaxed) + n;
        if let Some(p) = progress {
            p(d, Some(total));
        }
    };

    // Large files one after another, each on all cores; runs of small files
    // in parallel, one file per task.
    let big = (2 * options.block_size.max(1)) as u64;
    let mut outcomes: Vec<stream::FileOutcome> = Vec::with_capacity(files.len());
    let mut i = 0;
    while i < files.len() {
        if files[i].1 >= big {
            outcomes.push(stream::scan_path(&ctx, &files[i].0, Some(&pool), &tick));
            i += 1;
        } else {
            let j = files[i..]
                .iter()
                .position(|f| f.1 >= big)
                .map_or(files.len(), |k| i + k);
            let batch: Vec<stream::FileOutcome> = pool.install(|| {
                files[i..j]
                    .par_iter()
                    .map(|(p, _)| stream::scan_path(&ctx, p, None, &tick))
                    .collect()
            });
            outcomes.extend(batch);
            i = j;
        }
    }
    Ok(build_report(options, outcomes))
}

/// Scans one in-memory file; `name` gives the format (by extension) and the
/// file name in the report. Single-threaded.
pub fn scan_bytes(options: &ScanOptions, name: &str, bytes: &[u8]) -> ScanReport {
    let ctx = stream::Ctx::new(options);
    let outcome = stream::scan_memory(&ctx, name, bytes);
    build_report(options, vec![outcome])
}

/// Scans many in-memory files with the same options, building the detector
/// (name lists, patterns) once instead of once per file as [`scan_bytes`]
/// does.
pub struct Scanner {
    options: ScanOptions,
    det: std::sync::Arc<Detector>,
}

impl Scanner {
    pub fn new(options: ScanOptions) -> Scanner {
        let det = std::sync::Arc::new(detector(&options));
        Scanner { options, det }
    }

    /// Like [`scan_bytes`] with this scanner's options.
    pub fn scan_bytes(&self, name: &str, bytes: &[u8]) -> ScanReport {
        let ctx = stream::Ctx::with_detector(std::sync::Arc::clone(&self.det), &self.options);
        let outcome = stream::scan_memory(&ctx, name, bytes);
        build_report(&self.options, vec![outcome])
    }
}

fn walk(dir: &Path, hidden: bool, out: &mut Vec<(PathBuf, u64)>) -> Result<(), ScanError> {
    let rd = std::fs::read_dir(dir).map_err(|source| ScanError::Walk {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        if !hidden && name.to_string_lossy().starts_with('.') {
            continue;
        }
        let Ok(ft) = e.file_type() else { continue };
        let path = e.path();
        if ft.is_dir() {
            walk(&path, hidden, out)?;
        } else if ft.is_file() {
            out.push((path, e.metadata().map(|m| m.len()).unwrap_or(0)));
        } else if ft.is_symlink() {
            // Follow links to files, never to directories (no loops).
            if let Ok(m) = std::fs::metadata(&path)
                && m.is_file()
            {
                out.push((path, m.len()));
            }
        }
    }
    Ok(())
}

/// Counters, indexable by kind.
#[derive(Clone, Debug, Default)]
pub(crate) struct Counts {
    pub by_kind: [u64; 7],
    pub below: [u64; 7],
    pub conv: [u64; 4],
    pub id_kind: [u64; 4],
    pub rule: [u64; 2],
    pub possibly_real: u64,
    pub synthetic: u64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        fn add<const N: usize>(a: &mut [u64; N], b: &[u64; N]) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        add(&mut self.by_kind, &o.by_kind);
        add(&mut self.below, &o.below);
        add(&mut self.conv, &o.conv);
        add(&mut self.id_kind, &o.id_kind);
        add(&mut self.rule, &o.rule);
        self.possibly_real += o.possibly_real;
        self.synthetic += o.synthetic;
    }

    fn kind_map(a: &[u64; 7]) -> BTreeMap<Kind, u64> {
        Kind::ALL.iter().map(|k| (*k, a[k.index()])).collect()
    }
}

const CONVENTIONS: [Convention; 4] = [
    Convention::Production,
    Convention::DollyOrHNumber,
    Convention::NhnReserved,
    Convention::Tenor,
];
const ID_KINDS: [IdKind; 4] = [IdKind::Fnr, IdKind::DNumber, IdKind::HNumber, IdKind::FhNumber];

pub(crate) fn conv_index(c: Convention) -> usize {
    CONVENTIONS.iter().position(|x| *x == c).unwrap_or(0)
}

pub(crate) fn id_kind_index(k: IdKind) -> usize {
    ID_KINDS.iter().position(|x| *x == k).unwrap_or(0)
}

fn build_report(options: &ScanOptions, outcomes: Vec<stream::FileOutcome>) -> ScanReport {
    let cap = options.max_findings_per_kind;
    let mut counts = Counts::default();
    let mut findings = Vec::new();
    let mut listed = [0usize; 7];
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut skipped = Vec::new();
    let mut bytes = 0;
    let mut scanned = 0;
    for o in outcomes {
        if let Some(reason) = o.skipped {
            skipped.push(SkippedFile { path: o.path, reason });
            continue;
        }
        if let Some(error) = o.error.clone() {
            errors.push(FileError {
                path: o.path.clone(),
                error,
            });
        }
        if o.error.is_some() && o.bytes == 0 {
            continue;
        }
        scanned += 1;
        bytes += o.bytes;
        counts.add(&o.counts);
        for f in o.findings {
            let k = f.kind.index();
            if listed[k] < cap {
                listed[k] += 1;
                findings.push(f);
            }
        }
        files.push(FileSummary {
            path: o.path,
            format: o.format,
            encoding: if o.windows_1252 { "windows-1252" } else { "utf-8" },
            bytes: o.bytes,
            lines: o.lines,
            records: o.records,
            counts: Counts::kind_map(&o.counts.by_kind),
            notes: o.notes,
        });
    }
    let person_ids = PersonIdSummary {
        total: counts.by_kind[Kind::PersonId.index()],
        possibly_real: counts.possibly_real,
        synthetic: counts.synthetic,
        by_convention: CONVENTIONS
            .iter()
            .map(|c| (c.as_str(), counts.conv[conv_index(*c)]))
            .collect(),
        by_kind: ID_KINDS
            .iter()
            .map(|k| (k.as_str(), counts.id_kind[id_kind_index(*k)]))
            .collect(),
        by_rule: [("classic", counts.rule[0]), ("from_2032", counts.rule[1])]
            .into_iter()
            .collect(),
    };
    let findings_omitted = Kind::ALL
        .iter()
        .map(|k| (*k, counts.by_kind[k.index()].saturating_sub(listed[k.index()] as u64)))
        .collect();
    ScanReport {
        files_scanned: scanned,
        bytes_scanned: bytes,
        min_confidence: options.min_confidence,
        values_shown: options.show_values,
        counts: Counts::kind_map(&counts.by_kind),
        below_threshold: Counts::kind_map(&counts.below),
        person_ids,
        findings,
        findings_omitted,
        files,
        errors,
        skipped,
    }
}

/// The policy used for person numbers.
fn policy(options: &ScanOptions) -> Policy {
    Policy {
        accept_2032: options.accept_2032,
    }
}

fn detector(options: &ScanOptions) -> Detector {
    Detector::new(policy(options), options.enabled_bits())
}
