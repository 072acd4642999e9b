//! The action list: quick views (open, overdue, all), filters (status,
//! owner, priority, free text) and sortable columns, all kept in the URL
//! query of a plain GET form, so a filtered list can be bookmarked and works
//! without JavaScript; and the bulk edit, which sets owner, deadline,
//! priority and/or status on the selected actions in one all-or-nothing
//! store change (`TenantStore::update_actions`).
//!
//! Query values that make no sense are ignored (the default is used), never
//! an error: a hand-edited or outdated link still shows a list.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use etterlev_core::{ActionStatus, Priority};
use etterlev_store::{Action, ActionChanges, BULK_MAX, SelectedAction, StoreError};

use super::pages::{
    OWNER_MAX, Opt, ReqLink, overdue, priority_label, priority_options, req_link, status_label, status_options,
};
use crate::AppState;
use crate::kit::date;
use crate::kit::dates::today;
use crate::kit::error::{AppError, AppResult, url_encode};
use crate::kit::i18n::Tr;
use crate::kit::session::Auth;
use crate::kit::{Layout, can_edit, object_id, query_param, render, render_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/actions", get(list))
        // A reload or bookmark of the form's address leads back to the list.
        .route("/actions/bulk", get(|| async { Redirect::to("/actions") }).post(bulk))
}

/// Free text longer than this is cut (a search box, not a document).
const TEXT_MAX: usize = 200;
/// The owner filter's value for actions without an owner.
pub const NO_OWNER: &str = "-";

// ------------------------------------------------------------------ the query

/// Which actions the quick-view tabs show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    /// Not done and not cancelled.
    #[default]
    Open,
    Overdue,
    All,
}

impl Show {
    fn as_str(self) -> &'static str {
        match self {
            Show::Open => "open",
            Show::Overdue => "overdue",
            Show::All => "all",
        }
    }
}

/// A sortable column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// The plan's own order: priority (patient safety first), then deadline.
    #[default]
    Priority,
    Title,
    Requirement,
    Owner,
    Deadline,
    Status,
}

impl Sort {
    const ALL: [Sort; 6] = [
        Sort::Priority,
        Sort::Title,
        Sort::Requirement,
        Sort::Owner,
        Sort::Deadline,
        Sort::Status,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Sort::Priority => "priority",
            Sort::Title => "title",
            Sort::Requirement => "requirement",
            Sort::Owner => "owner",
            Sort::Deadline => "deadline",
            Sort::Status => "status",
        }
    }

    fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The list's state as kept in the URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub show: Show,
    pub status: Option<ActionStatus>,
    /// An owner as written on the actions (case-insensitive), or [`NO_OWNER`].
    pub owner: Option<String>,
    pub priority: Option<Priority>,
    pub text: String,
    pub sort: Sort,
    pub desc: bool,
    /// Only one assessment's actions (an id, checked against the store).
    pub assessment: Option<String>,
}

impl ListQuery {
    /// Reads the query leniently: unknown values fall back to the default.
    /// Only a malformed assessment id is an error (404): it names an object.
    pub fn parse(query: Option<&str>) -> AppResult<ListQuery> {
        let get = |name: &str| query_param(query, name);
        let assessment = match get("assessment") {
            Some(a) => Some(object_id(&a)?.to_owned()),
            None => None,
        };
        let show = match get("show").as_deref() {
            Some("overdue") => Show::Overdue,
            Some("all") => Show::All,
            _ => Show::Open,
        };
        let status = get("status").and_then(|s| ActionStatus::parse(&s));
        // A closed status cannot be among the open ones: asking for it means
        // "show me those", so the view widens instead of showing nothing.
        let show = match status {
            Some(s) if s.is_closed() && show == Show::Open => Show::All,
            _ => show,
        };
        let owner = get("owner")
            .map(|o| o.chars().take(OWNER_MAX).collect::<String>())
            .filter(|o| !o.chars().any(char::is_control));
        Ok(ListQuery {
            show,
            status,
            owner,
            priority: get("priority").and_then(|p| Priority::parse(&p)),
            text: get("q")
                .map(|q| q.chars().filter(|c| !c.is_control()).take(TEXT_MAX).collect())
                .unwrap_or_default(),
            sort: get("sort").and_then(|s| Sort::parse(&s)).unwrap_or_default(),
            desc: get("dir").as_deref() == Some("desc"),
            assessment,
        })
    }

