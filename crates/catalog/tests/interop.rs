//! OSCAL and CISO Assistant interchange: our exports come back equal, foreign
//! catalogs import with sensible defaults, and no input panics.

use std::path::{Path, PathBuf};

use etterlev_catalog::load::check;
use etterlev_catalog::oscal::{ETTERLEV_NS, OSCAL_VERSION};
use etterlev_catalog::{
    Catalog, CatalogStatus, Document, LocalText, Node, NodeKind, ReferenceKind, from_ciso_assistant, from_oscal,
    parse_catalog, parse_document, to_oscal,
};
use proptest::prelude::*;
use serde_json::{Value, json};

const GENERATED_AT: &str = "2026-11-24T12:00:00Z";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn roundtrip_fixture() -> Catalog {
    let path = fixtures().join("oscal/roundtrip.yaml");
    parse_catalog("roundtrip.yaml", &read(&path)).unwrap_or_else(|d| panic!("{d:#?}"))
}

fn foreign_bytes() -> Vec<u8> {
    read(&fixtures().join("oscal/foreign-sp800-53-sample.json"))
}

fn ciso_bytes() -> Vec<u8> {
    read(&fixtures().join("ciso/sample-framework.yaml"))
}

fn round_trip(catalog: &Catalog) -> Catalog {
    let exported = to_oscal(catalog, GENERATED_AT);
    let bytes = serde_json::to_vec_pretty(&exported).expect("serialises");
    from_oscal(&bytes).unwrap_or_else(|d| panic!("{} does not import again: {d:#?}", catalog.key()))
}

/// Every catalogue file under `dir`, parsed; files that do not parse are
/// left to the loader's own tests.
fn catalogs_under(dir: &Path) -> Vec<Catalog> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                dirs.push(p);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
                && let Ok(Document::Catalog(c)) = parse_document(&p.display().to_string(), &read(&p))
            {
                out.push(c);
            }
        }
    }
    out
}

fn is_token(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Every value under the key `key`, anywhere in the document.
fn all_values<'v>(value: &'v Value, key: &str, out: &mut Vec<&'v Value>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == key {
                    out.push(v);
                }
                all_values(v, key, out);
            }
        }
        Value::Array(list) => list.iter().for_each(|v| all_values(v, key, out)),
        _ => {}
    }
}

#[test]
fn the_fixture_round_trips_exactly() {
    let catalog = roundtrip_fixture();
    assert_eq!(round_trip(&catalog), catalog);
}

#[test]
fn every_real_and_fixture_catalogue_round_trips_exactly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    let mut catalogs = catalogs_under(&root);
    catalogs.extend(catalogs_under(&fixtures()));
    assert!(catalogs.len() >= 3, "found only {} catalogues", catalogs.len());
    for catalog in &catalogs {
        assert_eq!(&round_trip(catalog), catalog, "{}", catalog.key());
    }
}

#[test]
fn exports_are_reproducible_and_use_oscal_tokens() {
    let catalog = roundtrip_fixture();
    let a = to_oscal(&catalog, GENERATED_AT);
    let b = to_oscal(&catalog, GENERATED_AT);
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    assert_eq!(a["catalog"]["metadata"]["oscal-version"], OSCAL_VERSION);
    assert_eq!(a["catalog"]["metadata"]["last-modified"], GENERATED_AT);
    assert_eq!(a["catalog"]["metadata"]["published"], "2024-02-29T00:00:00Z");

    let mut other = catalog.clone();
    other.version = "3".into();
    assert_ne!(to_oscal(&other, GENERATED_AT)["catalog"]["uuid"], a["catalog"]["uuid"]);

    let mut ids = Vec::new();
    all_values(&a, "id", &mut ids);
    let ids: Vec<&str> = ids.iter().filter_map(|v| v.as_str()).collect();
    assert!(ids.len() > catalog.nodes.len());
    for id in &ids {
        assert!(is_token(id), "{id} is not an OSCAL token");
    }
    let unique: std::collections::HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "ids are unique: {ids:?}");
    assert!(ids.contains(&"n-2.1-a"), "digit-led ids get a prefix: {ids:?}");
    assert!(
        ids.contains(&"n-2_2"),
        "the node `n-2` does not take the token of node `2`: {ids:?}"
    );
}

