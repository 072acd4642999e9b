//! The [`Store`]: connection, migrations and the account-level operations.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use etterlev_core::Role;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::error::{Refusal, StoreError, StoreResult};
use crate::model::*;
use crate::{pg_q, sqlite_q};

/// Milliseconds since the Unix epoch (UTC): the time type of every table.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Handle to the database; cheap to clone (pools are shared).
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) backend: Backend,
    /// SQLite allows one writer at a time. Queuing write transactions here,
    /// in order, is much faster under load than letting them collide on the
    /// database lock, where SQLite's busy handler sleeps in whole
    /// milliseconds (a p99 of tens of ms at 50 concurrent writers).
    pub(crate) sqlite_writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// Runs `$body` with `$c` bound to a pooled connection of the right backend and
/// `$q` to that backend's query module.
macro_rules! with_conn {
    ($store:expr, $q:ident, $c:ident => $body:expr) => {
        match &$store.backend {
            Backend::Sqlite(pool) => {
                use crate::sqlite_q as $q;
                let mut conn = pool.acquire().await?;
                let $c: &mut sqlx::SqliteConnection = &mut conn;
                $body
            }
            Backend::Postgres(pool) => {
                use crate::pg_q as $q;
                let mut conn = pool.acquire().await?;
                let $c: &mut sqlx::PgConnection = &mut conn;
                $body
            }
        }
    };
}
pub(crate) use with_conn;

/// Like [`with_conn`], inside a transaction that commits only if `$body` is
/// `Ok`. SQLite transactions start with `BEGIN IMMEDIATE` so a writer takes the
/// write lock up front instead of failing to upgrade a read lock later.
macro_rules! in_tx {
    ($store:expr, $q:ident, $c:ident => $body:expr) => {
        match &$store.backend {
            Backend::Sqlite(pool) => {
                use crate::sqlite_q as $q;
                let _writer = $store.sqlite_writer.lock().await;
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let out = {
                    let $c: &mut sqlx::SqliteConnection = &mut tx;
                    $body
                };
                if out.is_ok() {
                    tx.commit().await?;
                }
                out
            }
            Backend::Postgres(pool) => {
                use crate::pg_q as $q;
                let mut tx = pool.begin().await?;
                let out = {
                    let $c: &mut sqlx::PgConnection = &mut tx;
                    $body
                };
                if out.is_ok() {
                    tx.commit().await?;
                }
                out
            }
        }
    };
}
pub(crate) use in_tx;

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

