package boltstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// maxGroupRecords bounds the records one group commit writes, so a crowd of
// large pushes becomes several transactions of a few MiB each instead of one
// huge one.
const maxGroupRecords = 10000

// pushCall is one push waiting for, or done by, a group commit. Its results
// are published only after the transaction that wrote it has committed.
type pushCall struct {
	b       *store.PushBatch
	results []protocol.PushResult
	err     error
	done    chan struct{}
}

// Push applies a batch atomically: every record or none (PROTOCOL §5), in
// request order, with the LWW rule of protocol.Decide and the §6 author
// check. It returns after the transaction holding it is on disk.
func (s *Store) Push(ctx context.Context, b store.PushBatch) ([]protocol.PushResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if b.At.IsZero() {
		b.At = time.Now()
	}
	var (
		results []protocol.PushResult
		err     error
	)
	switch s.mode {
	case updatePerPush:
		err = s.db.Update(func(tx *bolt.Tx) error {
			var e error
			results, e = applyPush(tx, &b)
			return e
		})
	case boltBatch:
		// Batch may run the function twice (in a batch, then alone if
		// another call failed it): results are only read after it returns.
		err = s.db.Batch(func(tx *bolt.Tx) error {
			var e error
			results, e = applyPush(tx, &b)
			return e
		})
	default:
		results, err = s.pushGrouped(&b)
	}
	if err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) {
			return nil, pe
		}
		return nil, fmt.Errorf("boltstore: push: %w", err)
	}
	return results, nil
}

// pushGrouped is the group commit. The first push to find no commit running
// takes the writer token and commits every push queued so far (including its
// own) in one transaction; pushes arriving meanwhile queue, and one of them
// commits the next group. Alone, a push waits for nothing; under load, N
// concurrent pushes pay for about one fsync instead of N.
func (s *Store) pushGrouped(b *store.PushBatch) ([]protocol.PushResult, error) {
	c := &pushCall{b: b, done: make(chan struct{})}
	s.mu.Lock()
	s.pending = append(s.pending, c)
	s.mu.Unlock()
	for {
		select {
		case <-c.done:
			return c.results, c.err
		case s.writer <- struct{}{}:
			// Every take from pending happens while holding the token, and
			// a group's calls are done before its token is released: so if
			// c is not in what we take, it is already done.
			s.mu.Lock()
			group, n := s.pending, 0
			for i, g := range group {
				if n += len(g.b.Records); n > maxGroupRecords && i > 0 {
					group = group[:i]
					break
				}
			}
			s.pending = s.pending[len(group):]
			s.mu.Unlock()
			s.commitGroup(group)
			<-s.writer
		}
	}
}

// commitGroup writes the pushes of a group in one transaction and then marks
// them done. A push the author check refuses is refused before it writes
// anything (applyPush checks first), so it fails alone and the others
// commit. A storage error fails the transaction; then each push is retried
// in a transaction of its own, so one cannot fail another.
func (s *Store) commitGroup(group []*pushCall) {
	if len(group) == 0 {
		return
	}
	results := make([][]protocol.PushResult, len(group))
	refused := make([]error, len(group))
	err := s.db.Update(func(tx *bolt.Tx) error {
		for i, c := range group {
			r, err := applyPush(tx, c.b)
			var pe *protocol.Error
			switch {
			case errors.As(err, &pe):
				refused[i] = pe
			case err != nil:
				return err
			default:
				results[i] = r
			}
		}
		return nil
	})
	if err != nil && len(group) > 1 {
		for _, c := range group {
			s.commitGroup([]*pushCall{c})
		}
		return
	}
	for i, c := range group {
		c.results, c.err = results[i], refused[i]
		if err != nil {
			c.results, c.err = nil, err
		}
		close(c.done)
	}
}

// held is what the store knows of a record before a push, copied out of the
// stored value's header.
type held struct {
	live       bool   // a stored version (not none, not only a stub)
	hlc        string // "" when none
	author     string
	restricted bool
	deleted    bool
	seq        uint64
	atMS       int64
}

