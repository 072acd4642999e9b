//! One enterprise profile for every view (the catalogue filter, new
//! assessments, NIS2 with its "prepare" view), the diff and mapping pages'
//! choices and filters, catalogue errors inside the layout, and the glossary.

use etterlev_core::{AnswerStatus, SizeClass, TenantKind};
use etterlev_store::{AnswerInput, AssessmentKind, AssessmentProfile, NewAssessment, Store, TenantScope};

use crate::common::{TestApp, extract_csrf, fixture_catalog_dir};

const READER: &str = "leser@demo.etterlev.no";
const EDITOR: &str = "redaktor@demo.etterlev.no";

async fn get(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = c.get(app.url(path)).send().await.expect("get");
    let status = r.status().as_u16();
    (status, r.text().await.expect("body"))
}

async fn ok(c: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let (status, body) = get(c, app, path).await;
    assert_eq!(status, 200, "[{}] GET {path}: {body}", app.backend);
    body
}

async fn post(c: &reqwest::Client, app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = c.post(app.url(path)).form(form).send().await.expect("post");
    let status = r.status().as_u16();
    (status, r.text().await.expect("body"))
}

/// "N av M krav gjelder." on a catalogue page: (N, M).
fn applies(html: &str) -> (usize, usize) {
    let at = html
        .find(" krav gjelder.")
        .unwrap_or_else(|| panic!("no count: {html}"));
    let head = &html[..at];
    let words = &head[head.rfind('>').map_or(0, |i| i + 1)..];
    let (n, m) = words.split_once(" av ").unwrap_or_else(|| panic!("count: {words:?}"));
    (n.trim().parse().expect("number"), m.trim().parse().expect("number"))
}

async fn scope_in(store: &Store, email: &str, tenant_name: &str) -> TenantScope {
    let user = store.user_by_email(email).await.expect("q").expect("user");
    let m = store
        .memberships_of(&user.id)
        .await
        .expect("memberships")
        .into_iter()
        .find(|m| m.tenant.name == tenant_name)
        .expect("member");
    store.scope(&user, &m.tenant.id).await.expect("scope")
}

/// The demo hospital trust: the catalogue page's count for Normen, the
/// self-assessment's applicable requirements and the NIS2 view agree,
/// because all three use the enterprise's one stored profile. (Before, the
/// catalogue filtered by kind and size only, the assessment by the whole
/// profile, and NIS2 applied to nobody.)
#[tokio::test]
async fn one_profile_drives_catalogue_assessment_and_nis2() {
    let dir = etterlev_web::demo::catalog_dir();
    let set = etterlev_catalog::load_path(&dir).expect("catalogue folder loads");
    let normen_catalog = set.catalog("normen").expect("normen");
    let normen = normen_catalog.key();
    let normen_total = normen_catalog.assessable().count();
    let nis2 = set.catalog("nis2").expect("nis2");
    let nis2_total = nis2.assessable().count();
    for app in TestApp::both().await {
        let be = app.backend;
        etterlev_web::demo::seed_catalogs(&app.store, &dir)
            .await
            .expect("import");
        assert!(
            etterlev_web::demo::seed_assessments(&app.store, &set)
                .await
                .expect("seed")
        );
        // The admin's first enterprise is the hospital trust.
        let admin = app.login(etterlev_web::demo::ADMIN_EMAIL).await;

        let page = ok(&admin, &app, &format!("/catalog/{normen}")).await;
        let (in_catalogue, total) = applies(&page);
        assert_eq!(total, normen_total, "[{be}] the newest Normen");
        assert!(page.contains("href=\"/enterprise/profile\""), "[{be}] profile link");

        let scope = scope_in(&app.store, etterlev_web::demo::ADMIN_EMAIL, "Fjordheim helseforetak").await;
        let list = app.store.tenant(&scope).list_assessments().await.expect("list");
        let newest = list.iter().find(|a| a.title == "Egenvurdering 2026").expect("2026");
        let detail = ok(&admin, &app, &format!("/assessments/{}", newest.id)).await;
        let at = detail.find(" krav besvart").expect("counts line");
        let in_assessment: usize = detail[..at]
            .rsplit(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("[{be}] {}", &detail[at.saturating_sub(40)..at]));
        assert_eq!(in_catalogue, in_assessment, "[{be}] catalogue page vs assessment");

        let nis2_page = ok(&admin, &app, &format!("/catalog/{}", nis2.key())).await;
        assert_eq!(
            applies(&nis2_page),
            (nis2_total, nis2_total),
            "[{be}] NIS2 applies to a large hospital trust"
        );
        assert!(!nis2_page.contains("id=\"prepare-notice\""), "[{be}]");

        // A new assessment starts from the same profile.
        let form = ok(&admin, &app, "/assessments").await;
        assert!(
            form.contains("value=\"uses_cloud_services\" checked") && form.contains("value=\"nis2_entity\" checked"),
            "[{be}] new-assessment form prefilled from the profile"
        );

        // The GP office (micro): NIS2 does not apply, every requirement is
        // shown as "not yet required — prepare", none as "does not apply".
        let reader = app.login(READER).await;
        let gp_nis2 = ok(&reader, &app, &format!("/catalog/{}", nis2.key())).await;
        assert_eq!(applies(&gp_nis2), (0, nis2_total), "[{be}]");
        assert!(gp_nis2.contains("id=\"prepare-notice\""), "[{be}]");
        // Every requirement (and guidance under them) carries the badge.
        assert!(
            gp_nis2.matches("Ikke påkrevd ennå – forbered").count() >= nis2_total,
            "[{be}] {gp_nis2}"
        );
        assert!(!gp_nis2.contains("id=\"excluded\""), "[{be}]");
    }
}

