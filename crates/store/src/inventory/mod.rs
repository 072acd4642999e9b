//! Inventory and measures: the enterprise's information systems, the
//! integrations between them, and its own security measures. Tenant data,
//! reachable only through [`TenantStore`].
//!
//! Rules kept here (tested in `tests/it/inventory.rs` on both backends):
//! - getters need `Permission::Read`; changes need `Permission::Edit`;
//! - every change writes its audit entry (before/after JSON) in the same
//!   transaction: `system.create|update|delete`, `integration.*`, `measure.*`
//!   (`measure.cite` when an answer cites a measure);
//! - systems, integrations and measures carry a `version`; a stale one is
//!   [`StoreError::VersionConflict`] with the stored object, nothing changed;
//! - a system's name is unique within the enterprise;
//! - an integration joins two different systems of the same enterprise, and
//!   its authoritative source, when named, is one of them or another of the
//!   enterprise's systems;
//! - a measure's systems are the enterprise's, and its requirements are
//!   requirements or recommendations of stored catalogues;
//! - a system that integrations or measures point at cannot be deleted.

use etterlev_core::Permission;
use etterlev_core::inventory::{
    Criticality, DataCategory, Frequency, Hosting, MdrClass, MeasureKind, MeasureStatus, ProtectionNeed, Protocol,
};
use serde::{Deserialize, Serialize};

use crate::accounts::TenantStore;
use crate::error::{Refusal, StoreError, StoreResult};
use crate::store::{Backend, in_tx, new_id, with_conn};
use crate::validate;

/// What a user enters about an information system (create and update).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemInput {
    /// Unique within the enterprise, e.g. "DIPS Arena".
    pub name: String,
    pub purpose: Option<String>,
    /// The system owner (systemeier): answers for the system.
    pub owner: Option<String>,
    /// Runs the system day to day (systemansvarlig / forvalter).
    pub administrator: Option<String>,
    /// Who uses it, in words (e.g. "leger og sykepleiere i somatikken").
    pub users: Option<String>,
    pub staff_users: bool,
    pub patient_users: bool,
    pub data_category: DataCategory,
    /// A health register under pasientjournalloven or helseregisterloven.
    pub health_register: bool,
    pub need: ProtectionNeed,
    pub criticality: Criticality,
    pub hosting: Hosting,
    /// Provider and region, for cloud hosting.
    pub cloud_provider: Option<String>,
    pub cloud_region: Option<String>,
    pub supplier: Option<String>,
    pub medical_device: bool,
    /// Only for a medical device.
    pub mdr_class: Option<MdrClass>,
    pub ai_component: bool,
    pub internet_exposed: bool,
    /// A supplier can reach it remotely.
    pub remote_access: bool,
}

/// A stored information system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct System {
    pub id: String,
    #[serde(flatten)]
    pub input: SystemInput,
    pub created_at: i64,
    pub updated_at: i64,
    /// 1 when created, +1 per change.
    pub version: i64,
}

/// What a user enters about an integration between two systems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationInput {
    pub from_system: String,
    pub to_system: String,
    /// Data goes both ways.
    pub both_ways: bool,
    /// What is exchanged, e.g. "lab orders and results".
    pub data: String,
    pub protocol: Protocol,
    pub frequency: Frequency,
    /// The system that is the authoritative source of this information.
    /// When it is not the receiving system, the receiver holds a copy that
    /// can go stale (fact sheet 59).
    pub source_system: Option<String>,
}

/// A stored integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integration {
    pub id: String,
    #[serde(flatten)]
    pub input: IntegrationInput,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl Integration {
    /// The receiving system holds a copy of information whose authoritative
    /// source is elsewhere.
    pub fn carries_copy(&self) -> bool {
        self.input
            .source_system
            .as_deref()
            .is_some_and(|s| s != self.input.to_system)
    }
}

/// A requirement of a catalogue a measure serves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RequirementRef {
    pub catalog_key: String,
    pub node_id: String,
}

