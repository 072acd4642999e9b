//! Inventory endpoints of the REST API: systems, integrations and security
//! measures — list, create, read, change (with versions: a stale one is 409)
//! and delete. Every object belongs to one tenant; the token's user sees
//! those of every tenant they belong to, and another tenant's is 404,
//! exactly like one that does not exist.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use etterlev_core::inventory::{
    Criticality, DataCategory, Frequency, Hosting, Level, MdrClass, MeasureKind, MeasureStatus, ProtectionNeed,
    Protocol, below_least,
};
use etterlev_store::{
    Integration, IntegrationInput, MeasureInput, RequirementRef, SecurityMeasure, StoreError, System, SystemInput,
    TenantScope, User,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::kit::api::{ApiError, ApiJson, ApiQuery, ApiResult, ApiUser, create_scope, id, scopes};
use crate::kit::contract::{Limit, one_of};

/// This area's part of `/api/v1`.
pub(crate) fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/systems", get(list_systems).post(create_system))
        .route(
            "/systems/{id}",
            get(get_system).put(update_system).delete(delete_system),
        )
        .route("/integrations", get(list_integrations).post(create_integration))
        .route(
            "/integrations/{id}",
            get(get_integration).put(update_integration).delete(delete_integration),
        )
        .route("/measures", get(list_measures).post(create_measure))
        .route(
            "/measures/{id}",
            get(get_measure).put(update_measure).delete(delete_measure),
        )
}

// ------------------------------------------------------------------ DTOs

#[derive(Serialize, ToSchema)]
pub struct SystemDto {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub purpose: Option<String>,
    /// The system owner (systemeier).
    pub owner: Option<String>,
    pub administrator: Option<String>,
    pub users: Option<String>,
    pub staff_users: bool,
    pub patient_users: bool,
    /// health, special, personal or none.
    #[schema(example = "health")]
    pub data_category: String,
    pub health_register: bool,
    /// Protection need 1 (low) to 4 (very high).
    pub confidentiality: u8,
    pub integrity: u8,
    pub availability: u8,
    /// none, supporting, important or critical.
    pub criticality: String,
    /// own_premises, regional_it, supplier_data_centre, cloud or patient_home.
    pub hosting: String,
    pub cloud_provider: Option<String>,
    pub cloud_region: Option<String>,
    pub supplier: Option<String>,
    pub medical_device: bool,
    /// i, iia, iib or iii; only for a medical device.
    pub mdr_class: Option<String>,
    pub ai_component: bool,
    pub internet_exposed: bool,
    pub remote_access: bool,
    /// Dimensions classified below what the data and criticality suggest.
    pub below_least: Vec<String>,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub updated_at: i64,
    /// Send it back with a change (optimistic locking).
    pub version: i64,
}

impl SystemDto {
    fn new(s: System, tenant_id: &str) -> Self {
        let i = s.input;
        SystemDto {
            below_least: below_least(&i.need, i.data_category, i.criticality)
                .into_iter()
                .map(str::to_string)
                .collect(),
            id: s.id,
            tenant_id: tenant_id.to_owned(),
            name: i.name,
            purpose: i.purpose,
            owner: i.owner,
            administrator: i.administrator,
            users: i.users,
            staff_users: i.staff_users,
            patient_users: i.patient_users,
            data_category: i.data_category.as_str().into(),
            health_register: i.health_register,
            confidentiality: i.need.confidentiality.get(),
            integrity: i.need.integrity.get(),
            availability: i.need.availability.get(),
            criticality: i.criticality.as_str().into(),
            hosting: i.hosting.as_str().into(),
            cloud_provider: i.cloud_provider,
            cloud_region: i.cloud_region,
            supplier: i.supplier,
            medical_device: i.medical_device,
            mdr_class: i.mdr_class.map(|m| m.as_str().into()),
            ai_component: i.ai_component,
            internet_exposed: i.internet_exposed,
            remote_access: i.remote_access,
            created_at: s.created_at,
            updated_at: s.updated_at,
            version: s.version,
        }
    }
}

