package boltstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// The read indexes hold every live, non-deleted record of a school once in
// types (type ‖ 0 ‖ id) and once per referenced id in refs (ref ‖ type ‖ 0
// ‖ id). Ids and refs are UUIDs (push validates ids, store.Refs keeps only
// UUIDs) and are stored as their 16 bytes: half the bytes of the text, so
// half the index pages a push dirties, searches and writes. Values are
// empty: the record is then read from recs by id. A push writes them in its
// own transaction, so a read never sees a record without its entries or
// entries of a version that is gone.

// uuidBytes is the 16 bytes of a UUID text.
func uuidBytes(s string) ([]byte, error) {
	u, err := uuid.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("boltstore: index: %q is not a uuid", s)
	}
	return u[:], nil
}

func typeKey(typ string, id []byte) []byte {
	k := make([]byte, 0, len(typ)+1+len(id))
	k = append(append(k, typ...), 0)
	return append(k, id...)
}

func refKey(ref []byte, typ string, id []byte) []byte {
	k := make([]byte, 0, len(ref)+len(typ)+1+len(id))
	k = append(append(k, ref...), typ...)
	k = append(k, 0)
	return append(k, id...)
}

// keyID is the record id at the end of an index key.
func keyID(k []byte) []byte {
	return []byte(uuid.UUID(k[len(k)-16:]).String())
}

// putIndex adds the index entries of a live record with this id.
func putIndex(types, refs *bolt.Bucket, ix indexOf, id string) error {
	return eachIndexKey(ix, id, func(b *bolt.Bucket, k []byte) error { return b.Put(k, nil) }, types, refs)
}

// eachIndexKey calls fn with each index key of a version and its bucket.
func eachIndexKey(ix indexOf, id string, fn func(b *bolt.Bucket, k []byte) error, types, refs *bolt.Bucket) error {
	idb, err := uuidBytes(id)
	if err != nil {
		return err
	}
	if err := fn(types, typeKey(ix.typ, idb)); err != nil {
		return err
	}
	for _, ref := range ix.refs {
		rb, err := uuidBytes(ref)
		if err != nil {
			return err
		}
		if err := fn(refs, refKey(rb, ix.typ, idb)); err != nil {
			return err
		}
	}
	return nil
}

// indexOf is what a stored live version has in the indexes, read while its
// value is still valid (bbolt memory may move once the transaction writes).
type indexOf struct {
	typ  string
	refs []string
}

func (ix indexOf) same(o indexOf) bool {
	if ix.typ != o.typ || len(ix.refs) != len(o.refs) {
		return false
	}
	for i := range ix.refs {
		if ix.refs[i] != o.refs[i] {
			return false
		}
	}
	return true
}

// storedIndex reads the type and references of a stored value.
func storedIndex(v []byte) (indexOf, error) {
	r, err := decodeRecHeader(v)
	if err != nil {
		return indexOf{}, err
	}
	// r.Data points into v; Refs copies what it keeps.
	return indexOf{typ: r.Type, refs: record.IndexedRefs(r.Type, r.Data)}, nil
}

// deleteIndex removes the entries putIndex made for a version.
func deleteIndex(types, refs *bolt.Bucket, ix indexOf, id string) error {
	return eachIndexKey(ix, id, func(b *bolt.Bucket, k []byte) error { return b.Delete(k) }, types, refs)
}

// visible appends the record stored under id when it is live, not deleted
// and v may see it.
func visible(out []record.Envelope, recs *bolt.Bucket, v store.Viewer, id []byte) ([]record.Envelope, error) {
	raw := recs.Get(id)
	if raw == nil {
		return out, nil
	}
	if len(raw) < 17 {
		return out, errCorrupt
	}
	if raw[16]&flagDeleted != 0 {
		return out, nil
	}
	_, restricted, author, err := heldHLC(raw)
	if err != nil {
		return out, err
	}
	if !v.CanSee(author, restricted) {
		return out, nil
	}
	r, err := decodeRec(raw)
	if err != nil {
		return out, err
	}
	return append(out, record.Envelope{ID: string(id), Type: r.Type, HLC: r.HLC, Data: r.Data,
		Seq: int64(r.Seq), Restricted: r.Restricted}), nil
}

// read runs fn on the school's bucket in a read transaction; a school
// without records reads as empty.
func (s *Store) read(ctx context.Context, op, schoolID string, fn func(sb *bolt.Bucket) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		sb, _ := schoolBucket(tx, schoolID, false)
		if sb == nil {
			return nil
		}
		return fn(sb)
	})
	if err != nil {
		return fmt.Errorf("boltstore: %s: %w", op, err)
	}
	return nil
}

