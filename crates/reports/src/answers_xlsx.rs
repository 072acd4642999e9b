//! An assessment's answers as a spreadsheet, and the same spreadsheet read
//! back (the round trip of export, edit in Excel, import).
//!
//! Layout of the answers sheet ("Svar" / "Answers"):
//! - row 1: the column names in the document's language ("Krav", "Tittel",
//!   "Status", …), the only header row;
//! - from row 2: one row per requirement. Status is written as its name in
//!   the document's language, the same word as on screen and in the Word
//!   reports; maturity as a number;
//! - the requirement's machine id, which the import goes by, is the last
//!   column ("Krav-ID"), greyed out.
//!
//! Status and maturity have drop-down lists (data validation), the header
//! row and the requirement column are frozen, and the header row carries
//! the autofilter. A hidden sheet "meta" holds the format name, the
//! catalogue key, the assessment title and the language.
//!
//! The import is lenient in what people do to a sheet and strict in what it
//! lets through: columns are found by their header, which may be the
//! machine id ([`ANSWER_COLUMNS`]) or the name in bokmål or English, in any
//! order; files of the earlier layout (names in row 1, machine ids in row
//! 2, ids in the first column) read as before; rows may be sorted,
//! filtered or have blank rows between them; status may be the machine
//! value or its name in either language (also the shorter names earlier
//! files used). Anything it cannot read is reported, by sheet row and
//! column, and nothing is returned then.

use std::collections::{BTreeMap, HashMap};

use calamine::{DataRef, Reader, Xlsx};
use etterlev_core::{AnswerStatus, Maturity};
use rust_xlsxwriter::{Color, DataValidation, DocProperties, Format, FormatAlign, Note, Workbook};

use crate::formula::restore_formula;
use crate::labels::{self, Labels};
use crate::xlsx::{cell_text, clip};
use crate::zip_limits::{CheckedWorkbook, ZipLimitError};
use crate::{Lang, ReportError};

/// The machine column ids, in the order the export writes them.
pub const ANSWER_COLUMNS: [&str; 9] = [
    "node_id",
    "label",
    "title",
    "status",
    "maturity",
    "owner",
    "due_date",
    "comment",
    "na_reason",
];

/// The sheet columns, left to right, as indexes into [`ANSWER_COLUMNS`]:
/// what people read first, the machine id last.
const SHEET_ORDER: [usize; 9] = [1, 2, 3, 4, 5, 6, 7, 8, 0];

/// The value of `format` on the hidden meta sheet.
const FORMAT: &str = "etterlev-answers";
const META_SHEET: &str = "meta";
/// Rows beyond this are refused (an assessment has hundreds).
const MAX_ROWS: usize = 20_000;
/// Cells further right are not read.
const MAX_COLUMNS: u32 = 64;
/// The header row is looked for among this many first rows.
const HEADER_SEARCH: u32 = 10;
/// At most this many errors are listed; the rest are counted.
const MAX_ERRORS: usize = 200;

/// One requirement's answer as a spreadsheet row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    pub node_id: String,
    /// The requirement's number or id ("2.1 a"), for people; not imported
    /// into anything.
    pub label: String,
    pub title: String,
    pub status: AnswerStatus,
    pub maturity: Option<Maturity>,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub due_date: Option<String>,
    pub comment: Option<String>,
    /// Required when the status is not applicable.
    pub na_reason: Option<String>,
}

/// Something wrong in an imported spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The sheet row (1-based) as Excel shows it; 0 for the file as a
    /// whole (not an .xlsx, no answers sheet, too many rows).
    pub row: u32,
    /// The machine column id ("status"); `None` for the whole row or file.
    pub column: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.row, &self.column) {
            (0, _) => f.write_str(&self.message),
            (row, None) => write!(f, "{row}: {}", self.message),
            (row, Some(column)) => write!(f, "{row} ({column}): {}", self.message),
        }
    }
}

