// Compiled twice, once per backend, with `Conn` bound to that backend's
// connection type (see lib.rs). Keep every statement portable between SQLite
// and PostgreSQL: `$n` placeholders, BIGINT milliseconds, TEXT ids.

use crate::error::{Refusal, StoreError, StoreResult};
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

use etterlev_core::{
    AuditPublicKey, AuditRecord, AuditSigningKey, Checkpoint, GENESIS_HASH, Role, SYSTEM_CHAIN, SizeClass, TenantKind,
};

/// SQL assembled only from the constant column lists below, never from input.
macro_rules! sqlf {
    ($($t:tt)*) => { sqlx::AssertSqlSafe(format!($($t)*)) };
}

#[derive(sqlx::FromRow)]
struct TenantRow {
    id: String,
    name: String,
    org_number: String,
    kind: String,
    size_class: String,
    created_at: i64,
}

impl TenantRow {
    fn into_model(self) -> StoreResult<Tenant> {
        Ok(Tenant {
            kind: TenantKind::parse(&self.kind)
                .ok_or_else(|| StoreError::Internal(format!("unknown tenant kind {}", self.kind)))?,
            size_class: SizeClass::parse(&self.size_class)
                .ok_or_else(|| StoreError::Internal(format!("unknown size class {}", self.size_class)))?,
            id: self.id,
            name: self.name,
            org_number: self.org_number,
            created_at: self.created_at,
        })
    }
}

const TENANT_COLS: &str = "id, name, org_number, kind, size_class, created_at";

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    display_name: String,
    password_hash: Option<String>,
    totp_secret: Option<String>,
    is_secretariat: bool,
    disabled: bool,
    created_at: i64,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            email: r.email,
            display_name: r.display_name,
            password_hash: r.password_hash,
            totp_secret: r.totp_secret,
            is_secretariat: r.is_secretariat,
            disabled: r.disabled,
            created_at: r.created_at,
        }
    }
}

const USER_COLS: &str =
    "id, email, display_name, password_hash, totp_secret, is_secretariat, disabled, created_at";

fn parse_role(s: &str) -> StoreResult<Role> {
    Role::parse(s).ok_or_else(|| StoreError::Invalid(Refusal::new("refusal-role", format!("unknown role {s}")).arg(s)))
}

fn json<T: serde::Serialize>(v: &T) -> Option<String> {
    serde_json::to_string(v).ok()
}

// ---------------------------------------------------------------- audit

/// What one audited change records, besides who and when.
pub struct Change<'a> {
    pub tenant_id: Option<&'a str>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Appends an entry to the tenant's chain (or the system chain). Must run in
