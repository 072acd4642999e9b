//! The small-enterprise path over HTTP: the demo GP office answers every
//! page of the wizard on Normen, leaves halfway and resumes after a new
//! login, and ends with an action list where patient safety comes first,
//! actions made from every gap, and the one-page report as .docx and HTML.

use std::collections::HashMap;
use std::io::Read;

use etterlev_core::{GoodAnswer, OrgNumber, Priority, SizeClass, TenantKind, WizardAnswer};
use etterlev_store::{
    Actor, AssessmentKind, AssessmentProfile, NewAction, NewAssessment, NewTenant, NewUser, Store, TenantScope,
};

use crate::common::{TestApp, extract_csrf};

pub const EDITOR: &str = "redaktor@demo.etterlev.no";
pub const READER: &str = "leser@demo.etterlev.no";
pub const GP_OFFICE: &str = "Solbakken legekontor";

/// Imports Normen from the repository's `catalog/normen` (the wizard's
/// catalogue) and returns its key.
pub async fn import_normen(app: &TestApp) -> String {
    let dir = etterlev_web::demo::catalog_dir().join("normen");
    let set = etterlev_catalog::load_path(&dir).unwrap_or_else(|d| panic!("normen loads: {d:#?}"));
    app.store
        .import_catalog_set(&set, None, false)
        .await
        .expect("import normen");
    set.catalog("normen").expect("normen").key()
}

pub async fn get(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = c.get(app.url(path)).send().await.expect("get");
    let status = r.status().as_u16();
    (status, r.text().await.expect("body"))
}

pub async fn ok(c: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let (status, body) = get(c, app, path).await;
    assert_eq!(status, 200, "[{}] GET {path}: {body}", app.backend);
    body
}

/// Posts a form; returns status, Location header and body.
pub async fn post(c: &reqwest::Client, app: &TestApp, path: &str, form: &[(String, String)]) -> (u16, String, String) {
    let r = c.post(app.url(path)).form(form).send().await.expect("post");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, location, r.text().await.expect("body"))
}

pub fn s(k: &str, v: &str) -> (String, String) {
    (k.to_string(), v.to_string())
}

/// The scope of a user in the demo GP office.
pub async fn gp_scope(store: &Store, email: &str) -> TenantScope {
    let user = store.user_by_email(email).await.expect("q").expect("user");
    let gp = store
        .memberships_of(&user.id)
        .await
        .expect("memberships")
        .into_iter()
        .find(|m| m.tenant.name == GP_OFFICE)
        .expect("member of the GP office");
    store.scope(&user, &gp.tenant.id).await.expect("scope")
}

