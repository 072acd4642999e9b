//! Storage contract tests for `etterlev-store`.
//!
//! Every test runs against both backends: SQLite in a temporary file and
//! PostgreSQL in a fresh schema of `$ETTERLEV_TEST_PG` (default
//! `postgres://127.0.0.1:5432/test`). When PostgreSQL cannot be reached the
//! PostgreSQL half is skipped with a message on stderr, unless `CI=true`, in
//! which case the test fails.

#[macro_use]
mod support;

mod accounts;
mod assessments;
mod audit;
mod audit_checkpoints;
mod bulk_actions;
mod catalogs;
mod concurrency;
mod credentials;
mod foreign_imports;
mod inventory;
mod migrations;
mod reminders;
mod schema_parity;
mod secretariat;
mod tenancy;
mod test_projects;
