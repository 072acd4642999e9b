use etterlev_store::{Backend, Store};

use crate::support::*;

async fn applied_migrations(store: &Store) -> Result<i64, sqlx::Error> {
    let sql = "SELECT COUNT(*) FROM _sqlx_migrations";
    match store.backend() {
        Backend::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        Backend::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
    }
}

#[tokio::test]
async fn migrations_apply_and_are_idempotent() {
    each_raw_backend(|b, store| async move {
        store.migrate().await.must(b, "first migrate");
        let applied = applied_migrations(&store).await.must(b, "count applied migrations");
        assert!(
            applied >= 1,
            "[{b}] expected at least one applied migration, found {applied}"
        );

        store.migrate().await.must(b, "second migrate (must be a no-op)");
        let again = applied_migrations(&store)
            .await
            .must(b, "count applied migrations again");
        assert_eq!(again, applied, "[{b}] migrating twice must not apply anything new");

        store.ping().await.must(b, "ping");
        assert!(
            store.has_no_users().await.must(b, "has_no_users"),
            "[{b}] a fresh database has no users"
        );
        let report = store.audit_verify().await.must(b, "audit_verify on an empty log");
        assert_eq!(
            (report.chains, report.entries),
            (0, 0),
            "[{b}] an empty log has no chains"
        );
        assert!(report.errors.is_empty(), "[{b}] {:?}", report.errors);
    })
    .await;
}

#[tokio::test]
async fn backend_names_match() {
    each_backend(|b, store| async move {
        assert_eq!(store.backend_name(), b, "[{b}] backend_name()");
        let matches = matches!(
            (b, store.backend()),
            ("sqlite", Backend::Sqlite(_)) | ("postgres", Backend::Postgres(_))
        );
        assert!(matches, "[{b}] backend() returned the wrong variant");
    })
    .await;
}
