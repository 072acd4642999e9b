//! Checks of `word/document.xml` that every Word document we write must
//! pass: headings keep with their text, tables have a fixed grid wide
//! enough for their headers, header rows repeat and rows do not split.
//! Also a rendering check: LibreOffice to PDF, then `pdftotext`.

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The elements `<tag>…</tag>` (or `<tag …>…</tag>`, not nested in each
/// other) in `xml`, outermost only for `w:tbl` (tables here are not
/// nested).
pub fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        // `<w:p` must not match `<w:pPr` or `<w:pStyle`.
        if !matches!(after.as_bytes().first(), Some(b'>' | b' ' | b'/')) {
            rest = after;
            continue;
        }
        let Some(end) = rest[at..].find(&close) else { break };
        out.push(&rest[at..at + end + close.len()]);
        rest = &rest[at + end + close.len()..];
    }
    out
}

/// The text of the `<w:t>` runs in `xml`.
pub fn texts(xml: &str) -> String {
    let mut out = String::new();
    for t in elements(xml, "w:t") {
        if let Some(start) = t.find('>') {
            out.push_str(&t[start + 1..t.len() - "</w:t>".len()]);
        }
    }
    out
}

fn attr_number(xml: &str, attr: &str) -> Option<usize> {
    let at = xml.find(&format!("{attr}=\""))? + attr.len() + 2;
    xml[at..].split('"').next()?.parse().ok()
}

/// Every heading paragraph keeps with the next and is not split; every
/// table has a fixed layout, a grid with one positive width per column,
/// a width on every cell matching the grid, a repeating header row whose
/// cells do not wrap and are at least `per_char` twips per character
/// (plus padding) wide, and rows that do not split. Returns the number of
/// headings and tables checked.
pub fn check_layout(document: &str, per_char: usize) -> (usize, usize) {
    let mut headings = 0;
    for p in elements(document, "w:p") {
        if p.contains(r#"<w:pStyle w:val="Heading"#) {
            headings += 1;
            let heading = texts(p);
            assert!(p.contains("<w:keepNext />"), "heading without keepNext: {heading}");
            assert!(p.contains("<w:keepLines />"), "heading without keepLines: {heading}");
        }
    }
    let tables = elements(document, "w:tbl");
    for table in &tables {
        assert!(
            table.contains(r#"<w:tblLayout w:type="fixed" />"#),
            "table without fixed layout: {}",
            texts(table)
        );
        let grid: Vec<usize> = elements(table, "w:tblGrid")
            .first()
            .map(|g| {
                g.split("<w:gridCol ")
                    .skip(1)
                    .map(|c| attr_number(c, "w:w").expect("gridCol width"))
                    .collect()
            })
            .unwrap_or_default();
        assert!(!grid.is_empty(), "table without grid: {}", texts(table));
        assert!(grid.iter().all(|&w| w > 0), "{grid:?}");
        let rows = elements(table, "w:tr");
        for (i, row) in rows.iter().enumerate() {
            assert!(row.contains("<w:cantSplit />"), "row {i} may split: {}", texts(row));
            let cells = elements(row, "w:tc");
            assert_eq!(cells.len(), grid.len(), "row {i}: {}", texts(row));
            for (cell, &width) in cells.iter().zip(&grid) {
                assert_eq!(
                    attr_number(cell.split("<w:tcW ").nth(1).unwrap_or(""), "w:w"),
                    Some(width)
                );
            }
        }
        let header = rows.first().expect("a header row");
        assert!(
            header.contains("<w:tblHeader />"),
            "header does not repeat: {}",
            texts(header)
        );
        for (cell, &width) in elements(header, "w:tc").iter().zip(&grid) {
            let name = texts(cell);
            assert!(cell.contains("<w:noWrap />"), "header {name} may wrap");
            let needed = 2 * 108 + name.chars().count() * per_char;
            assert!(width >= needed, "header {name:?}: column {width} twips, needs {needed}");
        }
    }
    (headings, tables.len())
}

/// The document rendered by LibreOffice to PDF and read back with
/// `pdftotext -layout`: one string per page. `None` (after saying so)
/// where either tool is missing outside CI.
pub fn rendered_pages(docx: &[u8], name: &str) -> Option<Vec<String>> {
    let soffice = super::libreoffice::soffice();
    let pdftotext = ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file());
    let (Some(soffice), Some(pdftotext)) = (soffice, pdftotext) else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!(
                "LibreOffice and pdftotext are required in CI: apt-get install libreoffice-writer-nogui poppler-utils"
            );
        }
        println!("SKIPPED: LibreOffice or pdftotext not installed");
        return None;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join(format!("{name}.docx"));
    std::fs::write(&input, docx).expect("write docx");
    let out = dir.path().join("out");
    let profile = dir.path().join("lo-profile");
    let status = Command::new(&soffice)
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .arg(&input)
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("start soffice");
    assert!(status.success(), "soffice failed: {status}");
    let pdf = out.join(format!("{name}.pdf"));
    let text = Command::new(pdftotext)
        .arg("-layout")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(text.status.success(), "pdftotext failed");
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    Some(
        text.split('\u{c}')
            .map(str::to_owned)
            .filter(|p| !p.trim().is_empty())
            .collect(),
    )
}