/// A system to create (`tenant_id` when the user has several tenants) or
/// change (`version` as read).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemBodyDto {
    pub tenant_id: Option<String>,
    pub version: Option<i64>,
    pub name: String,
    pub purpose: Option<String>,
    pub owner: Option<String>,
    pub administrator: Option<String>,
    pub users: Option<String>,
    pub staff_users: Option<bool>,
    pub patient_users: Option<bool>,
    pub data_category: String,
    pub health_register: Option<bool>,
    pub confidentiality: i64,
    pub integrity: i64,
    pub availability: i64,
    pub criticality: String,
    pub hosting: String,
    pub cloud_provider: Option<String>,
    pub cloud_region: Option<String>,
    pub supplier: Option<String>,
    pub medical_device: Option<bool>,
    pub mdr_class: Option<String>,
    pub ai_component: Option<bool>,
    pub internet_exposed: Option<bool>,
    pub remote_access: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct IntegrationDto {
    pub id: String,
    pub tenant_id: String,
    pub from_system: String,
    pub to_system: String,
    pub both_ways: bool,
    pub data: String,
    /// hl7v2, fhir, file_transfer, email, api or other.
    pub protocol: String,
    /// real_time, hourly, daily, weekly or on_demand.
    pub frequency: String,
    /// The system that is the authoritative source of the information.
    pub source_system: Option<String>,
    /// The receiver holds a copy of information whose source is elsewhere.
    pub carries_copy: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl IntegrationDto {
    fn new(i: Integration, tenant_id: &str) -> Self {
        IntegrationDto {
            carries_copy: i.carries_copy(),
            id: i.id,
            tenant_id: tenant_id.to_owned(),
            from_system: i.input.from_system,
            to_system: i.input.to_system,
            both_ways: i.input.both_ways,
            data: i.input.data,
            protocol: i.input.protocol.as_str().into(),
            frequency: i.input.frequency.as_str().into(),
            source_system: i.input.source_system,
            created_at: i.created_at,
            updated_at: i.updated_at,
            version: i.version,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationBodyDto {
    pub tenant_id: Option<String>,
    pub version: Option<i64>,
    pub from_system: String,
    pub to_system: String,
    pub both_ways: Option<bool>,
    pub data: String,
    pub protocol: String,
    pub frequency: String,
    pub source_system: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementRefDto {
    /// A stored catalogue version, e.g. `normen@6.0`.
    #[schema(example = "normen@6.0")]
    pub catalog_key: String,
    #[schema(example = "6.2-b")]
    pub node_id: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeasureDto {
    pub id: String,
    pub tenant_id: String,
    pub title: String,
    pub description: Option<String>,
    /// organisational, technical or physical.
    pub kind: String,
    /// planned, in_progress, implemented or retired.
    pub status: String,
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    pub review_by: Option<String>,
    pub check_method: Option<String>,
    pub check_interval: Option<String>,
    /// YYYY-MM-DD.
    pub last_checked: Option<String>,
    pub last_result: Option<String>,
    /// Ids of the systems it protects.
    pub systems: Vec<String>,
    pub requirements: Vec<RequirementRefDto>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl MeasureDto {
    fn new(m: SecurityMeasure, tenant_id: &str) -> Self {
        let i = m.input;
        MeasureDto {
            id: m.id,
            tenant_id: tenant_id.to_owned(),
            title: i.title,
            description: i.description,
            kind: i.kind.as_str().into(),
            status: i.status.as_str().into(),
            owner: i.owner,
            review_by: i.review_by,
            check_method: i.check_method,
            check_interval: i.check_interval,
            last_checked: i.last_checked,
            last_result: i.last_result,
            systems: i.systems,
            requirements: i
                .requirements
                .into_iter()
                .map(|r| RequirementRefDto {
                    catalog_key: r.catalog_key,
                    node_id: r.node_id,
                })
                .collect(),
            created_at: m.created_at,
            updated_at: m.updated_at,
            version: m.version,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureBodyDto {
    pub tenant_id: Option<String>,
    pub version: Option<i64>,
    pub title: String,
    pub description: Option<String>,
    pub kind: String,
    pub status: String,
    pub owner: Option<String>,
    pub review_by: Option<String>,
    pub check_method: Option<String>,
    pub check_interval: Option<String>,
    pub last_checked: Option<String>,
    pub last_result: Option<String>,
    pub systems: Option<Vec<String>>,
    pub requirements: Option<Vec<RequirementRefDto>>,
}

/// A change based on a stale version: the object as stored now.
#[derive(Serialize, ToSchema)]
pub struct InventoryConflictDto {
    #[schema(example = "conflict")]
    pub error: &'static str,
    pub message: String,
    pub current_system: Option<SystemDto>,
    pub current_integration: Option<IntegrationDto>,
    pub current_measure: Option<MeasureDto>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InventoryQuery {
    /// Only this tenant's objects (default: every tenant of the user).
    pub tenant_id: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteQuery {
    /// The version as read (optimistic locking).
    pub version: i64,
}

// ------------------------------------------------------------------ checks

/// A choice by its machine name; the contract limits refuse unknown names
/// first, so this only guards the handler.
fn pick<T>(field: &str, value: &str, parse: fn(&str) -> Option<T>) -> ApiResult<T> {
    parse(value.trim()).ok_or_else(|| ApiError::field(field, format!("{field} is not one of the documented values")))
}

fn level(field: &str, n: i64) -> ApiResult<Level> {
    u8::try_from(n)
        .ok()
        .and_then(Level::new)
        .ok_or_else(|| ApiError::field(field, format!("{field} must be from 1 to 4")))
}

fn system_input(b: SystemBodyDto) -> ApiResult<SystemInput> {
    let medical_device = b.medical_device.unwrap_or(false);
    let mdr_class = match b.mdr_class.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Some(pick("mdr_class", m, MdrClass::parse)?),
        None if medical_device => {
            return Err(ApiError::field(
                "mdr_class",
                "mdr_class is required for a medical device",
            ));
        }
        None => None,
    };
    Ok(SystemInput {
        data_category: pick("data_category", &b.data_category, DataCategory::parse)?,
        need: ProtectionNeed {
            confidentiality: level("confidentiality", b.confidentiality)?,
            integrity: level("integrity", b.integrity)?,
            availability: level("availability", b.availability)?,
        },
        criticality: pick("criticality", &b.criticality, Criticality::parse)?,
        hosting: pick("hosting", &b.hosting, Hosting::parse)?,
        name: b.name,
        purpose: b.purpose,
        owner: b.owner,
        administrator: b.administrator,
        users: b.users,
        staff_users: b.staff_users.unwrap_or(false),
        patient_users: b.patient_users.unwrap_or(false),
        health_register: b.health_register.unwrap_or(false),
        cloud_provider: b.cloud_provider,
        cloud_region: b.cloud_region,
        supplier: b.supplier,
        medical_device,
        mdr_class,
        ai_component: b.ai_component.unwrap_or(false),
        internet_exposed: b.internet_exposed.unwrap_or(false),
        remote_access: b.remote_access.unwrap_or(false),
    })
}

fn integration_input(b: IntegrationBodyDto) -> ApiResult<IntegrationInput> {
    Ok(IntegrationInput {
        protocol: pick("protocol", &b.protocol, Protocol::parse)?,
        frequency: pick("frequency", &b.frequency, Frequency::parse)?,
        from_system: b.from_system,
        to_system: b.to_system,
        both_ways: b.both_ways.unwrap_or(false),
        data: b.data,
        source_system: b.source_system,
    })
}

fn measure_input(b: MeasureBodyDto) -> ApiResult<MeasureInput> {
    Ok(MeasureInput {
        kind: pick("kind", &b.kind, MeasureKind::parse)?,
        status: pick("status", &b.status, MeasureStatus::parse)?,
        title: b.title,
        description: b.description,
        owner: b.owner,
        review_by: b.review_by,
        check_method: b.check_method,
        check_interval: b.check_interval,
        last_checked: b.last_checked,
        last_result: b.last_result,
        systems: b.systems.unwrap_or_default(),
        requirements: b
            .requirements
            .unwrap_or_default()
            .into_iter()
            .map(|r| RequirementRef {
                catalog_key: r.catalog_key,
                node_id: r.node_id,
            })
            .collect(),
    })
}

fn version_of(v: Option<i64>) -> ApiResult<i64> {
    v.ok_or_else(|| ApiError::field("version", "version is required to change an object (as read)"))
}

/// The tenant of an object the user may see, with the object.
async fn find<T, F, Fut>(state: &AppState, user: &User, raw_id: &str, get: F) -> ApiResult<(TenantScope, T)>
where
    F: Fn(TenantScope, String) -> Fut,
    Fut: std::future::Future<Output = (TenantScope, Result<T, StoreError>)>,
{
    let object_id = id(raw_id)?.to_string();
    for scope in scopes(state, user, None).await? {
        match get(scope, object_id.clone()).await {
            (scope, Ok(v)) => return Ok((scope, v)),
            (_, Err(StoreError::NotFound)) => continue,
            (_, Err(e)) => return Err(e.into()),
        }
    }
    Err(ApiError::NotFound)
}

/// The object as stored now, for a 409.
enum Current {
    System(SystemDto),
    Integration(IntegrationDto),
    Measure(MeasureDto),
}

/// A stale version: 409 with the object as stored; nothing was changed.
fn conflict(current: Current) -> Response {
    let mut body = InventoryConflictDto {
        error: "conflict",
        message: "it was changed meanwhile (stale version); nothing was saved".into(),
        current_system: None,
        current_integration: None,
        current_measure: None,
    };
    match current {
        Current::System(s) => body.current_system = Some(s),
        Current::Integration(i) => body.current_integration = Some(i),
        Current::Measure(m) => body.current_measure = Some(m),
    }
    (StatusCode::CONFLICT, Json(body)).into_response()
}

// ------------------------------------------------------------------ systems

#[utoipa::path(get, path = "/systems", tag = "inventory", operation_id = "list_systems", params(InventoryQuery),
    responses((status = 200, body = Vec<SystemDto>)))]
pub async fn list_systems(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(q): ApiQuery<InventoryQuery>,
) -> ApiResult<Json<Vec<SystemDto>>> {
    let mut out = Vec::new();
    for scope in scopes(&state, &user, q.tenant_id.as_deref()).await? {
        for s in state.store.tenant(&scope).systems().await? {
            out.push(SystemDto::new(s, scope.tenant_id()));
        }
    }
    Ok(Json(out))
}

#[utoipa::path(post, path = "/systems", tag = "inventory", operation_id = "create_system", request_body = SystemBodyDto,
    responses((status = 201, body = SystemDto)))]
pub async fn create_system(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<SystemBodyDto>,
) -> ApiResult<Response> {
    let scope = create_scope(&state, &user, body.tenant_id.as_deref()).await?;
    let input = system_input(body)?;
    let s = state.store.tenant(&scope).create_system(input).await?;
    Ok((StatusCode::CREATED, Json(SystemDto::new(s, scope.tenant_id()))).into_response())
}

async fn find_system(state: &AppState, user: &User, raw: &str) -> ApiResult<(TenantScope, System)> {
    find(state, user, raw, |scope, id| async move {
        let r = state.store.tenant(&scope).system(&id).await;
        (scope, r)
    })
    .await
}

#[utoipa::path(get, path = "/systems/{id}", tag = "inventory", operation_id = "get_system", params(("id" = String, Path)),
    responses((status = 200, body = SystemDto)))]
pub async fn get_system(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<Json<SystemDto>> {
    let (scope, s) = find_system(&state, &user, &raw).await?;
    Ok(Json(SystemDto::new(s, scope.tenant_id())))
}

#[utoipa::path(put, path = "/systems/{id}", tag = "inventory", operation_id = "update_system", params(("id" = String, Path)),
    request_body = SystemBodyDto, responses((status = 200, body = SystemDto), (status = 409, body = InventoryConflictDto, description = "Changed meanwhile (stale version): the system as stored; nothing was saved")))]
pub async fn update_system(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<SystemBodyDto>,
) -> ApiResult<Response> {
    let (scope, current) = find_system(&state, &user, &raw).await?;
    let version = version_of(body.version)?;
    let input = system_input(body)?;
    let ts = state.store.tenant(&scope);
    match ts.update_system(&current.id, input, version).await {
        Ok(s) => Ok(Json(SystemDto::new(s, scope.tenant_id())).into_response()),
        Err(StoreError::VersionConflict(_)) => {
            let now = SystemDto::new(ts.system(&current.id).await?, scope.tenant_id());
            Ok(conflict(Current::System(now)))
        }
        Err(e) => Err(e.into()),
    }
}

#[utoipa::path(delete, path = "/systems/{id}", tag = "inventory", operation_id = "delete_system",
    params(("id" = String, Path), DeleteQuery),
    responses((status = 204, description = "Deleted"), (status = 409, body = InventoryConflictDto, description = "Changed meanwhile (stale version)")))]
pub async fn delete_system(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<DeleteQuery>,
) -> ApiResult<Response> {
    let (scope, current) = find_system(&state, &user, &raw).await?;
    let ts = state.store.tenant(&scope);
    match ts.delete_system(&current.id, q.version).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(StoreError::VersionConflict(_)) => {
            Ok(conflict(Current::System(SystemDto::new(current, scope.tenant_id()))))
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ integrations

#[utoipa::path(get, path = "/integrations", tag = "inventory", operation_id = "list_integrations", params(InventoryQuery),
    responses((status = 200, body = Vec<IntegrationDto>)))]
pub async fn list_integrations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(q): ApiQuery<InventoryQuery>,
) -> ApiResult<Json<Vec<IntegrationDto>>> {
    let mut out = Vec::new();
    for scope in scopes(&state, &user, q.tenant_id.as_deref()).await? {
        for i in state.store.tenant(&scope).integrations().await? {
            out.push(IntegrationDto::new(i, scope.tenant_id()));
        }
    }
    Ok(Json(out))
}

#[utoipa::path(post, path = "/integrations", tag = "inventory", operation_id = "create_integration",
    request_body = IntegrationBodyDto, responses((status = 201, body = IntegrationDto)))]
