// Package pgstore is the sync server's PostgreSQL store, for a district that
// runs several server instances on one database. Everything that must hold
// across instances lives in the database: tokens and revocation, failed
// logins, the epoch, records with their per-school sequence, tombstone stubs
// and the purge horizon. See docs/postgres.md for why no pull skips a record.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"smallwins/syncserver/internal/store"
)

// Store is the PostgreSQL store. It implements store.Store.
type Store struct {
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// lastSeenEvery limits last-seen writes to one a minute per device.
const lastSeenEvery = time.Minute

// Open connects, applies migrations under an advisory lock and returns the store.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("pgstore: bad --postgres URL: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: connect: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{pool: pool}, nil
}

// Close closes the pool.
func (s *Store) Close() error { s.pool.Close(); return nil }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// Epoch returns the epoch.
func (s *Store) Epoch(ctx context.Context) (string, error) {
	var e string
	err := s.pool.QueryRow(ctx, `SELECT v FROM meta WHERE k = 'epoch'`).Scan(&e)
	return e, wrap("epoch", err)
}

// NewEpoch sets a new random epoch.
func (s *Store) NewEpoch(ctx context.Context) (string, error) {
	var e string
	err := s.pool.QueryRow(ctx, `UPDATE meta SET v = replace(gen_random_uuid()::text, '-', '') WHERE k = 'epoch' RETURNING v`).Scan(&e)
	return e, wrap("new epoch", err)
}

func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return store.ErrNotFound
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return store.ErrConflict
	}
	if errors.As(err, &pe) && pe.Code == "23503" {
		return store.ErrNotFound
	}
	return fmt.Errorf("pgstore: %s: %w", op, err)
}

// CreateSchool adds a school.
func (s *Store) CreateSchool(ctx context.Context, sc store.School) (store.School, error) {
	if err := store.CheckText(sc.Slug, sc.Name); err != nil {
		return store.School{}, err
	}
	if sc.ID == "" {
		sc.ID = uuid.NewString()
	}
	if sc.CreatedAt.IsZero() {
		sc.CreatedAt = time.Now().UTC()
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO schools (id, slug, name, created_at) VALUES ($1, $2, $3, $4)`, sc.ID, sc.Slug, sc.Name, sc.CreatedAt)
	return sc, wrap("create school", err)
}

// SchoolBySlug finds a school.
func (s *Store) SchoolBySlug(ctx context.Context, slug string) (store.School, error) {
	var sc store.School
	err := s.pool.QueryRow(ctx, `SELECT id::text, slug, name, created_at FROM schools WHERE slug = $1`, slug).Scan(&sc.ID, &sc.Slug, &sc.Name, &sc.CreatedAt)
	return sc, wrap("school by slug", err)
}

// Schools lists every school, ordered by slug.
func (s *Store) Schools(ctx context.Context) ([]store.School, error) {
	rows, err := s.pool.Query(ctx, `SELECT id::text, slug, name, created_at FROM schools ORDER BY slug`)
	if err != nil {
		return nil, wrap("schools", err)
	}
	defer rows.Close()
	var out []store.School
	for rows.Next() {
		var sc store.School
		if err := rows.Scan(&sc.ID, &sc.Slug, &sc.Name, &sc.CreatedAt); err != nil {
			return nil, wrap("schools", err)
		}
		out = append(out, sc)
	}
	return out, wrap("schools", rows.Err())
}

// CreateUser adds a user.
func (s *Store) CreateUser(ctx context.Context, u store.User) (store.User, error) {
	if err := (store.UserChange{ConsoleLang: &u.ConsoleLang}).CheckText(); err != nil {
		return store.User{}, err
	}
	if err := store.CheckText(u.Username, u.Name, u.Role); err != nil {
		return store.User{}, err
	}
	if u.ID == "" {
		u.ID = uuid.NewString()
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now().UTC()
	}
	if _, err := uuid.Parse(u.SchoolID); err != nil {
		return store.User{}, store.ErrNotFound
	}
	if u.PasswordHash == nil {
		u.PasswordHash = []byte{}
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO users (id, school_id, username, name, role, password_hash, created_at, console_lang) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		u.ID, u.SchoolID, u.Username, u.Name, u.Role, u.PasswordHash, u.CreatedAt, u.ConsoleLang)
	return u, wrap("create user", err)
}

const userCols = `id::text, school_id::text, username, name, role, password_hash, created_at, disabled, console_lang`

func scanUser(row pgx.Row) (store.User, error) {
	var u store.User
	err := row.Scan(&u.ID, &u.SchoolID, &u.Username, &u.Name, &u.Role, &u.PasswordHash, &u.CreatedAt, &u.Disabled, &u.ConsoleLang)
	return u, err
}

// UserByUsername finds a user of a school.
func (s *Store) UserByUsername(ctx context.Context, schoolID, username string) (store.User, error) {
	if _, err := uuid.Parse(schoolID); err != nil {
		return store.User{}, store.ErrNotFound
	}
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE school_id = $1 AND username = $2`, schoolID, username))
	return u, wrap("user by username", err)
}

