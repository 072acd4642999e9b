//! Integration tests of `generate::run` through the public API.

use std::collections::{HashMap, HashSet};

use etterlev_testdata::generate::{self, BundleType, Format, GenerateError, GenerateOptions, Table};
use etterlev_testdata::ids::{BirthDate, ChecksumRule, Convention, IdKind, Sex, parse_person};
use proptest::prelude::*;

fn gen_bytes(o: &GenerateOptions) -> Vec<u8> {
    let mut out = Vec::new();
    generate::run(o, &mut out, None).unwrap();
    out
}

fn gen_text(o: &GenerateOptions) -> String {
    String::from_utf8(gen_bytes(o)).unwrap()
}

fn csv_rows(text: &str) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            assert_eq!(
                rec.len(),
                header.len(),
                "row has {} fields, header {}",
                rec.len(),
                header.len()
            );
            header.iter().cloned().zip(rec.iter().map(str::to_string)).collect()
        })
        .collect();
    (header, rows)
}

/// Checks one person: the id parses, is synthetic when it should be, and
/// agrees with the birth date, sex and kind columns.
fn check_person(national_id: &str, kind: &str, birth: &str, sex: &str, convention: Convention) {
    let id = parse_person(national_id).unwrap_or_else(|e| panic!("{national_id}: {e}"));
    // Classic control digits: the number itself tells century and sex.
    assert_eq!(id.rule, ChecksumRule::Classic, "{national_id}");
    assert_eq!(id.convention, convention, "{national_id}");
    match convention {
        Convention::Tenor | Convention::NhnReserved => assert!(id.is_synthetic(), "{national_id}"),
        _ => {}
    }
    assert_eq!(
        id.birth_date.map(|d| d.to_string()).as_deref(),
        Some(birth),
        "{national_id}"
    );
    let expected_sex = if (id.digits[8] - b'0') % 2 == 1 {
        Sex::Male
    } else {
        Sex::Female
    };
    assert_eq!(id.sex, Some(expected_sex));
    assert_eq!(
        sex,
        if expected_sex == Sex::Male { "male" } else { "female" },
        "{national_id}"
    );
    assert_eq!(kind == "d_number", id.kind == IdKind::DNumber, "{national_id} {kind}");
}

#[test]
fn production_range_is_refused_without_the_flag() {
    let o = GenerateOptions {
        convention: Convention::Production,
        count: 10,
        ..Default::default()
    };
    let mut out = Vec::new();
    assert!(matches!(
        generate::run(&o, &mut out, None),
        Err(GenerateError::ProductionRefused)
    ));
    assert!(out.is_empty(), "nothing may be written before the refusal");
    for format in [Format::Csv, Format::JsonLines, Format::Fhir] {
        let o = GenerateOptions { format, ..o.clone() };
        assert!(matches!(
            generate::run(&o, &mut Vec::new(), None),
            Err(GenerateError::ProductionRefused)
        ));
    }
    // With the flag, ids are in the production range and the summary says so.
    let o = GenerateOptions {
        allow_production: true,
        ..o
    };
    let mut out = Vec::new();
    let s = generate::run(&o, &mut out, None).unwrap();
    assert!(!s.all_ids_synthetic);
    let (_, rows) = csv_rows(std::str::from_utf8(&out).unwrap());
    for r in rows {
        assert!(parse_person(&r["national_id"]).unwrap().may_be_real());
    }
}

#[test]
fn default_ids_are_tenor_and_synthetic() {
    let text = gen_text(&GenerateOptions {
        count: 3000,
        seed: 5,
        d_number_share: 0.2,
        ..Default::default()
    });
    let (_, rows) = csv_rows(&text);
    assert_eq!(rows.len(), 3000);
    let d = rows.iter().filter(|r| r["id_kind"] == "d_number").count();
    assert!((450..750).contains(&d), "{d} D-numbers of 3000 at 20 %");
    for r in &rows {
        check_person(
            &r["national_id"],
            &r["id_kind"],
            &r["birth_date"],
            &r["sex"],
            Convention::Tenor,
        );
        assert!(
            r["email"].ends_with(".com")
                || r["email"].ends_with(".net")
                || r["email"].ends_with(".org")
                || r["email"].ends_with(".example")
                || r["email"].ends_with(".test")
        );
        assert!(
            r["phone"].starts_with("+4759") && r["phone"].len() == 11,
            "{}",
            r["phone"]
        );
        assert_eq!(r["postal_code"].len(), 4);
        assert_eq!(r["municipality_number"].len(), 4);
        assert!(r["municipality_number"].starts_with(&r["county_number"]));
        assert!(r["birth_date"].as_str() <= "2025-01-01");
    }
}

