//! The inventory walked as a security leader would: register two systems
//! and an integration between them, see both in the data-flow picture, make
//! a measure that serves a requirement of each of two catalogues (a
//! Normen-like and a NIS2-like fixture, mapped to each other), and find the
//! measure, with its evidence, under the requirement in an assessment of
//! each catalogue; under a mapped requirement it is offered and cited.

use anyhow::{anyhow, ensure};
use fantoccini::{Client, Locator};

use super::common::TestApp;
use super::{fetch_with_browser_cookies, find, wait_path, wait_text};
use etterlev_web::demo::PASSWORD;

const LEADER: &str = "it-leder@havbris.example.no";

/// A hospital of its own with an IT leader (admin, password, no TOTP), and
/// an assessment of each fixture catalogue: (assessment on fixdemo, on fixother).
async fn leader(app: &TestApp) -> anyhow::Result<(String, String)> {
    use etterlev_core::{OrgNumber, SizeClass, TenantKind};
    use etterlev_store::{AssessmentKind, AssessmentProfile, NewAssessment, NewTenant, NewUser};
    app.import_fixture_catalogs().await;
    let org = (0..10)
        .find_map(|d| OrgNumber::parse(&format!("31400000{d}")).ok())
        .ok_or_else(|| anyhow!("no valid org number"))?;
    let hash = etterlev_auth::hash_password(PASSWORD).map_err(|e| anyhow!("{e}"))?;
    let (tenant, user) = app
        .store
        .create_tenant_with_admin(
            &etterlev_store::Actor::cli(),
            &NewTenant {
                name: "Havbris sykehus".into(),
                org_number: org,
                kind: TenantKind::HospitalTrust,
                size_class: SizeClass::Large,
            },
            &NewUser {
                email: LEADER.into(),
                display_name: "Ivar IT-leder".into(),
                password_hash: Some(hash),
                is_secretariat: false,
            },
        )
        .await?;
    let scope = app.store.scope(&user, &tenant.id).await?;
    let ts = app.store.tenant(&scope);
    let assessment = |catalog: &str| NewAssessment {
        catalog_key: catalog.into(),
        title: format!("Vurdering {catalog}"),
        kind: AssessmentKind::Full,
        owner: None,
        period_start: None,
        period_end: None,
        profile: AssessmentProfile {
            kind: TenantKind::HospitalTrust,
            size: SizeClass::Large,
            conditions: vec![],
        },
        start_from: None,
    };
    let a = ts.create_assessment(assessment("fixdemo@2.0")).await?;
    let b = ts.create_assessment(assessment("fixother@1")).await?;
    Ok((a.id, b.id))
}

/// Chooses the option of `select` whose text is `text`.
async fn choose(client: &Client, select: &str, text: &str) -> anyhow::Result<()> {
    find(client, select).await?.select_by_label(text).await?;
    Ok(())
}

async fn register_system(client: &Client, app: &TestApp, name: &str, category: &str) -> anyhow::Result<()> {
    client.goto(&app.url("/inventory")).await?;
    find(client, "#new-system").await?.click().await?;
    wait_path(client, "/inventory/systems/new").await?;
    find(client, "#name").await?.send_keys(name).await?;
    choose(client, "#data_category", category).await?;
    choose(client, "#criticality", "Kritisk").await?;
    find(client, "#system-save").await?.click().await?;
    wait_text(client, "#page-title", name).await?;
    Ok(())
}

