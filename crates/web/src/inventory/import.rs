//! The inventory as a spreadsheet: export (`/inventory/systems.xlsx`,
//! `.csv`) and import in two steps — upload (`/inventory/import`), then say
//! which column is which (`/inventory/import/{id}`). Every row is checked
//! before anything is saved; errors name the row and the column, and an
//! import with any bad row saves nothing. Systems are matched by name: a
//! known name is changed, a new one created. The export's header row is the
//! machine names, so a round trip maps itself.

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etterlev_core::inventory::{Criticality, DataCategory, Hosting, Level, MdrClass, ProtectionNeed};
use etterlev_reports::table::{Table, read_table, table_csv, table_xlsx};
use etterlev_store::{StoreError, System, SystemInput};

use super::pages::require_edit;
use crate::AppState;
use crate::kit::error::{AppError, AppResult, url_encode};
use crate::kit::i18n::Tr;
use crate::kit::session::Auth;
use crate::kit::{FormPairs, Layout, XLSX_TYPE, download, object_id, render, render_status};

/// The largest upload.
pub(super) const IMPORT_MAX_BYTES: usize = 5 * 1024 * 1024;
/// The body limit of the upload route (the file and the form around it).
pub(super) const IMPORT_BODY_MAX: usize = IMPORT_MAX_BYTES + 64 * 1024;

/// The columns, in the export's order, by machine name.
pub(super) const COLUMNS: &[&str] = &[
    "name",
    "purpose",
    "owner",
    "administrator",
    "users",
    "staff_users",
    "patient_users",
    "data_category",
    "health_register",
    "confidentiality",
    "integrity",
    "availability",
    "criticality",
    "hosting",
    "cloud_provider",
    "cloud_region",
    "supplier",
    "medical_device",
    "mdr_class",
    "ai_component",
    "internet_exposed",
    "remote_access",
];

/// Columns an import cannot do without.
const REQUIRED: &[&str] = &[
    "name",
    "data_category",
    "confidentiality",
    "integrity",
    "availability",
    "criticality",
    "hosting",
];

fn label(tr: &Tr, column: &str) -> String {
    tr.msg(&format!("inv-col-{column}"))
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// One system as a row of [`COLUMNS`].
fn to_row(s: &SystemInput) -> Vec<String> {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        s.name.clone(),
        o(&s.purpose),
        o(&s.owner),
        o(&s.administrator),
        o(&s.users),
        yes_no(s.staff_users),
        yes_no(s.patient_users),
        s.data_category.as_str().into(),
        yes_no(s.health_register),
        s.need.confidentiality.get().to_string(),
        s.need.integrity.get().to_string(),
        s.need.availability.get().to_string(),
        s.criticality.as_str().into(),
        s.hosting.as_str().into(),
        o(&s.cloud_provider),
        o(&s.cloud_region),
        o(&s.supplier),
        yes_no(s.medical_device),
        s.mdr_class.map(|m| m.as_str().to_string()).unwrap_or_default(),
        yes_no(s.ai_component),
        yes_no(s.internet_exposed),
        yes_no(s.remote_access),
    ]
}

pub(super) fn export_table(systems: &[System]) -> Table {
    Table {
        headers: COLUMNS.iter().map(|c| (*c).to_string()).collect(),
        rows: systems.iter().map(|s| to_row(&s.input)).collect(),
    }
}

