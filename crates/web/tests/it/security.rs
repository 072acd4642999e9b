//! Security headers, cookies, CSRF and the language switch.

use crate::common::{TestApp, extract_csrf};

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = TestApp::sqlite().await;
    let c = app.client();
    for path in ["/login", "/", "/static/app.css", "/healthz", "/nope", "/api/v1/me"] {
        let r = c.get(app.url(path)).send().await.expect("get");
        let h = r.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{path}: {csp}"
        );
        assert_eq!(
            h.get("x-frame-options").and_then(|v| v.to_str().ok()),
            Some("DENY"),
            "{path}"
        );
        assert_eq!(
            h.get("x-content-type-options").and_then(|v| v.to_str().ok()),
            Some("nosniff"),
            "{path}"
        );
        assert!(h.contains_key("referrer-policy"), "{path}");
    }
    // No inline script or style in pages (the CSP would block them).
    let html = c
        .get(app.url("/login"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("t");
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "inline script or style in page"
    );
}

#[tokio::test]
async fn cookies_are_http_only_and_same_site() {
    let app = TestApp::sqlite().await;
    let c = app.client();
    let r = c.get(app.url("/login")).send().await.expect("get");
    let csrf_cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Lax"),
        "{csrf_cookie}"
    );
    let csrf = extract_csrf(&r.text().await.expect("t"));
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", "leser@demo.etterlev.no"),
            ("password", etterlev_web::demo::PASSWORD),
        ])
        .send()
        .await
        .expect("login");
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("etterlev_session="))
        .expect("session cookie")
        .to_string();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"),
        "{session}"
    );
}

#[tokio::test]
async fn csrf_is_required_for_state_changes() {
    let app = TestApp::sqlite().await;
    let client = app.login("leser@demo.etterlev.no").await;
    let csrf = extract_csrf(
        &client
            .get(app.url("/account"))
            .send()
            .await
            .expect("g")
            .text()
            .await
            .expect("t"),
    );
    let form = |token: &str| vec![("_csrf", token.to_string()), ("name", "x".to_string())];
    // No token, a wrong token: refused.
    let r = client
        .post(app.url("/account/tokens"))
        .form(&[("name", "x")])
        .send()
        .await
        .expect("p");
    assert_eq!(r.status(), 403);
    let r = client
        .post(app.url("/account/tokens"))
        .form(&form("wrong"))
        .send()
        .await
        .expect("p");
    assert_eq!(r.status(), 403);
    // Right token but from another site: refused by the origin check.
    let r = client
        .post(app.url("/account/tokens"))
        .header("sec-fetch-site", "cross-site")
        .form(&form(&csrf))
        .send()
        .await
        .expect("p");
    assert_eq!(r.status(), 403);
    let r = client
        .post(app.url("/account/tokens"))
        .header("origin", "https://evil.example")
        .form(&form(&csrf))
        .send()
        .await
        .expect("p");
    assert_eq!(r.status(), 403);
    // The htmx header works as well as the form field.
    let r = client
        .post(app.url("/account/tokens"))
        .header("x-csrf-token", &csrf)
        .form(&[("name", "via-header")])
        .send()
        .await
        .expect("p");
    assert_eq!(r.status(), 200);
    let r = client
        .post(app.url("/account/tokens"))
        .header("origin", app.base.clone())
        .form(&form(&csrf))
        .send()
        .await
        .expect("p");
    assert_eq!(r.status(), 200);
    let user = app
        .store
        .user_by_email("leser@demo.etterlev.no")
        .await
        .expect("q")
        .expect("u");
    assert_eq!(
        app.store.api_tokens_of(&user.id).await.expect("t").len(),
        2,
        "only the two accepted requests made tokens"
    );
}

