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
use crate::kit::error::AppError;

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
    let existing = read_cookie(req.headers(), name).filter(|t| is_well_formed(t));
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
    cookie_token(&etterlev_auth::new_token("x").plaintext).to_string()
}

/// The token without the `x_` prefix `new_token` puts on. Only that one
/// prefix goes: `trim_start_matches` also took an `x_` the random part began
/// with (one token in 4 096), and the 41-character cookie was then refused as
/// no cookie at all, so the next form post got a 403.
fn cookie_token(plaintext: &str) -> &str {
    plaintext.strip_prefix("x_").unwrap_or(plaintext)
}

/// What the guard accepts as a token cookie.
fn is_well_formed(token: &str) -> bool {
    token.len() == 43 && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
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
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if content_type.starts_with("multipart/form-data") {
        return check_multipart_token(req, &content_type, token).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
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

/// How much of a multipart body is read to find the token: the `_csrf` part
/// must come first (browsers send fields in document order, so the hidden
/// field goes first in the form), and it is short.
const MULTIPART_PREFIX_MAX: usize = 4096;

/// Uploads are `multipart/form-data`: the token is the first part, named
/// `_csrf`. Only the start of the body is read here; the rest streams on to
/// the handler untouched, so the upload's own size limit still applies.
async fn check_multipart_token(req: Request, content_type: &str, token: &str) -> Result<Request, Response> {
    use futures::StreamExt;
    let refuse = || AppError::Forbidden.into_response();
    let Some(boundary) = multipart_boundary(content_type) else {
        return Err(AppError::BadRequest("multipart body without a boundary".into()).into_response());
    };
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut prefix: Vec<u8> = Vec::new();
    let found = loop {
        match first_part_value(&prefix, &boundary) {
            FirstPart::Value(v) => break Some(v.to_vec()),
            FirstPart::Wrong => break None,
            FirstPart::NeedMore if prefix.len() >= MULTIPART_PREFIX_MAX => break None,
            FirstPart::NeedMore => match stream.next().await {
                Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
                Some(Err(_)) | None => break None,
            },
        }
    };
    if found.as_deref() != Some(token.as_bytes()) {
        return Err(refuse());
    }
    let head = futures::stream::once(async move { Ok::<_, axum::Error>(axum::body::Bytes::from(prefix)) });
    Ok(Request::from_parts(parts, Body::from_stream(head.chain(stream))))
}

fn multipart_boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (k, v) = param.trim().split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let v = v.trim().trim_matches('"');
        (!v.is_empty() && v.len() <= 70).then(|| v.to_string())
    })
}

enum FirstPart<'a> {
    Value(&'a [u8]),
    NeedMore,
    /// The body does not start with a `_csrf` part.
    Wrong,
}

/// The value of the first part of a multipart body if that part is the
/// `_csrf` field.
fn first_part_value<'a>(body: &'a [u8], boundary: &str) -> FirstPart<'a> {
    let opening = format!("--{boundary}\r\n");
    if body.len() < opening.len() {
        return if opening.as_bytes().starts_with(body) {
            FirstPart::NeedMore
        } else {
            FirstPart::Wrong
        };
    }
    let Some(rest) = body.strip_prefix(opening.as_bytes()) else {
        return FirstPart::Wrong;
    };
    let Some(headers_end) = find(rest, b"\r\n\r\n") else {
        return FirstPart::NeedMore;
    };
    let headers = String::from_utf8_lossy(&rest[..headers_end]);
    let is_csrf = headers.lines().any(|line| {
        let lower = line.to_ascii_lowercase();
        lower.starts_with("content-disposition:")
            && lower.contains("form-data")
            && line.split(';').skip(1).any(|p| p.trim() == "name=\"_csrf\"")
    });
    if !is_csrf {
        return FirstPart::Wrong;
    }
    let value = &rest[headers_end + 4..];
    let closing = format!("\r\n--{boundary}");
    match find(value, closing.as_bytes()) {
        Some(end) => FirstPart::Value(&value[..end]),
        None => FirstPart::NeedMore,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_a_random_part_that_starts_like_the_prefix() {
        let random = "x_x_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM";
        assert_eq!(random.len(), 43);
        let plaintext = format!("x_{random}");
        assert_eq!(cookie_token(&plaintext), random);
        assert!(is_well_formed(cookie_token(&plaintext)));
        for _ in 0..1000 {
            assert!(is_well_formed(&new_token()));
        }
    }

    #[test]
    fn multipart_token_is_the_first_part() {
        let b = "XyZ";
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF";
        assert!(matches!(first_part_value(body, b), FirstPart::Value(v) if v == b"tok123"));
        for cut in [0, 3, 20, 50, 60] {
            assert!(
                matches!(first_part_value(&body[..cut], b), FirstPart::NeedMore),
                "{cut}"
            );
        }
        let other = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--XyZ";
        assert!(matches!(first_part_value(other, b), FirstPart::Wrong));
        let not_csrf = b"--XyZ\r\nContent-Disposition: form-data; name=\"_csrf2\"\r\n\r\nabc\r\n--XyZ";
        assert!(matches!(first_part_value(not_csrf, b), FirstPart::Wrong));
        assert!(matches!(first_part_value(b"garbage", b), FirstPart::Wrong));
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary=\"abc\"").as_deref(),
            Some("abc")
        );
        assert_eq!(multipart_boundary("multipart/form-data"), None);
    }
}
