//! The tenant's audit log (admins and auditors).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use etterlev_core::AuditRecord;
use serde::Deserialize;

use crate::AppState;
use crate::kit::error::{AppError, AppResult};
use crate::kit::i18n::Tr;
use crate::kit::session::Auth;
use crate::kit::{Layout, render};

const PAGE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(list))
        .route("/audit/{seq}", get(entry))
}

#[derive(Template)]
#[template(path = "accounts/audit.html")]
struct AuditPage {
    l: Layout,
    entries: Vec<Row>,
    older: Option<i64>,
}

/// One audit entry as people read it: "Tiltak opprettet: Oppdater rutinen".
/// The raw action and object stay available (`technical`) for experts.
struct Row {
    seq: i64,
    at_ms: i64,
    actor: String,
    sentence: String,
    technical: String,
}

impl Row {
    fn of(e: &AuditRecord, tr: &Tr) -> Row {
        Row {
            seq: e.seq,
            at_ms: e.at_ms,
            actor: e.actor_label.clone(),
            sentence: sentence(e, tr),
            technical: technical(e),
        }
    }
}

/// The message key of an audit action: `action.create` → `audit-do-action-create`.
fn action_key(action: &str) -> String {
    format!("audit-do-{}", action.replace(['.', '_'], "-"))
}

/// What happened, in the reader's language, naming the object by its title
/// or name where the entry has one (else by the start of its id).
fn sentence(e: &AuditRecord, tr: &Tr) -> String {
    let key = action_key(&e.action);
    let what = tr.msg(&key);
    // An action without a translation (a new one) is named generically
    // rather than shown as a raw key; `every_audit_action_has_a_sentence`
    // keeps this from happening for the store's actions.
    let what = if what == key { tr.msg("audit-do-other") } else { what };
    format!("{what}: {}", object_name(e))
}

fn technical(e: &AuditRecord) -> String {
    format!("{} {} {}", e.action, e.object_type, e.object_id)
}

/// The object's title, name or other human label from the entry's JSON.
fn object_name(e: &AuditRecord) -> String {
    const FIELDS: &[&str] = &[
        "title",
        "name",
        "display_name",
        "email",
        "filename",
        "node_id",
        "label",
        "key",
    ];
    let from = |json: &Option<String>| -> Option<String> {
        let v: serde_json::Value = serde_json::from_str(json.as_deref()?).ok()?;
        let obj = v.as_object()?;
        FIELDS.iter().find_map(|f| {
            obj.get(*f)
                .and_then(|x| x.as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        })
    };
    from(&e.after).or_else(|| from(&e.before)).unwrap_or_else(|| {
        // Ids are UUIDs: the first block is enough to tell entries apart.
        e.object_id.split('-').next().unwrap_or(&e.object_id).to_string()
    })
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
    let l = Layout::for_user(&auth);
    Ok(render(&AuditPage {
        entries: entries.iter().map(|e| Row::of(e, &l.tr)).collect(),
        l,
        older,
    }))
}

#[derive(Template)]
#[template(path = "accounts/audit_entry.html")]
struct EntryPage {
    l: Layout,
    e: AuditRecord,
    sentence: String,
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
    let l = Layout::for_user(&auth);
    Ok(render(&EntryPage {
        sentence: sentence(&e, &l.tr),
        l,
        before: pretty(&e.before),
        after: pretty(&e.after),
        e,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::i18n::Lang;

    /// Every audit action the store writes (the `"object.verb"` literals of
    /// its query files) has a sentence in both languages, so the audit page
    /// never falls back to the generic one for a known action.
    #[test]
    fn every_audit_action_has_a_sentence() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/src");
        let mut actions = std::collections::BTreeSet::new();
        let files: Vec<_> = etterlev_tidy::rust_files(&dir)
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("queries"))
            })
            .collect();
        assert!(files.len() >= 8, "found too few query files: {files:?}");
        for path in files {
            let text = std::fs::read_to_string(&path).expect("source");
            for part in string_literals(&text) {
                let part = part.as_str();
                let Some((object, verb)) = part.split_once('.') else {
                    continue;
                };
                let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_');
                // Not an action: a domain in a test.
                if word(object) && word(verb) && part != "example.no" {
                    actions.insert(part.to_string());
                }
            }
        }
        assert!(actions.contains("action.create") && actions.len() > 30, "{actions:?}");
        let missing: Vec<_> = actions
            .iter()
            .filter(|a| {
                let key = action_key(a);
                [Lang::Nb, Lang::En].iter().any(|l| Tr::new(*l).msg(&key) == key)
            })
            .collect();
        assert!(
            missing.is_empty(),
            "audit actions without a sentence (add audit-do-… keys): {missing:?}"
        );
    }

    /// The contents of the string literals of Rust source (escapes kept as
    /// written; enough to find `"object.verb"`).
    fn string_literals(src: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut chars = src.chars().peekable();
        let mut current: Option<String> = None;
        let mut prev = ' ';
        while let Some(c) = chars.next() {
            match (&mut current, c) {
                (Some(s), '\\') => {
                    s.push(c);
                    if let Some(n) = chars.next() {
                        s.push(n);
                    }
                }
                (Some(_), '"') => out.extend(current.take()),
                (Some(s), _) => s.push(c),
                // A character literal '"' does not open a string.
                (None, '"') if prev == '\'' && chars.peek() == Some(&'\'') => {}
                (None, '"') => current = Some(String::new()),
                (None, _) => {}
            }
            prev = c;
        }
        out
    }

    #[test]
    fn an_entry_reads_as_a_sentence() {
        let e = AuditRecord {
            chain: "t".into(),
            seq: 3,
            at_ms: 0,
            actor_id: None,
            actor_label: "ada@example.org".into(),
            tenant_id: None,
            action: "action.create".into(),
            object_type: "action".into(),
            object_id: "0193a1b2-0000-7000-8000-000000000000".into(),
            before: None,
            after: Some(r#"{"title":"Snu skjermene","status":"open"}"#.into()),
            prev_hash: String::new(),
            hash: String::new(),
        };
        assert_eq!(sentence(&e, &Tr::new(Lang::Nb)), "Tiltak opprettet: Snu skjermene");
        assert_eq!(sentence(&e, &Tr::new(Lang::En)), "Action created: Snu skjermene");
        let unknown = AuditRecord {
            action: "thing.frobnicate".into(),
            after: None,
            ..e
        };
        assert_eq!(sentence(&unknown, &Tr::new(Lang::Nb)), "Endring: 0193a1b2");
        assert_eq!(
            technical(&unknown),
            "thing.frobnicate action 0193a1b2-0000-7000-8000-000000000000"
        );
    }
}
