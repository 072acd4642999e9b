use super::*;

// ------------------------------------------------------------------ statistics

/// The measure named in a query (`measure=overall` or a chapter id).
pub(crate) fn measure_of(raw: Option<String>) -> Measure {
    match raw {
        Some(m) if m != "overall" => Measure::Chapter(m),
        _ => Measure::Overall,
    }
}

pub(super) struct StatCell {
    pub(super) text: String,
    pub(super) hidden: bool,
    pub(super) n: String,
}

pub(super) struct StatRow {
    pub(super) label: String,
    pub(super) key: String,
    pub(super) cells: Vec<StatCell>,
}

pub(super) struct Bar {
    pub(super) label: String,
    pub(super) width: String,
    pub(super) value: String,
    pub(super) y: usize,
    pub(super) text_y: usize,
}

#[derive(Template)]
#[template(path = "secretariat/statistics.html")]
pub(super) struct StatisticsPage {
    pub(super) l: Layout,
    pub(super) k: u32,
    pub(super) measure: String,
    pub(super) measure_label: String,
    pub(super) chapters: Vec<(String, String)>,
    pub(super) cols: Vec<String>,
    pub(super) rows: Vec<StatRow>,
    pub(super) bars: Vec<Bar>,
    pub(super) chart_height: usize,
    pub(super) error: Option<String>,
    pub(super) hidden_sign: &'static str,
    pub(super) empty_sign: &'static str,
}

pub(crate) fn row_labels(tr: &Tr) -> Vec<String> {
    TenantKind::ALL
        .iter()
        .map(|k| tr.kind_name(*k))
        .chain([tr.msg("sec-stat-all")])
        .collect()
}

pub(crate) fn col_labels(tr: &Tr) -> Vec<String> {
    SizeClass::ALL
        .iter()
        .map(|s| tr.size_name(*s))
        .chain([tr.msg("sec-stat-all")])
        .collect()
}

/// The one sign for a hidden cell, on the page and in the .xlsx (the sign
/// Statistics Norway uses for figures withheld to protect respondents).
pub(crate) const HIDDEN_SIGN: &str = ":";
/// A group without enterprises (nothing to hide, nothing to show).
pub(crate) const EMPTY_SIGN: &str = "–";

pub(super) fn stat_rows(t: &Table, tr: &Tr) -> Vec<StatRow> {
    let keys: Vec<String> = TenantKind::ALL
        .iter()
        .map(|k| k.as_str().to_string())
        .chain(["all".into()])
        .collect();
    row_labels(tr)
        .into_iter()
        .zip(keys)
        .zip(&t.cells)
        .map(|((label, key), cells)| StatRow {
            label,
            key,
            cells: cells
                .iter()
                .map(|c| StatCell {
                    hidden: c.hidden.is_some(),
                    text: match (c.hidden, c.mean) {
                        (Some(_), _) => HIDDEN_SIGN.into(),
                        (None, Some(m)) => tr.percent(m),
                        (None, None) => EMPTY_SIGN.into(),
                    },
                    n: c.enterprises.map(|n| n.to_string()).unwrap_or_default(),
                })
                .collect(),
        })
        .collect()
}

pub(super) async fn statistics_page(
    state: &AppState,
    auth: &Auth,
    raw: Option<String>,
    error: Option<String>,
) -> AppResult<Response> {
    let s = sec(state, auth)?;
    let l = Layout::for_user(auth);
    let tr = l.tr;
    let measure = measure_of(raw);
    let chapters = s.chapters().await?;
    let table = s.statistics(&measure).await?;
    let (measure_key, measure_label) = match &measure {
        Measure::Overall => ("overall".to_string(), tr.msg("sec-stat-overall")),
        Measure::Chapter(c) => (
            c.clone(),
            chapters
                .iter()
                .find(|(id, _)| id == c)
                .map_or_else(|| c.clone(), |(id, t)| format!("{id} {t}")),
        ),
    };
    // The chart: one bar per kind whose total is published.
    let total_col = SizeClass::ALL.len();
    let mut bars = Vec::new();
    for (kind, row) in TenantKind::ALL.iter().zip(&table.cells) {
        if let Some(c) = row.get(total_col)
            && c.hidden.is_none()
            && let Some(mean) = c.mean
        {
            let y = bars.len() * 28 + 4;
            bars.push(Bar {
                label: tr.kind_name(*kind),
                width: format!("{:.1}", mean * 3.0),
                value: tr.percent(mean),
                y,
                text_y: y + 16,
            });
        }
    }
    let chart_height = bars.len() * 28 + 8;
    Ok(render_status(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &StatisticsPage {
            k: table.k,
            measure: measure_key,
            measure_label,
            chapters,
            cols: col_labels(&tr),
            rows: stat_rows(&table, &tr),
            bars,
            chart_height,
            error,
            hidden_sign: HIDDEN_SIGN,
            empty_sign: EMPTY_SIGN,
            l,
        },
    ))
}

pub(super) async fn statistics(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(q): RawQuery,
) -> AppResult<Response> {
    statistics_page(&state, &auth, query_param(q.as_deref(), "measure"), None).await
}

#[derive(Deserialize)]
pub(super) struct KForm {
    #[serde(default)]
    pub(super) k: String,
}

pub(super) async fn set_k(State(state): State<AppState>, auth: Auth, Form(f): Form<KForm>) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let Ok(k) = f.k.trim().parse::<u32>() else {
        let msg = auth.ctx.tr.msg("sec-stat-k-invalid");
        return statistics_page(&state, &auth, None, Some(msg)).await;
    };
    match s.set_k(k).await {
        Ok(()) => Ok(Redirect::to("/secretariat/statistics").into_response()),
        Err(StoreError::Invalid(_)) => {
            let msg = auth.ctx.tr.msg("sec-stat-k-invalid");
            statistics_page(&state, &auth, None, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn statistics_xlsx(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(q): RawQuery,
) -> AppResult<Response> {
    let s = sec(&state, &auth)?;
    let tr = auth.ctx.tr;
    let measure = measure_of(query_param(q.as_deref(), "measure"));
    let table = s.statistics(&measure).await?;
    let measure_label = match &measure {
        Measure::Overall => tr.msg("sec-stat-overall"),
        Measure::Chapter(c) => format!("{}: {c}", tr.msg("sec-stat-chapter")),
    };
    let (rows, cols) = (row_labels(&tr), col_labels(&tr));
    // The file carries the same sign and legend as the page.
    let note = format!(
        "{} «{HIDDEN_SIGN}»: {}",
        tr.msg_with("sec-stat-note", &[("k", table.k.to_string())]),
        tr.msg_with("sec-stat-legend-hidden", &[("k", table.k.to_string())]),
    );
    let kind = tr.msg("sec-stat-kind");
    let (title, enterprises, mean, hidden) = (
        tr.msg("sec-stat-title"),
        tr.msg("sec-stat-enterprises"),
        tr.msg("sec-stat-mean"),
        HIDDEN_SIGN.to_string(),
    );
    let bytes = etterlev_reports::statistics_xlsx(
        &table,
        &etterlev_reports::StatisticsLabels {
            title: &title,
            measure: &measure_label,
            note: &note,
            kind: &kind,
            enterprises: &enterprises,
            mean: &mean,
            hidden: &hidden,
            rows: &rows,
            cols: &cols,
        },
    )
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(XLSX_TYPE, "sektorstatistikk.xlsx", bytes))
}
