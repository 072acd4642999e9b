//! Test projects (module M9): the test-data guideline as a checklist per
//! test project, ending in a recorded decision. Tenant data, reachable only
//! through [`TenantStore`].
//!
//! Rules kept here (and tested in `tests/it/testdata.rs` on both backends):
//! - getters need `Permission::Read`; creating, changing, answering and
//!   deciding need `Permission::Edit`;
//! - every change writes its audit entry (before/after JSON) in the same
//!   transaction: `test_project.create`, `test_project.update`,
//!   `test_check.save`, `test_project.decide` (the first decision) and
//!   `test_project.revise_decision` (every later one);
//! - projects and check answers carry a `version`: a change names the
//!   version it read, and a stale one is [`StoreError::VersionConflict`]
//!   carrying the stored object, with nothing changed;
//! - a decision is refused with [`StoreError::ChecklistIncomplete`] naming
//!   every item `etterlev_core::test_projects::missing` finds for it, and
//!   nothing is saved; a rejection is always possible. Each decision is kept
//!   in `test_project_decisions` with the checklist as it stood;
//! - changing the project's data kind withdraws its current decision (the
//!   history keeps it): an approval for synthetic data says nothing about
//!   real data.

use etterlev_core::Permission;
use etterlev_core::test_projects::{
    Answered, CheckAnswer, CheckKey, DataKind, Decision, Missing, Progress, ProjectFacts, missing, progress,
};
use serde::{Deserialize, Serialize};

use crate::accounts::TenantStore;
use crate::error::{Refusal, StoreError, StoreResult};
use crate::store::new_id;
use crate::store::{Backend, in_tx, with_conn};
use crate::validate;

/// The fields of a test project a user enters (create and update).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestProjectInput {
    /// What is tested, e.g. "EPJ-oppgradering 24.1".
    pub name: String,
    /// The system under test.
    pub system_name: String,
    /// The test environment (where the data lives during the test).
    pub environment: Option<String>,
    /// What the test is for, in a few sentences.
    pub purpose: Option<String>,
    /// Who answers for the project (name or role).
    pub owner: Option<String>,
    /// The supplier that tests, if any.
    pub supplier: Option<String>,
    pub data_kind: DataKind,
    /// YYYY-MM-DD: the test data is deleted by this date.
    pub delete_by: Option<String>,
}

/// A stored test project, with its current decision (if any).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestProject {
    pub id: String,
    pub name: String,
    pub system_name: String,
    pub environment: Option<String>,
    pub purpose: Option<String>,
    pub owner: Option<String>,
    pub supplier: Option<String>,
    pub data_kind: DataKind,
    pub delete_by: Option<String>,
    pub decision: Option<Decision>,
    pub decision_reason: Option<String>,
    pub conditions: Option<String>,
    /// YYYY-MM-DD: the decision is to be looked at again by this date.
    pub review_by: Option<String>,
    /// E-mail address of whoever recorded the decision.
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// 1 when created, +1 per change or decision.
    pub version: i64,
}

impl TestProject {
    /// The project as input, e.g. to fill an edit form.
    pub fn input(&self) -> TestProjectInput {
        TestProjectInput {
            name: self.name.clone(),
            system_name: self.system_name.clone(),
            environment: self.environment.clone(),
            purpose: self.purpose.clone(),
            owner: self.owner.clone(),
            supplier: self.supplier.clone(),
            data_kind: self.data_kind,
            delete_by: self.delete_by.clone(),
        }
    }

    /// What the checklist rule needs to know about the project.
    pub fn facts(&self) -> ProjectFacts {
        ProjectFacts {
            data_kind: self.data_kind,
            has_deletion_date: self.delete_by.is_some(),
        }
    }

    /// What stands in the way of `decision` given these answers.
    pub fn missing_for(&self, checks: &[TestCheck], decision: Decision) -> Vec<Missing> {
        missing(&self.facts(), &answered(checks), decision)
    }

    pub fn progress(&self, checks: &[TestCheck]) -> Progress {
        progress(&self.facts(), &answered(checks))
    }
}

/// The rule's view of stored answers.
pub fn answered(checks: &[TestCheck]) -> Vec<Answered> {
    checks
        .iter()
        .map(|c| Answered {
            key: c.key,
            answer: c.answer,
            has_note: c.note.is_some(),
        })
        .collect()
}

/// What a user enters for one checklist item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInput {
    pub answer: CheckAnswer,
    pub note: Option<String>,
}

