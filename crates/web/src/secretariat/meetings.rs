use super::*;

// ------------------------------------------------------------------ meetings

#[derive(Template)]
#[template(path = "secretariat/meetings.html")]
pub(super) struct MeetingsPage {
    pub(super) l: Layout,
    pub(super) meetings: Vec<MeetingRow>,
    pub(super) error: Option<String>,
}

pub(super) async fn meetings(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    Ok(render(&MeetingsPage {
        meetings: meeting_rows(&s.meetings().await?),
        error: None,
        l: Layout::for_user(&auth),
    }))
}

#[derive(Deserialize)]
pub(super) struct MeetingForm {
    #[serde(default)]
    pub(super) title: String,
    #[serde(default)]
    pub(super) meeting_date: String,
    #[serde(default)]
    pub(super) starts: String,
    #[serde(default)]
    pub(super) ends: String,
    #[serde(default)]
    pub(super) place: String,
}

impl MeetingForm {
    pub(super) fn input(self) -> MeetingInput {
        MeetingInput {
            starts: blank_none(&self.starts),
            ends: blank_none(&self.ends),
            place: blank_none(&self.place),
            title: self.title,
            meeting_date: self.meeting_date,
        }
    }
}

pub(super) async fn update_meeting(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<MeetingForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    s.meeting(id).await?;
    match s.update_meeting(id, &f.input()).await {
        Ok(m) => Ok(Redirect::to(&format!("/secretariat/meetings/{}", m.id)).into_response()),
        Err(e) => meeting_page(&state, &auth, id, Some(refusal(e, &auth.ctx.tr)?)).await,
    }
}

pub(super) async fn create_meeting(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<MeetingForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    match s.create_meeting(&f.input()).await {
        Ok(m) => Ok(Redirect::to(&format!("/secretariat/meetings/{}", m.id)).into_response()),
        Err(e) => {
            let (status, m) = refusal(e, &auth.ctx.tr)?;
            Ok(render_status(
                status,
                &MeetingsPage {
                    meetings: meeting_rows(&s.meetings().await?),
                    error: Some(m),
                    l: Layout::for_user(&auth),
                },
            ))
        }
    }
}

/// One seat on the meeting date, with what the attendance list says.
pub(super) struct AttendanceRow {
    pub(super) organisation_id: String,
    pub(super) organisation: String,
    pub(super) role: String,
    pub(super) person: String,
    pub(super) status: String,
    /// "Til stede fra 11:30", "Forfall", or "Ikke registrert".
    pub(super) status_text: String,
    pub(super) present_from: String,
}

pub(super) struct CommentRow {
    pub(super) organisation: String,
    pub(super) comment: String,
}

pub(super) struct CaseView {
    pub(super) id: String,
    pub(super) number: String,
    pub(super) title: String,
    pub(super) kind: String,
    pub(super) time_slot: String,
    pub(super) presenter: String,
    pub(super) background: String,
    pub(super) proposal: String,
    pub(super) document: Option<(String, String)>,
    pub(super) proposed_status: String,
    pub(super) decision: String,
    pub(super) decided_status: String,
    pub(super) comments: Vec<CommentRow>,
    /// The case is open for work (`?edit=<case id>`, or a refused form).
    pub(super) editing: bool,
    /// The edit form: the case as stored, or what the user sent when refused.
    pub(super) form: CaseForm,
    /// The comment form: what the user sent when refused, else empty.
    pub(super) comment_org: String,
    pub(super) comment_text: String,
}

/// What the meeting page shows besides the stored meeting: which part is
/// open for editing, and the user's input of a refused form.
#[derive(Default)]
pub(super) struct MeetingView {
    /// `?edit=`: a case id, or `attendance`.
    pub(super) edit: Option<String>,
    /// A refused change of a case: (case id, the form as sent).
    pub(super) case: Option<(String, CaseForm)>,
    /// A refused new case.
    pub(super) new_case: Option<CaseForm>,
    /// A refused comment: (case id, organisation id, text).
    pub(super) comment: Option<(String, String, String)>,
    /// A refused attendance list: the form's fields as sent.
    pub(super) attendance: Option<Vec<(String, String)>>,
}

