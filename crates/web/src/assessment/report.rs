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

use super::pages::{
    Head, Opt, Sheet, assessable_node, assessment, catalog_name, catalog_of, is_date, loaded, pct, period, status_name,
    tenant_store, text,
};
use crate::AppState;
use crate::catalog::Loaded;
use crate::kit::error::{AppError, AppResult};
use crate::kit::i18n::{Lang, Tr};
use crate::kit::session::Auth;
use crate::kit::{DOCX_TYPE, Layout, XLSX_TYPE, download, object_id, render, tenant_name};

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
            priority: crate::actions::gap_priority(r.node, r.status()),
        })
        .collect();
    let today = crate::kit::dates::today().to_string();
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
        generated: crate::kit::dates::today().date(),
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
#[template(path = "assessment/dashboard.html")]
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
        for lang in [crate::kit::i18n::Lang::Nb, crate::kit::i18n::Lang::En] {
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

mod compare;
mod xlsx;
#[allow(unused_imports)]
pub use compare::*;
#[allow(unused_imports)]
pub use xlsx::*;