pub async fn create_integration(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<IntegrationBodyDto>,
) -> ApiResult<Response> {
    let scope = create_scope(&state, &user, body.tenant_id.as_deref()).await?;
    let input = integration_input(body)?;
    let i = state.store.tenant(&scope).create_integration(input).await?;
    Ok((StatusCode::CREATED, Json(IntegrationDto::new(i, scope.tenant_id()))).into_response())
}

async fn find_integration(state: &AppState, user: &User, raw: &str) -> ApiResult<(TenantScope, Integration)> {
    find(state, user, raw, |scope, id| async move {
        let r = state.store.tenant(&scope).integration(&id).await;
        (scope, r)
    })
    .await
}

#[utoipa::path(get, path = "/integrations/{id}", tag = "inventory", operation_id = "get_integration",
    params(("id" = String, Path)), responses((status = 200, body = IntegrationDto)))]
pub async fn get_integration(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<Json<IntegrationDto>> {
    let (scope, i) = find_integration(&state, &user, &raw).await?;
    Ok(Json(IntegrationDto::new(i, scope.tenant_id())))
}

#[utoipa::path(put, path = "/integrations/{id}", tag = "inventory", operation_id = "update_integration",
    params(("id" = String, Path)), request_body = IntegrationBodyDto,
    responses((status = 200, body = IntegrationDto), (status = 409, body = InventoryConflictDto, description = "Changed meanwhile (stale version)")))]
