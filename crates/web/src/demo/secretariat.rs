//! Demo data of the Normen secretariat: a secretariat user, the steering
//! group's organisations and seats, a document portfolio, one meeting with
//! attendance, cases, comments and a decision, and thirty small opted-in
//! enterprises with a Normen assessment each, so the sector statistics have
//! figures to show and cells to hide.
//!
//! Every date is counted from the day the demo is seeded, so the story the
//! README tells holds on any day: the meeting was two weeks ago, exactly one
//! document (the cloud guide) is past its revision date, and the
//! consultation on fact sheet 20a is open. `tests/it/secretariat_story.rs`
//! checks it.

use etterlev_catalog::Catalog;
use etterlev_core::secretariat::{AttendanceStatus, CaseKind, DocumentKind, DocumentStatus, MemberRole, PlanStatus};
use etterlev_core::{AnswerStatus, OrgNumber, SizeClass, TenantKind};
use etterlev_store::{
    Actor, AnswerInput, AssessmentKind, AssessmentProfile, AttendanceInput, CaseDecisionInput, CaseInput,
    DocumentInput, MeetingInput, NewAssessment, NewTenant, NewUser, PlanItemInput, SeatInput, Store, StoreError,
};

pub const SECRETARIAT_EMAIL: &str = "sekretariat@demo.etterlev.no";

/// Steering-group organisations: name, short name, member or observer.
const ORGANISATIONS: &[(&str, &str, MemberRole)] = &[
    ("Helse Sør-Øst RHF", "HSØ", MemberRole::Member),
    ("Helse Vest RHF", "HV", MemberRole::Member),
    ("Helse Midt-Norge RHF", "HMN", MemberRole::Member),
    ("Helse Nord RHF", "HN", MemberRole::Member),
    ("KS", "KS", MemberRole::Member),
    ("Den norske legeforening", "Legeforeningen", MemberRole::Member),
    ("Den norske tannlegeforening", "Tannlegeforeningen", MemberRole::Member),
    ("Norsk helsenett SF", "NHN", MemberRole::Member),
    ("Virke", "Virke", MemberRole::Member),
    ("Nasjonal sikkerhetsmyndighet", "NSM", MemberRole::Observer),
    ("Datatilsynet", "Datatilsynet", MemberRole::Observer),
];

/// A portfolio entry: kind, number, title, version, status, next revision
/// in days from the seeding day (negative: overdue).
type DemoDocument = (
    DocumentKind,
    Option<&'static str>,
    &'static str,
    &'static str,
    DocumentStatus,
    Option<i64>,
);

const DOCUMENTS: &[DemoDocument] = &[
    (
        DocumentKind::Norm,
        Some("6.0"),
        "Norm for informasjonssikkerhet og personvern i helse- og omsorgssektoren",
        "6.0",
        DocumentStatus::Published,
        Some(200),
    ),
    (
        DocumentKind::FactSheet,
        Some("31"),
        "Passord og passordhåndtering",
        "2.1",
        DocumentStatus::ForDecision,
        Some(300),
    ),
    (
        DocumentKind::FactSheet,
        Some("43"),
        "Bruk av helseopplysninger til testing og utvikling",
        "1.2",
        DocumentStatus::Published,
        Some(90),
    ),
    (
        DocumentKind::FactSheet,
        Some("59"),
        "Integritet: riktig og oppdatert informasjon til rett tid",
        "1.0",
        DocumentStatus::Published,
        Some(330),
    ),
    (
        DocumentKind::FactSheet,
        Some("20a"),
        "Sikkerhets- og samhandlingsarkitektur: oversikt",
        "1.0",
        DocumentStatus::PublicConsultation,
        None,
    ),
    (
        DocumentKind::FactSheet,
        Some("20b"),
        "Sikkerhets- og samhandlingsarkitektur: soner",
        "1.0",
        DocumentStatus::WorkingGroup,
        None,
    ),
    (
        DocumentKind::FactSheet,
        Some("20c"),
        "Sikkerhets- og samhandlingsarkitektur: tjenester",
        "1.0",
        DocumentStatus::Draft,
        None,
    ),
    (
        DocumentKind::Guide,
        None,
        "Veileder for leverandører",
        "3.0",
        DocumentStatus::Published,
        Some(400),
    ),
    (
        DocumentKind::Guide,
        None,
        "Veileder for bruk av skytjenester",
        "1.1",
        DocumentStatus::DueForRevision,
        Some(-30),
    ),
    (
        DocumentKind::Guideline,
        None,
        "Retningslinje for bruk av helsedata til testing og utvikling",
        "1.0",
        DocumentStatus::Published,
        Some(365),
    ),
];

