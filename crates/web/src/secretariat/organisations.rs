use super::*;

// ------------------------------------------------------------------ organisations

pub(super) struct SeatRow {
    pub(super) id: String,
    /// No end date yet: the page offers to end it.
    pub(super) open: bool,
    pub(super) organisation: String,
    pub(super) role: String,
    pub(super) from: String,
    pub(super) to: String,
    pub(super) representative: String,
    pub(super) deputy: String,
    pub(super) current: bool,
}

#[derive(Template)]
#[template(path = "secretariat/organisations.html")]
pub(super) struct OrganisationsPage {
    pub(super) l: Layout,
    pub(super) organisations: Vec<(String, String)>,
    pub(super) seats: Vec<SeatRow>,
    pub(super) roles: Vec<(String, String)>,
    pub(super) error: Option<String>,
}

pub(super) async fn organisations_page(
    state: &AppState,
    auth: &Auth,
    error: Option<(StatusCode, String)>,
) -> AppResult<Response> {
    let s = sec(state, auth)?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let today = today();
    let organisations = s.organisations().await?.into_iter().map(|o| (o.id, o.name)).collect();
    let seats = s
        .seats()
        .await?
        .into_iter()
        .map(|x| SeatRow {
            current: etterlev_core::secretariat::covers(&x.valid_from, x.valid_to.as_deref(), &today),
            open: x.valid_to.is_none(),
            id: x.id,
            organisation: x.organisation_name,
            role: role_label(&tr, x.role),
            from: nb_date(&x.valid_from),
            to: opt_date(&x.valid_to),
            representative: x.representative.unwrap_or_default(),
            deputy: x.deputy.unwrap_or_default(),
        })
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |(st, _)| *st);
    Ok(render_status(
        status,
        &OrganisationsPage {
            organisations,
            seats,
            roles: options(MemberRole::ALL, MemberRole::as_str, |r| role_label(&tr, r)),
            error: error.map(|(_, m)| m),
            l,
        },
    ))
}

pub(super) async fn organisations(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    organisations_page(&state, &auth, None).await
}

#[derive(Deserialize)]
pub(super) struct OrganisationForm {
    #[serde(default)]
    pub(super) name: String,
    #[serde(default)]
    pub(super) short_name: String,
}

pub(super) async fn create_organisation(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<OrganisationForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    match s.create_organisation(&f.name, blank_none(&f.short_name)).await {
        Ok(_) => Ok(Redirect::to("/secretariat/organisations").into_response()),
        Err(e) => organisations_page(&state, &auth, Some(refusal(e, &auth.ctx.tr)?)).await,
    }
}

#[derive(Deserialize)]
pub(super) struct SeatForm {
    #[serde(default)]
    pub(super) organisation_id: String,
    #[serde(default)]
    pub(super) role: String,
    #[serde(default)]
    pub(super) valid_from: String,
    #[serde(default)]
    pub(super) valid_to: String,
    #[serde(default)]
    pub(super) representative: String,
    #[serde(default)]
    pub(super) deputy: String,
}

pub(super) async fn create_seat(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<SeatForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let Some(role) = MemberRole::parse(f.role.trim()) else {
        return organisations_page(&state, &auth, Some((StatusCode::BAD_REQUEST, "unknown role".into()))).await;
    };
    let input = SeatInput {
        organisation_id: f.organisation_id,
        role,
        valid_from: f.valid_from,
        valid_to: blank_none(&f.valid_to),
        representative: blank_none(&f.representative),
        deputy: blank_none(&f.deputy),
    };
    match s.add_seat(&input).await {
        Ok(_) => Ok(Redirect::to("/secretariat/organisations").into_response()),
        Err(e) => organisations_page(&state, &auth, Some(refusal(e, &auth.ctx.tr)?)).await,
    }
}

#[derive(Deserialize)]
pub(super) struct EndSeatForm {
    #[serde(default)]
    pub(super) valid_to: String,
}

pub(super) async fn end_seat(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<EndSeatForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    match s.end_seat(id, &f.valid_to).await {
        Ok(_) => Ok(Redirect::to("/secretariat/organisations").into_response()),
        Err(e) => organisations_page(&state, &auth, Some(refusal(e, &auth.ctx.tr)?)).await,
    }
}
