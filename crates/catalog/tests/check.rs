//! `catalog check` behaviour on real files: every kind of error has a broken
//! fixture that says which error and line it expects, and no input panics.

use std::path::{Path, PathBuf};

use etterlev_catalog::{ChangeKind, Diagnostic, Profile, diff, filter, load_path, load_paths, parse_document};
use etterlev_core::{Condition, SizeClass, TenantKind};
use proptest::prelude::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The `# expect: <code> <line>` comment at the top of a broken fixture.
fn expectation(path: &Path) -> (String, u64) {
    let bytes = std::fs::read(path).expect("fixture is readable");
    let first = String::from_utf8_lossy(&bytes)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let rest = first
        .strip_prefix("# expect: ")
        .unwrap_or_else(|| panic!("{} lacks an expect line", path.display()));
    let (code, line) = rest.split_once(' ').expect("expect line is `<code> <line>`");
    (code.to_owned(), line.trim().parse().expect("line number"))
}

#[test]
fn valid_fixtures_load() {
    let set = load_path(&fixtures().join("valid")).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(set.catalogs.len(), 2);
    assert_eq!(set.mappings.len(), 1);
}

#[test]
fn each_broken_fixture_reports_its_error_at_its_line() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join("broken"))
        .expect("broken fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 15, "one fixture per kind of error");
    let mut codes = std::collections::BTreeSet::new();
    for file in files {
        let (code, line) = expectation(&file);
        let diagnostics = load_paths(&[fixtures().join("valid"), file.clone()])
            .err()
            .unwrap_or_else(|| panic!("{} loaded without error", file.display()));
        let hit = diagnostics.iter().find(|d| d.code == code && d.line == Some(line));
        assert!(
            hit.is_some(),
            "{}: expected {code} at line {line}, got:\n{}",
            file.display(),
            diagnostics
                .iter()
                .map(Diagnostic::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
        let hit = hit.expect("checked above");
        assert!(
            hit.file
                .ends_with(file.file_name().and_then(|f| f.to_str()).unwrap_or_default())
        );
        assert!(!hit.hint.is_empty(), "{code} has a hint");
        codes.insert(code);
    }
    for code in [
        "yaml",
        "encoding",
        "schema-id",
        "schema",
        "duplicate-id",
        "dangling-parent",
        "dangling-related",
        "cycle",
        "empty-text",
        "bad-nesting",
        "replaces-live-id",
        "duplicate-catalog",
        "dangling-mapping",
        "unknown-catalog",
        "duplicate-entry",
    ] {
        assert!(codes.contains(code), "no broken fixture covers {code}");
    }
}

#[test]
fn schema_error_for_unquoted_version_explains_quoting() {
    let d = load_paths(&[fixtures().join("broken/unquoted-version.yaml")]).expect_err("fails");
    assert!(d[0].message.contains("/version"), "{}", d[0]);
    assert!(d[0].hint.contains("quote"), "{}", d[0].hint);
}

#[test]
fn diff_of_two_versions_finds_each_kind_of_change() {
    let set = load_path(&fixtures().join("diff")).unwrap_or_else(|d| panic!("{d:#?}"));
    let old = set.catalog("demo@1.0").expect("v1");
    let new = set.catalog("demo@2.0").expect("v2");
    let d = diff(old, new);
    let ids = |kind| d.of_kind(kind).map(|e| e.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(ChangeKind::Added), ["2-d"]);
    assert_eq!(ids(ChangeKind::Removed), ["2-b"]);
    assert_eq!(ids(ChangeKind::Changed), ["1-a"]);
    assert_eq!(ids(ChangeKind::Moved), ["2-c"]);
    let moved = d.of_kind(ChangeKind::Moved).next().expect("moved");
    assert_eq!(moved.previous_id.as_deref(), Some("1-c"));
    let changed = d.of_kind(ChangeKind::Changed).next().expect("changed");
    let text = changed.fields.iter().find(|f| f.field == "text").expect("text changed");
    assert!(
        text.segments
            .iter()
            .any(|s| s.op == "insert" && s.text.contains("dokumentere"))
    );
    // Unchanged nodes are not listed, and a version compared with itself is empty.
    assert!(d.entries.iter().all(|e| e.id != "2-a" && e.id != "1-b"));
    assert!(diff(old, old).is_empty());
    insta::assert_snapshot!("diff_text", d.to_text());
    let json = serde_json::to_value(&d).expect("json");
    assert_eq!(json["summary"]["added"], 1);
    assert!(d.to_html().contains("<ins>"));
}

#[test]
fn applicability_differs_by_size_and_says_why() {
    let set = load_path(&fixtures().join("diff")).unwrap_or_else(|d| panic!("{d:#?}"));
    let catalog = set.catalog("demo@1.0").expect("v1");
    let gp = filter(
        catalog,
        &Profile::new(TenantKind::GpOffice, SizeClass::from_staff(5), []),
    );
    let trust = filter(
        catalog,
        &Profile::new(TenantKind::HospitalTrust, SizeClass::Large, [Condition::PublicBody]),
    );
    assert_eq!(trust.applicable.len(), 5);
    assert_eq!(gp.applicable.len(), 4);
    let (node, reasons) = &gp.excluded[0];
    assert_eq!(node.id, "1-b");
    assert!(matches!(&reasons[0], etterlev_catalog::Exclusion::Size { rule_from, .. } if rule_from == "1-b"));
}

fn valid_bytes() -> Vec<u8> {
    std::fs::read(fixtures().join("diff/demo-2.0.yaml")).expect("fixture")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Arbitrary bytes never panic the loader.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_document("fuzz.yaml", &bytes);
    }

    /// A valid file with a slice cut out, bytes overwritten or a chunk
    /// duplicated gives errors or a catalogue, never a panic.
    #[test]
    fn mutated_valid_files_never_panic(
        cut in 0usize..3000, len in 0usize..200, flip in 0usize..3000, byte in any::<u8>(), dup in 0usize..3000,
    ) {
        let mut bytes = valid_bytes();
        let n = bytes.len();
        let at = flip % n;
        bytes[at] = byte;
        let start = cut % n;
        let end = (start + len).min(n);
        let chunk: Vec<u8> = bytes[start..end].to_vec();
        bytes.drain(start..end);
        let pos = dup % bytes.len().max(1);
        bytes.splice(pos..pos, chunk);
        if let Err(diagnostics) = parse_document("mutated.yaml", &bytes) {
            prop_assert!(!diagnostics.is_empty());
        }
    }
}

#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(parse_document("deep.yaml", deep.as_bytes()).is_err());
    let aliases = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    assert!(parse_document("laughs.yaml", aliases.as_bytes()).is_err());
}

