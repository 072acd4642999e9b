//! Loading catalogue and mapping files: YAML → JSON Schema → typed model →
//! semantic checks. Every problem becomes a [`Diagnostic`] with the file, the
//! line and a hint; nothing here panics on any input.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use serde_saphyr::Spanned;

use crate::model::{CATALOG_SCHEMA, Catalog, MAPPING_SCHEMA, Mapping, NodeKind, Relation};
use crate::threats::{THREATS_SCHEMA, ThreatPicture};

/// Largest file we read: far above any real catalogue, far below trouble.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

pub const CATALOG_SCHEMA_JSON: &str = include_str!("../../../catalog/schema/catalog.schema.json");
pub const MAPPING_SCHEMA_JSON: &str = include_str!("../../../catalog/schema/mapping.schema.json");
pub const THREATS_SCHEMA_JSON: &str = include_str!("../../../catalog/schema/threats.schema.json");
const CATALOG_SCHEMA_URI: &str = "https://etterlev.no/schema/catalog.schema.json";

/// One problem found in a file, precise enough to fix without guessing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based line, when the problem has one.
    pub line: Option<u64>,
    /// A stable name for the kind of problem, e.g. `duplicate-id`.
    pub code: &'static str,
    pub message: String,
    pub hint: String,
}

impl Diagnostic {
    pub(crate) fn new(
        file: &str,
        line: Option<u64>,
        code: &'static str,
        message: String,
        hint: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.to_owned(),
            line,
            code,
            message,
            hint: hint.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: error[{}]: {}", self.file, line, self.code, self.message)?,
            None => write!(f, "{}: error[{}]: {}", self.file, self.code, self.message)?,
        }
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", self.hint)?;
        }
        Ok(())
    }
}

/// A checked file: a catalogue version or a mapping.
#[derive(Debug, Clone)]
pub enum Document {
    Catalog(Catalog),
    Mapping(Mapping),
    /// A threat picture (`catalog/threats/`).
    Threats(ThreatPicture),
}

/// Catalogues and mappings that passed every check, together.
#[derive(Debug, Clone, Default)]
pub struct CatalogSet {
    pub catalogs: Vec<Catalog>,
    pub mappings: Vec<Mapping>,
    /// Threat pictures; not stored in the database (yet): read from the files.
    pub threats: Vec<ThreatPicture>,
}

impl CatalogSet {
    /// A catalogue by key (`normen@6.0`), or by id alone: then its newest
    /// version (by date, then version).
    pub fn catalog(&self, key: &str) -> Option<&Catalog> {
        self.catalogs.iter().find(|c| c.key() == key).or_else(|| {
            let all: Vec<&Catalog> = self.catalogs.iter().collect();
            crate::model::newest(&all, key)
        })
    }

