// Package boltstore is the sync server's embedded store: one bbolt file,
// locked while open, each push applied atomically in one write transaction.
//
// Layout (buckets created at Open, in one Update):
//
//	meta        epoch, schema
//	schools     id → School JSON;  slugs: slug → id
//	users       id → User JSON;    usernames: school\x00username → id
//	tokens      token hash → tokenEntry JSON (only the hash the caller gives)
//	devices     school\x00device → deviceEntry JSON
//	loginattempts  login key → up to limit.Max unix ms (8 bytes each)
//	enrolcodes  code hash → codeEntry JSON (PROTOCOL §13, admin.go)
//	deadtokens  revoked token hash → school\x00device (the device entry
//	            keeps at most store.MaxDeadTokensPerDevice of them, for wipe)
//	consolesessions  session hash → consoleEntry JSON (console.go)
//	recoverykeys  school\x00device → recoveryEntry JSON (recovery.go)
//	audit       school ‖ at ms ‖ seq → user, device, path, record ids: one
//	            key per response that gave out restricted content (audit.go)
//	auditmarks  day ‖ school ‖ user ‖ device ‖ record → 1: what the audit
//	            already holds for the day (audit.go)
//	s:<school>  per school: recs (id → recValue), seqs (seq → id),
//	            tombs (received ms ‖ id → nil, the purge index),
//	            stubs (id → hlc), meta (seq, horizon),
//	            types (type ‖ 0 ‖ id → nil) and refs (ref ‖ type ‖ 0 ‖ id
//	            → nil), ids and refs as 16 bytes: the read indexes of live,
//	            non-deleted records (index.go)
//
// A record's value is a compact binary header followed by its data bytes as
// received, so a pull copies bytes instead of re-encoding JSON, and the seqs
// index lets a pull seek straight to After+1.
//
// Concurrent pushes share transactions (group commit, see push.go): each push
// stays all-or-nothing, but many pushes pay for one fsync.
package boltstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"smallwins/syncserver/internal/store"
)

var (
	bMeta          = []byte("meta")
	bSchools       = []byte("schools")
	bSlugs         = []byte("slugs")
	bUsers         = []byte("users")
	bUsernames     = []byte("usernames")
	bTokens        = []byte("tokens")
	bDevices       = []byte("devices")
	bLoginAttempts = []byte("loginattempts")
	// bEnrolCodes and bDeadTokens came with PROTOCOL §13. They are created
	// at every Open (CreateBucketIfNotExists), so older files need no
	// upgrade step and the schema version stays.
	bEnrolCodes = []byte("enrolcodes")
	bDeadTokens = []byte("deadtokens")
	// bConsoleSessions came with the school console (console.go), created
	// at Open the same way.
	bConsoleSessions = []byte("consolesessions")
	// bRecoveryKeys (recovery.go) and bAudit (audit.go) came with issue
	// 15, created at Open the same way.
	bRecoveryKeys = []byte("recoverykeys")
	bAudit        = []byte("audit")
	// bAuditMarks came with ADR 0021's once-a-day rule (audit.go), created at Open the same
	// way.
	bAuditMarks = []byte("auditmarks")
	// bLoginFailV1 held an unbounded list per client-chosen school+username
	// (the disk growth ADR 0004 bounds); Open deletes it.
	bLoginFailV1 = []byte("loginfail")

	bRecs  = []byte("recs")
	bSeqs  = []byte("seqs")
	bTombs = []byte("tombs")
	bStubs = []byte("stubs")
	bTypes = []byte("types")
	bRefs  = []byte("refs")

	kEpoch   = []byte("epoch")
	kSchema  = []byte("schema")
	kSeq     = []byte("seq")
	kHorizon = []byte("horizon")
)

// schemaVersion is written at creation. 2 added the tombs index, 3 the types
// and refs indexes; Open builds them for files written before.
const schemaVersion = 3

// ErrLocked is returned by Open when another process holds the file (bbolt
// takes an exclusive flock for the whole time the file is open).
var ErrLocked = errors.New("boltstore: database is locked by another process (is the server running?)")

