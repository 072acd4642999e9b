use super::*;

// ------------------------------------------------------------------ documents

#[derive(Template)]
#[template(path = "secretariat/documents.html")]
pub(super) struct DocumentsPage {
    pub(super) l: Layout,
    pub(super) rows: Vec<DocRow>,
    pub(super) kinds: Vec<(String, String)>,
    pub(super) statuses: Vec<(String, String)>,
    pub(super) catalogs: Vec<String>,
    pub(super) error: Option<String>,
    pub(super) form: DocumentForm,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DocumentForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub doc_version: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub working_group: String,
    #[serde(default)]
    pub catalog_key: String,
    #[serde(default)]
    pub published_on: String,
    #[serde(default)]
    pub next_revision: String,
}

impl DocumentForm {
    /// The form filled with a document as stored.
    pub(super) fn of(d: &etterlev_store::Document) -> DocumentForm {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        DocumentForm {
            kind: d.kind.as_str().into(),
            number: text(&d.number),
            title: d.title.clone(),
            doc_version: text(&d.doc_version),
            status: d.status.as_str().into(),
            owner: text(&d.owner),
            working_group: text(&d.working_group),
            catalog_key: text(&d.catalog_key),
            published_on: text(&d.published_on),
            next_revision: text(&d.next_revision),
        }
    }

    pub fn input(&self) -> Result<DocumentInput, String> {
        Ok(DocumentInput {
            kind: DocumentKind::parse(self.kind.trim()).ok_or("unknown document kind")?,
            number: blank_none(&self.number),
            title: self.title.clone(),
            doc_version: blank_none(&self.doc_version),
            status: DocumentStatus::parse(self.status.trim()).ok_or("unknown document status")?,
            owner: blank_none(&self.owner),
            working_group: blank_none(&self.working_group),
            catalog_key: blank_none(&self.catalog_key),
            published_on: blank_none(&self.published_on),
            next_revision: blank_none(&self.next_revision),
        })
    }
}

pub(super) async fn documents_page(
    state: &AppState,
    auth: &Auth,
    error: Option<(StatusCode, String)>,
    form: DocumentForm,
) -> AppResult<Response> {
    let s = sec(state, auth)?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let rows = doc_rows(&s.documents().await?, &tr);
    let catalogs = state.store.list_catalogs().await?.into_iter().map(|c| c.key).collect();
    let status = error.as_ref().map_or(StatusCode::OK, |(st, _)| *st);
    Ok(render_status(
        status,
        &DocumentsPage {
            rows,
            kinds: options(DocumentKind::ALL, DocumentKind::as_str, |k| kind_label(&tr, k)),
            statuses: options(DocumentStatus::ALL, DocumentStatus::as_str, |k| status_label(&tr, k)),
            catalogs,
            error: error.map(|(_, m)| m),
            form,
            l,
        },
    ))
}

pub(super) async fn documents(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    documents_page(&state, &auth, None, DocumentForm::default()).await
}

pub(super) async fn create_document(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<DocumentForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let input = match f.input() {
        Ok(i) => i,
        Err(m) => return documents_page(&state, &auth, Some((StatusCode::BAD_REQUEST, m)), f).await,
    };
    match s.create_document(&input).await {
        Ok(d) => Ok(Redirect::to(&format!("/secretariat/documents/{}", d.id)).into_response()),
        Err(e) => documents_page(&state, &auth, Some(refusal(e, &auth.ctx.tr)?), f).await,
    }
}

pub(super) struct HistoryRow {
    pub(super) at: String,
    pub(super) from: String,
    pub(super) to: String,
    pub(super) case_number: String,
    pub(super) by: String,
}

pub(super) struct CaseLink {
    pub(super) meeting_id: String,
    pub(super) number: String,
    pub(super) title: String,
    pub(super) decision: String,
}

#[derive(Template)]
#[template(path = "secretariat/document.html")]
pub(super) struct DocumentPage {
    pub(super) l: Layout,
    pub(super) d: DocRow,
    pub(super) working_group: String,
    pub(super) published_on: String,
    pub(super) history: Vec<HistoryRow>,
    pub(super) cases: Vec<CaseLink>,
    pub(super) consultations: Vec<ConsultationView>,
    pub(super) error: Option<String>,
    /// The edit form: the stored document, or what the user sent when it was refused.
    pub(super) form: DocumentForm,
    pub(super) version: i64,
    pub(super) note: String,
    pub(super) kinds: Vec<(String, String)>,
    pub(super) statuses: Vec<(String, String)>,
    pub(super) catalogs: Vec<String>,
}

pub(super) struct ConsultationView {
    pub(super) id: String,
    pub(super) period: String,
    pub(super) comments: Vec<(String, String, String)>,
}

pub(super) async fn document(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let id = object_id(&id)?;
    document_page(&state, &auth, id, None).await
}

/// What the user sent in a refused edit, shown again instead of the stored document.
pub(super) struct EditAttempt {
    pub(super) form: DocumentForm,
    pub(super) note: String,
}

pub(super) async fn document_page(
    state: &AppState,
    auth: &Auth,
    id: &str,
    error: Option<(StatusCode, String)>,
) -> AppResult<Response> {
    document_page_with(state, auth, id, error, None).await
}

