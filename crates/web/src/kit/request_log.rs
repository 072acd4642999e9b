//! A request id for every request, and a log line for every server error.
//!
//! The id comes from the reverse proxy's `X-Request-Id` when it is a short,
//! plain token (so one id follows a request through proxy and app logs), and
//! is made here otherwise. It is returned in the response header, shown on
//! the error page, and every log line written while the request runs carries
//! it, so an administrator can find the cause of a 5xx a user reports.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Instrument;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served, in the request's extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub String);

/// A proxy's id is kept only when it cannot smuggle anything into a log line
/// or a header: 1–64 letters, digits, `-`, `_` or `.`.
fn accepted(raw: &str) -> bool {
    (1..=64).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

pub fn id_for(req: &Request) -> RequestId {
    let from_proxy = req
        .headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| accepted(v));
    RequestId(from_proxy.map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_string))
}

pub async fn tag(mut req: Request, next: Next) -> Response {
    let id = id_for(&req);
    let method = req.method().clone();
    // The path only: query strings may hold tokens.
    let path = req.uri().path().to_string();
    req.extensions_mut().insert(id.clone());
    let span = tracing::info_span!("request", request_id = %id.0);
    let start = Instant::now();
    let mut resp = next.run(req).instrument(span.clone()).await;
    let status = resp.status();
    if status.is_server_error() {
        span.in_scope(|| {
            tracing::error!(
                %method,
                %path,
                status = status.as_u16(),
                elapsed_ms = start.elapsed().as_millis() as u64,
                "server error"
            );
        });
    }
    if let Ok(value) = HeaderValue::from_str(&id.0) {
        resp.headers_mut().insert(HEADER, value);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::accepted;
    use axum::Router;
    use axum::body::Body;
    use axum::http::StatusCode;
    use std::sync::{Arc, Mutex};
    use tower::ServiceExt;

    /// Collects what the subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut out) = self.0.lock() {
                out.extend_from_slice(buf);
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    async fn status_of(app: &Router, path: &str) -> (StatusCode, String) {
        let req = axum::http::Request::builder()
            .uri(path)
            .body(Body::empty())
            .expect("request");
        let resp = app.clone().oneshot(req).await.expect("response");
        let id = resp
            .headers()
            .get(super::HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        (resp.status(), id)
    }

    #[tokio::test]
    async fn every_server_error_is_logged_with_its_request_id() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = Router::new()
            .route(
                "/boom",
                axum::routing::get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
            )
            .route("/fine", axum::routing::get(|| async { "ok" }))
            .layer(axum::middleware::from_fn(super::tag));
        let (status, boom_id) = status_of(&app, "/boom?token=secret").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let (status, fine_id) = status_of(&app, "/fine").await;
        assert_eq!(status, StatusCode::OK);
        let log = String::from_utf8(captured.0.lock().map(|l| l.clone()).unwrap_or_default()).unwrap_or_default();
        assert!(log.contains("server error") && log.contains(&boom_id), "{log}");
        assert!(log.contains("status=500") && log.contains("/boom"), "{log}");
        assert!(!log.contains("secret"), "query strings stay out of the log: {log}");
        assert!(!log.contains(&fine_id), "only server errors are logged: {log}");
    }

    #[test]
    fn only_plain_short_ids_from_a_proxy_are_kept() {
        assert!(accepted("4bf92f3577b34da6a3ce929d0e0e4736"));
        assert!(accepted("req-1.a_b"));
        for bad in ["", "a b", "a\nb", "ø", &"x".repeat(65), "a;b", "a\"b"] {
            assert!(!accepted(bad), "{bad:?}");
        }
    }
}