#[test]
fn a_chapter_with_sections_and_requirements_gets_a_wrapper_group() {
    let exported = to_oscal(&roundtrip_fixture(), GENERATED_AT);
    let chapter = exported["catalog"]["groups"]
        .as_array()
        .and_then(|g| g.iter().find(|g| g["id"] == "n-2"))
        .expect("chapter 2");
    assert!(
        chapter.get("controls").is_none(),
        "an OSCAL group holds groups or controls, not both"
    );
    let groups = chapter["groups"].as_array().expect("groups");
    assert_eq!(groups[0]["class"], "etterlev-controls");
    assert_eq!(groups[0]["controls"][0]["id"], "n-2-a");
    assert_eq!(groups[1]["id"], "n-2.1");
    // Top-level requirements are catalog controls.
    assert_eq!(exported["catalog"]["controls"][0]["id"], "n-3-a");
}

#[test]
fn references_become_back_matter_and_links() {
    let exported = to_oscal(&roundtrip_fixture(), GENERATED_AT);
    let resources = exported["catalog"]["back-matter"]["resources"]
        .as_array()
        .expect("resources");
    // Two sources and two references on node 2.1-a.
    assert_eq!(resources.len(), 4);
    let search = resources
        .iter()
        .find_map(|r| r["rlinks"][0]["href"].as_str().filter(|h| h.contains("example.org")))
        .expect("the source with a non-ASCII URL");
    assert_eq!(search, "https://example.org/s%C3%B8k?q=helse&lang=nb");
    let mut links = Vec::new();
    all_values(&exported, "links", &mut links);
    let link = &links[0][0];
    assert_eq!(link["rel"], "reference");
    let href = link["href"].as_str().expect("href");
    assert!(
        resources
            .iter()
            .any(|r| format!("#{}", r["uuid"].as_str().unwrap_or_default()) == href)
    );
    // The text of every namespaced prop is in our namespace.
    let mut namespaces = Vec::new();
    all_values(&exported, "ns", &mut namespaces);
    assert!(namespaces.iter().all(|ns| *ns == ETTERLEV_NS));
}

