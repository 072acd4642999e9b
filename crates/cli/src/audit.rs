//! `etterlev audit …`: verify the log, sign checkpoints, make a signing key;
//! and the periodic checkpoints of `etterlev serve`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use etterlev_core::{AuditPublicKey, AuditSigningKey, Checkpoint};
use etterlev_store::{CheckpointRun, Store};

use crate::DbArgs;

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Check every hash chain and, given the public key, every signed checkpoint
    /// (in the database and the witness file); exits with 1 if the log was
    /// edited, cut short, re-ordered or re-hashed.
    Verify {
        /// Public key of the checkpoint signing key (64 hexadecimal digits, as
        /// printed by `audit keygen`). Repeat (or separate with commas) for keys
        /// used before a key change.
        #[arg(long, env = "ETTERLEV_AUDIT_PUBLIC_KEY", value_delimiter = ',')]
        public_key: Vec<String>,
        /// Take the public key from the signing key file instead.
        #[arg(long, env = "ETTERLEV_AUDIT_KEY_FILE")]
        key_file: Option<PathBuf>,
        /// A witness file of checkpoints (one JSON line each) to check the log against.
        #[arg(long, env = "ETTERLEV_AUDIT_WITNESS_FILE")]
        witness_file: Option<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Sign a checkpoint of every chain with new entries, after checking them;
    /// exits with 1 if a chain looks tampered with (it is then not signed).
    Checkpoint {
        /// The signing key file (made by `audit keygen`). Keep it off the database host.
        #[arg(long, env = "ETTERLEV_AUDIT_KEY_FILE")]
        key_file: PathBuf,
        /// Also append each new checkpoint as one JSON line to this file
        /// (best on another machine or append-only storage).
        #[arg(long, env = "ETTERLEV_AUDIT_WITNESS_FILE")]
        witness_file: Option<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Make a new checkpoint signing key (Ed25519) in a file readable only by
    /// its owner, and print its public key.
    Keygen {
        /// The key file to write; must not exist.
        #[arg(long)]
        out: PathBuf,
    },
}

pub async fn run(cmd: AuditCmd) -> Result<ExitCode> {
    match cmd {
        AuditCmd::Verify {
            public_key,
            key_file,
            witness_file,
            db,
        } => verify(&public_key, key_file.as_deref(), witness_file.as_deref(), &db).await,
        AuditCmd::Checkpoint {
            key_file,
            witness_file,
            db,
        } => {
            let key = load_key(&key_file)?;
            let store = crate::open(&db).await?;
            let run = checkpoint(&store, &key, witness_file.as_deref()).await?;
            for cp in &run.written {
                println!("checkpoint: chain {} at entry {}", cp.chain, cp.seq);
            }
            println!(
                "{} checkpoints written with key {}, {} chains unchanged since their last checkpoint{}",
                run.written.len(),
                key.public().key_id(),
                run.unchanged,
                witness_file
                    .as_deref()
                    .map(|w| format!("; witnessed in {}", w.display()))
                    .unwrap_or_default()
            );
            if run.refused.is_empty() {
                Ok(ExitCode::SUCCESS)
            } else {
                for r in &run.refused {
                    println!("TAMPERED (not signed): {r}");
                }
                println!("run `etterlev audit verify` with the public key to see everything that is wrong");
                Ok(ExitCode::from(1))
            }
        }
        AuditCmd::Keygen { out } => {
            keygen(&out)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn verify(
    public_keys: &[String],
    key_file: Option<&Path>,
    witness_file: Option<&Path>,
    db: &DbArgs,
) -> Result<ExitCode> {
    let mut keys = Vec::new();
    for k in public_keys.iter().filter(|k| !k.trim().is_empty()) {
        keys.push(AuditPublicKey::parse(k).with_context(|| format!("public key {:?}", k.trim()))?);
    }
    if let Some(path) = key_file {
        keys.push(load_key(path)?.public());
    }
    let witness = match (witness_file, keys.is_empty()) {
        (Some(path), false) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the witness file {}", path.display()))?,
        ),
        _ => None,
    };
    let store = crate::open(db).await?;
    let report = store.audit_verify_signed(&keys, witness.as_deref()).await?;
    for e in &report.errors {
        println!("TAMPERED: {e}");
    }
    for e in &report.checkpoint_errors {
        println!("TAMPERED: {e}");
    }
    if report.checkpoints_checked {
        let ids: Vec<String> = keys.iter().map(AuditPublicKey::key_id).collect();
        println!(
            "checkpoints checked with key {}: {} in the database{}",
            ids.join(", "),
            report.checkpoints_in_db,
            match witness_file {
                Some(w) => format!(", {} in the witness file {}", report.witness_checkpoints, w.display()),
                None => ", no witness file given".into(),
            }
        );
        if report.checkpoints_in_db == 0 && report.witness_checkpoints == 0 {
            println!("warning: there are no checkpoints yet; run `etterlev audit checkpoint` (or serve with a key)");
        }
        if report.uncovered_entries > 0 {
            println!(
                "note: {} entries were written after the latest checkpoint of their chain and are protected by the hash chain only",
                report.uncovered_entries
            );
        }
    } else {
        println!(
            "checkpoints NOT checked: no public key given (--public-key, or --key-file / ETTERLEV_AUDIT_KEY_FILE){}. \
             Only the hash chains were checked, which someone with write access to the database can rewrite undetected.",
            if report.checkpoints_in_db > 0 {
                format!(
                    "; {} signed checkpoints in the database were not verified",
                    report.checkpoints_in_db
                )
            } else {
                String::new()
            }
        );
        if witness_file.is_some() {
            println!("the witness file was NOT checked either: it needs the public key");
        }
    }
    if report.is_intact() {
        println!(
            "audit log intact: {} chains, {} entries{}",
            report.chains,
            report.entries,
            if report.checkpoints_checked {
                ", signed checkpoints agree"
            } else {
                " (hash chains only)"
            }
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "audit log verification FAILED: {} problems with the hash chains, {} with signed checkpoints ({} chains)",
            report.errors.len(),
            report.checkpoint_errors.len(),
            report.chains
        );
        Ok(ExitCode::from(1))
    }
}

/// Reads a signing key file. Warns when others than the owner may read it.
pub fn load_key(path: &Path) -> Result<AuditSigningKey> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read the audit key file {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                "the audit key file {} can be read by others than its owner; chmod 600 it",
                path.display()
            );
        }
    }
    AuditSigningKey::parse(&text).with_context(|| format!("the audit key file {}", path.display()))
}

