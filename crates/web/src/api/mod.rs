//! The REST API under `/api/v1`, described by the OpenAPI document at
//! `/api/v1/openapi.json`.
//!
//! Authentication is by personal API token only (`Authorization: Bearer
//! etl_pat_…`); cookies are never accepted here, which is why this subtree
//! needs no CSRF protection. Objects of tenants the token's user does not
//! belong to answer 404, exactly like objects that do not exist.

use axum::Json;
use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::{StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use etterlev_core::Role;
use etterlev_store::{Member, Membership, StoreError, Tenant, TenantScope, User, now_ms};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use utoipa::{OpenApi, ToSchema};

use crate::AppState;

pub mod actions;
pub mod assessment;
pub mod catalog;
pub mod contract;
pub mod secretariat;
pub mod testdata;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
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
        .route("/catalogs", get(catalog::catalogs))
        .route("/catalogs/search", get(catalog::search))
        .route("/catalogs/diff", get(catalog::diff))
        .route("/catalogs/{key}", get(catalog::catalog))
        .route("/catalogs/{key}/requirements", get(catalog::requirements))
        .route("/catalogs/{key}/export", get(catalog::export))
        .route("/mappings/{id}", get(catalog::mapping))
        .route("/assessments", get(assessment::list).post(assessment::create))
        .route("/assessments/{id}", get(assessment::get_one))
        .route("/assessments/{id}/answers", get(assessment::answers))
        .route("/assessments/{id}/answers/{node_id}", assessment::answer_route())
        .route("/actions", get(actions::list).post(actions::create))
        .route("/actions/bulk", post(actions::bulk_update))
        .route("/actions/{id}", get(actions::get_one).put(actions::update))
        .route("/test-projects", get(testdata::list).post(testdata::create))
        .route("/test-projects/{id}", get(testdata::get_one))
        .route("/test-projects/{id}/checks", axum::routing::put(testdata::save_checks))
        .route("/test-projects/{id}/decision", axum::routing::post(testdata::decide))
        .route(
            "/secretariat/documents",
            get(secretariat::documents).post(secretariat::create_document),
        )
        .route(
            "/secretariat/documents/{id}",
            get(secretariat::document).put(secretariat::update_document),
        )
        .route(
            "/secretariat/documents/{id}/consultations",
            get(secretariat::consultations).post(secretariat::create_consultation),
        )
        .route(
            "/secretariat/documents/{id}/consultations/{consultation_id}/comments",
            axum::routing::post(secretariat::add_consultation_comment),
        )
        .route(
            "/secretariat/plan",
            get(secretariat::plan).post(secretariat::create_plan_item),
        )
        .route(
            "/secretariat/plan/{id}/status",
            axum::routing::put(secretariat::set_plan_status),
        )
        .route(
            "/secretariat/followups/{id}/status",
            axum::routing::put(secretariat::set_followup_status),
        )
        .route(
            "/secretariat/organisations",
            get(secretariat::organisations).post(secretariat::create_organisation),
        )
        .route(
            "/secretariat/seats",
            get(secretariat::seats).post(secretariat::create_seat),
        )
        .route("/secretariat/seats/{id}/end", axum::routing::put(secretariat::end_seat))
        .route(
            "/secretariat/meetings",
            get(secretariat::meetings).post(secretariat::create_meeting),
        )
        .route(
            "/secretariat/meetings/{id}",
            get(secretariat::meeting).put(secretariat::update_meeting),
        )
        .route(
            "/secretariat/meetings/{id}/attendance",
            axum::routing::put(secretariat::set_attendance),
        )
        .route(
            "/secretariat/meetings/{id}/cases",
            axum::routing::post(secretariat::add_case),
        )
        .route(
            "/secretariat/meetings/{id}/cases/{case_id}",
            axum::routing::put(secretariat::update_case),
        )
        .route(
            "/secretariat/meetings/{id}/cases/{case_id}/comments",
            axum::routing::post(secretariat::add_comment),
        )
        .route(
            "/secretariat/meetings/{id}/cases/{case_id}/decision",
            axum::routing::post(secretariat::decide),
        )
        .route(
            "/secretariat/meetings/{id}/minutes.docx",
            get(secretariat::minutes_docx),
        )
        .route("/secretariat/statistics", get(secretariat::statistics))
        .route("/secretariat/statistics/k", axum::routing::put(secretariat::set_k))
        .fallback(|| async { ApiError::NotFound })
        .layer(axum::middleware::map_response(json_errors))
}

/// Errors made outside the handlers (an unreadable path parameter, a method
/// the path does not have) in the one JSON error shape too.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let code = match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        s if s.is_server_error() => "internal",
        _ => "error",
    };
    let message = status.canonical_reason().unwrap_or("error").to_owned();
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut out = (status, Json(ErrorBody::new(code, message))).into_response();
    if let Some(allow) = allow {
        out.headers_mut().insert(header::ALLOW, allow);
    }
    out
}

