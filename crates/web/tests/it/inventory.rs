//! Inventory over HTTP: register two systems and an integration, see them
//! in the list and the data-flow picture, link a measure to a Normen and a
//! NIS2 requirement, refusals that keep the input, readers, and isolation
//! between tenants (pages answer 404 for another tenant's objects).

use etterlev_core::inventory::{
    Criticality, DataCategory, Frequency, Hosting, Level, MeasureKind, MeasureStatus, ProtectionNeed, Protocol,
};
use etterlev_core::{OrgNumber, SizeClass, TenantKind};
use etterlev_store::{Actor, IntegrationInput, MeasureInput, NewTenant, NewUser, SystemInput};

use crate::common::{TestApp, extract_csrf};
use crate::wizard::{get, ok, post, s};

fn system_form(csrf: &str, name: &str) -> Vec<(String, String)> {
    vec![
        s("_csrf", csrf),
        s("name", name),
        s("owner", "Klinikksjef"),
        s("staff_users", "on"),
        s("data_category", "health"),
        s("health_register", "on"),
        s("confidentiality", "4"),
        s("integrity", "4"),
        s("availability", "3"),
        s("criticality", "critical"),
        s("hosting", "regional_it"),
    ]
}

/// Posts a form that should save and redirect; returns the new object's id.
async fn created(c: &reqwest::Client, app: &TestApp, path: &str, form: &[(String, String)], prefix: &str) -> String {
    let (status, location, body) = post(c, app, path, form).await;
    assert_eq!(status, 303, "[{}] POST {path}: {body}", app.backend);
    location
        .strip_prefix(prefix)
        .and_then(|r| r.split('?').next())
        .unwrap_or_else(|| panic!("[{}] {location}", app.backend))
        .to_string()
}

