//! Storage for etterlev: one API over SQLite (the default, embedded) and
//! PostgreSQL (production).
//!
//! Architecture invariants:
//! - Only this crate knows SQL. Both backends run the *same* query text
//!   (every area's query files are compiled once per backend), so they cannot drift.
//! - Tenant-owned data is reachable only through [`TenantStore`], which needs a
//!   [`TenantScope`]; a scope can only be made by [`Store::scope`], which
//!   checks membership. No tenant-scoped query runs without a tenant id.
//! - Every change writes its audit entry in the same transaction, so a change
//!   without its entry (or the reverse) cannot be committed.

mod accounts;
mod actions;
mod assessment;
mod catalog;
mod error;
mod inventory;
mod model;
mod reminders;
mod secretariat;
mod store;
mod test_projects;
mod validate;

pub use accounts::{SessionContext, TenantScope, TenantStore};
pub use actions::{ActionChanges, BULK_MAX, RecentWork, SelectedAction};
pub use assessment::{
    Action, ActionInput, Answer, AnswerInput, AnswerStatusRow, Assessment, AssessmentKind, AssessmentProfile, Evidence,
    EvidenceKind, NewAction, NewAssessment,
};
pub use catalog::{CatalogStamp, ImportSummary, StoredCatalog};
pub use error::{ConflictWith, Refusal, RefusalArg, StoreError, StoreResult};
pub use inventory::{
    DIMENSIONS, ImportCounts, Integration, IntegrationInput, LINKS_MAX, LevelText, ListedIntegration, MeasureInput,
    Page, PendingImport, RequirementRef, SecurityMeasure, System, SystemInput,
};
pub use model::*;
pub use reminders::{DigestRecipient, DueItem, DueKind};
pub use secretariat::{
    Attendance, AttendanceInput, Case, CaseComment, CaseInput, Consultation, ConsultationComment,
    DecisionInput as CaseDecisionInput, Document, DocumentInput, Followup, FollowupInput, Measure, Meeting,
    MeetingInput, Organisation, PlanItem, PlanItemInput, Seat, SeatInput, SecretariatStore, StatusChange, TenantTally,
    tabulate as tabulate_statistics,
};
pub use store::{Backend, Store, now_ms, pg_options};
pub use test_projects::{
    CheckInput, CheckUpdate, DecisionInput, TestCheck, TestDecision, TestProject, TestProjectInput, answered,
};
pub use validate::{LINE_MAX, TEXT_MAX, is_date, is_time};

/// The queries, compiled once for each backend. See the module docs.
mod sqlite_q {
    #![allow(dead_code)]
    type Conn = sqlx::SqliteConnection;
    const IS_SQLITE: bool = true;
    include!("queries.rs");
    include!("accounts/queries_users.rs");
    include!("accounts/queries_sessions.rs");
    include!("accounts/queries_profile.rs");
    include!("catalog/queries.rs");
    include!("assessment/queries.rs");
    include!("actions/queries.rs");
    include!("test_projects/queries.rs");
    include!("secretariat/queries.rs");
    include!("secretariat/queries_meetings.rs");
    include!("inventory/queries.rs");
    include!("inventory/queries_measures.rs");
    include!("reminders/queries.rs");
}

mod pg_q {
    #![allow(dead_code)]
    type Conn = sqlx::PgConnection;
    const IS_SQLITE: bool = false;
    include!("queries.rs");
    include!("accounts/queries_users.rs");
    include!("accounts/queries_sessions.rs");
    include!("accounts/queries_profile.rs");
    include!("catalog/queries.rs");
    include!("assessment/queries.rs");
    include!("actions/queries.rs");
    include!("test_projects/queries.rs");
    include!("secretariat/queries.rs");
    include!("secretariat/queries_meetings.rs");
    include!("inventory/queries.rs");
    include!("inventory/queries_measures.rs");
    include!("reminders/queries.rs");
}
