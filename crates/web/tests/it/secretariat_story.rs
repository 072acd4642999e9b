//! The secretariat as its users meet it: a secretariat user without an
//! enterprise lands on the secretariat and sees only what they can use; the
//! demo tells one consistent story on any day; a comment from an
//! organisation that was not yet at the meeting is refused with a message in
//! the user's language; the meeting page reads as an agenda with an edit
//! mode per case; the statistics explain k and write "58,0 %" in bokmål.

use etterlev_core::TenantKind;
use etterlev_core::secretariat::{AttendanceStatus, CaseKind, DocumentStatus, MemberRole, revision_overdue};
use etterlev_store::{AttendanceInput, CaseInput, MeetingInput, SeatInput, Store, StoreError};

use crate::common::secretariat::{SEC_EMAIL, enterprises, normen_requirements, secretariat_user};
use crate::common::{DEMO_PASSWORD, TestApp};

const DEMO_SEC: &str = etterlev_web::demo::secretariat::SECRETARIAT_EMAIL;

async fn body(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.expect("get");
    let status = r.status().as_u16();
    (status, r.text().await.expect("body"))
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The side menu of a page (between `<nav class="side"` and `</nav>`).
fn side_menu(html: &str) -> &str {
    let start = html.find("<nav class=\"side\"").unwrap_or(html.len());
    let rest = &html[start..];
    &rest[..rest.find("</nav>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn a_secretariat_user_without_enterprise_lands_on_the_secretariat() {
    for app in TestApp::both().await {
        let be = app.backend;
        secretariat_user(&app).await;
        let sec = app.login(SEC_EMAIL).await;
        let r = sec.get(app.url("/")).send().await.expect("home");
        assert_eq!(r.status(), 303, "[{be}] / sends the secretariat home");
        assert_eq!(location(&r), "/secretariat", "[{be}]");
        let (status, page) = body(&sec, &app, "/secretariat").await;
        assert_eq!(status, 200, "[{be}]");
        let menu = side_menu(&page);
        assert!(menu.contains("id=\"nav-secretariat\""), "[{be}] {menu}");
        for tenant_only in ["/assessments", "/wizard", "/actions", "/testdata", "/modules/"] {
            assert!(
                !menu.contains(&format!("href=\"{tenant_only}")),
                "[{be}] {tenant_only} in the menu of a user without enterprise"
            );
        }
        // An enterprise page asked for anyway: a page in the user's layout
        // that says why, in the user's language, with the way back.
        for path in ["/assessments", "/actions", "/wizard", "/testdata"] {
            let (status, page) = body(&sec, &app, path).await;
            assert_eq!(status, 404, "[{be}] {path}");
            assert!(page.contains("id=\"no-tenant\""), "[{be}] {path}: {page}");
            assert!(page.contains("Siden gjelder en virksomhet"), "[{be}] {path}");
            assert!(
                side_menu(&page).contains("id=\"nav-secretariat\""),
                "[{be}] {path} keeps the menu"
            );
            assert!(page.contains("id=\"no-tenant-secretariat\""), "[{be}] {path}");
        }
        // An enterprise admin keeps the enterprise's menu.
        let admin = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let (_, home) = body(&admin, &app, "/").await;
        assert!(side_menu(&home).contains("href=\"/assessments\""), "[{be}]");
    }
}

/// The demo's story, checked against the day it is seeded: one overdue
/// revision (as the README says), a withdrawn fact sheet without a next
/// revision date and a plan item that follows the decision, decisions on
/// every case of the past meeting, and no comment from an organisation that
/// was not there yet.
async fn check_story(store: &Store, today: &str, what: &str) {
    let user = store.user_by_email(DEMO_SEC).await.expect("q").expect("user");
    let s = store.secretariat(&user).expect("secretariat");
    let docs = s.documents().await.expect("documents");
    let overdue: Vec<_> = docs
        .iter()
        .filter(|d| revision_overdue(d.status, d.next_revision.as_deref(), today))
        .collect();
    assert_eq!(overdue.len(), 1, "[{what}] exactly one overdue revision: {overdue:?}");
    assert_eq!(overdue[0].status, DocumentStatus::DueForRevision, "[{what}]");
    for d in docs.iter().filter(|d| d.status == DocumentStatus::Withdrawn) {
        assert_eq!(
            d.next_revision, None,
            "[{what}] withdrawn {} has a revision date",
            d.title
        );
    }
    let fa31 = docs
        .iter()
        .find(|d| d.number.as_deref() == Some("31"))
        .expect("fact sheet 31");
    assert_eq!(fa31.status, DocumentStatus::Withdrawn, "[{what}]");
    let meetings = s.meetings().await.expect("meetings");
    assert_eq!(meetings.len(), 1, "[{what}]");
    let m = &meetings[0];
    assert!(
        m.meeting_date.as_str() < today,
        "[{what}] the meeting is over: {}",
        m.meeting_date
    );
    let cases = s.cases(&m.id).await.expect("cases");
    assert_eq!(cases.len(), 2, "[{what}]");
    for c in &cases {
        assert!(
            c.decision.as_deref().is_some_and(|d| !d.trim().is_empty()),
            "[{what}] case {} of a past meeting has no decision",
            c.number
        );
    }
    let withdrawing = cases
        .iter()
        .find(|c| c.decided_status == Some(DocumentStatus::Withdrawn))
        .expect("the case that withdrew fact sheet 31");
    let attendance = s.attendance(&m.id).await.expect("attendance");
    let comments = s.comments(&m.id).await.expect("comments");
    assert!(!comments.is_empty(), "[{what}]");
    for k in &comments {
        let case = cases.iter().find(|c| c.id == k.case_id).expect("case");
        let starts = case
            .time_slot
            .as_deref()
            .and_then(etterlev_core::secretariat::slot_start)
            .expect("time slot");
        let a = attendance
            .iter()
            .find(|a| a.organisation_id == k.organisation_id)
            .expect("commenter on the attendance list");
        assert!(
            etterlev_core::secretariat::present_at(a.status, a.present_from.as_deref(), starts),
            "[{what}] {} comments on {} at {starts} but attends {:?} {:?}",
            a.organisation_name,
            case.number,
            a.status,
            a.present_from
        );
    }
    let year: i64 = today[..4].parse().expect("year");
    let items = s.plan_items(year).await.expect("plan");
    let item = items
        .iter()
        .find(|i| i.document_id.as_deref() == Some(fa31.id.as_str()))
        .expect("a plan item for fact sheet 31 this year");
    assert_eq!(item.case_id.as_deref(), Some(withdrawing.id.as_str()), "[{what}]");
    assert_ne!(item.status, etterlev_core::secretariat::PlanStatus::Done, "[{what}]");
    let fa20a = docs
        .iter()
        .find(|d| d.number.as_deref() == Some("20a"))
        .expect("fact sheet 20a");
    for c in s.consultations(&fa20a.id).await.expect("consultations") {
        assert!(
            c.opens.as_str() <= today && today <= c.closes.as_str(),
            "[{what}] open consultation"
        );
        for k in c.comments {
            assert!(k.received_on.as_str() <= today, "[{what}] a comment from the future");
        }
    }
}

#[tokio::test]
async fn the_demo_secretariat_story_holds_on_any_day() {
    let hash = etterlev_auth::hash_password(DEMO_PASSWORD).expect("hash");
    for day in ["2027-01-05", "2026-12-31", "2030-07-15"] {
        let (store, _dir) = crate::common::sqlite_store().await;
        let today: jiff::civil::Date = day.parse().expect("date");
        assert!(
            etterlev_web::demo::secretariat::seed_on(&store, None, &hash, today)
                .await
                .expect("seed")
        );
        check_story(&store, day, day).await;
    }
    for app in TestApp::both().await {
        let be = app.backend;
        assert!(
            etterlev_web::demo::secretariat::seed(&app.store, None, &hash)
                .await
                .expect("seed")
        );
        let oslo = jiff::tz::TimeZone::get("Europe/Oslo").expect("tz");
        let today = jiff::Timestamp::now().to_zoned(oslo).date().to_string();
        check_story(&app.store, &today, be).await;
        // A withdrawn document cannot be given a next revision date.
        let user = app.store.user_by_email(DEMO_SEC).await.expect("q").expect("user");
        let s = app.store.secretariat(&user).expect("secretariat");
        let docs = s.documents().await.expect("documents");
        let fa31 = docs.iter().find(|d| d.number.as_deref() == Some("31")).expect("31");
        let refused = s
            .update_document(
                &fa31.id,
                &etterlev_store::DocumentInput {
                    kind: fa31.kind,
                    number: fa31.number.clone(),
                    title: fa31.title.clone(),
                    doc_version: fa31.doc_version.clone(),
                    status: DocumentStatus::Withdrawn,
                    owner: fa31.owner.clone(),
                    working_group: fa31.working_group.clone(),
                    catalog_key: fa31.catalog_key.clone(),
                    published_on: fa31.published_on.clone(),
                    next_revision: Some("2030-01-01".into()),
                },
                fa31.version,
                None,
            )
            .await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "[{be}] {refused:?}");
        // The overview lists the one overdue revision; the minutes have a
        // decision for every case.
        let sec = app.login(DEMO_SEC).await;
        let (_, home) = body(&sec, &app, "/secretariat").await;
        let list = home.split("id=\"overdue-revisions\"").nth(1).unwrap_or("");
        let list = list.split("</ul>").next().unwrap_or("");
        assert_eq!(list.matches("<li>").count(), 1, "[{be}] {list}");
        let meeting = home
            .split("href=\"/secretariat/meetings/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("meeting link")
            .to_string();
        let (_, minutes) = body(&sec, &app, &format!("/secretariat/meetings/{meeting}/minutes.html")).await;
        assert!(!minutes.contains("Ikke behandlet"), "[{be}]");
        assert!(!minutes.contains("Ingen vedtak er registrert"), "[{be}]");
        assert!(minutes.contains("Til stede fra 10:15"), "[{be}]");
    }
}

struct Fixture {
    meeting: String,
    early_case: String,
    late_case: String,
    ks: String,
}

/// A meeting where KS arrives at 11:30, a case from 10:30 and one from 11:30.
async fn late_arrival(app: &TestApp) -> Fixture {
    secretariat_user(app).await;
    let user = app.store.user_by_email(SEC_EMAIL).await.expect("q").expect("user");
    let s = app.store.secretariat(&user).expect("secretariat");
    let ks = s.create_organisation("KS", None).await.expect("org");
    s.add_seat(&SeatInput {
        organisation_id: ks.id.clone(),
        role: MemberRole::Member,
        valid_from: "2022-01-01".into(),
        valid_to: None,
        representative: None,
        deputy: None,
    })
    .await
    .expect("seat");
    let m = s
        .create_meeting(&MeetingInput {
            title: "Styringsgruppemøte".into(),
            meeting_date: "2026-06-11".into(),
            starts: Some("10:00".into()),
            ends: Some("15:00".into()),
            place: None,
        })
        .await
        .expect("meeting");
    s.set_attendance(
        &m.id,
        &[AttendanceInput {
            organisation_id: ks.id.clone(),
            person: None,
            status: AttendanceStatus::PresentFrom,
            present_from: Some("11:30".into()),
        }],
    )
    .await
    .expect("attendance");
    let case = |title: &str, slot: &str| CaseInput {
        number: None,
        kind: CaseKind::Discussion,
        title: title.into(),
        time_slot: Some(slot.into()),
        presenter: None,
        background: None,
        proposal: None,
        document_id: None,
        proposed_status: None,
    };
    let early = s
        .add_case(&m.id, &case("Faktaark 31", "10:30–11:15"))
        .await
        .expect("case");
    let late = s
        .add_case(&m.id, &case("Skyveilederen", "11:30–12:00"))
        .await
        .expect("case");
    Fixture {
        meeting: m.id,
        early_case: early.id,
        late_case: late.id,
        ks: ks.id,
    }
}

#[tokio::test]
async fn a_comment_from_an_organisation_not_yet_present_is_refused() {
    for app in TestApp::both().await {
        let be = app.backend;
        let f = late_arrival(&app).await;
        let sec = app.login(SEC_EMAIL).await;
        let csrf = app.csrf(&sec).await;
        let comment = |case: &str, text: &'static str| {
            sec.post(app.url(&format!("/secretariat/meetings/{}/cases/{case}/comments", f.meeting)))
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("organisation_id", f.ks.as_str()),
                    ("comment", text),
                ])
                .send()
        };
        let r = comment(&f.early_case, "KS ønsker tydeligere råd.").await.expect("post");
        assert_eq!(r.status(), 400, "[{be}] KS was not there at 10:30");
        let page = r.text().await.expect("body");
        assert!(
            page.contains("KS kom 11:30 ifølge oppmøtelisten, men sak 01/26 startet 10:30"),
            "[{be}] translated refusal: {page}"
        );
        assert!(
            page.contains(">KS ønsker tydeligere råd.</textarea>"),
            "[{be}] the input is kept"
        );
        let user = app.store.user_by_email(SEC_EMAIL).await.expect("q").expect("user");
        let s = app.store.secretariat(&user).expect("secretariat");
        assert!(
            s.comments(&f.meeting).await.expect("comments").is_empty(),
            "[{be}] nothing saved"
        );
        // The store refuses it for every caller, typed.
        let e = s.add_comment(&f.early_case, &f.ks, "Via the store").await;
        assert!(matches!(e, Err(StoreError::NotPresent { .. })), "[{be}] {e:?}");

        let r = comment(&f.late_case, "KS støtter forslaget.").await.expect("post");
        assert_eq!(r.status(), 303, "[{be}] KS was there at 11:30");

        // Neither can the attendance or the case's time be changed so that
        // the recorded comment comes before the organisation arrived.
        let r = sec
            .post(app.url(&format!("/secretariat/meetings/{}/attendance", f.meeting)))
            .form(&[
                ("_csrf", csrf.as_str()),
                (&format!("status_{}", f.ks), "present_from"),
                (&format!("from_{}", f.ks), "12:00"),
                (&format!("person_{}", f.ks), "Kari"),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 400, "[{be}]");
        let page = r.text().await.expect("body");
        assert!(page.contains("KS kom 12:00"), "[{be}] {page}");
        assert!(
            page.contains("value=\"12:00\""),
            "[{be}] the attendance form keeps the input"
        );
        let attendance = s.attendance(&f.meeting).await.expect("attendance");
        assert_eq!(attendance[0].present_from.as_deref(), Some("11:30"), "[{be}] unchanged");
        let moved = s
            .update_case(
                &f.meeting,
                &f.late_case,
                &CaseInput {
                    number: None,
                    kind: CaseKind::Discussion,
                    title: "Skyveilederen".into(),
                    time_slot: Some("11:00–11:30".into()),
                    presenter: None,
                    background: None,
                    proposal: None,
                    document_id: None,
                    proposed_status: None,
                },
            )
            .await;
        assert!(matches!(moved, Err(StoreError::NotPresent { .. })), "[{be}] {moved:?}");
        // The API says why, too.
        let token = app.api_token(SEC_EMAIL).await;
        let r = reqwest::Client::new()
            .post(app.url(&format!(
                "/api/v1/secretariat/meetings/{}/cases/{}/comments",
                f.meeting, f.early_case
            )))
            .bearer_auth(&token)
            .json(&serde_json::json!({"organisation_id": f.ks, "comment": "Via API"}))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 422, "[{be}]");
    }
}