/// The profile page: readers see it, editors store conditions (audited),
/// unknown conditions are refused, and the stored conditions become the
/// catalogue's default filter.
#[tokio::test]
async fn stored_conditions_are_the_default_filter() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let reader = app.login(READER).await;
        let page = ok(&reader, &app, "/enterprise/profile").await;
        assert!(page.contains("id=\"profile-not-stored\""), "[{be}] {page}");
        assert!(!page.contains("type=\"submit\">Lagre"), "[{be}] a reader cannot save");
        let before = ok(&reader, &app, "/catalog/fixdemo@2.0").await;
        assert_eq!(applies(&before), (4, 7), "[{be}]");
        let csrf = extract_csrf(&page);
        let (status, _) = post(
            &reader,
            &app,
            "/enterprise/profile",
            &[("_csrf", &csrf), ("cond", "uses_cloud_services")],
        )
        .await;
        assert_eq!(status, 403, "[{be}]");

        let editor = app.login(EDITOR).await;
        let csrf = extract_csrf(&ok(&editor, &app, "/enterprise/profile").await);
        let (status, body) = post(
            &editor,
            &app,
            "/enterprise/profile",
            &[("_csrf", &csrf), ("cond", "dragons")],
        )
        .await;
        assert_eq!(status, 400, "[{be}] {body}");
        assert!(body.contains("Ukjent forhold"), "[{be}] in bokmål: {body}");
        let (status, _) = post(
            &editor,
            &app,
            "/enterprise/profile",
            &[("_csrf", &csrf), ("cond", "uses_cloud_services")],
        )
        .await;
        assert_eq!(status, 303, "[{be}]");
        let page = ok(&reader, &app, "/enterprise/profile").await;
        assert!(!page.contains("id=\"profile-not-stored\""), "[{be}]");
        assert!(page.contains("value=\"uses_cloud_services\" checked"), "[{be}]");
        let after = ok(&reader, &app, "/catalog/fixdemo@2.0").await;
        assert_eq!(applies(&after), (5, 7), "[{be}] the cloud requirement now applies");
        assert!(after.contains("Bruker skytjenester"), "[{be}]");

        let scope = scope_in(&app.store, EDITOR, "Solbakken legekontor").await;
        let ts = app.store.tenant(&scope);
        assert_eq!(
            ts.conditions().await.expect("conditions"),
            Some(vec![etterlev_core::Condition::UsesCloudServices]),
            "[{be}]"
        );
        let admin_scope = scope_in(&app.store, etterlev_web::demo::ADMIN_EMAIL, "Solbakken legekontor").await;
        let entries = app
            .store
            .tenant(&admin_scope)
            .audit_page(i64::MAX, 100)
            .await
            .expect("audit");
        assert!(entries.iter().any(|e| e.action == "tenant.profile"), "[{be}] audited");
    }
}

