//! Action-plan endpoints of the REST API: list, create, read and update
//! actions. An action belongs to one tenant; the token's user sees the
//! actions of every tenant they belong to, and an action of any other tenant
//! is 404, exactly like one that does not exist. Updates name the version
//! they read: a stale one is 409 with the action as stored now.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use etterlev_store::{Action, ConflictWith, NewAction, SelectedAction, StoreError, TenantScope, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::list::{BulkValues, bulk_error_english, check_bulk};
use super::pages::{RawAction, check, overdue};
use crate::AppState;
use crate::kit::api::{ApiError, ApiJson, ApiResult, ApiUser, create_scope, id, scopes};
use crate::kit::contract::{Limit, one_of};
use crate::kit::dates::today;

/// This area's part of `/api/v1`.
pub(crate) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/actions", get(list).post(create))
        .route("/actions/bulk", axum::routing::post(bulk_update))
        .route("/actions/{id}", get(get_one).put(update))
}

// ------------------------------------------------------------------ DTOs

#[derive(Serialize, ToSchema)]
pub struct ActionDto {
    pub id: String,
    /// The tenant the action belongs to.
    pub tenant_id: String,
    pub title: String,
    pub description: Option<String>,
    /// The assessment whose gap the action closes, if any.
    pub assessment_id: Option<String>,
    /// The catalogue version of that assessment.
    #[schema(example = "normen@6.0")]
    pub catalog_key: Option<String>,
    /// The requirement the action is for, if any.
    pub node_id: Option<String>,
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    #[schema(example = "2026-06-30")]
    pub deadline: Option<String>,
    /// patient_safety, high, medium or low.
    #[schema(example = "patient_safety")]
    pub priority: String,
    /// open, in_progress, done or cancelled.
    #[schema(example = "open")]
    pub status: String,
    /// Not closed and the deadline is before today (Norwegian time).
    pub overdue: bool,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    /// Milliseconds since the Unix epoch.
    pub updated_at: i64,
    /// Send it back with an update (optimistic locking).
    pub version: i64,
}