#[tokio::test]
async fn systems_integrations_picture_and_measures() {
    for app in TestApp::both().await {
        let be = app.backend;
        // Two catalogues: a Normen-like one and a NIS2-like one.
        app.import_fixture_catalogs().await;
        let admin = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let html = ok(&admin, &app, "/inventory/systems/new").await;
        let csrf = extract_csrf(&html);
        let a = created(
            &admin,
            &app,
            "/inventory/systems/new",
            &system_form(&csrf, "Labsystem Testå"),
            "/inventory/systems/",
        )
        .await;
        let b = created(
            &admin,
            &app,
            "/inventory/systems/new",
            &system_form(&csrf, "Journal Testø"),
            "/inventory/systems/",
        )
        .await;

        // A name taken: refused in Norwegian, with what was typed kept.
        let (status, _, body) = post(
            &admin,
            &app,
            "/inventory/systems/new",
            &system_form(&csrf, "Labsystem Testå"),
        )
        .await;
        assert_eq!(status, 422, "[{be}] {body}");
        assert!(
            body.contains("Det finnes allerede et system som heter Labsystem Testå"),
            "[{be}] {body}"
        );
        assert!(body.contains("value=\"Labsystem Testå\""), "[{be}] input kept");

        let form = vec![
            s("_csrf", &csrf),
            s("from_system", &a),
            s("to_system", &b),
            s("data", "Labsvar Test"),
            s("protocol", "hl7v2"),
            s("frequency", "real_time"),
            s("source_system", &a),
        ];
        let (status, location, body) = post(&admin, &app, "/inventory/integrations/new", &form).await;
        assert_eq!(
            (status, location.as_str()),
            (303, "/inventory?notice=inv-notice-saved"),
            "[{be}] {body}"
        );
        let list = ok(&admin, &app, "/inventory").await;
        for want in [
            "Labsystem Testå",
            "Journal Testø",
            "Labsvar Test",
            "Kopi av autoritativ kilde",
        ] {
            assert!(list.contains(want), "[{be}] /inventory shows {want}");
        }
        let (status, svg) = get(&admin, &app, "/inventory/map.svg").await;
        assert_eq!(status, 200, "[{be}]");
        assert!(
            svg.contains("<svg") && svg.contains("Labsystem Testå") && svg.contains("Journal Testø"),
            "[{be}] {svg}"
        );
        let (_, filtered) = get(&admin, &app, "/inventory/map.svg?category=none").await;
        assert!(
            !filtered.contains("Labsystem Testå"),
            "[{be}] the filter leaves out health-data systems"
        );

        // A measure serving a Normen and a NIS2 requirement.
        let measure = |reqs: &str| {
            vec![
                s("_csrf", &csrf),
                s("title", "MFA på fjerntilgang Test"),
                s("kind", "technical"),
                s("status", "implemented"),
                s("system", &a),
                s("system", &b),
                s("requirements", reqs),
            ]
        };
        let (status, _, body) = post(&admin, &app, "/measures/new", &measure("fixdemo@1.0 finnes-ikke")).await;
        assert_eq!(status, 422, "[{be}] {body}");
        assert!(
            body.contains("MFA på fjerntilgang Test") && body.contains("fixdemo@1.0 finnes-ikke"),
            "[{be}] input kept"
        );
        let m = created(
            &admin,
            &app,
            "/measures/new",
            &measure("fixdemo@2.0 2.2-a\nfixother@1 A"),
            "/measures/",
        )
        .await;
        let page = ok(&admin, &app, &format!("/measures/{m}")).await;
        assert!(
            page.contains("fixdemo@2.0 2.2-a") && page.contains("fixother@1 A"),
            "[{be}]"
        );
        let measures = ok(&admin, &app, "/measures").await;
        assert!(measures.contains("MFA på fjerntilgang Test"), "[{be}]");

        // The measure is evidence under the requirement it serves, and is
        // offered (through the mapping) under the one mapped to its other
        // requirement; citing it there links it.
        let r = admin
            .post(app.url("/assessments"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("catalog", "fixdemo@2.0"),
                ("title", "Egenvurdering med tiltak"),
                ("kind", "hospital_trust"),
                ("size", "large"),
                ("start_from", ""),
            ])
            .send()
            .await
            .expect("create assessment");
        assert_eq!(r.status(), 303, "[{be}] create assessment");
        let assessment = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .and_then(|l| l.strip_prefix("/assessments/"))
            .expect("redirect to the assessment")
            .to_string();
        let serving = ok(&admin, &app, &format!("/assessments/{assessment}/req/2.2-a")).await;
        let part = serving.split("id=\"measures\"").nth(1).unwrap_or("");
        assert!(
            part.contains("serving-measures") && part.contains("MFA på fjerntilgang Test"),
            "[{be}] {part}"
        );
        let mapped = ok(&admin, &app, &format!("/assessments/{assessment}/req/2.1-a")).await;
        let part = mapped.split("id=\"offered-measures\"").nth(1).unwrap_or("");
        assert!(
            part.contains("MFA på fjerntilgang Test") && part.contains("fixother@1 A"),
            "[{be}] offered: {mapped}"
        );
        let (status, location, body) = post(
            &admin,
            &app,
            &format!("/assessments/{assessment}/req/2.1-a/measures"),
            &[s("_csrf", &csrf), s("measure", &m)],
        )
        .await;
        assert_eq!(status, 303, "[{be}] {body}");
        assert!(location.contains("cited=1"), "[{be}] {location}");
        let cited = ok(&admin, &app, &format!("/assessments/{assessment}/req/2.1-a")).await;
        let part = cited.split("id=\"serving-measures\"").nth(1).unwrap_or("");
        assert!(part.contains("MFA på fjerntilgang Test"), "[{be}] now serving");
        assert!(
            ok(&admin, &app, &format!("/measures/{m}"))
                .await
                .contains("fixdemo@2.0 2.1-a"),
            "[{be}]"
        );

        // In use: the system cannot go, and it says why (the store refuses).
        let (_, sys) = get(&admin, &app, &format!("/inventory/systems/{a}")).await;
        assert!(sys.contains("Labsystem Testå"), "[{be}]");
    }
}

/// Tenant B with a system, an integration and a measure of its own.
async fn tenant_b(app: &TestApp) -> (String, String, String) {
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
    let l = |n| Level::new(n).expect("level");
    let sys = |name: &str| SystemInput {
        name: name.into(),
        purpose: None,
        owner: None,
        administrator: None,
        users: None,
        staff_users: true,
        patient_users: false,
        data_category: DataCategory::Health,
        health_register: false,
        need: ProtectionNeed {
            confidentiality: l(3),
            integrity: l(3),
            availability: l(3),
        },
        criticality: Criticality::Important,
        hosting: Hosting::OwnPremises,
        cloud_provider: None,
        cloud_region: None,
        supplier: None,
        medical_device: false,
        mdr_class: None,
        ai_component: false,
        internet_exposed: false,
        remote_access: false,
    };
    let one = tb.create_system(sys("Hemmelig B-journal")).await.expect("B system");
    let two = tb.create_system(sys("B-røntgen")).await.expect("B system 2");
    let i = tb
        .create_integration(IntegrationInput {
            from_system: one.id.clone(),
            to_system: two.id.clone(),
            both_ways: false,
            data: "B-henvisninger".into(),
            protocol: Protocol::Fhir,
            frequency: Frequency::Daily,
            source_system: None,
        })
        .await
        .expect("B integration");
    let m = tb
        .create_measure(MeasureInput {
            title: "B-tiltak".into(),
            description: None,
            kind: MeasureKind::Organisational,
            status: MeasureStatus::Planned,
            owner: None,
            review_by: None,
            check_method: None,
            check_interval: None,
            last_checked: None,
            last_result: None,
            systems: vec![one.id.clone()],
            requirements: vec![],
        })
        .await
        .expect("B measure");
    (one.id, i.id, m.id)
}

