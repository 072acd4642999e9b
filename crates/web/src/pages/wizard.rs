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

use super::actions::{gap_priority, overdue, priority_label, today};
use super::assessment_report::report_lang;
use super::{Form, Layout, can_edit, form_version, object_id, query_param, render, render_status, tenant_name};
use crate::AppState;
use crate::catalogs::Loaded;
use crate::error::{AppError, AppResult};
use crate::glossary::link_terms;
use crate::i18n::Tr;
use crate::session::Auth;

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

/// The newest version (by date) of Normen among the loaded catalogues.
pub fn newest_normen(loaded: &Loaded) -> Option<&Catalog> {
    loaded
        .versions_of(CATALOG_ID)
        .into_iter()
        .max_by(|a, b| (&a.date, &a.version).cmp(&(&b.date, &b.version)))
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
#[template(path = "wizard_start.html")]
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
#[template(path = "wizard_profile.html")]
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
    let today = today();
    let a = state
        .store
        .tenant(scope)
        .create_assessment(NewAssessment {
            catalog_key: normen.key(),
            title: tr.msg_with("wizard-assessment-title", &[("date", crate::i18n::format_date(&today))]),
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

// ------------------------------------------------------------------ questions

struct ChoiceView {
    value: &'static str,
    label: String,
    checked: bool,
}

struct QuestionView {
    /// 1-based position in the whole wizard.
    n: usize,
    node_id: String,
    /// Question and help as escaped HTML with glossary links.
    text: String,
    help: Option<String>,
    choices: Vec<ChoiceView>,
    version: i64,
    /// After a conflict: what someone else saved meanwhile.
    conflict: Option<String>,
}

struct ChapterGroup {
    title: String,
    questions: Vec<QuestionView>,
}

#[derive(Template)]
#[template(path = "wizard_page.html")]
struct QuestionsPage {
    l: Layout,
    id: String,
    title: String,
    page: usize,
    pages: usize,
    first: usize,
    last: usize,
    total: usize,
    answered: usize,
    percent: usize,
    groups: Vec<ChapterGroup>,
    can_edit: bool,
    errors: Vec<String>,
}

/// The user's input for one question, kept when the page is shown again.
struct Kept {
    choice: Option<WizardAnswer>,
    version: i64,
    conflict: Option<String>,
}

fn build_page(
    auth: &Auth,
    run: &Run,
    qs: &[WizardQuestion<'_>],
    page: usize,
    kept: &HashMap<String, Kept>,
) -> QuestionsPage {
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let lang = tr.lang.code();
    let pages = page_count(qs.len());
    let start = (page - 1) * PAGE_SIZE;
    let end = (start + PAGE_SIZE).min(qs.len());
    let mut groups: Vec<ChapterGroup> = Vec::new();
    for (i, q) in qs.iter().enumerate().take(end).skip(start) {
        let node = q.node;
        let stored = run.answers.get(&node.id);
        let k = kept.get(&node.id);
        let chosen = match k {
            Some(k) => k.choice,
            None => stored.and_then(|x| choice_of(x, good_of(node))),
        };
        let view = QuestionView {
            n: i + 1,
            node_id: node.id.clone(),
            // Escaped here, with jargon linked to the glossary.
            text: link_terms(
                &node
                    .question
                    .as_ref()
                    .map(|x| x.text().get(lang).to_owned())
                    .unwrap_or_else(|| node.title.get(lang).to_owned()),
                tr.lang,
            ),
            help: node
                .question
                .as_ref()
                .and_then(|x| x.help.as_ref())
                .map(|h| link_terms(h.get(lang), tr.lang)),
            choices: WizardAnswer::ALL
                .iter()
                .map(|c| ChoiceView {
                    value: c.as_str(),
                    label: answer_label(&tr, *c),
                    checked: chosen == Some(*c),
                })
                .collect(),
            version: k.map_or_else(|| stored.map_or(0, |s| s.version), |k| k.version),
            conflict: k.and_then(|k| k.conflict.clone()),
        };
        let chapter = format!("{} {}", q.chapter.label(), q.chapter.title.get(lang));
        match groups.last_mut() {
            Some(g) if g.title == chapter => g.questions.push(view),
            _ => groups.push(ChapterGroup {
                title: chapter,
                questions: vec![view],
            }),
        }
    }
    let answered = qs.iter().filter(|q| run.choice(q.node).is_some()).count();
    QuestionsPage {
        id: run.assessment.id.clone(),
        title: run.assessment.title.clone(),
        page,
        pages,
        first: (start + 1).min(qs.len()),
        last: end,
        total: qs.len(),
        percent: (answered * 100).checked_div(qs.len()).unwrap_or(100),
        answered,
        groups,
        can_edit: can_edit(auth) && !run.assessment.closed,
        errors: Vec::new(),
        l,
    }
}

async fn questions_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let run = Run::load(&state, &auth, &id).await?;
    let qs = run.questions()?;
    let pages = page_count(qs.len());
    let page = match query_param(query.as_deref(), "page") {
        Some(p) => p
            .parse::<usize>()
            .ok()
            .filter(|p| (1..=pages).contains(p))
            .ok_or(AppError::NotFound)?,
        // Where the user left off: the first page with an unanswered question.
        None => match qs.iter().position(|q| run.choice(q.node).is_none()) {
            Some(i) => i / PAGE_SIZE + 1,
            None => return Ok(Redirect::to(&format!("/wizard/{}/result", run.assessment.id)).into_response()),
        },
    };
    Ok(render(&build_page(&auth, &run, &qs, page, &HashMap::new())))
}

async fn save_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let run = Run::load(&state, &auth, &id).await?;
    if !can_edit(&auth) {
        return Err(AppError::Forbidden);
    }
    let qs = run.questions()?;
    let pages = page_count(qs.len());
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let page = field("page")
        .and_then(|p| p.trim().parse::<usize>().ok())
        .filter(|p| (1..=pages).contains(p))
        .ok_or_else(|| AppError::BadRequest("the form names no valid page".into()))?;
    let go = field("go").unwrap_or("next");
    let ts = state.store.tenant(auth.scope()?);
    let tr = auth.ctx.tr;
    let start = (page - 1) * PAGE_SIZE;
    let mut kept: HashMap<String, Kept> = HashMap::new();
    let mut conflicts = 0;
    for q in qs.iter().skip(start).take(PAGE_SIZE) {
        let node_id = &q.node.id;
        let Some(raw) = field(&format!("a.{node_id}")) else {
            continue;
        };
        let choice = WizardAnswer::parse(raw.trim()).ok_or_else(|| {
            AppError::BadRequest(format!("{raw:?} is not an answer: use yes, partly, no or dont_know"))
        })?;
        let expected: i64 = match field(&format!("v.{node_id}")) {
            Some(v) => form_version(v)?,
            None => 0,
        };
        let stored = run.answers.get(node_id);
        if stored.is_some_and(|s| s.version == expected && s.wizard_answer == Some(choice)) {
            continue;
        }
        let mut input = stored.map_or_else(
            || AnswerInput {
                status: choice.status(good_of(q.node)),
                maturity: None,
                owner: None,
                due_date: None,
                comment: None,
                na_reason: None,
                wizard_answer: None,
            },
            Answer::input,
        );
        input.status = choice.status(good_of(q.node));
        input.wizard_answer = Some(choice);
        input.na_reason = None;
        match ts.save_answer(&run.assessment.id, node_id, input, expected).await {
            Ok(_) => {}
            Err(StoreError::VersionConflict(c)) => {
                let ConflictWith::Answer(now) = *c else {
                    return Err(AppError::Internal("unexpected conflict object".into()));
                };
                conflicts += 1;
                let theirs = choice_of(&now, good_of(q.node))
                    .map_or_else(|| tr.msg("wizard-unanswered"), |c| answer_label(&tr, c));
                kept.insert(
                    node_id.clone(),
                    Kept {
                        choice: Some(choice),
                        version: now.version,
                        conflict: Some(tr.msg_with(
                            "wizard-conflict-one",
                            &[
                                ("answer", theirs),
                                ("who", now.updated_by.clone().unwrap_or_else(|| "–".into())),
                                ("when", tr.datetime(&now.updated_at)),
                            ],
                        )),
                    },
                );
            }
            Err(e) => return Err(e.into()),
        }
    }
    if conflicts > 0 {
        // Show the page again with the user's own answers selected, what is
        // stored next to each conflicting one, and the stored versions, so
        // saving again keeps the user's choice.
        let run = Run::load(&state, &auth, &id).await?;
        let qs = run.questions()?;
        for q in qs.iter().skip(start).take(PAGE_SIZE) {
            if kept.contains_key(&q.node.id) {
                continue;
            }
            if let Some(raw) = field(&format!("a.{}", q.node.id)) {
                kept.insert(
                    q.node.id.clone(),
                    Kept {
                        choice: WizardAnswer::parse(raw.trim()),
                        version: run.answers.get(&q.node.id).map_or(0, |a| a.version),
                        conflict: None,
                    },
                );
            }
        }
        let mut view = build_page(&auth, &run, &qs, page, &kept);
        view.errors = vec![tr.msg("wizard-conflict")];
        return Ok(render_status(StatusCode::CONFLICT, &view));
    }
    let id = &run.assessment.id;
    let target = match go {
        "back" => format!("/wizard/{id}?page={}", page.saturating_sub(1).max(1)),
        "exit" => "/wizard?notice=saved".to_string(),
        _ if page >= pages => format!("/wizard/{id}/result"),
        _ => format!("/wizard/{id}?page={}", page + 1),
    };
    Ok(Redirect::to(&target).into_response())
}

// ------------------------------------------------------------------ result

/// How many gaps the path puts first: a small enterprise gets a short list
/// it can act on, and the rest is grouped as "later".
pub const FOCUS_LIMIT: usize = 10;

/// A question not answered with its good answer (partly, don't know, or the
/// other answer), with its priority.
struct Gap<'a> {
    /// Position in the wizard (reading order).
    n: usize,
    node: &'a Node,
    chapter: &'a Node,
    status: AnswerStatus,
    choice: Option<WizardAnswer>,
    priority: Priority,
    /// The answer's owner and due date, which an action made from the gap
    /// takes over.
    owner: Option<String>,
    due_date: Option<String>,
}

impl Gap<'_> {
    /// The plain what-to-do of the question (its title and text), or the
    /// requirement's own title and text where a question has none.
    fn todo(&self, lang: &str) -> (String, Option<String>) {
        match self.node.question.as_ref().and_then(|q| q.todo.as_ref()) {
            Some(t) => (t.title.get(lang).to_owned(), Some(t.text.get(lang).to_owned())),
            None => (
                self.node.title.get(lang).to_owned(),
                self.node.text.as_ref().map(|t| t.get(lang).to_owned()),
            ),
        }
    }
}

