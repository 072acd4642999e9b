//! What the three renderers share: the catalogue seen in one language, with
//! inherited applicability worked out and texts split into paragraphs.

use std::collections::HashMap;

use etterlev_catalog::{Catalog, LocalText, Node, NodeKind};
use etterlev_core::{Condition, SizeClass, TenantKind};

use crate::Lang;
use crate::labels::{self, Labels};

pub(crate) struct View<'a> {
    pub catalog: &'a Catalog,
    pub lang: Lang,
    pub labels: &'static Labels,
    index: HashMap<&'a str, usize>,
}

/// Who a node applies to once its ancestors' rules are added: lists
/// intersect, conditions add up. `None` means "no limit".
#[derive(Debug, Default)]
pub(crate) struct Effective<'a> {
    pub kinds: Option<Vec<TenantKind>>,
    pub sizes: Option<Vec<SizeClass>>,
    pub conditions: Vec<Condition>,
    pub notes: Vec<&'a LocalText>,
}

impl Effective<'_> {
    pub fn is_universal(&self) -> bool {
        self.kinds.is_none() && self.sizes.is_none() && self.conditions.is_empty()
    }
}

fn intersect<T: Copy + PartialEq + Ord>(current: Option<Vec<T>>, rule: &[T]) -> Option<Vec<T>> {
    if rule.is_empty() {
        return current;
    }
    let mut next: Vec<T> = match current {
        None => rule.to_vec(),
        Some(prev) => prev.into_iter().filter(|x| rule.contains(x)).collect(),
    };
    next.sort();
    next.dedup();
    Some(next)
}

impl<'a> View<'a> {
    pub fn new(catalog: &'a Catalog, lang: Lang) -> Self {
        View {
            catalog,
            lang,
            labels: labels::labels(lang),
            index: catalog.index(),
        }
    }