/// The question fields of a wizard page, in page order: (node id, version).
fn questions_of(html: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for part in html.split("name=\"v.").skip(1) {
        let node = part.split('"').next().unwrap_or("").to_string();
        let version = part
            .split("value=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap_or("0")
            .to_string();
        out.push((node, version));
    }
    out
}

/// Every question of the repository's Normen with its good answer and its
/// plain what-to-do title (bokmål).
fn normen_questions() -> HashMap<String, (GoodAnswer, String)> {
    let dir = etterlev_web::demo::catalog_dir().join("normen");
    let set = etterlev_catalog::load_path(&dir).unwrap_or_else(|d| panic!("normen loads: {d:#?}"));
    set.catalogs
        .iter()
        .flat_map(|c| c.nodes.iter())
        .filter_map(|n| {
            let q = n.question.as_ref()?;
            let todo = q.todo.as_ref()?;
            Some((n.id.clone(), (q.good_answer, todo.title.nb.clone())))
        })
        .collect()
}

/// The word that means "met" (`met`) or "not met" for a question.
fn meaning(good: GoodAnswer, met: bool) -> WizardAnswer {
    match (good, met) {
        (GoodAnswer::Yes, true) | (GoodAnswer::No, false) => WizardAnswer::Yes,
        (GoodAnswer::Yes, false) | (GoodAnswer::No, true) => WizardAnswer::No,
    }
}

/// What the test means for the n-th question (1-based): mostly not met, so
/// the action list is long, with some met, partly and don't know. Met and
/// not met are said with the question's own good answer.
fn answer_for(n: usize, good: GoodAnswer) -> WizardAnswer {
    match n % 5 {
        0 => meaning(good, true),
        1 => WizardAnswer::Partly,
        3 => WizardAnswer::DontKnow,
        _ => meaning(good, false),
    }
}

/// Answers the page `path` shows and posts it with `go`; returns where the
/// server sends the browser and the number of questions answered.
async fn answer_page(c: &reqwest::Client, app: &TestApp, path: &str, first: usize, go: &str) -> (String, usize) {
    let goods = normen_questions();
    answer_page_with(c, app, path, go, |i, node| {
        answer_for(first + i, goods.get(node).map_or(GoodAnswer::Yes, |g| g.0))
    })
    .await
}

/// Answers the page `path` shows with `choose(index on the page, node id)`
/// and posts it with `go`; returns where the server sends the browser and
/// the number of questions answered.
async fn answer_page_with(
    c: &reqwest::Client,
    app: &TestApp,
    path: &str,
    go: &str,
    choose: impl Fn(usize, &str) -> WizardAnswer,
) -> (String, usize) {
    let html = ok(c, app, path).await;
    let csrf = extract_csrf(&html);
    let page = path.split("page=").nth(1).unwrap_or("1").to_string();
    let mut form = vec![s("_csrf", &csrf), s("page", &page), s("go", go)];
    let qs = questions_of(&html);
    assert!(
        !qs.is_empty() && qs.len() <= 5,
        "[{}] {path}: {} questions",
        app.backend,
        qs.len()
    );
    for (i, (node, version)) in qs.iter().enumerate() {
        form.push(s(&format!("a.{node}"), choose(i, node).as_str()));
        form.push(s(&format!("v.{node}"), version));
    }
    let (status, location, body) = post(c, app, path.split('?').next().unwrap_or(path), &form).await;
    assert_eq!(status, 303, "[{}] POST {path}: {body}", app.backend);
    (location, qs.len())
}

/// Starts a wizard run with the four profile answers; returns its id.
pub async fn start_wizard(c: &reqwest::Client, app: &TestApp) -> String {
    let be = app.backend;
    let html = ok(c, app, "/wizard/new").await;
    for field in ["cloud", "processor", "home_devices", "software"] {
        assert!(
            html.contains(&format!("id=\"p-{field}-yes\"")),
            "[{be}] {field}: {html}"
        );
    }
    let csrf = extract_csrf(&html);
    // A missing answer is a clear message, nothing is created.
    let (status, _, body) = post(c, app, "/wizard/new", &[s("_csrf", &csrf), s("cloud", "yes")]).await;
    assert_eq!(status, 422, "[{be}] {body}");
    assert!(body.contains("Svar ja eller nei på alle spørsmålene."), "[{be}] {body}");
    let form = [
        s("_csrf", &csrf),
        s("cloud", "yes"),
        s("processor", "yes"),
        s("home_devices", "no"),
        s("software", "no"),
    ];
    let (status, location, body) = post(c, app, "/wizard/new", &form).await;
    assert_eq!(status, 303, "[{be}] {body}");
    let id = location
        .strip_prefix("/wizard/")
        .and_then(|r| r.strip_suffix("?page=1"))
        .unwrap_or_else(|| panic!("[{be}] redirect to the first page: {location}"))
        .to_string();
    assert_eq!(id.len(), 36, "[{be}] {location}");
    id
}

#[tokio::test]
async fn gp_office_completes_the_wizard_resumes_and_gets_a_prioritised_action_list() {
    for app in TestApp::both().await {
        let be = app.backend;
        let normen = import_normen(&app).await;
        let c = app.login(EDITOR).await;

        let start = ok(&c, &app, "/wizard").await;
        for needle in [
            "Kom i gang",
            "under 30 minutter",
            "fortsette der dere slapp",
            "id=\"wizard-start\"",
        ] {
            assert!(start.contains(needle), "[{be}] start page lacks {needle}: {start}");
        }
        assert!(!start.contains("wizard-resume-link"), "[{be}] nothing to resume yet");

        let id = start_wizard(&c, &app).await;
        let scope = gp_scope(&app.store, EDITOR).await;
        let ts = app.store.tenant(&scope);
        let a = ts.assessment(&id).await.expect("assessment");
        assert_eq!(a.kind, AssessmentKind::Wizard, "[{be}]");
        assert_eq!(a.catalog_key, normen, "[{be}]");
        assert_eq!(a.profile.kind, TenantKind::GpOffice, "[{be}]");
        assert_eq!(a.profile.size, SizeClass::Micro, "[{be}]");
        assert_eq!(
            a.profile.conditions.len(),
            2,
            "[{be}] cloud and processor: {:?}",
            a.profile
        );

        // Two pages, then "save and continue later".
        let (next, n1) = answer_page(&c, &app, &format!("/wizard/{id}?page=1"), 1, "next").await;
        assert_eq!(next, format!("/wizard/{id}?page=2"), "[{be}]");
        let page2 = ok(&c, &app, &next).await;
        let total: usize = page2
            .split("Spørsmål 6–10 av ")
            .nth(1)
            .and_then(|r| r.split(|ch: char| !ch.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("[{be}] progress on page 2: {page2}"));
        assert!((20..=30).contains(&total), "[{be}] {total} questions");
        for needle in [
            "<fieldset",
            "<legend>",
            "<details",
            "Vet ikke",
            "Delvis",
            "type=\"radio\"",
        ] {
            assert!(page2.contains(needle), "[{be}] page 2 lacks {needle}");
        }
        let (exit, n2) = answer_page(&c, &app, &next, 1 + n1, "exit").await;
        assert_eq!(exit, "/wizard?notice=saved", "[{be}]");
        assert_eq!(
            ts.answers(&id).await.expect("answers").len(),
            n1 + n2,
            "[{be}] saved per page"
        );

        // A new login finds the run and continues at the first unanswered question.
        let c = app.login(EDITOR).await;
        let start = ok(&c, &app, "/wizard").await;
        assert!(start.contains("Fortsett der du slapp"), "[{be}] {start}");
        assert!(
            start.contains(&format!("href=\"/wizard/{id}\" id=\"wizard-resume-link\"")),
            "[{be}] {start}"
        );
        let resumed = ok(&c, &app, &format!("/wizard/{id}")).await;
        assert!(
            resumed.contains(&format!("Spørsmål 11–15 av {total}")),
            "[{be}] {resumed}"
        );
        // Already answered pages show the saved answers.
        let back = ok(&c, &app, &format!("/wizard/{id}?page=1")).await;
        assert!(back.contains("value=\"partly\" checked"), "[{be}] first answer is kept");

        let mut answered = n1 + n2;
        let mut page = 3;
        let result = loop {
            let (next, n) = answer_page(&c, &app, &format!("/wizard/{id}?page={page}"), answered + 1, "next").await;
            answered += n;
            if next.ends_with("/result") {
                break next;
            }
            page += 1;
            assert_eq!(next, format!("/wizard/{id}?page={page}"), "[{be}]");
        };
        assert_eq!(answered, total, "[{be}]");
        // Jargon in the questions (DPIA, personvernombud …) links to the glossary.
        let mut glossary_links = 0;
        for p in 1..=page {
            glossary_links += ok(&c, &app, &format!("/wizard/{id}?page={p}"))
                .await
                .matches("href=\"/glossary#")
                .count();
        }
        assert!(glossary_links > 0, "[{be}] no glossary link on any wizard page");
        let answers = ts.answers(&id).await.expect("answers");
        assert_eq!(answers.len(), total, "[{be}]");
        assert!(answers.iter().all(|x| x.wizard_answer.is_some()), "[{be}]");
        let goods = normen_questions();
        for x in &answers {
            let w = x.wizard_answer.expect("wizard answer");
            assert_eq!(x.status, w.status(goods[&x.node_id].0), "[{be}] {}", x.node_id);
        }
        // Resuming a finished run shows the result.
        let r = c.get(app.url(&format!("/wizard/{id}"))).send().await.expect("get");
        assert_eq!(r.status(), 303, "[{be}]");

        let html = ok(&c, &app, &result).await;
        let gaps: Vec<&str> = html
            .split("class=\"gap priority-")
            .skip(1)
            .map(|p| p.split('"').next().unwrap_or(""))
            .collect();
        let expected_gaps = (1..=total).filter(|n| n % 5 != 0).count();
        // At most ten come first; the rest are grouped as "later".
        let focus = expected_gaps.min(10);
        assert!(expected_gaps > 10, "[{be}] the test needs more than ten gaps");
        assert_eq!(gaps.len(), focus, "[{be}] {html}");
        let later = html
            .split("id=\"later-list\"")
            .nth(1)
            .and_then(|r| r.split("</ul>").next())
            .unwrap_or_else(|| panic!("[{be}] a later list: {html}"));
        assert_eq!(later.matches("<li ").count(), expected_gaps - focus, "[{be}] {later}");
        assert!(html.contains(&format!("Senere ({})", expected_gaps - focus)), "[{be}]");
        let ranks: Vec<u8> = gaps
            .iter()
            .map(|p| {
                Priority::parse(p)
                    .unwrap_or_else(|| panic!("[{be}] priority {p}"))
                    .rank()
            })
            .collect();
        assert_eq!(gaps[0], "patient_safety", "[{be}] patient safety first: {gaps:?}");
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "[{be}] ordered: {gaps:?}");
        for needle in [
            "Dette bør dere gjøre",
            "Hva dere kan gjøre",
            "id=\"create-actions\"",
            "id=\"report-docx\"",
            &format!("href=\"/catalog/{normen}/node/"),
        ] {
            assert!(html.contains(needle), "[{be}] result lacks {needle}");
        }

        // The owner and due date set on an answer in the full view go with
        // the action made from it.
        let first_gap = html
            .split("class=\"gap priority-")
            .nth(1)
            .and_then(|r| r.split("/node/").nth(1))
            .and_then(|r| r.split('"').next())
            .unwrap_or_else(|| panic!("[{be}] first gap's node"))
            .to_string();
        let stored = ts
            .answers(&id)
            .await
            .expect("answers")
            .into_iter()
            .find(|x| x.node_id == first_gap)
            .expect("first gap's answer");
        let mut input = stored.input();
        input.owner = Some("Kari Kontorleder".into());
        input.due_date = Some("2027-03-01".into());
        ts.save_answer(&id, &first_gap, input, stored.version)
            .await
            .expect("owner and due date");

        // One click makes an action of each of the first ten gaps, in
        // priority order, in plain words; again makes none.
        let csrf = extract_csrf(&html);
        for _ in 0..2 {
            let (status, location, _) = post(&c, &app, &format!("/wizard/{id}/actions"), &[s("_csrf", &csrf)]).await;
            assert_eq!(status, 303, "[{be}]");
            assert_eq!(
                location,
                format!("/wizard/{id}/result?notice=actions-created"),
                "[{be}]"
            );
        }
        let actions = ts.actions(Some(&id)).await.expect("actions");
        assert_eq!(actions.len(), focus, "[{be}]");
        assert_eq!(actions[0].priority, Priority::PatientSafety, "[{be}]");
        for a in &actions {
            let node = a.node_id.as_deref().expect("node");
            assert_eq!(a.title, goods[node].1, "[{be}] the action is the question's what-to-do");
        }
        let taken = actions
            .iter()
            .find(|a| a.node_id.as_deref() == Some(first_gap.as_str()))
            .expect("action for the first gap");
        assert_eq!(taken.owner.as_deref(), Some("Kari Kontorleder"), "[{be}]");
        assert_eq!(taken.deadline.as_deref(), Some("2027-03-01"), "[{be}]");
        assert!(
            actions
                .iter()
                .all(|x| x.node_id.is_some() && x.catalog_key.as_deref() == Some(normen.as_str()))
        );
        let html = ok(&c, &app, &result).await;
        assert!(!html.contains("id=\"create-actions\""), "[{be}] nothing left to create");
        assert_eq!(html.matches("class=\"action-link\"").count(), focus, "[{be}]");
        let list = ok(&c, &app, &format!("/actions?assessment={id}")).await;
        assert_eq!(list.matches("<tr class=\"priority-").count(), focus, "[{be}]");

        // The one-page report: .docx with the enterprise and the actions, and HTML.
        let r = c
            .get(app.url(&format!("/wizard/{id}/report.docx")))
            .send()
            .await
            .expect("docx");
        assert_eq!(r.status(), 200, "[{be}]");
        assert_eq!(
            r.headers().get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            "[{be}]"
        );
        assert!(
            r.headers()
                .get("content-disposition")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("attachment; filename=\"tiltaksliste-")),
            "[{be}]"
        );
        let bytes = r.bytes().await.expect("bytes");
        let xml = document_xml(&bytes);
        assert!(xml.contains(GP_OFFICE), "[{be}] the report names the enterprise");
        assert!(xml.contains(&actions[0].title), "[{be}] the report lists the actions");
        let (status, page) = get(&c, &app, &format!("/wizard/{id}/report")).await;
        assert_eq!(status, 200, "[{be}]");
        assert!(page.contains(GP_OFFICE) && page.contains(&actions[0].title), "[{be}]");
    }
}