/// Every form field has a label tied to it by `for`/`id`, and no field has a
/// placeholder that could pass for an entered value.
fn assert_fields_labelled(page: &str, what: &str) {
    assert!(!page.contains("placeholder="), "[{what}] placeholder on the page");
    let mut rest = page;
    while let Some(i) = rest.find(['<']) {
        rest = &rest[i + 1..];
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..tag_end];
        let is_field = ["input ", "select ", "textarea "].iter().any(|t| tag.starts_with(t));
        if !is_field || tag.contains("type=\"hidden\"") || tag.contains("type=\"submit\"") {
            continue;
        }
        let id = tag
            .split("id=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("[{what}] field without id: <{tag}>"));
        assert!(
            page.contains(&format!("<label for=\"{id}\"")) || page.contains(&format!("for=\"{id}\">")),
            "[{what}] no label for {id}"
        );
    }
}

#[tokio::test]
async fn the_meeting_reads_as_an_agenda_with_an_edit_mode_per_case() {
    for app in TestApp::both().await {
        let be = app.backend;
        let f = late_arrival(&app).await;
        let sec = app.login(SEC_EMAIL).await;
        let path = format!("/secretariat/meetings/{}", f.meeting);
        let (status, page) = body(&sec, &app, &path).await;
        assert_eq!(status, 200, "[{be}]");
        assert!(page.contains("id=\"agenda-list\""), "[{be}]");
        let first = page.find("data-number=\"01/26\"").expect("case 01/26");
        let second = page.find("data-number=\"02/26\"").expect("case 02/26");
        assert!(first < second, "[{be}] cases in order");
        assert!(page.contains("Ikke vedtatt ennå."), "[{be}]");
        assert!(page.contains("Til stede fra 11:30"), "[{be}] attendance as text");
        for form in ["case-edit-form", "comment-form", "decision-form", "attendance-form"] {
            assert!(!page.contains(form), "[{be}] {form} in reading mode");
        }
        assert!(page.contains(&format!("?edit={}", f.early_case)), "[{be}] edit link");
        assert_fields_labelled(&page, be);

        let (_, editing) = body(&sec, &app, &format!("{path}?edit={}", f.early_case)).await;
        assert_eq!(
            editing.matches("class=\"case-edit-form").count(),
            1,
            "[{be}] one case open"
        );
        assert!(
            editing.contains(&format!("action=\"{path}/cases/{}\"", f.early_case)),
            "[{be}] the open case's form"
        );
        assert!(
            !editing.contains(&format!("action=\"{path}/cases/{}\"", f.late_case)),
            "[{be}]"
        );
        assert_fields_labelled(&editing, be);
        let (_, attendance) = body(&sec, &app, &format!("{path}?edit=attendance")).await;
        assert!(attendance.contains("id=\"attendance-form\""), "[{be}]");
        assert_fields_labelled(&attendance, be);
        let (_, meetings) = body(&sec, &app, "/secretariat/meetings").await;
        assert_fields_labelled(&meetings, be);
        // A bogus edit target just shows the agenda.
        let (status, _) = body(&sec, &app, &format!("{path}?edit=nonsense")).await;
        assert_eq!(status, 200, "[{be}]");
    }
}

