//! The embedded data files (`crates/testdata/data/`), parsed once into
//! compact tables. See `data/README.md` for sources and licences.

use std::sync::LazyLock;

use rand::Rng;

use crate::ids::Sex;

pub(crate) const GIVEN_NAMES: &str = include_str!("../../data/given_names.tsv");
pub(crate) const SURNAMES: &str = include_str!("../../data/surnames.tsv");
const ORIGINS: &str = include_str!("../../data/origins.tsv");
const COUNTIES: &str = include_str!("../../data/counties.tsv");
const MUNICIPALITIES: &str = include_str!("../../data/municipalities.tsv");
const STREET_PARTS: &str = include_str!("../../data/street_parts.tsv");
const ICD10: &str = include_str!("../../data/icd10.tsv");

/// A malformed line in an embedded data file (a build defect: the tests parse
/// every file, so a release never ships one).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("embedded data file {file}, line {line}: {reason}")]
pub struct DataError {
    pub file: &'static str,
    pub line: usize,
    pub reason: String,
}

/// Items with integer weights; `pick` is a binary search over the running sums.
#[derive(Debug)]
pub(crate) struct Weighted<T> {
    pub items: Vec<T>,
    cumulative: Vec<u64>,
}

impl<T> Weighted<T> {
    pub(crate) fn new(pairs: Vec<(T, u64)>) -> Weighted<T> {
        let mut cumulative = Vec::with_capacity(pairs.len());
        let mut items = Vec::with_capacity(pairs.len());
        let mut total = 0u64;
        for (item, weight) in pairs {
            total += weight;
            cumulative.push(total);
            items.push(item);
        }
        Weighted { items, cumulative }
    }

    pub(crate) fn total(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    #[inline]
    pub(crate) fn pick_index<R: Rng>(&self, rng: &mut R) -> usize {
        let r = rng.gen_range(0..self.total());
        self.cumulative.partition_point(|&c| c <= r)
    }

    #[inline]
    pub(crate) fn pick<R: Rng>(&self, rng: &mut R) -> &T {
        &self.items[self.pick_index(rng)]
    }
}

/// A name and its lower-case ASCII form for e-mail addresses.
#[derive(Debug)]
pub(crate) struct Name {
    pub text: &'static str,
    pub ascii: Box<str>,
}

#[derive(Debug)]
pub(crate) struct PostCode {
    pub code: &'static str,
    pub town: &'static str,
}

#[derive(Debug)]
pub(crate) struct Municipality {
    pub number: &'static str,
    pub name: &'static str,
    pub county_number: &'static str,
    pub county: &'static str,
    pub population: u64,
    pub postcodes: Vec<PostCode>,
}

#[derive(Debug)]
pub(crate) struct Icd {
    pub code: &'static str,
    pub text: &'static str,
    /// Only for this sex, or for both.
    pub sex: Option<Sex>,
    pub min_age: u8,
    pub max_age: u8,
}

/// Birth periods with their own origin weights (columns of origins.tsv).
pub(crate) const PERIOD_BEFORE_1950: usize = 0;
pub(crate) const PERIOD_1950_1979: usize = 1;
pub(crate) const PERIOD_FROM_1980: usize = 2;
pub(crate) const PERIOD_D_NUMBER: usize = 3;

/// Index of the majority group ("no") in [`Tables::origins`].
pub(crate) const MAJORITY: usize = 0;

/// Given-name tables of one origin and sex: one per birth decade (sorted by
/// first year), or a single table for every birth year.
#[derive(Debug)]
pub(crate) struct Cohorts {
    pub tables: Vec<(i16, Weighted<Name>)>,
}

impl Cohorts {
    /// The table for a birth year: the decade it falls in, clamped to the
    /// first and last decade listed.
    pub(crate) fn for_year(&self, year: i16) -> &Weighted<Name> {
        let i = self.tables.partition_point(|(from, _)| *from <= year).max(1) - 1;
        &self.tables[i.min(self.tables.len() - 1)].1
    }
}

/// One origin group: its given names per sex and surnames per sex (index 0
/// female, 1 male; surnames for both sexes are in both).
#[derive(Debug)]
pub(crate) struct Origin {
    pub code: &'static str,
    pub given: [Cohorts; 2],
    pub surnames: [Weighted<Name>; 2],
}

#[derive(Debug)]
pub(crate) struct Tables {
    pub origins: Vec<Origin>,
    /// Origin indexes weighted per birth period (`PERIOD_*`).
    pub origin_weights: [Weighted<u8>; 4],
    pub municipalities: Vec<Municipality>,
    /// Indexes into `municipalities` of those with postcodes, weighted by population.
    pub address_municipalities: Weighted<u16>,
    pub street_first: Vec<&'static str>,
    pub street_endings: Weighted<&'static str>,
    pub icd10: Weighted<Icd>,
}

static TABLES: LazyLock<Result<Tables, DataError>> = LazyLock::new(parse_all);

/// The parsed tables (parsed on first use).
pub(crate) fn tables() -> Result<&'static Tables, DataError> {
    TABLES.as_ref().map_err(Clone::clone)
}

