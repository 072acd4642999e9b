//! Sessions, second factors, API tokens, set-up links, login throttling and
//! backups: the account-level state outside tenant scopes.

use etterlev_core::{Role, SizeClass, TenantKind};
use etterlev_store::{Actor, NewTenant, Session, SetupPurpose, Store, StoreError, User, now_ms};

use crate::support::*;

async fn user(b: &str, store: &Store, email: &str) -> User {
    store
        .create_user(&Actor::cli(), &new_user(email))
        .await
        .must(b, &format!("create_user {email}"))
}

fn session(token: &str, user: &User, now: i64) -> Session {
    Session {
        token_hash: token.into(),
        user_id: user.id.clone(),
        tenant_id: None,
        csrf_token: format!("csrf-{token}"),
        mfa_pending: true,
        created_at: now,
        expires_at: now + 3_600_000,
        last_seen_at: now,
    }
}

#[tokio::test]
async fn sessions_lifecycle() {
    each_backend(|b, store| async move {
        let (t, kari) = tenant_with_admin(b, &store, "T", "974760673", "kari@example.no").await;
        let (other, _) = tenant_with_admin(b, &store, "O", "983544622", "ola@example.no").await;
        let now = now_ms();
        let s = session("tok1", &kari, now);
        store.create_session(&s).await.must(b, "create_session");
        assert_err!(
            b,
            store.create_session(&s).await,
            StoreError::Conflict(_),
            "same token twice"
        );

        let got = store
            .session("tok1", now)
            .await
            .must(b, "session")
            .unwrap_or_else(|| panic!("[{b}] session not found"));
        assert_eq!(
            (
                got.user_id.as_str(),
                got.tenant_id.as_deref(),
                got.csrf_token.as_str(),
                got.mfa_pending
            ),
            (kari.id.as_str(), None, "csrf-tok1", true),
            "[{b}]"
        );
        assert_eq!(
            (got.created_at, got.expires_at, got.last_seen_at),
            (s.created_at, s.expires_at, s.last_seen_at),
            "[{b}]"
        );
        assert!(
            store.session("nope", now).await.must(b, "session").is_none(),
            "[{b}] unknown token"
        );

        // Expiry: valid strictly before expires_at.
        assert!(
            store
                .session("tok1", s.expires_at - 1)
                .await
                .must(b, "session")
                .is_some(),
            "[{b}] just before expiry"
        );
        assert!(
            store.session("tok1", s.expires_at).await.must(b, "session").is_none(),
            "[{b}] at expiry"
        );
        assert!(
            store
                .session("tok1", s.expires_at + 1)
                .await
                .must(b, "session")
                .is_none(),
            "[{b}] after expiry"
        );

        // Sliding expiry and MFA completion.
        store
            .touch_session("tok1", now + 10, now + 7_200_000)
            .await
            .must(b, "touch_session");
        store.complete_mfa("tok1").await.must(b, "complete_mfa");
        let got = store
            .session("tok1", s.expires_at + 1)
            .await
            .must(b, "session")
            .expect("extended session");
        assert_eq!(
            (got.last_seen_at, got.expires_at, got.mfa_pending),
            (now + 10, now + 7_200_000, false),
            "[{b}]"
        );

        // Tenant switching checks membership.
        store.switch_tenant(&got, &t.id).await.must(b, "switch to own tenant");
        let got = store.session("tok1", now).await.must(b, "session").expect("session");
        assert_eq!(got.tenant_id.as_deref(), Some(t.id.as_str()), "[{b}]");
        assert_err!(
            b,
            store.switch_tenant(&got, &other.id).await,
            StoreError::NotFound,
            "switch to a tenant of which not a member"
        );
        assert_err!(
            b,
            store.switch_tenant(&got, "no-such-tenant").await,
            StoreError::NotFound,
            "switch to an unknown tenant"
        );
        let got = store.session("tok1", now).await.must(b, "session").expect("session");
        assert_eq!(
            got.tenant_id.as_deref(),
            Some(t.id.as_str()),
            "[{b}] a refused switch keeps the tenant"
        );

        store.delete_session("tok1").await.must(b, "delete_session");
        assert!(
            store.session("tok1", now).await.must(b, "session").is_none(),
            "[{b}] deleted"
        );
        store.delete_session("tok1").await.must(b, "deleting twice is harmless");

        // delete_expired removes only expired sessions.
        store
            .create_session(&session("old", &kari, now - 7_200_000))
            .await
            .must(b, "create old session");
        store
            .create_session(&session("new", &kari, now))
            .await
            .must(b, "create new session");
        let n = store.delete_expired(now).await.must(b, "delete_expired");
        assert_eq!(n, 1, "[{b}] one expired session");
        assert!(
            store.session("new", now).await.must(b, "session").is_some(),
            "[{b}] the live session stays"
        );
    })
    .await;
}

