//! The secretariat: only secretariat users get in; meetings, attendance,
//! numbered cases, comments and decisions, with the bad inputs of issue 7
//! refused with nothing saved; a decision moves its document's status in
//! the same transaction; statistics count opted-in tenants only and hide
//! small cells.

use etterlev_core::secretariat::{AttendanceStatus, CaseKind, CaseNumber, DocumentKind, DocumentStatus, MemberRole};
use etterlev_core::{AnswerStatus, SizeClass, TenantKind};
use etterlev_store::{
    Actor, AnswerInput, AssessmentKind, AssessmentProfile, AttendanceInput, Backend, CaseDecisionInput, CaseInput,
    DocumentInput, Measure, MeetingInput, NewAssessment, NewTenant, SeatInput, Store, StoreError, User,
};

use crate::support::*;

async fn secretariat_user(b: &str, store: &Store) -> User {
    let mut u = new_user("sekretariat@normen.test");
    u.is_secretariat = true;
    store
        .create_user(&Actor::cli(), &u)
        .await
        .must(b, "create secretariat user")
}

fn case(kind: CaseKind, title: &str, document_id: Option<String>) -> CaseInput {
    CaseInput {
        number: None,
        kind,
        title: title.into(),
        time_slot: Some("10:00–10:30".into()),
        presenter: Some("Sekretariatet".into()),
        background: Some("Bakgrunn".into()),
        proposal: Some("Styringsgruppen godkjenner faktaarket.".into()),
        document_id,
        proposed_status: None,
    }
}

/// A meeting on `date`, without time or place.
fn meeting_on(title: &str, date: &str) -> MeetingInput {
    MeetingInput {
        title: title.into(),
        meeting_date: date.into(),
        starts: None,
        ends: None,
        place: None,
    }
}

/// `organisation_id` present, no person named.
fn attending(organisation_id: &str) -> AttendanceInput {
    AttendanceInput {
        organisation_id: organisation_id.into(),
        person: None,
        status: AttendanceStatus::Present,
        present_from: None,
    }
}

#[tokio::test]
async fn only_secretariat_users_get_in() {
    each_backend(|b, store| async move {
        let (_, admin) = tenant_with_admin(b, &store, "Legekontor", "974760673", "admin@lege.test").await;
        assert_err!(
            b,
            store.secretariat(&admin).map(|_| ()),
            StoreError::Forbidden,
            "tenant admin"
        );
        let sec = secretariat_user(b, &store).await;
        assert!(store.secretariat(&sec).is_ok(), "[{b}] secretariat user");
        let mut disabled = sec.clone();
        disabled.disabled = true;
        assert_err!(
            b,
            store.secretariat(&disabled).map(|_| ()),
            StoreError::Forbidden,
            "disabled"
        );
    })
    .await;
}

