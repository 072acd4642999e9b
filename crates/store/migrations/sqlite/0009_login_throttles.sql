-- Addresses whose failed sign-ins passed the threshold where further attempts
-- are slowed down. One row per address with the time it was last marked, so
-- the marking (and its audit entry) happens at most once per window however
-- many requests arrive at the same time. Rows older than a day are deleted
-- with the old login_failures rows.
-- Identical in meaning to the other backend's migration.

CREATE TABLE login_throttles (
    ip     TEXT PRIMARY KEY,
    since  BIGINT NOT NULL
);
