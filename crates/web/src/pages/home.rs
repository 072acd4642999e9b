//! The dashboard skeleton, module placeholders, language and tenant switch.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{Form, Layout, object_id, render, safe_next};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::i18n::{LANG_COOKIE, Lang};
use crate::session::Auth;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/modules/{module}", get(module))
        .route("/lang", post(switch_lang))
        .route("/tenant", post(switch_tenant))
}

/// The product's modules (see domain.md §3), shown as tiles until built.
pub const MODULES: &[(&str, &str)] = &[
    ("catalogue", "M1"),
    ("assessment", "M2"),
    ("small-enterprise", "M3"),
    ("actions", "M4"),
    ("risk", "M5"),
    ("incidents", "M6"),
    ("suppliers", "M7"),
    ("continuity", "M8"),
    ("tools", "M9"),
    ("reports", "M10"),
];

pub struct Tile {
    pub slug: &'static str,
    /// Where the tile leads: the module's pages once built, else its
    /// placeholder.
    pub href: String,
    pub ready: bool,
    pub code: &'static str,
    pub title: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    l: Layout,
    tiles: Vec<Tile>,
    has_tenant: bool,
    member_count: usize,
    has_totp: bool,
    /// Open and overdue actions of the selected tenant (the "actions" tile).
    actions_open: Option<usize>,
    actions_overdue: usize,
}

async fn dashboard(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    // The secretariat works at sector level: without an enterprise of their
    // own, its overview is the user's home.
    if auth.scope.is_none() && auth.user.is_secretariat && !auth.user.disabled {
        return Ok(Redirect::to("/secretariat").into_response());
    }
    let l = Layout::for_user(&auth);
    let tr = l.tr;
    let tiles = MODULES
        .iter()
        .map(|(slug, code)| Tile {
            slug,
            href: built_module(slug).map_or_else(|| format!("/modules/{slug}"), str::to_string),
            ready: built_module(slug).is_some(),
            code,
            title: tr.msg(&format!("module-{slug}")),
            text: tr.msg(&format!("module-{slug}-text")),
        })
        .collect();
    let (actions_open, actions_overdue) = match &auth.scope {
        Some(scope) => {
            let actions = state.store.tenant(scope).actions(None).await?;
            let today = super::actions::today();
            let open = actions.iter().filter(|a| !a.status.is_closed()).count();
            let overdue = actions.iter().filter(|a| super::actions::overdue(a, &today)).count();
            (Some(open), overdue)
        }
        None => (None, 0),
    };
    Ok(render(&Dashboard {
        l,
        tiles,
        actions_open,
        actions_overdue,
        has_tenant: auth.scope.is_some(),
        member_count: auth.memberships.len(),
        has_totp: auth.user.has_totp(),
    }))
}

#[derive(Template)]
#[template(path = "module.html")]
struct ModulePage {
    l: Layout,
    title: String,
    text: String,
    code: &'static str,
}

/// The start page of a module that is built, by slug.
fn built_module(slug: &str) -> Option<&'static str> {
    match slug {
        "catalogue" => Some("/catalog"),
        "assessment" => Some("/assessments"),
        "small-enterprise" => Some("/wizard"),
        "actions" => Some("/actions"),
        _ => None,
    }
}

async fn module(auth: Auth, Path(slug): Path<String>) -> AppResult<Response> {
    let (slug, code) = MODULES.iter().find(|(s, _)| *s == slug).ok_or(AppError::NotFound)?;
    if let Some(href) = built_module(slug) {
        return Ok(Redirect::to(href).into_response());
    }
    let l = Layout::for_user(&auth);
    let tr = l.tr;
    Ok(render(&ModulePage {
        title: tr.msg(&format!("module-{slug}")),
        text: tr.msg(&format!("module-{slug}-text")),
        code,
        l,
    }))
}

#[derive(Deserialize)]
struct LangForm {
    lang: String,
    next: Option<String>,
}

/// Stores the language choice in a cookie (a year) and goes back.
async fn switch_lang(Form(f): Form<LangForm>) -> AppResult<Response> {
    let lang = Lang::parse(&f.lang).ok_or_else(|| AppError::BadRequest("unknown language".into()))?;
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
    let mut resp = Redirect::to(&safe_next(f.next.as_deref())).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

#[derive(Deserialize)]
struct TenantForm {
    tenant_id: String,
    next: Option<String>,
}

async fn switch_tenant(State(state): State<AppState>, auth: Auth, Form(f): Form<TenantForm>) -> AppResult<Response> {
    state
        .store
        .switch_tenant(&auth.session, object_id(&f.tenant_id)?)
        .await?;
    Ok(Redirect::to(&safe_next(f.next.as_deref())).into_response())
}
