//! Catalogue endpoints of the REST API. Catalogues are global reference
//! data: any valid token may read them. Unknown keys and ids answer 404,
//! malformed parameters 400 with a message saying what to send.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use etterlev_catalog::{Catalog, Exclusion, LocalText, Node};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::catalog::catalogs::{Loaded, ProfileParams, is_key, is_slug};
use crate::catalog::export::ExportFormat;
use crate::catalog::search::SnippetPart;
use crate::kit::api::{ApiError, ApiResult, ApiUser};
use crate::kit::i18n::Lang;

/// This area's part of `/api/v1`.
pub(crate) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/catalogs", get(catalogs))
        .route("/catalogs/search", get(search))
        .route("/catalogs/diff", get(diff))
        .route("/catalogs/{key}", get(catalog))
        .route("/catalogs/{key}/requirements", get(requirements))
        .route("/catalogs/{key}/export", get(export))
        .route("/mappings/{id}", get(mapping))
}

const DEFAULT_HITS: usize = 20;
const MAX_HITS: usize = 100;

async fn loaded(state: &AppState) -> ApiResult<std::sync::Arc<Loaded>> {
    Ok(state.catalogs.get(&state.store).await?)
}

fn find<'a>(loaded: &'a Loaded, key: &str) -> ApiResult<&'a Catalog> {
    if !is_key(key) {
        return Err(ApiError::NotFound);
    }
    loaded.catalog(key).ok_or(ApiError::NotFound)
}

fn param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

// ------------------------------------------------------------------ DTOs

/// Text in Norwegian bokmål, and English where a translation exists. An
/// imported text in another language has no bokmål: `nb` is empty and the
/// text is in `orig` with its language code.
#[derive(Serialize, ToSchema)]
pub struct TextDto {
    pub nb: String,
    pub en: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orig: Option<OrigTextDto>,
}

/// A text in its source language (ISO 639 code), e.g. `fr`.
#[derive(Serialize, ToSchema)]
pub struct OrigTextDto {
    #[schema(example = "fr")]
    pub lang: String,
    pub text: String,
}

