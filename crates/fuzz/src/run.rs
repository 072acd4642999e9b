//! The fuzz loop: corpus in, mutated inputs through the parser, findings
//! out.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::mutate;
use crate::targets::{Target, dictionary, fnv};

/// What a run does.
#[derive(Clone, Debug)]
pub struct Options {
    /// Time per target; the run stops a target at whichever of this and
    /// `iterations` comes first.
    pub per_target: Duration,
    /// Generated inputs per target (corpus entries not counted).
    pub iterations: Option<u64>,
    pub seed: u64,
    /// Holds `corpus/<target>/`; findings go to `crashes/<target>/`.
    pub dir: PathBuf,
    /// An input taking longer than this is a finding.
    pub slow: Duration,
    /// An input still running after this is a hang: the watchdog saves it
    /// and ends the process.
    pub hang: Duration,
    /// Resident memory above this (KiB) is a finding.
    pub memory_limit_kib: u64,
    /// Write each input to `crashes/<target>/last-input.bin` before running
    /// it, to find an input that aborts the process (replay with the seed).
    pub trace: bool,
    /// Print each finding as it happens.
    pub verbose: bool,
}

impl Options {
    /// Defaults for `dir`: 2 s slow, 20 s hang, 2 GiB memory.
    pub fn new(dir: PathBuf, seed: u64) -> Options {
        Options {
            per_target: Duration::from_secs(10),
            iterations: None,
            seed,
            dir,
            slow: Duration::from_secs(2),
            hang: Duration::from_secs(20),
            memory_limit_kib: 2 << 20,
            trace: false,
            verbose: false,
        }
    }
}

/// Why an input was saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingKind {
    Panic,
    Slow,
    Memory,
}

impl FindingKind {
    fn as_str(self) -> &'static str {
        match self {
            FindingKind::Panic => "panic",
            FindingKind::Slow => "slow",
            FindingKind::Memory => "memory",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub kind: FindingKind,
    pub message: String,
    /// Where the input was written (`None` if it could not be).
    pub file: Option<PathBuf>,
    /// 0 for a corpus entry, else the generated input's number.
    pub iteration: u64,
}

/// What happened to one target.
#[derive(Clone, Debug)]
pub struct TargetReport {
    pub name: &'static str,
    pub seed: u64,
    pub corpus: usize,
    /// Inputs run, corpus entries included.
    pub execs: u64,
    pub elapsed: Duration,
    /// Distinct outcomes seen (the feedback signal).
    pub outcomes: usize,
    /// Inputs kept for further mutation.
    pub pool: usize,
    pub slowest: Duration,
    /// Peak resident memory while this target ran (KiB), where Linux can
    /// reset the peak; else the process's peak so far.
    pub peak_rss_kib: Option<u64>,
    /// Panics the parser catches itself by design (see [`Target::contained`]).
    pub contained: u64,
    pub contained_example: Option<String>,
    pub findings: Vec<Finding>,
}

impl TargetReport {
    pub fn execs_per_second(&self) -> f64 {
        self.execs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn line(&self) -> String {
        let mut s = format!(
            "{:<20} {:>9} execs {:>8.0}/s  pool {:>4}  outcomes {:>5}  slowest {:>6} ms  peak RSS {:>6} MiB  findings {}",
            self.name,
            self.execs,
            self.execs_per_second(),
            self.pool,
            self.outcomes,
            self.slowest.as_millis(),
            self.peak_rss_kib
                .map_or("?".to_owned(), |k| format!("{:.0}", k as f64 / 1024.0)),
            self.findings.len(),
        );
        if self.contained > 0 {
            let _ = write!(s, "  contained panics {}", self.contained);
        }
        s
    }
}

/// One recorded panic.
#[derive(Clone, Debug)]
struct PanicRecord {
    message: String,
    location: String,
}

fn panics() -> MutexGuard<'static, Vec<PanicRecord>> {
    static PANICS: OnceLock<Mutex<Vec<PanicRecord>>> = OnceLock::new();
    PANICS
        .get_or_init(|| Mutex::new(Vec::new()))
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Whether a target is running: then every panic is recorded instead of
/// printed.
static RECORDING: AtomicBool = AtomicBool::new(false);

/// Replaces the panic hook with one that, while a target runs, records every
/// panic on any thread (worker threads whose panic the parser turns into an
/// error included) instead of printing it. Other panics go to the previous
/// hook as before.
fn install_hook() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !RECORDING.load(Ordering::SeqCst) {
                previous(info);
                return;
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(non-text panic payload)".to_owned());
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_default();
            let mut list = panics();
            if list.len() < 64 {
                list.push(PanicRecord { message, location });
            }
        }));
    });
}

/// Calls the target with panics recorded.
fn recorded_call(target: &Target, input: &[u8]) -> std::thread::Result<String> {
    RECORDING.store(true, Ordering::SeqCst);
    let result = std::panic::catch_unwind(|| (target.run)(input));
    RECORDING.store(false, Ordering::SeqCst);
    result
}

