//! Integration tests for `risk`: a hand-computed table for every measure,
//! population models, generalisation, bad input, property tests.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use etterlev_testdata::risk::{
    self, Generalisation, OnMalformed, PersonColumn, PersonSource, Population, RiskError, RiskOptions, RiskReport,
};
use proptest::prelude::*;

const TABLE: &str = "\
age,postcode,sex,diagnosis
34,0150,F,J45
34,0150,F,E11
34,0150,F,J45
45,5003,M,I10
45,5003,M,I10
52,7030,F,C50
52,7030,F,J45
67,9008,M,E11
29,0150,M,F32
29,0151,M,F32
";

fn columns() -> Vec<String> {
    ["age", "postcode", "sex", "diagnosis"].map(String::from).to_vec()
}

fn rows() -> Vec<Vec<String>> {
    TABLE
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

fn options() -> RiskOptions {
    RiskOptions {
        quasi_identifiers: vec!["age".into(), "postcode".into(), "sex".into()],
        sensitive: Some("diagnosis".into()),
        k: 2,
        ..RiskOptions::default()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn analyse(o: &RiskOptions) -> RiskReport {
    risk::analyse(&columns(), rows(), o).unwrap()
}

/// Classes: (34,0150,F)×3, (45,5003,M)×2, (52,7030,F)×2, (67,9008,M)×1,
/// (29,0150,M)×1, (29,0151,M)×1.
#[test]
fn hand_computed_measures() {
    let r = analyse(&options());
    assert_eq!((r.records, r.classes, r.k), (10, 6, 1));
    assert!(!r.k_anonymous);
    assert_eq!((r.classes_below_k, r.records_below_k, r.unique_records), (3, 3, 3));
    assert_eq!(r.uniques.iter().map(|u| u.row).collect::<Vec<_>>(), vec![8, 9, 10]);
    assert_eq!(r.uniques[0].values, vec!["67", "9008", "M"]);
    let hist: Vec<(u64, u64, u64)> = r.class_sizes.iter().map(|c| (c.size, c.classes, c.records)).collect();
    assert_eq!(hist, vec![(1, 3, 3), (2, 2, 4), (3, 1, 3)]);

    // Prosecutor, τ = 0.2: every class has 1/f > 0.2.
    assert!(close(r.prosecutor.records_at_risk, 1.0));
    assert!(close(r.prosecutor.highest_risk, 1.0));
    assert!(close(r.prosecutor.success_rate, 0.6));
    // Without a population, journalist = prosecutor and marketer = J/n.
    assert_eq!(r.journalist, r.prosecutor);
    assert!(close(r.marketer.success_rate, 0.6));

    let l = r.l_diversity.as_ref().unwrap();
    assert_eq!(l.distinct_l, 1);
    assert!(close(l.entropy_l, 1.0));
    assert_eq!((l.homogeneous_classes, l.records_in_homogeneous_classes), (4, 5));

    // Threshold 0.4: classes of size 1 and 2 (7 records); 0.5: size 1 only.
    let r = analyse(&RiskOptions {
        threshold: 0.4,
        ..options()
    });
    assert!(close(r.prosecutor.records_at_risk, 0.7));
    assert_eq!(r.prosecutor.records_at_risk_count, 7);
    let r = analyse(&RiskOptions {
        threshold: 0.5,
        ..options()
    });
    assert!(close(r.prosecutor.records_at_risk, 0.3));
}

#[test]
fn entropy_l_of_a_mixed_class() {
    // One class of four records with sensitive values a, a, b, c:
    // H = −(½ ln ½ + 2·¼ ln ¼) = 1.0397…, exp(H) = 2.828…
    let cols = vec!["q".to_string(), "s".to_string()];
    let rows = ["a", "a", "b", "c"]
        .iter()
        .map(|s| vec!["x".to_string(), s.to_string()]);
    let o = RiskOptions {
        quasi_identifiers: vec!["q".into()],
        sensitive: Some("s".into()),
        ..RiskOptions::default()
    };
    let r = risk::analyse(&cols, rows, &o).unwrap();
    let l = r.l_diversity.unwrap();
    assert_eq!(l.distinct_l, 3);
    assert!(close(l.entropy_l, 2f64.powf(1.5)), "{}", l.entropy_l);
    assert_eq!((r.k, r.classes), (4, 1));
    assert!(r.k_anonymous == (4 >= o.k));
}

#[test]
fn generalisation_merges_classes() {
    let mut g = BTreeMap::new();
    g.insert("age".to_string(), Generalisation::Band(10));
    g.insert("postcode".to_string(), Generalisation::Prefix(2));
    let r = analyse(&RiskOptions {
        generalise: g,
        ..options()
    });
    // (30-39,01,F)×3, (40-49,50,M)×2, (50-59,70,F)×2, (60-69,90,M)×1, (20-29,01,M)×2
    assert_eq!((r.classes, r.k, r.unique_records), (5, 1, 1));
    assert_eq!(r.uniques[0].values, vec!["60-69", "90", "M"]);
    assert_eq!(r.uniques[0].row, 8);
}

#[test]
fn journalist_and_marketer_with_a_population_scale() {
    let r = analyse(&RiskOptions {
        population: Some(Population::Scale(10.0)),
        ..options()
    });
    assert!(close(r.journalist.records_at_risk, 0.0));
    assert!(close(r.journalist.highest_risk, 0.1));
    assert!(close(r.journalist.success_rate, 0.06));
    assert!(close(r.marketer.success_rate, 0.06));
    // Prosecutor risk does not depend on the population.
    assert!(close(r.prosecutor.success_rate, 0.6));
    assert_eq!(r.population.as_ref().unwrap().model, "scale");
}

#[test]
fn journalist_and_marketer_with_population_counts() {
    let counts: HashMap<Vec<String>, u64> = [
        (["34", "0150", "F"], 30),
        (["45", "5003", "M"], 2),
        (["52", "7030", "F"], 10),
        (["67", "9008", "M"], 1),
        (["29", "0150", "M"], 5),
    ]
    .into_iter()
    .map(|(t, n)| (t.map(String::from).to_vec(), n))
    .collect();
    let r = analyse(&RiskOptions {
        population: Some(Population::Counts(counts)),
        ..options()
    });
    // F: 30, 2, 10, 1, 5 and (29,0151,M) missing → F = f = 1.
    // At risk (1/F > 0.2): F = 2, 1, 1 → 4 records.
    assert!(close(r.journalist.records_at_risk, 0.4));
    assert!(close(r.journalist.highest_risk, 1.0));
    // max(J/ΣF = 6/49, Σ f/F / n = 3.5/10)
    assert!(close(r.journalist.success_rate, 0.35));
    assert!(close(r.marketer.success_rate, 0.35));
    let p = r.population.unwrap();
    assert_eq!(p.classes_not_in_population, 1);
    assert!(close(p.size_of_matching_classes, 49.0));
}

fn write(dir: &tempfile::TempDir, name: &str, body: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, body).unwrap();
    p
}

#[test]
fn files_csv_jsonl_and_population_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(&dir, "data.csv", TABLE.replace(',', ";").as_bytes());
    let r = risk::run(&options(), &data).unwrap();
    assert_eq!((r.records, r.classes, r.k), (10, 6, 1));
    assert_eq!(
        r.uniques.iter().map(|u| u.line).collect::<Vec<_>>(),
        vec![Some(9), Some(10), Some(11)]
    );

    let pop = write(
        &dir,
        "pop.csv",
        b"age,postcode,sex,antall\n34,0150,F,30\n45,5003,M,2\n52,7030,F,10\n67,9008,M,1\n29,0150,M,5\n",
    );
    let o = RiskOptions {
        population: Some(Population::File {
            path: pop.clone(),
            count_column: Some("antall".into()),
        }),
        ..options()
    };
    let r = risk::run(&o, &data).unwrap();
    assert!(close(r.journalist.success_rate, 0.35));
    // One row per person instead of counts.
    let people = write(
        &dir,
        "people.csv",
        b"age,postcode,sex\n34,0150,F\n34,0150,F\n45,5003,M\n",
    );
    let o = RiskOptions {
        population: Some(Population::File {
            path: people,
            count_column: None,
        }),
        ..options()
    };
    let r = risk::run(&o, &data).unwrap();
    assert_eq!(
        r.population.unwrap().classes_not_in_population,
        6,
        "a population smaller than the sample counts as missing"
    );

    let mut jsonl = String::new();
    for row in rows() {
        jsonl.push_str(&format!(
            "{{\"pasient\": {{\"alder\": {}, \"postnr\": \"{}\"}}, \"kjonn\": \"{}\", \"diagnose\": \"{}\"}}\n",
            row[0], row[1], row[2], row[3]
        ));
    }
    let data = write(&dir, "data.jsonl", jsonl.as_bytes());
    let o = RiskOptions {
        quasi_identifiers: vec!["pasient.alder".into(), "pasient.postnr".into(), "kjonn".into()],
        sensitive: Some("diagnose".into()),
        k: 2,
        ..RiskOptions::default()
    };
    let r = risk::run(&o, &data).unwrap();
    assert_eq!((r.records, r.classes, r.k, r.unique_records), (10, 6, 1, 3));
    assert_eq!(r.l_diversity.unwrap().distinct_l, 1);
}

#[test]
fn missing_columns_are_listed_with_the_available_ones() {
    let o = RiskOptions {
        quasi_identifiers: vec!["age".into(), "kommune".into()],
        ..options()
    };
    let err = risk::analyse(&columns(), rows(), &o).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, RiskError::MissingColumns { .. }));
    assert!(
        msg.contains("kommune") && msg.contains("age, postcode, sex, diagnosis"),
        "{msg}"
    );

    let dir = tempfile::tempdir().unwrap();
    let data = write(&dir, "d.jsonl", b"{\"a\": 1, \"b\": {\"c\": 2}}\n");
    let o = RiskOptions {
        quasi_identifiers: vec!["x".into()],
        ..RiskOptions::default()
    };
    let msg = risk::run(&o, &data).unwrap_err().to_string();
    assert!(msg.contains("x") && msg.contains("a, b.c"), "{msg}");

    // Case and surrounding spaces are forgiven.
    let o = RiskOptions {
        quasi_identifiers: vec!["AGE".into()],
        sensitive: None,
        ..options()
    };
    assert_eq!(risk::analyse(&columns(), rows(), &o).unwrap().classes, 5);
}

