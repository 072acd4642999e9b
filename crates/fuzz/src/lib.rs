//! Fuzzing on stable Rust for every parser that reads outside input:
//! catalogue YAML, OSCAL JSON, CISO Assistant YAML, the answers workbook,
//! the scanner's text/CSV/JSON Lines/.docx/.xlsx readers, pseudonymisation
//! input and configuration, re-identification mappings, risk input and the
//! identifier parsers.
//!
//! Why an in-tree harness and not cargo-fuzz: cargo-fuzz needs nightly and
//! libFuzzer, CI builds with stable only. This crate mutates the committed
//! corpus (`fuzz/corpus/<target>/`) with a seeded RNG — byte flips,
//! insertions, deletions, splicing, dictionary tokens, and for zip-based
//! formats mutation of one inner XML part followed by re-zipping, or damage
//! to the archive itself — and calls the parser inside `catch_unwind`. It has
//! no coverage instrumentation; instead an input whose outcome (diagnostic
//! codes, row counts …) was not seen before is kept for further mutation.
//!
//! Why a separate binary (`etterlev-fuzz`) and not an `etterlev fuzz`
//! subcommand: the shipped binary should not carry a test tool, and a
//! separate workspace member is built only when asked for (`cargo run -p
//! etterlev-fuzz`, or `cargo test --workspace`), never by `cargo build`.
//!
//! A finding is any panic (on any thread, recorded by a panic hook, unless
//! the target declares it contained by design), an input taking longer than
//! the slow limit, or the resident memory passing the limit. The input is
//! written to `fuzz/crashes/<target>/`; `--replay FILE` runs it again. A
//! watchdog thread saves the input and ends the process on a hang.

pub mod mutate;
pub mod run;
pub mod targets;

pub use run::{Options, TargetReport, run_all, run_target};
pub use targets::{TARGETS, Target, by_name};

/// The repository's `fuzz/` folder (corpus and crashes), as built.
pub fn default_dir() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    dir.canonicalize().unwrap_or(dir)
}
