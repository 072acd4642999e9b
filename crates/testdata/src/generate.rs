//! Synthetic persons and patients (issue 6, item 2).
//!
//! [`run`] writes `count` synthetic persons — or their encounters, or their
//! GPs — as CSV, JSON Lines or a FHIR R4 bundle. Everything is a function of
//! the options: the same seed and options give byte-identical output whatever
//! the number of threads.
//!
//! What the records hold and why it is safe:
//! - **National id**: a valid fødselsnummer or D-number in a synthetic range —
//!   by default Skatteetaten's Tenor convention (month + 80); Norsk helsenett's
//!   reserved persons (+65) and NAV Dolly (+40) on request. Production-range
//!   numbers (months 01–12) only with [`GenerateOptions::allow_production`].
//!   Birth date and sex (odd ninth digit = male) agree with the number. Ids are
//!   unique within a run by construction (see `generate/idspace.rs`).
//! - **Names**: an origin group per person (the majority, or one of the
//!   largest immigrant groups, weighted by birth period and for D-number
//!   holders), then given names from that group's table for the birth decade
//!   and a surname, all from data files based on SSB's name statistics, with
//!   æøå, accented and hyphenated forms on purpose.
//! - **Address**: a generated street name and house number in a real
//!   municipality (2024 numbers), with one of its postcodes and post towns.
//!   Not taken from any address register; no real person's address.
//! - **Phone**: `+47 59xx xxxx` — the 8-digit series for machine-to-machine
//!   use, never a person's mobile or landline (no fiction range exists).
//! - **E-mail**: `given.family` + birth year + a code derived from the
//!   national id, unique in the run, at domains reserved by RFC 2606/6761
//!   (`example.com`, `*.example`, `*.test`), so mail can never be delivered.
//! - **GPs** (optional): ⌈persons / list size⌉ fastleger, each with that many
//!   patients give or take one, placed where their patients live; HPR numbers
//!   in a marked synthetic range (nine digits starting with 9), grouped in
//!   practices with synthetic organisation numbers (first digit 3, outside the
//!   8/9 series in use).
//! - **Identity**: a person's every field and resource id is drawn from
//!   streams keyed by the seed and their national id, so two runs with the
//!   same seed and different counts never give one id to two people.
//! - **Encounters** (optional): dates in the three years before `as_of`, one
//!   ICD-10 code each from a small list of common codes, respecting sex and age.
//!
//! FHIR: one `Bundle` (type collection or transaction) streamed entry by entry,
//! so memory stays flat for any count; or, with
//! [`GenerateOptions::fhir_bundle_entries`], newline-delimited bundles of about
//! that many entries each (a patient's encounters are never split from it).
//! Resources follow no-basis conventions (identifier systems, municipality
//! extension, middle-name extension) and carry the HL7 `HTEST` security label.

mod data;
mod idspace;
mod model;
mod perm;
mod render;

use std::io::Write;

use rayon::prelude::*;
use serde::Serialize;

use crate::ids::{BirthDate, Convention, IdKind};

pub use data::{DataError, DataStats, data_stats, name_words};

use idspace::{IdRequest, IdSpace};
use model::{Encounter, GpPlan, Location, Person, STREAM_ENCOUNTER, chunk_rng, person_key, person_rng};
use render::{Entries, FhirStyle, Row, Scratch};

/// Persons per chunk of parallel work. Not part of the output's definition:
/// every person's draws are keyed by their national id.
const CHUNK: u64 = 2048;

/// Output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Comma-separated, header row first, RFC 4180 quoting (csv crate).
    #[default]
    Csv,
    /// One JSON object per line, same field names as the CSV header.
    JsonLines,
    /// FHIR R4 JSON: Organization, Practitioner, PractitionerRole (with GP
    /// lists), Patient, Encounter and Condition (with encounters). Ignores `table`.
    Fhir,
}

