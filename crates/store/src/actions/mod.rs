//! A user's own work: changing many actions at once (the action plan's bulk
//! edit) and finding the assessment or wizard run they worked on last (the
//! home page's "continue where you left off"). Tenant data, reachable only
//! through [`TenantStore`].
//!
//! Rules kept here (tested in `tests/it/bulk_actions.rs` on both backends):
//! - a bulk change needs `Permission::Edit` and is all or nothing: one
//!   transaction; every selected action names the version it was read at,
//!   and one missing (or another tenant's) action is `NotFound`, one stale
//!   version is [`StoreError::VersionConflict`], with nothing changed;
//! - each action the change really alters gets its own `action.update` audit
//!   entry (before/after), exactly as a single edit would, so an action's
//!   history reads the same however it was changed; unaltered ones keep their
//!   version and get no entry.

use etterlev_core::{ActionStatus, Permission, Priority};
use serde::{Deserialize, Serialize};

use crate::accounts::TenantStore;
use crate::assessment::{Action, Assessment};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::store::{Backend, in_tx, with_conn};
use crate::validate;

/// At most this many actions in one bulk change (a page of actions is far
/// fewer; this bounds the transaction).
pub const BULK_MAX: usize = 500;

/// Input of [`TenantStore::update_actions`]: what to set on every selected
/// action. `None` leaves that field as it is on each action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionChanges {
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    pub deadline: Option<String>,
    pub priority: Option<Priority>,
    pub status: Option<ActionStatus>,
}

impl ActionChanges {
    /// True when nothing would be set.
    pub fn is_empty(&self) -> bool {
        self.owner.is_none() && self.deadline.is_none() && self.priority.is_none() && self.status.is_none()
    }

    /// The action with these changes applied (title, text and links stay).
    pub(crate) fn apply(&self, a: &Action) -> Action {
        Action {
            owner: self.owner.clone().or_else(|| a.owner.clone()),
            deadline: self.deadline.clone().or_else(|| a.deadline.clone()),
            priority: self.priority.unwrap_or(a.priority),
            status: self.status.unwrap_or(a.status),
            ..a.clone()
        }
    }
}

/// An action chosen for a bulk change, with the version the user saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectedAction {
    pub id: String,
    pub version: i64,
}

/// The assessment or wizard run to continue, and when it last changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecentWork {
    pub assessment: Assessment,
    /// Milliseconds since the Unix epoch: the newest answer (or the
    /// creation, for one without answers).
    pub changed_at: i64,
    /// True when the signed-in user made that change; otherwise it is the
    /// enterprise's most recently changed open one.
    pub by_me: bool,
}

fn validate_changes(mut ch: ActionChanges) -> StoreResult<ActionChanges> {
    // The bulk form allows 200 characters for the owner.
    ch.owner = validate::optional_line_max("the owner", ch.owner, 200)?;
    ch.deadline = validate::optional_date("the deadline", ch.deadline)?;
    if ch.is_empty() {
        return Err(StoreError::Invalid(Refusal::new(
            "refusal-bulk-nothing",
            "choose at least one of owner, deadline, priority and status to change",
        )));
    }
    Ok(ch)
}

fn validate_selection(selected: &[SelectedAction]) -> StoreResult<()> {
    if selected.is_empty() {
        return Err(StoreError::Invalid(Refusal::new(
            "refusal-bulk-none",
            "select at least one action",
        )));
    }
    if selected.len() > BULK_MAX {
        return Err(StoreError::Invalid(
            Refusal::new(
                "refusal-bulk-many",
                format!("at most {BULK_MAX} actions can be changed at once"),
            )
            .arg(BULK_MAX),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = selected.iter().find(|s| !seen.insert(s.id.as_str())) {
        return Err(StoreError::Invalid(
            Refusal::new(
                "refusal-bulk-twice",
                format!(
                    "action {} is selected more than once",
                    twice.id.chars().take(60).collect::<String>()
                ),
            )
            .arg(twice.id.chars().take(60).collect::<String>()),
        ));
    }
    Ok(())
}

impl TenantStore<'_> {
    /// Sets owner, deadline, priority and/or status on every selected action
    /// in one transaction, each checked against the version the caller read.
    /// Returns the actions as stored afterwards, in the order given.
    pub async fn update_actions(
        &self,
        selected: &[SelectedAction],
        changes: ActionChanges,
    ) -> StoreResult<Vec<Action>> {
        self.scope.require(Permission::Edit)?;
        validate_selection(selected)?;
        let changes = validate_changes(changes)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::update_actions(c, actor, tid, selected, &changes).await)
    }

    /// The open assessment or wizard run this user changed an answer in
    /// most recently; without one, the enterprise's most recently changed
    /// open one; `None` when there is no open one at all.
    pub async fn recent_work(&self) -> StoreResult<Option<RecentWork>> {
        self.scope.require(Permission::Read)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        with_conn!(self.store, q, c => q::recent_work(c, tid, &actor.label).await)
    }
}
