//! Format-preserving replacement of person numbers by synthetic ones.
//!
//! # What maps where
//!
//! | input (valid, classic control digits) | output |
//! |---|---|
//! | fødselsnummer (months 01–12) | Tenor fødselsnummer (month + 80); the few that overflow: NHN (+65) |
//! | D-number (day + 40) | Tenor D-number (day + 40, month + 80); overflow: NHN D-number |
//! | H-number / Dolly (month + 40) | NHN fødselsnummer (month + 65); overflow: Tenor (+80), else NHN D-number |
//! | FH-number (first digit 8 or 9) | shared region: free NHN D-numbers, then free 2032-rule slots |
//! | already synthetic (Tenor, NHN, Dolly D-numbers) | shared region, after the FH-numbers |
//! | valid only under the 2032 control-digit rule | not mapped (the caller tokenises it) |
//!
//! With `convention: nhn_reserved` the roles of +80 and +65 swap.
//!
//! # Dated numbers: keep the birth date, the century and the sex
//!
//! The first six digits (`DDMMYY` with the kind's offsets) form a *prefix*.
//! Within a prefix, the valid numbers with classic control digits fall into
//! classes by birth year (the individual-number series tells the century) and
//! by sex (parity of the individual number); the numbers valid only under the
//! 2032 rule form one more class. The input's rank within its class is
//! permuted with a keyed Feistel permutation (tweaked by kind, prefix and
//! class) over the size of the input class, and the result picks the
//! member of the same class (same year, same sex) of the output prefix.
//! Output prefix = same birth date (or, with `shift_birth_date`, the birth
//! date moved by a keyed permutation of dates, see [`super::dates`]).
//!
//! Input and output classes hold about the same number of valid numbers but
//! not exactly (the control digits depend on the month digits), so a few
//! permuted ranks fall beyond the output class. They *overflow* into the same
//! class — same birth date, same individual-number series, same parity, and
//! classic control digits — of another synthetic space, planned per class
//! ([`ClassPlan`]):
//! - ordinary numbers (→ +80) overflow into the first members of the
//!   H-numbers' class (+65); the H-numbers take the members after them;
//! - H-numbers that do not fit take the members the ordinary numbers leave
//!   free at +80, and when there are none (both classes are short: about
//!   0.7 % of all H-numbers) they become D-numbers of the spare space
//!   (D +65), after the D-numbers' overflow — there is no other synthetic
//!   fødselsnummer left with that birth date, series and sex;
//! - D-numbers (→ D +80) overflow into the first members of the spare
//!   D-number space (D +65).
//!
//! The test suite checks for every birth date 1854–2039 and both
//! conventions that every overflow finds a member, with and without a
//! shifted birth date (the date permutation keeps each date within its
//! individual-number series). Should one not, the input gets no synthetic id
//! and the caller replaces it by a token and counts it, as for 2032-rule
//! inputs. A synthetic id never reads with another birth date, century or
//! sex than the (shifted) input.
//!
//! # Why this is injective
//!
//! Each output prefix and class receives inputs from exactly one input prefix
//! and class per kind (the prefix map is a bijection: the date permutation is
//! one, and each kind has its own output space). A permutation is injective
//! and the in-class part takes distinct members. Within one class of the
//! output spaces the plan hands out disjoint ranges of members: at +80 the
//! ordinary numbers' (from 0) and then the H-numbers' overflow (from the
//! ordinary count, only when the ordinary numbers do not overflow); at +65
//! the ordinary overflow (from 0) and then the H-numbers; in the spare
//! D-number class the D overflow (from 0), then the H overflow, then
//! nothing — the shared region skips those members. The shared region is a
//! list of slots disjoint from everything above (the spare D-number space
//! less the kept members, and the 2032-rule class of every dated output
//! prefix, which dated inputs never use); FH-numbers and synthetic inputs
//! are numbered globally and permuted into disjoint ranges of it. They carry
//! no date, or were synthetic already, and there are far more of them than
//! synthetic numbers with classic control digits, so their outputs are often
//! valid only under the 2032 rule. The test suite checks that the region is
//! larger than both domains.
//!
//! # Why 2032-only inputs are not mapped
//!
//! There are about twice as many valid numbers as synthetic ones (months
//! 01–12 and 41–52 with and without D, against 66–77 and 81–92), so no
//! injective map from every valid number onto synthetic numbers exists.
//! Numbers valid only under the relaxed 2032 rule are not issued before 2032,
//! and in today's data most of them are typing errors that happen to pass
//! the looser check, so they are the ones left out: the caller replaces them
//! by a token and counts them.