/// the transaction of the change it records.
pub async fn append_audit(c: &mut Conn, actor: &Actor, change: Change<'_>) -> StoreResult<()> {
    let chain = change.tenant_id.unwrap_or(SYSTEM_CHAIN);
    sqlx::query("INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING")
        .bind(chain)
        .bind(GENESIS_HASH)
        .execute(&mut *c)
        .await?;
    // The UPDATE takes the row lock that orders concurrent appends.
    let (seq, prev): (i64, String) =
        sqlx::query_as("UPDATE audit_heads SET seq = seq + 1 WHERE chain = $1 RETURNING seq, hash")
            .bind(chain)
            .fetch_one(&mut *c)
            .await?;
    let rec = AuditRecord {
        chain: chain.to_string(),
        seq,
        at_ms: crate::now_ms(),
        actor_id: actor.user_id.clone(),
        actor_label: actor.label.clone(),
        tenant_id: change.tenant_id.map(str::to_string),
        action: change.action.to_string(),
        object_type: change.object_type.to_string(),
        object_id: change.object_id.to_string(),
        before: change.before,
        after: change.after,
        prev_hash: String::new(),
        hash: String::new(),
    }
    .seal(&prev);
    sqlx::query(
        "INSERT INTO audit_log (chain, seq, at_ms, actor_id, actor_label, tenant_id, action, object_type, object_id, before_json, after_json, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&rec.chain)
    .bind(rec.seq)
    .bind(rec.at_ms)
    .bind(&rec.actor_id)
    .bind(&rec.actor_label)
    .bind(&rec.tenant_id)
    .bind(&rec.action)
    .bind(&rec.object_type)
    .bind(&rec.object_id)
    .bind(&rec.before)
    .bind(&rec.after)
    .bind(&rec.prev_hash)
    .bind(&rec.hash)
    .execute(&mut *c)
    .await?;
    sqlx::query("UPDATE audit_heads SET hash = $1 WHERE chain = $2")
        .bind(&rec.hash)
        .bind(chain)
        .execute(&mut *c)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    chain: String,
    seq: i64,
    at_ms: i64,
    actor_id: Option<String>,
    actor_label: String,
    tenant_id: Option<String>,
    action: String,
    object_type: String,
    object_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<AuditRow> for AuditRecord {
    fn from(r: AuditRow) -> Self {
        AuditRecord {
            chain: r.chain,
            seq: r.seq,
            at_ms: r.at_ms,
            actor_id: r.actor_id,
            actor_label: r.actor_label,
            tenant_id: r.tenant_id,
            action: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            before: r.before_json,
            after: r.after_json,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const AUDIT_COLS: &str = "chain, seq, at_ms, actor_id, actor_label, tenant_id, action, object_type, object_id, before_json, after_json, prev_hash, hash";

pub async fn audit_page(c: &mut Conn, chain: &str, before_seq: i64, limit: i64) -> StoreResult<Vec<AuditRecord>> {
    let rows: Vec<AuditRow> = sqlx::query_as(sqlf!(
        "SELECT {AUDIT_COLS} FROM audit_log WHERE chain = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3"
    ))
    .bind(chain)
    .bind(before_seq)
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn audit_entry(c: &mut Conn, chain: &str, seq: i64) -> StoreResult<AuditRecord> {
    let row: AuditRow = sqlx::query_as(sqlf!("SELECT {AUDIT_COLS} FROM audit_log WHERE chain = $1 AND seq = $2"))
        .bind(chain)
        .bind(seq)
        .fetch_one(&mut *c)
        .await?;
    Ok(row.into())
}

/// Verifies every chain: entries in the log and chains named in the heads;
/// with `keys`, also every signed checkpoint in the database and in
/// `witness` (the witness file's text), and chains named only by those.
pub async fn audit_verify(c: &mut Conn, keys: &[AuditPublicKey], witness: Option<&str>) -> StoreResult<AuditReport> {
    let mut report = AuditReport::default();
    let in_log: Vec<String> = sqlx::query_scalar("SELECT DISTINCT chain FROM audit_log")
        .fetch_all(&mut *c)
        .await?;
    let mut chains: BTreeSet<String> = in_log.into_iter().collect();
    let heads: Vec<(String, i64, String)> = sqlx::query_as("SELECT chain, seq, hash FROM audit_heads")
        .fetch_all(&mut *c)
        .await?;
    chains.extend(heads.iter().map(|(chain, _, _)| chain.clone()));
    let checkpoints: Vec<CheckpointRow> = sqlx::query_as(sqlf!(
        "SELECT {CHECKPOINT_COLS} FROM audit_checkpoints ORDER BY chain, seq, key_id"
    ))
    .fetch_all(&mut *c)
    .await?;
    report.checkpoints_in_db = checkpoints.len() as u64;
    report.checkpoints_checked = !keys.is_empty();
    let mut in_db: BTreeMap<String, Vec<Checkpoint>> = BTreeMap::new();
    let mut witnessed: BTreeMap<String, Vec<(usize, Checkpoint)>> = BTreeMap::new();
    if report.checkpoints_checked {
        for row in checkpoints {
            let cp = Checkpoint::from(row);
            in_db.entry(cp.chain.clone()).or_default().push(cp);
        }
        if let Some(text) = witness {
            let (lines, errors) = etterlev_core::audit_checkpoint::parse_witness(text);
            report.witness_checkpoints = lines.len() as u64;
            report.checkpoint_errors.extend(errors);
            for (line, cp) in lines {
                witnessed.entry(cp.chain.clone()).or_default().push((line, cp));
            }
            for list in witnessed.values_mut() {
                list.sort_by_key(|(line, cp)| (cp.seq, *line));
            }
        }
        // A chain deleted together with its head still has its checkpoints.
        chains.extend(in_db.keys().cloned());
        chains.extend(witnessed.keys().cloned());
    }
    for chain in chains {
        let rows: Vec<AuditRow> = sqlx::query_as(sqlf!("SELECT {AUDIT_COLS} FROM audit_log WHERE chain = $1 ORDER BY seq"))
            .bind(&chain)
            .fetch_all(&mut *c)
            .await?;
        let head = heads
            .iter()
            .find(|(ch, _, _)| *ch == chain)
            .map(|(_, seq, hash)| etterlev_core::ChainHead { seq: *seq, hash: hash.clone() });
        // A chain in the log without a head row lost its head: treat as seq 0.
        let head = head.or(Some(etterlev_core::ChainHead { seq: 0, hash: GENESIS_HASH.into() }));
        let stored: BTreeMap<i64, String> = if report.checkpoints_checked {
            rows.iter().map(|r| (r.seq, r.hash.clone())).collect()
        } else {
            BTreeMap::new()
        };
        report.chains += 1;
        match etterlev_core::verify_chain(&chain, rows.into_iter().map(AuditRecord::from), head.as_ref()) {
            Ok(n) => report.entries += n,
            Err(e) => report.errors.push(e),
        }
        if report.checkpoints_checked {
            let (found, errors) = etterlev_core::audit_checkpoint::check_chain(
                &chain,
                &stored,
                in_db.get(&chain).map_or(&[][..], Vec::as_slice),
                witnessed.get(&chain).map_or(&[][..], Vec::as_slice),
                keys,
            );
            let last_seq = stored.keys().next_back().copied().unwrap_or(0);
            report.uncovered_entries += u64::try_from(last_seq - found.covered_seq).unwrap_or(0);
            report.checkpoint_errors.extend(errors);
        }
    }
    Ok(report)
}

#[derive(sqlx::FromRow)]
struct CheckpointRow {
    chain: String,
    seq: i64,
    entries: i64,
    hash: String,
    at_ms: i64,
    key_id: String,
    signature: String,
}

impl From<CheckpointRow> for Checkpoint {
    fn from(r: CheckpointRow) -> Self {
        Checkpoint {
            v: etterlev_core::audit_checkpoint::CHECKPOINT_VERSION,
            chain: r.chain,
            seq: r.seq,
            entries: r.entries,
            hash: r.hash,
            at_ms: r.at_ms,
            key_id: r.key_id,
            signature: r.signature,
        }
    }
}

const CHECKPOINT_COLS: &str = "chain, seq, entries, hash, at_ms, key_id, signature";

/// Every chain with a head row, in order.
pub async fn audit_chains(c: &mut Conn) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT chain FROM audit_heads ORDER BY chain")
        .fetch_all(&mut *c)
        .await?)
}

/// What happened to one chain in a checkpoint run.
pub enum ChainCheckpoint {
    Written(Checkpoint),
    Unchanged,
    Refused(CheckpointRefused),
}

/// Signs the chain's last entry, after checking that the entries since the
/// chain's latest checkpoint by this key are intact and continue from it
/// (so a chain that was tampered with is never signed over).
pub async fn audit_checkpoint_chain(
    c: &mut Conn,
    key: &AuditSigningKey,
    chain: &str,
    at_ms: i64,
) -> StoreResult<ChainCheckpoint> {
    let public = key.public();
    let key_id = public.key_id();
    let latest: Option<CheckpointRow> = sqlx::query_as(sqlf!(
        "SELECT {CHECKPOINT_COLS} FROM audit_checkpoints WHERE chain = $1 AND key_id = $2 ORDER BY seq DESC LIMIT 1"
    ))
    .bind(chain)
    .bind(&key_id)
    .fetch_optional(&mut *c)
    .await?;
    let start = match latest.map(Checkpoint::from) {
        Some(cp) => {
            if let Err(e) = cp.verify(std::slice::from_ref(&public), &etterlev_core::audit_checkpoint::Source::Database) {
                return Ok(ChainCheckpoint::Refused(e.into()));
            }
            etterlev_core::ChainHead { seq: cp.seq, hash: cp.hash }
        }
        None => etterlev_core::ChainHead { seq: 0, hash: GENESIS_HASH.into() },
    };
    let rows: Vec<AuditRow> = sqlx::query_as(sqlf!(
        "SELECT {AUDIT_COLS} FROM audit_log WHERE chain = $1 AND seq > $2 ORDER BY seq"
    ))
    .bind(chain)
    .bind(start.seq)
    .fetch_all(&mut *c)
    .await?;
    let Some((seq, hash)) = rows.last().map(|r| (r.seq, r.hash.clone())) else {
        return Ok(ChainCheckpoint::Unchanged);
    };
    if let Err(e) = etterlev_core::verify_chain_from(chain, &start, rows.into_iter().map(AuditRecord::from), None) {
        return Ok(ChainCheckpoint::Refused(e.into()));
    }
    let cp = key.sign(chain, seq, &hash, at_ms);
    let inserted = sqlx::query(
        "INSERT INTO audit_checkpoints (chain, seq, entries, hash, at_ms, key_id, signature) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (chain, seq, key_id) DO NOTHING",
    )
    .bind(&cp.chain)
    .bind(cp.seq)
    .bind(cp.entries)
    .bind(&cp.hash)
    .bind(cp.at_ms)
    .bind(&cp.key_id)
    .bind(&cp.signature)
    .execute(&mut *c)
    .await?
    .rows_affected();
    // Another run signed the same entry meanwhile.
    Ok(if inserted == 1 { ChainCheckpoint::Written(cp) } else { ChainCheckpoint::Unchanged })
}

pub async fn record_event(c: &mut Conn, actor: &Actor, action: &str, user_id: &str, detail: Option<String>) -> StoreResult<()> {
    append_audit(c, actor, Change {
        tenant_id: None,
        action,
        object_type: "user",
        object_id: user_id,
        before: None,
        after: detail,
    })
    .await
}

/// Backend-specific statement to check the connection.
pub async fn ping(c: &mut Conn) -> StoreResult<()> {
    let _: i32 = sqlx::query_scalar(if IS_SQLITE { "SELECT 1" } else { "SELECT 1::int4" })
        .fetch_one(&mut *c)
        .await?;
    Ok(())
}
