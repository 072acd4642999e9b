//! The catalogue as data: the same shapes as `catalog/schema/*.json`.
//!
//! Files are validated against the JSON Schema before they are turned into
//! these types, so serde errors here mean a bug in the schema, not in a file.

use std::collections::HashMap;

use etterlev_core::{Condition, SizeClass, TenantKind};
use serde::{Deserialize, Serialize};

pub const CATALOG_SCHEMA: &str = "etterlev/catalog/v1";
pub const MAPPING_SCHEMA: &str = "etterlev/mapping/v1";

/// Text in Norwegian bokmål, and English where a translation exists.
///
/// An imported text in another language (French, German …) is kept in
/// `orig` with its language code, and then `nb` is empty: such a text is
/// never presented as bokmål. [`LocalText::get`] falls back to English and
/// then to the original, so a screen always has something to show, and
/// [`LocalText::shown_lang`] says which language that was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LocalText {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub nb: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orig: Option<OrigText>,
}

/// A text in its source language when that is neither bokmål nor English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrigText {
    /// ISO 639-1 (or 639-2) code, lowercase: `fr`, `de` …
    pub lang: String,
    pub text: String,
}

impl LocalText {
    pub fn new(nb: impl Into<String>, en: Option<String>) -> Self {
        LocalText {
            nb: nb.into(),
            en,
            orig: None,
        }
    }

    /// A text known only in its source language `lang` (and perhaps in an
    /// English translation); no bokmål.
    pub fn original(lang: impl Into<String>, text: impl Into<String>, en: Option<String>) -> Self {
        LocalText {
            nb: String::new(),
            en,
            orig: Some(OrigText {
                lang: lang.into(),
                text: text.into(),
            }),
        }
    }

    /// The text in `lang` ("en" or anything else for bokmål). Without a
    /// text in that language: bokmål, then English, then the original.
    pub fn get(&self, lang: &str) -> &str {
        self.pick(lang).1
    }

    /// The language of what [`LocalText::get`] gives for `lang`: "nb", "en"
    /// or the original's code.
    pub fn shown_lang(&self, lang: &str) -> &str {
        self.pick(lang).0
    }

