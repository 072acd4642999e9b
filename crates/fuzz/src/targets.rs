//! The fuzz targets: every parser that reads a file or body from outside.
//!
//! Each target takes the raw bytes and returns a short outcome text (which
//! diagnostic codes, how many rows …). The runner keeps mutated inputs that
//! give an outcome not seen before, a cheap stand-in for coverage feedback.

use std::collections::BTreeSet;
use std::io::{BufRead, Read};
use std::sync::OnceLock;

use etterlev_testdata::io::{InputEncoding, decode_input};
use etterlev_testdata::pseudonymise::{self, Config, Key, RunOptions};
use etterlev_testdata::risk::{self, OnMalformed, RiskOptions};
use etterlev_testdata::scan::{self, Confidence, ScanOptions};

use crate::mutate::Shape;

/// One parser under test.
#[derive(Clone, Copy)]
pub struct Target {
    /// Also the corpus folder name: `fuzz/corpus/<name>/`.
    pub name: &'static str,
    pub shape: Shape,
    /// Generated inputs are cut to this length.
    pub max_len: usize,
    /// Parts of a panic's source location that the parser contains by
    /// design (it calls a third-party reader inside `catch_unwind` and turns
    /// a panic into an error). Such panics are counted and reported, not
    /// failures. Panics anywhere else always fail.
    pub contained: &'static [&'static str],
    pub run: fn(&[u8]) -> String,
}

const YAML: &[&[u8]] = &[
    b": ",
    b"- ",
    b"\n- ",
    b"\n  ",
    b"---\n",
    b"...\n",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"!!str ",
    b"!!binary ",
    b"!tag ",
    b"? ",
    b"|\n  ",
    b">-\n  ",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"'",
    b"~",
    b"null",
    b"true",
    b".inf",
    b"# ",
    b"%YAML 1.2\n",
    b"\xef\xbb\xbf",
    b"\\u0000",
    b"\\x",
    b"\t",
];

const CATALOG: &[&[u8]] = &[
    b"schema: etterlev/catalog/v1\n",
    b"schema: etterlev/mapping/v1\n",
    b"id: ",
    b"parent: ",
    b"kind: requirement",
    b"kind: guidance",
    b"kind: chapter",
    b"related: [",
    b"replaces: ",
    b"nodes:\n",
    b"entries:\n",
    b"relation: equal",
    b"relation: subset",
    b"title:\n  nb: ",
    b"text:\n  en: ",
    b"applies:\n",
    b"version: \"1.0\"",
    b"status: ",
    b"from: ",
    b"to: ",
    b"questions:\n",
    b"good_answer: ",
];

const JSON: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"null",
    b"true",
    b"false",
    b"-0",
    b"1e999",
    b"\\u0000",
    b"\\ud800",
    b"\\\"",
    b"{\"\":{}}",
    b"[[[[[[[[[[[[[[[[",
    b"\"id\":",
    b"\"controls\":[",
    b"\"groups\":[",
    b"\"parts\":[",
    b"\"params\":[",
    b"\"props\":[{\"name\":\"status\",\"value\":\"withdrawn\"}]",
    b"\"prose\":\"{{ insert: param, x }}\"",
    b"{{ insert: param, ",
    b" }}",
    b"\"metadata\":{",
    b"\"profile\":{",
    b"\"catalog\":{",
    b"\"select\":{\"how-many\":\"one-or-more\",\"choice\":[]}",
    b"\"label\":",
    b"\"links\":[{\"rel\":\"moved-to\",\"href\":\"#x\"}]",
];

const CISO: &[&[u8]] = &[
    b"urn: ",
    b"ref_id: ",
    b"framework:\n",
    b"requirement_nodes:\n",
    b"parent_urn: ",
    b"assessable: true",
    b"depth: ",
    b"objects:\n",
    b"locale: ",
    b"translations:\n",
    b"provider: ",
    b"packager: ",
    b"annotation: ",
    b"implementation_groups_definition:\n",
];

const XML: &[&[u8]] = &[
    b"<",
    b">",
    b"</",
    b"/>",
    b"<?xml version=\"1.0\"?>",
    b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
    b"&a;",
    b"&amp;",
    b"&#0;",
    b"&#x10FFFF;",
    b"&#99999999;",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"=\"",
    b"xmlns:x=\"urn:x\"",
    b"<row r=\"1048577\">",
    b"<c r=\"XFE1\" t=\"s\"><v>4294967296</v></c>",
    b"<c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c>",
    b"<c r=\"B2\" t=\"str\"><v>",
    b"<c t=\"n\"><v>1e400</v></c>",
    b"<dimension ref=\"A1:XFD1048576\"/>",
    b"<si><t>",
    b"</t></si>",
    b"<sheet name=\"x\" sheetId=\"9\" r:id=\"rId9\"/>",
    b"<Relationship Id=\"rId1\" Target=\"../../x.xml\"/>",
    b"<w:p><w:r><w:t>",
    b"</w:t></w:r></w:p>",
    b"<w:tab/>",
    b"<w:br/>",
    b"<w:instrText>",
    b"15108695088",
    b"988077917",
];

