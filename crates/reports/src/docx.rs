//! The full catalogue document ("fulldokumentet") in Word format.
//!
//! Layout: a title page; a table-of-contents *field* (`TOC \o "1-3" \h`)
//! whose result is already filled in with the headings, each linked to a
//! `_Toc` bookmark on its heading, so readers that never update fields
//! (LibreOffice, Word's protected view, converters) show the contents; the
//! field is marked dirty, with `updateFields` set in the settings, so Word
//! (and LibreOffice on "Update all") rebuilds it with page numbers. Then the
//! tree with the built-in Heading 1–3 styles, defined with outline levels so
//! the navigation pane and the TOC work; each requirement, recommendation
//! and guidance node as a block of ordinary paragraphs. Header: catalogue
//! title and version; footer: "Page N of M". The title page has neither.
//!
//! docx-rs cannot set `updateFields`, the text language or the core title,
//! and stores parts uncompressed; the built package parts are patched and
//! the archive deflated before it is returned.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, FieldCharType, Footer, Header, Hyperlink, HyperlinkType, InstrPAGEREF, InstrText,
    InstrToC, LineSpacing, NumPages, PageNum, Paragraph, Run, RunFonts, Style, StyleType, Tab, TabValueType,
};
use etterlev_catalog::{Catalog, Node, Reference};

use crate::labels::Labels;
use crate::view::{Effective, View, heading_level, paragraphs};
use crate::{Lang, ReportError};

pub(crate) const BLUE: &str = "1F3864";
pub(crate) const GREY: &str = "595959";
/// Width of the text column in twips: docx-rs's default page, A4 (11906)
/// less 1701 margins each side.
pub(crate) const TEXT_WIDTH: usize = 11906 - 2 * 1701;

/// The catalogue as a `.docx`, generated today.
pub fn catalog_docx(catalog: &Catalog, lang: Lang) -> Result<Vec<u8>, ReportError> {
    catalog_docx_on(catalog, lang, crate::today())
}

