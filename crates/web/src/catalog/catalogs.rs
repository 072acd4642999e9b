//! The catalogues in memory: the stored [`CatalogSet`] and its search index,
//! loaded once and reloaded when the database says catalogues changed (an
//! import by this server or by `etterlev catalog import` elsewhere). The
//! check is one cheap query per catalogue request ([`Store::catalog_stamp`]).
//!
//! Also the parsing of an enterprise profile from query parameters, shared
//! by the pages and the API.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use etterlev_catalog::{Catalog, CatalogSet, Mapping, MappingEntry, Profile};
use etterlev_core::{Condition, SizeClass, TenantKind};
use etterlev_store::{CatalogStamp, Store, StoreError};

use crate::catalog::search::CatalogSearch;

/// One consistent snapshot of the catalogues.
#[derive(Debug)]
pub struct Loaded {
    pub stamp: CatalogStamp,
    pub set: CatalogSet,
    pub search: CatalogSearch,
}

impl Loaded {
    /// A catalogue version by its exact key (`normen@6.0`).
    pub fn catalog(&self, key: &str) -> Option<&Catalog> {
        self.set.catalogs.iter().find(|c| c.key() == key)
    }

    pub fn mapping(&self, id: &str) -> Option<&Mapping> {
        self.set.mappings.iter().find(|m| m.id == id)
    }

    /// Mapping entries that name this node, on either side: (mapping, entry,
    /// true when the node is the `from` side).
    pub fn mappings_of<'a>(&'a self, key: &str, node_id: &str) -> Vec<(&'a Mapping, &'a MappingEntry, bool)> {
        let mut out = Vec::new();
        for m in &self.set.mappings {
            let (from, to) = (m.from.key() == key, m.to.key() == key);
            for e in &m.entries {
                if from && e.from.as_deref() == Some(node_id) {
                    out.push((m, e, true));
                } else if to && e.to == node_id {
                    out.push((m, e, false));
                }
            }
        }
        out
    }

    /// Checks a `from`/`to` pair for a diff: both known (else `Ok(None)`,
    /// a 404) and versions of the same catalogue (else a message for a 400).
    pub fn diff_pair(&self, from: &str, to: &str) -> Result<Option<(&Catalog, &Catalog)>, String> {
        let (Some(a), Some(b)) = (
            is_key(from).then(|| self.catalog(from)).flatten(),
            is_key(to).then(|| self.catalog(to)).flatten(),
        ) else {
            return Ok(None);
        };
        if a.id != b.id {
            return Err(format!(
                "{from} and {to} are different catalogues; compare two versions of the same catalogue"
            ));
        }
        Ok(Some((a, b)))
    }

    /// The other versions of the same catalogue, oldest first (the set is
    /// ordered by id, date, version).
    pub fn versions_of(&self, id: &str) -> Vec<&Catalog> {
        self.set.catalogs.iter().filter(|c| c.id == id).collect()
    }

    /// The newest version of catalogue `id` (by date, then version).
    pub fn newest(&self, id: &str) -> Option<&Catalog> {
        etterlev_catalog::newest(&self.versions_of(id), id)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("search index: {0}")]
    Index(String),
}

impl From<CatalogError> for crate::kit::error::AppError {
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::Store(s) => s.into(),
            CatalogError::Index(m) => crate::kit::error::AppError::Internal(m),
        }
    }
}

impl From<CatalogError> for crate::kit::api::ApiError {
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::Store(s) => s.into(),
            CatalogError::Index(m) => crate::kit::api::ApiError::Internal(m),
        }
    }
}

/// The cache kept in the app state.
#[derive(Debug, Default)]
pub struct Catalogs {
    current: RwLock<Option<Arc<Loaded>>>,
    /// Serialises reloads so a burst of requests builds the index once.
    reload: tokio::sync::Mutex<()>,
}

impl Catalogs {
    fn cached(&self, stamp: CatalogStamp) -> Option<Arc<Loaded>> {
        let guard = self.current.read().unwrap_or_else(|p| p.into_inner());
        guard.as_ref().filter(|l| l.stamp == stamp).cloned()
    }

    /// The current catalogues, reloading them (and rebuilding the search
    /// index) if the database changed since the last load.
    pub async fn get(&self, store: &Store) -> Result<Arc<Loaded>, CatalogError> {
        let stamp = store.catalog_stamp().await?;
        if let Some(loaded) = self.cached(stamp) {
            return Ok(loaded);
        }
        let _one_at_a_time = self.reload.lock().await;
        if let Some(loaded) = self.cached(stamp) {
            return Ok(loaded);
        }
        // Read the stamp before the set: an import in between makes the
        // stamp stale, so the next request loads again. Never the reverse.
        let set = store.load_catalog_set().await?;
        let (set, search) = tokio::task::spawn_blocking(move || {
            let search = CatalogSearch::build(&set);
            (set, search)
        })
        .await
        .map_err(|e| CatalogError::Index(e.to_string()))?;
        let search = search.map_err(|e| CatalogError::Index(e.to_string()))?;
        tracing::info!(
            catalogs = set.catalogs.len(),
            mappings = set.mappings.len(),
            "catalogues loaded and indexed"
        );
        let loaded = Arc::new(Loaded { stamp, set, search });
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(loaded.clone());
        Ok(loaded)
    }
}