fn real_catalog_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog")
}

/// The shipped catalogue set loads without a single error.
#[test]
fn shipped_catalogues_load_and_validate() {
    let set = load_path(&real_catalog_dir())
        .unwrap_or_else(|d| panic!("{}", d.iter().map(Diagnostic::to_string).collect::<Vec<_>>().join("\n")));
    for id in [
        "normen",
        "nis2",
        "gdpr",
        "digitalsikkerhetsloven",
        "fa31",
        "fa43",
        "fa59",
        "test-utvikling",
    ] {
        assert!(set.catalog(id).is_some(), "catalogue {id} is shipped");
    }
    let normen = set.catalog("normen").expect("normen");
    assert!(
        normen.assessable().count() >= 80,
        "Normen has all its chapters' requirements"
    );
    for node in normen.assessable() {
        assert!(!node.references.is_empty(), "{} has a source reference", node.id);
    }
}

/// Every published catalogue meets its verification target (Normen 60 % of
/// its content nodes, every other catalogue 90 % of its nodes), every node
/// cites a source, and Normen marks its numbers as ours where they are.
#[test]
fn shipped_catalogues_meet_their_verification_targets() {
    let set = load_path(&real_catalog_dir()).unwrap_or_else(|d| panic!("{d:#?}"));
    let all: Vec<&etterlev_catalog::Catalog> = set.catalogs.iter().collect();
    let figures = etterlev_catalog::fidelity::summary(&all);
    for f in figures.iter().filter(|f| f.judged) {
        assert!(
            f.target_met,
            "{}: {} % verified, target {} %",
            f.key, f.percent, f.target_percent
        );
    }
    let normen = set.catalog("normen").expect("normen");
    assert_eq!(normen.numbering, Some(etterlev_catalog::Numbering::Reconstructed));
    for id in [
        "veileder-risikostyring",
        "veileder-internkontroll",
        "veileder-tilgangsstyring",
        "veileder-fjernaksess",
        "veileder-leverandor",
        "veileder-sky",
        "veileder-medisinsk-utstyr",
        "helseregistre",
    ] {
        let f = figures
            .iter()
            .find(|f| f.key.starts_with(&format!("{id}@")))
            .unwrap_or_else(|| panic!("{id} is shipped"));
        assert!(f.judged, "{id} is judged");
    }
    // Fact sheet 31 ships in two editions, and they differ for real.
    let fa31: Vec<_> = set.catalogs.iter().filter(|c| c.id == "fa31").collect();
    assert_eq!(fa31.len(), 2, "two editions of fact sheet 31");
    let d = etterlev_catalog::diff(fa31[0], fa31[1]);
    assert!(!d.entries.is_empty(), "the editions differ");
    // Chapters built from other documents are no longer presented as Normen's.
    for moved in ["10", "14", "15", "16"] {
        assert!(
            normen.node(moved).is_none(),
            "Normen chapter {moved} moved to its own catalogue"
        );
    }
}

