//! The requirement catalogues (module M1): list, tree with applicability
//! filter, node detail, search, mappings and "what changed between
//! versions". Catalogues are global reference data: every signed-in user
//! may read them, whatever their role and whether or not they have a tenant.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use etterlev_catalog::applies::prepare_only;
use etterlev_catalog::diff::Segment;
use etterlev_catalog::{
    Applicability, Catalog, ChangeKind, Exclusion, Mapping, Node, NodeKind, Profile, Relation, exclusions,
};
use etterlev_core::{Condition, SizeClass, TenantKind};

use crate::AppState;
use crate::catalog::catalogs::{Loaded, ProfileParams, is_key, is_slug};
use crate::catalog::export::ExportFormat;
use crate::catalog::glossary::link_terms;
use crate::catalog::search::SnippetPart;
use crate::kit::error::{AppError, AppResult};
use crate::kit::i18n::{Lang, Tr};
use crate::kit::session::Auth;
use crate::kit::{Layout, query_param, render, text};

const SEARCH_LIMIT: usize = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/catalog", get(list))
        .route("/catalog/search", get(search))
        .route("/catalog/diff", get(diff))
        .route("/catalog/mappings/{id}", get(mapping))
        .route("/catalog/{key}", get(tree))
        .route("/catalog/{key}/node/{node_id}", get(node))
        .route("/catalog/{key}/export", get(export))
}

// ---------------------------------------------------------------- export

/// A catalogue version as a file: `?format=docx|xlsx|html|oscal`, in the
/// user's language (`&lang=nb|en` to choose).
async fn export(
    State(state): State<AppState>,
    auth: Auth,
    Path(key): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let r = export_file(&state, &auth, key, query).await;
    in_layout(&auth, r)
}

async fn export_file(state: &AppState, auth: &Auth, key: String, query: Option<String>) -> AppResult<Response> {
    let loaded = loaded(state).await?;
    let catalog = find_catalog(&loaded, &key)?;
    let tr = Layout::for_user(auth).tr;
    let format = query_param(query.as_deref(), "format")
        .and_then(|f| ExportFormat::parse(&f))
        .ok_or_else(|| AppError::BadRequest(tr.msg("catalog-export-unknown-format")))?;
    let lang = query_param(query.as_deref(), "lang")
        .and_then(|l| Lang::parse(&l))
        .unwrap_or(tr.lang);
    let bytes = crate::catalog::export::export(catalog, format, lang)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::kit::download(
        format.content_type(),
        &format.file_name(catalog),
        bytes,
    ))
}

/// Links to a catalogue version's downloads, for its page.
struct Download {
    href: String,
    label: String,
}

