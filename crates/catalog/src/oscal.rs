//! OSCAL catalog export and import.
//!
//! [`to_oscal`] writes a catalogue as an OSCAL catalog JSON document that
//! validates against NIST's catalog schema (`catalog/schema/oscal/`):
//! chapters and sections become `groups`, requirements, recommendations and
//! guidance become `controls`, texts become `parts`, references become
//! `back-matter` resources that nodes link to. Everything OSCAL has no place
//! for (English texts, applicability, tags, the original ids …) is kept in
//! props and parts in our own namespace [`ETTERLEV_NS`], so [`from_oscal`]
//! gives back a catalogue equal to the one exported.
//!
//! [`from_oscal`] also reads foreign catalogs (NIST SP 800-53 and the like):
//! groups become chapters and sections, controls and their enhancements
//! requirements, statement prose the text. What a foreign catalog lacks gets
//! a plain default: not verified, English text in both languages.
//!
//! Nothing here panics on any input, and exports are reproducible: every
//! UUID is a version 5 UUID derived from the catalogue key and node id.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::ids::{foreign_id, short_reference};
use crate::load::{self, Diagnostic, MAX_FILE_BYTES};
use crate::model::{
    Applicability, CATALOG_SCHEMA, Catalog, CatalogStatus, LocalText, Node, NodeKind, Question, Reference,
    ReferenceKind, Todo,
};

/// The OSCAL version exports declare; the schema they are checked against
/// is `catalog/schema/oscal/oscal_catalog_schema.json` of that version.
pub const OSCAL_VERSION: &str = "1.2.3";

/// Namespace of the props and parts that carry what OSCAL has no field for.
pub const ETTERLEV_NS: &str = "https://etterlev.no/ns/oscal";

/// Name used for an OSCAL document in diagnostics.
const SOURCE: &str = "OSCAL catalog";

/// Class of the groups that only exist because an OSCAL group holds either
/// groups or controls, never both: they wrap a chapter's own requirements
/// when the chapter also has sections, and vanish again on import.
const WRAPPER_CLASS: &str = "etterlev-controls";

// ---------------------------------------------------------------- helpers

/// RFC 4122 version 5 UUID of `name` in `namespace`.
fn uuid_v5(namespace: &Uuid, name: &str) -> Uuid {
    Uuid::new_v5(namespace, name.as_bytes())
}

/// The UUID of one thing in an export, e.g. `"normen@6.0"` or
/// `"normen@6.0/ref/2.1-a/0"`: the same input always gives the same UUID.
fn stable_uuid(name: &str) -> String {
    let namespace = uuid_v5(&Uuid::NAMESPACE_URL, ETTERLEV_NS);
    uuid_v5(&namespace, name).to_string()
}

/// ECMAScript `\s`, which the OSCAL schema's patterns use, or close enough
/// to it on the safe side.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// Whether `s` fits OSCAL's `StringDatatype` (`^\S(.*\S)?$`).
fn is_oscal_string(s: &str) -> bool {
    match (s.chars().next(), s.chars().last()) {
        (Some(first), Some(last)) => !is_space(first) && !is_space(last) && !s.chars().any(is_line_break),
        _ => false,
    }
}

