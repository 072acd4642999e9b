//! Many failed sign-ins from one address slow that address down instead of
//! locking everyone at it out; the client's address is read from a
//! forwarding header only when a trusted proxy sent it.

use std::time::{Duration, Instant};

use etterlev_store::now_ms;
use etterlev_web::client_addr::{ProxyHeader, TrustedProxies};
use etterlev_web::login_throttle::{LoginThrottle, Settings};

use crate::common::{Customise, DEMO_PASSWORD, TestApp, pg_store, sqlite_store};

const READER: &str = "leser@demo.etterlev.no";
const EDITOR: &str = "redaktor@demo.etterlev.no";
/// The throttling window (`pages::auth::WINDOW_MS`).
const WINDOW_MS: i64 = 15 * 60 * 1000;

/// Small delays, so that the tests are quick but a delay is measurable.
fn quick(after_failures: i64, max_delay_ms: u64, max_waiting: usize) -> Settings {
    Settings {
        after_failures,
        first_delay: Duration::from_millis(max_delay_ms / 4),
        max_delay: Duration::from_millis(max_delay_ms),
        max_waiting,
    }
}

/// Both backends, each with `settings` and `proxies` (a trusted-proxy list).
async fn apps(settings: Settings, proxies: Option<TrustedProxies>) -> Vec<TestApp> {
    let customise = || -> Customise {
        let settings = settings.clone();
        let proxies = proxies.clone();
        Box::new(move |state| {
            state.login_throttle = std::sync::Arc::new(LoginThrottle::new(settings));
            if let Some(p) = proxies {
                std::sync::Arc::make_mut(&mut state.config).trusted_proxies = p;
            }
        })
    };
    let (store, dir) = sqlite_store().await;
    let mut v = vec![TestApp::start(store, "sqlite", Some(dir), None, Some(customise())).await];
    if let Some((store, schema)) = pg_store().await {
        v.push(TestApp::start(store, "postgres", None, Some(schema), Some(customise())).await);
    }
    v
}

struct Attempt {
    status: u16,
    elapsed: Duration,
    retry_after: Option<String>,
    body: String,
}

/// One sign-in, with optional extra headers (name, value).
async fn attempt(app: &TestApp, email: &str, password: &str, headers: &[(&str, &str)]) -> Attempt {
    let client = app.client();
    let csrf = app.csrf(&client).await;
    let mut req =
        client
            .post(app.url("/login"))
            .form(&[("_csrf", csrf.as_str()), ("email", email), ("password", password)]);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let started = Instant::now();
    let r = req.send().await.expect("post");
    let elapsed = started.elapsed();
    let status = r.status().as_u16();
    let retry_after = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = r.text().await.expect("body");
    Attempt {
        status,
        elapsed,
        retry_after,
        body,
    }
}

/// `n` failed sign-ins on made-up accounts.
async fn fail_many(app: &TestApp, n: usize, headers: &[(&str, &str)]) {
    for i in 0..n {
        let a = attempt(app, &format!("made-up-{i}@example.no"), "not the password", headers).await;
        assert_eq!(a.status, 401, "[{}] made-up account {i}", app.backend);
    }
}

async fn failures_from(app: &TestApp, address: &str) -> i64 {
    app.store
        .login_failures("nobody-in-particular", address, now_ms() - WINDOW_MS)
        .await
        .expect("count")
        .1
}

async fn throttle_entries(app: &TestApp) -> Vec<etterlev_core::AuditRecord> {
    app.store
        .system_audit(i64::MAX, 10_000)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "login.throttled")
        .collect()
}

#[tokio::test]
async fn sixty_failures_from_an_address_do_not_lock_out_a_real_user_there() {
    let max_delay = Duration::from_millis(120);
    for app in apps(quick(20, 120, 64), None).await {
        let be = app.backend;
        fail_many(&app, 60, &[]).await;
        assert_eq!(failures_from(&app, "127.0.0.1").await, 60, "[{be}]");
        // The address is slowed down: a further wrong attempt waits the longest delay.
        let wrong = attempt(&app, "made-up-x@example.no", "still wrong", &[]).await;
        assert_eq!(wrong.status, 401, "[{be}]");
        assert!(wrong.elapsed >= max_delay, "[{be}] not delayed: {:?}", wrong.elapsed);
        // A real user at the same address signs in, after the delay.
        let ok = attempt(&app, READER, DEMO_PASSWORD, &[]).await;
        assert_eq!(ok.status, 303, "[{be}] {}", ok.body);
        assert!(ok.elapsed >= max_delay, "[{be}] not delayed: {:?}", ok.elapsed);
        let ok = attempt(&app, EDITOR, DEMO_PASSWORD, &[]).await;
        assert_eq!(ok.status, 303, "[{be}] {}", ok.body);
    }
}