#[tokio::test]
async fn other_tenants_inventory_is_404() {
    for app in TestApp::both().await {
        let be = app.backend;
        let (system, integration, measure) = tenant_b(&app).await;
        let admin = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let list = ok(&admin, &app, "/inventory").await;
        assert!(
            !list.contains("Hemmelig B-journal") && !list.contains("B-henvisninger"),
            "[{be}]"
        );
        let (_, svg) = get(&admin, &app, "/inventory/map.svg").await;
        assert!(!svg.contains("Hemmelig B-journal"), "[{be}]");
        assert!(!ok(&admin, &app, "/measures").await.contains("B-tiltak"), "[{be}]");
        let csrf = extract_csrf(&list);
        for path in [
            format!("/inventory/systems/{system}"),
            format!("/inventory/integrations/{integration}"),
            format!("/measures/{measure}"),
        ] {
            assert_eq!(get(&admin, &app, &path).await.0, 404, "[{be}] GET {path}");
            let form = vec![s("_csrf", &csrf), s("name", "x"), s("title", "x"), s("version", "1")];
            assert_eq!(post(&admin, &app, &path, &form).await.0, 404, "[{be}] POST {path}");
        }
        // B's measure cannot be cited from an assessment of A's, nor A's from B's.
        app.import_fixture_catalogs().await;
        let r = admin
            .post(app.url("/assessments"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("catalog", "fixdemo@2.0"),
                ("title", "A sin vurdering"),
                ("kind", "hospital_trust"),
                ("size", "large"),
                ("start_from", ""),
            ])
            .send()
            .await
            .expect("create assessment");
        assert_eq!(r.status(), 303, "[{be}] create assessment");
        let path = format!(
            "{}/req/2.1-a/measures",
            r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("")
        );
        let form = vec![s("_csrf", &csrf), s("measure", &measure)];
        assert_eq!(
            post(&admin, &app, &path, &form).await.0,
            404,
            "[{be}] POST {path} with B's measure"
        );

        // A reference to B's system from A's own form is refused, not followed.
        let form = vec![
            s("_csrf", &csrf),
            s("title", "Lånt system"),
            s("kind", "technical"),
            s("status", "planned"),
            s("system", &system),
        ];
        let (status, _, body) = post(&admin, &app, "/measures/new", &form).await;
        assert_eq!(status, 422, "[{be}] {body}");
        assert!(!body.contains("Hemmelig B-journal"), "[{be}] B's name does not leak");
    }
}

