package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"smallwins/syncserver/internal/store"
)

// Administration (PROTOCOL §13): users, enrolment codes, wipe marks.

// ListUsers lists a school's users sorted by username. The usernames index
// is keyed school\x00username, so a prefix scan visits exactly the school's
// users, already in byte order.
func (s *Store) ListUsers(ctx context.Context, schoolID string) ([]store.User, error) {
	out := []store.User{}
	err := s.db.View(func(tx *bolt.Tx) error {
		users := tx.Bucket(bUsers)
		prefix := []byte(schoolID + "\x00")
		c := tx.Bucket(bUsernames).Cursor()
		for k, id := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, id = c.Next() {
			var u store.User
			if err := getJSON(users, id, &u); err != nil {
				return err
			}
			u.PasswordHash = nil
			out = append(out, u)
		}
		return nil
	})
	// Byte order of the keys is username order only up to the prefix;
	// sorting again costs nothing and states the contract.
	sort.Slice(out, func(i, j int) bool { return out[i].Username < out[j].Username })
	return out, wrap("list users", err)
}

// UpdateUser changes a user; disabling revokes every device of theirs in the
// same write transaction.
func (s *Store) UpdateUser(ctx context.Context, schoolID, userID string, ch store.UserChange, at time.Time) (store.User, error) {
	if err := ch.CheckText(); err != nil {
		return store.User{}, err
	}
	var u store.User
	err := s.db.Update(func(tx *bolt.Tx) error {
		users := tx.Bucket(bUsers)
		if err := getJSON(users, []byte(userID), &u); err != nil {
			return err
		}
		if u.SchoolID != schoolID {
			return store.ErrNotFound // another school's user is no one here
		}
		if ch.Name != nil {
			u.Name = *ch.Name
		}
		if ch.Role != nil {
			u.Role = *ch.Role
		}
		if ch.PasswordHash != nil {
			u.PasswordHash = ch.PasswordHash
		}
		if ch.ConsoleLang != nil {
			u.ConsoleLang = *ch.ConsoleLang
		}
		if ch.Disabled != nil {
			u.Disabled = *ch.Disabled
			if u.Disabled {
				if err := revokeUserTx(tx, schoolID, userID); err != nil {
					return err
				}
				if err := deleteUserSessionsTx(tx, userID); err != nil {
					return err
				}
			}
		}
		return putJSON(users, []byte(userID), u)
	})
	if err != nil {
		return store.User{}, wrap("update user", err)
	}
	u.PasswordHash = nil
	return u, nil
}

// revokeUserTx revokes every device of the school enrolled to the user.
func revokeUserTx(tx *bolt.Tx, schoolID, userID string) error {
	devs := tx.Bucket(bDevices)
	prefix := []byte(schoolID + "\x00")
	type hit struct {
		k []byte
		d deviceEntry
	}
	var hits []hit
	c := devs.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var d deviceEntry
		if err := json.Unmarshal(v, &d); err != nil {
			return err
		}
		if d.UserID == userID && (!d.Revoked || len(d.Tokens) > 0) {
			hits = append(hits, hit{append([]byte(nil), k...), d})
		}
	}
	for _, h := range hits { // written after the scan: bbolt forbids both at once
		if err := revokeTx(tx, h.k, &h.d); err != nil {
			return err
		}
		if err := putJSON(devs, h.k, h.d); err != nil {
			return err
		}
	}
	return nil
}

