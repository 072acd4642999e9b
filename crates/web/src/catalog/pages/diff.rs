use super::*;

// ------------------------------------------------------------------ diff

pub(super) struct FieldView {
    pub(super) name: String,
    /// The language the field's text is in, whatever the page's language.
    pub(super) lang: Option<&'static str>,
    pub(super) segments: Vec<Segment>,
}

pub(super) struct EntryView {
    pub(super) id: String,
    pub(super) previous_id: Option<String>,
    pub(super) label: String,
    pub(super) title: String,
    pub(super) moved_from: Option<String>,
    pub(super) moved_to: Option<String>,
    pub(super) fields: Vec<FieldView>,
    /// Link to the node in the version it exists in.
    pub(super) link_key: String,
}

pub(super) struct DiffGroup {
    pub(super) kind: &'static str,
    pub(super) heading: String,
    pub(super) entries: Vec<EntryView>,
}

pub(super) struct DiffView {
    pub(super) from: String,
    pub(super) to: String,
    pub(super) summary: String,
    pub(super) groups: Vec<DiffGroup>,
}

/// One catalogue with two or more versions: what can be compared.
pub(super) struct Comparable {
    pub(super) title: String,
    pub(super) versions: Vec<Opt>,
    /// The two newest versions, oldest first: the usual comparison.
    pub(super) latest: (String, String),
}

#[derive(Template)]
#[template(path = "catalog/diff.html")]
pub(super) struct DiffPage {
    pub(super) l: Layout,
    pub(super) from: Vec<Comparable>,
    pub(super) to: Vec<Comparable>,
    /// Catalogues with a single version (nothing to compare yet).
    pub(super) single: Vec<String>,
    pub(super) error: Option<String>,
    pub(super) result: Option<DiffView>,
}

pub(super) async fn diff(State(state): State<AppState>, auth: Auth, RawQuery(query): RawQuery) -> Response {
    let r = diff_page(&state, &auth, query).await;
    in_layout(&auth, r)
}

pub(super) async fn diff_page(state: &AppState, auth: &Auth, query: Option<String>) -> AppResult<Response> {
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
        crate::kit::render_status(axum::http::StatusCode::BAD_REQUEST, &page)
    } else {
        render(&page)
    })
}

pub(super) fn diff_view(tr: &Tr, a: &Catalog, b: &Catalog) -> DiffView {
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
                // In the page's language: the removed node from the old
                // version, every other from the new one.
                title: if kind == ChangeKind::Removed { a } else { b }
                    .node(&e.id)
                    .map_or_else(|| e.title.clone(), |n| text(&n.title, tr)),
                moved_from: e.moved_from.clone(),
                moved_to: e.moved_to.clone(),
                fields: e
                    .fields
                    .iter()
                    .map(|f| FieldView {
                        name: tr.msg(&format!("diff-field-{}", f.field)),
                        lang: match f.field {
                            "title_en" | "text_en" => Some("en"),
                            "title" | "text" | "question" => Some("nb"),
                            _ => None,
                        },
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