/// What a user enters about one of the enterprise's own measures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureInput {
    /// E.g. "MFA on all remote access".
    pub title: String,
    pub description: Option<String>,
    pub kind: MeasureKind,
    pub status: MeasureStatus,
    pub owner: Option<String>,
    /// YYYY-MM-DD: look at the measure again by this date.
    pub review_by: Option<String>,
    /// How its effect is checked, e.g. "monthly report of sign-ins without MFA".
    pub check_method: Option<String>,
    /// How often, in words ("monthly").
    pub check_interval: Option<String>,
    /// YYYY-MM-DD of the last check, and what it showed.
    pub last_checked: Option<String>,
    pub last_result: Option<String>,
    /// Ids of the systems it protects.
    pub systems: Vec<String>,
    pub requirements: Vec<RequirementRef>,
}

/// A stored measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityMeasure {
    pub id: String,
    #[serde(flatten)]
    pub input: MeasureInput,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// One page of a list, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: usize,
}

/// An integration with the names of the systems it joins, for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedIntegration {
    pub integration: Integration,
    pub from_name: String,
    pub to_name: String,
}

/// The three dimensions of a protection need, by machine name.
pub const DIMENSIONS: [&str; 3] = ["confidentiality", "integrity", "availability"];

/// The enterprise's own text for one level of one dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelText {
    /// `confidentiality`, `integrity` or `availability`.
    pub dimension: String,
    /// 1 to 4.
    pub level: u8,
    pub text: String,
}

/// An uploaded table waiting for its column mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingImport {
    pub id: String,
    pub file_name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub created_at: i64,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
}

/// Systems, measures and requirement links beyond this are refused: a page
/// and an import stay bounded.
pub const LINKS_MAX: usize = 500;

// ---------------------------------------------------------------- validation

fn validate_system(mut s: SystemInput) -> StoreResult<SystemInput> {
    s.name = validate::required_line("the name", &s.name)?;
    s.purpose = validate::optional_text("the purpose", s.purpose)?;
    s.owner = validate::optional_line("the owner", s.owner)?;
    s.administrator = validate::optional_line("the administrator", s.administrator)?;
    s.users = validate::optional_line("the users", s.users)?;
    s.supplier = validate::optional_line("the supplier", s.supplier)?;
    if s.hosting == Hosting::Cloud {
        s.cloud_provider = Some(validate::required_line(
            "the cloud provider",
            s.cloud_provider.as_deref().unwrap_or(""),
        )?);
        s.cloud_region = validate::optional_line("the cloud region", s.cloud_region)?;
    } else {
        // Provider and region describe cloud hosting only.
        s.cloud_provider = None;
        s.cloud_region = None;
    }
    if !s.medical_device {
        s.mdr_class = None;
    }
    Ok(s)
}

fn validate_integration(mut i: IntegrationInput) -> StoreResult<IntegrationInput> {
    i.from_system = i.from_system.trim().to_string();
    i.to_system = i.to_system.trim().to_string();
    i.source_system = validate::clean(i.source_system);
    i.data = validate::required_line("the data exchanged", &i.data)?;
    if i.from_system == i.to_system {
        return Err(StoreError::Invalid(Refusal::new(
            "refusal-integration-self",
            "an integration joins two different systems",
        )));
    }
    Ok(i)
}

