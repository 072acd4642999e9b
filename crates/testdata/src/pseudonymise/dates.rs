//! Dates for date shifting: a small `strftime`-style pattern parser and
//! printer (fast, no allocation), day arithmetic, and the keyed permutation
//! of birth dates used when synthetic ids follow the shifted birth date.

use super::feistel;
use super::key::Prf;
use crate::ids::{BirthDate, days_in_month};

/// Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// One piece of a compiled date pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Year,
    Month,
    Day,
    Literal(u8),
}

/// A date pattern such as `%Y-%m-%d` or `%d.%m.%Y`: `%Y` is a four-digit
/// year, `%m` and `%d` one or two digits (written back as they came),
/// `%%` a percent sign, anything else literal. A time of day after the date
/// (starting with `T` or a space) is kept as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatePattern {
    pieces: Vec<Piece>,
    source: String,
}

impl DatePattern {
    pub fn parse(pattern: &str) -> Result<DatePattern, String> {
        let mut pieces = Vec::new();
        let mut bytes = pattern.bytes();
        let (mut y, mut m, mut d) = (0, 0, 0);
        while let Some(b) = bytes.next() {
            if b == b'%' {
                match bytes.next() {
                    Some(b'Y') => {
                        y += 1;
                        pieces.push(Piece::Year)
                    }
                    Some(b'm') => {
                        m += 1;
                        pieces.push(Piece::Month)
                    }
                    Some(b'd') => {
                        d += 1;
                        pieces.push(Piece::Day)
                    }
                    Some(b'%') => pieces.push(Piece::Literal(b'%')),
                    Some(other) => {
                        return Err(format!(
                            "date format {pattern:?}: %{} is not supported (use %Y, %m, %d)",
                            other as char
                        ));
                    }
                    None => return Err(format!("date format {pattern:?} ends with a lone %")),
                }
            } else if b.is_ascii_digit() {
                return Err(format!("date format {pattern:?}: digits cannot be literal"));
            } else {
                pieces.push(Piece::Literal(b));
            }
        }
        if (y, m, d) != (1, 1, 1) {
            return Err(format!(
                "date format {pattern:?} needs each of %Y, %m and %d exactly once"
            ));
        }
        Ok(DatePattern {
            pieces,
            source: pattern.to_string(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Parses the date at the start of `text`; returns it, the widths of the
    /// month and day fields as written, and the length of the date part.
    pub(crate) fn read(&self, text: &[u8]) -> Option<ParsedDate> {
        let mut i = 0;
        let (mut y, mut m, mut d) = (0i32, 0u32, 0u32);
        let (mut mw, mut dw) = (2u8, 2u8);
        for piece in &self.pieces {
            match piece {
                Piece::Literal(b) => {
                    if text.get(i) != Some(b) {
                        return None;
                    }
                    i += 1;
                }
                Piece::Year => {
                    let digits = text.get(i..i + 4)?;
                    y = 0;
                    for &c in digits {
                        if !c.is_ascii_digit() {
                            return None;
                        }
                        y = y * 10 + i32::from(c - b'0');
                    }
                    i += 4;
                }
                Piece::Month | Piece::Day => {
                    let mut v = 0u32;
                    let mut w = 0u8;
                    while w < 2 && text.get(i).is_some_and(u8::is_ascii_digit) {
                        v = v * 10 + u32::from(text[i] - b'0');
                        i += 1;
                        w += 1;
                    }
                    if w == 0 {
                        return None;
                    }
                    if *piece == Piece::Month {
                        (m, mw) = (v, w);
                    } else {
                        (d, dw) = (v, w);
                    }
                }
            }
        }
        let rest = &text[i..];
        if !(rest.is_empty() || rest[0] == b'T' || rest[0] == b' ') {
            return None;
        }
        if !(1..=12).contains(&m) || d == 0 || d > u32::from(days_in_month(y as i16, m as u8)) {
            return None;
        }
        Some(ParsedDate {
            days: days_from_civil(y, m, d),
            month_width: mw,
            day_width: dw,
            len: i,
        })
    }

    /// Writes the date given in days since the epoch; a field that was read
    /// with one digit is written without padding when it fits.
    pub(crate) fn write(&self, days: i64, month_width: u8, day_width: u8, out: &mut Vec<u8>) {
        let (y, m, d) = civil_from_days(days);
        for piece in &self.pieces {
            match piece {
                Piece::Literal(b) => out.push(*b),
                Piece::Year => {
                    let y = y.clamp(0, 9999) as u32;
                    out.extend_from_slice(&[
                        b'0' + (y / 1000) as u8,
                        b'0' + (y / 100 % 10) as u8,
                        b'0' + (y / 10 % 10) as u8,
                        b'0' + (y % 10) as u8,
                    ]);
                }
                Piece::Month => two(m, month_width, out),
                Piece::Day => two(d, day_width, out),
            }
        }
    }
}

fn two(v: u32, width: u8, out: &mut Vec<u8>) {
    if width == 2 || v >= 10 {
        out.push(b'0' + (v / 10) as u8);
    }
    out.push(b'0' + (v % 10) as u8);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ParsedDate {
    pub days: i64,
    pub month_width: u8,
    pub day_width: u8,
    /// Bytes taken by the date; anything after is a time of day kept as is.
    pub len: usize,
}

pub(crate) fn birth_date_days(date: BirthDate) -> i64 {
    days_from_civil(i32::from(date.year), u32::from(date.month), u32::from(date.day))
}

pub(crate) fn birth_date_from_days(days: i64) -> BirthDate {
    let (y, m, d) = civil_from_days(days);
    BirthDate {
        year: y as i16,
        month: m as u8,
        day: d as u8,
    }
}

/// A keyed permutation of all dates a fødselsnummer can hold (1854-01-01 to
/// 2039-12-31) without fixed points, moving no date by more than
/// `shift_days`. The range is cut into blocks of `shift_days` consecutive
/// days (the last block absorbs a remainder of one day); within a block the
/// days are put in a secret cyclic order and each date moves to the next one
/// in that order. Every person born on a date gets the same offset, which
/// keeps the synthetic ids injective while they follow the shifted birth date.
///
/// Blocks never cross the start of an individual-number series (1900, 1940,
/// 2000; see [`SERIES_STARTS`]): a date keeps its series, so the synthetic
/// id of the shifted date has as many individual numbers to choose from as
/// the input had, in the same century.
#[derive(Clone)]
pub(crate) struct DatePermutation {
    prf: Prf,
    block: i64,
    first: i64,
    count: i64,
    /// Series starts as offsets from `first`, and `count` at the end.
    zones: [i64; 5],
}

/// First days of the individual-number series (folkeregisterforskriften):
/// 1854–1899 (500–749), 1900–1939 (000–499), 1940–1999 (000–499 and
/// 900–999), 2000–2039 (500–999), and the day after the last.
const SERIES_STARTS: [(i32, u32, u32); 5] = [(1854, 1, 1), (1900, 1, 1), (1940, 1, 1), (2000, 1, 1), (2040, 1, 1)];

const TWEAK_DATES: u64 = 0xDA << 32;

impl DatePermutation {
    /// `shift_days` must be at least 2.
    pub fn new(prf: Prf, shift_days: u32) -> DatePermutation {
        let first = days_from_civil(1854, 1, 1);
        let last = days_from_civil(2039, 12, 31);
        let zones = SERIES_STARTS.map(|(y, m, d)| days_from_civil(y, m, d) - first);
        DatePermutation {
            prf,
            block: i64::from(shift_days.max(2)),
            first,
            count: last - first + 1,
            zones,
        }
    }

    pub fn contains(&self, days: i64) -> bool {
        days >= self.first && days < self.first + self.count
    }

    /// Start and length of the block holding position `t` (an offset from
    /// `first`), within its series.
    fn block_of(&self, t: i64) -> (i64, i64) {
        let z = self.zones.partition_point(|&s| s <= t).clamp(1, self.zones.len() - 1) - 1;
        let (zone_start, zone_len) = (self.zones[z], self.zones[z + 1] - self.zones[z]);
        let block = self.block.min(zone_len);
        let t = t - zone_start;
        let blocks = zone_len / block;
        let rem = zone_len % block;
        let mut b = (t / block).min(blocks - 1);
        let mut len = block;
        if rem == 1 && b == blocks - 1 {
            len += 1;
        } else if rem > 1 && t >= blocks * block {
            b = blocks;
            len = rem;
        }
        (zone_start + b * block, len)
    }

    fn cycle(&self, days: i64, step: i64) -> i64 {
        let t = days - self.first;
        let (start, len) = self.block_of(t);
        let tweak = TWEAK_DATES | start as u64;
        let n = len as u64;
        let pos = feistel::permute(&self.prf, tweak, n, (t - start) as u64) as i64;
        let next = (pos + step).rem_euclid(len) as u64;
        self.first + start + feistel::unpermute(&self.prf, tweak, n, next) as i64
    }

    /// The shifted date (days since the epoch) of a date inside the range.
    pub fn forward(&self, days: i64) -> i64 {
        if !self.contains(days) {
            days
        } else {
            self.cycle(days, 1)
        }
    }

    pub fn backward(&self, days: i64) -> i64 {
        if !self.contains(days) {
            days
        } else {
            self.cycle(days, -1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in (-60_000..30_000).step_by(7) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28), 2);
        assert_eq!(civil_from_days(days_from_civil(1900, 3, 1) - 1), (1900, 2, 28));
    }

    #[test]
    fn patterns() {
        let iso = DatePattern::parse("%Y-%m-%d").unwrap();
        let no = DatePattern::parse("%d.%m.%Y").unwrap();
        let p = iso.read(b"2024-02-29").unwrap();
        assert_eq!(p.len, 10);
        let mut out = Vec::new();
        no.write(p.days + 1, 2, 2, &mut out);
        assert_eq!(out, b"01.03.2024");
        let p = no.read(b"5.3.2024 10:15").unwrap();
        assert_eq!((p.month_width, p.day_width, p.len), (1, 1, 8));
        out.clear();
        no.write(p.days + 27, 1, 1, &mut out);
        assert_eq!(out, b"1.4.2024");
        assert!(iso.read(b"2023-02-29").is_none());
        assert!(iso.read(b"2023-13-01").is_none());
        assert!(iso.read(b"2023-01-01x").is_none());
        assert!(iso.read(b"23-01-01").is_none());
        assert!(iso.read("2023-01-0١".as_bytes()).is_none());
        assert!(iso.read(b"2023-01-01T12:00:00Z").is_some());
        assert!(DatePattern::parse("%d.%m").is_err());
        assert!(DatePattern::parse("%H").is_err());
        assert!(DatePattern::parse("%Y%m%d").is_ok());
    }

    #[test]
    fn date_permutation_is_a_bounded_derangement() {
        for shift in [2u32, 3, 30, 180, 365, 3650] {
            let perm = DatePermutation::new(Prf::from_key(&[shift as u8; 16]), shift);
            let mut seen = std::collections::HashSet::new();
            let mut t = perm.first;
            while perm.contains(t) {
                let u = perm.forward(t);
                assert!(perm.contains(u));
                assert_ne!(u, t, "fixed point at {t} (shift {shift})");
                assert!((u - t).abs() <= i64::from(shift), "moved {} > {shift}", u - t);
                assert_eq!(perm.backward(u), t);
                assert!(seen.insert(u));
                let year = |d: i64| civil_from_days(d).0;
                let series = |y: i32| [1900, 1940, 2000].iter().filter(|&&s| y >= s).count();
                assert_eq!(series(year(u)), series(year(t)), "{t} → {u} leaves its series");
                t += 1;
            }
            assert_eq!(seen.len() as i64, perm.count);
        }
    }
}
