// Compiled twice, once per backend, with `Conn` bound to that backend's
// connection type (see lib.rs). Keep every statement portable between SQLite
// and PostgreSQL: `$n` placeholders, BIGINT milliseconds, TEXT ids.

use crate::error::{StoreError, StoreResult};
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
                .ok_or_else(|| StoreError::Invalid(format!("unknown tenant kind {}", self.kind)))?,
            size_class: SizeClass::parse(&self.size_class)
                .ok_or_else(|| StoreError::Invalid(format!("unknown size class {}", self.size_class)))?,
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
    Role::parse(s).ok_or_else(|| StoreError::Invalid(format!("unknown role {s}")))
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

// ---------------------------------------------------------------- tenants

pub async fn insert_tenant(c: &mut Conn, actor: &Actor, id: &str, t: &NewTenant) -> StoreResult<Tenant> {
    let row: TenantRow = sqlx::query_as(sqlf!(
        "INSERT INTO tenants (id, name, org_number, kind, size_class, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING {TENANT_COLS}"
    ))
    .bind(id)
    .bind(&t.name)
    .bind(t.org_number.as_str())
    .bind(t.kind.as_str())
    .bind(t.size_class.as_str())
    .bind(crate::now_ms())
    .fetch_one(&mut *c)
    .await?;
    let tenant = row.into_model()?;
    append_audit(c, actor, Change {
        tenant_id: Some(&tenant.id),
        action: "tenant.create",
        object_type: "tenant",
        object_id: &tenant.id,
        before: None,
        after: json(&tenant),
    })
    .await?;
    Ok(tenant)
}

pub async fn tenant_by_id(c: &mut Conn, id: &str) -> StoreResult<Tenant> {
    let row: TenantRow = sqlx::query_as(sqlf!("SELECT {TENANT_COLS} FROM tenants WHERE id = $1"))
        .bind(id)
        .fetch_one(&mut *c)
        .await?;
    row.into_model()
}

pub async fn tenant_by_org(c: &mut Conn, org: &str) -> StoreResult<Option<Tenant>> {
    let row: Option<TenantRow> = sqlx::query_as(sqlf!("SELECT {TENANT_COLS} FROM tenants WHERE org_number = $1"))
        .bind(org)
        .fetch_optional(&mut *c)
        .await?;
    row.map(TenantRow::into_model).transpose()
}

pub async fn count_users(c: &mut Conn) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&mut *c).await?)
}

// ---------------------------------------------------------------- users

pub async fn insert_user(c: &mut Conn, actor: &Actor, id: &str, u: &NewUser) -> StoreResult<User> {
    let row: UserRow = sqlx::query_as(sqlf!(
        "INSERT INTO users (id, email, display_name, password_hash, is_secretariat, disabled, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {USER_COLS}"
    ))
    .bind(id)
    .bind(&u.email)
    .bind(&u.display_name)
    .bind(&u.password_hash)
    .bind(u.is_secretariat)
    .bind(false)
    .bind(crate::now_ms())
    .fetch_one(&mut *c)
    .await?;
    let user = User::from(row);
    append_audit(c, actor, Change {
        tenant_id: None,
        action: "user.create",
        object_type: "user",
        object_id: &user.id,
        before: None,
        after: json(&user),
    })
    .await?;
    Ok(user)
}