/// Gaps in priority order (patient safety first), then reading order.
fn gaps<'a>(run: &Run, qs: &[WizardQuestion<'a>]) -> Vec<Gap<'a>> {
    let mut out: Vec<Gap<'a>> = qs
        .iter()
        .enumerate()
        .filter_map(|(i, q)| {
            let answer = run.answers.get(&q.node.id)?;
            let choice = choice_of(answer, good_of(q.node));
            choice?;
            answer.status.is_gap().then(|| Gap {
                n: i + 1,
                node: q.node,
                chapter: q.chapter,
                status: answer.status,
                choice,
                priority: gap_priority(q.node, answer.status),
                owner: answer.owner.clone(),
                due_date: answer.due_date.clone(),
            })
        })
        .collect();
    out.sort_by_key(|g| (g.priority.rank(), g.n));
    out
}

struct ActionLink {
    id: String,
    status_label: String,
    owner: String,
    deadline: String,
    overdue: bool,
}

struct GapView {
    n: usize,
    node_id: String,
    label: String,
    question: String,
    answer: String,
    todo_title: String,
    todo_text: Option<String>,
    chapter: String,
    priority: &'static str,
    priority_label: String,
    action: Option<ActionLink>,
}

#[derive(Template)]
#[template(path = "wizard_result.html")]
struct ResultPage {
    l: Layout,
    id: String,
    title: String,
    catalog_key: String,
    total: usize,
    yes: usize,
    unanswered: usize,
    resume_page: usize,
    /// All gaps (for the count).
    gap_count: usize,
    /// The first [`FOCUS_LIMIT`] gaps in priority order.
    gaps: Vec<GapView>,
    /// The rest, grouped as "later".
    later: Vec<GapView>,
    /// Focus gaps that have no action yet.
    without_action: usize,
    can_edit: bool,
}

