//! The tenant's audit log (admins and auditors).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use etterlev_core::AuditRecord;
use serde::Deserialize;

use super::{Layout, render};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::session::Auth;

const PAGE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(list))
        .route("/audit/{seq}", get(entry))
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Layout,
    entries: Vec<AuditRecord>,
    older: Option<i64>,
}

#[derive(Deserialize)]
struct PageQuery {
    before: Option<i64>,
}

async fn list(State(state): State<AppState>, auth: Auth, Query(q): Query<PageQuery>) -> AppResult<Response> {
    let entries = state
        .store
        .tenant(auth.scope()?)
        .audit_page(q.before.unwrap_or(i64::MAX), PAGE)
        .await?;
    let older = entries.last().filter(|_| entries.len() as i64 == PAGE).map(|e| e.seq);
    Ok(render(&AuditPage {
        l: Layout::for_user(&auth),
        entries,
        older,
    }))
}

#[derive(Template)]
#[template(path = "audit_entry.html")]
struct EntryPage {
    l: Layout,
    e: AuditRecord,
    before: String,
    after: String,
}

fn pretty(json: &Option<String>) -> String {
    json.as_deref()
        .map(|j| {
            serde_json::from_str::<serde_json::Value>(j)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_else(|| j.to_string())
        })
        .unwrap_or_else(|| "–".into())
}

async fn entry(State(state): State<AppState>, auth: Auth, Path(seq): Path<String>) -> AppResult<Response> {
    let seq: i64 = seq.parse().map_err(|_| AppError::NotFound)?;
    let e = state.store.tenant(auth.scope()?).audit_entry(seq).await?;
    Ok(render(&EntryPage {
        l: Layout::for_user(&auth),
        before: pretty(&e.before),
        after: pretty(&e.after),
        e,
    }))
}
