//! A user of tenant A gets 404 for every route that takes an id of tenant
//! B's objects, in the web app and in the API.

use etterlev_core::{OrgNumber, Role, SizeClass, TenantKind};
use etterlev_store::{Actor, NewTenant, NewUser};

use crate::common::{TestApp, extract_csrf};

/// Every route pattern with a path parameter, and how this test reaches it.
/// The architecture test (`crates/tidy`) fails when a new one appears
/// without a case here.
#[allow(dead_code)] // read by the architecture test, crates/tidy
const COVERED: &[&str] = &[
    "/admin/users/{id}",
    "/admin/users/{id}/remove",
    "/audit/{seq}",
    "/account/tokens/{id}/revoke",
    "/setup/{token}",
    "/modules/{module}",
    "/tenants/{tenant_id}",
    "/tenants/{tenant_id}/members",
    "/tenants/{tenant_id}/members/{user_id}",
    "/tenants/{tenant_id}/audit",
    "/tenants/{tenant_id}/audit/{seq}",
    // Catalogues are global reference data, the same for every tenant, so
    // there is nothing of another tenant to hide; unknown and malformed keys
    // and ids answer 404 (pages and API), checked in catalog.rs and
    // catalog_export.rs.
    "/catalog/{key}",
    "/catalog/{key}/export",
    "/catalog/{key}/node/{node_id}",
    "/catalog/mappings/{id}",
    "/catalogs/{key}",
    "/catalogs/{key}/export",
    "/catalogs/{key}/requirements",
    "/mappings/{id}",
    // Self-assessments (pages and API): each is reached with another
    // tenant's assessment and evidence in assessments.rs
    // (`other_tenants_assessments_are_404`).
    "/assessments/{id}",
    "/assessments/{id}/close",
    "/assessments/{id}/req/{node_id}",
    "/assessments/{id}/req/{node_id}/evidence",
    "/assessments/{id}/req/{node_id}/link",
    "/assessments/{id}/evidence/{evidence_id}",
    "/assessments/{id}/evidence/{evidence_id}/delete",
    "/assessments/{id}/dashboard",
    "/assessments/{id}/report",
    "/assessments/{id}/report.docx",
    "/assessments/{id}/answers.xlsx",
    "/assessments/{id}/import",
    "/assessments/{id}/answers",
    "/assessments/{id}/answers/{node_id}",
    // Wizard runs and actions of another tenant answer 404 (pages and API),
    // checked in wizard.rs and actions.rs.
    "/wizard/{id}",
    "/wizard/{id}/result",
    "/wizard/{id}/actions",
    "/wizard/{id}/report",
    "/wizard/{id}/report.docx",
    "/actions/{id}",
    // Test projects (pages and API) of another tenant answer 404, checked
    // in testdata.rs (`other_tenants_projects_are_404_in_pages_and_api`).
    "/testdata/{id}",
    "/testdata/{id}/edit",
    "/testdata/{id}/checks",
    "/testdata/{id}/decision",
    "/testdata/{id}/report",
    "/test-projects/{id}",
    "/test-projects/{id}/checks",
    "/test-projects/{id}/decision",
    // Systems, integrations and measures of another tenant answer 404,
    // checked in inventory.rs (`other_tenants_inventory_is_404`).
    "/inventory/systems/{id}",
    "/inventory/integrations/{id}",
    "/measures/{id}",
    "/assessments/{id}/req/{node_id}/measures",
    "/systems/{id}",
    "/inventory/import/{id}",
    // Calendar feeds are reached by a secret token, checked in reminders.rs.
    "/calendar/{file}",
    "/assessments/{id}/evidence/{evidence_id}/valid-until",
    "/integrations/{id}",
    // The secretariat's data is sector-level, not owned by a tenant: every
    // one of these answers 404 to anyone without the secretariat flag (pages
    // and API), checked in secretariat.rs
    // (`only_secretariat_users_reach_the_secretariat`); malformed ids are 404.
    "/secretariat/documents/{id}",
    "/secretariat/seats/{id}/end",
    "/secretariat/meetings/{id}",
    "/secretariat/meetings/{id}/attendance",
    "/secretariat/meetings/{id}/cases",
    "/secretariat/meetings/{id}/cases/{case_id}",
    "/secretariat/meetings/{id}/cases/{case_id}/comments",
    "/secretariat/meetings/{id}/cases/{case_id}/decision",
    "/secretariat/meetings/{id}/followups",
    "/secretariat/meetings/{id}/{document}",
    "/secretariat/meetings/{id}/minutes.docx",
    "/secretariat/documents/{id}/consultations",
    "/secretariat/documents/{id}/consultations/{consultation_id}/comments",
    "/secretariat/plan/{id}/status",
    "/secretariat/followups/{id}/status",
];

