//! Cross-site request forgery protection for every state-changing browser
//! request, in two independent layers:
//!
//! 1. Origin check (the rules of Go 1.25's `CrossOriginProtection`): a
//!    `Sec-Fetch-Site` header must say `same-origin` or `none`; without it an
//!    `Origin` header must match our public origin or the `Host`.
//! 2. Double-submit token: a random per-browser token in an HttpOnly,
//!    SameSite=Lax cookie must come back as the `_csrf` form field or the
//!    `X-CSRF-Token` header (htmx sends it from `hx-headers` on `<body>`).
//!
//! `/api/` is exempt: the API accepts only bearer tokens, never cookies, so a
//! browser cannot be tricked into sending credentials to it.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::AppState;
use crate::error::AppError;

/// The request's CSRF token, for forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-etterlev_csrf"
    } else {
        "etterlev_csrf"
    }
}

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let secure = state.config.secure();
    let name = cookie_name(secure);
    let existing = read_cookie(req.headers(), name)
        .filter(|t| t.len() == 43 && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    let fresh = existing.is_none();
    let token = existing.unwrap_or_else(new_token);

    let mut req = req;
    if is_state_changing(req.method()) && !req.uri().path().starts_with("/api/") {
        if !same_origin(req.headers(), &state.config.public_url) {
            tracing::warn!(path = %req.uri().path(), "cross-origin request refused");
            return AppError::Forbidden.into_response();
        }
        match check_token(req, &token, fresh).await {
            Ok(r) => req = r,
            Err(resp) => return resp,
        }
    }
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut resp = next.run(req).await;
    if fresh {
        let cookie = Cookie::build((name, token))
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .build();
        if let Ok(v) = cookie.to_string().parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

fn is_state_changing(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

fn new_token() -> String {
    // 32 random bytes in URL-safe base64 without padding: 43 characters.
    let t = etterlev_auth::new_token("x").plaintext;
    t.trim_start_matches("x_").to_string()
}

pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn same_origin(headers: &HeaderMap, public: &url::Url) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Neither header: not a browser-initiated cross-site request (old
        // browsers and tools). The token check still applies.
        return true;
    };
    let Ok(origin) = url::Url::parse(origin) else {
        return false;
    };
    let public_origin = public.origin().ascii_serialization();
    if origin.origin().ascii_serialization() == public_origin {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = match origin.port() {
        Some(p) => format!("{}:{p}", origin.host_str().unwrap_or("")),
        None => origin.host_str().unwrap_or("").to_string(),
    };
    !host.is_empty() && origin_host == host
}

/// Checks the token in the header or, for urlencoded forms, the `_csrf` field;
/// buffers and re-attaches the body so the handler can still read it.
async fn check_token(req: Request, token: &str, fresh: bool) -> Result<Request, Response> {
    let refuse = || AppError::Forbidden.into_response();
    if fresh {
        // No cookie came with the request, so nothing can match.
        return Err(refuse());
    }
    if let Some(h) = req.headers().get("x-csrf-token") {
        return if h.as_bytes() == token.as_bytes() {
            Ok(req)
        } else {
            Err(refuse())
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AppError::BadRequest("unsupported content type".into()).into_response());
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, crate::MAX_BODY_BYTES)
        .await
        .map_err(|_| (axum::http::StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response())?;
    let sent = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.into_owned());
    if sent.as_deref() != Some(token) {
        return Err(refuse());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}