/// Demo enterprises for the statistics: kind, how many. Pharmacies are four,
/// so their cells stay hidden.
const STAT_ENTERPRISES: &[(TenantKind, SizeClass, usize)] = &[
    (TenantKind::GpOffice, SizeClass::Micro, 8),
    (TenantKind::Dentist, SizeClass::Micro, 6),
    (TenantKind::Physiotherapist, SizeClass::Micro, 7),
    (TenantKind::Pharmacy, SizeClass::Micro, 4),
    (TenantKind::Municipality, SizeClass::Medium, 5),
];

fn invalid(e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(e.to_string())
}

/// The `n`th organisation number in the demo's range (starting with 39,
/// never issued): eight digits and the mod-11 control digit.
fn demo_org(n: usize) -> Option<OrgNumber> {
    (0..20).find_map(|step| {
        let base = 39_000_000 + n * 20 + step;
        (0..=9).find_map(|c| OrgNumber::parse(&format!("{base}{c}")).ok())
    })
}

/// Everything above, dated from today; does nothing when the secretariat
/// user exists.
pub async fn seed(store: &Store, normen: Option<&Catalog>, password_hash: &str) -> Result<bool, StoreError> {
    seed_on(store, normen, password_hash, crate::kit::dates::today().date()).await
}

/// `today` moved by `days`, as `YYYY-MM-DD`.
fn day(today: jiff::civil::Date, days: i64) -> Result<String, StoreError> {
    today
        .checked_add(jiff::Span::new().days(days))
        .map(|d| d.to_string())
        .map_err(invalid)
}

