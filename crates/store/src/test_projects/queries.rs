// Test-project queries: compiled twice like queries.rs (and in the same
// module, so `Conn`, `Change`, `append_audit`, `json`, `sqlf!` and, from
// queries_assessment.rs, `parse_text`, `stale` and `ConflictWith` are those of
// the backend). Every statement filters on the tenant id.

use crate::test_projects::{CheckUpdate, DecisionInput, TestCheck, TestDecision, TestProject, TestProjectInput};
use etterlev_core::test_projects::{CheckAnswer, CheckKey, DataKind, Decision};

const PROJECT_COLS: &str = "id, name, system_name, environment, purpose, owner, supplier, data_kind, delete_by, decision, \
     decision_reason, conditions, review_by, decided_by, decided_at, created_at, updated_at, version";
const CHECK_COLS: &str = "check_key, answer, note, updated_by, updated_at, version";
const DECISION_COLS: &str =
    "seq, decision, reason, conditions, review_by, data_kind, delete_by, checks, decided_by, decided_at";

#[derive(sqlx::FromRow)]
struct TestProjectRow {
    id: String,
    name: String,
    system_name: String,
    environment: Option<String>,
    purpose: Option<String>,
    owner: Option<String>,
    supplier: Option<String>,
    data_kind: String,
    delete_by: Option<String>,
    decision: Option<String>,
    decision_reason: Option<String>,
    conditions: Option<String>,
    review_by: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

impl TestProjectRow {
    fn into_model(self) -> StoreResult<TestProject> {
        Ok(TestProject {
            data_kind: parse_text("data kind", &self.data_kind, DataKind::parse)?,
            decision: self
                .decision
                .as_deref()
                .map(|d| parse_text("decision", d, Decision::parse))
                .transpose()?,
            id: self.id,
            name: self.name,
            system_name: self.system_name,
            environment: self.environment,
            purpose: self.purpose,
            owner: self.owner,
            supplier: self.supplier,
            delete_by: self.delete_by,
            decision_reason: self.decision_reason,
            conditions: self.conditions,
            review_by: self.review_by,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        })
    }
}

#[derive(sqlx::FromRow)]
struct TestCheckRow {
    check_key: String,
    answer: String,
    note: Option<String>,
    updated_by: Option<String>,
    updated_at: i64,
    version: i64,
}

impl TestCheckRow {
    fn into_model(self) -> StoreResult<TestCheck> {
        Ok(TestCheck {
            key: parse_text("check key", &self.check_key, CheckKey::parse)?,
            answer: parse_text("check answer", &self.answer, CheckAnswer::parse)?,
            note: self.note,
            updated_by: self.updated_by,
            updated_at: self.updated_at,
            version: self.version,
        })
    }
}

#[derive(sqlx::FromRow)]
struct TestDecisionRow {
    seq: i64,
    decision: String,
    reason: String,
    conditions: Option<String>,
    review_by: Option<String>,
    data_kind: String,
    delete_by: Option<String>,
    checks: String,
    decided_by: String,
    decided_at: i64,
}

impl TestDecisionRow {
    fn into_model(self) -> StoreResult<TestDecision> {
        let checks: Vec<TestCheck> = serde_json::from_str(&self.checks)
            .map_err(|e| StoreError::Internal(format!("stored checklist of decision {} cannot be read: {e}", self.seq)))?;
        Ok(TestDecision {
            decision: parse_text("decision", &self.decision, Decision::parse)?,
            data_kind: parse_text("data kind", &self.data_kind, DataKind::parse)?,
            checks,
            seq: self.seq,
            reason: self.reason,
            conditions: self.conditions,
            review_by: self.review_by,
            delete_by: self.delete_by,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
        })
    }
}

/// Checklist order (the order of `CheckKey::ALL`), whatever the database returns.
fn in_checklist_order(mut checks: Vec<TestCheck>) -> Vec<TestCheck> {
    checks.sort_by_key(|c| c.key);
    checks
}

// ---------------------------------------------------------------- projects

pub async fn test_project(c: &mut Conn, tenant_id: &str, id: &str) -> StoreResult<TestProject> {
    let row: Option<TestProjectRow> =
        sqlx::query_as(sqlf!("SELECT {PROJECT_COLS} FROM test_projects WHERE tenant_id = $1 AND id = $2"))
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
    row.ok_or(StoreError::NotFound)?.into_model()
}

pub async fn test_projects(c: &mut Conn, tenant_id: &str) -> StoreResult<Vec<TestProject>> {
    let rows: Vec<TestProjectRow> = sqlx::query_as(sqlf!(
        "SELECT {PROJECT_COLS} FROM test_projects WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC"
    ))
    .bind(tenant_id)
    .fetch_all(&mut *c)
    .await?;
    rows.into_iter().map(TestProjectRow::into_model).collect()
}

pub async fn create_test_project(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    id: &str,
    input: &TestProjectInput,
) -> StoreResult<TestProject> {
    let now = crate::now_ms();
    let created = TestProject {
        id: id.to_string(),
        name: input.name.clone(),
        system_name: input.system_name.clone(),
        environment: input.environment.clone(),
        purpose: input.purpose.clone(),
        owner: input.owner.clone(),
        supplier: input.supplier.clone(),
        data_kind: input.data_kind,
        delete_by: input.delete_by.clone(),
        decision: None,
        decision_reason: None,
        conditions: None,
        review_by: None,
        decided_by: None,
        decided_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    sqlx::query(sqlf!(
        "INSERT INTO test_projects (tenant_id, {PROJECT_COLS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
    ))
    .bind(tenant_id)
    .bind(&created.id)
    .bind(&created.name)
    .bind(&created.system_name)
    .bind(&created.environment)
    .bind(&created.purpose)
    .bind(&created.owner)
    .bind(&created.supplier)
    .bind(created.data_kind.as_str())
    .bind(&created.delete_by)
    .bind(None::<String>)
    .bind(None::<String>)
    .bind(None::<String>)
    .bind(None::<String>)
    .bind(None::<String>)
    .bind(None::<i64>)
    .bind(created.created_at)
    .bind(created.updated_at)
    .bind(created.version)
    .execute(&mut *c)
    .await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "test_project.create",
        object_type: "test_project",
        object_id: id,
        before: None,
        after: json(&created),
    })
    .await?;
    Ok(created)
}

