//! Every catalogue version downloads as Word, Excel, printable HTML and
//! OSCAL JSON, from its page and from the API; imported catalogues in
//! another language show their original text, labelled, and withdrawn
//! controls say so.

use std::io::Read as _;

use etterlev_catalog::{Catalog, CatalogSet};

use crate::common::TestApp;

const READER: &str = "leser@demo.etterlev.no";
const KEY: &str = "fixdemo@2.0";

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn foreign(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../catalog/tests/fixtures/foreign")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

async fn import_foreign(app: &TestApp) -> (Catalog, Catalog) {
    let french = etterlev_catalog::from_ciso_assistant("fr.yaml", &foreign("ciso-anssi-hygiene-fr-trimmed.yaml"))
        .expect("French library")
        .remove(0);
    let rev4 = etterlev_catalog::from_oscal(&foreign("nist-rev4-withdrawn-trimmed.json")).expect("rev4");
    let set = CatalogSet {
        catalogs: vec![french.clone(), rev4.clone()],
        mappings: Vec::new(),
        ..Default::default()
    };
    app.store.import_catalog_set(&set, None, false).await.expect("import");
    (french, rev4)
}

fn entry(zip_bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes.to_vec())).expect("a zip file");
    let mut file = archive.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut out = String::new();
    file.read_to_string(&mut out).expect("utf-8");
    out
}

/// The first sheet's rows as read by openpyxl, or `None` when it is not
/// installed (outside CI).
fn openpyxl_rows(bytes: &[u8]) -> Option<Vec<Vec<String>>> {
    let available = std::process::Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "openpyxl is required in CI: python3 -m pip install openpyxl"
        );
        return None;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.xlsx");
    std::fs::write(&path, bytes).expect("write");
    let script = r#"
import sys, json, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
print(json.dumps([[("" if c is None else str(c)) for c in r] for r in ws.iter_rows(values_only=True)]))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).expect("json"))
}

/// Checks one download: status, type, file name, and that the body is the
/// catalogue in that format.
fn check_file(
    lang: &str,
    be: &str,
    format: &str,
    catalog: &Catalog,
    status: u16,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
) {
    assert_eq!(status, 200, "[{be}] {format}: {}", String::from_utf8_lossy(body));
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, file) = match format {
        "docx" => (DOCX, "fixdemo-2.0.docx"),
        "xlsx" => (XLSX, "fixdemo-2.0.xlsx"),
        "html" => ("text/html; charset=utf-8", "fixdemo-2.0.html"),
        _ => ("application/json", "fixdemo-2.0.oscal.json"),
    };
    assert_eq!(header("content-type"), content_type, "[{be}] {format}");
    assert_eq!(
        header("content-disposition"),
        format!("attachment; filename=\"{file}\""),
        "[{be}] {format}"
    );
    let title = catalog.title.get(lang);
    match format {
        "docx" => {
            let document = entry(body, "word/document.xml");
            assert!(document.contains(title), "[{be}] docx lacks the title {title}");
        }
        "xlsx" => {
            // A real workbook: its sheet is in the zip, and openpyxl reads
            // one row per requirement below the header.
            assert!(entry(body, "[Content_Types].xml").contains("spreadsheetml"));
            if let Some(rows) = openpyxl_rows(body) {
                let labels: Vec<&str> = rows.iter().flatten().map(String::as_str).collect();
                for node in catalog.assessable() {
                    assert!(
                        labels.contains(&node.label()),
                        "[{be}] xlsx lacks {}: {rows:?}",
                        node.label()
                    );
                }
            }
        }
        "html" => {
            let html = String::from_utf8_lossy(body);
            assert!(html.starts_with("<!DOCTYPE html>"), "[{be}]");
            assert!(html.contains(title), "[{be}] html lacks the title");
        }
        _ => {
            let back = etterlev_catalog::from_oscal(body).unwrap_or_else(|d| panic!("[{be}] oscal: {d:#?}"));
            assert_eq!(&back, catalog, "[{be}] the OSCAL file is the catalogue");
        }
    }
}

#[tokio::test]
async fn every_catalogue_version_downloads_in_four_formats() {
    for app in TestApp::both().await {
        let be = app.backend;
        app.import_fixture_catalogs().await;
        let catalog = app.store.load_catalog(KEY).await.expect("load").expect("fixdemo 2.0");
        let c = app.login(READER).await;

        // The page links to each file.
        let page = c.get(app.url(&format!("/catalog/{KEY}"))).send().await.expect("get");
        let page = page.text().await.expect("body");
        for (format, label) in [
            ("docx", "Word (.docx)"),
            ("xlsx", "Excel (.xlsx)"),
            ("html", "Utskriftsvennlig side (HTML)"),
            ("oscal", "OSCAL (JSON)"),
        ] {
            let link = format!("<a href=\"/catalog/{KEY}/export?format={format}\" download>{label}</a>");
            assert!(page.contains(&link), "[{be}] page lacks {link}");
        }

        // The pages' downloads.
        for format in ["docx", "xlsx", "html", "oscal"] {
            let r = c
                .get(app.url(&format!("/catalog/{KEY}/export?format={format}")))
                .send()
                .await
                .expect("get");
            let (status, headers) = (r.status().as_u16(), r.headers().clone());
            let body = r.bytes().await.expect("body");
            check_file("nb", be, format, &catalog, status, &headers, &body);
        }
        let r = c
            .get(app.url(&format!("/catalog/{KEY}/export?format=pdf")))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status().as_u16(), 400, "[{be}]");
        assert!(r.text().await.expect("body").contains("Ukjent filformat"), "[{be}]");
        let r = c
            .get(app.url("/catalog/nope@1/export?format=docx"))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status().as_u16(), 404, "[{be}]");

        // The API's.
        let token = app.api_token(READER).await;
        let api = reqwest::Client::new();
        for format in ["docx", "xlsx", "html", "oscal"] {
            let r = api
                .get(app.url(&format!("/api/v1/catalogs/{KEY}/export?format={format}&lang=en")))
                .bearer_auth(&token)
                .send()
                .await
                .expect("get");
            let (status, headers) = (r.status().as_u16(), r.headers().clone());
            let body = r.bytes().await.expect("body");
            check_file("en", be, format, &catalog, status, &headers, &body);
        }
        for (query, status) in [("format=pdf", 400), ("", 400), ("format=docx&lang=de", 400)] {
            let r = api
                .get(app.url(&format!("/api/v1/catalogs/{KEY}/export?{query}")))
                .bearer_auth(&token)
                .send()
                .await
                .expect("get");
            assert_eq!(r.status().as_u16(), status, "[{be}] {query}");
        }
        let r = api
            .get(app.url("/api/v1/catalogs/nope@1/export?format=docx"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get");
        assert_eq!(r.status().as_u16(), 404, "[{be}]");
        let r = api
            .get(app.url(&format!("/api/v1/catalogs/{KEY}/export?format=docx")))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status().as_u16(), 401, "[{be}] the API needs a token");
    }
}

