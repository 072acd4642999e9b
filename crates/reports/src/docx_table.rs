//! Tables and headings shared by every Word document we write.
//!
//! Word and LibreOffice break a word inside a table cell when it does not
//! fit the column ("Gjeld er", "Oppf ylt"), so column widths are not left
//! to taste: each column is at least as wide as its header on one line
//! (and as its widest body word the caller names, such as every status
//! word), estimated from the font's character widths, and the rest of the
//! text width goes to the columns by their preferred share. The table uses
//! the fixed layout with an explicit grid (`w:tblGrid`/`w:gridCol`) and a
//! width on every cell (`w:tcW`), so readers do not re-flow it; header
//! cells do not wrap (`w:noWrap`), the header row repeats on every page
//! (`w:tblHeader`) and no row splits across a page (`w:cantSplit`).
//!
//! The widths are estimated twice: for Calibri (the documents' font, and
//! metric-compatible Carlito), and for the wider fonts a reader without
//! Calibri falls back to (DejaVu Sans is about 35 % wider). The wide
//! estimate is used when all headers fit the text width with it, so the
//! headers stay whole in either case; otherwise the Calibri one.

use docx_rs::{HeightRule, Paragraph, Shading, Table, TableCell, TableLayoutType, TableRow, WidthType};

/// Left and right padding of every cell, twips (Word's default).
pub(crate) const CELL_MARGIN: usize = 108;
/// Fill of header cells. Also how header cells are found again to add
/// `w:noWrap`, which docx-rs cannot set.
pub(crate) const HEADER_FILL: &str = "D9E1F2";
const HEADER_SHADING_XML: &str = r#"<w:shd w:val="clear" w:color="auto" w:fill="D9E1F2" />"#;
/// Height (twips, "at least") of header rows. Also how the rows are found
/// again to mark them as repeating headers, which docx-rs cannot set.
pub(crate) const HEADER_ROW: f32 = 397.0;
const HEADER_ROW_XML: &str = r#"<w:trHeight w:val="397" w:hRule="atLeast" />"#;
/// Headroom on the Calibri estimate (kerning, rounding, bold variants).
const NARROW: f64 = 1.08;
/// The fallback fonts' width relative to Calibri Bold (DejaVu Sans Bold
/// is about 1.36 times as wide).
const WIDE: f64 = 1.40;

/// One column: its header, its preferred width (twips, as a share of the
/// text width) and the body words that must not break inside it.
pub(crate) struct Column {
    pub header: String,
    pub preferred: usize,
    pub keep: Vec<String>,
    /// A floor of the caller's own (twips, padding included).
    pub at_least: usize,
}

impl Column {
    pub(crate) fn new(header: &str, preferred: usize) -> Column {
        Column {
            header: header.to_owned(),
            preferred,
            keep: Vec::new(),
            at_least: 0,
        }
    }

    /// At least `twips` wide, padding included (for content that is not
    /// text at the table's size, such as a bar).
    pub(crate) fn at_least(mut self, twips: usize) -> Column {
        self.at_least = twips;
        self
    }

    /// Body texts whose words must each fit on a line of this column.
    pub(crate) fn keep<I, S>(mut self, words: I) -> Column
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.keep.extend(words.into_iter().map(|w| w.as_ref().to_owned()));
        self
    }
}

/// Advance width of a character in Calibri Bold, thousandths of an em.
fn char_width(c: char) -> u32 {
    match c {
        ' ' | '\u{a0}' => 226,
        'a' | 'å' => 494,
        'b' | 'd' | 'h' | 'n' | 'p' | 'q' | 'u' => 537,
        'c' => 418,
        'e' => 503,
        'f' => 316,
        'g' | 'y' => 474,
        'i' | 'l' => 246,
        'j' => 255,
        'k' => 480,
        'm' => 813,
        'o' | 'ø' => 538,
        'r' => 355,
        's' => 399,
        't' => 347,
        'v' => 473,
        'w' => 745,
        'x' => 459,
        'z' => 397,
        'æ' => 796,
        'I' => 267,
        'J' => 331,
        'L' => 423,
        'M' => 874,
        'W' => 906,
        'Æ' => 874,
        'A'..='Z' | 'Ø' | 'Å' => 640,
        '0'..='9' => 507,
        '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 267,
        '(' | ')' | '[' | ']' | '-' | '/' => 312,
        '%' => 729,
        '–' => 498,
        '—' => 905,
        _ => 600,
    }
}

