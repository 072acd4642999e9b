//! Security headers on every response, and rendering of error pages.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// No inline script or style anywhere: htmx and our CSS are files under
/// `/static`; the TOTP QR code is a `data:` image.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The layout of the signed-in user of a request (menu, enterprise, role),
/// or None for anyone not (fully) signed in.
async fn signed_in_layout(
    state: &AppState,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> Option<crate::kit::Layout> {
    use axum::extract::FromRequestParts;
    let (mut parts, ()) = Request::builder().uri(uri).body(()).ok()?.into_parts();
    parts.headers = headers;
    let auth = crate::kit::session::Auth::from_request_parts(&mut parts, state)
        .await
        .ok()?;
    Some(crate::kit::Layout::for_user(&auth))
}

pub async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let lang = crate::kit::session::lang_of(req.headers());
    let is_static = req.uri().path().starts_with("/static/");
    // Kept to render an error page inside the user's own layout.
    let (uri, request_headers) = (req.uri().clone(), req.headers().clone());
    let request_id = req
        .extensions()
        .get::<crate::kit::request_log::RequestId>()
        .map(|id| id.0.clone());
    let mut resp = next.run(req).await;
    if let Some(page) = resp.extensions().get::<crate::kit::error::ErrorPage>().cloned() {
        let layout = signed_in_layout(&state, uri, request_headers).await;
        resp = crate::kit::error_page(page, lang, layout, request_id).into_response();
    }
    let h = resp.headers_mut();
    // A handler may set a stricter policy of its own (the printable report
    // page: inline style, nothing else); every other response gets this one.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !is_static && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.secure() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    resp
}