#[tokio::test]
async fn meeting_cases_and_decisions() {
    each_backend(|b, store| async move {
        let user = secretariat_user(b, &store).await;
        let s = store.secretariat(&user).must(b, "scope");
        let rhf = s
            .create_organisation("Helse Sør-Øst RHF", Some("HSØ".into()))
            .await
            .must(b, "org");
        let ks = s.create_organisation("KS", None).await.must(b, "org");
        let nsm = s
            .create_organisation("Nasjonal sikkerhetsmyndighet", Some("NSM".into()))
            .await
            .must(b, "org");
        let gone = s.create_organisation("Tidligere medlem", None).await.must(b, "org");
        for (org, role, from, to) in [
            (&rhf, MemberRole::Member, "2020-01-01", None),
            (&ks, MemberRole::Member, "2020-01-01", None),
            (&nsm, MemberRole::Observer, "2022-01-01", None),
            (&gone, MemberRole::Member, "2020-01-01", Some("2025-12-31".to_string())),
        ] {
            s.add_seat(&SeatInput {
                organisation_id: org.id.clone(),
                role,
                valid_from: from.into(),
                valid_to: to,
                representative: Some("Kari Nordmann".into()),
                deputy: Some("Ola Nordmann".into()),
            })
            .await
            .must(b, "seat");
        }
        let fact_sheet = s
            .create_document(&DocumentInput {
                kind: DocumentKind::FactSheet,
                number: Some("31".into()),
                title: "Passord og passordhåndtering".into(),
                doc_version: Some("2.0".into()),
                status: DocumentStatus::ForDecision,
                owner: Some("Sekretariatet".into()),
                working_group: None,
                catalog_key: None,
                published_on: None,
                next_revision: Some("2027-06-01".into()),
            })
            .await
            .must(b, "document");
        let dup = s
            .create_document(&DocumentInput {
                title: "Another 31".into(),
                ..DocumentInput {
                    kind: DocumentKind::FactSheet,
                    number: Some("31".into()),
                    title: String::new(),
                    doc_version: None,
                    status: DocumentStatus::Draft,
                    owner: None,
                    working_group: None,
                    catalog_key: None,
                    published_on: None,
                    next_revision: None,
                }
            })
            .await;
        assert_err!(b, dup, StoreError::Conflict(_), "fact sheet 31 twice");

        let meeting = |date: &str| MeetingInput {
            title: "Styringsgruppemøte".into(),
            meeting_date: date.into(),
            starts: Some("10:00".into()),
            ends: Some("15:00".into()),
            place: Some("Helsedirektoratet, Oslo".into()),
        };
        let june = s.create_meeting(&meeting("2026-06-11")).await.must(b, "meeting");
        let sept = s.create_meeting(&meeting("2026-09-17")).await.must(b, "meeting");

        // Attendance: a former member cannot be listed, and nothing is saved.
        let present = |org: &str| AttendanceInput {
            organisation_id: org.into(),
            person: Some("Kari Nordmann".into()),
            status: AttendanceStatus::Present,
            present_from: None,
        };
        let bad = s.set_attendance(&june.id, &[present(&rhf.id), present(&gone.id)]).await;
        match bad {
            Err(StoreError::Invalid(m)) => {
                assert!(m.contains("Tidligere medlem") && m.contains("2026-06-11"), "[{b}] {m}")
            }
            other => panic!("[{b}] non-member attendance: {other:?}"),
        }
        assert!(
            s.attendance(&june.id).await.must(b, "attendance").is_empty(),
            "[{b}] nothing saved"
        );
        let late = AttendanceInput {
            organisation_id: ks.id.clone(),
            person: None,
            status: AttendanceStatus::PresentFrom,
            present_from: Some("11:30".into()),
        };
        let listed = s
            .set_attendance(
                &june.id,
                &[
                    present(&rhf.id),
                    late,
                    AttendanceInput {
                        organisation_id: nsm.id.clone(),
                        person: None,
                        status: AttendanceStatus::Apologies,
                        present_from: None,
                    },
                ],
            )
            .await
            .must(b, "attendance");
        assert_eq!(listed.len(), 3);
        assert_eq!(
            listed[2].organisation_name, "Nasjonal sikkerhetsmyndighet",
            "[{b}] observers last"
        );

        // Cases: numbers run through the year across meetings.
        let first = s
            .add_case(&june.id, &case(CaseKind::Information, "Orientering om NIS2", None))
            .await
            .must(b, "case");
        let decision_case = s
            .add_case(
                &june.id,
                &CaseInput {
                    time_slot: Some("11:30–12:00".into()),
                    ..case(CaseKind::Decision, "Faktaark 31: passord", Some(fact_sheet.id.clone()))
                },
            )
            .await
            .must(b, "case");
        assert_eq!(
            (first.number.to_string(), decision_case.number.to_string()),
            ("01/26".into(), "02/26".into())
        );
        let in_sept = s
            .add_case(&sept.id, &case(CaseKind::Discussion, "Drøfting", None))
            .await
            .must(b, "case");
        assert_eq!(in_sept.number.to_string(), "03/26");
        let dup = s
            .add_case(
                &sept.id,
                &CaseInput {
                    number: Some(CaseNumber::new(2026, 2).unwrap()),
                    ..case(CaseKind::Decision, "Dobbelt", None)
                },
            )
            .await;
        match dup {
            Err(StoreError::Conflict(m)) => assert!(m.contains("02/26"), "[{b}] {m}"),
            other => panic!("[{b}] duplicate number: {other:?}"),
        }
        let wrong_year = s
            .add_case(
                &sept.id,
                &CaseInput {
                    number: Some(CaseNumber::new(2025, 9).unwrap()),
                    ..case(CaseKind::Decision, "Feil år", None)
                },
            )
            .await;
        assert_err!(b, wrong_year, StoreError::Invalid(_), "case number of another year");
        assert_eq!(s.cases(&sept.id).await.must(b, "cases").len(), 1, "[{b}] nothing saved");

        // Comments need a seat on the meeting date.
        s.add_comment(
            &decision_case.id,
            &ks.id,
            "KS støtter forslaget, men ber om en revidert versjon.",
        )
        .await
        .must(b, "comment");
        assert_err!(
            b,
            s.add_comment(&decision_case.id, &gone.id, "Sent").await,
            StoreError::Invalid(_),
            "comment by a former member"
        );
        // ... and presence when the case began: KS came at 11:30, NSM sent
        // apologies, and the first case ran from 10:00.
        assert_err!(
            b,
            s.add_comment(&first.id, &ks.id, "For tidlig").await,
            StoreError::NotPresent { .. },
            "comment before the organisation arrived"
        );
        assert_err!(
            b,
            s.add_comment(&first.id, &nsm.id, "Fraværende").await,
            StoreError::NotPresent { .. },
            "comment by an organisation with apologies"
        );
        assert_eq!(
            s.comments(&june.id).await.must(b, "comments").len(),
            1,
            "[{b}] nothing saved"
        );

        // A decision on a case of another meeting is refused, nothing saved.
        let decision = CaseDecisionInput {
            decision: "Faktaarket trekkes. Revidert versjon legges fram i september.".into(),
            new_status: Some(DocumentStatus::Withdrawn),
        };
        let wrong = s.decide(&sept.id, &decision_case.id, &decision).await;
        match wrong {
            Err(StoreError::Invalid(m)) => assert!(m.contains("02/26"), "[{b}] {m}"),
            other => panic!("[{b}] decision in the wrong meeting: {other:?}"),
        }
        assert_eq!(
            s.document(&fact_sheet.id).await.must(b, "doc").status,
            DocumentStatus::ForDecision,
            "[{b}] document unchanged"
        );
        assert!(s.case(&decision_case.id).await.must(b, "case").decision.is_none());

        // The decision differs from the proposal and moves the document.
        let decided = s.decide(&june.id, &decision_case.id, &decision).await.must(b, "decide");
        assert_eq!(decided.decided_status, Some(DocumentStatus::Withdrawn));
        assert_ne!(decided.decision, decided.proposal);
        let doc = s.document(&fact_sheet.id).await.must(b, "doc");
        assert_eq!(doc.status, DocumentStatus::Withdrawn);
        assert_eq!(doc.next_revision, None, "[{b}] a withdrawn document is not revised");
        let history = s.document_history(&fact_sheet.id).await.must(b, "history");
        assert_eq!(history.len(), 2);
        assert_eq!(history[1].case_number.as_deref(), Some("02/26"));
        assert_eq!(history[1].from_status, Some(DocumentStatus::ForDecision));

        // Consultation rounds with comments per organisation.
        assert_err!(
            b,
            s.add_consultation(&fact_sheet.id, "2026-03-01", "2026-02-01").await,
            StoreError::Invalid(_),
            "closes before it opens"
        );
        let round = s
            .add_consultation(&fact_sheet.id, "2026-02-01", "2026-03-15")
            .await
            .must(b, "consultation");
        s.add_consultation_comment(
            &round.id,
            "Legeforeningen",
            "2026-03-10",
            "Ønsker kortere passordregler.",
        )
        .await
        .must(b, "consultation comment");
        assert_err!(
            b,
            s.add_consultation_comment(&round.id, "KS", "10.03.2026", "x").await,
            StoreError::Invalid(_),
            "Norwegian date format is not the storage format"
        );
        let rounds = s.consultations(&fact_sheet.id).await.must(b, "consultations");
        assert_eq!(rounds.len(), 1);
        assert_eq!(rounds[0].comments.len(), 1, "[{b}] nothing saved by the bad comment");

        // The action plan and follow-ups.
        let item = s
            .add_plan_item(&etterlev_store::PlanItemInput {
                plan_year: 2026,
                strategy_point: "1 Forenkle".into(),
                title: "Revidere faktaark 31".into(),
                status: etterlev_core::secretariat::PlanStatus::InProgress,
                owner: Some("Sekretariatet".into()),
                document_id: Some(fact_sheet.id.clone()),
                case_id: Some(decision_case.id.clone()),
            })
            .await
            .must(b, "plan item");
        s.set_plan_status(&item.id, etterlev_core::secretariat::PlanStatus::Done)
            .await
            .must(b, "plan status");
        assert_eq!(
            s.plan_items(2026).await.must(b, "plan")[0].status,
            etterlev_core::secretariat::PlanStatus::Done
        );
        assert!(s.plan_items(2025).await.must(b, "plan").is_empty());
        let f = s
            .add_followup(
                &june.id,
                &etterlev_store::FollowupInput {
                    case_id: Some(in_sept.id.clone()),
                    title: "x".into(),
                    owner: None,
                    due: None,
                },
            )
            .await;
        assert_err!(b, f, StoreError::Invalid(_), "follow-up naming another meeting's case");
        let f = s
            .add_followup(
                &june.id,
                &etterlev_store::FollowupInput {
                    case_id: Some(decision_case.id.clone()),
                    title: "Ny versjon av faktaark 31".into(),
                    owner: Some("Arbeidsgruppen".into()),
                    due: Some("2026-09-01".into()),
                },
            )
            .await
            .must(b, "follow-up");
        assert_eq!(s.open_followups().await.must(b, "open").len(), 1);
        s.set_followup_status(&f.id, etterlev_core::secretariat::PlanStatus::Done)
            .await
            .must(b, "done");
        assert!(
            s.open_followups().await.must(b, "open").is_empty(),
            "[{b}] done items leave the list"
        );

        // Every change is in the system chain of the audit log.
        let audit = store.system_audit(i64::MAX, 500).await.must(b, "audit");
        for action in [
            "sec_meeting.create",
            "sec_meeting.attendance",
            "sec_case.create",
            "sec_case.comment",
            "sec_case.decide",
            "sec_document.status",
            "sec_consultation.create",
            "sec_consultation.comment",
            "sec_plan_item.create",
            "sec_plan_item.status",
            "sec_followup.create",
            "sec_followup.status",
        ] {
            assert!(audit.iter().any(|r| r.action == action), "[{b}] audit has {action}");
        }
    })
    .await;
}

