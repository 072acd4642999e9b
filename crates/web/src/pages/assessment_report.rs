//! An assessment's dashboard (SVG charts, open and overdue actions), the
//! side-by-side comparison of two assessments, the management report
//! (printable HTML and .docx) and the .xlsx round trip of answers.
//!
//! The .xlsx import is all or nothing: the sheet is parsed, every row's
//! requirement id checked against the assessment's catalogue version, and
//! only when no row is bad are the changed rows saved, in one transaction.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use etterlev_catalog::Catalog;
use etterlev_core::assessment::is_overdue;
use etterlev_core::{AnswerStatus, Maturity, ScoredAnswer};
use etterlev_reports::{
    ActionRow, AnswerRow, ChapterRow, CheckedWorkbook, EvidenceRow, GapRow, ManagementReport, TrendPoint,
};
use etterlev_store::{Answer, AnswerInput, Assessment, TenantStore};

use super::assessment::{
    Head, Opt, Sheet, assessable_node, assessment, catalog_name, catalog_of, is_date, loaded, pct, period, status_name,
    tenant_store, text, today,
};
use super::{DOCX_TYPE, Layout, XLSX_TYPE, download, object_id, render, tenant_name};
use crate::AppState;
use crate::catalogs::Loaded;
use crate::error::{AppError, AppResult};
use crate::i18n::{Lang, Tr};
use crate::session::Auth;

/// The largest .xlsx accepted for import (an export of 500 answers is far
/// below 1 MiB).
pub const IMPORT_MAX_BYTES: usize = 5 * 1024 * 1024;
pub const IMPORT_BODY_MAX: usize = IMPORT_MAX_BYTES + 64 * 1024;
/// At most this many row errors are listed.
const MAX_ERRORS_SHOWN: usize = 50;

/// The printable report is a page of its own with inline CSS and inline SVG:
/// it may style itself and nothing else (no scripts, no requests).
const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; \
                          form-action 'none'; frame-ancestors 'none'";

pub(crate) fn report_lang(lang: Lang) -> etterlev_reports::Lang {
    match lang {
        Lang::Nb => etterlev_reports::Lang::Nb,
        Lang::En => etterlev_reports::Lang::En,
    }
}

// ------------------------------------------------------------------ gathering

fn chapter_rows(sheet: &Sheet<'_>, tr: &Tr) -> Vec<ChapterRow> {
    sheet
        .chapters
        .iter()
        .map(|c| ChapterRow {
            label: c.label().to_owned(),
            title: text(&c.title, tr),
            score: sheet.chapter_score(&c.id),
        })
        .collect()
}

/// Applicable requirements per maturity level per chapter; unrated counts
/// as level 0 (as in the score), not applicable ones are left out.
fn maturity_levels(sheet: &Sheet<'_>, tr: &Tr) -> Vec<(String, [u32; 6])> {
    sheet
        .chapters
        .iter()
        .map(|c| {
            let mut counts = [0u32; 6];
            for r in sheet.rows_of(&c.id) {
                if r.status() == AnswerStatus::NotApplicable {
                    continue;
                }
                let level = usize::from(r.maturity().map_or(0, Maturity::level)).min(5);
                counts[level] += 1;
            }
            (format!("{} {}", c.label(), text(&c.title, tr)), counts)
        })
        .collect()
}