impl Store {
    /// Connects to `sqlite:PATH` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::connect_pg(pg_options(url)?).await
        } else if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err(StoreError::Connect(
                    "the SQLite URL has no file path (use sqlite:PATH)".into(),
                ));
            }
            Self::open_sqlite(Path::new(path.split('?').next().unwrap_or(path))).await
        } else {
            Err(StoreError::Connect(format!(
                "unsupported database URL {:?}: use sqlite:PATH or postgres://USER@HOST:PORT/DB",
                redact(url)
            )))
        }
    }

    /// Opens (creating if needed) an SQLite database file with WAL journaling.
    pub async fn open_sqlite(path: &Path) -> StoreResult<Store> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            // A local file cannot drop a connection; the liveness ping on
            // every acquire was a measurable share of a page view's CPU.
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Connect(format!("cannot open SQLite database {}: {e}", path.display())))?;
        Ok(Store {
            backend: Backend::Sqlite(pool),
            sqlite_writer: Default::default(),
        })
    }

    pub async fn connect_pg(opts: PgConnectOptions) -> StoreResult<Store> {
        // No liveness ping before each use: a page view is a round trip or
        // two, and a ping would add one; a broken connection fails the
        // statement instead, and sqlx still pings when it takes one back.
        let pool = PgPoolOptions::new()
            .test_before_acquire(false)
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Connect(format!("cannot connect to PostgreSQL: {e}")))?;
        Ok(Store {
            backend: Backend::Postgres(pool),
            sqlite_writer: Default::default(),
        })
    }

    /// Connects to PostgreSQL with every connection's `search_path` set to
    /// `schema`, creating the schema if needed. Lets test runs (and several
    /// installations) share one database without colliding.
    pub async fn connect_pg_schema(url: &str, schema: &str) -> StoreResult<Store> {
        if !schema.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || schema.is_empty() {
            return Err(StoreError::Invalid(Refusal::new(
                "refusal-schema-name",
                "schema names may use only letters, digits and _",
            )));
        }
        let base = pg_options(url)?;
        let admin = Self::connect_pg(base.clone()).await?;
        if let Backend::Postgres(pool) = &admin.backend {
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS {schema}")))
                .execute(pool)
                .await?;
            pool.close().await;
        }
        // The application name lets tooling (and test clean-up) find this
        // store's connections in pg_stat_activity.
        Self::connect_pg(base.options([("search_path", schema)]).application_name(schema)).await
    }

    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Applies pending migrations (embedded in the binary).
    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Backend::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(p) => p.close().await,
            Backend::Postgres(p) => p.close().await,
        }
    }

    pub async fn ping(&self) -> StoreResult<()> {
        with_conn!(self, q, c => q::ping(c).await)
    }

    // ------------------------------------------------------------ tenants and users

    /// True before the first user exists: the state in which a one-time set-up
    /// link for the first administrator is offered.
    pub async fn has_no_users(&self) -> StoreResult<bool> {
        with_conn!(self, q, c => q::count_users(c).await.map(|n| n == 0))
    }

    pub async fn create_tenant(&self, actor: &Actor, new: &NewTenant) -> StoreResult<Tenant> {
        let id = new_id();
        in_tx!(self, q, c => q::insert_tenant(c, actor, &id, new).await)
    }

    pub async fn tenant_by_org(&self, org: &etterlev_core::OrgNumber) -> StoreResult<Option<Tenant>> {
        with_conn!(self, q, c => q::tenant_by_org(c, org.as_str()).await)
    }

    pub async fn create_user(&self, actor: &Actor, new: &NewUser) -> StoreResult<User> {
        let id = new_id();
        in_tx!(self, q, c => q::insert_user(c, actor, &id, new).await)
    }

    /// Creates a tenant, its first administrator and the membership in one
    /// transaction: either all three exist afterwards or none does.
    pub async fn create_tenant_with_admin(
        &self,
        actor: &Actor,
        tenant: &NewTenant,
        admin: &NewUser,
    ) -> StoreResult<(Tenant, User)> {
        let (tid, uid) = (new_id(), new_id());
        in_tx!(self, q, c => {
            async {
                let t = q::insert_tenant(c, actor, &tid, tenant).await?;
                let u = q::insert_user(c, actor, &uid, admin).await?;
                q::insert_membership(c, actor, &t.id, &u.id, Role::Admin).await?;
                Ok((t, u))
            }.await
        })
    }

    /// Adds a membership outside any tenant scope: for the command line and
    /// set-up, where no signed-in admin exists yet.
    pub async fn add_membership(&self, actor: &Actor, tenant_id: &str, user_id: &str, role: Role) -> StoreResult<()> {
        in_tx!(self, q, c => q::insert_membership(c, actor, tenant_id, user_id, role).await)
    }

    pub async fn user_by_id(&self, id: &str) -> StoreResult<Option<User>> {
        with_conn!(self, q, c => q::user_by_id(c, id).await)
    }

    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        with_conn!(self, q, c => q::user_by_email(c, email).await)
    }

    pub async fn set_password(
        &self,
        actor: &Actor,
        user_id: &str,
        hash: &str,
        keep_session: Option<&str>,
    ) -> StoreResult<()> {
        in_tx!(self, q, c => q::set_password(c, actor, user_id, hash, keep_session).await)
    }

    pub async fn enable_totp(
        &self,
        actor: &Actor,
        user_id: &str,
        secret: &str,
        step: i64,
        recovery_hashes: &[String],
    ) -> StoreResult<()> {
        in_tx!(self, q, c => q::set_totp(c, actor, user_id, Some(secret), Some(step), recovery_hashes).await)
    }

    pub async fn disable_totp(&self, actor: &Actor, user_id: &str) -> StoreResult<()> {
        in_tx!(self, q, c => q::set_totp(c, actor, user_id, None, None, &[]).await)
    }

    pub async fn claim_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool> {
        in_tx!(self, q, c => q::claim_totp_step(c, user_id, step).await)
    }

    pub async fn totp_last_step(&self, user_id: &str) -> StoreResult<Option<i64>> {
        with_conn!(self, q, c => q::totp_last_step(c, user_id).await)
    }

    pub async fn use_recovery_code(&self, actor: &Actor, user_id: &str, code_hash: &str) -> StoreResult<bool> {
        in_tx!(self, q, c => q::use_recovery_code(c, actor, user_id, code_hash).await)
    }

    pub async fn recovery_codes_left(&self, user_id: &str) -> StoreResult<i64> {
        with_conn!(self, q, c => q::recovery_codes_left(c, user_id).await)
    }

    pub async fn memberships_of(&self, user_id: &str) -> StoreResult<Vec<Membership>> {
        with_conn!(self, q, c => q::memberships_of(c, user_id).await)
    }

    /// Records a security event (login, logout, failed login…) in the system chain.
    pub async fn record_event(
        &self,
        actor: &Actor,
        action: &str,
        user_id: &str,
        detail: Option<String>,
    ) -> StoreResult<()> {
        in_tx!(self, q, c => q::record_event(c, actor, action, user_id, detail).await)
    }

    // ------------------------------------------------------------ sessions

    pub async fn create_session(&self, s: &Session) -> StoreResult<()> {
        in_tx!(self, q, c => q::insert_session(c, s).await)
    }

    pub async fn session(&self, token_hash: &str, now: i64) -> StoreResult<Option<Session>> {
        with_conn!(self, q, c => q::session(c, token_hash, now).await)
    }

    pub async fn touch_session(&self, token_hash: &str, now: i64, expires_at: i64) -> StoreResult<()> {
        in_tx!(self, q, c => q::touch_session(c, token_hash, now, expires_at).await)
    }

    pub async fn complete_mfa(&self, token_hash: &str) -> StoreResult<()> {
        in_tx!(self, q, c => q::complete_mfa(c, token_hash).await)
    }

    /// Selects the session's tenant, after checking the user is a member.
    pub async fn switch_tenant(&self, session: &Session, tenant_id: &str) -> StoreResult<()> {
        in_tx!(self, q, c => {
            async {
                if q::role_in(c, &session.user_id, tenant_id).await?.is_none() {
                    return Err(StoreError::NotFound);
                }
                q::set_session_tenant(c, &session.token_hash, Some(tenant_id)).await
            }.await
        })
    }

    pub async fn sessions_of(&self, user_id: &str, now: i64) -> StoreResult<Vec<Session>> {
        with_conn!(self, q, c => q::sessions_of(c, user_id, now).await)
    }

    /// Signs the user out everywhere but the session `keep` (audited).
    pub async fn end_other_sessions(&self, actor: &Actor, user_id: &str, keep: &str) -> StoreResult<u64> {
        in_tx!(self, q, c => q::end_other_sessions(c, actor, user_id, keep).await)
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        in_tx!(self, q, c => q::delete_session(c, token_hash).await)
    }

    pub async fn delete_expired(&self, now: i64) -> StoreResult<u64> {
        in_tx!(self, q, c => q::delete_expired(c, now).await)
    }

    // ------------------------------------------------------------ login throttling

    pub async fn record_login_failure(&self, email: &str, ip: &str, now: i64) -> StoreResult<()> {
        in_tx!(self, q, c => q::record_login_failure(c, email, ip, now).await)
    }

    pub async fn login_failures(&self, email: &str, ip: &str, since: i64) -> StoreResult<(i64, i64)> {
        with_conn!(self, q, c => q::login_failures(c, email, ip, since).await)
    }

    pub async fn clear_login_failures(&self, email: &str) -> StoreResult<()> {
        in_tx!(self, q, c => q::clear_login_failures(c, email).await)
    }

    /// Marks `ip` as slowed down from `now` on, once per window: returns true
    /// (and writes a `login.throttled` audit entry in the system chain) only if
    /// the address was not already marked after `window_start`.
    pub async fn mark_address_throttled(
        &self,
        ip: &str,
        failures: i64,
        now: i64,
        window_start: i64,
    ) -> StoreResult<bool> {
        // Most calls find the address already marked; that needs no write.
        let at = with_conn!(self, q, c => q::address_throttled_at(c, ip).await)?;
        if at.is_some_and(|t| t > window_start) {
            return Ok(false);
        }
        in_tx!(self, q, c => q::mark_address_throttled(c, ip, failures, now, window_start).await)
    }

    // ------------------------------------------------------------ API tokens

    pub async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: &str,
        name: &str,
        hash: &str,
        expires_at: Option<i64>,
    ) -> StoreResult<ApiToken> {
        let id = new_id();
        in_tx!(self, q, c => q::insert_api_token(c, actor, &id, user_id, name, hash, expires_at).await)
    }

    pub async fn api_tokens_of(&self, user_id: &str) -> StoreResult<Vec<ApiToken>> {
        with_conn!(self, q, c => q::api_tokens_of(c, user_id).await)
    }

    /// Revokes one of the user's own tokens; another user's token is NotFound.
    pub async fn revoke_api_token(&self, actor: &Actor, user_id: &str, token_id: &str) -> StoreResult<()> {
        in_tx!(self, q, c => q::revoke_api_token(c, actor, user_id, token_id).await)
    }

    pub async fn api_token_user(&self, hash: &str, now: i64) -> StoreResult<Option<User>> {
        in_tx!(self, q, c => q::api_token_user(c, hash, now).await)
    }

    // ------------------------------------------------------------ set-up links

    pub async fn create_setup_link(
        &self,
        hash: &str,
        purpose: SetupPurpose,
        user_id: Option<&str>,
        expires_at: i64,
    ) -> StoreResult<()> {
        in_tx!(self, q, c => q::insert_setup_link(c, hash, purpose, user_id, expires_at).await)
    }

    pub async fn peek_setup_link(&self, hash: &str, now: i64) -> StoreResult<Option<SetupLink>> {
        with_conn!(self, q, c => q::peek_setup_link(c, hash, now).await)
    }

    /// Uses a first-admin link: creates tenant, admin and membership, all in
    /// the transaction that marks the link used, so a link works exactly once.
    pub async fn complete_first_admin(
        &self,
        link_hash: &str,
        tenant: &NewTenant,
        admin: &NewUser,
    ) -> StoreResult<(Tenant, User)> {
        let (tid, uid) = (new_id(), new_id());
        let actor = Actor {
            user_id: Some(uid.clone()),
            label: admin.email.clone(),
        };
        in_tx!(self, q, c => {
            async {
                if !q::use_setup_link(c, link_hash, now_ms()).await? {
                    return Err(StoreError::NotFound);
                }
                let u = q::insert_user(c, &actor, &uid, admin).await?;
                let t = q::insert_tenant(c, &actor, &tid, tenant).await?;
                q::insert_membership(c, &actor, &t.id, &u.id, Role::Admin).await?;
                Ok((t, u))
            }.await
        })
    }

    /// Uses a set-password link for the user it was made for.
    pub async fn complete_set_password(&self, link_hash: &str, user_id: &str, password_hash: &str) -> StoreResult<()> {
        let actor = Actor {
            user_id: Some(user_id.to_string()),
            label: "setup-link".into(),
        };
        in_tx!(self, q, c => {
            async {
                if !q::use_setup_link(c, link_hash, now_ms()).await? {
                    return Err(StoreError::NotFound);
                }
                q::set_password(c, &actor, user_id, password_hash, None).await
            }.await
        })
    }

    // ------------------------------------------------------------ OIDC

    pub async fn save_oidc_login(&self, l: &OidcLogin) -> StoreResult<()> {
        in_tx!(self, q, c => q::insert_oidc_login(c, l).await)
    }

    /// Returns and deletes the pending login: a `state` works once.
    pub async fn take_oidc_login(&self, state: &str) -> StoreResult<Option<OidcLogin>> {
        in_tx!(self, q, c => q::take_oidc_login(c, state).await)
    }

    pub async fn oidc_user(&self, issuer: &str, subject: &str) -> StoreResult<Option<User>> {
        with_conn!(self, q, c => q::oidc_user(c, issuer, subject).await)
    }

    pub async fn link_oidc(&self, actor: &Actor, issuer: &str, subject: &str, user_id: &str) -> StoreResult<()> {
        in_tx!(self, q, c => q::link_oidc(c, actor, issuer, subject, user_id).await)
    }

    // ------------------------------------------------------------ audit

    /// Verifies every hash chain in the audit log. The log and the chain heads
    /// are read from one snapshot, so entries appended meanwhile (on a running
    /// server) are not mistaken for tampering. Checks no signed checkpoints:
    /// see [`Store::audit_verify_signed`].
    pub async fn audit_verify(&self) -> StoreResult<AuditReport> {
        self.audit_verify_signed(&[], None).await
    }

    /// Like [`Store::audit_verify`], and with at least one public key also
    /// checks every signed checkpoint, in the database and in `witness` (the
    /// text of a witness file): each must be signed by one of `keys`, and the
    /// entry it names must still exist with the signed hash; every
    /// witnessed checkpoint must still be in the database. Without keys the
    /// checkpoints are only counted (`checkpoints_checked` is false).
    pub async fn audit_verify_signed(
        &self,
        keys: &[etterlev_core::AuditPublicKey],
        witness: Option<&str>,
    ) -> StoreResult<AuditReport> {
        match &self.backend {
            Backend::Sqlite(pool) => {
                // Deferred: in WAL mode the first read fixes the snapshot, and
                // no write lock is taken, so writers are not held up.
                let mut tx = pool.begin_with("BEGIN DEFERRED").await?;
                let report = sqlite_q::audit_verify(&mut tx, keys, witness).await?;
                tx.commit().await?;
                Ok(report)
            }
            Backend::Postgres(pool) => {
                let mut tx = pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?;
                let report = pg_q::audit_verify(&mut tx, keys, witness).await?;
                tx.commit().await?;
                Ok(report)
            }
        }
    }

    /// Writes a signed checkpoint for every chain with entries its latest
    /// checkpoint (by this key) does not cover yet. A chain whose new entries
    /// are not intact or do not continue from that checkpoint is not signed
    /// but reported in `refused`. Each chain is checkpointed in its own short
    /// transaction, so appends are held up for one chain at a time only.
    pub async fn audit_checkpoint(&self, key: &etterlev_core::AuditSigningKey) -> StoreResult<CheckpointRun> {
        let chains = with_conn!(self, q, c => q::audit_chains(c).await)?;
        let mut run = CheckpointRun::default();
        for chain in chains {
            let at_ms = now_ms();
            let outcome = in_tx!(self, q, c => {
                q::audit_checkpoint_chain(c, key, &chain, at_ms)
                    .await
                    .map(|o| match o {
                        q::ChainCheckpoint::Written(cp) => Ok(cp),
                        q::ChainCheckpoint::Unchanged => Err(None),
                        q::ChainCheckpoint::Refused(r) => Err(Some(r)),
                    })
            })?;
            match outcome {
                Ok(cp) => run.written.push(cp),
                Err(None) => run.unchanged += 1,
                Err(Some(refused)) => run.refused.push(refused),
            }
        }
        Ok(run)
    }

    /// System-chain entries (no tenant), newest first.
    pub async fn system_audit(&self, before_seq: i64, limit: i64) -> StoreResult<Vec<etterlev_core::AuditRecord>> {
        with_conn!(self, q, c => q::audit_page(c, etterlev_core::SYSTEM_CHAIN, before_seq, limit).await)
    }

    // ------------------------------------------------------------ backup

    /// A consistent online copy of an SQLite database (`VACUUM INTO`), safe
    /// while the server runs. Refuses to overwrite an existing file.
    pub async fn backup_sqlite(&self, out: &Path) -> StoreResult<()> {
        let Backend::Sqlite(pool) = &self.backend else {
            return Err(StoreError::Invalid(Refusal::new(
                "refusal-backup-sqlite-only",
                "backup is for SQLite; for PostgreSQL use pg_dump (see README)",
            )));
        };
        if out.exists() {
            return Err(StoreError::Invalid(
                Refusal::new(
                    "refusal-backup-exists",
                    format!("{} already exists; choose a new file", out.display()),
                )
                .arg(out.display()),
            ));
        }
        let path = out.to_str().ok_or_else(|| {
            StoreError::Invalid(Refusal::new("refusal-backup-path", "backup path must be valid UTF-8"))
        })?;
        sqlx::query("VACUUM INTO $1").bind(path).execute(pool).await?;
        Ok(())
    }
}