/// Tenants of one kind and size with one Normen assessment each; `met` of
/// the first ten requirements implemented, the rest not started.
async fn tenants_with_scores(b: &str, store: &Store, kind: TenantKind, first_org: u32, mets: &[usize]) {
    let requirements = normen_requirements();
    for (i, &met) in mets.iter().enumerate() {
        let n = first_org + i as u32;
        let tenant = NewTenant {
            name: format!("Virksomhet {n}"),
            org_number: nth_org(n),
            kind,
            size_class: SizeClass::Small,
        };
        let (t, admin) = store
            .create_tenant_with_admin(&Actor::cli(), &tenant, &new_user(&format!("a{n}@test.no")))
            .await
            .must(b, "tenant");
        store
            .set_share_statistics(&Actor::user(&admin), &t.id, true)
            .await
            .must(b, "opt in");
        let scope = store.scope(&admin, &t.id).await.must(b, "scope");
        let ts = store.tenant(&scope);
        let a = ts
            .create_assessment(NewAssessment {
                catalog_key: "normen@6.0-r2".into(),
                title: "Egenvurdering".into(),
                kind: AssessmentKind::Full,
                owner: None,
                period_start: None,
                period_end: None,
                profile: AssessmentProfile {
                    kind,
                    size: SizeClass::Small,
                    conditions: vec![],
                },
                start_from: None,
            })
            .await
            .must(b, "assessment");
        let rows = requirements
            .iter()
            .take(10)
            .enumerate()
            .map(|(j, node)| {
                let status = if j < met {
                    AnswerStatus::Implemented
                } else {
                    AnswerStatus::NotStarted
                };
                (
                    node.clone(),
                    AnswerInput {
                        status,
                        maturity: None,
                        owner: None,
                        due_date: None,
                        comment: None,
                        na_reason: None,
                        wizard_answer: None,
                    },
                )
            })
            .collect();
        ts.save_answers(&a.id, rows).await.must(b, "answers");
    }
}

