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
async fn small_enterprise_path(
    client: &Client,
    app: &TestApp,
    driver_url: &str,
    downloads: &Path,
) -> anyhow::Result<()> {
    use std::io::Read;
    let dir = etterlev_web::demo::catalog_dir().join("normen");
    let set = etterlev_catalog::load_path(&dir).map_err(|d| anyhow!("normen does not load: {d:?}"))?;
    app.store.import_catalog_set(&set, None, false).await?;
    new_gp_user(app).await?;

    client.delete_all_cookies().await?;
    client.goto(&app.url("/login")).await?;
    find(client, "#email").await?.send_keys(NEW_USER).await?;
    find(client, "#password").await?.send_keys(PASSWORD).await?;
    find(client, "#login-submit").await?.click().await?;
    wait_text(client, "#page-title", "Oversikt").await?;
    wait_text(client, "#current-tenant", "Solbakken legekontor").await?;

    find(client, "#tile-small-enterprise a").await?.click().await?;
    wait_text(client, "#page-title", "Kom i gang").await?;
    find(client, "#wizard-start").await?.click().await?;
    wait_path(client, "/wizard/new").await?;
    for id in [
        "#p-cloud-yes",
        "#p-processor-yes",
        "#p-home_devices-no",
        "#p-software-no",
    ] {
        find(client, id).await?.click().await?;
    }
    find(client, "#wizard-begin").await?.click().await?;

    // Every page: one answer per question, then "Neste".
    let mut pages = 0;
    let mut n = 0;
    loop {
        find(client, "#wizard-form").await?;
        let here = path_and_query(client).await?;
        if !here.contains("?page=") {
            break;
        }
        pages += 1;
        ensure!(pages <= 10, "the wizard has too many pages");
        // The second page with the keyboard alone: Space picks an answer,
        // Enter goes on to the next page (not back); the others by clicking.
        let keyboard = pages == 2;
        let mut last = None;
        for fieldset in client.find_all(Locator::Css("fieldset.wizard-question")).await? {
            n += 1;
            let choice = ["no", "partly", "dont_know", "no", "yes"][n % 5];
            let radio = fieldset
                .find(Locator::Css(&format!("input[type=radio][value={choice}]")))
                .await?;
            if keyboard {
                radio.send_keys(" ").await?;
                ensure!(
                    radio.prop("checked").await?.as_deref() == Some("true"),
                    "Space checks a radio"
                );
            } else {
                radio.click().await?;
            }
            last = Some(radio);
        }
        match last {
            Some(radio) if keyboard => radio.send_keys(&char::from(Key::Enter).to_string()).await?,
            _ => find(client, "#wizard-next").await?.click().await?,
        }
        let next = wait_leave(client, &here).await?;
        ensure!(!keyboard || next.ends_with("?page=3"), "Enter on page 2 led to {next}");
        if next.ends_with("/result") {
            break;
        }
    }
    ensure!(pages >= 4 && n >= 20, "{pages} pages, {n} questions");

    wait_text(client, "#page-title", "Dette bør dere gjøre").await?;
    let first = find(client, "#gap-list li.gap").await?;
    let class = first.attr("class").await?.unwrap_or_default();
    ensure!(class.contains("priority-patient_safety"), "first gap: {class}");
    find(client, "#create-actions").await?.click().await?;
    find(client, "#gap-list a.action-link").await?;
    let actions = client.find_all(Locator::Css("#gap-list a.action-link")).await?.len();
    let gaps = client.find_all(Locator::Css("#gap-list li.gap")).await?.len();
    ensure!(actions == gaps && gaps > 0, "{actions} actions for {gaps} gaps");
    // A short list to act on: at most ten first, the rest grouped as later.
    ensure!(gaps <= 10, "{gaps} prioritised actions; at most 10");
    let later = client.find_all(Locator::Css("#later-list li")).await?.len();
    ensure!(later > 0, "the rest of the gaps are grouped as later");
    let title = find(client, "#gap-list li.gap h4").await?.text().await?;
    let badge = find(client, "#gap-list li.gap h4 .badge").await?.text().await?;
    let first_action = title
        .trim()
        .strip_prefix(badge.trim())
        .unwrap_or(&title)
        .trim()
        .to_string();
    // Plain words: the question's what-to-do, not the requirement's title.
    let todos: Vec<String> = set
        .catalogs
        .iter()
        .flat_map(|c| c.nodes.iter())
        .filter_map(|n| n.question.as_ref()?.todo.as_ref().map(|t| t.title.nb.clone()))
        .collect();
    ensure!(
        todos.contains(&first_action),
        "the first action {first_action:?} is a plain what-to-do"
    );

    allow_downloads(client, driver_url, downloads).await;
    let link = find(client, "#report-docx").await?;
    let href = link
        .prop("href")
        .await?
        .ok_or_else(|| anyhow!("report link has no href"))?;
    link.click().await?;
    let bytes = match wait_download(downloads).await {
        Some(path) => std::fs::read(&path)?,
        None => {
            eprintln!("note: Chromium saved no download; fetching the report with the browser's cookies");
            fetch_with_browser_cookies(client, &href).await?
        }
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).context("the report is a .docx (zip)")?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")?.read_to_string(&mut xml)?;
    ensure!(xml.contains("Solbakken legekontor"), "the report names the enterprise");
    ensure!(
        xml.contains(&xml_escape(&first_action)),
        "the report lists the first action {first_action:?}"
    );
    Ok(())
}

