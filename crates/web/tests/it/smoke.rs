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