/// This tenant's assessments of the same catalogue (any version) up to and
/// including this one, oldest first, with their overall scores.
async fn trend(ts: &TenantStore<'_>, a: &Assessment, loaded: &Loaded) -> AppResult<Vec<TrendPoint>> {
    let family = a
        .catalog_key
        .split_once('@')
        .map_or(a.catalog_key.as_str(), |(id, _)| id);
    let mut earlier: Vec<Assessment> = ts
        .list_assessments()
        .await?
        .into_iter()
        .filter(|o| o.catalog_key.split_once('@').is_some_and(|(id, _)| id == family))
        .filter(|o| (o.created_at, &o.id) <= (a.created_at, &a.id))
        .collect();
    earlier.sort_by(|x, y| (x.created_at, &x.id).cmp(&(y.created_at, &y.id)));
    // One query for all of them: a trend over ten assessments must not cost
    // ten round trips of full answers.
    let ids: Vec<String> = earlier.iter().map(|o| o.id.clone()).collect();
    let mut by_assessment: HashMap<String, HashMap<String, (AnswerStatus, Option<Maturity>)>> = HashMap::new();
    for row in ts.answer_statuses(&ids).await? {
        by_assessment
            .entry(row.assessment_id)
            .or_default()
            .insert(row.node_id, (row.status, row.maturity));
    }
    // Which requirements apply depends only on catalogue and profile, which
    // successive assessments usually share.
    let mut applicable: HashMap<(String, String), Vec<String>> = HashMap::new();
    let mut points = Vec::with_capacity(earlier.len());
    for o in &earlier {
        let Some(catalog) = loaded.catalog(&o.catalog_key) else {
            continue;
        };
        let profile_key = serde_json::to_string(&o.profile).unwrap_or_default();
        let nodes = applicable
            .entry((o.catalog_key.clone(), profile_key))
            .or_insert_with(|| {
                etterlev_catalog::filter(catalog, &o.profile.to_profile())
                    .applicable
                    .iter()
                    .map(|n| n.id.clone())
                    .collect()
            });
        let answers = by_assessment.get(&o.id);
        let scored: Vec<ScoredAnswer> = nodes
            .iter()
            .map(|id| {
                let (status, maturity) = answers
                    .and_then(|m| m.get(id))
                    .copied()
                    .unwrap_or((AnswerStatus::NotStarted, None));
                // The overall score does not look at chapters.
                ScoredAnswer {
                    chapter: String::new(),
                    status,
                    maturity,
                }
            })
            .collect();
        let overall = etterlev_core::assessment::score(&scored).overall;
        points.push(TrendPoint {
            label: o.title.clone(),
            compliance: overall.compliance,
            maturity: overall.maturity,
        });
    }
    Ok(points)
}

/// Everything the dashboard and the management report show.
async fn gather(
    ts: &TenantStore<'_>,
    auth: &Auth,
    a: &Assessment,
    loaded: &Loaded,
    tr: &Tr,
) -> AppResult<ManagementReport> {
    let catalog = catalog_of(loaded, a)?;
    let answers = ts.answers(&a.id).await?;
    let sheet = Sheet::new(catalog, &a.profile, &answers);
    let label_of = |id: &str| catalog.node(id).map_or_else(|| id.to_owned(), |n| n.label().to_owned());
    let gaps = sheet
        .rows
        .iter()
        .filter(|r| r.status().is_gap())
        .map(|r| GapRow {
            label: r.node.label().to_owned(),
            title: text(&r.node.title, tr),
            status: r.status(),
            owner: r.answer.and_then(|x| x.owner.clone()),
            due: r.answer.and_then(|x| x.due_date.clone()),
            priority: super::actions::gap_priority(r.node, r.status()),
        })
        .collect();
    let today = today().to_string();
    let actions = ts
        .actions(Some(&a.id))
        .await?
        .into_iter()
        .map(|x| ActionRow {
            overdue: is_overdue(x.status, x.deadline.as_deref(), &today),
            requirement: x.node_id.as_deref().map(label_of),
            title: x.title,
            owner: x.owner,
            deadline: x.deadline,
            priority: x.priority,
            status: x.status,
        })
        .collect();
    let evidence = ts
        .evidence(&a.id)
        .await?
        .into_iter()
        .map(|e| EvidenceRow {
            requirement: label_of(&e.node_id),
            name: e.filename.clone().or_else(|| e.url.clone()).unwrap_or_default(),
            sha256: e.sha256,
            url: e.url,
        })
        .collect();
    Ok(ManagementReport {
        tenant: tenant_name(auth),
        title: a.title.clone(),
        catalog: catalog_name(loaded, &a.catalog_key, tr),
        period: period(a),
        generated: super::assessment::today(),
        overall: sheet.scores.overall,
        chapters: chapter_rows(&sheet, tr),
        maturity_levels: maturity_levels(&sheet, tr),
        gaps,
        actions,
        evidence,
        trend: trend(ts, a, loaded).await?,
    })
}

// ------------------------------------------------------------------ dashboard

#[derive(Template)]
#[template(path = "assessment_dashboard.html")]
struct DashboardPage {
    l: Layout,
    a: Head,
    compliance: String,
    maturity: String,
    gaps: usize,
    open_actions: usize,
    overdue_actions: usize,
    bars: String,
    heatmap: String,
    trend: Option<String>,
}