pub async fn user_by_id(c: &mut Conn, id: &str) -> StoreResult<Option<User>> {
    let row: Option<UserRow> = sqlx::query_as(sqlf!("SELECT {USER_COLS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
    Ok(row.map(Into::into))
}

pub async fn user_by_email(c: &mut Conn, email: &str) -> StoreResult<Option<User>> {
    let row: Option<UserRow> = sqlx::query_as(sqlf!("SELECT {USER_COLS} FROM users WHERE email = $1"))
        .bind(email)
        .fetch_optional(&mut *c)
        .await?;
    Ok(row.map(Into::into))
}

/// Sets a new password hash and signs the user out everywhere else.
pub async fn set_password(c: &mut Conn, actor: &Actor, user_id: &str, hash: &str, keep_session: Option<&str>) -> StoreResult<()> {
    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user_id)
        .execute(&mut *c)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep_session.unwrap_or(""))
        .execute(&mut *c)
        .await?;
    append_audit(c, actor, Change {
        tenant_id: None,
        action: "user.password_change",
        object_type: "user",
        object_id: user_id,
        before: None,
        after: Some(r#"{"password":"changed","other_sessions":"ended"}"#.into()),
    })
    .await
}

/// Turns TOTP on (with new recovery code hashes) or off (`None`).
pub async fn set_totp(c: &mut Conn, actor: &Actor, user_id: &str, secret: Option<&str>, step: Option<i64>, recovery_hashes: &[String]) -> StoreResult<()> {
    let before: Option<String> = sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *c)
        .await?;
    sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = $2 WHERE id = $3")
        .bind(secret)
        .bind(step)
        .bind(user_id)
        .execute(&mut *c)
        .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *c).await?;
    for h in recovery_hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(h)
            .execute(&mut *c)
            .await?;
    }
    let state = |on: bool| Some(format!(r#"{{"totp":{on}}}"#));
    append_audit(c, actor, Change {
        tenant_id: None,
        action: if secret.is_some() { "user.totp_enable" } else { "user.totp_disable" },
        object_type: "user",
        object_id: user_id,
        before: state(before.is_some()),
        after: state(secret.is_some()),
    })
    .await
}

/// Records that a TOTP step was used. Returns false if it (or a later one) was
/// already used: the conditional UPDATE makes replay impossible even when two
/// logins race.
pub async fn claim_totp_step(c: &mut Conn, user_id: &str, step: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $3)",
    )
    .bind(step)
    .bind(user_id)
    .bind(step)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn totp_last_step(c: &mut Conn, user_id: &str) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT totp_last_step FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *c)
        .await?)
}

pub async fn use_recovery_code(c: &mut Conn, actor: &Actor, user_id: &str, code_hash: &str) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
        .bind(crate::now_ms())
        .bind(user_id)
        .bind(code_hash)
        .execute(&mut *c)
        .await?;
    if done.rows_affected() == 1 {
        append_audit(c, actor, Change {
            tenant_id: None,
            action: "user.recovery_code_used",
            object_type: "user",
            object_id: user_id,
            before: None,
            after: None,
        })
        .await?;
        return Ok(true);
    }
    Ok(false)
}

pub async fn recovery_codes_left(c: &mut Conn, user_id: &str) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .fetch_one(&mut *c)
        .await?)
}

pub async fn memberships_of(c: &mut Conn, user_id: &str) -> StoreResult<Vec<Membership>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        tenant: TenantRow,
        role: String,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT t.id, t.name, t.org_number, t.kind, t.size_class, t.created_at, m.role \
         FROM memberships m JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = $1 ORDER BY t.name",
    )
    .bind(user_id)
    .fetch_all(&mut *c)
    .await?;
    rows.into_iter()
        .map(|r| Ok(Membership { role: parse_role(&r.role)?, tenant: r.tenant.into_model()? }))
        .collect()
}

pub async fn role_in(c: &mut Conn, user_id: &str, tenant_id: &str) -> StoreResult<Option<Role>> {
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM memberships WHERE user_id = $1 AND tenant_id = $2")
        .bind(user_id)
        .bind(tenant_id)
        .fetch_optional(&mut *c)
        .await?;
    role.as_deref().map(parse_role).transpose()
}

// ---------------------------------------------------------------- memberships (tenant-scoped)

pub async fn insert_membership(c: &mut Conn, actor: &Actor, tenant_id: &str, user_id: &str, role: Role) -> StoreResult<()> {
    sqlx::query("INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
        .bind(tenant_id)
        .bind(user_id)
        .bind(role.as_str())
        .bind(crate::now_ms())
        .execute(&mut *c)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict("memberships_pkey".into()),
            other => other,
        })?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "membership.create",
        object_type: "membership",
        object_id: user_id,
        before: None,
        after: Some(serde_json::json!({ "user_id": user_id, "role": role.as_str() }).to_string()),
    })
    .await
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    user_id: String,
    email: String,
    display_name: String,
    role: String,
    totp_secret: Option<String>,
    created_at: i64,
}

