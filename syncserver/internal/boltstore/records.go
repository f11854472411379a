package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unsafe"

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
	r, err := decodeRecHeader(v)
	if err == nil && len(r.Data) > 0 {
		r.Data = append([]byte(nil), r.Data...)
	}
	return r, err
}

// decodeRecHeader decodes v leaving Data pointing into v: for reading
// inside the transaction only.
func decodeRecHeader(v []byte) (recValue, error) {
	raw, err := decodeRecRaw(v)
	if err != nil {
		return recValue{}, err
	}
	return recValue{Seq: raw.seq, At: raw.at, Deleted: raw.deleted, Restricted: raw.restricted,
		HLC: string(raw.hlc), Type: string(raw.typ), Author: string(raw.author), Data: raw.data}, nil
}

// cut16 splits a u16-length-prefixed string off v.
func cut16(v []byte) (s, rest []byte, ok bool) {
	if len(v) < 2 {
		return nil, v, false
	}
	l := int(binary.BigEndian.Uint16(v))
	if len(v) < 2+l {
		return nil, v, false
	}
	return v[2 : 2+l], v[2+l:], true
}

// rawRec is a stored value's fields as slices of it (no copy).
type rawRec struct {
	seq                    uint64
	at                     int64
	deleted, restricted    bool
	hlc, typ, author, data []byte
}