/// The words of the rendered text, split at whitespace: a header broken
/// inside a word shows up as two pieces, neither equal to the word.
pub fn words(pages: &[String]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|p| p.split_whitespace())
        .map(str::to_owned)
        .collect()
}

/// The last non-empty line of each page but the last, trimmed, with the
/// running footer ("Side 1 av 3") and header lines left out by `skip`.
pub fn page_ends(pages: &[String], skip: impl Fn(&str) -> bool) -> Vec<String> {
    let n = pages.len();
    pages
        .iter()
        .take(n.saturating_sub(1))
        .filter_map(|p| {
            p.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !skip(l))
                .last()
                .map(str::to_owned)
        })
        .collect()
}

/// The words of every table cell in `document` (`word/document.xml`),
/// paragraph by paragraph, split at white space. Words holding a
/// zero-width space or a soft hyphen are left out: those are the links,
/// checksums and overlong words the documents let break, at the places
/// marked.
pub fn table_words(document: &str) -> Vec<String> {
    let mut out = Vec::new();
    for cell in elements(document, "w:tc") {
        for p in elements(cell, "w:p") {
            let text = super::libreoffice::decode_entities(&texts(p));
            out.extend(
                text.split_whitespace()
                    .filter(|w| !w.contains(['\u{200b}', '\u{ad}']))
                    .map(normalise),
            );
        }
    }
    out
}

/// The same word as the PDF text has it: a non-breaking hyphen as a
/// hyphen, ligatures as their letters.
fn normalise(word: &str) -> String {
    word.replace('\u{2011}', "-")
        .replace('\u{fb01}', "fi")
        .replace('\u{fb02}', "fl")
        .replace('\u{fb00}', "ff")
}

/// Every word of every table cell of `document` stands whole in the
/// rendered `pages`, as often as the tables hold it (at least): a word
/// broken across two lines of its cell shows up as two pieces, neither
/// equal to it ("Gjeld" and "er", "2027-01-" and "06"). Returns the
/// number of words checked.
pub fn assert_table_words_whole(pages: &[String], document: &str, name: &str) -> usize {
    use std::collections::HashMap;
    let mut rendered: HashMap<String, usize> = HashMap::new();
    for w in words(pages) {
        *rendered.entry(normalise(&w)).or_default() += 1;
    }
    let mut wanted: HashMap<String, usize> = HashMap::new();
    let all = table_words(document);
    for w in &all {
        *wanted.entry(w.clone()).or_default() += 1;
    }
    let mut broken: Vec<String> = wanted
        .iter()
        .filter(|(w, n)| rendered.get(*w).copied().unwrap_or(0) < **n)
        .map(|(w, n)| {
            format!(
                "{w:?} ({n} in the tables, {} whole)",
                rendered.get(w).copied().unwrap_or(0)
            )
        })
        .collect();
    broken.sort();
    assert!(
        broken.is_empty(),
        "{name}: words broken in table cells: {}\n{}",
        broken.join(", "),
        pages.join("\n\u{c}\n")
    );
    all.len()
}
