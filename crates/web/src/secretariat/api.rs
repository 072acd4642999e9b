//! The secretariat's API (module M11) under `/api/v1/secretariat`: the
//! document portfolio, organisations and seats, meetings with attendance,
//! cases, comments and decisions, the minutes as .docx, and the protected
//! sector statistics. Only tokens of secretariat users get in; anyone else
//! gets 404, like the pages. Every change is audited by the store.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use etterlev_core::secretariat::{AttendanceStatus, CaseKind, DocumentKind, DocumentStatus, MemberRole, PlanStatus};
use etterlev_core::sector_stats::Hidden;
use etterlev_core::{SizeClass, TenantKind};
use etterlev_reports::MinutesKind;
use etterlev_store::{
    Attendance, AttendanceInput, Case, CaseComment, CaseDecisionInput, CaseInput, Consultation, ConsultationComment,
    Document, DocumentInput, Meeting, MeetingInput, Organisation, PlanItem, PlanItemInput, Seat, SeatInput,
    SecretariatStore, StatusChange, User,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::kit::api::{ApiError, ApiJson, ApiResult, SecretariatUser};
use crate::kit::contract::{Limit, one_of};
use crate::kit::i18n::{Lang, Tr};
use crate::kit::{DOCX_TYPE, download};
use crate::secretariat::{measure_of, minutes_data, minutes_docx_file, report_lang};

/// This area's part of `/api/v1`.
pub(crate) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/secretariat/documents", get(documents).post(create_document))
        .route("/secretariat/documents/{id}", get(document).put(update_document))
        .route(
            "/secretariat/documents/{id}/consultations",
            get(consultations).post(create_consultation),
        )
        .route(
            "/secretariat/documents/{id}/consultations/{consultation_id}/comments",
            axum::routing::post(add_consultation_comment),
        )
        .route("/secretariat/plan", get(plan).post(create_plan_item))
        .route("/secretariat/plan/{id}/status", axum::routing::put(set_plan_status))
        .route(
            "/secretariat/followups/{id}/status",
            axum::routing::put(set_followup_status),
        )
        .route(
            "/secretariat/organisations",
            get(organisations).post(create_organisation),
        )
        .route("/secretariat/seats", get(seats).post(create_seat))
        .route("/secretariat/seats/{id}/end", axum::routing::put(end_seat))
        .route("/secretariat/meetings", get(meetings).post(create_meeting))
        .route("/secretariat/meetings/{id}", get(meeting).put(update_meeting))
        .route(
            "/secretariat/meetings/{id}/attendance",
            axum::routing::put(set_attendance),
        )
        .route("/secretariat/meetings/{id}/cases", axum::routing::post(add_case))
        .route(
            "/secretariat/meetings/{id}/cases/{case_id}",
            axum::routing::put(update_case),
        )
        .route(
            "/secretariat/meetings/{id}/cases/{case_id}/comments",
            axum::routing::post(add_comment),
        )
        .route(
            "/secretariat/meetings/{id}/cases/{case_id}/decision",
            axum::routing::post(decide),
        )
        .route("/secretariat/meetings/{id}/minutes.docx", get(minutes_docx))
        .route("/secretariat/statistics", get(statistics))
        .route("/secretariat/statistics/k", axum::routing::put(set_k))
}

fn sec<'s>(state: &'s AppState, user: &User) -> ApiResult<SecretariatStore<'s>> {
    state.store.secretariat(user).map_err(|_| ApiError::NotFound)
}

fn path_id(raw: &str) -> ApiResult<&str> {
    if crate::is_object_id(raw) {
        Ok(raw)
    } else {
        Err(ApiError::NotFound)
    }
}

fn created<T: Serialize>(v: T) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

/// The portfolio, by kind and number.
#[utoipa::path(get, path = "/secretariat/documents", tag = "secretariat", operation_id = "list_documents",
    responses((status = 200, body = Vec<Document>), (status = 401, body = crate::kit::api::ErrorBody), (status = 404, body = crate::kit::api::ErrorBody)))]