impl std::error::Error for RowError {}

/// What the hidden meta sheet says about an exported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswersMeta {
    pub catalog_key: String,
    pub assessment_title: String,
    pub lang: Option<Lang>,
}

/// The answers as an `.xlsx` workbook (see the module docs for the layout).
pub fn answers_xlsx(
    catalog_key: &str,
    assessment_title: &str,
    rows: &[AnswerRow],
    lang: Lang,
) -> Result<Vec<u8>, ReportError> {
    let l = labels::labels(lang);
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(clip(assessment_title))
            .set_author("etterlev")
            .set_comment(l.answers_help),
    );

    let names = header_names(l);
    // Indexed like ANSWER_COLUMNS.
    let widths = [16.0, 10.0, 48.0, 22.0, 14.0, 20.0, 18.0, 48.0, 36.0];
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xD9E1F2));
    let ids = Format::new()
        .set_italic()
        .set_font_size(9)
        .set_font_color(Color::RGB(0x595959))
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_align(FormatAlign::Top)
        .set_num_format("@");
    let text = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_num_format("@");
    let number = Format::new().set_align(FormatAlign::Top).set_align(FormatAlign::Center);

    let sheet = workbook.add_worksheet();
    sheet.set_name(l.sheet_answers)?;
    for (col, &field) in (0u16..).zip(SHEET_ORDER.iter()) {
        sheet.set_column_width(col, widths[field])?;
        if ANSWER_COLUMNS[field] == "node_id" {
            sheet.set_column_format(col, &ids)?;
        } else if ANSWER_COLUMNS[field] != "maturity" {
            // Typed values stay text (a due date stays "2026-03-31"),
            // except maturity, a number.
            sheet.set_column_format(col, &text)?;
        }
        sheet.write_string_with_format(0, col, names[field], &header)?;
    }
    sheet.insert_note(0, 0, &Note::new(l.answers_help).add_author_prefix(false))?;

    let col = |id: &str| -> u16 {
        let field = ANSWER_COLUMNS.iter().position(|c| *c == id).unwrap_or(0);
        (0u16..)
            .zip(SHEET_ORDER)
            .find(|(_, f)| *f == field)
            .map_or(0, |(c, _)| c)
    };
    for (i, r) in rows.iter().enumerate() {
        let row = u32::try_from(i + 1).map_err(|_| rust_xlsxwriter::XlsxError::RowColumnLimitError)?;
        let strings: [(&str, Option<&str>); 8] = [
            ("label", Some(&r.label)),
            ("title", Some(&r.title)),
            ("status", Some(labels::answer_status(lang, r.status))),
            ("owner", r.owner.as_deref()),
            ("due_date", r.due_date.as_deref()),
            ("comment", r.comment.as_deref()),
            ("na_reason", r.na_reason.as_deref()),
            ("node_id", Some(&r.node_id)),
        ];
        for (id, value) in strings {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                let format = if id == "node_id" { &ids } else { &text };
                sheet.write_string_with_format(row, col(id), cell_text(value), format)?;
            }
        }
        if let Some(m) = r.maturity {
            sheet.write_number_with_format(row, col("maturity"), f64::from(m.level()), &number)?;
        }
    }

    let last = u32::try_from(rows.len()).unwrap_or(u32::MAX).max(1);
    let (status_col, maturity_col, due_col) = (col("status"), col("maturity"), col("due_date"));
    let statuses: Vec<&str> = AnswerStatus::ALL
        .iter()
        .map(|&s| labels::answer_status(lang, s))
        .collect();
    sheet.add_data_validation(
        1,
        status_col,
        last,
        status_col,
        &DataValidation::new()
            .allow_list_strings(&statuses)?
            .set_input_title(l.status_input_title)?
            .set_error_message(l.status_error)?,
    )?;
    sheet.add_data_validation(
        1,
        maturity_col,
        last,
        maturity_col,
        &DataValidation::new()
            .allow_list_strings(&["0", "1", "2", "3", "4", "5"])?
            .set_input_title(l.col_maturity_level)?
            .set_input_message(l.maturity_input)?,
    )?;
    sheet.add_data_validation(
        1,
        due_col,
        last,
        due_col,
        &DataValidation::new()
            .allow_any_value()
            .set_input_message(l.date_input)?,
    )?;
    sheet.set_freeze_panes(1, 1)?;
    sheet.autofilter(0, 0, last, 8)?;
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4

    let meta = workbook.add_worksheet();
    meta.set_name(META_SHEET)?;
    meta.set_column_width(0, 20.0)?;
    meta.set_column_width(1, 60.0)?;
    for (row, (key, value)) in (0u32..).zip([
        ("format", FORMAT),
        ("version", "1"),
        ("catalog_key", catalog_key),
        ("assessment_title", assessment_title),
        ("lang", lang.as_str()),
    ]) {
        meta.write_string(row, 0, key)?;
        meta.write_string(row, 1, cell_text(value))?;
    }
    meta.set_hidden(true);

    Ok(workbook.save_to_buffer()?)
}

