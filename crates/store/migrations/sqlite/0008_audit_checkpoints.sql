-- Signed checkpoints of the audit chains: "chain `chain` had `seq` entries,
-- the last with hash `hash`", signed with an Ed25519 key kept outside the
-- database (`etterlev audit checkpoint`, and `etterlev serve` periodically).
-- Anyone who can write the database can still delete rows here; a copy of
-- every checkpoint in a witness file elsewhere shows that. Forging a row
-- needs the key. Identical in meaning to the other backend's migration.

CREATE TABLE audit_checkpoints (
    chain      TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    entries    BIGINT NOT NULL,
    hash       TEXT NOT NULL,
    at_ms      BIGINT NOT NULL,
    key_id     TEXT NOT NULL,
    signature  TEXT NOT NULL,
    PRIMARY KEY (chain, seq, key_id)
);

-- Append-only, like the log itself.
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoints is append-only');
END;

CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit_checkpoints is append-only');
END;