/// A prop value: `s` itself when OSCAL accepts it as is, otherwise `s` as a
/// JSON string literal (which always fits). [`decode`] reverses it.
fn encode(s: &str) -> String {
    if is_oscal_string(s) && !s.starts_with('"') {
        return s.to_owned();
    }
    serde_json::to_string(s)
        .unwrap_or_else(|_| "\"\"".to_owned())
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

fn decode(s: &str) -> String {
    if s.starts_with('"')
        && let Ok(inner) = serde_json::from_str::<String>(s)
    {
        return inner;
    }
    s.to_owned()
}

/// A value for a one-line Markdown field (`title`): `s` with line breaks
/// made spaces, and whether that changed anything.
fn one_line(s: &str) -> (String, bool) {
    if !s.is_empty() && !s.contains('\n') {
        return (s.to_owned(), false);
    }
    let line: String = s.chars().map(|c| if c == '\n' { ' ' } else { c }).collect();
    if line.is_empty() {
        ("(untitled)".to_owned(), true)
    } else {
        (line, true)
    }
}

/// A value for an OSCAL `StringDatatype` field shown to people (a party's
/// name): whitespace collapsed.
fn clean_string(s: &str) -> String {
    let out = s
        .split(is_space)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if out.is_empty() { "unknown".to_owned() } else { out }
}

/// `url` as a URI reference: characters a URI cannot hold percent-encoded.
fn uri_reference(url: &str) -> String {
    const KEEP: &[u8] = b"-._~:/?#[]@!$&'()*+,;=%";
    let mut out = String::with_capacity(url.len());
    for &b in url.as_bytes() {
        if b.is_ascii_alphanumeric() || KEEP.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The OSCAL token (`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`) for a node id. Our
/// ids may start with a digit ("2.1-a"): those get the prefix `n-`.
fn token_for(id: &str) -> String {
    let mut out: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_') {
        out.insert_str(0, "n-");
    }
    out
}

/// Hands out unique tokens: a second "x" becomes "x_2".
#[derive(Default)]
struct Tokens(HashSet<String>);

impl Tokens {
    fn claim(&mut self, wanted: String) -> String {
        if self.0.insert(wanted.clone()) {
            return wanted;
        }
        let mut n = 2;
        loop {
            let candidate = format!("{wanted}_{n}");
            if self.0.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// A `YYYY-MM-DD` date that the OSCAL timestamp pattern accepts (a real
/// day in the years 1900 to 2999).
fn is_oscal_date(date: &str) -> bool {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |s: &str| {
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse::<u32>().ok()
        } else {
            None
        }
    };
    let (Some(year), Some(month), Some(day)) = (
        number(&date[0..4]),
        number(date.get(5..7).unwrap_or("")),
        number(date.get(8..10).unwrap_or("")),
    ) else {
        return false;
    };
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2999).contains(&year) && (1..=days).contains(&day)
}

/// An RFC 3339 timestamp with time zone that the OSCAL pattern accepts.
fn is_oscal_timestamp(ts: &str) -> bool {
    let Some((date, time)) = ts.split_once('T') else {
        return false;
    };
    if !is_oscal_date(date) || !time.is_ascii() || time.len() < 9 {
        return false;
    }
    let two = |s: &str, max: u32| {
        s.len() == 2 && s.bytes().all(|c| c.is_ascii_digit()) && s.parse::<u32>().is_ok_and(|n| n <= max)
    };
    let (hms, mut rest) = time.split_at(8);
    let hms: Vec<&str> = hms.split(':').collect();
    if hms.len() != 3 || !two(hms[0], 23) || !two(hms[1], 59) || !two(hms[2], 59) {
        return false;
    }
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    let whole_hours = |offset: &str, max: u32| offset.len() == 5 && offset.ends_with(":00") && two(&offset[..2], max);
    const EAST: &[&str] = &[
        "03:30", "04:30", "05:30", "06:30", "09:30", "10:30", "05:45", "08:45", "12:45",
    ];
    match rest.split_at_checked(1) {
        Some(("Z", "")) => true,
        Some(("-", offset)) => ["03:30", "09:30"].contains(&offset) || whole_hours(offset, 12),
        Some(("+", offset)) => EAST.contains(&offset) || whole_hours(offset, 14),
        _ => false,
    }
}

fn reference_kind_str(kind: ReferenceKind) -> &'static str {
    match kind {
        ReferenceKind::Normen => "normen",
        ReferenceKind::FactSheet => "fact_sheet",
        ReferenceKind::Guide => "guide",
        ReferenceKind::Law => "law",
        ReferenceKind::Regulation => "regulation",
        ReferenceKind::Directive => "directive",
        ReferenceKind::Standard => "standard",
        ReferenceKind::Other => "other",
    }
}

fn parse_reference_kind(s: &str) -> Option<ReferenceKind> {
    [
        ReferenceKind::Normen,
        ReferenceKind::FactSheet,
        ReferenceKind::Guide,
        ReferenceKind::Law,
        ReferenceKind::Regulation,
        ReferenceKind::Directive,
        ReferenceKind::Standard,
        ReferenceKind::Other,
    ]
    .into_iter()
    .find(|k| reference_kind_str(*k) == s)
}

fn status_str(status: CatalogStatus) -> &'static str {
    match status {
        CatalogStatus::Official => "official",
        CatalogStatus::Summary => "summary",
        CatalogStatus::Draft => "draft",
        CatalogStatus::Fixture => "fixture",
    }
}

fn parse_status(s: &str) -> Option<CatalogStatus> {
    [
        CatalogStatus::Official,
        CatalogStatus::Summary,
        CatalogStatus::Draft,
        CatalogStatus::Fixture,
    ]
    .into_iter()
    .find(|k| status_str(*k) == s)
}

// ----------------------------------------------------------------- export

/// A prop in our namespace.
fn prop(name: &str, value: &str) -> Value {
    json!({ "name": name, "ns": ETTERLEV_NS, "value": encode(value) })
}

/// A part in our namespace.
fn our_part(name: &str, prose: &str) -> Value {
    json!({ "name": name, "ns": ETTERLEV_NS, "prose": prose })
}

/// `name` with the bokmål text and `name-en` with the English one.
fn text_parts(parts: &mut Vec<Value>, name: &str, text: &LocalText) {
    parts.push(our_part(name, text.get("nb")));
    if let Some(en) = &text.en {
        parts.push(our_part(&format!("{name}-en"), en));
    }
}

/// `name-orig` and `name-orig-lang` for a text kept in its source
/// language; OSCAL's own field then holds what a reader is shown.
fn orig_props(props: &mut Vec<Value>, name: &str, text: &LocalText) {
    if let Some(orig) = &text.orig {
        props.push(prop(&format!("{name}-orig"), &orig.text));
        props.push(prop(&format!("{name}-orig-lang"), &orig.lang));
    }
}

/// A text read back from our own export: `nb` from `nb`, unless the
/// export carried the text in its source language (then there is none).
fn restored(props: &[Prop], name: &str, nb: String, en: Option<String>) -> LocalText {
    match (
        our_first(props, &format!("{name}-orig")),
        our_first(props, &format!("{name}-orig-lang")),
    ) {
        (Some(text), Some(lang)) => LocalText::original(lang, text, en),
        _ => LocalText::new(nb, en),
    }
}

fn insert_list(map: &mut Map<String, Value>, key: &str, list: Vec<Value>) {
    if !list.is_empty() {
        map.insert(key.to_owned(), Value::Array(list));
    }
}

struct Export<'a> {
    catalog: &'a Catalog,
    key: String,
    tokens: Vec<String>,
    allocated: Tokens,
    children: HashMap<&'a str, Vec<usize>>,
    done: Vec<bool>,
    resources: Vec<Value>,
}

impl<'a> Export<'a> {
    /// A back-matter resource for a reference, and its UUID.
    fn resource(&mut self, uuid_name: &str, role: &str, reference: &Reference) -> String {
        let uuid = stable_uuid(uuid_name);
        let (title, lossy) = one_line(&reference.title);
        let mut props = vec![
            prop("role", role),
            prop("reference-kind", reference_kind_str(reference.kind)),
        ];
        if lossy {
            props.push(prop("title", &reference.title));
        }
        if let Some(section) = &reference.section {
            props.push(prop("section", section));
        }
        let mut resource = Map::new();
        resource.insert("uuid".into(), json!(uuid));
        resource.insert("title".into(), json!(title));
        if let Some(url) = &reference.url {
            let href = uri_reference(url);
            if &href != url {
                props.push(prop("url", url));
            }
            resource.insert("rlinks".into(), json!([{ "href": href }]));
        }
        resource.insert("props".into(), Value::Array(props));
        self.resources.push(Value::Object(resource));
        uuid
    }

