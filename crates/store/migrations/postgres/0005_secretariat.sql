-- The Normen secretariat (issue 7, module M11): the document portfolio,
-- steering-group organisations, meetings, cases and decisions, follow-ups,
-- the annual action plan, and what sector statistics need.
--
-- Sector-level data, not tenant-owned: only users with the secretariat flag
-- reach it (the store's `SecretariatScope`), and its audit entries go to the
-- system chain. Statuses, kinds and roles are the machine names of
-- `etterlev_core::secretariat`; the CHECK constraints repeat them. Dates are
-- YYYY-MM-DD text, clock times HH:MM text, instants BIGINT ms. `version`
-- columns carry optimistic locking.
-- Identical in the other backend's migration.

-- An enterprise opts in to the anonymous sector statistics.
ALTER TABLE tenants ADD COLUMN share_statistics BOOLEAN NOT NULL DEFAULT FALSE;

-- The chapter (top-level ancestor) of every catalogue node, so statistics
-- group answers by chapter in SQL. Set on import; filled here for the
-- catalogues already stored.
ALTER TABLE catalog_nodes ADD COLUMN chapter_id TEXT;
WITH RECURSIVE up (catalog_key, node_id, ancestor, parent) AS (
    SELECT catalog_key, node_id, node_id, parent_id FROM catalog_nodes
    UNION ALL
    SELECT up.catalog_key, up.node_id, p.node_id, p.parent_id
    FROM up JOIN catalog_nodes p ON p.catalog_key = up.catalog_key AND p.node_id = up.parent
)
UPDATE catalog_nodes SET chapter_id = (
    SELECT up.ancestor FROM up
    WHERE up.catalog_key = catalog_nodes.catalog_key AND up.node_id = catalog_nodes.node_id AND up.parent IS NULL
);

-- Settings of the secretariat (e.g. the statistics threshold k).
CREATE TABLE sec_settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE sec_organisations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    short_name  TEXT,
    created_at  BIGINT NOT NULL,
    CONSTRAINT sec_organisations_name_key UNIQUE (name)
);

-- A seat in the steering group over a period, with its people.
CREATE TABLE sec_memberships (
    id               TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES sec_organisations(id),
    role             TEXT NOT NULL CHECK (role IN ('member', 'observer')),
    valid_from       TEXT NOT NULL,
    valid_to         TEXT,
    representative   TEXT,
    deputy           TEXT,
    created_at       BIGINT NOT NULL,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX sec_memberships_org_idx ON sec_memberships (organisation_id);

CREATE TABLE sec_documents (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('norm', 'fact_sheet', 'guide', 'guideline', 'other')),
    number         TEXT,
    title          TEXT NOT NULL,
    doc_version    TEXT,
    status         TEXT NOT NULL CHECK (status IN ('idea', 'draft', 'working_group', 'public_consultation',
                       'for_decision', 'approved', 'withdrawn', 'published', 'due_for_revision')),
    owner          TEXT,
    working_group  TEXT,
    catalog_key    TEXT REFERENCES catalogs(key),
    published_on   TEXT,
    next_revision  TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL,
    CONSTRAINT sec_documents_kind_number_key UNIQUE (kind, number)
);

-- Every status change of a document, with the case that decided it.
CREATE TABLE sec_document_history (
    document_id  TEXT NOT NULL REFERENCES sec_documents(id),
    seq          BIGINT NOT NULL,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    case_id      TEXT,
    note         TEXT,
    at           BIGINT NOT NULL,
    by_label     TEXT NOT NULL,
    PRIMARY KEY (document_id, seq)
);

CREATE TABLE sec_consultations (
    id           TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES sec_documents(id),
    opens        TEXT NOT NULL,
    closes       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    CHECK (closes >= opens)
);
CREATE INDEX sec_consultations_doc_idx ON sec_consultations (document_id);

CREATE TABLE sec_consultation_comments (
    id               TEXT PRIMARY KEY,
    consultation_id  TEXT NOT NULL REFERENCES sec_consultations(id),
    organisation     TEXT NOT NULL,
    received_on      TEXT NOT NULL,
    summary          TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX sec_consultation_comments_idx ON sec_consultation_comments (consultation_id);

CREATE TABLE sec_meetings (
    id            TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    meeting_date  TEXT NOT NULL,
    starts        TEXT,
    ends          TEXT,
    place         TEXT,
    created_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL
);

CREATE TABLE sec_attendance (
    meeting_id       TEXT NOT NULL REFERENCES sec_meetings(id),
    organisation_id  TEXT NOT NULL REFERENCES sec_organisations(id),
    person           TEXT,
    status           TEXT NOT NULL CHECK (status IN ('present', 'apologies', 'digital', 'present_from')),
    present_from     TEXT,
    PRIMARY KEY (meeting_id, organisation_id),
    CHECK ((status = 'present_from') = (present_from IS NOT NULL))
);

-- Cases are numbered NN/YY; the number runs through the year.
CREATE TABLE sec_cases (
    id               TEXT PRIMARY KEY,
    meeting_id       TEXT NOT NULL REFERENCES sec_meetings(id),
    case_year        BIGINT NOT NULL,
    case_number      BIGINT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('decision', 'information', 'discussion')),
    title            TEXT NOT NULL,
    time_slot        TEXT,
    presenter        TEXT,
    background       TEXT,
    proposal         TEXT,
    document_id      TEXT REFERENCES sec_documents(id),
    proposed_status  TEXT,
    decision         TEXT,
    decided_status   TEXT,
    decided_at       BIGINT,
    created_at       BIGINT NOT NULL,
    version          BIGINT NOT NULL,
    CONSTRAINT sec_cases_year_number_key UNIQUE (case_year, case_number)
);
CREATE INDEX sec_cases_meeting_idx ON sec_cases (meeting_id);
CREATE INDEX sec_cases_document_idx ON sec_cases (document_id);

CREATE TABLE sec_case_comments (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES sec_cases(id),
    organisation_id  TEXT NOT NULL REFERENCES sec_organisations(id),
    comment          TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX sec_case_comments_idx ON sec_case_comments (case_id);

-- Follow-up items, carried from meeting to meeting until done.
CREATE TABLE sec_followups (
    id          TEXT PRIMARY KEY,
    meeting_id  TEXT NOT NULL REFERENCES sec_meetings(id),
    case_id     TEXT REFERENCES sec_cases(id),
    title       TEXT NOT NULL,
    owner       TEXT,
    due         TEXT,
    status      TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done')),
    created_at  BIGINT NOT NULL
);

-- The annual action plan (handlingsplan).
CREATE TABLE sec_plan_items (
    id              TEXT PRIMARY KEY,
    plan_year       BIGINT NOT NULL,
    strategy_point  TEXT NOT NULL,
    title           TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done')),
    owner           TEXT,
    document_id     TEXT REFERENCES sec_documents(id),
    case_id         TEXT REFERENCES sec_cases(id),
    created_at      BIGINT NOT NULL
);
CREATE INDEX sec_plan_items_year_idx ON sec_plan_items (plan_year);
