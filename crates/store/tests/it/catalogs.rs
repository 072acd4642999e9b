//! Catalogues: import in one transaction, immutable versions, audit entries.

use etterlev_catalog::{Catalog, CatalogSet, Document, Mapping, parse_document};
use etterlev_store::{Backend, Store, StoreError};

use crate::support::*;

const ALPHA: &str = r#"
schema: etterlev/catalog/v1
id: alpha
version: "1.0"
title: { nb: Alfa, en: Alpha }
publisher: Test
languages: [nb, en]
date: "2026-01-01"
status: fixture
source:
  - { kind: other, title: Test }
nodes:
  - { id: "1", kind: chapter, number: "1", title: { nb: Tilgang }, verified: true }
  - id: "1-a"
    parent: "1"
    kind: requirement
    number: "1 a"
    title: { nb: Passord, en: Passwords }
    text: { nb: Passordet skal være langt., en: The password must be long. }
    verified: false
  - id: "1-b"
    parent: "1"
    kind: recommendation
    title: { nb: Tofaktor }
    text: { nb: Bruk tofaktor. }
    verified: true
"#;

const BETA: &str = r#"
schema: etterlev/catalog/v1
id: beta
version: "2"
title: { nb: Beta }
publisher: Test
languages: [nb]
date: "2026-02-01"
source:
  - { kind: other, title: Test }
nodes:
  - id: "b1"
    kind: requirement
    title: { nb: Autentisering }
    text: { nb: Sterk autentisering kreves. }
    verified: true
"#;

const MAPPING: &str = r#"
schema: etterlev/mapping/v1
id: alpha-beta
title: { nb: Alfa mot beta }
from: { catalog: alpha, version: "1.0" }
to: { catalog: beta, version: "2" }
date: "2026-03-01"
entries:
  - { from: "1-a", to: "b1", relation: subset }
"#;

fn catalog(yaml: &str) -> Catalog {
    match parse_document("test.yaml", yaml.as_bytes()) {
        Ok(Document::Catalog(c)) => c,
        other => panic!("fixture is not a valid catalogue: {other:?}"),
    }
}

fn mapping(yaml: &str) -> Mapping {
    match parse_document("test.yaml", yaml.as_bytes()) {
        Ok(Document::Mapping(m)) => m,
        other => panic!("fixture is not a valid mapping: {other:?}"),
    }
}

fn fixture_set() -> CatalogSet {
    CatalogSet {
        catalogs: vec![catalog(ALPHA), catalog(BETA)],
        mappings: vec![mapping(MAPPING)],
        ..Default::default()
    }
}

async fn count(b: &str, store: &Store, sql: &str) -> i64 {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match store.backend() {
        Backend::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        Backend::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
    }
    .must(b, "count")
}

async fn audit_actions(b: &str, store: &Store) -> Vec<(String, String, String)> {
    store
        .system_audit(i64::MAX, 500)
        .await
        .must(b, "system_audit")
        .into_iter()
        .map(|e| (e.action, e.object_id, e.actor_label))
        .collect()
}

