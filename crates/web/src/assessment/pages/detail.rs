use super::*;

// ------------------------------------------------------------------ detail

pub(super) struct ReqRow {
    pub(super) id: String,
    pub(super) label: String,
    pub(super) title: String,
    pub(super) status: &'static str,
    pub(super) status_label: String,
    pub(super) answered: bool,
    pub(super) maturity: Option<String>,
    pub(super) owner: Option<String>,
    pub(super) due: Option<String>,
    pub(super) needs_review: bool,
    pub(super) evidence: usize,
}

pub(super) struct ChapterView {
    pub(super) id: String,
    pub(super) label: String,
    pub(super) title: String,
    /// None for the one list of a sorted view, which has no score line.
    pub(super) score: Option<ChapterScore>,
    pub(super) rows: Vec<ReqRow>,
}

pub(super) struct ChapterScore {
    pub(super) compliance: String,
    pub(super) maturity: String,
    pub(super) applicable: u32,
    pub(super) met: u32,
}

/// The requirement table's filter and sort, read from the URL. Values that
/// are unknown or malformed are ignored (shown as "all"), never an error,
/// so an old bookmark still opens the page.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct RowFilter {
    pub chapter: Option<String>,
    pub status: Option<AnswerStatus>,
    /// `Some(None)`: requirements without an owner.
    pub owner: Option<Option<String>>,
    pub q: String,
    pub sort: SortKey,
    pub desc: bool,
}

/// The owner filter's value for "no owner"; no owner can be this because
/// owners are trimmed one-line text.
pub(super) const NO_OWNER: &str = " ";
pub(super) const Q_MAX: usize = 200;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortKey {
    /// Reading order, grouped by chapter.
    #[default]
    Requirement,
    Status,
    Maturity,
    Owner,
    Due,
    Evidence,
}

impl SortKey {
    pub(super) const ALL: [SortKey; 6] = [
        SortKey::Requirement,
        SortKey::Status,
        SortKey::Maturity,
        SortKey::Owner,
        SortKey::Due,
        SortKey::Evidence,
    ];

    pub(super) fn as_str(self) -> &'static str {
        match self {
            SortKey::Requirement => "requirement",
            SortKey::Status => "status",
            SortKey::Maturity => "maturity",
            SortKey::Owner => "owner",
            SortKey::Due => "due",
            SortKey::Evidence => "evidence",
        }
    }

    pub(super) fn parse(s: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub(super) fn label_key(self) -> &'static str {
        match self {
            SortKey::Requirement => "assessment-col-requirement",
            SortKey::Status => "col-status",
            SortKey::Maturity => "answer-field-maturity",
            SortKey::Owner => "answer-field-owner",
            SortKey::Due => "answer-field-due",
            SortKey::Evidence => "evidence-title",
        }
    }
}

impl RowFilter {
    /// Reads the query; the first value of a repeated key counts.
    /// `chapters` and `owners` are the values that exist in the assessment.
    pub fn parse(query: &str, chapters: &[&str], owners: &[String]) -> RowFilter {
        let mut f = RowFilter::default();
        let mut seen: Vec<String> = Vec::new();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            if seen.iter().any(|s| *s == k) {
                continue;
            }
            seen.push(k.to_string());
            match k.as_ref() {
                "chapter" => f.chapter = chapters.iter().find(|c| **c == v).map(|c| (*c).to_owned()),
                "status" => f.status = AnswerStatus::parse(&v),
                "owner" if v == NO_OWNER => f.owner = Some(None),
                "owner" => f.owner = owners.iter().find(|o| **o == v).map(|o| Some(o.clone())),
                "q" => f.q = v.trim().chars().filter(|c| !c.is_control()).take(Q_MAX).collect(),
                "sort" => f.sort = SortKey::parse(&v).unwrap_or_default(),
                "dir" => f.desc = v == "desc",
                _ => {}
            }
        }
        f
    }

    pub fn is_active(&self) -> bool {
        self.chapter.is_some() || self.status.is_some() || self.owner.is_some() || !self.q.is_empty()
    }

    /// The query string for these settings (without `?`), leaving out
    /// defaults.
    pub fn query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(c) = &self.chapter {
            q.append_pair("chapter", c);
        }
        if let Some(s) = self.status {
            q.append_pair("status", s.as_str());
        }
        if let Some(o) = &self.owner {
            q.append_pair("owner", o.as_deref().unwrap_or(NO_OWNER));
        }
        if !self.q.is_empty() {
            q.append_pair("q", &self.q);
        }
        if self.sort != SortKey::Requirement || self.desc {
            q.append_pair("sort", self.sort.as_str());
        }
        if self.desc {
            q.append_pair("dir", "desc");
        }
        q.finish()
    }

    pub(super) fn keeps(&self, r: &ReqRow, chapter: &str, comment: Option<&str>) -> bool {
        if self.chapter.as_deref().is_some_and(|c| c != chapter) {
            return false;
        }
        if self.status.is_some_and(|s| s.as_str() != r.status) {
            return false;
        }
        if let Some(o) = &self.owner
            && *o != r.owner
        {
            return false;
        }
        if !self.q.is_empty() {
            let q = self.q.to_lowercase();
            let hit = [
                Some(r.label.as_str()),
                Some(r.title.as_str()),
                r.owner.as_deref(),
                comment,
            ]
            .into_iter()
            .flatten()
            .any(|t| t.to_lowercase().contains(&q));
            if !hit {
                return false;
            }
        }
        true
    }
}

