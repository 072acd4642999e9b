//! Steering-group minutes read back by an independent reader: LibreOffice
//! converts the .docx to HTML, and the attendance table (row by row) and
//! every case with its proposal, discussion and decision must be there.

mod common;

use std::io::{Cursor, Read};

use common::layout::{check_layout, page_ends, rendered_pages};
use common::libreoffice::{libreoffice_html, text};
use etterlev_reports::{Lang, Minutes, MinutesAttendance, MinutesCase, MinutesFollowup, MinutesKind, minutes_docx};

fn document(docx: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("docx is a zip");
    let mut file = archive.by_name("word/document.xml").expect("document part");
    let mut out = String::new();
    file.read_to_string(&mut out).expect("utf-8 xml");
    out
}

fn minutes() -> Minutes {
    let person = |o: &str, p: &str, a: &str| MinutesAttendance {
        organisation: o.into(),
        role: "Medlem".into(),
        person: p.into(),
        attendance: a.into(),
    };
    let case = |n: &str, t: &str, decision: &str| MinutesCase {
        number: n.into(),
        title: t.into(),
        kind: "Beslutningssak".into(),
        time_slot: Some("10:00–10:30".into()),
        presenter: Some("Sekretariatet".into()),
        background: Some(format!("Bakgrunn for {t}.")),
        proposal: Some(format!("Styringsgruppen godkjenner {t}.")),
        comments: vec![("KS".into(), format!("Merknad til {t}."))],
        decision: Some(decision.into()),
    };
    Minutes {
        kind: MinutesKind::Minutes,
        title: "Styringsgruppemøte".into(),
        date: "11.06.2026".into(),
        time: Some("10:00–15:00".into()),
        place: Some("Oslo".into()),
        attendance: vec![
            person("Helse Sør-Øst RHF", "Kari Nordmann", "Til stede"),
            person("KS", "Ola Nordmann", "Til stede fra 11:30"),
            person("Norsk helsenett SF", "Per Hansen", "Forfall"),
        ],
        cases: vec![
            case(
                "01/26",
                "faktaark 31",
                "Faktaarket trekkes; revidert versjon i september.",
            ),
            case("02/26", "veileder for skytjenester", "Godkjent som foreslått."),
        ],
        followups: vec![],
        generated: jiff::civil::date(2026, 6, 12),
    }
}

#[test]
fn libreoffice_reads_the_attendance_table_and_every_case() {
    let m = minutes();
    let docx = minutes_docx(&m, Lang::Nb).expect("docx");
    let Some(html) = libreoffice_html(&docx, "minutes") else {
        return;
    };
    // The attendance table: each row's cells in order.
    let rows: Vec<String> = html
        .split("<tr")
        .skip(1)
        .map(|r| text(&format!("<body>{}", r.split("</tr>").next().unwrap_or(""))))
        .collect();
    for a in &m.attendance {
        let row = rows
            .iter()
            .find(|r| r.contains(&a.organisation))
            .unwrap_or_else(|| panic!("no row for {}: {rows:?}", a.organisation));
        let (o, p, s) = (
            row.find(&a.organisation).unwrap_or(usize::MAX),
            row.find(&a.person).unwrap_or(usize::MAX),
            row.find(&a.attendance).unwrap_or(usize::MAX),
        );
        assert!(o < p && p < s && s != usize::MAX, "row out of order: {row}");
    }
    let all = text(&html);
    for c in &m.cases {
        for needle in [
            format!("Sak {} {}", c.number, c.title),
            c.proposal.clone().unwrap_or_default(),
            c.comments[0].1.clone(),
            c.decision.clone().unwrap_or_default(),
        ] {
            assert!(all.contains(&needle), "missing {needle:?}");
        }
    }
}

/// Minutes long enough for several pages, with follow-up items.
fn long_minutes() -> Minutes {
    let mut m = minutes();
    let case = m.cases[0].clone();
    for i in 3..14 {
        let mut c = case.clone();
        c.number = format!("{i:02}/26");
        c.title = format!("sak nummer {i}");
        c.background = Some(format!(
            "Bakgrunn for sak {i}.\nAndre avsnitt med mer tekst om saken.\nTredje avsnitt."
        ));
        m.cases.push(c);
    }
    m.followups = vec![MinutesFollowup {
        title: "Revidere faktaark 31".into(),
        owner: "Sekretariatet".into(),
        due: "01.09.2026".into(),
    }];
    m
}

#[test]
fn every_heading_keeps_with_its_text_and_every_table_fits_its_headers() {
    for lang in [Lang::Nb, Lang::En] {
        for kind in [MinutesKind::Minutes, MinutesKind::Invitation] {
            let mut m = long_minutes();
            m.kind = kind;
            let docx = minutes_docx(&m, lang).expect("docx");
            // 11 pt table text: about 100 twips per character.
            let (headings, tables) = check_layout(&document(&docx), 100);
            assert!(headings > 10, "{lang} {kind:?}: {headings}");
            assert_eq!(tables, 2, "{lang} {kind:?}");
        }
    }
}

/// Rendered by LibreOffice: the attendance headers stand whole, and no
/// page ends with a heading (a case, "Vedtak", "Diskusjon", …).
#[test]
fn libreoffice_keeps_headings_with_their_text() {
    let m = long_minutes();
    let docx = minutes_docx(&m, Lang::Nb).expect("docx");
    let Some(pages) = rendered_pages(&docx, "minutes-long") else {
        return;
    };
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let all = pages.join("\n");
    let header = all
        .lines()
        .find(|l| l.contains("Organisasjon"))
        .unwrap_or_else(|| panic!("no header line in\n{all}"));
    for w in ["Organisasjon", "Rolle", "Representant", "Oppmøte"] {
        assert!(header.split_whitespace().any(|x| x == w), "{w:?} broken in {header:?}");
    }
    let ends = page_ends(&pages, |l| l.starts_with("Side ") || l.starts_with("Referat:"));
    for end in &ends {
        assert!(!end.starts_with("Sak "), "a page ends with the heading {end:?}");
        for heading in [
            "Bakgrunn",
            "Forslag til vedtak",
            "Diskusjon",
            "Vedtak",
            "Deltakere",
            "Saker",
        ] {
            assert_ne!(end, heading, "a page ends with a heading");
        }
    }
}
