//! `etterlev-fuzz`: runs the fuzz targets for a time budget.
//!
//! ```text
//! etterlev-fuzz [--seconds N | --seconds-per-target N] [--iterations N]
//!               [--seed S] [--target NAME]... [--dir DIR] [--slow-ms N]
//!               [--trace] [--verbose] [--list] [--replay FILE --target NAME]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use etterlev_fuzz::{Options, TARGETS, Target, by_name, run_all};

const USAGE: &str = "usage: etterlev-fuzz [--seconds N | --seconds-per-target N] [--iterations N] [--seed S]
                     [--target NAME]... [--dir DIR] [--slow-ms N] [--memory-mib N] [--trace] [--verbose]
       etterlev-fuzz --list
       etterlev-fuzz --replay FILE --target NAME

  --seconds N             total time, shared equally by the targets (default 60)
  --seconds-per-target N  time for each target instead
  --iterations N          stop each target after N generated inputs
  --seed S                RNG seed (default: from the clock; printed, pass it to replay)
  --target NAME           run only this target (repeatable; see --list)
  --dir DIR               folder with corpus/ and crashes/ (default: the repository's fuzz/)
  --slow-ms N             an input taking longer is a finding (default 2000)
  --memory-mib N          resident memory above this is a finding (default 2048)
  --trace                 write each input to crashes/<target>/last-input.bin before running it
  --verbose               print findings as they happen
  --replay FILE           run one saved input through --target and report what happens";

struct Args {
    total: Option<f64>,
    per_target: Option<f64>,
    iterations: Option<u64>,
    seed: Option<u64>,
    targets: Vec<&'static Target>,
    dir: Option<PathBuf>,
    slow_ms: Option<u64>,
    memory_mib: Option<u64>,
    trace: bool,
    verbose: bool,
    list: bool,
    replay: Option<PathBuf>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args {
        total: None,
        per_target: None,
        iterations: None,
        seed: None,
        targets: Vec::new(),
        dir: None,
        slow_ms: None,
        memory_mib: None,
        trace: false,
        verbose: false,
        list: false,
        replay: None,
    };
    fn value<T: std::str::FromStr>(flag: &str, v: Option<String>) -> Result<T, String> {
        let v = v.ok_or_else(|| format!("{flag} needs a value"))?;
        v.parse().map_err(|_| format!("{flag}: cannot read {v:?}"))
    }
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => a.total = Some(value(&arg, args.next())?),
            "--seconds-per-target" => a.per_target = Some(value(&arg, args.next())?),
            "--iterations" => a.iterations = Some(value(&arg, args.next())?),
            "--seed" => a.seed = Some(value(&arg, args.next())?),
            "--dir" => a.dir = Some(value(&arg, args.next())?),
            "--slow-ms" => a.slow_ms = Some(value(&arg, args.next())?),
            "--memory-mib" => a.memory_mib = Some(value(&arg, args.next())?),
            "--replay" => a.replay = Some(value(&arg, args.next())?),
            "--target" => {
                let name: String = value(&arg, args.next())?;
                for n in name.split(',') {
                    a.targets
                        .push(by_name(n).ok_or_else(|| format!("no target {n:?} (see --list)"))?);
                }
            }
            "--trace" => a.trace = true,
            "--verbose" => a.verbose = true,
            "--list" => a.list = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    for s in [a.total, a.per_target].into_iter().flatten() {
        if !(s.is_finite() && (0.0..=1e7).contains(&s)) {
            return Err(format!("{s} is not a usable number of seconds"));
        }
    }
    Ok(a)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if args.list {
        for t in TARGETS {
            println!("{}", t.name);
        }
        return ExitCode::SUCCESS;
    }
    let dir = args.dir.clone().unwrap_or_else(etterlev_fuzz::default_dir);
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    let targets: Vec<&'static Target> = if args.targets.is_empty() {
        TARGETS.iter().collect()
    } else {
        args.targets.clone()
    };
    let mut options = Options::new(dir.clone(), seed);
    options.per_target = Duration::from_secs_f64(
        args.per_target
            .unwrap_or_else(|| args.total.unwrap_or(60.0) / targets.len() as f64),
    );
    options.iterations = args.iterations;
    options.trace = args.trace;
    options.verbose = args.verbose;
    if let Some(ms) = args.slow_ms {
        options.slow = Duration::from_millis(ms);
    }
    if let Some(mib) = args.memory_mib {
        options.memory_limit_kib = mib.saturating_mul(1024);
    }

    if let Some(file) = &args.replay {
        let [target] = targets.as_slice() else {
            eprintln!("error: --replay needs exactly one --target");
            return ExitCode::from(2);
        };
        return replay(target, file, &options);
    }

    println!(
        "fuzzing {} targets, {:.1} s each, seed {seed} (replay: --seed {seed} --target NAME), corpus {}",
        targets.len(),
        options.per_target.as_secs_f64(),
        dir.display()
    );
    let reports = match run_all(&targets, &options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let findings: usize = reports.iter().map(|r| r.findings.len()).sum();
    let execs: u64 = reports.iter().map(|r| r.execs).sum();
    for r in &reports {
        if let Some(example) = &r.contained_example {
            println!(
                "{}: {} panics caught inside the parser by design, e.g. {example}",
                r.name, r.contained
            );
        }
        for f in &r.findings {
            println!(
                "FINDING {} {:?} (iteration {}): {}\n  input: {}\n  replay: etterlev-fuzz --replay {} --target {}",
                r.name,
                f.kind,
                f.iteration,
                f.message,
                f.file
                    .as_deref()
                    .map_or("(not saved)".into(), |p| p.display().to_string()),
                f.file.as_deref().map_or("FILE".into(), |p| p.display().to_string()),
                r.name,
            );
        }
    }
    println!(
        "{execs} executions, {findings} findings, peak RSS {} MiB, seed {seed}",
        etterlev_fuzz::run::read_status_kib("VmHWM:").map_or("?".into(), |k| (k / 1024).to_string())
    );
    if findings > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs one saved input (corpus folder replaced by the file itself).
fn replay(target: &'static Target, file: &std::path::Path, options: &Options) -> ExitCode {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let r = etterlev_fuzz::run::replay(target, &bytes);
    for p in &r.panics {
        println!("panic: {p}");
    }
    println!(
        "{}: {} ms, {} panics ({} outside contained locations), outcome: {}",
        target.name,
        r.took.as_millis(),
        r.panics.len(),
        r.escaped,
        r.outcome.as_deref().unwrap_or("(the call panicked)")
    );
    if r.escaped > 0 || r.outcome.is_none() || r.took > options.slow {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