#[tokio::test]
async fn password_change_ends_other_sessions() {
    each_backend(|b, store| async move {
        let kari = user(b, &store, "kari@example.no").await;
        let now = now_ms();
        for t in ["keep", "other1", "other2"] {
            store
                .create_session(&session(t, &kari, now))
                .await
                .must(b, "create_session");
        }
        store
            .set_password(&Actor::user(&kari), &kari.id, "$argon2id$new", Some("keep"))
            .await
            .must(b, "set_password");
        assert!(
            store.session("keep", now).await.must(b, "session").is_some(),
            "[{b}] the current session stays"
        );
        assert!(
            store.session("other1", now).await.must(b, "session").is_none(),
            "[{b}] other sessions end"
        );
        assert!(
            store.session("other2", now).await.must(b, "session").is_none(),
            "[{b}] other sessions end"
        );
        let u = store.user_by_id(&kari.id).await.must(b, "user_by_id").expect("user");
        assert_eq!(u.password_hash.as_deref(), Some("$argon2id$new"), "[{b}]");
        assert_err!(
            b,
            store.set_password(&Actor::cli(), "no-such-user", "h", None).await,
            StoreError::NotFound,
            "unknown user"
        );
    })
    .await;
}

#[tokio::test]
async fn totp_step_cannot_be_replayed() {
    each_backend(|b, store| async move {
        let kari = user(b, &store, "kari@example.no").await;
        assert_eq!(
            store.totp_last_step(&kari.id).await.must(b, "totp_last_step"),
            None,
            "[{b}]"
        );
        assert!(
            store.claim_totp_step(&kari.id, 100).await.must(b, "claim 100"),
            "[{b}] first use of step 100"
        );
        assert!(
            !store.claim_totp_step(&kari.id, 100).await.must(b, "claim 100 again"),
            "[{b}] replay of step 100"
        );
        assert!(
            !store.claim_totp_step(&kari.id, 99).await.must(b, "claim 99"),
            "[{b}] an older step"
        );
        assert!(
            store.claim_totp_step(&kari.id, 101).await.must(b, "claim 101"),
            "[{b}] the next step"
        );
        assert_eq!(
            store.totp_last_step(&kari.id).await.must(b, "totp_last_step"),
            Some(101),
            "[{b}]"
        );
        assert!(
            !store
                .claim_totp_step("no-such-user", 5)
                .await
                .must(b, "claim for unknown user"),
            "[{b}]"
        );
    })
    .await;
}