fn validate_measure(mut m: MeasureInput) -> StoreResult<MeasureInput> {
    m.title = validate::required_line("the title", &m.title)?;
    m.description = validate::optional_text("the description", m.description)?;
    m.owner = validate::optional_line("the owner", m.owner)?;
    m.review_by = validate::optional_date("the review date", m.review_by)?;
    m.check_method = validate::optional_text("the check method", m.check_method)?;
    m.check_interval = validate::optional_line("the check interval", m.check_interval)?;
    m.last_checked = validate::optional_date("the date of the last check", m.last_checked)?;
    m.last_result = validate::optional_text("the last result", m.last_result)?;
    if m.systems.len() > LINKS_MAX || m.requirements.len() > LINKS_MAX {
        return Err(StoreError::Invalid(
            Refusal::new(
                "refusal-links-max",
                format!("a measure links at most {LINKS_MAX} systems and requirements"),
            )
            .arg(LINKS_MAX),
        ));
    }
    let mut systems: Vec<String> = m
        .systems
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    systems.sort();
    systems.dedup();
    m.systems = systems;
    let mut reqs: Vec<RequirementRef> = m
        .requirements
        .into_iter()
        .map(|r| RequirementRef {
            catalog_key: r.catalog_key.trim().to_string(),
            node_id: r.node_id.trim().to_string(),
        })
        .collect();
    reqs.sort();
    reqs.dedup();
    m.requirements = reqs;
    Ok(m)
}

// ---------------------------------------------------------------- the API

