//! The action list's filters, sorting and bulk edit, and the home page's
//! own work (continue where you left off, open and overdue actions, the next
//! deadline, no placeholder modules), over HTTP on both backends.

use etterlev_core::{ActionStatus, Priority};
use etterlev_store::{Action, ActionInput, Actor, AnswerInput, NewAction, NewUser, TenantScope};

use crate::common::{TestApp, extract_csrf};
use crate::wizard::{EDITOR, READER, get, gp_scope, import_normen, new_assessment, ok, other_tenant, post, s};

/// A date `days` from today in Norway, `YYYY-MM-DD`.
fn day(days: i64) -> String {
    let tz = jiff::tz::TimeZone::get("Europe/Oslo").unwrap_or(jiff::tz::TimeZone::UTC);
    let today = jiff::Timestamp::now().to_zoned(tz).date();
    today
        .checked_add(jiff::Span::new().days(days))
        .expect("date")
        .to_string()
}

/// `YYYY-MM-DD` as shown: `dd.mm.yyyy`.
fn shown(iso: &str) -> String {
    let p: Vec<&str> = iso.split('-').collect();
    format!("{}.{}.{}", p[2], p[1], p[0])
}

async fn action(
    scope: &TenantScope,
    app: &TestApp,
    title: &str,
    priority: Priority,
    owner: Option<&str>,
    deadline: Option<String>,
) -> Action {
    app.store
        .tenant(scope)
        .create_action(NewAction {
            title: title.into(),
            description: Some(format!("Beskrivelse av {title}")),
            assessment_id: None,
            node_id: None,
            owner: owner.map(str::to_string),
            deadline,
            priority,
        })
        .await
        .expect("action")
}

async fn set_status(scope: &TenantScope, app: &TestApp, a: &Action, status: ActionStatus) -> Action {
    app.store
        .tenant(scope)
        .update_action(
            &a.id,
            ActionInput {
                title: a.title.clone(),
                description: a.description.clone(),
                owner: a.owner.clone(),
                deadline: a.deadline.clone(),
                priority: a.priority,
                status,
            },
            a.version,
        )
        .await
        .expect("status")
}

fn sel(a: &Action) -> (String, String) {
    s("sel", &format!("{}:{}", a.id, a.version))
}

/// The ids of the list's rows, in order.
fn row_ids(html: &str) -> Vec<String> {
    html.split("<tr class=\"")
        .skip(1)
        .filter_map(|r| r.split("id=\"action-").nth(1))
        .map(|r| r.split('"').next().unwrap_or("").to_string())
        .collect()
}

/// `action.update` entries in the GP office's audit log (read as its admin).
async fn update_entries(app: &TestApp, _scope: &TenantScope) -> usize {
    let admin = gp_scope(&app.store, etterlev_web::demo::ADMIN_EMAIL).await;
    app.store
        .tenant(&admin)
        .audit_page(i64::MAX, 500)
        .await
        .expect("audit")
        .iter()
        .filter(|e| e.action == "action.update")
        .count()
}

