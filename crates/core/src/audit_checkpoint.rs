//! Signed checkpoints of the audit log's hash chains.
//!
//! The hash chain alone ([`crate::audit`]) detects changes only by someone
//! who cannot write the database: whoever can is able to cut off the tail and
//! rewrite the head row, or edit an entry and recompute every later hash. A
//! checkpoint is an Ed25519 signature over "chain `c` had `n` entries, the
//! last with hash `h`, at time `t`", made with a key that is kept outside the
//! database. Forging or moving a checkpoint needs that key, so the entries a
//! checkpoint covers can no longer be changed, removed or re-hashed unseen;
//! deleting checkpoint rows is caught by a copy of them kept elsewhere (the
//! witness file), which [`check_chain`] compares with the database.
//!
//! Pure functions only: the caller reads key files, passes the time in and
//! stores the checkpoints.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a signature covers starts with this, so that a checkpoint signature
/// can never be mistaken for (or reused as) a signature over anything else.
const DOMAIN: &[u8] = b"etterlev audit checkpoint v1";

/// The format version written into every checkpoint (and witness line).
pub const CHECKPOINT_VERSION: u32 = 1;

/// A key file or public key that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the key file holds no key (expected one line of 64 hexadecimal digits)")]
    Empty,
    #[error("the key file holds more than one key line")]
    SeveralKeys,
    #[error("not a key: expected 64 hexadecimal digits (32 bytes)")]
    Malformed,
    #[error("not a valid Ed25519 public key")]
    InvalidPublicKey,
}

/// The secret key that signs checkpoints. Its bytes are wiped on drop and
/// never printed (`Debug` shows only the key id).
pub struct AuditSigningKey {
    key: SigningKey,
}

impl fmt::Debug for AuditSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuditSigningKey({})", self.public().key_id())
    }
}

impl AuditSigningKey {
    /// The key made from 32 random bytes (the caller draws them).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        AuditSigningKey {
            key: SigningKey::from_bytes(seed),
        }
    }

    /// Reads the text of a key file: lines starting with `#` and blank lines
    /// are ignored, and exactly one line of 64 hexadecimal digits (the seed)
    /// must remain.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let line = lines.next().ok_or(KeyError::Empty)?;
        if lines.next().is_some() {
            return Err(KeyError::SeveralKeys);
        }
        Ok(Self::from_seed(&hex32(line)?))
    }

    /// The text of a key file for this key (see [`AuditSigningKey::parse`]).
    pub fn to_file_text(&self) -> String {
        let public = self.public();
        format!(
            "# etterlev audit checkpoint signing key (Ed25519 seed).\n\
             # Keep this file away from the database host and its backups: whoever\n\
             # holds it can sign checkpoints. Public key (for `etterlev audit verify\n\
             # --public-key`): {public}\n\
             # Key id: {}\n\
             {}\n",
            public.key_id(),
            hex::encode(self.key.as_bytes())
        )
    }

    pub fn public(&self) -> AuditPublicKey {
        AuditPublicKey {
            key: self.key.verifying_key(),
        }
    }

    /// Signs that `chain` ends with entry `seq` whose hash is `hash`, at
    /// `at_ms` (milliseconds since the Unix epoch, UTC).
    pub fn sign(&self, chain: &str, seq: i64, hash: &str, at_ms: i64) -> Checkpoint {
        let mut cp = Checkpoint {
            v: CHECKPOINT_VERSION,
            chain: chain.to_string(),
            seq,
            entries: seq,
            hash: hash.to_string(),
            at_ms,
            key_id: self.public().key_id(),
            signature: String::new(),
        };
        cp.signature = hex::encode(self.key.sign(&cp.signed_bytes()).to_bytes());
        cp
    }
}

/// The public half: what `etterlev audit verify` checks signatures with.
/// Shown and parsed as 64 hexadecimal digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPublicKey {
    key: VerifyingKey,
}

