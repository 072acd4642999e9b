//! Integration tests for `scan`: fixtures of every format with known counts,
//! bad input, verdicts, and property tests.

use std::io::Write;
use std::path::{Path, PathBuf};

use etterlev_testdata::ids::{self, BirthDate, Convention, IdKind};
use etterlev_testdata::scan::{self, Confidence, FailOn, Finding, Kind, ScanOptions, ScanReport};
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/scan")
        .join(name)
}

fn opts() -> ScanOptions {
    ScanOptions {
        show_values: true,
        ..ScanOptions::default()
    }
}

fn count(r: &ScanReport, k: Kind) -> u64 {
    r.counts[&k]
}

fn find<'a>(r: &'a ScanReport, text: &str) -> &'a Finding {
    r.findings
        .iter()
        .find(|f| f.text == text)
        .unwrap_or_else(|| panic!("no finding {text:?} in {:#?}", r.findings))
}

#[test]
fn plain_text() {
    let r = scan::run(&opts(), &[fixture("sample.txt")]).unwrap();
    assert_eq!(count(&r, Kind::PersonId), 3, "{:#?}", r.findings);
    assert_eq!(r.person_ids.possibly_real, 2);
    assert_eq!(r.person_ids.synthetic, 1);
    assert_eq!(r.person_ids.by_convention["production"], 1);
    assert_eq!(r.person_ids.by_convention["tenor"], 1);
    assert_eq!(r.person_ids.by_convention["dolly_or_h_number"], 1);
    assert_eq!(r.person_ids.by_rule["classic"], 3);
    assert_eq!(count(&r, Kind::Phone), 1);
    assert_eq!(count(&r, Kind::Email), 1);
    assert_eq!(count(&r, Kind::Name), 1);
    assert_eq!(count(&r, Kind::Address), 1);
    assert_eq!(count(&r, Kind::OrgNumber), 1);
    assert_eq!(count(&r, Kind::AccountNumber), 1);

    let fnr = find(&r, "15108695088");
    assert_eq!(fnr.location.line, Some(1));
    assert_eq!(fnr.location.byte_offset, Some(35));
    assert_eq!(fnr.confidence, Confidence::High);
    assert_eq!(find(&r, "+47 912 34 567").location.line, Some(2));
    assert_eq!(find(&r, "Storgata 5B, 0150 Oslo").confidence, Confidence::High);
    assert_eq!(find(&r, "988 077 917").kind, Kind::OrgNumber);
    assert_eq!(find(&r, "8601.11.17947").kind, Kind::AccountNumber);
    assert!(
        r.findings
            .iter()
            .all(|f| f.text != "988077917" && f.text != "12345678901")
    );
    assert_eq!(r.files[0].lines, Some(6));
}

#[test]
fn csv_rows_columns_and_quotes() {
    let r = scan::run(&opts(), &[fixture("sample.csv")]).unwrap();
    assert_eq!(count(&r, Kind::PersonId), 4, "{:#?}", r.findings);
    assert_eq!(r.person_ids.possibly_real, 3);
    assert_eq!(count(&r, Kind::Name), 3);
    assert_eq!(count(&r, Kind::Phone), 3);
    assert_eq!(count(&r, Kind::Email), 2);
    assert_eq!(count(&r, Kind::Address), 2);
    assert_eq!(
        count(&r, Kind::OrgNumber),
        0,
        "a 9-digit number in a person column is not an org number"
    );
    assert_eq!(r.files[0].records, Some(4));
    assert_eq!(r.files[0].lines, Some(6));

    let f = find(&r, "31129956715");
    assert_eq!(
        (f.location.line, f.location.row, f.location.column.as_deref()),
        (Some(4), Some(3), Some("fnr"))
    );
    assert_eq!(f.confidence, Confidence::High);
    let note = find(&r, "02013299997");
    assert_eq!(
        (note.location.line, note.location.row, note.location.column.as_deref()),
        (Some(5), Some(3), Some("notat"))
    );
    assert_eq!(note.confidence, Confidence::Medium);
    assert_eq!(find(&r, "91234567").confidence, Confidence::High, "telefon column");
    assert_eq!(find(&r, "22334455").location.column.as_deref(), Some("notat"));
    assert_eq!(find(&r, "Nordmann, Kari").location.column.as_deref(), Some("navn"));
    assert_eq!(find(&r, "Storgata 5, 0150 Oslo").location.row, Some(1));
    let b = find(&r, "17912099997").location.byte_offset.unwrap() as usize;
    let raw = std::fs::read(fixture("sample.csv")).unwrap();
    assert_eq!(&raw[b..b + 11], b"17912099997");
}