#[derive(Template)]
#[template(path = "secretariat/meeting.html")]
pub(super) struct MeetingPage {
    pub(super) l: Layout,
    pub(super) m: MeetingRow,
    pub(super) time: String,
    pub(super) attendance: Vec<AttendanceRow>,
    pub(super) attendance_options: Vec<(String, String)>,
    pub(super) cases: Vec<CaseView>,
    pub(super) followups: Vec<FollowupRow>,
    pub(super) documents: Vec<(String, String)>,
    pub(super) case_kinds: Vec<(String, String)>,
    pub(super) statuses: Vec<(String, String)>,
    pub(super) seated: Vec<(String, String)>,
    pub(super) next_number: String,
    pub(super) error: Option<String>,
    /// The meeting as stored, for the edit form.
    pub(super) edit: Meeting,
    pub(super) edit_attendance: bool,
    pub(super) new_case: CaseForm,
    pub(super) new_open: bool,
}

pub(super) fn time_span(m: &Meeting) -> String {
    match (&m.starts, &m.ends) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        (Some(a), None) => a.clone(),
        _ => String::new(),
    }
}

pub(super) async fn meeting_page(
    state: &AppState,
    auth: &Auth,
    id: &str,
    error: Option<(StatusCode, String)>,
) -> AppResult<Response> {
    meeting_page_with(state, auth, id, error, MeetingView::default()).await
}

pub(super) async fn meeting_page_with(
    state: &AppState,
    auth: &Auth,
    id: &str,
    error: Option<(StatusCode, String)>,
    view: MeetingView,
) -> AppResult<Response> {
    let s = sec(state, auth)?;
    let m = s.meeting(id).await?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let listed = s.attendance(id).await?;
    let seats = s.seats_on(&m.meeting_date).await?;
    let mut attendance: Vec<AttendanceRow> = seats
        .iter()
        .map(|seat| {
            let a = listed.iter().find(|a| a.organisation_id == seat.organisation_id);
            AttendanceRow {
                organisation_id: seat.organisation_id.clone(),
                organisation: seat.organisation_name.clone(),
                role: role_label(&tr, seat.role),
                person: a
                    .and_then(|a| a.person.clone())
                    .or_else(|| seat.representative.clone())
                    .unwrap_or_default(),
                status: a.map(|a| a.status.as_str().to_string()).unwrap_or_default(),
                status_text: a.map_or_else(
                    || tr.msg("sec-att-not-recorded"),
                    |a| attendance_label(&tr, a.status, &a.present_from),
                ),
                present_from: a.and_then(|a| a.present_from.clone()).unwrap_or_default(),
            }
        })
        .collect();
    attendance.sort_by(|a, b| (&a.role, &a.organisation).cmp(&(&b.role, &b.organisation)));
    if let Some(sent) = &view.attendance {
        let field = |name: String| {
            sent.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        for a in &mut attendance {
            a.status = field(format!("status_{}", a.organisation_id));
            a.person = field(format!("person_{}", a.organisation_id));
            a.present_from = field(format!("from_{}", a.organisation_id));
        }
    }
    let comments = s.comments(id).await?;
    let documents = s.documents().await?;
    let cases = s
        .cases(id)
        .await?
        .into_iter()
        .map(|c| {
            let mut v = case_view(&c, &comments, &documents, &tr);
            v.editing = view.edit.as_deref() == Some(c.id.as_str());
            if let Some((case_id, form)) = &view.case
                && *case_id == c.id
            {
                v.editing = true;
                v.form = form.clone();
            }
            if let Some((case_id, org, text)) = &view.comment
                && *case_id == c.id
            {
                v.editing = true;
                v.comment_org = org.clone();
                v.comment_text = text.clone();
            }
            v
        })
        .collect::<Vec<_>>();
    let followups = s
        .open_followups()
        .await?
        .into_iter()
        .map(|f| FollowupRow {
            id: f.id,
            overdue: false,
            title: f.title,
            owner: f.owner.unwrap_or_default(),
            due: opt_date(&f.due),
            meeting_id: f.meeting_id,
        })
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |(st, _)| *st);
    let mut attendance_options = vec![(String::new(), tr.msg("sec-att-none"))];
    attendance_options.extend(options(AttendanceStatus::ALL, AttendanceStatus::as_str, |a| {
        tr.msg(&format!("sec-att-{}", a.as_str()))
    }));
    let year = m.year().unwrap_or(2000);
    let next_number = CaseNumber::new(year, 1).map(|c| c.to_string()).unwrap_or_default();
    Ok(render_status(
        status,
        &MeetingPage {
            edit: m.clone(),
            time: time_span(&m),
            m: MeetingRow {
                id: m.id.clone(),
                title: m.title.clone(),
                date: nb_date(&m.meeting_date),
                place: m.place.clone().unwrap_or_default(),
            },
            attendance,
            attendance_options,
            cases,
            followups,
            documents: documents
                .iter()
                .map(|d| (d.id.clone(), document_label(d, &tr)))
                .collect(),
            case_kinds: options(CaseKind::ALL, CaseKind::as_str, |k| case_kind_label(&tr, k)),
            statuses: options(DocumentStatus::ALL, DocumentStatus::as_str, |k| status_label(&tr, k)),
            seated: seats
                .iter()
                .map(|s| (s.organisation_id.clone(), s.organisation_name.clone()))
                .collect(),
            next_number,
            error: error.map(|(_, m)| m),
            edit_attendance: view.edit.as_deref() == Some("attendance") || view.attendance.is_some(),
            new_open: view.new_case.is_some(),
            new_case: view.new_case.unwrap_or_default(),
            l,
        },
    ))
}