/// Unstarted work first when sorting by status.
pub(super) fn status_rank(s: &str) -> u8 {
    match AnswerStatus::parse(s) {
        Some(AnswerStatus::NotStarted) => 0,
        Some(AnswerStatus::Partly) => 1,
        Some(AnswerStatus::Implemented) => 2,
        Some(AnswerStatus::Verified) => 3,
        Some(AnswerStatus::NotApplicable) | None => 4,
    }
}

/// Sorts rows (in reading order) by `key`; ties keep reading order, and
/// empty owners and due dates come last in either direction.
pub(super) fn sort_rows(rows: &mut [ReqRow], key: SortKey, desc: bool) {
    use std::cmp::Ordering;
    let flip = |o: Ordering| if desc { o.reverse() } else { o };
    match key {
        SortKey::Requirement => {
            if desc {
                rows.reverse();
            }
        }
        SortKey::Status => rows.sort_by(|a, b| flip(status_rank(a.status).cmp(&status_rank(b.status)))),
        SortKey::Maturity => rows.sort_by(|a, b| {
            let level = |r: &ReqRow| r.maturity.as_deref().and_then(|m| m.parse::<u8>().ok());
            flip(level(a).cmp(&level(b)))
        }),
        SortKey::Owner => rows.sort_by(|a, b| {
            none_last(a.owner.as_deref(), b.owner.as_deref(), desc, |x, y| {
                x.to_lowercase().cmp(&y.to_lowercase())
            })
        }),
        SortKey::Due => rows.sort_by(|a, b| none_last(a.due.as_deref(), b.due.as_deref(), desc, |x, y| x.cmp(y))),
        SortKey::Evidence => rows.sort_by(|a, b| flip(a.evidence.cmp(&b.evidence))),
    }
}

