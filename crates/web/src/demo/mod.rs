//! Demo data for `etterlev serve --demo`: two enterprises and one user per
//! role, with a published password and TOTP secret, and the catalogues of
//! the repository's `catalog/` folder. Never used without `--demo`, so no
//! known password exists in a normal installation.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use etterlev_catalog::wizard::{DEFAULT_LENGTH, chapter_of, questions};
use etterlev_catalog::{Catalog, CatalogSet, Node};
use etterlev_core::test_projects::{CheckAnswer, CheckKey, DataKind, Decision};
use etterlev_core::{
    ActionStatus, AnswerStatus, Condition, GoodAnswer, Maturity, OrgNumber, Priority, Role, SizeClass, TenantKind,
    WizardAnswer,
};
use etterlev_store::{
    ActionInput, Actor, AnswerInput, AssessmentKind, AssessmentProfile, CheckInput, CheckUpdate, DecisionInput,
    ImportSummary, NewAction, NewAssessment, NewTenant, NewUser, Store, StoreError, TenantStore, TestProjectInput,
};

use crate::actions::gap_priority;

mod inventory;
pub mod secretariat;

/// The demo password of every demo user.
pub const PASSWORD: &str = "Demo-passord-2026";
/// The demo administrator's TOTP secret (base32), for an authenticator app.
pub const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
pub const ADMIN_EMAIL: &str = "admin@demo.etterlev.no";

/// Organisation numbers starting with 3 are not issued in the production
/// register, so these cannot clash with a real enterprise.
const GP_ORG: &str = "311000004";
const HOSPITAL_ORG: &str = "312000008";

pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub totp: bool,
}

pub const USERS: &[DemoUser] = &[
    DemoUser {
        email: ADMIN_EMAIL,
        name: "Ada Administrator",
        role: Role::Admin,
        totp: true,
    },
    DemoUser {
        email: "redaktor@demo.etterlev.no",
        name: "Erik Redaktør",
        role: Role::Editor,
        totp: false,
    },
    DemoUser {
        email: "leser@demo.etterlev.no",
        name: "Lise Leser",
        role: Role::Reader,
        totp: false,
    },
    DemoUser {
        email: "revisor@demo.etterlev.no",
        name: "Rune Revisor",
        role: Role::Auditor,
        totp: false,
    },
];

/// Creates the demo data unless it exists, and imports the catalogues (see
/// [`seed_catalogs`]). On a fresh database whose catalogues imported, also
/// the demo assessments and actions (see [`seed_assessments`]). Returns true
/// if the enterprises and users were created.
pub async fn seed(store: &Store) -> Result<bool, StoreError> {
    let created = seed_people(store).await?;
    let imported = import_catalogs(store, &catalog_dir()).await;
    if created && let Some((set, _)) = &imported {
        seed_assessments(store, set).await?;
    }
    if created {
        seed_test_projects(store).await?;
        inventory::seed(store).await?;
        let normen = imported.as_ref().and_then(|(set, _)| {
            set.catalogs
                .iter()
                .filter(|c| c.id == NORMEN)
                .max_by(|a, b| (&a.date, &a.version).cmp(&(&b.date, &b.version)))
        });
        let hash = etterlev_auth::hash_password(PASSWORD).map_err(|e| StoreError::Internal(e.to_string()))?;
        secretariat::seed(store, normen, &hash).await?;
    }
    Ok(created)
}

/// Where the demo finds catalogues: `ETTERLEV_CATALOG_DIR`, else the
/// repository's `catalog/` folder as it was when the binary was built.
pub fn catalog_dir() -> PathBuf {
    std::env::var_os("ETTERLEV_CATALOG_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog"))
}

/// Imports every catalogue and mapping under `dir` (already imported
/// versions are left alone). Never fails the demo: a folder that is missing
/// or does not load is logged with its diagnostics, and the demo goes on
/// without catalogues.
pub async fn seed_catalogs(store: &Store, dir: &Path) -> Option<ImportSummary> {
    import_catalogs(store, dir).await.map(|(_, summary)| summary)
}

