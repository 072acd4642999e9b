-- Reminders: evidence that expires, what has passed its date, the daily
-- digest by e-mail and the personal calendar feed.
--
-- evidence.valid_until: YYYY-MM-DD after which the evidence no longer
-- shows that the requirement is met (a certificate, a test report).
-- expiry_marks: a measure whose review date, or evidence whose validity,
-- has passed, as marked by the server's job; the key makes marking the same
-- date twice a no-op, so the job is safe to run twice and after a restart.
-- reminder_digests: one row per user and (Oslo) day a digest was sent, so
-- a user gets at most one a day whatever runs it.
-- calendar_tokens: the hash of each user's calendar-feed token (the link is
-- the secret; revoking deletes the row).
-- Identical in the PostgreSQL migration.

ALTER TABLE evidence ADD COLUMN valid_until TEXT;

CREATE TABLE expiry_marks (
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    object_type  TEXT NOT NULL CHECK (object_type IN ('measure', 'evidence')),
    object_id    TEXT NOT NULL,
    due          TEXT NOT NULL,
    marked_at    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, object_type, object_id, due)
);

CREATE TABLE reminder_digests (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day      TEXT NOT NULL,
    sent_at  BIGINT NOT NULL,
    items    BIGINT NOT NULL,
    PRIMARY KEY (user_id, day)
);

CREATE TABLE calendar_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL
);
CREATE INDEX calendar_tokens_user_idx ON calendar_tokens (user_id);