/// Which table CSV and JSON Lines output holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    /// One row per person.
    #[default]
    Persons,
    /// One row per encounter (needs `encounters_per_patient > 0`).
    Encounters,
    /// One row per GP with their list size (turns `gp_lists` on).
    Practitioners,
}

/// FHIR bundle type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleType {
    /// `collection`: entries without requests.
    #[default]
    Collection,
    /// `transaction`: every entry has `PUT <type>/<id>`, so loading is idempotent.
    Transaction,
}

/// Options for [`run`]. Every field maps to one CLI flag.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GenerateOptions {
    /// Number of persons (with table `persons`, rows). 0 writes only the header.
    pub count: u64,
    /// Seed: same seed and options → byte-identical output.
    pub seed: u64,
    /// Number range of the national ids (default Tenor, month + 80).
    pub convention: Convention,
    /// Must be true for [`Convention::Production`]; otherwise that convention is refused.
    pub allow_production: bool,
    /// Probability that a person has a D-number instead of a fødselsnummer,
    /// 0.0–1.0 (default 0.04); drawn person by person.
    pub d_number_share: f64,
    /// First and last birth year, inclusive (default: the 100 years up to `as_of`).
    /// Must lie within 1854–2039, the years the individual-number series cover.
    pub birth_years: (i16, i16),
    /// Reference date: nobody is born and no encounter happens after it.
    /// Fixed by default (2025-01-01) so output depends on the options only.
    pub as_of: BirthDate,
    pub format: Format,
    pub table: Table,
    /// Generate GPs (fastleger) and list every person with one, in their
    /// municipality or (at the edge of a list) a neighbouring one.
    pub gp_lists: bool,
    /// Patients per GP (default 1000, about the Norwegian average): there are
    /// ⌈persons / list size⌉ GPs and every list is within one of persons / GPs.
    pub gp_list_size: u32,
    /// Up to this many encounters per patient, uniformly 0..=n (default 0: none; max 1000).
    pub encounters_per_patient: u32,
    /// FHIR only: `None` → one streamed Bundle; `Some(n)` → one Bundle per line
    /// with about `n` entries each (newline-delimited JSON).
    pub fhir_bundle_entries: Option<u32>,
    pub fhir_bundle_type: BundleType,
    /// Worker threads; `None` uses rayon's global pool. Never changes the output.
    pub threads: Option<usize>,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        let as_of = BirthDate {
            year: 2025,
            month: 1,
            day: 1,
        };
        GenerateOptions {
            count: 100,
            seed: 0,
            convention: Convention::Tenor,
            allow_production: false,
            d_number_share: 0.04,
            birth_years: (as_of.year - 100, as_of.year),
            as_of,
            format: Format::Csv,
            table: Table::Persons,
            gp_lists: false,
            gp_list_size: 1000,
            encounters_per_patient: 0,
            fhir_bundle_entries: None,
            fhir_bundle_type: BundleType::Collection,
            threads: None,
        }
    }
}

/// What a run produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GenerateSummary {
    pub format: Format,
    pub table: Table,
    pub seed: u64,
    pub convention: Convention,
    /// Persons generated (also when the table written is encounters or GPs).
    pub persons: u64,
    pub fnr: u64,
    pub d_numbers: u64,
    /// Encounters written (0 unless the output holds encounters).
    pub encounters: u64,
    pub practitioners: u64,
    pub organisations: u64,
    /// CSV rows / JSON lines (without header) or FHIR entries written.
    pub records: u64,
    /// FHIR bundles written (0 for CSV and JSON Lines).
    pub bundles: u64,
    pub bytes: u64,
    /// True when every national id is in a range no real person can have
    /// (Tenor or NHN reserved).
    pub all_ids_synthetic: bool,
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(
        "production-range national ids (months 01-12) can belong to real people; \
         generate them only with allow_production (--allow-production)"
    )]
    ProductionRefused,
    #[error("invalid option {option}: {reason}")]
    InvalidOption { option: &'static str, reason: String },
    #[error(
        "cannot make {requested} unique national ids for these birth years and this convention: at most {capacity}"
    )]
    TooMany { requested: u64, capacity: u64 },
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("writing output: {0}")]
    Io(#[from] std::io::Error),
    #[error("thread pool: {0}")]
    ThreadPool(String),
    #[error("internal error (a bug): {0}")]
    Internal(String),
}

