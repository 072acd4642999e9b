//! Inventory and measures: systems, integrations and measures on both
//! backends — create, list, change, delete; tenant isolation, roles,
//! optimistic locking, refusals that change nothing, and audit entries.

use etterlev_catalog::{CatalogSet, Document, parse_document};
use etterlev_core::Role;
use etterlev_core::inventory::{
    Criticality, DataCategory, Frequency, Hosting, Level, MeasureKind, MeasureStatus, ProtectionNeed, Protocol,
};
use etterlev_store::{
    ConflictWith, IntegrationInput, MeasureInput, RequirementRef, Store, StoreError, SystemInput, TenantScope, User,
};

use crate::support::*;

const DEMO: &str = "demo@1.0";

fn fixtures() -> CatalogSet {
    match parse_document("demo-1.0.yaml", include_str!("../fixtures/demo-1.0.yaml").as_bytes()) {
        Ok(Document::Catalog(c)) => CatalogSet {
            catalogs: vec![c],
            mappings: vec![],
            ..Default::default()
        },
        other => panic!("fixture is not a valid catalogue: {other:?}"),
    }
}

fn level(n: u8) -> Level {
    Level::new(n).expect("1 to 4")
}

fn system(name: &str) -> SystemInput {
    SystemInput {
        name: name.into(),
        purpose: Some("Pasientjournal".into()),
        owner: Some("Klinikksjef".into()),
        administrator: Some("IKT-forvaltning".into()),
        users: Some("Leger og sykepleiere".into()),
        staff_users: true,
        patient_users: false,
        data_category: DataCategory::Health,
        health_register: true,
        need: ProtectionNeed {
            confidentiality: level(4),
            integrity: level(4),
            availability: level(3),
        },
        criticality: Criticality::Critical,
        hosting: Hosting::RegionalIt,
        cloud_provider: None,
        cloud_region: None,
        supplier: Some("DIPS AS".into()),
        medical_device: false,
        mdr_class: None,
        ai_component: false,
        internet_exposed: false,
        remote_access: true,
    }
}

fn integration(from: &str, to: &str, source: Option<&str>) -> IntegrationInput {
    IntegrationInput {
        from_system: from.into(),
        to_system: to.into(),
        both_ways: false,
        data: "Labsvar".into(),
        protocol: Protocol::Hl7v2,
        frequency: Frequency::RealTime,
        source_system: source.map(str::to_string),
    }
}

fn measure(systems: Vec<String>, requirements: Vec<RequirementRef>) -> MeasureInput {
    MeasureInput {
        title: "MFA på all fjerntilgang".into(),
        description: None,
        kind: MeasureKind::Technical,
        status: MeasureStatus::Implemented,
        owner: Some("Sikkerhetsleder".into()),
        review_by: Some("2027-06-30".into()),
        check_method: Some("Månedlig rapport over pålogginger uten MFA".into()),
        check_interval: Some("Månedlig".into()),
        last_checked: None,
        last_result: None,
        systems,
        requirements,
    }
}

fn req(node: &str) -> RequirementRef {
    RequirementRef {
        catalog_key: DEMO.into(),
        node_id: node.into(),
    }
}

async fn admin(b: &str, store: &Store, org: &str, email: &str) -> TenantScope {
    let (t, admin) = tenant_with_admin(b, store, email, org, email).await;
    store.scope(&admin, &t.id).await.must(b, "admin scope")
}

async fn audit_actions(b: &str, store: &Store, scope: &TenantScope) -> Vec<String> {
    store
        .tenant(scope)
        .audit_page(i64::MAX, 500)
        .await
        .must(b, "audit_page")
        .into_iter()
        .map(|r| r.action)
        .collect()
}