#[test]
fn ids_are_unique_in_a_large_run() {
    let o = GenerateOptions {
        count: 200_000,
        seed: 11,
        d_number_share: 0.05,
        ..Default::default()
    };
    let text = gen_text(&o);
    let mut seen = HashSet::with_capacity(200_000);
    for line in text.lines().skip(1) {
        let id = line.split(',').nth(1).unwrap();
        assert!(seen.insert(id.to_string()), "duplicate national id {id}");
    }
    assert_eq!(seen.len(), 200_000);
    // Uniqueness holds by construction up to the capacity of the birth years;
    // beyond it the run is refused rather than repeating an id.
    let o = GenerateOptions {
        count: 100_000,
        birth_years: (2024, 2024),
        as_of: BirthDate::new(2024, 3, 1).unwrap(),
        ..Default::default()
    };
    assert!(matches!(
        generate::run(&o, &mut Vec::new(), None),
        Err(GenerateError::TooMany { .. })
    ));
}

#[test]
fn output_is_deterministic_across_thread_counts() {
    for format in [Format::Csv, Format::JsonLines, Format::Fhir] {
        let base = GenerateOptions {
            count: 9_000,
            seed: 42,
            format,
            gp_lists: true,
            gp_list_size: 300,
            encounters_per_patient: 2,
            ..Default::default()
        };
        let one = gen_bytes(&GenerateOptions {
            threads: Some(1),
            ..base.clone()
        });
        let two = gen_bytes(&GenerateOptions {
            threads: Some(2),
            ..base.clone()
        });
        let three = gen_bytes(&GenerateOptions {
            threads: Some(3),
            ..base.clone()
        });
        let default = gen_bytes(&base);
        assert!(
            one == two && two == three && three == default,
            "{format:?} differs by thread count"
        );
        let other_seed = gen_bytes(&GenerateOptions {
            seed: 43,
            ..base.clone()
        });
        assert_ne!(one, other_seed);
    }
}

#[test]
fn tables_agree_with_each_other() {
    let base = GenerateOptions {
        count: 5_000,
        seed: 3,
        gp_lists: true,
        gp_list_size: 250,
        encounters_per_patient: 3,
        ..Default::default()
    };
    let (_, persons) = csv_rows(&gen_text(&base));
    let (_, encounters) = csv_rows(&gen_text(&GenerateOptions {
        table: Table::Encounters,
        ..base.clone()
    }));
    let (_, gps) = csv_rows(&gen_text(&GenerateOptions {
        table: Table::Practitioners,
        ..base.clone()
    }));

    // Persons without GP lists are the same people.
    let (_, plain) = csv_rows(&gen_text(&GenerateOptions {
        gp_lists: false,
        encounters_per_patient: 0,
        ..base.clone()
    }));
    for (a, b) in persons.iter().zip(&plain) {
        assert_eq!(a["national_id"], b["national_id"]);
        assert_eq!(a["family_name"], b["family_name"]);
        assert_eq!(a["street_address"], b["street_address"]);
    }

    let by_uuid: HashMap<&str, &HashMap<String, String>> = persons.iter().map(|p| (p["id"].as_str(), p)).collect();
    assert!(!encounters.is_empty());
    for e in &encounters {
        let p = by_uuid
            .get(e["patient_id"].as_str())
            .expect("encounter of an unknown patient");
        assert_eq!(p["national_id"], e["national_id"]);
        assert_eq!(p["gp_hpr"], e["practitioner_hpr"]);
        assert!(e["date"] >= p["birth_date"] && e["date"].as_str() <= "2025-01-01");
        assert!(e["date"].as_str() >= "2022-01-01");
    }

    // Every GP's list size is the number of persons listed with them.
    let mut lists: HashMap<&str, u64> = HashMap::new();
    for p in &persons {
        *lists.entry(p["gp_hpr"].as_str()).or_default() += 1;
    }
    let mut total = 0;
    let mut hprs = HashSet::new();
    for g in &gps {
        assert!(hprs.insert(g["hpr"].clone()), "duplicate HPR {}", g["hpr"]);
        assert!(g["hpr"].len() == 9 && g["hpr"].starts_with('9'));
        assert!(etterlev_testdata::ids::is_valid_orgnr(&g["organisation_number"]));
        let size: u64 = g["list_size"].parse().unwrap();
        assert_eq!(lists.get(g["hpr"].as_str()).copied().unwrap_or(0), size);
        total += size;
        // The GP works in a municipality where their patients live.
        assert!(
            persons
                .iter()
                .any(|p| p["gp_hpr"] == g["hpr"] && p["municipality_number"] == g["municipality_number"])
                || size == 0
        );
    }
    assert_eq!(total, 5_000);
}