#[test]
fn a_foreign_sp800_53_style_catalog_imports_with_defaults() {
    let catalog = from_oscal(&foreign_bytes()).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(
        catalog.id, "example-standard-sample-security-121b2a",
        "publisher and title, cut with a hash"
    );
    assert_eq!(catalog.version, "5.1.1-sample");
    assert_eq!(catalog.date, "2023-12-06");
    assert_eq!(catalog.publisher, "Example Standards Body");
    assert_eq!(catalog.languages, ["en"]);
    assert_eq!(catalog.status, Some(CatalogStatus::Draft));
    assert_eq!(catalog.title.en.as_deref(), Some(catalog.title.nb.as_str()));

    let ids: Vec<&str> = catalog.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["ac", "ac-1", "ac-2", "ac-2.1", "au", "au-2", "au-3"]);
    let node = |id: &str| catalog.node(id).expect(id);
    assert_eq!(node("ac").kind, NodeKind::Chapter);
    assert_eq!(node("ac").title.nb, "Access Control");
    let ac1 = node("ac-1");
    assert_eq!(
        (ac1.kind, ac1.parent.as_deref(), ac1.number.as_deref()),
        (NodeKind::Requirement, Some("ac"), Some("AC-1"))
    );
    let text = ac1.text.as_ref().expect("statement");
    assert!(text.nb.starts_with("a. Develop and share"), "{}", text.nb);
    assert!(
        text.nb.contains("policy with [Assignment: personnel or roles]:"),
        "{}",
        text.nb
    );
    assert!(text.nb.contains("every [Assignment: frequency]."), "{}", text.nb);
    assert!(text.nb.contains("\n  1. that states purpose"), "{}", text.nb);
    assert!(text.nb.contains("\nb. Review the policy"), "{}", text.nb);
    assert_eq!(text.en.as_deref(), Some(text.nb.as_str()));
    assert!(!ac1.verified);
    assert_eq!(ac1.references.len(), 1, "the related-control link is not a reference");
    assert_eq!(ac1.references[0].title, "Example guide to access control policy");
    assert_eq!(
        ac1.references[0].url.as_deref(),
        Some("https://example.org/guides/access-control")
    );
    assert_eq!(ac1.references[0].kind, ReferenceKind::Other);

    let enhancement = node("ac-2.1");
    assert_eq!(
        (enhancement.kind, enhancement.parent.as_deref()),
        (NodeKind::Requirement, Some("ac-2"))
    );
    assert_eq!(
        enhancement.references[0].url.as_deref(),
        Some("https://example.org/account-management")
    );
    assert_eq!(
        node("au-2").text.as_ref().map(|t| t.nb.as_str()),
        Some("Decide which events to log.")
    );
    // A withdrawn control is kept, marked, as guidance: nobody answers for it.
    let au3 = node("au-3");
    assert!(au3.withdrawn);
    assert_eq!(au3.kind, NodeKind::Guidance);
    assert_eq!(au3.text.as_ref().map(|t| t.nb.as_str()), Some("Withdrawn."));

    // An imported catalogue exports and imports again unchanged.
    assert_eq!(round_trip(&catalog), catalog);
}

#[test]
fn oscal_errors_are_diagnostics() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"{ not json".to_vec(), "json"),
        (b"[]".to_vec(), "not-a-catalog"),
        (br#"{"profile": {"uuid": "x"}}"#.to_vec(), "not-a-catalog"),
        (br#"{"catalog": {"metadata": {"title": "Empty"}}}"#.to_vec(), "schema"),
    ];
    for (bytes, code) in cases {
        let problems = from_oscal(&bytes).expect_err("fails");
        assert!(problems.iter().any(|d| d.code == code), "{code}: {problems:#?}");
    }
    let mut exported = to_oscal(&roundtrip_fixture(), GENERATED_AT);
    replace_prop(&mut exported, "enterprise-kind", "castle");
    let problems = from_oscal(&serde_json::to_vec(&exported).unwrap()).expect_err("bad enum");
    assert!(
        problems
            .iter()
            .any(|d| d.code == "oscal-value" && d.message.contains("castle")),
        "{problems:#?}"
    );
}

fn replace_prop(value: &mut Value, name: &str, new: &str) {
    match value {
        Value::Object(map) => {
            if map.get("name").and_then(Value::as_str) == Some(name) && map.contains_key("ns") {
                map.insert("value".into(), json!(new));
            }
            map.values_mut().for_each(|v| replace_prop(v, name, new));
        }
        Value::Array(list) => list.iter_mut().for_each(|v| replace_prop(v, name, new)),
        _ => {}
    }
}

