//! The audit log's hash chain.
//!
//! Each tenant (and the system itself) has its own chain. Entry `n` stores the
//! hash of entry `n-1`, and its own hash covers every field plus that previous
//! hash. Editing a field, deleting an entry or swapping two entries therefore
//! breaks the chain at that point, which [`verify_chain`] reports.
//! Chains per tenant keep appends from serialising the whole sector on one
//! row and keep every entry on its tenant's shard.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry of every chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain name of entries that belong to no tenant (users, system events).
pub const SYSTEM_CHAIN: &str = "system";

/// One audit entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub chain: String,
    pub seq: i64,
    /// Milliseconds since the Unix epoch, UTC.
    pub at_ms: i64,
    /// The acting user's id, or `None` for the system or the command line.
    pub actor_id: Option<String>,
    /// Who acted, as shown to people (e-mail address, `cli`, `system`).
    pub actor_label: String,
    pub tenant_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// JSON of the object before the change, `None` when created.
    pub before: Option<String>,
    /// JSON of the object after the change, `None` when deleted.
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    /// The hash this entry must carry, given its fields and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        // Length-prefix every field so that moving bytes between fields
        // changes the hash.
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        field(self.prev_hash.as_bytes());
        field(self.chain.as_bytes());
        field(&self.seq.to_be_bytes());
        field(&self.at_ms.to_be_bytes());
        field(opt(&self.actor_id));
        field(self.actor_label.as_bytes());
        field(opt(&self.tenant_id));
        field(self.action.as_bytes());
        field(self.object_type.as_bytes());
        field(self.object_id.as_bytes());
        field(opt(&self.before));
        field(opt(&self.after));
        hex::encode(h.finalize())
    }

    /// Fills `prev_hash` and `hash` so that this entry follows `prev_hash`.
    pub fn seal(mut self, prev_hash: &str) -> Self {
        self.prev_hash = prev_hash.to_string();
        self.hash = self.compute_hash();
        self
    }
}

fn opt(v: &Option<String>) -> &[u8] {
    // `None` and `Some("")` must hash differently.
    match v {
        Some(s) => s.as_bytes(),
        None => b"\xff<none>",
    }
}

/// Why a chain failed verification, naming the first bad entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("chain {chain}: entry {seq} has been altered (its hash does not match its content)")]
    Altered { chain: String, seq: i64 },
    #[error("chain {chain}: entry {expected} is missing or out of order (found {found})")]
    Gap { chain: String, expected: i64, found: i64 },
    #[error("chain {chain}: entry {seq} does not follow the entry before it (deleted or re-ordered entries)")]
    Broken { chain: String, seq: i64 },
    #[error(
        "chain {chain}: the head records {head_seq} entries but the log ends at {last_seq} (entries deleted at the end)"
    )]
    Truncated {
        chain: String,
        head_seq: i64,
        last_seq: i64,
    },
    #[error("chain {chain}: the head hash does not match the last entry")]
    HeadMismatch { chain: String },
}

/// The last sequence number and hash a chain's head row says it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

/// Checks one chain, given its entries in sequence order and its head row.
pub fn verify_chain(
    chain: &str,
    entries: impl IntoIterator<Item = AuditRecord>,
    head: Option<&ChainHead>,
) -> Result<u64, ChainError> {
    verify_chain_from(
        chain,
        &ChainHead {
            seq: 0,
            hash: GENESIS_HASH.into(),
        },
        entries,
        head,
    )
}

