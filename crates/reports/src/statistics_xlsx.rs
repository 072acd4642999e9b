//! Sector statistics as a spreadsheet: the protected table exactly as the
//! page shows it (hidden cells stay hidden: the file carries no figure the
//! page does not), one sheet for the number of enterprises and one for the
//! mean score, with the threshold `k` and the measure in the heading.
//! Like the other spreadsheets, each sheet's header row is frozen and
//! carries the autofilter, and every text cell goes through
//! [`crate::defuse_formula`].

use etterlev_core::sector_stats::Table;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};

use crate::ReportError;
use crate::xlsx::cell_text;

/// The row of the column headers (0-based); the table follows it.
const HEADER_ROW: u32 = 4;

/// Labels for the sheet (translated by the caller).
pub struct StatisticsLabels<'a> {
    pub title: &'a str,
    pub measure: &'a str,
    /// e.g. "Figures resting on fewer than 5 enterprises are hidden."
    pub note: &'a str,
    /// The header of the row-label column ("Virksomhetstype").
    pub kind: &'a str,
    pub enterprises: &'a str,
    pub mean: &'a str,
    pub hidden: &'a str,
    /// Row labels: every kind, then the total.
    pub rows: &'a [String],
    /// Column labels: every size class, then the total.
    pub cols: &'a [String],
}

pub fn statistics_xlsx(table: &Table, l: &StatisticsLabels<'_>) -> Result<Vec<u8>, ReportError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border_bottom(FormatBorder::Thin);
    let number = Format::new().set_num_format("0.0");
    for (sheet_name, mean) in [(l.enterprises, false), (l.mean, true)] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name.chars().take(31).collect::<String>())?;
        sheet.write_string_with_format(0, 0, cell_text(l.title), &bold)?;
        sheet.write_string(1, 0, cell_text(l.measure))?;
        sheet.write_string(2, 0, cell_text(l.note))?;
        sheet.set_column_width(0, 34)?;
        sheet.write_string_with_format(HEADER_ROW, 0, cell_text(l.kind), &header)?;
        for (c, label) in l.cols.iter().enumerate() {
            sheet.write_string_with_format(HEADER_ROW, (c + 1) as u16, cell_text(label), &header)?;
            sheet.set_column_width((c + 1) as u16, 16)?;
        }
        let mut last = HEADER_ROW;
        for (r, (label, row)) in l.rows.iter().zip(&table.cells).enumerate() {
            let r = HEADER_ROW + 1 + r as u32;
            last = r;
            sheet.write_string_with_format(r, 0, cell_text(label), &bold)?;
            for (c, cell) in row.iter().enumerate() {
                let col = (c + 1) as u16;
                match (cell.hidden, mean) {
                    (Some(_), _) => {
                        sheet.write_string(r, col, cell_text(l.hidden))?;
                    }
                    (None, false) => {
                        sheet.write_number(r, col, f64::from(cell.enterprises.unwrap_or(0)))?;
                    }
                    (None, true) => match cell.mean {
                        Some(m) => {
                            sheet.write_number_with_format(r, col, m, &number)?;
                        }
                        None => {
                            sheet.write_string(r, col, "")?;
                        }
                    },
                }
            }
        }
        // The header row stays in view and carries the filter, with the
        // row labels beside the figures.
        sheet.set_freeze_panes(HEADER_ROW + 1, 1)?;
        sheet.autofilter(HEADER_ROW, 0, last, l.cols.len() as u16)?;
        sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use etterlev_core::sector_stats::{Contribution, tabulate};
    use etterlev_core::{SizeClass, TenantKind};

    #[test]
    fn hidden_cells_stay_hidden_in_the_file() {
        let mut c: Vec<Contribution> = (0..5)
            .map(|i| Contribution {
                kind: TenantKind::GpOffice,
                size: SizeClass::Micro,
                score: f64::from(i) * 10.0,
            })
            .collect();
        c.extend((0..4).map(|_| Contribution {
            kind: TenantKind::Dentist,
            size: SizeClass::Micro,
            score: 77.7,
        }));
        let t = tabulate(&c, 5);
        let rows: Vec<String> = TenantKind::ALL
            .iter()
            .map(|k| k.as_str().to_string())
            .chain(["total".into()])
            .collect();
        let cols: Vec<String> = SizeClass::ALL
            .iter()
            .map(|s| s.as_str().to_string())
            .chain(["total".into()])
            .collect();
        let bytes = statistics_xlsx(
            &t,
            &StatisticsLabels {
                title: "Sector",
                measure: "Overall",
                note: "k = 5",
                kind: "Kind",
                enterprises: "Enterprises",
                mean: "Mean",
                hidden: "hidden",
                rows: &rows,
                cols: &cols,
            },
        )
        .expect("xlsx");
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("open");
        let mean = book.worksheet_range("Mean").expect("sheet");
        let values: Vec<String> = mean.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
        assert!(
            !values.iter().any(|v| v.contains("77.7")),
            "the dentists' mean leaked: {values:?}"
        );
        assert!(values.iter().any(|v| v == "hidden"));
    }
}