    /// The query string (without `?`) that gives this list; defaults left
    /// out. Always starts with `show=`, so `&…` can be appended.
    pub fn to_query(&self) -> String {
        let mut parts = vec![format!("show={}", self.show.as_str())];
        if let Some(s) = self.status {
            parts.push(format!("status={}", s.as_str()));
        }
        if let Some(o) = &self.owner {
            parts.push(format!("owner={}", url_encode(o)));
        }
        if let Some(p) = self.priority {
            parts.push(format!("priority={}", p.as_str()));
        }
        if !self.text.is_empty() {
            parts.push(format!("q={}", url_encode(&self.text)));
        }
        if self.sort != Sort::Priority || self.desc {
            parts.push(format!("sort={}", self.sort.as_str()));
        }
        if self.desc {
            parts.push("dir=desc".into());
        }
        if let Some(a) = &self.assessment {
            parts.push(format!("assessment={a}"));
        }
        parts.join("&")
    }

    fn with_show(&self, show: Show) -> String {
        let mut q = self.clone();
        q.show = show;
        if show == Show::Open && q.status.is_some_and(ActionStatus::is_closed) {
            q.status = None;
        }
        q.to_query()
    }

    /// The link of a column heading: sorts by it, or reverses it.
    fn with_sort(&self, sort: Sort) -> String {
        let mut q = self.clone();
        q.desc = self.sort == sort && !self.desc;
        q.sort = sort;
        q.to_query()
    }

    fn filtered(&self) -> bool {
        self.status.is_some() || self.owner.is_some() || self.priority.is_some() || !self.text.is_empty()
    }

    /// Whether an action passes the filters other than the quick view.
    fn keeps(&self, item: &Item<'_>) -> bool {
        let a = item.action;
        if self.status.is_some_and(|s| s != a.status) || self.priority.is_some_and(|p| p != a.priority) {
            return false;
        }
        let owner_ok = match self.owner.as_deref() {
            None => true,
            Some(NO_OWNER) => a.owner.is_none(),
            Some(o) => a.owner.as_deref().is_some_and(|x| x.to_lowercase() == o.to_lowercase()),
        };
        if !owner_ok {
            return false;
        }
        if self.text.is_empty() {
            return true;
        }
        let needle = self.text.to_lowercase();
        [
            Some(a.title.as_str()),
            a.description.as_deref(),
            a.owner.as_deref(),
            item.req.as_ref().map(|r| r.label.as_str()),
        ]
        .into_iter()
        .flatten()
        .any(|t| t.to_lowercase().contains(&needle))
    }

    fn shows(&self, item: &Item<'_>) -> bool {
        match self.show {
            Show::Open => !item.action.status.is_closed(),
            Show::Overdue => item.overdue,
            Show::All => true,
        }
    }
}

/// An action with what the list derives from it.
struct Item<'a> {
    action: &'a Action,
    req: Option<ReqLink>,
    overdue: bool,
}