impl MemberRow {
    fn into_model(self) -> StoreResult<Member> {
        Ok(Member {
            role: parse_role(&self.role)?,
            user_id: self.user_id,
            email: self.email,
            display_name: self.display_name,
            has_totp: self.totp_secret.is_some(),
            since: self.created_at,
        })
    }
}

const MEMBER_SELECT: &str = "SELECT u.id AS user_id, u.email, u.display_name, m.role, u.totp_secret, m.created_at \
     FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1";

pub async fn members(c: &mut Conn, tenant_id: &str) -> StoreResult<Vec<Member>> {
    let rows: Vec<MemberRow> = sqlx::query_as(sqlf!("{MEMBER_SELECT} ORDER BY u.display_name, u.email"))
        .bind(tenant_id)
        .fetch_all(&mut *c)
        .await?;
    rows.into_iter().map(MemberRow::into_model).collect()
}

pub async fn member(c: &mut Conn, tenant_id: &str, user_id: &str) -> StoreResult<Member> {
    let row: MemberRow = sqlx::query_as(sqlf!("{MEMBER_SELECT} AND m.user_id = $2"))
        .bind(tenant_id)
        .bind(user_id)
        .fetch_one(&mut *c)
        .await?;
    row.into_model()
}

/// The tenant's admins, for the last-admin rule. On PostgreSQL the admin rows
/// stay locked until the transaction ends, so two admins demoting each other
/// at once cannot both see two admins. (SQLite has no FOR UPDATE; its
/// `BEGIN IMMEDIATE` already serialises writers.)
async fn admin_count(c: &mut Conn, tenant_id: &str) -> StoreResult<i64> {
    let sql = if IS_SQLITE {
        "SELECT COUNT(*) FROM memberships WHERE tenant_id = $1 AND role = 'admin'"
    } else {
        "SELECT COUNT(*) FROM (SELECT 1 FROM memberships WHERE tenant_id = $1 AND role = 'admin' FOR UPDATE) AS admins"
    };
    Ok(sqlx::query_scalar(sql)
        .bind(tenant_id)
        .fetch_one(&mut *c)
        .await?)
}

pub async fn set_member_role(c: &mut Conn, actor: &Actor, tenant_id: &str, user_id: &str, role: Role) -> StoreResult<Member> {
    let before = member(c, tenant_id, user_id).await?;
    if before.role == Role::Admin && role != Role::Admin && admin_count(c, tenant_id).await? <= 1 {
        return Err(StoreError::Invalid("the last administrator cannot lose the admin role".into()));
    }
    sqlx::query("UPDATE memberships SET role = $1 WHERE tenant_id = $2 AND user_id = $3")
        .bind(role.as_str())
        .bind(tenant_id)
        .bind(user_id)
        .execute(&mut *c)
        .await?;
    let after = member(c, tenant_id, user_id).await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "membership.update",
        object_type: "membership",
        object_id: user_id,
        before: json(&before),
        after: json(&after),
    })
    .await?;
    Ok(after)
}

pub async fn remove_member(c: &mut Conn, actor: &Actor, tenant_id: &str, user_id: &str) -> StoreResult<()> {
    let before = member(c, tenant_id, user_id).await?;
    if before.role == Role::Admin && admin_count(c, tenant_id).await? <= 1 {
        return Err(StoreError::Invalid("the last administrator cannot be removed".into()));
    }
    sqlx::query("DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant_id)
        .bind(user_id)
        .execute(&mut *c)
        .await?;
    // Sessions that had this tenant selected must not keep it.
    sqlx::query("UPDATE sessions SET tenant_id = NULL WHERE user_id = $1 AND tenant_id = $2")
        .bind(user_id)
        .bind(tenant_id)
        .execute(&mut *c)
        .await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "membership.delete",
        object_type: "membership",
        object_id: user_id,
        before: json(&before),
        after: None,
    })
    .await
}

