//! The Normen secretariat (module M11), for users with the secretariat flag
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

use super::{DOCX_TYPE, Form, Layout, XLSX_TYPE, download, object_id, query_param, render, render_status};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::session::Auth;

pub fn router() -> Router<AppState> {
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
use crate::i18n::format_date as nb_date;

fn opt_date(iso: &Option<String>) -> String {
    iso.as_deref().map_or_else(|| "–".into(), nb_date)
}

fn blank_none(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn today() -> String {
    jiff::Zoned::now().date().to_string()
}

/// A store refusal shown in place on the page (status 400 or 409), the rest
/// as errors.
fn refusal(e: StoreError) -> AppResult<(StatusCode, String)> {
    match e {
        StoreError::Invalid(m) => Ok((StatusCode::BAD_REQUEST, m)),
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
        other => refusal(other),
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

// ------------------------------------------------------------------ overview

struct DocRow {
    id: String,
    kind: String,
    number: String,
    title: String,
    version: String,
    status_key: &'static str,
    status: String,
    owner: String,
    next_revision: String,
    overdue: bool,
    catalog: String,
}

fn doc_rows(docs: &[Document], tr: &Tr) -> Vec<DocRow> {
    let today = today();
    docs.iter()
        .map(|d| DocRow {
            id: d.id.clone(),
            kind: kind_label(tr, d.kind),
            number: d.number.clone().unwrap_or_default(),
            title: d.title.clone(),
            version: d.doc_version.clone().unwrap_or_default(),
            status_key: d.status.as_str(),
            status: status_label(tr, d.status),
            owner: d.owner.clone().unwrap_or_default(),
            next_revision: opt_date(&d.next_revision),
            overdue: revision_overdue(d.status, d.next_revision.as_deref(), &today),
            catalog: d.catalog_key.clone().unwrap_or_default(),
        })
        .collect()
}

struct FollowupRow {
    id: String,
    title: String,
    owner: String,
    due: String,
    meeting_id: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "secretariat_home.html")]
struct HomePage {
    l: Layout,
    overdue: Vec<DocRow>,
    followups: Vec<FollowupRow>,
    meetings: Vec<MeetingRow>,
}

struct MeetingRow {
    id: String,
    title: String,
    date: String,
    place: String,
}

fn meeting_rows(ms: &[Meeting]) -> Vec<MeetingRow> {
    ms.iter()
        .map(|m| MeetingRow {
            id: m.id.clone(),
            title: m.title.clone(),
            date: nb_date(&m.meeting_date),
            place: m.place.clone().unwrap_or_default(),
        })
        .collect()
}

async fn home(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let l = Layout::for_user(&auth);
    let today = today();
    let docs = s.documents().await?;
    let overdue = doc_rows(&docs, &l.tr).into_iter().filter(|d| d.overdue).collect();
    let followups = s
        .open_followups()
        .await?
        .into_iter()
        .map(|f| FollowupRow {
            id: f.id,
            overdue: f.due.as_deref().is_some_and(|d| d < today.as_str()),
            title: f.title,
            owner: f.owner.unwrap_or_default(),
            due: opt_date(&f.due),
            meeting_id: f.meeting_id,
        })
        .collect();
    let meetings = meeting_rows(&s.meetings().await?);
    Ok(render(&HomePage {
        l,
        overdue,
        followups,
        meetings,
    }))
}

// ------------------------------------------------------------------ documents

#[derive(Template)]
#[template(path = "secretariat_documents.html")]
struct DocumentsPage {
    l: Layout,
    rows: Vec<DocRow>,
    kinds: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    catalogs: Vec<String>,
    error: Option<String>,
    form: DocumentForm,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DocumentForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub doc_version: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub working_group: String,
    #[serde(default)]
    pub catalog_key: String,
    #[serde(default)]
    pub published_on: String,
    #[serde(default)]
    pub next_revision: String,
}

impl DocumentForm {
    /// The form filled with a document as stored.
    fn of(d: &etterlev_store::Document) -> DocumentForm {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        DocumentForm {
            kind: d.kind.as_str().into(),
            number: text(&d.number),
            title: d.title.clone(),
            doc_version: text(&d.doc_version),
            status: d.status.as_str().into(),
            owner: text(&d.owner),
            working_group: text(&d.working_group),
            catalog_key: text(&d.catalog_key),
            published_on: text(&d.published_on),
            next_revision: text(&d.next_revision),
        }
    }

    pub fn input(&self) -> Result<DocumentInput, String> {
        Ok(DocumentInput {
            kind: DocumentKind::parse(self.kind.trim()).ok_or("unknown document kind")?,
            number: blank_none(&self.number),
            title: self.title.clone(),
            doc_version: blank_none(&self.doc_version),
            status: DocumentStatus::parse(self.status.trim()).ok_or("unknown document status")?,
            owner: blank_none(&self.owner),
            working_group: blank_none(&self.working_group),
            catalog_key: blank_none(&self.catalog_key),
            published_on: blank_none(&self.published_on),
            next_revision: blank_none(&self.next_revision),
        })
    }
}

async fn documents_page(
    state: &AppState,
    auth: &Auth,
    error: Option<(StatusCode, String)>,
    form: DocumentForm,
) -> AppResult<Response> {
    let s = sec(state, auth)?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let rows = doc_rows(&s.documents().await?, &tr);
    let catalogs = state.store.list_catalogs().await?.into_iter().map(|c| c.key).collect();
    let status = error.as_ref().map_or(StatusCode::OK, |(st, _)| *st);
    Ok(render_status(
        status,
        &DocumentsPage {
            rows,
            kinds: options(DocumentKind::ALL, DocumentKind::as_str, |k| kind_label(&tr, k)),
            statuses: options(DocumentStatus::ALL, DocumentStatus::as_str, |k| status_label(&tr, k)),
            catalogs,
            error: error.map(|(_, m)| m),
            form,
            l,
        },
    ))
}

async fn documents(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    documents_page(&state, &auth, None, DocumentForm::default()).await
}

async fn create_document(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<DocumentForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let input = match f.input() {
        Ok(i) => i,
        Err(m) => return documents_page(&state, &auth, Some((StatusCode::BAD_REQUEST, m)), f).await,
    };
    match s.create_document(&input).await {
        Ok(d) => Ok(Redirect::to(&format!("/secretariat/documents/{}", d.id)).into_response()),
        Err(e) => documents_page(&state, &auth, Some(refusal(e)?), f).await,
    }
}

struct HistoryRow {
    at: String,
    from: String,
    to: String,
    case_number: String,
    by: String,
}

struct CaseLink {
    meeting_id: String,
    number: String,
    title: String,
    decision: String,
}

#[derive(Template)]
#[template(path = "secretariat_document.html")]
struct DocumentPage {
    l: Layout,
    d: DocRow,
    working_group: String,
    published_on: String,
    history: Vec<HistoryRow>,
    cases: Vec<CaseLink>,
    consultations: Vec<ConsultationView>,
    error: Option<String>,
    /// The edit form: the stored document, or what the user sent when it was refused.
    form: DocumentForm,
    version: i64,
    note: String,
    kinds: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    catalogs: Vec<String>,
}

struct ConsultationView {
    id: String,
    period: String,
    comments: Vec<(String, String, String)>,
}

async fn document(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let id = object_id(&id)?;
    document_page(&state, &auth, id, None).await
}

/// What the user sent in a refused edit, shown again instead of the stored document.
struct EditAttempt {
    form: DocumentForm,
    note: String,
}

async fn document_page(
    state: &AppState,
    auth: &Auth,
    id: &str,
    error: Option<(StatusCode, String)>,
) -> AppResult<Response> {
    document_page_with(state, auth, id, error, None).await
}

async fn document_page_with(
    state: &AppState,
    auth: &Auth,
    id: &str,
    error: Option<(StatusCode, String)>,
    attempt: Option<EditAttempt>,
) -> AppResult<Response> {
    let s = sec(state, auth)?;
    let doc = s.document(id).await?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let consultations = s
        .consultations(id)
        .await?
        .into_iter()
        .map(|c| ConsultationView {
            period: format!("{}–{}", nb_date(&c.opens), nb_date(&c.closes)),
            comments: c
                .comments
                .into_iter()
                .map(|k| (k.organisation, nb_date(&k.received_on), k.summary))
                .collect(),
            id: c.id,
        })
        .collect();
    let history = s
        .document_history(id)
        .await?
        .into_iter()
        .map(|h| HistoryRow {
            at: tr.datetime(&h.at),
            from: h.from_status.map_or_else(|| "–".into(), |st| status_label(&tr, st)),
            to: status_label(&tr, h.to_status),
            case_number: h.case_number.unwrap_or_default(),
            by: h.by,
        })
        .collect();
    let cases = s
        .document_cases(id)
        .await?
        .into_iter()
        .map(|c| CaseLink {
            meeting_id: c.meeting_id,
            number: c.number.to_string(),
            title: c.title,
            decision: c.decision.unwrap_or_default(),
        })
        .collect();
    let mut rows = doc_rows(std::slice::from_ref(&doc), &tr);
    let Some(d) = rows.pop() else {
        return Err(AppError::NotFound);
    };
    let status = error.as_ref().map_or(StatusCode::OK, |(st, _)| *st);
    Ok(render_status(
        status,
        &DocumentPage {
            d,
            working_group: doc.working_group.clone().unwrap_or_default(),
            published_on: opt_date(&doc.published_on),
            history,
            cases,
            consultations,
            error: error.map(|(_, m)| m),
            kinds: options(DocumentKind::ALL, DocumentKind::as_str, |k| kind_label(&tr, k)),
            statuses: options(DocumentStatus::ALL, DocumentStatus::as_str, |k| status_label(&tr, k)),
            catalogs: state.store.list_catalogs().await?.into_iter().map(|c| c.key).collect(),
            form: attempt
                .as_ref()
                .map_or_else(|| DocumentForm::of(&doc), |a| a.form.clone()),
            // A refused edit keeps the user's input but offers the stored
            // version, so saving again is a deliberate overwrite.
            version: doc.version,
            note: attempt.map(|a| a.note).unwrap_or_default(),
            l,
        },
    ))
}

#[derive(Deserialize)]
struct DocumentEditForm {
    #[serde(flatten)]
    doc: DocumentForm,
    #[serde(default)]
    version: String,
    #[serde(default)]
    note: String,
}

async fn update_document(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<DocumentEditForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    let tr = Layout::for_user(&auth).tr;
    let version = f.version.trim().parse::<i64>().unwrap_or(-1);
    let attempt = |f: DocumentEditForm| EditAttempt {
        form: f.doc,
        note: f.note,
    };
    let input = match f.doc.input() {
        Ok(i) => i,
        Err(m) => {
            return document_page_with(&state, &auth, id, Some((StatusCode::BAD_REQUEST, m)), Some(attempt(f))).await;
        }
    };
    match s.update_document(id, &input, version, blank_none(&f.note)).await {
        Ok(d) => Ok(Redirect::to(&format!("/secretariat/documents/{}", d.id)).into_response()),
        Err(StoreError::VersionConflict(_)) => {
            let refused = (StatusCode::CONFLICT, tr.msg("sec-document-stale"));
            document_page_with(&state, &auth, id, Some(refused), Some(attempt(f))).await
        }
        Err(e) => document_page_with(&state, &auth, id, Some(refusal(e)?), Some(attempt(f))).await,
    }
}

#[derive(Deserialize)]
struct ConsultationForm {
    #[serde(default)]
    opens: String,
    #[serde(default)]
    closes: String,
}

async fn add_consultation(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ConsultationForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    match s.add_consultation(id, &f.opens, &f.closes).await {
        Ok(_) => Ok(Redirect::to(&format!("/secretariat/documents/{id}#consultations")).into_response()),
        Err(e) => document_page(&state, &auth, id, Some(refusal(e)?)).await,
    }
}

#[derive(Deserialize)]
struct ConsultationCommentForm {
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    summary: String,
}

async fn add_consultation_comment(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, consultation_id)): Path<(String, String)>,
    Form(f): Form<ConsultationCommentForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let (id, consultation_id) = (object_id(&id)?, object_id(&consultation_id)?);
    if !s.consultations(id).await?.iter().any(|c| c.id == consultation_id) {
        return Err(AppError::NotFound);
    }
    match s
        .add_consultation_comment(consultation_id, &f.organisation, &f.received_on, &f.summary)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/secretariat/documents/{id}#consultations")).into_response()),
        Err(e) => document_page(&state, &auth, id, Some(refusal(e)?)).await,
    }
}