/// [`seed_catalogs`], also returning the loaded catalogues.
async fn import_catalogs(store: &Store, dir: &Path) -> Option<(CatalogSet, ImportSummary)> {
    if !dir.is_dir() {
        tracing::info!(dir = %dir.display(), "no catalogue folder; the demo starts without catalogues");
        return None;
    }
    let path = dir.to_path_buf();
    let loaded = tokio::task::spawn_blocking(move || etterlev_catalog::load_path(&path)).await;
    let set = match loaded {
        Ok(Ok(set)) => set,
        Ok(Err(diagnostics)) => {
            for d in &diagnostics {
                tracing::warn!("{d}");
            }
            tracing::warn!(
                dir = %dir.display(),
                problems = diagnostics.len(),
                "the catalogue folder does not load; the demo starts without catalogues"
            );
            return None;
        }
        Err(e) => {
            tracing::warn!(error = %e, "loading the catalogue folder failed");
            return None;
        }
    };
    let actor = Actor {
        user_id: None,
        label: "demo".into(),
    };
    match store.import_catalog_set_as(&set, &actor, false).await {
        Ok(summary) => {
            tracing::info!(
                added = summary.added.len(),
                unchanged = summary.unchanged.len(),
                mappings = summary.mappings,
                "demo catalogues imported"
            );
            Some((set, summary))
        }
        Err(e) => {
            tracing::warn!(error = %e, dir = %dir.display(), "demo catalogues not imported");
            None
        }
    }
}

/// The demo enterprises and users only (what the test harness uses).
pub async fn seed_people(store: &Store) -> Result<bool, StoreError> {
    let gp_org = OrgNumber::parse(GP_ORG).map_err(|e| StoreError::Internal(e.to_string()))?;
    if store.tenant_by_org(&gp_org).await?.is_some() {
        return Ok(false);
    }
    let actor = Actor {
        user_id: None,
        label: "demo".into(),
    };
    let hash = etterlev_auth::hash_password(PASSWORD).map_err(|e| StoreError::Internal(e.to_string()))?;
    let gp = store
        .create_tenant(
            &actor,
            &NewTenant {
                name: "Solbakken legekontor".into(),
                org_number: gp_org,
                kind: TenantKind::GpOffice,
                size_class: SizeClass::Micro,
            },
        )
        .await?;
    let hospital = store
        .create_tenant(
            &actor,
            &NewTenant {
                name: "Fjordheim helseforetak".into(),
                org_number: OrgNumber::parse(HOSPITAL_ORG).map_err(|e| StoreError::Internal(e.to_string()))?,
                kind: TenantKind::HospitalTrust,
                size_class: SizeClass::Large,
            },
        )
        .await?;
    for u in USERS {
        let user = store
            .create_user(
                &actor,
                &NewUser {
                    email: u.email.into(),
                    display_name: u.name.into(),
                    password_hash: Some(hash.clone()),
                    is_secretariat: false,
                },
            )
            .await?;
        store.add_membership(&actor, &gp.id, &user.id, u.role).await?;
        if u.role == Role::Admin {
            store
                .add_membership(&actor, &hospital.id, &user.id, Role::Admin)
                .await?;
        }
        if u.totp {
            let codes: Vec<String> = etterlev_auth::new_recovery_codes()
                .iter()
                .map(|c| etterlev_auth::token::hash_recovery_code(c))
                .collect();
            store.enable_totp(&actor, &user.id, TOTP_SECRET, 0, &codes).await?;
        }
    }
    Ok(true)
}

/// The catalogue the demo assessments use (its newest version).
const NORMEN: &str = "normen";

