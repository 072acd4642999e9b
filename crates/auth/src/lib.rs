//! Credentials: argon2id password hashes, TOTP second factor, recovery codes
//! and the opaque random tokens used for sessions, API access and set-up links.
//!
//! Architecture invariant: no I/O and no storage. Callers store only what this
//! crate returns as hashes; plaintext secrets are returned once and never kept.

pub mod password;
pub mod token;
pub mod totp;

pub use password::dummy_hash;
pub use password::{PasswordError, Workspace, hash_password, hash_password_in, verify_password, verify_password_in};
pub use token::{NewToken, hash_recovery_code, hash_token, new_recovery_codes, new_token};
