package pgstore

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"smallwins/syncserver/internal/store"
)

// Administration (PROTOCOL §13): users, enrolment codes, wipe marks.

// isUUID guards every id a client chose before it reaches a uuid column:
// PostgreSQL would answer a malformed one with an error (500), where the
// protocol wants "no such thing" (404).
func isUUID(s string) bool { _, err := uuid.Parse(s); return err == nil }

// ListUsers lists a school's users by username (byte order, as boltstore).
func (s *Store) ListUsers(ctx context.Context, schoolID string) ([]store.User, error) {
	out := []store.User{}
	if !isUUID(schoolID) {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT id::text, school_id::text, username, name, role, created_at, disabled
		FROM users WHERE school_id = $1 ORDER BY username COLLATE "C"`, schoolID)
	if err != nil {
		return nil, wrap("list users", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u store.User
		if err := rows.Scan(&u.ID, &u.SchoolID, &u.Username, &u.Name, &u.Role, &u.CreatedAt, &u.Disabled); err != nil {
			return nil, wrap("list users", err)
		}
		out = append(out, u)
	}
	return out, wrap("list users", rows.Err())
}

// UpdateUser changes a user. Disabling marks the user's devices revoked and
// moves their tokens to dead_tokens in the same transaction, so the next
// request of any of their devices, on any instance, finds no token.
func (s *Store) UpdateUser(ctx context.Context, schoolID, userID string, ch store.UserChange, at time.Time) (store.User, error) {
	if err := ch.CheckText(); err != nil {
		return store.User{}, err
	}
	if !isUUID(schoolID) || !isUUID(userID) {
		return store.User{}, store.ErrNotFound
	}
	var u store.User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		// COALESCE keeps what the change leaves nil. The users row is
		// locked first (lock order: users, devices, tokens).
		u, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET name = COALESCE($3, name), role = COALESCE($4, role),
				password_hash = COALESCE($5, password_hash), disabled = COALESCE($6, disabled),
				console_lang = COALESCE($7, console_lang)
			WHERE id = $1 AND school_id = $2 RETURNING `+userCols, userID, schoolID, ch.Name, ch.Role, ch.PasswordHash, ch.Disabled, ch.ConsoleLang))
		if err != nil {
			return err
		}
		if ch.Disabled == nil || !*ch.Disabled {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE devices SET revoked = true WHERE school_id = $1 AND user_id = $2`, schoolID, userID); err != nil {
			return err
		}
		if err := deleteUserSessionsTx(ctx, tx, userID); err != nil {
			return err
		}
		return buryTokens(ctx, tx, `school_id = $1 AND user_id = $2`, schoolID, userID, at)
	})
	if err != nil {
		return store.User{}, wrap("update user", err)
	}
	u.PasswordHash = nil
	return u, nil
}

// CreateEnrolmentCode stores a code's hash for a user of the school.
func (s *Store) CreateEnrolmentCode(ctx context.Context, c store.EnrolmentCode) error {
	if !isUUID(c.SchoolID) || !isUUID(c.UserID) {
		return store.ErrNotFound
	}
	// The INSERT ... SELECT finds the user in that school or inserts nothing.
	tag, err := s.pool.Exec(ctx, `INSERT INTO enrolment_codes (hash, school_id, user_id, created_at, expires_at)
		SELECT $1, school_id, id, $3, $4 FROM users WHERE id = $2 AND school_id = $5`,
		c.Hash, c.UserID, c.CreatedAt, c.ExpiresAt, c.SchoolID)
	if err != nil {
		return wrap("create enrolment code", err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// ConsumeEnrolmentCode marks a code used in one UPDATE: of two racing on one
// code, the second waits for the first's row lock, re-checks used_at IS NULL
// and matches nothing (READ COMMITTED re-evaluates the WHERE on the new row).
func (s *Store) ConsumeEnrolmentCode(ctx context.Context, schoolID string, hash []byte, at time.Time) (store.User, error) {
	if !isUUID(schoolID) {
		return store.User{}, store.ErrNotFound
	}
	var u store.User
	err := s.pool.QueryRow(ctx, `UPDATE enrolment_codes c SET used_at = $3 FROM users u
		WHERE c.hash = $1 AND c.school_id = $2 AND c.used_at IS NULL AND c.expires_at > $3
			AND u.id = c.user_id AND NOT u.disabled
		RETURNING u.id::text, u.school_id::text, u.username, u.name, u.role, u.password_hash, u.created_at, u.disabled`,
		hash, schoolID, at).Scan(&u.ID, &u.SchoolID, &u.Username, &u.Name, &u.Role, &u.PasswordHash, &u.CreatedAt, &u.Disabled)
	if err != nil {
		return store.User{}, wrap("consume enrolment code", err)
	}
	return u, nil
}

// ExpireEnrolmentCodes deletes used codes and codes expired before `before`.
func (s *Store) ExpireEnrolmentCodes(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM enrolment_codes WHERE used_at IS NOT NULL OR expires_at < $1`, before)
	if err != nil {
		return 0, wrap("expire enrolment codes", err)
	}
	return int(tag.RowsAffected()), nil
}

// WipeDevice revokes a device and marks its dead tokens wiped.
func (s *Store) WipeDevice(ctx context.Context, schoolID, deviceID string, at time.Time) error {
	if !isUUID(schoolID) {
		return store.ErrNotFound
	}
	return wrap("wipe device", pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := revokeTx(ctx, tx, schoolID, deviceID, at); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE dead_tokens SET wiped_at = $3 WHERE school_id = $1 AND device_id = $2 AND wiped_at IS NULL`,
			schoolID, deviceID, at)
		return err
	}))
}

// ExpireWipeMarks forgets wiped dead tokens marked before `before` of devices
// enrolled again after their wipe.
func (s *Store) ExpireWipeMarks(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM dead_tokens dt USING devices d
		WHERE d.school_id = dt.school_id AND d.device_id = dt.device_id
			AND dt.wiped_at < $1 AND d.enrolled_at > dt.wiped_at`, before)
	if err != nil {
		return 0, wrap("expire wipe marks", err)
	}
	return int(tag.RowsAffected()), nil
}