#[tokio::test]
async fn totp_and_recovery_codes() {
    each_backend(|b, store| async move {
        let kari = user(b, &store, "kari@example.no").await;
        let actor = Actor::user(&kari);
        let codes: Vec<String> = (1..=3).map(|i| format!("code-hash-{i}")).collect();
        store
            .enable_totp(&actor, &kari.id, "SECRET", 500, &codes)
            .await
            .must(b, "enable_totp");
        let u = store.user_by_id(&kari.id).await.must(b, "user_by_id").expect("user");
        assert!(u.has_totp(), "[{b}]");
        assert_eq!(
            store.totp_last_step(&kari.id).await.must(b, "totp_last_step"),
            Some(500),
            "[{b}] enabling claims its step"
        );
        assert!(
            !store.claim_totp_step(&kari.id, 500).await.must(b, "claim 500"),
            "[{b}] the enrolment code cannot be replayed"
        );
        assert_eq!(
            store.recovery_codes_left(&kari.id).await.must(b, "recovery_codes_left"),
            3,
            "[{b}]"
        );

        assert!(
            store
                .use_recovery_code(&actor, &kari.id, "code-hash-2")
                .await
                .must(b, "use code 2"),
            "[{b}] first use"
        );
        assert!(
            !store
                .use_recovery_code(&actor, &kari.id, "code-hash-2")
                .await
                .must(b, "use code 2 again"),
            "[{b}] second use"
        );
        assert!(
            !store
                .use_recovery_code(&actor, &kari.id, "unknown")
                .await
                .must(b, "use unknown code"),
            "[{b}]"
        );
        assert_eq!(
            store.recovery_codes_left(&kari.id).await.must(b, "recovery_codes_left"),
            2,
            "[{b}]"
        );
        assert!(
            store
                .use_recovery_code(&actor, &kari.id, "code-hash-1")
                .await
                .must(b, "use code 1"),
            "[{b}]"
        );
        assert_eq!(
            store.recovery_codes_left(&kari.id).await.must(b, "recovery_codes_left"),
            1,
            "[{b}]"
        );

        // Another user's codes are not this user's.
        let ola = user(b, &store, "ola@example.no").await;
        assert!(
            !store
                .use_recovery_code(&Actor::user(&ola), &ola.id, "code-hash-3")
                .await
                .must(b, "use kari's code as ola"),
            "[{b}]"
        );
        assert_eq!(
            store.recovery_codes_left(&kari.id).await.must(b, "recovery_codes_left"),
            1,
            "[{b}]"
        );

        // Re-enrolling replaces the codes; disabling removes them.
        store
            .enable_totp(&actor, &kari.id, "SECRET2", 600, &codes)
            .await
            .must(b, "re-enable_totp");
        assert_eq!(
            store.recovery_codes_left(&kari.id).await.must(b, "recovery_codes_left"),
            3,
            "[{b}]"
        );
        store.disable_totp(&actor, &kari.id).await.must(b, "disable_totp");
        assert_eq!(
            store.recovery_codes_left(&kari.id).await.must(b, "recovery_codes_left"),
            0,
            "[{b}]"
        );
        assert!(
            !store
                .user_by_id(&kari.id)
                .await
                .must(b, "user_by_id")
                .expect("user")
                .has_totp(),
            "[{b}]"
        );

        let actions: Vec<String> = store
            .system_audit(i64::MAX, 50)
            .await
            .must(b, "system_audit")
            .into_iter()
            .map(|e| e.action)
            .collect();
        for a in ["user.totp_enable", "user.recovery_code_used", "user.totp_disable"] {
            assert!(actions.iter().any(|x| x == a), "[{b}] {a} is audited: {actions:?}");
        }
        let used = actions.iter().filter(|a| *a == "user.recovery_code_used").count();
        assert_eq!(used, 2, "[{b}] only successful uses are audited");
    })
    .await;
}

#[tokio::test]
async fn api_tokens() {
    each_backend(|b, store| async move {
        let kari = user(b, &store, "kari@example.no").await;
        let ola = user(b, &store, "ola@example.no").await;
        let now = now_ms();
        let tok = store
            .create_api_token(&Actor::user(&kari), &kari.id, "CI", "hash-1", None)
            .await
            .must(b, "create_api_token");
        assert_eq!(
            (tok.user_id.as_str(), tok.name.as_str(), tok.revoked_at),
            (kari.id.as_str(), "CI", None),
            "[{b}]"
        );
        assert_err!(
            b,
            store
                .create_api_token(&Actor::user(&ola), &ola.id, "dup", "hash-1", None)
                .await,
            StoreError::Conflict(_),
            "same token hash twice"
        );

        let u = store.api_token_user("hash-1", now).await.must(b, "api_token_user");
        assert_eq!(u.map(|u| u.id), Some(kari.id.clone()), "[{b}] the token's owner");
        assert_eq!(
            store.api_token_user("hash-x", now).await.must(b, "api_token_user"),
            None,
            "[{b}] unknown hash"
        );
        let listed = store.api_tokens_of(&kari.id).await.must(b, "api_tokens_of");
        assert_eq!(listed.len(), 1, "[{b}]");
        assert_eq!(listed[0].last_used_at, Some(now), "[{b}] use is recorded");
        assert!(
            store.api_tokens_of(&ola.id).await.must(b, "api_tokens_of").is_empty(),
            "[{b}]"
        );

        // Only the owner may revoke.
        assert_err!(
            b,
            store.revoke_api_token(&Actor::user(&ola), &ola.id, &tok.id).await,
            StoreError::NotFound,
            "revoke by another user"
        );
        assert!(
            store
                .api_token_user("hash-1", now)
                .await
                .must(b, "api_token_user")
                .is_some(),
            "[{b}] still valid"
        );
        store
            .revoke_api_token(&Actor::user(&kari), &kari.id, &tok.id)
            .await
            .must(b, "revoke by owner");
        assert_eq!(
            store.api_token_user("hash-1", now).await.must(b, "api_token_user"),
            None,
            "[{b}] revoked"
        );
        assert_err!(
            b,
            store.revoke_api_token(&Actor::user(&kari), &kari.id, &tok.id).await,
            StoreError::NotFound,
            "revoke twice"
        );
        assert!(
            store.api_tokens_of(&kari.id).await.must(b, "api_tokens_of")[0]
                .revoked_at
                .is_some(),
            "[{b}]"
        );

        // Expired tokens do not work.
        let exp = store
            .create_api_token(&Actor::user(&kari), &kari.id, "short", "hash-2", Some(now + 1000))
            .await
            .must(b, "create");
        assert!(
            store
                .api_token_user("hash-2", now)
                .await
                .must(b, "api_token_user")
                .is_some(),
            "[{b}] before expiry"
        );
        assert_eq!(
            store
                .api_token_user("hash-2", now + 1000)
                .await
                .must(b, "api_token_user"),
            None,
            "[{b}] at expiry"
        );
        assert_eq!(exp.expires_at, Some(now + 1000), "[{b}]");
    })
    .await;
}

