use super::*;

/// A document's facts and status change without a case; the status change
/// and its note go into the history, and a stale version, a taken number or
/// an unknown catalogue change nothing.
#[tokio::test]
pub(super) async fn documents_are_edited_with_history_and_optimistic_locking() {
    each_backend(|b, store| async move {
        let user = secretariat_user(b, &store).await;
        let s = store.secretariat(&user).must(b, "scope");
        let input = |number: &str, status: DocumentStatus| DocumentInput {
            kind: DocumentKind::FactSheet,
            number: Some(number.into()),
            title: format!("Faktaark {number}"),
            doc_version: Some("1.0".into()),
            status,
            owner: None,
            working_group: None,
            catalog_key: None,
            published_on: None,
            next_revision: None,
        };
        let doc = s
            .create_document(&input("59", DocumentStatus::Draft))
            .await
            .must(b, "document");
        s.create_document(&input("43", DocumentStatus::Published))
            .await
            .must(b, "other document");
        let mut change = input("59", DocumentStatus::WorkingGroup);
        change.owner = Some("Arbeidsgruppe skytjenester".into());
        change.working_group = Some("Helse Vest RHF, KS".into());
        let edited = s
            .update_document(&doc.id, &change, doc.version, Some("Sendt til arbeidsgruppen".into()))
            .await
            .must(b, "edit");
        assert_eq!(edited.status, DocumentStatus::WorkingGroup, "[{b}]");
        assert_eq!(edited.owner.as_deref(), Some("Arbeidsgruppe skytjenester"), "[{b}]");
        assert_eq!(edited.version, doc.version + 1, "[{b}]");
        let history = s.document_history(&doc.id).await.must(b, "history");
        let last = history.last().expect("history");
        assert_eq!(
            (
                last.from_status,
                last.to_status,
                last.note.as_deref(),
                last.case_number.as_deref()
            ),
            (
                Some(DocumentStatus::Draft),
                DocumentStatus::WorkingGroup,
                Some("Sendt til arbeidsgruppen"),
                None
            ),
            "[{b}] {history:?}"
        );
        // Facts only: no new history row.
        let mut facts = change.clone();
        facts.doc_version = Some("1.1".into());
        let edited = s
            .update_document(&doc.id, &facts, edited.version, None)
            .await
            .must(b, "facts");
        assert_eq!(
            s.document_history(&doc.id).await.must(b, "history").len(),
            history.len(),
            "[{b}]"
        );
        // Refused, nothing changed: a stale version, a number taken, an unknown catalogue, a bad date.
        let mut stale = facts.clone();
        stale.title = "Skal ikke lagres".into();
        assert_err!(
            b,
            s.update_document(&doc.id, &stale, doc.version, None).await,
            StoreError::VersionConflict(_),
            "stale version"
        );
        assert_err!(
            b,
            s.update_document(&doc.id, &input("43", DocumentStatus::Draft), edited.version, None)
                .await,
            StoreError::Conflict(_),
            "number taken"
        );
        let mut bad = facts.clone();
        bad.catalog_key = Some("normen@9.9".into());
        assert_err!(
            b,
            s.update_document(&doc.id, &bad, edited.version, None).await,
            StoreError::Invalid(_),
            "unknown catalogue"
        );
        let mut bad = facts.clone();
        bad.next_revision = Some("2027-02-30".into());
        assert_err!(
            b,
            s.update_document(&doc.id, &bad, edited.version, None).await,
            StoreError::Invalid(_),
            "bad date"
        );
        assert_err!(
            b,
            s.update_document("no-such-doc", &facts, 1, None).await,
            StoreError::NotFound,
            "unknown document"
        );
        assert_eq!(s.document(&doc.id).await.must(b, "document"), edited, "[{b}] unchanged");
        let audit = store.system_audit(i64::MAX, 100).await.must(b, "audit");
        assert_eq!(
            audit.iter().filter(|r| r.action == "sec_document.update").count(),
            2,
            "[{b}] one audit entry per saved edit"
        );
    })
    .await;
}

