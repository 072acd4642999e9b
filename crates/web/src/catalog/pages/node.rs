use super::*;

// ------------------------------------------------------------------ node

/// A node's texts in their source language, when they have one.
pub(super) fn orig_view(n: &Node) -> Option<OrigView> {
    let title = n.title.orig.as_ref();
    let text = n.text.as_ref().and_then(|t| t.orig.as_ref());
    let lang = title.or(text)?.lang.clone();
    Some(OrigView {
        lang,
        title: title.map(|o| o.text.clone()),
        // Escaped here: the template inserts node texts as markup.
        text: text.map(|o| crate::catalog::glossary::escape(&o.text)),
    })
}

pub(super) struct RefView {
    pub(super) kind: String,
    pub(super) citation: String,
    pub(super) url: Option<String>,
}

/// One recorded check of the node against its source.
pub(super) struct CheckView {
    pub(super) date: String,
    pub(super) url: Option<String>,
    /// What the source confirmed; recorded in English.
    pub(super) confirmed: String,
}

pub(super) struct MappingLine {
    pub(super) mapping_id: String,
    pub(super) mapping_title: String,
    pub(super) from: Option<NodeLink>,
    pub(super) relation: &'static str,
    pub(super) relation_label: String,
    pub(super) to: NodeLink,
    pub(super) note: Option<String>,
    /// This node is the `from` side.
    pub(super) outgoing: bool,
}

pub(super) struct OrigView {
    pub(super) lang: String,
    pub(super) title: Option<String>,
    pub(super) text: Option<String>,
}

pub(super) struct RuleFrom {
    pub(super) node: String,
    pub(super) lines: Vec<String>,
}

#[derive(Template)]
#[template(path = "catalog/node.html")]
pub(super) struct NodePage {
    pub(super) l: Layout,
    pub(super) key: String,
    pub(super) catalog_title: String,
    pub(super) label: String,
    pub(super) title: String,
    pub(super) title_nb: String,
    pub(super) title_en: Option<String>,
    pub(super) kind: &'static str,
    pub(super) kind_label: String,
    pub(super) verified: bool,
    /// The number is ours, not the source's.
    pub(super) reconstructed: bool,
    /// A Normen node supported only by other documents than Normen's text.
    pub(super) other_basis: bool,
    pub(super) checks: Vec<CheckView>,
    pub(super) withdrawn: bool,
    pub(super) text_nb: Option<String>,
    pub(super) text_en: Option<String>,
    /// The text in its source language (an imported French library …).
    pub(super) orig: Option<OrigView>,
    pub(super) ancestors: Vec<NodeLink>,
    pub(super) children: Vec<NodeLink>,
    pub(super) rules: Vec<RuleFrom>,
    pub(super) tags: Vec<String>,
    pub(super) references: Vec<RefView>,
    pub(super) related: Vec<NodeLink>,
    pub(super) question: Option<String>,
    pub(super) question_help: Option<String>,
    pub(super) mappings: Vec<MappingLine>,
}

pub(super) async fn node(
    State(state): State<AppState>,
    auth: Auth,
    Path((key, node_id)): Path<(String, String)>,
) -> Response {
    let r = node_page(&state, &auth, key, node_id).await;
    in_layout(&auth, r)
}

pub(super) async fn node_page(state: &AppState, auth: &Auth, key: String, node_id: String) -> AppResult<Response> {
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
            url: r.url.as_deref().and_then(web_link),
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
        reconstructed: catalog.number_is_ours(n),
        other_basis: catalog.id == etterlev_catalog::fidelity::NORMEN_ID
            && !n.kind.is_structural()
            && !n.references.is_empty()
            && n.references
                .iter()
                .all(|r| r.kind != etterlev_catalog::ReferenceKind::Normen),
        checks: n
            .checks
            .iter()
            .map(|c| CheckView {
                date: crate::kit::i18n::format_date(&c.date),
                url: web_link(&c.url),
                confirmed: c.confirmed.clone(),
            })
            .collect(),
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

pub(super) fn reference_kind(k: etterlev_catalog::ReferenceKind) -> &'static str {
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