fn invalid(option: &'static str, reason: impl Into<String>) -> GenerateError {
    GenerateError::InvalidOption {
        option,
        reason: reason.into(),
    }
}

/// Checks the options; the refusal of production-range ids lives here.
fn validate(o: &GenerateOptions) -> Result<(), GenerateError> {
    if o.convention == Convention::Production && !o.allow_production {
        return Err(GenerateError::ProductionRefused);
    }
    if !(0.0..=1.0).contains(&o.d_number_share) {
        return Err(invalid("d_number_share", "must be between 0 and 1"));
    }
    if BirthDate::new(o.as_of.year, o.as_of.month, o.as_of.day).is_none() || !(1854..=2039).contains(&o.as_of.year) {
        return Err(invalid("as_of", format!("{} is not a date in 1854-2039", o.as_of)));
    }
    let (from, to) = o.birth_years;
    if from > to {
        return Err(invalid("birth_years", format!("{from} is after {to}")));
    }
    if from < 1854 || to > 2039 {
        return Err(invalid(
            "birth_years",
            "fødselsnummer series cover birth years 1854-2039 only",
        ));
    }
    if to > o.as_of.year {
        return Err(invalid(
            "birth_years",
            format!("{to} is after the reference date {}", o.as_of),
        ));
    }
    if o.gp_list_size == 0 {
        return Err(invalid("gp_list_size", "must be at least 1"));
    }
    if o.encounters_per_patient > 1000 {
        return Err(invalid("encounters_per_patient", "at most 1000"));
    }
    if o.table == Table::Encounters && o.encounters_per_patient == 0 && o.format != Format::Fhir {
        return Err(invalid(
            "table",
            "the encounters table needs encounters_per_patient > 0",
        ));
    }
    if o.fhir_bundle_entries == Some(0) {
        return Err(invalid("fhir_bundle_entries", "must be at least 1"));
    }
    if o.threads == Some(0) {
        return Err(invalid("threads", "must be at least 1"));
    }
    Ok(())
}

/// Everything the chunk workers share (read-only).
struct Plan<'a> {
    o: &'a GenerateOptions,
    t: &'static data::Tables,
    ids: IdSpace,
    gps: Option<GpPlan>,
    /// Whether encounters are generated at all.
    encounters: bool,
    columns: Vec<&'static str>,
    fhir: FhirStyle,
}

/// One chunk's output: bytes, and for FHIR the entry groups in it.
#[derive(Default)]
struct ChunkOut {
    buf: Vec<u8>,
    /// (end offset in buf, entries) per group; FHIR only.
    groups: Vec<(usize, u32)>,
    records: u64,
    encounters: u64,
}

