//! Self-assessments (module M2): the list with the new-assessment form, and
//! one assessment's requirements grouped by chapter with scores.
//!
//! The answer form and evidence live in `assessment_answer.rs`; dashboard,
//! comparison, reports and the .xlsx round trip in `assessment_report.rs`.
//! Everything here goes through `TenantStore`, which checks the tenant and
//! the role; the pages only hide buttons a role cannot use.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};
use etterlev_catalog::{Catalog, Node};
use etterlev_core::{
    AnswerStatus, Condition, Maturity, Permission, Score, ScoredAnswer, Scores, SizeClass, TenantKind,
};
use etterlev_store::{
    Answer, Assessment, AssessmentKind, AssessmentProfile, NewAssessment, StoreError, TenantScope, TenantStore,
};

use super::assessment_answer as answer;
use super::assessment_report as report;
use super::{Form, Layout, field, object_id, render_status};
use crate::AppState;
use crate::catalogs::Loaded;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::session::Auth;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assessments", get(list).post(create))
        .route("/assessments/compare", get(report::compare))
        .route("/assessments/{id}", get(detail))
        .route("/assessments/{id}/close", post(close))
        .route("/assessments/{id}/req/{node_id}", get(answer::form).post(answer::save))
        .route("/assessments/{id}/req/{node_id}/evidence", upload_route())
        .route("/assessments/{id}/req/{node_id}/link", post(answer::add_link))
        .route("/assessments/{id}/evidence/{evidence_id}", get(answer::download))
        .route("/assessments/{id}/evidence/{evidence_id}/delete", delete_route())
        .route("/assessments/{id}/dashboard", get(report::dashboard))
        .route("/assessments/{id}/report", get(report::report_html))
        .route("/assessments/{id}/report.docx", get(report::report_docx))
        .route("/assessments/{id}/answers.xlsx", get(report::export_xlsx))
        .route("/assessments/{id}/import", import_route())
}

/// Uploads get a body limit of their own; every other route keeps the
/// small default.
fn upload_route() -> MethodRouter<AppState> {
    post(answer::upload).layer(DefaultBodyLimit::max(answer::UPLOAD_BODY_MAX))
}

fn delete_route() -> MethodRouter<AppState> {
    post(answer::delete_evidence)
}

fn import_route() -> MethodRouter<AppState> {
    post(report::import_xlsx).layer(DefaultBodyLimit::max(report::IMPORT_BODY_MAX))
}

pub const TITLE_MAX: usize = 200;
pub const OWNER_MAX: usize = 200;

// ------------------------------------------------------------------ words

pub(crate) use super::text;

pub(crate) fn status_name(tr: &Tr, s: AnswerStatus) -> String {
    tr.msg(&format!("answer-status-{}", s.as_str()))
}

pub(crate) fn maturity_name(tr: &Tr, m: Maturity) -> String {
    tr.msg(m.level_key())
}

pub(crate) fn profile_words(tr: &Tr, p: &AssessmentProfile) -> String {
    tr.profile_words(p.kind, p.size, p.conditions.iter().copied())
}

/// "45 %": scores are shown as whole percentages.
pub(crate) fn pct(v: f64) -> String {
    format!("{:.0} %", v.clamp(0.0, 100.0))
}

pub(crate) fn period(a: &Assessment) -> Option<String> {
    match (&a.period_start, &a.period_end) {
        (None, None) => None,
        (s, e) => Some(format!(
            "{} – {}",
            s.as_deref().map(crate::i18n::format_date).unwrap_or_default(),
            e.as_deref().map(crate::i18n::format_date).unwrap_or_default()
        )),
    }
}

/// "Normen (6.0)".
pub(crate) fn catalog_name(loaded: &Loaded, key: &str, tr: &Tr) -> String {
    loaded
        .catalog(key)
        .map_or_else(|| key.to_owned(), |c| format!("{} ({})", text(&c.title, tr), c.version))
}

/// A real calendar date written `YYYY-MM-DD`.
pub(crate) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && s.parse::<jiff::civil::Date>().is_ok()
}

/// Today in Norway, `YYYY-MM-DD`.
pub(crate) fn today() -> jiff::civil::Date {
    let tz = jiff::tz::TimeZone::get("Europe/Oslo").unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now().to_zoned(tz).date()
}

// ------------------------------------------------------------------ loading

/// The selected tenant's store, or 404 without a tenant.
pub(crate) fn tenant_store<'a>(state: &'a AppState, auth: &'a Auth) -> AppResult<TenantStore<'a>> {
    Ok(state.store.tenant(auth.scope()?))
}

pub(crate) fn can_edit(scope: &TenantScope) -> bool {
    scope.allows(Permission::Edit)
}