// ------------------------------------------------------------------ action plan

struct PlanRow {
    id: String,
    title: String,
    status_key: &'static str,
    owner: String,
    document: Option<(String, String)>,
    /// (link, "NN/YY title") of the linked case.
    case: Option<(String, String)>,
}

struct StrategyPoint {
    name: String,
    done: usize,
    in_progress: usize,
    not_started: usize,
    items: Vec<PlanRow>,
}

#[derive(Template)]
#[template(path = "secretariat_plan.html")]
struct PlanPage {
    l: Layout,
    year: i64,
    points: Vec<StrategyPoint>,
    statuses: Vec<(String, String)>,
    documents: Vec<(String, String)>,
    cases: Vec<(String, String)>,
    error: Option<String>,
}

fn plan_status_label(tr: &Tr, s: PlanStatus) -> String {
    tr.msg(&format!("sec-plan-{}", s.as_str()))
}

fn plan_year(q: Option<&str>) -> i64 {
    query_param(q, "year")
        .and_then(|y| y.parse().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| i64::from(jiff::Zoned::now().year()))
}

async fn plan_page(
    state: &AppState,
    auth: &Auth,
    year: i64,
    error: Option<(StatusCode, String)>,
) -> AppResult<Response> {
    let s = sec(state, auth)?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let documents = s.documents().await?;
    // Items link cases of the plan year and the year before (a plan is often
    // decided in the autumn before it starts).
    let mut cases = s.year_cases(year - 1).await?;
    cases.extend(s.year_cases(year).await?);
    let case_label = |c: &etterlev_store::Case| format!("{} {}", c.number, c.title);
    let mut points: Vec<StrategyPoint> = Vec::new();
    for item in s.plan_items(year).await? {
        if points.last().is_none_or(|p| p.name != item.strategy_point) {
            points.push(StrategyPoint {
                name: item.strategy_point.clone(),
                done: 0,
                in_progress: 0,
                not_started: 0,
                items: Vec::new(),
            });
        }
        let Some(p) = points.last_mut() else { continue };
        match item.status {
            PlanStatus::Done => p.done += 1,
            PlanStatus::InProgress => p.in_progress += 1,
            PlanStatus::NotStarted => p.not_started += 1,
        }
        p.items.push(PlanRow {
            status_key: item.status.as_str(),
            owner: item.owner.clone().unwrap_or_default(),
            document: item.document_id.as_ref().and_then(|id| {
                documents
                    .iter()
                    .find(|d| &d.id == id)
                    .map(|d| (d.id.clone(), document_label(d, &tr)))
            }),
            case: item.case_id.as_ref().and_then(|id| {
                cases.iter().find(|c| &c.id == id).map(|c| {
                    (
                        format!("/secretariat/meetings/{}#case-{}", c.meeting_id, c.id),
                        case_label(c),
                    )
                })
            }),
            id: item.id,
            title: item.title,
        });
    }
    let status = error.as_ref().map_or(StatusCode::OK, |(st, _)| *st);
    Ok(render_status(
        status,
        &PlanPage {
            year,
            points,
            statuses: options(PlanStatus::ALL, PlanStatus::as_str, |p| plan_status_label(&tr, p)),
            documents: documents
                .iter()
                .map(|d| (d.id.clone(), document_label(d, &tr)))
                .collect(),
            cases: cases.iter().map(|c| (c.id.clone(), case_label(c))).collect(),
            error: error.map(|(_, m)| m),
            l,
        },
    ))
}

