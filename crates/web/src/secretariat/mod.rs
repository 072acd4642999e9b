//! The Normen secretariat, for users with the secretariat flag
//! only; everyone else gets 404, as if the pages did not exist.
//!
//! - `/secretariat`: overdue revisions, open follow-ups, the next meetings;
//! - `/secretariat/documents` and `/secretariat/documents/{id}`: the
//!   portfolio, each document's status history and cases;
//! - `/secretariat/organisations`: organisations and their seats over time;
//! - `/secretariat/meetings/{id}`: attendance, cases with comments and
//!   decisions, follow-ups, and the invitation and minutes (.docx, HTML);
//! - `/secretariat/statistics`: the protected sector statistics, .xlsx.
//!
//! Rules live in the store (`etterlev_store::SecretariatStore`) and core
//! (`sector_stats`); the handlers parse forms and show errors in place.

mod api;

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use etterlev_core::secretariat::{
    AttendanceStatus, CaseKind, CaseNumber, DocumentKind, DocumentStatus, MemberRole, PlanStatus, revision_overdue,
};
use etterlev_core::sector_stats::Table;
use etterlev_core::{SizeClass, TenantKind};
use etterlev_reports::{Minutes, MinutesAttendance, MinutesCase, MinutesFollowup, MinutesKind};
use etterlev_store::{
    AttendanceInput, Case, CaseComment, CaseDecisionInput, CaseInput, Document, DocumentInput, FollowupInput, Measure,
    Meeting, MeetingInput, SeatInput, SecretariatStore, StoreError,
};
use serde::Deserialize;

use crate::AppState;
use crate::kit::error::{AppError, AppResult};
use crate::kit::i18n::Tr;
use crate::kit::session::Auth;
use crate::kit::{DOCX_TYPE, Form, Layout, XLSX_TYPE, download, object_id, query_param, render, render_status};

pub(crate) use api::{SecretariatDoc as ApiDoc, limits as api_limits, routes as api_routes};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/secretariat", get(home))
        .route("/secretariat/documents", get(documents).post(create_document))
        .route("/secretariat/documents/{id}", get(document).post(update_document))
        .route("/secretariat/documents/{id}/consultations", post(add_consultation))
        .route(
            "/secretariat/documents/{id}/consultations/{consultation_id}/comments",
            post(add_consultation_comment),
        )
        .route("/secretariat/plan", get(plan).post(add_plan_item))
        .route("/secretariat/plan/{id}/status", post(set_plan_status))
        .route("/secretariat/followups/{id}/status", post(set_followup_status))
        .route(
            "/secretariat/organisations",
            get(organisations).post(create_organisation),
        )
        .route("/secretariat/seats", post(create_seat))
        .route("/secretariat/seats/{id}/end", post(end_seat))
        .route("/secretariat/meetings", get(meetings).post(create_meeting))
        .route("/secretariat/meetings/{id}", get(meeting).post(update_meeting))
        .route("/secretariat/meetings/{id}/attendance", post(save_attendance))
        .route("/secretariat/meetings/{id}/cases", post(add_case))
        .route("/secretariat/meetings/{id}/cases/{case_id}", post(update_case))
        .route("/secretariat/meetings/{id}/cases/{case_id}/comments", post(add_comment))
        .route("/secretariat/meetings/{id}/cases/{case_id}/decision", post(decide))
        .route("/secretariat/meetings/{id}/followups", post(add_followup))
        .route("/secretariat/meetings/{id}/{document}", get(minutes_file))
        .route("/secretariat/statistics", get(statistics))
        .route("/secretariat/statistics/k", post(set_k))
        .route("/secretariat/statistics.xlsx", get(statistics_xlsx))
}

/// The secretariat's store, or 404 for anyone without the flag.
fn sec<'s>(state: &'s AppState, auth: &Auth) -> AppResult<SecretariatStore<'s>> {
    state.store.secretariat(&auth.user).map_err(|_| AppError::NotFound)
}

/// `YYYY-MM-DD` as `dd.mm.yyyy`, through the one date helper.
use crate::kit::i18n::format_date as nb_date;

fn opt_date(iso: &Option<String>) -> String {
    iso.as_deref().map_or_else(|| "–".into(), nb_date)
}

fn blank_none(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn today() -> String {
    crate::kit::dates::today().to_string()
}

/// A store refusal shown in place on the page (status 400 or 409), the rest
/// as errors.
fn refusal(e: StoreError, tr: &Tr) -> AppResult<(StatusCode, String)> {
    match e {
        StoreError::Invalid(r) => Ok((StatusCode::BAD_REQUEST, tr.refused(&r))),
        StoreError::Conflict(m) => Ok((StatusCode::CONFLICT, m)),
        other => Err(other.into()),
    }
}

/// [`refusal`], with the refusals the store types (rather than describes in
/// English) told in the user's language.
fn refusal_tr(e: StoreError, tr: &Tr) -> AppResult<(StatusCode, String)> {
    match e {
        StoreError::NotPresent {
            organisation,
            case,
            case_starts,
            present_from,
        } => {
            let mut args = vec![("organisation", organisation), ("case", case), ("starts", case_starts)];
            let key = match present_from {
                Some(from) => {
                    args.push(("from", from));
                    "sec-comment-not-yet-present"
                }
                None => "sec-comment-absent",
            };
            Ok((StatusCode::BAD_REQUEST, tr.msg_with(key, &args)))
        }
        other => refusal(other, tr),
    }
}

pub(crate) fn status_label(tr: &Tr, s: DocumentStatus) -> String {
    tr.msg(&format!("sec-status-{}", s.as_str()))
}

fn kind_label(tr: &Tr, k: DocumentKind) -> String {
    tr.msg(&format!("sec-doc-{}", k.as_str()))
}

fn case_kind_label(tr: &Tr, k: CaseKind) -> String {
    tr.msg(&format!("sec-case-{}", k.as_str()))
}

fn role_label(tr: &Tr, r: MemberRole) -> String {
    tr.msg(&format!("sec-role-{}", r.as_str()))
}

fn attendance_label(tr: &Tr, s: AttendanceStatus, from: &Option<String>) -> String {
    match (s, from) {
        (AttendanceStatus::PresentFrom, Some(t)) => tr.msg_with("sec-att-present_from-at", &[("time", t.clone())]),
        _ => tr.msg(&format!("sec-att-{}", s.as_str())),
    }
}

/// (value, label) pairs for a select.
fn options<T: Copy>(all: &[T], name: fn(T) -> &'static str, label: impl Fn(T) -> String) -> Vec<(String, String)> {
    all.iter().map(|v| (name(*v).to_string(), label(*v))).collect()
}

fn document_label(d: &Document, tr: &Tr) -> String {
    match &d.number {
        Some(n) => format!("{} {n}: {}", kind_label(tr, d.kind), d.title),
        None => format!("{}: {}", kind_label(tr, d.kind), d.title),
    }
}

mod documents;
mod home;
mod meetings;
mod organisations;
mod plan;
mod statistics;
#[allow(unused_imports)]
pub use documents::*;
#[allow(unused_imports)]
pub use home::*;
pub use meetings::minutes_data;
#[allow(unused_imports)]
pub use meetings::*;
#[allow(unused_imports)]
pub use organisations::*;
#[allow(unused_imports)]
pub use plan::*;
#[allow(unused_imports)]
pub use statistics::*;
