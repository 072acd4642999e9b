//! The action plan over HTTP: create by hand and from a gap, edit with
//! optimistic locking (a stale form is a 409 that keeps the user's input),
//! overdue list and dashboard counts, readers, the REST API and isolation.

use etterlev_core::{ActionStatus, Priority};
use etterlev_store::AnswerInput;

use crate::common::{TestApp, extract_csrf};
use crate::wizard::{EDITOR, READER, get, gp_scope, import_normen, new_assessment, ok, other_tenant, post, s};

/// Creates an action through the form; returns its id.
async fn create_by_form(c: &reqwest::Client, app: &TestApp, form: &[(String, String)]) -> String {
    let (status, location, body) = post(c, app, "/actions/new", form).await;
    assert_eq!(status, 303, "[{}] {body}", app.backend);
    location
        .strip_prefix("/actions/")
        .and_then(|r| r.strip_suffix("?notice=action-saved"))
        .unwrap_or_else(|| panic!("[{}] {location}", app.backend))
        .to_string()
}

#[tokio::test]
async fn actions_by_hand_edit_conflict_overdue_and_dashboard() {
    for app in TestApp::both().await {
        let be = app.backend;
        let c = app.login(EDITOR).await;
        let list = ok(&c, &app, "/actions").await;
        assert!(
            list.contains("Ingen tiltak ennå.") && list.contains("id=\"new-action\""),
            "[{be}] {list}"
        );
        let form_page = ok(&c, &app, "/actions/new").await;
        assert!(
            form_page.contains("<option value=\"medium\" selected>"),
            "[{be}] {form_page}"
        );
        let csrf = extract_csrf(&form_page);

        // Bad input: every problem named, nothing created.
        let bad = [
            s("_csrf", &csrf),
            s("title", " "),
            s("deadline", "2026-02-30"),
            s("priority", "urgent"),
        ];
        let (status, _, body) = post(&c, &app, "/actions/new", &bad).await;
        assert_eq!(status, 422, "[{be}] {body}");
        for needle in [
            "Skriv hva som skal gjøres.",
            "Fristen må være en gyldig dato.",
            "Velg en prioritet.",
            "value=\"2026-02-30\"",
        ] {
            assert!(body.contains(needle), "[{be}] lacks {needle}: {body}");
        }

        let id = create_by_form(
            &c,
            &app,
            &[
                s("_csrf", &csrf),
                s("title", "Lag rutine for tilgangskontroll"),
                s("description", "Hvem får se hva.\r\nGå gjennom hvert år."),
                s("owner", "Daglig leder"),
                s("deadline", "2020-01-31"),
                s("priority", "high"),
            ],
        )
        .await;
        let page = ok(&c, &app, &format!("/actions/{id}?notice=action-saved")).await;
        for needle in [
            "Tiltaket er lagret.",
            "value=\"Lag rutine for tilgangskontroll\"",
            "Hvem får se hva.\nGå gjennom hvert år.</textarea>",
            "<option value=\"high\" selected>",
            "<option value=\"open\" selected>",
            "name=\"version\" value=\"1\"",
            "id=\"action-overdue\"",
        ] {
            assert!(page.contains(needle), "[{be}] lacks {needle}: {page}");
        }

        // Overdue: on the overdue list and marked; the dashboard counts it.
        let overdue = ok(&c, &app, "/actions?show=overdue").await;
        assert!(
            overdue.contains(&format!("class=\"priority-high overdue\" id=\"action-{id}\"")),
            "[{be}] {overdue}"
        );
        assert!(overdue.contains("Forfalt (1)"), "[{be}]");
        let home = ok(&c, &app, "/").await;
        assert!(
            home.contains("<span class=\"figure\">1</span> åpne tiltak")
                && home.contains("<span class=\"figure\">1</span> tiltak har passert fristen"),
            "[{be}] {home}"
        );
        assert!(home.contains("href=\"/actions?show=overdue\""), "[{be}]");

        // Two people edit the same version: the second gets 409, keeps their text
        // and sees the stored one.
        let first = [
            s("_csrf", &csrf),
            s("version", "1"),
            s("title", "Lag rutine for tilgangskontroll"),
            s("owner", "Kari"),
            s("deadline", "2099-12-31"),
            s("priority", "high"),
            s("status", "in_progress"),
        ];
        let (status, location, _) = post(&c, &app, &format!("/actions/{id}"), &first).await;
        assert_eq!(
            (status, location.as_str()),
            (303, format!("/actions/{id}?notice=action-saved").as_str()),
            "[{be}]"
        );
        let second = [
            s("_csrf", &csrf),
            s("version", "1"),
            s("title", "Min egen tittel"),
            s("owner", "Ola"),
            s("deadline", ""),
            s("priority", "low"),
            s("status", "done"),
        ];
        let (status, _, body) = post(&c, &app, &format!("/actions/{id}"), &second).await;
        assert_eq!(status, 409, "[{be}] {body}");
        for needle in [
            "id=\"stored-version\"",
            "<dd>Kari</dd>",
            "<dd>Pågår</dd>",
            "value=\"Min egen tittel\"",
            "value=\"Ola\"",
            "name=\"version\" value=\"2\"",
        ] {
            assert!(body.contains(needle), "[{be}] lacks {needle}: {body}");
        }
        let scope = gp_scope(&app.store, EDITOR).await;
        let stored = app.store.tenant(&scope).action(&id).await.expect("action");
        assert_eq!((stored.owner.as_deref(), stored.version), (Some("Kari"), 2), "[{be}]");
        // Saving the conflict page again applies the user's version.
        let mut again = second.to_vec();
        again[1] = s("version", "2");
        assert_eq!(post(&c, &app, &format!("/actions/{id}"), &again).await.0, 303, "[{be}]");
        let stored = app.store.tenant(&scope).action(&id).await.expect("action");
        assert_eq!(stored.status, ActionStatus::Done, "[{be}]");
        assert_eq!(stored.deadline, None, "[{be}]");

        // Done actions are neither open nor overdue.
        assert!(ok(&c, &app, "/actions").await.contains("Ingen åpne tiltak."), "[{be}]");
        assert!(
            ok(&c, &app, "/actions?show=overdue")
                .await
                .contains("id=\"no-actions\""),
            "[{be}]"
        );
        assert!(
            ok(&c, &app, "/actions?show=all")
                .await
                .contains(&format!("id=\"action-{id}\"")),
            "[{be}]"
        );
        let home = ok(&c, &app, "/").await;
        assert!(
            home.contains("<span class=\"figure\">0</span> åpne tiltak")
                && home.contains("<span class=\"figure\">0</span> tiltak har passert fristen"),
            "[{be}] {home}"
        );
        // An unknown quick view is ignored (the open ones), not an error.
        assert!(
            ok(&c, &app, "/actions?show=sideways")
                .await
                .contains("Ingen åpne tiltak."),
            "[{be}]"
        );
        assert_eq!(get(&c, &app, "/actions/not-an-id").await.0, 404, "[{be}]");
        let bad_version = [
            s("_csrf", &csrf),
            s("version", "x"),
            s("title", "t"),
            s("priority", "low"),
        ];
        assert_eq!(
            post(&c, &app, &format!("/actions/{id}"), &bad_version).await.0,
            400,
            "[{be}]"
        );

        // Readers see, but cannot change.
        let reader = app.login(READER).await;
        let list = ok(&reader, &app, "/actions?show=all").await;
        assert!(!list.contains("id=\"new-action\""), "[{be}]");
        let page = ok(&reader, &app, &format!("/actions/{id}")).await;
        assert!(
            page.contains("id=\"action-facts\"") && !page.contains("id=\"action-form\""),
            "[{be}]"
        );
        let rcsrf = extract_csrf(&page);
        let mut as_reader = again.clone();
        as_reader[0] = s("_csrf", &rcsrf);
        as_reader[1] = s("version", "3");
        assert_eq!(
            post(&reader, &app, &format!("/actions/{id}"), &as_reader).await.0,
            403,
            "[{be}]"
        );
        let new = [s("_csrf", &rcsrf), s("title", "Nei"), s("priority", "low")];
        assert_eq!(post(&reader, &app, "/actions/new", &new).await.0, 403, "[{be}]");
        assert_eq!(
            app.store.tenant(&scope).actions(None).await.expect("a").len(),
            1,
            "[{be}]"
        );
    }
}