pub(crate) async fn loaded(state: &AppState) -> AppResult<Arc<Loaded>> {
    Ok(state.catalogs.get(&state.store).await?)
}

/// An assessment of the current tenant by the id in the URL (404 for
/// malformed ids, other tenants' and missing ones alike).
pub(crate) async fn assessment(ts: &TenantStore<'_>, id: &str) -> AppResult<Assessment> {
    Ok(ts.assessment(object_id(id)?).await?)
}

/// The catalogue version an assessment uses. The store only accepts keys of
/// stored catalogues and those are all loaded, so a miss is our fault.
pub(crate) fn catalog_of<'a>(loaded: &'a Loaded, a: &Assessment) -> AppResult<&'a Catalog> {
    loaded.catalog(&a.catalog_key).ok_or_else(|| {
        AppError::Internal(format!(
            "catalogue {} of assessment {} is not loaded",
            a.catalog_key, a.id
        ))
    })
}

// ------------------------------------------------------------------ the sheet

/// One applicable requirement with its answer.
pub(crate) struct Row<'a> {
    pub node: &'a Node,
    pub chapter: &'a Node,
    pub answer: Option<&'a Answer>,
}

impl Row<'_> {
    /// An unanswered requirement counts as not started.
    pub fn status(&self) -> AnswerStatus {
        self.answer.map_or(AnswerStatus::NotStarted, |a| a.status)
    }

    pub fn maturity(&self) -> Option<Maturity> {
        self.answer.and_then(|a| a.maturity)
    }
}

/// An assessment's applicable requirements in reading order, with answers
/// and scores: the one place that decides what counts.
pub(crate) struct Sheet<'a> {
    pub rows: Vec<Row<'a>>,
    /// Chapters that have at least one applicable requirement, in order.
    pub chapters: Vec<&'a Node>,
    /// Requirements the profile leaves out.
    pub excluded: usize,
    pub scores: Scores,
}

impl<'a> Sheet<'a> {
    pub fn new(catalog: &'a Catalog, profile: &AssessmentProfile, answers: &'a [Answer]) -> Self {
        let profile = profile.to_profile();
        let by_node: HashMap<&str, &Answer> = answers.iter().map(|a| (a.node_id.as_str(), a)).collect();
        let mut rows = Vec::new();
        let mut chapters: Vec<&Node> = Vec::new();
        let mut excluded = 0;
        // One pass in reading order: a node applies when its own rule and
        // every ancestor's does (the same rule as `etterlev_catalog::filter`,
        // without walking the ancestors of every node again).
        let mut applies_at: Vec<bool> = Vec::new();
        let mut chapter: Option<&Node> = None;
        for (depth, node) in catalog.tree_order() {
            applies_at.truncate(depth);
            let parent_applies = applies_at.last().copied().unwrap_or(true);
            let applies = parent_applies && node.applicability.as_ref().is_none_or(|r| rule_allows(r, &profile));
            applies_at.push(applies);
            if depth == 0 {
                chapter = Some(node);
            }
            if !node.kind.is_assessable() {
                continue;
            }
            if !applies {
                excluded += 1;
                continue;
            }
            let chapter = chapter.unwrap_or(node);
            if chapters.last().is_none_or(|c| c.id != chapter.id) && !chapters.iter().any(|c| c.id == chapter.id) {
                chapters.push(chapter);
            }
            rows.push(Row {
                node,
                chapter,
                answer: by_node.get(node.id.as_str()).copied(),
            });
        }
        let scored: Vec<ScoredAnswer> = rows
            .iter()
            .map(|r| ScoredAnswer {
                chapter: r.chapter.id.clone(),
                status: r.status(),
                maturity: r.maturity(),
            })
            .collect();
        Sheet {
            scores: etterlev_core::assessment::score(&scored),
            rows,
            chapters,
            excluded,
        }
    }

    pub fn chapter_score(&self, chapter_id: &str) -> Score {
        self.scores.chapters.get(chapter_id).copied().unwrap_or_default()
    }

    pub fn rows_of<'s>(&'s self, chapter_id: &'s str) -> impl Iterator<Item = &'s Row<'a>> + 's {
        self.rows.iter().filter(move |r| r.chapter.id == chapter_id)
    }

    pub fn answered(&self) -> usize {
        self.rows.iter().filter(|r| r.answer.is_some()).count()
    }
}

/// Whether one applicability rule lets the profile in.
fn rule_allows(rule: &etterlev_catalog::Applicability, p: &etterlev_catalog::Profile) -> bool {
    (rule.enterprise_kinds.is_empty() || rule.enterprise_kinds.contains(&p.kind))
        && (rule.size_classes.is_empty() || rule.size_classes.contains(&p.size))
        && rule.conditions.iter().all(|c| p.conditions.contains(c))
}

