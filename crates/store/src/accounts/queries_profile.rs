// ------------------------------------------------------------ tenant profile
//
// The enterprise profile's conditions (migration 0007): a comma-separated
// list of condition names, NULL until the tenant fills it in.

pub async fn tenant_conditions(c: &mut Conn, tenant_id: &str) -> StoreResult<Option<String>> {
    let row: Option<(Option<String>,)> = sqlx::query_as("SELECT profile_conditions FROM tenants WHERE id = $1")
        .bind(tenant_id)
        .fetch_optional(&mut *c)
        .await?;
    row.map(|(v,)| v).ok_or(StoreError::NotFound)
}

pub async fn set_tenant_conditions(c: &mut Conn, actor: &Actor, tenant_id: &str, conditions: &str) -> StoreResult<()> {
    let before = tenant_conditions(c, tenant_id).await?;
    sqlx::query("UPDATE tenants SET profile_conditions = $1 WHERE id = $2")
        .bind(conditions)
        .bind(tenant_id)
        .execute(&mut *c)
        .await?;
    append_audit(
        c,
        actor,
        Change {
            tenant_id: Some(tenant_id),
            action: "tenant.profile",
            object_type: "tenant",
            object_id: tenant_id,
            before,
            after: Some(conditions.to_string()),
        },
    )
    .await
}