pub(crate) async fn inventory_to_evidence(client: &Client, app: &TestApp) -> anyhow::Result<()> {
    let (normen_like, nis2_like) = leader(app).await?;
    client.delete_all_cookies().await?;
    client.goto(&app.url("/login")).await?;
    find(client, "#email").await?.send_keys(LEADER).await?;
    find(client, "#password").await?.send_keys(PASSWORD).await?;
    find(client, "#login-submit").await?.click().await?;
    wait_text(client, "#page-title", "Oversikt").await?;

    // The menu leads to the inventory; two systems are registered.
    find(client, "#nav-inventory").await?.click().await?;
    wait_text(client, "#page-title", "Systemoversikt").await?;
    find(client, "#no-systems").await?;
    register_system(client, app, "Havbris journal", "Helseopplysninger").await?;
    register_system(client, app, "Havbris lab", "Helseopplysninger").await?;

    // An integration: the lab's results go to the journal, the lab is the source.
    client.goto(&app.url("/inventory")).await?;
    find(client, "#new-integration").await?.click().await?;
    wait_path(client, "/inventory/integrations/new").await?;
    choose(client, "#from_system", "Havbris lab").await?;
    choose(client, "#to_system", "Havbris journal").await?;
    find(client, "#data").await?.send_keys("Prøvesvar").await?;
    choose(client, "#source_system", "Havbris lab").await?;
    find(client, "#integration-save").await?.click().await?;
    wait_path(client, "/inventory").await?;
    let list = find(client, "#integrations").await?.text().await?;
    ensure!(
        list.contains("Prøvesvar") && list.contains("Kopi av autoritativ kilde"),
        "the integration and its copy: {list}"
    );

    // The picture shows both systems and loads as an image.
    let loaded = client
        .execute(
            "const i = document.getElementById('map'); return i.complete && i.naturalWidth > 0;",
            vec![],
        )
        .await?;
    ensure!(
        loaded == serde_json::Value::Bool(true),
        "the data-flow picture did not load"
    );
    let svg = String::from_utf8(fetch_with_browser_cookies(client, &app.url("/inventory/map.svg")).await?)?;
    ensure!(
        svg.contains("Havbris journal") && svg.contains("Havbris lab") && svg.contains("Prøvesvar"),
        "the picture lacks a system or the integration"
    );

    // A measure for the journal, serving a requirement of each catalogue.
    find(client, "#nav-measures").await?.click().await?;
    wait_text(client, "#page-title", "Sikringstiltak").await?;
    find(client, "#new-measure").await?.click().await?;
    find(client, "#title")
        .await?
        .send_keys("Sterk autentisering i journalen")
        .await?;
    choose(client, "#status", "Innført").await?;
    let journal = client
        .find(Locator::XPath("//label[normalize-space()='Havbris journal']"))
        .await?
        .attr("for")
        .await?
        .ok_or_else(|| anyhow!("no checkbox for the journal"))?;
    find(client, &format!("#{journal}")).await?.click().await?;
    find(client, "#requirements")
        .await?
        .send_keys("fixdemo@2.0 2.1-a\nfixother@1 B")
        .await?;
    find(client, "#check_method")
        .await?
        .send_keys("Månedlig rapport over pålogginger uten MFA")
        .await?;
    find(client, "#measure-save").await?.click().await?;
    wait_text(client, "#page-title", "Sterk autentisering i journalen").await?;

    // Under the requirement of each catalogue, with its evidence.
    for (assessment, node) in [(&normen_like, "2.1-a"), (&nis2_like, "B")] {
        client
            .goto(&app.url(&format!("/assessments/{assessment}/req/{node}")))
            .await?;
        let serving = find(client, "#serving-measures").await?.text().await?;
        ensure!(
            serving.contains("Sterk autentisering i journalen") && serving.contains("pålogginger uten MFA"),
            "{node}: the measure and its check are not shown: {serving}"
        );
    }
    // Under a mapped requirement it is offered, and citing it links it.
    client
        .goto(&app.url(&format!("/assessments/{nis2_like}/req/A")))
        .await?;
    let offered = find(client, "#offered-measures").await?;
    ensure!(
        offered.text().await?.contains("fixdemo@2.0 2.1-a"),
        "the measure is not offered through the mapping"
    );
    offered.find(Locator::Css("button")).await?.click().await?;
    let serving = find(client, "#serving-measures").await?.text().await?;
    ensure!(
        serving.contains("Sterk autentisering i journalen"),
        "citing did not link: {serving}"
    );
    Ok(())
}
