//! Self-assessments, answers, evidence and the action plan: tenant data,
//! reachable only through [`TenantStore`].
//!
//! Rules kept here (and tested in `tests/it/assessments.rs` on both backends):
//! - getters need `Permission::Read`, changes `Permission::Edit`;
//! - every change writes its audit entry (before/after JSON) in the same
//!   transaction: `assessment.create`, `assessment.close`, `answer.save`,
//!   `answers.import`, `evidence.add`, `evidence.delete`, `action.create`,
//!   `action.update`;
//! - answers, actions and assessments carry a `version`: a change names the
//!   version it read, and a stale one is [`StoreError::VersionConflict`]
//!   carrying the stored object, with nothing changed;
//! - answers name requirements or recommendations of the assessment's
//!   catalogue version; anything else is [`StoreError::Invalid`] naming the id;
//! - evidence files are stored once per tenant and SHA-256 (`blobs`).

use etterlev_core::WizardAnswer;
use etterlev_core::{ActionStatus, AnswerStatus, Condition, Maturity, Permission, Priority, SizeClass, TenantKind};
use std::collections::HashMap;

use etterlev_catalog::{Catalog, ChangeKind, DiffEntry};
use serde::{Deserialize, Serialize};

use crate::accounts::TenantStore;
use crate::error::{Refusal, StoreError, StoreResult};
use crate::store::new_id;
use crate::store::{Backend, in_tx, with_conn};
use crate::validate::{self, clean};

/// What decides which requirements apply: the tenant's kind and size by
/// default, editable per assessment. Stored as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentProfile {
    pub kind: TenantKind,
    pub size: SizeClass,
    #[serde(default)]
    pub conditions: Vec<Condition>,
}

impl AssessmentProfile {
    /// The catalogue's applicability profile (`etterlev_catalog::filter`),
    /// with what follows from kind and size by law, exactly as the catalogue
    /// pages derive it (`Profile::for_enterprise`).
    pub fn to_profile(&self) -> etterlev_catalog::Profile {
        etterlev_catalog::Profile::for_enterprise(self.kind, self.size, self.conditions.iter().copied())
    }
}

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable machine name, used in storage, URLs and the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Compares with the machine name, so `kind == "file"` works in templates.
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }
    };
}

text_enum! {
    /// A full assessment against a catalogue, or the small-enterprise wizard.
    AssessmentKind {
        Full = "full",
        Wizard = "wizard",
    }
}

text_enum! {
    /// Evidence is an uploaded file or a link.
    EvidenceKind {
        File = "file",
        Link = "link",
    }
}

/// Input of [`TenantStore::create_assessment`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAssessment {
    /// A stored catalogue version (`normen@6.0`).
    pub catalog_key: String,
    pub title: String,
    pub kind: AssessmentKind,
    /// Free text (name or role).
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    pub period_start: Option<String>,
    /// YYYY-MM-DD, not before `period_start`.
    pub period_end: Option<String>,
    pub profile: AssessmentProfile,
    /// A previous assessment of this tenant whose answers are copied (through
    /// the catalogue diff when the catalogue version differs).
    pub start_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: String,
    pub catalog_key: String,
    pub title: String,
    pub kind: AssessmentKind,
    pub owner: Option<String>,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub profile: AssessmentProfile,
    /// The assessment it started from, if any.
    pub previous_id: Option<String>,
    /// A closed assessment is read-only.
    pub closed: bool,
    pub created_at: i64,
    pub version: i64,
}

/// What a user enters for one requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerInput {
    pub status: AnswerStatus,
    pub maturity: Option<Maturity>,
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    pub due_date: Option<String>,
    pub comment: Option<String>,
    /// Required (non-blank) when `status` is not applicable.
    pub na_reason: Option<String>,
    pub wizard_answer: Option<WizardAnswer>,
}

/// The scoring part of a stored answer, see [`TenantStore::answer_statuses`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerStatusRow {
    pub assessment_id: String,
    pub node_id: String,
    pub status: AnswerStatus,
    pub maturity: Option<Maturity>,
}

