//! Test data (module M9): the test-data guideline as a checklist per test
//! project. `/testdata` lists the enterprise's test projects with a short
//! introduction to the guideline; `/testdata/{id}` shows the checklist by
//! group (help text, sources, links into the catalogue, answer and note), a
//! progress bar, the decision panel with what is still missing for the
//! project's kind of data, and the decision history; `/testdata/{id}/report`
//! is the printable record of the decision.
//!
//! The rule of what is missing lives in `etterlev_core::test_projects`
//! and is enforced by the store; this module only shows it. Validation of the
//! forms lives here and is shared with the API (`api.rs`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use etterlev_core::test_projects::{
    CheckAnswer, CheckGroup, CheckKey, DataKind, Decision, Missing, MissingReason, Need,
};
use etterlev_store::{
    CheckInput, CheckUpdate, ConflictWith, DecisionInput, StoreError, TestCheck, TestDecision, TestProject,
    TestProjectInput,
};
use serde::Deserialize;

use crate::AppState;
use crate::catalog::Loaded;
use crate::kit::FieldError;
use crate::kit::error::{AppError, AppResult, url_encode};
use crate::kit::i18n::Tr;
use crate::kit::session::Auth;
use crate::kit::{Form, Layout, can_edit, form_version, object_id, query_param, render, render_status, tenant_name};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/testdata", get(list))
        .route("/testdata/new", get(new_form).post(create))
        .route("/testdata/{id}", get(detail))
        .route("/testdata/{id}/edit", get(edit_form).post(update))
        .route("/testdata/{id}/checks", post(save_check))
        .route("/testdata/{id}/decision", post(decide))
        .route("/testdata/{id}/report", get(report))
}

// ------------------------------------------------------------------ shared rules

/// The store's limits (`etterlev_store` checks them again).
pub use etterlev_store::LINE_MAX;
pub use etterlev_store::TEXT_MAX;

fn err(field: &'static str, key: &'static str, english: impl Into<String>) -> FieldError {
    FieldError {
        field,
        key,
        english: english.into(),
    }
}

/// A one-line field: `Ok(None)` when blank and optional.
fn line(raw: &str, required: bool) -> Result<Option<String>, ()> {
    let v = raw.trim();
    if v.is_empty() {
        return if required { Err(()) } else { Ok(None) };
    }
    etterlev_core::text::one_line("field", v, LINE_MAX)
        .map(Some)
        .map_err(|_| ())
}

/// A multi-line text; line breaks and tabs are the only control characters.
fn multi_line(raw: &str) -> Result<Option<String>, ()> {
    let v = raw.replace("\r\n", "\n");
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().count() > TEXT_MAX || v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(());
    }
    Ok(Some(v.to_string()))
}

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> String {
    all.iter().map(|v| name(*v)).collect::<Vec<_>>().join(", ")
}

/// The fields of a test project as typed (form or JSON), before checking.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawProject {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub system_name: String,
    #[serde(default)]
    pub environment: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub supplier: String,
    #[serde(default)]
    pub data_kind: String,
    #[serde(default)]
    pub delete_by: String,
}

impl RawProject {
    pub fn of(p: &TestProject) -> Self {
        RawProject {
            name: p.name.clone(),
            system_name: p.system_name.clone(),
            environment: p.environment.clone().unwrap_or_default(),
            purpose: p.purpose.clone().unwrap_or_default(),
            owner: p.owner.clone().unwrap_or_default(),
            supplier: p.supplier.clone().unwrap_or_default(),
            data_kind: p.data_kind.as_str().into(),
            delete_by: p.delete_by.clone().unwrap_or_default(),
        }
    }
}

