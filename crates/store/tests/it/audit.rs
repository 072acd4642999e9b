//! The audit log's hash chains: intact logs verify, the database refuses to
//! change entries, and tampering (with the triggers dropped) is detected.

use etterlev_core::{AuditRecord, ChainError, Role};
use etterlev_store::{Backend, Store};

use crate::support::*;

/// A tenant whose chain has five entries: tenant.create, membership.create
/// (the admin), two more membership.create and one membership.update.
pub(crate) async fn tenant_with_five_entries(b: &str, store: &Store) -> String {
    let (t, admin) = tenant_with_admin(b, store, "T", "974760673", "admin@example.no").await;
    let scope = store.scope(&admin, &t.id).await.must(b, "scope");
    let ts = store.tenant(&scope);
    ts.add_member("one@example.no", "One", Role::Reader)
        .await
        .must(b, "add_member one");
    let (two, _) = ts
        .add_member("two@example.no", "Two", Role::Reader)
        .await
        .must(b, "add_member two");
    ts.set_member_role(&two.user_id, Role::Editor)
        .await
        .must(b, "set_member_role");
    let page = ts.audit_page(i64::MAX, 100).await.must(b, "audit_page");
    assert_eq!(page.len(), 5, "[{b}] set-up should give five entries: {page:?}");
    t.id
}

async fn entry(b: &str, store: &Store, chain: &str, seq: i64) -> Option<String> {
    let sql = format!("SELECT after_json FROM audit_log WHERE chain = '{chain}' AND seq = {seq}");
    let sql = sqlx::AssertSqlSafe(sql);
    let row: Option<Option<String>> = match store.backend() {
        Backend::Sqlite(pool) => sqlx::query_scalar(sql).fetch_optional(pool).await,
        Backend::Postgres(pool) => sqlx::query_scalar(sql).fetch_optional(pool).await,
    }
    .must(b, "read audit row");
    row.flatten()
}

/// Checks the append-only triggers refuse a change, then drops them the way
/// an attacker with database access would.
pub(crate) async fn drop_append_only_triggers(b: &str, store: &Store, chain: &str) {
    let before = entry(b, store, chain, 2).await;
    let update = format!("UPDATE audit_log SET after_json = '{{}}' WHERE chain = '{chain}' AND seq = 2");
    let res = exec(store, &update).await;
    assert!(
        res.is_err(),
        "[{b}] UPDATE on audit_log must be refused by the trigger, got {res:?}"
    );
    assert_eq!(
        entry(b, store, chain, 2).await,
        before,
        "[{b}] the refused UPDATE changed the row"
    );

    let drops: &[&str] = match store.backend() {
        Backend::Sqlite(_) => &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
        Backend::Postgres(_) => &["DROP TRIGGER audit_log_no_update ON audit_log"],
    };
    for sql in drops {
        exec(store, sql).await.must(b, sql);
    }
}

/// Runs tampering statements, each of which must change exactly one row.
pub(crate) async fn tamper(b: &str, store: &Store, statements: &[String]) {
    for sql in statements {
        let n = exec(store, sql).await.must(b, sql);
        assert_eq!(n, 1, "[{b}] {sql} changed {n} rows");
    }
}

/// Verifies and returns the single error, which must name `chain`.
async fn single_error(b: &str, store: &Store, chain: &str) -> ChainError {
    let report = store.audit_verify().await.must(b, "audit_verify after tampering");
    assert_eq!(
        report.errors.len(),
        1,
        "[{b}] expected exactly one broken chain: {:?}",
        report.errors
    );
    let err = report.errors[0].clone();
    let named = match &err {
        ChainError::Altered { chain, .. }
        | ChainError::Gap { chain, .. }
        | ChainError::Broken { chain, .. }
        | ChainError::Truncated { chain, .. }
        | ChainError::HeadMismatch { chain } => chain.clone(),
    };
    assert_eq!(named, chain, "[{b}] the error must name the tampered chain: {err}");
    err
}

#[tokio::test]
async fn intact_log_verifies() {
    each_backend(|b, store| async move {
        let t = tenant_with_five_entries(b, &store).await;
        tenant_with_admin(b, &store, "U", "983544622", "u@example.no").await;
        store
            .record_event(
                &etterlev_store::Actor::system(),
                "user.login",
                "someone",
                Some("{\"ip\":\"127.0.0.1\"}".into()),
            )
            .await
            .must(b, "record_event");
        let report = store.audit_verify().await.must(b, "audit_verify");
        assert!(
            report.errors.is_empty(),
            "[{b}] an intact log must verify: {:?}",
            report.errors
        );
        // Chains: two tenants and the system chain. Entries: 5 + 2 in the
        // tenant chains; 4 user.create + 1 event in the system chain.
        assert_eq!(report.chains, 3, "[{b}] {report:?}");
        assert_eq!(report.entries, 12, "[{b}] {report:?}");
        assert!(entry(b, &store, &t, 5).await.is_some(), "[{b}]");
    })
    .await;
}