/// The public web edition of Normen, for evidence links.
const NORMEN_URL: &str =
    "https://www.helsedirektoratet.no/normen/norm-for-informasjonssikkerhet-og-personvern-i-helse-og-omsorgssektoren";

/// Who owns gaps and actions at the hospital (roles, not people).
const HOSPITAL_OWNERS: &[&str] = &[
    "Informasjonssikkerhetsleder",
    "IKT-sjef",
    "Personvernombud",
    "Klinikksjef medisinsk klinikk",
];

const NA_REASONS: &[&str] = &[
    "Gjelder ikke: tjenesten er ikke i bruk hos Fjordheim.",
    "Dekkes av den regionale IKT-leverandørens avtale og revisjon.",
    "Gjelder ikke: ingen slik behandling i perioden.",
];

/// The wizard run of the GP office: how far it got and what it answered.
const WIZARD_ANSWERED: usize = 10;
const WIZARD_CHOICES: &[WizardAnswer] = &[
    WizardAnswer::Yes,
    WizardAnswer::Yes,
    WizardAnswer::Partly,
    WizardAnswer::No,
    WizardAnswer::Yes,
    WizardAnswer::DontKnow,
    WizardAnswer::Partly,
    WizardAnswer::Yes,
    WizardAnswer::No,
    WizardAnswer::Yes,
];

/// Example assessments for a person clicking through the demo: at Fjordheim
/// helseforetak two full assessments on the newest Normen ("Egenvurdering
/// 2025", closed, and "Egenvurdering 2026" started from it and better), with
/// owners, due dates, links and six actions (one for patient safety, one
/// overdue, one done); at Solbakken legekontor a wizard run left after ten
/// questions. Every choice follows from the requirement's place in the
/// catalogue, so two demos look the same (apart from dates relative to
/// today). Made by the demo administrator. Does nothing (false) when the
/// hospital already has an assessment, Normen is not in `set`, or the demo
/// enterprises are missing.
pub async fn seed_assessments(store: &Store, set: &CatalogSet) -> Result<bool, StoreError> {
    let Some(normen) = set
        .catalogs
        .iter()
        .filter(|c| c.id == NORMEN)
        .max_by(|a, b| (&a.date, &a.version).cmp(&(&b.date, &b.version)))
    else {
        return Ok(false);
    };
    let org = |o: &str| OrgNumber::parse(o).map_err(|e| StoreError::Internal(e.to_string()));
    let (Some(gp), Some(hospital), Some(admin)) = (
        store.tenant_by_org(&org(GP_ORG)?).await?,
        store.tenant_by_org(&org(HOSPITAL_ORG)?).await?,
        store.user_by_email(ADMIN_EMAIL).await?,
    ) else {
        return Ok(false);
    };
    let hospital_scope = store.scope(&admin, &hospital.id).await?;
    let ts = store.tenant(&hospital_scope);
    if !ts.list_assessments().await?.is_empty() {
        return Ok(false);
    }
    let actions = seed_hospital(&ts, normen).await?;
    let gp_scope = store.scope(&admin, &gp.id).await?;
    seed_wizard_run(&store.tenant(&gp_scope), normen).await?;
    tracing::info!(
        catalog = %normen.key(),
        assessments = 3,
        actions,
        "demo assessments and action plan created"
    );
    Ok(true)
}

/// A date `days` from today (Oslo), `YYYY-MM-DD`.
fn day(days: i64) -> String {
    let today = crate::kit::dates::today().date();
    today
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(today)
        .to_string()
}

fn maturity(level: u8) -> Option<Maturity> {
    Maturity::new(i64::from(level)).ok()
}

