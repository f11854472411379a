package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"smallwins/syncserver/internal/store"
)

// Console sessions (CONSOLE.md §2), in console_sessions (migration 0006).

// CreateConsoleSession stores a session's hash for a live user of the
// school. The INSERT ... SELECT finds the enabled user in that school or
// inserts nothing, in one statement, so a disable committed first wins.
func (s *Store) CreateConsoleSession(ctx context.Context, cs store.ConsoleSession) error {
	if !isUUID(cs.SchoolID) || !isUUID(cs.UserID) {
		return store.ErrNotFound
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO console_sessions (hash, school_id, user_id, created_at, last_seen)
		SELECT $1, school_id, id, $3, $4 FROM users WHERE id = $2 AND school_id = $5 AND NOT disabled`,
		cs.Hash, cs.UserID, cs.CreatedAt, cs.LastSeen, cs.SchoolID)
	if err != nil {
		return wrap("create console session", err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// ConsoleSessionByHash resolves a live session, touching it at most once
// per store.ConsoleTouchEvery.
func (s *Store) ConsoleSessionByHash(ctx context.Context, hash []byte, at time.Time) (store.Principal, error) {
	var p store.Principal
	var created, seen time.Time
	err := s.pool.QueryRow(ctx, `SELECT c.created_at, c.last_seen, sc.id::text, sc.slug, sc.name, sc.created_at,
			u.id::text, u.school_id::text, u.username, u.name, u.role, u.created_at, u.disabled, u.console_lang
		FROM console_sessions c JOIN schools sc ON sc.id = c.school_id JOIN users u ON u.id = c.user_id
		WHERE c.hash = $1`, hash).Scan(&created, &seen, &p.School.ID, &p.School.Slug, &p.School.Name, &p.School.CreatedAt,
		&p.User.ID, &p.User.SchoolID, &p.User.Username, &p.User.Name, &p.User.Role, &p.User.CreatedAt, &p.User.Disabled, &p.User.ConsoleLang)
	if err != nil {
		return store.Principal{}, wrap("console session", err)
	}
	// Disabling deletes the sessions too; the disabled check is the second lock.
	if p.User.Disabled || !store.ConsoleSessionLive(store.ConsoleSession{CreatedAt: created, LastSeen: seen}, at) {
		return store.Principal{}, store.ErrNotFound
	}
	if at.Sub(seen) >= store.ConsoleTouchEvery {
		// The WHERE keeps the touch from reviving a session deleted (or
		// touched later by another instance) since the read.
		tag, err := s.pool.Exec(ctx, `UPDATE console_sessions SET last_seen = $2 WHERE hash = $1 AND last_seen < $2`, hash, at)
		if err != nil {
			return store.Principal{}, wrap("console session: touch", err)
		}
		if tag.RowsAffected() == 0 {
			var one int
			if err := s.pool.QueryRow(ctx, `SELECT 1 FROM console_sessions WHERE hash = $1`, hash).Scan(&one); err != nil {
				return store.Principal{}, wrap("console session: touch", err)
			}
		}
	}
	return p, nil
}

// DeleteConsoleSession ends one session.
func (s *Store) DeleteConsoleSession(ctx context.Context, hash []byte) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM console_sessions WHERE hash = $1`, hash)
	return wrap("delete console session", err)
}

// ExpireConsoleSessions deletes the sessions no longer live at `at`.
func (s *Store) ExpireConsoleSessions(ctx context.Context, at time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM console_sessions WHERE last_seen <= $1 OR created_at <= $2`,
		at.Add(-store.ConsoleIdle), at.Add(-store.ConsoleAbsolute))
	if err != nil {
		return 0, wrap("expire console sessions", err)
	}
	return int(tag.RowsAffected()), nil
}

// deleteUserSessionsTx deletes every console session of a user, in the
// transaction that disables them.
func deleteUserSessionsTx(ctx context.Context, tx pgx.Tx, userID string) error {
	_, err := tx.Exec(ctx, `DELETE FROM console_sessions WHERE user_id = $1`, userID)
	return err
}