/// Estimated width in twips of `text` on one line at `half_points` (the
/// font size in half points, as docx uses), times `factor`.
pub(crate) fn text_width(text: &str, half_points: usize, factor: f64) -> usize {
    let em: u32 = text.chars().map(char_width).sum();
    // One em is the font size: half_points × 10 twips.
    let twips = f64::from(em) / 1000.0 * (half_points as f64) * 10.0 * factor;
    twips.ceil() as usize
}

/// The column widths (twips) summing to `total`: each at least its
/// minimum (see the module docs), the rest shared by preference.
pub(crate) fn column_widths(columns: &[Column], total: usize, half_points: usize) -> Vec<usize> {
    let minimum = |factor: f64| -> Vec<usize> {
        columns
            .iter()
            .map(|c| {
                let words = c.keep.iter().flat_map(|t| t.split_whitespace());
                let widest = words.map(|w| text_width(w, half_points, factor)).max().unwrap_or(0);
                (text_width(&c.header, half_points, factor).max(widest) + 2 * CELL_MARGIN).max(c.at_least)
            })
            .collect()
    };
    let wide = minimum(WIDE);
    let mins = if wide.iter().sum::<usize>() <= total {
        wide
    } else {
        minimum(NARROW)
    };
    distribute(&mins, &columns.iter().map(|c| c.preferred).collect::<Vec<_>>(), total)
}

/// Widths at least `mins`, otherwise proportional to `preferred`, summing
/// to `total` (or to the sum of the minimums, when that is larger).
fn distribute(mins: &[usize], preferred: &[usize], total: usize) -> Vec<usize> {
    let n = mins.len();
    if n == 0 {
        return Vec::new();
    }
    let min_sum: usize = mins.iter().sum();
    if min_sum >= total {
        return mins.to_vec();
    }
    // Columns pinned at their minimum; the others share what is left by
    // preference. Pinning only grows, so this ends within n rounds.
    let mut pinned = vec![false; n];
    loop {
        let free: usize = total - (0..n).filter(|&i| pinned[i]).map(|i| mins[i]).sum::<usize>();
        let weight: usize = (0..n).filter(|&i| !pinned[i]).map(|i| preferred[i].max(1)).sum();
        let mut changed = false;
        for i in 0..n {
            if !pinned[i] && preferred[i].max(1) * free / weight.max(1) < mins[i] {
                pinned[i] = true;
                changed = true;
            }
        }
        if !changed {
            let mut widths: Vec<usize> = (0..n)
                .map(|i| {
                    if pinned[i] {
                        mins[i]
                    } else {
                        preferred[i].max(1) * free / weight.max(1)
                    }
                })
                .collect();
            // Rounding leftovers go to the widest free column.
            let sum: usize = widths.iter().sum();
            if let Some(i) = (0..n).filter(|&i| !pinned[i]).max_by_key(|&i| widths[i]) {
                widths[i] += total.saturating_sub(sum);
            }
            return widths;
        }
    }
}