pub(super) fn case_view(c: &Case, comments: &[CaseComment], documents: &[Document], tr: &Tr) -> CaseView {
    CaseView {
        editing: false,
        form: CaseForm::of(c),
        comment_org: String::new(),
        comment_text: String::new(),
        id: c.id.clone(),
        number: c.number.to_string(),
        title: c.title.clone(),
        kind: case_kind_label(tr, c.kind),
        time_slot: c.time_slot.clone().unwrap_or_default(),
        presenter: c.presenter.clone().unwrap_or_default(),
        background: c.background.clone().unwrap_or_default(),
        proposal: c.proposal.clone().unwrap_or_default(),
        document: c.document_id.as_ref().and_then(|id| {
            documents
                .iter()
                .find(|d| &d.id == id)
                .map(|d| (d.id.clone(), document_label(d, tr)))
        }),
        proposed_status: c.proposed_status.map(|s| status_label(tr, s)).unwrap_or_default(),
        decision: c.decision.clone().unwrap_or_default(),
        decided_status: c.decided_status.map(|s| status_label(tr, s)).unwrap_or_default(),
        comments: comments
            .iter()
            .filter(|k| k.case_id == c.id)
            .map(|k| CommentRow {
                organisation: k.organisation_name.clone(),
                comment: k.comment.clone(),
            })
            .collect(),
    }
}

