// Secretariat queries: compiled twice like queries.rs (same module, so
// `Conn`, `Change`, `append_audit`, `json`, `sqlf!` and `parse_text` are those
// of the backend). Audit entries go to the system chain (tenant_id None).

use crate::secretariat::{
    Consultation, ConsultationComment, PlanItem,
    Attendance, AttendanceInput, Case, CaseComment, CaseInput, TenantTally, Document, DocumentInput, Followup,
    Meeting, Organisation, Seat, SeatInput, StatusChange,
};
use etterlev_core::secretariat::{
    AttendanceStatus, CaseKind, CaseNumber, DocumentKind, DocumentStatus, MemberRole, PlanStatus, covers,
};

type HistoryRow = (i64, Option<String>, String, Option<i64>, Option<i64>, Option<String>, i64, String);
type AttendanceRow = (String, String, Option<String>, String, Option<String>);
type FollowupRow = (String, String, Option<String>, String, Option<String>, Option<String>, String);

async fn sec_audit(
    c: &mut Conn,
    actor: &Actor,
    action: &str,
    object_type: &str,
    object_id: &str,
    before: Option<String>,
    after: Option<String>,
) -> StoreResult<()> {
    append_audit(
        c,
        actor,
        Change {
            tenant_id: None,
            action,
            object_type,
            object_id,
            before,
            after,
        },
    )
    .await
}

// ------------------------------------------------------------ organisations

pub async fn sec_organisations(c: &mut Conn) -> StoreResult<Vec<Organisation>> {
    let rows: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT id, name, short_name FROM sec_organisations ORDER BY name")
            .fetch_all(&mut *c)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, short_name)| Organisation { id, name, short_name })
        .collect())
}

