//! The secretariat over HTTP: only secretariat users reach it (pages and
//! API); the statistics hide a four-enterprise cell, show a five-enterprise
//! one, and an attacker who reads every view the UI and the API offer
//! cannot subtract their way to the hidden figure; bad input to meetings
//! and cases is refused with nothing saved.

use std::collections::HashMap;

use etterlev_core::{SizeClass, TenantKind};
use etterlev_store::MeetingInput;
use serde_json::{Value, json};

use crate::common::TestApp;

/// (kind, size), "" for "all".
type CellKey = (String, String);
use crate::common::secretariat::{SEC_EMAIL, SecApi, enterprises, normen_requirements, secretariat_user};

#[tokio::test]
async fn only_secretariat_users_reach_the_secretariat() {
    for app in TestApp::both().await {
        let be = app.backend;
        secretariat_user(&app).await;
        let sec_user = app.store.user_by_email(SEC_EMAIL).await.expect("q").expect("user");
        let s = app.store.secretariat(&sec_user).expect("scope");
        let m = s
            .create_meeting(&MeetingInput {
                title: "Møte".into(),
                meeting_date: "2026-06-11".into(),
                starts: None,
                ends: None,
                place: None,
            })
            .await
            .expect("meeting");
        let admin = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let home = admin
            .get(app.url("/"))
            .send()
            .await
            .expect("home")
            .text()
            .await
            .expect("body");
        assert!(
            !home.contains("/secretariat"),
            "[{be}] no menu entry for a tenant admin"
        );
        for path in [
            "/secretariat".to_string(),
            "/secretariat/documents".into(),
            "/secretariat/organisations".into(),
            "/secretariat/meetings".into(),
            format!("/secretariat/meetings/{}", m.id),
            format!("/secretariat/meetings/{}/minutes.docx", m.id),
            "/secretariat/statistics".into(),
            "/secretariat/statistics.xlsx".into(),
            "/secretariat/plan".into(),
        ] {
            let r = admin.get(app.url(&path)).send().await.expect("get");
            assert_eq!(r.status(), 404, "[{be}] {path} for a tenant admin");
        }
        let token = app.api_token(etterlev_web::demo::ADMIN_EMAIL).await;
        let http = reqwest::Client::new();
        for path in [
            "/secretariat/documents".to_string(),
            "/secretariat/meetings".into(),
            format!("/secretariat/meetings/{}", m.id),
            "/secretariat/statistics".into(),
            "/secretariat/plan".into(),
        ] {
            let r = http
                .get(app.url(&format!("/api/v1{path}")))
                .bearer_auth(&token)
                .send()
                .await
                .expect("get");
            assert_eq!(r.status(), 404, "[{be}] API {path} for a tenant admin");
        }
        let r = http
            .post(app.url("/api/v1/secretariat/meetings"))
            .bearer_auth(&token)
            .json(&json!({"title": "x", "meeting_date": "2026-01-01"}))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 404, "[{be}] a tenant admin cannot create meetings");
        assert_eq!(s.meetings().await.expect("meetings").len(), 1, "[{be}] nothing created");
        let doc = s
            .create_document(&etterlev_store::DocumentInput {
                kind: etterlev_core::secretariat::DocumentKind::Guide,
                number: None,
                title: "Veileder".into(),
                doc_version: None,
                status: etterlev_core::secretariat::DocumentStatus::Draft,
                owner: None,
                working_group: None,
                catalog_key: None,
                published_on: None,
                next_revision: None,
            })
            .await
            .expect("document");
        let r = http
            .put(app.url(&format!("/api/v1/secretariat/documents/{}", doc.id)))
            .bearer_auth(&token)
            .json(&json!({"kind": "guide", "title": "Endret", "status": "approved", "version": doc.version}))
            .send()
            .await
            .expect("put");
        assert_eq!(r.status(), 404, "[{be}] a tenant admin cannot edit documents");
        let csrf = app.csrf(&admin).await;
        let r = admin
            .post(app.url(&format!("/secretariat/documents/{}", doc.id)))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("version", &doc.version.to_string()),
                ("kind", "guide"),
                ("title", "Endret"),
                ("status", "approved"),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 404, "[{be}] nor on the page");
        assert_eq!(s.document(&doc.id).await.expect("document"), doc, "[{be}] unchanged");

        let sec = app.login(SEC_EMAIL).await;
        // Without an enterprise, "/" sends the secretariat user on to the
        // secretariat; its menu has the entry.
        let home = sec
            .get(app.url("/catalog"))
            .send()
            .await
            .expect("home")
            .text()
            .await
            .expect("body");
        assert!(
            home.contains("id=\"nav-secretariat\""),
            "[{be}] menu entry for the secretariat"
        );
        let r = sec.get(app.url("/secretariat")).send().await.expect("get");
        assert_eq!(r.status(), 200, "[{be}]");
    }
}