/// Checks every field and returns the input for the store, or every problem.
pub fn check_project(raw: &RawProject) -> Result<TestProjectInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut one = |field: &'static str, key: &'static str, value: &str, required: bool| {
        line(value, required)
            .map_err(|()| {
                errors.push(err(
                    field,
                    key,
                    format!(
                        "{field} must be one line of at most {LINE_MAX} characters{}",
                        if required { " and not empty" } else { "" }
                    ),
                ))
            })
            .ok()
            .flatten()
    };
    let name = one("name", "testdata-error-name", &raw.name, true);
    let system_name = one("system_name", "testdata-error-system", &raw.system_name, true);
    let environment = one("environment", "testdata-error-line", &raw.environment, false);
    let owner = one("owner", "testdata-error-line", &raw.owner, false);
    let supplier = one("supplier", "testdata-error-line", &raw.supplier, false);
    let purpose = multi_line(&raw.purpose)
        .map_err(|()| {
            errors.push(err(
                "purpose",
                "testdata-error-text",
                format!("purpose must be at most {TEXT_MAX} characters of text"),
            ))
        })
        .ok()
        .flatten();
    let data_kind = DataKind::parse(raw.data_kind.trim());
    if data_kind.is_none() {
        errors.push(err(
            "data_kind",
            "testdata-error-kind",
            format!("data_kind must be one of {}", names(DataKind::ALL, DataKind::as_str)),
        ));
    }
    let delete_by = crate::kit::date(&raw.delete_by)
        .map_err(|()| {
            errors.push(err(
                "delete_by",
                "testdata-error-date",
                format!("delete_by must be a date YYYY-MM-DD, not {:?}", raw.delete_by.trim()),
            ))
        })
        .ok()
        .flatten();
    match (name, system_name, data_kind) {
        (Some(name), Some(system_name), Some(data_kind)) if errors.is_empty() => Ok(TestProjectInput {
            name,
            system_name,
            environment,
            purpose,
            owner,
            supplier,
            data_kind,
            delete_by,
        }),
        _ => Err(errors),
    }
}

/// A check key as typed: unknown keys are named in the message.
pub fn parse_key(raw: &str) -> Result<CheckKey, FieldError> {
    CheckKey::parse(raw.trim()).ok_or_else(|| {
        err(
            "key",
            "testdata-error-key",
            format!(
                "unknown check key {:?}; use one of {}",
                raw.trim().chars().take(60).collect::<String>(),
                names(CheckKey::ALL, CheckKey::as_str)
            ),
        )
    })
}

/// One answer as typed.
pub fn check_answer(key: CheckKey, answer: &str, note: &str) -> Result<CheckInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let answer = CheckAnswer::parse(answer.trim());
    if answer.is_none() {
        errors.push(err(
            "answer",
            "testdata-error-answer",
            format!(
                "{key}: answer must be one of {}",
                names(CheckAnswer::ALL, CheckAnswer::as_str)
            ),
        ));
    }
    let note = multi_line(note)
        .map_err(|()| {
            errors.push(err(
                "note",
                "testdata-error-text",
                format!("{key}: note must be at most {TEXT_MAX} characters of text"),
            ))
        })
        .ok()
        .flatten();
    match answer {
        Some(answer) if errors.is_empty() => Ok(CheckInput { answer, note }),
        _ => Err(errors),
    }
}

/// The fields of a decision as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawDecision {
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub conditions: String,
    #[serde(default)]
    pub review_by: String,
}

pub fn check_decision(raw: &RawDecision) -> Result<DecisionInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let decision = Decision::parse(raw.decision.trim());
    if decision.is_none() {
        errors.push(err(
            "decision",
            "testdata-error-decision",
            format!("decision must be one of {}", names(Decision::ALL, Decision::as_str)),
        ));
    }
    let text = |errors: &mut Vec<FieldError>, field: &'static str, v: &str| {
        multi_line(v)
            .map_err(|()| {
                errors.push(err(
                    field,
                    "testdata-error-text",
                    format!("{field} must be at most {TEXT_MAX} characters of text"),
                ))
            })
            .ok()
            .flatten()
    };
    let reason = text(&mut errors, "reason", &raw.reason);
    if reason.is_none() && !errors.iter().any(|e| e.field == "reason") {
        errors.push(err("reason", "testdata-error-reason", "reason must not be empty"));
    }
    let conditions = text(&mut errors, "conditions", &raw.conditions);
    if decision == Some(Decision::ApprovedWithConditions) && conditions.is_none() {
        errors.push(err(
            "conditions",
            "testdata-error-conditions",
            "conditions must be given for approved_with_conditions",
        ));
    }
    let review_by = crate::kit::date(&raw.review_by)
        .map_err(|()| {
            errors.push(err(
                "review_by",
                "testdata-error-date",
                format!("review_by must be a date YYYY-MM-DD, not {:?}", raw.review_by.trim()),
            ))
        })
        .ok()
        .flatten();
    match (decision, reason) {
        (Some(decision), Some(reason)) if errors.is_empty() => Ok(DecisionInput {
            decision,
            reason,
            conditions,
            review_by,
        }),
        _ => Err(errors),
    }
}

