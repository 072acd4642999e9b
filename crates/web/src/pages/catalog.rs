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

use super::{Layout, query_param, render, text};
use crate::AppState;
use crate::catalog_export::ExportFormat;
use crate::catalogs::{Loaded, ProfileParams, is_key, is_slug};
use crate::error::{AppError, AppResult};
use crate::glossary::link_terms;
use crate::i18n::{Lang, Tr};
use crate::search::SnippetPart;
use crate::session::Auth;

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
    let bytes = crate::catalog_export::export(catalog, format, lang)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(super::download(
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
#[template(path = "catalog_error.html")]
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
    super::render_status(
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
fn newest_version<'a>(loaded: &'a Loaded, id: &str) -> Option<&'a Catalog> {
    if !is_slug(id) || id.contains('@') {
        return None;
    }
    loaded.versions_of(id).into_iter().max_by(|a, b| a.date.cmp(&b.date))
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

// ------------------------------------------------------------------ list

struct CatalogRow {
    key: String,
    title: String,
    version: String,
    date: String,
    status: Option<String>,
    requirements: usize,
    previous: Option<String>,
}

struct MappingRow {
    id: String,
    title: String,
    from: String,
    from_title: String,
    to: String,
    to_title: String,
    entries: usize,
    gaps: usize,
}

#[derive(Template)]
#[template(path = "catalog_list.html")]
struct ListPage {
    l: Layout,
    catalogs: Vec<CatalogRow>,
    mappings: Vec<MappingRow>,
}

async fn list(State(state): State<AppState>, auth: Auth) -> Response {
    let r = list_page(&state, &auth).await;
    in_layout(&auth, r)
}

async fn list_page(state: &AppState, auth: &Auth) -> AppResult<Response> {
    let loaded = loaded(state).await?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let title_of = |key: &str| {
        loaded
            .catalog(key)
            .map(|c| text(&c.title, &tr))
            .unwrap_or_else(|| key.to_owned())
    };
    let mut previous: HashMap<&str, String> = HashMap::new();
    let mut catalogs = Vec::new();
    for c in &loaded.set.catalogs {
        catalogs.push(CatalogRow {
            key: c.key(),
            title: text(&c.title, &tr),
            version: c.version.clone(),
            date: crate::i18n::format_date(&c.date),
            status: catalog_status(c).map(|s| status_name(&tr, s)),
            requirements: c.assessable().count(),
            previous: previous.insert(&c.id, c.key()),
        });
    }
    let mappings = loaded
        .set
        .mappings
        .iter()
        .map(|m| MappingRow {
            id: m.id.clone(),
            title: text(&m.title, &tr),
            from: m.from.key(),
            from_title: title_of(&m.from.key()),
            to: m.to.key(),
            to_title: title_of(&m.to.key()),
            entries: m.entries.len(),
            gaps: m.entries.iter().filter(|e| e.relation == Relation::Gap).count(),
        })
        .collect();
    Ok(render(&ListPage { l, catalogs, mappings }))
}

// ------------------------------------------------------------------ tree

struct TreeRow {
    depth: usize,
    id: String,
    label: String,
    title: String,
    kind: &'static str,
    kind_label: String,
    verified: bool,
    structural: bool,
    /// Not yet required for this enterprise: shown so it can prepare.
    prepare: bool,
    withdrawn: bool,
}

struct ExcludedRow {
    id: String,
    label: String,
    title: String,
    reasons: Vec<String>,
}

struct Filter {
    kinds: Vec<Opt>,
    sizes: Vec<Opt>,
    staff: String,
    conditions: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "catalog_tree.html")]
struct TreePage {
    l: Layout,
    key: String,
    title: String,
    version: String,
    date: String,
    status: Option<String>,
    description: Option<String>,
    rows: Vec<TreeRow>,
    filter: Filter,
    /// The profile the tree is filtered for, in words; None: everything.
    filtered_for: Option<String>,
    /// The filter is the enterprise's stored profile (not the request's).
    from_enterprise: bool,
    applicable: usize,
    /// Requirements not yet required but shown to prepare for (NIS2).
    prepare: usize,
    total: usize,
    excluded: Vec<ExcludedRow>,
    previous: Option<String>,
    downloads: Vec<Download>,
    /// The catalogue's own language when it is neither bokmål nor English.
    source_language: Option<String>,
}

/// What a tree is filtered by: the request's parameters, else the selected
/// enterprise's stored profile (kind, size and conditions, the same one new
/// assessments and the wizard start from), else nothing (`all=1` asks for
/// nothing). The flag says whether the profile came from the enterprise.
async fn profile_for(
    state: &AppState,
    auth: &Auth,
    query: Option<&str>,
) -> AppResult<(Option<Profile>, ProfileParams, bool)> {
    let params = ProfileParams::from_query(query);
    let all = form_urlencoded::parse(query.unwrap_or("").as_bytes()).any(|(k, v)| k == "all" && v == "1");
    if all {
        return Ok((None, params, false));
    }
    if !params.is_empty() {
        // The parser's own messages are English (the API shows them); the
        // page says it in the user's language.
        let profile = params
            .profile()
            .map_err(|_| AppError::BadRequest(Layout::for_user(auth).tr.msg("catalog-filter-bad")))?;
        return Ok((Some(profile), params, false));
    }
    let profile = super::profile::enterprise_profile(state, auth).await?.map(|(p, _)| p);
    let from_enterprise = profile.is_some();
    Ok((profile, params, from_enterprise))
}

fn filter_form(tr: &Tr, profile: Option<&Profile>, params: &ProfileParams) -> Filter {
    Filter {
        kinds: TenantKind::ALL
            .iter()
            .map(|k| Opt {
                value: k.as_str().into(),
                label: tr.kind_name(*k),
                selected: profile.is_some_and(|p| p.kind == *k),
            })
            .collect(),
        sizes: SizeClass::ALL
            .iter()
            .map(|s| Opt {
                value: s.as_str().into(),
                label: tr.size_name(*s),
                selected: profile.is_some_and(|p| p.size == *s),
            })
            .collect(),
        staff: params.staff.clone().unwrap_or_default(),
        conditions: Condition::ALL
            .iter()
            .map(|c| Opt {
                value: c.as_str().into(),
                label: tr.condition_name(*c),
                selected: profile.is_some_and(|p| p.conditions.contains(c)),
            })
            .collect(),
    }
}

/// The rows of the tree that apply to `profile` (every row without one),
/// each with whether it is only "not yet required — prepare" (see
/// `applies::prepare_only`). Chapters and sections stay when something under
/// them is shown, or when they have nothing under them at all.
fn visible_rows<'a>(catalog: &'a Catalog, profile: Option<&Profile>) -> Vec<(usize, &'a Node, bool)> {
    let order = catalog.tree_order();
    let Some(profile) = profile else {
        return order.into_iter().map(|(d, n)| (d, n, false)).collect();
    };
    let has_children: HashSet<&str> = catalog.nodes.iter().filter_map(|n| n.parent.as_deref()).collect();
    let mut has_visible_child: HashSet<&str> = HashSet::new();
    let mut visible: HashMap<&str, bool> = HashMap::new();
    for (_, node) in order.iter().rev() {
        let reasons = exclusions(catalog, node, profile);
        let prepare = prepare_only(&reasons);
        let own = reasons.is_empty() || prepare;
        let shown = own
            && (!node.kind.is_structural()
                || has_visible_child.contains(node.id.as_str())
                || !has_children.contains(node.id.as_str()));
        if shown {
            visible.insert(&node.id, prepare);
            if let Some(p) = &node.parent {
                has_visible_child.insert(p);
            }
        }
    }
    order
        .into_iter()
        .filter_map(|(d, n)| visible.get(n.id.as_str()).map(|prepare| (d, n, *prepare)))
        .collect()
}