async fn plan(State(state): State<AppState>, auth: Auth, RawQuery(q): RawQuery) -> AppResult<Response> {
    plan_page(&state, &auth, plan_year(q.as_deref()), None).await
}

#[derive(Deserialize)]
struct PlanForm {
    #[serde(default)]
    plan_year: String,
    #[serde(default)]
    strategy_point: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    document_id: String,
    #[serde(default)]
    case_id: String,
}

async fn add_plan_item(State(state): State<AppState>, auth: Auth, Form(f): Form<PlanForm>) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let year = f.plan_year.trim().parse::<i64>().unwrap_or(0);
    let Some(status) = PlanStatus::parse(f.status.trim()) else {
        return plan_page(
            &state,
            &auth,
            year,
            Some((StatusCode::BAD_REQUEST, "unknown status".into())),
        )
        .await;
    };
    let input = etterlev_store::PlanItemInput {
        plan_year: year,
        strategy_point: f.strategy_point,
        title: f.title,
        status,
        owner: blank_none(&f.owner),
        document_id: blank_none(&f.document_id),
        case_id: blank_none(&f.case_id),
    };
    match s.add_plan_item(&input).await {
        Ok(_) => Ok(Redirect::to(&format!("/secretariat/plan?year={year}")).into_response()),
        Err(e) => plan_page(&state, &auth, year.clamp(2000, 2100), Some(refusal(e)?)).await,
    }
}

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    back: String,
}

async fn set_plan_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    let status = PlanStatus::parse(f.status.trim()).ok_or_else(|| AppError::BadRequest("unknown status".into()))?;
    s.set_plan_status(id, status).await?;
    Ok(Redirect::to(&super::safe_next(Some(&f.back))).into_response())
}

async fn set_followup_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    let status = PlanStatus::parse(f.status.trim()).ok_or_else(|| AppError::BadRequest("unknown status".into()))?;
    s.set_followup_status(id, status).await?;
    Ok(Redirect::to(&super::safe_next(Some(&f.back))).into_response())
}

// ------------------------------------------------------------------ organisations

struct SeatRow {
    id: String,
    /// No end date yet: the page offers to end it.
    open: bool,
    organisation: String,
    role: String,
    from: String,
    to: String,
    representative: String,
    deputy: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "secretariat_organisations.html")]
struct OrganisationsPage {
    l: Layout,
    organisations: Vec<(String, String)>,
    seats: Vec<SeatRow>,
    roles: Vec<(String, String)>,
    error: Option<String>,
}

