//! Test projects: the checklist of the test-data guideline per project,
//! and the decision on using real data in a test.

mod api;
mod pages;

use axum::Router;

use crate::AppState;

pub(crate) use api::{TestDataDoc as ApiDoc, limits as api_limits, routes as api_routes};

pub(crate) fn router() -> Router<AppState> {
    pages::router()
}