#[test]
fn fhir_bundle_follows_no_basis() {
    let o = GenerateOptions {
        count: 300,
        seed: 8,
        format: Format::Fhir,
        d_number_share: 0.3,
        gp_lists: true,
        gp_list_size: 100,
        encounters_per_patient: 2,
        fhir_bundle_type: BundleType::Transaction,
        ..Default::default()
    };
    let mut out = Vec::new();
    let summary = generate::run(&o, &mut out, None).unwrap();
    let bundle: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "transaction");
    let entries = bundle["entry"].as_array().unwrap();
    assert_eq!(entries.len() as u64, summary.records);
    let mut ids = HashSet::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for e in entries {
        let r = &e["resource"];
        let kind = r["resourceType"].as_str().unwrap().to_string();
        let id = r["id"].as_str().unwrap();
        assert!(ids.insert(format!("{kind}/{id}")));
        assert_eq!(e["request"]["url"], format!("{kind}/{id}"));
        assert_eq!(e["fullUrl"], format!("https://fhir.etterlev.example/{kind}/{id}"));
        assert_eq!(r["meta"]["security"][0]["code"], "HTEST");
        *counts.entry(kind.clone()).or_default() += 1;
        if kind == "Patient" {
            let ident = &r["identifier"][0];
            let value = ident["value"].as_str().unwrap();
            let pid = parse_person(value).unwrap();
            let system = if pid.kind == IdKind::DNumber {
                "urn:oid:2.16.578.1.12.4.1.4.2"
            } else {
                "urn:oid:2.16.578.1.12.4.1.4.1"
            };
            assert_eq!(ident["system"], system);
            assert_eq!(
                r["birthDate"].as_str(),
                pid.birth_date.map(|d| d.to_string()).as_deref()
            );
            let district = &r["address"][0]["_district"]["extension"][0];
            assert_eq!(
                district["url"],
                "http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode"
            );
            assert_eq!(district["valueCoding"]["system"], "urn:oid:2.16.578.1.12.4.1.1.3402");
            assert!(
                r["generalPractitioner"][0]["reference"]
                    .as_str()
                    .unwrap()
                    .starts_with("Practitioner/")
            );
        }
        if kind == "Practitioner" {
            assert_eq!(r["identifier"][0]["system"], "urn:oid:2.16.578.1.12.4.1.4.4");
        }
        if kind == "Condition" {
            assert_eq!(r["code"]["coding"][0]["system"], "urn:oid:2.16.578.1.12.4.1.1.7110");
        }
    }
    assert_eq!(counts["Patient"], 300);
    assert_eq!(counts.get("Encounter"), counts.get("Condition"));
    assert_eq!(counts["Practitioner"] as u64, summary.practitioners);
    assert_eq!(counts["Organization"] as u64, summary.organisations);
    // Every reference points at an entry in the bundle.
    let text = String::from_utf8(out).unwrap();
    for (i, _) in text.match_indices(r#""reference":""#) {
        let rest = &text[i + 13..];
        let target = &rest[..rest.find('"').unwrap()];
        assert!(ids.contains(target), "dangling reference {target}");
    }
}

