//! `risk`: k-anonymity, l-diversity and re-identification risk of a table
//! for chosen quasi-identifiers, as ARX defines them (El Emam, "Guide to the
//! De-Identification of Personal Health Information"; ARX
//! `RiskModelSampleSummary`).
//!
//! Records with the same (optionally generalised) quasi-identifier values
//! form an equivalence class; f_j is its size in the data, F_j its size in
//! the population (F_j = f_j without a population model), n the number of
//! records, J the number of classes, τ the threshold.
//! - k-anonymity: k = min f_j.
//! - Prosecutor (the attacker knows the person is in the data): records at
//!   risk = share of records in classes with 1/f_j > τ; highest risk =
//!   1/min f_j; success rate = J / n.
//! - Journalist (the person is drawn from a population): the same with F_j;
//!   success rate = max(J / ΣF_j, (Σ f_j/F_j) / n).
//! - Marketer (re-identify as many as possible): (Σ f_j/F_j) / n.
//! - l-diversity of a sensitive attribute: distinct l = min over classes of
//!   the number of distinct values; entropy l = min over classes of
//!   exp(−Σ p log p).
//!
//! - With a person column (given, or detected: see [`detect_person_column`])
//!   the class figures are also counted in distinct persons, since a person
//!   with several records makes a class look larger than it is
//!   ([`PersonFigures`]).
//!
//! One pass with a hash map keyed by the quasi-identifier tuple; memory grows
//! with the number of classes, not with the number of records — with a
//! person column, also with the number of distinct persons and of
//! (class, person) pairs.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Generalisation applied to a quasi-identifier before grouping.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Generalisation {
    /// Numbers into bands of this width: 47 with width 10 → "40-49"
    /// (non-numbers are kept as they are).
    Band(u64),
    /// The first n characters: postcode "0150" with 2 → "01".
    Prefix(usize),
    /// A date (YYYY-MM-DD, DD.MM.YYYY, YYYYMMDD) → its year.
    Year,
    /// Every value → "*".
    Suppress,
}

impl Generalisation {
    fn apply<'a>(&self, v: &'a str) -> std::borrow::Cow<'a, str> {
        use std::borrow::Cow;
        match self {
            Generalisation::Band(w) => {
                let w = (*w).max(1);
                let t = v.trim();
                let n = t.parse::<i64>().ok().or_else(|| {
                    t.parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite())
                        .map(|f| f.floor() as i64)
                });
                match n {
                    Some(n) => {
                        // In i128: the band of a number near i64::MIN starts below it.
                        let w = i128::from(w);
                        let lo = i128::from(n).div_euclid(w) * w;
                        Cow::Owned(format!("{lo}-{}", lo + w - 1))
                    }
                    None => Cow::Borrowed(v),
                }
            }
            Generalisation::Prefix(n) => match v.char_indices().nth(*n) {
                Some((i, _)) => Cow::Borrowed(&v[..i]),
                None => Cow::Borrowed(v),
            },
            Generalisation::Year => {
                let t = v.trim();
                let b = t.as_bytes();
                let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
                if b.len() >= 10 && digits(&b[..4]) && b[4] == b'-' {
                    Cow::Borrowed(&t[..4])
                } else if b.len() == 10 && b[2] == b'.' && b[5] == b'.' && digits(&b[6..10]) {
                    Cow::Borrowed(&t[6..10])
                } else if b.len() == 8 && digits(b) {
                    Cow::Borrowed(&t[..4])
                } else {
                    Cow::Borrowed(v)
                }
            }
            Generalisation::Suppress => Cow::Borrowed("*"),
        }
    }
}

/// Who the attacker picks the target from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Population {
    /// The population is this many times larger than the data (a uniform
    /// sample): F_j = f_j × factor. Must be ≥ 1.
    Scale(f64),
    /// A CSV file with the same quasi-identifier columns, one row per person
    /// or, with `count_column`, one row per tuple with its population count.
    File {
        path: PathBuf,
        count_column: Option<String>,
    },
    /// Population counts per quasi-identifier tuple (values in the order of
    /// `quasi_identifiers`, already generalised).
    Counts(HashMap<Vec<String>, u64>),
}

/// What to do with malformed rows (wrong number of fields, invalid JSON).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnMalformed {
    /// Stop with [`RiskError::Malformed`] at the first one.
    #[default]
    Fail,
    /// Skip it, count it and list its line in the report.
    Skip,
}

/// Input format; by default `.jsonl`/`.ndjson` are JSON Lines, anything else CSV.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskFormat {
    Csv,
    JsonLines,
}

/// Which column tells whose record a row is, so that classes can be
/// counted in persons as well as in records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PersonColumn {
    /// Look for one (see [`detect_person_column`]); without one the figures
    /// are per record only.
    #[default]
    Detect,
    /// This column (CSV header, JSON key or dotted path) identifies the person.
    Column(String),
    /// Count records only.
    Off,
}

/// Options for [`analyse`] and [`run`]; the CLI maps its flags 1:1.
#[derive(Clone, Debug)]
pub struct RiskOptions {
    /// Quasi-identifier columns (CSV header names; JSON keys or dotted paths
    /// like `patient.postcode` for JSON Lines). At least one.
    pub quasi_identifiers: Vec<String>,
    /// Sensitive attribute for l-diversity (optional).
    pub sensitive: Option<String>,
    /// The k to check against: classes smaller than this are reported. Default 5.
    pub k: u64,
    /// τ: a record is at risk when its re-identification probability is
    /// above this (1/f > τ). Default 0.2. Must be in [0, 1].
    pub threshold: f64,
    /// Population model for journalist and marketer risk; none = the data is the population.
    pub population: Option<Population>,
    /// Generalisations per quasi-identifier column (column name → rule).
    pub generalise: BTreeMap<String, Generalisation>,
    /// How many unique records (class size 1) to list. Default 100.
    pub max_uniques: usize,
    /// Input format; default by extension.
    pub format: Option<RiskFormat>,
    /// CSV delimiter; default detected from the header (`,` `;` tab).
    pub csv_delimiter: Option<u8>,
    pub on_malformed: OnMalformed,
    /// The person column, for figures per person when a person has several records.
    pub person: PersonColumn,
}