pub(super) async fn meeting(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> AppResult<Response> {
    let id = object_id(&id)?;
    let view = MeetingView {
        edit: query_param(q.as_deref(), "edit"),
        ..MeetingView::default()
    };
    meeting_page_with(&state, &auth, id, None, view).await
}

/// The attendance form: `status_<org>`, `person_<org>`, `from_<org>` per
/// seat; a blank status leaves the organisation off the list.
pub(super) async fn save_attendance(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
    };
    let mut rows = Vec::new();
    for (key, value) in &fields {
        let Some(org) = key.strip_prefix("status_") else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let Some(status) = AttendanceStatus::parse(value) else {
            return meeting_page(
                &state,
                &auth,
                id,
                Some((StatusCode::BAD_REQUEST, "unknown attendance".into())),
            )
            .await;
        };
        rows.push(AttendanceInput {
            organisation_id: org.to_string(),
            person: get(&format!("person_{org}")).filter(|p| !p.is_empty()),
            status,
            present_from: get(&format!("from_{org}")).filter(|p| !p.is_empty()),
        });
    }
    match s.set_attendance(id, &rows).await {
        Ok(_) => Ok(Redirect::to(&format!("/secretariat/meetings/{id}#attendance")).into_response()),
        Err(e) => {
            let view = MeetingView {
                attendance: Some(fields),
                ..MeetingView::default()
            };
            meeting_page_with(&state, &auth, id, Some(refusal_tr(e, &auth.ctx.tr)?), view).await
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CaseForm {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub time_slot: String,
    #[serde(default)]
    pub presenter: String,
    #[serde(default)]
    pub background: String,
    #[serde(default)]
    pub proposal: String,
    #[serde(default)]
    pub document_id: String,
    #[serde(default)]
    pub proposed_status: String,
}

impl CaseForm {
    /// The form filled with a case as stored.
    pub(super) fn of(c: &Case) -> CaseForm {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        CaseForm {
            number: c.number.to_string(),
            kind: c.kind.as_str().into(),
            title: c.title.clone(),
            time_slot: text(&c.time_slot),
            presenter: text(&c.presenter),
            background: text(&c.background),
            proposal: text(&c.proposal),
            document_id: text(&c.document_id),
            proposed_status: c.proposed_status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        }
    }

    pub fn input(&self) -> Result<CaseInput, String> {
        let number = match blank_none(&self.number) {
            Some(n) => Some(CaseNumber::parse(&n).map_err(|e| e.to_string())?),
            None => None,
        };
        let proposed_status = match blank_none(&self.proposed_status) {
            Some(s) => Some(DocumentStatus::parse(&s).ok_or("unknown document status")?),
            None => None,
        };
        Ok(CaseInput {
            number,
            kind: CaseKind::parse(self.kind.trim()).ok_or("unknown case kind")?,
            title: self.title.clone(),
            time_slot: blank_none(&self.time_slot),
            presenter: blank_none(&self.presenter),
            background: blank_none(&self.background),
            proposal: blank_none(&self.proposal),
            document_id: blank_none(&self.document_id),
            proposed_status,
        })
    }
}

pub(super) async fn add_case(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<CaseForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    let view = |f: CaseForm| MeetingView {
        new_case: Some(f),
        ..MeetingView::default()
    };
    let input = match f.input() {
        Ok(i) => i,
        Err(m) => return meeting_page_with(&state, &auth, id, Some((StatusCode::BAD_REQUEST, m)), view(f)).await,
    };
    match s.add_case(id, &input).await {
        Ok(c) => Ok(Redirect::to(&format!("/secretariat/meetings/{id}#case-{}", c.id)).into_response()),
        Err(e) => meeting_page_with(&state, &auth, id, Some(refusal_tr(e, &auth.ctx.tr)?), view(f)).await,
    }
}

pub(super) async fn update_case(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, case_id)): Path<(String, String)>,
    Form(f): Form<CaseForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let (id, case_id) = (object_id(&id)?, object_id(&case_id)?);
    let view = |f: CaseForm| MeetingView {
        case: Some((case_id.to_string(), f)),
        ..MeetingView::default()
    };
    let input = match f.input() {
        Ok(i) => i,
        Err(m) => return meeting_page_with(&state, &auth, id, Some((StatusCode::BAD_REQUEST, m)), view(f)).await,
    };
    match s.update_case(id, case_id, &input).await {
        Ok(c) => Ok(Redirect::to(&format!("/secretariat/meetings/{id}#case-{}", c.id)).into_response()),
        Err(e) => meeting_page_with(&state, &auth, id, Some(refusal_tr(e, &auth.ctx.tr)?), view(f)).await,
    }
}

#[derive(Deserialize)]
pub(super) struct CommentForm {
    #[serde(default)]
    pub(super) organisation_id: String,
    #[serde(default)]
    pub(super) comment: String,
}

pub(super) async fn add_comment(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, case_id)): Path<(String, String)>,
    Form(f): Form<CommentForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let (id, case_id) = (object_id(&id)?, object_id(&case_id)?);
    let case = s.case(case_id).await?;
    if case.meeting_id != id {
        return Err(AppError::NotFound);
    }
    match s.add_comment(case_id, &f.organisation_id, &f.comment).await {
        // The case stays open: comments come one after another.
        Ok(_) => Ok(Redirect::to(&format!("/secretariat/meetings/{id}?edit={case_id}#case-{case_id}")).into_response()),
        Err(e) => {
            let view = MeetingView {
                comment: Some((case_id.to_string(), f.organisation_id, f.comment)),
                ..MeetingView::default()
            };
            meeting_page_with(&state, &auth, id, Some(refusal_tr(e, &auth.ctx.tr)?), view).await
        }
    }
}

#[derive(Deserialize)]
pub(super) struct DecisionForm {
    #[serde(default)]
    pub(super) decision: String,
    #[serde(default)]
    pub(super) new_status: String,
}

pub(super) async fn decide(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, case_id)): Path<(String, String)>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let (id, case_id) = (object_id(&id)?, object_id(&case_id)?);
    let new_status = match blank_none(&f.new_status) {
        Some(v) => match DocumentStatus::parse(&v) {
            Some(st) => Some(st),
            None => {
                return meeting_page(
                    &state,
                    &auth,
                    id,
                    Some((StatusCode::BAD_REQUEST, "unknown status".into())),
                )
                .await;
            }
        },
        None => None,
    };
    let input = CaseDecisionInput {
        decision: f.decision,
        new_status,
    };
    match s.decide(id, case_id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/secretariat/meetings/{id}#case-{case_id}")).into_response()),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => meeting_page(&state, &auth, id, Some(refusal(e, &auth.ctx.tr)?)).await,
    }
}

#[derive(Deserialize)]
pub(super) struct FollowupForm {
    #[serde(default)]
    pub(super) title: String,
    #[serde(default)]
    pub(super) owner: String,
    #[serde(default)]
    pub(super) due: String,
    #[serde(default)]
    pub(super) case_id: String,
}

