-- Self-assessments (issue 5): assessments, answers per requirement, evidence
-- (files stored content-addressed per tenant in `blobs`, or links) and the
-- action plan.
--
-- Tenant-owned: tenant_id is the first column of every primary key and every
-- foreign key between these tables includes it (co-located on a sharded
-- PostgreSQL). `version` columns carry optimistic locking: a change says which
-- version it read, and `UPDATE … WHERE version = $expected` refuses stale ones.
-- Answers name catalogue nodes by id; the store checks them against
-- `catalog_nodes` (no foreign key, because replacing a catalogue version
-- rewrites its node rows). Dates are YYYY-MM-DD text, times BIGINT ms.
-- Identical in the PostgreSQL migration except BLOB/BYTEA.

CREATE TABLE assessments (
    tenant_id     TEXT NOT NULL REFERENCES tenants(id),
    id            TEXT NOT NULL,
    catalog_key   TEXT NOT NULL REFERENCES catalogs(key),
    title         TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('full', 'wizard')),
    owner         TEXT,
    period_start  TEXT,
    period_end    TEXT,
    profile       TEXT NOT NULL,
    previous_id   TEXT,
    closed        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, previous_id) REFERENCES assessments (tenant_id, id)
);
CREATE INDEX assessments_created_idx ON assessments (tenant_id, created_at);

CREATE TABLE answers (
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    assessment_id  TEXT NOT NULL,
    node_id        TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('not_applicable', 'not_started', 'partly', 'implemented', 'verified')),
    maturity       BIGINT CHECK (maturity BETWEEN 0 AND 5),
    owner          TEXT,
    due_date       TEXT,
    comment        TEXT,
    na_reason      TEXT,
    wizard_answer  TEXT CHECK (wizard_answer IN ('yes', 'partly', 'no', 'dont_know')),
    needs_review   BOOLEAN NOT NULL DEFAULT FALSE,
    version        BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    updated_by     TEXT,
    PRIMARY KEY (tenant_id, assessment_id, node_id),
    FOREIGN KEY (tenant_id, assessment_id) REFERENCES assessments (tenant_id, id)
);

CREATE TABLE blobs (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    sha256      TEXT NOT NULL,
    size        BIGINT NOT NULL,
    bytes       BLOB NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, sha256)
);

CREATE TABLE evidence (
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    id             TEXT NOT NULL,
    assessment_id  TEXT NOT NULL,
    node_id        TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('file', 'link')),
    filename       TEXT,
    content_type   TEXT,
    size           BIGINT,
    sha256         TEXT,
    url            TEXT,
    created_at     BIGINT NOT NULL,
    created_by     TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, assessment_id) REFERENCES assessments (tenant_id, id),
    FOREIGN KEY (tenant_id, sha256) REFERENCES blobs (tenant_id, sha256),
    CHECK ((kind = 'file' AND sha256 IS NOT NULL) OR (kind = 'link' AND url IS NOT NULL))
);
CREATE INDEX evidence_assessment_idx ON evidence (tenant_id, assessment_id, node_id);
CREATE INDEX evidence_blob_idx ON evidence (tenant_id, sha256);

CREATE TABLE actions (
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    id             TEXT NOT NULL,
    title          TEXT NOT NULL,
    description    TEXT,
    assessment_id  TEXT,
    catalog_key    TEXT,
    node_id        TEXT,
    owner          TEXT,
    deadline       TEXT,
    priority       TEXT NOT NULL CHECK (priority IN ('patient_safety', 'high', 'medium', 'low')),
    status         TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, assessment_id) REFERENCES assessments (tenant_id, id)
);
CREATE INDEX actions_assessment_idx ON actions (tenant_id, assessment_id);
