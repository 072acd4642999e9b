// Secretariat queries for meetings, attendance, cases and follow-ups:
// included after secretariat/queries.rs in the same per-backend module, so
// its imports and helpers (`sec_audit`, row types) are in scope.

// ----------------------------------------------------------------- meetings

pub async fn sec_meetings(c: &mut Conn) -> StoreResult<Vec<Meeting>> {
    let rows: Vec<MeetingRow> = sqlx::query_as(
        "SELECT id, title, meeting_date, starts, ends, place FROM sec_meetings ORDER BY meeting_date DESC, starts DESC",
    )
    .fetch_all(&mut *c)
    .await?;
    Ok(rows.into_iter().map(meeting).collect())
}

type MeetingRow = (String, String, String, Option<String>, Option<String>, Option<String>);

fn meeting(r: MeetingRow) -> Meeting {
    Meeting {
        id: r.0,
        title: r.1,
        meeting_date: r.2,
        starts: r.3,
        ends: r.4,
        place: r.5,
    }
}

pub async fn sec_meeting(c: &mut Conn, id: &str) -> StoreResult<Meeting> {
    let row: MeetingRow =
        sqlx::query_as("SELECT id, title, meeting_date, starts, ends, place FROM sec_meetings WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *c)
            .await?
            .ok_or(StoreError::NotFound)?;
    Ok(meeting(row))
}

pub async fn sec_create_meeting(c: &mut Conn, actor: &Actor, m: &Meeting) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sec_meetings (id, title, meeting_date, starts, ends, place, created_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
    )
    .bind(&m.id)
    .bind(&m.title)
    .bind(&m.meeting_date)
    .bind(&m.starts)
    .bind(&m.ends)
    .bind(&m.place)
    .bind(crate::now_ms())
    .execute(&mut *c)
    .await?;
    sec_audit(c, actor, "sec_meeting.create", "sec_meeting", &m.id, None, json(m)).await
}

/// The year of a meeting's date (its cases are numbered in it); 0 for a
/// stored date that is not `YYYY-MM-DD`.
fn meeting_year(m: &Meeting) -> u16 {
    m.year().unwrap_or(0)
}

/// The seat `organisation_id` holds on `day`, if any.
fn seat_on<'s>(seats: &'s [Seat], organisation_id: &str, day: &str) -> Option<&'s Seat> {
    seats
        .iter()
        .find(|s| s.organisation_id == organisation_id && covers(&s.valid_from, s.valid_to.as_deref(), day))
}

/// Refuses a case number used by another case (`except`: the case itself).
async fn require_free_number(c: &mut Conn, number: CaseNumber, except: Option<&str>) -> StoreResult<()> {
    let taken: Option<String> = sqlx::query_scalar(
        "SELECT id FROM sec_cases WHERE case_year = $1 AND case_number = $2 AND ($3 IS NULL OR id <> $3)",
    )
    .bind(i64::from(number.year))
    .bind(i64::from(number.number))
    .bind(except)
    .fetch_optional(&mut *c)
    .await?;
    match taken {
        Some(_) => Err(StoreError::Conflict(format!("case number {number} is already used in {}", number.year))),
        None => Ok(()),
    }
}

/// Refuses a case that names a document that does not exist.
async fn require_case_document(c: &mut Conn, document_id: Option<&str>) -> StoreResult<()> {
    let Some(doc) = document_id else { return Ok(()) };
    sec_document(c, doc).await.map(|_| ()).map_err(|e| match e {
        StoreError::NotFound => StoreError::Invalid(Refusal::new("refusal-case-document", "the case names a document that does not exist")),
        e => e,
    })
}

