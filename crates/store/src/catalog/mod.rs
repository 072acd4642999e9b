//! Requirement catalogues in the database: global reference data, shared by
//! every tenant and never scoped to one.
//!
//! Invariant: a catalogue version (its key, e.g. `normen@6.0`) is immutable.
//! Importing the same key with the same content is a no-op; with different
//! content it is refused ([`StoreError::CatalogChanged`]) unless the caller
//! explicitly asks to replace it. A corrected catalogue is a new version.

use etterlev_catalog::{Catalog, CatalogSet, LocalText};
use serde::Serialize;
use uuid::Uuid;

use crate::error::{StoreError, StoreResult};
use crate::model::Actor;
use crate::store::{Backend, Store, in_tx, with_conn};

/// What [`Store::import_catalog_set`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Keys of catalogue versions imported now.
    pub added: Vec<String>,
    /// Keys already present with exactly this content.
    pub unchanged: Vec<String>,
    /// Keys whose content was replaced (only with `replace`).
    pub replaced: Vec<String>,
    /// Mappings imported or replaced now (unchanged ones are not counted).
    pub mappings: usize,
}

/// A stored catalogue version without its nodes, for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCatalog {
    pub key: String,
    pub catalog_id: String,
    pub version: String,
    pub title: LocalText,
    /// Date of the source version (YYYY-MM-DD).
    pub date: String,
    /// official, summary, draft or fixture.
    pub status: Option<String>,
    /// SHA-256 (hex) of the stored JSON content.
    pub sha256: String,
    /// Requirements and recommendations: what an enterprise answers for.
    pub requirement_count: i64,
    pub imported_at: i64,
    /// The importing user's id; `None` for the command line.
    pub imported_by: Option<String>,
}

/// Changes whenever a catalogue or mapping is imported or replaced: lets a
/// server keep catalogues in memory and notice imports by other processes
/// (the command line) with one cheap query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatalogStamp {
    pub catalogs: i64,
    pub latest_catalog: i64,
    pub mappings: i64,
    pub latest_mapping: i64,
}

impl Store {
    /// Imports a checked set of catalogues and mappings in ONE transaction,
    /// with an audit entry per imported (or replaced) catalogue and mapping
    /// in the system chain. `actor` is the importing user, `None` for the
    /// command line. An existing key with other content is an error unless
    /// `replace` is set; then nothing at all is imported.
    pub async fn import_catalog_set(
        &self,
        set: &CatalogSet,
        actor: Option<Uuid>,
        replace: bool,
    ) -> StoreResult<ImportSummary> {
        let actor = match actor {
            None => Actor::cli(),
            Some(id) => {
                let id = id.to_string();
                let user = self.user_by_id(&id).await?.ok_or(StoreError::NotFound)?;
                Actor::user(&user)
            }
        };
        self.import_catalog_set_as(set, &actor, replace).await
    }

    /// [`Store::import_catalog_set`] with an explicit audit actor (e.g. the
    /// demo seeding).
    pub async fn import_catalog_set_as(
        &self,
        set: &CatalogSet,
        actor: &Actor,
        replace: bool,
    ) -> StoreResult<ImportSummary> {
        in_tx!(self, q, c => q::import_catalog_set(c, actor, set, replace).await)
    }

    /// Every stored catalogue version, by catalogue id and then date.
    pub async fn list_catalogs(&self) -> StoreResult<Vec<StoredCatalog>> {
        with_conn!(self, q, c => q::list_catalogs(c).await)
    }

    /// One catalogue version by key (`normen@6.0`).
    pub async fn load_catalog(&self, key: &str) -> StoreResult<Option<Catalog>> {
        with_conn!(self, q, c => q::load_catalog(c, key).await)
    }

    /// All catalogues and mappings.
    pub async fn load_catalog_set(&self) -> StoreResult<CatalogSet> {
        with_conn!(self, q, c => q::load_catalog_set(c).await)
    }

    /// See [`CatalogStamp`].
    pub async fn catalog_stamp(&self) -> StoreResult<CatalogStamp> {
        with_conn!(self, q, c => q::catalog_stamp(c).await)
    }
}

#[allow(unused_imports)]
use Backend as _;
