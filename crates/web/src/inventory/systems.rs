//! The form of one information system (`/inventory/systems/…`): what it
//! is, who owns it, what it holds and its protection need, with the
//! enterprise's own level texts.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etterlev_core::inventory::{Criticality, DataCategory, Hosting, Level, MdrClass, ProtectionNeed};
use etterlev_store::{ConflictWith, LevelText, StoreError, System, SystemInput};

use super::levels::level_words;
use super::pages::{Opt, options, require_edit, with_saved_notice, word};
use crate::AppState;
use crate::kit::error::{AppResult, url_encode};
use crate::kit::session::Auth;
use crate::kit::{FormPairs, Layout, can_edit, form_version, object_id, render, render_status};

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
    /// Confidentiality, integrity and availability.
    need_fields: Vec<NeedField>,
    can_edit: bool,
    /// Dimensions classified below what the data and criticality suggest.
    low: Vec<String>,
}

/// (field name, label, value, the four levels' texts) of one dimension.
type NeedField = (&'static str, String, String, Vec<(u8, String)>);

fn system_page(auth: &Auth, texts: &[LevelText], id: Option<&System>, f: RawSystem) -> SystemPage {
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
        need_fields: ["confidentiality", "integrity", "availability"]
            .into_iter()
            .zip([&f.confidentiality, &f.integrity, &f.availability])
            .map(|(d, v)| {
                (
                    d,
                    tr.msg(&format!("inv-field-{d}")),
                    v.clone(),
                    level_words(&tr, texts, d),
                )
            })
            .collect(),
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

pub(super) async fn new_system(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let scope = auth.scope()?;
    require_edit(&auth)?;
    let texts = state.store.tenant(scope).level_texts().await?;
    Ok(render(&system_page(&auth, &texts, None, blank_system())))
}

pub(super) async fn edit_system(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let s = ts.system(object_id(&id)?).await?;
    let texts = ts.level_texts().await?;
    let mut page = system_page(&auth, &texts, Some(&s), RawSystem::of(&s.input));
    page.l = with_saved_notice(page.l, q.as_deref());
    Ok(render(&page))
}

/// A refused save: the page again with the user's input and why.
fn refused(mut page: SystemPage, status: StatusCode, errors: Vec<String>) -> Response {
    page.errors = errors;
    render_status(status, &page)
}

pub(super) async fn create_system(State(state): State<AppState>, auth: Auth, form: FormPairs) -> AppResult<Response> {
    let scope = auth.scope()?;
    require_edit(&auth)?;
    let raw = RawSystem::of_form(&form);
    let texts = state.store.tenant(scope).level_texts().await?;
    let page = system_page(&auth, &texts, None, raw.clone());
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

pub(super) async fn update_system(
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
    let texts = ts.level_texts().await?;
    let mut page = system_page(&auth, &texts, Some(&current), raw.clone());
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
            let mut page = system_page(&auth, &texts, Some(&now), raw);
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
