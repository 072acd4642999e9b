-- Requirement catalogues (issue 4): global reference data, not tenant data,
-- so no tenant_id (on a sharded PostgreSQL these are reference tables).
--
-- A catalogue version ("normen@6.0") is immutable: re-importing the same key
-- with the same content (sha256 of `content`) changes nothing, different
-- content is refused unless the operator asks to replace it. `content` is
-- the whole catalogue as JSON text (TEXT, not JSONB, so the bytes and their
-- hash stay exactly as written). `catalog_nodes` repeats each node as a row
-- so that later tables (assessments) can reference a node with a foreign key.
-- Identical in the PostgreSQL migration.

CREATE TABLE catalogs (
    key                TEXT PRIMARY KEY,
    catalog_id         TEXT NOT NULL,
    version            TEXT NOT NULL,
    title_nb           TEXT NOT NULL,
    title_en           TEXT,
    date               TEXT NOT NULL,
    status             TEXT,
    content            TEXT NOT NULL,
    sha256             TEXT NOT NULL,
    requirement_count  BIGINT NOT NULL,
    imported_at        BIGINT NOT NULL,
    imported_by        TEXT,
    CONSTRAINT catalogs_id_version_key UNIQUE (catalog_id, version)
);

CREATE TABLE catalog_nodes (
    catalog_key  TEXT NOT NULL REFERENCES catalogs(key) ON DELETE CASCADE,
    node_id      TEXT NOT NULL,
    position     BIGINT NOT NULL,
    parent_id    TEXT,
    kind         TEXT NOT NULL,
    label        TEXT NOT NULL,
    title_nb     TEXT NOT NULL,
    title_en     TEXT,
    text_nb      TEXT,
    text_en      TEXT,
    PRIMARY KEY (catalog_key, node_id)
);

CREATE TABLE catalog_mappings (
    id           TEXT PRIMARY KEY,
    from_key     TEXT NOT NULL REFERENCES catalogs(key),
    to_key       TEXT NOT NULL REFERENCES catalogs(key),
    content      TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    imported_at  BIGINT NOT NULL,
    imported_by  TEXT
);
CREATE INDEX catalog_mappings_from_idx ON catalog_mappings (from_key);
CREATE INDEX catalog_mappings_to_idx ON catalog_mappings (to_key);
