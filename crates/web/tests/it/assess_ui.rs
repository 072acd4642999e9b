//! The requirement page keeps what was typed when evidence is added, the
//! assessment's requirement table filters and sorts by the URL, and the
//! comparison shows what changed (fixture catalogue fixdemo@2.0 for the demo
//! GP office: 1.1-a, 2.1-a, 2.1-b and 2.4-a apply).

use crate::common::{TestApp, extract_csrf};

const EDITOR: &str = "redaktor@demo.etterlev.no";
const ADMIN: &str = etterlev_web::demo::ADMIN_EMAIL;
const CATALOG: &str = "fixdemo@2.0";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

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

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

async fn create(c: &reqwest::Client, app: &TestApp, title: &str, start_from: &str) -> String {
    let token = extract_csrf(&ok(c, app, "/assessments").await);
    let r = c
        .post(app.url("/assessments"))
        .form(&[
            ("_csrf", token.as_str()),
            ("catalog", CATALOG),
            ("title", title),
            ("kind", "gp_office"),
            ("size", "micro"),
            ("start_from", start_from),
        ])
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), 303, "[{}] create {title}", app.backend);
    location(&r)
        .strip_prefix("/assessments/")
        .expect("redirect to the assessment")
        .to_string()
}

/// Saves an answer with the plain form.
async fn answer(c: &reqwest::Client, app: &TestApp, id: &str, node: &str, fields: &[(&str, &str)]) {
    let token = extract_csrf(&ok(c, app, "/assessments").await);
    let mut form = vec![("_csrf", token.as_str()), ("version", "0")];
    form.extend_from_slice(fields);
    let r = c
        .post(app.url(&format!("/assessments/{id}/req/{node}")))
        .form(&form)
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 303, "[{}] answer {node}", app.backend);
}

