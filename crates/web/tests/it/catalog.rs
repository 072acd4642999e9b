//! The catalogue pages and API over the fixtures in tests/fixtures/catalog:
//! fixdemo 1.0 and 2.0 (one requirement added, removed, changed and moved),
//! fixother 1 and a mapping from fixdemo 2.0 to fixother 1 with a gap.

use crate::common::{TestApp, extract_csrf, fixture_catalog_dir};

const READER: &str = "leser@demo.etterlev.no";

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.expect("get");
    let status = r.status().as_u16();
    (status, r.text().await.expect("body"))
}

async fn ok(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let (status, body) = get(client, app, path).await;
    assert_eq!(status, 200, "[{}] GET {path}: {body}", app.backend);
    body
}

/// The `<main>` element of a page, with the CSRF token masked.
fn main_of(html: &str) -> String {
    let start = html.find("<main").expect("main");
    let end = html.find("</main>").expect("/main") + "</main>".len();
    let token = extract_csrf(html);
    html[start..end].replace(&token, "[csrf]")
}

#[tokio::test]
async fn pages_render_for_a_reader() {
    for app in TestApp::both().await {
        let be = app.backend;
        let c = app.login(READER).await;
        let list = ok(&c, &app, "/catalog").await;
        assert!(
            list.contains("Ingen kravkataloger er importert"),
            "[{be}] before import: {list}"
        );

        let summary = app.import_fixture_catalogs().await;
        assert_eq!(summary.added.len(), 3, "[{be}] {summary:?}");

        // The server notices the import without a restart.
        let list = ok(&c, &app, "/catalog").await;
        for needle in [
            "href=\"/catalog/fixdemo@1.0\"",
            "href=\"/catalog/fixdemo@2.0\"",
            "href=\"/catalog/fixother@1\"",
            "href=\"/catalog/mappings/fixdemo-fixother\"",
            "href=\"/catalog/diff?from=fixdemo@1.0&amp;to=fixdemo@2.0\"",
            "1 mangler",
        ] {
            assert!(list.contains(needle), "[{be}] list lacks {needle}: {list}");
        }

        let tree = ok(&c, &app, "/catalog/fixdemo@2.0?all=1").await;
        assert!(tree.contains("7 krav og anbefalinger, uten filter"), "[{be}] {tree}");
        for needle in [
            "id=\"n-2.1-b\"",
            "Ikke kontrollert mot kilden",
            "Krav (skal)",
            "Anbefaling (bør)",
            "id=\"n-3-b\"",
        ] {
            assert!(tree.contains(needle), "[{be}] tree lacks {needle}");
        }

        let node = ok(&c, &app, "/catalog/fixdemo@2.0/node/2.1-a").await;
        for needle in [
            "Brukere skal ha personlige passord på minst 14 tegn.",
            "Users must have personal passwords of at least 14 characters.",
            "href=\"https://example.org/fa31\"",
            "Faktaark 31, 31.1",
            "Pasientjournalloven, § 22",
            "href=\"/catalog/fixdemo@2.0/node/2.1-b\"",
            "href=\"/catalog/fixother@1/node/A\"",
            "dekker en del",
            "Passord dekker bare en del av sterk autentisering.",
            "Gjelder alle virksomheter.",
        ] {
            assert!(node.contains(needle), "[{be}] node page lacks {needle}: {node}");
        }
        // A node under an applicability rule names where the rule is.
        let node = ok(&c, &app, "/catalog/fixdemo@2.0/node/3-a").await;
        assert!(node.contains("Regel fra 3 Drift av sykehus:"), "[{be}] {node}");
        assert!(node.contains("Bare for: Helseforetak, Kommune"), "[{be}] {node}");
        // The target side lists the mapping too, and the gap shows.
        let other = ok(&c, &app, "/catalog/fixother@1/node/A").await;
        assert!(
            other.contains("href=\"/catalog/fixdemo@2.0/node/2.4-a\""),
            "[{be}] {other}"
        );

        let mapping = ok(&c, &app, "/catalog/mappings/fixdemo-fixother").await;
        assert!(mapping.contains("class=\"relation-gap\""), "[{be}] {mapping}");
        assert!(
            mapping.contains("Demokatalogen har ingen krav om å melde hendelser."),
            "[{be}]"
        );
        assert!(
            mapping.contains("<strong class=\"gap-mark\">mangler</strong>"),
            "[{be}]"
        );

        // Catalogue text is escaped, never markup.
        let escaped = ok(&c, &app, "/catalog/fixdemo@2.0/node/3-b").await;
        assert!(
            escaped.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "[{be}] {escaped}"
        );
        assert!(!escaped.contains("<script>alert"), "[{be}]");
        assert!(
            escaped.contains("Veiledning for &#60;utstyr&#62; &#38; drift"),
            "[{be}]"
        );

        // In English, the English texts and labels.
        let csrf = extract_csrf(&list);
        let r = c
            .post(app.url("/lang"))
            .form(&[("_csrf", csrf.as_str()), ("lang", "en"), ("next", "/catalog")])
            .send()
            .await
            .expect("lang");
        assert_eq!(r.status(), 303, "[{be}]");
        let en = ok(&c, &app, "/catalog/fixdemo@2.0?kind=gp_office&size=micro").await;
        assert!(en.contains("4 of 7 requirements apply."), "[{be}] {en}");
        assert!(en.contains("Passwords") && en.contains("Requirement (shall)"), "[{be}]");
        assert!(en.contains("Only for: Hospital trust"), "[{be}] {en}");

        for path in [
            "/catalog/fixdemo@9.9",
            "/catalog/nonsense",
            "/catalog/%3Cx%3E@1",
            "/catalog/fixdemo@2.0/node/nope",
            "/catalog/fixdemo@2.0/node/..",
            "/catalog/mappings/nope",
            "/catalog/mappings/%3Cscript%3E",
        ] {
            assert_eq!(get(&c, &app, path).await.0, 404, "[{be}] {path}");
        }

        // Signed out: to the login page.
        let anon = app.client();
        let r = anon.get(app.url("/catalog")).send().await.expect("anon");
        assert_eq!(r.status(), 303, "[{be}]");
    }
}