fn normen_requirements() -> Vec<String> {
    let set = etterlev_catalog::load_path(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../catalog/normen/normen-6.0-r2.yaml"
    )))
    .unwrap_or_else(|e| panic!("normen catalogue: {e:?}"));
    set.catalogs[0]
        .nodes
        .iter()
        .filter(|n| n.kind.as_str() == "requirement")
        .map(|n| n.id.clone())
        .collect()
}

#[tokio::test]
async fn statistics_count_opted_in_tenants_and_hide_small_cells() {
    each_backend(|b, store| async move {
        let set = etterlev_catalog::load_path(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../catalog/normen/normen-6.0-r2.yaml"
        )))
        .unwrap_or_else(|e| panic!("normen catalogue: {e:?}"));
        store
            .import_catalog_set(&set, None, false)
            .await
            .must(b, "import normen");
        // Five GP offices, four dentists; one dentist that did not opt in.
        tenants_with_scores(b, &store, TenantKind::GpOffice, 100, &[2, 4, 6, 8, 10]).await;
        tenants_with_scores(b, &store, TenantKind::Dentist, 200, &[1, 3, 5, 7]).await;
        tenants_with_scores(b, &store, TenantKind::Dentist, 300, &[10]).await;
        let opted_out = store
            .tenant_by_org(&nth_org(300))
            .await
            .must(b, "tenant 300")
            .expect("tenant 300");
        store
            .set_share_statistics(&Actor::cli(), &opted_out.id, false)
            .await
            .must(b, "opt out");

        let user = secretariat_user(b, &store).await;
        let s = store.secretariat(&user).must(b, "scope");
        assert_eq!(s.k().await.must(b, "k"), 5);
        assert_err!(b, s.set_k(2).await, StoreError::Invalid(_), "k below 3");
        let t = s.statistics(&Measure::Overall).await.must(b, "statistics");
        let gp = t.cell(Some(TenantKind::GpOffice), Some(SizeClass::Small));
        assert_eq!(gp.enterprises, None, "[{b}] GP offices hidden to protect the dentists");
        let dentists = t.cell(Some(TenantKind::Dentist), None);
        assert_eq!(dentists.enterprises, None, "[{b}] four dentists are hidden");
        // With k = 4 both groups show, and the opted-out dentist is not counted.
        s.set_k(4).await.must(b, "k = 4");
        let t = s.statistics(&Measure::Overall).await.must(b, "statistics");
        let dentists = t.cell(Some(TenantKind::Dentist), None);
        assert_eq!(dentists.enterprises, Some(4), "[{b}]");
        assert_eq!(dentists.mean, Some(40.0), "[{b}] (10+30+50+70)/4");
        assert_eq!(t.cell(Some(TenantKind::GpOffice), None).mean, Some(60.0));
        assert_eq!(t.cell(None, None).enterprises, Some(9));
        // Chapters come from the catalogue, and the chapters add up to the whole.
        let chapters = s.chapters().await.must(b, "chapters");
        assert!(chapters.len() >= 5, "[{b}] {chapters:?}");
        let overall = s.tenant_tallies(&Measure::Overall).await.must(b, "overall tallies");
        assert_eq!(overall.len(), 9, "[{b}] one row per opted-in tenant");
        let mut summed = std::collections::BTreeMap::new();
        for (chapter, _) in &chapters {
            for t in s
                .tenant_tallies(&Measure::Chapter(chapter.clone()))
                .await
                .must(b, "chapter tallies")
            {
                let e = summed.entry(t.tenant_id.clone()).or_insert((0, 0));
                e.0 += t.applicable;
                e.1 += t.met;
            }
        }
        for t in &overall {
            assert_eq!(
                summed.get(&t.tenant_id),
                Some(&(t.applicable, t.met)),
                "[{b}] {}",
                t.tenant_id
            );
        }
        let none = s
            .tenant_tallies(&Measure::Chapter("no-such-chapter".into()))
            .await
            .must(b, "unknown chapter");
        assert!(none.is_empty(), "[{b}] an unknown chapter has no figures");
    })
    .await;
}