#[test]
fn malformed_rows_fail_or_are_skipped_with_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        &dir,
        "d.csv",
        b"age,postcode,sex,diagnosis\n34,0150,F,J45\n34,0150,F,E11\n45,5003\n45,5003,M,I10\n",
    );
    let err = risk::run(&options(), &data).unwrap_err();
    assert!(matches!(err, RiskError::Malformed { line: 4, .. }), "{err}");
    assert!(
        err.to_string().starts_with("line 4: expected 4 fields, found 2"),
        "{err}"
    );

    let o = RiskOptions {
        on_malformed: OnMalformed::Skip,
        ..options()
    };
    let r = risk::run(&o, &data).unwrap();
    assert_eq!((r.records, r.skipped_rows), (3, 1));
    assert_eq!(r.skipped[0].line, 4);
    assert!(r.render_text().contains("line 4"));

    let data = write(&dir, "d.jsonl", b"{\"a\": \"1\"}\nnot json\n[1]\n{\"a\": \"2\"}\n");
    let o = RiskOptions {
        quasi_identifiers: vec!["a".into()],
        ..RiskOptions::default()
    };
    assert!(matches!(
        risk::run(&o, &data),
        Err(RiskError::Malformed { line: 2, .. })
    ));
    let o = RiskOptions {
        on_malformed: OnMalformed::Skip,
        ..o
    };
    let r = risk::run(&o, &data).unwrap();
    assert_eq!((r.records, r.skipped_rows), (2, 2));

    // Not UTF-8: grouped by bytes, shown decoded.
    let data = write(&dir, "l.csv", b"navn,alder\nBj\xf8rn,40\nBj\xf8rn,40\n");
    let o = RiskOptions {
        quasi_identifiers: vec!["navn".into()],
        ..RiskOptions::default()
    };
    let r = risk::run(&o, &data).unwrap();
    assert_eq!((r.classes, r.k, r.encoding), (1, 2, "windows-1252"));
}