/// [`catalog_docx`] with the "generated" date given.
pub fn catalog_docx_on(catalog: &Catalog, lang: Lang, generated: jiff::civil::Date) -> Result<Vec<u8>, ReportError> {
    let v = View::new(catalog, lang);
    let l = v.labels;
    let title = v.text(&catalog.title);
    let running_title = format!("{title} · {} {}", l.version.to_lowercase(), catalog.version);

    let mut docx = page_setup(styles(Docx::new()), generated, &running_title, l)
        .first_header(Header::new())
        .first_footer(Footer::new())
        .title_pg();

    // Title page.
    docx = docx
        .add_paragraph(Paragraph::new().style("DocTitle").add_run(Run::new().add_text(title)))
        .add_paragraph(
            Paragraph::new()
                .style("DocSubtitle")
                .add_run(Run::new().add_text(format!("{} {}", l.version, catalog.version))),
        )
        .add_paragraph(
            Paragraph::new().add_run(Run::new().add_text(l.status_note(catalog.status)).italic().color(BLUE)),
        );
    if let Some(code) = catalog.source_language() {
        docx = docx.add_paragraph(
            Paragraph::new().add_run(
                Run::new()
                    .add_text(crate::labels::source_language_note(lang, code))
                    .italic()
                    .color(BLUE),
            ),
        );
    }
    let assessable = catalog.assessable().count();
    let unverified = catalog.nodes.iter().filter(|n| !n.verified).count();
    let mut facts = vec![
        (l.publisher, catalog.publisher.clone()),
        (l.source_date, catalog.date.clone()),
    ];
    if let Some(checked) = &catalog.last_source_check {
        facts.push((l.last_source_check, checked.clone()));
    }
    facts.push((l.counts_assessable, assessable.to_string()));
    facts.push((l.counts_unverified, unverified.to_string()));
    facts.push((l.numbering, v.numbering_text().to_owned()));
    facts.push((l.generated, generated.to_string()));
    for (label, value) in facts {
        docx = docx.add_paragraph(labelled(label, &value));
    }
    if let Some(description) = &catalog.description {
        for p in text_paragraphs(v.text(description)) {
            docx = docx.add_paragraph(p);
        }
    }
    docx = docx.add_paragraph(
        Paragraph::new()
            .keep_next(true)
            .add_run(Run::new().add_text(l.sources).bold()),
    );
    for p in references(&catalog.source) {
        docx = docx.add_paragraph(p);
    }

    // Table of contents, on its own page: a TOC field whose result is
    // already filled in with one entry per heading (see `toc`).
    let tree = catalog.tree_order();
    let entries: Vec<TocEntry> = tree
        .iter()
        .filter(|(_, node)| node.kind.is_structural())
        .enumerate()
        .map(|(i, &(depth, node))| TocEntry {
            level: heading_level(depth),
            text: v.heading_text(node),
            bookmark: toc_bookmark(i),
        })
        .collect();
    docx = docx
        .add_paragraph(
            Paragraph::new()
                .style("TOCHeading")
                .page_break_before(true)
                .add_run(Run::new().add_text(l.contents)),
        )
        .add_paragraph(
            Paragraph::new()
                .style("Meta")
                .add_run(Run::new().add_text(l.toc_note).italic()),
        );
    for p in toc(&entries) {
        docx = docx.add_paragraph(p);
    }

    // The tree. Every top-level heading starts a page; the first one also
    // ends the table of contents page. Each heading carries the bookmark its
    // contents entry links to.
    let mut next = 0;
    for (_, node) in tree {
        if node.kind.is_structural()
            && let Some(entry) = entries.get(next)
        {
            next += 1;
            docx = docx.add_paragraph(
                Paragraph::new()
                    .style(&format!("Heading{}", entry.level))
                    // As in the style; on the paragraph too for readers
                    // that ignore style paragraph properties.
                    .keep_next(true)
                    .keep_lines(true)
                    .page_break_before(entry.level == 1)
                    .add_bookmark_start(next, &entry.bookmark)
                    .add_run(Run::new().add_text(&entry.text))
                    .add_bookmark_end(next),
            );
            for p in structural(&v, node) {
                docx = docx.add_paragraph(p);
            }
        } else {
            for p in block(&v, node) {
                docx = docx.add_paragraph(p);
            }
        }
    }

    let mut xml = docx.build();
    xml.settings = update_fields(&xml.settings);
    xml.styles = default_language(&xml.styles, lang);
    xml.doc_props.core = core_props(&xml.doc_props.core, &running_title);
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| ReportError::Docx(e.to_string()))?;
    deflate(&out.into_inner()).map_err(|e| ReportError::Docx(e.to_string()))
}

/// docx-rs stores every part uncompressed, which makes a catalogue like
/// Normen about ten times larger than it needs to be; this writes the same
/// parts, in the same order, deflated (and without directory entries, which
/// OOXML packages do not use).
pub(crate) fn deflate(stored: &[u8]) -> Result<Vec<u8>, std::io::Error> {
    use std::io::{Read, Write};
    use zip::write::SimpleFileOptions;

    let mut archive = zip::ZipArchive::new(Cursor::new(stored))?;
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(stored.len() / 4)));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut buffer = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i)?;
        if file.is_dir() {
            continue;
        }
        let name = file.name()?.into_owned();
        buffer.clear();
        file.read_to_end(&mut buffer)?;
        writer.start_file(name, options)?;
        writer.write_all(&buffer)?;
    }
    Ok(writer.finish()?.into_inner())
}

/// A heading as listed in the table of contents.
struct TocEntry {
    level: usize,
    text: String,
    bookmark: String,
}

/// The bookmark on the `i`th heading (0-based). Names starting with `_Toc`
/// are the ones Word itself gives headings in a TOC: hidden in the bookmark
/// list, and reused when the field is updated.
fn toc_bookmark(i: usize) -> String {
    format!("_Toc{:08}", i + 1)
}