/// Whether a node can be answered in this catalogue: a requirement or
/// recommendation.
pub(crate) fn assessable_node<'a>(catalog: &'a Catalog, node_id: &str) -> Option<&'a Node> {
    if !crate::catalogs::is_slug(node_id) {
        return None;
    }
    catalog.node(node_id).filter(|n| n.kind.is_assessable())
}

// ------------------------------------------------------------------ list + new

/// A select option or checkbox.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

struct ListRow {
    id: String,
    title: String,
    catalog: String,
    period: Option<String>,
    compliance: String,
    closed: bool,
    wizard: bool,
}

/// The new-assessment form as typed, to show again with errors.
#[derive(Default, Clone)]
pub(crate) struct NewForm {
    catalog: String,
    title: String,
    owner: String,
    period_start: String,
    period_end: String,
    kind: String,
    size: String,
    conditions: Vec<String>,
    start_from: String,
}

struct NewFormView {
    catalogs: Vec<Opt>,
    title: String,
    owner: String,
    period_start: String,
    period_end: String,
    kinds: Vec<Opt>,
    sizes: Vec<Opt>,
    conditions: Vec<Opt>,
    previous: Vec<Opt>,
    errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "assessment_list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<ListRow>,
    /// None: the role cannot create assessments.
    form: Option<NewFormView>,
    no_catalogs: bool,
}

async fn list(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    list_page(&state, &auth, None, Vec::new()).await
}

/// The form's defaults: the newest Normen (else the first catalogue) and the
/// tenant's kind and size.
/// A new assessment starts from the newest Normen and the enterprise's
/// stored profile (kind, size and conditions: the same profile the
/// catalogue filter uses).
fn default_form(loaded: &Loaded, profile: Option<&etterlev_catalog::Profile>) -> NewForm {
    let newest = |id: &str| loaded.versions_of(id).into_iter().max_by(|a, b| a.date.cmp(&b.date));
    let catalog = newest("normen")
        .or_else(|| loaded.set.catalogs.first().and_then(|c| newest(&c.id)))
        .map(Catalog::key)
        .unwrap_or_default();
    NewForm {
        catalog,
        kind: profile.map(|p| p.kind.as_str().to_owned()).unwrap_or_default(),
        size: profile.map(|p| p.size.as_str().to_owned()).unwrap_or_default(),
        conditions: profile
            .map(|p| p.conditions.iter().map(|c| c.as_str().to_owned()).collect())
            .unwrap_or_default(),
        ..NewForm::default()
    }
}

async fn list_page(state: &AppState, auth: &Auth, typed: Option<NewForm>, errors: Vec<String>) -> AppResult<Response> {
    let ts = tenant_store(state, auth)?;
    let loaded = loaded(state).await?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let assessments = ts.list_assessments().await?;
    let mut rows = Vec::with_capacity(assessments.len());
    for a in &assessments {
        let compliance = match loaded.catalog(&a.catalog_key) {
            Some(c) => {
                let answers = ts.answers(&a.id).await?;
                pct(Sheet::new(c, &a.profile, &answers).scores.overall.compliance)
            }
            None => "–".to_owned(),
        };
        rows.push(ListRow {
            id: a.id.clone(),
            title: a.title.clone(),
            catalog: catalog_name(&loaded, &a.catalog_key, &tr),
            period: period(a),
            compliance,
            closed: a.closed,
            wizard: a.kind == AssessmentKind::Wizard,
        });
    }
    let profile = super::profile::enterprise_profile(state, auth).await?.map(|(p, _)| p);
    let form = can_edit(auth.scope()?).then(|| {
        let f = typed.unwrap_or_else(|| default_form(&loaded, profile.as_ref()));
        NewFormView {
            catalogs: loaded
                .set
                .catalogs
                .iter()
                .map(|c| Opt {
                    value: c.key(),
                    label: format!("{} ({})", text(&c.title, &tr), c.version),
                    selected: c.key() == f.catalog,
                })
                .collect(),
            kinds: TenantKind::ALL
                .iter()
                .map(|k| Opt {
                    value: k.as_str().into(),
                    label: tr.kind_name(*k),
                    selected: k.as_str() == f.kind,
                })
                .collect(),
            sizes: SizeClass::ALL
                .iter()
                .map(|s| Opt {
                    value: s.as_str().into(),
                    label: tr.size_name(*s),
                    selected: s.as_str() == f.size,
                })
                .collect(),
            conditions: Condition::ALL
                .iter()
                .map(|c| Opt {
                    value: c.as_str().into(),
                    label: tr.condition_name(*c),
                    selected: f.conditions.iter().any(|x| x == c.as_str()),
                })
                .collect(),
            previous: assessments
                .iter()
                .map(|a| Opt {
                    value: a.id.clone(),
                    label: format!("{} – {}", a.title, catalog_name(&loaded, &a.catalog_key, &tr)),
                    selected: a.id == f.start_from,
                })
                .collect(),
            title: f.title,
            owner: f.owner,
            period_start: f.period_start,
            period_end: f.period_end,
            errors,
        }
    });
    let status = if form.as_ref().is_some_and(|f| !f.errors.is_empty()) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(render_status(
        status,
        &ListPage {
            no_catalogs: loaded.set.catalogs.is_empty(),
            l,
            rows,
            form,
        },
    ))
}

