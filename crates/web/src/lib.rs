//! The HTTP layer of etterlev: HTML pages (askama + htmx), the REST API under
//! `/api/v1`, sessions, CSRF protection, security headers, i18n and metrics.
//!
//! Architecture invariant: this is the only crate that knows HTTP and HTML.
//! Handlers gather input, call the store (which enforces tenant scope and
//! roles) and render; they hold no business rules of their own.

mod accounts;
mod actions;
pub mod api;
mod assessment;
pub mod catalog;
pub mod demo;
mod inventory;
pub mod kit;
pub mod reminders;
pub mod secretariat;
mod test_projects;
mod wizard;

pub use accounts::{login_throttle, oidc};
pub use catalog::{catalogs, glossary, search};
pub use kit::{client_addr, error, hashing, i18n, request_log, session};

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use etterlev_store::Store;

pub use kit::metrics::Metrics;

/// Largest request body accepted anywhere (forms, JSON). Uploads, when they
/// come, get their own route-level limit.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug)]
pub struct Config {
    /// The address users reach the app on, e.g. `https://etterlev.example.no`.
    /// Used for links, the OIDC redirect URL, cookie security and the CSRF
    /// origin check.
    pub public_url: url::Url,
    pub oidc: Option<oidc::OidcConfig>,
    /// Reverse proxies whose forwarding header names the client (for login
    /// throttling). Empty: the TCP peer is the client.
    pub trusted_proxies: client_addr::TrustedProxies,
}

impl Config {
    pub fn new(public_url: url::Url) -> Self {
        Config {
            public_url,
            oidc: None,
            trusted_proxies: client_addr::TrustedProxies::default(),
        }
    }

    /// Cookies get `Secure` and the `__Host-` prefix when served over TLS.
    pub fn secure(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub oidc: Option<Arc<oidc::Oidc>>,
    /// Where argon2 runs, bounded in threads and memory.
    pub hasher: Arc<hashing::HashPool>,
    /// The catalogues and their search index, reloaded after imports.
    pub catalogs: Arc<catalogs::Catalogs>,
    /// Delays sign-ins from addresses with many failures.
    pub login_throttle: Arc<login_throttle::LoginThrottle>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> Self {
        AppState {
            store,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::new()),
            oidc: None,
            hasher: Arc::new(hashing::HashPool::for_this_machine()),
            catalogs: Arc::new(catalogs::Catalogs::default()),
            login_throttle: Arc::new(login_throttle::LoginThrottle::default()),
        }
    }
}

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(accounts::router())
        .merge(catalog::router())
        .merge(assessment::router())
        .merge(actions::router())
        .merge(wizard::router())
        .merge(test_projects::router())
        .merge(inventory::router())
        .merge(reminders::router())
        .merge(secretariat::router())
        .nest("/api/v1", api::router())
        .merge(kit::statics::router())
        .route("/healthz", axum::routing::get(healthz))
        .route("/metrics", axum::routing::get(kit::metrics::render))
        .fallback(kit::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), kit::csrf::guard))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            kit::security::headers,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), kit::metrics::track))
        .layer(axum::middleware::from_fn(kit::request_log::tag))
        .with_state(state)
}

/// Object ids are UUIDs; anything else cannot name an object, so callers
/// answer 404 before any query runs.
pub(crate) fn is_object_id(raw: &str) -> bool {
    raw.len() == 36 && uuid::Uuid::parse_str(raw).is_ok()
}

/// How long a set-password link for an invited user stays valid.
pub(crate) const INVITE_MS: i64 = 7 * 24 * 3600 * 1000;

/// Makes a one-time set-password link for a newly created account, for the
/// admin (page or API) to pass on.
pub(crate) async fn invite_link(state: &AppState, user_id: &str) -> Result<String, etterlev_store::StoreError> {
    let token = etterlev_auth::new_token("setup");
    let expires = etterlev_store::now_ms() + INVITE_MS;
    state
        .store
        .create_setup_link(
            &token.hash,
            etterlev_store::SetupPurpose::SetPassword,
            Some(user_id),
            expires,
        )
        .await?;
    Ok(state
        .config
        .public_url
        .join(&format!("setup/{}", token.plaintext))
        .map(|u| u.to_string())
        .unwrap_or_default())
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    match state.store.ping().await {
        Ok(()) => {
            axum::Json(serde_json::json!({ "status": "ok", "database": state.store.backend_name() })).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({ "status": "unavailable" })),
            )
                .into_response()
        }
    }
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state.clone());
    spawn_housekeeping(state.store.clone());
    // Load and index the catalogues now rather than on the first request.
    if let Err(e) = state.catalogs.get(&state.store).await {
        tracing::warn!(error = %e, "could not load the catalogues at start-up");
    }
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Deletes expired sessions and old throttling rows every ten minutes.
fn spawn_housekeeping(store: Store) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired(etterlev_store::now_ms()).await {
                tracing::warn!(error = %e, "housekeeping failed");
            }
        }
    });
}
