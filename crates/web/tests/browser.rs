//! Browser test: a real headless Chromium, driven through chromedriver with
//! fantoccini, signs in with password and TOTP, switches language, signs out,
//! uses the login form with the keyboard only, browses a catalogue with
//! the applicability filter, and (a new user of a GP office) completes the
//! small-enterprise path, makes its action list and downloads the one-page
//! report, which the test opens.
//!
//! Needs the Debian packages `chromium` and `chromium-driver`. Without
//! chromedriver the test is skipped loudly, or fails under CI=true.

#[path = "common/mod.rs"]
mod common;

#[path = "browser_parts/actions.rs"]
mod actions;
#[path = "browser_parts/assess.rs"]
mod assess;
#[path = "browser_parts/catalog.rs"]
mod catalog;
#[path = "browser_parts/inventory.rs"]
mod inventory;
#[path = "browser_parts/secretariat.rs"]
mod secretariat;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, ensure};
use common::TestApp;
use etterlev_web::demo::{ADMIN_EMAIL, PASSWORD};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt;

/// How long any single wait for the page may take.
const WAIT: Duration = Duration::from_secs(15);
/// Upper bound for the whole browser session.
const WHOLE_TEST: Duration = Duration::from_secs(180);
const CHROMIUM: &str = "/usr/bin/chromium";

/// chromedriver at its Debian location, or on PATH.
fn find_chromedriver() -> Option<PathBuf> {
    let debian = Path::new("/usr/bin/chromedriver");
    if debian.is_file() {
        return Some(debian.to_path_buf());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("chromedriver"))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind free port");
    listener.local_addr().expect("local addr").port()
}

/// A running chromedriver, killed (with everything it started) on drop, also
/// when the test panics.
struct Chromedriver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Chromedriver {
    async fn start(binary: &Path, dir: &Path) -> anyhow::Result<Chromedriver> {
        let port = free_port();
        let log = dir.join("chromedriver.log");
        let mut command = Command::new(binary);
        command
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        #[cfg(unix)]
        {
            // Own process group, so Chromium can be killed along with it.
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let child = command.spawn().with_context(|| format!("start {}", binary.display()))?;
        let mut driver = Chromedriver { child, port, log };
        driver.wait_ready().await?;
        Ok(driver)
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Polls `/status` until chromedriver reports itself ready (~10 s).
    async fn wait_ready(&mut self) -> anyhow::Result<()> {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(2)).build()?;
        let status = format!("{}/status", self.url());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(exit) = self.child.try_wait()? {
                return Err(anyhow!("chromedriver exited early with {exit}"));
            }
            if let Ok(resp) = http.get(&status).send().await
                && let Ok(body) = resp.json::<serde_json::Value>().await
                && body["value"]["ready"] == serde_json::Value::Bool(true)
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(anyhow!("chromedriver did not answer {status} within 10 s"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            // The process group we created: chromedriver and any Chromium it
            // left behind.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking()
            && let Ok(log) = std::fs::read_to_string(&self.log)
        {
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!("--- chromedriver log (last 40 lines) ---");
            for line in tail.iter().rev() {
                eprintln!("{line}");
            }
        }
    }
}

fn capabilities(profile: &Path, downloads: &Path) -> serde_json::Map<String, serde_json::Value> {
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                format!("--user-data-dir={}", profile.display()),
                "--lang=nb-NO",
            ],
            "prefs": {
                "intl.accept_languages": "nb-NO,nb",
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
            },
        },
        "goog:loggingPrefs": { "browser": "ALL" },
        "timeouts": { "pageLoad": 15_000, "script": 15_000, "implicit": 0 },
    });
    match caps {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("capabilities are an object"),
    }
}

async fn find(client: &Client, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("waiting for element {css}"))
}