pub async fn update_test_project(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    id: &str,
    input: &TestProjectInput,
    expected: i64,
) -> StoreResult<TestProject> {
    let before = test_project(c, tenant_id, id).await?;
    if before.version != expected {
        return Err(stale(ConflictWith::TestProject(before)));
    }
    // A decision was made for one kind of data; it does not carry over.
    let withdraw = before.data_kind != input.data_kind;
    let done = sqlx::query(
        "UPDATE test_projects SET name = $1, system_name = $2, environment = $3, purpose = $4, owner = $5, \
                supplier = $6, data_kind = $7, delete_by = $8, updated_at = $9, version = version + 1 \
         WHERE tenant_id = $10 AND id = $11 AND version = $12",
    )
    .bind(&input.name)
    .bind(&input.system_name)
    .bind(&input.environment)
    .bind(&input.purpose)
    .bind(&input.owner)
    .bind(&input.supplier)
    .bind(input.data_kind.as_str())
    .bind(&input.delete_by)
    .bind(crate::now_ms())
    .bind(tenant_id)
    .bind(id)
    .bind(expected)
    .execute(&mut *c)
    .await?;
    if done.rows_affected() == 0 {
        return Err(stale(ConflictWith::TestProject(
            test_project(c, tenant_id, id).await?,
        )));
    }
    if withdraw {
        sqlx::query(
            "UPDATE test_projects SET decision = NULL, decision_reason = NULL, conditions = NULL, review_by = NULL, \
                    decided_by = NULL, decided_at = NULL WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *c)
        .await?;
    }
    let after = test_project(c, tenant_id, id).await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "test_project.update",
        object_type: "test_project",
        object_id: id,
        before: json(&before),
        after: json(&after),
    })
    .await?;
    Ok(after)
}

// ---------------------------------------------------------------- checks