/// The diff page offers only versions of one catalogue, says when there is
/// nothing to compare, and its errors are pages with the menu, in the
/// user's language.
#[tokio::test]
async fn diff_offers_comparable_versions_and_errors_stay_in_the_layout() {
    for app in TestApp::both().await {
        let be = app.backend;
        // Only single-version catalogues first.
        let one = etterlev_catalog::load_paths(&[fixture_catalog_dir().join("fixother-1.yaml")]).expect("load");
        app.store.import_catalog_set(&one, None, false).await.expect("import");
        let c = app.login(READER).await;
        let page = ok(&c, &app, "/catalog/diff").await;
        assert!(page.contains("id=\"diff-nothing\""), "[{be}] {page}");
        assert!(page.contains("id=\"diff-single\""), "[{be}]");
        assert!(!page.contains("<select"), "[{be}] nothing to choose");

        app.import_fixture_catalogs().await;
        let page = ok(&c, &app, "/catalog/diff").await;
        assert!(page.contains("<optgroup label=\"Demokatalog\">"), "[{be}] {page}");
        assert!(
            !page.contains("<option value=\"fixother@1\""),
            "[{be}] a lone version is not offered"
        );
        assert!(
            page.contains("href=\"/catalog/diff?from=fixdemo@1.0&amp;to=fixdemo@2.0\""),
            "[{be}]"
        );

        let (status, body) = get(&c, &app, "/catalog/diff?from=fixdemo@1.0&to=fixother@1").await;
        assert_eq!(status, 400, "[{be}]");
        assert!(body.contains("Dette er to ulike kataloger."), "[{be}] {body}");
        assert!(!body.contains("different catalogues"), "[{be}] no English");
        assert!(
            body.contains("id=\"logout\""),
            "[{be}] the normal layout, with the menu"
        );
        let (status, body) = get(&c, &app, "/catalog/diff?from=fixdemo@1.0").await;
        assert_eq!(status, 400, "[{be}]");
        assert!(body.contains("Velg både versjonen"), "[{be}] {body}");
        for path in [
            "/catalog/fixdemo@9.9",
            "/catalog/diff?from=fixdemo@1.0&to=fixdemo@3",
            "/catalog/fixdemo@2.0?kind=castle&size=micro",
        ] {
            let (status, body) = get(&c, &app, path).await;
            assert!(status == 404 || status == 400, "[{be}] {path}: {status}");
            assert!(body.contains("id=\"logout\""), "[{be}] {path}: menu");
            assert!(body.contains("lang=\"nb\""), "[{be}] {path}");
            assert!(
                !body.contains("unknown kind"),
                "[{be}] {path}: no English parser message"
            );
        }
    }
}

/// The mapping page filters to gaps through the URL, and links each row to
/// the enterprise's own answer in its newest assessment of the catalogue.
#[tokio::test]
async fn mapping_filters_gaps_and_links_own_status() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let c = app.login(EDITOR).await;
        let all = ok(&c, &app, "/catalog/mappings/fixdemo-fixother").await;
        assert_eq!(all.matches("<tr class=\"relation-").count(), 4, "[{be}]");
        assert!(
            all.contains("href=\"/catalog/mappings/fixdemo-fixother?only=gaps\""),
            "[{be}]"
        );
        assert!(!all.contains("id=\"mapping-own\""), "[{be}] no assessment yet");
        let gaps = ok(&c, &app, "/catalog/mappings/fixdemo-fixother?only=gaps").await;
        assert_eq!(gaps.matches("<tr class=\"relation-").count(), 1, "[{be}] {gaps}");
        assert!(gaps.contains("<tr class=\"relation-gap\">"), "[{be}]");

        let scope = scope_in(&app.store, EDITOR, "Solbakken legekontor").await;
        let ts = app.store.tenant(&scope);
        let a = ts
            .create_assessment(NewAssessment {
                catalog_key: "fixdemo@2.0".into(),
                title: "Vurdering 2026".into(),
                kind: AssessmentKind::Full,
                owner: None,
                period_start: None,
                period_end: None,
                profile: AssessmentProfile {
                    kind: TenantKind::GpOffice,
                    size: SizeClass::Micro,
                    conditions: vec![],
                },
                start_from: None,
            })
            .await
            .expect("assessment");
        ts.save_answer(
            &a.id,
            "2.1-a",
            AnswerInput {
                status: AnswerStatus::Partly,
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
        let all = ok(&c, &app, "/catalog/mappings/fixdemo-fixother").await;
        assert!(all.contains("Vurdering 2026"), "[{be}]");
        assert!(
            all.contains(&format!("href=\"/assessments/{}/req/2.1-a\">Delvis innført</a>", a.id)),
            "[{be}] {all}"
        );
        assert!(
            all.contains(&format!("href=\"/assessments/{}/req/2.4-a\">Ikke besvart</a>", a.id)),
            "[{be}]"
        );
    }
}

