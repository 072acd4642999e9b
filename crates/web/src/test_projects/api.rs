//! Test-project endpoints of the REST API: list, create and read test
//! projects, answer checklist items (with versions: a stale one is 409) and
//! record decisions (422 with every missing item when the checklist does not
//! support the decision). A project belongs to one tenant; the token's user
//! sees the projects of every tenant they belong to, and a project of any
//! other tenant is 404, exactly like one that does not exist.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use etterlev_core::test_projects::{CheckAnswer, CheckKey, DataKind, Decision, Missing};
use etterlev_store::{CheckUpdate, ConflictWith, StoreError, TenantScope, TestCheck, TestDecision, TestProject, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::pages::{RawDecision, RawProject, check_answer, check_decision, check_project, parse_key};
use crate::AppState;
use crate::kit::FieldError;
use crate::kit::api::{ApiError, ApiJson, ApiResult, ApiUser, MissingDto, create_scope, id, scopes};
use crate::kit::contract::{Limit, one_of};

/// This area's part of `/api/v1`.
pub(crate) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/test-projects", get(list).post(create))
        .route("/test-projects/{id}", get(get_one))
        .route("/test-projects/{id}/checks", axum::routing::put(save_checks))
        .route("/test-projects/{id}/decision", axum::routing::post(decide))
}

// ------------------------------------------------------------------ DTOs

#[derive(Serialize, ToSchema)]
pub struct TestProjectDto {
    pub id: String,
    /// The tenant the project belongs to.
    pub tenant_id: String,
    pub name: String,
    pub system_name: String,
    pub environment: Option<String>,
    pub purpose: Option<String>,
    pub owner: Option<String>,
    pub supplier: Option<String>,
    /// synthetic, anonymous, pseudonymous or real.
    #[schema(example = "real")]
    pub data_kind: String,
    /// YYYY-MM-DD: the test data is deleted by this date.
    pub delete_by: Option<String>,
    /// approved, approved_with_conditions, rejected, or null (not decided).
    #[schema(example = "approved")]
    pub decision: Option<String>,
    pub decision_reason: Option<String>,
    pub conditions: Option<String>,
    /// YYYY-MM-DD.
    pub review_by: Option<String>,
    pub decided_by: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub decided_at: Option<i64>,
    /// Items required for the data kind, and how many of them support approval.
    pub required: usize,
    pub done: usize,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    /// Milliseconds since the Unix epoch.
    pub updated_at: i64,
    /// Send it back with a decision (optimistic locking).
    pub version: i64,
}

