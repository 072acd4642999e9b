//! Unique synthetic national ids for a whole run, without coordination.
//!
//! Every (birth date, individual number) pair whose control digits exist is a
//! *slot*. Slots are grouped into strata by id kind and birth year. How many
//! persons get a D-number is drawn person by person (a keyed coin per person
//! with the D-number share as its probability), so small runs get D-numbers
//! too; their birth year is drawn the same way from the age pyramid (a
//! stratum drawn beyond its capacity passes the surplus on, by weight). Person `i`
//! is mapped to a stratum by a keyed permutation of `0..count`, and to a slot
//! inside it by a keyed permutation of the stratum's slots. Both maps are
//! bijections, so two persons never get the same id, whatever the thread
//! count — and the order still looks random.
//!
//! Whether an individual number can be issued depends on the date digits only
//! through (S1 mod 11, S2 mod 11) of the first six digits, so the valid
//! individual numbers are tabulated once for those 121 classes.

use std::ops::RangeInclusive;
use std::sync::LazyLock;

use crate::ids::{
    BirthDate, Convention, IdKind, PersonId, Policy, days_in_month, mod11_check, prefix_remainders, validate_person,
};

use super::GenerateError;
use super::perm::{Permutation, derive};

/// Key purposes of the per-person draws of kind and birth year.
const PURPOSE_D_NUMBER: u64 = 2;
const PURPOSE_STRATUM: u64 = 3;

/// The individual-number series for a birth year (folkeregisterforskriften):
/// 0 = 1854–1899, 1 = 1900–1939, 2 = 1940–1999, 3 = 2000–2039.
fn series(year: i16) -> Option<usize> {
    match year {
        1854..=1899 => Some(0),
        1900..=1939 => Some(1),
        1940..=1999 => Some(2),
        2000..=2039 => Some(3),
        _ => None,
    }
}

fn series_ranges(series: usize) -> &'static [RangeInclusive<u16>] {
    const S0: [RangeInclusive<u16>; 1] = [500..=749];
    const S1: [RangeInclusive<u16>; 1] = [0..=499];
    const S2: [RangeInclusive<u16>; 2] = [900..=999, 0..=499];
    const S3: [RangeInclusive<u16>; 1] = [500..=999];
    match series {
        0 => &S0,
        1 => &S1,
        2 => &S2,
        _ => &S3,
    }
}

/// For each class (c1 * 11 + c2) and series: the issuable individual numbers
/// with their control digits, packed as `individual * 100 + K1 * 10 + K2`.
static VALID: LazyLock<Vec<Vec<u32>>> = LazyLock::new(|| {
    let mut out = Vec::with_capacity(121 * 4);
    for class in 0..121u32 {
        let (c1, c2) = (class / 11, class % 11);
        for series in 0..4 {
            let mut list = Vec::new();
            for range in series_ranges(series) {
                for ind in range.clone() {
                    let (a, b, c) = (u32::from(ind / 100), u32::from(ind / 10 % 10), u32::from(ind % 10));
                    let Some(k1) = mod11_check(c1 + 4 * a + 5 * b + 2 * c) else {
                        continue;
                    };
                    let Some(k2) = mod11_check(c2 + 5 * a + 4 * b + 3 * c + 2 * k1) else {
                        continue;
                    };
                    list.push(u32::from(ind) * 100 + k1 * 10 + k2);
                }
            }
            out.push(list);
        }
    }
    out
});

#[derive(Clone, Copy, Debug)]
struct DateSlot {
    month: u8,
    day: u8,
    class: u8,
}

#[derive(Debug)]
struct Stratum {
    kind: IdKind,
    year: i16,
    series: usize,
    /// Persons `start..end` of the permuted index space land here.
    start: u64,
    end: u64,
    /// Over the stratum's capacity; the first `end - start` images are used.
    perm: Permutation,
    dates: Vec<DateSlot>,
    /// Running count of slots up to and including each date.
    cumulative: Vec<u32>,
}

/// What the id space needs from the options.
#[derive(Clone, Debug)]
pub(crate) struct IdRequest {
    pub count: u64,
    pub seed: u64,
    pub convention: Convention,
    pub d_number_share: f64,
    pub years: (i16, i16),
    pub as_of: BirthDate,
}

#[derive(Debug)]
pub(crate) struct IdSpace {
    convention: Convention,
    global: Permutation,
    strata: Vec<Stratum>,
}

/// One generated id and the kind it was generated as (a Dolly "+40" number
/// parses as an H-number; `kind` says it was made as an ordinary one).
#[derive(Clone, Copy, Debug)]
pub(crate) struct GeneratedId {
    pub id: PersonId,
    pub kind: IdKind,
    pub birth: BirthDate,
}

