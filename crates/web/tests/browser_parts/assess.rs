//! Browser scenario for a hospital trust's security leader on a large
//! assessment: the requirement table filters and sorts through the URL and
//! fits a 1366 px screen without sideways scrolling, and on a requirement
//! the status, maturity and comment typed before uploading evidence (without
//! pressing "Lagre svaret") are stored and shown after the upload.

use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, ensure};
use fantoccini::{Client, Locator};

use super::common::TestApp;

const WAIT: Duration = Duration::from_secs(15);
const EDITOR: &str = "redaktor@demo.etterlev.no";

async fn find(client: &Client, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("waiting for element {css}"))
}

/// Waits until the address (path and query) satisfies `ok`.
async fn wait_url(client: &Client, what: &str, ok: impl Fn(&str) -> bool) -> anyhow::Result<String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let url = client.current_url().await?;
        let here = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        if ok(&here) {
            return Ok(here);
        }
        if Instant::now() > deadline {
            return Err(anyhow!("expected {what}, browser is at {here}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The page is no wider than the window.
async fn no_sideways_scroll(client: &Client, what: &str) -> anyhow::Result<()> {
    let v = client
        .execute(
            "const d = document.documentElement; const w = d.clientWidth; \
             const wide = [...document.querySelectorAll('body *')] \
               .filter(e => e.getBoundingClientRect().right > w + 1) \
               .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right)); \
             return [d.scrollWidth, w, wide.join(', ')];",
            vec![],
        )
        .await?;
    let (scroll, width) = (v[0].as_i64().unwrap_or(-1), v[1].as_i64().unwrap_or(0));
    ensure!(
        scroll >= 0 && scroll <= width,
        "{what} scrolls sideways: scrollWidth {scroll} > clientWidth {width}; too wide: {}",
        v[2]
    );
    Ok(())
}

/// A hospital-sized assessment on the newest Normen at the demo GP office
/// (where the demo editor works), with a few owners; returns its id and the
/// id of a requirement without an answer.
async fn large_assessment(app: &TestApp) -> anyhow::Result<(String, Vec<String>)> {
    use etterlev_core::{AnswerStatus, Maturity, SizeClass, TenantKind};
    use etterlev_store::{AnswerInput, AssessmentKind, AssessmentProfile, NewAssessment};
    let set = etterlev_catalog::load_path(&etterlev_web::demo::catalog_dir().join("normen"))
        .map_err(|d| anyhow!("normen does not load: {d:?}"))?;
    app.store.import_catalog_set(&set, None, false).await?;
    let normen = set
        .catalogs
        .iter()
        .max_by(|a, b| (&a.date, &a.version).cmp(&(&b.date, &b.version)))
        .ok_or_else(|| anyhow!("no Normen version"))?;
    let user = app
        .store
        .user_by_email(EDITOR)
        .await?
        .ok_or_else(|| anyhow!("demo editor"))?;
    let tenant = app
        .store
        .memberships_of(&user.id)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("the editor's enterprise"))?
        .tenant;
    let scope = app.store.scope(&user, &tenant.id).await?;
    let ts = app.store.tenant(&scope);
    let a = ts
        .create_assessment(NewAssessment {
            catalog_key: normen.key(),
            title: "Sykehusvurdering i nettleseren".into(),
            kind: AssessmentKind::Full,
            owner: None,
            period_start: None,
            period_end: None,
            profile: AssessmentProfile {
                kind: TenantKind::HospitalTrust,
                size: SizeClass::Large,
                conditions: Vec::new(),
            },
            start_from: None,
        })
        .await?;
    // A few answers with owners on the first requirements that apply.
    let nodes: Vec<String> = etterlev_catalog::filter(normen, &a.profile.to_profile())
        .applicable
        .iter()
        .filter(|n| n.kind.is_assessable())
        .map(|n| n.id.clone())
        .take(8)
        .collect();
    ensure!(nodes.len() == 8, "few requirements apply to a hospital");
    for (i, node) in nodes.iter().take(6).enumerate() {
        let input = AnswerInput {
            status: if i % 2 == 0 {
                AnswerStatus::Partly
            } else {
                AnswerStatus::Implemented
            },
            maturity: Maturity::new(2).ok(),
            owner: Some(
                if i < 3 {
                    "Informasjonssikkerhetsleder"
                } else {
                    "IKT-sjef"
                }
                .into(),
            ),
            due_date: Some(format!("2027-0{}-15", i + 1)),
            comment: None,
            na_reason: None,
            wizard_answer: None,
        };
        ts.save_answer(&a.id, node, input, 0).await?;
    }
    Ok((a.id, nodes))
}

pub(crate) async fn assessment_filter_and_answer_kept(client: &Client, app: &TestApp) -> anyhow::Result<()> {
    let (id, nodes) = large_assessment(app).await?;
    let fresh = nodes[7].clone();
    client.delete_all_cookies().await?;
    client.set_window_size(1366, 900).await?;
    client.goto(&app.url("/login")).await?;
    find(client, "#email").await?.send_keys(EDITOR).await?;
    find(client, "#password").await?.send_keys(super::PASSWORD).await?;
    find(client, "#login-submit").await?.click().await?;
    wait_url(client, "the home page", |u| u == "/").await?;

    // The whole assessment (about 130 rows) fits the screen.
    let base = format!("/assessments/{id}");
    client.goto(&app.url(&base)).await?;
    find(client, "#row-filter").await?;
    let rows = client.find_all(Locator::Css("tr[id^='r-']")).await?.len();
    ensure!(rows > 100, "a hospital's assessment has many rows, not {rows}");
    no_sideways_scroll(client, "the assessment page").await?;

    // Filter by status and owner with the form (no script needed): the
    // filter lands in the URL and only matching rows are left.
    find(client, "#f-status option[value='partly']").await?.click().await?;
    find(client, "#f-owner option[value='Informasjonssikkerhetsleder']")
        .await?
        .click()
        .await?;
    find(client, "#filter-apply").await?.click().await?;
    let here = wait_url(client, "the filter in the URL", |u| u.contains("status=partly")).await?;
    ensure!(
        here.contains("owner=Informasjonssikkerhetsleder"),
        "owner not in {here}"
    );
    let shown = client.find_all(Locator::Css("tr[id^='r-']")).await?;
    ensure!(shown.len() == 2, "partly + owner: 2 rows, not {}", shown.len());
    for r in &shown {
        let class = r.attr("class").await?.unwrap_or_default();
        ensure!(class == "status-partly", "row with {class}");
    }
    // Sort by due date, newest first, by clicking the column head twice.
    find(client, "th a.sort-link[href*='sort=due']").await?.click().await?;
    wait_url(client, "sorted by due date", |u| {
        u.contains("sort=due") && !u.contains("dir=")
    })
    .await?;
    find(client, "th a.sort-link[href*='sort=due']").await?.click().await?;
    let here = wait_url(client, "sorted descending", |u| u.contains("dir=desc")).await?;
    ensure!(
        here.contains("status=partly"),
        "the filter is kept when sorting: {here}"
    );
    find(client, "th[aria-sort='descending']").await?;
    // Due in March (the third answer) before January (the first).
    let mut order = Vec::new();
    for tr in client.find_all(Locator::Css("tr[id^='r-']")).await? {
        order.push(tr.attr("id").await?.unwrap_or_default());
    }
    let want = vec![format!("r-{}", nodes[2]), format!("r-{}", nodes[0])];
    ensure!(order == want, "due dates descending: {order:?}, want {want:?}");
    no_sideways_scroll(client, "the filtered assessment page").await?;

    // A requirement: status, maturity and comment typed, then a file
    // uploaded without pressing "Lagre svaret".
    client.goto(&app.url(&format!("{base}/req/{fresh}"))).await?;
    find(client, "input[name='status'][value='partly']")
        .await?
        .click()
        .await?;
    find(client, "input[name='maturity'][value='3']").await?.click().await?;
    find(client, "#comment")
        .await?
        .send_keys("Skrevet før opplasting i nettleseren")
        .await?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("tilgangsrutine.txt");
    std::fs::write(&file, "Rutine for tilgangsstyring.\n")?;
    find(client, "#file")
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    find(client, "#upload-button").await?.click().await?;
    let here = wait_url(client, "back on the requirement after the upload", |u| {
        u.contains("uploaded=1")
    })
    .await?;
    ensure!(
        here.contains("saved=1"),
        "the answer was not saved with the upload: {here}"
    );

    // Shown after the upload...
    find(client, "input[name='status'][value='partly']:checked").await?;
    find(client, "input[name='maturity'][value='3']:checked").await?;
    let comment = find(client, "#comment").await?.prop("value").await?.unwrap_or_default();
    ensure!(
        comment == "Skrevet før opplasting i nettleseren",
        "comment after upload: {comment:?}"
    );
    let evidence = find(client, "ul.evidence").await?.text().await?;
    ensure!(evidence.contains("tilgangsrutine.txt"), "evidence: {evidence}");
    // ...and stored.
    let user = app
        .store
        .user_by_email(EDITOR)
        .await?
        .ok_or_else(|| anyhow!("editor"))?;
    let tenant = app.store.memberships_of(&user.id).await?.remove(0).tenant;
    let scope = app.store.scope(&user, &tenant.id).await?;
    let stored = app
        .store
        .tenant(&scope)
        .answers(&id)
        .await?
        .into_iter()
        .find(|a| a.node_id == fresh)
        .ok_or_else(|| anyhow!("no stored answer for {fresh}"))?;
    ensure!(
        stored.status.as_str() == "partly"
            && stored.maturity.map(|m| m.level()) == Some(3)
            && stored.comment.as_deref() == Some("Skrevet før opplasting i nettleseren"),
        "stored: {stored:?}"
    );
    no_sideways_scroll(client, "the requirement page").await?;
    Ok(())
}