/// Waits until the first element matching `css` has exactly `expected` as
/// text (the old page may still be shown right after a click).
async fn wait_text(client: &Client, css: &str, expected: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + WAIT;
    let mut last = String::new();
    loop {
        if let Ok(el) = client.find(Locator::Css(css)).await
            && let Ok(text) = el.text().await
        {
            if text.trim() == expected {
                return Ok(());
            }
            last = text;
        }
        if Instant::now() > deadline {
            return Err(anyhow!("{css}: expected text {expected:?}, last seen {last:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_path(client: &Client, expected: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + WAIT;
    loop {
        let url = client.current_url().await?;
        if url.path() == expected {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(anyhow!("expected path {expected}, browser is at {url}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn html_lang(client: &Client) -> anyhow::Result<Option<String>> {
    Ok(client.find(Locator::Css("html")).await?.attr("lang").await?)
}

/// Severe entries of the browser console since the last call. chromedriver
/// still offers the legacy log endpoint; where it does not, this is skipped.
async fn console_errors(client: &Client, driver_url: &str) -> Option<Vec<String>> {
    let session = client.session_id().await.ok()??;
    let resp = reqwest::Client::new()
        .post(format!("{driver_url}/session/{session}/se/log"))
        .json(&serde_json::json!({ "type": "browser" }))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .ok()?;
    if !resp.status().is_success() {
        return None;
    }
    let body: serde_json::Value = resp.json().await.ok()?;
    let entries = body["value"].as_array()?;
    Some(
        entries
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            .filter(|e| !e["message"].as_str().unwrap_or_default().contains("/favicon.ico "))
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect(),
    )
}

/// Password, TOTP, dashboard in Norwegian, switch to English, sign out.
async fn login_language_logout(client: &Client, app: &TestApp, driver_url: &str) -> anyhow::Result<()> {
    app.reset_totp_replay_guard(ADMIN_EMAIL).await;
    client.goto(&app.url("/login")).await?;
    find(client, "#email").await?.send_keys(ADMIN_EMAIL).await?;
    find(client, "#password").await?.send_keys(PASSWORD).await?;
    find(client, "#login-submit").await?.click().await?;

    let code = find(client, "#code").await?;
    wait_path(client, "/login/totp").await?;
    code.send_keys(&common::demo_totp_code()).await?;
    find(client, "#totp-submit").await?.click().await?;

    wait_text(client, "#page-title", "Oversikt").await?;
    let lang = html_lang(client).await?;
    ensure!(lang.as_deref() == Some("nb"), "html lang after login: {lang:?}");
    match console_errors(client, driver_url).await {
        Some(errors) => ensure!(errors.is_empty(), "console errors on the dashboard: {errors:#?}"),
        None => eprintln!("note: browser console log not available; console check skipped"),
    }

    find(client, "#lang-switch").await?.click().await?;
    wait_text(client, "#page-title", "Dashboard").await?;
    let lang = html_lang(client).await?;
    ensure!(lang.as_deref() == Some("en"), "html lang after switch: {lang:?}");

    find(client, "#logout").await?.click().await?;
    wait_text(client, "h1", "Sign in").await?;
    find(client, "#email").await?;
    let url = client.current_url().await?;
    ensure!(url.path().starts_with("/login"), "after logout the browser is at {url}");
    Ok(())
}

/// The login form with the keyboard alone: type, Tab, type, Enter.
async fn keyboard_login(client: &Client, app: &TestApp) -> anyhow::Result<()> {
    client.delete_all_cookies().await?;
    app.reset_totp_replay_guard(ADMIN_EMAIL).await;
    client.goto(&app.url("/login")).await?;
    let email = find(client, "#email").await?;
    email.click().await?;
    email.send_keys(ADMIN_EMAIL).await?;
    email.send_keys(&char::from(Key::Tab).to_string()).await?;

    let focused = client.active_element().await?;
    let id = focused.attr("id").await?;
    ensure!(id.as_deref() == Some("password"), "Tab from #email focused {id:?}");
    focused.send_keys(PASSWORD).await?;
    focused.send_keys(&char::from(Key::Enter).to_string()).await?;

    find(client, "#code").await?;
    wait_path(client, "/login/totp").await?;
    Ok(())
}

/// Waits until the first element matching `css` has text starting with `prefix`.
async fn wait_text_prefix(client: &Client, css: &str, prefix: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + WAIT;
    let mut last = String::new();
    loop {
        if let Ok(el) = client.find(Locator::Css(css)).await
            && let Ok(text) = el.text().await
        {
            if text.trim().starts_with(prefix) {
                return Ok(());
            }
            last = text;
        }
        if Instant::now() > deadline {
            return Err(anyhow!("{css}: expected text starting {prefix:?}, last seen {last:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A reader of the GP office opens a catalogue: the filter starts from the
/// enterprise's own kind and size, changing it to a large hospital trust
/// shows more requirements, a requirement opens, and search runs.
async fn catalogue_browse_and_filter(client: &Client, app: &TestApp) -> anyhow::Result<()> {
    app.import_fixture_catalogs().await;
    client.delete_all_cookies().await?;
    client.goto(&app.url("/login")).await?;
    find(client, "#email")
        .await?
        .send_keys("leser@demo.etterlev.no")
        .await?;
    find(client, "#password").await?.send_keys(PASSWORD).await?;
    find(client, "#login-submit").await?.click().await?;
    wait_path(client, "/").await?;

    client.goto(&app.url("/catalog/fixdemo@2.0")).await?;
    wait_text_prefix(client, "#applies-count", "4 av 7 krav gjelder.").await?;
    find(client, "details.filter > summary").await?.click().await?;
    find(client, "#kind").await?.select_by_value("hospital_trust").await?;
    find(client, "#size").await?.select_by_value("large").await?;
    find(client, ".filter-form button[type=submit]").await?.click().await?;
    wait_text_prefix(client, "#applies-count", "6 av 7 krav gjelder.").await?;
    let url = client.current_url().await?;
    ensure!(
        url.query().is_some_and(|q| q.contains("kind=hospital_trust")),
        "filter is in the URL: {url}"
    );

    find(client, "#tree li.node-requirement a").await?.click().await?;
    let deadline = Instant::now() + WAIT;
    while !client.current_url().await?.path().contains("/node/") {
        ensure!(Instant::now() < deadline, "the requirement page did not open");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    client.goto(&app.url("/catalog/fixdemo@2.0")).await?;
    let q = find(client, "#q").await?;
    q.send_keys("tilgang").await?;
    q.send_keys(&char::from(Key::Enter).to_string()).await?;
    wait_path(client, "/catalog/search").await?;
    Ok(())
}

/// The GP office's new user, made for the small-enterprise scenario.
const NEW_USER: &str = "ny.bruker@solbakken.example.no";

/// A new editor of the demo GP office with a password and no TOTP.
async fn new_gp_user(app: &TestApp) -> anyhow::Result<()> {
    use etterlev_store::{Actor, NewUser};
    let org = etterlev_core::OrgNumber::parse("311000004").map_err(|e| anyhow!("{e}"))?;
    let gp = app
        .store
        .tenant_by_org(&org)
        .await?
        .ok_or_else(|| anyhow!("the demo GP office exists"))?;
    ensure!(gp.name == "Solbakken legekontor", "demo GP office is {}", gp.name);
    let hash = etterlev_auth::hash_password(PASSWORD).map_err(|e| anyhow!("{e}"))?;
    let user = app
        .store
        .create_user(
            &Actor::cli(),
            &NewUser {
                email: NEW_USER.into(),
                display_name: "Nina Ny".into(),
                password_hash: Some(hash),
                is_secretariat: false,
            },
        )
        .await?;
    app.store
        .add_membership(&Actor::cli(), &gp.id, &user.id, etterlev_core::Role::Editor)
        .await?;
    Ok(())
}

/// The path of the current page plus its query.
async fn path_and_query(client: &Client) -> anyhow::Result<String> {
    let url = client.current_url().await?;
    Ok(match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    })
}

/// Waits until the browser has left `from` (a path with query).
async fn wait_leave(client: &Client, from: &str) -> anyhow::Result<String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let here = path_and_query(client).await?;
        if here != from {
            return Ok(here);
        }
        if Instant::now() > deadline {
            return Err(anyhow!("still at {from}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A finished download in `dir` (Chromium writes `.crdownload` first).
async fn wait_download(dir: &Path) -> Option<PathBuf> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let found = std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "docx"));
        if let Some(p) = found {
            return Some(p);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// Tells Chromium where downloads go through chromedriver's DevTools
/// bridge, in case the profile preference is not honoured headless.
async fn allow_downloads(client: &Client, driver_url: &str, dir: &Path) {
    let Ok(Some(session)) = client.session_id().await else {
        return;
    };
    let http = reqwest::Client::new();
    let _ = http
        .post(format!("{driver_url}/session/{session}/goog/cdp/execute"))
        .json(&serde_json::json!({
            "cmd": "Browser.setDownloadBehavior",
            "params": { "behavior": "allow", "downloadPath": dir.display().to_string() }
        }))
        .timeout(Duration::from_secs(5))
        .send()
        .await;
}

/// The report's bytes, fetched with the browser's session cookie (the
/// fallback when Chromium does not save the download).
async fn fetch_with_browser_cookies(client: &Client, url: &str) -> anyhow::Result<Vec<u8>> {
    let cookies = client.get_all_cookies().await?;
    let header = cookies
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ");
    let r = reqwest::Client::new().get(url).header("cookie", header).send().await?;
    ensure!(r.status().is_success(), "GET {url}: {}", r.status());
    Ok(r.bytes().await?.to_vec())
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A new user of the GP office signs in with a password, goes through the
/// small-enterprise wizard by clicking, sees the action list with patient
/// safety first, makes actions of every gap and downloads the one-page
/// report, which the test opens: it names the enterprise and an action.
async fn scenarios(client: &Client, driver_url: &str, downloads: &Path) -> anyhow::Result<()> {
    let app = TestApp::sqlite().await;
    login_language_logout(client, &app, driver_url)
        .await
        .context("login, language switch and logout")?;
    keyboard_login(client, &app).await.context("keyboard-only login")?;
    catalogue_browse_and_filter(client, &app)
        .await
        .context("catalogue: filter, requirement page, search")?;
    catalog::glossary_link_from_requirement(client, &app)
        .await
        .context("catalogue: glossary link from a requirement")?;
    small_enterprise_path(client, &app, driver_url, downloads)
        .await
        .context("small-enterprise path: wizard, action list, report download")?;
    catalog::fidelity_marks_gap_areas_and_fact_sheet_diff(client, &app)
        .await
        .context("catalogue: our numbers, source checks, gap areas, fact sheet 31's editions")?;
    test_project_decision(client, &app)
        .await
        .context("test project: checklist and an approved decision")?;
    secretariat_meeting(client, &app)
        .await
        .context("secretariat: meeting, decision, minutes, portfolio and statistics")?;
    assess::assessment_filter_and_answer_kept(client, &app)
        .await
        .context("assessment: filter and sort at 1366 px, answer kept when uploading evidence")?;
    // On a database of its own: the demo's secretariat story.
    let demo = TestApp::sqlite().await;
    secretariat::secretariat_persona(client, &demo)
        .await
        .context("secretariat persona: overview, agenda, one case edited, minutes, statistics legend")?;
    actions::security_leader_actions(client, &app, driver_url)
        .await
        .context("security leader: home page figures, bulk edit, filters, phone layout")?;
    inventory::inventory_to_evidence(client, &app)
        .await
        .context("inventory: two systems, an integration, the picture, a measure as evidence in two catalogues")?;
    Ok(())
}

/// Where the browser is and what it shows, for a failure message.
async fn page_state(client: &Client) -> String {
    let url = client
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_else(|e| format!("<no url: {e}>"));
    let source = client.source().await.unwrap_or_default();
    let source: String = source.chars().take(3000).collect();
    format!("browser at {url}\n--- page source (start) ---\n{source}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_login_totp_language_logout_and_keyboard() {
    let Some(driver_bin) = find_chromedriver() else {
        if common::in_ci() {
            panic!(
                "chromedriver not found (/usr/bin/chromedriver or on PATH); under CI=true the \
                 browser test is required: apt-get install chromium chromium-driver"
            );
        }
        eprintln!(
            "SKIPPED browser test: chromedriver not found (install chromium chromium-driver; \
             CI=true makes this a failure)"
        );
        return;
    };

    let dir = tempfile::tempdir().expect("temp dir");
    let profile = dir.path().join("profile");
    std::fs::create_dir_all(&profile).expect("profile dir");
    let downloads = dir.path().join("downloads");
    std::fs::create_dir_all(&downloads).expect("downloads dir");
    let driver = Chromedriver::start(&driver_bin, dir.path())
        .await
        .expect("chromedriver");

    // chromedriver is on loopback over plain HTTP, so no TLS stack is needed.
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = tokio::time::timeout(
        Duration::from_secs(60),
        ClientBuilder::new(connector)
            .capabilities(capabilities(&profile, &downloads))
            .connect(&driver.url()),
    )
    .await
    .expect("timed out creating a browser session")
    .expect("browser session");

    let driver_url = driver.url();
    let run = std::panic::AssertUnwindSafe(scenarios(&client, &driver_url, &downloads)).catch_unwind();
    let outcome = tokio::time::timeout(WHOLE_TEST, run).await;
    let failure = match outcome {
        Ok(Ok(Ok(()))) => None,
        Ok(Ok(Err(e))) => Some(format!("{e:#}\n{}", page_state(&client).await)),
        Ok(Err(panic)) => Some(format!(
            "panic: {}\n{}",
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
            page_state(&client).await
        )),
        Err(_) => Some(format!(
            "browser test took longer than {WHOLE_TEST:?}\n{}",
            page_state(&client).await
        )),
    };
    // Always end the session, which also quits Chromium.
    match tokio::time::timeout(Duration::from_secs(20), client.close()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => eprintln!("closing the browser session failed: {e}"),
        Err(_) => eprintln!("closing the browser session timed out"),
    }
    if let Some(failure) = failure {
        panic!("{failure}");
    }
    drop(driver);
}

#[path = "browser_parts/journeys.rs"]
mod journeys;
#[allow(unused_imports)]
pub use journeys::*;