async fn tree(
    State(state): State<AppState>,
    auth: Auth,
    Path(key): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let r = tree_page(&state, &auth, key, query).await;
    in_layout(&auth, r)
}

async fn tree_page(state: &AppState, auth: &Auth, key: String, query: Option<String>) -> AppResult<Response> {
    let loaded = loaded(state).await?;
    if let Some(newest) = newest_version(&loaded, &key) {
        // `/catalog/normen` is the link people share: send it to the newest version.
        let target = match query.as_deref() {
            Some(q) if !q.is_empty() => format!("/catalog/{}?{q}", newest.key()),
            _ => format!("/catalog/{}", newest.key()),
        };
        return Ok(axum::response::Redirect::to(&target).into_response());
    }
    let catalog = find_catalog(&loaded, &key)?;
    let (profile, params, from_enterprise) = profile_for(state, auth, query.as_deref()).await?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let rows = visible_rows(catalog, profile.as_ref())
        .into_iter()
        .map(|(depth, n, prepare)| TreeRow {
            depth: depth.min(6),
            id: n.id.clone(),
            label: n.label().to_owned(),
            title: text(&n.title, &tr),
            kind: n.kind.as_str(),
            kind_label: node_kind_name(&tr, n.kind),
            verified: n.verified,
            structural: n.kind.is_structural(),
            prepare: prepare && !n.kind.is_structural(),
            withdrawn: n.withdrawn,
        })
        .collect();
    let total = catalog.assessable().count();
    let (applicable, prepare, excluded) = match &profile {
        Some(p) => {
            let f = etterlev_catalog::filter(catalog, p);
            let prepare = f.excluded.iter().filter(|(_, r)| prepare_only(r)).count();
            let excluded = f
                .excluded
                .iter()
                .filter(|(_, r)| !prepare_only(r))
                .map(|(n, reasons)| ExcludedRow {
                    id: n.id.clone(),
                    label: n.label().to_owned(),
                    title: text(&n.title, &tr),
                    reasons: reasons.iter().map(|r| reason_text(catalog, r, &tr)).collect(),
                })
                .collect();
            (f.applicable.len(), prepare, excluded)
        }
        None => (total, 0, Vec::new()),
    };
    let versions = loaded.versions_of(&catalog.id);
    let here = versions.iter().position(|c| c.key() == key);
    let previous = here.and_then(|i| i.checked_sub(1)).map(|i| versions[i].key());
    let downloads = downloads(&tr, &key);
    Ok(render(&TreePage {
        filter: filter_form(&tr, profile.as_ref(), &params),
        filtered_for: profile
            .as_ref()
            .map(|p| tr.profile_words(p.kind, p.size, p.conditions.iter().copied())),
        from_enterprise,
        key,
        title: text(&catalog.title, &tr),
        version: catalog.version.clone(),
        date: crate::i18n::format_date(&catalog.date),
        status: catalog_status(catalog).map(|s| status_name(&tr, s)),
        description: catalog.description.as_ref().map(|d| text(d, &tr)),
        rows,
        applicable,
        prepare,
        total,
        excluded,
        previous,
        downloads,
        source_language: catalog.source_language().map(str::to_owned),
        l,
    }))
}

