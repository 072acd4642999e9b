//! Reminders: what falls due (action deadlines, measure reviews, evidence
//! validity), the job's marks on what has passed, the daily digest's
//! bookkeeping and the calendar-feed tokens.
//!
//! Rules kept here (tested in `tests/it/reminders.rs` on both backends):
//! - due items are the tenant's own, read with `Permission::Read`;
//! - [`Store::mark_expired`] marks each measure review and evidence validity
//!   that passed once (`measure.review_passed`, `evidence.expired` in the
//!   tenant's audit chain); running it again marks nothing;
//! - [`Store::claim_digest`] lets one digest per user and day through;
//! - a calendar token names one user; only its hash is stored, and revoking
//!   deletes every token of the user.

use etterlev_core::Permission;
use serde::{Deserialize, Serialize};

use crate::accounts::TenantStore;
use crate::error::StoreResult;
use crate::model::{Actor, User};
use crate::store::{Backend, Store, in_tx, with_conn};

/// What falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    /// An action's deadline.
    Action,
    /// A security measure's review date.
    Measure,
    /// The date a piece of evidence stops being valid.
    Evidence,
}

impl DueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::Action => "action",
            DueKind::Measure => "measure",
            DueKind::Evidence => "evidence",
        }
    }
}

/// One thing that falls due on `date` (YYYY-MM-DD).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueItem {
    pub tenant_id: String,
    pub kind: DueKind,
    pub id: String,
    pub title: String,
    pub date: String,
    /// For evidence: where it is shown.
    pub assessment_id: Option<String>,
    pub node_id: Option<String>,
}

/// Someone who gets the daily digest for one enterprise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestRecipient {
    pub user: User,
    pub tenant_id: String,
    pub tenant_name: String,
}

impl TenantStore<'_> {
    /// The tenant's open actions, measures under review and evidence that
    /// fall due on or before `until` (YYYY-MM-DD), earliest first.
    pub async fn due_items(&self, until: &str) -> StoreResult<Vec<DueItem>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::due_items(c, tid, until).await)
    }

    /// Sets (or clears) the date a piece of evidence stops being valid.
    pub async fn set_evidence_valid_until(
        &self,
        assessment_id: &str,
        evidence_id: &str,
        valid_until: Option<String>,
    ) -> StoreResult<()> {
        self.scope.require(Permission::Edit)?;
        let valid_until = crate::validate::optional_date("the date the evidence is valid until", valid_until)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::set_evidence_valid_until(c, actor, tid, assessment_id, evidence_id, valid_until.as_deref()).await)
    }
}

impl Store {
    /// Marks, once, every measure review and evidence validity whose date is
    /// before `today` (YYYY-MM-DD), in every tenant; returns how many it
    /// marked now. Safe to run twice and from several servers at once.
    pub async fn mark_expired(&self, today: &str) -> StoreResult<usize> {
        let actor = Actor::system();
        in_tx!(self, q, c => q::mark_expired(c, &actor, today).await)
    }

    /// Whether an item is marked as passed.
    pub async fn expiry_marks(&self, tenant_id: &str) -> StoreResult<Vec<(String, String, String)>> {
        with_conn!(self, q, c => q::expiry_marks(c, tenant_id).await)
    }

    /// Members who may edit, of every enterprise, for the daily digest.
    pub async fn digest_recipients(&self) -> StoreResult<Vec<DigestRecipient>> {
        with_conn!(self, q, c => q::digest_recipients(c).await)
    }

    /// Claims the digest of `user_id` for `day`: true the first time only.
    pub async fn claim_digest(&self, user_id: &str, day: &str, items: usize) -> StoreResult<bool> {
        with_conn!(self, q, c => q::claim_digest(c, user_id, day, items).await)
    }

    /// Gives a claim back (the mail could not be sent), so a later run tries again.
    pub async fn release_digest(&self, user_id: &str, day: &str) -> StoreResult<()> {
        with_conn!(self, q, c => q::release_digest(c, user_id, day).await)
    }

    /// Replaces the user's calendar token with one of this hash.
    pub async fn set_calendar_token(&self, user: &User, token_hash: &str) -> StoreResult<()> {
        let actor = Actor::user(user);
        in_tx!(self, q, c => q::set_calendar_token(c, &actor, &user.id, token_hash).await)
    }

    /// Revokes the user's calendar token(s).
    pub async fn revoke_calendar_tokens(&self, user: &User) -> StoreResult<()> {
        let actor = Actor::user(user);
        in_tx!(self, q, c => q::revoke_calendar_tokens(c, &actor, &user.id).await)
    }

    pub async fn has_calendar_token(&self, user_id: &str) -> StoreResult<bool> {
        with_conn!(self, q, c => q::has_calendar_token(c, user_id).await)
    }

    /// The (enabled) user a calendar token's hash belongs to.
    pub async fn user_by_calendar_token(&self, token_hash: &str) -> StoreResult<Option<User>> {
        with_conn!(self, q, c => q::user_by_calendar_token(c, token_hash).await)
    }
}

#[allow(unused_imports)]
use Backend as _;