const TEXT: &[&[u8]] = &[
    b"15108695088",
    b"311299 56715",
    b"151086 95088",
    b"41108695088",
    b"55108695088",
    b"988077917",
    b"988 077 917",
    b"86011117947",
    b"8601.11.17947",
    b"+47 912 34 567",
    b"91234567",
    b"ola.nordmann@example.no",
    b"Kari Nordmann",
    b"Storgata 12",
    b"0150 Oslo",
    b"fnr",
    b"1986-10-15",
    b"15.10.1986",
    b"\"",
    b"\"\"",
    b",",
    b";",
    b"\t",
    b"\n",
    b"\r\n",
    b"\r",
    b"\xef\xbb\xbf",
    b"\xe6\xf8\xe5",
    b"\xc3\xa6\xc3\xb8\xc3\xa5",
    b"\xff\xfe",
    b"{\"fnr\":\"",
    b"\"}",
    b"[",
    b"]",
    b"null",
];

const CONFIG: &[&[u8]] = &[
    b"format: csv\n",
    b"format: jsonl\n",
    b"delimiter: \";\"\n",
    b"person: fnr\n",
    b"on_error: skip\n",
    b"on_invalid: keep\n",
    b"shift_days: 0\n",
    b"shift_days: 4294967295\n",
    b"token_length: 0\n",
    b"token_length: 18446744073709551615\n",
    b"token_prefix: \"\"\n",
    b"unlisted: drop\n",
    b"convention: nhn\n",
    b"{ action: synthetic_id }",
    b"{ action: token }",
    b"{ action: shift_date, format: \"%d.%m.%Y\" }",
    b"{ action: shift_date, format: [\"%Y\", \"%%\"] }",
    b"{ action: generalise, keep_digits: 0 }",
    b"{ action: age_band, width: 0, top: 0 }",
    b"{ action: suppress, drop: true }",
    b"{ action: mask }",
    b"{ action: token, canonical: id }",
    b"a.b.c",
];

/// All targets, in the order they run.
pub const TARGETS: &[Target] = &[
    Target {
        name: "catalog-yaml",
        shape: Shape::Text(&[]),
        max_len: 64 << 10,
        contained: &[],
        run: catalog_yaml,
    },
    Target {
        name: "oscal-json",
        shape: Shape::Text(JSON),
        max_len: 128 << 10,
        contained: &[],
        run: oscal_json,
    },
    Target {
        name: "ciso-yaml",
        shape: Shape::Text(CISO),
        max_len: 64 << 10,
        contained: &[],
        run: ciso_yaml,
    },
    Target {
        name: "answers-xlsx",
        shape: Shape::Zip(XML),
        max_len: 256 << 10,
        // `parse_answers_xlsx` and `answers_xlsx_meta` call calamine inside
        // `catch_unwind` on purpose: a panic there is a refused file.
        contained: &["/calamine-"],
        run: answers_xlsx,
    },
    Target {
        name: "scan-text",
        shape: Shape::Text(TEXT),
        max_len: 64 << 10,
        contained: &[],
        run: scan_text,
    },
    Target {
        name: "scan-csv",
        shape: Shape::Text(TEXT),
        max_len: 64 << 10,
        contained: &[],
        run: scan_csv,
    },
    Target {
        name: "scan-jsonl",
        shape: Shape::Text(TEXT),
        max_len: 64 << 10,
        contained: &[],
        run: scan_jsonl,
    },
    Target {
        name: "scan-docx",
        shape: Shape::Zip(XML),
        max_len: 256 << 10,
        contained: &[],
        run: scan_docx,
    },
    Target {
        name: "scan-xlsx",
        shape: Shape::Zip(XML),
        max_len: 256 << 10,
        contained: &[],
        run: scan_xlsx,
    },
    Target {
        name: "pseudonymise-csv",
        shape: Shape::Text(TEXT),
        max_len: 64 << 10,
        contained: &[],
        run: pseudonymise_csv,
    },
    Target {
        name: "pseudonymise-jsonl",
        shape: Shape::Text(TEXT),
        max_len: 64 << 10,
        contained: &[],
        run: pseudonymise_jsonl,
    },
    Target {
        name: "pseudonymise-config",
        shape: Shape::Text(CONFIG),
        max_len: 16 << 10,
        contained: &[],
        run: pseudonymise_config,
    },
    Target {
        name: "mapping-reveal",
        shape: Shape::Text(&[]),
        max_len: 64 << 10,
        contained: &[],
        run: mapping_reveal,
    },
    Target {
        name: "risk-csv",
        shape: Shape::Text(TEXT),
        max_len: 64 << 10,
        contained: &[],
        run: risk_csv,
    },
    Target {
        name: "risk-jsonl",
        shape: Shape::Text(TEXT),
        max_len: 64 << 10,
        contained: &[],
        run: risk_jsonl,
    },
    Target {
        name: "identifiers",
        shape: Shape::Text(TEXT),
        max_len: 4 << 10,
        contained: &[],
        run: identifiers,
    },
];