impl TestProjectDto {
    fn new(p: TestProject, tenant_id: &str, checks: &[TestCheck]) -> Self {
        let progress = p.progress(checks);
        TestProjectDto {
            id: p.id,
            tenant_id: tenant_id.to_owned(),
            name: p.name,
            system_name: p.system_name,
            environment: p.environment,
            purpose: p.purpose,
            owner: p.owner,
            supplier: p.supplier,
            data_kind: p.data_kind.as_str().into(),
            delete_by: p.delete_by,
            decision: p.decision.map(|d| d.as_str().into()),
            decision_reason: p.decision_reason,
            conditions: p.conditions,
            review_by: p.review_by,
            decided_by: p.decided_by,
            decided_at: p.decided_at,
            required: progress.required,
            done: progress.done,
            created_at: p.created_at,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

/// One checklist item with its stored answer (if any).
#[derive(Serialize, ToSchema)]
pub struct CheckDto {
    #[schema(example = "closed_environment")]
    pub key: String,
    /// basis, environment, access, data or agreements_and_risk.
    pub group: String,
    /// required, recommended or optional for the project's data kind.
    #[schema(example = "required")]
    pub need: String,
    /// yes, partly, no, not_relevant, or null (not answered).
    pub answer: Option<String>,
    pub note: Option<String>,
    pub updated_by: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub updated_at: Option<i64>,
    /// 0 when not answered; send it back when answering.
    pub version: i64,
}

impl CheckDto {
    fn new(key: CheckKey, p: &TestProject, stored: Option<&TestCheck>) -> Self {
        CheckDto {
            key: key.as_str().into(),
            group: key.group().as_str().into(),
            need: key.need(p.data_kind).as_str().into(),
            answer: stored.map(|c| c.answer.as_str().into()),
            note: stored.and_then(|c| c.note.clone()),
            updated_by: stored.and_then(|c| c.updated_by.clone()),
            updated_at: stored.map(|c| c.updated_at),
            version: stored.map_or(0, |c| c.version),
        }
    }
}

fn missing_dtos(missing: &[Missing]) -> Vec<MissingDto> {
    missing
        .iter()
        .map(|m| MissingDto {
            key: m.key.as_str().into(),
            reason: m.reason.as_str().into(),
        })
        .collect()
}

#[derive(Serialize, ToSchema)]
pub struct DecisionDto {
    /// 1 for the first decision, then 2, 3…
    pub seq: i64,
    pub decision: String,
    pub reason: String,
    pub conditions: Option<String>,
    pub review_by: Option<String>,
    /// The data kind when decided.
    pub data_kind: String,
    pub decided_by: String,
    /// Milliseconds since the Unix epoch.
    pub decided_at: i64,
}

impl From<&TestDecision> for DecisionDto {
    fn from(d: &TestDecision) -> Self {
        DecisionDto {
            seq: d.seq,
            decision: d.decision.as_str().into(),
            reason: d.reason.clone(),
            conditions: d.conditions.clone(),
            review_by: d.review_by.clone(),
            data_kind: d.data_kind.as_str().into(),
            decided_by: d.decided_by.clone(),
            decided_at: d.decided_at,
        }
    }
}

/// A project with its whole checklist, what is missing and its decisions.
#[derive(Serialize, ToSchema)]
pub struct TestProjectDetailDto {
    pub project: TestProjectDto,
    /// Every item of the checklist, in order.
    pub checks: Vec<CheckDto>,
    /// What stands in the way of approval.
    pub missing_for_approval: Vec<MissingDto>,
    /// What stands in the way of approval with conditions.
    pub missing_for_approval_with_conditions: Vec<MissingDto>,
    /// Every recorded decision, newest first.
    pub decisions: Vec<DecisionDto>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTestProjectDto {
    /// Required when the user belongs to more than one tenant.
    pub tenant_id: Option<String>,
    pub name: String,
    pub system_name: String,
    pub environment: Option<String>,
    pub purpose: Option<String>,
    pub owner: Option<String>,
    pub supplier: Option<String>,
    /// synthetic, anonymous, pseudonymous or real.
    pub data_kind: String,
    /// YYYY-MM-DD.
    pub delete_by: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckAnswerDto {
    /// A checklist item, e.g. closed_environment.
    pub key: String,
    /// yes, partly, no or not_relevant.
    pub answer: String,
    pub note: Option<String>,
    /// The version read (0 for an item not answered yet).
    pub version: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckAnswersDto {
    /// Saved all or nothing.
    pub checks: Vec<CheckAnswerDto>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDecisionDto {
    /// approved, approved_with_conditions or rejected.
    pub decision: String,
    pub reason: String,
    /// Required for approved_with_conditions.
    pub conditions: Option<String>,
    /// YYYY-MM-DD.
    pub review_by: Option<String>,
    /// The project's version (from the last read).
    pub version: i64,
}

/// A stale change: nothing changed. `current_check` is the item as stored
/// now (for answers), `current_project` the project (for decisions).
#[derive(Serialize, ToSchema)]
pub struct TestConflictDto {
    #[schema(example = "conflict")]
    pub error: &'static str,
    pub message: String,
    pub current_check: Option<CheckDto>,
    pub current_project: Option<TestProjectDto>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TestProjectQuery {
    /// Only this tenant's projects (default: every tenant of the user).
    pub tenant_id: Option<String>,
}

// ------------------------------------------------------------------ helpers

/// The tenant a project with this id belongs to, among the user's.
async fn find(state: &AppState, user: &User, project_id: &str) -> ApiResult<(TenantScope, TestProject)> {
    let project_id = id(project_id)?;
    for scope in scopes(state, user, None).await? {
        match state.store.tenant(&scope).test_project(project_id).await {
            Ok(p) => return Ok((scope, p)),
            Err(StoreError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::NotFound)
}

fn unprocessable(errors: Vec<FieldError>) -> ApiError {
    ApiError::fields(errors)
}

async fn detail(state: &AppState, scope: &TenantScope, p: TestProject) -> ApiResult<TestProjectDetailDto> {
    let ts = state.store.tenant(scope);
    let checks = ts.test_checks(&p.id).await?;
    let decisions = ts.test_decisions(&p.id).await?;
    Ok(TestProjectDetailDto {
        checks: CheckKey::ALL
            .iter()
            .map(|k| CheckDto::new(*k, &p, checks.iter().find(|c| c.key == *k)))
            .collect(),
        missing_for_approval: missing_dtos(&p.missing_for(&checks, Decision::Approved)),
        missing_for_approval_with_conditions: missing_dtos(&p.missing_for(&checks, Decision::ApprovedWithConditions)),
        decisions: decisions.iter().map(Into::into).collect(),
        project: TestProjectDto::new(p, scope.tenant_id(), &checks),
    })
}

// ------------------------------------------------------------------ handlers

/// Test projects, newest first.
#[utoipa::path(get, path = "/test-projects", tag = "testdata", operation_id = "list_test_projects", params(TestProjectQuery),
    responses((status = 200, body = Vec<TestProjectDto>), (status = 401, body = crate::kit::api::ErrorBody), (status = 404, body = crate::kit::api::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    crate::kit::api::ApiQuery(q): crate::kit::api::ApiQuery<TestProjectQuery>,
) -> ApiResult<Json<Vec<TestProjectDto>>> {
    let mut out = Vec::new();
    for scope in scopes(&state, &user, q.tenant_id.as_deref()).await? {
        let ts = state.store.tenant(&scope);
        let checks = ts.all_test_checks().await?;
        for p in ts.test_projects().await? {
            let c = checks.get(&p.id).map(Vec::as_slice).unwrap_or(&[]);
            out.push(TestProjectDto::new(p, scope.tenant_id(), c));
        }
    }
    out.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    Ok(Json(out))
}

/// Creates a test project (editors and admins).
#[utoipa::path(post, path = "/test-projects", tag = "testdata", operation_id = "create_test_project", request_body = NewTestProjectDto,
    responses((status = 201, body = TestProjectDetailDto), (status = 400, body = crate::kit::api::ErrorBody),
        (status = 403, body = crate::kit::api::ErrorBody), (status = 404, body = crate::kit::api::ErrorBody),
        (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<NewTestProjectDto>,
) -> ApiResult<Response> {
    let scope = create_scope(&state, &user, body.tenant_id.as_deref()).await?;
    let input = check_project(&RawProject {
        name: body.name,
        system_name: body.system_name,
        environment: body.environment.unwrap_or_default(),
        purpose: body.purpose.unwrap_or_default(),
        owner: body.owner.unwrap_or_default(),
        supplier: body.supplier.unwrap_or_default(),
        data_kind: body.data_kind,
        delete_by: body.delete_by.unwrap_or_default(),
    })
    .map_err(unprocessable)?;
    let p = state.store.tenant(&scope).create_test_project(input).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &scope, p).await?)).into_response())
}

/// One test project with its checklist, what is missing and its decisions.
#[utoipa::path(get, path = "/test-projects/{id}", tag = "testdata", operation_id = "get_test_project", params(("id" = String, Path)),
    responses((status = 200, body = TestProjectDetailDto), (status = 401, body = crate::kit::api::ErrorBody), (status = 404, body = crate::kit::api::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(project_id): Path<String>,
) -> ApiResult<Json<TestProjectDetailDto>> {
    let (scope, p) = find(&state, &user, &project_id).await?;
    Ok(Json(detail(&state, &scope, p).await?))
}

/// Answers checklist items (editors and admins), all or nothing. Each item
/// names the version it read (0 for a new answer); a stale one is 409 with
/// the item as stored now, and nothing is saved. An unknown key or answer
/// is 422.
#[utoipa::path(put, path = "/test-projects/{id}/checks", tag = "testdata", operation_id = "save_test_checks",
    params(("id" = String, Path)), request_body = CheckAnswersDto,
    responses((status = 200, body = TestProjectDetailDto), (status = 400, body = crate::kit::api::ErrorBody),
        (status = 403, body = crate::kit::api::ErrorBody), (status = 404, body = crate::kit::api::ErrorBody),
        (status = 409, body = TestConflictDto), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn save_checks(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(project_id): Path<String>,
    ApiJson(body): ApiJson<CheckAnswersDto>,
) -> ApiResult<Response> {
    let (scope, p) = find(&state, &user, &project_id).await?;
    let mut updates = Vec::with_capacity(body.checks.len());
    let mut errors = Vec::new();
    for c in body.checks {
        let key = match parse_key(&c.key) {
            Ok(k) => k,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match check_answer(key, &c.answer, c.note.as_deref().unwrap_or("")) {
            Ok(input) => updates.push(CheckUpdate {
                key,
                input,
                expected_version: c.version,
            }),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(unprocessable(errors));
    }
    let ts = state.store.tenant(&scope);
    match ts.save_test_checks(&p.id, updates).await {
        Ok(_) => Ok(Json(detail(&state, &scope, p).await?).into_response()),
        Err(StoreError::VersionConflict(c)) => {
            let current_check = match *c {
                ConflictWith::TestCheck(s) => Some(CheckDto::new(s.key, &p, Some(&s))),
                _ => None,
            };
            Ok((
                StatusCode::CONFLICT,
                Json(TestConflictDto {
                    error: "conflict",
                    message: "an item was changed meanwhile (stale version); nothing was saved".into(),
                    current_check,
                    current_project: None,
                }),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Records or revises the decision (editors and admins). 422 with every
/// missing item when the checklist does not support it (a rejection is
/// always possible); 409 when the project changed since `version`.
#[utoipa::path(post, path = "/test-projects/{id}/decision", tag = "testdata", operation_id = "decide_test_project",
    params(("id" = String, Path)), request_body = NewDecisionDto,
    responses((status = 200, body = TestProjectDetailDto), (status = 400, body = crate::kit::api::ErrorBody),
        (status = 403, body = crate::kit::api::ErrorBody), (status = 404, body = crate::kit::api::ErrorBody),
        (status = 409, body = TestConflictDto), (status = 422, body = crate::kit::api::ErrorBody, description = "Refused values (`invalid`, with `fields`), or a decision the checklist does not support (`checklist_incomplete`, with `missing`); nothing was saved")))]
pub async fn decide(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(project_id): Path<String>,
    ApiJson(body): ApiJson<NewDecisionDto>,
) -> ApiResult<Response> {
    let (scope, p) = find(&state, &user, &project_id).await?;
    let input = check_decision(&RawDecision {
        decision: body.decision,
        reason: body.reason,
        conditions: body.conditions.unwrap_or_default(),
        review_by: body.review_by.unwrap_or_default(),
    })
    .map_err(unprocessable)?;
    let ts = state.store.tenant(&scope);
    let chosen = input.decision;
    match ts.decide_test_project(&p.id, input, body.version).await {
        Ok(p) => Ok(Json(detail(&state, &scope, p).await?).into_response()),
        Err(StoreError::ChecklistIncomplete(missing)) => Err(ApiError::ChecklistIncomplete(
            format!(
                "the checklist does not support {} yet: {} item(s) missing; nothing was saved",
                chosen.as_str(),
                missing.len()
            ),
            missing_dtos(&missing),
        )),
        Err(StoreError::VersionConflict(c)) => {
            let now = match *c {
                ConflictWith::TestProject(p) => p,
                _ => ts.test_project(&p.id).await?,
            };
            let checks = ts.test_checks(&now.id).await?;
            Ok((
                StatusCode::CONFLICT,
                Json(TestConflictDto {
                    error: "conflict",
                    message: format!(
                        "the project was changed meanwhile (version {} is stored, the decision was based on {}); nothing was saved",
                        now.version, body.version
                    ),
                    current_check: None,
                    current_project: Some(TestProjectDto::new(now, scope.tenant_id(), &checks)),
                }),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The limits of this module's bodies, from the constants and lists the
/// checks use.
pub(crate) fn limits() -> Vec<(&'static str, &'static str, Limit)> {
    use super::pages::{LINE_MAX, TEXT_MAX};
    let mut v = vec![(
        "NewTestProjectDto",
        "data_kind",
        one_of(DataKind::ALL, DataKind::as_str),
    )];
    for field in ["name", "system_name", "environment", "owner", "supplier"] {
        v.push(("NewTestProjectDto", field, Limit::MaxLength(LINE_MAX)));
    }
    v.extend([
        ("NewTestProjectDto", "purpose", Limit::MaxLength(TEXT_MAX)),
        (
            "CheckAnswersDto",
            "checks[].key",
            one_of(CheckKey::ALL, CheckKey::as_str),
        ),
        (
            "CheckAnswersDto",
            "checks[].answer",
            one_of(CheckAnswer::ALL, CheckAnswer::as_str),
        ),
        ("CheckAnswersDto", "checks[].note", Limit::MaxLength(TEXT_MAX)),
        ("NewDecisionDto", "decision", one_of(Decision::ALL, Decision::as_str)),
        ("NewDecisionDto", "reason", Limit::MaxLength(TEXT_MAX)),
        ("NewDecisionDto", "conditions", Limit::MaxLength(TEXT_MAX)),
    ]);
    v
}

/// The test-project endpoints' part of the OpenAPI document, merged into
/// [`crate::api::ApiDoc`] when it is served.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, create, get_one, save_checks, decide),
    components(schemas(TestProjectDto, CheckDto, MissingDto, DecisionDto, TestProjectDetailDto, NewTestProjectDto,
        CheckAnswerDto, CheckAnswersDto, NewDecisionDto, TestConflictDto)),
    tags((name = "testdata", description = "Test projects: the test-data guideline (Normen fact sheet 43, pasientjournalloven § 11) as a checklist per project, ending in a recorded decision"))
)]
pub struct TestDataDoc;
