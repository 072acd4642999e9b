//! Bulk changes to actions (all or nothing, versions, roles, isolation, one
//! audit entry per altered action) and "continue where you left off".

use etterlev_catalog::{CatalogSet, Document, parse_document};
use etterlev_core::{ActionStatus, AnswerStatus, Condition, Priority, Role, SizeClass, TenantKind};
use etterlev_store::{
    Action, ActionChanges, AnswerInput, AssessmentKind, AssessmentProfile, ConflictWith, NewAction, NewAssessment,
    SelectedAction, Store, StoreError, TenantScope, User,
};

use crate::support::*;

const V1: &str = "demo@1.0";

fn fixtures() -> CatalogSet {
    let parse = |name: &str, yaml: &str| match parse_document(name, yaml.as_bytes()) {
        Ok(Document::Catalog(c)) => c,
        other => panic!("fixture {name} is not a valid catalogue: {other:?}"),
    };
    CatalogSet {
        threats: Vec::new(),
        catalogs: vec![parse("demo-1.0.yaml", include_str!("../fixtures/demo-1.0.yaml"))],
        mappings: vec![],
    }
}

async fn admin_scope(b: &str, store: &Store, org: &str, email: &str) -> TenantScope {
    let (t, admin) = tenant_with_admin(b, store, email, org, email).await;
    store.scope(&admin, &t.id).await.must(b, "admin scope")
}

async fn member(b: &str, store: &Store, admin: &TenantScope, email: &str, role: Role) -> TenantScope {
    let (_, created) = store
        .tenant(admin)
        .add_member(email, "Test Person", role)
        .await
        .must(b, "add_member");
    let user: User = created.expect("a new account");
    store.scope(&user, admin.tenant_id()).await.must(b, "member scope")
}

fn new_action(title: &str, priority: Priority) -> NewAction {
    NewAction {
        title: title.into(),
        description: Some("Hvorfor".into()),
        assessment_id: None,
        node_id: None,
        owner: None,
        deadline: None,
        priority,
    }
}

fn pick(actions: &[&Action]) -> Vec<SelectedAction> {
    actions
        .iter()
        .map(|a| SelectedAction {
            id: a.id.clone(),
            version: a.version,
        })
        .collect()
}

fn owner_and_deadline(owner: &str, deadline: &str) -> ActionChanges {
    ActionChanges {
        owner: Some(owner.into()),
        deadline: Some(deadline.into()),
        ..ActionChanges::default()
    }
}

async fn update_entries(b: &str, store: &Store, scope: &TenantScope) -> usize {
    store
        .tenant(scope)
        .audit_page(i64::MAX, 500)
        .await
        .must(b, "audit_page")
        .iter()
        .filter(|e| e.action == "action.update")
        .count()
}

