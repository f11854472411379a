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
	epoch   string
	err     error
	done    chan struct{}
}

// Push applies a batch atomically: every record or none (PROTOCOL §5), in
// request order, with the LWW rule of protocol.Decide and the §6 author
// check. It returns after the transaction holding it is on disk.
func (s *Store) Push(ctx context.Context, b store.PushBatch) (store.PushReply, error) {
	if err := ctx.Err(); err != nil {
		return store.PushReply{}, err
	}
	if b.At.IsZero() {
		b.At = time.Now()
	}
	var (
		reply store.PushReply
		err   error
	)
	switch s.mode {
	case updatePerPush:
		err = s.db.Update(func(tx *bolt.Tx) error {
			var e error
			reply.Results, e = applyPush(tx, &b)
			reply.Epoch = epochIn(tx)
			return e
		})
	case boltBatch:
		// Batch may run the function twice (in a batch, then alone if
		// another call failed it): results are only read after it returns.
		err = s.db.Batch(func(tx *bolt.Tx) error {
			var e error
			reply.Results, e = applyPush(tx, &b)
			reply.Epoch = epochIn(tx)
			return e
		})
	default:
		reply, err = s.pushGrouped(&b)
	}
	if err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) {
			return store.PushReply{}, pe
		}
		return store.PushReply{}, fmt.Errorf("boltstore: push: %w", err)
	}
	return reply, nil
}

// epochIn reads the epoch inside a push's or pull's own transaction.
func epochIn(tx *bolt.Tx) string { return string(tx.Bucket(bMeta).Get(kEpoch)) }

// pushGrouped is the group commit. The first push to find no commit running
// takes the writer token and commits every push queued so far (including its
// own) in one transaction; pushes arriving meanwhile queue, and one of them
// commits the next group. Alone, a push waits for nothing; under load, N
// concurrent pushes pay for about one fsync instead of N.
func (s *Store) pushGrouped(b *store.PushBatch) (store.PushReply, error) {
	c := &pushCall{b: b, done: make(chan struct{})}
	s.mu.Lock()
	s.pending = append(s.pending, c)
	s.mu.Unlock()
	for {
		select {
		case <-c.done:
			return store.PushReply{Results: c.results, Epoch: c.epoch}, c.err
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
	var epoch string
	err := s.db.Update(func(tx *bolt.Tx) error {
		epoch = epochIn(tx)
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
		c.results, c.epoch, c.err = results[i], epoch, refused[i]
		if err != nil {
			c.results, c.err = nil, err
		}
		close(c.done)
	}
}

// stored is what the bbolt value of a record says beyond store.Held: where
// its index entries are, so a new version can remove them.
type stored struct {
	deleted bool
	seq     uint64
	atMS    int64
}

// applyPush applies one batch inside tx: it reads what is held, lets
// store.PlanPush (the decision both stores share) decide, and writes only
// when the plan is not refused, so a *protocol.Error leaves tx untouched;
// any other error is the storage's and fails the transaction.
func applyPush(tx *bolt.Tx, b *store.PushBatch) ([]protocol.PushResult, error) {
	sb, err := schoolBucket(tx, b.SchoolID, false)
	if err != nil {
		return nil, err
	}
	have := make([]store.Held, len(b.Records))
	more := make([]stored, len(b.Records))
	var seq uint64
	if sb != nil {
		recs, stubs := sb.Bucket(bRecs), sb.Bucket(bStubs)
		for i := range b.Records {
			id := []byte(b.Records[i].ID)
			h := &have[i]
			if v := recs.Get(id); v != nil {
				if h.HLC, h.Restricted, h.Author, err = heldHLC(v); err != nil {
					return nil, err
				}
				h.Live = true
				more[i] = stored{deleted: v[16]&flagDeleted != 0, seq: binary.BigEndian.Uint64(v), atMS: int64(binary.BigEndian.Uint64(v[8:]))}
			} else if st := stubs.Get(id); st != nil {
				h.HLC = string(st) // a purged tombstone still decides (§6)
			}
		}
		seq = getU64(sb.Bucket(bMeta), kSeq)
	}
	plan, err := store.PlanPush(b, have, int64(seq))
	if err != nil {
		return nil, err
	}
	if sb == nil {
		if sb, err = schoolBucket(tx, b.SchoolID, true); err != nil {
			return nil, err
		}
	}
	if err := writePlan(sb, b, plan, have, more); err != nil {
		return nil, err
	}
	return plan.Results, nil
}

// writePlan writes a plan's records with their seqs and keeps the seq, purge
// and read indexes in step.
func writePlan(sb *bolt.Bucket, b *store.PushBatch, plan store.PushPlan, have []store.Held, more []stored) error {
	recs, seqs, tombs, stubs, meta := sb.Bucket(bRecs), sb.Bucket(bSeqs), sb.Bucket(bTombs), sb.Bucket(bStubs), sb.Bucket(bMeta)
	types, refs := sb.Bucket(bTypes), sb.Bucket(bRefs)
	atMS := b.At.UnixMilli()
	for _, w := range plan.Writes {
		e, h, m := &b.Records[w.Index], have[w.Index], more[w.Index]
		id := []byte(e.ID)
		// The read indexes follow the new version: the old live version's
		// entries go, the new one's come, in this transaction. An update
		// that keeps type and references (a session, tap by tap) writes
		// none.
		var newIx indexOf
		if !e.Deleted {
			newIx = indexOf{typ: e.Type, refs: record.IndexedRefs(e.Type, e.Data)}
		}
		putNew := !e.Deleted
		if h.Live && !m.deleted {
			oldIx, err := storedIndex(recs.Get(id))
			if err != nil {
				return err
			}
			if !e.Deleted && oldIx.same(newIx) {
				putNew = false
			} else if err := deleteIndex(types, refs, oldIx, e.ID); err != nil {
				return err
			}
		}
		if putNew {
			if err := putIndex(types, refs, newIx, e.ID); err != nil {
				return err
			}
		}
		if h.Live {
			// The old version leaves the seq index and, if it was a
			// tombstone, the purge index.
			if err := seqs.Delete(u64(m.seq)); err != nil {
				return err
			}
			if m.deleted {
				if err := tombs.Delete(tombKey(m.atMS, id)); err != nil {
					return err
				}
			}
		} else if h.HLC != "" {
			if err := stubs.Delete(id); err != nil {
				return err
			}
		}
		v := recValue{Seq: uint64(w.Seq), At: atMS, Deleted: e.Deleted, Restricted: e.Restricted,
			HLC: e.HLC, Type: e.Type, Author: w.Author, Data: e.Data}
		if e.Deleted {
			v.Data = nil
			if err := tombs.Put(tombKey(atMS, id), nil); err != nil {
				return err
			}
		}
		if err := recs.Put(id, v.encode()); err != nil {
			return err
		}
		if err := seqs.Put(u64(uint64(w.Seq)), id); err != nil {
			return err
		}
	}
	return meta.Put(kSeq, u64(uint64(plan.LastSeq)))
}
