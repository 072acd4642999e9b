//! Test projects over HTTP: create a project, answer the checklist, a
//! decision refused while items are missing (the page names them), approval
//! once answered, the printable record, readers, conflicts, bad input, the
//! REST API and isolation between tenants.

use etterlev_core::test_projects::{CheckAnswer, CheckKey, DataKind};
use etterlev_core::{OrgNumber, SizeClass, TenantKind};
use etterlev_store::{
    Actor, CheckInput, CheckUpdate, NewTenant, NewUser, Store, TenantScope, TestProject, TestProjectInput,
};

use crate::common::{TestApp, extract_csrf};
use crate::wizard::{EDITOR, READER, get, gp_scope, ok, post, s};

/// Creates a project through the form; returns its id.
async fn create_by_form(c: &reqwest::Client, app: &TestApp, form: &[(String, String)]) -> String {
    let (status, location, body) = post(c, app, "/testdata/new", form).await;
    assert_eq!(status, 303, "[{}] {body}", app.backend);
    location
        .strip_prefix("/testdata/")
        .and_then(|r| r.strip_suffix("?notice=testdata-notice-saved"))
        .unwrap_or_else(|| panic!("[{}] {location}", app.backend))
        .to_string()
}

/// Answers one item through the page's form; returns status and body.
async fn answer(
    c: &reqwest::Client,
    app: &TestApp,
    csrf: &str,
    id: &str,
    (key, answer, note): (&str, &str, &str),
    version: i64,
) -> (u16, String, String) {
    let form = [
        s("_csrf", csrf),
        s("key", key),
        s("answer", answer),
        s("note", note),
        s("version", &version.to_string()),
    ];
    post(c, app, &format!("/testdata/{id}/checks"), &form).await
}

