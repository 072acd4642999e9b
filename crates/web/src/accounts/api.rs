//! The accounts part of the API: the signed-in user, tenants, members and
//! the audit log.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use etterlev_core::Role;
use etterlev_store::{Member, Membership, Tenant};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::kit::api::{ApiError, ApiJson, ApiQuery, ApiResult, ApiUser, ErrorBody, id, scope_of};
use crate::kit::contract;
use axum::response::{IntoResponse, Response};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/tenants", get(tenants))
        .route("/tenants/{tenant_id}", get(tenant))
        .route("/tenants/{tenant_id}/members", get(members).post(add_member))
        .route(
            "/tenants/{tenant_id}/members/{user_id}",
            get(member).patch(update_member).delete(remove_member),
        )
        .route("/tenants/{tenant_id}/audit", get(audit))
        .route("/tenants/{tenant_id}/audit/{seq}", get(audit_entry))
}

// ------------------------------------------------------------------ DTOs

#[derive(Serialize, ToSchema)]
pub struct TenantDto {
    pub id: String,
    pub name: String,
    #[schema(example = "974760673")]
    pub org_number: String,
    #[schema(example = "gp_office")]
    pub kind: String,
    #[schema(example = "micro")]
    pub size_class: String,
}

impl From<&Tenant> for TenantDto {
    fn from(t: &Tenant) -> Self {
        TenantDto {
            id: t.id.clone(),
            name: t.name.clone(),
            org_number: t.org_number.clone(),
            kind: t.kind.as_str().into(),
            size_class: t.size_class.as_str().into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MembershipDto {
    pub tenant: TenantDto,
    #[schema(example = "admin")]
    pub role: String,
}

impl From<&Membership> for MembershipDto {
    fn from(m: &Membership) -> Self {
        MembershipDto {
            tenant: (&m.tenant).into(),
            role: m.role.as_str().into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MeDto {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub totp_enabled: bool,
    pub memberships: Vec<MembershipDto>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberDto {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    #[schema(example = "editor")]
    pub role: String,
    pub totp_enabled: bool,
    /// Milliseconds since the Unix epoch.
    pub member_since: i64,
}

impl From<&Member> for MemberDto {
    fn from(m: &Member) -> Self {
        MemberDto {
            user_id: m.user_id.clone(),
            email: m.email.clone(),
            display_name: m.display_name.clone(),
            role: m.role.as_str().into(),
            totp_enabled: m.has_totp,
            member_since: m.since,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMemberDto {
    pub email: String,
    pub display_name: String,
    /// One of admin, editor, reader, auditor.
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct AddedMemberDto {
    pub member: MemberDto,
    /// A one-time link for a newly created account to choose a password.
    pub setup_link: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleDto {
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub seq: i64,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// The object before the change, as JSON text.
    pub before: Option<String>,
    /// The object after the change, as JSON text.
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl From<etterlev_core::AuditRecord> for AuditEntryDto {
    fn from(e: etterlev_core::AuditRecord) -> Self {
        AuditEntryDto {
            seq: e.seq,
            at: e.at_ms,
            actor: e.actor_label,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            before: e.before,
            after: e.after,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries with a sequence number below this.
    pub before: Option<i64>,
    /// At most this many entries (1–500, default 100).
    pub limit: Option<i64>,
}

// ------------------------------------------------------------------ handlers

/// The token's user and their tenants.
#[utoipa::path(get, path = "/me", tag = "accounts", responses(
    (status = 200, body = MeDto), (status = 401, body = ErrorBody)))]
async fn me(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<Json<MeDto>> {
    let memberships = state.store.memberships_of(&user.id).await?;
    Ok(Json(MeDto {
        totp_enabled: user.has_totp(),
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        memberships: memberships.iter().map(Into::into).collect(),
    }))
}

/// Tenants the user belongs to, with the user's role in each.
#[utoipa::path(get, path = "/tenants", tag = "accounts", responses(
    (status = 200, body = Vec<MembershipDto>), (status = 401, body = ErrorBody)))]
async fn tenants(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<Json<Vec<MembershipDto>>> {
    Ok(Json(
        state
            .store
            .memberships_of(&user.id)
            .await?
            .iter()
            .map(Into::into)
            .collect(),
    ))
}

/// One tenant.
#[utoipa::path(get, path = "/tenants/{tenant_id}", tag = "accounts",
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = TenantDto), (status = 404, body = ErrorBody)))]
async fn tenant(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(tenant_id): Path<String>,
) -> ApiResult<Json<TenantDto>> {
    let scope = scope_of(&state, &user, &tenant_id).await?;
    Ok(Json((&state.store.tenant(&scope).tenant().await?).into()))
}

/// Members of a tenant.
#[utoipa::path(get, path = "/tenants/{tenant_id}/members", tag = "accounts",
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = Vec<MemberDto>), (status = 404, body = ErrorBody)))]
async fn members(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(tenant_id): Path<String>,
) -> ApiResult<Json<Vec<MemberDto>>> {
    let scope = scope_of(&state, &user, &tenant_id).await?;
    Ok(Json(
        state
            .store
            .tenant(&scope)
            .members()
            .await?
            .iter()
            .map(Into::into)
            .collect(),
    ))
}

/// One member of a tenant.
#[utoipa::path(get, path = "/tenants/{tenant_id}/members/{user_id}", tag = "accounts",
    params(("tenant_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 200, body = MemberDto), (status = 404, body = ErrorBody)))]
async fn member(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((tenant_id, user_id)): Path<(String, String)>,
) -> ApiResult<Json<MemberDto>> {
    let scope = scope_of(&state, &user, &tenant_id).await?;
    Ok(Json((&state.store.tenant(&scope).member(id(&user_id)?).await?).into()))
}

fn parse_role(s: &str) -> ApiResult<Role> {
    Role::parse(s)
        .ok_or_else(|| ApiError::Unprocessable(format!("unknown role {s:?}: use admin, editor, reader or auditor")))
}

/// Adds a member (admins). Creates the account if the e-mail address is new.
#[utoipa::path(post, path = "/tenants/{tenant_id}/members", tag = "accounts",
    params(("tenant_id" = String, Path)), request_body = NewMemberDto,
    responses((status = 201, body = AddedMemberDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_member(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(tenant_id): Path<String>,
    ApiJson(body): ApiJson<NewMemberDto>,
) -> ApiResult<Response> {
    let scope = scope_of(&state, &user, &tenant_id).await?;
    let email = etterlev_core::text::email(&body.email).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    let name = etterlev_core::text::one_line("display_name", &body.display_name, DISPLAY_NAME_MAX)
        .map_err(|e| ApiError::Unprocessable(e.to_string()))?;
    let role = parse_role(&body.role)?;
    let (m, created) = state.store.tenant(&scope).add_member(&email, &name, role).await?;
    let setup_link = match created {
        Some(u) => Some(crate::invite_link(&state, &u.id).await?),
        None => None,
    };
    Ok((
        StatusCode::CREATED,
        Json(AddedMemberDto {
            member: (&m).into(),
            setup_link,
        }),
    )
        .into_response())
}

/// Changes a member's role (admins).
#[utoipa::path(patch, path = "/tenants/{tenant_id}/members/{user_id}", tag = "accounts",
    params(("tenant_id" = String, Path), ("user_id" = String, Path)), request_body = RoleDto,
    responses((status = 200, body = MemberDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_member(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((tenant_id, user_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<RoleDto>,
) -> ApiResult<Json<MemberDto>> {
    let scope = scope_of(&state, &user, &tenant_id).await?;
    let role = parse_role(&body.role)?;
    Ok(Json(
        (&state.store.tenant(&scope).set_member_role(&user_id, role).await?).into(),
    ))
}

/// Removes a member from the tenant (admins). The account itself remains.
#[utoipa::path(delete, path = "/tenants/{tenant_id}/members/{user_id}", tag = "accounts",
    params(("tenant_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn remove_member(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((tenant_id, user_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let scope = scope_of(&state, &user, &tenant_id).await?;
    state.store.tenant(&scope).remove_member(id(&user_id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The tenant's audit log, newest first (admins and auditors).
#[utoipa::path(get, path = "/tenants/{tenant_id}/audit", tag = "audit",
    params(("tenant_id" = String, Path), AuditQuery),
    responses((status = 200, body = Vec<AuditEntryDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn audit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(tenant_id): Path<String>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntryDto>>> {
    let scope = scope_of(&state, &user, &tenant_id).await?;
    let page = state
        .store
        .tenant(&scope)
        .audit_page(q.before.unwrap_or(i64::MAX), q.limit.unwrap_or(100))
        .await?;
    Ok(Json(page.into_iter().map(Into::into).collect()))
}

/// One audit entry.
#[utoipa::path(get, path = "/tenants/{tenant_id}/audit/{seq}", tag = "audit",
    params(("tenant_id" = String, Path), ("seq" = i64, Path)),
    responses((status = 200, body = AuditEntryDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn audit_entry(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((tenant_id, seq)): Path<(String, String)>,
) -> ApiResult<Json<AuditEntryDto>> {
    let scope = scope_of(&state, &user, &tenant_id).await?;
    let seq: i64 = seq.parse().map_err(|_| ApiError::NotFound)?;
    Ok(Json(state.store.tenant(&scope).audit_entry(seq).await?.into()))
}

#[derive(OpenApi)]
#[openapi(
    paths(me, tenants, tenant, members, member, add_member, update_member, remove_member, audit, audit_entry),
    components(schemas(TenantDto, MembershipDto, MeDto, MemberDto, NewMemberDto, AddedMemberDto, RoleDto, AuditEntryDto)),
    tags((name = "accounts", description = "Tenants, members and the signed-in user"), (name = "audit", description = "The hash-chained audit log"))
)]
pub struct AccountsDoc;

/// The limits of this module's bodies.
pub(crate) fn limits() -> Vec<(&'static str, &'static str, contract::Limit)> {
    use contract::Limit::*;
    let roles = || contract::one_of(Role::ALL, Role::as_str);
    vec![
        ("NewMemberDto", "role", roles()),
        ("RoleDto", "role", roles()),
        ("NewMemberDto", "display_name", MaxLength(DISPLAY_NAME_MAX)),
        ("NewMemberDto", "email", MaxLength(etterlev_core::text::EMAIL_MAX)),
    ]
}

/// The longest display name.
const DISPLAY_NAME_MAX: usize = 200;
