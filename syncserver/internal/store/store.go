// Package store declares what the sync server needs from its storage: small
// interfaces by role (Schools, Users, Devices, Sync, RecordReader, …) and
// Store, their composition, implemented by boltstore (embedded, the
// default) and pgstore (PostgreSQL), both checked by the conformance suite
// in storetest.
//
// Everything that must hold across server instances lives behind these
// interfaces: schools, users, token hashes and revocation, failed logins, the
// epoch, records with their per-school sequence, tombstone stubs and the purge
// horizon.
package store

import (
	"context"
	"errors"
	"time"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// Sentinel errors; the HTTP layer maps them to PROTOCOL §8 codes.
var (
	// ErrNotFound: no such school, user, device or token (or a revoked token).
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: the slug or username already exists.
	ErrConflict = errors.New("store: already exists")
	// ErrChanged: a record of a push with PushBatch.IfHLC is not held at
	// that HLC any more; nothing of the batch was written.
	ErrChanged = errors.New("store: the record changed since it was read")
	// ErrResyncRequired: a pull cursor below the tombstone purge horizon (410).
	ErrResyncRequired = errors.New("store: cursor below the purge horizon")
	// ErrUserDisabled: Enrol for a user an admin disabled (PROTOCOL §13). It
	// is checked in the enrolment's own transaction, so a disable racing an
	// enrolment cannot leave a live token behind.
	ErrUserDisabled = errors.New("store: user disabled")
	// ErrDeviceWiped: PrincipalByToken for a dead token of a device an admin
	// revoked with wipe (PROTOCOL §13: 401 device_wiped, not unauthorized).
	ErrDeviceWiped = errors.New("store: device wiped")
	// ErrBadText: a name a client chose (school, user, username, device)
	// holds NUL or is not UTF-8, which PostgreSQL's text cannot store; both
	// stores refuse it alike and write nothing (CheckText).
	ErrBadText = errors.New("store: text with NUL or invalid UTF-8")
)

// School is a tenant.
type School struct {
	ID        string // UUID, set by the store when empty
	Slug      string
	Name      string
	CreatedAt time.Time
}

// User is a person who can log in to one school.
type User struct {
	ID           string // UUID, set by the store when empty
	SchoolID     string
	Username     string
	Name         string
	Role         string // protocol.RoleAdmin or protocol.RoleInterventionist
	PasswordHash []byte
	CreatedAt    time.Time
	// Disabled users cannot enrol and have no live tokens (PROTOCOL §13).
	Disabled bool
	// ConsoleLang is the language the user chose for the console ("en",
	// "es"); "" follows the browser (docs/decisions/0036).
	ConsoleLang string
}

// UserChange is what an admin changes of a user (PROTOCOL §13); nil fields
// stay as they are. PasswordHash is the new hash, already made by the caller.
type UserChange struct {
	Name         *string
	Role         *string
	Disabled     *bool
	PasswordHash []byte
	// ConsoleLang is the user's own console language choice ("" for the
	// browser's); the console sets it for the signed-in user only.
	ConsoleLang *string
}

// EnrolmentCode is a one-time code for one user of one school (PROTOCOL
// §13), stored only as a hash.
type EnrolmentCode struct {
	Hash      []byte // SHA-256 of the normalised code; never the code
	SchoolID  string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// ConsoleSession is a signed-in browser of the school console (CONSOLE.md
// §2). The cookie holds a random id; the store keeps only its hash, so a
// copy of the database lets no one sign in.
type ConsoleSession struct {
	Hash      []byte // SHA-256 of the cookie's id; never the id
	SchoolID  string
	UserID    string
	CreatedAt time.Time
	LastSeen  time.Time
}

// Console session lifetimes (CONSOLE.md §2), kept here so that every store
// and every server instance applies the same ones.
const (
	ConsoleIdle     = 30 * time.Minute // since the session's last request
	ConsoleAbsolute = 12 * time.Hour   // since sign-in, however busy
	// ConsoleTouchEvery bounds the writes a busy browser causes: LastSeen is
	// rewritten at most this often, so the idle limit is exact to within it.
	ConsoleTouchEvery = time.Minute
)

// ConsoleSessionLive reports whether a session is within both limits at
// `at`; the stores share it so they expire sessions alike.
func ConsoleSessionLive(s ConsoleSession, at time.Time) bool {
	return at.Sub(s.LastSeen) < ConsoleIdle && at.Sub(s.CreatedAt) < ConsoleAbsolute
}

// MaxDeadTokensPerDevice bounds how many revoked token hashes a store keeps
// per device so that a later wipe can still answer them with device_wiped.
const MaxDeadTokensPerDevice = 8

// IsAdmin reports whether u has the admin role.
func (u User) IsAdmin() bool { return u.Role == protocol.RoleAdmin }

// Enrolment binds a new token (stored as its hash only) to one user, one
// school and one device (PROTOCOL §4).
type Enrolment struct {
	SchoolID   string
	UserID     string
	DeviceID   string // the device's own UUID
	DeviceName string
	TokenHash  []byte // e.g. SHA-256 of the token; never the token
	At         time.Time
}

// LoginLimit is the failed-login rule of PROTOCOL §4: at most Max attempts
// per Window for one key.
type LoginLimit struct {
	Max    int
	Window time.Duration
}

// Principal is who a token speaks for.
type Principal struct {
	School   School
	User     User
	DeviceID string
}

// Device is one enrolled device of a school, for the admin list.
type Device struct {
	DeviceID   string
	DeviceName string
	User       User
	EnrolledAt time.Time
	LastSeenAt time.Time
	Revoked    bool // every token of the device is revoked
}

// PushBatch is one validated push: applied atomically, in one transaction.
type PushBatch struct {
	SchoolID string
	// Pusher is the user whose token pushes; it becomes the author of records
	// it creates. PusherIsAdmin lifts the restricted-record check (§6).
	Pusher        string
	PusherIsAdmin bool
	Records       []record.Envelope // validated; Seq ignored
	At            time.Time         // server time of the push, for tombstone age
	// IfHLC makes a write conditional: for each index of Records it holds,
	// the store must hold a version of that record (a tombstone included,
	// not a purged one's stub) with exactly that HLC, or the whole batch
	// fails with ErrChanged. It is checked in the
	// push's transaction (PlanPush), so the check and the write are one
	// step: the console's undo restores a probe only over the version it
	// undoes, never over a newer write that came between.
	IfHLC map[int]string
}

// SchoolVersion names the state of a school's records: every push that
// applies a version raises Seq (PROTOCOL §5), and Epoch changes when the
// store is replaced or restored (§7), after which a Seq may repeat with other
// records. Reads that find the same version saw the same current records, so
// a cache of what was computed from them may be keyed on it (ADR 0012).
type SchoolVersion struct {
	Epoch string
	Seq   int64
}

// Viewer is who reads records. Every read method (RecordReader, Sync.Pull)
// takes one, so no path can forget PROTOCOL §6.
type Viewer struct {
	UserID  string
	IsAdmin bool
}

// ViewerOf is u as a viewer.
func ViewerOf(u User) Viewer { return Viewer{UserID: u.ID, IsAdmin: u.IsAdmin()} }

// CanSee is the one visibility rule of PROTOCOL §6: a restricted record's
// content is for its author and admins only. Both stores apply it to every
// read; a pull sends what fails it as a tombstone, every other read leaves
// it out.
func (v Viewer) CanSee(author string, restricted bool) bool {
	return !restricted || v.IsAdmin || (v.UserID != "" && author == v.UserID)
}

// SeesOthersRestricted says whether CanSee lets v see a restricted record
// someone else wrote: only an admin. Everyone else sees restricted content
// only as its author.
func (v Viewer) SeesOthersRestricted() bool { return v.IsAdmin }

// PullQuery asks for the school's records after a cursor.
type PullQuery struct {
	SchoolID string
	After    int64
	Limit    int // 1..protocol.MaxPullLimit
	MaxBytes int // stop before a page grows past this many bytes of JSON (but return at least one record)
	// Viewer decides who sees restricted content (§6).
	Viewer Viewer
}

// PullPage is one page of a pull.
type PullPage struct {
	Records []record.Envelope // current versions, ascending seq, Seq set
	Cursor  int64             // seq of the last record, or After when none
	More    bool
	Epoch   string // read in the same transaction as the page (§7)
}

// PushReply is what a push did: one result per record, and the epoch read in
// the same transaction (§7), so an epoch change cannot fall between them.
type PushReply struct {
	Results []protocol.PushResult
	Epoch   string
}

// The store is split by role, as github.com/benbjohnson/wtf splits its
// services: one small interface per job below, and each consumer asks for
// the narrowest ones it uses (goaldata reads records, auth.Login needs
// schools, users and login attempts, …). Store is all of them; both stores
// implement it whole and storetest checks it whole (ADR 0016). Every
// method is safe for concurrent use.

// Store is the server's storage: every role, and the store's own life.
type Store interface {
	Schools
	Users
	EnrolmentCodes
	Devices
	LoginAttempts
	ConsoleSessions
	Epochs
	Sync
	RecordReader
	// AuditLog: who was handed restricted content (audit.go).
	AuditLog
	// RecoveryKeys: per-device recovery keys (recovery.go). RevokeDevice
	// and WipeDevice delete the device's key in their own transaction.
	RecoveryKeys

	// Close releases the store; for boltstore it also unlocks the file.
	Close() error
	// Ping answers when the store can serve (for /readyz).
	Ping(ctx context.Context) error
}

// RecordStore is what writes records as well as reads them: the server's
// own writer and the report cache.
type RecordStore interface {
	Sync
	RecordReader
}

// Epochs is the store's epoch (PROTOCOL §7).
type Epochs interface {
	// Epoch returns the store's epoch, created once with the store (§7).
	Epoch(ctx context.Context) (string, error)
	// NewEpoch replaces the epoch with a new random one and returns it.
	NewEpoch(ctx context.Context) (string, error)
}

// Schools are the tenants.
type Schools interface {
	// CreateSchool adds a school; ErrConflict when the slug exists.
	CreateSchool(ctx context.Context, s School) (School, error)
	// SchoolBySlug finds a school; ErrNotFound when none.
	SchoolBySlug(ctx context.Context, slug string) (School, error)
	// Schools lists every school, ordered by slug (a server holds a
	// district's schools: tens, not millions).
	Schools(ctx context.Context) ([]School, error)
}

// Users are the people who log in to a school.
type Users interface {
	// CreateUser adds a user to a school; ErrConflict when the username
	// exists in that school, ErrNotFound when the school does not exist.
	CreateUser(ctx context.Context, u User) (User, error)
	// UserByUsername finds a user of a school; ErrNotFound when none.
	UserByUsername(ctx context.Context, schoolID, username string) (User, error)
	// ListUsers lists a school's users sorted by username, without their
	// password hashes (nothing that lists users needs one).
	ListUsers(ctx context.Context, schoolID string) ([]User, error)
	// UpdateUser changes a user of a school and returns it as it now is;
	// ErrNotFound when the school has no such user (another school's user
	// included). Disabling revokes every device of the user and deletes
	// every console session of theirs in the same transaction (their tokens
	// and sessions die at once, on every instance); enabling again revives
	// none of them.
	UpdateUser(ctx context.Context, schoolID, userID string, ch UserChange, at time.Time) (User, error)
}

// EnrolmentCodes are one-time codes that enrol a device (PROTOCOL §13).
type EnrolmentCodes interface {
	// CreateEnrolmentCode stores a code's hash; ErrNotFound when the user is
	// not in the school.
	CreateEnrolmentCode(ctx context.Context, c EnrolmentCode) error
	// ConsumeEnrolmentCode uses a code of the school once, atomically: of
	// two calls with one code at most one gets its user. ErrNotFound when
	// the code is unknown, of another school, used, expired at `at`, or of a
	// disabled user (then it is left unused).
	ConsumeEnrolmentCode(ctx context.Context, schoolID string, hash []byte, at time.Time) (User, error)
	// ExpireEnrolmentCodes deletes used codes and those expired before
	// `before`, and returns how many.
	ExpireEnrolmentCodes(ctx context.Context, before time.Time) (int, error)
}

// Devices are enrolled devices and their tokens (PROTOCOL §4, §13).
type Devices interface {
	// Enrol stores a token hash for a device (creating or renaming the
	// device and un-revoking it: a fresh enrolment is a fresh start). A
	// device id belongs to the user who enrolled it (PROTOCOL §4): while the
	// device is enrolled (not revoked) to another user of the school, Enrol
	// changes nothing and returns ErrConflict. When the same user enrols it
	// again, the device's earlier tokens die. ErrUserDisabled when the user
	// is disabled.
	Enrol(ctx context.Context, e Enrolment) error
	// PrincipalByToken resolves a token hash; ErrNotFound when unknown or
	// revoked or its user is disabled, ErrDeviceWiped when it is a revoked
	// token of a device wiped since (PROTOCOL §13). It records the device
	// as seen at `at`.
	PrincipalByToken(ctx context.Context, tokenHash []byte, at time.Time) (Principal, error)
	// ListDevices lists a school's devices.
	ListDevices(ctx context.Context, schoolID string) ([]Device, error)
	// RevokeDevice revokes every token of a school's device; ErrNotFound
	// when the school has no such device.
	RevokeDevice(ctx context.Context, schoolID, deviceID string) error
	// WipeDevice revokes a device like RevokeDevice and marks it wiped at
	// `at`: its live tokens and the revoked ones the store still keeps
	// (at most MaxDeadTokensPerDevice, newest) answer ErrDeviceWiped from
	// then on. ErrNotFound when the school has no such device.
	WipeDevice(ctx context.Context, schoolID, deviceID string, at time.Time) error
	// ExpireWipeMarks forgets wipe marks made before `before` of devices
	// enrolled again since their wipe (PROTOCOL §13: the mark stays until
	// the device id is enrolled again, and at least 30 days). Returns how
	// many token hashes it forgot.
	ExpireWipeMarks(ctx context.Context, before time.Time) (int, error)
}

// LoginAttempts are the failed-login counts of PROTOCOL §4.
type LoginAttempts interface {
	// TakeLoginAttempt counts one login attempt against key, atomically with
	// the check: when key already has limit.Max attempts within limit.Window
	// before `at`, it counts nothing and returns ok == false and the time the
	// oldest of them leaves the window. Concurrent calls (on every instance
	// of a store) count like sequential ones (PROTOCOL §4). A key's state
	// holds at most limit.Max times, so its size is bounded.
	TakeLoginAttempt(ctx context.Context, key string, at time.Time, limit LoginLimit) (ok bool, retryAt time.Time, err error)
	// ClearLoginAttempts forgets key's attempts (after a successful login).
	ClearLoginAttempts(ctx context.Context, key string) error
	// ExpireLoginAttempts forgets every key whose latest attempt is before
	// `before`, and returns how many keys it removed.
	ExpireLoginAttempts(ctx context.Context, before time.Time) (int, error)
}

// ConsoleSessions are the school console's signed-in browsers (CONSOLE.md
// §2).
type ConsoleSessions interface {
	// CreateConsoleSession stores a console session's hash (CONSOLE.md §2);
	// ErrNotFound when the user is not in the school or is disabled.
	CreateConsoleSession(ctx context.Context, cs ConsoleSession) error
	// ConsoleSessionByHash resolves a session hash to its school and user
	// (DeviceID empty). ErrNotFound when unknown, deleted, past
	// ConsoleIdle or ConsoleAbsolute at `at`, or its user is disabled. It
	// touches the session (LastSeen = at) when LastSeen is ConsoleTouchEvery
	// or more before `at`, so requests cost at most one write a minute.
	ConsoleSessionByHash(ctx context.Context, hash []byte, at time.Time) (Principal, error)
	// DeleteConsoleSession ends a session (sign-out); unknown hashes are
	// not an error.
	DeleteConsoleSession(ctx context.Context, hash []byte) error
	// ExpireConsoleSessions deletes the sessions that are no longer live at
	// `at` and returns how many.
	ExpireConsoleSessions(ctx context.Context, at time.Time) (int, error)
}

// Sync is the records' push and pull (PROTOCOL §5, §6) and the purge of
// their tombstones.
type Sync interface {
	// Push applies a batch in one transaction, in request order, with the
	// LWW rule of protocol.Decide, and returns one result per record. A
	// write to a record that is restricted, or that makes a record
	// restricted, by a pusher who is neither its author nor an admin fails
	// the whole batch with a *protocol.Error (CodeForbidden, Index set).
	Push(ctx context.Context, b PushBatch) (PushReply, error)
	// Pull returns a page of current versions after q.After; restricted
	// records come as tombstones to viewers who may not see them.
	// ErrResyncRequired when 0 < q.After < the purge horizon.
	Pull(ctx context.Context, q PullQuery) (PullPage, error)
	// PurgeTombstones removes tombstones the server received before
	// `before`, keeping a stub (school, id, hlc) of each and raising the
	// school's purge horizon. Safe to run concurrently. Returns how many.
	PurgeTombstones(ctx context.Context, before time.Time) (int, error)
}

// RecordReader reads a school's current records for reports, pages and
// imports, through the indexes kept with every push (ADR 0105).
type RecordReader interface {
	// SchoolVersion returns the school's version: its last assigned seq
	// and the store's epoch, read together. Records read after it returns
	// are at least that version. ErrNotFound for an unknown school.
	SchoolVersion(ctx context.Context, schoolID string) (SchoolVersion, error)

	// Every read below returns current, non-deleted records of one school
	// that v may see (Viewer.CanSee): a restricted record v may not see is
	// left out as if it did not exist. Those v may see keep Restricted set,
	// so a report can still leave them out (DOMAIN.md §4). Order is
	// unspecified.

	// Records returns the records of the given types (all types when none),
	// reading only those types (for exports and calendar breaks).
	Records(ctx context.Context, schoolID string, v Viewer, types ...string) ([]record.Envelope, error)
	// RecordsByID returns the records with these ids; unknown ids are
	// left out.
	RecordsByID(ctx context.Context, schoolID string, v Viewer, ids ...string) ([]record.Envelope, error)
	// RecordsByRef returns the records of the given types (all when none)
	// whose data references refID through one of their reference fields
	// (see record.Refs), read through an index kept with every push. A refID that
	// is not a canonical UUID references nothing.
	RecordsByRef(ctx context.Context, schoolID string, v Viewer, refID string, types ...string) ([]record.Envelope, error)
	// RecordsByRefs is RecordsByRef for several ids in one read, each
	// record once however many of them it references: a report reads the
	// observations of all of a group's sessions at once (DOMAIN.md §3.7a),
	// not one read per session.
	RecordsByRefs(ctx context.Context, schoolID string, v Viewer, refIDs []string, types ...string) ([]record.Envelope, error)
}
