//! The Normen secretariat (module M11): the document portfolio's life cycle,
//! steering-group cases and their `NN/YY` numbers, attendance, and the
//! action plan's statuses. Pure types and rules; storage is in `store`.

use crate::tenant::string_enum;

string_enum! {
    /// What kind of Normen document a portfolio entry is.
    DocumentKind {
        Norm = "norm",
        FactSheet = "fact_sheet",
        Guide = "guide",
        Guideline = "guideline",
        Other = "other",
    }
}

string_enum! {
    /// Where a document is in its life cycle.
    DocumentStatus {
        Idea = "idea",
        Draft = "draft",
        WorkingGroup = "working_group",
        PublicConsultation = "public_consultation",
        ForDecision = "for_decision",
        Approved = "approved",
        Withdrawn = "withdrawn",
        Published = "published",
        DueForRevision = "due_for_revision",
    }
}

string_enum! {
    /// The three kinds of steering-group case.
    CaseKind {
        /// Beslutningssak: ends in a decision.
        Decision = "decision",
        /// Orienteringssak: for information.
        Information = "information",
        /// Drøftingssak: for discussion.
        Discussion = "discussion",
    }
}

string_enum! {
    /// How an organisation took part in a meeting.
    AttendanceStatus {
        Present = "present",
        /// Meldt forfall.
        Apologies = "apologies",
        Digital = "digital",
        /// Present from a given time (the time is stored beside it).
        PresentFrom = "present_from",
    }
}

string_enum! {
    /// A steering-group seat: a voting member or an observer.
    MemberRole {
        Member = "member",
        Observer = "observer",
    }
}

string_enum! {
    /// Status of an action-plan item or a follow-up.
    PlanStatus {
        NotStarted = "not_started",
        InProgress = "in_progress",
        Done = "done",
    }
}

/// A case number `NN/YY`: the number runs through the calendar year.
/// Serialised as the text `NN/YY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct CaseNumber {
    /// The full year, 2000–2099.
    pub year: u16,
    /// 1–999.
    pub number: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseNumberError {
    #[error("a case number is written NN/YY, e.g. 07/26")]
    Format,
    #[error("case numbers run from 1 to 999")]
    Range,
}

impl CaseNumber {
    pub fn new(year: u16, number: u16) -> Result<CaseNumber, CaseNumberError> {
        if !(2000..=2099).contains(&year) || !(1..=999).contains(&number) {
            return Err(CaseNumberError::Range);
        }
        Ok(CaseNumber { year, number })
    }

    /// Reads `NN/YY` (two-digit year, 20YY) or `NN/YYYY`.
    pub fn parse(s: &str) -> Result<CaseNumber, CaseNumberError> {
        let (n, y) = s.trim().split_once('/').ok_or(CaseNumberError::Format)?;
        let digits = |t: &str| !t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(n) || !digits(y) || !(y.len() == 2 || y.len() == 4) {
            return Err(CaseNumberError::Format);
        }
        let number: u16 = n.parse().map_err(|_| CaseNumberError::Format)?;
        let year: u16 = y.parse().map_err(|_| CaseNumberError::Format)?;
        let year = if y.len() == 2 { 2000 + year } else { year };
        CaseNumber::new(year, number)
    }
}

impl From<CaseNumber> for String {
    fn from(c: CaseNumber) -> String {
        c.to_string()
    }
}

impl TryFrom<String> for CaseNumber {
    type Error = CaseNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CaseNumber::parse(&s)
    }
}

impl std::fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}/{:02}", self.number, self.year % 100)
    }
}

/// Whether a document's revision is overdue on `today` (both `YYYY-MM-DD`;
/// ISO dates compare as text). Withdrawn documents are never overdue.
pub fn revision_overdue(status: DocumentStatus, next_revision: Option<&str>, today: &str) -> bool {
    status != DocumentStatus::Withdrawn && next_revision.is_some_and(|d| d < today)
}

/// Whether a membership that runs from `from` to `to` (inclusive, open when
/// `None`) covers `date`. All `YYYY-MM-DD`.
pub fn covers(from: &str, to: Option<&str>, date: &str) -> bool {
    from <= date && to.is_none_or(|t| date <= t)
}