/// Orders the items (the store's order is the plan's: priority, deadline).
fn sort_items(items: &mut [Item<'_>], sort: Sort, desc: bool) {
    let status_rank = |s: ActionStatus| ActionStatus::ALL.iter().position(|x| *x == s).unwrap_or(usize::MAX);
    let lower = |s: Option<&str>| s.map(str::to_lowercase);
    match sort {
        Sort::Priority => {}
        Sort::Title => items.sort_by_key(|i| i.action.title.to_lowercase()),
        Sort::Requirement => items.sort_by_key(|i| {
            let r = i.req.as_ref();
            (r.is_none(), r.map(|r| (r.catalog_key.clone(), natural(&r.node_id))))
        }),
        Sort::Owner => items.sort_by_key(|i| {
            let o = lower(i.action.owner.as_deref());
            (o.is_none(), o)
        }),
        Sort::Deadline => items.sort_by_key(|i| (i.action.deadline.is_none(), i.action.deadline.clone())),
        Sort::Status => items.sort_by_key(|i| status_rank(i.action.status)),
    }
    if desc {
        items.reverse();
    }
}

/// A key that sorts "2.10" after "2.9": digit runs compare as numbers.
fn natural(s: &str) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut digits = String::new();
    let mut text = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !text.is_empty() {
                out.push((u64::MAX, std::mem::take(&mut text)));
            }
            digits.push(c);
        } else {
            if !digits.is_empty() {
                out.push((digits.parse().unwrap_or(u64::MAX), String::new()));
                digits.clear();
            }
            text.push(c);
        }
    }
    if !digits.is_empty() {
        out.push((digits.parse().unwrap_or(u64::MAX), String::new()));
    }
    if !text.is_empty() {
        out.push((u64::MAX, text));
    }
    out
}

fn select_label(tr: &Tr, title: &str) -> String {
    tr.msg_with("action-bulk-select-one", &[("title", title.to_owned())])
}

/// `2026-02-28` as `28.02.2026`, through the one date helper.
pub use crate::kit::i18n::format_date as show_date;

// ------------------------------------------------------------------ the page

struct Row {
    id: String,
    version: i64,
    title: String,
    priority: &'static str,
    priority_label: String,
    status_label: String,
    owner: String,
    deadline: String,
    overdue: bool,
    closed: bool,
    req: Option<ReqLink>,
    selected: bool,
    /// Changed by someone else since the user's page was made (after a
    /// conflict).
    conflict: bool,
    /// The checkbox's accessible name ("Velg «title»").
    select_label: String,
}

struct FilterTab {
    value: &'static str,
    href: String,
    label: String,
    count: usize,
    current: bool,
}

struct Column {
    label: String,
    href: String,
    /// `ascending`/`descending` on the sorted column, for `aria-sort`.
    aria_sort: &'static str,
    arrow: &'static str,
}

/// What the user typed into the bulk form, kept when it comes back.
#[derive(Debug, Clone, Default)]
pub struct BulkValues {
    pub owner: String,
    pub deadline: String,
    pub priority: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "actions/list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Row>,
    /// Every action of the list, before any filter.
    total: usize,
    tabs: Vec<FilterTab>,
    show: &'static str,
    can_edit: bool,
    /// The list's own query (`show=…&…`), for links and the bulk form.
    query: String,
    /// The query with only the quick view (and assessment), for the
    /// filter form's reset link.
    reset: String,
    assessment: Option<String>,
    text: String,
    filtered: bool,
    status_filter: Vec<Opt>,
    priority_filter: Vec<Opt>,
    owner_filter: Vec<OwnerOpt>,
    no_owner_selected: bool,
    sort: &'static str,
    desc: bool,
    columns: Vec<(&'static str, Column)>,
    bulk: BulkValues,
    bulk_priorities: Vec<Opt>,
    bulk_statuses: Vec<Opt>,
    errors: Vec<String>,
    /// Every shown row is selected (the "select all" link says "none").
    all_selected: bool,
}

pub struct OwnerOpt {
    pub value: String,
    pub selected: bool,
}

/// What the page is built for: the selection and bulk values to keep, and
/// the conflicts and errors of a failed bulk change.
#[derive(Default)]
struct PageState {
    selected: std::collections::HashSet<String>,
    select_all: bool,
    bulk: BulkValues,
    /// Selected actions whose version was not the one stored.
    conflicts: std::collections::HashSet<String>,
    errors: Vec<String>,
    notice: Option<String>,
}

async fn list(State(state): State<AppState>, auth: Auth, RawQuery(raw): RawQuery) -> AppResult<Response> {
    let query = ListQuery::parse(raw.as_deref())?;
    let mut page_state = PageState {
        select_all: query_param(raw.as_deref(), "select").as_deref() == Some("all"),
        ..PageState::default()
    };
    let tr = auth.ctx.tr;
    match query_param(raw.as_deref(), "notice").as_deref() {
        Some("actions-created") => page_state.notice = Some(tr.msg("action-notice-actions-created")),
        Some("actions-updated") => {
            let n = query_param(raw.as_deref(), "n")
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0);
            page_state.notice = Some(tr.msg_with("action-bulk-saved", &[("count", n.to_string())]));
        }
        _ => {}
    }
    let page = build(&state, &auth, &query, page_state).await?;
    Ok(render(&page))
}