/// The 2025 answer of the `i`th applicable requirement in chapter number
/// `chapter`: chapters start from different points, so the heat map and
/// chapter scores differ.
fn answer_2025(i: usize, chapter: usize) -> AnswerInput {
    let (status, level) = match ((i * 7) % 10 + chapter * 3) % 13 {
        0 | 1 => (AnswerStatus::NotStarted, None),
        2 | 3 => (AnswerStatus::NotStarted, Some(1)),
        4..=6 => (AnswerStatus::Partly, Some(2)),
        7..=9 => (AnswerStatus::Implemented, Some(3)),
        10 | 11 => (AnswerStatus::Verified, Some(4)),
        _ => (AnswerStatus::Verified, Some(5)),
    };
    let na = i % 19 == 7;
    AnswerInput {
        status: if na { AnswerStatus::NotApplicable } else { status },
        maturity: if na { None } else { level.and_then(maturity) },
        owner: None,
        due_date: None,
        comment: None,
        na_reason: na.then(|| NA_REASONS[(i / 19) % NA_REASONS.len()].to_string()),
        wizard_answer: None,
    }
}

/// The 2026 answer, from 2025's: two of three gaps a step further, every
/// fifth implemented requirement verified, and the remaining gaps with an
/// owner and (every other one) a due date. `None` when unchanged.
fn answer_2026(i: usize, before: &AnswerInput) -> Option<AnswerInput> {
    let mut a = before.clone();
    let level = |a: &AnswerInput| a.maturity.map_or(0, Maturity::level);
    match a.status {
        AnswerStatus::NotStarted if i % 3 != 2 => {
            a.status = AnswerStatus::Partly;
            a.maturity = maturity(level(before).max(1) + 1);
        }
        AnswerStatus::Partly if i % 3 != 2 => {
            a.status = AnswerStatus::Implemented;
            a.maturity = maturity(3);
            a.comment = Some("Rutinen er vedtatt og gjort kjent i 2026.".into());
        }
        AnswerStatus::Implemented if i.is_multiple_of(5) => {
            a.status = AnswerStatus::Verified;
            a.maturity = maturity(level(before).max(3) + 1);
            a.comment = Some("Kontrollert ved internrevisjon 2026.".into());
        }
        _ => {}
    }
    if a.status.is_gap() {
        a.owner = Some(HOSPITAL_OWNERS[i % HOSPITAL_OWNERS.len()].into());
        if i.is_multiple_of(2) {
            a.due_date = Some(day(30 + 15 * (i % 6) as i64));
        }
    }
    (a != *before).then_some(a)
}

/// What holds for Fjordheim (its enterprise profile, beside hospital trust
/// and large; NIS2 follows from those).
const HOSPITAL_CONDITIONS: &[Condition] = &[
    Condition::UsesCloudServices,
    Condition::UsesDataProcessors,
    Condition::RunsMedicalDevices,
    Condition::PublicBody,
    Condition::SharesRecordsBetweenEnterprises,
    Condition::ConnectedToHealthNetwork,
    Condition::SupplierRemoteAccess,
    Condition::ResearchOrHealthRegisters,
    Condition::VideoConsultations,
];

