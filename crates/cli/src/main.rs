//! `etterlev`: the one command of the platform (server, set-up and operations).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use etterlev_core::{OrgNumber, Role, SizeClass, TenantKind};
use etterlev_store::{Actor, NewTenant, NewUser, SetupPurpose, Store};

mod audit;
mod catalog;
mod testdata;

#[derive(Parser)]
#[command(
    name = "etterlev",
    version,
    about = "Compliance with Normen, NIS2 and GDPR for the Norwegian health and care sector",
    long_about = "etterlev: information-security and privacy compliance for the Norwegian health and care sector.\n\n\
Start with `etterlev serve --demo` to try it with demo data on an embedded SQLite database."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Database URL: `sqlite:PATH` or `postgres://USER@HOST:PORT/DB`. Default: an SQLite file in the data directory.
    #[arg(long, env = "ETTERLEV_DB", global = true)]
    db: Option<String>,
    /// Directory for the embedded SQLite database (created on first start).
    #[arg(long, env = "ETTERLEV_DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (HTML pages, REST API, /healthz, /metrics).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage tenants (enterprises).
    #[command(subcommand)]
    Tenant(TenantCmd),
    /// Manage users.
    #[command(subcommand)]
    User(UserCmd),
    /// Write a consistent copy of the SQLite database while the server runs.
    /// For PostgreSQL use pg_dump (see README).
    Backup {
        /// The file to write; must not exist.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Replace the SQLite database with a backup. Stop the server first.
    Restore {
        /// A file written by `etterlev backup`.
        #[arg(long)]
        from: PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Audit log operations.
    #[command(subcommand)]
    Audit(audit::AuditCmd),
    /// Print the current TOTP code of the demo administrator.
    DemoCode,
    /// Requirement catalogues: check, diff, import, export (docx, xlsx, html, OSCAL).
    #[command(subcommand)]
    Catalog(catalog::CatalogCmd),
    /// Test data without real people: synthetic persons, pseudonymisation,
    /// a scanner for personal data, re-identification risk, identifier checks.
    #[command(subcommand)]
    Testdata(testdata::TestdataCmd),
}

#[derive(Args)]
struct ServeArgs {
    /// Create demo enterprises and users (logins are printed at start).
    #[arg(long)]
    demo: bool,
    /// Address to listen on.
    #[arg(long, env = "ETTERLEV_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// The URL users reach the app on (links, cookies, OIDC redirect). Default: http://LISTEN/.
    #[arg(long, env = "ETTERLEV_PUBLIC_URL")]
    public_url: Option<String>,
    /// OpenID Connect issuer URL (e.g. HelseID or Entra ID), enabling OIDC sign-in.
    #[arg(long, env = "ETTERLEV_OIDC_ISSUER")]
    oidc_issuer: Option<String>,
    #[arg(long, env = "ETTERLEV_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    oidc_client_id: Option<String>,
    #[arg(long, env = "ETTERLEV_OIDC_CLIENT_SECRET", hide_env_values = true)]
    oidc_client_secret: Option<String>,
    /// Name of the provider on the login button.
    #[arg(long, env = "ETTERLEV_OIDC_NAME", default_value = "HelseID")]
    oidc_name: String,
    /// Audit checkpoint signing key (made by `etterlev audit keygen`). With it the
    /// server signs a checkpoint of every audit chain at start, every
    /// --audit-checkpoint-minutes and at shutdown. Keep it off the database host.
    #[arg(long, env = "ETTERLEV_AUDIT_KEY_FILE")]
    audit_key_file: Option<PathBuf>,
    /// Minutes between signed audit checkpoints (1 to 10080).
    #[arg(long, env = "ETTERLEV_AUDIT_CHECKPOINT_MINUTES", default_value_t = 60)]
    audit_checkpoint_minutes: u64,
    /// Append every checkpoint as one JSON line to this file (best on another
    /// machine or append-only storage).
    #[arg(long, env = "ETTERLEV_AUDIT_WITNESS_FILE", requires = "audit_key_file")]
    audit_witness_file: Option<PathBuf>,
    /// SMTP server for the daily reminder e-mail, e.g. `smtp://relay:25`,
    /// `smtp://user:password@host:587?tls=required` or
    /// `smtps://user:password@host:465`. Without it no e-mail is sent.
    #[arg(long, env = "ETTERLEV_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Sender of the reminder e-mail.
    #[arg(long, env = "ETTERLEV_SMTP_FROM", default_value = "etterlev <etterlev@localhost>")]
    smtp_from: String,
    /// Reverse proxies whose forwarding header names the client, as a
    /// comma-separated list of addresses and CIDR networks (e.g.
    /// `10.0.0.2,fd00::/8`). Without it the forwarding headers are ignored.
    #[arg(long, env = "ETTERLEV_TRUSTED_PROXIES", value_name = "LIST")]
    trusted_proxies: Option<String>,
    /// The header the trusted proxies add the client's address to.
    #[arg(
        long,
        env = "ETTERLEV_PROXY_HEADER",
        default_value = "x-forwarded-for",
        value_parser = ["x-forwarded-for", "forwarded"],
        ignore_case = true
    )]
    proxy_header: String,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Subcommand)]
