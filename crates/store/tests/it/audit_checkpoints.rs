//! Signed checkpoints: what the hash chain alone cannot catch. Each attack
//! here is made by someone with full write access to the database (the
//! append-only triggers dropped), and each test first shows that the plain
//! hash-chain check is fooled by it, then that the checkpoints are not.

use etterlev_core::audit_checkpoint::Source;
use etterlev_core::{AuditPublicKey, AuditRecord, AuditSigningKey, CheckpointError, Role};
use etterlev_store::{AuditReport, Backend, CheckpointRefused, Store};

use crate::audit::{drop_append_only_triggers, tamper, tenant_with_five_entries};
use crate::support::*;

fn key() -> AuditSigningKey {
    AuditSigningKey::from_seed(&[42; 32])
}

fn other_key() -> AuditSigningKey {
    AuditSigningKey::from_seed(&[7; 32])
}

fn public() -> Vec<AuditPublicKey> {
    vec![key().public()]
}

/// The tenant with five entries, and every chain checkpointed; returns the
/// tenant's chain and the witness file's text for that run.
async fn checkpointed(b: &str, store: &Store) -> (String, String) {
    let t = tenant_with_five_entries(b, store).await;
    let run = store.audit_checkpoint(&key()).await.must(b, "audit_checkpoint");
    assert!(run.refused.is_empty(), "[{b}] {:?}", run.refused);
    // The tenant's chain and the system chain.
    assert_eq!(run.written.len(), 2, "[{b}] {:?}", run.written);
    let tenant_cp = run.written.iter().find(|cp| cp.chain == t);
    assert_eq!(tenant_cp.map(|cp| cp.seq), Some(5), "[{b}] {:?}", run.written);
    let witness: String = run.written.iter().map(|cp| cp.to_witness_line() + "\n").collect();
    (t, witness)
}

async fn verify(b: &str, store: &Store, witness: Option<&str>) -> AuditReport {
    store
        .audit_verify_signed(&public(), witness)
        .await
        .must(b, "audit_verify_signed")
}

/// The plain hash-chain check (no key) passes: the attack fooled it.
async fn hash_chain_is_fooled(b: &str, store: &Store) {
    let plain = store.audit_verify().await.must(b, "audit_verify");
    assert!(
        plain.errors.is_empty(),
        "[{b}] the attack is meant to fool the hash chain alone: {:?}",
        plain.errors
    );
}

async fn read_chain(b: &str, store: &Store, chain: &str) -> Vec<AuditRecord> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT chain, seq, at_ms, actor_id, actor_label, tenant_id, action, object_type, object_id, \
         before_json, after_json, prev_hash, hash FROM audit_log WHERE chain = '{chain}' ORDER BY seq"
    ));
    type Row = (
        String,
        i64,
        i64,
        Option<String>,
        String,
        Option<String>,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        String,
    );
    let rows: Vec<Row> = match store.backend() {
        Backend::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await,
        Backend::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await,
    }
    .must(b, "read chain");
    rows.into_iter()
        .map(|r| AuditRecord {
            chain: r.0,
            seq: r.1,
            at_ms: r.2,
            actor_id: r.3,
            actor_label: r.4,
            tenant_id: r.5,
            action: r.6,
            object_type: r.7,
            object_id: r.8,
            before: r.9,
            after: r.10,
            prev_hash: r.11,
            hash: r.12,
        })
        .collect()
}

async fn drop_checkpoint_triggers(b: &str, store: &Store) {
    let del = "DELETE FROM audit_checkpoints";
    assert!(
        exec(store, del).await.is_err(),
        "[{b}] the checkpoint table must be append-only"
    );
    let drops: &[&str] = match store.backend() {
        Backend::Sqlite(_) => &[
            "DROP TRIGGER audit_checkpoints_no_update",
            "DROP TRIGGER audit_checkpoints_no_delete",
        ],
        Backend::Postgres(_) => &["DROP TRIGGER audit_checkpoints_no_update ON audit_checkpoints"],
    };
    for sql in drops {
        exec(store, sql).await.must(b, sql);
    }
}

