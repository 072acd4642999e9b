//! The answers spreadsheet: written, read back by the import (round trip),
//! read by an independent reader (calamine), and the import's errors on
//! edited, broken and random files.

mod common;

use std::io::{Cursor, Read};

use calamine::{Reader, Xlsx};
use etterlev_core::{AnswerStatus, Maturity};
use etterlev_reports::{
    ANSWER_COLUMNS, AnswerRow, AnswersMeta, Lang, RowError, answers_xlsx, answers_xlsx_meta, parse_answers_xlsx,
    parse_answers_xlsx_in,
};
use proptest::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn maturity(level: i64) -> Option<Maturity> {
    Some(Maturity::new(level).expect("0..=5"))
}

fn text(s: &str) -> Option<String> {
    Some(s.to_owned())
}

fn rows() -> Vec<AnswerRow> {
    vec![
        AnswerRow {
            node_id: "1.1-a".into(),
            label: "1.1 a".into(),
            title: "Ledelsen fastsetter roller & ansvar".into(),
            status: AnswerStatus::Implemented,
            maturity: maturity(3),
            owner: text("Kari Nordmann"),
            due_date: text("2026-03-31"),
            comment: text("Gjennomgått i ledermøtet.\nNeste gang: mars."),
            na_reason: None,
        },
        AnswerRow {
            node_id: "1.2-a".into(),
            label: "1.2 a".into(),
            title: "<Risikovurdering>".into(),
            status: AnswerStatus::NotApplicable,
            maturity: None,
            owner: None,
            due_date: None,
            comment: text("=SUM(A1:A3)"),
            na_reason: text("Vi har ingen egne systemer – alt driftes av kommunen."),
        },
        AnswerRow {
            node_id: "2.1-a".into(),
            label: "2.1 a".into(),
            title: "Tilgangsstyring".into(),
            status: AnswerStatus::NotStarted,
            maturity: maturity(0),
            owner: None,
            due_date: None,
            comment: None,
            na_reason: None,
        },
        AnswerRow {
            node_id: "2.1-b".into(),
            label: String::new(),
            title: "Logg".into(),
            status: AnswerStatus::Partly,
            maturity: maturity(5),
            owner: text("0123"),
            due_date: text("2025-12-01"),
            comment: text("ø".repeat(2000).as_str()),
            na_reason: None,
        },
        AnswerRow {
            node_id: "3.1-a".into(),
            label: "3.1 a".into(),
            title: "Varsling".into(),
            status: AnswerStatus::Verified,
            maturity: maturity(4),
            owner: text("IT"),
            due_date: None,
            comment: None,
            na_reason: text("Begrunnelse selv om status er verifisert"),
        },
    ]
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("xlsx is a zip");
    let mut file = archive.by_name(name).expect("entry exists");
    let mut out = String::new();
    file.read_to_string(&mut out).expect("utf-8 xml");
    out
}

