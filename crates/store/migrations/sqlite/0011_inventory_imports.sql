-- An uploaded inventory table waiting for its column mapping: the import
-- is two steps (upload, then say which column is which), and the table is
-- kept here between them so nothing rides in the browser. Rows older than a
-- day are deleted when a new one is saved.
-- Identical in the PostgreSQL migration.

CREATE TABLE inventory_imports (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    id          TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    content     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