/// Cuts the tenant's chain after entry 4 and makes the head say so.
async fn cut_tail(b: &str, store: &Store, t: &str) {
    drop_append_only_triggers(b, store, t).await;
    let hash4 = read_chain(b, store, t).await[3].hash.clone();
    tamper(
        b,
        store,
        &[
            format!("DELETE FROM audit_log WHERE chain = '{t}' AND seq = 5"),
            format!("UPDATE audit_heads SET seq = 4, hash = '{hash4}' WHERE chain = '{t}'"),
        ],
    )
    .await;
}

#[tokio::test]
async fn intact_log_with_checkpoints_verifies() {
    each_backend(|b, store| async move {
        let (t, witness) = checkpointed(b, &store).await;
        let report = verify(b, &store, Some(&witness)).await;
        assert!(report.is_intact(), "[{b}] {report:?}");
        assert!(report.checkpoints_checked, "[{b}]");
        assert_eq!(
            (
                report.checkpoints_in_db,
                report.witness_checkpoints,
                report.uncovered_entries
            ),
            (2, 2, 0),
            "[{b}] {report:?}"
        );

        // Nothing new: nothing to sign.
        let again = store.audit_checkpoint(&key()).await.must(b, "second run");
        assert_eq!((again.written.len(), again.unchanged), (0, 2), "[{b}] {again:?}");

        // A new entry is covered by the hash chain only until the next run.
        let admin = store
            .user_by_email("admin@example.no")
            .await
            .must(b, "user_by_email")
            .expect("admin exists");
        let scope = store.scope(&admin, &t).await.must(b, "scope");
        store
            .tenant(&scope)
            .add_member("three@example.no", "Three", Role::Reader)
            .await
            .must(b, "add_member");
        let report = verify(b, &store, Some(&witness)).await;
        assert!(report.is_intact(), "[{b}] {report:?}");
        // The tenant's membership.create and the system chain's user.create.
        assert_eq!(report.uncovered_entries, 2, "[{b}] {report:?}");
        let third = store.audit_checkpoint(&key()).await.must(b, "third run");
        assert_eq!(third.written.len(), 2, "[{b}] {third:?}");
        assert_eq!(
            third.written.iter().find(|cp| cp.chain == t).map(|cp| cp.seq),
            Some(6),
            "[{b}]"
        );
        let report = verify(b, &store, None).await;
        assert!(report.is_intact() && report.uncovered_entries == 0, "[{b}] {report:?}");
    })
    .await;
}

#[tokio::test]
async fn truncated_tail_with_rewritten_head_is_detected() {
    each_backend(|b, store| async move {
        let (t, _) = checkpointed(b, &store).await;
        cut_tail(b, &store, &t).await;
        hash_chain_is_fooled(b, &store).await;
        let report = verify(b, &store, None).await;
        assert_eq!(
            report.checkpoint_errors,
            vec![CheckpointError::Truncated {
                chain: t.clone(),
                checkpoint_seq: 5,
                last_seq: 4,
                origin: Source::Database,
            }],
            "[{b}]"
        );
        assert!(!report.is_intact(), "[{b}]");
        let msg = report.checkpoint_errors[0].to_string();
        assert!(msg.contains("entries deleted at the end"), "[{b}] {msg}");
    })
    .await;
}

