package pgstore

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// Push applies a batch in one transaction. It locks the school's row first:
// seqs are handed out under that lock and it is held until commit, so a later
// seq never becomes visible before an earlier one (docs/postgres.md).
func (s *Store) Push(ctx context.Context, b store.PushBatch) (store.PushReply, error) {
	at := b.At
	if at.IsZero() {
		at = time.Now()
	}
	// Duplicate ids are refused before any statement: PostgreSQL refuses
	// two rows with one key in one INSERT … ON CONFLICT, which would be a
	// 500 instead of duplicate_id.
	if i := store.DuplicateIndex(&b); i >= 0 {
		return store.PushReply{}, protocol.RecordProblem(protocol.CodeDuplicateID, i, "server.push.same_id_twice")
	}
	var reply store.PushReply
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var seq int64
		// The epoch in the push's own transaction (§7).
		if err := tx.QueryRow(ctx, `SELECT sc.seq, m.v FROM schools sc, meta m WHERE sc.id = $1 AND m.k = 'epoch' FOR UPDATE OF sc`, b.SchoolID).Scan(&seq, &reply.Epoch); err != nil {
			return err
		}
		ids := make([]string, len(b.Records))
		for i, e := range b.Records {
			ids[i] = e.ID
		}
		byID := make(map[string]store.Held, len(ids))
		rows, err := tx.Query(ctx, `SELECT id, hlc, restricted, author, true FROM records WHERE school_id = $1 AND id = ANY($2)
			UNION ALL SELECT id, hlc, false, '', false FROM stubs WHERE school_id = $1 AND id = ANY($2)`, b.SchoolID, ids)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var h store.Held
			if err := rows.Scan(&id, &h.HLC, &h.Restricted, &h.Author, &h.Live); err != nil {
				rows.Close()
				return err
			}
			if old, ok := byID[id]; !ok || !old.Live {
				byID[id] = h
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		have := make([]store.Held, len(b.Records))
		for i, e := range b.Records {
			have[i] = byID[e.ID]
		}
		// The one decision both stores share (store.PlanPush).
		plan, err := store.PlanPush(&b, have, seq)
		if err != nil {
			return err
		}
		reply.Results = plan.Results
		var (
			aIDs, aHLC, aType, aAuthor, aRefs []string
			aSeq                              []int64
			aDel, aRes                        []bool
			aData                             [][]byte
		)
		for _, w := range plan.Writes {
			e := &b.Records[w.Index]
			data := []byte(e.Data)
			if e.Deleted {
				data = nil
			}
			aIDs, aSeq, aHLC, aType = append(aIDs, e.ID), append(aSeq, w.Seq), append(aHLC, e.HLC), append(aType, e.Type)
			aDel, aRes, aAuthor, aData = append(aDel, e.Deleted), append(aRes, e.Restricted), append(aAuthor, w.Author), append(aData, data)
			// The refs column follows the version in the same statement; ids
			// are UUIDs, so a space joins them (arrays of arrays must be
			// rectangular in PostgreSQL).
			aRefs = append(aRefs, strings.Join(record.IndexedRefs(e.Type, data), " "))
		}
		seq = plan.LastSeq
		if len(aIDs) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO records (school_id, id, seq, hlc, type, deleted, restricted, author, received_at, data, refs)
			SELECT $1, u.id, u.seq, u.hlc, u.type, u.deleted, u.restricted, u.author, $2, u.data, string_to_array(u.refs, ' ')
			FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[], $7::bool[], $8::bool[], $9::text[], $10::bytea[], $11::text[])
				AS u(id, seq, hlc, type, deleted, restricted, author, data, refs)
			ON CONFLICT (school_id, id) DO UPDATE SET seq = EXCLUDED.seq, hlc = EXCLUDED.hlc, type = EXCLUDED.type,
				deleted = EXCLUDED.deleted, restricted = EXCLUDED.restricted, received_at = EXCLUDED.received_at, data = EXCLUDED.data,
				refs = EXCLUDED.refs`,
			b.SchoolID, at, aIDs, aSeq, aHLC, aType, aDel, aRes, aAuthor, aData, aRefs); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM stubs WHERE school_id = $1 AND id = ANY($2)`, b.SchoolID, aIDs); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE schools SET seq = $2 WHERE id = $1`, b.SchoolID, seq)
		return err
	})
	if err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) {
			return store.PushReply{}, pe
		}
		return store.PushReply{}, wrap("push", err)
	}
	return reply, nil
}

// envelopeOverhead estimates the JSON bytes of an envelope beyond its data.
const envelopeOverhead = 200

// Pull returns a page of current versions after q.After.
func (s *Store) Pull(ctx context.Context, q store.PullQuery) (store.PullPage, error) {
	page := store.PullPage{Cursor: q.After, Records: []record.Envelope{}}
	limit := q.Limit
	if limit <= 0 {
		limit = protocol.DefaultPullLimit
	}
	// The epoch comes with the horizon in one statement (§7); -1: no such
	// school yet (nothing pushed), an empty page.
	var horizon int64
	err := s.pool.QueryRow(ctx, `SELECT m.v, COALESCE(sc.horizon, -1) FROM meta m LEFT JOIN schools sc ON sc.id = $1 WHERE m.k = 'epoch'`,
		q.SchoolID).Scan(&page.Epoch, &horizon)
	if err != nil {
		return store.PullPage{}, wrap("pull", err)
	}
	if horizon < 0 {
		return page, nil
	}
	if q.After > 0 && q.After < horizon {
		return store.PullPage{}, store.ErrResyncRequired
	}
	rows, err := s.pool.Query(ctx, `SELECT id, seq, hlc, type, deleted, restricted, author, data FROM records
		WHERE school_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, q.SchoolID, q.After, limit+1)
	if err != nil {
		return store.PullPage{}, wrap("pull", err)
	}
	defer rows.Close()
	size := 0
	for rows.Next() {
		if len(page.Records) >= limit || (len(page.Records) > 0 && q.MaxBytes > 0 && size >= q.MaxBytes) {
			page.More = true
			break
		}
		var e record.Envelope
		var author string
		var data []byte
		if err := rows.Scan(&e.ID, &e.Seq, &e.HLC, &e.Type, &e.Deleted, &e.Restricted, &author, &data); err != nil {
			return store.PullPage{}, wrap("pull", err)
		}
		e.Data = data
		if !q.Viewer.CanSee(author, e.Restricted) {
			e = e.Tombstone() // PROTOCOL §6
		}
		size += len(e.Data) + envelopeOverhead
		if q.MaxBytes > 0 && size > q.MaxBytes && len(page.Records) > 0 {
			page.More = true
			break
		}
		page.Records = append(page.Records, e)
		page.Cursor = e.Seq
	}
	return page, wrap("pull", rows.Err())
}