/// Reads the answers sheet [`answers_xlsx`] writes, after any editing. The
/// messages are in the file's language (from its meta sheet), else bokmål.
///
/// Wrong, unknown, missing or repeated columns give one error naming them;
/// otherwise every bad cell gives an error with its row and column. Blank
/// rows are skipped. Never panics, whatever the bytes. Whether the
/// requirement ids belong to the assessment is for the caller to check.
///
/// The file's expansion is checked first ([`CheckedWorkbook::check`]); a
/// caller that already holds a [`CheckedWorkbook`] uses
/// [`parse_checked_answers`] instead.
pub fn parse_answers_xlsx(bytes: &[u8]) -> Result<Vec<AnswerRow>, Vec<RowError>> {
    let workbook = checked_or_errors(bytes, Lang::default())?;
    parse_checked_answers(&workbook)
}

/// [`parse_answers_xlsx`] with the messages in `lang`.
pub fn parse_answers_xlsx_in(bytes: &[u8], lang: Lang) -> Result<Vec<AnswerRow>, Vec<RowError>> {
    let workbook = checked_or_errors(bytes, lang)?;
    parse_checked_answers_in(&workbook, lang)
}

/// [`parse_answers_xlsx`] of a workbook whose expansion was checked.
pub fn parse_checked_answers(workbook: &CheckedWorkbook) -> Result<Vec<AnswerRow>, Vec<RowError>> {
    let lang = checked_answers_meta(workbook).and_then(|m| m.lang).unwrap_or_default();
    parse_checked_answers_in(workbook, lang)
}

/// [`parse_checked_answers`] with the messages in `lang`.
pub fn parse_checked_answers_in(workbook: &CheckedWorkbook, lang: Lang) -> Result<Vec<AnswerRow>, Vec<RowError>> {
    let l = labels::labels(lang);
    // The reader is not ours: should it panic on some input, that is a bad
    // file, not a crash.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse(workbook, l)))
        .unwrap_or_else(|_| Err(vec![file_error(l, ImportProblem::NotXlsx("?".into()))]))
}

/// The upload as a [`CheckedWorkbook`], or the one error saying why not.
fn checked_or_errors(bytes: &[u8], lang: Lang) -> Result<CheckedWorkbook, Vec<RowError>> {
    CheckedWorkbook::check(bytes.to_vec()).map_err(|e| vec![file_error(labels::labels(lang), refusal(e))])
}

/// How a refused container is worded.
pub fn workbook_refusal(error: ZipLimitError, lang: Lang) -> RowError {
    file_error(labels::labels(lang), refusal(error))
}

fn refusal(error: ZipLimitError) -> ImportProblem {
    match error {
        ZipLimitError::NotZip(why) => ImportProblem::NotXlsx(why),
        _ => ImportProblem::TooLarge,
    }
}

