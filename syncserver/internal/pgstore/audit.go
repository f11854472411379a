package pgstore

import (
	"context"
	"time"

	"smallwins/syncserver/internal/store"
)

// The audit of restricted content (store.AuditLog, ADR 0021): table
// audit_log (migration 0007), one INSERT per response.

// AppendAudit writes a response's entries with one statement (one implicit
// transaction: all or none).
func (s *Store) AppendAudit(ctx context.Context, entries []store.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	n := len(entries)
	ats, schools, users, devices, recs, paths := make([]time.Time, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, e := range entries {
		if err := store.CheckAuditEntry(e); err != nil {
			return err
		}
		ats[i], schools[i], users[i], devices[i], recs[i], paths[i] = e.At.UTC().Truncate(time.Millisecond), e.SchoolID, e.UserID, e.DeviceID, e.RecordID, e.Path
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO audit_log (at, school_id, user_id, device_id, record_id, path)
		SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[])`,
		ats, schools, users, devices, recs, paths)
	return wrap("append audit", err)
}

// ListAudit reads one page of a school's entries in (at, id) order.
func (s *Store) ListAudit(ctx context.Context, q store.AuditQuery) ([]store.AuditEntry, bool, error) {
	limit := min(max(q.Limit, 1), store.MaxAuditPage)
	out := []store.AuditEntry{}
	if !isUUID(q.SchoolID) {
		return out, false, nil
	}
	// Without a cursor, (at, id) > (Since - 1 ms, max) is just at >= Since
	// (times are whole milliseconds); with one, both bounds hold.
	afterAt, afterID := q.Since.UTC().Truncate(time.Millisecond).Add(-time.Millisecond), int64(1<<62)
	if a := q.After; a != nil {
		afterAt, afterID = time.UnixMilli(a.AtMS).UTC(), a.Seq
	}
	rows, err := s.pool.Query(ctx, `SELECT id, at, user_id::text, device_id, record_id::text, path FROM audit_log
		WHERE school_id = $1 AND at >= $2 AND (at, id) > ($3, $4) ORDER BY at, id LIMIT $5`,
		q.SchoolID, q.Since.UTC().Truncate(time.Millisecond), afterAt, afterID, limit+1)
	if err != nil {
		return nil, false, wrap("list audit", err)
	}
	defer rows.Close()
	for rows.Next() {
		e := store.AuditEntry{SchoolID: q.SchoolID}
		if err := rows.Scan(&e.Seq, &e.At, &e.UserID, &e.DeviceID, &e.RecordID, &e.Path); err != nil {
			return nil, false, wrap("list audit", err)
		}
		e.At = e.At.UTC()
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

// PurgeAudit deletes entries older than `before`.
func (s *Store) PurgeAudit(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM audit_log WHERE at < $1`, before)
	if err != nil {
		return 0, wrap("purge audit", err)
	}
	return int(tag.RowsAffected()), nil
}