// lastSeenEvery limits how often a request rewrites a device's last-seen
// time: a write transaction (with fsync) per authenticated request would
// halve pull throughput for a figure an admin reads in minutes.
const lastSeenEvery = time.Minute

// Store is the embedded store. It implements store.Store.
type Store struct {
	db   *bolt.DB
	mode writeMode

	// Group commit (push.go): pending pushes, and a token held by the one
	// goroutine committing a group.
	mu      sync.Mutex
	pending []*pushCall
	writer  chan struct{}

	// audit is the group commit of audit appends (audit.go).
	audit auditGroup
}

var _ store.Store = (*Store)(nil)

// writeMode is how concurrent pushes reach the file. Only benchmarks and
// tests pick another than groupCommit (docs/perf/boltstore.md compares them).
type writeMode int

const (
	// groupCommit (the default): a push arriving while another commits
	// waits, and the next commit applies every waiting push in one
	// transaction, each still all-or-nothing. No delay when alone.
	groupCommit writeMode = iota
	// updatePerPush: one bbolt Update (one fsync) per push.
	updatePerPush
	// boltBatch: bbolt's db.Batch, which waits up to MaxBatchDelay to fill a
	// batch of MaxBatchSize calls.
	boltBatch
)

type config struct {
	lockTimeout time.Duration
	mode        writeMode
	noSync      bool
}

// Option changes how Open opens the store.
type Option func(*config)

// WithLockTimeout sets how long Open waits for another process to release the
// file before it fails with ErrLocked (default one second).
func WithLockTimeout(d time.Duration) Option { return func(c *config) { c.lockTimeout = d } }

func withWriteMode(m writeMode) Option { return func(c *config) { c.mode = m } }

// WithNoSync skips fsync: for tests and benchmarks that measure everything
// but the disk, never for serving (a crash could lose acknowledged pushes).
func WithNoSync() Option { return func(c *config) { c.noSync = true } }

// Open opens (creating if needed) the store at path and locks the file. It
// fails fast with ErrLocked when another process has it open (for example
// `syncserver school add` while `serve` runs).
func Open(path string, opts ...Option) (*Store, error) {
	cfg := config{lockTimeout: time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	// The freelist is rebuilt at open instead of written at every commit:
	// with a large file, syncing it dominated each push (measured).
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: cfg.lockTimeout, NoFreelistSync: true, FreelistType: bolt.FreelistMapType, NoSync: cfg.noSync})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("%w: %s", ErrLocked, path)
		}
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bMeta, bSchools, bSlugs, bUsers, bUsernames, bTokens, bDevices, bLoginAttempts, bEnrolCodes, bDeadTokens, bConsoleSessions, bRecoveryKeys, bAudit, bAuditMarks} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if tx.Bucket(bLoginFailV1) != nil {
			if err := tx.DeleteBucket(bLoginFailV1); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bMeta)
		if meta.Get(kEpoch) == nil { // PROTOCOL §7: created once, with the store
			if err := meta.Put(kEpoch, []byte(newEpoch())); err != nil {
				return err
			}
		}
		if from := getU64(meta, kSchema); from < schemaVersion {
			if err := upgrade(tx, from); err != nil {
				return err
			}
			return meta.Put(kSchema, u64(schemaVersion))
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("boltstore: init %s: %w", path, err)
	}
	return &Store{db: db, mode: cfg.mode, writer: make(chan struct{}, 1)}, nil
}

