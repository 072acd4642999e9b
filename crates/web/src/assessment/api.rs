//! Self-assessment endpoints of the REST API: list and create assessments,
//! read one with its scores, read its answers and save one answer.
//!
//! An assessment belongs to one tenant; the token's user sees the
//! assessments of every tenant they belong to, and one of any other tenant
//! is 404, exactly like one that does not exist. Saving an answer names the
//! version it read (0: no answer yet): a stale one is 409 with the answer as
//! stored now, and nothing changes. Input that breaks a rule is 400 with a
//! message saying what to send.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use etterlev_core::{AnswerStatus, Condition, Maturity, Score, SizeClass, TenantKind};
use etterlev_store::{
    Answer, AnswerInput, Assessment, AssessmentKind, AssessmentProfile, ConflictWith, NewAssessment, StoreError,
    TenantScope, User,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::pages::{OWNER_MAX, Sheet, TITLE_MAX, assessable_node, is_date};
use crate::AppState;
use crate::catalog::Loaded;
use crate::catalog::TextDto;
use crate::kit::api::{ApiError, ApiJson, ApiResult, ApiUser, ErrorBody, create_scope, id, scopes};

/// This area's part of `/api/v1`.
pub(crate) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/assessments", get(list).post(create))
        .route("/assessments/{id}", get(get_one))
        .route("/assessments/{id}/answers", get(answers))
        .route("/assessments/{id}/answers/{node_id}", answer_route())
}

use super::answer::{COMMENT_MAX, REASON_MAX};

// ------------------------------------------------------------------ DTOs

/// What decides which requirements apply.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentProfileDto {
    /// hospital_trust, municipality, gp_office, dentist, pharmacy, physiotherapist, other_health_provider or supplier.
    #[schema(example = "gp_office")]
    pub kind: String,
    /// micro, small, medium or large.
    #[schema(example = "micro")]
    pub size: String,
    /// Conditions that hold, e.g. uses_cloud_services.
    #[serde(default)]
    pub conditions: Vec<String>,
}

