//! Test data (module M9): the test-data guideline as a checklist per test
//! project. `/testdata` lists the enterprise's test projects with a short
//! introduction to the guideline; `/testdata/{id}` shows the checklist by
//! group (help text, sources, links into the catalogue, answer and note), a
//! progress bar, the decision panel with what is still missing for the
//! project's kind of data, and the decision history; `/testdata/{id}/report`
//! is the printable record of the decision.
//!
//! The rule of what is missing lives in `etterlev_core::testdata_guideline`
//! and is enforced by the store; this module only shows it. Validation of the
//! forms lives here and is shared with the API (`api/testdata.rs`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use etterlev_core::testdata_guideline::{
    CheckAnswer, CheckGroup, CheckKey, DataKind, Decision, Missing, MissingReason, Need,
};
use etterlev_store::{
    CheckInput, CheckUpdate, ConflictWith, DecisionInput, StoreError, TestCheck, TestDecision, TestProject,
    TestProjectInput,
};
use serde::Deserialize;

use super::actions::FieldError;
use super::{Form, Layout, can_edit, form_version, object_id, query_param, render, render_status, tenant_name};
use crate::AppState;
use crate::catalogs::Loaded;
use crate::error::{AppError, AppResult, url_encode};
use crate::i18n::Tr;
use crate::session::Auth;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/testdata", get(list))
        .route("/testdata/new", get(new_form).post(create))
        .route("/testdata/{id}", get(detail))
        .route("/testdata/{id}/edit", get(edit_form).post(update))
        .route("/testdata/{id}/checks", post(save_check))
        .route("/testdata/{id}/decision", post(decide))
        .route("/testdata/{id}/report", get(report))
}

// ------------------------------------------------------------------ shared rules

/// The store's limits (`etterlev_store` checks them again).
pub const LINE_MAX: usize = 200;
pub const TEXT_MAX: usize = 4000;

fn err(field: &'static str, key: &'static str, english: impl Into<String>) -> FieldError {
    FieldError {
        field,
        key,
        english: english.into(),
    }
}

/// A one-line field: `Ok(None)` when blank and optional.
fn line(raw: &str, required: bool) -> Result<Option<String>, ()> {
    let v = raw.trim();
    if v.is_empty() {
        return if required { Err(()) } else { Ok(None) };
    }
    etterlev_core::text::one_line("field", v, LINE_MAX)
        .map(Some)
        .map_err(|_| ())
}

/// A multi-line text; line breaks and tabs are the only control characters.
fn multi_line(raw: &str) -> Result<Option<String>, ()> {
    let v = raw.replace("\r\n", "\n");
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().count() > TEXT_MAX || v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(());
    }
    Ok(Some(v.to_string()))
}

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> String {
    all.iter().map(|v| name(*v)).collect::<Vec<_>>().join(", ")
}

/// The fields of a test project as typed (form or JSON), before checking.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawProject {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub system_name: String,
    #[serde(default)]
    pub environment: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub supplier: String,
    #[serde(default)]
    pub data_kind: String,
    #[serde(default)]
    pub delete_by: String,
}

impl RawProject {
    pub fn of(p: &TestProject) -> Self {
        RawProject {
            name: p.name.clone(),
            system_name: p.system_name.clone(),
            environment: p.environment.clone().unwrap_or_default(),
            purpose: p.purpose.clone().unwrap_or_default(),
            owner: p.owner.clone().unwrap_or_default(),
            supplier: p.supplier.clone().unwrap_or_default(),
            data_kind: p.data_kind.as_str().into(),
            delete_by: p.delete_by.clone().unwrap_or_default(),
        }
    }
}