/// Every published cell the API offers across all its views, by
/// (kind, size) with "" for "all": (enterprises, mean). Also checks that
/// the same cell has the same value in every view.
async fn harvest(
    http: &reqwest::Client,
    app: &TestApp,
    token: &str,
    measure: &str,
) -> (HashMap<(String, String), (u64, f64)>, usize) {
    let mut views = vec![String::new()];
    for k in TenantKind::ALL {
        views.push(format!("&kind={}", k.as_str()));
        for s in SizeClass::ALL {
            views.push(format!("&kind={}&size={}", k.as_str(), s.as_str()));
        }
    }
    for s in SizeClass::ALL {
        views.push(format!("&size={}", s.as_str()));
    }
    let mut seen: HashMap<(String, String), (u64, f64)> = HashMap::new();
    let mut hidden = 0;
    for v in &views {
        let r = http
            .get(app.url(&format!("/api/v1/secretariat/statistics?measure={measure}{v}")))
            .bearer_auth(token)
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 200, "[{}] {v}", app.backend);
        let body: Value = r.json().await.expect("json");
        for c in body["cells"].as_array().expect("cells") {
            let key = (
                c["kind"].as_str().unwrap_or("").to_string(),
                c["size"].as_str().unwrap_or("").to_string(),
            );
            if c["hidden"].is_string() {
                assert!(
                    c["enterprises"].is_null() && c["mean"].is_null(),
                    "hidden cell with figures: {c}"
                );
                hidden += 1;
                continue;
            }
            let value = (
                c["enterprises"].as_u64().unwrap_or(0),
                c["mean"].as_f64().unwrap_or(0.0),
            );
            if let Some(prev) = seen.insert(key.clone(), value) {
                assert_eq!(prev, value, "cell {key:?} differs between views");
            }
        }
    }
    (seen, hidden)
}

