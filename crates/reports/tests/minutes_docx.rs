//! Steering-group minutes read back by an independent reader: LibreOffice
//! converts the .docx to HTML, and the attendance table (row by row) and
//! every case with its proposal, discussion and decision must be there.

mod common;

use common::libreoffice::{libreoffice_html, text};
use etterlev_reports::{Lang, Minutes, MinutesAttendance, MinutesCase, MinutesKind, minutes_docx};

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