// ---------------------------------------------------------------- sessions

#[derive(sqlx::FromRow)]
struct SessionRow {
    token_hash: String,
    user_id: String,
    tenant_id: Option<String>,
    csrf_token: String,
    mfa_pending: bool,
    created_at: i64,
    expires_at: i64,
    last_seen_at: i64,
}

pub async fn insert_session(c: &mut Conn, s: &Session) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, tenant_id, csrf_token, mfa_pending, created_at, expires_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&s.token_hash)
    .bind(&s.user_id)
    .bind(&s.tenant_id)
    .bind(&s.csrf_token)
    .bind(s.mfa_pending)
    .bind(s.created_at)
    .bind(s.expires_at)
    .bind(s.last_seen_at)
    .execute(&mut *c)
    .await?;
    Ok(())
}

impl From<SessionRow> for Session {
    fn from(r: SessionRow) -> Self {
        Session {
            token_hash: r.token_hash,
            user_id: r.user_id,
            tenant_id: r.tenant_id,
            csrf_token: r.csrf_token,
            mfa_pending: r.mfa_pending,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_seen_at: r.last_seen_at,
        }
    }
}

pub async fn session(c: &mut Conn, token_hash: &str, now: i64) -> StoreResult<Option<Session>> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT token_hash, user_id, tenant_id, csrf_token, mfa_pending, created_at, expires_at, last_seen_at \
         FROM sessions WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *c)
    .await?;
    Ok(row.map(Session::from))
}

/// The live session behind a token hash with its user and the user's
/// memberships (tenants by name), in one statement: this runs on every page
/// view, and on PostgreSQL each statement is a round trip that wakes a
/// backend. The user's row repeats once per membership; a user without any
/// has one row whose tenant columns are NULL.
pub async fn session_with_user(
    c: &mut Conn,
    token_hash: &str,
    now: i64,
) -> StoreResult<Option<(Session, User, Vec<Membership>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        token_hash: String,
        user_id: String,
        tenant_id: Option<String>,
        csrf_token: String,
        mfa_pending: bool,
        s_created_at: i64,
        expires_at: i64,
        last_seen_at: i64,
        email: String,
        display_name: String,
        password_hash: Option<String>,
        totp_secret: Option<String>,
        is_secretariat: bool,
        disabled: bool,
        u_created_at: i64,
        t_id: Option<String>,
        t_name: Option<String>,
        t_org_number: Option<String>,
        t_kind: Option<String>,
        t_size_class: Option<String>,
        t_created_at: Option<i64>,
        m_role: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.token_hash, s.user_id, s.tenant_id, s.csrf_token, s.mfa_pending, s.created_at AS s_created_at, \
                s.expires_at, s.last_seen_at, u.email, u.display_name, u.password_hash, u.totp_secret, \
                u.is_secretariat, u.disabled, u.created_at AS u_created_at, \
                t.id AS t_id, t.name AS t_name, t.org_number AS t_org_number, t.kind AS t_kind, \
                t.size_class AS t_size_class, t.created_at AS t_created_at, m.role AS m_role \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN memberships m ON m.user_id = u.id LEFT JOIN tenants t ON t.id = m.tenant_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 ORDER BY t.name, t.id",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_all(&mut *c)
    .await?;
    let mut memberships = Vec::new();
    let mut first = None;
    for r in rows {
        if let (Some(id), Some(name), Some(org_number), Some(kind), Some(size_class), Some(created_at), Some(role)) = (
            r.t_id.clone(),
            r.t_name.clone(),
            r.t_org_number.clone(),
            r.t_kind.clone(),
            r.t_size_class.clone(),
            r.t_created_at,
            r.m_role.as_deref(),
        ) {
            let tenant = TenantRow {
                id,
                name,
                org_number,
                kind,
                size_class,
                created_at,
            };
            memberships.push(Membership {
                role: parse_role(role)?,
                tenant: tenant.into_model()?,
            });
        }
        if first.is_none() {
            first = Some(r);
        }
    }
    Ok(first.map(|r| {
        let user = User {
            id: r.user_id.clone(),
            email: r.email,
            display_name: r.display_name,
            password_hash: r.password_hash,
            totp_secret: r.totp_secret,
            is_secretariat: r.is_secretariat,
            disabled: r.disabled,
            created_at: r.u_created_at,
        };
        let session = Session {
            token_hash: r.token_hash,
            user_id: r.user_id,
            tenant_id: r.tenant_id,
            csrf_token: r.csrf_token,
            mfa_pending: r.mfa_pending,
            created_at: r.s_created_at,
            expires_at: r.expires_at,
            last_seen_at: r.last_seen_at,
        };
        (session, user, memberships)
    }))
}

