use super::*;

// ------------------------------------------------------------------ .xlsx round trip

/// The rows of the export: every applicable requirement (unanswered ones as
/// not started), then answers to requirements the profile leaves out.
pub(super) fn answer_rows(catalog: &Catalog, sheet: &Sheet<'_>, answers: &[Answer], tr: &Tr) -> Vec<AnswerRow> {
    let row = |node: &etterlev_catalog::Node, a: Option<&Answer>| AnswerRow {
        node_id: node.id.clone(),
        label: node.label().to_owned(),
        title: text(&node.title, tr),
        status: a.map_or(AnswerStatus::NotStarted, |a| a.status),
        maturity: a.and_then(|a| a.maturity),
        owner: a.and_then(|a| a.owner.clone()),
        due_date: a.and_then(|a| a.due_date.clone()),
        comment: a.and_then(|a| a.comment.clone()),
        na_reason: a.and_then(|a| a.na_reason.clone()),
    };
    let mut rows: Vec<AnswerRow> = sheet.rows.iter().map(|r| row(r.node, r.answer)).collect();
    let listed: HashSet<&str> = sheet.rows.iter().map(|r| r.node.id.as_str()).collect();
    for a in answers {
        if !listed.contains(a.node_id.as_str())
            && let Some(node) = catalog.node(&a.node_id)
        {
            rows.push(row(node, Some(a)));
        }
    }
    rows
}

pub async fn export_xlsx(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a = assessment(&ts, &id).await?;
    let loaded = loaded(&state).await?;
    let catalog = catalog_of(&loaded, &a)?;
    let tr = Layout::for_user(&auth).tr;
    let answers = ts.answers(&a.id).await?;
    let sheet = Sheet::new(catalog, &a.profile, &answers);
    let rows = answer_rows(catalog, &sheet, &answers, &tr);
    let bytes = etterlev_reports::answers_xlsx(&a.catalog_key, &a.title, &rows, report_lang(tr.lang))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(XLSX_TYPE, &answers_file_name(&a.title, &tr), bytes))
}

/// "egenvurdering-<title>-svar.xlsx" in bokmål, "assessment-<title>-answers.xlsx"
/// in English; the prefix is not repeated when the title starts with it
/// ("Egenvurdering 2026" gives "egenvurdering-2026-svar.xlsx").
pub(super) fn answers_file_name(title: &str, tr: &Tr) -> String {
    let prefix = tr.msg("answers-xlsx-prefix");
    let suffix = tr.msg("answers-xlsx-suffix");
    let stem = file_stem(title);
    if stem == "assessment" || stem == prefix {
        // No usable title (file_stem's fallback), or the word alone.
        format!("{prefix}-{suffix}.xlsx")
    } else if stem.starts_with(&format!("{prefix}-")) {
        format!("{stem}-{suffix}.xlsx")
    } else {
        format!("{prefix}-{stem}-{suffix}.xlsx")
    }
}

