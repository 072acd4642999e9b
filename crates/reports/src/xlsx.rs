//! The catalogue as a spreadsheet: one row per node that is not a chapter
//! or section, in reading order.
//!
//! Guidance rows are included alongside requirements and recommendations:
//! they are part of the catalogue a reader works through, and the kind
//! column (with the autofilter) separates them in one click. Applicability
//! columns show the *effective* rule, with what the node inherits from its
//! chapter and section already added, so a filtered row stands on its own.

use etterlev_catalog::{Catalog, Node, NodeKind};
use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::formula::defuse_formula;
use crate::view::View;
use crate::{Lang, ReportError};

/// Excel refuses cells longer than 32,767 characters.
const MAX_CELL_CHARS: usize = 32_000;

/// The catalogue as an `.xlsx` workbook, generated today.
pub fn catalog_xlsx(catalog: &Catalog, lang: Lang) -> Result<Vec<u8>, ReportError> {
    catalog_xlsx_on(catalog, lang, crate::today())
}

/// [`catalog_xlsx`] with the "generated" date given.
pub fn catalog_xlsx_on(catalog: &Catalog, lang: Lang, generated: jiff::civil::Date) -> Result<Vec<u8>, ReportError> {
    let v = View::new(catalog, lang);
    let l = v.labels;
    let mut workbook = Workbook::new();

    let mut props = DocProperties::new()
        .set_title(format!("{} {}", v.text(&catalog.title), catalog.version))
        .set_author("etterlev")
        .set_comment(l.status_note(catalog.status));
    if let Some(date) = excel_date(generated) {
        props = props.set_creation_datetime(&date);
    }
    workbook.set_properties(&props);

    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border_bottom(FormatBorder::Thin);
    let cell = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let columns: [(&str, f64); 15] = [
        (l.col_id, 12.0),
        (l.col_number, 10.0),
        (l.col_chapter, 26.0),
        (l.col_section, 26.0),
        (l.col_kind, 15.0),
        (l.col_title, 36.0),
        (l.col_text, 70.0),
        (l.col_applies_kinds, 24.0),
        (l.col_sizes, 20.0),
        (l.col_conditions, 28.0),
        (l.col_tags, 20.0),
        (l.col_references, 48.0),
        (l.col_question, 44.0),
        (l.col_verified, 12.0),
        (l.col_numbering, 16.0),
    ];

    let sheet = workbook.add_worksheet();
    sheet.set_name(l.sheet_nodes)?;
    for (col, (title, width)) in (0u16..).zip(columns.iter()) {
        sheet.set_column_width(col, *width)?;
        sheet.write_string_with_format(0, col, *title, &header)?;
    }

    let rows: Vec<&Node> = catalog
        .tree_order()
        .into_iter()
        .map(|(_, n)| n)
        .filter(|n| !n.kind.is_structural())
        .collect();
    for (i, node) in rows.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (col, value) in (0u16..).zip(row_values(&v, node)) {
            sheet.write_string_with_format(row, col, cell_text(&value), &cell)?;
        }
    }

    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    let last_col = u16::try_from(columns.len() - 1).unwrap_or(0);
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last_row, last_col)?;
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);

    about_sheet(workbook.add_worksheet(), &v, generated, &header, &cell)?;

    Ok(workbook.save_to_buffer()?)
}

fn row_values(v: &View<'_>, node: &Node) -> [String; 15] {
    let l = v.labels;
    let e = v.effective(node);
    let mut conditions = v.conditions_text(&e);
    for note in &e.notes {
        if !conditions.is_empty() {
            conditions.push('\n');
        }
        conditions.push_str(&format!("{}: {}", l.note, v.text(note)));
    }
    let references: Vec<String> = node
        .references
        .iter()
        .map(|r| match &r.url {
            Some(url) => format!("{} — {url}", r.citation()),
            None => r.citation(),
        })
        .collect();
    let parent = |kind: NodeKind| v.nearest(node, kind).map(|n| v.heading_text(n)).unwrap_or_default();
    [
        node.id.clone(),
        node.number.clone().unwrap_or_default(),
        parent(NodeKind::Chapter),
        parent(NodeKind::Section),
        l.node_kind(node.kind).to_owned(),
        v.title(node).to_owned(),
        node.text
            .as_ref()
            .map(|t| v.text(t).trim().to_owned())
            .unwrap_or_default(),
        v.kinds_text(&e),
        v.sizes_text(&e),
        conditions,
        node.tags.join(", "),
        references.join("\n"),
        node.question
            .as_ref()
            .map(|q| v.text(&q.text()).to_owned())
            .unwrap_or_default(),
        l.yes_no(node.verified).to_owned(),
        if v.number_is_ours(node) {
            l.number_ours.to_owned()
        } else if node.number.is_some() {
            l.numbering_source.to_owned()
        } else {
            String::new()
        },
    ]
}

fn about_sheet(
    sheet: &mut Worksheet,
    v: &View<'_>,
    generated: jiff::civil::Date,
    bold: &Format,
    cell: &Format,
) -> Result<(), ReportError> {
    let l = v.labels;
    let c = v.catalog;
    sheet.set_name(l.sheet_about)?;
    sheet.set_column_width(0, 30.0)?;
    sheet.set_column_width(1, 100.0)?;
    let sources: Vec<String> = c
        .source
        .iter()
        .map(|r| match &r.url {
            Some(url) => format!("{} — {url}", r.citation()),
            None => r.citation(),
        })
        .collect();
    let mut facts: Vec<(&str, String)> = vec![
        (l.catalog, v.text(&c.title).to_owned()),
        (l.version, c.version.clone()),
        (l.publisher, c.publisher.clone()),
        (l.source_date, c.date.clone()),
    ];
    if let Some(checked) = &c.last_source_check {
        facts.push((l.last_source_check, checked.clone()));
    }
    facts.push((l.generated, generated.to_string()));
    facts.push((l.sources, sources.join("\n")));
    facts.push((l.note, l.status_note(c.status).to_owned()));
    if let Some(description) = &c.description {
        facts.push(("", v.text(description).trim().to_owned()));
    }
    for (row, (label, value)) in (0u32..).zip(facts) {
        sheet.write_string_with_format(row, 0, label, bold)?;
        sheet.write_string_with_format(row, 1, cell_text(&value), cell)?;
    }
    Ok(())
}

fn excel_date(date: jiff::civil::Date) -> Option<ExcelDateTime> {
    let year = u16::try_from(date.year()).ok()?;
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

/// A text cell's value: cut to what Excel accepts and kept from being read
/// as a formula ([`defuse_formula`]).
pub(crate) fn cell_text(value: &str) -> String {
    clip(&defuse_formula(value))
}

/// The value cut to what Excel accepts, on a character boundary.
pub(crate) fn clip(value: &str) -> String {
    match value.char_indices().nth(MAX_CELL_CHARS) {
        Some((at, _)) => format!("{}…", &value[..at]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_short_and_cuts_long() {
        assert_eq!(clip("æøå"), "æøå");
        let long = "ø".repeat(MAX_CELL_CHARS + 10);
        let cut = clip(&long);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS + 1);
        assert!(cut.ends_with('…'));
    }
}
