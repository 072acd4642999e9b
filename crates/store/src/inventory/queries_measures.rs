// Inventory queries, second part: measures, the spreadsheet import and the
// level texts. Compiled twice like queries.rs and in the same module as
// inventory/queries.rs, whose imports and helpers (`SystemRow`,
// `bind_system!`, `require_systems`, `systems`, …) it uses.

// ---------------------------------------------------------------- measures

/// The tenant's measures (those serving one requirement, when given), with
/// their systems and requirements, by title.
pub async fn measures(
    c: &mut Conn,
    tenant_id: &str,
    serving: Option<(&str, &str)>,
) -> StoreResult<Vec<SecurityMeasure>> {
    let rows: Vec<MeasureRow> = match serving {
        None => {
            sqlx::query_as(sqlf!("SELECT {MEASURE_COLS} FROM measures WHERE tenant_id = $1 ORDER BY title, id"))
                .bind(tenant_id)
                .fetch_all(&mut *c)
                .await?
        }
        Some((catalog_key, node_id)) => {
            sqlx::query_as(sqlf!(
                "SELECT {MEASURE_COLS} FROM measures WHERE tenant_id = $1 AND id IN \
                 (SELECT measure_id FROM measure_requirements WHERE tenant_id = $1 AND catalog_key = $2 AND node_id = $3) \
                 ORDER BY title, id"
            ))
            .bind(tenant_id)
            .bind(catalog_key)
            .bind(node_id)
            .fetch_all(&mut *c)
            .await?
        }
    };
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let links: Vec<(String, String)> =
        sqlx::query_as("SELECT measure_id, system_id FROM measure_systems WHERE tenant_id = $1 ORDER BY system_id")
            .bind(tenant_id)
            .fetch_all(&mut *c)
            .await?;
    let reqs: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT measure_id, catalog_key, node_id FROM measure_requirements WHERE tenant_id = $1 \
         ORDER BY catalog_key, node_id",
    )
    .bind(tenant_id)
    .fetch_all(&mut *c)
    .await?;
    let mut systems: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for (m, s) in links {
        systems.entry(m).or_default().push(s);
    }
    let mut requirements: std::collections::HashMap<String, Vec<RequirementRef>> = std::collections::HashMap::new();
    for (m, catalog_key, node_id) in reqs {
        requirements
            .entry(m)
            .or_default()
            .push(RequirementRef { catalog_key, node_id });
    }
    rows.into_iter()
        .map(|r| {
            let s = systems.remove(&r.id).unwrap_or_default();
            let q = requirements.remove(&r.id).unwrap_or_default();
            r.into_model(s, q)
        })
        .collect()
}

pub async fn measure(c: &mut Conn, tenant_id: &str, id: &str) -> StoreResult<SecurityMeasure> {
    let row: Option<MeasureRow> =
        sqlx::query_as(sqlf!("SELECT {MEASURE_COLS} FROM measures WHERE tenant_id = $1 AND id = $2"))
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
    let row = row.ok_or(StoreError::NotFound)?;
    let systems: Vec<String> = sqlx::query_scalar(
        "SELECT system_id FROM measure_systems WHERE tenant_id = $1 AND measure_id = $2 ORDER BY system_id",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut *c)
    .await?;
    let reqs: Vec<(String, String)> = sqlx::query_as(
        "SELECT catalog_key, node_id FROM measure_requirements WHERE tenant_id = $1 AND measure_id = $2 \
         ORDER BY catalog_key, node_id",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut *c)
    .await?;
    let reqs = reqs
        .into_iter()
        .map(|(catalog_key, node_id)| RequirementRef { catalog_key, node_id })
        .collect();
    row.into_model(systems, reqs)
}

