//! Identifier validation speed, one core (issue 6: at least 50 M/s per core).
//!
//! `cargo run --release -p etterlev-testdata --example ids_bench [-- COUNT]`
//! Validates COUNT pre-generated 11-byte numbers (half valid person numbers of
//! every kind and convention, half random digit strings) three ways, in the
//! same run: the full rules (control digits, kind, convention, century, date,
//! sex), the control digits only, and the anchor — a plain loop that sums the
//! digits, i.e. the cost of touching the bytes at all.

use std::hint::black_box;
use std::time::Instant;

use etterlev_testdata::ids::{self, BirthDate, Convention, IdKind, Policy};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000_000);
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let mut numbers: Vec<[u8; 11]> = Vec::with_capacity(count);
    while numbers.len() < count {
        if numbers.len().is_multiple_of(2) {
            let year = rng.gen_range(1900..=2025);
            let month = rng.gen_range(1..=12);
            let day = rng.gen_range(1..=ids::days_in_month(year, month));
            let kind = [IdKind::Fnr, IdKind::DNumber, IdKind::HNumber][rng.gen_range(0..3)];
            let conv = [Convention::Production, Convention::Tenor, Convention::NhnReserved][rng.gen_range(0..3)];
            let date = BirthDate::new(year, month, day).expect("valid date");
            if let Some(id) = ids::build_person(date, rng.gen_range(0..1000), kind, conv) {
                numbers.push(id.digits);
            }
        } else {
            let n: u64 = rng.gen_range(0..100_000_000_000);
            let mut d = [0u8; 11];
            d.copy_from_slice(format!("{n:011}").as_bytes());
            numbers.push(d);
        }
    }
    let policy = Policy::default();
    let runs = 5;

    let anchor = best_of(runs, || {
        numbers
            .iter()
            .map(|d| d.iter().map(|&b| u32::from(b)).sum::<u32>() as usize)
            .sum()
    });
    let checksum = best_of(runs, || {
        numbers
            .iter()
            .filter(|d| ids::control_digits_ok(black_box(d), policy))
            .count()
    });
    let full = best_of(runs, || {
        numbers
            .iter()
            .filter(|d| ids::validate_person(black_box(d), policy).is_ok())
            .count()
    });

    let rate = |secs: f64| count as f64 / secs / 1e6;
    println!("numbers: {count} (half valid person numbers, half random), best of {runs} runs, one thread");
    println!("anchor (sum of digits):           {:8.1} M/s", rate(anchor.0));
    println!(
        "control digits only:              {:8.1} M/s  ({} pass)",
        rate(checksum.0),
        checksum.1
    );
    println!(
        "full validation (kind/date/sex):  {:8.1} M/s  ({} valid)",
        rate(full.0),
        full.1
    );
}

fn best_of(runs: usize, mut f: impl FnMut() -> usize) -> (f64, usize) {
    let mut best = f64::MAX;
    let mut result = 0;
    for _ in 0..runs {
        let start = Instant::now();
        result = black_box(f());
        best = best.min(start.elapsed().as_secs_f64());
    }
    (best, result)
}
