use super::*;

// ------------------------------------------------------------------ project form

#[derive(Template)]
#[template(path = "test_projects/form.html")]
pub(super) struct FormPage {
    pub(super) l: Layout,
    /// None for a new project.
    pub(super) id: Option<String>,
    pub(super) version: i64,
    pub(super) f: RawProject,
    pub(super) kinds: Vec<Opt>,
    pub(super) errors: Vec<String>,
    /// Set after a conflict: the project as stored now.
    pub(super) stored: Option<RawProject>,
    pub(super) has_decision: bool,
}

impl FormPage {
    pub(super) fn new(auth: &Auth, f: RawProject) -> Self {
        let l = Layout::for_user(auth);
        FormPage {
            kinds: kind_options(&l.tr, f.data_kind.trim()),
            l,
            id: None,
            version: 0,
            f,
            errors: Vec::new(),
            stored: None,
            has_decision: false,
        }
    }

    pub(super) fn with_errors(mut self, errors: &[FieldError]) -> Self {
        self.errors = errors.iter().map(|e| self.l.tr.msg(e.key)).collect();
        self
    }
}

pub(super) fn require_edit(auth: &Auth) -> AppResult<()> {
    if can_edit(auth) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub(super) async fn new_form(auth: Auth) -> AppResult<Response> {
    auth.scope()?;
    require_edit(&auth)?;
    Ok(render(&FormPage::new(
        &auth,
        RawProject {
            data_kind: DataKind::Synthetic.as_str().into(),
            ..RawProject::default()
        },
    )))
}

pub(super) async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Form(raw): Form<RawProject>,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    require_edit(&auth)?;
    let input = match check_project(&raw) {
        Ok(input) => input,
        Err(errors) => {
            let page = FormPage::new(&auth, raw).with_errors(&errors);
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let p = state.store.tenant(scope).create_test_project(input).await?;
    Ok(Redirect::to(&format!("/testdata/{}?notice=testdata-notice-saved", url_encode(&p.id))).into_response())
}

pub(super) fn edit_page(auth: &Auth, p: &TestProject, f: RawProject) -> FormPage {
    let mut page = FormPage::new(auth, f);
    page.id = Some(p.id.clone());
    page.version = p.version;
    page.has_decision = p.decision.is_some();
    page
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let p = state.store.tenant(scope).test_project(object_id(&id)?).await?;
    require_edit(&auth)?;
    Ok(render(&edit_page(&auth, &p, RawProject::of(&p))))
}

#[derive(Deserialize)]
pub(super) struct EditForm {
    #[serde(flatten)]
    pub(super) f: RawProject,
    #[serde(default)]
    pub(super) version: String,
}

pub(super) async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<EditForm>,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let current = ts.test_project(object_id(&id)?).await?;
    require_edit(&auth)?;
    let version = form_version(&form.version)?;
    let input = match check_project(&form.f) {
        Ok(input) => input,
        Err(errors) => {
            let mut page = edit_page(&auth, &current, form.f).with_errors(&errors);
            page.version = version;
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    match ts.update_test_project(&current.id, input, version).await {
        Ok(p) => {
            Ok(Redirect::to(&format!("/testdata/{}?notice=testdata-notice-saved", url_encode(&p.id))).into_response())
        }
        Err(StoreError::VersionConflict(c)) => {
            let now = match *c {
                ConflictWith::TestProject(p) => p,
                _ => ts.test_project(&current.id).await?,
            };
            let mut page = edit_page(&auth, &now, form.f);
            page.errors = vec![page.l.tr.msg("testdata-project-conflict")];
            page.stored = Some(RawProject::of(&now));
            Ok(render_status(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}