pub async fn dashboard(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a = assessment(&ts, &id).await?;
    let loaded = loaded(&state).await?;
    let l = Layout::for_user(&auth);
    let tr = l.tr;
    let r = gather(&ts, &auth, &a, &loaded, &tr).await?;
    let lang = report_lang(tr.lang);
    Ok(render(&DashboardPage {
        a: Head::new(&a, &loaded, &tr),
        compliance: pct(r.overall.compliance),
        maturity: pct(r.overall.maturity),
        gaps: r.gaps.len(),
        open_actions: r.actions.iter().filter(|x| !x.status.is_closed()).count(),
        overdue_actions: r.actions.iter().filter(|x| x.overdue).count(),
        bars: etterlev_reports::charts::chapter_bars(&r.chapters, lang),
        heatmap: etterlev_reports::charts::maturity_heatmap(&r.maturity_levels, lang),
        trend: (r.trend.len() >= 2).then(|| etterlev_reports::charts::trend_line(&r.trend, lang)),
        l,
    }))
}

// ------------------------------------------------------------------ reports

/// A file name from the assessment's title: letters, digits and dashes.
fn file_stem(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        match c {
            'æ' => out.push_str("ae"),
            'ø' => out.push('o'),
            'å' => out.push('a'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ if out.is_empty() || out.ends_with('-') => {}
            _ => out.push('-'),
        }
        if out.len() >= 60 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "assessment".into() } else { out }
}

pub async fn report_html(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a = assessment(&ts, &id).await?;
    let loaded = loaded(&state).await?;
    let tr = Layout::for_user(&auth).tr;
    let r = gather(&ts, &auth, &a, &loaded, &tr).await?;
    let html = etterlev_reports::management_html(&r, report_lang(tr.lang));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(REPORT_CSP)),
        ],
        html,
    )
        .into_response())
}

pub async fn report_docx(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a = assessment(&ts, &id).await?;
    let loaded = loaded(&state).await?;
    let tr = Layout::for_user(&auth).tr;
    let r = gather(&ts, &auth, &a, &loaded, &tr).await?;
    let lang = report_lang(tr.lang);
    let bytes = tokio::task::spawn_blocking(move || etterlev_reports::management_docx(&r, lang))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(DOCX_TYPE, &format!("{}.docx", file_stem(&a.title)), bytes))
}

// ------------------------------------------------------------------ .xlsx round trip

/// The rows of the export: every applicable requirement (unanswered ones as
/// not started), then answers to requirements the profile leaves out.
fn answer_rows(catalog: &Catalog, sheet: &Sheet<'_>, answers: &[Answer], tr: &Tr) -> Vec<AnswerRow> {
    let row = |node: &etterlev_catalog::Node, a: Option<&Answer>| AnswerRow {
        node_id: node.id.clone(),
        label: node.label().to_owned(),
        title: text(&node.title, tr),
        status: a.map_or(AnswerStatus::NotStarted, |a| a.status),
        maturity: a.and_then(|a| a.maturity),
        owner: a.and_then(|a| a.owner.clone()),
        due_date: a.and_then(|a| a.due_date.clone()),
        comment: a.and_then(|a| a.comment.clone()),
        na_reason: a.and_then(|a| a.na_reason.clone()),
    };
    let mut rows: Vec<AnswerRow> = sheet.rows.iter().map(|r| row(r.node, r.answer)).collect();
    let listed: HashSet<&str> = sheet.rows.iter().map(|r| r.node.id.as_str()).collect();
    for a in answers {
        if !listed.contains(a.node_id.as_str())
            && let Some(node) = catalog.node(&a.node_id)
        {
            rows.push(row(node, Some(a)));
        }
    }
    rows
}

pub async fn export_xlsx(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a = assessment(&ts, &id).await?;
    let loaded = loaded(&state).await?;
    let catalog = catalog_of(&loaded, &a)?;
    let tr = Layout::for_user(&auth).tr;
    let answers = ts.answers(&a.id).await?;
    let sheet = Sheet::new(catalog, &a.profile, &answers);
    let rows = answer_rows(catalog, &sheet, &answers, &tr);
    let bytes = etterlev_reports::answers_xlsx(&a.catalog_key, &a.title, &rows, report_lang(tr.lang))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(XLSX_TYPE, &answers_file_name(&a.title, &tr), bytes))
}

