package localstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"smallwins/app/internal/vault"
)

// Encryption at rest (ADR 0610). A store with a PIN holds a
// keyring in meta: the random data key (DK) wrapped under argon2id(PIN,
// salt) and, once the tablet has a recovery key, under that key too. Every
// value that can hold what a person wrote or a secret — records (and so the
// outbox's payloads, which are the records' versions), conflict losers,
// quarantined versions, the local history of replaced versions, drafts, the
// enrolment with its token, the pending recovery key — is sealed under DK, bound to its bucket and key. Ids, types, HLCs,
// seqs, the cursor, the clock and the PIN failure count stay clear; no
// bucket key holds a name or text (they are ids, type names and fixed
// words).

// Errors of the PIN and the sealed values.
var (
	// ErrLocked: the store has a PIN and has not been unlocked.
	ErrLocked = errors.New("localstore: locked: unlock with the PIN first")
	// ErrTampered: a sealed value does not open: changed, or moved to
	// another key (a swapped value). Nothing of it is returned.
	ErrTampered = vault.ErrTampered
	// ErrNoPIN: an operation needing a PIN on a store that has none.
	ErrNoPIN = errors.New("localstore: this store has no PIN")
	// ErrHasPIN: SetPIN on a store that already has one (ChangePIN changes it).
	ErrHasPIN = errors.New("localstore: this store already has a PIN")
	// ErrPINDisabled: MaxPINFailures wrong PINs in a row; only the
	// recovery key (signing in again) unlocks now.
	ErrPINDisabled = errors.New("localstore: too many wrong PINs: sign in again to set a new PIN")
	// ErrNoRecovery: the store holds no recovery-wrapped data key.
	ErrNoRecovery = errors.New("localstore: this tablet has no recovery key")
)

// MaxPINFailures wrong PINs in a row disable the PIN: with the growing
// delays that is at most 10 guesses out of a million 6-digit PINs, after
// which the person proves who they are to the server (ADR 0610).
const MaxPINFailures = 10

// MinPINLength is the shortest PIN accepted.
const MinPINLength = 6

// compactSuffix names the temporary file of a compaction.
const compactSuffix = ".compact"

// PINDelay is how long after the n-th wrong PIN in a row the next try is
// refused: the first two are free (a typo), then 30 s doubling to an hour.
func PINDelay(n int) time.Duration {
	if n < 3 {
		return 0
	}
	d := 30 * time.Second
	for i := 3; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// WrongPINError is a PIN that did not unlock.
type WrongPINError struct {
	Failures int           // wrong PINs in a row, this one included
	Wait     time.Duration // before the next try is accepted
	Left     int           // tries before the PIN is disabled
}

func (e *WrongPINError) Error() string {
	return fmt.Sprintf("localstore: wrong PIN (%d in a row, next try in %s)", e.Failures, e.Wait)
}

// WaitError: a try came before the delay of the last wrong PIN ended.
type WaitError struct{ Until time.Time }

func (e *WaitError) Error() string {
	return "localstore: too soon after a wrong PIN; try again at " + e.Until.Format(time.RFC3339)
}

// What PINRule finds wrong with a new PIN.
const (
	PINTooShort  = "too_short"
	PINNotDigits = "not_digits"
	PINTooEasy   = "too_easy"
)

// PINProblem says what is wrong with a new PIN ("" when it is fine), in
// English words for a person; the app words PINRule's code in its language.
func PINProblem(pin string) string {
	switch PINRule(pin) {
	case PINTooShort:
		return fmt.Sprintf("Choose a PIN of at least %d digits.", MinPINLength)
	case PINNotDigits:
		return "A PIN is made of digits only."
	case PINTooEasy:
		return "That PIN is too easy to guess. Choose another."
	}
	return ""
}

// PINRule is the rule a new PIN breaks ("" when none): at least MinPINLength
// digits, not one digit repeated, not a run like 123456.
func PINRule(pin string) string {
	if len(pin) < MinPINLength {
		return PINTooShort
	}
	same, up, down := true, true, true
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return PINNotDigits
		}
		if i > 0 {
			same = same && pin[i] == pin[0]
			up = up && pin[i] == pin[i-1]+1
			down = down && pin[i]+1 == pin[i-1]
		}
	}
	if same || up || down {
		return PINTooEasy
	}
	return ""
}