    fn pick(&self, lang: &str) -> (&str, &str) {
        match (lang, &self.en) {
            ("en", Some(en)) => ("en", en),
            _ if !self.nb.is_empty() => ("nb", &self.nb),
            (_, Some(en)) => ("en", en),
            _ => match &self.orig {
                Some(orig) => (orig.lang.as_str(), orig.text.as_str()),
                None => ("nb", &self.nb),
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Chapter,
    Section,
    /// "skal": a duty.
    Requirement,
    /// "bør": expected unless there is a documented reason not to.
    Recommendation,
    Guidance,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Chapter => "chapter",
            NodeKind::Section => "section",
            NodeKind::Requirement => "requirement",
            NodeKind::Recommendation => "recommendation",
            NodeKind::Guidance => "guidance",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Chapter,
            Self::Section,
            Self::Requirement,
            Self::Recommendation,
            Self::Guidance,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Requirements and recommendations are what an enterprise answers for.
    pub fn is_assessable(self) -> bool {
        matches!(self, NodeKind::Requirement | NodeKind::Recommendation)
    }

    /// Chapters and sections only structure the tree.
    pub fn is_structural(self) -> bool {
        matches!(self, NodeKind::Chapter | NodeKind::Section)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    Normen,
    FactSheet,
    Guide,
    Law,
    Regulation,
    Directive,
    Standard,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub kind: ReferenceKind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Page or pages in the document, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

impl Reference {
    /// Laws, regulations, directives and standards are named documents that
    /// a reader finds by their name; everything else needs an address.
    pub fn is_named_document(&self) -> bool {
        matches!(
            self.kind,
            ReferenceKind::Law | ReferenceKind::Regulation | ReferenceKind::Directive | ReferenceKind::Standard
        )
    }

    /// "Title, section" as a one-line citation.
    pub fn citation(&self) -> String {
        let mut out = self.title.clone();
        for part in [&self.section, &self.page].into_iter().flatten() {
            out.push_str(", ");
            out.push_str(part);
        }
        out
    }
}

/// Who a node applies to. Empty lists mean "everyone".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Applicability {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enterprise_kinds: Vec<TenantKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub size_classes: Vec<SizeClass>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<LocalText>,
}

impl Applicability {
    pub fn is_universal(&self) -> bool {
        self.enterprise_kinds.is_empty() && self.size_classes.is_empty() && self.conditions.is_empty()
    }
}

/// A plain-language question for small enterprises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub nb: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    /// The answer that means the requirement is met (yes for most questions,
    /// no for questions that ask about a risk). The schema requires it in
    /// catalogue files; catalogues stored before it existed read as yes.
    #[serde(default = "good_answer_yes")]
    pub good_answer: etterlev_core::GoodAnswer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<LocalText>,
    /// What a small enterprise should do when the answer is not the good
    /// one: the title and text of the action made from the gap. Required in
    /// catalogue files by the schema; absent only in catalogues stored
    /// before it existed (the requirement's own words are used then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub todo: Option<Todo>,
}

fn good_answer_yes() -> etterlev_core::GoodAnswer {
    etterlev_core::GoodAnswer::Yes
}

/// A plain, practical step for a small enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Todo {
    pub title: LocalText,
    pub text: LocalText,
}

impl Question {
    pub fn text(&self) -> LocalText {
        LocalText::new(self.nb.clone(), self.en.clone())
    }
}

/// Whose numbers a catalogue's (or a node's) numbers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Numbering {
    /// The source document's own numbers, checked against it.
    Source,
    /// Our numbers: the source has other or none, or they are unconfirmed.
    Reconstructed,
}

/// One check of a node against a public source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCheck {
    /// YYYY-MM-DD.
    pub date: String,
    /// The address of what was read.
    pub url: String,
    /// What the source confirmed, in English.
    pub confirmed: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<String>,
    pub kind: NodeKind,
    /// Withdrawn by its source (NIST marks withdrawn controls so): kept for
    /// reference and always of kind guidance, so nobody answers for it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withdrawn: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Overrides the catalogue's numbering for this node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numbering: Option<Numbering>,
    pub title: LocalText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<LocalText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicability: Option<Applicability>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
    pub verified: bool,
    /// The source checks behind `verified`, newest last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<SourceCheck>,
}

