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
    /// The input breaks a rule; nothing was saved. The refusal carries its
    /// message key and arguments for pages, and an English sentence for the
    /// API, the command line and logs.
    #[error("{0}")]
    Invalid(Refusal),
    /// Stored data that cannot be read, or a setting that cannot be used: a
    /// fault for operators, not for the person typing. Pages show a generic
    /// error; the command line and the log show this text.
    #[error("{0}")]
    Internal(String),
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

/// Why input was refused, typed: the key of a message in the refusal
/// catalogue (`crates/web/locales/{nb,en}/refusals.ftl`), its arguments
/// (`$a`, `$b`, … in order), and the sentence in English.
///
/// Pages render the key in the reader's language; an argument made with
/// [`Refusal::field`] names a form field and is itself translated (key
/// `refusal-field-<name in kebab case>`). A test in the web crate checks that
/// every key used here exists in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    key: &'static str,
    args: Vec<RefusalArg>,
    english: String,
    details: Vec<Refusal>,
}

/// One argument of a [`Refusal`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusalArg {
    /// A value shown as it is (a number, a date, an identifier, a title).
    Value(String),
    /// The English name of a field ("the title"), translated on pages.
    Field(String),
}

impl Refusal {
    pub fn new(key: &'static str, english: impl Into<String>) -> Refusal {
        Refusal {
            key,
            args: Vec::new(),
            english: english.into(),
            details: Vec::new(),
        }
    }

    /// The next argument, shown as it is.
    #[must_use]
    pub fn arg(mut self, value: impl std::fmt::Display) -> Refusal {
        self.args.push(RefusalArg::Value(value.to_string()));
        self
    }

    /// The next argument, a field name to translate.
    #[must_use]
    pub fn field(mut self, english_name: &str) -> Refusal {
        self.args.push(RefusalArg::Field(english_name.to_string()));
        self
    }

    /// Refusals this one sums up (each bad row of a batch).
    #[must_use]
    pub fn with_details(mut self, details: Vec<Refusal>) -> Refusal {
        self.details = details;
        self
    }

    pub fn key(&self) -> &'static str {
        self.key
    }

    pub fn args(&self) -> &[RefusalArg] {
        &self.args
    }

    pub fn details(&self) -> &[Refusal] {
        &self.details
    }

    /// The sentence in English.
    pub fn english(&self) -> &str {
        &self.english
    }

    /// Whether the English sentence contains `s` (for tests and logs).
    pub fn contains(&self, s: &str) -> bool {
        self.english.contains(s)
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english)
    }
}

impl From<Refusal> for StoreError {
    fn from(r: Refusal) -> StoreError {
        StoreError::Invalid(r)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.constraint().unwrap_or("unique").to_string())
            }
            // PostgreSQL refuses NUL bytes and invalid encodings in text.
            sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("22021") | Some("22P05")) => {
                StoreError::Invalid(Refusal::new(
                    "refusal-character",
                    "text contains a character the database cannot store",
                ))
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
    System(Box<crate::inventory::System>),
    Integration(crate::inventory::Integration),
    Measure(Box<crate::inventory::SecurityMeasure>),
}
