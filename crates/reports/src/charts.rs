//! Server-rendered SVG charts for the dashboard and the management report.
//!
//! Each chart is one `<svg>` element as a string, to embed inline in HTML
//! (or save as a `.svg` file):
//! - accessible: `role="img"`, a `<title>` and a `<desc>` (linked with
//!   `aria-labelledby`) that state every value in words, and every value is
//!   also written on the chart, so nothing is told by colour alone;
//! - a fixed `viewBox` and no width or height, so it scales to its
//!   container;
//! - colours from the Okabe–Ito palette (safe for colour-blind readers),
//!   the two trend lines also differ by dash and marker shape, and the heat
//!   map uses one hue from light to dark;
//! - no scripts, no external resources, and every text escaped.
//!
//! Element ids are derived from the chart's content, so two different
//! charts on one page never share an id.

use std::fmt::Write as _;

use etterlev_core::Maturity;

use crate::Lang;
use crate::html::esc;
use crate::labels::{self, Labels, percent};
use crate::report::{ChapterRow, TrendPoint};

/// The width of every chart's viewBox.
const WIDTH: u32 = 640;
const FONT: &str = "'Source Sans 3', 'Segoe UI', Calibri, Arial, sans-serif";
const TEXT: &str = "#222222";
const MUTED: &str = "#595959";
const GRID: &str = "#BBBBBB";
/// Okabe–Ito blue: compliance.
const BLUE: &str = "#0072B2";
/// Okabe–Ito vermillion: maturity.
const VERMILLION: &str = "#D55E00";
/// Heat map shades, light to dark (one hue), for counts above zero.
const SHADES: [&str; 4] = ["#DEEBF7", "#9ECAE1", "#4292C6", "#08519C"];
/// Where chapter labels end and the plot starts.
const LABEL_END: u32 = 196;
const PLOT_START: u32 = 204;
/// Characters of a chapter label shown before it is cut with "…".
const LABEL_CHARS: usize = 28;

