//! The management report and the one-page action list in Word format.
//!
//! The same content as the HTML versions, with the built-in Heading 1–2
//! styles (sections and their parts) and real tables. Word cannot show the
//! SVG charts, so each chart is a table of its values instead: compliance
//! per chapter with a bar drawn by cell shading next to the number, the
//! maturity heat map as shaded cells with the counts written in them, and
//! the trend as a table. Header rows repeat on every page and rows do not
//! split across pages. Header: report, enterprise and assessment; footer:
//! "Page N of M".

use etterlev_core::text::display_date;
use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, Hyperlink, HyperlinkType, LineSpacing, Paragraph, Run, RunFonts, Shading, Style, StyleType,
    Table, TableCell,
};
use etterlev_core::{ActionStatus, AnswerStatus, Maturity, Priority, Score};

use crate::docx::{BLUE, GREY, TEXT_WIDTH, core_props, default_language, deflate, labelled, page_setup, styles};
use crate::docx_table::{self, Column, finish_tables};
use crate::labels::{self, Labels, SummaryFacts, percent, whole_percent};
use crate::management::is_web_link;
use crate::report::{ManagementReport, TOP_ACTIONS};
use crate::{Lang, ReportError};

/// Table text size (half points): the "TableText" style.
const TABLE_TEXT: usize = 18;
/// Okabe–Ito blue, as in the SVG charts.
const BAR_FILL: &str = "0072B2";
/// Bar length in no-break spaces at 100 %, and their size (half-points).
const BAR_STEPS: u32 = 20;
const BAR_SIZE: usize = 14;
/// Heat map shades, light to dark, as in the SVG chart.
const SHADES: [&str; 4] = ["DEEBF7", "9ECAE1", "4292C6", "08519C"];
const OVERDUE_RED: &str = "A00000";