#[tokio::test]
async fn dashboard_tile_and_menu_lead_to_the_catalogue() {
    let app = TestApp::sqlite().await;
    let c = app.login(READER).await;
    let home = ok(&c, &app, "/").await;
    assert!(home.contains("id=\"tile-catalogue\"><a href=\"/catalog\">"), "{home}");
    assert!(
        home.contains("<li><a href=\"/catalog\">Kravkatalog</a></li>"),
        "menu: {home}"
    );
    let r = c.get(app.url("/modules/catalogue")).send().await.expect("get");
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/catalog")
    );
}

#[tokio::test]
async fn bare_catalogue_id_leads_to_the_newest_version() {
    let app = TestApp::sqlite().await;
    app.import_fixture_catalogs().await;
    let c = app.login(READER).await;
    let r = c
        .get(app.url("/catalog/fixdemo?kind=gp_office"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/catalog/fixdemo@2.0?kind=gp_office")
    );
    let (status, _) = get(&c, &app, "/catalog/nosuchcatalogue").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn tree_page_snapshot() {
    let app = TestApp::sqlite().await;
    app.import_fixture_catalogs().await;
    let c = app.login(READER).await;
    let html = ok(&c, &app, "/catalog/fixdemo@2.0?kind=gp_office&size=micro").await;
    insta::assert_snapshot!("catalog_tree_gp_micro", main_of(&html));
}

#[tokio::test]
async fn filter_shows_what_applies_and_why_not() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let c = app.login(READER).await;

        let gp = ok(&c, &app, "/catalog/fixdemo@2.0?kind=gp_office&size=micro").await;
        assert!(gp.contains("4 av 7 krav gjelder."), "[{be}] {gp}");
        assert!(!gp.contains("id=\"n-3-a\""), "[{be}] a hospital requirement is hidden");
        assert!(
            !gp.contains("id=\"n-3\""),
            "[{be}] so is its chapter, with nothing left in it"
        );
        for reason in [
            "Gjelder bare for: Helseforetak, Kommune (regelen står på 3 Drift av sykehus)",
            "Gjelder bare for størrelsen: 50–249 ansatte, 250 ansatte eller flere (regelen står på 1.2 a Gjennomgang av logger)",
            "Gjelder bare når dette stemmer: Bruker skytjenester (regelen står på 2.3 a Skytjenester)",
        ] {
            assert!(gp.contains(reason), "[{be}] missing reason {reason:?}: {gp}");
        }

        let hospital = ok(&c, &app, "/catalog/fixdemo@2.0?kind=hospital_trust&size=large").await;
        assert!(hospital.contains("6 av 7 krav gjelder."), "[{be}] {hospital}");
        assert!(hospital.contains("id=\"n-3-a\""), "[{be}]");
        // Staff count decides the size; checked conditions count.
        let all = ok(
            &c,
            &app,
            "/catalog/fixdemo@2.0?kind=hospital_trust&size=micro&staff=300&cond=uses_cloud_services",
        )
        .await;
        assert!(all.contains("7 av 7 krav gjelder."), "[{be}] {all}");
        assert!(
            all.contains("value=\"uses_cloud_services\" checked"),
            "[{be}] checkbox kept"
        );

        // The default filter is the signed-in tenant's kind and size: the
        // reader's GP office is micro; the admin's first tenant (by name) is
        // the hospital trust.
        let default = ok(&c, &app, "/catalog/fixdemo@2.0").await;
        assert!(default.contains("4 av 7 krav gjelder."), "[{be}] {default}");
        assert!(default.contains("<option value=\"gp_office\" selected>"), "[{be}]");
        let admin = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let default = ok(&admin, &app, "/catalog/fixdemo@2.0").await;
        assert!(default.contains("6 av 7 krav gjelder."), "[{be}] {default}");

        for bad in [
            "kind=castle&size=micro",
            "kind=gp_office",
            "kind=gp_office&staff=many",
            "kind=dentist&size=small&cond=dragons",
        ] {
            let (status, body) = get(&c, &app, &format!("/catalog/fixdemo@2.0?{bad}")).await;
            assert_eq!(status, 400, "[{be}] {bad}: {body}");
        }
    }
}