/// An enterprise profile from query parameters: `kind`, `size` or `staff`
/// (a head count, which wins over `size`), and conditions as repeated
/// `cond` parameters or one comma-separated `conditions` parameter.
/// Returns `Ok(None)` when no `kind` is given; errors are messages for a 400.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ProfileParams {
    pub kind: Option<String>,
    pub size: Option<String>,
    pub staff: Option<String>,
    pub conditions: Vec<String>,
}

impl ProfileParams {
    pub fn from_query(query: Option<&str>) -> Self {
        let mut p = ProfileParams::default();
        for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let v = v.trim().to_string();
            match k.as_ref() {
                "kind" if !v.is_empty() => p.kind = Some(v),
                "size" if !v.is_empty() => p.size = Some(v),
                "staff" if !v.is_empty() => p.staff = Some(v),
                "cond" if !v.is_empty() => p.conditions.push(v),
                "conditions" => p.conditions.extend(
                    v.split(',')
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(str::to_string),
                ),
                _ => {}
            }
        }
        p
    }

    /// True when the request said anything about the enterprise.
    pub fn is_empty(&self) -> bool {
        self.kind.is_none() && self.size.is_none() && self.staff.is_none() && self.conditions.is_empty()
    }

    pub fn profile(&self) -> Result<Profile, String> {
        let Some(kind) = &self.kind else {
            return Err(format!("kind is required: one of {}", names(TenantKind::ALL)));
        };
        let kind = TenantKind::parse(kind)
            .ok_or_else(|| format!("unknown kind {kind:?}: use one of {}", names(TenantKind::ALL)))?;
        let size = match (&self.staff, &self.size) {
            (Some(staff), _) => {
                let n: u32 = staff
                    .parse()
                    .map_err(|_| format!("staff must be a whole number of employees, not {staff:?}"))?;
                SizeClass::from_staff(n)
            }
            (None, Some(size)) => SizeClass::parse(size)
                .ok_or_else(|| format!("unknown size {size:?}: use one of {}", names(SizeClass::ALL)))?,
            (None, None) => {
                return Err(format!(
                    "size or staff is required: size is one of {}",
                    names(SizeClass::ALL)
                ));
            }
        };
        let mut conditions = BTreeSet::new();
        for c in &self.conditions {
            conditions.insert(
                Condition::parse(c)
                    .ok_or_else(|| format!("unknown condition {c:?}: use any of {}", names(Condition::ALL)))?,
            );
        }
        // The same derivation as a tenant's stored profile, so a filter
        // that names a profile shows what that enterprise would get.
        Ok(Profile::for_enterprise(kind, size, conditions))
    }
}

fn names<T: std::fmt::Display>(all: &[T]) -> String {
    all.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// Catalogue keys and node ids in URLs follow the file format's patterns
/// (letters, digits, `.`, `_`, `-`, and `@` between id and version);
/// anything else cannot name a catalogue and is a 404 before any lookup.
pub fn is_key(raw: &str) -> bool {
    raw.len() <= 120
        && raw
            .split_once('@')
            .is_some_and(|(id, version)| is_slug(id) && is_slug(version))
}

pub fn is_slug(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= 80
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_from_query() {
        let p = ProfileParams::from_query(Some(
            "kind=gp_office&staff=4&cond=uses_cloud_services&conditions=public_body,+nis2_entity",
        ));
        let profile = p.profile().expect("valid");
        assert_eq!(profile.kind, TenantKind::GpOffice);
        assert_eq!(profile.size, SizeClass::Micro);
        assert_eq!(profile.conditions.len(), 3);
        let p = ProfileParams::from_query(Some("kind=hospital_trust&size=large"));
        assert_eq!(p.profile().expect("valid").size, SizeClass::Large);
        for (q, word) in [
            ("size=large", "kind is required"),
            ("kind=castle&size=large", "unknown kind"),
            ("kind=dentist", "size or staff"),
            ("kind=dentist&staff=-3", "whole number"),
            ("kind=dentist&size=huge", "unknown size"),
            ("kind=dentist&size=small&cond=dragons", "unknown condition"),
        ] {
            let err = ProfileParams::from_query(Some(q)).profile().expect_err(q);
            assert!(err.contains(word), "{q}: {err}");
        }
        assert!(ProfileParams::from_query(None).is_empty());
    }

    #[test]
    fn keys_and_slugs() {
        assert!(is_key("normen@6.0"));
        assert!(is_key("fa31@2023-06-08"));
        for bad in ["normen", "@6.0", "normen@", "a@b@c", "a@b/c", "a b@1", "a@<x>"] {
            assert!(!is_key(bad), "{bad}");
        }
        assert!(is_slug("2.1-a") && is_slug("art21.2.a") && !is_slug("") && !is_slug("a/b"));
    }
}
