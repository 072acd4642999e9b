//! Self-assessments over HTTP, on the fixture catalogue fixdemo@2.0 and
//! the demo GP office (kind gp_office, size micro): for that profile the
//! requirements 1.1-a, 2.1-a, 2.1-b and 2.4-a apply (2.2-a is for medium and
//! large, 2.3-a needs cloud services, chapter 3 is for hospitals).

use etterlev_core::{OrgNumber, SizeClass, TenantKind};
use etterlev_store::{Actor, AssessmentKind, AssessmentProfile, NewAssessment, NewTenant, NewUser};

use crate::common::{TestApp, extract_csrf};

const EDITOR: &str = "redaktor@demo.etterlev.no";
const READER: &str = "leser@demo.etterlev.no";
const ADMIN: &str = etterlev_web::demo::ADMIN_EMAIL;
const CATALOG: &str = "fixdemo@2.0";

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

async fn csrf(c: &reqwest::Client, app: &TestApp) -> String {
    extract_csrf(&ok(c, app, "/assessments").await)
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

async fn post(c: &reqwest::Client, app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    c.post(app.url(path)).form(form).send().await.expect("post")
}

/// Creates an assessment through the form; returns its id.
async fn create(c: &reqwest::Client, app: &TestApp, title: &str, start_from: &str) -> String {
    let token = csrf(c, app).await;
    let r = post(
        c,
        app,
        "/assessments",
        &[
            ("_csrf", &token),
            ("catalog", CATALOG),
            ("title", title),
            ("owner", "Daglig leder"),
            ("period_start", "2026-01-01"),
            ("period_end", "2026-12-31"),
            ("kind", "gp_office"),
            ("size", "micro"),
            ("start_from", start_from),
        ],
    )
    .await;
    assert_eq!(r.status(), 303, "[{}] create {title}", app.backend);
    let loc = location(&r);
    loc.strip_prefix("/assessments/")
        .expect("redirect to the assessment")
        .to_string()
}

/// Saves an answer through the form.
async fn answer(
    c: &reqwest::Client,
    app: &TestApp,
    id: &str,
    node: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = csrf(c, app).await;
    let mut form = vec![("_csrf", token.as_str())];
    form.extend_from_slice(fields);
    post(c, app, &format!("/assessments/{id}/req/{node}"), &form).await
}

/// A multipart body with the CSRF token first, as a browser sends the form.
fn multipart(csrf: &str, field: &str, filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----etterlevTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    c: &reqwest::Client,
    app: &TestApp,
    path: &str,
    field: &str,
    filename: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let token = csrf(c, app).await;
    let (ct, body) = multipart(&token, field, filename, bytes);
    c.post(app.url(path))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .expect("upload")
}

/// The store's view of one assessment's answers, as the demo GP office.
async fn stored_answers(app: &TestApp, id: &str) -> Vec<etterlev_store::Answer> {
    let u = app.store.user_by_email(ADMIN).await.expect("q").expect("admin");
    for m in app.store.memberships_of(&u.id).await.expect("memberships") {
        let scope = app.store.scope(&u, &m.tenant.id).await.expect("scope");
        if let Ok(list) = app.store.tenant(&scope).answers(id).await {
            return list;
        }
    }
    panic!("assessment {id} not found");
}

async fn stored_evidence(app: &TestApp, id: &str) -> Vec<etterlev_store::Evidence> {
    let u = app.store.user_by_email(ADMIN).await.expect("q").expect("admin");
    for m in app.store.memberships_of(&u.id).await.expect("memberships") {
        let scope = app.store.scope(&u, &m.tenant.id).await.expect("scope");
        if let Ok(list) = app.store.tenant(&scope).evidence(id).await {
            return list;
        }
    }
    panic!("assessment {id} not found");
}

#[tokio::test]
async fn create_answer_score_and_roles() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let c = app.login(EDITOR).await;
        let list = ok(&c, &app, "/assessments").await;
        assert!(list.contains("id=\"no-assessments\""), "[{be}] {list}");
        assert!(
            list.contains("<option value=\"gp_office\" selected>"),
            "[{be}] kind pre-filled: {list}"
        );
        assert!(
            list.contains("<option value=\"micro\" selected>"),
            "[{be}] size pre-filled"
        );

        // Bad input: the form comes back with messages and what was typed.
        let token = csrf(&c, &app).await;
        let r = post(
            &c,
            &app,
            "/assessments",
            &[
                ("_csrf", &token),
                ("catalog", "nope@1"),
                ("title", "Mitt <forsøk>"),
                ("period_start", "2026-12-31"),
                ("period_end", "2026-01-01"),
                ("kind", "gp_office"),
                ("size", "micro"),
            ],
        )
        .await;
        assert_eq!(r.status(), 400, "[{be}]");
        let body = r.text().await.expect("body");
        assert!(body.contains("Velg en kravkatalog som er importert."), "[{be}] {body}");
        assert!(body.contains("Perioden kan ikke slutte før den begynner."), "[{be}]");
        assert!(
            body.contains("value=\"Mitt &#60;forsøk&#62;\""),
            "[{be}] input kept, escaped"
        );

        let id = create(&c, &app, "Egenvurdering 2026", "").await;
        let detail = ok(&c, &app, &format!("/assessments/{id}")).await;
        for needle in [
            "Egenvurdering 2026",
            "Demokatalog (2.0)",
            "01.01.2026 – 31.12.2026",
            "Legekontor, Under 10 ansatte",
            &format!("href=\"/assessments/{id}/req/1.1-a\""),
            &format!("href=\"/assessments/{id}/req/2.4-a\""),
            "id=\"ch-1\"",
            "id=\"ch-2\"",
            "Etterlevelse 0 %",
        ] {
            assert!(detail.contains(needle), "[{be}] detail lacks {needle}: {detail}");
        }
        // Not for this profile: medium/large only, cloud only, hospitals only.
        for absent in ["req/2.2-a\"", "req/2.3-a\"", "req/3-a\"", "id=\"ch-3\""] {
            assert!(!detail.contains(absent), "[{be}] {absent} must not apply");
        }

        // Answer one of four: 25 % compliance.
        let form = ok(&c, &app, &format!("/assessments/{id}/req/2.1-a")).await;
        assert!(form.contains("name=\"version\" value=\"0\""), "[{be}] {form}");
        assert!(
            form.contains("3 – Definert: dokumentert, kjent og fulgt"),
            "[{be}] maturity texts"
        );
        let r = answer(
            &c,
            &app,
            &id,
            "2.1-a",
            &[
                ("version", "0"),
                ("status", "implemented"),
                ("maturity", "3"),
                ("owner", "Kari"),
                ("due_date", "2026-06-30"),
                ("comment", "Passordregel i AD.\nSjekket i mars."),
            ],
        )
        .await;
        assert_eq!(r.status(), 303, "[{be}]");
        assert_eq!(location(&r), format!("/assessments/{id}/req/2.1-a?saved=1"), "[{be}]");
        let saved = ok(&c, &app, &location(&r)).await;
        assert!(saved.contains("Svaret er lagret."), "[{be}]");
        assert!(saved.contains("name=\"version\" value=\"1\""), "[{be}]");
        let detail = ok(&c, &app, &format!("/assessments/{id}")).await;
        assert!(
            detail.contains("Etterlevelse 25 % (1 av 4 krav innført eller verifisert), modenhet 15 %."),
            "[{be}] {detail}"
        );

        // "Not applicable" without a reason: a clear message, nothing saved.
        let r = answer(
            &c,
            &app,
            &id,
            "1.1-a",
            &[("version", "0"), ("status", "not_applicable")],
        )
        .await;
        assert_eq!(r.status(), 400, "[{be}]");
        let body = r.text().await.expect("body");
        assert!(
            body.contains("Skriv en begrunnelse når kravet ikke er relevant."),
            "[{be}] {body}"
        );
        assert!(body.contains("value=\"not_applicable\" checked"), "[{be}] input kept");
        assert_eq!(stored_answers(&app, &id).await.len(), 1, "[{be}] nothing saved");
        let r = answer(
            &c,
            &app,
            &id,
            "1.1-a",
            &[
                ("version", "0"),
                ("status", "not_applicable"),
                ("na_reason", "Ingen ledelse"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303, "[{be}]");
        // Unknown or non-requirement nodes are 404.
        for node in ["9-z", "2", "3-b", "..%2Fx"] {
            let (status, _) = get(&c, &app, &format!("/assessments/{id}/req/{node}")).await;
            assert_eq!(status, 404, "[{be}] {node}");
        }

        // A reader sees everything and can change nothing.
        let reader = app.login(READER).await;
        let list = ok(&reader, &app, "/assessments").await;
        assert!(list.contains("Egenvurdering 2026"), "[{be}]");
        assert!(!list.contains("id=\"create-assessment\""), "[{be}] no form for readers");
        let form = ok(&reader, &app, &format!("/assessments/{id}/req/2.1-a")).await;
        assert!(!form.contains("id=\"save-answer\""), "[{be}] no save button");
        assert!(!form.contains("id=\"upload-form\""), "[{be}] no upload");
        let r = answer(
            &reader,
            &app,
            &id,
            "2.1-b",
            &[("version", "0"), ("status", "implemented")],
        )
        .await;
        assert_eq!(r.status(), 403, "[{be}]");
        let token = csrf(&reader, &app).await;
        let r = post(
            &reader,
            &app,
            "/assessments",
            &[
                ("_csrf", &token),
                ("catalog", CATALOG),
                ("title", "x"),
                ("kind", "gp_office"),
                ("size", "micro"),
            ],
        )
        .await;
        assert_eq!(r.status(), 403, "[{be}]");
        let r = upload(
            &reader,
            &app,
            &format!("/assessments/{id}/req/2.1-a/evidence"),
            "file",
            "a.pdf",
            b"%PDF-1.4 x",
        )
        .await;
        assert_eq!(r.status(), 403, "[{be}]");
        assert_eq!(stored_answers(&app, &id).await.len(), 2, "[{be}]");
    }
}

#[tokio::test]
async fn a_stale_answer_is_a_conflict_that_keeps_the_input() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let first = app.login(EDITOR).await;
        // Two browsers of the same tenant (here the same editor twice).
        let second = app.login(EDITOR).await;
        let id = create(&first, &app, "Samtidig", "").await;
        let path = format!("/assessments/{id}/req/2.1-b");
        // Both open the form while there is no answer (version 0).
        for c in [&first, &second] {
            assert!(
                ok(c, &app, &path).await.contains("name=\"version\" value=\"0\""),
                "[{be}]"
            );
        }
        let r = answer(
            &first,
            &app,
            &id,
            "2.1-b",
            &[
                ("version", "0"),
                ("status", "partly"),
                ("comment", "Første skrev dette"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303, "[{be}]");
        let r = answer(
            &second,
            &app,
            &id,
            "2.1-b",
            &[
                ("version", "0"),
                ("status", "verified"),
                ("maturity", "4"),
                ("comment", "Andre sin tekst <b>"),
            ],
        )
        .await;
        assert_eq!(r.status(), 409, "[{be}]");
        let page = r.text().await.expect("body");
        assert!(
            page.contains("Noen andre lagret et svar på dette kravet mens du skrev."),
            "[{be}] {page}"
        );
        // The second writer's input is still in the form...
        assert!(page.contains("Andre sin tekst &#60;b&#62;</textarea>"), "[{be}] {page}");
        assert!(page.contains("value=\"verified\" checked"), "[{be}]");
        assert!(page.contains("value=\"4\" checked"), "[{be}]");
        // ...next to the stored answer, and the form now names its version.
        assert!(page.contains("id=\"stored-answer\""), "[{be}]");
        assert!(page.contains("Første skrev dette"), "[{be}]");
        assert!(page.contains(EDITOR), "[{be}] who saved it");
        assert!(page.contains("name=\"version\" value=\"1\""), "[{be}]");
        let stored = stored_answers(&app, &id).await;
        assert_eq!(
            stored[0].comment.as_deref(),
            Some("Første skrev dette"),
            "[{be}] unchanged"
        );
        // Saving again knowingly replaces it.
        let r = answer(
            &second,
            &app,
            &id,
            "2.1-b",
            &[("version", "1"), ("status", "verified"), ("comment", "Andre vant")],
        )
        .await;
        assert_eq!(r.status(), 303, "[{be}]");
        let stored = stored_answers(&app, &id).await;
        assert_eq!(
            (stored[0].version, stored[0].comment.as_deref()),
            (2, Some("Andre vant")),
            "[{be}]"
        );
    }
}

#[tokio::test]
async fn evidence_upload_checks_size_emptiness_and_type() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let c = app.login(EDITOR).await;
        let id = create(&c, &app, "Dokumentasjon", "").await;
        let path = format!("/assessments/{id}/req/2.4-a/evidence");

        let pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
        let r = upload(&c, &app, &path, "file", "Rutine for tofaktor.pdf", &pdf).await;
        assert_eq!(r.status(), 303, "[{be}] {:?}", r.text().await);
        let evidence = stored_evidence(&app, &id).await;
        assert_eq!(evidence.len(), 1, "[{be}]");
        assert_eq!(evidence[0].content_type.as_deref(), Some("application/pdf"), "[{be}]");
        let page = ok(&c, &app, &format!("/assessments/{id}/req/2.4-a?uploaded=1")).await;
        assert!(page.contains("Rutine for tofaktor.pdf"), "[{be}] {page}");

        // Download: the bytes, the sniffed type, an attachment, nosniff.
        let r = c
            .get(app.url(&format!("/assessments/{id}/evidence/{}", evidence[0].id)))
            .send()
            .await
            .expect("download");
        assert_eq!(r.status(), 200, "[{be}]");
        let h = r.headers().clone();
        assert_eq!(h["content-type"], "application/pdf", "[{be}]");
        assert_eq!(h["x-content-type-options"], "nosniff", "[{be}]");
        let cd = h["content-disposition"].to_str().expect("ascii");
        assert!(
            cd.starts_with("attachment; filename=\"Rutine for tofaktor.pdf\""),
            "[{be}] {cd}"
        );
        assert_eq!(r.bytes().await.expect("bytes").as_ref(), pdf.as_slice(), "[{be}]");

        // Too large, empty, and disallowed types: clear messages, nothing saved.
        let big = vec![b'a'; 10 * 1024 * 1024 + 1];
        let r = upload(&c, &app, &path, "file", "stor.txt", &big).await;
        assert_eq!(r.status(), 413, "[{be}]");
        assert!(
            r.text()
                .await
                .expect("body")
                .contains("Filen er for stor. Største tillatte størrelse er 10 MiB."),
            "[{be}]"
        );
        let r = upload(&c, &app, &path, "file", "tom.pdf", b"").await;
        assert_eq!(r.status(), 400, "[{be}]");
        assert!(r.text().await.expect("body").contains("Filen er tom."), "[{be}]");
        for (name, bytes) in [
            ("virus.exe", b"MZ\x90\x00\x03\x00\x00\x00".as_slice()),
            ("bilde.gif", b"GIF89a\x01\x00\x01\x00".as_slice()),
            ("later-pdf.pdf", b"\x00\x01binary".as_slice()),
            ("arkiv.zip", b"PK\x03\x04\x14\x00\x00\x00some.txt".as_slice()),
        ] {
            let r = upload(&c, &app, &path, "file", name, bytes).await;
            assert_eq!(r.status(), 415, "[{be}] {name}");
            let body = r.text().await.expect("body");
            assert!(
                body.contains("Denne filtypen er ikke tillatt."),
                "[{be}] {name}: {body}"
            );
        }
        // No file at all, and a body without the CSRF token first.
        let r = upload(&c, &app, &path, "other", "x.txt", b"hei").await;
        assert_eq!(r.status(), 400, "[{be}]");
        let (ct, body) = multipart("wrong-token", "file", "x.txt", b"hei");
        let r = c
            .post(app.url(&path))
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 403, "[{be}] CSRF checked for uploads");
        assert_eq!(stored_evidence(&app, &id).await.len(), 1, "[{be}] nothing more saved");

        // Plain text (UTF-8) and CSV are fine; the same bytes twice are stored once.
        let r = upload(&c, &app, &path, "file", "notat.txt", "Tofaktor på VPN – ok".as_bytes()).await;
        assert_eq!(r.status(), 303, "[{be}]");
        let r = upload(&c, &app, &path, "file", "kopi.pdf", &pdf).await;
        assert_eq!(r.status(), 303, "[{be}]");

        // Links: http(s) only.
        let link = format!("/assessments/{id}/req/2.4-a/link");
        let token = csrf(&c, &app).await;
        let r = post(
            &c,
            &app,
            &link,
            &[("_csrf", &token), ("url", "javascript:alert(1)"), ("title", "x")],
        )
        .await;
        assert_eq!(r.status(), 400, "[{be}]");
        assert!(
            r.text().await.expect("body").contains("https:// eller http://"),
            "[{be}]"
        );
        let r = post(
            &c,
            &app,
            &link,
            &[
                ("_csrf", &token),
                ("url", "https://intranett.example.no/rutiner/2fa"),
                ("title", "Rutine"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303, "[{be}]");
        let evidence = stored_evidence(&app, &id).await;
        assert_eq!(evidence.len(), 4, "[{be}]");
        let page = ok(&c, &app, &format!("/assessments/{id}/req/2.4-a")).await;
        assert!(
            page.contains("href=\"https://intranett.example.no/rutiner/2fa\""),
            "[{be}]"
        );
        // A link has no file to download.
        let l = evidence.iter().find(|e| e.url.is_some()).expect("link");
        let (status, _) = get(&c, &app, &format!("/assessments/{id}/evidence/{}", l.id)).await;
        assert_eq!(status, 404, "[{be}]");

        // Readers cannot delete; editors can.
        let reader = app.login(READER).await;
        let rt = csrf(&reader, &app).await;
        let del = format!("/assessments/{id}/evidence/{}/delete", evidence[0].id);
        assert_eq!(
            post(&reader, &app, &del, &[("_csrf", &rt)]).await.status(),
            403,
            "[{be}]"
        );
        let r = post(&c, &app, &del, &[("_csrf", &token)]).await;
        assert_eq!(r.status(), 303, "[{be}]");
        assert_eq!(stored_evidence(&app, &id).await.len(), 3, "[{be}]");
    }
}

