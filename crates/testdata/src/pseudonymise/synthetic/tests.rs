use super::*;
use crate::ids::{Policy, Sex, build_person, individual_range, validate_person};
use std::collections::HashSet;

fn mapper(shift: bool) -> IdMapper {
    let prf = Prf::from_key(&[9u8; 16]);
    let dates = shift.then(|| DatePermutation::new(Prf::from_key(&[4u8; 16]), 180));
    IdMapper::new(prf, OutputConvention::Tenor, dates)
}

fn all_valid_for(date: BirthDate, kind: IdKind) -> Vec<PersonId> {
    let mut v = Vec::new();
    for range in individual_range(date.year) {
        for iii in range {
            if let Some(id) = build_person(date, iii, kind, Convention::Production) {
                v.push(id);
            }
        }
    }
    v
}

/// Rank and select on the bitsets against a plain recount from the
/// control-digit rules, for every table, class and individual number.
#[test]
fn bitset_rank_and_select_match_a_recount() {
    for t in [YyType::Modern, YyType::Mid, YyType::Old, YyType::Fh] {
        for s1r in 0..11 {
            for s2r in 0..11 {
                let table = &tables()[t.index() * 121 + s1r as usize * 11 + s2r as usize];
                let mut members: [Vec<u16>; 4] = Default::default();
                for iii in 0..1000u16 {
                    let valid = k1(s1r, iii, 0).is_some_and(|c1| k2(s2r, iii, c1).is_some());
                    let class = t.year_class(iii).map(|yc| usize::from(yc) * 2 + usize::from(iii % 2));
                    match (valid, class) {
                        (true, Some(c)) => {
                            assert_eq!(
                                table.classic_rank(iii),
                                Some(members[c].len() as u16),
                                "{t:?} {s1r} {s2r} {iii}"
                            );
                            members[c].push(iii);
                        }
                        _ => assert_eq!(table.classic_rank(iii), None, "{t:?} {s1r} {s2r} {iii}"),
                    }
                }
                for (c, list) in members.iter().enumerate() {
                    assert_eq!(usize::from(table.sizes[c]), list.len());
                    for (i, &iii) in list.iter().enumerate() {
                        assert_eq!(table.classic_member(c, i), iii, "{t:?} {s1r} {s2r} class {c} #{i}");
                    }
                }
            }
        }
    }
}

#[test]
fn tables_agree_with_the_validator() {
    // Every classic member and every 2032 member of a few prefixes validates.
    for (space, date) in [
        (
            Space {
                day_add: 0,
                month_add: 80,
            },
            BirthDate::new(1999, 12, 31).unwrap(),
        ),
        (
            Space {
                day_add: 40,
                month_add: 65,
            },
            BirthDate::new(2000, 2, 29).unwrap(),
        ),
        (
            Space {
                day_add: 0,
                month_add: 80,
            },
            BirthDate::new(1872, 6, 1).unwrap(),
        ),
    ] {
        let p = Prefix::of_date(space, date);
        for class in 0..=RELAXED {
            for i in 0..p.class_size(class) {
                let (iii, r) = p.class_member(class, i);
                let digits = p.build(iii, r).unwrap();
                let id = validate_person(&digits, Policy::default()).unwrap();
                assert!(id.is_synthetic());
                if class < RELAXED {
                    assert_eq!(id.rule, ChecksumRule::Classic);
                    assert_eq!(id.birth_date.unwrap().month, date.month);
                } else {
                    assert_eq!(id.rule, ChecksumRule::From2032);
                }
            }
        }
    }
}

fn mapper_for(convention: OutputConvention, shift: bool) -> IdMapper {
    let prf = Prf::from_key(&[9u8; 16]);
    let dates = shift.then(|| DatePermutation::new(Prf::from_key(&[4u8; 16]), 180));
    IdMapper::new(prf, convention, dates)
}

/// What a dated input must keep: the output validates under the
/// classic rule only (no 2032 K1), is synthetic, has the expected kind,
/// and reads with the input's (shifted) birth date — so the same
/// individual-number series and century — and the same sex.
fn check_dated_output(m: &IdMapper, id: &PersonId, out: &[u8; 11]) {
    let o = validate_person(out, Policy { accept_2032: false }).unwrap_or_else(|e| {
        panic!("{id} → {}: {e}", String::from_utf8_lossy(out));
    });
    assert!(o.is_synthetic(), "{id} → {o}");
    match id.kind {
        // H-numbers become fødselsnumre, the few that overflow D-numbers.
        IdKind::HNumber => assert!(matches!(o.kind, IdKind::Fnr | IdKind::DNumber), "{id} → {o}"),
        kind => assert_eq!(o.kind, kind, "{id} → {o}"),
    }
    let date = id.birth_date.unwrap();
    assert_eq!(o.birth_date, Some(m.output_date(date)), "{id} → {o}");
    assert_eq!(o.sex, id.sex, "{id} → {o}");
    assert_eq!(o.digits[8] % 2, id.digits[8] % 2, "{id} → {o}");
    if m.dates.is_none() {
        // Same series of individual numbers, hence the same century.
        assert_eq!(
            crate::ids::century_year(o.individual(), (date.year % 100) as u8),
            Some(date.year),
            "{id} → {o}"
        );
    }
}

