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