#[tokio::test]
async fn search_finds_stemmed_words() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let c = app.login(READER).await;
        let all = ok(&c, &app, "/catalog/search?q=passordet").await;
        assert!(all.contains("href=\"/catalog/fixdemo@1.0/node/2.1-a\""), "[{be}] {all}");
        assert!(all.contains("href=\"/catalog/fixdemo@2.0/node/2.1-a\""), "[{be}] {all}");
        assert!(all.contains("<mark>passord</mark>"), "[{be}] {all}");

        let one = ok(&c, &app, "/catalog/search?q=passordet&catalog=fixdemo%402.0").await;
        assert!(one.contains("href=\"/catalog/fixdemo@2.0/node/2.1-a\""), "[{be}] {one}");
        assert!(
            !one.contains("fixdemo@1.0/node"),
            "[{be}] limited to the chosen catalogue: {one}"
        );

        let stem = ok(&c, &app, "/catalog/search?q=tilgangsstyring&catalog=fixdemo@2.0").await;
        assert!(stem.contains("<mark>tilgangsstyringen</mark>"), "[{be}] {stem}");

        for odd in ["%22(((", "title%3A", "AND", "%3Cscript%3E", ""] {
            let (status, body) = get(&c, &app, &format!("/catalog/search?q={odd}")).await;
            assert_eq!(status, 200, "[{be}] q={odd}: {body}");
        }
        assert_eq!(
            get(&c, &app, "/catalog/search?q=x&catalog=nope@1").await.0,
            404,
            "[{be}]"
        );
    }
}

