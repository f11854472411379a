package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"

	"smallwins/syncserver/internal/store"
)

// Console sessions (CONSOLE.md §2): hash → consoleEntry. The bucket is
// small (a school's signed-in browsers; ExpireConsoleSessions removes the
// dead ones), so deleting a user's sessions scans it instead of keeping a
// second index that every write would have to maintain.

type consoleEntry struct {
	SchoolID  string    `json:"school_id"`
	UserID    string    `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
}

// CreateConsoleSession stores a session's hash for a live user of the school.
func (s *Store) CreateConsoleSession(ctx context.Context, cs store.ConsoleSession) error {
	return wrap("create console session", s.db.Update(func(tx *bolt.Tx) error {
		var u store.User
		if err := getJSON(tx.Bucket(bUsers), []byte(cs.UserID), &u); err != nil {
			return err
		}
		// Checked in the same transaction as the write, so a disable that
		// commits first leaves no session behind.
		if u.SchoolID != cs.SchoolID || u.Disabled {
			return store.ErrNotFound
		}
		return putJSON(tx.Bucket(bConsoleSessions), cs.Hash, consoleEntry{SchoolID: cs.SchoolID, UserID: cs.UserID,
			CreatedAt: cs.CreatedAt, LastSeen: cs.LastSeen})
	}))
}

// ConsoleSessionByHash resolves a live session, touching it at most once
// per store.ConsoleTouchEvery.
func (s *Store) ConsoleSessionByHash(ctx context.Context, hash []byte, at time.Time) (store.Principal, error) {
	var p store.Principal
	var stale bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var e consoleEntry
		if err := getJSON(tx.Bucket(bConsoleSessions), hash, &e); err != nil {
			return err
		}
		if !store.ConsoleSessionLive(store.ConsoleSession{CreatedAt: e.CreatedAt, LastSeen: e.LastSeen}, at) {
			return store.ErrNotFound
		}
		if err := getJSON(tx.Bucket(bSchools), []byte(e.SchoolID), &p.School); err != nil {
			return err
		}
		if err := getJSON(tx.Bucket(bUsers), []byte(e.UserID), &p.User); err != nil {
			return err
		}
		if p.User.Disabled {
			// Disabling deletes the sessions too; this is the second lock.
			return store.ErrNotFound
		}
		stale = at.Sub(e.LastSeen) >= store.ConsoleTouchEvery
		return nil
	})
	if err != nil {
		return store.Principal{}, wrap("console session", err)
	}
	p.User.PasswordHash = nil // nothing past sign-in needs it
	if stale {
		err = s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bConsoleSessions)
			var e consoleEntry
			if err := getJSON(b, hash, &e); err != nil {
				return err // deleted since the read: this request is refused too
			}
			if at.After(e.LastSeen) {
				e.LastSeen = at
			}
			return putJSON(b, hash, e)
		})
		if err != nil {
			return store.Principal{}, wrap("console session: touch", err)
		}
	}
	return p, nil
}

// DeleteConsoleSession ends one session.
func (s *Store) DeleteConsoleSession(ctx context.Context, hash []byte) error {
	return wrap("delete console session", s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bConsoleSessions).Delete(hash)
	}))
}

// ExpireConsoleSessions deletes the sessions no longer live at `at`.
func (s *Store) ExpireConsoleSessions(ctx context.Context, at time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		return deleteSessionsTx(tx, func(e consoleEntry) bool {
			return !store.ConsoleSessionLive(store.ConsoleSession{CreatedAt: e.CreatedAt, LastSeen: e.LastSeen}, at)
		}, &n)
	})
	return n, wrap("expire console sessions", err)
}

// deleteUserSessionsTx deletes every console session of a user (disabled:
// PROTOCOL §13 and CONSOLE.md §2 end them at once).
func deleteUserSessionsTx(tx *bolt.Tx, userID string) error {
	var n int
	return deleteSessionsTx(tx, func(e consoleEntry) bool { return e.UserID == userID }, &n)
}

func deleteSessionsTx(tx *bolt.Tx, match func(consoleEntry) bool, n *int) error {
	b := tx.Bucket(bConsoleSessions)
	var dead [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var e consoleEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return errors.Join(errors.New("console session entry"), err)
		}
		if match(e) {
			dead = append(dead, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range dead { // deleted after the scan: bbolt forbids both at once
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	*n += len(dead)
	return nil
}
