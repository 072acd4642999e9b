//! Steering-group invitations (agenda) and minutes, as `.docx` and HTML, in
//! the layout the sector knows: a heading with date, time and place; the
//! attendance table (organisation, representative, attendance); then every
//! case with number, title, kind, proposal for decision, the discussion
//! (comments per organisation) and the decision as made; last the open
//! follow-up items. The invitation is the same document without
//! discussion and decisions.
//!
//! The caller fills [`Minutes`] with display strings (dates as dd.mm.yyyy,
//! status words already translated), so this module knows no store types.

use std::io::Cursor;

use docx_rs::{Docx, Paragraph, Run, Style, StyleType, TableCell};

use crate::docx::{BLUE, TEXT_WIDTH, core_props, default_language, deflate, labelled, page_setup, styles};
use crate::docx_table::{self, Column, finish_tables};
use crate::{Lang, ReportError, labels};

/// Which document to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MinutesKind {
    Invitation,
    Minutes,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinutesAttendance {
    pub organisation: String,
    /// "Medlem" / "Observatør".
    pub role: String,
    pub person: String,
    /// "Til stede", "Forfall", "Digitalt", "Til stede fra 11:30".
    pub attendance: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinutesCase {
    /// `NN/YY`.
    pub number: String,
    pub title: String,
    /// "Beslutningssak" etc.
    pub kind: String,
    pub time_slot: Option<String>,
    pub presenter: Option<String>,
    pub background: Option<String>,
    pub proposal: Option<String>,
    /// (organisation, comment), in the order made.
    pub comments: Vec<(String, String)>,
    pub decision: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinutesFollowup {
    pub title: String,
    pub owner: String,
    pub due: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minutes {
    pub kind: MinutesKind,
    pub title: String,
    /// dd.mm.yyyy.
    pub date: String,
    pub time: Option<String>,
    pub place: Option<String>,
    pub attendance: Vec<MinutesAttendance>,
    pub cases: Vec<MinutesCase>,
    pub followups: Vec<MinutesFollowup>,
    pub generated: jiff::civil::Date,
}

/// The fixed words of the documents.
struct Words {
    invitation: &'static str,
    minutes: &'static str,
    date: &'static str,
    time: &'static str,
    place: &'static str,
    attendance: &'static str,
    organisation: &'static str,
    role: &'static str,
    representative: &'static str,
    present: &'static str,
    agenda: &'static str,
    case: &'static str,
    presenter: &'static str,
    time_slot: &'static str,
    background: &'static str,
    proposal: &'static str,
    discussion: &'static str,
    no_comments: &'static str,
    decision: &'static str,
    not_decided: &'static str,
    followups: &'static str,
    owner: &'static str,
    due: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Nb => Words {
            invitation: "Innkalling og saksliste",
            minutes: "Referat",
            date: "Dato",
            time: "Tid",
            place: "Sted",
            attendance: "Deltakere",
            organisation: "Organisasjon",
            role: "Rolle",
            representative: "Representant",
            present: "Oppmøte",
            agenda: "Saker",
            case: "Sak",
            presenter: "Innleder",
            time_slot: "Tidspunkt",
            background: "Bakgrunn",
            proposal: "Forslag til vedtak",
            discussion: "Diskusjon",
            no_comments: "Ingen merknader.",
            decision: "Vedtak",
            not_decided: "Ingen vedtak er registrert.",
            followups: "Oppfølgingspunkter",
            owner: "Ansvarlig",
            due: "Frist",
        },
        Lang::En => Words {
            invitation: "Invitation and agenda",
            minutes: "Minutes",
            date: "Date",
            time: "Time",
            place: "Place",
            attendance: "Attendance",
            organisation: "Organisation",
            role: "Role",
            representative: "Representative",
            present: "Attendance",
            agenda: "Cases",
            case: "Case",
            presenter: "Presenter",
            time_slot: "Time slot",
            background: "Background",
            proposal: "Proposal for decision",
            discussion: "Discussion",
            no_comments: "No comments.",
            decision: "Decision",
            not_decided: "No decision recorded.",
            followups: "Follow-up items",
            owner: "Owner",
            due: "Due",
        },
    }
}

impl Minutes {
    fn doc_title(&self, w: &Words) -> String {
        let what = match self.kind {
            MinutesKind::Invitation => w.invitation,
            MinutesKind::Minutes => w.minutes,
        };
        format!("{what}: {} {}", self.title, self.date)
    }
}

/// Table text size (half points): the document's normal 11 pt.
const TABLE_TEXT: usize = 22;

fn cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(text)))
}