#[test]
fn fhir_can_be_split_into_bundles_per_line() {
    let o = GenerateOptions {
        count: 1_000,
        seed: 2,
        format: Format::Fhir,
        encounters_per_patient: 3,
        fhir_bundle_entries: Some(100),
        ..Default::default()
    };
    let mut out = Vec::new();
    let s = generate::run(&o, &mut out, None).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut patients = 0;
    let mut entries = 0;
    for line in text.lines() {
        let b: serde_json::Value = serde_json::from_str(line).unwrap();
        let e = b["entry"].as_array().unwrap();
        // A patient's encounters travel with it, so a bundle may run over by one group.
        assert!(!e.is_empty() && e.len() < 100 + 2 * 3 + 1, "{}", e.len());
        assert_eq!(e[0]["resource"]["resourceType"], "Patient");
        patients += e.iter().filter(|x| x["resource"]["resourceType"] == "Patient").count();
        entries += e.len();
    }
    assert_eq!(patients, 1_000);
    assert_eq!(entries as u64, s.records);
    assert_eq!(text.lines().count() as u64, s.bundles);
}

#[test]
fn progress_is_reported() {
    let done = std::sync::Mutex::new(Vec::new());
    let cb = |n: u64| done.lock().unwrap().push(n);
    let o = GenerateOptions {
        count: 100_000,
        ..Default::default()
    };
    generate::run(&o, &mut std::io::sink(), Some(&cb)).unwrap();
    let done = done.into_inner().unwrap();
    assert_eq!(done.last(), Some(&100_000));
    assert!(done.windows(2).all(|w| w[0] < w[1]));
}

fn any_convention() -> impl Strategy<Value = Convention> {
    prop_oneof![
        Just(Convention::Tenor),
        Just(Convention::NhnReserved),
        Just(Convention::DollyOrHNumber)
    ]
}