#[tokio::test]
async fn bulk_edit_sets_owner_and_deadline_all_or_nothing() {
    for app in TestApp::both().await {
        let be = app.backend;
        let scope = gp_scope(&app.store, EDITOR).await;
        let ts = app.store.tenant(&scope);
        let a = action(&scope, &app, "Skjerm av skjermer", Priority::High, None, None).await;
        let b = action(&scope, &app, "Lås arkivskapet", Priority::Medium, None, None).await;
        let c = action(&scope, &app, "Rydd i tilganger", Priority::Low, Some("Ola"), None).await;

        let c_client = app.login(EDITOR).await;
        let list = ok(&c_client, &app, "/actions").await;
        for needle in [
            "id=\"bulk-form\"".to_string(),
            "action=\"/actions/bulk?show=open\"".to_string(),
            format!("name=\"sel\" value=\"{}:1\" id=\"sel-{}\">", a.id, a.id),
            "Velg «Skjerm av skjermer»".to_string(),
            "id=\"select-all\"".to_string(),
        ] {
            assert!(list.contains(&needle), "[{be}] lacks {needle}: {list}");
        }
        let csrf = extract_csrf(&list);

        // "Select all" without JavaScript: the page comes back with every
        // shown row ticked.
        let all = ok(&c_client, &app, "/actions?show=open&select=all").await;
        for x in [&a, &b, &c] {
            assert!(
                all.contains(&format!("value=\"{}:1\" id=\"sel-{}\" checked>", x.id, x.id)),
                "[{be}] {all}"
            );
        }
        assert!(all.contains("id=\"select-none\""), "[{be}]");

        // Bad input: the list again, with the selection, the values and
        // translated errors; nothing changed.
        let bad = [
            s("_csrf", &csrf),
            sel(&a),
            sel(&b),
            s("owner", "Kari Nordmann"),
            s("deadline", "2027-02-30"),
            s("priority", ""),
            s("status", "sleeping"),
        ];
        let (status, _, body) = post(&c_client, &app, "/actions/bulk?show=open&sort=title", &bad).await;
        assert_eq!(status, 422, "[{be}] {body}");
        for needle in [
            "Fristen må være en gyldig dato.".to_string(),
            "Velg en status.".to_string(),
            "id=\"bulk-owner\" name=\"owner\" maxlength=\"200\" value=\"Kari Nordmann\"".to_string(),
            "value=\"2027-02-30\"".to_string(),
            format!("value=\"{}:1\" id=\"sel-{}\" checked>", a.id, a.id),
            format!("value=\"{}:1\" id=\"sel-{}\" checked>", b.id, b.id),
            format!("value=\"{}:1\" id=\"sel-{}\">", c.id, c.id),
            "aria-sort=\"ascending\"".to_string(),
        ] {
            assert!(body.contains(&needle), "[{be}] lacks {needle}: {body}");
        }
        let (status, _, body) = post(
            &c_client,
            &app,
            "/actions/bulk",
            &[s("_csrf", &csrf), s("owner", "Kari")],
        )
        .await;
        assert_eq!(status, 422, "[{be}]");
        assert!(body.contains("Kryss av minst ett tiltak i listen."), "[{be}] {body}");
        let (status, _, body) = post(&c_client, &app, "/actions/bulk", &[s("_csrf", &csrf), sel(&a)]).await;
        assert_eq!(status, 422, "[{be}]");
        assert!(body.contains("Fyll ut minst ett av feltene"), "[{be}] {body}");
        assert_eq!(ts.action(&a.id).await.expect("a"), a, "[{be}] unchanged");

        // Two actions get an owner and a deadline in one submit.
        let deadline = day(30);
        let good = [
            s("_csrf", &csrf),
            sel(&a),
            sel(&b),
            s("owner", "Kari Nordmann"),
            s("deadline", &deadline),
            s("priority", ""),
            s("status", ""),
        ];
        let (status, location, body) = post(&c_client, &app, "/actions/bulk?show=open&sort=title", &good).await;
        assert_eq!(
            (status, location.as_str()),
            (303, "/actions?show=open&sort=title&notice=actions-updated&n=2"),
            "[{be}] {body}"
        );
        for x in [&a, &b] {
            let now = ts.action(&x.id).await.expect("stored");
            assert_eq!(
                (now.owner.as_deref(), now.deadline.as_deref(), now.version, now.priority),
                (Some("Kari Nordmann"), Some(deadline.as_str()), 2, x.priority),
                "[{be}]"
            );
        }
        assert_eq!(ts.action(&c.id).await.expect("c"), c, "[{be}] not selected");
        assert_eq!(update_entries(&app, &scope).await, 2, "[{be}] one entry per action");
        let page = ok(&c_client, &app, &location).await;
        assert!(page.contains("Endringene er lagret for 2 tiltak."), "[{be}] {page}");
        assert!(
            page.contains(&format!("<td data-label=\"Frist\">{}</td>", shown(&deadline))),
            "[{be}] {page}"
        );

        // Someone changed one of them meanwhile: 409, nothing changed, the
        // changed row marked and offered at its new version.
        let b_now = ts.action(&b.id).await.expect("b");
        let stale = [
            s("_csrf", &csrf),
            sel(&b_now),
            sel(&a), // version 1, but 2 is stored
            s("status", "done"),
        ];
        let (status, _, body) = post(&c_client, &app, "/actions/bulk?show=all", &stale).await;
        assert_eq!(status, 409, "[{be}] {body}");
        for needle in [
            "1 av de valgte tiltakene ble endret av noen andre".to_string(),
            format!("conflict\" id=\"action-{}\"", a.id),
            format!("value=\"{}:2\" id=\"sel-{}\" checked>", a.id, a.id),
            format!("value=\"{}:2\" id=\"sel-{}\" checked>", b.id, b.id),
            "Endret av andre".to_string(),
        ] {
            assert!(body.contains(&needle), "[{be}] lacks {needle}: {body}");
        }
        assert_eq!(ts.action(&b.id).await.expect("b"), b_now, "[{be}] nothing changed");
        assert_eq!(update_entries(&app, &scope).await, 2, "[{be}]");

        // An action of another tenant in the selection: 404, nothing changed.
        import_normen(&app).await;
        let (_, b_scope, _, b_action) = other_tenant(&app.store).await;
        let theirs = app.store.tenant(&b_scope).action(&b_action).await.expect("B's action");
        let mixed = [s("_csrf", &csrf), sel(&b_now), sel(&theirs), s("status", "done")];
        assert_eq!(post(&c_client, &app, "/actions/bulk", &mixed).await.0, 404, "[{be}]");
        assert_eq!(ts.action(&b.id).await.expect("b"), b_now, "[{be}]");
        assert_eq!(
            app.store.tenant(&b_scope).action(&b_action).await.expect("B"),
            theirs,
            "[{be}]"
        );
        // A tampered selection is a bad request, not a crash.
        let tampered = [s("_csrf", &csrf), s("sel", &b.id), s("status", "done")];
        assert_eq!(post(&c_client, &app, "/actions/bulk", &tampered).await.0, 400, "[{be}]");
        // The form's address itself leads back to the list.
        let r = c_client.get(app.url("/actions/bulk")).send().await.expect("get");
        assert_eq!(r.status(), 303, "[{be}]");

        // Readers see no checkboxes and may not post.
        let reader = app.login(READER).await;
        let list = ok(&reader, &app, "/actions?show=all").await;
        assert!(
            !list.contains("id=\"bulk-form\"") && !list.contains("name=\"sel\""),
            "[{be}]"
        );
        let rcsrf = extract_csrf(&list);
        let as_reader = [s("_csrf", &rcsrf), sel(&b_now), s("status", "done")];
        assert_eq!(post(&reader, &app, "/actions/bulk", &as_reader).await.0, 403, "[{be}]");
        assert_eq!(ts.action(&b.id).await.expect("b"), b_now, "[{be}]");
    }
}