    /// The nodes of other catalogues that the mappings relate to node
    /// `node_id` of catalogue `catalog_key` (either direction; a `gap` is no
    /// counterpart), as `(catalogue key, node id)`, sorted and once each.
    pub fn counterparts(&self, catalog_key: &str, node_id: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for m in &self.mappings {
            let (from, to) = (m.from.key(), m.to.key());
            for e in m.entries.iter().filter(|e| e.relation != crate::Relation::Gap) {
                let Some(f) = e.from.as_deref() else { continue };
                if from == catalog_key && f == node_id {
                    out.push((to.clone(), e.to.clone()));
                }
                if to == catalog_key && e.to == node_id {
                    out.push((from.clone(), f.to_string()));
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

struct Schemas {
    catalog: jsonschema::Validator,
    mapping: jsonschema::Validator,
    threats: jsonschema::Validator,
}

/// Resolves the mapping schema's references to the catalogue schema from
/// the copy compiled into the binary: validation never touches the network.
struct EmbeddedSchemas;

impl jsonschema::Retrieve for EmbeddedSchemas {
    fn retrieve(&self, uri: &jsonschema::Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        if uri.as_str().trim_end_matches('#') == CATALOG_SCHEMA_URI {
            Ok(serde_json::from_str(CATALOG_SCHEMA_JSON)?)
        } else {
            Err(format!("unknown schema {uri}").into())
        }
    }
}

static SCHEMAS: LazyLock<Result<Schemas, String>> = LazyLock::new(|| {
    let catalog: Value = serde_json::from_str(CATALOG_SCHEMA_JSON).map_err(|e| e.to_string())?;
    let mapping: Value = serde_json::from_str(MAPPING_SCHEMA_JSON).map_err(|e| e.to_string())?;
    let threats: Value = serde_json::from_str(THREATS_SCHEMA_JSON).map_err(|e| e.to_string())?;
    Ok(Schemas {
        threats: jsonschema::options()
            .with_retriever(EmbeddedSchemas)
            .build(&threats)
            .map_err(|e| e.to_string())?,
        catalog: jsonschema::options().build(&catalog).map_err(|e| e.to_string())?,
        mapping: jsonschema::options()
            .with_retriever(EmbeddedSchemas)
            .build(&mapping)
            .map_err(|e| e.to_string())?,
    })
});

/// Where each node (or mapping entry) starts, so errors found after parsing
/// can still point at a line.
#[derive(Deserialize, Default)]
struct Skeleton {
    #[serde(default)]
    nodes: Vec<Spanned<IgnoredAny>>,
    #[serde(default)]
    entries: Vec<Spanned<IgnoredAny>>,
}

struct Lines {
    items: Vec<u64>,
    source: String,
}

impl Lines {
    fn item(&self, i: usize) -> Option<u64> {
        self.items.get(i).copied()
    }

    /// The line of a top-level key, for errors that are not inside a node.
    fn top_key(&self, key: &str) -> Option<u64> {
        let prefix = format!("{key}:");
        self.source
            .lines()
            .position(|l| l.starts_with(&prefix))
            .map(|i| i as u64 + 1)
    }

    /// The best line for a JSON pointer such as `/nodes/12/title/nb`.
    fn pointer(&self, pointer: &str) -> Option<u64> {
        let mut parts = pointer.trim_start_matches('/').split('/');
        match (parts.next(), parts.next()) {
            (Some("nodes" | "entries"), Some(i)) => i.parse().ok().and_then(|i| self.item(i)),
            (Some(""), _) | (None, _) => None,
            (Some(key), _) => self.top_key(key),
        }
    }
}

/// Parse and check one file's bytes. `name` is only used in messages.
pub fn parse_document(name: &str, bytes: &[u8]) -> Result<Document, Vec<Diagnostic>> {
    parse_with_lines(name, bytes).map(|(doc, _)| doc)
}

fn item_lines(source: &str) -> Vec<u64> {
    serde_saphyr::from_str::<Skeleton>(source)
        .map(|s| {
            let items = if s.nodes.is_empty() { s.entries } else { s.nodes };
            items.iter().map(|n| n.referenced.line()).collect()
        })
        .unwrap_or_default()
}

fn parse_with_lines(name: &str, bytes: &[u8]) -> Result<(Document, Lines), Vec<Diagnostic>> {
    let err = |line, code, message: String, hint: &str| vec![Diagnostic::new(name, line, code, message, hint)];
    if bytes.len() > MAX_FILE_BYTES {
        return Err(err(
            None,
            "too-large",
            format!("file is {} bytes; the limit is {MAX_FILE_BYTES}", bytes.len()),
            "split the catalogue or check that this is the right file",
        ));
    }
    let source = match std::str::from_utf8(bytes) {
        Ok(s) => s.strip_prefix('\u{feff}').unwrap_or(s),
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            return Err(err(
                Some(line),
                "encoding",
                format!("not valid UTF-8 (byte {})", e.valid_up_to()),
                "save the file as UTF-8; Windows exports are often Latin-1 or UTF-16",
            ));
        }
    };
    let value: Value = serde_saphyr::from_str(source).map_err(|e| {
        let line = e.location().map(|l| l.line());
        err(
            line,
            "yaml",
            first_line(&e.to_string()),
            "check indentation and quote strings that contain ': ' or start with '#', '*', '&' or '-'",
        )
    })?;
    let lines = Lines {
        items: item_lines(source),
        source: source.to_owned(),
    };
    let schema = value.get("schema").and_then(Value::as_str).unwrap_or_default();
    let schemas = SCHEMAS.as_ref().map_err(|e| {
        err(
            None,
            "internal",
            format!("built-in schema does not compile: {e}"),
            "report this as a bug",
        )
    })?;
    let validator = match schema {
        CATALOG_SCHEMA => &schemas.catalog,
        MAPPING_SCHEMA => &schemas.mapping,
        THREATS_SCHEMA => &schemas.threats,
        other => {
            return Err(err(
                lines.top_key("schema").or(Some(1)),
                "schema-id",
                if other.is_empty() {
                    "no `schema:` field, so the kind of file is unknown".to_owned()
                } else {
                    format!("unknown schema `{other}`")
                },
                &format!(
                    "start the file with `schema: {CATALOG_SCHEMA}`, `schema: {MAPPING_SCHEMA}` or `schema: {THREATS_SCHEMA}`"
                ),
            ));
        }
    };
    let schema_errors: Vec<Diagnostic> = validator
        .iter_errors(&value)
        .map(|e| {
            let pointer = e.instance_path().to_string();
            let message = first_line(&e.to_string());
            let at = if pointer.is_empty() {
                "the document".to_owned()
            } else {
                format!("`{pointer}`")
            };
            Diagnostic::new(
                name,
                lines.pointer(&pointer),
                "schema",
                format!("{at}: {message}"),
                schema_hint(&pointer, &message),
            )
        })
        .collect();
    if !schema_errors.is_empty() {
        return Err(schema_errors);
    }
    let doc = match schema {
        CATALOG_SCHEMA => Document::Catalog(typed(name, value, |c| check_catalog(name, c, &lines))?),
        MAPPING_SCHEMA => Document::Mapping(typed(name, value, |m| check_mapping_entries(name, m, &lines))?),
        _ => Document::Threats(typed(name, value, |t| {
            crate::threats::file_diagnostics(name, t, &lines.source)
        })?),
    };
    Ok((doc, lines))
}

/// Turns a schema-valid value into the model and runs the semantic checks.
fn typed<T: serde::de::DeserializeOwned>(
    name: &str,
    value: Value,
    check: impl FnOnce(&T) -> Vec<Diagnostic>,
) -> Result<T, Vec<Diagnostic>> {
    let typed: T = serde_json::from_value(value).map_err(|e| {
        vec![Diagnostic::new(
            name,
            None,
            "internal",
            format!("schema-valid file does not fit the model: {e}"),
            "report this as a bug",
        )]
    })?;
    let problems = check(&typed);
    if problems.is_empty() { Ok(typed) } else { Err(problems) }
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or_default();
    let mut out: String = line.chars().take(300).collect();
    if line.chars().count() > 300 {
        out.push('…');
    }
    out
}

fn schema_hint(pointer: &str, message: &str) -> String {
    if pointer.starts_with("/entries/") && message.contains("is not allowed") {
        "a `gap` entry names only `to` (nothing in `from` covers it); other relations need `from` and `to`".into()
    } else if message.contains("is not of type \"string\"")
        && (pointer.ends_with("/version") || pointer.ends_with("/id"))
    {
        "quote the value, e.g. version: \"6.0\"; YAML reads 6.0 as a number".into()
    } else if message.contains("is a required property") {
        "add the missing field; see catalog/EXAMPLE.md for a complete node".into()
    } else if message.contains("Additional properties") || message.contains("additional properties") {
        "remove or rename the field; the schema lists every allowed field".into()
    } else if message.contains("is not one of") || message.contains("is not valid under") {
        "use one of the allowed values listed in catalog/schema/*.schema.json".into()
    } else if message.contains("does not match") {
        "ids are letters, digits, '.', '_' and '-', starting with a letter or digit".into()
    } else {
        "see catalog/schema/*.schema.json for the allowed shape".into()
    }
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn check_catalog(file: &str, catalog: &Catalog, lines: &Lines) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut first_seen: HashMap<&str, usize> = HashMap::new();
    for (i, node) in catalog.nodes.iter().enumerate() {
        if let Some(&first) = first_seen.get(node.id.as_str()) {
            out.push(Diagnostic::new(
                file,
                lines.item(i),
                "duplicate-id",
                format!("node id `{}` is used twice", node.id),
                format!(
                    "first used on line {}; ids must be unique within a catalogue",
                    fmt_line(lines.item(first))
                ),
            ));
        } else {
            first_seen.insert(&node.id, i);
        }
    }
    for (i, node) in catalog.nodes.iter().enumerate() {
        let line = lines.item(i);
        if let Some(parent) = &node.parent {
            match first_seen.get(parent.as_str()) {
                None => out.push(Diagnostic::new(
                    file,
                    line,
                    "dangling-parent",
                    format!("node `{}` has parent `{parent}`, which does not exist", node.id),
                    "fix the parent id or add the parent node",
                )),
                Some(&p) if !catalog.nodes[p].kind.is_structural() && node.kind.is_structural() => {
                    out.push(Diagnostic::new(
                        file,
                        line,
                        "bad-nesting",
                        format!(
                            "{} `{}` sits under {} `{parent}`",
                            node.kind.as_str(),
                            node.id,
                            catalog.nodes[p].kind.as_str()
                        ),
                        "chapters and sections cannot sit under a requirement",
                    ))
                }
                Some(_) => {}
            }
        }
        for related in &node.related {
            if !first_seen.contains_key(related.as_str()) {
                out.push(Diagnostic::new(
                    file,
                    line,
                    "dangling-related",
                    format!("node `{}` is related to `{related}`, which does not exist", node.id),
                    "related ids must name nodes in the same catalogue; use a mapping file across catalogues",
                ));
            }
        }
        for old in &node.replaces {
            if first_seen.contains_key(old.as_str()) {
                out.push(Diagnostic::new(
                    file,
                    line,
                    "replaces-live-id",
                    format!(
                        "node `{}` replaces `{old}`, but `{old}` is still in this catalogue",
                        node.id
                    ),
                    "`replaces` lists ids from earlier versions that are gone now",
                ));
            }
        }
        out.extend(empty_texts(file, line, node));
        if node.withdrawn && node.kind.is_assessable() {
            out.push(Diagnostic::new(
                file,
                line,
                "withdrawn-requirement",
                format!("{} `{}` is marked withdrawn", node.kind.as_str(), node.id),
                "a withdrawn node is kept as guidance; nobody answers for it",
            ));
        }
    }
    out.extend(parent_cycles(file, catalog, lines));
    out
}

fn empty_texts(file: &str, line: Option<u64>, node: &crate::model::Node) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut check = |what: &str, text: &str| {
        if blank(text) {
            out.push(Diagnostic::new(
                file,
                line,
                "empty-text",
                format!("node `{}` has an empty {what}", node.id),
                "write the text, or remove the field if it is optional",
            ));
        }
    };
    check("title", node.title.get("nb"));
    if let Some(en) = &node.title.en {
        check("English title", en);
    }
    if let Some(text) = &node.text {
        check("text", text.get("nb"));
        if let Some(en) = &text.en {
            check("English text", en);
        }
    }
    if let Some(q) = &node.question {
        check("question", &q.nb);
        if let Some(todo) = &q.todo {
            check("todo title", todo.title.get("nb"));
            check("todo text", todo.text.get("nb"));
        }
    }
    if node.kind.is_assessable() && node.text.is_none() {
        out.push(Diagnostic::new(
            file,
            line,
            "empty-text",
            format!("{} `{}` has no text", node.kind.as_str(), node.id),
            "a requirement needs a text saying what is required, in our own words",
        ));
    }
    out
}

fn fmt_line(line: Option<u64>) -> String {
    line.map_or_else(|| "?".to_owned(), |l| l.to_string())
}

/// Reports each parent cycle once, at the node listed first in the file.
fn parent_cycles(file: &str, catalog: &Catalog, lines: &Lines) -> Vec<Diagnostic> {
    let index = catalog.index();
    let mut reported: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    for start in 0..catalog.nodes.len() {
        let mut path: Vec<usize> = vec![start];
        let mut current = start;
        while let Some(&p) = catalog.nodes[current].parent.as_deref().and_then(|id| index.get(id)) {
            if let Some(pos) = path.iter().position(|&x| x == p) {
                let cycle = &path[pos..];
                if cycle.iter().all(|c| !reported.contains(c)) {
                    reported.extend(cycle.iter().copied());
                    let first = *cycle.iter().min().unwrap_or(&p);
                    let ids: Vec<&str> = cycle.iter().map(|&c| catalog.nodes[c].id.as_str()).collect();
                    out.push(Diagnostic::new(
                        file,
                        lines.item(first),
                        "cycle",
                        format!(
                            "parent cycle: {} → {}",
                            ids.join(" → "),
                            ids.first().copied().unwrap_or_default()
                        ),
                        "a node cannot be its own ancestor; fix one of the `parent` fields",
                    ));
                }
                break;
            }
            if path.len() > catalog.nodes.len() {
                break;
            }
            path.push(p);
            current = p;
        }
    }
    out
}

fn check_mapping_entries(file: &str, mapping: &Mapping, lines: &Lines) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    for (i, entry) in mapping.entries.iter().enumerate() {
        let key = (entry.from.as_deref(), entry.to.as_str());
        if let Some(&first) = seen.get(&key) {
            out.push(Diagnostic::new(
                file,
                lines.item(i),
                "duplicate-entry",
                format!(
                    "the pair {} → {} is mapped twice",
                    entry.from.as_deref().unwrap_or("(gap)"),
                    entry.to
                ),
                format!(
                    "first mapped on line {}; keep one entry per pair",
                    fmt_line(lines.item(first))
                ),
            ));
        } else {
            seen.insert(key, i);
        }
        if let Some(area) = &entry.gap_area
            && !mapping.gap_areas.iter().any(|g| &g.id == area)
        {
            out.push(Diagnostic::new(
                file,
                lines.item(i),
                "unknown-gap-area",
                format!(
                    "entry for `{}` names gap area `{area}`, which `gap_areas` does not list",
                    entry.to
                ),
                "add the area to `gap_areas` with its source, or fix the id",
            ));
        }
        if entry.relation == Relation::Gap && entry.note.as_ref().is_none_or(|n| blank(n.get("nb"))) {
            out.push(Diagnostic::new(
                file,
                lines.item(i),
                "empty-text",
                format!("gap for `{}` has no note", entry.to),
                "say what is missing, so a reader knows what to add",
            ));
        }
    }
    out
}

/// Checks that need every file at once: duplicate catalogue versions and
/// mappings that name catalogues or nodes that do not exist.
fn check_set(docs: &[(String, Document, Lines)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut catalogs: HashMap<String, (&str, &Catalog)> = HashMap::new();
    let mut mapping_ids: HashMap<&str, &str> = HashMap::new();
    for (file, doc, lines) in docs {
        match doc {
            Document::Catalog(c) => {
                if let Some((other, _)) = catalogs.get(&c.key()) {
                    out.push(Diagnostic::new(
                        file,
                        lines.top_key("version"),
                        "duplicate-catalog",
                        format!("catalogue {} is defined twice", c.key()),
                        format!("also defined in {other}; give each version its own number"),
                    ));
                } else {
                    catalogs.insert(c.key(), (file, c));
                }
            }
            Document::Mapping(m) => {
                if let Some(other) = mapping_ids.insert(&m.id, file) {
                    out.push(Diagnostic::new(
                        file,
                        lines.top_key("id"),
                        "duplicate-mapping",
                        format!("mapping id `{}` is used twice", m.id),
                        format!("also used in {other}"),
                    ));
                }
            }
            Document::Threats(_) => {}
        }
    }
    out.extend(fidelity_diagnostics(docs));
    let every_catalog: Vec<&Catalog> = docs
        .iter()
        .filter_map(|(_, d, _)| if let Document::Catalog(c) = d { Some(c) } else { None })
        .collect();
    for (file, doc, lines) in docs {
        if let Document::Threats(t) = doc {
            out.extend(crate::threats::set_diagnostics(file, t, &lines.source, &every_catalog));
        }
    }
    for (file, doc, lines) in docs {
        let Document::Mapping(m) = doc else { continue };
        let mut sides = Vec::new();
        for (field, reference) in [("from", &m.from), ("to", &m.to)] {
            match catalogs.get(&reference.key()) {
                Some((_, c)) => sides.push(Some(c.index().into_keys().map(str::to_owned).collect::<HashSet<_>>())),
                None => {
                    sides.push(None);
                    out.push(Diagnostic::new(
                        file,
                        lines.top_key(field),
                        "unknown-catalog",
                        format!(
                            "mapping `{}` refers to catalogue {}, which is not loaded",
                            m.id,
                            reference.key()
                        ),
                        "check the catalogue id and version, and that its file is in the folder",
                    ));
                }
            }
        }
        for (i, entry) in m.entries.iter().enumerate() {
            let ends = [
                ("from", entry.from.as_deref(), &sides[0], &m.from),
                ("to", Some(entry.to.as_str()), &sides[1], &m.to),
            ];
            for (side, id, ids, reference) in ends {
                if let (Some(id), Some(ids)) = (id, ids)
                    && !ids.contains(id)
                {
                    out.push(Diagnostic::new(
                        file,
                        lines.item(i),
                        "dangling-mapping",
                        format!("`{side}: {id}` does not exist in {}", reference.key()),
                        "fix the node id; it may have been renamed in this catalogue version",
                    ));
                }
            }
        }
        if let Some(Some(_)) = sides.first()
            && let Some((_, from)) = catalogs.get(&m.from.key())
        {
            let index = from.index();
            for (i, entry) in m.entries.iter().enumerate() {
                if let Some(n) = entry
                    .from
                    .as_deref()
                    .and_then(|id| index.get(id))
                    .map(|&i| &from.nodes[i])
                    && n.kind == NodeKind::Guidance
                    && entry.relation == Relation::Equal
                {
                    out.push(Diagnostic::new(
                        file,
                        lines.item(i),
                        "weak-equal",
                        format!("guidance `{}` cannot be equal to a requirement", n.id),
                        "guidance covers at most part of a duty: use `subset` or `intersects`",
                    ));
                }
            }
        }
    }
    out
}

/// The fidelity rules ([`crate::fidelity`]) for the catalogues among `docs`,
/// with file and line.
fn fidelity_diagnostics(docs: &[(String, Document, Lines)]) -> Vec<Diagnostic> {
    let catalogs: Vec<(&str, &Catalog, &Lines)> = docs
        .iter()
        .filter_map(|(file, doc, lines)| match doc {
            Document::Catalog(c) => Some((file.as_str(), c, lines)),
            Document::Mapping(_) | Document::Threats(_) => None,
        })
        .collect();
    let only: Vec<&Catalog> = catalogs.iter().map(|(_, c, _)| *c).collect();
    let mut found: Vec<_> = crate::fidelity::check_all(&only).into_iter().collect();
    found.sort_by_key(|(i, _)| *i);
    found
        .into_iter()
        .flat_map(|(i, findings)| {
            let (file, _, lines) = catalogs[i];
            findings.into_iter().map(move |f| {
                let line = match f.node {
                    Some(n) => lines.item(n),
                    None => lines.top_key("version"),
                };
                Diagnostic::new(file, line, f.code, f.message, f.hint)
            })
        })
        .collect()
}

/// Loads every `.yaml`/`.yml` file under `path` (or the one file `path`
/// names) and checks each file and the set. Files are read in sorted order,
/// so output is stable.
pub fn load_path(path: &Path) -> Result<CatalogSet, Vec<Diagnostic>> {
    load_paths(&[path])
}

/// Like [`load_path`] for several files or folders checked as one set.
pub fn load_paths<P: AsRef<Path>>(paths: &[P]) -> Result<CatalogSet, Vec<Diagnostic>> {
    let mut files = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let found = yaml_files(path).map_err(|e| {
            vec![Diagnostic::new(
                &path.display().to_string(),
                None,
                "io",
                e.to_string(),
                "check that the path exists and can be read",
            )]
        })?;
        files.extend(found);
    }
    let path = paths.first().map(AsRef::as_ref).unwrap_or(Path::new("."));
    if files.is_empty() {
        return Err(vec![Diagnostic::new(
            &path.display().to_string(),
            None,
            "empty",
            "no .yaml or .yml files found".into(),
            "point at the catalog/ folder or at one catalogue file",
        )]);
    }
    let mut problems = Vec::new();
    let mut docs = Vec::new();
    for file in files {
        let name = file.display().to_string();
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) => {
                problems.push(Diagnostic::new(
                    &name,
                    None,
                    "io",
                    e.to_string(),
                    "check file permissions",
                ));
                continue;
            }
        };
        match parse_with_lines(&name, &bytes) {
            Ok((doc, lines)) => docs.push((name, doc, lines)),
            Err(mut diags) => problems.append(&mut diags),
        }
    }
    problems.extend(check_set(&docs));
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut set = CatalogSet::default();
    for (_, doc, _) in docs {
        match doc {
            Document::Catalog(c) => set.catalogs.push(c),
            Document::Mapping(m) => set.mappings.push(m),
            Document::Threats(t) => set.threats.push(t),
        }
    }
    Ok(set)
}