/// Checks the links and writes them (after removing the old ones).
async fn write_measure_links(c: &mut Conn, tenant_id: &str, id: &str, m: &MeasureInput) -> StoreResult<()> {
    let ids: Vec<&str> = m.systems.iter().map(String::as_str).collect();
    require_systems(c, tenant_id, &ids).await?;
    for r in &m.requirements {
        check_node(c, &r.catalog_key, &r.node_id).await?;
    }
    sqlx::query("DELETE FROM measure_systems WHERE tenant_id = $1 AND measure_id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *c)
        .await?;
    sqlx::query("DELETE FROM measure_requirements WHERE tenant_id = $1 AND measure_id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *c)
        .await?;
    for s in &m.systems {
        sqlx::query("INSERT INTO measure_systems (tenant_id, measure_id, system_id) VALUES ($1, $2, $3)")
            .bind(tenant_id)
            .bind(id)
            .bind(s)
            .execute(&mut *c)
            .await?;
    }
    for r in &m.requirements {
        sqlx::query(
            "INSERT INTO measure_requirements (tenant_id, measure_id, catalog_key, node_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(&r.catalog_key)
        .bind(&r.node_id)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

pub async fn create_measure(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    id: &str,
    input: &MeasureInput,
) -> StoreResult<SecurityMeasure> {
    let now = crate::now_ms();
    sqlx::query(sqlf!(
        "INSERT INTO measures (tenant_id, {MEASURE_COLS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    ))
    .bind(tenant_id)
    .bind(id)
    .bind(&input.title)
    .bind(&input.description)
    .bind(input.kind.as_str())
    .bind(input.status.as_str())
    .bind(&input.owner)
    .bind(&input.review_by)
    .bind(&input.check_method)
    .bind(&input.check_interval)
    .bind(&input.last_checked)
    .bind(&input.last_result)
    .bind(now)
    .bind(now)
    .bind(1_i64)
    .execute(&mut *c)
    .await?;
    write_measure_links(c, tenant_id, id, input).await?;
    let created = measure(c, tenant_id, id).await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "measure.create",
        object_type: "measure",
        object_id: id,
        before: None,
        after: json(&created),
    })
    .await?;
    Ok(created)
}

pub async fn update_measure(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    id: &str,
    input: &MeasureInput,
    expected: i64,
) -> StoreResult<SecurityMeasure> {
    let before = measure(c, tenant_id, id).await?;
    if before.version != expected {
        return Err(stale(ConflictWith::Measure(Box::new(before))));
    }
    let done = sqlx::query(
        "UPDATE measures SET title = $1, description = $2, kind = $3, status = $4, owner = $5, review_by = $6, \
                check_method = $7, check_interval = $8, last_checked = $9, last_result = $10, updated_at = $11, \
                version = version + 1 \
         WHERE tenant_id = $12 AND id = $13 AND version = $14",
    )
    .bind(&input.title)
    .bind(&input.description)
    .bind(input.kind.as_str())
    .bind(input.status.as_str())
    .bind(&input.owner)
    .bind(&input.review_by)
    .bind(&input.check_method)
    .bind(&input.check_interval)
    .bind(&input.last_checked)
    .bind(&input.last_result)
    .bind(crate::now_ms())
    .bind(tenant_id)
    .bind(id)
    .bind(expected)
    .execute(&mut *c)
    .await?;
    if done.rows_affected() != 1 {
        return Err(stale(ConflictWith::Measure(Box::new(measure(c, tenant_id, id).await?))));
    }
    write_measure_links(c, tenant_id, id, input).await?;
    let after = measure(c, tenant_id, id).await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "measure.update",
        object_type: "measure",
        object_id: id,
        before: json(&before),
        after: json(&after),
    })
    .await?;
    Ok(after)
}

pub async fn cite_measure(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    id: &str,
    requirement: &RequirementRef,
) -> StoreResult<SecurityMeasure> {
    let before = measure(c, tenant_id, id).await?;
    if before.input.requirements.contains(requirement) {
        return Ok(before);
    }
    check_node(c, &requirement.catalog_key, &requirement.node_id).await?;
    sqlx::query("INSERT INTO measure_requirements (tenant_id, measure_id, catalog_key, node_id) VALUES ($1, $2, $3, $4)")
        .bind(tenant_id)
        .bind(id)
        .bind(&requirement.catalog_key)
        .bind(&requirement.node_id)
        .execute(&mut *c)
        .await?;
    sqlx::query("UPDATE measures SET updated_at = $1, version = version + 1 WHERE tenant_id = $2 AND id = $3")
        .bind(crate::now_ms())
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *c)
        .await?;
    let after = measure(c, tenant_id, id).await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "measure.cite",
        object_type: "measure",
        object_id: id,
        before: json(&before),
        after: json(&after),
    })
    .await?;
    Ok(after)
}

