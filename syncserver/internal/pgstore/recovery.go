package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"

	"smallwins/syncserver/internal/store"
)

// Recovery keys (store.RecoveryKeys, ADR 0020): table recovery_keys
// (migration 0007). RevokeDevice and WipeDevice delete a device's row in
// their own transaction (revokeTx).

// PutRecoveryKey stores a device's key, replacing the one before. The
// device row is read FOR SHARE: a revocation (an UPDATE of that row) either
// committed before, and then the row says revoked and nothing is written, or
// waits for this transaction and then deletes the key written here.
func (s *Store) PutRecoveryKey(ctx context.Context, k store.RecoveryKey) error {
	if len(k.Key) != store.RecoveryKeyLen {
		return wrap("put recovery key", store.ErrBadRecoveryKey)
	}
	if !isUUID(k.SchoolID) || !isUUID(k.UserID) {
		return wrap("put recovery key", store.ErrNotFound)
	}
	return wrap("put recovery key", pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM devices WHERE school_id = $1 AND device_id = $2 AND user_id = $3 AND NOT revoked FOR SHARE`,
			k.SchoolID, k.DeviceID, k.UserID).Scan(&one)
		if err != nil {
			return err // pgx.ErrNoRows: wrap makes it ErrNotFound
		}
		_, err = tx.Exec(ctx, `INSERT INTO recovery_keys (school_id, device_id, user_id, key, stored_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (school_id, device_id) DO UPDATE SET user_id = EXCLUDED.user_id, key = EXCLUDED.key, stored_at = EXCLUDED.stored_at`,
			k.SchoolID, k.DeviceID, k.UserID, k.Key, k.At)
		return err
	}))
}

// RecoveryKey returns a device's key to the user who stored it.
func (s *Store) RecoveryKey(ctx context.Context, schoolID, deviceID, userID string) ([]byte, error) {
	if !isUUID(schoolID) || !isUUID(userID) {
		return nil, store.ErrNotFound
	}
	var key []byte
	err := s.pool.QueryRow(ctx, `SELECT key FROM recovery_keys WHERE school_id = $1 AND device_id = $2 AND user_id = $3`,
		schoolID, deviceID, userID).Scan(&key)
	if err != nil {
		return nil, wrap("recovery key", err)
	}
	return key, nil
}
