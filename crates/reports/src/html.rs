//! The catalogue as one printable HTML page: title block, table of contents
//! with anchors, h1–h3 for the tree, a block per requirement. Everything
//! from the catalogue is escaped; there are no scripts and no external
//! resources.

use std::fmt::Write as _;

use etterlev_catalog::{Catalog, Node, Reference};

use crate::Lang;
use crate::view::{Effective, View, heading_level, paragraphs};

const CSS: &str = "\
:root { color-scheme: light; }
body { font-family: 'Source Sans 3', 'Segoe UI', Calibri, Arial, sans-serif; line-height: 1.45; color: #111;
  max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
.title-page { margin-bottom: 3rem; }
.title-page .title { font-size: 2.2rem; font-weight: 700; margin: 0 0 .25rem; }
.title-page .version { font-size: 1.3rem; margin: 0 0 1.5rem; color: #333; }
.title-page .status { border-left: 4px solid #1f3864; padding: .5rem .75rem; background: #f3f5f9; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
nav.toc .toc-title { font-size: 1.4rem; font-weight: 700; }
nav.toc ol { list-style: none; padding-left: 1.2rem; margin: .1rem 0; }
nav.toc > ol { padding-left: 0; }
h1, h2, h3 { color: #1f3864; line-height: 1.2; }
h1 { font-size: 1.7rem; margin-top: 2.5rem; }
h2 { font-size: 1.35rem; margin-top: 2rem; }
h3 { font-size: 1.15rem; margin-top: 1.5rem; }
.node { margin: 1.2rem 0; padding-left: .75rem; border-left: 3px solid #c9d1e0; }
.node-title { font-weight: 700; margin: 0; }
.meta { color: #555; font-size: .92em; margin: .1rem 0 .4rem; }
.unverified { color: #a00000; font-style: italic; }
.applies, .question, .related { font-size: .95em; }
.label { font-weight: 600; }
ul.refs { margin: .2rem 0; padding-left: 1.2rem; font-size: .95em; }
a { color: #0b5cad; overflow-wrap: anywhere; }
@page { size: A4; margin: 18mm 16mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  .title-page, nav.toc { break-after: page; }
  h1 { break-before: page; }
  h1, h2, h3, .node-title { break-after: avoid; }
  .node { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
";

/// The catalogue as a self-contained printable HTML page, generated today.
pub fn catalog_html(catalog: &Catalog, lang: Lang) -> String {
    catalog_html_on(catalog, lang, crate::today())
}

/// [`catalog_html`] with the "generated" date given.
pub fn catalog_html_on(catalog: &Catalog, lang: Lang, generated: jiff::civil::Date) -> String {
    let v = View::new(catalog, lang);
    let l = v.labels;
    let tree = catalog.tree_order();
    let mut out = String::with_capacity(16 * 1024);
    let title = v.text(&catalog.title);

    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"etterlev\">\n<title>{} {} {}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        lang.as_str(),
        esc(title),
        esc(&l.version.to_lowercase()),
        esc(&catalog.version),
    );

    // Title block.
    out.push_str("<header class=\"title-page\">\n");
    let _ = writeln!(out, "<p class=\"title\">{}</p>", esc(title));
    let _ = writeln!(
        out,
        "<p class=\"version\">{} {}</p>",
        esc(l.version),
        esc(&catalog.version)
    );
    let _ = writeln!(out, "<p class=\"status\">{}</p>", esc(l.status_note(catalog.status)));
    if let Some(code) = catalog.source_language() {
        let _ = writeln!(
            out,
            "<p class=\"status source-language\">{}</p>",
            esc(&crate::labels::source_language_note(v.lang, code))
        );
    }
    out.push_str("<dl class=\"facts\">\n");
    fact(&mut out, l.publisher, &esc(&catalog.publisher));
    fact(&mut out, l.source_date, &esc(&catalog.date));
    if let Some(checked) = &catalog.last_source_check {
        fact(&mut out, l.last_source_check, &esc(checked));
    }
    let assessable = catalog.assessable().count();
    let unverified = catalog.nodes.iter().filter(|n| !n.verified).count();
    fact(&mut out, l.counts_assessable, &assessable.to_string());
    fact(&mut out, l.counts_unverified, &unverified.to_string());
    fact(&mut out, l.numbering, &esc(v.numbering_text()));
    fact(&mut out, l.generated, &generated.to_string());
    out.push_str("</dl>\n");
    if let Some(description) = &catalog.description {
        text_paragraphs(&mut out, v.text(description), "description");
    }
    let _ = writeln!(out, "<p class=\"label\">{}</p>", esc(l.sources));
    references(&mut out, &catalog.source);
    out.push_str("</header>\n");

    // Table of contents: the headings, nested by level.
    let _ = writeln!(out, "<nav class=\"toc\" aria-label=\"{}\">", esc(l.contents));
    let _ = writeln!(out, "<p class=\"toc-title\">{}</p>", esc(l.contents));
    let mut open = 0usize;
    for (depth, node) in tree.iter().filter(|(_, n)| n.kind.is_structural()) {
        let level = heading_level(*depth);
        if level > open {
            for _ in open..level {
                out.push_str("<ol>\n");
            }
        } else {
            out.push_str("</li>\n");
            for _ in level..open {
                out.push_str("</ol>\n</li>\n");
            }
        }
        open = level;
        let _ = write!(
            out,
            "<li><a href=\"#{}\">{}</a>",
            anchor(node),
            esc(&v.heading_text(node))
        );
    }
    if open > 0 {
        out.push_str("</li>\n");
        for i in 0..open {
            out.push_str(if i + 1 == open { "</ol>\n" } else { "</ol>\n</li>\n" });
        }
    }
    out.push_str("</nav>\n<main>\n");

    for (depth, node) in &tree {
        if node.kind.is_structural() {
            structural(&mut out, &v, node, heading_level(*depth));
        } else {
            block(&mut out, &v, node);
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn structural(out: &mut String, v: &View<'_>, node: &Node, level: usize) {
    let _ = writeln!(
        out,
        "<h{level} id=\"{}\">{}</h{level}>",
        anchor(node),
        esc(&v.heading_text(node))
    );
    if v.number_is_ours(node) {
        let _ = writeln!(out, "<p class=\"meta number-ours\">{}</p>", esc(v.labels.number_ours));
    }
    if !node.verified {
        let _ = writeln!(out, "<p class=\"meta unverified\">{}</p>", esc(v.labels.unverified));
    }
    if let Some(text) = &node.text {
        text_paragraphs(out, v.text(text), "text");
    }
    if let Some(own) = v.own(node) {
        applies(out, v, &own);
    }
    if !node.references.is_empty() {
        references(out, &node.references);
    }
}

fn block(out: &mut String, v: &View<'_>, node: &Node) {
    let l = v.labels;
    let _ = writeln!(
        out,
        "<section class=\"node {}\" id=\"{}\">",
        node.kind.as_str(),
        anchor(node)
    );
    let _ = writeln!(out, "<p class=\"node-title\">{}</p>", esc(&v.block_title(node)));
    let _ = write!(out, "<p class=\"meta\">{}", esc(&v.kind_line(node)));
    if !node.verified {
        let _ = write!(out, " · <span class=\"unverified\">{}</span>", esc(l.unverified));
    }
    out.push_str("</p>\n");
    if let Some(text) = &node.text {
        text_paragraphs(out, v.text(text), "text");
    }
    applies(out, v, &v.effective(node));
    if let Some(q) = &node.question {
        let text = q.text();
        let _ = writeln!(
            out,
            "<p class=\"question\"><span class=\"label\">{}:</span> {}</p>",
            esc(l.question),
            esc(v.text(&text))
        );
    }
    if !node.related.is_empty() {
        let links: Vec<String> = node
            .related
            .iter()
            .map(|id| match v.catalog.node(id) {
                Some(n) => format!("<a href=\"#{}\">{}</a>", anchor(n), esc(n.label())),
                None => esc(id),
            })
            .collect();
        let _ = writeln!(
            out,
            "<p class=\"related\"><span class=\"label\">{}:</span> {}</p>",
            esc(l.see_also),
            links.join(", ")
        );
    }
    if !node.references.is_empty() {
        let _ = writeln!(out, "<p class=\"label\">{}</p>", esc(l.references));
        references(out, &node.references);
    }
    out.push_str("</section>\n");
}

fn applies(out: &mut String, v: &View<'_>, e: &Effective<'_>) {
    let parts: Vec<String> = v
        .applicability_words(e)
        .into_iter()
        .map(|(label, value)| format!("<span class=\"label\">{}:</span> {}", esc(label), esc(&value)))
        .collect();
    let _ = writeln!(out, "<p class=\"applies\">{}</p>", parts.join(" · "));
}

fn references(out: &mut String, refs: &[Reference]) {
    out.push_str("<ul class=\"refs\">\n");
    for r in refs {
        let _ = write!(out, "<li>{}", esc(&r.citation()));
        if let Some(url) = &r.url {
            // The schema only lets http(s) URLs through; check again so a
            // file that skipped validation cannot smuggle in javascript:.
            if url.starts_with("https://") || url.starts_with("http://") {
                let _ = write!(out, " — <a href=\"{0}\">{0}</a>", esc(url));
            } else {
                let _ = write!(out, " — {}", esc(url));
            }
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
}

fn fact(out: &mut String, label: &str, value_html: &str) {
    let _ = writeln!(out, "<dt>{}</dt><dd>{value_html}</dd>", esc(label));
}

fn text_paragraphs(out: &mut String, text: &str, class: &str) {
    for lines in paragraphs(text) {
        let escaped: Vec<String> = lines.iter().map(|l| esc(l)).collect();
        let _ = writeln!(out, "<p class=\"{class}\">{}</p>", escaped.join("<br>\n"));
    }
}

/// The id attribute for a node: "n-" and the node id with anything outside
/// `[A-Za-z0-9._-]` replaced, so it is always a safe fragment.
fn anchor(node: &Node) -> String {
    let safe: String = node
        .id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("n-{safe}")
}

pub(crate) use etterlev_core::text::html_escape as esc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }
}
