//! Tenants and users outside any tenant scope.

use etterlev_core::{OrgNumber, Role, SYSTEM_CHAIN, SizeClass, TenantKind};
use etterlev_store::{Actor, NewTenant, StoreError};

use crate::support::*;

const ORG_A: &str = "974760673";
const ORG_B: &str = "983544622";
const ORG_C: &str = "971524960";

#[test]
fn test_org_numbers_are_valid() {
    for s in [ORG_A, ORG_B, ORG_C] {
        assert!(OrgNumber::parse(s).is_ok(), "{s} must be a valid organisation number");
    }
    for n in 0..40 {
        assert!(OrgNumber::parse(nth_org(n).as_str()).is_ok());
    }
    let distinct: std::collections::HashSet<_> = (0..40).map(nth_org).collect();
    assert_eq!(distinct.len(), 40, "nth_org must give distinct numbers");
}

#[tokio::test]
async fn create_tenant_and_duplicate_org_number_conflicts() {
    each_backend(|b, store| async move {
        let new = NewTenant {
            name: "Legekontoret AS".into(),
            org_number: org(ORG_A),
            kind: TenantKind::GpOffice,
            size_class: SizeClass::Micro,
        };
        let t = store.create_tenant(&Actor::cli(), &new).await.must(b, "create_tenant");
        assert_eq!(t.name, "Legekontoret AS", "[{b}]");
        assert_eq!(t.org_number, ORG_A, "[{b}]");
        assert_eq!(
            (t.kind, t.size_class),
            (TenantKind::GpOffice, SizeClass::Micro),
            "[{b}]"
        );
        assert!(!t.id.is_empty() && t.created_at > 0, "[{b}] {t:?}");

        let found = store.tenant_by_org(&org(ORG_A)).await.must(b, "tenant_by_org");
        assert_eq!(
            found.as_ref(),
            Some(&t),
            "[{b}] tenant_by_org returns the created tenant"
        );
        assert_eq!(
            store
                .tenant_by_org(&org(ORG_B))
                .await
                .must(b, "tenant_by_org (unknown)"),
            None,
            "[{b}]"
        );

        let dup = NewTenant {
            name: "Another name".into(),
            ..new.clone()
        };
        assert_err!(
            b,
            store.create_tenant(&Actor::cli(), &dup).await,
            StoreError::Conflict(_),
            "duplicate org number"
        );

        // The failed insert left neither a second tenant nor an audit chain.
        let still = store
            .tenant_by_org(&org(ORG_A))
            .await
            .must(b, "tenant_by_org after conflict");
        assert_eq!(still.map(|t| t.name), Some("Legekontoret AS".to_string()), "[{b}]");
        let report = store.audit_verify().await.must(b, "audit_verify");
        assert!(report.errors.is_empty(), "[{b}] {:?}", report.errors);
        assert_eq!(
            (report.chains, report.entries),
            (1, 1),
            "[{b}] only the first tenant.create is logged"
        );

        // A different org number is fine.
        let other = NewTenant {
            org_number: org(ORG_B),
            ..new
        };
        store
            .create_tenant(&Actor::cli(), &other)
            .await
            .must(b, "create_tenant with another org number");
    })
    .await;
}