    /// The fields a group and a control share.
    fn body(&mut self, i: usize, as_group: bool) -> Map<String, Value> {
        let catalog = self.catalog;
        let node = &catalog.nodes[i];
        let mut out = Map::new();
        out.insert("id".into(), json!(self.tokens[i]));
        out.insert("class".into(), json!(node.kind.as_str()));
        let (title, lossy) = one_line(node.title.get("nb"));
        out.insert("title".into(), json!(title));

        let mut props = Vec::new();
        if let Some(number) = &node.number {
            props.push(json!({ "name": "label", "value": encode(number) }));
        }
        props.push(prop("etterlev-id", &node.id));
        props.push(prop("kind", node.kind.as_str()));
        props.push(prop("verified", if node.verified { "true" } else { "false" }));
        props.push(prop("order", &i.to_string()));
        if node.withdrawn {
            props.push(prop("withdrawn", "true"));
        }
        if lossy && !node.title.nb.is_empty() {
            props.push(prop("title", &node.title.nb));
        }
        if let Some(en) = &node.title.en {
            props.push(prop("title-en", en));
        }
        orig_props(&mut props, "title", &node.title);
        if let Some(text) = &node.text {
            orig_props(&mut props, "text", text);
        }
        props.extend(node.replaces.iter().map(|id| prop("replaces", id)));
        props.extend(node.related.iter().map(|id| prop("related", id)));
        props.extend(node.tags.iter().map(|tag| prop("tag", tag)));
        if let Some(applicability) = &node.applicability {
            props.push(prop(
                "applicability",
                if applicability.is_universal() {
                    "all"
                } else {
                    "restricted"
                },
            ));
            props.extend(
                applicability
                    .enterprise_kinds
                    .iter()
                    .map(|k| prop("enterprise-kind", k.as_str())),
            );
            props.extend(
                applicability
                    .size_classes
                    .iter()
                    .map(|k| prop("size-class", k.as_str())),
            );
            props.extend(applicability.conditions.iter().map(|k| prop("condition", k.as_str())));
        }
        out.insert("props".into(), Value::Array(props));

        let mut links = Vec::new();
        for (n, reference) in node.references.iter().enumerate() {
            let uuid = self.resource(&format!("{}/ref/{}/{n}", self.key, node.id), "reference", reference);
            let (text, _) = one_line(&reference.citation());
            links.push(json!({ "href": format!("#{uuid}"), "rel": "reference", "text": text }));
        }
        insert_list(&mut out, "links", links);

        let mut parts = Vec::new();
        if let Some(text) = &node.text {
            let name = match node.kind {
                _ if as_group => "overview",
                NodeKind::Guidance => "guidance",
                _ => "statement",
            };
            parts.push(json!({ "name": name, "prose": text.get("nb") }));
            if let Some(en) = &text.en {
                parts.push(our_part("text-en", en));
            }
        }
        if let Some(note) = node.applicability.as_ref().and_then(|a| a.note.as_ref()) {
            text_parts(&mut parts, "applicability-note", note);
        }
        if let Some(question) = &node.question {
            text_parts(&mut parts, "question", &question.text());
            if let Some(help) = &question.help {
                text_parts(&mut parts, "question-help", help);
            }
            parts.push(our_part("question-good-answer", question.good_answer.as_str()));
            if let Some(todo) = &question.todo {
                text_parts(&mut parts, "question-todo-title", &todo.title);
                text_parts(&mut parts, "question-todo-text", &todo.text);
            }
        }
        insert_list(&mut out, "parts", parts);
        out
    }

    /// The children of `i` not written yet, each claimed so it is written once.
    fn take_children(&mut self, i: usize) -> Vec<usize> {
        let id = self.catalog.nodes[i].id.as_str();
        let kids: Vec<usize> = self.children.get(id).cloned().unwrap_or_default();
        let mut out = Vec::new();
        for k in kids {
            if !self.done[k] {
                self.done[k] = true;
                out.push(k);
            }
        }
        out
    }

    fn control(&mut self, i: usize) -> Value {
        let mut out = self.body(i, false);
        let kids = self.take_children(i);
        let controls: Vec<Value> = kids.into_iter().map(|k| self.control(k)).collect();
        insert_list(&mut out, "controls", controls);
        Value::Object(out)
    }

    fn group(&mut self, i: usize) -> Value {
        let mut out = self.body(i, true);
        let kids = self.take_children(i);
        let has_groups = kids.iter().any(|&k| self.catalog.nodes[k].kind.is_structural());
        let has_controls = kids.iter().any(|&k| !self.catalog.nodes[k].kind.is_structural());
        if has_groups && has_controls {
            let mut groups = Vec::new();
            let mut controls = Vec::new();
            let mut wrapper_at = None;
            for k in kids {
                if self.catalog.nodes[k].kind.is_structural() {
                    groups.push(self.group(k));
                } else {
                    wrapper_at.get_or_insert(groups.len());
                    controls.push(self.control(k));
                }
            }
            let id = self.allocated.claim(format!("{}-controls", self.tokens[i]));
            let (title, _) = one_line(self.catalog.nodes[i].title.get("nb"));
            let wrapper = json!({ "id": id, "class": WRAPPER_CLASS, "title": title, "controls": controls });
            groups.insert(wrapper_at.unwrap_or(0).min(groups.len()), wrapper);
            out.insert("groups".into(), Value::Array(groups));
        } else if has_groups {
            let groups: Vec<Value> = kids.into_iter().map(|k| self.group(k)).collect();
            insert_list(&mut out, "groups", groups);
        } else {
            let controls: Vec<Value> = kids.into_iter().map(|k| self.control(k)).collect();
            insert_list(&mut out, "controls", controls);
        }
        Value::Object(out)
    }
}

fn metadata(catalog: &Catalog, key: &str, generated_at: &str) -> Value {
    let published = format!("{}T00:00:00Z", catalog.date);
    let published = is_oscal_date(&catalog.date).then_some(published);
    let last_modified = if is_oscal_timestamp(generated_at) {
        generated_at.to_owned()
    } else {
        published.clone().unwrap_or_else(|| "2000-01-01T00:00:00Z".to_owned())
    };
    let (title, title_lossy) = one_line(catalog.title.get("nb"));
    let party = stable_uuid(&format!("{key}/publisher"));
    let publisher = clean_string(&catalog.publisher);

    let mut props = vec![prop("schema", &catalog.schema), prop("catalog-id", &catalog.id)];
    if title_lossy && !catalog.title.nb.is_empty() {
        props.push(prop("title", &catalog.title.nb));
    }
    if let Some(en) = &catalog.title.en {
        props.push(prop("title-en", en));
    }
    orig_props(&mut props, "title", &catalog.title);
    if let Some(description) = &catalog.description {
        orig_props(&mut props, "description", description);
    }
    if let Some(short) = &catalog.short_title {
        props.push(prop("short-title", short.get("nb")));
        if let Some(en) = &short.en {
            props.push(prop("short-title-en", en));
        }
    }
    if publisher != catalog.publisher {
        props.push(prop("publisher", &catalog.publisher));
    }
    props.extend(catalog.languages.iter().map(|l| prop("language", l)));
    props.push(prop("date", &catalog.date));
    if let Some(status) = catalog.status {
        props.push(prop("status", status_str(status)));
    }
    if let Some(checked) = &catalog.last_source_check {
        props.push(prop("last-source-check", checked));
    }
    if let Some(en) = catalog.description.as_ref().and_then(|d| d.en.as_ref()) {
        props.push(prop("description-en", en));
    }

    let mut out = Map::new();
    out.insert("title".into(), json!(title));
    if let Some(published) = published {
        out.insert("published".into(), json!(published));
    }
    out.insert("last-modified".into(), json!(last_modified));
    out.insert("version".into(), json!(encode(&catalog.version)));
    out.insert("oscal-version".into(), json!(OSCAL_VERSION));
    out.insert("props".into(), Value::Array(props));
    out.insert("roles".into(), json!([{ "id": "publisher", "title": "Publisher" }]));
    out.insert(
        "parties".into(),
        json!([{ "uuid": party, "type": "organization", "name": publisher }]),
    );
    out.insert(
        "responsible-parties".into(),
        json!([{ "role-id": "publisher", "party-uuids": [party] }]),
    );
    if let Some(description) = &catalog.description {
        out.insert("remarks".into(), json!(description.get("nb")));
    }
    Value::Object(out)
}

