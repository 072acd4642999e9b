//! Import of CISO Assistant libraries (YAML).
//!
//! A library holds one framework (some versions hold a list) whose
//! `requirement_nodes` form a tree through `parent_urn`. Each framework
//! becomes one draft catalogue: assessable nodes are requirements, the
//! others chapters (depth 1) or sections (deeper), or guidance when they sit
//! under a requirement. Texts in English fill both languages, so bokmål
//! screens show the English text rather than nothing; texts in another
//! language (French, German …) are kept as originals with their language
//! code, never as bokmål; nothing is verified.
//!
//! The catalogue id keeps the library's origin: the namespace of its urn
//! (the publisher, e.g. `intuitem`) and the framework's own name, as
//! `intuitem-gdpr` (see [`crate::ids`]).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::ids::{MAX_ID_CHARS, foreign_id};
use crate::load::{self, Diagnostic, MAX_FILE_BYTES};
use crate::model::{
    CATALOG_SCHEMA, Catalog, CatalogStatus, LocalText, Node, NodeKind, OrigText, Reference, ReferenceKind,
};
use crate::oscal::{sanitize_node_id, sanitize_version, unique_id};

/// The date given when a library has no valid `publication_date`.
pub const UNKNOWN_DATE: &str = "1970-01-01";

fn problem(file: &str, code: &'static str, message: String, hint: &str) -> Diagnostic {
    Diagnostic {
        file: file.to_owned(),
        line: None,
        code,
        message,
        hint: hint.to_owned(),
    }
}

/// A scalar as text: strings trimmed, numbers written out; blank is none.
fn scalar(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn field(object: &Map<String, Value>, key: &str) -> Option<String> {
    scalar(object.get(key))
}

/// The English translation of `key`, from `translations: {en: {key: …}}`.
fn english(object: &Map<String, Value>, key: &str) -> Option<String> {
    scalar(object.get("translations")?.get("en")?.get(key))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Locale {
    English,
    Norwegian,
    /// Any other language, by its lowercase ISO 639 code (`und` when the
    /// library names none we can read).
    Other(String),
}

impl Locale {
    fn of(locale: Option<&str>) -> Self {
        let primary = locale
            .unwrap_or("en")
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Locale::English,
            "nb" | "no" | "nn" => Locale::Norwegian,
            code if (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase()) => {
                Locale::Other(code.to_owned())
            }
            _ => Locale::Other("und".to_owned()),
        }
    }
}

/// Builds texts in both languages and notes which languages were used.
struct Texts {
    locale: Locale,
    used_english: bool,
}

impl Texts {
    /// `primary` is the text in the library's locale, `english` its English
    /// translation if any.
    fn text(&mut self, primary: Option<String>, english: Option<String>) -> Option<LocalText> {
        let text = match &self.locale {
            Locale::English => {
                let text = primary.or(english)?;
                LocalText::new(text.clone(), Some(text))
            }
            Locale::Norwegian => LocalText::new(primary.or_else(|| english.clone())?, english),
            Locale::Other(code) => match (primary, english) {
                (Some(text), en) => LocalText::original(code.clone(), text, en),
                // Only an English translation: it is the text then.
                (None, Some(en)) => LocalText::new(en.clone(), Some(en)),
                (None, None) => return None,
            },
        };
        self.used_english |= text.en.is_some();
        Some(text)
    }

    fn languages(&self) -> Vec<String> {
        match (&self.locale, self.used_english) {
            (Locale::Norwegian, true) => vec!["nb".into(), "en".into()],
            (Locale::Norwegian, false) => vec!["nb".into()],
            (Locale::English, _) => vec!["en".into()],
            (Locale::Other(code), true) => vec![code.clone(), "en".into()],
            (Locale::Other(code), false) => vec![code.clone()],
        }
    }
}

/// The first `http(s)://` address in a text, without trailing punctuation.
fn first_url(text: &str) -> Option<String> {
    text.split_whitespace()
        .find(|w| w.starts_with("https://") || w.starts_with("http://"))
        .map(|w| w.trim_end_matches(['.', ',', ';', ')', '\'', '"']).to_owned())
        .filter(|w| w.len() > "https://".len())
}

/// A short title from a long text: its first line, cut at 100 characters.
fn title_from(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default().trim();
    if line.chars().count() > 100 {
        format!("{}…", line.chars().take(99).collect::<String>())
    } else {
        line.to_owned()
    }
}

struct RawNode<'v> {
    object: &'v Map<String, Value>,
    urn: String,
    id: String,
    parent_urn: Option<String>,
    assessable: bool,
    depth: Option<u64>,
}

