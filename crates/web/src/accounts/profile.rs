//! The enterprise profile: kind and size (from the tenant) and the
//! conditions that hold for it (stored with the tenant). The one profile
//! that decides what applies in the catalogue filter, new assessments and
//! the wizard (`enterprise_profile` → `Profile::for_enterprise`).

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use etterlev_catalog::Profile;
use etterlev_catalog::applies::nis2_covered;
use etterlev_core::{Condition, Permission};

use crate::AppState;
use crate::kit::error::{AppError, AppResult};
use crate::kit::session::Auth;
use crate::kit::{Form, Layout, can_edit, query_param, render};

pub fn router() -> Router<AppState> {
    Router::new().route("/enterprise/profile", get(show).post(save))
}

/// The selected enterprise's profile, as every view must use it; `None`
/// without a selected enterprise. The flag says whether the conditions
/// were ever stored (without them only kind, size and what follows from
/// them count).
pub async fn enterprise_profile(state: &AppState, auth: &Auth) -> AppResult<Option<(Profile, bool)>> {
    let Some(scope) = auth.scope.as_ref() else {
        return Ok(None);
    };
    let Some(tenant) = auth
        .memberships
        .iter()
        .find(|m| m.tenant.id == scope.tenant_id())
        .map(|m| &m.tenant)
    else {
        return Ok(None);
    };
    let stored = state.store.tenant(scope).conditions().await?;
    let is_stored = stored.is_some();
    Ok(Some((
        Profile::for_enterprise(tenant.kind, tenant.size_class, stored.unwrap_or_default()),
        is_stored,
    )))
}

struct ConditionBox {
    value: &'static str,
    label: String,
    checked: bool,
    /// Follows from kind and size; ticking or not changes nothing.
    derived: bool,
}

#[derive(Template)]
#[template(path = "accounts/enterprise_profile.html")]
struct ProfilePage {
    l: Layout,
    name: String,
    kind: String,
    size: String,
    stored: bool,
    nis2_derived: bool,
    nis2: bool,
    essential: bool,
    conditions: Vec<ConditionBox>,
    can_edit: bool,
}

async fn show(State(state): State<AppState>, auth: Auth, RawQuery(query): RawQuery) -> AppResult<Response> {
    let scope = auth.scope()?;
    if !scope.allows(Permission::Read) {
        return Err(AppError::Forbidden);
    }
    let (profile, stored) = enterprise_profile(&state, &auth).await?.ok_or(AppError::NotFound)?;
    let stated = state.store.tenant(scope).conditions().await?.unwrap_or_default();
    let mut l = Layout::for_user(&auth);
    if query_param(query.as_deref(), "notice").as_deref() == Some("saved") {
        l = l.with_notice("profile-saved");
    }
    let tr = l.tr;
    let nis2_derived = nis2_covered(profile.kind, profile.size);
    Ok(render(&ProfilePage {
        name: crate::kit::tenant_name(&auth),
        kind: tr.kind_name(profile.kind),
        size: tr.size_name(profile.size),
        stored,
        nis2_derived,
        nis2: profile.conditions.contains(&Condition::Nis2Entity),
        essential: profile.conditions.contains(&Condition::EssentialServiceProvider),
        conditions: Condition::ALL
            .iter()
            .map(|c| ConditionBox {
                value: c.as_str(),
                label: tr.condition_name(*c),
                checked: stated.contains(c) || (*c == Condition::Nis2Entity && nis2_derived),
                derived: *c == Condition::Nis2Entity && nis2_derived,
            })
            .collect(),
        can_edit: can_edit(&auth),
        l,
    }))
}

async fn save(
    State(state): State<AppState>,
    auth: Auth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    if !can_edit(&auth) {
        return Err(AppError::Forbidden);
    }
    let mut conditions = Vec::new();
    for (k, v) in &pairs {
        if k == "cond" {
            let c = Condition::parse(v)
                .ok_or_else(|| AppError::BadRequest(auth.ctx.tr.msg("assessment-error-condition")))?;
            conditions.push(c);
        }
    }
    state.store.tenant(scope).set_conditions(&conditions).await?;
    Ok(Redirect::to("/enterprise/profile?notice=saved").into_response())
}
