//! Accounts: the tenant scope every tenant-owned query needs, and the
//! enterprise profile. Users, sessions, tokens and memberships are `Store`
//! methods (store.rs) over `queries_users.rs` and `queries_sessions.rs`.

mod profile;
mod tenant;

pub use tenant::{SessionContext, TenantScope, TenantStore};
