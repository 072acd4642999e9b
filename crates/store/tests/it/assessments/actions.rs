use super::*;

#[tokio::test]
pub(super) async fn actions_are_created_updated_and_ordered() {
    each_backend(|b, store| async move {
        let w = world(b, store, "974760673", "a@example.no").await;
        let ts = w.store.tenant(&w.admin);
        let asm = w.assessment(b, V1, None).await;

        let low = ts
            .create_action(new_action("Rydd i mapper", Priority::Low, Some("2026-01-10")))
            .await
            .must(b, "low");
        let high_late = ts
            .create_action(new_action("Tilgangsrevisjon", Priority::High, Some("2026-09-01")))
            .await
            .must(b, "high late");
        let high_none = ts
            .create_action(new_action("Opplæring", Priority::High, None))
            .await
            .must(b, "high without deadline");
        let mut gap = new_action("Skriv rutine for ansvar", Priority::PatientSafety, Some("2026-12-01"));
        gap.assessment_id = Some(asm.id.clone());
        gap.node_id = Some("1-a".into());
        gap.description = Some("  Fra gap i egenvurderingen ".into());
        let gap = ts.create_action(gap).await.must(b, "from a gap");
        assert_eq!(gap.catalog_key.as_deref(), Some(V1), "[{b}]");
        assert_eq!(
            gap.description.as_deref(),
            Some("Fra gap i egenvurderingen"),
            "[{b}] trimmed"
        );
        assert_eq!((gap.status, gap.version), (ActionStatus::Open, 1), "[{b}]");
        assert_eq!(ts.action(&gap.id).await.must(b, "get"), gap, "[{b}]");

        let order: Vec<_> = ts
            .actions(None)
            .await
            .must(b, "list")
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(
            order,
            [
                gap.id.clone(),
                high_late.id.clone(),
                high_none.id.clone(),
                low.id.clone()
            ],
            "[{b}] patient safety first, then by deadline, none last"
        );
        let of_asm = ts.actions(Some(&asm.id)).await.must(b, "of assessment");
        assert_eq!(of_asm, std::slice::from_ref(&gap), "[{b}]");

        // Bad input.
        let mut no_asm = new_action("x", Priority::Low, None);
        no_asm.node_id = Some("1-a".into());
        invalid_mentions(
            b,
            ts.create_action(no_asm).await,
            "assessment",
            "node without assessment",
        );
        let mut chapter = new_action("x", Priority::Low, None);
        chapter.assessment_id = Some(asm.id.clone());
        chapter.node_id = Some("1".into());
        invalid_mentions(b, ts.create_action(chapter).await, "chapter", "a chapter");
        invalid_mentions(
            b,
            ts.create_action(new_action("x", Priority::Low, Some("2026-13-01")))
                .await,
            "YYYY-MM-DD",
            "bad deadline",
        );
        invalid_mentions(
            b,
            ts.create_action(new_action(" ", Priority::Low, None)).await,
            "title",
            "blank title",
        );

        // Update and conflict.
        let change = |title: &str, status| ActionInput {
            title: title.into(),
            description: None,
            owner: Some("Kari".into()),
            deadline: Some("2026-11-01".into()),
            priority: Priority::PatientSafety,
            status,
        };
        let updated = ts
            .update_action(&gap.id, change("Rutine skrevet", ActionStatus::Done), gap.version)
            .await
            .must(b, "update");
        assert_eq!(
            (
                updated.title.as_str(),
                updated.status,
                updated.version,
                updated.owner.as_deref()
            ),
            ("Rutine skrevet", ActionStatus::Done, 2, Some("Kari")),
            "[{b}]"
        );
        assert_eq!(
            updated.node_id.as_deref(),
            Some("1-a"),
            "[{b}] the link to the requirement stays"
        );
        match ts
            .update_action(&gap.id, change("Stale", ActionStatus::Cancelled), gap.version)
            .await
        {
            Err(StoreError::VersionConflict(c)) => {
                assert_eq!(
                    *c,
                    ConflictWith::Action(updated.clone()),
                    "[{b}] carries the stored action"
                )
            }
            other => panic!("[{b}] expected VersionConflict, got {other:?}"),
        }
        assert_eq!(
            ts.action(&gap.id).await.must(b, "get"),
            updated,
            "[{b}] nothing changed"
        );
        invalid_mentions(
            b,
            ts.update_action(&gap.id, change("", ActionStatus::Open), updated.version)
                .await,
            "title",
            "blank title",
        );
        assert_err!(
            b,
            ts.update_action("missing", change("x", ActionStatus::Open), 1).await,
            StoreError::NotFound,
            "missing action"
        );

        let audit = w.audit(b).await;
        let upd = audit
            .iter()
            .find(|e| e.action == "action.update")
            .expect("action.update entry");
        let before: serde_json::Value = serde_json::from_str(upd.before.as_deref().expect("before")).expect("json");
        let after: serde_json::Value = serde_json::from_str(upd.after.as_deref().expect("after")).expect("json");
        assert_eq!(
            (before["status"].as_str(), after["status"].as_str()),
            (Some("open"), Some("done")),
            "[{b}]"
        );
        assert_eq!(audit.iter().filter(|e| e.action == "action.create").count(), 4, "[{b}]");
    })
    .await;
}

