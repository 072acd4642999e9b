use super::*;

// ------------------------------------------------------------------ result

/// How many gaps the path puts first: a small enterprise gets a short list
/// it can act on, and the rest is grouped as "later".
pub const FOCUS_LIMIT: usize = 10;

/// A question not answered with its good answer (partly, don't know, or the
/// other answer), with its priority.
pub(super) struct Gap<'a> {
    /// Position in the wizard (reading order).
    pub(super) n: usize,
    pub(super) node: &'a Node,
    pub(super) chapter: &'a Node,
    pub(super) status: AnswerStatus,
    pub(super) choice: Option<WizardAnswer>,
    pub(super) priority: Priority,
    /// The answer's owner and due date, which an action made from the gap
    /// takes over.
    pub(super) owner: Option<String>,
    pub(super) due_date: Option<String>,
}

impl Gap<'_> {
    /// The plain what-to-do of the question (its title and text), or the
    /// requirement's own title and text where a question has none.
    pub(super) fn todo(&self, lang: &str) -> (String, Option<String>) {
        match self.node.question.as_ref().and_then(|q| q.todo.as_ref()) {
            Some(t) => (t.title.get(lang).to_owned(), Some(t.text.get(lang).to_owned())),
            None => (
                self.node.title.get(lang).to_owned(),
                self.node.text.as_ref().map(|t| t.get(lang).to_owned()),
            ),
        }
    }
}

/// Gaps in priority order (patient safety first), then reading order.
pub(super) fn gaps<'a>(run: &Run, qs: &[WizardQuestion<'a>]) -> Vec<Gap<'a>> {
    let mut out: Vec<Gap<'a>> = qs
        .iter()
        .enumerate()
        .filter_map(|(i, q)| {
            let answer = run.answers.get(&q.node.id)?;
            let choice = choice_of(answer, good_of(q.node));
            choice?;
            answer.status.is_gap().then(|| Gap {
                n: i + 1,
                node: q.node,
                chapter: q.chapter,
                status: answer.status,
                choice,
                priority: gap_priority(q.node, answer.status),
                owner: answer.owner.clone(),
                due_date: answer.due_date.clone(),
            })
        })
        .collect();
    out.sort_by_key(|g| (g.priority.rank(), g.n));
    out
}

pub(super) struct ActionLink {
    pub(super) id: String,
    pub(super) status_label: String,
    pub(super) owner: String,
    pub(super) deadline: String,
    pub(super) overdue: bool,
}

pub(super) struct GapView {
    pub(super) n: usize,
    pub(super) node_id: String,
    pub(super) label: String,
    pub(super) question: String,
    pub(super) answer: String,
    pub(super) todo_title: String,
    pub(super) todo_text: Option<String>,
    pub(super) chapter: String,
    pub(super) priority: &'static str,
    pub(super) priority_label: String,
    pub(super) action: Option<ActionLink>,
}

#[derive(Template)]
#[template(path = "wizard/result.html")]
pub(super) struct ResultPage {
    pub(super) l: Layout,
    pub(super) id: String,
    pub(super) title: String,
    pub(super) catalog_key: String,
    pub(super) total: usize,
    pub(super) yes: usize,
    pub(super) unanswered: usize,
    pub(super) resume_page: usize,
    /// All gaps (for the count).
    pub(super) gap_count: usize,
    /// The first [`FOCUS_LIMIT`] gaps in priority order.
    pub(super) gaps: Vec<GapView>,
    /// The rest, grouped as "later".
    pub(super) later: Vec<GapView>,
    /// Focus gaps that have no action yet.
    pub(super) without_action: usize,
    pub(super) can_edit: bool,
}

