//! Calendar days in Norway. Times are stored in UTC; whatever decides what
//! is overdue, what a report is dated or which year a plan is for uses the
//! day in Europe/Oslo, never the server's own zone. There is no clock here:
//! callers pass the instant.

use std::fmt;
use std::str::FromStr;

/// A calendar day, written `YYYY-MM-DD` in storage and APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(jiff::civil::Date);

/// Not a real calendar day written `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date written YYYY-MM-DD")]
pub struct NotADay;

impl Day {
    /// The day in Norway at `instant`.
    pub fn of(instant: jiff::Timestamp) -> Day {
        let tz = jiff::tz::TimeZone::get("Europe/Oslo").unwrap_or(jiff::tz::TimeZone::UTC);
        Day(instant.to_zoned(tz).date())
    }

    /// A strictly written `YYYY-MM-DD` that exists in the calendar.
    pub fn parse(s: &str) -> Result<Day, NotADay> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(NotADay);
        }
        s.parse::<jiff::civil::Date>().map(Day).map_err(|_| NotADay)
    }

    pub fn date(self) -> jiff::civil::Date {
        self.0
    }

    pub fn year(self) -> i16 {
        self.0.year()
    }

    /// The day `n` days later (earlier when negative); the same day if that
    /// would leave the calendar's range.
    pub fn plus_days(self, n: i32) -> Day {
        self.0.checked_add(jiff::Span::new().days(n)).map_or(self, Day)
    }
}

impl From<jiff::civil::Date> for Day {
    fn from(d: jiff::civil::Date) -> Day {
        Day(d)
    }
}

impl From<Day> for jiff::civil::Date {
    fn from(d: Day) -> jiff::civil::Date {
        d.0
    }
}

impl FromStr for Day {
    type Err = NotADay;
    fn from_str(s: &str) -> Result<Day, NotADay> {
        Day::parse(s)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A real calendar day written `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    Day::parse(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_norwegian_day_not_the_utc_one() {
        // 23:30 UTC on 31 December is already New Year's Day in Oslo (UTC+1).
        let instant: jiff::Timestamp = "2026-12-31T23:30:00Z".parse().expect("instant");
        assert_eq!(Day::of(instant).to_string(), "2027-01-01");
        // Summer time: UTC+2.
        let instant: jiff::Timestamp = "2026-06-30T22:30:00Z".parse().expect("instant");
        assert_eq!(Day::of(instant).to_string(), "2026-07-01");
        let instant: jiff::Timestamp = "2026-06-30T21:30:00Z".parse().expect("instant");
        assert_eq!(Day::of(instant).to_string(), "2026-06-30");
    }

    #[test]
    fn days_later_cross_months_and_years() {
        let d = Day::parse("2026-12-07").expect("day");
        assert_eq!(d.plus_days(30).to_string(), "2027-01-06");
        assert_eq!(d.plus_days(-7).to_string(), "2026-11-30");
        assert_eq!(
            Day::parse("2028-02-28").expect("day").plus_days(1).to_string(),
            "2028-02-29"
        );
    }

    #[test]
    fn only_real_days_written_strictly() {
        assert!(is_date("2024-02-29"));
        for bad in [
            "2023-02-29",
            "2024-2-29",
            "2024-02-29 ",
            "29.02.2024",
            "",
            "2024-13-01",
            "+02024-01-01",
        ] {
            assert!(!is_date(bad), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn a_day_round_trips(y in 1900i16..2200, m in 1i8..=12, d in 1i8..=28) {
            let day = Day::from(jiff::civil::date(y, m, d));
            prop_assert_eq!(Day::parse(&day.to_string()), Ok(day));
        }
    }
}