pub async fn update_integration(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<IntegrationBodyDto>,
) -> ApiResult<Response> {
    let (scope, current) = find_integration(&state, &user, &raw).await?;
    let version = version_of(body.version)?;
    let input = integration_input(body)?;
    let ts = state.store.tenant(&scope);
    match ts.update_integration(&current.id, input, version).await {
        Ok(i) => Ok(Json(IntegrationDto::new(i, scope.tenant_id())).into_response()),
        Err(StoreError::VersionConflict(_)) => {
            let now = IntegrationDto::new(ts.integration(&current.id).await?, scope.tenant_id());
            Ok(conflict(Current::Integration(now)))
        }
        Err(e) => Err(e.into()),
    }
}

#[utoipa::path(delete, path = "/integrations/{id}", tag = "inventory", operation_id = "delete_integration",
    params(("id" = String, Path), DeleteQuery),
    responses((status = 204, description = "Deleted"), (status = 409, body = InventoryConflictDto, description = "Changed meanwhile (stale version)")))]
pub async fn delete_integration(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<DeleteQuery>,
) -> ApiResult<Response> {
    let (scope, current) = find_integration(&state, &user, &raw).await?;
    match state
        .store
        .tenant(&scope)
        .delete_integration(&current.id, q.version)
        .await
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(StoreError::VersionConflict(_)) => Ok(conflict(Current::Integration(IntegrationDto::new(
            current,
            scope.tenant_id(),
        )))),
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ measures

#[utoipa::path(get, path = "/measures", tag = "inventory", operation_id = "list_measures", params(InventoryQuery),
    responses((status = 200, body = Vec<MeasureDto>)))]
