// Catalogue queries: compiled twice like queries.rs (and in the same module,
// so `Conn`, `Change`, `append_audit` and `sqlf!` are those of the backend).
// Catalogues are global reference data: no tenant id, audited in the system
// chain.

use crate::catalog::{CatalogStamp, ImportSummary, StoredCatalog};
use etterlev_catalog::{Catalog, CatalogSet, LocalText, Mapping};

/// Rows per multi-row INSERT of nodes: 10 columns, far below both backends'
/// limits on bind parameters.
const NODE_CHUNK: usize = 200;
const NODE_COLS: &str =
    "catalog_key, node_id, position, parent_id, kind, label, title_nb, title_en, text_nb, text_en";
const STORED_CATALOG_COLS: &str =
    "key, catalog_id, version, title_nb, title_en, date, status, sha256, requirement_count, imported_at, imported_by";

fn sha256_hex(text: &str) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

fn to_json<T: serde::Serialize>(what: &str, v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Internal(format!("cannot serialise {what}: {e}")))
}

/// Imports every catalogue and mapping of the set. Run it in one
/// transaction: an error anywhere leaves the database as it was.
pub async fn import_catalog_set(c: &mut Conn, actor: &Actor, set: &CatalogSet, replace: bool) -> StoreResult<ImportSummary> {
    let mut summary = ImportSummary::default();
    let now = crate::now_ms();
    for catalog in &set.catalogs {
        let key = catalog.key();
        let content = to_json("catalogue", catalog)?;
        let sha = sha256_hex(&content);
        let existing: Option<String> = sqlx::query_scalar("SELECT sha256 FROM catalogs WHERE key = $1")
            .bind(&key)
            .fetch_optional(&mut *c)
            .await?;
        match existing {
            Some(old) if old == sha => summary.unchanged.push(key),
            Some(_) if !replace => return Err(StoreError::CatalogChanged { key }),
            Some(old) => {
                sqlx::query(
                    "UPDATE catalogs SET title_nb = $1, title_en = $2, date = $3, status = $4, content = $5, sha256 = $6, \
                     requirement_count = $7, imported_at = $8, imported_by = $9 WHERE key = $10",
                )
                .bind(catalog.title.get("nb"))
                .bind(&catalog.title.en)
                .bind(&catalog.date)
                .bind(status_of(catalog))
                .bind(&content)
                .bind(&sha)
                .bind(requirement_count(catalog))
                .bind(now)
                .bind(&actor.user_id)
                .bind(&key)
                .execute(&mut *c)
                .await?;
                sqlx::query("DELETE FROM catalog_nodes WHERE catalog_key = $1").bind(&key).execute(&mut *c).await?;
                insert_nodes(c, &key, catalog).await?;
                append_audit(c, actor, Change {
                    tenant_id: None,
                    action: "catalog.replace",
                    object_type: "catalog",
                    object_id: &key,
                    before: Some(serde_json::json!({ "key": key, "sha256": old }).to_string()),
                    after: Some(catalog_summary(catalog, &sha)),
                })
                .await?;
                summary.replaced.push(key);
            }
            None => {
                sqlx::query(sqlf!(
                    "INSERT INTO catalogs ({STORED_CATALOG_COLS}, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                ))
                .bind(&key)
                .bind(&catalog.id)
                .bind(&catalog.version)
                .bind(catalog.title.get("nb"))
                .bind(&catalog.title.en)
                .bind(&catalog.date)
                .bind(status_of(catalog))
                .bind(&sha)
                .bind(requirement_count(catalog))
                .bind(now)
                .bind(&actor.user_id)
                .bind(&content)
                .execute(&mut *c)
                .await?;
                insert_nodes(c, &key, catalog).await?;
                append_audit(c, actor, Change {
                    tenant_id: None,
                    action: "catalog.import",
                    object_type: "catalog",
                    object_id: &key,
                    before: None,
                    after: Some(catalog_summary(catalog, &sha)),
                })
                .await?;
                summary.added.push(key);
            }
        }
    }
    for mapping in &set.mappings {
        import_mapping(c, actor, mapping, replace, now, &mut summary).await?;
    }
    Ok(summary)
}

async fn import_mapping(c: &mut Conn, actor: &Actor, mapping: &Mapping, replace: bool, now: i64, summary: &mut ImportSummary) -> StoreResult<()> {
    let (from, to) = (mapping.from.key(), mapping.to.key());
    for key in [&from, &to] {
        let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalogs WHERE key = $1")
            .bind(key)
            .fetch_one(&mut *c)
            .await?;
        if found == 0 {
            return Err(StoreError::Invalid(Refusal::new("refusal-mapping-target", format!(
                "mapping {} refers to catalogue {key}, which is neither imported nor part of this import",
                mapping.id
            )).arg(&mapping.id).arg(key)));
        }
    }
    let content = to_json("mapping", mapping)?;
    let sha = sha256_hex(&content);
    let existing: Option<String> = sqlx::query_scalar("SELECT sha256 FROM catalog_mappings WHERE id = $1")
        .bind(&mapping.id)
        .fetch_optional(&mut *c)
        .await?;
    let after = Some(
        serde_json::json!({ "id": mapping.id, "from": from, "to": to, "entries": mapping.entries.len(), "sha256": sha })
            .to_string(),
    );
    match existing {
        Some(old) if old == sha => return Ok(()),
        Some(_) if !replace => return Err(StoreError::MappingChanged { id: mapping.id.clone() }),
        Some(old) => {
            sqlx::query(
                "UPDATE catalog_mappings SET from_key = $1, to_key = $2, content = $3, sha256 = $4, imported_at = $5, imported_by = $6 WHERE id = $7",
            )
            .bind(&from)
            .bind(&to)
            .bind(&content)
            .bind(&sha)
            .bind(now)
            .bind(&actor.user_id)
            .bind(&mapping.id)
            .execute(&mut *c)
            .await?;
            append_audit(c, actor, Change {
                tenant_id: None,
                action: "mapping.replace",
                object_type: "mapping",
                object_id: &mapping.id,
                before: Some(serde_json::json!({ "id": mapping.id, "sha256": old }).to_string()),
                after,
            })
            .await?;
        }
        None => {
            sqlx::query(
                "INSERT INTO catalog_mappings (id, from_key, to_key, content, sha256, imported_at, imported_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&mapping.id)
            .bind(&from)
            .bind(&to)
            .bind(&content)
            .bind(&sha)
            .bind(now)
            .bind(&actor.user_id)
            .execute(&mut *c)
            .await?;
            append_audit(c, actor, Change {
                tenant_id: None,
                action: "mapping.import",
                object_type: "mapping",
                object_id: &mapping.id,
                before: None,
                after,
            })
            .await?;
        }
    }
    summary.mappings += 1;
    Ok(())
}

fn status_of(catalog: &Catalog) -> Option<String> {
    catalog
        .status
        .and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
}

fn requirement_count(catalog: &Catalog) -> i64 {
    i64::try_from(catalog.assessable().count()).unwrap_or(i64::MAX)
}

/// What the audit entry records about a catalogue: enough to identify the
/// exact content, not the content itself.
fn catalog_summary(catalog: &Catalog, sha: &str) -> String {
    serde_json::json!({
        "key": catalog.key(),
        "title": catalog.title.get("nb"),
        "date": catalog.date,
        "nodes": catalog.nodes.len(),
        "requirements": requirement_count(catalog),
        "sha256": sha,
    })
    .to_string()
}

async fn insert_nodes(c: &mut Conn, key: &str, catalog: &Catalog) -> StoreResult<()> {
    let nodes: Vec<(usize, &etterlev_catalog::Node)> = catalog.nodes.iter().enumerate().collect();
    for chunk in nodes.chunks(NODE_CHUNK) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|r| {
                let cols: Vec<String> = (1..=10).map(|k| format!("${}", r * 10 + k)).collect();
                format!("({})", cols.join(", "))
            })
            .collect();
        let sql = sqlf!("INSERT INTO catalog_nodes ({NODE_COLS}) VALUES {}", rows.join(", "));
        let mut q = sqlx::query(sql);
        for (position, node) in chunk {
            q = q
                .bind(key)
                .bind(&node.id)
                .bind(i64::try_from(*position).unwrap_or(i64::MAX))
                .bind(&node.parent)
                .bind(node.kind.as_str())
                .bind(node.label())
                .bind(node.title.get("nb"))
                .bind(&node.title.en)
                .bind(node.text.as_ref().map(|t| t.get("nb")))
                .bind(node.text.as_ref().and_then(|t| t.en.as_ref()));
        }
        q.execute(&mut *c).await?;
    }
    set_chapters(c, key).await
}

/// Sets every node's `chapter_id` to its top-level ancestor (the loader has
/// refused parent cycles, so the walk ends). Same statement as the
/// migration's back-fill, for one catalogue.
async fn set_chapters(c: &mut Conn, key: &str) -> StoreResult<()> {
    sqlx::query(
        "WITH RECURSIVE up (node_id, ancestor, parent) AS ( \
             SELECT node_id, node_id, parent_id FROM catalog_nodes WHERE catalog_key = $1 \
             UNION ALL \
             SELECT up.node_id, p.node_id, p.parent_id FROM up \
             JOIN catalog_nodes p ON p.catalog_key = $1 AND p.node_id = up.parent) \
         UPDATE catalog_nodes SET chapter_id = ( \
             SELECT up.ancestor FROM up WHERE up.node_id = catalog_nodes.node_id AND up.parent IS NULL) \
         WHERE catalog_key = $1",
    )
    .bind(key)
    .execute(&mut *c)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct StoredCatalogRow {
    key: String,
    catalog_id: String,
    version: String,
    title_nb: String,
    title_en: Option<String>,
    date: String,
    status: Option<String>,
    sha256: String,
    requirement_count: i64,
    imported_at: i64,
    imported_by: Option<String>,
}

pub async fn list_catalogs(c: &mut Conn) -> StoreResult<Vec<StoredCatalog>> {
    let rows: Vec<StoredCatalogRow> = sqlx::query_as(sqlf!(
        "SELECT {STORED_CATALOG_COLS} FROM catalogs ORDER BY catalog_id, date, version"
    ))
    .fetch_all(&mut *c)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StoredCatalog {
            key: r.key,
            catalog_id: r.catalog_id,
            version: r.version,
            title: LocalText::new(r.title_nb, r.title_en),
            date: r.date,
            status: r.status,
            sha256: r.sha256,
            requirement_count: r.requirement_count,
            imported_at: r.imported_at,
            imported_by: r.imported_by,
        })
        .collect())
}

