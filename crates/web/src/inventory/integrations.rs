//! The form of one integration (`/inventory/integrations/…`): which systems
//! it joins, what it carries and which system is the authoritative source.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etterlev_core::inventory::{Frequency, Protocol};
use etterlev_store::{Integration, IntegrationInput, System};

use super::pages::{Opt, options, require_edit, save_refusal, word};
use crate::AppState;
use crate::kit::error::AppResult;
use crate::kit::session::Auth;
use crate::kit::{FormPairs, Layout, can_edit, form_version, object_id, render, render_status};

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

pub(super) async fn new_integration(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
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

pub(super) async fn edit_integration(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
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
        Err(e) => {
            let (status, message) = save_refusal(&page.l.tr, e)?;
            page.errors = vec![message];
            Ok(render_status(status, &page))
        }
    }
}

pub(super) async fn create_integration(
    State(state): State<AppState>,
    auth: Auth,
    form: FormPairs,
) -> AppResult<Response> {
    save_integration(&state, &auth, None, &form).await
}

pub(super) async fn update_integration(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: FormPairs,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let current = state.store.tenant(scope).integration(object_id(&id)?).await?;
    save_integration(&state, &auth, Some(&current), &form).await
}