func decodeRecRaw(v []byte) (rawRec, error) {
	var r rawRec
	if len(v) < 17 {
		return r, errCorrupt
	}
	r.seq = binary.BigEndian.Uint64(v)
	r.at = int64(binary.BigEndian.Uint64(v[8:]))
	r.deleted = v[16]&flagDeleted != 0
	r.restricted = v[16]&flagRestricted != 0
	v = v[17:]
	var ok1, ok2, ok3 bool
	r.hlc, v, ok1 = cut16(v)
	r.typ, v, ok2 = cut16(v)
	r.author, v, ok3 = cut16(v)
	if !ok1 || !ok2 || !ok3 {
		return r, errCorrupt
	}
	if len(v) > 0 {
		r.data = v
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
		page.Epoch = epochIn(tx)
		sb, _ := schoolBucket(tx, q.SchoolID, false)
		if sb == nil {
			return nil
		}
		if h := getU64(sb.Bucket(bMeta), kHorizon); q.After > 0 && uint64(q.After) < h {
			return store.ErrResyncRequired
		}
		rc := sb.Bucket(bRecs).Cursor()
		rc.First() // any position: the first Next below falls back to Seek
		c := sb.Bucket(bSeqs).Cursor()
		size := 0
		var ar pageArena
		for k, id := c.Seek(u64(uint64(q.After) + 1)); k != nil; k, id = c.Next() {
			if len(page.Records) >= limit || (len(page.Records) > 0 && q.MaxBytes > 0 && size >= q.MaxBytes) {
				page.More = true
				break
			}
			// Records pushed in id order (UUIDv7 ids, made in time order)
			// sit in recs in seq order too: try the next key before a
			// search from the root (bbolt's Get is a Seek).
			var v []byte
			if rk, rv := rc.Next(); rk != nil && bytes.Equal(rk, id) {
				v = rv
			} else if rk, rv = rc.Seek(id); bytes.Equal(rk, id) {
				v = rv
			}
			if v == nil {
				return errCorrupt
			}
			e, err := ar.envelope(id, v, q.Viewer)
			if err != nil {
				return err
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

// tombKey is a key of the purge index: the tombstone's receive time first,
// so a purge reads only the tombstones old enough to go.
func tombKey(atMS int64, id []byte) []byte {
	k := make([]byte, 0, 8+len(id))
	k = binary.BigEndian.AppendUint64(k, uint64(atMS))
	return append(k, id...)
}

// PurgeTombstones removes tombstones received before `before`, keeping a stub
// (id → hlc) of each and raising the school's horizon to the highest purged
// seq (PROTOCOL §6, ADR 0100). One write transaction for all schools, so it
// is safe beside pushes and pulls.
func (s *Store) PurgeTombstones(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n := 0
	cut := uint64(before.UnixMilli())
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0 // the function may run again
		for _, schoolID := range schoolIDs(tx) {
			sb, err := schoolBucket(tx, schoolID, false)
			if err != nil {
				return err
			}
			recs, seqs, tombs, stubs, meta := sb.Bucket(bRecs), sb.Bucket(bSeqs), sb.Bucket(bTombs), sb.Bucket(bStubs), sb.Bucket(bMeta)
			horizon := getU64(meta, kHorizon)
			var due [][]byte
			c := tombs.Cursor()
			for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) < cut; k, _ = c.Next() {
				due = append(due, append([]byte(nil), k...))
			}
			for _, k := range due {
				id := k[8:]
				v := recs.Get(id)
				if v == nil {
					return errCorrupt
				}
				seq, h := binary.BigEndian.Uint64(v), ""
				if h, _, _, err = heldHLC(v); err != nil {
					return err
				}
				if err := stubs.Put(id, []byte(h)); err != nil {
					return err
				}
				for _, del := range []struct {
					b *bolt.Bucket
					k []byte
				}{{seqs, u64(seq)}, {recs, id}, {tombs, k}} {
					if err := del.b.Delete(del.k); err != nil {
						return err
					}
				}
				horizon = max(horizon, seq)
				n++
			}
			if len(due) > 0 {
				if err := meta.Put(kHorizon, u64(horizon)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("boltstore: purge: %w", err)
	}
	return n, nil
}

// pageArena holds the bytes of a pull page's envelopes (ids, types, HLCs,
// data) copied out of bbolt, in chunks of about 1 MiB instead of five
// allocations per record: a page of 5,000 records costs the garbage
// collector a handful of objects. The strings point into the chunks, which
// are never written again once a record is copied.
type pageArena struct{ buf []byte }

const arenaChunk = 1 << 20

// copy returns b copied into the arena.
func (a *pageArena) copy(b []byte) []byte {
	if len(b) > cap(a.buf)-len(a.buf) {
		a.buf = make([]byte, 0, max(arenaChunk, len(b)))
	}
	n := len(a.buf)
	a.buf = append(a.buf, b...)
	return a.buf[n:len(a.buf):len(a.buf)]
}

func (a *pageArena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	c := a.copy(b)
	return unsafe.String(&c[0], len(c))
}

// envelope decodes the stored value v of id as the viewer may see it
// (PROTOCOL §6: content only for its author and admins), its bytes copied
// into the arena (bbolt memory is only valid inside its transaction).
func (a *pageArena) envelope(id, v []byte, viewer store.Viewer) (record.Envelope, error) {
	r, err := decodeRecRaw(v)
	if err != nil {
		return record.Envelope{}, err
	}
	e := record.Envelope{ID: a.str(id), Type: a.str(r.typ), HLC: a.str(r.hlc), Deleted: r.deleted, Seq: int64(r.seq), Restricted: r.restricted}
	// The author is only compared, inside the transaction: no copy.
	if !viewer.CanSee(unsafe.String(unsafe.SliceData(r.author), len(r.author)), r.restricted) {
		return e.Tombstone(), nil
	}
	if len(r.data) > 0 {
		e.Data = a.copy(r.data)
	}
	return e, nil
}

// SchoolVersion reads the school's seq and the epoch in one transaction.
func (s *Store) SchoolVersion(ctx context.Context, schoolID string) (store.SchoolVersion, error) {
	if err := ctx.Err(); err != nil {
		return store.SchoolVersion{}, err
	}
	var v store.SchoolVersion
	err := s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bSchools).Get([]byte(schoolID)) == nil {
			return store.ErrNotFound
		}
		v.Epoch = string(tx.Bucket(bMeta).Get(kEpoch))
		// No bucket yet: nothing was ever pushed to the school, seq 0.
		if sb, _ := schoolBucket(tx, schoolID, false); sb != nil {
			v.Seq = int64(getU64(sb.Bucket(bMeta), kSeq))
		}
		return nil
	})
	return v, wrap("school version", err)
}