#[tokio::test]
async fn api_bulk_update_is_all_or_nothing() {
    for app in TestApp::both().await {
        let be = app.backend;
        let scope = gp_scope(&app.store, EDITOR).await;
        let ts = app.store.tenant(&scope);
        let a = action(&scope, &app, "En", Priority::High, None, None).await;
        let b = action(&scope, &app, "To", Priority::Low, None, None).await;
        let token = app.api_token(EDITOR).await;
        let http = reqwest::Client::new();
        let url = app.url("/api/v1/actions/bulk");
        let send = |token: String, body: serde_json::Value| {
            let (http, url) = (http.clone(), url.clone());
            async move {
                http.post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .expect("post")
            }
        };
        let r = send(
            token.clone(),
            serde_json::json!({
                "actions": [{"id": a.id, "version": 1}, {"id": b.id, "version": 1}],
                "owner": "Kari",
                "deadline": "2027-01-31",
                "status": "in_progress"
            }),
        )
        .await;
        assert_eq!(r.status(), 200, "[{be}]");
        let v: serde_json::Value = r.json().await.expect("json");
        assert_eq!(v.as_array().map(Vec::len), Some(2), "[{be}] {v}");
        assert_eq!(
            (
                v[1]["owner"].as_str(),
                v[1]["status"].as_str(),
                v[1]["version"].as_i64()
            ),
            (Some("Kari"), Some("in_progress"), Some(2)),
            "[{be}] {v}"
        );
        let r = send(
            token.clone(),
            serde_json::json!({
                "actions": [{"id": a.id, "version": 2}, {"id": b.id, "version": 1}],
                "priority": "low"
            }),
        )
        .await;
        assert_eq!(r.status(), 409, "[{be}]");
        let v: serde_json::Value = r.json().await.expect("json");
        assert_eq!(
            (v["error"].as_str(), v["current"]["id"].as_str()),
            (Some("conflict"), Some(b.id.as_str())),
            "[{be}]"
        );
        assert_eq!(
            ts.action(&a.id).await.expect("a").priority,
            Priority::High,
            "[{be}] unchanged"
        );
        // Refused values are 422; a body not of the documented shape 400.
        for (body, status) in [
            (
                serde_json::json!({"actions": [{"id": a.id, "version": 2}], "deadline": "31.01.2027"}),
                422,
            ),
            (serde_json::json!({"actions": [{"id": a.id, "version": 2}]}), 422),
            (serde_json::json!({"actions": [], "owner": "x"}), 422),
            (
                serde_json::json!({"actions": [{"id": a.id, "version": 2}], "colour": "red"}),
                400,
            ),
            (
                serde_json::json!({"actions": [{"id": "not-an-id", "version": 2}], "owner": "x"}),
                404,
            ),
        ] {
            let r = send(token.clone(), body.clone()).await;
            assert_eq!(r.status(), status, "[{be}] {body}");
        }
        let reader = app.api_token(READER).await;
        let r = send(
            reader,
            serde_json::json!({"actions": [{"id": a.id, "version": 2}], "owner": "x"}),
        )
        .await;
        assert_eq!(r.status(), 403, "[{be}]");
        // Another tenant's action: 404, nothing of either changed.
        import_normen(&app).await;
        let (_, b_scope, _, b_action) = other_tenant(&app.store).await;
        let r = send(
            token.clone(),
            serde_json::json!({"actions": [{"id": a.id, "version": 2}, {"id": b_action, "version": 1}], "owner": "x"}),
        )
        .await;
        assert_eq!(r.status(), 404, "[{be}]");
        assert_eq!(
            ts.action(&a.id).await.expect("a").owner.as_deref(),
            Some("Kari"),
            "[{be}]"
        );
        let theirs = app.store.tenant(&b_scope).action(&b_action).await.expect("B");
        assert_eq!((theirs.version, theirs.owner), (1, None), "[{be}]");
    }
}