#[tokio::test]
async fn checklist_ends_in_an_audited_decision() {
    for app in TestApp::both().await {
        let be = app.backend;
        let c = app.login(EDITOR).await;
        let list = ok(&c, &app, "/testdata").await;
        for needle in [
            "Ingen testprosjekter ennå.",
            "id=\"new-test-project\"",
            "etterlev testdata generate",
            "etterlev testdata risk",
            "pasientjournalloven § 11",
            "href=\"/testdata\" id=\"nav-testdata\"",
        ] {
            assert!(list.contains(needle), "[{be}] lacks {needle}: {list}");
        }
        let form_page = ok(&c, &app, "/testdata/new").await;
        assert!(
            form_page.contains("id=\"kind-synthetic\" name=\"data_kind\" value=\"synthetic\" checked"),
            "[{be}] synthetic is the default: {form_page}"
        );
        let csrf = extract_csrf(&form_page);

        // Bad input: every problem named, nothing created.
        let bad = [
            s("_csrf", &csrf),
            s("name", " "),
            s("system_name", "DIPS Arena"),
            s("data_kind", "fake"),
            s("delete_by", "2026-02-30"),
        ];
        let (status, _, body) = post(&c, &app, "/testdata/new", &bad).await;
        assert_eq!(status, 422, "[{be}] {body}");
        for needle in [
            "Skriv et navn på testprosjektet",
            "Velg hvilke data dere ønsker å teste med.",
            "Datoen må være en gyldig dato.",
            "value=\"DIPS Arena\"",
        ] {
            assert!(body.contains(needle), "[{be}] lacks {needle}: {body}");
        }

        let id = create_by_form(
            &c,
            &app,
            &[
                s("_csrf", &csrf),
                s("name", "Ny EPJ-versjon 24.1"),
                s("system_name", "DIPS Arena"),
                s("environment", "T2, lukket testnett"),
                s("purpose", "Regresjonstest av ny versjon"),
                s("owner", "IKT-sjef"),
                s("supplier", "Leverandør AS"),
                s("data_kind", "real"),
                s("delete_by", "2026-12-31"),
            ],
        )
        .await;
        let page = ok(&c, &app, &format!("/testdata/{id}?notice=testdata-notice-saved")).await;
        for needle in [
            "Testprosjektet er lagret.",
            "<strong>Ekte helseopplysninger</strong>",
            "31.12.2026",
            "0 av 11 påkrevde punkter er på plass",
            "id=\"check-closed_environment\"",
            "Testen skjer i et lukket testmiljø",
            "Pasientjournalloven § 11 (2)",
            "Personvernforordningen (GDPR) art. 28",
            "id=\"missing-why_not_synthetic\"",
            "id=\"no-decision\"",
            "id=\"no-history\"",
        ] {
            assert!(page.contains(needle), "[{be}] lacks {needle}: {page}");
        }

        // Half answered.
        for key in &CheckKey::ALL[..5] {
            let (status, location, body) =
                answer(&c, &app, &csrf, &id, (key.as_str(), "yes", "Se testplanen"), 0).await;
            assert_eq!(status, 303, "[{be}] {key}: {body}");
            assert_eq!(
                location,
                format!("/testdata/{id}?notice=testdata-notice-check-saved#check-{key}"),
                "[{be}]"
            );
        }
        let page = ok(&c, &app, &format!("/testdata/{id}")).await;
        assert!(page.contains("5 av 11 påkrevde punkter er på plass"), "[{be}] {page}");

        // Approval is refused and the page names what is missing; nothing saved.
        let approve = |version: i64| {
            vec![
                s("_csrf", &csrf),
                s("version", &version.to_string()),
                s("decision", "approved"),
                s("reason", "Vurdert i sikkerhetsforum 12.03."),
                s("review_by", "2026-06-30"),
            ]
        };
        let (status, _, body) = post(&c, &app, &format!("/testdata/{id}/decision"), &approve(1)).await;
        assert_eq!(status, 422, "[{be}] {body}");
        for needle in [
            "id=\"decision-errors\"",
            "Beslutningen er ikke lagret.",
            "Tilgang logges og loggene følges opp: ikke besvart",
            "Vurdert i sikkerhetsforum 12.03.",
        ] {
            assert!(body.contains(needle), "[{be}] lacks {needle}: {body}");
        }
        let scope = gp_scope(&app.store, EDITOR).await;
        let ts = app.store.tenant(&scope);
        let stored = ts.test_project(&id).await.expect("project");
        assert_eq!((stored.decision, stored.version), (None, 1), "[{be}] nothing saved");

        // Bad input on the checklist: 400 or 422, never 500.
        let (status, _, _) = answer(&c, &app, &csrf, &id, ("colour", "yes", ""), 0).await;
        assert_eq!(status, 400, "[{be}] unknown key");
        let (status, _, body) = answer(&c, &app, &csrf, &id, ("logging", "maybe", "x"), 0).await;
        assert_eq!(status, 422, "[{be}] invalid answer: {body}");
        assert!(
            body.contains("Velg et svar.") && body.contains("id=\"errors-logging\""),
            "[{be}] {body}"
        );
        let (status, _, _) = answer(&c, &app, &csrf, &id, ("logging", "yes", ""), -1).await;
        assert_eq!(status, 422, "[{be}] a negative version names no answer");
        let bad_version = [
            s("_csrf", &csrf),
            s("key", "logging"),
            s("answer", "yes"),
            s("version", "x"),
        ];
        assert_eq!(
            post(&c, &app, &format!("/testdata/{id}/checks"), &bad_version).await.0,
            400,
            "[{be}]"
        );
        let (status, _, body) = post(
            &c,
            &app,
            &format!("/testdata/{id}/decision"),
            &[
                s("_csrf", &csrf),
                s("version", "1"),
                s("decision", "maybe"),
                s("reason", ""),
            ],
        )
        .await;
        assert_eq!(status, 422, "[{be}] {body}");
        assert!(
            body.contains("Velg en beslutning.") && body.contains("Skriv en begrunnelse"),
            "[{be}]"
        );

        // Two people answer the same item: the second gets 409 and keeps their text.
        let (status, _, body) = answer(&c, &app, &csrf, &id, ("purpose", "partly", "Mitt utkast"), 0).await;
        assert_eq!(status, 409, "[{be}] {body}");
        for needle in [
            "Noen andre lagret et svar på dette punktet",
            "Lagret svar: <strong>Ja</strong>",
            "Mitt utkast</textarea>",
            "id=\"purpose-partly\" name=\"answer\" value=\"partly\" checked",
        ] {
            assert!(body.contains(needle), "[{be}] lacks {needle}: {body}");
        }
        let purpose = ts
            .test_checks(&id)
            .await
            .expect("checks")
            .into_iter()
            .find(|c| c.key == CheckKey::Purpose)
            .expect("purpose");
        assert_eq!((purpose.answer, purpose.version), (CheckAnswer::Yes, 1), "[{be}]");

        // The rest answered: approval goes through.
        for key in &CheckKey::ALL[5..] {
            let (status, _, body) = answer(&c, &app, &csrf, &id, (key.as_str(), "yes", "Dokumentert"), 0).await;
            assert_eq!(status, 303, "[{be}] {key}: {body}");
        }
        let page = ok(&c, &app, &format!("/testdata/{id}")).await;
        assert!(page.contains("id=\"missing-none\""), "[{be}] {page}");
        let (status, location, body) = post(&c, &app, &format!("/testdata/{id}/decision"), &approve(1)).await;
        assert_eq!(
            (status, location.as_str()),
            (
                303,
                format!("/testdata/{id}?notice=testdata-notice-decided#decision").as_str()
            ),
            "[{be}] {body}"
        );
        let page = ok(&c, &app, &format!("/testdata/{id}?notice=testdata-notice-decided")).await;
        for needle in [
            "Beslutningen er lagret.",
            "id=\"current-decision\"",
            "<span class=\"badge decision-approved\">Godkjent</span>",
            "id=\"decision-1\"",
            "30.06.2026",
            EDITOR,
        ] {
            assert!(page.contains(needle), "[{be}] lacks {needle}: {page}");
        }
        // A stale decision form is a conflict.
        let (status, _, body) = post(&c, &app, &format!("/testdata/{id}/decision"), &approve(1)).await;
        assert_eq!(status, 409, "[{be}] {body}");
        assert!(body.contains("Noen andre endret testprosjektet"), "[{be}]");

        // The printable record: who, when, what was checked.
        let r = c
            .get(app.url(&format!("/testdata/{id}/report")))
            .send()
            .await
            .expect("report");
        assert_eq!(r.status(), 200, "[{be}]");
        let csp = r
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert!(csp.starts_with("default-src 'none'"), "[{be}] {csp}");
        let report = r.text().await.expect("body");
        for needle in [
            "Beslutning om bruk av testdata",
            "Ny EPJ-versjon 24.1",
            "Solbakken legekontor",
            "<dd class=\"decision\">Godkjent</dd>",
            &format!("<dd id=\"report-decided-by\">{EDITOR}</dd>"),
            "Sjekklisten slik den var da beslutningen ble tatt",
            "Tilgang logges og loggene følges opp",
        ] {
            assert!(report.contains(needle), "[{be}] lacks {needle}: {report}");
        }

        // The list shows the decision and the progress.
        let list = ok(&c, &app, "/testdata").await;
        assert!(list.contains("Godkjent") && list.contains("11/11"), "[{be}] {list}");

        // Audited: each saved answer and the decision.
        let admin = app
            .store
            .user_by_email(etterlev_web::demo::ADMIN_EMAIL)
            .await
            .expect("q")
            .expect("admin");
        let admin_scope = app.store.scope(&admin, scope.tenant_id()).await.expect("scope");
        let audit = app
            .store
            .tenant(&admin_scope)
            .audit_page(i64::MAX, 500)
            .await
            .expect("audit");
        let count = |a: &str| audit.iter().filter(|e| e.action == a).count();
        assert_eq!(count("test_project.create"), 1, "[{be}]");
        assert_eq!(count("test_check.save"), CheckKey::ALL.len(), "[{be}]");
        assert_eq!(count("test_project.decide"), 1, "[{be}]");

        // Changing the data kind withdraws the decision (after a warning).
        let edit = ok(&c, &app, &format!("/testdata/{id}/edit")).await;
        assert!(edit.contains("id=\"kind-change-warning\""), "[{be}] {edit}");
        let (status, _, body) = post(
            &c,
            &app,
            &format!("/testdata/{id}/edit"),
            &[
                s("_csrf", &csrf),
                s("version", "2"),
                s("name", "Ny EPJ-versjon 24.1"),
                s("system_name", "DIPS Arena"),
                s("data_kind", "synthetic"),
            ],
        )
        .await;
        assert_eq!(status, 303, "[{be}] {body}");
        let p = ts.test_project(&id).await.expect("project");
        assert_eq!((p.decision, p.data_kind), (None, DataKind::Synthetic), "[{be}]");
        assert_eq!(ts.test_decisions(&id).await.expect("history").len(), 1, "[{be}]");
    }
}

