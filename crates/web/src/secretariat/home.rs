use super::*;

// ------------------------------------------------------------------ overview

pub(super) struct DocRow {
    pub(super) id: String,
    pub(super) kind: String,
    pub(super) number: String,
    pub(super) title: String,
    pub(super) version: String,
    pub(super) status_key: &'static str,
    pub(super) status: String,
    pub(super) owner: String,
    pub(super) next_revision: String,
    pub(super) overdue: bool,
    pub(super) catalog: String,
}

pub(super) fn doc_rows(docs: &[Document], tr: &Tr) -> Vec<DocRow> {
    let today = today();
    docs.iter()
        .map(|d| DocRow {
            id: d.id.clone(),
            kind: kind_label(tr, d.kind),
            number: d.number.clone().unwrap_or_default(),
            title: d.title.clone(),
            version: d.doc_version.clone().unwrap_or_default(),
            status_key: d.status.as_str(),
            status: status_label(tr, d.status),
            owner: d.owner.clone().unwrap_or_default(),
            next_revision: opt_date(&d.next_revision),
            overdue: revision_overdue(d.status, d.next_revision.as_deref(), &today),
            catalog: d.catalog_key.clone().unwrap_or_default(),
        })
        .collect()
}

pub(super) struct FollowupRow {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) owner: String,
    pub(super) due: String,
    pub(super) meeting_id: String,
    pub(super) overdue: bool,
}

#[derive(Template)]
#[template(path = "secretariat/home.html")]
pub(super) struct HomePage {
    pub(super) l: Layout,
    pub(super) overdue: Vec<DocRow>,
    pub(super) followups: Vec<FollowupRow>,
    pub(super) meetings: Vec<MeetingRow>,
}

pub(super) struct MeetingRow {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) date: String,
    pub(super) place: String,
}

pub(super) fn meeting_rows(ms: &[Meeting]) -> Vec<MeetingRow> {
    ms.iter()
        .map(|m| MeetingRow {
            id: m.id.clone(),
            title: m.title.clone(),
            date: nb_date(&m.meeting_date),
            place: m.place.clone().unwrap_or_default(),
        })
        .collect()
}

pub(super) async fn home(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let l = Layout::for_user(&auth);
    let today = today();
    let docs = s.documents().await?;
    let overdue = doc_rows(&docs, &l.tr).into_iter().filter(|d| d.overdue).collect();
    let followups = s
        .open_followups()
        .await?
        .into_iter()
        .map(|f| FollowupRow {
            id: f.id,
            overdue: f.due.as_deref().is_some_and(|d| d < today.as_str()),
            title: f.title,
            owner: f.owner.unwrap_or_default(),
            due: opt_date(&f.due),
            meeting_id: f.meeting_id,
        })
        .collect();
    let meetings = meeting_rows(&s.meetings().await?);
    Ok(render(&HomePage {
        l,
        overdue,
        followups,
        meetings,
    }))
}
