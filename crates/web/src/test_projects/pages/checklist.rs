use super::*;

// ------------------------------------------------------------------ the checklist page

pub struct Link {
    pub href: String,
    pub label: String,
}

pub(super) struct ItemView {
    pub(super) key: &'static str,
    pub(super) title: String,
    pub(super) help: String,
    pub(super) need: &'static str,
    pub(super) need_label: String,
    pub(super) sources: Vec<Link>,
    pub(super) in_catalog: Vec<Link>,
    /// The stored answer.
    pub(super) answered: bool,
    pub(super) answer_label: String,
    pub(super) note: String,
    pub(super) updated: String,
    pub(super) version: i64,
    /// Why the item stands in the way of approval, if it does.
    pub(super) problem: Option<String>,
    /// What the form shows (the stored answer, or the user's input after an
    /// error or conflict).
    pub(super) form_answer: String,
    pub(super) form_note: String,
    pub(super) errors: Vec<String>,
    /// Someone saved meanwhile: the stored answer is shown beside the form.
    pub(super) conflict: bool,
}

pub(super) struct GroupView {
    pub(super) key: &'static str,
    pub(super) title: String,
    pub(super) items: Vec<ItemView>,
}

pub(super) struct MissingView {
    pub(super) key: &'static str,
    pub(super) title: String,
    pub(super) reason: String,
}

pub(super) struct HistoryView {
    pub(super) seq: i64,
    pub(super) decision: &'static str,
    pub(super) decision_label: String,
    pub(super) reason: String,
    pub(super) conditions: String,
    pub(super) review_by: String,
    pub(super) kind: String,
    pub(super) by: String,
    pub(super) at: String,
}

pub(super) struct CurrentDecision {
    pub(super) decision: &'static str,
    pub(super) label: String,
    pub(super) reason: String,
    pub(super) conditions: String,
    pub(super) review_by: String,
    pub(super) by: String,
    pub(super) at: String,
    /// The checklist no longer supports it (answers changed afterwards).
    pub(super) stale: bool,
}

