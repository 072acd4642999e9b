//! The enterprise profile's conditions, stored with the tenant. Kind and
//! size live in the tenant row itself; together they are the one profile
//! every view uses to decide what applies (`etterlev_catalog::Profile::for_enterprise`).

use etterlev_core::{Condition, Permission};

use super::TenantStore;
use crate::error::StoreResult;
use crate::store::{Backend, in_tx, with_conn};

/// Parses the stored list; an unknown name (from a newer version) is
/// skipped rather than failing every page of the tenant.
fn parse(stored: &str) -> Vec<Condition> {
    let mut out: Vec<Condition> = stored.split(',').filter_map(|c| Condition::parse(c.trim())).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn format(conditions: &[Condition]) -> String {
    let mut v: Vec<Condition> = conditions.to_vec();
    v.sort_unstable();
    v.dedup();
    v.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")
}

impl TenantStore<'_> {
    /// The conditions that hold for this tenant; `None` until someone has
    /// filled in the profile.
    pub async fn conditions(&self) -> StoreResult<Option<Vec<Condition>>> {
        self.scope.require(Permission::Read)?;
        let id = &self.scope.tenant_id;
        let stored = with_conn!(self.store, q, c => q::tenant_conditions(c, id).await)?;
        Ok(stored.as_deref().map(parse))
    }

    /// Replaces the tenant's conditions (editors and admins: the profile is
    /// compliance data). Audited as `tenant.profile`.
    pub async fn set_conditions(&self, conditions: &[Condition]) -> StoreResult<()> {
        self.scope.require(Permission::Edit)?;
        let id = &self.scope.tenant_id;
        let actor = &self.scope.actor;
        let value = format(conditions);
        in_tx!(self.store, q, c => q::set_tenant_conditions(c, actor, id, &value).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_sorted_and_unique() {
        let v = [
            Condition::PublicBody,
            Condition::UsesCloudServices,
            Condition::PublicBody,
        ];
        let s = format(&v);
        assert_eq!(parse(&s), vec![Condition::UsesCloudServices, Condition::PublicBody]);
        assert_eq!(parse(""), Vec::<Condition>::new());
        assert_eq!(
            parse("uses_cloud_services, from_the_future"),
            vec![Condition::UsesCloudServices]
        );
    }
}
