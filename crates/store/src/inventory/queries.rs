// Inventory queries: compiled twice like queries.rs (and in the same module,
// so `Conn`, `Change`, `append_audit`, `json`, `sqlf!`, and from the
// assessment queries `parse_text`, `stale` and `check_node`, are those of the
// backend). Every statement filters on the tenant id.

use crate::inventory::{
    ImportCounts, Integration, IntegrationInput, LevelText, ListedIntegration, MeasureInput, Page, PendingImport, RequirementRef,
    SecurityMeasure, System, SystemInput,
};
use etterlev_core::inventory::{
    Criticality, DataCategory, Frequency, Hosting, Level, MdrClass, MeasureKind, MeasureStatus, ProtectionNeed,
    Protocol,
};

const SYSTEM_COLS: &str = "id, name, purpose, owner, administrator, users, staff_users, patient_users, data_category, \
     health_register, confidentiality, integrity, availability, criticality, hosting, cloud_provider, cloud_region, \
     supplier, medical_device, mdr_class, ai_component, internet_exposed, remote_access, created_at, updated_at, version";
const INTEGRATION_COLS: &str =
    "id, from_system, to_system, both_ways, data, protocol, frequency, source_system, created_at, updated_at, version";
const MEASURE_COLS: &str = "id, title, description, kind, status, owner, review_by, check_method, check_interval, \
     last_checked, last_result, created_at, updated_at, version";

