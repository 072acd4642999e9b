// Included by lib.rs once per backend, like queries.rs: sessions, sign-in
// throttling, API tokens, set-up links and OpenID Connect logins.

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