/// A stored answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub node_id: String,
    pub status: AnswerStatus,
    pub maturity: Option<Maturity>,
    pub owner: Option<String>,
    pub due_date: Option<String>,
    pub comment: Option<String>,
    pub na_reason: Option<String>,
    pub wizard_answer: Option<WizardAnswer>,
    /// Carried over from an earlier catalogue version in which the
    /// requirement was different or elsewhere: someone should look again.
    /// Saving the answer clears it.
    pub needs_review: bool,
    /// 1 for a new answer, +1 per save. Pass it back as `expected_version`.
    pub version: i64,
    pub updated_at: i64,
    /// E-mail address of whoever saved it last.
    pub updated_by: Option<String>,
}

impl Answer {
    /// The answer as input, e.g. to show the stored values next to a
    /// conflicting user's input.
    pub fn input(&self) -> AnswerInput {
        AnswerInput {
            status: self.status,
            maturity: self.maturity,
            owner: self.owner.clone(),
            due_date: self.due_date.clone(),
            comment: self.comment.clone(),
            na_reason: self.na_reason.clone(),
            wizard_answer: self.wizard_answer,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub id: String,
    pub assessment_id: String,
    pub node_id: String,
    pub kind: EvidenceKind,
    /// Display name: the uploaded file's name, or a link's title.
    pub filename: Option<String>,
    pub content_type: Option<String>,
    /// Bytes of a file.
    pub size: Option<i64>,
    /// SHA-256 (hex) of a file's bytes.
    pub sha256: Option<String>,
    /// A link's address.
    pub url: Option<String>,
    pub created_at: i64,
    /// YYYY-MM-DD after which it no longer shows the requirement is met.
    pub valid_until: Option<String>,
}

/// Input of [`TenantStore::create_action`]: a new action is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAction {
    pub title: String,
    pub description: Option<String>,
    /// The assessment whose gap it closes; needed when `node_id` is given.
    pub assessment_id: Option<String>,
    /// A requirement of that assessment's catalogue.
    pub node_id: Option<String>,
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    pub deadline: Option<String>,
    pub priority: Priority,
}

/// Input of [`TenantStore::update_action`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionInput {
    pub title: String,
    pub description: Option<String>,
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    pub deadline: Option<String>,
    pub priority: Priority,
    pub status: ActionStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub assessment_id: Option<String>,
    /// The catalogue version of the assessment, when the action has one.
    pub catalog_key: Option<String>,
    pub node_id: Option<String>,
    pub owner: Option<String>,
    pub deadline: Option<String>,
    pub priority: Priority,
    pub status: ActionStatus,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

// ---------------------------------------------------------------- validation

fn check_date(what: &str, v: &Option<String>) -> StoreResult<()> {
    v.as_ref().map_or(Ok(()), |d| validate::date(what, d).map(|_| ()))
}

fn required(what: &str, v: String) -> StoreResult<String> {
    validate::required_line(what, &v)
}

fn validate_new_assessment(mut n: NewAssessment) -> StoreResult<NewAssessment> {
    n.title = required("the title", n.title)?;
    n.catalog_key = n.catalog_key.trim().to_string();
    n.owner = clean(n.owner);
    n.period_start = clean(n.period_start);
    n.period_end = clean(n.period_end);
    n.start_from = clean(n.start_from);
    check_date("the start of the period", &n.period_start)?;
    check_date("the end of the period", &n.period_end)?;
    if let (Some(a), Some(b)) = (&n.period_start, &n.period_end)
        && b < a
    {
        return Err(StoreError::Invalid(
            Refusal::new(
                "refusal-period",
                format!("the period ends ({b}) before it starts ({a})"),
            )
            .arg(b)
            .arg(a),
        ));
    }
    Ok(n)
}

/// Checks and normalises one answer; `node_id` only names it in messages.
pub(crate) fn validate_answer(node_id: &str, mut a: AnswerInput) -> StoreResult<AnswerInput> {
    a.owner = clean(a.owner);
    a.due_date = clean(a.due_date);
    a.comment = clean(a.comment);
    a.na_reason = clean(a.na_reason);
    if a.status == AnswerStatus::NotApplicable && a.na_reason.is_none() {
        return Err(StoreError::Invalid(
            Refusal::new(
                "refusal-na-reason",
                format!("{node_id}: a reason is required when a requirement does not apply"),
            )
            .arg(node_id),
        ));
    }
    check_date(&format!("{node_id}: the due date"), &a.due_date)?;
    Ok(a)
}

fn validate_new_action(mut n: NewAction) -> StoreResult<NewAction> {
    n.title = required("the action's title", n.title)?;
    n.description = clean(n.description);
    n.assessment_id = clean(n.assessment_id);
    n.node_id = clean(n.node_id);
    n.owner = clean(n.owner);
    n.deadline = clean(n.deadline);
    check_date("the deadline", &n.deadline)?;
    if n.node_id.is_some() && n.assessment_id.is_none() {
        return Err(StoreError::Invalid(Refusal::new(
            "refusal-action-assessment",
            "an action for a requirement needs the assessment it belongs to",
        )));
    }
    Ok(n)
}

fn validate_action_input(mut a: ActionInput) -> StoreResult<ActionInput> {
    a.title = required("the action's title", a.title)?;
    a.description = clean(a.description);
    a.owner = clean(a.owner);
    a.deadline = clean(a.deadline);
    check_date("the deadline", &a.deadline)?;
    Ok(a)
}

/// Only http and https links, without spaces or control characters: a link
/// is shown as a link, and `javascript:` must never become one.
fn validate_url(url: &str) -> StoreResult<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    if !scheme_ok || url.len() <= "https://".len() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(StoreError::Invalid(Refusal::new(
            "refusal-link",
            "a link must be a web address starting with https:// or http://",
        )));
    }
    Ok(url.to_string())
}

