//! The sector's threat picture as data (`catalog/threats/`): intentional
//! threat actors with their intent and capability, non-intentional threats,
//! and scenario templates that name their threats, their typical
//! consequences per dimension and the requirements that address them. Risk
//! assessments start from it; it is one of the three parts of the risk
//! picture (with the value and the vulnerability pictures).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::load::Diagnostic;
use crate::model::{Catalog, CatalogStatus, LocalText, Reference, SourceCheck};

pub const THREATS_SCHEMA: &str = "etterlev/threats/v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Low,
    Medium,
    High,
}

/// What every entry of the threat picture has: a summary and its sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sourced {
    pub id: String,
    pub title: LocalText,
    pub text: LocalText,
    pub references: Vec<Reference>,
    pub verified: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<SourceCheck>,
}

/// An intentional threat actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    #[serde(flatten)]
    pub entry: Sourced,
    pub intent: Level,
    pub capability: Level,
}

/// Typical consequences of a scenario, per dimension; patient safety first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consequences {
    pub patient_safety: LocalText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<LocalText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise: Option<LocalText>,
}

/// A requirement of a catalogue (its newest version) by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRef {
    pub catalog: String,
    pub node: String,
}

/// A scenario template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    #[serde(flatten)]
    pub entry: Sourced,
    /// Ids of actors or non-intentional threats.
    pub threats: Vec<String>,
    pub consequences: Consequences,
    pub addressed_by: Vec<NodeRef>,
    /// Kinds of measure (`organisational`, `technical`, `physical`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measures: Vec<String>,
}

/// One version of a threat picture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreatPicture {
    pub schema: String,
    pub id: String,
    pub version: String,
    pub title: LocalText,
    pub publisher: String,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CatalogStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LocalText>,
    pub source: Vec<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_source_check: Option<String>,
    pub actors: Vec<Actor>,
    pub non_intentional: Vec<Sourced>,
    pub scenarios: Vec<Scenario>,
}

impl ThreatPicture {
    pub fn key(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }

    /// Every entry, actors first, then non-intentional threats, then
    /// scenarios.
    pub fn entries(&self) -> impl Iterator<Item = &Sourced> {
        self.actors
            .iter()
            .map(|a| &a.entry)
            .chain(&self.non_intentional)
            .chain(self.scenarios.iter().map(|s| &s.entry))
    }

    /// Verified entries and all entries.
    pub fn verified_share(&self) -> (usize, usize) {
        (self.entries().filter(|e| e.verified).count(), self.entries().count())
    }

    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.entry.id == id)
    }
}

/// A problem in one threat picture: the entry id (if any), a code, a
/// message and a hint.
pub type Problem = (Option<String>, &'static str, String, String);

/// The checks one file can make on its own: unique ids, scenarios naming
/// threats that exist, and the fidelity rules (a source for every entry,
/// addresses for references, checks behind `verified`).
pub fn problems(t: &ThreatPicture) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for e in t.entries() {
        if !seen.insert(e.id.as_str()) {
            out.push((
                Some(e.id.clone()),
                "duplicate-id",
                format!("id `{}` is used twice", e.id),
                "ids must be unique across actors, threats and scenarios".into(),
            ));
        }
        // The same rules as catalogue nodes (Normen section numbers are
        // not judged for the threat picture).
        out.extend(
            crate::fidelity::source_findings(&e.id, &e.references, e.verified, &e.checks, None)
                .into_iter()
                .map(|(code, message, hint)| (Some(e.id.clone()), code, message, hint)),
        );
    }
    let threats: HashSet<&str> = t
        .actors
        .iter()
        .map(|a| a.entry.id.as_str())
        .chain(t.non_intentional.iter().map(|n| n.id.as_str()))
        .collect();
    for s in &t.scenarios {
        for id in &s.threats {
            if !threats.contains(id.as_str()) {
                out.push((
                    Some(s.entry.id.clone()),
                    "dangling-threat",
                    format!("scenario `{}` names threat `{id}`, which does not exist", s.entry.id),
                    "use the id of an actor or a non-intentional threat".into(),
                ));
            }
        }
    }
    out
}

