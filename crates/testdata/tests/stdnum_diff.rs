//! Differential test: our identifier rules against python-stdnum (PyPI), an
//! independent implementation, over millions of random and generated numbers.
//!
//! Every disagreement must fall under one of our intended differences, or the
//! test fails and prints samples:
//! - `synthetic_month`: months +65 (NHN) and +80 (Tenor) — stdnum only knows +40.
//! - `rule_2032`: the relaxed first control digit of numbers issued from 2032.
//! - `fh_number`: stdnum refuses FH-numbers because they carry no birth date.
//! - `future_birth_date`: stdnum refuses birth dates after today; our rules do
//!   not depend on the clock (a generator must be able to make the children
//!   of 2030, and a scanner must still find them).
//!
//! For numbers both accept, birth date and sex must agree. Organisation and
//! account numbers must agree exactly (11-digit account numbers only).
//!
//! Needs `python3` with `python-stdnum` (`.ci/run` installs it); skipped with a
//! message when missing, and a failure under CI=true.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use etterlev_testdata::ids::{self, BirthDate, ChecksumRule, Convention, IdKind, Sex};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const RANDOM_FNR: usize = 500_000;
const GENERATED_FNR: usize = 500_000;
const ORGNR: usize = 100_000;
const ACCOUNTS: usize = 100_000;

fn stdnum_available() -> bool {
    Command::new("python3")
        .args(["-c", "import stdnum.no.fodselsnummer"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run_stdnum(lines: &[(&str, String)]) -> Vec<String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/stdnum_check.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    let mut input = String::with_capacity(lines.len() * 16);
    for (kind, number) in lines {
        input.push_str(kind);
        input.push(' ');
        input.push_str(number);
        input.push('\n');
    }
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("python3 runs");
    writer.join().expect("writer thread").expect("write to python3");
    assert!(output.status.success(), "stdnum checker failed");
    let text = String::from_utf8(output.stdout).expect("utf-8");
    let verdicts: Vec<String> = text.lines().map(str::to_owned).collect();
    assert_eq!(verdicts.len(), lines.len(), "one verdict per number");
    verdicts
}

/// Numbers that exercise every rule: valid ones of every kind and
/// convention, 2032 variants, FH-numbers, and near misses.
fn generated_numbers(rng: &mut ChaCha8Rng, n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let year = rng.gen_range(1854..=2039);
        let month = rng.gen_range(1..=12);
        let day = rng.gen_range(1..=ids::days_in_month(year, month));
        let date = BirthDate::new(year, month, day).expect("valid date");
        let kind = [IdKind::Fnr, IdKind::DNumber, IdKind::HNumber][rng.gen_range(0..3)];
        let convention = [Convention::Production, Convention::Tenor, Convention::NhnReserved][rng.gen_range(0..3)];
        let individual = rng.gen_range(0..1000);
        let roll = rng.gen_range(0..10);
        if roll == 0 {
            if let Some(fh) = ids::build_fh(rng.gen_range(8..=9), rng.gen_range(0..100_000_000)) {
                out.push(fh.as_str().to_owned());
            }
            continue;
        }
        let Some(id) = ids::build_person(date, individual, kind, convention) else {
            // Not issuable: still a useful near miss for both validators.
            out.push(format!(
                "{:02}{:02}{:02}{:03}{:02}",
                day,
                month,
                year.rem_euclid(100),
                individual,
                rng.gen_range(0..100)
            ));
            continue;
        };
        let mut digits = id.digits;
        match roll {
            1 => {
                // A 2032-style K1 (may equal the classic one) with K2 recomputed.
                let nine: [u8; 9] = digits[..9].try_into().expect("nine digits");
                let candidates = ids::k1_candidates_2032(&nine);
                let k1 = candidates[rng.gen_range(0..candidates.len())];
                digits[9] = b'0' + k1;
                let s: u32 = [5u32, 4, 3, 2, 7, 6, 5, 4, 3, 2]
                    .iter()
                    .zip(digits.iter())
                    .map(|(w, &b)| w * u32::from(b - b'0'))
                    .sum();
                let k2 = (11 - s % 11) % 11;
                if k2 == 10 {
                    continue;
                }
                digits[10] = b'0' + k2 as u8;
            }
            2 => {
                let pos = rng.gen_range(0..11);
                digits[pos] = b'0' + rng.gen_range(0..10);
            }
            _ => {}
        }
        out.push(String::from_utf8(digits.to_vec()).expect("ascii"));
    }
    out
}

fn today() -> BirthDate {
    let now = jiff::Zoned::now().date();
    BirthDate {
        year: now.year(),
        month: now.month() as u8,
        day: now.day() as u8,
    }
}

/// Why we accept a number stdnum refuses, or none when we have no reason.
fn intended_difference(id: &ids::PersonId, today: BirthDate) -> Option<&'static str> {
    if id.kind == IdKind::FhNumber {
        Some("fh_number")
    } else if matches!(id.convention, Convention::Tenor | Convention::NhnReserved) {
        Some("synthetic_month")
    } else if id.rule == ChecksumRule::From2032 {
        Some("rule_2032")
    } else if id.birth_date.is_some_and(|d| d > today) {
        Some("future_birth_date")
    } else {
        None
    }
}

