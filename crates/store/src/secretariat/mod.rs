//! The Normen secretariat (module M11): document portfolio, steering-group
//! organisations and seats, meetings with attendance, numbered cases with
//! comments and decisions, follow-ups, and the anonymous sector statistics.
//!
//! Sector-level data: reachable only through [`SecretariatStore`], which
//! [`Store::secretariat`] hands out to users with the secretariat flag and
//! nobody else. Rules kept here (tested in `tests/it/secretariat.rs` on
//! both backends):
//! - every change writes its audit entry to the system chain in the same
//!   transaction;
//! - case numbers `NN/YY` are unique per year, and a case's year is its
//!   meeting's year; without a number the next free one is taken;
//! - a decision names its meeting, and a case of another meeting is refused;
//!   a decision that sets a document's status changes the document and its
//!   history in the same transaction;
//! - attendance is accepted only for organisations with a seat (member or
//!   observer) on the meeting's date, all or nothing;
//! - statistics count only tenants that opted in, use each one's latest
//!   Normen assessment, and go through `core::sector_stats` with a `k` of at
//!   least `K_MIN`.

use etterlev_core::secretariat::{
    AttendanceStatus, CaseKind, CaseNumber, DocumentKind, DocumentStatus, MemberRole, PlanStatus,
};
use etterlev_core::sector_stats::{self, Contribution, Table};
use etterlev_core::{SizeClass, TenantKind};
use serde::{Deserialize, Serialize};

use crate::error::{Refusal, StoreError, StoreResult};
use crate::model::{Actor, User};
use crate::store::{Backend, Store, in_tx, with_conn};
use crate::validate::{self, LINE_MAX, TEXT_MAX, clean};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub short_name: Option<String>,
}