#[tokio::test]
async fn list_filters_and_sorts_from_the_url() {
    for app in TestApp::both().await {
        let be = app.backend;
        let scope = gp_scope(&app.store, EDITOR).await;
        let late = action(
            &scope,
            &app,
            "Oppdater rutinen for tilgang",
            Priority::High,
            Some("Kari"),
            Some(day(-3)),
        )
        .await;
        let soon = action(
            &scope,
            &app,
            "Bytt passord på ruteren",
            Priority::Low,
            Some("kari"),
            Some(day(5)),
        )
        .await;
        let later = action(
            &scope,
            &app,
            "Skriv databehandleravtale",
            Priority::PatientSafety,
            Some("Ola"),
            Some(day(60)),
        )
        .await;
        let none = action(&scope, &app, "Kurs i personvern", Priority::Medium, None, None).await;
        let done = action(
            &scope,
            &app,
            "Lås serverrommet",
            Priority::High,
            Some("Ola"),
            Some(day(-30)),
        )
        .await;
        let done = set_status(&scope, &app, &done, ActionStatus::Done).await;
        let c = app.login(EDITOR).await;

        // Default: open ones in the plan's order (patient safety first).
        let html = ok(&c, &app, "/actions").await;
        assert_eq!(
            row_ids(&html),
            [later.id.as_str(), late.id.as_str(), none.id.as_str(), soon.id.as_str()],
            "[{be}]"
        );
        assert!(html.contains("Viser 4 av 5 tiltak."), "[{be}] {html}");
        // Overdue quick view.
        let html = ok(&c, &app, "/actions?show=overdue").await;
        assert_eq!(row_ids(&html), [late.id.as_str()], "[{be}]");
        // Owner, case-insensitive; without an owner.
        let html = ok(&c, &app, "/actions?owner=KARI").await;
        assert_eq!(row_ids(&html), [late.id.as_str(), soon.id.as_str()], "[{be}]");
        assert!(
            html.contains("<option value=\"Kari\" selected>Kari</option>"),
            "[{be}] {html}"
        );
        assert!(html.contains("id=\"filter-reset\""), "[{be}]");
        let html = ok(&c, &app, "/actions?owner=-").await;
        assert_eq!(row_ids(&html), [none.id.as_str()], "[{be}]");
        // Priority; free text over title, description and owner.
        assert_eq!(
            row_ids(&ok(&c, &app, "/actions?priority=low").await),
            [soon.id.as_str()],
            "[{be}]"
        );
        let html = ok(&c, &app, "/actions?q=RUTE").await;
        assert_eq!(row_ids(&html), [soon.id.as_str()], "[{be}]");
        assert!(html.contains("name=\"q\" value=\"RUTE\""), "[{be}]");
        assert_eq!(
            row_ids(&ok(&c, &app, "/actions?q=beskrivelse+av+kurs").await),
            [none.id.as_str()],
            "[{be}]"
        );
        // A closed status widens the view from open to all.
        let html = ok(&c, &app, "/actions?status=done").await;
        assert_eq!(row_ids(&html), [done.id.as_str()], "[{be}]");
        assert!(html.contains("id=\"filter-all\" aria-current=\"page\""), "[{be}]");
        let html = ok(&c, &app, "/actions?show=open&status=in_progress").await;
        assert!(html.contains("Ingen tiltak passer til filtrene."), "[{be}] {html}");
        // Tab counts follow the other filters; tabs keep them.
        let html = ok(&c, &app, "/actions?owner=ola").await;
        assert!(
            html.contains("Åpne (1)") && html.contains("Forfalt (0)") && html.contains("Alle (2)"),
            "[{be}] {html}"
        );
        assert!(
            html.contains("href=\"/actions?show=all&#38;owner=ola\""),
            "[{be}] {html}"
        );

        // Sorting by a column, both ways, kept with the filters.
        let html = ok(&c, &app, "/actions?sort=deadline").await;
        assert_eq!(
            row_ids(&html),
            [late.id.as_str(), soon.id.as_str(), later.id.as_str(), none.id.as_str()],
            "[{be}] none last"
        );
        assert!(html.contains("id=\"col-deadline\" aria-sort=\"ascending\""), "[{be}]");
        assert!(
            html.contains("href=\"/actions?show=open&#38;sort=deadline&#38;dir=desc\""),
            "[{be}] {html}"
        );
        let html = ok(&c, &app, "/actions?sort=deadline&dir=desc").await;
        assert_eq!(
            row_ids(&html),
            [none.id.as_str(), later.id.as_str(), soon.id.as_str(), late.id.as_str()],
            "[{be}]"
        );
        assert!(html.contains("aria-sort=\"descending\""), "[{be}]");
        let html = ok(&c, &app, "/actions?sort=title&owner=kari").await;
        assert_eq!(row_ids(&html), [soon.id.as_str(), late.id.as_str()], "[{be}]");
        assert!(
            html.contains("name=\"sort\" value=\"title\""),
            "[{be}] the filter form keeps the sort"
        );

        // Nonsense in the query is ignored, never an error.
        for odd in [
            "/actions?show=sideways",
            "/actions?status=sleeping&priority=urgent&sort=colour&dir=up",
            "/actions?owner=%00&q=%3Cscript%3E",
            "/actions?q=&owner=&status=&priority=",
        ] {
            let html = ok(&c, &app, odd).await;
            assert!(!html.contains("<script>"), "[{be}] {odd}");
        }
        assert_eq!(
            row_ids(&ok(&c, &app, "/actions?show=sideways&sort=colour").await),
            [later.id.as_str(), late.id.as_str(), none.id.as_str(), soon.id.as_str()],
            "[{be}]"
        );
        assert_eq!(get(&c, &app, "/actions?assessment=not-an-id").await.0, 404, "[{be}]");
    }
}