#[tokio::test]
async fn imported_texts_show_their_original_language_and_withdrawn_controls_say_so() {
    for app in TestApp::both().await {
        let be = app.backend;
        let (french, rev4) = import_foreign(&app).await;
        let c = app.login(READER).await;
        let get = |path: String| {
            let c = c.clone();
            let url = app.url(&path);
            async move {
                let r = c.get(url).send().await.expect("get");
                assert_eq!(r.status().as_u16(), 200, "[{be}] {path}");
                r.text().await.expect("body")
            }
        };

        let tree = get(format!("/catalog/{}?all=1", french.key())).await;
        assert!(
            tree.contains("tekstene er på originalspråket (fr)"),
            "[{be}] the tree says the texts are French: {tree}"
        );
        assert!(tree.contains("Former les équipes"), "[{be}] {tree}");
        let node = get(format!("/catalog/{}/node/1", french.key())).await;
        assert!(node.contains("Originalspråk: fr"), "[{be}] {node}");
        assert!(node.contains("<section lang=\"fr\""), "[{be}] {node}");
        assert!(node.contains("Ingen tekst på bokmål."), "[{be}] {node}");
        assert!(node.contains("Former les équipes"), "[{be}] {node}");

        // The printable page and the Word file carry the same note.
        let html = get(format!("/catalog/{}/export?format=html", french.key())).await;
        assert!(html.contains("originalspråket (fr)"), "[{be}] {html}");
        assert!(html.contains("Former les équipes"), "[{be}]");
        let r = c
            .get(app.url(&format!("/catalog/{}/export?format=docx&lang=en", french.key())))
            .send()
            .await
            .expect("get");
        let docx = entry(&r.bytes().await.expect("body"), "word/document.xml");
        assert!(docx.contains("original language (fr)"), "[{be}] docx note");

        let withdrawn = get(format!("/catalog/{}/node/ac-13", rev4.key())).await;
        assert!(withdrawn.contains("id=\"withdrawn\""), "[{be}] {withdrawn}");
        assert!(withdrawn.contains("Trukket tilbake"), "[{be}]");
        let tree = get(format!("/catalog/{}?all=1", rev4.key())).await;
        assert!(
            tree.contains("1 krav og anbefalinger, uten filter"),
            "[{be}] only AC-14 is a requirement: {tree}"
        );
    }
}

/// The Normen Word document says whose numbers it uses and marks each
/// number that is ours; a number Normen itself confirms (chapter 2) is not
/// marked. Checked in the document's XML and by openpyxl in the Excel file.
#[tokio::test]
async fn normen_downloads_mark_our_numbers() {
    let app = TestApp::sqlite().await;
    let set = etterlev_catalog::load_path(&etterlev_web::demo::catalog_dir().join("normen")).expect("normen loads");
    app.store.import_catalog_set(&set, None, false).await.expect("import");
    let c = app.login(READER).await;
    let get = |format: &str| {
        let c = c.clone();
        let url = app.url(&format!("/catalog/normen@6.0-r2/export?format={format}"));
        async move {
            let r = c.get(url).send().await.expect("get");
            assert_eq!(r.status().as_u16(), 200);
            r.bytes().await.expect("body").to_vec()
        }
    };
    let docx = entry(&get("docx").await, "word/document.xml");
    assert!(docx.contains("Nummerering"), "title page names the numbering");
    assert!(docx.contains("våre egne nummer (rekonstruert)"));
    let ours = docx.matches("vårt nummer, ikke kildens").count();
    assert!(ours > 100, "each of our numbers is marked ({ours})");
    let xlsx = get("xlsx").await;
    if let Some(rows) = openpyxl_rows(&xlsx) {
        let header = &rows[0];
        let col = header
            .iter()
            .position(|h| h == "Nummerering")
            .expect("a numbering column");
        let numbered: Vec<_> = rows[1..].iter().filter(|r| !r[1].is_empty()).collect();
        assert!(numbered.len() > 100);
        assert!(
            numbered.iter().all(|r| r[col] == "vårt nummer, ikke kildens"),
            "every Normen requirement's number is ours"
        );
    }
}