#[tokio::test]
async fn diff_page_shows_the_four_kinds_of_change() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let c = app.login(READER).await;
        let form = ok(&c, &app, "/catalog/diff").await;
        assert!(form.contains("Hva er endret mellom versjoner"), "[{be}]");

        let d = ok(&c, &app, "/catalog/diff?from=fixdemo@1.0&to=fixdemo@2.0").await;
        assert!(d.contains("1 nye, 1 fjernet, 1 endret, 1 flyttet."), "[{be}] {d}");
        let section = |kind: &str| {
            let start = d.find(&format!("id=\"diff-{kind}\"")).expect("section");
            let rest = &d[start..];
            rest[..rest.find("</section>").expect("end")].to_string()
        };
        assert!(
            section("added").contains("href=\"/catalog/fixdemo@2.0/node/2.4-a\""),
            "[{be}]"
        );
        assert!(
            section("removed").contains("href=\"/catalog/fixdemo@1.0/node/1.1-b\""),
            "[{be}]"
        );
        let changed = section("changed");
        assert!(changed.contains("node/2.1-a"), "[{be}] {changed}");
        assert!(
            changed.contains("<del>12</del>") && changed.contains("<ins>14</ins>"),
            "[{be}] {changed}"
        );
        let moved = section("moved");
        assert!(moved.contains("node/2.2-a"), "[{be}] {moved}");
        assert!(moved.contains("2.2 a (under 2) → 1.2 a (under 1)"), "[{be}] {moved}");

        assert_eq!(get(&c, &app, "/catalog/diff?from=fixdemo@1.0").await.0, 400, "[{be}]");
        assert_eq!(
            get(&c, &app, "/catalog/diff?from=fixdemo@1.0&to=fixother@1").await.0,
            400,
            "[{be}]"
        );
        assert_eq!(
            get(&c, &app, "/catalog/diff?from=fixdemo@1.0&to=fixdemo@3").await.0,
            404,
            "[{be}]"
        );
    }
}