/// `word/document.xml` of a .docx.
pub fn document_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a .docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("utf-8");
    xml
}

#[tokio::test]
async fn readers_see_but_cannot_answer_and_other_tenants_get_404() {
    for app in TestApp::both().await {
        let be = app.backend;
        import_normen(&app).await;
        let editor = app.login(EDITOR).await;
        let id = start_wizard(&editor, &app).await;

        let reader = app.login(READER).await;
        let start = ok(&reader, &app, "/wizard").await;
        assert!(start.contains("id=\"wizard-read-only\""), "[{be}] {start}");
        assert!(!start.contains("id=\"wizard-start\""), "[{be}]");
        assert_eq!(get(&reader, &app, "/wizard/new").await.0, 403, "[{be}]");
        let page = ok(&reader, &app, &format!("/wizard/{id}?page=1")).await;
        assert!(page.contains(" disabled>"), "[{be}] radios are disabled for readers");
        assert!(!page.contains("id=\"wizard-next\""), "[{be}]");
        let csrf = extract_csrf(&page);
        let node = questions_of(&page)[0].0.clone();
        let form = [
            s("_csrf", &csrf),
            s("page", "1"),
            s(&format!("a.{node}"), "yes"),
            s(&format!("v.{node}"), "0"),
        ];
        assert_eq!(
            post(&reader, &app, &format!("/wizard/{id}"), &form).await.0,
            403,
            "[{be}]"
        );
        let profile = [
            s("_csrf", &csrf),
            s("cloud", "no"),
            s("processor", "no"),
            s("home_devices", "no"),
            s("software", "no"),
        ];
        assert_eq!(post(&reader, &app, "/wizard/new", &profile).await.0, 403, "[{be}]");
        let half = [s("_csrf", &csrf), s("cloud", "no")];
        assert_eq!(post(&reader, &app, "/wizard/new", &half).await.0, 403, "[{be}]");
        assert_eq!(
            post(&reader, &app, &format!("/wizard/{id}/actions"), &[s("_csrf", &csrf)])
                .await
                .0,
            403,
            "[{be}]"
        );
        let scope = gp_scope(&app.store, EDITOR).await;
        assert!(
            app.store.tenant(&scope).answers(&id).await.expect("a").is_empty(),
            "[{be}]"
        );

        // Bad input: unknown answers and pages are clear errors, nothing saved.
        let html = ok(&editor, &app, &format!("/wizard/{id}?page=1")).await;
        let csrf = extract_csrf(&html);
        let bad = [s("_csrf", &csrf), s("page", "1"), s(&format!("a.{node}"), "maybe")];
        assert_eq!(
            post(&editor, &app, &format!("/wizard/{id}"), &bad).await.0,
            400,
            "[{be}]"
        );
        let bad = [s("_csrf", &csrf), s("page", "99"), s(&format!("a.{node}"), "yes")];
        assert_eq!(
            post(&editor, &app, &format!("/wizard/{id}"), &bad).await.0,
            400,
            "[{be}]"
        );
        assert_eq!(
            get(&editor, &app, &format!("/wizard/{id}?page=99")).await.0,
            404,
            "[{be}]"
        );
        assert!(
            app.store.tenant(&scope).answers(&id).await.expect("a").is_empty(),
            "[{be}]"
        );

        // A stale version: the second writer keeps their choice and sees the stored one.
        let form = [
            s("_csrf", &csrf),
            s("page", "1"),
            s("go", "next"),
            s(&format!("a.{node}"), "yes"),
            s(&format!("v.{node}"), "0"),
        ];
        assert_eq!(
            post(&editor, &app, &format!("/wizard/{id}"), &form).await.0,
            303,
            "[{be}]"
        );
        let stale = [
            s("_csrf", &csrf),
            s("page", "1"),
            s("go", "next"),
            s(&format!("a.{node}"), "no"),
            s(&format!("v.{node}"), "0"),
        ];
        let (status, _, body) = post(&editor, &app, &format!("/wizard/{id}"), &stale).await;
        assert_eq!(status, 409, "[{be}] {body}");
        assert!(
            body.contains("«Ja»") && body.contains("value=\"no\" checked"),
            "[{be}] {body}"
        );
        assert!(
            body.contains(&format!("name=\"v.{node}\" value=\"1\"")),
            "[{be}] {body}"
        );

        // Tenant B's wizard run and a full assessment are 404 on every wizard route.
        let b_run = other_tenant_wizard(&app.store).await;
        let full = app
            .store
            .tenant(&scope)
            .create_assessment(NewAssessment {
                kind: AssessmentKind::Full,
                ..new_assessment(&scope, "Full")
            })
            .await
            .expect("full");
        let admin = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        for run in [b_run.as_str(), full.id.as_str(), "not-an-id"] {
            for path in [
                format!("/wizard/{run}"),
                format!("/wizard/{run}?page=1"),
                format!("/wizard/{run}/result"),
                format!("/wizard/{run}/report"),
                format!("/wizard/{run}/report.docx"),
            ] {
                assert_eq!(get(&admin, &app, &path).await.0, 404, "[{be}] GET {path}");
            }
            let html = ok(&admin, &app, "/wizard").await;
            let csrf = extract_csrf(&html);
            for path in [format!("/wizard/{run}"), format!("/wizard/{run}/actions")] {
                let form = [s("_csrf", &csrf), s("page", "1")];
                assert_eq!(post(&admin, &app, &path, &form).await.0, 404, "[{be}] POST {path}");
            }
        }
    }
}