fn opt_text(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// Checks the form; every problem becomes a translated message.
fn parse_new(tr: &Tr, loaded: &Loaded, f: &NewForm) -> Result<NewAssessment, Vec<String>> {
    let mut errors = Vec::new();
    if loaded.catalog(&f.catalog).is_none() {
        errors.push(tr.msg("assessment-error-catalog"));
    }
    let title = field(tr, "assessment-field-title", &f.title, TITLE_MAX).map_err(|e| errors.push(e));
    let owner = match opt_text(&f.owner) {
        Some(o) => field(tr, "assessment-field-owner", &o, OWNER_MAX)
            .map(Some)
            .map_err(|e| errors.push(e)),
        None => Ok(None),
    };
    let mut date = |key: &'static str, v: &str| -> Option<String> {
        let v = opt_text(v)?;
        if is_date(&v) {
            Some(v)
        } else {
            errors.push(tr.msg_with("assessment-error-date", &[("field", tr.msg(key))]));
            None
        }
    };
    let start = date("assessment-field-period-start", &f.period_start);
    let end = date("assessment-field-period-end", &f.period_end);
    if let (Some(s), Some(e)) = (&start, &end)
        && e < s
    {
        errors.push(tr.msg("assessment-error-period"));
    }
    let kind = TenantKind::parse(&f.kind);
    if kind.is_none() {
        errors.push(tr.msg("error-kind"));
    }
    let size = SizeClass::parse(&f.size);
    if size.is_none() {
        errors.push(tr.msg("error-size"));
    }
    let mut conditions = Vec::new();
    for c in &f.conditions {
        match Condition::parse(c) {
            Some(c) if !conditions.contains(&c) => conditions.push(c),
            Some(_) => {}
            None => errors.push(tr.msg("assessment-error-condition")),
        }
    }
    let start_from = opt_text(&f.start_from);
    if start_from.as_deref().is_some_and(|s| !crate::is_object_id(s)) {
        errors.push(tr.msg("assessment-error-previous"));
    }
    match (title, owner, kind, size) {
        (Ok(title), Ok(owner), Some(kind), Some(size)) if errors.is_empty() => Ok(NewAssessment {
            catalog_key: f.catalog.clone(),
            title,
            kind: AssessmentKind::Full,
            owner,
            period_start: start,
            period_end: end,
            profile: AssessmentProfile { kind, size, conditions },
            start_from,
        }),
        _ => Err(errors),
    }
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    if !can_edit(ts.scope()) {
        return Err(AppError::Forbidden);
    }
    let mut f = NewForm::default();
    for (k, v) in pairs {
        match k.as_str() {
            "catalog" => f.catalog = v,
            "title" => f.title = v,
            "owner" => f.owner = v,
            "period_start" => f.period_start = v,
            "period_end" => f.period_end = v,
            "kind" => f.kind = v,
            "size" => f.size = v,
            "cond" => f.conditions.push(v),
            "start_from" => f.start_from = v,
            _ => {}
        }
    }
    let loaded = loaded(&state).await?;
    let tr = Layout::for_user(&auth).tr;
    let new = match parse_new(&tr, &loaded, &f) {
        Ok(n) => n,
        Err(errors) => return list_page(&state, &auth, Some(f), errors).await,
    };
    match ts.create_assessment(new).await {
        Ok(a) => Ok(Redirect::to(&format!("/assessments/{}", a.id)).into_response()),
        Err(StoreError::Invalid(m)) => list_page(&state, &auth, Some(f), vec![tr.refusal(&m)]).await,
        Err(StoreError::NotFound) => list_page(&state, &auth, Some(f), vec![tr.msg("assessment-error-previous")]).await,
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ detail

struct ReqRow {
    id: String,
    label: String,
    title: String,
    status: &'static str,
    status_label: String,
    answered: bool,
    maturity: Option<String>,
    owner: Option<String>,
    due: Option<String>,
    needs_review: bool,
    evidence: usize,
}

struct ChapterView {
    id: String,
    label: String,
    title: String,
    /// None for the one list of a sorted view, which has no score line.
    score: Option<ChapterScore>,
    rows: Vec<ReqRow>,
}

struct ChapterScore {
    compliance: String,
    maturity: String,
    applicable: u32,
    met: u32,
}

/// The requirement table's filter and sort, read from the URL. Values that
/// are unknown or malformed are ignored (shown as "all"), never an error,
/// so an old bookmark still opens the page.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct RowFilter {
    pub chapter: Option<String>,
    pub status: Option<AnswerStatus>,
    /// `Some(None)`: requirements without an owner.
    pub owner: Option<Option<String>>,
    pub q: String,
    pub sort: SortKey,
    pub desc: bool,
}

/// The owner filter's value for "no owner"; no owner can be this because
/// owners are trimmed one-line text.
const NO_OWNER: &str = " ";
const Q_MAX: usize = 200;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortKey {
    /// Reading order, grouped by chapter.
    #[default]
    Requirement,
    Status,
    Maturity,
    Owner,
    Due,
    Evidence,
}

impl SortKey {
    const ALL: [SortKey; 6] = [
        SortKey::Requirement,
        SortKey::Status,
        SortKey::Maturity,
        SortKey::Owner,
        SortKey::Due,
        SortKey::Evidence,
    ];

    fn as_str(self) -> &'static str {
        match self {
            SortKey::Requirement => "requirement",
            SortKey::Status => "status",
            SortKey::Maturity => "maturity",
            SortKey::Owner => "owner",
            SortKey::Due => "due",
            SortKey::Evidence => "evidence",
        }
    }

    fn parse(s: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.as_str() == s)
    }

    fn label_key(self) -> &'static str {
        match self {
            SortKey::Requirement => "assessment-col-requirement",
            SortKey::Status => "col-status",
            SortKey::Maturity => "answer-field-maturity",
            SortKey::Owner => "answer-field-owner",
            SortKey::Due => "answer-field-due",
            SortKey::Evidence => "evidence-title",
        }
    }
}