/// Writes synthetic data to `out`. `progress` is called from the calling
/// thread with the number of persons (or GPs) written so far.
pub fn run(
    options: &GenerateOptions,
    out: &mut dyn Write,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<GenerateSummary, GenerateError> {
    validate(options)?;
    let pool = match options.threads {
        Some(n) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| GenerateError::ThreadPool(e.to_string()))?,
        ),
        None => None,
    };
    let par = |f: &(dyn Fn() -> Result<Vec<ChunkOut>, GenerateError> + Sync)| match &pool {
        Some(p) => p.install(f),
        None => f(),
    };
    let t = data::tables()?;
    let ids = IdSpace::new(&IdRequest {
        count: options.count,
        seed: options.seed,
        convention: options.convention,
        d_number_share: options.d_number_share,
        years: options.birth_years,
        as_of: options.as_of,
    })?;
    let gp_lists = options.gp_lists || (options.table == Table::Practitioners && options.format != Format::Fhir);
    let gps = if gp_lists {
        Some(gp_plan(options, t, &ids, &pool)?)
    } else {
        None
    };
    let encounters =
        options.encounters_per_patient > 0 && (options.format == Format::Fhir || options.table == Table::Encounters);
    let columns = match options.table {
        Table::Persons => render::person_columns(gp_lists),
        Table::Encounters => render::encounter_columns(gp_lists),
        Table::Practitioners => render::practitioner_columns(),
    };
    let fhir = FhirStyle {
        transaction: options.fhir_bundle_type == BundleType::Transaction,
        separator: if options.fhir_bundle_entries.is_some() {
            b","
        } else {
            b",\n"
        },
    };
    let plan = Plan {
        o: options,
        t,
        ids,
        gps,
        encounters,
        columns,
        fhir,
    };

    let mut out = Counting { inner: out, bytes: 0 };
    let mut summary = GenerateSummary {
        format: options.format,
        table: options.table,
        seed: options.seed,
        convention: options.convention,
        persons: options.count,
        fnr: plan.ids.count_of(IdKind::Fnr),
        d_numbers: plan.ids.count_of(IdKind::DNumber),
        encounters: 0,
        practitioners: plan.gps.as_ref().map_or(0, |g| u64::from(g.total_gps)),
        organisations: plan.gps.as_ref().map_or(0, |g| u64::from(g.total_practices)),
        records: 0,
        bundles: 0,
        bytes: 0,
        all_ids_synthetic: matches!(options.convention, Convention::Tenor | Convention::NhnReserved),
        warnings: warnings(options),
    };

    let threads = pool
        .as_ref()
        .map_or_else(rayon::current_num_threads, |p| p.current_num_threads());
    let batch = (threads as u64 * 8).max(8);
    let mut fhir = FhirStream::new(&plan);

    // Header / preamble.
    match options.format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&plan.columns)
                .map_err(|e| GenerateError::Internal(e.to_string()))?;
            let header = w.into_inner().map_err(|e| GenerateError::Internal(e.to_string()))?;
            out.write_all(&header)?;
        }
        Format::JsonLines => {}
        Format::Fhir => {
            if let Some(g) = &plan.gps {
                let mut start = 0;
                while start < g.total_practices {
                    let end = (start + 64 * batch as u32).min(g.total_practices);
                    let chunk = fhir_practices(&plan, start..end)?;
                    fhir.write(&mut out, &chunk)?;
                    summary.records += chunk.groups.iter().map(|g| u64::from(g.1)).sum::<u64>();
                    start = end;
                }
            }
        }
    }

    if options.table == Table::Practitioners && options.format != Format::Fhir {
        let written = write_practitioners(&plan, &mut out, progress)?;
        summary.records = written;
    } else {
        let chunks = options.count.div_ceil(CHUNK);
        let mut next = 0u64;
        while next < chunks {
            let end = (next + batch).min(chunks);
            let outs = par(&|| (next..end).into_par_iter().map(|c| render_chunk(&plan, c)).collect())?;
            for chunk in &outs {
                if options.format == Format::Fhir {
                    fhir.write(&mut out, chunk)?;
                } else {
                    out.write_all(&chunk.buf)?;
                }
                summary.records += chunk.records;
                summary.encounters += chunk.encounters;
            }
            if let Some(p) = progress {
                p((end * CHUNK).min(options.count));
            }
            next = end;
        }
    }
    if options.format == Format::Fhir {
        summary.bundles = fhir.finish(&mut out)?;
    }
    out.flush()?;
    summary.bytes = out.bytes;
    Ok(summary)
}