pub fn new_assessment(scope: &TenantScope, title: &str) -> NewAssessment {
    let _ = scope;
    NewAssessment {
        catalog_key: "normen@6.0-r2".into(),
        title: title.into(),
        kind: AssessmentKind::Wizard,
        owner: None,
        period_start: None,
        period_end: None,
        profile: AssessmentProfile {
            kind: TenantKind::GpOffice,
            size: SizeClass::Micro,
            conditions: vec![],
        },
        start_from: None,
    }
}

/// Tenant B with its own admin: a wizard run on Normen with an action.
/// Returns the run's id.
pub async fn other_tenant_wizard(store: &Store) -> String {
    let (_, _, run, _) = other_tenant(store).await;
    run
}

/// Tenant B: (tenant id, admin's scope, wizard run id, action id).
pub async fn other_tenant(store: &Store) -> (String, TenantScope, String, String) {
    let admin = NewUser {
        email: format!("admin-{}@b.example.no", uuid::Uuid::new_v4().simple()),
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
    let run = tb
        .create_assessment(new_assessment(&scope, "B"))
        .await
        .expect("B's wizard run");
    let action = tb
        .create_action(NewAction {
            title: "B's action".into(),
            description: None,
            assessment_id: Some(run.id.clone()),
            node_id: None,
            owner: None,
            deadline: Some("2020-01-01".into()),
            priority: Priority::High,
        })
        .await
        .expect("B's action");
    (t.id, scope, run.id, action.id)
}

/// Runs the whole wizard with `choose(node id)` and returns the result page.
async fn run_wizard_with(c: &reqwest::Client, app: &TestApp, choose: impl Fn(&str) -> WizardAnswer) -> String {
    let id = start_wizard(c, app).await;
    let mut page = 1;
    loop {
        let path = format!("/wizard/{id}?page={page}");
        let (next, _) = answer_page_with(c, app, &path, "next", |_, node| choose(node)).await;
        if next.ends_with("/result") {
            return ok(c, app, &next).await;
        }
        page += 1;
        assert!(page < 20, "[{}] the wizard ends", app.backend);
    }
}

/// The gaps on a result page (focus and later), as node ids.
fn gap_nodes(html: &str) -> Vec<String> {
    let focus = html
        .split("class=\"gap priority-")
        .skip(1)
        .filter_map(|p| p.split("/node/").nth(1)?.split('"').next().map(str::to_owned));
    let later = html
        .split("id=\"later-list\"")
        .nth(1)
        .and_then(|r| r.split("</ul>").next())
        .unwrap_or("")
        .split("node=")
        .skip(1)
        .filter_map(|p| p.split('"').next().map(str::to_owned));
    focus.chain(later).collect()
}

/// Every question answered both ways: the good answer (yes, or no where the
/// question asks about a risk, such as patients seeing other people's
/// screens) is never a gap, the other one always is. "Yes" to everything is
/// not a clean sheet, because some questions are asked the other way round.
#[tokio::test]
async fn every_question_is_scored_by_its_good_answer() {
    let goods = normen_questions();
    let no_is_good: Vec<&String> = goods
        .iter()
        .filter(|(_, g)| g.0 == GoodAnswer::No)
        .map(|(n, _)| n)
        .collect();
    assert!(!no_is_good.is_empty(), "some question asks about a risk");
    for app in TestApp::both().await {
        let be = app.backend;
        import_normen(&app).await;
        let c = app.login(EDITOR).await;

        let all_good = run_wizard_with(&c, &app, |node| meaning(goods[node].0, true)).await;
        assert!(all_good.contains("id=\"no-gaps\""), "[{be}] all good: {all_good}");
        assert!(gap_nodes(&all_good).is_empty(), "[{be}]");

        let all_bad = run_wizard_with(&c, &app, |node| meaning(goods[node].0, false)).await;
        let asked = all_bad
            .split("id=\"wizard-summary\">")
            .nth(1)
            .and_then(|r| r.split(" av ").nth(1))
            .and_then(|r| r.split(' ').next())
            .unwrap_or("");
        let bad_gaps = gap_nodes(&all_bad);
        assert_eq!(
            bad_gaps.len().to_string(),
            asked,
            "[{be}] every question is a gap: {all_bad}"
        );

        let all_yes = run_wizard_with(&c, &app, |_| WizardAnswer::Yes).await;
        let yes_gaps = gap_nodes(&all_yes);
        let asked_no_good: Vec<&String> = no_is_good.iter().copied().filter(|n| bad_gaps.contains(n)).collect();
        assert!(
            !asked_no_good.is_empty(),
            "[{be}] the GP office is asked a risk question"
        );
        let mut expected: Vec<String> = asked_no_good.iter().map(|n| n.to_string()).collect();
        expected.sort();
        let mut got = yes_gaps.clone();
        got.sort();
        assert_eq!(
            got, expected,
            "[{be}] yes to everything leaves exactly the risk questions"
        );
        assert!(!all_yes.contains("id=\"no-gaps\""), "[{be}]");
    }
}