/// Maps every valid ordinary, D- and H-number of every `step`-th birth
/// date from 1854-01-01 (`offset` days in) and checks each output.
/// Outputs of different input dates carry different output dates, so
/// injectivity is checked date by date. Returns (mapped, unmapped).
fn check_dates(m: &IdMapper, step: usize, offset: usize) -> (usize, usize) {
    let first = birth_date_days(BirthDate::new(1854, 1, 1).unwrap());
    let last = birth_date_days(BirthDate::new(2039, 12, 31).unwrap());
    let (mut mapped, mut unmapped) = (0, 0);
    let mut seen = HashSet::new();
    let mut day = first + offset as i64;
    while day <= last {
        let date = birth_date_from_days(day);
        seen.clear();
        for kind in [IdKind::Fnr, IdKind::DNumber, IdKind::HNumber] {
            for id in all_valid_for(date, kind) {
                match m.map(&id) {
                    Some(out) => {
                        check_dated_output(m, &id, &out);
                        assert!(seen.insert(out), "collision for {id}");
                        mapped += 1;
                    }
                    None => unmapped += 1,
                }
            }
        }
        day += step as i64;
    }
    (mapped, unmapped)
}

#[test]
fn the_reported_examples_keep_sex_and_century() {
    // Inputs whose ranks fell beyond their output class used to get a
    // number valid only under the 2032 rule, which reads with the other
    // sex (01018525980, male) or century (05010397849, born 2003).
    let key = crate::pseudonymise::Key::from_bytes("0123456789abcdef".repeat(4).as_bytes()).unwrap();
    let m = IdMapper::new(key.sub_keys().id_prf.clone(), OutputConvention::Tenor, None);
    for input in ["01018525980", "05010397849"] {
        let id = crate::ids::parse_person(input).unwrap();
        let out = m.map(&id).unwrap();
        check_dated_output(&m, &id, &out);
    }
}

#[test]
fn every_number_of_some_dates_maps_injectively_keeping_date_century_and_sex() {
    for shift in [false, true] {
        let m = mapper(shift);
        let mut seen = HashSet::new();
        let mut unmapped = 0;
        for date in [
            BirthDate::new(1999, 12, 31).unwrap(),
            BirthDate::new(2000, 1, 1).unwrap(),
            BirthDate::new(1986, 10, 15).unwrap(),
            BirthDate::new(1900, 2, 28).unwrap(),
            BirthDate::new(2000, 2, 29).unwrap(),
            BirthDate::new(1854, 1, 1).unwrap(),
            BirthDate::new(2039, 12, 31).unwrap(),
            BirthDate::new(1939, 12, 31).unwrap(),
            BirthDate::new(1940, 1, 1).unwrap(),
        ] {
            for kind in [IdKind::Fnr, IdKind::DNumber, IdKind::HNumber] {
                for id in all_valid_for(date, kind) {
                    match m.map(&id) {
                        Some(out) => {
                            check_dated_output(&m, &id, &out);
                            assert!(seen.insert(out), "collision for {}", id);
                        }
                        None if shift => unmapped += 1,
                        None => panic!("{id} got no synthetic id without a shift"),
                    }
                }
            }
        }
        assert!(unmapped * 500 < seen.len(), "{unmapped} of {} unmapped", seen.len());
    }
}

/// Dated inputs over a deterministic sample of birth dates (about
/// 500,000 ids per run); `every_birth_date_exhaustively` covers them all.
#[test]
fn dated_outputs_are_classic_and_keep_date_century_and_sex() {
    let (mapped, unmapped) = check_dates(&mapper_for(OutputConvention::Tenor, false), 257, 0);
    assert_eq!(unmapped, 0);
    assert!(mapped > 300_000, "{mapped}");
    let (mapped, unmapped) = check_dates(&mapper_for(OutputConvention::NhnReserved, false), 1009, 3);
    assert_eq!(unmapped, 0);
    assert!(mapped > 60_000, "{mapped}");
    let (mapped, unmapped) = check_dates(&mapper_for(OutputConvention::Tenor, true), 1009, 5);
    assert!(unmapped * 1000 < mapped, "{unmapped} unmapped of {mapped}");
}

/// Every valid dated input of every birth date 1854–2039, for both
/// conventions, with and without a shifted birth date (79 million
/// ids per configuration; run with `--release -- --ignored`).
#[test]
#[ignore = "long: every birth date; run in release mode with --ignored"]
fn every_birth_date_exhaustively() {
    for convention in [OutputConvention::Tenor, OutputConvention::NhnReserved] {
        for shift in [false, true] {
            let (mapped, unmapped) = check_dates(&mapper_for(convention, shift), 1, 0);
            eprintln!("{convention:?} shift {shift}: {mapped} mapped, {unmapped} unmapped");
            if !shift {
                assert_eq!(unmapped, 0);
            }
        }
    }
}

