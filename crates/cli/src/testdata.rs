//! `etterlev testdata …`: synthetic persons, pseudonymisation, a scanner for
//! personal data, re-identification risk and identifier checks (issue 6).
//! Thin: parses arguments, reads the key, owns the progress bar, the output
//! file and the exit code; the work is in `etterlev-testdata`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use etterlev_testdata::ids::{self, BirthDate, Convention, PersonId};
use etterlev_testdata::io::{InputEncoding, OutputFile};
use etterlev_testdata::{generate, pseudonymise, risk, scan};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Subcommand)]
pub enum TestdataCmd {
    /// Synthetic persons and patients with synthetic national ids (Tenor +80 by default),
    /// names, addresses, municipalities, phone numbers, GP lists and encounters.
    Generate(GenerateArgs),
    /// Pseudonymise a CSV or JSON Lines file by rules per column from a config file.
    Pseudonymise(PseudonymiseArgs),
    /// Decrypt a re-identification mapping written by `pseudonymise --mapping`.
    RevealMapping(RevealArgs),
    /// Find national ids and other personal data in text, CSV, JSON Lines, .docx and .xlsx.
    Scan(ScanArgs),
    /// k-anonymity, l-diversity and prosecutor/journalist/marketer re-identification risk.
    Risk(RiskArgs),
    /// Validate and classify identifiers: fødselsnummer (incl. the 2032
    /// control-digit rule), D-, H- and FH-numbers, the synthetic ranges
    /// (Tenor +80, NHN +65, Dolly +40), organisation and account numbers.
    CheckId {
        /// The numbers to check (spaces, dots and dashes between digits are allowed).
        #[arg(required = true)]
        numbers: Vec<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum IdRange {
    /// Skatteetaten Tenor / Test-Norge: month + 80 (synthetic).
    Tenor,
    /// Norsk helsenett reserved persons: month + 65 (synthetic).
    NhnReserved,
    /// NAV Dolly: month + 40 (shares its range with real H-numbers).
    Dolly,
    /// Ordinary months 01-12: may belong to real people; needs --allow-production.
    Production,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum GenFormat {
    Csv,
    Jsonl,
    Fhir,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum GenTable {
    Persons,
    Encounters,
    Practitioners,
}

#[derive(Args)]
pub struct GenerateArgs {
    /// Number of persons.
    #[arg(long, short = 'n', default_value_t = 100)]
    count: u64,
    /// Seed: the same seed and options give byte-identical output.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    #[arg(long, value_enum, default_value = "csv")]
    format: GenFormat,
    /// Which table CSV and JSON Lines hold (FHIR holds all resources).
    #[arg(long, value_enum, default_value = "persons")]
    table: GenTable,
    /// Number range of the national ids.
    #[arg(long, value_enum, default_value = "tenor")]
    ids: IdRange,
    /// Required with `--ids production`: those numbers can belong to real people.
    #[arg(long)]
    allow_production: bool,
    /// Probability that a person has a D-number (0-1), drawn person by person.
    #[arg(long, default_value_t = 0.04)]
    d_number_share: f64,
    /// First birth year (default: 100 years before --as-of).
    #[arg(long)]
    born_from: Option<i16>,
    /// Last birth year (default: the year of --as-of).
    #[arg(long)]
    born_to: Option<i16>,
    /// Reference date (YYYY-MM-DD): nobody is born and nothing happens after it.
    #[arg(long, default_value = "2025-01-01")]
    as_of: String,
    /// GPs (fastleger) with patient lists.
    #[arg(long)]
    gp_lists: bool,
    /// Patients per GP: ⌈persons / N⌉ GPs, each with about N patients.
    #[arg(long, default_value_t = 1000)]
    gp_list_size: u32,
    /// Up to this many encounters (with ICD-10 codes) per patient.
    #[arg(long, default_value_t = 0)]
    encounters: u32,
    /// FHIR: one bundle per line with about this many entries (default: one bundle).
    #[arg(long)]
    bundle_entries: Option<u32>,
    /// FHIR: a transaction bundle (PUT per entry) instead of a collection.
    #[arg(long)]
    transaction: bool,
    /// Worker threads (never changes the output).
    #[arg(long)]
    threads: Option<usize>,
    #[command(flatten)]
    out: OutArgs,
}

#[derive(Args)]
pub struct OutArgs {
    /// Output file (`-` = standard output). Written to a temporary file and renamed when complete.
    #[arg(long, short = 'o', default_value = "-")]
    output: PathBuf,
    /// Overwrite an existing output file.
    #[arg(long)]
    force: bool,
    /// No progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
}

#[derive(Args)]
pub struct KeyArgs {
    /// File holding the key (at least 32 bytes, e.g. `openssl rand -hex 32 > key`).
    #[arg(long, conflicts_with = "key_env")]
    key_file: Option<PathBuf>,
    /// Environment variable holding the key.
    #[arg(long, default_value = "ETTERLEV_PSEUDONYM_KEY")]
    key_env: String,
}

#[derive(Args)]
pub struct PseudonymiseArgs {
    /// Input file (`-` = standard input).
    input: PathBuf,
    /// Rules per column (YAML or JSON).
    #[arg(long, short = 'c')]
    config: PathBuf,
    #[command(flatten)]
    key: KeyArgs,
    /// Input encoding: utf-8 (default; anything else is refused with its line)
    /// or windows-1252 (Latin-1 exports from Excel on Windows).
    #[arg(long, default_value = "utf-8")]
    input_encoding: InputEncoding,
    /// Write the encrypted re-identification mapping here. Without it, none is written.
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    out: OutArgs,
}

#[derive(Args)]
pub struct RevealArgs {
    /// The encrypted mapping file.
    mapping: PathBuf,
    #[command(flatten)]
    key: KeyArgs,
    #[command(flatten)]
    out: OutArgs,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FailOn {
    None,
    /// Exit 1 when a person number may belong to a real person.
    ProductionIds,
    /// Exit 1 on any personal data.
    AnyPersonalData,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MinConfidence {
    Low,
    Medium,
    High,
}

#[derive(Args)]
pub struct ScanArgs {
    /// Files or directories (walked recursively).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// When the exit code is 1 (for pipelines).
    #[arg(long, value_enum, default_value = "none")]
    fail_on: FailOn,
    #[arg(long, value_enum, default_value = "medium")]
    min_confidence: MinConfidence,
    /// Show the matched values in full (default: masked).
    #[arg(long)]
    show_values: bool,
    /// Locations listed per kind (counts are always complete).
    #[arg(long, default_value_t = 100)]
    max_findings: usize,
    /// Refuse numbers valid only under the 2032 control-digit rule.
    #[arg(long)]
    no_2032: bool,
    /// Also walk hidden files and directories.
    #[arg(long)]
    hidden: bool,
    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
    /// No progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
}

#[derive(Args)]
pub struct RiskArgs {
    /// CSV or JSON Lines file.
    input: PathBuf,
    /// Quasi-identifier columns (comma-separated or repeated).
    #[arg(long = "qi", required = true, value_delimiter = ',')]
    quasi_identifiers: Vec<String>,
    /// Sensitive attribute for l-diversity.
    #[arg(long)]
    sensitive: Option<String>,
    /// The k to check.
    #[arg(long, default_value_t = 5)]
    k: u64,
    /// Risk threshold τ: a record is at risk when its probability is above it.
    #[arg(long, default_value_t = 0.2)]
    threshold: f64,
    /// The population is this many times larger than the data (journalist and marketer risk).
    #[arg(long, conflicts_with = "population")]
    population_scale: Option<f64>,
    /// A CSV file of the population with the same quasi-identifier columns.
    #[arg(long)]
    population: Option<PathBuf>,
    /// Generalise before grouping: `column=band:10`, `column=prefix:2`, `column=year`, `column=suppress`.
    #[arg(long = "generalise", value_name = "COLUMN=RULE")]
    generalise: Vec<String>,
    /// Unique records listed.
    #[arg(long, default_value_t = 100)]
    max_uniques: usize,
    /// Skip malformed rows (they are listed) instead of stopping.
    #[arg(long)]
    skip_malformed: bool,
    /// Column that identifies the person, to count classes in persons as well as records.
    /// Without it a column named like a person id (fnr, pasient_id, …) or holding person
    /// numbers is used, and the report says so.
    #[arg(long, value_name = "NAME", conflicts_with = "no_person_column")]
    person_column: Option<String>,
    /// Count records only: do not look for a person column.
    #[arg(long)]
    no_person_column: bool,
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
}

pub fn run(cmd: TestdataCmd) -> Result<ExitCode> {
    match cmd {
        TestdataCmd::Generate(args) => run_generate(args),
        TestdataCmd::Pseudonymise(args) => run_pseudonymise(args),
        TestdataCmd::RevealMapping(args) => run_reveal(args),
        TestdataCmd::Scan(args) => run_scan(args),
        TestdataCmd::Risk(args) => run_risk(args),
        TestdataCmd::CheckId { numbers, format } => Ok(check_ids(&numbers, format)),
    }
}

/// A progress bar on standard error, hidden when it is not a terminal or with --quiet.
fn progress_bar(quiet: bool, total: Option<u64>, bytes: bool) -> ProgressBar {
    let bar = match total {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::no_length(),
    };
    if quiet {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let template = if bytes {
        "{elapsed_precise} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})"
    } else {
        "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} ({per_sec}, {eta})"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn parse_date(text: &str) -> Result<BirthDate> {
    let date: jiff::civil::Date = text
        .parse()
        .with_context(|| format!("--as-of {text:?} is not a YYYY-MM-DD date"))?;
    BirthDate::new(date.year(), date.month() as u8, date.day() as u8)
        .with_context(|| format!("--as-of {text:?} is not a date"))
}

fn run_generate(a: GenerateArgs) -> Result<ExitCode> {
    let as_of = parse_date(&a.as_of)?;
    let options = generate::GenerateOptions {
        count: a.count,
        seed: a.seed,
        convention: match a.ids {
            IdRange::Tenor => Convention::Tenor,
            IdRange::NhnReserved => Convention::NhnReserved,
            IdRange::Dolly => Convention::DollyOrHNumber,
            IdRange::Production => Convention::Production,
        },
        allow_production: a.allow_production,
        d_number_share: a.d_number_share,
        birth_years: (a.born_from.unwrap_or(as_of.year - 100), a.born_to.unwrap_or(as_of.year)),
        as_of,
        format: match a.format {
            GenFormat::Csv => generate::Format::Csv,
            GenFormat::Jsonl => generate::Format::JsonLines,
            GenFormat::Fhir => generate::Format::Fhir,
        },
        table: match a.table {
            GenTable::Persons => generate::Table::Persons,
            GenTable::Encounters => generate::Table::Encounters,
            GenTable::Practitioners => generate::Table::Practitioners,
        },
        gp_lists: a.gp_lists,
        gp_list_size: a.gp_list_size,
        encounters_per_patient: a.encounters,
        fhir_bundle_entries: a.bundle_entries,
        fhir_bundle_type: if a.transaction {
            generate::BundleType::Transaction
        } else {
            generate::BundleType::Collection
        },
        threads: a.threads,
    };
    let mut out = OutputFile::create(&a.out.output, a.out.force)?;
    let bar = progress_bar(a.out.quiet || a.count < 100_000, Some(a.count), false);
    let tick = |done: u64| bar.set_position(done);
    let summary = generate::run(&options, &mut out, Some(&tick))?;
    out.commit()?;
    bar.finish_and_clear();
    eprintln!(
        "{} persons ({} D-numbers), {} records, {} bytes{}",
        summary.persons,
        summary.d_numbers,
        summary.records,
        summary.bytes,
        if summary.all_ids_synthetic {
            "; every national id is in a synthetic range"
        } else {
            ""
        }
    );
    for warning in &summary.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The key from a file or an environment variable; never printed.
fn read_key(k: &KeyArgs) -> Result<pseudonymise::Key> {
    let key = match &k.key_file {
        Some(path) => {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read the key file {}", path.display()))?;
            pseudonymise::Key::from_text_bytes(&bytes)
        }
        None => match std::env::var_os(&k.key_env) {
            Some(value) => pseudonymise::Key::from_text_bytes(value.as_encoded_bytes()),
            None => bail!(
                "no pseudonymisation key: set {} or give --key-file (at least 32 random bytes, e.g. `openssl rand -hex 32`)",
                k.key_env
            ),
        },
    };
    Ok(key?)
}

fn run_pseudonymise(a: PseudonymiseArgs) -> Result<ExitCode> {
    let config = pseudonymise::Config::load(&a.config)?;
    let key = read_key(&a.key)?;
    let input = etterlev_testdata::io::open_input(&a.input, a.input_encoding)?;
    let input_len = std::fs::metadata(&a.input)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    if a.mapping.as_deref() == Some(a.out.output.as_path()) {
        bail!("the mapping and the output cannot be the same file");
    }
    let mut out = OutputFile::create(&a.out.output, a.out.force)?;
    let mut mapping = match &a.mapping {
        Some(path) => Some(OutputFile::create(path, a.out.force)?),
        None => None,
    };
    let bar = progress_bar(a.out.quiet, input_len, true);
    let tick = |done: u64, _total: Option<u64>| bar.set_position(done);
    let options = pseudonymise::RunOptions {
        mapping_out: mapping.as_mut().map(|m| m as &mut dyn Write),
        progress: Some(&tick),
        input_len,
        threads: a.threads,
    };
    let summary = pseudonymise::run(&config, &key, input, &mut out, options)?;
    // Nothing is renamed into place unless the whole run succeeded.
    out.commit()?;
    if let Some(m) = mapping {
        m.commit()?;
    }
    bar.finish_and_clear();
    if a.json {
        eprintln!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        eprintln!(
            "{} rows in, {} out, {} skipped; {} invalid ids",
            summary.rows_in, summary.rows_out, summary.rows_skipped, summary.invalid_ids
        );
        for c in &summary.columns {
            eprintln!(
                "  {}: {} — {} values, {} replaced, {} invalid",
                c.name, c.action, c.values, c.replaced, c.invalid
            );
        }
        for p in &summary.skipped {
            let column = p.column.as_deref().map(|c| format!(", column {c}")).unwrap_or_default();
            eprintln!("  skipped line {}{column}: {}", p.line, p.reason);
        }
        for w in &summary.warnings {
            eprintln!("warning: {w}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_reveal(a: RevealArgs) -> Result<ExitCode> {
    let key = read_key(&a.key)?;
    let mut input = std::fs::File::open(&a.mapping).with_context(|| format!("cannot open {}", a.mapping.display()))?;
    let mut out = OutputFile::create(&a.out.output, a.out.force)?;
    let entries = pseudonymise::mapping::reveal(&key, &mut input, &mut out)?;
    out.commit()?;
    eprintln!("{entries} mapping entries");
    Ok(ExitCode::SUCCESS)
}

fn run_scan(a: ScanArgs) -> Result<ExitCode> {
    let options = scan::ScanOptions {
        show_values: a.show_values,
        max_findings_per_kind: a.max_findings,
        min_confidence: match a.min_confidence {
            MinConfidence::Low => scan::Confidence::Low,
            MinConfidence::Medium => scan::Confidence::Medium,
            MinConfidence::High => scan::Confidence::High,
        },
        accept_2032: !a.no_2032,
        include_hidden: a.hidden,
        threads: a.threads,
        ..scan::ScanOptions::default()
    };
    let fail_on = match a.fail_on {
        FailOn::None => scan::FailOn::None,
        FailOn::ProductionIds => scan::FailOn::ProductionIds,
        FailOn::AnyPersonalData => scan::FailOn::AnyPersonalData,
    };
    let bar = progress_bar(a.quiet, None, true);
    let tick = |done: u64, total: Option<u64>| {
        if let Some(t) = total {
            bar.set_length(t);
        }
        bar.set_position(done);
    };
    let report = scan::run_with_progress(&options, &a.paths, Some(&tick))?;
    bar.finish_and_clear();
    match a.format {
        ReportFormat::Text => print!("{}", report.render_text()),
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    let failed = report.verdict(&fail_on);
    if failed {
        eprintln!("scan: failing (--fail-on {})", fail_on_name(a.fail_on));
    }
    Ok(if failed || !report.errors.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn fail_on_name(f: FailOn) -> &'static str {
    match f {
        FailOn::None => "none",
        FailOn::ProductionIds => "production-ids",
        FailOn::AnyPersonalData => "any-personal-data",
    }
}

fn parse_generalisation(spec: &str) -> Result<(String, risk::Generalisation)> {
    let Some((column, rule)) = spec.split_once('=') else {
        bail!("--generalise {spec:?}: expected COLUMN=RULE, e.g. age=band:10");
    };
    let (name, arg) = rule.split_once(':').unwrap_or((rule, ""));
    let number = |what: &str| -> Result<u64> {
        arg.parse()
            .with_context(|| format!("--generalise {spec:?}: {what} needs a whole number, e.g. {name}:2"))
    };
    let g = match name {
        "band" => risk::Generalisation::Band(number("band")?.max(1)),
        "prefix" => risk::Generalisation::Prefix(usize::try_from(number("prefix")?)?),
        "year" => risk::Generalisation::Year,
        "suppress" => risk::Generalisation::Suppress,
        other => bail!("--generalise {spec:?}: unknown rule {other:?} (band:N, prefix:N, year, suppress)"),
    };
    Ok((column.to_owned(), g))
}

fn run_risk(a: RiskArgs) -> Result<ExitCode> {
    let mut generalise = BTreeMap::new();
    for spec in &a.generalise {
        let (column, g) = parse_generalisation(spec)?;
        generalise.insert(column, g);
    }
    let population = match (a.population_scale, &a.population) {
        (Some(scale), _) => Some(risk::Population::Scale(scale)),
        (None, Some(path)) => Some(risk::Population::File {
            path: path.clone(),
            count_column: None,
        }),
        (None, None) => None,
    };
    let options = risk::RiskOptions {
        quasi_identifiers: a.quasi_identifiers,
        sensitive: a.sensitive,
        k: a.k,
        threshold: a.threshold,
        population,
        generalise,
        max_uniques: a.max_uniques,
        on_malformed: if a.skip_malformed {
            risk::OnMalformed::Skip
        } else {
            risk::OnMalformed::Fail
        },
        person: match (a.person_column, a.no_person_column) {
            (Some(column), _) => risk::PersonColumn::Column(column),
            (None, true) => risk::PersonColumn::Off,
            (None, false) => risk::PersonColumn::Detect,
        },
        ..risk::RiskOptions::default()
    };
    let report = risk::run(&options, &a.input)?;
    match a.format {
        ReportFormat::Text => print!("{}", report.render_text()),
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(ExitCode::SUCCESS)
}

/// One line (or JSON object) per number; exit 1 when any is invalid.
fn check_ids(numbers: &[String], format: ReportFormat) -> ExitCode {
    let mut all_valid = true;
    let mut json = Vec::new();
    for number in numbers {
        let verdict = classify(number);
        all_valid &= verdict.valid;
        match format {
            ReportFormat::Text => println!("{number}: {}", verdict.text),
            ReportFormat::Json => json.push(verdict.json),
        }
    }
    if let ReportFormat::Json = format {
        println!("{}", serde_json::Value::Array(json));
    }
    if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

struct Verdict {
    valid: bool,
    text: String,
    json: serde_json::Value,
}

fn classify(number: &str) -> Verdict {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let person_error = match ids::parse_person(number) {
        Ok(id) => {
            // Eleven digits can pass both the person-number and the account-number checks.
            let also_account = ids::is_valid_account(number);
            let mut text = describe(&id);
            if also_account {
                text.push_str("; also a valid account number");
            }
            return Verdict {
                valid: true,
                text,
                json: serde_json::json!({"input": number, "valid": true, "kind": kind_name(id.kind), "convention": convention_name(id.convention), "synthetic": id.is_synthetic(), "birth_date": id.birth_date.map(|d| d.to_string()), "also_account_number": also_account}),
            };
        }
        Err(e) => e,
    };
    let other = match digits {
        9 if ids::is_valid_orgnr(number) => Some("organisation number"),
        11 if ids::is_valid_account(number) => Some("account number"),
        _ => None,
    };
    match other {
        Some(kind) => Verdict {
            valid: true,
            text: format!("valid {kind}"),
            json: serde_json::json!({"input": number, "valid": true, "kind": kind}),
        },
        None => Verdict {
            valid: false,
            text: format!("invalid: {person_error}"),
            json: serde_json::json!({"input": number, "valid": false, "error": person_error.to_string()}),
        },
    }
}

fn kind_name(kind: ids::IdKind) -> &'static str {
    match kind {
        ids::IdKind::Fnr => "fødselsnummer",
        ids::IdKind::DNumber => "D-number",
        ids::IdKind::HNumber => "H-number",
        ids::IdKind::FhNumber => "FH-number",
    }
}

fn convention_name(c: Convention) -> &'static str {
    match c {
        Convention::Production => "production",
        Convention::DollyOrHNumber => "dolly_or_h_number",
        Convention::NhnReserved => "nhn_reserved",
        Convention::Tenor => "tenor",
    }
}

fn describe(id: &PersonId) -> String {
    let range = match (id.kind, id.convention) {
        (ids::IdKind::FhNumber, _) => "Norsk helsenett's felles hjelpenummer (no birth date)",
        (_, Convention::Production) => "production range (may belong to a real person)",
        (_, Convention::DollyOrHNumber) => "month +40: H-number of a real patient or a NAV Dolly synthetic person",
        (_, Convention::NhnReserved) => "synthetic (Norsk helsenett reserved, month +65)",
        (_, Convention::Tenor) => "synthetic (Skatteetaten Tenor / Test-Norge, month +80)",
    };
    let rule = match id.rule {
        ids::ChecksumRule::Classic => "control digits: current rule",
        ids::ChecksumRule::From2032 => {
            "control digits: only the 2032 rule (issued from 2032; sex and century not encoded)"
        }
    };
    let mut parts = vec![
        format!("valid {}", kind_name(id.kind)),
        range.to_owned(),
        rule.to_owned(),
    ];
    if let Some(date) = id.birth_date {
        parts.push(format!("born {:02}.{:02}.{:04}", date.day, date.month, date.year));
    }
    if let Some(sex) = id.sex {
        parts.push(match sex {
            ids::Sex::Female => "female".to_owned(),
            ids::Sex::Male => "male".to_owned(),
        });
    }
    parts.join("; ")
}