/// The management report as a `.docx`.
pub fn management_docx(r: &ManagementReport, lang: Lang) -> Result<Vec<u8>, ReportError> {
    let l = labels::labels(lang);
    let running = r.running_title(l.management_report);
    let mut docx = base(r, &running, l);

    docx = docx
        .add_paragraph(kicker(l.management_report))
        .add_paragraph(
            Paragraph::new()
                .style("ReportTitle")
                .add_run(Run::new().add_text(&r.title)),
        )
        .add_paragraph(labelled(l.enterprise, &r.tenant))
        .add_paragraph(labelled(l.catalog, &r.catalog));
    if let Some(period) = &r.period {
        docx = docx.add_paragraph(labelled(l.period, &display_date(period)));
    }
    docx = docx.add_paragraph(labelled(l.generated, &display_date(&r.generated.to_string())));

    // Summary.
    let gaps = r.sorted_gaps();
    let actions = r.sorted_actions();
    let facts = SummaryFacts {
        tenant: &r.tenant,
        met: r.overall.met,
        applicable: r.overall.applicable,
        partly: r.overall.partly,
        not_applicable: r.overall.not_applicable,
        compliance: r.overall.compliance,
        maturity: r.overall.maturity,
        gaps: gaps.len(),
        open_actions: r.open_actions(),
        overdue: r.overdue_actions(),
    };
    docx = docx
        .add_paragraph(heading(1, l.summary))
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(labels::summary_text(lang, &facts))));
    for (label, value) in [
        (l.compliance, percent(lang, r.overall.compliance)),
        (l.maturity, percent(lang, r.overall.maturity)),
        (l.gaps, gaps.len().to_string()),
        (l.open_actions, r.open_actions().to_string()),
        (l.overdue, r.overdue_actions().to_string()),
    ] {
        docx = docx.add_paragraph(labelled(label, &value).line_spacing(LineSpacing::new().after(40)));
    }
    docx = docx.add_paragraph(note(l.score_note_short));

    // Results.
    docx = docx
        .add_paragraph(heading(1, l.results))
        .add_paragraph(heading(2, l.chart_bars_title))
        .add_table(scores_table(r, l));
    if !r.maturity_levels.is_empty() {
        docx = docx
            .add_paragraph(heading(2, l.maturity_per_chapter))
            .add_paragraph(intro(l.chart_heatmap_desc))
            .add_table(heat_table(&r.maturity_levels, l))
            .add_paragraph(maturity_legend(l));
    }
    if r.trend.len() >= 2 {
        let rows = r
            .trend
            .iter()
            .map(|p| {
                vec![
                    text_cell(&p.label),
                    number_cell(&percent(lang, p.compliance)),
                    number_cell(&percent(lang, p.maturity)),
                ]
            })
            .collect();
        docx = docx
            .add_paragraph(heading(2, l.chart_trend_title))
            .add_paragraph(intro(l.chart_trend_desc))
            .add_table(table(
                &[
                    Column::new(l.col_assessment, 4504),
                    Column::new(l.compliance, 2000),
                    Column::new(l.maturity, 2000),
                ],
                rows,
            ));
    }

    // Gaps.
    docx = docx
        .add_paragraph(heading(1, &format!("{} ({})", l.gaps, gaps.len())))
        .add_paragraph(intro(l.gaps_intro));
    if gaps.is_empty() {
        docx = docx.add_paragraph(empty(l.no_gaps));
    } else {
        let rows = gaps
            .iter()
            .map(|g| {
                vec![
                    priority_cell(lang, g.priority),
                    TableCell::new().add_paragraph(
                        cell_paragraph()
                            .add_run(Run::new().add_text(format!("{} ", unbroken(&g.label))).bold())
                            .add_run(Run::new().add_text(&g.title)),
                    ),
                    text_cell(labels::answer_status(lang, g.status)),
                    text_cell(or_dash(l, g.owner.as_deref())),
                    text_cell(or_dash(l, g.due.as_deref().map(display_date).as_deref())),
                ]
            })
            .collect();
        docx = docx.add_table(table(
            &[
                Column::new(l.col_priority, 1800).keep(priorities(lang)),
                Column::new(l.col_requirement, 3054),
                Column::new(l.col_status, 1100).keep(AnswerStatus::ALL.iter().map(|&s| labels::answer_status(lang, s))),
                Column::new(l.col_owner, 1300),
                Column::new(l.col_due, 1250),
            ],
            rows,
        ));
    }

    // Action plan.
    docx = docx
        .add_paragraph(heading(1, l.action_plan))
        .add_paragraph(intro(l.action_plan_intro));
    if actions.is_empty() {
        docx = docx.add_paragraph(empty(l.no_actions));
    } else {
        let rows = actions
            .iter()
            .map(|a| {
                let mut deadline = cell_paragraph()
                    .add_run(Run::new().add_text(or_dash(l, a.deadline.as_deref().map(display_date).as_deref())));
                if a.overdue && !a.status.is_closed() {
                    deadline = deadline
                        .add_run(Run::new().add_text(" "))
                        .add_run(Run::new().add_text(l.overdue).bold().color(OVERDUE_RED));
                }
                vec![
                    text_cell(&a.title),
                    text_cell(&unbroken(or_dash(l, a.requirement.as_deref()))),
                    text_cell(or_dash(l, a.owner.as_deref())),
                    TableCell::new().add_paragraph(deadline),
                    priority_cell(lang, a.priority),
                    text_cell(labels::action_status(lang, a.status)),
                ]
            })
            .collect();
        docx = docx.add_table(table(
            &[
                Column::new(l.col_action, 2354),
                Column::new(l.col_requirement, 800),
                Column::new(l.col_owner, 1300),
                Column::new(l.col_deadline, 1500).keep([l.overdue]),
                Column::new(l.col_priority, 1750).keep(priorities(lang)),
                Column::new(l.col_status, 800).keep(ActionStatus::ALL.iter().map(|&s| labels::action_status(lang, s))),
            ],
            rows,
        ));
    }

    // Evidence.
    docx = docx
        .add_paragraph(heading(1, l.evidence))
        .add_paragraph(intro(l.evidence_intro));
    if r.evidence.is_empty() {
        docx = docx.add_paragraph(empty(l.no_evidence));
    } else {
        let rows = r
            .evidence
            .iter()
            .map(|e| {
                let hash = match &e.sha256 {
                    Some(h) => TableCell::new().add_paragraph(
                        cell_paragraph().add_run(
                            Run::new()
                                .add_text(h)
                                .size(16)
                                .fonts(RunFonts::new().ascii("Consolas").hi_ansi("Consolas")),
                        ),
                    ),
                    None => text_cell(l.none_set),
                };
                let link = match e.url.as_deref() {
                    Some(url) if is_web_link(url) => TableCell::new().add_paragraph(
                        cell_paragraph().add_hyperlink(
                            Hyperlink::new(url, HyperlinkType::External)
                                .add_run(Run::new().style("Hyperlink").add_text(url)),
                        ),
                    ),
                    other => text_cell(or_dash(l, other)),
                };
                vec![
                    TableCell::new()
                        .add_paragraph(cell_paragraph().add_run(Run::new().add_text(unbroken(&e.requirement)).bold())),
                    text_cell(&e.name),
                    hash,
                    link,
                ]
            })
            .collect();
        docx = docx.add_table(table(
            &[
                Column::new(l.col_requirement, 900),
                Column::new(l.col_name, 2204),
                Column::new("SHA-256", 3500),
                Column::new(l.col_link, 1900),
            ],
            rows,
        ));
    }

    docx = docx
        .add_paragraph(heading(1, l.about_figures))
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(l.score_note)));
    finish(docx, lang, &running)
}

