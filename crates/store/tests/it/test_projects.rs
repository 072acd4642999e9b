//! Test projects (the test-data guideline as a checklist): create, list,
//! change, answer the checklist, decide; tenant isolation, roles, optimistic
//! locking, decisions refused while items are missing (nothing saved),
//! decision history and audit entries.

use etterlev_core::test_projects::{CheckAnswer, CheckKey, DataKind, Decision, MissingReason};
use etterlev_core::{AuditRecord, Role};
use etterlev_store::{
    CheckInput, CheckUpdate, ConflictWith, DecisionInput, Store, StoreError, TenantScope, TestProject,
    TestProjectInput, User,
};

use crate::support::*;

struct World {
    store: Store,
    tenant_id: String,
    admin: TenantScope,
}

async fn world(b: &str, store: Store, org: &str, email: &str) -> World {
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

    async fn project(&self, b: &str, kind: DataKind) -> TestProject {
        self.store
            .tenant(&self.admin)
            .create_test_project(project_input(kind))
            .await
            .must(b, "create_test_project")
    }

    async fn audit(&self, b: &str) -> Vec<AuditRecord> {
        self.store
            .tenant(&self.admin)
            .audit_page(i64::MAX, 500)
            .await
            .must(b, "audit_page")
    }
}

fn project_input(kind: DataKind) -> TestProjectInput {
    TestProjectInput {
        name: "Ny EPJ-versjon 24.1".into(),
        system_name: "DIPS Arena".into(),
        environment: Some("T2, lukket testnett".into()),
        purpose: Some("Regresjonstest før oppgradering".into()),
        owner: Some("IKT-sjef".into()),
        supplier: Some("Leverandør AS".into()),
        data_kind: kind,
        delete_by: Some("2026-12-31".into()),
    }
}

fn update(key: CheckKey, answer: CheckAnswer, note: Option<&str>, expected_version: i64) -> CheckUpdate {
    CheckUpdate {
        key,
        input: CheckInput {
            answer,
            note: note.map(str::to_string),
        },
        expected_version,
    }
}

/// Every item answered yes with a note, as new answers.
fn all_yes() -> Vec<CheckUpdate> {
    CheckKey::ALL
        .iter()
        .map(|k| update(*k, CheckAnswer::Yes, Some("Dokumentert i testplanen"), 0))
        .collect()
}

fn decision(d: Decision) -> DecisionInput {
    DecisionInput {
        decision: d,
        reason: "Vurdert i sikkerhetsforum".into(),
        conditions: (d == Decision::ApprovedWithConditions).then(|| "Logging slås på før start".into()),
        review_by: Some("2026-06-30".into()),
    }
}

#[tokio::test]
async fn create_list_get_and_update() {
    each_backend(|b, store| async move {
        let w = world(b, store, "974760673", "a@example.no").await;
        let ts = w.store.tenant(&w.admin);
        assert!(ts.test_projects().await.must(b, "list").is_empty(), "[{b}]");

        let first = w.project(b, DataKind::Real).await;
        assert_eq!(first.version, 1, "[{b}]");
        assert_eq!(first.data_kind, DataKind::Real, "[{b}]");
        assert!(first.decision.is_none(), "[{b}]");
        let second = w.project(b, DataKind::Synthetic).await;
        assert_eq!(
            ts.test_project(&first.id).await.must(b, "get"),
            first,
            "[{b}] round trip"
        );
        let ids: Vec<_> = ts
            .test_projects()
            .await
            .must(b, "list")
            .into_iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(ids, [second.id.clone(), first.id.clone()], "[{b}] newest first");
        assert_err!(b, ts.test_project("no-such-id").await, StoreError::NotFound, "missing");

        // Bad input: nothing is created.
        for bad in [
            TestProjectInput {
                name: "  ".into(),
                ..project_input(DataKind::Real)
            },
            TestProjectInput {
                delete_by: Some("31.12.2026".into()),
                ..project_input(DataKind::Real)
            },
            TestProjectInput {
                system_name: "a\nb".into(),
                ..project_input(DataKind::Real)
            },
        ] {
            assert_err!(
                b,
                ts.create_test_project(bad).await,
                StoreError::Invalid(_),
                "bad project"
            );
        }
        assert_eq!(ts.test_projects().await.must(b, "list").len(), 2, "[{b}]");

        let changed = ts
            .update_test_project(
                &first.id,
                TestProjectInput {
                    owner: Some("Personvernombud".into()),
                    ..first.input()
                },
                1,
            )
            .await
            .must(b, "update");
        assert_eq!(
            (changed.version, changed.owner.as_deref()),
            (2, Some("Personvernombud")),
            "[{b}]"
        );
        match ts.update_test_project(&first.id, first.input(), 1).await {
            Err(StoreError::VersionConflict(c)) => {
                assert_eq!(
                    *c,
                    ConflictWith::TestProject(changed.clone()),
                    "[{b}] carries the stored project"
                )
            }
            other => panic!("[{b}] expected VersionConflict, got {other:?}"),
        }
        assert_eq!(
            ts.test_project(&first.id).await.must(b, "get"),
            changed,
            "[{b}] unchanged"
        );
        let actions: Vec<_> = w.audit(b).await.into_iter().map(|e| e.action).collect();
        assert_eq!(
            actions.iter().filter(|a| *a == "test_project.create").count(),
            2,
            "[{b}] {actions:?}"
        );
        assert_eq!(actions[0], "test_project.update", "[{b}] {actions:?}");
    })
    .await;
}

