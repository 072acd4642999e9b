//! Import of CISO Assistant libraries (YAML).
//!
//! A library holds one framework (some versions hold a list) whose
//! `requirement_nodes` form a tree through `parent_urn`. Each framework
//! becomes one draft catalogue: assessable nodes are requirements, the
//! others chapters (depth 1) or sections (deeper), or guidance when they sit
//! under a requirement. Texts in English fill both languages, so bokmål
//! screens show the English text rather than nothing; nothing is verified.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::load::{self, Diagnostic, MAX_FILE_BYTES};
use crate::model::{CATALOG_SCHEMA, Catalog, CatalogStatus, LocalText, Node, NodeKind, Reference, ReferenceKind};
use crate::oscal::{sanitize_node_id, sanitize_version, slug, unique_id};

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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Locale {
    English,
    Norwegian,
    Other,
}

impl Locale {
    fn of(locale: Option<&str>) -> Self {
        let primary = locale
            .unwrap_or("en")
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Locale::English,
            "nb" | "no" | "nn" => Locale::Norwegian,
            _ => Locale::Other,
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
        let (nb, en) = match self.locale {
            Locale::English => {
                let text = primary.or(english)?;
                (text.clone(), Some(text))
            }
            Locale::Norwegian => (primary.or_else(|| english.clone())?, english),
            Locale::Other => match english {
                Some(en) => (en.clone(), Some(en)),
                None => (primary?, None),
            },
        };
        self.used_english |= en.is_some();
        Some(LocalText::new(nb, en))
    }

    fn languages(&self) -> Vec<String> {
        match (self.locale, self.used_english) {
            (Locale::Norwegian, true) => vec!["nb".into(), "en".into()],
            (Locale::Norwegian, false) | (Locale::Other, false) => vec!["nb".into()],
            (Locale::English, _) | (Locale::Other, true) => vec!["en".into()],
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
                let fallback = ref_id
                    .clone()
                    .or_else(|| text.as_ref().map(|t| title_from(&t.nb)))
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| node.id.clone());
                LocalText::new(fallback, None)
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
            number: ref_id,
            title,
            text,
            applicability: None,
            tags: Vec::new(),
            references: Vec::new(),
            related: Vec::new(),
            question: None,
            verified: false,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let base_id = framework_ref
        .as_deref()
        .and_then(slug)
        .or_else(|| field(library, "ref_id").as_deref().and_then(slug))
        .or_else(|| slug(name))
        .unwrap_or_else(|| "ciso-import".to_owned());
    let mut id = base_id.clone();
    let mut n = 2;
    while !catalog_ids.insert(id.clone()) {
        let suffix = format!("-{n}");
        id = format!(
            "{}{suffix}",
            base_id.chars().take(40 - suffix.len()).collect::<String>()
        );
        n += 1;
    }
    let library_name = field(library, "name");
    let title = texts
        .text(
            field(framework, "name").or_else(|| library_name.clone()),
            english(framework, "name"),
        )
        .unwrap_or_else(|| LocalText::new(framework_ref.clone().unwrap_or_else(|| id.clone()), None));
    let description = texts.text(
        field(framework, "description").or_else(|| field(library, "description")),
        english(framework, "description").or_else(|| english(library, "description")),
    );
    let provider = field(library, "provider");
    let mut source_title = format!(
        "{} (CISO Assistant library {})",
        library_name.as_deref().unwrap_or(&title.nb),
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
        }],
        last_source_check: None,
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
        assert_eq!((text.nb.as_str(), text.en), ("Journaliser", None));
        assert_eq!(french.languages(), ["nb"]);
        let text = french
            .text(Some("Journaliser".into()), Some("Keep logs".into()))
            .expect("text");
        assert_eq!(text.nb, "Keep logs");
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