/// Parses a PostgreSQL URL. A URL without a user name means the operating
/// system user, as with libpq and psql: sqlx would otherwise log in as
/// "anonymous" (its `whoami` dependency is built without OS support).
pub fn pg_options(url: &str) -> StoreResult<PgConnectOptions> {
    let opts =
        PgConnectOptions::from_str(url).map_err(|e| StoreError::Connect(format!("malformed PostgreSQL URL: {e}")))?;
    if url_names_user(url) || std::env::var_os("PGUSER").is_some() {
        return Ok(opts);
    }
    Ok(match os_user() {
        Some(user) => opts.username(&user),
        None => opts,
    })
}

fn url_names_user(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let query = rest.split_once('?').map_or("", |(_, q)| q);
    authority.contains('@') || query.split('&').any(|p| p.starts_with("user="))
}

fn os_user() -> Option<String> {
    if let Some(user) = ["USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
    {
        return Some(user);
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let uid = std::fs::metadata("/proc/self").ok()?.uid().to_string();
        let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
        passwd.lines().find_map(|line| {
            let mut f = line.split(':');
            let name = f.next()?;
            (f.nth(1)? == uid).then(|| name.to_string())
        })
    }
    #[cfg(not(target_os = "linux"))]
    None
}

fn redact(url: &str) -> String {
    match url.split_once('@') {
        Some((head, tail)) if head.contains(':') => {
            let scheme_end = head.find("://").map_or(0, |i| i + 3);
            format!("{}***@{tail}", &head[..scheme_end])
        }
        _ => url.to_string(),
    }
}

// Keep the unused-import lint honest when only one backend is referenced.
#[allow(unused_imports)]
use {pg_q as _, sqlite_q as _};

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(super::redact("mysql://u:secret@h/db"), "mysql://***@h/db");
        assert_eq!(super::redact("foo"), "foo");
    }

    #[test]
    fn finds_user_names_in_urls() {
        use super::url_names_user as named;
        assert!(named("postgres://kari@db:5432/etterlev"));
        assert!(named("postgres://kari:pw@db/etterlev"));
        assert!(named("postgres://db/etterlev?user=kari&sslmode=require"));
        assert!(!named("postgres://127.0.0.1:5432/test"));
        assert!(!named("postgres://db/etterlev?sslmode=require"));
    }
}