#[derive(Template)]
#[template(path = "test_projects/project.html")]
pub(super) struct ProjectPage {
    pub(super) l: Layout,
    pub(super) p: TestProject,
    pub(super) kind: String,
    pub(super) environment: String,
    pub(super) purpose: String,
    pub(super) owner: String,
    pub(super) supplier: String,
    pub(super) delete_by: String,
    pub(super) groups: Vec<GroupView>,
    pub(super) answers: Vec<(&'static str, String)>,
    pub(super) done: usize,
    pub(super) required: usize,
    pub(super) percent: usize,
    pub(super) progress_text: String,
    pub(super) current: Option<CurrentDecision>,
    pub(super) missing_approved: Vec<MissingView>,
    pub(super) missing_conditions: Vec<MissingView>,
    pub(super) decisions: Vec<(&'static str, String, bool)>,
    pub(super) decision_form: RawDecision,
    pub(super) decision_errors: Vec<String>,
    pub(super) history: Vec<HistoryView>,
    pub(super) can_edit: bool,
}

/// The user's input for one item after an error or a conflict.
pub(super) struct ItemInput {
    pub(super) key: CheckKey,
    pub(super) answer: String,
    pub(super) note: String,
    pub(super) version: i64,
    pub(super) errors: Vec<String>,
    pub(super) conflict: bool,
}

/// Links to the check's requirements in the newest loaded version of each
/// catalogue (none when the catalogue is not imported).
pub(super) fn catalog_links(loaded: &Loaded, tr: &Tr, key: CheckKey) -> Vec<Link> {
    key.catalog_refs()
        .iter()
        .filter_map(|r| {
            let catalog = loaded.versions_of(r.catalog).into_iter().last()?;
            let node = catalog.node(r.node)?;
            Some(Link {
                href: format!("/catalog/{}/node/{}", catalog.key(), node.id),
                label: format!("{} {}", node.label(), node.title.get(tr.lang.code())),
            })
        })
        .collect()
}

pub(super) fn missing_views(tr: &Tr, missing: &[Missing]) -> Vec<MissingView> {
    missing
        .iter()
        .map(|m| MissingView {
            key: m.key.as_str(),
            title: check_title(tr, m.key),
            reason: reason_label(tr, m.reason),
        })
        .collect()
}

pub(super) async fn project_page(
    state: &AppState,
    auth: &Auth,
    p: TestProject,
    item_input: Option<ItemInput>,
    decision_form: Option<(RawDecision, Vec<String>)>,
) -> AppResult<ProjectPage> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let checks = ts.test_checks(&p.id).await?;
    let history = ts.test_decisions(&p.id).await?;
    let loaded = state.catalogs.get(&state.store).await?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let missing_approved = p.missing_for(&checks, Decision::Approved);
    let groups = CheckGroup::ALL
        .iter()
        .map(|g| GroupView {
            key: g.as_str(),
            title: group_label(&tr, *g),
            items: g
                .items()
                .map(|key| {
                    let stored = checks.iter().find(|c| c.key == key);
                    let input = item_input.as_ref().filter(|i| i.key == key);
                    let need = key.need(p.data_kind);
                    ItemView {
                        key: key.as_str(),
                        title: check_title(&tr, key),
                        help: check_help(&tr, key),
                        need: need.as_str(),
                        need_label: need_label(&tr, need),
                        sources: key
                            .sources()
                            .iter()
                            .map(|s| Link {
                                href: s.document.url().into(),
                                label: match s.section {
                                    Some(sec) => {
                                        format!("{} {sec}", tr.msg(&format!("testdata-doc-{}", s.document.as_str())))
                                    }
                                    None => tr.msg(&format!("testdata-doc-{}", s.document.as_str())),
                                },
                            })
                            .collect(),
                        in_catalog: catalog_links(&loaded, &tr, key),
                        answered: stored.is_some(),
                        answer_label: stored
                            .map_or_else(|| tr.msg("testdata-unanswered"), |c| answer_label(&tr, c.answer)),
                        note: stored.and_then(|c| c.note.clone()).unwrap_or_default(),
                        updated: stored.map_or_else(String::new, |c| {
                            tr.msg_with(
                                "testdata-answered-by",
                                &[
                                    ("at", tr.datetime(&c.updated_at)),
                                    ("by", c.updated_by.clone().unwrap_or_default()),
                                ],
                            )
                        }),
                        version: match input {
                            Some(i) => i.version,
                            None => stored.map_or(0, |c| c.version),
                        },
                        problem: missing_approved
                            .iter()
                            .find(|m| m.key == key)
                            .map(|m| reason_label(&tr, m.reason)),
                        form_answer: match input {
                            Some(i) => i.answer.clone(),
                            None => stored.map(|c| c.answer.as_str().to_string()).unwrap_or_default(),
                        },
                        form_note: match input {
                            Some(i) => i.note.clone(),
                            None => stored.and_then(|c| c.note.clone()).unwrap_or_default(),
                        },
                        errors: input.map(|i| i.errors.clone()).unwrap_or_default(),
                        conflict: input.is_some_and(|i| i.conflict),
                    }
                })
                .collect(),
        })
        .collect();
    let progress = p.progress(&checks);
    let current = p.decision.map(|d| CurrentDecision {
        decision: d.as_str(),
        label: decision_label(&tr, d),
        reason: p.decision_reason.clone().unwrap_or_default(),
        conditions: p.conditions.clone().unwrap_or_default(),
        review_by: show_date_opt(&p.review_by),
        by: p.decided_by.clone().unwrap_or_default(),
        at: tr.datetime_opt(&p.decided_at),
        stale: !p.missing_for(&checks, d).is_empty(),
    });
    let (decision_form, decision_errors) = decision_form.unwrap_or_else(|| {
        (
            RawDecision {
                decision: p.decision.map(|d| d.as_str().to_string()).unwrap_or_default(),
                ..RawDecision::default()
            },
            Vec::new(),
        )
    });
    let decisions = Decision::ALL
        .iter()
        .map(|d| {
            (
                d.as_str(),
                decision_label(&tr, *d),
                decision_form.decision.trim() == d.as_str(),
            )
        })
        .collect();
    Ok(ProjectPage {
        kind: kind_label(&tr, p.data_kind),
        environment: p.environment.clone().unwrap_or_default(),
        purpose: p.purpose.clone().unwrap_or_default(),
        owner: p.owner.clone().unwrap_or_default(),
        supplier: p.supplier.clone().unwrap_or_default(),
        delete_by: show_date_opt(&p.delete_by),
        groups,
        answers: CheckAnswer::ALL
            .iter()
            .map(|a| (a.as_str(), answer_label(&tr, *a)))
            .collect(),
        done: progress.done,
        required: progress.required,
        percent: progress.percent(),
        progress_text: tr.msg_with(
            "testdata-progress",
            &[
                ("done", progress.done.to_string()),
                ("required", progress.required.to_string()),
                ("answered", progress.answered.to_string()),
                ("total", CheckKey::ALL.len().to_string()),
            ],
        ),
        current,
        missing_conditions: missing_views(&tr, &p.missing_for(&checks, Decision::ApprovedWithConditions)),
        missing_approved: missing_views(&tr, &missing_approved),
        decisions,
        decision_form,
        decision_errors,
        history: history_views(&tr, &history),
        can_edit: can_edit(auth),
        l,
        p,
    })
}

pub(super) fn history_views(tr: &Tr, history: &[TestDecision]) -> Vec<HistoryView> {
    history
        .iter()
        .map(|d| HistoryView {
            seq: d.seq,
            decision: d.decision.as_str(),
            decision_label: decision_label(tr, d.decision),
            reason: d.reason.clone(),
            conditions: d.conditions.clone().unwrap_or_default(),
            review_by: show_date_opt(&d.review_by),
            kind: kind_label(tr, d.data_kind),
            by: d.decided_by.clone(),
            at: tr.datetime(&d.decided_at),
        })
        .collect()
}

pub(super) const NOTICES: &[&str] = &[
    "testdata-notice-saved",
    "testdata-notice-check-saved",
    "testdata-notice-decided",
];

pub(super) async fn detail(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let p = state.store.tenant(scope).test_project(object_id(&id)?).await?;
    let mut page = project_page(&state, &auth, p, None, None).await?;
    if let Some(n) = query_param(query.as_deref(), "notice").filter(|n| NOTICES.contains(&n.as_str())) {
        page.l = page.l.with_notice(&n);
    }
    Ok(render(&page))
}

#[derive(Deserialize)]
pub(super) struct CheckForm {
    #[serde(default)]
    pub(super) key: String,
    #[serde(default)]
    pub(super) answer: String,
    #[serde(default)]
    pub(super) note: String,
    #[serde(default)]
    pub(super) version: String,
}

pub(super) async fn save_check(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<CheckForm>,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let p = ts.test_project(object_id(&id)?).await?;
    require_edit(&auth)?;
    let key = parse_key(&form.key).map_err(|e| AppError::BadRequest(e.english))?;
    let version = form_version(&form.version)?;
    let input_of = |errors: Vec<String>, conflict: bool| ItemInput {
        key,
        answer: form.answer.trim().to_string(),
        note: form.note.clone(),
        version,
        errors,
        conflict,
    };
    let input = match check_answer(key, &form.answer, &form.note) {
        Ok(input) => input,
        Err(errors) => {
            let tr = auth.ctx.tr;
            let errors = errors.iter().map(|e| tr.msg(e.key)).collect();
            let page = project_page(&state, &auth, p, Some(input_of(errors, false)), None).await?;
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let update = CheckUpdate {
        key,
        input,
        expected_version: version,
    };
    match ts.save_test_checks(&p.id, vec![update]).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/testdata/{}?notice=testdata-notice-check-saved#check-{key}",
            url_encode(&p.id)
        ))
        .into_response()),
        Err(StoreError::VersionConflict(c)) => {
            // Keep the user's input; the form now carries the stored
            // version, so saving again knowingly replaces it.
            let stored_version = match *c {
                ConflictWith::TestCheck(ref s) => s.version,
                _ => version,
            };
            let msg = auth.ctx.tr.msg("testdata-check-conflict");
            let mut item = input_of(vec![msg], true);
            item.version = stored_version;
            let page = project_page(&state, &auth, p, Some(item), None).await?;
            Ok(render_status(StatusCode::CONFLICT, &page))
        }
        Err(StoreError::Invalid(m)) => {
            let page = project_page(
                &state,
                &auth,
                p,
                Some(input_of(vec![auth.ctx.tr.refused(&m)], false)),
                None,
            )
            .await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct DecisionForm {
    #[serde(flatten)]
    pub(super) f: RawDecision,
    #[serde(default)]
    pub(super) version: String,
}

pub(super) async fn decide(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let p = ts.test_project(object_id(&id)?).await?;
    require_edit(&auth)?;
    let version = form_version(&form.version)?;
    let tr = auth.ctx.tr;
    let input = match check_decision(&form.f) {
        Ok(input) => input,
        Err(errors) => {
            let errors = errors.iter().map(|e| tr.msg(e.key)).collect();
            let page = project_page(&state, &auth, p, None, Some((form.f, errors))).await?;
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let chosen = input.decision;
    match ts.decide_test_project(&p.id, input, version).await {
        Ok(p) => Ok(Redirect::to(&format!(
            "/testdata/{}?notice=testdata-notice-decided#decision",
            url_encode(&p.id)
        ))
        .into_response()),
        Err(StoreError::ChecklistIncomplete(missing)) => {
            let mut errors = vec![tr.msg_with(
                "testdata-decision-refused",
                &[("decision", decision_label(&tr, chosen))],
            )];
            errors.extend(
                missing
                    .iter()
                    .map(|m| format!("{}: {}", check_title(&tr, m.key), reason_label(&tr, m.reason))),
            );
            let page = project_page(&state, &auth, p, None, Some((form.f, errors))).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(StoreError::VersionConflict(c)) => {
            let now = match *c {
                ConflictWith::TestProject(p) => p,
                _ => ts.test_project(&p.id).await?,
            };
            let errors = vec![tr.msg("testdata-decision-conflict")];
            let page = project_page(&state, &auth, now, None, Some((form.f, errors))).await?;
            Ok(render_status(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}