/// Relative population by age — a rough Norwegian age pyramid (a weight, not a statistic).
fn age_weight(age: i32) -> f64 {
    match age {
        ..=-1 => 0.0,
        0..=19 => 1.10,
        20..=29 => 1.30,
        30..=59 => 1.35,
        60..=69 => 1.20,
        70..=79 => 0.90,
        80..=89 => 0.40,
        90..=99 => 0.08,
        _ => 0.005,
    }
}

fn date_digits(kind: IdKind, convention: Convention, month: u8, day: u8, yy: u8) -> [u32; 6] {
    let day = day + if kind == IdKind::DNumber { 40 } else { 0 };
    let month = month + convention.month_offset();
    [day / 10, day % 10, month / 10, month % 10, yy / 10, yy % 10].map(u32::from)
}

fn class_of(digits: &[u32; 6]) -> u8 {
    let (r1, r2) = prefix_remainders(*digits);
    (r1 * 11 + r2) as u8
}

impl IdSpace {
    pub(crate) fn new(req: &IdRequest) -> Result<IdSpace, GenerateError> {
        let (from, to) = req.years;
        let kinds: Vec<(IdKind, f64)> = [
            (IdKind::Fnr, 1.0 - req.d_number_share),
            (IdKind::DNumber, req.d_number_share),
        ]
        .into_iter()
        .filter(|(_, share)| *share > 0.0)
        .collect();
        // Candidate strata with capacity and weight.
        let mut strata = Vec::new();
        let mut weights = Vec::new();
        let mut capacities = Vec::new();
        for &(kind, share) in &kinds {
            for year in from..=to {
                let Some(series) = series(year) else { continue };
                let yy = year.rem_euclid(100) as u8;
                let mut dates = Vec::new();
                let mut cumulative = Vec::new();
                let mut total = 0u32;
                for month in 1..=12u8 {
                    for day in 1..=days_in_month(year, month) {
                        let date = BirthDate { year, month, day };
                        if date > req.as_of {
                            continue;
                        }
                        let class = class_of(&date_digits(kind, req.convention, month, day, yy));
                        total += VALID[usize::from(class) * 4 + series].len() as u32;
                        dates.push(DateSlot { month, day, class });
                        cumulative.push(total);
                    }
                }
                if total == 0 {
                    continue;
                }
                let full_year: u32 = (1..=12).map(|m| u32::from(days_in_month(year, m))).sum();
                let age = i32::from(req.as_of.year) - i32::from(year);
                weights.push(share * age_weight(age) * dates.len() as f64 / f64::from(full_year));
                capacities.push(u64::from(total));
                strata.push(Stratum {
                    kind,
                    year,
                    series,
                    start: 0,
                    end: 0,
                    perm: Permutation::new(u64::from(total), 0),
                    dates,
                    cumulative,
                });
            }
        }
        let capacity: u64 = capacities.iter().sum();
        if req.count > capacity {
            return Err(GenerateError::TooMany {
                requested: req.count,
                capacity,
            });
        }
        // Draws per person: whether they have a D-number (probability
        // d_number_share), then their birth year by the age pyramid. The
        // counts per stratum are multinomial — rounding the expectation
        // instead would give small runs no D-numbers and the same few birth
        // years every time.
        let threshold = (req.d_number_share.clamp(0.0, 1.0) * 2f64.powi(64)).min(u64::MAX as f64) as u64;
        let by_kind = |d: bool| -> (Vec<usize>, Vec<f64>) {
            let index: Vec<usize> = (0..strata.len())
                .filter(|&i| (strata[i].kind == IdKind::DNumber) == d)
                .collect();
            let mut total = 0.0;
            let cumulative = index
                .iter()
                .map(|&i| {
                    total += weights[i];
                    total
                })
                .collect();
            (index, cumulative)
        };
        let kinds = [by_kind(false), by_kind(true)];
        let mut quotas = vec![0u64; strata.len()];
        for i in 0..req.count {
            let d = req.d_number_share >= 1.0 || derive(req.seed, PURPOSE_D_NUMBER, i) < threshold;
            let (index, cumulative) = if kinds[usize::from(d)].0.is_empty() {
                &kinds[usize::from(!d)]
            } else {
                &kinds[usize::from(d)]
            };
            let Some(&total) = cumulative.last() else { break };
            let u = (derive(req.seed, PURPOSE_STRATUM, i) >> 11) as f64 / (1u64 << 53) as f64 * total;
            let k = cumulative.partition_point(|&c| c <= u).min(index.len() - 1);
            quotas[index[k]] += 1;
        }
        // Strata drawn beyond their capacity pass the surplus on, by weight.
        let mut surplus = 0u64;
        for (q, &cap) in quotas.iter_mut().zip(&capacities) {
            if *q > cap {
                surplus += *q - cap;
                *q = cap;
            }
        }
        if surplus > 0 {
            let room: Vec<u64> = quotas.iter().zip(&capacities).map(|(q, c)| c - q).collect();
            for (q, extra) in quotas.iter_mut().zip(allocate(surplus, &weights, &room)) {
                *q += extra;
            }
        }
        let mut start = 0u64;
        let mut kept = Vec::new();
        for (i, (mut s, q)) in strata.into_iter().zip(quotas).enumerate() {
            if q == 0 {
                continue;
            }
            s.start = start;
            s.end = start + q;
            start += q;
            s.perm = Permutation::new(capacities[i], derive(req.seed, 1, i as u64));
            kept.push(s);
        }
        debug_assert_eq!(start, req.count);
        Ok(IdSpace {
            convention: req.convention,
            global: Permutation::new(req.count.max(1), derive(req.seed, 0, 0)),
            strata: kept,
        })
    }