use std::sync::OnceLock;

use super::dates::{DatePermutation, birth_date_days, birth_date_from_days};
use super::feistel::permute;
use super::key::Prf;
use crate::ids::{BirthDate, ChecksumRule, Convention, IdKind, PersonId, mod11_check, prefix_remainders};

/// Prefix slots of a dated space: day (31) × month (12) × two-digit year (100).
const DATED_SLOTS: usize = 31 * 12 * 100;
const FH_SLOTS: usize = 200_000;
/// Four classic classes (year A/B × even/odd) and the 2032-rule class.
const RELAXED: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum YyType {
    /// 00–39: 19yy (000–499) or 20yy (500–999).
    Modern,
    /// 40–53: 19yy (000–499, 900–999).
    Mid,
    /// 54–99: 19yy (000–499, 900–999) or 18yy (500–749).
    Old,
    /// FH-numbers: no date, one series.
    Fh,
}

impl YyType {
    fn of(yy: u8) -> YyType {
        match yy {
            0..=39 => YyType::Modern,
            40..=53 => YyType::Mid,
            _ => YyType::Old,
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// Year class (0 = A, 1 = B) of an individual number.
    fn year_class(self, iii: u16) -> Option<u8> {
        match self {
            YyType::Modern => Some(u8::from(iii >= 500)),
            YyType::Mid => (!(500..900).contains(&iii)).then_some(0),
            YyType::Old if !(500..900).contains(&iii) => Some(0),
            YyType::Old if iii < 750 => Some(1),
            YyType::Old => None,
            YyType::Fh => Some(0),
        }
    }

    fn year(self, class: u8, yy: u8) -> Option<i16> {
        let yy = i16::from(yy);
        match (self, class) {
            (YyType::Modern | YyType::Mid | YyType::Old, 0) => Some(1900 + yy),
            (YyType::Modern, 1) => Some(2000 + yy),
            (YyType::Old, 1) => Some(1800 + yy),
            _ => None,
        }
    }

    fn class_of_year(self, year: i16) -> u8 {
        match self {
            YyType::Modern => u8::from(year >= 2000),
            YyType::Old => u8::from(year < 1900),
            _ => 0,
        }
    }
}

#[inline]
fn k1(s1r: u32, iii: u16, r: u32) -> Option<u32> {
    let i = u32::from(iii);
    let s1 = s1r + 4 * (i / 100) + 5 * (i / 10 % 10) + 2 * (i % 10);
    let k = (11 + r - s1 % 11) % 11;
    (k != 10).then_some(k)
}

#[inline]
fn k2(s2r: u32, iii: u16, k1: u32) -> Option<u32> {
    let i = u32::from(iii);
    mod11_check(s2r + 5 * (i / 100) + 4 * (i / 10 % 10) + 3 * (i % 10) + 2 * k1)
}

/// The valid tails (individual number + control digits) of every prefix with
/// the same weighted digit sums and year type. 4 × 121 tables.
///
/// The classic classes are bitsets over the individual numbers with a count
/// of members before each 64-bit word, so rank and select touch ~160 bytes
/// per table (all tables together fit in a core's L2 cache). Mapping an id
/// used to look both up in 8 KB arrays, two cache misses per id; that was a
/// fifth of `pseudonymise`'s time.
struct Table {
    /// The year type the classes are for.
    t: YyType,
    /// Members of each classic class (year class × parity), bit `iii`.
    class_bits: [[u64; 16]; 4],
    /// Members of each class in the words before word `w`.
    before: [[u16; 16]; 4],
    /// Members of each classic class.
    sizes: [u16; 4],
    /// `r * 1000 + iii` of the 2032-rule class, ascending.
    relaxed: Vec<u16>,
}

impl Table {
    fn build(s1r: u32, s2r: u32, t: YyType) -> Table {
        let mut class_bits = [[0u64; 16]; 4];
        let mut relaxed = Vec::new();
        for r in 0..4u32 {
            for iii in 0..1000u16 {
                let Some(c1) = k1(s1r, iii, r) else { continue };
                if k2(s2r, iii, c1).is_none() {
                    continue;
                }
                if r == 0 {
                    if let Some(yc) = t.year_class(iii) {
                        let class = usize::from(yc) * 2 + usize::from(iii % 2);
                        class_bits[class][usize::from(iii / 64)] |= 1 << (iii % 64);
                    }
                } else {
                    relaxed.push(r as u16 * 1000 + iii);
                }
            }
        }
        let mut before = [[0u16; 16]; 4];
        let mut sizes = [0u16; 4];
        for class in 0..4 {
            let mut acc = 0u16;
            for w in 0..16 {
                before[class][w] = acc;
                acc += class_bits[class][w].count_ones() as u16;
            }
            sizes[class] = acc;
        }
        Table {
            t,
            class_bits,
            before,
            sizes,
            relaxed,
        }
    }

    /// Rank of `iii` within its classic class; `None` when `iii` gives no
    /// valid number under the classic rule (or has no year class).
    #[inline]
    fn classic_rank(&self, iii: u16) -> Option<u16> {
        let yc = self.t.year_class(iii)?;
        let class = usize::from(yc) * 2 + usize::from(iii % 2);
        let (w, b) = (usize::from(iii / 64), iii % 64);
        let word = self.class_bits[class][w];
        if word >> b & 1 == 0 {
            return None;
        }
        let below = word & ((1u64 << b) - 1);
        Some(self.before[class][w] + below.count_ones() as u16)
    }

    /// The `index`-th individual number (ascending) of a classic class.
    #[inline]
    fn classic_member(&self, class: usize, index: usize) -> u16 {
        let before = &self.before[class];
        let w = before.iter().rposition(|&n| usize::from(n) <= index).unwrap_or(0);
        let mut word = self.class_bits[class][w];
        for _ in 0..index - usize::from(before[w]) {
            word &= word - 1;
        }
        (w * 64) as u16 + word.trailing_zeros() as u16
    }
}

fn tables() -> &'static [Table] {
    static TABLES: OnceLock<Vec<Table>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut v = Vec::with_capacity(4 * 121);
        for t in [YyType::Modern, YyType::Mid, YyType::Old, YyType::Fh] {
            for s1r in 0..11 {
                for s2r in 0..11 {
                    v.push(Table::build(s1r, s2r, t));
                }
            }
        }
        v
    })
}