impl From<&LocalText> for TextDto {
    fn from(t: &LocalText) -> Self {
        TextDto {
            nb: t.nb.clone(),
            en: t.en.clone(),
            orig: t.orig.as_ref().map(|o| OrigTextDto {
                lang: o.lang.clone(),
                text: o.text.clone(),
            }),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CatalogSummaryDto {
    /// `id@version`: how a catalogue version is named everywhere.
    #[schema(example = "normen@6.0")]
    pub key: String,
    #[schema(example = "normen")]
    pub id: String,
    #[schema(example = "6.0")]
    pub version: String,
    pub title: TextDto,
    /// Date of the source version (YYYY-MM-DD).
    pub date: String,
    /// official, summary, draft or fixture.
    pub status: Option<String>,
    /// Requirements and recommendations.
    pub requirement_count: i64,
    /// SHA-256 of the stored content: a version never changes.
    pub sha256: String,
    /// Milliseconds since the Unix epoch.
    pub imported_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct RequirementDto {
    pub id: String,
    /// The number shown to people.
    #[schema(example = "2.1 a")]
    pub label: String,
    /// requirement or recommendation.
    pub kind: String,
    pub title: TextDto,
    /// Checked against the public source.
    pub verified: bool,
    /// The number in `label` is ours, not the source's: cite the
    /// requirement by its title and source.
    pub number_is_ours: bool,
}

impl RequirementDto {
    fn of(catalog: &Catalog, n: &Node) -> Self {
        RequirementDto {
            id: n.id.clone(),
            label: n.label().to_owned(),
            kind: n.kind.as_str().to_owned(),
            title: (&n.title).into(),
            verified: n.verified,
            number_is_ours: catalog.number_is_ours(n),
        }
    }
}

/// Why a requirement does not apply.
#[derive(Serialize, ToSchema)]
pub struct ReasonDto {
    /// kind, size or condition.
    pub reason: String,
    /// The kinds or sizes the rule allows (for kind and size).
    pub allowed: Vec<String>,
    /// The condition that does not hold (for condition).
    pub condition: Option<String>,
    /// The node whose applicability rule excluded it (itself or an ancestor).
    pub rule_from: String,
}

impl From<&Exclusion> for ReasonDto {
    fn from(e: &Exclusion) -> Self {
        match e {
            Exclusion::Kind { allowed, rule_from } => ReasonDto {
                reason: "kind".into(),
                allowed: allowed.iter().map(|k| k.as_str().to_owned()).collect(),
                condition: None,
                rule_from: rule_from.clone(),
            },
            Exclusion::Size { allowed, rule_from } => ReasonDto {
                reason: "size".into(),
                allowed: allowed.iter().map(|s| s.as_str().to_owned()).collect(),
                condition: None,
                rule_from: rule_from.clone(),
            },
            Exclusion::Condition { missing, rule_from } => ReasonDto {
                reason: "condition".into(),
                allowed: Vec::new(),
                condition: Some(missing.as_str().to_owned()),
                rule_from: rule_from.clone(),
            },
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ExcludedDto {
    pub requirement: RequirementDto,
    pub reasons: Vec<ReasonDto>,
}

#[derive(Serialize, ToSchema)]
pub struct ProfileDto {
    pub kind: String,
    pub size: String,
    pub conditions: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicabilityDto {
    pub catalog: String,
    pub profile: ProfileDto,
    /// Requirements and recommendations in the catalogue.
    pub total: usize,
    pub applicable: Vec<RequirementDto>,
    pub excluded: Vec<ExcludedDto>,
}

#[derive(Serialize, ToSchema)]
pub struct HitDto {
    pub catalog_key: String,
    pub node_id: String,
    pub label: String,
    pub title: String,
    /// nb or en: the language that matched.
    pub lang: String,
    /// Where the words matched; `highlight` marks the matching words.
    pub snippet: Vec<SnippetPart>,
}

// The query structs below only document the parameters in the OpenAPI
// document; handlers read the raw query so that errors are clear 400s.

/// Query of `GET /catalogs/{key}/requirements`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query for the OpenAPI document; the handler reads it field by field
pub struct RequirementsQuery {
    /// Kind of enterprise: hospital_trust, municipality, gp_office, dentist, pharmacy, physiotherapist,
    /// other_health_provider or supplier.
    #[param(
        pattern = "^(hospital_trust|municipality|gp_office|dentist|pharmacy|physiotherapist|other_health_provider|supplier)$"
    )]
    pub kind: String,
    /// Size class: micro, small, medium or large. Give this or `staff`.
    #[param(pattern = "^(micro|small|medium|large)$")]
    pub size: Option<String>,
    /// Number of staff; decides the size class and wins over `size`.
    pub staff: Option<u32>,
    /// Conditions that hold, comma-separated, e.g. `uses_cloud_services,nis2_entity`.
    #[param(
        pattern = "^(uses_cloud_services|uses_data_processors|processes_outside_eea|medical_devices_in_homes|runs_medical_devices|public_body|essential_service_provider|nis2_entity|shares_records_between_enterprises|connected_to_health_network|develops_or_tests_software|supplier_remote_access|research_or_health_registers|video_consultations)(,(uses_cloud_services|uses_data_processors|processes_outside_eea|medical_devices_in_homes|runs_medical_devices|public_body|essential_service_provider|nis2_entity|shares_records_between_enterprises|connected_to_health_network|develops_or_tests_software|supplier_remote_access|research_or_health_registers|video_consultations))*$"
    )]
    pub conditions: Option<String>,
}

/// Query of `GET /catalogs/search`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query for the OpenAPI document; the handler reads it field by field
pub struct SearchQuery {
    /// Search words. Norwegian words are stemmed: "passordet" finds "passord".
    #[param(min_length = 1)]
    pub q: String,
    /// Only this catalogue version (key).
    pub catalog: Option<String>,
    /// At most this many results (1–100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// Query of `GET /catalogs/diff`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query for the OpenAPI document; the handler reads it field by field
pub struct DiffQuery {
    /// The older version's key.
    #[param(min_length = 1)]
    pub from: String,
    /// The newer version's key, of the same catalogue.
    #[param(min_length = 1)]
    pub to: String,
}

// ------------------------------------------------------------------ handlers

/// Every catalogue version, by catalogue and date.
#[utoipa::path(get, path = "/catalogs", tag = "catalogs", responses(
    (status = 200, body = Vec<CatalogSummaryDto>), (status = 401, body = ErrorBody)))]
pub(super) async fn catalogs(State(state): State<AppState>, _user: ApiUser) -> ApiResult<Json<Vec<CatalogSummaryDto>>> {
    let list = state.store.list_catalogs().await?;
    Ok(Json(
        list.into_iter()
            .map(|c| CatalogSummaryDto {
                title: (&c.title).into(),
                key: c.key,
                id: c.catalog_id,
                version: c.version,
                date: c.date,
                status: c.status,
                requirement_count: c.requirement_count,
                sha256: c.sha256,
                imported_at: c.imported_at,
            })
            .collect(),
    ))
}

/// One catalogue version, complete, in the shape of the catalogue file
/// format (`catalog/schema/catalog.schema.json`).
#[utoipa::path(get, path = "/catalogs/{key}", tag = "catalogs",
    params(("key" = String, Path, description = "Catalogue key, e.g. normen@6.0")),
    responses((status = 200, body = Object, description = "The catalogue as JSON"), (status = 404, body = ErrorBody)))]
