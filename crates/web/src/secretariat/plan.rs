use super::*;

// ------------------------------------------------------------------ action plan

pub(super) struct PlanRow {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) status_key: &'static str,
    pub(super) owner: String,
    pub(super) document: Option<(String, String)>,
    /// (link, "NN/YY title") of the linked case.
    pub(super) case: Option<(String, String)>,
}

pub(super) struct StrategyPoint {
    pub(super) name: String,
    pub(super) done: usize,
    pub(super) in_progress: usize,
    pub(super) not_started: usize,
    pub(super) items: Vec<PlanRow>,
}

#[derive(Template)]
#[template(path = "secretariat/plan.html")]
pub(super) struct PlanPage {
    pub(super) l: Layout,
    pub(super) year: i64,
    pub(super) points: Vec<StrategyPoint>,
    pub(super) statuses: Vec<(String, String)>,
    pub(super) documents: Vec<(String, String)>,
    pub(super) cases: Vec<(String, String)>,
    pub(super) error: Option<String>,
}

pub(super) fn plan_status_label(tr: &Tr, s: PlanStatus) -> String {
    tr.msg(&format!("sec-plan-{}", s.as_str()))
}

pub(super) fn plan_year(q: Option<&str>) -> i64 {
    query_param(q, "year")
        .and_then(|y| y.parse().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| i64::from(crate::kit::dates::today().year()))
}

pub(super) async fn plan_page(
    state: &AppState,
    auth: &Auth,
    year: i64,
    error: Option<(StatusCode, String)>,
) -> AppResult<Response> {
    let s = sec(state, auth)?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let documents = s.documents().await?;
    // Items link cases of the plan year and the year before (a plan is often
    // decided in the autumn before it starts).
    let mut cases = s.year_cases(year - 1).await?;
    cases.extend(s.year_cases(year).await?);
    let case_label = |c: &etterlev_store::Case| format!("{} {}", c.number, c.title);
    let mut points: Vec<StrategyPoint> = Vec::new();
    for item in s.plan_items(year).await? {
        if points.last().is_none_or(|p| p.name != item.strategy_point) {
            points.push(StrategyPoint {
                name: item.strategy_point.clone(),
                done: 0,
                in_progress: 0,
                not_started: 0,
                items: Vec::new(),
            });
        }
        let Some(p) = points.last_mut() else { continue };
        match item.status {
            PlanStatus::Done => p.done += 1,
            PlanStatus::InProgress => p.in_progress += 1,
            PlanStatus::NotStarted => p.not_started += 1,
        }
        p.items.push(PlanRow {
            status_key: item.status.as_str(),
            owner: item.owner.clone().unwrap_or_default(),
            document: item.document_id.as_ref().and_then(|id| {
                documents
                    .iter()
                    .find(|d| &d.id == id)
                    .map(|d| (d.id.clone(), document_label(d, &tr)))
            }),
            case: item.case_id.as_ref().and_then(|id| {
                cases.iter().find(|c| &c.id == id).map(|c| {
                    (
                        format!("/secretariat/meetings/{}#case-{}", c.meeting_id, c.id),
                        case_label(c),
                    )
                })
            }),
            id: item.id,
            title: item.title,
        });
    }
    let status = error.as_ref().map_or(StatusCode::OK, |(st, _)| *st);
    Ok(render_status(
        status,
        &PlanPage {
            year,
            points,
            statuses: options(PlanStatus::ALL, PlanStatus::as_str, |p| plan_status_label(&tr, p)),
            documents: documents
                .iter()
                .map(|d| (d.id.clone(), document_label(d, &tr)))
                .collect(),
            cases: cases.iter().map(|c| (c.id.clone(), case_label(c))).collect(),
            error: error.map(|(_, m)| m),
            l,
        },
    ))
}

pub(super) async fn plan(State(state): State<AppState>, auth: Auth, RawQuery(q): RawQuery) -> AppResult<Response> {
    plan_page(&state, &auth, plan_year(q.as_deref()), None).await
}

#[derive(Deserialize)]
pub(super) struct PlanForm {
    #[serde(default)]
    pub(super) plan_year: String,
    #[serde(default)]
    pub(super) strategy_point: String,
    #[serde(default)]
    pub(super) title: String,
    #[serde(default)]
    pub(super) status: String,
    #[serde(default)]
    pub(super) owner: String,
    #[serde(default)]
    pub(super) document_id: String,
    #[serde(default)]
    pub(super) case_id: String,
}

pub(super) async fn add_plan_item(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<PlanForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let year = f.plan_year.trim().parse::<i64>().unwrap_or(0);
    let Some(status) = PlanStatus::parse(f.status.trim()) else {
        return plan_page(
            &state,
            &auth,
            year,
            Some((StatusCode::BAD_REQUEST, "unknown status".into())),
        )
        .await;
    };
    let input = etterlev_store::PlanItemInput {
        plan_year: year,
        strategy_point: f.strategy_point,
        title: f.title,
        status,
        owner: blank_none(&f.owner),
        document_id: blank_none(&f.document_id),
        case_id: blank_none(&f.case_id),
    };
    match s.add_plan_item(&input).await {
        Ok(_) => Ok(Redirect::to(&format!("/secretariat/plan?year={year}")).into_response()),
        Err(e) => plan_page(&state, &auth, year.clamp(2000, 2100), Some(refusal(e, &auth.ctx.tr)?)).await,
    }
}

#[derive(Deserialize)]
pub(super) struct StatusForm {
    #[serde(default)]
    pub(super) status: String,
    #[serde(default)]
    pub(super) back: String,
}

pub(super) async fn set_plan_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    let status = PlanStatus::parse(f.status.trim()).ok_or_else(|| AppError::BadRequest("unknown status".into()))?;
    s.set_plan_status(id, status).await?;
    Ok(Redirect::to(&crate::kit::safe_next(Some(&f.back))).into_response())
}

pub(super) async fn set_followup_status(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    let status = PlanStatus::parse(f.status.trim()).ok_or_else(|| AppError::BadRequest("unknown status".into()))?;
    s.set_followup_status(id, status).await?;
    Ok(Redirect::to(&crate::kit::safe_next(Some(&f.back))).into_response())
}