impl AuditPublicKey {
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let bytes = hex32(text.trim())?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| KeyError::InvalidPublicKey)?;
        if key.is_weak() {
            return Err(KeyError::InvalidPublicKey);
        }
        Ok(AuditPublicKey { key })
    }

    /// A short fingerprint: the first 16 hexadecimal digits of the SHA-256 of
    /// the public key. Names the key in checkpoints; it proves nothing, the
    /// signature does.
    pub fn key_id(&self) -> String {
        let digest = Sha256::digest(self.key.as_bytes());
        hex::encode(&digest[..8])
    }
}

impl fmt::Display for AuditPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.key.as_bytes()))
    }
}

fn hex32(text: &str) -> Result<[u8; 32], KeyError> {
    if text.len() != 64 {
        return Err(KeyError::Malformed);
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).map_err(|_| KeyError::Malformed)?;
    Ok(out)
}

/// A signed statement that a chain had `entries` entries, the last one
/// (`seq`) with hash `hash`, at `at_ms`. Stored in the database and, when a
/// witness file is configured, appended to it as one JSON line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// Format version ([`CHECKPOINT_VERSION`]).
    pub v: u32,
    pub chain: String,
    pub seq: i64,
    /// Entries in the chain up to and including `seq` (chains start at 1, so
    /// this equals `seq`; signed so a reader need not know that).
    pub entries: i64,
    pub hash: String,
    /// Milliseconds since the Unix epoch, UTC.
    pub at_ms: i64,
    /// [`AuditPublicKey::key_id`] of the signing key.
    pub key_id: String,
    /// Ed25519 signature (hexadecimal) over every other field.
    pub signature: String,
}

impl Checkpoint {
    /// The bytes the signature covers: a domain tag, then every field but the
    /// signature, each length-prefixed.
    fn signed_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        let mut field = |bytes: &[u8]| {
            out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
            out.extend_from_slice(bytes);
        };
        field(DOMAIN);
        field(&self.v.to_be_bytes());
        field(self.chain.as_bytes());
        field(&self.seq.to_be_bytes());
        field(&self.entries.to_be_bytes());
        field(self.hash.as_bytes());
        field(&self.at_ms.to_be_bytes());
        field(self.key_id.as_bytes());
        out
    }

    /// Whether one of `keys` signed exactly this checkpoint.
    pub fn verify(&self, keys: &[AuditPublicKey], source: &Source) -> Result<(), CheckpointError> {
        let Some(key) = keys.iter().find(|k| k.key_id() == self.key_id) else {
            return Err(CheckpointError::UnknownKey {
                chain: self.chain.clone(),
                seq: self.seq,
                key_id: self.key_id.clone(),
                origin: source.clone(),
            });
        };
        let bad = || CheckpointError::BadSignature {
            chain: self.chain.clone(),
            seq: self.seq,
            origin: source.clone(),
        };
        let mut sig = [0u8; 64];
        if self.signature.len() != 128 || hex::decode_to_slice(&self.signature, &mut sig).is_err() {
            return Err(bad());
        }
        if self.v != CHECKPOINT_VERSION || self.entries != self.seq || self.seq < 1 {
            return Err(bad());
        }
        key.key
            .verify_strict(&self.signed_bytes(), &Signature::from_bytes(&sig))
            .map_err(|_| bad())
    }

    /// One line of a witness file (JSON, no line breaks).
    pub fn to_witness_line(&self) -> String {
        // Serialising plain strings and integers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads one line of a witness file.
    pub fn from_witness_line(line: &str) -> Result<Self, String> {
        serde_json::from_str(line).map_err(|e| e.to_string())
    }
}

/// Where a checkpoint was read from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Database,
    /// Line number (from 1) in the witness file.
    Witness(usize),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Database => f.write_str("database"),
            Source::Witness(line) => write!(f, "witness file line {line}"),
        }
    }
}

