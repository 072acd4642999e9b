//! `/inventory`: the systems and integrations, their forms and the
//! data-flow picture (`/inventory/map.svg`, server-rendered, no script).
//!
//! The pages parse what only they know (choices, checkboxes, levels); the
//! store checks the text rules and refuses with typed refusals shown here.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use etterlev_core::inventory::{
    Criticality, DataCategory, Frequency, Hosting, Level, MdrClass, ProtectionNeed, Protocol,
};
use etterlev_store::{ConflictWith, Integration, IntegrationInput, StoreError, System, SystemInput};

use crate::AppState;
use crate::kit::error::{AppError, AppResult, url_encode};
use crate::kit::i18n::Tr;
use crate::kit::session::Auth;
use crate::kit::{FormPairs, Layout, can_edit, form_version, object_id, query_param, render, render_status};

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
        .route("/inventory/systems/new", get(new_system).post(create_system))
        .route("/inventory/systems/{id}", get(edit_system).post(update_system))
        .route(
            "/inventory/integrations/new",
            get(new_integration).post(create_integration),
        )
        .route(
            "/inventory/integrations/{id}",
            get(edit_integration).post(update_integration),
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

fn word(tr: &Tr, prefix: &str, machine: &str) -> String {
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
    integrations_pager: Pager,
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
    let (page, ipage) = (page_of(query, "page"), page_of(query, "ipage"));
    let systems = ts
        .systems_page(
            Some(search.as_str()).filter(|s| !s.is_empty()),
            DataCategory::parse(&category),
            (page - 1) * PAGE,
            PAGE,
        )
        .await?;
    let integrations = ts.integrations_page((ipage - 1) * PAGE, PAGE).await?;
    let link = |p: usize, ip: usize| {
        format!(
            "/inventory?q={}&category={}&page={p}&ipage={ip}",
            url_encode(&search),
            url_encode(&category)
        )
    };
    let page = ListPage {
        systems: systems.items.iter().map(|s| system_row(&tr, s)).collect(),
        system_count: systems.total,
        systems_pager: pager(systems.total, page, |p| link(p, ipage)),
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
        integrations_pager: pager(integrations.total, ipage, |ip| link(page, ip)),
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
    let systems: Vec<System> = ts
        .systems()
        .await?
        .into_iter()
        .filter(|s| category.is_none_or(|c| s.input.data_category == c))
        .collect();
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
    let edges = ts
        .integrations()
        .await?
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

// ------------------------------------------------------------------ system form

/// The system form as typed, kept whole for a refused save.
#[derive(Default, Clone)]
struct RawSystem {
    name: String,
    purpose: String,
    owner: String,
    administrator: String,
    users: String,
    staff_users: bool,
    patient_users: bool,
    data_category: String,
    health_register: bool,
    confidentiality: String,
    integrity: String,
    availability: String,
    criticality: String,
    hosting: String,
    cloud_provider: String,
    cloud_region: String,
    supplier: String,
    medical_device: bool,
    mdr_class: String,
    ai_component: bool,
    internet_exposed: bool,
    remote_access: bool,
}

impl RawSystem {
    fn of_form(f: &FormPairs) -> RawSystem {
        let t = |n: &str| f.get(n).to_string();
        RawSystem {
            name: t("name"),
            purpose: t("purpose"),
            owner: t("owner"),
            administrator: t("administrator"),
            users: t("users"),
            staff_users: f.flag("staff_users"),
            patient_users: f.flag("patient_users"),
            data_category: t("data_category"),
            health_register: f.flag("health_register"),
            confidentiality: t("confidentiality"),
            integrity: t("integrity"),
            availability: t("availability"),
            criticality: t("criticality"),
            hosting: t("hosting"),
            cloud_provider: t("cloud_provider"),
            cloud_region: t("cloud_region"),
            supplier: t("supplier"),
            medical_device: f.flag("medical_device"),
            mdr_class: t("mdr_class"),
            ai_component: f.flag("ai_component"),
            internet_exposed: f.flag("internet_exposed"),
            remote_access: f.flag("remote_access"),
        }
    }

    fn of(s: &SystemInput) -> RawSystem {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        RawSystem {
            name: s.name.clone(),
            purpose: o(&s.purpose),
            owner: o(&s.owner),
            administrator: o(&s.administrator),
            users: o(&s.users),
            staff_users: s.staff_users,
            patient_users: s.patient_users,
            data_category: s.data_category.as_str().into(),
            health_register: s.health_register,
            confidentiality: s.need.confidentiality.get().to_string(),
            integrity: s.need.integrity.get().to_string(),
            availability: s.need.availability.get().to_string(),
            criticality: s.criticality.as_str().into(),
            hosting: s.hosting.as_str().into(),
            cloud_provider: o(&s.cloud_provider),
            cloud_region: o(&s.cloud_region),
            supplier: o(&s.supplier),
            medical_device: s.medical_device,
            mdr_class: s.mdr_class.map(|m| m.as_str().to_string()).unwrap_or_default(),
            ai_component: s.ai_component,
            internet_exposed: s.internet_exposed,
            remote_access: s.remote_access,
        }
    }

    /// The input for the store, or the message keys of the choices that are
    /// missing or unknown.
    fn check(&self) -> Result<SystemInput, Vec<&'static str>> {
        let mut errors = Vec::new();
        let level = |v: &str, key: &'static str, errors: &mut Vec<&'static str>| {
            let l = v.trim().parse::<u8>().ok().and_then(Level::new);
            if l.is_none() {
                errors.push(key);
            }
            l
        };
        let c = level(&self.confidentiality, "inv-error-confidentiality", &mut errors);
        let i = level(&self.integrity, "inv-error-integrity", &mut errors);
        let a = level(&self.availability, "inv-error-availability", &mut errors);
        let category = DataCategory::parse(self.data_category.trim());
        let criticality = Criticality::parse(self.criticality.trim());
        let hosting = Hosting::parse(self.hosting.trim());
        for (ok, key) in [
            (category.is_some(), "inv-error-category"),
            (criticality.is_some(), "inv-error-criticality"),
            (hosting.is_some(), "inv-error-hosting"),
        ] {
            if !ok {
                errors.push(key);
            }
        }
        let mdr_class = MdrClass::parse(self.mdr_class.trim());
        if self.medical_device && mdr_class.is_none() {
            errors.push("inv-error-mdr");
        }
        let opt = |v: &str| Some(v.to_string());
        match (c, i, a, category, criticality, hosting) {
            (Some(c), Some(i), Some(a), Some(data_category), Some(criticality), Some(hosting)) if errors.is_empty() => {
                Ok(SystemInput {
                    name: self.name.clone(),
                    purpose: opt(&self.purpose),
                    owner: opt(&self.owner),
                    administrator: opt(&self.administrator),
                    users: opt(&self.users),
                    staff_users: self.staff_users,
                    patient_users: self.patient_users,
                    data_category,
                    health_register: self.health_register,
                    need: ProtectionNeed {
                        confidentiality: c,
                        integrity: i,
                        availability: a,
                    },
                    criticality,
                    hosting,
                    cloud_provider: opt(&self.cloud_provider),
                    cloud_region: opt(&self.cloud_region),
                    supplier: opt(&self.supplier),
                    medical_device: self.medical_device,
                    mdr_class,
                    ai_component: self.ai_component,
                    internet_exposed: self.internet_exposed,
                    remote_access: self.remote_access,
                })
            }
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "inventory/system.html")]
struct SystemPage {
    l: Layout,
    id: Option<String>,
    version: i64,
    f: RawSystem,
    errors: Vec<String>,
    /// After a conflict: the system as stored now.
    stored: Option<RawSystem>,
    categories: Vec<Opt>,
    criticalities: Vec<Opt>,
    hostings: Vec<Opt>,
    mdr_classes: Vec<Opt>,
    levels: Vec<(u8, String)>,
    /// (field name, label, value) of confidentiality, integrity, availability.
    need_fields: Vec<(&'static str, String, String)>,
    can_edit: bool,
    /// Dimensions classified below what the data and criticality suggest.
    low: Vec<String>,
}

fn system_page(auth: &Auth, id: Option<&System>, f: RawSystem) -> SystemPage {
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let low = id
        .map(|s| {
            etterlev_core::inventory::below_least(&s.input.need, s.input.data_category, s.input.criticality)
                .into_iter()
                .map(|d| tr.msg(&format!("inv-field-{d}")))
                .collect()
        })
        .unwrap_or_default();
    SystemPage {
        categories: options(
            DataCategory::ALL,
            DataCategory::as_str,
            |c| word(&tr, "category", c.as_str()),
            &f.data_category,
        ),
        criticalities: options(
            Criticality::ALL,
            Criticality::as_str,
            |c| word(&tr, "criticality", c.as_str()),
            &f.criticality,
        ),
        hostings: options(
            Hosting::ALL,
            Hosting::as_str,
            |h| word(&tr, "hosting", h.as_str()),
            &f.hosting,
        ),
        mdr_classes: options(
            MdrClass::ALL,
            MdrClass::as_str,
            |m| word(&tr, "mdr", m.as_str()),
            &f.mdr_class,
        ),
        levels: Level::ALL
            .iter()
            .map(|v| (v.get(), tr.msg(&format!("inv-level-{}", v.get()))))
            .collect(),
        need_fields: vec![
            (
                "confidentiality",
                tr.msg("inv-field-confidentiality"),
                f.confidentiality.clone(),
            ),
            ("integrity", tr.msg("inv-field-integrity"), f.integrity.clone()),
            ("availability", tr.msg("inv-field-availability"), f.availability.clone()),
        ],
        id: id.map(|s| s.id.clone()),
        version: id.map_or(0, |s| s.version),
        f,
        errors: Vec::new(),
        stored: None,
        can_edit: can_edit(auth),
        low,
        l,
    }
}

fn blank_system() -> RawSystem {
    RawSystem {
        data_category: DataCategory::Health.as_str().into(),
        confidentiality: "3".into(),
        integrity: "3".into(),
        availability: "3".into(),
        criticality: Criticality::Important.as_str().into(),
        hosting: Hosting::OwnPremises.as_str().into(),
        staff_users: true,
        ..RawSystem::default()
    }
}

async fn new_system(auth: Auth) -> AppResult<Response> {
    auth.scope()?;
    require_edit(&auth)?;
    Ok(render(&system_page(&auth, None, blank_system())))
}

async fn edit_system(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let s = state.store.tenant(scope).system(object_id(&id)?).await?;
    let mut page = system_page(&auth, Some(&s), RawSystem::of(&s.input));
    page.l = with_saved_notice(page.l, q.as_deref());
    Ok(render(&page))
}

/// A refused save: the page again with the user's input and why.
fn refused(mut page: SystemPage, status: StatusCode, errors: Vec<String>) -> Response {
    page.errors = errors;
    render_status(status, &page)
}

async fn create_system(State(state): State<AppState>, auth: Auth, form: FormPairs) -> AppResult<Response> {
    let scope = auth.scope()?;
    require_edit(&auth)?;
    let raw = RawSystem::of_form(&form);
    let page = system_page(&auth, None, raw.clone());
    let input = match raw.check() {
        Ok(input) => input,
        Err(keys) => {
            let errors = keys.iter().map(|k| page.l.tr.msg(k)).collect();
            return Ok(refused(page, StatusCode::UNPROCESSABLE_ENTITY, errors));
        }
    };
    match state.store.tenant(scope).create_system(input).await {
        Ok(s) => Ok(Redirect::to(&format!(
            "/inventory/systems/{}?notice=inv-notice-saved",
            url_encode(&s.id)
        ))
        .into_response()),
        Err(StoreError::Invalid(r)) => {
            let errors = vec![page.l.tr.refused(&r)];
            Ok(refused(page, StatusCode::UNPROCESSABLE_ENTITY, errors))
        }
        Err(e) => Err(e.into()),
    }
}

async fn update_system(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: FormPairs,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let current = ts.system(object_id(&id)?).await?;
    require_edit(&auth)?;
    let version = form_version(form.get("version"))?;
    let raw = RawSystem::of_form(&form);
    let mut page = system_page(&auth, Some(&current), raw.clone());
    page.version = version;
    let input = match raw.check() {
        Ok(input) => input,
        Err(keys) => {
            let errors = keys.iter().map(|k| page.l.tr.msg(k)).collect();
            return Ok(refused(page, StatusCode::UNPROCESSABLE_ENTITY, errors));
        }
    };
    match ts.update_system(&current.id, input, version).await {
        Ok(s) => Ok(Redirect::to(&format!(
            "/inventory/systems/{}?notice=inv-notice-saved",
            url_encode(&s.id)
        ))
        .into_response()),
        Err(StoreError::VersionConflict(c)) => {
            let now = match *c {
                ConflictWith::System(s) => *s,
                _ => ts.system(&current.id).await?,
            };
            let mut page = system_page(&auth, Some(&now), raw);
            page.stored = Some(RawSystem::of(&now.input));
            let errors = vec![page.l.tr.msg("inv-conflict")];
            Ok(refused(page, StatusCode::CONFLICT, errors))
        }
        Err(StoreError::Invalid(r)) => {
            let errors = vec![page.l.tr.refused(&r)];
            Ok(refused(page, StatusCode::UNPROCESSABLE_ENTITY, errors))
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ integration form

#[derive(Default, Clone)]
struct RawIntegration {
    from_system: String,
    to_system: String,
    both_ways: bool,
    data: String,
    protocol: String,
    frequency: String,
    source_system: String,
}

impl RawIntegration {
    fn of_form(f: &FormPairs) -> RawIntegration {
        RawIntegration {
            from_system: f.get("from_system").into(),
            to_system: f.get("to_system").into(),
            both_ways: f.flag("both_ways"),
            data: f.get("data").into(),
            protocol: f.get("protocol").into(),
            frequency: f.get("frequency").into(),
            source_system: f.get("source_system").into(),
        }
    }

    fn of(i: &Integration) -> RawIntegration {
        RawIntegration {
            from_system: i.input.from_system.clone(),
            to_system: i.input.to_system.clone(),
            both_ways: i.input.both_ways,
            data: i.input.data.clone(),
            protocol: i.input.protocol.as_str().into(),
            frequency: i.input.frequency.as_str().into(),
            source_system: i.input.source_system.clone().unwrap_or_default(),
        }
    }

    fn check(&self) -> Result<IntegrationInput, Vec<&'static str>> {
        let protocol = Protocol::parse(self.protocol.trim());
        let frequency = Frequency::parse(self.frequency.trim());
        match (protocol, frequency) {
            (Some(protocol), Some(frequency)) => Ok(IntegrationInput {
                from_system: self.from_system.clone(),
                to_system: self.to_system.clone(),
                both_ways: self.both_ways,
                data: self.data.clone(),
                protocol,
                frequency,
                source_system: Some(self.source_system.clone()),
            }),
            (p, _) => Err(vec![if p.is_none() {
                "inv-error-protocol"
            } else {
                "inv-error-frequency"
            }]),
        }
    }
}

#[derive(Template)]
#[template(path = "inventory/integration.html")]
struct IntegrationPage {
    l: Layout,
    id: Option<String>,
    version: i64,
    f: RawIntegration,
    errors: Vec<String>,
    systems: Vec<(String, String)>,
    protocols: Vec<Opt>,
    frequencies: Vec<Opt>,
    can_edit: bool,
}

fn integration_page(auth: &Auth, systems: &[System], id: Option<&Integration>, f: RawIntegration) -> IntegrationPage {
    let l = Layout::for_user(auth);
    let tr = l.tr;
    IntegrationPage {
        systems: systems.iter().map(|s| (s.id.clone(), s.input.name.clone())).collect(),
        protocols: options(
            Protocol::ALL,
            Protocol::as_str,
            |p| word(&tr, "protocol", p.as_str()),
            &f.protocol,
        ),
        frequencies: options(
            Frequency::ALL,
            Frequency::as_str,
            |p| word(&tr, "frequency", p.as_str()),
            &f.frequency,
        ),
        id: id.map(|i| i.id.clone()),
        version: id.map_or(0, |i| i.version),
        f,
        errors: Vec::new(),
        can_edit: can_edit(auth),
        l,
    }
}

async fn new_integration(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let scope = auth.scope()?;
    require_edit(&auth)?;
    let systems = state.store.tenant(scope).systems().await?;
    let f = RawIntegration {
        protocol: Protocol::Hl7v2.as_str().into(),
        frequency: Frequency::RealTime.as_str().into(),
        ..RawIntegration::default()
    };
    Ok(render(&integration_page(&auth, &systems, None, f)))
}

async fn edit_integration(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let i = ts.integration(object_id(&id)?).await?;
    let systems = ts.systems().await?;
    Ok(render(&integration_page(
        &auth,
        &systems,
        Some(&i),
        RawIntegration::of(&i),
    )))
}

async fn save_integration(
    state: &AppState,
    auth: &Auth,
    current: Option<&Integration>,
    form: &FormPairs,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    require_edit(auth)?;
    let ts = state.store.tenant(scope);
    let systems = ts.systems().await?;
    let raw = RawIntegration::of_form(form);
    let mut page = integration_page(auth, &systems, current, raw.clone());
    let input = match raw.check() {
        Ok(input) => input,
        Err(keys) => {
            page.errors = keys.iter().map(|k| page.l.tr.msg(k)).collect();
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let saved = match current {
        None => ts.create_integration(input).await,
        Some(c) => {
            let version = form_version(form.get("version"))?;
            page.version = version;
            ts.update_integration(&c.id, input, version).await
        }
    };
    match saved {
        Ok(_) => Ok(Redirect::to("/inventory?notice=inv-notice-saved").into_response()),
        Err(StoreError::VersionConflict(_)) => {
            page.errors = vec![page.l.tr.msg("inv-conflict")];
            Ok(render_status(StatusCode::CONFLICT, &page))
        }
        Err(StoreError::Invalid(r)) => {
            page.errors = vec![page.l.tr.refused(&r)];
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

async fn create_integration(State(state): State<AppState>, auth: Auth, form: FormPairs) -> AppResult<Response> {
    save_integration(&state, &auth, None, &form).await
}

async fn update_integration(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: FormPairs,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let current = state.store.tenant(scope).integration(object_id(&id)?).await?;
    save_integration(&state, &auth, Some(&current), &form).await
}