pub async fn documents(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
) -> ApiResult<Json<Vec<Document>>> {
    Ok(Json(sec(&state, &user)?.documents().await?))
}

#[utoipa::path(post, path = "/secretariat/documents", tag = "secretariat", operation_id = "create_document", request_body = DocumentInput,
    responses((status = 201, body = Document), (status = 404, body = crate::kit::api::ErrorBody), (status = 409, body = crate::kit::api::ErrorBody),
        (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn create_document(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    ApiJson(body): ApiJson<DocumentInput>,
) -> ApiResult<Response> {
    Ok(created(sec(&state, &user)?.create_document(&body).await?))
}

/// A document with its status history and the cases about it.
#[derive(Serialize, ToSchema)]
pub struct DocumentDetail {
    pub document: Document,
    pub history: Vec<StatusChange>,
    pub cases: Vec<Case>,
}

#[utoipa::path(get, path = "/secretariat/documents/{id}", tag = "secretariat", operation_id = "get_document", params(("id" = String, Path)),
    responses((status = 200, body = DocumentDetail), (status = 404, body = crate::kit::api::ErrorBody)))]
pub async fn document(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path(id): Path<String>,
) -> ApiResult<Json<DocumentDetail>> {
    let s = sec(&state, &user)?;
    let id = path_id(&id)?;
    Ok(Json(DocumentDetail {
        document: s.document(id).await?,
        history: s.document_history(id).await?,
        cases: s.document_cases(id).await?,
    }))
}

/// A change to a document: every field as it should be, the version the
/// change is based on, and a note for the history when the status changes.
#[derive(Deserialize, ToSchema)]
pub struct DocumentUpdate {
    #[serde(flatten)]
    pub document: DocumentInput,
    /// The document's `version` the change is based on.
    pub version: i64,
    pub note: Option<String>,
}

/// Changes a document's facts, and its status without a steering-group
/// case (the change goes into its history). A stale `version`: 409, nothing
/// changed.
#[utoipa::path(put, path = "/secretariat/documents/{id}", tag = "secretariat", operation_id = "update_document",
    params(("id" = String, Path)), request_body = DocumentUpdate,
    responses((status = 200, body = Document), (status = 404, body = crate::kit::api::ErrorBody), (status = 409, body = crate::kit::api::ErrorBody),
        (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn update_document(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DocumentUpdate>,
) -> ApiResult<Json<Document>> {
    let s = sec(&state, &user)?;
    let id = path_id(&id)?;
    Ok(Json(
        s.update_document(id, &body.document, body.version, body.note).await?,
    ))
}

#[utoipa::path(get, path = "/secretariat/organisations", tag = "secretariat", operation_id = "list_organisations",
    responses((status = 200, body = Vec<Organisation>), (status = 404, body = crate::kit::api::ErrorBody)))]
