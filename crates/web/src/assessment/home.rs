//! The home page (the user's own work: where they left off, open and
//! overdue actions, the next deadline, and the modules that exist), the old
//! module placeholders, language and tenant switch.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use etterlev_store::{AssessmentKind, TenantScope};
use serde::Deserialize;

use crate::AppState;
use crate::actions::show_date;
use crate::kit::error::{AppError, AppResult};
use crate::kit::i18n::{LANG_COOKIE, Lang, Tr};
use crate::kit::session::Auth;
use crate::kit::{Form, Layout, object_id, render, safe_next};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/modules/{module}", get(module))
        .route("/lang", post(switch_lang))
        .route("/tenant", post(switch_tenant))
}

/// The product's modules (see domain.md §3). Only built ones are shown (on
/// the home page and in the menu); `/modules/{slug}` of one not built yet
/// still answers, for old links, but nothing links to it.
pub const MODULES: &[&str] = &[
    "catalogue",
    "assessment",
    "small-enterprise",
    "actions",
    "risk",
    "incidents",
    "suppliers",
    "continuity",
    "tools",
    "reports",
];

pub struct Tile {
    pub slug: &'static str,
    pub href: &'static str,
    pub title: String,
    pub text: String,
}

/// The assessment or wizard run to go back to.
pub struct ContinueWork {
    pub title: String,
    pub href: String,
    /// "Egenvurdering" or "Veiviser for små virksomheter".
    pub kind: String,
    /// Last changed, `dd.mm.yyyy hh:mm`.
    pub changed: String,
    /// The user's own change, or the enterprise's latest.
    pub by_me: bool,
}

/// The nearest deadline of an open action that has not passed.
pub struct NextDeadline {
    pub title: String,
    pub action_id: String,
    /// `dd.mm.yyyy`.
    pub date: String,
}

/// A measure to review or evidence that expires, on the dashboard.
pub struct DueView {
    pub label: String,
    /// `dd.mm.yyyy`.
    pub date: String,
    pub href: String,
    pub passed: bool,
}

/// The selected enterprise's work, for its members.
pub struct OwnWork {
    pub resume: Option<ContinueWork>,
    pub open: usize,
    pub overdue: usize,
    pub next: Option<NextDeadline>,
    /// Measure reviews and evidence validity within 30 days, or passed.
    pub due: Vec<DueView>,
}

#[derive(Template)]
#[template(path = "assessment/home.html")]
struct Dashboard {
    l: Layout,
    tiles: Vec<Tile>,
    has_tenant: bool,
    member_count: usize,
    has_totp: bool,
    work: Option<OwnWork>,
}

/// The home page. Kept as "build the page, render it" so a different
/// landing for some users can be decided before `home_page` runs.
async fn dashboard(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    // The secretariat works at sector level: without an enterprise of their
    // own, its overview is the user's home.
    if auth.scope.is_none() && auth.user.is_secretariat && !auth.user.disabled {
        return Ok(Redirect::to("/secretariat").into_response());
    }
    let page = home_page(&state, &auth).await?;
    Ok(render(&page))
}

async fn home_page(state: &AppState, auth: &Auth) -> AppResult<Dashboard> {
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let has_tenant = auth.scope.is_some();
    let work = match &auth.scope {
        Some(scope) => Some(own_work(state, scope, &tr).await?),
        None => None,
    };
    Ok(Dashboard {
        l,
        tiles: tiles(&tr, has_tenant),
        work,
        has_tenant,
        member_count: auth.memberships.len(),
        has_totp: auth.user.has_totp(),
    })
}

async fn own_work(state: &AppState, scope: &TenantScope, tr: &Tr) -> AppResult<OwnWork> {
    let ts = state.store.tenant(scope);
    let actions = ts.actions(None).await?;
    let today = crate::kit::dates::today().to_string();
    let open = actions.iter().filter(|a| !a.status.is_closed()).count();
    let overdue = actions.iter().filter(|a| crate::actions::overdue(a, &today)).count();
    let next = actions
        .iter()
        .filter(|a| !a.status.is_closed())
        .filter_map(|a| Some((a.deadline.as_deref()?, a)))
        .filter(|(d, _)| *d >= today.as_str())
        .min_by_key(|(d, a)| (*d, a.priority.rank()))
        .map(|(d, a)| NextDeadline {
            title: a.title.clone(),
            action_id: a.id.clone(),
            date: show_date(d),
        });
    let resume = ts.recent_work().await?.map(|w| {
        let a = w.assessment;
        let (href, kind) = match a.kind {
            AssessmentKind::Wizard => (format!("/wizard/{}", a.id), tr.msg("home-kind-wizard")),
            AssessmentKind::Full => (format!("/assessments/{}", a.id), tr.msg("home-kind-assessment")),
        };
        ContinueWork {
            title: a.title,
            href,
            kind,
            changed: tr.datetime(&w.changed_at),
            by_me: w.by_me,
        }
    });
    let until = crate::kit::dates::today().plus_days(30).to_string();
    let due = ts
        .due_items(&until)
        .await?
        .into_iter()
        .filter(|i| i.kind != etterlev_store::DueKind::Action)
        .map(|i| DueView {
            label: crate::kit::labels::due_label(tr, &i),
            date: show_date(&i.date),
            // Evidence: straight to the evidence on the requirement's page.
            href: match i.kind {
                etterlev_store::DueKind::Evidence => format!("{}#evidence", crate::kit::labels::due_path(&i)),
                _ => crate::kit::labels::due_path(&i),
            },
            passed: i.date < today,
        })
        .collect();
    Ok(OwnWork {
        resume,
        open,
        overdue,
        next,
        due,
    })
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

/// Tiles of the modules that exist; those that work on an enterprise's own
/// data only for members of one.
fn tiles(tr: &Tr, has_tenant: bool) -> Vec<Tile> {
    MODULES
        .iter()
        .filter_map(|slug| Some((*slug, built_module(slug)?)))
        .filter(|(slug, _)| has_tenant || *slug == "catalogue")
        .map(|(slug, href)| Tile {
            slug,
            href,
            title: tr.msg(&format!("module-{slug}")),
            text: tr.msg(&format!("module-{slug}-text")),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "assessment/module.html")]
struct ModulePage {
    l: Layout,
    title: String,
    text: String,
}

async fn module(auth: Auth, Path(slug): Path<String>) -> AppResult<Response> {
    let slug = MODULES.iter().find(|s| **s == slug).ok_or(AppError::NotFound)?;
    if let Some(href) = built_module(slug) {
        return Ok(Redirect::to(href).into_response());
    }
    let l = Layout::for_user(&auth);
    let tr = l.tr;
    Ok(render(&ModulePage {
        title: tr.msg(&format!("module-{slug}")),
        text: tr.msg(&format!("module-{slug}-text")),
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