#[tokio::test]
async fn dashboard_reports_and_compare() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let c = app.login(EDITOR).await;
        let first = create(&c, &app, "Vurdering 2025", "").await;
        for (node, status) in [("1.1-a", "implemented"), ("2.1-a", "partly")] {
            let r = answer(
                &c,
                &app,
                &first,
                node,
                &[("version", "0"), ("status", status), ("maturity", "2")],
            )
            .await;
            assert_eq!(r.status(), 303, "[{be}]");
        }
        // A new one starts from the first: the answers come along.
        let second = create(&c, &app, "Vurdering 2026", &first).await;
        assert_eq!(stored_answers(&app, &second).await.len(), 2, "[{be}] answers copied");
        let r = answer(&c, &app, &second, "2.1-a", &[("version", "1"), ("status", "verified")]).await;
        assert_eq!(r.status(), 303, "[{be}]");

        let dash = ok(&c, &app, &format!("/assessments/{second}/dashboard")).await;
        assert!(
            dash.matches("<svg").count() >= 3,
            "[{be}] bars, heat map and trend: {dash}"
        );
        assert!(dash.contains("role=\"img\""), "[{be}]");
        assert!(dash.contains("id=\"open-actions\""), "[{be}]");
        for svg in dash.split("<svg").skip(1) {
            let svg = svg.split("</svg>").next().unwrap_or("");
            assert!(
                !svg.contains("<script") && !svg.contains("style="),
                "[{be}] charts: no script, no inline style"
            );
        }

        let r = c
            .get(app.url(&format!("/assessments/{second}/report")))
            .send()
            .await
            .expect("report");
        assert_eq!(r.status(), 200, "[{be}]");
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .expect("csp")
            .to_string();
        assert!(csp.starts_with("default-src 'none'"), "[{be}] {csp}");
        let html = r.text().await.expect("html");
        assert!(html.contains("Vurdering 2026") && html.contains("<svg"), "[{be}]");

        let r = c
            .get(app.url(&format!("/assessments/{second}/report.docx")))
            .send()
            .await
            .expect("docx");
        assert_eq!(r.status(), 200, "[{be}]");
        assert_eq!(
            r.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "[{be}]"
        );
        let cd = r.headers()["content-disposition"].to_str().expect("cd").to_string();
        assert_eq!(cd, "attachment; filename=\"vurdering-2026.docx\"", "[{be}]");
        let bytes = r.bytes().await.expect("bytes");
        assert!(bytes.starts_with(b"PK\x03\x04"), "[{be}] a zip (docx)");

        let cmp = ok(&c, &app, &format!("/assessments/compare?a={first}&b={second}")).await;
        assert!(cmp.contains("1 av 4 krav har ulik status."), "[{be}] {cmp}");
        assert!(cmp.contains("<tr id=\"c-2.1-a\" class=\"changed\">"), "[{be}]");
        assert!(!cmp.contains("<tr id=\"c-1.1-a\" class=\"changed\">"), "[{be}]");
        let (status, _) = get(&c, &app, &format!("/assessments/compare?a={first}")).await;
        assert_eq!(status, 400, "[{be}] both needed");
        let (status, _) = get(&c, &app, &format!("/assessments/compare?a={first}&b=nope")).await;
        assert_eq!(status, 404, "[{be}]");
    }
}

