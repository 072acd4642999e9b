//! The compiled rules and what they do to one value.

use std::fmt::Write as _;

use super::dates::{DatePattern, DatePermutation, birth_date_days};
use super::key::{SubKeys, hmac_tagged};
use super::synthetic::IdMapper;
use super::{Canonical, Config, OnInvalid, Rule, formats_of};
use crate::ids::{self, ChecksumRule, Convention, IdError, IdKind, PersonId, Policy};

/// The shared, read-only state of a run.
pub(crate) struct Engine<'c> {
    pub config: &'c Config,
    pub keys: SubKeys,
    pub ids: IdMapper,
    dates: Option<DatePermutation>,
}

/// A rule prepared for the hot path.
#[derive(Clone, Debug)]
pub(crate) enum Action {
    Keep,
    SyntheticId {
        on_invalid: OnInvalid,
    },
    Token {
        length: usize,
        prefix: Vec<u8>,
        canonical: Canonical,
        tag: Vec<u8>,
    },
    ShiftDate {
        patterns: Vec<DatePattern>,
    },
    Generalise {
        keep: usize,
        mask: char,
    },
    AgeBand {
        width: u32,
        top: Option<u32>,
    },
    Suppress,
    Drop,
}

impl Action {
    pub fn from_rule(rule: &Rule, config: &Config) -> Action {
        match rule {
            Rule::SyntheticId { on_invalid } => Action::SyntheticId {
                on_invalid: on_invalid.unwrap_or(config.on_invalid),
            },
            Rule::Token {
                length,
                prefix,
                canonical,
                domain,
            } => Action::Token {
                length: length.unwrap_or(config.token_length),
                prefix: prefix
                    .clone()
                    .unwrap_or_else(|| config.token_prefix.clone())
                    .into_bytes(),
                canonical: *canonical,
                tag: domain
                    .clone()
                    .unwrap_or_else(|| match canonical {
                        Canonical::Text => "text".to_string(),
                        Canonical::Id => "id".to_string(),
                    })
                    .into_bytes(),
            },
            Rule::ShiftDate { format } => Action::ShiftDate {
                // Checked by Config::validate.
                patterns: formats_of(format)
                    .iter()
                    .filter_map(|f| DatePattern::parse(f).ok())
                    .collect(),
            },
            Rule::Generalise { keep_digits, mask } => Action::Generalise {
                keep: *keep_digits,
                mask: *mask,
            },
            Rule::AgeBand { width, top } => Action::AgeBand {
                width: *width,
                top: *top,
            },
            Rule::Suppress { drop: true } => Action::Drop,
            Rule::Suppress { drop: false } => Action::Suppress,
            Rule::Keep => Action::Keep,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Action::Keep => "keep",
            Action::SyntheticId { .. } => "synthetic_id",
            Action::Token { .. } => "token",
            Action::ShiftDate { .. } => "shift_date",
            Action::Generalise { .. } => "generalise",
            Action::AgeBand { .. } => "age_band",
            Action::Suppress => "suppress",
            Action::Drop => "drop",
        }
    }

    /// Pseudonyms that go into the re-identification mapping.
    pub fn is_pseudonym(&self) -> bool {
        matches!(self, Action::SyntheticId { .. } | Action::Token { .. })
    }
}

/// Why a value could not be processed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CellError {
    InvalidId(IdError),
    BadDate,
    NoPerson,
    NotAnAge,
    NotText,
}

impl CellError {
    pub fn reason(&self, action: &Action) -> String {
        match self {
            CellError::InvalidId(e) => format!("not a valid person number ({e})"),
            CellError::BadDate => {
                let formats: Vec<&str> = match action {
                    Action::ShiftDate { patterns } => patterns.iter().map(DatePattern::as_str).collect(),
                    _ => Vec::new(),
                };
                format!("not a date in the format {}", formats.join(" or "))
            }
            CellError::NoPerson => "no person value to shift the dates by".to_string(),
            CellError::NotAnAge => "not an age in whole years".to_string(),
            CellError::NotText => "not a text or number value".to_string(),
        }
    }
}

