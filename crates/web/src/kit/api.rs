//! What every API handler shares: the one JSON error shape, the bearer-token
//! extractors, the body and query readers that enforce the documented
//! contract, and the tenant-scope helpers.
//!
//! Authentication is by personal API token only (`Authorization: Bearer
//! etl_pat_…`); cookies are never accepted under `/api/`, which is why that
//! subtree needs no CSRF protection. Objects of tenants the token's user does
//! not belong to answer 404, exactly like objects that do not exist.

use axum::Json;
use axum::extract::Query;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use etterlev_store::{StoreError, TenantScope, User, now_ms};
use serde::{Serialize, de::DeserializeOwned};
use utoipa::ToSchema;

use crate::AppState;
use crate::kit::contract;

/// Errors made outside the handlers (an unreadable path parameter, a method
/// the path does not have) in the one JSON error shape too.
pub(crate) async fn json_errors(response: Response) -> Response {
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
    ChecklistIncomplete(String, Vec<MissingDto>),
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
    pub(crate) fn fields(errors: Vec<crate::kit::FieldError>) -> ApiError {
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
    pub missing: Option<Vec<MissingDto>>,
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
            StoreError::Invalid(r) => ApiError::Unprocessable(r.to_string()),
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
/// (`crate::api::limits`) is 422 with the fields. Everything else about the
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

pub(crate) async fn scope_of(state: &AppState, user: &User, tenant_id: &str) -> ApiResult<TenantScope> {
    Ok(state.store.scope(user, id(tenant_id)?).await?)
}

/// Ids are UUIDs; anything else names no object.
/// The scopes of every tenant the user belongs to, or only `tenant_id`'s
/// (for endpoints that work across the user's tenants).
pub(crate) async fn scopes(state: &AppState, user: &User, tenant_id: Option<&str>) -> ApiResult<Vec<TenantScope>> {
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
pub(crate) async fn create_scope(state: &AppState, user: &User, tenant_id: Option<&str>) -> ApiResult<TenantScope> {
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

pub(crate) fn id(raw: &str) -> ApiResult<&str> {
    if crate::is_object_id(raw) {
        Ok(raw)
    } else {
        Err(ApiError::NotFound)
    }
}

/// An item that stands in the way of a decision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MissingDto {
    #[schema(example = "logging")]
    pub key: String,
    /// unanswered, answered_no, answered_partly, note_required,
    /// not_relevant_not_allowed or deletion_date_missing.
    #[schema(example = "unanswered")]
    pub reason: String,
}