#[tokio::test]
async fn systems_and_integrations_round_trip() {
    each_backend(|b, store| async move {
        let a = admin(b, &store, "974760673", "a@example.no").await;
        let ts = store.tenant(&a);
        let epj = ts.create_system(system("DIPS Arena")).await.must(b, "create");
        let lab = ts.create_system(system("Labsystem")).await.must(b, "create lab");
        assert_eq!(epj.version, 1, "[{b}]");
        assert_eq!(ts.system(&epj.id).await.must(b, "get"), epj, "[{b}] round trip");
        let names: Vec<_> = ts
            .systems()
            .await
            .must(b, "list")
            .into_iter()
            .map(|s| s.input.name)
            .collect();
        assert_eq!(names, ["DIPS Arena", "Labsystem"], "[{b}] by name");

        // Names are unique within the enterprise; nothing is created.
        assert_err!(
            b,
            ts.create_system(system("DIPS Arena")).await,
            StoreError::Invalid(_),
            "duplicate name"
        );
        assert_eq!(ts.systems().await.must(b, "list").len(), 2, "[{b}]");

        let i = ts
            .create_integration(integration(&lab.id, &epj.id, Some(&lab.id)))
            .await
            .must(b, "integration");
        assert!(i.carries_copy(), "[{b}] the record holds a copy of the lab's results");
        assert_eq!(ts.integrations().await.must(b, "list"), vec![i.clone()], "[{b}]");
        assert_err!(
            b,
            ts.create_integration(integration(&lab.id, "no-such-system", None))
                .await,
            StoreError::Invalid(_),
            "unknown system"
        );

        // Optimistic locking.
        let changed = ts
            .update_system(
                &epj.id,
                SystemInput {
                    purpose: None,
                    ..system("DIPS Arena")
                },
                1,
            )
            .await
            .must(b, "update");
        assert_eq!((changed.version, changed.input.purpose), (2, None), "[{b}]");
        match ts.update_system(&epj.id, system("DIPS Arena"), 1).await {
            Err(StoreError::VersionConflict(c)) => {
                assert!(matches!(*c, ConflictWith::System(s) if s.version == 2), "[{b}]")
            }
            other => panic!("[{b}] stale update: {other:?}"),
        }
        let renamed = ts.update_system(&lab.id, system("DIPS Arena"), 1).await;
        assert_err!(b, renamed, StoreError::Invalid(_), "rename to a taken name");

        // A system in use is not deleted; the integration first.
        assert_err!(b, ts.delete_system(&lab.id, 1).await, StoreError::Invalid(_), "in use");
        ts.delete_integration(&i.id, 1).await.must(b, "delete integration");
        ts.delete_system(&lab.id, 1).await.must(b, "delete system");
        assert_err!(b, ts.system(&lab.id).await, StoreError::NotFound, "deleted");

        let actions = audit_actions(b, &store, &a).await;
        for want in [
            "system.create",
            "system.update",
            "integration.create",
            "integration.delete",
            "system.delete",
        ] {
            assert!(actions.iter().any(|x| x == want), "[{b}] audit has {want}: {actions:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn measures_link_systems_and_requirements() {
    each_backend(|b, store| async move {
        store
            .import_catalog_set(&fixtures(), None, false)
            .await
            .must(b, "import");
        let a = admin(b, &store, "974760673", "a@example.no").await;
        let ts = store.tenant(&a);
        let epj = ts.create_system(system("DIPS Arena")).await.must(b, "system");
        let m = ts
            .create_measure(measure(vec![epj.id.clone()], vec![req("1-a"), req("2-a"), req("1-a")]))
            .await
            .must(b, "measure");
        assert_eq!(
            m.input.requirements,
            vec![req("1-a"), req("2-a")],
            "[{b}] sorted, once each"
        );
        assert_eq!(ts.measure(&m.id).await.must(b, "get"), m, "[{b}] round trip");
        assert_eq!(
            ts.measures_for(DEMO, "2-a").await.must(b, "for 2-a"),
            vec![m.clone()],
            "[{b}]"
        );
        assert!(
            ts.measures_for(DEMO, "1-b").await.must(b, "for 1-b").is_empty(),
            "[{b}]"
        );

        // A chapter is not a requirement; an unknown system is refused; nothing changes.
        for bad in [measure(vec![], vec![req("1")]), measure(vec!["nope".into()], vec![])] {
            assert_err!(
                b,
                ts.update_measure(&m.id, bad, 1).await,
                StoreError::Invalid(_),
                "bad link"
            );
        }
        assert_eq!(ts.measure(&m.id).await.must(b, "get"), m, "[{b}] unchanged");
        assert_err!(
            b,
            ts.delete_system(&epj.id, 1).await,
            StoreError::Invalid(_),
            "protected by a measure"
        );

        let m2 = ts
            .update_measure(&m.id, measure(vec![], vec![req("1-b")]), 1)
            .await
            .must(b, "update");
        assert_eq!((m2.version, m2.input.systems.len()), (2, 0), "[{b}]");
        assert_err!(
            b,
            ts.delete_measure(&m.id, 1).await,
            StoreError::VersionConflict(_),
            "stale delete"
        );
        ts.delete_measure(&m.id, 2).await.must(b, "delete");
        ts.delete_system(&epj.id, 1).await.must(b, "now free");
        let actions = audit_actions(b, &store, &a).await;
        for want in ["measure.create", "measure.update", "measure.delete"] {
            assert!(actions.iter().any(|x| x == want), "[{b}] audit has {want}");
        }
    })
    .await;
}

#[tokio::test]
async fn tenants_and_roles_are_kept_apart() {
    each_backend(|b, store| async move {
        store
            .import_catalog_set(&fixtures(), None, false)
            .await
            .must(b, "import");
        let a = admin(b, &store, "974760673", "a@example.no").await;
        let other = admin(b, &store, "983544622", "b@example.no").await;
        let ta = store.tenant(&a);
        let to = store.tenant(&other);
        let s = ta.create_system(system("PACS")).await.must(b, "system");
        let mine = to
            .create_system(system("PACS"))
            .await
            .must(b, "same name, other tenant");
        let m = ta
            .create_measure(measure(vec![s.id.clone()], vec![]))
            .await
            .must(b, "measure");

        assert_err!(b, to.system(&s.id).await, StoreError::NotFound, "read across");
        assert_err!(
            b,
            to.update_system(&s.id, system("X"), 1).await,
            StoreError::NotFound,
            "write across"
        );
        assert_err!(
            b,
            to.delete_system(&s.id, 1).await,
            StoreError::NotFound,
            "delete across"
        );
        assert_err!(b, to.measure(&m.id).await, StoreError::NotFound, "measure across");
        assert_err!(
            b,
            to.create_integration(integration(&mine.id, &s.id, None)).await,
            StoreError::Invalid(_),
            "integration into another tenant's system"
        );
        assert_err!(
            b,
            to.create_measure(measure(vec![s.id.clone()], vec![])).await,
            StoreError::Invalid(_),
            "measure on another tenant's system"
        );
        assert_eq!(to.systems().await.must(b, "list").len(), 1, "[{b}]");

        // A reader reads and cannot write.
        let (_, created) = ta
            .add_member("r@example.no", "Reader", Role::Reader)
            .await
            .must(b, "member");
        let reader: User = created.expect("a new account");
        let rs = store.scope(&reader, a.tenant_id()).await.must(b, "reader scope");
        let tr = store.tenant(&rs);
        assert_eq!(tr.systems().await.must(b, "reader list").len(), 1, "[{b}]");
        assert_err!(
            b,
            tr.create_system(system("Y")).await,
            StoreError::Forbidden,
            "reader creates"
        );
        assert_err!(
            b,
            tr.delete_measure(&m.id, 1).await,
            StoreError::Forbidden,
            "reader deletes"
        );
    })
    .await;
}

#[tokio::test]
async fn an_answer_cites_a_measure_once() {
    each_backend(|b, store| async move {
        store
            .import_catalog_set(&fixtures(), None, false)
            .await
            .must(b, "import");
        let a = admin(b, &store, "974760673", "a@example.no").await;
        let ts = store.tenant(&a);
        let m = ts
            .create_measure(measure(vec![], vec![req("1-a")]))
            .await
            .must(b, "measure");
        let cited = ts.cite_measure(&m.id, req("2-a")).await.must(b, "cite");
        assert_eq!(
            (cited.version, cited.input.requirements.clone()),
            (2, vec![req("1-a"), req("2-a")]),
            "[{b}]"
        );
        let again = ts.cite_measure(&m.id, req("2-a")).await.must(b, "cite again");
        assert_eq!(again, cited, "[{b}] citing twice changes nothing");
        assert_err!(
            b,
            ts.cite_measure(&m.id, req("2")).await,
            StoreError::Invalid(_),
            "a chapter"
        );
        let cites = audit_actions(b, &store, &a)
            .await
            .into_iter()
            .filter(|x| x == "measure.cite")
            .count();
        assert_eq!(cites, 1, "[{b}] one audit entry");
    })
    .await;
}

#[tokio::test]
async fn an_import_creates_and_updates_all_or_nothing() {
    each_backend(|b, store| async move {
        let a = admin(b, &store, "974760673", "a@example.no").await;
        let ts = store.tenant(&a);
        let old = ts.create_system(system("PACS")).await.must(b, "existing");
        let pending = ts
            .save_pending_import("systemer.xlsx", vec!["name".into()], vec![vec!["PACS".into()]])
            .await
            .must(b, "save upload");
        assert_eq!(
            ts.pending_import(&pending.id).await.must(b, "read upload"),
            pending,
            "[{b}]"
        );

        // One bad row refuses all; nothing changes and the upload stays.
        let rows = vec![
            (2, system("Nytt system")),
            (
                3,
                SystemInput {
                    name: " ".into(),
                    ..system("x")
                },
            ),
        ];
        match ts.import_systems(&pending.id, rows).await {
            Err(StoreError::Invalid(r)) => assert_eq!((r.key(), r.details().len()), ("refusal-import-row", 1), "[{b}]"),
            other => panic!("[{b}] a bad row: {other:?}"),
        }
        let twice = vec![(2, system("A")), (3, system("a"))];
        assert_err!(
            b,
            ts.import_systems(&pending.id, twice).await,
            StoreError::Invalid(_),
            "a name twice"
        );
        assert_eq!(ts.systems().await.must(b, "list").len(), 1, "[{b}] nothing saved");

        let changed = SystemInput {
            owner: Some("Ny eier".into()),
            ..system("PACS")
        };
        let counts = ts
            .import_systems(&pending.id, vec![(2, changed), (3, system("Nytt system"))])
            .await
            .must(b, "import");
        assert_eq!((counts.created, counts.updated), (1, 1), "[{b}]");
        let now = ts.system(&old.id).await.must(b, "updated");
        assert_eq!((now.version, now.input.owner.as_deref()), (2, Some("Ny eier")), "[{b}]");
        assert_err!(
            b,
            ts.pending_import(&pending.id).await,
            StoreError::NotFound,
            "the upload is used up"
        );

        // Another tenant cannot read or use an upload.
        let other = admin(b, &store, "983544622", "b@example.no").await;
        let p2 = ts.save_pending_import("x.csv", vec![], vec![]).await.must(b, "save");
        assert_err!(
            b,
            store.tenant(&other).pending_import(&p2.id).await,
            StoreError::NotFound,
            "across"
        );
        assert_err!(
            b,
            store
                .tenant(&other)
                .import_systems(&p2.id, vec![(2, system("Q"))])
                .await,
            StoreError::NotFound,
            "import across"
        );
    })
    .await;
}

#[tokio::test]
async fn lists_come_in_pages() {
    each_backend(|b, store| async move {
        let a = admin(b, &store, "974760673", "a@example.no").await;
        let ts = store.tenant(&a);
        let mut ids = Vec::new();
        for n in 0..7 {
            let mut s = system(&format!("System {n:02}"));
            if n % 3 == 0 {
                s.data_category = DataCategory::None;
            }
            ids.push(ts.create_system(s).await.must(b, "system").id);
        }
        let page = ts.systems_page(None, None, 5, 5).await.must(b, "page 2");
        assert_eq!(page.total, 7, "[{b}]");
        let names: Vec<_> = page.items.iter().map(|s| s.input.name.as_str()).collect();
        assert_eq!(names, ["System 05", "System 06"], "[{b}]");
        let found = ts
            .systems_page(Some("STEM 0"), Some(DataCategory::None), 0, 50)
            .await
            .must(b, "search");
        let names: Vec<_> = found.items.iter().map(|s| s.input.name.as_str()).collect();
        assert_eq!(
            (found.total, names),
            (3, vec!["System 00", "System 03", "System 06"]),
            "[{b}]"
        );
        let percent = ts.systems_page(Some("%"), None, 0, 50).await.must(b, "a % is text");
        assert_eq!(percent.total, 7, "[{b}] wildcards in the search are not wildcards");
        ts.create_integration(integration(&ids[1], &ids[0], None))
            .await
            .must(b, "integration");
        ts.create_integration(integration(&ids[0], &ids[2], None))
            .await
            .must(b, "integration 2");
        let listed = ts.integrations_of(&[ids[2].clone()]).await.must(b, "integrations");
        assert_eq!(
            (listed.total, listed.items.len()),
            (2, 1),
            "[{b}] only those touching the page"
        );
        assert_eq!(
            (listed.items[0].from_name.as_str(), listed.items[0].to_name.as_str()),
            ("System 00", "System 02"),
            "[{b}]"
        );
        let (sys, flows) = ts.flow(Some(DataCategory::None)).await.must(b, "flow");
        assert_eq!(
            (sys.len(), flows.len()),
            (3, 0),
            "[{b}] only integrations between two such systems"
        );
        let (sys, flows) = ts.flow(None).await.must(b, "flow all");
        assert_eq!((sys.len(), flows.len()), (7, 2), "[{b}]");
        let other = admin(b, &store, "983544622", "b@example.no").await;
        assert_eq!(
            store
                .tenant(&other)
                .systems_page(None, None, 0, 50)
                .await
                .must(b, "other")
                .total,
            0,
            "[{b}]"
        );
    })
    .await;
}

#[tokio::test]
async fn level_texts_are_the_enterprises_own() {
    use etterlev_store::LevelText;
    each_backend(|b, store| async move {
        let a = admin(b, &store, "974760673", "a@example.no").await;
        let other = admin(b, &store, "983544622", "b@example.no").await;
        let ts = store.tenant(&a);
        let t = |d: &str, level: u8, text: &str| LevelText {
            dimension: d.into(),
            level,
            text: text.into(),
        };
        let saved = ts
            .set_level_texts(vec![t("confidentiality", 3, " Vår høy "), t("integrity", 1, "  ")])
            .await
            .must(b, "save");
        assert_eq!(
            saved,
            vec![t("confidentiality", 3, "Vår høy")],
            "[{b}] blank is the default"
        );
        assert_err!(
            b,
            ts.set_level_texts(vec![t("secrecy", 1, "x")]).await,
            StoreError::Invalid(_),
            "dimension"
        );
        assert_err!(
            b,
            ts.set_level_texts(vec![t("integrity", 5, "x")]).await,
            StoreError::Invalid(_),
            "level"
        );
        assert_eq!(
            ts.level_texts().await.must(b, "read"),
            saved,
            "[{b}] nothing changed by a refusal"
        );
        assert!(
            store.tenant(&other).level_texts().await.must(b, "other").is_empty(),
            "[{b}]"
        );
        let audit = audit_actions(b, &store, &a).await;
        assert_eq!(
            audit.iter().filter(|x| *x == "inventory.level_texts").count(),
            1,
            "[{b}]"
        );
    })
    .await;
}