// ------------------------------------------------------------------ API

async fn api(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut req = reqwest::Client::new()
        .request(method, app.url(&format!("/api/v1{path}")))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.expect("api");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn api_assessments_answers_and_conflicts() {
    use reqwest::Method;
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let editor = app.api_token(EDITOR).await;
        let (status, list) = api(&app, &editor, Method::GET, "/assessments", None).await;
        assert_eq!((status, list), (200, serde_json::json!([])), "[{be}]");

        let (status, bad) = api(
            &app,
            &editor,
            Method::POST,
            "/assessments",
            Some(serde_json::json!({"catalog_key": "nope@1", "title": "x"})),
        )
        .await;
        assert_eq!(status, 422, "[{be}] {bad}");
        let (status, a) = api(
            &app,
            &editor,
            Method::POST,
            "/assessments",
            Some(serde_json::json!({"catalog_key": CATALOG, "title": "Fra API", "period_start": "2026-01-01"})),
        )
        .await;
        assert_eq!(status, 201, "[{be}] {a}");
        assert_eq!(
            a["profile"]["kind"], "gp_office",
            "[{be}] the tenant's profile by default"
        );
        let id = a["id"].as_str().expect("id").to_string();

        let put = |version: i64, status: &str| serde_json::json!({"status": status, "maturity": 3, "comment": "fra API", "version": version});
        let path = format!("/assessments/{id}/answers/2.4-a");
        let (status, saved) = api(&app, &editor, Method::PUT, &path, Some(put(0, "implemented"))).await;
        assert_eq!(status, 200, "[{be}] {saved}");
        assert_eq!(saved["version"], 1, "[{be}]");
        // A stale version: 409 with the stored answer, nothing changed.
        let (status, conflict) = api(&app, &editor, Method::PUT, &path, Some(put(0, "partly"))).await;
        assert_eq!(status, 409, "[{be}] {conflict}");
        assert_eq!(conflict["error"], "conflict", "[{be}]");
        assert_eq!(conflict["current"]["status"], "implemented", "[{be}]");
        assert_eq!(conflict["current"]["version"], 1, "[{be}]");
        // Refused values are 422, unknown things 404.
        for (body, word) in [
            (put(1, "done"), "unknown status"),
            (put(1, "not_applicable"), "na_reason"),
            (
                serde_json::json!({"status": "partly", "maturity": 9, "version": 1}),
                "maturity",
            ),
            (
                serde_json::json!({"status": "partly", "due_date": "i morgen", "version": 1}),
                "YYYY-MM-DD",
            ),
        ] {
            let (status, err) = api(&app, &editor, Method::PUT, &path, Some(body)).await;
            assert_eq!(status, 422, "[{be}] {err}");
            assert!(err["message"].as_str().unwrap_or("").contains(word), "[{be}] {err}");
        }
        for p in [
            format!("/assessments/{id}/answers/9-z"),
            format!("/assessments/{id}/answers/2"),
            "/assessments/00000000-0000-7000-8000-000000000000/answers/2.4-a".to_string(),
            "/assessments/not-an-id/answers/2.4-a".to_string(),
        ] {
            let (status, _) = api(&app, &editor, Method::PUT, &p, Some(put(1, "partly"))).await;
            assert_eq!(status, 404, "[{be}] {p}");
        }
        let (status, one) = api(&app, &editor, Method::GET, &format!("/assessments/{id}"), None).await;
        assert_eq!(status, 200, "[{be}]");
        assert_eq!(one["requirements"], 4, "[{be}] {one}");
        assert_eq!(one["answered"], 1, "[{be}]");
        assert_eq!(one["overall"]["compliance"], 25.0, "[{be}]");
        assert_eq!(one["chapters"][1]["id"], "2", "[{be}]");
        let (status, answers) = api(&app, &editor, Method::GET, &format!("/assessments/{id}/answers"), None).await;
        assert_eq!(status, 200, "[{be}]");
        assert_eq!(answers[0]["node_id"], "2.4-a", "[{be}]");
        assert_eq!(answers[0]["updated_by"], EDITOR, "[{be}]");

        // A reader may read but not write.
        let reader = app.api_token(READER).await;
        let (status, _) = api(&app, &reader, Method::GET, &format!("/assessments/{id}"), None).await;
        assert_eq!(status, 200, "[{be}]");
        let (status, _) = api(&app, &reader, Method::PUT, &path, Some(put(1, "partly"))).await;
        assert_eq!(status, 403, "[{be}]");
        let (status, _) = api(
            &app,
            &reader,
            Method::POST,
            "/assessments",
            Some(serde_json::json!({"catalog_key": CATALOG, "title": "x"})),
        )
        .await;
        assert_eq!(status, 403, "[{be}]");
        // The admin belongs to two tenants and must say which.
        let admin = app.api_token(ADMIN).await;
        let (status, err) = api(
            &app,
            &admin,
            Method::POST,
            "/assessments",
            Some(serde_json::json!({"catalog_key": CATALOG, "title": "x"})),
        )
        .await;
        assert_eq!(status, 422, "[{be}] {err}");
        assert!(err["message"].as_str().unwrap_or("").contains("tenant_id"), "[{be}]");
    }
}