#[test]
fn invalid_options() {
    let o = RiskOptions {
        quasi_identifiers: vec![],
        ..options()
    };
    assert!(matches!(
        risk::analyse(&columns(), rows(), &o),
        Err(RiskError::NoQuasiIdentifiers)
    ));
    let o = RiskOptions {
        threshold: 1.5,
        ..options()
    };
    assert!(matches!(
        risk::analyse(&columns(), rows(), &o),
        Err(RiskError::InvalidOption(_))
    ));
    let o = RiskOptions {
        population: Some(Population::Scale(0.5)),
        ..options()
    };
    assert!(matches!(
        risk::analyse(&columns(), rows(), &o),
        Err(RiskError::InvalidOption(_))
    ));
    let r = risk::analyse(&columns(), Vec::new(), &options()).unwrap();
    assert_eq!((r.records, r.k, r.classes), (0, 0, 0));
    assert!(!r.k_anonymous);
}

/// Several records per person. Classes (age, postcode) with their persons:
/// A (34,0150): P1 ×3, P2 — 4 records, 2 persons
/// B (45,5003): P3 ×2 — 2 records, 1 person
/// C (52,7030): P4, P5, P6 and a record without a person — 4 records, 4 persons
/// D (67,9008): P7 — 1 record, 1 person
/// E (29,0150): P1 — 1 record, 1 person (P1 is also in A)
const VISITS: &str = "\
pasient_id,age,postcode
P1,34,0150
P1,34,0150
P2,34,0150
P1,34,0150
P3,45,5003
P3,45,5003
P4,52,7030
P5,52,7030
P6,52,7030
,52,7030
P7,67,9008
P1,29,0150
";