#[derive(sqlx::FromRow)]
struct SystemRow {
    id: String,
    name: String,
    purpose: Option<String>,
    owner: Option<String>,
    administrator: Option<String>,
    users: Option<String>,
    staff_users: bool,
    patient_users: bool,
    data_category: String,
    health_register: bool,
    confidentiality: i64,
    integrity: i64,
    availability: i64,
    criticality: String,
    hosting: String,
    cloud_provider: Option<String>,
    cloud_region: Option<String>,
    supplier: Option<String>,
    medical_device: bool,
    mdr_class: Option<String>,
    ai_component: bool,
    internet_exposed: bool,
    remote_access: bool,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

fn level(what: &str, n: i64) -> StoreResult<Level> {
    u8::try_from(n)
        .ok()
        .and_then(Level::new)
        .ok_or_else(|| StoreError::Internal(format!("stored {what} level {n} is out of range")))
}

impl SystemRow {
    fn into_model(self) -> StoreResult<System> {
        Ok(System {
            input: SystemInput {
                data_category: parse_text("data category", &self.data_category, DataCategory::parse)?,
                need: ProtectionNeed {
                    confidentiality: level("confidentiality", self.confidentiality)?,
                    integrity: level("integrity", self.integrity)?,
                    availability: level("availability", self.availability)?,
                },
                criticality: parse_text("criticality", &self.criticality, Criticality::parse)?,
                hosting: parse_text("hosting", &self.hosting, Hosting::parse)?,
                mdr_class: self
                    .mdr_class
                    .as_deref()
                    .map(|m| parse_text("MDR class", m, MdrClass::parse))
                    .transpose()?,
                name: self.name,
                purpose: self.purpose,
                owner: self.owner,
                administrator: self.administrator,
                users: self.users,
                staff_users: self.staff_users,
                patient_users: self.patient_users,
                health_register: self.health_register,
                cloud_provider: self.cloud_provider,
                cloud_region: self.cloud_region,
                supplier: self.supplier,
                medical_device: self.medical_device,
                ai_component: self.ai_component,
                internet_exposed: self.internet_exposed,
                remote_access: self.remote_access,
            },
            id: self.id,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        })
    }
}

#[derive(sqlx::FromRow)]
struct IntegrationRow {
    id: String,
    from_system: String,
    to_system: String,
    both_ways: bool,
    data: String,
    protocol: String,
    frequency: String,
    source_system: Option<String>,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

impl IntegrationRow {
    fn into_model(self) -> StoreResult<Integration> {
        Ok(Integration {
            input: IntegrationInput {
                protocol: parse_text("protocol", &self.protocol, Protocol::parse)?,
                frequency: parse_text("frequency", &self.frequency, Frequency::parse)?,
                from_system: self.from_system,
                to_system: self.to_system,
                both_ways: self.both_ways,
                data: self.data,
                source_system: self.source_system,
            },
            id: self.id,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        })
    }
}

#[derive(sqlx::FromRow)]
struct MeasureRow {
    id: String,
    title: String,
    description: Option<String>,
    kind: String,
    status: String,
    owner: Option<String>,
    review_by: Option<String>,
    check_method: Option<String>,
    check_interval: Option<String>,
    last_checked: Option<String>,
    last_result: Option<String>,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

impl MeasureRow {
    fn into_model(self, systems: Vec<String>, requirements: Vec<RequirementRef>) -> StoreResult<SecurityMeasure> {
        Ok(SecurityMeasure {
            input: MeasureInput {
                kind: parse_text("measure kind", &self.kind, MeasureKind::parse)?,
                status: parse_text("measure status", &self.status, MeasureStatus::parse)?,
                title: self.title,
                description: self.description,
                owner: self.owner,
                review_by: self.review_by,
                check_method: self.check_method,
                check_interval: self.check_interval,
                last_checked: self.last_checked,
                last_result: self.last_result,
                systems,
                requirements,
            },
            id: self.id,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        })
    }
}

// ---------------------------------------------------------------- systems

pub async fn system(c: &mut Conn, tenant_id: &str, id: &str) -> StoreResult<System> {
    let row: Option<SystemRow> =
        sqlx::query_as(sqlf!("SELECT {SYSTEM_COLS} FROM systems WHERE tenant_id = $1 AND id = $2"))
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
    row.ok_or(StoreError::NotFound)?.into_model()
}

pub async fn systems(c: &mut Conn, tenant_id: &str) -> StoreResult<Vec<System>> {
    let rows: Vec<SystemRow> =
        sqlx::query_as(sqlf!("SELECT {SYSTEM_COLS} FROM systems WHERE tenant_id = $1 ORDER BY name, id"))
            .bind(tenant_id)
            .fetch_all(&mut *c)
            .await?;
    rows.into_iter().map(SystemRow::into_model).collect()
}

fn as_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub async fn systems_page(
    c: &mut Conn,
    tenant_id: &str,
    pattern: Option<&str>,
    category: Option<&str>,
    offset: usize,
    limit: usize,
) -> StoreResult<Page<System>> {
    // Only the conditions asked for, so that the plain list walks the
    // (tenant_id, name) index instead of testing every row.
    let mut filter = String::from("tenant_id = $1");
    let mut n = 1;
    if pattern.is_some() {
        n += 1;
        filter.push_str(&format!(" AND LOWER(name) LIKE ${n}"));
    }
    if category.is_some() {
        n += 1;
        filter.push_str(&format!(" AND data_category = ${n}"));
    }
    let mut count = sqlx::query_scalar(sqlf!("SELECT COUNT(*) FROM systems WHERE {filter}")).bind(tenant_id);
    let mut rows = sqlx::query_as(sqlf!(
        "SELECT {SYSTEM_COLS} FROM systems WHERE {filter} ORDER BY name, id LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    ))
    .bind(tenant_id);
    for v in [pattern, category].into_iter().flatten() {
        count = count.bind(v);
        rows = rows.bind(v);
    }
    let total: i64 = count.fetch_one(&mut *c).await?;
    let rows: Vec<SystemRow> = rows.bind(as_i64(limit)).bind(as_i64(offset)).fetch_all(&mut *c).await?;
    Ok(Page {
        items: rows.into_iter().map(SystemRow::into_model).collect::<StoreResult<_>>()?,
        total: usize::try_from(total).unwrap_or(0),
    })
}

/// The integrations that touch any of `system_ids`, with the systems'
/// names, by those names; and how many integrations the enterprise has.
pub async fn integrations_of(
    c: &mut Conn,
    tenant_id: &str,
    system_ids: &[String],
) -> StoreResult<Page<ListedIntegration>> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM integrations WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(&mut *c)
        .await?;
    let mut items: Vec<ListedIntegration> = Vec::new();
    if !system_ids.is_empty() {
        let list = (0..system_ids.len()).map(|k| format!("${}", k + 2)).collect::<Vec<_>>().join(", ");
        // Two index lookups rather than one OR, which both backends would
        // answer by reading every integration.
        let mut q = sqlx::query_as(sqlf!(
            "SELECT {INTEGRATION_COLS} FROM integrations WHERE tenant_id = $1 AND from_system IN ({list}) \
             UNION SELECT {INTEGRATION_COLS} FROM integrations WHERE tenant_id = $1 AND to_system IN ({list})"
        ))
        .bind(tenant_id);
        for id in system_ids {
            q = q.bind(id);
        }
        let rows: Vec<IntegrationRow> = q.fetch_all(&mut *c).await?;
        let integrations = rows.into_iter().map(IntegrationRow::into_model).collect::<StoreResult<Vec<_>>>()?;
        // The names of every system they join (the other ends may be on
        // other pages).
        let mut ids: Vec<&str> = integrations
            .iter()
            .flat_map(|i| [i.input.from_system.as_str(), i.input.to_system.as_str()])
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let mut names = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let list = (0..chunk.len()).map(|k| format!("${}", k + 2)).collect::<Vec<_>>().join(", ");
            let mut q = sqlx::query_as(sqlf!("SELECT id, name FROM systems WHERE tenant_id = $1 AND id IN ({list})"))
                .bind(tenant_id);
            for id in chunk {
                q = q.bind(*id);
            }
            let rows: Vec<(String, String)> = q.fetch_all(&mut *c).await?;
            names.extend(rows);
        }
        items = integrations
            .into_iter()
            .map(|i| ListedIntegration {
                from_name: names.get(&i.input.from_system).cloned().unwrap_or_default(),
                to_name: names.get(&i.input.to_system).cloned().unwrap_or_default(),
                integration: i,
            })
            .collect();
        items.sort_by(|a, b| {
            (&a.from_name, &a.to_name, &a.integration.id).cmp(&(&b.from_name, &b.to_name, &b.integration.id))
        });
    }
    Ok(Page {
        items,
        total: usize::try_from(total).unwrap_or(0),
    })
}

/// The systems holding `category` (all when None) and the integrations
/// between two of them: what the data-flow picture draws.
pub async fn flow(c: &mut Conn, tenant_id: &str, category: Option<&str>) -> StoreResult<(Vec<System>, Vec<Integration>)> {
    let (systems, integrations): (Vec<SystemRow>, Vec<IntegrationRow>) = match category {
        None => (
            sqlx::query_as(sqlf!("SELECT {SYSTEM_COLS} FROM systems WHERE tenant_id = $1 ORDER BY name, id"))
                .bind(tenant_id)
                .fetch_all(&mut *c)
                .await?,
            sqlx::query_as(sqlf!("SELECT {INTEGRATION_COLS} FROM integrations WHERE tenant_id = $1"))
                .bind(tenant_id)
                .fetch_all(&mut *c)
                .await?,
        ),
        Some(cat) => (
            sqlx::query_as(sqlf!(
                "SELECT {SYSTEM_COLS} FROM systems WHERE tenant_id = $1 AND data_category = $2 ORDER BY name, id"
            ))
            .bind(tenant_id)
            .bind(cat)
            .fetch_all(&mut *c)
            .await?,
            sqlx::query_as(sqlf!(
                "SELECT {INTEGRATION_COLS} FROM integrations WHERE tenant_id = $1 \
                 AND from_system IN (SELECT id FROM systems WHERE tenant_id = $1 AND data_category = $2) \
                 AND to_system IN (SELECT id FROM systems WHERE tenant_id = $1 AND data_category = $2)"
            ))
            .bind(tenant_id)
            .bind(cat)
            .fetch_all(&mut *c)
            .await?,
        ),
    };
    Ok((
        systems.into_iter().map(SystemRow::into_model).collect::<StoreResult<_>>()?,
        integrations.into_iter().map(IntegrationRow::into_model).collect::<StoreResult<_>>()?,
    ))
}

/// Refuses a name another system of the enterprise has.
async fn require_free_name(c: &mut Conn, tenant_id: &str, name: &str, except: Option<&str>) -> StoreResult<()> {
    let taken: Option<String> = sqlx::query_scalar("SELECT id FROM systems WHERE tenant_id = $1 AND name = $2")
        .bind(tenant_id)
        .bind(name)
        .fetch_optional(&mut *c)
        .await?;
    match taken {
        Some(id) if Some(id.as_str()) != except => Err(StoreError::Invalid(
            Refusal::new("refusal-system-name", format!("there is already a system named {name}")).arg(name),
        )),
        _ => Ok(()),
    }
}

/// Binds the fields of a [`SystemInput`] in `SYSTEM_COLS` order (name …
/// remote_access).
macro_rules! bind_system {
    ($q:expr, $s:expr) => {
        $q.bind(&$s.name)
            .bind(&$s.purpose)
            .bind(&$s.owner)
            .bind(&$s.administrator)
            .bind(&$s.users)
            .bind($s.staff_users)
            .bind($s.patient_users)
            .bind($s.data_category.as_str())
            .bind($s.health_register)
            .bind(i64::from($s.need.confidentiality.get()))
            .bind(i64::from($s.need.integrity.get()))
            .bind(i64::from($s.need.availability.get()))
            .bind($s.criticality.as_str())
            .bind($s.hosting.as_str())
            .bind(&$s.cloud_provider)
            .bind(&$s.cloud_region)
            .bind(&$s.supplier)
            .bind($s.medical_device)
            .bind($s.mdr_class.map(MdrClass::as_str))
            .bind($s.ai_component)
            .bind($s.internet_exposed)
            .bind($s.remote_access)
    };
}

pub async fn create_system(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    id: &str,
    input: &SystemInput,
) -> StoreResult<System> {
    require_free_name(c, tenant_id, &input.name, None).await?;
    let now = crate::now_ms();
    let created = System {
        id: id.to_string(),
        input: input.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let q = sqlx::query(sqlf!(
        "INSERT INTO systems (tenant_id, {SYSTEM_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
         $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)"
    ))
    .bind(tenant_id)
    .bind(id);
    bind_system!(q, input)
        .bind(now)
        .bind(now)
        .bind(1_i64)
        .execute(&mut *c)
        .await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "system.create",
        object_type: "system",
        object_id: id,
        before: None,
        after: json(&created),
    })
    .await?;
    Ok(created)
}

pub async fn update_system(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    id: &str,
    input: &SystemInput,
    expected: i64,
) -> StoreResult<System> {
    let before = system(c, tenant_id, id).await?;
    if before.version != expected {
        return Err(stale(ConflictWith::System(Box::new(before))));
    }
    require_free_name(c, tenant_id, &input.name, Some(id)).await?;
    let now = crate::now_ms();
    let q = sqlx::query(
        "UPDATE systems SET name = $1, purpose = $2, owner = $3, administrator = $4, users = $5, staff_users = $6, \
                patient_users = $7, data_category = $8, health_register = $9, confidentiality = $10, integrity = $11, \
                availability = $12, criticality = $13, hosting = $14, cloud_provider = $15, cloud_region = $16, \
                supplier = $17, medical_device = $18, mdr_class = $19, ai_component = $20, internet_exposed = $21, \
                remote_access = $22, updated_at = $23, version = version + 1 \
         WHERE tenant_id = $24 AND id = $25 AND version = $26",
    );
    let done = bind_system!(q, input)
        .bind(now)
        .bind(tenant_id)
        .bind(id)
        .bind(expected)
        .execute(&mut *c)
        .await?;
    if done.rows_affected() != 1 {
        return Err(stale(ConflictWith::System(Box::new(system(c, tenant_id, id).await?))));
    }
    let after = system(c, tenant_id, id).await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "system.update",
        object_type: "system",
        object_id: id,
        before: json(&before),
        after: json(&after),
    })
    .await?;
    Ok(after)
}