/// Whether the text has a percentage like "58,0 %" with `sep` before the
/// one decimal.
fn has_percent(text: &str, sep: char) -> bool {
    text.match_indices(" %").any(|(i, _)| {
        let b: Vec<char> = text[..i].chars().rev().take(3).collect();
        b.len() == 3 && b[0].is_ascii_digit() && b[1] == sep && b[2].is_ascii_digit()
    })
}

#[tokio::test]
async fn statistics_explain_k_and_write_a_decimal_comma_in_bokmal() {
    for app in TestApp::both().await {
        let be = app.backend;
        let (set, requirements) = normen_requirements();
        app.store
            .import_catalog_set(&set, None, false)
            .await
            .expect("import normen");
        // Five GP offices with a mean of 58 %, four dentists (hidden).
        enterprises(&app.store, &requirements, TenantKind::GpOffice, 1, &[2, 5, 6, 7, 9]).await;
        enterprises(&app.store, &requirements, TenantKind::Dentist, 20, &[1, 3, 5, 7]).await;
        secretariat_user(&app).await;
        let sec = app.login(SEC_EMAIL).await;
        let (_, page) = body(&sec, &app, "/secretariat/statistics").await;
        assert!(page.contains("id=\"k-explain\""), "[{be}]");
        assert!(page.contains("k er det minste antallet virksomheter"), "[{be}]");
        assert!(page.contains("id=\"stat-legend\""), "[{be}]");
        let table = page.split("id=\"statistics\"").nth(1).unwrap_or("");
        let table = table.split("</table>").next().unwrap_or("");
        assert!(has_percent(table, ','), "[{be}] decimal comma: {table}");
        assert!(!has_percent(table, '.'), "[{be}] no decimal point in bokmål");
        // One sign for hidden cells, explained in the legend.
        let signs: std::collections::BTreeSet<&str> = table
            .split("class=\"hidden-cell\"")
            .skip(1)
            .filter_map(|c| c.split("<span aria-hidden=\"true\">").nth(1))
            .filter_map(|c| c.split('<').next())
            .collect();
        assert_eq!(signs.len(), 1, "[{be}] {signs:?}");
        let sign = signs.iter().next().copied().unwrap_or("");
        assert!(page.contains(&format!("<dt>{sign}</dt>")), "[{be}] legend of {sign}");
        // English keeps the decimal point.
        let csrf = app.csrf(&sec).await;
        sec.post(app.url("/lang"))
            .form(&[("_csrf", csrf.as_str()), ("lang", "en"), ("next", "/")])
            .send()
            .await
            .expect("lang");
        let (_, en) = body(&sec, &app, "/secretariat/statistics").await;
        assert!(en.contains("k is the smallest number of enterprises"), "[{be}]");
        assert!(has_percent(&en, '.'), "[{be}]");
    }
}