/// A table the width of the text with fitted columns (see `docx_table`).
fn table(columns: &[Column], rows: Vec<Vec<TableCell>>) -> docx_rs::Table {
    docx_table::table(columns, rows, TEXT_WIDTH, TABLE_TEXT, |name| {
        Paragraph::new().add_run(Run::new().add_text(name).bold())
    })
}

fn heading(level: usize, text: &str) -> Paragraph {
    docx_table::heading(level, if level == 1 { 360 } else { 240 }).add_run(Run::new().add_text(text))
}

fn text(t: &str) -> Vec<Paragraph> {
    t.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Paragraph::new().add_run(Run::new().add_text(l.trim())))
        .collect()
}

/// The invitation or the minutes as a `.docx`.
pub fn minutes_docx(m: &Minutes, lang: Lang) -> Result<Vec<u8>, ReportError> {
    let w = words(lang);
    let title = m.doc_title(&w);
    let docx = styles(Docx::new()).add_style(
        Style::new("ReportTitle", StyleType::Paragraph)
            .name("Report Title")
            .based_on("Normal")
            .next("Normal")
            .size(40)
            .bold()
            .color(BLUE),
    );
    let mut docx = page_setup(docx, m.generated, &title, labels::labels(lang)).add_paragraph(
        Paragraph::new()
            .style("ReportTitle")
            .add_run(Run::new().add_text(&title)),
    );
    docx = docx.add_paragraph(labelled(w.date, &m.date));
    if let Some(t) = &m.time {
        docx = docx.add_paragraph(labelled(w.time, t));
    }
    if let Some(p) = &m.place {
        docx = docx.add_paragraph(labelled(w.place, p));
    }

    // Attendance table.
    docx = docx.add_paragraph(heading(1, w.attendance));
    let rows = m
        .attendance
        .iter()
        .map(|a| {
            vec![
                cell(&a.organisation),
                cell(&a.role),
                cell(&a.person),
                cell(&a.attendance),
            ]
        })
        .collect();
    docx = docx.add_table(table(
        &[
            Column::new(w.organisation, 35),
            Column::new(w.role, 15).keep(m.attendance.iter().map(|a| &a.role)),
            Column::new(w.representative, 25),
            Column::new(w.present, 25).keep(m.attendance.iter().map(|a| &a.attendance)),
        ],
        rows,
    ));

    // Cases.
    docx = docx.add_paragraph(heading(1, w.agenda));
    for c in &m.cases {
        docx = docx.add_paragraph(heading(2, &format!("{} {} {}", w.case, c.number, c.title)));
        docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_text(&c.kind).italic()));
        if let Some(t) = &c.time_slot {
            docx = docx.add_paragraph(labelled(w.time_slot, t));
        }
        if let Some(p) = &c.presenter {
            docx = docx.add_paragraph(labelled(w.presenter, p));
        }
        if let Some(b) = &c.background {
            docx = docx.add_paragraph(heading(3, w.background));
            for p in text(b) {
                docx = docx.add_paragraph(p);
            }
        }
        if let Some(p) = &c.proposal {
            docx = docx.add_paragraph(heading(3, w.proposal));
            for p in text(p) {
                docx = docx.add_paragraph(p);
            }
        }
        if m.kind == MinutesKind::Minutes {
            docx = docx.add_paragraph(heading(3, w.discussion));
            if c.comments.is_empty() {
                docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_text(w.no_comments)));
            }
            for (org, comment) in &c.comments {
                docx = docx.add_paragraph(labelled(org, comment));
            }
            docx = docx.add_paragraph(heading(3, w.decision));
            match &c.decision {
                Some(d) => {
                    for p in text(d) {
                        docx = docx.add_paragraph(p);
                    }
                }
                None => docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_text(w.not_decided))),
            }
        }
    }

    if !m.followups.is_empty() {
        docx = docx.add_paragraph(heading(1, w.followups));
        let rows = m
            .followups
            .iter()
            .map(|f| vec![cell(&f.title), cell(&f.owner), cell(&f.due)])
            .collect();
        docx = docx.add_table(table(
            &[
                Column::new(w.followups, 55),
                Column::new(w.owner, 25),
                Column::new(w.due, 20).keep(m.followups.iter().map(|f| &f.due)),
            ],
            rows,
        ));
    }

    let mut xml = docx.build();
    xml.document = finish_tables(&xml.document);
    xml.styles = default_language(&xml.styles, lang);
    xml.doc_props.core = core_props(&xml.doc_props.core, &title);
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| ReportError::Docx(e.to_string()))?;
    deflate(&out.into_inner()).map_err(|e| ReportError::Docx(e.to_string()))
}