enum TenantCmd {
    /// Add an enterprise.
    Add {
        #[arg(long)]
        name: String,
        /// Nine digits with a valid mod-11 check digit.
        #[arg(long)]
        org_number: String,
        /// hospital_trust, municipality, gp_office, dentist, pharmacy, physiotherapist, other_health_provider or supplier.
        #[arg(long)]
        kind: String,
        /// micro (<10 staff), small (<50), medium (<250) or large.
        #[arg(long)]
        size: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a user; prints a one-time link to choose a password unless --password-stdin is given.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Organisation number of the enterprise to join.
        #[arg(long, requires = "role")]
        tenant: Option<String>,
        /// admin, editor, reader or auditor.
        #[arg(long)]
        role: Option<String>,
        /// Sector-level secretariat role (for the Normen secretariat).
        #[arg(long)]
        secretariat: bool,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Base URL for the printed set-up link.
        #[arg(long, env = "ETTERLEV_PUBLIC_URL", default_value = "http://127.0.0.1:8080/")]
        public_url: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Make a personal API token for a user and print it (shown only this once).
    Token {
        #[arg(long)]
        email: String,
        /// A name to recognise the token by under My account.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days the token is valid (1–365).
        #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(i64).range(1..=365))]
        days: i64,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set a user's password (read from standard input). Ends the user's sessions.
    Passwd {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn main() -> ExitCode {
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("ETTERLEV_LOG").unwrap_or_else(|_| "info,sqlx=warn".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Catalog(cmd) => catalog::run(cmd).await,
        Command::Testdata(cmd) => testdata::run(cmd),
        Command::Migrate { db } => {
            let store = open(&db).await?;
            println!("migrations applied ({})", store.backend_name());
            Ok(ExitCode::SUCCESS)
        }
        Command::Tenant(TenantCmd::Add {
            name,
            org_number,
            kind,
            size,
            db,
        }) => {
            let new = NewTenant {
                name: etterlev_core::text::one_line("name", &name, 200)?,
                org_number: OrgNumber::parse(&org_number)
                    .with_context(|| format!("organisation number {org_number:?}"))?,
                kind: TenantKind::parse(&kind).with_context(|| format!("unknown kind {kind:?}; see --help"))?,
                size_class: SizeClass::parse(&size).with_context(|| format!("unknown size {size:?}; see --help"))?,
            };
            let store = open(&db).await?;
            let t = store.create_tenant(&Actor::cli(), &new).await?;
            println!("tenant {} created: {} ({})", t.id, t.name, new.org_number);
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCmd::Add {
            email,
            name,
            tenant,
            role,
            secretariat,
            password_stdin,
            public_url,
            db,
        }) => {
            let email = etterlev_core::text::email(&email).context("e-mail address")?;
            let name = etterlev_core::text::one_line("name", &name, 200)?;
            let membership = match (tenant, role) {
                (Some(t), Some(r)) => Some((
                    OrgNumber::parse(&t).with_context(|| format!("organisation number {t:?}"))?,
                    Role::parse(&r)
                        .with_context(|| format!("unknown role {r:?}; use admin, editor, reader or auditor"))?,
                )),
                _ => None,
            };
            let password_hash = if password_stdin {
                let pw = read_password(&email)?;
                Some(etterlev_auth::hash_password(&pw)?)
            } else {
                None
            };
            let store = open(&db).await?;
            let tenant = match &membership {
                Some((org, _)) => Some(
                    store
                        .tenant_by_org(org)
                        .await?
                        .with_context(|| format!("no tenant with organisation number {org}"))?,
                ),
                None => None,
            };
            let has_password = password_hash.is_some();
            let user = store
                .create_user(
                    &Actor::cli(),
                    &NewUser {
                        email,
                        display_name: name,
                        password_hash,
                        is_secretariat: secretariat,
                    },
                )
                .await?;
            if let (Some(t), Some((_, role))) = (tenant, membership) {
                store.add_membership(&Actor::cli(), &t.id, &user.id, role).await?;
                println!("user {} added to {} as {}", user.email, t.name, role);
            } else {
                println!("user {} created", user.email);
            }
            if !has_password {
                let link = setup_link(&store, SetupPurpose::SetPassword, Some(&user.id), &public_url).await?;
                println!("one-time link to choose a password (valid 7 days): {link}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCmd::Token { email, name, days, db }) => {
            let name = etterlev_core::text::one_line("name", &name, 100)?;
            let store = open(&db).await?;
            let user = store
                .user_by_email(&email.trim().to_lowercase())
                .await?
                .with_context(|| format!("no user {email}"))?;
            let token = etterlev_auth::new_token("etl_pat");
            let expires = etterlev_store::now_ms() + days * 24 * 3600 * 1000;
            store
                .create_api_token(&Actor::cli(), &user.id, &name, &token.hash, Some(expires))
                .await?;
            println!("{}", token.plaintext);
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCmd::Passwd { email, db }) => {
            let store = open(&db).await?;
            let user = store
                .user_by_email(&email.trim().to_lowercase())
                .await?
                .with_context(|| format!("no user {email}"))?;
            let pw = read_password(&user.email)?;
            let hash = etterlev_auth::hash_password(&pw)?;
            store.set_password(&Actor::cli(), &user.id, &hash, None).await?;
            println!("password changed for {}; their sessions were ended", user.email);
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { out, db } => {
            let store = open(&db).await?;
            store.backup_sqlite(&out).await?;
            println!("backup written to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { from, force, db } => {
            restore(&from, force, &db).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(cmd) => audit::run(cmd).await,
        Command::DemoCode => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_secs();
            println!(
                "{}",
                etterlev_auth::totp::code_at(etterlev_web::demo::TOTP_SECRET, now)?
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The database URL from the arguments, or the SQLite file in the data
/// directory (created, and checked to be writable, first).
fn database_url(db: &DbArgs) -> Result<String> {
    if let Some(url) = &db.db {
        return Ok(url.clone());
    }
    let dir = &db.data_dir;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"ok").with_context(|| format!("the data directory {} is not writable", dir.display()))?;
    let _ = std::fs::remove_file(&probe);
    let file = dir.join("etterlev.sqlite");
    Ok(format!("sqlite:{}", file.display()))
}

async fn open(db: &DbArgs) -> Result<Store> {
    let url = database_url(db)?;
    let store = Store::connect(&url).await?;
    store.migrate().await.context("applying database migrations")?;
    Ok(store)
}

fn read_password(email: &str) -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let pw = line.trim_end_matches(['\r', '\n']).to_string();
    etterlev_core::password::check(&pw, email).context("password rejected")?;
    Ok(pw)
}

async fn setup_link(store: &Store, purpose: SetupPurpose, user_id: Option<&str>, base: &str) -> Result<String> {
    let token = etterlev_auth::new_token("setup");
    let expires = etterlev_store::now_ms() + 7 * 24 * 3600 * 1000;
    store.create_setup_link(&token.hash, purpose, user_id, expires).await?;
    let base = url::Url::parse(base).context("public URL")?;
    Ok(base.join(&format!("setup/{}", token.plaintext))?.to_string())
}

async fn serve(args: ServeArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    // The audit key and witness are checked before anything else, so a
    // mistyped path stops the start instead of leaving the log unsigned.
    let every = audit::checkpoint_interval(args.audit_checkpoint_minutes)?;
    let audit_key = match &args.audit_key_file {
        Some(path) => Some(std::sync::Arc::new(audit::load_key(path)?)),
        None => None,
    };
    if let Some(w) = &args.audit_witness_file {
        audit::check_witness_writable(w)?;
    }
    let header: etterlev_web::client_addr::ProxyHeader = args.proxy_header.parse().context("--proxy-header")?;
    let trusted_proxies =
        etterlev_web::client_addr::TrustedProxies::parse(args.trusted_proxies.as_deref().unwrap_or(""), header)
            .context("--trusted-proxies")?;
    let mailer = match &args.smtp_url {
        Some(url) => Some(std::sync::Arc::new(
            etterlev_web::reminders::Mailer::new(url, &args.smtp_from).context("--smtp-url / --smtp-from")?,
        )),
        None => None,
    };
    let store = open(&args.db).await?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let local = listener.local_addr()?;
    let public = match &args.public_url {
        Some(u) => url::Url::parse(u).with_context(|| format!("public URL {u:?}"))?,
        None => url::Url::parse(&format!("http://{local}/"))?,
    };
    let mut config = etterlev_web::Config::new(public.clone());
    config.trusted_proxies = trusted_proxies;
    if let Some(issuer) = &args.oidc_issuer {
        let Some(client_id) = args.oidc_client_id.clone() else {
            bail!("--oidc-client-id is required with --oidc-issuer")
        };
        config.oidc = Some(etterlev_web::oidc::OidcConfig {
            issuer: issuer.clone(),
            client_id,
            client_secret: args.oidc_client_secret.clone(),
            display_name: args.oidc_name.clone(),
        });
    }
    let mut state = etterlev_web::AppState::new(store.clone(), config.clone());
    if let Some(oidc) = config.oidc.clone() {
        let provider = etterlev_web::oidc::Oidc::discover(oidc, &public).await?;
        state.oidc = Some(std::sync::Arc::new(provider));
    }
    if args.demo {
        etterlev_web::demo::seed(&store).await?;
        println!("{}", etterlev_web::demo::banner(&public));
    } else if store.has_no_users().await? {
        let link = setup_link(&store, SetupPurpose::FirstAdmin, None, public.as_str()).await?;
        println!(
            "\nNo users yet. Open this one-time link to create the first administrator (valid 7 days):\n  {link}\n"
        );
    }
    let checkpoints = match &audit_key {
        Some(key) => {
            println!(
                "audit checkpoints signed with key {} every {} min{}",
                key.public().key_id(),
                args.audit_checkpoint_minutes,
                args.audit_witness_file
                    .as_deref()
                    .map(|w| format!(", witnessed in {}", w.display()))
                    .unwrap_or_default()
            );
            Some(audit::spawn_periodic(
                store.clone(),
                key.clone(),
                args.audit_witness_file.clone(),
                every,
            ))
        }
        None => {
            tracing::warn!(
                "no audit key (--audit-key-file / ETTERLEV_AUDIT_KEY_FILE): the audit log is hash-chained but not signed"
            );
            None
        }
    };
    if mailer.is_none() {
        tracing::info!("no --smtp-url: reminders show on the dashboard and in the calendar feed, not by e-mail");
    }
    etterlev_web::reminders::spawn(store.clone(), mailer, public.clone());
    println!(
        "etterlev listening on {public} ({} database, ready in {} ms)",
        store.backend_name(),
        started.elapsed().as_millis()
    );
    let served = etterlev_web::serve(listener, state, shutdown_signal()).await;
    if let (Some(task), Some(key)) = (checkpoints, &audit_key) {
        task.abort();
        // One last checkpoint covers what was written since the last tick.
        audit::log_run(audit::checkpoint(&store, key, args.audit_witness_file.as_deref()).await);
    }
    served?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

/// Restores an SQLite backup: checks it is an etterlev database that passes
/// SQLite's integrity check, then swaps it in with a rename so a failure
/// leaves the old database untouched.
async fn restore(from: &Path, force: bool, db: &DbArgs) -> Result<()> {
    if db.db.as_deref().is_some_and(|u| u.starts_with("postgres")) {
        bail!("restore is for SQLite; for PostgreSQL use pg_restore or psql (see README)");
    }
    if !from.is_file() {
        bail!("backup file {} does not exist", from.display());
    }
    let url = database_url(db)?;
    let target = PathBuf::from(url.trim_start_matches("sqlite://").trim_start_matches("sqlite:"));
    if target.exists() && !force {
        bail!(
            "{} exists; stop the server and add --force to replace it",
            target.display()
        );
    }
    let check = Store::open_sqlite(from)
        .await
        .with_context(|| format!("{} is not a readable SQLite file", from.display()))?;
    let report = check
        .audit_verify()
        .await
        .with_context(|| format!("{} is not an etterlev database", from.display()))?;
    check.close().await;
    if !report.errors.is_empty() {
        bail!(
            "the backup's audit log is broken ({} chains); not restoring",
            report.errors.len()
        );
    }
    let tmp = target.with_extension("sqlite.restoring");
    std::fs::copy(from, &tmp).with_context(|| format!("copying to {}", tmp.display()))?;
    for ext in ["sqlite-wal", "sqlite-shm"] {
        let _ = std::fs::remove_file(target.with_extension(ext));
    }
    std::fs::rename(&tmp, &target).with_context(|| format!("replacing {}", target.display()))?;
    println!(
        "restored {} from {} ({} audit entries verified)",
        target.display(),
        from.display(),
        report.entries
    );
    Ok(())
}