pub async fn list_measures(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(q): ApiQuery<InventoryQuery>,
) -> ApiResult<Json<Vec<MeasureDto>>> {
    let mut out = Vec::new();
    for scope in scopes(&state, &user, q.tenant_id.as_deref()).await? {
        for m in state.store.tenant(&scope).measures().await? {
            out.push(MeasureDto::new(m, scope.tenant_id()));
        }
    }
    Ok(Json(out))
}

#[utoipa::path(post, path = "/measures", tag = "inventory", operation_id = "create_measure",
    request_body = MeasureBodyDto, responses((status = 201, body = MeasureDto)))]
pub async fn create_measure(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<MeasureBodyDto>,
) -> ApiResult<Response> {
    let scope = create_scope(&state, &user, body.tenant_id.as_deref()).await?;
    let input = measure_input(body)?;
    let m = state.store.tenant(&scope).create_measure(input).await?;
    Ok((StatusCode::CREATED, Json(MeasureDto::new(m, scope.tenant_id()))).into_response())
}

async fn find_measure(state: &AppState, user: &User, raw: &str) -> ApiResult<(TenantScope, SecurityMeasure)> {
    find(state, user, raw, |scope, id| async move {
        let r = state.store.tenant(&scope).measure(&id).await;
        (scope, r)
    })
    .await
}