/// The requirement page's form as a browser sends it: `_csrf` first, the
/// text fields, the file (if any), then the button.
fn multipart(csrf: &str, fields: &[(&str, &str)], file: Option<(&str, &[u8])>, button: &str) -> (String, Vec<u8>) {
    let boundary = "----etterlevAssessBoundary";
    let mut body = Vec::new();
    let mut text = |name: &str, value: &str| {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    };
    text("_csrf", csrf);
    for (k, v) in fields {
        text(k, v);
    }
    let (filename, bytes) = file.unwrap_or(("", b""));
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(
        format!(
            "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"do\"\r\n\r\n{button}\r\n--{boundary}--\r\n"
        )
        .as_bytes(),
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn send_form(
    c: &reqwest::Client,
    app: &TestApp,
    id: &str,
    node: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
    button: &str,
) -> reqwest::Response {
    let page = ok(c, app, &format!("/assessments/{id}/req/{node}")).await;
    let (ct, body) = multipart(&extract_csrf(&page), fields, file, button);
    c.post(app.url(&format!("/assessments/{id}/req/{node}/evidence")))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .expect("post the form")
}

async fn scope_of(app: &TestApp, id: &str) -> etterlev_store::TenantScope {
    let u = app.store.user_by_email(ADMIN).await.expect("q").expect("admin");
    for m in app.store.memberships_of(&u.id).await.expect("memberships") {
        let scope = app.store.scope(&u, &m.tenant.id).await.expect("scope");
        if app.store.tenant(&scope).assessment(id).await.is_ok() {
            return scope;
        }
    }
    panic!("assessment {id} not found");
}

async fn stored(app: &TestApp, id: &str, node: &str) -> Option<etterlev_store::Answer> {
    let scope = scope_of(app, id).await;
    let answers = app.store.tenant(&scope).answers(id).await.expect("answers");
    answers.into_iter().find(|a| a.node_id == node)
}

async fn evidence_count(app: &TestApp, id: &str) -> usize {
    let scope = scope_of(app, id).await;
    app.store.tenant(&scope).evidence(id).await.expect("evidence").len()
}

/// The answer typed before "Last opp" is saved with the file, a stale one
/// is the conflict page with the input kept (the file is stored anyway),
/// and a refused file stores nothing but gives the page back as typed.
#[tokio::test]
async fn uploading_evidence_keeps_the_typed_answer() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let c = app.login(EDITOR).await;
        let id = create(&c, &app, "Dokumentasjon først", "").await;

        // The page is one multipart form for the answer and the evidence,
        // with the CSRF token as its first field.
        let page = ok(&c, &app, &format!("/assessments/{id}/req/2.4-a")).await;
        let form_start = page.find("id=\"answer-form\"").expect("the form");
        let form = &page[form_start..];
        assert!(page[..form_start].contains("enctype=\"multipart/form-data\""), "[{be}]");
        let first_input = form.find("<input").expect("an input");
        assert!(
            form[first_input..].starts_with("<input type=\"hidden\" name=\"_csrf\""),
            "[{be}]"
        );
        let form_end = form.find("</form>").expect("end");
        for part in ["name=\"status\"", "name=\"comment\"", "name=\"file\"", "name=\"url\""] {
            assert!(form[..form_end].contains(part), "[{be}] {part} in the one form");
        }

        // Status, maturity and comment typed, then "Last opp" (no save).
        let typed = [
            ("version", "0"),
            ("status", "partly"),
            ("maturity", "2"),
            ("owner", "Kari Nordmann"),
            ("due_date", ""),
            ("comment", "Skrevet før opplasting"),
            ("na_reason", ""),
            ("url", ""),
            ("title", ""),
        ];
        let r = send_form(&c, &app, &id, "2.4-a", &typed, Some(("rutine.pdf", PDF)), "upload").await;
        assert_eq!(r.status(), 303, "[{be}] {:?}", r.text().await);
        assert_eq!(
            location(&r),
            format!("/assessments/{id}/req/2.4-a?saved=1&uploaded=1"),
            "[{be}]"
        );
        let a = stored(&app, &id, "2.4-a").await.expect("the answer is stored");
        assert_eq!(
            (
                a.status.as_str(),
                a.maturity.map(|m| m.level()),
                a.comment.as_deref(),
                a.owner.as_deref(),
                a.version
            ),
            (
                "partly",
                Some(2),
                Some("Skrevet før opplasting"),
                Some("Kari Nordmann"),
                1
            ),
            "[{be}]"
        );
        assert_eq!(evidence_count(&app, &id).await, 1, "[{be}]");
        let page = ok(&c, &app, &format!("/assessments/{id}/req/2.4-a?saved=1&uploaded=1")).await;
        assert!(
            page.contains("Svaret er lagret og dokumentasjonen er lagt til."),
            "[{be}]"
        );
        assert!(page.contains("value=\"partly\" checked"), "[{be}]");
        assert!(page.contains("value=\"2\" checked"), "[{be}]");
        assert!(page.contains(">Skrevet før opplasting</textarea>"), "[{be}]");
        assert!(page.contains("rutine.pdf"), "[{be}]");

        // Uploading again without touching the answer does not save it again.
        let same = [
            ("version", "1"),
            ("status", "partly"),
            ("maturity", "2"),
            ("owner", "Kari Nordmann"),
            ("comment", "Skrevet før opplasting"),
        ];
        let r = send_form(&c, &app, &id, "2.4-a", &same, Some(("notat.txt", b"Notat")), "upload").await;
        assert_eq!(
            location(&r),
            format!("/assessments/{id}/req/2.4-a?uploaded=1"),
            "[{be}]"
        );
        assert_eq!(stored(&app, &id, "2.4-a").await.expect("answer").version, 1, "[{be}]");

        // A refused file: nothing stored, the page as typed with the reason,
        // inside the normal layout.
        let changed = [
            ("version", "1"),
            ("status", "verified"),
            ("maturity", "4"),
            ("comment", "Ny tekst & mer"),
            ("url", "https://intranett.example.no/x"),
        ];
        for (name, bytes, status, reason) in [
            (
                "virus.exe",
                b"MZ\x90\x00".as_slice(),
                415,
                "Denne filtypen er ikke tillatt.",
            ),
            ("tom.pdf", b"".as_slice(), 400, "Filen er tom."),
        ] {
            let r = send_form(&c, &app, &id, "2.4-a", &changed, Some((name, bytes)), "upload").await;
            assert_eq!(r.status(), status, "[{be}] {name}");
            let body = r.text().await.expect("body");
            assert!(body.contains(reason), "[{be}] {name}: {body}");
            assert!(body.contains("id=\"upload-error\""), "[{be}] {name}");
            assert!(body.contains(">Ny tekst &#38; mer</textarea>"), "[{be}] {name}: {body}");
            assert!(body.contains("value=\"verified\" checked"), "[{be}] {name}");
            assert!(body.contains("value=\"4\" checked"), "[{be}] {name}");
            assert!(
                body.contains("value=\"https://intranett.example.no/x\""),
                "[{be}] {name}"
            );
            assert!(body.contains("name=\"version\" value=\"1\""), "[{be}] {name}");
            assert!(
                body.contains("<nav") && body.contains("lang=\"nb\""),
                "[{be}] {name}: layout"
            );
        }
        // "Last opp" without a file says so and keeps the input too.
        let r = send_form(&c, &app, &id, "2.4-a", &changed, None, "upload").await;
        assert_eq!(r.status(), 400, "[{be}]");
        assert!(
            r.text().await.expect("body").contains(">Ny tekst &#38; mer</textarea>"),
            "[{be}]"
        );
        let a = stored(&app, &id, "2.4-a").await.expect("answer");
        assert_eq!(
            (a.version, a.comment.as_deref()),
            (1, Some("Skrevet før opplasting")),
            "[{be}]"
        );
        assert_eq!(evidence_count(&app, &id).await, 2, "[{be}] nothing more stored");

        // "Legg til lenke" also saves the changed answer.
        let r = send_form(&c, &app, &id, "2.4-a", &changed, None, "link").await;
        assert_eq!(r.status(), 303, "[{be}] {:?}", r.text().await);
        let a = stored(&app, &id, "2.4-a").await.expect("answer");
        assert_eq!((a.version, a.comment.as_deref()), (2, Some("Ny tekst & mer")), "[{be}]");
        assert_eq!(evidence_count(&app, &id).await, 3, "[{be}]");

        // A stale version: the usual conflict page with the input kept and
        // the stored answer beside it; the file is stored all the same.
        let stale = [
            ("version", "1"),
            ("status", "implemented"),
            ("comment", "Skrevet i en gammel fane"),
        ];
        let r = send_form(&c, &app, &id, "2.4-a", &stale, Some(("bevis.pdf", PDF)), "upload").await;
        assert_eq!(r.status(), 409, "[{be}]");
        let body = r.text().await.expect("body");
        assert!(body.contains(">Skrevet i en gammel fane</textarea>"), "[{be}] {body}");
        assert!(body.contains("id=\"stored-answer\""), "[{be}]");
        assert!(body.contains("name=\"version\" value=\"2\""), "[{be}]");
        assert!(body.contains("Dokumentasjonen er lagt til."), "[{be}]");
        assert!(body.contains("bevis.pdf"), "[{be}]");
        assert_eq!(evidence_count(&app, &id).await, 4, "[{be}]");
        assert_eq!(
            stored(&app, &id, "2.4-a").await.expect("answer").comment.as_deref(),
            Some("Ny tekst & mer"),
            "[{be}] the stored answer is unchanged"
        );

        // "Lagre svaret" in the same form saves the answer (and a typed link).
        let save = [
            ("version", "2"),
            ("status", "implemented"),
            ("comment", "Lagret med knappen"),
            ("url", "https://intranett.example.no/rutine"),
            ("title", "Rutine"),
        ];
        let r = send_form(&c, &app, &id, "2.4-a", &save, None, "save").await;
        assert_eq!(
            location(&r),
            format!("/assessments/{id}/req/2.4-a?saved=1&uploaded=1"),
            "[{be}]"
        );
        let a = stored(&app, &id, "2.4-a").await.expect("answer");
        assert_eq!((a.version, a.status.as_str()), (3, "implemented"), "[{be}]");
        assert_eq!(evidence_count(&app, &id).await, 5, "[{be}]");
    }
}

