//! Tenant scopes: isolation between tenants, roles, and the audit entries of
//! membership changes.

use etterlev_core::{Role, SYSTEM_CHAIN};
use etterlev_store::{Store, StoreError, TenantScope, User};

use crate::support::*;

async fn scope(b: &str, store: &Store, user: &User, tenant_id: &str) -> TenantScope {
    store
        .scope(user, tenant_id)
        .await
        .must(b, &format!("scope of {} in {tenant_id}", user.email))
}

/// Adds a member as the given admin and returns the new account.
async fn add(b: &str, store: &Store, admin: &TenantScope, email: &str, role: Role) -> User {
    let (m, created) = store
        .tenant(admin)
        .add_member(email, "Test Person", role)
        .await
        .must(b, &format!("add_member {email}"));
    assert_eq!(
        (m.email.as_str(), m.role),
        (email, role),
        "[{b}] add_member returns the member"
    );
    match created {
        Some(u) => u,
        None => store
            .user_by_email(email)
            .await
            .must(b, "user_by_email")
            .expect("existing user"),
    }
}

fn json(b: &str, s: Option<&str>) -> serde_json::Value {
    let s = s.unwrap_or_else(|| panic!("[{b}] expected JSON, got None"));
    serde_json::from_str(s).unwrap_or_else(|e| panic!("[{b}] audit JSON {s:?} does not parse: {e}"))
}

#[tokio::test]
async fn tenants_are_isolated() {
    each_backend(|b, store| async move {
        let (ta, admin_a) = tenant_with_admin(b, &store, "A", "974760673", "a@example.no").await;
        let (tb, admin_b) = tenant_with_admin(b, &store, "B", "983544622", "b@example.no").await;
        // Make B's chain longer than A's so that sequence numbers exist in B only.
        let sb = scope(b, &store, &admin_b, &tb.id).await;
        for i in 0..3 {
            add(b, &store, &sb, &format!("b{i}@example.no"), Role::Reader).await;
        }

        // Not a member of B: the same answer as for a tenant that does not exist.
        assert_err!(
            b,
            store.scope(&admin_a, &tb.id).await,
            StoreError::NotFound,
            "scope of A's admin in B"
        );
        assert_err!(
            b,
            store.scope(&admin_a, "no-such-tenant").await,
            StoreError::NotFound,
            "scope in unknown tenant"
        );

        let sa = scope(b, &store, &admin_a, &ta.id).await;
        assert_eq!(
            (sa.tenant_id(), sa.user_id(), sa.role()),
            (ta.id.as_str(), admin_a.id.as_str(), Role::Admin),
            "[{b}]"
        );
        let a = store.tenant(&sa);
        assert_eq!(a.tenant().await.must(b, "tenant()"), ta, "[{b}]");

        // B's members are invisible and untouchable from A.
        assert_err!(
            b,
            a.member(&admin_b.id).await,
            StoreError::NotFound,
            "A reads B's admin"
        );
        assert_err!(
            b,
            a.set_member_role(&admin_b.id, Role::Reader).await,
            StoreError::NotFound,
            "A changes B's admin"
        );
        assert_err!(
            b,
            a.remove_member(&admin_b.id).await,
            StoreError::NotFound,
            "A removes B's admin"
        );
        assert_eq!(
            a.member(&admin_a.id).await.must(b, "member(self)").role,
            Role::Admin,
            "[{b}]"
        );
        let members = a.members().await.must(b, "members()");
        let emails: Vec<_> = members.iter().map(|m| m.email.as_str()).collect();
        assert_eq!(emails, ["a@example.no"], "[{b}] members() of A");
        let b_members = store.tenant(&sb).members().await.must(b, "members() of B");
        assert_eq!(
            b_members.len(),
            4,
            "[{b}] B has its admin and three readers: {b_members:?}"
        );
        assert_eq!(
            store.memberships_of(&admin_b.id).await.must(b, "memberships_of")[0].role,
            Role::Admin,
            "[{b}] B's admin is untouched"
        );

        // A's audit view is A's chain only.
        let page = a.audit_page(i64::MAX, 100).await.must(b, "audit_page of A");
        assert_eq!(
            page.len(),
            2,
            "[{b}] A's chain: tenant.create, membership.create: {page:?}"
        );
        assert!(
            page.iter()
                .all(|e| e.chain == ta.id && e.tenant_id.as_deref() == Some(ta.id.as_str())),
            "[{b}] {page:?}"
        );
        let first = a.audit_entry(1).await.must(b, "audit_entry(1)");
        assert_eq!(
            (first.chain.as_str(), first.action.as_str()),
            (ta.id.as_str(), "tenant.create"),
            "[{b}]"
        );
        assert_eq!(
            first.object_id, ta.id,
            "[{b}] seq 1 of A's chain is A's creation, not B's"
        );
        let b_len = store
            .tenant(&sb)
            .audit_page(i64::MAX, 100)
            .await
            .must(b, "audit_page of B")
            .len();
        assert_eq!(b_len, 5, "[{b}] B's chain");
        for seq in 3..=5 {
            assert_err!(
                b,
                a.audit_entry(seq).await,
                StoreError::NotFound,
                format!("A reads seq {seq} (exists only in B)")
            );
        }

        // A user may belong to both; each scope still sees only its tenant.
        let both = add(b, &store, &sa, "b0@example.no", Role::Editor).await;
        let ms = store.memberships_of(&both.id).await.must(b, "memberships_of");
        let mut roles: Vec<_> = ms.iter().map(|m| (m.tenant.name.as_str(), m.role)).collect();
        roles.sort_by_key(|(name, _)| *name);
        assert_eq!(roles, [("A", Role::Editor), ("B", Role::Reader)], "[{b}]");
        let s_both_a = scope(b, &store, &both, &ta.id).await;
        assert_eq!(s_both_a.role(), Role::Editor, "[{b}]");
        let mut seen: Vec<_> = store
            .tenant(&s_both_a)
            .members()
            .await
            .must(b, "members")
            .into_iter()
            .map(|m| m.email)
            .collect();
        seen.sort();
        assert_eq!(seen, ["a@example.no", "b0@example.no"], "[{b}]");
    })
    .await;
}