/// An editor records a test project with synthetic data, answers what the
/// guideline needs for it and approves it; the decision and its history row
/// appear.
async fn test_project_decision(client: &Client, app: &TestApp) -> anyhow::Result<()> {
    client.delete_all_cookies().await?;
    client.goto(&app.url("/login")).await?;
    find(client, "#email")
        .await?
        .send_keys("redaktor@demo.etterlev.no")
        .await?;
    find(client, "#password").await?.send_keys(PASSWORD).await?;
    find(client, "#login-submit").await?.click().await?;
    wait_path(client, "/").await?;

    client.goto(&app.url("/testdata/new")).await?;
    find(client, "#name").await?.send_keys("Nettlesertest EPJ").await?;
    find(client, "#system_name").await?.send_keys("EPJ 24.1").await?;
    find(client, "#purpose")
        .await?
        .send_keys("Regresjonstest av ny versjon.")
        .await?;
    find(client, "#kind-synthetic").await?.click().await?;
    find(client, "#project-save").await?.click().await?;
    wait_text(client, "#page-title", "Nettlesertest EPJ").await?;
    ensure!(
        client.find(Locator::Css("#missing-none")).await.is_err(),
        "nothing answered yet, so something is missing"
    );

    for key in ["purpose", "separate_environments"] {
        find(client, &format!("#{key}-yes")).await?.click().await?;
        find(client, &format!("#{key}-note"))
            .await?
            .send_keys("Se testplanen.")
            .await?;
        find(client, &format!("#save-{key}")).await?.click().await?;
        find(client, &format!("#check-{key}:not(.unanswered)")).await?;
    }
    find(client, "#missing-none").await?;
    find(client, "#decision-approved").await?.click().await?;
    find(client, "#reason")
        .await?
        .send_keys("Bare syntetiske data, eget testmiljø.")
        .await?;
    find(client, "#decision-save").await?.click().await?;
    find(client, "#current-decision.decision-approved").await?;
    find(client, "#decision-history #decision-1").await?;
    Ok(())
}

