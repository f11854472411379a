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

// recValue is a record as stored: header fields and the data bytes.
//
// Encoding: seq u64 | at (unix ms) i64 | flags u8 | hlc, type, author as
// u16-length-prefixed strings | data (the rest).
type recValue struct {
	Seq        uint64
	At         int64
	Deleted    bool
	Restricted bool
	HLC        string
	Type       string
	Author     string
	Data       []byte
}

const (
	flagDeleted    = 1
	flagRestricted = 2
)

func (r *recValue) encode() []byte {
	n := 8 + 8 + 1 + 6 + len(r.HLC) + len(r.Type) + len(r.Author) + len(r.Data)
	b := make([]byte, 0, n)
	b = binary.BigEndian.AppendUint64(b, r.Seq)
	b = binary.BigEndian.AppendUint64(b, uint64(r.At))
	var f byte
	if r.Deleted {
		f |= flagDeleted
	}
	if r.Restricted {
		f |= flagRestricted
	}
	b = append(b, f)
	for _, s := range []string{r.HLC, r.Type, r.Author} {
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
		b = append(b, s...)
	}
	return append(b, r.Data...)
}

var errCorrupt = errors.New("boltstore: corrupt record value")

// decodeRec decodes v; the data is copied out (bbolt memory is only valid
// inside its transaction).
func decodeRec(v []byte) (recValue, error) {
	var r recValue
	if len(v) < 17 {
		return r, errCorrupt
	}
	r.Seq = binary.BigEndian.Uint64(v)
	r.At = int64(binary.BigEndian.Uint64(v[8:]))
	r.Deleted = v[16]&flagDeleted != 0
	r.Restricted = v[16]&flagRestricted != 0
	v = v[17:]
	strs := [3]string{}
	for i := range strs {
		if len(v) < 2 {
			return r, errCorrupt
		}
		l := int(binary.BigEndian.Uint16(v))
		if len(v) < 2+l {
			return r, errCorrupt
		}
		strs[i] = string(v[2 : 2+l])
		v = v[2+l:]
	}
	r.HLC, r.Type, r.Author = strs[0], strs[1], strs[2]
	if len(v) > 0 {
		r.Data = append([]byte(nil), v...)
	}
	return r, nil
}

// heldHLC reads only the HLC of a stored value without copying the data.
func heldHLC(v []byte) (hlc string, restricted bool, author string, err error) {
	if len(v) < 17 {
		return "", false, "", errCorrupt
	}
	restricted = v[16]&flagRestricted != 0
	v = v[17:]
	var strs [3]string
	for i := range strs {
		if len(v) < 2 {
			return "", false, "", errCorrupt
		}
		l := int(binary.BigEndian.Uint16(v))
		if len(v) < 2+l {
			return "", false, "", errCorrupt
		}
		strs[i] = string(v[2 : 2+l])
		v = v[2+l:]
	}
	return strs[0], restricted, strs[2], nil
}

