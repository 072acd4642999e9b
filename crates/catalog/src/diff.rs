//! What changed between two versions of a catalogue.
//!
//! Nodes are matched by id, or through `replaces` when a node was renamed.
//! A node "moved" when its parent or its number changed; it "changed" when
//! any of its content did. Text fields carry a word-level diff.

use std::fmt::Write as _;

use etterlev_core::text::html_escape as esc;
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::model::{Catalog, Node};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
    Moved,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
            ChangeKind::Moved => "moved",
        }
    }
}

/// One run of words in a text diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// `equal`, `insert` or `delete`.
    pub op: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: String,
    pub new: String,
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffEntry {
    pub change: ChangeKind,
    pub id: String,
    /// The id in the older version, when the node was renamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_id: Option<String>,
    pub label: String,
    pub title: String,
    /// Where a moved node was and is now: parent id and number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<String>,
    /// Content changes; a moved node may also have some.
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct DiffSummary {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub moved: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogDiff {
    pub from: String,
    pub to: String,
    pub summary: DiffSummary,
    pub entries: Vec<DiffEntry>,
}

impl CatalogDiff {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn of_kind(&self, kind: ChangeKind) -> impl Iterator<Item = &DiffEntry> {
        self.entries.iter().filter(move |e| e.change == kind)
    }
}

/// Compares two versions. Entries follow the newer version's reading order,
/// with removed nodes last in the older version's order.
pub fn diff(old: &Catalog, new: &Catalog) -> CatalogDiff {
    let old_index = old.index();
    let mut matched_old = vec![false; old.nodes.len()];
    let mut entries = Vec::new();
    for (_, node) in new.tree_order() {
        let previous = old_index
            .get(node.id.as_str())
            .or_else(|| node.replaces.iter().find_map(|r| old_index.get(r.as_str())))
            .copied();
        let Some(p) = previous else {
            entries.push(entry(ChangeKind::Added, node, None));
            continue;
        };
        matched_old[p] = true;
        let before = &old.nodes[p];
        let fields = field_changes(before, node);
        let moved = before.parent != node.parent || before.number != node.number;
        let previous_id = (before.id != node.id).then(|| before.id.clone());
        if moved {
            let mut e = entry(ChangeKind::Moved, node, previous_id);
            e.moved_from = Some(position(before));
            e.moved_to = Some(position(node));
            e.fields = fields;
            entries.push(e);
        } else if !fields.is_empty() || previous_id.is_some() {
            let mut e = entry(ChangeKind::Changed, node, previous_id);
            e.fields = fields;
            entries.push(e);
        }
    }
    for (_, node) in old.tree_order() {
        if let Some(&i) = old_index.get(node.id.as_str())
            && !matched_old[i]
        {
            entries.push(entry(ChangeKind::Removed, node, None));
        }
    }
    let mut summary = DiffSummary::default();
    for e in &entries {
        match e.change {
            ChangeKind::Added => summary.added += 1,
            ChangeKind::Removed => summary.removed += 1,
            ChangeKind::Changed => summary.changed += 1,
            ChangeKind::Moved => summary.moved += 1,
        }
    }
    CatalogDiff {
        from: old.key(),
        to: new.key(),
        summary,
        entries,
    }
}

fn entry(change: ChangeKind, node: &Node, previous_id: Option<String>) -> DiffEntry {
    DiffEntry {
        change,
        id: node.id.clone(),
        previous_id,
        label: node.label().to_owned(),
        title: node.title.get("nb").to_owned(),
        moved_from: None,
        moved_to: None,
        fields: Vec::new(),
    }
}

fn position(node: &Node) -> String {
    format!(
        "{} (under {})",
        node.label(),
        node.parent.as_deref().unwrap_or("top level")
    )
}

/// The fields a reader cares about, flattened to text so any change shows.
fn comparable(node: &Node) -> Vec<(&'static str, String)> {
    let opt = |s: Option<&String>| s.cloned().unwrap_or_default();
    vec![
        ("kind", node.kind.as_str().to_owned()),
        (
            "withdrawn",
            if node.withdrawn {
                "withdrawn".to_owned()
            } else {
                String::new()
            },
        ),
        ("title", node.title.nb.clone()),
        (
            "title_orig",
            node.title
                .orig
                .as_ref()
                .map(|o| format!("[{}] {}", o.lang, o.text))
                .unwrap_or_default(),
        ),
        ("title_en", opt(node.title.en.as_ref())),
        ("text", node.text.as_ref().map(|t| t.nb.clone()).unwrap_or_default()),
        (
            "text_orig",
            node.text
                .as_ref()
                .and_then(|t| t.orig.as_ref())
                .map(|o| format!("[{}] {}", o.lang, o.text))
                .unwrap_or_default(),
        ),
        ("text_en", opt(node.text.as_ref().and_then(|t| t.en.as_ref()))),
        (
            "applicability",
            node.applicability.as_ref().map(applicability_text).unwrap_or_default(),
        ),
        (
            "references",
            node.references
                .iter()
                .map(|r| r.citation())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        ("tags", node.tags.join(", ")),
        (
            "question",
            node.question.as_ref().map(|q| q.nb.clone()).unwrap_or_default(),
        ),
    ]
}

fn applicability_text(a: &crate::model::Applicability) -> String {
    let mut parts = Vec::new();
    if !a.enterprise_kinds.is_empty() {
        parts.push(format!(
            "kinds: {}",
            a.enterprise_kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !a.size_classes.is_empty() {
        parts.push(format!(
            "sizes: {}",
            a.size_classes.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    if !a.conditions.is_empty() {
        parts.push(format!(
            "conditions: {}",
            a.conditions.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    parts.join("; ")
}

fn field_changes(old: &Node, new: &Node) -> Vec<FieldChange> {
    comparable(old)
        .into_iter()
        .zip(comparable(new))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, old), (_, new))| {
            let segments = word_diff(&old, &new);
            FieldChange {
                field,
                old,
                new,
                segments,
            }
        })
        .collect()
}

fn word_diff(old: &str, new: &str) -> Vec<Segment> {
    let diff = TextDiff::from_words(old, new);
    let mut out: Vec<Segment> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => "equal",
            ChangeTag::Insert => "insert",
            ChangeTag::Delete => "delete",
        };
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(change.value()),
            _ => out.push(Segment {
                op,
                text: change.value().to_owned(),
            }),
        }
    }
    out
}

impl CatalogDiff {
    /// Plain text for a terminal: `[-deleted-]` and `{+inserted+}` as in
    /// `git diff --word-diff`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let s = &self.summary;
        let _ = writeln!(out, "Changes from {} to {}", self.from, self.to);
        let _ = writeln!(
            out,
            "added {}, removed {}, changed {}, moved {}",
            s.added, s.removed, s.changed, s.moved
        );
        for e in &self.entries {
            let _ = writeln!(out);
            let renamed = e
                .previous_id
                .as_ref()
                .map(|p| format!(" (was {p})"))
                .unwrap_or_default();
            let _ = writeln!(out, "{:<8} {} {}{}", e.change.as_str(), e.label, e.title, renamed);
            if let (Some(from), Some(to)) = (&e.moved_from, &e.moved_to) {
                let _ = writeln!(out, "  position: {from} -> {to}");
            }
            for f in &e.fields {
                let text: String = f
                    .segments
                    .iter()
                    .map(|seg| match seg.op {
                        "insert" => format!("{{+{}+}}", seg.text),
                        "delete" => format!("[-{}-]", seg.text),
                        _ => seg.text.clone(),
                    })
                    .collect();
                let _ = writeln!(out, "  {}: {}", f.field, text);
            }
        }
        out
    }

    /// A self-contained HTML page (no scripts, inline styles only in a
    /// `<style>` block), for sharing outside the app.
    pub fn to_html(&self) -> String {
        let mut out = String::from("<!doctype html>\n<html lang=\"nb\"><head><meta charset=\"utf-8\">\n<title>");
        let _ = write!(out, "{} → {}", esc(&self.from), esc(&self.to));
        out.push_str(
            "</title>\n<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}ins{background:#d4f7d4;text-decoration:none}del{background:#fbd3d3}.kind{font-weight:bold;text-transform:uppercase;font-size:.8rem}section{border-top:1px solid #ccc;padding:.5rem 0}</style>\n</head><body>\n",
        );
        let s = &self.summary;
        let _ = writeln!(out, "<h1>{} → {}</h1>", esc(&self.from), esc(&self.to));
        let _ = writeln!(
            out,
            "<p>added {}, removed {}, changed {}, moved {}</p>",
            s.added, s.removed, s.changed, s.moved
        );
        for e in &self.entries {
            let _ = writeln!(
                out,
                "<section class=\"{}\" id=\"{}\"><p><span class=\"kind\">{}</span> <strong>{}</strong> {}</p>",
                e.change.as_str(),
                esc(&e.id),
                e.change.as_str(),
                esc(&e.label),
                esc(&e.title)
            );
            if let (Some(from), Some(to)) = (&e.moved_from, &e.moved_to) {
                let _ = writeln!(out, "<p>{} → {}</p>", esc(from), esc(to));
            }
            for f in &e.fields {
                let _ = write!(out, "<p><em>{}</em>: ", f.field);
                for seg in &f.segments {
                    match seg.op {
                        "insert" => {
                            let _ = write!(out, "<ins>{}</ins>", esc(&seg.text));
                        }
                        "delete" => {
                            let _ = write!(out, "<del>{}</del>", esc(&seg.text));
                        }
                        _ => out.push_str(&esc(&seg.text)),
                    }
                }
                out.push_str("</p>\n");
            }
            out.push_str("</section>\n");
        }
        out.push_str("</body></html>\n");
        out
    }
}