#[tokio::test]
async fn roles_are_enforced() {
    each_backend(|b, store| async move {
        let (t, admin) = tenant_with_admin(b, &store, "T", "974760673", "admin@example.no").await;
        let sa = scope(b, &store, &admin, &t.id).await;
        let reader = add(b, &store, &sa, "reader@example.no", Role::Reader).await;
        let editor = add(b, &store, &sa, "editor@example.no", Role::Editor).await;
        let auditor = add(b, &store, &sa, "auditor@example.no", Role::Auditor).await;
        let audit_len = store
            .tenant(&sa)
            .audit_page(i64::MAX, 500)
            .await
            .must(b, "audit_page")
            .len();

        let sr = scope(b, &store, &reader, &t.id).await;
        assert_eq!(sr.role(), Role::Reader, "[{b}]");
        let r = store.tenant(&sr);
        assert_err!(
            b,
            r.add_member("x@example.no", "X", Role::Reader).await,
            StoreError::Forbidden,
            "reader add_member"
        );
        assert_err!(
            b,
            r.set_member_role(&editor.id, Role::Admin).await,
            StoreError::Forbidden,
            "reader set_member_role"
        );
        assert_err!(
            b,
            r.set_member_role(&reader.id, Role::Admin).await,
            StoreError::Forbidden,
            "reader promotes self"
        );
        assert_err!(
            b,
            r.remove_member(&editor.id).await,
            StoreError::Forbidden,
            "reader remove_member"
        );
        assert_err!(
            b,
            r.audit_page(i64::MAX, 10).await,
            StoreError::Forbidden,
            "reader audit_page"
        );
        assert_err!(b, r.audit_entry(1).await, StoreError::Forbidden, "reader audit_entry");
        assert_eq!(
            r.members().await.must(b, "reader members()").len(),
            4,
            "[{b}] a reader may list members"
        );
        assert_eq!(
            store.user_by_email("x@example.no").await.must(b, "user_by_email"),
            None,
            "[{b}] no account made"
        );

        let se = scope(b, &store, &editor, &t.id).await;
        let e = store.tenant(&se);
        assert_err!(
            b,
            e.add_member("x@example.no", "X", Role::Reader).await,
            StoreError::Forbidden,
            "editor add_member"
        );
        assert_err!(
            b,
            e.remove_member(&reader.id).await,
            StoreError::Forbidden,
            "editor remove_member"
        );
        assert_err!(
            b,
            e.audit_page(i64::MAX, 10).await,
            StoreError::Forbidden,
            "editor audit_page"
        );

        let sx = scope(b, &store, &auditor, &t.id).await;
        let x = store.tenant(&sx);
        let page = x.audit_page(i64::MAX, 500).await.must(b, "auditor audit_page");
        assert_eq!(page.len(), audit_len, "[{b}] the auditor sees the whole chain");
        x.audit_entry(1).await.must(b, "auditor audit_entry");
        assert_err!(
            b,
            x.set_member_role(&reader.id, Role::Editor).await,
            StoreError::Forbidden,
            "auditor set_member_role"
        );

        // Refused calls changed nothing.
        let after = store.tenant(&sa).audit_page(i64::MAX, 500).await.must(b, "audit_page");
        assert_eq!(
            after.len(),
            audit_len,
            "[{b}] refused calls must not write audit entries"
        );
        assert_eq!(
            store.tenant(&sa).member(&editor.id).await.must(b, "member").role,
            Role::Editor,
            "[{b}]"
        );
    })
    .await;
}