#[tokio::test]
async fn below_the_threshold_nothing_is_delayed() {
    // A delay long enough to see clearly if it were applied.
    let settings = Settings {
        first_delay: Duration::from_secs(10),
        max_delay: Duration::from_secs(10),
        ..quick(20, 0, 64)
    };
    for app in apps(settings, None).await {
        let be = app.backend;
        fail_many(&app, 19, &[]).await;
        let ok = attempt(&app, READER, DEMO_PASSWORD, &[]).await;
        assert_eq!(ok.status, 303, "[{be}]");
        assert!(ok.elapsed < Duration::from_secs(5), "[{be}] delayed: {:?}", ok.elapsed);
        assert!(throttle_entries(&app).await.is_empty(), "[{be}]");
    }
}

#[tokio::test]
async fn waiting_room_is_bounded_and_then_answers_retry_after() {
    // From the third failure on every attempt waits 4 s; one may wait at a time.
    let settings = Settings {
        after_failures: 3,
        first_delay: Duration::from_secs(4),
        max_delay: Duration::from_secs(4),
        max_waiting: 1,
    };
    for app in apps(settings.clone(), None).await {
        let be = app.backend;
        fail_many(&app, 3, &[]).await;
        let waiting = {
            let client = app.client();
            let csrf = app.csrf(&client).await;
            let req = client.post(app.url("/login")).form(&[
                ("_csrf", csrf.as_str()),
                ("email", READER),
                ("password", DEMO_PASSWORD),
            ]);
            tokio::spawn(async move { req.send().await.map(|r| r.status().as_u16()) })
        };
        // Give it time to take the one place.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let refused = attempt(&app, "made-up-y@example.no", "wrong", &[]).await;
        assert_eq!(refused.status, 429, "[{be}]");
        assert_eq!(refused.retry_after.as_deref(), Some("4"), "[{be}]");
        assert!(refused.elapsed < Duration::from_secs(2), "[{be}] the refusal waited");
        assert!(
            refused.body.contains("Prøv igjen om 4 sekunder") || refused.body.contains("Try again in 4 seconds"),
            "[{be}] {}",
            refused.body
        );
        // A refused attempt is not a failure (the password was not checked).
        assert_eq!(failures_from(&app, "127.0.0.1").await, 3, "[{be}]");
        // The one that waited signs in.
        assert_eq!(waiting.await.expect("task").expect("request"), 303, "[{be}]");
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_clients_are_counted_apart() {
    let proxies = TrustedProxies::parse("127.0.0.1", ProxyHeader::XForwardedFor).expect("list");
    let settings = Settings {
        first_delay: Duration::from_secs(3),
        max_delay: Duration::from_secs(3),
        ..quick(10, 0, 64)
    };
    for app in apps(settings, Some(proxies)).await {
        let be = app.backend;
        // The proxy appends the real client after whatever the client sent.
        let a = [("x-forwarded-for", "203.0.113.50, 198.51.100.1")];
        let b = [("x-forwarded-for", "198.51.100.2")];
        fail_many(&app, 12, &a).await;
        let other = attempt(&app, "made-up-b@example.no", "wrong", &b).await;
        assert_eq!(other.status, 401, "[{be}]");
        assert_eq!(failures_from(&app, "198.51.100.1").await, 12, "[{be}]");
        assert_eq!(failures_from(&app, "198.51.100.2").await, 1, "[{be}]");
        assert_eq!(failures_from(&app, "127.0.0.1").await, 0, "[{be}]");
        assert_eq!(failures_from(&app, "203.0.113.50").await, 0, "[{be}]");
        // Only the first client is slowed down.
        let fast = attempt(&app, READER, DEMO_PASSWORD, &b).await;
        assert_eq!(fast.status, 303, "[{be}]");
        assert!(
            fast.elapsed < Duration::from_millis(2500),
            "[{be}] delayed: {:?}",
            fast.elapsed
        );
        let slow = attempt(&app, EDITOR, DEMO_PASSWORD, &a).await;
        assert_eq!(slow.status, 303, "[{be}]");
        assert!(
            slow.elapsed >= Duration::from_secs(3),
            "[{be}] not delayed: {:?}",
            slow.elapsed
        );
        let entries = throttle_entries(&app).await;
        assert_eq!(entries.len(), 1, "[{be}]");
        assert_eq!(entries[0].object_id, "198.51.100.1", "[{be}]");
    }
}

#[tokio::test]
async fn rfc7239_forwarded_from_a_trusted_proxy() {
    let proxies = TrustedProxies::parse("127.0.0.0/8, ::1", ProxyHeader::Forwarded).expect("list");
    for app in apps(quick(10, 200, 64), Some(proxies)).await {
        let be = app.backend;
        let h = [("forwarded", "for=203.0.113.50, for=\"[2001:db8::7]:4711\";proto=https")];
        // X-Forwarded-For is not the configured header and is not read.
        let x = [("x-forwarded-for", "198.51.100.9")];
        assert_eq!(attempt(&app, "made-up@example.no", "wrong", &h).await.status, 401);
        assert_eq!(attempt(&app, "made-up@example.no", "wrong", &x).await.status, 401);
        assert_eq!(failures_from(&app, "2001:db8::7").await, 1, "[{be}]");
        assert_eq!(failures_from(&app, "127.0.0.1").await, 1, "[{be}]");
        assert_eq!(failures_from(&app, "198.51.100.9").await, 0, "[{be}]");
    }
}

#[tokio::test]
async fn forged_headers_from_an_untrusted_peer_change_nothing() {
    // Trusted proxies are configured, but the test client (127.0.0.1) is not one.
    let proxies = TrustedProxies::parse("10.0.0.0/8", ProxyHeader::XForwardedFor).expect("list");
    for app in apps(quick(10, 200, 64), Some(proxies)).await {
        let be = app.backend;
        for (i, forged) in ["198.51.100.1", "198.51.100.2", "10.0.0.1", "garbage, ::1"]
            .iter()
            .enumerate()
        {
            let a = attempt(
                &app,
                &format!("x{i}@example.no"),
                "wrong",
                &[("x-forwarded-for", forged)],
            )
            .await;
            assert_eq!(a.status, 401, "[{be}]");
            let f = attempt(
                &app,
                &format!("y{i}@example.no"),
                "wrong",
                &[("forwarded", &format!("for={forged}"))],
            )
            .await;
            assert_eq!(f.status, 401, "[{be}]");
        }
        assert_eq!(failures_from(&app, "127.0.0.1").await, 8, "[{be}]");
        for forged in ["198.51.100.1", "198.51.100.2", "10.0.0.1", "::1"] {
            assert_eq!(failures_from(&app, forged).await, 0, "[{be}] {forged}");
        }
    }
    // Without any trusted proxy the headers are not read either.
    for app in apps(quick(10, 200, 64), None).await {
        let be = app.backend;
        let a = attempt(&app, "z@example.no", "wrong", &[("x-forwarded-for", "198.51.100.1")]).await;
        assert_eq!(a.status, 401, "[{be}]");
        assert_eq!(failures_from(&app, "127.0.0.1").await, 1, "[{be}]");
        assert_eq!(failures_from(&app, "198.51.100.1").await, 0, "[{be}]");
    }
}

#[tokio::test]
async fn the_account_limit_still_locks_after_five_failures() {
    // The address is slowed down after three failures; the account limit
    // (five) applies as before, delay or not.
    for app in apps(quick(3, 100, 64), None).await {
        let be = app.backend;
        for i in 0..5 {
            let a = attempt(&app, EDITOR, "wrong password here", &[]).await;
            assert_eq!(a.status, 401, "[{be}] attempt {i}");
        }
        let locked = attempt(&app, EDITOR, DEMO_PASSWORD, &[]).await;
        assert_eq!(locked.status, 429, "[{be}]");
        assert!(
            locked.body.contains("15 minutter") || locked.body.contains("15 minutes"),
            "[{be}]"
        );
        // Another account at the same address signs in (after the delay).
        assert_eq!(attempt(&app, READER, DEMO_PASSWORD, &[]).await.status, 303, "[{be}]");
    }
}

#[tokio::test]
async fn throttling_is_audited_once_per_window() {
    for app in apps(quick(5, 40, 64), None).await {
        let be = app.backend;
        fail_many(&app, 5, &[]).await;
        // Five failures: at the threshold, but no attempt has been slowed yet.
        assert!(throttle_entries(&app).await.is_empty(), "[{be}]");
        // Many more attempts, some at the same time: still one entry.
        fail_many(&app, 10, &[]).await;
        let parallel: Vec<_> = (0..6)
            .map(|i| {
                let client = app.client();
                let url = app.url("/login");
                let csrf_url = app.url("/login");
                tokio::spawn(async move {
                    let html = client.get(csrf_url).send().await.ok()?.text().await.ok()?;
                    let csrf = crate::common::extract_csrf(&html);
                    let email = format!("parallel-{i}@example.no");
                    let form = [
                        ("_csrf", csrf.as_str()),
                        ("email", email.as_str()),
                        ("password", "wrong"),
                    ];
                    client
                        .post(url)
                        .form(&form)
                        .send()
                        .await
                        .ok()
                        .map(|r| r.status().as_u16())
                })
            })
            .collect();
        for p in parallel {
            assert_eq!(p.await.expect("task"), Some(401), "[{be}]");
        }
        assert_eq!(attempt(&app, READER, DEMO_PASSWORD, &[]).await.status, 303, "[{be}]");
        let entries = throttle_entries(&app).await;
        assert_eq!(entries.len(), 1, "[{be}] {entries:?}");
        let e = &entries[0];
        assert_eq!((e.object_type.as_str(), e.object_id.as_str()), ("address", "127.0.0.1"));
        assert!(
            e.after.as_deref().is_some_and(|a| a.contains("\"failures\":5")),
            "[{be}] {:?}",
            e.after
        );
        let report = app.store.audit_verify().await.expect("verify");
        assert!(report.errors.is_empty(), "[{be}]");
    }
}