// ------------------------------------------------------------------ node

/// A node's texts in their source language, when they have one.
fn orig_view(n: &Node) -> Option<OrigView> {
    let title = n.title.orig.as_ref();
    let text = n.text.as_ref().and_then(|t| t.orig.as_ref());
    let lang = title.or(text)?.lang.clone();
    Some(OrigView {
        lang,
        title: title.map(|o| o.text.clone()),
        // Escaped here: the template inserts node texts as markup.
        text: text.map(|o| crate::glossary::escape(&o.text)),
    })
}

struct RefView {
    kind: String,
    citation: String,
    url: Option<String>,
}

struct MappingLine {
    mapping_id: String,
    mapping_title: String,
    from: Option<NodeLink>,
    relation: &'static str,
    relation_label: String,
    to: NodeLink,
    note: Option<String>,
    /// This node is the `from` side.
    outgoing: bool,
}

struct OrigView {
    lang: String,
    title: Option<String>,
    text: Option<String>,
}

struct RuleFrom {
    node: String,
    lines: Vec<String>,
}

#[derive(Template)]
#[template(path = "catalog_node.html")]
struct NodePage {
    l: Layout,
    key: String,
    catalog_title: String,
    label: String,
    title: String,
    title_nb: String,
    title_en: Option<String>,
    kind: &'static str,
    kind_label: String,
    verified: bool,
    withdrawn: bool,
    text_nb: Option<String>,
    text_en: Option<String>,
    /// The text in its source language (an imported French library …).
    orig: Option<OrigView>,
    ancestors: Vec<NodeLink>,
    children: Vec<NodeLink>,
    rules: Vec<RuleFrom>,
    tags: Vec<String>,
    references: Vec<RefView>,
    related: Vec<NodeLink>,
    question: Option<String>,
    question_help: Option<String>,
    mappings: Vec<MappingLine>,
}