/// Checks every field and returns the input for the store, or every problem.
pub fn check_project(raw: &RawProject) -> Result<TestProjectInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut one = |field: &'static str, key: &'static str, value: &str, required: bool| {
        line(value, required)
            .map_err(|()| {
                errors.push(err(
                    field,
                    key,
                    format!(
                        "{field} must be one line of at most {LINE_MAX} characters{}",
                        if required { " and not empty" } else { "" }
                    ),
                ))
            })
            .ok()
            .flatten()
    };
    let name = one("name", "testdata-error-name", &raw.name, true);
    let system_name = one("system_name", "testdata-error-system", &raw.system_name, true);
    let environment = one("environment", "testdata-error-line", &raw.environment, false);
    let owner = one("owner", "testdata-error-line", &raw.owner, false);
    let supplier = one("supplier", "testdata-error-line", &raw.supplier, false);
    let purpose = multi_line(&raw.purpose)
        .map_err(|()| {
            errors.push(err(
                "purpose",
                "testdata-error-text",
                format!("purpose must be at most {TEXT_MAX} characters of text"),
            ))
        })
        .ok()
        .flatten();
    let data_kind = DataKind::parse(raw.data_kind.trim());
    if data_kind.is_none() {
        errors.push(err(
            "data_kind",
            "testdata-error-kind",
            format!("data_kind must be one of {}", names(DataKind::ALL, DataKind::as_str)),
        ));
    }
    let delete_by = super::actions::date(&raw.delete_by)
        .map_err(|()| {
            errors.push(err(
                "delete_by",
                "testdata-error-date",
                format!("delete_by must be a date YYYY-MM-DD, not {:?}", raw.delete_by.trim()),
            ))
        })
        .ok()
        .flatten();
    match (name, system_name, data_kind) {
        (Some(name), Some(system_name), Some(data_kind)) if errors.is_empty() => Ok(TestProjectInput {
            name,
            system_name,
            environment,
            purpose,
            owner,
            supplier,
            data_kind,
            delete_by,
        }),
        _ => Err(errors),
    }
}

/// A check key as typed: unknown keys are named in the message.
pub fn parse_key(raw: &str) -> Result<CheckKey, FieldError> {
    CheckKey::parse(raw.trim()).ok_or_else(|| {
        err(
            "key",
            "testdata-error-key",
            format!(
                "unknown check key {:?}; use one of {}",
                raw.trim().chars().take(60).collect::<String>(),
                names(CheckKey::ALL, CheckKey::as_str)
            ),
        )
    })
}

/// One answer as typed.
pub fn check_answer(key: CheckKey, answer: &str, note: &str) -> Result<CheckInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let answer = CheckAnswer::parse(answer.trim());
    if answer.is_none() {
        errors.push(err(
            "answer",
            "testdata-error-answer",
            format!(
                "{key}: answer must be one of {}",
                names(CheckAnswer::ALL, CheckAnswer::as_str)
            ),
        ));
    }
    let note = multi_line(note)
        .map_err(|()| {
            errors.push(err(
                "note",
                "testdata-error-text",
                format!("{key}: note must be at most {TEXT_MAX} characters of text"),
            ))
        })
        .ok()
        .flatten();
    match answer {
        Some(answer) if errors.is_empty() => Ok(CheckInput { answer, note }),
        _ => Err(errors),
    }
}

/// The fields of a decision as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawDecision {
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub conditions: String,
    #[serde(default)]
    pub review_by: String,
}

pub fn check_decision(raw: &RawDecision) -> Result<DecisionInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let decision = Decision::parse(raw.decision.trim());
    if decision.is_none() {
        errors.push(err(
            "decision",
            "testdata-error-decision",
            format!("decision must be one of {}", names(Decision::ALL, Decision::as_str)),
        ));
    }
    let text = |errors: &mut Vec<FieldError>, field: &'static str, v: &str| {
        multi_line(v)
            .map_err(|()| {
                errors.push(err(
                    field,
                    "testdata-error-text",
                    format!("{field} must be at most {TEXT_MAX} characters of text"),
                ))
            })
            .ok()
            .flatten()
    };
    let reason = text(&mut errors, "reason", &raw.reason);
    if reason.is_none() && !errors.iter().any(|e| e.field == "reason") {
        errors.push(err("reason", "testdata-error-reason", "reason must not be empty"));
    }
    let conditions = text(&mut errors, "conditions", &raw.conditions);
    if decision == Some(Decision::ApprovedWithConditions) && conditions.is_none() {
        errors.push(err(
            "conditions",
            "testdata-error-conditions",
            "conditions must be given for approved_with_conditions",
        ));
    }
    let review_by = super::actions::date(&raw.review_by)
        .map_err(|()| {
            errors.push(err(
                "review_by",
                "testdata-error-date",
                format!("review_by must be a date YYYY-MM-DD, not {:?}", raw.review_by.trim()),
            ))
        })
        .ok()
        .flatten();
    match (decision, reason) {
        (Some(decision), Some(reason)) if errors.is_empty() => Ok(DecisionInput {
            decision,
            reason,
            conditions,
            review_by,
        }),
        _ => Err(errors),
    }
}