impl Default for RiskOptions {
    fn default() -> Self {
        RiskOptions {
            quasi_identifiers: Vec::new(),
            sensitive: None,
            k: 5,
            threshold: 0.2,
            population: None,
            generalise: BTreeMap::new(),
            max_uniques: 100,
            format: None,
            csv_delimiter: None,
            on_malformed: OnMalformed::Fail,
            person: PersonColumn::Detect,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RiskError {
    #[error("no quasi-identifiers given")]
    NoQuasiIdentifiers,
    #[error("{}", missing_message(missing, available))]
    MissingColumns {
        missing: Vec<String>,
        available: Vec<String>,
    },
    #[error("line {line}: {reason}")]
    Malformed { line: u64, reason: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("population: {0}")]
    Population(String),
    #[error("invalid option: {0}")]
    InvalidOption(String),
}

fn missing_message(missing: &[String], available: &[String]) -> String {
    format!(
        "column(s) not found: {}; available columns: {}",
        missing.join(", "),
        if available.is_empty() {
            "(none)".to_string()
        } else {
            available.join(", ")
        }
    )
}

/// Risk figures for one attacker model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RiskSummary {
    /// Share of records whose risk is above the threshold.
    pub records_at_risk: f64,
    /// Number of those records.
    pub records_at_risk_count: u64,
    /// The highest re-identification probability of any record.
    pub highest_risk: f64,
    /// Share of records re-identified on average.
    pub success_rate: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MarketerRisk {
    pub success_rate: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LDiversity {
    pub attribute: String,
    /// Smallest number of distinct sensitive values in a class.
    pub distinct_l: u64,
    /// Smallest exp(entropy) of the sensitive values in a class.
    pub entropy_l: f64,
    /// Classes where every record has the same sensitive value (attribute disclosure).
    pub homogeneous_classes: u64,
    pub records_in_homogeneous_classes: u64,
}

/// A record alone in its class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UniqueRecord {
    /// 1-based data row (after the header).
    pub row: u64,
    /// Line in the file, when read from a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Quasi-identifier values (after generalisation), in option order.
    pub values: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ClassSize {
    pub size: u64,
    pub classes: u64,
    pub records: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedRow {
    pub line: u64,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PopulationInfo {
    /// `scale` or `file`/`counts`.
    pub model: &'static str,
    /// Σ F_j over the classes in the data.
    pub size_of_matching_classes: f64,
    /// Classes of the data missing from the population (or smaller there
    /// than in the data); F_j = f_j was used for them.
    pub classes_not_in_population: u64,
}

/// How the person column was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonSource {
    /// Given by the caller.
    Given,
    /// Its name is a usual name of a person id (`fnr`, `pasient_id`, …).
    DetectedByName,
    /// Most of its values are valid person numbers (fødselsnummer, D-number …).
    DetectedByValues,
}

/// The class figures counted in distinct persons instead of records. A
/// person whose records differ in the quasi-identifiers is counted in each
/// class they appear in (an attacker who knows any one of their tuples can
/// find them); `persons_in_several_classes` says how many do.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonFigures {
    pub column: String,
    pub source: PersonSource,
    /// Distinct persons (each record without a person value counts as one).
    pub persons: u64,
    pub records_without_person: u64,
    /// Smallest number of distinct persons in a class (0 when there are no records).
    pub k: u64,
    pub k_anonymous: bool,
    pub classes_below_k: u64,
    /// Distinct persons with a record in a class below k.
    pub persons_below_k: u64,
    /// Classes that hold one person only (with one or more records).
    pub classes_with_one_person: u64,
    /// Distinct persons alone in at least one class.
    pub unique_persons: u64,
    /// Persons whose records fall into more than one class.
    pub persons_in_several_classes: u64,
    /// Prosecutor risk per person: 1 / k.
    pub highest_risk: f64,
    /// Distinct persons in a class where 1 / (persons in the class) > τ.
    pub persons_at_risk: u64,
    /// Share of all persons.
    pub persons_at_risk_share: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RiskReport {
    pub records: u64,
    pub quasi_identifiers: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub generalisations: BTreeMap<String, Generalisation>,
    pub classes: u64,
    /// Smallest class size (0 when there are no records).
    pub k: u64,
    pub k_target: u64,
    pub k_anonymous: bool,
    pub classes_below_k: u64,
    pub records_below_k: u64,
    /// Records alone in their class.
    pub unique_records: u64,
    /// The same figures per distinct person; none without a person column.
    pub person: Option<PersonFigures>,
    /// The first `max_uniques` unique records, by row.
    pub uniques: Vec<UniqueRecord>,
    /// Histogram of class sizes, smallest first.
    pub class_sizes: Vec<ClassSize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub l_diversity: Option<LDiversity>,
    pub threshold: f64,
    pub prosecutor: RiskSummary,
    pub journalist: RiskSummary,
    pub marketer: MarketerRisk,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population: Option<PopulationInfo>,
    pub skipped_rows: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedRow>,
    /// Missing quasi-identifier or sensitive values (JSON Lines), counted as empty.
    pub missing_values: u64,
    /// `utf-8`, or `windows-1252` when some values were not valid UTF-8 (shown decoded as Windows-1252).
    pub encoding: &'static str,
}

impl RiskReport {
    /// A human-readable summary (English).
    pub fn render_text(&self) -> String {
        let mut s = String::new();
        let pct = |x: f64| format!("{:.2} %", x * 100.0);
        let _ = writeln!(
            s,
            "Records: {}   quasi-identifiers: {}",
            self.records,
            self.quasi_identifiers.join(", ")
        );
        for (c, g) in &self.generalisations {
            let _ = writeln!(s, "  generalised {c}: {g:?}");
        }
        let _ = writeln!(
            s,
            "Equivalence classes: {}   k = {} ({} {}-anonymous)",
            self.classes,
            self.k,
            if self.k_anonymous { "is" } else { "NOT" },
            self.k_target
        );
        let _ = writeln!(
            s,
            "Classes below k={}: {} ({} records)   unique records: {}",
            self.k_target, self.classes_below_k, self.records_below_k, self.unique_records
        );
        match &self.person {
            Some(p) => {
                let how = match p.source {
                    PersonSource::Given => "given",
                    PersonSource::DetectedByName => "detected from its name",
                    PersonSource::DetectedByValues => "detected: its values are person numbers",
                };
                let _ = writeln!(s, "Person column: {} ({how})", p.column);
                let _ = writeln!(
                    s,
                    "Per person: {} persons   k = {} ({} {}-anonymous)",
                    p.persons,
                    p.k,
                    if p.k_anonymous { "is" } else { "NOT" },
                    self.k_target
                );
                let _ = writeln!(
                    s,
                    "  classes below k={}: {} ({} persons)   classes with one person: {} ({} unique persons)",
                    self.k_target, p.classes_below_k, p.persons_below_k, p.classes_with_one_person, p.unique_persons
                );
                let _ = writeln!(
                    s,
                    "  persons at risk (τ = {}) {} ({}), highest risk {}",
                    self.threshold,
                    pct(p.persons_at_risk_share),
                    p.persons_at_risk,
                    pct(p.highest_risk)
                );
                if p.persons_in_several_classes > 0 {
                    let _ = writeln!(
                        s,
                        "  {} person(s) have records in several classes; they are counted in each",
                        p.persons_in_several_classes
                    );
                }
                if p.records_without_person > 0 {
                    let _ = writeln!(
                        s,
                        "  {} record(s) without a person value, each counted as a person of its own",
                        p.records_without_person
                    );
                }
            }
            None => {
                let _ = writeln!(
                    s,
                    "Person column: none, so the figures count records; if a person can have several records, name the column that identifies them"
                );
            }
        }
        if let Some(l) = &self.l_diversity {
            let _ = writeln!(
                s,
                "l-diversity of {}: distinct l = {}, entropy l = {:.2}; {} homogeneous class(es) with {} record(s)",
                l.attribute, l.distinct_l, l.entropy_l, l.homogeneous_classes, l.records_in_homogeneous_classes
            );
        }
        let _ = writeln!(s, "Risk (threshold τ = {}):", self.threshold);
        for (name, r) in [("prosecutor", &self.prosecutor), ("journalist", &self.journalist)] {
            let _ = writeln!(
                s,
                "  {name:<11} records at risk {} ({}), highest risk {}, success rate {}",
                pct(r.records_at_risk),
                r.records_at_risk_count,
                pct(r.highest_risk),
                pct(r.success_rate)
            );
        }
        let _ = writeln!(
            s,
            "  {:<11} success rate {}",
            "marketer",
            pct(self.marketer.success_rate)
        );
        if let Some(p) = &self.population {
            let _ = writeln!(
                s,
                "Population model: {} (ΣF = {}; {} class(es) not in the population)",
                p.model, p.size_of_matching_classes, p.classes_not_in_population
            );
        }
        if !self.uniques.is_empty() {
            let _ = writeln!(s, "Unique records (first {}):", self.uniques.len());
            for u in &self.uniques {
                let at = match u.line {
                    Some(l) => format!("row {} (line {l})", u.row),
                    None => format!("row {}", u.row),
                };
                let _ = writeln!(s, "  {at}: {}", u.values.join(" | "));
            }
        }
        if self.skipped_rows > 0 {
            let _ = writeln!(s, "Skipped malformed rows: {}", self.skipped_rows);
            for r in &self.skipped {
                let _ = writeln!(s, "  line {}: {}", r.line, r.reason);
            }
        }
        if self.missing_values > 0 {
            let _ = writeln!(s, "Missing values (counted as empty): {}", self.missing_values);
        }
        if self.encoding != "utf-8" {
            let _ = writeln!(
                s,
                "Note: some values were not valid UTF-8 and are shown decoded as Windows-1252."
            );
        }
        s
    }
}

// ---------------------------------------------------------------------------
// The analysis

#[derive(Default)]
struct Class {
    size: u64,
    first_row: u64,
    first_line: Option<u64>,
    sensitive: HashMap<Box<[u8]>, u64>,
    /// Person numbers (see `Persons`) of its records; repeats are removed
    /// at the end (and consecutive ones on the way).
    persons: Vec<u32>,
}

/// Numbers the distinct values of the person column.
struct Persons {
    column: String,
    source: PersonSource,
    index: usize,
    ids: HashMap<Box<[u8]>, u32>,
    next: u32,
    without: u64,
}

impl Persons {
    fn new(column: String, source: PersonSource, index: usize) -> Persons {
        Persons {
            column,
            source,
            index,
            ids: HashMap::new(),
            next: 0,
            without: 0,
        }
    }

    /// The number of the person with this value; an empty value is a new
    /// person every time.
    fn id(&mut self, value: &[u8]) -> u32 {
        let v = value.trim_ascii();
        if v.is_empty() {
            self.without += 1;
        } else if let Some(&id) = self.ids.get(v) {
            return id;
        } else {
            self.ids.insert(v.into(), self.next);
        }
        self.next += 1;
        self.next - 1
    }
}

struct Analyser<'o> {
    options: &'o RiskOptions,
    qi: Vec<usize>,
    sensitive: Option<usize>,
    gens: Vec<Option<Generalisation>>,
    width: usize,
    classes: HashMap<Box<[u8]>, Class>,
    n: u64,
    key: Vec<u8>,
    skipped: Vec<SkippedRow>,
    skipped_rows: u64,
    not_utf8: bool,
    missing_values: u64,
    persons: Option<Persons>,
}

/// Appends a length-prefixed value to a class key.
fn push_value(key: &mut Vec<u8>, v: &[u8]) {
    key.extend_from_slice(&(v.len() as u32).to_le_bytes());
    key.extend_from_slice(v);
}

/// Splits a class key back into its values (decoded for display).
fn key_values(mut key: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    while key.len() >= 4 {
        let len = u32::from_le_bytes([key[0], key[1], key[2], key[3]]) as usize;
        let end = (4 + len).min(key.len());
        out.push(decode(&key[4..end]));
        key = &key[end..];
    }
    out
}

fn decode(v: &[u8]) -> String {
    crate::io::utf8_or_windows1252(v).0.into_owned()
}

/// Finds each wanted column (exact name first, then trimmed and
/// case-insensitive).
fn resolve(columns: &[String], wanted: &[&str]) -> Result<Vec<usize>, RiskError> {
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for w in wanted {
        let exact = columns.iter().position(|c| c == w);
        let loose = || columns.iter().position(|c| c.trim().eq_ignore_ascii_case(w.trim()));
        match exact.or_else(loose) {
            Some(i) => out.push(i),
            None => missing.push((*w).to_string()),
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(RiskError::MissingColumns {
            missing,
            available: columns.to_vec(),
        })
    }
}

fn check_options(options: &RiskOptions) -> Result<(), RiskError> {
    if options.quasi_identifiers.is_empty() {
        return Err(RiskError::NoQuasiIdentifiers);
    }
    if !(0.0..=1.0).contains(&options.threshold) || options.threshold.is_nan() {
        return Err(RiskError::InvalidOption(format!(
            "threshold must be between 0 and 1, got {}",
            options.threshold
        )));
    }
    if let Some(Population::Scale(f)) = &options.population
        && !(f.is_finite() && *f >= 1.0)
    {
        return Err(RiskError::InvalidOption(format!(
            "population scale must be at least 1, got {f}"
        )));
    }
    for c in options.generalise.keys() {
        if !options.quasi_identifiers.contains(c) {
            return Err(RiskError::InvalidOption(format!(
                "generalisation for {c:?}, which is not a quasi-identifier"
            )));
        }
    }
    Ok(())
}

impl<'o> Analyser<'o> {
    /// `person`: the person column and how it was chosen, when there is one.
    fn new(
        options: &'o RiskOptions,
        columns: &[String],
        person: Option<(String, PersonSource)>,
    ) -> Result<Analyser<'o>, RiskError> {
        check_options(options)?;
        let mut wanted: Vec<&str> = options.quasi_identifiers.iter().map(String::as_str).collect();
        if let Some(s) = &options.sensitive {
            wanted.push(s);
        }
        let persons = match person {
            Some((name, source)) => {
                let index = resolve(columns, &[name.as_str()])?[0];
                Some(Persons::new(columns[index].clone(), source, index))
            }
            None => None,
        };
        let idx = resolve(columns, &wanted)?;
        let qi = idx[..options.quasi_identifiers.len()].to_vec();
        let sensitive = options.sensitive.as_ref().map(|_| idx[idx.len() - 1]);
        let gens = options
            .quasi_identifiers
            .iter()
            .map(|q| options.generalise.get(q).cloned())
            .collect();
        Ok(Analyser {
            options,
            qi,
            sensitive,
            gens,
            width: columns.len(),
            classes: HashMap::new(),
            n: 0,
            key: Vec::new(),
            skipped: Vec::new(),
            skipped_rows: 0,
            not_utf8: false,
            missing_values: 0,
            persons,
        })
    }

    fn malformed(&mut self, line: u64, reason: String) -> Result<(), RiskError> {
        match self.options.on_malformed {
            OnMalformed::Fail => Err(RiskError::Malformed { line, reason }),
            OnMalformed::Skip => {
                self.skipped_rows += 1;
                if self.skipped.len() < 100 {
                    self.skipped.push(SkippedRow { line, reason });
                }
                Ok(())
            }
        }
    }

    /// Adds one record. `line` is its line in the file (for messages) or
    /// the row number.
    fn add<F: AsRef<[u8]>>(&mut self, fields: &[F], line: Option<u64>) -> Result<(), RiskError> {
        if fields.len() != self.width {
            let at = line.unwrap_or(self.n + self.skipped_rows + 1);
            return self.malformed(at, format!("expected {} fields, found {}", self.width, fields.len()));
        }
        self.key.clear();
        for (i, &c) in self.qi.iter().enumerate() {
            let raw = fields[c].as_ref();
            match &self.gens[i] {
                Some(g) => {
                    let (s, was_1252) = crate::io::utf8_or_windows1252(raw);
                    self.not_utf8 |= was_1252;
                    let v = g.apply(&s);
                    push_value(&mut self.key, v.as_bytes());
                }
                None => {
                    if !self.not_utf8 && std::str::from_utf8(raw).is_err() {
                        self.not_utf8 = true;
                    }
                    push_value(&mut self.key, raw);
                }
            }
        }
        self.n += 1;
        let row = self.n;
        if !self.classes.contains_key(self.key.as_slice()) {
            let class = Class {
                size: 0,
                first_row: row,
                first_line: line,
                sensitive: HashMap::new(),
                persons: Vec::new(),
            };
            self.classes.insert(self.key.clone().into_boxed_slice(), class);
        }
        let person = self.persons.as_mut().map(|p| p.id(fields[p.index].as_ref()));
        let Some(class) = self.classes.get_mut(self.key.as_slice()) else {
            return Ok(());
        };
        class.size += 1;
        if let Some(id) = person
            && class.persons.last() != Some(&id)
        {
            class.persons.push(id);
        }
        if let Some(s) = self.sensitive {
            let v = fields[s].as_ref();
            match class.sensitive.get_mut(v) {
                Some(n) => *n += 1,
                None => {
                    class.sensitive.insert(v.into(), 1);
                }
            }
        }
        Ok(())
    }

    /// The class figures in distinct persons (see [`PersonFigures`]).
    fn person_figures(&mut self) -> Option<PersonFigures> {
        let persons = self.persons.as_ref()?;
        let o = self.options;
        let n = persons.next as usize;
        let mut classes_of = vec![0u32; n];
        let (mut below, mut alone, mut at_risk) = (vec![false; n], vec![false; n], vec![false; n]);
        let mut k = u64::MAX;
        let (mut classes_below_k, mut classes_with_one) = (0, 0);
        for c in self.classes.values_mut() {
            c.persons.sort_unstable();
            c.persons.dedup();
            let p = c.persons.len() as u64;
            k = k.min(p);
            let is_below = p < o.k;
            let risky = 1.0 / p as f64 > o.threshold;
            classes_below_k += u64::from(is_below);
            classes_with_one += u64::from(p == 1);
            for &id in &c.persons {
                let id = id as usize;
                classes_of[id] += 1;
                below[id] |= is_below;
                alone[id] |= p == 1;
                at_risk[id] |= risky;
            }
        }
        let count = |v: &[bool]| v.iter().filter(|&&b| b).count() as u64;
        let k = if self.n == 0 { 0 } else { k };
        let persons_at_risk = count(&at_risk);
        Some(PersonFigures {
            column: persons.column.clone(),
            source: persons.source,
            persons: n as u64,
            records_without_person: persons.without,
            k,
            k_anonymous: self.n > 0 && k >= o.k,
            classes_below_k,
            persons_below_k: count(&below),
            classes_with_one_person: classes_with_one,
            unique_persons: count(&alone),
            persons_in_several_classes: classes_of.iter().filter(|&&c| c > 1).count() as u64,
            highest_risk: if k == 0 { 0.0 } else { 1.0 / k as f64 },
            persons_at_risk,
            persons_at_risk_share: if n == 0 { 0.0 } else { persons_at_risk as f64 / n as f64 },
        })
    }

    fn finish(mut self, population: Option<PopulationCounts>) -> RiskReport {
        let person = self.person_figures();
        let o = self.options;
        let n = self.n;
        let nf = n as f64;
        let mut sizes: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
        let mut k = u64::MAX;
        let (mut below_k_classes, mut below_k_records) = (0, 0);
        let mut prosecutor_at_risk = 0u64;
        // Journalist/marketer.
        let mut min_f_pop = f64::INFINITY;
        let mut journalist_at_risk = 0u64;
        let mut sum_pop = 0.0;
        let mut sum_ratio = 0.0;
        let mut not_in_population = 0;
        // l-diversity.
        let mut distinct_l = u64::MAX;
        let mut entropy_l = f64::INFINITY;
        let (mut homogeneous, mut homogeneous_records) = (0, 0);
        let mut uniques: Vec<(u64, Option<u64>, &[u8])> = Vec::new();

        for (key, c) in &self.classes {
            let f = c.size;
            let ff = f as f64;
            let e = sizes.entry(f).or_default();
            e.0 += 1;
            e.1 += f;
            k = k.min(f);
            if f < o.k {
                below_k_classes += 1;
                below_k_records += f;
            }
            if 1.0 / ff > o.threshold {
                prosecutor_at_risk += f;
            }
            let big_f = match &population {
                None => ff,
                Some(PopulationCounts::Scale(s)) => ff * s,
                Some(PopulationCounts::Map(m)) => match m.get(&key[..]) {
                    Some(&pf) if pf >= f => pf as f64,
                    _ => {
                        not_in_population += 1;
                        ff
                    }
                },
            };
            min_f_pop = min_f_pop.min(big_f);
            if 1.0 / big_f > o.threshold {
                journalist_at_risk += f;
            }
            sum_pop += big_f;
            sum_ratio += ff / big_f;
            if f == 1 {
                uniques.push((c.first_row, c.first_line, &key[..]));
            }
            if self.sensitive.is_some() {
                let d = c.sensitive.len() as u64;
                distinct_l = distinct_l.min(d);
                let h: f64 = c
                    .sensitive
                    .values()
                    .map(|&x| {
                        let p = x as f64 / ff;
                        -p * p.ln()
                    })
                    .sum();
                entropy_l = entropy_l.min(h.exp());
                if d == 1 {
                    homogeneous += 1;
                    homogeneous_records += f;
                }
            }
        }
        let classes = self.classes.len() as u64;
        let jf = classes as f64;
        let share = |x: u64| if n == 0 { 0.0 } else { x as f64 / nf };
        let unique_records = uniques.len() as u64;
        uniques.sort_unstable_by_key(|u| u.0);
        uniques.truncate(o.max_uniques);
        let (prosecutor, journalist, marketer) = if n == 0 {
            let zero = RiskSummary {
                records_at_risk: 0.0,
                records_at_risk_count: 0,
                highest_risk: 0.0,
                success_rate: 0.0,
            };
            (zero, zero, MarketerRisk { success_rate: 0.0 })
        } else {
            let marketer = sum_ratio / nf;
            (
                RiskSummary {
                    records_at_risk: share(prosecutor_at_risk),
                    records_at_risk_count: prosecutor_at_risk,
                    highest_risk: 1.0 / k as f64,
                    success_rate: jf / nf,
                },
                RiskSummary {
                    records_at_risk: share(journalist_at_risk),
                    records_at_risk_count: journalist_at_risk,
                    highest_risk: 1.0 / min_f_pop,
                    success_rate: (jf / sum_pop).max(marketer),
                },
                MarketerRisk { success_rate: marketer },
            )
        };
        let population_info = population.as_ref().map(|p| PopulationInfo {
            model: match p {
                PopulationCounts::Scale(_) => "scale",
                PopulationCounts::Map(_) => "file",
            },
            size_of_matching_classes: sum_pop,
            classes_not_in_population: not_in_population,
        });
        let k = if n == 0 { 0 } else { k };
        RiskReport {
            records: n,
            quasi_identifiers: o.quasi_identifiers.clone(),
            generalisations: o.generalise.clone(),
            classes,
            k,
            k_target: o.k,
            k_anonymous: n > 0 && k >= o.k,
            classes_below_k: below_k_classes,
            records_below_k: below_k_records,
            unique_records,
            person,
            uniques: uniques
                .into_iter()
                .map(|(row, line, key)| UniqueRecord {
                    row,
                    line,
                    values: key_values(key),
                })
                .collect(),
            class_sizes: sizes
                .into_iter()
                .map(|(size, (classes, records))| ClassSize { size, classes, records })
                .collect(),
            l_diversity: o.sensitive.as_ref().map(|a| LDiversity {
                attribute: a.clone(),
                distinct_l: if n == 0 { 0 } else { distinct_l },
                entropy_l: if n == 0 { 0.0 } else { entropy_l },
                homogeneous_classes: homogeneous,
                records_in_homogeneous_classes: homogeneous_records,
            }),
            threshold: o.threshold,
            prosecutor,
            journalist,
            marketer,
            population: population_info,
            skipped_rows: self.skipped_rows,
            skipped: self.skipped,
            missing_values: self.missing_values,
            encoding: if self.not_utf8 { "windows-1252" } else { "utf-8" },
        }
    }
}

/// Population sizes per class key.
enum PopulationCounts {
    Scale(f64),
    Map(HashMap<Box<[u8]>, u64>),
}

fn population_counts(options: &RiskOptions) -> Result<Option<PopulationCounts>, RiskError> {
    Ok(match &options.population {
        None => None,
        Some(Population::Scale(f)) => Some(PopulationCounts::Scale(*f)),
        Some(Population::Counts(m)) => {
            let mut out = HashMap::new();
            for (tuple, &count) in m {
                if tuple.len() != options.quasi_identifiers.len() {
                    return Err(RiskError::Population(format!(
                        "a tuple has {} values, expected {}",
                        tuple.len(),
                        options.quasi_identifiers.len()
                    )));
                }
                let mut key = Vec::new();
                for v in tuple {
                    push_value(&mut key, v.as_bytes());
                }
                *out.entry(key.into_boxed_slice()).or_insert(0) += count;
            }
            Some(PopulationCounts::Map(out))
        }
        Some(Population::File { path, count_column }) => Some(PopulationCounts::Map(read_population(
            options,
            path,
            count_column.as_deref(),
        )?)),
    })
}

fn read_population(
    options: &RiskOptions,
    path: &Path,
    count_column: Option<&str>,
) -> Result<HashMap<Box<[u8]>, u64>, RiskError> {
    let (columns, mut rdr) = open_csv(path, None)?;
    let mut wanted: Vec<&str> = options.quasi_identifiers.iter().map(String::as_str).collect();
    if let Some(c) = count_column {
        wanted.push(c);
    }
    let idx = resolve(&columns, &wanted).map_err(|e| RiskError::Population(format!("{}: {e}", path.display())))?;
    let qn = options.quasi_identifiers.len();
    let gens: Vec<Option<&Generalisation>> = options
        .quasi_identifiers
        .iter()
        .map(|q| options.generalise.get(q))
        .collect();
    let mut out: HashMap<Box<[u8]>, u64> = HashMap::new();
    let mut rec = csv::ByteRecord::new();
    let mut key = Vec::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(RiskError::Population(format!("{}: {e}", path.display()))),
        }
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != columns.len() {
            return Err(RiskError::Population(format!(
                "{} line {line}: expected {} fields, found {}",
                path.display(),
                columns.len(),
                rec.len()
            )));
        }
        key.clear();
        for (i, &c) in idx[..qn].iter().enumerate() {
            let raw = &rec[c];
            match gens[i] {
                Some(g) => push_value(&mut key, g.apply(&decode(raw)).as_bytes()),
                None => push_value(&mut key, raw),
            }
        }
        let count = match count_column {
            Some(_) => {
                let t = decode(&rec[idx[qn]]);
                t.trim().parse::<u64>().map_err(|_| {
                    RiskError::Population(format!(
                        "{} line {line}: count {t:?} is not a whole number",
                        path.display()
                    ))
                })?
            }
            None => 1,
        };
        match out.get_mut(key.as_slice()) {
            Some(n) => *n += count,
            None => {
                out.insert(key.clone().into_boxed_slice(), count);
            }
        }
    }
    Ok(out)
}

/// Analyses records given as strings. `columns` names the fields of every row.
pub fn analyse<I>(columns: &[String], rows: I, options: &RiskOptions) -> Result<RiskReport, RiskError>
where
    I: IntoIterator<Item = Vec<String>>,
{
    check_options(options)?;
    let mut rows = rows.into_iter();
    let sample: Vec<Vec<String>> = match options.person {
        PersonColumn::Detect => rows.by_ref().take(PERSON_SAMPLE).collect(),
        _ => Vec::new(),
    };
    let person = choose_person(options, columns, &sample);
    let mut a = Analyser::new(options, columns, person)?;
    let population = population_counts(options)?;
    for row in sample.into_iter().chain(rows) {
        a.add(&row, None)?;
    }
    Ok(a.finish(population))
}

/// How many records are read before the person column is chosen.
const PERSON_SAMPLE: usize = 1000;

/// Usual names of a column that identifies the person, compared after
/// [`normalise_name`].
const PERSON_NAMES: &[&str] = &[
    "fnr",
    "fodselsnr",
    "fodselsnummer",
    "personnr",
    "personnummer",
    "personid",
    "personident",
    "pasientid",
    "pasientnr",
    "pasientnummer",
    "patientid",
    "patientnr",
    "patientnumber",
    "dnr",
    "dnummer",
];

/// Lower case, ø/å/æ as o/a/ae, letters and digits only: `Pasient-ID` → `pasientid`.
fn normalise_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        match c {
            'ø' | 'ö' => out.push('o'),
            'å' | 'ä' => out.push('a'),
            'æ' => out.push_str("ae"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

/// Finds the column that identifies the person in a sample of rows, among
/// the columns not in `exclude` (the quasi-identifiers and the sensitive
/// attribute). In order of preference: a usual name of a person id
/// ([`PERSON_NAMES`]: `fnr`, `fødselsnummer`, `pasient_id` …) whose values
/// are person numbers; such a name whatever the values; the leftmost column
/// filled in at least half of the rows where 90 % of the values are valid
/// person numbers (fødselsnummer, D-, H- or FH-number).
pub fn detect_person_column<F: AsRef<[u8]>>(
    columns: &[String],
    sample: &[Vec<F>],
    exclude: &[&str],
) -> Option<(usize, PersonSource)> {
    let excluded = |c: &str| exclude.iter().any(|e| e.trim().eq_ignore_ascii_case(c.trim()));
    let rows: Vec<&Vec<F>> = sample.iter().filter(|r| r.len() == columns.len()).collect();
    let holds_ids = |i: usize| {
        let (mut filled, mut valid) = (0usize, 0usize);
        for r in &rows {
            let v = r[i].as_ref().trim_ascii();
            if v.is_empty() {
                continue;
            }
            filled += 1;
            if std::str::from_utf8(v).is_ok_and(|t| crate::ids::parse_person(t).is_ok()) {
                valid += 1;
            }
        }
        filled > 0 && filled * 2 >= rows.len() && valid * 10 >= filled * 9
    };
    let candidates: Vec<usize> = (0..columns.len()).filter(|&i| !excluded(&columns[i])).collect();
    let named: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| PERSON_NAMES.contains(&normalise_name(&columns[i]).as_str()))
        .collect();
    if let Some(&i) = named.iter().find(|&&i| holds_ids(i)).or(named.first()) {
        return Some((i, PersonSource::DetectedByName));
    }
    candidates
        .into_iter()
        .find(|&i| holds_ids(i))
        .map(|i| (i, PersonSource::DetectedByValues))
}

/// The person column the options ask for: given, detected in `sample`, or none.
fn choose_person<F: AsRef<[u8]>>(
    options: &RiskOptions,
    columns: &[String],
    sample: &[Vec<F>],
) -> Option<(String, PersonSource)> {
    match &options.person {
        PersonColumn::Off => None,
        PersonColumn::Column(c) => Some((c.clone(), PersonSource::Given)),
        PersonColumn::Detect => {
            let mut exclude: Vec<&str> = options.quasi_identifiers.iter().map(String::as_str).collect();
            exclude.extend(options.sensitive.as_deref());
            detect_person_column(columns, sample, &exclude).map(|(i, source)| (columns[i].clone(), source))
        }
    }
}

/// Analyses a CSV or JSON Lines file.
pub fn run(options: &RiskOptions, path: &Path) -> Result<RiskReport, RiskError> {
    let format = options.format.unwrap_or_else(|| {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl" | "ndjson") => RiskFormat::JsonLines,
            _ => RiskFormat::Csv,
        }
    });
    check_options(options)?;
    let population = population_counts(options)?;
    match format {
        RiskFormat::Csv => run_csv(options, path, population),
        RiskFormat::JsonLines => run_jsonl(options, path, population),
    }
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> RiskError + '_ {
    move |source| RiskError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn open_csv(path: &Path, delimiter: Option<u8>) -> Result<(Vec<String>, csv::Reader<std::fs::File>), RiskError> {
    let delim = match delimiter {
        Some(d) => d,
        None => {
            let mut head = Vec::new();
            std::fs::File::open(path)
                .map_err(io_err(path))?
                .take(64 * 1024)
                .read_to_end(&mut head)
                .map_err(io_err(path))?;
            crate::io::sniff_csv_delimiter(&head).unwrap_or(b',')
        }
    };
    let file = std::fs::File::open(path).map_err(io_err(path))?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .has_headers(true)
        .from_reader(file);
    let headers = rdr.byte_headers().map_err(|e| RiskError::Malformed {
        line: 1,
        reason: format!("cannot read the header: {e}"),
    })?;
    let mut columns: Vec<String> = headers.iter().map(|h| decode(h).trim().to_string()).collect();
    if let Some(first) = columns.first_mut()
        && let Some(stripped) = first.strip_prefix('\u{feff}')
    {
        *first = stripped.to_string();
    }
    Ok((columns, rdr))
}

/// One step of reading a CSV file.
enum CsvEvent {
    Record(csv::ByteRecord),
    Malformed(u64, String),
}

fn next_csv(rdr: &mut csv::Reader<std::fs::File>, path: &Path) -> Result<Option<CsvEvent>, RiskError> {
    let mut rec = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(false) => Ok(None),
        Ok(true) => Ok(Some(CsvEvent::Record(rec))),
        Err(e) => {
            let line = e.position().map_or(0, |p| p.line());
            match e.kind() {
                csv::ErrorKind::Io(_) => Err(RiskError::Io {
                    path: path.to_path_buf(),
                    source: std::io::Error::other(e.to_string()),
                }),
                _ => Ok(Some(CsvEvent::Malformed(line, e.to_string()))),
            }
        }
    }
}

fn run_csv(options: &RiskOptions, path: &Path, population: Option<PopulationCounts>) -> Result<RiskReport, RiskError> {
    let (columns, mut rdr) = open_csv(path, options.csv_delimiter)?;
    // With person detection the first records are read ahead as a sample.
    let mut ahead = Vec::new();
    if options.person == PersonColumn::Detect {
        while ahead.len() < PERSON_SAMPLE {
            match next_csv(&mut rdr, path)? {
                Some(event) => ahead.push(event),
                None => break,
            }
        }
    }
    let sample: Vec<Vec<&[u8]>> = ahead
        .iter()
        .filter_map(|e| match e {
            CsvEvent::Record(r) => Some(r.iter().collect()),
            CsvEvent::Malformed(..) => None,
        })
        .collect();
    let person = choose_person(options, &columns, &sample);
    drop(sample);
    let mut a = Analyser::new(options, &columns, person)?;
    let handle = |a: &mut Analyser, event: CsvEvent| match event {
        CsvEvent::Record(rec) => {
            let line = rec.position().map(|p| p.line());
            a.add(&rec.iter().collect::<Vec<_>>(), line)
        }
        CsvEvent::Malformed(line, reason) => a.malformed(line, reason),
    };
    for event in ahead {
        handle(&mut a, event)?;
    }
    while let Some(event) = next_csv(&mut rdr, path)? {
        handle(&mut a, event)?;
    }
    Ok(a.finish(population))
}

/// The value at a key or dotted path, as a string; None when missing.
fn json_value(v: &serde_json::Value, path: &str) -> Option<String> {
    let mut cur = v;
    if let Some(direct) = v.get(path) {
        cur = direct;
    } else {
        for part in path.split('.') {
            cur = cur.get(part)?;
        }
    }
    Some(match cur {
        serde_json::Value::Null => return None,
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// Keys of an object, nested ones as dotted paths.
fn json_keys(v: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
    if let serde_json::Value::Object(m) = v {
        for (k, val) in m {
            let name = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            if val.is_object() {
                json_keys(val, &name, out);
            } else {
                out.push(name);
            }
        }
    }
}

/// One step of reading a JSON Lines file: an object with its line, or a
/// malformed line.
enum JsonEvent {
    Object(u64, serde_json::Value),
    Malformed(u64, String),
}

fn next_json(
    reader: &mut impl std::io::BufRead,
    line_no: &mut u64,
    buf: &mut Vec<u8>,
    path: &Path,
) -> Result<Option<JsonEvent>, RiskError> {
    loop {
        buf.clear();
        let got = reader.read_until(b'\n', buf).map_err(io_err(path))?;
        if got == 0 {
            return Ok(None);
        }
        *line_no += 1;
        let text = String::from_utf8_lossy(buf);
        if text.trim().is_empty() {
            continue;
        }
        return Ok(Some(match serde_json::from_str(text.trim()) {
            Ok(v @ serde_json::Value::Object(_)) => JsonEvent::Object(*line_no, v),
            Ok(_) => JsonEvent::Malformed(*line_no, "not a JSON object".to_string()),
            Err(e) => JsonEvent::Malformed(*line_no, format!("invalid JSON: {e}")),
        }));
    }
}

fn run_jsonl(
    options: &RiskOptions,
    path: &Path,
    population: Option<PopulationCounts>,
) -> Result<RiskReport, RiskError> {
    let file = std::fs::File::open(path).map_err(io_err(path))?;
    let mut reader = std::io::BufReader::new(file);
    let mut wanted: Vec<String> = options.quasi_identifiers.clone();
    if let Some(s) = &options.sensitive {
        wanted.push(s.clone());
    }
    let (mut line_no, mut buf) = (0u64, Vec::new());
    // Read ahead to the first object (which names the available keys) or,
    // with person detection, to a sample of objects.
    let sample_size = if options.person == PersonColumn::Detect {
        PERSON_SAMPLE
    } else {
        1
    };
    let mut ahead = Vec::new();
    let mut objects = 0;
    while objects < sample_size {
        match next_json(&mut reader, &mut line_no, &mut buf, path)? {
            None => break,
            Some(JsonEvent::Malformed(line, reason)) if objects == 0 && options.on_malformed == OnMalformed::Fail => {
                return Err(RiskError::Malformed { line, reason });
            }
            Some(event) => {
                objects += usize::from(matches!(event, JsonEvent::Object(..)));
                ahead.push(event);
            }
        }
    }
    let first = ahead.iter().find_map(|e| match e {
        JsonEvent::Object(_, v) => Some(v),
        JsonEvent::Malformed(..) => None,
    });
    let mut checked = wanted.clone();
    if let PersonColumn::Column(c) = &options.person {
        checked.push(c.clone());
    }
    if let Some(first) = first {
        let missing: Vec<String> = checked
            .iter()
            .filter(|w| json_value(first, w).is_none() && !has_path(first, w))
            .cloned()
            .collect();
        if !missing.is_empty() {
            let mut available = Vec::new();
            json_keys(first, "", &mut available);
            return Err(RiskError::MissingColumns { missing, available });
        }
    }
    // Detection looks at every key of the sample.
    let mut keys: Vec<String> = Vec::new();
    if options.person == PersonColumn::Detect {
        for event in &ahead {
            if let JsonEvent::Object(_, v) = event {
                let mut k = Vec::new();
                json_keys(v, "", &mut k);
                for key in k {
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
        }
    }
    let sample: Vec<Vec<String>> = ahead
        .iter()
        .filter_map(|e| match e {
            JsonEvent::Object(_, v) => Some(keys.iter().map(|k| json_value(v, k).unwrap_or_default()).collect()),
            JsonEvent::Malformed(..) => None,
        })
        .collect();
    let person = choose_person(options, &keys, &sample);
    drop(sample);
    let mut columns = wanted.clone();
    if let Some((p, _)) = &person {
        columns.push(p.clone());
    }
    let mut a = Analyser::new(options, &columns, person)?;
    let with_person = columns.len() > wanted.len();
    let handle = |a: &mut Analyser, event: JsonEvent| -> Result<(), RiskError> {
        match event {
            JsonEvent::Malformed(line, reason) => a.malformed(line, reason),
            JsonEvent::Object(line, value) => {
                let mut fields = Vec::with_capacity(columns.len());
                for w in &wanted {
                    match json_value(&value, w) {
                        Some(v) => fields.push(v),
                        None => {
                            a.missing_values += 1;
                            fields.push(String::new());
                        }
                    }
                }
                if with_person {
                    // A missing person value is a person of its own, not a missing value.
                    fields.push(json_value(&value, &columns[columns.len() - 1]).unwrap_or_default());
                }
                a.add(&fields, Some(line))
            }
        }
    };
    for event in ahead {
        handle(&mut a, event)?;
    }
    while let Some(event) = next_json(&mut reader, &mut line_no, &mut buf, path)? {
        handle(&mut a, event)?;
    }
    Ok(a.finish(population))
}

/// True when the key or path exists (also when its value is null).
fn has_path(v: &serde_json::Value, path: &str) -> bool {
    if v.get(path).is_some() {
        return true;
    }
    let mut cur = v;
    for part in path.split('.') {
        match cur.get(part) {
            Some(next) => cur = next,
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generalisations() {
        assert_eq!(Generalisation::Band(10).apply("47"), "40-49");
        assert_eq!(Generalisation::Band(5).apply("-3"), "-5--1");
        assert_eq!(Generalisation::Band(10).apply("x"), "x");
        // The lowest numbers' band starts below i64::MIN; no overflow.
        assert_eq!(
            Generalisation::Band(10).apply("-9223372036854775808"),
            "-9223372036854775810--9223372036854775801"
        );
        assert_eq!(Generalisation::Band(u64::MAX).apply("-1"), "-18446744073709551615--1");
        assert_eq!(
            Generalisation::Band(3).apply("1e300"),
            "9223372036854775806-9223372036854775808"
        );
        assert_eq!(Generalisation::Prefix(2).apply("0150"), "01");
        assert_eq!(Generalisation::Prefix(2).apply("ø"), "ø");
        assert_eq!(Generalisation::Year.apply("1986-10-15"), "1986");
        assert_eq!(Generalisation::Year.apply("15.10.1986"), "1986");
        assert_eq!(Generalisation::Year.apply("19861015"), "1986");
        assert_eq!(Generalisation::Suppress.apply("abc"), "*");
    }

    #[test]
    fn keys_round_trip() {
        let mut k = Vec::new();
        push_value(&mut k, b"a|b");
        push_value(&mut k, b"");
        push_value(&mut k, "ø".as_bytes());
        assert_eq!(key_values(&k), vec!["a|b", "", "ø"]);
    }
}
