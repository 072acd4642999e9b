//! The REST API under `/api/v1`, described by the OpenAPI document at
//! `/api/v1/openapi.json`: each area's routes and document parts put
//! together, the shared error responses and the limits written in.
//!
//! Authentication is by personal API token only (`Authorization: Bearer
//! etl_pat_…`); cookies are never accepted here, which is why this subtree
//! needs no CSRF protection. Objects of tenants the token's user does not
//! belong to answer 404, exactly like objects that do not exist.

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::OpenApi;

use crate::AppState;
use crate::kit::api::{ApiError, ErrorBody, FieldErrorDto, json_errors};
use crate::kit::contract;
use crate::{accounts, actions, assessment, catalog, inventory, secretariat, test_projects};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .merge(accounts::api_routes())
        .merge(catalog::api_routes())
        .merge(assessment::api_routes())
        .merge(actions::api_routes())
        .merge(test_projects::api_routes())
        .merge(inventory::api_routes())
        .merge(secretariat::api_routes())
        .fallback(|| async { ApiError::NotFound })
        .layer(axum::middleware::map_response(json_errors))
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
    components(schemas(ErrorBody, FieldErrorDto)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// The whole OpenAPI document: every part merged, the shared error
/// The whole OpenAPI document: every part merged, the shared error
/// responses added and the limits the handlers enforce written in.
pub fn document() -> utoipa::openapi::OpenApi {
    use utoipa::Modify;
    let mut doc = ApiDoc::openapi();
    doc.merge(accounts::ApiDoc::openapi());
    doc.merge(catalog::ApiDoc::openapi());
    doc.merge(assessment::ApiDoc::openapi());
    doc.merge(actions::ApiDoc::openapi());
    doc.merge(test_projects::ApiDoc::openapi());
    doc.merge(inventory::ApiDoc::openapi());
    doc.merge(secretariat::ApiDoc::openapi());
    contract::CommonResponses.modify(&mut doc);
    contract::apply(&mut doc, limits());
    doc
}

/// Every area's body limits: what `ApiJson` enforces and the document states.
pub(crate) fn limits() -> &'static [(&'static str, &'static str, contract::Limit)] {
    static ALL: std::sync::OnceLock<Vec<(&'static str, &'static str, contract::Limit)>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut v = accounts::api_limits();
        v.extend(actions::api_limits());
        v.extend(test_projects::api_limits());
        v.extend(inventory::api_limits());
        v.extend(secretariat::api_limits());
        v
    })
}

async fn openapi() -> Response {
    static JSON: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    match JSON.get_or_init(|| document().to_json().map_err(|e| e.to_string())) {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json.clone()).into_response(),
        Err(e) => ApiError::Internal(e.clone()).into_response(),
    }
}
