//! Every Word document we write, rendered by LibreOffice to PDF and read
//! back with pdftotext, with content chosen to break badly laid-out
//! tables: long words ("Tannlegeforeningen", "Pasientsikkerhet"), dates,
//! a long link and a SHA-256 checksum. No word of a table cell may be
//! broken across lines (only the link and the checksum may break, where
//! the document marks it), no page may end with a heading, and the table
//! of contents tells how to fill in its page numbers.
//!
//! Skips (saying so) where LibreOffice or pdftotext is missing, except
//! under CI=true.

mod common;

use std::io::{Cursor, Read};

use common::layout::{assert_table_words_whole, elements, page_ends, rendered_pages, texts};
use etterlev_reports::{
    EvidenceRow, Lang, ManagementReport, Minutes, MinutesFollowup, catalog_docx_on, management_docx, minutes_docx,
};

fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("docx is a zip");
    let mut file = archive.by_name(name).expect("part exists");
    let mut out = String::new();
    file.read_to_string(&mut out).expect("utf-8 xml");
    out
}

const URL: &str = "https://www.helsedirektoratet.no/normen/faktaark/tilgangsstyring-og-logging?utgave=2026&vis=alle";
const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// The sample report with the words that broke before: a dental
/// association as owner, patient safety, dates, a long link beside a
/// checksum column that is empty for links.
fn long_words_report(extra: usize) -> ManagementReport {
    let mut r = common::report();
    r.chapters[0].title = "Pasientsikkerhet og informasjonssikkerhetsstyring".into();
    r.gaps[0].owner = Some("Den norske Tannlegeforeningen".into());
    r.gaps[0].due = Some("2027-01-06".into());
    r.gaps[2].owner = Some("Tannlegeforeningen".into());
    r.actions[0].owner = Some("Tannlegeforeningen".into());
    r.actions[0].deadline = Some("2027-01-06".into());
    r.actions[1].title = "Gjelder: Pasientsikkerhet i Helse Sør-Øst".into();
    r.evidence.push(EvidenceRow {
        requirement: "2.1 a".into(),
        name: "Tilgangsstyring".into(),
        sha256: None,
        url: Some(URL.into()),
    });
    r.evidence.push(EvidenceRow {
        requirement: "2.1 b".into(),
        name: "Logganalyse-2027-01-06.pdf".into(),
        sha256: Some(SHA.into()),
        url: None,
    });
    let gap = r.gaps[0].clone();
    for i in 0..extra {
        let mut g = gap.clone();
        g.label = format!("9.{i} a");
        g.title = format!("Ekstra mangel {i}: Pasientsikkerhet og Tannlegeforeningen");
        r.gaps.push(g);
    }
    r
}

fn long_words_minutes() -> Minutes {
    let mut m = common_minutes();
    m.attendance[0].organisation = "Den norske Tannlegeforeningen".into();
    m.attendance[1].role = "Observatør".into();
    m.attendance[1].attendance = "Til stede fra 11:30".into();
    m.followups = vec![
        MinutesFollowup {
            title: "Pasientsikkerhet: revidere faktaark 31".into(),
            owner: "Tannlegeforeningen".into(),
            due: "2027-01-06".into(),
        },
        MinutesFollowup {
            title: format!("Lenke: {URL}"),
            owner: "Sekretariatet".into(),
            due: "06.01.2027".into(),
        },
    ];
    m
}

fn common_minutes() -> Minutes {
    use etterlev_reports::{MinutesAttendance, MinutesCase, MinutesKind};
    let person = |o: &str, p: &str| MinutesAttendance {
        organisation: o.into(),
        role: "Medlem".into(),
        person: p.into(),
        attendance: "Til stede".into(),
    };
    let case = |i: usize| MinutesCase {
        number: format!("{i:02}/26"),
        title: format!("sak nummer {i}"),
        kind: "Beslutningssak".into(),
        time_slot: Some("10:00–10:30".into()),
        presenter: Some("Sekretariatet".into()),
        background: Some(format!("Bakgrunn for sak {i}.\nAndre avsnitt med mer tekst.")),
        proposal: Some("Styringsgruppen godkjenner.".into()),
        comments: vec![("KS".into(), "Merknad.".into())],
        decision: Some("Godkjent som foreslått.".into()),
    };
    Minutes {
        kind: MinutesKind::Minutes,
        title: "Styringsgruppemøte".into(),
        date: "11.06.2026".into(),
        time: Some("10:00–15:00".into()),
        place: Some("Oslo".into()),
        attendance: vec![
            person("Helse Sør-Øst RHF", "Kari Nordmann"),
            person("KS", "Ola Nordmann"),
            person("Norsk helsenett SF", "Per Hansen"),
        ],
        cases: (1..4).map(case).collect(),
        followups: vec![],
        generated: jiff::civil::date(2026, 6, 12),
    }
}