#[test]
fn a_ciso_assistant_library_imports() {
    let catalogs = from_ciso_assistant("sample-framework.yaml", &ciso_bytes()).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(catalogs.len(), 1);
    let catalog = &catalogs[0];
    assert_eq!(
        (catalog.id.as_str(), catalog.version.as_str(), catalog.date.as_str()),
        ("etterlev-small-clinic-baseline", "3", "2025-03-14")
    );
    assert_eq!(catalog.publisher, "Example Health Security Forum");
    assert_eq!(catalog.languages, ["en"]);
    assert_eq!(catalog.status, Some(CatalogStatus::Draft));
    assert_eq!(
        catalog.title,
        LocalText::new(
            "Small clinic security baseline",
            Some("Small clinic security baseline".into())
        )
    );
    let source = &catalog.source[0];
    assert_eq!(source.kind, ReferenceKind::Other);
    assert!(
        source.title.contains("urn:etterlev:risk:library:small-clinic-baseline"),
        "{}",
        source.title
    );
    assert!(
        source.title.contains("provider: Example Health Security Forum"),
        "{}",
        source.title
    );
    assert!(source.title.contains("copyright: Example text"), "{}", source.title);
    assert_eq!(source.url.as_deref(), Some("https://example.org/scb/2025"));

    assert_eq!(catalog.nodes.len(), 15);
    let node = |id: &str| -> &Node { catalog.node(id).unwrap_or_else(|| panic!("{id} in {:?}", ids(catalog))) };
    assert_eq!(node("GOV").kind, NodeKind::Chapter);
    assert_eq!(node("ACC.ID").kind, NodeKind::Section);
    assert_eq!(node("ACC.ID").parent.as_deref(), Some("ACC"));
    let personal = node("ACC.ID.1");
    assert_eq!(
        (personal.kind, personal.parent.as_deref()),
        (NodeKind::Requirement, Some("ACC.ID"))
    );
    assert_eq!(personal.number.as_deref(), Some("ACC.ID.1"));
    assert!(!personal.verified);
    let text = personal.text.as_ref().expect("text");
    assert_eq!(
        text.en.as_deref(),
        Some(text.nb.as_str()),
        "English fills both languages"
    );
    // A duplicate ref_id gets a suffix, a node without ref_id its urn tail.
    assert_eq!(node("ACC.MFA.1-2").title.nb, "Two-factor login for administrators");
    assert_eq!(
        node("ops.3").text.as_ref().map(|t| t.nb.as_str()),
        Some("Updates within a month")
    );
    // A node without a name is titled by its ref_id; its id is sanitised.
    assert_eq!(node("OPS-2-logging").title.nb, "OPS 2 (logging)");
    // Annotations follow the description; notes under a requirement are guidance.
    assert!(
        node("GOV.2")
            .text
            .as_ref()
            .is_some_and(|t| t.nb.ends_with("\n\nKeep minutes of the review."))
    );
    let note = node("gov.2.note");
    assert_eq!((note.kind, note.parent.as_deref()), (NodeKind::Guidance, Some("GOV.2")));
    assert!(note.title.nb.starts_with("A short agenda helps"));
    assert_eq!(node("OPS.1").text.as_ref().map(|t| t.nb.lines().count()), Some(2));

    // And the import exports to OSCAL and back unchanged.
    assert_eq!(&round_trip(catalog), catalog);
}

fn ids(catalog: &Catalog) -> Vec<&str> {
    catalog.nodes.iter().map(|n| n.id.as_str()).collect()
}

fn ciso_value() -> Value {
    let text = String::from_utf8(ciso_bytes()).expect("utf-8");
    serde_saphyr::from_str(&text).expect("fixture is YAML")
}

#[test]
fn a_library_with_a_list_of_frameworks_gives_one_catalogue_each() {
    let mut library = ciso_value();
    let framework = library["objects"]["framework"].clone();
    let mut second = framework.clone();
    second["name"] = json!("Second framework");
    second["requirement_nodes"] = json!([
        { "urn": "urn:x:req_node:one", "assessable": true, "depth": 1, "ref_id": 1, "description": "Do one thing." }
    ]);
    library["objects"]["framework"] = json!([framework, second]);
    let bytes = serde_json::to_vec(&library).unwrap();
    let catalogs = from_ciso_assistant("list.yaml", &bytes).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(catalogs.len(), 2);
    assert_eq!(
        (catalogs[0].id.as_str(), catalogs[1].id.as_str()),
        ("etterlev-small-clinic-baseline", "etterlev-small-clinic-baseline-2")
    );
    assert_eq!(catalogs[1].nodes[0].id, "1");
    assert_eq!(catalogs[1].nodes[0].title.nb, "1");
}