async fn node(State(state): State<AppState>, auth: Auth, Path((key, node_id)): Path<(String, String)>) -> Response {
    let r = node_page(&state, &auth, key, node_id).await;
    in_layout(&auth, r)
}

async fn node_page(state: &AppState, auth: &Auth, key: String, node_id: String) -> AppResult<Response> {
    let loaded = loaded(state).await?;
    let catalog = find_catalog(&loaded, &key)?;
    if !is_slug(&node_id) {
        return Err(AppError::NotFound);
    }
    let n = catalog.node(&node_id).ok_or(AppError::NotFound)?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let mut ancestors: Vec<NodeLink> = catalog
        .ancestors(n)
        .iter()
        .map(|a| node_link(&loaded, &key, &a.id, &tr))
        .collect();
    ancestors.reverse();
    let children = catalog
        .children(Some(&n.id))
        .map(|c| node_link(&loaded, &key, &c.id, &tr))
        .collect();
    let rules = std::iter::once(n)
        .chain(catalog.ancestors(n))
        .filter_map(|source| {
            let rule = source.applicability.as_ref()?;
            let lines = rule_lines(rule, &tr);
            (!lines.is_empty()).then(|| RuleFrom {
                node: node_name(catalog, &source.id, &tr),
                lines,
            })
        })
        .collect();
    let references = n
        .references
        .iter()
        .map(|r| RefView {
            kind: tr.msg(&format!("reference-kind-{}", reference_kind(r.kind))),
            citation: r.citation(),
            url: r
                .url
                .clone()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        })
        .collect();
    let related = n.related.iter().map(|id| node_link(&loaded, &key, id, &tr)).collect();
    let mappings = loaded
        .mappings_of(&key, &n.id)
        .into_iter()
        .map(|(m, e, outgoing)| MappingLine {
            mapping_id: m.id.clone(),
            mapping_title: text(&m.title, &tr),
            from: e.from.as_deref().map(|id| node_link(&loaded, &m.from.key(), id, &tr)),
            relation: e.relation.as_str(),
            relation_label: relation_name(&tr, e.relation),
            to: node_link(&loaded, &m.to.key(), &e.to, &tr),
            note: e.note.as_ref().map(|t| text(t, &tr)),
            outgoing,
        })
        .collect();
    Ok(render(&NodePage {
        catalog_title: text(&catalog.title, &tr),
        label: n.label().to_owned(),
        title: text(&n.title, &tr),
        title_nb: n.title.nb.clone(),
        withdrawn: n.withdrawn,
        orig: orig_view(n),
        title_en: n.title.en.clone(),
        kind: n.kind.as_str(),
        kind_label: node_kind_name(&tr, n.kind),
        verified: n.verified,
        // Escaped here, with glossary terms linked (`glossary::link_terms`).
        text_nb: n
            .text
            .as_ref()
            .filter(|t| !t.nb.is_empty())
            .map(|t| link_terms(&t.nb, Lang::Nb)),
        text_en: n
            .text
            .as_ref()
            .and_then(|t| t.en.as_deref())
            .map(|t| link_terms(t, Lang::En)),
        ancestors,
        children,
        rules,
        tags: tag_names(&tr, &n.tags),
        references,
        related,
        question: n.question.as_ref().map(|q| link_terms(&text(&q.text(), &tr), tr.lang)),
        question_help: n
            .question
            .as_ref()
            .and_then(|q| q.help.as_ref())
            .map(|h| link_terms(&text(h, &tr), tr.lang)),
        mappings,
        key,
        l,
    }))
}

