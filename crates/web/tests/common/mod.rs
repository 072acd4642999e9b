//! Shared test harness: a real server on a random loopback port, backed by a
//! real database (SQLite in a temporary directory, or a fresh PostgreSQL
//! schema), with the demo data loaded.
#![allow(dead_code)]

pub mod secretariat;

use std::net::SocketAddr;

use etterlev_store::Store;
use etterlev_web::{AppState, Config};

/// A hook that adjusts the app state before the server starts (e.g. OIDC).
pub type Customise = Box<dyn FnOnce(&mut AppState) + Send>;

pub const DEMO_PASSWORD: &str = etterlev_web::demo::PASSWORD;

pub struct TestApp {
    pub base: String,
    pub addr: SocketAddr,
    pub store: Store,
    pub backend: &'static str,
    _dir: Option<tempfile::TempDir>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    pg_schema: Option<String>,
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

pub fn pg_url() -> String {
    std::env::var("ETTERLEV_TEST_PG").unwrap_or_else(|_| "postgres://127.0.0.1:5432/test".into())
}

/// SQLite store in a fresh temporary directory.
pub async fn sqlite_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_sqlite(&dir.path().join("test.sqlite"))
        .await
        .expect("open sqlite");
    store.migrate().await.expect("migrate sqlite");
    (store, dir)
}

/// PostgreSQL store in a fresh schema, or None (skipped, loudly) when no
/// server is reachable outside CI. Under CI=true an unreachable server fails.
pub async fn pg_store() -> Option<(Store, String)> {
    let schema = format!("etl_web_{}", uuid::Uuid::new_v4().simple());
    match Store::connect_pg_schema(&pg_url(), &schema).await {
        Ok(store) => {
            store.migrate().await.expect("migrate postgres");
            Some((store, schema))
        }
        Err(e) if !in_ci() => {
            eprintln!(
                "SKIPPED postgres: cannot connect to {} ({e}); set CI=true to make this a failure",
                pg_url()
            );
            None
        }
        Err(e) => panic!("PostgreSQL is required under CI=true: {e}"),
    }
}

impl TestApp {
    /// Starts a server on SQLite with demo data.
    pub async fn sqlite() -> TestApp {
        let (store, dir) = sqlite_store().await;
        Self::start(store, "sqlite", Some(dir), None, None).await
    }

    /// Starts a server on PostgreSQL with demo data, if PostgreSQL is there.
    pub async fn postgres() -> Option<TestApp> {
        let (store, schema) = pg_store().await?;
        Some(Self::start(store, "postgres", None, Some(schema), None).await)
    }

    /// Both backends (PostgreSQL only where reachable, see [`pg_store`]).
    pub async fn both() -> Vec<TestApp> {
        let mut v = vec![Self::sqlite().await];
        v.extend(Self::postgres().await);
        v
    }