/// Summary figures of the embedded data, for the README and tests.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DataStats {
    /// Distinct given names over all origins and cohorts.
    pub given_names: usize,
    /// Distinct surnames over all origins.
    pub surnames: usize,
    /// Origin groups (codes from origins.tsv).
    pub origins: Vec<&'static str>,
    pub given_name_cohorts: usize,
    pub counties: usize,
    pub municipalities: usize,
    pub municipalities_with_postcodes: usize,
    pub postcodes: usize,
    pub street_names: usize,
    pub icd10_codes: usize,
}

/// Parses every embedded data file and reports what it holds; an error names
/// the file and line of the first defect.
pub fn data_stats() -> Result<DataStats, DataError> {
    let t = tables()?;
    let counties: std::collections::BTreeSet<&str> = t.municipalities.iter().map(|m| m.county_number).collect();
    Ok(DataStats {
        given_names: distinct(
            t.origins
                .iter()
                .flat_map(|o| o.given.iter().flat_map(|c| c.tables.iter().flat_map(|(_, w)| &w.items))),
        ),
        surnames: distinct(t.origins.iter().flat_map(|o| o.surnames.iter().flat_map(|w| &w.items))),
        origins: t.origins.iter().map(|o| o.code).collect(),
        given_name_cohorts: t.origins[MAJORITY].given[0].tables.len(),
        counties: counties.len(),
        municipalities: t.municipalities.len(),
        municipalities_with_postcodes: t.address_municipalities.items.len(),
        postcodes: t.municipalities.iter().map(|m| m.postcodes.len()).sum(),
        street_names: t.street_first.len() * t.street_endings.items.len(),
        icd10_codes: t.icd10.items.len(),
    })
}

fn distinct<'a>(names: impl Iterator<Item = &'a Name>) -> usize {
    names.map(|n| n.text).collect::<std::collections::HashSet<_>>().len()
}

fn parse_all() -> Result<Tables, DataError> {
    let (origins, origin_weights) = parse_names()?;
    let counties = parse_counties()?;
    let municipalities = parse_municipalities(&counties)?;
    let address_municipalities = Weighted::new(
        municipalities
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.postcodes.is_empty())
            .map(|(i, m)| (i as u16, m.population))
            .collect(),
    );
    let (street_first, street_endings) = parse_street_parts()?;
    let icd10 = parse_icd10()?;
    Ok(Tables {
        origins,
        origin_weights,
        municipalities,
        address_municipalities,
        street_first,
        street_endings,
        icd10,
    })
}

/// Non-empty, non-comment lines with their 1-based line numbers.
fn lines(text: &'static str) -> impl Iterator<Item = (usize, &'static str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
}

fn err(file: &'static str, line: usize, reason: impl Into<String>) -> DataError {
    DataError {
        file,
        line,
        reason: reason.into(),
    }
}

fn parse_weight(file: &'static str, line: usize, text: &str) -> Result<u64, DataError> {
    match text.trim().parse::<u64>() {
        Ok(w) if w > 0 => Ok(w),
        _ => Err(err(file, line, format!("weight {text:?} is not a positive integer"))),
    }
}

/// A name field: no padding, no CSV/JSON-hostile characters, a capital first
/// letter (or a lower-case particle such as "de Jong"), and an ASCII form.
fn check_name(file: &'static str, n: usize, name: &'static str) -> Result<Name, DataError> {
    if name.is_empty() || name.trim() != name || name.contains([',', '"', ';', '\t']) {
        return Err(err(file, n, format!("bad name {name:?}")));
    }
    if !name
        .split([' ', '-'])
        .any(|w| w.chars().next().is_some_and(char::is_uppercase))
    {
        return Err(err(file, n, format!("name {name:?} must have a capitalised part")));
    }
    let ascii = ascii_fold(name);
    if ascii.is_empty() || !ascii.bytes().all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'-') {
        return Err(err(
            file,
            n,
            format!("name {name:?} has no clean ASCII form ({ascii:?})"),
        ));
    }
    Ok(Name {
        text: name,
        ascii: ascii.into_boxed_str(),
    })
}