impl RowFilter {
    /// Reads the query; the first value of a repeated key counts.
    /// `chapters` and `owners` are the values that exist in the assessment.
    pub fn parse(query: &str, chapters: &[&str], owners: &[String]) -> RowFilter {
        let mut f = RowFilter::default();
        let mut seen: Vec<String> = Vec::new();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            if seen.iter().any(|s| *s == k) {
                continue;
            }
            seen.push(k.to_string());
            match k.as_ref() {
                "chapter" => f.chapter = chapters.iter().find(|c| **c == v).map(|c| (*c).to_owned()),
                "status" => f.status = AnswerStatus::parse(&v),
                "owner" if v == NO_OWNER => f.owner = Some(None),
                "owner" => f.owner = owners.iter().find(|o| **o == v).map(|o| Some(o.clone())),
                "q" => f.q = v.trim().chars().filter(|c| !c.is_control()).take(Q_MAX).collect(),
                "sort" => f.sort = SortKey::parse(&v).unwrap_or_default(),
                "dir" => f.desc = v == "desc",
                _ => {}
            }
        }
        f
    }

    pub fn is_active(&self) -> bool {
        self.chapter.is_some() || self.status.is_some() || self.owner.is_some() || !self.q.is_empty()
    }

    /// The query string for these settings (without `?`), leaving out
    /// defaults.
    pub fn query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(c) = &self.chapter {
            q.append_pair("chapter", c);
        }
        if let Some(s) = self.status {
            q.append_pair("status", s.as_str());
        }
        if let Some(o) = &self.owner {
            q.append_pair("owner", o.as_deref().unwrap_or(NO_OWNER));
        }
        if !self.q.is_empty() {
            q.append_pair("q", &self.q);
        }
        if self.sort != SortKey::Requirement || self.desc {
            q.append_pair("sort", self.sort.as_str());
        }
        if self.desc {
            q.append_pair("dir", "desc");
        }
        q.finish()
    }

    fn keeps(&self, r: &ReqRow, chapter: &str, comment: Option<&str>) -> bool {
        if self.chapter.as_deref().is_some_and(|c| c != chapter) {
            return false;
        }
        if self.status.is_some_and(|s| s.as_str() != r.status) {
            return false;
        }
        if let Some(o) = &self.owner
            && *o != r.owner
        {
            return false;
        }
        if !self.q.is_empty() {
            let q = self.q.to_lowercase();
            let hit = [
                Some(r.label.as_str()),
                Some(r.title.as_str()),
                r.owner.as_deref(),
                comment,
            ]
            .into_iter()
            .flatten()
            .any(|t| t.to_lowercase().contains(&q));
            if !hit {
                return false;
            }
        }
        true
    }
}