/// Changes a meeting's title, date, time or place. A new date must keep its
/// cases in their numbering year and every organisation listed as attending
/// seated on it.
pub async fn sec_update_meeting(c: &mut Conn, actor: &Actor, m: &Meeting) -> StoreResult<()> {
    let before = sec_meeting(c, &m.id).await?;
    if meeting_year(&before) != meeting_year(m) {
        let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sec_cases WHERE meeting_id = $1")
            .bind(&m.id)
            .fetch_one(&mut *c)
            .await?;
        if cases > 0 {
            return Err(StoreError::Invalid(Refusal::new("refusal-meeting-year", format!(
                "the meeting's cases are numbered for {}; it cannot move to another year",
                meeting_year(&before)
            )).arg(meeting_year(&before))));
        }
    }
    let seats = sec_seats(c).await?;
    for a in sec_attendance(c, &m.id).await? {
        if seat_on(&seats, &a.organisation_id, &m.meeting_date).is_none() {
            return Err(StoreError::Invalid(Refusal::new("refusal-no-seat-on", format!(
                "{} is listed as attending but has no seat on {}",
                a.organisation_name, m.meeting_date
            )).arg(a.organisation_name).arg(&m.meeting_date)));
        }
    }
    sqlx::query(
        "UPDATE sec_meetings SET title = $1, meeting_date = $2, starts = $3, ends = $4, place = $5, \
         version = version + 1 WHERE id = $6",
    )
    .bind(&m.title)
    .bind(&m.meeting_date)
    .bind(&m.starts)
    .bind(&m.ends)
    .bind(&m.place)
    .bind(&m.id)
    .execute(&mut *c)
    .await?;
    sec_audit(c, actor, "sec_meeting.update", "sec_meeting", &m.id, json(&before), json(m)).await
}

pub async fn sec_attendance(c: &mut Conn, meeting_id: &str) -> StoreResult<Vec<Attendance>> {
    let m = sec_meeting(c, meeting_id).await?;
    let rows: Vec<AttendanceRow> = sqlx::query_as(
        "SELECT a.organisation_id, o.name, a.person, a.status, a.present_from \
         FROM sec_attendance a JOIN sec_organisations o ON o.id = a.organisation_id \
         WHERE a.meeting_id = $1",
    )
    .bind(meeting_id)
    .fetch_all(&mut *c)
    .await?;
    let seats = sec_seats(c).await?;
    let role_of = |org: &str| seat_on(&seats, org, &m.meeting_date).map_or(MemberRole::Observer, |s| s.role);
    let mut out: Vec<Attendance> = rows
        .into_iter()
        .map(|(org, name, person, status, from)| {
            Ok(Attendance {
                role: role_of(&org),
                organisation_id: org,
                organisation_name: name,
                person,
                status: parse_text("attendance", &status, AttendanceStatus::parse)?,
                present_from: from,
            })
        })
        .collect::<StoreResult<_>>()?;
    // Members first, then observers; by name within each.
    out.sort_by(|a, b| {
        (a.role != MemberRole::Member, &a.organisation_name).cmp(&(b.role != MemberRole::Member, &b.organisation_name))
    });
    Ok(out)
}

pub async fn sec_set_attendance(
    c: &mut Conn,
    actor: &Actor,
    meeting_id: &str,
    rows: &[AttendanceInput],
) -> StoreResult<Vec<Attendance>> {
    let m = sec_meeting(c, meeting_id).await?;
    let seats = sec_seats(c).await?;
    let orgs = sec_organisations(c).await?;
    let mut seen = std::collections::HashSet::new();
    for r in rows {
        if !seen.insert(r.organisation_id.as_str()) {
            return Err(StoreError::Invalid(Refusal::new("refusal-listed-twice", "an organisation is listed twice")));
        }
        if seat_on(&seats, &r.organisation_id, &m.meeting_date).is_none() {
            let name = orgs
                .iter()
                .find(|o| o.id == r.organisation_id)
                .map_or_else(|| "an unknown organisation".to_string(), |o| o.name.clone());
            return Err(StoreError::Invalid(Refusal::new("refusal-no-seat", format!(
                "{name} has no seat in the steering group on {} and cannot be listed as attending",
                m.meeting_date
            )).arg(name).arg(m.meeting_date)));
        }
    }
    let before = sec_attendance(c, meeting_id).await?;
    sqlx::query("DELETE FROM sec_attendance WHERE meeting_id = $1")
        .bind(meeting_id)
        .execute(&mut *c)
        .await?;
    for r in rows {
        sqlx::query(
            "INSERT INTO sec_attendance (meeting_id, organisation_id, person, status, present_from) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(meeting_id)
        .bind(&r.organisation_id)
        .bind(&r.person)
        .bind(r.status.as_str())
        .bind(&r.present_from)
        .execute(&mut *c)
        .await?;
    }
    require_present_commenters(c, meeting_id).await?;
    let after = sec_attendance(c, meeting_id).await?;
    sec_audit(
        c,
        actor,
        "sec_meeting.attendance",
        "sec_meeting",
        meeting_id,
        json(&before),
        json(&after),
    )
    .await?;
    Ok(after)
}

// -------------------------------------------------------------------- cases

const CASE_COLS: &str = "id, meeting_id, case_year, case_number, kind, title, time_slot, presenter, background, \
     proposal, document_id, proposed_status, decision, decided_status, decided_at";

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: String,
    meeting_id: String,
    case_year: i64,
    case_number: i64,
    kind: String,
    title: String,
    time_slot: Option<String>,
    presenter: Option<String>,
    background: Option<String>,
    proposal: Option<String>,
    document_id: Option<String>,
    proposed_status: Option<String>,
    decision: Option<String>,
    decided_status: Option<String>,
    decided_at: Option<i64>,
}