/// The line where an entry with this id starts (`- id: …`).
fn line_of(source: &str, id: &str) -> Option<u64> {
    source
        .lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches("- ").trim();
            l.strip_prefix("id:")
                .is_some_and(|v| v.trim().trim_matches(['"', '\'']) == id)
        })
        .map(|i| i as u64 + 1)
}

/// [`problems`] as diagnostics with file and line.
pub(crate) fn file_diagnostics(file: &str, t: &ThreatPicture, source: &str) -> Vec<Diagnostic> {
    problems(t)
        .into_iter()
        .map(|(id, code, message, hint)| {
            let line = id.as_deref().and_then(|id| line_of(source, id));
            Diagnostic::new(file, line, code, message, hint)
        })
        .collect()
}

/// A scenario's requirements must exist in the newest version of their
/// catalogue among `catalogs`.
pub(crate) fn set_diagnostics(file: &str, t: &ThreatPicture, source: &str, catalogs: &[&Catalog]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in &t.scenarios {
        for r in &s.addressed_by {
            let found = crate::model::newest(catalogs, &r.catalog).is_some_and(|c| c.node(&r.node).is_some());
            if !found {
                out.push(Diagnostic::new(
                    file,
                    line_of(source, &s.entry.id),
                    "dangling-requirement",
                    format!(
                        "scenario `{}` names {} {}, which the newest version of that catalogue does not have",
                        s.entry.id, r.catalog, r.node
                    ),
                    "use a catalogue id and a node id of its newest version",
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ReferenceKind;

    fn sourced(id: &str, verified: bool) -> Sourced {
        Sourced {
            id: id.into(),
            title: LocalText::new(id, None),
            text: LocalText::new(id, None),
            references: vec![Reference {
                kind: ReferenceKind::Other,
                title: "A report".into(),
                section: None,
                url: Some("https://example.org/".into()),
                page: None,
            }],
            verified,
            checks: if verified {
                vec![SourceCheck {
                    date: "2026-12-07".into(),
                    url: "https://example.org/".into(),
                    confirmed: "the actor".into(),
                }]
            } else {
                Vec::new()
            },
        }
    }

    fn picture() -> ThreatPicture {
        ThreatPicture {
            schema: THREATS_SCHEMA.into(),
            id: "t".into(),
            version: "1".into(),
            title: LocalText::new("t", None),
            publisher: "p".into(),
            date: "2026-12-07".into(),
            status: Some(CatalogStatus::Summary),
            description: None,
            source: Vec::new(),
            last_source_check: None,
            actors: vec![Actor {
                entry: sourced("crime", true),
                intent: Level::High,
                capability: Level::High,
            }],
            non_intentional: vec![sourced("error", false)],
            scenarios: vec![Scenario {
                entry: sourced("ransomware", true),
                threats: vec!["crime".into()],
                consequences: Consequences {
                    patient_safety: LocalText::new("delayed treatment", None),
                    privacy: None,
                    enterprise: None,
                },
                addressed_by: Vec::new(),
                measures: Vec::new(),
            }],
        }
    }

    #[test]
    fn a_sound_picture_has_no_problems_and_counts_its_verified_entries() {
        let t = picture();
        assert!(problems(&t).is_empty());
        assert_eq!(t.verified_share(), (2, 3));
    }

    #[test]
    fn each_rule_can_fail() {
        let mut t = picture();
        t.scenarios[0].threats.push("ghost".into());
        t.non_intentional.push(sourced("crime", false));
        t.actors[0].entry.checks.clear();
        t.non_intentional[0].references[0].url = None;
        let codes: Vec<&str> = problems(&t).iter().map(|p| p.1).collect();
        assert_eq!(
            codes,
            [
                "verified-without-check",
                "reference-without-address",
                "duplicate-id",
                "dangling-threat"
            ]
        );
    }
}