// ---------------------------------------------------------------- the API

impl TenantStore<'_> {
    /// Creates an assessment. With `start_from`, copies that assessment's
    /// answers: on the same catalogue version as they are; on another
    /// version through `etterlev_catalog::diff` (matched by id or
    /// `replaces`): unchanged requirements as they are, changed or moved ones
    /// with `needs_review`, removed ones dropped. One transaction.
    pub async fn create_assessment(&self, new: NewAssessment) -> StoreResult<Assessment> {
        self.scope.require(Permission::Edit)?;
        let new = validate_new_assessment(new)?;
        let (tid, actor, id) = (&self.scope.tenant_id, &self.scope.actor, new_id());
        in_tx!(self.store, q, c => q::create_assessment(c, actor, tid, &id, &new).await)
    }

    /// The tenant's assessments, newest first.
    pub async fn list_assessments(&self) -> StoreResult<Vec<Assessment>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::assessments(c, tid).await)
    }

    /// One assessment; another tenant's is `NotFound`.
    pub async fn assessment(&self, id: &str) -> StoreResult<Assessment> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::assessment(c, tid, id).await)
    }

    /// Closes an assessment (read-only from then on).
    pub async fn close_assessment(&self, id: &str, expected_version: i64) -> StoreResult<Assessment> {
        self.scope.require(Permission::Edit)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::close_assessment(c, actor, tid, id, expected_version).await)
    }

    /// The assessment's answers, in the catalogue's order.
    pub async fn answers(&self, assessment_id: &str) -> StoreResult<Vec<Answer>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::answers(c, tid, assessment_id).await)
    }

    /// Status and maturity of the answers of several assessments at once (for
    /// trends). Ids of other tenants' assessments simply match nothing.
    pub async fn answer_statuses(&self, assessment_ids: &[String]) -> StoreResult<Vec<AnswerStatusRow>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::answer_statuses(c, tid, assessment_ids).await)
    }

    /// Saves one answer. `expected_version` is the version the user saw (0:
    /// no answer yet); if someone saved in between, the result is
    /// [`StoreError::VersionConflict`] with the stored answer and nothing
    /// changes.
    pub async fn save_answer(
        &self,
        assessment_id: &str,
        node_id: &str,
        input: AnswerInput,
        expected_version: i64,
    ) -> StoreResult<Answer> {
        self.scope.require(Permission::Edit)?;
        let input = validate_answer(node_id, input)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::save_answer(c, actor, tid, assessment_id, node_id, &input, expected_version).await)
    }

    /// Saves many answers (an .xlsx import): all or nothing, last writer
    /// wins, one audit entry. Returns how many were saved.
    pub async fn save_answers(&self, assessment_id: &str, rows: Vec<(String, AnswerInput)>) -> StoreResult<usize> {
        self.scope.require(Permission::Edit)?;
        let rows = rows
            .into_iter()
            .map(|(node, input)| {
                let node = node.trim().to_string();
                let input = validate_answer(&node, input)?;
                Ok((node, input))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::save_answers(c, actor, tid, assessment_id, &rows).await)
    }

    /// Adds a file as evidence. The bytes are stored once per tenant and
    /// SHA-256; size limits and allowed types are the caller's business, the
    /// store refuses only empty files.
    pub async fn add_evidence_file(
        &self,
        assessment_id: &str,
        node_id: &str,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> StoreResult<Evidence> {
        self.scope.require(Permission::Edit)?;
        if bytes.is_empty() {
            return Err(StoreError::Invalid(Refusal::new(
                "refusal-file-empty",
                "the file is empty",
            )));
        }
        let filename = required("the file name", filename.to_string())?;
        let content_type = required("the content type", content_type.to_string())?;
        let sha256 = {
            use sha2::Digest as _;
            hex::encode(sha2::Sha256::digest(bytes))
        };
        let ev = Evidence {
            id: new_id(),
            assessment_id: assessment_id.to_string(),
            node_id: node_id.to_string(),
            kind: EvidenceKind::File,
            filename: Some(filename),
            content_type: Some(content_type),
            size: Some(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
            sha256: Some(sha256),
            url: None,
            created_at: crate::now_ms(),
            valid_until: None,
        };
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::add_evidence(c, actor, tid, &ev, Some(bytes)).await)
    }

    /// Adds a link (http or https) as evidence.
    pub async fn add_evidence_link(
        &self,
        assessment_id: &str,
        node_id: &str,
        url: &str,
        title: Option<&str>,
    ) -> StoreResult<Evidence> {
        self.scope.require(Permission::Edit)?;
        let url = validate_url(url)?;
        let ev = Evidence {
            id: new_id(),
            assessment_id: assessment_id.to_string(),
            node_id: node_id.to_string(),
            kind: EvidenceKind::Link,
            filename: clean(title.map(str::to_string)),
            content_type: None,
            size: None,
            sha256: None,
            url: Some(url),
            created_at: crate::now_ms(),
            valid_until: None,
        };
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::add_evidence(c, actor, tid, &ev, None).await)
    }

    /// The assessment's evidence, oldest first.
    pub async fn evidence(&self, assessment_id: &str) -> StoreResult<Vec<Evidence>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::evidence(c, tid, assessment_id).await)
    }

    /// A file's evidence row and bytes; a link (or another tenant's id) is `NotFound`.
    pub async fn evidence_blob(&self, evidence_id: &str) -> StoreResult<(Evidence, Vec<u8>)> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::evidence_blob(c, tid, evidence_id).await)
    }

    /// Removes evidence; the file's bytes go when nothing else refers to them.
    pub async fn delete_evidence(&self, evidence_id: &str) -> StoreResult<()> {
        self.scope.require(Permission::Edit)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::delete_evidence(c, actor, tid, evidence_id).await)
    }

    /// Creates an open action.
    pub async fn create_action(&self, new: NewAction) -> StoreResult<Action> {
        self.scope.require(Permission::Edit)?;
        let new = validate_new_action(new)?;
        let (tid, actor, id) = (&self.scope.tenant_id, &self.scope.actor, new_id());
        in_tx!(self.store, q, c => q::create_action(c, actor, tid, &id, &new).await)
    }

    /// Changes an action; a stale `expected_version` is
    /// [`StoreError::VersionConflict`] with the stored action.
    pub async fn update_action(&self, id: &str, input: ActionInput, expected_version: i64) -> StoreResult<Action> {
        self.scope.require(Permission::Edit)?;
        let input = validate_action_input(input)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::update_action(c, actor, tid, id, &input, expected_version).await)
    }

    /// The tenant's actions (or one assessment's), by priority (patient
    /// safety first), then deadline (none last), then age.
    pub async fn actions(&self, assessment_id: Option<&str>) -> StoreResult<Vec<Action>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        let mut list = with_conn!(self.store, q, c => q::actions(c, tid, assessment_id).await)?;
        list.sort_by(|a, b| {
            (
                a.priority.rank(),
                a.deadline.is_none(),
                &a.deadline,
                a.created_at,
                &a.id,
            )
                .cmp(&(
                    b.priority.rank(),
                    b.deadline.is_none(),
                    &b.deadline,
                    b.created_at,
                    &b.id,
                ))
        });
        Ok(list)
    }

    /// One action; another tenant's is `NotFound`.
    pub async fn action(&self, id: &str) -> StoreResult<Action> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::action(c, tid, id).await)
    }
}