#[tokio::test]
pub(super) async fn answers_carry_over_to_a_new_catalogue_version() {
    each_backend(|b, store| async move {
        let w = world(b, store, "974760673", "a@example.no").await;
        let ts = w.store.tenant(&w.admin);
        let old = w.assessment(b, V1, None).await;
        let mut wizard = input(AnswerStatus::Implemented);
        wizard.wizard_answer = Some(WizardAnswer::Yes);
        let mut na = input(AnswerStatus::NotApplicable);
        na.na_reason = Some("Liten virksomhet".into());
        let rows = vec![
            ("1-a".to_string(), input(AnswerStatus::Implemented)),
            ("1-b".to_string(), na),
            ("1-c".to_string(), input(AnswerStatus::Partly)),
            ("2-a".to_string(), wizard),
            ("2-b".to_string(), input(AnswerStatus::Verified)),
        ];
        ts.save_answers(&old.id, rows).await.must(b, "answers in 1.0");
        let old_answers = ts.answers(&old.id).await.must(b, "answers");

        // Same catalogue version: everything as it was, at version 1.
        let same = w.assessment(b, V1, Some(&old.id)).await;
        assert_eq!(same.previous_id.as_deref(), Some(old.id.as_str()), "[{b}]");
        let copied = ts.answers(&same.id).await.must(b, "copied");
        assert_eq!(copied, old_answers, "[{b}] copied as they are");

        // Next version: through the diff.
        let new = w.assessment(b, V2, Some(&old.id)).await;
        let carried = ts.answers(&new.id).await.must(b, "carried");
        let got: Vec<_> = carried
            .iter()
            .map(|a| (a.node_id.as_str(), a.status, a.needs_review))
            .collect();
        assert_eq!(
            got,
            [
                ("1-a", AnswerStatus::Implemented, true),
                ("1-b", AnswerStatus::NotApplicable, false),
                ("2-a", AnswerStatus::Implemented, false),
                ("2-c", AnswerStatus::Partly, true),
            ],
            "[{b}] changed 1-a and moved 1-c→2-c flagged, unchanged copied, removed 2-b dropped, added 2-d empty"
        );
        assert_eq!(carried[1].na_reason.as_deref(), Some("Liten virksomhet"), "[{b}]");
        assert_eq!(carried[2].wizard_answer, Some(WizardAnswer::Yes), "[{b}]");
        assert!(carried.iter().all(|a| a.version == 1), "[{b}]");
        assert_eq!(
            ts.answers(&old.id).await.must(b, "old"),
            old_answers,
            "[{b}] the old one is untouched"
        );

        // Saving a flagged answer clears the flag.
        let reviewed = ts
            .save_answer(&new.id, "2-c", input(AnswerStatus::Implemented), 1)
            .await
            .must(b, "review");
        assert!(!reviewed.needs_review, "[{b}]");

        // Another catalogue (not a version of this one) is refused.
        let mut other = fixtures().catalogs[0].clone();
        other.id = "annen".into();
        let set = CatalogSet {
            threats: Vec::new(),
            catalogs: vec![other],
            mappings: vec![],
        };
        w.store
            .import_catalog_set(&set, None, false)
            .await
            .must(b, "import another catalogue");
        let before = ts.list_assessments().await.must(b, "list").len();
        invalid_mentions(
            b,
            ts.create_assessment(new_assessment("annen@1.0", Some(&old.id))).await,
            "one catalogue",
            "carry over to another catalogue",
        );
        assert_eq!(
            ts.list_assessments().await.must(b, "list").len(),
            before,
            "[{b}] nothing created"
        );
        assert_eq!(
            ts.save_answers(&new.id, vec![]).await.must(b, "empty import"),
            0,
            "[{b}]"
        );

        let audit = w.audit(b).await;
        assert!(
            !audit
                .iter()
                .any(|e| e.action == "answers.import" && e.object_id == new.id),
            "[{b}] an empty import is not audited"
        );
        let create = audit
            .iter()
            .find(|e| e.action == "assessment.create" && e.object_id == new.id)
            .expect("assessment.create entry");
        let after: serde_json::Value = serde_json::from_str(create.after.as_deref().expect("after")).expect("json");
        assert_eq!(after["answers_copied"], 4, "[{b}] {after}");
        assert_eq!(after["answers_flagged_for_review"], 2, "[{b}] {after}");
        assert_eq!(after["catalog_key"], V2, "[{b}] {after}");
    })
    .await;
}

