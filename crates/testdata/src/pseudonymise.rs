//! Rule-driven, streaming pseudonymisation of CSV and JSON Lines.
//!
//! A configuration file names, per column (CSV) or field path (JSON Lines),
//! what happens to the values; everything else is kept and listed in a
//! warning. The output has the same format as the input.
//!
//! ```yaml
//! format: csv            # or jsonl
//! delimiter: ","         # CSV only; "\t" for tab, ";" for Excel in Norwegian
//! person: fnr            # column whose value identifies the person (date shifting)
//! on_error: fail         # or skip: malformed rows are reported with line numbers either way
//! on_invalid: token      # invalid ids in synthetic_id columns: token | keep | fail
//! shift_days: 180        # largest date offset in days, either way (never 0)
//! shift_birth_date: false  # true: synthetic ids carry the shifted birth date
//! convention: tenor      # synthetic ids: tenor (month + 80) or nhn_reserved (month + 65)
//! unlisted: keep         # columns without a rule: keep (with a warning) | drop | fail
//! token_length: 20       # hex digits of tokens (8–64)
//! token_prefix: "tok_"
//! columns:
//!   fnr:        { action: synthetic_id }          # valid synthetic id, same person → same id
//!   mor_fnr:    { action: synthetic_id, on_invalid: keep }
//!   navn:       { action: token }                 # "tok_3f9a…": HMAC-SHA256, irreversible
//!   pasient_id: { action: token, canonical: id, length: 32 }  # ids: spaces, dots, dashes ignored
//!   fodt:       { action: shift_date }            # ISO 2024-01-31 by default
//!   innlagt:    { action: shift_date, format: "%d.%m.%Y" }     # or a list of formats
//!   postnr:     { action: generalise, keep_digits: 2 }         # 0150 → 01**
//!   alder:      { action: age_band, width: 10, top: 90 }       # 37 → 30-39, 93 → 90+
//!   kommentar:  { action: suppress }              # emptied (JSON: null)
//!   fritekst:   { action: suppress, drop: true }  # column removed
//!   diagnose:   { action: keep }                  # kept, no warning
//! ```
//!
//! For JSON Lines the keys are dotted paths (`patient.fnr`); a path through
//! an array applies to every element (`identifier.value`).
//!
//! # What each action guarantees
//! - `synthetic_id` (design and injectivity argument in the `synthetic` submodule): a valid person number of
//!   the same kind that cannot belong to a real person (Tenor +80 / NHN +65),
//!   the same for the same input in every file and run with the same key and
//!   settings, and never the same for two different inputs. Ordinary, D- and
//!   H-numbers get classic control digits and keep their birth date (or the
//!   shifted one), century and sex (H-numbers become fødselsnumre, about
//!   0.7 % of them D-numbers). FH-numbers and already synthetic numbers have
//!   no date to keep, and their ids may be valid only under the 2032 rule.
//!   Numbers valid only under the 2032 rule, and invalid ones, are replaced
//!   by a token (`on_invalid`), counted in the summary.
//! - `token`: `prefix ‖ hex(HMAC-SHA256(token key, tag ‖ value))`, cut to
//!   `length` hex digits; values are trimmed, and with `canonical: id` spaces,
//!   dots and dashes are removed, so `151086 95088` and `15108695088` get one
//!   token in every file.
//! - `shift_date`: one offset per person in `[-shift_days, +shift_days]`
//!   without 0, from HMAC-SHA256(date key, person); the same for every date
//!   column of that person in every file, so intervals and order within a
//!   person are kept. With `shift_birth_date: true` the offset comes from a
//!   keyed permutation of birth dates instead (everyone born on one day moves
//!   by the same amount) and the synthetic ids carry the shifted birth date;
//!   without it the ids keep the real birth date, which reveals the offset
//!   of anyone whose birth date is in the data — a warning says so.
//! - `generalise`, `age_band`, `suppress`: as described above.
//!
//! # Key and mapping
//! The key ([`Key`]) comes from the caller (the CLI reads a file or an
//! environment variable) and is never printed. A re-identification mapping
//! (original → pseudonym, JSON Lines) is produced only when
//! [`RunOptions::mapping_out`] is set, and then only encrypted
//! (ChaCha20-Poly1305, see [`mapping`]); [`mapping::reveal`] decrypts it.
//!
//! # Streaming
//! A reader thread cuts the input into batches of whole records (CSV: raw
//! chunks split by the workers, see `csv_rows`; JSON Lines: lines); worker
//! threads transform batches; the calling thread writes them in order. A
//! fixed pool of batches circulates, so memory does not grow with the input.

