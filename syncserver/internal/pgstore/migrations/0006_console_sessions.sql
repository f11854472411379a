-- School console sessions (CONSOLE.md §2). Numbered 0006 because a parallel
-- branch may take 0005; migrate applies whatever is not yet applied, in
-- version order. Only the SHA-256 hash of the cookie's id is stored.
CREATE TABLE console_sessions (
    hash       bytea PRIMARY KEY,
    school_id  uuid NOT NULL REFERENCES schools (id),
    user_id    uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL
);
-- Disabling a user deletes their sessions; the purge deletes idle ones.
CREATE INDEX console_sessions_user ON console_sessions (user_id);
CREATE INDEX console_sessions_last_seen ON console_sessions (last_seen);
CREATE INDEX console_sessions_created ON console_sessions (created_at);