/// Compares two optional texts with `cmp` (reversed when `desc`); a
/// missing one comes last either way.
pub(super) fn none_last(
    a: Option<&str>,
    b: Option<&str>,
    desc: bool,
    cmp: impl Fn(&str, &str) -> std::cmp::Ordering,
) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(x), Some(y)) if desc => cmp(x, y).reverse(),
        (Some(x), Some(y)) => cmp(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// A sortable column head: its link and, for the sorted one, `aria-sort`.
pub(super) struct SortHead {
    pub(super) label: String,
    pub(super) href: String,
    pub(super) aria_sort: Option<&'static str>,
    /// The visible arrow of the sorted column.
    pub(super) mark: &'static str,
    pub(super) num: bool,
}

/// The filter form's choices and state.
pub(super) struct FilterView {
    pub(super) chapters: Vec<Opt>,
    pub(super) statuses: Vec<Opt>,
    pub(super) owners: Vec<Opt>,
    pub(super) no_owner: bool,
    pub(super) q: String,
    pub(super) sort: String,
    pub(super) dir: String,
    pub(super) active: bool,
    pub(super) shown: usize,
    pub(super) heads: Vec<SortHead>,
}

pub(crate) struct Head {
    pub id: String,
    pub title: String,
    pub catalog_key: String,
    pub catalog: String,
    pub period: Option<String>,
    pub owner: Option<String>,
    pub profile: String,
    pub closed: bool,
    pub wizard: bool,
    pub previous: Option<String>,
}

impl Head {
    pub fn new(a: &Assessment, loaded: &Loaded, tr: &Tr) -> Self {
        Head {
            id: a.id.clone(),
            title: a.title.clone(),
            catalog_key: a.catalog_key.clone(),
            catalog: catalog_name(loaded, &a.catalog_key, tr),
            period: period(a),
            owner: a.owner.clone(),
            profile: profile_words(tr, &a.profile),
            closed: a.closed,
            wizard: a.kind == AssessmentKind::Wizard,
            previous: a.previous_id.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "assessment/detail.html")]
pub(super) struct DetailPage {
    pub(super) l: Layout,
    pub(super) a: Head,
    pub(super) version: i64,
    pub(super) compliance: String,
    pub(super) maturity: String,
    pub(super) applicable: u32,
    pub(super) met: u32,
    pub(super) partly: u32,
    pub(super) not_applicable: u32,
    pub(super) answered: usize,
    pub(super) total: usize,
    pub(super) excluded: usize,
    pub(super) review: usize,
    pub(super) chapters: Vec<ChapterView>,
    pub(super) filter: FilterView,
    pub(super) can_edit: bool,
    pub(super) others: Vec<Opt>,
    pub(super) import_errors: Vec<String>,
}

pub(super) async fn detail(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let query = query.unwrap_or_default();
    let imported = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "imported")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    detail_page(&state, &auth, &id, imported, Vec::new(), &query).await
}

/// The assessment page; `import_errors` come from a refused .xlsx import
/// (the page is then a 400), `imported` from a successful one.
pub(crate) async fn detail_page(
    state: &AppState,
    auth: &Auth,
    id: &str,
    imported: Option<usize>,
    import_errors: Vec<String>,
    query: &str,
) -> AppResult<Response> {
    let ts = tenant_store(state, auth)?;
    let a = assessment(&ts, id).await?;
    let loaded = loaded(state).await?;
    let catalog = catalog_of(&loaded, &a)?;
    let answers = ts.answers(&a.id).await?;
    let evidence = ts.evidence(&a.id).await?;
    let mut evidence_count: HashMap<&str, usize> = HashMap::new();
    for e in &evidence {
        *evidence_count.entry(e.node_id.as_str()).or_default() += 1;
    }
    let mut l = Layout::for_user(auth);
    let tr = l.tr;
    if let Some(n) = imported {
        l.notice = Some(tr.msg_with("assessment-imported", &[("count", n.to_string())]));
    }
    let sheet = Sheet::new(catalog, &a.profile, &answers);
    let mut owners: Vec<String> = sheet
        .rows
        .iter()
        .filter_map(|r| r.answer.and_then(|a| a.owner.clone()))
        .collect();
    owners.sort_by_key(|o| o.to_lowercase());
    owners.dedup();
    let chapter_ids: Vec<&str> = sheet.chapters.iter().map(|c| c.id.as_str()).collect();
    let filter = RowFilter::parse(query, &chapter_ids, &owners);
    let req_row = |r: &Row<'_>| ReqRow {
        id: r.node.id.clone(),
        label: r.node.label().to_owned(),
        title: text(&r.node.title, &tr),
        status: r.status().as_str(),
        status_label: status_name(&tr, r.status()),
        answered: r.answer.is_some(),
        maturity: r.maturity().map(|m| m.level().to_string()),
        owner: r.answer.and_then(|a| a.owner.clone()),
        due: r.answer.and_then(|a| a.due_date.clone()),
        needs_review: r.answer.is_some_and(|a| a.needs_review),
        evidence: evidence_count.get(r.node.id.as_str()).copied().unwrap_or(0),
    };
    let kept = |r: &Row<'_>| -> Option<ReqRow> {
        let row = req_row(r);
        let comment = r.answer.and_then(|a| a.comment.as_deref());
        filter.keeps(&row, &r.chapter.id, comment).then_some(row)
    };
    let chapters: Vec<ChapterView> = if filter.sort == SortKey::Requirement && !filter.desc {
        sheet
            .chapters
            .iter()
            .filter_map(|ch| {
                let rows: Vec<ReqRow> = sheet.rows_of(&ch.id).filter_map(kept).collect();
                if rows.is_empty() && filter.is_active() {
                    return None;
                }
                let s = sheet.chapter_score(&ch.id);
                Some(ChapterView {
                    id: ch.id.clone(),
                    label: ch.label().to_owned(),
                    title: text(&ch.title, &tr),
                    score: Some(ChapterScore {
                        compliance: pct(s.compliance),
                        maturity: pct(s.maturity),
                        applicable: s.applicable,
                        met: s.met,
                    }),
                    rows,
                })
            })
            .collect()
    } else {
        // Sorted: one list across chapters, so the order means something.
        let mut rows: Vec<ReqRow> = sheet.rows.iter().filter_map(kept).collect();
        sort_rows(&mut rows, filter.sort, filter.desc);
        if rows.is_empty() {
            Vec::new()
        } else {
            vec![ChapterView {
                id: "sorted".to_owned(),
                label: String::new(),
                title: tr.msg("assessment-sorted-list"),
                score: None,
                rows,
            }]
        }
    };
    let shown: usize = chapters.iter().map(|c| c.rows.len()).sum();
    let heads = SortKey::ALL
        .into_iter()
        .map(|key| {
            let current = filter.sort == key;
            let next = RowFilter {
                sort: key,
                desc: current && !filter.desc,
                ..filter.clone()
            };
            let q = next.query();
            SortHead {
                label: tr.msg(key.label_key()),
                href: if q.is_empty() {
                    format!("/assessments/{}#requirements", a.id)
                } else {
                    format!("/assessments/{}?{q}#requirements", a.id)
                },
                aria_sort: current.then_some(if filter.desc { "descending" } else { "ascending" }),
                mark: match (current, filter.desc) {
                    (false, _) => "",
                    (true, false) => " ▲",
                    (true, true) => " ▼",
                },
                num: matches!(key, SortKey::Maturity | SortKey::Evidence),
            }
        })
        .collect();
    let filter_view = FilterView {
        chapters: sheet
            .chapters
            .iter()
            .map(|c| Opt {
                value: c.id.clone(),
                label: format!("{} {}", c.label(), text(&c.title, &tr)),
                selected: filter.chapter.as_deref() == Some(c.id.as_str()),
            })
            .collect(),
        statuses: AnswerStatus::ALL
            .iter()
            .map(|s| Opt {
                value: s.as_str().to_owned(),
                label: status_name(&tr, *s),
                selected: filter.status == Some(*s),
            })
            .collect(),
        owners: owners
            .iter()
            .map(|o| Opt {
                value: o.clone(),
                label: o.clone(),
                selected: filter.owner.as_ref().is_some_and(|f| f.as_deref() == Some(o.as_str())),
            })
            .collect(),
        no_owner: filter.owner == Some(None),
        q: filter.q.clone(),
        sort: if filter.sort == SortKey::Requirement && !filter.desc {
            String::new()
        } else {
            filter.sort.as_str().to_owned()
        },
        dir: if filter.desc { "desc".to_owned() } else { String::new() },
        active: filter.is_active(),
        shown,
        heads,
    };
    let others = ts
        .list_assessments()
        .await?
        .into_iter()
        .filter(|o| o.id != a.id)
        .map(|o| Opt {
            label: format!("{} – {}", o.title, catalog_name(&loaded, &o.catalog_key, &tr)),
            selected: Some(&o.id) == a.previous_id.as_ref(),
            value: o.id,
        })
        .collect();
    let o = sheet.scores.overall;
    let status = if import_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(render_status(
        status,
        &DetailPage {
            a: Head::new(&a, &loaded, &tr),
            version: a.version,
            compliance: pct(o.compliance),
            maturity: pct(o.maturity),
            applicable: o.applicable,
            met: o.met,
            partly: o.partly,
            not_applicable: o.not_applicable,
            answered: sheet.answered(),
            total: sheet.rows.len(),
            excluded: sheet.excluded,
            review: sheet
                .rows
                .iter()
                .filter(|r| r.answer.is_some_and(|a| a.needs_review))
                .count(),
            chapters,
            filter: filter_view,
            can_edit: can_edit(ts.scope()) && !a.closed,
            others,
            import_errors,
            l,
        },
    ))
}

#[derive(serde::Deserialize)]
pub(super) struct CloseForm {
    pub(super) version: String,
}

pub(super) async fn close(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<CloseForm>,
) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a = assessment(&ts, &id).await?;
    let version: i64 = f
        .version
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("version must be a whole number".into()))?;
    match ts.close_assessment(&a.id, version).await {
        Ok(_) => Ok(Redirect::to(&format!("/assessments/{}", a.id)).into_response()),
        Err(StoreError::VersionConflict(_)) => Err(AppError::Conflict(
            Layout::for_user(&auth).tr.msg("assessment-close-conflict"),
        )),
        Err(e) => Err(e.into()),
    }
}
