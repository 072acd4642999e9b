use super::*;

// ------------------------------------------------------------------ questions

pub(super) struct ChoiceView {
    pub(super) value: &'static str,
    pub(super) label: String,
    pub(super) checked: bool,
}

pub(super) struct QuestionView {
    /// 1-based position in the whole wizard.
    pub(super) n: usize,
    pub(super) node_id: String,
    /// Question and help as escaped HTML with glossary links.
    pub(super) text: String,
    pub(super) help: Option<String>,
    pub(super) choices: Vec<ChoiceView>,
    pub(super) version: i64,
    /// After a conflict: what someone else saved meanwhile.
    pub(super) conflict: Option<String>,
}

pub(super) struct ChapterGroup {
    pub(super) title: String,
    pub(super) questions: Vec<QuestionView>,
}

#[derive(Template)]
#[template(path = "wizard/page.html")]
pub(super) struct QuestionsPage {
    pub(super) l: Layout,
    pub(super) id: String,
    pub(super) title: String,
    pub(super) page: usize,
    pub(super) pages: usize,
    pub(super) first: usize,
    pub(super) last: usize,
    pub(super) total: usize,
    pub(super) answered: usize,
    pub(super) percent: usize,
    pub(super) groups: Vec<ChapterGroup>,
    pub(super) can_edit: bool,
    pub(super) errors: Vec<String>,
}

/// The user's input for one question, kept when the page is shown again.
pub(super) struct Kept {
    pub(super) choice: Option<WizardAnswer>,
    pub(super) version: i64,
    pub(super) conflict: Option<String>,
}

pub(super) fn build_page(
    auth: &Auth,
    run: &Run,
    qs: &[WizardQuestion<'_>],
    page: usize,
    kept: &HashMap<String, Kept>,
) -> QuestionsPage {
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let lang = tr.lang.code();
    let pages = page_count(qs.len());
    let start = (page - 1) * PAGE_SIZE;
    let end = (start + PAGE_SIZE).min(qs.len());
    let mut groups: Vec<ChapterGroup> = Vec::new();
    for (i, q) in qs.iter().enumerate().take(end).skip(start) {
        let node = q.node;
        let stored = run.answers.get(&node.id);
        let k = kept.get(&node.id);
        let chosen = match k {
            Some(k) => k.choice,
            None => stored.and_then(|x| choice_of(x, good_of(node))),
        };
        let view = QuestionView {
            n: i + 1,
            node_id: node.id.clone(),
            // Escaped here, with jargon linked to the glossary.
            text: link_terms(
                &node
                    .question
                    .as_ref()
                    .map(|x| x.text().get(lang).to_owned())
                    .unwrap_or_else(|| node.title.get(lang).to_owned()),
                tr.lang,
            ),
            help: node
                .question
                .as_ref()
                .and_then(|x| x.help.as_ref())
                .map(|h| link_terms(h.get(lang), tr.lang)),
            choices: WizardAnswer::ALL
                .iter()
                .map(|c| ChoiceView {
                    value: c.as_str(),
                    label: answer_label(&tr, *c),
                    checked: chosen == Some(*c),
                })
                .collect(),
            version: k.map_or_else(|| stored.map_or(0, |s| s.version), |k| k.version),
            conflict: k.and_then(|k| k.conflict.clone()),
        };
        let chapter = format!("{} {}", q.chapter.label(), q.chapter.title.get(lang));
        match groups.last_mut() {
            Some(g) if g.title == chapter => g.questions.push(view),
            _ => groups.push(ChapterGroup {
                title: chapter,
                questions: vec![view],
            }),
        }
    }
    let answered = qs.iter().filter(|q| run.choice(q.node).is_some()).count();
    QuestionsPage {
        id: run.assessment.id.clone(),
        title: run.assessment.title.clone(),
        page,
        pages,
        first: (start + 1).min(qs.len()),
        last: end,
        total: qs.len(),
        percent: (answered * 100).checked_div(qs.len()).unwrap_or(100),
        answered,
        groups,
        can_edit: can_edit(auth) && !run.assessment.closed,
        errors: Vec::new(),
        l,
    }
}

pub(super) async fn questions_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let run = Run::load(&state, &auth, &id).await?;
    let qs = run.questions()?;
    let pages = page_count(qs.len());
    let page = match query_param(query.as_deref(), "page") {
        Some(p) => p
            .parse::<usize>()
            .ok()
            .filter(|p| (1..=pages).contains(p))
            .ok_or(AppError::NotFound)?,
        // Where the user left off: the first page with an unanswered question.
        None => match qs.iter().position(|q| run.choice(q.node).is_none()) {
            Some(i) => i / PAGE_SIZE + 1,
            None => return Ok(Redirect::to(&format!("/wizard/{}/result", run.assessment.id)).into_response()),
        },
    };
    Ok(render(&build_page(&auth, &run, &qs, page, &HashMap::new())))
}