fn any_format() -> impl Strategy<Value = Format> {
    prop_oneof![Just(Format::Csv), Just(Format::JsonLines), Just(Format::Fhir)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_seed_and_options_give_valid_output(
        seed in any::<u64>(),
        count in 0u64..600,
        convention in any_convention(),
        format in any_format(),
        d_share in 0.0f64..=1.0,
        from in 1900i16..2024,
        span in 0i16..60,
        gp_lists in any::<bool>(),
        encounters in 0u32..4,
    ) {
        let to = (from + span).min(2024);
        let o = GenerateOptions {
            count, seed, convention, format, d_number_share: d_share, birth_years: (from, to),
            gp_lists, gp_list_size: 50, encounters_per_patient: encounters, ..Default::default()
        };
        let mut out = Vec::new();
        let summary = match generate::run(&o, &mut out, None) {
            Ok(s) => s,
            Err(GenerateError::TooMany { .. }) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        prop_assert_eq!(summary.persons, count);
        prop_assert_eq!(summary.fnr + summary.d_numbers, count);
        let text = String::from_utf8(out).unwrap();
        let mut ids = HashSet::new();
        match format {
            Format::Csv => {
                let (_, rows) = csv_rows(&text);
                prop_assert_eq!(rows.len() as u64, count);
                for r in rows {
                    check_person(&r["national_id"], &r["id_kind"], &r["birth_date"], &r["sex"], convention);
                    prop_assert!(ids.insert(r["national_id"].clone()));
                    let year: i16 = r["birth_date"][..4].parse().unwrap();
                    prop_assert!((from..=to).contains(&year));
                }
            }
            Format::JsonLines => {
                let mut n = 0;
                for line in text.lines() {
                    let v: serde_json::Value = serde_json::from_str(line).unwrap();
                    let s = |k: &str| v[k].as_str().unwrap().to_string();
                    check_person(&s("national_id"), &s("id_kind"), &s("birth_date"), &s("sex"), convention);
                    prop_assert!(ids.insert(s("national_id")));
                    n += 1;
                }
                prop_assert_eq!(n, count);
            }
            Format::Fhir => {
                let b: serde_json::Value = serde_json::from_str(&text).unwrap();
                let mut n = 0;
                for e in b["entry"].as_array().unwrap() {
                    let r = &e["resource"];
                    if r["resourceType"] == "Patient" {
                        let ident = &r["identifier"][0];
                        let value = ident["value"].as_str().unwrap();
                        let pid = parse_person(value).unwrap();
                        let system = if pid.kind == IdKind::DNumber { "urn:oid:2.16.578.1.12.4.1.4.2" } else { "urn:oid:2.16.578.1.12.4.1.4.1" };
                        prop_assert_eq!(ident["system"].as_str(), Some(system));
                        prop_assert_eq!(pid.convention, convention);
                        prop_assert!(ids.insert(value.to_string()));
                        n += 1;
                    }
                }
                prop_assert_eq!(n, count);
            }
        }
    }
}

#[test]
fn snapshot_first_five_persons_seed_42() {
    let base = GenerateOptions {
        count: 5,
        seed: 42,
        ..Default::default()
    };
    insta::assert_snapshot!("csv", gen_text(&base));
    insta::assert_snapshot!(
        "jsonl",
        gen_text(&GenerateOptions {
            format: Format::JsonLines,
            ..base.clone()
        })
    );
    let fhir: serde_json::Value = serde_json::from_str(&gen_text(&GenerateOptions {
        format: Format::Fhir,
        ..base.clone()
    }))
    .unwrap();
    insta::assert_snapshot!("fhir", serde_json::to_string_pretty(&fhir).unwrap());
}

/// Run by hand: `cargo test -p etterlev-testdata --release --test generate -- --ignored --nocapture timing`
#[test]
#[ignore]
fn timing_one_million_persons() {
    for format in [Format::Csv, Format::JsonLines, Format::Fhir] {
        let o = GenerateOptions {
            count: 1_000_000,
            seed: 1,
            format,
            ..Default::default()
        };
        let start = std::time::Instant::now();
        let s = generate::run(&o, &mut std::io::sink(), None).unwrap();
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{format:?}: {} persons, {} bytes in {secs:.2} s ({:.0} persons/s, {:.0} MB/s)",
            s.persons,
            s.bytes,
            s.persons as f64 / secs,
            s.bytes as f64 / secs / 1e6
        );
    }
    let o = GenerateOptions {
        count: 1_000_000,
        seed: 1,
        gp_lists: true,
        ..Default::default()
    };
    let start = std::time::Instant::now();
    generate::run(&o, &mut std::io::sink(), None).unwrap();
    println!("Csv with GP lists: {:.2} s", start.elapsed().as_secs_f64());
}

// ---- realism of the generated population --------------------------------

fn persons(count: u64, seed: u64) -> Vec<HashMap<String, String>> {
    csv_rows(&gen_text(&GenerateOptions {
        count,
        seed,
        ..Default::default()
    }))
    .1
}

#[test]
fn small_runs_get_d_numbers_too() {
    // The share is drawn person by person: even 500 persons get some.
    for count in [500u64, 800, 900, 950, 1010] {
        for seed in 1..=5 {
            let s = generate::run(
                &GenerateOptions {
                    count,
                    seed,
                    ..Default::default()
                },
                &mut std::io::sink(),
                None,
            )
            .unwrap();
            assert!(s.d_numbers > 0, "n={count} seed={seed}: no D-numbers");
            assert_eq!(s.d_numbers + s.fnr, count);
        }
    }
    // And the share follows the rate: 4 % by default, settable.
    let rows = persons(20_000, 9);
    let d = rows.iter().filter(|r| r["id_kind"] == "d_number").count();
    assert!((600..1000).contains(&d), "{d} D-numbers of 20 000");
    let s = generate::run(
        &GenerateOptions {
            count: 20_000,
            seed: 9,
            d_number_share: 0.10,
            ..Default::default()
        },
        &mut std::io::sink(),
        None,
    )
    .unwrap();
    assert!((1_700..2_300).contains(&s.d_numbers), "{}", s.d_numbers);
}

/// Share of each first given name among the rows.
fn first_name_shares<'a>(rows: impl Iterator<Item = &'a HashMap<String, String>>) -> Vec<(String, f64)> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    let mut total = 0;
    for r in rows {
        let first = r["given_name"].split(' ').next().unwrap_or_default().to_string();
        *counts.entry(first).or_default() += 1;
        total += 1;
    }
    let mut v: Vec<(String, f64)> = counts.into_iter().map(|(n, c)| (n, c as f64 / total as f64)).collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