fn visits() -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = VISITS.lines();
    let columns = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines.map(|l| l.split(',').map(String::from).collect()).collect();
    (columns, rows)
}

fn visit_options(person: PersonColumn) -> RiskOptions {
    RiskOptions {
        quasi_identifiers: vec!["age".into(), "postcode".into()],
        k: 3,
        threshold: 0.4,
        person,
        ..RiskOptions::default()
    }
}

#[test]
fn classes_are_counted_in_persons_as_well_as_records() {
    let (columns, rows) = visits();
    for person in [PersonColumn::Detect, PersonColumn::Column("pasient_id".into())] {
        let given = matches!(person, PersonColumn::Column(_));
        let r = risk::analyse(&columns, rows.clone(), &visit_options(person)).unwrap();
        // Per record (what the report said before there were person figures).
        assert_eq!((r.records, r.classes, r.k), (12, 5, 1));
        assert_eq!((r.classes_below_k, r.records_below_k, r.unique_records), (3, 4, 2));
        // Per person.
        let p = r.person.as_ref().expect("person figures");
        assert_eq!(p.column, "pasient_id");
        assert_eq!(
            p.source,
            if given {
                PersonSource::Given
            } else {
                PersonSource::DetectedByName
            }
        );
        assert_eq!((p.persons, p.records_without_person), (8, 1));
        assert_eq!((p.k, p.k_anonymous), (1, false));
        // Below k = 3: A (2 persons), B, D, E (1 each) — 4 classes, not 3;
        // persons P1, P2, P3, P7.
        assert_eq!((p.classes_below_k, p.persons_below_k), (4, 4));
        // One person: B, D, E — 3 classes, while only 2 records are unique.
        assert_eq!((p.classes_with_one_person, p.unique_persons), (3, 3));
        assert_eq!(p.persons_in_several_classes, 1);
        // τ = 0.4: classes of at most 2 persons (A, B, D, E).
        assert!(close(p.highest_risk, 1.0));
        assert_eq!(p.persons_at_risk, 4);
        assert!(close(p.persons_at_risk_share, 0.5));
        let text = r.render_text();
        assert!(text.contains("Person column: pasient_id"), "{text}");
        assert!(text.contains("classes with one person: 3"), "{text}");
        assert!(text.contains("1 person(s) have records in several classes"), "{text}");
    }
    let r = risk::analyse(&columns, rows, &visit_options(PersonColumn::Off)).unwrap();
    assert_eq!(r.person, None);
    assert_eq!(r.classes_below_k, 3);
    assert!(r.render_text().contains("Person column: none"));
}