fn sex_index(file: &'static str, n: usize, sex: &str) -> Result<Option<usize>, DataError> {
    match sex {
        "F" => Ok(Some(0)),
        "M" => Ok(Some(1)),
        "*" => Ok(None),
        other => Err(err(file, n, format!("sex {other:?} is not F, M or *"))),
    }
}

type OriginTables = (Vec<Origin>, [Weighted<u8>; 4]);

/// Names with weights per cohort (`i16::MIN` for every birth year).
type ByCohort = std::collections::BTreeMap<i16, Vec<(Name, u64)>>;

/// origins.tsv, given_names.tsv and surnames.tsv together: every origin must
/// have given names for both sexes and surnames for both sexes.
fn parse_names() -> Result<OriginTables, DataError> {
    let file = "origins.tsv";
    let mut codes: Vec<&'static str> = Vec::new();
    let mut weights: [Vec<(u8, u64)>; 4] = Default::default();
    for (n, line) in lines(ORIGINS) {
        let fields: Vec<&'static str> = line.split('\t').collect();
        let [code, description, w @ ..] = &fields[..] else {
            return Err(err(file, n, "expected origin<TAB>description<TAB>four weights"));
        };
        if w.len() != 4 || description.is_empty() || code.is_empty() {
            return Err(err(file, n, "expected origin<TAB>description<TAB>four weights"));
        }
        if codes.contains(code) {
            return Err(err(file, n, format!("duplicate origin {code}")));
        }
        if codes.len() >= 255 {
            return Err(err(file, n, "too many origins"));
        }
        let index = codes.len() as u8;
        for (period, text) in w.iter().enumerate() {
            let weight = match text.trim().parse::<u64>() {
                Ok(v) => v,
                Err(_) => return Err(err(file, n, format!("weight {text:?} is not a number"))),
            };
            if weight > 0 {
                weights[period].push((index, weight));
            }
        }
        codes.push(*code);
    }
    if codes.first() != Some(&"no") {
        return Err(err(file, 0, "the first origin must be the majority group \"no\""));
    }
    if weights.iter().any(Vec::is_empty) {
        return Err(err(file, 0, "every period needs an origin with a positive weight"));
    }
    let origin_of = |file: &'static str, n: usize, code: &str| {
        codes
            .iter()
            .position(|c| *c == code)
            .ok_or_else(|| err(file, n, format!("origin {code:?} is not in origins.tsv")))
    };

    // Given names: (origin, sex) -> cohort -> names.
    let file = "given_names.tsv";
    let mut given: Vec<[ByCohort; 2]> = codes.iter().map(|_| Default::default()).collect();
    for (n, line) in lines(GIVEN_NAMES) {
        let fields: Vec<&'static str> = line.split('\t').collect();
        let [origin, sex, cohort, name, weight] = fields[..] else {
            return Err(err(file, n, "expected origin<TAB>sex<TAB>cohort<TAB>name<TAB>weight"));
        };
        let o = origin_of(file, n, origin)?;
        let Some(s) = sex_index(file, n, sex)? else {
            return Err(err(file, n, "a given name needs sex F or M"));
        };
        let cohort = match cohort {
            "*" => i16::MIN,
            c => match c.parse::<i16>() {
                Ok(y) if (1850..=2100).contains(&y) && y % 10 == 0 => y,
                _ => return Err(err(file, n, format!("cohort {c:?} is not a decade like 1950 or *"))),
            },
        };
        let table = given[o][s].entry(cohort).or_default();
        if table.iter().any(|(x, _)| x.text == name) {
            return Err(err(file, n, format!("duplicate name {name:?} in its table")));
        }
        table.push((check_name(file, n, name)?, parse_weight(file, n, weight)?));
    }
    // Surnames: (origin, sex) -> names; "*" names go to both sexes.
    let file = "surnames.tsv";
    let mut surnames: Vec<[Vec<(Name, u64)>; 2]> = codes.iter().map(|_| Default::default()).collect();
    for (n, line) in lines(SURNAMES) {
        let fields: Vec<&'static str> = line.split('\t').collect();
        let [origin, sex, name, weight] = fields[..] else {
            return Err(err(file, n, "expected origin<TAB>sex<TAB>name<TAB>weight"));
        };
        let o = origin_of(file, n, origin)?;
        let weight = parse_weight(file, n, weight)?;
        let sexes: &[usize] = match sex_index(file, n, sex)? {
            Some(0) => &[0],
            Some(_) => &[1],
            None => &[0, 1],
        };
        for &s in sexes {
            if surnames[o][s].iter().any(|(x, _)| x.text == name) {
                return Err(err(file, n, format!("duplicate surname {name:?} in its group")));
            }
            surnames[o][s].push((check_name(file, n, name)?, weight));
        }
    }
    let mut origins = Vec::with_capacity(codes.len());
    for ((code, given), surnames) in codes.iter().zip(given).zip(surnames) {
        let [gf, gm] = given;
        let [sf, sm] = surnames;
        let cohorts = |map: ByCohort| -> Result<Cohorts, DataError> {
            if map.is_empty() {
                return Err(err(
                    "given_names.tsv",
                    0,
                    format!("origin {code} lacks given names for a sex"),
                ));
            }
            if map.len() > 1 && map.contains_key(&i16::MIN) {
                return Err(err("given_names.tsv", 0, format!("origin {code} mixes * with decades")));
            }
            Ok(Cohorts {
                tables: map.into_iter().map(|(c, v)| (c, Weighted::new(v))).collect(),
            })
        };
        if sf.is_empty() || sm.is_empty() {
            return Err(err(
                "surnames.tsv",
                0,
                format!("origin {code} lacks surnames for a sex"),
            ));
        }
        origins.push(Origin {
            code,
            given: [cohorts(gf)?, cohorts(gm)?],
            surnames: [Weighted::new(sf), Weighted::new(sm)],
        });
    }
    let [a, b, c, d] = weights;
    Ok((
        origins,
        [Weighted::new(a), Weighted::new(b), Weighted::new(c), Weighted::new(d)],
    ))
}