/// Compliance per chapter as horizontal bars, 0–100 %, with a grid at 0,
/// 50 and 100, the chapter on the left and the value after each bar. A
/// chapter where nothing applies shows "–" and no bar.
pub fn chapter_bars(rows: &[ChapterRow], lang: Lang) -> String {
    const ROW: u32 = 26;
    const BAR: u32 = 16;
    const TOP: u32 = 36;
    const BAR_WIDTH: f64 = 360.0;
    let l = labels::labels(lang);

    let described: Vec<String> = rows
        .iter()
        .map(|r| format!("{}: {}", chapter_name(&r.label, &r.title), bar_value(l, r)))
        .collect();
    let desc = sentence(l.chart_bars_desc, &described, l.no_data);
    let height = TOP + count(rows.len()) * ROW + 8;
    let mut out = open("bars", l.chart_bars_title, &desc, height);

    let x = |pct: f64| f64::from(PLOT_START) + BAR_WIDTH * pct.clamp(0.0, 100.0) / 100.0;
    let bottom = TOP + count(rows.len()) * ROW;
    for tick in [0.0, 50.0, 100.0] {
        let dash = if tick == 0.0 { "" } else { " stroke-dasharray=\"3 3\"" };
        let _ = writeln!(
            out,
            "<line x1=\"{0:.1}\" y1=\"{1}\" x2=\"{0:.1}\" y2=\"{bottom}\" stroke=\"{GRID}\" stroke-width=\"1\"{dash}/>",
            x(tick),
            TOP - 8,
        );
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>",
            x(tick),
            TOP - 14,
            esc(&percent(lang, tick)),
        );
    }
    if rows.is_empty() {
        no_data(&mut out, l, TOP + 14);
    }
    for (i, row) in (0u32..).zip(rows) {
        let y = TOP + i * ROW;
        let middle = y + ROW / 2;
        label(&mut out, &chapter_name(&row.label, &row.title), LABEL_END, middle);
        let value = bar_value(l, row);
        if row.score.applicable > 0 {
            let end = x(row.score.compliance);
            let _ = writeln!(
                out,
                "<rect x=\"{PLOT_START}\" y=\"{}\" width=\"{:.1}\" height=\"{BAR}\" fill=\"{BLUE}\"><title>{}</title></rect>",
                middle - BAR / 2,
                end - f64::from(PLOT_START),
                esc(&format!("{}: {value}", chapter_name(&row.label, &row.title))),
            );
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{middle}\" dominant-baseline=\"central\" fill=\"{TEXT}\" font-weight=\"600\">{}</text>",
                end + 6.0,
                esc(&value),
            );
        } else {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{middle}\" dominant-baseline=\"central\" fill=\"{MUTED}\">{}</text>",
                PLOT_START + 6,
                esc(&value),
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

/// How many requirements sit at each maturity level (0–5) in each chapter:
/// a grid of chapters × levels, each cell shaded by its count (darker is
/// more) and with the count written in it.
pub fn maturity_heatmap(rows: &[(String, [u32; 6])], lang: Lang) -> String {
    const ROW: u32 = 28;
    const CELL: u32 = 64;
    const TOP: u32 = 44;
    let l = labels::labels(lang);

    let described: Vec<String> = rows
        .iter()
        .map(|(chapter, counts)| {
            let levels: Vec<String> = (0u8..)
                .zip(counts)
                .map(|(level, n)| format!("{} {level}: {n}", l.level))
                .collect();
            format!("{chapter}: {}", levels.join(", "))
        })
        .collect();
    let desc = sentence(l.chart_heatmap_desc, &described, l.no_data);
    let height = TOP + count(rows.len()) * ROW + 8;
    let mut out = open("heatmap", l.chart_heatmap_title, &desc, height);

    let max = rows
        .iter()
        .flat_map(|(_, c)| c.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"14\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>",
        PLOT_START + 3 * CELL,
        esc(l.maturity_level),
    );
    for level in Maturity::all() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{TEXT}\" font-weight=\"600\">{}<title>{}</title></text>",
            PLOT_START + u32::from(level.level()) * CELL + CELL / 2,
            TOP - 8,
            level.level(),
            esc(&format!(
                "{} {}: {}",
                l.level,
                level.level(),
                labels::maturity_name(lang, level)
            )),
        );
    }
    if rows.is_empty() {
        no_data(&mut out, l, TOP + 14);
    }
    for (i, (chapter, counts)) in (0u32..).zip(rows) {
        let y = TOP + i * ROW;
        label(&mut out, chapter, LABEL_END, y + ROW / 2);
        for (level, &n) in (0u32..).zip(counts) {
            let shade = shade(n, max);
            let (fill, ink) = match shade {
                None => ("#F7F7F7", MUTED),
                Some(s) if s >= 3 => (SHADES[s], "#FFFFFF"),
                Some(s) => (SHADES[s], TEXT),
            };
            let x = PLOT_START + level * CELL;
            let _ = writeln!(
                out,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{CELL}\" height=\"{ROW}\" fill=\"{fill}\" stroke=\"#FFFFFF\" stroke-width=\"2\"><title>{}</title></rect>",
                esc(&format!("{chapter}, {} {level}: {n}", l.level)),
            );
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" dominant-baseline=\"central\" fill=\"{ink}\"{}>{n}</text>",
                x + CELL / 2,
                y + ROW / 2,
                if n > 0 { " font-weight=\"600\"" } else { "" },
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

/// Compliance and maturity across assessments, oldest first: two lines
/// (solid with round markers, dashed with square markers), each point
/// labelled with its value, 0–100 on the vertical axis.
pub fn trend_line(points: &[TrendPoint], lang: Lang) -> String {
    const HEIGHT: u32 = 270;
    const LEFT: f64 = 80.0;
    const RIGHT: f64 = 600.0;
    const TOP: f64 = 56.0;
    const BOTTOM: f64 = 216.0;
    let l = labels::labels(lang);

    let described: Vec<String> = points
        .iter()
        .map(|p| {
            format!(
                "{}: {} {}, {} {}",
                p.label,
                l.compliance.to_lowercase(),
                percent(lang, p.compliance),
                l.maturity.to_lowercase(),
                percent(lang, p.maturity)
            )
        })
        .collect();
    let desc = sentence(l.chart_trend_desc, &described, l.no_data);
    let mut out = open("trend", l.chart_trend_title, &desc, HEIGHT);

    // Legend: line sample, marker and name for each series.
    let _ = writeln!(
        out,
        "<line x1=\"{LEFT}\" y1=\"16\" x2=\"{}\" y2=\"16\" stroke=\"{BLUE}\" stroke-width=\"2.5\"/>",
        LEFT + 28.0
    );
    let _ = writeln!(
        out,
        "<circle cx=\"{}\" cy=\"16\" r=\"4\" fill=\"{BLUE}\"/>",
        LEFT + 14.0
    );
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"16\" dominant-baseline=\"central\" fill=\"{TEXT}\">{}</text>",
        LEFT + 36.0,
        esc(l.compliance)
    );
    let second = LEFT + 180.0;
    let _ = writeln!(
        out,
        "<line x1=\"{second}\" y1=\"16\" x2=\"{}\" y2=\"16\" stroke=\"{VERMILLION}\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\"/>",
        second + 28.0
    );
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"12\" width=\"8\" height=\"8\" fill=\"{VERMILLION}\"/>",
        second + 10.0
    );
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"16\" dominant-baseline=\"central\" fill=\"{TEXT}\">{}</text>",
        second + 36.0,
        esc(l.maturity)
    );

    let y = |v: f64| BOTTOM - (BOTTOM - TOP) * clamp_pct(v) / 100.0;
    for tick in [0.0, 50.0, 100.0] {
        let dash = if tick == 0.0 { "" } else { " stroke-dasharray=\"3 3\"" };
        let _ = writeln!(
            out,
            "<line x1=\"{}\" y1=\"{1:.1}\" x2=\"{RIGHT}\" y2=\"{1:.1}\" stroke=\"{GRID}\" stroke-width=\"1\"{dash}/>",
            LEFT - 24.0,
            y(tick),
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" dominant-baseline=\"central\" fill=\"{MUTED}\">{}</text>",
            LEFT - 30.0,
            y(tick),
            esc(&percent(lang, tick)),
        );
    }
    if points.is_empty() {
        no_data(&mut out, l, 136);
        out.push_str("</svg>\n");
        return out;
    }

    let n = points.len();
    let step = if n > 1 {
        (RIGHT - 24.0 - LEFT) / (n - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| {
        if n > 1 {
            LEFT + i as f64 * step
        } else {
            (LEFT + RIGHT) / 2.0
        }
    };
    // Axis labels: cut to fit the space between points; with many points
    // only every k-th (and the last) is written.
    let every = n.div_ceil(12).max(1);
    let room = if n > 1 { step * every as f64 } else { RIGHT - LEFT };
    let chars = ((room / 6.5) as usize).clamp(4, 24);
    for (i, p) in points.iter().enumerate() {
        if i % every != 0 && i + 1 != n {
            continue;
        }
        let (text, cut) = truncate(&p.label, chars);
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"{TEXT}\">{}",
            x(i),
            BOTTOM + 20.0,
            esc(&text)
        );
        if cut {
            let _ = write!(out, "<title>{}</title>", esc(&p.label));
        }
        out.push_str("</text>\n");
    }

    let path = |value: fn(&TrendPoint) -> f64| -> String {
        points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(value(p))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    if n > 1 {
        let _ = writeln!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{BLUE}\" stroke-width=\"2.5\"/>",
            path(|p| p.compliance)
        );
        let _ = writeln!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{VERMILLION}\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\"/>",
            path(|p| p.maturity)
        );
    }
    for (i, p) in points.iter().enumerate() {
        let (cx, cy, my) = (x(i), y(p.compliance), y(p.maturity));
        // The higher value's label goes above its point, the other's below,
        // so the two never sit on top of each other.
        let compliance_above = clamp_pct(p.compliance) >= clamp_pct(p.maturity);
        let (c_dy, m_dy) = if compliance_above { (-10.0, 18.0) } else { (18.0, -10.0) };
        let _ = writeln!(
            out,
            "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"4.5\" fill=\"{BLUE}\"><title>{}</title></circle>",
            esc(&format!(
                "{}: {} {}",
                p.label,
                l.compliance,
                percent(lang, p.compliance)
            )),
        );
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"9\" height=\"9\" fill=\"{VERMILLION}\"><title>{}</title></rect>",
            cx - 4.5,
            my - 4.5,
            esc(&format!("{}: {} {}", p.label, l.maturity, percent(lang, p.maturity))),
        );
        let _ = writeln!(
            out,
            "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{BLUE}\" font-weight=\"600\">{}</text>",
            cy + c_dy,
            esc(&percent(lang, p.compliance)),
        );
        let _ = writeln!(
            out,
            "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{VERMILLION}\" font-weight=\"600\">{}</text>",
            my + m_dy,
            esc(&percent(lang, p.maturity)),
        );
    }
    out.push_str("</svg>\n");
    out
}