    pub async fn start(
        store: Store,
        backend: &'static str,
        dir: Option<tempfile::TempDir>,
        pg_schema: Option<String>,
        customise: Option<Customise>,
    ) -> TestApp {
        // Demo people only: catalogues are imported by the tests that need
        // them (see `import_fixture_catalogs`), from small fixtures.
        etterlev_web::demo::seed_people(&store).await.expect("seed demo data");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let base = format!("http://{addr}");
        let config = Config::new(url::Url::parse(&format!("{base}/")).expect("url"));
        let mut state = AppState::new(store.clone(), config);
        if let Some(f) = customise {
            f(&mut state);
        }
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = etterlev_web::serve(listener, state, async {
                let _ = rx.await;
            })
            .await;
        });
        TestApp {
            base,
            addr,
            store,
            backend,
            _dir: dir,
            shutdown: Some(tx),
            pg_schema,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// An HTTP client with its own cookie jar and no automatic redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// The CSRF token the server gave this client (from any page's form).
    pub async fn csrf(&self, client: &reqwest::Client) -> String {
        let html = client
            .get(self.url("/login"))
            .send()
            .await
            .expect("get login")
            .text()
            .await
            .expect("body");
        extract_csrf(&html)
    }

    /// Signs in with password (and the demo TOTP code where needed).
    pub async fn login(&self, email: &str) -> reqwest::Client {
        let client = self.client();
        let csrf = self.csrf(&client).await;
        let resp = client
            .post(self.url("/login"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("email", email),
                ("password", DEMO_PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("login");
        assert_eq!(resp.status(), 303, "[{}] login of {email}", self.backend);
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        if location.starts_with("/login/totp") {
            self.reset_totp_replay_guard(email).await;
            let code = demo_totp_code();
            let resp = client
                .post(self.url("/login/totp"))
                .form(&[("_csrf", csrf.as_str()), ("code", code.as_str()), ("next", "/")])
                .send()
                .await
                .expect("totp");
            assert_eq!(resp.status(), 303, "[{}] totp of {email}", self.backend);
        }
        client
    }

    /// Each TOTP step is accepted once; tests sign in many times within one
    /// 30-second step, so they forget the last used step first.
    pub async fn reset_totp_replay_guard(&self, email: &str) {
        let sql = "UPDATE users SET totp_last_step = NULL WHERE email = $1";
        match self.store.backend() {
            etterlev_store::Backend::Sqlite(p) => sqlx::query(sql).bind(email).execute(p).await.map(|_| ()),
            etterlev_store::Backend::Postgres(p) => sqlx::query(sql).bind(email).execute(p).await.map(|_| ()),
        }
        .expect("reset totp step");
    }

    /// Imports the fixture catalogues of `tests/fixtures/catalog` (two
    /// versions of `fixdemo`, `fixother` and a mapping between them).
    pub async fn import_fixture_catalogs(&self) -> etterlev_store::ImportSummary {
        let dir = fixture_catalog_dir();
        let set = etterlev_catalog::load_path(&dir).unwrap_or_else(|diags| {
            let text: Vec<String> = diags.iter().map(ToString::to_string).collect();
            panic!("fixture catalogues must load:\n{}", text.join("\n"))
        });
        self.store
            .import_catalog_set(&set, None, false)
            .await
            .expect("import fixture catalogues")
    }

    /// Creates a personal API token for a user directly in the store.
    pub async fn api_token(&self, email: &str) -> String {
        let user = self
            .store
            .user_by_email(email)
            .await
            .expect("query")
            .expect("user exists");
        let token = etterlev_auth::new_token("etl_pat");
        self.store
            .create_api_token(&etterlev_store::Actor::user(&user), &user.id, "test", &token.hash, None)
            .await
            .expect("token");
        token.plaintext
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(schema) = self.pg_schema.take() {
            // Best effort: drop the schema from a separate thread and runtime.
            let url = pg_url();
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    rt.block_on(async {
                        let Ok(opts) = etterlev_store::pg_options(&url) else {
                            return;
                        };
                        if let Ok(mut c) = <sqlx::PgConnection as sqlx::Connection>::connect_with(&opts).await {
                            // The test's runtime is blocked in this drop, so the
                            // app's pool cannot finish a rolled-back transaction;
                            // end its connections so their locks cannot block
                            // the DROP, and never wait on a lock for long.
                            let _ = sqlx::query(
                                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                                 WHERE application_name = $1 AND pid <> pg_backend_pid()",
                            )
                            .bind(&schema)
                            .execute(&mut c)
                            .await;
                            let _ = sqlx::query("SET lock_timeout = '10s'").execute(&mut c).await;
                            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {schema} CASCADE")))
                                .execute(&mut c)
                                .await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

pub fn fixture_catalog_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/catalog")
}

pub fn extract_csrf(html: &str) -> String {
    html.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("csrf token in page")
        .to_string()
}

pub fn demo_totp_code() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    etterlev_auth::totp::code_at(etterlev_web::demo::TOTP_SECRET, now).expect("code")
}
