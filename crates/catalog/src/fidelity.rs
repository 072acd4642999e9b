//! How faithful our catalogues are to their sources: the rules a published
//! catalogue must meet (every node cites a real document, a verified node
//! says when and where it was checked, a Normen section is cited only when
//! its number was confirmed), the verified share per catalogue with its
//! target, and the list of every source address with who cites it.
//!
//! The rules judge catalogues we publish (`status: summary` or `official`).
//! Drafts and test fixtures are not judged, and neither is a version written
//! before numbering was recorded once a newer version of the same catalogue
//! exists: a stored version never changes, so its successor is where a
//! correction lives.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::model::{Catalog, CatalogStatus, Node, Numbering, Reference, ReferenceKind, SourceCheck};

/// The catalogue whose section numbers `kind: normen` references cite.
pub const NORMEN_ID: &str = "normen";

/// Share of Normen's content nodes (requirements, recommendations,
/// guidance) that must be verified.
pub const NORMEN_TARGET_PERCENT: u32 = 60;
/// Share of every other catalogue's nodes that must be verified.
pub const OTHER_TARGET_PERCENT: u32 = 90;

/// One rule broken by one node (or by the catalogue, `node: None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Position of the node in `catalog.nodes`.
    pub node: Option<usize>,
    pub code: &'static str,
    pub message: String,
    pub hint: String,
}

/// Whether each catalogue of `catalogs` is judged by the rules (same order).
pub fn judged(catalogs: &[&Catalog]) -> Vec<bool> {
    catalogs
        .iter()
        .map(|c| {
            let published = matches!(c.status, Some(CatalogStatus::Summary | CatalogStatus::Official));
            published && !(c.numbering.is_none() && is_superseded(c, catalogs))
        })
        .collect()
}

/// A newer version (by date, then version) of the same catalogue exists.
pub fn is_superseded(catalog: &Catalog, catalogs: &[&Catalog]) -> bool {
    catalogs
        .iter()
        .any(|other| other.id == catalog.id && other.version_order() > catalog.version_order())
}

/// Normen section numbers that may be cited: the numbers (and ids) of the
/// newest Normen's nodes whose numbering is the source's own.
pub fn confirmed_sections(normen: &Catalog) -> HashSet<String> {
    normen
        .nodes
        .iter()
        .filter(|n| normen.numbering_of(n) == Numbering::Source)
        .flat_map(|n| [Some(n.id.clone()), n.number.clone()])
        .flatten()
        .collect()
}

/// The rules for one judged catalogue. `normen_sections` is
/// [`confirmed_sections`] of the newest Normen in the set, if any.
pub fn findings(catalog: &Catalog, normen_sections: Option<&HashSet<String>>) -> Vec<Finding> {
    let mut out = Vec::new();
    if catalog.numbering.is_none() {
        out.push(Finding {
            node: None,
            code: "numbering-missing",
            message: format!("catalogue {} does not say whose numbering it uses", catalog.key()),
            hint: "add `numbering: source` (the document's own numbers) or `numbering: reconstructed` (ours)".into(),
        });
    }
    for (i, node) in catalog.nodes.iter().enumerate() {
        out.extend(
            node_findings(node, normen_sections)
                .into_iter()
                .map(|(code, message, hint)| Finding {
                    node: Some(i),
                    code,
                    message,
                    hint,
                }),
        );
    }
    out
}

fn node_findings(node: &Node, normen_sections: Option<&HashSet<String>>) -> Vec<(&'static str, String, String)> {
    source_findings(&node.id, &node.references, node.verified, &node.checks, normen_sections)
}