async fn organisations_page(state: &AppState, auth: &Auth, error: Option<(StatusCode, String)>) -> AppResult<Response> {
    let s = sec(state, auth)?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let today = today();
    let organisations = s.organisations().await?.into_iter().map(|o| (o.id, o.name)).collect();
    let seats = s
        .seats()
        .await?
        .into_iter()
        .map(|x| SeatRow {
            current: etterlev_core::secretariat::covers(&x.valid_from, x.valid_to.as_deref(), &today),
            open: x.valid_to.is_none(),
            id: x.id,
            organisation: x.organisation_name,
            role: role_label(&tr, x.role),
            from: nb_date(&x.valid_from),
            to: opt_date(&x.valid_to),
            representative: x.representative.unwrap_or_default(),
            deputy: x.deputy.unwrap_or_default(),
        })
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |(st, _)| *st);
    Ok(render_status(
        status,
        &OrganisationsPage {
            organisations,
            seats,
            roles: options(MemberRole::ALL, MemberRole::as_str, |r| role_label(&tr, r)),
            error: error.map(|(_, m)| m),
            l,
        },
    ))
}

async fn organisations(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    organisations_page(&state, &auth, None).await
}

#[derive(Deserialize)]
struct OrganisationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    short_name: String,
}

async fn create_organisation(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<OrganisationForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    match s.create_organisation(&f.name, blank_none(&f.short_name)).await {
        Ok(_) => Ok(Redirect::to("/secretariat/organisations").into_response()),
        Err(e) => organisations_page(&state, &auth, Some(refusal(e)?)).await,
    }
}

#[derive(Deserialize)]
struct SeatForm {
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    representative: String,
    #[serde(default)]
    deputy: String,
}

async fn create_seat(State(state): State<AppState>, auth: Auth, Form(f): Form<SeatForm>) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let Some(role) = MemberRole::parse(f.role.trim()) else {
        return organisations_page(&state, &auth, Some((StatusCode::BAD_REQUEST, "unknown role".into()))).await;
    };
    let input = SeatInput {
        organisation_id: f.organisation_id,
        role,
        valid_from: f.valid_from,
        valid_to: blank_none(&f.valid_to),
        representative: blank_none(&f.representative),
        deputy: blank_none(&f.deputy),
    };
    match s.add_seat(&input).await {
        Ok(_) => Ok(Redirect::to("/secretariat/organisations").into_response()),
        Err(e) => organisations_page(&state, &auth, Some(refusal(e)?)).await,
    }
}

#[derive(Deserialize)]
struct EndSeatForm {
    #[serde(default)]
    valid_to: String,
}

async fn end_seat(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<EndSeatForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    match s.end_seat(id, &f.valid_to).await {
        Ok(_) => Ok(Redirect::to("/secretariat/organisations").into_response()),
        Err(e) => organisations_page(&state, &auth, Some(refusal(e)?)).await,
    }
}

// ------------------------------------------------------------------ meetings

#[derive(Template)]
#[template(path = "secretariat_meetings.html")]
struct MeetingsPage {
    l: Layout,
    meetings: Vec<MeetingRow>,
    error: Option<String>,
}

async fn meetings(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    Ok(render(&MeetingsPage {
        meetings: meeting_rows(&s.meetings().await?),
        error: None,
        l: Layout::for_user(&auth),
    }))
}

#[derive(Deserialize)]
struct MeetingForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    meeting_date: String,
    #[serde(default)]
    starts: String,
    #[serde(default)]
    ends: String,
    #[serde(default)]
    place: String,
}

impl MeetingForm {
    fn input(self) -> MeetingInput {
        MeetingInput {
            starts: blank_none(&self.starts),
            ends: blank_none(&self.ends),
            place: blank_none(&self.place),
            title: self.title,
            meeting_date: self.meeting_date,
        }
    }
}

async fn update_meeting(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<MeetingForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    s.meeting(id).await?;
    match s.update_meeting(id, &f.input()).await {
        Ok(m) => Ok(Redirect::to(&format!("/secretariat/meetings/{}", m.id)).into_response()),
        Err(e) => meeting_page(&state, &auth, id, Some(refusal(e)?)).await,
    }
}

async fn create_meeting(State(state): State<AppState>, auth: Auth, Form(f): Form<MeetingForm>) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    match s.create_meeting(&f.input()).await {
        Ok(m) => Ok(Redirect::to(&format!("/secretariat/meetings/{}", m.id)).into_response()),
        Err(e) => {
            let (status, m) = refusal(e)?;
            Ok(render_status(
                status,
                &MeetingsPage {
                    meetings: meeting_rows(&s.meetings().await?),
                    error: Some(m),
                    l: Layout::for_user(&auth),
                },
            ))
        }
    }
}

/// One seat on the meeting date, with what the attendance list says.
struct AttendanceRow {
    organisation_id: String,
    organisation: String,
    role: String,
    person: String,
    status: String,
    /// "Til stede fra 11:30", "Forfall", or "Ikke registrert".
    status_text: String,
    present_from: String,
}

struct CommentRow {
    organisation: String,
    comment: String,
}

struct CaseView {
    id: String,
    number: String,
    title: String,
    kind: String,
    time_slot: String,
    presenter: String,
    background: String,
    proposal: String,
    document: Option<(String, String)>,
    proposed_status: String,
    decision: String,
    decided_status: String,
    comments: Vec<CommentRow>,
    /// The case is open for work (`?edit=<case id>`, or a refused form).
    editing: bool,
    /// The edit form: the case as stored, or what the user sent when refused.
    form: CaseForm,
    /// The comment form: what the user sent when refused, else empty.
    comment_org: String,
    comment_text: String,
}

/// What the meeting page shows besides the stored meeting: which part is
/// open for editing, and the user's input of a refused form.
#[derive(Default)]
struct MeetingView {
    /// `?edit=`: a case id, or `attendance`.
    edit: Option<String>,
    /// A refused change of a case: (case id, the form as sent).
    case: Option<(String, CaseForm)>,
    /// A refused new case.
    new_case: Option<CaseForm>,
    /// A refused comment: (case id, organisation id, text).
    comment: Option<(String, String, String)>,
    /// A refused attendance list: the form's fields as sent.
    attendance: Option<Vec<(String, String)>>,
}

