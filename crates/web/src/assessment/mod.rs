//! Self-assessment: assessments, answering requirement by requirement,
//! the dashboard, the management report, answers as a workbook, and
//! comparing two assessments.

mod answer;
mod api;
mod home;
mod pages;
mod report;

use axum::Router;

use crate::AppState;

pub(crate) use api::{AssessmentsDoc as ApiDoc, routes as api_routes};
pub(crate) use report::report_lang;

pub(crate) fn router() -> Router<AppState> {
    Router::new().merge(home::router()).merge(pages::router())
}
