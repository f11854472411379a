package pgstore

import (
	"context"
	"time"

	"smallwins/syncserver/internal/store"
)

// The audit of restricted content (store.AuditLog, ADR 0021): table
// audit_log (migration 0007), one row per response with the ids of the
// records it handed out.

// AppendAudit writes a response's batch with one INSERT.
func (s *Store) AppendAudit(ctx context.Context, b store.AuditBatch) error {
	if len(b.RecordIDs) == 0 {
		return nil
	}
	if err := store.CheckAuditBatch(b); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO audit_log (at, school_id, user_id, device_id, path, record_ids) VALUES ($1, $2, $3, $4, $5, $6::uuid[])`,
		b.At.UTC().Truncate(time.Millisecond), b.SchoolID, b.UserID, b.DeviceID, b.Path, b.RecordIDs)
	return wrap("append audit", err)
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
