//! A plain table as a spreadsheet or CSV, and back: the export and import
//! of lists people also keep in Excel (the system inventory).
//!
//! [`table_xlsx`] and [`table_csv`] write a header row and one row per
//! record; every text cell goes through [`defuse_formula`], and
//! [`read_table`] takes the apostrophe off again, so a round trip keeps
//! every value. [`read_table`] reads `.xlsx` (first sheet, expansion checked
//! first) or CSV (UTF-8, `,` or `;` as Excel writes it in Norway) with
//! bounded rows, columns and cell lengths.

use std::io::Cursor;

use calamine::{Data, Reader};
use rust_xlsxwriter::{Format, Workbook};

use crate::formula::{defuse_formula, restore_formula};
use crate::zip_limits::CheckedWorkbook;

/// A header row and the rows under it, every cell as text (trimmed; blank is "").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// What an uploaded table may hold.
pub const MAX_ROWS: usize = 20_000;
pub const MAX_COLUMNS: usize = 200;
pub const MAX_CELL: usize = 8_000;

/// Why a file cannot be read as a table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is neither an .xlsx workbook nor CSV text in UTF-8")]
    Unreadable,
    #[error("the workbook expands to more than it may: {0}")]
    TooLarge(String),
    #[error("more than {MAX_ROWS} rows")]
    TooManyRows,
    #[error("more than {MAX_COLUMNS} columns")]
    TooManyColumns,
    #[error("a cell in row {row} is longer than {MAX_CELL} characters")]
    CellTooLong { row: usize },
    #[error("the workbook cannot be written: {0}")]
    Write(String),
}

