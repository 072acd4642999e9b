//! Documents from domain data: the full catalogue document in Word
//! (`.docx`), a spreadsheet of its requirements (`.xlsx`) and a printable
//! HTML page.
//!
//! Architecture invariant: no SQL, no HTTP, no files. Every function takes
//! data and returns bytes or a string; callers decide where they go.
//!
//! - [`catalog_docx`]: title page, a table-of-contents field that lists
//!   the headings as written (Word and LibreOffice add page numbers when
//!   they update it), the tree with real Heading 1–3 styles and every
//!   requirement as a block (kind, text, applicability, references, and a
//!   marker on what is not verified against the source).
//! - [`catalog_xlsx`]: one row per requirement, recommendation and guidance
//!   node, with a kind column to filter on.
//! - [`catalog_html`]: one self-contained page with print CSS, no scripts.
//!
//! The `*_on` variants take the "generated" date instead of today's, for
//! reproducible output.
//!
//! Self-assessment reports, from a [`ManagementReport`] the caller fills in:
//! - [`charts`]: SVG charts (compliance per chapter, maturity heat map,
//!   trend), accessible and script-free, for pages and the HTML report.
//! - [`dataflow`]: an SVG picture of the systems and their integrations.
//! - [`management_html`] and [`management_docx`]: the management report
//!   (summary, scores per chapter, heat map, trend, gaps by priority,
//!   action plan, evidence with SHA-256, what the figures mean).
//! - [`action_list_html`] and [`action_list_docx`]: the one-page report
//!   for a small enterprise: where it stands and the ten things to do first.
//! - [`answers_xlsx`] and [`parse_answers_xlsx`]: an assessment's answers
//!   as a spreadsheet, and the edited spreadsheet read back, with every bad
//!   cell reported by row and column.
//!
//! Every text cell of every spreadsheet goes through [`defuse_formula`], so
//! a value a person typed ("=…", "+47…", "-5", "@…") cannot become a
//! formula when the sheet is saved again as CSV.

mod answers_xlsx;
pub mod calendar;
pub mod charts;
pub mod dataflow;
mod docx;
mod docx_table;
mod formula;
mod html;
mod labels;
mod management;
mod management_docx;
mod minutes;
mod report;
mod statistics_xlsx;
pub mod table;
mod view;
mod xlsx;
pub mod zip_limits;

pub use answers_xlsx::{
    ANSWER_COLUMNS, AnswerRow, AnswersMeta, RowError, answer_column, answer_column_name, answers_xlsx,
    answers_xlsx_meta, checked_answers_meta, parse_answers_xlsx, parse_answers_xlsx_in, parse_checked_answers,
    parse_checked_answers_in, workbook_refusal,
};
pub use docx::{catalog_docx, catalog_docx_on};
pub use formula::{defuse_formula, restore_formula};
pub use html::{catalog_html, catalog_html_on};
pub use management::{action_list_html, management_html};
pub use management_docx::{action_list_docx, management_docx};
pub use minutes::{Minutes, MinutesAttendance, MinutesCase, MinutesFollowup, MinutesKind, minutes_docx, minutes_html};
pub use report::{ActionRow, ChapterRow, EvidenceRow, GapRow, ManagementReport, TrendPoint};
pub use statistics_xlsx::{StatisticsLabels, statistics_xlsx};
pub use xlsx::{catalog_xlsx, catalog_xlsx_on};
pub use zip_limits::CheckedWorkbook;

/// The words the documents use for statuses, priorities and maturity
/// levels. They are the same as on screen; the web app's tests compare
/// them with its locale files, so the two cannot drift apart.
pub mod words {
    use etterlev_core::{ActionStatus, AnswerStatus, Maturity, Priority};

    use crate::{Lang, labels};

    pub fn answer_status(lang: Lang, status: AnswerStatus) -> &'static str {
        labels::answer_status(lang, status)
    }

    pub fn action_status(lang: Lang, status: ActionStatus) -> &'static str {
        labels::action_status(lang, status)
    }

    pub fn priority(lang: Lang, priority: Priority) -> &'static str {
        labels::priority(lang, priority)
    }

    /// The short name ("Repeterbar"), without the level number.
    pub fn maturity(lang: Lang, level: Maturity) -> &'static str {
        labels::maturity_name(lang, level)
    }
}

/// The language a document is written in. Texts without an English version
/// fall back to bokmål.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Nb,
    En,
}

impl Lang {
    /// "nb" or "en"; anything else is `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "nb" => Some(Lang::Nb),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("could not write the .docx: {0}")]
    Docx(String),
    #[error("could not write the .xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Today's date in Norway, shown as "generated" (whatever zone the server
/// runs in).
fn today() -> jiff::civil::Date {
    etterlev_core::date::Day::of(jiff::Timestamp::now()).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_round_trip() {
        for lang in [Lang::Nb, Lang::En] {
            assert_eq!(Lang::parse(lang.as_str()), Some(lang));
        }
        assert_eq!(Lang::parse("nn"), None);
        assert_eq!(Lang::parse("EN"), None);
    }
}
