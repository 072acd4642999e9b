//! The requirement catalogue: browsing, search, diffs, mappings, downloads
//! (.docx, .xlsx, HTML, OSCAL) and the glossary.

mod api;
pub mod catalogs;
mod export;
pub mod glossary;
mod glossary_page;
mod pages;
pub mod search;

use axum::Router;

use crate::AppState;

pub(crate) use api::{CatalogDoc as ApiDoc, TextDto, routes as api_routes};
pub use catalogs::{Catalogs, Loaded, is_key, is_slug};
pub use glossary::link_terms;

pub(crate) fn router() -> Router<AppState> {
    Router::new().merge(pages::router()).merge(glossary_page::router())
}