fn parse_content<T: serde::de::DeserializeOwned>(what: &str, key: &str, content: &str) -> StoreResult<T> {
    serde_json::from_str(content)
        .map_err(|e| StoreError::Internal(format!("stored {what} {key} cannot be read: {e}")))
}

pub async fn load_catalog(c: &mut Conn, key: &str) -> StoreResult<Option<Catalog>> {
    let content: Option<String> = sqlx::query_scalar("SELECT content FROM catalogs WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *c)
        .await?;
    content.map(|text| parse_content("catalogue", key, &text)).transpose()
}

pub async fn load_catalog_set(c: &mut Conn) -> StoreResult<CatalogSet> {
    let catalogs: Vec<(String, String)> =
        sqlx::query_as("SELECT key, content FROM catalogs ORDER BY catalog_id, date, version")
            .fetch_all(&mut *c)
            .await?;
    let mappings: Vec<(String, String)> = sqlx::query_as("SELECT id, content FROM catalog_mappings ORDER BY id")
        .fetch_all(&mut *c)
        .await?;
    Ok(CatalogSet {
        // Threat pictures are read from the files, not stored.
        threats: Vec::new(),
        catalogs: catalogs
            .iter()
            .map(|(key, text)| parse_content("catalogue", key, text))
            .collect::<StoreResult<_>>()?,
        mappings: mappings
            .iter()
            .map(|(id, text)| parse_content("mapping", id, text))
            .collect::<StoreResult<_>>()?,
    })
}

pub async fn catalog_stamp(c: &mut Conn) -> StoreResult<CatalogStamp> {
    let (catalogs, latest_catalog, mappings, latest_mapping): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM catalogs), (SELECT COALESCE(MAX(imported_at), 0) FROM catalogs), \
                (SELECT COUNT(*) FROM catalog_mappings), (SELECT COALESCE(MAX(imported_at), 0) FROM catalog_mappings)",
    )
    .fetch_one(&mut *c)
    .await?;
    Ok(CatalogStamp { catalogs, latest_catalog, mappings, latest_mapping })
}