pub(super) async fn document_page_with(
    state: &AppState,
    auth: &Auth,
    id: &str,
    error: Option<(StatusCode, String)>,
    attempt: Option<EditAttempt>,
) -> AppResult<Response> {
    let s = sec(state, auth)?;
    let doc = s.document(id).await?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let consultations = s
        .consultations(id)
        .await?
        .into_iter()
        .map(|c| ConsultationView {
            period: format!("{}–{}", nb_date(&c.opens), nb_date(&c.closes)),
            comments: c
                .comments
                .into_iter()
                .map(|k| (k.organisation, nb_date(&k.received_on), k.summary))
                .collect(),
            id: c.id,
        })
        .collect();
    let history = s
        .document_history(id)
        .await?
        .into_iter()
        .map(|h| HistoryRow {
            at: tr.datetime(&h.at),
            from: h.from_status.map_or_else(|| "–".into(), |st| status_label(&tr, st)),
            to: status_label(&tr, h.to_status),
            case_number: h.case_number.unwrap_or_default(),
            by: h.by,
        })
        .collect();
    let cases = s
        .document_cases(id)
        .await?
        .into_iter()
        .map(|c| CaseLink {
            meeting_id: c.meeting_id,
            number: c.number.to_string(),
            title: c.title,
            decision: c.decision.unwrap_or_default(),
        })
        .collect();
    let mut rows = doc_rows(std::slice::from_ref(&doc), &tr);
    let Some(d) = rows.pop() else {
        return Err(AppError::NotFound);
    };
    let status = error.as_ref().map_or(StatusCode::OK, |(st, _)| *st);
    Ok(render_status(
        status,
        &DocumentPage {
            d,
            working_group: doc.working_group.clone().unwrap_or_default(),
            published_on: opt_date(&doc.published_on),
            history,
            cases,
            consultations,
            error: error.map(|(_, m)| m),
            kinds: options(DocumentKind::ALL, DocumentKind::as_str, |k| kind_label(&tr, k)),
            statuses: options(DocumentStatus::ALL, DocumentStatus::as_str, |k| status_label(&tr, k)),
            catalogs: state.store.list_catalogs().await?.into_iter().map(|c| c.key).collect(),
            form: attempt
                .as_ref()
                .map_or_else(|| DocumentForm::of(&doc), |a| a.form.clone()),
            // A refused edit keeps the user's input but offers the stored
            // version, so saving again is a deliberate overwrite.
            version: doc.version,
            note: attempt.map(|a| a.note).unwrap_or_default(),
            l,
        },
    ))
}

#[derive(Deserialize)]
pub(super) struct DocumentEditForm {
    #[serde(flatten)]
    pub(super) doc: DocumentForm,
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) note: String,
}

pub(super) async fn update_document(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<DocumentEditForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    let tr = Layout::for_user(&auth).tr;
    let version = f.version.trim().parse::<i64>().unwrap_or(-1);
    let attempt = |f: DocumentEditForm| EditAttempt {
        form: f.doc,
        note: f.note,
    };
    let input = match f.doc.input() {
        Ok(i) => i,
        Err(m) => {
            return document_page_with(&state, &auth, id, Some((StatusCode::BAD_REQUEST, m)), Some(attempt(f))).await;
        }
    };
    match s.update_document(id, &input, version, blank_none(&f.note)).await {
        Ok(d) => Ok(Redirect::to(&format!("/secretariat/documents/{}", d.id)).into_response()),
        Err(StoreError::VersionConflict(_)) => {
            let refused = (StatusCode::CONFLICT, tr.msg("sec-document-stale"));
            document_page_with(&state, &auth, id, Some(refused), Some(attempt(f))).await
        }
        Err(e) => document_page_with(&state, &auth, id, Some(refusal(e, &auth.ctx.tr)?), Some(attempt(f))).await,
    }
}

#[derive(Deserialize)]
pub(super) struct ConsultationForm {
    #[serde(default)]
    pub(super) opens: String,
    #[serde(default)]
    pub(super) closes: String,
}

pub(super) async fn add_consultation(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ConsultationForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let id = object_id(&id)?;
    match s.add_consultation(id, &f.opens, &f.closes).await {
        Ok(_) => Ok(Redirect::to(&format!("/secretariat/documents/{id}#consultations")).into_response()),
        Err(e) => document_page(&state, &auth, id, Some(refusal(e, &auth.ctx.tr)?)).await,
    }
}

#[derive(Deserialize)]
pub(super) struct ConsultationCommentForm {
    #[serde(default)]
    pub(super) organisation: String,
    #[serde(default)]
    pub(super) received_on: String,
    #[serde(default)]
    pub(super) summary: String,
}

pub(super) async fn add_consultation_comment(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, consultation_id)): Path<(String, String)>,
    Form(f): Form<ConsultationCommentForm>,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let (id, consultation_id) = (object_id(&id)?, object_id(&consultation_id)?);
    if !s.consultations(id).await?.iter().any(|c| c.id == consultation_id) {
        return Err(AppError::NotFound);
    }
    match s
        .add_consultation_comment(consultation_id, &f.organisation, &f.received_on, &f.summary)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/secretariat/documents/{id}#consultations")).into_response()),
        Err(e) => document_page(&state, &auth, id, Some(refusal(e, &auth.ctx.tr)?)).await,
    }
}