/// Every given name and every surname in the data files (read straight from
/// the files, so this never fails; malformed lines are skipped here and
/// refused by the generator's parser and its tests).
pub fn name_words() -> (Vec<&'static str>, Vec<&'static str>) {
    let given = lines(GIVEN_NAMES)
        .filter_map(|(_, l)| l.split('\t').nth(3))
        .filter(|n| !n.is_empty())
        .collect();
    let surnames = lines(SURNAMES)
        .filter_map(|(_, l)| l.split('\t').nth(2))
        .filter(|n| !n.is_empty())
        .collect();
    (given, surnames)
}

/// Lower-case ASCII for e-mail local parts: æ → ae, ø → o, å → aa, accents
/// dropped, spaces to dots; anything else non-ASCII is left out.
pub(crate) fn ascii_fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' | '-' => out.push(c),
            ' ' => out.push('.'),
            'æ' | 'ä' => out.push_str("ae"),
            'ø' | 'ö' => out.push('o'),
            'å' => out.push_str("aa"),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'á' | 'à' | 'â' => out.push('a'),
            'ü' | 'ú' => out.push('u'),
            'í' | 'ï' => out.push('i'),
            'ó' | 'ô' | 'õ' => out.push('o'),
            'č' | 'ć' | 'ç' => out.push('c'),
            'š' | 'ś' | 'ş' => out.push('s'),
            'ł' => out.push('l'),
            'ź' | 'ż' | 'ž' => out.push('z'),
            'ń' | 'ñ' | 'ņ' => out.push('n'),
            'ę' | 'ė' | 'ē' => out.push('e'),
            'ą' | 'ā' => out.push('a'),
            'ų' | 'ū' => out.push('u'),
            'į' | 'ı' => out.push('i'),
            'ð' => out.push('d'),
            'ğ' => out.push('g'),
            'ķ' => out.push('k'),
            'ļ' => out.push('l'),
            'ŋ' => out.push('n'),
            _ => {}
        }
    }
    out
}