/// A number space with a date: offsets added to day and month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Space {
    day_add: u8,
    month_add: u8,
}

/// First six digits and what follows from them.
#[derive(Clone, Copy)]
struct Prefix {
    digits: [u8; 6],
    /// The prefix's weighted digit sums mod 11 (for K1 and K2).
    remainders: (u32, u32),
    table: &'static Table,
    t: YyType,
    day: u8,
    month: u8,
    yy: u8,
}

impl Prefix {
    fn new(digits: [u8; 6], t: YyType, day: u8, month: u8, yy: u8) -> Prefix {
        let (r1, r2) = prefix_remainders(digits.map(u32::from));
        let table = &tables()[t.index() * 121 + r1 as usize * 11 + r2 as usize];
        Prefix {
            digits,
            remainders: (r1, r2),
            table,
            t,
            day,
            month,
            yy,
        }
    }

    fn dated(space: Space, day: u8, month: u8, yy: u8) -> Prefix {
        let dd = day + space.day_add;
        let mm = month + space.month_add;
        Prefix::new(
            [dd / 10, dd % 10, mm / 10, mm % 10, yy / 10, yy % 10],
            YyType::of(yy),
            day,
            month,
            yy,
        )
    }

    fn of_date(space: Space, date: BirthDate) -> Prefix {
        Prefix::dated(space, date.day, date.month, date.year.rem_euclid(100) as u8)
    }

    fn from_slot(space: Space, slot: usize) -> Prefix {
        let day = (slot / 1200) as u8 + 1;
        let month = (slot / 100 % 12) as u8 + 1;
        Prefix::dated(space, day, month, (slot % 100) as u8)
    }