#[test]
fn json_lines_paths_and_keys() {
    let r = scan::run(&opts(), &[fixture("sample.jsonl")]).unwrap();
    assert_eq!(count(&r, Kind::PersonId), 2, "{:#?}", r.findings);
    assert_eq!(count(&r, Kind::Name), 1);
    assert_eq!(count(&r, Kind::Phone), 1);
    assert_eq!(count(&r, Kind::AccountNumber), 1);
    assert_eq!(count(&r, Kind::OrgNumber), 1);
    let f = find(&r, "15108695088");
    assert_eq!(
        (f.location.line, f.location.json_path.as_deref()),
        (Some(1), Some("$.pasient.fnr"))
    );
    assert_eq!(f.confidence, Confidence::High);
    assert_eq!(find(&r, "988077917").location.json_path.as_deref(), Some("$.org.orgnr"));
    assert_eq!(find(&r, "86011117947").kind, Kind::AccountNumber);
    assert_eq!(find(&r, "31129956715").location.line, Some(3));
}

#[test]
fn windows_1252_is_decoded_and_reported() {
    let r = scan::run(&opts(), &[fixture("latin1.txt")]).unwrap();
    assert_eq!(r.files[0].encoding, "windows-1252");
    assert!(r.files[0].notes.iter().any(|n| n.contains("Windows-1252")));
    assert_eq!(find(&r, "Bjørn Ødegård").kind, Kind::Name);
    let id = find(&r, "15108695088");
    assert_eq!(id.confidence, Confidence::High);
    // The offset points into the original (single-byte) file.
    let raw = std::fs::read(fixture("latin1.txt")).unwrap();
    let b = id.location.byte_offset.unwrap() as usize;
    assert_eq!(&raw[b..b + 11], b"15108695088");
}

#[test]
fn corrupt_zip_is_an_error_for_that_file_only() {
    let r = scan::run(&opts(), &[fixture("corrupt.docx"), fixture("sample.txt")]).unwrap();
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].error.contains("not a valid .docx"), "{}", r.errors[0].error);
    assert_eq!(r.files_scanned, 1);
    assert_eq!(count(&r, Kind::PersonId), 3);
    assert!(r.render_text().contains("corrupt.docx"));
}

#[test]
fn directories_recursively_and_missing_paths() {
    let r = scan::run(&opts(), &[fixture("")]).unwrap();
    assert_eq!(r.files_scanned, 4, "{:?}", r.files);
    assert_eq!(r.errors.len(), 1);
    assert!(matches!(
        scan::run(&opts(), &[fixture("does-not-exist")]),
        Err(scan::ScanError::NotFound { .. })
    ));
    assert!(matches!(scan::run(&opts(), &[]), Err(scan::ScanError::NoInput)));
}