#[tokio::test]
async fn create_users_and_duplicate_email_conflicts() {
    each_backend(|b, store| async move {
        assert!(store.has_no_users().await.must(b, "has_no_users"), "[{b}]");
        let kari = store
            .create_user(&Actor::cli(), &new_user("kari@example.no"))
            .await
            .must(b, "create kari");
        let ola = store
            .create_user(&Actor::cli(), &new_user("ola@example.no"))
            .await
            .must(b, "create ola");
        assert_ne!(kari.id, ola.id, "[{b}] ids are unique");
        assert!(!store.has_no_users().await.must(b, "has_no_users"), "[{b}]");
        assert!(
            !kari.disabled && !kari.is_secretariat && !kari.has_totp(),
            "[{b}] {kari:?}"
        );
        assert_eq!(kari.password_hash.as_deref(), Some("$argon2id$test"), "[{b}]");

        assert_eq!(
            store.user_by_id(&kari.id).await.must(b, "user_by_id"),
            Some(kari.clone()),
            "[{b}]"
        );
        assert_eq!(
            store.user_by_email("ola@example.no").await.must(b, "user_by_email"),
            Some(ola.clone()),
            "[{b}]"
        );
        assert_eq!(
            store.user_by_email("nobody@example.no").await.must(b, "user_by_email"),
            None,
            "[{b}]"
        );
        assert_eq!(
            store.user_by_id("no-such-id").await.must(b, "user_by_id"),
            None,
            "[{b}]"
        );

        let mut dup = new_user("kari@example.no");
        dup.display_name = "Other Kari".into();
        assert_err!(
            b,
            store.create_user(&Actor::cli(), &dup).await,
            StoreError::Conflict(_),
            "duplicate e-mail"
        );
        let kept = store
            .user_by_email("kari@example.no")
            .await
            .must(b, "user_by_email after conflict");
        assert_eq!(kept, Some(kari), "[{b}] the conflict must not change the existing user");

        // User changes go to the system chain: two user.create entries.
        let sys = store.system_audit(i64::MAX, 50).await.must(b, "system_audit");
        let actions: Vec<_> = sys.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["user.create", "user.create"], "[{b}]");
        assert!(
            sys.iter().all(|e| e.chain == SYSTEM_CHAIN && e.tenant_id.is_none()),
            "[{b}] {sys:?}"
        );
        assert!(
            sys.iter().all(|e| e.actor_label == "cli" && e.actor_id.is_none()),
            "[{b}] {sys:?}"
        );
        // The audit copy of a user never holds credentials.
        assert!(
            sys.iter().all(|e| !e.after.as_deref().unwrap_or("").contains("argon2")),
            "[{b}] {sys:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn create_tenant_with_admin_is_all_or_nothing() {
    each_backend(|b, store| async move {
        let (t, admin) = tenant_with_admin(b, &store, "Tannlegen", ORG_A, "admin@example.no").await;
        let ms = store.memberships_of(&admin.id).await.must(b, "memberships_of");
        assert_eq!(ms.len(), 1, "[{b}] {ms:?}");
        assert_eq!(
            (ms[0].tenant.id.as_str(), ms[0].role),
            (t.id.as_str(), Role::Admin),
            "[{b}]"
        );
        let before = store.audit_verify().await.must(b, "audit_verify");

        // Same org number, new e-mail: the tenant insert fails, so no user.
        let res = store
            .create_tenant_with_admin(&Actor::cli(), &new_tenant("Copy", ORG_A), &new_user("new@example.no"))
            .await;
        assert_err!(
            b,
            res,
            StoreError::Conflict(_),
            "second tenant with the same org number"
        );
        assert_eq!(
            store.user_by_email("new@example.no").await.must(b, "user_by_email"),
            None,
            "[{b}] no user left behind"
        );

        // New org number, existing e-mail: the tenant was inserted before the
        // user failed, and must be rolled back with it.
        let res = store
            .create_tenant_with_admin(
                &Actor::cli(),
                &new_tenant("Other", ORG_B),
                &new_user("admin@example.no"),
            )
            .await;
        assert_err!(b, res, StoreError::Conflict(_), "second admin with the same e-mail");
        assert_eq!(
            store.tenant_by_org(&org(ORG_B)).await.must(b, "tenant_by_org"),
            None,
            "[{b}] no tenant left behind"
        );
        assert_eq!(
            store.memberships_of(&admin.id).await.must(b, "memberships_of").len(),
            1,
            "[{b}]"
        );

        // Nor any audit entry of the failed attempts.
        let after = store.audit_verify().await.must(b, "audit_verify");
        assert!(after.errors.is_empty(), "[{b}] {:?}", after.errors);
        assert_eq!(
            (after.chains, after.entries),
            (before.chains, before.entries),
            "[{b}] failed attempts left audit entries"
        );

        // And the numbers are free for a correct call.
        tenant_with_admin(b, &store, "Other", ORG_B, "new@example.no").await;
    })
    .await;
}