#[test]
fn person_figures_from_csv_and_json_lines_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(&dir, "visits.csv", VISITS.as_bytes());
    let r = risk::run(&visit_options(PersonColumn::Detect), &data).unwrap();
    let p = r.person.unwrap();
    assert_eq!(
        (p.column.as_str(), p.persons, p.classes_below_k, p.unique_persons),
        ("pasient_id", 8, 4, 3)
    );

    let (_, rows) = visits();
    let mut jsonl = String::new();
    for row in &rows {
        let id = if row[0].is_empty() {
            String::new()
        } else {
            format!("\"pasient\": {{\"id\": \"{}\"}}, ", row[0])
        };
        jsonl.push_str(&format!("{{{id}\"age\": {}, \"postcode\": \"{}\"}}\n", row[1], row[2]));
    }
    let data = write(&dir, "visits.jsonl", jsonl.as_bytes());
    let r = risk::run(&visit_options(PersonColumn::Column("pasient.id".into())), &data).unwrap();
    let p = r.person.unwrap();
    assert_eq!(
        (p.persons, p.records_without_person, p.classes_below_k, p.unique_persons),
        (8, 1, 4, 3)
    );
    assert_eq!(
        r.missing_values, 0,
        "a missing person value is not a missing quasi-identifier"
    );
    // Detected by name as a dotted path.
    let r = risk::run(&visit_options(PersonColumn::Detect), &data).unwrap();
    assert_eq!(
        r.person.map(|p| (p.column, p.source)),
        Some(("pasient.id".into(), PersonSource::DetectedByName))
    );

    let err = risk::run(
        &visit_options(PersonColumn::Column("nope".into())),
        &dir.path().join("visits.csv"),
    )
    .unwrap_err();
    assert!(
        matches!(err, RiskError::MissingColumns { ref missing, .. } if missing == &["nope"]),
        "{err}"
    );
}

#[test]
fn person_column_detection() {
    let cols = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let ids = [
        "15108695088",
        "31129956715",
        "01018525980",
        "05010397849",
        "17912099997",
        "151086 95088",
    ];
    // By name, written in many ways.
    for name in [
        "fnr",
        "Fødselsnummer",
        "Pasient-ID",
        "pasient_id",
        "PersonNr",
        "patient id",
        "D-nummer",
    ] {
        let columns = cols(&["age", name]);
        let sample = vec![vec!["34".to_string(), "x".to_string()]];
        assert_eq!(
            risk::detect_person_column(&columns, &sample, &["age"]),
            Some((1, PersonSource::DetectedByName)),
            "{name}"
        );
    }
    // By values: most values are person numbers (one typo allowed in ten).
    let columns = cols(&["age", "ident", "note"]);
    let mut sample: Vec<Vec<String>> = (0..18)
        .map(|i| vec!["34".into(), ids[i % ids.len()].into(), "15108695088 in text".into()])
        .collect();
    sample.push(vec!["35".into(), "15108695089".into(), String::new()]);
    assert_eq!(
        risk::detect_person_column(&columns, &sample, &["age"]),
        Some((1, PersonSource::DetectedByValues))
    );
    // Too many invalid values: not a person column.
    for row in sample.iter_mut().take(5) {
        row[1] = "12345".into();
    }
    assert_eq!(risk::detect_person_column(&columns, &sample, &["age"]), None);
    // A name with person numbers beats a name without, and a name beats values.
    let columns = cols(&["mor_fnr", "personnummer", "fnr"]);
    let sample: Vec<Vec<String>> = (0..10)
        .map(|i| vec![ids[i % 5].into(), format!("P{i}"), ids[(i + 1) % 5].into()])
        .collect();
    assert_eq!(
        risk::detect_person_column(&columns, &sample, &[]),
        Some((2, PersonSource::DetectedByName))
    );
    // A column filled in fewer than half of the rows is not chosen by its values.
    let columns = cols(&["age", "mors_nummer"]);
    let sample: Vec<Vec<String>> = (0..10)
        .map(|i| vec!["34".into(), if i < 4 { ids[i].into() } else { String::new() }])
        .collect();
    assert_eq!(risk::detect_person_column(&columns, &sample, &["age"]), None);
    // Quasi-identifiers and the sensitive attribute are never the person column.
    assert_eq!(
        risk::detect_person_column(&cols(&["fnr"]), &[vec!["15108695088"]], &["FNR"]),
        None
    );
    // Nothing like a person id.
    assert_eq!(
        risk::detect_person_column(&cols(&["age", "postcode", "id"]), &[vec!["34", "0150", "1"]], &[]),
        None
    );
}