    pub fn text<'b>(&self, text: &'b LocalText) -> &'b str {
        text.get(self.lang.as_str())
    }

    pub fn title(&self, node: &'a Node) -> &'a str {
        self.text(&node.title)
    }

    /// The node, then its ancestors nearest first; stops at a repeat.
    pub fn chain(&self, node: &'a Node) -> Vec<&'a Node> {
        let mut out = vec![node];
        let mut current = node.parent.as_deref();
        while let Some(id) = current {
            let Some(parent) = self.index.get(id).and_then(|&i| self.catalog.nodes.get(i)) else {
                break;
            };
            if out.iter().any(|n| n.id == parent.id) {
                break;
            }
            out.push(parent);
            current = parent.parent.as_deref();
        }
        out
    }

    /// The nearest ancestor (not the node itself) of `kind`.
    pub fn nearest(&self, node: &'a Node, kind: NodeKind) -> Option<&'a Node> {
        self.chain(node).into_iter().skip(1).find(|n| n.kind == kind)
    }

    pub fn effective(&self, node: &'a Node) -> Effective<'a> {
        let mut out = Effective::default();
        for source in self.chain(node) {
            let Some(rule) = &source.applicability else { continue };
            out.kinds = intersect(out.kinds.take(), &rule.enterprise_kinds);
            out.sizes = intersect(out.sizes.take(), &rule.size_classes);
            for c in &rule.conditions {
                if !out.conditions.contains(c) {
                    out.conditions.push(*c);
                }
            }
            if let Some(note) = &rule.note {
                out.notes.push(note);
            }
        }
        out
    }

    /// The node's own rule only (no inheritance), for structural nodes whose
    /// children show the combined rule.
    pub fn own(&self, node: &'a Node) -> Option<Effective<'a>> {
        let rule = node.applicability.as_ref()?;
        let out = Effective {
            kinds: intersect(None, &rule.enterprise_kinds),
            sizes: intersect(None, &rule.size_classes),
            conditions: rule.conditions.clone(),
            notes: rule.note.iter().collect(),
        };
        (!out.is_universal() || !out.notes.is_empty()).then_some(out)
    }

    pub fn kinds_text(&self, e: &Effective<'_>) -> String {
        match &e.kinds {
            None => self.labels.all.to_owned(),
            Some(k) if k.is_empty() => self.labels.nobody.to_owned(),
            Some(k) => k
                .iter()
                .map(|&k| labels::tenant_kind(self.lang, k))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    pub fn sizes_text(&self, e: &Effective<'_>) -> String {
        match &e.sizes {
            None => self.labels.all.to_owned(),
            Some(s) if s.is_empty() => self.labels.nobody.to_owned(),
            Some(s) => s
                .iter()
                .map(|&s| labels::size_class(self.lang, s))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    pub fn conditions_text(&self, e: &Effective<'_>) -> String {
        e.conditions
            .iter()
            .map(|&c| labels::condition(self.lang, c))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Applicability in words as (label, value) pairs: "Applies to: all
    /// enterprises", or the limits that hold, then any notes.
    pub fn applicability_words(&self, e: &Effective<'_>) -> Vec<(&'static str, String)> {
        let l = self.labels;
        let mut out = Vec::new();
        if e.is_universal() {
            out.push((l.applies_to, l.everyone.to_owned()));
        } else {
            if e.kinds.is_some() {
                out.push((l.kinds, self.kinds_text(e)));
            }
            if e.sizes.is_some() {
                out.push((l.sizes, self.sizes_text(e)));
            }
            if !e.conditions.is_empty() {
                out.push((l.conditions, self.conditions_text(e)));
            }
        }
        for note in &e.notes {
            out.push((l.note, self.text(note).to_owned()));
        }
        out
    }

    /// "2.1 Roles and responsibilities": the number (when there is one) and
    /// the title, for headings.
    pub fn heading_text(&self, node: &'a Node) -> String {
        match &node.number {
            Some(number) => format!("{number} {}", self.title(node)),
            None => self.title(node).to_owned(),
        }
    }

    /// "2.1 a — Top management assigns roles": label (number, else id) and
    /// title, for requirement blocks.
    pub fn block_title(&self, node: &'a Node) -> String {
        format!("{} — {}", node.label(), self.title(node))
    }

    /// The node shows a number that is ours, not the source's.
    pub fn number_is_ours(&self, node: &Node) -> bool {
        self.catalog.number_is_ours(node)
    }

    /// The catalogue's numbering in words, for title pages.
    pub fn numbering_text(&self) -> &'static str {
        match self.catalog.numbering {
            Some(etterlev_catalog::Numbering::Source) => self.labels.numbering_source,
            _ => self.labels.numbering_reconstructed,
        }
    }

    /// "Requirement · ID 2.1-a": the kind, and the id when the label shown
    /// in the block title is not the id.
    /// A node its source has withdrawn says so: "Guidance (withdrawn)".
    pub fn kind_line(&self, node: &Node) -> String {
        let kind = if node.withdrawn {
            format!(
                "{} ({})",
                self.labels.node_kind(node.kind),
                labels::withdrawn(self.lang)
            )
        } else {
            self.labels.node_kind(node.kind).to_owned()
        };
        let kind = if node.label() == node.id {
            kind
        } else {
            format!("{kind} · {} {}", self.labels.col_id, node.id)
        };
        if self.number_is_ours(node) {
            format!("{kind} · {}", self.labels.number_ours)
        } else {
            kind
        }
    }
}

/// Heading level of a structural node at `depth` in the tree: top level is
/// Heading 1, the next Heading 2, anything deeper Heading 3. With the usual
/// chapter → section tree that is chapters = 1, sections = 2; a fact sheet
/// whose sections sit at the top level gets them as Heading 1.
pub(crate) fn heading_level(depth: usize) -> usize {
    (depth + 1).min(3)
}

/// A text as paragraphs (split at blank lines), each a list of lines.
pub(crate) fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_at_blank_lines() {
        assert_eq!(paragraphs("a\nb\n\n  \nc\n"), vec![vec!["a", "b"], vec!["c"]]);
        assert!(paragraphs("").is_empty());
    }

    #[test]
    fn heading_levels_cap_at_three() {
        assert_eq!([0, 1, 2, 3, 9].map(heading_level), [1, 2, 3, 3, 3]);
    }

    #[test]
    fn intersect_narrows() {
        assert_eq!(intersect::<u8>(None, &[]), None);
        assert_eq!(intersect(None, &[3, 1]), Some(vec![1, 3]));
        assert_eq!(intersect(Some(vec![1, 3]), &[3, 4]), Some(vec![3]));
        assert_eq!(intersect(Some(vec![1]), &[2]), Some(vec![]));
    }
}
