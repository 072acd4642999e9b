//! Secretariat fixtures shared by the HTTP and browser suites: a
//! secretariat user, the Normen catalogue and opted-in enterprises with
//! known scores.

use etterlev_core::{AnswerStatus, OrgNumber, SizeClass, TenantKind};
use etterlev_store::{Actor, AnswerInput, AssessmentKind, AssessmentProfile, NewAssessment, NewTenant, NewUser, Store};

use super::{DEMO_PASSWORD, TestApp};

pub const SEC_EMAIL: &str = "sekretariat@test.etterlev.no";

pub async fn secretariat_user(app: &TestApp) {
    let hash = etterlev_auth::hash_password(DEMO_PASSWORD).expect("hash");
    app.store
        .create_user(
            &Actor::cli(),
            &NewUser {
                email: SEC_EMAIL.into(),
                display_name: "Sekretær".into(),
                password_hash: Some(hash),
                is_secretariat: true,
            },
        )
        .await
        .expect("secretariat user");
}

pub fn org(n: u32) -> OrgNumber {
    let mut base = 93_000_000 + n * 10;
    loop {
        for c in 0..=9 {
            if let Ok(o) = OrgNumber::parse(&format!("{base}{c}")) {
                return o;
            }
        }
        base += 1;
    }
}

pub fn normen_requirements() -> (etterlev_catalog::CatalogSet, Vec<String>) {
    let set = etterlev_catalog::load_path(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../catalog/normen/normen-6.0-r2.yaml"
    )))
    .unwrap_or_else(|e| panic!("normen: {e:?}"));
    let ids = set.catalogs[0]
        .nodes
        .iter()
        .filter(|n| n.kind.as_str() == "requirement")
        .map(|n| n.id.clone())
        .collect();
    (set, ids)
}

/// Opted-in enterprises of one kind, each meeting `met` of ten requirements.
pub async fn enterprises(store: &Store, requirements: &[String], kind: TenantKind, first: u32, mets: &[usize]) {
    for (i, &met) in mets.iter().enumerate() {
        let n = first + i as u32;
        let (t, admin) = store
            .create_tenant_with_admin(
                &Actor::cli(),
                &NewTenant {
                    name: format!("Virksomhet {n}"),
                    org_number: org(n),
                    kind,
                    size_class: SizeClass::Micro,
                },
                &NewUser {
                    email: format!("v{n}@test.etterlev.no"),
                    display_name: format!("V {n}"),
                    password_hash: None,
                    is_secretariat: false,
                },
            )
            .await
            .expect("tenant");
        store
            .set_share_statistics(&Actor::cli(), &t.id, true)
            .await
            .expect("opt in");
        let scope = store.scope(&admin, &t.id).await.expect("scope");
        let ts = store.tenant(&scope);
        let a = ts
            .create_assessment(NewAssessment {
                catalog_key: "normen@6.0-r2".into(),
                title: "Egenvurdering".into(),
                kind: AssessmentKind::Full,
                owner: None,
                period_start: None,
                period_end: None,
                profile: AssessmentProfile {
                    kind,
                    size: SizeClass::Micro,
                    conditions: vec![],
                },
                start_from: None,
            })
            .await
            .expect("assessment");
        let rows = requirements
            .iter()
            .take(10)
            .enumerate()
            .map(|(j, id)| {
                (
                    id.clone(),
                    AnswerInput {
                        status: if j < met {
                            AnswerStatus::Implemented
                        } else {
                            AnswerStatus::NotStarted
                        },
                        maturity: None,
                        owner: None,
                        due_date: None,
                        comment: None,
                        na_reason: None,
                        wizard_answer: None,
                    },
                )
            })
            .collect();
        ts.save_answers(&a.id, rows).await.expect("answers");
    }
}

/// The secretariat API as one user: paths under `/api/v1/secretariat`,
/// JSON bodies.
pub struct SecApi<'a> {
    app: &'a TestApp,
    http: reqwest::Client,
    token: String,
}

impl<'a> SecApi<'a> {
    /// With an API token of `email`.
    pub async fn new(app: &'a TestApp, email: &str) -> SecApi<'a> {
        SecApi {
            token: app.api_token(email).await,
            http: reqwest::Client::new(),
            app,
        }
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let url = self.app.url(&format!("/api/v1/secretariat{path}"));
        let mut req = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// A request that must succeed; its JSON answer.
    pub async fn ok(&self, method: reqwest::Method, path: &str, body: Option<serde_json::Value>) -> serde_json::Value {
        let r = self.send(method, path, body).await;
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    pub async fn get(&self, path: &str) -> serde_json::Value {
        self.ok(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        self.ok(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }
}