#[tokio::test]
pub(super) async fn changes_are_audited_and_the_chain_verifies() {
    each_backend(|b, store| async move {
        let w = world(b, store, "974760673", "a@example.no").await;
        let ts = w.store.tenant(&w.admin);
        let asm = w.assessment(b, V1, None).await;
        let first = ts
            .save_answer(&asm.id, "1-a", input(AnswerStatus::Partly), 0)
            .await
            .must(b, "save");
        ts.save_answer(&asm.id, "1-a", input(AnswerStatus::Verified), first.version)
            .await
            .must(b, "save again");
        ts.save_answers(&asm.id, vec![("2-a".into(), input(AnswerStatus::Implemented))])
            .await
            .must(b, "import");
        let ev = ts
            .add_evidence_link(&asm.id, "1-a", "https://example.no", None)
            .await
            .must(b, "link");
        ts.delete_evidence(&ev.id).await.must(b, "delete");
        let act = ts
            .create_action(new_action("Tiltak", Priority::Medium, None))
            .await
            .must(b, "action");
        ts.update_action(
            &act.id,
            ActionInput {
                title: "Tiltak".into(),
                description: None,
                owner: None,
                deadline: None,
                priority: Priority::Medium,
                status: ActionStatus::InProgress,
            },
            act.version,
        )
        .await
        .must(b, "update");
        ts.close_assessment(&asm.id, asm.version).await.must(b, "close");

        let audit = w.audit(b).await;
        let mut actions: Vec<_> = audit
            .iter()
            .rev()
            .map(|e| e.action.as_str())
            .filter(|a| !a.starts_with("tenant.") && !a.starts_with("membership."))
            .collect();
        actions.dedup();
        assert_eq!(
            actions,
            [
                "assessment.create",
                "answer.save",
                "answers.import",
                "evidence.add",
                "evidence.delete",
                "action.create",
                "action.update",
                "assessment.close"
            ],
            "[{b}]"
        );
        for e in audit
            .iter()
            .filter(|e| !e.action.starts_with("tenant.") && !e.action.starts_with("membership."))
        {
            assert_eq!(e.tenant_id.as_deref(), Some(w.tenant_id.as_str()), "[{b}] tenant chain");
            assert_eq!(e.actor_label, "a@example.no", "[{b}] {}", e.action);
        }
        let saves: Vec<_> = audit.iter().filter(|e| e.action == "answer.save").collect();
        assert_eq!(saves.len(), 2, "[{b}]");
        assert!(saves[1].before.is_none(), "[{b}] the first save has no before");
        let before: serde_json::Value =
            serde_json::from_str(saves[0].before.as_deref().expect("before")).expect("json");
        let after: serde_json::Value = serde_json::from_str(saves[0].after.as_deref().expect("after")).expect("json");
        assert_eq!(
            (before["status"].as_str(), after["status"].as_str()),
            (Some("partly"), Some("verified")),
            "[{b}]"
        );
        assert_eq!(saves[0].object_id, format!("{}/1-a", asm.id), "[{b}]");

        let report = w.store.audit_verify().await.must(b, "verify");
        assert!(report.errors.is_empty(), "[{b}] {:?}", report.errors);
    })
    .await;
}