#[tokio::test]
async fn setup_links() {
    each_backend(|b, store| async move {
        let now = now_ms();
        store
            .create_setup_link("link-1", SetupPurpose::FirstAdmin, None, now + 600_000)
            .await
            .must(b, "create_setup_link");
        let peeked = store
            .peek_setup_link("link-1", now)
            .await
            .must(b, "peek")
            .unwrap_or_else(|| panic!("[{b}] link not found"));
        assert_eq!(
            (peeked.purpose, peeked.user_id, peeked.expires_at),
            (SetupPurpose::FirstAdmin, None, now + 600_000),
            "[{b}]"
        );

        // A failing completion (invalid data) rolls back and leaves the link usable.
        store
            .create_user(&Actor::cli(), &new_user("taken@example.no"))
            .await
            .must(b, "create_user");
        let res = store
            .complete_first_admin("link-1", &new_tenant("T", "974760673"), &new_user("taken@example.no"))
            .await;
        assert_err!(b, res, StoreError::Conflict(_), "first admin with a taken e-mail");
        assert!(
            store.peek_setup_link("link-1", now).await.must(b, "peek").is_some(),
            "[{b}] the failed attempt did not use the link"
        );
        assert_eq!(
            store.tenant_by_org(&org("974760673")).await.must(b, "tenant_by_org"),
            None,
            "[{b}] rolled back"
        );

        let (t, admin) = store
            .complete_first_admin("link-1", &new_tenant("T", "974760673"), &new_user("first@example.no"))
            .await
            .must(b, "complete_first_admin");
        let ms = store.memberships_of(&admin.id).await.must(b, "memberships_of");
        assert_eq!(
            ms.iter().map(|m| (m.tenant.id.clone(), m.role)).collect::<Vec<_>>(),
            [(t.id.clone(), Role::Admin)],
            "[{b}]"
        );
        let page = store
            .tenant(&store.scope(&admin, &t.id).await.must(b, "scope"))
            .audit_page(i64::MAX, 10)
            .await
            .must(b, "audit_page");
        assert!(
            page.iter().all(|e| e.actor_label == "first@example.no"),
            "[{b}] the new admin is the actor: {page:?}"
        );

        // Used up.
        assert!(
            store.peek_setup_link("link-1", now).await.must(b, "peek").is_none(),
            "[{b}] used link"
        );
        let again = store
            .complete_first_admin("link-1", &new_tenant("U", "983544622"), &new_user("second@example.no"))
            .await;
        assert_err!(b, again, StoreError::NotFound, "second use of the link");
        assert_eq!(
            store.user_by_email("second@example.no").await.must(b, "user_by_email"),
            None,
            "[{b}]"
        );

        // Expired.
        store
            .create_setup_link("link-2", SetupPurpose::FirstAdmin, None, now - 1)
            .await
            .must(b, "create expired link");
        assert!(
            store.peek_setup_link("link-2", now).await.must(b, "peek").is_none(),
            "[{b}] expired link"
        );
        let expired = store
            .complete_first_admin("link-2", &new_tenant("V", "971524960"), &new_user("third@example.no"))
            .await;
        assert_err!(b, expired, StoreError::NotFound, "expired link");
        assert_eq!(
            store.tenant_by_org(&org("971524960")).await.must(b, "tenant_by_org"),
            None,
            "[{b}]"
        );

        // Unknown link.
        let unknown = store
            .complete_first_admin(
                "no-such-link",
                &new_tenant("V", "971524960"),
                &new_user("third@example.no"),
            )
            .await;
        assert_err!(b, unknown, StoreError::NotFound, "unknown link");
    })
    .await;
}