#[tokio::test]
async fn action_from_a_gap_links_back_to_the_requirement() {
    for app in TestApp::both().await {
        let be = app.backend;
        let normen = import_normen(&app).await;
        let scope = gp_scope(&app.store, EDITOR).await;
        let ts = app.store.tenant(&scope);
        let a = ts
            .create_assessment(new_assessment(&scope, "Egenvurdering"))
            .await
            .expect("assessment");
        // A requirement tagged patient safety, answered "partly".
        let loaded = etterlev_catalog::load_path(&etterlev_web::demo::catalog_dir().join("normen")).expect("normen");
        let node = loaded
            .catalog("normen")
            .expect("newest normen")
            .nodes
            .iter()
            .find(|n| n.kind == etterlev_catalog::NodeKind::Requirement && n.tags.iter().any(|t| t == "patient_safety"))
            .expect("a patient-safety requirement")
            .clone();
        ts.save_answer(
            &a.id,
            &node.id,
            AnswerInput {
                status: etterlev_core::AnswerStatus::Partly,
                maturity: None,
                owner: None,
                due_date: None,
                comment: None,
                na_reason: None,
                wizard_answer: None,
            },
            0,
        )
        .await
        .expect("answer");

        let c = app.login(EDITOR).await;
        let path = format!("/actions/new?assessment={}&node={}", a.id, node.id);
        let html = ok(&c, &app, &path).await;
        for needle in [
            format!("value=\"{}\"", node.title.nb),
            "<option value=\"patient_safety\" selected>".to_string(),
            format!("href=\"/catalog/{normen}/node/{}\"", node.id),
            format!("href=\"/assessments/{}/req/{}\"", a.id, node.id),
            format!("name=\"assessment_id\" value=\"{}\"", a.id),
        ] {
            assert!(html.contains(&needle), "[{be}] lacks {needle}: {html}");
        }
        let csrf = extract_csrf(&html);
        let id = create_by_form(
            &c,
            &app,
            &[
                s("_csrf", &csrf),
                s("assessment_id", &a.id),
                s("node_id", &node.id),
                s("title", &node.title.nb),
                s("priority", "patient_safety"),
            ],
        )
        .await;
        let action = ts.action(&id).await.expect("action");
        assert_eq!(action.assessment_id.as_deref(), Some(a.id.as_str()), "[{be}]");
        assert_eq!(action.node_id.as_deref(), Some(node.id.as_str()), "[{be}]");
        assert_eq!(action.catalog_key.as_deref(), Some(normen.as_str()), "[{be}]");
        assert_eq!(action.priority, Priority::PatientSafety, "[{be}]");
        let page = ok(&c, &app, &format!("/actions/{id}")).await;
        assert!(
            page.contains(&format!("/assessments/{}/req/{}", a.id, node.id)),
            "[{be}]"
        );
        let list = ok(&c, &app, "/actions").await;
        assert!(
            list.contains(&format!("href=\"/catalog/{normen}/node/{}\"", node.id)),
            "[{be}]"
        );

        // Unknown requirements and half a gap are refused.
        for bad in [
            format!("/actions/new?assessment={}&node=no-such-node", a.id),
            format!("/actions/new?assessment={}&node=%3Cx%3E", a.id),
            "/actions/new?assessment=not-an-id&node=1".to_string(),
        ] {
            assert_eq!(get(&c, &app, &bad).await.0, 404, "[{be}] {bad}");
        }
        assert_eq!(
            get(&c, &app, &format!("/actions/new?assessment={}", a.id)).await.0,
            400,
            "[{be}]"
        );
    }
}

