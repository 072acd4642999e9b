// Reminder queries: compiled twice like queries.rs (and in the same module,
// so `Conn`, `Change`, `append_audit`, `json`, `sqlf!`, `UserRow` and
// `USER_COLS` are those of the backend).

use crate::reminders::{DigestRecipient, DueItem, DueKind};

pub async fn due_items(c: &mut Conn, tenant_id: &str, until: &str) -> StoreResult<Vec<DueItem>> {
    let mut out = Vec::new();
    let actions: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, title, deadline FROM actions WHERE tenant_id = $1 AND deadline IS NOT NULL AND deadline <= $2 \
         AND status IN ('open', 'in_progress')",
    )
    .bind(tenant_id)
    .bind(until)
    .fetch_all(&mut *c)
    .await?;
    out.extend(actions.into_iter().map(|(id, title, date)| DueItem {
        tenant_id: tenant_id.to_string(),
        kind: DueKind::Action,
        id,
        title,
        date,
        assessment_id: None,
        node_id: None,
    }));
    let measures: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, title, review_by FROM measures WHERE tenant_id = $1 AND review_by IS NOT NULL AND review_by <= $2 \
         AND status <> 'retired'",
    )
    .bind(tenant_id)
    .bind(until)
    .fetch_all(&mut *c)
    .await?;
    out.extend(measures.into_iter().map(|(id, title, date)| DueItem {
        tenant_id: tenant_id.to_string(),
        kind: DueKind::Measure,
        id,
        title,
        date,
        assessment_id: None,
        node_id: None,
    }));
    /// id, filename, url, valid_until, assessment_id, node_id
    type EvidenceDue = (String, Option<String>, Option<String>, String, String, String);
    let evidence: Vec<EvidenceDue> = sqlx::query_as(
        "SELECT id, filename, url, valid_until, assessment_id, node_id FROM evidence \
         WHERE tenant_id = $1 AND valid_until IS NOT NULL AND valid_until <= $2",
    )
    .bind(tenant_id)
    .bind(until)
    .fetch_all(&mut *c)
    .await?;
    out.extend(evidence.into_iter().map(|(id, name, url, date, a, n)| DueItem {
        tenant_id: tenant_id.to_string(),
        kind: DueKind::Evidence,
        title: name.or(url).unwrap_or_else(|| id.clone()),
        id,
        date,
        assessment_id: Some(a),
        node_id: Some(n),
    }));
    out.sort_by(|a, b| (&a.date, a.kind.as_str(), &a.title).cmp(&(&b.date, b.kind.as_str(), &b.title)));
    Ok(out)
}

pub async fn set_evidence_valid_until(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    assessment_id: &str,
    evidence_id: &str,
    valid_until: Option<&str>,
) -> StoreResult<()> {
    let before: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT valid_until FROM evidence WHERE tenant_id = $1 AND assessment_id = $2 AND id = $3",
    )
    .bind(tenant_id)
    .bind(assessment_id)
    .bind(evidence_id)
    .fetch_optional(&mut *c)
    .await?;
    let (before,) = before.ok_or(StoreError::NotFound)?;
    if before.as_deref() == valid_until {
        return Ok(());
    }
    sqlx::query("UPDATE evidence SET valid_until = $1 WHERE tenant_id = $2 AND assessment_id = $3 AND id = $4")
        .bind(valid_until)
        .bind(tenant_id)
        .bind(assessment_id)
        .bind(evidence_id)
        .execute(&mut *c)
        .await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "evidence.valid_until",
        object_type: "evidence",
        object_id: evidence_id,
        before: json(&serde_json::json!({ "valid_until": before })),
        after: json(&serde_json::json!({ "valid_until": valid_until })),
    })
    .await?;
    Ok(())
}