/// The catalogue key, assessment title and language from the hidden meta
/// sheet, if the file has one.
pub fn answers_xlsx_meta(bytes: &[u8]) -> Option<AnswersMeta> {
    checked_answers_meta(&CheckedWorkbook::check(bytes.to_vec()).ok()?)
}

/// [`answers_xlsx_meta`] of a workbook whose expansion was checked.
pub fn checked_answers_meta(workbook: &CheckedWorkbook) -> Option<AnswersMeta> {
    std::panic::catch_unwind(|| read_meta(workbook)).ok().flatten()
}

fn read_meta(workbook: &CheckedWorkbook) -> Option<AnswersMeta> {
    let mut workbook = workbook.open().ok()?;
    let name = workbook
        .sheet_names()
        .into_iter()
        .find(|n| n.eq_ignore_ascii_case(META_SHEET))?;
    let cells = read_cells(&mut workbook, &name, 50).ok()?;
    let mut values: HashMap<String, String> = HashMap::new();
    for row in cells.values() {
        if let (Some(Value::Text(key)), Some(Value::Text(value))) = (row.get(&0), row.get(&1)) {
            values.insert(key.trim().to_owned(), restore_formula(value).to_owned());
        }
    }
    if values.get("format").map(String::as_str) != Some(FORMAT) {
        return None;
    }
    Some(AnswersMeta {
        catalog_key: values.remove("catalog_key").unwrap_or_default(),
        assessment_title: values.remove("assessment_title").unwrap_or_default(),
        lang: values.get("lang").and_then(|l| Lang::parse(l.trim())),
    })
}

/// What can be wrong; worded by `labels::import_problem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ImportProblem {
    NotXlsx(String),
    /// The container expands beyond [`crate::zip_limits::UPLOADED_WORKBOOK`].
    TooLarge,
    NoSheet,
    Columns {
        missing: Vec<String>,
        unknown: Vec<String>,
        duplicated: Vec<String>,
    },
    TooManyRows(usize),
    NodeIdMissing,
    DuplicateNode(u32),
    StatusMissing,
    BadStatus(String),
    BadMaturity(String),
    BadDate(String),
    NaWithoutReason,
    CellError(String),
    TooManyErrors(usize),
}

/// A cell's value, owned.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A cell Excel stores as a date (a typed date in a date-formatted
    /// cell): year, month, day.
    Date(i16, i8, i8),
    Error(String),
}

impl Value {
    fn from_cell(cell: &DataRef<'_>) -> Option<Value> {
        Some(match cell {
            DataRef::Empty => return None,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Text(s.clone()),
            DataRef::SharedString(s) => Value::Text((*s).to_owned()),
            DataRef::Int(i) => Value::Int(*i),
            DataRef::Float(f) => Value::Float(*f),
            DataRef::Bool(b) => Value::Bool(*b),
            DataRef::DateTime(dt) if dt.is_datetime() => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                match (i16::try_from(y), i8::try_from(m), i8::try_from(d)) {
                    (Ok(y), Ok(m), Ok(d)) => Value::Date(y, m, d),
                    _ => Value::Float(dt.as_f64()),
                }
            }
            DataRef::DateTime(dt) => Value::Float(dt.as_f64()),
            DataRef::Error(e) => Value::Error(e.to_string()),
        })
    }

    /// The value as text, trimmed; `None` when blank.
    fn text(&self) -> Option<String> {
        let s = match self {
            // The apostrophe the export put before a would-be formula is
            // not part of the text.
            Value::Text(s) => restore_formula(s).trim().to_owned(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Value::Float(f) => f.to_string(),
            Value::Bool(b) => b.to_string().to_uppercase(),
            Value::Date(y, m, d) => format!("{y:04}-{m:02}-{d:02}"),
            Value::Error(e) => e.clone(),
        };
        (!s.is_empty()).then_some(s)
    }

    fn is_blank(&self) -> bool {
        matches!(self, Value::Text(s) if s.trim().is_empty())
    }
}