pub(super) async fn catalog(
    State(state): State<AppState>,
    _user: ApiUser,
    Path(key): Path<String>,
) -> ApiResult<Response> {
    let loaded = loaded(&state).await?;
    Ok(Json(find(&loaded, &key)?).into_response())
}

#[derive(serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query for the OpenAPI document; the handler reads it field by field
pub struct ExportQuery {
    /// `docx` (Word), `xlsx` (Excel), `html` (printable page) or `oscal`
    /// (OSCAL catalog JSON).
    #[param(pattern = "^(docx|xlsx|html|oscal)$")]
    pub format: String,
    /// Language of headings and labels: `nb` (default) or `en`.
    #[param(pattern = "^(nb|en)$")]
    pub lang: Option<String>,
}

/// One catalogue version as a file: Word, Excel, printable HTML or OSCAL
/// catalog JSON. The file name is `<id>-<version>.<ext>`
/// (`<id>-<version>.oscal.json` for OSCAL).
#[utoipa::path(get, path = "/catalogs/{key}/export", tag = "catalogs", operation_id = "catalog_export",
    params(("key" = String, Path, description = "Catalogue key, e.g. normen@6.0"), ExportQuery),
    responses(
        (status = 200, description = "The file, by format: .docx (application/vnd.openxmlformats-officedocument.wordprocessingml.document), .xlsx (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet), HTML (text/html) or OSCAL catalog JSON (application/json)"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn export(
    State(state): State<AppState>,
    _user: ApiUser,
    Path(key): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let loaded = loaded(&state).await?;
    let catalog = find(&loaded, &key)?;
    let format = match param(query.as_deref(), "format") {
        None => {
            return Err(ApiError::BadRequest(
                "format is required: docx, xlsx, html or oscal".into(),
            ));
        }
        Some(f) => ExportFormat::parse(&f)
            .ok_or_else(|| ApiError::BadRequest(format!("unknown format `{f}`: use docx, xlsx, html or oscal")))?,
    };
    let lang = match param(query.as_deref(), "lang") {
        None => Lang::Nb,
        Some(l) => Lang::parse(&l).ok_or_else(|| ApiError::BadRequest(format!("unknown lang `{l}`: use nb or en")))?,
    };
    let bytes = crate::catalog::export::export(catalog, format, lang)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(crate::kit::download(
        format.content_type(),
        &format.file_name(catalog),
        bytes,
    ))
}

/// The requirements that apply to an enterprise, and those that do not with
/// the reasons why.
#[utoipa::path(get, path = "/catalogs/{key}/requirements", tag = "catalogs",
    params(("key" = String, Path, description = "Catalogue key, e.g. normen@6.0"), RequirementsQuery),
    responses((status = 200, body = ApplicabilityDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "Neither `size` nor `staff` given")))]