mod csv_rows;
mod csv_stream;
mod dates;
mod feistel;
mod json;
mod jsonl;
mod key;
pub mod mapping;
mod rules;
mod synthetic;

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use dates::DatePattern;
pub use key::{Key, KeyError};
pub use synthetic::OutputConvention;

use crate::io::IoError;

/// The input and output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    #[default]
    Csv,
    #[serde(alias = "json_lines", alias = "ndjson")]
    Jsonl,
}

/// What happens to a row that cannot be processed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnError {
    /// Stop at the first bad row; the run fails (and the CLI's output file is
    /// not committed).
    #[default]
    Fail,
    /// Leave the row out of the output and report its line.
    Skip,
}

/// What happens to an invalid value in a `synthetic_id` column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnInvalid {
    /// Replace it by a token (as `token` with `canonical: id` would).
    #[default]
    Token,
    /// Keep it as it is.
    Keep,
    /// Treat the row as bad (see `on_error`).
    Fail,
}

/// Columns (or JSON fields) without a rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unlisted {
    /// Keep them; the summary warns and lists them.
    #[default]
    Keep,
    /// Leave them out of the output.
    Drop,
    /// Refuse to run (CSV: checked against the header).
    Fail,
}

/// How a value is canonicalised before tokenisation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Canonical {
    /// Leading and trailing whitespace removed.
    #[default]
    Text,
    /// Also spaces, dots and dashes removed (national ids, phone numbers).
    Id,
}

/// One date format or several (tried in order; the value is written back
/// in the format that matched).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Formats {
    One(String),
    Many(Vec<String>),
}

/// What to do with one column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// Replace a person number by a synthetic one.
    SyntheticId {
        #[serde(default)]
        on_invalid: Option<OnInvalid>,
    },
    /// Replace the value by a keyed token.
    Token {
        /// Hex digits (8–64); default `token_length`.
        #[serde(default)]
        length: Option<usize>,
        #[serde(default)]
        prefix: Option<String>,
        #[serde(default)]
        canonical: Canonical,
        /// Domain tag: values tokenised under different tags cannot be
        /// linked. Default: `text` or `id` after `canonical`.
        #[serde(default)]
        domain: Option<String>,
    },
    /// Move a date by the person's offset.
    ShiftDate {
        #[serde(default)]
        format: Option<Formats>,
    },
    /// Keep the first characters and mask the letters and digits after them.
    #[serde(alias = "generalize")]
    Generalise {
        keep_digits: usize,
        #[serde(default = "default_mask")]
        mask: char,
    },
    /// Replace an age in whole years by its band, e.g. `30-39`.
    AgeBand {
        width: u32,
        /// Ages from here on become `top+`.
        #[serde(default)]
        top: Option<u32>,
    },
    /// Empty the value (JSON: `null`), or remove the column with `drop`.
    Suppress {
        #[serde(default)]
        drop: bool,
    },
    /// Keep the value (no warning).
    Keep,
}

fn default_mask() -> char {
    '*'
}

/// The configuration file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub format: Format,
    /// CSV field delimiter (one ASCII character).
    #[serde(default = "default_delimiter")]
    pub delimiter: char,
    /// Column (path) identifying the person, needed by `shift_date`.
    #[serde(default)]
    pub person: Option<String>,
    #[serde(default)]
    pub on_error: OnError,
    #[serde(default)]
    pub on_invalid: OnInvalid,
    #[serde(default = "default_shift_days")]
    pub shift_days: u32,
    #[serde(default)]
    pub shift_birth_date: bool,
    #[serde(default)]
    pub convention: OutputConvention,
    #[serde(default)]
    pub unlisted: Unlisted,
    #[serde(default = "default_token_length")]
    pub token_length: usize,
    #[serde(default = "default_token_prefix")]
    pub token_prefix: String,
    pub columns: BTreeMap<String, Rule>,
}