/// Every accepted spelling of every choice, lower-cased, by kind: the
/// machine name and the label in both languages. Built once, so reading
/// thousands of rows looks words up instead of formatting them.
static SPELLINGS: std::sync::LazyLock<std::collections::HashMap<(&'static str, String), &'static str>> =
    std::sync::LazyLock::new(|| {
        fn add<T: Copy>(
            map: &mut std::collections::HashMap<(&'static str, String), &'static str>,
            key: &'static str,
            all: &[T],
            name: fn(T) -> &'static str,
        ) {
            let trs = [Tr::new(crate::kit::i18n::Lang::Nb), Tr::new(crate::kit::i18n::Lang::En)];
            for t in all {
                let machine = name(*t);
                map.insert((key, machine.to_string()), machine);
                for tr in &trs {
                    map.insert((key, tr.msg(&format!("inv-{key}-{machine}")).to_lowercase()), machine);
                }
            }
        }
        let mut map = std::collections::HashMap::new();
        add(&mut map, "category", DataCategory::ALL, DataCategory::as_str);
        add(&mut map, "criticality", Criticality::ALL, Criticality::as_str);
        add(&mut map, "hosting", Hosting::ALL, Hosting::as_str);
        add(&mut map, "mdr", MdrClass::ALL, MdrClass::as_str);
        map
    });

/// A choice by its machine name or its label in either language.
fn choice<T>(value: &str, parse: fn(&str) -> Option<T>, key: &'static str) -> Option<T> {
    SPELLINGS
        .get(&(key, value.trim().to_lowercase()))
        .and_then(|m| parse(m))
}

fn flag(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "" | "no" | "nei" | "false" | "usann" | "0" | "-" => Some(false),
        "yes" | "ja" | "true" | "sann" | "1" | "x" => Some(true),
        _ => None,
    }
}

/// One problem of one cell.
pub(super) struct CellError {
    pub(super) row: usize,
    pub(super) column: String,
    pub(super) message: String,
}

/// A row as a [`SystemInput`], given where each column is (`at`); the cells
/// that cannot be read are returned instead.
fn from_row(
    tr: &Tr,
    row: &[String],
    at: &dyn Fn(&str) -> Option<usize>,
    line: usize,
) -> Result<SystemInput, Vec<CellError>> {
    let mut errors = Vec::new();
    let cell = |c: &str| at(c).and_then(|i| row.get(i)).map_or("", |v| v.as_str());
    let text = |c: &str| Some(cell(c).to_string()).filter(|v| !v.trim().is_empty());
    let mut bad = |c: &str, key: &str| {
        errors.push(CellError {
            row: line,
            column: label(tr, c),
            message: tr.msg_with(key, &[("value", cell(c).chars().take(60).collect())]),
        })
    };
    let flag_of = |c: &str, bad: &mut dyn FnMut(&str, &str)| {
        flag(cell(c)).unwrap_or_else(|| {
            bad(c, "inv-import-bad-flag");
            false
        })
    };
    let flags: Vec<bool> = [
        "staff_users",
        "patient_users",
        "health_register",
        "medical_device",
        "ai_component",
        "internet_exposed",
        "remote_access",
    ]
    .iter()
    .map(|c| flag_of(c, &mut bad))
    .collect();
    let mut level = |c: &str| {
        let l = cell(c).trim().parse::<u8>().ok().and_then(Level::new);
        if l.is_none() {
            bad(c, "inv-import-bad-level");
        }
        l
    };
    let (conf, integ, avail) = (level("confidentiality"), level("integrity"), level("availability"));
    let category = choice(cell("data_category"), DataCategory::parse, "category");
    let criticality = choice(cell("criticality"), Criticality::parse, "criticality");
    let hosting = choice(cell("hosting"), Hosting::parse, "hosting");
    let mdr = cell("mdr_class");
    let mdr_class = if mdr.trim().is_empty() {
        None
    } else {
        choice(mdr, MdrClass::parse, "mdr")
    };
    for (ok, c) in [
        (category.is_some(), "data_category"),
        (criticality.is_some(), "criticality"),
        (hosting.is_some(), "hosting"),
        (mdr.trim().is_empty() || mdr_class.is_some(), "mdr_class"),
    ] {
        if !ok {
            bad(c, "inv-import-bad-choice");
        }
    }
    match (conf, integ, avail, category, criticality, hosting) {
        (Some(c), Some(i), Some(a), Some(data_category), Some(criticality), Some(hosting)) if errors.is_empty() => {
            Ok(SystemInput {
                name: cell("name").to_string(),
                purpose: text("purpose"),
                owner: text("owner"),
                administrator: text("administrator"),
                users: text("users"),
                staff_users: flags[0],
                patient_users: flags[1],
                data_category,
                health_register: flags[2],
                need: ProtectionNeed {
                    confidentiality: c,
                    integrity: i,
                    availability: a,
                },
                criticality,
                hosting,
                cloud_provider: text("cloud_provider"),
                cloud_region: text("cloud_region"),
                supplier: text("supplier"),
                medical_device: flags[3],
                mdr_class,
                ai_component: flags[4],
                internet_exposed: flags[5],
                remote_access: flags[6],
            })
        }
        _ => Err(errors),
    }
}

// ------------------------------------------------------------------ export

pub(super) async fn export_xlsx(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let scope = auth.scope()?;
    let systems = state.store.tenant(scope).systems().await?;
    let bytes = table_xlsx("systems", &export_table(&systems)).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(XLSX_TYPE, "systems.xlsx", bytes))
}

