//! Every OSCAL export validates against NIST's official OSCAL catalog JSON
//! Schema (`catalog/schema/oscal/oscal_catalog_schema.json`, see the
//! LICENSE.md beside it for where it comes from), checked by an independent
//! validator: Python's `check-jsonschema`, run as a subprocess.
//!
//! Exported: every catalogue under `catalog/`, every catalogue fixture, the
//! foreign OSCAL sample and the CISO Assistant sample after import. The
//! foreign sample is also validated as it is, so the import tests run on a
//! realistic document.
//!
//! Without `check-jsonschema` the test says SKIPPED and passes, except with
//! `CI=true`, where it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use etterlev_catalog::{Catalog, Document, from_ciso_assistant, from_oscal, parse_document, to_oscal};
use serde_json::Value;

const GENERATED_AT: &str = "2026-11-24T12:00:00+01:00";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema_path() -> PathBuf {
    root().join("catalog/schema/oscal/oscal_catalog_schema.json")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `(name, catalogue)` for every catalogue file under `dir` that parses;
/// files that do not are the loader tests' business.
fn catalogs_under(dir: &Path) -> Vec<(String, Catalog)> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                dirs.push(p);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
                files.push(p);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            match parse_document(&p.display().to_string(), &bytes) {
                Ok(Document::Catalog(c)) => Some((p.display().to_string(), c)),
                _ => None,
            }
        })
        .collect()
}

/// Every document that must validate, as `(file name, JSON)`.
fn documents() -> Vec<(String, Value)> {
    let mut catalogs = catalogs_under(&root().join("catalog"));
    let real = catalogs.len();
    catalogs.extend(catalogs_under(&fixtures()));
    assert!(catalogs.len() > real, "the fixtures are found");

    let foreign = std::fs::read(fixtures().join("oscal/foreign-sp800-53-sample.json")).expect("foreign sample");
    let imported = from_oscal(&foreign).unwrap_or_else(|d| panic!("{d:#?}"));
    catalogs.push(("foreign OSCAL sample, imported".into(), imported));
    let ciso = std::fs::read(fixtures().join("ciso/sample-framework.yaml")).expect("CISO sample");
    for c in from_ciso_assistant("sample-framework.yaml", &ciso).unwrap_or_else(|d| panic!("{d:#?}")) {
        catalogs.push((format!("CISO Assistant sample {}, imported", c.id), c));
    }

    let mut out: Vec<(String, Value)> = catalogs
        .iter()
        .enumerate()
        .map(|(i, (name, c))| (format!("{i:03}-{}.json", c.id), name, to_oscal(c, GENERATED_AT)))
        .map(|(file, name, json)| {
            println!("{file}: {name}");
            (file, json)
        })
        .collect();
    out.push((
        "foreign-sample.json".into(),
        serde_json::from_slice(&foreign).expect("sample is JSON"),
    ));
    out
}

/// The check-jsonschema command, if one is installed.
fn checker() -> Option<Vec<String>> {
    let candidates: [&[&str]; 2] = [&["check-jsonschema"], &["python3", "-m", "check_jsonschema"]];
    candidates.into_iter().find_map(|c| {
        let ok = Command::new(c[0])
            .args(&c[1..])
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| c.iter().map(|s| s.to_string()).collect())
    })
}

#[test]
fn exports_validate_against_the_official_oscal_schema() {
    let docs = documents();
    let Some(command) = checker() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("check-jsonschema is not installed, and CI=true requires this check (pip install check-jsonschema)");
        }
        println!("SKIPPED: check-jsonschema not installed (pip install check-jsonschema)");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for (name, json) in &docs {
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(json).expect("serialises")).expect("write");
        files.push(path);
    }
    let output = Command::new(&command[0])
        .args(&command[1..])
        .arg("--schemafile")
        .arg(schema_path())
        .args(&files)
        .output()
        .expect("check-jsonschema runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{report}");
    assert!(
        output.status.success(),
        "OSCAL schema validation failed for files in {}:\n{report}",
        dir.path().display()
    );
    assert!(report.contains("ok"), "unexpected checker output: {report}");

    // The checker really applies the schema's Unicode patterns: a control
    // id that starts with a digit, as ours may, is rejected.
    let bad = dir.path().join("bad-digit-id.json");
    std::fs::write(&bad, serde_json::to_vec(&digit_led_control()).expect("serialises")).expect("write");
    let output = Command::new(&command[0])
        .args(&command[1..])
        .arg("--schemafile")
        .arg(schema_path())
        .arg(&bad)
        .output()
        .expect("check-jsonschema runs");
    assert!(!output.status.success(), "a digit-led control id must fail validation");
}

/// The foreign sample with a control id our node ids may have but OSCAL's
/// may not.
fn digit_led_control() -> Value {
    let foreign = std::fs::read(fixtures().join("oscal/foreign-sp800-53-sample.json")).expect("foreign sample");
    let mut json: Value = serde_json::from_slice(&foreign).expect("sample is JSON");
    json["catalog"]["groups"][0]["controls"][0]["id"] = Value::from("2.1-a");
    json
}

/// A second opinion from the Rust `jsonschema` crate, which compiles the
/// official schema's Unicode patterns too.
#[test]
fn exports_validate_with_the_jsonschema_crate() {
    let schema: Value =
        serde_json::from_slice(&std::fs::read(schema_path()).expect("schema file")).expect("schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    for (name, json) in documents() {
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{}: {}", e.instance_path(), e))
            .take(20)
            .collect();
        assert!(errors.is_empty(), "{name}:\n{}", errors.join("\n"));
    }
    assert!(
        !validator.is_valid(&digit_led_control()),
        "a digit-led control id must fail validation"
    );
}
