//! `/measures`: the enterprise's own security measures, each with the
//! systems it protects and the requirements (of any catalogue) it serves.
//! Requirements are typed one per line as `catalogue-key requirement-id`
//! (e.g. `normen@6.0 5.3-a`), the way they show in the catalogue.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use etterlev_core::inventory::{MeasureKind, MeasureStatus};
use etterlev_store::{MeasureInput, RequirementRef, SecurityMeasure, System};

use super::pages::{Opt, options, require_edit, save_refusal, with_saved_notice};
use crate::AppState;
use crate::kit::error::{AppResult, url_encode};
use crate::kit::session::Auth;
use crate::kit::{FormPairs, Layout, can_edit, form_version, object_id, render, render_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/measures", get(list))
        .route("/measures/new", get(new_measure).post(create))
        .route("/measures/{id}", get(edit).post(update))
}

struct MeasureRow {
    id: String,
    title: String,
    kind: String,
    status: String,
    owner: String,
    review_by: String,
    systems: usize,
    requirements: Vec<String>,
}

#[derive(Template)]
#[template(path = "inventory/measures.html")]
struct ListPage {
    l: Layout,
    measures: Vec<MeasureRow>,
    can_edit: bool,
}

fn requirement_line(r: &RequirementRef) -> String {
    format!("{} {}", r.catalog_key, r.node_id)
}

async fn list(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let scope = auth.scope()?;
    let measures = state.store.tenant(scope).measures().await?;
    let l = Layout::for_user(&auth);
    let tr = l.tr;
    Ok(render(&ListPage {
        measures: measures
            .iter()
            .map(|m| MeasureRow {
                id: m.id.clone(),
                title: m.input.title.clone(),
                kind: tr.msg(&format!("inv-kind-{}", m.input.kind.as_str())),
                status: tr.msg(&format!("inv-status-{}", m.input.status.as_str())),
                owner: m.input.owner.clone().unwrap_or_default(),
                review_by: tr.date_opt(&m.input.review_by),
                systems: m.input.systems.len(),
                requirements: m.input.requirements.iter().map(requirement_line).collect(),
            })
            .collect(),
        can_edit: can_edit(&auth),
        l,
    }))
}

#[derive(Default, Clone)]
struct RawMeasure {
    title: String,
    description: String,
    kind: String,
    status: String,
    owner: String,
    review_by: String,
    check_method: String,
    check_interval: String,
    last_checked: String,
    last_result: String,
    systems: Vec<String>,
    requirements: String,
}

impl RawMeasure {
    fn of_form(f: &FormPairs) -> RawMeasure {
        let t = |n: &str| f.get(n).to_string();
        RawMeasure {
            title: t("title"),
            description: t("description"),
            kind: t("kind"),
            status: t("status"),
            owner: t("owner"),
            review_by: t("review_by"),
            check_method: t("check_method"),
            check_interval: t("check_interval"),
            last_checked: t("last_checked"),
            last_result: t("last_result"),
            systems: f.all("system"),
            requirements: t("requirements"),
        }
    }

