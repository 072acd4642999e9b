//! The harness runs every target briefly (so `cargo test` covers it), and
//! the committed corpus stays small. `regenerate_seeds` (ignored) rewrites
//! the corpus files made with our own writers.

use std::path::Path;
use std::time::Duration;

use etterlev_core::{AnswerStatus, Maturity};
use etterlev_fuzz::{Options, TARGETS, default_dir, run_target};
use etterlev_reports::{AnswerRow, Lang};

/// The panic hook is process-wide: one run at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn every_target_runs_without_findings() {
    let _serial = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut options = Options::new(default_dir(), 20_260_101);
    options.iterations = Some(40);
    options.per_target = Duration::from_secs(20);
    for target in TARGETS {
        let report = run_target(target, &options).expect("corpus folder reads");
        assert!(report.corpus > 0, "{}: empty corpus", target.name);
        assert_eq!(report.execs, report.corpus as u64 + 40, "{}", target.name);
        assert!(report.findings.is_empty(), "{}: {:?}", target.name, report.findings);
    }
}

#[test]
fn a_panic_is_a_finding_with_its_input_saved() {
    let _serial = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    fn boom(bytes: &[u8]) -> String {
        if bytes.first() == Some(&b'!') {
            // The location makes it a finding; the message is checked below.
            let v: Vec<u8> = Vec::new();
            return v[bytes.len()].to_string();
        }
        "fine".into()
    }
    static TARGET: etterlev_fuzz::Target = etterlev_fuzz::Target {
        name: "boom",
        shape: etterlev_fuzz::mutate::Shape::Text(&[b"!"]),
        max_len: 64,
        contained: &[],
        run: boom,
    };
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("corpus/boom")).expect("mkdir");
    std::fs::write(dir.path().join("corpus/boom/seed"), b"abc").expect("seed");
    let mut options = Options::new(dir.path().to_path_buf(), 1);
    options.iterations = Some(2_000);
    let report = run_target(&TARGET, &options).expect("runs");
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    let finding = &report.findings[0];
    assert!(finding.message.contains("index out of bounds"), "{}", finding.message);
    let saved = std::fs::read(finding.file.as_ref().expect("saved")).expect("readable");
    assert_eq!(saved.first(), Some(&b'!'));
    let replay = etterlev_fuzz::run::replay(&TARGET, &saved);
    assert_eq!((replay.escaped, replay.outcome), (1, None));
}

#[test]
fn corpus_is_small() {
    let mut total = 0;
    for target in TARGETS {
        let dir = default_dir().join("corpus").join(target.name);
        for entry in std::fs::read_dir(&dir).expect("corpus folder") {
            let path = entry.expect("entry").path();
            let len = std::fs::metadata(&path).expect("metadata").len();
            assert!(len < 50_000, "{} is {len} bytes", path.display());
            total += len;
        }
    }
    assert!(total < 1_000_000, "corpus is {total} bytes");
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = default_dir().join("corpus").join(target);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join(name), bytes).expect("write");
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)).expect(path)
}