    fn slot(&self) -> usize {
        (usize::from(self.day) - 1) * 1200 + (usize::from(self.month) - 1) * 100 + usize::from(self.yy)
    }

    fn fh(slot: usize) -> Prefix {
        let first = 8 + (slot / 100_000) as u8;
        let mut rest = slot % 100_000;
        let mut digits = [first, 0, 0, 0, 0, 0];
        for i in (1..6).rev() {
            digits[i] = (rest % 10) as u8;
            rest /= 10;
        }
        Prefix::new(digits, YyType::Fh, 0, 0, 0)
    }

    fn fh_slot(&self) -> usize {
        self.digits
            .iter()
            .skip(1)
            .fold(usize::from(self.digits[0] - 8), |acc, &d| acc * 10 + usize::from(d))
    }

    fn class_exists(&self, class: usize) -> bool {
        if self.t == YyType::Fh {
            return class < RELAXED;
        }
        if class == RELAXED {
            return [1900, 2000]
                .into_iter()
                .any(|c| BirthDate::new(c + i16::from(self.yy), self.month, self.day).is_some());
        }
        match self.t.year((class / 2) as u8, self.yy) {
            Some(year) => BirthDate::new(year, self.month, self.day).is_some(),
            None => false,
        }
    }

    fn class_size(&self, class: usize) -> usize {
        if !self.class_exists(class) {
            0
        } else if class == RELAXED {
            self.table.relaxed.len()
        } else {
            usize::from(self.table.sizes[class])
        }
    }

    fn class_member(&self, class: usize, index: usize) -> (u16, u32) {
        if class == RELAXED {
            let u = self.table.relaxed[index];
            (u % 1000, u32::from(u / 1000))
        } else {
            (self.table.classic_member(class, index), 0)
        }
    }

    /// The number with this prefix, individual number and K1 remainder.
    fn build(&self, iii: u16, r: u32) -> Option<[u8; 11]> {
        let (r1, r2) = self.remainders;
        let c1 = k1(r1, iii, r)?;
        let c2 = k2(r2, iii, c1)?;
        let mut out = [0u8; 11];
        for (o, d) in out.iter_mut().zip(&self.digits[..6]) {
            *o = b'0' + d;
        }
        out[6] = b'0' + (iii / 100) as u8;
        out[7] = b'0' + (iii / 10 % 10) as u8;
        out[8] = b'0' + (iii % 10) as u8;
        out[9] = b'0' + c1 as u8;
        out[10] = b'0' + c2 as u8;
        Some(out)
    }
}

/// Which synthetic convention the ordinary numbers go to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputConvention {
    /// Skatteetaten's Tenor / Test-Norge (month + 80); H-numbers go to +65.
    #[default]
    Tenor,
    /// Norsk helsenett's reserved persons (month + 65); H-numbers go to +80.
    NhnReserved,
}

/// Input kinds mapped with their birth date: ordinary, D and H numbers.
const DATED_INPUTS: [Space; 3] = [
    Space {
        day_add: 0,
        month_add: 0,
    },
    Space {
        day_add: 40,
        month_add: 0,
    },
    Space {
        day_add: 0,
        month_add: 40,
    },
];

/// Already synthetic inputs, numbered into the shared region: Dolly
/// D-numbers, Tenor ordinary and D, NHN ordinary and D.
const SYNTHETIC_INPUTS: [Space; 5] = [
    Space {
        day_add: 40,
        month_add: 40,
    },
    Space {
        day_add: 0,
        month_add: 80,
    },
    Space {
        day_add: 40,
        month_add: 80,
    },
    Space {
        day_add: 0,
        month_add: 65,
    },
    Space {
        day_add: 40,
        month_add: 65,
    },
];

// Tweaks: dated kinds use (kind 1–3) << 20 | slot << 3 | class (< 2^22).
const TWEAK_FH: u64 = 0xF0 << 24;
const TWEAK_SYNTHETIC: u64 = 0xF1 << 24;