/// Positions of the requirement rows in a page, in page order.
fn row_order(body: &str) -> Vec<String> {
    body.match_indices("<tr id=\"r-")
        .map(|(i, _)| {
            let rest = &body[i + "<tr id=\"r-".len()..];
            rest[..rest.find('"').unwrap_or(0)].to_string()
        })
        .collect()
}

#[tokio::test]
async fn the_requirement_table_filters_and_sorts_by_the_url() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let c = app.login(EDITOR).await;
        let id = create(&c, &app, "Filtrering", "").await;
        answer(
            &c,
            &app,
            &id,
            "1.1-a",
            &[("status", "implemented"), ("maturity", "3"), ("owner", "Kari")],
        )
        .await;
        answer(
            &c,
            &app,
            &id,
            "2.1-a",
            &[
                ("status", "partly"),
                ("maturity", "1"),
                ("owner", "Ola"),
                ("due_date", "2026-03-01"),
                ("comment", "Venter på leverandøren"),
            ],
        )
        .await;
        answer(
            &c,
            &app,
            &id,
            "2.4-a",
            &[("status", "verified"), ("owner", "Kari"), ("due_date", "2026-01-15")],
        )
        .await;
        let base = format!("/assessments/{id}");
        let all = ok(&c, &app, &base).await;
        assert_eq!(row_order(&all), ["1.1-a", "2.1-a", "2.1-b", "2.4-a"], "[{be}]");
        assert!(all.contains("Viser 4 av 4 krav."), "[{be}]");
        assert!(all.contains("id=\"row-filter\""), "[{be}]");

        let cases: &[(&str, &[&str])] = &[
            ("status=partly", &["2.1-a"]),
            ("status=not_started", &["2.1-b"]),
            ("chapter=2", &["2.1-a", "2.1-b", "2.4-a"]),
            ("owner=Kari", &["1.1-a", "2.4-a"]),
            ("owner=+", &["2.1-b"]),
            ("q=leverand%C3%B8ren", &["2.1-a"]),
            ("q=TOFAKTOR", &["2.4-a"]),
            ("chapter=2&owner=Kari", &["2.4-a"]),
            ("status=verified&chapter=1", &[]),
            // Sorted: one list across chapters; ties keep reading order,
            // missing values last in both directions.
            ("sort=status", &["2.1-b", "2.1-a", "1.1-a", "2.4-a"]),
            ("sort=status&dir=desc", &["2.4-a", "1.1-a", "2.1-a", "2.1-b"]),
            ("sort=due", &["2.4-a", "2.1-a", "1.1-a", "2.1-b"]),
            ("sort=due&dir=desc", &["2.1-a", "2.4-a", "1.1-a", "2.1-b"]),
            ("sort=owner", &["1.1-a", "2.4-a", "2.1-a", "2.1-b"]),
            ("sort=maturity&dir=desc", &["1.1-a", "2.1-a", "2.1-b", "2.4-a"]),
            ("sort=requirement&dir=desc", &["2.4-a", "2.1-b", "2.1-a", "1.1-a"]),
            ("chapter=2&sort=due", &["2.4-a", "2.1-a", "2.1-b"]),
            // Unknown or malformed values are ignored, never an error.
            (
                "status=bogus&chapter=9&owner=Nobody&sort=colour&dir=sideways",
                &["1.1-a", "2.1-a", "2.1-b", "2.4-a"],
            ),
            ("status=%FF&q=%00&chapter=", &["1.1-a", "2.1-a", "2.1-b", "2.4-a"]),
            ("status=partly&status=verified", &["2.1-a"]),
        ];
        for (query, want) in cases {
            let body = ok(&c, &app, &format!("{base}?{query}")).await;
            assert_eq!(row_order(&body), *want, "[{be}] ?{query}");
            let count = format!("Viser {} av 4 krav.", want.len());
            assert!(body.contains(&count), "[{be}] ?{query}: {count}");
            if want.is_empty() {
                assert!(body.contains("id=\"filter-none\""), "[{be}] ?{query}");
            }
        }

        // The form shows the filter; sort links keep it, and toggle direction.
        let body = ok(&c, &app, &format!("{base}?status=partly&owner=Ola&sort=due")).await;
        assert!(body.contains("<option value=\"partly\" selected>"), "[{be}]");
        assert!(body.contains("<option value=\"Ola\" selected>"), "[{be}]");
        assert!(
            body.contains("name=\"sort\" value=\"due\""),
            "[{be}] sort kept by the form"
        );
        assert!(
            body.contains(&format!(
                "href=\"/assessments/{id}?status=partly&#38;owner=Ola&#38;sort=due&#38;dir=desc#requirements\""
            )),
            "[{be}] {body}"
        );
        assert!(
            body.contains(&format!(
                "href=\"/assessments/{id}?status=partly&#38;owner=Ola&#38;sort=status#requirements\""
            )),
            "[{be}]"
        );
        assert!(body.contains("aria-sort=\"ascending\""), "[{be}]");
        assert!(body.contains("id=\"filter-reset\""), "[{be}]");
        // The scores stay those of the whole assessment.
        assert!(body.contains("id=\"overall\""), "[{be}]");

        // English too.
        let tok = extract_csrf(&body);
        let r = c
            .post(app.url("/lang"))
            .form(&[("_csrf", tok.as_str()), ("lang", "en"), ("next", "/")])
            .send()
            .await
            .expect("lang");
        assert!(r.status().is_redirection(), "[{be}] {}", r.status());
        let body = ok(&c, &app, &format!("{base}?status=partly")).await;
        assert!(body.contains("Showing 1 of 4 requirements."), "[{be}] {body}");
    }
}