#[derive(Template)]
#[template(path = "secretariat_meeting.html")]
struct MeetingPage {
    l: Layout,
    m: MeetingRow,
    time: String,
    attendance: Vec<AttendanceRow>,
    attendance_options: Vec<(String, String)>,
    cases: Vec<CaseView>,
    followups: Vec<FollowupRow>,
    documents: Vec<(String, String)>,
    case_kinds: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    seated: Vec<(String, String)>,
    next_number: String,
    error: Option<String>,
    /// The meeting as stored, for the edit form.
    edit: Meeting,
    edit_attendance: bool,
    new_case: CaseForm,
    new_open: bool,
}

fn time_span(m: &Meeting) -> String {
    match (&m.starts, &m.ends) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        (Some(a), None) => a.clone(),
        _ => String::new(),
    }
}

async fn meeting_page(
    state: &AppState,
    auth: &Auth,
    id: &str,
    error: Option<(StatusCode, String)>,
) -> AppResult<Response> {
    meeting_page_with(state, auth, id, error, MeetingView::default()).await
}

async fn meeting_page_with(
    state: &AppState,
    auth: &Auth,
    id: &str,
    error: Option<(StatusCode, String)>,
    view: MeetingView,
) -> AppResult<Response> {
    let s = sec(state, auth)?;
    let m = s.meeting(id).await?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let listed = s.attendance(id).await?;
    let seats = s.seats_on(&m.meeting_date).await?;
    let mut attendance: Vec<AttendanceRow> = seats
        .iter()
        .map(|seat| {
            let a = listed.iter().find(|a| a.organisation_id == seat.organisation_id);
            AttendanceRow {
                organisation_id: seat.organisation_id.clone(),
                organisation: seat.organisation_name.clone(),
                role: role_label(&tr, seat.role),
                person: a
                    .and_then(|a| a.person.clone())
                    .or_else(|| seat.representative.clone())
                    .unwrap_or_default(),
                status: a.map(|a| a.status.as_str().to_string()).unwrap_or_default(),
                status_text: a.map_or_else(
                    || tr.msg("sec-att-not-recorded"),
                    |a| attendance_label(&tr, a.status, &a.present_from),
                ),
                present_from: a.and_then(|a| a.present_from.clone()).unwrap_or_default(),
            }
        })
        .collect();
    attendance.sort_by(|a, b| (&a.role, &a.organisation).cmp(&(&b.role, &b.organisation)));
    if let Some(sent) = &view.attendance {
        let field = |name: String| {
            sent.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        for a in &mut attendance {
            a.status = field(format!("status_{}", a.organisation_id));
            a.person = field(format!("person_{}", a.organisation_id));
            a.present_from = field(format!("from_{}", a.organisation_id));
        }
    }
    let comments = s.comments(id).await?;
    let documents = s.documents().await?;
    let cases = s
        .cases(id)
        .await?
        .into_iter()
        .map(|c| {
            let mut v = case_view(&c, &comments, &documents, &tr);
            v.editing = view.edit.as_deref() == Some(c.id.as_str());
            if let Some((case_id, form)) = &view.case
                && *case_id == c.id
            {
                v.editing = true;
                v.form = form.clone();
            }
            if let Some((case_id, org, text)) = &view.comment
                && *case_id == c.id
            {
                v.editing = true;
                v.comment_org = org.clone();
                v.comment_text = text.clone();
            }
            v
        })
        .collect::<Vec<_>>();
    let followups = s
        .open_followups()
        .await?
        .into_iter()
        .map(|f| FollowupRow {
            id: f.id,
            overdue: false,
            title: f.title,
            owner: f.owner.unwrap_or_default(),
            due: opt_date(&f.due),
            meeting_id: f.meeting_id,
        })
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |(st, _)| *st);
    let mut attendance_options = vec![(String::new(), tr.msg("sec-att-none"))];
    attendance_options.extend(options(AttendanceStatus::ALL, AttendanceStatus::as_str, |a| {
        tr.msg(&format!("sec-att-{}", a.as_str()))
    }));
    let year = m.year().unwrap_or(2000);
    let next_number = CaseNumber::new(year, 1).map(|c| c.to_string()).unwrap_or_default();
    Ok(render_status(
        status,
        &MeetingPage {
            edit: m.clone(),
            time: time_span(&m),
            m: MeetingRow {
                id: m.id.clone(),
                title: m.title.clone(),
                date: nb_date(&m.meeting_date),
                place: m.place.clone().unwrap_or_default(),
            },
            attendance,
            attendance_options,
            cases,
            followups,
            documents: documents
                .iter()
                .map(|d| (d.id.clone(), document_label(d, &tr)))
                .collect(),
            case_kinds: options(CaseKind::ALL, CaseKind::as_str, |k| case_kind_label(&tr, k)),
            statuses: options(DocumentStatus::ALL, DocumentStatus::as_str, |k| status_label(&tr, k)),
            seated: seats
                .iter()
                .map(|s| (s.organisation_id.clone(), s.organisation_name.clone()))
                .collect(),
            next_number,
            error: error.map(|(_, m)| m),
            edit_attendance: view.edit.as_deref() == Some("attendance") || view.attendance.is_some(),
            new_open: view.new_case.is_some(),
            new_case: view.new_case.unwrap_or_default(),
            l,
        },
    ))
}

fn case_view(c: &Case, comments: &[CaseComment], documents: &[Document], tr: &Tr) -> CaseView {
    CaseView {
        editing: false,
        form: CaseForm::of(c),
        comment_org: String::new(),
        comment_text: String::new(),
        id: c.id.clone(),
        number: c.number.to_string(),
        title: c.title.clone(),
        kind: case_kind_label(tr, c.kind),
        time_slot: c.time_slot.clone().unwrap_or_default(),
        presenter: c.presenter.clone().unwrap_or_default(),
        background: c.background.clone().unwrap_or_default(),
        proposal: c.proposal.clone().unwrap_or_default(),
        document: c.document_id.as_ref().and_then(|id| {
            documents
                .iter()
                .find(|d| &d.id == id)
                .map(|d| (d.id.clone(), document_label(d, tr)))
        }),
        proposed_status: c.proposed_status.map(|s| status_label(tr, s)).unwrap_or_default(),
        decision: c.decision.clone().unwrap_or_default(),
        decided_status: c.decided_status.map(|s| status_label(tr, s)).unwrap_or_default(),
        comments: comments
            .iter()
            .filter(|k| k.case_id == c.id)
            .map(|k| CommentRow {
                organisation: k.organisation_name.clone(),
                comment: k.comment.clone(),
            })
            .collect(),
    }
}

