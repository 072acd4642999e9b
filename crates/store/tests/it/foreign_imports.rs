//! Foreign catalogues (CISO Assistant libraries, NIST's OSCAL baselines)
//! imported next to etterlev's own, in any order, into one database: every
//! source keeps an id of its own, and etterlev's catalogues are untouched.
//!
//! By default the trimmed copies in
//! `crates/catalog/tests/fixtures/foreign/` are used (CI has no network).
//! With `ETTERLEV_CISO_LIBRARIES` naming a folder of CISO Assistant library
//! files (`backend/library/libraries` of a checkout) and
//! `ETTERLEV_OSCAL_CONTENT` a checkout of usnistgov/oscal-content, the test
//! imports every framework library and the four Rev. 5 baselines instead.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use etterlev_catalog::{Catalog, CatalogSet, from_ciso_assistant, from_oscal};
use etterlev_store::Store;

use crate::support::*;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One source file and the catalogues it gives, in the order files are read.
type Source = (String, Vec<Catalog>);

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn files(dir: &Path, ext: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().and_then(|e| e.to_str()).is_some_and(|e| ext.contains(&e)))
        .collect();
    out.sort();
    out
}

fn ciso(path: &Path) -> Option<Source> {
    let name = path.display().to_string();
    match from_ciso_assistant(&name, &read(path)) {
        Ok(catalogs) => Some((name, catalogs)),
        // Risk matrices, threat lists and the like hold no framework.
        Err(d) if d.iter().all(|d| d.code == "no-framework") => None,
        Err(d) => panic!("{name}: {d:#?}"),
    }
}

fn oscal(path: &Path) -> Source {
    let name = path.display().to_string();
    let catalog = from_oscal(&read(path)).unwrap_or_else(|d| panic!("{name}: {d:#?}"));
    (name, vec![catalog])
}

/// The foreign sources: the full corpus when the environment points at it,
/// else the trimmed fixtures.
fn foreign_sources() -> Vec<Source> {
    let libraries = std::env::var_os("ETTERLEV_CISO_LIBRARIES").map(PathBuf::from);
    let content = std::env::var_os("ETTERLEV_OSCAL_CONTENT").map(PathBuf::from);
    let mut out = Vec::new();
    if let (Some(libraries), Some(content)) = (libraries, content) {
        out.extend(files(&libraries, &["yaml", "yml"]).iter().filter_map(|p| ciso(p)));
        let rev5 = content.join("nist.gov/SP800-53/rev5/json");
        for level in ["LOW", "MODERATE", "HIGH", "PRIVACY"] {
            let full = rev5.join(format!(
                "NIST_SP-800-53_rev5_{level}-baseline-resolved-profile_catalog.json"
            ));
            let min = rev5.join(format!(
                "NIST_SP-800-53_rev5_{level}-baseline-resolved-profile_catalog-min.json"
            ));
            out.push(oscal(if full.is_file() { &full } else { &min }));
        }
        // Rev. 4 with its withdrawn controls, when the checkout has it.
        let rev4 = content.join("nist.gov/SP800-53/rev4/json/NIST_SP-800-53_rev4_catalog-min.json");
        if rev4.is_file() {
            let source = oscal(&rev4);
            let withdrawn = source.1[0].nodes.iter().filter(|n| n.withdrawn).count();
            assert!(
                source.1[0]
                    .nodes
                    .iter()
                    .all(|n| !(n.withdrawn && n.kind.is_assessable()))
            );
            eprintln!("rev4: {withdrawn} withdrawn controls, none a requirement");
            out.push(source);
        }
        let catalogs = || out.iter().flat_map(|(_, c)| c);
        let other_language = catalogs().filter(|c| c.source_language().is_some()).count();
        let nb_marked = catalogs().filter(|c| c.languages.iter().any(|l| l == "nb")).count();
        let placeholders = catalogs()
            .flat_map(|c| &c.nodes)
            .filter(|n| {
                n.text
                    .as_ref()
                    .is_some_and(|t| t.get("en").contains("{{ insert: param"))
            })
            .count();
        eprintln!(
            "full corpus: {} sources, {} catalogues in another language than nb/en, {nb_marked} marked bokmål, \
             {placeholders} texts with unresolved parameters",
            out.len(),
            other_language
        );
        assert_eq!(nb_marked, 0, "no foreign library is in bokmål");
        assert_eq!(placeholders, 0);
        return out;
    }
    let dir = repo().join("crates/catalog/tests/fixtures/foreign");
    out.extend(files(&dir, &["yaml"]).iter().filter_map(|p| ciso(p)));
    out.extend(files(&dir, &["json"]).iter().map(|p| oscal(p)));
    out
}