#[tokio::test]
async fn readers_see_but_cannot_change() {
    for app in TestApp::both().await {
        let be = app.backend;
        let scope = gp_scope(&app.store, EDITOR).await;
        let p = project(&app.store, &scope, DataKind::Pseudonymous).await;
        let reader = app.login(READER).await;
        let list = ok(&reader, &app, "/testdata").await;
        assert!(
            list.contains(&p.name) && !list.contains("id=\"new-test-project\""),
            "[{be}] {list}"
        );
        let page = ok(&reader, &app, &format!("/testdata/{}", p.id)).await;
        assert!(page.contains("id=\"read-only\""), "[{be}] {page}");
        for absent in ["id=\"form-logging\"", "id=\"decision-form\"", "id=\"edit-project\""] {
            assert!(!page.contains(absent), "[{be}] reader sees {absent}");
        }
        assert_eq!(get(&reader, &app, "/testdata/new").await.0, 403, "[{be}]");
        assert_eq!(
            get(&reader, &app, &format!("/testdata/{}/edit", p.id)).await.0,
            403,
            "[{be}]"
        );
        assert_eq!(
            get(&reader, &app, &format!("/testdata/{}/report", p.id)).await.0,
            200,
            "[{be}]"
        );
        let csrf = extract_csrf(&page);
        let (status, _, _) = answer(&reader, &app, &csrf, &p.id, ("logging", "yes", ""), 0).await;
        assert_eq!(status, 403, "[{be}]");
        let decision = [
            s("_csrf", &csrf),
            s("version", "1"),
            s("decision", "rejected"),
            s("reason", "nei"),
        ];
        assert_eq!(
            post(&reader, &app, &format!("/testdata/{}/decision", p.id), &decision)
                .await
                .0,
            403,
            "[{be}]"
        );
        let new = [
            s("_csrf", &csrf),
            s("name", "x"),
            s("system_name", "y"),
            s("data_kind", "real"),
        ];
        assert_eq!(post(&reader, &app, "/testdata/new", &new).await.0, 403, "[{be}]");
        let ts = app.store.tenant(&scope);
        assert!(ts.test_checks(&p.id).await.expect("checks").is_empty(), "[{be}]");
        assert_eq!(ts.test_projects().await.expect("list").len(), 1, "[{be}]");
        assert_eq!(get(&reader, &app, "/testdata/not-an-id").await.0, 404, "[{be}]");
    }
}