fn case_number(year: i64, number: i64) -> StoreResult<CaseNumber> {
    let (y, n) = (u16::try_from(year), u16::try_from(number));
    match (y, n) {
        (Ok(y), Ok(n)) => CaseNumber::new(y, n).map_err(|e| StoreError::Internal(format!("stored case number {number}/{year}: {e}"))),
        _ => Err(StoreError::Internal(format!("stored case number {number}/{year} is out of range"))),
    }
}

fn opt_status(s: Option<String>) -> StoreResult<Option<DocumentStatus>> {
    s.as_deref()
        .map(|s| parse_text("document status", s, DocumentStatus::parse))
        .transpose()
}

impl CaseRow {
    fn into_model(self) -> StoreResult<Case> {
        Ok(Case {
            number: case_number(self.case_year, self.case_number)?,
            kind: parse_text("case kind", &self.kind, CaseKind::parse)?,
            proposed_status: opt_status(self.proposed_status)?,
            decided_status: opt_status(self.decided_status)?,
            id: self.id,
            meeting_id: self.meeting_id,
            title: self.title,
            time_slot: self.time_slot,
            presenter: self.presenter,
            background: self.background,
            proposal: self.proposal,
            document_id: self.document_id,
            decision: self.decision,
            decided_at: self.decided_at,
        })
    }
}

pub async fn sec_cases(c: &mut Conn, meeting_id: &str) -> StoreResult<Vec<Case>> {
    sec_meeting(c, meeting_id).await?;
    let rows: Vec<CaseRow> = sqlx::query_as(sqlf!(
        "SELECT {CASE_COLS} FROM sec_cases WHERE meeting_id = $1 ORDER BY case_year, case_number"
    ))
    .bind(meeting_id)
    .fetch_all(&mut *c)
    .await?;
    rows.into_iter().map(CaseRow::into_model).collect()
}

/// The cases numbered in one year (any meeting), in number order.
pub async fn sec_year_cases(c: &mut Conn, year: i64) -> StoreResult<Vec<Case>> {
    let rows: Vec<CaseRow> =
        sqlx::query_as(sqlf!("SELECT {CASE_COLS} FROM sec_cases WHERE case_year = $1 ORDER BY case_number"))
            .bind(year)
            .fetch_all(&mut *c)
            .await?;
    rows.into_iter().map(CaseRow::into_model).collect()
}

pub async fn sec_document_cases(c: &mut Conn, document_id: &str) -> StoreResult<Vec<Case>> {
    let rows: Vec<CaseRow> = sqlx::query_as(sqlf!(
        "SELECT {CASE_COLS} FROM sec_cases WHERE document_id = $1 ORDER BY case_year DESC, case_number DESC"
    ))
    .bind(document_id)
    .fetch_all(&mut *c)
    .await?;
    rows.into_iter().map(CaseRow::into_model).collect()
}