// ------------------------------------------------------------------ isolation

/// Tenant B with its own admin and an assessment with an answer and a file.
async fn tenant_b_assessment(app: &TestApp) -> (String, String) {
    let store = &app.store;
    let (t, u) = store
        .create_tenant_with_admin(
            &Actor::cli(),
            &NewTenant {
                name: "Tenant B".into(),
                org_number: OrgNumber::parse("310000000").expect("valid"),
                kind: TenantKind::GpOffice,
                size_class: SizeClass::Micro,
            },
            &NewUser {
                email: "admin@b.example.no".into(),
                display_name: "B Admin".into(),
                password_hash: None,
                is_secretariat: false,
            },
        )
        .await
        .expect("tenant B");
    let scope = store.scope(&u, &t.id).await.expect("scope B");
    let tb = store.tenant(&scope);
    let a = tb
        .create_assessment(NewAssessment {
            catalog_key: CATALOG.into(),
            title: "B sin vurdering".into(),
            kind: AssessmentKind::Full,
            owner: None,
            period_start: None,
            period_end: None,
            profile: AssessmentProfile {
                kind: TenantKind::GpOffice,
                size: SizeClass::Micro,
                conditions: Vec::new(),
            },
            start_from: None,
        })
        .await
        .expect("assessment B");
    let e = tb
        .add_evidence_file(&a.id, "2.1-a", "b.pdf", "application/pdf", b"%PDF-1.4 B")
        .await
        .expect("evidence B");
    (a.id, e.id)
}

