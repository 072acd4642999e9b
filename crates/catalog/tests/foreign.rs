//! Foreign catalogues (NIST's OSCAL baselines, CISO Assistant libraries):
//! ids that keep their origin, the source language kept as such, withdrawn
//! controls, parameters filled in. The files are trimmed copies with their
//! real metadata (`tests/fixtures/foreign/README.md`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use etterlev_catalog::{Catalog, LocalText, NodeKind, from_ciso_assistant, from_oscal, to_oscal};

fn foreign(name: &str) -> Vec<u8> {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/foreign")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn oscal(name: &str) -> Catalog {
    from_oscal(&foreign(name)).unwrap_or_else(|d| panic!("{name}: {d:#?}"))
}

fn ciso(name: &str) -> Catalog {
    let mut list = from_ciso_assistant(name, &foreign(name)).unwrap_or_else(|d| panic!("{name}: {d:#?}"));
    assert_eq!(list.len(), 1, "{name}");
    list.remove(0)
}

const BASELINES: [(&str, &str); 4] = [
    ("nist-rev5-low-trimmed.json", "nist-sp-800-53-rev5-low-baseline"),
    (
        "nist-rev5-moderate-trimmed.json",
        "nist-sp-800-53-rev5-moderate-baseline",
    ),
    ("nist-rev5-high-trimmed.json", "nist-sp-800-53-rev5-high-baseline"),
    ("nist-rev5-privacy-trimmed.json", "nist-sp-800-53-rev5-privacy-baseline"),
];

#[test]
fn the_four_rev5_baselines_get_four_ids_that_name_their_origin() {
    let mut seen = HashSet::new();
    for (file, id) in BASELINES {
        let catalog = oscal(file);
        assert_eq!(catalog.id, id, "{file}");
        assert_eq!(catalog.version, "5.1.1-u4", "{file}");
        assert!(seen.insert(catalog.key()), "{file}: {} twice", catalog.key());
        // The same file gives the same id every time.
        assert_eq!(oscal(file).id, id);
    }
    assert!(oscal("nist-rev4-withdrawn-trimmed.json").id.len() <= 40);
}

#[test]
fn ciso_libraries_get_publisher_and_reference_never_an_etterlev_id() {
    let gdpr = ciso("ciso-gdpr-trimmed.yaml");
    assert_eq!(gdpr.key(), "intuitem-gdpr@2");
    assert_ne!(gdpr.id, "gdpr", "etterlev's own GDPR catalogue is `gdpr`");
    assert_eq!(
        ciso("ciso-anssi-hygiene-fr-trimmed.yaml").id,
        "intuitem-anssi-guide-hygiene"
    );
    let bsi = ciso("ciso-bsi-cloud-de-trimmed.yaml");
    assert_eq!(bsi.id, "intuitem-bsi-externer-cloud-dienste");

    // No foreign id equals the id of a catalogue shipped in `catalog/`.
    let ours = etterlev_catalog::load_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog"))
        .unwrap_or_else(|d| panic!("{d:#?}"));
    let our_ids: HashSet<&str> = ours.catalogs.iter().map(|c| c.id.as_str()).collect();
    assert!(our_ids.contains("gdpr"));
    for c in [gdpr, bsi] {
        assert!(!our_ids.contains(c.id.as_str()), "{}", c.id);
    }
}

