-- The enterprise profile: the conditions that hold for a tenant (uses cloud
-- services, essential service provider, ...), beside its kind and size. One
-- stored profile drives what applies in every view (catalogue filter, new
-- assessments, the wizard). Comma-separated condition names in sorted order;
-- NULL means the tenant has not filled it in yet.
-- Identical in meaning to the other backend's migration.

ALTER TABLE tenants ADD COLUMN profile_conditions TEXT;
