-- Read indexes, so a report reads only the records it needs (version 3).
--
-- `refs` holds the record ids a live record's data references (record.Refs:
-- student_id, group_id, plan_id, … per type); NULL means not computed yet.
-- SQL cannot compute it exactly as the Go code does (and jsonb refuses some
-- valid JSON, such as "\u0000"), so the server fills it in Go right after
-- this migration (backfillRefs), under the same migration lock, and every
-- push writes it. Tombstones reference nothing.
ALTER TABLE records ADD COLUMN refs text[];
UPDATE records SET refs = '{}' WHERE deleted;
-- No pending list: with it, every lookup scanned up to 4 MB of unmerged
-- entries after a bulk push (4 ms instead of 0.1 ms per report query).
CREATE INDEX records_refs ON records USING gin (refs) WITH (fastupdate = off);
CREATE INDEX records_type ON records (school_id, type) WHERE NOT deleted;
-- Lets the backfill find what is left without scanning the table; empty
-- once it has run.
CREATE INDEX records_refs_todo ON records (school_id, id) WHERE refs IS NULL;