/// "egenvurdering-<title>-svar.xlsx" in bokmål, "assessment-<title>-answers.xlsx"
/// in English; the prefix is not repeated when the title starts with it
/// ("Egenvurdering 2026" gives "egenvurdering-2026-svar.xlsx").
fn answers_file_name(title: &str, tr: &Tr) -> String {
    let prefix = tr.msg("answers-xlsx-prefix");
    let suffix = tr.msg("answers-xlsx-suffix");
    let stem = file_stem(title);
    if stem == "assessment" || stem == prefix {
        // No usable title (file_stem's fallback), or the word alone.
        format!("{prefix}-{suffix}.xlsx")
    } else if stem.starts_with(&format!("{prefix}-")) {
        format!("{stem}-{suffix}.xlsx")
    } else {
        format!("{prefix}-{stem}-{suffix}.xlsx")
    }
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Whether an imported row says something else than what is stored (an
/// unanswered requirement is "not started" with nothing filled in).
fn differs(row: &AnswerRow, stored: Option<&Answer>) -> bool {
    match stored {
        None => {
            row.status != AnswerStatus::NotStarted
                || row.maturity.is_some()
                || blank(&row.owner).is_some()
                || blank(&row.due_date).is_some()
                || blank(&row.comment).is_some()
                || blank(&row.na_reason).is_some()
        }
        Some(a) => {
            row.status != a.status
                || row.maturity != a.maturity
                || blank(&row.owner) != blank(&a.owner)
                || blank(&row.due_date) != blank(&a.due_date)
                || blank(&row.comment) != blank(&a.comment)
                || (row.status == AnswerStatus::NotApplicable && blank(&row.na_reason) != blank(&a.na_reason))
        }
    }
}

/// Checks parsed rows against the catalogue: every id a requirement or
/// recommendation of this version, none twice, a reason for "not
/// applicable", dates real. `row_of` names a requirement's sheet row for the
/// messages. Returns the changed rows or every problem.
pub(crate) fn check_rows(
    tr: &Tr,
    catalog: &Catalog,
    rows: Vec<AnswerRow>,
    answers: &[Answer],
    row_of: &dyn Fn(&str) -> Option<u32>,
) -> Result<Vec<(String, AnswerInput)>, Vec<String>> {
    let stored: HashMap<&str, &Answer> = answers.iter().map(|a| (a.node_id.as_str(), a)).collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    let catalog_key = catalog.key();
    for r in rows {
        let id = r.node_id.trim().to_owned();
        let row = row_of(&id).map_or_else(|| "?".to_owned(), |n| n.to_string());
        let err = |msg: String| tr.msg_with("import-row-error", &[("row", row.clone()), ("message", msg)]);
        if assessable_node(catalog, &id).is_none() {
            errors.push(err(tr.msg_with(
                "import-unknown-id",
                &[("id", id.clone()), ("catalog", catalog_key.clone())],
            )));
            continue;
        }
        if !seen.insert(id.clone()) {
            errors.push(err(tr.msg_with("import-duplicate-id", &[("id", id.clone())])));
            continue;
        }
        if r.status == AnswerStatus::NotApplicable && blank(&r.na_reason).is_none() {
            errors.push(err(tr.msg("answer-error-na-reason")));
            continue;
        }
        if blank(&r.due_date).is_some_and(|d| !is_date(d)) {
            errors.push(err(
                tr.msg_with("assessment-error-date", &[("field", tr.msg("answer-field-due"))])
            ));
            continue;
        }
        let before = stored.get(id.as_str()).copied();
        if differs(&r, before) {
            let na = r.status == AnswerStatus::NotApplicable;
            changed.push((
                id,
                AnswerInput {
                    status: r.status,
                    maturity: r.maturity,
                    owner: blank(&r.owner).map(str::to_owned),
                    due_date: blank(&r.due_date).map(str::to_owned),
                    comment: blank(&r.comment).map(str::to_owned),
                    na_reason: if na {
                        blank(&r.na_reason).map(str::to_owned)
                    } else {
                        None
                    },
                    wizard_answer: before.and_then(|a| a.wizard_answer),
                },
            ));
        }
    }
    if errors.is_empty() { Ok(changed) } else { Err(errors) }
}

/// The sheet rows (1-based, as Excel shows them) of the given requirement
/// ids: where each first appears in the column headed `node_id` of the
/// answers sheet (any column if there is no such header). Only used to word
/// messages, so a file it cannot read just gives no numbers.
fn row_numbers(workbook: &CheckedWorkbook, ids: &HashSet<&str>) -> HashMap<String, u32> {
    use calamine::Reader;
    let mut found = HashMap::new();
    let Ok(mut book) = workbook.open() else {
        return found;
    };
    let names = book.sheet_names();
    let Some(sheet) = names
        .iter()
        .find(|n| ["svar", "answers"].iter().any(|s| n.eq_ignore_ascii_case(s)))
        .or_else(|| names.iter().find(|n| !n.eq_ignore_ascii_case("meta")))
        .cloned()
    else {
        return found;
    };
    let Ok(mut cells) = book.worksheet_cells_reader(&sheet) else {
        return found;
    };
    let mut id_column: Option<u32> = None;
    let mut candidates: Vec<(u32, u32, String)> = Vec::new();
    while let Ok(Some(cell)) = cells.next_cell() {
        let (row, col) = cell.get_position();
        let text = match cell.get_value() {
            calamine::DataRef::String(s) => s.trim().to_owned(),
            calamine::DataRef::SharedString(s) => s.trim().to_owned(),
            calamine::DataRef::Int(i) => i.to_string(),
            calamine::DataRef::Float(f) => f.to_string(),
            _ => continue,
        };
        // The id column by its header: "Krav-ID", "Requirement ID" or (in
        // files of the earlier layout) "node_id".
        if id_column.is_none() && row < 10 && etterlev_reports::answer_column(&text) == Some("node_id") {
            id_column = Some(col);
        }
        if ids.contains(text.as_str()) {
            candidates.push((row, col, text));
        }
        if candidates.len() > 10_000 {
            break;
        }
    }
    for (row, col, text) in candidates {
        if id_column.is_none_or(|c| c == col) {
            found.entry(text).or_insert(row.saturating_add(1));
        }
    }
    found
}

pub async fn import_xlsx(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a = assessment(&ts, &id).await?;
    if !super::assessment::can_edit(ts.scope()) {
        return Err(AppError::Forbidden);
    }
    let loaded = loaded(&state).await?;
    let catalog = catalog_of(&loaded, &a)?;
    let tr = Layout::for_user(&auth).tr;
    let mut mp = mp.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let mut file: Option<Vec<u8>> = None;
    let mut too_large = false;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                too_large = true;
                break;
            }
            Err(e) => return Err(AppError::BadRequest(e.body_text())),
        };
        if field.name() == Some("file") && file.is_none() {
            match field.bytes().await {
                Ok(b) => file = Some(b.to_vec()),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    too_large = true;
                    break;
                }
                Err(e) => return Err(AppError::BadRequest(e.body_text())),
            }
        }
    }
    let refuse = |errors: Vec<String>| super::assessment::detail_page(&state, &auth, &a.id, None, errors, "");
    if too_large || file.as_ref().is_some_and(|f| f.len() > IMPORT_MAX_BYTES) {
        let max = (IMPORT_MAX_BYTES / (1024 * 1024)).to_string();
        return refuse(vec![tr.msg_with("evidence-error-too-large", &[("max", max)])]).await;
    }
    let Some(bytes) = file.filter(|f| !f.is_empty()) else {
        return refuse(vec![tr.msg("import-no-file")]).await;
    };
    // The expansion is checked once, before anything opens the file; the
    // checked workbook is what the parser and the row numbers read.
    let lang = report_lang(tr.lang);
    let checked = tokio::task::spawn_blocking(move || {
        CheckedWorkbook::check(bytes)
            .map_err(|e| vec![etterlev_reports::workbook_refusal(e, lang)])
            .and_then(|workbook| {
                let parsed = etterlev_reports::parse_checked_answers(&workbook);
                parsed.map(|rows| (workbook, rows))
            })
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let (workbook, rows) = match checked {
        Ok(checked) => checked,
        Err(errors) => {
            let mut shown: Vec<String> = errors
                .iter()
                .take(MAX_ERRORS_SHOWN)
                .map(|e| {
                    // The column as its header reads in the user's language.
                    let message = match &e.column {
                        Some(c) => format!(
                            "{}: {}",
                            etterlev_reports::answer_column_name(c, report_lang(tr.lang)),
                            e.message
                        ),
                        None => e.message.clone(),
                    };
                    if e.row == 0 {
                        message
                    } else {
                        tr.msg_with("import-row-error", &[("row", e.row.to_string()), ("message", message)])
                    }
                })
                .collect();
            if errors.len() > MAX_ERRORS_SHOWN {
                shown.push(tr.msg_with(
                    "import-more-errors",
                    &[("count", (errors.len() - MAX_ERRORS_SHOWN).to_string())],
                ));
            }
            return refuse(shown).await;
        }
    };
    let answers = ts.answers(&a.id).await?;
    // Row numbers are looked up only for requirements that are wrong.
    let unknown: HashSet<&str> = rows
        .iter()
        .map(|r| r.node_id.trim())
        .filter(|id| assessable_node(catalog, id).is_none())
        .collect();
    let numbers = if unknown.is_empty() {
        HashMap::new()
    } else {
        row_numbers(&workbook, &unknown)
    };
    let row_of = |id: &str| numbers.get(id).copied();
    let changed = match check_rows(&tr, catalog, rows, &answers, &row_of) {
        Ok(c) => c,
        Err(mut errors) => {
            let more = errors.len().saturating_sub(MAX_ERRORS_SHOWN);
            errors.truncate(MAX_ERRORS_SHOWN);
            if more > 0 {
                errors.push(tr.msg_with("import-more-errors", &[("count", more.to_string())]));
            }
            return refuse(errors).await;
        }
    };
    let count = if changed.is_empty() {
        0
    } else {
        match ts.save_answers(&a.id, changed).await {
            Ok(n) => n,
            Err(etterlev_store::StoreError::Invalid(m)) => return refuse(vec![auth.ctx.tr.refusal(&m)]).await,
            Err(e) => return Err(e.into()),
        }
    };
    Ok(Redirect::to(&format!("/assessments/{}?imported={count}", a.id)).into_response())
}

// ------------------------------------------------------------------ compare

struct CompareChapter {
    label: String,
    title: String,
    a: Option<String>,
    b: Option<String>,
    a_maturity: Option<String>,
    b_maturity: Option<String>,
    changed: bool,
}

struct CompareRow {
    id: String,
    label: String,
    title: String,
    a: Option<String>,
    b: Option<String>,
    a_status: &'static str,
    b_status: &'static str,
    changed: bool,
    /// What changed from the first to the second: `better`, `worse`,
    /// `other` (to or from not applicable), `added`, `removed` or `none`.
    change: &'static str,
    change_label: String,
}

struct CompareView {
    a: Head,
    b: Head,
    a_overall: String,
    b_overall: String,
    chapters: Vec<CompareChapter>,
    rows: Vec<CompareRow>,
    changed: usize,
    total: usize,
    only_changes: bool,
}

#[derive(Template)]
#[template(path = "assessment_compare.html")]
struct ComparePage {
    l: Layout,
    a_options: Vec<Opt>,
    b_options: Vec<Opt>,
    only_changes: bool,
    result: Option<CompareView>,
}

fn param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

pub async fn compare(State(state): State<AppState>, auth: Auth, RawQuery(query): RawQuery) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let loaded = loaded(&state).await?;
    let l = Layout::for_user(&auth);
    let tr = l.tr;
    let pa = param(query.as_deref(), "a");
    let pb = param(query.as_deref(), "b");
    // Anything but "1" (an old link, a typo) shows every row.
    let only_changes = param(query.as_deref(), "changes").as_deref() == Some("1");
    let all = ts.list_assessments().await?;
    let options = |chosen: &Option<String>| {
        all.iter()
            .map(|o| Opt {
                value: o.id.clone(),
                label: format!("{} – {}", o.title, catalog_name(&loaded, &o.catalog_key, &tr)),
                selected: chosen.as_deref() == Some(o.id.as_str()),
            })
            .collect::<Vec<_>>()
    };
    let result = match (&pa, &pb) {
        (Some(x), Some(y)) => {
            let a = ts.assessment(object_id(x)?).await?;
            let b = ts.assessment(object_id(y)?).await?;
            let mut view = compare_view(&ts, &loaded, &a, &b, &tr).await?;
            if only_changes {
                view.rows.retain(|r| r.changed);
                view.chapters.retain(|c| c.changed);
                view.only_changes = true;
            }
            Some(view)
        }
        (None, None) => None,
        _ => return Err(AppError::BadRequest(tr.msg("compare-choose-both"))),
    };
    Ok(render(&ComparePage {
        a_options: options(&pa),
        b_options: options(&pb),
        only_changes,
        result,
        l,
    }))
}