#[tokio::test]
async fn statistics_hide_four_show_five_and_resist_subtraction() {
    for app in TestApp::both().await {
        let be = app.backend;
        let (set, requirements) = normen_requirements();
        app.store
            .import_catalog_set(&set, None, false)
            .await
            .expect("import normen");
        // Five GP offices (scores 20..100), four dentists (scores 10, 30, 50, 70).
        enterprises(&app.store, &requirements, TenantKind::GpOffice, 1, &[2, 4, 6, 8, 10]).await;
        enterprises(&app.store, &requirements, TenantKind::Dentist, 20, &[1, 3, 5, 7]).await;
        let dentist_mean = 40.0;
        secretariat_user(&app).await;
        let token = app.api_token(SEC_EMAIL).await;
        let http = reqwest::Client::new();

        // The UI: the dentists' row shows no figure; with k = 5 the GP offices
        // alone (five) would show, but they are hidden too, since total minus
        // GP offices would give the dentists back.
        let sec = app.login(SEC_EMAIL).await;
        let page = sec
            .get(app.url("/secretariat/statistics"))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("body");
        let row = |kind: &str| {
            let start = page.find(&format!("data-kind=\"{kind}\"")).unwrap_or(0);
            page[start..].split("</tr>").next().unwrap_or("").to_string()
        };
        assert!(
            !row("dentist").contains("n=4"),
            "[{be}] four dentists shown: {}",
            row("dentist")
        );
        assert!(row("dentist").contains("hidden-cell"), "[{be}]");
        assert!(
            !page.contains("40,0 %") && !page.contains("40.0 %"),
            "[{be}] the dentists' mean is on the page"
        );

        // Every view the API offers, for every measure: no hidden value comes
        // back by subtraction along a row or a column.
        let mut measures = vec!["overall".to_string()];
        let chapters = app
            .store
            .secretariat(&app.store.user_by_email(SEC_EMAIL).await.expect("q").expect("u"))
            .expect("scope")
            .chapters()
            .await
            .expect("chapters");
        measures.extend(chapters.iter().take(3).map(|(id, _)| id.clone()));
        for measure in &measures {
            let (cells, hidden) = harvest(&http, &app, &token, measure).await;
            if measure == "overall" {
                assert!(hidden > 0, "[{be}] something must be hidden");
            }
            let kinds: Vec<String> = TenantKind::ALL.iter().map(|k| k.as_str().to_string()).collect();
            let sizes: Vec<String> = SizeClass::ALL.iter().map(|s| s.as_str().to_string()).collect();
            // Rows: (kind, all) = Σ (kind, size); the total row likewise.
            // (total cell, the cells that sum to it); a cell is (kind, size).
            let mut relations: Vec<(CellKey, Vec<CellKey>)> = Vec::new();
            for k in kinds.iter().chain([&String::new()]) {
                relations.push((
                    (k.clone(), String::new()),
                    sizes.iter().map(|s| (k.clone(), s.clone())).collect(),
                ));
            }
            for s in sizes.iter().chain([&String::new()]) {
                relations.push((
                    (String::new(), s.clone()),
                    kinds.iter().map(|k| (k.clone(), s.clone())).collect(),
                ));
            }
            for (parent, children) in &relations {
                let mut group: Vec<(String, String)> = children.clone();
                group.push(parent.clone());
                let unknown: Vec<&(String, String)> = group.iter().filter(|c| !cells.contains_key(*c)).collect();
                // A cell that is absent but empty in truth is not a leak; the
                // attack needs exactly one unknown cell that holds enterprises.
                if unknown.len() == 1 {
                    let u = unknown[0];
                    let (pn, ps) = cells.get(parent).map_or((0, 0.0), |(n, m)| (*n, m * *n as f64));
                    let (cn, cs) = children
                        .iter()
                        .filter_map(|c| cells.get(c))
                        .fold((0, 0.0), |(n, s), (cn, cm)| (n + cn, s + cm * *cn as f64));
                    let n = if u == parent { cn } else { pn.saturating_sub(cn) };
                    let recovered = if u == parent { cs } else { ps - cs };
                    assert!(
                        n == 0,
                        "[{be}] {measure}: {u:?} recovered by subtraction: {n} enterprises, sum {recovered:.1}"
                    );
                }
            }
            for ((k, _), (_, mean)) in &cells {
                if k == "dentist" {
                    assert!((mean - dentist_mean).abs() > 0.05, "[{be}] dentists' mean published");
                }
            }
        }

        // k = 4: now the dentists show (four enterprises), with the right mean.
        let r = http
            .put(app.url("/api/v1/secretariat/statistics/k"))
            .bearer_auth(&token)
            .json(&json!({"k": 2}))
            .send()
            .await
            .expect("put");
        assert_eq!(r.status(), 422, "[{be}] k below 3 refused");
        let r = http
            .put(app.url("/api/v1/secretariat/statistics/k"))
            .bearer_auth(&token)
            .json(&json!({"k": 4}))
            .send()
            .await
            .expect("put");
        assert_eq!(r.status(), 204, "[{be}]");
        let body: Value = http
            .get(app.url("/api/v1/secretariat/statistics?kind=dentist&size=micro"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(body["cells"][0]["enterprises"], 4, "[{be}] {body}");
        assert_eq!(body["cells"][0]["mean"], dentist_mean, "[{be}] {body}");
    }
}

#[tokio::test]
async fn bad_meeting_input_is_refused_and_nothing_is_saved() {
    for app in TestApp::both().await {
        let be = app.backend;
        secretariat_user(&app).await;
        let token = app.api_token(SEC_EMAIL).await;
        let http = reqwest::Client::new();
        let api = |p: &str| app.url(&format!("/api/v1/secretariat{p}"));
        let post = |p: String, body: Value| http.post(api(&p)).bearer_auth(&token).json(&body).send();
        let org: Value = post("/organisations".into(), json!({"name": "KS"}))
            .await
            .expect("o")
            .json()
            .await
            .expect("j");
        let old: Value = post("/organisations".into(), json!({"name": "Tidligere"}))
            .await
            .expect("o")
            .json()
            .await
            .expect("j");
        for (o, to) in [(&org, Value::Null), (&old, json!("2025-12-31"))] {
            let r = post(
                "/seats".into(),
                json!({"organisation_id": o["id"], "role": "member", "valid_from": "2020-01-01", "valid_to": to}),
            )
            .await
            .expect("seat");
            assert_eq!(r.status(), 201, "[{be}]");
        }
        let june: Value = post(
            "/meetings".into(),
            json!({"title": "Juni", "meeting_date": "2026-06-11"}),
        )
        .await
        .expect("m")
        .json()
        .await
        .expect("j");
        let sept: Value = post(
            "/meetings".into(),
            json!({"title": "September", "meeting_date": "2026-09-17"}),
        )
        .await
        .expect("m")
        .json()
        .await
        .expect("j");
        let (june_id, sept_id) = (june["id"].as_str().expect("id"), sept["id"].as_str().expect("id"));
        let case = |n: Option<&str>| json!({"number": n, "kind": "decision", "title": "Sak"});
        let r = post(format!("/meetings/{june_id}/cases"), case(Some("04/26")))
            .await
            .expect("case");
        assert_eq!(r.status(), 201, "[{be}]");
        let c: Value = r.json().await.expect("json");
        assert_eq!(c["number"], "04/26", "[{be}]");
        // Duplicate number in the year, even at another meeting: 409.
        let r = post(format!("/meetings/{sept_id}/cases"), case(Some("04/26")))
            .await
            .expect("case");
        assert_eq!(r.status(), 409, "[{be}]");
        let r = post(format!("/meetings/{sept_id}/cases"), case(Some("4-26")))
            .await
            .expect("case");
        assert_eq!(r.status(), 400, "[{be}] malformed number (the documented pattern)");
        // A decision on a case of another meeting: 422, case unchanged.
        let r = post(
            format!("/meetings/{sept_id}/cases/{}/decision", c["id"].as_str().expect("id")),
            json!({"decision": "Vedtatt"}),
        )
        .await
        .expect("decide");
        assert_eq!(r.status(), 422, "[{be}]");
        // Attendance for an organisation without a seat on the date: 422.
        let r = http
            .put(api(&format!("/meetings/{june_id}/attendance")))
            .bearer_auth(&token)
            .json(&json!([
                {"organisation_id": org["id"], "status": "present"},
                {"organisation_id": old["id"], "status": "present"}
            ]))
            .send()
            .await
            .expect("attendance");
        assert_eq!(r.status(), 422, "[{be}]");
        let detail: Value = http
            .get(api(&format!("/meetings/{june_id}")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(
            detail["attendance"].as_array().map(Vec::len),
            Some(0),
            "[{be}] {detail}"
        );
        assert!(detail["cases"][0]["decision"].is_null(), "[{be}] {detail}");
        let sept_detail: Value = http
            .get(api(&format!("/meetings/{sept_id}")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(
            sept_detail["cases"].as_array().map(Vec::len),
            Some(0),
            "[{be}] {sept_detail}"
        );
        // The action plan and consultation rounds.
        let r = post("/plan".into(), json!({"plan_year": 2026, "strategy_point": "1 Forenkle", "title": "Revidere faktaark 31", "status": "in_progress"}))
            .await
            .expect("plan");
        assert_eq!(r.status(), 201, "[{be}]");
        let item: Value = r.json().await.expect("json");
        let r = http
            .put(api(&format!("/plan/{}/status", item["id"].as_str().expect("id"))))
            .bearer_auth(&token)
            .json(&json!({"status": "finished"}))
            .send()
            .await
            .expect("status");
        assert_eq!(r.status(), 422, "[{be}] unknown status");
        let plan: Value = http
            .get(api("/plan?year=2026"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(plan[0]["status"], "in_progress", "[{be}] {plan}");
        let doc: Value = post(
            "/documents".into(),
            json!({"kind": "fact_sheet", "number": "31", "title": "Passord", "status": "draft"}),
        )
        .await
        .expect("doc")
        .json()
        .await
        .expect("json");
        let doc_id = doc["id"].as_str().expect("doc id");
        let r = post(
            format!("/documents/{doc_id}/consultations"),
            json!({"opens": "2026-03-01", "closes": "2026-02-01"}),
        )
        .await
        .expect("consultation");
        assert_eq!(r.status(), 422, "[{be}] closes before it opens");
        let r = post(
            format!("/documents/{doc_id}/consultations"),
            json!({"opens": "2026-02-01", "closes": "2026-03-01"}),
        )
        .await
        .expect("consultation");
        assert_eq!(r.status(), 201, "[{be}]");

        // The minutes come as a Word document.
        let r = http
            .get(api(&format!("/meetings/{june_id}/minutes.docx")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("docx");
        assert_eq!(r.status(), 200, "[{be}]");
        let bytes = r.bytes().await.expect("bytes");
        assert!(bytes.starts_with(b"PK"), "[{be}] a zip package");
    }
}

/// The text of a page, fetched with a signed-in browser client.
async fn page_text(browser: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let r = browser.get(app.url(path)).send().await.expect("page");
    r.text().await.expect("html")
}

/// An action-plan item made on the plan page links a case and a document;
/// the page shows both links and the count per strategy point, and a case
/// that does not exist is refused with nothing saved.
#[tokio::test]
async fn plan_items_link_cases_and_documents() {
    for app in TestApp::both().await {
        let be = app.backend;
        secretariat_user(&app).await;
        let api = SecApi::new(&app, SEC_EMAIL).await;
        let meeting = api
            .post("/meetings", json!({"title": "Mars", "meeting_date": "2026-03-12"}))
            .await;
        let mid = meeting["id"].as_str().expect("id");
        let case = api
            .post(
                &format!("/meetings/{mid}/cases"),
                json!({"kind": "decision", "title": "Handlingsplan 2026"}),
            )
            .await;
        let case_id = case["id"].as_str().expect("case id");
        let browser = app.login(SEC_EMAIL).await;
        let csrf = app.csrf(&browser).await;
        let add = |case_id: String| {
            browser
                .post(app.url("/secretariat/plan"))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("plan_year", "2026"),
                    ("strategy_point", "3 Styring"),
                    ("title", "Vedta handlingsplanen"),
                    ("status", "done"),
                    ("owner", "Sekretariatet"),
                    ("document_id", ""),
                    ("case_id", case_id.as_str()),
                ])
                .send()
        };
        let r = add("no-such-case".into()).await.expect("post");
        assert_eq!(r.status(), 400, "[{be}] unknown case");
        let page = page_text(&browser, &app, "/secretariat/plan?year=2026").await;
        assert!(!page.contains("Vedta handlingsplanen</td>"), "[{be}] nothing saved");
        assert!(
            page.contains(&format!("value=\"{case_id}\"")),
            "[{be}] the case is offered"
        );
        let r = add(case_id.to_string()).await.expect("post");
        assert_eq!(r.status(), 303, "[{be}] saved, back to the plan");
        let page = page_text(&browser, &app, "/secretariat/plan?year=2026").await;
        let link = format!("/secretariat/meetings/{mid}#case-{case_id}");
        assert!(page.contains(&link), "[{be}] the item links its case");
        assert!(page.contains("01/26 Handlingsplan 2026"), "[{be}] by number and title");
        let items = api.get("/plan?year=2026").await;
        assert_eq!(items.as_array().map(Vec::len), Some(1), "[{be}] {items}");
        assert_eq!(items[0]["case_id"], case_id, "[{be}] {items}");
    }
}

/// A document is edited on its page (the status change lands in its
/// history) and through the API; a stale version is refused on both with
/// nothing saved, and the page keeps what the user typed.
#[tokio::test]
async fn documents_are_edited_on_the_page_and_in_the_api() {
    for app in TestApp::both().await {
        let be = app.backend;
        secretariat_user(&app).await;
        let api = SecApi::new(&app, SEC_EMAIL).await;
        let doc = api
            .post(
                "/documents",
                json!({"kind": "fact_sheet", "number": "59", "title": "Skytjenester", "status": "draft"}),
            )
            .await;
        let id = doc["id"].as_str().expect("id");
        let browser = app.login(SEC_EMAIL).await;
        let csrf = app.csrf(&browser).await;
        let page = page_text(&browser, &app, &format!("/secretariat/documents/{id}")).await;
        let title = page
            .split("<title>")
            .nth(1)
            .and_then(|t| t.split("</title>").next())
            .unwrap_or("");
        assert!(
            title.contains("Skytjenester") && !title.contains('<'),
            "[{be}] page title: {title}"
        );
        assert!(
            page.contains("id=\"document-edit-form\""),
            "[{be}] the edit form is there"
        );
        let edit = |version: String, title: &'static str| {
            browser
                .post(app.url(&format!("/secretariat/documents/{id}")))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("version", version.as_str()),
                    ("kind", "fact_sheet"),
                    ("number", "59"),
                    ("title", title),
                    ("status", "public_consultation"),
                    ("note", "Høring vedtatt av sekretariatet"),
                    ("next_revision", "2028-01-01"),
                ])
                .send()
        };
        let r = edit(doc["version"].to_string(), "Skytjenester i helsesektoren")
            .await
            .expect("edit");
        assert_eq!(r.status(), 303, "[{be}] saved");
        let detail = api.get(&format!("/documents/{id}")).await;
        assert_eq!(detail["document"]["status"], "public_consultation", "[{be}] {detail}");
        assert_eq!(detail["document"]["title"], "Skytjenester i helsesektoren", "[{be}]");
        let history = detail["history"].as_array().expect("history");
        assert_eq!(
            history.last().map(|h| h["note"].clone()),
            Some(json!("Høring vedtatt av sekretariatet"))
        );
        // The same stale version again: 409, the user's title shown, nothing saved.
        let r = edit(doc["version"].to_string(), "Gammel tittel").await.expect("stale");
        assert_eq!(r.status(), 409, "[{be}]");
        let page = r.text().await.expect("html");
        assert!(page.contains("value=\"Gammel tittel\""), "[{be}] the input is kept");
        // The API: a stale version is 409, the current one saves.
        let version = detail["document"]["version"].as_i64().expect("version");
        let doc_path = format!("/documents/{id}");
        let put = |version: i64, status: &str| {
            api.put(
                &doc_path,
                json!({"kind": "fact_sheet", "number": "59", "title": "Skytjenester i helsesektoren",
                    "status": status, "version": version, "note": null}),
            )
        };
        let r = put(version - 1, "approved").await;
        assert_eq!(r.status(), 409, "[{be}] stale");
        let r = put(version, "approved").await;
        assert_eq!(r.status(), 200, "[{be}]");
        let saved: Value = r.json().await.expect("json");
        assert_eq!(saved["status"], "approved", "[{be}] {saved}");
        assert_eq!(saved["version"], version + 1, "[{be}]");
        let r = put(version + 1, "no-such-status").await;
        assert_eq!(r.status(), 400, "[{be}] unknown status (not in the documented enum)");
    }
}

/// A seat is ended on the organisations page and through the API; a bad
/// date is refused with the seat left open.
#[tokio::test]
async fn seats_are_ended_on_the_page_and_in_the_api() {
    for app in TestApp::both().await {
        let be = app.backend;
        secretariat_user(&app).await;
        let api = SecApi::new(&app, SEC_EMAIL).await;
        let mut seats = Vec::new();
        for name in ["Helse Midt-Norge RHF", "Direktoratet for e-helse"] {
            let org = api.post("/organisations", json!({"name": name})).await;
            let seat = api
                .post(
                    "/seats",
                    json!({"organisation_id": org["id"], "role": "member", "valid_from": "2021-01-01"}),
                )
                .await;
            seats.push(seat["id"].as_str().expect("id").to_string());
        }
        let end_path = format!("/seats/{}/end", seats[0]);
        let r = api.put(&end_path, json!({"valid_to": "2020-12-31"})).await;
        assert_eq!(r.status(), 422, "[{be}] before the start");
        let r = api.put(&end_path, json!({"valid_to": "2025-12-31"})).await;
        assert_eq!(r.status(), 200, "[{be}]");
        let browser = app.login(SEC_EMAIL).await;
        let csrf = app.csrf(&browser).await;
        let page = page_text(&browser, &app, "/secretariat/organisations").await;
        assert!(
            page.contains(&format!("/secretariat/seats/{}/end", seats[1])),
            "[{be}] the open seat can be ended"
        );
        assert!(
            !page.contains(&format!("/secretariat/seats/{}/end", seats[0])),
            "[{be}] the ended one cannot"
        );
        let end = |day: &'static str| {
            browser
                .post(app.url(&format!("/secretariat/seats/{}/end", seats[1])))
                .form(&[("_csrf", csrf.as_str()), ("valid_to", day)])
                .send()
        };
        let r = end("not a date").await.expect("post");
        assert_eq!(r.status(), 400, "[{be}]");
        let r = end("2026-03-31").await.expect("post");
        assert_eq!(r.status(), 303, "[{be}]");
        let listed = api.get("/seats").await;
        let ends: Vec<&Value> = listed
            .as_array()
            .expect("list")
            .iter()
            .map(|s| &s["valid_to"])
            .collect();
        assert!(
            ends.contains(&&json!("2025-12-31")) && ends.contains(&&json!("2026-03-31")),
            "[{be}] {listed}"
        );
    }
}

/// An undecided case is changed on the meeting page and through the API;
/// the page offers no edit form for a decided case, and the API refuses it.
#[tokio::test]
async fn undecided_cases_are_edited_on_the_page_and_in_the_api() {
    for app in TestApp::both().await {
        let be = app.backend;
        secretariat_user(&app).await;
        let api = SecApi::new(&app, SEC_EMAIL).await;
        let meeting = api
            .post("/meetings", json!({"title": "Juni", "meeting_date": "2026-06-11"}))
            .await;
        let mid = meeting["id"].as_str().expect("id").to_string();
        let mut ids = Vec::new();
        for title in ["Faktaark 31", "Status"] {
            let c = api
                .post(
                    &format!("/meetings/{mid}/cases"),
                    json!({"kind": "decision", "title": title}),
                )
                .await;
            ids.push(c["id"].as_str().expect("id").to_string());
        }
        let browser = app.login(SEC_EMAIL).await;
        let csrf = app.csrf(&browser).await;
        let r = browser
            .post(app.url(&format!("/secretariat/meetings/{mid}/cases/{}", ids[0])))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("number", "01/26"),
                ("kind", "discussion"),
                ("title", "Faktaark 31 om passord"),
                ("proposal", "Styringsgruppen drøfter utkastet."),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 303, "[{be}]");
        let second = format!("/meetings/{mid}/cases/{}", ids[1]);
        let r = api
            .put(
                &second,
                json!({"kind": "information", "title": "Status fra sekretariatet", "number": "01/26"}),
            )
            .await;
        assert_eq!(r.status(), 409, "[{be}] number taken");
        api.post(
            &format!("{second}/decision"),
            json!({"decision": "Tatt til orientering."}),
        )
        .await;
        let r = api
            .put(&second, json!({"kind": "information", "title": "Endret etter vedtak"}))
            .await;
        assert_eq!(r.status(), 422, "[{be}] decided");
        let detail = api.get(&format!("/meetings/{mid}")).await;
        assert_eq!(detail["cases"][0]["title"], "Faktaark 31 om passord", "[{be}] {detail}");
        assert_eq!(detail["cases"][0]["kind"], "discussion", "[{be}]");
        assert_eq!(detail["cases"][1]["title"], "Status", "[{be}] nothing changed");
        let page = page_text(&browser, &app, &format!("/secretariat/meetings/{mid}?edit={}", ids[0])).await;
        assert!(
            page.contains(&format!("action=\"/secretariat/meetings/{mid}/cases/{}\"", ids[0])),
            "[{be}] the undecided case can be edited"
        );
        let page = page_text(&browser, &app, &format!("/secretariat/meetings/{mid}?edit={}", ids[1])).await;
        assert!(
            !page.contains(&format!("action=\"/secretariat/meetings/{mid}/cases/{}\"", ids[1])),
            "[{be}] the decided one cannot"
        );
    }
}

/// A meeting is rescheduled on its page and through the API; a bad date is
/// refused with nothing changed.
#[tokio::test]
async fn meetings_are_rescheduled_on_the_page_and_in_the_api() {
    for app in TestApp::both().await {
        let be = app.backend;
        secretariat_user(&app).await;
        let api = SecApi::new(&app, SEC_EMAIL).await;
        let meeting = api
            .post("/meetings", json!({"title": "Juni", "meeting_date": "2026-06-11"}))
            .await;
        let mid = meeting["id"].as_str().expect("id").to_string();
        let browser = app.login(SEC_EMAIL).await;
        let csrf = app.csrf(&browser).await;
        let post = |date: &'static str| {
            browser
                .post(app.url(&format!("/secretariat/meetings/{mid}")))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("title", "Juni (flyttet)"),
                    ("meeting_date", date),
                    ("starts", "09:00"),
                    ("place", "Digitalt"),
                ])
                .send()
        };
        let r = post("2026-13-01").await.expect("post");
        assert_eq!(r.status(), 400, "[{be}] bad date");
        let r = post("2026-06-18").await.expect("post");
        assert_eq!(r.status(), 303, "[{be}]");
        let path = format!("/meetings/{mid}");
        let r = api
            .put(
                &path,
                json!({"title": "Juni (flyttet)", "meeting_date": "2026-06-19", "ends": "25:00"}),
            )
            .await;
        assert_eq!(r.status(), 422, "[{be}] bad time");
        let got = api.get(&path).await;
        assert_eq!(got["meeting"]["meeting_date"], "2026-06-18", "[{be}] {got}");
        assert_eq!(got["meeting"]["place"], "Digitalt", "[{be}] {got}");
        let r = api
            .put(
                &path,
                json!({"title": "Juni", "meeting_date": "2026-06-25", "place": "Oslo"}),
            )
            .await;
        assert_eq!(r.status(), 200, "[{be}]");
        let saved: Value = r.json().await.expect("json");
        assert_eq!(saved["meeting_date"], "2026-06-25", "[{be}] {saved}");
    }
}