// keyring is meta's kKeyring (clear JSON: it holds only wrapped keys).
type keyring struct {
	KDF      vault.Params `json:"kdf"`
	Salt     []byte       `json:"salt"`
	PIN      []byte       `json:"pin"`                // DK under argon2id(PIN, Salt)
	Recovery []byte       `json:"recovery,omitempty"` // DK under the recovery key
}

type pinFailures struct {
	N       int   `json:"n"`
	UntilMS int64 `json:"until_ms,omitempty"`
}

// Additional data of the wrapped keys: a PIN-wrapped key cannot be passed
// off as the recovery-wrapped one.
var (
	adPIN      = []byte("smallwins dk/pin")
	adRecovery = []byte("smallwins dk/recovery")
)

// ad binds a sealed value to its bucket and key.
func ad(bucket, k []byte) []byte {
	out := make([]byte, 0, len(bucket)+1+len(k))
	out = append(out, bucket...)
	out = append(out, 0)
	return append(out, k...)
}

// get reads bucket/k, opened (nil when absent).
func (s *Store) get(tx *bolt.Tx, bucket, k []byte) ([]byte, error) {
	v := tx.Bucket(bucket).Get(k)
	if v == nil {
		return nil, nil
	}
	return s.unseal(bucket, k, v)
}

// put writes v to bucket/k, sealed when the store has a PIN.
func (s *Store) put(tx *bolt.Tx, bucket, k, v []byte) error {
	if s.keyed.Load() {
		key := s.key.Load()
		if key == nil {
			return ErrLocked
		}
		v = key.sl.Seal(v, ad(bucket, k))
	}
	return tx.Bucket(bucket).Put(k, v)
}

// unseal opens a value read from bucket/k. A store without a PIN returns v
// itself (valid for the transaction only, as bbolt's bytes are).
func (s *Store) unseal(bucket, k, v []byte) ([]byte, error) {
	if !s.keyed.Load() {
		return v, nil
	}
	key := s.key.Load()
	if key == nil {
		return nil, ErrLocked
	}
	p, err := key.sl.Open(v, ad(bucket, k))
	if err != nil {
		return nil, fmt.Errorf("%w: %s %x", err, bucket, k)
	}
	return p, nil
}

// sealedMeta are the meta keys whose values are sealed.
var sealedMeta = [][]byte{kEnrolment, kRecoveryPending}

// LockInfo is what the lock screen needs to know before unlocking.
type LockInfo struct {
	HasPIN   bool
	Unlocked bool // a store without a PIN is always open
	Failures int
	RetryAt  time.Time // zero: a try is accepted now
	Disabled bool      // MaxPINFailures reached: only recovery unlocks
	// HasRecovery: the data key is also wrapped by a recovery key.
	// RecoveryArmed: and the server has confirmed it holds that key.
	HasRecovery, RecoveryArmed bool
	// ServerURL and School prefill the forgotten-PIN form (clear in meta).
	ServerURL, School string
}

type hint struct {
	ServerURL string `json:"server_url"`
	School    string `json:"school"`
}

func putHint(tx *bolt.Tx, e Enrolment) error {
	b, err := json.Marshal(hint{ServerURL: e.ServerURL, School: e.SchoolSlug})
	if err != nil {
		return err
	}
	return tx.Bucket(bMeta).Put(kHint, b)
}