async fn compare_view(
    ts: &TenantStore<'_>,
    loaded: &Loaded,
    a: &Assessment,
    b: &Assessment,
    tr: &Tr,
) -> AppResult<CompareView> {
    let (ca, cb) = (catalog_of(loaded, a)?, catalog_of(loaded, b)?);
    let (answers_a, answers_b) = (ts.answers(&a.id).await?, ts.answers(&b.id).await?);
    let (sa, sb) = (
        Sheet::new(ca, &a.profile, &answers_a),
        Sheet::new(cb, &b.profile, &answers_b),
    );
    // Chapters and requirements of the newer side first, then what only
    // the other side has; matched by id.
    let mut chapters = Vec::new();
    let mut seen = HashSet::new();
    for c in sb.chapters.iter().chain(sa.chapters.iter()) {
        if !seen.insert(c.id.as_str()) {
            continue;
        }
        let score = |s: &Sheet<'_>| s.chapters.iter().any(|x| x.id == c.id).then(|| s.chapter_score(&c.id));
        let (x, y) = (score(&sa), score(&sb));
        chapters.push(CompareChapter {
            label: c.label().to_owned(),
            title: text(&c.title, tr),
            a: x.map(|s| pct(s.compliance)),
            b: y.map(|s| pct(s.compliance)),
            a_maturity: x.map(|s| pct(s.maturity)),
            b_maturity: y.map(|s| pct(s.maturity)),
            changed: x.map(|s| (s.compliance.round(), s.maturity.round()))
                != y.map(|s| (s.compliance.round(), s.maturity.round())),
        });
    }
    let status_a: HashMap<&str, AnswerStatus> = sa.rows.iter().map(|r| (r.node.id.as_str(), r.status())).collect();
    let status_b: HashMap<&str, AnswerStatus> = sb.rows.iter().map(|r| (r.node.id.as_str(), r.status())).collect();
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    for r in sb.rows.iter().chain(sa.rows.iter()) {
        let id = r.node.id.as_str();
        if !seen.insert(id) {
            continue;
        }
        let (x, y) = (status_a.get(id).copied(), status_b.get(id).copied());
        let change = change_of(x, y);
        rows.push(CompareRow {
            id: id.to_owned(),
            label: r.node.label().to_owned(),
            title: text(&r.node.title, tr),
            a: x.map(|s| status_name(tr, s)),
            b: y.map(|s| status_name(tr, s)),
            a_status: x.map_or("none", AnswerStatus::as_str),
            b_status: y.map_or("none", AnswerStatus::as_str),
            changed: x != y,
            change,
            change_label: tr.msg(&format!("compare-change-{change}")),
        });
    }
    Ok(CompareView {
        a: Head::new(a, loaded, tr),
        b: Head::new(b, loaded, tr),
        a_overall: pct(sa.scores.overall.compliance),
        b_overall: pct(sb.scores.overall.compliance),
        changed: rows.iter().filter(|r| r.changed).count(),
        total: rows.len(),
        only_changes: false,
        chapters,
        rows,
    })
}

