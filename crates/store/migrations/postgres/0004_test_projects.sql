-- Test projects (issue 6, module M9): the test-data guideline as a checklist
-- per test project, ending in a recorded decision.
--
-- Tenant-owned like the assessment tables: tenant_id is the first column of
-- every primary key and of every foreign key between these tables. `version`
-- columns carry optimistic locking (`UPDATE … WHERE version = $expected`).
-- Check keys, answers, data kinds and decisions are the machine names of
-- `etterlev_core::testdata_guideline`; the CHECK constraints repeat them so
-- the database refuses anything else. Dates are YYYY-MM-DD text, times
-- BIGINT ms. `test_project_decisions` keeps every decision ever recorded
-- (the current one is also on the project row), with the checklist as it
-- stood, for the decision history and the printable record.
-- Identical in the SQLite migration.

CREATE TABLE test_projects (
    tenant_id        TEXT NOT NULL REFERENCES tenants(id),
    id               TEXT NOT NULL,
    name             TEXT NOT NULL,
    system_name      TEXT NOT NULL,
    environment      TEXT,
    purpose          TEXT,
    owner            TEXT,
    supplier         TEXT,
    data_kind        TEXT NOT NULL CHECK (data_kind IN ('synthetic', 'anonymous', 'pseudonymous', 'real')),
    delete_by        TEXT,
    decision         TEXT CHECK (decision IN ('approved', 'approved_with_conditions', 'rejected')),
    decision_reason  TEXT,
    conditions       TEXT,
    review_by        TEXT,
    decided_by       TEXT,
    decided_at       BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    version          BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX test_projects_created_idx ON test_projects (tenant_id, created_at);

CREATE TABLE test_project_checks (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    project_id  TEXT NOT NULL,
    check_key   TEXT NOT NULL CHECK (check_key IN ('purpose', 'why_not_synthetic', 'why_not_anonymous_or_pseudonymous',
                    'closed_environment', 'separate_environments', 'access_control', 'logging', 'data_minimisation',
                    'deletion', 'processing_agreement', 'risk_assessment')),
    answer      TEXT NOT NULL CHECK (answer IN ('yes', 'partly', 'no', 'not_relevant')),
    note        TEXT,
    updated_by  TEXT,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, project_id, check_key),
    FOREIGN KEY (tenant_id, project_id) REFERENCES test_projects (tenant_id, id)
);

CREATE TABLE test_project_decisions (
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    project_id   TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    decision     TEXT NOT NULL CHECK (decision IN ('approved', 'approved_with_conditions', 'rejected')),
    reason       TEXT NOT NULL,
    conditions   TEXT,
    review_by    TEXT,
    data_kind    TEXT NOT NULL CHECK (data_kind IN ('synthetic', 'anonymous', 'pseudonymous', 'real')),
    delete_by    TEXT,
    checks       TEXT NOT NULL,
    decided_by   TEXT NOT NULL,
    decided_at   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, project_id, seq),
    FOREIGN KEY (tenant_id, project_id) REFERENCES test_projects (tenant_id, id)
);