impl ActionDto {
    fn new(a: Action, tenant_id: &str, today: &str) -> Self {
        ActionDto {
            overdue: overdue(&a, today),
            id: a.id,
            tenant_id: tenant_id.to_owned(),
            title: a.title,
            description: a.description,
            assessment_id: a.assessment_id,
            catalog_key: a.catalog_key,
            node_id: a.node_id,
            owner: a.owner,
            deadline: a.deadline,
            priority: a.priority.as_str().into(),
            status: a.status.as_str().into(),
            created_at: a.created_at,
            updated_at: a.updated_at,
            version: a.version,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewActionDto {
    /// Required when the user belongs to more than one tenant.
    pub tenant_id: Option<String>,
    pub title: String,
    pub description: Option<String>,
    /// Required with `node_id`: the assessment whose gap this closes.
    pub assessment_id: Option<String>,
    /// A requirement of the assessment's catalogue.
    pub node_id: Option<String>,
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    pub deadline: Option<String>,
    /// patient_safety, high, medium or low (default medium).
    pub priority: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateActionDto {
    pub title: String,
    pub description: Option<String>,
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    pub deadline: Option<String>,
    /// patient_safety, high, medium or low.
    pub priority: String,
    /// open, in_progress, done or cancelled.
    pub status: String,
    /// The version the change is based on (from the last read).
    pub version: i64,
}

/// A stale update: nothing changed; this is the action as stored now.
#[derive(Serialize, ToSchema)]
pub struct ActionConflictDto {
    #[schema(example = "conflict")]
    pub error: &'static str,
    pub message: String,
    pub current: ActionDto,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionQuery {
    /// Only this tenant's actions (default: every tenant of the user).
    pub tenant_id: Option<String>,
    /// Only actions of this assessment.
    pub assessment_id: Option<String>,
    /// open (not done or cancelled), overdue, or all (default).
    #[param(pattern = "^(open|overdue|all)$")]
    pub show: Option<String>,
}

// ------------------------------------------------------------------ helpers

/// The tenant an action with this id belongs to, among the user's.
async fn find(state: &AppState, user: &User, action_id: &str) -> ApiResult<(TenantScope, Action)> {
    let action_id = id(action_id)?;
    for scope in scopes(state, user, None).await? {
        match state.store.tenant(&scope).action(action_id).await {
            Ok(a) => return Ok((scope, a)),
            Err(StoreError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::NotFound)
}

fn bad(errors: Vec<crate::kit::FieldError>) -> ApiError {
    ApiError::fields(errors)
}

// ------------------------------------------------------------------ handlers

/// Actions, by priority (patient safety first), then deadline.
#[utoipa::path(get, path = "/actions", tag = "actions", operation_id = "list_actions", params(ActionQuery),
    responses((status = 200, body = Vec<ActionDto>), (status = 400, body = crate::kit::api::ErrorBody),
        (status = 401, body = crate::kit::api::ErrorBody), (status = 404, body = crate::kit::api::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    crate::kit::api::ApiQuery(q): crate::kit::api::ApiQuery<ActionQuery>,
) -> ApiResult<Json<Vec<ActionDto>>> {
    let today = today().to_string();
    let assessment = q.assessment_id.as_deref().map(id).transpose()?;
    let keep: fn(&Action, &str) -> bool = match q.show.as_deref().unwrap_or("all") {
        "all" => |_: &Action, _: &str| true,
        "open" => |a: &Action, _: &str| !a.status.is_closed(),
        "overdue" => |a: &Action, today: &str| overdue(a, today),
        other => {
            return Err(ApiError::BadRequest(format!(
                "show must be open, overdue or all, not {other:?}"
            )));
        }
    };
    let mut out = Vec::new();
    let mut assessment_found = false;
    for scope in scopes(&state, &user, q.tenant_id.as_deref()).await? {
        let actions = match state.store.tenant(&scope).actions(assessment).await {
            // The assessment may be another of the user's tenants'.
            Err(StoreError::NotFound) if assessment.is_some() => continue,
            other => other?,
        };
        assessment_found = true;
        out.extend(
            actions
                .into_iter()
                .filter(|a| keep(a, &today))
                .map(|a| ActionDto::new(a, scope.tenant_id(), &today)),
        );
    }
    if assessment.is_some() && !assessment_found {
        return Err(ApiError::NotFound);
    }
    out.sort_by(|a, b| {
        let rank = |d: &ActionDto| etterlev_core::Priority::parse(&d.priority).map_or(9, |p| p.rank());
        (rank(a), a.deadline.is_none(), &a.deadline).cmp(&(rank(b), b.deadline.is_none(), &b.deadline))
    });
    Ok(Json(out))
}

/// Creates an action (editors and admins). A new action is open.
#[utoipa::path(post, path = "/actions", tag = "actions", operation_id = "create_action", request_body = NewActionDto,
    responses((status = 201, body = ActionDto), (status = 400, body = crate::kit::api::ErrorBody),
        (status = 403, body = crate::kit::api::ErrorBody), (status = 404, body = crate::kit::api::ErrorBody),
        (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<NewActionDto>,
) -> ApiResult<Response> {
    let scope = create_scope(&state, &user, body.tenant_id.as_deref()).await?;
    let input = check(&RawAction {
        title: body.title,
        description: body.description.unwrap_or_default(),
        owner: body.owner.unwrap_or_default(),
        deadline: body.deadline.unwrap_or_default(),
        priority: body.priority.unwrap_or_else(|| "medium".into()),
        status: String::new(),
    })
    .map_err(bad)?;
    let assessment_id = body.assessment_id.as_deref().map(id).transpose()?.map(str::to_owned);
    if body.node_id.is_some() && assessment_id.is_none() {
        return Err(ApiError::field(
            "assessment_id",
            "an action for a requirement (node_id) needs its assessment_id",
        ));
    }
    let action = state
        .store
        .tenant(&scope)
        .create_action(NewAction {
            title: input.title,
            description: input.description,
            assessment_id,
            node_id: body.node_id,
            owner: input.owner,
            deadline: input.deadline,
            priority: input.priority,
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ActionDto::new(action, scope.tenant_id(), &today().to_string())),
    )
        .into_response())
}

/// One action.
#[utoipa::path(get, path = "/actions/{id}", tag = "actions", operation_id = "get_action", params(("id" = String, Path)),
    responses((status = 200, body = ActionDto), (status = 401, body = crate::kit::api::ErrorBody), (status = 404, body = crate::kit::api::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(action_id): Path<String>,
) -> ApiResult<Json<ActionDto>> {
    let (scope, a) = find(&state, &user, &action_id).await?;
    Ok(Json(ActionDto::new(a, scope.tenant_id(), &today().to_string())))
}

/// Replaces an action's fields (editors and admins). `version` must be the
/// stored one; otherwise nothing changes and the answer is 409 with the
/// action as stored now.
#[utoipa::path(put, path = "/actions/{id}", tag = "actions", operation_id = "update_action", params(("id" = String, Path)), request_body = UpdateActionDto,
    responses((status = 200, body = ActionDto), (status = 400, body = crate::kit::api::ErrorBody),
        (status = 403, body = crate::kit::api::ErrorBody), (status = 404, body = crate::kit::api::ErrorBody),
        (status = 409, body = ActionConflictDto), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(action_id): Path<String>,
    ApiJson(body): ApiJson<UpdateActionDto>,
) -> ApiResult<Response> {
    let (scope, current) = find(&state, &user, &action_id).await?;
    let input = check(&RawAction {
        title: body.title,
        description: body.description.unwrap_or_default(),
        owner: body.owner.unwrap_or_default(),
        deadline: body.deadline.unwrap_or_default(),
        priority: body.priority,
        status: if body.status.trim().is_empty() {
            "-".into()
        } else {
            body.status
        },
    })
    .map_err(bad)?;
    let today = today().to_string();
    match state
        .store
        .tenant(&scope)
        .update_action(&current.id, input, body.version)
        .await
    {
        Ok(a) => Ok(Json(ActionDto::new(a, scope.tenant_id(), &today)).into_response()),
        Err(StoreError::VersionConflict(c)) => {
            let now = match *c {
                ConflictWith::Action(a) => a,
                _ => state.store.tenant(&scope).action(&current.id).await?,
            };
            Ok((
                StatusCode::CONFLICT,
                Json(ActionConflictDto {
                    error: "conflict",
                    message: format!(
                        "the action was changed meanwhile (version {} is stored, the update was based on {}); nothing was changed",
                        now.version, body.version
                    ),
                    current: ActionDto::new(now, scope.tenant_id(), &today),
                }),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// An action chosen for a bulk change, with the version last read.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectedActionDto {
    pub id: String,
    pub version: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkUpdateDto {
    /// Required when the user belongs to more than one tenant; every action
    /// must belong to it.
    pub tenant_id: Option<String>,
    /// The actions to change, each with the version the change is based on.
    pub actions: Vec<SelectedActionDto>,
    /// Set as owner of every action (absent or empty: unchanged).
    pub owner: Option<String>,
    /// YYYY-MM-DD (absent or empty: unchanged).
    pub deadline: Option<String>,
    /// patient_safety, high, medium or low (absent: unchanged).
    pub priority: Option<String>,
    /// open, in_progress, done or cancelled (absent: unchanged).
    pub status: Option<String>,
}

/// Sets owner, deadline, priority and/or status on several actions at once
/// (editors and admins). All or nothing: an unknown action (or another
/// tenant's) is 404 and a stale version 409 with that action as stored now,
/// and then nothing is changed. Each altered action gets its own audit entry.
#[utoipa::path(post, path = "/actions/bulk", tag = "actions", operation_id = "bulk_update_actions", request_body = BulkUpdateDto,
    responses((status = 200, body = Vec<ActionDto>), (status = 400, body = crate::kit::api::ErrorBody),
        (status = 403, body = crate::kit::api::ErrorBody), (status = 404, body = crate::kit::api::ErrorBody),
        (status = 409, body = ActionConflictDto), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn bulk_update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<BulkUpdateDto>,
) -> ApiResult<Response> {
    let scope = create_scope(&state, &user, body.tenant_id.as_deref()).await?;
    let values = BulkValues {
        owner: body.owner.unwrap_or_default(),
        deadline: body.deadline.unwrap_or_default(),
        priority: body.priority.unwrap_or_default(),
        status: body.status.unwrap_or_default(),
    };
    let changes = check_bulk(&values, body.actions.len()).map_err(|keys| {
        ApiError::Unprocessable(keys.into_iter().map(bulk_error_english).collect::<Vec<_>>().join("; "))
    })?;
    let selected = body
        .actions
        .into_iter()
        .map(|s| {
            Ok(SelectedAction {
                id: id(&s.id)?.to_owned(),
                version: s.version,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let today = today().to_string();
    match state.store.tenant(&scope).update_actions(&selected, changes).await {
        Ok(list) => Ok(Json(
            list.into_iter()
                .map(|a| ActionDto::new(a, scope.tenant_id(), &today))
                .collect::<Vec<_>>(),
        )
        .into_response()),
        Err(StoreError::VersionConflict(c)) => {
            let ConflictWith::Action(now) = *c else {
                return Err(ApiError::Internal("unexpected conflict".into()));
            };
            let sent = selected.iter().find(|s| s.id == now.id).map_or(0, |s| s.version);
            Ok((
                StatusCode::CONFLICT,
                Json(ActionConflictDto {
                    error: "conflict",
                    message: format!(
                        "action {} was changed meanwhile (version {} is stored, the change was based on {}); nothing was changed",
                        now.id, now.version, sent
                    ),
                    current: ActionDto::new(now, scope.tenant_id(), &today),
                }),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The limits of this module's bodies, from the constants the checks use.
pub(crate) fn limits() -> Vec<(&'static str, &'static str, Limit)> {
    use super::pages::{DESCRIPTION_MAX, OWNER_MAX, TITLE_MAX};
    use etterlev_core::{ActionStatus, Priority};
    let mut v = Vec::new();
    for schema in ["NewActionDto", "UpdateActionDto"] {
        v.extend([
            (schema, "title", Limit::MaxLength(TITLE_MAX)),
            (schema, "description", Limit::MaxLength(DESCRIPTION_MAX)),
            (schema, "owner", Limit::MaxLength(OWNER_MAX)),
            (schema, "priority", one_of(Priority::ALL, Priority::as_str)),
        ]);
    }
    v.push((
        "UpdateActionDto",
        "status",
        one_of(ActionStatus::ALL, ActionStatus::as_str),
    ));
    v.push(("BulkUpdateDto", "priority", one_of(Priority::ALL, Priority::as_str)));
    v.push((
        "BulkUpdateDto",
        "status",
        one_of(ActionStatus::ALL, ActionStatus::as_str),
    ));
    v
}

/// The action endpoints' part of the OpenAPI document, merged into
/// [`crate::api::ApiDoc`] when it is served.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, create, get_one, update, bulk_update),
    components(schemas(ActionDto, NewActionDto, UpdateActionDto, ActionConflictDto, BulkUpdateDto, SelectedActionDto)),
    tags((name = "actions", description = "The action plan: actions from gaps and by hand, with owner, deadline, priority and status"))
)]
pub struct ActionsDoc;
