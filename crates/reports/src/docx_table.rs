//! Tables and headings shared by every Word document we write.
//!
//! Word and LibreOffice break a word inside a table cell when it does not
//! fit the column ("Gjeld er", "Pasientsikkerh et", "2027-01- 06"), so
//! column widths are not left to taste: they come from the content. Each
//! column is at least as wide as its header on one line, as the widest
//! body word the caller names (such as every status word) and as the
//! widest word of its body cells, estimated from the font's character
//! widths at each run's size; the rest of the text width goes to the
//! columns whose longest lines need it (see [`column_widths`]). Only words
//! wider than a third of the text (links, checksums; less when the
//! columns do not fit otherwise) may break, and only where a break
//! opportunity is added for them: after the separators of a link, between
//! the groups of a checksum ([`break_long_words`]), and where a piece
//! would not fit its column any more ([`fit_words`], a soft hyphen between
//! letters).
//! The table uses the fixed layout with an explicit grid
//! (`w:tblGrid`/`w:gridCol`) and a width on every cell (`w:tcW`), so
//! readers do not re-flow it; header cells do not wrap (`w:noWrap`), the
//! header row repeats on every page (`w:tblHeader`) and no row splits
//! across a page (`w:cantSplit`).
//!
//! The widths are estimated twice: for Calibri (the documents' font, and
//! metric-compatible Carlito), and for the wider fonts a reader without
//! Calibri falls back to (DejaVu Sans is about 35 % wider). The wide
//! estimate is used when all minimums fit the text width with it, so the
//! words stay whole in either case; otherwise the Calibri one.

use docx_rs::{
    BuildXML, HeightRule, Paragraph, ParagraphChild, Run, RunChild, Shading, Table, TableCell, TableCellContent,
    TableLayoutType, TableRow, WidthType,
};

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
/// The fallback fonts' regular weight relative to Calibri Bold: DejaVu
/// Sans is 1.13–1.34 times as wide letter by letter, about 1.18 on
/// Norwegian words.
const WIDE_REGULAR: f64 = 1.25;

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
        '(' | ')' | '[' | ']' | '-' | '\u{2011}' | '/' => 312,
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

/// Widths of a column's body text (twips, no padding): its widest
/// unbreakable word and its longest line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Content {
    pub min: usize,
    pub max: usize,
}

