//! The embedded data files (`crates/testdata/data/`), parsed once into
//! compact tables. See `data/README.md` for sources and licences.

use std::sync::LazyLock;

use rand::Rng;

use crate::ids::Sex;

const GIVEN_FEMALE: &str = include_str!("../../data/given_names_female.tsv");
const GIVEN_MALE: &str = include_str!("../../data/given_names_male.tsv");
const SURNAMES: &str = include_str!("../../data/surnames.tsv");
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
    fn new(pairs: Vec<(T, u64)>) -> Weighted<T> {
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

#[derive(Debug)]
pub(crate) struct Tables {
    pub female: Weighted<Name>,
    pub male: Weighted<Name>,
    pub surnames: Weighted<Name>,
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
    pub female_given_names: usize,
    pub male_given_names: usize,
    pub surnames: usize,
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
        female_given_names: t.female.items.len(),
        male_given_names: t.male.items.len(),
        surnames: t.surnames.items.len(),
        counties: counties.len(),
        municipalities: t.municipalities.len(),
        municipalities_with_postcodes: t.address_municipalities.items.len(),
        postcodes: t.municipalities.iter().map(|m| m.postcodes.len()).sum(),
        street_names: t.street_first.len() * t.street_endings.items.len(),
        icd10_codes: t.icd10.items.len(),
    })
}

fn parse_all() -> Result<Tables, DataError> {
    let female = parse_names("given_names_female.tsv", GIVEN_FEMALE)?;
    let male = parse_names("given_names_male.tsv", GIVEN_MALE)?;
    let surnames = parse_names("surnames.tsv", SURNAMES)?;
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
        female,
        male,
        surnames,
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

fn parse_names(file: &'static str, text: &'static str) -> Result<Weighted<Name>, DataError> {
    let mut pairs = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (n, line) in lines(text) {
        let mut fields = line.split('\t');
        let (Some(name), Some(weight), None) = (fields.next(), fields.next(), fields.next()) else {
            return Err(err(file, n, "expected name<TAB>count"));
        };
        if name.is_empty() || name.trim() != name || name.contains([',', '"', ';']) {
            return Err(err(file, n, format!("bad name {name:?}")));
        }
        if !name.chars().next().is_some_and(char::is_uppercase) {
            return Err(err(file, n, format!("name {name:?} must start with a capital letter")));
        }
        if !seen.insert(name) {
            return Err(err(file, n, format!("duplicate name {name:?}")));
        }
        let ascii = ascii_fold(name);
        if ascii.is_empty() {
            return Err(err(file, n, format!("name {name:?} has no ASCII form")));
        }
        pairs.push((
            Name {
                text: name,
                ascii: ascii.into_boxed_str(),
            },
            parse_weight(file, n, weight)?,
        ));
    }
    if pairs.len() < 20 {
        return Err(err(file, 0, "fewer than 20 names"));
    }
    Ok(Weighted::new(pairs))
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
            'ó' | 'ô' => out.push('o'),
            'č' => out.push('c'),
            'š' => out.push('s'),
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
        assert!(stats.female_given_names >= 100, "{stats:?}");
        assert!(stats.male_given_names >= 100, "{stats:?}");
        assert!(stats.surnames >= 100, "{stats:?}");
        assert_eq!(stats.counties, 15);
        assert_eq!(stats.municipalities, 357);
        assert!(stats.municipalities_with_postcodes >= 300);
    }

    #[test]
    fn names_test_encodings_on_purpose() {
        let t = tables().unwrap();
        let all: Vec<&str> = t
            .female
            .items
            .iter()
            .chain(&t.male.items)
            .chain(&t.surnames.items)
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
