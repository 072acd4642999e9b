//! Throughput of `pseudonymise` against the csv crate's raw read speed.
//!
//! ```text
//! cargo run --release -p etterlev-testdata --example pseudo_bench -- gen 1024 /tmp/pseudo-1g.csv
//! cargo run --release -p etterlev-testdata --example pseudo_bench -- raw /tmp/pseudo-1g.csv
//! cargo run --release -p etterlev-testdata --example pseudo_bench -- config > rules.yaml
//! cargo run --release -p etterlev-testdata --example pseudo_bench -- run /tmp/pseudo-1g.csv [threads] [out]
//! cargo run --release -p etterlev-testdata --example pseudo_bench -- all 1024 /tmp/pseudo-1g.csv
//! ```
//!
//! The file has the columns `id,fnr,mor_fnr,far_fnr,navn,fodt,postnr,diagnose`
//! (three id columns), about 100 bytes a row, two million distinct persons
//! with valid production-range numbers. `run` uses the same path as the CLI:
//! `io::open_input` (UTF-8 check) → `pseudonymise::run` → a file (default
//! /dev/null, to measure the work rather than the disk). Peak memory: run
//! `run` under `/usr/bin/time -v` for a 100 MB and a 1 GB file.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use etterlev_testdata::ids::{self, BirthDate, Convention, IdKind};
use etterlev_testdata::io::{InputEncoding, open_input};
use etterlev_testdata::pseudonymise::{self, Config, Key, RunOptions};
use rand::{Rng, SeedableRng};

const CONFIG: &str = r#"
format: csv
person: fnr
on_error: fail
columns:
  fnr:      { action: synthetic_id }
  mor_fnr:  { action: synthetic_id }
  far_fnr:  { action: synthetic_id }
  navn:     { action: token }
  fodt:     { action: shift_date }
  postnr:   { action: generalise, keep_digits: 2 }
  diagnose: { action: keep }
  id:       { action: keep }
"#;

const FIRST: [&str; 12] = [
    "Kari", "Ola", "Ingrid", "Per", "Sofie", "Lars", "Nora", "Jonas", "Åse", "Bjørn", "Marte", "Håkon",
];
const LAST: [&str; 10] = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Bakke",
];
const ICD: [&str; 10] = [
    "J06.9", "I10", "E11.9", "M54.5", "F32.1", "K21.9", "S52.5", "Z09", "R51", "N39.0",
];

fn generate(size_mb: u64, path: &Path) -> std::io::Result<()> {
    let target = size_mb * 1024 * 1024;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
    let mut persons: Vec<(String, BirthDate)> = Vec::with_capacity(2_000_000);
    while persons.len() < 2_000_000 {
        let year = rng.gen_range(1920..2024);
        let month = rng.gen_range(1..=12);
        let day = rng.gen_range(1..=ids::days_in_month(year, month));
        let date = BirthDate::new(year, month, day).unwrap_or(BirthDate { year, month, day: 1 });
        let kind = if rng.gen_bool(0.03) {
            IdKind::DNumber
        } else {
            IdKind::Fnr
        };
        if let Some(id) = ids::build_person(date, rng.gen_range(0..1000), kind, Convention::Production) {
            persons.push((id.as_str().to_string(), date));
        }
    }
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    out.write_all(b"id,fnr,mor_fnr,far_fnr,navn,fodt,postnr,diagnose\n")?;
    let mut written = 0u64;
    let mut row = 0u64;
    let mut line = String::with_capacity(160);
    while written < target {
        use std::fmt::Write as _;
        row += 1;
        line.clear();
        let (fnr, date) = &persons[rng.gen_range(0..persons.len())];
        let mor = &persons[rng.gen_range(0..persons.len())].0;
        let far = if rng.gen_bool(0.8) {
            persons[rng.gen_range(0..persons.len())].0.as_str()
        } else {
            ""
        };
        let _ = writeln!(
            line,
            "{row},{fnr},{mor},{far},{} {},{date},{:04},{}",
            FIRST[rng.gen_range(0..FIRST.len())],
            LAST[rng.gen_range(0..LAST.len())],
            rng.gen_range(1..10000),
            ICD[rng.gen_range(0..ICD.len())]
        );
        out.write_all(line.as_bytes())?;
        written += line.len() as u64;
    }
    out.flush()?;
    eprintln!(
        "wrote {} rows, {:.1} MB to {}",
        row,
        written as f64 / 1e6,
        path.display()
    );
    Ok(())
}

fn raw(path: &Path) -> f64 {
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let start = Instant::now();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .buffer_capacity(1 << 18)
        .from_path(path)
        .expect("open");
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    let mut fields = 0u64;
    while reader.read_byte_record(&mut record).expect("read") {
        rows += 1;
        fields += record.len() as u64;
    }
    let secs = start.elapsed().as_secs_f64();
    let mbs = len as f64 / 1e6 / secs;
    println!("raw csv ByteRecord read: {rows} records, {fields} fields, {secs:.2} s, {mbs:.0} MB/s");
    mbs
}

fn run(path: &Path, threads: Option<usize>, out: &Path) -> f64 {
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let config = Config::from_yaml(CONFIG).expect("config");
    let key = Key::from_bytes(b"benchmark key, not a secret: 0123456789").expect("key");
    let start = Instant::now();
    let input = open_input(path, InputEncoding::Utf8).expect("input");
    let mut output = BufWriter::with_capacity(1 << 20, std::fs::File::create(out).expect("output"));
    let summary = pseudonymise::run(
        &config,
        &key,
        input,
        &mut output,
        RunOptions {
            threads,
            ..RunOptions::default()
        },
    )
    .expect("run");
    output.flush().expect("flush");
    let secs = start.elapsed().as_secs_f64();
    let mbs = len as f64 / 1e6 / secs;
    println!(
        "pseudonymise: {} rows, {secs:.2} s, {mbs:.0} MB/s (threads {:?}); ids: {}",
        summary.rows_out,
        threads,
        summary
            .columns
            .iter()
            .filter(|c| c.action == "synthetic_id")
            .map(|c| c.replaced)
            .sum::<u64>()
    );
    mbs
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    match arg(0) {
        Some("gen") => {
            let mb = arg(1).and_then(|s| s.parse().ok()).unwrap_or(1024);
            generate(mb, Path::new(arg(2).unwrap_or("/tmp/pseudo-bench.csv"))).expect("generate");
        }
        Some("raw") => {
            raw(Path::new(arg(1).unwrap_or("/tmp/pseudo-bench.csv")));
        }
        // The rules the benchmark uses, for the scripts that time the command.
        Some("config") => print!("{}", CONFIG.trim_start()),
        Some("run") => {
            let threads = arg(2).and_then(|s| s.parse().ok());
            run(
                Path::new(arg(1).unwrap_or("/tmp/pseudo-bench.csv")),
                threads,
                Path::new(arg(3).unwrap_or("/dev/null")),
            );
        }
        Some("all") | None => {
            let mb = arg(1).and_then(|s| s.parse().ok()).unwrap_or(1024);
            let path = Path::new(arg(2).unwrap_or("/tmp/pseudo-bench.csv"));
            if !path.exists() {
                generate(mb, path).expect("generate");
            }
            let r = raw(path);
            let p = run(path, None, Path::new("/dev/null"));
            println!("pseudonymise / raw csv read = {:.0} %", p / r * 100.0);
        }
        Some(other) => eprintln!("unknown mode {other}: gen | raw | config | run | all"),
    }
}