fn keygen(out: &Path) -> Result<()> {
    use rand::RngCore;
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    let key = AuditSigningKey::from_seed(&seed);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(out).with_context(|| {
        if out.exists() {
            format!(
                "{} exists; choose another file (a key is never overwritten)",
                out.display()
            )
        } else {
            format!("cannot create {}", out.display())
        }
    })?;
    file.write_all(key.to_file_text().as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", out.display()))?;
    let public = key.public();
    println!(
        "audit signing key written to {} (readable by its owner only)",
        out.display()
    );
    println!("public key: {public}");
    println!("key id: {}", public.key_id());
    println!(
        "Keep the key file away from the database host and its backups. Check the log with\n  \
         etterlev audit verify --public-key {public}"
    );
    Ok(())
}

/// Signs checkpoints of every chain with new entries, then appends the new
/// ones to the witness file. The database comes first: a witness line always
/// has its row, so a line without one means rows were deleted.
pub async fn checkpoint(store: &Store, key: &AuditSigningKey, witness: Option<&Path>) -> Result<CheckpointRun> {
    let run = store.audit_checkpoint(key).await?;
    if let Some(path) = witness
        && !run.written.is_empty()
    {
        append_witness(path, &run.written)
            .await
            .with_context(|| format!("appending to the witness file {}", path.display()))?;
    }
    Ok(run)
}

async fn append_witness(path: &Path, checkpoints: &[Checkpoint]) -> Result<()> {
    let mut text = String::new();
    for cp in checkpoints {
        text.push_str(&cp.to_witness_line());
        text.push('\n');
    }
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&path)?;
        file.write_all(text.as_bytes())?;
        file.sync_data()
    })
    .await??;
    Ok(())
}

/// The periodic checkpoints of `etterlev serve`: one at start, then every
/// `every`. Failures are logged and retried at the next tick.
pub fn spawn_periodic(
    store: Store,
    key: std::sync::Arc<AuditSigningKey>,
    witness: Option<PathBuf>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            log_run(checkpoint(&store, &key, witness.as_deref()).await);
        }
    })
}

/// Logs what a checkpoint run of the server did.
pub fn log_run(run: Result<CheckpointRun>) {
    match run {
        Ok(run) => {
            for r in &run.refused {
                tracing::error!("audit log tampering suspected, chain not checkpointed: {r}");
            }
            if !run.written.is_empty() {
                tracing::info!(
                    written = run.written.len(),
                    unchanged = run.unchanged,
                    "audit checkpoints signed"
                );
            }
        }
        Err(e) => tracing::error!("audit checkpoint failed: {e:#}"),
    }
}

/// Checks a witness path can be appended to before the server starts.
pub fn check_witness_writable(path: &Path) -> Result<()> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open the witness file {} for appending", path.display()))?;
    Ok(())
}

/// Refuses a checkpoint interval outside 1 minute to 1 week.
pub fn checkpoint_interval(minutes: u64) -> Result<Duration> {
    if !(1..=7 * 24 * 60).contains(&minutes) {
        bail!("--audit-checkpoint-minutes must be between 1 and 10080 (one week), not {minutes}");
    }
    Ok(Duration::from_secs(minutes * 60))
}