/// Answers of a project known to exist.
async fn checks_of(c: &mut Conn, tenant_id: &str, project_id: &str) -> StoreResult<Vec<TestCheck>> {
    let rows: Vec<TestCheckRow> = sqlx::query_as(sqlf!(
        "SELECT {CHECK_COLS} FROM test_project_checks WHERE tenant_id = $1 AND project_id = $2"
    ))
    .bind(tenant_id)
    .bind(project_id)
    .fetch_all(&mut *c)
    .await?;
    let checks = rows.into_iter().map(TestCheckRow::into_model).collect::<StoreResult<Vec<_>>>()?;
    Ok(in_checklist_order(checks))
}

pub async fn test_checks(c: &mut Conn, tenant_id: &str, project_id: &str) -> StoreResult<Vec<TestCheck>> {
    test_project(c, tenant_id, project_id).await?;
    checks_of(c, tenant_id, project_id).await
}

pub async fn all_test_checks(
    c: &mut Conn,
    tenant_id: &str,
) -> StoreResult<std::collections::HashMap<String, Vec<TestCheck>>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        project_id: String,
        #[sqlx(flatten)]
        check: TestCheckRow,
    }
    let rows: Vec<Row> = sqlx::query_as(sqlf!(
        "SELECT project_id, {CHECK_COLS} FROM test_project_checks WHERE tenant_id = $1"
    ))
    .bind(tenant_id)
    .fetch_all(&mut *c)
    .await?;
    let mut out: std::collections::HashMap<String, Vec<TestCheck>> = std::collections::HashMap::new();
    for r in rows {
        out.entry(r.project_id).or_default().push(r.check.into_model()?);
    }
    Ok(out
        .into_iter()
        .map(|(k, v)| (k, in_checklist_order(v)))
        .collect())
}

pub async fn save_test_checks(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    project_id: &str,
    updates: &[CheckUpdate],
) -> StoreResult<Vec<TestCheck>> {
    test_project(c, tenant_id, project_id).await?;
    let current = checks_of(c, tenant_id, project_id).await?;
    // Every version first, so a stale item saves nothing at all.
    for u in updates {
        let stored = current.iter().find(|x| x.key == u.key);
        let stored_version = stored.map_or(0, |s| s.version);
        if stored_version != u.expected_version {
            return Err(match stored {
                Some(s) => stale(ConflictWith::TestCheck(s.clone())),
                None => StoreError::Invalid(Refusal::new("refusal-check-stale", format!(
                    "{} has no stored answer; version 0 names a new answer, not {}",
                    u.key, u.expected_version
                )).arg(u.key).arg(u.expected_version)),
            });
        }
    }
    let now = crate::now_ms();
    let mut saved = Vec::new();
    for u in updates {
        let before = current.iter().find(|x| x.key == u.key);
        if before.is_some_and(|b| b.answer == u.input.answer && b.note == u.input.note) {
            continue;
        }
        let sql = if before.is_none() {
            sqlf!(
                "INSERT INTO test_project_checks (answer, note, updated_by, updated_at, tenant_id, project_id, check_key, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 1) \
                 ON CONFLICT (tenant_id, project_id, check_key) DO NOTHING RETURNING {CHECK_COLS}"
            )
        } else {
            sqlf!(
                "UPDATE test_project_checks SET answer = $1, note = $2, updated_by = $3, updated_at = $4, version = version + 1 \
                 WHERE tenant_id = $5 AND project_id = $6 AND check_key = $7 AND version = $8 RETURNING {CHECK_COLS}"
            )
        };
        let mut query = sqlx::query_as::<_, TestCheckRow>(sql)
            .bind(u.input.answer.as_str())
            .bind(&u.input.note)
            .bind(&actor.label)
            .bind(now)
            .bind(tenant_id)
            .bind(project_id)
            .bind(u.key.as_str());
        if before.is_some() {
            query = query.bind(u.expected_version);
        }
        let Some(row) = query.fetch_optional(&mut *c).await? else {
            // Someone saved between our read and our write (PostgreSQL;
            // SQLite writers are serialised by BEGIN IMMEDIATE).
            let now_stored = checks_of(c, tenant_id, project_id).await?.into_iter().find(|x| x.key == u.key);
            return Err(match now_stored {
                Some(s) => stale(ConflictWith::TestCheck(s)),
                None => StoreError::Invalid(Refusal::new("refusal-check-removed", format!("the answer to {} was removed meanwhile", u.key)).arg(u.key)),
            });
        };
        let after = row.into_model()?;
        append_audit(c, actor, Change {
            tenant_id: Some(tenant_id),
            action: "test_check.save",
            object_type: "test_check",
            object_id: &format!("{project_id}/{}", u.key),
            before: before.and_then(json),
            after: json(&after),
        })
        .await?;
        saved.push(after);
    }
    Ok(saved)
}