fn docx_bytes(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in parts {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

#[test]
fn docx_paragraphs_headers_and_runs() {
    let doc = format!(
        r#"<?xml version="1.0"?><w:document {W}><w:body>
        <w:p><w:r><w:t>Pasient Ola Nordmann</w:t></w:r></w:p>
        <w:p><w:r><w:t xml:space="preserve">fnr: 1510</w:t></w:r><w:r><w:t>86 95088</w:t></w:r></w:p>
        <w:p><w:r><w:delText>slettet 31129956715</w:delText></w:r></w:p>
        </w:body></w:document>"#
    );
    let header = format!(r#"<w:hdr {W}><w:p><w:r><w:t>Kari Hansen &amp; tlf 91234567</w:t></w:r></w:p></w:hdr>"#);
    let bytes = docx_bytes(&[
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", &doc),
        ("word/header1.xml", &header),
    ]);
    let r = scan::scan_bytes(&opts(), "notat.docx", &bytes);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(count(&r, Kind::PersonId), 2, "{:#?}", r.findings);
    assert_eq!(count(&r, Kind::Name), 2);
    assert_eq!(count(&r, Kind::Phone), 1);
    let f = find(&r, "151086 95088");
    assert_eq!(
        (f.location.part.as_deref(), f.location.paragraph),
        (Some("word/document.xml"), Some(2))
    );
    assert_eq!(find(&r, "31129956715").location.paragraph, Some(3));
    assert_eq!(find(&r, "91234567").location.part.as_deref(), Some("word/header1.xml"));

    let no_body = docx_bytes(&[("word/other.xml", "<x/>")]);
    let r = scan::scan_bytes(&opts(), "x.docx", &no_body);
    assert!(r.errors[0].error.contains("word/document.xml"));
}

/// A zip with one part made of `head`, `count` copies of `unit` and `tail`:
/// small on disk, large when expanded.
fn zip_with_expanding_part(
    other: &[(&str, &str)],
    name: &str,
    head: &str,
    unit: &[u8],
    count: usize,
    tail: &str,
) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (part, body) in other {
        zip.start_file(*part, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.start_file(name, options).unwrap();
    zip.write_all(head.as_bytes()).unwrap();
    for _ in 0..count {
        zip.write_all(unit).unwrap();
    }
    zip.write_all(tail.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// A Word document whose one paragraph expands to 100 MiB of text is an
/// error for that file (the XML reader would hold the text whole), not an
/// allocation of whatever the zip expands to.
#[test]
fn a_docx_bomb_is_refused_for_that_file() {
    let bytes = zip_with_expanding_part(
        &[("[Content_Types].xml", "<Types/>")],
        "word/document.xml",
        &format!(r#"<w:document {W}><w:body><w:p><w:r><w:t>"#),
        &[b'a'; 1024 * 1024],
        100,
        "</w:t></w:r></w:p></w:body></w:document>",
    );
    assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
    let r = scan::scan_bytes(&opts(), "bombe.docx", &bytes);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(r.errors[0].error.contains("zip bomb"), "{}", r.errors[0].error);
}

/// Shared strings are held in memory (cells refer to them by number), so
/// their text has a ceiling, with advice on what to do instead.
#[test]
fn an_xlsx_whose_shared_strings_exceed_the_ceiling_is_refused() {
    let workbook = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="A" sheetId="1" r:id="rId1" xmlns:r="r"/></sheets></workbook>"#;
    let sheet = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;
    let mut unit = b"<si><t>".to_vec();
    unit.extend_from_slice(&[b'b'; 1024 * 1024]);
    unit.extend_from_slice(b"</t></si>");
    let bytes = zip_with_expanding_part(
        &[("xl/workbook.xml", workbook), ("xl/worksheets/sheet1.xml", sheet)],
        "xl/sharedStrings.xml",
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
        &unit,
        260,
        "</sst>",
    );
    let r = scan::scan_bytes(&opts(), "stor.xlsx", &bytes);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(
        r.errors[0].error.contains("save its sheets as CSV"),
        "{}",
        r.errors[0].error
    );
}

/// A valid production fødselsnummer whose first digit is 0.
fn leading_zero_id() -> String {
    (0..500u16)
        .find_map(|i| {
            ids::build_person(
                BirthDate::new(1986, 10, 5).unwrap(),
                i,
                IdKind::Fnr,
                Convention::Production,
            )
        })
        .unwrap()
        .as_str()
        .to_string()
}

#[test]
fn xlsx_shared_strings_and_numeric_cells() {
    let id0 = leading_zero_id();
    assert!(id0.starts_with('0'));
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Pasienter").unwrap();
    ws.write_string(0, 0, "fnr").unwrap();
    ws.write_string(0, 1, "navn").unwrap();
    ws.write_string(0, 2, "telefon").unwrap();
    ws.write_number(1, 0, id0.parse::<f64>().unwrap()).unwrap();
    ws.write_string(1, 1, "Ola Nordmann").unwrap();
    ws.write_string(2, 0, "17912099997").unwrap();
    ws.write_string(2, 1, "Kari Hansen").unwrap();
    ws.write_number(2, 2, 91234567.0).unwrap();
    let ws2 = wb.add_worksheet();
    ws2.write_string(6, 1, "kontakt ola@example.no").unwrap();
    let bytes = wb.save_to_buffer().unwrap();

    let r = scan::scan_bytes(&opts(), "liste.xlsx", &bytes);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(count(&r, Kind::PersonId), 2, "{:#?}", r.findings);
    assert_eq!(count(&r, Kind::Name), 2);
    assert_eq!(count(&r, Kind::Phone), 1);
    assert_eq!(count(&r, Kind::Email), 1);
    let padded = find(&r, &id0);
    assert_eq!(padded.location.sheet.as_deref(), Some("Pasienter"));
    assert_eq!(padded.location.cell.as_deref(), Some("A2"));
    assert_eq!(padded.location.column.as_deref(), Some("fnr"));
    assert!(padded.note.as_deref().unwrap_or("").contains("leading zero"));
    assert!(r.files[0].notes.iter().any(|n| n.contains("leading zero")));
    let phone = find(&r, "91234567");
    assert_eq!(
        (phone.location.cell.as_deref(), phone.confidence),
        (Some("C3"), Confidence::High)
    );
    assert_eq!(find(&r, "ola@example.no").location.cell.as_deref(), Some("B7"));
    assert_eq!(find(&r, "ola@example.no").location.sheet.as_deref(), Some("Sheet2"));
}

#[test]
fn verdicts() {
    let r = scan::run(&opts(), &[fixture("sample.txt")]).unwrap();
    assert!(!r.verdict(&FailOn::None));
    assert!(r.verdict(&FailOn::ProductionIds));
    assert!(r.verdict(&FailOn::AnyPersonalData));

    let tenor_only = scan::scan_bytes(&opts(), "a.txt", b"test 17912099997 og 57912075186\n");
    assert_eq!(tenor_only.person_ids.synthetic, 2);
    assert!(!tenor_only.verdict(&FailOn::ProductionIds));
    assert!(tenor_only.verdict(&FailOn::AnyPersonalData));

    let dolly = scan::scan_bytes(&opts(), "a.txt", b"dolly 15507600333\n");
    assert!(dolly.verdict(&FailOn::ProductionIds), "Dolly-or-H numbers may be real");

    let clean = scan::scan_bytes(&opts(), "a.txt", b"nothing here 12345\n");
    assert!(!clean.verdict(&FailOn::AnyPersonalData));
}

#[test]
fn options_cap_mask_kinds_and_threshold() {
    let text = "15108695088 31129956715 15108695088\n";
    let o = ScanOptions {
        max_findings_per_kind: 2,
        ..ScanOptions::default()
    };
    let r = scan::scan_bytes(&o, "a.txt", text.as_bytes());
    assert_eq!(count(&r, Kind::PersonId), 3);
    assert_eq!(r.findings.len(), 2);
    assert_eq!(r.findings_omitted[&Kind::PersonId], 1);
    assert_eq!(r.findings[0].text, "1510******8");
    assert!(!r.values_shown);

    let o = ScanOptions {
        kinds: vec![Kind::Email],
        ..opts()
    };
    let r = scan::scan_bytes(&o, "a.txt", b"15108695088 a@b.no\n");
    assert_eq!((count(&r, Kind::PersonId), count(&r, Kind::Email)), (0, 1));

    // 2032-only numbers are low without context.
    let r = scan::scan_bytes(&opts(), "a.txt", b"30108299939\n");
    assert_eq!((count(&r, Kind::PersonId), r.below_threshold[&Kind::PersonId]), (0, 1));
    let o = ScanOptions {
        min_confidence: Confidence::Low,
        ..opts()
    };
    let r = scan::scan_bytes(&o, "a.txt", b"30108299939\n");
    assert_eq!(r.person_ids.by_rule["from_2032"], 1);
    let o = ScanOptions {
        accept_2032: false,
        min_confidence: Confidence::Low,
        ..opts()
    };
    let r = scan::scan_bytes(&o, "a.txt", b"30108299939\n");
    assert_eq!(count(&r, Kind::PersonId), 0);
}

#[test]
fn binary_and_utf16_files() {
    let r = scan::scan_bytes(&opts(), "a.bin", b"\x00\x01 15108695088");
    assert_eq!(r.skipped.len(), 1);
    let r = scan::scan_bytes(&opts(), "a.txt", b"\xff\xfe1\x005\x00");
    assert!(r.errors[0].error.contains("UTF-16"));
    let r = scan::scan_bytes(&opts(), "a.csv", b"\xef\xbb\xbffnr\n15108695088\n");
    assert_eq!(find(&r, "15108695088").location.column.as_deref(), Some("fnr"));
}

/// The same CSV scanned whole, in tiny blocks sequentially and through the
/// parallel pipeline gives the same counts and findings.
#[test]
fn block_splitting_does_not_change_results() {
    let mut csv = String::from("id,fnr,navn,notat\n");
    for i in 0..400 {
        let date =
            BirthDate::new(1950 + (i % 50) as i16, 1 + (i % 12) as u8, 1 + (i % 28) as u8).expect("a valid date");
        let convention = if i % 3 == 0 {
            Convention::Production
        } else {
            Convention::Tenor
        };
        let id = ids::build_person(date, (i * 7 % 499) as u16, IdKind::Fnr, convention);
        let id = id.map(|p| p.as_str().to_string()).unwrap_or_default();
        csv.push_str(&format!("{i},{id},Ola Nordmann,\"linje\nto, ring 91234567\"\n"));
    }
    let whole = scan::scan_bytes(&opts(), "a.csv", csv.as_bytes());
    let small = ScanOptions {
        block_size: 97,
        ..opts()
    };
    let seq = scan::scan_bytes(&small, "a.csv", csv.as_bytes());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.csv");
    std::fs::write(&path, &csv).unwrap();
    let par = scan::run(
        &ScanOptions {
            threads: 2,
            max_findings_per_kind: 10_000,
            ..small.clone()
        },
        std::slice::from_ref(&path),
    )
    .unwrap();
    let whole_all = scan::scan_bytes(
        &ScanOptions {
            max_findings_per_kind: 10_000,
            ..opts()
        },
        "a.csv",
        csv.as_bytes(),
    );
    assert_eq!(whole.counts, seq.counts);
    assert_eq!(whole.findings, seq.findings);
    assert_eq!(whole.person_ids, seq.person_ids);
    assert_eq!(whole_all.counts, par.counts);
    assert_eq!(whole_all.files[0].records, par.files[0].records);
    assert_eq!(whole_all.files[0].lines, par.files[0].lines);
    let strip = |fs: &[Finding]| {
        fs.iter()
            .map(|f| (f.kind, f.location.clone(), f.text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&whole_all.findings), strip(&par.findings));
    assert_eq!(count(&whole, Kind::Name), 400);
    assert_eq!(whole.files[0].records, Some(400));
}

#[test]
fn report_serialises_and_renders() {
    let r = scan::run(&ScanOptions::default(), &[fixture("sample.csv")]).unwrap();
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["counts"]["person_id"], 4);
    assert_eq!(json["person_ids"]["by_convention"]["tenor"], 1);
    assert!(json["findings"][0]["line"].is_u64());
    let text = r.render_text();
    assert!(text.contains("person numbers"), "{text}");
    assert!(text.contains("values masked"));
}

fn valid_id() -> impl Strategy<Value = String> {
    (
        1900i16..2039,
        1u8..=12,
        1u8..=28,
        0u16..1000,
        prop_oneof![
            Just(Convention::Production),
            Just(Convention::Tenor),
            Just(Convention::NhnReserved)
        ],
        prop_oneof![Just(IdKind::Fnr), Just(IdKind::DNumber)],
    )
        .prop_filter_map("not issuable", |(y, m, d, i, c, k)| {
            ids::build_person(BirthDate::new(y, m, d)?, i, k, c).map(|p| p.as_str().to_string())
        })
}

/// Text without digits (so only the embedded id can be found).
fn text_without_digits() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-ZæøåÆØÅ ,.;:!?()\n\t-]{0,60}").unwrap()
}

fn ids_found(r: &ScanReport) -> Vec<&Finding> {
    r.findings.iter().filter(|f| f.kind == Kind::PersonId).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), ext in prop_oneof![Just("txt"), Just("csv"), Just("jsonl"), Just("docx"), Just("xlsx")]) {
        let o = ScanOptions { block_size: 64, min_confidence: Confidence::Low, ..opts() };
        let r = scan::scan_bytes(&o, &format!("x.{ext}"), &bytes);
        let _ = r.render_text();
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        let o = ScanOptions { min_confidence: Confidence::Low, ..opts() };
        let _ = scan::scan_bytes(&o, "x.txt", s.as_bytes());
        let _ = scan::scan_bytes(&o, "x.csv", s.as_bytes());
        let _ = scan::scan_bytes(&o, "x.jsonl", s.as_bytes());
    }

    #[test]
    fn embedded_id_is_found_once_at_its_offset(id in valid_id(), pre in text_without_digits(), post in text_without_digits()) {
        let text = format!("{pre}{id}{post}");
        let o = ScanOptions { min_confidence: Confidence::Low, ..opts() };
        let r = scan::scan_bytes(&o, "x.txt", text.as_bytes());
        let found = ids_found(&r);
        prop_assert_eq!(found.len(), 1, "{:?}", r.findings);
        prop_assert_eq!(&found[0].text, &id);
        prop_assert_eq!(found[0].location.byte_offset, Some(pre.len() as u64));
    }

    #[test]
    fn id_inside_a_longer_digit_run_is_not_found(id in valid_id(), pre in "[0-9]{0,3}", post in "[0-9]{0,3}", words in text_without_digits()) {
        prop_assume!(!pre.is_empty() || !post.is_empty());
        let text = format!("{words} {pre}{id}{post} {words}");
        let o = ScanOptions { min_confidence: Confidence::Low, ..opts() };
        let r = scan::scan_bytes(&o, "x.txt", text.as_bytes());
        prop_assert!(ids_found(&r).is_empty(), "{:?}", r.findings);
    }

    #[test]
    fn masked_output_never_contains_the_id(id in valid_id(), pre in text_without_digits(), grouping in 0usize..3) {
        let shown = match grouping {
            0 => id.clone(),
            1 => format!("{} {}", &id[..6], &id[6..]),
            _ => format!("{}-{}", &id[..6], &id[6..]),
        };
        let text = format!("{pre} fnr {shown}\n");
        let o = ScanOptions { min_confidence: Confidence::Low, ..ScanOptions::default() };
        let r = scan::scan_bytes(&o, "x.txt", text.as_bytes());
        prop_assert_eq!(r.counts[&Kind::PersonId], 1);
        let json = serde_json::to_string(&r).unwrap();
        let rendered = r.render_text();
        prop_assert!(!json.contains(&id) && !rendered.contains(&id));
        prop_assert!(!json.contains(&shown) && !rendered.contains(&shown));
    }
}

// ---- phone context and names of everyone living in Norway -----------------

fn low() -> ScanOptions {
    ScanOptions {
        show_values: true,
        min_confidence: Confidence::Low,
        ..ScanOptions::default()
    }
}

#[test]
fn numbers_with_a_non_phone_word_are_not_phones() {
    for text in [
        "Faktura nr 48449802 betalt",
        "Kundenummer 91989036",
        "Kundenr: 45678912",
        "Ordrenr. 93456781 er sendt",
        "Referanse 41234567",
        "Saksnr 2024/55 og 98765432",
        "Beløp kr 48449802",
        "Sak 91234567 er lukket",
        "KID 91234567",
    ] {
        let r = scan::scan_bytes(&low(), "note.txt", text.as_bytes());
        assert_eq!(r.counts[&Kind::Phone], 0, "{text}: {:#?}", r.findings);
    }
    // A column that says so does the same; +47 numbers still count.
    let csv = "kundenr;merknad\n91989036;ok\n+47 912 34 567;ok\n";
    let r = scan::scan_bytes(&low(), "k.csv", csv.as_bytes());
    assert_eq!(r.counts[&Kind::Phone], 1, "{:#?}", r.findings);
}

#[test]
fn phone_words_give_high_confidence() {
    for (text, number) in [
        ("Sentralbord: 26616086", "26616086"),
        ("Sentralbordet 22 33 44 55", "22 33 44 55"),
        ("Tlf 91234567", "91234567"),
        ("telefon: 55 12 34 56", "55 12 34 56"),
        ("Ring oss på 23456789", "23456789"),
        ("Faks 22334455", "22334455"),
        ("SMS 41234567", "41234567"),
        ("Kundeservice: 91234567", "91234567"),
        // The nearest word decides.
        ("Kundenr 1234, tlf 91234567", "91234567"),
    ] {
        let r = scan::scan_bytes(&low(), "note.txt", text.as_bytes());
        let f = find(&r, number);
        assert_eq!((f.kind, f.confidence), (Kind::Phone, Confidence::High), "{text}");
    }
    let r = scan::scan_bytes(&low(), "note.txt", b"Tlf 22334455, faktura 48449802");
    assert_eq!(r.counts[&Kind::Phone], 1, "{:#?}", r.findings);
}

/// "Given Surname" from the generator's data for 200 persons (every origin),
/// plus the names the scanner used to miss.
fn generated_names(n: u64) -> Vec<(String, String)> {
    let text = {
        let mut out = Vec::new();
        etterlev_testdata::generate::run(
            &etterlev_testdata::generate::GenerateOptions {
                count: n,
                seed: 11,
                ..Default::default()
            },
            &mut out,
            None,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    };
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let gi = h.iter().position(|c| c == "given_name").unwrap();
    let fi = h.iter().position(|c| c == "family_name").unwrap();
    let mut v: Vec<(String, String)> = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[gi].to_string(), rec[fi].to_string())
        })
        .collect();
    for (g, f) in [
        ("Fatima", "Ahmed"),
        ("Ahmed", "Ali"),
        ("Mohammed", "Hussain"),
        ("Aisha", "Khan"),
        ("Agnieszka", "Wiśniewska"),
        ("Piotr", "Nowak"),
        ("Thanh", "Nguyen"),
        ("Hodan", "Abdi"),
        ("Tharsika", "Sivakumar"),
        ("Zainab", "Yusuf"),
    ] {
        v.push((g.to_string(), f.to_string()));
    }
    v
}

#[test]
fn every_name_in_a_name_column_is_found() {
    let names = generated_names(190);
    assert_eq!(names.len(), 200);
    let mut csv = String::from("id;navn;kommentar\n");
    for (i, (g, f)) in names.iter().enumerate() {
        csv.push_str(&format!("{i};{g} {f};ok\n"));
    }
    let all = ScanOptions {
        max_findings_per_kind: 1_000,
        ..opts()
    };
    let r = scan::scan_bytes(&all, "pasienter.csv", csv.as_bytes());
    assert_eq!(r.counts[&Kind::Name], 200, "{:#?}", r.findings);
    assert_eq!(find(&r, "Fatima Ahmed").confidence, Confidence::High);

    // Separate given-name and surname columns: single names count there.
    let mut csv = String::from("fornavn,etternavn\n");
    for (g, f) in &names {
        csv.push_str(&format!("{g},{f}\n"));
    }
    let r = scan::scan_bytes(&all, "p.csv", csv.as_bytes());
    assert_eq!(r.counts[&Kind::Name], 400, "{:#?}", r.findings);

    // Outside a name column a lone name is not reported; a pair in free text is.
    let r = scan::scan_bytes(&opts(), "n.txt", "Ahmed kom.\nFatima Ahmed ringte i går.\n".as_bytes());
    assert_eq!(r.counts[&Kind::Name], 1, "{:#?}", r.findings);
    assert_eq!(find(&r, "Fatima Ahmed").kind, Kind::Name);
}