// upgrade brings every school bucket from schema `from` to the current
// layout: before 2 the tombstone index is built from the records, before 3
// the types and refs indexes. A new file has no schools, so nothing to do.
func upgrade(tx *bolt.Tx, from uint64) error {
	for _, id := range schoolIDs(tx) {
		sb, err := schoolBucket(tx, id, true)
		if err != nil {
			return err
		}
		tombs, types, refs := sb.Bucket(bTombs), sb.Bucket(bTypes), sb.Bucket(bRefs)
		err = sb.Bucket(bRecs).ForEach(func(k, v []byte) error {
			if len(v) < 17 {
				return errCorrupt
			}
			if v[16]&flagDeleted != 0 {
				if from >= 2 {
					return nil
				}
				return tombs.Put(tombKey(int64(binary.BigEndian.Uint64(v[8:])), k), nil)
			}
			if from >= 3 {
				return nil
			}
			ix, err := storedIndex(v)
			if err != nil {
				return err
			}
			return putIndex(types, refs, ix, string(k))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// schoolIDs lists the schools that have a record bucket. The names are
// collected first: bbolt forbids changing a bucket while iterating it.
func schoolIDs(tx *bolt.Tx) []string {
	var ids []string
	c := tx.Cursor()
	prefix := []byte("s:")
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, string(k[len(prefix):]))
	}
	return ids
}

func newEpoch() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Path is the file's path.
func (s *Store) Path() string { return s.db.Path() }

// Close closes the file and releases its lock.
func (s *Store) Close() error { return s.db.Close() }

// Ping answers when the file can be read.
func (s *Store) Ping(ctx context.Context) error {
	return s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bMeta) == nil {
			return errors.New("boltstore: meta bucket missing")
		}
		return nil
	})
}

// Epoch returns the store's epoch.
func (s *Store) Epoch(ctx context.Context) (string, error) {
	var e string
	err := s.db.View(func(tx *bolt.Tx) error {
		e = string(tx.Bucket(bMeta).Get(kEpoch))
		return nil
	})
	return e, wrap("epoch", err)
}

// NewEpoch replaces the epoch.
func (s *Store) NewEpoch(ctx context.Context) (string, error) {
	e := newEpoch()
	err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(kEpoch, []byte(e)) })
	if err != nil {
		return "", fmt.Errorf("boltstore: new epoch: %w", err)
	}
	return e, nil
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
	err := s.db.Update(func(tx *bolt.Tx) error {
		slugs := tx.Bucket(bSlugs)
		if slugs.Get([]byte(sc.Slug)) != nil {
			return store.ErrConflict
		}
		if err := putJSON(tx.Bucket(bSchools), []byte(sc.ID), sc); err != nil {
			return err
		}
		if err := slugs.Put([]byte(sc.Slug), []byte(sc.ID)); err != nil {
			return err
		}
		_, err := schoolBucket(tx, sc.ID, true)
		return err
	})
	if err != nil {
		return store.School{}, fmt.Errorf("boltstore: create school: %w", err)
	}
	return sc, nil
}

// SchoolBySlug finds a school by its slug.
func (s *Store) SchoolBySlug(ctx context.Context, slug string) (store.School, error) {
	var sc store.School
	err := s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bSlugs).Get([]byte(slug))
		if id == nil {
			return store.ErrNotFound
		}
		return getJSON(tx.Bucket(bSchools), id, &sc)
	})
	return sc, wrap("school by slug", err)
}

// Schools lists every school, ordered by slug (the slug index's order).
func (s *Store) Schools(ctx context.Context) ([]store.School, error) {
	var out []store.School
	err := s.db.View(func(tx *bolt.Tx) error {
		schools := tx.Bucket(bSchools)
		return tx.Bucket(bSlugs).ForEach(func(_, id []byte) error {
			var sc store.School
			if err := getJSON(schools, id, &sc); err != nil {
				return err
			}
			out = append(out, sc)
			return nil
		})
	})
	return out, wrap("schools", err)
}

func usernameKey(schoolID, username string) []byte {
	return []byte(schoolID + "\x00" + username)
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
	err := s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bSchools).Get([]byte(u.SchoolID)) == nil {
			return store.ErrNotFound
		}
		names := tx.Bucket(bUsernames)
		k := usernameKey(u.SchoolID, u.Username)
		if names.Get(k) != nil {
			return store.ErrConflict
		}
		if err := putJSON(tx.Bucket(bUsers), []byte(u.ID), u); err != nil {
			return err
		}
		return names.Put(k, []byte(u.ID))
	})
	if err != nil {
		return store.User{}, fmt.Errorf("boltstore: create user: %w", err)
	}
	return u, nil
}