// LockInfo reads the lock state. It works on a locked store.
func (s *Store) LockInfo() (LockInfo, error) {
	var li LockInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		kr, ok, err := readKeyring(tx)
		if err != nil {
			return err
		}
		li.HasPIN = ok
		li.Unlocked = !ok || s.key.Load() != nil
		li.HasRecovery = len(kr.Recovery) > 0
		li.RecoveryArmed = li.HasRecovery && m.Get(kRecoveryPending) == nil
		f := readFailures(tx)
		li.Failures, li.Disabled = f.N, f.N >= MaxPINFailures
		if f.UntilMS > 0 && s.now().UnixMilli() < f.UntilMS {
			li.RetryAt = time.UnixMilli(f.UntilMS)
		}
		var h hint
		if v := m.Get(kHint); v != nil && json.Unmarshal(v, &h) == nil {
			li.ServerURL, li.School = h.ServerURL, h.School
		}
		return nil
	})
	if err != nil {
		return LockInfo{}, fmt.Errorf("localstore: lock info: %w", err)
	}
	return li, nil
}

func readKeyring(tx *bolt.Tx) (keyring, bool, error) {
	var kr keyring
	v := tx.Bucket(bMeta).Get(kKeyring)
	if v == nil {
		return kr, false, nil
	}
	if err := json.Unmarshal(v, &kr); err != nil {
		return kr, true, fmt.Errorf("keyring: %w", err)
	}
	if !kr.KDF.Valid() || len(kr.Salt) < 16 || len(kr.PIN) == 0 {
		return kr, true, errors.New("keyring: damaged")
	}
	return kr, true, nil
}

func putKeyring(tx *bolt.Tx, kr keyring) error {
	b, err := json.Marshal(kr)
	if err != nil {
		return err
	}
	return tx.Bucket(bMeta).Put(kKeyring, b)
}

func readFailures(tx *bolt.Tx) pinFailures {
	var f pinFailures
	if v := tx.Bucket(bMeta).Get(kPINFailures); v != nil {
		_ = json.Unmarshal(v, &f) // damaged: counted from 0; the attacker who can write the file needs no guesses
	}
	return f
}

func putFailures(tx *bolt.Tx, f pinFailures) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return tx.Bucket(bMeta).Put(kPINFailures, b)
}

func (s *Store) kdf() vault.Params {
	if s.opts.KDF != nil {
		return *s.opts.KDF
	}
	return vault.DefaultParams
}

// wrapPIN makes a fresh salt and wraps dk under the PIN.
func (s *Store) wrapPIN(pin string, dk []byte) (kdf vault.Params, salt, wrapped []byte, err error) {
	kdf = s.kdf()
	if salt, err = vault.NewKey(); err != nil {
		return
	}
	kek, err := vault.DeriveKey(pin, salt, kdf)
	if err != nil {
		return
	}
	wrapped, err = vault.Wrap(kek, dk, adPIN)
	return
}

// SetPIN gives a store without a PIN its first one: a new data key, a new
// recovery key (pending until the server has it), and every existing value
// sealed, in one transaction — a crash leaves either the plain store or the
// sealed one. Then the file is compacted into a fresh one and renamed over
// it, so that no page of the old plain text survives in the free pages. The
// store is unlocked afterwards. It must not run while anything else uses
// the store (the app calls it behind the lock screen, before the screens
// and the syncer exist).
func (s *Store) SetPIN(ctx context.Context, pin string) error {
	if msg := PINProblem(pin); msg != "" {
		return fmt.Errorf("localstore: set PIN: %s", msg)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("localstore: set PIN: %w", err)
	}
	s.pinMu.Lock()
	defer s.pinMu.Unlock()
	if err := s.sealInPlace(pin); err != nil {
		return fmt.Errorf("localstore: set PIN: %w", err)
	}
	if err := s.compact(); err != nil {
		// The sealed store is committed; the next Open finishes the compaction.
		return fmt.Errorf("localstore: set PIN: %w", err)
	}
	return nil
}