/// A seat ends on a given day; not before it starts, and not before a
/// meeting the organisation attended on it (nothing changes then).
#[tokio::test]
pub(super) async fn seats_end_but_not_under_recorded_attendance() {
    each_backend(|b, store| async move {
        let user = secretariat_user(b, &store).await;
        let s = store.secretariat(&user).must(b, "scope");
        let org = s.create_organisation("Helse Nord RHF", None).await.must(b, "org");
        let seat = s
            .add_seat(&SeatInput {
                organisation_id: org.id.clone(),
                role: MemberRole::Member,
                valid_from: "2020-01-01".into(),
                valid_to: None,
                representative: Some("Kari Nordmann".into()),
                deputy: None,
            })
            .await
            .must(b, "seat");
        let meeting = s
            .create_meeting(&meeting_on("Juni", "2026-06-11"))
            .await
            .must(b, "meeting");
        s.set_attendance(&meeting.id, &[attending(&org.id)])
            .await
            .must(b, "attendance");
        match s.end_seat(&seat.id, "2026-01-01").await {
            Err(StoreError::Invalid(m)) => assert!(m.contains("2026-06-11"), "[{b}] {m}"),
            other => panic!("[{b}] ending under attendance: {other:?}"),
        }
        assert_err!(
            b,
            s.end_seat(&seat.id, "2019-12-31").await,
            StoreError::Invalid(_),
            "before the start"
        );
        assert_err!(
            b,
            s.end_seat(&seat.id, "31.12.2026").await,
            StoreError::Invalid(_),
            "not a date"
        );
        assert_err!(
            b,
            s.end_seat("no-such-seat", "2026-12-31").await,
            StoreError::NotFound,
            "unknown seat"
        );
        assert_eq!(s.seats().await.must(b, "seats"), vec![seat.clone()], "[{b}] unchanged");
        let ended = s
            .end_seat(&seat.id, "2026-06-11")
            .await
            .must(b, "end on the meeting day");
        assert_eq!(ended.valid_to.as_deref(), Some("2026-06-11"), "[{b}]");
        // After the end, the organisation cannot be recorded at a later meeting.
        let later = s
            .create_meeting(&meeting_on("September", "2026-09-17"))
            .await
            .must(b, "meeting");
        let r = s.set_attendance(&later.id, &[attending(&org.id)]).await;
        assert_err!(b, r, StoreError::Invalid(_), "attendance after the end");
        let audit = store.system_audit(i64::MAX, 100).await.must(b, "audit");
        assert!(audit.iter().any(|r| r.action == "sec_seat.end"), "[{b}] audited");
    })
    .await;
}

/// An undecided case is changed (and renumbered) before the meeting; a
/// taken number, a number of another year, a decided case and a case of
/// another meeting are refused with nothing changed.
#[tokio::test]
pub(super) async fn undecided_cases_are_edited() {
    each_backend(|b, store| async move {
        let user = secretariat_user(b, &store).await;
        let s = store.secretariat(&user).must(b, "scope");
        let june = s
            .create_meeting(&meeting_on("Juni", "2026-06-11"))
            .await
            .must(b, "meeting");
        let sept = s
            .create_meeting(&meeting_on("September", "2026-09-17"))
            .await
            .must(b, "meeting");
        let first = s
            .add_case(&june.id, &case(CaseKind::Decision, "Faktaark 31", None))
            .await
            .must(b, "case");
        let second = s
            .add_case(&june.id, &case(CaseKind::Information, "Status", None))
            .await
            .must(b, "case");
        let mut change = case(CaseKind::Discussion, "Faktaark 31, revidert", None);
        change.proposal = Some("Styringsgruppen drøfter utkastet.".into());
        let edited = s.update_case(&june.id, &first.id, &change).await.must(b, "edit");
        assert_eq!(
            (
                edited.number,
                edited.kind,
                edited.title.as_str(),
                edited.proposal.as_deref()
            ),
            (
                first.number,
                CaseKind::Discussion,
                "Faktaark 31, revidert",
                Some("Styringsgruppen drøfter utkastet.")
            ),
            "[{b}] number kept, the rest changed"
        );
        change.number = Some(CaseNumber::parse("07/26").expect("number"));
        let renumbered = s.update_case(&june.id, &first.id, &change).await.must(b, "renumber");
        assert_eq!(renumbered.number.to_string(), "07/26", "[{b}]");
        // Refusals.
        change.number = Some(second.number);
        assert_err!(
            b,
            s.update_case(&june.id, &first.id, &change).await,
            StoreError::Conflict(_),
            "number taken"
        );
        change.number = Some(CaseNumber::parse("08/25").expect("number"));
        assert_err!(
            b,
            s.update_case(&june.id, &first.id, &change).await,
            StoreError::Invalid(_),
            "another year"
        );
        change.number = None;
        assert_err!(
            b,
            s.update_case(&sept.id, &first.id, &change).await,
            StoreError::NotFound,
            "another meeting"
        );
        s.decide(
            &june.id,
            &second.id,
            &CaseDecisionInput {
                decision: "Tatt til orientering.".into(),
                new_status: None,
            },
        )
        .await
        .must(b, "decide");
        assert_err!(
            b,
            s.update_case(&june.id, &second.id, &change).await,
            StoreError::Invalid(_),
            "decided"
        );
        assert_eq!(s.case(&first.id).await.must(b, "case"), renumbered, "[{b}] unchanged");
        let audit = store.system_audit(i64::MAX, 100).await.must(b, "audit");
        assert_eq!(
            audit.iter().filter(|r| r.action == "sec_case.update").count(),
            2,
            "[{b}] one audit entry per saved edit"
        );
    })
    .await;
}