// ------------------------------------------------------------------ words

/// Message keys made from machine names; `dynamic_keys_exist` checks them.
pub fn kind_label(tr: &Tr, k: DataKind) -> String {
    tr.msg(&format!("testdata-kind-{}", k.as_str()))
}

pub fn decision_label(tr: &Tr, d: Decision) -> String {
    tr.msg(&format!("testdata-decision-{}", d.as_str()))
}

pub fn answer_label(tr: &Tr, a: CheckAnswer) -> String {
    tr.msg(&format!("testdata-answer-{}", a.as_str()))
}

pub fn check_title(tr: &Tr, k: CheckKey) -> String {
    tr.msg(&format!("testdata-check-{}", k.as_str()))
}

fn check_help(tr: &Tr, k: CheckKey) -> String {
    tr.msg(&format!("testdata-check-{}-help", k.as_str()))
}

fn need_label(tr: &Tr, n: Need) -> String {
    tr.msg(&format!("testdata-need-{}", n.as_str()))
}

fn reason_label(tr: &Tr, r: MissingReason) -> String {
    tr.msg(&format!("testdata-missing-{}", r.as_str()))
}

fn group_label(tr: &Tr, g: CheckGroup) -> String {
    tr.msg(&format!("testdata-group-{}", g.as_str()))
}

/// `YYYY-MM-DD` as `dd.mm.yyyy`, through the one date helper.
pub use crate::kit::i18n::format_date as show_date;

fn show_date_opt(d: &Option<String>) -> String {
    d.as_deref().map(show_date).unwrap_or_default()
}

// ------------------------------------------------------------------ views

pub struct Opt {
    pub value: &'static str,
    pub label: String,
    pub help: String,
    pub selected: bool,
}

fn kind_options(tr: &Tr, chosen: &str) -> Vec<Opt> {
    DataKind::ALL
        .iter()
        .map(|k| Opt {
            value: k.as_str(),
            label: kind_label(tr, *k),
            help: tr.msg(&format!("testdata-kind-{}-help", k.as_str())),
            selected: k.as_str() == chosen,
        })
        .collect()
}

struct Row {
    id: String,
    name: String,
    system: String,
    kind: String,
    decision: Option<&'static str>,
    decision_label: String,
    done: usize,
    required: usize,
    percent: usize,
}

#[derive(Template)]
#[template(path = "test_projects/list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Row>,
    can_edit: bool,
}