pub async fn delete_measure(c: &mut Conn, actor: &Actor, tenant_id: &str, id: &str, expected: i64) -> StoreResult<()> {
    let before = measure(c, tenant_id, id).await?;
    if before.version != expected {
        return Err(stale(ConflictWith::Measure(Box::new(before))));
    }
    // The links go with it (ON DELETE CASCADE).
    sqlx::query("DELETE FROM measures WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *c)
        .await?;
    append_audit(c, actor, Change {
        tenant_id: Some(tenant_id),
        action: "measure.delete",
        object_type: "measure",
        object_id: id,
        before: json(&before),
        after: None,
    })
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- import

#[derive(serde::Serialize, serde::Deserialize)]
struct PendingContent {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Systems per INSERT of an import (27 parameters each, within both
/// backends' limits).
const IMPORT_ROWS: usize = 500;

/// A day: uploads older than this are forgotten.
const PENDING_MS: i64 = 24 * 60 * 60 * 1000;

pub async fn save_pending_import(c: &mut Conn, actor: &Actor, tenant_id: &str, p: &PendingImport) -> StoreResult<()> {
    sqlx::query("DELETE FROM inventory_imports WHERE created_at < $1")
        .bind(p.created_at - PENDING_MS)
        .execute(&mut *c)
        .await?;
    let content = serde_json::to_string(&PendingContent {
        headers: p.headers.clone(),
        rows: p.rows.clone(),
    })
    .map_err(|e| StoreError::Internal(format!("cannot serialise the upload: {e}")))?;
    sqlx::query(
        "INSERT INTO inventory_imports (tenant_id, id, created_by, file_name, content, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant_id)
    .bind(&p.id)
    .bind(actor.user_id.clone().unwrap_or_default())
    .bind(&p.file_name)
    .bind(content)
    .bind(p.created_at)
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn pending_import(c: &mut Conn, tenant_id: &str, id: &str) -> StoreResult<PendingImport> {
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT file_name, content, created_at FROM inventory_imports WHERE tenant_id = $1 AND id = $2 AND created_at >= $3",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(crate::now_ms() - PENDING_MS)
    .fetch_optional(&mut *c)
    .await?;
    let (file_name, content, created_at) = row.ok_or(StoreError::NotFound)?;
    let content: PendingContent = serde_json::from_str(&content)
        .map_err(|e| StoreError::Internal(format!("stored upload {id} cannot be read: {e}")))?;
    Ok(PendingImport {
        id: id.to_string(),
        file_name,
        headers: content.headers,
        rows: content.rows,
        created_at,
    })
}

pub async fn import_systems(
    c: &mut Conn,
    actor: &Actor,
    tenant_id: &str,
    pending_id: &str,
    inputs: &[SystemInput],
) -> StoreResult<ImportCounts> {
    // The upload must still be there (and be this enterprise's).
    let pending = pending_import(c, tenant_id, pending_id).await?;
    let existing = systems(c, tenant_id).await?;
    let by_name: std::collections::HashMap<String, &System> =
        existing.iter().map(|s| (s.input.name.to_lowercase(), s)).collect();
    let now = crate::now_ms();
    let mut counts = ImportCounts::default();
    let mut created = Vec::new();
    for input in inputs {
        match by_name.get(&input.name.to_lowercase()) {
            Some(s) if s.input == *input => {}
            Some(s) => {
                update_system(c, actor, tenant_id, &s.id, input, s.version).await?;
                counts.updated += 1;
            }
            None => created.push(System {
                id: crate::store::new_id(),
                input: input.clone(),
                created_at: now,
                updated_at: now,
                version: 1,
            }),
        }
    }
    // New systems go in many rows per statement: an import of thousands
    // is a handful of round trips, not thousands.
    // (SQLite runs in-process: there one prepared row at a time is faster
    // than a statement with thousands of parameters.)
    let rows_per_statement = if IS_SQLITE { 1 } else { IMPORT_ROWS };
    for chunk in created.chunks(rows_per_statement) {
        let per_row = 27;
        let values = (0..chunk.len())
            .map(|r| {
                let cols = (1..=per_row).map(|k| format!("${}", r * per_row + k)).collect::<Vec<_>>();
                format!("({})", cols.join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ");
        let mut q = sqlx::query(sqlf!("INSERT INTO systems (tenant_id, {SYSTEM_COLS}) VALUES {values}"));
        for sys in chunk {
            q = q.bind(tenant_id).bind(&sys.id);
            q = bind_system!(q, sys.input).bind(sys.created_at).bind(sys.updated_at).bind(sys.version);
        }
        q.execute(&mut *c).await?;
    }
    counts.created = created.len();
    if counts.created > 0 {
        let names: Vec<&str> = created.iter().map(|s| s.input.name.as_str()).collect();
        append_audit(c, actor, Change {
            tenant_id: Some(tenant_id),
            action: "system.import",
            object_type: "inventory_import",
            object_id: pending_id,
            before: None,
            after: json(&serde_json::json!({ "file": pending.file_name, "created": names })),
        })
        .await?;
    }
    sqlx::query("DELETE FROM inventory_imports WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(pending_id)
        .execute(&mut *c)
        .await?;
    Ok(counts)
}

// ---------------------------------------------------------------- level texts

pub async fn level_texts(c: &mut Conn, tenant_id: &str) -> StoreResult<Vec<LevelText>> {
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT dimension, level, text FROM level_texts WHERE tenant_id = $1 ORDER BY dimension, level",
    )
    .bind(tenant_id)
    .fetch_all(&mut *c)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(dimension, level, text)| Some(LevelText { dimension, level: u8::try_from(level).ok()?, text }))
        .collect())
}

pub async fn set_level_texts(c: &mut Conn, actor: &Actor, tenant_id: &str, texts: &[LevelText]) -> StoreResult<Vec<LevelText>> {
    let before = level_texts(c, tenant_id).await?;
    sqlx::query("DELETE FROM level_texts WHERE tenant_id = $1")
        .bind(tenant_id)
        .execute(&mut *c)
        .await?;
    for t in texts {
        sqlx::query("INSERT INTO level_texts (tenant_id, dimension, level, text) VALUES ($1, $2, $3, $4)")
            .bind(tenant_id)
            .bind(&t.dimension)
            .bind(i64::from(t.level))
            .bind(&t.text)
            .execute(&mut *c)
            .await?;
    }
    let after = level_texts(c, tenant_id).await?;
    if before != after {
        append_audit(c, actor, Change {
            tenant_id: Some(tenant_id),
            action: "inventory.level_texts",
            object_type: "tenant",
            object_id: tenant_id,
            before: json(&before),
            after: json(&after),
        })
        .await?;
    }
    Ok(after)
}
