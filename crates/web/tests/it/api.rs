//! REST API, OpenAPI document, health and metrics.

use crate::common::TestApp;

#[tokio::test]
async fn openapi_document_describes_every_route() {
    let app = TestApp::sqlite().await;
    let r = reqwest::get(app.url("/api/v1/openapi.json")).await.expect("get");
    assert_eq!(r.status(), 200);
    let doc: serde_json::Value = r.json().await.expect("json");
    assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3."), "{doc}");
    let paths = doc["paths"].as_object().expect("paths");
    for p in [
        "/me",
        "/tenants",
        "/tenants/{tenant_id}",
        "/tenants/{tenant_id}/members",
        "/tenants/{tenant_id}/members/{user_id}",
        "/tenants/{tenant_id}/audit",
        "/tenants/{tenant_id}/audit/{seq}",
        "/catalogs",
        "/catalogs/{key}",
        "/catalogs/{key}/requirements",
        "/catalogs/search",
        "/catalogs/diff",
        "/mappings/{id}",
    ] {
        assert!(paths.contains_key(p), "missing {p}");
    }
    assert!(doc["components"]["securitySchemes"]["token"].is_object());
}

#[tokio::test]
async fn health_and_metrics() {
    for app in TestApp::both().await {
        let h: serde_json::Value = reqwest::get(app.url("/healthz"))
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(h["status"], "ok");
        assert_eq!(h["database"], app.backend);
        let m = reqwest::get(app.url("/metrics"))
            .await
            .expect("get")
            .text()
            .await
            .expect("text");
        assert!(m.contains("etterlev_http_requests_total"), "{m}");
        assert!(m.contains("route=\"/healthz\""), "{m}");
    }
}

#[tokio::test]
async fn api_needs_a_valid_token_and_never_a_cookie() {
    let app = TestApp::sqlite().await;
    let c = reqwest::Client::new();
    for auth in [None, Some("Bearer nope"), Some("Basic abc"), Some("Bearer ")] {
        let mut req = c.get(app.url("/api/v1/me"));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let r = req.send().await.expect("send");
        assert_eq!(r.status(), 401, "{auth:?}");
        assert!(r.headers().contains_key("www-authenticate"));
    }
    // A browser session cookie does not open the API.
    let browser = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
    assert_eq!(
        browser.get(app.url("/api/v1/me")).send().await.expect("send").status(),
        401
    );
}

#[tokio::test]
async fn members_through_the_api() {
    for app in TestApp::both().await {
        let be = app.backend;
        let admin = app.api_token(etterlev_web::demo::ADMIN_EMAIL).await;
        let reader = app.api_token("leser@demo.etterlev.no").await;
        let c = reqwest::Client::new();
        let me: serde_json::Value = c
            .get(app.url("/api/v1/me"))
            .bearer_auth(&reader)
            .send()
            .await
            .expect("me")
            .json()
            .await
            .expect("j");
        let gp = me["memberships"][0]["tenant"]["id"]
            .as_str()
            .expect("tenant")
            .to_string();
        let members = app.url(&format!("/api/v1/tenants/{gp}/members"));
        let body = serde_json::json!({"email": "api@demo.etterlev.no", "display_name": "Via API", "role": "editor"});
        // Readers may read but not change.
        assert_eq!(
            c.get(&members).bearer_auth(&reader).send().await.expect("g").status(),
            200,
            "[{be}]"
        );
        let r = c
            .post(&members)
            .bearer_auth(&reader)
            .json(&body)
            .send()
            .await
            .expect("p");
        assert_eq!(r.status(), 403, "[{be}]");
        assert_eq!(
            c.get(app.url(&format!("/api/v1/tenants/{gp}/audit")))
                .bearer_auth(&reader)
                .send()
                .await
                .expect("g")
                .status(),
            403,
            "[{be}]"
        );
        // Admins may.
        let r = c
            .post(&members)
            .bearer_auth(&admin)
            .json(&body)
            .send()
            .await
            .expect("p");
        assert_eq!(r.status(), 201, "[{be}]");
        let added: serde_json::Value = r.json().await.expect("j");
        assert!(
            added["setup_link"].as_str().unwrap_or("").contains("/setup/"),
            "[{be}] {added}"
        );
        let uid = added["member"]["user_id"].as_str().expect("uid").to_string();
        let r = c
            .post(&members)
            .bearer_auth(&admin)
            .json(&body)
            .send()
            .await
            .expect("p");
        assert_eq!(r.status(), 409, "[{be}] duplicate");
        let one = format!("{members}/{uid}");
        let r = c
            .patch(&one)
            .bearer_auth(&admin)
            .json(&serde_json::json!({"role": "auditor"}))
            .send()
            .await
            .expect("patch");
        assert_eq!(r.status(), 200, "[{be}]");
        assert_eq!(r.json::<serde_json::Value>().await.expect("j")["role"], "auditor");
        let r = c.delete(&one).bearer_auth(&admin).send().await.expect("delete");
        assert_eq!(r.status(), 204, "[{be}]");
        assert_eq!(
            c.get(&one).bearer_auth(&admin).send().await.expect("g").status(),
            404,
            "[{be}]"
        );
        let audit: serde_json::Value = c
            .get(app.url(&format!("/api/v1/tenants/{gp}/audit?limit=3")))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("a")
            .json()
            .await
            .expect("j");
        let actions: Vec<&str> = audit
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert_eq!(
            actions,
            vec!["membership.delete", "membership.update", "membership.create"],
            "[{be}]"
        );
        // The last admin cannot be removed.
        let me_admin: serde_json::Value = c
            .get(app.url("/api/v1/me"))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("me")
            .json()
            .await
            .expect("j");
        let admin_id = me_admin["id"].as_str().expect("id");
        let r = c
            .delete(format!("{members}/{admin_id}"))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("d");
        assert_eq!(r.status(), 422, "[{be}] last admin");
    }
}

/// The published API contract; a change here is a change for API clients,
/// so it must be reviewed (`cargo insta review`).
#[tokio::test]
async fn openapi_snapshot() {
    let app = TestApp::sqlite().await;
    let doc: serde_json::Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    insta::assert_json_snapshot!("openapi", doc);
}
