//! Concurrent audited writes must all succeed and leave verifiable chains.

use etterlev_core::Role;
use etterlev_store::{Actor, NewTenant, StoreError};
use tokio::task::JoinSet;

use crate::support::*;

const N: u32 = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_tenant_creation() {
    each_backend(|b, store| async move {
        let mut tasks = JoinSet::new();
        for i in 0..N {
            let store = store.clone();
            tasks.spawn(async move {
                let new = NewTenant {
                    name: format!("Tenant {i}"),
                    ..new_tenant("x", nth_org(i).as_str())
                };
                store.create_tenant(&Actor::cli(), &new).await
            });
        }
        let mut ok = 0;
        while let Some(joined) = tasks.join_next().await {
            joined
                .must(b, "join create_tenant task")
                .must(b, "concurrent create_tenant");
            ok += 1;
        }
        assert_eq!(ok, N, "[{b}]");
        let report = store.audit_verify().await.must(b, "audit_verify");
        assert!(report.errors.is_empty(), "[{b}] {:?}", report.errors);
        assert_eq!(
            (report.chains, report.entries),
            (u64::from(N), u64::from(N)),
            "[{b}] one chain and entry per tenant"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_to_one_chain() {
    each_backend(|b, store| async move {
        let (t, admin) = tenant_with_admin(b, &store, "T", "974760673", "admin@example.no").await;
        let scope = store.scope(&admin, &t.id).await.must(b, "scope");
        // Every add_member appends to the tenant chain and (new account) to
        // the system chain, so all tasks contend for the same two heads.
        let mut tasks = JoinSet::new();
        for i in 0..N {
            let (store, scope) = (store.clone(), scope.clone());
            tasks.spawn(async move {
                store
                    .tenant(&scope)
                    .add_member(&format!("m{i}@example.no"), &format!("Member {i}"), Role::Reader)
                    .await
            });
        }
        while let Some(joined) = tasks.join_next().await {
            joined.must(b, "join add_member task").must(b, "concurrent add_member");
        }
        let members = store.tenant(&scope).members().await.must(b, "members");
        assert_eq!(members.len(), N as usize + 1, "[{b}]");
        let page = store
            .tenant(&scope)
            .audit_page(i64::MAX, 500)
            .await
            .must(b, "audit_page");
        let seqs: Vec<i64> = page.iter().map(|e| e.seq).collect();
        let expected: Vec<i64> = (1..=i64::from(N) + 2).rev().collect();
        assert_eq!(seqs, expected, "[{b}] gap-free sequence numbers");
        let report = store.audit_verify().await.must(b, "audit_verify");
        assert!(report.errors.is_empty(), "[{b}] {:?}", report.errors);
        assert_eq!(report.chains, 2, "[{b}] the tenant chain and the system chain");
        assert_eq!(report.entries, u64::from(2 * N + 3), "[{b}] {report:?}");
    })
    .await;
}

/// Two admins demoting (or removing) each other at the same time must not
/// leave the tenant without an administrator.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_demotions_keep_an_admin() {
    each_backend(|b, store| async move {
        for round in 0..10u32 {
            let org_number = nth_org(round);
            let (t, first) = tenant_with_admin(b, &store, "T", org_number.as_str(), &format!("first{round}@example.no")).await;
            let s1 = store.scope(&first, &t.id).await.must(b, "scope");
            let (m2, created) = store
                .tenant(&s1)
                .add_member(&format!("second{round}@example.no"), "Second", Role::Admin)
                .await
                .must(b, "add second admin");
            let second = created.expect("new account");
            let s2 = store.scope(&second, &t.id).await.must(b, "scope");

            let (st1, st2) = (store.clone(), store.clone());
            let (s1c, s2c) = (s1.clone(), s2.clone());
            let (id1, id2) = (first.id.clone(), m2.user_id.clone());
            // Even rounds demote, odd rounds remove: both check the last-admin rule.
            let remove = round % 2 == 1;
            let h1 = tokio::spawn(async move {
                let t = st1.tenant(&s1c);
                if remove { t.remove_member(&id2).await.map(|_| ()) } else { t.set_member_role(&id2, Role::Reader).await.map(|_| ()) }
            });
            let h2 = tokio::spawn(async move {
                let t = st2.tenant(&s2c);
                if remove { t.remove_member(&id1).await.map(|_| ()) } else { t.set_member_role(&id1, Role::Reader).await.map(|_| ()) }
            });
            let r1 = h1.await.must(b, "join");
            let r2 = h2.await.must(b, "join");
            for r in [&r1, &r2] {
                assert!(r.is_ok() || matches!(r, Err(StoreError::Invalid(_))), "[{b}] unexpected result {r:?}");
            }
            let admins = store
                .tenant(&s1)
                .members()
                .await
                .must(b, "members")
                .into_iter()
                .filter(|m| m.role == Role::Admin)
                .count();
            assert_eq!(admins, 1, "[{b}] round {round}: after two concurrent demotions/removals exactly one admin must remain ({r1:?}, {r2:?})");
        }
    })
    .await;
}

/// Verification while others write must not report tampering that is not
/// there (it has to read the log and the chain heads from one snapshot).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn verify_during_writes_reports_no_false_errors() {
    each_backend(|b, store| async move {
        let (t, admin) = tenant_with_admin(b, &store, "T", "974760673", "admin@example.no").await;
        let scope = store.scope(&admin, &t.id).await.must(b, "scope");
        let writer = {
            let (store, scope) = (store.clone(), scope.clone());
            tokio::spawn(async move {
                for i in 0..40 {
                    store
                        .tenant(&scope)
                        .add_member(&format!("w{i}@example.no"), "W", Role::Reader)
                        .await?;
                }
                Ok::<_, StoreError>(())
            })
        };
        let mut checks = 0;
        while !writer.is_finished() || checks == 0 {
            let report = store.audit_verify().await.must(b, "audit_verify during writes");
            assert!(
                report.errors.is_empty(),
                "[{b}] verification during writes reported {:?}",
                report.errors
            );
            checks += 1;
        }
        writer.await.must(b, "join writer").must(b, "writer");
        let report = store.audit_verify().await.must(b, "audit_verify");
        assert!(report.errors.is_empty(), "[{b}] {:?}", report.errors);
    })
    .await;
}