fn downloads(tr: &Tr, key: &str) -> Vec<Download> {
    ExportFormat::ALL
        .into_iter()
        .map(|f| Download {
            href: format!("/catalog/{key}/export?format={}", f.as_str()),
            label: tr.msg(&format!("catalog-download-{}", f.as_str())),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "catalog/error.html")]
struct ErrorInLayout {
    l: Layout,
    status: u16,
    title: String,
    detail: Option<String>,
}

/// A catalogue page's error as a page with the user's menu, in their
/// language (the generic error page knows neither). Errors that are not
/// about the request (login, internal) go the usual way.
fn in_layout(auth: &Auth, result: AppResult<Response>) -> Response {
    let err = match result {
        Ok(r) => return r,
        Err(e) => e,
    };
    let tr = Layout::for_user(auth).tr;
    let (key, detail) = match &err {
        AppError::NotFound => ("error-not-found", None),
        AppError::BadRequest(d) => ("error-bad-request", Some(d.clone())),
        _ => return err.into_response(),
    };
    let status = err.status();
    crate::kit::render_status(
        status,
        &ErrorInLayout {
            l: Layout::for_user(auth),
            status: status.as_u16(),
            title: tr.msg(key),
            detail,
        },
    )
}

/// A node's tags in words: the protection goals and NIS2 points have
/// names; other machine tags (`x:y`) are for tools and are not shown.
fn tag_names(tr: &Tr, tags: &[String]) -> Vec<String> {
    tags.iter()
        .filter_map(|t| {
            if let Some(letter) = t.strip_prefix("nis2:") {
                return Some(tr.msg_with("tag-nis2", &[("point", letter.to_owned())]));
            }
            KNOWN_TAGS.contains(&t.as_str()).then(|| tr.msg(&format!("tag-{t}")))
        })
        .collect()
}

/// A word diff of tags (`a, b, nis2:c`) with each tag in words; machine
/// tags without a name drop out, separators stay.
fn tag_segments(tr: &Tr, segments: &[Segment]) -> Vec<Segment> {
    segments
        .iter()
        .map(|seg| {
            let mut text = String::new();
            let mut word = String::new();
            let flush = |word: &mut String, text: &mut String| {
                if !word.is_empty() {
                    text.push_str(&tag_names(tr, std::slice::from_ref(word)).join(""));
                    word.clear();
                }
            };
            for c in seg.text.chars() {
                if c.is_whitespace() || c == ',' {
                    flush(&mut word, &mut text);
                    text.push(c);
                } else {
                    word.push(c);
                }
            }
            flush(&mut word, &mut text);
            Segment { op: seg.op, text }
        })
        .collect()
}

const KNOWN_TAGS: &[&str] = &[
    "confidentiality",
    "integrity",
    "availability",
    "robustness",
    "privacy",
    "patient_safety",
    "governance",
];

// ------------------------------------------------------------------ words

/// Message keys built from stable machine names. `dynamic_keys_exist`
/// checks that every one of them is translated.
fn node_kind_name(tr: &Tr, kind: NodeKind) -> String {
    tr.msg(&format!("node-kind-{}", kind.as_str()))
}

fn relation_name(tr: &Tr, r: Relation) -> String {
    tr.msg(&format!("relation-{}", r.as_str()))
}

fn status_name(tr: &Tr, status: &str) -> String {
    tr.msg(&format!("catalog-status-{status}"))
}

fn joined<T: Copy>(tr: &Tr, items: &[T], name: fn(&Tr, T) -> String) -> String {
    items.iter().map(|i| name(tr, *i)).collect::<Vec<_>>().join(", ")
}

fn catalog_status(c: &Catalog) -> Option<&'static str> {
    use etterlev_catalog::CatalogStatus::*;
    c.status.map(|s| match s {
        Official => "official",
        Summary => "summary",
        Draft => "draft",
        Fixture => "fixture",
    })
}

/// "2.1 a Title", naming the node whose rule excluded a requirement.
fn node_name(catalog: &Catalog, id: &str, tr: &Tr) -> String {
    match catalog.node(id) {
        Some(n) => format!("{} {}", n.label(), text(&n.title, tr)),
        None => id.to_owned(),
    }
}

/// One reason in words: "Gjelder bare for: Helseforetak (regel på 2 Ledelse)".
pub fn reason_text(catalog: &Catalog, e: &Exclusion, tr: &Tr) -> String {
    match e {
        Exclusion::Kind { allowed, rule_from } => tr.msg_with(
            "exclusion-kind",
            &[
                ("allowed", joined(tr, allowed, Tr::kind_name)),
                ("node", node_name(catalog, rule_from, tr)),
            ],
        ),
        Exclusion::Size { allowed, rule_from } => tr.msg_with(
            "exclusion-size",
            &[
                ("allowed", joined(tr, allowed, Tr::size_name)),
                ("node", node_name(catalog, rule_from, tr)),
            ],
        ),
        Exclusion::Condition { missing, rule_from } => tr.msg_with(
            "exclusion-condition",
            &[
                ("condition", tr.condition_name(*missing)),
                ("node", node_name(catalog, rule_from, tr)),
            ],
        ),
    }
}

/// An applicability rule as sentences.
fn rule_lines(rule: &Applicability, tr: &Tr) -> Vec<String> {
    let mut out = Vec::new();
    if !rule.enterprise_kinds.is_empty() {
        out.push(tr.msg_with(
            "applies-kinds",
            &[("list", joined(tr, &rule.enterprise_kinds, Tr::kind_name))],
        ));
    }
    if !rule.size_classes.is_empty() {
        out.push(tr.msg_with(
            "applies-sizes",
            &[("list", joined(tr, &rule.size_classes, Tr::size_name))],
        ));
    }
    if !rule.conditions.is_empty() {
        out.push(tr.msg_with(
            "applies-conditions",
            &[("list", joined(tr, &rule.conditions, Tr::condition_name))],
        ));
    }
    if let Some(note) = &rule.note {
        out.push(text(note, tr));
    }
    out
}

// ------------------------------------------------------------------ shared

async fn loaded(state: &AppState) -> AppResult<std::sync::Arc<Loaded>> {
    Ok(state.catalogs.get(&state.store).await?)
}

