//! The Normen secretariat as a new secretariat user meets it, on the demo's
//! story: they land on the secretariat overview (not on an empty enterprise
//! dashboard) with a menu of what they can use, an enterprise page says why
//! it is not theirs, the overview lists the one overdue revision, the
//! meeting reads as an agenda, one case is edited in its own edit mode, a
//! comment from an organisation that sent apologies is refused with the
//! text kept, the minutes hold every decision, and the statistics explain k
//! with a legend.

use anyhow::{anyhow, ensure};
use fantoccini::{Client, Locator};

use super::common::{DEMO_PASSWORD, TestApp};
use super::{find, wait_path, wait_text};

pub(crate) async fn secretariat_persona(client: &Client, app: &TestApp) -> anyhow::Result<()> {
    let hash = etterlev_auth::hash_password(DEMO_PASSWORD)?;
    etterlev_web::demo::secretariat::seed(&app.store, None, &hash).await?;
    let email = etterlev_web::demo::secretariat::SECRETARIAT_EMAIL;

    client.delete_all_cookies().await?;
    client.goto(&app.url("/login")).await?;
    find(client, "#email").await?.send_keys(email).await?;
    find(client, "#password").await?.send_keys(DEMO_PASSWORD).await?;
    find(client, "#login-submit").await?.click().await?;

    // Lands on the overview; the menu has no enterprise pages.
    wait_path(client, "/secretariat").await?;
    let menu = find(client, "nav.side").await?.html(false).await?;
    for tenant_only in ["/assessments", "/wizard", "/actions", "/testdata"] {
        ensure!(
            !menu.contains(&format!("href=\"{tenant_only}\"")),
            "{tenant_only} in the menu: {menu}"
        );
    }
    let overdue = client.find_all(Locator::Css("#overdue-revisions li")).await?;
    ensure!(overdue.len() == 1, "one overdue revision, not {}", overdue.len());

    // An enterprise page typed in anyway: why, in the layout, a way back.
    client.goto(&app.url("/assessments")).await?;
    find(client, "#no-tenant").await?;
    find(client, "nav.side #nav-secretariat").await?;
    find(client, "#no-tenant-secretariat").await?.click().await?;
    wait_path(client, "/secretariat").await?;

    // The meeting reads as an agenda: cases in order, each with a decision,
    // and the attendance as text.
    find(client, "a[href^='/secretariat/meetings/']").await?.click().await?;
    find(client, "#agenda-list").await?;
    let cases = client.find_all(Locator::Css("#agenda-list > li.case")).await?;
    ensure!(cases.len() == 2, "two cases, not {}", cases.len());
    let decisions = client.find_all(Locator::Css("#agenda-list p.decision")).await?;
    ensure!(decisions.len() == 2, "a decision on each case");
    ensure!(
        client.find_all(Locator::Css("form.case-edit-form")).await?.is_empty(),
        "no edit forms while reading"
    );
    wait_text(
        client,
        "#attendance-list tr[data-org='KS'] td:last-child",
        "Til stede fra 10:15",
    )
    .await?;
    let meeting_path = client.current_url().await?.path().to_string();

    // A new case, then edited in its own edit mode.
    find(client, "#case-new summary").await?.click().await?;
    find(client, "#case-kind").await?.select_by_value("discussion").await?;
    find(client, "#case-title").await?.send_keys("Eventuelt").await?;
    find(client, "#case-slot").await?.send_keys("14:30–15:00").await?;
    find(client, "#case-add").await?.click().await?;
    let third = "#agenda-list > li.case:nth-child(3)";
    let number = find(client, third)
        .await?
        .attr("data-number")
        .await?
        .ok_or_else(|| anyhow!("no case number"))?;
    find(client, &format!("{third} .case-edit-link")).await?.click().await?;
    let title = find(client, &format!("{third} .case-edit-form input[name='title']")).await?;
    title.clear().await?;
    title.send_keys("Eventuelt: neste møte").await?;
    find(client, &format!("{third} .case-edit-form button"))
        .await?
        .click()
        .await?;
    wait_text(
        client,
        &format!("{third} h3"),
        &format!("Sak {number} Eventuelt: neste møte"),
    )
    .await?;
    ensure!(
        client.find_all(Locator::Css("form.case-edit-form")).await?.is_empty(),
        "back to reading after the save"
    );

    // Helse Nord sent apologies: its comment is refused, the text kept.
    find(client, &format!("{third} .case-edit-link")).await?.click().await?;
    find(client, &format!("{third} .comment-form select"))
        .await?
        .select_by_label("Helse Nord RHF")
        .await?;
    let text = "Helse Nord ønsker møtet digitalt.";
    find(client, &format!("{third} .comment-form textarea"))
        .await?
        .send_keys(text)
        .await?;
    find(client, &format!("{third} .comment-form button"))
        .await?
        .click()
        .await?;
    let error = find(client, "#sec-error").await?.text().await?;
    ensure!(error.contains("Helse Nord RHF hadde meldt forfall"), "refusal: {error}");
    let kept = find(client, &format!("{third} .comment-form textarea"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(kept == text, "the comment is kept: {kept:?}");

    // The minutes: every case decided, nothing "not dealt with".
    client.goto(&app.url(&format!("{meeting_path}/minutes.html"))).await?;
    let minutes = find(client, "body").await?.text().await?;
    ensure!(
        minutes.contains("Styringsgruppen tok orienteringen til etterretning.")
            && minutes.contains("Faktaarket trekkes.")
            && !minutes.contains("Ikke behandlet"),
        "minutes: {minutes}"
    );

    // Statistics: k in plain words, one sign for hidden cells with a legend.
    client.goto(&app.url("/secretariat/statistics")).await?;
    let k = find(client, "#k-explain").await?.text().await?;
    ensure!(k.contains("k er det minste antallet virksomheter"), "k: {k}");
    let legend = find(client, "#stat-legend").await?.text().await?;
    ensure!(
        legend.contains("Skjult for å verne enkeltvirksomheter"),
        "legend: {legend}"
    );
    find(client, "label[for='k-value']").await?;
    Ok(())
}
