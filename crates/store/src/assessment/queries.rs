// Assessment queries: compiled twice like queries.rs (and in the same module,
// so `Conn`, `Change`, `append_audit`, `json`, `to_json`, `load_catalog` and
// `sqlf!` are those of the backend). Every statement filters on the tenant id.

use crate::assessment::{
    Action, ActionInput, Answer, AnswerInput, AnswerStatusRow, Assessment, AssessmentKind, AssessmentProfile, Evidence,
    EvidenceKind, NewAction, NewAssessment,
};
use crate::error::ConflictWith;
use etterlev_core::{ActionStatus, AnswerStatus, Maturity, Priority, WizardAnswer};

const ASSESSMENT_COLS: &str =
    "id, catalog_key, title, kind, owner, period_start, period_end, profile, previous_id, closed, created_at, version";
const ANSWER_COLS: &str = "node_id, status, maturity, owner, due_date, comment, na_reason, wizard_answer, needs_review, version, updated_at, updated_by";
const EVIDENCE_COLS: &str =
    "id, assessment_id, node_id, kind, filename, content_type, size, sha256, url, created_at";
const ACTION_COLS: &str = "id, title, description, assessment_id, catalog_key, node_id, owner, deadline, priority, status, created_at, updated_at, version";
/// Rows per multi-row INSERT of answers: 14 columns each.
const ANSWER_CHUNK: usize = 100;

fn parse_text<T>(what: &str, s: &str, parse: fn(&str) -> Option<T>) -> StoreResult<T> {
    parse(s).ok_or_else(|| StoreError::Internal(format!("stored {what} {s:?} is unknown")))
}

fn stale(with: ConflictWith) -> StoreError {
    StoreError::VersionConflict(Box::new(with))
}

/// Ids echoed in messages are shortened: they may come from a file.
fn shown(id: &str) -> String {
    id.chars().take(60).collect()
}

#[derive(sqlx::FromRow)]
struct AssessmentRow {
    id: String,
    catalog_key: String,
    title: String,
    kind: String,
    owner: Option<String>,
    period_start: Option<String>,
    period_end: Option<String>,
    profile: String,
    previous_id: Option<String>,
    closed: bool,
    created_at: i64,
    version: i64,
}

