// Package localstore is the tablet's local database: every record this device
// holds, the outbox of versions not yet acknowledged by the server, the pull
// cursor, the server epoch, the enrolment, conflict losers and quarantined
// records, all in one bbolt file.
//
// Data safety first (PROTOCOL §3, §9): one user action is one bbolt Update,
// fsynced before it returns, holding the new version, its indexes, its outbox
// entry and the clock state together; a pulled page and its cursor are one
// Update too.
package localstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"smallwins/app/internal/vault"
	"smallwins/shared/hlc"
	"smallwins/shared/record"
)

// Bucket names. Created at Open; the only package variables besides sentinels.
var (
	bRecords    = []byte("records")    // id (16 bytes) → envelope JSON
	bByType     = []byte("by_type")    // type 0x00 id(16) → nil
	bByRef      = []byte("by_ref")     // ref id(16) type 0x00 id(16) → nil
	bByDate     = []byte("by_date")    // ref id(16) type 0x00 date(10) id(16) → nil (dates.go, ADR 0652)
	bOutbox     = []byte("outbox")     // id(16) → HLC text of the unacknowledged version
	bConflicts  = []byte("conflicts")  // conflict id(16, UUIDv7) → Conflict JSON
	bQuarantine = []byte("quarantine") // id(16) → Quarantined JSON
	bMeta       = []byte("meta")       // see the k* keys
	bResync     = []byte("resync")     // id(16) → nil: ids seen during a full resync (PROTOCOL §6, 410)
	bDrafts     = []byte("drafts")     // key text → bytes: work in progress on this tablet, never synced (drafts.go)
	bHistory    = []byte("history")    // id(16) HLC text → envelope JSON: versions this tablet's edits replaced (history.go)

	kDeviceID  = []byte("device_id")
	kClock     = []byte("clock")
	kCursor    = []byte("cursor")
	kEpoch     = []byte("epoch")
	kEnrolment = []byte("enrolment")
	kSchema    = []byte("schema")
	kResyncing = []byte("resyncing")
	kLastSync  = []byte("last_sync")
	kSeen      = []byte("seen_hlc")
	// ADR 0610: the wrapped data key, the PIN failures, the
	// recovery key not yet given to the server (sealed), the clear hint of
	// the server and school for the forgotten-PIN form, and the flag of a
	// migration whose compaction has not finished.
	kKeyring         = []byte("keyring")
	kPINFailures     = []byte("pin_failures")
	kRecoveryPending = []byte("recovery_pending")
	kHint            = []byte("hint")
	kCompact         = []byte("compact_pending")
	// kDateIndex marks a built by_date index (its version, dates.go).
	kDateIndex = []byte("date_index")
)

// schemaVersion is written at the first open; SetPIN raises it to
// schemaSealed (ADR 0610: values sealed, a keyring in meta).
const (
	schemaVersion = "1"
	schemaSealed  = "2"
)

// Sentinel errors.
var (
	// ErrNotFound: no live record with that id (absent or deleted).
	ErrNotFound = errors.New("localstore: not found")
	// ErrInvalid wraps a payload that fails DOMAIN.md's validation; nothing was written.
	ErrInvalid = errors.New("localstore: invalid")
)

// Options tune Open. The zero value is the production setting.
type Options struct {
	// Now is the device clock; nil means time.Now. Tests inject skewed clocks.
	Now func() time.Time
	// NoSync turns off fsync (benchmarks of raw speed only; never in the app).
	NoSync bool
	// KDF overrides argon2id's cost (nil: vault.DefaultParams). Tests that
	// are not about the PIN use a cheap one; the app never sets it.
	KDF *vault.Params
}

// Store is the local database. It is safe for concurrent use.
type Store struct {
	db     *bolt.DB
	path   string
	opts   Options
	clock  *hlc.Clock
	device uuid.UUID
	now    func() time.Time

	// keyed: the store has a PIN (a keyring in meta), so records,
	// conflicts, quarantined versions, the enrolment and the pending
	// recovery key are sealed. key is nil until Unlock. A store without
	// a PIN is the layout of schema 1, in plain text (ADR 0610).
	keyed atomic.Bool
	key   atomic.Pointer[dataKey]
	pinMu sync.Mutex // one PIN check at a time: the failure count is check-then-act

	// dated: the by_date index is known to be built (dates.go), so an
	// unlock need not look. The reads ask their own transaction.
	dated atomic.Bool

	mu        sync.Mutex // guards listeners
	listeners []func()
}