// sealInPlace is SetPIN's transaction: keys made, every value sealed, the
// compaction flagged. s.pinMu is held.
func (s *Store) sealInPlace(pin string) error {
	if s.keyed.Load() {
		return ErrHasPIN
	}
	dk, err := vault.NewKey()
	if err != nil {
		return err
	}
	sl, err := vault.NewSealer(dk)
	if err != nil {
		return err
	}
	kdf, salt, wrapped, err := s.wrapPIN(pin, dk)
	if err != nil {
		return err
	}
	rk, err := vault.NewKey()
	if err != nil {
		return err
	}
	recov, err := vault.Wrap(rk, dk, adRecovery)
	if err != nil {
		return err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bMeta).Get(kKeyring) != nil {
			return ErrHasPIN
		}
		for _, b := range [][]byte{bRecords, bConflicts, bQuarantine, bHistory, bDrafts} {
			if err := sealBucket(tx, sl, b); err != nil {
				return err
			}
		}
		m := tx.Bucket(bMeta)
		if v := m.Get(kEnrolment); v != nil {
			var e Enrolment
			if json.Unmarshal(v, &e) == nil {
				if err := putHint(tx, e); err != nil {
					return err
				}
			}
		}
		for _, k := range sealedMeta {
			if v := m.Get(k); v != nil {
				if err := m.Put(k, sl.Seal(append([]byte(nil), v...), ad(bMeta, k))); err != nil {
					return err
				}
			}
		}
		if err := m.Put(kRecoveryPending, sl.Seal(rk, ad(bMeta, kRecoveryPending))); err != nil {
			return err
		}
		if err := putKeyring(tx, keyring{KDF: kdf, Salt: salt, PIN: wrapped, Recovery: recov}); err != nil {
			return err
		}
		if err := m.Delete(kPINFailures); err != nil {
			return err
		}
		if err := m.Put(kSchema, []byte(schemaSealed)); err != nil {
			return err
		}
		return m.Put(kCompact, []byte("1"))
	})
	if err != nil {
		return err
	}
	s.key.Store(&dataKey{dk: dk, sl: sl})
	s.keyed.Store(true)
	return nil
}

// sealBucket seals every value of bucket b in place.
func sealBucket(tx *bolt.Tx, sl *vault.Sealer, b []byte) error {
	bk := tx.Bucket(b)
	type kv struct{ k, v []byte }
	var all []kv
	err := bk.ForEach(func(k, v []byte) error {
		all = append(all, kv{append([]byte(nil), k...), append([]byte(nil), v...)})
		return nil
	})
	if err != nil {
		return err
	}
	for _, x := range all {
		if err := bk.Put(x.k, sl.Seal(x.v, ad(b, x.k))); err != nil {
			return err
		}
	}
	return nil
}