#[tokio::test]
async fn bulk_changes_are_all_or_nothing() {
    each_backend(|b, store| async move {
        let admin = admin_scope(b, &store, "974760673", "a@example.no").await;
        let editor = member(b, &store, &admin, "editor@example.no", Role::Editor).await;
        let reader = member(b, &store, &admin, "reader@example.no", Role::Reader).await;
        let ts = store.tenant(&editor);
        let one = ts.create_action(new_action("En", Priority::High)).await.must(b, "one");
        let two = ts.create_action(new_action("To", Priority::Low)).await.must(b, "two");
        let three = ts
            .create_action(new_action("Tre", Priority::Medium))
            .await
            .must(b, "three");

        // Two actions get an owner and a deadline in one change.
        let changed = ts
            .update_actions(&pick(&[&one, &two]), owner_and_deadline(" Kari ", "2027-03-31"))
            .await
            .must(b, "bulk change");
        assert_eq!(changed.len(), 2, "[{b}]");
        for (a, before) in changed.iter().zip([&one, &two]) {
            assert_eq!(
                (a.id.as_str(), a.owner.as_deref(), a.deadline.as_deref(), a.version),
                (before.id.as_str(), Some("Kari"), Some("2027-03-31"), 2),
                "[{b}]"
            );
            assert_eq!(
                (&a.title, &a.description, a.priority, a.status),
                (&before.title, &before.description, before.priority, before.status),
                "[{b}] the rest stays"
            );
            assert_eq!(&ts.action(&a.id).await.must(b, "get"), a, "[{b}] stored");
        }
        assert_eq!(ts.action(&three.id).await.must(b, "three"), three, "[{b}] not selected");
        assert_eq!(update_entries(b, &store, &admin).await, 2, "[{b}] one entry per action");
        let entry = store
            .tenant(&admin)
            .audit_page(i64::MAX, 500)
            .await
            .must(b, "audit")
            .into_iter()
            .find(|e| e.action == "action.update" && e.object_id == one.id)
            .expect("entry for the first action");
        let after: serde_json::Value = serde_json::from_str(entry.after.as_deref().expect("after")).expect("json");
        assert_eq!(
            (after["owner"].as_str(), entry.actor_label.as_str()),
            (Some("Kari"), "editor@example.no"),
            "[{b}]"
        );

        // Status and priority; an action the change does not alter keeps its
        // version and gets no entry.
        let one = ts.action(&one.id).await.must(b, "one");
        let two = ts.action(&two.id).await.must(b, "two");
        let changed = ts
            .update_actions(
                &pick(&[&one, &three]),
                ActionChanges {
                    status: Some(ActionStatus::InProgress),
                    priority: Some(Priority::High),
                    ..ActionChanges::default()
                },
            )
            .await
            .must(b, "status and priority");
        assert_eq!(
            (changed[0].status, changed[0].priority, changed[0].version),
            (ActionStatus::InProgress, Priority::High, 3),
            "[{b}]"
        );
        assert_eq!(changed[1].version, 2, "[{b}]");
        let one = changed[0].clone();
        let three = changed[1].clone();
        let same = ts
            .update_actions(
                &pick(&[&one]),
                ActionChanges {
                    status: Some(ActionStatus::InProgress),
                    ..ActionChanges::default()
                },
            )
            .await
            .must(b, "no-op");
        assert_eq!(same, vec![one.clone()], "[{b}] unaltered");
        assert_eq!(update_entries(b, &store, &admin).await, 4, "[{b}]");

        // A stale version anywhere in the selection: conflict, nothing changed.
        let stale = SelectedAction {
            id: two.id.clone(),
            version: 1,
        };
        let res = ts
            .update_actions(
                &[pick(&[&one])[0].clone(), stale, pick(&[&three])[0].clone()],
                owner_and_deadline("Ola", "2028-01-01"),
            )
            .await;
        match res {
            Err(StoreError::VersionConflict(c)) => {
                assert_eq!(*c, ConflictWith::Action(two.clone()), "[{b}] carries the stored action")
            }
            other => panic!("[{b}] expected VersionConflict, got {other:?}"),
        }
        assert_eq!(ts.action(&one.id).await.must(b, "one"), one, "[{b}] nothing changed");
        assert_eq!(
            ts.action(&three.id).await.must(b, "three"),
            three,
            "[{b}] nothing changed"
        );

        // Bad input: nothing changed.
        let all = pick(&[&one, &two, &three]);
        let invalid = |res: Result<Vec<Action>, StoreError>, needle: &str| match res {
            Err(StoreError::Invalid(m)) => assert!(m.contains(needle), "[{b}] {m:?} should name {needle:?}"),
            other => panic!("[{b}] expected Invalid naming {needle}, got {other:?}"),
        };
        invalid(
            ts.update_actions(&all, owner_and_deadline("Ola", "2026-02-30")).await,
            "YYYY-MM-DD",
        );
        invalid(ts.update_actions(&all, ActionChanges::default()).await, "at least one");
        invalid(
            ts.update_actions(
                &all,
                ActionChanges {
                    owner: Some("   ".into()),
                    ..ActionChanges::default()
                },
            )
            .await,
            "at least one",
        );
        invalid(
            ts.update_actions(&[], owner_and_deadline("Ola", "2028-01-01")).await,
            "select",
        );
        let twice = [all[0].clone(), all[0].clone()];
        invalid(
            ts.update_actions(&twice, owner_and_deadline("Ola", "2028-01-01")).await,
            "more than once",
        );
        invalid(
            ts.update_actions(&all, owner_and_deadline("a\u{7}b", "2028-01-01"))
                .await,
            "owner",
        );

        // An id of no action: NotFound, nothing changed.
        let mut missing = all.clone();
        missing.push(SelectedAction {
            id: "01890000-0000-7000-8000-000000000000".into(),
            version: 1,
        });
        assert_err!(
            b,
            ts.update_actions(&missing, owner_and_deadline("Ola", "2028-01-01"))
                .await,
            StoreError::NotFound,
            "a missing action"
        );

        // Readers may not.
        assert_err!(
            b,
            store
                .tenant(&reader)
                .update_actions(&all, owner_and_deadline("Ola", "2028-01-01"))
                .await,
            StoreError::Forbidden,
            "reader"
        );
        for a in [&one, &two, &three] {
            assert_eq!(&ts.action(&a.id).await.must(b, "get"), a, "[{b}] nothing changed");
        }
        assert_eq!(update_entries(b, &store, &admin).await, 4, "[{b}] no new entries");
        let report = store.audit_verify().await.must(b, "audit_verify");
        assert!(report.errors.is_empty(), "[{b}] {:?}", report.errors);
    })
    .await;
}