async fn meeting(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> AppResult<Response> {
    let id = object_id(&id)?;
    let view = MeetingView {
        edit: query_param(q.as_deref(), "edit"),
        ..MeetingView::default()
    };
    meeting_page_with(&state, &auth, id, None, view).await
}

/// The attendance form: `status_<org>`, `person_<org>`, `from_<org>` per
/// seat; a blank status leaves the organisation off the list.
async fn save_attendance(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
    };
    let mut rows = Vec::new();
    for (key, value) in &fields {
        let Some(org) = key.strip_prefix("status_") else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let Some(status) = AttendanceStatus::parse(value) else {
            return meeting_page(
                &state,
                &auth,
                id,
                Some((StatusCode::BAD_REQUEST, "unknown attendance".into())),
            )
            .await;
        };
        rows.push(AttendanceInput {
            organisation_id: org.to_string(),
            person: get(&format!("person_{org}")).filter(|p| !p.is_empty()),
            status,
            present_from: get(&format!("from_{org}")).filter(|p| !p.is_empty()),
        });
    }
    match s.set_attendance(id, &rows).await {
        Ok(_) => Ok(Redirect::to(&format!("/secretariat/meetings/{id}#attendance")).into_response()),
        Err(e) => {
            let view = MeetingView {
                attendance: Some(fields),
                ..MeetingView::default()
            };
            meeting_page_with(&state, &auth, id, Some(refusal_tr(e, &auth.ctx.tr)?), view).await
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CaseForm {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub time_slot: String,
    #[serde(default)]
    pub presenter: String,
    #[serde(default)]
    pub background: String,
    #[serde(default)]
    pub proposal: String,
    #[serde(default)]
    pub document_id: String,
    #[serde(default)]
    pub proposed_status: String,
}

impl CaseForm {
    /// The form filled with a case as stored.
    fn of(c: &Case) -> CaseForm {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        CaseForm {
            number: c.number.to_string(),
            kind: c.kind.as_str().into(),
            title: c.title.clone(),
            time_slot: text(&c.time_slot),
            presenter: text(&c.presenter),
            background: text(&c.background),
            proposal: text(&c.proposal),
            document_id: text(&c.document_id),
            proposed_status: c.proposed_status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        }
    }

    pub fn input(&self) -> Result<CaseInput, String> {
        let number = match blank_none(&self.number) {
            Some(n) => Some(CaseNumber::parse(&n).map_err(|e| e.to_string())?),
            None => None,
        };
        let proposed_status = match blank_none(&self.proposed_status) {
            Some(s) => Some(DocumentStatus::parse(&s).ok_or("unknown document status")?),
            None => None,
        };
        Ok(CaseInput {
            number,
            kind: CaseKind::parse(self.kind.trim()).ok_or("unknown case kind")?,
            title: self.title.clone(),
            time_slot: blank_none(&self.time_slot),
            presenter: blank_none(&self.presenter),
            background: blank_none(&self.background),
            proposal: blank_none(&self.proposal),
            document_id: blank_none(&self.document_id),
            proposed_status,
        })
    }
}

async fn add_case(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<CaseForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    let view = |f: CaseForm| MeetingView {
        new_case: Some(f),
        ..MeetingView::default()
    };
    let input = match f.input() {
        Ok(i) => i,
        Err(m) => return meeting_page_with(&state, &auth, id, Some((StatusCode::BAD_REQUEST, m)), view(f)).await,
    };
    match s.add_case(id, &input).await {
        Ok(c) => Ok(Redirect::to(&format!("/secretariat/meetings/{id}#case-{}", c.id)).into_response()),
        Err(e) => meeting_page_with(&state, &auth, id, Some(refusal_tr(e, &auth.ctx.tr)?), view(f)).await,
    }
}

async fn update_case(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, case_id)): Path<(String, String)>,
    Form(f): Form<CaseForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let (id, case_id) = (object_id(&id)?, object_id(&case_id)?);
    let view = |f: CaseForm| MeetingView {
        case: Some((case_id.to_string(), f)),
        ..MeetingView::default()
    };
    let input = match f.input() {
        Ok(i) => i,
        Err(m) => return meeting_page_with(&state, &auth, id, Some((StatusCode::BAD_REQUEST, m)), view(f)).await,
    };
    match s.update_case(id, case_id, &input).await {
        Ok(c) => Ok(Redirect::to(&format!("/secretariat/meetings/{id}#case-{}", c.id)).into_response()),
        Err(e) => meeting_page_with(&state, &auth, id, Some(refusal_tr(e, &auth.ctx.tr)?), view(f)).await,
    }
}

#[derive(Deserialize)]
struct CommentForm {
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    comment: String,
}

async fn add_comment(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, case_id)): Path<(String, String)>,
    Form(f): Form<CommentForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let (id, case_id) = (object_id(&id)?, object_id(&case_id)?);
    let case = s.case(case_id).await?;
    if case.meeting_id != id {
        return Err(AppError::NotFound);
    }
    match s.add_comment(case_id, &f.organisation_id, &f.comment).await {
        // The case stays open: comments come one after another.
        Ok(_) => Ok(Redirect::to(&format!("/secretariat/meetings/{id}?edit={case_id}#case-{case_id}")).into_response()),
        Err(e) => {
            let view = MeetingView {
                comment: Some((case_id.to_string(), f.organisation_id, f.comment)),
                ..MeetingView::default()
            };
            meeting_page_with(&state, &auth, id, Some(refusal_tr(e, &auth.ctx.tr)?), view).await
        }
    }
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    new_status: String,
}