pub(super) async fn result(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let run = Run::load(&state, &auth, &id).await?;
    let qs = run.questions()?;
    let actions = state
        .store
        .tenant(auth.scope()?)
        .actions(Some(&run.assessment.id))
        .await?;
    let mut l = Layout::for_user(&auth);
    if query_param(query.as_deref(), "notice").as_deref() == Some("actions-created") {
        l = l.with_notice("action-notice-actions-created");
    }
    let tr = l.tr;
    let lang = tr.lang.code();
    let today = today().to_string();
    let by_node: HashMap<&str, &Action> = actions
        .iter()
        .filter_map(|a| a.node_id.as_deref().map(|n| (n, a)))
        .collect();
    let answered = qs.iter().filter(|q| run.choice(q.node).is_some()).count();
    // Answers that mean the requirement is met (yes, or no where no is
    // the good answer).
    let yes = qs
        .iter()
        .filter(|q| run.choice(q.node).is_some_and(|c| c.is_good(good_of(q.node))))
        .count();
    let first_unanswered = qs.iter().position(|q| run.choice(q.node).is_none());
    let mut gaps: Vec<GapView> = gaps(&run, &qs)
        .into_iter()
        .map(|g| (g.todo(lang), g))
        .map(|((todo_title, todo_text), g)| GapView {
            n: g.n,
            node_id: g.node.id.clone(),
            label: g.node.label().to_owned(),
            question: g
                .node
                .question
                .as_ref()
                .map(|q| q.text().get(lang).to_owned())
                .unwrap_or_default(),
            answer: g.choice.map(|c| answer_label(&tr, c)).unwrap_or_default(),
            todo_title,
            todo_text,
            chapter: format!("{} {}", g.chapter.label(), g.chapter.title.get(lang)),
            priority: g.priority.as_str(),
            priority_label: priority_label(&tr, g.priority),
            action: by_node.get(g.node.id.as_str()).map(|a| ActionLink {
                id: a.id.clone(),
                status_label: crate::actions::status_label(&tr, a.status),
                owner: a.owner.clone().unwrap_or_default(),
                deadline: a.deadline.clone().unwrap_or_default(),
                overdue: overdue(a, &today),
            }),
        })
        .collect();
    Ok(render(&ResultPage {
        id: run.assessment.id.clone(),
        title: run.assessment.title.clone(),
        catalog_key: run.assessment.catalog_key.clone(),
        total: qs.len(),
        yes,
        unanswered: qs.len() - answered,
        resume_page: first_unanswered.map_or(1, |i| i / PAGE_SIZE + 1),
        gap_count: gaps.len(),
        later: gaps.split_off(gaps.len().min(FOCUS_LIMIT)),
        without_action: gaps.iter().take(FOCUS_LIMIT).filter(|g| g.action.is_none()).count(),
        gaps,
        can_edit: can_edit(&auth),
        l,
    }))
}

/// Turns the first [`FOCUS_LIMIT`] gaps (in priority order) that have no
/// action yet into actions, titled with the question's plain what-to-do and
/// taking over the answer's owner and due date. The rest stay "later" (each
/// can still be made an action by hand). Running it again creates nothing
/// new, so a failure halfway is mended by a retry.
pub(super) async fn create_actions(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let run = Run::load(&state, &auth, &id).await?;
    if !can_edit(&auth) {
        return Err(AppError::Forbidden);
    }
    let qs = run.questions()?;
    let ts = state.store.tenant(auth.scope()?);
    let existing = ts.actions(Some(&run.assessment.id)).await?;
    let lang = auth.ctx.tr.lang.code();
    for g in gaps(&run, &qs).into_iter().take(FOCUS_LIMIT) {
        if existing
            .iter()
            .any(|a| a.node_id.as_deref() == Some(g.node.id.as_str()))
        {
            continue;
        }
        let (title, description) = g.todo(lang);
        ts.create_action(NewAction {
            title,
            description,
            assessment_id: Some(run.assessment.id.clone()),
            node_id: Some(g.node.id.clone()),
            owner: g.owner.clone(),
            deadline: g.due_date.clone(),
            priority: g.priority,
        })
        .await?;
    }
    Ok(Redirect::to(&format!("/wizard/{}/result?notice=actions-created", run.assessment.id)).into_response())
}

// ------------------------------------------------------------------ report