// ------------------------------------------------------------------ errors

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("missing or invalid API token")]
    Unauthorized,
    #[error("your role does not allow this")]
    Forbidden,
    /// The request is malformed: a body that is not JSON or not of the
    /// documented shape, or query parameters that cannot be read.
    #[error("{0}")]
    BadRequest(String),
    /// Well-formed, but a value is refused.
    #[error("{0}")]
    Unprocessable(String),
    /// Well-formed, but these fields are refused.
    #[error("{}", join_fields(.0))]
    Fields(Vec<FieldErrorDto>),
    /// The test-data checklist does not support the decision.
    #[error("{0}")]
    ChecklistIncomplete(String, Vec<testdata::MissingDto>),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("the request body is too large")]
    TooLarge,
    #[error("internal error")]
    Internal(String),
}

fn join_fields(fields: &[FieldErrorDto]) -> String {
    fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; ")
}

impl ApiError {
    /// One refused field.
    pub(crate) fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Fields(vec![FieldErrorDto {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    /// The refused fields of a checked form or body.
    pub(crate) fn fields(errors: Vec<crate::pages::actions::FieldError>) -> ApiError {
        ApiError::Fields(
            errors
                .into_iter()
                .map(|e| FieldErrorDto {
                    field: e.field.to_owned(),
                    message: e.english,
                })
                .collect(),
        )
    }
}

/// The body of every error response.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable machine-readable code.
    #[schema(example = "not_found")]
    pub error: String,
    /// A human-readable explanation (English).
    pub message: String,
    /// With `invalid`: the refused fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldErrorDto>>,
    /// With `checklist_incomplete`: what stands in the way of the decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<testdata::MissingDto>>,
}

impl ErrorBody {
    pub(crate) fn new(error: &str, message: String) -> ErrorBody {
        ErrorBody {
            error: error.to_owned(),
            message,
            fields: None,
            missing: None,
        }
    }
}

/// One refused field of a request body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldErrorDto {
    /// The field's name in the request body.
    #[schema(example = "title")]
    pub field: String,
    /// What is wrong with it (English).
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unprocessable(_) | ApiError::Fields(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ApiError::ChecklistIncomplete(..) => (StatusCode::UNPROCESSABLE_ENTITY, "checklist_incomplete"),
            ApiError::UnsupportedMediaType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::Internal(e) => {
                tracing::error!(error = %e, "API internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        };
        let mut body = ErrorBody::new(code, self.to_string());
        match self {
            ApiError::Fields(f) => body.fields = Some(f),
            ApiError::ChecklistIncomplete(_, m) => body.missing = Some(m),
            _ => {}
        }
        let body = Json(body);
        if status == StatusCode::UNAUTHORIZED {
            return (status, [(header::WWW_AUTHENTICATE, "Bearer realm=\"etterlev\"")], body).into_response();
        }
        (status, body).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Forbidden => ApiError::Forbidden,
            StoreError::Conflict(c) => ApiError::Conflict(c),
            StoreError::VersionConflict(_) => {
                ApiError::Conflict("someone else saved a change in the meantime (stale version)".into())
            }
            e @ (StoreError::CatalogChanged { .. } | StoreError::MappingChanged { .. }) => {
                ApiError::Conflict(e.to_string())
            }
            StoreError::Invalid(m) => ApiError::Unprocessable(m),
            e @ StoreError::NotPresent { .. } => ApiError::Unprocessable(e.to_string()),
            e @ StoreError::ChecklistIncomplete(_) => ApiError::Unprocessable(e.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

// ------------------------------------------------------------------ extractors

/// The user behind a valid bearer token.
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(ApiError::Unauthorized)?;
        let token = value.strip_prefix("Bearer ").ok_or(ApiError::Unauthorized)?.trim();
        if token.is_empty() || token.len() > 200 {
            return Err(ApiError::Unauthorized);
        }
        let user = state
            .store
            .api_token_user(&etterlev_auth::hash_token(token), now_ms())
            .await?;
        user.map(ApiUser).ok_or(ApiError::Unauthorized)
    }
}

/// A secretariat user behind a valid bearer token; anyone else is 404, like
/// the pages. A path extractor, so it runs before the body is read: a caller
/// who may not use the secretariat learns nothing from how a body is judged.
pub struct SecretariatUser(pub User);

impl FromRequestParts<AppState> for SecretariatUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ApiUser(user) = ApiUser::from_request_parts(parts, state).await?;
        state.store.secretariat(&user).map_err(|_| ApiError::NotFound)?;
        Ok(SecretariatUser(user))
    }
}

/// `Json<T>` whose rejections are JSON errors with the documented status:
/// no JSON content type is 415; a body that is not JSON, or not of the
/// shape `T` describes (a missing field, a wrong type, an unknown field),
/// is 400; a value outside the limits the document gives for `T`
/// ([`contract::all`]) is 422 with the fields. Everything else about the
/// values is the handler's to check, and its refusals are 422 too.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + ToSchema, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(v)) => v,
            Err(JsonRejection::MissingJsonContentType(_)) => {
                return Err(ApiError::UnsupportedMediaType(
                    "expected Content-Type: application/json".into(),
                ));
            }
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(ApiError::TooLarge),
            Err(e) => return Err(ApiError::BadRequest(e.body_text())),
        };
        let value = integral_floats_as_integers(value);
        let body = T::deserialize(&value)
            .map_err(|e| ApiError::BadRequest(format!("the body does not have the documented shape: {e}")))?;
        let refused = contract::check(&T::name(), &value);
        if refused.is_empty() {
            Ok(ApiJson(body))
        } else {
            Err(ApiError::Fields(refused))
        }
    }
}

