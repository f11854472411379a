-- Failed logins in bounded space (issue 11, PROTOCOL §4). The old table kept
-- a row per attempt for any client-chosen school slug and username; the new
-- one keeps one row per key (auth.LoginKey: a user's id, or one of a fixed
-- number of slots for names that match no user), holding at most the
-- limit's number of times. Counting happens under the row's lock, so
-- concurrent attempts on any instance count like sequential ones.
DROP TABLE login_failures;

CREATE TABLE login_attempts (
    key     text PRIMARY KEY,
    times   bigint[] NOT NULL,
    last_at bigint NOT NULL
);
CREATE INDEX login_attempts_last ON login_attempts (last_at);
