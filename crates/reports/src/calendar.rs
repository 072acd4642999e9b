//! An iCalendar feed (RFC 5545) of dates to keep: action deadlines, measure
//! reviews, evidence that expires. One all-day event per date, with a stable
//! UID so a calendar that subscribes updates events instead of doubling
//! them. Outlook, Google Calendar and Apple Calendar subscribe to it by URL.

/// One all-day event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable across fetches, e.g. `action-<id>@etterlev`.
    pub uid: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub summary: String,
    pub description: String,
    pub url: Option<String>,
}

/// The feed: `name` is the calendar's name, `stamp` the time it was made
/// (`YYYYMMDDTHHMMSSZ`). Events whose date is not `YYYY-MM-DD` are left out.
pub fn calendar_ics(name: &str, stamp: &str, events: &[CalendarEvent]) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//etterlev//etterlev//NB",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push(&mut out, line);
    }
    push(&mut out, &format!("X-WR-CALNAME:{}", text(name)));
    push(&mut out, "X-WR-TIMEZONE:Europe/Oslo");
    // Calendars that honour it fetch again every six hours.
    push(&mut out, "REFRESH-INTERVAL;VALUE=DURATION:PT6H");
    push(&mut out, "X-PUBLISHED-TTL:PT6H");
    for e in events {
        let Some((start, end)) = day_and_next(&e.date) else {
            continue;
        };
        push(&mut out, "BEGIN:VEVENT");
        push(&mut out, &format!("UID:{}", text(&e.uid)));
        push(&mut out, &format!("DTSTAMP:{stamp}"));
        push(&mut out, &format!("DTSTART;VALUE=DATE:{start}"));
        push(&mut out, &format!("DTEND;VALUE=DATE:{end}"));
        push(&mut out, &format!("SUMMARY:{}", text(&e.summary)));
        if !e.description.is_empty() {
            push(&mut out, &format!("DESCRIPTION:{}", text(&e.description)));
        }
        if let Some(u) = &e.url {
            push(&mut out, &format!("URL:{}", u.replace(['\r', '\n'], "")));
        }
        push(&mut out, "TRANSP:TRANSPARENT");
        push(&mut out, "END:VEVENT");
    }
    push(&mut out, "END:VCALENDAR");
    out
}

/// `YYYYMMDD` of the day and of the day after (an all-day event ends the
/// next day, exclusive).
fn day_and_next(date: &str) -> Option<(String, String)> {
    let d: jiff::civil::Date = etterlev_core::date::Day::parse(date).ok()?.date();
    let next = d.tomorrow().ok()?;
    Some((d.strftime("%Y%m%d").to_string(), next.strftime("%Y%m%d").to_string()))
}

/// A TEXT value: backslash, semicolon, comma and line breaks escaped;
/// other control characters dropped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded at 75 octets (never inside a
/// character), ending in CRLF.
fn push(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn event(summary: &str) -> CalendarEvent {
        CalendarEvent {
            uid: "action-1@etterlev".into(),
            date: "2026-12-31".into(),
            summary: summary.into(),
            description: "Linje 1\nLinje 2; med komma, og \\".into(),
            url: Some("https://etterlev.example.no/actions/1".into()),
        }
    }

    #[test]
    fn an_all_day_event_with_escaped_text() {
        let ics = calendar_ics(
            "etterlev – Fjordheim",
            "20261207T080000Z",
            &[event("Frist: Oppdater rutine")],
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n"));
        assert!(ics.contains("DESCRIPTION:Linje 1\\nLinje 2\\; med komma\\, og \\\\"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        let bad = CalendarEvent {
            date: "31.12.2026".into(),
            ..event("x")
        };
        assert!(!calendar_ics("x", "20261207T080000Z", &[bad]).contains("VEVENT"));
    }

    proptest! {
        #[test]
        fn lines_are_folded_at_75_octets(summary in "\\PC{0,300}") {
            let ics = calendar_ics("x", "20261207T080000Z", &[event(&summary)]);
            for line in ics.split("\r\n") {
                prop_assert!(line.len() <= 75, "{line:?}");
                prop_assert!(!line.contains('\n') && !line.contains('\r'));
            }
        }
    }
}