// applyPush applies one batch inside tx. It checks every record first and
// writes only when all pass, so a *protocol.Error leaves tx untouched; any
// other error is the storage's and fails the transaction.
func applyPush(tx *bolt.Tx, b *store.PushBatch) ([]protocol.PushResult, error) {
	sb, err := schoolBucket(tx, b.SchoolID, false)
	if err != nil {
		return nil, err
	}
	// Pass 1: what is held, and may this pusher write it (PROTOCOL §6)?
	// The HTTP layer refuses duplicate ids (§5); the store does too, since
	// pass 2 decides each record against the state before the batch.
	have := make([]held, len(b.Records))
	ids := make(map[string]struct{}, len(b.Records))
	for i := range b.Records {
		if _, dup := ids[b.Records[i].ID]; dup {
			return nil, protocol.RecordError(protocol.CodeDuplicateID, i, "the same id twice in one batch")
		}
		ids[b.Records[i].ID] = struct{}{}
	}
	if sb != nil {
		recs, stubs := sb.Bucket(bRecs), sb.Bucket(bStubs)
		for i := range b.Records {
			e := &b.Records[i]
			h := &have[i]
			if v := recs.Get([]byte(e.ID)); v != nil {
				if h.hlc, h.restricted, h.author, err = heldHLC(v); err != nil {
					return nil, err
				}
				h.live, h.seq, h.atMS, h.deleted = true, binary.BigEndian.Uint64(v), int64(binary.BigEndian.Uint64(v[8:])), v[16]&flagDeleted != 0
			} else if st := stubs.Get([]byte(e.ID)); st != nil {
				h.hlc = string(st) // a purged tombstone still decides (§6)
			}
			author := h.author
			if !h.live {
				author = b.Pusher // a new record (or one re-created after purge, ADR 0001)
			}
			// Only the author or an admin may write a record whose held
			// version is restricted, or make a record restricted; whatever the
			// outcome would be, so no result reveals its HLC (ADR 0001).
			if !b.PusherIsAdmin && author != b.Pusher && (h.restricted || e.Restricted) {
				return nil, protocol.RecordError(protocol.CodeForbidden, i, "this record is restricted to its author")
			}
		}
	}
	if sb == nil {
		if sb, err = schoolBucket(tx, b.SchoolID, true); err != nil {
			return nil, err
		}
	}
	// Pass 2: write the winners, each with the school's next seq.
	recs, seqs, tombs, stubs, meta := sb.Bucket(bRecs), sb.Bucket(bSeqs), sb.Bucket(bTombs), sb.Bucket(bStubs), sb.Bucket(bMeta)
	types, refs := sb.Bucket(bTypes), sb.Bucket(bRefs)
	seq := getU64(meta, kSeq)
	atMS := b.At.UnixMilli()
	results := make([]protocol.PushResult, len(b.Records))
	for i := range b.Records {
		e := &b.Records[i]
		h := have[i]
		out := protocol.Decide(h.hlc, e.HLC)
		results[i] = protocol.PushResult{ID: e.ID, Outcome: out, HLC: h.hlc}
		if out != protocol.Applied {
			continue
		}
		results[i].HLC = e.HLC
		id := []byte(e.ID)
		author := b.Pusher
		// The read indexes follow the new version: the old live version's
		// entries go, the new one's come, in this transaction. An update
		// that keeps type and references (a session, tap by tap) writes
		// none.
		var newIx indexOf
		if !e.Deleted {
			newIx = indexOf{typ: e.Type, refs: record.IndexedRefs(e.Type, e.Data)}
		}
		putNew := !e.Deleted
		if h.live && !h.deleted {
			oldIx, err := storedIndex(recs.Get(id))
			if err != nil {
				return nil, err
			}
			if !e.Deleted && oldIx.same(newIx) {
				putNew = false
			} else if err := deleteIndex(types, refs, oldIx, e.ID); err != nil {
				return nil, err
			}
		}
		if putNew {
			if err := putIndex(types, refs, newIx, e.ID); err != nil {
				return nil, err
			}
		}
		if h.live {
			author = h.author
			// The old version leaves the seq index and, if it was a
			// tombstone, the purge index.
			if err := seqs.Delete(u64(h.seq)); err != nil {
				return nil, err
			}
			if h.deleted {
				if err := tombs.Delete(tombKey(h.atMS, id)); err != nil {
					return nil, err
				}
			}
		} else if h.hlc != "" {
			if err := stubs.Delete(id); err != nil {
				return nil, err
			}
		}
		seq++
		v := recValue{Seq: seq, At: atMS, Deleted: e.Deleted, Restricted: e.Restricted,
			HLC: e.HLC, Type: e.Type, Author: author, Data: e.Data}
		if e.Deleted {
			v.Data = nil
			if err := tombs.Put(tombKey(atMS, id), nil); err != nil {
				return nil, err
			}
		}
		if err := recs.Put(id, v.encode()); err != nil {
			return nil, err
		}
		if err := seqs.Put(u64(seq), id); err != nil {
			return nil, err
		}
	}
	return results, meta.Put(kSeq, u64(seq))
}
