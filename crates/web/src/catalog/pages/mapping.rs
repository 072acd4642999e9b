use super::*;

// ------------------------------------------------------------------ search

pub(super) struct HitView {
    pub(super) key: String,
    pub(super) catalog_title: String,
    pub(super) id: String,
    pub(super) label: String,
    pub(super) title: String,
    pub(super) snippet: Vec<SnippetPart>,
}

#[derive(Template)]
#[template(path = "catalog/search.html")]
pub(super) struct SearchPage {
    pub(super) l: Layout,
    pub(super) q: String,
    pub(super) catalogs: Vec<Opt>,
    pub(super) hits: Vec<HitView>,
    pub(super) searched: bool,
}

pub(super) async fn search(State(state): State<AppState>, auth: Auth, RawQuery(query): RawQuery) -> Response {
    let r = search_page(&state, &auth, query).await;
    in_layout(&auth, r)
}

pub(super) async fn search_page(state: &AppState, auth: &Auth, query: Option<String>) -> AppResult<Response> {
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

pub(super) struct MappingEntryRow {
    pub(super) from: Option<NodeLink>,
    pub(super) relation: &'static str,
    pub(super) relation_label: String,
    pub(super) to: NodeLink,
    pub(super) note: Option<String>,
    /// The named gap area the entry belongs to: its id and title.
    pub(super) area: Option<(String, String)>,
    /// The enterprise's own answer for this row's requirement, if it has an
    /// assessment on either side's catalogue.
    pub(super) own: Option<OwnStatus>,
}

/// An area an authority named as not covered, with its entries counted.
pub(super) struct GapAreaView {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) note: Option<String>,
    pub(super) source: String,
    pub(super) source_url: Option<String>,
    pub(super) entries: usize,
}

/// A link to the enterprise's answer for one requirement in its newest
/// assessment of a catalogue ("not answered" when there is no answer).
pub(super) struct OwnStatus {
    pub(super) href: String,
    pub(super) label: String,
    pub(super) status: &'static str,
}

/// The enterprise's newest assessment of one of the mapping's catalogues
/// (same catalogue id, any version; the from side first) and its answers.
pub(super) struct OwnAnswers {
    pub(super) assessment_id: String,
    pub(super) title: String,
    /// The assessment is on the mapping's from side.
    pub(super) from_side: bool,
    pub(super) answers: HashMap<String, etterlev_core::AnswerStatus>,
}

pub(super) async fn own_answers(state: &AppState, auth: &Auth, m: &Mapping) -> AppResult<Option<OwnAnswers>> {
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
#[template(path = "catalog/mapping.html")]
pub(super) struct MappingPage {
    pub(super) l: Layout,
    pub(super) id: String,
    pub(super) title: String,
    pub(super) description: Option<String>,
    pub(super) from_key: String,
    pub(super) from_title: String,
    pub(super) to_key: String,
    pub(super) to_title: String,
    pub(super) date: String,
    pub(super) rows: Vec<MappingEntryRow>,
    pub(super) gaps: usize,
    pub(super) total: usize,
    pub(super) only_gaps: bool,
    pub(super) areas: Vec<GapAreaView>,
    /// The gap area the rows are narrowed to (`?area=`), by title.
    pub(super) only_area: Option<String>,
    /// Title of the assessment the status column comes from.
    pub(super) own_title: Option<String>,
}

pub(super) async fn mapping(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let r = mapping_page(&state, &auth, id, query).await;
    in_layout(&auth, r)
}

pub(super) async fn mapping_page(
    state: &AppState,
    auth: &Auth,
    id: String,
    query: Option<String>,
) -> AppResult<Response> {
    let loaded = loaded(state).await?;
    if !is_slug(&id) {
        return Err(AppError::NotFound);
    }
    let m: &Mapping = loaded.mapping(&id).ok_or(AppError::NotFound)?;
    let only_gaps = query_param(query.as_deref(), "only").as_deref() == Some("gaps");
    let only_area = query_param(query.as_deref(), "area").filter(|a| m.gap_areas.iter().any(|g| &g.id == a));
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
                |s| crate::kit::labels::status_name(&tr, *s),
            ),
            status: status.map_or("none", |s| s.as_str()),
        })
    };
    let rows = m
        .entries
        .iter()
        .filter(|e| !only_gaps || e.relation == Relation::Gap)
        .filter(|e| only_area.is_none() || e.gap_area == only_area)
        .map(|e| MappingEntryRow {
            area: e.gap_area.as_ref().and_then(|id| {
                let g = m.gap_areas.iter().find(|g| &g.id == id)?;
                Some((g.id.clone(), text(&g.title, &tr)))
            }),
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
        date: crate::kit::i18n::format_date(&m.date),
        gaps: m.entries.iter().filter(|e| e.relation == Relation::Gap).count(),
        total: m.entries.len(),
        only_gaps,
        areas: m
            .gap_areas
            .iter()
            .map(|g| GapAreaView {
                id: g.id.clone(),
                title: text(&g.title, &tr),
                note: g.note.as_ref().map(|n| text(n, &tr)),
                source: g.source.citation(),
                source_url: g.source.url.as_deref().and_then(web_link),
                entries: m.entries.iter().filter(|e| e.gap_area.as_ref() == Some(&g.id)).count(),
            })
            .collect(),
        only_area: only_area
            .and_then(|a| m.gap_areas.iter().find(|g| g.id == a))
            .map(|g| text(&g.title, &tr)),
        own_title: own.map(|o| o.title),
        rows,
        l,
    }))
}