impl TenantStore<'_> {
    /// The enterprise's systems, by name.
    pub async fn systems(&self) -> StoreResult<Vec<System>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::systems(c, tid).await)
    }

    /// A page of the enterprise's systems by name: those whose name contains
    /// `search` (any case) and hold `category`, when given.
    pub async fn systems_page(
        &self,
        search: Option<&str>,
        category: Option<DataCategory>,
        offset: usize,
        limit: usize,
    ) -> StoreResult<Page<System>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        let pattern = search.map(|s| format!("%{}%", s.to_lowercase().replace(['%', '_'], "")));
        let category = category.map(DataCategory::as_str);
        with_conn!(self.store, q, c => q::systems_page(c, tid, pattern.as_deref(), category, offset, limit).await)
    }

    /// The integrations that touch any of `system_ids` (a page of systems),
    /// with the systems' names, by those names; `total` counts all of the
    /// enterprise's integrations.
    pub async fn integrations_of(&self, system_ids: &[String]) -> StoreResult<Page<ListedIntegration>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::integrations_of(c, tid, system_ids).await)
    }

    /// The systems holding `category` (all when None) and the integrations
    /// between two of them.
    pub async fn flow(&self, category: Option<DataCategory>) -> StoreResult<(Vec<System>, Vec<Integration>)> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        let category = category.map(DataCategory::as_str);
        with_conn!(self.store, q, c => q::flow(c, tid, category).await)
    }

    /// The enterprise's own level texts (levels without one use the default).
    pub async fn level_texts(&self) -> StoreResult<Vec<LevelText>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::level_texts(c, tid).await)
    }

    /// Replaces the enterprise's level texts: a blank text returns that level
    /// to the default. Audited as `inventory.level_texts`.
    pub async fn set_level_texts(&self, texts: Vec<LevelText>) -> StoreResult<Vec<LevelText>> {
        self.scope.require(Permission::Edit)?;
        let mut clean = Vec::new();
        for t in texts {
            if !DIMENSIONS.contains(&t.dimension.as_str()) || !(1..=4).contains(&t.level) {
                return Err(StoreError::Invalid(Refusal::new(
                    "refusal-level",
                    "a level is 1 to 4 of confidentiality, integrity or availability",
                )));
            }
            if let Some(text) = validate::optional_line_max("the level text", Some(t.text), 500)? {
                clean.push(LevelText { text, ..t });
            }
        }
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::set_level_texts(c, actor, tid, &clean).await)
    }

    /// One system; another tenant's is `NotFound`.
    pub async fn system(&self, id: &str) -> StoreResult<System> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::system(c, tid, id).await)
    }

    pub async fn create_system(&self, input: SystemInput) -> StoreResult<System> {
        self.scope.require(Permission::Edit)?;
        let input = validate_system(input)?;
        let (tid, actor, id) = (&self.scope.tenant_id, &self.scope.actor, new_id());
        in_tx!(self.store, q, c => q::create_system(c, actor, tid, &id, &input).await)
    }

    /// A stale `expected_version` is [`StoreError::VersionConflict`].
    pub async fn update_system(&self, id: &str, input: SystemInput, expected_version: i64) -> StoreResult<System> {
        self.scope.require(Permission::Edit)?;
        let input = validate_system(input)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::update_system(c, actor, tid, id, &input, expected_version).await)
    }

    /// Refused while integrations or measures point at the system.
    pub async fn delete_system(&self, id: &str, expected_version: i64) -> StoreResult<()> {
        self.scope.require(Permission::Edit)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::delete_system(c, actor, tid, id, expected_version).await)
    }

    /// Keeps an uploaded table until its columns are mapped (see
    /// [`TenantStore::import_systems`]).
    pub async fn save_pending_import(
        &self,
        file_name: &str,
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
    ) -> StoreResult<PendingImport> {
        self.scope.require(Permission::Edit)?;
        let pending = PendingImport {
            id: new_id(),
            file_name: validate::optional_line("the file name", Some(file_name.to_string()))?
                .unwrap_or_else(|| "-".into()),
            headers,
            rows,
            created_at: crate::now_ms(),
        };
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::save_pending_import(c, actor, tid, &pending).await)?;
        Ok(pending)
    }

    /// An uploaded table of this enterprise; another's is `NotFound`.
    pub async fn pending_import(&self, id: &str) -> StoreResult<PendingImport> {
        self.scope.require(Permission::Edit)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::pending_import(c, tid, id).await)
    }

    /// Creates or changes (by name) every system of an import, all or
    /// nothing, and forgets the uploaded table. Each row is checked like a
    /// form; the first refused row refuses the whole import with
    /// `refusal-import-row` naming the row (1 = the header) and why.
    pub async fn import_systems(&self, pending_id: &str, rows: Vec<(usize, SystemInput)>) -> StoreResult<ImportCounts> {
        self.scope.require(Permission::Edit)?;
        let mut checked = Vec::with_capacity(rows.len());
        let mut seen = std::collections::HashMap::new();
        for (row, input) in rows {
            let input = validate_system(input).map_err(|e| match e {
                StoreError::Invalid(r) => StoreError::Invalid(
                    Refusal::new("refusal-import-row", format!("row {row}: {r}"))
                        .arg(row)
                        .with_details(vec![r]),
                ),
                e => e,
            })?;
            if let Some(first) = seen.insert(input.name.to_lowercase(), row) {
                return Err(StoreError::Invalid(
                    Refusal::new(
                        "refusal-import-twice",
                        format!("row {row}: {} is also in row {first}", input.name),
                    )
                    .arg(row)
                    .arg(&input.name)
                    .arg(first),
                ));
            }
            checked.push(input);
        }
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::import_systems(c, actor, tid, pending_id, &checked).await)
    }

    /// The enterprise's integrations.
    pub async fn integrations(&self) -> StoreResult<Vec<Integration>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::integrations(c, tid).await)
    }

    pub async fn integration(&self, id: &str) -> StoreResult<Integration> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::integration(c, tid, id).await)
    }

    pub async fn create_integration(&self, input: IntegrationInput) -> StoreResult<Integration> {
        self.scope.require(Permission::Edit)?;
        let input = validate_integration(input)?;
        let (tid, actor, id) = (&self.scope.tenant_id, &self.scope.actor, new_id());
        in_tx!(self.store, q, c => q::create_integration(c, actor, tid, &id, &input).await)
    }

    pub async fn update_integration(
        &self,
        id: &str,
        input: IntegrationInput,
        expected_version: i64,
    ) -> StoreResult<Integration> {
        self.scope.require(Permission::Edit)?;
        let input = validate_integration(input)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::update_integration(c, actor, tid, id, &input, expected_version).await)
    }

    pub async fn delete_integration(&self, id: &str, expected_version: i64) -> StoreResult<()> {
        self.scope.require(Permission::Edit)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::delete_integration(c, actor, tid, id, expected_version).await)
    }

    /// The enterprise's measures, by title.
    pub async fn measures(&self) -> StoreResult<Vec<SecurityMeasure>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::measures(c, tid, None).await)
    }

    /// The measures that serve one requirement.
    pub async fn measures_for(&self, catalog_key: &str, node_id: &str) -> StoreResult<Vec<SecurityMeasure>> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::measures(c, tid, Some((catalog_key, node_id))).await)
    }

    pub async fn measure(&self, id: &str) -> StoreResult<SecurityMeasure> {
        self.scope.require(Permission::Read)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::measure(c, tid, id).await)
    }

    pub async fn create_measure(&self, input: MeasureInput) -> StoreResult<SecurityMeasure> {
        self.scope.require(Permission::Edit)?;
        let input = validate_measure(input)?;
        let (tid, actor, id) = (&self.scope.tenant_id, &self.scope.actor, new_id());
        in_tx!(self.store, q, c => q::create_measure(c, actor, tid, &id, &input).await)
    }

    pub async fn update_measure(
        &self,
        id: &str,
        input: MeasureInput,
        expected_version: i64,
    ) -> StoreResult<SecurityMeasure> {
        self.scope.require(Permission::Edit)?;
        let input = validate_measure(input)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::update_measure(c, actor, tid, id, &input, expected_version).await)
    }

    /// Adds a requirement to those a measure serves (an assessment answer
    /// citing the measure). Saying it again changes nothing.
    pub async fn cite_measure(&self, id: &str, requirement: RequirementRef) -> StoreResult<SecurityMeasure> {
        self.scope.require(Permission::Edit)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::cite_measure(c, actor, tid, id, &requirement).await)
    }

    pub async fn delete_measure(&self, id: &str, expected_version: i64) -> StoreResult<()> {
        self.scope.require(Permission::Edit)?;
        let (tid, actor) = (&self.scope.tenant_id, &self.scope.actor);
        in_tx!(self.store, q, c => q::delete_measure(c, actor, tid, id, expected_version).await)
    }
}