/// The dictionary of a target, for targets built from several.
pub fn dictionary(target: &Target) -> Vec<&'static [u8]> {
    let extra: &[&[&[u8]]] = match target.name {
        "catalog-yaml" => &[YAML, CATALOG],
        "ciso-yaml" => &[YAML],
        "pseudonymise-config" => &[YAML],
        "pseudonymise-jsonl" | "risk-jsonl" | "scan-jsonl" | "mapping-reveal" => &[JSON],
        _ => &[],
    };
    let own = match target.shape {
        Shape::Text(d) | Shape::Zip(d) => d,
    };
    own.iter().chain(extra.iter().flat_map(|d| d.iter())).copied().collect()
}

/// The target with this name.
pub fn by_name(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// A cheap, stable hash (FNV-1a), for file names and derived choices.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn codes(diagnostics: &[etterlev_catalog::Diagnostic]) -> String {
    let set: BTreeSet<&str> = diagnostics.iter().map(|d| d.code).collect();
    set.into_iter().collect::<Vec<_>>().join(",")
}

fn catalog_yaml(bytes: &[u8]) -> String {
    match etterlev_catalog::parse_document("fuzz.yaml", bytes) {
        Ok(etterlev_catalog::Document::Catalog(c)) => {
            // What an accepted catalogue goes on to: export and re-import.
            let oscal = etterlev_catalog::to_oscal(&c, "2026-01-01T00:00:00Z");
            let back = serde_json::to_vec(&oscal).map(|json| etterlev_catalog::from_oscal(&json).is_ok());
            format!("catalog {} nodes, oscal {back:?}", c.nodes.len().min(8))
        }
        Ok(etterlev_catalog::Document::Mapping(m)) => format!("mapping {}", m.entries.len().min(8)),
        Ok(etterlev_catalog::Document::Threats(t)) => format!("threats {}", t.scenarios.len().min(8)),
        Err(d) => codes(&d),
    }
}

fn oscal_json(bytes: &[u8]) -> String {
    match etterlev_catalog::from_oscal(bytes) {
        Ok(c) => format!("catalog {}", c.nodes.len().min(8)),
        Err(d) => codes(&d),
    }
}

fn ciso_yaml(bytes: &[u8]) -> String {
    match etterlev_catalog::from_ciso_assistant("fuzz.yaml", bytes) {
        Ok(cs) => format!("{} catalogues", cs.len()),
        Err(d) => codes(&d),
    }
}

fn answers_xlsx(bytes: &[u8]) -> String {
    let meta = etterlev_reports::answers_xlsx_meta(bytes).map(|m| m.lang);
    match etterlev_reports::parse_answers_xlsx(bytes) {
        Ok(rows) => format!("{meta:?} {} rows", rows.len().min(8)),
        Err(errors) => {
            let set: BTreeSet<(bool, Option<&str>)> =
                errors.iter().map(|e| (e.row == 0, e.column.as_deref())).collect();
            format!("{meta:?} {set:?}")
        }
    }
}

/// Block sizes the scanner targets cycle through: records cut at block
/// ends are the hard part, so mostly small ones.
const BLOCK_SIZES: [usize; 5] = [16, 61, 257, 1000, 4 << 20];

/// One scanner per block size, built once (building one compiles the name
/// lists and costs more than most scans).
fn scanner(bytes: &[u8]) -> &'static scan::Scanner {
    static SCANNERS: OnceLock<Vec<scan::Scanner>> = OnceLock::new();
    let scanners = SCANNERS.get_or_init(|| {
        BLOCK_SIZES
            .iter()
            .map(|&block_size| {
                scan::Scanner::new(ScanOptions {
                    show_values: true,
                    min_confidence: Confidence::Low,
                    threads: 1,
                    block_size,
                    ..ScanOptions::default()
                })
            })
            .collect()
    });
    &scanners[(fnv(bytes) % BLOCK_SIZES.len() as u64) as usize]
}