// ------------------------------------------------------------------ words

/// Message keys made from machine names; `dynamic_keys_exist` checks them.
pub fn kind_label(tr: &Tr, k: DataKind) -> String {
    tr.msg(&format!("testdata-kind-{}", k.as_str()))
}

pub fn decision_label(tr: &Tr, d: Decision) -> String {
    tr.msg(&format!("testdata-decision-{}", d.as_str()))
}

pub fn answer_label(tr: &Tr, a: CheckAnswer) -> String {
    tr.msg(&format!("testdata-answer-{}", a.as_str()))
}

pub fn check_title(tr: &Tr, k: CheckKey) -> String {
    tr.msg(&format!("testdata-check-{}", k.as_str()))
}

fn check_help(tr: &Tr, k: CheckKey) -> String {
    tr.msg(&format!("testdata-check-{}-help", k.as_str()))
}

fn need_label(tr: &Tr, n: Need) -> String {
    tr.msg(&format!("testdata-need-{}", n.as_str()))
}

fn reason_label(tr: &Tr, r: MissingReason) -> String {
    tr.msg(&format!("testdata-missing-{}", r.as_str()))
}

fn group_label(tr: &Tr, g: CheckGroup) -> String {
    tr.msg(&format!("testdata-group-{}", g.as_str()))
}

/// `YYYY-MM-DD` as `dd.mm.yyyy`, through the one date helper.
pub use crate::i18n::format_date as show_date;

fn show_date_opt(d: &Option<String>) -> String {
    d.as_deref().map(show_date).unwrap_or_default()
}

// ------------------------------------------------------------------ views

pub struct Opt {
    pub value: &'static str,
    pub label: String,
    pub help: String,
    pub selected: bool,
}

fn kind_options(tr: &Tr, chosen: &str) -> Vec<Opt> {
    DataKind::ALL
        .iter()
        .map(|k| Opt {
            value: k.as_str(),
            label: kind_label(tr, *k),
            help: tr.msg(&format!("testdata-kind-{}-help", k.as_str())),
            selected: k.as_str() == chosen,
        })
        .collect()
}

struct Row {
    id: String,
    name: String,
    system: String,
    kind: String,
    decision: Option<&'static str>,
    decision_label: String,
    done: usize,
    required: usize,
    percent: usize,
}

#[derive(Template)]
#[template(path = "testdata_list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Row>,
    can_edit: bool,
}

async fn list(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let projects = ts.test_projects().await?;
    let checks = ts.all_test_checks().await?;
    let l = Layout::for_user(&auth);
    let tr = l.tr;
    let rows = projects
        .iter()
        .map(|p| {
            let progress = p.progress(checks.get(&p.id).map(Vec::as_slice).unwrap_or(&[]));
            Row {
                id: p.id.clone(),
                name: p.name.clone(),
                system: p.system_name.clone(),
                kind: kind_label(&tr, p.data_kind),
                decision: p.decision.map(Decision::as_str),
                decision_label: p
                    .decision
                    .map_or_else(|| tr.msg("testdata-undecided"), |d| decision_label(&tr, d)),
                done: progress.done,
                required: progress.required,
                percent: progress.percent(),
            }
        })
        .collect();
    Ok(render(&ListPage {
        can_edit: can_edit(&auth),
        l,
        rows,
    }))
}

// ------------------------------------------------------------------ project form

#[derive(Template)]
#[template(path = "testdata_form.html")]
struct FormPage {
    l: Layout,
    /// None for a new project.
    id: Option<String>,
    version: i64,
    f: RawProject,
    kinds: Vec<Opt>,
    errors: Vec<String>,
    /// Set after a conflict: the project as stored now.
    stored: Option<RawProject>,
    has_decision: bool,
}

impl FormPage {
    fn new(auth: &Auth, f: RawProject) -> Self {
        let l = Layout::for_user(auth);
        FormPage {
            kinds: kind_options(&l.tr, f.data_kind.trim()),
            l,
            id: None,
            version: 0,
            f,
            errors: Vec::new(),
            stored: None,
            has_decision: false,
        }
    }

    fn with_errors(mut self, errors: &[FieldError]) -> Self {
        self.errors = errors.iter().map(|e| self.l.tr.msg(e.key)).collect();
        self
    }
}