async fn list(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let projects = ts.test_projects().await?;
    let checks = ts.all_test_checks().await?;
    let l = Layout::for_user(&auth);
    let tr = l.tr;
    let rows = projects
        .iter()
        .map(|p| {
            let progress = p.progress(checks.get(&p.id).map(Vec::as_slice).unwrap_or(&[]));
            Row {
                id: p.id.clone(),
                name: p.name.clone(),
                system: p.system_name.clone(),
                kind: kind_label(&tr, p.data_kind),
                decision: p.decision.map(Decision::as_str),
                decision_label: p
                    .decision
                    .map_or_else(|| tr.msg("testdata-undecided"), |d| decision_label(&tr, d)),
                done: progress.done,
                required: progress.required,
                percent: progress.percent(),
            }
        })
        .collect();
    Ok(render(&ListPage {
        can_edit: can_edit(&auth),
        l,
        rows,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::i18n::Lang;

    #[test]
    fn checks_project_fields() {
        let raw = RawProject {
            name: " EPJ 24.1 ".into(),
            system_name: "DIPS".into(),
            data_kind: "real".into(),
            delete_by: "2026-12-31".into(),
            purpose: "Linje 1\r\nLinje 2".into(),
            ..RawProject::default()
        };
        let ok = check_project(&raw).expect("valid");
        assert_eq!((ok.name.as_str(), ok.data_kind), ("EPJ 24.1", DataKind::Real));
        assert_eq!(ok.purpose.as_deref(), Some("Linje 1\nLinje 2"));
        let fields = |r: RawProject| -> Vec<&'static str> {
            check_project(&r)
                .expect_err("invalid")
                .iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(
            fields(RawProject {
                name: String::new(),
                data_kind: "fake".into(),
                delete_by: "2026-02-30".into(),
                ..raw.clone()
            }),
            ["name", "data_kind", "delete_by"]
        );
        assert_eq!(
            fields(RawProject {
                owner: "x".repeat(LINE_MAX + 1),
                ..raw
            }),
            ["owner"]
        );
    }

    #[test]
    fn checks_answers_and_decisions() {
        assert!(parse_key("logging").is_ok());
        assert!(parse_key("colour").expect_err("unknown").english.contains("colour"));
        assert!(check_answer(CheckKey::Logging, "yes", "").is_ok());
        assert_eq!(
            check_answer(CheckKey::Logging, "maybe", "").expect_err("bad")[0].field,
            "answer"
        );
        let d = |decision: &str, reason: &str, conditions: &str| RawDecision {
            decision: decision.into(),
            reason: reason.into(),
            conditions: conditions.into(),
            review_by: String::new(),
        };
        assert!(check_decision(&d("approved", "ok", "")).is_ok());
        let fields = |r: RawDecision| -> Vec<&'static str> {
            check_decision(&r).expect_err("bad").iter().map(|e| e.field).collect()
        };
        assert_eq!(fields(d("approved_with_conditions", "ok", " ")), ["conditions"]);
        assert_eq!(fields(d("maybe", "", "")), ["decision", "reason"]);
        assert_eq!(show_date("2026-03-01"), "01.03.2026");
    }

    #[test]
    fn dynamic_keys_exist() {
        for lang in [Lang::Nb, Lang::En] {
            let tr = Tr::new(lang);
            let mut keys: Vec<String> = NOTICES.iter().map(|n| n.to_string()).collect();
            for k in CheckKey::ALL {
                keys.push(format!("testdata-check-{}", k.as_str()));
                keys.push(format!("testdata-check-{}-help", k.as_str()));
            }
            keys.extend(DataKind::ALL.iter().flat_map(|k| {
                [
                    format!("testdata-kind-{}", k.as_str()),
                    format!("testdata-kind-{}-help", k.as_str()),
                ]
            }));
            keys.extend(
                Decision::ALL
                    .iter()
                    .map(|d| format!("testdata-decision-{}", d.as_str())),
            );
            keys.extend(
                CheckAnswer::ALL
                    .iter()
                    .map(|a| format!("testdata-answer-{}", a.as_str())),
            );
            keys.extend(Need::ALL.iter().map(|n| format!("testdata-need-{}", n.as_str())));
            keys.extend(
                MissingReason::ALL
                    .iter()
                    .map(|r| format!("testdata-missing-{}", r.as_str())),
            );
            keys.extend(CheckGroup::ALL.iter().map(|g| format!("testdata-group-{}", g.as_str())));
            keys.extend(
                etterlev_core::test_projects::SourceDocument::ALL
                    .iter()
                    .map(|d| format!("testdata-doc-{}", d.as_str())),
            );
            let missing: Vec<_> = keys.iter().filter(|k| tr.msg(k) == **k).collect();
            assert!(missing.is_empty(), "{lang:?}: missing {missing:?}");
        }
    }
}

mod checklist;
mod form;
mod record;
#[allow(unused_imports)]
pub use checklist::*;
#[allow(unused_imports)]
pub use form::*;
#[allow(unused_imports)]
pub use record::*;