/// Checks the part of a chain after `start` (an entry known to be good, such
/// as a signed checkpoint, or seq 0 with [`GENESIS_HASH`]): the entries must
/// be `start.seq + 1, start.seq + 2, …`, each intact and linked to the one
/// before, the first to `start.hash`. Returns how many entries were checked.
pub fn verify_chain_from(
    chain: &str,
    start: &ChainHead,
    entries: impl IntoIterator<Item = AuditRecord>,
    head: Option<&ChainHead>,
) -> Result<u64, ChainError> {
    let mut prev = start.hash.clone();
    let mut expected_seq = start.seq + 1;
    let mut count = 0;
    for e in entries {
        if e.seq != expected_seq {
            return Err(ChainError::Gap {
                chain: chain.into(),
                expected: expected_seq,
                found: e.seq,
            });
        }
        if e.compute_hash() != e.hash {
            return Err(ChainError::Altered {
                chain: chain.into(),
                seq: e.seq,
            });
        }
        if e.prev_hash != prev {
            return Err(ChainError::Broken {
                chain: chain.into(),
                seq: e.seq,
            });
        }
        prev = e.hash;
        expected_seq += 1;
        count += 1;
    }
    let last_seq = expected_seq - 1;
    if let Some(head) = head {
        if head.seq != last_seq {
            return Err(ChainError::Truncated {
                chain: chain.into(),
                head_seq: head.seq,
                last_seq,
            });
        }
        if last_seq > 0 && head.hash != prev {
            return Err(ChainError::HeadMismatch { chain: chain.into() });
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(seq: i64, action: &str) -> AuditRecord {
        AuditRecord {
            chain: "t1".into(),
            seq,
            at_ms: 1_700_000_000_000 + seq,
            actor_id: Some("u1".into()),
            actor_label: "kari@example.no".into(),
            tenant_id: Some("t1".into()),
            action: action.into(),
            object_type: "membership".into(),
            object_id: format!("m{seq}"),
            before: None,
            after: Some(format!("{{\"n\":{seq}}}")),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|i| {
                let e = entry(i, "create").seal(&prev);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn head(v: &[AuditRecord]) -> ChainHead {
        v.last().map_or(
            ChainHead {
                seq: 0,
                hash: GENESIS_HASH.into(),
            },
            |e| ChainHead {
                seq: e.seq,
                hash: e.hash.clone(),
            },
        )
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify_chain("t1", c.clone(), Some(&head(&c))), Ok(5));
        assert_eq!(verify_chain("t1", Vec::new(), None), Ok(0));
    }

    #[test]
    fn edit_is_detected() {
        let mut c = chain(5);
        let h = head(&c);
        c[2].after = Some("{\"n\":999}".into());
        assert_eq!(
            verify_chain("t1", c, Some(&h)),
            Err(ChainError::Altered {
                chain: "t1".into(),
                seq: 3
            })
        );
    }

    #[test]
    fn rehashed_edit_is_detected() {
        // An attacker who recomputes the edited entry's own hash still breaks
        // the link to the next entry.
        let mut c = chain(5);
        let h = head(&c);
        c[2].action = "delete".into();
        c[2].hash = c[2].compute_hash();
        assert_eq!(
            verify_chain("t1", c, Some(&h)),
            Err(ChainError::Broken {
                chain: "t1".into(),
                seq: 4
            })
        );
    }

    #[test]
    fn deletion_is_detected() {
        let mut c = chain(5);
        let h = head(&c);
        c.remove(1);
        assert!(matches!(
            verify_chain("t1", c.clone(), Some(&h)),
            Err(ChainError::Gap {
                expected: 2,
                found: 3,
                ..
            })
        ));
        let mut tail_cut = chain(5);
        tail_cut.pop();
        assert!(matches!(
            verify_chain("t1", tail_cut, Some(&h)),
            Err(ChainError::Truncated { .. })
        ));
    }

    #[test]
    fn reorder_is_detected() {
        let mut c = chain(5);
        let h = head(&c);
        // Swap the content of entries 2 and 3 but keep sequence numbers.
        let (a, b) = (c[1].clone(), c[2].clone());
        c[1] = AuditRecord { seq: 2, ..b };
        c[2] = AuditRecord { seq: 3, ..a };
        assert!(verify_chain("t1", c, Some(&h)).is_err());
    }

    proptest! {
        #[test]
        fn any_single_field_change_is_detected(n in 1i64..8, pick in 0usize..8, field in 0usize..6, junk in "[a-z]{1,8}") {
            let mut c = chain(n);
            let h = head(&c);
            let i = pick % c.len();
            let e = &mut c[i];
            match field {
                0 => e.action.push_str(&junk),
                1 => e.actor_label.push_str(&junk),
                2 => e.object_id.push_str(&junk),
                3 => e.before = Some(junk.clone()),
                4 => e.at_ms += 1,
                _ => e.tenant_id = None,
            }
            prop_assert!(verify_chain("t1", c, Some(&h)).is_err());
        }
    }
}