/// The one-page report's content: scores over the wizard's questions, the
/// gaps, and the action list (stored actions, and the gaps that have none
/// yet as proposed actions).
pub(super) async fn report_of(
    state: &AppState,
    auth: &Auth,
    id: &str,
) -> AppResult<etterlev_reports::ManagementReport> {
    use etterlev_reports::{ActionRow, ChapterRow, GapRow, ManagementReport};
    let run = Run::load(state, auth, id).await?;
    let qs = run.questions()?;
    let catalog = run.catalog()?;
    let actions = state
        .store
        .tenant(auth.scope()?)
        .actions(Some(&run.assessment.id))
        .await?;
    let tr = auth.ctx.tr;
    let lang = tr.lang.code();
    let today = today().to_string();
    let scored: Vec<ScoredAnswer> = qs
        .iter()
        .map(|q| ScoredAnswer {
            chapter: q.chapter.id.clone(),
            status: run
                .answers
                .get(&q.node.id)
                .map_or(AnswerStatus::NotStarted, |a| a.status),
            maturity: None,
        })
        .collect();
    let scores = etterlev_core::assessment::score(&scored);
    let mut chapters: Vec<ChapterRow> = Vec::new();
    for q in &qs {
        if chapters.iter().any(|c| c.label == q.chapter.label()) {
            continue;
        }
        if let Some(score) = scores.chapters.get(&q.chapter.id) {
            chapters.push(ChapterRow {
                label: q.chapter.label().to_owned(),
                title: q.chapter.title.get(lang).to_owned(),
                score: *score,
            });
        }
    }
    let by_node: HashMap<&str, &Action> = actions
        .iter()
        .filter_map(|a| a.node_id.as_deref().map(|n| (n, a)))
        .collect();
    let gap_list = gaps(&run, &qs);
    let row_of = |a: &Action| ActionRow {
        title: a.title.clone(),
        requirement: a
            .node_id
            .as_deref()
            .and_then(|n| catalog.node(n))
            .map(|n| n.label().to_owned()),
        owner: a.owner.clone(),
        deadline: a.deadline.clone(),
        priority: a.priority,
        status: a.status,
        overdue: overdue(a, &today),
    };
    // The report proposes the focus list; a "later" gap shows only once
    // someone has made it an action.
    let mut action_rows: Vec<ActionRow> = gap_list
        .iter()
        .enumerate()
        .filter(|(i, g)| *i < FOCUS_LIMIT || by_node.contains_key(g.node.id.as_str()))
        .map(|(_, g)| match by_node.get(g.node.id.as_str()) {
            Some(a) => row_of(a),
            None => ActionRow {
                title: g.todo(lang).0,
                requirement: Some(g.node.label().to_owned()),
                owner: g.owner.clone(),
                deadline: g.due_date.clone(),
                priority: g.priority,
                status: ActionStatus::Open,
                overdue: false,
            },
        })
        .collect();
    let gap_nodes: Vec<&str> = gap_list.iter().map(|g| g.node.id.as_str()).collect();
    action_rows.extend(
        actions
            .iter()
            .filter(|a| a.node_id.as_deref().is_none_or(|n| !gap_nodes.contains(&n)))
            .map(row_of),
    );
    let gap_rows = gap_list
        .iter()
        .map(|g| {
            let a = by_node.get(g.node.id.as_str());
            GapRow {
                label: g.node.label().to_owned(),
                title: g.node.title.get(lang).to_owned(),
                status: g.status,
                owner: a.and_then(|a| a.owner.clone()),
                due: a.and_then(|a| a.deadline.clone()),
                priority: g.priority,
            }
        })
        .collect();
    let catalog_name = match &catalog.short_title {
        Some(t) => t.get(lang).to_owned(),
        None => format!("{} {}", catalog.title.get(lang), catalog.version),
    };
    let generated = today
        .parse::<jiff::civil::Date>()
        .unwrap_or_else(|_| crate::kit::dates::today().date());
    Ok(ManagementReport {
        tenant: tenant_name(auth),
        title: run.assessment.title.clone(),
        catalog: catalog_name,
        period: run.assessment.period_start.clone(),
        generated,
        overall: scores.overall,
        chapters,
        gaps: gap_rows,
        actions: action_rows,
        evidence: Vec::new(),
        trend: Vec::new(),
        maturity_levels: Vec::new(),
    })
}

/// The printable page carries its own inline style and nothing else, so it
/// gets a policy of its own (see `security::headers`).
pub(super) const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; \
                          base-uri 'none'; form-action 'none'";

pub(super) async fn report_html(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let report = report_of(&state, &auth, &id).await?;
    let html = etterlev_reports::action_list_html(&report, report_lang(auth.ctx.tr.lang));
    let mut resp = Html(html).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(REPORT_CSP));
    Ok(resp)
}

pub(super) async fn report_docx(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let report = report_of(&state, &auth, &id).await?;
    let bytes = etterlev_reports::action_list_docx(&report, report_lang(auth.ctx.tr.lang))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let filename = format!(
        "{}-{}.docx",
        auth.ctx.tr.msg("wizard-report-filename"),
        report.generated
    );
    let disposition = format!("attachment; filename=\"{}\"", filename.replace(['"', '\\'], ""));
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}