/// A seat in the steering group over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Seat {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    #[schema(value_type = String)]
    pub role: MemberRole,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub representative: Option<String>,
    pub deputy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SeatInput {
    pub organisation_id: String,
    #[schema(value_type = String)]
    pub role: MemberRole,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub representative: Option<String>,
    pub deputy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Document {
    pub id: String,
    #[schema(value_type = String)]
    pub kind: DocumentKind,
    /// Fact-sheet number and the like ("31", "20a").
    pub number: Option<String>,
    pub title: String,
    pub doc_version: Option<String>,
    #[schema(value_type = String)]
    pub status: DocumentStatus,
    pub owner: Option<String>,
    /// Organisations in the working group, comma-separated as entered.
    pub working_group: Option<String>,
    /// The catalogue version the document belongs to (`id@version`).
    pub catalog_key: Option<String>,
    pub published_on: Option<String>,
    pub next_revision: Option<String>,
    pub updated_at: i64,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentInput {
    #[schema(value_type = String)]
    pub kind: DocumentKind,
    pub number: Option<String>,
    pub title: String,
    pub doc_version: Option<String>,
    #[schema(value_type = String)]
    pub status: DocumentStatus,
    pub owner: Option<String>,
    pub working_group: Option<String>,
    pub catalog_key: Option<String>,
    pub published_on: Option<String>,
    pub next_revision: Option<String>,
}

/// One status change of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusChange {
    pub seq: i64,
    #[schema(value_type = Option<String>)]
    pub from_status: Option<DocumentStatus>,
    #[schema(value_type = String)]
    pub to_status: DocumentStatus,
    /// The case that decided it, as `NN/YY`.
    pub case_number: Option<String>,
    pub note: Option<String>,
    pub at: i64,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Meeting {
    pub id: String,
    pub title: String,
    pub meeting_date: String,
    pub starts: Option<String>,
    pub ends: Option<String>,
    pub place: Option<String>,
}

impl Meeting {
    /// The year of the meeting's date, which numbers its cases.
    pub fn year(&self) -> Option<u16> {
        self.meeting_date.get(..4).and_then(|y| y.parse().ok())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeetingInput {
    pub title: String,
    pub meeting_date: String,
    pub starts: Option<String>,
    pub ends: Option<String>,
    pub place: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attendance {
    pub organisation_id: String,
    pub organisation_name: String,
    #[schema(value_type = String)]
    pub role: MemberRole,
    pub person: Option<String>,
    #[schema(value_type = String)]
    pub status: AttendanceStatus,
    pub present_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AttendanceInput {
    pub organisation_id: String,
    pub person: Option<String>,
    #[schema(value_type = String)]
    pub status: AttendanceStatus,
    /// HH:MM, only with `present_from`.
    pub present_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Case {
    pub id: String,
    pub meeting_id: String,
    #[schema(value_type = String)]
    pub number: CaseNumber,
    #[schema(value_type = String)]
    pub kind: CaseKind,
    pub title: String,
    pub time_slot: Option<String>,
    pub presenter: Option<String>,
    pub background: Option<String>,
    pub proposal: Option<String>,
    pub document_id: Option<String>,
    /// The document status the proposal would set.
    #[schema(value_type = Option<String>)]
    pub proposed_status: Option<DocumentStatus>,
    /// The decision as made (may differ from the proposal).
    pub decision: Option<String>,
    #[schema(value_type = Option<String>)]
    pub decided_status: Option<DocumentStatus>,
    pub decided_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseInput {
    /// `None`: the next free number of the meeting's year.
    #[schema(value_type = Option<String>)]
    pub number: Option<CaseNumber>,
    #[schema(value_type = String)]
    pub kind: CaseKind,
    pub title: String,
    pub time_slot: Option<String>,
    pub presenter: Option<String>,
    pub background: Option<String>,
    pub proposal: Option<String>,
    pub document_id: Option<String>,
    #[schema(value_type = Option<String>)]
    pub proposed_status: Option<DocumentStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseComment {
    pub id: String,
    pub case_id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub comment: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DecisionInput {
    pub decision: String,
    /// The document's new status, when the case concerns a document.
    #[schema(value_type = Option<String>)]
    pub new_status: Option<DocumentStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Followup {
    pub id: String,
    pub meeting_id: String,
    pub case_id: Option<String>,
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<String>,
    #[schema(value_type = String)]
    pub status: PlanStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FollowupInput {
    pub case_id: Option<String>,
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<String>,
}

/// An item of the annual action plan (handlingsplan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanItem {
    pub id: String,
    pub plan_year: i64,
    /// The strategy point the item serves ("1 Styrke etterlevelsen").
    pub strategy_point: String,
    pub title: String,
    #[schema(value_type = String)]
    pub status: PlanStatus,
    pub owner: Option<String>,
    pub document_id: Option<String>,
    pub case_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanItemInput {
    pub plan_year: i64,
    pub strategy_point: String,
    pub title: String,
    #[schema(value_type = String)]
    pub status: PlanStatus,
    pub owner: Option<String>,
    pub document_id: Option<String>,
    pub case_id: Option<String>,
}

/// A consultation round (høring) of a document, with the comments received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Consultation {
    pub id: String,
    pub document_id: String,
    pub opens: String,
    pub closes: String,
    pub comments: Vec<ConsultationComment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConsultationComment {
    pub id: String,
    /// The organisation that answered (free text: not only steering-group members answer).
    pub organisation: String,
    pub received_on: String,
    pub summary: String,
}

/// Which figure the statistics show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Measure {
    /// All answered requirements.
    Overall,
    /// One chapter of the norm (its node id, e.g. "4").
    Chapter(String),
}

/// Per tenant: applicable and met requirements in one measure (for statistics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantTally {
    pub tenant_id: String,
    pub kind: TenantKind,
    pub size: SizeClass,
    pub applicable: i64,
    pub met: i64,
}

/// The secretariat's view of the store. Only [`Store::secretariat`] makes one.
pub struct SecretariatStore<'s> {
    store: &'s Store,
    actor: Actor,
}

const K_SETTING: &str = "statistics_k";

impl Store {
    /// The secretariat's part of the store, for users with the secretariat
    /// flag; anyone else is [`StoreError::Forbidden`].
    pub fn secretariat(&self, user: &User) -> StoreResult<SecretariatStore<'_>> {
        if !user.is_secretariat || user.disabled {
            return Err(StoreError::Forbidden);
        }
        Ok(SecretariatStore {
            store: self,
            actor: Actor::user(user),
        })
    }

    /// Sets whether a tenant takes part in the sector statistics (the
    /// tenant's admin decides; the web layer checks the role).
    pub async fn set_share_statistics(&self, actor: &Actor, tenant_id: &str, share: bool) -> StoreResult<()> {
        in_tx!(self, q, c => q::set_share_statistics(c, actor, tenant_id, share).await)
    }

    /// Whether a tenant takes part in the sector statistics.
    pub async fn share_statistics(&self, tenant_id: &str) -> StoreResult<bool> {
        with_conn!(self, q, c => q::share_statistics(c, tenant_id).await)
    }
}

fn line(what: &str, v: &str) -> StoreResult<String> {
    validate::required_line(what, v)
}

fn opt(what: &str, v: &Option<String>, max: usize) -> StoreResult<Option<String>> {
    validate::optional_text_max(what, v.clone(), max)
}

fn date(what: &str, v: &str) -> StoreResult<String> {
    validate::date(what, v)
}

fn opt_date(what: &str, v: &Option<String>) -> StoreResult<Option<String>> {
    validate::optional_date(what, v.clone())
}

fn opt_time(what: &str, v: &Option<String>) -> StoreResult<Option<String>> {
    validate::optional_time(what, v.clone())
}

fn validate_meeting(id: String, input: &MeetingInput) -> StoreResult<Meeting> {
    Ok(Meeting {
        id,
        title: line("title", &input.title)?,
        meeting_date: date("meeting date", &input.meeting_date)?,
        starts: opt_time("start", &input.starts)?,
        ends: opt_time("end", &input.ends)?,
        place: opt("place", &input.place, LINE_MAX)?,
    })
}

fn validate_document(i: &DocumentInput) -> StoreResult<DocumentInput> {
    if i.status == DocumentStatus::Withdrawn && clean(i.next_revision.clone()).is_some() {
        return Err(StoreError::Invalid(Refusal::new(
            "refusal-withdrawn-revision",
            "a withdrawn document is not revised, so it has no next revision date",
        )));
    }
    Ok(DocumentInput {
        kind: i.kind,
        number: opt("number", &i.number, 20)?,
        title: line("title", &i.title)?,
        doc_version: opt("version", &i.doc_version, 20)?,
        status: i.status,
        owner: opt("owner", &i.owner, LINE_MAX)?,
        working_group: opt("working group", &i.working_group, TEXT_MAX)?,
        catalog_key: opt("catalogue", &i.catalog_key, LINE_MAX)?,
        published_on: opt_date("publication date", &i.published_on)?,
        next_revision: opt_date("next revision", &i.next_revision)?,
    })
}

fn validate_case(i: &CaseInput) -> StoreResult<CaseInput> {
    if i.proposed_status.is_some() && i.document_id.is_none() {
        return Err(StoreError::Invalid(Refusal::new(
            "refusal-proposed-status",
            "a proposed document status needs the document it concerns",
        )));
    }
    Ok(CaseInput {
        number: i.number,
        kind: i.kind,
        title: line("title", &i.title)?,
        time_slot: opt("time slot", &i.time_slot, 40)?,
        presenter: opt("presenter", &i.presenter, LINE_MAX)?,
        background: opt("background", &i.background, TEXT_MAX)?,
        proposal: opt("proposal for decision", &i.proposal, TEXT_MAX)?,
        document_id: clean(i.document_id.clone()),
        proposed_status: i.proposed_status,
    })
}

impl SecretariatStore<'_> {
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub async fn organisations(&self) -> StoreResult<Vec<Organisation>> {
        with_conn!(self.store, q, c => q::sec_organisations(c).await)
    }

    pub async fn create_organisation(&self, name: &str, short_name: Option<String>) -> StoreResult<Organisation> {
        let org = Organisation {
            id: crate::store::new_id(),
            name: line("name", name)?,
            short_name: opt("short name", &short_name, 40)?,
        };
        in_tx!(self.store, q, c => q::sec_create_organisation(c, &self.actor, &org).await)?;
        Ok(org)
    }

    /// Every seat, current and past, by organisation and start.
    pub async fn seats(&self) -> StoreResult<Vec<Seat>> {
        with_conn!(self.store, q, c => q::sec_seats(c).await)
    }

    pub async fn add_seat(&self, input: &SeatInput) -> StoreResult<Seat> {
        let valid_from = date("valid from", &input.valid_from)?;
        let valid_to = opt_date("valid to", &input.valid_to)?;
        if valid_to.as_ref().is_some_and(|t| *t < valid_from) {
            return Err(StoreError::Invalid(Refusal::new(
                "refusal-seat-end",
                "a seat cannot end before it starts",
            )));
        }
        let input = SeatInput {
            organisation_id: input.organisation_id.trim().to_string(),
            role: input.role,
            valid_from,
            valid_to,
            representative: opt("representative", &input.representative, LINE_MAX)?,
            deputy: opt("deputy", &input.deputy, LINE_MAX)?,
        };
        let id = crate::store::new_id();
        in_tx!(self.store, q, c => q::sec_add_seat(c, &self.actor, &id, &input).await)
    }

    /// Ends a seat on `valid_to` (the last day it holds). Nothing changes
    /// when that would leave recorded attendance without a seat.
    pub async fn end_seat(&self, id: &str, valid_to: &str) -> StoreResult<Seat> {
        let valid_to = date("valid to", valid_to)?;
        in_tx!(self.store, q, c => q::sec_end_seat(c, &self.actor, id, &valid_to).await)
    }

    pub async fn documents(&self) -> StoreResult<Vec<Document>> {
        with_conn!(self.store, q, c => q::sec_documents(c).await)
    }

    pub async fn document(&self, id: &str) -> StoreResult<Document> {
        with_conn!(self.store, q, c => q::sec_document(c, id).await)
    }

    pub async fn document_history(&self, id: &str) -> StoreResult<Vec<StatusChange>> {
        with_conn!(self.store, q, c => q::sec_document_history(c, id).await)
    }

    pub async fn create_document(&self, input: &DocumentInput) -> StoreResult<Document> {
        let input = validate_document(input)?;
        let id = crate::store::new_id();
        in_tx!(self.store, q, c => q::sec_create_document(c, &self.actor, &id, &input).await)
    }

    /// Changes a document's facts and, without a case, its status (the
    /// change and `note` go into its history). A stale `expected_version`
    /// is [`StoreError::VersionConflict`] and changes nothing.
    pub async fn update_document(
        &self,
        id: &str,
        input: &DocumentInput,
        expected_version: i64,
        note: Option<String>,
    ) -> StoreResult<Document> {
        let input = validate_document(input)?;
        let note = opt("note", &note, TEXT_MAX)?;
        in_tx!(self.store, q, c => q::sec_update_document(c, &self.actor, id, &input, expected_version, note.as_deref()).await)
    }

    pub async fn meetings(&self) -> StoreResult<Vec<Meeting>> {
        with_conn!(self.store, q, c => q::sec_meetings(c).await)
    }

    pub async fn meeting(&self, id: &str) -> StoreResult<Meeting> {
        with_conn!(self.store, q, c => q::sec_meeting(c, id).await)
    }

    pub async fn create_meeting(&self, input: &MeetingInput) -> StoreResult<Meeting> {
        let meeting = validate_meeting(crate::store::new_id(), input)?;
        in_tx!(self.store, q, c => q::sec_create_meeting(c, &self.actor, &meeting).await)?;
        Ok(meeting)
    }

    /// Changes a meeting's title, date, time or place. A new date may not
    /// move its numbered cases to another year or leave an organisation
    /// listed as attending without a seat; nothing changes then.
    pub async fn update_meeting(&self, id: &str, input: &MeetingInput) -> StoreResult<Meeting> {
        let meeting = validate_meeting(id.to_string(), input)?;
        in_tx!(self.store, q, c => q::sec_update_meeting(c, &self.actor, &meeting).await)?;
        Ok(meeting)
    }

    /// Seats held on a date (the organisations that may attend a meeting).
    pub async fn seats_on(&self, day: &str) -> StoreResult<Vec<Seat>> {
        let day = date("date", day)?;
        Ok(self
            .seats()
            .await?
            .into_iter()
            .filter(|s| etterlev_core::secretariat::covers(&s.valid_from, s.valid_to.as_deref(), &day))
            .collect())
    }

    pub async fn attendance(&self, meeting_id: &str) -> StoreResult<Vec<Attendance>> {
        with_conn!(self.store, q, c => q::sec_attendance(c, meeting_id).await)
    }

    /// Replaces the meeting's attendance list: all rows or none.
    pub async fn set_attendance(&self, meeting_id: &str, rows: &[AttendanceInput]) -> StoreResult<Vec<Attendance>> {
        let mut clean_rows = Vec::with_capacity(rows.len());
        for r in rows {
            let present_from = opt_time("present from", &r.present_from)?;
            if (r.status == AttendanceStatus::PresentFrom) != present_from.is_some() {
                return Err(StoreError::Invalid(Refusal::new(
                    "refusal-present-from",
                    "\"present from\" needs a time, and a time needs \"present from\"",
                )));
            }
            clean_rows.push(AttendanceInput {
                organisation_id: r.organisation_id.trim().to_string(),
                person: opt("person", &r.person, LINE_MAX)?,
                status: r.status,
                present_from,
            });
        }
        in_tx!(self.store, q, c => q::sec_set_attendance(c, &self.actor, meeting_id, &clean_rows).await)
    }

    pub async fn cases(&self, meeting_id: &str) -> StoreResult<Vec<Case>> {
        with_conn!(self.store, q, c => q::sec_cases(c, meeting_id).await)
    }

    /// Cases about a document, newest first.
    pub async fn document_cases(&self, document_id: &str) -> StoreResult<Vec<Case>> {
        with_conn!(self.store, q, c => q::sec_document_cases(c, document_id).await)
    }

    /// The cases numbered in one year, across its meetings (for linking).
    pub async fn year_cases(&self, year: i64) -> StoreResult<Vec<Case>> {
        with_conn!(self.store, q, c => q::sec_year_cases(c, year).await)
    }

    pub async fn case(&self, id: &str) -> StoreResult<Case> {
        with_conn!(self.store, q, c => q::sec_case(c, id).await)
    }

    pub async fn add_case(&self, meeting_id: &str, input: &CaseInput) -> StoreResult<Case> {
        let input = validate_case(input)?;
        let id = crate::store::new_id();
        in_tx!(self.store, q, c => q::sec_add_case(c, &self.actor, meeting_id, &id, &input).await)
    }

    /// Changes an undecided case of this meeting (`NotFound` for a case of
    /// another meeting). Without a number it keeps its own.
    pub async fn update_case(&self, meeting_id: &str, case_id: &str, input: &CaseInput) -> StoreResult<Case> {
        let input = validate_case(input)?;
        in_tx!(self.store, q, c => q::sec_update_case(c, &self.actor, meeting_id, case_id, &input).await)
    }

    pub async fn comments(&self, meeting_id: &str) -> StoreResult<Vec<CaseComment>> {
        with_conn!(self.store, q, c => q::sec_comments(c, meeting_id).await)
    }

    /// A comment by an organisation during the meeting of the case.
    pub async fn add_comment(&self, case_id: &str, organisation_id: &str, text: &str) -> StoreResult<CaseComment> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > TEXT_MAX {
            return Err(StoreError::Invalid(
                Refusal::new(
                    "refusal-comment-length",
                    format!("a comment has 1 to {TEXT_MAX} characters"),
                )
                .arg(TEXT_MAX),
            ));
        }
        let id = crate::store::new_id();
        in_tx!(self.store, q, c => q::sec_add_comment(c, &self.actor, &id, case_id, organisation_id.trim(), text).await)
    }

    /// Records the decision of a case of `meeting_id`; a new document status
    /// is applied to the document in the same transaction.
    pub async fn decide(&self, meeting_id: &str, case_id: &str, input: &DecisionInput) -> StoreResult<Case> {
        let decision = input.decision.trim();
        if decision.is_empty() || decision.chars().count() > TEXT_MAX {
            return Err(StoreError::Invalid(
                Refusal::new(
                    "refusal-decision-length",
                    format!("a decision has 1 to {TEXT_MAX} characters"),
                )
                .arg(TEXT_MAX),
            ));
        }
        in_tx!(self.store, q, c => q::sec_decide(c, &self.actor, meeting_id, case_id, decision, input.new_status).await)
    }

    /// Follow-ups not done yet, oldest due date first (carried to every
    /// later meeting until done).
    pub async fn open_followups(&self) -> StoreResult<Vec<Followup>> {
        with_conn!(self.store, q, c => q::sec_open_followups(c).await)
    }

    pub async fn add_followup(&self, meeting_id: &str, input: &FollowupInput) -> StoreResult<Followup> {
        let f = Followup {
            id: crate::store::new_id(),
            meeting_id: meeting_id.to_string(),
            case_id: clean(input.case_id.clone()),
            title: line("title", &input.title)?,
            owner: opt("owner", &input.owner, LINE_MAX)?,
            due: opt_date("due date", &input.due)?,
            status: PlanStatus::NotStarted,
        };
        in_tx!(self.store, q, c => q::sec_add_followup(c, &self.actor, &f).await)?;
        Ok(f)
    }

    /// Marks a follow-up item's status (done items leave the open list).
    pub async fn set_followup_status(&self, id: &str, status: PlanStatus) -> StoreResult<()> {
        in_tx!(self.store, q, c => q::sec_set_followup_status(c, &self.actor, id, status).await)
    }

    /// The action plan of a year, by strategy point.
    pub async fn plan_items(&self, year: i64) -> StoreResult<Vec<PlanItem>> {
        with_conn!(self.store, q, c => q::sec_plan_items(c, year).await)
    }

    pub async fn add_plan_item(&self, input: &PlanItemInput) -> StoreResult<PlanItem> {
        if !(2000..=2100).contains(&input.plan_year) {
            return Err(StoreError::Invalid(Refusal::new(
                "refusal-plan-year",
                "the plan year must be between 2000 and 2100",
            )));
        }
        let item = PlanItem {
            id: crate::store::new_id(),
            plan_year: input.plan_year,
            strategy_point: line("strategy point", &input.strategy_point)?,
            title: line("title", &input.title)?,
            status: input.status,
            owner: opt("owner", &input.owner, LINE_MAX)?,
            document_id: clean(input.document_id.clone()),
            case_id: clean(input.case_id.clone()),
        };
        in_tx!(self.store, q, c => q::sec_add_plan_item(c, &self.actor, &item).await)?;
        Ok(item)
    }

    pub async fn set_plan_status(&self, id: &str, status: PlanStatus) -> StoreResult<()> {
        in_tx!(self.store, q, c => q::sec_set_plan_status(c, &self.actor, id, status).await)
    }

    /// A document's consultation rounds with their comments, newest first.
    pub async fn consultations(&self, document_id: &str) -> StoreResult<Vec<Consultation>> {
        with_conn!(self.store, q, c => q::sec_consultations(c, document_id).await)
    }

    pub async fn add_consultation(&self, document_id: &str, opens: &str, closes: &str) -> StoreResult<Consultation> {
        let (opens, closes) = (date("opens", opens)?, date("closes", closes)?);
        if closes < opens {
            return Err(StoreError::Invalid(Refusal::new(
                "refusal-consultation",
                "a consultation cannot close before it opens",
            )));
        }
        let id = crate::store::new_id();
        in_tx!(self.store, q, c => q::sec_add_consultation(c, &self.actor, &id, document_id, &opens, &closes).await)
    }

    pub async fn add_consultation_comment(
        &self,
        consultation_id: &str,
        organisation: &str,
        received_on: &str,
        summary: &str,
    ) -> StoreResult<ConsultationComment> {
        let comment = ConsultationComment {
            id: crate::store::new_id(),
            organisation: line("organisation", organisation)?,
            received_on: date("received on", received_on)?,
            summary: {
                let t = summary.trim();
                if t.is_empty() || t.chars().count() > TEXT_MAX {
                    return Err(StoreError::Invalid(
                        Refusal::new(
                            "refusal-summary-length",
                            format!("a summary has 1 to {TEXT_MAX} characters"),
                        )
                        .arg(TEXT_MAX),
                    ));
                }
                t.to_string()
            },
        };
        in_tx!(self.store, q, c => q::sec_add_consultation_comment(c, &self.actor, consultation_id, &comment).await)?;
        Ok(comment)
    }

    /// The statistics threshold `k` (default 5, from 3 to 100).
    pub async fn k(&self) -> StoreResult<u32> {
        let v: Option<String> = with_conn!(self.store, q, c => q::sec_setting(c, K_SETTING).await)?;
        Ok(v.and_then(|s| s.parse().ok())
            .and_then(|k| sector_stats::check_k(k).ok())
            .unwrap_or(sector_stats::K_DEFAULT))
    }

    pub async fn set_k(&self, k: u32) -> StoreResult<()> {
        let k = sector_stats::check_k(k).map_err(|e| {
            StoreError::Invalid(
                Refusal::new("refusal-k", e.to_string())
                    .arg(sector_stats::K_MIN)
                    .arg(sector_stats::K_MAX),
            )
        })?;
        in_tx!(self.store, q, c => q::sec_set_setting(c, &self.actor, K_SETTING, &k.to_string()).await)
    }

    /// Applicable and met requirements per opted-in tenant in one measure,
    /// from each tenant's latest Normen assessment.
    pub async fn tenant_tallies(&self, measure: &Measure) -> StoreResult<Vec<TenantTally>> {
        let chapter = match measure {
            Measure::Overall => None,
            Measure::Chapter(ch) => Some(ch.as_str()),
        };
        with_conn!(self.store, q, c => q::sec_tenant_tallies(c, chapter).await)
    }

    /// The protected statistics table for one measure.
    pub async fn statistics(&self, measure: &Measure) -> StoreResult<Table> {
        let k = self.k().await?;
        let tallies = self.tenant_tallies(measure).await?;
        Ok(tabulate(&tallies, k))
    }

    /// The chapters the statistics can show (id, title), in catalogue order.
    pub async fn chapters(&self) -> StoreResult<Vec<(String, String)>> {
        with_conn!(self.store, q, c => q::sec_chapters(c).await)
    }
}

/// Scores per tenant, then the protected table. A tenant with nothing
/// applicable in the measure is left out of it.
pub fn tabulate(tallies: &[TenantTally], k: u32) -> Table {
    let contributions: Vec<Contribution> = tallies
        .iter()
        .filter(|t| t.applicable > 0)
        .map(|t| Contribution {
            kind: t.kind,
            size: t.size,
            score: t.met as f64 / t.applicable as f64 * 100.0,
        })
        .collect();
    sector_stats::tabulate(&contributions, k)
}