async fn build(state: &AppState, auth: &Auth, query: &ListQuery, ps: PageState) -> AppResult<ListPage> {
    let scope = auth.scope()?;
    let actions = state.store.tenant(scope).actions(query.assessment.as_deref()).await?;
    let loaded = state.catalogs.get(&state.store).await?;
    let today = today().to_string();
    let mut l = Layout::for_user(auth);
    l.notice = ps.notice;
    let tr = l.tr;
    let items: Vec<Item<'_>> = actions
        .iter()
        .map(|a| Item {
            action: a,
            req: req_link(&loaded, &tr, a),
            overdue: overdue(a, &today),
        })
        .filter(|i| query.keeps(i))
        .collect();
    let tab = |show: Show, key: &str, count: &dyn Fn(&Item<'_>) -> bool| FilterTab {
        value: show.as_str(),
        href: format!("/actions?{}", query.with_show(show)),
        label: tr.msg(key),
        count: items.iter().filter(|i| count(i)).count(),
        current: query.show == show,
    };
    let tabs = vec![
        tab(Show::Open, "action-filter-open", &|i| !i.action.status.is_closed()),
        tab(Show::Overdue, "action-filter-overdue", &|i| i.overdue),
        tab(Show::All, "action-filter-all", &|_| true),
    ];
    let mut items: Vec<Item<'_>> = items.into_iter().filter(|i| query.shows(i)).collect();
    sort_items(&mut items, query.sort, query.desc);
    let rows: Vec<Row> = items
        .into_iter()
        .map(|i| {
            let a = i.action;
            Row {
                selected: ps.select_all || ps.selected.contains(&a.id),
                conflict: ps.conflicts.contains(&a.id),
                select_label: select_label(&tr, &a.title),
                id: a.id.clone(),
                version: a.version,
                title: a.title.clone(),
                priority: a.priority.as_str(),
                priority_label: priority_label(&tr, a.priority),
                status_label: status_label(&tr, a.status),
                owner: a.owner.clone().unwrap_or_default(),
                deadline: a.deadline.as_deref().map(show_date).unwrap_or_default(),
                overdue: i.overdue,
                closed: a.status.is_closed(),
                req: i.req,
            }
        })
        .collect();

    let mut owners: Vec<String> = actions.iter().filter_map(|a| a.owner.clone()).collect();
    owners.sort_by_key(|o| o.to_lowercase());
    owners.dedup_by(|a, b| a.to_lowercase() == b.to_lowercase());
    let chosen_owner = query.owner.as_deref().map(str::to_lowercase);
    let mut owner_filter: Vec<OwnerOpt> = owners
        .into_iter()
        .map(|o| OwnerOpt {
            selected: chosen_owner.as_deref() == Some(o.to_lowercase().as_str()),
            value: o,
        })
        .collect();
    // An owner from the link that no action has (any more) stays visible as
    // the choice, so the empty list explains itself.
    if let Some(o) = query.owner.as_deref()
        && o != NO_OWNER
        && !owner_filter.iter().any(|x| x.selected)
    {
        owner_filter.push(OwnerOpt {
            value: o.to_owned(),
            selected: true,
        });
    }
    let columns = Sort::ALL
        .into_iter()
        .map(|s| {
            let key = match s {
                Sort::Priority => "action-col-priority",
                Sort::Title => "action-col-title",
                Sort::Requirement => "action-col-requirement",
                Sort::Owner => "action-col-owner",
                Sort::Deadline => "action-col-deadline",
                Sort::Status => "col-status",
            };
            let current = query.sort == s;
            (
                s.as_str(),
                Column {
                    label: tr.msg(key),
                    href: format!("/actions?{}", query.with_sort(s)),
                    aria_sort: match (current, query.desc) {
                        (false, _) => "",
                        (true, false) => "ascending",
                        (true, true) => "descending",
                    },
                    arrow: match (current, query.desc) {
                        (false, _) => "",
                        (true, false) => "▲",
                        (true, true) => "▼",
                    },
                },
            )
        })
        .collect();
    let reset = {
        let mut q = ListQuery {
            show: query.show,
            assessment: query.assessment.clone(),
            ..ListQuery::default()
        };
        if q.show == Show::All && query.status.is_some_and(ActionStatus::is_closed) {
            q.show = Show::Open;
        }
        q.to_query()
    };
    Ok(ListPage {
        can_edit: can_edit(auth),
        all_selected: !rows.is_empty() && rows.iter().all(|r| r.selected),
        total: actions.len(),
        rows,
        tabs,
        show: query.show.as_str(),
        query: query.to_query(),
        reset,
        assessment: query.assessment.clone(),
        text: query.text.clone(),
        filtered: query.filtered(),
        status_filter: status_options(&tr, query.status.map_or("", ActionStatus::as_str)),
        priority_filter: priority_options(&tr, query.priority.map_or("", Priority::as_str)),
        owner_filter,
        no_owner_selected: query.owner.as_deref() == Some(NO_OWNER),
        sort: query.sort.as_str(),
        desc: query.desc,
        columns,
        bulk_priorities: priority_options(&tr, ps.bulk.priority.trim()),
        bulk_statuses: status_options(&tr, ps.bulk.status.trim()),
        bulk: ps.bulk,
        errors: ps.errors,
        l,
    })
}