/// Row → column → value, for the non-empty cells left of `MAX_COLUMNS`.
type Cells = BTreeMap<u32, BTreeMap<u32, Value>>;

/// Reads a sheet cell by cell (never as one dense range, which a file
/// claiming a cell at XFD1048576 would make huge), at most `max_rows`
/// non-empty rows.
fn read_cells<RS: std::io::Read + std::io::Seek>(
    workbook: &mut Xlsx<RS>,
    sheet: &str,
    max_rows: usize,
) -> Result<Cells, ImportProblem> {
    let mut reader = workbook
        .worksheet_cells_reader(sheet)
        .map_err(|e| ImportProblem::NotXlsx(e.to_string()))?;
    let mut cells = Cells::new();
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => return Err(ImportProblem::NotXlsx(e.to_string())),
        };
        let (row, col) = cell.get_position();
        if col >= MAX_COLUMNS {
            continue;
        }
        let Some(value) = Value::from_cell(cell.get_value()) else {
            continue;
        };
        if value.is_blank() {
            continue;
        }
        if !cells.contains_key(&row) && cells.len() >= max_rows {
            return Err(ImportProblem::TooManyRows(max_rows));
        }
        cells.entry(row).or_default().insert(col, value);
    }
    Ok(cells)
}

fn file_error(l: &Labels, problem: ImportProblem) -> RowError {
    RowError {
        row: 0,
        column: None,
        message: labels::import_problem(l.lang, &problem),
    }
}

/// The names a column may go by in the header row: its id, its name in
/// either language, and the name earlier files gave it.
fn aliases(column: usize) -> Vec<&'static str> {
    let [nb, en] = [Lang::Nb, Lang::En].map(|lang| header_names(labels::labels(lang))[column]);
    let mut names = vec![ANSWER_COLUMNS[column], nb, en];
    names.extend(
        LEGACY_NAMES
            .iter()
            .filter(|(id, _)| *id == ANSWER_COLUMNS[column])
            .map(|(_, name)| *name),
    );
    names
}

/// Column names of the earlier layout that the current one renamed.
const LEGACY_NAMES: [(&str, &str); 2] = [("label", "Nummer"), ("label", "Number")];

fn header_names(l: &Labels) -> [&'static str; 9] {
    [
        l.col_node_id,
        l.col_label,
        l.col_title,
        l.col_status,
        l.col_maturity_level,
        l.col_owner,
        l.col_due_date,
        l.col_comment,
        l.col_na_reason,
    ]
}

/// The machine id ("node_id") of the column a header names, by any of its
/// names: the id itself, the name in either language, an earlier name.
pub fn answer_column(header: &str) -> Option<&'static str> {
    column_of(header).map(|c| ANSWER_COLUMNS[c])
}

/// The column's header in `lang` ("Status", "Frist (ÅÅÅÅ-MM-DD)") for its
/// machine id; an unknown id is returned as it is.
pub fn answer_column_name(id: &str, lang: Lang) -> &str {
    match ANSWER_COLUMNS.iter().position(|c| *c == id) {
        Some(c) => header_names(labels::labels(lang))[c],
        None => id,
    }
}

fn column_of(name: &str) -> Option<usize> {
    let name = name.trim();
    (0..ANSWER_COLUMNS.len()).find(|&c| aliases(c).iter().any(|a| a.eq_ignore_ascii_case(name)))
}