async fn result(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let run = Run::load(&state, &auth, &id).await?;
    let qs = run.questions()?;
    let actions = state
        .store
        .tenant(auth.scope()?)
        .actions(Some(&run.assessment.id))
        .await?;
    let mut l = Layout::for_user(&auth);
    if query_param(query.as_deref(), "notice").as_deref() == Some("actions-created") {
        l = l.with_notice("action-notice-actions-created");
    }
    let tr = l.tr;
    let lang = tr.lang.code();
    let today = today();
    let by_node: HashMap<&str, &Action> = actions
        .iter()
        .filter_map(|a| a.node_id.as_deref().map(|n| (n, a)))
        .collect();
    let answered = qs.iter().filter(|q| run.choice(q.node).is_some()).count();
    // Answers that mean the requirement is met (yes, or no where no is
    // the good answer).
    let yes = qs
        .iter()
        .filter(|q| run.choice(q.node).is_some_and(|c| c.is_good(good_of(q.node))))
        .count();
    let first_unanswered = qs.iter().position(|q| run.choice(q.node).is_none());
    let mut gaps: Vec<GapView> = gaps(&run, &qs)
        .into_iter()
        .map(|g| (g.todo(lang), g))
        .map(|((todo_title, todo_text), g)| GapView {
            n: g.n,
            node_id: g.node.id.clone(),
            label: g.node.label().to_owned(),
            question: g
                .node
                .question
                .as_ref()
                .map(|q| q.text().get(lang).to_owned())
                .unwrap_or_default(),
            answer: g.choice.map(|c| answer_label(&tr, c)).unwrap_or_default(),
            todo_title,
            todo_text,
            chapter: format!("{} {}", g.chapter.label(), g.chapter.title.get(lang)),
            priority: g.priority.as_str(),
            priority_label: priority_label(&tr, g.priority),
            action: by_node.get(g.node.id.as_str()).map(|a| ActionLink {
                id: a.id.clone(),
                status_label: super::actions::status_label(&tr, a.status),
                owner: a.owner.clone().unwrap_or_default(),
                deadline: a.deadline.clone().unwrap_or_default(),
                overdue: overdue(a, &today),
            }),
        })
        .collect();
    Ok(render(&ResultPage {
        id: run.assessment.id.clone(),
        title: run.assessment.title.clone(),
        catalog_key: run.assessment.catalog_key.clone(),
        total: qs.len(),
        yes,
        unanswered: qs.len() - answered,
        resume_page: first_unanswered.map_or(1, |i| i / PAGE_SIZE + 1),
        gap_count: gaps.len(),
        later: gaps.split_off(gaps.len().min(FOCUS_LIMIT)),
        without_action: gaps.iter().take(FOCUS_LIMIT).filter(|g| g.action.is_none()).count(),
        gaps,
        can_edit: can_edit(&auth),
        l,
    }))
}