fn reference_kind(k: etterlev_catalog::ReferenceKind) -> &'static str {
    use etterlev_catalog::ReferenceKind::*;
    match k {
        Normen => "normen",
        FactSheet => "fact_sheet",
        Guide => "guide",
        Law => "law",
        Regulation => "regulation",
        Directive => "directive",
        Standard => "standard",
        Other => "other",
    }
}

// ------------------------------------------------------------------ search

struct HitView {
    key: String,
    catalog_title: String,
    id: String,
    label: String,
    title: String,
    snippet: Vec<SnippetPart>,
}

#[derive(Template)]
#[template(path = "catalog_search.html")]
struct SearchPage {
    l: Layout,
    q: String,
    catalogs: Vec<Opt>,
    hits: Vec<HitView>,
    searched: bool,
}

async fn search(State(state): State<AppState>, auth: Auth, RawQuery(query): RawQuery) -> Response {
    let r = search_page(&state, &auth, query).await;
    in_layout(&auth, r)
}

async fn search_page(state: &AppState, auth: &Auth, query: Option<String>) -> AppResult<Response> {
    let loaded = loaded(state).await?;
    let q = query_param(query.as_deref(), "q").unwrap_or_default();
    let only = query_param(query.as_deref(), "catalog");
    if let Some(key) = &only {
        find_catalog(&loaded, key)?;
    }
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let hits = loaded
        .search
        .search(&q, only.as_deref(), SEARCH_LIMIT)
        .into_iter()
        .map(|h| HitView {
            catalog_title: loaded
                .catalog(&h.catalog_key)
                .map(|c| text(&c.title, &tr))
                .unwrap_or_default(),
            key: h.catalog_key,
            id: h.node_id,
            label: h.label,
            title: h.title,
            snippet: h.snippet,
        })
        .collect();
    let catalogs = loaded
        .set
        .catalogs
        .iter()
        .map(|c| Opt {
            value: c.key(),
            label: format!("{} ({})", text(&c.title, &tr), c.version),
            selected: only.as_deref() == Some(c.key().as_str()),
        })
        .collect();
    Ok(render(&SearchPage {
        l,
        searched: !q.is_empty(),
        q,
        catalogs,
        hits,
    }))
}

// ------------------------------------------------------------------ mapping

struct MappingEntryRow {
    from: Option<NodeLink>,
    relation: &'static str,
    relation_label: String,
    to: NodeLink,
    note: Option<String>,
    /// The enterprise's own answer for this row's requirement, if it has an
    /// assessment on either side's catalogue.
    own: Option<OwnStatus>,
}

/// A link to the enterprise's answer for one requirement in its newest
/// assessment of a catalogue ("not answered" when there is no answer).
struct OwnStatus {
    href: String,
    label: String,
    status: &'static str,
}

/// The enterprise's newest assessment of one of the mapping's catalogues
/// (same catalogue id, any version; the from side first) and its answers.
struct OwnAnswers {
    assessment_id: String,
    title: String,
    /// The assessment is on the mapping's from side.
    from_side: bool,
    answers: HashMap<String, etterlev_core::AnswerStatus>,
}

async fn own_answers(state: &AppState, auth: &Auth, m: &Mapping) -> AppResult<Option<OwnAnswers>> {
    let Some(scope) = auth.scope.as_ref() else {
        return Ok(None);
    };
    let ts = state.store.tenant(scope);
    let list = ts.list_assessments().await?;
    let id_of = |key: &str| key.split('@').next().unwrap_or_default().to_owned();
    let newest = |catalog: &str| {
        list.iter()
            .filter(|a| id_of(&a.catalog_key) == catalog)
            .max_by_key(|a| a.created_at)
    };
    let (a, from_side) = match (newest(&m.from.catalog), newest(&m.to.catalog)) {
        (Some(a), _) => (a, true),
        (None, Some(a)) => (a, false),
        (None, None) => return Ok(None),
    };
    let answers = ts
        .answers(&a.id)
        .await?
        .into_iter()
        .map(|x| (x.node_id, x.status))
        .collect();
    Ok(Some(OwnAnswers {
        assessment_id: a.id.clone(),
        title: a.title.clone(),
        from_side,
        answers,
    }))
}