fn parse(workbook: &CheckedWorkbook, l: &Labels) -> Result<Vec<AnswerRow>, Vec<RowError>> {
    let mut workbook = workbook
        .open()
        .map_err(|e| vec![file_error(l, ImportProblem::NotXlsx(e.to_string()))])?;
    let names = workbook.sheet_names();
    let sheet = names
        .iter()
        .find(|n| ["svar", "answers"].iter().any(|s| n.eq_ignore_ascii_case(s)))
        .or_else(|| names.iter().find(|n| !n.eq_ignore_ascii_case(META_SHEET)))
        .cloned()
        .ok_or_else(|| vec![file_error(l, ImportProblem::NoSheet)])?;
    let cells = read_cells(&mut workbook, &sheet, MAX_ROWS).map_err(|p| vec![file_error(l, p)])?;

    // The header row: the first (of the first few) holding the id
    // "node_id"; failing that, one holding a name of that column.
    let early = || cells.range(..HEADER_SEARCH);
    let has = |row: &BTreeMap<u32, Value>, exact: bool| {
        row.values().any(|v| match v {
            Value::Text(t) if exact => t.trim().eq_ignore_ascii_case(ANSWER_COLUMNS[0]),
            Value::Text(t) => column_of(t) == Some(0),
            _ => false,
        })
    };
    let header = early()
        .find(|(_, row)| has(row, true))
        .or_else(|| early().find(|(_, row)| has(row, false)));
    let Some((&header_row, header_cells)) = header else {
        let problem = ImportProblem::Columns {
            missing: ANSWER_COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
            unknown: Vec::new(),
            duplicated: Vec::new(),
        };
        return Err(vec![RowError {
            row: 1,
            column: None,
            message: labels::import_problem(l.lang, &problem),
        }]);
    };

    // Sheet column → answer column.
    let mut columns: HashMap<u32, usize> = HashMap::new();
    let (mut unknown, mut duplicated) = (Vec::new(), Vec::new());
    for (&col, value) in header_cells {
        let Some(name) = value.text() else { continue };
        match column_of(&name) {
            Some(c) if columns.values().any(|&seen| seen == c) => {
                let id = ANSWER_COLUMNS[c].to_owned();
                if !duplicated.contains(&id) {
                    duplicated.push(id);
                }
            }
            Some(c) => {
                columns.insert(col, c);
            }
            None => unknown.push(name),
        }
    }
    let missing: Vec<String> = (0..ANSWER_COLUMNS.len())
        .filter(|c| !columns.values().any(|seen| seen == c))
        .map(|c| ANSWER_COLUMNS[c].to_owned())
        .collect();
    if !(missing.is_empty() && unknown.is_empty() && duplicated.is_empty()) {
        return Err(vec![RowError {
            row: header_row + 1,
            column: None,
            message: labels::import_problem(
                l.lang,
                &ImportProblem::Columns {
                    missing,
                    unknown,
                    duplicated,
                },
            ),
        }]);
    }

    let mut rows = Vec::new();
    let mut errors: Vec<RowError> = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for (&index, cells) in cells.range(header_row + 1..) {
        let mut fields: [Option<&Value>; 9] = [None; 9];
        for (col, value) in cells {
            if let Some(&c) = columns.get(col) {
                fields[c] = Some(value);
            }
        }
        if fields.iter().all(Option::is_none) {
            continue;
        }
        // A second header row (the names above the ids, or a copy).
        if fields[0]
            .and_then(Value::text)
            .is_some_and(|t| column_of(&t) == Some(0))
        {
            continue;
        }
        let row = index + 1;
        let mut err = |column: usize, problem: ImportProblem| {
            errors.push(RowError {
                row,
                column: Some(ANSWER_COLUMNS[column].to_owned()),
                message: labels::import_problem(l.lang, &problem),
            });
        };
        let mut ok = true;
        for (c, value) in fields.iter().enumerate() {
            if let Some(Value::Error(e)) = value {
                err(c, ImportProblem::CellError(e.clone()));
                ok = false;
            }
        }
        if !ok {
            continue;
        }
        let text = |c: usize| fields[c].and_then(Value::text);

        let node_id = text(0);
        match &node_id {
            None => {
                err(0, ImportProblem::NodeIdMissing);
                ok = false;
            }
            Some(id) => {
                if let Some(&first) = seen.get(id) {
                    err(0, ImportProblem::DuplicateNode(first));
                    ok = false;
                } else {
                    seen.insert(id.clone(), row);
                }
            }
        }
        let status = match text(3) {
            None => {
                err(3, ImportProblem::StatusMissing);
                None
            }
            Some(s) => {
                let parsed = parse_status(&s);
                if parsed.is_none() {
                    err(3, ImportProblem::BadStatus(s));
                }
                parsed
            }
        };
        let maturity = match fields[4].map(parse_maturity) {
            None => None,
            Some(Ok(m)) => Some(m),
            Some(Err(shown)) => {
                err(4, ImportProblem::BadMaturity(shown));
                ok = false;
                None
            }
        };
        let due_date = match fields[6].map(parse_date) {
            None => None,
            Some(Ok(d)) => Some(d),
            Some(Err(shown)) => {
                err(6, ImportProblem::BadDate(shown));
                ok = false;
                None
            }
        };
        let na_reason = text(8);
        if status == Some(AnswerStatus::NotApplicable) && na_reason.is_none() {
            err(8, ImportProblem::NaWithoutReason);
            ok = false;
        }
        if let (true, Some(node_id), Some(status)) = (ok, node_id, status) {
            rows.push(AnswerRow {
                node_id,
                label: text(1).unwrap_or_default(),
                title: text(2).unwrap_or_default(),
                status,
                maturity,
                owner: text(5),
                due_date,
                comment: text(7),
                na_reason,
            });
        }
    }
    if errors.is_empty() {
        return Ok(rows);
    }
    if errors.len() > MAX_ERRORS {
        let more = errors.len() - MAX_ERRORS;
        errors.truncate(MAX_ERRORS);
        errors.push(file_error(l, ImportProblem::TooManyErrors(more)));
    }
    Err(errors)
}

