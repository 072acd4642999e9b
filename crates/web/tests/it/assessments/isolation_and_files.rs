use super::*;

// ------------------------------------------------------------------ isolation

/// Tenant B with its own admin and an assessment with an answer and a file.
pub(super) async fn tenant_b_assessment(app: &TestApp) -> (String, String) {
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
pub(super) async fn other_tenants_assessments_are_404() {
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

pub(super) const COLUMNS: [&str; 9] = [
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
pub(super) fn workbook(rows: &[&[&str]]) -> Vec<u8> {
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
pub(super) async fn xlsx_round_trip_and_refused_imports() {
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
pub(super) fn spreadsheet_bomb(size: usize) -> Vec<u8> {
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
pub(super) fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// A spreadsheet that expands to half a gigabyte is refused over HTTP
/// with the normal error page, and the server's memory stays flat while it
/// is: the expansion is checked while decompressing into nothing, before
/// anything reads the shared strings (which would hold them all).
#[tokio::test]
pub(super) async fn a_spreadsheet_bomb_is_refused_with_flat_memory() {
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