async fn decide(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, case_id)): Path<(String, String)>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let (id, case_id) = (object_id(&id)?, object_id(&case_id)?);
    let new_status = match blank_none(&f.new_status) {
        Some(v) => match DocumentStatus::parse(&v) {
            Some(st) => Some(st),
            None => {
                return meeting_page(
                    &state,
                    &auth,
                    id,
                    Some((StatusCode::BAD_REQUEST, "unknown status".into())),
                )
                .await;
            }
        },
        None => None,
    };
    let input = CaseDecisionInput {
        decision: f.decision,
        new_status,
    };
    match s.decide(id, case_id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/secretariat/meetings/{id}#case-{case_id}")).into_response()),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => meeting_page(&state, &auth, id, Some(refusal(e)?)).await,
    }
}

#[derive(Deserialize)]
struct FollowupForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    case_id: String,
}

async fn add_followup(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<FollowupForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    let input = FollowupInput {
        case_id: blank_none(&f.case_id),
        title: f.title,
        owner: blank_none(&f.owner),
        due: blank_none(&f.due),
    };
    match s.add_followup(id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/secretariat/meetings/{id}#followups")).into_response()),
        Err(e) => meeting_page(&state, &auth, id, Some(refusal(e)?)).await,
    }
}

/// The data of the invitation or the minutes, in the reader's language.
pub async fn minutes_data(s: &SecretariatStore<'_>, id: &str, kind: MinutesKind, tr: &Tr) -> AppResult<Minutes> {
    let m = s.meeting(id).await?;
    let listed = s.attendance(id).await?;
    let seats = s.seats_on(&m.meeting_date).await?;
    let mut attendance: Vec<MinutesAttendance> = seats
        .iter()
        .map(|seat| {
            let a = listed.iter().find(|a| a.organisation_id == seat.organisation_id);
            MinutesAttendance {
                organisation: seat.organisation_name.clone(),
                role: role_label(tr, seat.role),
                person: a
                    .and_then(|a| a.person.clone())
                    .or_else(|| seat.representative.clone())
                    .unwrap_or_default(),
                attendance: a.map_or_else(
                    || tr.msg("sec-att-not-recorded"),
                    |a| attendance_label(tr, a.status, &a.present_from),
                ),
            }
        })
        .collect();
    attendance.sort_by(|a, b| (&a.role, &a.organisation).cmp(&(&b.role, &b.organisation)));
    let comments = s.comments(id).await?;
    let cases = s
        .cases(id)
        .await?
        .into_iter()
        .map(|c| MinutesCase {
            number: c.number.to_string(),
            title: c.title.clone(),
            kind: case_kind_label(tr, c.kind),
            time_slot: c.time_slot.clone(),
            presenter: c.presenter.clone(),
            background: c.background.clone(),
            proposal: c.proposal.clone(),
            comments: comments
                .iter()
                .filter(|k| k.case_id == c.id)
                .map(|k| (k.organisation_name.clone(), k.comment.clone()))
                .collect(),
            decision: c.decision.clone(),
        })
        .collect();
    let followups = s
        .open_followups()
        .await?
        .into_iter()
        .filter(|f| f.meeting_id == id || kind == MinutesKind::Invitation)
        .map(|f| MinutesFollowup {
            title: f.title,
            owner: f.owner.unwrap_or_default(),
            due: opt_date(&f.due),
        })
        .collect();
    let span = time_span(&m);
    Ok(Minutes {
        kind,
        title: m.title,
        date: nb_date(&m.meeting_date),
        time: (!span.is_empty()).then_some(span),
        place: m.place,
        attendance,
        cases,
        followups,
        generated: jiff::Zoned::now().date(),
    })
}

/// The .docx of minutes or an invitation, written off the async threads,
/// and its file name (`<stem>-dd-mm-yyyy.docx`).
pub(crate) async fn minutes_docx_file(
    stem: &str,
    data: Minutes,
    lang: etterlev_reports::Lang,
) -> AppResult<(String, Vec<u8>)> {
    let name = format!("{stem}-{}.docx", data.date.replace('.', "-"));
    let bytes = tokio::task::spawn_blocking(move || etterlev_reports::minutes_docx(&data, lang))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((name, bytes))
}

pub(crate) fn report_lang(tr: &Tr) -> etterlev_reports::Lang {
    match tr.lang {
        crate::i18n::Lang::En => etterlev_reports::Lang::En,
        _ => etterlev_reports::Lang::Nb,
    }
}

/// `minutes.docx`, `minutes.html`, `invitation.docx`, `invitation.html`.
async fn minutes_file(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, document)): Path<(String, String)>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    let (kind, docx) = match document.as_str() {
        "minutes.docx" => (MinutesKind::Minutes, true),
        "minutes.html" => (MinutesKind::Minutes, false),
        "invitation.docx" => (MinutesKind::Invitation, true),
        "invitation.html" => (MinutesKind::Invitation, false),
        _ => return Err(AppError::NotFound),
    };
    let tr = auth.ctx.tr;
    let data = minutes_data(&s, id, kind, &tr).await?;
    let lang = report_lang(&tr);
    if docx {
        let stem = if kind == MinutesKind::Minutes {
            "referat"
        } else {
            "innkalling"
        };
        let (name, bytes) = minutes_docx_file(stem, data, lang).await?;
        return Ok(download(DOCX_TYPE, &name, bytes));
    }
    let html = etterlev_reports::minutes_html(&data, lang);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'"),
            ),
        ],
        html,
    )
        .into_response())
}

// ------------------------------------------------------------------ statistics

/// The measure named in a query (`measure=overall` or a chapter id).
pub(crate) fn measure_of(raw: Option<String>) -> Measure {
    match raw {
        Some(m) if m != "overall" => Measure::Chapter(m),
        _ => Measure::Overall,
    }
}

struct StatCell {
    text: String,
    hidden: bool,
    n: String,
}

struct StatRow {
    label: String,
    key: String,
    cells: Vec<StatCell>,
}

struct Bar {
    label: String,
    width: String,
    value: String,
    y: usize,
    text_y: usize,
}