#[tokio::test]
async fn other_tenants_assessments_are_404() {
    use reqwest::Method;
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let (b, ev) = tenant_b_assessment(&app).await;
        // The demo admin: the strongest role, in two tenants (not B).
        let c = app.login(ADMIN).await;
        let own = create(&c, &app, "Egen", "").await;
        for path in [
            format!("/assessments/{b}"),
            format!("/assessments/{b}/req/2.1-a"),
            format!("/assessments/{b}/evidence/{ev}"),
            format!("/assessments/{own}/evidence/{ev}"),
            format!("/assessments/{b}/dashboard"),
            format!("/assessments/{b}/report"),
            format!("/assessments/{b}/report.docx"),
            format!("/assessments/{b}/answers.xlsx"),
            format!("/assessments/compare?a={own}&b={b}"),
        ] {
            let (status, _) = get(&c, &app, &path).await;
            assert_eq!(status, 404, "[{be}] GET {path}");
        }
        let token = csrf(&c, &app).await;
        for (path, form) in [
            (
                format!("/assessments/{b}/req/2.1-a"),
                vec![("version", "0"), ("status", "implemented")],
            ),
            (
                format!("/assessments/{b}/req/2.1-a/link"),
                vec![("url", "https://x.no")],
            ),
            (format!("/assessments/{b}/evidence/{ev}/delete"), vec![]),
            (format!("/assessments/{own}/evidence/{ev}/delete"), vec![]),
            (format!("/assessments/{b}/close"), vec![("version", "1")]),
        ] {
            let mut form = form;
            form.push(("_csrf", token.as_str()));
            let r = post(&c, &app, &path, &form).await;
            assert_eq!(r.status(), 404, "[{be}] POST {path}");
        }
        for path in [
            format!("/assessments/{b}/req/2.1-a/evidence"),
            format!("/assessments/{b}/import"),
        ] {
            let r = upload(&c, &app, &path, "file", "x.pdf", b"%PDF-1.4 A").await;
            assert_eq!(r.status(), 404, "[{be}] upload {path}");
        }

        let t = app.api_token(ADMIN).await;
        let put = serde_json::json!({"status": "implemented", "version": 0});
        for (method, path, body) in [
            (Method::GET, format!("/assessments/{b}"), None),
            (Method::GET, format!("/assessments/{b}/answers"), None),
            (Method::PUT, format!("/assessments/{b}/answers/2.1-a"), Some(put)),
        ] {
            let (status, err) = api(&app, &t, method.clone(), &path, body).await;
            assert_eq!(status, 404, "[{be}] {method} {path}");
            assert_eq!(err["error"], "not_found", "[{be}]");
        }
        let (_, list) = api(&app, &t, Method::GET, "/assessments", None).await;
        assert!(!list.to_string().contains(&b), "[{be}] B's assessment is not listed");
        // Nothing of B changed.
        let bu = app
            .store
            .user_by_email("admin@b.example.no")
            .await
            .expect("q")
            .expect("B");
        let m = app.store.memberships_of(&bu.id).await.expect("m");
        let scope = app.store.scope(&bu, &m[0].tenant.id).await.expect("scope");
        let tb = app.store.tenant(&scope);
        assert!(tb.answers(&b).await.expect("answers").is_empty(), "[{be}]");
        assert_eq!(tb.evidence(&b).await.expect("evidence").len(), 1, "[{be}]");
        assert!(!tb.assessment(&b).await.expect("a").closed, "[{be}]");
    }
}