impl Node {
    /// The number shown to people: the node's own number, else its id.
    pub fn label(&self) -> &str {
        self.number.as_deref().unwrap_or(&self.id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogStatus {
    Official,
    Summary,
    Draft,
    Fixture,
}

/// One version of one catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub schema: String,
    pub id: String,
    pub version: String,
    pub title: LocalText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_title: Option<LocalText>,
    pub publisher: String,
    pub languages: Vec<String>,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CatalogStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LocalText>,
    pub source: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_source_check: Option<String>,
    /// Whose numbers the node numbers are; `None` in catalogues stored
    /// before it was recorded (read as reconstructed: nobody confirmed them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numbering: Option<Numbering>,
    pub nodes: Vec<Node>,
}

impl Catalog {
    /// The language of the catalogue's own texts when it is neither bokmål
    /// nor English (an imported French or German library): its code.
    pub fn source_language(&self) -> Option<&str> {
        self.languages
            .iter()
            .map(String::as_str)
            .find(|l| !matches!(*l, "nb" | "en"))
    }

    /// "normen@6.0": the key a catalogue version is known by everywhere.
    pub fn key(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Whether `node`'s number is the source's own: its own setting, else
    /// the catalogue's; unrecorded counts as reconstructed.
    pub fn numbering_of(&self, node: &Node) -> Numbering {
        node.numbering.or(self.numbering).unwrap_or(Numbering::Reconstructed)
    }

    /// How versions of one catalogue are ordered: by date, then version.
    pub fn version_order(&self) -> (&str, &str) {
        (&self.date, &self.version)
    }

    /// `node` shows a number, and it is ours, not the source's: pages,
    /// downloads and the API mark it so.
    pub fn number_is_ours(&self, node: &Node) -> bool {
        node.number.is_some() && self.numbering_of(node) == Numbering::Reconstructed
    }

    /// Node ids to positions, for lookups in a loop.
    pub fn index(&self) -> HashMap<&str, usize> {
        self.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect()
    }

    /// The nodes whose parent is `parent` (`None`: the top level), in order.
    pub fn children<'a>(&'a self, parent: Option<&'a str>) -> impl Iterator<Item = &'a Node> + 'a {
        self.nodes.iter().filter(move |n| n.parent.as_deref() == parent)
    }

    /// The chain of ancestors of a node, nearest first. Stops at a repeat, so
    /// it is safe on a file that has not been checked yet.
    pub fn ancestors<'a>(&'a self, node: &'a Node) -> Vec<&'a Node> {
        self.ancestors_in(node, &self.index())
    }

    /// [`Catalog::ancestors`] with an [`Catalog::index`] built once by a
    /// caller that walks many nodes.
    pub fn ancestors_in<'a>(&'a self, node: &'a Node, index: &HashMap<&str, usize>) -> Vec<&'a Node> {
        let mut out: Vec<&Node> = Vec::new();
        let mut current = node.parent.as_deref();
        while let Some(id) = current {
            let Some(&i) = index.get(id) else { break };
            let parent = &self.nodes[i];
            if out.iter().any(|n| n.id == parent.id) || parent.id == node.id {
                break;
            }
            out.push(parent);
            current = parent.parent.as_deref();
        }
        out
    }

    pub fn assessable(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| n.kind.is_assessable())
    }

    /// Nodes in reading order (depth first, children in list order), with
    /// their depth. Nodes unreachable from the top level (a broken parent
    /// chain) come last, so nothing is ever silently dropped.
    pub fn tree_order(&self) -> Vec<(usize, &Node)> {
        let mut children: HashMap<Option<&str>, Vec<usize>> = HashMap::new();
        for (i, n) in self.nodes.iter().enumerate() {
            children.entry(n.parent.as_deref()).or_default().push(i);
        }
        let mut seen = vec![false; self.nodes.len()];
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<(usize, usize)> = children
            .get(&None)
            .map(|v| v.iter().rev().map(|&i| (i, 0)).collect())
            .unwrap_or_default();
        while let Some((i, depth)) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            out.push((depth, &self.nodes[i]));
            if let Some(kids) = children.get(&Some(self.nodes[i].id.as_str())) {
                stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
            }
        }
        for (i, n) in self.nodes.iter().enumerate() {
            if !seen[i] {
                out.push((0, n));
            }
        }
        out
    }
}

/// The newest version (by date, then version) of catalogue `id` among
/// `catalogs`.
pub fn newest<'a>(catalogs: &[&'a Catalog], id: &str) -> Option<&'a Catalog> {
    catalogs
        .iter()
        .copied()
        .filter(|c| c.id == id)
        .max_by(|a, b| a.version_order().cmp(&b.version_order()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Equal,
    Subset,
    Superset,
    Intersects,
    Gap,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Equal => "equal",
            Relation::Subset => "subset",
            Relation::Superset => "superset",
            Relation::Intersects => "intersects",
            Relation::Gap => "gap",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogRef {
    pub catalog: String,
    pub version: String,
}

impl CatalogRef {
    pub fn key(&self) -> String {
        format!("{}@{}", self.catalog, self.version)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub to: String,
    pub relation: Relation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<LocalText>,
    /// The named gap area (of [`Mapping::gap_areas`]) the entry belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap_area: Option<String>,
}

/// An area of the target catalogue that an authority has named as not
/// covered by the source catalogue, with that authority's statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapArea {
    pub id: String,
    pub title: LocalText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<LocalText>,
    pub source: Reference,
}

/// How the nodes of one catalogue version relate to those of another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub schema: String,
    pub id: String,
    pub title: LocalText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LocalText>,
    pub from: CatalogRef,
    pub to: CatalogRef,
    pub date: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gap_areas: Vec<GapArea>,
    pub entries: Vec<MappingEntry>,
}