#[test]
fn ciso_errors_are_diagnostics() {
    let mut dangling = ciso_value();
    dangling["objects"]["framework"]["requirement_nodes"][1]["parent_urn"] = json!("urn:nowhere");
    let mut no_framework = ciso_value();
    no_framework["objects"] = json!({ "risk_matrix": [] });
    let mut empty = ciso_value();
    empty["objects"]["framework"]["requirement_nodes"] = json!([]);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (serde_json::to_vec(&dangling).unwrap(), "dangling-parent"),
        (serde_json::to_vec(&no_framework).unwrap(), "no-framework"),
        (serde_json::to_vec(&empty).unwrap(), "schema"),
        (b"key: [unclosed".to_vec(), "yaml"),
        (b"- a list".to_vec(), "ciso-library"),
        (vec![0xff, 0xfe, 0x00], "encoding"),
    ];
    for (bytes, code) in cases {
        let problems = from_ciso_assistant("broken.yaml", &bytes).expect_err(code);
        assert!(problems.iter().any(|d| d.code == code), "{code}: {problems:#?}");
        assert!(problems.iter().all(|d| d.file == "broken.yaml"));
    }
}

// ---------------------------------------------------------------- proptest

/// Small edits of a valid document: flip, insert or delete bytes, or cut it.
fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    for &(at, op, byte) in edits {
        if bytes.is_empty() {
            bytes.push(byte);
            continue;
        }
        let at = at % bytes.len();
        match op % 4 {
            0 => bytes[at] = byte,
            1 => bytes.insert(at, byte),
            2 => {
                bytes.remove(at);
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

/// Every place in a JSON value, as a path of keys and indices.
fn paths(value: &Value, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            let mut p = prefix.clone();
            p.push(k.clone());
            paths(v, p, out)
        }),
        Value::Array(list) => list.iter().enumerate().for_each(|(i, v)| {
            let mut p = prefix.clone();
            p.push(i.to_string());
            paths(v, p, out)
        }),
        _ => {}
    }
}

fn replace_at(value: &mut Value, path: &[String], new: Value) {
    let mut current = value;
    for key in path {
        current = match current {
            Value::Object(map) => match map.get_mut(key) {
                Some(v) => v,
                None => return,
            },
            Value::Array(list) => match key.parse::<usize>().ok().and_then(|i| list.get_mut(i)) {
                Some(v) => v,
                None => return,
            },
            _ => return,
        };
    }
    *current = new;
}

fn odd_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(""),
        json!(" "),
        json!("x"),
        json!("2.1-a"),
        json!("\"\\"),
        json!("requirement"),
        json!("chapter"),
        json!("true"),
        json!(ETTERLEV_NS),
        json!("https://exa mple.org"),
        json!("#no-such-uuid"),
        json!(0),
        json!(-1),
        json!(1e300),
        json!(true),
        json!([]),
        json!({}),
        json!([{}]),
        json!({ "name": "kind", "ns": ETTERLEV_NS, "value": "section" }),
    ]
}

/// A catalogue from generated pieces, shaped to be mostly valid: a node's
/// parent is an earlier node, structural nodes sit only under structural
/// ones, assessable nodes have a text.
type NodeSpec = (
    Option<usize>,
    u8,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
);