/// The catalogue as an OSCAL catalog document (`{"catalog": {...}}`).
///
/// `generated_at` is the RFC 3339 time of the export, used as
/// `last-modified`; if it is not a valid timestamp the catalogue's own date
/// is used instead. The same catalogue and time always give the same bytes.
pub fn to_oscal(catalog: &Catalog, generated_at: &str) -> Value {
    let key = catalog.key();
    let mut allocated = Tokens::default();
    let tokens: Vec<String> = catalog
        .nodes
        .iter()
        .map(|n| allocated.claim(token_for(&n.id)))
        .collect();
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    let ids: HashSet<&str> = catalog.nodes.iter().map(|n| n.id.as_str()).collect();
    let mut top = Vec::new();
    for (i, node) in catalog.nodes.iter().enumerate() {
        match node.parent.as_deref() {
            Some(parent) if ids.contains(parent) && parent != node.id => children.entry(parent).or_default().push(i),
            _ => top.push(i),
        }
    }
    let mut export = Export {
        catalog,
        key: key.clone(),
        tokens,
        allocated,
        children,
        done: vec![false; catalog.nodes.len()],
        resources: Vec::new(),
    };
    for (n, source) in catalog.source.iter().enumerate() {
        export.resource(&format!("{key}/source/{n}"), "source", source);
    }

    let mut groups = Vec::new();
    let mut controls = Vec::new();
    // Top-level nodes first, then whatever a broken parent chain (a cycle)
    // left unreachable, so no node is ever dropped.
    let rest: Vec<usize> = (0..catalog.nodes.len()).collect();
    for i in top.into_iter().chain(rest) {
        if std::mem::replace(&mut export.done[i], true) {
            continue;
        }
        if catalog.nodes[i].kind.is_structural() {
            groups.push(export.group(i));
        } else {
            controls.push(export.control(i));
        }
    }

    let mut out = Map::new();
    out.insert("uuid".into(), json!(stable_uuid(&key)));
    out.insert("metadata".into(), metadata(catalog, &key, generated_at));
    insert_list(&mut out, "controls", controls);
    insert_list(&mut out, "groups", groups);
    if !export.resources.is_empty() {
        out.insert("back-matter".into(), json!({ "resources": export.resources }));
    }
    json!({ "catalog": Value::Object(out) })
}

// ----------------------------------------------------------------- import

fn diagnostic(code: &'static str, message: String, hint: &str) -> Diagnostic {
    Diagnostic {
        file: SOURCE.to_owned(),
        line: None,
        code,
        message,
        hint: hint.to_owned(),
    }
}

/// One prop as read: name, namespace, decoded value.
struct Prop {
    name: String,
    ns: Option<String>,
    value: String,
}

fn props_of(object: &Map<String, Value>) -> Vec<Prop> {
    let Some(list) = object.get("props").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|p| {
            Some(Prop {
                name: p.get("name")?.as_str()?.to_owned(),
                ns: p.get("ns").and_then(Value::as_str).map(str::to_owned),
                value: decode(p.get("value")?.as_str()?),
            })
        })
        .collect()
}

fn ours<'p>(props: &'p [Prop], name: &'p str) -> impl Iterator<Item = &'p str> + 'p {
    props
        .iter()
        .filter(move |p| p.name == name && p.ns.as_deref() == Some(ETTERLEV_NS))
        .map(|p| p.value.as_str())
}

fn our_first(props: &[Prop], name: &str) -> Option<String> {
    ours(props, name).next().map(str::to_owned)
}

fn parts_of(object: &Map<String, Value>) -> Vec<&Map<String, Value>> {
    object
        .get("parts")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default()
}

fn part_ns(part: &Map<String, Value>) -> Option<&str> {
    part.get("ns").and_then(Value::as_str)
}

fn part_name(part: &Map<String, Value>) -> &str {
    part.get("name").and_then(Value::as_str).unwrap_or_default()
}

fn our_prose(parts: &[&Map<String, Value>], name: &str) -> Option<String> {
    parts
        .iter()
        .find(|p| part_name(p) == name && part_ns(p) == Some(ETTERLEV_NS))
        .and_then(|p| p.get("prose").and_then(Value::as_str))
        .map(str::to_owned)
}

fn our_text(parts: &[&Map<String, Value>], name: &str) -> Option<LocalText> {
    our_prose(parts, name).map(|nb| LocalText::new(nb, our_prose(parts, &format!("{name}-en"))))
}

/// The prose of a foreign part and its sub-parts, each line led by its
/// label ("a.", "1."), as one text.
fn flatten_prose(part: &Map<String, Value>, depth: usize, out: &mut Vec<String>) {
    let label = props_of(part).into_iter().find(|p| p.name == "label").map(|p| p.value);
    let prose = part
        .get("prose")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let indent = "  ".repeat(depth);
    match (label, prose) {
        (Some(label), Some(prose)) => out.push(format!("{indent}{label} {prose}")),
        (None, Some(prose)) => out.push(format!("{indent}{prose}")),
        (Some(label), None) => out.push(format!("{indent}{label}")),
        (None, None) => {}
    }
    let deeper = if part.contains_key("prose") { depth + 1 } else { depth };
    for sub in parts_of(part) {
        flatten_prose(sub, deeper, out);
    }
}

/// Letters, digits, '.', '_' and '-', starting with a letter or digit, at
/// most 80 characters: our node id pattern.
pub(crate) fn sanitize_node_id(raw: &str) -> Option<String> {
    let mut out = String::new();
    for c in raw.trim().chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .trim_end_matches('-');
    let cut: String = trimmed.chars().take(80).collect();
    let cut = cut.trim_end_matches('-').to_owned();
    (!cut.is_empty()).then_some(cut)
}