#[test]
fn agrees_with_python_stdnum_except_where_intended() {
    if !stdnum_available() {
        assert!(
            std::env::var("CI").is_err(),
            "python3 with python-stdnum is required under CI (pip install python-stdnum)"
        );
        eprintln!(
            "SKIPPED: python3 with python-stdnum not found; `pip install python-stdnum` to run the differential test"
        );
        return;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(2032);
    let mut fnrs: Vec<String> = (0..RANDOM_FNR)
        .map(|_| format!("{:011}", rng.gen_range(0..100_000_000_000u64)))
        .collect();
    fnrs.extend(generated_numbers(&mut rng, GENERATED_FNR));
    let orgnrs: Vec<String> = (0..ORGNR)
        .map(|i| match i % 2 {
            0 => format!("{:09}", rng.gen_range(0..1_000_000_000u64)),
            _ => ids::build_orgnr(rng.gen_range(0..100_000_000)).unwrap_or_else(|| "000000000".into()),
        })
        .collect();
    let accounts: Vec<String> = (0..ACCOUNTS)
        .map(|i| match i % 2 {
            0 => format!("{:011}", rng.gen_range(0..100_000_000_000u64)),
            // stdnum treats numbers starting 0000 as legacy postgiro numbers (Luhn); we do not accept those.
            _ => ids::build_account(rng.gen_range(100_000_000..10_000_000_000)).unwrap_or_else(|| "10000000000".into()),
        })
        .collect();

    let mut lines: Vec<(&str, String)> = Vec::new();
    lines.extend(fnrs.iter().map(|n| ("fnr", n.clone())));
    lines.extend(orgnrs.iter().map(|n| ("orgnr", n.clone())));
    lines.extend(
        accounts
            .iter()
            .filter(|n| !n.starts_with("0000"))
            .map(|n| ("kontonr", n.clone())),
    );
    let verdicts = run_stdnum(&lines);

    let today = today();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexplained: Vec<String> = Vec::new();
    for ((kind, number), verdict) in lines.iter().zip(&verdicts) {
        let theirs_valid = verdict.starts_with('1');
        match *kind {
            "fnr" => {
                let ours = ids::parse_person(number);
                match (&ours, theirs_valid) {
                    (Ok(id), true) => {
                        *counts.entry("both_valid").or_default() += 1;
                        let mut parts = verdict.split(' ').skip(1);
                        let (date, gender) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                        let our_date = id.birth_date.map(|d| d.to_string()).unwrap_or_default();
                        let our_gender = match id.sex {
                            Some(Sex::Male) => "M",
                            Some(Sex::Female) => "F",
                            None => "",
                        };
                        if our_date != date || our_gender != gender {
                            unexplained.push(format!(
                                "{number}: stdnum {date} {gender}, ours {our_date} {our_gender}"
                            ));
                        }
                    }
                    (Err(_), false) => *counts.entry("both_invalid").or_default() += 1,
                    (Ok(id), false) => match intended_difference(id, today) {
                        Some(reason) => *counts.entry(reason).or_default() += 1,
                        None => unexplained.push(format!("{number}: we accept ({id:?}), stdnum refuses")),
                    },
                    (Err(e), true) => unexplained.push(format!("{number}: stdnum accepts, we refuse ({e})")),
                }
            }
            "orgnr" => {
                if ids::is_valid_orgnr(number) != theirs_valid {
                    unexplained.push(format!("orgnr {number}: stdnum {theirs_valid}"));
                }
                *counts
                    .entry(if theirs_valid { "orgnr_valid" } else { "orgnr_invalid" })
                    .or_default() += 1;
            }
            _ => {
                if ids::is_valid_account(number) != theirs_valid {
                    unexplained.push(format!("kontonr {number}: stdnum {theirs_valid}"));
                }
                *counts
                    .entry(if theirs_valid {
                        "kontonr_valid"
                    } else {
                        "kontonr_invalid"
                    })
                    .or_default() += 1;
            }
        }
    }
    eprintln!("differential test over {} numbers: {counts:?}", lines.len());
    assert!(
        unexplained.is_empty(),
        "{} unexplained disagreements with python-stdnum, first ones:\n{}",
        unexplained.len(),
        unexplained.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
    // The test must exercise every intended difference and plenty of agreement.
    for key in [
        "both_valid",
        "both_invalid",
        "synthetic_month",
        "rule_2032",
        "fh_number",
        "orgnr_valid",
        "kontonr_valid",
    ] {
        assert!(
            counts.get(key).copied().unwrap_or(0) > 100,
            "too few cases of {key}: {counts:?}"
        );
    }
}

/// Inputs for the pseudonymiser check: random ordinary, D- and H-numbers of
/// every series (1854–2039), with classic control digits.
fn random_dated_inputs(rng: &mut ChaCha8Rng, n: usize) -> Vec<String> {
    let mut out = vec!["01018525980".to_owned(), "05010397849".to_owned()];
    while out.len() < n {
        let year = rng.gen_range(1854..=2039);
        let month = rng.gen_range(1..=12);
        let day = rng.gen_range(1..=ids::days_in_month(year, month));
        let date = BirthDate::new(year, month, day).expect("valid date");
        let kind = [IdKind::Fnr, IdKind::DNumber, IdKind::HNumber][rng.gen_range(0..3)];
        if let Some(id) = ids::build_person(date, rng.gen_range(0..1000), kind, Convention::Production) {
            out.push(id.as_str().to_owned());
        }
    }
    out
}

/// `pseudonymise` with `synthetic_id`, checked by python-stdnum: every
/// output has both classic control digits (stdnum's `calc_check_digit1/2`),
/// and stdnum reads the same birth date (so the same century) and gender
/// from it as from the input, once the synthetic month offset is taken away.
#[test]
fn pseudonymised_ids_pass_stdnum_checksums_and_keep_date_and_gender() {
    use etterlev_testdata::io::{InputEncoding, decode_input};
    use etterlev_testdata::pseudonymise::{self, Config, Key, RunOptions};

    if !stdnum_available() {
        assert!(
            std::env::var("CI").is_err(),
            "python3 with python-stdnum is required under CI (pip install python-stdnum)"
        );
        eprintln!(
            "SKIPPED: python3 with python-stdnum not found; `pip install python-stdnum` to run the differential test"
        );
        return;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(80);
    let inputs = random_dated_inputs(&mut rng, 200_000);
    let key = Key::from_bytes("0123456789abcdef".repeat(4).as_bytes()).expect("key");
    let mut outputs = Vec::new();
    for convention in ["tenor", "nhn_reserved"] {
        let config = Config::from_yaml(&format!(
            "convention: {convention}\ncolumns:\n  fnr: {{ action: synthetic_id }}\n"
        ))
        .expect("config");
        let csv_in = format!("fnr\n{}\n", inputs.join("\n"));
        let reader = decode_input(Box::new(std::io::Cursor::new(csv_in.into_bytes())), InputEncoding::Utf8);
        let mut out = Vec::new();
        let summary = pseudonymise::run(&config, &key, reader, &mut out, RunOptions::default()).expect("run");
        assert_eq!(
            summary.columns[0].unmapped, 0,
            "{convention}: every input gets a synthetic id"
        );
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<String> = text.lines().skip(1).map(str::to_owned).collect();
        assert_eq!(lines.len(), inputs.len());
        outputs.push(lines);
    }

    let mut lines: Vec<(&str, String)> = inputs.iter().map(|n| ("fnrparts", n.clone())).collect();
    for batch in &outputs {
        lines.extend(batch.iter().map(|n| ("fnrparts", n.clone())));
    }
    let verdicts = run_stdnum(&lines);
    let (of_inputs, of_outputs) = verdicts.split_at(inputs.len());
    let mut bad = Vec::new();
    for (b, batch) in outputs.iter().enumerate() {
        let verdicts = &of_outputs[b * inputs.len()..(b + 1) * inputs.len()];
        for (((input, output), theirs_in), theirs_out) in inputs.iter().zip(batch).zip(of_inputs).zip(verdicts) {
            assert!(
                theirs_in.starts_with("1 "),
                "stdnum refuses the input {input}: {theirs_in}"
            );
            let same_date_and_gender = theirs_in.get(2..) == theirs_out.get(2..);
            if !theirs_out.starts_with("1 ") || !same_date_and_gender {
                bad.push(format!("{input} ({theirs_in}) → {output} ({theirs_out})"));
            }
        }
    }
    eprintln!(
        "pseudonymise vs python-stdnum: {} outputs checked, {} disagreements",
        outputs.len() * inputs.len(),
        bad.len()
    );
    assert!(
        bad.is_empty(),
        "{} outputs fail stdnum's checksum or change birth date or gender, first ones:\n{}",
        bad.len(),
        bad.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}
