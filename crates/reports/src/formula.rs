//! Text cells that no spreadsheet program runs as a formula.
//!
//! Text a person typed (a comment, an owner, a title) is written to `.xlsx`
//! as a string, which Excel and LibreOffice show as it is. But a sheet is
//! often saved again as CSV, or copied into another sheet, and there a
//! value starting with `=`, `+`, `-` or `@` (or a tab or carriage return
//! before one) becomes a formula again, which can run commands or send
//! data away ("CSV injection"). As OWASP recommends, such a value is
//! written with a leading apostrophe, which every spreadsheet shows and
//! none evaluates. Every text cell the exports write goes through
//! [`defuse_formula`]; numbers written as numbers (a maturity of 3, a
//! count) are not text and are left alone.
//!
//! The answers import takes the apostrophe off again with
//! [`restore_formula`], so a comment "=ikke relevant" survives the round
//! trip exactly. A value that already starts with apostrophes followed by
//! one of those characters gets one more, so the two functions are exact
//! inverses on every string.

use std::borrow::Cow;

/// The characters a spreadsheet may read as the start of a formula
/// (OWASP: equals, plus, minus, at, tab, carriage return).
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The prefix that keeps a value text.
const PREFIX: char = '\'';

/// Whether `value`, after any leading apostrophes, starts a formula.
fn triggers(value: &str) -> bool {
    value
        .trim_start_matches(PREFIX)
        .starts_with(|c: char| TRIGGERS.contains(&c))
}

/// `value` as a spreadsheet text cell: with an apostrophe in front when it
/// would otherwise start a formula (see the module docs), else unchanged.
pub fn defuse_formula(value: &str) -> Cow<'_, str> {
    if triggers(value) {
        Cow::Owned(format!("{PREFIX}{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The text a cell written by [`defuse_formula`] came from: the added
/// apostrophe taken off again; any other value unchanged.
pub fn restore_formula(cell: &str) -> &str {
    match cell.strip_prefix(PREFIX) {
        Some(rest) if triggers(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_get_an_apostrophe() {
        for (value, written) in [
            ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
            ("+47 22 00 00 00", "'+47 22 00 00 00"),
            ("-5 dager", "'-5 dager"),
            ("@kari", "'@kari"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("'=1+1", "''=1+1"),
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ] {
            assert_eq!(defuse_formula(value), written, "{value:?}");
            assert_eq!(restore_formula(written), value, "{written:?}");
        }
    }

    #[test]
    fn other_text_is_left_alone() {
        for value in [
            "",
            "Kari Nordmann",
            "2026-03-31",
            "1.1-a",
            " =1",
            "'tekst",
            "''",
            "a=b",
            "Sør-Øst",
        ] {
            assert_eq!(defuse_formula(value), value);
            assert_eq!(restore_formula(value), value);
        }
    }

    proptest! {
        #[test]
        fn restore_undoes_defuse(value in "['=+@\t\r a-z-]{0,8}") {
            let written = defuse_formula(&value);
            prop_assert!(!written.starts_with(|c: char| TRIGGERS.contains(&c)));
            prop_assert_eq!(restore_formula(&written), value.as_str());
        }
    }
}