#[tokio::test]
async fn checklist_and_decisions() {
    each_backend(|b, store| async move {
        let w = world(b, store, "974760673", "a@example.no").await;
        let ts = w.store.tenant(&w.admin);
        let p = w.project(b, DataKind::Real).await;

        // Half answered: approval is refused, naming every open item, and
        // nothing is saved.
        let half: Vec<_> = all_yes().into_iter().take(5).collect();
        let saved = ts.save_test_checks(&p.id, half).await.must(b, "save half");
        assert_eq!(saved.len(), 5, "[{b}]");
        let audit_before = w.audit(b).await.len();
        match ts.decide_test_project(&p.id, decision(Decision::Approved), 1).await {
            Err(StoreError::ChecklistIncomplete(missing)) => {
                let keys: Vec<_> = missing.iter().map(|m| m.key).collect();
                assert_eq!(keys, CheckKey::ALL[5..], "[{b}]");
                assert!(missing.iter().all(|m| m.reason == MissingReason::Unanswered), "[{b}]");
            }
            other => panic!("[{b}] expected ChecklistIncomplete, got {other:?}"),
        }
        assert_eq!(ts.test_project(&p.id).await.must(b, "get"), p, "[{b}] nothing saved");
        assert!(ts.test_decisions(&p.id).await.must(b, "history").is_empty(), "[{b}]");
        assert_eq!(w.audit(b).await.len(), audit_before, "[{b}] nothing audited");

        // Bad decisions are refused before the checklist is looked at.
        let mut no_reason = decision(Decision::Rejected);
        no_reason.reason = " ".into();
        assert_err!(
            b,
            ts.decide_test_project(&p.id, no_reason, 1).await,
            StoreError::Invalid(_),
            "no reason"
        );
        let mut no_conditions = decision(Decision::ApprovedWithConditions);
        no_conditions.conditions = None;
        assert_err!(
            b,
            ts.decide_test_project(&p.id, no_conditions, 1).await,
            StoreError::Invalid(_),
            "no conditions"
        );

        // Answer the rest (one with a stale version: nothing of the batch is saved).
        let checks = ts.test_checks(&p.id).await.must(b, "checks");
        assert_eq!(checks.len(), 5, "[{b}]");
        let mut rest: Vec<_> = all_yes().into_iter().skip(5).collect();
        rest.push(update(checks[0].key, CheckAnswer::Partly, None, 7));
        match ts.save_test_checks(&p.id, rest).await {
            Err(StoreError::VersionConflict(c)) => {
                assert_eq!(*c, ConflictWith::TestCheck(checks[0].clone()), "[{b}]")
            }
            other => panic!("[{b}] expected VersionConflict, got {other:?}"),
        }
        assert_eq!(
            ts.test_checks(&p.id).await.must(b, "checks"),
            checks,
            "[{b}] batch not saved"
        );
        // A new answer must say version 0; a duplicate key is refused.
        assert_err!(
            b,
            ts.save_test_checks(&p.id, vec![update(CheckKey::Logging, CheckAnswer::Yes, None, 1)])
                .await,
            StoreError::Invalid(_),
            "new answer with a version"
        );
        assert_err!(
            b,
            ts.save_test_checks(
                &p.id,
                vec![
                    update(CheckKey::Logging, CheckAnswer::Yes, None, 0),
                    update(CheckKey::Logging, CheckAnswer::No, None, 0)
                ]
            )
            .await,
            StoreError::Invalid(_),
            "duplicate key"
        );
        let rest: Vec<_> = all_yes().into_iter().skip(5).collect();
        ts.save_test_checks(&p.id, rest).await.must(b, "save rest");
        // Saving an unchanged answer writes nothing.
        let again = ts
            .save_test_checks(
                &p.id,
                vec![update(
                    checks[0].key,
                    CheckAnswer::Yes,
                    Some("Dokumentert i testplanen"),
                    1,
                )],
            )
            .await
            .must(b, "unchanged");
        assert!(again.is_empty(), "[{b}]");

        let approved = ts
            .decide_test_project(&p.id, decision(Decision::Approved), 1)
            .await
            .must(b, "approve");
        assert_eq!(approved.decision, Some(Decision::Approved), "[{b}]");
        assert_eq!(approved.version, 2, "[{b}]");
        assert_eq!(approved.decided_by.as_deref(), Some("a@example.no"), "[{b}]");
        assert!(approved.decided_at.is_some(), "[{b}]");

        // Logging only partly in place: approval with conditions is a
        // revision; a stale version is a conflict.
        let logging = ts
            .test_checks(&p.id)
            .await
            .must(b, "checks")
            .into_iter()
            .find(|c| c.key == CheckKey::Logging)
            .expect("logging answered");
        ts.save_test_checks(
            &p.id,
            vec![update(
                CheckKey::Logging,
                CheckAnswer::Partly,
                Some("Logg finnes, oppfølging mangler"),
                logging.version,
            )],
        )
        .await
        .must(b, "partly");
        assert_err!(
            b,
            ts.decide_test_project(&p.id, decision(Decision::Approved), 2).await,
            StoreError::ChecklistIncomplete(_),
            "approve with logging partly"
        );
        assert_err!(
            b,
            ts.decide_test_project(&p.id, decision(Decision::ApprovedWithConditions), 1)
                .await,
            StoreError::VersionConflict(_),
            "stale decision"
        );
        let revised = ts
            .decide_test_project(&p.id, decision(Decision::ApprovedWithConditions), 2)
            .await
            .must(b, "approve with conditions");
        assert_eq!(
            revised.conditions.as_deref(),
            Some("Logging slås på før start"),
            "[{b}]"
        );
        let rejected = ts
            .decide_test_project(&p.id, decision(Decision::Rejected), 3)
            .await
            .must(b, "reject");

        let history = ts.test_decisions(&p.id).await.must(b, "history");
        let seen: Vec<_> = history.iter().map(|d| (d.seq, d.decision)).collect();
        assert_eq!(
            seen,
            [
                (3, Decision::Rejected),
                (2, Decision::ApprovedWithConditions),
                (1, Decision::Approved)
            ],
            "[{b}]"
        );
        assert_eq!(
            history[1].checks.len(),
            CheckKey::ALL.len(),
            "[{b}] the checklist as it stood"
        );
        assert!(
            history[1]
                .checks
                .iter()
                .any(|c| c.key == CheckKey::Logging && c.answer == CheckAnswer::Partly),
            "[{b}]"
        );
        assert!(history[2].checks.iter().all(|c| c.answer == CheckAnswer::Yes), "[{b}]");
        assert_eq!(history[0].data_kind, DataKind::Real, "[{b}]");

        // Changing the data kind withdraws the decision; the history keeps it.
        let changed = ts
            .update_test_project(
                &p.id,
                TestProjectInput {
                    data_kind: DataKind::Synthetic,
                    ..rejected.input()
                },
                rejected.version,
            )
            .await
            .must(b, "change kind");
        assert!(changed.decision.is_none() && changed.decided_at.is_none(), "[{b}]");
        assert_eq!(ts.test_decisions(&p.id).await.must(b, "history").len(), 3, "[{b}]");

        let audit = w.audit(b).await;
        let actions: Vec<_> = audit.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions.iter().filter(|a| **a == "test_check.save").count(),
            CheckKey::ALL.len() + 1,
            "[{b}] one entry per saved answer: {actions:?}"
        );
        assert_eq!(
            actions.iter().filter(|a| **a == "test_project.decide").count(),
            1,
            "[{b}]"
        );
        assert_eq!(
            actions.iter().filter(|a| **a == "test_project.revise_decision").count(),
            2,
            "[{b}]"
        );
        let decide = audit
            .iter()
            .find(|e| e.action == "test_project.decide")
            .expect("decide entry");
        assert_eq!(decide.object_id, p.id, "[{b}]");
        let after: serde_json::Value =
            serde_json::from_str(decide.after.as_deref().unwrap_or("{}")).expect("after json");
        assert_eq!(after["decision"], "approved", "[{b}]");
        assert_eq!(
            after["checks"].as_array().map(Vec::len),
            Some(CheckKey::ALL.len()),
            "[{b}]"
        );
        let report = w.store.audit_verify().await.must(b, "verify");
        assert!(report.errors.is_empty(), "[{b}] {:?}", report.errors);
    })
    .await;
}