fn scan_as(name: &str, bytes: &[u8]) -> String {
    let report = scanner(bytes).scan_bytes(name, bytes);
    // Rendering is part of what the CLI does with every report.
    let text = report.render_text();
    format!(
        "{} findings, {} lines",
        report.total().min(16),
        text.lines().count().min(16)
    )
}

fn scan_text(bytes: &[u8]) -> String {
    scan_as("fuzz.txt", bytes)
}

fn scan_csv(bytes: &[u8]) -> String {
    scan_as("fuzz.csv", bytes)
}

fn scan_jsonl(bytes: &[u8]) -> String {
    scan_as("fuzz.jsonl", bytes)
}

fn scan_docx(bytes: &[u8]) -> String {
    scan_as("fuzz.docx", bytes)
}

fn scan_xlsx(bytes: &[u8]) -> String {
    scan_as("fuzz.xlsx", bytes)
}

/// Hands out the input a few bytes at a time, so readers meet characters,
/// quotes and records cut between reads.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn input(bytes: &[u8]) -> Box<dyn BufRead + Send> {
    let h = fnv(bytes);
    let step = 1 + (h % 97) as usize;
    let encoding = if h.is_multiple_of(5) {
        InputEncoding::Windows1252
    } else {
        InputEncoding::Utf8
    };
    decode_input(
        Box::new(Owned {
            data: bytes.to_vec(),
            pos: 0,
            step,
        }),
        encoding,
    )
}

/// [`Trickle`] over owned bytes (the reader must be `'static`).
struct Owned {
    data: Vec<u8>,
    pos: usize,
    step: usize,
}

impl Read for Owned {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        let n = Trickle {
            data: rest,
            step: self.step,
        }
        .read(buf)?;
        self.pos += n;
        Ok(n)
    }
}

const CSV_CONFIG: &str = r#"format: csv
delimiter: ","
person: fnr
on_error: skip
on_invalid: token
shift_days: 180
shift_birth_date: true
columns:
  fnr:        { action: synthetic_id }
  mor_fnr:    { action: synthetic_id }
  navn:       { action: token }
  fodt:       { action: shift_date }
  innlagt:    { action: shift_date, format: "%d.%m.%Y" }
  postnr:     { action: generalise, keep_digits: 2 }
  alder:      { action: age_band, width: 10, top: 90 }
  kommentar:  { action: suppress }
"#;

const JSONL_CONFIG: &str = r#"format: jsonl
person: patient.fnr
on_error: skip
columns:
  patient.fnr:      { action: synthetic_id }
  patient.navn:     { action: token }
  patient.fodt:     { action: shift_date }
  kontakter.dato:   { action: shift_date }
  kontakter.behandler.hpr: { action: token, canonical: id }
  notat:            { action: suppress, drop: true }
"#;

const CSV_SAMPLE: &[u8] = b"fnr,mor_fnr,navn,fodt,innlagt,postnr,alder,kommentar,diagnose\n\
15108695088,,Kari Nordmann,1986-10-15,03.02.2024,0150,37,\"Ringte,\nom natten\",J06.9\n\
31129956715,15108695088,Ola Nordmann,1999-12-31,04.02.2024,9008,24,,S52.5\n";

const JSONL_SAMPLE: &[u8] =
    b"{\"patient\":{\"fnr\":\"15108695088\",\"navn\":\"Kari Nordmann\",\"fodt\":\"1986-10-15\"},\
\"kontakter\":[{\"dato\":\"2024-02-03\",\"behandler\":{\"hpr\":\"1234567\"}}],\"notat\":\"x\"}\n";

/// The key every pseudonymisation target uses; the mapping corpus is
/// encrypted with it.
pub const KEY: &[u8] = b"fuzz-key-fuzz-key-fuzz-key-fuzz-key";

fn key() -> Key {
    // KEY is longer than Key::MIN_LEN, so this cannot fail.
    Key::from_bytes(KEY).unwrap_or_else(|_| unreachable!("the fuzz key is long enough"))
}

fn config(text: &str) -> &'static Config {
    static CSV: OnceLock<Option<Config>> = OnceLock::new();
    static JSONL: OnceLock<Option<Config>> = OnceLock::new();
    let cell = if text == CSV_CONFIG { &CSV } else { &JSONL };
    cell.get_or_init(|| Config::from_yaml(text).ok())
        .as_ref()
        .unwrap_or_else(|| unreachable!("the built-in fuzz configs are valid"))
}

