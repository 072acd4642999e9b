//! The management report and the one-page action list as printable HTML.
//!
//! One self-contained page each: inline CSS (with print rules for A4), the
//! SVG charts inline, no scripts and no external resources. Every text from
//! the caller is escaped; links are only made of `http(s)` URLs.

use etterlev_core::text::display_date;
use std::fmt::Write as _;

use crate::html::esc;
use crate::labels::{self, Labels, SummaryFacts, percent};
use crate::report::{ManagementReport, TOP_ACTIONS};
use crate::{Lang, charts};

const CSS: &str = "\
:root { color-scheme: light; }
body { font-family: 'Source Sans 3', 'Segoe UI', Calibri, Arial, sans-serif; line-height: 1.45; color: #111;
  max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
.kicker { text-transform: uppercase; letter-spacing: .06em; color: #555; font-weight: 600; margin: 0; }
h1, h2, h3 { color: #1f3864; line-height: 1.2; }
h1 { font-size: 2rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.4rem; margin-top: 2.2rem; border-bottom: 2px solid #c9d1e0; padding-bottom: .2rem; }
h3 { font-size: 1.15rem; margin-top: 1.5rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.figures { display: flex; flex-wrap: wrap; gap: .75rem; list-style: none; padding: 0; }
.figures li { border: 1px solid #c9d1e0; border-radius: 4px; padding: .5rem .8rem; min-width: 9rem; }
.figures .figure { display: block; font-size: 1.6rem; font-weight: 700; color: #1f3864; }
.note { border-left: 4px solid #1f3864; padding: .4rem .75rem; background: #f3f5f9; }
figure { margin: 1rem 0; }
figure svg { width: 100%; height: auto; max-width: 40rem; display: block; }
table { border-collapse: collapse; width: 100%; margin: .75rem 0; font-size: .95em; }
caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
th, td { border: 1px solid #c9d1e0; padding: .3rem .45rem; text-align: left; vertical-align: top; }
thead th { background: #e8ecf4; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td, tfoot th { font-weight: 700; background: #f3f5f9; }
.req { font-weight: 600; white-space: nowrap; }
tr.patient_safety td:first-child { border-left: 4px solid #D55E00; font-weight: 700; }
.overdue-mark { color: #a00000; font-weight: 700; }
tr.closed td { color: #666; }
.hash { font-family: 'Source Code Pro', Consolas, monospace; font-size: .85em; overflow-wrap: anywhere; }
.empty { font-style: italic; color: #555; }
ol.todo > li { margin: .5rem 0; }
ol.todo .what { font-weight: 600; }
ol.todo .meta { display: block; color: #444; font-size: .92em; }
a { color: #0b5cad; overflow-wrap: anywhere; }
@page { size: A4; margin: 16mm 15mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h2, h3 { break-after: avoid; }
  figure, tr, .figures li { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  figure svg { max-width: 34rem; }
}
.one-page h2 { margin-top: 1.4rem; }
.one-page .standing { font-size: 1.2rem; }
@media print { .one-page { font-size: 10.5pt; } .one-page ol.todo > li { margin: .3rem 0; } }
";

/// The management report as a self-contained printable HTML page:
/// summary, scores per chapter (chart and table), the maturity heat map,
/// the trend (from two assessments), gaps by priority, the action plan
/// (overdue marked), the evidence list with SHA-256, and what the figures
/// mean.
pub fn management_html(r: &ManagementReport, lang: Lang) -> String {
    let l = labels::labels(lang);
    let mut out = String::with_capacity(32 * 1024);
    head(&mut out, lang, &r.running_title(l.management_report), "");

    out.push_str("<header>\n");
    let _ = writeln!(out, "<p class=\"kicker\">{}</p>", esc(l.management_report));
    let _ = writeln!(out, "<h1>{}</h1>", esc(&r.title));
    out.push_str("<dl class=\"facts\">\n");
    fact(&mut out, l.enterprise, &r.tenant);
    fact(&mut out, l.catalog, &r.catalog);
    if let Some(period) = &r.period {
        fact(&mut out, l.period, &display_date(period));
    }
    fact(&mut out, l.generated, &display_date(&r.generated.to_string()));
    out.push_str("</dl>\n</header>\n<main>\n");

    // Summary.
    let gaps = r.sorted_gaps();
    let actions = r.sorted_actions();
    let _ = writeln!(out, "<section id=\"summary\">\n<h2>{}</h2>", esc(l.summary));
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
    let _ = writeln!(
        out,
        "<p class=\"summary\">{}</p>",
        esc(&labels::summary_text(lang, &facts))
    );
    out.push_str("<ul class=\"figures\">\n");
    for (figure, what) in [
        (percent(lang, r.overall.compliance), l.compliance),
        (percent(lang, r.overall.maturity), l.maturity),
        (gaps.len().to_string(), l.gaps),
        (r.open_actions().to_string(), l.open_actions),
        (r.overdue_actions().to_string(), l.overdue),
    ] {
        let _ = writeln!(
            out,
            "<li><span class=\"figure\">{}</span> {}</li>",
            esc(&figure),
            esc(what)
        );
    }
    out.push_str("</ul>\n");
    let _ = writeln!(out, "<p class=\"note\">{}</p>\n</section>", esc(l.score_note_short));

    // Results: chart and table per chapter, heat map, trend.
    let _ = writeln!(out, "<section id=\"results\">\n<h2>{}</h2>", esc(l.results));
    let _ = writeln!(out, "<h3>{}</h3>", esc(l.chart_bars_title));
    let _ = write!(out, "<figure>\n{}</figure>\n", charts::chapter_bars(&r.chapters, lang));
    scores_table(&mut out, l, r);
    if !r.maturity_levels.is_empty() {
        let _ = writeln!(out, "<h3>{}</h3>", esc(l.maturity_per_chapter));
        let _ = write!(
            out,
            "<figure>\n{}</figure>\n",
            charts::maturity_heatmap(&r.maturity_levels, lang)
        );
    }
    if r.trend.len() >= 2 {
        let _ = writeln!(out, "<h3>{}</h3>", esc(l.chart_trend_title));
        let _ = write!(out, "<figure>\n{}</figure>\n", charts::trend_line(&r.trend, lang));
    }
    out.push_str("</section>\n");

    // Gaps.
    let _ = writeln!(
        out,
        "<section id=\"gaps\">\n<h2>{} ({})</h2>\n<p>{}</p>",
        esc(l.gaps),
        gaps.len(),
        esc(l.gaps_intro)
    );
    if gaps.is_empty() {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>", esc(l.no_gaps));
    } else {
        table_head(
            &mut out,
            "gaps",
            &[l.col_priority, l.col_requirement, l.col_status, l.col_owner, l.col_due],
        );
        for g in &gaps {
            let _ = writeln!(
                out,
                "<tr class=\"gap {}\"><td>{}</td><td><span class=\"req\">{}</span> {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                g.priority.as_str(),
                esc(labels::priority(lang, g.priority)),
                esc(&g.label),
                esc(&g.title),
                esc(labels::answer_status(lang, g.status)),
                opt(l, g.owner.as_deref()),
                opt(l, g.due.as_deref().map(display_date).as_deref()),
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");

    // Action plan.
    let _ = writeln!(
        out,
        "<section id=\"actions\">\n<h2>{}</h2>\n<p>{}</p>",
        esc(l.action_plan),
        esc(l.action_plan_intro)
    );
    if actions.is_empty() {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>", esc(l.no_actions));
    } else {
        table_head(
            &mut out,
            "actions",
            &[
                l.col_action,
                l.col_requirement,
                l.col_owner,
                l.col_deadline,
                l.col_priority,
                l.col_status,
            ],
        );
        for a in &actions {
            let mut class = vec!["action", a.priority.as_str()];
            let overdue = a.overdue && !a.status.is_closed();
            if overdue {
                class.push("overdue");
            }
            if a.status.is_closed() {
                class.push("closed");
            }
            let mut deadline = opt(l, a.deadline.as_deref().map(display_date).as_deref());
            if overdue {
                let _ = write!(deadline, " <strong class=\"overdue-mark\">{}</strong>", esc(l.overdue));
            }
            let _ = writeln!(
                out,
                "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{deadline}</td><td>{}</td><td>{}</td></tr>",
                class.join(" "),
                esc(&a.title),
                opt(l, a.requirement.as_deref()),
                opt(l, a.owner.as_deref()),
                esc(labels::priority(lang, a.priority)),
                esc(labels::action_status(lang, a.status)),
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");

    // Evidence.
    let _ = writeln!(
        out,
        "<section id=\"evidence\">\n<h2>{}</h2>\n<p>{}</p>",
        esc(l.evidence),
        esc(l.evidence_intro)
    );
    if r.evidence.is_empty() {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>", esc(l.no_evidence));
    } else {
        table_head(
            &mut out,
            "evidence",
            &[l.col_requirement, l.col_name, "SHA-256", l.col_link],
        );
        for e in &r.evidence {
            let hash = e.sha256.as_deref().map_or_else(
                || esc(l.none_set),
                |h| format!("<span class=\"hash\">{}</span>", esc(h)),
            );
            let link = match e.url.as_deref() {
                Some(url) if is_web_link(url) => format!("<a href=\"{0}\">{0}</a>", esc(url)),
                other => opt(l, other),
            };
            let _ = writeln!(
                out,
                "<tr><td class=\"req\">{}</td><td>{}</td><td>{hash}</td><td>{link}</td></tr>",
                esc(&e.requirement),
                esc(&e.name),
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");

    let _ = writeln!(
        out,
        "<section id=\"about\">\n<h2>{}</h2>\n<p>{}</p>\n</section>",
        esc(l.about_figures),
        esc(l.score_note)
    );
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The one-page report for a small enterprise: where it stands, the (at
/// most ten) most important things to do, by priority, in plain words, and
/// what to do next.
pub fn action_list_html(r: &ManagementReport, lang: Lang) -> String {
    let l = labels::labels(lang);
    let mut out = String::with_capacity(8 * 1024);
    head(&mut out, lang, &r.running_title(l.action_list), " class=\"one-page\"");

    out.push_str("<header>\n");
    let _ = writeln!(out, "<p class=\"kicker\">{}</p>", esc(l.action_list));
    let _ = writeln!(out, "<h1>{}</h1>", esc(&r.tenant));
    out.push_str("<dl class=\"facts\">\n");
    fact(&mut out, l.assessment, &r.title);
    fact(&mut out, l.generated, &display_date(&r.generated.to_string()));
    out.push_str("</dl>\n</header>\n<main>\n");

    let _ = writeln!(
        out,
        "<p class=\"standing\"><strong>{}</strong></p>",
        esc(&labels::standing_text(
            lang,
            &r.tenant,
            r.overall.met,
            r.overall.applicable,
            r.overall.compliance
        ))
    );
    let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(l.score_note_short));

    let items = r.todo_items(l);
    let _ = writeln!(out, "<h2>{}</h2>", esc(l.top_actions));
    if items.is_empty() {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>", esc(l.no_open_actions));
    } else {
        out.push_str("<ol class=\"todo\">\n");
        for item in items.iter().take(TOP_ACTIONS) {
            let mut meta = vec![esc(labels::priority(lang, item.priority))];
            if let Some(req) = &item.requirement {
                meta.push(format!("{} {}", esc(l.why), esc(req)));
            }
            if let Some(owner) = &item.owner {
                meta.push(format!("{}: {}", esc(l.col_owner), esc(owner)));
            }
            if let Some(due) = &item.due {
                let mut text = format!("{}: {}", esc(l.col_due), esc(&display_date(due)));
                if item.overdue {
                    let _ = write!(text, " <strong class=\"overdue-mark\">{}</strong>", esc(l.overdue));
                }
                meta.push(text);
            }
            let _ = writeln!(
                out,
                "<li class=\"{}\"><span class=\"what\">{}</span><span class=\"meta\">{}</span></li>",
                item.priority.as_str(),
                esc(&item.title),
                meta.join(" · ")
            );
        }
        out.push_str("</ol>\n");
        if items.len() > TOP_ACTIONS {
            let _ = writeln!(
                out,
                "<p class=\"more\">{}</p>",
                esc(&labels::more_actions(lang, items.len() - TOP_ACTIONS))
            );
        }
    }

    let _ = writeln!(out, "<h2>{}</h2>\n<ol class=\"next\">", esc(l.next_steps));
    for step in l.next_steps_items {
        let _ = writeln!(out, "<li>{}</li>", esc(step));
    }
    out.push_str("</ol>\n</main>\n</body>\n</html>\n");
    out
}

fn head(out: &mut String, lang: Lang, title: &str, body_attrs: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"etterlev\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n\
         <body{body_attrs}>\n",
        lang.as_str(),
        esc(title),
    );
}

fn scores_table(out: &mut String, l: &Labels, r: &ManagementReport) {
    let lang = l.lang;
    out.push_str("<table class=\"scores\">\n<thead><tr>");
    let _ = write!(out, "<th scope=\"col\">{}</th>", esc(l.chapter));
    for h in [
        l.col_applicable,
        l.col_met,
        l.col_partly,
        l.col_not_applicable,
        l.col_compliance,
        l.col_maturity,
    ] {
        let _ = write!(out, "<th scope=\"col\" class=\"num\">{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let row = |out: &mut String, cell: &str, name: &str, s: &etterlev_core::Score| {
        let (compliance, maturity) = if s.applicable > 0 {
            (percent(lang, s.compliance), percent(lang, s.maturity))
        } else {
            (l.none_set.to_owned(), l.none_set.to_owned())
        };
        let _ = writeln!(
            out,
            "<tr><{cell} scope=\"row\">{}</{cell}><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(name),
            s.applicable,
            s.met,
            s.partly,
            s.not_applicable,
            esc(&compliance),
            esc(&maturity),
        );
    };
    for c in &r.chapters {
        let name = if c.label.trim().is_empty() {
            c.title.clone()
        } else {
            format!("{} {}", c.label, c.title)
        };
        row(out, "th", &name, &c.score);
    }
    out.push_str("</tbody>\n<tfoot>\n");
    row(out, "th", l.total, &r.overall);
    out.push_str("</tfoot>\n</table>\n");
}

/// Table start with a header row; the caller writes the body rows and
/// closes `</tbody></table>`.
fn table_head(out: &mut String, class: &str, headers: &[&str]) {
    let _ = write!(out, "<table class=\"{class}\">\n<thead><tr>");
    for h in headers {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
}

fn fact(out: &mut String, label: &str, value: &str) {
    let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", esc(label), esc(value));
}

/// The value escaped, or "–" when there is none.
fn opt(l: &Labels, value: Option<&str>) -> String {
    match value {
        Some(v) if !v.trim().is_empty() => esc(v),
        _ => esc(l.none_set),
    }
}

pub(crate) fn is_web_link(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}