// Open opens (creating if needed) the store at path. The device id is made
// at the first open and kept forever (PROTOCOL §4: the device works before
// enrolment).
func Open(path string) (*Store, error) { return OpenWith(path, Options{}) }

// OpenWith is Open with options.
func OpenWith(path string, o Options) (*Store, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	// A compaction that crashed before its rename left this behind; the
	// store itself is whole (ADR 0610).
	if err := os.Remove(path + compactSuffix); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("localstore: open %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, boltOptions(o))
	if err != nil {
		return nil, fmt.Errorf("localstore: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, opts: o, now: o.Now}
	compact := false
	var st hlc.State
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bRecords, bByType, bByRef, bByDate, bOutbox, bConflicts, bQuarantine, bMeta, bResync, bDrafts, bHistory} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		m := tx.Bucket(bMeta)
		if v := m.Get(kDeviceID); v != nil {
			id, err := uuid.ParseBytes(v)
			if err != nil {
				return fmt.Errorf("device id: %w", err)
			}
			s.device = id
		} else {
			id, err := uuid.NewRandom()
			if err != nil {
				return err
			}
			s.device = id
			if err := m.Put(kDeviceID, []byte(id.String())); err != nil {
				return err
			}
			if err := m.Put(kSchema, []byte(schemaVersion)); err != nil {
				return err
			}
		}
		if v := m.Get(kClock); v != nil {
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("clock state: %w", err)
			}
		}
		s.keyed.Store(m.Get(kKeyring) != nil)
		compact = m.Get(kCompact) != nil
		// A store written by an app version without the date index gets
		// it now, in this transaction; a sealed one at its first unlock,
		// when its values can be read (dates.go).
		return s.openDateIndex(tx)
	})
	if err == nil && compact {
		// The migration to sealed values committed but its compaction did
		// not finish: old plain-text pages may still be free in the file.
		err = s.compact()
	}
	if err != nil {
		_ = s.db.Close()
		return nil, fmt.Errorf("localstore: open %s: %w", path, err)
	}
	s.clock = hlc.NewClock(s.device, st, o.Now)
	return s, nil
}

func boltOptions(o Options) *bolt.Options {
	return &bolt.Options{Timeout: 5 * time.Second, NoSync: o.NoSync}
}

// Close closes the file.
func (s *Store) Close() error {
	s.key.Store(nil)
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("localstore: close: %w", err)
	}
	return nil
}

// DeviceID is this device's id, the node of every HLC it stamps.
func (s *Store) DeviceID() string { return s.device.String() }

// Clock is the store's HLC clock; the sync client feeds it server times.
// Writes go through the store so that its state is saved with them.
func (s *Store) Clock() *hlc.Clock { return s.clock }

// OnChange registers f to be called (on the writer's goroutine) after every
// committed change: a local write, a pulled page, a sync bookkeeping change.
// Screens use it to refresh; f must not block.
func (s *Store) OnChange(f func()) {
	s.mu.Lock()
	s.listeners = append(s.listeners, f)
	s.mu.Unlock()
}

func (s *Store) changed() {
	s.mu.Lock()
	ls := append([]func(){}, s.listeners...)
	s.mu.Unlock()
	for _, f := range ls {
		f()
	}
}

// key is the 16-byte bbolt key of a record id. UUIDv7 ids are time-ordered,
// so new records append to the B-tree.
func key(id string) ([]byte, error) {
	if !record.IsID(id) {
		return nil, fmt.Errorf("%w: id %q is not a canonical lowercase uuid", ErrInvalid, id)
	}
	u := uuid.MustParse(id)
	return u[:], nil
}

func idOf(k []byte) string {
	var u uuid.UUID
	copy(u[:], k)
	return u.String()
}

// NewID returns a fresh record id (UUIDv7, PROTOCOL §2).
func NewID() string {
	u, err := uuid.NewV7()
	if err != nil {
		u = uuid.New()
	}
	return u.String()
}

// update runs fn in one write transaction with the clock state saved at the
// end of it (PROTOCOL §3: the clock state is persisted with the data). If the
// transaction fails, the clock goes back to where it was.
func (s *Store) update(fn func(tx *bolt.Tx) error) error {
	before := s.clock.State()
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return saveClock(tx, s.clock.State())
	})
	if err != nil {
		s.clock.Restore(before)
		return err
	}
	s.changed()
	return nil
}