fn build(specs: &[NodeSpec], rotate: usize) -> Catalog {
    let mut nodes: Vec<Node> = Vec::new();
    for (i, (parent, kind, title, text, en, number, verified)) in specs.iter().enumerate() {
        let parent = parent.filter(|_| i > 0).map(|p| p % i);
        let parent_structural = parent.is_none_or(|p| nodes[p].kind.is_structural());
        let kinds = [
            NodeKind::Chapter,
            NodeKind::Section,
            NodeKind::Requirement,
            NodeKind::Recommendation,
            NodeKind::Guidance,
        ];
        let mut kind = kinds[*kind as usize % kinds.len()];
        if !parent_structural && kind.is_structural() {
            kind = NodeKind::Requirement;
        }
        let non_blank = |s: &str| {
            if s.trim().is_empty() {
                format!("x{s}")
            } else {
                s.to_owned()
            }
        };
        let text = match text {
            Some(t) => Some(LocalText::new(non_blank(t), en.as_deref().map(non_blank))),
            None if kind.is_assessable() => Some(LocalText::new("required text", None)),
            None => None,
        };
        nodes.push(Node {
            id: if i % 3 == 0 {
                format!("{i}.x")
            } else {
                format!("node-{i}")
            },
            parent: parent.map(|p| nodes[p].id.clone()),
            replaces: Vec::new(),
            kind,
            withdrawn: false,
            number: number.as_deref().map(non_blank),
            numbering: None,
            title: LocalText::new(non_blank(title), en.as_deref().map(non_blank)),
            text,
            applicability: None,
            tags: Vec::new(),
            references: Vec::new(),
            related: Vec::new(),
            question: None,
            verified: *verified,
            checks: Vec::new(),
        });
    }
    let len = nodes.len().max(1);
    nodes.rotate_left(rotate % len);
    let mut catalog = roundtrip_fixture();
    catalog.nodes = nodes;
    catalog
}

fn text_strategy() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9æøÅ \n\t\"\\\\.,:#*{}\u{2028}\u{feff}-]{1,24}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn from_oscal_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = from_oscal(&bytes);
    }

    #[test]
    fn from_ciso_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = from_ciso_assistant("fuzz.yaml", &bytes);
    }

    #[test]
    fn from_oscal_never_panics_on_edited_documents(
        which in 0..2usize,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6),
    ) {
        let bytes = if which == 0 {
            serde_json::to_vec_pretty(&to_oscal(&roundtrip_fixture(), GENERATED_AT)).unwrap()
        } else {
            foreign_bytes()
        };
        let _ = from_oscal(&mutate(bytes, &edits));
    }

    #[test]
    fn from_oscal_never_panics_on_changed_values(
        which in 0..2usize,
        changes in proptest::collection::vec((any::<usize>(), 0..20usize), 1..4),
    ) {
        let mut value: Value = if which == 0 {
            to_oscal(&roundtrip_fixture(), GENERATED_AT)
        } else {
            serde_json::from_slice(&foreign_bytes()).unwrap()
        };
        for (at, pick) in changes {
            let mut all = Vec::new();
            paths(&value, Vec::new(), &mut all);
            let path = all[at % all.len()].clone();
            replace_at(&mut value, &path, odd_values()[pick % 20].clone());
        }
        let _ = from_oscal(&serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn from_ciso_never_panics_on_edited_libraries(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6),
    ) {
        let _ = from_ciso_assistant("fuzz.yaml", &mutate(ciso_bytes(), &edits));
    }

    #[test]
    fn from_ciso_never_panics_on_changed_values(
        changes in proptest::collection::vec((any::<usize>(), 0..20usize), 1..4),
    ) {
        let mut value = ciso_value();
        for (at, pick) in changes {
            let mut all = Vec::new();
            paths(&value, Vec::new(), &mut all);
            let path = all[at % all.len()].clone();
            replace_at(&mut value, &path, odd_values()[pick % 20].clone());
        }
        let _ = from_ciso_assistant("fuzz.yaml", &serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn valid_generated_catalogues_round_trip(
        specs in proptest::collection::vec(
            (
                proptest::option::of(any::<usize>()),
                any::<u8>(),
                text_strategy(),
                proptest::option::of(text_strategy()),
                proptest::option::of(text_strategy()),
                proptest::option::of(text_strategy()),
                any::<bool>(),
            ),
            1..10,
        ),
        rotate in any::<usize>(),
    ) {
        let catalog = build(&specs, rotate);
        prop_assume!(check("generated", &catalog).is_empty());
        prop_assert_eq!(round_trip(&catalog), catalog);
    }
}