pub async fn mark_expired(c: &mut Conn, actor: &Actor, today: &str) -> StoreResult<usize> {
    let candidates: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT tenant_id, 'measure', id, review_by FROM measures WHERE review_by IS NOT NULL AND review_by < $1 \
           AND status <> 'retired' \
         UNION ALL \
         SELECT tenant_id, 'evidence', id, valid_until FROM evidence WHERE valid_until IS NOT NULL AND valid_until < $1",
    )
    .bind(today)
    .fetch_all(&mut *c)
    .await?;
    let now = crate::now_ms();
    let mut marked = 0;
    for (tenant_id, kind, id, due) in candidates {
        let done = sqlx::query(
            "INSERT INTO expiry_marks (tenant_id, object_type, object_id, due, marked_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (tenant_id, object_type, object_id, due) DO NOTHING",
        )
        .bind(&tenant_id)
        .bind(&kind)
        .bind(&id)
        .bind(&due)
        .bind(now)
        .execute(&mut *c)
        .await?;
        if done.rows_affected() == 0 {
            continue;
        }
        marked += 1;
        append_audit(c, actor, Change {
            tenant_id: Some(&tenant_id),
            action: if kind == "measure" { "measure.review_passed" } else { "evidence.expired" },
            object_type: &kind,
            object_id: &id,
            before: None,
            after: json(&serde_json::json!({ "due": due })),
        })
        .await?;
    }
    Ok(marked)
}

pub async fn expiry_marks(c: &mut Conn, tenant_id: &str) -> StoreResult<Vec<(String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT object_type, object_id, due FROM expiry_marks WHERE tenant_id = $1 ORDER BY due, object_type, object_id",
    )
    .bind(tenant_id)
    .fetch_all(&mut *c)
    .await?)
}

pub async fn digest_recipients(c: &mut Conn) -> StoreResult<Vec<DigestRecipient>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        tenant_id: String,
        tenant_name: String,
    }
    let rows: Vec<Row> = sqlx::query_as(sqlf!(
        "SELECT {USER_COLS_U}, m.tenant_id AS tenant_id, t.name AS tenant_name FROM memberships m \
         JOIN users u ON u.id = m.user_id JOIN tenants t ON t.id = m.tenant_id \
         WHERE m.role IN ('admin', 'editor') AND u.disabled = FALSE ORDER BY u.email, t.name",
        USER_COLS_U = USER_COLS.split(", ").map(|col| format!("u.{col}")).collect::<Vec<_>>().join(", ")
    ))
    .fetch_all(&mut *c)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DigestRecipient {
            user: r.user.into(),
            tenant_id: r.tenant_id,
            tenant_name: r.tenant_name,
        })
        .collect())
}

pub async fn claim_digest(c: &mut Conn, user_id: &str, day: &str, items: usize) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO reminder_digests (user_id, day, sent_at, items) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, day) DO NOTHING",
    )
    .bind(user_id)
    .bind(day)
    .bind(crate::now_ms())
    .bind(i64::try_from(items).unwrap_or(i64::MAX))
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn release_digest(c: &mut Conn, user_id: &str, day: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM reminder_digests WHERE user_id = $1 AND day = $2")
        .bind(user_id)
        .bind(day)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn set_calendar_token(c: &mut Conn, actor: &Actor, user_id: &str, token_hash: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM calendar_tokens WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *c)
        .await?;
    sqlx::query("INSERT INTO calendar_tokens (token_hash, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(token_hash)
        .bind(user_id)
        .bind(crate::now_ms())
        .execute(&mut *c)
        .await?;
    append_audit(c, actor, Change {
        tenant_id: None,
        action: "calendar.create",
        object_type: "user",
        object_id: user_id,
        before: None,
        after: None,
    })
    .await
}

pub async fn revoke_calendar_tokens(c: &mut Conn, actor: &Actor, user_id: &str) -> StoreResult<()> {
    let done = sqlx::query("DELETE FROM calendar_tokens WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *c)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(());
    }
    append_audit(c, actor, Change {
        tenant_id: None,
        action: "calendar.revoke",
        object_type: "user",
        object_id: user_id,
        before: None,
        after: None,
    })
    .await
}

pub async fn has_calendar_token(c: &mut Conn, user_id: &str) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM calendar_tokens WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(&mut *c)
        .await?;
    Ok(n > 0)
}

pub async fn user_by_calendar_token(c: &mut Conn, token_hash: &str) -> StoreResult<Option<User>> {
    let row: Option<UserRow> = sqlx::query_as(sqlf!(
        "SELECT {cols} FROM users u JOIN calendar_tokens k ON k.user_id = u.id WHERE k.token_hash = $1 AND u.disabled = FALSE",
        cols = USER_COLS.split(", ").map(|col| format!("u.{col}")).collect::<Vec<_>>().join(", ")
    ))
    .bind(token_hash)
    .fetch_optional(&mut *c)
    .await?;
    Ok(row.map(Into::into))
}