/// The table as an `.xlsx` workbook with one sheet, the header bold and frozen.
pub fn table_xlsx(sheet: &str, table: &Table) -> Result<Vec<u8>, TableError> {
    let write = |e: rust_xlsxwriter::XlsxError| TableError::Write(e.to_string());
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(write)?;
    let bold = Format::new().set_bold();
    for (c, h) in table.headers.iter().enumerate() {
        let col = u16::try_from(c).map_err(|_| TableError::TooManyColumns)?;
        ws.write_string_with_format(0, col, defuse_formula(h).as_ref(), &bold)
            .map_err(write)?;
        ws.set_column_width(col, 22).map_err(write)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let line = u32::try_from(r + 1).map_err(|_| TableError::TooManyRows)?;
        for (c, v) in row.iter().enumerate() {
            let col = u16::try_from(c).map_err(|_| TableError::TooManyColumns)?;
            if !v.is_empty() {
                ws.write_string(line, col, defuse_formula(v).as_ref()).map_err(write)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(write)?;
    book.save_to_buffer().map_err(write)
}

/// The table as CSV (RFC 4180, `,`, CRLF), UTF-8 with a byte-order mark so
/// Excel reads æøå right.
pub fn table_csv(table: &Table) -> String {
    let mut out = String::from("\u{feff}");
    for row in std::iter::once(&table.headers).chain(table.rows.iter()) {
        let cells: Vec<String> = row.iter().map(|v| csv_cell(&defuse_formula(v))).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_cell(v: &str) -> String {
    if v.contains([',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

/// Reads an uploaded `.xlsx` (by its zip signature) or CSV file.
pub fn read_table(bytes: &[u8]) -> Result<Table, TableError> {
    if bytes.is_empty() {
        return Err(TableError::Empty);
    }
    let table = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    if table.headers.iter().all(String::is_empty) {
        return Err(TableError::Empty);
    }
    Ok(table)
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, TableError> {
    let checked = CheckedWorkbook::check(bytes.to_vec()).map_err(|e| TableError::TooLarge(e.to_string()))?;
    // The reader is not ours: a panic on some input is a bad file.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut book = checked.open().map_err(|_| TableError::Unreadable)?;
        let range = book
            .worksheet_range_at(0)
            .ok_or(TableError::Empty)?
            .map_err(|_| TableError::Unreadable)?;
        let (height, width) = range.get_size();
        if height > MAX_ROWS + 1 {
            return Err(TableError::TooManyRows);
        }
        if width > MAX_COLUMNS {
            return Err(TableError::TooManyColumns);
        }
        let mut lines = Vec::with_capacity(height);
        for (r, row) in range.rows().enumerate() {
            let cells: Vec<String> = row.iter().map(cell_text).collect();
            if cells.iter().any(|c| c.chars().count() > MAX_CELL) {
                return Err(TableError::CellTooLong { row: r + 1 });
            }
            lines.push(cells);
        }
        Ok(into_table(lines))
    }))
    .unwrap_or(Err(TableError::Unreadable))
}

fn cell_text(cell: &Data) -> String {
    let s = match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => restore_formula(s).to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::Error(e) => e.to_string(),
    };
    s.trim().to_string()
}

fn read_csv(bytes: &[u8]) -> Result<Table, TableError> {
    let text = std::str::from_utf8(bytes).map_err(|_| TableError::Unreadable)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\0') {
        return Err(TableError::Unreadable);
    }
    // Excel in Norway writes `;`; elsewhere `,`. The header line decides.
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(Cursor::new(text.as_bytes()));
    let mut lines = Vec::new();
    for (r, record) in reader.records().enumerate() {
        if r > MAX_ROWS {
            return Err(TableError::TooManyRows);
        }
        let record = record.map_err(|_| TableError::Unreadable)?;
        if record.len() > MAX_COLUMNS {
            return Err(TableError::TooManyColumns);
        }
        let cells: Vec<String> = record
            .iter()
            .map(|c| restore_formula(c.trim()).trim().to_string())
            .collect();
        if cells.iter().any(|c| c.chars().count() > MAX_CELL) {
            return Err(TableError::CellTooLong { row: r + 1 });
        }
        lines.push(cells);
    }
    Ok(into_table(lines))
}

/// The first line is the header; blank lines are left out and every row is
/// as wide as the header.
fn into_table(mut lines: Vec<Vec<String>>) -> Table {
    lines.retain(|l| l.iter().any(|c| !c.is_empty()));
    if lines.is_empty() {
        return Table::default();
    }
    let headers = lines.remove(0);
    let width = headers.len();
    let rows = lines
        .into_iter()
        .map(|mut l| {
            l.resize(width.max(l.len()), String::new());
            l.truncate(width);
            l
        })
        .collect();
    Table { headers, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Table {
        Table {
            headers: vec!["name".into(), "owner".into(), "note".into()],
            rows: vec![
                vec!["DIPS Arena".into(), "Klinikksjef".into(), "=1+1".into()],
                vec!["Lab, «prøver»".into(), "".into(), "linje \"sitat\"; mer".into()],
            ],
        }
    }

    #[test]
    fn xlsx_and_csv_round_trip_every_value() {
        let t = sample();
        let xlsx = table_xlsx("Systemer", &t).expect("xlsx");
        assert_eq!(read_table(&xlsx).expect("read xlsx"), t);
        let csv = table_csv(&t);
        assert!(csv.contains("'=1+1"), "a formula is defused: {csv}");
        assert_eq!(read_table(csv.as_bytes()).expect("read csv"), t);
        let semicolons = "navn;eier\r\nPACS;IKT\r\n\r\n";
        assert_eq!(
            read_table(semicolons.as_bytes()).expect("read ;"),
            Table {
                headers: vec!["navn".into(), "eier".into()],
                rows: vec![vec!["PACS".into(), "IKT".into()]],
            }
        );
    }

    #[test]
    fn bad_files_are_refused() {
        assert_eq!(read_table(b""), Err(TableError::Empty));
        assert_eq!(read_table(&[0xff, 0xfe, 0x00]), Err(TableError::Unreadable));
        assert!(matches!(
            read_table(b"PK\x03\x04garbage"),
            Err(TableError::TooLarge(_)) | Err(TableError::Unreadable)
        ));
        let wide = (0..=MAX_COLUMNS).map(|i| format!("c{i}")).collect::<Vec<_>>().join(",");
        assert_eq!(read_table(wide.as_bytes()), Err(TableError::TooManyColumns));
        let long = format!("a\n{}", "x".repeat(MAX_CELL + 1));
        assert_eq!(read_table(long.as_bytes()), Err(TableError::CellTooLong { row: 2 }));
    }

    proptest! {
        #[test]
        fn csv_round_trips_any_text(cells in proptest::collection::vec("[^\\x00]{0,20}", 1..6)) {
            let cells: Vec<String> = cells.into_iter().map(|c| c.trim().to_string()).collect();
            let t = Table { headers: vec!["h".into(); cells.len()], rows: vec![cells.clone()] };
            // Blank rows are dropped on reading; otherwise every value survives.
            let back = read_table(table_csv(&t).as_bytes());
            if cells.iter().any(|c| !c.is_empty()) {
                prop_assert_eq!(back.ok().map(|b| b.rows), Some(vec![cells]));
            }
        }

        #[test]
        fn any_bytes_give_a_table_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_table(&bytes);
        }
    }
}
