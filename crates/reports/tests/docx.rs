//! The Word document: its package parts checked directly, then the whole
//! file converted by LibreOffice as an independent reader.

mod common;

use std::io::{Cursor, Read};

use common::libreoffice::{decode_entities, headings, libreoffice_html, text};
use etterlev_catalog::{Catalog, NodeKind};
use etterlev_reports::{Lang, catalog_docx, catalog_docx_on};

fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("docx is a zip");
    let mut file = archive.by_name(name).expect("part exists");
    let mut out = String::new();
    file.read_to_string(&mut out).expect("utf-8 xml");
    out
}

/// The heading texts in document order, with their level (1–3), as the
/// document writes them: "number title", or the title alone.
fn heading_texts(catalog: &Catalog, lang: Lang) -> Vec<(usize, String)> {
    catalog
        .tree_order()
        .into_iter()
        .filter(|(_, n)| n.kind.is_structural())
        .map(|(depth, n)| {
            let title = n.title.get(lang.as_str());
            let text = match &n.number {
                Some(number) => format!("{number} {title}"),
                None => title.to_owned(),
            };
            ((depth + 1).min(3), text)
        })
        .collect()
}

/// Where the field whose instruction is at `instr` ends: its matching
/// `end` field character, skipping the fields nested in its result.
fn field_end(document: &str, instr: usize) -> usize {
    let mut depth = 1;
    let mut at = instr;
    while let Some(found) = document[at..].find("w:fldCharType=\"") {
        at += found + "w:fldCharType=\"".len();
        if document[at..].starts_with("begin") {
            depth += 1;
        } else if document[at..].starts_with("end") {
            depth -= 1;
            if depth == 0 {
                return at;
            }
        }
    }
    panic!("field does not end");
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
    assert!(document.contains("Sidetallene fylles inn når innholdsfortegnelsen oppdateres"));
    assert!(!document.contains("Høyreklikk og oppdater feltet for å vise"));
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

    // The field's result is filled in: one entry per heading, in order,
    // in the TOC N style, linking to a bookmark on that heading, with a
    // PAGEREF to it; the field ends after the last entry, before the first
    // chapter.
    let headings = heading_texts(&catalog, Lang::Nb);
    assert!(headings.len() >= 6, "{headings:?}");
    let field_begin = document.find("<w:instrText>TOC ").expect("TOC field");
    let field_end = field_end(&document, field_begin);
    let first_chapter = document.find(r#"<w:pStyle w:val="Heading1" />"#).expect("chapter");
    let mut at = field_begin;
    for (i, (level, text)) in headings.iter().enumerate() {
        let bookmark = format!("_Toc{:08}", i + 1);
        let entry = format!(
            r#"<w:hyperlink w:anchor="{bookmark}" w:history="1"><w:r><w:rPr /><w:t xml:space="preserve">{text}</w:t>"#
        );
        let found = at
            + document[at..]
                .find(&entry)
                .unwrap_or_else(|| panic!("TOC entry {entry}"));
        let paragraph_start = document[..found].rfind("<w:p ").expect("entry paragraph");
        assert!(
            document[paragraph_start..found].contains(&format!(r#"<w:pStyle w:val="TOC{level}" />"#)),
            "{text}: TOC{level}"
        );
        assert!(document[found..].contains(&format!(r"<w:instrText>PAGEREF {bookmark} \h</w:instrText>")));
        at = found + entry.len();
        // The heading carries the bookmark, around its text.
        let target = format!(
            r#"<w:bookmarkStart w:id="{}" w:name="{bookmark}" /><w:r><w:rPr /><w:t xml:space="preserve">{text}</w:t></w:r><w:bookmarkEnd w:id="{}" />"#,
            i + 1,
            i + 1
        );
        let heading = document.find(&target).unwrap_or_else(|| panic!("bookmark on {text}"));
        let heading_paragraph = &document[document[..heading].rfind("<w:p ").expect("heading paragraph")..heading];
        assert!(heading_paragraph.contains(&format!(r#"<w:pStyle w:val="Heading{level}" />"#)));
        assert!(
            heading > first_chapter,
            "{text}: bookmark on the heading, not in the contents"
        );
    }
    assert!(at < field_end && field_end < first_chapter);
    assert_eq!(document.matches("<w:instrText>PAGEREF ").count(), headings.len());
    for level in 1..=3 {
        assert!(styles.contains(&format!(r#"w:styleId="TOC{level}""#)));
        assert!(styles.contains(&format!(r#"<w:name w:val="toc {level}" />"#)));
    }

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
    assert!(document.contains("Page numbers are filled in when the table of contents is updated"));
    for (_, heading) in heading_texts(&catalog, Lang::En) {
        assert!(
            document.contains(&format!(r#"<w:t xml:space="preserve">{heading}</w:t>"#)),
            "{heading}"
        );
    }
    assert!(document.contains("Requirement · ID 1.1-a"));
    assert!(document.contains("Recommendation · ID 1.1-b"));
    assert!(document.contains("Not verified against the source"));
    assert!(document.contains("Sample catalogue for reports"));
}

// ---------------------------------------------------------------- LibreOffice

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
    // The title page, the note on page numbers and the hyperlinks survive.
    assert!(text.contains(catalog.title.get(lang.as_str())));
    assert!(html.contains(r#"href="https://www.helsedirektoratet.no/normen""#));
    let (note, unverified) = match lang {
        Lang::Nb => (
            "Sidetallene fylles inn når innholdsfortegnelsen oppdateres",
            "Ikke verifisert mot kilden",
        ),
        Lang::En => (
            "Page numbers are filled in when the table of contents is updated",
            "Not verified against the source",
        ),
    };
    assert!(text.contains(note));

    // The contents are there without updating the field: before the first
    // chapter, after the note, every heading in order, each a link to the
    // anchor LibreOffice writes on that heading.
    let first_h1 = html.find("<h1").expect("a chapter");
    let contents = &html[..first_h1];
    let contents_text = common::libreoffice::text(contents);
    let mut at = contents_text.find(note).expect("note before the contents");
    for (i, (_, heading)) in heading_texts(catalog, lang).iter().enumerate() {
        let found = contents_text[at..]
            .find(heading.as_str())
            .unwrap_or_else(|| panic!("{heading} in the contents, in order\n{contents_text}"));
        at += found + heading.len();
        let bookmark = format!("_Toc{:08}", i + 1);
        assert!(
            contents.contains(&format!(r##"href="#{bookmark}""##)),
            "link to {bookmark}"
        );
        assert!(
            html[first_h1..].contains(&format!(r#"<a name="{bookmark}">"#)),
            "anchor {bookmark}"
        );
    }
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

#[test]
fn every_heading_keeps_with_its_text() {
    let catalog = common::sample();
    for lang in [Lang::Nb, Lang::En] {
        let docx = catalog_docx_on(&catalog, lang, common::generated()).expect("docx");
        let (headings, tables) = common::layout::check_layout(&part(&docx, "word/document.xml"), 85);
        assert_eq!(headings, heading_texts(&catalog, lang).len(), "{lang}");
        assert_eq!(tables, 0);
    }
}