/// Fjordheim's two assessments and action plan; returns the number of actions.
async fn seed_hospital(ts: &TenantStore<'_>, normen: &Catalog) -> Result<usize, StoreError> {
    // The enterprise's stored profile is the assessment's: the catalogue
    // page, this assessment and NIS2 then agree on what applies.
    ts.set_conditions(HOSPITAL_CONDITIONS).await?;
    let profile = AssessmentProfile {
        kind: TenantKind::HospitalTrust,
        size: SizeClass::Large,
        conditions: HOSPITAL_CONDITIONS.to_vec(),
    };
    let applicable = etterlev_catalog::filter(normen, &profile.to_profile()).applicable;
    let mut chapters: HashMap<&str, usize> = HashMap::new();
    let answers: Vec<(&Node, AnswerInput)> = applicable
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let count = chapters.len();
            let chapter = *chapters.entry(chapter_of(normen, n).id.as_str()).or_insert(count);
            (*n, answer_2025(i, chapter))
        })
        .collect();

    let first = ts
        .create_assessment(NewAssessment {
            catalog_key: normen.key(),
            title: "Egenvurdering 2025".into(),
            kind: AssessmentKind::Full,
            owner: Some("Informasjonssikkerhetsleder".into()),
            period_start: Some("2025-01-01".into()),
            period_end: Some("2025-12-31".into()),
            profile: profile.clone(),
            start_from: None,
        })
        .await?;
    for (n, input) in &answers {
        ts.save_answer(&first.id, &n.id, input.clone(), 0).await?;
    }
    let first = ts.close_assessment(&first.id, first.version).await?;

    let second = ts
        .create_assessment(NewAssessment {
            catalog_key: normen.key(),
            title: "Egenvurdering 2026".into(),
            kind: AssessmentKind::Full,
            owner: Some("Informasjonssikkerhetsleder".into()),
            period_start: Some("2026-01-01".into()),
            period_end: Some("2026-12-31".into()),
            profile,
            start_from: Some(first.id.clone()),
        })
        .await?;
    let stored: HashMap<String, i64> = ts
        .answers(&second.id)
        .await?
        .into_iter()
        .map(|a| (a.node_id, a.version))
        .collect();
    let mut now: Vec<(&Node, AnswerStatus)> = Vec::new();
    for (i, (n, before)) in answers.iter().enumerate() {
        let status = match answer_2026(i, before) {
            Some(input) => {
                let version = stored.get(&n.id).copied().unwrap_or(0);
                ts.save_answer(&second.id, &n.id, input, version).await?.status
            }
            None => before.status,
        };
        now.push((*n, status));
    }

    // Evidence: links to the public Normen pages, on two met requirements.
    let met = now.iter().filter(|(_, s)| s.is_met()).map(|(n, _)| *n);
    for n in met.step_by(7).take(2) {
        let (url, title) = n
            .references
            .iter()
            .find_map(|r| {
                r.url
                    .as_deref()
                    .filter(|u| u.starts_with("https://") && u.contains("normen"))
                    .map(|u| (u.to_string(), r.citation()))
            })
            .unwrap_or_else(|| (NORMEN_URL.into(), "Normen (nettutgave)".into()));
        ts.add_evidence_link(&second.id, &n.id, &url, Some(&title)).await?;
    }

    // Actions from the gaps: the first patient-safety gap, then five spread
    // over the rest, with (deadline in days from today, status).
    let gaps: Vec<(&Node, AnswerStatus)> = now.into_iter().filter(|(_, s)| s.is_gap()).collect();
    let safety = gaps
        .iter()
        .position(|(n, s)| gap_priority(n, *s) == Priority::PatientSafety)
        .unwrap_or(0);
    let rest: Vec<usize> = (0..gaps.len()).filter(|i| *i != safety).collect();
    let step = (rest.len() / 5).max(1);
    let picked = std::iter::once(safety)
        .chain(rest.into_iter().step_by(step).take(5))
        .filter(|i| *i < gaps.len());
    let plan: [(Option<i64>, ActionStatus); 6] = [
        (Some(21), ActionStatus::Open),
        (Some(-14), ActionStatus::InProgress),
        (Some(-40), ActionStatus::Done),
        (Some(45), ActionStatus::Open),
        (Some(90), ActionStatus::InProgress),
        (None, ActionStatus::Open),
    ];
    let mut count = 0;
    for (k, (gap, (deadline, status))) in picked.zip(plan).enumerate() {
        let (n, s) = gaps[gap];
        let priority = if k == 0 {
            Priority::PatientSafety
        } else {
            gap_priority(n, s)
        };
        let action = ts
            .create_action(NewAction {
                title: n.title.nb.clone(),
                description: n.text.as_ref().map(|t| t.nb.clone()),
                assessment_id: Some(second.id.clone()),
                node_id: Some(n.id.clone()),
                owner: Some(HOSPITAL_OWNERS[k % HOSPITAL_OWNERS.len()].into()),
                deadline: deadline.map(day),
                priority,
            })
            .await?;
        if status != ActionStatus::Open {
            ts.update_action(
                &action.id,
                ActionInput {
                    title: action.title.clone(),
                    description: action.description.clone(),
                    owner: action.owner.clone(),
                    deadline: action.deadline.clone(),
                    priority: action.priority,
                    status,
                },
                action.version,
            )
            .await?;
        }
        count += 1;
    }
    Ok(count)
}