// Enrol stores a token hash for a device, unless the device belongs to
// another user of the school (store.ErrConflict). The device row is locked
// from the check to the write, so two users racing for one device id on two
// instances cannot both win.
func (s *Store) Enrol(ctx context.Context, e store.Enrolment) error {
	if err := store.CheckText(e.DeviceName); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The user's row is share-locked to the commit: a disable (which
		// updates it) either committed before, and is seen here, or waits
		// and then revokes the token written here. Lock order everywhere:
		// users, devices, tokens.
		var disabled bool
		if err := tx.QueryRow(ctx, `SELECT disabled FROM users WHERE id = $1 AND school_id = $2 FOR SHARE`, e.UserID, e.SchoolID).Scan(&disabled); err != nil {
			return err
		}
		if disabled {
			return store.ErrUserDisabled
		}
		var owner string
		var revoked bool
		err := tx.QueryRow(ctx, `SELECT user_id::text, revoked FROM devices WHERE school_id = $1 AND device_id = $2 FOR UPDATE`,
			e.SchoolID, e.DeviceID).Scan(&owner, &revoked)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			// A new device: the insert below meets a concurrent one at
			// the primary key (ON CONFLICT DO NOTHING, then re-check).
			tag, err := tx.Exec(ctx, `INSERT INTO devices (school_id, device_id, user_id, name, enrolled_at, last_seen_at, revoked)
				VALUES ($1, $2, $3, $4, $5, $5, false) ON CONFLICT (school_id, device_id) DO NOTHING`,
				e.SchoolID, e.DeviceID, e.UserID, e.DeviceName, e.At)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return errEnrolRace
			}
		case err != nil:
			return err
		case !revoked && owner != e.UserID:
			return store.ErrConflict
		default:
			// Revoked tokens stay dead, and the same user's re-enrolment
			// replaces the device's token (PROTOCOL §4).
			if _, err := tx.Exec(ctx, `DELETE FROM tokens WHERE school_id = $1 AND device_id = $2`, e.SchoolID, e.DeviceID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE devices SET user_id = $3, name = $4, enrolled_at = $5, last_seen_at = $5, revoked = false
				WHERE school_id = $1 AND device_id = $2`, e.SchoolID, e.DeviceID, e.UserID, e.DeviceName, e.At); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO tokens (hash, school_id, user_id, device_id) VALUES ($1, $2, $3, $4)`, e.TokenHash, e.SchoolID, e.UserID, e.DeviceID)
		return err
	})
	if errors.Is(err, errEnrolRace) {
		// Another enrolment created the device between our read and our
		// insert; run again, now against its row.
		return s.Enrol(ctx, e)
	}
	return wrap("enrol", err)
}

var errEnrolRace = errors.New("pgstore: device created concurrently")