#[tokio::test]
async fn edited_and_rehashed_chain_is_detected() {
    each_backend(|b, store| async move {
        let (t, _) = checkpointed(b, &store).await;
        drop_append_only_triggers(b, &store, &t).await;
        // The attacker edits entry 3 and recomputes entries 3..5 and the head
        // with the chain's own hash function.
        let entries = read_chain(b, &store, &t).await;
        let mut prev = entries[1].hash.clone();
        let mut statements = Vec::new();
        for e in entries.into_iter().skip(2) {
            let seq = e.seq;
            if seq == 3 {
                let forged = "{\"user_id\":\"x\",\"role\":\"admin\"}";
                let sealed = AuditRecord {
                    after: Some(forged.into()),
                    ..e
                }
                .seal(&prev);
                statements.push(format!(
                    "UPDATE audit_log SET after_json = '{forged}', prev_hash = '{}', hash = '{}' WHERE chain = '{t}' AND seq = 3",
                    sealed.prev_hash, sealed.hash
                ));
                prev = sealed.hash;
            } else {
                let sealed = e.seal(&prev);
                statements.push(format!(
                    "UPDATE audit_log SET prev_hash = '{}', hash = '{}' WHERE chain = '{t}' AND seq = {seq}",
                    sealed.prev_hash, sealed.hash
                ));
                prev = sealed.hash;
            }
        }
        statements.push(format!("UPDATE audit_heads SET hash = '{prev}' WHERE chain = '{t}'"));
        tamper(b, &store, &statements).await;
        hash_chain_is_fooled(b, &store).await;

        let report = verify(b, &store, None).await;
        assert_eq!(
            report.checkpoint_errors,
            vec![CheckpointError::Mismatch {
                chain: t.clone(),
                seq: 5,
                origin: Source::Database,
            }],
            "[{b}]"
        );
        assert!(!report.is_intact(), "[{b}]");

        // The next entry continues the forged chain: the signer refuses it.
        let admin = store
            .user_by_email("admin@example.no")
            .await
            .must(b, "user_by_email")
            .expect("admin exists");
        let scope = store.scope(&admin, &t).await.must(b, "scope");
        store
            .tenant(&scope)
            .add_member("three@example.no", "Three", Role::Reader)
            .await
            .must(b, "add_member");
        let run = store.audit_checkpoint(&key()).await.must(b, "audit_checkpoint");
        assert!(
            matches!(run.refused.as_slice(), [CheckpointRefused::Chain(etterlev_core::ChainError::Broken { seq: 6, .. })]),
            "[{b}] the signer must not sign over a re-hashed chain: {run:?}"
        );
        assert!(run.written.iter().all(|cp| cp.chain != t), "[{b}] {run:?}");
    })
    .await;
}

#[tokio::test]
async fn deleted_checkpoints_are_caught_by_the_witness() {
    each_backend(|b, store| async move {
        let (t, witness) = checkpointed(b, &store).await;
        cut_tail(b, &store, &t).await;
        drop_checkpoint_triggers(b, &store).await;
        tamper(
            b,
            &store,
            &[format!("DELETE FROM audit_checkpoints WHERE chain = '{t}'")],
        )
        .await;
        hash_chain_is_fooled(b, &store).await;
        // Without the witness the deletion cannot be seen: the database
        // holds nothing the attacker could not remove.
        let report = verify(b, &store, None).await;
        assert!(report.is_intact(), "[{b}] {report:?}");
        assert_eq!(report.uncovered_entries, 4, "[{b}] {report:?}");

        let report = verify(b, &store, Some(&witness)).await;
        assert!(!report.is_intact(), "[{b}]");
        let line = witness
            .lines()
            .position(|l| l.contains(&t))
            .map(|i| i + 1)
            .expect("the tenant's line");
        assert_eq!(
            report.checkpoint_errors,
            vec![
                CheckpointError::MissingFromDatabase {
                    chain: t.clone(),
                    seq: 5,
                    line
                },
                CheckpointError::Truncated {
                    chain: t.clone(),
                    checkpoint_seq: 5,
                    last_seq: 4,
                    origin: Source::Witness(line),
                },
            ],
            "[{b}]"
        );

        // The whole chain gone, head and all: the witness still names it.
        // (The append-only triggers are already gone.)
        tamper(
            b,
            &store,
            &["DELETE FROM audit_heads WHERE chain = 'system'".to_string()],
        )
        .await;
        let n = exec(&store, "DELETE FROM audit_log WHERE chain = 'system'")
            .await
            .must(b, "delete the system chain");
        assert_eq!(n, 3, "[{b}]");
        let deleted_all = "DELETE FROM audit_checkpoints WHERE chain = 'system'";
        tamper(b, &store, &[deleted_all.to_string()]).await;
        let report = verify(b, &store, Some(&witness)).await;
        assert!(
            report.checkpoint_errors.iter().any(|e| matches!(
                e,
                CheckpointError::Truncated { chain, last_seq: 0, origin: Source::Witness(_), .. } if chain == "system"
            )),
            "[{b}] {:?}",
            report.checkpoint_errors
        );
    })
    .await;
}