/// How the members of one class (output birth date × series × sex) of the
/// output spaces are shared out (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ClassPlan {
    /// Ordinary numbers beyond their class, placed first in the H-numbers' class.
    fnr_overflow: usize,
    /// Ordinary inputs of the class; members from here on are free.
    ordinary_inputs: usize,
    /// Members of the ordinary numbers' class their inputs leave free.
    free_ordinary: usize,
    /// D-numbers beyond their class: the first members of the spare class.
    d_overflow: usize,
    /// H-numbers beyond their class and the free ordinary members: spare
    /// members after the D-numbers'.
    h_to_spare: usize,
    /// Members of the spare class kept out of the shared region.
    spare_reserved: usize,
}

/// Maps valid person numbers to synthetic ones. Cheap to share between threads.
pub(crate) struct IdMapper {
    prf: Prf,
    /// Output spaces for the three dated input kinds, then the spare space.
    outputs: [Space; 4],
    dates: Option<DatePermutation>,
    region: OnceLock<Region>,
}

/// Global numbering of FH-numbers and synthetic inputs, and the shared
/// region of free synthetic slots they are mapped into.
struct Region {
    fh_cum: Vec<u32>,
    syn_cum: Vec<u32>,
    /// Start of each region segment: the spare space's prefixes (every
    /// class, less the members kept for D-number overflow), then the
    /// 2032-rule class of each dated output prefix.
    cum: Vec<u64>,
    n_fh: u64,
    n_syn: u64,
}

impl IdMapper {
    pub fn new(prf: Prf, convention: OutputConvention, dates: Option<DatePermutation>) -> IdMapper {
        let (p, s) = match convention {
            OutputConvention::Tenor => (80, 65),
            OutputConvention::NhnReserved => (65, 80),
        };
        let outputs = [
            Space {
                day_add: 0,
                month_add: p,
            },
            Space {
                day_add: 40,
                month_add: p,
            },
            Space {
                day_add: 0,
                month_add: s,
            },
            Space {
                day_add: 40,
                month_add: s,
            },
        ];
        IdMapper {
            prf,
            outputs,
            dates,
            region: OnceLock::new(),
        }
    }

    /// The birth date a synthetic id of a person born on `date` gets.
    pub fn output_date(&self, date: BirthDate) -> BirthDate {
        match &self.dates {
            Some(p) => birth_date_from_days(p.forward(birth_date_days(date))),
            None => date,
        }
    }

    /// The synthetic number for a valid input, or `None` for numbers valid
    /// only under the 2032 rule (and, in principle, for a dated input whose
    /// overflow finds no free member; the tests show none does).
    pub fn map(&self, id: &PersonId) -> Option<[u8; 11]> {
        if id.rule != ChecksumRule::Classic {
            return None;
        }
        match (id.kind, id.convention) {
            (IdKind::FhNumber, _) => self.map_fh(id),
            (IdKind::Fnr, Convention::Production) => self.map_dated(id, 0),
            (IdKind::DNumber, Convention::Production) => self.map_dated(id, 1),
            (IdKind::HNumber, _) => self.map_dated(id, 2),
            _ => self.map_synthetic(id),
        }
    }

    fn map_dated(&self, id: &PersonId, kind: usize) -> Option<[u8; 11]> {
        let date = id.birth_date?;
        let iii = id.individual();
        let input = Prefix::of_date(DATED_INPUTS[kind], date);
        let class_in = usize::from(input.t.class_of_year(date.year)) * 2 + usize::from(iii % 2);
        let rank = input.table.classic_rank(iii)?;
        // Both classes exist: each holds a real date (the input's, and its
        // image under the date permutation), so their sizes are the tables'.
        debug_assert!(input.class_exists(class_in));
        let a = usize::from(input.table.sizes[class_in]);
        let out_date = self.output_date(date);
        let output = Prefix::of_date(self.outputs[kind], out_date);
        let class = usize::from(output.t.class_of_year(out_date.year)) * 2 + usize::from(iii % 2);
        debug_assert!(output.class_exists(class));
        let size = usize::from(output.table.sizes[class]);
        let tweak = ((kind as u64 + 1) << 20) | ((input.slot() as u64) << 3) | class_in as u64;
        let permuted = permute(&self.prf, tweak, a as u64, u64::from(rank)) as usize;
        // H-numbers share their output class with the ordinary numbers'
        // overflow, which comes first.
        let plan = (kind == 2).then(|| self.plan(&output, class));
        let skip = plan.map_or(0, |p| p.fnr_overflow);
        if permuted < size - skip {
            let (iii, r) = output.class_member(class, skip + permuted);
            return output.build(iii, r);
        }
        let index = permuted - (size - skip);
        let (space, slot) = match (kind, plan) {
            (0, _) => (self.outputs[2], index),
            (2, Some(p)) if index < p.free_ordinary => (self.outputs[0], p.ordinary_inputs + index),
            (2, Some(p)) => (self.outputs[3], p.d_overflow + index - p.free_ordinary),
            _ => (self.outputs[3], index),
        };
        let target = Prefix::dated(space, output.day, output.month, output.yy);
        if slot >= target.class_size(class) {
            return None;
        }
        let (iii, r) = target.class_member(class, slot);
        target.build(iii, r)
    }