#[tokio::test]
async fn api_endpoints() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let token = app.api_token(READER).await;
        let c = reqwest::Client::new();
        let call = |path: &str| {
            let req = c.get(app.url(&format!("/api/v1{path}"))).bearer_auth(&token);
            async move {
                let r = req.send().await.expect("send");
                let status = r.status().as_u16();
                let body: serde_json::Value = r.json().await.expect("json");
                (status, body)
            }
        };

        let (s, list) = call("/catalogs").await;
        assert_eq!(s, 200, "[{be}] {list}");
        let keys: Vec<&str> = list
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|c| c["key"].as_str())
            .collect();
        assert_eq!(keys, ["fixdemo@1.0", "fixdemo@2.0", "fixother@1"], "[{be}]");
        assert_eq!(list[1]["requirement_count"], 7, "[{be}]");

        let (s, full) = call("/catalogs/fixdemo@2.0").await;
        assert_eq!(s, 200, "[{be}]");
        assert_eq!(full["nodes"].as_array().map(Vec::len), Some(12), "[{be}] {full}");
        assert_eq!(full["schema"], "etterlev/catalog/v1", "[{be}]");

        let (s, gp) = call("/catalogs/fixdemo@2.0/requirements?kind=gp_office&size=micro").await;
        assert_eq!(s, 200, "[{be}] {gp}");
        assert_eq!(gp["total"], 7, "[{be}]");
        assert_eq!(gp["applicable"].as_array().map(Vec::len), Some(4), "[{be}] {gp}");
        let excluded = gp["excluded"].as_array().expect("excluded");
        assert_eq!(excluded.len(), 3, "[{be}]");
        let hospital_rule = excluded
            .iter()
            .find(|e| e["requirement"]["id"] == "3-a")
            .expect("3-a excluded");
        assert_eq!(hospital_rule["reasons"][0]["reason"], "kind", "[{be}]");
        assert_eq!(hospital_rule["reasons"][0]["rule_from"], "3", "[{be}]");

        let (s, h) =
            call("/catalogs/fixdemo@2.0/requirements?kind=hospital_trust&staff=300&conditions=uses_cloud_services")
                .await;
        assert_eq!(s, 200, "[{be}] {h}");
        assert_eq!(h["applicable"].as_array().map(Vec::len), Some(7), "[{be}]");
        assert_eq!(h["profile"]["size"], "large", "[{be}]");

        // Each parameter valid, but neither size nor staff: 422.
        let (s, body) = call("/catalogs/fixdemo@2.0/requirements?kind=gp_office").await;
        assert_eq!(s, 422, "[{be}] {body}");
        assert_eq!(body["fields"][0]["field"], "size", "[{be}] {body}");
        for bad in [
            "/catalogs/fixdemo@2.0/requirements",
            "/catalogs/fixdemo@2.0/requirements?kind=castle&size=micro",
            "/catalogs/fixdemo@2.0/requirements?kind=gp_office&size=micro&conditions=dragons",
            "/catalogs/search",
            "/catalogs/search?q=x&limit=0",
            "/catalogs/search?q=x&limit=lots",
            "/catalogs/diff?from=fixdemo@1.0",
            "/catalogs/diff?from=fixdemo@1.0&to=fixother@1",
        ] {
            let (s, body) = call(bad).await;
            assert_eq!(s, 400, "[{be}] {bad}: {body}");
            assert_eq!(body["error"], "bad_request", "[{be}] {bad}");
            assert!(
                !body["message"].as_str().unwrap_or("").is_empty(),
                "[{be}] {bad}: a message"
            );
        }
        let (_, body) = call("/catalogs/fixdemo@2.0/requirements?kind=castle&size=micro").await;
        assert!(
            body["message"].as_str().unwrap_or("").contains("gp_office"),
            "[{be}] names the kinds: {body}"
        );

        for missing in [
            "/catalogs/fixdemo@9",
            "/catalogs/nope",
            "/catalogs/nope@1/requirements?kind=gp_office&size=micro",
            "/catalogs/search?q=x&catalog=nope@1",
            "/catalogs/diff?from=fixdemo@1.0&to=fixdemo@9",
            "/mappings/nope",
        ] {
            let (s, body) = call(missing).await;
            assert_eq!(s, 404, "[{be}] {missing}: {body}");
            assert_eq!(body["error"], "not_found", "[{be}] {missing}");
        }

        let (s, hits) = call("/catalogs/search?q=passordet&catalog=fixdemo@1.0").await;
        assert_eq!(s, 200, "[{be}] {hits}");
        let hits = hits.as_array().expect("hits");
        assert_eq!(hits.len(), 1, "[{be}] {hits:?}");
        assert_eq!(hits[0]["node_id"], "2.1-a", "[{be}]");
        assert!(
            hits[0]["snippet"]
                .as_array()
                .is_some_and(|s| s.iter().any(|p| p["highlight"] == true)),
            "[{be}]"
        );

        let (s, d) = call("/catalogs/diff?from=fixdemo@1.0&to=fixdemo@2.0").await;
        assert_eq!(s, 200, "[{be}] {d}");
        assert_eq!(
            d["summary"],
            serde_json::json!({"added": 1, "removed": 1, "changed": 1, "moved": 1}),
            "[{be}]"
        );

        let (s, m) = call("/mappings/fixdemo-fixother").await;
        assert_eq!(s, 200, "[{be}] {m}");
        assert_eq!(m["entries"].as_array().map(Vec::len), Some(4), "[{be}]");

        let r = c.get(app.url("/api/v1/catalogs")).send().await.expect("send");
        assert_eq!(r.status(), 401, "[{be}] a token is required");
    }
}

#[tokio::test]
async fn demo_imports_a_catalogue_folder_and_survives_a_broken_one() {
    let app = TestApp::sqlite().await;
    let store = &app.store;
    let summary = etterlev_web::demo::seed_catalogs(store, &fixture_catalog_dir())
        .await
        .expect("fixtures import");
    assert_eq!(summary.added, ["fixdemo@1.0", "fixdemo@2.0", "fixother@1"]);
    assert_eq!(summary.mappings, 1);
    let again = etterlev_web::demo::seed_catalogs(store, &fixture_catalog_dir())
        .await
        .expect("second start");
    assert_eq!(again.unchanged.len(), 3, "{again:?}");
    let entries = store.system_audit(i64::MAX, 500).await.expect("audit");
    assert!(
        entries
            .iter()
            .any(|e| e.action == "catalog.import" && e.actor_label == "demo"),
        "imports are audited as the demo"
    );

    let broken = tempfile::tempdir().expect("dir");
    std::fs::write(broken.path().join("bad.yaml"), "schema: etterlev/catalog/v1\nid: [").expect("write");
    assert!(etterlev_web::demo::seed_catalogs(store, broken.path()).await.is_none());
    assert!(
        etterlev_web::demo::seed_catalogs(store, &broken.path().join("missing"))
            .await
            .is_none()
    );
    assert_eq!(
        store.list_catalogs().await.expect("list").len(),
        3,
        "nothing else imported"
    );
}