fn warnings(o: &GenerateOptions) -> Vec<String> {
    let mut w = Vec::new();
    match o.convention {
        Convention::Production => {
            w.push("national ids are in the production range (months 01-12) and can belong to real people".to_string())
        }
        Convention::DollyOrHNumber => w.push(
            "Dolly numbers (month + 40) share their range with real patients' H-numbers; \
             a scanner cannot tell them apart"
                .to_string(),
        ),
        Convention::Tenor | Convention::NhnReserved => {}
    }
    w
}

/// Counts patients per chunk and municipality by replaying every person's
/// location stream, then places the GPs.
fn gp_plan(
    o: &GenerateOptions,
    t: &'static data::Tables,
    ids: &IdSpace,
    pool: &Option<rayon::ThreadPool>,
) -> Result<GpPlan, GenerateError> {
    let n = t.municipalities.len();
    let count_chunk = |c: u64| -> Result<Vec<u64>, GenerateError> {
        let mut counts = vec![0u64; n];
        for index in c * CHUNK..((c + 1) * CHUNK).min(o.count) {
            let key = person_key(&ids.id(index)?.id);
            counts[usize::from(Location::of_person(t, o.seed, key).municipality)] += 1;
        }
        Ok(counts)
    };
    let all = || -> Result<Vec<Vec<u64>>, GenerateError> {
        (0..o.count.div_ceil(CHUNK)).into_par_iter().map(count_chunk).collect()
    };
    let per_chunk = match pool {
        Some(p) => p.install(all),
        None => all(),
    }?;
    let flat: Vec<u64> = per_chunk.into_iter().flatten().collect();
    GpPlan::new(o.seed, &flat, n, o.gp_list_size)
}

fn render_chunk(plan: &Plan<'_>, chunk: u64) -> Result<ChunkOut, GenerateError> {
    let o = plan.o;
    let start = chunk * CHUNK;
    let end = ((chunk + 1) * CHUNK).min(o.count);
    let mut encounters: Vec<Encounter> = Vec::new();
    let mut scratch = Scratch::default();
    let mut result = ChunkOut::default();
    let per_person = match o.format {
        Format::Csv => 200,
        Format::JsonLines => 450,
        Format::Fhir => 2000,
    };
    let mut csv_w = (o.format == Format::Csv).then(|| {
        csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::with_capacity((end - start) as usize * per_person))
    });
    let mut buf = Vec::with_capacity(if o.format == Format::Csv {
        0
    } else {
        (end - start) as usize * per_person
    });
    let gps = plan.gps.as_ref();
    // Per municipality: national rank of the next patient (GP lists only).
    let mut ranks = gps.map(|g| g.chunk_ranks(chunk));
    for index in start..end {
        let generated = plan.ids.id(index)?;
        let mut p = Person::generate(plan.t, o.seed, generated, None)?;
        if let (Some(g), Some(r)) = (gps, ranks.as_mut()) {
            let m = usize::from(p.address.municipality_index);
            p.gp = Some(g.gp_for_rank(r[m]));
            r[m] += 1;
        }
        if plan.encounters {
            model::encounters_for(
                plan.t,
                &p,
                o.encounters_per_patient,
                o.as_of,
                &mut person_rng(o.seed, STREAM_ENCOUNTER, p.key),
                &mut encounters,
            );
            result.encounters += encounters.len() as u64;
        }
        let gp_hpr = match (gps, p.gp) {
            (Some(g), Some(i)) => Some(g.hpr_of(i)),
            _ => None,
        };
        match o.format {
            Format::Fhir => {
                let gp_uuid = match (gps, p.gp) {
                    (Some(g), Some(i)) => Some(g.uuid_of(i)),
                    _ => None,
                };
                let mut e = Entries::new(&mut buf, plan.fhir);
                e.patient(&p, gp_uuid.as_ref());
                for enc in &encounters {
                    e.encounter(&p, enc, gp_uuid.as_ref());
                }
                let n = e.count;
                result.records += u64::from(n);
                result.groups.push((buf.len(), n));
            }
            Format::Csv | Format::JsonLines => {
                let mut row = match csv_w.as_mut() {
                    Some(w) => Row::Csv(w),
                    None => Row::Json {
                        out: &mut buf,
                        columns: &plan.columns,
                        next: 0,
                    },
                };
                match o.table {
                    Table::Persons => {
                        render::person_row(&p, &mut row, &mut scratch, gp_hpr)?;
                        result.records += 1;
                    }
                    Table::Encounters => {
                        for enc in &encounters {
                            render::encounter_row(&p, enc, &mut row, &mut scratch, gps.map(|_| gp_hpr))?;
                        }
                        result.records += encounters.len() as u64;
                    }
                    Table::Practitioners => {}
                }
            }
        }
    }
    result.buf = match csv_w {
        Some(w) => w.into_inner().map_err(|e| GenerateError::Internal(e.to_string()))?,
        None => buf,
    };
    Ok(result)
}