pub async fn sec_case(c: &mut Conn, id: &str) -> StoreResult<Case> {
    let row: CaseRow = sqlx::query_as(sqlf!("SELECT {CASE_COLS} FROM sec_cases WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        .ok_or(StoreError::NotFound)?;
    row.into_model()
}

pub async fn sec_add_case(c: &mut Conn, actor: &Actor, meeting_id: &str, id: &str, i: &CaseInput) -> StoreResult<Case> {
    let m = sec_meeting(c, meeting_id).await?;
    let year = meeting_year(&m);
    let number = match i.number {
        Some(n) if n.year != year => {
            return Err(StoreError::Invalid(Refusal::new("refusal-case-year", format!(
                "case {n} is numbered for {}, but the meeting is in {year}",
                n.year
            )).arg(n).arg(n.year).arg(year)));
        }
        Some(n) => n,
        None => {
            let max: Option<i64> = sqlx::query_scalar("SELECT MAX(case_number) FROM sec_cases WHERE case_year = $1")
                .bind(i64::from(year))
                .fetch_one(&mut *c)
                .await?;
            case_number(i64::from(year), max.unwrap_or(0) + 1)?
        }
    };
    require_free_number(c, number, None).await?;
    require_case_document(c, i.document_id.as_deref()).await?;
    sqlx::query(sqlf!(
        "INSERT INTO sec_cases ({CASE_COLS}, created_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, NULL, NULL, $13, 1)"
    ))
    .bind(id)
    .bind(meeting_id)
    .bind(i64::from(number.year))
    .bind(i64::from(number.number))
    .bind(i.kind.as_str())
    .bind(&i.title)
    .bind(&i.time_slot)
    .bind(&i.presenter)
    .bind(&i.background)
    .bind(&i.proposal)
    .bind(&i.document_id)
    .bind(i.proposed_status.map(|s| s.as_str()))
    .bind(crate::now_ms())
    .execute(&mut *c)
    .await?;
    let case = sec_case(c, id).await?;
    sec_audit(c, actor, "sec_case.create", "sec_case", id, None, json(&case)).await?;
    Ok(case)
}

/// Changes an undecided case of a meeting (the agenda before or during the
/// meeting). Without a number it keeps its own; a new number must be free in
/// the meeting's year. A decided case stays as decided.
pub async fn sec_update_case(
    c: &mut Conn,
    actor: &Actor,
    meeting_id: &str,
    case_id: &str,
    i: &CaseInput,
) -> StoreResult<Case> {
    let m = sec_meeting(c, meeting_id).await?;
    let before = sec_case(c, case_id).await?;
    if before.meeting_id != meeting_id {
        return Err(StoreError::NotFound);
    }
    if before.decision.is_some() {
        return Err(StoreError::Invalid(Refusal::new("refusal-case-decided", format!(
            "case {} is decided and cannot be changed; bring a new case",
            before.number
        )).arg(before.number)));
    }
    let year = meeting_year(&m);
    let number = i.number.unwrap_or(before.number);
    if number.year != year {
        return Err(StoreError::Invalid(Refusal::new("refusal-case-year", format!(
            "case {number} is numbered for {}, but the meeting is in {year}",
            number.year
        )).arg(number).arg(number.year).arg(year)));
    }
    require_free_number(c, number, Some(case_id)).await?;
    require_case_document(c, i.document_id.as_deref()).await?;
    sqlx::query(
        "UPDATE sec_cases SET case_number = $1, kind = $2, title = $3, time_slot = $4, presenter = $5, \
         background = $6, proposal = $7, document_id = $8, proposed_status = $9, version = version + 1 \
         WHERE id = $10",
    )
    .bind(i64::from(number.number))
    .bind(i.kind.as_str())
    .bind(&i.title)
    .bind(&i.time_slot)
    .bind(&i.presenter)
    .bind(&i.background)
    .bind(&i.proposal)
    .bind(&i.document_id)
    .bind(i.proposed_status.map(|s| s.as_str()))
    .bind(case_id)
    .execute(&mut *c)
    .await?;
    require_present_commenters(c, meeting_id).await?;
    let case = sec_case(c, case_id).await?;
    sec_audit(c, actor, "sec_case.update", "sec_case", case_id, json(&before), json(&case)).await?;
    Ok(case)
}

/// Every comment of the meeting must come from an organisation present at
/// its case's start, as the attendance list and the case's time slot say
/// (an organisation not on the list, or a case without a start time, is not
/// checked). Called inside the transaction of each change that could break
/// it (a comment, the attendance list, a case's time slot), so a refusal
/// leaves nothing changed.
async fn require_present_commenters(c: &mut Conn, meeting_id: &str) -> StoreResult<()> {
    let attendance = sec_attendance(c, meeting_id).await?;
    let cases = sec_cases(c, meeting_id).await?;
    for k in sec_comments(c, meeting_id).await? {
        let Some(case) = cases.iter().find(|x| x.id == k.case_id) else {
            continue;
        };
        let Some(starts) = case.time_slot.as_deref().and_then(etterlev_core::secretariat::slot_start) else {
            continue;
        };
        let Some(a) = attendance.iter().find(|a| a.organisation_id == k.organisation_id) else {
            continue;
        };
        if !etterlev_core::secretariat::present_at(a.status, a.present_from.as_deref(), starts) {
            return Err(StoreError::NotPresent {
                organisation: a.organisation_name.clone(),
                case: case.number.to_string(),
                case_starts: starts.to_string(),
                present_from: a.present_from.clone(),
            });
        }
    }
    Ok(())
}

pub async fn sec_comments(c: &mut Conn, meeting_id: &str) -> StoreResult<Vec<CaseComment>> {
    let rows: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT k.id, k.case_id, k.organisation_id, o.name, k.comment, k.created_at \
         FROM sec_case_comments k JOIN sec_cases s ON s.id = k.case_id \
         JOIN sec_organisations o ON o.id = k.organisation_id \
         WHERE s.meeting_id = $1 ORDER BY k.created_at, k.id",
    )
    .bind(meeting_id)
    .fetch_all(&mut *c)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, case_id, organisation_id, organisation_name, comment, created_at)| CaseComment {
            id,
            case_id,
            organisation_id,
            organisation_name,
            comment,
            created_at,
        })
        .collect())
}

