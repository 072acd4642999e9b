//! The action plan: actions from gaps (one click from a
//! requirement or the wizard's result) and by hand, with owner, deadline,
//! priority (patient safety first) and status; the overdue list; links back
//! to the requirement (the list itself, with filters and bulk edit, is
//! `list.rs`). Edits use optimistic locking: a stale form gets a 409
//! page that keeps the user's input and shows what is stored now.
//!
//! Validation lives here and is shared with the API (`api.rs`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use etterlev_catalog::{Catalog, Node, NodeKind};
use etterlev_core::assessment::is_overdue;
use etterlev_core::{ActionStatus, AnswerStatus, Priority};
use etterlev_store::{Action, ActionInput, AssessmentKind, ConflictWith, NewAction, StoreError};
use serde::Deserialize;

use crate::AppState;
use crate::catalog::{Loaded, is_key, is_slug};
use crate::kit::error::{AppError, AppResult, url_encode};
use crate::kit::i18n::Tr;
use crate::kit::session::Auth;
use crate::kit::{FieldError, date};
use crate::kit::{Form, Layout, can_edit, form_version, object_id, query_param, render, render_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(super::list::router())
        .route("/actions/new", get(new_form).post(create))
        .route("/actions/{id}", get(edit).post(update))
}

// ------------------------------------------------------------------ shared rules

pub const TITLE_MAX: usize = 200;
pub const OWNER_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 4000;

pub fn overdue(a: &Action, today: &str) -> bool {
    is_overdue(a.status, a.deadline.as_deref(), today)
}

/// Message keys made from machine names; `dynamic_keys_exist` checks them.
pub fn priority_label(tr: &Tr, p: Priority) -> String {
    tr.msg(&format!("action-priority-{}", p.as_str()))
}

pub fn status_label(tr: &Tr, s: ActionStatus) -> String {
    tr.msg(&format!("action-status-{}", s.as_str()))
}

/// The fields of an action as typed (form or JSON), before checking.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawAction {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub status: String,
}

/// Trims a multi-line text; empty is `None`. Line breaks and tabs are the
/// only control characters allowed.
fn multi_line(value: &str, max: usize) -> Result<Option<String>, &'static str> {
    let v = value.replace("\r\n", "\n");
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().count() > max {
        return Err("too_long");
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err("control");
    }
    Ok(Some(v.to_string()))
}