#[tokio::test]
async fn set_password_links() {
    each_backend(|b, store| async move {
        let kari = user(b, &store, "kari@example.no").await;
        let now = now_ms();
        store
            .create_setup_link("pw-1", SetupPurpose::SetPassword, Some(&kari.id), now + 600_000)
            .await
            .must(b, "create link");
        let peeked = store.peek_setup_link("pw-1", now).await.must(b, "peek").expect("link");
        assert_eq!(
            (peeked.purpose, peeked.user_id.as_deref()),
            (SetupPurpose::SetPassword, Some(kari.id.as_str())),
            "[{b}]"
        );
        store
            .complete_set_password("pw-1", &kari.id, "$argon2id$chosen")
            .await
            .must(b, "complete_set_password");
        let u = store.user_by_id(&kari.id).await.must(b, "user_by_id").expect("user");
        assert_eq!(u.password_hash.as_deref(), Some("$argon2id$chosen"), "[{b}]");
        assert_err!(
            b,
            store.complete_set_password("pw-1", &kari.id, "$again").await,
            StoreError::NotFound,
            "second use"
        );
    })
    .await;
}

#[tokio::test]
async fn login_failures_count_per_email_and_ip() {
    each_backend(|b, store| async move {
        let now = now_ms();
        for i in 0..3 {
            store
                .record_login_failure("kari@example.no", "10.0.0.1", now - i)
                .await
                .must(b, "record_login_failure");
        }
        store
            .record_login_failure("ola@example.no", "10.0.0.1", now)
            .await
            .must(b, "record_login_failure");
        store
            .record_login_failure("kari@example.no", "10.0.0.2", now)
            .await
            .must(b, "record_login_failure");
        store
            .record_login_failure("kari@example.no", "10.0.0.1", now - 100_000)
            .await
            .must(b, "old failure");

        let since = now - 60_000;
        assert_eq!(
            store
                .login_failures("kari@example.no", "10.0.0.1", since)
                .await
                .must(b, "login_failures"),
            (4, 4),
            "[{b}]"
        );
        assert_eq!(
            store
                .login_failures("ola@example.no", "10.0.0.2", since)
                .await
                .must(b, "login_failures"),
            (1, 1),
            "[{b}]"
        );
        assert_eq!(
            store
                .login_failures("nobody@example.no", "10.9.9.9", since)
                .await
                .must(b, "login_failures"),
            (0, 0),
            "[{b}]"
        );
        assert_eq!(
            store
                .login_failures("kari@example.no", "10.0.0.1", now - 200_000)
                .await
                .must(b, "login_failures"),
            (5, 5),
            "[{b}] a longer window includes the old failure"
        );

        store
            .clear_login_failures("kari@example.no")
            .await
            .must(b, "clear_login_failures");
        assert_eq!(
            store
                .login_failures("kari@example.no", "10.0.0.1", since)
                .await
                .must(b, "login_failures"),
            (0, 1),
            "[{b}] kari's failures are gone; ola's from the same IP remain"
        );
        assert_eq!(
            store
                .login_failures("ola@example.no", "10.0.0.1", since)
                .await
                .must(b, "login_failures"),
            (1, 1),
            "[{b}]"
        );
    })
    .await;
}

