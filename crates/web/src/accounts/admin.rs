//! User administration within the selected tenant (admins only).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use etterlev_core::{Permission, Role};
use etterlev_store::Member;
use serde::Deserialize;

use crate::AppState;
use crate::kit::error::{AppError, AppResult};
use crate::kit::session::Auth;
use crate::kit::{Form, Layout, field, object_id, render, render_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(add))
        .route("/admin/users/{id}", get(edit).post(update))
        .route("/admin/users/{id}/remove", post(remove))
        .route("/admin/share-statistics", post(share_statistics))
}

#[derive(Template)]
#[template(path = "accounts/users.html")]
struct UsersPage {
    l: Layout,
    members: Vec<Member>,
    roles: Vec<(String, String)>,
    errors: Vec<String>,
    invite_link: Option<String>,
    /// The tenant takes part in the secretariat's sector statistics.
    shares_statistics: bool,
}

fn role_options(l: &Layout) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), l.tr.msg(&format!("role-{}", r.as_str()))))
        .collect()
}

fn require_admin(auth: &Auth) -> AppResult<()> {
    if auth.scope()?.allows(Permission::ManageMembers) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(Deserialize)]
struct Notice {
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    auth: &Auth,
    errors: Vec<String>,
    invite_link: Option<String>,
    notice: Option<&str>,
) -> AppResult<UsersPage> {
    let scope = auth.scope()?;
    let members = state.store.tenant(scope).members().await?;
    let shares_statistics = state.store.share_statistics(scope.tenant_id()).await?;
    let mut l = Layout::for_user(auth);
    if let Some(n) = notice.filter(|n| matches!(*n, "member-updated" | "member-removed" | "sharing-saved")) {
        l = l.with_notice(&format!("notice-{n}"));
    }
    Ok(UsersPage {
        roles: role_options(&l),
        l,
        members,
        errors,
        invite_link,
        shares_statistics,
    })
}

#[derive(Deserialize)]
struct ShareForm {
    #[serde(default)]
    share: String,
}

/// The tenant admin opts the enterprise in to (or out of) the sector
/// statistics; audited in the tenant's chain.
async fn share_statistics(State(state): State<AppState>, auth: Auth, Form(f): Form<ShareForm>) -> AppResult<Response> {
    require_admin(&auth)?;
    let scope = auth.scope()?;
    let actor = etterlev_store::Actor::user(&auth.user);
    state
        .store
        .set_share_statistics(&actor, scope.tenant_id(), f.share == "yes")
        .await?;
    Ok(Redirect::to("/admin/users?notice=sharing-saved").into_response())
}

async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<Notice>) -> AppResult<Response> {
    require_admin(&auth)?;
    Ok(render(
        &page(&state, &auth, Vec::new(), None, q.notice.as_deref()).await?,
    ))
}

#[derive(Deserialize)]
struct AddForm {
    email: String,
    display_name: String,
    role: String,
}

async fn add(State(state): State<AppState>, auth: Auth, Form(f): Form<AddForm>) -> AppResult<Response> {
    require_admin(&auth)?;
    let tr = auth.ctx.tr;
    let mut errors = Vec::new();
    let email = etterlev_core::text::email(&f.email)
        .map_err(|_| errors.push(tr.msg("error-email")))
        .ok();
    let name = field(&tr, "field-display-name", &f.display_name, 200)
        .map_err(|e| errors.push(e))
        .ok();
    let role = Role::parse(&f.role).or_else(|| {
        errors.push(tr.msg("error-role"));
        None
    });
    let (Some(email), Some(name), Some(role)) = (email, name, role) else {
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&state, &auth, errors, None, None).await?,
        ));
    };
    let scope = auth.scope()?;
    let (_, created) = match state.store.tenant(scope).add_member(&email, &name, role).await {
        Ok(v) => v,
        Err(etterlev_store::StoreError::Conflict(_)) => {
            let errors = vec![tr.msg("error-already-member")];
            return Ok(render_status(
                StatusCode::CONFLICT,
                &page(&state, &auth, errors, None, None).await?,
            ));
        }
        Err(e) => return Err(e.into()),
    };
    // A new account has no password: hand the admin a one-time link to pass on.
    let invite = match created {
        Some(user) => Some(crate::invite_link(&state, &user.id).await?),
        None => None,
    };
    Ok(render(&page(&state, &auth, Vec::new(), invite, None).await?))
}

#[derive(Template)]
#[template(path = "accounts/user_edit.html")]
struct EditPage {
    l: Layout,
    member: Member,
    roles: Vec<(String, String)>,
}

async fn edit(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    require_admin(&auth)?;
    let member = state.store.tenant(auth.scope()?).member(object_id(&id)?).await?;
    let l = Layout::for_user(&auth);
    Ok(render(&EditPage {
        roles: role_options(&l),
        l,
        member,
    }))
}

#[derive(Deserialize)]
struct RoleForm {
    role: String,
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<RoleForm>,
) -> AppResult<Response> {
    require_admin(&auth)?;
    let role = Role::parse(&f.role).ok_or_else(|| AppError::BadRequest(auth.ctx.tr.msg("error-role")))?;
    state
        .store
        .tenant(auth.scope()?)
        .set_member_role(object_id(&id)?, role)
        .await?;
    Ok(Redirect::to("/admin/users?notice=member-updated").into_response())
}

async fn remove(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    require_admin(&auth)?;
    state.store.tenant(auth.scope()?).remove_member(object_id(&id)?).await?;
    Ok(Redirect::to("/admin/users?notice=member-removed").into_response())
}