/// The part of a urn at `index` (`urn:intuitem:risk:library:gdpr` has
/// `intuitem` at 1 and `gdpr` at 4).
fn urn_part(urn: Option<String>, index: usize) -> Option<String> {
    urn?.split(':')
        .nth(index)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
}

/// The catalogue id of one framework: `<publisher>-<framework>`, from the
/// urns (`urn:intuitem:risk:framework:gdpr` gives `intuitem-gdpr`), else
/// from the packager and the ref_id or the file name. Unique within the
/// library: a second framework with the same id gets `-2`, `-3` ….
fn catalog_id(
    name: &str,
    library: &Map<String, Value>,
    framework: &Map<String, Value>,
    catalog_ids: &mut HashSet<String>,
) -> String {
    let publisher = urn_part(field(framework, "urn"), 1)
        .or_else(|| urn_part(field(library, "urn"), 1))
        .or_else(|| field(library, "packager"))
        .or_else(|| field(library, "provider"))
        .unwrap_or_else(|| "ciso".to_owned());
    let file_stem = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .trim_end_matches(".yaml")
        .trim_end_matches(".yml")
        .to_owned();
    let reference = field(framework, "urn")
        .and_then(|u| u.rsplit(':').next().map(str::to_owned))
        .filter(|t| !t.trim().is_empty())
        .or_else(|| field(framework, "ref_id"))
        .or_else(|| field(library, "ref_id"))
        .unwrap_or(file_stem);
    let base = foreign_id(&publisher, &reference);
    let mut id = base.clone();
    let mut n = 2;
    while !catalog_ids.insert(id.clone()) {
        let suffix = format!("-{n}");
        let keep: String = base.chars().take(MAX_ID_CHARS - suffix.len()).collect();
        id = format!("{}{suffix}", keep.trim_end_matches('-'));
        n += 1;
    }
    id
}

