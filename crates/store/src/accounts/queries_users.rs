// Included by lib.rs once per backend, like queries.rs: tenants, users and
// memberships.

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
        return Err(StoreError::Invalid(Refusal::new("refusal-last-admin-role", "the last administrator cannot lose the admin role")));
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
        return Err(StoreError::Invalid(Refusal::new("refusal-last-admin", "the last administrator cannot be removed")));
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