#[derive(Template)]
#[template(path = "catalog_mapping.html")]
struct MappingPage {
    l: Layout,
    id: String,
    title: String,
    description: Option<String>,
    from_key: String,
    from_title: String,
    to_key: String,
    to_title: String,
    date: String,
    rows: Vec<MappingEntryRow>,
    gaps: usize,
    total: usize,
    only_gaps: bool,
    /// Title of the assessment the status column comes from.
    own_title: Option<String>,
}

async fn mapping(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let r = mapping_page(&state, &auth, id, query).await;
    in_layout(&auth, r)
}

async fn mapping_page(state: &AppState, auth: &Auth, id: String, query: Option<String>) -> AppResult<Response> {
    let loaded = loaded(state).await?;
    if !is_slug(&id) {
        return Err(AppError::NotFound);
    }
    let m: &Mapping = loaded.mapping(&id).ok_or(AppError::NotFound)?;
    let only_gaps = query_param(query.as_deref(), "only").as_deref() == Some("gaps");
    let own = own_answers(state, auth, m).await?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let (from_key, to_key) = (m.from.key(), m.to.key());
    let title_of = |key: &str| {
        loaded
            .catalog(key)
            .map(|c| text(&c.title, &tr))
            .unwrap_or_else(|| key.to_owned())
    };
    let own_status = |e: &etterlev_catalog::MappingEntry| -> Option<OwnStatus> {
        let own = own.as_ref()?;
        let node = if own.from_side {
            e.from.as_deref()?
        } else {
            e.to.as_str()
        };
        let status = own.answers.get(node);
        Some(OwnStatus {
            href: format!("/assessments/{}/req/{}", own.assessment_id, node),
            label: status.map_or_else(
                || tr.msg("mapping-not-answered"),
                |s| super::assessment::status_name(&tr, *s),
            ),
            status: status.map_or("none", |s| s.as_str()),
        })
    };
    let rows = m
        .entries
        .iter()
        .filter(|e| !only_gaps || e.relation == Relation::Gap)
        .map(|e| MappingEntryRow {
            from: e.from.as_deref().map(|f| node_link(&loaded, &from_key, f, &tr)),
            relation: e.relation.as_str(),
            relation_label: relation_name(&tr, e.relation),
            to: node_link(&loaded, &to_key, &e.to, &tr),
            note: e.note.as_ref().map(|t| text(t, &tr)),
            own: own_status(e),
        })
        .collect();
    Ok(render(&MappingPage {
        id: m.id.clone(),
        title: text(&m.title, &tr),
        description: m.description.as_ref().map(|d| text(d, &tr)),
        from_title: title_of(&from_key),
        to_title: title_of(&to_key),
        from_key,
        to_key,
        date: crate::i18n::format_date(&m.date),
        gaps: m.entries.iter().filter(|e| e.relation == Relation::Gap).count(),
        total: m.entries.len(),
        only_gaps,
        own_title: own.map(|o| o.title),
        rows,
        l,
    }))
}

// ------------------------------------------------------------------ diff

struct FieldView {
    name: String,
    segments: Vec<Segment>,
}

struct EntryView {
    id: String,
    previous_id: Option<String>,
    label: String,
    title: String,
    moved_from: Option<String>,
    moved_to: Option<String>,
    fields: Vec<FieldView>,
    /// Link to the node in the version it exists in.
    link_key: String,
}

struct DiffGroup {
    kind: &'static str,
    heading: String,
    entries: Vec<EntryView>,
}

struct DiffView {
    from: String,
    to: String,
    summary: String,
    groups: Vec<DiffGroup>,
}

/// One catalogue with two or more versions: what can be compared.
struct Comparable {
    title: String,
    versions: Vec<Opt>,
    /// The two newest versions, oldest first: the usual comparison.
    latest: (String, String),
}

#[derive(Template)]
#[template(path = "catalog_diff.html")]
struct DiffPage {
    l: Layout,
    from: Vec<Comparable>,
    to: Vec<Comparable>,
    /// Catalogues with a single version (nothing to compare yet).
    single: Vec<String>,
    error: Option<String>,
    result: Option<DiffView>,
}

