//! The small-enterprise path (module M3): a guided self-assessment in plain
//! language for GP offices, dentists, physiotherapists and pharmacies.
//!
//! `/wizard` explains it and offers to continue an unfinished run; `/wizard/new`
//! asks four yes/no questions about the enterprise and creates an assessment
//! of kind `wizard` on the newest Normen version; `/wizard/{id}?page=n` asks
//! the catalogue's plain-language questions five at a time, saving every
//! page; `/wizard/{id}/result` is the prioritised action list, with one
//! button to turn every gap into an action and the one-page report (HTML and
//! .docx).
//!
//! The questions are not stored: they are chosen again from the catalogue
//! and the assessment's profile (`etterlev_catalog::wizard::questions`),
//! which gives the same list as long as the catalogue version is the same,
//! and an assessment never changes its catalogue version.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use etterlev_catalog::wizard::{DEFAULT_LENGTH, WizardQuestion, questions};
use etterlev_catalog::{Catalog, Node};
use etterlev_core::{ActionStatus, AnswerStatus, Condition, GoodAnswer, Priority, ScoredAnswer, WizardAnswer};
use etterlev_store::{
    Action, Answer, AnswerInput, Assessment, AssessmentKind, AssessmentProfile, ConflictWith, NewAction, NewAssessment,
    StoreError,
};

use crate::AppState;
use crate::actions::{gap_priority, overdue, priority_label};
use crate::assessment::report_lang;
use crate::catalog::Loaded;
use crate::catalog::link_terms;
use crate::kit::dates::today;
use crate::kit::error::{AppError, AppResult};
use crate::kit::i18n::Tr;
use crate::kit::session::Auth;
use crate::kit::{Form, Layout, can_edit, form_version, object_id, query_param, render, render_status, tenant_name};

/// Questions per page.
pub const PAGE_SIZE: usize = 5;
/// The catalogue the wizard asks from (its newest version).
pub const CATALOG_ID: &str = "normen";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/wizard", get(start))
        .route("/wizard/new", get(profile_form).post(create))
        .route("/wizard/{id}", get(questions_page).post(save_page))
        .route("/wizard/{id}/result", get(result))
        .route("/wizard/{id}/actions", post(create_actions))
        .route("/wizard/{id}/report", get(report_html))
        .route("/wizard/{id}/report.docx", get(report_docx))
}

// ------------------------------------------------------------------ shared

/// The profile questions asked before the catalogue's: (form field,
/// condition, message key of the question, message key of its help).
const PROFILE_QUESTIONS: &[(&str, Condition, &str, &str)] = &[
    (
        "cloud",
        Condition::UsesCloudServices,
        "wizard-profile-cloud",
        "wizard-profile-cloud-help",
    ),
    (
        "processor",
        Condition::UsesDataProcessors,
        "wizard-profile-processor",
        "wizard-profile-processor-help",
    ),
    (
        "home_devices",
        Condition::MedicalDevicesInHomes,
        "wizard-profile-home-devices",
        "wizard-profile-home-devices-help",
    ),
    (
        "software",
        Condition::DevelopsOrTestsSoftware,
        "wizard-profile-software",
        "wizard-profile-software-help",
    ),
];

/// The newest version of Normen among the loaded catalogues.
pub fn newest_normen(loaded: &Loaded) -> Option<&Catalog> {
    loaded.newest(CATALOG_ID)
}

fn answer_label(tr: &Tr, a: WizardAnswer) -> String {
    tr.msg(&format!("wizard-answer-{}", a.as_str()))
}

/// What a stored answer says in wizard terms. Answers saved by the wizard
/// carry it; others (edited in the full assessment) are read from the status
/// and the question's good answer.
fn choice_of(a: &Answer, good: GoodAnswer) -> Option<WizardAnswer> {
    a.wizard_answer.or_else(|| WizardAnswer::from_status(a.status, good))
}

/// The good answer of a wizard question's node (every question names one).
fn good_of(node: &Node) -> GoodAnswer {
    node.question.as_ref().map_or(GoodAnswer::Yes, |q| q.good_answer)
}

/// One wizard run: the assessment, its answers by requirement and the
/// loaded catalogues its questions come from.
struct Run {
    loaded: Arc<Loaded>,
    assessment: Assessment,
    answers: HashMap<String, Answer>,
}