/// Organization + (Practitioner, PractitionerRole) per GP, one group per practice.
fn fhir_practices(plan: &Plan<'_>, range: std::ops::Range<u32>) -> Result<ChunkOut, GenerateError> {
    let Some(g) = &plan.gps else {
        return Ok(ChunkOut::default());
    };
    let mut result = ChunkOut::default();
    for practice in range {
        let pr = g.practice(plan.t, practice)?;
        let mut e = Entries::new(&mut result.buf, plan.fhir);
        e.organization(&pr);
        for gp in g.gps_of_practice(practice) {
            e.practitioner(&g.practitioner(plan.t, gp), &pr);
        }
        let n = e.count;
        result.groups.push((result.buf.len(), n));
    }
    Ok(result)
}

/// The practitioners table, with each GP's list size.
fn write_practitioners(
    plan: &Plan<'_>,
    out: &mut Counting<'_>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<u64, GenerateError> {
    let Some(g) = &plan.gps else { return Ok(0) };
    let o = plan.o;
    let mut scratch = Scratch::default();
    let mut csv_w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    let mut buf = Vec::new();
    let mut practice: Option<model::Practice> = None;
    for gp in 0..g.total_gps {
        let doc = g.practitioner(plan.t, gp);
        if practice.as_ref().is_none_or(|p| p.index != doc.practice) {
            practice = Some(g.practice(plan.t, doc.practice)?);
        }
        let Some(pr) = practice.as_ref() else { continue };
        let mut row = match o.format {
            Format::Csv => Row::Csv(&mut csv_w),
            _ => Row::Json {
                out: &mut buf,
                columns: &plan.columns,
                next: 0,
            },
        };
        render::practitioner_row(plan.t, &doc, pr, g.list_size(gp), &mut row, &mut scratch)?;
        if gp % 4096 == 4095
            && let Some(p) = progress
        {
            p(u64::from(gp) + 1);
        }
    }
    let bytes = if o.format == Format::Csv {
        csv_w.into_inner().map_err(|e| GenerateError::Internal(e.to_string()))?
    } else {
        buf
    };
    out.write_all(&bytes)?;
    Ok(u64::from(g.total_gps))
}

/// Writes FHIR entry groups into one streamed bundle or newline-delimited bundles.
struct FhirStream {
    split: Option<u32>,
    transaction: bool,
    seed: u64,
    open: bool,
    in_bundle: u32,
    bundles: u64,
    header: Vec<u8>,
}

impl FhirStream {
    fn new(plan: &Plan<'_>) -> FhirStream {
        FhirStream {
            split: plan.o.fhir_bundle_entries,
            transaction: plan.fhir.transaction,
            seed: plan.o.seed,
            open: false,
            in_bundle: 0,
            bundles: 0,
            header: Vec::new(),
        }
    }

