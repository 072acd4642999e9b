//! Account flows over HTTP: password change, TOTP enrolment and recovery
//! codes, API tokens, throttling, logout, set-up links, user administration.

use etterlev_store::{SetupPurpose, now_ms};

use crate::common::{DEMO_PASSWORD, TestApp, extract_csrf};

const EDITOR: &str = "redaktor@demo.etterlev.no";

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    client
        .get(app.url(path))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body")
}

async fn try_login(app: &TestApp, email: &str, password: &str) -> (reqwest::Client, reqwest::StatusCode, String) {
    let client = app.client();
    let csrf = app.csrf(&client).await;
    let r = client
        .post(app.url("/login"))
        .form(&[("_csrf", csrf.as_str()), ("email", email), ("password", password)])
        .send()
        .await
        .expect("post");
    let status = r.status();
    let loc = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (client, status, loc)
}

#[tokio::test]
async fn password_change() {
    for app in TestApp::both().await {
        let be = app.backend;
        let client = app.login(EDITOR).await;
        let other_session = app.login(EDITOR).await;
        let csrf = extract_csrf(&page(&client, &app, "/account").await);
        let new_pw = "en helt ny og lang passordfrase";
        let bad = client
            .post(app.url("/account/password"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("current", "wrong password!!"),
                ("new", new_pw),
                ("confirm", new_pw),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(bad.status(), 422, "[{be}] wrong current password");
        let weak = client
            .post(app.url("/account/password"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("current", DEMO_PASSWORD),
                ("new", "short"),
                ("confirm", "short"),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(weak.status(), 422, "[{be}] weak password");
        assert!(
            weak.text().await.expect("t").contains("minst 12"),
            "[{be}] explains the rule"
        );
        let ok = client
            .post(app.url("/account/password"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("current", DEMO_PASSWORD),
                ("new", new_pw),
                ("confirm", new_pw),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(ok.status(), 303, "[{be}]");
        assert_eq!(
            try_login(&app, EDITOR, DEMO_PASSWORD).await.1,
            401,
            "[{be}] old password refused"
        );
        assert_eq!(
            try_login(&app, EDITOR, new_pw).await.1,
            303,
            "[{be}] new password works"
        );
        // This session survives; the other one was ended.
        assert_eq!(
            client.get(app.url("/account")).send().await.expect("g").status(),
            200,
            "[{be}]"
        );
        assert_eq!(
            other_session.get(app.url("/account")).send().await.expect("g").status(),
            303,
            "[{be}] other session ended"
        );
    }
}

#[tokio::test]
async fn totp_enrolment_and_recovery_codes() {
    for app in TestApp::both().await {
        let be = app.backend;
        let client = app.login(EDITOR).await;
        let html = page(&client, &app, "/account/totp").await;
        let secret = html
            .split("id=\"totp-secret\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .expect("secret shown")
            .to_string();
        assert!(html.contains("data:image/svg+xml;base64,"), "[{be}] QR code");
        let csrf = extract_csrf(&html);
        let wrong = client
            .post(app.url("/account/totp"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("secret", secret.as_str()),
                ("code", "000000"),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(wrong.status(), 422, "[{be}]");
        let now = now_ms() as u64 / 1000;
        let code = etterlev_auth::totp::code_at(&secret, now).expect("code");
        let done = client
            .post(app.url("/account/totp"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("secret", secret.as_str()),
                ("code", code.as_str()),
            ])
            .send()
            .await
            .expect("post")
            .text()
            .await
            .expect("body");
        let codes: Vec<String> = done
            .split("<li><code>")
            .skip(1)
            .filter_map(|s| s.split('<').next())
            .map(str::to_string)
            .collect();
        assert_eq!(codes.len(), 10, "[{be}] ten recovery codes shown");

        // Signing in now needs the second factor.
        let (c2, status, loc) = try_login(&app, EDITOR, DEMO_PASSWORD).await;
        assert_eq!((status.as_u16(), loc.starts_with("/login/totp")), (303, true), "[{be}]");
        assert_eq!(
            c2.get(app.url("/")).send().await.expect("g").status(),
            303,
            "[{be}] half-signed-in session is not enough"
        );
        let csrf2 = app.csrf(&c2).await;
        let r = c2
            .post(app.url("/login/totp"))
            .form(&[("_csrf", csrf2.as_str()), ("code", codes[0].as_str())])
            .send()
            .await
            .expect("p");
        assert_eq!(r.status(), 303, "[{be}] recovery code accepted");
        assert_eq!(c2.get(app.url("/")).send().await.expect("g").status(), 200, "[{be}]");
        // A recovery code works once.
        let (c3, _, _) = try_login(&app, EDITOR, DEMO_PASSWORD).await;
        let csrf3 = app.csrf(&c3).await;
        let r = c3
            .post(app.url("/login/totp"))
            .form(&[("_csrf", csrf3.as_str()), ("code", codes[0].as_str())])
            .send()
            .await
            .expect("p");
        assert_eq!(r.status(), 401, "[{be}] used recovery code refused");
    }
}

#[tokio::test]
async fn api_token_shown_once_works_and_revokes() {
    for app in TestApp::both().await {
        let be = app.backend;
        let client = app.login(EDITOR).await;
        let csrf = extract_csrf(&page(&client, &app, "/account").await);
        let html = client
            .post(app.url("/account/tokens"))
            .form(&[("_csrf", csrf.as_str()), ("name", "rapportskript")])
            .send()
            .await
            .expect("post")
            .text()
            .await
            .expect("body");
        let token = html
            .split("id=\"new-token\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .expect("token shown")
            .to_string();
        assert!(token.starts_with("etl_pat_"), "[{be}]");
        assert!(
            !page(&client, &app, "/account").await.contains(&token),
            "[{be}] shown only once"
        );
        let api = reqwest::Client::new();
        let me = api
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me");
        assert_eq!(me.status(), 200, "[{be}]");
        let tokens = app
            .store
            .api_tokens_of(&app.store.user_by_email(EDITOR).await.expect("q").expect("u").id)
            .await
            .expect("t");
        let id = &tokens[0].id;
        let r = client
            .post(app.url(&format!("/account/tokens/{id}/revoke")))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .expect("revoke");
        assert_eq!(r.status(), 303, "[{be}]");
        let me = api
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me");
        assert_eq!(me.status(), 401, "[{be}] revoked token refused");
    }
}

#[tokio::test]
async fn login_is_throttled_per_account() {
    for app in TestApp::both().await {
        let be = app.backend;
        for _ in 0..5 {
            assert_eq!(try_login(&app, EDITOR, "wrong password here").await.1, 401, "[{be}]");
        }
        // Even the right password is refused while the window lasts.
        assert_eq!(try_login(&app, EDITOR, DEMO_PASSWORD).await.1, 429, "[{be}]");
        // Other accounts are not affected.
        assert_eq!(
            try_login(&app, "leser@demo.etterlev.no", DEMO_PASSWORD).await.1,
            303,
            "[{be}]"
        );
        // Unknown accounts fail the same way as wrong passwords.
        assert_eq!(
            try_login(&app, "nobody@demo.etterlev.no", DEMO_PASSWORD).await.1,
            401,
            "[{be}]"
        );
    }
}

#[tokio::test]
async fn logout_ends_the_session() {
    for app in TestApp::both().await {
        let client = app.login(EDITOR).await;
        let csrf = extract_csrf(&page(&client, &app, "/").await);
        let r = client
            .post(app.url("/logout"))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .expect("logout");
        assert_eq!(r.status(), 303);
        assert_eq!(
            client.get(app.url("/")).send().await.expect("g").status(),
            303,
            "[{}]",
            app.backend
        );
    }
}

#[tokio::test]
async fn first_admin_setup_link_works_once_and_validates() {
    for app in TestApp::both().await {
        let be = app.backend;
        let token = etterlev_auth::new_token("setup");
        app.store
            .create_setup_link(&token.hash, SetupPurpose::FirstAdmin, None, now_ms() + 60_000)
            .await
            .expect("link");
        let path = format!("/setup/{}", token.plaintext);
        let client = app.client();
        let csrf = extract_csrf(&page(&client, &app, &path).await);
        let mut form = vec![
            ("_csrf", csrf.clone()),
            ("tenant_name", "Nye Tannhelse".to_string()),
            ("org_number", "123456789".to_string()),
            ("kind", "dentist".to_string()),
            ("size", "micro".to_string()),
            ("email", "sjef@tann.example.no".to_string()),
            ("display_name", "Sjef".to_string()),
            ("password", "lang nok passordfrase her".to_string()),
            ("password2", "lang nok passordfrase her".to_string()),
        ];
        let r = client.post(app.url(&path)).form(&form).send().await.expect("post");
        assert_eq!(r.status(), 422, "[{be}] invalid org number");
        assert!(r.text().await.expect("t").contains("kontrollsiffer"), "[{be}] says why");
        assert!(
            app.store
                .user_by_email("sjef@tann.example.no")
                .await
                .expect("q")
                .is_none(),
            "[{be}] nothing saved"
        );
        form[2].1 = "310000000".into();
        let r = client.post(app.url(&path)).form(&form).send().await.expect("post");
        assert_eq!(r.status(), 303, "[{be}]");
        assert_eq!(
            try_login(&app, "sjef@tann.example.no", "lang nok passordfrase her")
                .await
                .1,
            303,
            "[{be}]"
        );
        // The link is used up.
        assert_eq!(
            client.get(app.url(&path)).send().await.expect("g").status(),
            404,
            "[{be}]"
        );
    }
}

#[tokio::test]
async fn admin_manages_users_and_changes_are_audited() {
    for app in TestApp::both().await {
        let be = app.backend;
        let client = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        // Switch to the GP office, where the other demo users are.
        let admin = app
            .store
            .user_by_email(etterlev_web::demo::ADMIN_EMAIL)
            .await
            .expect("q")
            .expect("u");
        let gp = app
            .store
            .memberships_of(&admin.id)
            .await
            .expect("m")
            .into_iter()
            .find(|m| m.tenant.name.contains("legekontor"))
            .expect("gp");
        let csrf = extract_csrf(&page(&client, &app, "/").await);
        let r = client
            .post(app.url("/tenant"))
            .form(&[("_csrf", csrf.as_str()), ("tenant_id", gp.tenant.id.as_str())])
            .send()
            .await
            .expect("switch");
        assert_eq!(r.status(), 303, "[{be}]");
        let users = page(&client, &app, "/admin/users").await;
        assert!(users.contains("Lise Leser"), "[{be}] members of the GP office listed");
        // Add a new user: gets a one-time set-password link.
        let html = client
            .post(app.url("/admin/users"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("email", "ny@demo.etterlev.no"),
                ("display_name", "Ny Person"),
                ("role", "editor"),
            ])
            .send()
            .await
            .expect("add")
            .text()
            .await
            .expect("b");
        let link = html
            .split("id=\"invite-link\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .expect("invite link")
            .to_string();
        assert!(link.contains("/setup/setup_"), "[{be}] {link}");
        // Change the reader's role.
        let reader = app
            .store
            .user_by_email("leser@demo.etterlev.no")
            .await
            .expect("q")
            .expect("u");
        let r = client
            .post(app.url(&format!("/admin/users/{}", reader.id)))
            .form(&[("_csrf", csrf.as_str()), ("role", "auditor")])
            .send()
            .await
            .expect("role");
        assert_eq!(r.status(), 303, "[{be}]");
        let audit = page(&client, &app, "/audit").await;
        assert!(
            audit.contains("membership.update"),
            "[{be}] role change in the audit log page"
        );
        assert!(audit.contains("membership.create"), "[{be}]");
        // People read sentences; the raw action is only the cell's tooltip.
        assert!(
            audit.contains(">Rolle endret: "),
            "[{be}] audit entries read as sentences"
        );
        assert!(!audit.contains(">membership.update"), "[{be}] no raw action as text");
        let scope = app.store.scope(&admin, &gp.tenant.id).await.expect("scope");
        let entries = app.store.tenant(&scope).audit_page(i64::MAX, 10).await.expect("audit");
        let update = entries.iter().find(|e| e.action == "membership.update").expect("entry");
        assert_eq!(update.actor_label, etterlev_web::demo::ADMIN_EMAIL, "[{be}] who");
        assert!(
            update.before.as_deref().unwrap_or("").contains("\"reader\""),
            "[{be}] before"
        );
        assert!(
            update.after.as_deref().unwrap_or("").contains("\"auditor\""),
            "[{be}] after"
        );
        let detail = page(&client, &app, &format!("/audit/{}", update.seq)).await;
        assert!(detail.contains("auditor"), "[{be}] entry page shows after-state");
        // A reader sees neither user administration nor the audit log.
        let reader_client = app.login("redaktor@demo.etterlev.no").await;
        assert_eq!(
            reader_client
                .get(app.url("/admin/users"))
                .send()
                .await
                .expect("g")
                .status(),
            403,
            "[{be}]"
        );
        assert_eq!(
            reader_client.get(app.url("/audit")).send().await.expect("g").status(),
            403,
            "[{be}]"
        );
        assert!(
            app.store.audit_verify().await.expect("verify").errors.is_empty(),
            "[{be}] chain intact"
        );
    }
}

#[tokio::test]
async fn sign_out_all_other_sessions() {
    for app in TestApp::both().await {
        let be = app.backend;
        let here = app.login(EDITOR).await;
        let elsewhere = app.login(EDITOR).await;
        let html = page(&here, &app, "/account").await;
        assert!(
            html.contains("Denne økten") && html.contains("id=\"end-other-sessions\""),
            "[{be}] sessions listed"
        );
        let csrf = extract_csrf(&html);
        let r = here
            .post(app.url("/account/sessions/end-others"))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 303, "[{be}]");
        assert_eq!(
            here.get(app.url("/account")).send().await.expect("g").status(),
            200,
            "[{be}] this session stays"
        );
        assert_eq!(
            elsewhere.get(app.url("/account")).send().await.expect("g").status(),
            303,
            "[{be}] the other one ended"
        );
        let audit = app.store.system_audit(i64::MAX, 5).await.expect("audit");
        assert!(
            audit.iter().any(|e| e.action == "user.sessions_end_others"),
            "[{be}] audited"
        );
    }
}