/// `serve --demo` on a fresh database: the demo enterprises get example
/// assessments, an action plan and a wizard run from the real `catalog/`
/// folder, and a restart adds nothing.
#[tokio::test]
async fn demo_seeds_assessments_actions_and_a_wizard_run_once() {
    use etterlev_core::{ActionStatus, OrgNumber, Priority};
    use etterlev_store::AssessmentKind;

    let (store, _dir) = crate::common::sqlite_store().await;
    assert!(etterlev_web::demo::seed(&store).await.expect("first start"));
    assert!(!etterlev_web::demo::seed(&store).await.expect("second start"));

    let admin = store
        .user_by_email(etterlev_web::demo::ADMIN_EMAIL)
        .await
        .expect("user")
        .expect("admin");
    let tenant = |org: &str| {
        let store = store.clone();
        let org = OrgNumber::parse(org).expect("org number");
        async move { store.tenant_by_org(&org).await.expect("tenant").expect("demo tenant") }
    };
    let hospital = tenant("312000008").await;
    let gp = tenant("311000004").await;
    let scope = store.scope(&admin, &hospital.id).await.expect("scope");
    let ts = store.tenant(&scope);

    let list = ts.list_assessments().await.expect("assessments");
    assert_eq!(list.len(), 2, "{list:#?}");
    let newer = list.iter().find(|a| a.title == "Egenvurdering 2026").expect("2026");
    let older = list.iter().find(|a| a.title == "Egenvurdering 2025").expect("2025");
    assert!(older.closed && !newer.closed);
    assert_eq!(newer.previous_id.as_deref(), Some(older.id.as_str()));
    assert!(newer.catalog_key.starts_with("normen@"));
    let (old_answers, new_answers) = (
        ts.answers(&older.id).await.expect("answers"),
        ts.answers(&newer.id).await.expect("answers"),
    );
    assert!(new_answers.len() > 20, "{}", new_answers.len());
    assert_eq!(old_answers.len(), new_answers.len());
    assert!(old_answers.iter().any(|a| a.na_reason.is_some()));
    let met = |v: &[etterlev_store::Answer]| v.iter().filter(|a| a.status.is_met()).count();
    assert!(met(&new_answers) > met(&old_answers), "2026 improves on 2025");
    assert!(new_answers.iter().any(|a| a.owner.is_some() && a.due_date.is_some()));
    assert_eq!(ts.evidence(&newer.id).await.expect("evidence").len(), 2);

    let actions = ts.actions(None).await.expect("actions");
    assert!(actions.len() >= 5, "{actions:#?}");
    let today = jiff::Zoned::now().date().to_string();
    assert!(
        actions
            .iter()
            .any(|a| etterlev_core::assessment::is_overdue(a.status, a.deadline.as_deref(), &today))
    );
    assert_eq!(actions[0].priority, Priority::PatientSafety);
    assert!(actions.iter().any(|a| a.status == ActionStatus::Done));

    let gp_scope = store.scope(&admin, &gp.id).await.expect("scope");
    let gts = store.tenant(&gp_scope);
    let runs = gts.list_assessments().await.expect("assessments");
    assert_eq!(runs.len(), 1);
    assert!(runs[0].kind == AssessmentKind::Wizard && !runs[0].closed);
    let answered = gts.answers(&runs[0].id).await.expect("answers");
    assert_eq!(answered.len(), 10);
    assert!(answered.iter().all(|a| a.wizard_answer.is_some()));

    // Called again directly (e.g. after a partial first start): nothing new.
    let set = etterlev_catalog::load_path(&etterlev_web::demo::catalog_dir()).expect("catalogue folder loads");
    assert!(!etterlev_web::demo::seed_assessments(&store, &set).await.expect("again"));
    assert_eq!(ts.list_assessments().await.expect("list").len(), 2);
    assert_eq!(ts.actions(None).await.expect("actions").len(), actions.len());
    assert_eq!(gts.list_assessments().await.expect("list").len(), 1);
}