/// The rules for anything summarised from a source (a catalogue node, an
/// entry of the threat picture): it cites a source, each reference has an
/// address or names a document, a Normen section is cited only when
/// confirmed, and `verified` rests on recorded checks. As (code, message,
/// hint).
pub(crate) fn source_findings(
    id: &str,
    references: &[Reference],
    verified: bool,
    checks: &[SourceCheck],
    normen_sections: Option<&HashSet<String>>,
) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    if references.is_empty() {
        out.push((
            "no-reference",
            format!("`{id}` cites no source"),
            "add a reference to the document it summarises".into(),
        ));
    }
    for r in references {
        if r.url.is_none() && !r.is_named_document() {
            out.push((
                "reference-without-address",
                format!("`{id}` cites “{}” without an address", r.title),
                "add the url of the page read; only laws, regulations, directives and standards may be cited by name alone"
                    .into(),
            ));
        }
        if let (ReferenceKind::Normen, Some(section), Some(sections)) = (r.kind, &r.section, normen_sections)
            && !sections.contains(section.trim())
        {
            out.push((
                "unconfirmed-section",
                format!("`{id}` cites Normen section {section}, whose number nobody confirmed"),
                "cite the document that supports it (fact sheet, guide, law), or Normen without a section".into(),
            ));
        }
    }
    if verified && checks.is_empty() {
        out.push((
            "verified-without-check",
            format!("`{id}` is verified but records no check"),
            "add `checks:` with the date, the address read and what it confirmed, or set `verified: false`".into(),
        ));
    }
    out
}

/// Verified shares of one catalogue version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub key: String,
    pub numbering: Option<Numbering>,
    /// Not judged (draft, fixture, or a superseded version from before
    /// numbering was recorded).
    pub judged: bool,
    pub nodes: usize,
    pub verified: usize,
    /// Requirements, recommendations and guidance.
    pub content_nodes: usize,
    pub verified_content: usize,
    /// Nodes whose number is ours.
    pub reconstructed: usize,
    /// What the target counts: content nodes for Normen, all nodes otherwise.
    pub basis: &'static str,
    pub percent: u32,
    pub target_percent: u32,
    pub target_met: bool,
    /// Unverified node ids, in file order.
    pub unverified: Vec<String>,
}

/// [`Figures`] for every catalogue, in the order given.
pub fn summary(catalogs: &[&Catalog]) -> Vec<Figures> {
    let judged = judged(catalogs);
    catalogs
        .iter()
        .zip(judged)
        .map(|(c, judged)| figures(c, judged))
        .collect()
}

fn figures(c: &Catalog, judged: bool) -> Figures {
    let is_content = |n: &&Node| !n.kind.is_structural();
    let nodes = c.nodes.len();
    let verified = c.nodes.iter().filter(|n| n.verified).count();
    let content_nodes = c.nodes.iter().filter(is_content).count();
    let verified_content = c.nodes.iter().filter(is_content).filter(|n| n.verified).count();
    let is_normen = c.id == NORMEN_ID;
    let (basis, counted, of, target_percent) = if is_normen {
        ("content", verified_content, content_nodes, NORMEN_TARGET_PERCENT)
    } else {
        ("all", verified, nodes, OTHER_TARGET_PERCENT)
    };
    let percent = percent(counted, of);
    Figures {
        key: c.key(),
        numbering: c.numbering,
        judged,
        nodes,
        verified,
        content_nodes,
        verified_content,
        reconstructed: c
            .nodes
            .iter()
            .filter(|n| c.numbering_of(n) == Numbering::Reconstructed)
            .count(),
        basis,
        percent,
        target_percent,
        // Whole percentages round down, so 59.9 % never reads as 60 %.
        target_met: counted * 100 >= of * target_percent as usize,
        unverified: c.nodes.iter().filter(|n| !n.verified).map(|n| n.id.clone()).collect(),
    }
}

fn percent(part: usize, whole: usize) -> u32 {
    if whole == 0 {
        return 100;
    }
    u32::try_from(part * 100 / whole).unwrap_or(100)
}

/// One source address and who relies on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub url: String,
    /// `catalogue@version node` for every node citing or checked against it.
    pub cited_by: Vec<String>,
    /// The newest check against this address (YYYY-MM-DD), if any.
    pub last_checked: Option<String>,
}

/// Every address cited (references, checks, catalogue sources), sorted.
pub fn sources(catalogs: &[&Catalog]) -> Vec<Source> {
    let mut by_url: BTreeMap<String, (Vec<String>, Option<String>)> = BTreeMap::new();
    let mut cite = |url: &str, who: String, checked: Option<&str>| {
        let entry = by_url.entry(url.to_owned()).or_default();
        if !entry.0.contains(&who) {
            entry.0.push(who);
        }
        if let Some(date) = checked
            && entry.1.as_deref().is_none_or(|d| d < date)
        {
            entry.1 = Some(date.to_owned());
        }
    };
    for c in catalogs {
        let key = c.key();
        for url in c.source.iter().filter_map(|r| r.url.as_deref()) {
            cite(url, key.clone(), None);
        }
        for n in &c.nodes {
            let who = format!("{key} {}", n.id);
            for url in n.references.iter().filter_map(|r| r.url.as_deref()) {
                cite(url, who.clone(), None);
            }
            for check in &n.checks {
                cite(&check.url, who.clone(), Some(&check.date));
            }
        }
    }
    by_url
        .into_iter()
        .map(|(url, (cited_by, last_checked))| Source {
            url,
            cited_by,
            last_checked,
        })
        .collect()
}