/// Rewrites the seeds made with our own writers. Run after a format change:
/// `cargo test -p etterlev-fuzz --test harness -- --ignored`.
#[test]
#[ignore]
fn regenerate_seeds() {
    let demo = etterlev_catalog::parse_catalog("demo", &fixture("crates/catalog/tests/fixtures/valid/demo-1.0.yaml"))
        .expect("demo catalogue");
    let oscal = etterlev_catalog::to_oscal(&demo, "2026-01-01T00:00:00Z");
    write(
        "oscal-json",
        "etterlev-export.json",
        &serde_json::to_vec_pretty(&oscal).expect("json"),
    );

    let text = |s: &str| Some(s.to_owned());
    let rows = vec![
        AnswerRow {
            node_id: "1.1-a".into(),
            label: "1.1 a".into(),
            title: "Styring".into(),
            status: AnswerStatus::Implemented,
            maturity: Maturity::new(3).ok(),
            owner: text("Kari"),
            due_date: text("2026-03-01"),
            comment: text("=SUM(A1) and \"quotes\""),
            na_reason: None,
        },
        AnswerRow {
            node_id: "2.1-b".into(),
            label: String::new(),
            title: "Logg".into(),
            status: AnswerStatus::NotApplicable,
            maturity: None,
            owner: None,
            due_date: None,
            comment: None,
            na_reason: text("Ikke relevant"),
        },
    ];
    let nb = etterlev_reports::answers_xlsx("demo", "Egenvurdering", &rows, Lang::Nb).expect("xlsx");
    let en = etterlev_reports::answers_xlsx("demo", "Self-assessment", &rows[..1], Lang::En).expect("xlsx");
    write("answers-xlsx", "answers-nb.xlsx", &nb);
    write("answers-xlsx", "answers-en.xlsx", &en);
    write("scan-xlsx", "answers.xlsx", &nb);
    let date = jiff::civil::date(2026, 1, 1);
    let catalog_xlsx = etterlev_reports::catalog_xlsx_on(&demo, Lang::Nb, date).expect("xlsx");
    write("scan-xlsx", "catalog.xlsx", &catalog_xlsx);
    let docx = etterlev_reports::catalog_docx_on(&demo, Lang::Nb, date).expect("docx");
    write("scan-docx", "catalog.docx", &docx);

    // A re-identification mapping encrypted with the targets' key.
    let config = etterlev_testdata::pseudonymise::Config::from_yaml(
        std::str::from_utf8(&fixture("crates/testdata/tests/fixtures/pseudo/config.yaml")).expect("utf-8"),
    )
    .expect("config");
    let key = etterlev_testdata::pseudonymise::Key::from_bytes(etterlev_fuzz::targets::KEY).expect("key");
    let input = etterlev_testdata::io::decode_input(
        Box::new(std::io::Cursor::new(fixture(
            "crates/testdata/tests/fixtures/pseudo/sample.csv",
        ))),
        etterlev_testdata::io::InputEncoding::Utf8,
    );
    let mut mapping = Vec::new();
    let options = etterlev_testdata::pseudonymise::RunOptions {
        mapping_out: Some(&mut mapping),
        threads: Some(1),
        ..Default::default()
    };
    etterlev_testdata::pseudonymise::run(&config, &key, input, &mut std::io::sink(), options).expect("run");
    write("mapping-reveal", "sample.mapping", &mapping);

    // Office files with personal data in them, for the scanner.
    let document = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>Pasient Kari Nordmann, fnr 151086</w:t></w:r><w:r><w:t xml:space="preserve"> 95088</w:t></w:r></w:p>
<w:p><w:r><w:t>Storgata 12, 0150 Oslo. Tlf +47 912 34 567, kari@example.no</w:t></w:r><w:r><w:tab/><w:t>orgnr 988077917</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>fnr</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>31129956715</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;
    let header = r#"<?xml version="1.0" encoding="UTF-8"?><w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>Ola Nordmann 17912099997</w:t></w:r></w:p></w:hdr>"#;
    let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let docx = etterlev_fuzz::mutate::rezip(
        &[
            ("[Content_Types].xml".to_owned(), types.as_bytes().to_vec()),
            ("word/document.xml".to_owned(), document.as_bytes().to_vec()),
            ("word/header1.xml".to_owned(), header.as_bytes().to_vec()),
        ],
        true,
    );
    write("scan-docx", "personal.docx", &docx);

    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Pasienter").expect("name");
    for (col, head) in ["fnr", "navn", "telefon", "kontonr", "notat"].iter().enumerate() {
        sheet.write_string(0, col as u16, *head).expect("cell");
    }
    sheet.write_number(1, 0, 15108695088.0).expect("cell");
    sheet.write_string(1, 1, "Kari Nordmann").expect("cell");
    sheet.write_number(1, 2, 91234567.0).expect("cell");
    sheet.write_string(1, 3, "8601.11.17947").expect("cell");
    sheet
        .write_string(1, 4, "Ringte fra 0150 Oslo, orgnr 988 077 917")
        .expect("cell");
    sheet.write_string(2, 0, "311299 56715").expect("cell");
    sheet.write_formula(2, 2, "=C2+1").expect("cell");
    let second = workbook.add_worksheet();
    second.write_string(5, 3, "Ola Nordmann 17912099997").expect("cell");
    write("scan-xlsx", "personal.xlsx", &workbook.save_to_buffer().expect("xlsx"));
}