/// The one-page report for a small enterprise as a `.docx`: where it
/// stands, the (at most ten) most important things to do by priority, and
/// what to do next.
pub fn action_list_docx(r: &ManagementReport, lang: Lang) -> Result<Vec<u8>, ReportError> {
    let l = labels::labels(lang);
    let running = r.running_title(l.action_list);
    let mut docx = base(r, &running, l)
        .add_paragraph(kicker(l.action_list))
        .add_paragraph(
            Paragraph::new()
                .style("ReportTitle")
                .add_run(Run::new().add_text(&r.tenant)),
        )
        .add_paragraph(labelled(l.assessment, &r.title))
        .add_paragraph(labelled(l.generated, &display_date(&r.generated.to_string())))
        .add_paragraph(
            Paragraph::new()
                .line_spacing(LineSpacing::new().before(240).after(120))
                .add_run(
                    Run::new()
                        .add_text(labels::standing_text(
                            lang,
                            &r.tenant,
                            r.overall.met,
                            r.overall.applicable,
                            r.overall.compliance,
                        ))
                        .bold()
                        .size(28),
                ),
        )
        .add_paragraph(note(l.score_note_short))
        .add_paragraph(heading(1, l.top_actions));

    let items = r.todo_items(l);
    if items.is_empty() {
        docx = docx.add_paragraph(empty(l.no_open_actions));
    }
    for (i, item) in items.iter().take(TOP_ACTIONS).enumerate() {
        let mut meta = vec![labels::priority(lang, item.priority).to_owned()];
        if let Some(req) = &item.requirement {
            meta.push(format!("{} {req}", l.why));
        }
        if let Some(owner) = &item.owner {
            meta.push(format!("{}: {owner}", l.col_owner));
        }
        if let Some(due) = &item.due {
            meta.push(format!("{}: {}", l.col_due, display_date(due)));
        }
        docx = docx.add_paragraph(
            Paragraph::new()
                .keep_next(true)
                .indent(Some(360), Some(docx_rs::SpecialIndentType::Hanging(360)), None, None)
                .line_spacing(LineSpacing::new().before(100).after(0))
                .add_run(Run::new().add_text(format!("{}.", i + 1)).bold())
                .add_run(Run::new().add_tab())
                .add_run(Run::new().add_text(&item.title).bold()),
        );
        let mut p = Paragraph::new()
            .style("Meta")
            .indent(Some(360), None, None, None)
            .add_run(Run::new().add_text(meta.join(" · ")));
        if item.overdue {
            p = p
                .add_run(Run::new().add_text(" · "))
                .add_run(Run::new().add_text(l.overdue).bold().color(OVERDUE_RED));
        }
        docx = docx.add_paragraph(p);
    }
    if items.len() > TOP_ACTIONS {
        docx = docx.add_paragraph(
            Paragraph::new().line_spacing(LineSpacing::new().before(120)).add_run(
                Run::new()
                    .add_text(labels::more_actions(lang, items.len() - TOP_ACTIONS))
                    .italic(),
            ),
        );
    }

    docx = docx.add_paragraph(heading(1, l.next_steps));
    for (i, step) in l.next_steps_items.iter().enumerate() {
        docx = docx.add_paragraph(
            Paragraph::new()
                .indent(Some(360), Some(docx_rs::SpecialIndentType::Hanging(360)), None, None)
                .line_spacing(LineSpacing::new().after(60))
                .add_run(Run::new().add_text(format!("{}.", i + 1)))
                .add_run(Run::new().add_tab())
                .add_run(Run::new().add_text(*step)),
        );
    }
    finish(docx, lang, &running)
}