/// Findings per judged catalogue of `catalogs`, by catalogue position.
pub fn check_all(catalogs: &[&Catalog]) -> HashMap<usize, Vec<Finding>> {
    let judged = judged(catalogs);
    let sections = crate::model::newest(catalogs, NORMEN_ID).map(confirmed_sections);
    catalogs
        .iter()
        .enumerate()
        .filter(|(i, _)| judged[*i])
        .map(|(i, c)| (i, findings(c, sections.as_ref())))
        .filter(|(_, f)| !f.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LocalText, NodeKind, Reference, SourceCheck};

    fn reference(kind: ReferenceKind, section: Option<&str>, url: Option<&str>) -> Reference {
        Reference {
            kind,
            title: "A document".into(),
            section: section.map(str::to_owned),
            url: url.map(str::to_owned),
            page: None,
        }
    }

    fn node(id: &str, kind: NodeKind, verified: bool, references: Vec<Reference>) -> Node {
        Node {
            id: id.into(),
            parent: None,
            replaces: Vec::new(),
            kind,
            withdrawn: false,
            number: Some(id.into()),
            numbering: None,
            title: LocalText::new(id, None),
            text: None,
            applicability: None,
            tags: Vec::new(),
            references,
            related: Vec::new(),
            question: None,
            verified,
            checks: if verified {
                vec![SourceCheck {
                    date: "2026-12-07".into(),
                    url: "https://example.org/read".into(),
                    confirmed: "the duty".into(),
                }]
            } else {
                Vec::new()
            },
        }
    }

    fn catalog(id: &str, version: &str, numbering: Option<Numbering>, nodes: Vec<Node>) -> Catalog {
        Catalog {
            schema: crate::model::CATALOG_SCHEMA.into(),
            id: id.into(),
            version: version.into(),
            title: LocalText::new(id, None),
            short_title: None,
            publisher: "p".into(),
            languages: vec!["nb".into()],
            date: "2026-01-01".into(),
            status: Some(CatalogStatus::Summary),
            description: None,
            source: vec![reference(ReferenceKind::Other, None, Some("https://example.org/"))],
            last_source_check: None,
            numbering,
            nodes,
        }
    }

    fn codes(catalog: &Catalog, sections: Option<&HashSet<String>>) -> Vec<&'static str> {
        findings(catalog, sections).iter().map(|f| f.code).collect()
    }

    const URL: Option<&str> = Some("https://example.org/a");

    #[test]
    fn a_faithful_catalogue_has_no_findings() {
        let c = catalog(
            "fa99",
            "1",
            Some(Numbering::Source),
            vec![node(
                "1",
                NodeKind::Requirement,
                true,
                vec![reference(ReferenceKind::FactSheet, None, URL)],
            )],
        );
        assert!(codes(&c, None).is_empty());
    }

    #[test]
    fn each_rule_can_fail() {
        let mut verified_without_check = node(
            "4",
            NodeKind::Requirement,
            true,
            vec![reference(ReferenceKind::Law, Some("§ 1"), None)],
        );
        verified_without_check.checks.clear();
        let c = catalog(
            "fa99",
            "1",
            None,
            vec![
                node("1", NodeKind::Requirement, false, Vec::new()),
                node(
                    "2",
                    NodeKind::Requirement,
                    false,
                    vec![reference(ReferenceKind::Guide, None, None)],
                ),
                node(
                    "3",
                    NodeKind::Requirement,
                    false,
                    vec![reference(ReferenceKind::Normen, Some("8.4"), URL)],
                ),
                verified_without_check,
            ],
        );
        let sections: HashSet<String> = ["2.1".to_owned()].into();
        assert_eq!(
            codes(&c, Some(&sections)),
            [
                "numbering-missing",
                "no-reference",
                "reference-without-address",
                "unconfirmed-section",
                "verified-without-check"
            ]
        );
        // A law cited by name alone is a real citation; a confirmed Normen
        // section may be cited.
        let ok = catalog(
            "fa99",
            "1",
            Some(Numbering::Reconstructed),
            vec![node(
                "1",
                NodeKind::Requirement,
                false,
                vec![
                    reference(ReferenceKind::Law, Some("§ 11"), None),
                    reference(ReferenceKind::Normen, Some("2.1"), URL),
                ],
            )],
        );
        assert!(codes(&ok, Some(&sections)).is_empty());
    }

    #[test]
    fn only_source_numbered_normen_nodes_may_be_cited() {
        let mut confirmed = node(
            "2.1",
            NodeKind::Section,
            true,
            vec![reference(ReferenceKind::Normen, None, URL)],
        );
        confirmed.numbering = Some(Numbering::Source);
        let ours = node(
            "8.4",
            NodeKind::Section,
            false,
            vec![reference(ReferenceKind::Other, None, URL)],
        );
        let normen = catalog(
            NORMEN_ID,
            "6.0-r2",
            Some(Numbering::Reconstructed),
            vec![confirmed, ours],
        );
        let sections = confirmed_sections(&normen);
        assert!(sections.contains("2.1"));
        assert!(!sections.contains("8.4"));
    }

    #[test]
    fn a_superseded_version_from_before_numbering_is_history() {
        let old = catalog(
            "x",
            "1",
            None,
            vec![node("1", NodeKind::Requirement, false, Vec::new())],
        );
        let mut new = catalog("x", "2", Some(Numbering::Source), Vec::new());
        new.date = "2026-06-01".into();
        let mut draft = catalog("y", "1", None, Vec::new());
        draft.status = Some(CatalogStatus::Draft);
        let lone = catalog("z", "1", None, Vec::new());
        assert_eq!(judged(&[&old, &new, &draft, &lone]), [false, true, false, true]);
        let found = check_all(&[&old, &new, &draft, &lone]);
        assert_eq!(
            found.keys().copied().collect::<Vec<_>>(),
            [3],
            "only the lone catalogue lacks numbering"
        );
    }

    #[test]
    fn targets_count_content_for_normen_and_everything_elsewhere() {
        let normen = catalog(
            NORMEN_ID,
            "r",
            Some(Numbering::Reconstructed),
            vec![
                node("1", NodeKind::Chapter, false, Vec::new()),
                node("1-a", NodeKind::Requirement, true, Vec::new()),
                node("1-b", NodeKind::Requirement, true, Vec::new()),
                node("1-c", NodeKind::Requirement, true, Vec::new()),
                node("1-d", NodeKind::Recommendation, false, Vec::new()),
            ],
        );
        let f = &summary(&[&normen])[0];
        assert_eq!(
            (f.verified_content, f.content_nodes, f.percent, f.target_met),
            (3, 4, 75, true)
        );
        let other = catalog("fa1", "1", Some(Numbering::Source), normen.nodes.clone());
        let f = &summary(&[&other])[0];
        assert_eq!((f.verified, f.nodes, f.percent, f.target_met), (3, 5, 60, false));
        assert_eq!(f.unverified, ["1", "1-d"]);
        assert_eq!(f.reconstructed, 0);
    }

    #[test]
    fn sources_list_every_address_with_its_newest_check() {
        let mut n = node(
            "1",
            NodeKind::Requirement,
            true,
            vec![reference(ReferenceKind::Guide, None, URL)],
        );
        n.checks.push(SourceCheck {
            date: "2026-12-08".into(),
            url: "https://example.org/a".into(),
            confirmed: "again".into(),
        });
        let c = catalog("fa99", "1", Some(Numbering::Source), vec![n]);
        let list = sources(&[&c]);
        let a = list.iter().find(|s| s.url == "https://example.org/a").expect("cited");
        assert_eq!(a.cited_by, ["fa99@1 1"]);
        assert_eq!(a.last_checked.as_deref(), Some("2026-12-08"));
        let read = list
            .iter()
            .find(|s| s.url == "https://example.org/read")
            .expect("checked");
        assert_eq!(read.last_checked.as_deref(), Some("2026-12-07"));
        assert!(
            list.iter()
                .any(|s| s.url == "https://example.org/" && s.last_checked.is_none())
        );
    }
}