/// A meeting moves to another day; not to another year once it has cases,
/// and not to a day on which an organisation listed as attending has no
/// seat. Nothing changes when refused.
#[tokio::test]
pub(super) async fn meetings_are_rescheduled_within_their_rules() {
    each_backend(|b, store| async move {
        let user = secretariat_user(b, &store).await;
        let s = store.secretariat(&user).must(b, "scope");
        let org = s.create_organisation("Helse Vest RHF", None).await.must(b, "org");
        s.add_seat(&SeatInput {
            organisation_id: org.id.clone(),
            role: MemberRole::Member,
            valid_from: "2020-01-01".into(),
            valid_to: Some("2026-06-30".into()),
            representative: None,
            deputy: None,
        })
        .await
        .must(b, "seat");
        let input = |date: &str, place: Option<&str>| MeetingInput {
            title: "Styringsgruppemøte".into(),
            meeting_date: date.into(),
            starts: Some("10:00".into()),
            ends: Some("15:00".into()),
            place: place.map(Into::into),
        };
        let m = s.create_meeting(&input("2026-06-11", None)).await.must(b, "meeting");
        s.set_attendance(&m.id, &[attending(&org.id)])
            .await
            .must(b, "attendance");
        s.add_case(&m.id, &case(CaseKind::Information, "Status", None))
            .await
            .must(b, "case");
        let moved = s
            .update_meeting(&m.id, &input("2026-06-18", Some("Oslo")))
            .await
            .must(b, "move a week");
        assert_eq!(s.meeting(&m.id).await.must(b, "meeting"), moved, "[{b}] stored");
        assert_eq!(moved.place.as_deref(), Some("Oslo"), "[{b}]");
        match s.update_meeting(&m.id, &input("2026-09-17", None)).await {
            Err(StoreError::Invalid(msg)) => assert!(msg.contains("Helse Vest RHF"), "[{b}] {msg}"),
            other => panic!("[{b}] a day without the attendee's seat: {other:?}"),
        }
        assert_err!(
            b,
            s.update_meeting(&m.id, &input("2027-01-14", None)).await,
            StoreError::Invalid(_),
            "another year with cases"
        );
        assert_err!(
            b,
            s.update_meeting(&m.id, &input("2026-02-30", None)).await,
            StoreError::Invalid(_),
            "not a date"
        );
        assert_err!(
            b,
            s.update_meeting("no-such-meeting", &input("2026-06-18", None)).await,
            StoreError::NotFound,
            "unknown"
        );
        assert_eq!(s.meeting(&m.id).await.must(b, "meeting"), moved, "[{b}] unchanged");
        let audit = store.system_audit(i64::MAX, 100).await.must(b, "audit");
        assert!(audit.iter().any(|r| r.action == "sec_meeting.update"), "[{b}] audited");
    })
    .await;
}