// ------------------------------------------------------------------ bulk edit

/// The bulk form as posted: the selection (`sel` = `id:version`, repeated)
/// and the values to set (empty = leave as it is).
#[derive(Debug, Default)]
pub struct BulkForm {
    pub selected: Vec<SelectedAction>,
    pub values: BulkValues,
}

impl BulkForm {
    /// Reads a urlencoded body. A selection entry that is not `id:version`
    /// cannot come from the page: 400 (an unknown id is the store's 404).
    pub fn parse(body: &[u8]) -> AppResult<BulkForm> {
        let mut f = BulkForm::default();
        for (k, v) in form_urlencoded::parse(body) {
            if k.contains('\u{FFFD}') || v.contains('\u{FFFD}') {
                return Err(AppError::BadRequest("the form data is not valid UTF-8".into()));
            }
            match k.as_ref() {
                "sel" => {
                    let (id, version) = v
                        .split_once(':')
                        .and_then(|(id, ver)| Some((id, ver.parse::<i64>().ok()?)))
                        .ok_or_else(|| AppError::BadRequest("a selected action must be id:version".into()))?;
                    f.selected.push(SelectedAction {
                        id: object_id(id)?.to_owned(),
                        version,
                    });
                }
                "owner" => f.values.owner = v.into_owned(),
                "deadline" => f.values.deadline = v.into_owned(),
                "priority" => f.values.priority = v.into_owned(),
                "status" => f.values.status = v.into_owned(),
                _ => {}
            }
        }
        if f.selected.len() > BULK_MAX {
            return Err(AppError::BadRequest(format!(
                "at most {BULK_MAX} actions can be changed at once"
            )));
        }
        Ok(f)
    }
}