pub async fn organisations(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
) -> ApiResult<Json<Vec<Organisation>>> {
    Ok(Json(sec(&state, &user)?.organisations().await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewOrganisation {
    pub name: String,
    pub short_name: Option<String>,
}

#[utoipa::path(post, path = "/secretariat/organisations", tag = "secretariat", operation_id = "create_organisation", request_body = NewOrganisation,
    responses((status = 201, body = Organisation), (status = 404, body = crate::kit::api::ErrorBody), (status = 409, body = crate::kit::api::ErrorBody),
        (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn create_organisation(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    ApiJson(body): ApiJson<NewOrganisation>,
) -> ApiResult<Response> {
    Ok(created(
        sec(&state, &user)?
            .create_organisation(&body.name, body.short_name)
            .await?,
    ))
}

#[utoipa::path(get, path = "/secretariat/seats", tag = "secretariat", operation_id = "list_seats",
    responses((status = 200, body = Vec<Seat>), (status = 404, body = crate::kit::api::ErrorBody)))]
pub async fn seats(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
) -> ApiResult<Json<Vec<Seat>>> {
    Ok(Json(sec(&state, &user)?.seats().await?))
}

#[utoipa::path(post, path = "/secretariat/seats", tag = "secretariat", operation_id = "create_seat", request_body = SeatInput,
    responses((status = 201, body = Seat), (status = 404, body = crate::kit::api::ErrorBody), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn create_seat(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    ApiJson(body): ApiJson<SeatInput>,
) -> ApiResult<Response> {
    Ok(created(sec(&state, &user)?.add_seat(&body).await?))
}

/// The last day a seat holds.
#[derive(Deserialize, ToSchema)]
pub struct SeatEnd {
    /// `YYYY-MM-DD`, inclusive.
    pub valid_to: String,
}

/// Ends a seat (an organisation leaves the steering group or changes role).
/// Refused (422, nothing changed) when the organisation's recorded
/// attendance at a later meeting rests on it.
#[utoipa::path(put, path = "/secretariat/seats/{id}/end", tag = "secretariat", operation_id = "end_seat",
    params(("id" = String, Path)), request_body = SeatEnd,
    responses((status = 200, body = Seat), (status = 404, body = crate::kit::api::ErrorBody), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn end_seat(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SeatEnd>,
) -> ApiResult<Json<Seat>> {
    let s = sec(&state, &user)?;
    Ok(Json(s.end_seat(path_id(&id)?, &body.valid_to).await?))
}

#[utoipa::path(get, path = "/secretariat/meetings", tag = "secretariat", operation_id = "list_meetings",
    responses((status = 200, body = Vec<Meeting>), (status = 404, body = crate::kit::api::ErrorBody)))]
pub async fn meetings(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
) -> ApiResult<Json<Vec<Meeting>>> {
    Ok(Json(sec(&state, &user)?.meetings().await?))
}

#[utoipa::path(post, path = "/secretariat/meetings", tag = "secretariat", operation_id = "create_meeting", request_body = MeetingInput,
    responses((status = 201, body = Meeting), (status = 404, body = crate::kit::api::ErrorBody), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn create_meeting(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    ApiJson(body): ApiJson<MeetingInput>,
) -> ApiResult<Response> {
    Ok(created(sec(&state, &user)?.create_meeting(&body).await?))
}

/// A meeting with its attendance, cases and comments.
#[derive(Serialize, ToSchema)]
pub struct MeetingDetail {
    pub meeting: Meeting,
    pub attendance: Vec<Attendance>,
    pub cases: Vec<Case>,
    pub comments: Vec<CaseComment>,
}

async fn meeting_detail(s: &SecretariatStore<'_>, id: &str) -> ApiResult<MeetingDetail> {
    Ok(MeetingDetail {
        meeting: s.meeting(id).await?,
        attendance: s.attendance(id).await?,
        cases: s.cases(id).await?,
        comments: s.comments(id).await?,
    })
}

#[utoipa::path(get, path = "/secretariat/meetings/{id}", tag = "secretariat", operation_id = "get_meeting", params(("id" = String, Path)),
    responses((status = 200, body = MeetingDetail), (status = 404, body = crate::kit::api::ErrorBody)))]
pub async fn meeting(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path(id): Path<String>,
) -> ApiResult<Json<MeetingDetail>> {
    let s = sec(&state, &user)?;
    Ok(Json(meeting_detail(&s, path_id(&id)?).await?))
}

/// Changes a meeting's title, date, time or place. A new date that would
/// move its numbered cases to another year, or leave an organisation listed
/// as attending without a seat, is 422 with nothing changed.
#[utoipa::path(put, path = "/secretariat/meetings/{id}", tag = "secretariat", operation_id = "update_meeting",
    params(("id" = String, Path)), request_body = MeetingInput,
    responses((status = 200, body = Meeting), (status = 404, body = crate::kit::api::ErrorBody), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn update_meeting(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MeetingInput>,
) -> ApiResult<Json<Meeting>> {
    let s = sec(&state, &user)?;
    Ok(Json(s.update_meeting(path_id(&id)?, &body).await?))
}

/// Replaces the attendance list: all rows or none (an organisation without
/// a seat on the meeting date is refused).
#[utoipa::path(put, path = "/secretariat/meetings/{id}/attendance", tag = "secretariat", operation_id = "set_attendance",
    params(("id" = String, Path)), request_body = Vec<AttendanceInput>,
    responses((status = 200, body = Vec<Attendance>), (status = 404, body = crate::kit::api::ErrorBody), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn set_attendance(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Vec<AttendanceInput>>,
) -> ApiResult<Json<Vec<Attendance>>> {
    let s = sec(&state, &user)?;
    Ok(Json(s.set_attendance(path_id(&id)?, &body).await?))
}

/// Adds a case; without `number` the next free `NN/YY` of the meeting's
/// year is taken. A number used already that year is 409.
#[utoipa::path(post, path = "/secretariat/meetings/{id}/cases", tag = "secretariat", operation_id = "add_case",
    params(("id" = String, Path)), request_body = CaseInput,
    responses((status = 201, body = Case), (status = 404, body = crate::kit::api::ErrorBody), (status = 409, body = crate::kit::api::ErrorBody),
        (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn add_case(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CaseInput>,
) -> ApiResult<Response> {
    let s = sec(&state, &user)?;
    Ok(created(s.add_case(path_id(&id)?, &body).await?))
}

/// Changes an undecided case of the meeting: every field as it should be;
/// without `number` it keeps its own. A decided case is 422, a number used
/// already that year 409, a case of another meeting 404.
#[utoipa::path(put, path = "/secretariat/meetings/{id}/cases/{case_id}", tag = "secretariat", operation_id = "update_case",
    params(("id" = String, Path), ("case_id" = String, Path)), request_body = CaseInput,
    responses((status = 200, body = Case), (status = 404, body = crate::kit::api::ErrorBody), (status = 409, body = crate::kit::api::ErrorBody),
        (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn update_case(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path((id, case_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<CaseInput>,
) -> ApiResult<Json<Case>> {
    let s = sec(&state, &user)?;
    Ok(Json(s.update_case(path_id(&id)?, path_id(&case_id)?, &body).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewComment {
    pub organisation_id: String,
    pub comment: String,
}

#[utoipa::path(post, path = "/secretariat/meetings/{id}/cases/{case_id}/comments", tag = "secretariat", operation_id = "add_comment",
    params(("id" = String, Path), ("case_id" = String, Path)), request_body = NewComment,
    responses((status = 201, body = CaseComment), (status = 404, body = crate::kit::api::ErrorBody), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn add_comment(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path((id, case_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<NewComment>,
) -> ApiResult<Response> {
    let s = sec(&state, &user)?;
    let (id, case_id) = (path_id(&id)?, path_id(&case_id)?);
    if s.case(case_id).await?.meeting_id != id {
        return Err(ApiError::NotFound);
    }
    Ok(created(
        s.add_comment(case_id, &body.organisation_id, &body.comment).await?,
    ))
}

/// Records the decision as made; `new_status` moves the case's document in
/// the same transaction. A case of another meeting is 422.
#[utoipa::path(post, path = "/secretariat/meetings/{id}/cases/{case_id}/decision", tag = "secretariat", operation_id = "decide_case",
    params(("id" = String, Path), ("case_id" = String, Path)), request_body = CaseDecisionInput,
    responses((status = 200, body = Case), (status = 404, body = crate::kit::api::ErrorBody), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path((id, case_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<CaseDecisionInput>,
) -> ApiResult<Json<Case>> {
    let s = sec(&state, &user)?;
    Ok(Json(s.decide(path_id(&id)?, path_id(&case_id)?, &body).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// `nb` (default) or `en`.
    pub lang: Option<String>,
}

/// The minutes as a Word document.
#[utoipa::path(get, path = "/secretariat/meetings/{id}/minutes.docx", tag = "secretariat", operation_id = "minutes_docx",
    params(("id" = String, Path), LangQuery),
    responses((status = 200, description = "The minutes (.docx)", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 404, body = crate::kit::api::ErrorBody)))]
pub async fn minutes_docx(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path(id): Path<String>,
    crate::kit::api::ApiQuery(q): crate::kit::api::ApiQuery<LangQuery>,
) -> ApiResult<Response> {
    let s = sec(&state, &user)?;
    let tr = Tr::new(q.lang.as_deref().and_then(Lang::parse).unwrap_or_default());
    let internal = |e: crate::kit::error::AppError| match e {
        crate::kit::error::AppError::NotFound => ApiError::NotFound,
        other => ApiError::Internal(other.to_string()),
    };
    let data = minutes_data(&s, path_id(&id)?, MinutesKind::Minutes, &tr)
        .await
        .map_err(internal)?;
    let (name, bytes) = minutes_docx_file("referat", data, report_lang(&tr))
        .await
        .map_err(internal)?;
    Ok(download(DOCX_TYPE, &name, bytes))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatisticsQuery {
    /// `overall` (default) or a Normen chapter id.
    pub measure: Option<String>,
    /// Only the row of this enterprise kind (a view of the same table).
    pub kind: Option<String>,
    /// Only the column of this size class (a view of the same table).
    pub size: Option<String>,
}

/// One cell: `kind`/`size` absent means "all".
#[derive(Serialize, ToSchema)]
pub struct StatisticsCell {
    pub kind: Option<String>,
    pub size: Option<String>,
    /// Absent when hidden.
    pub enterprises: Option<u32>,
    /// Mean share of requirements met (0–100); absent when hidden or empty.
    pub mean: Option<f64>,
    /// `too_few` or `complementary` when hidden.
    pub hidden: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Statistics {
    pub k: u32,
    pub measure: String,
    pub cells: Vec<StatisticsCell>,
}

/// Sector statistics, protected: cells resting on fewer than k enterprises
/// are hidden, and more where needed so none can be recovered by
/// subtraction. `kind` and `size` select parts of the one protected table.
#[utoipa::path(get, path = "/secretariat/statistics", tag = "secretariat", operation_id = "statistics", params(StatisticsQuery),
    responses((status = 200, body = Statistics), (status = 404, body = crate::kit::api::ErrorBody), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn statistics(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    crate::kit::api::ApiQuery(q): crate::kit::api::ApiQuery<StatisticsQuery>,
) -> ApiResult<Json<Statistics>> {
    let s = sec(&state, &user)?;
    let kind = match q.kind.as_deref() {
        Some(k) => Some(TenantKind::parse(k).ok_or_else(|| ApiError::Unprocessable(format!("unknown kind {k}")))?),
        None => None,
    };
    let size = match q.size.as_deref() {
        Some(k) => Some(SizeClass::parse(k).ok_or_else(|| ApiError::Unprocessable(format!("unknown size {k}")))?),
        None => None,
    };
    let measure = measure_of(q.measure.clone());
    let table = s.statistics(&measure).await?;
    let kinds: Vec<Option<TenantKind>> = TenantKind::ALL.iter().copied().map(Some).chain([None]).collect();
    let sizes: Vec<Option<SizeClass>> = SizeClass::ALL.iter().copied().map(Some).chain([None]).collect();
    let mut cells = Vec::new();
    for (k, row) in kinds.iter().zip(&table.cells) {
        if kind.is_some() && *k != kind {
            continue;
        }
        for (z, c) in sizes.iter().zip(row) {
            if size.is_some() && *z != size {
                continue;
            }
            cells.push(StatisticsCell {
                kind: k.map(|k| k.as_str().to_string()),
                size: z.map(|z| z.as_str().to_string()),
                enterprises: c.enterprises,
                mean: c.mean,
                hidden: c.hidden.map(|h| {
                    match h {
                        Hidden::TooFew => "too_few",
                        Hidden::Complementary => "complementary",
                    }
                    .to_string()
                }),
            });
        }
    }
    Ok(Json(Statistics {
        k: table.k,
        measure: q.measure.unwrap_or_else(|| "overall".into()),
        cells,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct Threshold {
    /// The smallest number of enterprises a figure must rest on.
    pub k: u32,
}

#[utoipa::path(put, path = "/secretariat/statistics/k", tag = "secretariat", operation_id = "set_statistics_k", request_body = Threshold,
    responses((status = 204, description = "Saved"), (status = 404, body = crate::kit::api::ErrorBody), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn set_k(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    ApiJson(body): ApiJson<Threshold>,
) -> ApiResult<StatusCode> {
    sec(&state, &user)?.set_k(body.k).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The plan year (default: this year).
    #[param(minimum = 2000, maximum = 2099)]
    pub year: Option<i64>,
}

/// The action plan of a year.
#[utoipa::path(get, path = "/secretariat/plan", tag = "secretariat", operation_id = "list_plan_items", params(YearQuery),
    responses((status = 200, body = Vec<PlanItem>), (status = 404, body = crate::kit::api::ErrorBody)))]
pub async fn plan(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    crate::kit::api::ApiQuery(q): crate::kit::api::ApiQuery<YearQuery>,
) -> ApiResult<Json<Vec<PlanItem>>> {
    let year = q.year.unwrap_or_else(|| i64::from(crate::kit::dates::today().year()));
    if !(2000..=2099).contains(&year) {
        return Err(ApiError::BadRequest("year must be from 2000 to 2099".into()));
    }
    Ok(Json(sec(&state, &user)?.plan_items(year).await?))
}

#[utoipa::path(post, path = "/secretariat/plan", tag = "secretariat", operation_id = "create_plan_item", request_body = PlanItemInput,
    responses((status = 201, body = PlanItem), (status = 404, body = crate::kit::api::ErrorBody), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn create_plan_item(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    ApiJson(body): ApiJson<PlanItemInput>,
) -> ApiResult<Response> {
    Ok(created(sec(&state, &user)?.add_plan_item(&body).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct StatusBody {
    /// not_started, in_progress or done.
    pub status: String,
}

fn plan_status(body: &StatusBody) -> ApiResult<PlanStatus> {
    PlanStatus::parse(&body.status).ok_or_else(|| ApiError::Unprocessable(format!("unknown status {}", body.status)))
}

#[utoipa::path(put, path = "/secretariat/plan/{id}/status", tag = "secretariat", operation_id = "set_plan_item_status",
    params(("id" = String, Path)), request_body = StatusBody,
    responses((status = 204, description = "Saved"), (status = 404, body = crate::kit::api::ErrorBody), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn set_plan_status(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StatusBody>,
) -> ApiResult<StatusCode> {
    sec(&state, &user)?
        .set_plan_status(path_id(&id)?, plan_status(&body)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/secretariat/followups/{id}/status", tag = "secretariat", operation_id = "set_followup_status",
    params(("id" = String, Path)), request_body = StatusBody,
    responses((status = 204, description = "Saved"), (status = 404, body = crate::kit::api::ErrorBody), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn set_followup_status(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StatusBody>,
) -> ApiResult<StatusCode> {
    sec(&state, &user)?
        .set_followup_status(path_id(&id)?, plan_status(&body)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A document's consultation rounds with the comments received.
#[utoipa::path(get, path = "/secretariat/documents/{id}/consultations", tag = "secretariat", operation_id = "list_consultations",
    params(("id" = String, Path)), responses((status = 200, body = Vec<Consultation>), (status = 404, body = crate::kit::api::ErrorBody)))]
pub async fn consultations(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Consultation>>> {
    Ok(Json(sec(&state, &user)?.consultations(path_id(&id)?).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewConsultation {
    /// YYYY-MM-DD.
    pub opens: String,
    /// YYYY-MM-DD, not before `opens`.
    pub closes: String,
}

#[utoipa::path(post, path = "/secretariat/documents/{id}/consultations", tag = "secretariat", operation_id = "create_consultation",
    params(("id" = String, Path)), request_body = NewConsultation,
    responses((status = 201, body = Consultation), (status = 404, body = crate::kit::api::ErrorBody), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn create_consultation(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewConsultation>,
) -> ApiResult<Response> {
    let s = sec(&state, &user)?;
    Ok(created(
        s.add_consultation(path_id(&id)?, &body.opens, &body.closes).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewConsultationComment {
    pub organisation: String,
    /// YYYY-MM-DD.
    pub received_on: String,
    pub summary: String,
}

#[utoipa::path(post, path = "/secretariat/documents/{id}/consultations/{consultation_id}/comments", tag = "secretariat",
    operation_id = "add_consultation_comment", params(("id" = String, Path), ("consultation_id" = String, Path)),
    request_body = NewConsultationComment,
    responses((status = 201, body = ConsultationComment), (status = 404, body = crate::kit::api::ErrorBody), (status = 422, body = crate::kit::api::ErrorBody)))]
pub async fn add_consultation_comment(
    State(state): State<AppState>,
    SecretariatUser(user): SecretariatUser,
    Path((id, consultation_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<NewConsultationComment>,
) -> ApiResult<Response> {
    let s = sec(&state, &user)?;
    let (id, consultation_id) = (path_id(&id)?, path_id(&consultation_id)?);
    if !s.consultations(id).await?.iter().any(|c| c.id == consultation_id) {
        return Err(ApiError::NotFound);
    }
    Ok(created(
        s.add_consultation_comment(consultation_id, &body.organisation, &body.received_on, &body.summary)
            .await?,
    ))
}

/// The limits of this module's bodies, from the checks that enforce them.
pub(crate) fn limits() -> Vec<(&'static str, &'static str, Limit)> {
    use etterlev_core::sector_stats::{K_MAX, K_MIN};
    vec![
        ("Threshold", "k", Limit::Range(i64::from(K_MIN), i64::from(K_MAX))),
        ("StatusBody", "status", one_of(PlanStatus::ALL, PlanStatus::as_str)),
        ("PlanItemInput", "status", one_of(PlanStatus::ALL, PlanStatus::as_str)),
        ("DocumentInput", "kind", one_of(DocumentKind::ALL, DocumentKind::as_str)),
        (
            "DocumentInput",
            "status",
            one_of(DocumentStatus::ALL, DocumentStatus::as_str),
        ),
        ("CaseInput", "kind", one_of(CaseKind::ALL, CaseKind::as_str)),
        // What `CaseNumber::parse` reads: NN/YY or NN/YYYY, number 1–999, year 2000–2099.
        (
            "CaseInput",
            "number",
            Limit::Pattern(r"^\s*(0{0,3}[1-9]|0{0,2}[1-9][0-9]|0?[1-9][0-9]{2})/([0-9]{2}|20[0-9]{2})\s*$"),
        ),
        (
            "CaseInput",
            "proposed_status",
            one_of(DocumentStatus::ALL, DocumentStatus::as_str),
        ),
        (
            "DecisionInput",
            "new_status",
            one_of(DocumentStatus::ALL, DocumentStatus::as_str),
        ),
        ("SeatInput", "role", one_of(MemberRole::ALL, MemberRole::as_str)),
        (
            "AttendanceInput",
            "status",
            one_of(AttendanceStatus::ALL, AttendanceStatus::as_str),
        ),
    ]
}

/// The secretariat endpoints' part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(documents, create_document, document, update_document, organisations, create_organisation, seats, create_seat, end_seat, meetings,
        create_meeting, meeting, update_meeting, set_attendance, add_case, update_case, add_comment, decide, minutes_docx, statistics, set_k, plan,
        create_plan_item, set_plan_status, set_followup_status, consultations, create_consultation, add_consultation_comment),
    components(schemas(Document, DocumentInput, DocumentUpdate, DocumentDetail, StatusChange, Organisation, NewOrganisation, Seat, SeatInput, SeatEnd,
        Meeting, MeetingInput, MeetingDetail, Attendance, AttendanceInput, Case, CaseInput, CaseComment, NewComment,
        CaseDecisionInput, Statistics, StatisticsCell, Threshold, PlanItem, PlanItemInput, StatusBody, Consultation,
        ConsultationComment, NewConsultation, NewConsultationComment)),
    tags((name = "secretariat", description = "The Normen secretariat (secretariat users only): document portfolio, steering group, minutes and protected sector statistics"))
)]
pub struct SecretariatDoc;