fn convert(
    name: &str,
    library: &Map<String, Value>,
    framework: &Map<String, Value>,
    catalog_ids: &mut HashSet<String>,
) -> Result<Catalog, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut texts = Texts {
        locale: Locale::of(field(library, "locale").as_deref()),
        used_english: false,
    };
    let framework_ref = field(framework, "ref_id").or_else(|| field(library, "ref_id"));
    let Some(list) = framework.get("requirement_nodes").and_then(Value::as_array) else {
        return Err(vec![problem(
            name,
            "no-requirements",
            format!(
                "framework {} has no `requirement_nodes` list",
                framework_ref.as_deref().unwrap_or("(no ref_id)")
            ),
            "a CISO Assistant framework lists its requirements under objects.framework.requirement_nodes",
        )]);
    };

    let mut used = HashSet::new();
    let mut raw = Vec::new();
    let mut by_urn: HashMap<String, usize> = HashMap::new();
    for (i, value) in list.iter().enumerate() {
        let Some(object) = value.as_object() else {
            problems.push(problem(
                name,
                "ciso-node",
                format!("requirement node {} is not a mapping", i + 1),
                "each requirement node is a mapping with urn, assessable, depth …",
            ));
            continue;
        };
        let urn = field(object, "urn").unwrap_or_else(|| format!("node-{}", i + 1));
        let tail = urn.rsplit(':').next().unwrap_or_default();
        let base = field(object, "ref_id")
            .and_then(|r| sanitize_node_id(&r))
            .or_else(|| sanitize_node_id(tail))
            .unwrap_or_else(|| format!("node-{}", i + 1));
        let id = unique_id(&base, &mut used);
        let assessable = match object.get("assessable") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
            _ => false,
        };
        if by_urn.insert(urn.clone(), raw.len()).is_some() {
            problems.push(problem(
                name,
                "duplicate-urn",
                format!("urn `{urn}` is used by two requirement nodes"),
                "each requirement node needs its own urn",
            ));
        }
        raw.push(RawNode {
            object,
            urn,
            id,
            parent_urn: field(object, "parent_urn"),
            assessable,
            depth: object.get("depth").and_then(Value::as_u64),
        });
    }

    let mut parents: Vec<Option<usize>> = Vec::with_capacity(raw.len());
    for node in &raw {
        let parent = match &node.parent_urn {
            None => None,
            Some(p) => match by_urn.get(p) {
                Some(&i) => Some(i),
                None => {
                    problems.push(problem(
                        name,
                        "dangling-parent",
                        format!(
                            "node `{}` has parent_urn `{p}`, which is not in the framework",
                            node.urn
                        ),
                        "fix the parent_urn or add the parent node",
                    ));
                    None
                }
            },
        };
        parents.push(parent);
    }
    // A node under an assessable one cannot be a chapter or a section.
    let under_assessable = |start: usize| {
        let mut seen = HashSet::new();
        let mut current = parents[start];
        while let Some(p) = current {
            if !seen.insert(p) {
                return false;
            }
            if raw[p].assessable {
                return true;
            }
            current = parents[p];
        }
        false
    };

    let mut nodes = Vec::with_capacity(raw.len());
    for (i, node) in raw.iter().enumerate() {
        let object = node.object;
        let kind = if node.assessable {
            NodeKind::Requirement
        } else if under_assessable(i) {
            NodeKind::Guidance
        } else if node.depth.map_or(parents[i].is_none(), |d| d <= 1) {
            NodeKind::Chapter
        } else {
            NodeKind::Section
        };
        let join = |a: Option<String>, b: Option<String>| match (a, b) {
            (Some(a), Some(b)) => Some(format!("{a}\n\n{b}")),
            (a, b) => a.or(b),
        };
        let text = texts.text(
            join(field(object, "description"), field(object, "annotation")),
            join(english(object, "description"), english(object, "annotation")),
        );
        let ref_id = field(object, "ref_id");
        let title = texts
            .text(field(object, "name"), english(object, "name"))
            .unwrap_or_else(|| {
                // A number is the same in every language; a title cut from
                // the text stays in the text's language.
                match (ref_id.clone().filter(|r| !r.is_empty()), &text) {
                    (Some(number), _) => LocalText::new(number, None),
                    (None, Some(t)) => LocalText {
                        nb: title_from(&t.nb),
                        en: t.en.as_deref().map(title_from).filter(|e| !e.is_empty()),
                        orig: t.orig.as_ref().map(|o| OrigText {
                            lang: o.lang.clone(),
                            text: title_from(&o.text),
                        }),
                    },
                    (None, None) => LocalText::new(node.id.clone(), None),
                }
            });
        let text = match text {
            None if kind.is_assessable() => Some(title.clone()),
            text => text,
        };
        nodes.push(Node {
            id: node.id.clone(),
            parent: parents[i].map(|p| raw[p].id.clone()),
            replaces: Vec::new(),
            kind,
            withdrawn: false,
            number: ref_id,
            numbering: None,
            title,
            text,
            applicability: None,
            tags: Vec::new(),
            references: Vec::new(),
            related: Vec::new(),
            question: None,
            verified: false,
            checks: Vec::new(),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let id = catalog_id(name, library, framework, catalog_ids);
    let library_name = field(library, "name");
    let title = texts
        .text(
            field(framework, "name").or_else(|| library_name.clone()),
            english(framework, "name"),
        )
        .unwrap_or_else(|| LocalText::new(framework_ref.clone().unwrap_or_else(|| id.clone()), None));
    let shown_title = title.get("en").to_owned();
    let description = texts.text(
        field(framework, "description").or_else(|| field(library, "description")),
        english(framework, "description").or_else(|| english(library, "description")),
    );
    let provider = field(library, "provider");
    let mut source_title = format!(
        "{} (CISO Assistant library {})",
        library_name.as_deref().unwrap_or(&shown_title),
        field(library, "urn")
            .or_else(|| field(framework, "urn"))
            .as_deref()
            .unwrap_or("without urn")
    );
    if let Some(provider) = &provider {
        source_title.push_str(&format!("; provider: {provider}"));
    }
    if let Some(copyright) = field(library, "copyright") {
        source_title.push_str(&format!("; copyright: {copyright}"));
    }
    let url = field(library, "description")
        .or_else(|| field(framework, "description"))
        .and_then(|d| first_url(&d))
        .filter(|u| !u.chars().any(char::is_whitespace));
    let date = field(library, "publication_date")
        .filter(|d| {
            d.len() == 10
                && d.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                })
        })
        .unwrap_or_else(|| UNKNOWN_DATE.to_owned());
    let catalog = Catalog {
        schema: CATALOG_SCHEMA.to_owned(),
        id,
        version: field(library, "version")
            .as_deref()
            .and_then(sanitize_version)
            .unwrap_or_else(|| "1".to_owned()),
        short_title: framework_ref.clone().map(|r| LocalText::new(r, None)),
        title,
        publisher: provider
            .or_else(|| field(library, "packager"))
            .unwrap_or_else(|| "CISO Assistant library".to_owned()),
        languages: texts.languages(),
        date,
        status: Some(CatalogStatus::Draft),
        description,
        source: vec![Reference {
            kind: ReferenceKind::Other,
            title: source_title,
            section: None,
            url,
            page: None,
        }],
        last_source_check: None,
        numbering: Some(crate::model::Numbering::Source),
        nodes,
    };
    let problems = load::check(name, &catalog);
    if problems.is_empty() {
        Ok(catalog)
    } else {
        Err(problems)
    }
}

