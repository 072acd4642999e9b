//! Reminders on both backends: what falls due, the job's marks (once, in
//! the audit log), the one-digest-a-day claim, calendar tokens, evidence
//! validity, and tenants kept apart.

use etterlev_catalog::{CatalogSet, Document, parse_document};
use etterlev_core::inventory::{MeasureKind, MeasureStatus};
use etterlev_core::{Priority, SizeClass, TenantKind};
use etterlev_store::{
    AssessmentKind, AssessmentProfile, DueKind, MeasureInput, NewAction, NewAssessment, Store, StoreError, TenantScope,
};

use crate::support::*;

fn fixtures() -> CatalogSet {
    match parse_document("demo-1.0.yaml", include_str!("../fixtures/demo-1.0.yaml").as_bytes()) {
        Ok(Document::Catalog(c)) => CatalogSet {
            threats: Vec::new(),
            catalogs: vec![c],
            mappings: vec![],
        },
        other => panic!("fixture is not a valid catalogue: {other:?}"),
    }
}

async fn admin(b: &str, store: &Store, org: &str, email: &str) -> TenantScope {
    let (t, admin) = tenant_with_admin(b, store, email, org, email).await;
    store.scope(&admin, &t.id).await.must(b, "admin scope")
}

fn measure(title: &str, review_by: &str) -> MeasureInput {
    MeasureInput {
        title: title.into(),
        description: None,
        kind: MeasureKind::Technical,
        status: MeasureStatus::Implemented,
        owner: None,
        review_by: Some(review_by.into()),
        check_method: None,
        check_interval: None,
        last_checked: None,
        last_result: None,
        systems: vec![],
        requirements: vec![],
    }
}

#[tokio::test]
async fn due_items_marks_digests_and_calendar_tokens() {
    each_backend(|b, store| async move {
        store
            .import_catalog_set(&fixtures(), None, false)
            .await
            .must(b, "import");
        let a = admin(b, &store, "974760673", "a@example.no").await;
        let other = admin(b, &store, "983544622", "b@example.no").await;
        let ts = store.tenant(&a);
        let past = ts
            .create_measure(measure("Gammel gjennomgang", "2026-11-01"))
            .await
            .must(b, "measure");
        ts.create_measure(measure("Snart", "2026-12-20"))
            .await
            .must(b, "measure 2");
        ts.create_measure(measure("Langt fram", "2027-06-01"))
            .await
            .must(b, "measure 3");
        ts.create_action(NewAction {
            title: "Oppdater rutine".into(),
            description: None,
            assessment_id: None,
            node_id: None,
            owner: None,
            deadline: Some("2026-12-10".into()),
            priority: Priority::High,
        })
        .await
        .must(b, "action");
        let assessment = ts
            .create_assessment(NewAssessment {
                catalog_key: "demo@1.0".into(),
                title: "Vurdering".into(),
                kind: AssessmentKind::Full,
                owner: None,
                period_start: None,
                period_end: None,
                profile: AssessmentProfile {
                    kind: TenantKind::GpOffice,
                    size: SizeClass::Small,
                    conditions: vec![],
                },
                start_from: None,
            })
            .await
            .must(b, "assessment");
        let e = ts
            .add_evidence_link(
                &assessment.id,
                "1-a",
                "https://example.no/sertifikat",
                Some("Sertifikat"),
            )
            .await
            .must(b, "evidence");
        ts.set_evidence_valid_until(&assessment.id, &e.id, Some("2026-12-01".into()))
            .await
            .must(b, "valid until");
        assert_err!(
            b,
            ts.set_evidence_valid_until(&assessment.id, &e.id, Some("1.12.2026".into()))
                .await,
            StoreError::Invalid(_),
            "not a date"
        );
        assert_err!(
            b,
            store
                .tenant(&other)
                .set_evidence_valid_until(&assessment.id, &e.id, None)
                .await,
            StoreError::NotFound,
            "another tenant's evidence"
        );

        let due = ts.due_items("2027-01-06").await.must(b, "due");
        let seen: Vec<(DueKind, &str)> = due.iter().map(|d| (d.kind, d.title.as_str())).collect();
        assert_eq!(
            seen,
            [
                (DueKind::Measure, "Gammel gjennomgang"),
                (DueKind::Evidence, "Sertifikat"),
                (DueKind::Action, "Oppdater rutine"),
                (DueKind::Measure, "Snart"),
            ],
            "[{b}] earliest first, the far one left out"
        );
        assert!(
            store
                .tenant(&other)
                .due_items("2030-01-01")
                .await
                .must(b, "other")
                .is_empty(),
            "[{b}]"
        );

        // The job marks what passed, once.
        assert_eq!(store.mark_expired("2026-12-07").await.must(b, "mark"), 2, "[{b}]");
        assert_eq!(
            store.mark_expired("2026-12-07").await.must(b, "again"),
            0,
            "[{b}] idempotent"
        );
        let marks = store.expiry_marks(a.tenant_id()).await.must(b, "marks");
        assert_eq!(marks.len(), 2, "[{b}]");
        assert!(marks.iter().any(|(k, id, _)| k == "measure" && *id == past.id), "[{b}]");
        let audit: Vec<String> = ts
            .audit_page(i64::MAX, 100)
            .await
            .must(b, "audit")
            .into_iter()
            .map(|r| r.action)
            .collect();
        assert_eq!(
            audit.iter().filter(|x| *x == "measure.review_passed").count(),
            1,
            "[{b}]"
        );
        assert_eq!(audit.iter().filter(|x| *x == "evidence.expired").count(), 1, "[{b}]");

        // One digest per user and day.
        let recipients = store.digest_recipients().await.must(b, "recipients");
        assert!(
            recipients
                .iter()
                .any(|r| r.user.email == "a@example.no" && r.tenant_id == a.tenant_id()),
            "[{b}]"
        );
        let user = &recipients[0].user;
        assert!(
            store.claim_digest(&user.id, "2026-12-07", 3).await.must(b, "claim"),
            "[{b}]"
        );
        assert!(
            !store
                .claim_digest(&user.id, "2026-12-07", 3)
                .await
                .must(b, "claim again"),
            "[{b}]"
        );
        store.release_digest(&user.id, "2026-12-07").await.must(b, "release");
        assert!(
            store
                .claim_digest(&user.id, "2026-12-07", 3)
                .await
                .must(b, "after release"),
            "[{b}]"
        );

        // Calendar tokens: one per user, revocable.
        store.set_calendar_token(user, "hash-1").await.must(b, "token");
        store.set_calendar_token(user, "hash-2").await.must(b, "new token");
        assert!(
            store.user_by_calendar_token("hash-1").await.must(b, "old").is_none(),
            "[{b}] replaced"
        );
        assert_eq!(
            store
                .user_by_calendar_token("hash-2")
                .await
                .must(b, "new")
                .map(|u| u.id),
            Some(user.id.clone()),
            "[{b}]"
        );
        store.revoke_calendar_tokens(user).await.must(b, "revoke");
        assert!(
            store
                .user_by_calendar_token("hash-2")
                .await
                .must(b, "revoked")
                .is_none(),
            "[{b}]"
        );
        assert!(!store.has_calendar_token(&user.id).await.must(b, "has"), "[{b}]");
    })
    .await;
}