/// Checks the bulk values; every problem as a message key.
pub fn check_bulk(v: &BulkValues, selected: usize) -> Result<ActionChanges, Vec<&'static str>> {
    let mut errors = Vec::new();
    if selected == 0 {
        errors.push("action-bulk-none-selected");
    }
    let owner = match v.owner.trim() {
        "" => None,
        o => match etterlev_core::text::one_line("owner", o, OWNER_MAX) {
            Ok(o) => Some(o),
            Err(_) => {
                errors.push("action-error-owner");
                None
            }
        },
    };
    let deadline = date(&v.deadline).unwrap_or_else(|()| {
        errors.push("action-error-deadline");
        None
    });
    let priority = match v.priority.trim() {
        "" => None,
        p => Priority::parse(p).or_else(|| {
            errors.push("action-error-priority");
            None
        }),
    };
    let status = match v.status.trim() {
        "" => None,
        s => ActionStatus::parse(s).or_else(|| {
            errors.push("action-error-status");
            None
        }),
    };
    let changes = ActionChanges {
        owner,
        deadline,
        priority,
        status,
    };
    if changes.is_empty() && errors.iter().all(|e| *e == "action-bulk-none-selected") {
        errors.push("action-bulk-nothing");
    }
    if errors.is_empty() { Ok(changes) } else { Err(errors) }
}

/// The English message of a [`check_bulk`] key, for the API.
pub fn bulk_error_english(key: &str) -> &'static str {
    match key {
        "action-bulk-none-selected" => "actions must name at least one action",
        "action-bulk-nothing" => "give at least one of owner, deadline, priority and status",
        "action-error-owner" => "owner must be one line of at most 200 characters",
        "action-error-deadline" => "deadline must be a date YYYY-MM-DD",
        "action-error-priority" => "priority must be one of patient_safety, high, medium, low",
        "action-error-status" => "status must be one of open, in_progress, done, cancelled",
        _ => "invalid input",
    }
}