/// The TOC field (`TOC \o "1-3" \h`) with its result already filled in, so
/// the contents show in readers that do not update fields (LibreOffice,
/// Word's protected view, converters): one paragraph per heading in the
/// TOC 1–3 style, a hyperlink to the heading's bookmark holding the heading
/// text, a tab and a `PAGEREF` field with no cached number (it has
/// none to give before layout). The field stays dirty, so Word rebuilds
/// it, with page numbers, when it updates fields.
fn toc(entries: &[TocEntry]) -> Vec<Paragraph> {
    let begin = Run::new()
        .add_field_char(FieldCharType::Begin, true)
        .add_instr_text(InstrText::TOC(InstrToC::new().heading_styles_range(1, 3).hyperlink()))
        .add_field_char(FieldCharType::Separate, false);
    let end = || Run::new().add_field_char(FieldCharType::End, false);
    if entries.is_empty() {
        return vec![Paragraph::new().add_run(begin).add_run(end())];
    }
    let last = entries.len() - 1;
    let mut begin = Some(begin);
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let mut p = Paragraph::new().style(&format!("TOC{}", entry.level));
            if let Some(begin) = begin.take() {
                p = p.add_run(begin);
            }
            p = p.add_hyperlink(
                Hyperlink::new(&entry.bookmark, HyperlinkType::Anchor)
                    .add_run(Run::new().add_text(&entry.text))
                    .add_run(Run::new().add_tab())
                    .add_run(
                        Run::new()
                            .add_field_char(FieldCharType::Begin, false)
                            .add_instr_text(InstrText::PAGEREF(InstrPAGEREF::new(&entry.bookmark).hyperlink()))
                            .add_field_char(FieldCharType::Separate, false)
                            .add_field_char(FieldCharType::End, false),
                    ),
            );
            if i == last {
                p = p.add_run(end());
            }
            p
        })
        .collect()
}

/// What every document shares: default font and spacing, the generated date
/// as creation and change time, the running title in the header and
/// "page N of M" in the footer.
pub(crate) fn page_setup(docx: Docx, generated: jiff::civil::Date, running_title: &str, l: &Labels) -> Docx {
    let at = format!("{generated}T00:00:00Z");
    docx.default_fonts(
        RunFonts::new()
            .ascii("Calibri")
            .hi_ansi("Calibri")
            .east_asia("Calibri")
            .cs("Calibri"),
    )
    .default_size(22)
    .default_line_spacing(LineSpacing::new().after(120))
    .created_at(&at)
    .updated_at(&at)
    .header(
        Header::new().add_paragraph(
            Paragraph::new()
                .style("Meta")
                .align(AlignmentType::Right)
                .add_run(Run::new().add_text(running_title)),
        ),
    )
    .footer(
        Footer::new().add_paragraph(
            Paragraph::new()
                .style("Meta")
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(format!("{} ", l.page)))
                .add_page_num(PageNum::new())
                .add_run(Run::new().add_text(format!(" {} ", l.page_of)))
                .add_num_pages(NumPages::new()),
        ),
    )
}

pub(crate) fn styles(docx: Docx) -> Docx {
    let heading = |level: usize, size: usize, before: u32| {
        let mut s = Style::new(format!("Heading{level}"), StyleType::Paragraph)
            .name(format!("heading {level}"))
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .ui_priority(9)
            .outline_lvl(level - 1)
            .size(size)
            .bold()
            .color(BLUE)
            .line_spacing(LineSpacing::new().before(before).after(120));
        s.paragraph_property = s.paragraph_property.keep_next(true).keep_lines(true);
        s
    };
    docx.add_style(heading(1, 32, 0))
        .add_style(heading(2, 26, 360))
        .add_style(heading(3, 24, 240))
        .add_style(
            Style::new("DocTitle", StyleType::Paragraph)
                .name("Document Title")
                .based_on("Normal")
                .next("Normal")
                .size(52)
                .bold()
                .color(BLUE)
                .line_spacing(LineSpacing::new().before(2400).after(240)),
        )
        .add_style(
            Style::new("DocSubtitle", StyleType::Paragraph)
                .name("Document Subtitle")
                .based_on("Normal")
                .next("Normal")
                .size(32)
                .color(GREY)
                .line_spacing(LineSpacing::new().after(480)),
        )
        .add_style(
            Style::new("TOCHeading", StyleType::Paragraph)
                .name("TOC Heading")
                .based_on("Normal")
                .next("Normal")
                .size(32)
                .bold()
                .color(BLUE)
                .line_spacing(LineSpacing::new().after(240)),
        )
        .add_style(toc_style(1))
        .add_style(toc_style(2))
        .add_style(toc_style(3))
        .add_style(
            Style::new("Meta", StyleType::Paragraph)
                .name("Meta")
                .based_on("Normal")
                .size(18)
                .color(GREY)
                .line_spacing(LineSpacing::new().after(60)),
        )
        .add_style(
            Style::new("Hyperlink", StyleType::Character)
                .name("Hyperlink")
                .color("0563C1")
                .underline("single"),
        )
}