/// Why a chain does not agree with its signed checkpoints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error(
        "chain {chain}: the checkpoint at entry {seq} ({origin}) has no valid signature from the given public key (forged, altered or signed with another key)"
    )]
    BadSignature { chain: String, seq: i64, origin: Source },
    #[error(
        "chain {chain}: the checkpoint at entry {seq} ({origin}) was signed by key {key_id}, which is not among the given public keys"
    )]
    UnknownKey {
        chain: String,
        seq: i64,
        key_id: String,
        origin: Source,
    },
    #[error(
        "chain {chain}: entry {seq} is not the entry the signed checkpoint ({origin}) covers (entries up to it were edited or replaced and the chain re-hashed)"
    )]
    Mismatch { chain: String, seq: i64, origin: Source },
    #[error(
        "chain {chain}: a signed checkpoint ({origin}) covers {checkpoint_seq} entries but the log ends at {last_seq} (entries deleted at the end)"
    )]
    Truncated {
        chain: String,
        checkpoint_seq: i64,
        last_seq: i64,
        origin: Source,
    },
    #[error(
        "chain {chain}: the signed checkpoint at entry {seq} in the witness file (line {line}) is missing from the database (checkpoint rows deleted or replaced)"
    )]
    MissingFromDatabase { chain: String, seq: i64, line: usize },
    #[error("witness file line {line} cannot be read: {reason}")]
    UnreadableWitness { line: usize, reason: String },
}

impl CheckpointError {
    /// The chain the error is about, if any.
    pub fn chain(&self) -> Option<&str> {
        match self {
            CheckpointError::BadSignature { chain, .. }
            | CheckpointError::UnknownKey { chain, .. }
            | CheckpointError::Mismatch { chain, .. }
            | CheckpointError::Truncated { chain, .. }
            | CheckpointError::MissingFromDatabase { chain, .. } => Some(chain),
            CheckpointError::UnreadableWitness { .. } => None,
        }
    }
}

/// Reads a witness file's text: one checkpoint per line, blank lines
/// skipped. Unreadable lines are errors (a witness is written only by
/// etterlev, so anything else in it is damage or tampering).
pub fn parse_witness(text: &str) -> (Vec<(usize, Checkpoint)>, Vec<CheckpointError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        match Checkpoint::from_witness_line(line) {
            Ok(cp) => out.push((line_no, cp)),
            Err(reason) => errors.push(CheckpointError::UnreadableWitness { line: line_no, reason }),
        }
    }
    (out, errors)
}

/// What [`check_chain`] found besides errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChainCheckpoints {
    /// Checkpoints (database and witness) whose signature was checked.
    pub checked: u64,
    /// The highest entry a valid, matching checkpoint covers (0: none).
    pub covered_seq: i64,
}

/// Checks one chain against its checkpoints.
///
/// `stored` maps each sequence number in the log to the entry's stored hash
/// (the hash chain itself is checked by [`crate::verify_chain`]; a chain that
/// passes it and matches every checkpoint is the chain that was signed).
/// `in_db` are the chain's checkpoints in the database, `witnessed` those in
/// the witness file with their line numbers. Every checkpoint must carry a
/// valid signature of one of `keys`, name an entry that still exists with the
/// signed hash, and every witnessed checkpoint must also be in the database.
pub fn check_chain(
    chain: &str,
    stored: &BTreeMap<i64, String>,
    in_db: &[Checkpoint],
    witnessed: &[(usize, Checkpoint)],
    keys: &[AuditPublicKey],
) -> (ChainCheckpoints, Vec<CheckpointError>) {
    let last_seq = stored.keys().next_back().copied().unwrap_or(0);
    let mut found = ChainCheckpoints::default();
    let mut errors = Vec::new();
    // Signatures are deterministic and cover every field, so a witnessed
    // checkpoint is in the database exactly when its signature is (rows
    // with a signature that does not match their fields fail on their own).
    let db_signatures: HashSet<&str> = in_db.iter().map(|cp| cp.signature.as_str()).collect();
    let all = in_db
        .iter()
        .map(|cp| (Source::Database, cp))
        .chain(witnessed.iter().map(|(line, cp)| (Source::Witness(*line), cp)));
    for (source, cp) in all {
        if cp.chain != chain {
            continue;
        }
        found.checked += 1;
        if let Err(e) = cp.verify(keys, &source) {
            errors.push(e);
            continue;
        }
        if let Source::Witness(line) = source
            && !db_signatures.contains(cp.signature.as_str())
        {
            errors.push(CheckpointError::MissingFromDatabase {
                chain: chain.to_string(),
                seq: cp.seq,
                line,
            });
        }
        if cp.seq > last_seq {
            errors.push(CheckpointError::Truncated {
                chain: chain.to_string(),
                checkpoint_seq: cp.seq,
                last_seq,
                origin: source,
            });
        } else if stored.get(&cp.seq) != Some(&cp.hash) {
            errors.push(CheckpointError::Mismatch {
                chain: chain.to_string(),
                seq: cp.seq,
                origin: source,
            });
        } else {
            found.covered_seq = found.covered_seq.max(cp.seq);
        }
    }
    (found, first_of_each_kind(errors))
}

