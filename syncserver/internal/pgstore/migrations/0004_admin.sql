-- Administration (PROTOCOL §13). Numbered 0004 so that it lands beside
-- another branch's 0003; migrate applies whatever is not yet applied, in
-- version order, so either may be merged first.

-- A disabled user cannot enrol and has no live token.
ALTER TABLE users ADD COLUMN disabled boolean NOT NULL DEFAULT false;

-- One-time enrolment codes, stored only as SHA-256 hashes. Consuming one is a
-- single UPDATE ... WHERE used_at IS NULL, so two racing enrolments cannot
-- both use it. Used and expired rows are deleted on the purge beat.
CREATE TABLE enrolment_codes (
    hash       bytea PRIMARY KEY,
    school_id  uuid NOT NULL REFERENCES schools (id),
    user_id    uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX enrolment_codes_expires ON enrolment_codes (expires_at);

-- Revoked token hashes, at most store.MaxDeadTokensPerDevice per device (the
-- newest), so that a wipe can answer a device's old tokens with
-- device_wiped. wiped_at is the wipe mark: NULL while only revoked.
CREATE TABLE dead_tokens (
    hash       bytea PRIMARY KEY,
    n          bigint GENERATED ALWAYS AS IDENTITY, -- revocation order, to keep the newest
    school_id  uuid NOT NULL,
    device_id  text NOT NULL,
    revoked_at timestamptz NOT NULL,
    wiped_at   timestamptz,
    FOREIGN KEY (school_id, device_id) REFERENCES devices (school_id, device_id)
);
CREATE INDEX dead_tokens_device ON dead_tokens (school_id, device_id, n);
CREATE INDEX dead_tokens_wiped ON dead_tokens (wiped_at) WHERE wiped_at IS NOT NULL;