// Push applies a batch in one write transaction.
func (s *Store) Push(ctx context.Context, b store.PushBatch) ([]protocol.PushResult, error) {
	var results []protocol.PushResult
	at := b.At
	if at.IsZero() {
		at = time.Now()
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		sb, err := schoolBucket(tx, b.SchoolID, true)
		if err != nil {
			return err
		}
		recs, seqs, stubs, meta := sb.Bucket(bRecs), sb.Bucket(bSeqs), sb.Bucket(bStubs), sb.Bucket(bMeta)
		seq := getU64(meta, kSeq)
		results = make([]protocol.PushResult, len(b.Records))
		for i := range b.Records {
			e := &b.Records[i]
			id := []byte(e.ID)
			old := recs.Get(id)
			held, author := "", b.Pusher
			var heldRestricted bool
			var oldSeq uint64
			if old != nil {
				held, heldRestricted, author, err = heldHLC(old)
				if err != nil {
					return err
				}
				oldSeq = binary.BigEndian.Uint64(old)
			} else if st := stubs.Get(id); st != nil {
				held = string(st)
			}
			// PROTOCOL §6: only the author or an admin may write a restricted
			// record or make a record restricted.
			if !b.PusherIsAdmin && author != b.Pusher && (heldRestricted || e.Restricted) {
				return protocol.RecordError(protocol.CodeForbidden, i, "this record is restricted to its author")
			}
			out := protocol.Decide(held, e.HLC)
			results[i] = protocol.PushResult{ID: e.ID, Outcome: out, HLC: held}
			if out != protocol.Applied {
				continue
			}
			seq++
			v := recValue{Seq: seq, At: at.UnixMilli(), Deleted: e.Deleted, Restricted: e.Restricted,
				HLC: e.HLC, Type: e.Type, Author: author, Data: e.Data}
			if e.Deleted {
				v.Data = nil
			}
			if oldSeq != 0 {
				if err := seqs.Delete(u64(oldSeq)); err != nil {
					return err
				}
			}
			if err := recs.Put(id, v.encode()); err != nil {
				return err
			}
			if err := seqs.Put(u64(seq), id); err != nil {
				return err
			}
			if old == nil {
				if err := stubs.Delete(id); err != nil {
					return err
				}
			}
			results[i].HLC = e.HLC
		}
		return meta.Put(kSeq, u64(seq))
	})
	if err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) {
			return nil, pe
		}
		return nil, fmt.Errorf("boltstore: push: %w", err)
	}
	return results, nil
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
	err := s.db.View(func(tx *bolt.Tx) error {
		sb, _ := schoolBucket(tx, q.SchoolID, false)
		if sb == nil {
			return nil
		}
		if h := getU64(sb.Bucket(bMeta), kHorizon); q.After > 0 && uint64(q.After) < h {
			return store.ErrResyncRequired
		}
		recs := sb.Bucket(bRecs)
		c := sb.Bucket(bSeqs).Cursor()
		size := 0
		for k, id := c.Seek(u64(uint64(q.After) + 1)); k != nil; k, id = c.Next() {
			if len(page.Records) >= limit || (len(page.Records) > 0 && q.MaxBytes > 0 && size >= q.MaxBytes) {
				page.More = true
				break
			}
			v := recs.Get(id)
			if v == nil {
				return errCorrupt
			}
			r, err := decodeRec(v)
			if err != nil {
				return err
			}
			e := record.Envelope{ID: string(id), Type: r.Type, HLC: r.HLC, Deleted: r.Deleted,
				Data: r.Data, Seq: int64(r.Seq), Restricted: r.Restricted}
			if r.Restricted && !q.ViewerIsAdmin && r.Author != q.Viewer {
				e = e.Tombstone() // PROTOCOL §6: content only for its author and admins
			}
			size += len(e.Data) + envelopeOverhead
			if q.MaxBytes > 0 && size > q.MaxBytes && len(page.Records) > 0 {
				page.More = true
				break
			}
			page.Records = append(page.Records, e)
			page.Cursor = e.Seq
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, store.ErrResyncRequired) {
			return store.PullPage{}, err
		}
		return store.PullPage{}, fmt.Errorf("boltstore: pull: %w", err)
	}
	return page, nil
}

// PurgeTombstones removes tombstones received before `before`, keeping stubs.
func (s *Store) PurgeTombstones(ctx context.Context, before time.Time) (int, error) {
	n := 0
	cut := before.UnixMilli()
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, sb *bolt.Bucket) error {
			if len(name) < 2 || string(name[:2]) != "s:" {
				return nil
			}
			recs, seqs, stubs, meta := sb.Bucket(bRecs), sb.Bucket(bSeqs), sb.Bucket(bStubs), sb.Bucket(bMeta)
			horizon := getU64(meta, kHorizon)
			var purge [][]byte
			c := recs.Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if len(v) < 17 || v[16]&flagDeleted == 0 {
					continue
				}
				if int64(binary.BigEndian.Uint64(v[8:])) < cut {
					purge = append(purge, append([]byte(nil), k...))
				}
			}
			for _, id := range purge {
				r, err := decodeRec(recs.Get(id))
				if err != nil {
					return err
				}
				if err := stubs.Put(id, []byte(r.HLC)); err != nil {
					return err
				}
				if err := seqs.Delete(u64(r.Seq)); err != nil {
					return err
				}
				if err := recs.Delete(id); err != nil {
					return err
				}
				horizon = max(horizon, r.Seq)
				n++
			}
			if len(purge) > 0 {
				return meta.Put(kHorizon, u64(horizon))
			}
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("boltstore: purge: %w", err)
	}
	return n, nil
}

// Records returns the school's current non-deleted records of some types.
func (s *Store) Records(ctx context.Context, schoolID string, types ...string) ([]record.Envelope, error) {
	want := map[string]bool{}
	for _, t := range types {
		want[t] = true
	}
	var out []record.Envelope
	err := s.db.View(func(tx *bolt.Tx) error {
		sb, _ := schoolBucket(tx, schoolID, false)
		if sb == nil {
			return nil
		}
		return sb.Bucket(bRecs).ForEach(func(k, v []byte) error {
			r, err := decodeRec(v)
			if err != nil {
				return err
			}
			if r.Deleted || (len(want) > 0 && !want[r.Type]) {
				return nil
			}
			out = append(out, record.Envelope{ID: string(k), Type: r.Type, HLC: r.HLC, Data: r.Data,
				Seq: int64(r.Seq), Restricted: r.Restricted})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: records: %w", err)
	}
	return out, nil
}