fn parse_counties() -> Result<Vec<(&'static str, &'static str)>, DataError> {
    let file = "counties.tsv";
    let mut out = Vec::new();
    for (n, line) in lines(COUNTIES) {
        let mut fields = line.split('\t');
        let (Some(number), Some(name), None) = (fields.next(), fields.next(), fields.next()) else {
            return Err(err(file, n, "expected number<TAB>name"));
        };
        if number.len() != 2 || !number.bytes().all(|b| b.is_ascii_digit()) || name.is_empty() {
            return Err(err(file, n, format!("bad county {number:?} {name:?}")));
        }
        if out.iter().any(|(c, _)| *c == number) {
            return Err(err(file, n, format!("duplicate county {number}")));
        }
        out.push((number, name));
    }
    Ok(out)
}

fn parse_municipalities(counties: &[(&'static str, &'static str)]) -> Result<Vec<Municipality>, DataError> {
    let file = "municipalities.tsv";
    let mut out: Vec<Municipality> = Vec::new();
    let mut codes = std::collections::HashSet::new();
    for (n, line) in lines(MUNICIPALITIES) {
        let fields: Vec<&'static str> = line.split('\t').collect();
        let [number, name, population, postcodes] = fields[..] else {
            return Err(err(file, n, "expected number<TAB>name<TAB>population<TAB>postcodes"));
        };
        if number.len() != 4 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(
                file,
                n,
                format!("municipality number {number:?} is not four digits"),
            ));
        }
        if name.is_empty() || name.trim() != name {
            return Err(err(file, n, "empty or padded name"));
        }
        if out.iter().any(|m| m.number == number) {
            return Err(err(file, n, format!("duplicate municipality {number}")));
        }
        let county_number = &number[..2];
        let Some(&(_, county)) = counties.iter().find(|(c, _)| *c == county_number) else {
            return Err(err(
                file,
                n,
                format!("county {county_number} of {number} is not in counties.tsv"),
            ));
        };
        let mut list = Vec::new();
        for entry in postcodes.split(';').filter(|e| !e.is_empty()) {
            let Some((code, town)) = entry.split_once(' ') else {
                return Err(err(file, n, format!("postcode entry {entry:?} is not \"NNNN TOWN\"")));
            };
            if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err(file, n, format!("postcode {code:?} is not four digits")));
            }
            if town.is_empty() || town.trim() != town || town.chars().any(char::is_lowercase) {
                return Err(err(
                    file,
                    n,
                    format!("post town {town:?} must be upper case as in the postcode register"),
                ));
            }
            if !codes.insert(code) {
                return Err(err(file, n, format!("postcode {code} listed twice")));
            }
            list.push(PostCode { code, town });
        }
        out.push(Municipality {
            number,
            name,
            county_number,
            county,
            population: parse_weight(file, n, population)?,
            postcodes: list,
        });
    }
    if out.len() < 100 {
        return Err(err(file, 0, "fewer than 100 municipalities"));
    }
    for (c, _) in counties {
        if !out.iter().any(|m| m.county_number == *c && !m.postcodes.is_empty()) {
            return Err(err(file, 0, format!("county {c} has no municipality with postcodes")));
        }
    }
    Ok(out)
}

type StreetParts = (Vec<&'static str>, Weighted<&'static str>);

fn parse_street_parts() -> Result<StreetParts, DataError> {
    let file = "street_parts.tsv";
    let mut first = Vec::new();
    let mut endings = Vec::new();
    for (n, line) in lines(STREET_PARTS) {
        let fields: Vec<&'static str> = line.split('\t').collect();
        match fields[..] {
            ["first", part] if !part.is_empty() => first.push(part),
            ["ending", part, weight] if !part.is_empty() => endings.push((part, parse_weight(file, n, weight)?)),
            _ => return Err(err(file, n, "expected first<TAB>part or ending<TAB>part<TAB>weight")),
        }
    }
    if first.len() < 10 || endings.len() < 3 {
        return Err(err(file, 0, "too few street parts"));
    }
    Ok((first, Weighted::new(endings)))
}

