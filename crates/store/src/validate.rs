//! The one set of input rules every store area uses: text cleaning, lines,
//! texts, dates, times and the length limits, each refusing with a typed
//! [`Refusal`]. Areas check their own fields with these, so the same kind of
//! field has the same limit and the same message everywhere.

pub use etterlev_core::date::is_date;

use crate::error::{Refusal, StoreError, StoreResult};

/// Longest one-line field (name, system, owner, place…).
pub const LINE_MAX: usize = 300;
/// Longest text field (purpose, notes, reasons, background…).
pub const TEXT_MAX: usize = 8000;

/// Trims; blank becomes `None`.
pub(crate) fn clean(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn refused(r: Refusal) -> StoreError {
    StoreError::Invalid(r)
}

/// `what` left empty.
pub(crate) fn empty(what: &str) -> StoreError {
    refused(Refusal::new("refusal-required", format!("{what} is required")).field(what))
}

/// `what` longer than `max` characters.
pub(crate) fn too_long(what: &str, max: usize) -> StoreError {
    refused(
        Refusal::new("refusal-too-long", format!("{what} is longer than {max} characters"))
            .field(what)
            .arg(max),
    )
}

/// One line of text, trimmed, at most `max` characters, no control
/// characters; blank is `None`.
pub(crate) fn optional_line_max(what: &str, v: Option<String>, max: usize) -> StoreResult<Option<String>> {
    let Some(v) = clean(v) else { return Ok(None) };
    if v.chars().count() > max {
        return Err(too_long(what, max));
    }
    if v.chars().any(char::is_control) {
        return Err(refused(
            Refusal::new("refusal-one-line", format!("{what} must be one line of text")).field(what),
        ));
    }
    Ok(Some(v))
}

/// [`optional_line_max`] with [`LINE_MAX`].
pub(crate) fn optional_line(what: &str, v: Option<String>) -> StoreResult<Option<String>> {
    optional_line_max(what, v, LINE_MAX)
}

/// [`optional_line`] that must not be blank.
pub(crate) fn required_line(what: &str, v: &str) -> StoreResult<String> {
    optional_line(what, Some(v.to_string()))?.ok_or_else(|| empty(what))
}

/// A multi-line text of at most `max` characters: line breaks (made `\n`)
/// and tabs are the only control characters; blank is `None`.
pub(crate) fn optional_text_max(what: &str, v: Option<String>, max: usize) -> StoreResult<Option<String>> {
    let Some(v) = clean(v.map(|s| s.replace("\r\n", "\n"))) else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(too_long(what, max));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(refused(
            Refusal::new("refusal-control", format!("{what} contains control characters")).field(what),
        ));
    }
    Ok(Some(v))
}

/// [`optional_text_max`] with [`TEXT_MAX`].
pub(crate) fn optional_text(what: &str, v: Option<String>) -> StoreResult<Option<String>> {
    optional_text_max(what, v, TEXT_MAX)
}

/// A calendar date written `YYYY-MM-DD`, trimmed.
pub(crate) fn date(what: &str, v: &str) -> StoreResult<String> {
    let v = v.trim();
    if is_date(v) {
        return Ok(v.to_string());
    }
    let shown = format!("{:?}", v.chars().take(40).collect::<String>());
    Err(refused(
        Refusal::new(
            "refusal-date",
            format!("{what} must be a date written YYYY-MM-DD, not {shown}"),
        )
        .field(what)
        .arg(shown),
    ))
}

/// [`date`], blank being `None`.
pub(crate) fn optional_date(what: &str, v: Option<String>) -> StoreResult<Option<String>> {
    clean(v).map(|d| date(what, &d)).transpose()
}

/// `HH:MM`, 00:00–23:59.
pub fn is_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && b[2] == b':'
        && s[..2]
            .parse::<u8>()
            .is_ok_and(|h| h < 24 && b[0].is_ascii_digit() && b[1].is_ascii_digit())
        && s[3..]
            .parse::<u8>()
            .is_ok_and(|m| m < 60 && b[3].is_ascii_digit() && b[4].is_ascii_digit())
}

/// A time of day written `HH:MM`, blank being `None`.
pub(crate) fn optional_time(what: &str, v: Option<String>) -> StoreResult<Option<String>> {
    match clean(v) {
        Some(t) if !is_time(&t) => Err(refused(
            Refusal::new("refusal-time", format!("{what} must be a time written HH:MM")).field(what),
        )),
        t => Ok(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(r: StoreResult<Option<String>>) -> &'static str {
        match r {
            Err(StoreError::Invalid(r)) => r.key(),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn lines_texts_dates_and_times() {
        assert_eq!(
            optional_line("the name", Some("  a  ".into())).ok(),
            Some(Some("a".into()))
        );
        assert_eq!(optional_line("the name", Some("   ".into())).ok(), Some(None));
        assert_eq!(key(optional_line("the name", Some("a\nb".into()))), "refusal-one-line");
        assert_eq!(
            key(optional_line("the name", Some("x".repeat(LINE_MAX + 1)))),
            "refusal-too-long"
        );
        assert!(matches!(required_line("the name", " "), Err(StoreError::Invalid(r)) if r.key() == "refusal-required"));
        assert_eq!(
            optional_text("the note", Some("a\r\nb".into())).ok(),
            Some(Some("a\nb".into()))
        );
        assert_eq!(key(optional_text("the note", Some("a\u{7}".into()))), "refusal-control");
        assert_eq!(
            optional_date("the date", Some(" 2026-02-28 ".into())).ok(),
            Some(Some("2026-02-28".into()))
        );
        assert_eq!(
            key(optional_date("the date", Some("2026-02-30".into()))),
            "refusal-date"
        );
        assert_eq!(key(optional_time("the time", Some("24:00".into()))), "refusal-time");
        assert!(is_time("23:59") && !is_time("2:00") && !is_time("12:60"));
    }
}