/// Turns the first [`FOCUS_LIMIT`] gaps (in priority order) that have no
/// action yet into actions, titled with the question's plain what-to-do and
/// taking over the answer's owner and due date. The rest stay "later" (each
/// can still be made an action by hand). Running it again creates nothing
/// new, so a failure halfway is mended by a retry.
async fn create_actions(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let run = Run::load(&state, &auth, &id).await?;
    if !can_edit(&auth) {
        return Err(AppError::Forbidden);
    }
    let qs = run.questions()?;
    let ts = state.store.tenant(auth.scope()?);
    let existing = ts.actions(Some(&run.assessment.id)).await?;
    let lang = auth.ctx.tr.lang.code();
    for g in gaps(&run, &qs).into_iter().take(FOCUS_LIMIT) {
        if existing
            .iter()
            .any(|a| a.node_id.as_deref() == Some(g.node.id.as_str()))
        {
            continue;
        }
        let (title, description) = g.todo(lang);
        ts.create_action(NewAction {
            title,
            description,
            assessment_id: Some(run.assessment.id.clone()),
            node_id: Some(g.node.id.clone()),
            owner: g.owner.clone(),
            deadline: g.due_date.clone(),
            priority: g.priority,
        })
        .await?;
    }
    Ok(Redirect::to(&format!("/wizard/{}/result?notice=actions-created", run.assessment.id)).into_response())
}

// ------------------------------------------------------------------ report