    /// The id of person `index` (below the requested count).
    #[inline]
    pub(crate) fn id(&self, index: u64) -> Result<GeneratedId, GenerateError> {
        let j = self.global.apply(index);
        let s = &self.strata[self.strata.partition_point(|s| s.end <= j)];
        let slot = s.perm.apply(j - s.start) as u32;
        let d = s.cumulative.partition_point(|&c| c <= slot);
        let before = if d == 0 { 0 } else { s.cumulative[d - 1] };
        let date = s.dates[d];
        let packed = VALID[usize::from(date.class) * 4 + s.series][(slot - before) as usize];
        let yy = s.year.rem_euclid(100) as u8;
        let head = date_digits(s.kind, self.convention, date.month, date.day, yy);
        let tail = [
            packed / 10_000,
            packed / 1000 % 10,
            packed / 100 % 10,
            packed / 10 % 10,
            packed % 10,
        ];
        let mut digits = [0u8; 11];
        for (b, v) in digits.iter_mut().zip(head.iter().chain(tail.iter())) {
            *b = b'0' + *v as u8;
        }
        let birth = BirthDate {
            year: s.year,
            month: date.month,
            day: date.day,
        };
        // Belt and braces: every id is re-validated with the shared rules.
        let id = validate_person(&digits, Policy { accept_2032: false }).map_err(|e| {
            GenerateError::Internal(format!(
                "generated id {} is invalid: {e}",
                String::from_utf8_lossy(&digits)
            ))
        })?;
        if id.convention != self.convention
            || id.birth_date != Some(birth)
            || (s.kind == IdKind::DNumber) != (id.kind == IdKind::DNumber)
        {
            return Err(GenerateError::Internal(format!(
                "generated id {} does not match its plan",
                id.as_str()
            )));
        }
        Ok(GeneratedId {
            id,
            kind: s.kind,
            birth,
        })
    }

    /// Persons per (kind) for the summary.
    pub(crate) fn count_of(&self, kind: IdKind) -> u64 {
        self.strata
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.end - s.start)
            .sum()
    }
}

