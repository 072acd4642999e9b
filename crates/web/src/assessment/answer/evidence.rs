use super::*;

// ------------------------------------------------------------------ evidence

#[derive(Default)]
pub(super) enum Upload {
    File {
        name: String,
        bytes: Vec<u8>,
    },
    TooLarge,
    #[default]
    Missing,
}

/// Which button of the requirement page sent the form. Every button also
/// keeps what else was typed (see [`upload`]); the button only decides what
/// is required: a file for "upload", an address for "add link".
#[derive(Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum Action {
    /// Also what a client that sends only a file gets.
    #[default]
    Upload,
    Save,
    Link,
}

/// Everything the requirement page's one form sends.
#[derive(Default)]
pub(super) struct Submission {
    pub(super) answer: AnswerForm,
    /// The answer fields came along (the page sends `version`); a client
    /// that sends only a file leaves the answer alone.
    pub(super) answer_sent: bool,
    pub(super) file: Upload,
    pub(super) url: String,
    pub(super) title: String,
    pub(super) action: Action,
}

/// The most kept of one text part; longer texts are cut here and then
/// refused by the length checks of the fields.
pub(super) const TEXT_PART_MAX: usize = 64 * 1024;

/// Reads the form into `sub`: text parts, and the `file` part keeping at
/// most [`MAX_FILE_BYTES`]; a bigger file is read to the end (up to the
/// route's limit) and reported as too large. On an error, what was read
/// before it stays in `sub` (the answer fields come before the file).
pub(super) async fn read_submission(mut mp: Multipart, sub: &mut Submission) -> Result<(), MultipartError> {
    let mut file_seen = false;
    while let Some(mut f) = mp.next_field().await? {
        let part = f.name().unwrap_or("").to_owned();
        if part == "file" {
            let wanted = !file_seen;
            file_seen = true;
            let name = f.file_name().unwrap_or("").to_owned();
            let mut bytes = Vec::new();
            let mut too_large = false;
            while let Some(chunk) = f.chunk().await? {
                if !wanted || too_large {
                    continue;
                }
                if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                    too_large = true;
                    bytes = Vec::new();
                } else {
                    bytes.extend_from_slice(&chunk);
                }
            }
            if wanted {
                sub.file = if too_large {
                    Upload::TooLarge
                } else if name.is_empty() && bytes.is_empty() {
                    // A file input left empty sends a part without a name.
                    Upload::Missing
                } else {
                    Upload::File { name, bytes }
                };
            }
            continue;
        }
        let mut raw = Vec::new();
        while let Some(chunk) = f.chunk().await? {
            let room = TEXT_PART_MAX.saturating_sub(raw.len());
            raw.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        let value = String::from_utf8_lossy(&raw).into_owned();
        let a = &mut sub.answer;
        match part.as_str() {
            "version" => {
                sub.answer_sent = true;
                a.version = value;
            }
            "status" => a.status = value,
            "maturity" => a.maturity = value,
            "owner" => a.owner = value,
            "due_date" => a.due_date = value,
            "comment" => a.comment = value,
            "na_reason" => a.na_reason = value,
            "url" => sub.url = value,
            "title" => sub.title = value,
            "do" => {
                sub.action = match value.as_str() {
                    "save" => Action::Save,
                    "link" => Action::Link,
                    _ => Action::Upload,
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether the typed answer says something else than the stored one (or,
/// with nothing stored, says anything at all).
pub(super) fn answer_changed(f: &AnswerForm, parsed: Option<&AnswerInput>, stored: Option<&Answer>) -> bool {
    match (parsed, stored) {
        (Some(input), Some(s)) => {
            let mut old = s.input();
            // The form cannot carry a wizard answer; saving keeps none.
            old.wizard_answer = None;
            *input != old
        }
        (Some(input), None) => {
            input.status != AnswerStatus::NotStarted
                || input.maturity.is_some()
                || input.owner.is_some()
                || input.due_date.is_some()
                || input.comment.is_some()
                || input.na_reason.is_some()
        }
        // Invalid input: changed unless every field is as stored.
        (None, _) => {
            let (typed, old) = (typed_values(f, 0), Values::of(stored));
            let same = |x: &str, y: &str| x.trim() == y.trim();
            !(same(&typed.status, &old.status)
                && same(&typed.maturity, &old.maturity)
                && same(&typed.owner, &old.owner)
                && same(&typed.due_date, &old.due_date)
                && same(&typed.comment, &old.comment)
                && same(&typed.na_reason, &old.na_reason))
        }
    }
}

/// Evidence that passed the checks, not yet stored.
pub(super) enum NewEvidence {
    File {
        name: String,
        content_type: &'static str,
        bytes: Vec<u8>,
    },
    Link {
        url: String,
        title: Option<String>,
    },
}

/// The requirement page's form: one multipart form whose buttons save the
/// answer, upload a file or add a link. Whatever the button, nothing typed
/// is lost: a changed answer is saved with the version the page was read
/// at (a stale one is the usual 409 page with the user's input beside the
/// stored answer), a chosen file is uploaded and a typed address added.
/// When the file or link is refused, nothing is stored and the page comes
/// back with everything as typed and the reason.
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, node_id)): Path<(String, String)>,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a = assessment(&ts, &id).await?;
    let loaded = loaded(&state).await?;
    let node = find_node(catalog_of(&loaded, &a)?, &node_id)?.id.clone();
    if !can_edit(ts.scope()) {
        return Err(AppError::Forbidden);
    }
    let tr = Layout::for_user(&auth).tr;
    let mp = mp.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let mut sub = Submission::default();
    match read_submission(mp, &mut sub).await {
        Ok(()) => {}
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => sub.file = Upload::TooLarge,
        Err(e) => return Err(AppError::BadRequest(e.body_text())),
    }
    let upload = std::mem::take(&mut sub.file);
    let version: Option<i64> = if sub.answer_sent {
        Some(
            sub.answer
                .version
                .trim()
                .parse()
                .ok()
                .filter(|v| *v >= 0)
                .ok_or_else(|| AppError::BadRequest("version must be a whole number".into()))?,
        )
    } else {
        None
    };
    let typed = |version: i64| sub.answer_sent.then(|| typed_values(&sub.answer, version));

    // 1. Check the evidence; a refused file or link stores nothing.
    let max = ("max", (MAX_FILE_BYTES / (1024 * 1024)).to_string());
    let mut refused: Option<(String, StatusCode)> = None;
    let mut file = None;
    match upload {
        Upload::TooLarge => {
            refused = Some((
                tr.msg_with("evidence-error-too-large", &[max]),
                StatusCode::PAYLOAD_TOO_LARGE,
            ))
        }
        Upload::Missing if sub.action == Action::Upload => {
            refused = Some((tr.msg("evidence-error-missing"), StatusCode::BAD_REQUEST))
        }
        Upload::Missing => {}
        Upload::File { bytes, .. } if bytes.is_empty() => {
            refused = Some((tr.msg("evidence-error-empty"), StatusCode::BAD_REQUEST))
        }
        Upload::File { name, bytes } => {
            let name = clean_filename(&name);
            match sniff(&bytes, &name) {
                None => refused = Some((tr.msg("evidence-error-type"), StatusCode::UNSUPPORTED_MEDIA_TYPE)),
                Some(t) => {
                    file = Some(NewEvidence::File {
                        name,
                        content_type: t.content_type(),
                        bytes,
                    })
                }
            }
        }
    }
    let mut link = None;
    let mut link_error = None;
    let link_typed = !sub.url.trim().is_empty() || !sub.title.trim().is_empty();
    if sub.action == Action::Link || link_typed {
        let title = match opt(&sub.title) {
            Some(t) => field(&tr, "evidence-field-title", &t, LINK_TITLE_MAX).map(Some),
            None => Ok(None),
        };
        match (check_url(&sub.url), title) {
            (None, _) => link_error = Some(tr.msg("evidence-error-url")),
            (_, Err(e)) => link_error = Some(e),
            (Some(url), Ok(title)) => link = Some(NewEvidence::Link { url, title }),
        }
    }
    if refused.is_some() || link_error.is_some() {
        let status = refused.as_ref().map_or(StatusCode::BAD_REQUEST, |r| r.1);
        let extra = Extra {
            values: typed(version.unwrap_or(0)),
            upload_error: refused.map(|r| r.0),
            link_error,
            link_url: sub.url.clone(),
            link_title: sub.title.clone(),
            ..Extra::default()
        };
        return page(&state, &auth, &id, &node, extra, status).await;
    }

    // 2. The answer, when it was sent and changed (or "save" was pressed).
    let mut saved = false;
    let mut problem: Option<(Extra, StatusCode)> = None;
    if let Some(version) = version {
        let parsed = parse_answer(&tr, &sub.answer);
        let stored = ts.answers(&a.id).await?.into_iter().find(|x| x.node_id == node);
        if sub.action == Action::Save || answer_changed(&sub.answer, parsed.as_ref().ok(), stored.as_ref()) {
            match parsed {
                Err(errors) => {
                    let extra = Extra {
                        values: typed(version),
                        errors,
                        ..Extra::default()
                    };
                    problem = Some((extra, StatusCode::BAD_REQUEST));
                }
                Ok(input) => match ts.save_answer(&a.id, &node, input, version).await {
                    Ok(_) => saved = true,
                    Err(StoreError::VersionConflict(conflict)) => {
                        let ConflictWith::Answer(current) = *conflict else {
                            return Err(AppError::Conflict(tr.msg("answer-conflict")));
                        };
                        let extra = Extra {
                            values: typed(current.version),
                            errors: vec![tr.msg("answer-conflict")],
                            conflict: Some(current),
                            ..Extra::default()
                        };
                        problem = Some((extra, StatusCode::CONFLICT));
                    }
                    Err(StoreError::Invalid(m)) => {
                        let extra = Extra {
                            values: typed(version),
                            errors: vec![auth.ctx.tr.refused(&m)],
                            ..Extra::default()
                        };
                        problem = Some((extra, StatusCode::BAD_REQUEST));
                    }
                    Err(e) => return Err(e.into()),
                },
            }
        }
    }

    // 3. The evidence: it was checked, so it is stored even when the
    // answer could not be (the page then says so and keeps the answer).
    let mut added = false;
    for e in [file, link].into_iter().flatten() {
        let result = match &e {
            NewEvidence::File {
                name,
                content_type,
                bytes,
            } => ts.add_evidence_file(&a.id, &node, name, content_type, bytes).await,
            NewEvidence::Link { url, title } => ts.add_evidence_link(&a.id, &node, url, title.as_deref()).await,
        };
        match result {
            Ok(_) => added = true,
            Err(StoreError::Invalid(m)) => {
                let m = auth.ctx.tr.refused(&m);
                let (extra, _) = problem.get_or_insert_with(|| (Extra::default(), StatusCode::BAD_REQUEST));
                match e {
                    NewEvidence::File { .. } => extra.upload_error = Some(m),
                    NewEvidence::Link { .. } => {
                        extra.link_error = Some(m);
                        extra.link_url = sub.url.clone();
                        extra.link_title = sub.title.clone();
                    }
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let Some((mut extra, status)) = problem {
        if added {
            extra.notice = Some("evidence-added");
        }
        return page(&state, &auth, &id, &node, extra, status).await;
    }
    let flags = match (saved, added) {
        (true, true) => "?saved=1&uploaded=1",
        (true, false) => "?saved=1",
        (false, true) => "?uploaded=1",
        (false, false) => "",
    };
    Ok(Redirect::to(&format!("/assessments/{}/req/{node}{flags}", a.id)).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    pub(super) url: String,
    pub(super) title: String,
}

/// Only http and https addresses with a host become links.
pub(crate) fn check_url(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.len() > URL_MAX || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let u = url::Url::parse(raw).ok()?;
    (matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())).then(|| raw.to_owned())
}

pub async fn add_link(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, node_id)): Path<(String, String)>,
    Form(f): Form<LinkForm>,
) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a = assessment(&ts, &id).await?;
    let loaded = loaded(&state).await?;
    let node = find_node(catalog_of(&loaded, &a)?, &node_id)?.id.clone();
    if !can_edit(ts.scope()) {
        return Err(AppError::Forbidden);
    }
    let tr = Layout::for_user(&auth).tr;
    let title = match opt(&f.title) {
        Some(t) => field(&tr, "evidence-field-title", &t, LINK_TITLE_MAX).map(Some),
        None => Ok(None),
    };
    let failed = |msg: String| Extra {
        link_error: Some(msg),
        link_url: f.url.clone(),
        link_title: f.title.clone(),
        ..Extra::default()
    };
    let extra = match (check_url(&f.url), title) {
        (None, _) => failed(tr.msg("evidence-error-url")),
        (_, Err(e)) => failed(e),
        (Some(url), Ok(title)) => match ts.add_evidence_link(&a.id, &node, &url, title.as_deref()).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!("/assessments/{}/req/{node}?uploaded=1", a.id)).into_response());
            }
            Err(StoreError::Invalid(m)) => failed(auth.ctx.tr.refused(&m)),
            Err(e) => return Err(e.into()),
        },
    };
    page(&state, &auth, &id, &node, extra, StatusCode::BAD_REQUEST).await
}

pub async fn download(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, evidence_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a = assessment(&ts, &id).await?;
    let (e, bytes) = ts.evidence_blob(object_id(&evidence_id)?).await?;
    if e.assessment_id != a.id {
        return Err(AppError::NotFound);
    }
    let content_type = e
        .content_type
        .as_deref()
        .and_then(|t| HeaderValue::from_str(t).ok())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&attachment(&clean_filename(e.filename.as_deref().unwrap_or(""))))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
        ],
        bytes,
    )
        .into_response())
}

pub async fn delete_evidence(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, evidence_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a = assessment(&ts, &id).await?;
    let evidence_id = object_id(&evidence_id)?;
    let e = ts
        .evidence(&a.id)
        .await?
        .into_iter()
        .find(|e| e.id == evidence_id)
        .ok_or(AppError::NotFound)?;
    ts.delete_evidence(&e.id).await?;
    Ok(Redirect::to(&format!("/assessments/{}/req/{}?deleted=1", a.id, e.node_id)).into_response())
}