fn default_delimiter() -> char {
    ','
}
fn default_shift_days() -> u32 {
    180
}
fn default_token_length() -> usize {
    20
}
fn default_token_prefix() -> String {
    "tok_".to_string()
}

/// A configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("pseudonymisation config: {0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Parses YAML (JSON is YAML too) and checks the result.
    pub fn from_yaml(text: &str) -> Result<Config, ConfigError> {
        let config: Config = serde_saphyr::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let config: Config = serde_json::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Reads a `.json` file as JSON and anything else as YAML.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
        let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let parsed = if is_json {
            Config::from_json(&text)
        } else {
            Config::from_yaml(&text)
        };
        parsed.map_err(|ConfigError(m)| ConfigError(format!("{}: {m}", path.display())))
    }

    /// Checks what the types cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |m: String| Err(ConfigError(m));
        if self.format == Format::Csv && (!self.delimiter.is_ascii() || matches!(self.delimiter, '"' | '\n' | '\r')) {
            return err(format!(
                "delimiter {:?} must be one ASCII character other than a quote or newline",
                self.delimiter
            ));
        }
        if self.columns.is_empty() {
            return err("no columns: nothing to pseudonymise".into());
        }
        if !(1..=3650).contains(&self.shift_days) {
            return err(format!("shift_days must be 1–3650, not {}", self.shift_days));
        }
        if !(8..=64).contains(&self.token_length) {
            return err(format!(
                "token_length must be 8–64 hex digits, not {}",
                self.token_length
            ));
        }
        let has_shift = self.columns.values().any(|r| matches!(r, Rule::ShiftDate { .. }));
        if has_shift && self.person.is_none() {
            return err("shift_date needs `person`: the column that identifies the person".into());
        }
        if self.shift_birth_date {
            if self.shift_days < 2 {
                return err("shift_birth_date needs shift_days of at least 2".into());
            }
            let person_is_id = self
                .person
                .as_ref()
                .and_then(|p| self.columns.get(p))
                .is_some_and(|r| matches!(r, Rule::SyntheticId { .. }));
            if !person_is_id {
                return err(
                    "shift_birth_date needs `person` to be a synthetic_id column (its birth date sets the offset)"
                        .into(),
                );
            }
        }
        for (name, rule) in &self.columns {
            match rule {
                Rule::Token { length: Some(n), .. } if !(8..=64).contains(n) => {
                    return err(format!("{name}: token length must be 8–64 hex digits, not {n}"));
                }
                Rule::ShiftDate { format } => {
                    for f in formats_of(format) {
                        DatePattern::parse(&f).map_err(|m| ConfigError(format!("{name}: {m}")))?;
                    }
                }
                Rule::AgeBand { width: 0, .. } => return err(format!("{name}: age_band width must be at least 1")),
                _ => {}
            }
            if name.is_empty() {
                return err("a column name is empty".into());
            }
        }
        Ok(())
    }
}

pub(crate) fn formats_of(f: &Option<Formats>) -> Vec<String> {
    match f {
        None => vec!["%Y-%m-%d".to_string()],
        Some(Formats::One(s)) => vec![s.clone()],
        Some(Formats::Many(v)) if v.is_empty() => vec!["%Y-%m-%d".to_string()],
        Some(Formats::Many(v)) => v.clone(),
    }
}

/// Progress callback: bytes of input done, total bytes when known.
pub type Progress<'a> = &'a (dyn Fn(u64, Option<u64>) + Sync);

/// Options of one run (the CLI maps its flags onto these).
#[derive(Default)]
pub struct RunOptions<'a> {
    /// Where the encrypted re-identification mapping goes. `None` (the
    /// default): no mapping is produced at all.
    pub mapping_out: Option<&'a mut dyn Write>,
    /// Called after each batch with the input bytes done so far.
    pub progress: Option<Progress<'a>>,
    /// Size of the input in bytes, when known (passed to `progress`).
    pub input_len: Option<u64>,
    /// Worker threads; default: the number of CPUs.
    pub threads: Option<usize>,
}

