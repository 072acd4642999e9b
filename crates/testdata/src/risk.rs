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

mod analyse;
mod files;
#[allow(unused_imports)]
pub use analyse::*;
#[allow(unused_imports)]
pub use files::*;
