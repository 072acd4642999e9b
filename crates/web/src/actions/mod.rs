//! The action plan: actions from gaps or typed in, the filtered list with
//! bulk changes, and the API.

mod api;
mod list;
mod pages;

use axum::Router;

use crate::AppState;

pub(crate) use api::{ActionsDoc as ApiDoc, limits as api_limits, routes as api_routes};
pub(crate) use list::show_date;
pub(crate) use pages::{gap_priority, overdue, priority_label, status_label};

pub(crate) fn router() -> Router<AppState> {
    pages::router()
}
