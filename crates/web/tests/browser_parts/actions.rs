//! The security leader's walk through their own work: the home page shows
//! open and overdue actions and the next deadline, two actions get an owner
//! and a deadline in one bulk edit, and the list is filtered and sorted (all
//! in the URL). Then the same pages on a phone (390×844): no sideways
//! scrolling, the content starts on the first screen, and the menu folds
//! behind a toggle that works with the keyboard.

use std::time::{Duration, Instant};

use anyhow::{anyhow, ensure};
use fantoccini::Client;
use fantoccini::Locator;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;

use super::common::TestApp;
use super::{find, wait_path, wait_text};
use etterlev_web::demo::PASSWORD;

const LEADER: &str = "sikkerhetsleder@fjellvik.example.no";
const OWNER: &str = "Informasjonssikkerhetsleder";

/// A date `days` from today in Norway: (`YYYY-MM-DD`, `dd.mm.yyyy`).
fn day(days: i64) -> (String, String) {
    let tz = jiff::tz::TimeZone::get("Europe/Oslo").unwrap_or(jiff::tz::TimeZone::UTC);
    let today = jiff::Timestamp::now().to_zoned(tz).date();
    let d = today.checked_add(jiff::Span::new().days(days)).unwrap_or(today);
    (d.to_string(), d.strftime("%d.%m.%Y").to_string())
}

/// A hospital trust of its own with a security leader (admin, password, no
/// TOTP) and four open actions: one overdue, one with a deadline in ten
/// days, two without owner or deadline. Returns the two without.
async fn leader_with_actions(app: &TestApp) -> anyhow::Result<(String, String)> {
    use etterlev_core::{OrgNumber, Priority, SizeClass, TenantKind};
    use etterlev_store::{Actor, NewAction, NewTenant, NewUser};
    let org = (0..10)
        .find_map(|d| OrgNumber::parse(&format!("31300000{d}")).ok())
        .ok_or_else(|| anyhow!("no valid org number"))?;
    let hash = etterlev_auth::hash_password(PASSWORD).map_err(|e| anyhow!("{e}"))?;
    let (tenant, user) = app
        .store
        .create_tenant_with_admin(
            &Actor::cli(),
            &NewTenant {
                name: "Fjellvik sykehus".into(),
                org_number: org,
                kind: TenantKind::HospitalTrust,
                size_class: SizeClass::Large,
            },
            &NewUser {
                email: LEADER.into(),
                display_name: "Siri Sikkerhetsleder".into(),
                password_hash: Some(hash),
                is_secretariat: false,
            },
        )
        .await?;
    let scope = app.store.scope(&user, &tenant.id).await?;
    let ts = app.store.tenant(&scope);
    let new = |title: &str, priority, owner: Option<&str>, deadline: Option<String>| NewAction {
        title: title.into(),
        description: None,
        assessment_id: None,
        node_id: None,
        owner: owner.map(str::to_string),
        deadline,
        priority,
    };
    ts.create_action(new(
        "Gå gjennom tilgangslogger",
        Priority::High,
        Some("IKT-sjef"),
        Some(day(-5).0),
    ))
    .await?;
    ts.create_action(new(
        "Øv på gjenoppretting",
        Priority::Medium,
        Some("IKT-sjef"),
        Some(day(10).0),
    ))
    .await?;
    let a = ts
        .create_action(new(
            "Oppdater databehandleravtalene",
            Priority::PatientSafety,
            None,
            None,
        ))
        .await?;
    let b = ts
        .create_action(new("Kurs i informasjonssikkerhet", Priority::Low, None, None))
        .await?;
    Ok((a.id, b.id))
}

async fn js(client: &Client, script: &str) -> anyhow::Result<serde_json::Value> {
    Ok(client.execute(script, vec![]).await?)
}

/// Waits until the current URL's query contains `part`.
async fn wait_query(client: &Client, part: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let url = client.current_url().await?;
        if url.query().is_some_and(|q| q.contains(part)) {
            return Ok(());
        }
        ensure!(Instant::now() < deadline, "expected {part:?} in the query, at {url}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn row_count(client: &Client) -> anyhow::Result<usize> {
    Ok(client.find_all(Locator::Css("#actions tbody tr")).await?.len())
}

/// Emulates a phone screen through chromedriver's DevTools bridge (exact
/// viewport), or resizes the window where that bridge is missing.
async fn phone(client: &Client, driver_url: &str, on: bool) -> anyhow::Result<()> {
    let session = client.session_id().await?.ok_or_else(|| anyhow!("no session id"))?;
    let (cmd, params) = if on {
        (
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true}),
        )
    } else {
        ("Emulation.clearDeviceMetricsOverride", serde_json::json!({}))
    };
    let ok = reqwest::Client::new()
        .post(format!("{driver_url}/session/{session}/goog/cdp/execute"))
        .json(&serde_json::json!({ "cmd": cmd, "params": params }))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success());
    if !ok {
        let (w, h) = if on { (390, 844) } else { (1366, 900) };
        client.set_window_size(w, h).await?;
    }
    Ok(())
}