pub async fn sec_add_comment(
    c: &mut Conn,
    actor: &Actor,
    id: &str,
    case_id: &str,
    organisation_id: &str,
    text: &str,
) -> StoreResult<CaseComment> {
    let case = sec_case(c, case_id).await?;
    let m = sec_meeting(c, &case.meeting_id).await?;
    let seats = sec_seats(c).await?;
    let seat = seat_on(&seats, organisation_id, &m.meeting_date)
        .ok_or_else(|| StoreError::Invalid(Refusal::new("refusal-no-seat-date", "the organisation has no seat in the steering group on the meeting's date")))?;
    let now = crate::now_ms();
    sqlx::query(
        "INSERT INTO sec_case_comments (id, case_id, organisation_id, comment, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(case_id)
    .bind(organisation_id)
    .bind(text)
    .bind(now)
    .execute(&mut *c)
    .await?;
    let comment = CaseComment {
        id: id.to_string(),
        case_id: case_id.to_string(),
        organisation_id: organisation_id.to_string(),
        organisation_name: seat.organisation_name.clone(),
        comment: text.to_string(),
        created_at: now,
    };
    require_present_commenters(c, &case.meeting_id).await?;
    sec_audit(c, actor, "sec_case.comment", "sec_case", case_id, None, json(&comment)).await?;
    Ok(comment)
}

pub async fn sec_decide(
    c: &mut Conn,
    actor: &Actor,
    meeting_id: &str,
    case_id: &str,
    decision: &str,
    new_status: Option<DocumentStatus>,
) -> StoreResult<Case> {
    sec_meeting(c, meeting_id).await?;
    let before = sec_case(c, case_id).await?;
    if before.meeting_id != meeting_id {
        return Err(StoreError::Invalid(Refusal::new("refusal-case-meeting", format!(
            "case {} belongs to another meeting; record its decision in that meeting",
            before.number
        )).arg(before.number)));
    }
    if new_status.is_some() && before.document_id.is_none() {
        return Err(StoreError::Invalid(Refusal::new("refusal-case-no-document", "this case concerns no document, so it cannot set a document status")));
    }
    let now = crate::now_ms();
    sqlx::query(
        "UPDATE sec_cases SET decision = $1, decided_status = $2, decided_at = $3, version = version + 1 WHERE id = $4",
    )
    .bind(decision)
    .bind(new_status.map(|s| s.as_str()))
    .bind(now)
    .bind(case_id)
    .execute(&mut *c)
    .await?;
    if let (Some(status), Some(doc_id)) = (new_status, &before.document_id) {
        let doc = sec_document(c, doc_id).await?;
        let published_on = if status == DocumentStatus::Published && doc.published_on.is_none() {
            Some(utc_date(now))
        } else {
            doc.published_on.clone()
        };
        // A withdrawn document is not revised, so it has no next revision.
        let next_revision = if status == DocumentStatus::Withdrawn {
            None
        } else {
            doc.next_revision.clone()
        };
        sqlx::query(
            "UPDATE sec_documents SET status = $1, published_on = $2, next_revision = $3, updated_at = $4, \
             version = version + 1 WHERE id = $5",
        )
        .bind(status.as_str())
        .bind(&published_on)
        .bind(&next_revision)
        .bind(now)
        .bind(doc_id)
        .execute(&mut *c)
        .await?;
        add_history(
            c,
            actor,
            doc_id,
            Some(doc.status),
            status,
            Some(case_id),
            Some(&format!("case {}", before.number)),
        )
        .await?;
        let after_doc = sec_document(c, doc_id).await?;
        sec_audit(
            c,
            actor,
            "sec_document.status",
            "sec_document",
            doc_id,
            json(&doc),
            json(&after_doc),
        )
        .await?;
    }
    let after = sec_case(c, case_id).await?;
    sec_audit(c, actor, "sec_case.decide", "sec_case", case_id, json(&before), json(&after)).await?;
    Ok(after)
}

/// `YYYY-MM-DD` (UTC) of a millisecond instant.
fn utc_date(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
        .unwrap_or_default()
}

// ---------------------------------------------------------------- follow-ups

pub async fn sec_open_followups(c: &mut Conn) -> StoreResult<Vec<Followup>> {
    let rows: Vec<FollowupRow> = sqlx::query_as(
        "SELECT id, meeting_id, case_id, title, owner, due, status FROM sec_followups \
         WHERE status <> 'done' ORDER BY due IS NULL, due, created_at",
    )
    .fetch_all(&mut *c)
    .await?;
    rows.into_iter()
        .map(|(id, meeting_id, case_id, title, owner, due, status)| {
            Ok(Followup {
                id,
                meeting_id,
                case_id,
                title,
                owner,
                due,
                status: parse_text("follow-up status", &status, PlanStatus::parse)?,
            })
        })
        .collect()
}

pub async fn sec_add_followup(c: &mut Conn, actor: &Actor, f: &Followup) -> StoreResult<()> {
    sec_meeting(c, &f.meeting_id).await?;
    if let Some(case_id) = &f.case_id {
        let case = sec_case(c, case_id).await?;
        if case.meeting_id != f.meeting_id {
            return Err(StoreError::Invalid(Refusal::new("refusal-followup-case", "the follow-up names a case of another meeting")));
        }
    }
    sqlx::query(
        "INSERT INTO sec_followups (id, meeting_id, case_id, title, owner, due, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&f.id)
    .bind(&f.meeting_id)
    .bind(&f.case_id)
    .bind(&f.title)
    .bind(&f.owner)
    .bind(&f.due)
    .bind(f.status.as_str())
    .bind(crate::now_ms())
    .execute(&mut *c)
    .await?;
    sec_audit(c, actor, "sec_followup.create", "sec_followup", &f.id, None, json(f)).await
}

pub async fn sec_set_followup_status(c: &mut Conn, actor: &Actor, id: &str, status: PlanStatus) -> StoreResult<()> {
    set_status(c, actor, "sec_followups", "sec_followup", id, status).await
}

/// Sets the status of a follow-up or plan item (`table` is one of ours,
/// never input) with the change in the audit log.
async fn set_status(
    c: &mut Conn,
    actor: &Actor,
    table: &str,
    object_type: &str,
    id: &str,
    status: PlanStatus,
) -> StoreResult<()> {
    let before: Option<String> = sqlx::query_scalar(sqlf!("SELECT status FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
    let before = before.ok_or(StoreError::NotFound)?;
    sqlx::query(sqlf!("UPDATE {table} SET status = $1 WHERE id = $2"))
        .bind(status.as_str())
        .bind(id)
        .execute(&mut *c)
        .await?;
    let action = format!("{object_type}.status");
    sec_audit(c, actor, &action, object_type, id, Some(before), Some(status.as_str().to_string())).await
}

