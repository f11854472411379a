package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"smallwins/syncserver/internal/store"
)

// The audit of restricted content (store.AuditLog, ADR 0021) is one bucket,
// audit: school id (36 bytes) ‖ at (unix ms, 8 bytes) ‖ seq (8 bytes) →
// user id \x00 device id \x00 path \x00 record ids (16 bytes each). One key
// per response, so a pull of 5,000 restricted notes is one Put; keys sort by
// school, then time, so a page is one seek and a scan, and the purge reads
// only what is old enough to go. store.CheckAuditBatch keeps NUL out of
// every text field.

var errCorruptAudit = errors.New("boltstore: corrupt audit entry")

// auditKey is the key of a batch; seq 0 with at is where a time starts.
func auditKey(schoolID string, atMS int64, seq uint64) []byte {
	k := make([]byte, 0, len(schoolID)+16)
	k = append(k, schoolID...)
	k = binary.BigEndian.AppendUint64(k, uint64(max(atMS, 0)))
	return binary.BigEndian.AppendUint64(k, seq)
}

// AppendAudit writes a response's batch: one Put. Concurrent appends share
// write transactions (auditGroup), so N tablets pulling restricted notes at
// once pay for about one fsync, not N; alone, an append waits for nothing.
func (s *Store) AppendAudit(ctx context.Context, b store.AuditBatch) error {
	if len(b.RecordIDs) == 0 {
		return nil
	}
	if err := store.CheckAuditBatch(b); err != nil {
		return err
	}
	c := &auditCall{key: b.SchoolID, at: b.At.UnixMilli(), value: encodeAudit(b), done: make(chan struct{})}
	s.audit.append(c, s.commitAudit)
	return wrap("append audit", c.err)
}

// encodeAudit is a batch's stored value.
func encodeAudit(b store.AuditBatch) []byte {
	v := make([]byte, 0, 3+len(b.UserID)+len(b.DeviceID)+len(b.Path)+16*len(b.RecordIDs))
	v = append(append(append(append(append(append(v, b.UserID...), 0), b.DeviceID...), 0), b.Path...), 0)
	for _, id := range b.RecordIDs {
		u := uuid.MustParse(id) // CheckAuditBatch: canonical
		v = append(v, u[:]...)
	}
	return v
}

// auditCall is one append waiting for, or done by, a group commit; err is
// read only after done is closed.
type auditCall struct {
	key   string // school id
	at    int64  // unix ms
	value []byte
	err   error
	done  chan struct{}
}

// auditGroup is the group commit of audit appends. Its zero value is ready.
type auditGroup struct {
	mu      sync.Mutex // guards pending
	pending []*auditCall
	commit  sync.Mutex // held by the one goroutine committing a group
}

// append queues c and returns once a committed transaction holds it (or
// failed it). Whoever holds the commit lock takes every queued call; a
// committer closes each call's done before it lets go of the lock, so when
// c's goroutine gets the lock, c is either done already or still queued,
// and then it commits c itself with whatever queued meanwhile.
func (g *auditGroup) append(c *auditCall, commit func([]*auditCall)) {
	g.mu.Lock()
	g.pending = append(g.pending, c)
	g.mu.Unlock()
	g.commit.Lock()
	defer g.commit.Unlock()
	select {
	case <-c.done:
		return
	default:
	}
	g.mu.Lock()
	group := g.pending
	g.pending = nil
	g.mu.Unlock()
	commit(group)
}

// commitAudit writes a group in one transaction and marks every call done.
// A failed transaction is retried call by call, so one cannot fail another.
func (s *Store) commitAudit(group []*auditCall) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, c := range group {
			if err := putAudit(tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && len(group) > 1 {
		for _, c := range group {
			s.commitAudit([]*auditCall{c})
		}
		return
	}
	for _, c := range group {
		c.err = err
		close(c.done)
	}
}

// putAudit stores one batch under the next sequence number.
func putAudit(tx *bolt.Tx, c *auditCall) error {
	b := tx.Bucket(bAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return b.Put(auditKey(c.key, c.at, seq), c.value)
}

// auditValue is a stored batch's fields, slices of the value (no copy).
type auditValue struct {
	user, device, path, ids []byte
}

func decodeAuditValue(v []byte) (auditValue, error) {
	parts := bytes.SplitN(v, []byte{0}, 4)
	if len(parts) != 4 || len(parts[3])%16 != 0 || len(parts[3]) == 0 {
		return auditValue{}, errCorruptAudit
	}
	return auditValue{parts[0], parts[1], parts[2], parts[3]}, nil
}

// ListAudit reads one page of a school's entries in (At, Seq, Index) order.
func (s *Store) ListAudit(ctx context.Context, q store.AuditQuery) ([]store.AuditEntry, bool, error) {
	limit := min(max(q.Limit, 1), store.MaxAuditPage)
	out := []store.AuditEntry{}
	more := false
	if len(q.SchoolID) != 36 { // every key starts with a 36-byte id
		return out, false, nil
	}
	// Start at Since, or at the cursor's batch when that is later; within
	// the cursor's own batch, after its index.
	start, cursorKey, skip := auditKey(q.SchoolID, q.Since.UnixMilli(), 0), []byte(nil), 0
	if a := q.After; a != nil && a.Seq >= 0 {
		if ck := auditKey(q.SchoolID, a.AtMS, uint64(a.Seq)); bytes.Compare(ck, start) >= 0 {
			start, cursorKey, skip = ck, ck, max(a.Index+1, 0)
		}
	}
	prefix := []byte(q.SchoolID)
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bAudit).Cursor()
		for k, v := c.Seek(start); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(k) != len(prefix)+16 {
				return errCorruptAudit
			}
			av, err := decodeAuditValue(v)
			if err != nil {
				return err
			}
			first := 0
			if cursorKey != nil && bytes.Equal(k, cursorKey) {
				first = skip
			}
			at := time.UnixMilli(int64(binary.BigEndian.Uint64(k[len(prefix):]))).UTC()
			seq := int64(binary.BigEndian.Uint64(k[len(prefix)+8:]))
			// The batch's text, copied out of bbolt's memory once.
			user, device, path := string(av.user), string(av.device), string(av.path)
			for i := first; i < len(av.ids)/16; i++ {
				if len(out) == limit {
					more = true
					return nil
				}
				id, _ := uuid.FromBytes(av.ids[16*i : 16*i+16])
				out = append(out, store.AuditEntry{Seq: seq, Index: i, At: at, SchoolID: q.SchoolID,
					UserID: user, DeviceID: device, RecordID: id.String(), Path: path})
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, wrap("list audit", err)
	}
	return out, more, nil
}

// PurgeAudit deletes every school's batches older than `before`: per
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
			cut := auditKey(id, before.UnixMilli(), 0)
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