/// Carries answers from catalogue version `old` to `new` through
/// `etterlev_catalog::diff`: a requirement of `new` takes the answer of the
/// node it matches in `old` (same id, or named in `replaces`); unchanged ones
/// as they are, changed or moved ones with `needs_review`; answers of removed
/// requirements are dropped. Results are in `new`'s order, at version 1.
pub(crate) fn carry_answers(old: &Catalog, new: &Catalog, answers: Vec<Answer>) -> Vec<Answer> {
    let d = etterlev_catalog::diff(old, new);
    let entries: HashMap<&str, &DiffEntry> = d
        .entries
        .iter()
        .filter(|e| e.change != ChangeKind::Removed)
        .map(|e| (e.id.as_str(), e))
        .collect();
    let by_old: HashMap<&str, &Answer> = answers.iter().map(|a| (a.node_id.as_str(), a)).collect();
    let mut out = Vec::new();
    for node in new.assessable() {
        let (old_id, review) = match entries.get(node.id.as_str()) {
            Some(e) if e.change == ChangeKind::Added => continue,
            Some(e) => (e.previous_id.as_deref().unwrap_or(&e.id), true),
            None => (node.id.as_str(), false),
        };
        if let Some(a) = by_old.get(old_id) {
            out.push(Answer {
                node_id: node.id.clone(),
                needs_review: a.needs_review || review,
                version: 1,
                ..(*a).clone()
            });
        }
    }
    out
}

