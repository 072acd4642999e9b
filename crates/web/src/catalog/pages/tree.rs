use super::*;

// ------------------------------------------------------------------ list

pub(super) struct CatalogRow {
    pub(super) key: String,
    pub(super) title: String,
    pub(super) version: String,
    pub(super) date: String,
    pub(super) status: Option<String>,
    pub(super) requirements: usize,
    pub(super) previous: Option<String>,
}

pub(super) struct MappingRow {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) from: String,
    pub(super) from_title: String,
    pub(super) to: String,
    pub(super) to_title: String,
    pub(super) entries: usize,
    pub(super) gaps: usize,
}

#[derive(Template)]
#[template(path = "catalog/list.html")]
pub(super) struct ListPage {
    pub(super) l: Layout,
    pub(super) catalogs: Vec<CatalogRow>,
    pub(super) mappings: Vec<MappingRow>,
}

pub(super) async fn list(State(state): State<AppState>, auth: Auth) -> Response {
    let r = list_page(&state, &auth).await;
    in_layout(&auth, r)
}

pub(super) async fn list_page(state: &AppState, auth: &Auth) -> AppResult<Response> {
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
            date: crate::kit::i18n::format_date(&c.date),
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

pub(super) struct TreeRow {
    pub(super) depth: usize,
    pub(super) id: String,
    pub(super) label: String,
    pub(super) title: String,
    pub(super) kind: &'static str,
    pub(super) kind_label: String,
    pub(super) verified: bool,
    /// The number is ours, not the source's.
    pub(super) reconstructed: bool,
    pub(super) structural: bool,
    /// Not yet required for this enterprise: shown so it can prepare.
    pub(super) prepare: bool,
    pub(super) withdrawn: bool,
}

pub(super) struct ExcludedRow {
    pub(super) id: String,
    pub(super) label: String,
    pub(super) title: String,
    pub(super) reasons: Vec<String>,
}

pub(super) struct Filter {
    pub(super) kinds: Vec<Opt>,
    pub(super) sizes: Vec<Opt>,
    pub(super) staff: String,
    pub(super) conditions: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "catalog/tree.html")]
pub(super) struct TreePage {
    pub(super) l: Layout,
    pub(super) key: String,
    pub(super) title: String,
    pub(super) version: String,
    pub(super) date: String,
    pub(super) status: Option<String>,
    pub(super) description: Option<String>,
    /// Some numbers are ours: the page says how they are marked.
    pub(super) reconstructed_numbers: bool,
    pub(super) rows: Vec<TreeRow>,
    pub(super) filter: Filter,
    /// The profile the tree is filtered for, in words; None: everything.
    pub(super) filtered_for: Option<String>,
    /// The filter is the enterprise's stored profile (not the request's).
    pub(super) from_enterprise: bool,
    pub(super) applicable: usize,
    /// Requirements not yet required but shown to prepare for (NIS2).
    pub(super) prepare: usize,
    pub(super) total: usize,
    pub(super) excluded: Vec<ExcludedRow>,
    pub(super) previous: Option<String>,
    /// The newest version's key, when this one is older.
    pub(super) newest: Option<String>,
    pub(super) downloads: Vec<Download>,
    /// The catalogue's own language when it is neither bokmål nor English.
    pub(super) source_language: Option<String>,
}

/// What a tree is filtered by: the request's parameters, else the selected
/// enterprise's stored profile (kind, size and conditions, the same one new
/// assessments and the wizard start from), else nothing (`all=1` asks for
/// nothing). The flag says whether the profile came from the enterprise.
pub(super) async fn profile_for(
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
    let profile = crate::accounts::enterprise_profile(state, auth).await?.map(|(p, _)| p);
    let from_enterprise = profile.is_some();
    Ok((profile, params, from_enterprise))
}

pub(super) fn filter_form(tr: &Tr, profile: Option<&Profile>, params: &ProfileParams) -> Filter {
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
pub(super) fn visible_rows<'a>(catalog: &'a Catalog, profile: Option<&Profile>) -> Vec<(usize, &'a Node, bool)> {
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

pub(super) async fn tree(
    State(state): State<AppState>,
    auth: Auth,
    Path(key): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let r = tree_page(&state, &auth, key, query).await;
    in_layout(&auth, r)
}

pub(super) async fn tree_page(
    state: &AppState,
    auth: &Auth,
    key: String,
    query: Option<String>,
) -> AppResult<Response> {
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
    let rows: Vec<TreeRow> = visible_rows(catalog, profile.as_ref())
        .into_iter()
        .map(|(depth, n, prepare)| TreeRow {
            depth: depth.min(6),
            id: n.id.clone(),
            label: n.label().to_owned(),
            title: text(&n.title, &tr),
            kind: n.kind.as_str(),
            kind_label: node_kind_name(&tr, n.kind),
            verified: n.verified,
            reconstructed: catalog.number_is_ours(n),
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
    let newest = newest_version(&loaded, &catalog.id)
        .map(Catalog::key)
        .filter(|newest| *newest != key);
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
        date: crate::kit::i18n::format_date(&catalog.date),
        status: catalog_status(catalog).map(|s| status_name(&tr, s)),
        description: catalog.description.as_ref().map(|d| text(d, &tr)),
        reconstructed_numbers: rows.iter().any(|r| r.reconstructed),
        rows,
        applicable,
        prepare,
        total,
        excluded,
        previous,
        newest,
        downloads,
        source_language: catalog.source_language().map(str::to_owned),
        l,
    }))
}