/// "2 Risk management", or the title alone when there is no label.
fn chapter_name(label: &str, title: &str) -> String {
    match (label.trim().is_empty(), title.trim().is_empty()) {
        (true, _) => title.to_owned(),
        (false, true) => label.to_owned(),
        (false, false) => format!("{label} {title}"),
    }
}

/// "67 %" or, when nothing applies, "–".
fn bar_value(l: &Labels, row: &ChapterRow) -> String {
    if row.score.applicable > 0 {
        percent(l.lang, row.score.compliance)
    } else {
        l.none_set.to_owned()
    }
}

fn clamp_pct(v: f64) -> f64 {
    if v.is_finite() { v.clamp(0.0, 100.0) } else { 0.0 }
}

/// Rows a chart makes room for: at least one (for "no data").
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX).clamp(1, 100_000)
}

/// The chart's description: what it shows, then every value.
fn sentence(intro: &str, values: &[String], none: &str) -> String {
    if values.is_empty() {
        format!("{intro} {none}")
    } else {
        format!("{intro} {}.", values.join("; "))
    }
}

/// The `<svg>` start tag with title and description.
fn open(kind: &str, title: &str, desc: &str, height: u32) -> String {
    let id = format!("chart-{kind}-{:08x}", fnv(&format!("{title}\n{desc}")));
    let mut out = String::with_capacity(4096);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" class=\"chart chart-{kind}\" font-family=\"{FONT}\" \
         font-size=\"13\">"
    );
    let _ = writeln!(out, "<title id=\"{id}-title\">{}</title>", esc(title));
    let _ = writeln!(out, "<desc id=\"{id}-desc\">{}</desc>", esc(desc));
    out
}