impl From<&AssessmentProfile> for AssessmentProfileDto {
    fn from(p: &AssessmentProfile) -> Self {
        AssessmentProfileDto {
            kind: p.kind.as_str().into(),
            size: p.size.as_str().into(),
            conditions: p.conditions.iter().map(|c| c.as_str().to_owned()).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentDto {
    pub id: String,
    /// The tenant the assessment belongs to.
    pub tenant_id: String,
    #[schema(example = "normen@6.0")]
    pub catalog_key: String,
    pub title: String,
    /// full, or wizard (the small-enterprise path).
    #[schema(example = "full")]
    pub kind: String,
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    pub period_start: Option<String>,
    /// YYYY-MM-DD.
    pub period_end: Option<String>,
    pub profile: AssessmentProfileDto,
    /// The assessment whose answers it started from.
    pub previous_id: Option<String>,
    pub closed: bool,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub version: i64,
}

impl AssessmentDto {
    fn new(a: &Assessment, tenant_id: &str) -> Self {
        AssessmentDto {
            id: a.id.clone(),
            tenant_id: tenant_id.to_owned(),
            catalog_key: a.catalog_key.clone(),
            title: a.title.clone(),
            kind: a.kind.as_str().into(),
            owner: a.owner.clone(),
            period_start: a.period_start.clone(),
            period_end: a.period_end.clone(),
            profile: (&a.profile).into(),
            previous_id: a.previous_id.clone(),
            closed: a.closed,
            created_at: a.created_at,
            version: a.version,
        }
    }
}

/// Scores of a set of requirements (etterlev's own measure, see the docs).
#[derive(Serialize, ToSchema)]
pub struct ScoreDto {
    /// Requirements that apply (all but not applicable).
    pub applicable: u32,
    /// Of those, implemented or verified.
    pub met: u32,
    pub partly: u32,
    pub not_applicable: u32,
    /// Share met among applicable, 0–100.
    pub compliance: f64,
    /// Mean maturity of applicable requirements over 5, 0–100 (unrated counts as 0).
    pub maturity: f64,
}

impl From<Score> for ScoreDto {
    fn from(s: Score) -> Self {
        ScoreDto {
            applicable: s.applicable,
            met: s.met,
            partly: s.partly,
            not_applicable: s.not_applicable,
            compliance: s.compliance,
            maturity: s.maturity,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChapterScoreDto {
    /// The chapter's node id.
    pub id: String,
    #[schema(example = "5")]
    pub label: String,
    pub title: TextDto,
    pub score: ScoreDto,
}

#[derive(Serialize, ToSchema)]
pub struct AssessmentDetailDto {
    pub assessment: AssessmentDto,
    pub overall: ScoreDto,
    /// Chapters with at least one applicable requirement, in reading order.
    pub chapters: Vec<ChapterScoreDto>,
    /// Requirements that apply to the profile.
    pub requirements: usize,
    /// Of those, answered.
    pub answered: usize,
    /// Answers carried over from a changed requirement, to be reviewed.
    pub needs_review: usize,
}

#[derive(Serialize, ToSchema)]
pub struct AnswerDto {
    #[schema(example = "5.2-a")]
    pub node_id: String,
    /// not_applicable, not_started, partly, implemented or verified.
    #[schema(example = "partly")]
    pub status: String,
    /// 0–5.
    pub maturity: Option<u8>,
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    pub due_date: Option<String>,
    pub comment: Option<String>,
    pub na_reason: Option<String>,
    /// yes, partly, no or dont_know, when answered in the wizard.
    pub wizard_answer: Option<String>,
    /// Carried over from a changed requirement: someone should look again.
    pub needs_review: bool,
    /// Send it back when saving (optimistic locking).
    pub version: i64,
    /// Milliseconds since the Unix epoch.
    pub updated_at: i64,
    /// E-mail address of whoever saved it last.
    pub updated_by: Option<String>,
}

impl From<&Answer> for AnswerDto {
    fn from(a: &Answer) -> Self {
        AnswerDto {
            node_id: a.node_id.clone(),
            status: a.status.as_str().into(),
            maturity: a.maturity.map(Maturity::level),
            owner: a.owner.clone(),
            due_date: a.due_date.clone(),
            comment: a.comment.clone(),
            na_reason: a.na_reason.clone(),
            wizard_answer: a.wizard_answer.map(|w| w.as_str().to_owned()),
            needs_review: a.needs_review,
            version: a.version,
            updated_at: a.updated_at,
            updated_by: a.updated_by.clone(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssessmentDto {
    /// Required when the user belongs to more than one tenant.
    pub tenant_id: Option<String>,
    /// A loaded catalogue version.
    #[schema(example = "normen@6.0")]
    pub catalog_key: String,
    pub title: String,
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    pub period_start: Option<String>,
    /// YYYY-MM-DD, not before the start.
    pub period_end: Option<String>,
    /// Default: the tenant's kind and size, no conditions.
    pub profile: Option<AssessmentProfileDto>,
    /// An earlier assessment of the same tenant whose answers are copied.
    pub start_from: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerPutDto {
    /// not_applicable, not_started, partly, implemented or verified.
    #[schema(example = "implemented")]
    pub status: String,
    /// 0–5; leave out for not rated.
    pub maturity: Option<i64>,
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    pub due_date: Option<String>,
    pub comment: Option<String>,
    /// Required for not_applicable.
    pub na_reason: Option<String>,
    /// The version the change is based on: the answer's `version`, or 0 when
    /// there was no answer yet.
    pub version: i64,
}

/// A stale save: nothing changed; this is the answer as stored now.
#[derive(Serialize, ToSchema)]
pub struct AnswerConflictDto {
    #[schema(example = "conflict")]
    pub error: &'static str,
    pub message: String,
    pub current: AnswerDto,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssessmentQuery {
    /// Only this tenant's assessments (default: every tenant of the user).
    pub tenant_id: Option<String>,
}

// ------------------------------------------------------------------ helpers

async fn loaded(state: &AppState) -> ApiResult<std::sync::Arc<Loaded>> {
    Ok(state.catalogs.get(&state.store).await?)
}

/// The tenant an assessment with this id belongs to, among the user's.
async fn find(state: &AppState, user: &User, assessment_id: &str) -> ApiResult<(TenantScope, Assessment)> {
    let assessment_id = id(assessment_id)?;
    for scope in scopes(state, user, None).await? {
        match state.store.tenant(&scope).assessment(assessment_id).await {
            Ok(a) => return Ok((scope, a)),
            Err(StoreError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::NotFound)
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::Unprocessable(msg.into())
}

/// Rule violations the store finds are refused values here, like ours.
fn store_err(e: StoreError) -> ApiError {
    match e {
        StoreError::Invalid(r) => ApiError::Unprocessable(r.to_string()),
        e => e.into(),
    }
}

fn one_line(name: &'static str, v: Option<String>, max: usize) -> ApiResult<Option<String>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => etterlev_core::text::one_line(name, s, max)
            .map(Some)
            .map_err(|e| bad(e.to_string())),
    }
}

fn long_text(name: &str, v: Option<String>, max: usize) -> ApiResult<Option<String>> {
    let Some(v) = v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned) else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(bad(format!("{name} must be at most {max} characters")));
    }
    if v.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(bad(format!("{name} must not contain control characters")));
    }
    Ok(Some(v))
}

fn date(name: &str, v: Option<String>) -> ApiResult<Option<String>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(d) if is_date(d) => Ok(Some(d.to_owned())),
        Some(d) => Err(bad(format!(
            "{name} must be a date written YYYY-MM-DD, not {:?}",
            d.chars().take(40).collect::<String>()
        ))),
    }
}

fn names<T: std::fmt::Display>(all: &[T]) -> String {
    all.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

fn parse_profile(p: &AssessmentProfileDto) -> ApiResult<AssessmentProfile> {
    let kind = TenantKind::parse(&p.kind).ok_or_else(|| {
        bad(format!(
            "unknown kind {:?}: use one of {}",
            p.kind,
            names(TenantKind::ALL)
        ))
    })?;
    let size = SizeClass::parse(&p.size).ok_or_else(|| {
        bad(format!(
            "unknown size {:?}: use one of {}",
            p.size,
            names(SizeClass::ALL)
        ))
    })?;
    let mut conditions = Vec::new();
    for c in &p.conditions {
        let c = Condition::parse(c)
            .ok_or_else(|| bad(format!("unknown condition {c:?}: use any of {}", names(Condition::ALL))))?;
        if !conditions.contains(&c) {
            conditions.push(c);
        }
    }
    Ok(AssessmentProfile { kind, size, conditions })
}

pub(crate) fn parse_answer(body: AnswerPutDto) -> ApiResult<(AnswerInput, i64)> {
    let status = AnswerStatus::parse(body.status.trim()).ok_or_else(|| {
        bad(format!(
            "unknown status {:?}: use one of {}",
            body.status,
            names(AnswerStatus::ALL)
        ))
    })?;
    let maturity = body
        .maturity
        .map(Maturity::new)
        .transpose()
        .map_err(|e| bad(e.to_string()))?;
    if body.version < 0 {
        return Err(bad("version must be 0 (no answer yet) or the answer's version"));
    }
    let na_reason = long_text("na_reason", body.na_reason, REASON_MAX)?;
    if status == AnswerStatus::NotApplicable && na_reason.is_none() {
        return Err(bad("na_reason is required when the status is not_applicable"));
    }
    Ok((
        AnswerInput {
            status,
            maturity,
            owner: one_line("owner", body.owner, OWNER_MAX)?,
            due_date: date("due_date", body.due_date)?,
            comment: long_text("comment", body.comment, COMMENT_MAX)?,
            na_reason: if status == AnswerStatus::NotApplicable {
                na_reason
            } else {
                None
            },
            wizard_answer: None,
        },
        body.version,
    ))
}

// ------------------------------------------------------------------ handlers

/// Assessments, newest first.
#[utoipa::path(get, path = "/assessments", tag = "assessments", params(AssessmentQuery),
    responses((status = 200, body = Vec<AssessmentDto>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    crate::kit::api::ApiQuery(q): crate::kit::api::ApiQuery<AssessmentQuery>,
) -> ApiResult<Json<Vec<AssessmentDto>>> {
    let mut out = Vec::new();
    for scope in scopes(&state, &user, q.tenant_id.as_deref()).await? {
        let list = state.store.tenant(&scope).list_assessments().await?;
        out.extend(list.iter().map(|a| AssessmentDto::new(a, scope.tenant_id())));
    }
    out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
    Ok(Json(out))
}

/// Creates an assessment (editors and admins).
#[utoipa::path(post, path = "/assessments", tag = "assessments", request_body = NewAssessmentDto,
    responses((status = 201, body = AssessmentDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<NewAssessmentDto>,
) -> ApiResult<Response> {
    let scope = create_scope(&state, &user, body.tenant_id.as_deref()).await?;
    let ts = state.store.tenant(&scope);
    let loaded = loaded(&state).await?;
    if loaded.catalog(&body.catalog_key).is_none() {
        return Err(bad(format!(
            "unknown catalog_key {:?}: use the key of a loaded catalogue version (GET /catalogs)",
            body.catalog_key
        )));
    }
    let profile = match &body.profile {
        Some(p) => parse_profile(p)?,
        None => {
            let t = ts.tenant().await?;
            AssessmentProfile {
                kind: t.kind,
                size: t.size_class,
                conditions: Vec::new(),
            }
        }
    };
    let title = etterlev_core::text::one_line("title", &body.title, TITLE_MAX).map_err(|e| bad(e.to_string()))?;
    let period_start = date("period_start", body.period_start)?;
    let period_end = date("period_end", body.period_end)?;
    if let (Some(s), Some(e)) = (&period_start, &period_end)
        && e < s
    {
        return Err(bad(format!("the period ends ({e}) before it starts ({s})")));
    }
    let start_from = match body.start_from.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            crate::is_object_id(s)
                .then(|| s.to_owned())
                .ok_or_else(|| bad("start_from must be the id of an earlier assessment"))?,
        ),
        None => None,
    };
    let a = ts
        .create_assessment(NewAssessment {
            catalog_key: body.catalog_key,
            title,
            kind: AssessmentKind::Full,
            owner: one_line("owner", body.owner, OWNER_MAX)?,
            period_start,
            period_end,
            profile,
            start_from,
        })
        .await
        .map_err(|e| match e {
            StoreError::NotFound => bad("start_from names no assessment of this tenant"),
            e => store_err(e),
        })?;
    Ok((StatusCode::CREATED, Json(AssessmentDto::new(&a, scope.tenant_id()))).into_response())
}

/// One assessment with its scores, overall and per chapter.
#[utoipa::path(get, path = "/assessments/{id}", tag = "assessments", params(("id" = String, Path)),
    responses((status = 200, body = AssessmentDetailDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(assessment_id): Path<String>,
) -> ApiResult<Json<AssessmentDetailDto>> {
    let (scope, a) = find(&state, &user, &assessment_id).await?;
    let answers = state.store.tenant(&scope).answers(&a.id).await?;
    let loaded = loaded(&state).await?;
    let catalog = loaded
        .catalog(&a.catalog_key)
        .ok_or_else(|| ApiError::Internal(format!("catalogue {} is not loaded", a.catalog_key)))?;
    let sheet = Sheet::new(catalog, &a.profile, &answers);
    let chapters = sheet
        .chapters
        .iter()
        .map(|c| ChapterScoreDto {
            id: c.id.clone(),
            label: c.label().to_owned(),
            title: (&c.title).into(),
            score: sheet.chapter_score(&c.id).into(),
        })
        .collect();
    Ok(Json(AssessmentDetailDto {
        assessment: AssessmentDto::new(&a, scope.tenant_id()),
        overall: sheet.scores.overall.into(),
        chapters,
        requirements: sheet.rows.len(),
        answered: sheet.answered(),
        needs_review: sheet
            .rows
            .iter()
            .filter(|r| r.answer.is_some_and(|x| x.needs_review))
            .count(),
    }))
}

/// The assessment's stored answers, in the catalogue's order. Requirements
/// without an answer count as not started.
#[utoipa::path(get, path = "/assessments/{id}/answers", tag = "assessments", params(("id" = String, Path)),
    responses((status = 200, body = Vec<AnswerDto>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn answers(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(assessment_id): Path<String>,
) -> ApiResult<Json<Vec<AnswerDto>>> {
    let (scope, a) = find(&state, &user, &assessment_id).await?;
    let answers = state.store.tenant(&scope).answers(&a.id).await?;
    Ok(Json(answers.iter().map(Into::into).collect()))
}

/// Saves the answer to one requirement (editors and admins). `version` must
/// be the stored one (0 when there is no answer yet); otherwise nothing
/// changes and the answer is 409 with the answer as stored now.
#[utoipa::path(put, path = "/assessments/{id}/answers/{node_id}", tag = "assessments",
    params(("id" = String, Path), ("node_id" = String, Path, description = "A requirement or recommendation of the assessment's catalogue")),
    request_body = AnswerPutDto,
    responses((status = 200, body = AnswerDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = AnswerConflictDto), (status = 422, body = ErrorBody)))]
pub async fn put_answer(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((assessment_id, node_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<AnswerPutDto>,
) -> ApiResult<Response> {
    let (scope, a) = find(&state, &user, &assessment_id).await?;
    let loaded = loaded(&state).await?;
    let catalog = loaded
        .catalog(&a.catalog_key)
        .ok_or_else(|| ApiError::Internal(format!("catalogue {} is not loaded", a.catalog_key)))?;
    let node = assessable_node(catalog, &node_id).ok_or(ApiError::NotFound)?;
    let (input, version) = parse_answer(body)?;
    let ts = state.store.tenant(&scope);
    match ts.save_answer(&a.id, &node.id, input, version).await {
        Ok(saved) => Ok(Json(AnswerDto::from(&saved)).into_response()),
        Err(StoreError::VersionConflict(c)) => {
            let current = match *c {
                ConflictWith::Answer(x) => x,
                _ => ts
                    .answers(&a.id)
                    .await?
                    .into_iter()
                    .find(|x| x.node_id == node.id)
                    .ok_or_else(|| ApiError::Conflict("stale version".into()))?,
            };
            Ok((
                StatusCode::CONFLICT,
                Json(AnswerConflictDto {
                    error: "conflict",
                    message: format!(
                        "the answer was saved by someone else meanwhile (version {} is stored, this change was based on {}); nothing was changed",
                        current.version, version
                    ),
                    current: (&current).into(),
                }),
            )
                .into_response())
        }
        Err(e) => Err(store_err(e)),
    }
}

/// `PUT /assessments/{id}/answers/{node_id}`.
pub fn answer_route() -> axum::routing::MethodRouter<AppState> {
    axum::routing::put(put_answer)
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, create, get_one, answers, put_answer),
    components(schemas(AssessmentDto, AssessmentProfileDto, ScoreDto, ChapterScoreDto, AssessmentDetailDto, AnswerDto,
        NewAssessmentDto, AnswerPutDto, AnswerConflictDto)),
    tags((name = "assessments", description = "Self-assessments against a catalogue version: answers per requirement with optimistic locking, and scores"))
)]
pub struct AssessmentsDoc;

#[cfg(test)]
mod tests {
    use super::*;

    fn put(status: &str) -> AnswerPutDto {
        AnswerPutDto {
            status: status.into(),
            maturity: None,
            owner: None,
            due_date: None,
            comment: None,
            na_reason: None,
            version: 0,
        }
    }

    #[test]
    fn answer_rules() {
        assert!(parse_answer(put("implemented")).is_ok());
        for (body, word) in [
            (put("done"), "unknown status"),
            (put("not_applicable"), "na_reason is required"),
            (
                AnswerPutDto {
                    maturity: Some(6),
                    ..put("partly")
                },
                "maturity",
            ),
            (
                AnswerPutDto {
                    due_date: Some("31.12.2026".into()),
                    ..put("partly")
                },
                "YYYY-MM-DD",
            ),
            (
                AnswerPutDto {
                    version: -1,
                    ..put("partly")
                },
                "version",
            ),
        ] {
            match parse_answer(body) {
                Err(ApiError::Unprocessable(m)) => assert!(m.contains(word), "{m}"),
                _ => panic!("expected a 422 about {word}"),
            }
        }
    }
}