#[derive(Template)]
#[template(path = "secretariat_statistics.html")]
struct StatisticsPage {
    l: Layout,
    k: u32,
    measure: String,
    measure_label: String,
    chapters: Vec<(String, String)>,
    cols: Vec<String>,
    rows: Vec<StatRow>,
    bars: Vec<Bar>,
    chart_height: usize,
    error: Option<String>,
    hidden_sign: &'static str,
    empty_sign: &'static str,
}

pub(crate) fn row_labels(tr: &Tr) -> Vec<String> {
    TenantKind::ALL
        .iter()
        .map(|k| tr.kind_name(*k))
        .chain([tr.msg("sec-stat-all")])
        .collect()
}

pub(crate) fn col_labels(tr: &Tr) -> Vec<String> {
    SizeClass::ALL
        .iter()
        .map(|s| tr.size_name(*s))
        .chain([tr.msg("sec-stat-all")])
        .collect()
}

/// The one sign for a hidden cell, on the page and in the .xlsx (the sign
/// Statistics Norway uses for figures withheld to protect respondents).
pub(crate) const HIDDEN_SIGN: &str = ":";
/// A group without enterprises (nothing to hide, nothing to show).
pub(crate) const EMPTY_SIGN: &str = "–";

fn stat_rows(t: &Table, tr: &Tr) -> Vec<StatRow> {
    let keys: Vec<String> = TenantKind::ALL
        .iter()
        .map(|k| k.as_str().to_string())
        .chain(["all".into()])
        .collect();
    row_labels(tr)
        .into_iter()
        .zip(keys)
        .zip(&t.cells)
        .map(|((label, key), cells)| StatRow {
            label,
            key,
            cells: cells
                .iter()
                .map(|c| StatCell {
                    hidden: c.hidden.is_some(),
                    text: match (c.hidden, c.mean) {
                        (Some(_), _) => HIDDEN_SIGN.into(),
                        (None, Some(m)) => tr.percent(m),
                        (None, None) => EMPTY_SIGN.into(),
                    },
                    n: c.enterprises.map(|n| n.to_string()).unwrap_or_default(),
                })
                .collect(),
        })
        .collect()
}

async fn statistics_page(
    state: &AppState,
    auth: &Auth,
    raw: Option<String>,
    error: Option<String>,
) -> AppResult<Response> {
    let s = sec(state, auth)?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let measure = measure_of(raw);
    let chapters = s.chapters().await?;
    let table = s.statistics(&measure).await?;
    let (measure_key, measure_label) = match &measure {
        Measure::Overall => ("overall".to_string(), tr.msg("sec-stat-overall")),
        Measure::Chapter(c) => (
            c.clone(),
            chapters
                .iter()
                .find(|(id, _)| id == c)
                .map_or_else(|| c.clone(), |(id, t)| format!("{id} {t}")),
        ),
    };
    // The chart: one bar per kind whose total is published.
    let total_col = SizeClass::ALL.len();
    let mut bars = Vec::new();
    for (kind, row) in TenantKind::ALL.iter().zip(&table.cells) {
        if let Some(c) = row.get(total_col)
            && c.hidden.is_none()
            && let Some(mean) = c.mean
        {
            let y = bars.len() * 28 + 4;
            bars.push(Bar {
                label: tr.kind_name(*kind),
                width: format!("{:.1}", mean * 3.0),
                value: tr.percent(mean),
                y,
                text_y: y + 16,
            });
        }
    }
    let chart_height = bars.len() * 28 + 8;
    Ok(render_status(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &StatisticsPage {
            k: table.k,
            measure: measure_key,
            measure_label,
            chapters,
            cols: col_labels(&tr),
            rows: stat_rows(&table, &tr),
            bars,
            chart_height,
            error,
            hidden_sign: HIDDEN_SIGN,
            empty_sign: EMPTY_SIGN,
            l,
        },
    ))
}

async fn statistics(State(state): State<AppState>, auth: Auth, RawQuery(q): RawQuery) -> AppResult<Response> {
    statistics_page(&state, &auth, query_param(q.as_deref(), "measure"), None).await
}

#[derive(Deserialize)]
struct KForm {
    #[serde(default)]
    k: String,
}

async fn set_k(State(state): State<AppState>, auth: Auth, Form(f): Form<KForm>) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let Ok(k) = f.k.trim().parse::<u32>() else {
        let msg = auth.ctx.tr.msg("sec-stat-k-invalid");
        return statistics_page(&state, &auth, None, Some(msg)).await;
    };
    match s.set_k(k).await {
        Ok(()) => Ok(Redirect::to("/secretariat/statistics").into_response()),
        Err(StoreError::Invalid(_)) => {
            let msg = auth.ctx.tr.msg("sec-stat-k-invalid");
            statistics_page(&state, &auth, None, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn statistics_xlsx(State(state): State<AppState>, auth: Auth, RawQuery(q): RawQuery) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let tr = auth.ctx.tr;
    let measure = measure_of(query_param(q.as_deref(), "measure"));
    let table = s.statistics(&measure).await?;
    let measure_label = match &measure {
        Measure::Overall => tr.msg("sec-stat-overall"),
        Measure::Chapter(c) => format!("{}: {c}", tr.msg("sec-stat-chapter")),
    };
    let (rows, cols) = (row_labels(&tr), col_labels(&tr));
    // The file carries the same sign and legend as the page.
    let note = format!(
        "{} «{HIDDEN_SIGN}»: {}",
        tr.msg_with("sec-stat-note", &[("k", table.k.to_string())]),
        tr.msg_with("sec-stat-legend-hidden", &[("k", table.k.to_string())]),
    );
    let kind = tr.msg("sec-stat-kind");
    let (title, enterprises, mean, hidden) = (
        tr.msg("sec-stat-title"),
        tr.msg("sec-stat-enterprises"),
        tr.msg("sec-stat-mean"),
        HIDDEN_SIGN.to_string(),
    );
    let bytes = etterlev_reports::statistics_xlsx(
        &table,
        &etterlev_reports::StatisticsLabels {
            title: &title,
            measure: &measure_label,
            note: &note,
            kind: &kind,
            enterprises: &enterprises,
            mean: &mean,
            hidden: &hidden,
            rows: &rows,
            cols: &cols,
        },
    )
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(XLSX_TYPE, "sektorstatistikk.xlsx", bytes))
}
