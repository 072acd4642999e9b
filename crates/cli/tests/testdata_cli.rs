//! `etterlev testdata …` run as a real process: generate → scan (exit codes
//! for pipelines) → pseudonymise (key handling, refusal to overwrite, no
//! half-written output, encrypted mapping) → risk, and check-id.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_etterlev");
const KEY: &str = "0123456789abcdef0123456789abcdef-test-key";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/tests/fixtures")
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_remove("ETTERLEV_PSEUDONYM_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("spawn etterlev")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

#[test]
fn generated_persons_pass_a_production_id_scan_and_real_ones_fail_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let synthetic = dir.path().join("persons.csv");
    let o = run(
        &[
            "testdata",
            "generate",
            "-n",
            "300",
            "--seed",
            "7",
            "-q",
            "-o",
            s(&synthetic),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    let csv = std::fs::read_to_string(&synthetic).expect("output written");
    assert_eq!(csv.lines().count(), 301, "header + 300 persons");

    // The same seed gives the same bytes.
    let again = dir.path().join("again.csv");
    let o = run(
        &[
            "testdata",
            "generate",
            "-n",
            "300",
            "--seed",
            "7",
            "-q",
            "-o",
            s(&again),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(std::fs::read(&again).expect("again"), csv.as_bytes());

    // An existing output is refused without --force, and left as it was.
    let o = run(&["testdata", "generate", "-n", "5", "-q", "-o", s(&synthetic)], &[]);
    assert!(!o.status.success());
    assert!(text(&o).contains("already exists"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&synthetic).expect("still there"), csv);

    // Production-range ids only when asked for explicitly.
    let o = run(&["testdata", "generate", "-n", "5", "--ids", "production", "-q"], &[]);
    assert!(!o.status.success());
    assert!(text(&o).contains("allow-production"), "{}", text(&o));

    let o = run(
        &["testdata", "scan", "-q", "--fail-on", "production-ids", s(&synthetic)],
        &[],
    );
    assert!(o.status.success(), "synthetic data passes: {}", text(&o));

    let real = dir.path().join("dump.csv");
    std::fs::write(&real, "id,fnr,navn\n1,15108695088,Kari Nordmann\n").expect("write");
    let o = run(
        &["testdata", "scan", "-q", "--fail-on", "production-ids", s(&real)],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        !text(&o).contains("15108695088"),
        "values are masked by default: {}",
        text(&o)
    );
}

#[test]
fn pseudonymise_needs_a_key_refuses_latin1_and_writes_an_encrypted_mapping() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = fixtures().join("pseudo/config.yaml");
    let input = fixtures().join("pseudo/sample.csv");
    let out = dir.path().join("out.csv");
    let base = [
        "testdata",
        "pseudonymise",
        s(&input),
        "-c",
        s(&config),
        "-q",
        "-o",
        s(&out),
    ];

    let o = run(&base, &[]);
    assert!(!o.status.success());
    assert!(text(&o).contains("no pseudonymisation key"), "{}", text(&o));
    assert!(!out.exists(), "no output without a key");

    let o = run(&base, &[("ETTERLEV_PSEUDONYM_KEY", "short")]);
    assert!(text(&o).contains("too short"), "{}", text(&o));
    assert!(!text(&o).contains("short\""), "the key is never echoed: {}", text(&o));

    let mapping = dir.path().join("mapping.bin");
    let mut with_mapping = base.to_vec();
    with_mapping.extend(["--mapping", s(&mapping)]);
    let o = run(&with_mapping, &[("ETTERLEV_PSEUDONYM_KEY", KEY)]);
    assert!(o.status.success(), "{}", text(&o));
    let pseudo = std::fs::read_to_string(&out).expect("output");
    assert!(
        !pseudo.contains("15108695088"),
        "the national id is replaced:\n{pseudo}"
    );
    assert!(!pseudo.contains("Kari Nordmann"), "the name is tokenised:\n{pseudo}");
    let raw = std::fs::read(&mapping).expect("mapping");
    assert!(
        !String::from_utf8_lossy(&raw).contains("15108695088"),
        "the mapping is encrypted"
    );

    // The output holds only synthetic ids: a production-id scan passes.
    let o = run(&["testdata", "scan", "-q", "--fail-on", "production-ids", s(&out)], &[]);
    assert!(o.status.success(), "{}", text(&o));

    let revealed = dir.path().join("revealed.jsonl");
    let o = run(
        &["testdata", "reveal-mapping", s(&mapping), "-q", "-o", s(&revealed)],
        &[("ETTERLEV_PSEUDONYM_KEY", KEY)],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        std::fs::read_to_string(&revealed)
            .expect("revealed")
            .contains("15108695088")
    );

    // The same key gives the same pseudonyms in a second run.
    let out2 = dir.path().join("out2.csv");
    let mut second = base.to_vec();
    second[7] = s(&out2);
    let o = run(&second, &[("ETTERLEV_PSEUDONYM_KEY", KEY)]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&out2).expect("out2"), pseudo);

    // A Windows-1252 export is refused with its line, and leaves no output.
    let latin1 = dir.path().join("latin1.csv");
    let mut bytes = b"fnr,mor_fnr,navn,fodt,innlagt,postnr,alder,kommentar,diagnose\n".to_vec();
    bytes.extend_from_slice(b"15108695088,,Bj\xf8rn \xc5s,1986-10-15,03.02.2024,0150,37,,J06.9\n");
    std::fs::write(&latin1, bytes).expect("write latin-1");
    let out3 = dir.path().join("out3.csv");
    let o = run(
        &[
            "testdata",
            "pseudonymise",
            s(&latin1),
            "-c",
            s(&config),
            "-q",
            "-o",
            s(&out3),
        ],
        &[("ETTERLEV_PSEUDONYM_KEY", KEY)],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("windows-1252"), "{}", text(&o));
    assert!(!out3.exists(), "a failed run leaves no file");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");
}

#[test]
fn risk_reports_k_anonymity_and_check_id_classifies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data.csv");
    std::fs::write(
        &data,
        "age,postcode,diagnosis\n34,0150,J06\n35,0150,I10\n34,0151,J06\n61,9008,E11\n",
    )
    .expect("write");
    let o = run(
        &[
            "testdata",
            "risk",
            s(&data),
            "--qi",
            "age,postcode",
            "--generalise",
            "age=band:10",
            "--generalise",
            "postcode=prefix:2",
            "--sensitive",
            "diagnosis",
            "--format",
            "json",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json report");
    assert_eq!(report["records"], 4);
    assert_eq!(report["k"], 1, "the 61-year-old in 90xx is unique: {report}");
    assert_eq!(report["unique_records"], 1);

    let o = run(&["testdata", "risk", s(&data), "--qi", "nope"], &[]);
    assert!(!o.status.success());
    assert!(text(&o).contains("nope"), "{}", text(&o));

    // Several records per person: figures per person, with the column detected or given.
    let visits = dir.path().join("visits.csv");
    std::fs::write(
        &visits,
        "fnr,age
15108695088,34
15108695088,34
31129956715,34
01018525980,61
",
    )
    .expect("write");
    let o = run(&["testdata", "risk", s(&visits), "--qi", "age", "--k", "2"], &[]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("Person column: fnr (detected from its name)"), "{t}");
    assert!(t.contains("classes with one person: 1"), "{t}");
    let o = run(
        &[
            "testdata",
            "risk",
            s(&visits),
            "--qi",
            "age",
            "--person-column",
            "fnr",
            "--format",
            "json",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json report");
    assert_eq!(report["person"]["source"], "given");
    assert_eq!(report["person"]["persons"], 3);
    let o = run(
        &["testdata", "risk", s(&visits), "--qi", "age", "--no-person-column"],
        &[],
    );
    assert!(text(&o).contains("Person column: none"), "{}", text(&o));

    let o = run(&["testdata", "check-id", "15108695088"], &[]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("15108695088: valid fødselsnummer; production range"), "{t}");
    let o = run(&["testdata", "check-id", "86011117947"], &[]);
    assert!(text(&o).contains("also a valid account number"), "{}", text(&o));
    let o = run(&["testdata", "check-id", "15108695089"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("invalid"), "{}", text(&o));
}