// ---------------------------------------------------------------- decisions

pub async fn decide_test_project(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    id: &str,
    input: &DecisionInput,
    expected: i64,
) -> StoreResult<TestProject> {
    let before = test_project(c, tenant_id, id).await?;
    if before.version != expected {
        return Err(stale(ConflictWith::TestProject(before)));
    }
    let checks = checks_of(c, tenant_id, id).await?;
    let missing = before.missing_for(&checks, input.decision);
    if !missing.is_empty() {
        return Err(StoreError::ChecklistIncomplete(missing));
    }
    let now = crate::now_ms();
    let row: Option<TestProjectRow> = sqlx::query_as(sqlf!(
        "UPDATE test_projects SET decision = $1, decision_reason = $2, conditions = $3, review_by = $4, \
                decided_by = $5, decided_at = $6, updated_at = $7, version = version + 1 \
         WHERE tenant_id = $8 AND id = $9 AND version = $10 RETURNING {PROJECT_COLS}"
    ))
    .bind(input.decision.as_str())
    .bind(&input.reason)
    .bind(&input.conditions)
    .bind(&input.review_by)
    .bind(&actor.label)
    .bind(now)
    .bind(now)
    .bind(tenant_id)
    .bind(id)
    .bind(expected)
    .fetch_optional(&mut *c)
    .await?;
    let Some(row) = row else {
        return Err(stale(ConflictWith::TestProject(
            test_project(c, tenant_id, id).await?,
        )));
    };
    let after = row.into_model()?;
    let seq: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM test_project_decisions WHERE tenant_id = $1 AND project_id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_one(&mut *c)
    .await?;
    let snapshot = serde_json::to_string(&checks)
        .map_err(|e| StoreError::Internal(format!("the checklist cannot be stored: {e}")))?;
    sqlx::query(sqlf!(
        "INSERT INTO test_project_decisions (tenant_id, project_id, {DECISION_COLS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(tenant_id)
    .bind(id)
    .bind(seq)
    .bind(input.decision.as_str())
    .bind(&input.reason)
    .bind(&input.conditions)
    .bind(&input.review_by)
    .bind(after.data_kind.as_str())
    .bind(&after.delete_by)
    .bind(&snapshot)
    .bind(&actor.label)
    .bind(now)
    .execute(&mut *c)
    .await?;
    let mut after_json = serde_json::to_value(&after).unwrap_or_default();
    if let Some(obj) = after_json.as_object_mut() {
        obj.insert("decision_seq".into(), seq.into());
        obj.insert("checks".into(), serde_json::to_value(&checks).unwrap_or_default());
    }
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: if seq == 1 {
            "test_project.decide"
        } else {
            "test_project.revise_decision"
        },
        object_type: "test_project",
        object_id: id,
        before: json(&before),
        after: Some(after_json.to_string()),
    })
    .await?;
    Ok(after)
}

pub async fn test_decisions(c: &mut Conn, tenant_id: &str, project_id: &str) -> StoreResult<Vec<TestDecision>> {
    test_project(c, tenant_id, project_id).await?;
    let rows: Vec<TestDecisionRow> = sqlx::query_as(sqlf!(
        "SELECT {DECISION_COLS} FROM test_project_decisions WHERE tenant_id = $1 AND project_id = $2 ORDER BY seq DESC"
    ))
    .bind(tenant_id)
    .bind(project_id)
    .fetch_all(&mut *c)
    .await?;
    rows.into_iter().map(TestDecisionRow::into_model).collect()
}