/// Solbakken's wizard run with the profile the wizard would make (cloud
/// services and a data processor, nothing else), left after ten questions.
async fn seed_wizard_run(ts: &TenantStore<'_>, normen: &Catalog) -> Result<(), StoreError> {
    let conditions = [Condition::UsesCloudServices, Condition::UsesDataProcessors];
    ts.set_conditions(&conditions).await?;
    let profile = AssessmentProfile {
        kind: TenantKind::GpOffice,
        size: SizeClass::Micro,
        conditions: conditions.to_vec(),
    };
    let today = day(0);
    let run = ts
        .create_assessment(NewAssessment {
            catalog_key: normen.key(),
            title: format!("Kom i gang {}", crate::kit::i18n::format_date(&today)),
            kind: AssessmentKind::Wizard,
            owner: Some("Erik Redaktør".into()),
            period_start: Some(today),
            period_end: None,
            profile: profile.clone(),
            start_from: None,
        })
        .await?;
    let asked = questions(normen, &profile.to_profile(), DEFAULT_LENGTH);
    for (i, q) in asked.iter().take(WIZARD_ANSWERED).enumerate() {
        // The plan says met or not met; a question where "no" is the good
        // answer gets the opposite word for the same meaning.
        let good = q.node.question.as_ref().map_or(GoodAnswer::Yes, |x| x.good_answer);
        let choice = match (WIZARD_CHOICES[i % WIZARD_CHOICES.len()], good) {
            (WizardAnswer::Yes, GoodAnswer::No) => WizardAnswer::No,
            (WizardAnswer::No, GoodAnswer::No) => WizardAnswer::Yes,
            (planned, _) => planned,
        };
        let input = AnswerInput {
            status: choice.status(good),
            maturity: None,
            owner: None,
            due_date: None,
            comment: None,
            na_reason: None,
            wizard_answer: Some(choice),
        };
        ts.save_answer(&run.id, &q.node.id, input, 0).await?;
    }
    Ok(())
}