fn esc(s: &str) -> String {
    etterlev_core::text::html_escape(s)
}

/// The invitation or the minutes as one self-contained HTML page.
pub fn minutes_html(m: &Minutes, lang: Lang) -> String {
    let w = words(lang);
    let title = m.doc_title(&w);
    let mut h = String::new();
    let lang_tag = match lang {
        Lang::Nb => "nb",
        Lang::En => "en",
    };
    h.push_str(&format!(
        "<!doctype html><html lang=\"{lang_tag}\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>body{{font-family:sans-serif;max-width:50rem;margin:2rem auto;line-height:1.4}}\
         table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #999;padding:.3rem;text-align:left}}\
         th{{background:#d9e1f2}}</style></head><body><h1>{}</h1>",
        esc(&title),
        esc(&title)
    ));
    h.push_str(&format!("<p><strong>{}:</strong> {}", w.date, esc(&m.date)));
    if let Some(t) = &m.time {
        h.push_str(&format!("<br><strong>{}:</strong> {}", w.time, esc(t)));
    }
    if let Some(p) = &m.place {
        h.push_str(&format!("<br><strong>{}:</strong> {}", w.place, esc(p)));
    }
    h.push_str(&format!(
        "</p><h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        w.attendance, w.organisation, w.role, w.representative, w.present
    ));
    for a in &m.attendance {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&a.organisation),
            esc(&a.role),
            esc(&a.person),
            esc(&a.attendance)
        ));
    }
    h.push_str(&format!("</tbody></table><h2>{}</h2>", w.agenda));
    for c in &m.cases {
        h.push_str(&format!(
            "<section><h3>{} {} {}</h3><p><em>{}</em></p>",
            w.case,
            esc(&c.number),
            esc(&c.title),
            esc(&c.kind)
        ));
        for (label, v) in [(w.time_slot, &c.time_slot), (w.presenter, &c.presenter)] {
            if let Some(v) = v {
                h.push_str(&format!("<p><strong>{label}:</strong> {}</p>", esc(v)));
            }
        }
        for (label, v) in [(w.background, &c.background), (w.proposal, &c.proposal)] {
            if let Some(v) = v {
                h.push_str(&format!("<h4>{label}</h4><p>{}</p>", esc(v).replace('\n', "<br>")));
            }
        }
        if m.kind == MinutesKind::Minutes {
            h.push_str(&format!("<h4>{}</h4>", w.discussion));
            if c.comments.is_empty() {
                h.push_str(&format!("<p>{}</p>", w.no_comments));
            }
            for (org, comment) in &c.comments {
                h.push_str(&format!("<p><strong>{}:</strong> {}</p>", esc(org), esc(comment)));
            }
            h.push_str(&format!(
                "<h4>{}</h4><p class=\"decision\">{}</p>",
                w.decision,
                c.decision
                    .as_deref()
                    .map_or_else(|| w.not_decided.to_string(), |d| esc(d).replace('\n', "<br>"))
            ));
        }
        h.push_str("</section>");
    }
    if !m.followups.is_empty() {
        h.push_str(&format!(
            "<h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            w.followups, w.followups, w.owner, w.due
        ));
        for f in &m.followups {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&f.title),
                esc(&f.owner),
                esc(&f.due)
            ));
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</body></html>");
    h
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn sample() -> Minutes {
        Minutes {
            kind: MinutesKind::Minutes,
            title: "Styringsgruppemøte".into(),
            date: "11.06.2026".into(),
            time: Some("10:00–15:00".into()),
            place: Some("Helsedirektoratet, Oslo".into()),
            attendance: vec![
                MinutesAttendance {
                    organisation: "Helse Sør-Øst RHF".into(),
                    role: "Medlem".into(),
                    person: "Kari Nordmann".into(),
                    attendance: "Til stede".into(),
                },
                MinutesAttendance {
                    organisation: "KS".into(),
                    role: "Medlem".into(),
                    person: "Ola Nordmann".into(),
                    attendance: "Forfall".into(),
                },
            ],
            cases: vec![MinutesCase {
                number: "02/26".into(),
                title: "Faktaark 31: passord".into(),
                kind: "Beslutningssak".into(),
                time_slot: Some("10:30–11:00".into()),
                presenter: Some("Sekretariatet".into()),
                background: Some("Faktaarket er revidert.".into()),
                proposal: Some("Styringsgruppen godkjenner faktaarket.".into()),
                comments: vec![("KS".into(), "Ber om en ny runde.".into())],
                decision: Some("Faktaarket trekkes; revidert versjon i september.".into()),
            }],
            followups: vec![],
            generated: jiff::civil::date(2026, 6, 12),
        }
    }

    /// The text of `word/document.xml` (a crude reader for unit tests; the
    /// web suite reads the file back with LibreOffice).
    fn document_xml(bytes: &[u8]) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut s = String::new();
        zip.by_name("word/document.xml")
            .expect("document")
            .read_to_string(&mut s)
            .expect("read");
        s
    }

    #[test]
    fn minutes_hold_attendance_cases_and_decision() {
        let m = sample();
        let xml = document_xml(&minutes_docx(&m, Lang::Nb).expect("docx"));
        for needle in [
            "Deltakere",
            // Table cells keep "Sør-Øst" whole with a non-breaking hyphen.
            "Helse Sør\u{2011}Øst RHF",
            "Kari Nordmann",
            "Forfall",
            "Sak 02/26 Faktaark 31: passord",
            "Forslag til vedtak",
            "Ber om en ny runde.",
            "Faktaarket trekkes; revidert versjon i september.",
        ] {
            assert!(xml.contains(needle), "missing {needle}");
        }
        let invitation = Minutes {
            kind: MinutesKind::Invitation,
            ..sample()
        };
        let xml = document_xml(&minutes_docx(&invitation, Lang::Nb).expect("docx"));
        assert!(xml.contains("Innkalling og saksliste"));
        assert!(!xml.contains("Faktaarket trekkes"), "an invitation has no decisions");
        let html = minutes_html(&m, Lang::En);
        assert!(html.contains("<th>Representative</th>") && html.contains("class=\"decision\""));
        assert!(
            minutes_html(
                &Minutes {
                    title: "<b>".into(),
                    ..sample()
                },
                Lang::Nb
            )
            .contains("&lt;b&gt;")
        );
    }

    /// A case without a recorded decision says just that: it may well have
    /// been discussed (it has comments), so "not dealt with" would be wrong.
    #[test]
    fn an_undecided_case_is_not_called_not_dealt_with() {
        let mut m = sample();
        m.cases[0].decision = None;
        let xml = document_xml(&minutes_docx(&m, Lang::Nb).expect("docx"));
        assert!(xml.contains("Ingen vedtak er registrert."));
        let html = minutes_html(&m, Lang::Nb);
        assert!(html.contains("Ingen vedtak er registrert.") && !html.contains("Ikke behandlet"));
        assert!(minutes_html(&m, Lang::En).contains("No decision recorded."));
    }
}