type TallyRow = (String, String, String, i64, i64);

/// Every row of `sql` as (tenant, assessment, chapter, applicable, met), sorted.
async fn tally_rows(b: &str, store: &Store, sql: &str) -> Vec<TallyRow> {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    let mut rows: Vec<TallyRow> = match store.backend() {
        Backend::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await,
        Backend::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await,
    }
    .must(b, "tally rows");
    rows.sort();
    rows
}

/// The kept tallies (empty ones left out) against a count over every answer.
async fn assert_tallies_match_answers(b: &str, store: &Store, when: &str) {
    let kept = tally_rows(
        b,
        store,
        "SELECT tenant_id, assessment_id, chapter_id, applicable, met FROM assessment_chapter_tallies \
         WHERE applicable <> 0 OR met <> 0",
    )
    .await;
    let counted = tally_rows(
        b,
        store,
        "SELECT ans.tenant_id, ans.assessment_id, COALESCE(cn.chapter_id, ''), \
             SUM(CASE WHEN ans.status <> 'not_applicable' THEN 1 ELSE 0 END), \
             SUM(CASE WHEN ans.status IN ('implemented', 'verified') THEN 1 ELSE 0 END) \
         FROM answers ans \
         JOIN assessments a ON a.tenant_id = ans.tenant_id AND a.id = ans.assessment_id \
         JOIN catalog_nodes cn ON cn.catalog_key = a.catalog_key AND cn.node_id = ans.node_id \
         GROUP BY ans.tenant_id, ans.assessment_id, COALESCE(cn.chapter_id, '') \
         HAVING SUM(CASE WHEN ans.status <> 'not_applicable' THEN 1 ELSE 0 END) <> 0 \
             OR SUM(CASE WHEN ans.status IN ('implemented', 'verified') THEN 1 ELSE 0 END) <> 0",
    )
    .await;
    assert!(!counted.is_empty(), "[{b}] {when}: there are answers to count");
    assert_eq!(kept, counted, "[{b}] {when}: kept tallies = a count over the answers");
}

