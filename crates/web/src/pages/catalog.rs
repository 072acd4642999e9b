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
use etterlev_catalog::diff::Segment;
use etterlev_catalog::{
    Applicability, Catalog, ChangeKind, Exclusion, Mapping, Node, NodeKind, Profile, Relation, exclusions,
};
use etterlev_core::{Condition, SizeClass, TenantKind};

use super::{Layout, query_param, render, text};
use crate::AppState;
use crate::catalogs::{Loaded, ProfileParams, is_key, is_slug};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
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
}

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

async fn list(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let loaded = loaded(&state).await?;
    let l = Layout::for_user(&auth);
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
    applicable: usize,
    total: usize,
    excluded: Vec<ExcludedRow>,
    previous: Option<String>,
}

/// What a tree is filtered by: the request's parameters, else the current
/// tenant's kind and size, else nothing (`all=1` asks for nothing).
fn profile_for(auth: &Auth, query: Option<&str>) -> AppResult<(Option<Profile>, ProfileParams)> {
    let params = ProfileParams::from_query(query);
    let all = form_urlencoded::parse(query.unwrap_or("").as_bytes()).any(|(k, v)| k == "all" && v == "1");
    if all {
        return Ok((None, params));
    }
    if !params.is_empty() {
        let profile = params.profile().map_err(AppError::BadRequest)?;
        return Ok((Some(profile), params));
    }
    let tenant = auth
        .scope
        .as_ref()
        .and_then(|s| auth.memberships.iter().find(|m| m.tenant.id == s.tenant_id()))
        .map(|m| &m.tenant);
    Ok((tenant.map(|t| Profile::new(t.kind, t.size_class, [])), params))
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

/// The rows of the tree that apply to `profile` (every row without one).
/// Chapters and sections stay when something under them applies, or when
/// they have nothing under them at all.
fn visible_rows<'a>(catalog: &'a Catalog, profile: Option<&Profile>) -> Vec<(usize, &'a Node)> {
    let order = catalog.tree_order();
    let Some(profile) = profile else {
        return order;
    };
    let has_children: HashSet<&str> = catalog.nodes.iter().filter_map(|n| n.parent.as_deref()).collect();
    let mut has_visible_child: HashSet<&str> = HashSet::new();
    let mut visible: HashSet<&str> = HashSet::new();
    for (_, node) in order.iter().rev() {
        let own = exclusions(catalog, node, profile).is_empty();
        let shown = own
            && (!node.kind.is_structural()
                || has_visible_child.contains(node.id.as_str())
                || !has_children.contains(node.id.as_str()));
        if shown {
            visible.insert(&node.id);
            if let Some(p) = &node.parent {
                has_visible_child.insert(p);
            }
        }
    }
    order
        .into_iter()
        .filter(|(_, n)| visible.contains(n.id.as_str()))
        .collect()
}

async fn tree(
    State(state): State<AppState>,
    auth: Auth,
    Path(key): Path<String>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let loaded = loaded(&state).await?;
    if let Some(newest) = newest_version(&loaded, &key) {
        // `/catalog/normen` is the link people share: send it to the newest version.
        let target = match query.as_deref() {
            Some(q) if !q.is_empty() => format!("/catalog/{}?{q}", newest.key()),
            _ => format!("/catalog/{}", newest.key()),
        };
        return Ok(axum::response::Redirect::to(&target).into_response());
    }
    let catalog = find_catalog(&loaded, &key)?;
    let (profile, params) = profile_for(&auth, query.as_deref())?;
    let l = Layout::for_user(&auth);
    let tr = l.tr;
    let rows = visible_rows(catalog, profile.as_ref())
        .into_iter()
        .map(|(depth, n)| TreeRow {
            depth: depth.min(6),
            id: n.id.clone(),
            label: n.label().to_owned(),
            title: text(&n.title, &tr),
            kind: n.kind.as_str(),
            kind_label: node_kind_name(&tr, n.kind),
            verified: n.verified,
            structural: n.kind.is_structural(),
        })
        .collect();
    let total = catalog.assessable().count();
    let (applicable, excluded) = match &profile {
        Some(p) => {
            let f = etterlev_catalog::filter(catalog, p);
            let excluded = f
                .excluded
                .iter()
                .map(|(n, reasons)| ExcludedRow {
                    id: n.id.clone(),
                    label: n.label().to_owned(),
                    title: text(&n.title, &tr),
                    reasons: reasons.iter().map(|r| reason_text(catalog, r, &tr)).collect(),
                })
                .collect();
            (f.applicable.len(), excluded)
        }
        None => (total, Vec::new()),
    };
    let versions = loaded.versions_of(&catalog.id);
    let here = versions.iter().position(|c| c.key() == key);
    let previous = here.and_then(|i| i.checked_sub(1)).map(|i| versions[i].key());
    Ok(render(&TreePage {
        filter: filter_form(&tr, profile.as_ref(), &params),
        filtered_for: profile
            .as_ref()
            .map(|p| tr.profile_words(p.kind, p.size, p.conditions.iter().copied())),
        key,
        title: text(&catalog.title, &tr),
        version: catalog.version.clone(),
        date: catalog.date.clone(),
        status: catalog_status(catalog).map(|s| status_name(&tr, s)),
        description: catalog.description.as_ref().map(|d| text(d, &tr)),
        rows,
        applicable,
        total,
        excluded,
        previous,
        l,
    }))
}