// UserByUsername finds a user of a school.
func (s *Store) UserByUsername(ctx context.Context, schoolID, username string) (store.User, error) {
	var u store.User
	err := s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bUsernames).Get(usernameKey(schoolID, username))
		if id == nil {
			return store.ErrNotFound
		}
		return getJSON(tx.Bucket(bUsers), id, &u)
	})
	return u, wrap("user by username", err)
}

type tokenEntry struct {
	SchoolID string `json:"school_id"`
	UserID   string `json:"user_id"`
	DeviceID string `json:"device_id"`
}

type deviceEntry struct {
	Name       string    `json:"name"`
	UserID     string    `json:"user_id"`
	EnrolledAt time.Time `json:"enrolled_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	Revoked    bool      `json:"revoked"`
	Tokens     [][]byte  `json:"tokens"` // hashes, so revocation can delete them
	// Dead are the newest revoked token hashes (at most
	// store.MaxDeadTokensPerDevice), kept so that a wipe, even one after a
	// plain revocation, answers them with device_wiped (PROTOCOL §13).
	Dead []deadToken `json:"dead,omitempty"`
}

type deadToken struct {
	Hash    []byte    `json:"hash"`
	WipedAt time.Time `json:"wiped_at,omitzero"` // zero: revoked, not wiped
}

func deviceKey(schoolID, deviceID string) []byte { return []byte(schoolID + "\x00" + deviceID) }

// Enrol stores a token hash for a device, unless the device belongs to
// another user of the school (store.ErrConflict). The check and the write are
// one transaction, so two users racing for one device id cannot both win.
func (s *Store) Enrol(ctx context.Context, e store.Enrolment) error {
	if err := store.CheckText(e.DeviceName); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		devs, tokens := tx.Bucket(bDevices), tx.Bucket(bTokens)
		// Checked in the enrolment's own transaction: a disable committed
		// before it refuses it, one after it revokes its token.
		var u store.User
		if err := getJSON(tx.Bucket(bUsers), []byte(e.UserID), &u); err != nil {
			return err
		}
		if u.Disabled {
			return store.ErrUserDisabled
		}
		k := deviceKey(e.SchoolID, e.DeviceID)
		var d deviceEntry
		if v := devs.Get(k); v != nil {
			if err := json.Unmarshal(v, &d); err != nil {
				return err
			}
			if !d.Revoked && d.UserID != e.UserID {
				return store.ErrConflict
			}
		}
		// Revoked tokens stay dead, and a re-enrolment by the same user
		// replaces the device's token: the old one dies (PROTOCOL §4).
		for _, h := range d.Tokens {
			if err := tokens.Delete(h); err != nil {
				return err
			}
		}
		d.Name, d.UserID, d.EnrolledAt, d.LastSeenAt, d.Revoked = e.DeviceName, e.UserID, e.At, e.At, false
		d.Tokens = [][]byte{e.TokenHash}
		if err := putJSON(devs, k, d); err != nil {
			return err
		}
		return putJSON(tokens, e.TokenHash, tokenEntry{SchoolID: e.SchoolID, UserID: e.UserID, DeviceID: e.DeviceID})
	})
	if err != nil {
		return wrap("enrol", err)
	}
	return nil
}

// PrincipalByToken resolves a token hash.
func (s *Store) PrincipalByToken(ctx context.Context, tokenHash []byte, at time.Time) (store.Principal, error) {
	var p store.Principal
	var stale bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var te tokenEntry
		if err := getJSON(tx.Bucket(bTokens), tokenHash, &te); err != nil {
			if errors.Is(err, store.ErrNotFound) && wipedToken(tx, tokenHash) {
				return store.ErrDeviceWiped
			}
			return err
		}
		var d deviceEntry
		if err := getJSON(tx.Bucket(bDevices), deviceKey(te.SchoolID, te.DeviceID), &d); err != nil {
			return err
		}
		if d.Revoked {
			return store.ErrNotFound
		}
		if err := getJSON(tx.Bucket(bSchools), []byte(te.SchoolID), &p.School); err != nil {
			return err
		}
		if err := getJSON(tx.Bucket(bUsers), []byte(te.UserID), &p.User); err != nil {
			return err
		}
		if p.User.Disabled {
			// Disabling deletes the user's tokens; this is the second lock.
			return store.ErrNotFound
		}
		p.DeviceID = te.DeviceID
		stale = at.Sub(d.LastSeenAt) > lastSeenEvery
		return nil
	})
	if err != nil {
		return store.Principal{}, wrap("principal by token", err)
	}
	if stale {
		err = s.db.Update(func(tx *bolt.Tx) error {
			devs := tx.Bucket(bDevices)
			k := deviceKey(p.School.ID, p.DeviceID)
			var d deviceEntry
			if err := getJSON(devs, k, &d); err != nil {
				return err
			}
			// Revoked (or revoked and re-enrolled) since the read above: the
			// token is gone, and §4 wants 401 on this very request.
			if d.Revoked || tx.Bucket(bTokens).Get(tokenHash) == nil {
				return store.ErrNotFound
			}
			d.LastSeenAt = at
			return putJSON(devs, k, d)
		})
		if err != nil {
			return store.Principal{}, wrap("principal by token: last seen", err)
		}
	}
	return p, nil
}

// ListDevices lists a school's devices.
func (s *Store) ListDevices(ctx context.Context, schoolID string) ([]store.Device, error) {
	var out []store.Device
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := []byte(schoolID + "\x00")
		c := tx.Bucket(bDevices).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var d deviceEntry
			if err := json.Unmarshal(v, &d); err != nil {
				return err
			}
			var u store.User
			if err := getJSON(tx.Bucket(bUsers), []byte(d.UserID), &u); err != nil {
				return err
			}
			u.PasswordHash = nil
			out = append(out, store.Device{DeviceID: string(k[len(prefix):]), DeviceName: d.Name, User: u,
				EnrolledAt: d.EnrolledAt, LastSeenAt: d.LastSeenAt, Revoked: d.Revoked})
		}
		return nil
	})
	return out, wrap("list devices", err)
}

// RevokeDevice revokes every token of a device.
func (s *Store) RevokeDevice(ctx context.Context, schoolID, deviceID string) error {
	return wrap("revoke device", s.db.Update(func(tx *bolt.Tx) error {
		devs := tx.Bucket(bDevices)
		k := deviceKey(schoolID, deviceID)
		var d deviceEntry
		if err := getJSON(devs, k, &d); err != nil {
			return err
		}
		if err := revokeTx(tx, k, &d); err != nil {
			return err
		}
		// A revoked device is no longer trusted: its recovery key goes
		// with it, in this transaction (ADR 0020).
		if err := deleteRecoveryKeyTx(tx, k); err != nil {
			return err
		}
		return putJSON(devs, k, d)
	}))
}

// revokeTx deletes a device's live tokens, keeping their hashes as dead
// ones (the newest store.MaxDeadTokensPerDevice), and marks it revoked. The
// caller writes d back.
func revokeTx(tx *bolt.Tx, k []byte, d *deviceEntry) error {
	tokens, dead := tx.Bucket(bTokens), tx.Bucket(bDeadTokens)
	for _, h := range d.Tokens {
		if err := tokens.Delete(h); err != nil {
			return err
		}
		if err := dead.Put(h, k); err != nil {
			return err
		}
		d.Dead = append(d.Dead, deadToken{Hash: h})
	}
	if n := len(d.Dead) - store.MaxDeadTokensPerDevice; n > 0 {
		for _, old := range d.Dead[:n] {
			if err := dead.Delete(old.Hash); err != nil {
				return err
			}
		}
		d.Dead = append([]deadToken(nil), d.Dead[n:]...)
	}
	d.Tokens, d.Revoked = nil, true
	return nil
}

// wipedToken reports whether hash is a dead token of a wiped device.
func wipedToken(tx *bolt.Tx, hash []byte) bool {
	k := tx.Bucket(bDeadTokens).Get(hash)
	if k == nil {
		return false
	}
	var d deviceEntry
	if getJSON(tx.Bucket(bDevices), k, &d) != nil {
		return false
	}
	for _, t := range d.Dead {
		if bytes.Equal(t.Hash, hash) {
			return !t.WipedAt.IsZero()
		}
	}
	return false
}

// Login attempts (PROTOCOL §4). A key's value is at most limit.Max unix-ms
// times, ascending, as 8-byte big-endian numbers: a fixed bound per key, and
// the keys themselves are bounded by the caller (auth.LoginKey).

func decodeTimes(v []byte) []int64 {
	ts := make([]int64, 0, len(v)/8)
	for ; len(v) >= 8; v = v[8:] {
		ts = append(ts, int64(binary.BigEndian.Uint64(v)))
	}
	return ts
}

func encodeTimes(ts []int64) []byte {
	b := make([]byte, 0, 8*len(ts))
	for _, t := range ts {
		b = binary.BigEndian.AppendUint64(b, uint64(t))
	}
	return b
}

// TakeLoginAttempt counts an attempt unless the key is at its limit. One
// write transaction: bbolt runs them one at a time, so the check and the
// count cannot be split by a concurrent attempt.
func (s *Store) TakeLoginAttempt(ctx context.Context, key string, at time.Time, limit store.LoginLimit) (bool, time.Time, error) {
	ok, retry := false, time.Time{}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bLoginAttempts)
		var ok2 bool
		var kept []int64
		kept, ok2, retry = store.CountAttempt(decodeTimes(b.Get([]byte(key))), at, limit)
		ok = ok2
		return b.Put([]byte(key), encodeTimes(kept))
	})
	if err != nil {
		return false, time.Time{}, wrap("take login attempt", err)
	}
	return ok, retry, nil
}

// ClearLoginAttempts forgets a key's attempts.
func (s *Store) ClearLoginAttempts(ctx context.Context, key string) error {
	return wrap("clear login attempts", s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bLoginAttempts).Delete([]byte(key)) }))
}

// ExpireLoginAttempts removes keys whose latest attempt is before `before`.
func (s *Store) ExpireLoginAttempts(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		b := tx.Bucket(bLoginAttempts)
		var due [][]byte
		err := b.ForEach(func(k, v []byte) error {
			ts := decodeTimes(v)
			if len(ts) == 0 || ts[len(ts)-1] < before.UnixMilli() {
				due = append(due, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range due { // bbolt forbids deleting while iterating
			if err := b.Delete(k); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, wrap("expire login attempts", err)
}

// wrap names the operation in an error; errors.Is still finds the store's
// sentinels through it.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("boltstore: %s: %w", op, err)
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, raw)
}

func getJSON(b *bolt.Bucket, k []byte, v any) error {
	raw := b.Get(k)
	if raw == nil {
		return store.ErrNotFound
	}
	return json.Unmarshal(raw, v)
}

// schoolBucket returns a school's bucket, creating it when asked.
func schoolBucket(tx *bolt.Tx, schoolID string, create bool) (*bolt.Bucket, error) {
	name := []byte("s:" + schoolID)
	if !create {
		return tx.Bucket(name), nil
	}
	sb, err := tx.CreateBucketIfNotExists(name)
	if err != nil {
		return nil, err
	}
	for _, n := range [][]byte{bRecs, bSeqs, bTombs, bStubs, bMeta, bTypes, bRefs} {
		if _, err := sb.CreateBucketIfNotExists(n); err != nil {
			return nil, err
		}
	}
	return sb, nil
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func getU64(b *bolt.Bucket, k []byte) uint64 {
	if v := b.Get(k); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}