fn answer(status: AnswerStatus) -> AnswerInput {
    AnswerInput {
        status,
        maturity: None,
        owner: None,
        due_date: None,
        comment: None,
        na_reason: (status == AnswerStatus::NotApplicable).then(|| "Ikke relevant for oss".into()),
        wizard_answer: None,
    }
}

/// The per-chapter tallies that statistics read are kept by triggers; after
/// every kind of answer write they equal a fresh count over the answers.
#[tokio::test]
async fn chapter_tallies_follow_every_answer_write() {
    each_backend(|b, store| async move {
        let set = etterlev_catalog::load_path(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../catalog/normen/normen-6.0-r2.yaml"
        )))
        .unwrap_or_else(|e| panic!("normen catalogue: {e:?}"));
        store
            .import_catalog_set(&set, None, false)
            .await
            .must(b, "import normen");
        let (t, admin) = store
            .create_tenant_with_admin(
                &Actor::cli(),
                &new_tenant("Tellerne AS", "974760673"),
                &new_user("t@test.no"),
            )
            .await
            .must(b, "tenant");
        let scope = store.scope(&admin, &t.id).await.must(b, "scope");
        let ts = store.tenant(&scope);
        let new_assessment = |start_from: Option<String>| NewAssessment {
            catalog_key: "normen@6.0-r2".into(),
            title: "Egenvurdering".into(),
            kind: AssessmentKind::Full,
            owner: None,
            period_start: None,
            period_end: None,
            profile: AssessmentProfile {
                kind: TenantKind::GpOffice,
                size: SizeClass::Small,
                conditions: vec![],
            },
            start_from,
        };
        let first = ts.create_assessment(new_assessment(None)).await.must(b, "assessment");
        let statuses = [
            AnswerStatus::Implemented,
            AnswerStatus::Verified,
            AnswerStatus::Partly,
            AnswerStatus::NotStarted,
            AnswerStatus::NotApplicable,
        ];
        let requirements = normen_requirements();
        let rows = |shift: usize| {
            requirements
                .iter()
                .enumerate()
                .map(|(i, node)| (node.clone(), answer(statuses[(i + shift) % statuses.len()])))
                .collect::<Vec<_>>()
        };
        ts.save_answers(&first.id, rows(0)).await.must(b, "bulk insert");
        assert_tallies_match_answers(b, &store, "after a bulk insert").await;
        ts.save_answers(&first.id, rows(2)).await.must(b, "bulk overwrite");
        assert_tallies_match_answers(b, &store, "after a bulk overwrite").await;
        let one = ts.answers(&first.id).await.must(b, "answers");
        let a = &one[0];
        let flipped = if a.status == AnswerStatus::Verified {
            AnswerStatus::NotApplicable
        } else {
            AnswerStatus::Verified
        };
        ts.save_answer(&first.id, &a.node_id, answer(flipped), a.version)
            .await
            .must(b, "one answer");
        assert_tallies_match_answers(b, &store, "after one answer").await;
        ts.create_assessment(new_assessment(Some(first.id.clone())))
            .await
            .must(b, "copy");
        assert_tallies_match_answers(b, &store, "after a copy from an earlier assessment").await;
        // Plain SQL too: a delete, and a move of an answer to another chapter.
        exec(
            &store,
            &format!(
                "DELETE FROM answers WHERE assessment_id = '{}' AND node_id = '{}'",
                first.id, one[1].node_id
            ),
        )
        .await
        .must(b, "delete");
        assert_tallies_match_answers(b, &store, "after a delete").await;
        let last = requirements.last().expect("requirements");
        exec(
            &store,
            &format!(
                "UPDATE answers SET node_id = '{last}-moved' WHERE assessment_id = '{}' AND node_id = '{last}'",
                first.id
            ),
        )
        .await
        .must(b, "move out of the catalogue");
        assert_tallies_match_answers(b, &store, "after an answer left the catalogue").await;
        exec(
            &store,
            &format!(
                "UPDATE answers SET node_id = '{}' WHERE assessment_id = '{}' AND node_id = '{last}-moved'",
                one[1].node_id, first.id
            ),
        )
        .await
        .must(b, "move into another chapter");
        assert_tallies_match_answers(b, &store, "after an answer moved chapter").await;
    })
    .await;
}

mod editing;
#[allow(unused_imports)]
pub use editing::*;
