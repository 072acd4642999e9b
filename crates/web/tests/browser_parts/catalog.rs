//! Browser scenario for the catalogue's glossary: a term in a requirement's
//! text is a link whose title is the definition, and it opens the entry.

use anyhow::ensure;
use fantoccini::{Client, Locator};

use super::{WAIT, find, wait_path};
use crate::common::TestApp;

/// The reader (signed in by the catalogue scenario, fixtures imported)
/// opens requirement 2.1 b, whose text says "tilgangsstyringen", follows the
/// glossary link and lands on the definition.
pub(crate) async fn glossary_link_from_requirement(client: &Client, app: &TestApp) -> anyhow::Result<()> {
    client.goto(&app.url("/catalog/fixdemo@2.0/node/2.1-b")).await?;
    let link = find(client, ".node-text a.term").await?;
    ensure!(
        link.attr("href").await?.as_deref() == Some("/glossary#access-control"),
        "the term links to its entry"
    );
    let abbr = link.find(Locator::Css("abbr")).await?;
    let title = abbr.attr("title").await?.unwrap_or_default();
    ensure!(
        title.contains("tilgang"),
        "the definition is the link's title: {title:?}"
    );
    ensure!(abbr.text().await?.trim() == "tilgangsstyringen", "the word as written");
    link.click().await?;
    wait_path(client, "/glossary").await?;
    let url = client.current_url().await?;
    ensure!(url.fragment() == Some("access-control"), "at the entry: {url}");
    let entry = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("dt#access-control"))
        .await?;
    ensure!(entry.text().await?.trim() == "Tilgangsstyring", "the entry's term");
    Ok(())
}

/// A newcomer checks how far to trust the catalogue: a Normen requirement
/// with our number says so, a checked one lists its checks and, resting on
/// the law alone, says it is not Normen's own text; the Normen ↔ NIS2
/// mapping lists the five areas the secretariat named and narrows to one;
/// the two editions of fact sheet 31 are one click from "Hva er endret".
/// Runs signed in (after the small-enterprise path), with every shipped
/// catalogue imported.
pub(crate) async fn fidelity_marks_gap_areas_and_fact_sheet_diff(client: &Client, app: &TestApp) -> anyhow::Result<()> {
    let set = etterlev_catalog::load_path(&etterlev_web::demo::catalog_dir())
        .map_err(|d| anyhow::anyhow!("the catalogue folder does not load: {d:?}"))?;
    app.store.import_catalog_set(&set, None, false).await?;

    client.goto(&app.url("/catalog/normen@6.0-r2/node/8.4-a")).await?;
    find(client, "#numbering-note").await?;
    find(client, "h1 .label.reconstructed").await?;
    find(client, ".badge.unverified").await?;

    client.goto(&app.url("/catalog/normen@6.0-r2/node/12.1-h")).await?;
    let checks = client.find_all(Locator::Css("#checks li")).await?;
    ensure!(!checks.is_empty(), "a verified requirement lists its checks");
    find(client, "#other-basis").await?;

    client.goto(&app.url("/catalog/mappings/normen-nis2")).await?;
    let areas = client.find_all(Locator::Css("#gap-areas li")).await?;
    ensure!(areas.len() == 5, "five named gap areas, got {}", areas.len());
    find(
        client,
        "#gap-area-business-continuity a[href*='area=business-continuity']",
    )
    .await?
    .click()
    .await?;
    find(client, "#mapping-area-filter").await?;
    let rows = client.find_all(Locator::Css("#mapping tbody tr")).await?;
    ensure!(!rows.is_empty(), "the area has rows");
    for row in rows {
        ensure!(
            row.find(Locator::Css(".badge.gap-area")).await.is_ok(),
            "every row shown belongs to the area"
        );
    }

    // The first edition of the Normen summary points to its successor.
    client.goto(&app.url("/catalog/normen@6.0")).await?;
    let newer = find(client, "#newer-version a[href='/catalog/normen@6.0-r2']").await?;
    ensure!(
        newer.text().await?.contains("6.0-r2"),
        "the notice names the newest version"
    );

    client.goto(&app.url("/catalog/diff")).await?;
    find(client, "#diff-latest a[href*='from=fa31']").await?.click().await?;
    let summary = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#diff-summary"))
        .await?;
    ensure!(!summary.text().await?.trim().is_empty(), "the diff says what changed");
    let changed = client.find_all(Locator::Css("article.diff-entry")).await?;
    ensure!(!changed.is_empty(), "the editions differ");
    Ok(())
}