// scanPrefix appends the visible records whose ids end the index keys that
// start with prefix.
func scanPrefix(out []record.Envelope, idx, recs *bolt.Bucket, v store.Viewer, prefix []byte) ([]record.Envelope, error) {
	c := idx.Cursor()
	var err error
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) < len(prefix)+16 {
			return out, errCorrupt
		}
		if out, err = visible(out, recs, v, keyID(k)); err != nil {
			return out, err
		}
	}
	return out, nil
}

// Records returns the current records of some types (all when none) that
// v may see, reading only those types through the types index.
func (s *Store) Records(ctx context.Context, schoolID string, v store.Viewer, types ...string) ([]record.Envelope, error) {
	var out []record.Envelope
	err := s.read(ctx, "records", schoolID, func(sb *bolt.Bucket) error {
		var err error
		out, err = scanTypes(out, sb.Bucket(bTypes), sb.Bucket(bRecs), v, nil, types, func(t string) []byte { return typeKey(t, nil) })
		return err
	})
	return out, err
}

// RecordsByID returns the current records with these ids that v may see.
func (s *Store) RecordsByID(ctx context.Context, schoolID string, v store.Viewer, ids ...string) ([]record.Envelope, error) {
	var out []record.Envelope
	err := s.read(ctx, "records by id", schoolID, func(sb *bolt.Bucket) error {
		recs := sb.Bucket(bRecs)
		seen := make(map[string]bool, len(ids))
		var err error
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			if out, err = visible(out, recs, v, []byte(id)); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// RecordsByRef returns the current records of some types (all when none)
// that reference refID and that v may see, through the refs index.
func (s *Store) RecordsByRef(ctx context.Context, schoolID string, v store.Viewer, refID string, types ...string) ([]record.Envelope, error) {
	if !record.IsID(refID) {
		return nil, nil // only canonical UUIDs are indexed (pgstore compares the text)
	}
	var out []record.Envelope
	ref, err := uuidBytes(refID)
	if err != nil {
		return nil, nil
	}
	err = s.read(ctx, "records by ref", schoolID, func(sb *bolt.Bucket) error {
		var err error
		out, err = scanTypes(out, sb.Bucket(bRefs), sb.Bucket(bRecs), v, ref, types, func(t string) []byte { return refKey(ref, t, nil) })
		return err
	})
	return out, err
}

// RecordsByRefs returns the current records of some types (all when none)
// that reference any of refIDs and that v may see, each once, in one read.
// A report asks it for a group's ~540 sessions at once, so it walks one
// cursor with one key buffer rather than scanning ref by ref.
func (s *Store) RecordsByRefs(ctx context.Context, schoolID string, v store.Viewer, refIDs []string, types ...string) ([]record.Envelope, error) {
	refs := make([]uuid.UUID, 0, len(refIDs))
	for _, id := range refIDs {
		if !record.IsID(id) {
			continue // only canonical UUIDs are indexed, as in RecordsByRef
		}
		if u, err := uuid.Parse(id); err == nil {
			refs = append(refs, u)
		}
	}
	if len(refs) == 0 {
		return nil, nil
	}
	slices.SortFunc(refs, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	refs = slices.Compact(refs)
	types = distinct(types)
	var out []record.Envelope
	err := s.read(ctx, "records by refs", schoolID, func(sb *bolt.Bucket) error {
		c, recs := sb.Bucket(bRefs).Cursor(), sb.Bucket(bRecs)
		var seen map[string]bool // only when a record may come twice
		if len(refs) > 1 {
			seen = map[string]bool{}
		}
		prefix := make([]byte, 0, 16+64)
		for _, ref := range refs {
			for t := 0; t < max(len(types), 1); t++ {
				prefix = append(prefix[:0], ref[:]...)
				if len(types) > 0 {
					prefix = append(append(prefix, types[t]...), 0)
				}
				for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
					if len(k) < len(prefix)+16 {
						return errCorrupt
					}
					id := keyID(k)
					if seen != nil {
						if seen[string(id)] {
							continue
						}
						seen[string(id)] = true
					}
					var err error
					if out, err = visible(out, recs, v, id); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	return out, err
}

// distinct is types without repeats, in their order.
func distinct(types []string) []string {
	out := types[:0:0]
	for _, t := range types {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// scanTypes reads an index under prefix (all of it when no type is asked
// for) or under prefixOf(t) for each distinct type asked for.
func scanTypes(out []record.Envelope, idx, recs *bolt.Bucket, v store.Viewer, prefix []byte, types []string, prefixOf func(string) []byte) ([]record.Envelope, error) {
	if len(types) == 0 {
		return scanPrefix(out, idx, recs, v, prefix)
	}
	seen := map[string]bool{}
	var err error
	for _, t := range types {
		if seen[t] {
			continue
		}
		seen[t] = true
		if out, err = scanPrefix(out, idx, recs, v, prefixOf(t)); err != nil {
			return nil, err
		}
	}
	return out, nil
}