// compact copies the file into a fresh one (bbolt.Compact: live keys and
// values only, none of the free pages) and renames it over the old one,
// then reopens. The flag kCompact is cleared in the copy, so a crash before
// the rename leaves the old file with the flag set and Open compacts again.
func (s *Store) compact() error {
	tmp := s.path + compactSuffix
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("compact: %w", err)
	}
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	err = bolt.Compact(dst, s.db, 64<<20)
	if err == nil {
		err = dst.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Delete(kCompact) })
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	renameErr := os.Rename(tmp, s.path)
	if renameErr == nil {
		renameErr = syncDir(filepath.Dir(s.path))
	}
	db, err := bolt.Open(s.path, 0o600, boltOptions(s.opts))
	if err != nil {
		return fmt.Errorf("compact: reopen: %w", err)
	}
	s.db = db
	if renameErr != nil {
		return fmt.Errorf("compact: %w", renameErr)
	}
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// Unlock checks pin and, when it is right, opens the store (on an unlocked
// store it only checks: the app asks again after idle time). A wrong PIN
// is counted in the file before Unlock returns (*WrongPINError), so
// restarting the app does not reset the delays; during a delay no PIN is
// tried at all (*WaitError); after MaxPINFailures, ErrPINDisabled.
func (s *Store) Unlock(ctx context.Context, pin string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("localstore: unlock: %w", err)
	}
	s.pinMu.Lock()
	defer s.pinMu.Unlock()
	var kr keyring
	var f pinFailures
	err := s.db.View(func(tx *bolt.Tx) error {
		var ok bool
		var err error
		if kr, ok, err = readKeyring(tx); err != nil {
			return err
		} else if !ok {
			return ErrNoPIN
		}
		f = readFailures(tx)
		return nil
	})
	if err != nil {
		return fmt.Errorf("localstore: unlock: %w", err)
	}
	if f.N >= MaxPINFailures {
		return fmt.Errorf("localstore: unlock: %w", ErrPINDisabled)
	}
	now := s.now()
	if f.UntilMS > 0 && now.UnixMilli() < f.UntilMS {
		return &WaitError{Until: time.UnixMilli(f.UntilMS)}
	}
	kek, err := vault.DeriveKey(pin, kr.Salt, kr.KDF)
	if err != nil {
		return fmt.Errorf("localstore: unlock: %w", err)
	}
	dk, uerr := vault.Unwrap(kek, kr.PIN, adPIN)
	if uerr != nil {
		f.N++
		wait := PINDelay(f.N)
		f.UntilMS = 0
		if wait > 0 {
			f.UntilMS = now.Add(wait).UnixMilli()
		}
		if err := s.db.Update(func(tx *bolt.Tx) error { return putFailures(tx, f) }); err != nil {
			return fmt.Errorf("localstore: unlock: %w", err)
		}
		return &WrongPINError{Failures: f.N, Wait: wait, Left: MaxPINFailures - f.N}
	}
	if f.N > 0 {
		if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Delete(kPINFailures) }); err != nil {
			return fmt.Errorf("localstore: unlock: %w", err)
		}
	}
	return s.useKey(dk)
}

// dataKey is the unlocked data key and its sealer. The key is kept (the
// AEAD holds it anyway) to wrap it again under a new PIN or recovery key.
type dataKey struct {
	dk []byte
	sl *vault.Sealer
}

func (s *Store) useKey(dk []byte) error {
	if s.key.Load() != nil {
		return nil
	}
	sl, err := vault.NewSealer(dk)
	if err != nil {
		return err
	}
	s.key.Store(&dataKey{dk: dk, sl: sl})
	// A sealed store from an app version without the date index gets it
	// now that its values open (dates.go).
	s.unlockedDateIndex()
	return nil
}