fn require_edit(auth: &Auth) -> AppResult<()> {
    if can_edit(auth) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn new_form(auth: Auth) -> AppResult<Response> {
    auth.scope()?;
    require_edit(&auth)?;
    Ok(render(&FormPage::new(
        &auth,
        RawProject {
            data_kind: DataKind::Synthetic.as_str().into(),
            ..RawProject::default()
        },
    )))
}

async fn create(State(state): State<AppState>, auth: Auth, Form(raw): Form<RawProject>) -> AppResult<Response> {
    let scope = auth.scope()?;
    require_edit(&auth)?;
    let input = match check_project(&raw) {
        Ok(input) => input,
        Err(errors) => {
            let page = FormPage::new(&auth, raw).with_errors(&errors);
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let p = state.store.tenant(scope).create_test_project(input).await?;
    Ok(Redirect::to(&format!("/testdata/{}?notice=testdata-notice-saved", url_encode(&p.id))).into_response())
}

fn edit_page(auth: &Auth, p: &TestProject, f: RawProject) -> FormPage {
    let mut page = FormPage::new(auth, f);
    page.id = Some(p.id.clone());
    page.version = p.version;
    page.has_decision = p.decision.is_some();
    page
}

async fn edit_form(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let scope = auth.scope()?;
    let p = state.store.tenant(scope).test_project(object_id(&id)?).await?;
    require_edit(&auth)?;
    Ok(render(&edit_page(&auth, &p, RawProject::of(&p))))
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(flatten)]
    f: RawProject,
    #[serde(default)]
    version: String,
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<EditForm>,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let current = ts.test_project(object_id(&id)?).await?;
    require_edit(&auth)?;
    let version = form_version(&form.version)?;
    let input = match check_project(&form.f) {
        Ok(input) => input,
        Err(errors) => {
            let mut page = edit_page(&auth, &current, form.f).with_errors(&errors);
            page.version = version;
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    match ts.update_test_project(&current.id, input, version).await {
        Ok(p) => {
            Ok(Redirect::to(&format!("/testdata/{}?notice=testdata-notice-saved", url_encode(&p.id))).into_response())
        }
        Err(StoreError::VersionConflict(c)) => {
            let now = match *c {
                ConflictWith::TestProject(p) => p,
                _ => ts.test_project(&current.id).await?,
            };
            let mut page = edit_page(&auth, &now, form.f);
            page.errors = vec![page.l.tr.msg("testdata-project-conflict")];
            page.stored = Some(RawProject::of(&now));
            Ok(render_status(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ the checklist page

pub struct Link {
    pub href: String,
    pub label: String,
}

struct ItemView {
    key: &'static str,
    title: String,
    help: String,
    need: &'static str,
    need_label: String,
    sources: Vec<Link>,
    in_catalog: Vec<Link>,
    /// The stored answer.
    answered: bool,
    answer_label: String,
    note: String,
    updated: String,
    version: i64,
    /// Why the item stands in the way of approval, if it does.
    problem: Option<String>,
    /// What the form shows (the stored answer, or the user's input after an
    /// error or conflict).
    form_answer: String,
    form_note: String,
    errors: Vec<String>,
    /// Someone saved meanwhile: the stored answer is shown beside the form.
    conflict: bool,
}

struct GroupView {
    key: &'static str,
    title: String,
    items: Vec<ItemView>,
}

struct MissingView {
    key: &'static str,
    title: String,
    reason: String,
}

struct HistoryView {
    seq: i64,
    decision: &'static str,
    decision_label: String,
    reason: String,
    conditions: String,
    review_by: String,
    kind: String,
    by: String,
    at: String,
}

struct CurrentDecision {
    decision: &'static str,
    label: String,
    reason: String,
    conditions: String,
    review_by: String,
    by: String,
    at: String,
    /// The checklist no longer supports it (answers changed afterwards).
    stale: bool,
}

#[derive(Template)]
#[template(path = "testdata_project.html")]
struct ProjectPage {
    l: Layout,
    p: TestProject,
    kind: String,
    environment: String,
    purpose: String,
    owner: String,
    supplier: String,
    delete_by: String,
    groups: Vec<GroupView>,
    answers: Vec<(&'static str, String)>,
    done: usize,
    required: usize,
    percent: usize,
    progress_text: String,
    current: Option<CurrentDecision>,
    missing_approved: Vec<MissingView>,
    missing_conditions: Vec<MissingView>,
    decisions: Vec<(&'static str, String, bool)>,
    decision_form: RawDecision,
    decision_errors: Vec<String>,
    history: Vec<HistoryView>,
    can_edit: bool,
}

/// The user's input for one item after an error or a conflict.
struct ItemInput {
    key: CheckKey,
    answer: String,
    note: String,
    version: i64,
    errors: Vec<String>,
    conflict: bool,
}

/// Links to the check's requirements in the newest loaded version of each
/// catalogue (none when the catalogue is not imported).
fn catalog_links(loaded: &Loaded, tr: &Tr, key: CheckKey) -> Vec<Link> {
    key.catalog_refs()
        .iter()
        .filter_map(|r| {
            let catalog = loaded.versions_of(r.catalog).into_iter().last()?;
            let node = catalog.node(r.node)?;
            Some(Link {
                href: format!("/catalog/{}/node/{}", catalog.key(), node.id),
                label: format!("{} {}", node.label(), node.title.get(tr.lang.code())),
            })
        })
        .collect()
}

fn missing_views(tr: &Tr, missing: &[Missing]) -> Vec<MissingView> {
    missing
        .iter()
        .map(|m| MissingView {
            key: m.key.as_str(),
            title: check_title(tr, m.key),
            reason: reason_label(tr, m.reason),
        })
        .collect()
}

async fn project_page(
    state: &AppState,
    auth: &Auth,
    p: TestProject,
    item_input: Option<ItemInput>,
    decision_form: Option<(RawDecision, Vec<String>)>,
) -> AppResult<ProjectPage> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let checks = ts.test_checks(&p.id).await?;
    let history = ts.test_decisions(&p.id).await?;
    let loaded = state.catalogs.get(&state.store).await?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let missing_approved = p.missing_for(&checks, Decision::Approved);
    let groups = CheckGroup::ALL
        .iter()
        .map(|g| GroupView {
            key: g.as_str(),
            title: group_label(&tr, *g),
            items: g
                .items()
                .map(|key| {
                    let stored = checks.iter().find(|c| c.key == key);
                    let input = item_input.as_ref().filter(|i| i.key == key);
                    let need = key.need(p.data_kind);
                    ItemView {
                        key: key.as_str(),
                        title: check_title(&tr, key),
                        help: check_help(&tr, key),
                        need: need.as_str(),
                        need_label: need_label(&tr, need),
                        sources: key
                            .sources()
                            .iter()
                            .map(|s| Link {
                                href: s.document.url().into(),
                                label: match s.section {
                                    Some(sec) => {
                                        format!("{} {sec}", tr.msg(&format!("testdata-doc-{}", s.document.as_str())))
                                    }
                                    None => tr.msg(&format!("testdata-doc-{}", s.document.as_str())),
                                },
                            })
                            .collect(),
                        in_catalog: catalog_links(&loaded, &tr, key),
                        answered: stored.is_some(),
                        answer_label: stored
                            .map_or_else(|| tr.msg("testdata-unanswered"), |c| answer_label(&tr, c.answer)),
                        note: stored.and_then(|c| c.note.clone()).unwrap_or_default(),
                        updated: stored.map_or_else(String::new, |c| {
                            tr.msg_with(
                                "testdata-answered-by",
                                &[
                                    ("at", tr.datetime(&c.updated_at)),
                                    ("by", c.updated_by.clone().unwrap_or_default()),
                                ],
                            )
                        }),
                        version: match input {
                            Some(i) => i.version,
                            None => stored.map_or(0, |c| c.version),
                        },
                        problem: missing_approved
                            .iter()
                            .find(|m| m.key == key)
                            .map(|m| reason_label(&tr, m.reason)),
                        form_answer: match input {
                            Some(i) => i.answer.clone(),
                            None => stored.map(|c| c.answer.as_str().to_string()).unwrap_or_default(),
                        },
                        form_note: match input {
                            Some(i) => i.note.clone(),
                            None => stored.and_then(|c| c.note.clone()).unwrap_or_default(),
                        },
                        errors: input.map(|i| i.errors.clone()).unwrap_or_default(),
                        conflict: input.is_some_and(|i| i.conflict),
                    }
                })
                .collect(),
        })
        .collect();
    let progress = p.progress(&checks);
    let current = p.decision.map(|d| CurrentDecision {
        decision: d.as_str(),
        label: decision_label(&tr, d),
        reason: p.decision_reason.clone().unwrap_or_default(),
        conditions: p.conditions.clone().unwrap_or_default(),
        review_by: show_date_opt(&p.review_by),
        by: p.decided_by.clone().unwrap_or_default(),
        at: tr.datetime_opt(&p.decided_at),
        stale: !p.missing_for(&checks, d).is_empty(),
    });
    let (decision_form, decision_errors) = decision_form.unwrap_or_else(|| {
        (
            RawDecision {
                decision: p.decision.map(|d| d.as_str().to_string()).unwrap_or_default(),
                ..RawDecision::default()
            },
            Vec::new(),
        )
    });
    let decisions = Decision::ALL
        .iter()
        .map(|d| {
            (
                d.as_str(),
                decision_label(&tr, *d),
                decision_form.decision.trim() == d.as_str(),
            )
        })
        .collect();
    Ok(ProjectPage {
        kind: kind_label(&tr, p.data_kind),
        environment: p.environment.clone().unwrap_or_default(),
        purpose: p.purpose.clone().unwrap_or_default(),
        owner: p.owner.clone().unwrap_or_default(),
        supplier: p.supplier.clone().unwrap_or_default(),
        delete_by: show_date_opt(&p.delete_by),
        groups,
        answers: CheckAnswer::ALL
            .iter()
            .map(|a| (a.as_str(), answer_label(&tr, *a)))
            .collect(),
        done: progress.done,
        required: progress.required,
        percent: progress.percent(),
        progress_text: tr.msg_with(
            "testdata-progress",
            &[
                ("done", progress.done.to_string()),
                ("required", progress.required.to_string()),
                ("answered", progress.answered.to_string()),
                ("total", CheckKey::ALL.len().to_string()),
            ],
        ),
        current,
        missing_conditions: missing_views(&tr, &p.missing_for(&checks, Decision::ApprovedWithConditions)),
        missing_approved: missing_views(&tr, &missing_approved),
        decisions,
        decision_form,
        decision_errors,
        history: history_views(&tr, &history),
        can_edit: can_edit(auth),
        l,
        p,
    })
}

fn history_views(tr: &Tr, history: &[TestDecision]) -> Vec<HistoryView> {
    history
        .iter()
        .map(|d| HistoryView {
            seq: d.seq,
            decision: d.decision.as_str(),
            decision_label: decision_label(tr, d.decision),
            reason: d.reason.clone(),
            conditions: d.conditions.clone().unwrap_or_default(),
            review_by: show_date_opt(&d.review_by),
            kind: kind_label(tr, d.data_kind),
            by: d.decided_by.clone(),
            at: tr.datetime(&d.decided_at),
        })
        .collect()
}

const NOTICES: &[&str] = &[
    "testdata-notice-saved",
    "testdata-notice-check-saved",
    "testdata-notice-decided",
];

async fn detail(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let p = state.store.tenant(scope).test_project(object_id(&id)?).await?;
    let mut page = project_page(&state, &auth, p, None, None).await?;
    if let Some(n) = query_param(query.as_deref(), "notice").filter(|n| NOTICES.contains(&n.as_str())) {
        page.l = page.l.with_notice(&n);
    }
    Ok(render(&page))
}

#[derive(Deserialize)]
struct CheckForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: String,
}

async fn save_check(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<CheckForm>,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let p = ts.test_project(object_id(&id)?).await?;
    require_edit(&auth)?;
    let key = parse_key(&form.key).map_err(|e| AppError::BadRequest(e.english))?;
    let version = form_version(&form.version)?;
    let input_of = |errors: Vec<String>, conflict: bool| ItemInput {
        key,
        answer: form.answer.trim().to_string(),
        note: form.note.clone(),
        version,
        errors,
        conflict,
    };
    let input = match check_answer(key, &form.answer, &form.note) {
        Ok(input) => input,
        Err(errors) => {
            let tr = auth.ctx.tr;
            let errors = errors.iter().map(|e| tr.msg(e.key)).collect();
            let page = project_page(&state, &auth, p, Some(input_of(errors, false)), None).await?;
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let update = CheckUpdate {
        key,
        input,
        expected_version: version,
    };
    match ts.save_test_checks(&p.id, vec![update]).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/testdata/{}?notice=testdata-notice-check-saved#check-{key}",
            url_encode(&p.id)
        ))
        .into_response()),
        Err(StoreError::VersionConflict(c)) => {
            // Keep the user's input; the form now carries the stored
            // version, so saving again knowingly replaces it.
            let stored_version = match *c {
                ConflictWith::TestCheck(ref s) => s.version,
                _ => version,
            };
            let msg = auth.ctx.tr.msg("testdata-check-conflict");
            let mut item = input_of(vec![msg], true);
            item.version = stored_version;
            let page = project_page(&state, &auth, p, Some(item), None).await?;
            Ok(render_status(StatusCode::CONFLICT, &page))
        }
        Err(StoreError::Invalid(m)) => {
            let page = project_page(
                &state,
                &auth,
                p,
                Some(input_of(vec![auth.ctx.tr.refusal(&m)], false)),
                None,
            )
            .await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(flatten)]
    f: RawDecision,
    #[serde(default)]
    version: String,
}

async fn decide(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let p = ts.test_project(object_id(&id)?).await?;
    require_edit(&auth)?;
    let version = form_version(&form.version)?;
    let tr = auth.ctx.tr;
    let input = match check_decision(&form.f) {
        Ok(input) => input,
        Err(errors) => {
            let errors = errors.iter().map(|e| tr.msg(e.key)).collect();
            let page = project_page(&state, &auth, p, None, Some((form.f, errors))).await?;
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let chosen = input.decision;
    match ts.decide_test_project(&p.id, input, version).await {
        Ok(p) => Ok(Redirect::to(&format!(
            "/testdata/{}?notice=testdata-notice-decided#decision",
            url_encode(&p.id)
        ))
        .into_response()),
        Err(StoreError::ChecklistIncomplete(missing)) => {
            let mut errors = vec![tr.msg_with(
                "testdata-decision-refused",
                &[("decision", decision_label(&tr, chosen))],
            )];
            errors.extend(
                missing
                    .iter()
                    .map(|m| format!("{}: {}", check_title(&tr, m.key), reason_label(&tr, m.reason))),
            );
            let page = project_page(&state, &auth, p, None, Some((form.f, errors))).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(StoreError::VersionConflict(c)) => {
            let now = match *c {
                ConflictWith::TestProject(p) => p,
                _ => ts.test_project(&p.id).await?,
            };
            let errors = vec![tr.msg("testdata-decision-conflict")];
            let page = project_page(&state, &auth, now, None, Some((form.f, errors))).await?;
            Ok(render_status(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ printable record

struct ReportCheck {
    group: String,
    title: String,
    need: String,
    answer: String,
    note: String,
    by: String,
}

#[derive(Template)]
#[template(path = "testdata_report.html")]
struct ReportPage {
    tr: Tr,
    tenant: String,
    generated: String,
    p: TestProject,
    kind: String,
    delete_by: String,
    /// The decision shown (the current one), if any.
    decision: Option<HistoryView>,
    checks: Vec<ReportCheck>,
    earlier: Vec<HistoryView>,
}

/// The printable page carries its own inline style and nothing else, so it
/// gets a policy of its own (see `security::headers`).
const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; \
                          base-uri 'none'; form-action 'none'";

fn report_checks(tr: &Tr, kind: DataKind, checks: &[TestCheck]) -> Vec<ReportCheck> {
    CheckKey::ALL
        .iter()
        .map(|&key| {
            let c = checks.iter().find(|c| c.key == key);
            ReportCheck {
                group: group_label(tr, key.group()),
                title: check_title(tr, key),
                need: need_label(tr, key.need(kind)),
                answer: c.map_or_else(|| tr.msg("testdata-unanswered"), |c| answer_label(tr, c.answer)),
                note: c.and_then(|c| c.note.clone()).unwrap_or_default(),
                by: c.map_or_else(String::new, |c| {
                    format!(
                        "{} {}",
                        c.updated_by.clone().unwrap_or_default(),
                        tr.datetime(&c.updated_at)
                    )
                }),
            }
        })
        .collect()
}

async fn report(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let p = ts.test_project(object_id(&id)?).await?;
    let history = ts.test_decisions(&p.id).await?;
    let tr = auth.ctx.tr;
    let views = history_views(&tr, &history);
    // The current decision is the newest one recorded; without a current
    // decision (none yet, or withdrawn) the checklist is shown as it is now.
    let (decision, checks, earlier) = match (p.decision.is_some(), history.first()) {
        (true, Some(latest)) => {
            let mut views = views.into_iter();
            let first = views.next();
            (
                first,
                report_checks(&tr, latest.data_kind, &latest.checks),
                views.collect(),
            )
        }
        _ => (
            None,
            report_checks(&tr, p.data_kind, &ts.test_checks(&p.id).await?),
            views,
        ),
    };
    let page = ReportPage {
        tenant: tenant_name(&auth),
        generated: tr.datetime(&etterlev_store::now_ms()),
        kind: kind_label(&tr, p.data_kind),
        delete_by: show_date_opt(&p.delete_by),
        decision,
        checks,
        earlier,
        tr,
        p,
    };
    let mut resp = render(&page);
    if resp.status() == StatusCode::OK {
        resp.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(REPORT_CSP));
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn checks_project_fields() {
        let raw = RawProject {
            name: " EPJ 24.1 ".into(),
            system_name: "DIPS".into(),
            data_kind: "real".into(),
            delete_by: "2026-12-31".into(),
            purpose: "Linje 1\r\nLinje 2".into(),
            ..RawProject::default()
        };
        let ok = check_project(&raw).expect("valid");
        assert_eq!((ok.name.as_str(), ok.data_kind), ("EPJ 24.1", DataKind::Real));
        assert_eq!(ok.purpose.as_deref(), Some("Linje 1\nLinje 2"));
        let fields = |r: RawProject| -> Vec<&'static str> {
            check_project(&r)
                .expect_err("invalid")
                .iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(
            fields(RawProject {
                name: String::new(),
                data_kind: "fake".into(),
                delete_by: "2026-02-30".into(),
                ..raw.clone()
            }),
            ["name", "data_kind", "delete_by"]
        );
        assert_eq!(
            fields(RawProject {
                owner: "x".repeat(LINE_MAX + 1),
                ..raw
            }),
            ["owner"]
        );
    }

    #[test]
    fn checks_answers_and_decisions() {
        assert!(parse_key("logging").is_ok());
        assert!(parse_key("colour").expect_err("unknown").english.contains("colour"));
        assert!(check_answer(CheckKey::Logging, "yes", "").is_ok());
        assert_eq!(
            check_answer(CheckKey::Logging, "maybe", "").expect_err("bad")[0].field,
            "answer"
        );
        let d = |decision: &str, reason: &str, conditions: &str| RawDecision {
            decision: decision.into(),
            reason: reason.into(),
            conditions: conditions.into(),
            review_by: String::new(),
        };
        assert!(check_decision(&d("approved", "ok", "")).is_ok());
        let fields = |r: RawDecision| -> Vec<&'static str> {
            check_decision(&r).expect_err("bad").iter().map(|e| e.field).collect()
        };
        assert_eq!(fields(d("approved_with_conditions", "ok", " ")), ["conditions"]);
        assert_eq!(fields(d("maybe", "", "")), ["decision", "reason"]);
        assert_eq!(show_date("2026-03-01"), "01.03.2026");
    }

    #[test]
    fn dynamic_keys_exist() {
        for lang in [Lang::Nb, Lang::En] {
            let tr = Tr::new(lang);
            let mut keys: Vec<String> = NOTICES.iter().map(|n| n.to_string()).collect();
            for k in CheckKey::ALL {
                keys.push(format!("testdata-check-{}", k.as_str()));
                keys.push(format!("testdata-check-{}-help", k.as_str()));
            }
            keys.extend(DataKind::ALL.iter().flat_map(|k| {
                [
                    format!("testdata-kind-{}", k.as_str()),
                    format!("testdata-kind-{}-help", k.as_str()),
                ]
            }));
            keys.extend(
                Decision::ALL
                    .iter()
                    .map(|d| format!("testdata-decision-{}", d.as_str())),
            );
            keys.extend(
                CheckAnswer::ALL
                    .iter()
                    .map(|a| format!("testdata-answer-{}", a.as_str())),
            );
            keys.extend(Need::ALL.iter().map(|n| format!("testdata-need-{}", n.as_str())));
            keys.extend(
                MissingReason::ALL
                    .iter()
                    .map(|r| format!("testdata-missing-{}", r.as_str())),
            );
            keys.extend(CheckGroup::ALL.iter().map(|g| format!("testdata-group-{}", g.as_str())));
            keys.extend(
                etterlev_core::testdata_guideline::SourceDocument::ALL
                    .iter()
                    .map(|d| format!("testdata-doc-{}", d.as_str())),
            );
            let missing: Vec<_> = keys.iter().filter(|k| tr.msg(k) == **k).collect();
            assert!(missing.is_empty(), "{lang:?}: missing {missing:?}");
        }
    }
}
