use super::*;

// ------------------------------------------------------------------ measures

/// A security measure as the requirement page shows it: its evidence is the
/// measure's own (status, how it is checked, the last check).
pub(crate) struct MeasureView {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) status: String,
    pub(crate) check_method: Option<String>,
    pub(crate) last_checked: String,
    pub(crate) last_result: Option<String>,
    /// For a measure offered through a mapping: the requirements of other
    /// catalogues it serves that map to this one (`nis2@… art21.2.j`).
    pub(crate) via: Vec<String>,
}

/// The measures part of the requirement page.
#[derive(Default)]
pub(crate) struct MeasuresPart {
    /// Measures that serve this requirement.
    pub(crate) serving: Vec<MeasureView>,
    /// Measures that serve a mapped requirement of another catalogue.
    pub(crate) offered: Vec<MeasureView>,
    /// Every other measure, (id, title), to cite from a list.
    pub(crate) others: Vec<(String, String)>,
}

fn view(tr: &Tr, m: &SecurityMeasure, via: Vec<String>) -> MeasureView {
    MeasureView {
        id: m.id.clone(),
        title: m.input.title.clone(),
        status: tr.msg(&format!("inv-status-{}", m.input.status.as_str())),
        check_method: m.input.check_method.clone(),
        last_checked: tr.date_opt(&m.input.last_checked),
        last_result: m.input.last_result.clone(),
        via,
    }
}

/// Sorts the enterprise's measures for requirement `here`.
pub(crate) fn measures_part(
    tr: &Tr,
    set: &CatalogSet,
    measures: &[SecurityMeasure],
    here: &RequirementRef,
) -> MeasuresPart {
    let counterparts: Vec<RequirementRef> = set
        .counterparts(&here.catalog_key, &here.node_id)
        .into_iter()
        .map(|(catalog_key, node_id)| RequirementRef { catalog_key, node_id })
        .collect();
    let mut part = MeasuresPart::default();
    for m in measures {
        if m.input.requirements.contains(here) {
            part.serving.push(view(tr, m, Vec::new()));
            continue;
        }
        let via: Vec<String> = m
            .input
            .requirements
            .iter()
            .filter(|r| counterparts.contains(r))
            .map(|r| format!("{} {}", r.catalog_key, r.node_id))
            .collect();
        if via.is_empty() {
            part.others.push((m.id.clone(), m.input.title.clone()));
        } else {
            part.offered.push(view(tr, m, via));
        }
    }
    part
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CiteForm {
    measure: String,
}

/// Cites one of the enterprise's measures for this requirement: the
/// requirement is added to those the measure serves.
pub async fn cite_measure(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, node_id)): Path<(String, String)>,
    Form(f): Form<CiteForm>,
) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a = assessment(&ts, &id).await?;
    let loaded = loaded(&state).await?;
    let node = find_node(catalog_of(&loaded, &a)?, &node_id)?.id.clone();
    if !can_edit(ts.scope()) || a.closed {
        return Err(AppError::Forbidden);
    }
    let requirement = RequirementRef {
        catalog_key: a.catalog_key.clone(),
        node_id: node.clone(),
    };
    // Another tenant's measure is NotFound, like any id of another tenant.
    ts.cite_measure(object_id(&f.measure)?, requirement).await?;
    Ok(Redirect::to(&format!(
        "/assessments/{}/req/{}?cited=1#measures",
        a.id,
        url_encode(&node)
    ))
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ValidUntilForm {
    valid_until: String,
}

/// Sets (or clears, when blank) the date a piece of evidence stops being
/// valid; the dashboard, the digest and the calendar then show it.
pub async fn set_valid_until(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, evidence_id)): Path<(String, String)>,
    Form(f): Form<ValidUntilForm>,
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
    if !can_edit(ts.scope()) || a.closed {
        return Err(AppError::Forbidden);
    }
    let valid_until = Some(f.valid_until.trim().to_string()).filter(|v| !v.is_empty());
    match ts.set_evidence_valid_until(&a.id, &e.id, valid_until).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/assessments/{}/req/{}?validity=1#evidence",
            a.id,
            url_encode(&e.node_id)
        ))
        .into_response()),
        Err(StoreError::Invalid(r)) => {
            let extra = Extra {
                errors: vec![auth.ctx.tr.refused(&r)],
                ..Extra::default()
            };
            page(
                &state,
                &auth,
                &a.id,
                &e.node_id,
                extra,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