/// One change of [`TenantStore::save_test_checks`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckUpdate {
    pub key: CheckKey,
    pub input: CheckInput,
    /// The version the user saw; 0 when the item had no answer yet.
    pub expected_version: i64,
}

/// A stored answer to one checklist item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestCheck {
    pub key: CheckKey,
    pub answer: CheckAnswer,
    pub note: Option<String>,
    /// E-mail address of whoever saved it last.
    pub updated_by: Option<String>,
    pub updated_at: i64,
    /// 1 for a new answer, +1 per save.
    pub version: i64,
}

/// Input of [`TenantStore::decide_test_project`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionInput {
    pub decision: Decision,
    /// Why: required for every decision.
    pub reason: String,
    /// Required for approval with conditions.
    pub conditions: Option<String>,
    /// YYYY-MM-DD: when to look at the decision again.
    pub review_by: Option<String>,
}

/// One recorded decision, as it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestDecision {
    /// 1 for the first decision on the project, then 2, 3…
    pub seq: i64,
    pub decision: Decision,
    pub reason: String,
    pub conditions: Option<String>,
    pub review_by: Option<String>,
    /// The project's data kind and deletion date when it was decided.
    pub data_kind: DataKind,
    pub delete_by: Option<String>,
    /// The checklist as it stood.
    pub checks: Vec<TestCheck>,
    pub decided_by: String,
    pub decided_at: i64,
}

// ---------------------------------------------------------------- validation

fn line(what: &str, v: String, required: bool) -> StoreResult<Option<String>> {
    if required {
        validate::required_line(what, &v).map(Some)
    } else {
        validate::optional_line(what, Some(v))
    }
}

fn opt_line(what: &str, v: Option<String>) -> StoreResult<Option<String>> {
    line(what, v.unwrap_or_default(), false)
}

/// A multi-line text: line breaks and tabs are the only control characters.
fn text(what: &str, v: Option<String>) -> StoreResult<Option<String>> {
    validate::optional_text(what, v)
}

fn date(what: &str, v: Option<String>) -> StoreResult<Option<String>> {
    validate::optional_date(what, v)
}

pub(crate) fn validate_project(p: TestProjectInput) -> StoreResult<TestProjectInput> {
    Ok(TestProjectInput {
        name: line("the name", p.name, true)?.unwrap_or_default(),
        system_name: line("the system", p.system_name, true)?.unwrap_or_default(),
        environment: opt_line("the test environment", p.environment)?,
        purpose: text("the purpose", p.purpose)?,
        owner: opt_line("the owner", p.owner)?,
        supplier: opt_line("the supplier", p.supplier)?,
        data_kind: p.data_kind,
        delete_by: date("the deletion date", p.delete_by)?,
    })
}

pub(crate) fn validate_check(key: CheckKey, c: CheckInput) -> StoreResult<CheckInput> {
    Ok(CheckInput {
        answer: c.answer,
        note: text(&format!("the note on {key}"), c.note)?,
    })
}

pub(crate) fn validate_decision(d: DecisionInput) -> StoreResult<DecisionInput> {
    let reason = text("the reason", Some(d.reason))?
        .ok_or_else(|| StoreError::Invalid(Refusal::new("refusal-decision-reason", "a decision needs a reason")))?;
    let conditions = text("the conditions", d.conditions)?;
    if d.decision == Decision::ApprovedWithConditions && conditions.is_none() {
        return Err(StoreError::Invalid(Refusal::new(
            "refusal-conditions",
            "an approval with conditions must say what the conditions are",
        )));
    }
    Ok(DecisionInput {
        decision: d.decision,
        reason,
        conditions,
        review_by: date("the review date", d.review_by)?,
    })
}

// ---------------------------------------------------------------- the API