/// The start of a case's time slot ("10:30–11:15", "10:30-11:15" or
/// "10:30" give "10:30"): the first `HH:MM` of the text, if it starts with one.
pub fn slot_start(time_slot: &str) -> Option<&str> {
    let t = time_slot.trim_start();
    let start = t.get(..5)?;
    let b = start.as_bytes();
    let digits = |i: usize| b[i].is_ascii_digit();
    // All five bytes are checked as ASCII before the text is sliced.
    if !(digits(0) && digits(1) && b[2] == b':' && digits(3) && digits(4)) {
        return None;
    }
    let (h, m) = (start[..2].parse::<u8>().ok()?, start[3..].parse::<u8>().ok()?);
    (h < 24 && m < 60).then_some(start)
}

/// Whether an organisation with this attendance could speak at `at`
/// (`HH:MM`): not when it sent apologies, nor before the time it arrived.
/// Times compare as text, which is right for `HH:MM`.
pub fn present_at(status: AttendanceStatus, present_from: Option<&str>, at: &str) -> bool {
    match status {
        AttendanceStatus::Apologies => false,
        AttendanceStatus::PresentFrom => present_from.is_none_or(|from| from <= at),
        AttendanceStatus::Present | AttendanceStatus::Digital => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn presence_follows_arrival_time() {
        assert_eq!(slot_start("10:30–11:15"), Some("10:30"));
        assert_eq!(slot_start(" 09:05-09:30"), Some("09:05"));
        assert_eq!(slot_start("11:30"), Some("11:30"));
        for none in ["", "etter lunsj", "9:30–10:00", "25:00–26:00", "10:61", "1030"] {
            assert_eq!(slot_start(none), None, "{none}");
        }
        let from = AttendanceStatus::PresentFrom;
        assert!(
            !present_at(from, Some("11:30"), "10:30"),
            "arrives after the case starts"
        );
        assert!(present_at(from, Some("11:30"), "11:30"));
        assert!(present_at(from, Some("10:00"), "10:30"));
        assert!(!present_at(AttendanceStatus::Apologies, None, "10:30"));
        assert!(present_at(AttendanceStatus::Present, None, "00:00"));
        assert!(present_at(AttendanceStatus::Digital, None, "10:30"));
    }

    #[test]
    fn case_numbers_read_and_print() {
        let c = CaseNumber::parse("07/26").unwrap();
        assert_eq!((c.year, c.number), (2026, 7));
        assert_eq!(c.to_string(), "07/26");
        assert_eq!(CaseNumber::parse(" 12/2025 ").unwrap().to_string(), "12/25");
        assert_eq!(CaseNumber::parse("123/26").unwrap().to_string(), "123/26");
        for bad in [
            "", "7", "07-26", "a/26", "07/2", "07/202", "0/26", "1000/26", "07/26/1", "-1/26",
        ] {
            assert!(CaseNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn overdue_and_membership_dates() {
        assert!(revision_overdue(
            DocumentStatus::Published,
            Some("2026-01-01"),
            "2026-11-25"
        ));
        assert!(!revision_overdue(
            DocumentStatus::Published,
            Some("2026-11-25"),
            "2026-11-25"
        ));
        assert!(!revision_overdue(
            DocumentStatus::Withdrawn,
            Some("2020-01-01"),
            "2026-11-25"
        ));
        assert!(!revision_overdue(DocumentStatus::Published, None, "2026-11-25"));
        assert!(covers("2024-01-01", None, "2026-06-01"));
        assert!(covers("2024-01-01", Some("2026-06-01"), "2026-06-01"));
        assert!(!covers("2024-01-01", Some("2025-12-31"), "2026-06-01"));
        assert!(!covers("2026-06-02", None, "2026-06-01"));
    }

    proptest! {
        #[test]
        fn case_numbers_round_trip(year in 2000u16..2100, number in 1u16..1000) {
            let c = CaseNumber::new(year, number).unwrap();
            prop_assert_eq!(CaseNumber::parse(&c.to_string()).unwrap(), c);
        }

        #[test]
        fn parse_never_panics(s in ".{0,12}") {
            let _ = CaseNumber::parse(&s);
        }

        #[test]
        fn slot_start_never_panics(s in ".{0,12}") {
            let _ = slot_start(&s);
        }
    }
}