// RecoverPIN is the forgotten-PIN path (ADR 0610): rk is the recovery key
// the server gave back to the person who signed in again; it unwraps the
// data key, which is wrapped again under newPIN, and the failure count is
// cleared, in one transaction. Every record and unsent change stays as it
// was. The store is unlocked afterwards.
func (s *Store) RecoverPIN(ctx context.Context, rk []byte, newPIN string) error {
	if msg := PINProblem(newPIN); msg != "" {
		return fmt.Errorf("localstore: recover PIN: %s", msg)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("localstore: recover PIN: %w", err)
	}
	s.pinMu.Lock()
	defer s.pinMu.Unlock()
	var kr keyring
	err := s.db.View(func(tx *bolt.Tx) error {
		var ok bool
		var err error
		if kr, ok, err = readKeyring(tx); err != nil {
			return err
		} else if !ok {
			return ErrNoPIN
		} else if len(kr.Recovery) == 0 {
			return ErrNoRecovery
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("localstore: recover PIN: %w", err)
	}
	if len(rk) != vault.KeySize {
		return fmt.Errorf("localstore: recover PIN: %w", ErrTampered)
	}
	dk, err := vault.Unwrap(rk, kr.Recovery, adRecovery)
	if err != nil {
		return fmt.Errorf("localstore: recover PIN: the server's recovery key does not open this tablet: %w", err)
	}
	if err := s.rewrap(dk, newPIN); err != nil {
		return fmt.Errorf("localstore: recover PIN: %w", err)
	}
	return s.useKey(dk)
}

// ChangePIN wraps the data key under a new PIN (the store must be unlocked).
func (s *Store) ChangePIN(ctx context.Context, newPIN string) error {
	if msg := PINProblem(newPIN); msg != "" {
		return fmt.Errorf("localstore: change PIN: %s", msg)
	}
	s.pinMu.Lock()
	defer s.pinMu.Unlock()
	if !s.keyed.Load() {
		return fmt.Errorf("localstore: change PIN: %w", ErrNoPIN)
	}
	if s.key.Load() == nil {
		return fmt.Errorf("localstore: change PIN: %w", ErrLocked)
	}
	if err := s.rewrap(s.key.Load().dk, newPIN); err != nil {
		return fmt.Errorf("localstore: change PIN: %w", err)
	}
	return nil
}

// rewrap wraps dk under newPIN with a fresh salt and clears the failures.
func (s *Store) rewrap(dk []byte, newPIN string) error {
	kdf, salt, wrapped, err := s.wrapPIN(newPIN, dk)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		kr, _, err := readKeyring(tx)
		if err != nil {
			return err
		}
		kr.KDF, kr.Salt, kr.PIN = kdf, salt, wrapped
		if err := putKeyring(tx, kr); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Delete(kPINFailures)
	})
}

// NewRecoveryKey replaces the recovery key: a new random one wraps the data
// key and waits (sealed) to be given to the server. The tablet does this at
// every enrolment: the server destroys its copy on revoke and wipe, and a
// tablet enrolled again must not count on an old one. No-op without a PIN.
func (s *Store) NewRecoveryKey(ctx context.Context) error {
	if !s.keyed.Load() {
		return nil
	}
	key := s.key.Load()
	if key == nil {
		return fmt.Errorf("localstore: new recovery key: %w", ErrLocked)
	}
	s.pinMu.Lock()
	defer s.pinMu.Unlock()
	rk, err := vault.NewKey()
	if err != nil {
		return fmt.Errorf("localstore: new recovery key: %w", err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		kr, _, err := readKeyring(tx)
		if err != nil {
			return err
		}
		if kr.Recovery, err = vault.Wrap(rk, key.dk, adRecovery); err != nil {
			return err
		}
		if err := putKeyring(tx, kr); err != nil {
			return err
		}
		return s.put(tx, bMeta, kRecoveryPending, rk)
	})
	if err != nil {
		return fmt.Errorf("localstore: new recovery key: %w", err)
	}
	return nil
}

// PendingRecoveryKey returns the recovery key the server has not confirmed
// yet (ok false when none is waiting, or the store has no PIN). It is a
// secret: never log it.
func (s *Store) PendingRecoveryKey() (rk []byte, ok bool, err error) {
	if !s.keyed.Load() {
		return nil, false, nil
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		v, err := s.get(tx, bMeta, kRecoveryPending)
		if err != nil || v == nil {
			return err
		}
		rk, ok = append([]byte(nil), v...), true
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("localstore: pending recovery key: %w", err)
	}
	return rk, ok, nil
}

// RecoveryKeySent records that the server holds rk: the local copy goes,
// if it is still rk (a newer key made meanwhile stays pending).
func (s *Store) RecoveryKeySent(ctx context.Context, rk []byte) error {
	err := s.update(func(tx *bolt.Tx) error {
		v, err := s.get(tx, bMeta, kRecoveryPending)
		if err != nil || v == nil || !bytes.Equal(v, rk) {
			return err
		}
		return tx.Bucket(bMeta).Delete(kRecoveryPending)
	})
	if err != nil {
		return fmt.Errorf("localstore: recovery key sent: %w", err)
	}
	return nil
}