/// The input in flight, for the watchdog.
struct InFlight {
    target: &'static str,
    started: Instant,
    input: Arc<Vec<u8>>,
    hang_file: PathBuf,
    hang: Duration,
    memory_limit_kib: u64,
}

fn in_flight() -> MutexGuard<'static, Option<InFlight>> {
    static CURRENT: OnceLock<Mutex<Option<InFlight>>> = OnceLock::new();
    CURRENT
        .get_or_init(|| Mutex::new(None))
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Starts (once) a thread that ends the process when an input runs past its
/// hang limit or the resident memory passes the limit, after saving the
/// input: a parser in an endless loop or allocating without bound never
/// returns to the loop's own checks.
fn start_watchdog() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let _ = std::thread::Builder::new().name("fuzz-watchdog".into()).spawn(|| {
            loop {
                std::thread::sleep(Duration::from_millis(100));
                let guard = in_flight();
                let Some(f) = guard.as_ref() else { continue };
                let hung = f.started.elapsed() > f.hang;
                let rss = read_status_kib("VmRSS:").unwrap_or(0);
                if hung || rss > f.memory_limit_kib {
                    let what = if hung {
                        format!("still running after {} s", f.hang.as_secs())
                    } else {
                        format!("resident memory {} MiB", rss / 1024)
                    };
                    let saved = save(&f.hang_file, &f.input);
                    eprintln!(
                        "FINDING [{}] {what}; input saved to {}",
                        f.target,
                        saved
                            .as_deref()
                            .map_or("(not saved)".into(), |p| p.display().to_string())
                    );
                    std::process::exit(3);
                }
            }
        });
    });
}

/// A field of /proc/self/status in KiB (`VmHWM:`, `VmRSS:`); `None` off Linux.
pub fn read_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..].trim().trim_end_matches("kB").trim().parse().ok()
}

/// Resets the peak resident set size (Linux 4.0+); false where it cannot.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// What one input did, for `--replay`.
#[derive(Clone, Debug)]
pub struct Replay {
    /// The outcome text, or `None` when the call itself panicked.
    pub outcome: Option<String>,
    /// Every panic recorded, contained ones included (`message at file:line:col`).
    pub panics: Vec<String>,
    /// Panics outside the target's contained locations.
    pub escaped: usize,
    pub took: Duration,
}

/// Runs one input through `target` with the same panic recording as a run.
pub fn replay(target: &Target, input: &[u8]) -> Replay {
    install_hook();
    panics().clear();
    let began = Instant::now();
    let outcome = recorded_call(target, input).ok();
    let took = began.elapsed();
    let recorded = std::mem::take(&mut *panics());
    let escaped = recorded
        .iter()
        .filter(|p| !target.contained.iter().any(|c| p.location.contains(c)))
        .count();
    Replay {
        outcome,
        panics: recorded
            .iter()
            .map(|p| format!("{} at {}", p.message, p.location))
            .collect(),
        escaped,
        took,
    }
}

/// Corpus entries of `target`, sorted by file name.
pub fn load_corpus(dir: &Path, target: &str) -> std::io::Result<Vec<Vec<u8>>> {
    let folder = dir.join("corpus").join(target);
    let mut names: Vec<PathBuf> = std::fs::read_dir(&folder)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    names.sort();
    names.iter().map(std::fs::read).collect()
}

/// Writes `input` to `path` (making the folder); the path, if written.
fn save(path: &Path, input: &[u8]) -> Option<PathBuf> {
    std::fs::create_dir_all(path.parent()?).ok()?;
    std::fs::write(path, input).ok()?;
    Some(path.to_path_buf())
}

/// The seed of one target: the run's seed mixed with the target's name, so
/// `--target X --seed S` replays exactly what the full run did for X.
pub fn target_seed(seed: u64, name: &str) -> u64 {
    seed ^ fnv(name.as_bytes())
}