#[test]
fn report_serialises_and_renders() {
    let r = analyse(&options());
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["k"], 1);
    assert_eq!(json["uniques"][0]["row"], 8);
    assert!(json["prosecutor"]["success_rate"].is_f64());
    let text = r.render_text();
    assert!(
        text.contains("k = 1") && text.contains("prosecutor") && text.contains("row 8"),
        "{text}"
    );
}

fn table() -> impl Strategy<Value = Vec<Vec<String>>> {
    proptest::collection::vec(
        (0u8..4, 0u8..3, 0u8..2, 0u8..3)
            .prop_map(|(a, b, c, s)| vec![a.to_string(), b.to_string(), c.to_string(), s.to_string()]),
        1..60,
    )
}

fn prop_options(scale: f64) -> RiskOptions {
    RiskOptions {
        quasi_identifiers: vec!["age".into(), "postcode".into(), "sex".into()],
        sensitive: Some("diagnosis".into()),
        population: (scale > 1.0).then_some(Population::Scale(scale)),
        ..RiskOptions::default()
    }
}

proptest! {
    #[test]
    fn invariants(rows in table(), scale in 1.0f64..20.0, tau in 0.0f64..1.0) {
        let o = RiskOptions { threshold: tau, ..prop_options(scale) };
        let r = risk::analyse(&columns(), rows.clone(), &o).unwrap();
        prop_assert_eq!(r.records, rows.len() as u64);
        prop_assert!(r.class_sizes.iter().all(|c| r.k <= c.size));
        prop_assert_eq!(r.class_sizes.first().map(|c| c.size), Some(r.k));
        prop_assert_eq!(r.class_sizes.iter().map(|c| c.records).sum::<u64>(), r.records);
        for x in [r.prosecutor.records_at_risk, r.prosecutor.highest_risk, r.prosecutor.success_rate,
                  r.journalist.records_at_risk, r.journalist.highest_risk, r.journalist.success_rate,
                  r.marketer.success_rate] {
            prop_assert!((0.0..=1.0).contains(&x), "{}", x);
        }
        prop_assert!(r.marketer.success_rate <= r.prosecutor.success_rate + 1e-12);
        prop_assert!(r.journalist.success_rate <= r.prosecutor.success_rate + 1e-12);
        prop_assert!(r.journalist.records_at_risk <= r.prosecutor.records_at_risk + 1e-12);
        let l = r.l_diversity.unwrap();
        prop_assert!(l.entropy_l >= 1.0 - 1e-9 && l.entropy_l <= l.distinct_l as f64 + 1e-9);
    }

    #[test]
    fn a_duplicate_record_never_lowers_k(rows in table(), pick in any::<prop::sample::Index>()) {
        let o = prop_options(1.0);
        let before = risk::analyse(&columns(), rows.clone(), &o).unwrap();
        let mut more = rows.clone();
        more.push(rows[pick.index(rows.len())].clone());
        let after = risk::analyse(&columns(), more, &o).unwrap();
        prop_assert!(after.k >= before.k);
        prop_assert!(after.unique_records <= before.unique_records);
        prop_assert!(after.prosecutor.highest_risk <= before.prosecutor.highest_risk);
    }
}