/// The issue's acceptance check: a GP office with five staff gets fewer
/// Normen requirements than a large hospital trust, and each one left out
/// has a reason that names the rule.
#[test]
fn gp_office_gets_fewer_normen_requirements_than_a_hospital_trust() {
    let set = load_path(&real_catalog_dir()).unwrap_or_else(|d| panic!("{d:#?}"));
    let normen = set.catalog("normen").expect("normen");
    let gp = Profile::new(
        TenantKind::GpOffice,
        SizeClass::from_staff(5),
        [Condition::ConnectedToHealthNetwork],
    );
    let trust = Profile::new(
        TenantKind::HospitalTrust,
        SizeClass::from_staff(12_000),
        Condition::ALL.iter().copied(),
    );
    let for_gp = filter(normen, &gp);
    let for_trust = filter(normen, &trust);
    assert!(
        for_gp.applicable.len() < for_trust.applicable.len(),
        "GP office {} vs hospital trust {}",
        for_gp.applicable.len(),
        for_trust.applicable.len()
    );
    // Each exclusion explains itself. (The sets need not nest: Normen has
    // duties only small enterprises have, e.g. assessing whether they need a
    // data protection officer.)
    let by_size = for_gp
        .excluded
        .iter()
        .filter(|(_, r)| r.iter().any(|r| matches!(r, etterlev_catalog::Exclusion::Size { .. })))
        .count();
    assert!(by_size > 0, "some Normen requirements apply only to larger enterprises");
    for (node, reasons) in &for_gp.excluded {
        assert!(!reasons.is_empty(), "{} is excluded for a reason", node.id);
        println!(
            "not for a GP office: {} {} — {:?}",
            node.label(),
            node.title.nb,
            reasons
        );
    }
    println!(
        "GP office: {} of {} apply; hospital trust: {}",
        for_gp.applicable.len(),
        normen.assessable().count(),
        for_trust.applicable.len()
    );
}

/// The small-enterprise path for a GP office: about 30 plain-language
/// questions from Normen, every one applicable to the office.
#[test]
fn wizard_for_a_gp_office_has_about_thirty_applicable_questions() {
    let set = load_path(&real_catalog_dir()).unwrap_or_else(|d| panic!("{d:#?}"));
    let normen = set.catalog("normen").expect("normen");
    let gp = Profile::new(
        TenantKind::GpOffice,
        SizeClass::from_staff(5),
        [Condition::ConnectedToHealthNetwork],
    );
    let questions = etterlev_catalog::wizard::questions(normen, &gp, etterlev_catalog::wizard::DEFAULT_LENGTH);
    assert!((25..=30).contains(&questions.len()), "{} questions", questions.len());
    for q in &questions {
        assert!(
            etterlev_catalog::exclusions(normen, q.node, &gp).is_empty(),
            "{} applies",
            q.node.id
        );
        assert!(
            q.node.question.as_ref().and_then(|x| x.en.as_ref()).is_some(),
            "{} has English",
            q.node.id
        );
    }
}