/// The glossary in both languages, linked from a requirement's text; tags
/// are words, not machine names; dates are dd.mm.yyyy.
#[tokio::test]
async fn glossary_tags_and_dates() {
    let dir = etterlev_web::demo::catalog_dir();
    let set = etterlev_catalog::load_path(&dir).expect("catalogue folder loads");
    let normen = set.catalog("normen").expect("normen");
    // A Normen requirement whose text names a glossary term.
    let node = normen
        .assessable()
        .find(|n| n.text.as_ref().is_some_and(|t| t.nb.contains("risikovurdering")))
        .expect("a requirement about risk assessment");
    let tagged = normen
        .assessable()
        .find(|n| n.tags.iter().any(|t| t == "availability"))
        .expect("a tagged requirement");
    for app in TestApp::both().await {
        let be = app.backend;
        etterlev_web::demo::seed_catalogs(&app.store, &dir)
            .await
            .expect("import");
        let c = app.login(READER).await;
        let g = ok(&c, &app, "/glossary").await;
        for needle in [
            "id=\"dpia\"",
            "Databehandleravtale",
            "Helsenettet",
            "Personvernombud",
            "Internkontroll",
        ] {
            assert!(g.contains(needle), "[{be}] glossary lacks {needle}");
        }
        let page = ok(&c, &app, &format!("/catalog/{}/node/{}", normen.key(), node.id)).await;
        assert!(page.contains("href=\"/glossary#risk-assessment\""), "[{be}] {page}");
        assert!(page.contains("<abbr title=\""), "[{be}]");
        let page = ok(&c, &app, &format!("/catalog/{}/node/{}", normen.key(), tagged.id)).await;
        assert!(
            page.contains("<span class=\"tag\">Tilgjengelighet</span>"),
            "[{be}] {page}"
        );
        assert!(!page.contains(">availability<"), "[{be}] no raw tag");
        assert!(!page.contains("nis2:"), "[{be}] no raw tag");
        let list = ok(&c, &app, "/catalog").await;
        let tree = ok(&c, &app, &format!("/catalog/{}", normen.key())).await;
        let ymd: Vec<&str> = normen.date.split('-').collect();
        let nb = format!("{}.{}.{}", ymd[2], ymd[1], ymd[0]);
        assert!(list.contains(&nb) && tree.contains(&nb), "[{be}] {nb}");
        assert!(!tree.contains(&format!("Dato: {}", normen.date)), "[{be}]");
        assert!(!tree.contains(">ikke verifisert<"), "[{be}]");

        let csrf = extract_csrf(&list);
        c.post(app.url("/lang"))
            .form(&[("_csrf", csrf.as_str()), ("lang", "en"), ("next", "/glossary")])
            .send()
            .await
            .expect("lang");
        let g = ok(&c, &app, "/glossary").await;
        assert!(
            g.contains("Data processing agreement") && g.contains("Internal control"),
            "[{be}]"
        );
        assert!(!g.contains("Databehandleravtale"), "[{be}]");
    }
}

/// The wizard starts from the stored profile and writes its profile
/// answers back, keeping the conditions it does not ask about.
#[tokio::test]
async fn wizard_uses_and_updates_the_stored_profile() {
    use etterlev_core::Condition;
    let dir = etterlev_web::demo::catalog_dir().join("normen");
    let set = etterlev_catalog::load_path(&dir).expect("normen loads");
    for app in TestApp::both().await {
        let be = app.backend;
        app.store.import_catalog_set(&set, None, false).await.expect("import");
        let scope = scope_in(&app.store, EDITOR, "Solbakken legekontor").await;
        let ts = app.store.tenant(&scope);
        ts.set_conditions(&[Condition::ConnectedToHealthNetwork, Condition::UsesCloudServices])
            .await
            .expect("store");
        let c = app.login(EDITOR).await;
        let form = ok(&c, &app, "/wizard/new").await;
        assert!(
            form.contains("id=\"p-cloud-yes\" value=\"yes\" required checked"),
            "[{be}] {form}"
        );
        assert!(form.contains("id=\"p-processor-no\" value=\"no\" checked"), "[{be}]");
        let csrf = extract_csrf(&form);
        let (status, _) = post(
            &c,
            &app,
            "/wizard/new",
            &[
                ("_csrf", &csrf),
                ("cloud", "no"),
                ("processor", "yes"),
                ("home_devices", "no"),
                ("software", "no"),
            ],
        )
        .await;
        assert_eq!(status, 303, "[{be}]");
        assert_eq!(
            ts.conditions().await.expect("conditions"),
            Some(vec![Condition::UsesDataProcessors, Condition::ConnectedToHealthNetwork]),
            "[{be}] answers written back, the rest kept"
        );
        let run = ts
            .list_assessments()
            .await
            .expect("list")
            .into_iter()
            .next()
            .expect("run");
        let mut got = run.profile.conditions.clone();
        got.sort();
        assert_eq!(
            got,
            vec![Condition::UsesDataProcessors, Condition::ConnectedToHealthNetwork],
            "[{be}] the run uses the whole profile"
        );
    }
}