/// On the current page: no sideways scrolling, and the page's heading
/// starts within the first screen.
async fn fits_a_phone(client: &Client, what: &str) -> anyhow::Result<()> {
    let m = js(
        client,
        "const d = document.documentElement; \
         const h = document.getElementById('page-title').getBoundingClientRect(); \
         return [d.scrollWidth, d.clientWidth, window.innerWidth, window.innerHeight, h.top, h.bottom];",
    )
    .await?;
    let n = |i: usize| m[i].as_f64().unwrap_or(f64::MAX);
    let (scroll, client_w, inner_w, inner_h, top, bottom) = (n(0), n(1), n(2), n(3), n(4), n(5));
    ensure!(
        inner_w <= 400.0,
        "{what}: the viewport is {inner_w} px wide, not a phone's"
    );
    ensure!(
        scroll <= client_w,
        "{what}: scrolls sideways ({scroll} px of content in {client_w} px)"
    );
    ensure!(
        top >= 0.0 && bottom <= inner_h,
        "{what}: the heading is at {top}–{bottom} px, below the first screen of {inner_h} px"
    );
    Ok(())
}

pub(crate) async fn security_leader_actions(client: &Client, app: &TestApp, driver_url: &str) -> anyhow::Result<()> {
    let (a, b) = leader_with_actions(app).await?;
    client.delete_all_cookies().await?;
    client.goto(&app.url("/login")).await?;
    find(client, "#email").await?.send_keys(LEADER).await?;
    find(client, "#password").await?.send_keys(PASSWORD).await?;
    find(client, "#login-submit").await?.click().await?;
    wait_text(client, "#page-title", "Oversikt").await?;

    // The home page: own work first.
    wait_text(client, "#open-actions .figure", "4").await?;
    wait_text(client, "#overdue-actions .figure", "1").await?;
    wait_text(client, "#next-deadline .figure", &day(10).1).await?;
    let home = client.source().await?;
    ensure!(
        !home.contains("/modules/") && !home.contains("Kommer"),
        "placeholder modules on the home page"
    );

    // The overdue figure leads to the overdue actions.
    find(client, "#overdue-actions a").await?.click().await?;
    wait_query(client, "show=overdue").await?;
    wait_text(client, "#filter-overdue", "Forfalt (1)").await?;

    // Bulk edit: the two actions without an owner get one, and a deadline.
    find(client, "#filter-open").await?.click().await?;
    wait_query(client, "show=open").await?;
    find(client, &format!("#sel-{a}")).await?.click().await?;
    find(client, &format!("#sel-{b}")).await?.click().await?;
    find(client, "#bulk-owner").await?.send_keys(OWNER).await?;
    let (deadline, deadline_shown) = day(45);
    // A date field's typing order follows the browser's locale; set it.
    client
        .execute(
            "document.getElementById('bulk-deadline').value = arguments[0];",
            vec![serde_json::json!(deadline)],
        )
        .await?;
    find(client, "#bulk-apply").await?.click().await?;
    wait_text(client, "main .notice", "Endringene er lagret for 2 tiltak.").await?;
    for id in [&a, &b] {
        let row = find(client, &format!("#action-{id}")).await?.text().await?;
        ensure!(
            row.contains(OWNER) && row.contains(&deadline_shown),
            "row {id} after the bulk edit: {row:?}"
        );
    }

    // Filter by owner and sort by deadline: both in the URL.
    find(client, "#f-owner").await?.select_by_value(OWNER).await?;
    find(client, "#filter-apply").await?.click().await?;
    wait_query(client, "owner=Informasjonssikkerhetsleder").await?;
    ensure!(row_count(client).await? == 2, "two actions of the owner");
    find(client, "#col-deadline a").await?.click().await?;
    wait_query(client, "sort=deadline").await?;
    let sorted = find(client, "#col-deadline").await?.attr("aria-sort").await?;
    ensure!(sorted.as_deref() == Some("ascending"), "aria-sort {sorted:?}");
    ensure!(row_count(client).await? == 2, "the filter is kept when sorting");
    let q = find(client, "#f-q").await?;
    q.send_keys("kurs").await?;
    q.send_keys(&char::from(Key::Enter).to_string()).await?;
    wait_query(client, "q=kurs").await?;
    ensure!(row_count(client).await? == 1, "free text narrows to one");
    let url = client.current_url().await?;
    ensure!(
        url.query()
            .is_some_and(|q| q.contains("owner=") && q.contains("sort=deadline")),
        "the filters stay together: {url}"
    );

    // On a phone.
    phone(client, driver_url, true).await?;
    let outcome = async {
        client.goto(&app.url("/")).await?;
        find(client, "#own-work").await?;
        fits_a_phone(client, "home page").await?;
        let menu_shown = js(
            client,
            "return getComputedStyle(document.getElementById('menu-items')).display;",
        )
        .await?;
        ensure!(menu_shown == "none", "the menu is folded on a phone: {menu_shown}");
        // The toggle with the keyboard: focused, Space opens the menu.
        find(client, "#menu-toggle").await?;
        js(client, "document.getElementById('menu-toggle').focus(); return true;").await?;
        let space = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: ' ' })
            .then(KeyAction::Up { value: ' ' });
        client.perform_actions(space).await?;
        let menu_shown = js(
            client,
            "return getComputedStyle(document.getElementById('menu-items')).display;",
        )
        .await?;
        ensure!(menu_shown != "none", "Space on the toggle opens the menu");
        find(client, "#menu-items a[href='/actions']").await?.click().await?;
        wait_path(client, "/actions").await?;
        find(client, "#actions").await?;
        fits_a_phone(client, "action list").await?;
        let table = js(
            client,
            "return document.getElementById('actions').getBoundingClientRect().width;",
        )
        .await?;
        ensure!(
            table.as_f64().is_some_and(|w| w <= 390.0),
            "the action table is {table} px wide"
        );
        Ok::<(), anyhow::Error>(())
    }
    .await;
    phone(client, driver_url, false).await?;
    outcome
}
