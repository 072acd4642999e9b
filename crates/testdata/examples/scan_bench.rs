//! Throughput of `scan` on a large CSV.
//!
//! ```text
//! cargo run --release -p etterlev-testdata --example scan_bench -- gen /tmp/scan-1g.csv 1000
//! /usr/bin/time -v target/release/examples/scan_bench scan /tmp/scan-1g.csv
//! target/release/examples/scan_bench csv-baseline /tmp/scan-1g.csv
//! ```
//!
//! `gen PATH MB`: writes a CSV of about MB megabytes with columns
//! id,fnr,navn,adresse,telefon,epost,notat — Tenor (+80) person numbers, one
//! row in 500 with a production-range number, names, addresses, phones and
//! e-mail addresses, and a free-text note that sometimes mentions a number.
//! `scan PATH [THREADS]`: scans it and prints MB/s and the counts.
//! `csv-baseline PATH`: the csv crate's raw ByteRecord read of the same file.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use etterlev_testdata::ids::{self, BirthDate, Convention, IdKind};
use etterlev_testdata::scan::{self, ScanOptions};
use rand::{Rng, SeedableRng};

const GIVEN: &[&str] = &[
    "Ola", "Kari", "Per", "Anne", "Jonas", "Ingrid", "Lars", "Nora", "Emil", "Sofie", "Bjørn", "Marit",
];
const SURNAMES: &[&str] = &[
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Nordmann",
    "Berg",
    "Haugen",
    "Ødegård",
    "Lie",
    "Dahl",
];
const STREETS: &[&str] = &[
    "Storgata",
    "Kirkeveien",
    "Skolegata",
    "Parkveien",
    "Fjordvegen",
    "Torggata",
    "Bjølsenveien",
];
const TOWNS: &[(&str, &str)] = &[
    ("0150", "Oslo"),
    ("5003", "Bergen"),
    ("7030", "Trondheim"),
    ("9008", "Tromsø"),
    ("4006", "Stavanger"),
];
const NOTES: &[&str] = &[
    "Kontroll om tre måneder. Ingen endring i medisinering.",
    "Pasienten møtte ikke til avtalt time; ny innkalling sendt",
    "Henvist til poliklinikk for videre utredning av smerter i kne.",
    "Blodprøver tatt, svar ventes innen en uke. Følges opp av fastlege.",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("gen") if args.len() >= 4 => {
            let mb: u64 = args[3].parse().expect("MB must be a number");
            generate(&PathBuf::from(&args[2]), mb * 1_000_000);
        }
        Some("scan") if args.len() >= 3 => {
            let threads = args.get(3).and_then(|t| t.parse().ok()).unwrap_or(0);
            bench_scan(&PathBuf::from(&args[2]), threads);
        }
        Some("csv-baseline") if args.len() >= 3 => csv_baseline(&PathBuf::from(&args[2])),
        _ => {
            eprintln!("usage: scan_bench gen PATH MB | scan PATH [THREADS] | csv-baseline PATH");
            std::process::exit(2);
        }
    }
}

fn person(rng: &mut impl Rng, convention: Convention) -> String {
    loop {
        let year = rng.gen_range(1930..2020);
        let month = rng.gen_range(1..=12);
        let day = rng.gen_range(1..=ids::days_in_month(year, month));
        let Some(date) = BirthDate::new(year, month, day) else {
            continue;
        };
        let ranges = ids::individual_range(year);
        let r = &ranges[rng.gen_range(0..ranges.len())];
        let individual = rng.gen_range(*r.start()..=*r.end());
        if let Some(p) = ids::build_person(date, individual, IdKind::Fnr, convention) {
            return p.as_str().to_string();
        }
    }
}

fn generate(path: &PathBuf, bytes: u64) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(6);
    let file = std::fs::File::create(path).expect("create output");
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut written = 0u64;
    let header = "id,fnr,navn,adresse,telefon,epost,notat\n";
    w.write_all(header.as_bytes()).expect("write");
    written += header.len() as u64;
    let mut i = 0u64;
    let mut line = String::with_capacity(512);
    while written < bytes {
        i += 1;
        line.clear();
        let conv = if i.is_multiple_of(500) {
            Convention::Production
        } else {
            Convention::Tenor
        };
        let fnr = person(&mut rng, conv);
        let g = GIVEN[rng.gen_range(0..GIVEN.len())];
        let s = SURNAMES[rng.gen_range(0..SURNAMES.len())];
        let (code, town) = TOWNS[rng.gen_range(0..TOWNS.len())];
        let street = STREETS[rng.gen_range(0..STREETS.len())];
        let phone = if rng.gen_bool(0.5) {
            format!("9{:07}", rng.gen_range(0..10_000_000))
        } else {
            format!(
                "+47 4{:02} {:02} {:03}",
                rng.gen_range(0..100),
                rng.gen_range(0..100),
                rng.gen_range(0..1000)
            )
        };
        let email = format!(
            "{}.{}{}@example.no",
            g.to_lowercase().replace('ø', "o"),
            s.to_lowercase().replace('ø', "o").replace('å', "a"),
            rng.gen_range(1..100)
        );
        let mut note = NOTES[rng.gen_range(0..NOTES.len())].to_string();
        if i.is_multiple_of(50) {
            note.push_str(&format!(
                " Pårørende: {} {}, fnr {}.",
                GIVEN[(i as usize) % GIVEN.len()],
                s,
                person(&mut rng, Convention::Tenor)
            ));
        }
        use std::fmt::Write as _;
        let _ = writeln!(
            line,
            "{i},{fnr},{g} {s},\"{street} {}, {code} {town}\",{phone},{email},\"{note}\"",
            rng.gen_range(1..200)
        );
        w.write_all(line.as_bytes()).expect("write");
        written += line.len() as u64;
    }
    w.flush().expect("flush");
    eprintln!("wrote {} rows, {:.1} MB to {}", i, written as f64 / 1e6, path.display());
}

fn bench_scan(path: &PathBuf, threads: usize) {
    let size = std::fs::metadata(path).expect("input").len();
    let options = ScanOptions {
        threads,
        ..ScanOptions::default()
    };
    let start = Instant::now();
    let report = scan::run(&options, std::slice::from_ref(path)).expect("scan");
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "file": path.display().to_string(),
            "bytes": size,
            "threads": if threads == 0 { rayon::current_num_threads() } else { threads },
            "seconds": secs,
            "mb_per_s": size as f64 / 1e6 / secs,
            "counts": report.counts,
            "below_threshold": report.below_threshold,
            "person_ids": report.person_ids,
            "records": report.files.first().and_then(|f| f.records),
        })
    );
}

fn csv_baseline(path: &PathBuf) {
    let size = std::fs::metadata(path).expect("input").len();
    let start = Instant::now();
    let mut rdr = csv::ReaderBuilder::new().from_path(path).expect("open");
    let mut rec = csv::ByteRecord::new();
    let mut fields = 0u64;
    while rdr.read_byte_record(&mut rec).expect("read") {
        fields += rec.len() as u64;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({ "csv_byte_record_mb_per_s": size as f64 / 1e6 / secs, "seconds": secs, "fields": fields })
    );
}
