//! The Word document: its package parts checked directly, then the whole
//! file converted by LibreOffice as an independent reader.

mod common;

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use etterlev_catalog::{Catalog, NodeKind};
use etterlev_reports::{Lang, catalog_docx, catalog_docx_on};

fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("docx is a zip");
    let mut file = archive.by_name(name).expect("part exists");
    let mut out = String::new();
    file.read_to_string(&mut out).expect("utf-8 xml");
    out
}

#[test]
fn package_has_toc_field_heading_styles_and_update_on_open() {
    let catalog = common::sample();
    let docx = catalog_docx_on(&catalog, Lang::Nb, common::generated()).expect("docx");
    let document = part(&docx, "word/document.xml");
    let styles = part(&docx, "word/styles.xml");
    let settings = part(&docx, "word/settings.xml");

    assert!(document.contains(r#"<w:instrText>TOC \o &quot;1-3&quot; \h</w:instrText>"#));
    assert!(document.contains(r#"<w:fldChar w:fldCharType="begin" w:dirty="true" />"#));
    assert!(document.contains("Høyreklikk og oppdater feltet"));
    assert!(settings.contains(r#"<w:updateFields w:val="true" />"#));
    assert!(settings.find("<w:updateFields").expect("updateFields") < settings.find("<w:compat>").expect("compat"));

    for (level, outline) in [(1, 0), (2, 1), (3, 2)] {
        let start = styles
            .find(&format!(r#"w:styleId="Heading{level}""#))
            .expect("heading style");
        let style = &styles[start..start + styles[start..].find("</w:style>").expect("style end")];
        assert!(
            style.contains(&format!(r#"<w:name w:val="heading {level}" />"#)),
            "{style}"
        );
        assert!(
            style.contains(&format!(r#"<w:outlineLvl w:val="{outline}" />"#)),
            "{style}"
        );
    }
    assert!(styles.contains(r#"<w:lang w:val="nb-NO""#));
    assert_eq!(
        document.matches(r#"<w:pStyle w:val="Heading1" />"#).count(),
        common::count(&catalog, NodeKind::Chapter)
    );
    assert_eq!(
        document.matches(r#"<w:pStyle w:val="Heading2" />"#).count(),
        common::count(&catalog, NodeKind::Section)
    );

    // Header with title and version, footer with page numbers; nothing on
    // the title page.
    assert!(document.contains("<w:titlePg />"));
    let headers: String = (1..=2).map(|i| part(&docx, &format!("word/header{i}.xml"))).collect();
    assert!(headers.contains("Eksempelkatalog for rapporter · versjon 1.0"));
    let footers: String = (1..=2).map(|i| part(&docx, &format!("word/footer{i}.xml"))).collect();
    assert!(footers.contains("<w:instrText>PAGE</w:instrText>"));
    assert!(footers.contains("<w:instrText>NUMPAGES</w:instrText>"));

    // Parts are compressed (docx-rs alone stores them).
    let mut archive = zip::ZipArchive::new(Cursor::new(&docx)).expect("zip");
    let document_entry = archive.by_name("word/document.xml").expect("document.xml");
    assert_eq!(document_entry.compression(), zip::CompressionMethod::Deflated);
    drop(document_entry);

    let core = part(&docx, "docProps/core.xml");
    assert!(core.contains("<dc:creator>etterlev</dc:creator>"));
    assert!(core.contains("<dc:title>Eksempelkatalog for rapporter · versjon 1.0</dc:title>"));
}

#[test]
fn english_document_uses_english_labels() {
    let catalog = common::sample();
    let docx = catalog_docx(&catalog, Lang::En).expect("docx");
    let document = part(&docx, "word/document.xml");
    assert!(document.contains("Right-click and update field"));
    assert!(document.contains("Requirement · ID 1.1-a"));
    assert!(document.contains("Recommendation · ID 1.1-b"));
    assert!(document.contains("Not verified against the source"));
    assert!(document.contains("Sample catalogue for reports"));
}

// ---------------------------------------------------------------- LibreOffice

fn soffice() -> Option<PathBuf> {
    let from_path = std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join("soffice"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    from_path
        .into_iter()
        .chain([
            PathBuf::from("/usr/bin/soffice"),
            PathBuf::from("/usr/lib/libreoffice/program/soffice"),
        ])
        .find(|p| p.is_file())
}

/// Converts `docx` to HTML with LibreOffice and returns the HTML, or `None`
/// (after saying so) when LibreOffice is not installed outside CI.
fn libreoffice_html(docx: &[u8], name: &str) -> Option<String> {
    let Some(soffice) = soffice() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("LibreOffice (soffice) is required in CI: apt-get install libreoffice-writer-nogui");
        }
        println!("SKIPPED: LibreOffice (soffice) not installed");
        eprintln!("SKIPPED: LibreOffice (soffice) not installed");
        return None;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join(format!("{name}.docx"));
    std::fs::write(&input, docx).expect("write docx");
    let out = dir.path().join("out");
    // A fresh profile per run: no lock shared with other runs or a desktop session.
    let profile = dir.path().join("lo-profile");
    let mut child = Command::new(&soffice)
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", "html", "--outdir"])
        .arg(&out)
        .arg(&input)
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start soffice");
    let deadline = Instant::now() + Duration::from_secs(180);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for soffice") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("soffice did not finish within 180 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(status.success(), "soffice failed ({status}): {stderr}");
    let html_path: PathBuf = out.join(format!("{name}.html"));
    Some(
        std::fs::read_to_string(&html_path)
            .unwrap_or_else(|e| panic!("no {}: {e}; stderr: {stderr}", path(&html_path))),
    )
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

/// Opening tags `<hN` (followed by a space or `>`) in the HTML.
fn headings(html: &str, level: u8) -> usize {
    let tag = format!("<h{level}");
    html.match_indices(&tag)
        .filter(|(i, _)| matches!(html.as_bytes().get(i + tag.len()), Some(b' ' | b'>' | b'\n' | b'\t')))
        .count()
}

/// The visible text: tags removed, entities decoded, whitespace collapsed
/// (LibreOffice wraps long lines).
fn text(html: &str) -> String {
    let body = html.split_once("<body").map_or(html, |(_, b)| b);
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = decode_entities(&out);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            e if e.starts_with("#x") || e.starts_with("#X") => {
                u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32)
            }
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn check_with_libreoffice(catalog: &Catalog, lang: Lang) {
    let docx = catalog_docx_on(catalog, lang, common::generated()).expect("docx");
    let Some(html) = libreoffice_html(&docx, &format!("sample-{lang}")) else {
        return;
    };
    let text = text(&html);

    assert_eq!(
        headings(&html, 1),
        common::count(catalog, NodeKind::Chapter),
        "h1 = chapters\n{html}"
    );
    assert_eq!(
        headings(&html, 2),
        common::count(catalog, NodeKind::Section),
        "h2 = sections\n{html}"
    );
    assert_eq!(headings(&html, 3), 0);

    let requirements: Vec<_> = catalog
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Requirement)
        .collect();
    let found = requirements
        .iter()
        .filter(|n| text.contains(&format!("ID {}", n.id)))
        .count();
    assert_eq!(found, requirements.len(), "every requirement id in the text\n{text}");
    // Every assessable node's block title appears exactly once.
    for node in catalog.assessable() {
        let title = format!("{} — {}", node.label(), node.title.get(lang.as_str()));
        assert_eq!(text.matches(&title).count(), 1, "{title}\n{text}");
    }
    // The title page, the TOC placeholder and the hyperlinks survive.
    assert!(text.contains(catalog.title.get(lang.as_str())));
    assert!(html.contains(r#"href="https://www.helsedirektoratet.no/normen""#));
    let (placeholder, unverified) = match lang {
        Lang::Nb => ("Høyreklikk og oppdater feltet", "Ikke verifisert mot kilden"),
        Lang::En => ("Right-click and update field", "Not verified against the source"),
    };
    assert!(text.contains(placeholder));
    let unverified_nodes = catalog.nodes.iter().filter(|n| !n.verified).count();
    // One marker per unverified node, plus the count on the title page.
    assert_eq!(text.matches(unverified).count(), unverified_nodes + 1);
    assert!(
        text.contains("<lav>") || text.contains("<low>"),
        "markup in text stays text"
    );
}

#[test]
fn libreoffice_reads_headings_and_every_requirement_nb() {
    check_with_libreoffice(&common::sample(), Lang::Nb);
}

#[test]
fn libreoffice_reads_headings_and_every_requirement_en() {
    check_with_libreoffice(&common::sample(), Lang::En);
}

#[test]
fn entity_decoding() {
    assert_eq!(
        decode_entities("a &amp; b &lt;c&gt; &#229;&#xE6; & x"),
        "a & b <c> åæ & x"
    );
    assert_eq!(text("<body><p>a\n  b</p><h1>c</h1></body>"), "a b c");
}
