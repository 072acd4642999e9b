//! Domain core of etterlev: the types and rules every other crate shares.
//!
//! Architecture invariant: this crate does no I/O, knows no SQL, HTTP or async.
//! Clocks and identifiers are passed in, so every rule is a pure function that
//! can be table- and property-tested.

pub mod assessment;
pub mod audit;
pub mod audit_checkpoint;
pub mod date;
pub mod inventory;
pub mod orgnr;
pub mod password;
pub mod risk;
pub mod role;
pub mod secretariat;
pub mod sector_stats;
pub mod tenant;
pub mod test_projects;
pub mod text;

pub use assessment::{
    ActionStatus, AnswerStatus, GoodAnswer, Maturity, Priority, Score, ScoredAnswer, Scores, WizardAnswer,
};
pub use audit::{AuditRecord, ChainError, ChainHead, GENESIS_HASH, SYSTEM_CHAIN, verify_chain, verify_chain_from};
pub use audit_checkpoint::{AuditPublicKey, AuditSigningKey, Checkpoint, CheckpointError};
pub use orgnr::{OrgNumber, OrgNumberError};
pub use role::{Permission, Role};
pub use tenant::{Condition, SizeClass, TenantKind};
