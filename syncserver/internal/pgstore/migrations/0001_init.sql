-- Small Wins sync server schema, version 1.
CREATE TABLE meta (
    k text PRIMARY KEY,
    v text NOT NULL
);

-- One row per school; `seq` is the last sequence number handed out and
-- `horizon` the highest seq of a purged tombstone. A push locks its school's
-- row from seq allocation until commit, so seqs become visible in order
-- (see docs/postgres.md).
CREATE TABLE schools (
    id         uuid PRIMARY KEY,
    slug       text NOT NULL UNIQUE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL,
    seq        bigint NOT NULL DEFAULT 0,
    horizon    bigint NOT NULL DEFAULT 0
);

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    school_id     uuid NOT NULL REFERENCES schools (id),
    username      text NOT NULL,
    name          text NOT NULL,
    role          text NOT NULL,
    password_hash bytea NOT NULL,
    created_at    timestamptz NOT NULL,
    UNIQUE (school_id, username)
);

CREATE TABLE devices (
    school_id    uuid NOT NULL REFERENCES schools (id),
    device_id    text NOT NULL,
    user_id      uuid NOT NULL REFERENCES users (id),
    name         text NOT NULL,
    enrolled_at  timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    revoked      boolean NOT NULL DEFAULT false,
    PRIMARY KEY (school_id, device_id)
);

-- Only hashes of tokens are stored.
CREATE TABLE tokens (
    hash      bytea PRIMARY KEY,
    school_id uuid NOT NULL,
    user_id   uuid NOT NULL,
    device_id text NOT NULL,
    FOREIGN KEY (school_id, device_id) REFERENCES devices (school_id, device_id)
);

CREATE TABLE login_failures (
    school_slug text NOT NULL,
    username    text NOT NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (school_slug, username, at);

CREATE TABLE records (
    school_id   uuid NOT NULL,
    id          text NOT NULL,
    seq         bigint NOT NULL,
    hlc         text NOT NULL,
    type        text NOT NULL,
    deleted     boolean NOT NULL,
    restricted  boolean NOT NULL,
    author      text NOT NULL,
    received_at timestamptz NOT NULL,
    data        bytea,
    PRIMARY KEY (school_id, id)
);
CREATE UNIQUE INDEX records_seq ON records (school_id, seq);
CREATE INDEX records_tombstones ON records (received_at) WHERE deleted;

-- What is left of a purged tombstone: it still decides later pushes.
CREATE TABLE stubs (
    school_id uuid NOT NULL,
    id        text NOT NULL,
    hlc       text NOT NULL,
    PRIMARY KEY (school_id, id)
);