fn project_input(kind: DataKind) -> TestProjectInput {
    TestProjectInput {
        name: "Integrasjonstest lab".into(),
        system_name: "Labsvar".into(),
        environment: None,
        purpose: None,
        owner: None,
        supplier: None,
        data_kind: kind,
        delete_by: Some("2026-12-31".into()),
    }
}

async fn project(store: &Store, scope: &TenantScope, kind: DataKind) -> TestProject {
    store
        .tenant(scope)
        .create_test_project(project_input(kind))
        .await
        .expect("project")
}

#[tokio::test]
async fn api_creates_answers_and_decides() {
    for app in TestApp::both().await {
        let be = app.backend;
        let token = app.api_token(EDITOR).await;
        let http = reqwest::Client::new();
        let api = |p: &str| app.url(&format!("/api/v1{p}"));

        let r = http
            .post(api("/test-projects"))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "name": "Ny EPJ-versjon",
                "system_name": "DIPS Arena",
                "data_kind": "real",
                "delete_by": "2026-12-31"
            }))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 201, "[{be}]");
        let created: serde_json::Value = r.json().await.expect("json");
        let id = created["project"]["id"].as_str().expect("id").to_string();
        assert_eq!(created["project"]["version"], 1, "[{be}]");
        assert_eq!(created["project"]["required"], 11, "[{be}]");
        assert_eq!(created["checks"].as_array().map(Vec::len), Some(11), "[{be}]");
        assert_eq!(created["checks"][0]["need"], "required", "[{be}]");
        assert_eq!(
            created["missing_for_approval"].as_array().map(Vec::len),
            Some(11),
            "[{be}]"
        );

        let list: serde_json::Value = http
            .get(api("/test-projects"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        assert_eq!(list.as_array().map(Vec::len), Some(1), "[{be}] {list}");

        let decide = |version: i64, decision: &str| serde_json::json!({"decision": decision, "reason": "Vurdert", "version": version});
        let r = http
            .post(api(&format!("/test-projects/{id}/decision")))
            .bearer_auth(&token)
            .json(&decide(1, "approved"))
            .send()
            .await
            .expect("decide");
        assert_eq!(r.status(), 422, "[{be}]");
        let v: serde_json::Value = r.json().await.expect("json");
        assert_eq!(v["error"], "checklist_incomplete", "[{be}] {v}");
        assert_eq!(v["missing"].as_array().map(Vec::len), Some(11), "[{be}]");
        assert_eq!(v["missing"][0]["reason"], "unanswered", "[{be}]");

        let checks: Vec<_> = CheckKey::ALL
            .iter()
            .map(|k| serde_json::json!({"key": k.as_str(), "answer": "yes", "note": "Dokumentert", "version": 0}))
            .collect();
        let put = |body: serde_json::Value| {
            http.put(api(&format!("/test-projects/{id}/checks")))
                .bearer_auth(&token)
                .json(&body)
                .send()
        };
        for (body, status) in [
            (
                serde_json::json!({"checks": [{"key": "colour", "answer": "yes", "version": 0}]}),
                422,
            ),
            (
                serde_json::json!({"checks": [{"key": "logging", "answer": "maybe", "version": 0}]}),
                422,
            ),
            // Not of the documented shape (no version, an unknown field): 400.
            (
                serde_json::json!({"checks": [{"key": "logging", "answer": "yes"}]}),
                400,
            ),
            (
                serde_json::json!({"checks": [{"key": "logging", "answer": "yes", "version": 0, "x": 1}]}),
                400,
            ),
            (
                serde_json::json!({"checks": [{"key": "logging", "answer": "yes", "version": 3}]}),
                422,
            ),
        ] {
            let r = put(body.clone()).await.expect("put");
            assert_eq!(r.status(), status, "[{be}] {body}");
        }
        let r = put(serde_json::json!({ "checks": checks })).await.expect("put");
        assert_eq!(r.status(), 200, "[{be}]");
        let v: serde_json::Value = r.json().await.expect("json");
        assert!(
            v["missing_for_approval"].as_array().is_some_and(Vec::is_empty),
            "[{be}] {v}"
        );
        assert_eq!(v["checks"][0]["version"], 1, "[{be}]");
        // A stale version is 409 with the stored item; nothing saved.
        let r = put(serde_json::json!({"checks": [{"key": "logging", "answer": "no", "version": 0}]}))
            .await
            .expect("put");
        assert_eq!(r.status(), 409, "[{be}]");
        let v: serde_json::Value = r.json().await.expect("json");
        assert_eq!(v["current_check"]["answer"], "yes", "[{be}] {v}");
        assert_eq!(v["current_check"]["version"], 1, "[{be}]");

        let r = http
            .post(api(&format!("/test-projects/{id}/decision")))
            .bearer_auth(&token)
            .json(&decide(1, "approved"))
            .send()
            .await
            .expect("decide");
        assert_eq!(r.status(), 200, "[{be}]");
        let v: serde_json::Value = r.json().await.expect("json");
        assert_eq!(v["project"]["decision"], "approved", "[{be}]");
        assert_eq!(v["decisions"][0]["decided_by"], EDITOR, "[{be}]");
        let r = http
            .post(api(&format!("/test-projects/{id}/decision")))
            .bearer_auth(&token)
            .json(&decide(1, "rejected"))
            .send()
            .await
            .expect("decide");
        assert_eq!(r.status(), 409, "[{be}]");
        let r = http
            .post(api(&format!("/test-projects/{id}/decision")))
            .bearer_auth(&token)
            .json(&decide(2, "perhaps"))
            .send()
            .await
            .expect("decide");
        assert_eq!(r.status(), 422, "[{be}]");

        // Readers read but do not write; unknown ids are 404.
        let reader = app.api_token(READER).await;
        let r = http
            .get(api(&format!("/test-projects/{id}")))
            .bearer_auth(&reader)
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 200, "[{be}]");
        let r = http
            .put(api(&format!("/test-projects/{id}/checks")))
            .bearer_auth(&reader)
            .json(&serde_json::json!({"checks": [{"key": "logging", "answer": "no", "version": 1}]}))
            .send()
            .await
            .expect("put");
        assert_eq!(r.status(), 403, "[{be}]");
        let r = http
            .post(api(&format!("/test-projects/{id}/decision")))
            .bearer_auth(&reader)
            .json(&decide(2, "rejected"))
            .send()
            .await
            .expect("decide");
        assert_eq!(r.status(), 403, "[{be}]");
        for missing in [
            "/test-projects/not-an-id",
            "/test-projects/01890000-0000-7000-8000-000000000000",
        ] {
            let r = http.get(api(missing)).bearer_auth(&token).send().await.expect("get");
            assert_eq!(r.status(), 404, "[{be}] {missing}");
        }
    }
}