/// A row that was left out (or made the run fail).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// Line in the input where the record starts (1-based; the CSV header is line 1).
    pub line: u64,
    /// Column or field path, when one value was at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub reason: String,
}

/// Counts for one rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ColumnSummary {
    pub name: String,
    pub action: String,
    /// Non-empty values seen.
    pub values: u64,
    /// Values replaced (ids, tokens, dates, bands …).
    pub replaced: u64,
    /// Invalid values (ids that do not validate, dates or ages that do not parse).
    pub invalid: u64,
    /// Valid ids that could not get a synthetic id (numbers valid only under the 2032 rule) and got a token.
    pub unmapped: u64,
    /// Invalid ids replaced by a token (`on_invalid: token`).
    pub tokenised_invalid: u64,
    /// Invalid ids kept as they were (`on_invalid: keep`).
    pub kept_invalid: u64,
}

/// What a run did. Printed by the CLI (JSON or text).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub format: Format,
    pub rows_in: u64,
    pub rows_out: u64,
    pub rows_skipped: u64,
    /// The first [`MAX_REPORTED`] skipped rows.
    pub skipped: Vec<RowProblem>,
    pub columns: Vec<ColumnSummary>,
    /// Invalid values in `synthetic_id` columns, all columns together.
    pub invalid_ids: u64,
    /// Columns kept without a rule, missing person column, …
    pub warnings: Vec<String>,
    /// Entries written to the mapping (may hold repeats; `reveal` removes them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapping_entries: Option<u64>,
    pub bytes_in: u64,
}

/// How many skipped rows the summary lists (all are counted).
pub const MAX_REPORTED: usize = 100;

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum PseudonymiseError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Key(#[from] KeyError),
    /// Reading failed, including input that is not UTF-8 (with its line and a hint).
    #[error(transparent)]
    Input(#[from] IoError),
    #[error("cannot write the output: {0}")]
    Output(std::io::Error),
    #[error("the input is empty (a CSV file needs at least a header line)")]
    EmptyInput,
    #[error("the header has no column {} (it has: {})", missing.join(", "), header.join(", "))]
    MissingColumns { missing: Vec<String>, header: Vec<String> },
    #[error("columns without a rule (unlisted: fail): {}", .0.join(", "))]
    UnlistedColumns(Vec<String>),
    #[error("the header line is not valid UTF-8")]
    HeaderNotUtf8,
    #[error("the header has column {0:?} twice")]
    DuplicateColumn(String),
    /// A bad row with `on_error: fail`.
    #[error("line {}{}: {}", .0.line, .0.column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default(), .0.reason)]
    Row(RowProblem),
    #[error("mapping: {0}")]
    Mapping(#[from] mapping::MappingError),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Pseudonymises `input` into `output` following `config`.
///
/// `input` should come from [`crate::io::open_input`] (UTF-8 checked with
/// line numbers, or transcoded from Windows-1252). On error, part of the
/// output may have been written: write to an [`crate::io::OutputFile`] and
/// commit only on success.
pub fn run(
    config: &Config,
    key: &Key,
    input: Box<dyn BufRead + Send>,
    output: &mut dyn Write,
    options: RunOptions<'_>,
) -> Result<Summary, PseudonymiseError> {
    config.validate()?;
    let engine = rules::Engine::new(config, key);
    let mut summary = match config.format {
        Format::Csv => csv_stream::run(&engine, input, output, options)?,
        Format::Jsonl => jsonl::run(&engine, input, output, options)?,
    };
    summary.format = config.format;
    if config.columns.values().any(|r| matches!(r, Rule::ShiftDate { .. }))
        && config.columns.values().any(|r| matches!(r, Rule::SyntheticId { .. }))
        && !config.shift_birth_date
    {
        summary.warnings.push(
            "synthetic ids keep the real birth date while dates are shifted: anyone who compares a birth date \
             column with the id can undo the shift; set shift_birth_date: true to move the ids' birth dates too"
                .to_string(),
        );
    }
    Ok(summary)
}