pub async fn delete_system(c: &mut Conn, actor: &Actor, tenant_id: &str, id: &str, expected: i64) -> StoreResult<()> {
    let before = system(c, tenant_id, id).await?;
    if before.version != expected {
        return Err(stale(ConflictWith::System(Box::new(before))));
    }
    let (integrations,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM integrations WHERE tenant_id = $1 AND (from_system = $2 OR to_system = $2 OR source_system = $2)",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_one(&mut *c)
    .await?;
    let (measures,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM measure_systems WHERE tenant_id = $1 AND system_id = $2")
            .bind(tenant_id)
            .bind(id)
            .fetch_one(&mut *c)
            .await?;
    if integrations + measures > 0 {
        return Err(StoreError::Invalid(
            Refusal::new(
                "refusal-system-in-use",
                format!(
                    "{} has {integrations} integration(s) and {measures} measure(s); remove them from it first",
                    before.input.name
                ),
            )
            .arg(&before.input.name)
            .arg(integrations)
            .arg(measures),
        ));
    }
    sqlx::query("DELETE FROM systems WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *c)
        .await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "system.delete",
        object_type: "system",
        object_id: id,
        before: json(&before),
        after: None,
    })
    .await?;
    Ok(())
}

/// Refuses ids that are not systems of the enterprise.
async fn require_systems(c: &mut Conn, tenant_id: &str, ids: &[&str]) -> StoreResult<()> {
    for id in ids {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM systems WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(*id)
            .fetch_optional(&mut *c)
            .await?;
        if found.is_none() {
            return Err(StoreError::Invalid(
                Refusal::new("refusal-unknown-system", format!("there is no system {}", shown(id))).arg(shown(id)),
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- integrations

pub async fn integration(c: &mut Conn, tenant_id: &str, id: &str) -> StoreResult<Integration> {
    let row: Option<IntegrationRow> =
        sqlx::query_as(sqlf!("SELECT {INTEGRATION_COLS} FROM integrations WHERE tenant_id = $1 AND id = $2"))
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
    row.ok_or(StoreError::NotFound)?.into_model()
}

pub async fn integrations(c: &mut Conn, tenant_id: &str) -> StoreResult<Vec<Integration>> {
    let rows: Vec<IntegrationRow> = sqlx::query_as(sqlf!(
        "SELECT {INTEGRATION_COLS} FROM integrations WHERE tenant_id = $1 ORDER BY from_system, to_system, id"
    ))
    .bind(tenant_id)
    .fetch_all(&mut *c)
    .await?;
    rows.into_iter().map(IntegrationRow::into_model).collect()
}

async fn require_integration_systems(c: &mut Conn, tenant_id: &str, i: &IntegrationInput) -> StoreResult<()> {
    let mut ids = vec![i.from_system.as_str(), i.to_system.as_str()];
    if let Some(s) = &i.source_system {
        ids.push(s);
    }
    require_systems(c, tenant_id, &ids).await
}

pub async fn create_integration(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    id: &str,
    input: &IntegrationInput,
) -> StoreResult<Integration> {
    require_integration_systems(c, tenant_id, input).await?;
    let now = crate::now_ms();
    let created = Integration {
        id: id.to_string(),
        input: input.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    sqlx::query(sqlf!(
        "INSERT INTO integrations (tenant_id, {INTEGRATION_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(tenant_id)
    .bind(id)
    .bind(&input.from_system)
    .bind(&input.to_system)
    .bind(input.both_ways)
    .bind(&input.data)
    .bind(input.protocol.as_str())
    .bind(input.frequency.as_str())
    .bind(&input.source_system)
    .bind(now)
    .bind(now)
    .bind(1_i64)
    .execute(&mut *c)
    .await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "integration.create",
        object_type: "integration",
        object_id: id,
        before: None,
        after: json(&created),
    })
    .await?;
    Ok(created)
}

pub async fn update_integration(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    id: &str,
    input: &IntegrationInput,
    expected: i64,
) -> StoreResult<Integration> {
    let before = integration(c, tenant_id, id).await?;
    if before.version != expected {
        return Err(stale(ConflictWith::Integration(before)));
    }
    require_integration_systems(c, tenant_id, input).await?;
    let done = sqlx::query(
        "UPDATE integrations SET from_system = $1, to_system = $2, both_ways = $3, data = $4, protocol = $5, \
                frequency = $6, source_system = $7, updated_at = $8, version = version + 1 \
         WHERE tenant_id = $9 AND id = $10 AND version = $11",
    )
    .bind(&input.from_system)
    .bind(&input.to_system)
    .bind(input.both_ways)
    .bind(&input.data)
    .bind(input.protocol.as_str())
    .bind(input.frequency.as_str())
    .bind(&input.source_system)
    .bind(crate::now_ms())
    .bind(tenant_id)
    .bind(id)
    .bind(expected)
    .execute(&mut *c)
    .await?;
    if done.rows_affected() != 1 {
        return Err(stale(ConflictWith::Integration(integration(c, tenant_id, id).await?)));
    }
    let after = integration(c, tenant_id, id).await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "integration.update",
        object_type: "integration",
        object_id: id,
        before: json(&before),
        after: json(&after),
    })
    .await?;
    Ok(after)
}

pub async fn delete_integration(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    id: &str,
    expected: i64,
) -> StoreResult<()> {
    let before = integration(c, tenant_id, id).await?;
    if before.version != expected {
        return Err(stale(ConflictWith::Integration(before)));
    }
    sqlx::query("DELETE FROM integrations WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *c)
        .await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "integration.delete",
        object_type: "integration",
        object_id: id,
        before: json(&before),
        after: None,
    })
    .await?;
    Ok(())
}