/// A node id not used yet: `base`, else `base-2`, `base-3` … within 80 chars.
pub(crate) fn unique_id(base: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = base.to_owned();
    let mut n = 2;
    while used.contains(&candidate) {
        let suffix = format!("-{n}");
        let keep: String = base.chars().take(80 - suffix.len()).collect();
        candidate = format!("{keep}{suffix}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// A version our schema accepts (`^[0-9A-Za-z][0-9A-Za-z.\-]{0,31}$`).
pub(crate) fn sanitize_version(raw: &str) -> Option<String> {
    let mapped: String = raw
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' })
        .collect();
    let trimmed = mapped.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    let cut: String = trimmed.chars().take(32).collect();
    (!cut.is_empty()).then_some(cut)
}

fn trimmed(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn is_http_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.split_once("://").is_some_and(|(_, rest)| !rest.is_empty())
        && !s.chars().any(char::is_whitespace)
}

struct Import<'v> {
    /// Whether the document is one of our exports (restore exactly).
    ours: bool,
    /// Parameter id to the text that stands in for it in foreign prose.
    params: HashMap<String, String>,
    resources: HashMap<&'v str, &'v Map<String, Value>>,
    nodes: Vec<(Node, Option<usize>)>,
    used: HashSet<String>,
    problems: Vec<Diagnostic>,
}

impl<'v> Import<'v> {
    fn reference(&self, resource: &Map<String, Value>, fallback: &str) -> Reference {
        let props = props_of(resource);
        let kind = our_first(&props, "reference-kind")
            .and_then(|k| parse_reference_kind(&k))
            .unwrap_or(ReferenceKind::Other);
        let oscal_title = resource.get("title").and_then(Value::as_str);
        let title = our_first(&props, "title")
            .or_else(|| {
                if self.ours {
                    oscal_title.map(str::to_owned)
                } else {
                    trimmed(oscal_title)
                }
            })
            .or_else(|| {
                trimmed(
                    resource
                        .get("citation")
                        .and_then(|c| c.get("text"))
                        .and_then(Value::as_str),
                )
            })
            .or_else(|| trimmed(resource.get("description").and_then(Value::as_str)))
            .unwrap_or_else(|| fallback.to_owned());
        let href = resource
            .get("rlinks")
            .and_then(Value::as_array)
            .and_then(|l| l.iter().find_map(|r| r.get("href").and_then(Value::as_str)));
        let url = our_first(&props, "url").or_else(|| href.filter(|h| is_http_url(h)).map(str::to_owned));
        Reference {
            kind,
            title,
            section: our_first(&props, "section"),
            url,
        }
    }

    fn references(&self, object: &Map<String, Value>) -> Vec<Reference> {
        let Some(links) = object.get("links").and_then(Value::as_array) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for link in links.iter().filter_map(Value::as_object) {
            let Some(href) = link.get("href").and_then(Value::as_str) else {
                continue;
            };
            let rel = link.get("rel").and_then(Value::as_str);
            let text = trimmed(link.get("text").and_then(Value::as_str));
            if let Some(uuid) = href.strip_prefix('#') {
                if let Some(resource) = self.resources.get(uuid) {
                    out.push(self.reference(resource, text.as_deref().unwrap_or(href)));
                }
            } else if rel == Some("reference") && is_http_url(href) {
                let title = text.unwrap_or_else(|| href.to_owned());
                out.push(Reference {
                    kind: ReferenceKind::Other,
                    title,
                    section: None,
                    url: Some(href.to_owned()),
                });
            }
        }
        out
    }

    fn enum_values<T>(&mut self, props: &[Prop], name: &str, parse: fn(&str) -> Option<T>, id: &str) -> Vec<T> {
        let mut out = Vec::new();
        for value in ours(props, name) {
            match parse(value) {
                Some(v) => out.push(v),
                None => self.problems.push(diagnostic(
                    "oscal-value",
                    format!("node `{id}`: `{value}` is not a valid {name}"),
                    "use a value from catalog/schema/catalog.schema.json",
                )),
            }
        }
        out
    }

    /// The node a group or control stands for.
    fn node(
        &mut self,
        object: &Map<String, Value>,
        parent: Option<&str>,
        default_kind: NodeKind,
        as_group: bool,
    ) -> Node {
        let props = props_of(object);
        let oscal_id = object.get("id").and_then(Value::as_str).unwrap_or_default();
        let id = match our_first(&props, "etterlev-id") {
            Some(id) if self.ours => {
                self.used.insert(id.clone());
                id
            }
            _ => {
                let base = sanitize_node_id(oscal_id).unwrap_or_else(|| format!("node-{}", self.nodes.len() + 1));
                unique_id(&base, &mut self.used)
            }
        };
        let kind = match our_first(&props, "kind") {
            Some(kind) if self.ours => NodeKind::parse(&kind).unwrap_or_else(|| {
                self.problems.push(diagnostic(
                    "oscal-value",
                    format!("node `{id}`: `{kind}` is not a node kind"),
                    "kinds are chapter, section, requirement, recommendation and guidance",
                ));
                default_kind
            }),
            _ => object
                .get("class")
                .and_then(Value::as_str)
                .and_then(NodeKind::parse)
                .filter(|k| k.is_structural() == as_group)
                .unwrap_or(default_kind),
        };
        // OSCAL marks a withdrawn control with the prop `status: withdrawn`
        // (NIST's rev4 catalog writes `Withdrawn`); it stays as guidance.
        let withdrawn = if self.ours {
            our_first(&props, "withdrawn").as_deref() == Some("true")
        } else {
            props
                .iter()
                .any(|p| p.ns.is_none() && p.name == "status" && p.value.trim().eq_ignore_ascii_case("withdrawn"))
        };
        let kind = if withdrawn && kind.is_assessable() {
            NodeKind::Guidance
        } else {
            kind
        };
        let number = props
            .iter()
            .find(|p| p.name == "label" && p.ns.is_none())
            .or_else(|| props.iter().find(|p| p.name == "label"))
            .map(|p| p.value.clone());
        let number = if self.ours {
            number
        } else {
            number.and_then(|n| trimmed(Some(&n)))
        };
        let oscal_title = object.get("title").and_then(Value::as_str);
        let parts = parts_of(object);

        let (title, text, verified);
        if self.ours {
            let nb = our_first(&props, "title")
                .or(oscal_title.map(str::to_owned))
                .unwrap_or_else(|| id.clone());
            title = restored(&props, "title", nb, our_first(&props, "title-en"));
            let prose = parts
                .iter()
                .find(|p| part_ns(p).is_none() && matches!(part_name(p), "statement" | "overview" | "guidance"))
                .and_then(|p| p.get("prose").and_then(Value::as_str));
            text = prose.map(|nb| restored(&props, "text", nb.to_owned(), our_prose(&parts, "text-en")));
            verified = match our_first(&props, "verified").as_deref() {
                Some("true") => true,
                Some("false") | None => false,
                Some(other) => {
                    self.problems.push(diagnostic(
                        "oscal-value",
                        format!("node `{id}`: verified is `{other}`, not true or false"),
                        "verified is true or false",
                    ));
                    false
                }
            };
        } else {
            let nb = trimmed(oscal_title).unwrap_or_else(|| id.clone());
            title = LocalText::new(nb.clone(), Some(nb));
            let mut lines = Vec::new();
            for name in ["statement", "overview", "guidance"] {
                if let Some(part) = parts.iter().find(|p| part_name(p) == name) {
                    flatten_prose(part, 0, &mut lines);
                }
                if !lines.is_empty() {
                    break;
                }
            }
            if withdrawn && lines.is_empty() {
                lines.push(withdrawn_note(object));
            }
            let joined = substitute_params(&lines.join("\n"), &self.params);
            text = match trimmed(Some(&joined)) {
                Some(t) => Some(LocalText::new(t.clone(), Some(t))),
                None if kind.is_assessable() => Some(title.clone()),
                None => None,
            };
            verified = false;
        }

        let enterprise_kinds = self.enum_values(&props, "enterprise-kind", etterlev_core::TenantKind::parse, &id);
        let size_classes = self.enum_values(&props, "size-class", etterlev_core::SizeClass::parse, &id);
        let conditions = self.enum_values(&props, "condition", etterlev_core::Condition::parse, &id);
        let note = our_text(&parts, "applicability-note");
        let applicability = (our_first(&props, "applicability").is_some()
            || !enterprise_kinds.is_empty()
            || !size_classes.is_empty()
            || !conditions.is_empty()
            || note.is_some())
        .then_some(Applicability {
            enterprise_kinds,
            size_classes,
            conditions,
            note,
        });
        // Exports made before questions named their good answer and todo
        // read as "yes is good" without a todo.
        let question = our_text(&parts, "question").map(|q| Question {
            nb: q.nb,
            en: q.en,
            good_answer: our_prose(&parts, "question-good-answer")
                .and_then(|g| etterlev_core::GoodAnswer::parse(g.trim()))
                .unwrap_or(etterlev_core::GoodAnswer::Yes),
            help: our_text(&parts, "question-help"),
            todo: match (
                our_text(&parts, "question-todo-title"),
                our_text(&parts, "question-todo-text"),
            ) {
                (Some(title), Some(text)) => Some(Todo { title, text }),
                _ => None,
            },
        });
        Node {
            id,
            parent: parent.map(str::to_owned),
            replaces: ours(&props, "replaces").map(str::to_owned).collect(),
            kind,
            withdrawn,
            number,
            title,
            text,
            applicability,
            tags: ours(&props, "tag").map(str::to_owned).collect(),
            references: self.references(object),
            related: ours(&props, "related").map(str::to_owned).collect(),
            question,
            verified,
        }
    }

    fn push(&mut self, node: Node, object: &Map<String, Value>) -> String {
        let order = our_first(&props_of(object), "order")
            .and_then(|o| o.parse().ok())
            .filter(|_| self.ours);
        let id = node.id.clone();
        self.nodes.push((node, order));
        id
    }

    fn group(&mut self, group: &Map<String, Value>, parent: Option<&str>) {
        let wrapper = self.ours && group.get("class").and_then(Value::as_str) == Some(WRAPPER_CLASS);
        let id = if wrapper {
            parent.map(str::to_owned)
        } else {
            let default = if parent.is_none() {
                NodeKind::Chapter
            } else {
                NodeKind::Section
            };
            let node = self.node(group, parent, default, true);
            Some(self.push(node, group))
        };
        for child in group
            .get("groups")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
        {
            self.group(child, id.as_deref());
        }
        for child in group
            .get("controls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
        {
            self.control(child, id.as_deref());
        }
    }

    fn control(&mut self, control: &Map<String, Value>, parent: Option<&str>) {
        let node = self.node(control, parent, NodeKind::Requirement, false);
        let id = self.push(node, control);
        for child in control
            .get("controls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
        {
            self.control(child, Some(&id));
        }
    }
}

/// "Withdrawn; incorporated into ac-6, ac-2." from a withdrawn control's
/// `incorporated-into` and `moved-to` links.
fn withdrawn_note(object: &Map<String, Value>) -> String {
    let targets = |rel: &str| -> Vec<String> {
        object
            .get("links")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|l| l.get("rel").and_then(Value::as_str) == Some(rel))
            .filter_map(|l| l.get("href").and_then(Value::as_str))
            .map(|h| h.trim_start_matches('#').to_owned())
            .filter(|h| !h.is_empty())
            .collect()
    };
    let mut note = "Withdrawn".to_owned();
    for (rel, words) in [("incorporated-into", "incorporated into"), ("moved-to", "moved to")] {
        let list = targets(rel);
        if !list.is_empty() {
            note.push_str(&format!("; {words} {}", list.join(", ")));
        }
    }
    note.push('.');
    note
}

/// Every parameter of a foreign catalog by id (the first one wins).
fn collect_params<'v>(value: &'v Value, out: &mut HashMap<String, &'v Map<String, Value>>) {
    match value {
        Value::Object(map) => {
            for param in map
                .get("params")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
            {
                if let Some(id) = param.get("id").and_then(Value::as_str) {
                    out.entry(id.to_owned()).or_insert(param);
                }
            }
            map.values().for_each(|v| collect_params(v, out));
        }
        Value::Array(list) => list.iter().for_each(|v| collect_params(v, out)),
        _ => {}
    }
}

/// How deep parameters may refer to parameters before we stop resolving
/// (a loop in a broken catalog must not recurse for ever).
const MAX_PARAM_DEPTH: usize = 8;

/// The text that stands in for a parameter, as OSCAL defines it and NIST
/// renders it: its set value(s); else its choices, "[Selection (one or
/// more): a; b]"; else its label, "[Assignment: label]". Parameters inside
/// choices and labels are resolved too.
fn render_param(id: &str, raw: &HashMap<String, &Map<String, Value>>, depth: usize) -> String {
    let fallback = || format!("[Assignment: {id}]");
    let Some(param) = raw.get(id) else {
        return fallback();
    };
    if depth >= MAX_PARAM_DEPTH {
        return fallback();
    }
    let inner = |text: &str| {
        let resolved = substitute_with(text, &|p: &str| Some(render_param(p, raw, depth + 1)));
        resolved.trim().to_owned()
    };
    let strings = |value: Option<&Value>| -> Vec<String> {
        value
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(inner)
            .filter(|s| !s.is_empty())
            .collect()
    };
    let values = strings(param.get("values"));
    if !values.is_empty() {
        return values.join(", ");
    }
    let select = param.get("select");
    let choices = strings(select.and_then(|s| s.get("choice")));
    if !choices.is_empty() {
        let many = select.and_then(|s| s.get("how-many")).and_then(Value::as_str) == Some("one-or-more");
        let lead = if many { "Selection (one or more)" } else { "Selection" };
        return format!("[{lead}: {}]", choices.join("; "));
    }
    match param.get("label").and_then(Value::as_str).map(inner) {
        Some(label) if !label.is_empty() => format!("[Assignment: {label}]"),
        _ => fallback(),
    }
}

/// The text for every parameter of a foreign catalog, by id.
fn param_texts(value: &Value) -> HashMap<String, String> {
    let mut raw = HashMap::new();
    collect_params(value, &mut raw);
    raw.keys().map(|id| (id.clone(), render_param(id, &raw, 0))).collect()
}

/// Foreign prose with `{{ insert: param, id }}` replaced by the parameter's
/// text; other moustaches are left as they are.
fn substitute_params(prose: &str, params: &HashMap<String, String>) -> String {
    substitute_with(prose, &|id: &str| {
        Some(params.get(id).cloned().unwrap_or_else(|| format!("[Assignment: {id}]")))
    })
}

/// `prose` with each `{{ insert: param, id }}` replaced by `lookup(id)`.
fn substitute_with(prose: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(prose.len());
    let mut rest = prose;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else { break };
        let inner = &rest[start + 2..start + len];
        let mut fields = inner.trim().splitn(2, ',');
        let replacement = match (fields.next().map(str::trim), fields.next().map(str::trim)) {
            (Some("insert: param"), Some(id)) => lookup(id),
            _ => None,
        };
        out.push_str(&rest[..start]);
        match replacement {
            Some(text) => out.push_str(&text),
            None => out.push_str(&rest[start..start + len + 2]),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// Reads an OSCAL catalog document (JSON). Our own exports come back equal
/// to the catalogue exported; foreign catalogs get defaults for what they
/// lack. The result passes the same checks as a catalogue file, or the
/// problems come back as diagnostics.
pub fn from_oscal(json: &[u8]) -> Result<Catalog, Vec<Diagnostic>> {
    if json.len() > MAX_FILE_BYTES {
        return Err(vec![diagnostic(
            "too-large",
            format!("document is {} bytes; the limit is {MAX_FILE_BYTES}", json.len()),
            "split the catalog or check that this is the right file",
        )]);
    }
    let value: Value = serde_json::from_slice(json).map_err(|e| {
        vec![Diagnostic {
            file: SOURCE.to_owned(),
            line: Some(e.line() as u64).filter(|&l| l > 0),
            code: "json",
            message: e.to_string(),
            hint: "an OSCAL catalog in JSON format is expected; XML and YAML are not read".to_owned(),
        }]
    })?;
    let Some(root) = value.get("catalog").and_then(Value::as_object) else {
        let found = value
            .as_object()
            .and_then(|o| o.keys().next().cloned())
            .unwrap_or_else(|| "no object".to_owned());
        return Err(vec![diagnostic(
            "not-a-catalog",
            format!("no top-level `catalog` object (found {found})"),
            "only the OSCAL catalog model can be imported; resolve a profile to a catalog first",
        )]);
    };
    let empty = Map::new();
    let metadata = root.get("metadata").and_then(Value::as_object).unwrap_or(&empty);
    let meta = props_of(metadata);
    let ours = our_first(&meta, "schema").is_some();

    let mut resources = HashMap::new();
    let back_matter = root
        .get("back-matter")
        .and_then(|b| b.get("resources"))
        .and_then(Value::as_array);
    for resource in back_matter.into_iter().flatten().filter_map(Value::as_object) {
        if let Some(uuid) = resource.get("uuid").and_then(Value::as_str) {
            resources.entry(uuid).or_insert(resource);
        }
    }
    let params = if ours { HashMap::new() } else { param_texts(&value) };
    let mut import = Import {
        ours,
        params,
        resources,
        nodes: Vec::new(),
        used: HashSet::new(),
        problems: Vec::new(),
    };
    // Controls first, as they come before groups in the OSCAL model; our
    // exports put every node back in place by its `order` prop.
    for control in root
        .get("controls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        import.control(control, None);
    }
    for group in root
        .get("groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        import.group(group, None);
    }
    let mut nodes = std::mem::take(&mut import.nodes);
    if ours {
        nodes.sort_by_key(|(_, order)| order.unwrap_or(usize::MAX));
    }
    let nodes: Vec<Node> = nodes.into_iter().map(|(n, _)| n).collect();

    let oscal_title = metadata.get("title").and_then(Value::as_str);
    let remarks = metadata.get("remarks").and_then(Value::as_str);
    let party = metadata
        .get("parties")
        .and_then(Value::as_array)
        .and_then(|l| l.iter().find_map(|p| trimmed(p.get("name").and_then(Value::as_str))));
    let oscal_version = metadata.get("version").and_then(Value::as_str).map(decode);
    let catalog = if ours {
        let title = our_first(&meta, "title")
            .or(oscal_title.map(str::to_owned))
            .unwrap_or_default();
        let short_title =
            our_first(&meta, "short-title").map(|nb| LocalText::new(nb, our_first(&meta, "short-title-en")));
        let mut sources = Vec::new();
        for resource in back_matter.into_iter().flatten().filter_map(Value::as_object) {
            if our_first(&props_of(resource), "role").as_deref() == Some("source") {
                sources.push(import.reference(resource, "source"));
            }
        }
        let status = match our_first(&meta, "status") {
            Some(s) => parse_status(&s).or_else(|| {
                import.problems.push(diagnostic(
                    "oscal-value",
                    format!("`{s}` is not a catalogue status"),
                    "statuses are official, summary, draft and fixture",
                ));
                None
            }),
            None => None,
        };
        Catalog {
            schema: our_first(&meta, "schema").unwrap_or_else(|| CATALOG_SCHEMA.to_owned()),
            id: our_first(&meta, "catalog-id").unwrap_or_default(),
            version: oscal_version.unwrap_or_default(),
            title: restored(&meta, "title", title, our_first(&meta, "title-en")),
            short_title,
            publisher: our_first(&meta, "publisher").or(party).unwrap_or_default(),
            languages: ours_list(&meta, "language"),
            date: our_first(&meta, "date").unwrap_or_default(),
            status,
            description: remarks
                .map(|nb| restored(&meta, "description", nb.to_owned(), our_first(&meta, "description-en"))),
            source: sources,
            last_source_check: our_first(&meta, "last-source-check"),
            nodes,
        }
    } else {
        let title = trimmed(oscal_title).unwrap_or_else(|| "Imported OSCAL catalog".to_owned());
        let date = ["published", "last-modified"]
            .iter()
            .filter_map(|k| metadata.get(*k).and_then(Value::as_str))
            .filter_map(|ts| ts.get(..10))
            .find(|d| is_oscal_date(d))
            .unwrap_or("1970-01-01")
            .to_owned();
        let description = trimmed(remarks).map(|r| LocalText::new(r.clone(), Some(r)));
        Catalog {
            schema: CATALOG_SCHEMA.to_owned(),
            id: foreign_id(&oscal_publisher(metadata), &short_reference(&title)),
            version: oscal_version
                .as_deref()
                .and_then(sanitize_version)
                .unwrap_or_else(|| "1".to_owned()),
            title: LocalText::new(title.clone(), Some(title.clone())),
            short_title: None,
            publisher: party.unwrap_or_else(|| "Unknown publisher".to_owned()),
            languages: vec!["en".to_owned()],
            date,
            status: Some(CatalogStatus::Draft),
            description,
            source: vec![Reference {
                kind: ReferenceKind::Other,
                title: format!("{title} (OSCAL catalog)"),
                section: None,
                url: None,
            }],
            last_source_check: None,
            nodes,
        }
    };
    let mut problems = import.problems;
    if problems.is_empty() {
        problems = load::check(SOURCE, &catalog);
    }
    if problems.is_empty() {
        Ok(catalog)
    } else {
        Err(problems)
    }
}

/// A short name for the publisher of a foreign catalog, for its id: the
/// first party's short name, else the name in its e-mail domain
/// (`sec-cert@nist.gov` gives `nist`), else its name.
fn oscal_publisher(metadata: &Map<String, Value>) -> String {
    let parties: Vec<&Map<String, Value>> = metadata
        .get("parties")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let short = parties
        .iter()
        .find_map(|p| trimmed(p.get("short-name").and_then(Value::as_str)));
    let domain = || {
        parties.iter().find_map(|p| {
            let email = p.get("email-addresses")?.as_array()?.iter().find_map(Value::as_str)?;
            let domain = email.rsplit_once('@')?.1;
            let labels: Vec<&str> = domain.split('.').filter(|l| !l.is_empty()).collect();
            let name = labels.len().checked_sub(2).and_then(|i| labels.get(i))?;
            trimmed(Some(name))
        })
    };
    let name = || {
        parties
            .iter()
            .find_map(|p| trimmed(p.get("name").and_then(Value::as_str)))
    };
    short
        .or_else(domain)
        .or_else(name)
        .unwrap_or_else(|| "oscal".to_owned())
}

fn ours_list(props: &[Prop], name: &str) -> Vec<String> {
    ours(props, name).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v5_matches_the_standard() {
        // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
        assert_eq!(
            uuid_v5(&Uuid::NAMESPACE_DNS, "python.org").to_string(),
            "886313e1-3b8a-5372-9b90-0c9aee199e5d"
        );
    }

    #[test]
    fn encode_round_trips_and_fits_the_oscal_string_type() {
        for s in [
            "plain",
            " lead",
            "trail ",
            "two\nlines",
            "\"quoted\"",
            "",
            "\u{2028}x",
            "a\u{feff}",
            "æøå",
        ] {
            let e = encode(s);
            assert!(is_oscal_string(&e), "{s:?} -> {e:?}");
            assert_eq!(decode(&e), s);
        }
    }

    #[test]
    fn parameters_in_foreign_prose_are_filled_in() {
        let params = HashMap::from([("p1".to_owned(), "[Assignment: staff]".to_owned())]);
        let cases = [
            ("Tell {{ insert: param, p1 }} now.", "Tell [Assignment: staff] now."),
            ("{{insert: param,p2}}", "[Assignment: p2]"),
            ("{{ other }} and {{ unclosed", "{{ other }} and {{ unclosed"),
            ("æ{{ insert: param, p1 }}ø", "æ[Assignment: staff]ø"),
        ];
        for (prose, expected) in cases {
            assert_eq!(substitute_params(prose, &params), expected);
        }
    }

    #[test]
    fn tokens_start_with_a_letter_and_stay_unique() {
        assert_eq!(token_for("2.1-a"), "n-2.1-a");
        assert_eq!(token_for("art21"), "art21");
        let mut tokens = Tokens::default();
        assert_eq!(tokens.claim("x".into()), "x");
        assert_eq!(tokens.claim("x".into()), "x_2");
    }

    #[test]
    fn timestamps_follow_the_oscal_pattern() {
        for ok in [
            "2026-11-24T10:00:00Z",
            "2024-02-29T23:59:59.123+05:30",
            "2000-02-29T00:00:00-12:00",
        ] {
            assert!(is_oscal_timestamp(ok), "{ok}");
        }
        for bad in [
            "2026-11-24",
            "2023-02-29T00:00:00Z",
            "2026-11-24T24:00:00Z",
            "2026-11-24T10:00:00+15:00",
            "x",
        ] {
            assert!(!is_oscal_timestamp(bad), "{bad}");
        }
    }

    #[test]
    fn ids_slugs_and_versions_are_sanitised() {
        assert_eq!(sanitize_node_id(" A.5.1 (a) ").as_deref(), Some("A.5.1-a"));
        assert_eq!(sanitize_node_id("§§"), None);
        assert_eq!(
            crate::ids::slug_full("NIST SP 800-53 Rev. 5").as_deref(),
            Some("nist-sp-800-53-rev-5")
        );
        assert_eq!(
            crate::ids::slug_full("Sikkerhet på sykehus").as_deref(),
            Some("sikkerhet-pa-sykehus")
        );
        assert_eq!(sanitize_version("v 1.0/2").as_deref(), Some("v-1.0-2"));
        let mut used = HashSet::new();
        assert_eq!(unique_id("a", &mut used), "a");
        assert_eq!(unique_id("a", &mut used), "a-2");
    }
}