#[tokio::test]
async fn import_stores_catalogues_nodes_and_mappings() {
    each_backend(|b, store| async move {
        let set = fixture_set();
        let summary = store.import_catalog_set(&set, None, false).await.must(b, "import");
        assert_eq!(summary.added, ["alpha@1.0", "beta@2"], "[{b}] {summary:?}");
        assert!(
            summary.unchanged.is_empty() && summary.replaced.is_empty(),
            "[{b}] {summary:?}"
        );
        assert_eq!(summary.mappings, 1, "[{b}]");

        let list = store.list_catalogs().await.must(b, "list");
        let keys: Vec<_> = list.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["alpha@1.0", "beta@2"], "[{b}]");
        let alpha = &list[0];
        assert_eq!(alpha.requirement_count, 2, "[{b}] a requirement and a recommendation");
        assert_eq!(alpha.title.en.as_deref(), Some("Alpha"), "[{b}]");
        assert_eq!(alpha.status.as_deref(), Some("fixture"), "[{b}]");
        assert_eq!(alpha.sha256.len(), 64, "[{b}]");
        assert_eq!(alpha.imported_by, None, "[{b}] the command line has no user");

        let loaded = store.load_catalog("alpha@1.0").await.must(b, "load").expect("stored");
        assert_eq!(loaded, set.catalogs[0], "[{b}] round trip");
        assert!(
            store.load_catalog("alpha@9").await.must(b, "load missing").is_none(),
            "[{b}]"
        );

        let all = store.load_catalog_set().await.must(b, "load set");
        assert_eq!(all.catalogs, set.catalogs, "[{b}]");
        assert_eq!(all.mappings, set.mappings, "[{b}]");

        assert_eq!(count(b, &store, "SELECT COUNT(*) FROM catalog_nodes").await, 4, "[{b}]");
        let parent = count(
            b,
            &store,
            "SELECT COUNT(*) FROM catalog_nodes WHERE catalog_key = 'alpha@1.0' AND node_id = '1-a' \
             AND parent_id = '1' AND label = '1 a' AND kind = 'requirement' AND position = 1",
        )
        .await;
        assert_eq!(parent, 1, "[{b}] node rows carry parent, label, kind and position");
    })
    .await;
}

#[tokio::test]
async fn re_import_of_the_same_content_changes_nothing() {
    each_backend(|b, store| async move {
        let set = fixture_set();
        store
            .import_catalog_set(&set, None, false)
            .await
            .must(b, "first import");
        let stamp = store.catalog_stamp().await.must(b, "stamp");
        let entries = audit_actions(b, &store).await.len();

        let again = store
            .import_catalog_set(&set, None, false)
            .await
            .must(b, "second import");
        assert!(again.added.is_empty(), "[{b}] {again:?}");
        assert_eq!(again.unchanged, ["alpha@1.0", "beta@2"], "[{b}]");
        assert_eq!(again.mappings, 0, "[{b}] the mapping is unchanged too");
        assert_eq!(
            audit_actions(b, &store).await.len(),
            entries,
            "[{b}] no new audit entries"
        );
        assert_eq!(store.catalog_stamp().await.must(b, "stamp"), stamp, "[{b}]");
    })
    .await;
}

#[tokio::test]
async fn conflicting_re_import_fails_and_changes_nothing() {
    each_backend(|b, store| async move {
        let set = fixture_set();
        store
            .import_catalog_set(&set, None, false)
            .await
            .must(b, "first import");
        let entries = audit_actions(b, &store).await.len();
        let stamp = store.catalog_stamp().await.must(b, "stamp");

        // The same version with a changed text, together with a new catalogue
        // that comes first: the new one must not be imported either.
        let mut changed = set.catalogs[0].clone();
        changed.nodes[1].text.as_mut().expect("text").nb = "Passordet skal være kort.".into();
        let mut gamma = set.catalogs[1].clone();
        gamma.id = "gamma".into();
        let bad = CatalogSet {
            catalogs: vec![gamma, changed.clone()],
            mappings: vec![],
            ..Default::default()
        };
        let err = store.import_catalog_set(&bad, None, false).await;
        assert_err!(b, &err, StoreError::CatalogChanged { .. }, "changed content");
        let message = err.expect_err("checked above").to_string();
        assert_eq!(
            message, "catalogue alpha@1.0 already exists with different content; publish a new version",
            "[{b}]"
        );
        let keys: Vec<_> = store
            .list_catalogs()
            .await
            .must(b, "list")
            .into_iter()
            .map(|c| c.key)
            .collect();
        assert_eq!(keys, ["alpha@1.0", "beta@2"], "[{b}] gamma was rolled back");
        assert_eq!(
            store.load_catalog("alpha@1.0").await.must(b, "load"),
            Some(set.catalogs[0].clone()),
            "[{b}] alpha is as it was"
        );
        assert_eq!(audit_actions(b, &store).await.len(), entries, "[{b}] no audit entries");
        assert_eq!(store.catalog_stamp().await.must(b, "stamp"), stamp, "[{b}]");

        // A changed mapping is refused the same way.
        let mut m = set.mappings[0].clone();
        m.entries[0].relation = etterlev_catalog::Relation::Equal;
        let err = store
            .import_catalog_set(
                &CatalogSet {
                    catalogs: vec![],
                    mappings: vec![m],
                    ..Default::default()
                },
                None,
                false,
            )
            .await;
        assert_err!(b, err, StoreError::MappingChanged { .. }, "changed mapping");

        // With replace, the new content wins, audited as a replacement.
        let only = CatalogSet {
            catalogs: vec![changed.clone()],
            mappings: vec![],
            ..Default::default()
        };
        let summary = store.import_catalog_set(&only, None, true).await.must(b, "replace");
        assert_eq!(summary.replaced, ["alpha@1.0"], "[{b}] {summary:?}");
        assert_eq!(
            store.load_catalog("alpha@1.0").await.must(b, "load"),
            Some(changed),
            "[{b}]"
        );
        assert_eq!(count(b, &store, "SELECT COUNT(*) FROM catalog_nodes").await, 4, "[{b}]");
        let actions = audit_actions(b, &store).await;
        assert_eq!(actions[0].0, "catalog.replace", "[{b}] {actions:?}");
    })
    .await;
}