pub(super) async fn save_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let run = Run::load(&state, &auth, &id).await?;
    if !can_edit(&auth) {
        return Err(AppError::Forbidden);
    }
    let qs = run.questions()?;
    let pages = page_count(qs.len());
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let page = field("page")
        .and_then(|p| p.trim().parse::<usize>().ok())
        .filter(|p| (1..=pages).contains(p))
        .ok_or_else(|| AppError::BadRequest("the form names no valid page".into()))?;
    let go = field("go").unwrap_or("next");
    let ts = state.store.tenant(auth.scope()?);
    let tr = auth.ctx.tr;
    let start = (page - 1) * PAGE_SIZE;
    let mut kept: HashMap<String, Kept> = HashMap::new();
    let mut conflicts = 0;
    for q in qs.iter().skip(start).take(PAGE_SIZE) {
        let node_id = &q.node.id;
        let Some(raw) = field(&format!("a.{node_id}")) else {
            continue;
        };
        let choice = WizardAnswer::parse(raw.trim()).ok_or_else(|| {
            AppError::BadRequest(format!("{raw:?} is not an answer: use yes, partly, no or dont_know"))
        })?;
        let expected: i64 = match field(&format!("v.{node_id}")) {
            Some(v) => form_version(v)?,
            None => 0,
        };
        let stored = run.answers.get(node_id);
        if stored.is_some_and(|s| s.version == expected && s.wizard_answer == Some(choice)) {
            continue;
        }
        let mut input = stored.map_or_else(
            || AnswerInput {
                status: choice.status(good_of(q.node)),
                maturity: None,
                owner: None,
                due_date: None,
                comment: None,
                na_reason: None,
                wizard_answer: None,
            },
            Answer::input,
        );
        input.status = choice.status(good_of(q.node));
        input.wizard_answer = Some(choice);
        input.na_reason = None;
        match ts.save_answer(&run.assessment.id, node_id, input, expected).await {
            Ok(_) => {}
            Err(StoreError::VersionConflict(c)) => {
                let ConflictWith::Answer(now) = *c else {
                    return Err(AppError::Internal("unexpected conflict object".into()));
                };
                conflicts += 1;
                let theirs = choice_of(&now, good_of(q.node))
                    .map_or_else(|| tr.msg("wizard-unanswered"), |c| answer_label(&tr, c));
                kept.insert(
                    node_id.clone(),
                    Kept {
                        choice: Some(choice),
                        version: now.version,
                        conflict: Some(tr.msg_with(
                            "wizard-conflict-one",
                            &[
                                ("answer", theirs),
                                ("who", now.updated_by.clone().unwrap_or_else(|| "–".into())),
                                ("when", tr.datetime(&now.updated_at)),
                            ],
                        )),
                    },
                );
            }
            Err(e) => return Err(e.into()),
        }
    }
    if conflicts > 0 {
        // Show the page again with the user's own answers selected, what is
        // stored next to each conflicting one, and the stored versions, so
        // saving again keeps the user's choice.
        let run = Run::load(&state, &auth, &id).await?;
        let qs = run.questions()?;
        for q in qs.iter().skip(start).take(PAGE_SIZE) {
            if kept.contains_key(&q.node.id) {
                continue;
            }
            if let Some(raw) = field(&format!("a.{}", q.node.id)) {
                kept.insert(
                    q.node.id.clone(),
                    Kept {
                        choice: WizardAnswer::parse(raw.trim()),
                        version: run.answers.get(&q.node.id).map_or(0, |a| a.version),
                        conflict: None,
                    },
                );
            }
        }
        let mut view = build_page(&auth, &run, &qs, page, &kept);
        view.errors = vec![tr.msg("wizard-conflict")];
        return Ok(render_status(StatusCode::CONFLICT, &view));
    }
    let id = &run.assessment.id;
    let target = match go {
        "back" => format!("/wizard/{id}?page={}", page.saturating_sub(1).max(1)),
        "exit" => "/wizard?notice=saved".to_string(),
        _ if page >= pages => format!("/wizard/{id}/result"),
        _ => format!("/wizard/{id}?page={}", page + 1),
    };
    Ok(Redirect::to(&target).into_response())
}