/// Splits `count` over strata in proportion to `weights`, never above a
/// stratum's capacity (overflow goes to the others in proportion), with
/// largest-remainder rounding. The caller has checked total capacity.
fn allocate(count: u64, weights: &[f64], capacities: &[u64]) -> Vec<u64> {
    let n = weights.len();
    let mut quota = vec![0u64; n];
    let mut fixed = vec![false; n];
    let mut remaining = count;
    loop {
        let total: f64 = (0..n).filter(|&i| !fixed[i]).map(|i| weights[i]).sum();
        if remaining == 0 || total <= 0.0 {
            // Weight left only on full or zero-weight strata: fill by capacity.
            for i in 0..n {
                if remaining == 0 {
                    break;
                }
                if !fixed[i] {
                    let take = remaining.min(capacities[i]);
                    quota[i] = take;
                    remaining -= take;
                }
            }
            return quota;
        }
        let ideal: Vec<f64> = (0..n)
            .map(|i| {
                if fixed[i] {
                    0.0
                } else {
                    remaining as f64 * weights[i] / total
                }
            })
            .collect();
        let over: Vec<usize> = (0..n)
            .filter(|&i| !fixed[i] && ideal[i] > capacities[i] as f64)
            .collect();
        if !over.is_empty() {
            for i in over {
                fixed[i] = true;
                quota[i] = capacities[i];
                remaining -= capacities[i];
            }
            continue;
        }
        let mut assigned = 0u64;
        let mut fractions = Vec::new();
        for i in (0..n).filter(|&i| !fixed[i]) {
            let floor = (ideal[i].floor() as u64).min(capacities[i]);
            quota[i] = floor;
            assigned += floor;
            fractions.push((ideal[i] - floor as f64, i));
        }
        // Largest fractions first; ties by index so the result is reproducible.
        fractions.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut left = remaining.saturating_sub(assigned);
        for &(_, i) in fractions.iter().cycle().take(fractions.len() * 2) {
            if left == 0 {
                break;
            }
            if quota[i] < capacities[i] {
                quota[i] += 1;
                left -= 1;
            }
        }
        if left > 0 {
            // Only reachable through float rounding at the capacity edge.
            for i in 0..n {
                let take = left.min(capacities[i] - quota[i]);
                quota[i] += take;
                left -= take;
            }
        }
        return quota;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{Sex, build_person, parse_person};

    fn req(count: u64, seed: u64) -> IdRequest {
        IdRequest {
            count,
            seed,
            convention: Convention::Tenor,
            d_number_share: 0.1,
            years: (1920, 2024),
            as_of: BirthDate {
                year: 2024,
                month: 12,
                day: 31,
            },
        }
    }

    #[test]
    fn valid_table_matches_the_shared_builder() {
        for (year, month, day) in [(1999, 12, 31), (2020, 2, 29), (1955, 7, 1), (1899, 1, 9), (2039, 6, 15)] {
            let date = BirthDate::new(year, month, day).unwrap();
            for (kind, conv) in [
                (IdKind::Fnr, Convention::Tenor),
                (IdKind::DNumber, Convention::NhnReserved),
                (IdKind::Fnr, Convention::Production),
            ] {
                let digits = date_digits(kind, conv, month, day, (year % 100) as u8);
                let class = class_of(&digits);
                let list = &VALID[usize::from(class) * 4 + series(year).unwrap()];
                let from_table: Vec<u16> = list.iter().map(|p| (p / 100) as u16).collect();
                let from_builder: Vec<u16> = series_ranges(series(year).unwrap())
                    .iter()
                    .flat_map(|r| r.clone())
                    .filter(|&i| build_person(date, i, kind, conv).is_some())
                    .collect();
                assert_eq!(from_table, from_builder, "{date} {kind:?} {conv:?}");
            }
        }
    }

    #[test]
    fn ids_are_unique_valid_and_consistent() {
        let space = IdSpace::new(&req(50_000, 7)).unwrap();
        let mut seen = std::collections::HashSet::new();
        for i in 0..50_000 {
            let g = space.id(i).unwrap();
            assert!(seen.insert(g.id.digits), "duplicate {}", g.id);
            let parsed = parse_person(g.id.as_str()).unwrap();
            assert!(parsed.is_synthetic());
            assert_eq!(parsed.birth_date, Some(g.birth));
            let odd = (g.id.digits[8] - b'0') % 2 == 1;
            assert_eq!(parsed.sex, Some(if odd { Sex::Male } else { Sex::Female }));
        }
        let d = space.count_of(IdKind::DNumber);
        assert!((4_000..6_000).contains(&d), "{d}");
    }

    #[test]
    fn too_many_is_an_error_not_a_duplicate() {
        let mut r = req(1_000_000, 1);
        r.years = (2024, 2024);
        r.as_of = BirthDate {
            year: 2024,
            month: 1,
            day: 3,
        };
        match IdSpace::new(&r) {
            Err(GenerateError::TooMany { capacity, .. }) => assert!(capacity < 5_000),
            other => panic!("{other:?}"),
        }
        // Exactly the capacity works and fills every slot once.
        let cap = match IdSpace::new(&r) {
            Err(GenerateError::TooMany { capacity, .. }) => capacity,
            _ => unreachable!(),
        };
        r.count = cap;
        let space = IdSpace::new(&r).unwrap();
        let set: std::collections::HashSet<_> = (0..cap).map(|i| space.id(i).unwrap().id.digits).collect();
        assert_eq!(set.len() as u64, cap);
    }

    #[test]
    fn allocation_respects_capacity_and_sums() {
        let q = allocate(100, &[1.0, 1.0, 8.0], &[50, 50, 10]);
        assert_eq!(q.iter().sum::<u64>(), 100);
        assert_eq!(q[2], 10);
        let q = allocate(7, &[1.0, 1.0, 1.0], &[10, 10, 10]);
        assert_eq!(q.iter().sum::<u64>(), 7);
        assert!(q.iter().all(|&x| x == 2 || x == 3));
    }
}
