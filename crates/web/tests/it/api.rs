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

/// Every operation documents the errors it can give: 401 without a valid
/// token; with a body 400 (not JSON or not of the shape), 413, 415 (not
/// JSON) and 422 (refused values); 404 with path parameters and everywhere
/// under /secretariat; 403 for enterprise changes. Each documented error is
/// the one error shape.
#[tokio::test]
async fn every_operation_documents_its_error_statuses() {
    let app = TestApp::sqlite().await;
    let doc: serde_json::Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert!(
        doc.get("x-unknown-limits").is_none(),
        "limits for missing properties: {}",
        doc["x-unknown-limits"]
    );
    let mut problems = Vec::new();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            if !["get", "put", "post", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            operations += 1;
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap_or("");
                if (p["in"] == "path") != path.contains(&format!("{{{name}}}")) {
                    problems.push(format!(
                        "{method} {path}: parameter {name} is documented in {}",
                        p["in"]
                    ));
                }
            }
            let responses = op["responses"].as_object().expect("responses");
            let mut wanted = vec!["401"];
            if op.get("requestBody").is_some() {
                wanted.extend(["400", "413", "415", "422"]);
            }
            if path.contains('{') || path.starts_with("/secretariat") {
                wanted.push("404");
            }
            if method != "get" && !path.starts_with("/secretariat") {
                wanted.push("403");
            }
            for status in wanted {
                if !responses.contains_key(status) {
                    problems.push(format!("{method} {path}: no {status}"));
                }
            }
            for (status, r) in responses {
                if !status.starts_with('4') {
                    continue;
                }
                let schema = match r.get("$ref").and_then(|v| v.as_str()) {
                    Some(name) => {
                        let name = name.trim_start_matches("#/components/responses/");
                        &doc["components"]["responses"][name]["content"]["application/json"]["schema"]["$ref"]
                    }
                    None => &r["content"]["application/json"]["schema"]["$ref"],
                };
                let name = schema.as_str().unwrap_or("");
                let allowed = [
                    "ErrorBody",
                    "ActionConflictDto",
                    "AnswerConflictDto",
                    "TestConflictDto",
                    "InventoryConflictDto",
                ];
                if !allowed.iter().any(|a| name.ends_with(&format!("/{a}"))) {
                    problems.push(format!("{method} {path}: {status} answers {name:?}"));
                }
            }
        }
    }
    assert!(operations > 40, "{operations} operations");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A body that is not JSON or not of the documented shape is 400, a body
/// not sent as JSON 415, refused values 422 with the fields; all in the one
/// error shape the document names (not the checklist's).
#[tokio::test]
async fn decision_rejections_have_the_documented_shapes() {
    let app = TestApp::sqlite().await;
    let token = app.api_token("redaktor@demo.etterlev.no").await;
    let c = reqwest::Client::new();
    let created: serde_json::Value = c
        .post(app.url("/api/v1/test-projects"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "Kontrakt", "system_name": "EPJ", "data_kind": "synthetic"}))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    let id = created["project"]["id"].as_str().expect("id").to_string();
    let url = app.url(&format!("/api/v1/test-projects/{id}/decision"));
    let send = |body: &'static str, content_type: &'static str| {
        c.post(&url)
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    for (body, content_type, status, code) in [
        (
            r#"{"decision": 5, "reason": "x", "version": 1}"#,
            "application/json",
            400,
            "bad_request",
        ),
        (r#"{"decision": "rejected"}"#, "application/json", 400, "bad_request"),
        (
            r#"{"decision": "rejected", "reason": "x", "version": 1, "x": 1}"#,
            "application/json",
            400,
            "bad_request",
        ),
        (r#"{"decision": "#, "application/json", 400, "bad_request"),
        (
            r#"{"decision": "rejected", "reason": "x", "version": 1}"#,
            "text/plain",
            415,
            "unsupported_media_type",
        ),
        (
            r#"{"decision": "maybe", "reason": "x", "version": 1}"#,
            "application/json",
            422,
            "invalid",
        ),
    ] {
        let r = send(body, content_type).await.expect("send");
        assert_eq!(r.status(), status, "{body} as {content_type}");
        let v: serde_json::Value = r.json().await.expect("json");
        assert_eq!(v["error"], code, "{body}: {v}");
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
        if status == 422 {
            assert_eq!(v["fields"][0]["field"], "decision", "{v}");
        }
    }
    // The document says the same.
    let doc: serde_json::Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let responses = &doc["paths"]["/test-projects/{id}/decision"]["post"]["responses"];
    for status in ["400", "415"] {
        assert!(responses.get(status).is_some(), "{status}: {responses}");
    }
    assert_eq!(
        responses["422"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody",
        "{responses}"
    );
}

/// The statistics threshold k has the same limits in the document and in
/// the code: a k above the maximum is refused and not stored.
#[tokio::test]
async fn statistics_k_is_limited_in_schema_and_code() {
    use etterlev_core::sector_stats::{K_MAX, K_MIN};
    let app = TestApp::sqlite().await;
    crate::common::secretariat::secretariat_user(&app).await;
    let api = crate::common::secretariat::SecApi::new(&app, crate::common::secretariat::SEC_EMAIL).await;
    let doc: serde_json::Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let k = &doc["components"]["schemas"]["Threshold"]["properties"]["k"];
    assert_eq!(k["minimum"], K_MIN, "{k}");
    assert_eq!(k["maximum"], K_MAX, "{k}");
    for (value, status) in [
        (serde_json::json!(2_147_483_648_u64), 422),
        (serde_json::json!(K_MAX + 1), 422),
        (serde_json::json!(K_MIN - 1), 422),
        (serde_json::json!(-1), 400),
        (serde_json::json!(7), 204),
    ] {
        let r = api.put("/statistics/k", serde_json::json!({ "k": value })).await;
        assert_eq!(r.status(), status, "k = {value}");
    }
    assert_eq!(api.get("/statistics").await["k"], 7);
    let r = api.put("/statistics/k", serde_json::json!({ "k": K_MAX })).await;
    assert_eq!(r.status(), 204);
    assert_eq!(api.get("/statistics").await["k"], K_MAX);
}

/// A user who may not use the secretariat gets 404 whatever the body: the
/// role is checked before the body is read.
#[tokio::test]
async fn secretariat_refuses_outsiders_before_reading_the_body() {
    let app = TestApp::sqlite().await;
    let c = reqwest::Client::new();
    let outsider = app.api_token(etterlev_web::demo::ADMIN_EMAIL).await;
    for (method, path) in [
        (reqwest::Method::PUT, "/secretariat/statistics/k"),
        (reqwest::Method::POST, "/secretariat/documents"),
        (reqwest::Method::POST, "/secretariat/organisations"),
    ] {
        for (body, content_type) in [
            ("{\"k\": \"many\"}", "application/json"),
            ("{", "application/json"),
            ("k=5", "application/x-www-form-urlencoded"),
            ("{}", "application/json"),
        ] {
            let r = c
                .request(method.clone(), app.url(&format!("/api/v1{path}")))
                .bearer_auth(&outsider)
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .expect("send");
            assert_eq!(r.status(), 404, "{method} {path} {body} as {content_type}");
            let v: serde_json::Value = r.json().await.expect("json");
            assert_eq!(v["error"], "not_found", "{v}");
        }
    }
}
