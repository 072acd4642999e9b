-- Inventory and measures: the enterprise's information systems, the
-- integrations between them, and its own security measures with the systems
-- they protect and the requirements they serve.
--
-- Tenant-owned: tenant_id is the first column of every primary key and of
-- every foreign key between these tables, so no row can point into another
-- tenant. `version` carries optimistic locking. Enumerations are the machine
-- names of `etterlev_core::inventory`; the CHECK constraints repeat them.
-- Protection levels are 1–4. Dates are YYYY-MM-DD text, times BIGINT ms.
-- A system with integrations or measures cannot be deleted (the foreign
-- keys refuse it); the page says to remove those first.
-- Identical in the PostgreSQL migration.

CREATE TABLE systems (
    tenant_id        TEXT NOT NULL REFERENCES tenants(id),
    id               TEXT NOT NULL,
    name             TEXT NOT NULL,
    purpose          TEXT,
    owner            TEXT,
    administrator    TEXT,
    users            TEXT,
    staff_users      BOOLEAN NOT NULL DEFAULT FALSE,
    patient_users    BOOLEAN NOT NULL DEFAULT FALSE,
    data_category    TEXT NOT NULL CHECK (data_category IN ('health', 'special', 'personal', 'none')),
    health_register  BOOLEAN NOT NULL DEFAULT FALSE,
    confidentiality  BIGINT NOT NULL CHECK (confidentiality BETWEEN 1 AND 4),
    integrity        BIGINT NOT NULL CHECK (integrity BETWEEN 1 AND 4),
    availability     BIGINT NOT NULL CHECK (availability BETWEEN 1 AND 4),
    criticality      TEXT NOT NULL CHECK (criticality IN ('none', 'supporting', 'important', 'critical')),
    hosting          TEXT NOT NULL CHECK (hosting IN ('own_premises', 'regional_it', 'supplier_data_centre', 'cloud', 'patient_home')),
    cloud_provider   TEXT,
    cloud_region     TEXT,
    supplier         TEXT,
    medical_device   BOOLEAN NOT NULL DEFAULT FALSE,
    mdr_class        TEXT CHECK (mdr_class IN ('i', 'iia', 'iib', 'iii')),
    ai_component     BOOLEAN NOT NULL DEFAULT FALSE,
    internet_exposed BOOLEAN NOT NULL DEFAULT FALSE,
    remote_access    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    version          BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX systems_name_idx ON systems (tenant_id, name);

CREATE TABLE integrations (
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    id             TEXT NOT NULL,
    from_system    TEXT NOT NULL,
    to_system      TEXT NOT NULL,
    both_ways      BOOLEAN NOT NULL DEFAULT FALSE,
    data           TEXT NOT NULL,
    protocol       TEXT NOT NULL CHECK (protocol IN ('hl7v2', 'fhir', 'file_transfer', 'email', 'api', 'other')),
    frequency      TEXT NOT NULL CHECK (frequency IN ('real_time', 'hourly', 'daily', 'weekly', 'on_demand')),
    source_system  TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, from_system) REFERENCES systems (tenant_id, id),
    FOREIGN KEY (tenant_id, to_system) REFERENCES systems (tenant_id, id),
    FOREIGN KEY (tenant_id, source_system) REFERENCES systems (tenant_id, id)
);
CREATE INDEX integrations_from_idx ON integrations (tenant_id, from_system);
CREATE INDEX integrations_to_idx ON integrations (tenant_id, to_system);

CREATE TABLE measures (
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    id             TEXT NOT NULL,
    title          TEXT NOT NULL,
    description    TEXT,
    kind           TEXT NOT NULL CHECK (kind IN ('organisational', 'technical', 'physical')),
    status         TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'implemented', 'retired')),
    owner          TEXT,
    review_by      TEXT,
    check_method   TEXT,
    check_interval TEXT,
    last_checked   TEXT,
    last_result    TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE measure_systems (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    measure_id  TEXT NOT NULL,
    system_id   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, measure_id, system_id),
    FOREIGN KEY (tenant_id, measure_id) REFERENCES measures (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, system_id) REFERENCES systems (tenant_id, id)
);
CREATE INDEX measure_systems_system_idx ON measure_systems (tenant_id, system_id);

CREATE TABLE measure_requirements (
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    measure_id   TEXT NOT NULL,
    catalog_key  TEXT NOT NULL,
    node_id      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, measure_id, catalog_key, node_id),
    FOREIGN KEY (tenant_id, measure_id) REFERENCES measures (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX measure_requirements_node_idx ON measure_requirements (tenant_id, catalog_key, node_id);