/// Tenant B with its own admin and a test project: (tenant id, B's scope, project).
async fn tenant_b(store: &Store) -> (String, TenantScope, TestProject) {
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
    let p = project(store, &scope, DataKind::Real).await;
    store
        .tenant(&scope)
        .save_test_checks(
            &p.id,
            vec![CheckUpdate {
                key: CheckKey::Purpose,
                input: CheckInput {
                    answer: CheckAnswer::Yes,
                    note: Some("B's purpose".into()),
                },
                expected_version: 0,
            }],
        )
        .await
        .expect("B's answer");
    (t.id, scope, p)
}

#[tokio::test]
async fn other_tenants_projects_are_404_in_pages_and_api() {
    for app in TestApp::both().await {
        let be = app.backend;
        let (b_tenant, b_scope, b) = tenant_b(&app.store).await;
        let admin = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let html = ok(&admin, &app, "/testdata").await;
        assert!(!html.contains("Integrasjonstest lab"), "[{be}]");
        let csrf = extract_csrf(&html);
        for path in ["", "/edit", "/report"] {
            let path = format!("/testdata/{}{path}", b.id);
            assert_eq!(get(&admin, &app, &path).await.0, 404, "[{be}] GET {path}");
        }
        let posts: Vec<(String, Vec<(String, String)>)> = vec![
            (
                format!("/testdata/{}/checks", b.id),
                vec![
                    s("key", "purpose"),
                    s("answer", "no"),
                    s("note", "x"),
                    s("version", "1"),
                ],
            ),
            (
                format!("/testdata/{}/decision", b.id),
                vec![s("decision", "rejected"), s("reason", "x"), s("version", "1")],
            ),
            (
                format!("/testdata/{}/edit", b.id),
                vec![
                    s("name", "x"),
                    s("system_name", "y"),
                    s("data_kind", "synthetic"),
                    s("version", "1"),
                ],
            ),
        ];
        for (path, mut form) in posts {
            form.push(s("_csrf", &csrf));
            assert_eq!(post(&admin, &app, &path, &form).await.0, 404, "[{be}] POST {path}");
        }

        let token = app.api_token(etterlev_web::demo::ADMIN_EMAIL).await;
        let http = reqwest::Client::new();
        let api = |p: &str| app.url(&format!("/api/v1{p}"));
        let r = http
            .get(api(&format!("/test-projects/{}", b.id)))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 404, "[{be}]");
        let r = http
            .put(api(&format!("/test-projects/{}/checks", b.id)))
            .bearer_auth(&token)
            .json(&serde_json::json!({"checks": [{"key": "purpose", "answer": "no", "version": 1}]}))
            .send()
            .await
            .expect("put");
        assert_eq!(r.status(), 404, "[{be}]");
        let r = http
            .post(api(&format!("/test-projects/{}/decision", b.id)))
            .bearer_auth(&token)
            .json(&serde_json::json!({"decision": "rejected", "reason": "x", "version": 1}))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 404, "[{be}]");
        let r = http
            .get(api(&format!("/test-projects?tenant_id={b_tenant}")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("list");
        assert_eq!(r.status(), 404, "[{be}]");
        let r = http
            .post(api("/test-projects"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"tenant_id": b_tenant, "name": "x", "system_name": "y", "data_kind": "real"}))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 404, "[{be}]");
        let all: serde_json::Value = http
            .get(api("/test-projects"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        assert_eq!(all.as_array().map(Vec::len), Some(0), "[{be}] {all}");

        // Nothing of B changed.
        let tb = app.store.tenant(&b_scope);
        assert_eq!(tb.test_project(&b.id).await.expect("B's project"), b, "[{be}]");
        let checks = tb.test_checks(&b.id).await.expect("B's checks");
        assert_eq!(
            (checks.len(), checks[0].answer, checks[0].version),
            (1, CheckAnswer::Yes, 1),
            "[{be}]"
        );
        assert!(tb.test_decisions(&b.id).await.expect("history").is_empty(), "[{be}]");
    }
}