#[utoipa::path(get, path = "/measures/{id}", tag = "inventory", operation_id = "get_measure",
    params(("id" = String, Path)), responses((status = 200, body = MeasureDto)))]
pub async fn get_measure(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<Json<MeasureDto>> {
    let (scope, m) = find_measure(&state, &user, &raw).await?;
    Ok(Json(MeasureDto::new(m, scope.tenant_id())))
}

#[utoipa::path(put, path = "/measures/{id}", tag = "inventory", operation_id = "update_measure",
    params(("id" = String, Path)), request_body = MeasureBodyDto,
    responses((status = 200, body = MeasureDto), (status = 409, body = InventoryConflictDto, description = "Changed meanwhile (stale version)")))]
pub async fn update_measure(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<MeasureBodyDto>,
) -> ApiResult<Response> {
    let (scope, current) = find_measure(&state, &user, &raw).await?;
    let version = version_of(body.version)?;
    let input = measure_input(body)?;
    let ts = state.store.tenant(&scope);
    match ts.update_measure(&current.id, input, version).await {
        Ok(m) => Ok(Json(MeasureDto::new(m, scope.tenant_id())).into_response()),
        Err(StoreError::VersionConflict(_)) => {
            let now = MeasureDto::new(ts.measure(&current.id).await?, scope.tenant_id());
            Ok(conflict(Current::Measure(now)))
        }
        Err(e) => Err(e.into()),
    }
}

