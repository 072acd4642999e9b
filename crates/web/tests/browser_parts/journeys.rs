use super::*;

pub(super) async fn small_enterprise_path(
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
pub(super) async fn test_project_decision(client: &Client, app: &TestApp) -> anyhow::Result<()> {
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
pub(super) async fn secretariat_meeting(client: &Client, app: &TestApp) -> anyhow::Result<()> {
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