/// Parses one catalogue from bytes (e.g. an upload), requiring it to be a
/// catalogue and not a mapping.
pub fn parse_catalog(name: &str, bytes: &[u8]) -> Result<Catalog, Vec<Diagnostic>> {
    match parse_document(name, bytes)? {
        Document::Catalog(c) => Ok(c),
        Document::Mapping(_) => Err(vec![Diagnostic::new(
            name,
            Some(1),
            "schema-id",
            "this is a mapping file, not a catalogue".into(),
            "give the catalogue file instead",
        )]),
        Document::Threats(_) => Err(vec![Diagnostic::new(
            name,
            Some(1),
            "schema-id",
            "this is a threat picture, not a catalogue".into(),
            "give the catalogue file instead",
        )]),
    }
}

/// The checks a catalogue file gets (JSON Schema, then the semantic
/// checks), for a catalogue built in memory such as an import. The
/// diagnostics carry no line; `name` names the source in them.
pub fn check(name: &str, catalog: &Catalog) -> Vec<Diagnostic> {
    let internal = |message: String| vec![Diagnostic::new(name, None, "internal", message, "report this as a bug")];
    let value = match serde_json::to_value(catalog) {
        Ok(value) => value,
        Err(e) => return internal(format!("catalogue does not serialise: {e}")),
    };
    let schemas = match SCHEMAS.as_ref() {
        Ok(schemas) => schemas,
        Err(e) => return internal(format!("built-in schema does not compile: {e}")),
    };
    let schema_errors: Vec<Diagnostic> = schemas
        .catalog
        .iter_errors(&value)
        .map(|e| {
            let pointer = e.instance_path().to_string();
            let message = first_line(&e.to_string());
            Diagnostic::new(
                name,
                None,
                "schema",
                format!("`{pointer}`: {message}"),
                schema_hint(&pointer, &message),
            )
        })
        .collect();
    if !schema_errors.is_empty() {
        return schema_errors;
    }
    check_catalog(
        name,
        catalog,
        &Lines {
            items: Vec::new(),
            source: String::new(),
        },
    )
}

/// Every `.yaml`/`.yml` file under `path` (or `path` itself), sorted.
pub fn yaml_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !path.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} does not exist", path.display()),
        ));
    }
    let mut out = Vec::new();
    let mut dirs = vec![path.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let p = entry?.path();
            if p.is_dir() {
                dirs.push(p);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}