/// A chapter name right-aligned at `x`, cut to fit; the full name as a
/// tooltip when cut.
fn label(out: &mut String, name: &str, x: u32, y: u32) {
    let (text, cut) = truncate(name, LABEL_CHARS);
    let _ = write!(
        out,
        "<text x=\"{x}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"central\" fill=\"{TEXT}\">{}",
        esc(&text)
    );
    if cut {
        let _ = write!(out, "<title>{}</title>", esc(name));
    }
    out.push_str("</text>\n");
}

fn no_data(out: &mut String, l: &Labels, y: u32) {
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{y}\" text-anchor=\"middle\" fill=\"{MUTED}\" font-style=\"italic\">{}</text>",
        WIDTH / 2,
        esc(l.no_data)
    );
}

/// `s` cut to `max` characters (the last one "…"), and whether it was cut.
fn truncate(s: &str, max: usize) -> (String, bool) {
    let s = s.trim();
    if s.chars().count() <= max {
        return (s.to_owned(), false);
    }
    let kept: String = s.chars().take(max.saturating_sub(1)).collect();
    (format!("{}…", kept.trim_end()), true)
}

/// Shade step (0–3) for a count, or `None` for zero.
pub(crate) fn shade(n: u32, max: u32) -> Option<usize> {
    if n == 0 {
        return None;
    }
    let steps = SHADES.len() as u64;
    // ceil(n / max * steps), in 1..=steps.
    let step = (u64::from(n) * steps).div_ceil(u64::from(max.max(1)));
    Some(usize::try_from(step.clamp(1, steps)).unwrap_or(1) - 1)
}

/// FNV-1a, for ids that differ between charts and stay the same between
/// runs.
fn fnv(s: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_counts_characters() {
        assert_eq!(truncate("æøå", 3), ("æøå".to_owned(), false));
        assert_eq!(truncate("æøåæøå", 4), ("æøå…".to_owned(), true));
    }

    #[test]
    fn shades_cover_the_range() {
        assert_eq!(shade(0, 10), None);
        assert_eq!(shade(1, 10), Some(0));
        assert_eq!(shade(5, 10), Some(1));
        assert_eq!(shade(10, 10), Some(3));
        assert_eq!(shade(7, 0), Some(3));
    }
}
