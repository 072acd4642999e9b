//! `etterlev catalog …`: check, diff, import and export requirement catalogues.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Subcommand, ValueEnum};
use etterlev_catalog::{Catalog, CatalogSet, Diagnostic};

use crate::DbArgs;

#[derive(Subcommand)]
pub enum CatalogCmd {
    /// Validate catalogue and mapping files against the schema and the
    /// semantic rules; prints each error with file, line and a hint.
    Check {
        /// Files or folders (every .yaml/.yml below them is checked as one set).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
        /// Also print, per catalogue, how many nodes are verified against
        /// their source, against the target (Normen 60 % of its content
        /// nodes, every other catalogue 90 % of its nodes), and the
        /// unverified ids. Printed even when the check finds errors.
        #[arg(long)]
        summary: bool,
    },
    /// List every source address the catalogues cite or were checked
    /// against, with the nodes citing it and the date of its last check.
    Sources {
        /// Files or folders, as for `check`.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
    },
    /// Show what changed between two versions of a catalogue: added, removed,
    /// changed and moved requirements, with a word diff per requirement.
    Diff {
        /// The older version: a catalogue file.
        old: PathBuf,
        /// The newer version: a catalogue file.
        new: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace --out if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Load catalogues and mappings into the database (one transaction: all or nothing).
    Import {
        /// A folder or file of etterlev YAML, an OSCAL catalog JSON file, or a CISO Assistant library YAML.
        path: PathBuf,
        #[arg(long, value_enum, default_value = "etterlev")]
        format: ImportFormat,
        /// Replace a stored version whose content differs (versions are otherwise immutable).
        #[arg(long)]
        replace: bool,
        /// Import an OSCAL or CISO Assistant catalogue as a new version of the
        /// stored catalogue with this id. Without it, an imported catalogue keeps
        /// an id of its own (publisher and reference, e.g. `intuitem-gdpr`) and
        /// never joins another catalogue's versions.
        #[arg(long, value_name = "ID")]
        as_version_of: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Write one catalogue as a Word "full document", a spreadsheet, a
    /// printable HTML page, OSCAL catalog JSON or plain JSON.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Catalogue id or id@version, e.g. `normen` or `normen@6.0`.
        #[arg(long)]
        catalog: String,
        /// Folder or file to read catalogues from.
        #[arg(long, default_value = "catalog")]
        from: PathBuf,
        /// Language of headings and labels: nb or en.
        #[arg(long, default_value = "nb")]
        lang: String,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
        /// Replace --out if it exists.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ImportFormat {
    Etterlev,
    Oscal,
    Ciso,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Docx,
    Xlsx,
    Html,
    Oscal,
    Json,
}

pub async fn run(cmd: CatalogCmd) -> Result<ExitCode> {
    match cmd {
        CatalogCmd::Check { paths, format, summary } => Ok(check(&paths, format, summary)),
        CatalogCmd::Sources { paths, format } => sources(&paths, format),
        CatalogCmd::Diff {
            old,
            new,
            format,
            out,
            force,
        } => {
            let old = read_catalog(&old)?;
            let new = read_catalog(&new)?;
            let d = etterlev_catalog::diff(&old, &new);
            let text = match format {
                DiffFormat::Text => d.to_text(),
                DiffFormat::Json => serde_json::to_string_pretty(&d)? + "\n",
                DiffFormat::Html => d.to_html(),
            };
            match out {
                Some(path) => write_atomically(&path, text.as_bytes(), force)?,
                None => std::io::stdout().write_all(text.as_bytes())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        CatalogCmd::Import {
            path,
            format,
            replace,
            as_version_of,
            db,
        } => import(&path, format, replace, as_version_of.as_deref(), &db).await,
        CatalogCmd::Export {
            format,
            catalog,
            from,
            lang,
            out,
            force,
        } => export(format, &catalog, &from, &lang, &out, force),
    }
}

fn check(paths: &[PathBuf], format: ReportFormat, summary: bool) -> ExitCode {
    // With --format json, one document: the summary is a field of it.
    let figures = summary.then(|| {
        let catalogs = parse_each(paths);
        let refs: Vec<&Catalog> = catalogs.iter().collect();
        etterlev_catalog::fidelity::summary(&refs)
    });
    let code = check_only(paths, format, figures.as_deref());
    if let (Some(figures), ReportFormat::Text) = (&figures, format) {
        print_summary(figures);
    }
    code
}

fn check_only(
    paths: &[PathBuf],
    format: ReportFormat,
    figures: Option<&[etterlev_catalog::fidelity::Figures]>,
) -> ExitCode {
    match etterlev_catalog::load_paths(paths) {
        Ok(set) => {
            let requirements: usize = set.catalogs.iter().map(|c| c.assessable().count()).sum();
            match format {
                ReportFormat::Text => {
                    for c in &set.catalogs {
                        let unverified = c.nodes.iter().filter(|n| !n.verified).count();
                        println!(
                            "ok  {:<32} {:>4} nodes, {:>4} requirements, {:>4} unverified",
                            c.key(),
                            c.nodes.len(),
                            c.assessable().count(),
                            unverified
                        );
                    }
                    for t in &set.threats {
                        let (verified, all) = t.verified_share();
                        println!(
                            "ok  threats {:<24} {} actors, {} other threats, {} scenarios, {verified}/{all} verified",
                            t.key(),
                            t.actors.len(),
                            t.non_intentional.len(),
                            t.scenarios.len()
                        );
                    }
                    for m in &set.mappings {
                        println!(
                            "ok  mapping {:<20} {} -> {}, {} entries",
                            m.id,
                            m.from.key(),
                            m.to.key(),
                            m.entries.len()
                        );
                    }
                    println!(
                        "{} catalogue(s) ({} requirements) and {} mapping(s): no errors",
                        set.catalogs.len(),
                        requirements,
                        set.mappings.len()
                    );
                }
                ReportFormat::Json => println!(
                    "{}",
                    serde_json::json!({
                        "ok": true,
                        "catalogs": set.catalogs.iter().map(Catalog::key).collect::<Vec<_>>(),
                        "mappings": set.mappings.iter().map(|m| m.id.clone()).collect::<Vec<_>>(),
                        "requirements": requirements,
                        "errors": [],
                        "summary": figures,
                    })
                ),
            }
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            match format {
                ReportFormat::Text => {
                    for d in &diagnostics {
                        eprintln!("{d}");
                    }
                    eprintln!("{} error(s)", diagnostics.len());
                }
                ReportFormat::Json => {
                    println!(
                        "{}",
                        serde_json::json!({ "ok": false, "errors": diagnostics, "summary": figures })
                    );
                }
            }
            ExitCode::FAILURE
        }
    }
}

/// Every catalogue file under `paths` that parses on its own, even when
/// the set as a whole does not pass (the summary is useful while fixing).
fn parse_each(paths: &[PathBuf]) -> Vec<Catalog> {
    match etterlev_catalog::load_paths(paths) {
        Ok(set) => set.catalogs,
        Err(_) => paths
            .iter()
            .flat_map(|p| etterlev_catalog::load::yaml_files(p).unwrap_or_default())
            .filter_map(|file| {
                let bytes = std::fs::read(&file).ok()?;
                match etterlev_catalog::parse_document(&file.display().to_string(), &bytes).ok()? {
                    etterlev_catalog::Document::Catalog(c) => Some(c),
                    etterlev_catalog::Document::Mapping(_) | etterlev_catalog::Document::Threats(_) => None,
                }
            })
            .collect(),
    }
}

fn print_summary(figures: &[etterlev_catalog::fidelity::Figures]) {
    println!();
    println!(
        "verified against the source (target: normen {}% of content nodes, others {}% of all nodes)",
        etterlev_catalog::fidelity::NORMEN_TARGET_PERCENT,
        etterlev_catalog::fidelity::OTHER_TARGET_PERCENT
    );
    for f in figures {
        let state = match (f.judged, f.target_met) {
            (false, _) => "not judged",
            (true, true) => "target met",
            (true, false) => "BELOW TARGET",
        };
        let (part, whole) = if f.basis == "content" {
            (f.verified_content, f.content_nodes)
        } else {
            (f.verified, f.nodes)
        };
        println!(
            "{:<36} {:>4}/{:<4} {:>3}% of {:<7} numbering {:<13} {}",
            f.key,
            part,
            whole,
            f.percent,
            f.basis,
            match f.numbering {
                Some(etterlev_catalog::Numbering::Source) => "source",
                Some(etterlev_catalog::Numbering::Reconstructed) => "reconstructed",
                None => "not recorded",
            },
            state
        );
        if f.judged && !f.unverified.is_empty() {
            println!("    unverified: {}", f.unverified.join(", "));
        }
    }
}

fn sources(paths: &[PathBuf], format: ReportFormat) -> Result<ExitCode> {
    let set = etterlev_catalog::load_paths(paths).map_err(|d| diagnostics_error(&d))?;
    let refs: Vec<&Catalog> = set.catalogs.iter().collect();
    let list = etterlev_catalog::fidelity::sources(&refs);
    match format {
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&list)?),
        ReportFormat::Text => {
            for s in &list {
                println!(
                    "{}  (last checked: {}; {} citing)",
                    s.url,
                    s.last_checked.as_deref().unwrap_or("never"),
                    s.cited_by.len()
                );
                for who in &s.cited_by {
                    println!("    {who}");
                }
            }
            println!("{} source address(es)", list.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn diagnostics_error(diagnostics: &[Diagnostic]) -> anyhow::Error {
    let lines: Vec<String> = diagnostics.iter().map(Diagnostic::to_string).collect();
    anyhow::anyhow!("{} error(s):\n{}", diagnostics.len(), lines.join("\n"))
}

fn read_catalog(path: &Path) -> Result<Catalog> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    etterlev_catalog::parse_catalog(&path.display().to_string(), &bytes).map_err(|d| diagnostics_error(&d))
}

/// Reads the catalogue set an import or export starts from.
fn read_set(path: &Path, format: ImportFormat) -> Result<CatalogSet> {
    match format {
        ImportFormat::Etterlev => etterlev_catalog::load_path(path).map_err(|d| diagnostics_error(&d)),
        ImportFormat::Oscal => {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let catalog = etterlev_catalog::oscal::from_oscal(&bytes).map_err(|d| diagnostics_error(&d))?;
            Ok(CatalogSet {
                catalogs: vec![catalog],
                mappings: Vec::new(),
                ..Default::default()
            })
        }
        ImportFormat::Ciso => {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let catalogs = etterlev_catalog::ciso::from_ciso_assistant(&path.display().to_string(), &bytes)
                .map_err(|d| diagnostics_error(&d))?;
            Ok(CatalogSet {
                catalogs,
                mappings: Vec::new(),
                ..Default::default()
            })
        }
    }
}

async fn import(
    path: &Path,
    format: ImportFormat,
    replace: bool,
    as_version_of: Option<&str>,
    db: &DbArgs,
) -> Result<ExitCode> {
    let mut set = read_set(path, format)?;
    if let Some(id) = as_version_of {
        if matches!(format, ImportFormat::Etterlev) {
            bail!("--as-version-of is for OSCAL and CISO Assistant imports; etterlev files name their catalogue id");
        }
        let [catalog] = set.catalogs.as_mut_slice() else {
            bail!(
                "--as-version-of needs exactly one catalogue; {} has {}",
                path.display(),
                set.catalogs.len()
            );
        };
        catalog.id = id.to_owned();
        let problems = etterlev_catalog::load::check(&path.display().to_string(), catalog);
        if !problems.is_empty() {
            return Err(diagnostics_error(&problems));
        }
    }
    let store = crate::open(db).await?;
    if as_version_of.is_none() && !matches!(format, ImportFormat::Etterlev) {
        refuse_foreign_version_lines(&store, &set).await?;
    }
    let summary = store.import_catalog_set(&set, None, replace).await?;
    for key in &summary.added {
        println!("imported  {key}");
    }
    for key in &summary.replaced {
        println!("replaced  {key}");
    }
    for key in &summary.unchanged {
        println!("unchanged {key}");
    }
    println!(
        "{} catalogue version(s) imported, {} replaced, {} unchanged, {} mapping(s) ({})",
        summary.added.len(),
        summary.replaced.len(),
        summary.unchanged.len(),
        summary.mappings,
        store.backend_name()
    );
    Ok(ExitCode::SUCCESS)
}

fn export(format: ExportFormat, key: &str, from: &Path, lang: &str, out: &Path, force: bool) -> Result<ExitCode> {
    let lang =
        etterlev_reports::Lang::parse(lang).with_context(|| format!("unknown language `{lang}`; use nb or en"))?;
    let set = etterlev_catalog::load_path(from).map_err(|d| diagnostics_error(&d))?;
    let Some(catalog) = pick(&set, key) else {
        let known: Vec<String> = set.catalogs.iter().map(Catalog::key).collect();
        bail!(
            "no catalogue `{key}` in {}; known: {}",
            from.display(),
            known.join(", ")
        );
    };
    let bytes = match format {
        ExportFormat::Docx => etterlev_reports::catalog_docx(catalog, lang)?,
        ExportFormat::Xlsx => etterlev_reports::catalog_xlsx(catalog, lang)?,
        ExportFormat::Html => etterlev_reports::catalog_html(catalog, lang).into_bytes(),
        ExportFormat::Oscal => {
            let now = jiff::Timestamp::now().round(jiff::Unit::Second)?.to_string();
            serde_json::to_vec_pretty(&etterlev_catalog::oscal::to_oscal(catalog, &now))?
        }
        ExportFormat::Json => serde_json::to_vec_pretty(catalog)?,
    };
    write_atomically(out, &bytes, force)?;
    println!(
        "wrote {} ({} bytes, {} requirements)",
        out.display(),
        bytes.len(),
        catalog.assessable().count()
    );
    Ok(ExitCode::SUCCESS)
}

/// An imported catalogue whose id is already taken by a catalogue from
/// another publisher (one of etterlev's own, say) is refused: joining that
/// catalogue's versions has to be asked for with `--as-version-of`.
async fn refuse_foreign_version_lines(store: &etterlev_store::Store, set: &CatalogSet) -> Result<()> {
    let stored = store.list_catalogs().await?;
    for catalog in &set.catalogs {
        let Some(existing) = stored.iter().find(|s| s.catalog_id == catalog.id) else {
            continue;
        };
        let Some(existing) = store.load_catalog(&existing.key).await? else {
            continue;
        };
        if existing.publisher != catalog.publisher {
            bail!(
                "catalogue id `{}` is already used by {} (publisher: {}); this import's publisher is {}. \
                 Use --as-version-of {} to add it as a new version of that catalogue",
                catalog.id,
                existing.key(),
                existing.publisher,
                catalog.publisher,
                catalog.id
            );
        }
    }
    Ok(())
}

/// `normen@6.0` picks that version; `normen` picks the newest by date.
fn pick<'a>(set: &'a CatalogSet, key: &str) -> Option<&'a Catalog> {
    if key.contains('@') {
        return set.catalogs.iter().find(|c| c.key() == key);
    }
    set.catalogs
        .iter()
        .filter(|c| c.id == key)
        .max_by(|a, b| a.date.cmp(&b.date))
}

/// Writes to a temporary file beside `path` and renames it, so a failed run
/// never leaves a half-written file that looks complete.
fn write_atomically(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    if path.exists() && !force {
        bail!("{} exists; use --force to replace it", path.display());
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().context("--out needs a file name")?.to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot move the finished file to {}", path.display())
    })?;
    Ok(())
}