/// NIS2 applies to those the law covers: a large hospital trust gets every
/// NIS2 requirement from its kind and size alone; for a small GP office
/// nothing applies, and every one of them is "prepare" (excluded only for
/// lack of NIS2 status), never "does not apply".
#[test]
fn nis2_applies_to_covered_enterprises_and_is_prepare_for_the_rest() {
    use etterlev_catalog::applies::prepare_only;
    let set = load_path(&real_catalog_dir()).unwrap_or_else(|d| panic!("{d:#?}"));
    let nis2 = set.catalog("nis2").expect("nis2");
    let total = nis2.assessable().count();
    assert!(total >= 20, "{total}");
    let trust = Profile::for_enterprise(TenantKind::HospitalTrust, SizeClass::Large, []);
    assert_eq!(filter(nis2, &trust).applicable.len(), total);
    let gp = Profile::for_enterprise(TenantKind::GpOffice, SizeClass::Micro, [Condition::UsesCloudServices]);
    let for_gp = filter(nis2, &gp);
    assert!(for_gp.applicable.is_empty());
    assert_eq!(for_gp.excluded.len(), total);
    assert!(for_gp.excluded.iter().all(|(_, r)| prepare_only(r)));
    // Normen's own rules do not depend on NIS2 status: the derived condition
    // changes nothing there.
    let normen = set.catalog("normen").expect("normen");
    let raw = Profile::new(TenantKind::HospitalTrust, SizeClass::Large, []);
    assert_eq!(
        filter(normen, &raw).applicable.len(),
        filter(normen, &trust).applicable.len()
    );
}

/// catalog/VERIFICATION.md lists every unverified node of every judged
/// catalogue (with what is missing), so the list cannot fall behind.
#[test]
fn verification_file_lists_every_unverified_node() {
    let set = load_path(&real_catalog_dir()).unwrap_or_else(|d| panic!("{d:#?}"));
    let doc = std::fs::read_to_string(real_catalog_dir().join("VERIFICATION.md")).expect("VERIFICATION.md");
    let all: Vec<&etterlev_catalog::Catalog> = set.catalogs.iter().collect();
    for f in etterlev_catalog::fidelity::summary(&all).iter().filter(|f| f.judged) {
        let heading = format!("### {} (", f.key);
        let Some(start) = doc.find(&heading) else {
            assert!(f.unverified.is_empty(), "{} has unverified nodes but no section", f.key);
            continue;
        };
        let section = &doc[start..];
        let section = &section[..section[4..].find("\n### ").map_or(section.len(), |e| e + 4)];
        for id in &f.unverified {
            assert!(section.contains(&format!("| `{id}` |")), "{} {id} is listed", f.key);
        }
    }
}

/// The Normen ↔ NIS2 mapping maps every NIS2 paragraph (each node that is
/// not a heading), names the five areas the Normen secretariat listed as not
/// covered with their source, puts entries in each, and never claims that
/// Normen covers backup.
#[test]
fn the_nis2_mapping_covers_every_paragraph_and_marks_the_five_gap_areas() {
    let set = load_path(&real_catalog_dir()).unwrap_or_else(|d| panic!("{d:#?}"));
    let mapping = set
        .mappings
        .iter()
        .find(|m| m.id == "normen-nis2")
        .expect("the mapping");
    let nis2 = set.catalog(&mapping.to.key()).expect("nis2");
    for node in nis2.nodes.iter().filter(|n| !n.kind.is_structural()) {
        assert!(
            mapping.entries.iter().any(|e| e.to == node.id),
            "NIS2 {} is mapped",
            node.id
        );
    }
    for id in ["art20.1", "art20.2", "art23.2"] {
        assert!(mapping.entries.iter().any(|e| e.to == id), "{id} is mapped");
    }
    assert_eq!(mapping.gap_areas.len(), 5, "five named gap areas");
    for area in &mapping.gap_areas {
        assert!(!area.source.title.is_empty(), "{} names its source", area.id);
        assert!(
            mapping.entries.iter().any(|e| e.gap_area.as_ref() == Some(&area.id)),
            "{} has entries",
            area.id
        );
    }
    // Backup (Art. 21(2)(c)) is not claimed as covered: nothing maps to it
    // as equal or superset.
    assert!(
        !mapping.entries.iter().any(|e| e.to == "art21.2.c"
            && matches!(
                e.relation,
                etterlev_catalog::Relation::Equal | etterlev_catalog::Relation::Superset
            )),
        "continuity and backup are not covered by Normen"
    );
    assert_eq!(mapping.from.key(), "normen@6.0-r2", "maps the current Normen");
}