pub(super) fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Whether an imported row says something else than what is stored (an
/// unanswered requirement is "not started" with nothing filled in).
pub(super) fn differs(row: &AnswerRow, stored: Option<&Answer>) -> bool {
    match stored {
        None => {
            row.status != AnswerStatus::NotStarted
                || row.maturity.is_some()
                || blank(&row.owner).is_some()
                || blank(&row.due_date).is_some()
                || blank(&row.comment).is_some()
                || blank(&row.na_reason).is_some()
        }
        Some(a) => {
            row.status != a.status
                || row.maturity != a.maturity
                || blank(&row.owner) != blank(&a.owner)
                || blank(&row.due_date) != blank(&a.due_date)
                || blank(&row.comment) != blank(&a.comment)
                || (row.status == AnswerStatus::NotApplicable && blank(&row.na_reason) != blank(&a.na_reason))
        }
    }
}

/// Checks parsed rows against the catalogue: every id a requirement or
/// recommendation of this version, none twice, a reason for "not
/// applicable", dates real. `row_of` names a requirement's sheet row for the
/// messages. Returns the changed rows or every problem.
pub(crate) fn check_rows(
    tr: &Tr,
    catalog: &Catalog,
    rows: Vec<AnswerRow>,
    answers: &[Answer],
    row_of: &dyn Fn(&str) -> Option<u32>,
) -> Result<Vec<(String, AnswerInput)>, Vec<String>> {
    let stored: HashMap<&str, &Answer> = answers.iter().map(|a| (a.node_id.as_str(), a)).collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    let catalog_key = catalog.key();
    for r in rows {
        let id = r.node_id.trim().to_owned();
        let row = row_of(&id).map_or_else(|| "?".to_owned(), |n| n.to_string());
        let err = |msg: String| tr.msg_with("import-row-error", &[("row", row.clone()), ("message", msg)]);
        if assessable_node(catalog, &id).is_none() {
            errors.push(err(tr.msg_with(
                "import-unknown-id",
                &[("id", id.clone()), ("catalog", catalog_key.clone())],
            )));
            continue;
        }
        if !seen.insert(id.clone()) {
            errors.push(err(tr.msg_with("import-duplicate-id", &[("id", id.clone())])));
            continue;
        }
        if r.status == AnswerStatus::NotApplicable && blank(&r.na_reason).is_none() {
            errors.push(err(tr.msg("answer-error-na-reason")));
            continue;
        }
        if blank(&r.due_date).is_some_and(|d| !is_date(d)) {
            errors.push(err(
                tr.msg_with("assessment-error-date", &[("field", tr.msg("answer-field-due"))])
            ));
            continue;
        }
        let before = stored.get(id.as_str()).copied();
        if differs(&r, before) {
            let na = r.status == AnswerStatus::NotApplicable;
            changed.push((
                id,
                AnswerInput {
                    status: r.status,
                    maturity: r.maturity,
                    owner: blank(&r.owner).map(str::to_owned),
                    due_date: blank(&r.due_date).map(str::to_owned),
                    comment: blank(&r.comment).map(str::to_owned),
                    na_reason: if na {
                        blank(&r.na_reason).map(str::to_owned)
                    } else {
                        None
                    },
                    wizard_answer: before.and_then(|a| a.wizard_answer),
                },
            ));
        }
    }
    if errors.is_empty() { Ok(changed) } else { Err(errors) }
}

/// The sheet rows (1-based, as Excel shows them) of the given requirement
/// ids: where each first appears in the column headed `node_id` of the
/// answers sheet (any column if there is no such header). Only used to word
/// messages, so a file it cannot read just gives no numbers.
pub(super) fn row_numbers(workbook: &CheckedWorkbook, ids: &HashSet<&str>) -> HashMap<String, u32> {
    use calamine::Reader;
    let mut found = HashMap::new();
    let Ok(mut book) = workbook.open() else {
        return found;
    };
    let names = book.sheet_names();
    let Some(sheet) = names
        .iter()
        .find(|n| ["svar", "answers"].iter().any(|s| n.eq_ignore_ascii_case(s)))
        .or_else(|| names.iter().find(|n| !n.eq_ignore_ascii_case("meta")))
        .cloned()
    else {
        return found;
    };
    let Ok(mut cells) = book.worksheet_cells_reader(&sheet) else {
        return found;
    };
    let mut id_column: Option<u32> = None;
    let mut candidates: Vec<(u32, u32, String)> = Vec::new();
    while let Ok(Some(cell)) = cells.next_cell() {
        let (row, col) = cell.get_position();
        let text = match cell.get_value() {
            calamine::DataRef::String(s) => s.trim().to_owned(),
            calamine::DataRef::SharedString(s) => s.trim().to_owned(),
            calamine::DataRef::Int(i) => i.to_string(),
            calamine::DataRef::Float(f) => f.to_string(),
            _ => continue,
        };
        // The id column by its header: "Krav-ID", "Requirement ID" or (in
        // files of the earlier layout) "node_id".
        if id_column.is_none() && row < 10 && etterlev_reports::answer_column(&text) == Some("node_id") {
            id_column = Some(col);
        }
        if ids.contains(text.as_str()) {
            candidates.push((row, col, text));
        }
        if candidates.len() > 10_000 {
            break;
        }
    }
    for (row, col, text) in candidates {
        if id_column.is_none_or(|c| c == col) {
            found.entry(text).or_insert(row.saturating_add(1));
        }
    }
    found
}

pub async fn import_xlsx(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a = assessment(&ts, &id).await?;
    if !super::super::pages::can_edit(ts.scope()) {
        return Err(AppError::Forbidden);
    }
    let loaded = loaded(&state).await?;
    let catalog = catalog_of(&loaded, &a)?;
    let tr = Layout::for_user(&auth).tr;
    let mut mp = mp.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let mut file: Option<Vec<u8>> = None;
    let mut too_large = false;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                too_large = true;
                break;
            }
            Err(e) => return Err(AppError::BadRequest(e.body_text())),
        };
        if field.name() == Some("file") && file.is_none() {
            match field.bytes().await {
                Ok(b) => file = Some(b.to_vec()),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    too_large = true;
                    break;
                }
                Err(e) => return Err(AppError::BadRequest(e.body_text())),
            }
        }
    }
    let refuse = |errors: Vec<String>| super::super::pages::detail_page(&state, &auth, &a.id, None, errors, "");
    if too_large || file.as_ref().is_some_and(|f| f.len() > IMPORT_MAX_BYTES) {
        let max = (IMPORT_MAX_BYTES / (1024 * 1024)).to_string();
        return refuse(vec![tr.msg_with("evidence-error-too-large", &[("max", max)])]).await;
    }
    let Some(bytes) = file.filter(|f| !f.is_empty()) else {
        return refuse(vec![tr.msg("import-no-file")]).await;
    };
    // The expansion is checked once, before anything opens the file; the
    // checked workbook is what the parser and the row numbers read.
    let lang = report_lang(tr.lang);
    let checked = tokio::task::spawn_blocking(move || {
        CheckedWorkbook::check(bytes)
            .map_err(|e| vec![etterlev_reports::workbook_refusal(e, lang)])
            .and_then(|workbook| {
                let parsed = etterlev_reports::parse_checked_answers(&workbook);
                parsed.map(|rows| (workbook, rows))
            })
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let (workbook, rows) = match checked {
        Ok(checked) => checked,
        Err(errors) => {
            let mut shown: Vec<String> = errors
                .iter()
                .take(MAX_ERRORS_SHOWN)
                .map(|e| {
                    // The column as its header reads in the user's language.
                    let message = match &e.column {
                        Some(c) => format!(
                            "{}: {}",
                            etterlev_reports::answer_column_name(c, report_lang(tr.lang)),
                            e.message
                        ),
                        None => e.message.clone(),
                    };
                    if e.row == 0 {
                        message
                    } else {
                        tr.msg_with("import-row-error", &[("row", e.row.to_string()), ("message", message)])
                    }
                })
                .collect();
            if errors.len() > MAX_ERRORS_SHOWN {
                shown.push(tr.msg_with(
                    "import-more-errors",
                    &[("count", (errors.len() - MAX_ERRORS_SHOWN).to_string())],
                ));
            }
            return refuse(shown).await;
        }
    };
    let answers = ts.answers(&a.id).await?;
    // Row numbers are looked up only for requirements that are wrong.
    let unknown: HashSet<&str> = rows
        .iter()
        .map(|r| r.node_id.trim())
        .filter(|id| assessable_node(catalog, id).is_none())
        .collect();
    let numbers = if unknown.is_empty() {
        HashMap::new()
    } else {
        row_numbers(&workbook, &unknown)
    };
    let row_of = |id: &str| numbers.get(id).copied();
    let changed = match check_rows(&tr, catalog, rows, &answers, &row_of) {
        Ok(c) => c,
        Err(mut errors) => {
            let more = errors.len().saturating_sub(MAX_ERRORS_SHOWN);
            errors.truncate(MAX_ERRORS_SHOWN);
            if more > 0 {
                errors.push(tr.msg_with("import-more-errors", &[("count", more.to_string())]));
            }
            return refuse(errors).await;
        }
    };
    let count = if changed.is_empty() {
        0
    } else {
        match ts.save_answers(&a.id, changed).await {
            Ok(n) => n,
            Err(etterlev_store::StoreError::Invalid(m)) => return refuse(vec![auth.ctx.tr.refused(&m)]).await,
            Err(e) => return Err(e.into()),
        }
    };
    Ok(Redirect::to(&format!("/assessments/{}?imported={count}", a.id)).into_response())
}
