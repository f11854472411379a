package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"slices"
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
// every text field. Beside it, bucket auditmarks holds one mark per
// (day, school, user, device, record) written (auditMarkPrefix): what makes
// the log keep a record once a day per reader and device (ADR 0021). Marks
// live a day or two (ExpireAuditMarks), the batches 400 days.

var errCorruptAudit = errors.New("boltstore: corrupt audit entry")

// auditKey is the key of a batch; seq 0 with at is where a time starts.
func auditKey(schoolID string, atMS int64, seq uint64) []byte {
	k := make([]byte, 0, len(schoolID)+16)
	k = append(k, schoolID...)
	k = binary.BigEndian.AppendUint64(k, uint64(max(atMS, 0)))
	return binary.BigEndian.AppendUint64(k, seq)
}

// AppendAudit writes what of a response's batch is news (store.AuditLog):
// one Put for the batch, one mark per record in bucket auditmarks. A read
// transaction first leaves out the records the user wrote and those already
// marked for the day, so the repeated pulls of an author or an admin cost
// no write and no fsync; the write transaction checks the marks again,
// and bbolt runs one writer at a time, so racing batches write a record
// once. Concurrent appends share write transactions (auditGroup), so N
// tablets pulling restricted notes at once pay for about one fsync, not N;
// alone, an append waits for nothing.
func (s *Store) AppendAudit(ctx context.Context, b store.AuditBatch) error {
	if len(b.RecordIDs) == 0 {
		return nil
	}
	if err := store.CheckAuditBatch(b); err != nil {
		return err
	}
	if err := s.db.View(func(tx *bolt.Tx) error {
		b.RecordIDs = auditNews(tx, b)
		return nil
	}); err != nil {
		return wrap("append audit", err)
	}
	if len(b.RecordIDs) == 0 {
		return nil
	}
	c := &auditCall{batch: b, done: make(chan struct{})}
	s.audit.append(c, s.commitAudit)
	return wrap("append audit", c.err)
}

// auditNews is what of b's records the log does not hold for the day: not
// written by b's user, not marked yet, each once, in b's order.
func auditNews(tx *bolt.Tx, b store.AuditBatch) []string {
	var recs *bolt.Bucket
	if sb, _ := schoolBucket(tx, b.SchoolID, false); sb != nil {
		recs = sb.Bucket(bRecs)
	}
	marks := tx.Bucket(bAuditMarks)
	prefix := auditMarkPrefix(b)
	out := make([]string, 0, len(b.RecordIDs))
	seen := make(map[string]bool, len(b.RecordIDs))
	for _, id := range b.RecordIDs {
		// The mark first: an admin's repeated pulls stop there.
		if seen[id] || marks.Get(auditMarkKey(prefix, id)) != nil || recs != nil && authoredBy(recs.Get([]byte(id)), b.UserID) {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// authoredBy says whether the stored record value v was written by user
// (PROTOCOL §6: the author is who pushed its first version). No record, or
// one that does not decode, is not the user's: it is audited.
func authoredBy(v []byte, user string) bool {
	if v == nil {
		return false
	}
	r, err := decodeRecRaw(v)
	return err == nil && string(r.author) == user
}

// auditMarkPrefix is the part of a mark's key that b's records share:
// day (u32) ‖ school (16 bytes) ‖ user (16 bytes) ‖ device length (u8) ‖
// device. The day leads, so expiring old marks is one scan from the start.
func auditMarkPrefix(b store.AuditBatch) []byte {
	k := make([]byte, 0, 4+16+16+1+len(b.DeviceID))
	k = binary.BigEndian.AppendUint32(k, uint32(store.AuditDay(b.At)))
	school, user := uuid.MustParse(b.SchoolID), uuid.MustParse(b.UserID) // CheckAuditBatch: canonical
	k = append(append(k, school[:]...), user[:]...)
	k = append(k, byte(len(b.DeviceID))) // CheckAuditBatch: at most 64 bytes
	return append(k, b.DeviceID...)
}

// markKey is a mark's key and its record's place in the batch.
type markKey struct {
	key   []byte
	index int
}

// markValue is every mark's value: not empty, since bbolt's Get may answer
// nil for an empty value written in the same transaction, and nil is "no
// mark".
var markValue = []byte{1}

// auditMarkKey is the mark of record id under prefix: the prefix and the
// record's 16 bytes.
func auditMarkKey(prefix []byte, id string) []byte {
	u := uuid.MustParse(id)
	return append(append(make([]byte, 0, len(prefix)+16), prefix...), u[:]...)
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
	batch store.AuditBatch // checked, its records the news of auditNews
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
			if err := putAudit(tx, c.batch); err != nil {
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

// putAudit marks b's records given for the day and stores the batch of
// those not marked before (by a batch committed since auditNews read, or
// earlier in this transaction) under the next sequence number; nothing when
// every one was.
func putAudit(tx *bolt.Tx, b store.AuditBatch) error {
	marks := tx.Bucket(bAuditMarks)
	// The marks of a batch are one run of keys (one prefix): put in key
	// order with full pages, they take about half the space of random
	// inserts' half-full pages.
	marks.FillPercent = 0.9
	prefix := auditMarkPrefix(b)
	keys := make([]markKey, len(b.RecordIDs))
	for i, id := range b.RecordIDs {
		keys[i] = markKey{auditMarkKey(prefix, id), i}
	}
	slices.SortFunc(keys, func(x, y markKey) int { return bytes.Compare(x.key, y.key) })
	isNew := make([]bool, len(b.RecordIDs))
	n := 0
	for _, k := range keys {
		if marks.Get(k.key) != nil {
			continue
		}
		if err := marks.Put(k.key, markValue); err != nil {
			return err
		}
		isNew[k.index], n = true, n+1
	}
	if n == 0 {
		return nil
	}
	news := make([]string, 0, n)
	for i, id := range b.RecordIDs {
		if isNew[i] {
			news = append(news, id)
		}
	}
	b.RecordIDs = news
	bk := tx.Bucket(bAudit)
	seq, err := bk.NextSequence()
	if err != nil {
		return err
	}
	return bk.Put(auditKey(b.SchoolID, b.At.UnixMilli(), seq), encodeAudit(b))
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

// auditMarkChunk bounds the marks one ExpireAuditMarks transaction deletes
// (and holds in memory), so a large backlog never makes one huge write.
const auditMarkChunk = 10000

// ExpireAuditMarks deletes the marks of the days before before's UTC day,
// every school: keys sort by day first, so each chunk is a scan from the
// first key up to the cut.
func (s *Store) ExpireAuditMarks(ctx context.Context, before time.Time) (int, error) {
	cut := binary.BigEndian.AppendUint32(nil, uint32(store.AuditDay(before)))
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n := 0
		err := s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bAuditMarks)
			var due [][]byte
			c := b.Cursor()
			for k, _ := c.First(); k != nil && bytes.Compare(k, cut) < 0 && len(due) < auditMarkChunk; k, _ = c.Next() {
				due = append(due, append([]byte(nil), k...))
			}
			for _, k := range due { // bbolt forbids deleting while iterating
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			n = len(due)
			return nil
		})
		if err != nil {
			return total, wrap("expire audit marks", err)
		}
		total += n
		if n < auditMarkChunk {
			return total, nil
		}
	}
}