#[test]
fn french_and_german_texts_keep_their_language_and_are_never_bokmal() {
    let fr = ciso("ciso-anssi-hygiene-fr-trimmed.yaml");
    assert_eq!(fr.languages, ["fr", "en"]);
    assert_eq!(fr.source_language(), Some("fr"));
    let n1 = fr.node("1").expect("node 1");
    assert_eq!(n1.title, LocalText::original("fr", "Former les équipes", None));
    assert_eq!(n1.title.nb, "");
    // Pages in bokmål show the original, and know that it is French.
    assert_eq!(n1.title.get("nb"), "Former les équipes");
    assert_eq!(n1.title.shown_lang("nb"), "fr");
    let n2 = fr.node("2").expect("node 2");
    assert_eq!(
        n2.text,
        Some(LocalText::original(
            "fr",
            "Chaque utilisateur connaît les règles de sécurité de base.",
            Some("Every user knows the basic security rules.".into())
        ))
    );
    assert_eq!(n2.text.as_ref().map(|t| t.shown_lang("nb")), Some("en"));
    assert!(
        fr.nodes.iter().all(|n| n.title.nb.is_empty()),
        "no French in the bokmål field"
    );

    let de = ciso("ciso-bsi-cloud-de-trimmed.yaml");
    assert_eq!(de.languages, ["de"]);
    let chapter = de.node("NCD.2.1.01").expect("chapter");
    assert_eq!(
        chapter.title,
        LocalText::original("de", "Strategie für die Cloud-Nutzung", None)
    );
    let requirement = de.node("NCD.2.1.01.a").expect("requirement");
    assert_eq!(
        requirement.title,
        LocalText::new("NCD.2.1.01.a", None),
        "no name: its number"
    );
    assert!(
        requirement
            .text
            .as_ref()
            .is_some_and(|t| t.nb.is_empty() && t.orig.as_ref().is_some_and(|o| o.lang == "de"))
    );

    // And they come back unchanged through an OSCAL export.
    for c in [fr, de] {
        let json = serde_json::to_vec(&to_oscal(&c, "2026-11-24T12:00:00Z")).expect("json");
        assert_eq!(from_oscal(&json).unwrap_or_else(|d| panic!("{d:#?}")), c, "{}", c.key());
    }
}

#[test]
fn withdrawn_controls_are_marked_and_not_requirements() {
    let rev4 = oscal("nist-rev4-withdrawn-trimmed.json");
    let ac13 = rev4.node("ac-13").expect("ac-13");
    assert!(ac13.withdrawn);
    assert_eq!(ac13.kind, NodeKind::Guidance);
    assert_eq!(
        ac13.text.as_ref().map(|t| t.get("en")),
        Some("Withdrawn; incorporated into ac-2, au-6.")
    );
    let ac14 = rev4.node("ac-14").expect("ac-14");
    assert!(!ac14.withdrawn);
    assert_eq!(ac14.kind, NodeKind::Requirement);
    assert_eq!(rev4.assessable().count(), 1, "only AC-14 is answered for");

    let json = serde_json::to_vec(&to_oscal(&rev4, "2026-11-24T12:00:00Z")).expect("json");
    assert_eq!(from_oscal(&json).unwrap_or_else(|d| panic!("{d:#?}")), rev4);
}

#[test]
fn parameters_are_filled_in_as_nist_renders_them() {
    for (file, _) in BASELINES {
        let catalog = oscal(file);
        for node in &catalog.nodes {
            let text = node.text.as_ref().map(|t| t.get("en")).unwrap_or_default();
            assert!(!text.contains("{{"), "{file} {}: {text}", node.id);
        }
    }
    let moderate = oscal("nist-rev5-moderate-trimmed.json");
    let ac7 = moderate.node("ac-7").expect("ac-7");
    let text = ac7.text.as_ref().map(|t| t.get("en")).unwrap_or_default();
    assert!(
        text.contains("[Selection (one or more): lock the account or node for [Assignment: time period]; lock the account or node until released by an administrator; delay next logon prompt per [Assignment: delay algorithm]; notify system administrator; take other [Assignment: action]]"),
        "{text}"
    );
    assert!(
        text.contains("Enforce a limit of [Assignment: number] consecutive invalid logon attempts"),
        "{text}"
    );
}

/// Files from outside are read with limits on nesting and on what aliases
/// expand to: a hostile file is an error with a message, not a crash, a
/// stack overflow or gigabytes of memory.
#[test]
fn hostile_nesting_and_alias_bombs_are_errors() {
    let deep_yaml = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(from_ciso_assistant("deep.yaml", deep_yaml.as_bytes()).is_err());
    let mut laughs = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        laughs.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let errors = from_ciso_assistant("laughs.yaml", laughs.as_bytes()).expect_err("refused");
    assert!(!errors.is_empty());

    let deep_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(from_oscal(deep_json.as_bytes()).is_err());
    let deep_object = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
    assert!(from_oscal(deep_object.as_bytes()).is_err());
}