fn calamine_rows(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("calamine opens the file");
    let range = workbook.worksheet_range(sheet).expect("sheet exists");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn round_trip_in_both_languages() {
    for lang in [Lang::Nb, Lang::En] {
        let bytes = answers_xlsx("normen-6.0", "Egenvurdering 2025", &rows(), lang).expect("xlsx");
        assert_eq!(parse_answers_xlsx(&bytes), Ok(rows()), "{lang}");
        assert_eq!(parse_answers_xlsx_in(&bytes, Lang::En), Ok(rows()), "{lang}");
    }
    let empty = answers_xlsx("normen-6.0", "Tom", &[], Lang::Nb).expect("xlsx");
    assert_eq!(parse_answers_xlsx(&empty), Ok(vec![]));
}

#[test]
fn layout_read_by_calamine() {
    let bytes = answers_xlsx("normen-6.0", "Egenvurdering <2025>", &rows(), Lang::Nb).expect("xlsx");
    let workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).expect("opens");
    assert_eq!(workbook.sheet_names(), ["Svar", "meta"]);
    let sheet = calamine_rows(&bytes, "Svar");
    // One header row, in bokmål, the machine id last.
    assert_eq!(
        sheet[0],
        [
            "Krav",
            "Tittel",
            "Status",
            "Modenhet (0–5)",
            "Ansvarlig",
            "Frist (ÅÅÅÅ-MM-DD)",
            "Kommentar",
            "Begrunnelse for ikke relevant",
            "Krav-ID",
        ]
    );
    for id in ANSWER_COLUMNS {
        assert!(!sheet.iter().flatten().any(|c| c == id), "technical header {id} shown");
    }
    assert_eq!(sheet.len(), 1 + rows().len());
    assert_eq!(sheet[1][0], "1.1 a");
    assert_eq!(sheet[1][2], "Innført");
    assert_eq!(sheet[1][3], "3");
    assert_eq!(sheet[1][8], "1.1-a");
    assert_eq!(sheet[2][2], "Ikke relevant");
    assert_eq!(sheet[4][2], "Delvis innført");
    assert_eq!(sheet[5][2], "Innført og verifisert");

    let xml = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"xSplit="1" ySplit="1" topLeftCell="B2""#), "{xml}");
    assert!(xml.contains(r#"state="frozen""#));
    assert!(xml.contains(r#"<autoFilter ref="A1:I6"/>"#), "{xml}");
    assert_eq!(xml.matches("<dataValidation ").count(), 3);
    assert!(
        xml.contains(
            "<formula1>\"Ikke relevant,Ikke startet,Delvis innført,Innført,Innført og verifisert\"</formula1>"
        )
    );
    assert!(xml.contains("<formula1>\"0,1,2,3,4,5\"</formula1>"));
    let workbook_xml = zip_entry(&bytes, "xl/workbook.xml");
    assert!(
        workbook_xml.contains(r#"<sheet name="meta" sheetId="2" state="hidden""#),
        "{workbook_xml}"
    );

    assert_eq!(
        answers_xlsx_meta(&bytes),
        Some(AnswersMeta {
            catalog_key: "normen-6.0".into(),
            assessment_title: "Egenvurdering <2025>".into(),
            lang: Some(Lang::Nb),
        })
    );
    assert_eq!(answers_xlsx_meta(b"not a zip"), None);

    let en = answers_xlsx("k", "t", &rows(), Lang::En).expect("xlsx");
    let sheet = calamine_rows(&en, "Answers");
    assert_eq!(sheet[0][0], "Requirement");
    assert_eq!(sheet[0][2], "Status");
    assert_eq!(sheet[0][8], "Requirement ID");
    assert_eq!(sheet[1][2], "Implemented");
    assert_eq!(sheet[4][2], "Partly implemented");
}

/// Files of the earlier layout (names in row 1, machine ids in row 2, the
/// id first, the shorter status names) still import.
#[test]
fn earlier_layout_still_imports() {
    for names in [
        [
            "Krav-ID",
            "Nummer",
            "Tittel",
            "Status",
            "Modenhet (0–5)",
            "Ansvarlig",
            "Frist (ÅÅÅÅ-MM-DD)",
            "Kommentar",
            "Begrunnelse for ikke relevant",
        ],
        [
            "Requirement ID",
            "Number",
            "Title",
            "Status",
            "Maturity (0–5)",
            "Owner",
            "Due date (YYYY-MM-DD)",
            "Comment",
            "Reason if not applicable",
        ],
    ] {
        let mut cells: Vec<(u32, u16, C)> = (0u16..).zip(names).map(|(c, n)| (0, c, C::S(n))).collect();
        cells.extend(header(1));
        cells.extend([
            (2, 0, C::S("1.1-a")),
            (2, 1, C::S("1.1 a")),
            (2, 3, C::S("Delvis")),
            (3, 0, C::S("1.2-a")),
            (3, 3, C::S("Verified")),
        ]);
        let parsed = parse_answers_xlsx(&sheet(&cells)).expect("earlier layout imports");
        assert_eq!(parsed.len(), 2, "{names:?}");
        assert_eq!(parsed[0].node_id, "1.1-a");
        assert_eq!(parsed[0].label, "1.1 a");
        assert_eq!(parsed[0].status, AnswerStatus::Partly);
        assert_eq!(parsed[1].status, AnswerStatus::Verified);
        // Names only (no machine row), as a person might have left it.
        let mut cells: Vec<(u32, u16, C)> = (0u16..).zip(names).map(|(c, n)| (0, c, C::S(n))).collect();
        cells.extend([(1, 0, C::S("2.1-a")), (1, 3, C::S("Verifisert"))]);
        let parsed = parse_answers_xlsx(&sheet(&cells)).expect("names only");
        assert_eq!(parsed[0].status, AnswerStatus::Verified);
    }
}

/// openpyxl (Python) as an independent reader: the header row is in the
/// file's language and the values are where the headers say.
#[test]
fn openpyxl_reads_headers_in_the_users_language() {
    let script = r#"
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
rows = [[("" if c is None else str(c)) for c in r] for r in ws.iter_rows(values_only=True)]
print(json.dumps({"sheets": wb.sheetnames, "rows": rows, "hidden": wb["meta"].sheet_state}))
"#;
    let ok = std::process::Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("openpyxl is required in CI: python3 -m pip install openpyxl");
        }
        println!("SKIPPED: openpyxl not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for (lang, sheet_name, headers, status) in [
        (Lang::Nb, "Svar", ["Krav", "Tittel", "Status"], "Delvis innført"),
        (
            Lang::En,
            "Answers",
            ["Requirement", "Title", "Status"],
            "Partly implemented",
        ),
    ] {
        let bytes = answers_xlsx("normen-6.0", "Egenvurdering", &rows(), lang).expect("xlsx");
        let path = dir.path().join(format!("{lang}.xlsx"));
        std::fs::write(&path, &bytes).expect("write");
        let out = std::process::Command::new("python3")
            .args(["-c", script])
            .arg(&path)
            .output()
            .expect("python3 runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
        assert_eq!(v["sheets"][0], sheet_name);
        assert_eq!(v["hidden"], "hidden");
        let rows = v["rows"].as_array().expect("rows");
        let head: Vec<&str> = rows[0]
            .as_array()
            .expect("row")
            .iter()
            .filter_map(|c| c.as_str())
            .collect();
        assert_eq!(&head[..3], headers, "{lang}");
        assert!(
            head.iter().all(|h| !ANSWER_COLUMNS.contains(h)),
            "{lang}: technical header {head:?}"
        );
        // The machine id is in the last column, the status where it says.
        let partly = rows
            .iter()
            .find(|r| r[8] == "2.1-b")
            .expect("row of 2.1-b by its id in the last column");
        assert_eq!(partly[2], status, "{lang}");
        assert_eq!(rows.len(), 1 + 5, "{lang}");
    }
}

// ------------------------------------------------------------ edited files

/// A cell to write in a hand-made sheet.
enum C {
    S(&'static str),
    N(f64),
    /// A date Excel stores as a number with a date format.
    D(u16, u8, u8),
}

/// A workbook with one sheet "Svar" holding `cells` (0-based row, col).
fn sheet(cells: &[(u32, u16, C)]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    ws.set_name("Svar").expect("name");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (row, col, value) in cells {
        match value {
            C::S(s) => ws.write_string(*row, *col, *s).map(|_| ()),
            C::N(n) => ws.write_number(*row, *col, *n).map(|_| ()),
            C::D(y, m, d) => {
                let dt = ExcelDateTime::from_ymd(*y, *m, *d).expect("date");
                ws.write_datetime_with_format(*row, *col, &dt, &date).map(|_| ())
            }
        }
        .expect("write");
    }
    workbook.save_to_buffer().expect("save")
}

/// The machine header in row `row`, in the export's order.
fn header(row: u32) -> Vec<(u32, u16, C)> {
    (0u16..).zip(ANSWER_COLUMNS).map(|(c, id)| (row, c, C::S(id))).collect()
}

fn answer(row: u32, id: &'static str, status: &'static str) -> Vec<(u32, u16, C)> {
    vec![(row, 0, C::S(id)), (row, 3, C::S(status))]
}

fn one_error(result: Result<Vec<AnswerRow>, Vec<RowError>>) -> RowError {
    match result {
        Err(mut errors) if errors.len() == 1 => errors.remove(0),
        other => panic!("expected one error, got {other:?}"),
    }
}

#[test]
fn wrong_missing_and_repeated_columns_give_one_error() {
    let mut cells = header(0);
    cells.retain(|(_, c, _)| *c != 7); // no comment
    cells.push((0, 7, C::S("Kommentarer")));
    cells.push((0, 9, C::S("status")));
    cells.extend(answer(1, "1.1-a", "implemented"));
    let e = one_error(parse_answers_xlsx(&sheet(&cells)));
    assert_eq!((e.row, e.column.as_deref()), (1, None));
    assert!(e.message.contains("comment"), "{}", e.message);
    assert!(e.message.contains("Kommentarer"), "{}", e.message);
    assert!(e.message.contains("status"), "{}", e.message);
    assert!(e.message.starts_with("Kolonnene stemmer ikke"), "{}", e.message);

    let e = one_error(parse_answers_xlsx_in(&sheet(&[(0, 0, C::S("hello"))]), Lang::En));
    assert_eq!(e.row, 1);
    for id in ANSWER_COLUMNS {
        assert!(e.message.contains(id), "{id}: {}", e.message);
    }
}

#[test]
fn bad_rows_are_reported_by_row_and_column() {
    let mut cells = header(1);
    cells.extend(answer(2, "ok-1", "Innført")); // row 3: fine
    cells.extend(answer(3, "bad-status", "ferdig")); // row 4
    cells.extend(answer(4, "bad-maturity", "partly")); // row 5
    cells.push((4, 4, C::N(7.0)));
    cells.extend(answer(5, "bad-maturity-text", "partly")); // row 6
    cells.push((5, 4, C::S("høy")));
    cells.extend(answer(6, "bad-date", "partly")); // row 7
    cells.push((6, 6, C::S("31.03.2026")));
    cells.extend(answer(7, "no-reason", "Not applicable")); // row 8
    // row 9 empty: skipped
    cells.push((9, 3, C::S("verified"))); // row 10: no id
    cells.extend(answer(10, "ok-1", "verified")); // row 11: repeats row 3
    cells.extend(answer(11, "no-status", "")); // row 12: blank status
    cells.push((11, 5, C::S("Per")));
    cells.extend(answer(12, "bad-day", "partly")); // row 13
    cells.push((12, 6, C::S("2026-02-30")));
    let errors = parse_answers_xlsx_in(&sheet(&cells), Lang::En).expect_err("bad rows");
    let found: Vec<(u32, Option<&str>)> = errors.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(
        found,
        [
            (4, Some("status")),
            (5, Some("maturity")),
            (6, Some("maturity")),
            (7, Some("due_date")),
            (8, Some("na_reason")),
            (10, Some("node_id")),
            (11, Some("node_id")),
            (12, Some("status")),
            (13, Some("due_date")),
        ],
        "{errors:#?}"
    );
    assert!(
        errors[0].message.contains("“ferdig” is not a status"),
        "{}",
        errors[0].message
    );
    assert!(errors[1].message.contains("0 to 5, not “7”"), "{}", errors[1].message);
    assert!(
        errors[3]
            .message
            .contains("“31.03.2026” is not a date in the form YYYY-MM-DD")
    );
    assert!(errors[4].message.contains("needs a reason"));
    assert!(errors[6].message.contains("already in row 3"), "{}", errors[6].message);
    assert_eq!(errors[0].to_string(), format!("4 (status): {}", errors[0].message));
}

#[test]
fn lenient_in_what_people_do_to_a_sheet() {
    // Human names only (no id row), columns reordered, a title row above,
    // statuses in every spelling, maturity as text, a date typed in Excel,
    // blank rows between.
    let names = [
        "Status",
        "Krav-ID",
        "Nummer",
        "Tittel",
        "Modenhet (0–5)",
        "Ansvarlig",
        "Due date (YYYY-MM-DD)",
        "Comment",
        "Begrunnelse for ikke relevant",
    ];
    let mut cells: Vec<(u32, u16, C)> = vec![(0, 0, C::S("Egenvurdering 2025"))];
    cells.extend((0u16..).zip(names).map(|(c, n)| (2, c, C::S(n))));
    cells.extend([
        (3, 0, C::S("Innført")),
        (3, 1, C::S("a")),
        (3, 4, C::S("3")),
        (3, 6, C::D(2026, 3, 31)),
    ]);
    cells.extend([(6, 0, C::S("  VERIFIED ")), (6, 1, C::S("b")), (6, 4, C::N(5.0))]);
    cells.extend([(7, 0, C::S("not_started")), (7, 1, C::S("c")), (7, 5, C::N(42.0))]);
    cells.extend([
        (8, 0, C::S("Not applicable")),
        (8, 1, C::S("d")),
        (8, 8, C::S("Gjelder ikke oss")),
    ]);
    let rows = parse_answers_xlsx(&sheet(&cells)).expect("reads");
    let got: Vec<(&str, AnswerStatus, Option<u8>)> = rows
        .iter()
        .map(|r| (r.node_id.as_str(), r.status, r.maturity.map(Maturity::level)))
        .collect();
    assert_eq!(
        got,
        [
            ("a", AnswerStatus::Implemented, Some(3)),
            ("b", AnswerStatus::Verified, Some(5)),
            ("c", AnswerStatus::NotStarted, None),
            ("d", AnswerStatus::NotApplicable, None),
        ]
    );
    assert_eq!(rows[0].due_date.as_deref(), Some("2026-03-31"));
    assert_eq!(rows[2].owner.as_deref(), Some("42"));
    assert_eq!(rows[3].na_reason.as_deref(), Some("Gjelder ikke oss"));
}

#[test]
fn a_far_away_cell_does_not_blow_up() {
    let mut cells = header(1);
    cells.extend(answer(2, "a", "partly"));
    cells.push((1_048_575, 16_383, C::S("far away")));
    cells.push((1_048_574, 3, C::S("bogus")));
    let errors = parse_answers_xlsx_in(&sheet(&cells), Lang::En).expect_err("bogus status");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].row, 1_048_575);
}

#[test]
fn files_that_are_not_answers() {
    for bytes in [&b""[..], b"PK\x03\x04 not really", b"<html></html>"] {
        let e = one_error(parse_answers_xlsx(bytes));
        assert_eq!(e.row, 0);
        assert!(e.message.starts_with("Filen kan ikke leses"), "{}", e.message);
    }
    // A zip, but a Word document.
    let docx = etterlev_reports::action_list_docx(&common::report(), Lang::En).expect("docx");
    let e = one_error(parse_answers_xlsx_in(&docx, Lang::En));
    assert_eq!(e.row, 0);
    assert!(e.message.starts_with("The file cannot be read"), "{}", e.message);
}

// -------------------------------------------------------------- properties

fn arb_text() -> impl Strategy<Value = String> {
    // Printable text with inner newlines, trimmed (the import trims).
    "[a-zA-ZæøåÆØÅ0-9 .,;:!?()&<>\"'=+/-]{0,12}(\n[a-zæøå ]{1,8})?".prop_map(|s| s.trim().to_owned())
}

fn arb_opt() -> impl Strategy<Value = Option<String>> {
    arb_text().prop_map(|s| (!s.is_empty()).then_some(s))
}

fn arb_row() -> impl Strategy<Value = AnswerRow> {
    (
        "[a-z0-9][a-z0-9.-]{0,10}",
        arb_text(),
        arb_text(),
        0usize..5,
        proptest::option::of(0i64..=5),
        arb_opt(),
        proptest::option::of((2000i16..2100, 1i8..=12, 1i8..=28)),
        arb_opt(),
        arb_opt(),
    )
        .prop_map(|(node_id, label, title, s, m, owner, due, comment, reason)| {
            let status = AnswerStatus::ALL[s];
            let na_reason = match (status, reason) {
                (AnswerStatus::NotApplicable, None) => Some("reason".to_owned()),
                (_, r) => r,
            };
            AnswerRow {
                node_id,
                label,
                title,
                status,
                maturity: m.map(|m| Maturity::new(m).expect("0..=5")),
                owner,
                due_date: due.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
                comment,
                na_reason,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rows_survive_the_round_trip(rows in proptest::collection::vec(arb_row(), 0..20), en in any::<bool>()) {
        let mut rows = rows;
        let mut seen = std::collections::HashSet::new();
        rows.retain(|r| seen.insert(r.node_id.clone()));
        let lang = if en { Lang::En } else { Lang::Nb };
        let bytes = answers_xlsx("key", "title", &rows, lang).expect("xlsx");
        prop_assert_eq!(parse_answers_xlsx(&bytes), Ok(rows));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_answers_xlsx(&bytes);
        let _ = answers_xlsx_meta(&bytes);
    }

    #[test]
    fn damaged_files_never_panic(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let mut bytes = stored_export();
        for (at, value) in flips {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        let _ = parse_answers_xlsx(&bytes);
        let _ = answers_xlsx_meta(&bytes);
    }
}

/// A valid export with its parts stored uncompressed, so flipped bytes land
/// in the XML the reader parses rather than only in deflate streams.
fn stored_export() -> Vec<u8> {
    use std::io::Write;
    let bytes = answers_xlsx("key", "title", &rows()[..3], Lang::Nb).expect("xlsx");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("entry");
        let name = file.name().expect("name").into_owned();
        let mut data = Vec::new();
        file.read_to_end(&mut data).expect("read");
        writer.start_file(name, options).expect("start");
        writer.write_all(&data).expect("write");
    }
    let stored = writer.finish().expect("finish").into_inner();
    assert_eq!(
        parse_answers_xlsx(&stored),
        Ok(rows()[..3].to_vec()),
        "the stored copy reads"
    );
    stored
}

/// A real answers workbook whose shared strings are replaced by one string of
/// `size` letters: a few hundred kilobytes that expand without end.
fn with_huge_shared_strings(workbook: &[u8], size: usize) -> Vec<u8> {
    use std::io::Write;
    let mut archive = zip::ZipArchive::new(Cursor::new(workbook)).expect("xlsx is a zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let name = entry.name().expect("entry name").to_string();
        out.start_file(name.as_str(), options).expect("start");
        if name == "xl/sharedStrings.xml" {
            out.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#)
                .expect("head");
            let chunk = vec![b'a'; 1024 * 1024];
            let mut left = size;
            while left > 0 {
                let n = left.min(chunk.len());
                out.write_all(&chunk[..n]).expect("body");
                left -= n;
            }
            out.write_all(b"</t></si></sst>").expect("tail");
        } else {
            let mut content = Vec::new();
            entry.read_to_end(&mut content).expect("read");
            out.write_all(&content).expect("copy");
        }
    }
    out.finish().expect("finish").into_inner()
}

/// calamine reads every shared string when it opens a workbook, so a file
/// that expands to gigabytes must be refused before it does: with a clear
/// message, and without the meta sheet being read either.
#[test]
fn a_workbook_that_expands_too_far_is_refused_before_it_is_opened() {
    let workbook = answers_xlsx("normen-6.0", "Egenvurdering 2025", &rows(), Lang::Nb).expect("xlsx");
    let archive = zip::ZipArchive::new(Cursor::new(&workbook)).expect("xlsx is a zip");
    assert!(
        archive
            .file_names()
            .any(|n| n.is_ok_and(|n| n == "xl/sharedStrings.xml")),
        "the writer uses shared strings"
    );
    let bomb = with_huge_shared_strings(&workbook, 100 * 1024 * 1024);
    assert!(bomb.len() < 2 * 1024 * 1024, "compressed to {} bytes", bomb.len());
    let errors = parse_answers_xlsx(&bomb).expect_err("refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("pakker seg ut"), "{errors:?}");
    assert_eq!(answers_xlsx_meta(&bomb), None);
    // The same file with a sensible shared-strings part still imports.
    let modest = with_huge_shared_strings(&workbook, 512 * 1024);
    if let Err(errors) = parse_answers_xlsx(&modest) {
        assert!(
            errors.iter().all(|e| !e.message.contains("pakker seg ut")),
            "a 512 KiB string is not refused for its size: {errors:?}"
        );
    }
}
