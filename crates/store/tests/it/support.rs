//! The harness: every test body runs once per backend (SQLite in a temporary
//! file, PostgreSQL in a fresh schema), and failures name the backend.

use std::any::Any;
use std::fmt::Debug;
use std::future::Future;

use etterlev_core::{OrgNumber, SizeClass, TenantKind};
use etterlev_store::{Actor, Backend, NewTenant, NewUser, Store, Tenant, User};

const DEFAULT_PG_URL: &str = "postgres://127.0.0.1:5432/test";

/// One store under test, with what it takes to throw it away afterwards.
pub struct TestBackend {
    pub name: &'static str,
    pub store: Store,
    guard: Guard,
}

enum Guard {
    /// Keeps the directory of the SQLite file alive until cleanup.
    Sqlite(tempfile::TempDir),
    Postgres {
        schema: String,
    },
}

impl TestBackend {
    /// Best effort: closes the pool and drops the PostgreSQL schema or the
    /// temporary directory.
    pub async fn cleanup(self) {
        match self.guard {
            Guard::Sqlite(dir) => {
                self.store.close().await;
                drop(dir);
            }
            Guard::Postgres { schema } => {
                // Close the test's pool first so that no transaction it left
                // open (say, of a task still running after a failure) holds
                // locks; then drop the schema over a fresh connection.
                let _ = tokio::time::timeout(std::time::Duration::from_secs(10), self.store.close()).await;
                let sql = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
                match Store::connect(&pg_url()).await {
                    Ok(admin) => {
                        if let Err(e) = exec(&admin, &sql).await {
                            eprintln!("warning: could not drop test schema {schema}: {e}");
                        }
                        admin.close().await;
                    }
                    Err(e) => {
                        eprintln!("warning: could not connect to drop test schema {schema}: {e}")
                    }
                }
            }
        }
    }
}

fn pg_url() -> String {
    std::env::var("ETTERLEV_TEST_PG")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_PG_URL.to_string())
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Hides a password in a URL before it is printed.
fn redact(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    match rest.split_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => format!("{scheme}://***@{host}"),
        _ => url.to_string(),
    }
}

/// Fresh, unmigrated stores: SQLite always, PostgreSQL when reachable (and
/// required when `CI=true`).
pub async fn raw_backends() -> Vec<TestBackend> {
    let mut out = Vec::new();

    let dir = tempfile::tempdir().expect("[sqlite] cannot create a temporary directory");
    let store = Store::open_sqlite(&dir.path().join("etterlev-test.sqlite"))
        .await
        .unwrap_or_else(|e| panic!("[sqlite] cannot open a temporary database: {e}"));
    out.push(TestBackend {
        name: "sqlite",
        store,
        guard: Guard::Sqlite(dir),
    });

    let url = pg_url();
    let schema = format!("etl_test_{}", uuid::Uuid::new_v4().simple());
    match Store::connect_pg_schema(&url, &schema).await {
        Ok(store) => out.push(TestBackend {
            name: "postgres",
            store,
            guard: Guard::Postgres { schema },
        }),
        Err(etterlev_store::StoreError::Connect(e)) => {
            let url = redact(&url);
            if ci() {
                panic!(
                    "[postgres] cannot connect to {url}: {e} (CI=true, so PostgreSQL is required; set ETTERLEV_TEST_PG)"
                );
            }
            eprintln!("SKIPPED postgres: cannot connect to {url}: {e} (set CI=true to make this a failure)");
        }
        Err(e) => panic!(
            "[postgres] connected to {} but could not create schema {schema}: {e}",
            redact(&url)
        ),
    }
    out
}

/// Fresh stores with all migrations applied.
pub async fn backends() -> Vec<TestBackend> {
    let mut out = raw_backends().await;
    for b in &mut out {
        if let Err(e) = b.store.migrate().await {
            let name = b.name;
            for b in out {
                b.cleanup().await;
            }
            panic!("[{name}] migrations failed: {e}");
        }
    }
    out
}

