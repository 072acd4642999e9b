//! `/inventory`: the systems and integrations, their forms and the
//! data-flow picture (`/inventory/map.svg`, server-rendered, no script).
//!
//! The pages parse what only they know (choices, checkboxes, levels); the
//! store checks the text rules and refuses with typed refusals shown here.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use etterlev_core::inventory::DataCategory;
use etterlev_store::{StoreError, System};

use super::{integrations, systems};
use crate::AppState;
use crate::kit::error::{AppError, AppResult, url_encode};
use crate::kit::i18n::Tr;
use crate::kit::session::Auth;
use crate::kit::{Layout, can_edit, query_param, render};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inventory", get(list))
        .route("/inventory/map.svg", get(map))
        .route("/inventory/systems.xlsx", get(super::import::export_xlsx))
        .route("/inventory/systems.csv", get(super::import::export_csv))
        .route(
            "/inventory/import",
            get(super::import::upload_form)
                .post(super::import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(super::import::IMPORT_BODY_MAX)),
        )
        .route(
            "/inventory/import/{id}",
            get(super::import::mapping).post(super::import::apply),
        )
        .route("/inventory/levels", get(super::levels::page).post(super::levels::save))
        .route(
            "/inventory/systems/new",
            get(systems::new_system).post(systems::create_system),
        )
        .route(
            "/inventory/systems/{id}",
            get(systems::edit_system).post(systems::update_system),
        )
        .route(
            "/inventory/integrations/new",
            get(integrations::new_integration).post(integrations::create_integration),
        )
        .route(
            "/inventory/integrations/{id}",
            get(integrations::edit_integration).post(integrations::update_integration),
        )
}

/// A choice of a `<select>` or radio group.
pub(super) struct Opt {
    pub(super) value: String,
    pub(super) label: String,
    pub(super) selected: bool,
}

pub(super) fn options<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: impl Fn(T) -> String,
    chosen: &str,
) -> Vec<Opt> {
    all.iter()
        .map(|v| Opt {
            value: value(*v).to_string(),
            label: label(*v),
            selected: value(*v) == chosen,
        })
        .collect()
}

pub(super) fn require_edit(auth: &Auth) -> AppResult<()> {
    if can_edit(auth) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// What a form page shows for a save the store refused: the status and
/// the message of a stale version or a refusal; any other error goes on.
pub(super) fn save_refusal(tr: &Tr, e: StoreError) -> AppResult<(StatusCode, String)> {
    match e {
        StoreError::VersionConflict(_) => Ok((StatusCode::CONFLICT, tr.msg("inv-conflict"))),
        StoreError::Invalid(r) => Ok((StatusCode::UNPROCESSABLE_ENTITY, tr.refused(&r))),
        e => Err(e.into()),
    }
}

/// The notice after a redirect: "saved", or how many systems an import
/// created and changed (only these keys are shown).
pub(super) fn with_saved_notice(mut l: Layout, query: Option<&str>) -> Layout {
    match query_param(query, "notice").as_deref() {
        Some("inv-notice-saved") => l.with_notice("inv-notice-saved"),
        Some("inv-notice-imported") => {
            let count = |k: &str| query_param(query, k).and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
            l.notice = Some(l.tr.msg_with(
                "inv-notice-imported",
                &[
                    ("created", count("created").to_string()),
                    ("updated", count("updated").to_string()),
                ],
            ));
            l
        }
        _ => l,
    }
}

pub(super) fn word(tr: &Tr, prefix: &str, machine: &str) -> String {
    tr.msg(&format!("inv-{prefix}-{machine}"))
}

// ------------------------------------------------------------------ list

struct SystemRow {
    id: String,
    name: String,
    category: String,
    need: String,
    class: u8,
    criticality: String,
    hosting: String,
    flags: Vec<String>,
    low: bool,
}

struct IntegrationRow {
    id: String,
    from: String,
    to: String,
    both_ways: bool,
    data: String,
    protocol: String,
    copy: bool,
}

#[derive(Template)]
#[template(path = "inventory/list.html")]
struct ListPage {
    l: Layout,
    systems: Vec<SystemRow>,
    system_count: usize,
    systems_pager: Pager,
    integrations: Vec<IntegrationRow>,
    integration_count: usize,
    categories: Vec<Opt>,
    category: String,
    search: String,
    can_edit: bool,
}

fn system_row(tr: &Tr, s: &System) -> SystemRow {
    let i = &s.input;
    let mut flags = Vec::new();
    for (on, key) in [
        (i.health_register, "inv-flag-register"),
        (i.medical_device, "inv-flag-medical"),
        (i.ai_component, "inv-flag-ai"),
        (i.internet_exposed, "inv-flag-internet"),
        (i.remote_access, "inv-flag-remote"),
    ] {
        if on {
            flags.push(tr.msg(key));
        }
    }
    SystemRow {
        id: s.id.clone(),
        name: i.name.clone(),
        category: word(tr, "category", i.data_category.as_str()),
        need: format!(
            "{}-{}-{}",
            i.need.confidentiality.get(),
            i.need.integrity.get(),
            i.need.availability.get()
        ),
        class: i.need.class().get(),
        criticality: word(tr, "criticality", i.criticality.as_str()),
        hosting: word(tr, "hosting", i.hosting.as_str()),
        flags,
        low: !etterlev_core::inventory::below_least(&i.need, i.data_category, i.criticality).is_empty(),
    }
}

/// Rows per page of the lists.
const PAGE: usize = 50;

/// A pager: the links to the pages before and after, keeping the filter.
struct Pager {
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
}

fn pager(total: usize, page: usize, link: impl Fn(usize) -> String) -> Pager {
    let pages = total.div_ceil(PAGE).max(1);
    let page = page.clamp(1, pages);
    Pager {
        page,
        pages,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
    }
}

fn page_of(q: Option<&str>, name: &str) -> usize {
    query_param(q, name)
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 100_000)
}

