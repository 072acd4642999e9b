//! Self-assessments: the list with the new-assessment form, and
//! one assessment's requirements grouped by chapter with scores.
//!
//! The answer form and evidence live in `answer.rs`; dashboard,
//! comparison, reports and the .xlsx round trip in `report.rs`.
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

use super::answer;
use super::report;
use crate::AppState;
use crate::catalog::Loaded;
use crate::kit::error::{AppError, AppResult};
use crate::kit::i18n::Tr;
use crate::kit::session::Auth;
use crate::kit::{Form, Layout, field, object_id, render_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assessments", get(list).post(create))
        .route("/assessments/compare", get(report::compare))
        .route("/assessments/{id}", get(detail))
        .route("/assessments/{id}/close", post(close))
        .route("/assessments/{id}/req/{node_id}", get(answer::form).post(answer::save))
        .route("/assessments/{id}/req/{node_id}/evidence", upload_route())
        .route("/assessments/{id}/req/{node_id}/link", post(answer::add_link))
        .route("/assessments/{id}/req/{node_id}/measures", post(answer::cite_measure))
        .route("/assessments/{id}/evidence/{evidence_id}", get(answer::download))
        .route("/assessments/{id}/evidence/{evidence_id}/delete", delete_route())
        .route(
            "/assessments/{id}/evidence/{evidence_id}/valid-until",
            post(answer::set_valid_until),
        )
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

pub(crate) use crate::kit::dates::is_date;
pub(crate) use crate::kit::labels::{maturity_name, status_name};
pub(crate) use crate::kit::text;

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
            s.as_deref().map(crate::kit::i18n::format_date).unwrap_or_default(),
            e.as_deref().map(crate::kit::i18n::format_date).unwrap_or_default()
        )),
    }
}

/// "Normen (6.0)".
pub(crate) fn catalog_name(loaded: &Loaded, key: &str, tr: &Tr) -> String {
    loaded
        .catalog(key)
        .map_or_else(|| key.to_owned(), |c| format!("{} ({})", text(&c.title, tr), c.version))
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
    if !crate::catalog::is_slug(node_id) {
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
#[template(path = "assessment/list.html")]
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
    let profile = crate::accounts::enterprise_profile(state, auth).await?.map(|(p, _)| p);
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
        Err(StoreError::Invalid(m)) => list_page(&state, &auth, Some(f), vec![tr.refused(&m)]).await,
        Err(StoreError::NotFound) => list_page(&state, &auth, Some(f), vec![tr.msg("assessment-error-previous")]).await,
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::i18n::Lang;

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

mod detail;
#[allow(unused_imports)]
pub use detail::*;