#[tokio::test]
async fn home_shows_own_work_and_no_placeholder_modules() {
    for app in TestApp::both().await {
        let be = app.backend;
        let normen = import_normen(&app).await;
        let scope = gp_scope(&app.store, EDITOR).await;
        let c = app.login(EDITOR).await;

        let home = ok(&c, &app, "/").await;
        for needle in [
            "id=\"own-work\"",
            "Ingen egenvurdering er i gang.",
            "href=\"/wizard\" id=\"start-wizard\"",
            "<a href=\"/actions?show=open\"><span class=\"figure\">0</span> åpne tiltak</a>",
            "ingen kommende frist",
        ] {
            assert!(home.contains(needle), "[{be}] lacks {needle}: {home}");
        }
        // No module codes, no "coming" modules, nothing links to placeholders.
        for page in ["/", "/actions"] {
            let html = ok(&c, &app, page).await;
            for gone in [
                "/modules/",
                "Kommer",
                "class=\"code\"",
                ">M1<",
                ">M4<",
                "M10",
                "Risiko",
                "Rapporter",
            ] {
                assert!(!html.contains(gone), "[{be}] {page} still has {gone}");
            }
            assert!(
                html.contains("id=\"menu-toggle\"") && html.contains("href=\"/actions\""),
                "[{be}] {page}"
            );
        }
        assert!(home.contains("id=\"tile-actions\"><a href=\"/actions\">"), "[{be}]");
        // Old links to a placeholder still answer.
        assert_eq!(get(&c, &app, "/modules/risk").await.0, 200, "[{be}]");

        // Actions: one overdue, two open with deadlines, one done.
        action(&scope, &app, "Forfalt tiltak", Priority::High, None, Some(day(-2))).await;
        let next = action(&scope, &app, "Neste frist", Priority::Medium, None, Some(day(7))).await;
        action(
            &scope,
            &app,
            "Senere frist",
            Priority::PatientSafety,
            None,
            Some(day(40)),
        )
        .await;
        let done = action(&scope, &app, "Ferdig", Priority::Low, None, Some(day(1))).await;
        set_status(&scope, &app, &done, ActionStatus::Done).await;
        let home = ok(&c, &app, "/").await;
        for needle in [
            "<a href=\"/actions?show=open\"><span class=\"figure\">3</span> åpne tiltak</a>".to_string(),
            "<a href=\"/actions?show=overdue\"><span class=\"figure\">1</span> tiltak har passert fristen</a>"
                .to_string(),
            "id=\"overdue-actions\" class=\"overdue\"".to_string(),
            format!(
                "<a href=\"/actions?show=open&amp;sort=deadline\"><span class=\"figure\">{}</span> neste frist</a>",
                shown(&day(7))
            ),
            format!("<a href=\"/actions/{}\">Neste frist</a>", next.id),
        ] {
            assert!(home.contains(&needle), "[{be}] lacks {needle}: {home}");
        }

        // Continue where you left off: a wizard run someone else started,
        // then one the user answered in.
        let admin = app
            .store
            .user_by_email(etterlev_web::demo::ADMIN_EMAIL)
            .await
            .expect("q")
            .expect("admin");
        let admin_scope = app.store.scope(&admin, scope.tenant_id()).await.expect("admin scope");
        let theirs = app
            .store
            .tenant(&admin_scope)
            .create_assessment(new_assessment(&admin_scope, "Kontorets gjennomgang"))
            .await
            .expect("run");
        let home = ok(&c, &app, "/").await;
        assert!(home.contains("Sist endret i virksomheten"), "[{be}] {home}");
        assert!(
            home.contains(&format!("href=\"/wizard/{}\" id=\"continue-link\"", theirs.id)),
            "[{be}] {home}"
        );
        let mine = app
            .store
            .tenant(&scope)
            .create_assessment(new_assessment(&scope, "Min gjennomgang"))
            .await
            .expect("run");
        let set = etterlev_catalog::load_path(&etterlev_web::demo::catalog_dir().join("normen")).expect("normen");
        let catalog = set.catalogs.iter().find(|c| c.key() == normen).expect("normen");
        let node = catalog
            .nodes
            .iter()
            .find(|n| n.kind == etterlev_catalog::NodeKind::Requirement)
            .expect("a requirement");
        app.store
            .tenant(&scope)
            .save_answer(
                &mine.id,
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
        // The other run is newer, but this is the user's own.
        app.store
            .tenant(&admin_scope)
            .save_answer(
                &theirs.id,
                &node.id,
                AnswerInput {
                    status: etterlev_core::AnswerStatus::Implemented,
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
        let home = ok(&c, &app, "/").await;
        assert!(home.contains("Fortsett der du slapp"), "[{be}] {home}");
        assert!(
            home.contains(&format!(
                "href=\"/wizard/{}\" id=\"continue-link\" class=\"resume-link\">Min gjennomgang</a>",
                mine.id
            )),
            "[{be}] {home}"
        );
        assert!(
            home.contains("Veiviser for små virksomheter · sist endret"),
            "[{be}] {home}"
        );

        // English.
        let en = app.login(EDITOR).await;
        let csrf = extract_csrf(&ok(&en, &app, "/").await);
        post(
            &en,
            &app,
            "/lang",
            &[s("_csrf", &csrf), s("lang", "en"), s("next", "/")],
        )
        .await;
        let home = ok(&en, &app, "/").await;
        for needle in [
            "Continue where you left off",
            "open actions",
            "actions past their deadline",
            "next deadline",
        ] {
            assert!(home.contains(needle), "[{be}] lacks {needle}: {home}");
        }
    }
}

#[tokio::test]
async fn home_and_menu_work_without_a_tenant() {
    for app in TestApp::both().await {
        let be = app.backend;
        let hash = etterlev_auth::hash_password(etterlev_web::demo::PASSWORD).expect("hash");
        app.store
            .create_user(
                &Actor::cli(),
                &NewUser {
                    email: "uten.virksomhet@example.no".into(),
                    display_name: "Uten Virksomhet".into(),
                    password_hash: Some(hash),
                    is_secretariat: false,
                },
            )
            .await
            .expect("user");
        let c = app.login("uten.virksomhet@example.no").await;
        let home = ok(&c, &app, "/").await;
        assert!(home.contains("id=\"menu-items\""), "[{be}] {home}");
        assert!(home.contains("id=\"tile-catalogue\""), "[{be}]");
        assert!(
            !home.contains("id=\"own-work\"") && !home.contains("id=\"tile-actions\""),
            "[{be}]"
        );
        assert!(!home.contains("/modules/"), "[{be}]");
    }
}
