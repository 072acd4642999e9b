use crate::common::TestApp;

#[tokio::test]
async fn demo_admin_signs_in_and_sees_dashboard() {
    for app in TestApp::both().await {
        let client = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let html = client
            .get(app.url("/"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        assert!(
            html.contains("id=\"page-title\""),
            "[{}] dashboard: {html}",
            app.backend
        );
    }
}

/// An error page for a signed-in user keeps the normal layout (menu,
/// enterprise, user) and says what to do next, in the user's language;
/// signed out, it is the plain layout.
#[tokio::test]
async fn error_pages_keep_the_users_layout_and_say_what_to_do() {
    for app in TestApp::both().await {
        let be = app.backend;
        let client = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let missing = format!("/assessments/{}", uuid::Uuid::now_v7());
        let r = client.get(app.url(&missing)).send().await.expect("get");
        assert_eq!(r.status(), 404, "[{be}]");
        let html = r.text().await.expect("body");
        for needle in [
            "class=\"side\"",
            "id=\"current-tenant\"",
            "href=\"/actions\"",
            "id=\"error-next\"",
            "Sjekk adressen",
            "<html lang=\"nb\">",
        ] {
            assert!(html.contains(needle), "[{be}] error page lacks {needle}: {html}");
        }
        let anonymous = app.client();
        let html = anonymous
            .get(app.url("/no-such-page"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        assert!(html.contains("id=\"error-next\""), "[{be}] {html}");
        assert!(
            !html.contains("class=\"side\""),
            "[{be}] no menu when signed out: {html}"
        );
    }
}