// PrincipalByToken resolves a token hash; revoked devices have no tokens.
func (s *Store) PrincipalByToken(ctx context.Context, hash []byte, at time.Time) (store.Principal, error) {
	var p store.Principal
	var lastSeen time.Time
	var revoked bool
	err := s.pool.QueryRow(ctx, `SELECT t.device_id, d.revoked, d.last_seen_at, sc.id::text, sc.slug, sc.name, sc.created_at,
			u.id::text, u.school_id::text, u.username, u.name, u.role, u.password_hash, u.created_at, u.disabled
		FROM tokens t JOIN devices d ON d.school_id = t.school_id AND d.device_id = t.device_id
		JOIN schools sc ON sc.id = t.school_id JOIN users u ON u.id = t.user_id WHERE t.hash = $1`, hash).
		Scan(&p.DeviceID, &revoked, &lastSeen, &p.School.ID, &p.School.Slug, &p.School.Name, &p.School.CreatedAt,
			&p.User.ID, &p.User.SchoolID, &p.User.Username, &p.User.Name, &p.User.Role, &p.User.PasswordHash, &p.User.CreatedAt, &p.User.Disabled)
	if errors.Is(err, pgx.ErrNoRows) {
		// Not a live token: a dead one of a wiped device answers
		// device_wiped (PROTOCOL §13), anything else unauthorized.
		var wiped bool
		if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM dead_tokens WHERE hash = $1 AND wiped_at IS NOT NULL)`, hash).Scan(&wiped); err != nil {
			return store.Principal{}, wrap("principal: wiped", err)
		}
		if wiped {
			return store.Principal{}, store.ErrDeviceWiped
		}
		return store.Principal{}, store.ErrNotFound
	}
	if err != nil {
		return store.Principal{}, wrap("principal", err)
	}
	if revoked || p.User.Disabled {
		return store.Principal{}, store.ErrNotFound
	}
	if at.Sub(lastSeen) > lastSeenEvery {
		if _, err := s.pool.Exec(ctx, `UPDATE devices SET last_seen_at = $3 WHERE school_id = $1 AND device_id = $2`, p.School.ID, p.DeviceID, at); err != nil {
			return store.Principal{}, wrap("last seen", err)
		}
	}
	return p, nil
}

// ListDevices lists a school's devices.
func (s *Store) ListDevices(ctx context.Context, schoolID string) ([]store.Device, error) {
	rows, err := s.pool.Query(ctx, `SELECT d.device_id, d.name, d.enrolled_at, d.last_seen_at, d.revoked,
			u.id::text, u.school_id::text, u.username, u.name, u.role, u.created_at
		FROM devices d JOIN users u ON u.id = d.user_id WHERE d.school_id = $1 ORDER BY d.enrolled_at, d.device_id`, schoolID)
	if err != nil {
		return nil, wrap("list devices", err)
	}
	defer rows.Close()
	var out []store.Device
	for rows.Next() {
		var d store.Device
		if err := rows.Scan(&d.DeviceID, &d.DeviceName, &d.EnrolledAt, &d.LastSeenAt, &d.Revoked,
			&d.User.ID, &d.User.SchoolID, &d.User.Username, &d.User.Name, &d.User.Role, &d.User.CreatedAt); err != nil {
			return nil, wrap("list devices", err)
		}
		out = append(out, d)
	}
	return out, wrap("list devices", rows.Err())
}

// RevokeDevice revokes every token of a device, at once for every instance.
func (s *Store) RevokeDevice(ctx context.Context, schoolID, deviceID string) error {
	return wrap("revoke", pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return revokeTx(ctx, tx, schoolID, deviceID, time.Now())
	}))
}

// revokeTx marks a device revoked and moves its tokens to dead_tokens,
// keeping the newest store.MaxDeadTokensPerDevice there. The device row is
// locked first, then the tokens (the order Enrol takes them in).
func revokeTx(ctx context.Context, tx pgx.Tx, schoolID, deviceID string, at time.Time) error {
	tag, err := tx.Exec(ctx, `UPDATE devices SET revoked = true WHERE school_id = $1 AND device_id = $2`, schoolID, deviceID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	// A revoked device is no longer trusted: its recovery key goes with it,
	// in this transaction, for a revocation with or without wipe (ADR 0020).
	// Disabling a user (UpdateUser) revokes devices without this step.
	if _, err := tx.Exec(ctx, `DELETE FROM recovery_keys WHERE school_id = $1 AND device_id = $2`, schoolID, deviceID); err != nil {
		return err
	}
	return buryTokens(ctx, tx, `school_id = $1 AND device_id = $2`, schoolID, deviceID, at)
}

// buryTokens moves the tokens matching where ($1, $2) to dead_tokens and
// trims each affected device's dead list to its bound.
func buryTokens(ctx context.Context, tx pgx.Tx, where string, a1, a2 string, at time.Time) error {
	rows, err := tx.Query(ctx, `WITH gone AS (DELETE FROM tokens WHERE `+where+` RETURNING hash, school_id, device_id)
		INSERT INTO dead_tokens (hash, school_id, device_id, revoked_at) SELECT hash, school_id, device_id, $3 FROM gone
		ON CONFLICT (hash) DO NOTHING RETURNING school_id::text, device_id`, a1, a2, at)
	if err != nil {
		return err
	}
	type dev struct{ school, device string }
	seen := map[dev]bool{}
	for rows.Next() {
		var d dev
		if err := rows.Scan(&d.school, &d.device); err != nil {
			rows.Close()
			return err
		}
		seen[d] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for d := range seen {
		if _, err := tx.Exec(ctx, `DELETE FROM dead_tokens WHERE school_id = $1 AND device_id = $2 AND n NOT IN
			(SELECT n FROM dead_tokens WHERE school_id = $1 AND device_id = $2 ORDER BY n DESC LIMIT $3)`,
			d.school, d.device, store.MaxDeadTokensPerDevice); err != nil {
			return err
		}
	}
	return nil
}

// TakeLoginAttempt counts an attempt unless the key is at its limit. The
// row is locked from the read to the write, so attempts arriving at once on
// several instances count one after another.
func (s *Store) TakeLoginAttempt(ctx context.Context, key string, at time.Time, limit store.LoginLimit) (bool, time.Time, error) {
	ok, retry := false, time.Time{}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// One statement creates or locks the row: an INSERT ... DO NOTHING
		// followed by SELECT ... FOR UPDATE found no row when a
		// ClearLoginAttempts deleted it in between (a 404 seen once code
		// enrolments began clearing a key shared by concurrent attempts).
		var times []int64
		if err := tx.QueryRow(ctx, `INSERT INTO login_attempts (key, times, last_at) VALUES ($1, '{}', 0)
			ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key RETURNING times`, key).Scan(&times); err != nil {
			return err
		}
		var kept []int64
		kept, ok, retry = store.CountAttempt(times, at, limit)
		last := int64(0)
		if len(kept) > 0 {
			last = kept[len(kept)-1]
		}
		_, err := tx.Exec(ctx, `UPDATE login_attempts SET times = $2, last_at = $3 WHERE key = $1`, key, kept, last)
		return err
	})
	if err != nil {
		return false, time.Time{}, wrap("take login attempt", err)
	}
	return ok, retry, nil
}

// ClearLoginAttempts forgets a key's attempts.
func (s *Store) ClearLoginAttempts(ctx context.Context, key string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM login_attempts WHERE key = $1`, key)
	return wrap("clear login attempts", err)
}

// ExpireLoginAttempts removes keys whose latest attempt is before `before`.
func (s *Store) ExpireLoginAttempts(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM login_attempts WHERE last_at < $1`, before.UnixMilli())
	if err != nil {
		return 0, wrap("expire login attempts", err)
	}
	return int(tag.RowsAffected()), nil
}