#[tokio::test]
async fn synthetic_data_needs_only_purpose_and_separate_environments() {
    each_backend(|b, store| async move {
        let w = world(b, store, "974760673", "a@example.no").await;
        let ts = w.store.tenant(&w.admin);
        let p = w.project(b, DataKind::Synthetic).await;
        match ts.decide_test_project(&p.id, decision(Decision::Approved), 1).await {
            Err(StoreError::ChecklistIncomplete(m)) => assert_eq!(
                m.iter().map(|m| m.key).collect::<Vec<_>>(),
                [CheckKey::Purpose, CheckKey::SeparateEnvironments],
                "[{b}]"
            ),
            other => panic!("[{b}] expected ChecklistIncomplete, got {other:?}"),
        }
        ts.save_test_checks(
            &p.id,
            vec![
                update(CheckKey::Purpose, CheckAnswer::Yes, Some("Test av ny versjon"), 0),
                update(CheckKey::SeparateEnvironments, CheckAnswer::Yes, None, 0),
            ],
        )
        .await
        .must(b, "answer");
        let d = ts
            .decide_test_project(&p.id, decision(Decision::Approved), 1)
            .await
            .must(b, "approve");
        assert_eq!(d.decision, Some(Decision::Approved), "[{b}]");
    })
    .await;
}