/// Reads a CISO Assistant library (YAML) and returns one catalogue per
/// framework in it. `name` names the file in diagnostics.
pub fn from_ciso_assistant(name: &str, yaml: &[u8]) -> Result<Vec<Catalog>, Vec<Diagnostic>> {
    if yaml.len() > MAX_FILE_BYTES {
        return Err(vec![problem(
            name,
            "too-large",
            format!("file is {} bytes; the limit is {MAX_FILE_BYTES}", yaml.len()),
            "check that this is the right file",
        )]);
    }
    let source = std::str::from_utf8(yaml).map_err(|e| {
        vec![problem(
            name,
            "encoding",
            format!("not valid UTF-8 (byte {})", e.valid_up_to()),
            "save the file as UTF-8",
        )]
    })?;
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let value: Value = serde_saphyr::from_str(source).map_err(|e| {
        let message = e.to_string();
        vec![Diagnostic {
            file: name.to_owned(),
            line: e.location().map(|l| l.line()),
            code: "yaml",
            message: message.lines().next().unwrap_or_default().chars().take(300).collect(),
            hint: "check that this is a CISO Assistant library file".to_owned(),
        }]
    })?;
    let Some(library) = value.as_object() else {
        return Err(vec![problem(
            name,
            "ciso-library",
            "the file is not a mapping".to_owned(),
            "a CISO Assistant library starts with urn, locale, ref_id, name …",
        )]);
    };
    let frameworks: Vec<&Map<String, Value>> = match library.get("objects").and_then(|o| o.get("framework")) {
        Some(Value::Object(framework)) => vec![framework],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    };
    if frameworks.is_empty() {
        return Err(vec![problem(
            name,
            "no-framework",
            "no framework under `objects.framework`".to_owned(),
            "only framework libraries can be imported; risk matrices and threat lists cannot",
        )]);
    }
    let mut catalog_ids = HashSet::new();
    let mut catalogs = Vec::new();
    let mut problems = Vec::new();
    for framework in frameworks {
        match convert(name, library, framework, &mut catalog_ids) {
            Ok(catalog) => catalogs.push(catalog),
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(catalogs)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_decides_where_texts_go() {
        let mut english = Texts {
            locale: Locale::of(Some("en")),
            used_english: false,
        };
        let text = english.text(Some("Keep logs".into()), None).expect("text");
        assert_eq!((text.nb.as_str(), text.en.as_deref()), ("Keep logs", Some("Keep logs")));
        assert_eq!(english.languages(), ["en"]);

        let mut french = Texts {
            locale: Locale::of(Some("fr")),
            used_english: false,
        };
        let text = french.text(Some("Journaliser".into()), None).expect("text");
        assert_eq!(text, LocalText::original("fr", "Journaliser", None));
        assert_eq!(text.nb, "", "French is never stored as bokmål");
        assert_eq!((text.get("nb"), text.shown_lang("nb")), ("Journaliser", "fr"));
        assert_eq!(french.languages(), ["fr"]);
        let text = french
            .text(Some("Journaliser".into()), Some("Keep logs".into()))
            .expect("text");
        assert_eq!(text, LocalText::original("fr", "Journaliser", Some("Keep logs".into())));
        assert_eq!((text.get("nb"), text.shown_lang("nb")), ("Keep logs", "en"));
        assert_eq!(french.languages(), ["fr", "en"]);

        assert_eq!(Locale::of(Some("de-DE")), Locale::Other("de".into()));
        assert_eq!(Locale::of(Some("Deutsch!")), Locale::Other("und".into()));
        assert_eq!(Locale::of(Some("nn")), Locale::Norwegian);
    }

    #[test]
    fn urls_and_titles_are_taken_from_text() {
        assert_eq!(
            first_url("See https://example.org/a.pdf.").as_deref(),
            Some("https://example.org/a.pdf")
        );
        assert_eq!(first_url("no link"), None);
        assert_eq!(title_from("\n  First line\nsecond"), "First line");
    }
}
