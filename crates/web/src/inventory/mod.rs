//! Inventory: the enterprise's information systems with their protection
//! need, the integrations between them, the data-flow picture, and the
//! enterprise's own security measures linked to systems and requirements.

mod api;
mod import;
mod integrations;
mod levels;
mod measures;
mod pages;
mod systems;

use axum::Router;

use crate::AppState;

pub(crate) use api::{InventoryDoc as ApiDoc, limits as api_limits, routes as api_routes};

pub(crate) fn router() -> Router<AppState> {
    pages::router().merge(measures::router())
}
