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
    /// Exactly the given facts, nothing derived (tests and raw filters).
    pub fn new(kind: TenantKind, size: SizeClass, conditions: impl IntoIterator<Item = Condition>) -> Self {
        Profile {
            kind,
            size,
            conditions: conditions.into_iter().collect(),
        }
    }

    /// An enterprise's profile as every view must use it: the stated
    /// conditions plus what follows from kind and size by law. Today that
    /// is NIS2's size-cap rule (see [`nis2_covered`]): a medium or large
    /// health-care provider is an essential or important entity whether or
    /// not anyone ticked the box. The catalogue filter, new assessments, an
    /// assessment's applicability and the wizard all go through here, so
    /// they cannot disagree about what applies.
    pub fn for_enterprise(kind: TenantKind, size: SizeClass, conditions: impl IntoIterator<Item = Condition>) -> Self {
        let mut p = Profile::new(kind, size, conditions);
        if nis2_covered(kind, size) {
            p.conditions.insert(Condition::Nis2Entity);
        }
        p
    }
}

/// Whether NIS2 covers an enterprise by its kind and size alone: health-care
/// providers (Annex I, sector 5: every kind of enterprise here except a
/// supplier) of medium size or larger (Art. 2(1), the size-cap rule; our
/// size classes are the EU SME classes). Smaller or other enterprises are
/// covered only when designated, which they state with the `nis2_entity`
/// condition.
pub fn nis2_covered(kind: TenantKind, size: SizeClass) -> bool {
    kind != TenantKind::Supplier && matches!(size, SizeClass::Medium | SizeClass::Large)
}

/// Conditions that stand for a law not yet in force for the enterprise,
/// which it can prepare for: a node excluded only for lack of one of these
/// is "not yet required — prepare" rather than "does not apply".
pub const PREPARE_CONDITIONS: &[Condition] = &[Condition::Nis2Entity];

/// True when every reason is a missing [`PREPARE_CONDITIONS`] condition
/// (and there is at least one reason).
pub fn prepare_only(reasons: &[Exclusion]) -> bool {
    !reasons.is_empty()
        && reasons
            .iter()
            .all(|r| matches!(r, Exclusion::Condition { missing, .. } if PREPARE_CONDITIONS.contains(missing)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nis2_size_cap_rule() {
        for kind in TenantKind::ALL {
            for size in SizeClass::ALL {
                let big = matches!(size, SizeClass::Medium | SizeClass::Large);
                let want = big && *kind != TenantKind::Supplier;
                assert_eq!(nis2_covered(*kind, *size), want, "{kind} {size}");
                let p = Profile::for_enterprise(*kind, *size, []);
                assert_eq!(p.conditions.contains(&Condition::Nis2Entity), want, "{kind} {size}");
            }
        }
        // A designated small enterprise keeps what it stated.
        let p = Profile::for_enterprise(TenantKind::GpOffice, SizeClass::Micro, [Condition::Nis2Entity]);
        assert!(p.conditions.contains(&Condition::Nis2Entity));
        // `new` derives nothing.
        let raw = Profile::new(TenantKind::HospitalTrust, SizeClass::Large, []);
        assert!(raw.conditions.is_empty());
    }

    #[test]
    fn prepare_only_needs_only_prepare_conditions() {
        let nis2 = Exclusion::Condition {
            missing: Condition::Nis2Entity,
            rule_from: "art21".into(),
        };
        let cloud = Exclusion::Condition {
            missing: Condition::UsesCloudServices,
            rule_from: "x".into(),
        };
        let kind = Exclusion::Kind {
            allowed: vec![TenantKind::Supplier],
            rule_from: "y".into(),
        };
        assert!(prepare_only(std::slice::from_ref(&nis2)));
        assert!(!prepare_only(&[]));
        assert!(!prepare_only(&[nis2.clone(), cloud]));
        assert!(!prepare_only(&[nis2, kind]));
    }
}
