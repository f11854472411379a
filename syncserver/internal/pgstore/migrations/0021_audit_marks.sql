-- Issue 20 item 4 (ADR 0021): the audit log keeps a record once per (user,
-- device, record, UTC day). One row per record written to audit_log that
-- day; AppendAudit inserts them with ON CONFLICT DO NOTHING and logs only
-- the rows it inserted, so racing appends write a record once. Numbered
-- after the ADR, from outside the range other branches use; migrate applies
-- whatever is not yet applied, in version order. Rows live a day or two
-- (ExpireAuditMarks on the purge beat): the day leads the key, so expiry is
-- a range of the primary key.
CREATE TABLE audit_marks (
    day        date NOT NULL,
    school_id  uuid NOT NULL,
    user_id    uuid NOT NULL,
    device_id  text NOT NULL,
    record_id  uuid NOT NULL,
    PRIMARY KEY (day, school_id, user_id, device_id, record_id)
);
