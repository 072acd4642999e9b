-- The enterprise's own words for the four protection levels of each
-- dimension (confidentiality, integrity, availability). A level without a
-- row uses the default text, our own words after the risk-management guide.
-- Identical in the PostgreSQL migration.

CREATE TABLE level_texts (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    dimension  TEXT NOT NULL CHECK (dimension IN ('confidentiality', 'integrity', 'availability')),
    level      BIGINT NOT NULL CHECK (level BETWEEN 1 AND 4),
    text       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, dimension, level)
);