fn ours() -> CatalogSet {
    etterlev_catalog::load_path(&repo().join("catalog")).unwrap_or_else(|d| panic!("{d:#?}"))
}

/// Imports each source in its own transaction, as `etterlev catalog import`
/// does one file at a time.
async fn import(b: &str, store: &Store, sources: &[Source]) {
    for (name, catalogs) in sources {
        let set = CatalogSet {
            threats: Vec::new(),
            catalogs: catalogs.clone(),
            mappings: Vec::new(),
        };
        store
            .import_catalog_set(&set, None, false)
            .await
            .unwrap_or_else(|e| panic!("[{b}] {name}: {e}"));
    }
}

async fn check(b: &str, store: &Store, ours: &CatalogSet, foreign: &[Source]) {
    // Every source has ids of its own: no two sources share a catalogue id.
    let mut owner: HashMap<&str, &str> = HashMap::new();
    for (name, catalogs) in foreign {
        for c in catalogs {
            if let Some(other) = owner.insert(&c.id, name) {
                assert_eq!(other, name, "[{b}] {other} and {name} both became `{}`", c.id);
            }
        }
    }
    let our_ids: Vec<&str> = ours.catalogs.iter().map(|c| c.id.as_str()).collect();
    for id in owner.keys() {
        assert!(
            !our_ids.contains(id),
            "[{b}] a foreign catalogue took etterlev's id `{id}`"
        );
    }
    // Everything is stored, and etterlev's catalogues are exactly as shipped.
    let stored = store.list_catalogs().await.must(b, "list");
    let expected = ours.catalogs.len() + foreign.iter().map(|(_, c)| c.len()).sum::<usize>();
    assert_eq!(stored.len(), expected, "[{b}]");
    let mut versions: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in &stored {
        versions.entry(&s.catalog_id).or_default().push(&s.version);
    }
    for c in &ours.catalogs {
        let back = store.load_catalog(&c.key()).await.must(b, "load").expect("stored");
        assert_eq!(&back, c, "[{b}] {} changed", c.key());
        let own: Vec<&str> = ours
            .catalogs
            .iter()
            .filter(|o| o.id == c.id)
            .map(|o| o.version.as_str())
            .collect();
        assert_eq!(
            versions.get(c.id.as_str()).map(Vec::len),
            Some(own.len()),
            "[{b}] `{}` has versions {:?}, etterlev ships {own:?}",
            c.id,
            versions.get(c.id.as_str())
        );
    }
}

#[tokio::test]
async fn foreign_catalogues_import_in_any_order_with_ids_of_their_own() {
    let ours = ours();
    let foreign = foreign_sources();
    assert!(ours.catalogs.iter().any(|c| c.key() == "gdpr@2016-679"));
    let ours_source: Vec<Source> = vec![("catalog/".to_owned(), ours.catalogs.clone())];

    // Ours first, then the foreign files in order.
    let (o, f) = (ours.clone(), foreign.clone());
    let first: Vec<Source> = ours_source.iter().cloned().chain(foreign.iter().cloned()).collect();
    each_backend(move |b, store| {
        let (o, f, order) = (o.clone(), f.clone(), first.clone());
        async move {
            import(b, &store, &order).await;
            check(b, &store, &o, &f).await;
            // Importing the same files again changes nothing.
            import(b, &store, &order).await;
            check(b, &store, &o, &f).await;
        }
    })
    .await;

    // The foreign files backwards, and ours last.
    let (o, f) = (ours.clone(), foreign.clone());
    let second: Vec<Source> = foreign.iter().rev().cloned().chain(ours_source).collect();
    each_backend(move |b, store| {
        let (o, f, order) = (o.clone(), f.clone(), second.clone());
        async move {
            import(b, &store, &order).await;
            check(b, &store, &o, &f).await;
        }
    })
    .await;
}