/// Word's built-in "toc N" styles (which LibreOffice reads as "Contents N"):
/// indented by level, page numbers at a right tab on the margin; chapters
/// bold with some space above. No dot leader: until the field is updated
/// there are no numbers for dots to lead to, and Word puts its own dotted
/// tab on every entry when it rebuilds the list.
fn toc_style(level: usize) -> Style {
    let mut s = Style::new(format!("TOC{level}"), StyleType::Paragraph)
        .name(format!("toc {level}"))
        .based_on("Normal")
        .next("Normal")
        .ui_priority(39)
        .indent(Some(220 * (level as i32 - 1)), None, None, None)
        .line_spacing(LineSpacing::new().before(if level == 1 { 120 } else { 0 }).after(40));
    if level == 1 {
        s = s.bold();
    }
    s.paragraph_property = s
        .paragraph_property
        .add_tab(Tab::new().val(TabValueType::Right).pos(TEXT_WIDTH));
    s
}

fn structural(v: &View<'_>, node: &Node) -> Vec<Paragraph> {
    let mut out = Vec::new();
    if v.number_is_ours(node) {
        out.push(
            Paragraph::new()
                .style("Meta")
                .add_run(Run::new().add_text(v.labels.number_ours)),
        );
    }
    if !node.verified {
        out.push(Paragraph::new().style("Meta").add_run(unverified_run(v)));
    }
    if let Some(text) = &node.text {
        out.extend(text_paragraphs(v.text(text)));
    }
    if let Some(own) = v.own(node) {
        out.push(applies(v, &own));
    }
    out.extend(references(&node.references));
    out
}

fn block(v: &View<'_>, node: &Node) -> Vec<Paragraph> {
    let l = v.labels;
    let mut out = vec![
        Paragraph::new()
            .keep_next(true)
            .line_spacing(LineSpacing::new().before(240).after(0))
            .add_run(Run::new().add_text(v.block_title(node)).bold()),
    ];
    let mut kind = Paragraph::new()
        .style("Meta")
        .keep_next(true)
        .add_run(Run::new().add_text(v.kind_line(node)));
    if !node.verified {
        kind = kind.add_run(Run::new().add_text(" · ")).add_run(unverified_run(v));
    }
    out.push(kind);
    if let Some(text) = &node.text {
        out.extend(text_paragraphs(v.text(text)));
    }
    out.push(applies(v, &v.effective(node)));
    if let Some(q) = &node.question {
        out.push(labelled(l.question, v.text(&q.text())));
    }
    if !node.related.is_empty() {
        let related: Vec<&str> = node
            .related
            .iter()
            .map(|id| v.catalog.node(id).map_or(id.as_str(), |n| n.label()))
            .collect();
        out.push(labelled(l.see_also, &related.join(", ")));
    }
    if !node.references.is_empty() {
        out.push(
            Paragraph::new()
                .keep_next(true)
                .add_run(Run::new().add_text(format!("{}:", l.references)).bold()),
        );
        out.extend(references(&node.references));
    }
    out
}

fn unverified_run(v: &View<'_>) -> Run {
    Run::new().add_text(v.labels.unverified).italic().color("C00000")
}

fn applies(v: &View<'_>, e: &Effective<'_>) -> Paragraph {
    let mut p = Paragraph::new();
    for (i, (label, value)) in v.applicability_words(e).into_iter().enumerate() {
        if i > 0 {
            p = p.add_run(Run::new().add_text(" · "));
        }
        p = p
            .add_run(Run::new().add_text(format!("{label}: ")).bold())
            .add_run(Run::new().add_text(value));
    }
    p
}