#[tokio::test]
async fn another_tenants_action_in_a_bulk_change_is_not_found() {
    each_backend(|b, store| async move {
        let a = admin_scope(b, &store, "974760673", "a@example.no").await;
        let other = admin_scope(b, &store, "983544622", "b@example.no").await;
        let mine = store
            .tenant(&a)
            .create_action(new_action("Mitt", Priority::High))
            .await
            .must(b, "mine");
        let theirs = store
            .tenant(&other)
            .create_action(new_action("Deres", Priority::High))
            .await
            .must(b, "theirs");
        assert_err!(
            b,
            store
                .tenant(&a)
                .update_actions(&pick(&[&mine, &theirs]), owner_and_deadline("Ola", "2028-01-01"))
                .await,
            StoreError::NotFound,
            "another tenant's action"
        );
        assert_eq!(store.tenant(&a).action(&mine.id).await.must(b, "mine"), mine, "[{b}]");
        assert_eq!(
            store.tenant(&other).action(&theirs.id).await.must(b, "theirs"),
            theirs,
            "[{b}]"
        );
    })
    .await;
}

fn new_assessment(title: &str, kind: AssessmentKind) -> NewAssessment {
    NewAssessment {
        catalog_key: V1.into(),
        title: title.into(),
        kind,
        owner: None,
        period_start: None,
        period_end: None,
        profile: AssessmentProfile {
            kind: TenantKind::GpOffice,
            size: SizeClass::Small,
            conditions: vec![Condition::UsesCloudServices],
        },
        start_from: None,
    }
}

fn answer() -> AnswerInput {
    AnswerInput {
        status: AnswerStatus::Partly,
        maturity: None,
        owner: None,
        due_date: None,
        comment: None,
        na_reason: None,
        wizard_answer: None,
    }
}

#[tokio::test]
async fn recent_work_is_the_users_last_changed_open_assessment() {
    each_backend(|b, store| async move {
        store
            .import_catalog_set(&fixtures(), None, false)
            .await
            .must(b, "import fixtures");
        let admin = admin_scope(b, &store, "974760673", "a@example.no").await;
        let editor = member(b, &store, &admin, "editor@example.no", Role::Editor).await;
        let reader = member(b, &store, &admin, "reader@example.no", Role::Reader).await;
        assert_eq!(store.tenant(&editor).recent_work().await.must(b, "none"), None, "[{b}]");

        // Nobody has answered: the enterprise's newest open one.
        let full = store
            .tenant(&admin)
            .create_assessment(new_assessment("Egenvurdering", AssessmentKind::Full))
            .await
            .must(b, "full");
        let run = store
            .tenant(&admin)
            .create_assessment(new_assessment("Veiviser", AssessmentKind::Wizard))
            .await
            .must(b, "wizard run");
        let w = store
            .tenant(&editor)
            .recent_work()
            .await
            .must(b, "fallback")
            .expect("one");
        assert_eq!((w.assessment.id.as_str(), w.by_me), (run.id.as_str(), false), "[{b}]");

        // The editor answers in the full assessment, then the admin in the
        // wizard run: each sees their own.
        store
            .tenant(&editor)
            .save_answer(&full.id, "1-a", answer(), 0)
            .await
            .must(b, "editor answers");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        store
            .tenant(&admin)
            .save_answer(&run.id, "1-a", answer(), 0)
            .await
            .must(b, "admin answers");
        let w = store.tenant(&editor).recent_work().await.must(b, "mine").expect("one");
        assert_eq!((w.assessment.id.as_str(), w.by_me), (full.id.as_str(), true), "[{b}]");
        let saved = store.tenant(&editor).answers(&full.id).await.must(b, "answers");
        assert_eq!(w.changed_at, saved[0].updated_at, "[{b}]");
        let w = store
            .tenant(&admin)
            .recent_work()
            .await
            .must(b, "admin's")
            .expect("one");
        assert_eq!((w.assessment.id.as_str(), w.by_me), (run.id.as_str(), true), "[{b}]");
        // The reader changed nothing: the enterprise's most recent.
        let w = store
            .tenant(&reader)
            .recent_work()
            .await
            .must(b, "reader")
            .expect("one");
        assert_eq!((w.assessment.id.as_str(), w.by_me), (run.id.as_str(), false), "[{b}]");

        // A closed one is not offered.
        let full = store.tenant(&admin).assessment(&full.id).await.must(b, "full");
        store
            .tenant(&admin)
            .close_assessment(&full.id, full.version)
            .await
            .must(b, "close");
        let w = store
            .tenant(&editor)
            .recent_work()
            .await
            .must(b, "after close")
            .expect("one");
        assert_eq!((w.assessment.id.as_str(), w.by_me), (run.id.as_str(), false), "[{b}]");
    })
    .await;
}
