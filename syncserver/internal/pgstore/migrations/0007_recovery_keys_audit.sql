-- Issue 15: per-device recovery keys (ADR 0020) and the audit of restricted
-- content (ADR 0021). Numbered 0007 from the range given to this branch;
-- migrate applies whatever is not yet applied, in version order.

-- One key per device. user_id is who stored it: only that user's tokens of
-- the device get it back. Revoking or wiping the device deletes the row in
-- the revocation's own transaction.
CREATE TABLE recovery_keys (
    school_id  uuid NOT NULL,
    device_id  text NOT NULL,
    user_id    uuid NOT NULL REFERENCES users (id),
    key        bytea NOT NULL CHECK (length(key) = 32),
    stored_at  timestamptz NOT NULL,
    PRIMARY KEY (school_id, device_id),
    FOREIGN KEY (school_id, device_id) REFERENCES devices (school_id, device_id)
);

-- Append-only: the server only inserts, reads by (school, at, id) and
-- deletes what is older than the retention (400 days). One row per response
-- that handed out restricted content, with the ids of those records (one
-- insert per response, however many): never the content.
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL,
    school_id  uuid NOT NULL,
    user_id    uuid NOT NULL,
    device_id  text NOT NULL,
    path       text NOT NULL CHECK (path IN ('pull', 'report', 'console', 'export')),
    record_ids uuid[] NOT NULL CHECK (cardinality(record_ids) > 0)
);
CREATE INDEX audit_log_school_at ON audit_log (school_id, at, id);
CREATE INDEX audit_log_at ON audit_log (at);