    fn open(&mut self, out: &mut Counting<'_>) -> Result<(), GenerateError> {
        let mut rng = chunk_rng(self.seed, 30, self.bundles);
        self.header.clear();
        render::bundle_head(
            &mut self.header,
            &model::uuid(&mut rng),
            self.transaction,
            self.split.is_none(),
        );
        out.write_all(&self.header)?;
        self.open = true;
        self.in_bundle = 0;
        self.bundles += 1;
        Ok(())
    }

    fn close(&mut self, out: &mut Counting<'_>) -> Result<(), GenerateError> {
        out.write_all(if self.split.is_some() { b"]}\n" } else { b"\n]}\n" })?;
        self.open = false;
        Ok(())
    }

    fn write(&mut self, out: &mut Counting<'_>, chunk: &ChunkOut) -> Result<(), GenerateError> {
        let mut start = 0;
        for &(end, n) in &chunk.groups {
            if let Some(limit) = self.split
                && self.open
                && self.in_bundle >= limit
            {
                self.close(out)?;
            }
            if !self.open {
                self.open(out)?;
            } else {
                out.write_all(if self.split.is_some() { b"," } else { b",\n" })?;
            }
            out.write_all(&chunk.buf[start..end])?;
            self.in_bundle += n;
            start = end;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Counting<'_>) -> Result<u64, GenerateError> {
        if !self.open && self.bundles == 0 {
            self.open(out)?;
        }
        if self.open {
            self.close(out)?;
        }
        Ok(self.bundles)
    }
}

struct Counting<'a> {
    inner: &'a mut dyn Write,
    bytes: u64,
}

impl Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate_text(o: &GenerateOptions) -> (String, GenerateSummary) {
        let mut out = Vec::new();
        let s = run(o, &mut out, None).unwrap();
        (String::from_utf8(out).unwrap(), s)
    }

    #[test]
    fn production_needs_the_flag() {
        let o = GenerateOptions {
            convention: Convention::Production,
            ..Default::default()
        };
        assert!(matches!(
            run(&o, &mut Vec::new(), None),
            Err(GenerateError::ProductionRefused)
        ));
        let o = GenerateOptions {
            allow_production: true,
            ..o
        };
        let (text, s) = generate_text(&o);
        assert!(!s.all_ids_synthetic && !s.warnings.is_empty());
        assert_eq!(text.lines().count(), 101);
    }

    #[test]
    fn count_zero_writes_a_header_or_an_empty_bundle() {
        let (text, _) = generate_text(&GenerateOptions {
            count: 0,
            ..Default::default()
        });
        assert_eq!(text.lines().count(), 1);
        let (text, s) = generate_text(&GenerateOptions {
            count: 0,
            format: Format::Fhir,
            ..Default::default()
        });
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["entry"].as_array().map(Vec::len), Some(0));
        assert_eq!(s.bundles, 1);
    }

    #[test]
    fn bad_options_are_refused() {
        for o in [
            GenerateOptions {
                d_number_share: 1.5,
                ..Default::default()
            },
            GenerateOptions {
                birth_years: (2000, 1990),
                ..Default::default()
            },
            GenerateOptions {
                birth_years: (1800, 1990),
                ..Default::default()
            },
            GenerateOptions {
                birth_years: (1990, 2030),
                ..Default::default()
            },
            GenerateOptions {
                gp_list_size: 0,
                ..Default::default()
            },
            GenerateOptions {
                table: Table::Encounters,
                ..Default::default()
            },
            GenerateOptions {
                fhir_bundle_entries: Some(0),
                ..Default::default()
            },
            GenerateOptions {
                as_of: BirthDate {
                    year: 2025,
                    month: 2,
                    day: 30,
                },
                ..Default::default()
            },
        ] {
            assert!(
                matches!(run(&o, &mut Vec::new(), None), Err(GenerateError::InvalidOption { .. })),
                "{o:?}"
            );
        }
    }
}
