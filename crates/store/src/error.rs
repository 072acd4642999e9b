use etterlev_core::ChainError;

use serde::Serialize;

use crate::assessment::{Action, Answer, Assessment};
use etterlev_core::test_projects::Missing;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist, or exists in a tenant the caller may not see.
    /// The two are deliberately the same error so ids cannot be probed.
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    /// Someone else saved this object after the caller read it: the caller's
    /// `expected_version` is stale. Carries the object as stored now (see
    /// [`ConflictWith`]); nothing was changed. (Not to be confused with
    /// [`StoreError::Conflict`], a unique constraint.)
    #[error("someone else saved this after you opened it")]
    VersionConflict(Box<ConflictWith>),
    /// A test project's checklist does not support the decision asked for:
    /// every item in the way, with why (never empty). Nothing was saved.
    #[error("the checklist does not support this decision yet: {} item(s) missing", .0.len())]
    ChecklistIncomplete(Vec<Missing>),
    /// A named unique constraint was violated.
    #[error("already exists ({0})")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    /// A case's comment by an organisation that was not at the meeting at
    /// the case's time (it arrived later or sent apologies), as the
    /// attendance list and the case's time slot say. Nothing was saved.
    #[error("{organisation} was not present at {case_starts}, when case {case} began, and cannot have commented on it")]
    NotPresent {
        organisation: String,
        /// `NN/YY`.
        case: String,
        /// `HH:MM`, the start of the case's time slot.
        case_starts: String,
        /// `HH:MM` the organisation arrived; `None` when it sent apologies.
        present_from: Option<String>,
    },
    /// A catalogue version is immutable: this key exists with other content.
    #[error("catalogue {key} already exists with different content; publish a new version")]
    CatalogChanged { key: String },
    /// A mapping is immutable like a catalogue version.
    #[error("mapping {id} already exists with different content; give the changed mapping a new id")]
    MappingChanged { id: String },
    #[error("could not connect to the database: {0}")]
    Connect(String),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("audit log verification failed: {0}")]
    Chain(#[from] ChainError),
    #[error("database error: {0}")]
    Db(sqlx::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.constraint().unwrap_or("unique").to_string())
            }
            // PostgreSQL refuses NUL bytes and invalid encodings in text.
            sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("22021") | Some("22P05")) => {
                StoreError::Invalid("text contains a character the database cannot store".into())
            }
            _ => StoreError::Db(e),
        }
    }
}

/// What a stale change ran into: the object as it is stored now, so the page
/// can show it next to the user's own input (which the caller still has).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictWith {
    Answer(Answer),
    Action(Action),
    Assessment(Assessment),
    TestProject(crate::test_projects::TestProject),
    TestCheck(crate::test_projects::TestCheck),
    /// A document of the Normen secretariat's portfolio.
    SecDocument(crate::secretariat::Document),
}
