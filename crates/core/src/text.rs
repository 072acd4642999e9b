//! Checks for short free-text fields (names, labels) shared by every layer.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("{field} must be at most {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} must not contain control characters")]
    ControlChars { field: &'static str },
    #[error("{field} is not valid")]
    Invalid { field: &'static str },
}

/// A `YYYY-MM-DD` date as the sector writes it, `dd.mm.yyyy` (in both
/// languages); anything else is returned as it is. The one date format for
/// pages, reports and exports.
pub fn display_date(iso: &str) -> String {
    let t = iso.trim();
    let b = t.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' && digits(0..4) && digits(5..7) && digits(8..10) {
        format!("{}.{}.{}", &t[8..10], &t[5..7], &t[0..4])
    } else {
        iso.to_string()
    }
}

/// Trims and checks a one-line text field. Returns the trimmed value.
pub fn one_line(field: &'static str, value: &str, max: usize) -> Result<String, TextError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(TextError::Empty { field });
    }
    if v.chars().count() > max {
        return Err(TextError::TooLong { field, max });
    }
    if v.chars().any(char::is_control) {
        return Err(TextError::ControlChars { field });
    }
    Ok(v.to_string())
}

/// The longest e-mail address (RFC 5321's path limit).
pub const EMAIL_MAX: usize = 254;

/// A lower-cased e-mail address with one `@`, a non-empty local part and a
/// dotted domain. Deliverability is not our business; typos mostly are.
pub fn email(value: &str) -> Result<String, TextError> {
    let v = one_line("e-mail", value, EMAIL_MAX)?.to_lowercase();
    let ok = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.contains(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(v)
    } else {
        Err(TextError::Invalid { field: "e-mail" })
    }
}

/// Escapes text for HTML element content and attribute values, for the
/// documents written without a template engine (diffs, reports).
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(one_line("name", "  Ola  ", 10), Ok("Ola".into()));
        assert!(one_line("name", "   ", 10).is_err());
        assert!(one_line("name", "a\u{0}b", 10).is_err());
        assert!(one_line("name", "abcdefghijk", 10).is_err());
        assert_eq!(email(" Kari@Example.NO "), Ok("kari@example.no".into()));
        for bad in ["kari", "@x.no", "kari@x", "kari@@x.no", "ka ri@x.no", "kari@x.no."] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn html_escape_escapes_markup() {
        assert_eq!(
            html_escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }
}

#[cfg(test)]
mod date_tests {
    use super::display_date;

    #[test]
    fn dates_read_the_sector_way() {
        assert_eq!(display_date("2026-02-28"), "28.02.2026");
        assert_eq!(display_date(" 2026-02-28 "), "28.02.2026");
        assert_eq!(display_date("2026-2-28"), "2026-2-28");
        assert_eq!(display_date("soon"), "soon");
        assert_eq!(display_date("2026-02-28T10:00"), "2026-02-28T10:00");
        assert_eq!(display_date("æøå-ab-cd"), "æøå-ab-cd");
    }
}
