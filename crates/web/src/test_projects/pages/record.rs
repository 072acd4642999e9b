use super::*;

// ------------------------------------------------------------------ printable record

pub(super) struct ReportCheck {
    pub(super) group: String,
    pub(super) title: String,
    pub(super) need: String,
    pub(super) answer: String,
    pub(super) note: String,
    pub(super) by: String,
}

#[derive(Template)]
#[template(path = "test_projects/report.html")]
pub(super) struct ReportPage {
    pub(super) tr: Tr,
    pub(super) tenant: String,
    pub(super) generated: String,
    pub(super) p: TestProject,
    pub(super) kind: String,
    pub(super) delete_by: String,
    /// The decision shown (the current one), if any.
    pub(super) decision: Option<HistoryView>,
    pub(super) checks: Vec<ReportCheck>,
    pub(super) earlier: Vec<HistoryView>,
}

/// The printable page carries its own inline style and nothing else, so it
/// gets a policy of its own (see `security::headers`).
pub(super) const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; \
                          base-uri 'none'; form-action 'none'";

pub(super) fn report_checks(tr: &Tr, kind: DataKind, checks: &[TestCheck]) -> Vec<ReportCheck> {
    CheckKey::ALL
        .iter()
        .map(|&key| {
            let c = checks.iter().find(|c| c.key == key);
            ReportCheck {
                group: group_label(tr, key.group()),
                title: check_title(tr, key),
                need: need_label(tr, key.need(kind)),
                answer: c.map_or_else(|| tr.msg("testdata-unanswered"), |c| answer_label(tr, c.answer)),
                note: c.and_then(|c| c.note.clone()).unwrap_or_default(),
                by: c.map_or_else(String::new, |c| {
                    format!(
                        "{} {}",
                        c.updated_by.clone().unwrap_or_default(),
                        tr.datetime(&c.updated_at)
                    )
                }),
            }
        })
        .collect()
}

pub(super) async fn report(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let scope = auth.scope()?;
    let ts = state.store.tenant(scope);
    let p = ts.test_project(object_id(&id)?).await?;
    let history = ts.test_decisions(&p.id).await?;
    let tr = auth.ctx.tr;
    let views = history_views(&tr, &history);
    // The current decision is the newest one recorded; without a current
    // decision (none yet, or withdrawn) the checklist is shown as it is now.
    let (decision, checks, earlier) = match (p.decision.is_some(), history.first()) {
        (true, Some(latest)) => {
            let mut views = views.into_iter();
            let first = views.next();
            (
                first,
                report_checks(&tr, latest.data_kind, &latest.checks),
                views.collect(),
            )
        }
        _ => (
            None,
            report_checks(&tr, p.data_kind, &ts.test_checks(&p.id).await?),
            views,
        ),
    };
    let page = ReportPage {
        tenant: tenant_name(&auth),
        generated: tr.datetime(&etterlev_store::now_ms()),
        kind: kind_label(&tr, p.data_kind),
        delete_by: show_date_opt(&p.delete_by),
        decision,
        checks,
        earlier,
        tr,
        p,
    };
    let mut resp = render(&page);
    if resp.status() == StatusCode::OK {
        resp.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(REPORT_CSP));
    }
    Ok(resp)
}