/// One cut tail, one re-hashed stretch or one emptied checkpoint table makes
/// every later checkpoint fail the same way: keep the first (lowest entry)
/// of each kind per source, so the report names the earliest damage once.
/// Bad signatures are kept one by one: each is a forged row.
fn first_of_each_kind(errors: Vec<CheckpointError>) -> Vec<CheckpointError> {
    let mut seen = HashSet::new();
    errors
        .into_iter()
        .filter(|e| {
            let kind = match e {
                CheckpointError::Mismatch { origin: source, .. } => (1, matches!(source, Source::Database)),
                CheckpointError::Truncated { origin: source, .. } => (2, matches!(source, Source::Database)),
                CheckpointError::MissingFromDatabase { .. } => (3, false),
                _ => return true,
            };
            seen.insert(kind)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> AuditSigningKey {
        AuditSigningKey::from_seed(&[n; 32])
    }

    fn stored(n: i64) -> BTreeMap<i64, String> {
        (1..=n).map(|i| (i, format!("{i:064x}"))).collect()
    }

    #[test]
    fn key_file_round_trips_and_hides_the_seed_in_debug() {
        let k = key(7);
        let text = k.to_file_text();
        let back = AuditSigningKey::parse(&text).expect("parse");
        assert_eq!(back.public(), k.public());
        assert!(!format!("{k:?}").contains(&hex::encode([7u8; 32])));
        assert!(text.contains(&k.public().to_string()));
        assert_eq!(AuditPublicKey::parse(&k.public().to_string()), Ok(k.public()));
    }

    #[test]
    fn bad_key_files_are_refused() {
        assert_eq!(
            AuditSigningKey::parse("# only a comment\n").err(),
            Some(KeyError::Empty)
        );
        assert_eq!(AuditSigningKey::parse("abc").err(), Some(KeyError::Malformed));
        let two = format!("{}\n{}\n", "a".repeat(64), "b".repeat(64));
        assert_eq!(AuditSigningKey::parse(&two).err(), Some(KeyError::SeveralKeys));
        assert_eq!(AuditSigningKey::parse(&"g".repeat(64)).err(), Some(KeyError::Malformed));
        assert!(AuditPublicKey::parse(&"0".repeat(64)).is_err(), "weak key");
        assert!(AuditPublicKey::parse("ü").is_err());
    }

    #[test]
    fn signed_checkpoint_verifies_and_any_change_breaks_it() {
        let k = key(1);
        let cp = k.sign("t1", 5, &format!("{:064x}", 5), 1_700_000_000_000);
        assert_eq!(cp.verify(&[k.public()], &Source::Database), Ok(()));
        type Change = Box<dyn Fn(&mut Checkpoint)>;
        let changes: Vec<Change> = vec![
            Box::new(|c| c.chain = "t2".into()),
            Box::new(|c| c.seq = 4),
            Box::new(|c| c.entries = 4),
            Box::new(|c| c.hash = format!("{:064x}", 4)),
            Box::new(|c| c.at_ms += 1),
            Box::new(|c| c.v = 2),
            Box::new(|c| c.signature.replace_range(0..2, "00")),
            Box::new(|c| c.signature.push('0')),
        ];
        for (i, change) in changes.iter().enumerate() {
            let mut bad = cp.clone();
            change(&mut bad);
            if bad == cp {
                continue;
            }
            assert!(
                bad.verify(&[k.public()], &Source::Database).is_err(),
                "change {i} accepted"
            );
        }
    }

    #[test]
    fn checkpoint_of_another_key_is_rejected() {
        let (ours, theirs) = (key(1), key(2));
        let cp = theirs.sign("t1", 3, "h", 0);
        assert!(matches!(
            cp.verify(&[ours.public()], &Source::Database),
            Err(CheckpointError::UnknownKey { .. })
        ));
        // Claiming our key id does not help.
        let forged = Checkpoint {
            key_id: ours.public().key_id(),
            ..cp
        };
        assert!(matches!(
            forged.verify(&[ours.public()], &Source::Database),
            Err(CheckpointError::BadSignature { .. })
        ));
    }

    #[test]
    fn check_chain_finds_edits_truncation_and_missing_rows() {
        let k = key(1);
        let keys = [k.public()];
        let s = stored(5);
        let cp3 = k.sign("t1", 3, &s[&3], 0);
        let cp5 = k.sign("t1", 5, &s[&5], 0);
        let (found, errors) = check_chain("t1", &s, &[cp3.clone(), cp5.clone()], &[(1, cp3.clone())], &keys);
        assert_eq!(errors, vec![]);
        assert_eq!(found.checked, 3);
        assert_eq!(found.covered_seq, 5);

        // Re-hashed from entry 2 on.
        let mut rehashed = s.clone();
        for seq in 2..=5 {
            rehashed.insert(seq, format!("{:064x}", seq + 100));
        }
        let (_, errors) = check_chain("t1", &rehashed, std::slice::from_ref(&cp3), &[], &keys);
        assert!(
            matches!(errors.as_slice(), [CheckpointError::Mismatch { seq: 3, .. }]),
            "{errors:?}"
        );

        // Tail cut to 4 entries.
        let cut: BTreeMap<_, _> = s
            .iter()
            .filter(|(k, _)| **k <= 4)
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        let (_, errors) = check_chain("t1", &cut, &[cp3.clone(), cp5.clone()], &[], &keys);
        assert!(
            matches!(
                errors.as_slice(),
                [CheckpointError::Truncated {
                    checkpoint_seq: 5,
                    last_seq: 4,
                    ..
                }]
            ),
            "{errors:?}"
        );

        // Checkpoint rows deleted, but witnessed.
        let (_, errors) = check_chain("t1", &s, &[], &[(1, cp3.clone()), (2, cp5.clone())], &keys);
        assert!(
            matches!(
                errors.as_slice(),
                [CheckpointError::MissingFromDatabase { seq: 3, line: 1, .. }]
            ),
            "{errors:?}"
        );

        // Other chains' checkpoints are not this chain's business.
        let other = k.sign("t2", 9, "x", 0);
        let (found, errors) = check_chain("t1", &s, &[other], &[], &keys);
        assert_eq!((found.checked, errors.len()), (0, 0));
    }

    #[test]
    fn witness_lines_round_trip_and_junk_is_reported() {
        let cp = key(3).sign("system", 2, "abc", 42);
        let line = cp.to_witness_line();
        assert!(!line.contains('\n'));
        let text = format!("{line}\n\nnot json\n{line}\n");
        let (cps, errors) = parse_witness(&text);
        assert_eq!(cps, vec![(1, cp.clone()), (4, cp)]);
        assert!(matches!(
            errors.as_slice(),
            [CheckpointError::UnreadableWitness { line: 3, .. }]
        ));
    }
}