#[allow(unused_imports)]
use Backend as _;

#[cfg(test)]
mod tests {
    use super::*;
    use etterlev_core::inventory::Level;

    pub(crate) fn system(name: &str) -> SystemInput {
        let l = |n| Level::new(n).unwrap_or(Level::ALL[0]);
        SystemInput {
            name: name.into(),
            purpose: None,
            owner: None,
            administrator: None,
            users: None,
            staff_users: true,
            patient_users: false,
            data_category: DataCategory::Health,
            health_register: false,
            need: ProtectionNeed {
                confidentiality: l(3),
                integrity: l(3),
                availability: l(2),
            },
            criticality: Criticality::Important,
            hosting: Hosting::OwnPremises,
            cloud_provider: Some("ignored".into()),
            cloud_region: None,
            supplier: None,
            medical_device: false,
            mdr_class: Some(MdrClass::IIa),
            ai_component: false,
            internet_exposed: false,
            remote_access: false,
        }
    }

    #[test]
    fn systems_are_cleaned_and_checked() {
        let ok = validate_system(system("  PACS ")).expect("valid");
        assert_eq!(ok.name, "PACS");
        assert_eq!(ok.cloud_provider, None, "provider only for cloud");
        assert_eq!(ok.mdr_class, None, "MDR class only for a medical device");
        let cloud = SystemInput {
            hosting: Hosting::Cloud,
            cloud_provider: None,
            ..system("Teams")
        };
        assert!(matches!(validate_system(cloud), Err(StoreError::Invalid(r)) if r.key() == "refusal-required"));
        assert!(validate_system(system(" ")).is_err());
    }

    #[test]
    fn an_integration_joins_two_systems() {
        let i = IntegrationInput {
            from_system: "a".into(),
            to_system: " a ".into(),
            both_ways: false,
            data: "results".into(),
            protocol: Protocol::Hl7v2,
            frequency: Frequency::RealTime,
            source_system: Some(" ".into()),
        };
        assert!(validate_integration(i.clone()).is_err());
        let ok = validate_integration(IntegrationInput {
            to_system: "b".into(),
            ..i
        })
        .expect("valid");
        assert_eq!(ok.source_system, None);
    }
}