/// JSON Schema counts `3.0` as an integer; serde does not. Whole numbers
/// written with a fraction become integers before the body is read.
fn integral_floats_as_integers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(integral_floats_as_integers).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, integral_floats_as_integers(v)))
                .collect(),
        ),
        other => other,
    }
}

/// `Query<T>` whose rejection is a JSON 400.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

async fn scope_of(state: &AppState, user: &User, tenant_id: &str) -> ApiResult<TenantScope> {
    Ok(state.store.scope(user, id(tenant_id)?).await?)
}

/// Ids are UUIDs; anything else names no object.
/// The scopes of every tenant the user belongs to, or only `tenant_id`'s
/// (for endpoints that work across the user's tenants).
async fn scopes(state: &AppState, user: &User, tenant_id: Option<&str>) -> ApiResult<Vec<TenantScope>> {
    if let Some(t) = tenant_id {
        return Ok(vec![state.store.scope(user, id(t)?).await?]);
    }
    let mut out = Vec::new();
    for m in state.store.memberships_of(&user.id).await? {
        out.push(state.store.scope(user, &m.tenant.id).await?);
    }
    Ok(out)
}

/// The tenant a new object goes to: the one named, or the caller's only
/// tenant. Someone in several tenants must name one.
async fn create_scope(state: &AppState, user: &User, tenant_id: Option<&str>) -> ApiResult<TenantScope> {
    if let Some(t) = tenant_id {
        return Ok(state.store.scope(user, id(t)?).await?);
    }
    let memberships = state.store.memberships_of(&user.id).await?;
    match memberships.as_slice() {
        [only] => Ok(state.store.scope(user, &only.tenant.id).await?),
        [] => Err(ApiError::NotFound),
        _ => Err(ApiError::field(
            "tenant_id",
            "tenant_id is required: you belong to more than one tenant",
        )),
    }
}

fn id(raw: &str) -> ApiResult<&str> {
    if crate::is_object_id(raw) {
        Ok(raw)
    } else {
        Err(ApiError::NotFound)
    }
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

// ------------------------------------------------------------------ OpenAPI

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("Personal API token (etl_pat_…), made under My account"))
                    .build(),
            ),
        );
        openapi.security = Some(vec![SecurityRequirement::new("token", Vec::<String>::new())]);
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "etterlev API", version = "1", description = "REST API of etterlev. All paths are relative to /api/v1."),
    servers((url = "/api/v1")),
    paths(me, tenants, tenant, members, member, add_member, update_member, remove_member, audit, audit_entry,
        catalog::catalogs, catalog::catalog, catalog::requirements, catalog::export, catalog::search, catalog::diff, catalog::mapping),
    components(schemas(ErrorBody, FieldErrorDto, testdata::MissingDto, TenantDto, MembershipDto, MeDto, MemberDto, NewMemberDto, AddedMemberDto, RoleDto, AuditEntryDto,
        catalog::TextDto, catalog::OrigTextDto, catalog::CatalogSummaryDto, catalog::RequirementDto, catalog::ReasonDto, catalog::ExcludedDto,
        catalog::ProfileDto, catalog::ApplicabilityDto, catalog::HitDto, crate::search::SnippetPart)),
    modifiers(&BearerAuth),
    tags((name = "accounts", description = "Tenants, members and the signed-in user"), (name = "audit", description = "The hash-chained audit log"),
        (name = "catalogs", description = "Requirement catalogues (global reference data): versions, applicability, search, diffs and mappings"))
)]
pub struct ApiDoc;

/// The whole OpenAPI document: every part merged, the shared error
/// responses added and the limits the handlers enforce written in.
pub fn document() -> utoipa::openapi::OpenApi {
    use utoipa::Modify;
    let mut doc = ApiDoc::openapi();
    doc.merge(assessment::AssessmentsDoc::openapi());
    doc.merge(actions::ActionsDoc::openapi());
    doc.merge(testdata::TestDataDoc::openapi());
    doc.merge(secretariat::SecretariatDoc::openapi());
    contract::CommonResponses.modify(&mut doc);
    contract::apply(&mut doc, contract::all());
    doc
}

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

async fn openapi() -> Response {
    static JSON: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    match JSON.get_or_init(|| document().to_json().map_err(|e| e.to_string())) {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json.clone()).into_response(),
        Err(e) => ApiError::Internal(e.clone()).into_response(),
    }
}