/// A table `total` twips wide: a header row with `columns`' headers (each
/// in `header` paragraph, shaded, not wrapping, repeated on every page),
/// then `rows`, none splitting across pages; fixed layout with the grid
/// and every cell's width set from [`column_widths`].
pub(crate) fn table(
    columns: &[Column],
    rows: Vec<Vec<TableCell>>,
    total: usize,
    half_points: usize,
    header: impl Fn(&str) -> Paragraph,
) -> Table {
    let widths = column_widths(columns, total, half_points);
    let head = TableRow::new(
        columns
            .iter()
            .zip(&widths)
            .map(|(c, &w)| {
                TableCell::new()
                    .width(w, WidthType::Dxa)
                    .shading(Shading::new().fill(HEADER_FILL))
                    .add_paragraph(header(&c.header))
            })
            .collect(),
    )
    .row_height(HEADER_ROW)
    .height_rule(HeightRule::AtLeast)
    .cant_split();
    let mut all = vec![head];
    for cells in rows {
        let cells = cells
            .into_iter()
            .zip(&widths)
            .map(|(cell, &w)| cell.width(w, WidthType::Dxa))
            .collect();
        all.push(TableRow::new(cells).cant_split());
    }
    let sum = widths.iter().sum();
    Table::new(all)
        .set_grid(widths)
        .width(sum, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// Patches `word/document.xml` for what docx-rs cannot set: header rows
/// (found by their height) repeat on every page (`<w:tblHeader />`), and
/// header cells (found by their fill) do not wrap (`<w:noWrap />`, which
/// the schema puts right after `w:shd`).
pub(crate) fn finish_tables(document: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(document) {
        Ok(xml) => xml
            .replace(HEADER_ROW_XML, &format!("{HEADER_ROW_XML}<w:tblHeader />"))
            .replace(HEADER_SHADING_XML, &format!("{HEADER_SHADING_XML}<w:noWrap />"))
            .into_bytes(),
        Err(_) => document.to_vec(),
    }
}

/// A heading paragraph in `Heading{level}` that stays on the page of the
/// paragraph after it and is never split itself. The heading styles say
/// the same; saying it on the paragraph too keeps it in readers that
/// ignore style paragraph properties.
pub(crate) fn heading(level: usize, before: u32) -> Paragraph {
    Paragraph::new()
        .style(&format!("Heading{level}"))
        .keep_next(true)
        .keep_lines(true)
        .line_spacing(docx_rs::LineSpacing::new().before(before).after(120))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_fill_the_text_and_respect_minimums() {
        let columns = vec![
            Column::new("Kapittel", 2000),
            Column::new("Gjelder", 800),
            Column::new("Oppfylt", 800),
            Column::new("Delvis", 700),
            Column::new("Ikke relevant", 850),
            Column::new("Etterlevelse", 1200),
            Column::new("Modenhet", 904),
        ];
        let widths = column_widths(&columns, 8504, 18);
        assert_eq!(widths.iter().sum::<usize>(), 8504);
        for (c, w) in columns.iter().zip(&widths) {
            // Wide enough for the header in a fallback font, with padding.
            assert!(
                *w >= text_width(&c.header, 18, WIDE) + 2 * CELL_MARGIN,
                "{}: {w}",
                c.header
            );
        }
        // The old widths were too narrow for "Gjelder" and "Oppfylt".
        assert!(widths[1] > 800 && widths[2] > 800, "{widths:?}");
    }

    #[test]
    fn kept_words_widen_their_column() {
        let plain = column_widths(&[Column::new("A", 100), Column::new("B", 9000)], 8504, 18);
        let kept = column_widths(
            &[Column::new("A", 100).keep(["Pasientsikkerhet"]), Column::new("B", 9000)],
            8504,
            18,
        );
        assert!(kept[0] > plain[0]);
        assert!(kept[0] >= text_width("Pasientsikkerhet", 18, WIDE));
    }

    #[test]
    fn too_many_columns_fall_back_to_their_minimums() {
        let columns: Vec<Column> = (0..30).map(|_| Column::new("Etterlevelse", 100)).collect();
        let widths = column_widths(&columns, 8504, 18);
        assert!(
            widths
                .iter()
                .all(|&w| w == text_width("Etterlevelse", 18, NARROW) + 2 * CELL_MARGIN)
        );
    }

    #[test]
    fn patches_header_rows_and_cells() {
        let xml = format!("<w:trPr>{HEADER_ROW_XML}</w:trPr><w:tcPr>{HEADER_SHADING_XML}</w:tcPr>");
        let out = String::from_utf8(finish_tables(xml.as_bytes())).expect("utf-8");
        assert!(out.contains("<w:tblHeader />"));
        assert!(out.contains("<w:noWrap />"));
    }
}