    /// The birth date of a class of a dated prefix, when the class exists.
    fn class_date(output: &Prefix, class: usize) -> Option<BirthDate> {
        if !output.class_exists(class) {
            return None;
        }
        let year = output.t.year((class / 2) as u8, output.yy)?;
        BirthDate::new(year, output.month, output.day)
    }

    /// How many inputs of dated kind `kind` are mapped to a class of the
    /// output prefix with the same date as `output` (in whichever space):
    /// the size of the input class they come from.
    fn incoming(&self, kind: usize, output: &Prefix, class: usize) -> usize {
        let Some(out_date) = Self::class_date(output, class) else {
            return 0;
        };
        let in_date = match &self.dates {
            Some(p) => birth_date_from_days(p.backward(birth_date_days(out_date))),
            None => out_date,
        };
        let input = Prefix::of_date(DATED_INPUTS[kind], in_date);
        let class_in = usize::from(input.t.class_of_year(in_date.year)) * 2 + class % 2;
        input.class_size(class_in)
    }

    /// How one class (output birth date × series × sex) is shared out
    /// between the dated kinds; `output` is any prefix with that date.
    fn plan(&self, output: &Prefix, class: usize) -> ClassPlan {
        let p: [Prefix; 4] =
            std::array::from_fn(|k| Prefix::dated(self.outputs[k], output.day, output.month, output.yy));
        let size = |k: usize| p[k].class_size(class);
        let [ordinary, d, h] = [0, 1, 2].map(|k| self.incoming(k, &p[k], class));
        let fnr_overflow = ordinary.saturating_sub(size(0)).min(size(2));
        let h_overflow = h.saturating_sub(size(2) - fnr_overflow);
        let free_ordinary = size(0).saturating_sub(ordinary);
        let d_overflow = d.saturating_sub(size(1));
        let h_to_spare = h_overflow.saturating_sub(free_ordinary);
        ClassPlan {
            fnr_overflow,
            ordinary_inputs: ordinary,
            free_ordinary,
            d_overflow,
            h_to_spare,
            spare_reserved: (d_overflow + h_to_spare).min(size(3)),
        }
    }

    fn region(&self) -> &Region {
        self.region.get_or_init(|| self.build_region())
    }

    fn build_region(&self) -> Region {
        use rayon::prelude::*;
        let mut fh_cum = Vec::with_capacity(FH_SLOTS + 1);
        let mut acc = 0u32;
        for slot in 0..FH_SLOTS {
            fh_cum.push(acc);
            let p = Prefix::fh(slot);
            acc += (p.class_size(0) + p.class_size(1)) as u32;
        }
        fh_cum.push(acc);
        let n_fh = u64::from(acc);

        let mut syn_cum = Vec::with_capacity(SYNTHETIC_INPUTS.len() * DATED_SLOTS + 1);
        let mut acc = 0u32;
        for space in SYNTHETIC_INPUTS {
            for slot in 0..DATED_SLOTS {
                syn_cum.push(acc);
                let p = Prefix::from_slot(space, slot);
                acc += (0..RELAXED).map(|c| p.class_size(c)).sum::<usize>() as u32;
            }
        }
        syn_cum.push(acc);
        let n_syn = u64::from(acc);

        // The spare D-number space: every class, less the members kept for
        // overflowing D-number inputs; then the 2032-rule class of every
        // dated output prefix (dated inputs never go there).
        let spare: Vec<u64> = (0..DATED_SLOTS)
            .into_par_iter()
            .map(|slot| {
                let p = Prefix::from_slot(self.outputs[3], slot);
                let classic: usize = (0..RELAXED)
                    .map(|c| p.class_size(c) - self.plan(&p, c).spare_reserved)
                    .sum();
                (classic + p.class_size(RELAXED)) as u64
            })
            .collect();
        let mut cum = Vec::with_capacity(4 * DATED_SLOTS + 1);
        let mut acc = 0u64;
        for size in spare {
            cum.push(acc);
            acc += size;
        }
        for k in 0..3 * DATED_SLOTS {
            cum.push(acc);
            let p = Prefix::from_slot(self.outputs[k / DATED_SLOTS], k % DATED_SLOTS);
            acc += p.class_size(RELAXED) as u64;
        }
        cum.push(acc);
        Region {
            fh_cum,
            syn_cum,
            cum,
            n_fh,
            n_syn,
        }
    }