#[allow(unused_imports)]
use Backend as _;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        for ok in ["2026-01-31", "2024-02-29", "2000-02-29", "1999-12-01"] {
            assert!(validate::is_date(ok), "{ok}");
        }
        for bad in [
            "2026-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-1-01",
            "26-01-01",
            "2026/01/01",
            "2026-01-0x",
            "+026-01-01",
            "2026-01-01T00",
            "",
            "ÆØÅÆ-01-01",
        ] {
            assert!(!validate::is_date(bad), "{bad}");
        }
    }

    #[test]
    fn not_applicable_needs_a_reason() {
        let input = AnswerInput {
            status: AnswerStatus::NotApplicable,
            maturity: None,
            owner: None,
            due_date: None,
            comment: None,
            na_reason: Some("   ".into()),
            wizard_answer: None,
        };
        assert!(matches!(validate_answer("1-a", input.clone()), Err(StoreError::Invalid(m)) if m.contains("1-a")));
        let ok = AnswerInput {
            na_reason: Some(" no patients ".into()),
            ..input
        };
        assert_eq!(
            validate_answer("1-a", ok).ok().and_then(|a| a.na_reason),
            Some("no patients".into())
        );
    }

    #[test]
    fn links() {
        assert!(validate_url("https://example.no/x").is_ok());
        assert!(validate_url(" HTTP://example.no ").is_ok());
        for bad in [
            "javascript:alert(1)",
            "https://",
            "ftp://x",
            "https://a b",
            "example.no",
        ] {
            assert!(validate_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kinds_compare_with_text() {
        assert!(EvidenceKind::File == "file");
        assert_eq!(AssessmentKind::parse("wizard"), Some(AssessmentKind::Wizard));
        assert_eq!(
            serde_json::to_string(&AssessmentKind::Full).ok().as_deref(),
            Some("\"full\"")
        );
    }
}