#[tokio::test]
async fn last_admin_cannot_be_demoted_or_removed() {
    each_backend(|b, store| async move {
        let (t, admin) = tenant_with_admin(b, &store, "T", "974760673", "admin@example.no").await;
        let sa = scope(b, &store, &admin, &t.id).await;
        let a = store.tenant(&sa);
        for role in [Role::Editor, Role::Reader, Role::Auditor] {
            assert_err!(
                b,
                a.set_member_role(&admin.id, role).await,
                StoreError::Invalid(_),
                format!("demote last admin to {role}")
            );
        }
        assert_err!(
            b,
            a.remove_member(&admin.id).await,
            StoreError::Invalid(_),
            "remove last admin"
        );
        a.set_member_role(&admin.id, Role::Admin)
            .await
            .must(b, "admin to admin is allowed");

        // With a second admin, the first may step down; then the second is the last.
        let other = add(b, &store, &sa, "other@example.no", Role::Editor).await;
        let m = a
            .set_member_role(&other.id, Role::Admin)
            .await
            .must(b, "promote to admin");
        assert_eq!(m.role, Role::Admin, "[{b}]");
        a.set_member_role(&admin.id, Role::Reader)
            .await
            .must(b, "demote the first admin");

        let so = scope(b, &store, &other, &t.id).await;
        let o = store.tenant(&so);
        assert_err!(
            b,
            o.set_member_role(&other.id, Role::Reader).await,
            StoreError::Invalid(_),
            "demote the new last admin"
        );
        assert_err!(
            b,
            o.remove_member(&other.id).await,
            StoreError::Invalid(_),
            "remove the new last admin"
        );
        o.remove_member(&admin.id).await.must(b, "remove the former admin");
        assert_err!(
            b,
            store.scope(&admin, &t.id).await,
            StoreError::NotFound,
            "a removed member has no scope"
        );
        let admins = o
            .members()
            .await
            .must(b, "members")
            .into_iter()
            .filter(|m| m.role == Role::Admin)
            .count();
        assert_eq!(admins, 1, "[{b}]");
    })
    .await;
}

