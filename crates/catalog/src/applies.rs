//! Which requirements apply to an enterprise, and why the others do not.

use std::collections::{BTreeSet, HashMap};

use etterlev_core::{Condition, SizeClass, TenantKind};
use serde::Serialize;

use crate::model::{Catalog, Node};

/// What we know about an enterprise when deciding what applies to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub kind: TenantKind,
    pub size: SizeClass,
    pub conditions: BTreeSet<Condition>,
}

impl Profile {
    pub fn new(kind: TenantKind, size: SizeClass, conditions: impl IntoIterator<Item = Condition>) -> Self {
        Profile {
            kind,
            size,
            conditions: conditions.into_iter().collect(),
        }
    }
}

/// One reason a node does not apply, naming the node whose rule excluded it
/// (the node itself or an ancestor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Exclusion {
    /// Only for these kinds of enterprise.
    Kind {
        allowed: Vec<TenantKind>,
        rule_from: String,
    },
    /// Only for these size classes.
    Size { allowed: Vec<SizeClass>, rule_from: String },
    /// Only when this condition holds, and it does not.
    Condition { missing: Condition, rule_from: String },
}

/// Every reason `node` does not apply to `profile`; empty when it applies.
/// Rules are inherited: a requirement under a cloud chapter needs the cloud
/// condition too.
pub fn exclusions(catalog: &Catalog, node: &Node, profile: &Profile) -> Vec<Exclusion> {
    exclusions_in(catalog, &catalog.index(), node, profile)
}

/// [`exclusions`] with the catalogue's index built once by the caller.
pub(crate) fn exclusions_in(
    catalog: &Catalog,
    index: &HashMap<&str, usize>,
    node: &Node,
    profile: &Profile,
) -> Vec<Exclusion> {
    let mut out = Vec::new();
    let chain = std::iter::once(node).chain(catalog.ancestors_in(node, index));
    for source in chain {
        let Some(rule) = &source.applicability else { continue };
        if !rule.enterprise_kinds.is_empty() && !rule.enterprise_kinds.contains(&profile.kind) {
            out.push(Exclusion::Kind {
                allowed: rule.enterprise_kinds.clone(),
                rule_from: source.id.clone(),
            });
        }
        if !rule.size_classes.is_empty() && !rule.size_classes.contains(&profile.size) {
            out.push(Exclusion::Size {
                allowed: rule.size_classes.clone(),
                rule_from: source.id.clone(),
            });
        }
        for condition in &rule.conditions {
            if !profile.conditions.contains(condition) {
                out.push(Exclusion::Condition {
                    missing: *condition,
                    rule_from: source.id.clone(),
                });
            }
        }
    }
    out
}

/// The assessable nodes of a catalogue split into those that apply and those
/// that do not, with reasons.
#[derive(Debug, Serialize)]
pub struct Filtered<'a> {
    pub applicable: Vec<&'a Node>,
    pub excluded: Vec<(&'a Node, Vec<Exclusion>)>,
}

pub fn filter<'a>(catalog: &'a Catalog, profile: &Profile) -> Filtered<'a> {
    let mut filtered = Filtered {
        applicable: Vec::new(),
        excluded: Vec::new(),
    };
    let index = catalog.index();
    for node in catalog.assessable() {
        let reasons = exclusions_in(catalog, &index, node, profile);
        if reasons.is_empty() {
            filtered.applicable.push(node);
        } else {
            filtered.excluded.push((node, reasons));
        }
    }
    filtered
}