fn parse_icd10() -> Result<Weighted<Icd>, DataError> {
    let file = "icd10.tsv";
    let mut pairs = Vec::new();
    for (n, line) in lines(ICD10) {
        let fields: Vec<&'static str> = line.split('\t').collect();
        let [code, text, weight, sex, min_age, max_age] = fields[..] else {
            return Err(err(
                file,
                n,
                "expected code<TAB>text<TAB>weight<TAB>sex<TAB>min age<TAB>max age",
            ));
        };
        if !is_icd10_code(code) {
            return Err(err(file, n, format!("{code:?} is not an ICD-10 code like J06.9")));
        }
        if text.is_empty() {
            return Err(err(file, n, "empty text"));
        }
        let sex = match sex {
            "F" => Some(Sex::Female),
            "M" => Some(Sex::Male),
            "*" => None,
            other => return Err(err(file, n, format!("sex {other:?} is not F, M or *"))),
        };
        let (Ok(min_age), Ok(max_age)) = (min_age.parse::<u8>(), max_age.parse::<u8>()) else {
            return Err(err(file, n, "ages must be numbers 0-255"));
        };
        if min_age > max_age {
            return Err(err(file, n, "min age above max age"));
        }
        pairs.push((
            Icd {
                code,
                text,
                sex,
                min_age,
                max_age,
            },
            parse_weight(file, n, weight)?,
        ));
    }
    if !pairs
        .iter()
        .any(|(i, _)| i.sex.is_none() && i.min_age == 0 && i.max_age >= 120)
    {
        return Err(err(
            file,
            0,
            "needs at least one code for any sex and age (the fallback)",
        ));
    }
    Ok(Weighted::new(pairs))
}

/// Letter, two digits, optionally a dot and one or two digits (J06.9, I10, U07.1).
fn is_icd10_code(code: &str) -> bool {
    let b = code.as_bytes();
    let head = b.len() >= 3 && b[0].is_ascii_uppercase() && b[1].is_ascii_digit() && b[2].is_ascii_digit();
    head && match &b[3..] {
        [] => true,
        [b'.', rest @ ..] => (1..=2).contains(&rest.len()) && rest.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_data_file_parses() {
        let stats = data_stats().unwrap();
        assert!(stats.given_names >= 600, "{stats:?}");
        assert!(stats.surnames >= 800, "{stats:?}");
        assert!(
            stats.origins.len() >= 10 && stats.origins[MAJORITY] == "no",
            "{stats:?}"
        );
        assert!(stats.given_name_cohorts >= 11, "{stats:?}");
        assert_eq!(stats.counties, 15);
        assert_eq!(stats.municipalities, 357);
        assert!(stats.municipalities_with_postcodes >= 300);
    }

    #[test]
    fn names_test_encodings_on_purpose() {
        let t = tables().unwrap();
        let all: Vec<&str> = t
            .origins
            .iter()
            .flat_map(|o| {
                o.given
                    .iter()
                    .flat_map(|c| c.tables.iter().flat_map(|(_, w)| &w.items))
                    .chain(o.surnames.iter().flat_map(|w| &w.items))
            })
            .map(|n| n.text)
            .collect();
        for needle in ["æ", "ø", "å", "é", "-"] {
            assert!(all.iter().any(|n| n.contains(needle)), "no name with {needle}");
        }
        let munis: Vec<&str> = t.municipalities.iter().map(|m| m.name).collect();
        assert!(munis.iter().any(|m| m.contains('á')));
    }

    #[test]
    fn ascii_folding() {
        assert_eq!(ascii_fold("Bjørn"), "bjorn");
        assert_eq!(ascii_fold("Åse"), "aase");
        assert_eq!(ascii_fold("Sæther-Larsen"), "saether-larsen");
        assert_eq!(ascii_fold("Renée"), "renee");
        assert_eq!(ascii_fold("Müller"), "muller");
        assert_eq!(ascii_fold("Anne Marie"), "anne.marie");
        assert_eq!(ascii_fold("Wiśniewska"), "wisniewska");
        assert_eq!(ascii_fold("Michał"), "michal");
        assert_eq!(ascii_fold("Kazlauskienė"), "kazlauskiene");
    }

    #[test]
    fn icd_code_shape() {
        for ok in ["J06.9", "I10", "U07.1", "A00.01"] {
            assert!(is_icd10_code(ok), "{ok}");
        }
        for bad in ["j06.9", "J6", "J06.", "J069X", "J06.123"] {
            assert!(!is_icd10_code(bad), "{bad}");
        }
    }

    #[test]
    fn weighted_pick_follows_weights() {
        use rand::SeedableRng;
        let w = Weighted::new(vec![("a", 1), ("b", 3)]);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let b = (0..10_000).filter(|_| *w.pick(&mut rng) == "b").count();
        assert!((7_000..8_000).contains(&b), "{b}");
    }
}