/// Styles, fonts, dates, header and footer.
fn base(r: &ManagementReport, running: &str, l: &Labels) -> Docx {
    let docx = styles(Docx::new())
        .add_style(
            Style::new("ReportTitle", StyleType::Paragraph)
                .name("Report Title")
                .based_on("Normal")
                .next("Normal")
                .size(44)
                .bold()
                .color(BLUE)
                .line_spacing(LineSpacing::new().before(0).after(200)),
        )
        .add_style(
            Style::new("TableText", StyleType::Paragraph)
                .name("Table Text")
                .based_on("Normal")
                .size(18)
                .line_spacing(LineSpacing::new().before(20).after(20)),
        )
        .add_style(
            Style::new("Kicker", StyleType::Paragraph)
                .name("Kicker")
                .based_on("Normal")
                .next("Normal")
                .size(20)
                .bold()
                .color(GREY)
                .line_spacing(LineSpacing::new().after(0)),
        );
    page_setup(docx, r.generated, running, l)
}

/// Builds the package, patches what docx-rs cannot set (repeating header
/// rows, text language, title and author) and deflates it.
fn finish(docx: Docx, lang: Lang, title: &str) -> Result<Vec<u8>, ReportError> {
    let mut xml = docx.build();
    xml.document = finish_tables(&xml.document);
    xml.styles = default_language(&xml.styles, lang);
    xml.doc_props.core = core_props(&xml.doc_props.core, title);
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| ReportError::Docx(e.to_string()))?;
    deflate(&out.into_inner()).map_err(|e| ReportError::Docx(e.to_string()))
}

/// A heading with room above it (the catalogue's Heading 1 starts a page
/// and has none).
fn heading(level: usize, text: &str) -> Paragraph {
    let before = if level == 1 { 480 } else { 300 };
    docx_table::heading(level, before).add_run(Run::new().add_text(text))
}

/// A paragraph introducing the table after it: kept on the table's page.
fn intro(text: &str) -> Paragraph {
    Paragraph::new().keep_next(true).add_run(Run::new().add_text(text))
}

fn kicker(text: &str) -> Paragraph {
    Paragraph::new()
        .style("Kicker")
        .add_run(Run::new().add_text(text.to_uppercase()))
}

fn note(text: &str) -> Paragraph {
    Paragraph::new()
        .line_spacing(LineSpacing::new().before(120))
        .add_run(Run::new().add_text(text).italic().color(BLUE))
}

fn empty(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text).italic())
}

fn or_dash<'a>(l: &Labels, value: Option<&'a str>) -> &'a str {
    match value {
        Some(v) if !v.trim().is_empty() => v,
        _ => l.none_set,
    }
}

/// A requirement number ("2.1 a") that stays on one line: its spaces are
/// no-break spaces.
fn unbroken(label: &str) -> String {
    label.replace(' ', "\u{a0}")
}

/// A paragraph for a table cell: 9 pt, little space.
fn cell_paragraph() -> Paragraph {
    Paragraph::new().style("TableText")
}

fn text_cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(cell_paragraph().add_run(Run::new().add_text(text)))
}

fn number_cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(
        cell_paragraph()
            .align(AlignmentType::Right)
            .add_run(Run::new().add_text(text)),
    )
}

fn priority_cell(lang: Lang, priority: Priority) -> TableCell {
    let run = Run::new().add_text(labels::priority(lang, priority));
    let run = if priority == Priority::PatientSafety {
        run.bold()
    } else {
        run
    };
    TableCell::new().add_paragraph(cell_paragraph().add_run(run))
}

/// A table the width of the text (see `docx_table`): a repeating header
/// row with the column names, then `rows`; no row splits across pages.
fn table(columns: &[Column], rows: Vec<Vec<TableCell>>) -> Table {
    docx_table::table(columns, rows, TEXT_WIDTH, TABLE_TEXT, |name| {
        cell_paragraph().add_run(Run::new().add_text(name).bold())
    })
}

/// Every priority's name, so the priority column fits the longest word.
fn priorities(lang: Lang) -> Vec<&'static str> {
    Priority::ALL.iter().map(|&p| labels::priority(lang, p)).collect()
}

