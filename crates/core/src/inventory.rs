//! The enterprise's information systems, the integrations between them and
//! its own security measures: the spine that risk, incidents, continuity and
//! suppliers hang on.
//!
//! Sources: Normen's fact sheet "Kartlegge og klassifisere systemer" and the
//! risk-management guide (protection need per confidentiality, integrity and
//! availability on a four-level scale), fact sheet 59 and the integrity guide
//! (the authoritative source of each kind of information, and the copies that
//! can go stale). The level texts shown to users are defaults in our own
//! words, kept in the locale files.

use crate::tenant::string_enum;

string_enum! {
    /// The most sensitive kind of personal data a system holds.
    DataCategory {
        /// Health and care data (helseopplysninger), GDPR Art. 9.
        Health = "health",
        /// Other special categories of GDPR Art. 9 and 10.
        Special = "special",
        /// Ordinary personal data.
        Personal = "personal",
        /// No personal data.
        None = "none",
    }
}

string_enum! {
    /// Where a system runs.
    Hosting {
        OwnPremises = "own_premises",
        /// The regional health authority's IT provider (e.g. Sykehuspartner,
        /// Helse Vest IKT, Helse Nord IKT, Hemit).
        RegionalIt = "regional_it",
        SupplierDataCentre = "supplier_data_centre",
        /// A cloud service; the provider and region are recorded with it.
        Cloud = "cloud",
        /// Equipment in the patient's home (home monitoring, welfare technology).
        PatientHome = "patient_home",
    }
}

string_enum! {
    /// How much patient treatment depends on the system.
    Criticality {
        /// Not used in treatment.
        None = "none",
        /// Supports treatment; work goes on without it.
        Supporting = "supporting",
        /// Treatment is slowed or needs manual routines without it.
        Important = "important",
        /// Treatment stops or patients are put at risk without it.
        Critical = "critical",
    }
}

string_enum! {
    /// Medical-device class under the MDR (EU) 2017/745, Annex VIII.
    MdrClass {
        I = "i",
        IIa = "iia",
        IIb = "iib",
        III = "iii",
    }
}

string_enum! {
    /// How an integration moves data.
    Protocol {
        Hl7v2 = "hl7v2",
        Fhir = "fhir",
        FileTransfer = "file_transfer",
        Email = "email",
        Api = "api",
        Other = "other",
    }
}

string_enum! {
    /// How often an integration runs.
    Frequency {
        RealTime = "real_time",
        Hourly = "hourly",
        Daily = "daily",
        Weekly = "weekly",
        OnDemand = "on_demand",
    }
}

string_enum! {
    /// What kind of protection a measure gives.
    MeasureKind {
        Organisational = "organisational",
        Technical = "technical",
        Physical = "physical",
    }
}

string_enum! {
    /// Where a measure stands.
    MeasureStatus {
        Planned = "planned",
        InProgress = "in_progress",
        Implemented = "implemented",
        Retired = "retired",
    }
}

/// A protection need on the four-level scale of the risk-management guide:
/// 1 low, 2 moderate, 3 high, 4 very high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Level(u8);

impl Level {
    pub const ALL: [Level; 4] = [Level(1), Level(2), Level(3), Level(4)];

    pub fn new(n: u8) -> Option<Level> {
        (1..=4).contains(&n).then_some(Level(n))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Level {
    type Error = String;
    fn try_from(n: u8) -> Result<Level, String> {
        Level::new(n).ok_or_else(|| format!("a protection level is 1 to 4, not {n}"))
    }
}

impl From<Level> for u8 {
    fn from(l: Level) -> u8 {
        l.0
    }
}

/// The protection need of a system for confidentiality, integrity and
/// availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProtectionNeed {
    pub confidentiality: Level,
    pub integrity: Level,
    pub availability: Level,
}

impl ProtectionNeed {
    /// The highest of the three: the system's class.
    pub fn class(&self) -> Level {
        self.confidentiality.max(self.integrity).max(self.availability)
    }
}

/// The protection need a system should have at least, from what it holds and
/// how treatment depends on it: a system with health data needs high
/// confidentiality, a critical one very high availability. Used to flag a
/// classification that looks too low, never to overwrite it.
pub fn least_need(data: DataCategory, criticality: Criticality) -> ProtectionNeed {
    let confidentiality = match data {
        DataCategory::Health | DataCategory::Special => 3,
        DataCategory::Personal => 2,
        DataCategory::None => 1,
    };
    let (integrity, availability) = match criticality {
        Criticality::Critical => (4, 4),
        Criticality::Important => (3, 3),
        Criticality::Supporting => (2, 2),
        Criticality::None => (1, 1),
    };
    ProtectionNeed {
        confidentiality: Level(confidentiality),
        integrity: Level(integrity),
        availability: Level(availability),
    }
}

/// Which of the three dimensions are classified below [`least_need`].
pub fn below_least(need: &ProtectionNeed, data: DataCategory, criticality: Criticality) -> Vec<&'static str> {
    let least = least_need(data, criticality);
    let mut low = Vec::new();
    if need.confidentiality < least.confidentiality {
        low.push("confidentiality");
    }
    if need.integrity < least.integrity {
        low.push("integrity");
    }
    if need.availability < least.availability {
        low.push("availability");
    }
    low
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn levels_are_one_to_four() {
        assert!(Level::new(0).is_none() && Level::new(5).is_none());
        assert_eq!(Level::new(3).map(Level::get), Some(3));
        assert!(serde_json::from_str::<Level>("5").is_err());
        assert_eq!(serde_json::from_str::<Level>("2").ok(), Level::new(2));
    }

    #[test]
    fn health_data_needs_high_confidentiality() {
        let l = |n| Level::new(n).unwrap_or(Level(1));
        let need = ProtectionNeed {
            confidentiality: l(2),
            integrity: l(4),
            availability: l(4),
        };
        assert_eq!(
            below_least(&need, DataCategory::Health, Criticality::Critical),
            vec!["confidentiality"]
        );
        assert!(below_least(&need, DataCategory::Personal, Criticality::Critical).is_empty());
        assert_eq!(need.class(), l(4));
    }

    proptest! {
        #[test]
        fn least_need_is_monotone(c in 1u8..=4, i in 1u8..=4, a in 1u8..=4) {
            let need = ProtectionNeed { confidentiality: Level(c), integrity: Level(i), availability: Level(a) };
            // Asking for more than the least never reports a shortfall.
            let full = ProtectionNeed { confidentiality: Level(4), integrity: Level(4), availability: Level(4) };
            for d in DataCategory::ALL {
                for k in Criticality::ALL {
                    prop_assert!(below_least(&full, *d, *k).is_empty());
                    prop_assert!(below_least(&need, *d, *k).len() <= 3);
                }
            }
        }
    }
}
