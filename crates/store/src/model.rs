//! Plain data returned by and given to the store.

use etterlev_core::{Role, SizeClass, TenantKind};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    pub org_number: String,
    pub kind: TenantKind,
    pub size_class: SizeClass,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewTenant {
    pub name: String,
    pub org_number: etterlev_core::OrgNumber,
    pub kind: TenantKind,
    pub size_class: SizeClass,
}

#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: Option<String>,
    #[serde(skip)]
    pub totp_secret: Option<String>,
    pub is_secretariat: bool,
    pub disabled: bool,
    pub created_at: i64,
}

impl User {
    pub fn has_totp(&self) -> bool {
        self.totp_secret.is_some()
    }
}

impl std::fmt::Debug for User {
    /// Never prints credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("has_totp", &self.has_totp())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub is_secretariat: bool,
}

/// A tenant a user belongs to, with the user's role there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub tenant: Tenant,
    pub role: Role,
}

/// A member of a tenant as shown on the user administration page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub has_totp: bool,
    pub since: i64,
}

/// Who did something, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<String>,
    pub label: String,
}

impl Actor {
    pub fn user(user: &User) -> Self {
        Actor {
            user_id: Some(user.id.clone()),
            label: user.email.clone(),
        }
    }
    pub fn cli() -> Self {
        Actor {
            user_id: None,
            label: "cli".into(),
        }
    }
    pub fn system() -> Self {
        Actor {
            user_id: None,
            label: "system".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: String,
    pub user_id: String,
    pub tenant_id: Option<String>,
    pub csrf_token: String,
    pub mfa_pending: bool,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_seen_at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupPurpose {
    /// Creates the first administrator on an empty installation.
    FirstAdmin,
    /// Lets an invited user choose a password.
    SetPassword,
}

impl SetupPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            SetupPurpose::FirstAdmin => "first_admin",
            SetupPurpose::SetPassword => "set_password",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SetupLink {
    pub purpose: SetupPurpose,
    pub user_id: Option<String>,
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct OidcLogin {
    pub state: String,
    pub pkce_verifier: String,
    pub nonce: String,
    pub created_at: i64,
}

/// Result of verifying every audit chain.
#[derive(Debug, Clone, Default)]
pub struct AuditReport {
    pub chains: u64,
    pub entries: u64,
    /// Breaks in the hash chains themselves.
    pub errors: Vec<etterlev_core::ChainError>,
    /// Whether signed checkpoints were checked: only when a public key was
    /// given. Without one only the hash chains are checked, which does not
    /// detect someone who rewrote the log and its heads with database access.
    pub checkpoints_checked: bool,
    /// Checkpoint rows in the database (counted also when not checked).
    pub checkpoints_in_db: u64,
    /// Checkpoints read from the witness file.
    pub witness_checkpoints: u64,
    /// Entries written after the latest valid checkpoint of their chain, so
    /// not yet protected by a signature (only when checkpoints were checked).
    pub uncovered_entries: u64,
    /// Disagreements between the chains and their signed checkpoints, and
    /// unreadable witness lines.
    pub checkpoint_errors: Vec<etterlev_core::CheckpointError>,
}

impl AuditReport {
    /// No chain is broken and no checkpoint disagrees.
    pub fn is_intact(&self) -> bool {
        self.errors.is_empty() && self.checkpoint_errors.is_empty()
    }
}

/// Why `Store::audit_checkpoint` did not sign a chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointRefused {
    /// The entries since the chain's latest checkpoint are not intact or do
    /// not continue from it.
    #[error(transparent)]
    Chain(#[from] etterlev_core::ChainError),
    /// The chain's latest checkpoint (with this key's id) has no valid signature.
    #[error(transparent)]
    Checkpoint(#[from] etterlev_core::CheckpointError),
}

/// What one `Store::audit_checkpoint` run did.
#[derive(Debug, Clone, Default)]
pub struct CheckpointRun {
    /// New checkpoints, in chain order (to append to the witness file).
    pub written: Vec<etterlev_core::Checkpoint>,
    /// Chains whose latest checkpoint already covers their last entry.
    pub unchanged: u64,
    /// Chains that were not signed because they look tampered with.
    pub refused: Vec<CheckpointRefused>,
}