// ------------------------------------------------------------------ node

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
    text_nb: Option<String>,
    text_en: Option<String>,
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

async fn node(
    State(state): State<AppState>,
    auth: Auth,
    Path((key, node_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let loaded = loaded(&state).await?;
    let catalog = find_catalog(&loaded, &key)?;
    if !is_slug(&node_id) {
        return Err(AppError::NotFound);
    }
    let n = catalog.node(&node_id).ok_or(AppError::NotFound)?;
    let l = Layout::for_user(&auth);
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
        title_en: n.title.en.clone(),
        kind: n.kind.as_str(),
        kind_label: node_kind_name(&tr, n.kind),
        verified: n.verified,
        text_nb: n.text.as_ref().map(|t| t.nb.clone()),
        text_en: n.text.as_ref().and_then(|t| t.en.clone()),
        ancestors,
        children,
        rules,
        tags: n.tags.clone(),
        references,
        related,
        question: n.question.as_ref().map(|q| text(&q.text(), &tr)),
        question_help: n.question.as_ref().and_then(|q| q.help.as_ref()).map(|h| text(h, &tr)),
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

async fn search(State(state): State<AppState>, auth: Auth, RawQuery(query): RawQuery) -> AppResult<Response> {
    let loaded = loaded(&state).await?;
    let q = query_param(query.as_deref(), "q").unwrap_or_default();
    let only = query_param(query.as_deref(), "catalog");
    if let Some(key) = &only {
        find_catalog(&loaded, key)?;
    }
    let l = Layout::for_user(&auth);
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
}

#[derive(Template)]
#[template(path = "catalog_mapping.html")]
struct MappingPage {
    l: Layout,
    title: String,
    description: Option<String>,
    from_key: String,
    from_title: String,
    to_key: String,
    to_title: String,
    date: String,
    rows: Vec<MappingEntryRow>,
    gaps: usize,
}

async fn mapping(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let loaded = loaded(&state).await?;
    if !is_slug(&id) {
        return Err(AppError::NotFound);
    }
    let m: &Mapping = loaded.mapping(&id).ok_or(AppError::NotFound)?;
    let l = Layout::for_user(&auth);
    let tr = l.tr;
    let (from_key, to_key) = (m.from.key(), m.to.key());
    let title_of = |key: &str| {
        loaded
            .catalog(key)
            .map(|c| text(&c.title, &tr))
            .unwrap_or_else(|| key.to_owned())
    };
    let rows = m
        .entries
        .iter()
        .map(|e| MappingEntryRow {
            from: e.from.as_deref().map(|f| node_link(&loaded, &from_key, f, &tr)),
            relation: e.relation.as_str(),
            relation_label: relation_name(&tr, e.relation),
            to: node_link(&loaded, &to_key, &e.to, &tr),
            note: e.note.as_ref().map(|t| text(t, &tr)),
        })
        .collect();
    Ok(render(&MappingPage {
        title: text(&m.title, &tr),
        description: m.description.as_ref().map(|d| text(d, &tr)),
        from_title: title_of(&from_key),
        to_title: title_of(&to_key),
        from_key,
        to_key,
        date: m.date.clone(),
        gaps: m.entries.iter().filter(|e| e.relation == Relation::Gap).count(),
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

#[derive(Template)]
#[template(path = "catalog_diff.html")]
struct DiffPage {
    l: Layout,
    from: Vec<Opt>,
    to: Vec<Opt>,
    result: Option<DiffView>,
}

async fn diff(State(state): State<AppState>, auth: Auth, RawQuery(query): RawQuery) -> AppResult<Response> {
    let loaded = loaded(&state).await?;
    let from = query_param(query.as_deref(), "from");
    let to = query_param(query.as_deref(), "to");
    let l = Layout::for_user(&auth);
    let tr = l.tr;
    let result = match (&from, &to) {
        (Some(from), Some(to)) => {
            let (a, b) = loaded
                .diff_pair(from, to)
                .map_err(AppError::BadRequest)?
                .ok_or(AppError::NotFound)?;
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
                                segments: f.segments.clone(),
                            })
                            .collect(),
                        link_key: if kind == ChangeKind::Removed { a.key() } else { b.key() },
                    })
                    .collect(),
            })
            .collect();
            Some(DiffView {
                from: a.key(),
                to: b.key(),
                summary,
                groups,
            })
        }
        (None, None) => None,
        _ => return Err(AppError::BadRequest(tr.msg("diff-choose-both"))),
    };
    let options = |chosen: &Option<String>| {
        loaded
            .set
            .catalogs
            .iter()
            .map(|c| Opt {
                value: c.key(),
                label: format!("{} ({})", text(&c.title, &tr), c.version),
                selected: chosen.as_deref() == Some(c.key().as_str()),
            })
            .collect::<Vec<_>>()
    };
    Ok(render(&DiffPage {
        from: options(&from),
        to: options(&to),
        result,
        l,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

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