pub(super) async fn export_csv(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let scope = auth.scope()?;
    let systems = state.store.tenant(scope).systems().await?;
    Ok(download(
        "text/csv; charset=utf-8",
        "systems.csv",
        table_csv(&export_table(&systems)).into_bytes(),
    ))
}

// ------------------------------------------------------------------ upload

#[derive(Template)]
#[template(path = "inventory/import.html")]
struct UploadPage {
    l: Layout,
    errors: Vec<String>,
    max_mib: usize,
}

pub(super) async fn upload_form(auth: Auth) -> AppResult<Response> {
    auth.scope()?;
    require_edit(&auth)?;
    Ok(render(&UploadPage {
        l: Layout::for_user(&auth),
        errors: Vec::new(),
        max_mib: IMPORT_MAX_BYTES / (1024 * 1024),
    }))
}

pub(super) async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    require_edit(&auth)?;
    let l = Layout::for_user(&auth);
    let refuse = |l: Layout, error: String| {
        let page = UploadPage {
            l,
            errors: vec![error],
            max_mib: IMPORT_MAX_BYTES / (1024 * 1024),
        };
        Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
    };
    let mut mp = mp.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                let msg = l.tr.msg_with(
                    "inv-import-too-large",
                    &[("max", (IMPORT_MAX_BYTES / (1024 * 1024)).to_string())],
                );
                return refuse(l, msg);
            }
            Err(e) => return Err(AppError::BadRequest(e.body_text())),
        };
        if field.name() == Some("file") && file.is_none() {
            let name = field.file_name().unwrap_or("").to_string();
            match field.bytes().await {
                Ok(b) => file = Some((name, b.to_vec())),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    let msg = l.tr.msg_with(
                        "inv-import-too-large",
                        &[("max", (IMPORT_MAX_BYTES / (1024 * 1024)).to_string())],
                    );
                    return refuse(l, msg);
                }
                Err(e) => return Err(AppError::BadRequest(e.body_text())),
            }
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let msg = l.tr.msg("inv-import-no-file");
        return refuse(l, msg);
    };
    let table = match read_table(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let msg = l.tr.msg_with("inv-import-unreadable", &[("why", e.to_string())]);
            return refuse(l, msg);
        }
    };
    if table.rows.is_empty() {
        let msg = l.tr.msg("inv-import-no-rows");
        return refuse(l, msg);
    }
    let pending = state
        .store
        .tenant(scope)
        .save_pending_import(&name, table.headers, table.rows)
        .await?;
    Ok(Redirect::to(&format!("/inventory/import/{}", url_encode(&pending.id))).into_response())
}

// ------------------------------------------------------------------ mapping

struct FieldMap {
    name: &'static str,
    label: String,
    required: bool,
    /// Index of the chosen column.
    selected: Option<usize>,
}

#[derive(Template)]
#[template(path = "inventory/mapping.html")]
struct MappingPage {
    l: Layout,
    id: String,
    file_name: String,
    rows: usize,
    headers: Vec<(usize, String)>,
    fields: Vec<FieldMap>,
    preview: Vec<Vec<String>>,
    errors: Vec<String>,
    cell_errors: Vec<CellError>,
    more_errors: usize,
}

/// The column a field is in by default: its machine name or its label, in
/// either language, as the header.
fn guess(headers: &[String], column: &str) -> Option<usize> {
    let nb = Tr::new(crate::kit::i18n::Lang::Nb);
    let en = Tr::new(crate::kit::i18n::Lang::En);
    let names = [
        column.to_string(),
        label(&nb, column).to_lowercase(),
        label(&en, column).to_lowercase(),
    ];
    headers.iter().position(|h| {
        let h = h.trim().to_lowercase();
        names.contains(&h)
    })
}

fn mapping_page(auth: &Auth, p: &etterlev_store::PendingImport, chosen: &dyn Fn(&str) -> Option<usize>) -> MappingPage {
    let l = Layout::for_user(auth);
    let tr = l.tr;
    MappingPage {
        id: p.id.clone(),
        file_name: p.file_name.clone(),
        rows: p.rows.len(),
        headers: p.headers.iter().cloned().enumerate().collect(),
        fields: COLUMNS
            .iter()
            .map(|c| FieldMap {
                name: c,
                label: label(&tr, c),
                required: REQUIRED.contains(c),
                selected: chosen(c),
            })
            .collect(),
        preview: p.rows.iter().take(5).cloned().collect(),
        errors: Vec::new(),
        cell_errors: Vec::new(),
        more_errors: 0,
        l,
    }
}