#[tokio::test]
async fn the_comparison_shows_changes_and_can_show_only_them() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let c = app.login(EDITOR).await;
        let first = create(&c, &app, "Vurdering 2025", "").await;
        answer(&c, &app, &first, "1.1-a", &[("status", "implemented")]).await;
        answer(&c, &app, &first, "2.1-a", &[("status", "partly")]).await;
        answer(&c, &app, &first, "2.4-a", &[("status", "verified")]).await;
        let second = create(&c, &app, "Vurdering 2026", &first).await;
        let token = extract_csrf(&ok(&c, &app, "/assessments").await);
        for (node, status) in [("2.1-a", "verified"), ("2.4-a", "partly")] {
            let r = c
                .post(app.url(&format!("/assessments/{second}/req/{node}")))
                .form(&[("_csrf", token.as_str()), ("version", "1"), ("status", status)])
                .send()
                .await
                .expect("answer");
            assert_eq!(r.status(), 303, "[{be}] {node}");
        }
        let path = format!("/assessments/compare?a={first}&b={second}");
        let all = ok(&c, &app, &path).await;
        let rows = |body: &str| -> Vec<String> {
            body.match_indices("<tr id=\"c-")
                .map(|(i, _)| {
                    let rest = &body[i + 10..];
                    rest[..rest.find('"').unwrap_or(0)].to_string()
                })
                .collect()
        };
        assert_eq!(rows(&all), ["1.1-a", "2.1-a", "2.1-b", "2.4-a"], "[{be}]");
        assert!(all.contains("<th scope=\"col\">Endring</th>"), "[{be}]");
        assert!(all.contains("data-change=\"better\""), "[{be}]");
        assert!(all.contains("data-change=\"worse\""), "[{be}]");
        assert!(all.contains("data-change=\"none\""), "[{be}]");
        assert!(!all.contains("id=\"only-changes\" checked"), "[{be}]");

        let only = ok(&c, &app, &format!("{path}&changes=1")).await;
        assert_eq!(rows(&only), ["2.1-a", "2.4-a"], "[{be}]");
        assert!(
            only.contains("2 av 4 krav har ulik status. Viser bare endringer."),
            "[{be}]"
        );
        assert!(only.contains("id=\"only-changes\" checked"), "[{be}]");
        assert!(!only.contains("data-change=\"none\""), "[{be}]");
        // Anything else than 1 shows every row.
        for odd in ["changes=yes", "changes=", "changes=%FF"] {
            let body = ok(&c, &app, &format!("{path}&{odd}")).await;
            assert_eq!(rows(&body).len(), 4, "[{be}] {odd}");
        }
    }
}