/// Example test projects at Fjordheim helseforetak (the enterprise
/// `admin@demo.etterlev.no` administers): an EPJ upgrade that asks for real
/// health data with half of the checklist answered (so the decision panel
/// lists what is missing), and an integration test on synthetic data that is
/// approved. Made by the demo administrator. Does nothing (false) when the
/// hospital already has test projects or the demo people are missing.
pub async fn seed_test_projects(store: &Store) -> Result<bool, StoreError> {
    let org = OrgNumber::parse(HOSPITAL_ORG).map_err(|e| StoreError::Internal(e.to_string()))?;
    let (Some(hospital), Some(admin)) = (
        store.tenant_by_org(&org).await?,
        store.user_by_email(ADMIN_EMAIL).await?,
    ) else {
        return Ok(false);
    };
    let scope = store.scope(&admin, &hospital.id).await?;
    let ts = store.tenant(&scope);
    if !ts.test_projects().await?.is_empty() {
        return Ok(false);
    }
    let check = |key: CheckKey, answer: CheckAnswer, note: Option<&str>| CheckUpdate {
        key,
        input: CheckInput {
            answer,
            note: note.map(str::to_string),
        },
        expected_version: 0,
    };

    let epj = ts
        .create_test_project(TestProjectInput {
            name: "Oppgradering av EPJ til versjon 24.1".into(),
            system_name: "Elektronisk pasientjournal (EPJ)".into(),
            environment: Some("Testmiljø T2 i eget nettsegment".into()),
            purpose: Some(
                "Regresjonstest av migrering av journaldata før oppgraderingen. Leverandøren mener \
                 gamle journalformater ikke finnes i syntetiske data."
                    .into(),
            ),
            owner: Some("IKT-sjef".into()),
            supplier: Some("EPJ-leverandøren".into()),
            data_kind: DataKind::Real,
            delete_by: Some(day(60)),
        })
        .await?;
    ts.save_test_checks(
        &epj.id,
        vec![
            check(
                CheckKey::Purpose,
                CheckAnswer::Yes,
                Some("Teste at journaldata i gamle formater migreres riktig. Bare til denne testen."),
            ),
            check(
                CheckKey::WhyNotSynthetic,
                CheckAnswer::Yes,
                Some("Syntetiske journaler har ikke formatene fra før 2012 som migreringen må håndtere."),
            ),
            check(CheckKey::SeparateEnvironments, CheckAnswer::Yes, None),
            check(
                CheckKey::AccessControl,
                CheckAnswer::Yes,
                Some("Fire navngitte testere hos oss og to hos leverandøren."),
            ),
            check(
                CheckKey::Logging,
                CheckAnswer::Partly,
                Some("Tilgang logges, men ingen er satt til å følge opp loggene ennå."),
            ),
            check(
                CheckKey::ProcessingAgreement,
                CheckAnswer::No,
                Some("Databehandleravtalen dekker drift, ikke test. Må utvides."),
            ),
        ],
    )
    .await?;

    let booking = ts
        .create_test_project(TestProjectInput {
            name: "Ny integrasjon mot timebok".into(),
            system_name: "Timebok og innbyggerportal".into(),
            environment: Some("Integrasjonsmiljø I1".into()),
            purpose: Some("Ende-til-ende-test av timebestilling fra innbyggerportalen.".into()),
            owner: Some("Informasjonssikkerhetsleder".into()),
            supplier: None,
            data_kind: DataKind::Synthetic,
            delete_by: None,
        })
        .await?;
    ts.save_test_checks(
        &booking.id,
        vec![
            check(
                CheckKey::Purpose,
                CheckAnswer::Yes,
                Some("Vise at timer bestilt i portalen kommer riktig inn i timeboken."),
            ),
            check(
                CheckKey::SeparateEnvironments,
                CheckAnswer::Yes,
                Some("Integrasjonsmiljøet har ingen forbindelse til produksjon."),
            ),
            check(
                CheckKey::WhyNotSynthetic,
                CheckAnswer::NotRelevant,
                Some("Testen bruker bare syntetiske personer (etterlev testdata generate)."),
            ),
        ],
    )
    .await?;
    ts.decide_test_project(
        &booking.id,
        DecisionInput {
            decision: Decision::Approved,
            reason: "Bare syntetiske testdata. Formål og atskilt miljø er dokumentert.".into(),
            conditions: None,
            review_by: Some(day(180)),
        },
        booking.version,
    )
    .await?;
    tracing::info!(projects = 2, "demo test projects created");
    Ok(true)
}

/// The lines printed at start-up so a person can sign in.
pub fn banner(base: &url::Url) -> String {
    let mut s = format!("\nDemo mode: sign in at {base}login\n  password for every demo user: {PASSWORD}\n");
    for u in USERS {
        s.push_str(&format!(
            "  {:<28} {:<10}{}\n",
            u.email,
            u.role.as_str(),
            if u.totp { "  (TOTP, see below)" } else { "" }
        ));
    }
    s.push_str(&format!(
        "  {:<28} secretariat (Normen secretariat pages)\n",
        secretariat::SECRETARIAT_EMAIL
    ));
    s.push_str(&format!(
        "  TOTP secret of {ADMIN_EMAIL}: {TOTP_SECRET}\n  (add it to an authenticator app, or run `etterlev demo-code` for the current code)\n"
    ));
    s
}