#[tokio::test]
async fn language_switch() {
    let app = TestApp::sqlite().await;
    let client = app.login("leser@demo.etterlev.no").await;
    let html = client
        .get(app.url("/"))
        .send()
        .await
        .expect("g")
        .text()
        .await
        .expect("t");
    assert!(html.contains("<html lang=\"nb\">") && html.contains("Oversikt"));
    let csrf = extract_csrf(&html);
    let r = client
        .post(app.url("/lang"))
        .form(&[("_csrf", csrf.as_str()), ("lang", "en"), ("next", "/")])
        .send()
        .await
        .expect("p");
    assert_eq!(r.status(), 303);
    let html = client
        .get(app.url("/"))
        .send()
        .await
        .expect("g")
        .text()
        .await
        .expect("t");
    assert!(
        html.contains("<html lang=\"en\">") && html.contains("Dashboard"),
        "English after the switch"
    );
    // An unknown language is a clear error, not a crash.
    let r = client
        .post(app.url("/lang"))
        .form(&[("_csrf", csrf.as_str()), ("lang", "xx")])
        .send()
        .await
        .expect("p");
    assert_eq!(r.status(), 400);
    // Open redirects are refused: `next` must be a local path.
    let r = client
        .post(app.url("/lang"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("lang", "nb"),
            ("next", "https://evil.example/"),
        ])
        .send()
        .await
        .expect("p");
    assert_eq!(r.headers().get("location").and_then(|v| v.to_str().ok()), Some("/"));
}

/// The login page as rendered, with the random CSRF token masked.
#[tokio::test]
async fn login_page_snapshot() {
    let app = TestApp::sqlite().await;
    let html = app
        .client()
        .get(app.url("/login"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("t");
    let token = extract_csrf(&html);
    insta::assert_snapshot!("login_page_nb", html.replace(&token, "[csrf]"));
}

/// Browsers drop tabs and line breaks from a `Location` and read `\` as `/`:
/// `next` values built on that must land on this site, and a line break must
/// not turn the redirect into a server error after the session is set.
#[tokio::test]
async fn hostile_next_after_login_and_language_switch_stays_on_site() {
    let hostile = [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r",
        "/\n",
        "/\u{b}",
        "/\\evil.example",
        "/.//evil.example",
        "https://evil.example/",
    ];
    let app = TestApp::sqlite().await;
    for next in hostile {
        let client = app.client();
        let csrf = app.csrf(&client).await;
        let resp = client
            .post(app.url("/login"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("email", "leser@demo.etterlev.no"),
                ("password", crate::common::DEMO_PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .expect("login");
        assert_eq!(resp.status(), 303, "login with next={next:?}");
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            location == "/" || location.starts_with("/login/totp?next=%2F"),
            "next={next:?} gave Location {location:?}"
        );
    }
    let client = app.login("leser@demo.etterlev.no").await;
    let html = client
        .get(app.url("/"))
        .send()
        .await
        .expect("g")
        .text()
        .await
        .expect("t");
    let csrf = extract_csrf(&html);
    for next in hostile {
        let resp = client
            .post(app.url("/lang"))
            .form(&[("_csrf", csrf.as_str()), ("lang", "nb"), ("next", next)])
            .send()
            .await
            .expect("lang");
        assert_eq!(resp.status(), 303, "language switch with next={next:?}");
        assert_eq!(
            resp.headers().get("location").and_then(|v| v.to_str().ok()),
            Some("/"),
            "next={next:?}"
        );
    }
}

/// Every response carries a request id: the proxy's when it is a plain token,
/// else a new one; a hostile id is replaced, never echoed.
#[tokio::test]
async fn every_response_has_a_request_id() {
    let app = TestApp::sqlite().await;
    let client = app.client();
    let id_of = |r: &reqwest::Response| {
        r.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let first = client.get(app.url("/login")).send().await.expect("g");
    let second = client.get(app.url("/no-such-page")).send().await.expect("g");
    assert_eq!(first.status(), 200);
    assert_eq!(second.status(), 404);
    let (a, b) = (id_of(&first), id_of(&second));
    assert!(!a.is_empty() && !b.is_empty() && a != b, "{a:?} {b:?}");
    let kept = client
        .get(app.url("/login"))
        .header("x-request-id", "proxy-4bf92f35")
        .send()
        .await
        .expect("g");
    assert_eq!(id_of(&kept), "proxy-4bf92f35");
    let replaced = client
        .get(app.url("/login"))
        .header("x-request-id", "a;b=c")
        .send()
        .await
        .expect("g");
    assert_ne!(id_of(&replaced), "a;b=c");
    assert!(!id_of(&replaced).is_empty());
}
