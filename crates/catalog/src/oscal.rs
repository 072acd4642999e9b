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

fn numbering_str(n: crate::model::Numbering) -> &'static str {
    match n {
        crate::model::Numbering::Source => "source",
        crate::model::Numbering::Reconstructed => "reconstructed",
    }
}

/// A numbering read back from our own export.
pub(crate) fn numbering_from(s: &str) -> Option<crate::model::Numbering> {
    [crate::model::Numbering::Source, crate::model::Numbering::Reconstructed]
        .into_iter()
        .find(|n| numbering_str(*n) == s)
}

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
        if let Some(page) = &reference.page {
            props.push(prop("page", page));
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
        if let Some(numbering) = node.numbering {
            props.push(prop("numbering", numbering_str(numbering)));
        }
        for check in &node.checks {
            props.push(prop("check-date", &check.date));
            props.push(prop("check-url", &check.url));
            props.push(prop("check-confirmed", &check.confirmed));
        }
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
    if let Some(numbering) = catalog.numbering {
        props.push(prop("numbering", numbering_str(numbering)));
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

mod import;
#[allow(unused_imports)]
pub use import::*;