// PurgeTombstones removes old tombstones school by school, each under its
// school's row lock, so every instance may run it at once.
func (s *Store) PurgeTombstones(ctx context.Context, before time.Time) (int, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT school_id::text FROM records WHERE deleted AND received_at < $1`, before)
	if err != nil {
		return 0, wrap("purge", err)
	}
	schools, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, wrap("purge", err)
	}
	total := 0
	for _, sc := range schools {
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT 1 FROM schools WHERE id = $1 FOR UPDATE`, sc); err != nil {
				return err
			}
			var n int
			err := tx.QueryRow(ctx, `WITH gone AS (
					DELETE FROM records WHERE school_id = $1 AND deleted AND received_at < $2 RETURNING id, hlc, seq),
				stubbed AS (
					INSERT INTO stubs (school_id, id, hlc) SELECT $1, id, hlc FROM gone
					ON CONFLICT (school_id, id) DO UPDATE SET hlc = EXCLUDED.hlc),
				raised AS (
					UPDATE schools SET horizon = GREATEST(horizon, (SELECT max(seq) FROM gone)) WHERE id = $1 AND EXISTS (SELECT 1 FROM gone))
				SELECT count(*) FROM gone`, sc, before).Scan(&n)
			total += n
			return err
		})
		if err != nil {
			return total, wrap("purge", err)
		}
	}
	return total, nil
}

// readColumns are what every read selects, in scanVisible's order.
const readColumns = `id, seq, hlc, type, restricted, author, data`

// scanVisible collects the rows v may see; the rule is store.Viewer's, not
// the query's, so both stores apply the same one.
func scanVisible(rows pgx.Rows, v store.Viewer) ([]record.Envelope, error) {
	defer rows.Close()
	var out []record.Envelope
	for rows.Next() {
		var e record.Envelope
		var author string
		var data []byte
		if err := rows.Scan(&e.ID, &e.Seq, &e.HLC, &e.Type, &e.Restricted, &author, &data); err != nil {
			return nil, err
		}
		if !v.CanSee(author, e.Restricted) {
			continue
		}
		e.Data = data
		out = append(out, e)
	}
	return out, rows.Err()
}

