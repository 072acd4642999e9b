//! Accounts: signing in (password, TOTP, recovery codes, OpenID Connect,
//! throttling of repeated failures), the user's own account, the
//! enterprise's members, its profile (which decides what applies) and its
//! audit log.

mod account;
mod admin;
mod api;
mod audit;
mod auth;
pub mod login_throttle;
pub mod oidc;
mod profile;

use axum::Router;

use crate::AppState;

pub(crate) use api::{AccountsDoc as ApiDoc, limits as api_limits, routes as api_routes};
pub(crate) use profile::enterprise_profile;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(auth::router())
        .merge(account::router())
        .merge(admin::router())
        .merge(audit::router())
        .merge(profile::router())
}