fn find_catalog<'a>(loaded: &'a Loaded, key: &str) -> AppResult<&'a Catalog> {
    if !is_key(key) {
        return Err(AppError::NotFound);
    }
    loaded.catalog(key).ok_or(AppError::NotFound)
}

/// The newest version (by date) of a catalogue named by its bare id.
/// A source address to link to: only http(s), never another scheme.
fn web_link(url: &str) -> Option<String> {
    (url.starts_with("https://") || url.starts_with("http://")).then(|| url.to_owned())
}

fn newest_version<'a>(loaded: &'a Loaded, id: &str) -> Option<&'a Catalog> {
    if !is_slug(id) || id.contains('@') {
        return None;
    }
    loaded.newest(id)
}

/// A select option or checkbox.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Clone)]
pub struct NodeLink {
    pub key: String,
    pub id: String,
    pub label: String,
    pub title: String,
    /// The node is not in the loaded catalogue (should not happen for
    /// checked imports; shown plainly instead of as a link).
    pub missing: bool,
}

fn node_link(loaded: &Loaded, key: &str, id: &str, tr: &Tr) -> NodeLink {
    match loaded.catalog(key).and_then(|c| c.node(id)) {
        Some(n) => NodeLink {
            key: key.to_owned(),
            id: id.to_owned(),
            label: n.label().to_owned(),
            title: text(&n.title, tr),
            missing: false,
        },
        None => NodeLink {
            key: key.to_owned(),
            id: id.to_owned(),
            label: id.to_owned(),
            title: String::new(),
            missing: true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::i18n::Lang;

    #[test]
    fn tags_and_dates_in_words() {
        let tr = Tr::new(Lang::Nb);
        let tags: Vec<String> = ["availability", "nis2:c", "x:internal"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            tag_names(&tr, &tags),
            ["Tilgjengelighet", "NIS2 art. 21 nr. 2 bokstav c"]
        );
        let seg = [Segment {
            op: "insert",
            text: "patient_safety, nis2:c".into(),
        }];
        assert_eq!(
            tag_segments(&tr, &seg)[0].text,
            "Pasientsikkerhet, NIS2 art. 21 nr. 2 bokstav c"
        );
        assert_eq!(crate::kit::i18n::format_date("2022-12-14"), "14.12.2022");
        assert_eq!(crate::kit::i18n::format_date("soon"), "soon");
    }

    /// Keys made with `format!` escape the static key check in i18n.rs.
    #[test]
    fn dynamic_keys_exist() {
        for lang in [Lang::Nb, Lang::En] {
            let tr = Tr::new(lang);
            let mut keys: Vec<String> = Vec::new();
            keys.extend(TenantKind::ALL.iter().map(|k| format!("kind-{}", k.as_str())));
            keys.extend(SizeClass::ALL.iter().map(|k| format!("size-{}", k.as_str())));
            keys.extend(Condition::ALL.iter().map(|k| format!("cond-{}", k.as_str())));
            for k in ["chapter", "section", "requirement", "recommendation", "guidance"] {
                keys.push(format!("node-kind-{k}"));
            }
            keys.extend(KNOWN_TAGS.iter().map(|t| format!("tag-{t}")));
            for r in ["equal", "subset", "superset", "intersects", "gap"] {
                keys.push(format!("relation-{r}"));
            }
            for s in ["official", "summary", "draft", "fixture"] {
                keys.push(format!("catalog-status-{s}"));
            }
            for c in ["added", "removed", "changed", "moved"] {
                keys.push(format!("diff-{c}"));
            }
            for f in [
                "kind",
                "title",
                "title_en",
                "text",
                "text_en",
                "applicability",
                "references",
                "tags",
                "question",
            ] {
                keys.push(format!("diff-field-{f}"));
            }
            for k in [
                "normen",
                "fact_sheet",
                "guide",
                "law",
                "regulation",
                "directive",
                "standard",
                "other",
            ] {
                keys.push(format!("reference-kind-{k}"));
            }
            let missing: Vec<_> = keys.iter().filter(|k| tr.msg(k) == **k).collect();
            assert!(missing.is_empty(), "{lang:?}: missing {missing:?}");
        }
    }
}

mod diff;
mod mapping;
mod node;
mod tree;
#[allow(unused_imports)]
pub use diff::*;
#[allow(unused_imports)]
pub use mapping::*;
#[allow(unused_imports)]
pub use node::*;
#[allow(unused_imports)]
pub use tree::*;