// nonNil keeps an empty list an empty array: NULL would match nothing.
func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// Records returns the current records of some types (all when none) that v
// may see, through the (school_id, type) index.
func (s *Store) Records(ctx context.Context, schoolID string, v store.Viewer, types ...string) ([]record.Envelope, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+readColumns+` FROM records
		WHERE school_id = $1 AND NOT deleted AND (cardinality($2::text[]) = 0 OR type = ANY($2))`, schoolID, nonNil(types))
	if err != nil {
		return nil, wrap("records", err)
	}
	out, err := scanVisible(rows, v)
	return out, wrap("records", err)
}

// RecordsByID returns the current records with these ids that v may see.
func (s *Store) RecordsByID(ctx context.Context, schoolID string, v store.Viewer, ids ...string) ([]record.Envelope, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT `+readColumns+` FROM records
		WHERE school_id = $1 AND id = ANY($2) AND NOT deleted`, schoolID, ids)
	if err != nil {
		return nil, wrap("records by id", err)
	}
	out, err := scanVisible(rows, v)
	return out, wrap("records by id", err)
}

// RecordsByRef returns the current records of some types (all when none)
// that reference refID and that v may see, through the GIN index on refs.
func (s *Store) RecordsByRef(ctx context.Context, schoolID string, v store.Viewer, refID string, types ...string) ([]record.Envelope, error) {
	if !record.IsID(refID) {
		return nil, nil // only UUIDs are indexed
	}
	// `type || ''` keeps the planner off records_type here: ANDing the
	// bitmap of every session of the school with the few the GIN index
	// finds cost five times the lookup (measured on 168k records).
	//
	// QueryExecModeExec plans with the values each time: a cached generic
	// plan cannot know that one ref is selective and read the whole school.
	rows, err := s.pool.Query(ctx, `SELECT `+readColumns+` FROM records
		WHERE refs @> ARRAY[$2::text] AND school_id = $1 AND NOT deleted AND (cardinality($3::text[]) = 0 OR type || '' = ANY($3))`,
		pgx.QueryExecModeExec, schoolID, refID, nonNil(types))
	if err != nil {
		return nil, wrap("records by ref", err)
	}
	out, err := scanVisible(rows, v)
	return out, wrap("records by ref", err)
}

// RecordsByRefs returns the current records of some types (all when none)
// that reference any of refIDs and that v may see, each once, through the
// GIN index on refs (an overlap, &&).
func (s *Store) RecordsByRefs(ctx context.Context, schoolID string, v store.Viewer, refIDs []string, types ...string) ([]record.Envelope, error) {
	var refs []string
	seen := make(map[string]bool, len(refIDs))
	for _, id := range refIDs {
		if record.IsID(id) && !seen[id] {
			seen[id] = true
			refs = append(refs, id) // only UUIDs are indexed
		}
	}
	if len(refs) == 0 {
		return nil, nil
	}
	// The ids go in as a scalar subquery, whose value the planner does not
	// see: given a group's 540 session ids as values it estimated half the
	// school and scanned all of it (2.7 s on 168k records), where the GIN
	// index finds the few that match in about a millisecond. As in
	// RecordsByRef, `type || ''` keeps it off records_type. The ids travel
	// as one text (a uuid holds no space): encoding 540 array elements
	// cost the report more than the lookup.
	rows, err := s.pool.Query(ctx, `SELECT `+readColumns+` FROM records
		WHERE refs && (SELECT string_to_array($2, ' ')) AND school_id = $1 AND NOT deleted AND (cardinality($3::text[]) = 0 OR type || '' = ANY($3))`,
		schoolID, strings.Join(refs, " "), nonNil(types))
	if err != nil {
		return nil, wrap("records by refs", err)
	}
	out, err := scanVisible(rows, v)
	return out, wrap("records by refs", err)
}

// SchoolVersion reads the school's seq and the epoch in one statement. The
// seq is raised under the school row's lock held until commit (Push), so
// a committed seq never hides an earlier uncommitted one.
func (s *Store) SchoolVersion(ctx context.Context, schoolID string) (store.SchoolVersion, error) {
	var v store.SchoolVersion
	if _, err := uuid.Parse(schoolID); err != nil {
		return v, store.ErrNotFound // not a school id (the column is uuid)
	}
	err := s.pool.QueryRow(ctx, `SELECT sc.seq, m.v FROM schools sc, meta m WHERE sc.id = $1 AND m.k = 'epoch'`, schoolID).Scan(&v.Seq, &v.Epoch)
	return v, wrap("school version", err)
}