#[tokio::test]
async fn imports_are_audited_in_the_system_chain() {
    each_backend(|b, store| async move {
        let (_, user) = tenant_with_admin(b, &store, "T", "974760673", "admin@example.no").await;
        let id = uuid::Uuid::parse_str(&user.id).expect("uuid");
        store
            .import_catalog_set(&fixture_set(), Some(id), false)
            .await
            .must(b, "import");
        let actions = audit_actions(b, &store).await;
        let catalog_entries: Vec<_> = actions
            .iter()
            .filter(|a| a.0.starts_with("catalog.") || a.0.starts_with("mapping."))
            .collect();
        assert_eq!(
            catalog_entries,
            [
                &(
                    "mapping.import".to_string(),
                    "alpha-beta".to_string(),
                    "admin@example.no".to_string()
                ),
                &(
                    "catalog.import".to_string(),
                    "beta@2".to_string(),
                    "admin@example.no".to_string()
                ),
                &(
                    "catalog.import".to_string(),
                    "alpha@1.0".to_string(),
                    "admin@example.no".to_string()
                ),
            ],
            "[{b}] newest first"
        );
        let entry = store
            .system_audit(i64::MAX, 500)
            .await
            .must(b, "audit")
            .into_iter()
            .find(|e| e.object_id == "alpha@1.0")
            .expect("entry");
        assert!(entry.tenant_id.is_none(), "[{b}] catalogues are not tenant data");
        let after: serde_json::Value = serde_json::from_str(entry.after.as_deref().unwrap_or("")).expect("json");
        assert_eq!(after["requirements"], 2, "[{b}] {after}");
        assert_eq!(after["sha256"].as_str().map(str::len), Some(64), "[{b}] {after}");
        let listed = store.list_catalogs().await.must(b, "list");
        assert_eq!(listed[0].imported_by.as_deref(), Some(user.id.as_str()), "[{b}]");

        let report = store.audit_verify().await.must(b, "verify");
        assert!(report.errors.is_empty(), "[{b}] {:?}", report.errors);

        // A mapping whose catalogues are missing is refused with a message.
        let orphan = CatalogSet {
            threats: Vec::new(),
            catalogs: vec![],
            mappings: vec![{
                let mut m = mapping(MAPPING);
                m.id = "alpha-zeta".into();
                m.to.catalog = "zeta".into();
                m
            }],
        };
        let err = store.import_catalog_set(&orphan, None, false).await;
        assert_err!(b, err, StoreError::Invalid(_), "mapping to a missing catalogue");
        // An unknown user is NotFound, before anything is written.
        let err = store
            .import_catalog_set(&fixture_set(), Some(uuid::Uuid::now_v7()), false)
            .await;
        assert_err!(b, err, StoreError::NotFound, "unknown importing user");
    })
    .await;
}