/// The shipped threat picture names the actors and threats the sector's
/// threat assessments name, has every scenario template risk assessments
/// start from, points only at requirements that exist, and is verified
/// like the catalogues (90 %).
#[test]
fn the_threat_picture_has_its_actors_threats_and_scenarios() {
    let set = load_path(&real_catalog_dir()).unwrap_or_else(|d| panic!("{d:#?}"));
    let t = set
        .threats
        .iter()
        .find(|t| t.id == "threats-health")
        .expect("the threat picture");
    let ids = |list: Vec<&str>| {
        list.into_iter()
            .map(str::to_owned)
            .collect::<std::collections::BTreeSet<_>>()
    };
    let actors = ids(t.actors.iter().map(|a| a.entry.id.as_str()).collect());
    for id in [
        "organised-crime",
        "state-actors",
        "hacktivists",
        "insiders",
        "suppliers",
        "opportunists",
    ] {
        assert!(actors.contains(id), "actor {id}");
    }
    let other = ids(t.non_intentional.iter().map(|n| n.id.as_str()).collect());
    for id in [
        "human-error",
        "technical-failure",
        "supplier-outage",
        "power-and-network-loss",
    ] {
        assert!(other.contains(id), "threat {id}");
    }
    for id in [
        "ransomware-record",
        "phishing-account-takeover",
        "supplier-remote-access-misused",
        "stale-medication-copy",
        "home-medical-device",
        "record-snooping",
        "helsenett-outage",
        "cloud-outage",
        "transfer-outside-eea",
    ] {
        let s = t.scenario(id).unwrap_or_else(|| panic!("scenario {id}"));
        assert!(!s.addressed_by.is_empty(), "{id} names what addresses it");
    }
    let (verified, all) = t.verified_share();
    assert!(verified * 100 >= all * 90, "{verified}/{all} verified");
}

/// A scenario that names a requirement the newest version of its catalogue
/// does not have, or a threat that does not exist, fails the check.
#[test]
fn a_scenario_naming_a_missing_requirement_or_threat_fails() {
    let picture = |threats: &str, node: &str| {
        format!(
            r#"schema: etterlev/threats/v1
id: bad-threats
version: "1"
title: {{ nb: Dårlig trusselbilde }}
publisher: test
date: "2026-12-07"
status: fixture
source: [{{ kind: other, title: Test, url: "https://example.org/" }}]
actors: []
non_intentional:
  - id: human-error
    title: {{ nb: Feil }}
    text: {{ nb: Folk gjør feil. }}
    references: [{{ kind: other, title: Test, url: "https://example.org/" }}]
    verified: false
scenarios:
  - id: broken
    title: {{ nb: Brutt }}
    text: {{ nb: Peker feil. }}
    threats: [{threats}]
    consequences: {{ patient_safety: {{ nb: Skade. }} }}
    addressed_by: [{{ catalog: normen, node: "{node}" }}]
    references: [{{ kind: other, title: Test, url: "https://example.org/" }}]
    verified: false
"#
        )
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bad-threats.yaml");
    let run = |yaml: String| {
        std::fs::write(&file, yaml).expect("write");
        load_paths(&[real_catalog_dir(), file.clone()]).expect_err("fails")
    };
    let d = run(picture("human-error, ghost", "2.1-a"));
    assert!(d.iter().any(|d| d.code == "dangling-threat"), "{d:?}");
    let d = run(picture("human-error", "99.9-z"));
    let hit = d
        .iter()
        .find(|d| d.code == "dangling-requirement")
        .unwrap_or_else(|| panic!("{d:?}"));
    assert_eq!(hit.line, Some(17), "points at the scenario: {hit}");
    // The same file with real ids loads.
    std::fs::write(&file, picture("human-error", "2.1-a")).expect("write");
    load_paths(&[real_catalog_dir(), file.clone()]).unwrap_or_else(|d| panic!("{d:?}"));
}
