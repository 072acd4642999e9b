// Queries for `work.rs`: compiled twice like queries.rs, in the same module as
// queries_assessment.rs (so `action`, `assessment`, `ActionRow`,
// `ACTION_COLS` and `stale` are those of the backend). Every statement
// filters on the tenant id.

use crate::actions::{ActionChanges, RecentWork, SelectedAction};

/// Reads every selected action first, so a missing one (`NotFound`, also for
/// another tenant's id) or a stale version (conflict) stops the change before
/// anything is written; then writes each altered action with its own
/// `action.update` audit entry. The caller's transaction makes it all or
/// nothing (an error rolls back what was written).
pub async fn update_actions(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    selected: &[SelectedAction],
    changes: &ActionChanges,
) -> StoreResult<Vec<Action>> {
    let mut current = Vec::with_capacity(selected.len());
    for s in selected {
        let a = action(c, tenant_id, &s.id).await?;
        if a.version != s.version {
            return Err(stale(ConflictWith::Action(a)));
        }
        current.push(a);
    }
    let now = crate::now_ms();
    let mut out = Vec::with_capacity(current.len());
    for before in current {
        let wanted = changes.apply(&before);
        if wanted == before {
            out.push(before);
            continue;
        }
        let row: Option<ActionRow> = sqlx::query_as(sqlf!(
            "UPDATE actions SET owner = $1, deadline = $2, priority = $3, status = $4, \
                    updated_at = $5, version = version + 1 \
             WHERE tenant_id = $6 AND id = $7 AND version = $8 RETURNING {ACTION_COLS}"
        ))
        .bind(&wanted.owner)
        .bind(&wanted.deadline)
        .bind(wanted.priority.as_str())
        .bind(wanted.status.as_str())
        .bind(now)
        .bind(tenant_id)
        .bind(&before.id)
        .bind(before.version)
        .fetch_optional(&mut *c)
        .await?;
        let Some(row) = row else {
            // Changed between our read and our write (PostgreSQL; SQLite
            // writers are serialised by BEGIN IMMEDIATE).
            return Err(stale(ConflictWith::Action(action(c, tenant_id, &before.id).await?)));
        };
        let after = row.into_model()?;
        append_audit(c, actor, Change {
            tenant_id: Some(tenant_id),
            action: "action.update",
            object_type: "action",
            object_id: &before.id,
            before: json(&before),
            after: json(&after),
        })
        .await?;
        out.push(after);
    }
    Ok(out)
}

pub async fn recent_work(c: &mut Conn, tenant_id: &str, actor_label: &str) -> StoreResult<Option<RecentWork>> {
    let mine: Option<(String, i64)> = sqlx::query_as(
        "SELECT an.assessment_id, MAX(an.updated_at) AS changed FROM answers an \
         JOIN assessments a ON a.tenant_id = an.tenant_id AND a.id = an.assessment_id \
         WHERE an.tenant_id = $1 AND an.updated_by = $2 AND a.closed = $3 \
         GROUP BY an.assessment_id ORDER BY changed DESC, an.assessment_id DESC LIMIT 1",
    )
    .bind(tenant_id)
    .bind(actor_label)
    .bind(false)
    .fetch_optional(&mut *c)
    .await?;
    let (found, by_me) = match mine {
        Some(m) => (Some(m), true),
        None => {
            let any: Option<(String, i64)> = sqlx::query_as(
                "SELECT a.id, COALESCE(MAX(an.updated_at), a.created_at) AS changed FROM assessments a \
                 LEFT JOIN answers an ON an.tenant_id = a.tenant_id AND an.assessment_id = a.id \
                 WHERE a.tenant_id = $1 AND a.closed = $2 \
                 GROUP BY a.id, a.created_at ORDER BY changed DESC, a.id DESC LIMIT 1",
            )
            .bind(tenant_id)
            .bind(false)
            .fetch_optional(&mut *c)
            .await?;
            (any, false)
        }
    };
    let Some((id, changed_at)) = found else {
        return Ok(None);
    };
    Ok(Some(RecentWork {
        assessment: assessment(c, tenant_id, &id).await?,
        changed_at,
        by_me,
    }))
}