impl AssessmentRow {
    fn into_model(self) -> StoreResult<Assessment> {
        let profile: AssessmentProfile = serde_json::from_str(&self.profile)
            .map_err(|e| StoreError::Internal(format!("stored profile of assessment {} cannot be read: {e}", self.id)))?;
        Ok(Assessment {
            kind: parse_text("assessment kind", &self.kind, AssessmentKind::parse)?,
            profile,
            id: self.id,
            catalog_key: self.catalog_key,
            title: self.title,
            owner: self.owner,
            period_start: self.period_start,
            period_end: self.period_end,
            previous_id: self.previous_id,
            closed: self.closed,
            created_at: self.created_at,
            version: self.version,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AnswerRow {
    node_id: String,
    status: String,
    maturity: Option<i64>,
    owner: Option<String>,
    due_date: Option<String>,
    comment: Option<String>,
    na_reason: Option<String>,
    wizard_answer: Option<String>,
    needs_review: bool,
    version: i64,
    updated_at: i64,
    updated_by: Option<String>,
}

impl AnswerRow {
    fn into_model(self) -> StoreResult<Answer> {
        Ok(Answer {
            status: parse_text("answer status", &self.status, AnswerStatus::parse)?,
            maturity: self
                .maturity
                .map(Maturity::new)
                .transpose()
                .map_err(|e| StoreError::Internal(format!("stored {e}")))?,
            wizard_answer: self
                .wizard_answer
                .as_deref()
                .map(|w| parse_text("wizard answer", w, WizardAnswer::parse))
                .transpose()?,
            node_id: self.node_id,
            owner: self.owner,
            due_date: self.due_date,
            comment: self.comment,
            na_reason: self.na_reason,
            needs_review: self.needs_review,
            version: self.version,
            updated_at: self.updated_at,
            updated_by: self.updated_by,
        })
    }
}

#[derive(sqlx::FromRow)]
struct EvidenceRow {
    id: String,
    assessment_id: String,
    node_id: String,
    kind: String,
    filename: Option<String>,
    content_type: Option<String>,
    size: Option<i64>,
    sha256: Option<String>,
    url: Option<String>,
    created_at: i64,
    valid_until: Option<String>,
}

impl EvidenceRow {
    fn into_model(self) -> StoreResult<Evidence> {
        Ok(Evidence {
            kind: parse_text("evidence kind", &self.kind, EvidenceKind::parse)?,
            id: self.id,
            assessment_id: self.assessment_id,
            node_id: self.node_id,
            filename: self.filename,
            content_type: self.content_type,
            size: self.size,
            sha256: self.sha256,
            url: self.url,
            created_at: self.created_at,
            valid_until: self.valid_until,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ActionRow {
    id: String,
    title: String,
    description: Option<String>,
    assessment_id: Option<String>,
    catalog_key: Option<String>,
    node_id: Option<String>,
    owner: Option<String>,
    deadline: Option<String>,
    priority: String,
    status: String,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

impl ActionRow {
    fn into_model(self) -> StoreResult<Action> {
        Ok(Action {
            priority: parse_text("priority", &self.priority, Priority::parse)?,
            status: parse_text("action status", &self.status, ActionStatus::parse)?,
            id: self.id,
            title: self.title,
            description: self.description,
            assessment_id: self.assessment_id,
            catalog_key: self.catalog_key,
            node_id: self.node_id,
            owner: self.owner,
            deadline: self.deadline,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        })
    }
}

// ---------------------------------------------------------------- checks

fn ensure_open(a: &Assessment) -> StoreResult<()> {
    if a.closed {
        return Err(StoreError::Invalid(Refusal::new("refusal-closed", format!(
            "the assessment \"{}\" is closed and can no longer be changed",
            a.title
        )).arg(&a.title)));
    }
    Ok(())
}

/// Why `node_id` cannot be answered in `catalog_key`, given its kind there.
fn node_problem(catalog_key: &str, node_id: &str, kind: Option<&str>) -> Option<Refusal> {
    use etterlev_catalog::NodeKind;
    match kind {
        None => Some(
            Refusal::new(
                "refusal-not-a-requirement",
                format!("{} is not a requirement of catalogue {catalog_key}", shown(node_id)),
            )
            .arg(shown(node_id))
            .arg(catalog_key),
        ),
        Some(k) if k == NodeKind::Requirement.as_str() || k == NodeKind::Recommendation.as_str() => None,
        Some(k) => Some(
            Refusal::new(
                "refusal-not-answerable",
                format!("{} is a {k} in catalogue {catalog_key}, not a requirement or recommendation", shown(node_id)),
            )
            .arg(shown(node_id))
            .arg(catalog_key),
        ),
    }
}

/// The node must be a requirement or recommendation of the catalogue.
async fn check_node(c: &mut Conn, catalog_key: &str, node_id: &str) -> StoreResult<()> {
    let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM catalog_nodes WHERE catalog_key = $1 AND node_id = $2")
        .bind(catalog_key)
        .bind(node_id)
        .fetch_optional(&mut *c)
        .await?;
    match node_problem(catalog_key, node_id, kind.as_deref()) {
        Some(problem) => Err(StoreError::Invalid(problem)),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------- assessments

pub async fn assessment(c: &mut Conn, tenant_id: &str, id: &str) -> StoreResult<Assessment> {
    let row: Option<AssessmentRow> =
        sqlx::query_as(sqlf!("SELECT {ASSESSMENT_COLS} FROM assessments WHERE tenant_id = $1 AND id = $2"))
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
    row.ok_or(StoreError::NotFound)?.into_model()
}

pub async fn assessments(c: &mut Conn, tenant_id: &str) -> StoreResult<Vec<Assessment>> {
    let rows: Vec<AssessmentRow> = sqlx::query_as(sqlf!(
        "SELECT {ASSESSMENT_COLS} FROM assessments WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC"
    ))
    .bind(tenant_id)
    .fetch_all(&mut *c)
    .await?;
    rows.into_iter().map(AssessmentRow::into_model).collect()
}

pub async fn create_assessment(c: &mut Conn, actor: &Actor, tenant_id: &str, id: &str, new: &NewAssessment) -> StoreResult<Assessment> {
    let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalogs WHERE key = $1")
        .bind(&new.catalog_key)
        .fetch_one(&mut *c)
        .await?;
    if known == 0 {
        return Err(StoreError::Invalid(Refusal::new("refusal-no-catalogue", format!("there is no catalogue {}", shown(&new.catalog_key))).arg(shown(&new.catalog_key))));
    }
    let previous = match &new.start_from {
        Some(prev) => Some(assessment(c, tenant_id, prev).await?),
        None => None,
    };
    if let Some(prev) = &previous
        && prev.catalog_key != new.catalog_key
    {
        let ids: Vec<String> = sqlx::query_scalar("SELECT DISTINCT catalog_id FROM catalogs WHERE key IN ($1, $2)")
            .bind(&prev.catalog_key)
            .bind(&new.catalog_key)
            .fetch_all(&mut *c)
            .await?;
        if ids.len() != 1 {
            return Err(StoreError::Invalid(Refusal::new("refusal-carry", format!(
                "answers can only be carried over between versions of one catalogue, not from {} to {}",
                prev.catalog_key,
                shown(&new.catalog_key)
            )).arg(&prev.catalog_key).arg(shown(&new.catalog_key))));
        }
    }
    let created = Assessment {
        id: id.to_string(),
        catalog_key: new.catalog_key.clone(),
        title: new.title.clone(),
        kind: new.kind,
        owner: new.owner.clone(),
        period_start: new.period_start.clone(),
        period_end: new.period_end.clone(),
        profile: new.profile.clone(),
        previous_id: previous.as_ref().map(|p| p.id.clone()),
        closed: false,
        created_at: crate::now_ms(),
        version: 1,
    };
    sqlx::query(sqlf!(
        "INSERT INTO assessments (tenant_id, {ASSESSMENT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ))
    .bind(tenant_id)
    .bind(&created.id)
    .bind(&created.catalog_key)
    .bind(&created.title)
    .bind(created.kind.as_str())
    .bind(&created.owner)
    .bind(&created.period_start)
    .bind(&created.period_end)
    .bind(to_json("profile", &created.profile)?)
    .bind(&created.previous_id)
    .bind(created.closed)
    .bind(created.created_at)
    .bind(created.version)
    .execute(&mut *c)
    .await?;
    let mut after = serde_json::to_value(&created).unwrap_or_default();
    if let Some(prev) = &previous {
        let carried = carry_over(c, tenant_id, prev, &created).await?;
        if let Some(obj) = after.as_object_mut() {
            obj.insert("answers_copied".into(), carried.0.into());
            obj.insert("answers_flagged_for_review".into(), carried.1.into());
        }
    }
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "assessment.create",
        object_type: "assessment",
        object_id: id,
        before: None,
        after: Some(after.to_string()),
    })
    .await?;
    Ok(created)
}

/// Copies `prev`'s answers into the new assessment; returns how many were
/// copied and how many of those need review.
async fn carry_over(c: &mut Conn, tenant_id: &str, prev: &Assessment, new: &Assessment) -> StoreResult<(usize, usize)> {
    let old = answers_of(c, tenant_id, &prev.id).await?;
    if old.is_empty() {
        return Ok((0, 0));
    }
    let carried = if prev.catalog_key == new.catalog_key {
        old.into_iter().map(|a| Answer { version: 1, ..a }).collect()
    } else {
        let missing = |key: &str| StoreError::Invalid(Refusal::new("refusal-not-stored", format!("catalogue {key} is not stored")).arg(key));
        let from = load_catalog(c, &prev.catalog_key).await?.ok_or_else(|| missing(&prev.catalog_key))?;
        let to = load_catalog(c, &new.catalog_key).await?.ok_or_else(|| missing(&new.catalog_key))?;
        crate::assessment::carry_answers(&from, &to, old)
    };
    upsert_answers(c, tenant_id, &new.id, &carried).await?;
    Ok((carried.len(), carried.iter().filter(|a| a.needs_review).count()))
}

pub async fn close_assessment(c: &mut Conn, actor: &Actor, tenant_id: &str, id: &str, expected: i64) -> StoreResult<Assessment> {
    let before = assessment(c, tenant_id, id).await?;
    if before.version != expected {
        return Err(stale(ConflictWith::Assessment(before)));
    }
    if before.closed {
        return Err(StoreError::Invalid(Refusal::new("refusal-already-closed", format!("the assessment \"{}\" is already closed", before.title)).arg(before.title)));
    }
    let done = sqlx::query(
        "UPDATE assessments SET closed = $1, version = version + 1 WHERE tenant_id = $2 AND id = $3 AND version = $4",
    )
    .bind(true)
    .bind(tenant_id)
    .bind(id)
    .bind(expected)
    .execute(&mut *c)
    .await?;
    let after = assessment(c, tenant_id, id).await?;
    if done.rows_affected() == 0 {
        return Err(stale(ConflictWith::Assessment(after)));
    }
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "assessment.close",
        object_type: "assessment",
        object_id: id,
        before: json(&before),
        after: json(&after),
    })
    .await?;
    Ok(after)
}

// ---------------------------------------------------------------- answers

/// Answers of an assessment known to exist, in the catalogue's order.
async fn answers_of(c: &mut Conn, tenant_id: &str, assessment_id: &str) -> StoreResult<Vec<Answer>> {
    let rows: Vec<AnswerRow> = sqlx::query_as(
        "SELECT ans.node_id, ans.status, ans.maturity, ans.owner, ans.due_date, ans.comment, ans.na_reason, \
                ans.wizard_answer, ans.needs_review, ans.version, ans.updated_at, ans.updated_by \
         FROM answers ans \
         JOIN assessments a ON a.tenant_id = ans.tenant_id AND a.id = ans.assessment_id \
         LEFT JOIN catalog_nodes n ON n.catalog_key = a.catalog_key AND n.node_id = ans.node_id \
         WHERE ans.tenant_id = $1 AND ans.assessment_id = $2 \
         ORDER BY COALESCE(n.position, -1), ans.node_id",
    )
    .bind(tenant_id)
    .bind(assessment_id)
    .fetch_all(&mut *c)
    .await?;
    rows.into_iter().map(AnswerRow::into_model).collect()
}

/// Status and maturity of every answer of several assessments of one tenant,
/// in one query: what a trend over many assessments needs, nothing more.
pub async fn answer_statuses(
    c: &mut Conn,
    tenant_id: &str,
    assessment_ids: &[String],
) -> StoreResult<Vec<AnswerStatusRow>> {
    if assessment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (2..assessment_ids.len() + 2).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT assessment_id, node_id, status, maturity FROM answers \
         WHERE tenant_id = $1 AND assessment_id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, (String, String, String, Option<i64>)>(sqlx::AssertSqlSafe(sql)).bind(tenant_id);
    for id in assessment_ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(&mut *c).await?;
    rows.into_iter()
        .map(|(assessment_id, node_id, status, maturity)| {
            Ok(AnswerStatusRow {
                assessment_id,
                node_id,
                status: parse_text("answer status", &status, AnswerStatus::parse)?,
                maturity: maturity
                    .map(Maturity::new)
                    .transpose()
                    .map_err(|e| StoreError::Internal(format!("stored {e}")))?,
            })
        })
        .collect()
}

pub async fn answers(c: &mut Conn, tenant_id: &str, assessment_id: &str) -> StoreResult<Vec<Answer>> {
    assessment(c, tenant_id, assessment_id).await?;
    answers_of(c, tenant_id, assessment_id).await
}

async fn answer(c: &mut Conn, tenant_id: &str, assessment_id: &str, node_id: &str) -> StoreResult<Option<Answer>> {
    let row: Option<AnswerRow> = sqlx::query_as(sqlf!(
        "SELECT {ANSWER_COLS} FROM answers WHERE tenant_id = $1 AND assessment_id = $2 AND node_id = $3"
    ))
    .bind(tenant_id)
    .bind(assessment_id)
    .bind(node_id)
    .fetch_optional(&mut *c)
    .await?;
    row.map(AnswerRow::into_model).transpose()
}

fn maturity_value(m: Option<Maturity>) -> Option<i64> {
    m.map(|m| i64::from(m.level()))
}

pub async fn save_answer(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    assessment_id: &str,
    node_id: &str,
    input: &AnswerInput,
    expected: i64,
) -> StoreResult<Answer> {
    let a = assessment(c, tenant_id, assessment_id).await?;
    ensure_open(&a)?;
    check_node(c, &a.catalog_key, node_id).await?;
    let before = answer(c, tenant_id, assessment_id, node_id).await?;
    match &before {
        Some(b) if b.version != expected => return Err(stale(ConflictWith::Answer(b.clone()))),
        None if expected != 0 => {
            return Err(StoreError::Invalid(Refusal::new("refusal-no-answer", format!(
                "there is no saved answer for {} to update; reload the page",
                shown(node_id)
            )).arg(shown(node_id))));
        }
        _ => {}
    }
    let now = crate::now_ms();
    let sql = if expected == 0 {
        sqlf!(
            "INSERT INTO answers (status, maturity, owner, due_date, comment, na_reason, wizard_answer, needs_review, updated_at, updated_by, \
                                  tenant_id, assessment_id, node_id, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1) \
             ON CONFLICT (tenant_id, assessment_id, node_id) DO NOTHING RETURNING {ANSWER_COLS}"
        )
    } else {
        sqlf!(
            "UPDATE answers SET status = $1, maturity = $2, owner = $3, due_date = $4, comment = $5, na_reason = $6, \
                    wizard_answer = $7, needs_review = $8, updated_at = $9, updated_by = $10, version = version + 1 \
             WHERE tenant_id = $11 AND assessment_id = $12 AND node_id = $13 AND version = $14 RETURNING {ANSWER_COLS}"
        )
    };
    let row: Option<AnswerRow> = sqlx::query_as(sql)
        .bind(input.status.as_str())
        .bind(maturity_value(input.maturity))
        .bind(&input.owner)
        .bind(&input.due_date)
        .bind(&input.comment)
        .bind(&input.na_reason)
        .bind(input.wizard_answer.map(WizardAnswer::as_str))
        .bind(false)
        .bind(now)
        .bind(&actor.label)
        .bind(tenant_id)
        .bind(assessment_id)
        .bind(node_id)
        .bind(expected)
        .fetch_optional(&mut *c)
        .await?;
    let Some(row) = row else {
        // Someone saved between our read and our write (PostgreSQL; SQLite
        // writers are serialised by BEGIN IMMEDIATE).
        return Err(match answer(c, tenant_id, assessment_id, node_id).await? {
            Some(current) => stale(ConflictWith::Answer(current)),
            None => StoreError::Invalid(Refusal::new("refusal-answer-removed", format!("the answer for {} was removed meanwhile", shown(node_id))).arg(shown(node_id))),
        });
    };
    let after = row.into_model()?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "answer.save",
        object_type: "answer",
        object_id: &format!("{assessment_id}/{node_id}"),
        before: before.as_ref().and_then(json),
        after: json(&after),
    })
    .await?;
    Ok(after)
}

/// Inserts answers, or overwrites existing ones (version + 1), in chunks.
async fn upsert_answers(c: &mut Conn, tenant_id: &str, assessment_id: &str, rows: &[Answer]) -> StoreResult<()> {
    const COLS: usize = 14;
    for chunk in rows.chunks(ANSWER_CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let cols: Vec<String> = (1..=COLS).map(|k| format!("${}", r * COLS + k)).collect();
                format!("({})", cols.join(", "))
            })
            .collect();
        let sql = sqlf!(
            "INSERT INTO answers (tenant_id, assessment_id, {ANSWER_COLS}) VALUES {} \
             ON CONFLICT (tenant_id, assessment_id, node_id) DO UPDATE SET status = excluded.status, \
             maturity = excluded.maturity, owner = excluded.owner, due_date = excluded.due_date, \
             comment = excluded.comment, na_reason = excluded.na_reason, wizard_answer = excluded.wizard_answer, \
             needs_review = excluded.needs_review, version = answers.version + 1, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            values.join(", ")
        );
        let mut q = sqlx::query(sql);
        for a in chunk {
            q = q
                .bind(tenant_id)
                .bind(assessment_id)
                .bind(&a.node_id)
                .bind(a.status.as_str())
                .bind(maturity_value(a.maturity))
                .bind(&a.owner)
                .bind(&a.due_date)
                .bind(&a.comment)
                .bind(&a.na_reason)
                .bind(a.wizard_answer.map(WizardAnswer::as_str))
                .bind(a.needs_review)
                .bind(a.version)
                .bind(a.updated_at)
                .bind(&a.updated_by);
        }
        q.execute(&mut *c).await?;
    }
    Ok(())
}

pub async fn save_answers(c: &mut Conn, actor: &Actor, tenant_id: &str, assessment_id: &str, rows: &[(String, AnswerInput)]) -> StoreResult<usize> {
    let a = assessment(c, tenant_id, assessment_id).await?;
    ensure_open(&a)?;
    let kinds: Vec<(String, String)> = sqlx::query_as("SELECT node_id, kind FROM catalog_nodes WHERE catalog_key = $1")
        .bind(&a.catalog_key)
        .fetch_all(&mut *c)
        .await?;
    let kinds: std::collections::HashMap<String, String> = kinds.into_iter().collect();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (node_id, _) in rows {
        if let Some(p) = node_problem(&a.catalog_key, node_id, kinds.get(node_id).map(String::as_str)) {
            problems.push(p);
        } else if !seen.insert(node_id.as_str()) {
            problems.push(
                Refusal::new("refusal-twice", format!("{} appears more than once", shown(node_id))).arg(shown(node_id)),
            );
        }
    }
    if !problems.is_empty() {
        let more = problems.len().saturating_sub(10);
        problems.truncate(10);
        let listed: Vec<&str> = problems.iter().map(Refusal::english).collect();
        let mut msg = format!("nothing was saved: {}", listed.join("; "));
        if more > 0 {
            msg.push_str(&format!(" (and {more} more)"));
        }
        return Err(StoreError::Invalid(
            Refusal::new(if more > 0 { "refusal-nothing-saved-more" } else { "refusal-nothing-saved" }, msg)
                .arg(more)
                .with_details(problems),
        ));
    }
    if rows.is_empty() {
        return Ok(0);
    }
    let before: Vec<Answer> = answers_of(c, tenant_id, assessment_id)
        .await?
        .into_iter()
        .filter(|b| seen.contains(b.node_id.as_str()))
        .collect();
    let now = crate::now_ms();
    let new: Vec<Answer> = rows
        .iter()
        .map(|(node_id, input)| Answer {
            node_id: node_id.clone(),
            status: input.status,
            maturity: input.maturity,
            owner: input.owner.clone(),
            due_date: input.due_date.clone(),
            comment: input.comment.clone(),
            na_reason: input.na_reason.clone(),
            wizard_answer: input.wizard_answer,
            needs_review: false,
            version: 1,
            updated_at: now,
            updated_by: Some(actor.label.clone()),
        })
        .collect();
    upsert_answers(c, tenant_id, assessment_id, &new).await?;
    let after: Vec<Answer> = answers_of(c, tenant_id, assessment_id)
        .await?
        .into_iter()
        .filter(|b| seen.contains(b.node_id.as_str()))
        .collect();
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "answers.import",
        object_type: "assessment",
        object_id: assessment_id,
        before: json(&before),
        after: json(&after),
    })
    .await?;
    Ok(new.len())
}

// ---------------------------------------------------------------- evidence

/// Stores `ev` (built by the caller, with the file's SHA-256) and, for a
/// file, its bytes unless this tenant already has them.
pub async fn add_evidence(c: &mut Conn, actor: &Actor, tenant_id: &str, ev: &Evidence, bytes: Option<&[u8]>) -> StoreResult<Evidence> {
    let a = assessment(c, tenant_id, &ev.assessment_id).await?;
    ensure_open(&a)?;
    check_node(c, &a.catalog_key, &ev.node_id).await?;
    if let (Some(bytes), Some(sha)) = (bytes, &ev.sha256) {
        sqlx::query(
            "INSERT INTO blobs (tenant_id, sha256, size, bytes, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (tenant_id, sha256) DO NOTHING",
        )
        .bind(tenant_id)
        .bind(sha)
        .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
        .bind(bytes)
        .bind(ev.created_at)
        .execute(&mut *c)
        .await?;
    }
    sqlx::query(sqlf!(
        "INSERT INTO evidence (tenant_id, created_by, {EVIDENCE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(tenant_id)
    .bind(&actor.label)
    .bind(&ev.id)
    .bind(&ev.assessment_id)
    .bind(&ev.node_id)
    .bind(ev.kind.as_str())
    .bind(&ev.filename)
    .bind(&ev.content_type)
    .bind(ev.size)
    .bind(&ev.sha256)
    .bind(&ev.url)
    .bind(ev.created_at)
    .execute(&mut *c)
    .await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "evidence.add",
        object_type: "evidence",
        object_id: &ev.id,
        before: None,
        after: json(ev),
    })
    .await?;
    Ok(ev.clone())
}

pub async fn evidence(c: &mut Conn, tenant_id: &str, assessment_id: &str) -> StoreResult<Vec<Evidence>> {
    assessment(c, tenant_id, assessment_id).await?;
    let rows: Vec<EvidenceRow> = sqlx::query_as(sqlf!(
        "SELECT {EVIDENCE_COLS}, valid_until FROM evidence WHERE tenant_id = $1 AND assessment_id = $2 ORDER BY created_at, id"
    ))
    .bind(tenant_id)
    .bind(assessment_id)
    .fetch_all(&mut *c)
    .await?;
    rows.into_iter().map(EvidenceRow::into_model).collect()
}

async fn evidence_item(c: &mut Conn, tenant_id: &str, id: &str) -> StoreResult<Evidence> {
    let row: Option<EvidenceRow> =
        sqlx::query_as(sqlf!("SELECT {EVIDENCE_COLS}, valid_until FROM evidence WHERE tenant_id = $1 AND id = $2"))
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
    row.ok_or(StoreError::NotFound)?.into_model()
}

pub async fn evidence_blob(c: &mut Conn, tenant_id: &str, id: &str) -> StoreResult<(Evidence, Vec<u8>)> {
    let ev = evidence_item(c, tenant_id, id).await?;
    let Some(sha) = &ev.sha256 else {
        return Err(StoreError::NotFound);
    };
    let bytes: Option<Vec<u8>> = sqlx::query_scalar("SELECT bytes FROM blobs WHERE tenant_id = $1 AND sha256 = $2")
        .bind(tenant_id)
        .bind(sha)
        .fetch_optional(&mut *c)
        .await?;
    Ok((ev, bytes.ok_or(StoreError::NotFound)?))
}

pub async fn delete_evidence(c: &mut Conn, actor: &Actor, tenant_id: &str, id: &str) -> StoreResult<()> {
    let ev = evidence_item(c, tenant_id, id).await?;
    ensure_open(&assessment(c, tenant_id, &ev.assessment_id).await?)?;
    sqlx::query("DELETE FROM evidence WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *c)
        .await?;
    if let Some(sha) = &ev.sha256 {
        sqlx::query(
            "DELETE FROM blobs WHERE tenant_id = $1 AND sha256 = $2 \
             AND NOT EXISTS (SELECT 1 FROM evidence WHERE tenant_id = $3 AND sha256 = $4)",
        )
        .bind(tenant_id)
        .bind(sha)
        .bind(tenant_id)
        .bind(sha)
        .execute(&mut *c)
        .await?;
    }
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "evidence.delete",
        object_type: "evidence",
        object_id: id,
        before: json(&ev),
        after: None,
    })
    .await
}

// ---------------------------------------------------------------- actions

pub async fn action(c: &mut Conn, tenant_id: &str, id: &str) -> StoreResult<Action> {
    let row: Option<ActionRow> = sqlx::query_as(sqlf!("SELECT {ACTION_COLS} FROM actions WHERE tenant_id = $1 AND id = $2"))
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
    row.ok_or(StoreError::NotFound)?.into_model()
}

/// Unsorted: the caller orders by priority rank (one rule, in Rust).
pub async fn actions(c: &mut Conn, tenant_id: &str, assessment_id: Option<&str>) -> StoreResult<Vec<Action>> {
    let rows: Vec<ActionRow> = match assessment_id {
        Some(aid) => {
            assessment(c, tenant_id, aid).await?;
            sqlx::query_as(sqlf!("SELECT {ACTION_COLS} FROM actions WHERE tenant_id = $1 AND assessment_id = $2"))
                .bind(tenant_id)
                .bind(aid)
                .fetch_all(&mut *c)
                .await?
        }
        None => sqlx::query_as(sqlf!("SELECT {ACTION_COLS} FROM actions WHERE tenant_id = $1"))
            .bind(tenant_id)
            .fetch_all(&mut *c)
            .await?,
    };
    rows.into_iter().map(ActionRow::into_model).collect()
}

pub async fn create_action(c: &mut Conn, actor: &Actor, tenant_id: &str, id: &str, new: &NewAction) -> StoreResult<Action> {
    let catalog_key = match &new.assessment_id {
        Some(aid) => {
            let a = assessment(c, tenant_id, aid).await?;
            if let Some(node_id) = &new.node_id {
                check_node(c, &a.catalog_key, node_id).await?;
            }
            Some(a.catalog_key)
        }
        None => None,
    };
    let now = crate::now_ms();
    let created = Action {
        id: id.to_string(),
        title: new.title.clone(),
        description: new.description.clone(),
        assessment_id: new.assessment_id.clone(),
        catalog_key,
        node_id: new.node_id.clone(),
        owner: new.owner.clone(),
        deadline: new.deadline.clone(),
        priority: new.priority,
        status: ActionStatus::Open,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    sqlx::query(sqlf!(
        "INSERT INTO actions (tenant_id, {ACTION_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    ))
    .bind(tenant_id)
    .bind(&created.id)
    .bind(&created.title)
    .bind(&created.description)
    .bind(&created.assessment_id)
    .bind(&created.catalog_key)
    .bind(&created.node_id)
    .bind(&created.owner)
    .bind(&created.deadline)
    .bind(created.priority.as_str())
    .bind(created.status.as_str())
    .bind(created.created_at)
    .bind(created.updated_at)
    .bind(created.version)
    .execute(&mut *c)
    .await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "action.create",
        object_type: "action",
        object_id: id,
        before: None,
        after: json(&created),
    })
    .await?;
    Ok(created)
}

pub async fn update_action(c: &mut Conn, actor: &Actor, tenant_id: &str, id: &str, input: &ActionInput, expected: i64) -> StoreResult<Action> {
    let before = action(c, tenant_id, id).await?;
    if before.version != expected {
        return Err(stale(ConflictWith::Action(before)));
    }
    let row: Option<ActionRow> = sqlx::query_as(sqlf!(
        "UPDATE actions SET title = $1, description = $2, owner = $3, deadline = $4, priority = $5, status = $6, \
                updated_at = $7, version = version + 1 \
         WHERE tenant_id = $8 AND id = $9 AND version = $10 RETURNING {ACTION_COLS}"
    ))
    .bind(&input.title)
    .bind(&input.description)
    .bind(&input.owner)
    .bind(&input.deadline)
    .bind(input.priority.as_str())
    .bind(input.status.as_str())
    .bind(crate::now_ms())
    .bind(tenant_id)
    .bind(id)
    .bind(expected)
    .fetch_optional(&mut *c)
    .await?;
    let Some(row) = row else {
        return Err(stale(ConflictWith::Action(action(c, tenant_id, id).await?)));
    };
    let after = row.into_model()?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "action.update",
        object_type: "action",
        object_id: id,
        before: json(&before),
        after: json(&after),
    })
    .await?;
    Ok(after)
}