pub(super) async fn requirements(
    State(state): State<AppState>,
    _user: ApiUser,
    Path(key): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<ApplicabilityDto>> {
    let loaded = loaded(&state).await?;
    let catalog = find(&loaded, &key)?;
    let neither_size_nor_staff =
        param(query.as_deref(), "size").is_none() && param(query.as_deref(), "staff").is_none();
    let profile = ProfileParams::from_query(query.as_deref()).profile().map_err(|m| {
        // Each parameter is valid alone; their combination is refused.
        if neither_size_nor_staff && m.starts_with("size or staff") {
            ApiError::field("size", m)
        } else {
            ApiError::BadRequest(m)
        }
    })?;
    let filtered = etterlev_catalog::filter(catalog, &profile);
    Ok(Json(ApplicabilityDto {
        catalog: catalog.key(),
        profile: ProfileDto {
            kind: profile.kind.as_str().into(),
            size: profile.size.as_str().into(),
            conditions: profile.conditions.iter().map(|c| c.as_str().to_owned()).collect(),
        },
        total: catalog.assessable().count(),
        applicable: filtered
            .applicable
            .iter()
            .map(|n| RequirementDto::of(catalog, n))
            .collect(),
        excluded: filtered
            .excluded
            .iter()
            .map(|(n, reasons)| ExcludedDto {
                requirement: RequirementDto::of(catalog, n),
                reasons: reasons.iter().map(Into::into).collect(),
            })
            .collect(),
    }))
}

/// Full-text search in the catalogues (Norwegian stemming).
#[utoipa::path(get, path = "/catalogs/search", tag = "catalogs", params(SearchQuery),
    responses((status = 200, body = Vec<HitDto>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn search(
    State(state): State<AppState>,
    _user: ApiUser,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<Vec<HitDto>>> {
    let loaded = loaded(&state).await?;
    let q =
        param(query.as_deref(), "q").ok_or_else(|| ApiError::BadRequest("q (the search words) is required".into()))?;
    let limit = match param(query.as_deref(), "limit") {
        None => DEFAULT_HITS,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_HITS).contains(n))
            .ok_or_else(|| ApiError::BadRequest(format!("limit must be a number from 1 to {MAX_HITS}")))?,
    };
    let only = param(query.as_deref(), "catalog");
    if let Some(key) = &only {
        find(&loaded, key)?;
    }
    Ok(Json(
        loaded
            .search
            .search(&q, only.as_deref(), limit)
            .into_iter()
            .map(|h| HitDto {
                catalog_key: h.catalog_key,
                node_id: h.node_id,
                label: h.label,
                title: h.title,
                lang: h.lang,
                snippet: h.snippet,
            })
            .collect(),
    ))
}

/// What changed between two versions of a catalogue: added, removed,
/// changed and moved nodes, text changes as word diffs.
#[utoipa::path(get, path = "/catalogs/diff", tag = "catalogs", params(DiffQuery),
    responses((status = 200, body = Object, description = "The differences (from, to, summary, entries)"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn diff(
    State(state): State<AppState>,
    _user: ApiUser,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let loaded = loaded(&state).await?;
    let (Some(from), Some(to)) = (param(query.as_deref(), "from"), param(query.as_deref(), "to")) else {
        return Err(ApiError::BadRequest(
            "from and to are required: the keys of two versions of one catalogue".into(),
        ));
    };
    let (a, b) = loaded
        .diff_pair(&from, &to)
        .map_err(ApiError::BadRequest)?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(etterlev_catalog::diff(a, b)).into_response())
}

/// One mapping between two catalogue versions, in the shape of the mapping
/// file format (`catalog/schema/mapping.schema.json`).
#[utoipa::path(get, path = "/mappings/{id}", tag = "catalogs",
    params(("id" = String, Path, description = "Mapping id, e.g. normen-nis2")),
    responses((status = 200, body = Object, description = "The mapping as JSON"), (status = 404, body = ErrorBody)))]
pub(super) async fn mapping(
    State(state): State<AppState>,
    _user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let loaded = loaded(&state).await?;
    if !is_slug(&id) {
        return Err(ApiError::NotFound);
    }
    let m = loaded.mapping(&id).ok_or(ApiError::NotFound)?;
    Ok(Json(m).into_response())
}

use crate::kit::api::ErrorBody;

/// This area's part of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(catalogs, catalog, requirements, export, search, diff, mapping),
    components(schemas(TextDto, OrigTextDto, CatalogSummaryDto, RequirementDto, ReasonDto, ExcludedDto,
        ProfileDto, ApplicabilityDto, HitDto, crate::catalog::search::SnippetPart)),
    tags((name = "catalogs", description = "Requirement catalogues (global reference data): versions, applicability, search, diffs and mappings"))
)]
pub struct CatalogDoc;

#[cfg(test)]
mod contract_tests {
    /// The documented pattern of `conditions` names every condition there is.
    #[test]
    fn conditions_pattern_names_every_condition() {
        let doc = serde_json::to_value(crate::api::document()).expect("json");
        let params = doc["paths"]["/catalogs/{key}/requirements"]["get"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let pattern = params
            .iter()
            .find(|p| p["name"] == "conditions")
            .and_then(|p| p["schema"]["pattern"].as_str())
            .unwrap_or("")
            .to_owned();
        let (first, _) = pattern.split_once(")(,").unwrap_or_default();
        let mut documented: Vec<&str> = first.trim_start_matches("^(").split('|').collect();
        let mut all: Vec<&str> = etterlev_core::Condition::ALL.iter().map(|c| c.as_str()).collect();
        documented.sort_unstable();
        all.sort_unstable();
        assert_eq!(documented, all, "{pattern}");
    }
}