pub(super) async fn add_followup(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<FollowupForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    let input = FollowupInput {
        case_id: blank_none(&f.case_id),
        title: f.title,
        owner: blank_none(&f.owner),
        due: blank_none(&f.due),
    };
    match s.add_followup(id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/secretariat/meetings/{id}#followups")).into_response()),
        Err(e) => meeting_page(&state, &auth, id, Some(refusal(e, &auth.ctx.tr)?)).await,
    }
}

/// The data of the invitation or the minutes, in the reader's language.
pub async fn minutes_data(s: &SecretariatStore<'_>, id: &str, kind: MinutesKind, tr: &Tr) -> AppResult<Minutes> {
    let m = s.meeting(id).await?;
    let listed = s.attendance(id).await?;
    let seats = s.seats_on(&m.meeting_date).await?;
    let mut attendance: Vec<MinutesAttendance> = seats
        .iter()
        .map(|seat| {
            let a = listed.iter().find(|a| a.organisation_id == seat.organisation_id);
            MinutesAttendance {
                organisation: seat.organisation_name.clone(),
                role: role_label(tr, seat.role),
                person: a
                    .and_then(|a| a.person.clone())
                    .or_else(|| seat.representative.clone())
                    .unwrap_or_default(),
                attendance: a.map_or_else(
                    || tr.msg("sec-att-not-recorded"),
                    |a| attendance_label(tr, a.status, &a.present_from),
                ),
            }
        })
        .collect();
    attendance.sort_by(|a, b| (&a.role, &a.organisation).cmp(&(&b.role, &b.organisation)));
    let comments = s.comments(id).await?;
    let cases = s
        .cases(id)
        .await?
        .into_iter()
        .map(|c| MinutesCase {
            number: c.number.to_string(),
            title: c.title.clone(),
            kind: case_kind_label(tr, c.kind),
            time_slot: c.time_slot.clone(),
            presenter: c.presenter.clone(),
            background: c.background.clone(),
            proposal: c.proposal.clone(),
            comments: comments
                .iter()
                .filter(|k| k.case_id == c.id)
                .map(|k| (k.organisation_name.clone(), k.comment.clone()))
                .collect(),
            decision: c.decision.clone(),
        })
        .collect();
    let followups = s
        .open_followups()
        .await?
        .into_iter()
        .filter(|f| f.meeting_id == id || kind == MinutesKind::Invitation)
        .map(|f| MinutesFollowup {
            title: f.title,
            owner: f.owner.unwrap_or_default(),
            due: opt_date(&f.due),
        })
        .collect();
    let span = time_span(&m);
    Ok(Minutes {
        kind,
        title: m.title,
        date: nb_date(&m.meeting_date),
        time: (!span.is_empty()).then_some(span),
        place: m.place,
        attendance,
        cases,
        followups,
        generated: crate::kit::dates::today().date(),
    })
}

/// The .docx of minutes or an invitation, written off the async threads,
/// and its file name (`<stem>-dd-mm-yyyy.docx`).
pub(crate) async fn minutes_docx_file(
    stem: &str,
    data: Minutes,
    lang: etterlev_reports::Lang,
) -> AppResult<(String, Vec<u8>)> {
    let name = format!("{stem}-{}.docx", data.date.replace('.', "-"));
    let bytes = tokio::task::spawn_blocking(move || etterlev_reports::minutes_docx(&data, lang))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((name, bytes))
}

pub(crate) fn report_lang(tr: &Tr) -> etterlev_reports::Lang {
    match tr.lang {
        crate::kit::i18n::Lang::En => etterlev_reports::Lang::En,
        _ => etterlev_reports::Lang::Nb,
    }
}

/// `minutes.docx`, `minutes.html`, `invitation.docx`, `invitation.html`.
pub(super) async fn minutes_file(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, document)): Path<(String, String)>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    let (kind, docx) = match document.as_str() {
        "minutes.docx" => (MinutesKind::Minutes, true),
        "minutes.html" => (MinutesKind::Minutes, false),
        "invitation.docx" => (MinutesKind::Invitation, true),
        "invitation.html" => (MinutesKind::Invitation, false),
        _ => return Err(AppError::NotFound),
    };
    let tr = auth.ctx.tr;
    let data = minutes_data(&s, id, kind, &tr).await?;
    let lang = report_lang(&tr);
    if docx {
        let stem = if kind == MinutesKind::Minutes {
            "referat"
        } else {
            "innkalling"
        };
        let (name, bytes) = minutes_docx_file(stem, data, lang).await?;
        return Ok(download(DOCX_TYPE, &name, bytes));
    }
    let html = etterlev_reports::minutes_html(&data, lang);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'"),
            ),
        ],
        html,
    )
        .into_response())
}