/// Runs one target: every corpus entry once, then generated inputs until
/// the time or iteration budget is spent.
pub fn run_target(target: &'static Target, options: &Options) -> std::io::Result<TargetReport> {
    install_hook();
    start_watchdog();
    let corpus = load_corpus(&options.dir, target.name)?;
    let seed = target_seed(options.seed, target.name);
    let mut rng = StdRng::seed_from_u64(seed);
    let dict = dictionary(target);
    let zip = matches!(target.shape, mutate::Shape::Zip(_));
    let crash_dir = options.dir.join("crashes").join(target.name);
    reset_peak_rss();

    let mut report = TargetReport {
        name: target.name,
        seed: options.seed,
        corpus: corpus.len(),
        execs: 0,
        elapsed: Duration::ZERO,
        outcomes: 0,
        pool: 0,
        slowest: Duration::ZERO,
        peak_rss_kib: None,
        contained: 0,
        contained_example: None,
        findings: Vec::new(),
    };
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut pool: Vec<Vec<u8>> = Vec::new();
    let mut reported: HashSet<String> = HashSet::new();
    // One call before the clock starts: targets build lazy state (scanners,
    // configurations) on first use, which is not the input's cost.
    if let Some(first) = corpus.first() {
        let _ = recorded_call(target, first);
        panics().clear();
    }
    let start = Instant::now();
    let mut iteration = 0u64;
    let mut queue = corpus.iter();

    loop {
        let from_corpus = queue.next();
        let input: Arc<Vec<u8>> = match from_corpus {
            Some(entry) => Arc::new(entry.clone()),
            None => {
                if options.iterations.is_some_and(|n| iteration >= n) || start.elapsed() >= options.per_target {
                    break;
                }
                iteration += 1;
                let sources: &[Vec<u8>] = if pool.is_empty() || rng.gen_bool(0.3) {
                    &corpus
                } else {
                    &pool
                };
                if sources.is_empty() {
                    break;
                }
                let base = &sources[rng.gen_range(0..sources.len())];
                let others = if rng.gen_bool(0.5) { &corpus } else { &pool };
                Arc::new(mutate::mutate(&mut rng, base, others, zip, &dict, target.max_len))
            }
        };
        if options.trace {
            save(&crash_dir.join("last-input.bin"), &input);
        }
        *in_flight() = Some(InFlight {
            target: target.name,
            started: Instant::now(),
            input: Arc::clone(&input),
            hang_file: crash_dir.join(format!("hang-{:016x}.bin", fnv(&input))),
            hang: options.hang,
            memory_limit_kib: options.memory_limit_kib,
        });
        panics().clear();
        let began = Instant::now();
        let result = recorded_call(target, &input);
        let took = began.elapsed();
        *in_flight() = None;
        report.execs += 1;
        report.slowest = report.slowest.max(took);

        let recorded: Vec<PanicRecord> = std::mem::take(&mut *panics());
        let (contained, escaped): (Vec<_>, Vec<_>) = recorded
            .into_iter()
            .partition(|p| target.contained.iter().any(|c| p.location.contains(c)));
        if !contained.is_empty() && escaped.is_empty() && result.is_ok() {
            report.contained += 1;
            if report.contained_example.is_none() {
                report.contained_example = Some(format!("{} at {}", contained[0].message, contained[0].location));
            }
        }
        let mut finding = |kind: FindingKind, key: String, message: String| {
            if !reported.insert(key) || report.findings.len() >= 50 {
                return;
            }
            let file = save(
                &crash_dir.join(format!("{}-{:016x}.bin", kind.as_str(), fnv(&input))),
                &input,
            );
            if options.verbose {
                eprintln!(
                    "FINDING [{}] {}: {message} (iteration {iteration}, input {})",
                    target.name,
                    kind.as_str(),
                    file.as_deref()
                        .map_or("(not saved)".into(), |p| p.display().to_string())
                );
            }
            report.findings.push(Finding {
                kind,
                message,
                file,
                iteration: if from_corpus.is_some() { 0 } else { iteration },
            });
        };
        if let Some(p) = escaped.first() {
            finding(
                FindingKind::Panic,
                p.location.clone(),
                format!("{} at {}", p.message, p.location),
            );
        } else if result.is_err() {
            finding(FindingKind::Panic, "unknown".into(), "panic without a record".into());
        }
        if took > options.slow {
            finding(
                FindingKind::Slow,
                format!("slow-{:x}", fnv(&input) % 4),
                format!("took {} ms", took.as_millis()),
            );
        }
        if let Some(rss) = read_status_kib("VmHWM:")
            && rss > options.memory_limit_kib
        {
            finding(
                FindingKind::Memory,
                "memory".into(),
                format!("peak RSS {} MiB", rss / 1024),
            );
            reset_peak_rss();
        }

        if let Ok(outcome) = result {
            let count = seen.entry(outcome).or_insert(0);
            *count += 1;
            // A new outcome: keep the input to mutate further.
            if *count == 1 && from_corpus.is_none() && pool.len() < 512 {
                pool.push(input.to_vec());
            }
        }
    }
    report.elapsed = start.elapsed();
    report.outcomes = seen.len();
    report.pool = pool.len();
    report.peak_rss_kib = read_status_kib("VmHWM:");
    Ok(report)
}

/// Runs `targets` one after another on a thread with a 2 MiB stack (what
/// the server's worker threads have), so deep recursion shows as it would
/// in production.
pub fn run_all(targets: &[&'static Target], options: &Options) -> std::io::Result<Vec<TargetReport>> {
    let targets = targets.to_vec();
    let options = options.clone();
    std::thread::Builder::new()
        .name("fuzz".into())
        .stack_size(2 << 20)
        .spawn(move || -> std::io::Result<Vec<TargetReport>> {
            let mut reports = Vec::new();
            for t in targets {
                let report = run_target(t, &options)?;
                println!("{}", report.line());
                reports.push(report);
            }
            Ok(reports)
        })?
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("the fuzz thread panicked outside a target")))
}