struct Other {
    tenant_id: String,
    user_id: String,
    token_id: String,
    max_seq: i64,
}

/// Tenant B with its own admin, a member, an API token and a long audit chain.
async fn tenant_b(app: &TestApp) -> Other {
    let store = &app.store;
    let admin = NewUser {
        email: "admin@b.example.no".into(),
        display_name: "B Admin".into(),
        password_hash: None,
        is_secretariat: false,
    };
    let tenant = NewTenant {
        name: "Tenant B".into(),
        org_number: OrgNumber::parse("310000000").expect("valid"),
        kind: TenantKind::Dentist,
        size_class: SizeClass::Micro,
    };
    let (t, u) = store
        .create_tenant_with_admin(&Actor::cli(), &tenant, &admin)
        .await
        .expect("tenant B");
    let scope = store.scope(&u, &t.id).await.expect("scope B");
    let tb = store.tenant(&scope);
    // Many changes, so B's chain is longer than anything tenant A has.
    for i in 0..40 {
        let (m, _) = tb
            .add_member(&format!("p{i}@b.example.no"), "Person", Role::Reader)
            .await
            .expect("add");
        tb.remove_member(&m.user_id).await.expect("remove");
    }
    let tok = store
        .create_api_token(
            &Actor::user(&u),
            &u.id,
            "b",
            "hash-of-b-token-0000000000000000000000000000000000000000000000000",
            None,
        )
        .await
        .expect("token");
    let max_seq = tb.audit_page(i64::MAX, 1).await.expect("audit")[0].seq;
    Other {
        tenant_id: t.id,
        user_id: u.id,
        token_id: tok.id,
        max_seq,
    }
}