pub(super) async fn mapping(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    let scope = auth.scope()?;
    require_edit(&auth)?;
    let p = state.store.tenant(scope).pending_import(object_id(&id)?).await?;
    let page = mapping_page(&auth, &p, &|c| guess(&p.headers, c));
    Ok(render(&page))
}

/// Errors shown at most; the rest are counted.
const ERRORS_SHOWN: usize = 50;

pub(super) async fn apply(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    form: FormPairs,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    require_edit(&auth)?;
    let ts = state.store.tenant(scope);
    let p = ts.pending_import(object_id(&id)?).await?;
    let at = |c: &str| {
        form.get(&format!("map_{c}"))
            .parse::<usize>()
            .ok()
            .filter(|i| *i < p.headers.len())
    };
    let mut page = mapping_page(&auth, &p, &at);
    let tr = page.l.tr;
    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|c| at(c).is_none())
        .map(|c| label(&tr, c))
        .collect();
    if !missing.is_empty() {
        page.errors = vec![tr.msg_with("inv-import-unmapped", &[("columns", missing.join(", "))])];
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    let mut inputs = Vec::with_capacity(p.rows.len());
    let mut cell_errors = Vec::new();
    for (i, row) in p.rows.iter().enumerate() {
        // Row 1 is the header, as the spreadsheet numbers them.
        match from_row(&tr, row, &at, i + 2) {
            Ok(input) => inputs.push((i + 2, input)),
            Err(e) => cell_errors.extend(e),
        }
    }
    if !cell_errors.is_empty() {
        page.more_errors = cell_errors.len().saturating_sub(ERRORS_SHOWN);
        cell_errors.truncate(ERRORS_SHOWN);
        page.errors = vec![tr.msg("inv-import-refused")];
        page.cell_errors = cell_errors;
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    match ts.import_systems(&p.id, inputs).await {
        Ok(counts) => Ok(Redirect::to(&format!(
            "/inventory?notice=inv-notice-imported&created={}&updated={}",
            counts.created, counts.updated
        ))
        .into_response()),
        Err(StoreError::Invalid(r)) => {
            page.errors = vec![tr.msg("inv-import-refused"), tr.refused(&r)];
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::i18n::Lang;

    #[test]
    fn a_row_reads_labels_and_machine_names() {
        let tr = Tr::new(Lang::Nb);
        let headers: Vec<String> = COLUMNS.iter().map(|c| (*c).to_string()).collect();
        let at = |c: &str| guess(&headers, c);
        let mut row = vec![String::new(); COLUMNS.len()];
        let set = |row: &mut Vec<String>, c: &str, v: &str| {
            if let Some(i) = COLUMNS.iter().position(|x| *x == c) {
                row[i] = v.into();
            }
        };
        set(&mut row, "name", "PACS");
        set(&mut row, "data_category", "Helseopplysninger");
        set(&mut row, "confidentiality", "4");
        set(&mut row, "integrity", "3");
        set(&mut row, "availability", "2");
        set(&mut row, "criticality", "critical");
        set(&mut row, "hosting", "Skytjeneste");
        set(&mut row, "medical_device", "ja");
        set(&mut row, "mdr_class", "iia");
        let s = from_row(&tr, &row, &at, 2).ok().expect("a good row");
        assert_eq!(
            (s.data_category, s.hosting, s.medical_device),
            (DataCategory::Health, Hosting::Cloud, true)
        );
        assert_eq!(
            to_row(&s)[COLUMNS.iter().position(|c| *c == "hosting").unwrap_or(0)],
            "cloud"
        );
        set(&mut row, "confidentiality", "5");
        set(&mut row, "staff_users", "kanskje");
        let errors = from_row(&tr, &row, &at, 7).err().unwrap_or_default();
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| e.row == 7));
    }

    #[test]
    fn every_column_has_a_label_in_both_languages() {
        for lang in [Lang::Nb, Lang::En] {
            let tr = Tr::new(lang);
            for c in COLUMNS {
                assert_ne!(label(&tr, c), format!("inv-col-{c}"), "{lang:?} {c}");
            }
        }
    }
}