/// Status names earlier files used, before they were made the same as on
/// screen.
const LEGACY_STATUS: [(&str, AnswerStatus); 4] = [
    ("Delvis", AnswerStatus::Partly),
    ("Partly", AnswerStatus::Partly),
    ("Verifisert", AnswerStatus::Verified),
    ("Verified", AnswerStatus::Verified),
];

/// The machine value ("not_started", also "not started"), or the name in
/// bokmål or English (or an earlier name), in any case.
fn parse_status(s: &str) -> Option<AnswerStatus> {
    let s = s.trim();
    let lower = s.to_lowercase();
    let machine = lower.replace([' ', '-'], "_");
    AnswerStatus::parse(&machine)
        .or_else(|| {
            AnswerStatus::ALL.iter().copied().find(|&status| {
                let (nb, en) = labels::answer_status_names(status);
                nb.to_lowercase() == lower || en.to_lowercase() == lower
            })
        })
        .or_else(|| {
            LEGACY_STATUS
                .iter()
                .find(|(name, _)| name.to_lowercase() == lower)
                .map(|(_, status)| *status)
        })
}

/// A whole number 0–5, as a number or as text; the shown value if not.
fn parse_maturity(v: &Value) -> Result<Maturity, String> {
    let level = match v {
        Value::Int(i) => Some(*i),
        Value::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e9 => Some(*f as i64),
        Value::Text(t) => {
            let t = t.trim();
            t.parse::<i64>().ok().or_else(|| {
                t.replace(',', ".")
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite() && f.fract() == 0.0 && f.abs() < 1e9)
                    .map(|f| f as i64)
            })
        }
        _ => None,
    };
    level
        .and_then(|l| Maturity::new(l).ok())
        .ok_or_else(|| v.text().unwrap_or_default())
}

