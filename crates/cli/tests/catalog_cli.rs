//! `etterlev catalog …` run as a real process on the shipped catalogue and
//! on broken fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_etterlev");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(repo())
        .env_remove("ETTERLEV_DB")
        .output()
        .expect("spawn etterlev")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn check_passes_on_the_shipped_catalogue() {
    let o = run(&["catalog", "check", "catalog"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("no errors"), "{}", text(&o));
}

#[test]
fn check_reports_file_line_and_hint_and_exits_1() {
    let o = run(&[
        "catalog",
        "check",
        "crates/catalog/tests/fixtures/valid",
        "crates/catalog/tests/fixtures/broken/duplicate-id.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("broken/duplicate-id.yaml:14: error[duplicate-id]"),
        "{out}"
    );
    assert!(out.contains("hint: first used on line 13"), "{out}");
    let o = run(&[
        "catalog",
        "check",
        "--format",
        "json",
        "crates/catalog/tests/fixtures/broken/cycle.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json on stdout");
    assert_eq!(json["errors"][0]["code"], "cycle");
    assert_eq!(json["errors"][0]["line"], 13);
}

#[test]
fn check_of_a_missing_path_is_a_clear_error() {
    let o = run(&["catalog", "check", "no/such/folder"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("does not exist"), "{}", text(&o));
}

#[test]
fn diff_in_three_formats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = "crates/catalog/tests/fixtures/diff/demo-1.0.yaml";
    let new = "crates/catalog/tests/fixtures/diff/demo-2.0.yaml";
    let o = run(&["catalog", "diff", old, new]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out.contains("added 1, removed 1, changed 1, moved 1"), "{out}");
    let o = run(&["catalog", "diff", old, new, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json["summary"]["moved"], 1);
    let html = dir.path().join("diff.html");
    let html_arg = html.to_str().expect("utf-8 path");
    let o = run(&["catalog", "diff", old, new, "--format", "html", "--out", html_arg]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        std::fs::read_to_string(&html)
            .expect("html written")
            .contains("<del>Ledelsen</del>")
    );
    // An existing output file is not overwritten without --force.
    let o = run(&["catalog", "diff", old, new, "--format", "html", "--out", html_arg]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("--force"), "{}", text(&o));
}

#[test]
fn export_writes_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (format, magic) in [
        ("docx", &b"PK"[..]),
        ("xlsx", b"PK"),
        ("html", b"<!"),
        ("oscal", b"{"),
        ("json", b"{"),
    ] {
        let out = dir.path().join(format!("normen.{format}"));
        let o = run(&[
            "catalog",
            "export",
            "--format",
            format,
            "--catalog",
            "normen",
            "--out",
            out.to_str().expect("path"),
        ]);
        assert!(o.status.success(), "{format}: {}", text(&o));
        let bytes = std::fs::read(&out).expect("written");
        assert!(bytes.starts_with(magic), "{format} starts with {magic:?}");
    }
    let o = run(&[
        "catalog",
        "export",
        "--format",
        "docx",
        "--catalog",
        "nope",
        "--out",
        "/tmp/x.docx",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("known: "), "{}", text(&o));
}

#[test]
fn import_is_all_or_nothing_and_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite:{}", dir.path().join("t.db").display());
    let o = run(&["catalog", "import", "catalog", "--db", &db]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("imported  normen@"), "{}", text(&o));
    let o = run(&["catalog", "import", "catalog", "--db", &db]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("0 catalogue version(s) imported"), "{}", text(&o));
    // A broken set is refused before the database is touched.
    let o = run(&[
        "catalog",
        "import",
        "crates/catalog/tests/fixtures/broken/cycle.yaml",
        "--db",
        &db,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("cycle"), "{}", text(&o));
}

#[test]
fn oscal_export_imports_back_and_ciso_assistant_libraries_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite:{}", dir.path().join("t.db").display());
    let oscal = dir.path().join("nis2.json");
    let o = run(&[
        "catalog",
        "export",
        "--format",
        "oscal",
        "--catalog",
        "nis2",
        "--out",
        oscal.to_str().expect("path"),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&[
        "catalog",
        "import",
        "--format",
        "oscal",
        oscal.to_str().expect("path"),
        "--db",
        &db,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("imported  nis2@2022-2555"), "{}", text(&o));
    let o = run(&[
        "catalog",
        "import",
        "--format",
        "ciso",
        "crates/catalog/tests/fixtures/ciso/sample-framework.yaml",
        "--db",
        &db,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("1 catalogue version(s) imported"), "{}", text(&o));
    // Not an OSCAL document: refused with a message, nothing imported.
    let o = run(&[
        "catalog",
        "import",
        "--format",
        "oscal",
        "catalog/schema/catalog.schema.json",
        "--db",
        &db,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

#[test]
fn foreign_catalogues_keep_their_own_ids_unless_asked_to_join_a_version_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite:{}", dir.path().join("t.db").display());
    let o = run(&["catalog", "import", "catalog", "--db", &db]);
    assert!(o.status.success(), "{}", text(&o));
    let gdpr = "crates/catalog/tests/fixtures/foreign/ciso-gdpr-trimmed.yaml";
    // CISO Assistant's GDPR library is a catalogue of its own, not gdpr@2.
    let o = run(&["catalog", "import", "--format", "ciso", gdpr, "--db", &db]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("imported  intuitem-gdpr@2"), "{}", text(&o));
    // Any two of NIST's baselines, one after the other.
    for level in ["low", "moderate"] {
        let file = format!("crates/catalog/tests/fixtures/foreign/nist-rev5-{level}-trimmed.json");
        let o = run(&["catalog", "import", "--format", "oscal", &file, "--db", &db]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(
            text(&o).contains(&format!("imported  nist-sp-800-53-rev5-{level}-baseline@5.1.1-u4")),
            "{}",
            text(&o)
        );
    }
    // A library whose urn names a publisher `gdpr` would get the id `gdpr`:
    // refused, as that is another publisher's catalogue.
    let source = std::fs::read_to_string(repo().join(gdpr)).expect("fixture");
    let clash = dir.path().join("clash.yaml");
    std::fs::write(
        &clash,
        source.replace("urn:intuitem:risk:framework:gdpr", "urn:gdpr:risk:framework:gdpr"),
    )
    .expect("write");
    let clash = clash.to_str().expect("path");
    let o = run(&["catalog", "import", "--format", "ciso", clash, "--db", &db]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("--as-version-of gdpr"), "{}", text(&o));
    // Asked for, it joins: a new version of `gdpr`.
    let o = run(&[
        "catalog",
        "import",
        "--format",
        "ciso",
        gdpr,
        "--as-version-of",
        "gdpr",
        "--db",
        &db,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("imported  gdpr@2"), "{}", text(&o));
    let o = run(&[
        "catalog",
        "import",
        "--format",
        "ciso",
        gdpr,
        "--as-version-of",
        "Not An Id",
        "--db",
        &db,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

/// `check --summary` prints each catalogue's verified share against its
/// target; the shipped catalogues meet theirs, and the superseded Normen
/// edition from before numbering was recorded is not judged.
#[test]
fn check_summary_prints_verified_shares_and_targets() {
    let o = run(&["catalog", "check", "--summary", "catalog"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("target: normen 60% of content nodes, others 90% of all nodes"),
        "{out}"
    );
    assert!(!out.contains("BELOW TARGET"), "{out}");
    let normen = out
        .lines()
        .find(|l| l.starts_with("normen@6.0-r2 "))
        .unwrap_or_else(|| panic!("normen@6.0-r2 in:\n{out}"));
    assert!(
        normen.contains("of content") && normen.contains("reconstructed") && normen.contains("target met"),
        "{normen}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("normen@6.0 ") && l.ends_with("not judged")),
        "{out}"
    );

    let o = run(&["catalog", "check", "--summary", "--format", "json", "catalog"]);
    assert!(o.status.success(), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    let figures = json["summary"].as_array().expect("summary list");
    let normen = figures
        .iter()
        .find(|f| f["key"] == "normen@6.0-r2")
        .expect("normen in the summary");
    let (part, whole) = (
        normen["verified_content"].as_u64().unwrap_or(0),
        normen["content_nodes"].as_u64().unwrap_or(1),
    );
    assert!(part * 100 >= whole * 60, "{part}/{whole}");
    assert_eq!(normen["target_met"], true);
}

/// A published catalogue that breaks the fidelity rules fails the check,
/// and the summary still prints (so it helps while fixing).
#[test]
fn fidelity_rules_fail_the_check_and_the_summary_still_prints() {
    let o = run(&[
        "catalog",
        "check",
        "--summary",
        "crates/catalog/tests/fixtures/broken/verified-without-check.yaml",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("error[verified-without-check]"), "{out}");
    assert!(out.contains("verified-without-check@1"), "{out}");
}

/// `catalog sources` lists every address with the nodes citing it and the
/// date of its newest check.
#[test]
fn sources_list_addresses_with_citing_nodes_and_last_check() {
    let o = run(&["catalog", "sources", "catalog"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("source address(es)"), "{out}");
    let o = run(&["catalog", "sources", "--format", "json", "catalog"]);
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let list = list.as_array().expect("list");
    assert!(list.len() > 50, "{} addresses", list.len());
    let checked = list.iter().filter(|s| s["last_checked"].is_string()).count();
    assert!(checked > 20, "{checked} addresses with a check date");
    assert!(
        list.iter()
            .all(|s| s["cited_by"].as_array().is_some_and(|c| !c.is_empty()))
    );
    assert!(
        list.iter().any(|s| s["cited_by"].as_array().is_some_and(|c| c
            .iter()
            .any(|w| w.as_str().is_some_and(|w| w.starts_with("normen@6.0-r2 "))))),
        "Normen's nodes cite addresses"
    );
}
