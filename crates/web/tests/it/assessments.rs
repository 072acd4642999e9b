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
pub(crate) fn multipart(csrf: &str, field: &str, filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
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

mod isolation_and_files;
#[allow(unused_imports)]
pub use isolation_and_files::*;