#[tokio::test]
async fn audit_log_is_append_only() {
    each_backend(|b, store| async move {
        let t = tenant_with_five_entries(b, &store).await;
        let upd = format!("UPDATE audit_log SET action = 'x' WHERE chain = '{t}' AND seq = 3");
        assert!(exec(&store, &upd).await.is_err(), "[{b}] UPDATE must be refused");
        let del = format!("DELETE FROM audit_log WHERE chain = '{t}' AND seq = 3");
        assert!(exec(&store, &del).await.is_err(), "[{b}] DELETE must be refused");
        let del_all = "DELETE FROM audit_log";
        assert!(
            exec(&store, del_all).await.is_err(),
            "[{b}] DELETE of everything must be refused"
        );
        let report = store.audit_verify().await.must(b, "audit_verify");
        assert!(
            report.errors.is_empty(),
            "[{b}] refused changes leave the log intact: {:?}",
            report.errors
        );
    })
    .await;
}

#[tokio::test]
async fn edited_entry_is_detected() {
    each_backend(|b, store| async move {
        let t = tenant_with_five_entries(b, &store).await;
        drop_append_only_triggers(b, &store, &t).await;
        tamper(b, &store, &[format!(
            "UPDATE audit_log SET after_json = '{{\"user_id\":\"x\",\"role\":\"admin\"}}' WHERE chain = '{t}' AND seq = 3"
        )])
        .await;
        let err = single_error(b, &store, &t).await;
        assert_eq!(err, ChainError::Altered { chain: t.clone(), seq: 3 }, "[{b}]");
    })
    .await;
}

#[tokio::test]
async fn edited_and_rehashed_entry_is_detected() {
    each_backend(|b, store| async move {
        let t = tenant_with_five_entries(b, &store).await;
        drop_append_only_triggers(b, &store, &t).await;
        // An attacker who also recomputes the edited entry's own hash.
        let original: AuditRecord = {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT chain, seq, at_ms, actor_id, actor_label, tenant_id, action, object_type, object_id, \
                 before_json, after_json, prev_hash, hash FROM audit_log WHERE chain = '{t}' AND seq = 3"
            ));
            type Row = (
                String,
                i64,
                i64,
                Option<String>,
                String,
                Option<String>,
                String,
                String,
                String,
                Option<String>,
                Option<String>,
                String,
                String,
            );
            let r: Row = match store.backend() {
                Backend::Sqlite(pool) => sqlx::query_as(sql).fetch_one(pool).await,
                Backend::Postgres(pool) => sqlx::query_as(sql).fetch_one(pool).await,
            }
            .must(b, "read entry 3");
            AuditRecord {
                chain: r.0,
                seq: r.1,
                at_ms: r.2,
                actor_id: r.3,
                actor_label: r.4,
                tenant_id: r.5,
                action: r.6,
                object_type: r.7,
                object_id: r.8,
                before: r.9,
                after: r.10,
                prev_hash: r.11,
                hash: r.12,
            }
        };
        assert_eq!(
            original.compute_hash(),
            original.hash,
            "[{b}] stored entries hash to their stored hash"
        );
        let forged = AuditRecord {
            action: "membership.delete".into(),
            ..original
        };
        let hash = forged.compute_hash();
        tamper(
            b,
            &store,
            &[format!(
                "UPDATE audit_log SET action = 'membership.delete', hash = '{hash}' WHERE chain = '{t}' AND seq = 3"
            )],
        )
        .await;
        let err = single_error(b, &store, &t).await;
        assert_eq!(
            err,
            ChainError::Broken {
                chain: t.clone(),
                seq: 4
            },
            "[{b}]"
        );
    })
    .await;
}

#[tokio::test]
async fn deleted_middle_entry_is_detected() {
    each_backend(|b, store| async move {
        let t = tenant_with_five_entries(b, &store).await;
        drop_append_only_triggers(b, &store, &t).await;
        tamper(
            b,
            &store,
            &[format!("DELETE FROM audit_log WHERE chain = '{t}' AND seq = 3")],
        )
        .await;
        let err = single_error(b, &store, &t).await;
        assert_eq!(
            err,
            ChainError::Gap {
                chain: t.clone(),
                expected: 3,
                found: 4
            },
            "[{b}]"
        );
    })
    .await;
}

#[tokio::test]
async fn deleted_last_entry_is_detected() {
    each_backend(|b, store| async move {
        let t = tenant_with_five_entries(b, &store).await;
        drop_append_only_triggers(b, &store, &t).await;
        tamper(
            b,
            &store,
            &[format!("DELETE FROM audit_log WHERE chain = '{t}' AND seq = 5")],
        )
        .await;
        let err = single_error(b, &store, &t).await;
        assert_eq!(
            err,
            ChainError::Truncated {
                chain: t.clone(),
                head_seq: 5,
                last_seq: 4
            },
            "[{b}]"
        );
    })
    .await;
}

#[tokio::test]
async fn swapped_entries_are_detected() {
    each_backend(|b, store| async move {
        let t = tenant_with_five_entries(b, &store).await;
        drop_append_only_triggers(b, &store, &t).await;
        // (chain, seq) is the primary key: go through a free sequence number.
        tamper(
            b,
            &store,
            &[
                format!("UPDATE audit_log SET seq = -1 WHERE chain = '{t}' AND seq = 2"),
                format!("UPDATE audit_log SET seq = 2 WHERE chain = '{t}' AND seq = 3"),
                format!("UPDATE audit_log SET seq = 3 WHERE chain = '{t}' AND seq = -1"),
            ],
        )
        .await;
        let err = single_error(b, &store, &t).await;
        let at_two = matches!(
            &err,
            ChainError::Altered { seq: 2, .. } | ChainError::Broken { seq: 2, .. }
        );
        assert!(at_two, "[{b}] the swap must be reported at entry 2, got {err}");
    })
    .await;
}