    fn map_fh(&self, id: &PersonId) -> Option<[u8; 11]> {
        let d = id.digits;
        let mut digits = [0u8; 6];
        for i in 0..6 {
            digits[i] = d[i] - b'0';
        }
        let iii = id.individual();
        let p = Prefix::new(digits, YyType::Fh, 0, 0, 0);
        let rank = p.table.classic_rank(iii)?;
        let region = self.region();
        let class = usize::from(iii % 2);
        let before = if class == 1 { p.class_size(0) } else { 0 };
        let g = u64::from(region.fh_cum[p.fh_slot()]) + before as u64 + u64::from(rank);
        let permuted = permute(&self.prf, TWEAK_FH, region.n_fh, g);
        self.region_slot(permuted)
    }

    fn map_synthetic(&self, id: &PersonId) -> Option<[u8; 11]> {
        let date = id.birth_date?;
        let day_add = if id.kind == IdKind::DNumber { 40 } else { 0 };
        let month_add = id.convention.month_offset();
        let space_index = SYNTHETIC_INPUTS
            .iter()
            .position(|s| s.day_add == day_add && s.month_add == month_add)?;
        let iii = id.individual();
        let p = Prefix::of_date(SYNTHETIC_INPUTS[space_index], date);
        let rank = p.table.classic_rank(iii)?;
        let class = usize::from(p.t.class_of_year(date.year)) * 2 + usize::from(iii % 2);
        let region = self.region();
        let before: usize = (0..class).map(|c| p.class_size(c)).sum();
        let g = u64::from(region.syn_cum[space_index * DATED_SLOTS + p.slot()]) + before as u64 + u64::from(rank);
        let permuted = permute(&self.prf, TWEAK_SYNTHETIC, region.n_syn, g);
        self.region_slot(region.n_fh + permuted)
    }

    /// The number at position `index` of the shared region.
    fn region_slot(&self, index: u64) -> Option<[u8; 11]> {
        let region = self.region();
        if index >= *region.cum.last()? {
            return None;
        }
        let segment = region.cum.partition_point(|&start| start <= index) - 1;
        let mut offset = (index - region.cum[segment]) as usize;
        if segment < DATED_SLOTS {
            let p = Prefix::from_slot(self.outputs[3], segment);
            for class in 0..=RELAXED {
                let reserved = if class < RELAXED {
                    self.plan(&p, class).spare_reserved
                } else {
                    0
                };
                let size = p.class_size(class) - reserved;
                if offset < size {
                    let (iii, r) = p.class_member(class, reserved + offset);
                    return p.build(iii, r);
                }
                offset -= size;
            }
            return None;
        }
        let k = segment - DATED_SLOTS;
        let p = Prefix::from_slot(self.outputs[k / DATED_SLOTS], k % DATED_SLOTS);
        let (iii, r) = p.class_member(RELAXED, offset);
        p.build(iii, r)
    }

    /// Sizes of the shared region and what it must hold (for tests and docs).
    #[cfg(test)]
    fn region_capacity(&self) -> (u64, u64, u64) {
        let r = self.region();
        (*r.cum.last().unwrap_or(&0), r.n_fh, r.n_syn)
    }
}

#[cfg(test)]
mod tests;