#[tokio::test]
async fn api_systems_integrations_and_measures() {
    use crate::wizard::{EDITOR, READER};
    use serde_json::json;
    for app in TestApp::both().await {
        let be = app.backend;
        let token = app.api_token(EDITOR).await;
        let http = reqwest::Client::new();
        let api = |p: &str| app.url(&format!("/api/v1{p}"));
        let send = |method: reqwest::Method, path: &str, body: Option<serde_json::Value>| {
            let mut r = http.request(method, api(path)).bearer_auth(&token);
            if let Some(b) = body {
                r = r.json(&b);
            }
            r.send()
        };
        let system = |name: &str| {
            json!({"name": name, "data_category": "health", "confidentiality": 2, "integrity": 4,
                   "availability": 4, "criticality": "critical", "hosting": "cloud", "cloud_provider": "Sky AS"})
        };
        let r = send(reqwest::Method::POST, "/systems", Some(system("Journal API")))
            .await
            .expect("post");
        assert_eq!(r.status(), 201, "[{be}]");
        let a: serde_json::Value = r.json().await.expect("json");
        assert_eq!(
            a["below_least"],
            json!(["confidentiality"]),
            "[{be}] health data at 2 is low"
        );
        let b: serde_json::Value = send(reqwest::Method::POST, "/systems", Some(system("Lab API")))
            .await
            .expect("post")
            .json()
            .await
            .expect("json");
        let (a_id, b_id) = (a["id"].as_str().unwrap_or(""), b["id"].as_str().unwrap_or(""));

        // Unknown choices and a missing provider for cloud: 422 with the field.
        let mut bad = system("X");
        bad["hosting"] = json!("mars");
        let r = send(reqwest::Method::POST, "/systems", Some(bad)).await.expect("post");
        assert_eq!(r.status(), 422, "[{be}]");
        let body: serde_json::Value = r.json().await.expect("json");
        assert_eq!(body["fields"][0]["field"], "hosting", "[{be}] {body}");
        let mut bad = system("Y");
        bad["cloud_provider"] = json!(null);
        assert_eq!(
            send(reqwest::Method::POST, "/systems", Some(bad))
                .await
                .expect("post")
                .status(),
            422,
            "[{be}]"
        );

        let r = send(
            reqwest::Method::POST,
            "/integrations",
            Some(
                json!({"from_system": b_id, "to_system": a_id, "data": "Svar", "protocol": "fhir",
                        "frequency": "real_time", "source_system": b_id}),
            ),
        )
        .await
        .expect("post");
        assert_eq!(r.status(), 201, "[{be}]");
        let i: serde_json::Value = r.json().await.expect("json");
        assert_eq!(i["carries_copy"], true, "[{be}]");

        let r = send(
            reqwest::Method::POST,
            "/measures",
            Some(json!({"title": "Kryptering", "kind": "technical", "status": "planned", "systems": [a_id]})),
        )
        .await
        .expect("post");
        assert_eq!(r.status(), 201, "[{be}]");
        let m: serde_json::Value = r.json().await.expect("json");
        assert_eq!(m["systems"], json!([a_id]), "[{be}]");

        // Changes name the version they read; a stale one is 409 with the stored object.
        let mut change = system("Journal API");
        change["confidentiality"] = json!(4);
        change["version"] = json!(1);
        let r = send(reqwest::Method::PUT, &format!("/systems/{a_id}"), Some(change.clone()))
            .await
            .expect("put");
        assert_eq!(r.status(), 200, "[{be}]");
        let r = send(reqwest::Method::PUT, &format!("/systems/{a_id}"), Some(change))
            .await
            .expect("put");
        assert_eq!(r.status(), 409, "[{be}]");
        let body: serde_json::Value = r.json().await.expect("json");
        let stored = &body["current_system"];
        assert_eq!(
            (stored["version"].as_i64(), stored["confidentiality"].as_i64()),
            (Some(2), Some(4)),
            "[{be}]"
        );
        let mut unversioned = system("Journal API");
        unversioned["version"] = json!(null);
        let r = send(reqwest::Method::PUT, &format!("/systems/{a_id}"), Some(unversioned))
            .await
            .expect("put");
        assert_eq!(r.status(), 422, "[{be}] a change needs its version");

        // In use: refused; the integration goes first.
        let r = send(reqwest::Method::DELETE, &format!("/systems/{b_id}?version=1"), None)
            .await
            .expect("delete");
        assert_eq!(r.status(), 422, "[{be}]");
        let i_id = i["id"].as_str().unwrap_or("");
        let r = send(
            reqwest::Method::DELETE,
            &format!("/integrations/{i_id}?version=1"),
            None,
        )
        .await
        .expect("delete");
        assert_eq!(r.status(), 204, "[{be}]");
        let r = send(reqwest::Method::DELETE, &format!("/systems/{b_id}?version=1"), None)
            .await
            .expect("delete");
        assert_eq!(r.status(), 204, "[{be}]");
        assert_eq!(
            send(reqwest::Method::GET, &format!("/systems/{b_id}"), None)
                .await
                .expect("get")
                .status(),
            404,
            "[{be}]"
        );
        let list: serde_json::Value = send(reqwest::Method::GET, "/systems", None)
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        assert_eq!(list.as_array().map(Vec::len), Some(1), "[{be}]");

        // A reader reads and cannot write.
        let reader = app.api_token(READER).await;
        let r = http
            .get(api("/measures"))
            .bearer_auth(&reader)
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 200, "[{be}]");
        let r = http
            .post(api("/systems"))
            .bearer_auth(&reader)
            .json(&system("Z"))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 403, "[{be}]");

        // Another tenant's objects are 404 through the API too.
        let (system_b, integration_b, measure_b) = tenant_b(&app).await;
        for path in [
            format!("/systems/{system_b}"),
            format!("/integrations/{integration_b}"),
            format!("/measures/{measure_b}"),
        ] {
            let r = send(reqwest::Method::GET, &path, None).await.expect("get");
            assert_eq!(r.status(), 404, "[{be}] GET {path}");
            let r = send(reqwest::Method::DELETE, &format!("{path}?version=1"), None)
                .await
                .expect("delete");
            assert_eq!(r.status(), 404, "[{be}] DELETE {path}");
        }
    }
}
