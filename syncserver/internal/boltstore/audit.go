package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"smallwins/syncserver/internal/store"
)

// The audit of restricted content (store.AuditLog, ADR 0021) is one bucket,
// audit: school id (36 bytes) ‖ at (unix ms, 8 bytes) ‖ seq (8 bytes) →
// user id \x00 device id \x00 record id \x00 path. Keys sort by school, then
// time, so a page is one seek and a scan, and the purge reads only what is
// old enough to go. store.CheckAuditEntry keeps NUL out of every field.

// auditKey is the key of an entry; seq 0 with at is where a time starts.
func auditKey(schoolID string, atMS int64, seq uint64) []byte {
	k := make([]byte, 0, len(schoolID)+16)
	k = append(k, schoolID...)
	k = binary.BigEndian.AppendUint64(k, uint64(atMS))
	return binary.BigEndian.AppendUint64(k, seq)
}

// AppendAudit writes a response's entries in one write transaction.
func (s *Store) AppendAudit(ctx context.Context, entries []store.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	for _, e := range entries {
		if err := store.CheckAuditEntry(e); err != nil {
			return err
		}
	}
	return wrap("append audit", s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		for _, e := range entries {
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			v := make([]byte, 0, 3+len(e.UserID)+len(e.DeviceID)+len(e.RecordID)+len(e.Path))
			v = append(append(append(append(append(append(append(v, e.UserID...), 0), e.DeviceID...), 0), e.RecordID...), 0), e.Path...)
			if err := b.Put(auditKey(e.SchoolID, e.At.UnixMilli(), seq), v); err != nil {
				return err
			}
		}
		return nil
	}))
}

// ListAudit reads one page of a school's entries in (At, Seq) order.
func (s *Store) ListAudit(ctx context.Context, q store.AuditQuery) ([]store.AuditEntry, bool, error) {
	limit := min(max(q.Limit, 1), store.MaxAuditPage)
	out := []store.AuditEntry{}
	more := false
	if len(q.SchoolID) != 36 { // every key starts with a 36-byte id
		return out, false, nil
	}
	start := auditKey(q.SchoolID, max(q.Since.UnixMilli(), 0), 0) // zero Since: from the start
	if a := q.After; a != nil {
		if after := auditKey(q.SchoolID, a.AtMS, uint64(a.Seq)+1); bytes.Compare(after, start) > 0 {
			start = after
		}
	}
	prefix := []byte(q.SchoolID)
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bAudit).Cursor()
		for k, v := c.Seek(start); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(out) == limit {
				more = true
				break
			}
			e, err := decodeAudit(q.SchoolID, k, v)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, false, wrap("list audit", err)
	}
	return out, more, nil
}

// decodeAudit copies an entry out of bbolt's memory (strings copy).
func decodeAudit(schoolID string, k, v []byte) (store.AuditEntry, error) {
	parts := bytes.Split(v, []byte{0})
	if len(k) != len(schoolID)+16 || len(parts) != 4 {
		return store.AuditEntry{}, fmt.Errorf("boltstore: corrupt audit entry")
	}
	at := int64(binary.BigEndian.Uint64(k[len(schoolID):]))
	return store.AuditEntry{Seq: int64(binary.BigEndian.Uint64(k[len(schoolID)+8:])), At: time.UnixMilli(at).UTC(),
		SchoolID: schoolID, UserID: string(parts[0]), DeviceID: string(parts[1]), RecordID: string(parts[2]), Path: string(parts[3])}, nil
}

// PurgeAudit deletes every school's entries older than `before`: per
// school, a seek to its first key and a scan up to the cut.
func (s *Store) PurgeAudit(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		b := tx.Bucket(bAudit)
		for _, id := range schoolIDs(tx) {
			cut := auditKey(id, max(before.UnixMilli(), 0), 0)
			var due [][]byte
			c := b.Cursor()
			for k, _ := c.Seek([]byte(id)); k != nil && bytes.Compare(k, cut) < 0 && bytes.HasPrefix(k, []byte(id)); k, _ = c.Next() {
				due = append(due, append([]byte(nil), k...))
			}
			for _, k := range due { // bbolt forbids deleting while iterating
				if err := b.Delete(k); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, wrap("purge audit", err)
}