/// Runs `body` once per migrated backend. See [`run_each`].
pub async fn each_backend<F, Fut>(body: F)
where
    F: Fn(&'static str, Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_each(backends().await, body).await;
}

/// Runs `body` once per unmigrated backend. See [`run_each`].
pub async fn each_raw_backend<F, Fut>(body: F)
where
    F: Fn(&'static str, Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_each(raw_backends().await, body).await;
}

/// Runs the body on every backend, each in its own task so that a panic on
/// one backend still lets the others run and every store is cleaned up; then
/// fails naming each backend that failed.
async fn run_each<F, Fut>(backends: Vec<TestBackend>, body: F)
where
    F: Fn(&'static str, Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut failures = Vec::new();
    for b in backends {
        let outcome = tokio::spawn(body(b.name, b.store.clone())).await;
        let name = b.name;
        b.cleanup().await;
        match outcome {
            Ok(()) => {}
            Err(e) if e.is_panic() => {
                let msg = panic_message(&*e.into_panic());
                let tag = format!("[{name}]");
                failures.push(if msg.starts_with(&tag) {
                    msg
                } else {
                    format!("{tag} {msg}")
                });
            }
            Err(e) => failures.push(format!("[{name}] test task did not finish: {e}")),
        }
    }
    if !failures.is_empty() {
        panic!("failed on {} backend(s):\n{}", failures.len(), failures.join("\n"));
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else {
        "(panic without a message)".to_string()
    }
}

/// `expect` that names the backend and shows the error.
pub trait Must<T> {
    fn must(self, backend: &str, what: &str) -> T;
}

impl<T, E: Debug> Must<T> for Result<T, E> {
    #[track_caller]
    fn must(self, backend: &str, what: &str) -> T {
        match self {
            Ok(v) => v,
            Err(e) => panic!("[{backend}] {what}: unexpected error {e:?}"),
        }
    }
}

/// Asserts that a result is the expected error (by pattern), naming the backend.
macro_rules! assert_err {
    ($backend:expr, $res:expr, $pat:pat, $what:expr) => {{
        let res = $res;
        assert!(
            matches!(res, Err($pat)),
            "[{}] {}: expected Err({}), got {:?}",
            $backend,
            $what,
            stringify!($pat),
            res
        );
    }};
}

/// Runs one raw SQL statement on whichever backend the store uses.
pub async fn exec(store: &Store, sql: &str) -> Result<u64, sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    Ok(match store.backend() {
        Backend::Sqlite(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
        Backend::Postgres(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
    })
}

/// A valid organisation number (parsed, so the check digit is right).
pub fn org(s: &str) -> OrgNumber {
    OrgNumber::parse(s).unwrap_or_else(|e| panic!("test org number {s} is invalid: {e:?}"))
}

/// The `n`th of a sequence of distinct valid organisation numbers.
pub fn nth_org(n: u32) -> OrgNumber {
    let mut base = 91_000_000 + n * 10;
    loop {
        for check in 0..=9 {
            if let Ok(o) = OrgNumber::parse(&format!("{base}{check}")) {
                return o;
            }
        }
        base += 1;
    }
}

pub fn new_tenant(name: &str, org_number: &str) -> NewTenant {
    NewTenant {
        name: name.into(),
        org_number: org(org_number),
        kind: TenantKind::GpOffice,
        size_class: SizeClass::Small,
    }
}

pub fn new_user(email: &str) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: email.split('@').next().unwrap_or(email).into(),
        password_hash: Some("$argon2id$test".into()),
        is_secretariat: false,
    }
}

/// A tenant with one admin, created the way set-up does it.
pub async fn tenant_with_admin(b: &str, store: &Store, name: &str, org_number: &str, email: &str) -> (Tenant, User) {
    store
        .create_tenant_with_admin(&Actor::cli(), &new_tenant(name, org_number), &new_user(email))
        .await
        .must(b, "create_tenant_with_admin")
}