#[tokio::test]
async fn membership_changes_are_audited() {
    each_backend(|b, store| async move {
        let (t, admin) = tenant_with_admin(b, &store, "T", "974760673", "admin@example.no").await;
        let sa = scope(b, &store, &admin, &t.id).await;
        let a = store.tenant(&sa);

        let (m, created) = a
            .add_member("ny@example.no", "Ny Person", Role::Editor)
            .await
            .must(b, "add_member");
        let new = created.unwrap_or_else(|| panic!("[{b}] add_member of an unknown e-mail creates the account"));
        assert_eq!(
            (m.user_id.as_str(), m.role, m.has_totp),
            (new.id.as_str(), Role::Editor, false),
            "[{b}]"
        );
        assert!(
            new.password_hash.is_none(),
            "[{b}] an invited account has no password yet"
        );
        assert_err!(
            b,
            a.add_member("ny@example.no", "Ny Person", Role::Reader).await,
            StoreError::Conflict(_),
            "adding a member twice"
        );
        a.set_member_role(&new.id, Role::Reader)
            .await
            .must(b, "set_member_role");
        a.remove_member(&new.id).await.must(b, "remove_member");
        assert_err!(b, a.member(&new.id).await, StoreError::NotFound, "removed member");
        assert_err!(
            b,
            a.remove_member(&new.id).await,
            StoreError::NotFound,
            "removing twice"
        );

        let page = a.audit_page(i64::MAX, 100).await.must(b, "audit_page");
        let seqs: Vec<i64> = page.iter().map(|e| e.seq).collect();
        assert_eq!(
            seqs,
            [5, 4, 3, 2, 1],
            "[{b}] newest first, no gaps, failed calls not logged"
        );
        let actions: Vec<_> = page.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "membership.delete",
                "membership.update",
                "membership.create",
                "membership.create",
                "tenant.create"
            ],
            "[{b}]"
        );
        for e in &page[..3] {
            assert_eq!(e.actor_label, admin.email, "[{b}] actor_label of {}", e.action);
            assert_eq!(
                e.actor_id.as_deref(),
                Some(admin.id.as_str()),
                "[{b}] actor_id of {}",
                e.action
            );
            assert_eq!(
                e.tenant_id.as_deref(),
                Some(t.id.as_str()),
                "[{b}] tenant_id of {}",
                e.action
            );
            assert_eq!(
                (e.object_type.as_str(), e.object_id.as_str()),
                ("membership", new.id.as_str()),
                "[{b}] {}",
                e.action
            );
        }
        let (delete, update, create) = (&page[0], &page[1], &page[2]);

        assert!(
            create.before.is_none(),
            "[{b}] membership.create has no before: {create:?}"
        );
        assert_eq!(json(b, create.after.as_deref())["role"], "editor", "[{b}] {create:?}");
        assert_eq!(
            json(b, create.after.as_deref())["user_id"],
            new.id.as_str(),
            "[{b}] {create:?}"
        );

        assert_eq!(json(b, update.before.as_deref())["role"], "editor", "[{b}] {update:?}");
        assert_eq!(json(b, update.after.as_deref())["role"], "reader", "[{b}] {update:?}");

        assert_eq!(json(b, delete.before.as_deref())["role"], "reader", "[{b}] {delete:?}");
        assert_eq!(
            json(b, delete.before.as_deref())["email"],
            "ny@example.no",
            "[{b}] {delete:?}"
        );
        assert!(
            delete.after.is_none(),
            "[{b}] membership.delete has no after: {delete:?}"
        );

        // audit_entry and paging agree with the page.
        assert_eq!(a.audit_entry(4).await.must(b, "audit_entry(4)"), *update, "[{b}]");
        let older = a.audit_page(4, 2).await.must(b, "audit_page before 4");
        assert_eq!(older.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 2], "[{b}]");

        // The new account was created in the system chain, by the admin.
        let sys = store.system_audit(i64::MAX, 10).await.must(b, "system_audit");
        let created = sys
            .iter()
            .find(|e| e.object_id == new.id)
            .unwrap_or_else(|| panic!("[{b}] no user.create for the invitee: {sys:?}"));
        assert_eq!(
            (created.chain.as_str(), created.action.as_str()),
            (SYSTEM_CHAIN, "user.create"),
            "[{b}]"
        );
        assert_eq!(created.actor_label, admin.email, "[{b}]");

        let report = store.audit_verify().await.must(b, "audit_verify");
        assert!(report.errors.is_empty(), "[{b}] {:?}", report.errors);
    })
    .await;
}