/// The counting argument behind the overflow: for every output date and
/// class, without a shift, every overflowing input finds a free member
/// of the same class in the partner or spare space.
#[test]
fn overflow_always_fits_without_a_shift() {
    for convention in [OutputConvention::Tenor, OutputConvention::NhnReserved] {
        for shift in [false, true] {
            let m = mapper_for(convention, shift);
            let (mut overflow, mut h_spare, mut lost, mut total) = (0, 0, 0, 0);
            for slot in 0..DATED_SLOTS {
                let p: [Prefix; 4] = std::array::from_fn(|k| Prefix::from_slot(m.outputs[k], slot));
                for class in 0..RELAXED {
                    let [a, d, h] = [0, 1, 2].map(|k| m.incoming(k, &p[k], class));
                    total += a + d + h;
                    let size = |k: usize| p[k].class_size(class);
                    let plan = m.plan(&p[0], class);
                    overflow += a.saturating_sub(size(0)) + d.saturating_sub(size(1));
                    overflow += h.saturating_sub(size(2) - plan.fnr_overflow);
                    h_spare += plan.h_to_spare;
                    lost += a.saturating_sub(size(0) + size(2));
                    lost += (plan.d_overflow + plan.h_to_spare).saturating_sub(size(3));
                    assert!(plan.spare_reserved <= size(3));
                    if slot % 97 == 0 {
                        assert_eq!(plan, m.plan(&p[3], class), "the plan depends on the date only");
                    }
                }
            }
            eprintln!(
                "{convention:?} shift {shift}: {total} inputs, {overflow} overflow ({h_spare} H-numbers \
                 to D-numbers), {lost} without room"
            );
            assert!(overflow > 0, "the overflow path is exercised");
            if shift {
                assert!(lost * 10_000 < total, "{lost} of {total}");
            } else {
                assert_eq!(lost, 0, "{convention:?}");
            }
        }
    }
}

/// D-number overflow takes the first members of the spare D-number
/// class; the shared region (FH-numbers and synthetic inputs) skips
/// them, so the two never meet.
#[test]
fn d_number_overflow_and_the_shared_region_are_disjoint() {
    let m = mapper(false);
    let region = m.region();
    let mut checked = 0;
    for slot in 0..DATED_SLOTS {
        let p = Prefix::from_slot(m.outputs[1], slot);
        if (0..RELAXED).all(|c| m.plan(&p, c).spare_reserved == 0) {
            continue;
        }
        let mut dates: Vec<BirthDate> = (0..RELAXED).filter_map(|c| IdMapper::class_date(&p, c)).collect();
        dates.dedup();
        let spare_month = dates[0].month + m.outputs[3].month_add;
        let d_outputs: HashSet<[u8; 11]> = dates
            .iter()
            .flat_map(|&date| [IdKind::DNumber, IdKind::HNumber].map(|kind| all_valid_for(date, kind)))
            .flatten()
            .filter_map(|id| m.map(&id))
            .collect();
        let overflowed = d_outputs
            .iter()
            .filter(|o| o[0] >= b'4' && (o[2] - b'0') * 10 + (o[3] - b'0') == spare_month)
            .count();
        assert!(overflowed > 0, "slot {slot}: some inputs overflow into the spare space");
        for index in region.cum[slot]..region.cum[slot + 1] {
            let out = m.region_slot(index).unwrap();
            assert!(
                !d_outputs.contains(&out),
                "slot {slot}: region slot {index} is a D-number's id"
            );
        }
        checked += 1;
        if checked == 30 {
            break;
        }
    }
    assert_eq!(checked, 30);
}

#[test]
fn shared_region_holds_fh_and_synthetic_inputs() {
    let m = mapper(false);
    let (capacity, n_fh, n_syn) = m.region_capacity();
    assert!(n_fh + n_syn <= capacity, "{n_fh} + {n_syn} > {capacity}");
    // FH example and a Tenor input.
    let fh = crate::ids::build_fh(8, 12_345_678)
        .or_else(|| crate::ids::build_fh(8, 12_345_679))
        .unwrap();
    let out = m.map(&fh).unwrap();
    assert!(validate_person(&out, Policy::default()).unwrap().is_synthetic());
    let tenor = crate::ids::parse_person("17912099997").unwrap();
    let out2 = m.map(&tenor).unwrap();
    assert!(validate_person(&out2, Policy::default()).unwrap().is_synthetic());
    assert_ne!(out, out2);
    // 2032-only numbers are left to the caller.
    assert!(m.map(&crate::ids::parse_person("30108299939").unwrap()).is_none());
}

#[test]
fn fh_region_is_injective_on_a_sample() {
    let m = mapper(true);
    let mut seen = HashSet::new();
    for rest in (0..100_000_000u32).step_by(997).take(60_000) {
        for first in [8, 9] {
            if let Some(fh) = crate::ids::build_fh(first, rest) {
                let out = m.map(&fh).unwrap();
                assert!(validate_person(&out, Policy::default()).unwrap().is_synthetic());
                assert!(seen.insert(out));
            }
        }
    }
    assert!(seen.len() > 90_000);
    let _ = Sex::Female;
}