/// Unstarted work first when sorting by status.
fn status_rank(s: &str) -> u8 {
    match AnswerStatus::parse(s) {
        Some(AnswerStatus::NotStarted) => 0,
        Some(AnswerStatus::Partly) => 1,
        Some(AnswerStatus::Implemented) => 2,
        Some(AnswerStatus::Verified) => 3,
        Some(AnswerStatus::NotApplicable) | None => 4,
    }
}

/// Sorts rows (in reading order) by `key`; ties keep reading order, and
/// empty owners and due dates come last in either direction.
fn sort_rows(rows: &mut [ReqRow], key: SortKey, desc: bool) {
    use std::cmp::Ordering;
    let flip = |o: Ordering| if desc { o.reverse() } else { o };
    match key {
        SortKey::Requirement => {
            if desc {
                rows.reverse();
            }
        }
        SortKey::Status => rows.sort_by(|a, b| flip(status_rank(a.status).cmp(&status_rank(b.status)))),
        SortKey::Maturity => rows.sort_by(|a, b| {
            let level = |r: &ReqRow| r.maturity.as_deref().and_then(|m| m.parse::<u8>().ok());
            flip(level(a).cmp(&level(b)))
        }),
        SortKey::Owner => rows.sort_by(|a, b| {
            none_last(a.owner.as_deref(), b.owner.as_deref(), desc, |x, y| {
                x.to_lowercase().cmp(&y.to_lowercase())
            })
        }),
        SortKey::Due => rows.sort_by(|a, b| none_last(a.due.as_deref(), b.due.as_deref(), desc, |x, y| x.cmp(y))),
        SortKey::Evidence => rows.sort_by(|a, b| flip(a.evidence.cmp(&b.evidence))),
    }
}