#[test]
fn first_names_follow_the_birth_cohort() {
    let rows = persons(20_000, 4);
    let young_girls = first_name_shares(
        rows.iter()
            .filter(|r| r["sex"] == "female" && r["birth_date"].as_str() >= "2010" && r["id_kind"] == "fnr"),
    );
    // SSB's top names for girls born in the 2010s and 2020s.
    let recent = [
        "Nora", "Emma", "Olivia", "Ella", "Sofie", "Leah", "Maja", "Sofia", "Sara", "Ingrid", "Emilie", "Ada", "Alma",
        "Frida", "Aurora", "Astrid", "Hanna", "Thea", "Selma", "Ellinor", "Ida", "Julie",
    ];
    for (name, share) in young_girls.iter().take(5) {
        assert!(
            recent.contains(&name.as_str()),
            "{name} ({share:.3}) is a top name for girls born 2010-2025"
        );
    }
    let old_names: f64 = young_girls
        .iter()
        .filter(|(n, _)| ["Anne", "Inger", "Kari", "Marit", "Berit", "Bjørg"].contains(&n.as_str()))
        .map(|(_, s)| s)
        .sum();
    assert!(
        old_names < 0.01,
        "Anne/Inger/Kari/Marit/Berit/Bjørg: {old_names:.3} of girls born 2010-2025"
    );
    // And the other way round: women born in the 1940s and 50s.
    let older = first_name_shares(rows.iter().filter(|r| {
        r["sex"] == "female" && ("1940".."1960").contains(&r["birth_date"].as_str()) && r["id_kind"] == "fnr"
    }));
    assert!(
        ["Anne", "Inger", "Kari", "Marit", "Liv", "Bjørg", "Randi", "Berit"].contains(&older[0].0.as_str()),
        "{:?}",
        &older[..5]
    );
    // People of immigrant origin are there, in plausible numbers.
    let immigrant = rows
        .iter()
        .filter(|r| {
            [
                "Mohammed", "Muhammad", "Mohamed", "Ahmed", "Ali", "Fatima", "Maryam", "Zainab", "Aisha", "Omar",
                "Yusuf",
            ]
            .contains(&r["given_name"].split(' ').next().unwrap_or_default())
        })
        .count();
    assert!(
        (60..800).contains(&immigrant),
        "{immigrant} of 20 000 with a common Muslim first name"
    );
}

#[test]
fn surnames_are_many_and_hansen_is_about_one_percent() {
    let rows = persons(20_000, 5);
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for r in &rows {
        *counts.entry(r["family_name"].as_str()).or_default() += 1;
    }
    assert!(
        counts.len() >= 600,
        "{} distinct surnames in 20 000 persons",
        counts.len()
    );
    let (top, n) = counts.iter().max_by_key(|(name, n)| (**n, *name)).unwrap();
    let share = *n as f64 / rows.len() as f64;
    assert!(share < 0.02, "{top}: {share:.3}");
    let hansen = counts.get("Hansen").copied().unwrap_or(0) as f64 / rows.len() as f64;
    assert!((0.005..0.016).contains(&hansen), "Hansen {hansen:.4}");
    for name in ["Nguyen", "Ali", "Ahmed", "Khan", "Nowak"] {
        assert!(counts.contains_key(name), "no {name} among 20 000 persons");
    }
}

#[test]
fn e_mail_addresses_are_unique() {
    for (count, seed) in [(20_000u64, 6u64), (3_000, 7)] {
        let text = gen_text(&GenerateOptions {
            count,
            seed,
            gp_lists: true,
            gp_list_size: 50,
            ..Default::default()
        });
        let rows = csv_rows(&text).1;
        let mut seen = HashSet::new();
        for r in &rows {
            assert!(seen.insert(r["email"].clone()), "duplicate e-mail {}", r["email"]);
        }
        let gps = csv_rows(&gen_text(&GenerateOptions {
            count,
            seed,
            table: Table::Practitioners,
            gp_list_size: 50,
            ..Default::default()
        }))
        .1;
        for g in &gps {
            assert!(seen.insert(g["email"].clone()), "duplicate e-mail {}", g["email"]);
        }
    }
}