type codeEntry struct {
	SchoolID  string    `json:"school_id"`
	UserID    string    `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	UsedAt    time.Time `json:"used_at,omitzero"`
}

// CreateEnrolmentCode stores a code's hash for a user of the school.
func (s *Store) CreateEnrolmentCode(ctx context.Context, c store.EnrolmentCode) error {
	return wrap("create enrolment code", s.db.Update(func(tx *bolt.Tx) error {
		var u store.User
		if err := getJSON(tx.Bucket(bUsers), []byte(c.UserID), &u); err != nil {
			return err
		}
		if u.SchoolID != c.SchoolID {
			return store.ErrNotFound
		}
		codes := tx.Bucket(bEnrolCodes)
		if codes.Get(c.Hash) != nil {
			return store.ErrConflict // 2^-74 per pair; never silently replaced
		}
		return putJSON(codes, c.Hash, codeEntry{SchoolID: c.SchoolID, UserID: c.UserID, CreatedAt: c.CreatedAt, ExpiresAt: c.ExpiresAt})
	}))
}

// ConsumeEnrolmentCode marks a code used, once: the read and the write are
// one write transaction, and bbolt runs those one at a time.
func (s *Store) ConsumeEnrolmentCode(ctx context.Context, schoolID string, hash []byte, at time.Time) (store.User, error) {
	var u store.User
	err := s.db.Update(func(tx *bolt.Tx) error {
		codes := tx.Bucket(bEnrolCodes)
		var ce codeEntry
		if err := getJSON(codes, hash, &ce); err != nil {
			return err
		}
		if ce.SchoolID != schoolID || !ce.UsedAt.IsZero() || !at.Before(ce.ExpiresAt) {
			return store.ErrNotFound
		}
		if err := getJSON(tx.Bucket(bUsers), []byte(ce.UserID), &u); err != nil {
			return err
		}
		if u.Disabled {
			return store.ErrNotFound // left unused: it works once enabled again
		}
		ce.UsedAt = at
		return putJSON(codes, hash, ce)
	})
	if err != nil {
		return store.User{}, wrap("consume enrolment code", err)
	}
	return u, nil
}

// ExpireEnrolmentCodes deletes used codes and codes expired before `before`.
func (s *Store) ExpireEnrolmentCodes(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		codes := tx.Bucket(bEnrolCodes)
		var due [][]byte
		err := codes.ForEach(func(k, v []byte) error {
			var ce codeEntry
			if err := json.Unmarshal(v, &ce); err != nil {
				return err
			}
			if !ce.UsedAt.IsZero() || ce.ExpiresAt.Before(before) {
				due = append(due, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range due {
			if err := codes.Delete(k); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, wrap("expire enrolment codes", err)
}

// WipeDevice revokes a device and marks its dead tokens wiped.
func (s *Store) WipeDevice(ctx context.Context, schoolID, deviceID string, at time.Time) error {
	return wrap("wipe device", s.db.Update(func(tx *bolt.Tx) error {
		devs := tx.Bucket(bDevices)
		k := deviceKey(schoolID, deviceID)
		var d deviceEntry
		if err := getJSON(devs, k, &d); err != nil {
			return err
		}
		if err := revokeTx(tx, k, &d); err != nil {
			return err
		}
		// The wipe destroys the recovery key in the same transaction
		// (ADR 0020): nothing can unseal the tablet's data after.
		if err := deleteRecoveryKeyTx(tx, k); err != nil {
			return err
		}
		for i := range d.Dead {
			if d.Dead[i].WipedAt.IsZero() {
				d.Dead[i].WipedAt = at
			}
		}
		return putJSON(devs, k, d)
	}))
}

// ExpireWipeMarks forgets wiped dead tokens marked before `before` of devices
// enrolled again after their wipe.
func (s *Store) ExpireWipeMarks(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		devs, dead := tx.Bucket(bDevices), tx.Bucket(bDeadTokens)
		type hit struct {
			k []byte
			d deviceEntry
		}
		var hits []hit
		err := devs.ForEach(func(k, v []byte) error {
			var d deviceEntry
			if err := json.Unmarshal(v, &d); err != nil {
				return err
			}
			due := func(t deadToken) bool {
				return !t.WipedAt.IsZero() && t.WipedAt.Before(before) && d.EnrolledAt.After(t.WipedAt)
			}
			var kept []deadToken
			for _, t := range d.Dead {
				if !due(t) {
					kept = append(kept, t)
					continue
				}
				// Another bucket than the one iterated: safe to delete.
				if err := dead.Delete(t.Hash); err != nil {
					return err
				}
				n++
			}
			if len(kept) < len(d.Dead) {
				d.Dead = kept
				hits = append(hits, hit{append([]byte(nil), k...), d})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, h := range hits {
			if err := putJSON(devs, h.k, h.d); err != nil {
				return err
			}
		}
		return nil
	})
	return n, wrap("expire wipe marks", err)
}