/// Compares two optional texts with `cmp` (reversed when `desc`); a
/// missing one comes last either way.
fn none_last(
    a: Option<&str>,
    b: Option<&str>,
    desc: bool,
    cmp: impl Fn(&str, &str) -> std::cmp::Ordering,
) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(x), Some(y)) if desc => cmp(x, y).reverse(),
        (Some(x), Some(y)) => cmp(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// A sortable column head: its link and, for the sorted one, `aria-sort`.
struct SortHead {
    label: String,
    href: String,
    aria_sort: Option<&'static str>,
    /// The visible arrow of the sorted column.
    mark: &'static str,
    num: bool,
}

/// The filter form's choices and state.
struct FilterView {
    chapters: Vec<Opt>,
    statuses: Vec<Opt>,
    owners: Vec<Opt>,
    no_owner: bool,
    q: String,
    sort: String,
    dir: String,
    active: bool,
    shown: usize,
    heads: Vec<SortHead>,
}

pub(crate) struct Head {
    pub id: String,
    pub title: String,
    pub catalog_key: String,
    pub catalog: String,
    pub period: Option<String>,
    pub owner: Option<String>,
    pub profile: String,
    pub closed: bool,
    pub wizard: bool,
    pub previous: Option<String>,
}

impl Head {
    pub fn new(a: &Assessment, loaded: &Loaded, tr: &Tr) -> Self {
        Head {
            id: a.id.clone(),
            title: a.title.clone(),
            catalog_key: a.catalog_key.clone(),
            catalog: catalog_name(loaded, &a.catalog_key, tr),
            period: period(a),
            owner: a.owner.clone(),
            profile: profile_words(tr, &a.profile),
            closed: a.closed,
            wizard: a.kind == AssessmentKind::Wizard,
            previous: a.previous_id.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "assessment_detail.html")]
struct DetailPage {
    l: Layout,
    a: Head,
    version: i64,
    compliance: String,
    maturity: String,
    applicable: u32,
    met: u32,
    partly: u32,
    not_applicable: u32,
    answered: usize,
    total: usize,
    excluded: usize,
    review: usize,
    chapters: Vec<ChapterView>,
    filter: FilterView,
    can_edit: bool,
    others: Vec<Opt>,
    import_errors: Vec<String>,
}

async fn detail(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let query = query.unwrap_or_default();
    let imported = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "imported")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    detail_page(&state, &auth, &id, imported, Vec::new(), &query).await
}

/// The assessment page; `import_errors` come from a refused .xlsx import
/// (the page is then a 400), `imported` from a successful one.
pub(crate) async fn detail_page(
    state: &AppState,
    auth: &Auth,
    id: &str,
    imported: Option<usize>,
    import_errors: Vec<String>,
    query: &str,
) -> AppResult<Response> {
    let ts = tenant_store(state, auth)?;
    let a = assessment(&ts, id).await?;
    let loaded = loaded(state).await?;
    let catalog = catalog_of(&loaded, &a)?;
    let answers = ts.answers(&a.id).await?;
    let evidence = ts.evidence(&a.id).await?;
    let mut evidence_count: HashMap<&str, usize> = HashMap::new();
    for e in &evidence {
        *evidence_count.entry(e.node_id.as_str()).or_default() += 1;
    }
    let mut l = Layout::for_user(auth);
    let tr = l.tr;
    if let Some(n) = imported {
        l.notice = Some(tr.msg_with("assessment-imported", &[("count", n.to_string())]));
    }
    let sheet = Sheet::new(catalog, &a.profile, &answers);
    let mut owners: Vec<String> = sheet
        .rows
        .iter()
        .filter_map(|r| r.answer.and_then(|a| a.owner.clone()))
        .collect();
    owners.sort_by_key(|o| o.to_lowercase());
    owners.dedup();
    let chapter_ids: Vec<&str> = sheet.chapters.iter().map(|c| c.id.as_str()).collect();
    let filter = RowFilter::parse(query, &chapter_ids, &owners);
    let req_row = |r: &Row<'_>| ReqRow {
        id: r.node.id.clone(),
        label: r.node.label().to_owned(),
        title: text(&r.node.title, &tr),
        status: r.status().as_str(),
        status_label: status_name(&tr, r.status()),
        answered: r.answer.is_some(),
        maturity: r.maturity().map(|m| m.level().to_string()),
        owner: r.answer.and_then(|a| a.owner.clone()),
        due: r.answer.and_then(|a| a.due_date.clone()),
        needs_review: r.answer.is_some_and(|a| a.needs_review),
        evidence: evidence_count.get(r.node.id.as_str()).copied().unwrap_or(0),
    };
    let kept = |r: &Row<'_>| -> Option<ReqRow> {
        let row = req_row(r);
        let comment = r.answer.and_then(|a| a.comment.as_deref());
        filter.keeps(&row, &r.chapter.id, comment).then_some(row)
    };
    let chapters: Vec<ChapterView> = if filter.sort == SortKey::Requirement && !filter.desc {
        sheet
            .chapters
            .iter()
            .filter_map(|ch| {
                let rows: Vec<ReqRow> = sheet.rows_of(&ch.id).filter_map(kept).collect();
                if rows.is_empty() && filter.is_active() {
                    return None;
                }
                let s = sheet.chapter_score(&ch.id);
                Some(ChapterView {
                    id: ch.id.clone(),
                    label: ch.label().to_owned(),
                    title: text(&ch.title, &tr),
                    score: Some(ChapterScore {
                        compliance: pct(s.compliance),
                        maturity: pct(s.maturity),
                        applicable: s.applicable,
                        met: s.met,
                    }),
                    rows,
                })
            })
            .collect()
    } else {
        // Sorted: one list across chapters, so the order means something.
        let mut rows: Vec<ReqRow> = sheet.rows.iter().filter_map(kept).collect();
        sort_rows(&mut rows, filter.sort, filter.desc);
        if rows.is_empty() {
            Vec::new()
        } else {
            vec![ChapterView {
                id: "sorted".to_owned(),
                label: String::new(),
                title: tr.msg("assessment-sorted-list"),
                score: None,
                rows,
            }]
        }
    };
    let shown: usize = chapters.iter().map(|c| c.rows.len()).sum();
    let heads = SortKey::ALL
        .into_iter()
        .map(|key| {
            let current = filter.sort == key;
            let next = RowFilter {
                sort: key,
                desc: current && !filter.desc,
                ..filter.clone()
            };
            let q = next.query();
            SortHead {
                label: tr.msg(key.label_key()),
                href: if q.is_empty() {
                    format!("/assessments/{}#requirements", a.id)
                } else {
                    format!("/assessments/{}?{q}#requirements", a.id)
                },
                aria_sort: current.then_some(if filter.desc { "descending" } else { "ascending" }),
                mark: match (current, filter.desc) {
                    (false, _) => "",
                    (true, false) => " ▲",
                    (true, true) => " ▼",
                },
                num: matches!(key, SortKey::Maturity | SortKey::Evidence),
            }
        })
        .collect();
    let filter_view = FilterView {
        chapters: sheet
            .chapters
            .iter()
            .map(|c| Opt {
                value: c.id.clone(),
                label: format!("{} {}", c.label(), text(&c.title, &tr)),
                selected: filter.chapter.as_deref() == Some(c.id.as_str()),
            })
            .collect(),
        statuses: AnswerStatus::ALL
            .iter()
            .map(|s| Opt {
                value: s.as_str().to_owned(),
                label: status_name(&tr, *s),
                selected: filter.status == Some(*s),
            })
            .collect(),
        owners: owners
            .iter()
            .map(|o| Opt {
                value: o.clone(),
                label: o.clone(),
                selected: filter.owner.as_ref().is_some_and(|f| f.as_deref() == Some(o.as_str())),
            })
            .collect(),
        no_owner: filter.owner == Some(None),
        q: filter.q.clone(),
        sort: if filter.sort == SortKey::Requirement && !filter.desc {
            String::new()
        } else {
            filter.sort.as_str().to_owned()
        },
        dir: if filter.desc { "desc".to_owned() } else { String::new() },
        active: filter.is_active(),
        shown,
        heads,
    };
    let others = ts
        .list_assessments()
        .await?
        .into_iter()
        .filter(|o| o.id != a.id)
        .map(|o| Opt {
            label: format!("{} – {}", o.title, catalog_name(&loaded, &o.catalog_key, &tr)),
            selected: Some(&o.id) == a.previous_id.as_ref(),
            value: o.id,
        })
        .collect();
    let o = sheet.scores.overall;
    let status = if import_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(render_status(
        status,
        &DetailPage {
            a: Head::new(&a, &loaded, &tr),
            version: a.version,
            compliance: pct(o.compliance),
            maturity: pct(o.maturity),
            applicable: o.applicable,
            met: o.met,
            partly: o.partly,
            not_applicable: o.not_applicable,
            answered: sheet.answered(),
            total: sheet.rows.len(),
            excluded: sheet.excluded,
            review: sheet
                .rows
                .iter()
                .filter(|r| r.answer.is_some_and(|a| a.needs_review))
                .count(),
            chapters,
            filter: filter_view,
            can_edit: can_edit(ts.scope()) && !a.closed,
            others,
            import_errors,
            l,
        },
    ))
}