    fn of(m: &MeasureInput) -> RawMeasure {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        RawMeasure {
            title: m.title.clone(),
            description: o(&m.description),
            kind: m.kind.as_str().into(),
            status: m.status.as_str().into(),
            owner: o(&m.owner),
            review_by: o(&m.review_by),
            check_method: o(&m.check_method),
            check_interval: o(&m.check_interval),
            last_checked: o(&m.last_checked),
            last_result: o(&m.last_result),
            systems: m.systems.clone(),
            requirements: m
                .requirements
                .iter()
                .map(requirement_line)
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    fn check(&self) -> Result<MeasureInput, Vec<&'static str>> {
        let mut errors = Vec::new();
        let kind = MeasureKind::parse(self.kind.trim());
        let status = MeasureStatus::parse(self.status.trim());
        if kind.is_none() {
            errors.push("inv-error-kind");
        }
        if status.is_none() {
            errors.push("inv-error-status");
        }
        let mut requirements = Vec::new();
        for line in self.requirements.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match line.split_once(char::is_whitespace) {
                Some((catalog_key, node_id)) => requirements.push(RequirementRef {
                    catalog_key: catalog_key.to_string(),
                    node_id: node_id.trim().to_string(),
                }),
                None => {
                    errors.push("inv-error-requirement");
                    break;
                }
            }
        }
        let opt = |v: &str| Some(v.to_string());
        match (kind, status) {
            (Some(kind), Some(status)) if errors.is_empty() => Ok(MeasureInput {
                title: self.title.clone(),
                description: opt(&self.description),
                kind,
                status,
                owner: opt(&self.owner),
                review_by: opt(&self.review_by),
                check_method: opt(&self.check_method),
                check_interval: opt(&self.check_interval),
                last_checked: opt(&self.last_checked),
                last_result: opt(&self.last_result),
                systems: self.systems.clone(),
                requirements,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "inventory/measure.html")]
struct FormPage {
    l: Layout,
    id: Option<String>,
    version: i64,
    f: RawMeasure,
    errors: Vec<String>,
    kinds: Vec<Opt>,
    statuses: Vec<Opt>,
    /// (id, name, checked)
    systems: Vec<(String, String, bool)>,
    can_edit: bool,
}

fn form_page(auth: &Auth, systems: &[System], m: Option<&SecurityMeasure>, f: RawMeasure) -> FormPage {
    let l = Layout::for_user(auth);
    let tr = l.tr;
    FormPage {
        kinds: options(
            MeasureKind::ALL,
            MeasureKind::as_str,
            |k| tr.msg(&format!("inv-kind-{}", k.as_str())),
            &f.kind,
        ),
        statuses: options(
            MeasureStatus::ALL,
            MeasureStatus::as_str,
            |k| tr.msg(&format!("inv-status-{}", k.as_str())),
            &f.status,
        ),
        systems: systems
            .iter()
            .map(|s| (s.id.clone(), s.input.name.clone(), f.systems.contains(&s.id)))
            .collect(),
        id: m.map(|m| m.id.clone()),
        version: m.map_or(0, |m| m.version),
        f,
        errors: Vec::new(),
        can_edit: can_edit(auth),
        l,
    }
}

async fn new_measure(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let scope = auth.scope()?;
    require_edit(&auth)?;
    let systems = state.store.tenant(scope).systems().await?;
    let f = RawMeasure {
        kind: MeasureKind::Technical.as_str().into(),
        status: MeasureStatus::Planned.as_str().into(),
        ..RawMeasure::default()
    };
    Ok(render(&form_page(&auth, &systems, None, f)))
}

async fn edit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let m = ts.measure(object_id(&id)?).await?;
    let systems = ts.systems().await?;
    let mut page = form_page(&auth, &systems, Some(&m), RawMeasure::of(&m.input));
    page.l = with_saved_notice(page.l, q.as_deref());
    Ok(render(&page))
}

async fn save(
    state: &AppState,
    auth: &Auth,
    current: Option<&SecurityMeasure>,
    form: &FormPairs,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    require_edit(auth)?;
    let ts = state.store.tenant(scope);
    let systems = ts.systems().await?;
    let raw = RawMeasure::of_form(form);
    let mut page = form_page(auth, &systems, current, raw.clone());
    let input = match raw.check() {
        Ok(input) => input,
        Err(keys) => {
            page.errors = keys.iter().map(|k| page.l.tr.msg(k)).collect();
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let saved = match current {
        None => ts.create_measure(input).await,
        Some(c) => {
            let version = form_version(form.get("version"))?;
            page.version = version;
            ts.update_measure(&c.id, input, version).await
        }
    };
    match saved {
        Ok(m) => Ok(Redirect::to(&format!("/measures/{}?notice=inv-notice-saved", url_encode(&m.id))).into_response()),
        Err(e) => {
            let (status, message) = save_refusal(&page.l.tr, e)?;
            page.errors = vec![message];
            Ok(render_status(status, &page))
        }
    }
}

async fn create(State(state): State<AppState>, auth: Auth, form: FormPairs) -> AppResult<Response> {
    save(&state, &auth, None, &form).await
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: FormPairs,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let current = state.store.tenant(scope).measure(object_id(&id)?).await?;
    save(&state, &auth, Some(&current), &form).await
}