/// [`seed`] as if today were `today`.
pub async fn seed_on(
    store: &Store,
    normen: Option<&Catalog>,
    password_hash: &str,
    today: jiff::civil::Date,
) -> Result<bool, StoreError> {
    if store.user_by_email(SECRETARIAT_EMAIL).await?.is_some() {
        return Ok(false);
    }
    let actor = Actor {
        user_id: None,
        label: "demo".into(),
    };
    let user = store
        .create_user(
            &actor,
            &NewUser {
                email: SECRETARIAT_EMAIL.into(),
                display_name: "Siri Sekretariat".into(),
                password_hash: Some(password_hash.to_string()),
                is_secretariat: true,
            },
        )
        .await?;
    let s = store.secretariat(&user)?;
    let mut orgs = Vec::new();
    for (name, short, role) in ORGANISATIONS {
        let o = s.create_organisation(name, Some((*short).to_string())).await?;
        s.add_seat(&SeatInput {
            organisation_id: o.id.clone(),
            role: *role,
            valid_from: "2022-01-01".into(),
            valid_to: None,
            representative: Some(format!("Representant for {short}")),
            deputy: Some(format!("Vara for {short}")),
        })
        .await?;
        orgs.push(o);
    }
    let mut docs = Vec::new();
    for (kind, number, title, version, status, next) in DOCUMENTS {
        docs.push(
            s.create_document(&DocumentInput {
                kind: *kind,
                number: number.map(str::to_string),
                title: (*title).into(),
                doc_version: Some((*version).into()),
                status: *status,
                owner: Some("Normensekretariatet".into()),
                working_group: (*kind == DocumentKind::FactSheet)
                    .then(|| "Helse Vest RHF, KS, Norsk helsenett SF".into()),
                catalog_key: (*kind == DocumentKind::Norm)
                    .then(|| "normen@6.0-r2".to_string())
                    .filter(|_| normen.is_some()),
                published_on: match status {
                    DocumentStatus::Published | DocumentStatus::DueForRevision => Some(day(today, -540)?),
                    _ => None,
                },
                next_revision: next.map(|n| day(today, n)).transpose()?,
            })
            .await?,
        );
    }
    // The meeting was two weeks ago; its minutes are complete.
    let meeting_date = day(today, -14)?;
    let meeting = s
        .create_meeting(&MeetingInput {
            title: "Styringsgruppemøte".into(),
            meeting_date: meeting_date.clone(),
            starts: Some("10:00".into()),
            ends: Some("15:00".into()),
            place: Some("Helsedirektoratet, Oslo, og Teams".into()),
        })
        .await?;
    let attendance: Vec<AttendanceInput> = orgs
        .iter()
        .enumerate()
        .map(|(i, o)| AttendanceInput {
            organisation_id: o.id.clone(),
            person: None,
            status: match i % 5 {
                1 => AttendanceStatus::Digital,
                3 => AttendanceStatus::Apologies,
                4 if i == 4 => AttendanceStatus::PresentFrom,
                _ => AttendanceStatus::Present,
            },
            // KS arrives after the first case and before the second, on
            // which it comments.
            present_from: (i == 4).then(|| "10:15".into()),
        })
        .collect();
    s.set_attendance(&meeting.id, &attendance).await?;
    let info = CaseInput {
        number: None,
        kind: CaseKind::Information,
        title: "Orientering om NIS2 og ny digitalsikkerhetslov".into(),
        time_slot: Some("10:00–10:30".into()),
        presenter: Some("Normensekretariatet".into()),
        background: Some("Loven trer i kraft i 2025. Sekretariatet orienterer om hva den betyr for Normen.".into()),
        proposal: Some("Styringsgruppen tar orienteringen til etterretning.".into()),
        document_id: None,
        proposed_status: None,
    };
    let info_case = s.add_case(&meeting.id, &info).await?;
    s.decide(
        &meeting.id,
        &info_case.id,
        &CaseDecisionInput {
            decision: "Styringsgruppen tok orienteringen til etterretning.".into(),
            new_status: None,
        },
    )
    .await?;
    let fact_sheet_31 = docs.get(1).map(|d| d.id.clone());
    let decision_case = s
        .add_case(
            &meeting.id,
            &CaseInput {
                number: None,
                kind: CaseKind::Decision,
                title: "Revidert faktaark 31 om passord".into(),
                time_slot: Some("10:30–11:15".into()),
                presenter: Some("Arbeidsgruppen".into()),
                background: Some("Faktaarket er revidert etter høring.".into()),
                proposal: Some("Styringsgruppen godkjenner revidert faktaark 31.".into()),
                document_id: fact_sheet_31.clone(),
                proposed_status: Some(DocumentStatus::Approved),
            },
        )
        .await?;
    if let Some(ks) = orgs.iter().find(|o| o.name == "KS") {
        s.add_comment(&decision_case.id, &ks.id, "KS ønsker tydeligere råd for små kommuner.")
            .await?;
    }
    let _ = s
        .decide(
            &meeting.id,
            &decision_case.id,
            &CaseDecisionInput {
                decision: "Faktaarket trekkes. Arbeidsgruppen legger fram en ny versjon for styringsgruppen.".into(),
                new_status: Some(DocumentStatus::Withdrawn),
            },
        )
        .await?;
    // A consultation round on fact sheet 20a, and this year's action plan.
    if let Some(fa20a) = docs.get(4) {
        let round = s
            .add_consultation(&fa20a.id, &day(today, -30)?, &day(today, 30)?)
            .await?;
        s.add_consultation_comment(
            &round.id,
            "Helse Vest RHF",
            &day(today, -20)?,
            "Ønsker eksempler for små virksomheter.",
        )
        .await?;
        s.add_consultation_comment(
            &round.id,
            "IKT-Norge",
            &day(today, -3)?,
            "Støtter forslaget; ber om en overgangsperiode.",
        )
        .await?;
    }
    for (point, title, status, doc) in [
        (
            "1 Forenkle Normen",
            "Ny versjon av faktaark 31 om passord, etter at styringsgruppen trakk det",
            PlanStatus::InProgress,
            docs.get(1),
        ),
        (
            "1 Forenkle Normen",
            "Ny veileder for små virksomheter",
            PlanStatus::NotStarted,
            None,
        ),
        (
            "2 Støtte etterlevelse",
            "Sektorstatistikk for etterlevelse",
            PlanStatus::Done,
            None,
        ),
        (
            "2 Støtte etterlevelse",
            "Revidere skyveilederen",
            PlanStatus::InProgress,
            docs.get(8),
        ),
    ] {
        s.add_plan_item(&PlanItemInput {
            // This year's plan (the page opens on it); it may link a case of
            // last year's last meeting.
            plan_year: i64::from(today.year()),
            strategy_point: point.into(),
            title: title.into(),
            status,
            owner: Some("Normensekretariatet".into()),
            document_id: doc.map(|d| d.id.clone()),
            // The revision of fact sheet 31 follows from the case that withdrew it.
            case_id: doc
                .filter(|d| Some(&d.id) == fact_sheet_31.as_ref())
                .map(|_| decision_case.id.clone()),
        })
        .await?;
    }
    if let Some(normen) = normen {
        seed_statistics(store, normen, password_hash).await?;
    }
    Ok(true)
}