/// Checks every field and returns the input for the store, or every problem.
/// A missing status means open (new actions).
pub fn check(raw: &RawAction) -> Result<ActionInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let title = match etterlev_core::text::one_line("title", &raw.title, TITLE_MAX) {
        Ok(t) => Some(t),
        Err(etterlev_core::text::TextError::Empty { .. }) => {
            errors.push(FieldError::new(
                "title",
                "action-error-title",
                "title must not be empty",
            ));
            None
        }
        Err(_) => {
            errors.push(FieldError::new(
                "title",
                "action-error-title-long",
                format!("title must be one line of at most {TITLE_MAX} characters"),
            ));
            None
        }
    };
    let description = multi_line(&raw.description, DESCRIPTION_MAX)
        .map_err(|_| {
            errors.push(FieldError::new(
                "description",
                "action-error-description",
                format!("description must be at most {DESCRIPTION_MAX} characters of text"),
            ))
        })
        .ok()
        .flatten();
    let owner = if raw.owner.trim().is_empty() {
        None
    } else {
        etterlev_core::text::one_line("owner", &raw.owner, OWNER_MAX)
            .map_err(|_| {
                errors.push(FieldError::new(
                    "owner",
                    "action-error-owner",
                    format!("owner must be one line of at most {OWNER_MAX} characters"),
                ))
            })
            .ok()
    };
    let deadline = date(&raw.deadline)
        .map_err(|()| {
            errors.push(FieldError::new(
                "deadline",
                "action-error-deadline",
                format!("deadline must be a date YYYY-MM-DD, not {:?}", raw.deadline.trim()),
            ))
        })
        .ok()
        .flatten();
    let priority = Priority::parse(raw.priority.trim());
    if priority.is_none() {
        errors.push(FieldError::new(
            "priority",
            "action-error-priority",
            format!(
                "priority must be one of {}",
                Priority::ALL.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let status = if raw.status.trim().is_empty() {
        Some(ActionStatus::Open)
    } else {
        ActionStatus::parse(raw.status.trim())
    };
    if status.is_none() {
        errors.push(FieldError::new(
            "status",
            "action-error-status",
            format!(
                "status must be one of {}",
                ActionStatus::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    match (title, priority, status) {
        (Some(title), Some(priority), Some(status)) if errors.is_empty() => Ok(ActionInput {
            title,
            description,
            owner,
            deadline,
            priority,
            status,
        }),
        _ => Err(errors),
    }
}

/// The requirement an action or gap is about, if the catalogue is loaded.
pub fn find_node<'a>(loaded: &'a Loaded, key: &str, node_id: &str) -> Option<(&'a Catalog, &'a Node)> {
    if !is_key(key) || !is_slug(node_id) {
        return None;
    }
    let catalog = loaded.catalog(key)?;
    Some((catalog, catalog.node(node_id)?))
}

/// The default priority of an action for a requirement with this status.
pub fn gap_priority(node: &Node, status: AnswerStatus) -> Priority {
    Priority::for_gap(&node.tags, node.kind == NodeKind::Requirement, status)
}

// ------------------------------------------------------------------ views

pub struct Opt {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

pub(crate) fn priority_options(tr: &Tr, chosen: &str) -> Vec<Opt> {
    Priority::ALL
        .iter()
        .map(|p| Opt {
            value: p.as_str(),
            label: priority_label(tr, *p),
            selected: p.as_str() == chosen,
        })
        .collect()
}

pub(crate) fn status_options(tr: &Tr, chosen: &str) -> Vec<Opt> {
    ActionStatus::ALL
        .iter()
        .map(|s| Opt {
            value: s.as_str(),
            label: status_label(tr, *s),
            selected: s.as_str() == chosen,
        })
        .collect()
}

/// A link to the requirement an action is about.
pub struct ReqLink {
    pub catalog_key: String,
    pub node_id: String,
    pub label: String,
    pub assessment_id: Option<String>,
}

pub(crate) fn req_link(loaded: &Loaded, tr: &Tr, a: &Action) -> Option<ReqLink> {
    let (key, node_id) = (a.catalog_key.as_deref()?, a.node_id.as_deref()?);
    let label = match find_node(loaded, key, node_id) {
        Some((_, n)) => format!("{} {}", n.label(), n.title.get(tr.lang.code())),
        None => node_id.to_owned(),
    };
    Some(ReqLink {
        catalog_key: key.to_owned(),
        node_id: node_id.to_owned(),
        label,
        assessment_id: a.assessment_id.clone(),
    })
}

// ------------------------------------------------------------------ form

/// What is stored now, shown next to the user's input after a conflict.
struct Stored {
    title: String,
    description: String,
    owner: String,
    deadline: String,
    priority_label: String,
    status_label: String,
}

#[derive(Template)]
#[template(path = "actions/form.html")]
struct FormPage {
    l: Layout,
    /// None for a new action.
    id: Option<String>,
    version: i64,
    f: RawAction,
    priorities: Vec<Opt>,
    statuses: Vec<Opt>,
    assessment_id: String,
    node_id: String,
    req: Option<ReqLink>,
    errors: Vec<String>,
    /// Set after a conflict.
    stored: Option<Stored>,
    can_edit: bool,
    overdue: bool,
    created: String,
    updated: String,
}

impl FormPage {
    fn new(auth: &Auth, f: RawAction) -> Self {
        let l = Layout::for_user(auth);
        let tr = l.tr;
        FormPage {
            priorities: priority_options(&tr, f.priority.trim()),
            statuses: status_options(&tr, f.status.trim()),
            can_edit: can_edit(auth),
            l,
            id: None,
            version: 0,
            f,
            assessment_id: String::new(),
            node_id: String::new(),
            req: None,
            errors: Vec::new(),
            stored: None,
            overdue: false,
            created: String::new(),
            updated: String::new(),
        }
    }

    fn with_errors(mut self, errors: &[FieldError]) -> Self {
        self.errors = errors.iter().map(|e| self.l.tr.msg(e.key)).collect();
        self
    }
}

fn raw_of(a: &Action) -> RawAction {
    RawAction {
        title: a.title.clone(),
        description: a.description.clone().unwrap_or_default(),
        owner: a.owner.clone().unwrap_or_default(),
        deadline: a.deadline.clone().unwrap_or_default(),
        priority: a.priority.as_str().into(),
        status: a.status.as_str().into(),
    }
}

/// The gap an action is made from: the assessment and requirement, checked.
struct Gap {
    assessment_id: String,
    node_id: String,
    catalog_key: String,
}

async fn gap_of(state: &AppState, auth: &Auth, assessment: &str, node: &str) -> AppResult<(Gap, RawAction)> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let a = ts.assessment(object_id(assessment)?).await?;
    let loaded = state.catalogs.get(&state.store).await?;
    let (_, n) = find_node(&loaded, &a.catalog_key, node).ok_or(AppError::NotFound)?;
    if !n.kind.is_assessable() {
        return Err(AppError::NotFound);
    }
    let answer = ts.answers(&a.id).await?.into_iter().find(|x| x.node_id == n.id);
    let status = answer.as_ref().map_or(AnswerStatus::NotStarted, |x| x.status);
    let lang = auth.ctx.tr.lang.code();
    // A gap from the small-enterprise path becomes the question's plain
    // what-to-do; one from a full assessment keeps the requirement's words.
    let todo = n.question.as_ref().and_then(|q| q.todo.as_ref());
    let (title, description) = match (todo, a.kind) {
        (Some(t), AssessmentKind::Wizard) => (t.title.get(lang).to_owned(), t.text.get(lang).to_owned()),
        _ => (
            n.title.get(lang).to_owned(),
            n.text.as_ref().map(|t| t.get(lang).to_owned()).unwrap_or_default(),
        ),
    };
    // The action takes over who answers for the requirement and by when.
    let raw = RawAction {
        title,
        description,
        owner: answer.as_ref().and_then(|x| x.owner.clone()).unwrap_or_default(),
        deadline: answer.as_ref().and_then(|x| x.due_date.clone()).unwrap_or_default(),
        priority: gap_priority(n, status).as_str().into(),
        status: ActionStatus::Open.as_str().into(),
    };
    Ok((
        Gap {
            assessment_id: a.id,
            node_id: n.id.clone(),
            catalog_key: a.catalog_key,
        },
        raw,
    ))
}

fn gap_link(loaded: &Loaded, tr: &Tr, gap: &Gap) -> Option<ReqLink> {
    let (_, n) = find_node(loaded, &gap.catalog_key, &gap.node_id)?;
    Some(ReqLink {
        catalog_key: gap.catalog_key.clone(),
        node_id: gap.node_id.clone(),
        label: format!("{} {}", n.label(), n.title.get(tr.lang.code())),
        assessment_id: Some(gap.assessment_id.clone()),
    })
}

async fn new_form(State(state): State<AppState>, auth: Auth, RawQuery(query): RawQuery) -> AppResult<Response> {
    auth.scope()?;
    let assessment = query_param(query.as_deref(), "assessment");
    let node = query_param(query.as_deref(), "node");
    let page = match (assessment, node) {
        (Some(a), Some(n)) => {
            let (gap, raw) = gap_of(&state, &auth, &a, &n).await?;
            let loaded = state.catalogs.get(&state.store).await?;
            let mut page = FormPage::new(&auth, raw);
            page.req = gap_link(&loaded, &page.l.tr, &gap);
            page.assessment_id = gap.assessment_id;
            page.node_id = gap.node_id;
            page
        }
        (None, None) => FormPage::new(
            &auth,
            RawAction {
                priority: Priority::Medium.as_str().into(),
                ..RawAction::default()
            },
        ),
        _ => return Err(AppError::BadRequest("give both assessment and node, or neither".into())),
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
struct NewForm {
    #[serde(flatten)]
    f: RawAction,
    #[serde(default)]
    assessment_id: String,
    #[serde(default)]
    node_id: String,
}

async fn create(State(state): State<AppState>, auth: Auth, Form(form): Form<NewForm>) -> AppResult<Response> {
    let scope = auth.scope()?;
    let gap = match (form.assessment_id.trim(), form.node_id.trim()) {
        ("", "") => None,
        (a, n) => Some(gap_of(&state, &auth, a, n).await?.0),
    };
    let input = match check(&form.f) {
        Ok(input) => input,
        Err(errors) => {
            let loaded = state.catalogs.get(&state.store).await?;
            let mut page = FormPage::new(&auth, form.f).with_errors(&errors);
            if let Some(gap) = gap {
                page.req = gap_link(&loaded, &page.l.tr, &gap);
                page.assessment_id = gap.assessment_id;
                page.node_id = gap.node_id;
            }
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let (assessment_id, node_id) = match gap {
        Some(g) => (Some(g.assessment_id), Some(g.node_id)),
        None => (None, None),
    };
    let action = state
        .store
        .tenant(scope)
        .create_action(NewAction {
            title: input.title,
            description: input.description,
            assessment_id,
            node_id,
            owner: input.owner,
            deadline: input.deadline,
            priority: input.priority,
        })
        .await?;
    Ok(Redirect::to(&format!("/actions/{}?notice=action-saved", action.id)).into_response())
}

fn edit_page(auth: &Auth, loaded: &Loaded, a: &Action, f: RawAction) -> FormPage {
    let mut page = FormPage::new(auth, f);
    let tr = page.l.tr;
    page.id = Some(a.id.clone());
    page.version = a.version;
    page.req = req_link(loaded, &tr, a);
    page.overdue = overdue(a, &crate::kit::dates::today().to_string());
    page.created = tr.datetime(&a.created_at);
    page.updated = tr.datetime(&a.updated_at);
    page
}

async fn edit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let a = state.store.tenant(scope).action(object_id(&id)?).await?;
    let loaded = state.catalogs.get(&state.store).await?;
    let mut page = edit_page(&auth, &loaded, &a, raw_of(&a));
    if query_param(query.as_deref(), "notice").as_deref() == Some("action-saved") {
        page.l = page.l.with_notice("action-notice-saved");
    }
    Ok(render(&page))
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(flatten)]
    f: RawAction,
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
    let id = object_id(&id)?;
    let current = ts.action(id).await?;
    let version = form_version(&form.version)?;
    let loaded = state.catalogs.get(&state.store).await?;
    let input = match check(&form.f) {
        Ok(input) => input,
        Err(errors) => {
            let mut page = edit_page(&auth, &loaded, &current, form.f).with_errors(&errors);
            // Keep the version the user read, so a later save still detects
            // a change made in between.
            page.version = version;
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    match ts.update_action(id, input, version).await {
        Ok(a) => Ok(Redirect::to(&format!("/actions/{}?notice=action-saved", url_encode(&a.id))).into_response()),
        Err(StoreError::VersionConflict(c)) => {
            let now = match *c {
                ConflictWith::Action(a) => a,
                _ => ts.action(id).await?,
            };
            let tr = auth.ctx.tr;
            let mut page = edit_page(&auth, &loaded, &now, form.f);
            page.errors = vec![tr.msg("action-conflict")];
            page.stored = Some(Stored {
                title: now.title.clone(),
                description: now.description.clone().unwrap_or_default(),
                owner: now.owner.clone().unwrap_or_default(),
                deadline: now.deadline.clone().unwrap_or_default(),
                priority_label: priority_label(&tr, now.priority),
                status_label: status_label(&tr, now.status),
            });
            Ok(render_status(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::i18n::Lang;

    fn raw(title: &str, deadline: &str, priority: &str, status: &str) -> RawAction {
        RawAction {
            title: title.into(),
            deadline: deadline.into(),
            priority: priority.into(),
            status: status.into(),
            ..RawAction::default()
        }
    }

    #[test]
    fn checks_fields() {
        let ok = check(&raw(" Lag rutine ", "2026-02-28", "high", "")).expect("valid");
        assert_eq!(ok.title, "Lag rutine");
        assert_eq!(ok.deadline.as_deref(), Some("2026-02-28"));
        assert_eq!(ok.status, ActionStatus::Open);
        let fields =
            |r: RawAction| -> Vec<&'static str> { check(&r).expect_err("invalid").iter().map(|e| e.field).collect() };
        assert_eq!(fields(raw("", "", "high", "open")), ["title"]);
        assert_eq!(fields(raw("a\u{7}b", "", "high", "open")), ["title"]);
        assert_eq!(fields(raw("x", "2026-02-30", "high", "open")), ["deadline"]);
        assert_eq!(fields(raw("x", "26-2-3", "high", "open")), ["deadline"]);
        assert_eq!(fields(raw("x", "", "urgent", "open")), ["priority"]);
        assert_eq!(fields(raw("x", "", "low", "sleeping")), ["status"]);
        let mut long = raw("x", "", "low", "open");
        long.description = "a".repeat(DESCRIPTION_MAX + 1);
        assert_eq!(fields(long), ["description"]);
        let mut multi = raw("x", "", "low", "done");
        multi.description = "linje 1\r\nlinje 2\n".into();
        assert_eq!(
            check(&multi).expect("valid").description.as_deref(),
            Some("linje 1\nlinje 2")
        );
    }

    #[test]
    fn dynamic_keys_exist() {
        for lang in [Lang::Nb, Lang::En] {
            let tr = Tr::new(lang);
            let mut keys: Vec<String> = Vec::new();
            keys.extend(Priority::ALL.iter().map(|p| format!("action-priority-{}", p.as_str())));
            keys.extend(
                ActionStatus::ALL
                    .iter()
                    .map(|s| format!("action-status-{}", s.as_str())),
            );
            keys.push("action-notice-actions-created".into());
            let missing: Vec<_> = keys.iter().filter(|k| tr.msg(k) == **k).collect();
            assert!(missing.is_empty(), "{lang:?}: missing {missing:?}");
        }
    }
}
