//! Tenant-scoped access. Every query here filters on the scope's tenant id and
//! every change checks the member's role first.

use etterlev_core::{AuditRecord, Permission, Role};

use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::store::{Backend, Store, in_tx, with_conn};

/// Proof that a user is a member of a tenant, with their role there.
/// Made only by [`Store::scope`]; fields are private so it cannot be forged.
#[derive(Debug, Clone)]
pub struct TenantScope {
    pub(crate) tenant_id: String,
    user_id: String,
    role: Role,
    pub(crate) actor: Actor,
}

impl TenantScope {
    pub fn tenant_id(&self) -> &str {
        &self.tenant_id
    }
    pub fn user_id(&self) -> &str {
        &self.user_id
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn allows(&self, p: Permission) -> bool {
        self.role.allows(p)
    }
    pub(crate) fn require(&self, p: Permission) -> StoreResult<()> {
        if self.allows(p) {
            Ok(())
        } else {
            Err(StoreError::Forbidden)
        }
    }
}

impl Store {
    /// The user's scope in a tenant, or `NotFound` when they are not a member
    /// (the same answer as for a tenant that does not exist).
    pub async fn scope(&self, user: &User, tenant_id: &str) -> StoreResult<TenantScope> {
        if user.disabled {
            return Err(StoreError::NotFound);
        }
        let role = with_conn!(self, q, c => q::role_in(c, &user.id, tenant_id).await)?;
        let role = role.ok_or(StoreError::NotFound)?;
        Ok(TenantScope {
            tenant_id: tenant_id.to_string(),
            user_id: user.id.clone(),
            role,
            actor: Actor::user(user),
        })
    }

    /// Everything a signed-in request needs, in two queries on one connection:
    /// the session with its user, and the user's memberships. The scope is
    /// that of the session's selected tenant (or the first tenant), made here
    /// from memberships this function loaded itself.
    pub async fn session_context(&self, token_hash: &str, now: i64) -> StoreResult<Option<SessionContext>> {
        let loaded = with_conn!(self, q, c => q::session_with_user(c, token_hash, now).await)?;
        let Some((session, user, memberships)) = loaded else {
            return Ok(None);
        };
        let selected = session
            .tenant_id
            .as_ref()
            .and_then(|t| memberships.iter().find(|m| &m.tenant.id == t))
            .or_else(|| memberships.first());
        let scope = match selected {
            Some(m) if !user.disabled => Some(TenantScope {
                tenant_id: m.tenant.id.clone(),
                user_id: user.id.clone(),
                role: m.role,
                actor: Actor::user(&user),
            }),
            _ => None,
        };
        Ok(Some(SessionContext {
            session,
            user,
            memberships,
            scope,
        }))
    }

    pub fn tenant<'a>(&'a self, scope: &'a TenantScope) -> TenantStore<'a> {
        TenantStore { store: self, scope }
    }
}

/// A signed-in request's session, user, tenants and selected tenant's scope.
#[derive(Debug, Clone)]
pub struct SessionContext {
    pub session: Session,
    pub user: User,
    pub memberships: Vec<Membership>,
    pub scope: Option<TenantScope>,
}

/// The store seen from inside one tenant.
pub struct TenantStore<'a> {
    pub(crate) store: &'a Store,
    pub(crate) scope: &'a TenantScope,
}

impl TenantStore<'_> {
    pub fn scope(&self) -> &TenantScope {
        self.scope
    }

    pub async fn tenant(&self) -> StoreResult<Tenant> {
        let id = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::tenant_by_id(c, id).await)
    }

    pub async fn members(&self) -> StoreResult<Vec<Member>> {
        self.scope.require(Permission::Read)?;
        let id = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::members(c, id).await)
    }

    /// One member; a user of another tenant is `NotFound`.
    pub async fn member(&self, user_id: &str) -> StoreResult<Member> {
        self.scope.require(Permission::Read)?;
        let id = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::member(c, id, user_id).await)
    }

    /// Adds a user by e-mail, creating the account (without a password) if it
    /// does not exist. Returns the member and whether the account is new, in
    /// which case the caller should hand out a set-password link.
    pub async fn add_member(&self, email: &str, display_name: &str, role: Role) -> StoreResult<(Member, Option<User>)> {
        self.scope.require(Permission::ManageMembers)?;
        let tid = &self.scope.tenant_id;
        let actor = &self.scope.actor;
        let new_id = uuid::Uuid::now_v7().to_string();
        in_tx!(self.store, q, c => {
            async {
                let (user, created) = match q::user_by_email(c, email).await? {
                    Some(u) => (u, false),
                    None => {
                        let new = NewUser { email: email.to_string(), display_name: display_name.to_string(), password_hash: None, is_secretariat: false };
                        (q::insert_user(c, actor, &new_id, &new).await?, true)
                    }
                };
                q::insert_membership(c, actor, tid, &user.id, role).await?;
                let m = q::member(c, tid, &user.id).await?;
                Ok((m, created.then_some(user)))
            }.await
        })
    }

    pub async fn set_member_role(&self, user_id: &str, role: Role) -> StoreResult<Member> {
        self.scope.require(Permission::ManageMembers)?;
        let tid = &self.scope.tenant_id;
        let actor = &self.scope.actor;
        in_tx!(self.store, q, c => q::set_member_role(c, actor, tid, user_id, role).await)
    }

    pub async fn remove_member(&self, user_id: &str) -> StoreResult<()> {
        self.scope.require(Permission::ManageMembers)?;
        let tid = &self.scope.tenant_id;
        let actor = &self.scope.actor;
        in_tx!(self.store, q, c => q::remove_member(c, actor, tid, user_id).await)
    }

    /// The tenant's audit entries, newest first, before sequence `before_seq`.
    pub async fn audit_page(&self, before_seq: i64, limit: i64) -> StoreResult<Vec<AuditRecord>> {
        self.scope.require(Permission::ReadAuditLog)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::audit_page(c, tid, before_seq, limit.clamp(1, 500)).await)
    }

    /// One audit entry of this tenant's chain.
    pub async fn audit_entry(&self, seq: i64) -> StoreResult<AuditRecord> {
        self.scope.require(Permission::ReadAuditLog)?;
        let tid = &self.scope.tenant_id;
        with_conn!(self.store, q, c => q::audit_entry(c, tid, seq).await)
    }
}

#[allow(unused_imports)]
use Backend as _;
