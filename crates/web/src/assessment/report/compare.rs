use super::*;

// ------------------------------------------------------------------ compare

pub(super) struct CompareChapter {
    pub(super) label: String,
    pub(super) title: String,
    pub(super) a: Option<String>,
    pub(super) b: Option<String>,
    pub(super) a_maturity: Option<String>,
    pub(super) b_maturity: Option<String>,
    pub(super) changed: bool,
}

pub(super) struct CompareRow {
    pub(super) id: String,
    pub(super) label: String,
    pub(super) title: String,
    pub(super) a: Option<String>,
    pub(super) b: Option<String>,
    pub(super) a_status: &'static str,
    pub(super) b_status: &'static str,
    pub(super) changed: bool,
    /// What changed from the first to the second: `better`, `worse`,
    /// `other` (to or from not applicable), `added`, `removed` or `none`.
    pub(super) change: &'static str,
    pub(super) change_label: String,
}

pub(super) struct CompareView {
    pub(super) a: Head,
    pub(super) b: Head,
    pub(super) a_overall: String,
    pub(super) b_overall: String,
    pub(super) chapters: Vec<CompareChapter>,
    pub(super) rows: Vec<CompareRow>,
    pub(super) changed: usize,
    pub(super) total: usize,
    pub(super) only_changes: bool,
}

#[derive(Template)]
#[template(path = "assessment/compare.html")]
pub(super) struct ComparePage {
    pub(super) l: Layout,
    pub(super) a_options: Vec<Opt>,
    pub(super) b_options: Vec<Opt>,
    pub(super) only_changes: bool,
    pub(super) result: Option<CompareView>,
}

pub(super) fn param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

pub async fn compare(State(state): State<AppState>, auth: Auth, RawQuery(query): RawQuery) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let loaded = loaded(&state).await?;
    let l = Layout::for_user(&auth);
    let tr = l.tr;
    let pa = param(query.as_deref(), "a");
    let pb = param(query.as_deref(), "b");
    // Anything but "1" (an old link, a typo) shows every row.
    let only_changes = param(query.as_deref(), "changes").as_deref() == Some("1");
    let all = ts.list_assessments().await?;
    let options = |chosen: &Option<String>| {
        all.iter()
            .map(|o| Opt {
                value: o.id.clone(),
                label: format!("{} – {}", o.title, catalog_name(&loaded, &o.catalog_key, &tr)),
                selected: chosen.as_deref() == Some(o.id.as_str()),
            })
            .collect::<Vec<_>>()
    };
    let result = match (&pa, &pb) {
        (Some(x), Some(y)) => {
            let a = ts.assessment(object_id(x)?).await?;
            let b = ts.assessment(object_id(y)?).await?;
            let mut view = compare_view(&ts, &loaded, &a, &b, &tr).await?;
            if only_changes {
                view.rows.retain(|r| r.changed);
                view.chapters.retain(|c| c.changed);
                view.only_changes = true;
            }
            Some(view)
        }
        (None, None) => None,
        _ => return Err(AppError::BadRequest(tr.msg("compare-choose-both"))),
    };
    Ok(render(&ComparePage {
        a_options: options(&pa),
        b_options: options(&pb),
        only_changes,
        result,
        l,
    }))
}

pub(super) async fn compare_view(
    ts: &TenantStore<'_>,
    loaded: &Loaded,
    a: &Assessment,
    b: &Assessment,
    tr: &Tr,
) -> AppResult<CompareView> {
    let (ca, cb) = (catalog_of(loaded, a)?, catalog_of(loaded, b)?);
    let (answers_a, answers_b) = (ts.answers(&a.id).await?, ts.answers(&b.id).await?);
    let (sa, sb) = (
        Sheet::new(ca, &a.profile, &answers_a),
        Sheet::new(cb, &b.profile, &answers_b),
    );
    // Chapters and requirements of the newer side first, then what only
    // the other side has; matched by id.
    let mut chapters = Vec::new();
    let mut seen = HashSet::new();
    for c in sb.chapters.iter().chain(sa.chapters.iter()) {
        if !seen.insert(c.id.as_str()) {
            continue;
        }
        let score = |s: &Sheet<'_>| s.chapters.iter().any(|x| x.id == c.id).then(|| s.chapter_score(&c.id));
        let (x, y) = (score(&sa), score(&sb));
        chapters.push(CompareChapter {
            label: c.label().to_owned(),
            title: text(&c.title, tr),
            a: x.map(|s| pct(s.compliance)),
            b: y.map(|s| pct(s.compliance)),
            a_maturity: x.map(|s| pct(s.maturity)),
            b_maturity: y.map(|s| pct(s.maturity)),
            changed: x.map(|s| (s.compliance.round(), s.maturity.round()))
                != y.map(|s| (s.compliance.round(), s.maturity.round())),
        });
    }
    let status_a: HashMap<&str, AnswerStatus> = sa.rows.iter().map(|r| (r.node.id.as_str(), r.status())).collect();
    let status_b: HashMap<&str, AnswerStatus> = sb.rows.iter().map(|r| (r.node.id.as_str(), r.status())).collect();
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    for r in sb.rows.iter().chain(sa.rows.iter()) {
        let id = r.node.id.as_str();
        if !seen.insert(id) {
            continue;
        }
        let (x, y) = (status_a.get(id).copied(), status_b.get(id).copied());
        let change = change_of(x, y);
        rows.push(CompareRow {
            id: id.to_owned(),
            label: r.node.label().to_owned(),
            title: text(&r.node.title, tr),
            a: x.map(|s| status_name(tr, s)),
            b: y.map(|s| status_name(tr, s)),
            a_status: x.map_or("none", AnswerStatus::as_str),
            b_status: y.map_or("none", AnswerStatus::as_str),
            changed: x != y,
            change,
            change_label: tr.msg(&format!("compare-change-{change}")),
        });
    }
    Ok(CompareView {
        a: Head::new(a, loaded, tr),
        b: Head::new(b, loaded, tr),
        a_overall: pct(sa.scores.overall.compliance),
        b_overall: pct(sb.scores.overall.compliance),
        changed: rows.iter().filter(|r| r.changed).count(),
        total: rows.len(),
        only_changes: false,
        chapters,
        rows,
    })
}

/// How a requirement's status moved from the first assessment to the
/// second; see [`CompareRow::change`].
pub(super) fn change_of(a: Option<AnswerStatus>, b: Option<AnswerStatus>) -> &'static str {
    // How far the work has come; not applicable is not on this scale.
    let rank = |s: AnswerStatus| match s {
        AnswerStatus::NotStarted => Some(0),
        AnswerStatus::Partly => Some(1),
        AnswerStatus::Implemented => Some(2),
        AnswerStatus::Verified => Some(3),
        AnswerStatus::NotApplicable => None,
    };
    match (a, b) {
        (None, Some(_)) => "added",
        (Some(_), None) => "removed",
        (None, None) => "none",
        (Some(x), Some(y)) if x == y => "none",
        (Some(x), Some(y)) => match (rank(x), rank(y)) {
            (Some(p), Some(q)) if q > p => "better",
            (Some(_), Some(_)) => "worse",
            _ => "other",
        },
    }
}