#[tokio::test]
async fn checkpoints_of_another_key_are_rejected() {
    each_backend(|b, store| async move {
        tenant_with_five_entries(b, &store).await;
        let theirs = store
            .audit_checkpoint(&other_key())
            .await
            .must(b, "checkpoint with the other key");
        assert_eq!(theirs.written.len(), 2, "[{b}]");
        let report = verify(b, &store, None).await;
        assert_eq!(report.checkpoint_errors.len(), 2, "[{b}] {report:?}");
        assert!(
            report
                .checkpoint_errors
                .iter()
                .all(|e| matches!(e, CheckpointError::UnknownKey { .. })),
            "[{b}] {:?}",
            report.checkpoint_errors
        );

        // A row that claims our key id but was signed by another key.
        let cp = other_key().sign("system", 1, "0", 0);
        let forged = format!(
            "INSERT INTO audit_checkpoints (chain, seq, entries, hash, at_ms, key_id, signature) \
             VALUES ('system', 1, 1, '{}', 0, '{}', '{}')",
            cp.hash,
            key().public().key_id(),
            cp.signature
        );
        tamper(b, &store, &[forged]).await;
        let report = verify(b, &store, None).await;
        assert!(
            report.checkpoint_errors.iter().any(|e| matches!(
                e,
                CheckpointError::BadSignature { chain, seq: 1, origin: Source::Database } if chain == "system"
            )),
            "[{b}] {:?}",
            report.checkpoint_errors
        );
        // Our key's signer does not build on a checkpoint it cannot verify.
        let run = store.audit_checkpoint(&key()).await.must(b, "checkpoint with our key");
        assert!(
            run.refused
                .iter()
                .any(|r| matches!(r, CheckpointRefused::Checkpoint(CheckpointError::BadSignature { .. }))),
            "[{b}] {run:?}"
        );
        // With both keys, only the forged row is wrong.
        let both = [key().public(), other_key().public()];
        let report = store
            .audit_verify_signed(&both, None)
            .await
            .must(b, "verify with both keys");
        assert_eq!(report.checkpoint_errors.len(), 1, "[{b}] {report:?}");
    })
    .await;
}

#[tokio::test]
async fn without_a_key_only_the_hash_chain_is_checked() {
    each_backend(|b, store| async move {
        let (t, witness) = checkpointed(b, &store).await;
        let report = store.audit_verify_signed(&[], Some(&witness)).await.must(b, "verify");
        assert!(report.is_intact(), "[{b}] {report:?}");
        assert!(!report.checkpoints_checked, "[{b}]");
        assert_eq!(report.checkpoints_in_db, 2, "[{b}] the checkpoints are counted");
        assert_eq!(report.witness_checkpoints, 0, "[{b}] the witness is not read");
        // The hash chains are still checked.
        drop_append_only_triggers(b, &store, &t).await;
        tamper(
            b,
            &store,
            &[format!(
                "UPDATE audit_log SET actor_label = 'x' WHERE chain = '{t}' AND seq = 2"
            )],
        )
        .await;
        let report = store.audit_verify_signed(&[], None).await.must(b, "verify");
        assert_eq!(report.errors.len(), 1, "[{b}] {report:?}");
        assert!(report.checkpoint_errors.is_empty(), "[{b}] {report:?}");
    })
    .await;
}
