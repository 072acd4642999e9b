//! Storage for etterlev: one API over SQLite (the default, embedded) and
//! PostgreSQL (production).
//!
//! Architecture invariants:
//! - Only this crate knows SQL. Both backends run the *same* query text
//!   (`queries.rs` is compiled once per backend), so they cannot drift.
//! - Tenant-owned data is reachable only through [`TenantStore`], which needs a
//!   [`TenantScope`]; a scope can only be made by [`Store::scope`], which
//!   checks membership. No tenant-scoped query runs without a tenant id.
//! - Every change writes its audit entry in the same transaction, so a change
//!   without its entry (or the reverse) cannot be committed.

mod assessment;
mod catalog;
mod error;
mod model;
mod profile;
mod secretariat;
mod store;
mod tenant;
mod testdata;
mod work;

pub use assessment::{
    Action, ActionInput, Answer, AnswerInput, AnswerStatusRow, Assessment, AssessmentKind, AssessmentProfile,
    ConflictWith, Evidence, EvidenceKind, NewAction, NewAssessment, is_date,
};
pub use catalog::{CatalogStamp, ImportSummary, StoredCatalog};
pub use error::{StoreError, StoreResult};
pub use model::*;
pub use secretariat::{
    Attendance, AttendanceInput, Case, CaseComment, CaseInput, Consultation, ConsultationComment,
    DecisionInput as CaseDecisionInput, Document, DocumentInput, Followup, FollowupInput, Measure, Meeting,
    MeetingInput, Organisation, PlanItem, PlanItemInput, Seat, SeatInput, SecretariatStore, StatusChange, TenantTally,
    is_time, tabulate as tabulate_statistics,
};
pub use store::{Backend, Store, now_ms, pg_options};
pub use tenant::{SessionContext, TenantScope, TenantStore};
pub use testdata::{
    CheckInput, CheckUpdate, DecisionInput, TestCheck, TestDecision, TestProject, TestProjectInput, answered,
};
pub use work::{ActionChanges, BULK_MAX, RecentWork, SelectedAction};

/// The queries, compiled once for each backend. See the module docs.
mod sqlite_q {
    #![allow(dead_code)]
    type Conn = sqlx::SqliteConnection;
    const IS_SQLITE: bool = true;
    include!("queries.rs");
    include!("queries_catalog.rs");
    include!("queries_assessment.rs");
    include!("queries_testdata.rs");
    include!("queries_secretariat.rs");
    include!("queries_profile.rs");
    include!("queries_work.rs");
}

mod pg_q {
    #![allow(dead_code)]
    type Conn = sqlx::PgConnection;
    const IS_SQLITE: bool = false;
    include!("queries.rs");
    include!("queries_catalog.rs");
    include!("queries_assessment.rs");
    include!("queries_testdata.rs");
    include!("queries_secretariat.rs");
    include!("queries_profile.rs");
    include!("queries_work.rs");
}