// ------------------------------------------------------------------ .xlsx

const COLUMNS: [&str; 9] = [
    "node_id",
    "label",
    "title",
    "status",
    "maturity",
    "owner",
    "due_date",
    "comment",
    "na_reason",
];

/// A workbook with one sheet "Svar" holding `rows` from the first row on.
fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Svar").expect("name");
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                let (r, c) = (u32::try_from(r).expect("row"), u16::try_from(c).expect("col"));
                ws.write_string(r, c, *v).expect("write");
            }
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

#[tokio::test]
async fn xlsx_round_trip_and_refused_imports() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let c = app.login(EDITOR).await;
        let id = create(&c, &app, "Regneark", "").await;
        for fields in [
            [
                ("version", "0"),
                ("status", "not_applicable"),
                ("na_reason", "Ingen ledelse her"),
                ("comment", ""),
            ],
            [
                ("version", "0"),
                ("status", "partly"),
                ("na_reason", ""),
                ("comment", "To linjer\nher"),
            ],
        ] {
            let node = if fields[1].1 == "partly" { "2.1-a" } else { "1.1-a" };
            let mut f = fields.to_vec();
            f.extend([("maturity", "2"), ("owner", "Kari"), ("due_date", "2026-09-01")]);
            assert_eq!(answer(&c, &app, &id, node, &f).await.status(), 303, "[{be}]");
        }
        let before = stored_answers(&app, &id).await;

        let r = c
            .get(app.url(&format!("/assessments/{id}/answers.xlsx")))
            .send()
            .await
            .expect("xlsx");
        assert_eq!(r.status(), 200, "[{be}]");
        assert_eq!(
            r.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "[{be}]"
        );
        // Named and headed in the user's language, not "…-answers.xlsx"
        // with node_id, label, … as headers.
        assert_eq!(
            r.headers()["content-disposition"],
            "attachment; filename=\"egenvurdering-regneark-svar.xlsx\"",
            "[{be}]"
        );
        let exported = r.bytes().await.expect("bytes").to_vec();
        assert!(exported.starts_with(b"PK\x03\x04"), "[{be}]");
        let strings = {
            use std::io::Read;
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(exported.clone())).expect("zip");
            let mut part = archive.by_name("xl/sharedStrings.xml").expect("shared strings");
            let mut s = String::new();
            part.read_to_string(&mut s).expect("utf-8");
            s
        };
        for header in ["Krav", "Tittel", "Status", "Krav-ID", "Delvis innført"] {
            assert!(strings.contains(&format!(">{header}<")), "[{be}] {header}: {strings}");
        }
        assert!(!strings.contains(">node_id<"), "[{be}] technical header row");

        // The file as exported imports back without changing anything.
        let import = format!("/assessments/{id}/import");
        let r = upload(&c, &app, &import, "file", "svar.xlsx", &exported).await;
        assert_eq!(r.status(), 303, "[{be}] {:?}", r.text().await);
        assert_eq!(location(&r), format!("/assessments/{id}?imported=0"), "[{be}]");
        assert_eq!(
            stored_answers(&app, &id).await,
            before,
            "[{be}] round trip changes nothing"
        );
        let page = ok(&c, &app, &location(&r)).await;
        assert!(page.contains("Importen er fullført: 0 svar er endret."), "[{be}]");

        // Every kind of bad file: a clear message with row numbers, and
        // nothing changes, even for the good rows in the same file.
        let good: &[&str] = &["2.4-a", "2.4 a", "", "implemented", "4", "Per", "", "", ""];
        let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
            (
                "wrong columns",
                workbook(&[&["id", "state", "grade"], &["2.4-a", "implemented", "4"]]),
                vec!["Rad 1"],
            ),
            (
                "unknown requirement id",
                workbook(&[&COLUMNS, good, &[], &["9-z", "", "", "partly", "", "", "", "", ""]]),
                vec!["Rad 4: ukjent krav-ID «9-z» i fixdemo@2.0."],
            ),
            (
                "a chapter is not a requirement",
                workbook(&[&COLUMNS, &["2", "", "", "partly", "", "", "", "", ""], good]),
                vec!["Rad 2: ukjent krav-ID «2» i fixdemo@2.0."],
            ),
            (
                "bad status and maturity",
                workbook(&[&COLUMNS, good, &["2.1-b", "", "", "kanskje", "9", "", "", "", ""]]),
                vec!["Rad 3"],
            ),
            (
                "not applicable without a reason",
                workbook(&[&COLUMNS, good, &["2.1-b", "", "", "not_applicable", "", "", "", "", ""]]),
                vec!["Rad 3"],
            ),
            (
                "not an .xlsx at all",
                b"%PDF-1.4 this is no spreadsheet".to_vec(),
                vec![],
            ),
        ];
        for (what, bytes, needles) in cases {
            let r = upload(&c, &app, &import, "file", "svar.xlsx", &bytes).await;
            assert_eq!(r.status(), 400, "[{be}] {what}");
            let body = r.text().await.expect("body");
            assert!(body.contains("id=\"import-errors\""), "[{be}] {what}: {body}");
            assert!(
                body.contains("Importen er avvist, og ingenting er endret."),
                "[{be}] {what}"
            );
            for n in needles {
                assert!(body.contains(n), "[{be}] {what}: lacks {n}: {body}");
            }
            assert_eq!(
                stored_answers(&app, &id).await,
                before,
                "[{be}] {what}: nothing changed"
            );
        }
        let r = upload(&c, &app, &import, "other", "x.xlsx", b"").await;
        assert_eq!(r.status(), 400, "[{be}] no file");

        // A good edit imports: only the changed rows are saved.
        let edited = workbook(&[
            &COLUMNS,
            good,
            &[
                "1.1-a",
                "",
                "",
                "not_applicable",
                "2",
                "Kari",
                "2026-09-01",
                "",
                "Ingen ledelse her",
            ],
        ]);
        let r = upload(&c, &app, &import, "file", "svar.xlsx", &edited).await;
        assert_eq!(r.status(), 303, "[{be}] {:?}", r.text().await);
        assert_eq!(location(&r), format!("/assessments/{id}?imported=1"), "[{be}]");
        let after = stored_answers(&app, &id).await;
        let new = after.iter().find(|a| a.node_id == "2.4-a").expect("imported");
        assert_eq!(
            (
                new.status.as_str(),
                new.maturity.map(|m| m.level()),
                new.owner.as_deref()
            ),
            ("implemented", Some(4), Some("Per")),
            "[{be}]"
        );
        let kept = after.iter().find(|a| a.node_id == "1.1-a").expect("kept");
        assert_eq!(kept.version, 1, "[{be}] an unchanged row is not saved again");

        // Readers cannot import.
        let reader = app.login(READER).await;
        let r = upload(&reader, &app, &import, "file", "svar.xlsx", &exported).await;
        assert_eq!(r.status(), 403, "[{be}]");
    }
}

