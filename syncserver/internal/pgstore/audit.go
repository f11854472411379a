package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"smallwins/syncserver/internal/store"
)

// The audit of restricted content (store.AuditLog, ADR 0021): table
// audit_log (migration 0007), one row per response with the ids of the
// records it handed out, and audit_marks (migration 0021), one row per
// record written per (day, user, device).

// appendAuditSQL writes a batch's news in one statement: the batch's
// records, each once, less those already marked for the day (a read of the
// index: an admin's repeated pulls try no insert) and those the user wrote
// (records.author, PROTOCOL §6); their marks inserted in id order (so two
// racing appends take the index's locks in the same order and cannot
// deadlock), a conflict meaning "marked meanwhile"; and one audit_log row
// with the records whose mark this statement inserted, in batch order, when
// there is any. A racing append with the same marks waits for this one to
// commit, then finds them.
const appendAuditSQL = `WITH batch AS (
		SELECT DISTINCT ON (r.id) r.id, r.n FROM unnest($6::text[]) WITH ORDINALITY AS r(id, n)
		WHERE r.id::uuid NOT IN (SELECT m.record_id FROM audit_marks m WHERE m.day = $7::date AND m.school_id = $2::uuid
				AND m.user_id = $3::uuid AND m.device_id = $4 AND m.record_id = ANY($6::uuid[]))
			AND r.id NOT IN (SELECT x.id FROM records x WHERE x.school_id = $2::uuid AND x.id = ANY($6::text[]) AND x.author = $3::text)
		ORDER BY r.id, r.n
	), marked AS (
		INSERT INTO audit_marks (day, school_id, user_id, device_id, record_id)
		SELECT $7::date, $2::uuid, $3::uuid, $4, id::uuid FROM batch ORDER BY id
		ON CONFLICT DO NOTHING
		RETURNING record_id
	)
	INSERT INTO audit_log (at, school_id, user_id, device_id, path, record_ids)
	SELECT $1, $2::uuid, $3::uuid, $4, $5, array_agg(b.id::uuid ORDER BY b.n)
	FROM batch b JOIN marked m ON m.record_id = b.id::uuid
	HAVING count(*) > 0`

// AppendAudit writes what of a response's batch is news with one
// statement (appendAuditSQL).
func (s *Store) AppendAudit(ctx context.Context, b store.AuditBatch) error {
	if len(b.RecordIDs) == 0 {
		return nil
	}
	if err := store.CheckAuditBatch(b); err != nil {
		return err
	}
	// QueryExecModeExec plans with the values each time: the generic plan
	// a prepared statement falls back to after five runs scanned the marks
	// once per record (a second or more per 5,000-record pull, measured).
	_, err := s.pool.Exec(ctx, appendAuditSQL, pgx.QueryExecModeExec, b.At.UTC().Truncate(time.Millisecond), b.SchoolID, b.UserID,
		b.DeviceID, b.Path, b.RecordIDs, auditDate(b.At))
	return wrap("append audit", err)
}

// auditDate is the UTC day of t (store.AuditDay) as a date: text, so the
// session's time zone never moves it.
func auditDate(t time.Time) string {
	return time.UnixMilli(store.AuditDay(t) * (24 * time.Hour).Milliseconds()).UTC().Format(time.DateOnly)
}

// ExpireAuditMarks deletes the marks of the days before before's UTC day:
// a range of the primary key, which the day leads.
func (s *Store) ExpireAuditMarks(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM audit_marks WHERE day < $1::date`, auditDate(before))
	if err != nil {
		return 0, wrap("expire audit marks", err)
	}
	return int(tag.RowsAffected()), nil
}

// maxAuditMS is the last millisecond of year 9999: no entry is later.
var maxAuditMS = time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC).UnixMilli()

// ListAudit reads one page of a school's entries in (at, id, index) order:
// the rows from the index on (school_id, at, id), each unnested into its
// records.
func (s *Store) ListAudit(ctx context.Context, q store.AuditQuery) ([]store.AuditEntry, bool, error) {
	limit := min(max(q.Limit, 1), store.MaxAuditPage)
	out := []store.AuditEntry{}
	if !isUUID(q.SchoolID) {
		return out, false, nil
	}
	// Without a cursor, (at, id, n) > (Since - 1 ms, max, 0) is just at >=
	// Since (times are whole milliseconds); with one, both bounds hold.
	since := q.Since.UTC().Truncate(time.Millisecond)
	if since.UnixMilli() > maxAuditMS {
		return out, false, nil
	}
	afterAt, afterID, afterN := since.Add(-time.Millisecond), int64(1<<62), int64(0)
	if a := q.After; a != nil {
		// PostgreSQL's timestamps end in year 294276 and pgx's encoding
		// overflows before: a cursor past year 9999 is past every entry.
		if a.AtMS > maxAuditMS {
			return out, false, nil
		}
		afterAt, afterID, afterN = time.UnixMilli(max(a.AtMS, -1)).UTC(), a.Seq, int64(a.Index)+1 // ordinality counts from 1
	}
	rows, err := s.pool.Query(ctx, `SELECT a.id, a.at, a.user_id::text, a.device_id, a.path, r.rec::text, r.n
		FROM audit_log a CROSS JOIN LATERAL unnest(a.record_ids) WITH ORDINALITY AS r(rec, n)
		WHERE a.school_id = $1 AND a.at >= $2 AND (a.at, a.id) >= ($3, $4) AND (a.at, a.id, r.n) > ($3, $4, $5)
		ORDER BY a.at, a.id, r.n LIMIT $6`,
		q.SchoolID, since, afterAt, afterID, afterN, limit+1)
	if err != nil {
		return nil, false, wrap("list audit", err)
	}
	defer rows.Close()
	for rows.Next() {
		e := store.AuditEntry{SchoolID: q.SchoolID}
		var n int64
		if err := rows.Scan(&e.Seq, &e.At, &e.UserID, &e.DeviceID, &e.Path, &e.RecordID, &n); err != nil {
			return nil, false, wrap("list audit", err)
		}
		e.At, e.Index = e.At.UTC(), int(n-1)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, false, wrap("list audit", err)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// PurgeAudit deletes the batches older than `before`.
func (s *Store) PurgeAudit(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM audit_log WHERE at < $1`, before)
	if err != nil {
		return 0, wrap("purge audit", err)
	}
	return int(tag.RowsAffected()), nil
}
