package localstore

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Drafts are this tablet's work in progress that is not a record yet: a
// probe's running error tally, say. A draft is not a record: it is never
// synced, has no HLC and no outbox entry, and no report reads it. It is kept
// durably all the same (one fsynced bbolt Update per write), so that a tap is
// not lost when the tablet dies mid-probe (ADR 0620). Erasing the tablet
// removes the file and its drafts with it.

// maxDraft bounds one draft: drafts are small states, never documents.
const maxDraft = 64 << 10

// PutDraft stores value under key, replacing any previous draft of key.
func (s *Store) PutDraft(ctx context.Context, key string, value []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("localstore: put draft: %w", err)
	}
	if key == "" || len(key) > 200 {
		return fmt.Errorf("localstore: put draft: %w: key must be 1–200 bytes", ErrInvalid)
	}
	if len(value) > maxDraft {
		return fmt.Errorf("localstore: put draft %s: %w: %d bytes is more than %d", key, ErrInvalid, len(value), maxDraft)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		return s.put(tx, bDrafts, []byte(key), value) // sealed like a record (ADR 0610)
	})
	if err != nil {
		return fmt.Errorf("localstore: put draft %s: %w", key, err)
	}
	return nil
}

// Draft returns the draft stored under key; ok is false when there is none.
func (s *Store) Draft(key string) (value []byte, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		v, err := s.get(tx, bDrafts, []byte(key))
		if err != nil || v == nil {
			return err
		}
		value, ok = append([]byte(nil), v...), true // copied out of the mmap
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("localstore: draft %s: %w", key, err)
	}
	return value, ok, nil
}

// DeleteDraft removes the draft under key; removing none is not an error.
func (s *Store) DeleteDraft(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("localstore: delete draft: %w", err)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bDrafts).Delete([]byte(key))
	})
	if err != nil {
		return fmt.Errorf("localstore: delete draft %s: %w", key, err)
	}
	return nil
}