/// The one-page report's content: scores over the wizard's questions, the
/// gaps, and the action list (stored actions, and the gaps that have none
/// yet as proposed actions).
async fn report_of(state: &AppState, auth: &Auth, id: &str) -> AppResult<etterlev_reports::ManagementReport> {
    use etterlev_reports::{ActionRow, ChapterRow, GapRow, ManagementReport};
    let run = Run::load(state, auth, id).await?;
    let qs = run.questions()?;
    let catalog = run.catalog()?;
    let actions = state
        .store
        .tenant(auth.scope()?)
        .actions(Some(&run.assessment.id))
        .await?;
    let tr = auth.ctx.tr;
    let lang = tr.lang.code();
    let today = today();
    let scored: Vec<ScoredAnswer> = qs
        .iter()
        .map(|q| ScoredAnswer {
            chapter: q.chapter.id.clone(),
            status: run
                .answers
                .get(&q.node.id)
                .map_or(AnswerStatus::NotStarted, |a| a.status),
            maturity: None,
        })
        .collect();
    let scores = etterlev_core::assessment::score(&scored);
    let mut chapters: Vec<ChapterRow> = Vec::new();
    for q in &qs {
        if chapters.iter().any(|c| c.label == q.chapter.label()) {
            continue;
        }
        if let Some(score) = scores.chapters.get(&q.chapter.id) {
            chapters.push(ChapterRow {
                label: q.chapter.label().to_owned(),
                title: q.chapter.title.get(lang).to_owned(),
                score: *score,
            });
        }
    }
    let by_node: HashMap<&str, &Action> = actions
        .iter()
        .filter_map(|a| a.node_id.as_deref().map(|n| (n, a)))
        .collect();
    let gap_list = gaps(&run, &qs);
    let row_of = |a: &Action| ActionRow {
        title: a.title.clone(),
        requirement: a
            .node_id
            .as_deref()
            .and_then(|n| catalog.node(n))
            .map(|n| n.label().to_owned()),
        owner: a.owner.clone(),
        deadline: a.deadline.clone(),
        priority: a.priority,
        status: a.status,
        overdue: overdue(a, &today),
    };
    // The report proposes the focus list; a "later" gap shows only once
    // someone has made it an action.
    let mut action_rows: Vec<ActionRow> = gap_list
        .iter()
        .enumerate()
        .filter(|(i, g)| *i < FOCUS_LIMIT || by_node.contains_key(g.node.id.as_str()))
        .map(|(_, g)| match by_node.get(g.node.id.as_str()) {
            Some(a) => row_of(a),
            None => ActionRow {
                title: g.todo(lang).0,
                requirement: Some(g.node.label().to_owned()),
                owner: g.owner.clone(),
                deadline: g.due_date.clone(),
                priority: g.priority,
                status: ActionStatus::Open,
                overdue: false,
            },
        })
        .collect();
    let gap_nodes: Vec<&str> = gap_list.iter().map(|g| g.node.id.as_str()).collect();
    action_rows.extend(
        actions
            .iter()
            .filter(|a| a.node_id.as_deref().is_none_or(|n| !gap_nodes.contains(&n)))
            .map(row_of),
    );
    let gap_rows = gap_list
        .iter()
        .map(|g| {
            let a = by_node.get(g.node.id.as_str());
            GapRow {
                label: g.node.label().to_owned(),
                title: g.node.title.get(lang).to_owned(),
                status: g.status,
                owner: a.and_then(|a| a.owner.clone()),
                due: a.and_then(|a| a.deadline.clone()),
                priority: g.priority,
            }
        })
        .collect();
    let catalog_name = match &catalog.short_title {
        Some(t) => t.get(lang).to_owned(),
        None => format!("{} {}", catalog.title.get(lang), catalog.version),
    };
    let generated = today
        .parse::<jiff::civil::Date>()
        .unwrap_or_else(|_| jiff::Zoned::now().date());
    Ok(ManagementReport {
        tenant: tenant_name(auth),
        title: run.assessment.title.clone(),
        catalog: catalog_name,
        period: run.assessment.period_start.clone(),
        generated,
        overall: scores.overall,
        chapters,
        gaps: gap_rows,
        actions: action_rows,
        evidence: Vec::new(),
        trend: Vec::new(),
        maturity_levels: Vec::new(),
    })
}

/// The printable page carries its own inline style and nothing else, so it
/// gets a policy of its own (see `security::headers`).
const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; \
                          base-uri 'none'; form-action 'none'";

async fn report_html(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let report = report_of(&state, &auth, &id).await?;
    let html = etterlev_reports::action_list_html(&report, report_lang(auth.ctx.tr.lang));
    let mut resp = Html(html).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(REPORT_CSP));
    Ok(resp)
}

async fn report_docx(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let report = report_of(&state, &auth, &id).await?;
    let bytes = etterlev_reports::action_list_docx(&report, report_lang(auth.ctx.tr.lang))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let filename = format!(
        "{}-{}.docx",
        auth.ctx.tr.msg("wizard-report-filename"),
        report.generated
    );
    let disposition = format!("attachment; filename=\"{}\"", filename.replace(['"', '\\'], ""));
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

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