/// The management report's tables, in both languages: every word whole.
#[test]
fn management_report_keeps_every_table_word_whole() {
    for lang in [Lang::Nb, Lang::En] {
        let docx = management_docx(&long_words_report(0), lang).expect("docx");
        let document = part(&docx, "word/document.xml");
        let Some(pages) = rendered_pages(&docx, &format!("words-management-{lang}")) else {
            return;
        };
        // Shown with --nocapture, to look at.
        println!("{}", pages.join("\n\u{c}\n"));
        let checked = assert_table_words_whole(&pages, &document, &format!("management report {lang}"));
        assert!(checked > 200, "{checked} words");
        let all = pages.join("\n");
        for word in ["Tannlegeforeningen", "Pasientsikkerhet", "06.01.2027"] {
            assert!(all.split_whitespace().any(|w| w == word), "{lang}: {word} not whole");
        }
    }
}

/// The link and the checksum break only at the marks: the link's column
/// is wide enough that it takes at most a few lines, and the checksum
/// reads as four groups of 16.
#[test]
fn links_and_checksums_break_in_few_places() {
    let docx = management_docx(&long_words_report(0), Lang::Nb).expect("docx");
    let Some(pages) = rendered_pages(&docx, "words-evidence") else {
        return;
    };
    let all = pages.join("\n");
    let lines_with_link = all
        .lines()
        .filter(|l| {
            [
                "www.",
                "normen/",
                "faktaark/",
                "tilgangsstyring-",
                "logging?",
                "utgave=",
                "vis=",
            ]
            .iter()
            .any(|p| l.contains(p))
        })
        .count();
    assert!(
        (1..=5).contains(&lines_with_link),
        "the link runs over {lines_with_link} lines:\n{all}"
    );
    for group in [&SHA[..16], &SHA[16..32], &SHA[32..48], &SHA[48..]] {
        assert!(all.contains(group), "checksum group {group} broken:\n{all}");
    }
}

/// The minutes' attendance and follow-up tables: every word whole.
#[test]
fn minutes_keep_every_table_word_whole() {
    for lang in [Lang::Nb, Lang::En] {
        let docx = minutes_docx(&long_words_minutes(), lang).expect("docx");
        let document = part(&docx, "word/document.xml");
        let Some(pages) = rendered_pages(&docx, &format!("words-minutes-{lang}")) else {
            return;
        };
        let checked = assert_table_words_whole(&pages, &document, &format!("minutes {lang}"));
        assert!(checked > 30, "{checked} words");
        let all = pages.join("\n");
        for word in ["Tannlegeforeningen", "2027-01-06", "Observatør"] {
            let whole = all.split_whitespace().any(|w| w.replace('\u{2011}', "-") == word);
            assert!(whole, "{lang}: {word} not whole in\n{all}");
        }
    }
}

/// The heading paragraphs of `document`, as their text.
fn heading_texts(document: &str) -> Vec<String> {
    elements(document, "w:p")
        .into_iter()
        .filter(|p| p.contains(r#"<w:pStyle w:val="Heading"#))
        .map(|p| common::libreoffice::decode_entities(&texts(p)))
        .collect()
}

/// No page ends with a heading, however long the tables before it are:
/// reports of many lengths put every heading near the end of a page once.
#[test]
fn no_page_ends_with_a_heading_at_any_length() {
    for extra in [0, 3, 6, 9, 12, 15, 18, 21] {
        let docx = management_docx(&long_words_report(extra), Lang::Nb).expect("docx");
        let document = part(&docx, "word/document.xml");
        let headings = heading_texts(&document);
        let Some(pages) = rendered_pages(&docx, &format!("headings-{extra}")) else {
            return;
        };
        let ends = page_ends(&pages, |l| l.starts_with("Side ") || l.contains("Ledelsesrapport ·"));
        for end in &ends {
            assert!(
                !headings.iter().any(|h| h == end),
                "{extra} extra gaps: a page ends with the heading {end:?}"
            );
        }
    }
}

/// The catalogue document's table of contents: Word is told to update it
/// on opening, and the page under the heading says how to update it in
/// Word and in LibreOffice.
#[test]
fn table_of_contents_says_how_to_get_page_numbers() {
    let catalog = common::sample();
    for (lang, libreoffice, word) in [
        (Lang::Nb, "Verktøy → Oppdater → Oppdater alle", "F9"),
        (Lang::En, "Tools → Update → Update All", "F9"),
    ] {
        let docx = catalog_docx_on(&catalog, lang, common::generated()).expect("docx");
        let settings = part(&docx, "word/settings.xml");
        assert!(settings.contains(r#"<w:updateFields w:val="true" />"#), "{lang}");
        let document = part(&docx, "word/document.xml");
        let text = common::libreoffice::decode_entities(&texts(&document));
        assert!(text.contains(libreoffice), "{lang}: no LibreOffice instruction");
        assert!(text.contains(word), "{lang}: no Word instruction");
        let Some(pages) = rendered_pages(&docx, &format!("toc-{lang}")) else {
            return;
        };
        let all = common::layout::words(&pages).join(" ");
        assert!(all.contains(libreoffice), "{lang}: the note is not shown:\n{all}");
    }
}