async fn bulk(State(state): State<AppState>, auth: Auth, RawQuery(raw): RawQuery, body: Bytes) -> AppResult<Response> {
    let scope = auth.scope()?;
    let query = ListQuery::parse(raw.as_deref())?;
    let form = BulkForm::parse(&body)?;
    let tr = auth.ctx.tr;
    let keep = |errors: Vec<String>, conflicts| PageState {
        selected: form.selected.iter().map(|s| s.id.clone()).collect(),
        bulk: form.values.clone(),
        conflicts,
        errors,
        ..PageState::default()
    };
    let changes = match check_bulk(&form.values, form.selected.len()) {
        Ok(c) => c,
        Err(keys) => {
            let errors = keys.into_iter().map(|k| tr.msg(k)).collect();
            let page = build(&state, &auth, &query, keep(errors, Default::default())).await?;
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let ts = state.store.tenant(scope);
    match ts.update_actions(&form.selected, changes).await {
        Ok(changed) => {
            let target = format!(
                "/actions?{}&notice=actions-updated&n={}",
                query.to_query(),
                changed.len()
            );
            Ok(Redirect::to(&target).into_response())
        }
        Err(StoreError::VersionConflict(_)) => {
            // Name every selected action that changed, not only the first
            // the store ran into; the page shows them as stored now, so a
            // second submit knowingly applies the change to them.
            let now = ts.actions(None).await?;
            let conflicts: std::collections::HashSet<String> = form
                .selected
                .iter()
                .filter(|s| now.iter().any(|a| a.id == s.id && a.version != s.version))
                .map(|s| s.id.clone())
                .collect();
            let errors = vec![tr.msg_with("action-bulk-conflict", &[("count", conflicts.len().to_string())])];
            let page = build(&state, &auth, &query, keep(errors, conflicts)).await?;
            Ok(render_status(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_queries_fall_back_to_defaults() {
        let q = ListQuery::parse(Some(
            "show=sideways&status=sleeping&priority=urgent&sort=colour&dir=up&q=%00x",
        ))
        .expect("lenient");
        assert_eq!(
            q,
            ListQuery {
                text: "x".into(),
                ..ListQuery::default()
            }
        );
        assert_eq!(q.to_query(), "show=open&q=x");
        let q = ListQuery::parse(Some("status=done&owner=Kari+N&sort=deadline&dir=desc")).expect("valid");
        assert_eq!((q.show, q.status), (Show::All, Some(ActionStatus::Done)), "widened");
        assert_eq!(q.to_query(), "show=all&status=done&owner=Kari+N&sort=deadline&dir=desc");
        assert_eq!(ListQuery::parse(Some(&q.to_query())).expect("round trip"), q);
        assert_eq!(
            q.with_sort(Sort::Deadline),
            "show=all&status=done&owner=Kari+N&sort=deadline"
        );
        assert_eq!(q.with_show(Show::Open), "show=open&owner=Kari+N&sort=deadline&dir=desc");
        assert!(matches!(
            ListQuery::parse(Some("assessment=x")),
            Err(AppError::NotFound)
        ));
    }

    #[test]
    fn bulk_values_are_checked() {
        let v = |owner: &str, deadline: &str, priority: &str, status: &str| BulkValues {
            owner: owner.into(),
            deadline: deadline.into(),
            priority: priority.into(),
            status: status.into(),
        };
        let ok = check_bulk(&v(" Kari ", "2027-01-31", "", "in_progress"), 2).expect("valid");
        assert_eq!(
            ok,
            ActionChanges {
                owner: Some("Kari".into()),
                deadline: Some("2027-01-31".into()),
                priority: None,
                status: Some(ActionStatus::InProgress),
            }
        );
        assert_eq!(check_bulk(&v("", "", "", ""), 2), Err(vec!["action-bulk-nothing"]));
        assert_eq!(
            check_bulk(&v("", "", "", ""), 0),
            Err(vec!["action-bulk-none-selected", "action-bulk-nothing"])
        );
        assert_eq!(
            check_bulk(&v("", "31.01.2027", "urgent", "sleeping"), 1),
            Err(vec![
                "action-error-deadline",
                "action-error-priority",
                "action-error-status"
            ])
        );
    }

    #[test]
    fn bulk_form_reads_the_selection() {
        let id = "01890000-0000-7000-8000-000000000000";
        let f = BulkForm::parse(format!("_csrf=x&sel={id}%3A3&owner=Kari&deadline=").as_bytes()).expect("ok");
        assert_eq!(
            f.selected,
            vec![SelectedAction {
                id: id.into(),
                version: 3
            }]
        );
        assert_eq!(f.values.owner, "Kari");
        assert!(matches!(BulkForm::parse(b"sel=nope"), Err(AppError::BadRequest(_))));
        assert!(matches!(BulkForm::parse(b"sel=nope:1"), Err(AppError::NotFound)));
    }

    #[test]
    fn keys_named_in_code_exist() {
        for lang in [crate::kit::i18n::Lang::Nb, crate::kit::i18n::Lang::En] {
            let tr = Tr::new(lang);
            let keys = [
                "action-bulk-none-selected",
                "action-bulk-nothing",
                "action-error-owner",
                "action-error-deadline",
                "action-error-priority",
                "action-error-status",
                "action-col-priority",
                "action-col-title",
                "action-col-requirement",
                "action-col-owner",
                "action-col-deadline",
                "col-status",
            ];
            let missing: Vec<_> = keys.iter().filter(|k| tr.msg(k) == **k).collect();
            assert!(missing.is_empty(), "{lang:?}: missing {missing:?}");
        }
    }

    #[test]
    fn sorts_labels_naturally_and_formats_dates() {
        let mut v = vec!["2.10", "2.9", "10.1", "2.9a"];
        v.sort_by_key(|s| natural(s));
        assert_eq!(v, ["2.9", "2.9a", "2.10", "10.1"]);
        assert_eq!(show_date("2026-02-28"), "28.02.2026");
        assert_eq!(show_date("bad"), "bad");
    }
}