impl Run {
    async fn load(state: &AppState, auth: &Auth, id: &str) -> AppResult<Run> {
        let scope = auth.scope()?;
        let ts = state.store.tenant(scope);
        let assessment = ts.assessment(object_id(id)?).await?;
        if assessment.kind != AssessmentKind::Wizard {
            return Err(AppError::NotFound);
        }
        let answers = ts
            .answers(&assessment.id)
            .await?
            .into_iter()
            .map(|a| (a.node_id.clone(), a))
            .collect();
        let loaded = state.catalogs.get(&state.store).await?;
        if loaded.catalog(&assessment.catalog_key).is_none() {
            return Err(AppError::NotFound);
        }
        Ok(Run {
            loaded,
            assessment,
            answers,
        })
    }

    fn catalog(&self) -> AppResult<&Catalog> {
        self.loaded
            .catalog(&self.assessment.catalog_key)
            .ok_or(AppError::NotFound)
    }

    fn questions(&self) -> AppResult<Vec<WizardQuestion<'_>>> {
        Ok(questions(
            self.catalog()?,
            &self.assessment.profile.to_profile(),
            DEFAULT_LENGTH,
        ))
    }

    fn choice(&self, node: &Node) -> Option<WizardAnswer> {
        self.answers.get(&node.id).and_then(|a| choice_of(a, good_of(node)))
    }
}

fn page_count(questions: usize) -> usize {
    questions.div_ceil(PAGE_SIZE).max(1)
}

// ------------------------------------------------------------------ start

struct RunSummary {
    id: String,
    title: String,
    created: String,
    answered: usize,
    total: usize,
    finished: bool,
}

#[derive(Template)]
#[template(path = "wizard/start.html")]
struct StartPage {
    l: Layout,
    can_edit: bool,
    has_catalog: bool,
    question_count: usize,
    resume: Option<RunSummary>,
    earlier: Vec<RunSummary>,
}

async fn start(State(state): State<AppState>, auth: Auth, RawQuery(query): RawQuery) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let loaded = state.catalogs.get(&state.store).await?;
    let mut l = Layout::for_user(&auth);
    if query_param(query.as_deref(), "notice").as_deref() == Some("saved") {
        l = l.with_notice("wizard-notice-saved");
    }
    let tr = l.tr;
    let mut runs = Vec::new();
    let wizard_runs = ts
        .list_assessments()
        .await?
        .into_iter()
        .filter(|a| a.kind == AssessmentKind::Wizard)
        .take(5);
    for a in wizard_runs {
        let Some(catalog) = loaded.catalog(&a.catalog_key) else {
            continue;
        };
        let qs = questions(catalog, &a.profile.to_profile(), DEFAULT_LENGTH);
        let answers: HashMap<String, Answer> = ts
            .answers(&a.id)
            .await?
            .into_iter()
            .map(|x| (x.node_id.clone(), x))
            .collect();
        let answered = qs
            .iter()
            .filter(|q| {
                answers
                    .get(&q.node.id)
                    .and_then(|x| choice_of(x, good_of(q.node)))
                    .is_some()
            })
            .count();
        runs.push(RunSummary {
            finished: answered == qs.len() || a.closed,
            created: tr.datetime(&a.created_at),
            id: a.id,
            title: a.title,
            answered,
            total: qs.len(),
        });
    }
    // The newest run, if unfinished, is where the user left off.
    let resume = match runs.first() {
        Some(r) if !r.finished => Some(runs.remove(0)),
        _ => None,
    };
    let normen = newest_normen(&loaded);
    Ok(render(&StartPage {
        can_edit: can_edit(&auth),
        has_catalog: normen.is_some(),
        question_count: DEFAULT_LENGTH,
        resume,
        earlier: runs,
        l,
    }))
}

// ------------------------------------------------------------------ profile

struct ProfileQuestion {
    field: &'static str,
    text: String,
    help: String,
    /// "yes", "no" or "" (not answered yet).
    chosen: String,
}

#[derive(Template)]
#[template(path = "wizard/profile.html")]
struct ProfilePage {
    l: Layout,
    kind: String,
    size: String,
    questions: Vec<ProfileQuestion>,
    errors: Vec<String>,
}

