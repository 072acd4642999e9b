//! Malformed, oversized and mistyped input: a clear answer, no panic, and
//! nothing changed.

use crate::common::{TestApp, extract_csrf};

async fn member_count(app: &TestApp) -> usize {
    let admin = app
        .store
        .user_by_email(etterlev_web::demo::ADMIN_EMAIL)
        .await
        .expect("q")
        .expect("u");
    let mut n = 0;
    for m in app.store.memberships_of(&admin.id).await.expect("m") {
        let s = app.store.scope(&admin, &m.tenant.id).await.expect("s");
        n += app.store.tenant(&s).members().await.expect("members").len();
    }
    n
}

#[tokio::test]
async fn html_forms_reject_bad_input_cleanly() {
    for app in TestApp::both().await {
        let be = app.backend;
        let client = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let csrf = extract_csrf(
            &client
                .get(app.url("/admin/users"))
                .send()
                .await
                .expect("g")
                .text()
                .await
                .expect("t"),
        );
        let before = member_count(&app).await;
        // Oversized body.
        let huge = "x".repeat(200 * 1024);
        let r = client
            .post(app.url("/admin/users"))
            .form(&[("_csrf", csrf.as_str()), ("email", huge.as_str())])
            .send()
            .await
            .expect("p");
        assert_eq!(r.status(), 413, "[{be}] oversized");
        // Missing fields.
        let r = client
            .post(app.url("/admin/users"))
            .form(&[("_csrf", csrf.as_str()), ("email", "a@b.no")])
            .send()
            .await
            .expect("p");
        assert_eq!(r.status(), 400, "[{be}] missing fields");
        assert!(
            r.text().await.expect("t").contains("Ugyldig forespørsel"),
            "[{be}] readable error page"
        );
        // Too long and malformed values.
        let long = "n".repeat(500);
        let r = client
            .post(app.url("/admin/users"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("email", "not-an-email"),
                ("display_name", long.as_str()),
                ("role", "king"),
            ])
            .send()
            .await
            .expect("p");
        assert_eq!(r.status(), 422, "[{be}] invalid fields");
        let text = r.text().await.expect("t");
        for msg in ["gyldig e-postadresse", "høyst 200 tegn", "gyldig rolle"] {
            assert!(text.contains(msg), "[{be}] message {msg:?}");
        }
        // Wrong content type (JSON to a form handler).
        let r = client
            .post(app.url("/admin/users"))
            .header("x-csrf-token", &csrf)
            .json(&serde_json::json!({"email": "a@b.no"}))
            .send()
            .await
            .expect("p");
        assert_eq!(r.status(), 400, "[{be}] wrong content type");
        // Control characters, invalid UTF-8 in a form.
        let r = client
            .post(app.url("/admin/users"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("_csrf={csrf}&email=a%40b.no&display_name=%FF%FE&role=reader"))
            .send()
            .await
            .expect("p");
        assert!(
            r.status() == 400 || r.status() == 422,
            "[{be}] invalid UTF-8: {}",
            r.status()
        );
        // Garbage ids in paths.
        for path in [
            "/audit/abc",
            "/audit/99999999999999999999999",
            "/admin/users/%00",
            "/admin/users/' OR 1=1 --",
        ] {
            let r = client.get(app.url(path)).send().await.expect("g");
            assert_eq!(r.status(), 404, "[{be}] {path}");
        }
        assert_eq!(member_count(&app).await, before, "[{be}] nothing was saved");
        assert!(app.store.audit_verify().await.expect("v").errors.is_empty(), "[{be}]");
    }
}

#[tokio::test]
async fn api_rejects_bad_bodies_with_json_errors() {
    for app in TestApp::both().await {
        let be = app.backend;
        let token = app.api_token(etterlev_web::demo::ADMIN_EMAIL).await;
        let c = reqwest::Client::new();
        let me: serde_json::Value = c
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me")
            .json()
            .await
            .expect("j");
        let t = me["memberships"][0]["tenant"]["id"].as_str().expect("t").to_string();
        let url = app.url(&format!("/api/v1/tenants/{t}/members"));
        let before = member_count(&app).await;
        let cases: Vec<(&str, Option<&str>, String, u16)> = vec![
            ("text/plain", None, "{}".into(), 415),
            ("application/json", None, "{not json".into(), 400),
            // Not of the documented shape (missing or unknown fields): 400.
            ("application/json", None, r#"{"email":"a@b.no"}"#.into(), 400),
            (
                "application/json",
                None,
                r#"{"email":"a@b.no","display_name":"A","role":"admin","extra":1}"#.into(),
                400,
            ),
            (
                "application/json",
                None,
                r#"{"email":"bad","display_name":"A","role":"admin"}"#.into(),
                422,
            ),
            (
                "application/json",
                None,
                r#"{"email":"a@b.no","display_name":"A","role":"god"}"#.into(),
                422,
            ),
            (
                "application/json",
                None,
                format!(
                    r#"{{"email":"a@b.no","display_name":"{}","role":"admin"}}"#,
                    "x".repeat(100_000)
                ),
                413,
            ),
        ];
        for (ct, _, body, expected) in cases {
            let r = c
                .post(&url)
                .bearer_auth(&token)
                .header("content-type", ct)
                .body(body.clone())
                .send()
                .await
                .expect("p");
            assert_eq!(
                r.status().as_u16(),
                expected,
                "[{be}] {ct} {}",
                &body[..body.len().min(60)]
            );
            if expected != 413 {
                let j: serde_json::Value = r.json().await.expect("json error");
                assert!(j["message"].as_str().is_some_and(|m| !m.is_empty()), "[{be}] message");
            }
        }
        let r = c
            .get(app.url("/api/v1/no/such/route"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("g");
        assert_eq!(r.status(), 404);
        assert_eq!(r.json::<serde_json::Value>().await.expect("j")["error"], "not_found");
        assert_eq!(member_count(&app).await, before, "[{be}] nothing saved");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// Arbitrary form bodies and paths never make the server fail (no 5xx),
    /// and it keeps serving afterwards.
    #[test]
    fn arbitrary_input_never_fails_the_server(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2000), path in "[a-zA-Z0-9/%._~{}-]{0,60}") {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
        rt.block_on(async {
            let app = shared_app().await;
            let client = app.client();
            let csrf = app.csrf(&client).await;
            let mut form = format!("_csrf={csrf}&").into_bytes();
            form.extend_from_slice(&body);
            for target in ["/login", "/login/totp", "/setup/abc", "/lang", "/tenant", "/logout"] {
                let r = client.post(app.url(target)).header("content-type", "application/x-www-form-urlencoded").body(form.clone()).send().await.expect("post");
                assert!(r.status().as_u16() < 500, "POST {target} with {body:?}: {}", r.status());
            }
            let r = client.get(app.url(&format!("/{path}"))).send().await.expect("get");
            assert!(r.status().as_u16() < 500, "GET /{path}: {}", r.status());
            let r = client.post(app.url("/api/v1/tenants/x/members")).bearer_auth("etl_pat_x").body(body.clone()).send().await.expect("api");
            assert!(r.status().as_u16() < 500, "API with {body:?}: {}", r.status());
            assert_eq!(client.get(app.url("/healthz")).send().await.expect("health").status(), 200);
        });
    }
}

/// One server for all proptest cases (each case has its own runtime, so the
/// server runs on a dedicated thread with its own runtime).
async fn shared_app() -> &'static TestApp {
    static APP: std::sync::OnceLock<TestApp> = std::sync::OnceLock::new();
    if let Some(app) = APP.get() {
        return app;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("rt");
        rt.block_on(async move {
            let app = TestApp::sqlite().await;
            let _ = tx.send(app);
            std::future::pending::<()>().await;
        });
    });
    let app = rx.recv().expect("server thread");
    APP.get_or_init(|| app)
}