pub async fn touch_session(c: &mut Conn, token_hash: &str, now: i64, expires_at: i64) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
        .bind(now)
        .bind(expires_at)
        .bind(token_hash)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn complete_mfa(c: &mut Conn, token_hash: &str) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET mfa_pending = $1 WHERE token_hash = $2")
        .bind(false)
        .bind(token_hash)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn set_session_tenant(c: &mut Conn, token_hash: &str, tenant_id: Option<&str>) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET tenant_id = $1 WHERE token_hash = $2")
        .bind(tenant_id)
        .bind(token_hash)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn delete_session(c: &mut Conn, token_hash: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *c).await?;
    Ok(())
}

/// The user's live sessions, newest first.
pub async fn sessions_of(c: &mut Conn, user_id: &str, now: i64) -> StoreResult<Vec<Session>> {
    let rows: Vec<SessionRow> = sqlx::query_as(
        "SELECT token_hash, user_id, tenant_id, csrf_token, mfa_pending, created_at, expires_at, last_seen_at \
         FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(&mut *c)
    .await?;
    Ok(rows
        .into_iter()
        .map(Session::from)
        .collect())
}

/// Ends every session of the user except `keep`; returns how many ended.
pub async fn end_other_sessions(c: &mut Conn, actor: &Actor, user_id: &str, keep: &str) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(&mut *c)
        .await?;
    let ended = done.rows_affected();
    append_audit(
        c,
        actor,
        Change {
            tenant_id: None,
            action: "user.sessions_end_others",
            object_type: "user",
            object_id: user_id,
            before: None,
            after: Some(serde_json::json!({ "sessions_ended": ended }).to_string()),
        },
    )
    .await?;
    Ok(ended)
}

pub async fn delete_expired(c: &mut Conn, now: i64) -> StoreResult<u64> {
    let a = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&mut *c).await?;
    let b = sqlx::query("DELETE FROM login_failures WHERE at <= $1").bind(now - 86_400_000).execute(&mut *c).await?;
    let d = sqlx::query("DELETE FROM oidc_logins WHERE created_at <= $1").bind(now - 3_600_000).execute(&mut *c).await?;
    let e = sqlx::query("DELETE FROM login_throttles WHERE since <= $1").bind(now - 86_400_000).execute(&mut *c).await?;
    Ok(a.rows_affected() + b.rows_affected() + d.rows_affected() + e.rows_affected())
}

// ---------------------------------------------------------------- login throttling

pub async fn record_login_failure(c: &mut Conn, email: &str, ip: &str, now: i64) -> StoreResult<()> {
    sqlx::query("INSERT INTO login_failures (email, ip, at) VALUES ($1, $2, $3)")
        .bind(email)
        .bind(ip)
        .bind(now)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Failures since `since` for this e-mail address and for this IP address.
pub async fn login_failures(c: &mut Conn, email: &str, ip: &str, since: i64) -> StoreResult<(i64, i64)> {
    let by_email: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at > $2")
        .bind(email)
        .bind(since)
        .fetch_one(&mut *c)
        .await?;
    let by_ip: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE ip = $1 AND at > $2")
        .bind(ip)
        .bind(since)
        .fetch_one(&mut *c)
        .await?;
    Ok((by_email, by_ip))
}

pub async fn clear_login_failures(c: &mut Conn, email: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE email = $1").bind(email).execute(&mut *c).await?;
    Ok(())
}

/// When `ip` was last marked as slowed down, if ever (rows go after a day).
pub async fn address_throttled_at(c: &mut Conn, ip: &str) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT since FROM login_throttles WHERE ip = $1")
        .bind(ip)
        .fetch_optional(&mut *c)
        .await?)
}