pub async fn sec_create_organisation(c: &mut Conn, actor: &Actor, org: &Organisation) -> StoreResult<()> {
    sqlx::query("INSERT INTO sec_organisations (id, name, short_name, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&org.id)
        .bind(&org.name)
        .bind(&org.short_name)
        .bind(crate::now_ms())
        .execute(&mut *c)
        .await?;
    sec_audit(c, actor, "sec_organisation.create", "sec_organisation", &org.id, None, json(org)).await
}

const SEAT_SELECT: &str = "SELECT m.id, m.organisation_id, o.name, m.role, m.valid_from, m.valid_to, \
     m.representative, m.deputy FROM sec_memberships m JOIN sec_organisations o ON o.id = m.organisation_id";

type SeatRow = (String, String, String, String, String, Option<String>, Option<String>, Option<String>);

fn seat(r: SeatRow) -> StoreResult<Seat> {
    Ok(Seat {
        id: r.0,
        organisation_id: r.1,
        organisation_name: r.2,
        role: parse_text("seat role", &r.3, MemberRole::parse)?,
        valid_from: r.4,
        valid_to: r.5,
        representative: r.6,
        deputy: r.7,
    })
}

pub async fn sec_seats(c: &mut Conn) -> StoreResult<Vec<Seat>> {
    let rows: Vec<SeatRow> = sqlx::query_as(sqlf!("{SEAT_SELECT} ORDER BY o.name, m.valid_from"))
        .fetch_all(&mut *c)
        .await?;
    rows.into_iter().map(seat).collect()
}

pub async fn sec_add_seat(c: &mut Conn, actor: &Actor, id: &str, i: &SeatInput) -> StoreResult<Seat> {
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM sec_organisations WHERE id = $1")
        .bind(&i.organisation_id)
        .fetch_optional(&mut *c)
        .await?;
    if exists.is_none() {
        return Err(StoreError::Invalid(Refusal::new("refusal-organisation", "unknown organisation")));
    }
    sqlx::query(
        "INSERT INTO sec_memberships (id, organisation_id, role, valid_from, valid_to, representative, deputy, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(&i.organisation_id)
    .bind(i.role.as_str())
    .bind(&i.valid_from)
    .bind(&i.valid_to)
    .bind(&i.representative)
    .bind(&i.deputy)
    .bind(crate::now_ms())
    .execute(&mut *c)
    .await?;
    let row: SeatRow = sqlx::query_as(sqlf!("{SEAT_SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_one(&mut *c)
        .await?;
    let s = seat(row)?;
    sec_audit(c, actor, "sec_seat.create", "sec_seat", id, None, json(&s)).await?;
    Ok(s)
}

/// Ends a seat on `valid_to` (inclusive). Refused when the seat starts later,
/// or when the organisation's recorded attendance at a later meeting would
/// lose the seat it rests on.
pub async fn sec_end_seat(c: &mut Conn, actor: &Actor, id: &str, valid_to: &str) -> StoreResult<Seat> {
    let row: SeatRow = sqlx::query_as(sqlf!("{SEAT_SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let before = seat(row)?;
    if valid_to < before.valid_from.as_str() {
        return Err(StoreError::Invalid(Refusal::new("refusal-seat-end", "a seat cannot end before it starts")));
    }
    sqlx::query("UPDATE sec_memberships SET valid_to = $1 WHERE id = $2")
        .bind(valid_to)
        .bind(id)
        .execute(&mut *c)
        .await?;
    let orphaned: Option<String> = sqlx::query_scalar(
        "SELECT m.meeting_date FROM sec_attendance a JOIN sec_meetings m ON m.id = a.meeting_id \
         WHERE a.organisation_id = $1 AND NOT EXISTS (SELECT 1 FROM sec_memberships s \
             WHERE s.organisation_id = a.organisation_id AND s.valid_from <= m.meeting_date \
             AND (s.valid_to IS NULL OR s.valid_to >= m.meeting_date)) \
         ORDER BY m.meeting_date LIMIT 1",
    )
    .bind(&before.organisation_id)
    .fetch_optional(&mut *c)
    .await?;
    if let Some(day) = orphaned {
        return Err(StoreError::Invalid(Refusal::new("refusal-seat-attended", format!(
            "the organisation attended the meeting of {day} on this seat; end it on that day or later"
        )).arg(day)));
    }
    let row: SeatRow = sqlx::query_as(sqlf!("{SEAT_SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_one(&mut *c)
        .await?;
    let after = seat(row)?;
    sec_audit(c, actor, "sec_seat.end", "sec_seat", id, json(&before), json(&after)).await?;
    Ok(after)
}

// ---------------------------------------------------------------- documents

const DOC_COLS: &str = "id, kind, number, title, doc_version, status, owner, working_group, catalog_key, \
     published_on, next_revision, updated_at, version";

#[derive(sqlx::FromRow)]
struct DocRow {
    id: String,
    kind: String,
    number: Option<String>,
    title: String,
    doc_version: Option<String>,
    status: String,
    owner: Option<String>,
    working_group: Option<String>,
    catalog_key: Option<String>,
    published_on: Option<String>,
    next_revision: Option<String>,
    updated_at: i64,
    version: i64,
}

impl DocRow {
    fn into_model(self) -> StoreResult<Document> {
        Ok(Document {
            kind: parse_text("document kind", &self.kind, DocumentKind::parse)?,
            status: parse_text("document status", &self.status, DocumentStatus::parse)?,
            id: self.id,
            number: self.number,
            title: self.title,
            doc_version: self.doc_version,
            owner: self.owner,
            working_group: self.working_group,
            catalog_key: self.catalog_key,
            published_on: self.published_on,
            next_revision: self.next_revision,
            updated_at: self.updated_at,
            version: self.version,
        })
    }
}

pub async fn sec_documents(c: &mut Conn) -> StoreResult<Vec<Document>> {
    let rows: Vec<DocRow> = sqlx::query_as(sqlf!(
        "SELECT {DOC_COLS} FROM sec_documents ORDER BY kind, LENGTH(COALESCE(number, '')), number, title"
    ))
    .fetch_all(&mut *c)
    .await?;
    rows.into_iter().map(DocRow::into_model).collect()
}

pub async fn sec_document(c: &mut Conn, id: &str) -> StoreResult<Document> {
    let row: DocRow = sqlx::query_as(sqlf!("SELECT {DOC_COLS} FROM sec_documents WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        .ok_or(StoreError::NotFound)?;
    row.into_model()
}

async fn require_catalog(c: &mut Conn, key: Option<&str>) -> StoreResult<()> {
    let Some(key) = key else { return Ok(()) };
    let found: Option<String> = sqlx::query_scalar("SELECT key FROM catalogs WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *c)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::Invalid(Refusal::new("refusal-no-version", format!("no catalogue version {key}")).arg(key))),
    }
}

fn duplicate_number(i: &DocumentInput) -> StoreError {
    StoreError::Conflict(format!(
        "a {} numbered {} exists already",
        i.kind.as_str(),
        i.number.as_deref().unwrap_or("")
    ))
}

pub async fn sec_create_document(c: &mut Conn, actor: &Actor, id: &str, i: &DocumentInput) -> StoreResult<Document> {
    require_catalog(c, i.catalog_key.as_deref()).await?;
    let now = crate::now_ms();
    let inserted = sqlx::query(sqlf!(
        "INSERT INTO sec_documents ({DOC_COLS}, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $12)"
    ))
    .bind(id)
    .bind(i.kind.as_str())
    .bind(&i.number)
    .bind(&i.title)
    .bind(&i.doc_version)
    .bind(i.status.as_str())
    .bind(&i.owner)
    .bind(&i.working_group)
    .bind(&i.catalog_key)
    .bind(&i.published_on)
    .bind(&i.next_revision)
    .bind(now)
    .execute(&mut *c)
    .await;
    match inserted.map_err(StoreError::from) {
        Err(StoreError::Conflict(_)) => return Err(duplicate_number(i)),
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    add_history(c, actor, id, None, i.status, None, Some("created")).await?;
    let doc = sec_document(c, id).await?;
    sec_audit(c, actor, "sec_document.create", "sec_document", id, None, json(&doc)).await?;
    Ok(doc)
}

/// Changes a document's facts, and its status without a steering-group case
/// (e.g. draft → working group → public consultation); a status change goes
/// into its history with `note`. `expected_version` is the version the user
/// saw: a stale one changes nothing.
pub async fn sec_update_document(
    c: &mut Conn,
    actor: &Actor,
    id: &str,
    i: &DocumentInput,
    expected_version: i64,
    note: Option<&str>,
) -> StoreResult<Document> {
    let before = sec_document(c, id).await?;
    if before.version != expected_version {
        return Err(StoreError::VersionConflict(Box::new(
            crate::error::ConflictWith::SecDocument(before),
        )));
    }
    require_catalog(c, i.catalog_key.as_deref()).await?;
    let updated = sqlx::query(
        "UPDATE sec_documents SET kind = $1, number = $2, title = $3, doc_version = $4, status = $5, owner = $6, \
         working_group = $7, catalog_key = $8, published_on = $9, next_revision = $10, updated_at = $11, \
         version = version + 1 WHERE id = $12 AND version = $13",
    )
    .bind(i.kind.as_str())
    .bind(&i.number)
    .bind(&i.title)
    .bind(&i.doc_version)
    .bind(i.status.as_str())
    .bind(&i.owner)
    .bind(&i.working_group)
    .bind(&i.catalog_key)
    .bind(&i.published_on)
    .bind(&i.next_revision)
    .bind(crate::now_ms())
    .bind(id)
    .bind(expected_version)
    .execute(&mut *c)
    .await;
    match updated.map_err(StoreError::from) {
        Err(StoreError::Conflict(_)) => return Err(duplicate_number(i)),
        Err(e) => return Err(e),
        Ok(r) if r.rows_affected() == 0 => {
            let now = sec_document(c, id).await?;
            return Err(StoreError::VersionConflict(Box::new(
                crate::error::ConflictWith::SecDocument(now),
            )));
        }
        Ok(_) => {}
    }
    if before.status != i.status {
        add_history(c, actor, id, Some(before.status), i.status, None, note).await?;
    }
    let doc = sec_document(c, id).await?;
    sec_audit(c, actor, "sec_document.update", "sec_document", id, json(&before), json(&doc)).await?;
    Ok(doc)
}

async fn add_history(
    c: &mut Conn,
    actor: &Actor,
    document_id: &str,
    from: Option<DocumentStatus>,
    to: DocumentStatus,
    case_id: Option<&str>,
    note: Option<&str>,
) -> StoreResult<()> {
    let seq: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM sec_document_history WHERE document_id = $1")
        .bind(document_id)
        .fetch_one(&mut *c)
        .await?;
    sqlx::query(
        "INSERT INTO sec_document_history (document_id, seq, from_status, to_status, case_id, note, at, by_label) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(document_id)
    .bind(seq.unwrap_or(0) + 1)
    .bind(from.map(|s| s.as_str()))
    .bind(to.as_str())
    .bind(case_id)
    .bind(note)
    .bind(crate::now_ms())
    .bind(&actor.label)
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn sec_document_history(c: &mut Conn, id: &str) -> StoreResult<Vec<StatusChange>> {
    sec_document(c, id).await?;
    let rows: Vec<HistoryRow> =
        sqlx::query_as(
            "SELECT h.seq, h.from_status, h.to_status, k.case_year, k.case_number, h.note, h.at, h.by_label \
             FROM sec_document_history h LEFT JOIN sec_cases k ON k.id = h.case_id \
             WHERE h.document_id = $1 ORDER BY h.seq",
        )
        .bind(id)
        .fetch_all(&mut *c)
        .await?;
    rows.into_iter()
        .map(|(seq, from, to, year, number, note, at, by)| {
            Ok(StatusChange {
                seq,
                from_status: from
                    .as_deref()
                    .map(|s| parse_text("document status", s, DocumentStatus::parse))
                    .transpose()?,
                to_status: parse_text("document status", &to, DocumentStatus::parse)?,
                case_number: year.zip(number).and_then(|(y, n)| case_number(y, n).ok()).map(|n| n.to_string()),
                note,
                at,
                by,
            })
        })
        .collect()
}

// ------------------------------------------------------------- action plan

type PlanRow = (String, i64, String, String, String, Option<String>, Option<String>, Option<String>);

pub async fn sec_plan_items(c: &mut Conn, year: i64) -> StoreResult<Vec<PlanItem>> {
    let rows: Vec<PlanRow> = sqlx::query_as(
        "SELECT id, plan_year, strategy_point, title, status, owner, document_id, case_id FROM sec_plan_items \
         WHERE plan_year = $1 ORDER BY strategy_point, created_at, id",
    )
    .bind(year)
    .fetch_all(&mut *c)
    .await?;
    rows.into_iter()
        .map(|(id, plan_year, strategy_point, title, status, owner, document_id, case_id)| {
            Ok(PlanItem {
                id,
                plan_year,
                strategy_point,
                title,
                status: parse_text("plan status", &status, PlanStatus::parse)?,
                owner,
                document_id,
                case_id,
            })
        })
        .collect()
}

pub async fn sec_add_plan_item(c: &mut Conn, actor: &Actor, item: &PlanItem) -> StoreResult<()> {
    if let Some(doc) = &item.document_id {
        sec_document(c, doc).await.map_err(|_| StoreError::Invalid(Refusal::new("refusal-item-document", "the item names a document that does not exist")))?;
    }
    if let Some(case) = &item.case_id {
        sec_case(c, case).await.map_err(|_| StoreError::Invalid(Refusal::new("refusal-item-case", "the item names a case that does not exist")))?;
    }
    sqlx::query(
        "INSERT INTO sec_plan_items (id, plan_year, strategy_point, title, status, owner, document_id, case_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&item.id)
    .bind(item.plan_year)
    .bind(&item.strategy_point)
    .bind(&item.title)
    .bind(item.status.as_str())
    .bind(&item.owner)
    .bind(&item.document_id)
    .bind(&item.case_id)
    .bind(crate::now_ms())
    .execute(&mut *c)
    .await?;
    sec_audit(c, actor, "sec_plan_item.create", "sec_plan_item", &item.id, None, json(item)).await
}

pub async fn sec_set_plan_status(c: &mut Conn, actor: &Actor, id: &str, status: PlanStatus) -> StoreResult<()> {
    set_status(c, actor, "sec_plan_items", "sec_plan_item", id, status).await
}

// ------------------------------------------------------------ consultations

pub async fn sec_consultations(c: &mut Conn, document_id: &str) -> StoreResult<Vec<Consultation>> {
    sec_document(c, document_id).await?;
    let rounds: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, opens, closes FROM sec_consultations WHERE document_id = $1 ORDER BY opens DESC, id",
    )
    .bind(document_id)
    .fetch_all(&mut *c)
    .await?;
    let comments: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT k.consultation_id, k.id, k.organisation, k.received_on, k.summary FROM sec_consultation_comments k \
         JOIN sec_consultations s ON s.id = k.consultation_id WHERE s.document_id = $1 ORDER BY k.received_on, k.id",
    )
    .bind(document_id)
    .fetch_all(&mut *c)
    .await?;
    Ok(rounds
        .into_iter()
        .map(|(id, opens, closes)| Consultation {
            comments: comments
                .iter()
                .filter(|k| k.0 == id)
                .map(|k| ConsultationComment {
                    id: k.1.clone(),
                    organisation: k.2.clone(),
                    received_on: k.3.clone(),
                    summary: k.4.clone(),
                })
                .collect(),
            id,
            document_id: document_id.to_string(),
            opens,
            closes,
        })
        .collect())
}

pub async fn sec_add_consultation(
    c: &mut Conn,
    actor: &Actor,
    id: &str,
    document_id: &str,
    opens: &str,
    closes: &str,
) -> StoreResult<Consultation> {
    sec_document(c, document_id).await?;
    sqlx::query("INSERT INTO sec_consultations (id, document_id, opens, closes, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(document_id)
        .bind(opens)
        .bind(closes)
        .bind(crate::now_ms())
        .execute(&mut *c)
        .await?;
    let created = Consultation {
        id: id.to_string(),
        document_id: document_id.to_string(),
        opens: opens.to_string(),
        closes: closes.to_string(),
        comments: Vec::new(),
    };
    sec_audit(c, actor, "sec_consultation.create", "sec_document", document_id, None, json(&created)).await?;
    Ok(created)
}

pub async fn sec_add_consultation_comment(
    c: &mut Conn,
    actor: &Actor,
    consultation_id: &str,
    comment: &ConsultationComment,
) -> StoreResult<()> {
    let doc: Option<String> = sqlx::query_scalar("SELECT document_id FROM sec_consultations WHERE id = $1")
        .bind(consultation_id)
        .fetch_optional(&mut *c)
        .await?;
    let doc = doc.ok_or(StoreError::NotFound)?;
    sqlx::query(
        "INSERT INTO sec_consultation_comments (id, consultation_id, organisation, received_on, summary, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&comment.id)
    .bind(consultation_id)
    .bind(&comment.organisation)
    .bind(&comment.received_on)
    .bind(&comment.summary)
    .bind(crate::now_ms())
    .execute(&mut *c)
    .await?;
    sec_audit(c, actor, "sec_consultation.comment", "sec_document", &doc, None, json(comment)).await
}

// ----------------------------------------------------------------- settings

pub async fn sec_setting(c: &mut Conn, key: &str) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT value FROM sec_settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *c)
        .await?)
}

pub async fn sec_set_setting(c: &mut Conn, actor: &Actor, key: &str, value: &str) -> StoreResult<()> {
    let before = sec_setting(c, key).await?;
    sqlx::query("INSERT INTO sec_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2")
        .bind(key)
        .bind(value)
        .execute(&mut *c)
        .await?;
    sec_audit(c, actor, "sec_setting.set", "sec_setting", key, before, Some(value.to_string())).await
}

pub async fn set_share_statistics(c: &mut Conn, actor: &Actor, tenant_id: &str, share: bool) -> StoreResult<()> {
    let before = share_statistics(c, tenant_id).await?;
    sqlx::query("UPDATE tenants SET share_statistics = $1 WHERE id = $2")
        .bind(share)
        .bind(tenant_id)
        .execute(&mut *c)
        .await?;
    append_audit(
        c,
        actor,
        Change {
            tenant_id: Some(tenant_id),
            action: "tenant.share_statistics",
            object_type: "tenant",
            object_id: tenant_id,
            before: Some(before.to_string()),
            after: Some(share.to_string()),
        },
    )
    .await
}

pub async fn share_statistics(c: &mut Conn, tenant_id: &str) -> StoreResult<bool> {
    sqlx::query_scalar("SELECT share_statistics FROM tenants WHERE id = $1")
        .bind(tenant_id)
        .fetch_optional(&mut *c)
        .await?
        .ok_or(StoreError::NotFound)
}

// --------------------------------------------------------------- statistics

/// Per opted-in tenant, from its latest Normen assessment: how many
/// requirements apply and how many are met, in one chapter or all. Sums the
/// tallies the triggers on `answers` keep (migration 0006), so it reads one
/// row per tenant and chapter and returns one row per tenant.
pub async fn sec_tenant_tallies(c: &mut Conn, chapter: Option<&str>) -> StoreResult<Vec<TenantTally>> {
    // `latest` starts from the opted-in tenants and finds each one's newest
    // Normen assessment by one index probe, and is materialised so neither
    // planner repeats that probe per tally row. (Joining tenants with
    // assessments instead let PostgreSQL, without fresh statistics after a
    // bulk load, compare every tenant with every assessment: 10× slower.)
    const LATEST: &str = "WITH latest AS MATERIALIZED (SELECT t.id AS tenant_id, t.kind, t.size_class, \
             (SELECT a.id FROM assessments a JOIN catalogs k ON k.key = a.catalog_key \
                 WHERE a.tenant_id = t.id AND k.catalog_id = 'normen' \
                 ORDER BY a.created_at DESC, a.id DESC LIMIT 1) AS id \
             FROM tenants t WHERE t.share_statistics) \
         SELECT l.tenant_id, l.kind, l.size_class, \
             CAST(SUM(ct.applicable) AS BIGINT), CAST(SUM(ct.met) AS BIGINT) \
         FROM latest l \
         JOIN assessment_chapter_tallies ct ON ct.tenant_id = l.tenant_id AND ct.assessment_id = l.id";
    const GROUP: &str = " GROUP BY l.tenant_id, l.kind, l.size_class";
    let rows: Vec<(String, String, String, i64, i64)> = match chapter {
        None => sqlx::query_as(sqlf!("{LATEST}{GROUP}")).fetch_all(&mut *c).await?,
        Some(ch) => {
            sqlx::query_as(sqlf!("{LATEST} WHERE ct.chapter_id = $1{GROUP}"))
                .bind(ch)
                .fetch_all(&mut *c)
                .await?
        }
    };
    rows.into_iter()
        .map(|(tenant_id, kind, size, applicable, met)| {
            Ok(TenantTally {
                tenant_id,
                kind: parse_text("tenant kind", &kind, TenantKind::parse)?,
                size: parse_text("size class", &size, SizeClass::parse)?,
                applicable,
                met,
            })
        })
        .collect()
}

/// The chapters of the newest Normen catalogue version.
pub async fn sec_chapters(c: &mut Conn) -> StoreResult<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT n.node_id, n.title_nb FROM catalog_nodes n JOIN catalogs k ON k.key = n.catalog_key \
         WHERE k.catalog_id = 'normen' AND n.parent_id IS NULL \
         AND k.key = (SELECT key FROM catalogs WHERE catalog_id = 'normen' ORDER BY imported_at DESC, key DESC LIMIT 1) \
         ORDER BY n.position",
    )
    .fetch_all(&mut *c)
    .await?)
}