async fn list(State(state): State<AppState>, auth: Auth, RawQuery(q): RawQuery) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let l = Layout::for_user(&auth);
    let tr = l.tr;
    let query = q.as_deref();
    let category = query_param(query, "category").unwrap_or_default();
    let search: String = query_param(query, "q").unwrap_or_default().chars().take(100).collect();
    let page = page_of(query, "page");
    let systems = ts
        .systems_page(
            Some(search.as_str()).filter(|s| !s.is_empty()),
            DataCategory::parse(&category),
            (page - 1) * PAGE,
            PAGE,
        )
        .await?;
    let shown: Vec<String> = systems.items.iter().map(|s| s.id.clone()).collect();
    let integrations = ts.integrations_of(&shown).await?;
    let link = |p: usize| {
        format!(
            "/inventory?q={}&category={}&page={p}",
            url_encode(&search),
            url_encode(&category)
        )
    };
    let page = ListPage {
        systems: systems.items.iter().map(|s| system_row(&tr, s)).collect(),
        system_count: systems.total,
        systems_pager: pager(systems.total, page, link),
        integrations: integrations
            .items
            .iter()
            .map(|x| {
                let i = &x.integration;
                IntegrationRow {
                    id: i.id.clone(),
                    from: x.from_name.clone(),
                    to: x.to_name.clone(),
                    both_ways: i.input.both_ways,
                    data: i.input.data.clone(),
                    protocol: word(&tr, "protocol", i.input.protocol.as_str()),
                    copy: i.carries_copy(),
                }
            })
            .collect(),
        integration_count: integrations.total,
        categories: options(
            DataCategory::ALL,
            DataCategory::as_str,
            |c| word(&tr, "category", c.as_str()),
            &category,
        ),
        category,
        search,
        can_edit: can_edit(&auth),
        l: with_saved_notice(l, query),
    };
    Ok(render(&page))
}

// ------------------------------------------------------------------ picture

/// Systems drawn at most in one picture.
const MAP_MAX: usize = 300;

/// The data-flow picture; `?category=health` keeps the systems holding that
/// category of data and the integrations between them.
async fn map(State(state): State<AppState>, auth: Auth, RawQuery(q): RawQuery) -> AppResult<Response> {
    use etterlev_reports::dataflow::{FlowEdge, FlowGraph, FlowNode, dataflow_svg};
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let tr = Layout::for_user(&auth).tr;
    let category = query_param(q.as_deref(), "category").and_then(|c| DataCategory::parse(&c));
    let (systems, integrations) = ts.flow(category).await?;
    if systems.len() > MAP_MAX {
        // Hundreds of boxes make no readable picture: ask for a filter.
        let note = tr.msg_with(
            "inv-map-too-many",
            &[("count", systems.len().to_string()), ("max", MAP_MAX.to_string())],
        );
        let svg = dataflow_svg(&FlowGraph {
            title: tr.msg("inv-map-title"),
            description: note.clone(),
            nodes: vec![FlowNode {
                id: "note".into(),
                label: note,
                ..FlowNode::default()
            }],
            ..FlowGraph::default()
        });
        return Ok(([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")], svg).into_response());
    }
    let nodes = systems
        .iter()
        .map(|s| FlowNode {
            id: s.id.clone(),
            label: s.input.name.clone(),
            sublabel: Some(word(&tr, "hosting", s.input.hosting.as_str())),
            emphasis: s.input.data_category == DataCategory::Health,
            href: Some(format!("/inventory/systems/{}", url_encode(&s.id))),
        })
        .collect();
    let edges = integrations
        .into_iter()
        .map(|i| FlowEdge {
            copy: i.carries_copy(),
            from: i.input.from_system,
            to: i.input.to_system,
            label: i.input.data,
            both_ways: i.input.both_ways,
        })
        .collect();
    let svg = dataflow_svg(&FlowGraph {
        title: tr.msg("inv-map-title"),
        description: tr.msg("inv-map-description"),
        nodes,
        edges,
        copy_legend: tr.msg("inv-map-copy"),
        emphasis_legend: tr.msg("inv-map-health"),
    });
    Ok(([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")], svg).into_response())
}