/// Marks `ip` as slowed down at `now` unless it was already marked after
/// `window_start`, and audits a new mark (`login.throttled`, system chain).
/// The conditional upsert makes the mark, and so the entry, happen once per
/// window even when many requests race for it. Returns whether it was new.
pub async fn mark_address_throttled(
    c: &mut Conn,
    ip: &str,
    failures: i64,
    now: i64,
    window_start: i64,
) -> StoreResult<bool> {
    let marked = sqlx::query(
        "INSERT INTO login_throttles (ip, since) VALUES ($1, $2) \
         ON CONFLICT (ip) DO UPDATE SET since = excluded.since WHERE login_throttles.since <= $3",
    )
    .bind(ip)
    .bind(now)
    .bind(window_start)
    .execute(&mut *c)
    .await?
    .rows_affected();
    if marked == 0 {
        return Ok(false);
    }
    append_audit(
        c,
        &Actor::system(),
        Change {
            tenant_id: None,
            action: "login.throttled",
            object_type: "address",
            object_id: ip,
            before: None,
            after: Some(serde_json::json!({ "ip": ip, "failures": failures }).to_string()),
        },
    )
    .await?;
    Ok(true)
}

// ---------------------------------------------------------------- API tokens

#[derive(sqlx::FromRow)]
struct ApiTokenRow {
    id: String,
    user_id: String,
    name: String,
    created_at: i64,
    expires_at: Option<i64>,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl From<ApiTokenRow> for ApiToken {
    fn from(r: ApiTokenRow) -> Self {
        ApiToken {
            id: r.id,
            user_id: r.user_id,
            name: r.name,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        }
    }
}

const TOKEN_COLS: &str = "id, user_id, name, created_at, expires_at, last_used_at, revoked_at";

pub async fn insert_api_token(c: &mut Conn, actor: &Actor, id: &str, user_id: &str, name: &str, hash: &str, expires_at: Option<i64>) -> StoreResult<ApiToken> {
    let row: ApiTokenRow = sqlx::query_as(sqlf!(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING {TOKEN_COLS}"
    ))
    .bind(id)
    .bind(user_id)
    .bind(name)
    .bind(hash)
    .bind(crate::now_ms())
    .bind(expires_at)
    .fetch_one(&mut *c)
    .await?;
    let token = ApiToken::from(row);
    append_audit(c, actor, Change {
        tenant_id: None,
        action: "api_token.create",
        object_type: "api_token",
        object_id: id,
        before: None,
        after: json(&token),
    })
    .await?;
    Ok(token)
}

pub async fn api_tokens_of(c: &mut Conn, user_id: &str) -> StoreResult<Vec<ApiToken>> {
    let rows: Vec<ApiTokenRow> = sqlx::query_as(sqlf!(
        "SELECT {TOKEN_COLS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC"
    ))
    .bind(user_id)
    .fetch_all(&mut *c)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn revoke_api_token(c: &mut Conn, actor: &Actor, user_id: &str, id: &str) -> StoreResult<()> {
    let row: ApiTokenRow = sqlx::query_as(sqlf!(
        "SELECT {TOKEN_COLS} FROM api_tokens WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL"
    ))
    .bind(id)
    .bind(user_id)
    .fetch_one(&mut *c)
    .await?;
    let before = ApiToken::from(row);
    let now = crate::now_ms();
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2").bind(now).bind(id).execute(&mut *c).await?;
    let after = ApiToken { revoked_at: Some(now), ..before.clone() };
    append_audit(c, actor, Change {
        tenant_id: None,
        action: "api_token.revoke",
        object_type: "api_token",
        object_id: id,
        before: json(&before),
        after: json(&after),
    })
    .await
}

/// The active user behind a token hash, and marks the token used.
pub async fn api_token_user(c: &mut Conn, hash: &str, now: i64) -> StoreResult<Option<User>> {
    let id: Option<(String, String, Option<i64>)> = sqlx::query_as(
        "SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
    )
    .bind(hash)
    .bind(now)
    .fetch_optional(&mut *c)
    .await?;
    let Some((token_id, user_id, last_used)) = id else { return Ok(None) };
    // Writing on every request would turn reads into writes; a minute's
    // resolution is enough for "last used".
    if last_used.is_none_or(|t| now - t > 60_000) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&token_id)
            .execute(&mut *c)
            .await?;
    }
    Ok(user_by_id(c, &user_id).await?.filter(|u| !u.disabled))
}