/// How a requirement's status moved from the first assessment to the
/// second; see [`CompareRow::change`].
fn change_of(a: Option<AnswerStatus>, b: Option<AnswerStatus>) -> &'static str {
    // How far the work has come; not applicable is not on this scale.
    let rank = |s: AnswerStatus| match s {
        AnswerStatus::NotStarted => Some(0),
        AnswerStatus::Partly => Some(1),
        AnswerStatus::Implemented => Some(2),
        AnswerStatus::Verified => Some(3),
        AnswerStatus::NotApplicable => None,
    };
    match (a, b) {
        (None, Some(_)) => "added",
        (Some(_), None) => "removed",
        (None, None) => "none",
        (Some(x), Some(y)) if x == y => "none",
        (Some(x), Some(y)) => match (rank(x), rank(y)) {
            (Some(p), Some(q)) if q > p => "better",
            (Some(_), Some(_)) => "worse",
            _ => "other",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems() {
        assert_eq!(
            file_stem("Egenvurdering 2026 – Legekontoret"),
            "egenvurdering-2026-legekontoret"
        );
        assert_eq!(file_stem("Årlig gjennomgang"), "arlig-gjennomgang");
        assert_eq!(file_stem("///"), "assessment");
    }

    #[test]
    fn changes_between_assessments() {
        use AnswerStatus::*;
        assert_eq!(change_of(Some(NotStarted), Some(Partly)), "better");
        assert_eq!(change_of(Some(Verified), Some(Implemented)), "worse");
        assert_eq!(change_of(Some(Partly), Some(NotApplicable)), "other");
        assert_eq!(change_of(Some(Partly), Some(Partly)), "none");
        assert_eq!(change_of(None, Some(Partly)), "added");
        assert_eq!(change_of(Some(Partly), None), "removed");
        // The labels are looked up by a made key.
        for lang in [crate::i18n::Lang::Nb, crate::i18n::Lang::En] {
            let tr = Tr::new(lang);
            for c in ["better", "worse", "other", "added", "removed", "none"] {
                let key = format!("compare-change-{c}");
                assert_ne!(tr.msg(&key), key, "{lang:?}");
            }
        }
    }

    #[test]
    fn answers_file_names_are_in_the_users_language() {
        let nb = Tr::new(Lang::Nb);
        let en = Tr::new(Lang::En);
        assert_eq!(
            answers_file_name("Årlig gjennomgang", &nb),
            "egenvurdering-arlig-gjennomgang-svar.xlsx"
        );
        assert_eq!(
            answers_file_name("Egenvurdering 2026", &nb),
            "egenvurdering-2026-svar.xlsx"
        );
        assert_eq!(answers_file_name("///", &nb), "egenvurdering-svar.xlsx");
        assert_eq!(
            answers_file_name("Årlig gjennomgang", &en),
            "assessment-arlig-gjennomgang-answers.xlsx"
        );
        assert_eq!(
            answers_file_name("Assessment 2026", &en),
            "assessment-2026-answers.xlsx"
        );
    }

    /// Status, priority and maturity words are the same on screen (the
    /// locale files) as in the Word and Excel documents (the reports
    /// crate's labels), in both languages.
    #[test]
    fn screen_and_document_words_are_the_same() {
        use etterlev_core::{ActionStatus, Priority};
        use etterlev_reports::words;
        let mut differ = Vec::new();
        for lang in [Lang::Nb, Lang::En] {
            let tr = Tr::new(lang);
            let doc = report_lang(lang);
            let mut check = |key: String, screen: String, document: &str| {
                if screen != document {
                    differ.push(format!(
                        "{}: {key} = {screen:?} on screen, {document:?} in documents",
                        lang.code()
                    ));
                }
            };
            for &s in AnswerStatus::ALL {
                let key = format!("answer-status-{}", s.as_str());
                check(key.clone(), tr.msg(&key), words::answer_status(doc, s));
            }
            for &s in ActionStatus::ALL {
                let key = format!("action-status-{}", s.as_str());
                check(key.clone(), tr.msg(&key), words::action_status(doc, s));
            }
            for &p in Priority::ALL {
                let key = format!("action-priority-{}", p.as_str());
                check(key.clone(), tr.msg(&key), words::priority(doc, p));
            }
            for m in Maturity::all() {
                // "2 – Repeterbar: rutiner finnes …": the name is between
                // the dash and the colon.
                let key = format!("maturity-{}", m.level());
                let full = tr.msg(&key);
                let name = full
                    .split_once(" – ")
                    .map_or(full.as_str(), |(_, rest)| rest)
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                check(key, name, words::maturity(doc, m));
            }
        }
        assert!(differ.is_empty(), "{differ:#?}");
    }
}
