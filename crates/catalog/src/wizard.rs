//! The small-enterprise path: which plain-language questions to ask.
//!
//! Questions come from the catalogue (`question` on a requirement), so the
//! wizard changes with the catalogue and never carries text of its own.

use crate::applies::{Profile, exclusions_in};
use crate::model::{Catalog, Node};

/// Default length of the wizard: about 30 questions, under 30 minutes.
pub const DEFAULT_LENGTH: usize = 30;

/// One question of the wizard, with the chapter it belongs to (for grouping).
#[derive(Debug, Clone)]
pub struct WizardQuestion<'a> {
    pub catalog_key: String,
    pub node: &'a Node,
    pub chapter: &'a Node,
}

/// The requirements with a plain-language question that apply to `profile`,
/// in reading order, at most `limit`. When more apply than fit, every
/// chapter keeps at least one question before any chapter gets a second, so
/// the short path still covers the whole catalogue.
pub fn questions<'a>(catalog: &'a Catalog, profile: &Profile, limit: usize) -> Vec<WizardQuestion<'a>> {
    let index = catalog.index();
    let candidates: Vec<(usize, &Node, &Node)> = catalog
        .tree_order()
        .into_iter()
        .map(|(_, n)| n)
        .filter(|n| n.kind.is_assessable() && n.question.is_some())
        .filter(|n| exclusions_in(catalog, &index, n, profile).is_empty())
        .enumerate()
        .map(|(i, n)| (i, n, chapter_of(catalog, n)))
        .collect();
    let mut picked: Vec<usize> = Vec::new();
    let mut round = 0;
    while picked.len() < limit.min(candidates.len()) {
        let before = picked.len();
        let mut per_chapter: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for &(i, _, chapter) in &candidates {
            let seen = per_chapter.entry(chapter.id.as_str()).or_default();
            *seen += 1;
            if *seen == round + 1 && picked.len() < limit {
                picked.push(i);
            }
        }
        if picked.len() == before {
            break;
        }
        round += 1;
    }
    picked.sort_unstable();
    picked
        .into_iter()
        .map(|i| {
            let (_, node, chapter) = candidates[i];
            WizardQuestion {
                catalog_key: catalog.key(),
                node,
                chapter,
            }
        })
        .collect()
}

/// The top-level ancestor of a node (the node itself at the top level).
pub fn chapter_of<'a>(catalog: &'a Catalog, node: &'a Node) -> &'a Node {
    catalog.ancestors(node).last().copied().unwrap_or(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LocalText, NodeKind, Question};
    use etterlev_core::{SizeClass, TenantKind};

    fn node(id: &str, parent: Option<&str>, kind: NodeKind, question: bool) -> Node {
        Node {
            id: id.into(),
            parent: parent.map(Into::into),
            replaces: vec![],
            kind,
            withdrawn: false,
            number: None,
            numbering: None,
            title: LocalText::new(id, None),
            text: Some(LocalText::new("t", None)),
            applicability: None,
            tags: vec![],
            references: vec![],
            related: vec![],
            question: question.then(|| Question {
                nb: format!("{id}?"),
                en: None,
                good_answer: etterlev_core::GoodAnswer::Yes,
                help: None,
                todo: Some(crate::model::Todo {
                    title: LocalText::new(format!("Do {id}"), None),
                    text: LocalText::new("t", None),
                }),
            }),
            verified: true,
            checks: Vec::new(),
        }
    }

    fn catalog(nodes: Vec<Node>) -> Catalog {
        Catalog {
            schema: crate::model::CATALOG_SCHEMA.into(),
            id: "c".into(),
            version: "1".into(),
            title: LocalText::new("C", None),
            short_title: None,
            publisher: "p".into(),
            languages: vec!["nb".into()],
            date: "2026-01-01".into(),
            status: None,
            description: None,
            source: vec![],
            last_source_check: None,
            numbering: None,
            nodes,
        }
    }

    #[test]
    fn every_chapter_gets_a_question_before_any_gets_two() {
        use NodeKind::*;
        let mut nodes = vec![node("1", None, Chapter, false), node("2", None, Chapter, false)];
        for i in 0..5 {
            nodes.push(node(&format!("1-{i}"), Some("1"), Requirement, true));
        }
        nodes.push(node("2-0", Some("2"), Requirement, true));
        nodes.push(node("2-x", Some("2"), Requirement, false));
        let c = catalog(nodes);
        let p = Profile::new(TenantKind::GpOffice, SizeClass::Micro, []);
        let q = questions(&c, &p, 3);
        let ids: Vec<&str> = q.iter().map(|q| q.node.id.as_str()).collect();
        assert_eq!(ids, ["1-0", "1-1", "2-0"]);
        assert_eq!(q[2].chapter.id, "2");
        assert_eq!(questions(&c, &p, 30).len(), 6);
        assert!(questions(&c, &p, 0).is_empty());
    }

    /// A catalogue stored before questions named their good answer and
    /// todo still reads (as "yes is good", without a todo), so an upgraded
    /// database keeps its catalogues.
    #[test]
    fn questions_stored_before_good_answers_still_read() {
        let old: Question = serde_json::from_str(r#"{"nb": "Har dere en plan?", "help": {"nb": "h"}}"#).expect("reads");
        assert_eq!(old.good_answer, etterlev_core::GoodAnswer::Yes);
        assert!(old.todo.is_none());
        let new: Question =
            serde_json::from_str(r#"{"nb": "Ser pasienter skjermen?", "good_answer": "no"}"#).expect("reads");
        assert_eq!(new.good_answer, etterlev_core::GoodAnswer::No);
    }
}