// ---------------------------------------------------------------- set-up links

pub async fn insert_setup_link(c: &mut Conn, hash: &str, purpose: SetupPurpose, user_id: Option<&str>, expires_at: i64) -> StoreResult<()> {
    sqlx::query("INSERT INTO setup_links (token_hash, purpose, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(hash)
        .bind(purpose.as_str())
        .bind(user_id)
        .bind(crate::now_ms())
        .bind(expires_at)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// A link that is unused and unexpired, without using it up.
pub async fn peek_setup_link(c: &mut Conn, hash: &str, now: i64) -> StoreResult<Option<SetupLink>> {
    let row: Option<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT purpose, user_id, expires_at FROM setup_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(hash)
    .bind(now)
    .fetch_optional(&mut *c)
    .await?;
    Ok(row.map(|(purpose, user_id, expires_at)| SetupLink {
        purpose: if purpose == "first_admin" { SetupPurpose::FirstAdmin } else { SetupPurpose::SetPassword },
        user_id,
        expires_at,
    }))
}

/// Marks the link used; false if someone else used it first.
pub async fn use_setup_link(c: &mut Conn, hash: &str, now: i64) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE setup_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3")
        .bind(now)
        .bind(hash)
        .bind(now)
        .execute(&mut *c)
        .await?;
    Ok(done.rows_affected() == 1)
}

// ---------------------------------------------------------------- OIDC

pub async fn insert_oidc_login(c: &mut Conn, l: &OidcLogin) -> StoreResult<()> {
    sqlx::query("INSERT INTO oidc_logins (state, pkce_verifier, nonce, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&l.state)
        .bind(&l.pkce_verifier)
        .bind(&l.nonce)
        .bind(l.created_at)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn take_oidc_login(c: &mut Conn, state: &str) -> StoreResult<Option<OidcLogin>> {
    let row: Option<(String, String, String, i64)> =
        sqlx::query_as("SELECT state, pkce_verifier, nonce, created_at FROM oidc_logins WHERE state = $1")
            .bind(state)
            .fetch_optional(&mut *c)
            .await?;
    sqlx::query("DELETE FROM oidc_logins WHERE state = $1").bind(state).execute(&mut *c).await?;
    Ok(row.map(|(state, pkce_verifier, nonce, created_at)| OidcLogin { state, pkce_verifier, nonce, created_at }))
}

pub async fn oidc_user(c: &mut Conn, issuer: &str, subject: &str) -> StoreResult<Option<User>> {
    let id: Option<String> = sqlx::query_scalar("SELECT user_id FROM oidc_identities WHERE issuer = $1 AND subject = $2")
        .bind(issuer)
        .bind(subject)
        .fetch_optional(&mut *c)
        .await?;
    match id {
        Some(id) => user_by_id(c, &id).await,
        None => Ok(None),
    }
}

pub async fn link_oidc(c: &mut Conn, actor: &Actor, issuer: &str, subject: &str, user_id: &str) -> StoreResult<()> {
    sqlx::query("INSERT INTO oidc_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(issuer)
        .bind(subject)
        .bind(user_id)
        .bind(crate::now_ms())
        .execute(&mut *c)
        .await?;
    append_audit(c, actor, Change {
        tenant_id: None,
        action: "user.oidc_link",
        object_type: "user",
        object_id: user_id,
        before: None,
        after: Some(serde_json::json!({ "issuer": issuer, "subject": subject }).to_string()),
    })
    .await
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