#[tokio::test]
async fn web_routes_hide_other_tenants_objects() {
    for app in TestApp::both().await {
        let b = tenant_b(&app).await;
        let be = app.backend;
        // The demo admin is admin of both demo tenants: the strongest role.
        let client = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let home = client
            .get(app.url("/admin/users"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("text");
        let csrf = extract_csrf(&home);
        let own_max = {
            let u = app
                .store
                .user_by_email(etterlev_web::demo::ADMIN_EMAIL)
                .await
                .expect("q")
                .expect("user");
            let m = app.store.memberships_of(&u.id).await.expect("m");
            let mut max = 0;
            for ms in m {
                let s = app.store.scope(&u, &ms.tenant.id).await.expect("scope");
                max = max.max(app.store.tenant(&s).audit_page(i64::MAX, 1).await.expect("a")[0].seq);
            }
            max
        };
        assert!(
            b.max_seq > own_max,
            "[{be}] tenant B's chain must be longer for the audit case"
        );

        let gets = [format!("/admin/users/{}", b.user_id), format!("/audit/{}", b.max_seq)];
        for path in gets {
            let r = client.get(app.url(&path)).send().await.expect("get");
            assert_eq!(r.status(), 404, "[{be}] GET {path}");
        }
        let posts = [
            (format!("/admin/users/{}", b.user_id), vec![("role", "reader")]),
            (format!("/admin/users/{}/remove", b.user_id), vec![]),
            (format!("/account/tokens/{}/revoke", b.token_id), vec![]),
            ("/tenant".to_string(), vec![("tenant_id", b.tenant_id.as_str())]),
        ];
        for (path, mut form) in posts {
            form.push(("_csrf", csrf.as_str()));
            let r = client.post(app.url(&path)).form(&form).send().await.expect("post");
            assert_eq!(r.status(), 404, "[{be}] POST {path}");
        }
        // Unknown set-up tokens and modules are plain 404s too.
        for path in ["/setup/not-a-token", "/modules/not-a-module"] {
            assert_eq!(
                client.get(app.url(path)).send().await.expect("get").status(),
                404,
                "[{be}] {path}"
            );
        }
        // Nothing of B changed.
        let bu = app
            .store
            .user_by_id(&b.user_id)
            .await
            .expect("q")
            .expect("B admin still there");
        let scope = app.store.scope(&bu, &b.tenant_id).await.expect("B admin still member");
        assert_eq!(
            app.store.tenant(&scope).member(&b.user_id).await.expect("member").role,
            Role::Admin,
            "[{be}]"
        );
        let tokens = app.store.api_tokens_of(&b.user_id).await.expect("tokens");
        assert!(tokens[0].revoked_at.is_none(), "[{be}] B's token must not be revoked");
    }
}

#[tokio::test]
async fn api_routes_hide_other_tenants_objects() {
    for app in TestApp::both().await {
        let b = tenant_b(&app).await;
        let be = app.backend;
        let token = app.api_token(etterlev_web::demo::ADMIN_EMAIL).await;
        let client = reqwest::Client::new();
        let t = &b.tenant_id;
        let u = &b.user_id;
        let cases: Vec<(reqwest::Method, String, Option<serde_json::Value>)> = vec![
            (reqwest::Method::GET, format!("/api/v1/tenants/{t}"), None),
            (reqwest::Method::GET, format!("/api/v1/tenants/{t}/members"), None),
            (
                reqwest::Method::POST,
                format!("/api/v1/tenants/{t}/members"),
                Some(serde_json::json!({"email":"x@y.no","display_name":"X","role":"admin"})),
            ),
            (reqwest::Method::GET, format!("/api/v1/tenants/{t}/members/{u}"), None),
            (
                reqwest::Method::PATCH,
                format!("/api/v1/tenants/{t}/members/{u}"),
                Some(serde_json::json!({"role":"reader"})),
            ),
            (
                reqwest::Method::DELETE,
                format!("/api/v1/tenants/{t}/members/{u}"),
                None,
            ),
            (reqwest::Method::GET, format!("/api/v1/tenants/{t}/audit"), None),
            (reqwest::Method::GET, format!("/api/v1/tenants/{t}/audit/1"), None),
        ];
        for (method, path, body) in cases {
            let mut req = client.request(method.clone(), app.url(&path)).bearer_auth(&token);
            if let Some(b) = body {
                req = req.json(&b);
            }
            let r = req.send().await.expect("send");
            assert_eq!(r.status(), 404, "[{be}] {method} {path}");
            let body: serde_json::Value = r.json().await.expect("json error body");
            assert_eq!(body["error"], "not_found", "[{be}] {method} {path}");
        }
        // And the member of tenant A's own tenant is reachable, so the 404s
        // above are about the tenant, not a broken route.
        let me: serde_json::Value = client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me")
            .json()
            .await
            .expect("json");
        let own = me["memberships"][0]["tenant"]["id"]
            .as_str()
            .expect("own tenant")
            .to_string();
        let r = client
            .get(app.url(&format!("/api/v1/tenants/{own}/members")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("own");
        assert_eq!(r.status(), 200, "[{be}]");
        let count_b = {
            let bu = app.store.user_by_id(u).await.expect("q").expect("u");
            let s = app.store.scope(&bu, t).await.expect("s");
            app.store.tenant(&s).members().await.expect("m").len()
        };
        assert_eq!(count_b, 1, "[{be}] tenant B unchanged");
    }
}