#[test]
fn gp_lists_have_the_asked_size() {
    let o = GenerateOptions {
        count: 20_000,
        seed: 2,
        gp_list_size: 1000,
        table: Table::Practitioners,
        ..Default::default()
    };
    let gps = csv_rows(&gen_text(&o)).1;
    assert_eq!(gps.len(), 20, "⌈20 000 / 1000⌉ GPs");
    let mut sizes: Vec<u64> = gps.iter().map(|g| g["list_size"].parse().unwrap()).collect();
    sizes.sort_unstable();
    let median = sizes[sizes.len() / 2];
    assert!((900..=1100).contains(&median), "median list {median}");
    assert_eq!(sizes.iter().sum::<u64>(), 20_000);
    // Odd sizes: 20 500 persons with lists of 1000 → 21 GPs of 976 or 977.
    let gps = csv_rows(&gen_text(&GenerateOptions {
        count: 20_500,
        ..o.clone()
    }))
    .1;
    assert_eq!(gps.len(), 21);
    assert!(gps.iter().all(|g| ["976", "977"].contains(&g["list_size"].as_str())));
    let s = generate::run(&GenerateOptions { count: 20_000, ..o }, &mut std::io::sink(), None).unwrap();
    assert_eq!(s.practitioners, 20);
    assert_eq!(
        s.organisations,
        gps_practices(&gen_text(&GenerateOptions {
            count: 20_000,
            seed: 2,
            gp_list_size: 1000,
            table: Table::Practitioners,
            ..Default::default()
        }))
    );
}

fn gps_practices(text: &str) -> u64 {
    csv_rows(text)
        .1
        .iter()
        .map(|g| g["organisation_number"].clone())
        .collect::<HashSet<_>>()
        .len() as u64
}

/// Person identity (national id, name, birth date) by UUID, checking that
/// UUIDs are unique within the run.
fn by_uuid(rows: &[HashMap<String, String>]) -> HashMap<String, (String, String, String)> {
    let mut m = HashMap::new();
    for r in rows {
        let who = (
            r["national_id"].clone(),
            format!("{} {} {}", r["given_name"], r["middle_name"], r["family_name"]),
            r["birth_date"].clone(),
        );
        assert!(
            m.insert(r["id"].clone(), who).is_none(),
            "UUID {} twice in one run",
            r["id"]
        );
    }
    m
}

#[test]
fn a_uuid_means_the_same_person_whatever_the_count() {
    for seed in [1u64, 42, 7_000] {
        let a = by_uuid(&persons(100, seed));
        let b = by_uuid(&persons(150, seed));
        let mut shared = 0;
        for (uuid, who) in &a {
            if let Some(other) = b.get(uuid) {
                assert_eq!(who, other, "seed {seed}: UUID {uuid} names two different persons");
                shared += 1;
            }
        }
        // Not vacuous: the two runs share people.
        assert!(shared >= 10, "seed {seed}: only {shared} shared UUIDs");
        // And the other way round: a national id in both runs is the same person.
        let ids_b: HashMap<&str, (&String, &(String, String, String))> =
            b.iter().map(|(u, w)| (w.0.as_str(), (u, w))).collect();
        for (uuid, who) in &a {
            if let Some((u, w)) = ids_b.get(who.0.as_str()) {
                assert_eq!((*u, *w), (uuid, who), "seed {seed}: national id {} differs", who.0);
            }
        }
    }
    // Encounters, conditions and GP resources in FHIR: ids unique in the run.
    let text = gen_text(&GenerateOptions {
        count: 400,
        seed: 3,
        format: Format::Fhir,
        gp_lists: true,
        gp_list_size: 40,
        encounters_per_patient: 3,
        ..Default::default()
    });
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut ids = HashSet::new();
    for e in v["entry"].as_array().unwrap() {
        let id = format!("{}/{}", e["resource"]["resourceType"], e["resource"]["id"]);
        assert!(ids.insert(id.clone()), "{id} twice");
    }
}

#[test]
fn small_runs_draw_birth_years_per_seed() {
    // The birth years of a small run are drawn, not the same rounded
    // expectation for every seed.
    let years = |seed| -> Vec<String> {
        let mut v: Vec<String> = persons(20, seed)
            .iter()
            .map(|r| r["birth_date"][..4].to_string())
            .collect();
        v.sort();
        v
    };
    let all: HashSet<Vec<String>> = (1..=5).map(years).collect();
    assert!(all.len() >= 4, "the same birth years for different seeds: {all:?}");
    // Over a larger run the ages still follow the pyramid: about a fifth under 20.
    let rows = persons(20_000, 3);
    let young = rows.iter().filter(|r| r["birth_date"].as_str() > "2005-01-01").count();
    assert!((3_000..5_500).contains(&young), "{young} of 20 000 under 20");
}
