package boltstore

import (
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"smallwins/syncserver/internal/store"
)

// Recovery keys (store.RecoveryKeys, ADR 0020): one bucket, recoverykeys,
// school\x00device → recoveryEntry JSON. RevokeDevice and WipeDevice delete
// the device's entry in their own transaction (deleteRecoveryKeyTx).

type recoveryEntry struct {
	UserID string    `json:"user_id"`
	Key    []byte    `json:"key"`
	At     time.Time `json:"at"`
}

// PutRecoveryKey stores a device's key, replacing the one before.
func (s *Store) PutRecoveryKey(ctx context.Context, k store.RecoveryKey) error {
	if len(k.Key) != store.RecoveryKeyLen {
		return wrap("put recovery key", store.ErrBadRecoveryKey)
	}
	return wrap("put recovery key", s.db.Update(func(tx *bolt.Tx) error {
		// bbolt runs write transactions one at a time: a revocation is
		// wholly before this check or wholly after the write.
		var d deviceEntry
		if err := getJSON(tx.Bucket(bDevices), deviceKey(k.SchoolID, k.DeviceID), &d); err != nil {
			return err
		}
		if d.Revoked || d.UserID != k.UserID {
			return store.ErrNotFound
		}
		return putJSON(tx.Bucket(bRecoveryKeys), deviceKey(k.SchoolID, k.DeviceID), recoveryEntry{UserID: k.UserID, Key: k.Key, At: k.At})
	}))
}

// RecoveryKey returns a device's key to the user who stored it.
func (s *Store) RecoveryKey(ctx context.Context, schoolID, deviceID, userID string) ([]byte, error) {
	var e recoveryEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		return getJSON(tx.Bucket(bRecoveryKeys), deviceKey(schoolID, deviceID), &e)
	})
	if err == nil && (e.UserID != userID || len(e.Key) != store.RecoveryKeyLen) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, wrap("recovery key", err)
	}
	return e.Key, nil
}

// deleteRecoveryKeyTx destroys a device's key (k is its deviceKey).
func deleteRecoveryKeyTx(tx *bolt.Tx, k []byte) error { return tx.Bucket(bRecoveryKeys).Delete(k) }