pub(crate) fn labelled(label: &str, value: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(format!("{label}: ")).bold())
        .add_run(Run::new().add_text(value))
}

/// One paragraph per blank-line separated part; lines inside a part become
/// line breaks (docx-rs drops bare newlines from text).
fn text_paragraphs(text: &str) -> Vec<Paragraph> {
    paragraphs(text)
        .into_iter()
        .map(|lines| {
            let mut run = Run::new();
            for (i, line) in lines.into_iter().enumerate() {
                if i > 0 {
                    run = run.add_break(BreakType::TextWrapping);
                }
                run = run.add_text(line);
            }
            Paragraph::new().add_run(run)
        })
        .collect()
}

fn references(refs: &[Reference]) -> Vec<Paragraph> {
    refs.iter()
        .map(|r| {
            let mut p = Paragraph::new()
                .indent(Some(360), Some(docx_rs::SpecialIndentType::Hanging(240)), None, None)
                .line_spacing(LineSpacing::new().after(40))
                .add_run(Run::new().add_text(format!("– {}", r.citation())));
            if let Some(url) = &r.url {
                p = p.add_run(Run::new().add_text(" — "));
                p = if url.starts_with("https://") || url.starts_with("http://") {
                    p.add_hyperlink(
                        Hyperlink::new(url, HyperlinkType::External)
                            .add_run(Run::new().style("Hyperlink").add_text(url)),
                    )
                } else {
                    p.add_run(Run::new().add_text(url))
                };
            }
            p
        })
        .collect()
}

/// Adds `<w:updateFields w:val="true"/>` to `word/settings.xml`, which
/// docx-rs cannot set: Word then offers to update the TOC when the file
/// opens. The element goes before `<w:compat>`, where the schema puts it.
fn update_fields(settings: &[u8]) -> Vec<u8> {
    const ELEMENT: &str = "<w:updateFields w:val=\"true\" />";
    let Ok(xml) = std::str::from_utf8(settings) else {
        return settings.to_vec();
    };
    if xml.contains("<w:updateFields") {
        return settings.to_vec();
    }
    let at = xml
        .find("<w:compat>")
        .or_else(|| xml.find("<w:compat "))
        .or_else(|| xml.rfind("</w:settings>"));
    match at {
        Some(at) => format!("{}{ELEMENT}{}", &xml[..at], &xml[at..]).into_bytes(),
        None => settings.to_vec(),
    }
}

/// Sets the language of the text (spelling, hyphenation) in the default
/// run properties; docx-rs has no setter for `w:lang`.
pub(crate) fn default_language(styles: &[u8], lang: Lang) -> Vec<u8> {
    let tag = match lang {
        Lang::Nb => "nb-NO",
        Lang::En => "en-GB",
    };
    let Ok(xml) = std::str::from_utf8(styles) else {
        return styles.to_vec();
    };
    match xml.find("</w:rPr></w:rPrDefault>") {
        Some(at) if !xml[..at].contains("<w:lang ") => format!(
            "{}<w:lang w:val=\"{tag}\" w:eastAsia=\"{tag}\" />{}",
            &xml[..at],
            &xml[at..]
        )
        .into_bytes(),
        _ => styles.to_vec(),
    }
}

/// Sets the document title and the author ("etterlev") in the core
/// properties, which docx-rs leaves as "unknown".
pub(crate) fn core_props(core: &[u8], title: &str) -> Vec<u8> {
    let Ok(xml) = std::str::from_utf8(core) else {
        return core.to_vec();
    };
    let mut xml = xml
        .replace("<dc:creator>unknown</dc:creator>", "<dc:creator>etterlev</dc:creator>")
        .replace(
            "<cp:lastModifiedBy>unknown</cp:lastModifiedBy>",
            "<cp:lastModifiedBy>etterlev</cp:lastModifiedBy>",
        );
    if !xml.contains("<dc:title>")
        && let Some(at) = xml.rfind("</cp:coreProperties>")
    {
        xml.insert_str(at, &format!("<dc:title>{}</dc:title>", crate::html::esc(title)));
    }
    xml.into_bytes()
}