/// The secretariat's meeting, end to end in the browser: create a meeting,
/// record attendance (one organisation from 11:30), add a decision case for
/// fact sheet 31, a comment, and a decision that differs from the proposal;
/// the minutes (.docx) hold the attendance table and the decision; the
/// portfolio shows the fact sheet withdrawn; the statistics page hides the
/// four dentists and shows the five physiotherapists.
async fn secretariat_meeting(client: &Client, app: &TestApp) -> anyhow::Result<()> {
    use std::io::Read;

    use common::secretariat::{SEC_EMAIL, enterprises, normen_requirements, secretariat_user};
    use etterlev_core::TenantKind;
    use etterlev_core::secretariat::{DocumentKind, DocumentStatus, MemberRole};
    use etterlev_store::{DocumentInput, SeatInput};

    secretariat_user(app).await;
    let user = app
        .store
        .user_by_email(SEC_EMAIL)
        .await?
        .ok_or_else(|| anyhow!("no user"))?;
    let s = app.store.secretariat(&user)?;
    let mut orgs = Vec::new();
    for name in ["Helse Vest RHF", "KS"] {
        let o = s.create_organisation(name, None).await?;
        s.add_seat(&SeatInput {
            organisation_id: o.id.clone(),
            role: MemberRole::Member,
            valid_from: "2024-01-01".into(),
            valid_to: None,
            representative: Some(format!("Representant {name}")),
            deputy: None,
        })
        .await?;
        orgs.push(o);
    }
    let ks_id = orgs[1].id.clone();
    let fact_sheet = s
        .create_document(&DocumentInput {
            kind: DocumentKind::FactSheet,
            number: Some("31".into()),
            title: "Passord og passordhåndtering".into(),
            doc_version: Some("2.0".into()),
            status: DocumentStatus::ForDecision,
            owner: None,
            working_group: None,
            catalog_key: None,
            published_on: None,
            next_revision: None,
        })
        .await?;
    let (set, requirements) = normen_requirements();
    app.store.import_catalog_set(&set, None, false).await?;
    enterprises(&app.store, &requirements, TenantKind::GpOffice, 1, &[2, 4, 6, 8, 10]).await;
    enterprises(&app.store, &requirements, TenantKind::Dentist, 10, &[1, 3, 5, 7]).await;
    enterprises(
        &app.store,
        &requirements,
        TenantKind::Physiotherapist,
        20,
        &[5, 5, 5, 5, 5],
    )
    .await;

    client.delete_all_cookies().await?;
    client.goto(&app.url("/login")).await?;
    find(client, "#email").await?.send_keys(SEC_EMAIL).await?;
    find(client, "#password").await?.send_keys(PASSWORD).await?;
    find(client, "#login-submit").await?.click().await?;
    // Without an enterprise, the secretariat is the user's home.
    wait_path(client, "/secretariat").await?;

    // A meeting.
    find(client, "#sec-nav-meetings").await?.click().await?;
    wait_path(client, "/secretariat/meetings").await?;
    client
        .execute(
            "document.getElementById('meeting-date').value = '2026-06-11'; return true;",
            vec![],
        )
        .await?;
    find(client, "#meeting-starts").await?.send_keys("10:00").await?;
    find(client, "#meeting-place")
        .await?
        .send_keys("Helsedirektoratet")
        .await?;
    find(client, "#meeting-create").await?.click().await?;
    wait_leave(client, "/secretariat/meetings").await?;

    // Attendance: Helse Vest present, KS from 11:30.
    find(client, "#attendance-edit").await?.click().await?;
    find(client, "tr[data-org='Helse Vest RHF'] select")
        .await?
        .select_by_value("present")
        .await?;
    find(client, "tr[data-org='KS'] select")
        .await?
        .select_by_value("present_from")
        .await?;
    find(client, &format!("input[name='from_{ks_id}']"))
        .await?
        .send_keys("11:30")
        .await?;
    find(client, "#attendance-save").await?.click().await?;
    wait_text(
        client,
        "#attendance-list tr[data-org='KS'] td:last-child",
        "Til stede fra 11:30",
    )
    .await?;

    // A decision case for fact sheet 31, proposing approval.
    find(client, "#case-new summary").await?.click().await?;
    find(client, "#case-kind").await?.select_by_value("decision").await?;
    find(client, "#case-title")
        .await?
        .send_keys("Faktaark 31: passord")
        .await?;
    find(client, "#case-proposal")
        .await?
        .send_keys("Styringsgruppen godkjenner faktaark 31.")
        .await?;
    find(client, "#case-document")
        .await?
        .select_by_value(&fact_sheet.id)
        .await?;
    find(client, "#case-proposed-status")
        .await?
        .select_by_value("approved")
        .await?;
    find(client, "#case-add").await?.click().await?;
    find(client, "li.case[data-number='01/26']").await?;

    // A comment, and a decision other than the proposal, in the case's
    // edit mode.
    find(client, "li.case .case-edit-link").await?.click().await?;
    find(client, "li.case .comment-form select")
        .await?
        .select_by_value(&ks_id)
        .await?;
    find(client, "li.case .comment-form textarea")
        .await?
        .send_keys("KS ber om en revidert versjon.")
        .await?;
    find(client, "li.case .comment-form button").await?.click().await?;
    wait_text(client, "li.case ul.comments li", "KS: KS ber om en revidert versjon.").await?;
    let decision = "Faktaarket trekkes. Revidert versjon legges fram i september.";
    find(client, "li.case .decision-form textarea")
        .await?
        .send_keys(decision)
        .await?;
    find(client, "li.case .decision-form select")
        .await?
        .select_by_value("withdrawn")
        .await?;
    find(client, "li.case .decision-form button").await?.click().await?;
    wait_text(client, "li.case p.decision", decision).await?;

    // The minutes.
    let href = find(client, "#minutes-docx")
        .await?
        .prop("href")
        .await?
        .ok_or_else(|| anyhow!("minutes link has no href"))?;
    let bytes = fetch_with_browser_cookies(client, &href).await?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).context("the minutes are a .docx (zip)")?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")?.read_to_string(&mut xml)?;
    for needle in [
        "Deltakere",
        "Helse Vest RHF",
        "Representant Helse Vest RHF",
        "Til stede",
        "Til stede fra 11:30",
        "Sak 01/26 Faktaark 31: passord",
        "Styringsgruppen godkjenner faktaark 31.",
        "KS ber om en revidert versjon.",
        decision,
    ] {
        ensure!(xml.contains(&xml_escape(needle)), "the minutes lack {needle:?}");
    }
    ensure!(xml.contains("<w:tbl>"), "the attendance is a table");

    // The portfolio shows the new status.
    find(client, "#sec-nav-documents").await?.click().await?;
    wait_path(client, "/secretariat/documents").await?;
    find(client, &format!("#doc-{} [data-status='withdrawn']", fact_sheet.id)).await?;

    // Statistics: four dentists hidden, five physiotherapists shown.
    find(client, "#sec-nav-statistics").await?.click().await?;
    wait_path(client, "/secretariat/statistics").await?;
    let dentists = find(client, "tr[data-kind='dentist']").await?.html(false).await?;
    ensure!(
        dentists.contains("hidden-cell") && !dentists.contains("n=4"),
        "dentists: {dentists}"
    );
    let physio = find(client, "tr[data-kind='physiotherapist']").await?.text().await?;
    ensure!(
        physio.contains("50,0 %") && physio.contains("n=5"),
        "physiotherapists: {physio}"
    );
    Ok(())
}

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