fn profile_page(auth: &Auth, chosen: &HashMap<String, String>, errors: Vec<String>) -> AppResult<ProfilePage> {
    let scope = auth.scope()?;
    let tenant = auth
        .memberships
        .iter()
        .find(|m| m.tenant.id == scope.tenant_id())
        .map(|m| &m.tenant)
        .ok_or(AppError::NotFound)?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    Ok(ProfilePage {
        kind: tr.kind_name(tenant.kind),
        size: tr.size_name(tenant.size_class),
        questions: PROFILE_QUESTIONS
            .iter()
            .map(|(field, _, text, help)| ProfileQuestion {
                field,
                text: tr.msg(text),
                help: tr.msg(help),
                chosen: chosen.get(*field).cloned().unwrap_or_default(),
            })
            .collect(),
        errors,
        l,
    })
}

async fn profile_form(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    if !can_edit(&auth) {
        return Err(AppError::Forbidden);
    }
    let loaded = state.catalogs.get(&state.store).await?;
    if newest_normen(&loaded).is_none() {
        return Ok(Redirect::to("/wizard").into_response());
    }
    // The enterprise's stored profile answers what it already knows.
    let stored = state.store.tenant(auth.scope()?).conditions().await?;
    let chosen: HashMap<String, String> = stored
        .map(|held| {
            PROFILE_QUESTIONS
                .iter()
                .map(|(field, c, _, _)| {
                    (
                        field.to_string(),
                        if held.contains(c) { "yes" } else { "no" }.to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(render(&profile_page(&auth, &chosen, Vec::new())?))
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    if !can_edit(&auth) {
        return Err(AppError::Forbidden);
    }
    let tr = auth.ctx.tr;
    let mut conditions = Vec::new();
    let mut missing = false;
    for (field, condition, _, _) in PROFILE_QUESTIONS {
        match form.get(*field).map(String::as_str) {
            Some("yes") => conditions.push(*condition),
            Some("no") => {}
            _ => missing = true,
        }
    }
    if missing {
        let page = profile_page(&auth, &form, vec![tr.msg("wizard-profile-missing")])?;
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    let tenant = auth
        .memberships
        .iter()
        .find(|m| m.tenant.id == scope.tenant_id())
        .map(|m| m.tenant.clone())
        .ok_or(AppError::NotFound)?;
    let loaded = state.catalogs.get(&state.store).await?;
    let normen = newest_normen(&loaded).ok_or_else(|| AppError::BadRequest(tr.msg("wizard-no-catalog")))?;
    // One profile per enterprise: the answers update the stored profile
    // (its other conditions stay), and the run uses all of it.
    let ts = state.store.tenant(scope);
    let mut held = ts.conditions().await?.unwrap_or_default();
    held.retain(|c| !PROFILE_QUESTIONS.iter().any(|(_, q, _, _)| q == c));
    held.extend(conditions);
    ts.set_conditions(&held).await?;
    let conditions = held;
    let today = today().to_string();
    let a = state
        .store
        .tenant(scope)
        .create_assessment(NewAssessment {
            catalog_key: normen.key(),
            title: tr.msg_with(
                "wizard-assessment-title",
                &[("date", crate::kit::i18n::format_date(&today))],
            ),
            kind: AssessmentKind::Wizard,
            owner: Some(auth.user.display_name.clone()),
            period_start: Some(today),
            period_end: None,
            profile: AssessmentProfile {
                kind: tenant.kind,
                size: tenant.size_class,
                conditions,
            },
            start_from: None,
        })
        .await?;
    Ok(Redirect::to(&format!("/wizard/{}?page=1", a.id)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::i18n::Lang;

    #[test]
    fn pages_of_five() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(5), 1);
        assert_eq!(page_count(6), 2);
        assert_eq!(page_count(30), 6);
    }

    #[test]
    fn dynamic_keys_exist() {
        for lang in [Lang::Nb, Lang::En] {
            let tr = Tr::new(lang);
            let mut keys: Vec<String> = WizardAnswer::ALL
                .iter()
                .map(|a| format!("wizard-answer-{}", a.as_str()))
                .collect();
            for (_, _, q, h) in PROFILE_QUESTIONS {
                keys.push((*q).into());
                keys.push((*h).into());
            }
            let missing: Vec<_> = keys.iter().filter(|k| tr.msg(k) == **k).collect();
            assert!(missing.is_empty(), "{lang:?}: missing {missing:?}");
        }
    }
}

mod questions;
mod result;
#[allow(unused_imports)]
pub use questions::*;
#[allow(unused_imports)]
pub use result::*;