fn pseudonymise_with(config: &Config, bytes: &[u8]) -> String {
    let mut out = Vec::new();
    let mut mapping = Vec::new();
    let options = RunOptions {
        mapping_out: Some(&mut mapping),
        threads: Some(1 + (fnv(bytes) % 3) as usize),
        ..RunOptions::default()
    };
    match pseudonymise::run(config, &key(), input(bytes), &mut out, options) {
        Ok(s) => format!("ok {} {} {}", s.rows_in.min(8), s.rows_skipped.min(8), s.warnings.len()),
        Err(e) => {
            let text = e.to_string();
            text.split(|c: char| c.is_ascii_digit() || c == ':')
                .next()
                .unwrap_or("")
                .to_owned()
        }
    }
}

fn pseudonymise_csv(bytes: &[u8]) -> String {
    pseudonymise_with(config(CSV_CONFIG), bytes)
}

fn pseudonymise_jsonl(bytes: &[u8]) -> String {
    pseudonymise_with(config(JSONL_CONFIG), bytes)
}

/// A configuration file, then a small run with it when it is accepted.
fn pseudonymise_config(bytes: &[u8]) -> String {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return "not utf-8".into();
    };
    let yaml = Config::from_yaml(text);
    let json = Config::from_json(text);
    match yaml.or(json) {
        Ok(config) => {
            let sample = match config.format {
                pseudonymise::Format::Csv => CSV_SAMPLE,
                pseudonymise::Format::Jsonl => JSONL_SAMPLE,
            };
            format!("ok {}", pseudonymise_with(&config, sample))
        }
        Err(e) => e.0.chars().take(40).collect(),
    }
}

fn mapping_reveal(bytes: &[u8]) -> String {
    match pseudonymise::mapping::read_entries(&key(), &mut Trickle { data: bytes, step: 7 }) {
        Ok(entries) => format!("{} entries", entries.len().min(8)),
        Err(e) => e.to_string().chars().take(30).collect(),
    }
}

fn risk_in(ext: &str, options: &RiskOptions, bytes: &[u8]) -> String {
    static DIR: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();
    let Some(dir) = DIR.get_or_init(|| tempfile::tempdir().ok()) else {
        return "no temp dir".into();
    };
    let path = dir.path().join(format!("input.{ext}"));
    if std::fs::write(&path, bytes).is_err() {
        return "cannot write".into();
    }
    match risk::run(options, &path) {
        Ok(report) => format!("ok {}", report.render_text().lines().count().min(16)),
        Err(e) => e.to_string().chars().take(30).collect(),
    }
}

fn risk_options(bytes: &[u8], quasi: &[&str], person: &str) -> RiskOptions {
    let h = fnv(bytes);
    let mut generalise = std::collections::BTreeMap::new();
    if h.is_multiple_of(2) {
        generalise.insert(quasi[0].to_owned(), risk::Generalisation::Prefix(2));
        generalise.insert(quasi[1].to_owned(), risk::Generalisation::Band(10));
    }
    RiskOptions {
        quasi_identifiers: quasi.iter().map(|&q| q.to_owned()).collect(),
        sensitive: Some("diagnose".into()),
        k: 2,
        on_malformed: if h.is_multiple_of(3) {
            OnMalformed::Fail
        } else {
            OnMalformed::Skip
        },
        person: if h.is_multiple_of(4) {
            risk::PersonColumn::Column(person.to_owned())
        } else {
            risk::PersonColumn::Detect
        },
        generalise,
        ..RiskOptions::default()
    }
}

fn risk_csv(bytes: &[u8]) -> String {
    risk_in("csv", &risk_options(bytes, &["postnr", "alder", "fodt"], "fnr"), bytes)
}

fn risk_jsonl(bytes: &[u8]) -> String {
    let options = risk_options(
        bytes,
        &["patient.postnr", "patient.alder", "patient.fodt"],
        "patient.fnr",
    );
    risk_in("jsonl", &options, bytes)
}

/// Every identifier and number parser that takes typed or imported text,
/// once per line.
fn identifiers(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut ok = 0;
    for line in text.lines() {
        ok += usize::from(etterlev_testdata::ids::parse_person(line).is_ok());
        ok += usize::from(etterlev_testdata::ids::is_valid_orgnr(line));
        ok += usize::from(etterlev_testdata::ids::is_valid_account(line));
        ok += usize::from(etterlev_core::OrgNumber::parse(line).is_ok());
        ok += usize::from(etterlev_core::secretariat::CaseNumber::parse(line).is_ok());
    }
    format!("{}", ok.min(8))
}