impl TenantStore<'_> {
    /// Creates a test project (no answers, no decision).
    pub async fn create_test_project(&self, input: TestProjectInput) -> StoreResult<TestProject> {
        self.scope.require(Permission::Edit)?;
        let input = validate_project(input)?;
        let (tid, actor, id) = (&self.scope.tenant_id, &self.scope.actor, new_id());
        in_tx!(self.store, q, c => q::create_test_project(c, actor, tid, &id, &input).await)
    }

    /// The tenant's test projects, newest first.
    pub async fn test_projects(&self) -> StoreResult<Vec<TestProject>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::test_projects(c, tid).await)
    }

    /// One test project; another tenant's is `NotFound`.
    pub async fn test_project(&self, id: &str) -> StoreResult<TestProject> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::test_project(c, tid, id).await)
    }

    /// Changes a project's fields; a stale `expected_version` is
    /// [`StoreError::VersionConflict`]. A new data kind withdraws the
    /// current decision.
    pub async fn update_test_project(
        &self,
        id: &str,
        input: TestProjectInput,
        expected_version: i64,
    ) -> StoreResult<TestProject> {
        self.scope.require(Permission::Edit)?;
        let input = validate_project(input)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::update_test_project(c, actor, tid, id, &input, expected_version).await)
    }

    /// The project's answered items, in checklist order.
    pub async fn test_checks(&self, project_id: &str) -> StoreResult<Vec<TestCheck>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::test_checks(c, tid, project_id).await)
    }

    /// Every answered item of every project of the tenant, by project id
    /// (for the list's progress column, in one query).
    pub async fn all_test_checks(&self) -> StoreResult<std::collections::HashMap<String, Vec<TestCheck>>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::all_test_checks(c, tid).await)
    }

    /// Saves answers to checklist items: all or nothing, one audit entry per
    /// changed item (an item saved unchanged writes nothing). A stale
    /// `expected_version` on any item is [`StoreError::VersionConflict`] with
    /// that item as stored, and nothing is saved.
    pub async fn save_test_checks(&self, project_id: &str, updates: Vec<CheckUpdate>) -> StoreResult<Vec<TestCheck>> {
        self.scope.require(Permission::Edit)?;
        let mut seen = std::collections::HashSet::new();
        let mut clean_updates = Vec::with_capacity(updates.len());
        for u in updates {
            if !seen.insert(u.key) {
                return Err(StoreError::Invalid(
                    Refusal::new("refusal-twice", format!("{} appears more than once", u.key)).arg(u.key),
                ));
            }
            clean_updates.push(CheckUpdate {
                input: validate_check(u.key, u.input)?,
                ..u
            });
        }
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::save_test_checks(c, actor, tid, project_id, &clean_updates).await)
    }

    /// Records (or revises) the project's decision. Refused with
    /// [`StoreError::ChecklistIncomplete`] when the checklist does not
    /// support it, and with [`StoreError::VersionConflict`] when the project
    /// changed since `expected_version`; nothing is saved then.
    pub async fn decide_test_project(
        &self,
        id: &str,
        input: DecisionInput,
        expected_version: i64,
    ) -> StoreResult<TestProject> {
        self.scope.require(Permission::Edit)?;
        let input = validate_decision(input)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::decide_test_project(c, actor, tid, id, &input, expected_version).await)
    }

    /// Every decision recorded on the project, newest first.
    pub async fn test_decisions(&self, project_id: &str) -> StoreResult<Vec<TestDecision>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::test_decisions(c, tid, project_id).await)
    }
}

#[allow(unused_imports)]
use Backend as _;

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> TestProjectInput {
        TestProjectInput {
            name: " EPJ 24.1 ".into(),
            system_name: "DIPS".into(),
            environment: Some("  ".into()),
            purpose: Some("Linje 1\r\nLinje 2".into()),
            owner: None,
            supplier: None,
            data_kind: DataKind::Real,
            delete_by: Some("2026-02-28".into()),
        }
    }

    #[test]
    fn projects_are_cleaned_and_checked() {
        let ok = validate_project(input()).expect("valid");
        assert_eq!(ok.name, "EPJ 24.1");
        assert_eq!(ok.environment, None);
        assert_eq!(ok.purpose.as_deref(), Some("Linje 1\nLinje 2"));
        for bad in [
            TestProjectInput {
                name: " ".into(),
                ..input()
            },
            TestProjectInput {
                system_name: "a\u{7}".into(),
                ..input()
            },
            TestProjectInput {
                delete_by: Some("2026-02-30".into()),
                ..input()
            },
            TestProjectInput {
                owner: Some("x".repeat(validate::LINE_MAX + 1)),
                ..input()
            },
        ] {
            assert!(matches!(validate_project(bad), Err(StoreError::Invalid(_))));
        }
    }

    #[test]
    fn decisions_need_a_reason_and_conditions() {
        let d = |decision, reason: &str, conditions: Option<&str>| DecisionInput {
            decision,
            reason: reason.into(),
            conditions: conditions.map(str::to_string),
            review_by: None,
        };
        assert!(validate_decision(d(Decision::Rejected, " ", None)).is_err());
        assert!(validate_decision(d(Decision::ApprovedWithConditions, "ok", Some(" "))).is_err());
        assert!(validate_decision(d(Decision::ApprovedWithConditions, "ok", Some("logg"))).is_ok());
        assert!(validate_decision(d(Decision::Approved, "ok", None)).is_ok());
    }
}