/// `YYYY-MM-DD` as text (a time after a "T" is ignored), or a cell Excel
/// stores as a date; the shown value if not.
fn parse_date(v: &Value) -> Result<String, String> {
    let shown = || v.text().unwrap_or_default();
    let (y, m, d) = match v {
        Value::Date(y, m, d) => (*y, *m, *d),
        Value::Text(t) => {
            let t = t.trim();
            let date = match t.split_once('T') {
                Some((date, _)) => date,
                None => t,
            };
            let parts: Vec<&str> = date.split('-').collect();
            let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
            match parts.as_slice() {
                [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => {
                    match (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>()) {
                        (Ok(y), Ok(m), Ok(d)) => (y, m, d),
                        _ => return Err(shown()),
                    }
                }
                _ => return Err(shown()),
            }
        }
        _ => return Err(shown()),
    };
    jiff::civil::Date::new(y, m, d)
        .map(|date| date.to_string())
        .map_err(|_| shown())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_in_every_spelling() {
        for status in AnswerStatus::ALL.iter().copied() {
            let (nb, en) = labels::answer_status_names(status);
            for s in [status.as_str(), nb, en, &nb.to_uppercase(), &format!("  {en} ")] {
                assert_eq!(parse_status(s), Some(status), "{s}");
            }
        }
        assert_eq!(parse_status("Not started"), Some(AnswerStatus::NotStarted));
        assert_eq!(parse_status("not-started"), Some(AnswerStatus::NotStarted));
        assert_eq!(parse_status("ferdig"), None);
        assert_eq!(parse_status(""), None);
    }

    #[test]
    fn maturity_values() {
        let ok = |v: Value, l: u8| assert_eq!(parse_maturity(&v).map(Maturity::level), Ok(l));
        ok(Value::Int(3), 3);
        ok(Value::Float(5.0), 5);
        ok(Value::Text(" 0 ".into()), 0);
        ok(Value::Text("2,0".into()), 2);
        assert_eq!(parse_maturity(&Value::Int(6)), Err("6".into()));
        assert_eq!(parse_maturity(&Value::Float(2.5)), Err("2.5".into()));
        assert_eq!(parse_maturity(&Value::Text("høy".into())), Err("høy".into()));
        assert!(parse_maturity(&Value::Bool(true)).is_err());
        assert!(parse_maturity(&Value::Float(f64::NAN)).is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date(&Value::Text("2026-03-31".into())), Ok("2026-03-31".into()));
        assert_eq!(
            parse_date(&Value::Text("2026-03-31T00:00:00".into())),
            Ok("2026-03-31".into())
        );
        assert_eq!(parse_date(&Value::Date(2026, 3, 31)), Ok("2026-03-31".into()));
        for bad in ["2026-02-30", "31.03.2026", "2026-3-31", "20260331", "+2026-03-31", ""] {
            assert!(parse_date(&Value::Text(bad.into())).is_err(), "{bad}");
        }
        assert!(parse_date(&Value::Float(46000.0)).is_err());
    }

    #[test]
    fn column_names_both_ways() {
        assert_eq!(answer_column("Krav-ID"), Some("node_id"));
        assert_eq!(answer_column("requirement id"), Some("node_id"));
        assert_eq!(answer_column("node_id"), Some("node_id"));
        assert_eq!(answer_column("Krav"), Some("label"));
        assert_eq!(answer_column("Nummer"), Some("label"));
        assert_eq!(answer_column("Kommentarer"), None);
        assert_eq!(answer_column_name("due_date", Lang::Nb), "Frist (ÅÅÅÅ-MM-DD)");
        assert_eq!(answer_column_name("na_reason", Lang::En), "Reason if not applicable");
        assert_eq!(answer_column_name("other", Lang::Nb), "other");
    }

    #[test]
    fn every_alias_names_its_own_column() {
        for c in 0..ANSWER_COLUMNS.len() {
            for a in aliases(c) {
                assert_eq!(column_of(a), Some(c), "{a}");
                assert_eq!(column_of(&format!(" {} ", a.to_uppercase())), Some(c), "{a}");
            }
        }
        assert_eq!(column_of("kommentarer"), None);
    }
}