#[tokio::test]
async fn other_tenants_see_nothing_and_readers_only_read() {
    each_backend(|b, store| async move {
        let a = world(b, store.clone(), "974760673", "a@example.no").await;
        let other = world(b, store, "983544622", "b@example.no").await;
        let ta = a.store.tenant(&a.admin);
        let tb = other.store.tenant(&other.admin);
        let p = a.project(b, DataKind::Pseudonymous).await;
        ta.save_test_checks(&p.id, all_yes()).await.must(b, "answer");
        let checks = ta.test_checks(&p.id).await.must(b, "checks");
        let reader = a.member(b, "reader@example.no", Role::Reader).await;
        let auditor = a.member(b, "auditor@example.no", Role::Auditor).await;
        let audit_before = a.audit(b).await.len();

        assert!(tb.test_projects().await.must(b, "list").is_empty(), "[{b}]");
        assert!(tb.all_test_checks().await.must(b, "all checks").is_empty(), "[{b}]");
        assert_err!(b, tb.test_project(&p.id).await, StoreError::NotFound, "get");
        assert_err!(b, tb.test_checks(&p.id).await, StoreError::NotFound, "checks");
        assert_err!(b, tb.test_decisions(&p.id).await, StoreError::NotFound, "history");
        assert_err!(
            b,
            tb.update_test_project(&p.id, p.input(), 1).await,
            StoreError::NotFound,
            "update"
        );
        assert_err!(
            b,
            tb.save_test_checks(&p.id, vec![update(CheckKey::Logging, CheckAnswer::No, None, 1)])
                .await,
            StoreError::NotFound,
            "answer"
        );
        assert_err!(
            b,
            tb.decide_test_project(&p.id, decision(Decision::Rejected), 1).await,
            StoreError::NotFound,
            "decide"
        );

        for (who, scope) in [("reader", &reader), ("auditor", &auditor)] {
            let ts = a.store.tenant(scope);
            assert_eq!(ts.test_project(&p.id).await.must(b, who), p, "[{b}] {who} reads");
            assert_eq!(ts.test_checks(&p.id).await.must(b, who), checks, "[{b}]");
            assert_eq!(ts.all_test_checks().await.must(b, who).len(), 1, "[{b}]");
            assert!(ts.test_decisions(&p.id).await.must(b, who).is_empty(), "[{b}]");
            assert_err!(
                b,
                ts.create_test_project(project_input(DataKind::Real)).await,
                StoreError::Forbidden,
                format!("{who} creates")
            );
            assert_err!(
                b,
                ts.update_test_project(&p.id, p.input(), 1).await,
                StoreError::Forbidden,
                format!("{who} updates")
            );
            assert_err!(
                b,
                ts.save_test_checks(&p.id, vec![update(CheckKey::Logging, CheckAnswer::No, None, 1)])
                    .await,
                StoreError::Forbidden,
                format!("{who} answers")
            );
            assert_err!(
                b,
                ts.decide_test_project(&p.id, decision(Decision::Rejected), 1).await,
                StoreError::Forbidden,
                format!("{who} decides")
            );
        }
        assert_eq!(
            a.audit(b).await.len(),
            audit_before,
            "[{b}] refused calls write no audit"
        );

        let editor = a.member(b, "editor@example.no", Role::Editor).await;
        let te = a.store.tenant(&editor);
        let d = te
            .decide_test_project(&p.id, decision(Decision::Approved), 1)
            .await
            .must(b, "editor decides");
        assert_eq!(d.decided_by.as_deref(), Some("editor@example.no"), "[{b}]");
        te.create_test_project(project_input(DataKind::Synthetic))
            .await
            .must(b, "editor creates");
    })
    .await;
}
