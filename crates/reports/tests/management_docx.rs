//! The management report and the one-page action list in Word: package
//! parts checked directly, then the files converted by LibreOffice as an
//! independent reader.

mod common;

use std::io::{Cursor, Read};

use common::layout::{check_layout, page_ends, rendered_pages};
use common::libreoffice::{headings, libreoffice_html, text};
use etterlev_reports::{Lang, action_list_docx, management_docx};

fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("docx is a zip");
    let mut file = archive.by_name(name).expect("part exists");
    let mut out = String::new();
    file.read_to_string(&mut out).expect("utf-8 xml");
    out
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn management_package_has_headings_tables_and_repeating_header_rows() {
    let report = common::report();
    let docx = management_docx(&report, Lang::Nb).expect("docx");
    let document = part(&docx, "word/document.xml");
    let styles = part(&docx, "word/styles.xml");

    // Sections as Heading 1, the results' parts as Heading 2.
    assert_eq!(count(&document, r#"<w:pStyle w:val="Heading1" />"#), 6);
    assert_eq!(count(&document, r#"<w:pStyle w:val="Heading2" />"#), 3);
    for (level, outline) in [(1, 0), (2, 1)] {
        let start = styles.find(&format!(r#"w:styleId="Heading{level}""#)).expect("style");
        let style = &styles[start..start + styles[start..].find("</w:style>").expect("end")];
        assert!(
            style.contains(&format!(r#"<w:outlineLvl w:val="{outline}" />"#)),
            "{style}"
        );
    }
    for heading in [
        "Sammendrag",
        "Resultater",
        "Mangler (5)",
        "Tiltaksplan",
        "Dokumentasjon",
        "Om tallene",
    ] {
        assert!(
            document.contains(&format!(r#"<w:t xml:space="preserve">{heading}</w:t>"#)),
            "{heading}"
        );
    }
    // Scores, heat map, trend, gaps, actions, evidence: six tables, each
    // with a header row that repeats on every page.
    assert_eq!(count(&document, "<w:tbl>"), 6);
    assert_eq!(count(&document, "<w:tblHeader />"), 6);
    // Every gap once, patient safety first.
    let first = document
        .find("Tilgangsstyring i journalsystemet")
        .expect("patient safety gap");
    let low = document.find("Avtale med skyleverandør").expect("low gap");
    assert!(first < low);
    assert!(document.contains("Logg over &lt;tilganger&gt; &amp; oppslag"));
    // The overdue action is marked in red; hashes and links are there.
    assert!(document.contains(r#"<w:color w:val="A00000" />"#));
    // The checksum whole, in groups of 16 that may go on lines of their own.
    assert!(
        document.contains("9f86d081884c7d65\u{200b}9a2feaa0c55ad015\u{200b}a3bf4f1b2b0b822c\u{200b}d15d6c15b0f00a08")
    );
    let rels = part(&docx, "word/_rels/document.xml.rels");
    assert!(rels.contains("https://intranett.example.no/avvik?vis=alle&amp;sort=dato"));
    // The score is explained as etterlev's own.
    assert!(document.contains("ikke en offisiell poengsum fra Normen"));
    // Bars are shading, not characters.
    assert!(document.contains(r#"w:fill="0072B2""#));

    assert!(styles.contains(r#"<w:lang w:val="nb-NO""#));
    let headers = part(&docx, "word/header1.xml");
    assert!(headers.contains("Ledelsesrapport · Fjordlegene AS · Egenvurdering 2025"));
    let footer = part(&docx, "word/footer1.xml");
    assert!(footer.contains("<w:instrText>NUMPAGES</w:instrText>"));
    let core = part(&docx, "docProps/core.xml");
    assert!(core.contains("<dc:title>Ledelsesrapport · Fjordlegene AS · Egenvurdering 2025</dc:title>"));
    assert!(core.contains("2025-03-01T00:00:00Z"));
}

#[test]
fn management_without_trend_or_heatmap_has_fewer_parts() {
    let mut report = common::report();
    report.trend.truncate(1);
    report.maturity_levels.clear();
    report.evidence.clear();
    let docx = management_docx(&report, Lang::En).expect("docx");
    let document = part(&docx, "word/document.xml");
    assert_eq!(count(&document, r#"<w:pStyle w:val="Heading2" />"#), 1);
    assert_eq!(count(&document, "<w:tbl>"), 3);
    assert!(document.contains("No evidence has been uploaded."));
    assert!(part(&docx, "word/styles.xml").contains(r#"<w:lang w:val="en-GB""#));
}

#[test]
fn action_list_package() {
    let docx = action_list_docx(&common::report(), Lang::Nb).expect("docx");
    let document = part(&docx, "word/document.xml");
    assert_eq!(count(&document, r#"<w:pStyle w:val="Heading1" />"#), 2);
    assert!(document.contains("Fjordlegene AS oppfyller 8 av 13 krav som gjelder: 62\u{a0}%."));
    assert!(document.contains("Skriv rutine for tildeling av tilgang"));
    assert!(document.contains("Gjør ferdig: Årlig gjennomgang i ledelsen"));
    assert!(document.contains("Slik går dere videre"));
    assert_eq!(count(&document, "<w:tbl>"), 0);
}

#[test]
fn libreoffice_reads_the_management_report() {
    let report = common::report();
    let docx = management_docx(&report, Lang::Nb).expect("docx");
    let Some(html) = libreoffice_html(&docx, "management-nb") else {
        return;
    };
    let text = text(&html);
    assert_eq!(headings(&html, 1), 6, "{html}");
    assert_eq!(headings(&html, 2), 3);
    assert_eq!(count(&html, "<table"), 6);
    assert!(text.contains("Mangler (5)"));
    // Every gap exactly once, in the gaps table: header row plus five.
    for gap in &report.gaps {
        assert_eq!(count(&text, &gap.title), 1, "{}", gap.title);
    }
    let gaps_at = html.find("Mangler (5)").expect("gaps heading");
    let gaps_table = &html[gaps_at..];
    let gaps_table = &gaps_table[gaps_table.find("<table").expect("table")..];
    let gaps_table = &gaps_table[..gaps_table.find("</table>").expect("end")];
    assert_eq!(count(gaps_table, "<tr"), 1 + report.gaps.len());
    assert!(text.contains("Fjordlegene AS oppfyller 8 av 13 krav som gjelder"));
    assert!(text.contains("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"));
    assert!(text.contains("Risikostyring & <kontroll>"), "markup stays text");
    assert!(html.contains("href=\"https://intranett.example.no/avvik?vis=alle&amp;sort=dato\""));
}

#[test]
fn libreoffice_reads_the_action_list() {
    let docx = action_list_docx(&common::report(), Lang::En).expect("docx");
    let Some(html) = libreoffice_html(&docx, "action-list-en") else {
        return;
    };
    let text = text(&html);
    assert_eq!(headings(&html, 1), 2, "{html}");
    assert!(text.contains("Fjordlegene AS meets 8 of 13 applicable requirements: 62%."));
    let first = text
        .find("1. Skriv rutine for tildeling av tilgang")
        .expect("first item");
    let last = text.find("5. Inngå databehandleravtale").expect("last item");
    assert!(first < last);
    assert!(text.contains("What to do next"));
}

/// Twips per header character a 9 pt header needs at least (about half
/// an em); the old widths gave "Gjelder" and "Oppfylt" less.
const PER_CHAR_9PT: usize = 85;

#[test]
fn every_heading_keeps_with_its_text_and_every_table_fits_its_headers() {
    let report = common::report();
    for lang in [Lang::Nb, Lang::En] {
        let docx = management_docx(&report, lang).expect("docx");
        let (headings, tables) = check_layout(&part(&docx, "word/document.xml"), PER_CHAR_9PT);
        assert_eq!((headings, tables), (9, 6), "{lang}");
        let docx = action_list_docx(&report, lang).expect("docx");
        let (headings, tables) = check_layout(&part(&docx, "word/document.xml"), PER_CHAR_9PT);
        assert_eq!((headings, tables), (2, 0), "{lang}");
    }
}

/// A report long enough for several pages: many gaps and actions.
fn long_report(extra: usize) -> etterlev_reports::ManagementReport {
    let mut report = common::report();
    let gap = report.gaps[0].clone();
    let action = report.actions[0].clone();
    for i in 0..extra {
        let mut g = gap.clone();
        g.label = format!("9.{i} a");
        g.title = format!("Ekstra mangel nummer {i} med en lang tittel som går over flere linjer i tabellen");
        report.gaps.push(g);
        let mut a = action.clone();
        a.title = format!("Ekstra tiltak {i}");
        report.actions.push(a);
    }
    report
}

/// LibreOffice renders the report to PDF; pdftotext reads it back. The
/// scores table's headers stand whole on one line ("Gjelder", not "Gjeld"
/// and "er"), and no page ends with a heading or with the text that
/// introduces a table.
#[test]
fn libreoffice_renders_whole_headers_and_keeps_headings_with_their_text() {
    for (lang, extra, header_words, stuck) in [
        (
            Lang::Nb,
            18,
            [
                "Kapittel",
                "Gjelder",
                "Oppfylt",
                "Delvis",
                "Ikke",
                "relevant",
                "Etterlevelse",
                "Modenhet",
            ],
            [
                "Sammendrag",
                "Resultater",
                "Mangler",
                "Tiltaksplan",
                "Dokumentasjon",
                "Om tallene",
            ],
        ),
        (
            Lang::En,
            24,
            [
                "Chapter",
                "Applicable",
                "Met",
                "Partly",
                "Not",
                "applicable",
                "Compliance",
                "Maturity",
            ],
            [
                "Summary",
                "Results",
                "Gaps",
                "Action plan",
                "Evidence",
                "About the figures",
            ],
        ),
    ] {
        let docx = management_docx(&long_report(extra), lang).expect("docx");
        let Some(pages) = rendered_pages(&docx, &format!("management-{lang}")) else {
            return;
        };
        assert!(pages.len() >= 3, "{lang}: {} pages", pages.len());
        let all = pages.join("\n");
        let header_line = all
            .lines()
            .find(|l| l.split_whitespace().any(|w| w == header_words[0]) && l.contains(header_words[1]))
            .unwrap_or_else(|| panic!("{lang}: no header line with {header_words:?} in\n{all}"));
        let words: Vec<&str> = header_line.split_whitespace().collect();
        for w in header_words {
            assert!(
                words.contains(&w),
                "{lang}: {w:?} broken in header line {header_line:?}"
            );
        }
        let l = labels_for(lang);
        let ends = page_ends(&pages, |line| line.starts_with(l.0) || line.contains(l.1));
        for end in &ends {
            for heading in stuck {
                // "Mangler (23)": the heading, possibly with its count.
                let is_heading = end == heading || end.starts_with(&format!("{heading} ("));
                assert!(!is_heading, "{lang}: a page ends with the heading {end:?}");
            }
        }
    }
}

/// Footer and running header words, left out of page ends.
fn labels_for(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::Nb => ("Side ", "Ledelsesrapport ·"),
        Lang::En => ("Page ", "Management report ·"),
    }
}