#[derive(serde::Deserialize)]
struct CloseForm {
    version: String,
}

async fn close(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<CloseForm>,
) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a = assessment(&ts, &id).await?;
    let version: i64 = f
        .version
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("version must be a whole number".into()))?;
    match ts.close_assessment(&a.id, version).await {
        Ok(_) => Ok(Redirect::to(&format!("/assessments/{}", a.id)).into_response()),
        Err(StoreError::VersionConflict(_)) => Err(AppError::Conflict(
            Layout::for_user(&auth).tr.msg("assessment-close-conflict"),
        )),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn dates_are_strict() {
        assert!(is_date("2026-02-28"));
        for bad in [
            "2026-02-30",
            "20260228",
            "2026-2-28",
            "+002026-02-28",
            "",
            "2026-02-28T10:00",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    /// The sheet's one-pass applicability agrees with the catalogue crate's
    /// `filter` on every catalogue in the repository, for every kind and
    /// size, with no condition, each single condition and all of them.
    #[test]
    fn sheet_applies_exactly_what_filter_applies() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
        let set = etterlev_catalog::load_path(&dir).unwrap_or_else(|d| panic!("catalogue/ must load: {}", d.len()));
        let mut condition_sets: Vec<Vec<Condition>> = vec![Vec::new(), Condition::ALL.to_vec()];
        condition_sets.extend(Condition::ALL.iter().map(|c| vec![*c]));
        let mut checked = 0;
        for catalog in &set.catalogs {
            for kind in TenantKind::ALL {
                for size in SizeClass::ALL {
                    for conditions in &condition_sets {
                        let profile = AssessmentProfile {
                            kind: *kind,
                            size: *size,
                            conditions: conditions.clone(),
                        };
                        let sheet = Sheet::new(catalog, &profile, &[]);
                        let filtered = etterlev_catalog::filter(catalog, &profile.to_profile());
                        let mut got: Vec<&str> = sheet.rows.iter().map(|r| r.node.id.as_str()).collect();
                        let mut want: Vec<&str> = filtered.applicable.iter().map(|n| n.id.as_str()).collect();
                        got.sort_unstable();
                        want.sort_unstable();
                        assert_eq!(got, want, "{} {kind} {size} {conditions:?}", catalog.key());
                        assert_eq!(sheet.excluded, filtered.excluded.len());
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100, "too few cases: {checked}");
    }

    /// Keys made with `format!` escape the static key check in i18n.rs.
    #[test]
    fn dynamic_keys_exist() {
        for lang in [Lang::Nb, Lang::En] {
            let tr = Tr::new(lang);
            let mut keys: Vec<String> = AnswerStatus::ALL
                .iter()
                .map(|s| format!("answer-status-{}", s.as_str()))
                .collect();
            keys.extend(Maturity::all().map(|m| m.level_key().to_owned()));
            let missing: Vec<_> = keys.iter().filter(|k| tr.msg(k) == **k).collect();
            assert!(missing.is_empty(), "{lang:?}: missing {missing:?}");
        }
    }
}