async fn diff(State(state): State<AppState>, auth: Auth, RawQuery(query): RawQuery) -> Response {
    let r = diff_page(&state, &auth, query).await;
    in_layout(&auth, r)
}

async fn diff_page(state: &AppState, auth: &Auth, query: Option<String>) -> AppResult<Response> {
    let loaded = loaded(state).await?;
    let from = query_param(query.as_deref(), "from");
    let to = query_param(query.as_deref(), "to");
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let mut error = None;
    let result = match (&from, &to) {
        (Some(from), Some(to)) => match loaded.diff_pair(from, to) {
            Err(_) => {
                error = Some(tr.msg("diff-error-different"));
                None
            }
            Ok(None) => return Err(AppError::NotFound),
            Ok(Some((a, b))) => Some(diff_view(&tr, a, b)),
        },
        (None, None) => None,
        _ => {
            error = Some(tr.msg("diff-choose-both"));
            None
        }
    };
    // Only versions of one catalogue can be compared: group the choices by
    // catalogue and leave out catalogues with a single version.
    let mut ids: Vec<&str> = Vec::new();
    for c in &loaded.set.catalogs {
        if !ids.contains(&c.id.as_str()) {
            ids.push(&c.id);
        }
    }
    let mut single = Vec::new();
    let groups = |chosen: &Option<String>| {
        ids.iter()
            .filter_map(|id| {
                let versions = loaded.versions_of(id);
                if versions.len() < 2 {
                    return None;
                }
                let n = versions.len();
                Some(Comparable {
                    title: text(&versions[n - 1].title, &tr),
                    latest: (versions[n - 2].key(), versions[n - 1].key()),
                    versions: versions
                        .iter()
                        .map(|c| Opt {
                            value: c.key(),
                            label: format!("{} ({})", text(&c.title, &tr), c.version),
                            selected: chosen.as_deref() == Some(c.key().as_str()),
                        })
                        .collect(),
                })
            })
            .collect::<Vec<_>>()
    };
    for id in &ids {
        let versions = loaded.versions_of(id);
        if let [only] = versions.as_slice() {
            single.push(format!("{} ({})", text(&only.title, &tr), only.version));
        }
    }
    let page = DiffPage {
        from: groups(&from),
        to: groups(&to),
        single,
        result,
        l,
        error: error.clone(),
    };
    Ok(if error.is_some() {
        super::render_status(axum::http::StatusCode::BAD_REQUEST, &page)
    } else {
        render(&page)
    })
}

fn diff_view(tr: &Tr, a: &Catalog, b: &Catalog) -> DiffView {
    let d = etterlev_catalog::diff(a, b);
    let s = &d.summary;
    let summary = tr.msg_with(
        "diff-summary",
        &[
            ("added", s.added.to_string()),
            ("removed", s.removed.to_string()),
            ("changed", s.changed.to_string()),
            ("moved", s.moved.to_string()),
        ],
    );
    let groups = [
        ChangeKind::Added,
        ChangeKind::Removed,
        ChangeKind::Changed,
        ChangeKind::Moved,
    ]
    .into_iter()
    .map(|kind| DiffGroup {
        kind: kind.as_str(),
        heading: tr.msg(&format!("diff-{}", kind.as_str())),
        entries: d
            .of_kind(kind)
            .map(|e| EntryView {
                id: e.id.clone(),
                previous_id: e.previous_id.clone(),
                label: e.label.clone(),
                title: e.title.clone(),
                moved_from: e.moved_from.clone(),
                moved_to: e.moved_to.clone(),
                fields: e
                    .fields
                    .iter()
                    .map(|f| FieldView {
                        name: tr.msg(&format!("diff-field-{}", f.field)),
                        segments: if f.field == "tags" {
                            tag_segments(tr, &f.segments)
                        } else {
                            f.segments.clone()
                        },
                    })
                    .collect(),
                link_key: if kind == ChangeKind::Removed { a.key() } else { b.key() },
            })
            .collect(),
    })
    .collect();
    DiffView {
        from: a.key(),
        to: b.key(),
        summary,
        groups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

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
        assert_eq!(crate::i18n::format_date("2022-12-14"), "14.12.2022");
        assert_eq!(crate::i18n::format_date("soon"), "soon");
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