/// The demo: at Fjordheim one project asking for real data with half of the
/// checklist answered, and one approved on synthetic data; only once.
#[tokio::test]
async fn demo_seeds_two_test_projects_once() {
    let (store, _dir) = crate::common::sqlite_store().await;
    etterlev_web::demo::seed_people(&store).await.expect("people");
    assert!(etterlev_web::demo::seed_test_projects(&store).await.expect("first"));
    assert!(!etterlev_web::demo::seed_test_projects(&store).await.expect("second"));
    let admin = store
        .user_by_email(etterlev_web::demo::ADMIN_EMAIL)
        .await
        .expect("q")
        .expect("admin");
    let hospital = store
        .tenant_by_org(&OrgNumber::parse("312000008").expect("org"))
        .await
        .expect("q")
        .expect("Fjordheim");
    let scope = store.scope(&admin, &hospital.id).await.expect("scope");
    let ts = store.tenant(&scope);
    let projects = ts.test_projects().await.expect("projects");
    assert_eq!(projects.len(), 2);
    let real = projects.iter().find(|p| p.data_kind == DataKind::Real).expect("real");
    let checks = ts.test_checks(&real.id).await.expect("checks");
    let progress = real.progress(&checks);
    assert!(real.decision.is_none());
    assert!(
        progress.answered * 2 >= CheckKey::ALL.len() && progress.done < progress.required,
        "{progress:?}"
    );
    let synthetic = projects
        .iter()
        .find(|p| p.data_kind == DataKind::Synthetic)
        .expect("synthetic");
    assert_eq!(
        synthetic.decision,
        Some(etterlev_core::test_projects::Decision::Approved)
    );
    assert_eq!(ts.test_decisions(&synthetic.id).await.expect("history").len(), 1);
}