/// Counts per column, per batch; summed by the writer.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counts {
    pub values: u64,
    pub replaced: u64,
    pub invalid: u64,
    pub unmapped: u64,
    pub tokenised_invalid: u64,
    pub kept_invalid: u64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.values += o.values;
        self.replaced += o.replaced;
        self.invalid += o.invalid;
        self.unmapped += o.unmapped;
        self.tokenised_invalid += o.tokenised_invalid;
        self.kept_invalid += o.kept_invalid;
    }
}

/// The person of the row being processed; the offset is computed on first use.
pub(crate) struct Person<'a> {
    value: Option<&'a [u8]>,
    offset: Option<Result<i64, CellError>>,
    /// The person value read as an id, once read (the person column is
    /// usually also a `synthetic_id` column: read it once per row).
    parsed: Option<Result<PersonId, IdError>>,
}

impl<'a> Person<'a> {
    pub fn new(value: Option<&'a [u8]>) -> Person<'a> {
        Person {
            value,
            offset: None,
            parsed: None,
        }
    }

    /// `v` (trimmed) read as an id; from the cache when `v` is the person value.
    fn parse(&mut self, v: &[u8]) -> Result<PersonId, IdError> {
        let is_person = self.value.is_some_and(|p| std::ptr::eq(trim(p), v));
        if !is_person {
            return parse_id(v);
        }
        *self.parsed.get_or_insert_with(|| parse_id(v))
    }
}

pub(crate) fn trim(v: &[u8]) -> &[u8] {
    v.trim_ascii()
}

/// The digits of a person number written with optional spaces, dots or
/// dashes (already trimmed).
#[inline]
pub(crate) fn id_digits(v: &[u8]) -> Result<[u8; 11], IdError> {
    let mut d = [0u8; 11];
    let mut n = 0;
    for &b in v {
        match b {
            b'0'..=b'9' => {
                if n == 11 {
                    return Err(IdError::Length);
                }
                d[n] = b;
                n += 1;
            }
            b' ' | b'-' | b'.' => {}
            _ => return Err(IdError::NotDigits),
        }
    }
    if n != 11 {
        return Err(IdError::Length);
    }
    Ok(d)
}

#[inline]
fn parse_id(v: &[u8]) -> Result<PersonId, IdError> {
    ids::validate_person(&id_digits(v)?, Policy::default())
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The date PRF's tag for per-person offsets derived from a valid id.
const PERSON_ID_TAG: u8 = 1;

impl<'c> Engine<'c> {
    pub fn new(config: &'c Config, key: &super::Key) -> Engine<'c> {
        let keys = key.sub_keys();
        let dates = config
            .shift_birth_date
            .then(|| DatePermutation::new(keys.date_prf.clone(), config.shift_days));
        let ids = IdMapper::new(keys.id_prf.clone(), config.convention, dates.clone());
        Engine {
            config,
            keys,
            ids,
            dates,
        }
    }

    /// The token of an already canonical value.
    fn token(&self, tag: &[u8], canonical: &[u8], prefix: &[u8], length: usize, out: &mut Vec<u8>) {
        let mac = hmac_tagged(&self.keys.token, tag, canonical);
        out.extend_from_slice(prefix);
        // Config::validate keeps `length` within the MAC's 64 hex digits.
        let mut hex = [0u8; 64];
        for (pair, byte) in hex.chunks_exact_mut(2).zip(mac).take(length.div_ceil(2)) {
            pair[0] = HEX[usize::from(byte >> 4)];
            pair[1] = HEX[usize::from(byte & 15)];
        }
        out.extend_from_slice(&hex[..length.min(64)]);
    }

    fn id_token(&self, value: &[u8], out: &mut Vec<u8>) {
        let mut canonical = [0u8; 64];
        let mut n = 0;
        let mut long = Vec::new();
        for &b in value {
            if !(b == b' ' || b == b'-' || b == b'.' || b.is_ascii_whitespace()) {
                if n < canonical.len() {
                    canonical[n] = b;
                    n += 1;
                } else {
                    if long.is_empty() {
                        long.extend_from_slice(&canonical);
                    }
                    long.push(b);
                }
            }
        }
        let c = if long.is_empty() { &canonical[..n] } else { &long[..] };
        self.token(
            b"id",
            c,
            self.config.token_prefix.as_bytes(),
            self.config.token_length,
            out,
        );
    }

    /// The date offset of a person (days, never 0).
    fn person_offset(&self, row: &mut Person<'_>, person: &[u8]) -> Result<i64, CellError> {
        let person = trim(person);
        if person.is_empty() {
            return Err(CellError::NoPerson);
        }
        let id = row.parse(person).ok();
        if let (Some(perm), Some(id)) = (&self.dates, &id)
            && id.rule == ChecksumRule::Classic
            && let Some(date) = id.birth_date
            && matches!(
                (id.kind, id.convention),
                (IdKind::Fnr | IdKind::DNumber, Convention::Production) | (IdKind::HNumber, _)
            )
        {
            let from = birth_date_days(date);
            return Ok(perm.forward(from) - from);
        }
        // A valid id (11 digits) fits one AES block of the date PRF; other
        // person values, of any length, go through HMAC.
        let word = match &id {
            Some(id) => self.keys.date_prf.short_bytes(PERSON_ID_TAG, &id.digits),
            None => None,
        };
        let word = word.unwrap_or_else(|| {
            let mac = hmac_tagged(&self.keys.date, b"person", person);
            let mut first = [0u8; 8];
            first.copy_from_slice(&mac[..8]);
            u64::from_le_bytes(first)
        });
        let n = i64::from(self.config.shift_days);
        let x = (word % (2 * n as u64)) as i64;
        Ok(if x < n { x - n } else { x - n + 1 })
    }

    fn offset(&self, person: &mut Person<'_>) -> Result<i64, CellError> {
        if let Some(o) = person.offset {
            return o;
        }
        let o = match person.value {
            Some(v) => self.person_offset(person, v),
            None => Err(CellError::NoPerson),
        };
        person.offset = Some(o);
        o
    }

    /// Writes the new value of `value` into `out` (which the caller cleared).
    /// Empty values stay empty and are not counted.
    pub fn apply(
        &self,
        action: &Action,
        value: &[u8],
        person: &mut Person<'_>,
        out: &mut Vec<u8>,
        counts: &mut Counts,
    ) -> Result<(), CellError> {
        let v = trim(value);
        if v.is_empty() {
            if !matches!(action, Action::Keep) {
                return Ok(());
            }
            out.extend_from_slice(value);
            return Ok(());
        }
        counts.values += 1;
        match action {
            Action::Keep => out.extend_from_slice(value),
            Action::Suppress | Action::Drop => counts.replaced += 1,
            Action::SyntheticId { on_invalid } => match person.parse(v) {
                Ok(id) => {
                    counts.replaced += 1;
                    match self.ids.map(&id) {
                        // Eleven bytes that parsed as an id are its digits.
                        Some(digits) if v.len() == digits.len() => out.extend_from_slice(&digits),
                        Some(digits) => {
                            // Same layout as the input: separators stay where they were.
                            let mut next = digits.iter();
                            for &b in v {
                                if b.is_ascii_digit() {
                                    out.push(*next.next().unwrap_or(&b'0'));
                                } else {
                                    out.push(b);
                                }
                            }
                        }
                        None => {
                            counts.unmapped += 1;
                            self.id_token(&id.digits, out);
                        }
                    }
                }
                Err(e) => {
                    counts.invalid += 1;
                    match on_invalid {
                        OnInvalid::Token => {
                            counts.tokenised_invalid += 1;
                            counts.replaced += 1;
                            self.id_token(v, out);
                        }
                        OnInvalid::Keep => {
                            counts.kept_invalid += 1;
                            out.extend_from_slice(value);
                        }
                        OnInvalid::Fail => return Err(CellError::InvalidId(e)),
                    }
                }
            },
            Action::Token {
                length,
                prefix,
                canonical,
                tag,
            } => {
                counts.replaced += 1;
                match canonical {
                    Canonical::Text => self.token(tag, v, prefix, *length, out),
                    Canonical::Id => {
                        let c: Vec<u8> = v
                            .iter()
                            .copied()
                            .filter(|b| !(matches!(b, b' ' | b'-' | b'.') || b.is_ascii_whitespace()))
                            .collect();
                        self.token(tag, &c, prefix, *length, out);
                    }
                }
            }
            Action::ShiftDate { patterns } => {
                let Some((pattern, parsed)) = patterns.iter().find_map(|p| p.read(v).map(|d| (p, d))) else {
                    counts.invalid += 1;
                    return Err(CellError::BadDate);
                };
                let offset = self.offset(person)?;
                pattern.write(parsed.days + offset, parsed.month_width, parsed.day_width, out);
                out.extend_from_slice(&v[parsed.len..]);
                counts.replaced += 1;
            }
            Action::Generalise { keep, mask } => {
                let mut buf = [0u8; 4];
                let mask = mask.encode_utf8(&mut buf).as_bytes();
                if v.is_ascii() {
                    // Postcodes and the like: one byte is one character.
                    for (i, &b) in v.iter().enumerate() {
                        if i < *keep || !b.is_ascii_alphanumeric() {
                            out.push(b);
                        } else {
                            out.extend_from_slice(mask);
                        }
                    }
                    counts.replaced += 1;
                    return Ok(());
                }
                let text = String::from_utf8_lossy(v);
                for (i, ch) in text.chars().enumerate() {
                    if i < *keep || !ch.is_alphanumeric() {
                        let mut b = [0u8; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut b).as_bytes());
                    } else {
                        out.extend_from_slice(mask);
                    }
                }
                counts.replaced += 1;
            }
            Action::AgeBand { width, top } => {
                let age: u32 = std::str::from_utf8(v)
                    .ok()
                    .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| {
                        counts.invalid += 1;
                        CellError::NotAnAge
                    })?;
                let mut s = String::new();
                match top {
                    Some(t) if age >= *t => {
                        let _ = write!(s, "{t}+");
                    }
                    _ => {
                        let lo = age / width * width;
                        if *width == 1 {
                            let _ = write!(s, "{lo}");
                        } else {
                            let _ = write!(s, "{lo}-{}", lo + width - 1);
                        }
                    }
                }
                out.extend_from_slice(s.as_bytes());
                counts.replaced += 1;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pseudonymise::{Formats, Key};

    fn config(yaml: &str) -> Config {
        Config::from_yaml(yaml).unwrap()
    }

    fn apply(engine: &Engine<'_>, rule: &Rule, value: &str, person: Option<&str>) -> Result<String, CellError> {
        let action = Action::from_rule(rule, engine.config);
        let mut p = Person::new(person.map(str::as_bytes));
        let mut out = Vec::new();
        let mut counts = Counts::default();
        engine.apply(&action, value.as_bytes(), &mut p, &mut out, &mut counts)?;
        Ok(String::from_utf8(out).unwrap())
    }

    proptest::proptest! {
        /// Generalisation keeps the first `keep` characters and every
        /// character that is not a letter or digit, and masks the rest,
        /// counting characters, not bytes (ASCII values take a byte path).
        #[test]
        fn generalise_masks_characters_after_the_kept_ones(
            value in "[0-9a-zA-Z æøåÆØÅ.-]{1,12}",
            keep in 0usize..6,
            mask in proptest::sample::select(vec!['*', 'X', '•']),
        ) {
            let c = config("columns:\n  p: { action: keep }\n");
            let key = Key::from_bytes(&[5u8; 32]).unwrap();
            let e = Engine::new(&c, &key);
            let trimmed = value.trim_ascii();
            proptest::prop_assume!(!trimmed.is_empty());
            let expected: String = trimmed
                .chars()
                .enumerate()
                .map(|(i, ch)| if i < keep || !ch.is_alphanumeric() { ch } else { mask })
                .collect();
            let got = apply(&e, &Rule::Generalise { keep_digits: keep, mask }, &value, None).unwrap();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn each_action() {
        let c = config("person: fnr\ncolumns:\n  fnr: { action: synthetic_id }\n  d: { action: shift_date }\n");
        let key = Key::from_bytes(&[5u8; 32]).unwrap();
        let e = Engine::new(&c, &key);

        let id = apply(&e, &Rule::SyntheticId { on_invalid: None }, "151086 95088", None).unwrap();
        assert_eq!(id.len(), 12);
        assert_eq!(&id[6..7], " ");
        let back = ids::parse_person(&id).unwrap();
        assert!(back.is_synthetic());
        assert_eq!(back.birth_date, ids::BirthDate::new(1986, 10, 15));
        assert_eq!(back.sex, Some(ids::Sex::Female));

        let tok = apply(&e, &Rule::SyntheticId { on_invalid: None }, "15108695077", None).unwrap();
        assert!(tok.starts_with("tok_") && tok.len() == 24, "{tok}");
        let tok2 = apply(
            &e,
            &Rule::Token {
                length: None,
                prefix: None,
                canonical: Canonical::Id,
                domain: None,
            },
            " 151086-95077 ",
            None,
        )
        .unwrap();
        assert_eq!(tok, tok2, "an invalid id gets the same token as an id column's token");
        assert!(matches!(
            apply(
                &e,
                &Rule::SyntheticId {
                    on_invalid: Some(OnInvalid::Fail)
                },
                "x",
                None
            ),
            Err(CellError::InvalidId(IdError::NotDigits))
        ));
        assert_eq!(
            apply(
                &e,
                &Rule::SyntheticId {
                    on_invalid: Some(OnInvalid::Keep)
                },
                "x",
                None
            )
            .unwrap(),
            "x"
        );

        let shifted = apply(&e, &Rule::ShiftDate { format: None }, "2024-01-31", Some("15108695088")).unwrap();
        let again = apply(
            &e,
            &Rule::ShiftDate { format: None },
            "2024-02-01",
            Some("151086 95088"),
        )
        .unwrap();
        let a = super::super::dates::DatePattern::parse("%Y-%m-%d").unwrap();
        let da = a.read(shifted.as_bytes()).unwrap().days;
        let db = a.read(again.as_bytes()).unwrap().days;
        assert_eq!(db - da, 1, "the same person (however written) moves by the same offset");
        assert_ne!(shifted, "2024-01-31");
        assert!(matches!(
            apply(&e, &Rule::ShiftDate { format: None }, "31.01.2024", Some("x")),
            Err(CellError::BadDate)
        ));
        assert!(matches!(
            apply(&e, &Rule::ShiftDate { format: None }, "2024-01-31", Some(" ")),
            Err(CellError::NoPerson)
        ));
        let no = apply(
            &e,
            &Rule::ShiftDate {
                format: Some(Formats::Many(vec!["%d.%m.%Y".into(), "%Y-%m-%d".into()])),
            },
            "31.01.2024 08:15",
            Some("15108695088"),
        )
        .unwrap();
        assert!(no.ends_with(" 08:15") && no.as_bytes()[2] == b'.', "{no}");

        assert_eq!(
            apply(
                &e,
                &Rule::Generalise {
                    keep_digits: 2,
                    mask: '*'
                },
                "0150",
                None
            )
            .unwrap(),
            "01**"
        );
        assert_eq!(
            apply(
                &e,
                &Rule::Generalise {
                    keep_digits: 1,
                    mask: '*'
                },
                "Tromsø by",
                None
            )
            .unwrap(),
            "T***** **"
        );
        assert_eq!(
            apply(&e, &Rule::AgeBand { width: 10, top: None }, "37", None).unwrap(),
            "30-39"
        );
        assert_eq!(
            apply(
                &e,
                &Rule::AgeBand {
                    width: 10,
                    top: Some(90)
                },
                "93",
                None
            )
            .unwrap(),
            "90+"
        );
        assert_eq!(
            apply(&e, &Rule::AgeBand { width: 5, top: None }, "0", None).unwrap(),
            "0-4"
        );
        assert!(matches!(
            apply(&e, &Rule::AgeBand { width: 5, top: None }, "-3", None),
            Err(CellError::NotAnAge)
        ));
        assert_eq!(apply(&e, &Rule::Suppress { drop: false }, "secret", None).unwrap(), "");
        assert_eq!(apply(&e, &Rule::Keep, " as is ", None).unwrap(), " as is ");
        assert_eq!(
            apply(&e, &Rule::SyntheticId { on_invalid: None }, "  ", None).unwrap(),
            ""
        );
    }

    #[test]
    fn offsets_are_bounded_and_never_zero() {
        let c = config("person: p\nshift_days: 3\ncolumns:\n  d: { action: shift_date }\n");
        let key = Key::from_bytes(&[6u8; 32]).unwrap();
        let e = Engine::new(&c, &key);
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..2000 {
            let o = e
                .person_offset(&mut Person::new(None), format!("person {i}").as_bytes())
                .unwrap();
            assert!(o != 0 && (-3..=3).contains(&o));
            seen.insert(o);
        }
        assert_eq!(seen.len(), 6);
    }
}