/// `workbook` with its shared strings replaced by one string of `size`
/// bytes of a single letter: a few hundred kilobytes that expand to
/// `size`, which is what a spreadsheet bomb is made of.
fn spreadsheet_bomb(size: usize) -> Vec<u8> {
    use std::io::{Read, Write};
    let plain = workbook(&[&COLUMNS, &["1.1-a", "", "", "partly", "2", "", "", "", ""]]);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(plain)).expect("xlsx is a zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let name = entry.name().expect("entry name").to_string();
        out.start_file(name.as_str(), options).expect("start");
        if name == "xl/sharedStrings.xml" {
            out.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#)
                .expect("head");
            let chunk = vec![b'a'; 1024 * 1024];
            for _ in 0..size / chunk.len() {
                out.write_all(&chunk).expect("body");
            }
            out.write_all(b"</t></si></sst>").expect("tail");
        } else {
            let mut content = Vec::new();
            entry.read_to_end(&mut content).expect("read");
            out.write_all(&content).expect("copy");
        }
    }
    out.finish().expect("finish").into_inner()
}

/// The process's resident memory in bytes (Linux), or `None` elsewhere.
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// A spreadsheet that expands to half a gigabyte is refused over HTTP
/// with the normal error page, and the server's memory stays flat while it
/// is: the expansion is checked while decompressing into nothing, before
/// anything reads the shared strings (which would hold them all).
#[tokio::test]
async fn a_spreadsheet_bomb_is_refused_with_flat_memory() {
    const EXPANDED: usize = 512 * 1024 * 1024;
    let bomb = spreadsheet_bomb(EXPANDED);
    assert!(bomb.len() < 2 * 1024 * 1024, "the bomb is small: {} bytes", bomb.len());
    let app = TestApp::sqlite().await;
    app.import_fixture_catalogs().await;
    let c = app.login(EDITOR).await;
    let id = create(&c, &app, "Bombe", "").await;
    let before = stored_answers(&app, &id).await;
    let import = format!("/assessments/{id}/import");

    // Memory is sampled while the upload is handled: the server runs in
    // this process, so its peak is this process's peak.
    let Some(baseline) = resident_bytes() else {
        eprintln!("SKIPPED the memory curve: /proc/self/statm is not readable here");
        return;
    };
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak = baseline;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(resident_bytes().unwrap_or(0));
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            peak
        })
    };
    let started = std::time::Instant::now();
    let r = upload(&c, &app, &import, "file", "svar.xlsx", &bomb).await;
    let took = started.elapsed();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.join().expect("sampler");

    assert_eq!(r.status(), 400);
    let body = r.text().await.expect("body");
    assert!(body.contains("id=\"import-errors\""), "{body}");
    assert!(body.contains("pakker seg ut"), "the message says why: {body}");
    assert_eq!(stored_answers(&app, &id).await, before, "nothing changed");
    let grown = peak.saturating_sub(baseline);
    eprintln!(
        "bomb of {} bytes expanding to {EXPANDED}: refused in {took:?}, resident memory grew by {} MiB",
        bomb.len(),
        grown / (1024 * 1024)
    );
    // Reading the shared strings would need more than the expanded size;
    // the refusal needs the upload and a decompression buffer. The bound
    // leaves room for other tests running in this process meanwhile.
    assert!(
        grown < 128 * 1024 * 1024,
        "memory grew by {} MiB while refusing the bomb",
        grown / (1024 * 1024)
    );
    // Not a speed claim: a refusal that decompressed everything would
    // still answer, but only after reading half a gigabyte.
    assert!(took < std::time::Duration::from_secs(30), "took {took:?}");
}