#[utoipa::path(delete, path = "/measures/{id}", tag = "inventory", operation_id = "delete_measure",
    params(("id" = String, Path), DeleteQuery),
    responses((status = 204, description = "Deleted"), (status = 409, body = InventoryConflictDto, description = "Changed meanwhile (stale version)")))]
pub async fn delete_measure(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<DeleteQuery>,
) -> ApiResult<Response> {
    let (scope, current) = find_measure(&state, &user, &raw).await?;
    match state.store.tenant(&scope).delete_measure(&current.id, q.version).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(StoreError::VersionConflict(_)) => {
            Ok(conflict(Current::Measure(MeasureDto::new(current, scope.tenant_id()))))
        }
        Err(e) => Err(e.into()),
    }
}

/// The limits of this area's bodies, from the store's constants and the
/// core's lists.
pub(crate) fn limits() -> Vec<(&'static str, &'static str, Limit)> {
    use etterlev_store::{LINE_MAX, TEXT_MAX};
    let mut v = vec![
        (
            "SystemBodyDto",
            "data_category",
            one_of(DataCategory::ALL, DataCategory::as_str),
        ),
        (
            "SystemBodyDto",
            "criticality",
            one_of(Criticality::ALL, Criticality::as_str),
        ),
        ("SystemBodyDto", "hosting", one_of(Hosting::ALL, Hosting::as_str)),
        ("SystemBodyDto", "mdr_class", one_of(MdrClass::ALL, MdrClass::as_str)),
        ("SystemBodyDto", "confidentiality", Limit::Range(1, 4)),
        ("SystemBodyDto", "integrity", Limit::Range(1, 4)),
        ("SystemBodyDto", "availability", Limit::Range(1, 4)),
        ("SystemBodyDto", "purpose", Limit::MaxLength(TEXT_MAX)),
        (
            "IntegrationBodyDto",
            "protocol",
            one_of(Protocol::ALL, Protocol::as_str),
        ),
        (
            "IntegrationBodyDto",
            "frequency",
            one_of(Frequency::ALL, Frequency::as_str),
        ),
        ("IntegrationBodyDto", "data", Limit::MaxLength(LINE_MAX)),
        ("MeasureBodyDto", "kind", one_of(MeasureKind::ALL, MeasureKind::as_str)),
        (
            "MeasureBodyDto",
            "status",
            one_of(MeasureStatus::ALL, MeasureStatus::as_str),
        ),
        ("MeasureBodyDto", "title", Limit::MaxLength(LINE_MAX)),
        ("MeasureBodyDto", "owner", Limit::MaxLength(LINE_MAX)),
        ("MeasureBodyDto", "check_interval", Limit::MaxLength(LINE_MAX)),
    ];
    for field in [
        "name",
        "owner",
        "administrator",
        "users",
        "cloud_provider",
        "cloud_region",
        "supplier",
    ] {
        v.push(("SystemBodyDto", field, Limit::MaxLength(LINE_MAX)));
    }
    for field in ["description", "check_method", "last_result"] {
        v.push(("MeasureBodyDto", field, Limit::MaxLength(TEXT_MAX)));
    }
    v
}

/// The inventory endpoints' part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list_systems, create_system, get_system, update_system, delete_system, list_integrations, create_integration,
        get_integration, update_integration, delete_integration, list_measures, create_measure, get_measure,
        update_measure, delete_measure),
    components(schemas(SystemDto, SystemBodyDto, IntegrationDto, IntegrationBodyDto, MeasureDto, MeasureBodyDto,
        RequirementRefDto, InventoryConflictDto)),
    tags((name = "inventory", description = "Inventory: the enterprise's information systems with their protection need, the integrations between them (with the authoritative source of the information), and its own security measures linked to systems and requirements"))
)]
pub struct InventoryDoc;