/// The column widths (twips) summing to `total`, from the headers (each on
/// one line), the words the caller keeps whole and the body text measured
/// by [`content`] for Calibri (`narrow`) and for the fallback fonts
/// (`wide`); `narrow` and `wide` are empty for a table without body rows.
///
/// Each column gets at least its minimum: header, widest kept word and
/// widest body word, with padding. When every column's longest line fits,
/// each gets that and the rest goes by the caller's preferred shares;
/// otherwise each gets its minimum plus a share of what is left in
/// proportion to how much more its longest line needs (the way browsers
/// size automatic tables). The fallback fonts' estimate is used when its
/// minimums fit the text width (then the flag returned is true), else
/// Calibri's.
pub(crate) fn column_widths(
    columns: &[Column],
    narrow: &[Content],
    wide: &[Content],
    total: usize,
    half_points: usize,
) -> (Vec<usize>, bool) {
    let limits = |wide: bool, content: &[Content]| -> (Vec<usize>, Vec<usize>) {
        let (bold, regular) = if wide { (WIDE, WIDE_REGULAR) } else { (NARROW, NARROW) };
        columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let body = content.get(i).copied().unwrap_or_default();
                let words = c.keep.iter().flat_map(|t| t.split_whitespace());
                let widest = words.map(|w| text_width(w, half_points, regular)).max().unwrap_or(0);
                let min = (text_width(&c.header, half_points, bold).max(widest).max(body.min) + 2 * CELL_MARGIN)
                    .max(c.at_least);
                (min, min.max(body.max + 2 * CELL_MARGIN))
            })
            .unzip()
    };
    let (mins, maxs, fits) = {
        let (mins, maxs) = limits(true, wide);
        if mins.iter().sum::<usize>() <= total {
            (mins, maxs, true)
        } else {
            let (mins, maxs) = limits(false, narrow);
            (mins, maxs, false)
        }
    };
    let preferred: Vec<usize> = columns.iter().map(|c| c.preferred).collect();
    let min_sum: usize = mins.iter().sum();
    let max_sum: usize = maxs.iter().sum();
    if min_sum >= total {
        return (mins, fits);
    }
    if max_sum <= total {
        return (distribute(&maxs, &preferred, total), fits);
    }
    // Between the two: each column its minimum and a share of the rest
    // in proportion to what its longest line still needs.
    let spare = total - min_sum;
    let wanted = max_sum - min_sum;
    let mut widths: Vec<usize> = mins
        .iter()
        .zip(&maxs)
        .map(|(&min, &max)| min + (max - min) * spare / wanted)
        .collect();
    let sum: usize = widths.iter().sum();
    if let Some(i) = (0..widths.len()).max_by_key(|&i| maxs[i] - mins[i]) {
        widths[i] += total.saturating_sub(sum);
    }
    (widths, fits)
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
/// and every cell's width set from [`column_widths`]. Words too wide for
/// any sensible column (links, checksums) get break opportunities first
/// (see [`break_long_words`]); every other word is kept whole.
pub(crate) fn table(
    columns: &[Column],
    rows: Vec<Vec<TableCell>>,
    total: usize,
    half_points: usize,
    header: impl Fn(&str) -> Paragraph,
) -> Table {
    // Links and checksums get their break opportunities first. Then the
    // widest a word may be and still claim its own room: a third of the
    // text width, less (down to nothing) when that is what it takes for
    // the headers and the other words to fit in the fallback fonts too.
    let rows = with_breaks(&rows, half_points, total / 3);
    let mut chosen = None;
    for longest in [total / 3, total / 4, total / 6, total / 10, 0] {
        let (widths, fits) = fitted(columns, &rows, total, half_points, longest);
        if fits || chosen.is_none() {
            chosen = Some((widths, fits));
        }
        if fits {
            break;
        }
    }
    let (widths, wide) = chosen.unwrap_or_default();
    let mut rows = rows;
    // Words still wider than their column break where we say, not where
    // a reader happens to.
    for cells in &mut rows {
        for (cell, &w) in cells.iter_mut().zip(&widths) {
            fit_words(cell, half_points, w.saturating_sub(2 * CELL_MARGIN), wide);
        }
    }
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

/// `rows` with break opportunities in words wider than `longest`.
fn with_breaks(rows: &[Vec<TableCell>], half_points: usize, longest: usize) -> Vec<Vec<TableCell>> {
    rows.iter()
        .map(|cells| {
            cells
                .iter()
                .map(|cell| {
                    let mut cell = cell.clone();
                    break_long_words(&mut cell, half_points, longest);
                    cell
                })
                .collect()
        })
        .collect()
}

/// [`column_widths`] for these body rows, measured in both fonts.
fn fitted(
    columns: &[Column],
    rows: &[Vec<TableCell>],
    total: usize,
    half_points: usize,
    longest: usize,
) -> (Vec<usize>, bool) {
    let measure = |wide: bool| -> Vec<Content> {
        (0..columns.len())
            .map(|i| {
                rows.iter()
                    .filter_map(|cells| cells.get(i))
                    .map(|cell| content(cell, half_points, wide, longest))
                    .fold(Content::default(), |a, b| Content {
                        min: a.min.max(b.min),
                        max: a.max.max(b.max),
                    })
            })
            .collect()
    };
    column_widths(columns, &measure(false), &measure(true), total, half_points)
}

/// A break opportunity that shows nothing: Word and LibreOffice may end a
/// line there.
pub(crate) const ZWSP: char = '\u{200b}';
/// A hyphen no line breaks after.
pub(crate) const NB_HYPHEN: char = '\u{2011}';

/// One character of a cell's text as laid out.
#[derive(Debug, Clone, Copy)]
struct Glyph {
    c: char,
    half_points: usize,
    mono: bool,
    bold: bool,
}

/// Advance width of a monospaced character (DejaVu Sans Mono, the wider of
/// it and Consolas), thousandths of an em.
const MONO: u32 = 602;

/// Width in twips, in Calibri or (`wide`) in the fallback fonts.
fn glyph_width(g: &Glyph, wide: bool) -> f64 {
    let (em, factor) = match (g.mono, wide, g.bold) {
        (true, ..) => (MONO, NARROW),
        (false, false, _) => (char_width(g.c), NARROW),
        (false, true, true) => (char_width(g.c), WIDE),
        (false, true, false) => (char_width(g.c), WIDE_REGULAR),
    };
    f64::from(em) / 1000.0 * (g.half_points as f64) * 10.0 * factor
}

fn glyphs_width(glyphs: &[Glyph], wide: bool) -> usize {
    glyphs.iter().map(|g| glyph_width(g, wide)).sum::<f64>().ceil() as usize
}

/// Where a line may break: white space other than the no-break spaces,
/// and [`ZWSP`].
fn is_break(c: char) -> bool {
    (c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}')) || c == ZWSP
}

/// The widest word and the longest line of a cell's text, in Calibri or
/// (`wide`) in the fallback fonts; words end at white space and at
/// [`ZWSP`], lines at paragraph ends and line breaks. A line all in a
/// monospaced font (a checksum) asks for no more than its widest piece:
/// it reads best in its groups, one under the other.
///
/// A word wider than `longest` twips (in Calibri) asks for no room of its
/// own: it is broken to fit its column afterwards ([`fit_words`]).
pub(crate) fn content(cell: &TableCell, half_points: usize, wide: bool, longest: usize) -> Content {
    let mut out = Content::default();
    for line in lines(cell, half_points) {
        let widest = line
            .split(|g| is_break(g.c))
            .filter(|word| glyphs_width(word, false) <= longest)
            .map(|word| glyphs_width(word, wide))
            .max()
            .unwrap_or(0);
        out.min = out.min.max(widest);
        let mono = !line.is_empty() && line.iter().all(|g| g.mono || is_break(g.c));
        out.max = out.max.max(if mono { widest } else { glyphs_width(&line, wide) });
    }
    out
}

/// The text of a cell line by line, each character with its size.
fn lines(cell: &TableCell, half_points: usize) -> Vec<Vec<Glyph>> {
    let mut out = Vec::new();
    for child in &cell.children {
        if let TableCellContent::Paragraph(p) = child {
            let mut line = Vec::new();
            paragraph_glyphs(&p.children, half_points, &mut line, &mut out);
            out.push(line);
        }
    }
    out
}

fn paragraph_glyphs(children: &[ParagraphChild], half_points: usize, line: &mut Vec<Glyph>, out: &mut Vec<Vec<Glyph>>) {
    for child in children {
        match child {
            ParagraphChild::Run(run) => {
                let (size, mono) = run_font(run, half_points);
                let bold = run.run_property.bold.is_some();
                let glyph = |c: char| Glyph {
                    c,
                    half_points: size,
                    mono,
                    bold,
                };
                for c in &run.children {
                    match c {
                        RunChild::Text(t) => line.extend(decoded(&t.text).into_iter().map(|(c, _)| glyph(c))),
                        RunChild::Tab(_) => line.push(glyph(' ')),
                        RunChild::Break(_) => out.push(std::mem::take(line)),
                        _ => {}
                    }
                }
            }
            ParagraphChild::Hyperlink(h) => paragraph_glyphs(&h.children, half_points, line, out),
            _ => {}
        }
    }
}

/// A run's size (half points; `default` when it sets none) and whether its
/// font is monospaced. docx-rs keeps both private, so they are read back
/// from the run properties' XML.
fn run_font(run: &Run, default: usize) -> (usize, bool) {
    let size = run
        .run_property
        .sz
        .as_ref()
        .and_then(|sz| {
            let xml = String::from_utf8(sz.build()).ok()?;
            let at = xml.find("w:val=\"")? + "w:val=\"".len();
            xml[at..].split('"').next()?.parse().ok()
        })
        .unwrap_or(default);
    let mono = run.run_property.fonts.as_ref().is_some_and(|f| {
        let xml = String::from_utf8_lossy(&f.build()).to_ascii_lowercase();
        ["consolas", "mono", "courier"].iter().any(|m| xml.contains(m))
    });
    (size, mono)
}

/// The characters of docx-rs's escaped text, each with the source it
/// came from (an entity such as `&amp;`, or the character itself).
fn decoded(escaped: &str) -> Vec<(char, &str)> {
    let mut out = Vec::new();
    let mut rest = escaped;
    while let Some(c) = rest.chars().next() {
        let entity = if c == '&' {
            rest.find(';').filter(|&end| end <= 6).and_then(|end| {
                let decoded = match &rest[..=end] {
                    "&amp;" => '&',
                    "&lt;" => '<',
                    "&gt;" => '>',
                    "&quot;" => '"',
                    "&apos;" | "&#39;" => '\'',
                    _ => return None,
                };
                Some((decoded, end + 1))
            })
        } else {
            None
        };
        let (c, len) = entity.unwrap_or((c, c.len_utf8()));
        out.push((c, &rest[..len]));
        rest = &rest[len..];
    }
    out
}

/// Keeps every other word of `cell` whole (its hyphens do not break), and
/// gives every word wider than `longest` twips (in Calibri, with
/// headroom) places to break, so no column has to be that wide and no
/// reader breaks it at random: a [`ZWSP`] after each separator of links
/// and paths (`/ ? & = # . - _`, after the last of several) and after every 16 characters without
/// one (so a SHA-256 checksum reads as four groups). The text does not
/// change visibly, and a link keeps its target.
pub(crate) fn break_long_words(cell: &mut TableCell, half_points: usize, longest: usize) {
    for child in &mut cell.children {
        if let TableCellContent::Paragraph(p) = child {
            break_in(&mut p.children, half_points, longest);
        }
    }
}

fn break_in(children: &mut [ParagraphChild], half_points: usize, longest: usize) {
    for child in children {
        match child {
            ParagraphChild::Run(run) => {
                let (size, mono) = run_font(run, half_points);
                let bold = run.run_property.bold.is_some();
                for c in &mut run.children {
                    if let RunChild::Text(t) = c {
                        t.text = breakable(&t.text, size, mono, bold, longest);
                    }
                }
            }
            ParagraphChild::Hyperlink(h) => break_in(&mut h.children, half_points, longest),
            _ => {}
        }
    }
}

/// `escaped` (docx-rs's escaped text) with [`ZWSP`]s in each word wider
/// than `longest` (see [`break_long_words`]), and the hyphens inside every
/// other word made non-breaking, so "2027-01-06" and "Sør-Øst" are not
/// broken at a hyphen either.
fn breakable(escaped: &str, half_points: usize, mono: bool, bold: bool, longest: usize) -> String {
    const SEPARATORS: [char; 8] = ['/', '?', '&', '=', '#', '.', '-', '_'];
    let glyph = |c: char| Glyph {
        c,
        half_points,
        mono,
        bold,
    };
    let mut out = String::with_capacity(escaped.len() + 8);
    let mut word: Vec<(char, &str)> = Vec::new();
    let flush = |word: &mut Vec<(char, &str)>, out: &mut String| {
        let glyphs: Vec<Glyph> = word.iter().map(|&(c, _)| glyph(c)).collect();
        let wide = glyphs_width(&glyphs, false) > longest;
        // A checksum reads in groups of 16.
        let hex = word.iter().all(|(c, _)| c.is_ascii_hexdigit());
        let mut piece = 0;
        for (i, &(c, s)) in word.iter().enumerate() {
            let inner = i > 0 && i + 1 < word.len();
            if !wide && inner && c == '-' {
                out.push(NB_HYPHEN);
                continue;
            }
            out.push_str(s);
            piece += 1;
            // After a run of separators ("https://"), not inside it.
            let next = word.get(i + 1).map(|&(c, _)| c);
            let separator = SEPARATORS.contains(&c) && next.is_some_and(|n| !SEPARATORS.contains(&n));
            if wide && next.is_some() && (separator || (hex && piece == 16)) {
                out.push(ZWSP);
                piece = 0;
            }
        }
        word.clear();
    };
    for (c, s) in decoded(escaped) {
        if is_break(c) {
            flush(&mut word, &mut out);
            out.push_str(s);
        } else {
            word.push((c, s));
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A soft hyphen: a break opportunity that shows a hyphen when taken.
pub(crate) const SOFT_HYPHEN: char = '\u{ad}';

/// Breaks every word of `cell` wider than `inner` twips (in the fallback
/// fonts when `wide`, else Calibri) into pieces that fit: a soft hyphen
/// between two letters, else a [`ZWSP`].
pub(crate) fn fit_words(cell: &mut TableCell, half_points: usize, inner: usize, wide: bool) {
    for child in &mut cell.children {
        if let TableCellContent::Paragraph(p) = child {
            fit_in(&mut p.children, half_points, inner, wide);
        }
    }
}

fn fit_in(children: &mut [ParagraphChild], half_points: usize, inner: usize, wide: bool) {
    for child in children {
        match child {
            ParagraphChild::Run(run) => {
                let (size, mono) = run_font(run, half_points);
                let bold = run.run_property.bold.is_some();
                let glyph = |c: char| Glyph {
                    c,
                    half_points: size,
                    mono,
                    bold,
                };
                for c in &mut run.children {
                    if let RunChild::Text(t) = c {
                        t.text = fit(&t.text, &glyph, inner, wide);
                    }
                }
            }
            ParagraphChild::Hyperlink(h) => fit_in(&mut h.children, half_points, inner, wide),
            _ => {}
        }
    }
}

/// `escaped` with break opportunities in each word wider than `inner`.
fn fit(escaped: &str, glyph: &dyn Fn(char) -> Glyph, inner: usize, wide: bool) -> String {
    let units = decoded(escaped);
    let mut out = String::with_capacity(escaped.len() + 8);
    let mut start = 0;
    while start < units.len() {
        let end = (start..units.len())
            .find(|&i| is_break(units[i].0))
            .unwrap_or(units.len());
        let word = &units[start..end];
        let glyphs: Vec<Glyph> = word.iter().map(|&(c, _)| glyph(c)).collect();
        if glyphs_width(&glyphs, wide) <= inner {
            word.iter().for_each(|(_, s)| out.push_str(s));
        } else {
            // Room for the hyphen shown at the end of the line.
            let limit = inner as f64 * 0.9;
            let mut piece = 0.0;
            for (i, &(c, s)) in word.iter().enumerate() {
                let w = glyph_width(&glyph(c), wide);
                if i > 0 && piece + w > limit {
                    let letters = word[i - 1].0.is_alphabetic() && c.is_alphabetic();
                    out.push(if letters { SOFT_HYPHEN } else { ZWSP });
                    piece = 0.0;
                }
                piece += w;
                out.push_str(s);
            }
        }
        if let Some(&(_, s)) = units.get(end) {
            out.push_str(s);
        }
        start = end + 1;
    }
    out
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
        let widths = column_widths(&columns, &[], &[], 8504, 18).0;
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
        let plain = column_widths(&[Column::new("A", 100), Column::new("B", 9000)], &[], &[], 8504, 18).0;
        let kept = column_widths(
            &[Column::new("A", 100).keep(["Pasientsikkerhet"]), Column::new("B", 9000)],
            &[],
            &[],
            8504,
            18,
        )
        .0;
        assert!(kept[0] > plain[0]);
        assert!(kept[0] >= text_width("Pasientsikkerhet", 18, WIDE_REGULAR));
    }

    #[test]
    fn too_many_columns_fall_back_to_their_minimums() {
        let columns: Vec<Column> = (0..30).map(|_| Column::new("Etterlevelse", 100)).collect();
        let widths = column_widths(&columns, &[], &[], 8504, 18).0;
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

    fn text_cell(text: &str) -> TableCell {
        TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(text)))
    }

    /// The widths `table` gives these columns for these rows.
    fn grid(columns: &[Column], rows: Vec<Vec<TableCell>>, half_points: usize) -> Vec<usize> {
        let xml = String::from_utf8(
            table(columns, rows, 8504, half_points, |h| {
                Paragraph::new().add_run(Run::new().add_text(h))
            })
            .build(),
        )
        .expect("utf-8");
        xml.split("<w:gridCol w:w=\"")
            .skip(1)
            .filter_map(|c| c.split('"').next()?.parse().ok())
            .collect()
    }

    /// The body decides: a column of short headers holding long words is
    /// as wide as its widest word (which the old widths, from headers and
    /// named words only, ignored: "Tannlegeforenin gen").
    #[test]
    fn every_body_word_fits_its_column() {
        let columns = [
            Column::new("Org.", 10),
            Column::new("Rolle", 10),
            Column::new("Frist", 10),
            Column::new("Merknad", 70),
        ];
        let rows = vec![vec![
            text_cell("Den norske Tannlegeforeningen"),
            text_cell("Pasientsikkerhet"),
            text_cell("2027-01-06"),
            text_cell(&"lang tekst ".repeat(40)),
        ]];
        let widths = grid(&columns, rows, 22);
        assert_eq!(widths.iter().sum::<usize>(), 8504);
        for (w, word) in widths
            .iter()
            .zip(["Tannlegeforeningen", "Pasientsikkerhet", "2027-01-06"])
        {
            let needed = text_width(word, 22, WIDE_REGULAR) + 2 * CELL_MARGIN;
            assert!(*w >= needed, "{word}: {w} < {needed} ({widths:?})");
        }
    }

    /// A link and a checksum get break opportunities; their column is no
    /// wider than it needs, and the one beside it gets the room.
    #[test]
    fn links_and_checksums_may_break_and_nothing_else() {
        let url = "https://intranett.example.no/avvik/rutiner/tilgangsstyring?vis=alle&sort=dato";
        let hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let mut cell = TableCell::new().add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text("Pasientsikkerhet "))
                .add_run(Run::new().add_text(url)),
        );
        break_long_words(&mut cell, 18, 8504 / 3);
        let text: String = lines(&cell, 18).concat().iter().map(|g| g.c).collect();
        assert_eq!(text.replace(ZWSP, ""), format!("Pasientsikkerhet {url}"));
        assert!(text.starts_with("Pasientsikkerhet https://\u{200b}intranett"), "{text}");
        assert!(text.contains("example.\u{200b}no/\u{200b}avvik"), "{text}");
        // The escaped ampersand stays one entity.
        let xml = String::from_utf8(cell.build()).expect("utf-8");
        assert!(xml.contains("alle&amp;\u{200b}sort"), "{xml}");

        let mut cell = TableCell::new().add_paragraph(
            Paragraph::new().add_run(
                Run::new()
                    .add_text(hash)
                    .size(16)
                    .fonts(docx_rs::RunFonts::new().ascii("Consolas")),
            ),
        );
        break_long_words(&mut cell, 18, 8504 / 3);
        let text: String = lines(&cell, 18).concat().iter().map(|g| g.c).collect();
        let groups: Vec<&str> = text.split(ZWSP).collect();
        assert_eq!(groups, [&hash[..16], &hash[16..32], &hash[32..48], &hash[48..]]);
        // Monospaced at 8 pt: 16 characters of 0.602 em.
        let c = content(&cell, 18, true, 2834);
        assert!((1500..1700).contains(&c.min), "{c:?}");

        let widths = grid(
            &[Column::new("SHA-256", 50), Column::new("Lenke", 50)],
            vec![
                vec![text_cell("–"), text_cell(url)],
                vec![text_cell("–"), text_cell(url)],
            ],
            18,
        );
        assert!(widths[0] < 1500 && widths[1] > 7000, "{widths:?}");
    }

    /// Short words and dates are never given break opportunities, and
    /// lose the one a hyphen gives.
    #[test]
    fn short_words_are_left_alone() {
        for text in [
            "Tannlegeforeningen",
            "https://a.no/b",
            "- punkt",
            "A -",
            "Til stede fra 11:30",
        ] {
            assert_eq!(breakable(text, 22, false, false, 2834), text);
        }
        for (text, kept) in [
            ("2027-01-06", "2027\u{2011}01\u{2011}06"),
            ("Helse Sør-Øst RHF", "Helse Sør\u{2011}Øst RHF"),
        ] {
            assert_eq!(breakable(text, 22, false, false, 2834), kept);
        }
    }

    /// Body text widens a column only as far as the text width allows,
    /// never below a column's minimum.
    #[test]
    fn long_lines_share_what_is_left() {
        let columns = [Column::new("A", 50), Column::new("B", 50)];
        let body = [Content { min: 500, max: 20000 }, Content { min: 1500, max: 4000 }];
        let widths = column_widths(&columns, &body, &body, 8504, 18).0;
        assert_eq!(widths.iter().sum::<usize>(), 8504);
        assert!(widths[1] >= 1500 + 2 * CELL_MARGIN, "{widths:?}");
        assert!(widths[0] > widths[1], "{widths:?}");
    }
}