/// An address is marked as slowed down once per window, however many calls
/// race for it, and each mark is one audit entry in the system chain.
#[tokio::test]
async fn address_throttle_is_marked_and_audited_once_per_window() {
    each_backend(|b, store| async move {
        let window = 900_000;
        let now = now_ms();
        let throttled = |store: &Store| {
            let store = store.clone();
            async move {
                store
                    .system_audit(i64::MAX, 1000)
                    .await
                    .must(b, "system_audit")
                    .into_iter()
                    .filter(|e| e.action == "login.throttled" && e.object_id == "192.0.2.9")
                    .count()
            }
        };
        let calls = (0..8).map(|i| {
            let store = store.clone();
            async move {
                store
                    .mark_address_throttled("192.0.2.9", 20 + i, now, now - window)
                    .await
            }
        });
        let marked: Vec<bool> = futures_join(calls)
            .await
            .into_iter()
            .map(|r| r.must(b, "mark"))
            .collect();
        assert_eq!(marked.iter().filter(|m| **m).count(), 1, "[{b}] {marked:?}");
        assert_eq!(throttled(&store).await, 1, "[{b}]");
        // Later in the same window: nothing new.
        let again = store
            .mark_address_throttled("192.0.2.9", 40, now + window - 1, now - 1)
            .await
            .must(b, "mark again");
        assert!(!again, "[{b}]");
        // Another address is its own.
        assert!(
            store
                .mark_address_throttled("192.0.2.10", 20, now, now - window)
                .await
                .must(b, "other address"),
            "[{b}]"
        );
        // A window later the address is marked (and audited) again.
        let next = store
            .mark_address_throttled("192.0.2.9", 20, now + window, now)
            .await
            .must(b, "next window");
        assert!(next, "[{b}]");
        assert_eq!(throttled(&store).await, 2, "[{b}]");
        let entry = store.system_audit(i64::MAX, 1).await.must(b, "system_audit");
        assert_eq!(entry[0].object_type, "address", "[{b}]");
        let report = store.audit_verify().await.must(b, "verify");
        assert!(report.errors.is_empty(), "[{b}] {:?}", report.errors);
    })
    .await;
}

/// Runs the futures at the same time, on the runtime's threads.
async fn futures_join<F>(fs: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = fs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

#[tokio::test]
async fn sqlite_backup() {
    each_backend(|b, store| async move {
        let dir = tempfile::tempdir().expect("temporary directory");
        let out = dir.path().join("backup.sqlite");
        if b != "sqlite" {
            assert_err!(
                b,
                store.backup_sqlite(&out).await,
                StoreError::Invalid(_),
                "backup_sqlite on PostgreSQL"
            );
            return;
        }
        let (t1, admin) = tenant_with_admin(b, &store, "Legekontoret", "974760673", "kari@example.no").await;
        let t2 = store
            .create_tenant(
                &Actor::cli(),
                &NewTenant {
                    name: "Apoteket".into(),
                    org_number: org("983544622"),
                    kind: TenantKind::Pharmacy,
                    size_class: SizeClass::Medium,
                },
            )
            .await
            .must(b, "create_tenant");

        store.backup_sqlite(&out).await.must(b, "backup_sqlite");
        assert!(out.exists(), "[{b}] backup file written");
        assert_err!(
            b,
            store.backup_sqlite(&out).await,
            StoreError::Invalid(_),
            "backup over an existing file"
        );

        // Changes after the backup are not in it.
        store
            .create_tenant(&Actor::cli(), &new_tenant("Later", "971524960"))
            .await
            .must(b, "create_tenant after backup");

        let copy = Store::open_sqlite(&out).await.must(b, "open the backup");
        copy.migrate().await.must(b, "migrate the backup (no-op)");
        assert_eq!(
            copy.tenant_by_org(&org("974760673")).await.must(b, "tenant_by_org"),
            Some(t1),
            "[{b}]"
        );
        assert_eq!(
            copy.tenant_by_org(&org("983544622")).await.must(b, "tenant_by_org"),
            Some(t2),
            "[{b}]"
        );
        assert_eq!(
            copy.tenant_by_org(&org("971524960")).await.must(b, "tenant_by_org"),
            None,
            "[{b}] made after the backup"
        );
        assert_eq!(
            copy.user_by_email("kari@example.no").await.must(b, "user_by_email"),
            Some(admin),
            "[{b}]"
        );
        let report = copy.audit_verify().await.must(b, "audit_verify on the backup");
        assert!(
            report.errors.is_empty(),
            "[{b}] the backup's audit log verifies: {:?}",
            report.errors
        );
        copy.close().await;
    })
    .await;
}