func saveClock(tx *bolt.Tx, st hlc.State) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return tx.Bucket(bMeta).Put(kClock, b)
}

// Put writes a new version of record id (a fresh id when id is "") of type
// typ, stamped with a fresh HLC, in one durable transaction, and queues it for
// push. data is a json.RawMessage (the whole data object, written as is) or a
// payload value (e.g. record.Student), which is first checked by its
// Validate (a refusal wraps both ErrInvalid and the *record.FieldError, and
// writes nothing), then encoded with record.EncodeData over the previous
// version so that fields this app does not know survive (PROTOCOL §2). restricted marks a note that only its author
// and admins may read (PROTOCOL §6).
func (s *Store) Put(ctx context.Context, typ, id string, data any, restricted bool) (record.Envelope, error) {
	if err := ctx.Err(); err != nil {
		return record.Envelope{}, fmt.Errorf("localstore: put: %w", err)
	}
	if id == "" {
		id = NewID()
	}
	k, err := key(id)
	if err != nil {
		return record.Envelope{}, fmt.Errorf("localstore: put: %w", err)
	}
	// DOMAIN.md §2: the app validates before writing. Raw data (a restored
	// or quarantined version from a sync) is written as it came.
	if p, ok := data.(record.Payload); ok {
		if p.RecordType() != typ {
			return record.Envelope{}, fmt.Errorf("localstore: put %s: %w: the data is a %s", typ, ErrInvalid, p.RecordType())
		}
		if err := p.Validate(); err != nil {
			return record.Envelope{}, fmt.Errorf("localstore: put %s: %w: %w", typ, ErrInvalid, err)
		}
	}
	var out record.Envelope
	err = s.update(func(tx *bolt.Tx) error {
		prev, _, err := s.getEnv(tx, k)
		if err != nil {
			return err
		}
		if err := checkWant(ctx, prev); err != nil {
			return err // PutIf: the record changed since (putif.go)
		}
		var raw json.RawMessage
		switch d := data.(type) {
		case json.RawMessage:
			raw = d
		case []byte:
			raw = d
		default:
			var base json.RawMessage
			if prev != nil && !prev.Deleted {
				base = prev.Data
			}
			if raw, err = record.EncodeData(data, base); err != nil {
				return err
			}
		}
		if err := record.ValidateData(raw); err != nil {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		out = record.Envelope{ID: id, Type: typ, HLC: s.clock.Now().String(), Data: raw, Restricted: restricted}
		if err := record.Validate(&out); err != nil {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		return s.writeLocal(tx, k, prev, out)
	})
	if err != nil {
		return record.Envelope{}, fmt.Errorf("localstore: put %s: %w", typ, err)
	}
	return out, nil
}

// Delete writes a tombstone for id (PROTOCOL §2) in one durable transaction.
// Deleting an absent or already deleted record is ErrNotFound.
func (s *Store) Delete(ctx context.Context, id string) (record.Envelope, error) {
	if err := ctx.Err(); err != nil {
		return record.Envelope{}, fmt.Errorf("localstore: delete: %w", err)
	}
	k, err := key(id)
	if err != nil {
		return record.Envelope{}, fmt.Errorf("localstore: delete: %w", err)
	}
	var out record.Envelope
	err = s.update(func(tx *bolt.Tx) error {
		prev, _, err := s.getEnv(tx, k)
		if err != nil {
			return err
		}
		if prev == nil || prev.Deleted {
			return ErrNotFound
		}
		if err := checkWant(ctx, prev); err != nil {
			return err // DeleteIf: the record changed since (putif.go)
		}
		out = record.Envelope{ID: id, Type: prev.Type, HLC: s.clock.Now().String(), Deleted: true}
		return s.writeLocal(tx, k, prev, out)
	})
	if err != nil {
		return record.Envelope{}, fmt.Errorf("localstore: delete: %w", err)
	}
	return out, nil
}

// writeLocal stores a version written on this device and queues it. A
// quarantined older version of the id is superseded by this write.
func (s *Store) writeLocal(tx *bolt.Tx, k []byte, prev *record.Envelope, e record.Envelope) error {
	if err := s.keepHistory(tx, k, prev, e); err != nil {
		return err
	}
	if err := s.putEnv(tx, k, prev, e); err != nil {
		return err
	}
	if err := tx.Bucket(bQuarantine).Delete(k); err != nil {
		return err
	}
	return tx.Bucket(bOutbox).Put(k, []byte(e.HLC))
}

// getEnv reads the stored version of k (nil when none), with its plain bytes.
func (s *Store) getEnv(tx *bolt.Tx, k []byte) (*record.Envelope, []byte, error) {
	v, err := s.get(tx, bRecords, k)
	if err != nil || v == nil {
		return nil, nil, err
	}
	e, err := decodeEnv(v)
	if err != nil {
		return nil, nil, fmt.Errorf("decode record %s: %w", idOf(k), err)
	}
	return e, v, nil
}

// decodeEnv decodes a stored envelope. The store wrote it (json.Marshal of
// record.Envelope: exact member names, none repeated), so the JSON v2
// decoder reads it, about twice as fast as encoding/json on the records a
// screen reads (ADR 0006, ADR 0652); encoding/json remains the fallback
// for anything v2 refuses.
func decodeEnv(v []byte) (*record.Envelope, error) {
	var e record.Envelope
	if jsonv2.Unmarshal(v, &e) == nil {
		return &e, nil
	}
	e = record.Envelope{}
	if err := json.Unmarshal(v, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// putEnv stores e over prev, keeping the indexes in step.
func (s *Store) putEnv(tx *bolt.Tx, k []byte, prev *record.Envelope, e record.Envelope) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := s.put(tx, bRecords, k, b); err != nil {
		return err
	}
	return reindex(tx, k, prev, &e)
}

// removeEnv deletes the record k and its index entries.
func removeEnv(tx *bolt.Tx, k []byte, prev *record.Envelope) error {
	if err := tx.Bucket(bRecords).Delete(k); err != nil {
		return err
	}
	return reindex(tx, k, prev, nil)
}

func typeKey(typ string, k []byte) []byte {
	out := make([]byte, 0, len(typ)+1+16)
	out = append(out, typ...)
	out = append(out, 0)
	return append(out, k...)
}

func refKey(ref []byte, typ string, k []byte) []byte {
	out := make([]byte, 0, 16+len(typ)+1+16)
	out = append(out, ref...)
	out = append(out, typ...)
	out = append(out, 0)
	return append(out, k...)
}

// indexKeys lists the index entries of a live version: by type; by the
// record it hangs off (a student for plans, goals, probes, notes, CICO cards
// and decisions; a group for sessions); and by that record and the
// version's date, for the types that have one (dates.go). Tombstones are
// indexed nowhere.
func indexKeys(k []byte, e *record.Envelope) (byType, byRef, byDate []byte) {
	if e == nil || e.Deleted {
		return nil, nil, nil
	}
	byType = typeKey(e.Type, k)
	field := record.OwnerField(e.Type)
	if field == "" {
		return byType, nil, nil
	}
	ref, date := indexFields(e.Data, field)
	if !record.IsID(ref) {
		return byType, nil, nil
	}
	u := uuid.MustParse(ref)
	byRef = refKey(u[:], e.Type, k)
	if date != "" {
		byDate = dateKey(u[:], e.Type, date, k)
	}
	return byType, byRef, byDate
}

// indexFields reads from a record's data what its indexes need: the
// owner reference (the member named field, a string) and its date (""
// unless a date, dateOf). The common case decodes only these members
// (JSON v2, about three times faster than a map of every member: a first
// unlock after the update indexes every record, ADR 0652); anything that
// does not decode so (a member of another type, a repeated name) takes the
// member-by-member path, which gives each member its own chance.
func indexFields(data json.RawMessage, field string) (ref, date string) {
	var f struct {
		StudentID string  `json:"student_id"`
		GroupID   string  `json:"group_id"`
		Date      *string `json:"date"`
	}
	if (field == "student_id" || field == "group_id") && jsonv2.Unmarshal(data, &f) == nil {
		ref = f.StudentID
		if field == "group_id" {
			ref = f.GroupID
		}
		if f.Date != nil && isDate(*f.Date) {
			date = *f.Date
		}
		return ref, date
	}
	return indexFieldsByMember(data, field)
}

// indexFieldsByMember is indexFields decoding every member on its own.
func indexFieldsByMember(data json.RawMessage, field string) (ref, date string) {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return "", ""
	}
	if json.Unmarshal(m[field], &ref) != nil {
		ref = ""
	}
	date, _ = dateOf(m)
	return ref, date
}

func reindex(tx *bolt.Tx, k []byte, prev, cur *record.Envelope) error {
	ot, or, od := indexKeys(k, prev)
	nt, nr, nd := indexKeys(k, cur)
	for _, x := range []struct {
		bucket   []byte
		old, new []byte
	}{{bByType, ot, nt}, {bByRef, or, nr}, {bByDate, od, nd}} {
		b := tx.Bucket(x.bucket)
		if x.old != nil && !bytes.Equal(x.old, x.new) {
			if err := b.Delete(x.old); err != nil {
				return err
			}
		}
		if x.new != nil {
			if err := b.Put(x.new, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// Get returns the live version of id; ErrNotFound when absent or deleted.
func (s *Store) Get(id string) (record.Envelope, error) {
	e, err := s.Version(id)
	if err != nil {
		return record.Envelope{}, err
	}
	if e.Deleted {
		return record.Envelope{}, fmt.Errorf("localstore: get %s: %w", id, ErrNotFound)
	}
	return e, nil
}

// Version returns the stored version of id, tombstones included;
// ErrNotFound when the store holds none.
func (s *Store) Version(id string) (record.Envelope, error) {
	k, err := key(id)
	if err != nil {
		return record.Envelope{}, fmt.Errorf("localstore: get: %w", err)
	}
	var out record.Envelope
	err = s.db.View(func(tx *bolt.Tx) error {
		e, _, err := s.getEnv(tx, k)
		if err != nil {
			return err
		}
		if e == nil {
			return ErrNotFound
		}
		out = *e // Unmarshal copied the bytes out of the mmap
		return nil
	})
	if err != nil {
		return record.Envelope{}, fmt.Errorf("localstore: get %s: %w", id, err)
	}
	return out, nil
}

// listed is the live version of the record under key k as a list shows it:
// nil for a tombstone or a record that does not open (ErrTampered). One
// damaged record must not blank a screen (ADR 0501); Get of its id reports
// it.
func (s *Store) listed(tx *bolt.Tx, k []byte) (*record.Envelope, error) {
	e, _, err := s.getEnv(tx, k)
	if errors.Is(err, ErrTampered) || err == nil && (e == nil || e.Deleted) {
		return nil, nil
	}
	return e, err
}

// List returns the live records of type typ, in id order (creation order for
// UUIDv7 ids).
func (s *Store) List(typ string) ([]record.Envelope, error) {
	var out []record.Envelope
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := append([]byte(typ), 0)
		c := tx.Bucket(bByType).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			e, err := s.listed(tx, k[len(prefix):])
			if err != nil {
				return err
			}
			if e != nil {
				out = append(out, *e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("localstore: list %s: %w", typ, err)
	}
	return out, nil
}

// ListByRef returns the live records of type typ whose reference field
// (student_id for plans, goals, probes, notes, CICO cards and decisions;
// group_id for sessions) is ref, in id order.
func (s *Store) ListByRef(typ, ref string) ([]record.Envelope, error) {
	rk, err := key(ref)
	if err != nil {
		return nil, fmt.Errorf("localstore: list %s: %w", typ, err)
	}
	var out []record.Envelope
	err = s.db.View(func(tx *bolt.Tx) error {
		prefix := refKey(rk, typ, nil)
		c := tx.Bucket(bByRef).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			e, err := s.listed(tx, k[len(prefix):])
			if err != nil {
				return err
			}
			if e != nil {
				out = append(out, *e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("localstore: list %s of %s: %w", typ, ref, err)
	}
	return out, nil
}

// All returns every stored version, tombstones included, in id order (tests
// and diagnostics).
func (s *Store) All() ([]record.Envelope, error) {
	var out []record.Envelope
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bRecords).ForEach(func(k, v []byte) error {
			v, err := s.unseal(bRecords, k, v)
			if err != nil {
				return err
			}
			var e record.Envelope
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("localstore: all: %w", err)
	}
	return out, nil
}

// sortByHLC is a helper for stable presentation of versions.
func sortByHLC(es []record.Envelope) {
	sort.Slice(es, func(i, j int) bool { return es[i].HLC < es[j].HLC })
}
