//! Assessments, answers, evidence and actions: tenant isolation, roles,
//! validation, optimistic locking, all-or-nothing imports, content-addressed
//! evidence, carry-over between catalogue versions and audit entries.
//!
//! Fixtures: `tests/fixtures/demo-1.0.yaml` and `demo-2.0.yaml` (copies of
//! the catalogue crate's diff fixtures). From 1.0 to 2.0: `1-a` changed,
//! `1-b` and `2-a` unchanged, `1-c` moved to `2-c` (renamed, `replaces`),
//! `2-b` removed, `2-d` added. `1` and `2` are chapters.

use etterlev_catalog::{CatalogSet, Document, parse_document};
use etterlev_core::{
    ActionStatus, AnswerStatus, AuditRecord, Condition, Maturity, Priority, Role, SizeClass, TenantKind, WizardAnswer,
};
use etterlev_store::{
    ActionInput, AnswerInput, Assessment, AssessmentKind, AssessmentProfile, Backend, ConflictWith, EvidenceKind,
    NewAction, NewAssessment, Store, StoreError, TenantScope, User,
};

use crate::support::*;

const V1: &str = "demo@1.0";
const V2: &str = "demo@2.0";

fn fixtures() -> CatalogSet {
    let parse = |name: &str, yaml: &str| match parse_document(name, yaml.as_bytes()) {
        Ok(Document::Catalog(c)) => c,
        other => panic!("fixture {name} is not a valid catalogue: {other:?}"),
    };
    CatalogSet {
        threats: Vec::new(),
        catalogs: vec![
            parse("demo-1.0.yaml", include_str!("../fixtures/demo-1.0.yaml")),
            parse("demo-2.0.yaml", include_str!("../fixtures/demo-2.0.yaml")),
        ],
        mappings: vec![],
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

/// Catalogues imported, and a tenant with an admin.
struct World {
    store: Store,
    tenant_id: String,
    admin: TenantScope,
}

async fn world(b: &str, store: Store, org: &str, email: &str) -> World {
    store
        .import_catalog_set(&fixtures(), None, false)
        .await
        .must(b, "import fixtures");
    other_tenant(b, store, org, email).await
}

/// A second tenant in a store whose catalogues are already imported.
async fn other_tenant(b: &str, store: Store, org: &str, email: &str) -> World {
    let (t, admin) = tenant_with_admin(b, &store, email, org, email).await;
    let admin = store.scope(&admin, &t.id).await.must(b, "admin scope");
    World {
        store,
        tenant_id: t.id,
        admin,
    }
}

impl World {
    async fn member(&self, b: &str, email: &str, role: Role) -> TenantScope {
        let (_, created) = self
            .store
            .tenant(&self.admin)
            .add_member(email, "Test Person", role)
            .await
            .must(b, "add_member");
        let user: User = created.expect("a new account");
        self.store.scope(&user, &self.tenant_id).await.must(b, "member scope")
    }

    async fn assessment(&self, b: &str, catalog: &str, start_from: Option<&str>) -> Assessment {
        self.store
            .tenant(&self.admin)
            .create_assessment(new_assessment(catalog, start_from))
            .await
            .must(b, "create_assessment")
    }

    async fn audit(&self, b: &str) -> Vec<AuditRecord> {
        self.store
            .tenant(&self.admin)
            .audit_page(i64::MAX, 500)
            .await
            .must(b, "audit_page")
    }
}

fn new_assessment(catalog: &str, start_from: Option<&str>) -> NewAssessment {
    NewAssessment {
        catalog_key: catalog.into(),
        title: format!("Egenvurdering {catalog}"),
        kind: AssessmentKind::Full,
        owner: Some("Kari, daglig leder".into()),
        period_start: Some("2026-01-01".into()),
        period_end: Some("2026-12-31".into()),
        profile: AssessmentProfile {
            kind: TenantKind::GpOffice,
            size: SizeClass::Small,
            conditions: vec![Condition::UsesCloudServices],
        },
        start_from: start_from.map(str::to_string),
    }
}

fn input(status: AnswerStatus) -> AnswerInput {
    AnswerInput {
        status,
        maturity: Some(Maturity::new(3).expect("0..=5")),
        owner: Some("Ola".into()),
        due_date: Some("2026-06-30".into()),
        comment: Some("Rutine finnes".into()),
        na_reason: None,
        wizard_answer: None,
    }
}

fn new_action(title: &str, priority: Priority, deadline: Option<&str>) -> NewAction {
    NewAction {
        title: title.into(),
        description: None,
        assessment_id: None,
        node_id: None,
        owner: Some("Ola".into()),
        deadline: deadline.map(str::to_string),
        priority,
    }
}

fn invalid_mentions<T: std::fmt::Debug>(b: &str, res: StoreResult<T>, needle: &str, what: &str) {
    match res {
        Err(StoreError::Invalid(m)) => {
            assert!(m.contains(needle), "[{b}] {what}: message {m:?} should name {needle:?}")
        }
        other => panic!("[{b}] {what}: expected Invalid, got {other:?}"),
    }
}

type StoreResult<T> = Result<T, StoreError>;

#[tokio::test]
async fn create_list_and_get() {
    each_backend(|b, store| async move {
        let w = world(b, store, "974760673", "a@example.no").await;
        let ts = w.store.tenant(&w.admin);
        assert!(ts.list_assessments().await.must(b, "list").is_empty(), "[{b}]");

        let first = w.assessment(b, V1, None).await;
        assert_eq!(first.catalog_key, V1, "[{b}]");
        assert_eq!(first.kind, AssessmentKind::Full, "[{b}]");
        assert_eq!(first.version, 1, "[{b}]");
        assert!(!first.closed && first.previous_id.is_none(), "[{b}]");
        assert_eq!(first.profile.conditions, [Condition::UsesCloudServices], "[{b}]");
        assert_eq!(first.period_end.as_deref(), Some("2026-12-31"), "[{b}]");
        let second = w.assessment(b, V2, None).await;

        assert_eq!(ts.assessment(&first.id).await.must(b, "get"), first, "[{b}] round trip");
        let ids: Vec<_> = ts
            .list_assessments()
            .await
            .must(b, "list")
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(ids, [second.id.clone(), first.id.clone()], "[{b}] newest first");
        assert_err!(b, ts.assessment("no-such-id").await, StoreError::NotFound, "missing id");

        // Bad input: nothing is created.
        let bad = |f: fn(&mut NewAssessment)| {
            let mut n = new_assessment(V1, None);
            f(&mut n);
            n
        };
        invalid_mentions(
            b,
            ts.create_assessment(bad(|n| n.catalog_key = "nope@1".into())).await,
            "nope@1",
            "unknown catalogue",
        );
        invalid_mentions(
            b,
            ts.create_assessment(bad(|n| n.period_start = Some("2026-02-30".into())))
                .await,
            "YYYY-MM-DD",
            "impossible date",
        );
        invalid_mentions(
            b,
            ts.create_assessment(bad(|n| n.period_end = Some("2025-12-31".into())))
                .await,
            "before",
            "period ends before it starts",
        );
        invalid_mentions(
            b,
            ts.create_assessment(bad(|n| n.title = "  ".into())).await,
            "title",
            "blank title",
        );
        assert_err!(
            b,
            ts.create_assessment(bad(|n| n.start_from = Some("missing".into())))
                .await,
            StoreError::NotFound,
            "start from a missing assessment"
        );
        assert_eq!(
            ts.list_assessments().await.must(b, "list").len(),
            2,
            "[{b}] nothing else created"
        );

        let wizard = ts
            .create_assessment(NewAssessment {
                kind: AssessmentKind::Wizard,
                owner: None,
                period_start: None,
                period_end: None,
                ..new_assessment(V2, None)
            })
            .await
            .must(b, "wizard assessment");
        assert_eq!(
            ts.assessment(&wizard.id).await.must(b, "get").kind,
            AssessmentKind::Wizard,
            "[{b}]"
        );
    })
    .await;
}

#[tokio::test]
async fn other_tenants_see_nothing() {
    each_backend(|b, store| async move {
        let a = world(b, store.clone(), "974760673", "a@example.no").await;
        let other = other_tenant(b, store, "983544622", "b@example.no").await;
        let ta = a.store.tenant(&a.admin);
        let tb = other.store.tenant(&other.admin);

        let asm = a.assessment(b, V1, None).await;
        let ans = ta
            .save_answer(&asm.id, "1-a", input(AnswerStatus::Partly), 0)
            .await
            .must(b, "save");
        let ev = ta
            .add_evidence_file(&asm.id, "1-a", "rutine.pdf", "application/pdf", b"%PDF-1.7 rutine")
            .await
            .must(b, "evidence");
        let mut act = new_action("Skriv rutine", Priority::High, None);
        act.assessment_id = Some(asm.id.clone());
        act.node_id = Some("1-a".into());
        let act = ta.create_action(act).await.must(b, "action");
        let audit_before = a.audit(b).await.len();

        // The bulk status query sees the owner's answers and nothing across tenants.
        let rows = ta
            .answer_statuses(std::slice::from_ref(&asm.id))
            .await
            .must(b, "statuses");
        assert_eq!(rows.len(), 1, "[{b}]");
        assert_eq!(
            (rows[0].node_id.as_str(), rows[0].status),
            ("1-a", AnswerStatus::Partly),
            "[{b}]"
        );
        assert!(
            tb.answer_statuses(std::slice::from_ref(&asm.id))
                .await
                .must(b, "statuses")
                .is_empty(),
            "[{b}]"
        );
        assert!(ta.answer_statuses(&[]).await.must(b, "statuses").is_empty(), "[{b}]");

        assert!(tb.list_assessments().await.must(b, "list").is_empty(), "[{b}]");
        assert_err!(b, tb.assessment(&asm.id).await, StoreError::NotFound, "assessment");
        assert_err!(b, tb.answers(&asm.id).await, StoreError::NotFound, "answers");
        assert_err!(
            b,
            tb.save_answer(&asm.id, "1-a", input(AnswerStatus::Verified), ans.version)
                .await,
            StoreError::NotFound,
            "save into another tenant's assessment"
        );
        assert_err!(
            b,
            tb.save_answers(&asm.id, vec![("1-a".into(), input(AnswerStatus::Verified))])
                .await,
            StoreError::NotFound,
            "import into another tenant's assessment"
        );
        assert_err!(
            b,
            tb.close_assessment(&asm.id, asm.version).await,
            StoreError::NotFound,
            "close"
        );
        assert_err!(b, tb.evidence(&asm.id).await, StoreError::NotFound, "evidence list");
        assert_err!(b, tb.evidence_blob(&ev.id).await, StoreError::NotFound, "evidence blob");
        assert_err!(
            b,
            tb.delete_evidence(&ev.id).await,
            StoreError::NotFound,
            "delete evidence"
        );
        assert_err!(
            b,
            tb.add_evidence_link(&asm.id, "1-a", "https://example.no", None).await,
            StoreError::NotFound,
            "add evidence"
        );
        assert_err!(b, tb.action(&act.id).await, StoreError::NotFound, "action");
        assert_err!(
            b,
            tb.actions(Some(&asm.id)).await,
            StoreError::NotFound,
            "actions of assessment"
        );
        assert!(tb.actions(None).await.must(b, "actions").is_empty(), "[{b}]");
        let change = ActionInput {
            title: "Stjålet".into(),
            description: None,
            owner: None,
            deadline: None,
            priority: Priority::Low,
            status: ActionStatus::Done,
        };
        assert_err!(
            b,
            tb.update_action(&act.id, change, act.version).await,
            StoreError::NotFound,
            "update action"
        );
        let mut foreign = new_action("Lenket", Priority::Low, None);
        foreign.assessment_id = Some(asm.id.clone());
        assert_err!(
            b,
            tb.create_action(foreign).await,
            StoreError::NotFound,
            "action on another tenant's assessment"
        );
        assert_err!(
            b,
            tb.create_assessment(new_assessment(V1, Some(&asm.id))).await,
            StoreError::NotFound,
            "start from another tenant's assessment"
        );

        // A's data is untouched and A's chain has no new entries.
        assert_eq!(ta.answers(&asm.id).await.must(b, "answers"), [ans], "[{b}]");
        assert_eq!(
            ta.evidence_blob(&ev.id).await.must(b, "blob").1,
            b"%PDF-1.7 rutine",
            "[{b}]"
        );
        assert_eq!(ta.action(&act.id).await.must(b, "action"), act, "[{b}]");
        assert_eq!(
            a.audit(b).await.len(),
            audit_before,
            "[{b}] refused calls write no audit"
        );
    })
    .await;
}

#[tokio::test]
async fn readers_read_and_editors_edit() {
    each_backend(|b, store| async move {
        let w = world(b, store, "974760673", "a@example.no").await;
        let asm = w.assessment(b, V1, None).await;
        let reader = w.member(b, "reader@example.no", Role::Reader).await;
        let auditor = w.member(b, "auditor@example.no", Role::Auditor).await;
        let editor = w.member(b, "editor@example.no", Role::Editor).await;

        for (who, scope) in [("reader", &reader), ("auditor", &auditor)] {
            let ts = w.store.tenant(scope);
            assert_eq!(ts.assessment(&asm.id).await.must(b, who), asm, "[{b}] {who} reads");
            assert!(ts.answers(&asm.id).await.must(b, who).is_empty(), "[{b}]");
            assert!(ts.actions(None).await.must(b, who).is_empty(), "[{b}]");
            assert!(ts.evidence(&asm.id).await.must(b, who).is_empty(), "[{b}]");
            assert_err!(
                b,
                ts.save_answer(&asm.id, "1-a", input(AnswerStatus::Implemented), 0)
                    .await,
                StoreError::Forbidden,
                format!("{who} saves an answer")
            );
            assert_err!(
                b,
                ts.save_answers(&asm.id, vec![("1-a".into(), input(AnswerStatus::Implemented))])
                    .await,
                StoreError::Forbidden,
                format!("{who} imports answers")
            );
            assert_err!(
                b,
                ts.create_assessment(new_assessment(V1, None)).await,
                StoreError::Forbidden,
                format!("{who} creates an assessment")
            );
            assert_err!(
                b,
                ts.close_assessment(&asm.id, asm.version).await,
                StoreError::Forbidden,
                format!("{who} closes")
            );
            assert_err!(
                b,
                ts.add_evidence_link(&asm.id, "1-a", "https://example.no", None).await,
                StoreError::Forbidden,
                format!("{who} adds evidence")
            );
            assert_err!(
                b,
                ts.create_action(new_action("x", Priority::Low, None)).await,
                StoreError::Forbidden,
                format!("{who} creates an action")
            );
        }
        assert!(
            w.store
                .tenant(&reader)
                .answers(&asm.id)
                .await
                .must(b, "answers")
                .is_empty(),
            "[{b}] refused saves wrote nothing"
        );

        let ts = w.store.tenant(&editor);
        let saved = ts
            .save_answer(&asm.id, "1-a", input(AnswerStatus::Implemented), 0)
            .await
            .must(b, "editor saves");
        assert_eq!(saved.updated_by.as_deref(), Some("editor@example.no"), "[{b}]");
        ts.create_action(new_action("Oppfølging", Priority::Medium, None))
            .await
            .must(b, "editor creates an action");
        ts.create_assessment(new_assessment(V2, None))
            .await
            .must(b, "editor creates an assessment");
    })
    .await;
}

#[tokio::test]
async fn second_writer_with_a_stale_version_gets_a_conflict() {
    each_backend(|b, store| async move {
        let w = world(b, store, "974760673", "a@example.no").await;
        let asm = w.assessment(b, V1, None).await;
        let kari = w.member(b, "kari@example.no", Role::Editor).await;
        let ola = w.member(b, "ola@example.no", Role::Editor).await;
        let (tk, to) = (w.store.tenant(&kari), w.store.tenant(&ola));

        // Both open the empty answer (version 0); Kari saves first.
        let first = tk
            .save_answer(&asm.id, "1-a", input(AnswerStatus::Implemented), 0)
            .await
            .must(b, "first save");
        assert_eq!(first.version, 1, "[{b}]");
        assert_eq!(first.status, AnswerStatus::Implemented, "[{b}]");
        assert_eq!(first.maturity, Maturity::new(3).ok(), "[{b}]");
        assert_eq!(first.comment.as_deref(), Some("Rutine finnes"), "[{b}]");

        let mut mine = input(AnswerStatus::NotStarted);
        mine.comment = Some("Ola's view".into());
        match to.save_answer(&asm.id, "1-a", mine.clone(), 0).await {
            Err(StoreError::VersionConflict(c)) => match *c {
                ConflictWith::Answer(current) => assert_eq!(current, first, "[{b}] carries Kari's answer"),
                other => panic!("[{b}] conflict with {other:?}"),
            },
            other => panic!("[{b}] expected VersionConflict, got {other:?}"),
        }
        let err = to
            .save_answer(&asm.id, "1-a", mine.clone(), 0)
            .await
            .expect_err("stale");
        assert_eq!(err.to_string(), "someone else saved this after you opened it", "[{b}]");
        assert_eq!(
            tk.answers(&asm.id).await.must(b, "answers"),
            std::slice::from_ref(&first),
            "[{b}] nothing changed"
        );

        // Having seen Kari's answer, Ola saves on top of version 1.
        let second = to
            .save_answer(&asm.id, "1-a", mine.clone(), 1)
            .await
            .must(b, "second save");
        assert_eq!(second.version, 2, "[{b}]");
        assert_eq!(second.updated_by.as_deref(), Some("ola@example.no"), "[{b}]");
        match tk.save_answer(&asm.id, "1-a", input(AnswerStatus::Verified), 1).await {
            Err(StoreError::VersionConflict(c)) => {
                assert_eq!(*c, ConflictWith::Answer(second.clone()), "[{b}] carries Ola's answer")
            }
            other => panic!("[{b}] expected VersionConflict, got {other:?}"),
        }
        invalid_mentions(
            b,
            to.save_answer(&asm.id, "1-b", input(AnswerStatus::Partly), 4).await,
            "1-b",
            "a version for an answer that does not exist",
        );

        // Racing writers on the same version: exactly one wins.
        let (s1, s2) = (w.store.clone(), w.store.clone());
        let (k2, o2) = (kari.clone(), ola.clone());
        let (id1, id2) = (asm.id.clone(), asm.id.clone());
        let t1 = tokio::spawn(async move {
            s1.tenant(&k2)
                .save_answer(&id1, "2-a", input(AnswerStatus::Implemented), 0)
                .await
        });
        let t2 = tokio::spawn(async move {
            s2.tenant(&o2)
                .save_answer(&id2, "2-a", input(AnswerStatus::Partly), 0)
                .await
        });
        let results = [t1.await.expect("task"), t2.await.expect("task")];
        let won = results.iter().filter(|r| r.is_ok()).count();
        let lost = results
            .iter()
            .filter(|r| matches!(r, Err(StoreError::VersionConflict(_))))
            .count();
        assert_eq!((won, lost), (1, 1), "[{b}] one save wins, one conflicts: {results:?}");
        let stored = tk.answers(&asm.id).await.must(b, "answers");
        assert_eq!(stored.iter().filter(|a| a.node_id == "2-a").count(), 1, "[{b}]");
        let saves = w.audit(b).await.iter().filter(|e| e.action == "answer.save").count();
        assert_eq!(saves, 3, "[{b}] one audit entry per successful save");
    })
    .await;
}

#[tokio::test]
async fn bad_answers_are_refused_and_nothing_is_written() {
    each_backend(|b, store| async move {
        let w = world(b, store, "974760673", "a@example.no").await;
        let ts = w.store.tenant(&w.admin);
        let asm = w.assessment(b, V1, None).await;
        let audit_before = w.audit(b).await.len();

        let mut na = input(AnswerStatus::NotApplicable);
        na.na_reason = Some("   ".into());
        invalid_mentions(
            b,
            ts.save_answer(&asm.id, "1-b", na.clone(), 0).await,
            "reason",
            "NA without reason",
        );
        invalid_mentions(
            b,
            ts.save_answer(&asm.id, "9-z", input(AnswerStatus::Partly), 0).await,
            "9-z",
            "unknown node",
        );
        invalid_mentions(
            b,
            ts.save_answer(&asm.id, "2-d", input(AnswerStatus::Partly), 0).await,
            "2-d",
            "a node of another catalogue version",
        );
        invalid_mentions(
            b,
            ts.save_answer(&asm.id, "1", input(AnswerStatus::Partly), 0).await,
            "chapter",
            "a chapter",
        );
        let mut bad_date = input(AnswerStatus::Partly);
        bad_date.due_date = Some("30.06.2026".into());
        invalid_mentions(
            b,
            ts.save_answer(&asm.id, "1-a", bad_date, 0).await,
            "YYYY-MM-DD",
            "bad due date",
        );
        assert!(
            ts.answers(&asm.id).await.must(b, "answers").is_empty(),
            "[{b}] nothing saved"
        );
        assert_eq!(w.audit(b).await.len(), audit_before, "[{b}] nothing audited");

        na.na_reason = Some("Vi har ingen sikkerhetsleder-stilling".into());
        let saved = ts.save_answer(&asm.id, "1-b", na, 0).await.must(b, "NA with reason");
        assert_eq!(saved.status, AnswerStatus::NotApplicable, "[{b}]");

        // Closed assessments are read-only.
        match ts.close_assessment(&asm.id, asm.version + 5).await {
            Err(StoreError::VersionConflict(c)) => {
                assert_eq!(*c, ConflictWith::Assessment(asm.clone()), "[{b}] stale close")
            }
            other => panic!("[{b}] expected VersionConflict, got {other:?}"),
        }
        let closed = ts.close_assessment(&asm.id, asm.version).await.must(b, "close");
        assert!(closed.closed, "[{b}]");
        assert_eq!(closed.version, asm.version + 1, "[{b}]");
        invalid_mentions(
            b,
            ts.close_assessment(&asm.id, closed.version).await,
            "closed",
            "close twice",
        );
        invalid_mentions(
            b,
            ts.save_answer(&asm.id, "1-a", input(AnswerStatus::Verified), 0).await,
            "closed",
            "save into a closed assessment",
        );
        invalid_mentions(
            b,
            ts.save_answers(&asm.id, vec![("1-a".into(), input(AnswerStatus::Verified))])
                .await,
            "closed",
            "import into a closed assessment",
        );
        invalid_mentions(
            b,
            ts.add_evidence_link(&asm.id, "1-a", "https://example.no", None).await,
            "closed",
            "evidence for a closed assessment",
        );
        assert_eq!(ts.answers(&asm.id).await.must(b, "answers"), [saved], "[{b}]");
    })
    .await;
}

#[tokio::test]
async fn bulk_save_is_all_or_nothing() {
    each_backend(|b, store| async move {
        let w = world(b, store, "974760673", "a@example.no").await;
        let ts = w.store.tenant(&w.admin);
        let asm = w.assessment(b, V1, None).await;
        let existing = ts
            .save_answer(&asm.id, "1-a", input(AnswerStatus::Partly), 0)
            .await
            .must(b, "save");
        let audit_before = w.audit(b).await.len();

        let good = || {
            vec![
                ("1-a".to_string(), input(AnswerStatus::Verified)),
                ("1-c".to_string(), input(AnswerStatus::NotStarted)),
                ("2-a".to_string(), input(AnswerStatus::Implemented)),
            ]
        };
        let mut with_unknown = good();
        with_unknown.push(("nope".into(), input(AnswerStatus::Partly)));
        with_unknown.push(("2".into(), input(AnswerStatus::Partly)));
        match ts.save_answers(&asm.id, with_unknown).await {
            Err(StoreError::Invalid(m)) => {
                assert!(
                    m.contains("nope") && m.contains("2 is a chapter"),
                    "[{b}] names every bad id: {m}"
                )
            }
            other => panic!("[{b}] expected Invalid, got {other:?}"),
        }
        let mut with_na = good();
        with_na.push(("2-b".into(), input(AnswerStatus::NotApplicable)));
        invalid_mentions(
            b,
            ts.save_answers(&asm.id, with_na).await,
            "2-b",
            "NA without reason in a bulk",
        );
        let mut twice = good();
        twice.push(("1-c".into(), input(AnswerStatus::Verified)));
        invalid_mentions(
            b,
            ts.save_answers(&asm.id, twice).await,
            "more than once",
            "a row twice",
        );
        assert_eq!(
            ts.answers(&asm.id).await.must(b, "answers"),
            std::slice::from_ref(&existing),
            "[{b}] nothing saved"
        );
        assert_eq!(w.audit(b).await.len(), audit_before, "[{b}] nothing audited");

        assert_eq!(ts.save_answers(&asm.id, good()).await.must(b, "bulk"), 3, "[{b}]");
        let answers = ts.answers(&asm.id).await.must(b, "answers");
        let got: Vec<_> = answers
            .iter()
            .map(|a| (a.node_id.as_str(), a.status, a.version))
            .collect();
        assert_eq!(
            got,
            [
                ("1-a", AnswerStatus::Verified, 2),
                ("1-c", AnswerStatus::NotStarted, 1),
                ("2-a", AnswerStatus::Implemented, 1)
            ],
            "[{b}] in catalogue order; the existing answer is overwritten (last writer wins)"
        );
        let audit = w.audit(b).await;
        assert_eq!(audit.len(), audit_before + 1, "[{b}] one audit entry for the import");
        let entry = &audit[0];
        assert_eq!(
            (entry.action.as_str(), entry.object_id.as_str()),
            ("answers.import", asm.id.as_str()),
            "[{b}]"
        );
        let before: serde_json::Value = serde_json::from_str(entry.before.as_deref().expect("before")).expect("json");
        let after: serde_json::Value = serde_json::from_str(entry.after.as_deref().expect("after")).expect("json");
        assert_eq!(before.as_array().map(Vec::len), Some(1), "[{b}] {before}");
        assert_eq!(after.as_array().map(Vec::len), Some(3), "[{b}] {after}");
    })
    .await;
}

#[tokio::test]
async fn evidence_files_are_stored_once_per_tenant() {
    each_backend(|b, store| async move {
        let w = world(b, store.clone(), "974760673", "a@example.no").await;
        let other = other_tenant(b, store.clone(), "983544622", "b@example.no").await;
        let ts = w.store.tenant(&w.admin);
        let asm = w.assessment(b, V1, None).await;
        let bytes = b"Rutine for tilgangsstyring, versjon 3".as_slice();

        let one = ts
            .add_evidence_file(&asm.id, "1-a", "rutine.txt", "text/plain", bytes)
            .await
            .must(b, "first file");
        let two = ts
            .add_evidence_file(&asm.id, "2-a", "kopi.txt", "text/plain", bytes)
            .await
            .must(b, "same bytes again");
        let sha = {
            use sha2::Digest as _;
            hex::encode(sha2::Sha256::digest(bytes))
        };
        assert_eq!(
            one.sha256.as_deref(),
            Some(sha.as_str()),
            "[{b}] SHA-256 of the bytes, hex"
        );
        assert_eq!(one.sha256, two.sha256, "[{b}] same bytes, same hash");
        assert_eq!(one.kind, EvidenceKind::File, "[{b}]");
        assert_eq!(one.size, Some(i64::try_from(bytes.len()).expect("small")), "[{b}]");
        assert_eq!(
            count(b, &store, "SELECT COUNT(*) FROM blobs").await,
            1,
            "[{b}] the bytes are stored once"
        );
        // Another tenant's identical file is its own blob.
        let asm_b = other.assessment(b, V1, None).await;
        other
            .store
            .tenant(&other.admin)
            .add_evidence_file(&asm_b.id, "1-a", "x.txt", "text/plain", bytes)
            .await
            .must(b, "other tenant's file");
        assert_eq!(
            count(b, &store, "SELECT COUNT(*) FROM blobs").await,
            2,
            "[{b}] per tenant"
        );

        let link = ts
            .add_evidence_link(&asm.id, "1-a", " https://example.no/rutine ", Some("Intranett"))
            .await
            .must(b, "link");
        assert_eq!(
            (link.kind, link.url.as_deref(), link.filename.as_deref()),
            (EvidenceKind::Link, Some("https://example.no/rutine"), Some("Intranett")),
            "[{b}]"
        );
        let list = ts.evidence(&asm.id).await.must(b, "list");
        assert_eq!(list, [one.clone(), two.clone(), link.clone()], "[{b}] oldest first");

        let (ev, got) = ts.evidence_blob(&two.id).await.must(b, "blob");
        assert_eq!((ev, got.as_slice()), (two.clone(), bytes), "[{b}]");
        assert_err!(
            b,
            ts.evidence_blob(&link.id).await,
            StoreError::NotFound,
            "a link has no bytes"
        );

        // Bad input.
        invalid_mentions(
            b,
            ts.add_evidence_file(&asm.id, "1-a", "tom.txt", "text/plain", b"").await,
            "empty",
            "empty file",
        );
        invalid_mentions(
            b,
            ts.add_evidence_file(&asm.id, "nope", "a.txt", "text/plain", b"x").await,
            "nope",
            "unknown node",
        );
        invalid_mentions(
            b,
            ts.add_evidence_link(&asm.id, "1-a", "javascript:alert(1)", None).await,
            "https://",
            "script link",
        );
        assert_eq!(ts.evidence(&asm.id).await.must(b, "list").len(), 3, "[{b}]");

        // Deleting: the blob goes with the last reference.
        ts.delete_evidence(&one.id).await.must(b, "delete one");
        assert_eq!(
            count(b, &store, "SELECT COUNT(*) FROM blobs").await,
            2,
            "[{b}] still used"
        );
        ts.delete_evidence(&two.id).await.must(b, "delete two");
        assert_eq!(
            count(b, &store, "SELECT COUNT(*) FROM blobs").await,
            1,
            "[{b}] unused blob removed"
        );
        ts.delete_evidence(&link.id).await.must(b, "delete link");
        assert_err!(
            b,
            ts.delete_evidence(&link.id).await,
            StoreError::NotFound,
            "delete twice"
        );
        assert!(ts.evidence(&asm.id).await.must(b, "list").is_empty(), "[{b}]");

        let actions: Vec<_> = w.audit(b).await.into_iter().map(|e| e.action).collect();
        assert_eq!(actions.iter().filter(|a| *a == "evidence.add").count(), 3, "[{b}]");
        assert_eq!(actions.iter().filter(|a| *a == "evidence.delete").count(), 3, "[{b}]");
    })
    .await;
}

mod actions;
#[allow(unused_imports)]
pub use actions::*;