#[tokio::test]
async fn api_lists_creates_reads_and_updates_actions_with_versions() {
    for app in TestApp::both().await {
        let be = app.backend;
        let token = app.api_token(EDITOR).await;
        let http = reqwest::Client::new();
        let api = |p: &str| app.url(&format!("/api/v1{p}"));

        let r = http
            .post(api("/actions"))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "title": "Oppdater databehandleravtalen",
                "owner": "Kontorleder",
                "deadline": "2020-03-01",
                "priority": "patient_safety"
            }))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 201, "[{be}]");
        let created: serde_json::Value = r.json().await.expect("json");
        let id = created["id"].as_str().expect("id").to_string();
        assert_eq!(created["status"], "open", "[{be}]");
        assert_eq!(created["overdue"], true, "[{be}]");
        assert_eq!(created["version"], 1, "[{be}]");

        let list: serde_json::Value = http
            .get(api("/actions?show=overdue"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        assert_eq!(list.as_array().map(Vec::len), Some(1), "[{be}] {list}");
        let one: serde_json::Value = http
            .get(api(&format!("/actions/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(one["title"], "Oppdater databehandleravtalen", "[{be}]");

        let update = |version: i64, owner: &str| {
            serde_json::json!({
                "title": "Oppdater databehandleravtalen",
                "owner": owner,
                "deadline": null,
                "priority": "high",
                "status": "in_progress",
                "version": version
            })
        };
        let r = http
            .put(api(&format!("/actions/{id}")))
            .bearer_auth(&token)
            .json(&update(1, "Kari"))
            .send()
            .await
            .expect("put");
        assert_eq!(r.status(), 200, "[{be}]");
        let v: serde_json::Value = r.json().await.expect("json");
        assert_eq!(
            (v["version"].as_i64(), v["owner"].as_str()),
            (Some(2), Some("Kari")),
            "[{be}]"
        );
        assert_eq!(v["overdue"], false, "[{be}]");

        let r = http
            .put(api(&format!("/actions/{id}")))
            .bearer_auth(&token)
            .json(&update(1, "Ola"))
            .send()
            .await
            .expect("stale put");
        assert_eq!(r.status(), 409, "[{be}]");
        let v: serde_json::Value = r.json().await.expect("json");
        assert_eq!(v["error"], "conflict", "[{be}]");
        assert_eq!(v["current"]["owner"], "Kari", "[{be}] {v}");
        assert_eq!(v["current"]["version"], 2, "[{be}]");

        for (body, status) in [
            // Refused values are 422; a body not of the documented shape 400.
            (serde_json::json!({"title": "x", "deadline": "31.12.2026"}), 422),
            (serde_json::json!({"title": "", "priority": "low"}), 422),
            (serde_json::json!({"title": "x", "priority": "urgent"}), 422),
            (serde_json::json!({"title": "x", "colour": "red"}), 400),
            (serde_json::json!({"title": "x", "node_id": "2.1"}), 422),
        ] {
            let r = http
                .post(api("/actions"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .expect("post");
            assert_eq!(r.status(), status, "[{be}] {body}");
        }
        let r = http
            .put(api(&format!("/actions/{id}")))
            .bearer_auth(&token)
            .json(&serde_json::json!({"title": "x", "priority": "high", "status": "sleeping", "version": 2}))
            .send()
            .await
            .expect("put");
        assert_eq!(r.status(), 422, "[{be}]");

        // Readers may read but not write; unknown ids are 404.
        let reader = app.api_token(READER).await;
        let r = http
            .get(api(&format!("/actions/{id}")))
            .bearer_auth(&reader)
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 200, "[{be}]");
        let r = http
            .put(api(&format!("/actions/{id}")))
            .bearer_auth(&reader)
            .json(&update(2, "Lise"))
            .send()
            .await
            .expect("put");
        assert_eq!(r.status(), 403, "[{be}]");
        let r = http
            .post(api("/actions"))
            .bearer_auth(&reader)
            .json(&serde_json::json!({"title": "x"}))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 403, "[{be}]");
        for missing in ["/actions/not-an-id", "/actions/01890000-0000-7000-8000-000000000000"] {
            let r = http.get(api(missing)).bearer_auth(&token).send().await.expect("get");
            assert_eq!(r.status(), 404, "[{be}] {missing}");
        }
        // The admin belongs to two tenants and must say which.
        let admin = app.api_token(etterlev_web::demo::ADMIN_EMAIL).await;
        let r = http
            .post(api("/actions"))
            .bearer_auth(&admin)
            .json(&serde_json::json!({"title": "x"}))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 422, "[{be}]");
        let r = http.get(api("/actions")).bearer_auth(&admin).send().await.expect("get");
        let all: serde_json::Value = r.json().await.expect("json");
        assert_eq!(
            all.as_array().map(Vec::len),
            Some(1),
            "[{be}] the GP office's action, seen by its admin"
        );
    }
}

#[tokio::test]
async fn other_tenants_actions_are_404_in_pages_and_api() {
    for app in TestApp::both().await {
        let be = app.backend;
        import_normen(&app).await;
        let (b_tenant, b_scope, b_run, b_action) = other_tenant(&app.store).await;
        let admin = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let html = ok(&admin, &app, "/actions").await;
        assert!(!html.contains("B's action"), "[{be}]");
        let csrf = extract_csrf(&html);
        assert_eq!(
            get(&admin, &app, &format!("/actions/{b_action}")).await.0,
            404,
            "[{be}]"
        );
        let form = [
            s("_csrf", &csrf),
            s("version", "1"),
            s("title", "taken over"),
            s("priority", "low"),
            s("status", "done"),
        ];
        assert_eq!(
            post(&admin, &app, &format!("/actions/{b_action}"), &form).await.0,
            404,
            "[{be}]"
        );
        let path = format!("/actions/new?assessment={b_run}&node=2.1");
        assert_eq!(get(&admin, &app, &path).await.0, 404, "[{be}]");
        let form = [
            s("_csrf", &csrf),
            s("assessment_id", &b_run),
            s("node_id", "2.1"),
            s("title", "x"),
            s("priority", "low"),
        ];
        assert_eq!(post(&admin, &app, "/actions/new", &form).await.0, 404, "[{be}]");
        assert_eq!(
            get(&admin, &app, &format!("/actions?assessment={b_run}")).await.0,
            404,
            "[{be}]"
        );

        let token = app.api_token(etterlev_web::demo::ADMIN_EMAIL).await;
        let http = reqwest::Client::new();
        let api = |p: &str| app.url(&format!("/api/v1{p}"));
        let r = http
            .get(api(&format!("/actions/{b_action}")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 404, "[{be}]");
        let r = http
            .put(api(&format!("/actions/{b_action}")))
            .bearer_auth(&token)
            .json(&serde_json::json!({"title": "x", "priority": "low", "status": "done", "version": 1}))
            .send()
            .await
            .expect("put");
        assert_eq!(r.status(), 404, "[{be}]");
        let r = http
            .get(api(&format!("/actions?tenant_id={b_tenant}")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("list");
        assert_eq!(r.status(), 404, "[{be}]");
        let r = http
            .post(api("/actions"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"tenant_id": b_tenant, "title": "x"}))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 404, "[{be}]");
        let r = http
            .get(api(&format!("/actions?assessment_id={b_run}")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("list");
        assert_eq!(r.status(), 404, "[{be}]");
        // Nothing of B changed.
        let b = app.store.tenant(&b_scope).action(&b_action).await.expect("B's action");
        assert_eq!((b.version, b.status), (1, ActionStatus::Open), "[{be}]");
    }
}