/// Scores per chapter and the total, with a bar (cell shading on no-break
/// spaces) under the compliance figure, in the same cell: a column of its
/// own left too little room for the headers.
fn scores_table(r: &ManagementReport, l: &Labels) -> Table {
    let lang = l.lang;
    let row = |name: &str, s: &Score, bold: bool| {
        let (compliance, maturity) = if s.applicable > 0 {
            (percent(lang, s.compliance), percent(lang, s.maturity))
        } else {
            (l.none_set.to_owned(), l.none_set.to_owned())
        };
        let steps = if s.applicable > 0 {
            (whole_percent(s.compliance) * BAR_STEPS).div_ceil(100)
        } else {
            0
        };
        let mut compliance_cell = TableCell::new().add_paragraph(
            cell_paragraph()
                .align(AlignmentType::Right)
                .add_run(Run::new().add_text(&compliance)),
        );
        if steps > 0 {
            compliance_cell = compliance_cell.add_paragraph(
                cell_paragraph().add_run(
                    Run::new()
                        .add_text("\u{a0}".repeat(steps as usize))
                        .size(BAR_SIZE)
                        .shading(Shading::new().fill(BAR_FILL)),
                ),
            );
        }
        let name_run = Run::new().add_text(name);
        vec![
            TableCell::new().add_paragraph(cell_paragraph().add_run(if bold { name_run.bold() } else { name_run })),
            number_cell(&s.applicable.to_string()),
            number_cell(&s.met.to_string()),
            number_cell(&s.partly.to_string()),
            number_cell(&s.not_applicable.to_string()),
            compliance_cell,
            number_cell(&maturity),
        ]
    };
    let mut rows: Vec<Vec<TableCell>> = r
        .chapters
        .iter()
        .map(|c| {
            let name = if c.label.trim().is_empty() {
                c.title.clone()
            } else {
                format!("{}\u{a0}{}", unbroken(&c.label), c.title)
            };
            row(&name, &c.score, false)
        })
        .collect();
    rows.push(row(l.total, &r.overall, true));
    table(
        &[
            Column::new(l.chapter, 2800),
            Column::new(l.col_applicable, 800),
            Column::new(l.col_met, 800),
            Column::new(l.col_partly, 700),
            Column::new(l.col_not_applicable, 850),
            // Wide enough for the full bar, in a fallback font too.
            Column::new(l.col_compliance, 1450).at_least(
                docx_table::text_width(&"\u{a0}".repeat(BAR_STEPS as usize), BAR_SIZE, 1.45)
                    + 2 * docx_table::CELL_MARGIN,
            ),
            Column::new(l.col_maturity, 904),
        ],
        rows,
    )
}

/// Chapters × maturity levels 0–5, each cell shaded by its count (darker
/// is more) with the count written in it.
fn heat_table(levels: &[(String, [u32; 6])], l: &Labels) -> Table {
    let max = levels
        .iter()
        .flat_map(|(_, c)| c.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let rows = levels
        .iter()
        .map(|(chapter, counts)| {
            let mut cells = vec![text_cell(chapter)];
            for &n in counts {
                let run = Run::new().add_text(n.to_string());
                let (fill, run) = match crate::charts::shade(n, max) {
                    None => ("F7F7F7", run.color(GREY)),
                    Some(3) => (SHADES[3], run.bold().color("FFFFFF")),
                    Some(s) => (SHADES[s], run.bold()),
                };
                cells.push(
                    TableCell::new()
                        .shading(Shading::new().fill(fill))
                        .add_paragraph(cell_paragraph().align(AlignmentType::Center).add_run(run)),
                );
            }
            cells
        })
        .collect();
    let names: Vec<String> = Maturity::all().map(|m| m.level().to_string()).collect();
    let mut columns = vec![Column::new(l.chapter, 2504)];
    columns.extend(names.iter().map(|n| Column::new(n, 1000)));
    table(&columns, rows)
}

/// "0 Not in place · 1 Initial · …": what the heat map's columns mean.
fn maturity_legend(l: &Labels) -> Paragraph {
    let names: Vec<String> = Maturity::all()
        .map(|m| format!("{} {}", m.level(), labels::maturity_name(l.lang, m)))
        .collect();
    Paragraph::new()
        .style("Meta")
        .add_run(Run::new().add_text(format!("{}: {}", l.maturity_level, names.join(" · "))))
}