/// Thirty small enterprises that opted in, each with an admin and one
/// Normen assessment whose answers follow from its number.
async fn seed_statistics(store: &Store, normen: &Catalog, password_hash: &str) -> Result<(), StoreError> {
    let actor = Actor {
        user_id: None,
        label: "demo".into(),
    };
    let requirements: Vec<&str> = normen
        .nodes
        .iter()
        .filter(|n| n.kind.as_str() == "requirement")
        .map(|n| n.id.as_str())
        .collect();
    let mut n = 0usize;
    for (kind, size, count) in STAT_ENTERPRISES {
        for _ in 0..*count {
            n += 1;
            let org_number = demo_org(n).ok_or_else(|| invalid("no demo organisation number"))?;
            let (tenant, admin) = store
                .create_tenant_with_admin(
                    &actor,
                    &NewTenant {
                        name: format!("Demovirksomhet {n:02}"),
                        org_number,
                        kind: *kind,
                        size_class: *size,
                    },
                    &NewUser {
                        email: format!("virksomhet{n:02}@demo.etterlev.no"),
                        display_name: format!("Admin {n:02}"),
                        password_hash: Some(password_hash.to_string()),
                        is_secretariat: false,
                    },
                )
                .await?;
            store.set_share_statistics(&actor, &tenant.id, true).await?;
            let scope = store.scope(&admin, &tenant.id).await?;
            let ts = store.tenant(&scope);
            let a = ts
                .create_assessment(NewAssessment {
                    catalog_key: normen.key(),
                    title: "Egenvurdering 2026".into(),
                    kind: AssessmentKind::Full,
                    owner: None,
                    period_start: None,
                    period_end: None,
                    profile: AssessmentProfile {
                        kind: *kind,
                        size: *size,
                        conditions: vec![],
                    },
                    start_from: None,
                })
                .await?;
            let rows = requirements
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    // Enterprise n meets about (3 + n mod 6) in ten requirements.
                    let h = (i * 7 + n * 13) % 10;
                    let status = if h < 3 + n % 6 {
                        if h.is_multiple_of(4) {
                            AnswerStatus::Verified
                        } else {
                            AnswerStatus::Implemented
                        }
                    } else if h == 9 {
                        AnswerStatus::Partly
                    } else {
                        AnswerStatus::NotStarted
                    };
                    (
                        (*id).to_string(),
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
            ts.save_answers(&a.id, rows).await?;
        }
    }
    Ok(())
}
