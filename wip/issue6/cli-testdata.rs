//! `etterlev testdata …`: synthetic persons, pseudonymisation, a scanner for
//! personal data and re-identification risk (issue 6). Thin: parses
//! arguments, reads keys, owns the progress bar and the exit code; the work is
//! in `etterlev-testdata`.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Subcommand, ValueEnum};
use etterlev_testdata::ids::{self, PersonId};

#[derive(Subcommand)]
pub enum TestdataCmd {
    /// Validate and classify identifiers: fødselsnummer (incl. the 2032
    /// control-digit rule), D-, H- and FH-numbers, the synthetic ranges
    /// (Tenor +80, NHN +65, Dolly +40), organisation and account numbers.
    CheckId {
        /// The numbers to check (spaces, dots and dashes between digits are allowed).
        #[arg(required = true)]
        numbers: Vec<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

pub fn run(cmd: TestdataCmd) -> Result<ExitCode> {
    match cmd {
        TestdataCmd::CheckId { numbers, format } => Ok(check_ids(&numbers, format)),
    }
}

/// One line (or JSON object) per number; exit 1 when any is invalid.
fn check_ids(numbers: &[String], format: OutputFormat) -> ExitCode {
    let mut all_valid = true;
    let mut json = Vec::new();
    for number in numbers {
        let verdict = classify(number);
        all_valid &= verdict.valid;
        match format {
            OutputFormat::Text => println!("{number}: {}", verdict.text),
            OutputFormat::Json => json.push(verdict.json),
        }
    }
    if let OutputFormat::Json = format {
        println!("{}", serde_json::Value::Array(json));
    }
    if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

struct Verdict {
    valid: bool,
    text: String,
    json: serde_json::Value,
}

fn classify(number: &str) -> Verdict {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    match ids::parse_person(number) {
        Ok(id) => Verdict {
            valid: true,
            text: describe(&id),
            json: serde_json::json!({"input": number, "valid": true, "person": id}),
        },
        Err(person_error) => {
            let (kind, valid) = match digits {
                9 if ids::is_valid_orgnr(number) => ("organisation number", true),
                11 if ids::is_valid_account(number) => ("account number", true),
                _ => ("", false),
            };
            if valid {
                Verdict {
                    valid,
                    text: format!("valid {kind}"),
                    json: serde_json::json!({"input": number, "valid": true, "kind": kind}),
                }
            } else {
                Verdict {
                    valid,
                    text: format!("invalid: {person_error}"),
                    json: serde_json::json!({"input": number, "valid": false, "error": person_error.to_string()}),
                }
            }
        }
    }
}

fn describe(id: &PersonId) -> String {
    let kind = match id.kind {
        ids::IdKind::Fnr => "fødselsnummer",
        ids::IdKind::DNumber => "D-number",
        ids::IdKind::HNumber => "H-number",
        ids::IdKind::FhNumber => "FH-number",
    };
    let range = match id.convention {
        ids::Convention::Production => "production range (may belong to a real person)",
        ids::Convention::DollyOrHNumber => "month +40: H-number of a real patient or a NAV Dolly synthetic person",
        ids::Convention::NhnReserved => "synthetic (Norsk helsenett reserved, month +65)",
        ids::Convention::Tenor => "synthetic (Skatteetaten Tenor / Test-Norge, month +80)",
    };
    let rule = match id.rule {
        ids::ChecksumRule::Classic => "control digits: current rule",
        ids::ChecksumRule::From2032 => {
            "control digits: only the 2032 rule (issued from 2032; sex and century not encoded)"
        }
    };
    let mut parts = vec![format!("valid {kind}"), range.to_owned(), rule.to_owned()];
    if id.kind == ids::IdKind::FhNumber {
        parts[1] = "Norsk helsenett's felles hjelpenummer (no birth date)".to_owned();
    }
    if let Some(date) = id.birth_date {
        parts.push(format!("born {:02}.{:02}.{:04}", date.day, date.month, date.year));
    }
    if let Some(sex) = id.sex {
        parts.push(match sex {
            ids::Sex::Female => "female".to_owned(),
            ids::Sex::Male => "male".to_owned(),
        });
    }
    parts.join("; ")
}
