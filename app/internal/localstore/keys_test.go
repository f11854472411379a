package localstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"smallwins/app/internal/repo"
	"smallwins/app/internal/vault"
	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// cheapKDF keeps the tests that are not about the cost of a guess fast
// (under -race argon2id with 64 MiB takes seconds).
var cheapKDF = &vault.Params{Time: 1, MemoryKiB: 64, Threads: 1}

const (
	pin      = "482916"
	secretGN = "Zephyrine"
	secretFN = "Quillfeather"
	noteText = "asthma inhaler in the blue bag; parents separating"
	token    = "tok_SECRETSECRETSECRET_0123456789"
)

// fakeClock is a settable clock for the PIN delays.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openOpts(t *testing.T, path string, o Options) *Store {
	t.Helper()
	s, err := OpenWith(path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// fillSecrets writes every kind of value that must be sealed: a student, a
// restricted note, a conflict loser, a quarantined version, the enrolment
// with its token. It returns the student's and the note's ids.
func fillSecrets(t *testing.T, s *Store) (string, string) {
	t.Helper()
	st, err := repo.Put(ctx, s, "", record.Student{GivenName: secretGN, FamilyName: secretFN, Grade: "2"}, false)
	if err != nil {
		t.Fatal(err)
	}
	note, err := repo.PutNote(ctx, s, "", record.Note{StudentID: st.ID, AuthorID: "device:" + s.DeviceID(), Body: noteText}, true)
	if err != nil {
		t.Fatal(err)
	}
	// A conflict loser: the pushed version of the student was superseded.
	pend, err := s.Pending(0)
	if err != nil {
		t.Fatal(err)
	}
	var sent []record.Envelope
	var res []protocol.PushResult
	for _, e := range pend {
		if e.ID == st.ID {
			sent = append(sent, e)
			res = append(res, protocol.PushResult{ID: e.ID, Outcome: protocol.Superseded, HLC: remoteHLC(time.Now().Add(time.Hour).UnixMilli())})
		}
	}
	if _, err := s.AckPush(ctx, sent, res); err != nil {
		t.Fatal(err)
	}
	// A quarantined version of a second student.
	q, err := repo.Put(ctx, s, "", record.Student{GivenName: secretGN + "q", FamilyName: secretFN + "q", Grade: "2"}, false)
	if err != nil {
		t.Fatal(err)
	}
	qe, _ := s.Version(q.ID)
	if err := s.Quarantine(ctx, qe, "invalid_record", "refused"); err != nil {
		t.Fatal(err)
	}
	// A draft, and an edit made long after: the history keeps the old version.
	if err := s.PutDraft(ctx, "probe/"+st.ID, []byte(`{"student_id":"`+st.ID+`","words":"`+secretGN+` misread"}`)); err != nil {
		t.Fatal(err)
	}
	cs := s.clock.State()
	cs.OffsetMS += time.Hour.Milliseconds() // the correction comes an hour later
	s.clock.Restore(cs)
	if _, err := repo.PutNote(ctx, s, note.ID, record.Note{StudentID: st.ID, AuthorID: "device:" + s.DeviceID(), Body: noteText + " (corrected)"}, true); err != nil {
		t.Fatal(err)
	}
	if h, err := s.History(note.ID); err != nil || len(h) != 1 {
		t.Fatalf("history of the corrected note: %d %v", len(h), err)
	}
	if err := s.SetEnrolment(ctx, Enrolment{ServerURL: "http://127.0.0.1:1", SchoolID: "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01",
		SchoolSlug: "lincoln", UserID: "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e02", Username: "ana", UserName: "Ana Quillfeather-Teacher", Token: token}); err != nil {
		t.Fatal(err)
	}
	return st.ID, note.ID
}

// assertNoPlainText reads the whole file, free pages included.
func assertNoPlainText(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{secretGN, secretFN, noteText[:20], "inhaler", token, "Ana Quillfeather"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the file holds %q in plain text", s)
		}
	}
}

type snapshot struct {
	All         []record.Envelope
	Pending     []record.Envelope
	Conflicts   []Conflict
	Quarantined []Quarantined
	Enrolment   Enrolment
	Meta        SyncMeta
}

func snap(t *testing.T, s *Store) snapshot {
	t.Helper()
	var sn snapshot
	var err error
	if sn.All, err = s.All(); err != nil {
		t.Fatal(err)
	}
	if sn.Pending, err = s.Pending(0); err != nil {
		t.Fatal(err)
	}
	if sn.Conflicts, err = s.Conflicts(); err != nil {
		t.Fatal(err)
	}
	if sn.Quarantined, err = s.ListQuarantined(); err != nil {
		t.Fatal(err)
	}
	if sn.Enrolment, err = s.Enrolment(); err != nil {
		t.Fatal(err)
	}
	if sn.Meta, err = s.SyncMeta(); err != nil {
		t.Fatal(err)
	}
	return sn
}

// TestSealedStoreFileHoldsNoPlainText: with a PIN, nothing a person wrote,
// no name and no token is readable in the file; locked, the store refuses
// to read; unlocked after a reopen, everything is back.
func TestSealedStoreFileHoldsNoPlainText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tablet.db")
	s := openOpts(t, path, Options{KDF: cheapKDF})
	if err := s.SetPIN(ctx, pin); err != nil {
		t.Fatal(err)
	}
	stID, noteID := fillSecrets(t, s)
	// Edits leave old versions in free pages: they too must be sealed.
	for i := 0; i < 20; i++ {
		if _, err := repo.Put(ctx, s, stID, record.Student{GivenName: secretGN, FamilyName: secretFN, Grade: "3"}, false); err != nil {
			t.Fatal(err)
		}
	}
	want := snap(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	assertNoPlainText(t, path)

	s2 := openOpts(t, path, Options{KDF: cheapKDF})
	if _, err := s2.Get(stID); !errors.Is(err, ErrLocked) {
		t.Fatalf("locked Get: %v", err)
	}
	if _, err := repo.Put(ctx, s2, "", record.Student{GivenName: "X", FamilyName: "Y", Grade: "1"}, false); !errors.Is(err, ErrLocked) {
		t.Fatalf("locked Put: %v", err)
	}
	if li, _ := s2.LockInfo(); !li.HasPIN || li.Unlocked || li.ServerURL != "http://127.0.0.1:1" || li.School != "lincoln" {
		t.Fatalf("lock info %+v", li)
	}
	if err := s2.Unlock(ctx, pin); err != nil {
		t.Fatal(err)
	}
	if got := snap(t, s2); !reflect.DeepEqual(got, want) {
		t.Fatalf("after unlock:\n got %+v\nwant %+v", got, want)
	}
	n, ok := repo.Get[record.Note](s2, noteID)
	if !ok || n.Data.Body != noteText+" (corrected)" || !n.Restricted {
		t.Fatalf("note %+v %v", n, ok)
	}
}

// TestWrongPINNeverUnlocksAndTheDelayGrows: the first two wrong PINs are
// free, then each one waits longer; during a wait even the right PIN is
// not tried; the count survives a restart; after MaxPINFailures only the
// recovery key unlocks.
func TestWrongPINNeverUnlocksAndTheDelayGrows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tablet.db")
	clk := &fakeClock{t: time.Date(2025, 1, 13, 10, 0, 0, 0, time.UTC)}
	s := openOpts(t, path, Options{KDF: cheapKDF, Now: clk.Now})
	if err := s.SetPIN(ctx, pin); err != nil {
		t.Fatal(err)
	}
	stID, _ := fillSecrets(t, s)
	rk, ok, err := s.PendingRecoveryKey()
	if err != nil || !ok {
		t.Fatalf("pending recovery key: %v %v", ok, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openOpts(t, path, Options{KDF: cheapKDF, Now: clk.Now})
	var waits []time.Duration
	for i := 1; i < MaxPINFailures; i++ {
		err := s.Unlock(ctx, "000111")
		var wp *WrongPINError
		if !errors.As(err, &wp) || wp.Failures != i {
			t.Fatalf("try %d: %v", i, err)
		}
		if _, err := s.Get(stID); !errors.Is(err, ErrLocked) {
			t.Fatalf("a wrong PIN unlocked: %v", err)
		}
		waits = append(waits, wp.Wait)
		if wp.Wait > 0 {
			// The right PIN during the wait is refused without being tried.
			var we *WaitError
			if err := s.Unlock(ctx, pin); !errors.As(err, &we) {
				t.Fatalf("try during the wait: %v", err)
			}
			if li, _ := s.LockInfo(); li.RetryAt.IsZero() || li.Failures != i {
				t.Fatalf("lock info during the wait: %+v", li)
			}
			if i == 4 {
				// A restart does not reset the count or the wait.
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				s = openOpts(t, path, Options{KDF: cheapKDF, Now: clk.Now})
				if err := s.Unlock(ctx, pin); !errors.As(err, &we) {
					t.Fatalf("try after a restart during the wait: %v", err)
				}
			}
			clk.Add(wp.Wait)
		}
	}
	for i := 1; i < len(waits); i++ {
		if waits[i] < waits[i-1] {
			t.Fatalf("the delay shrank: %v", waits)
		}
	}
	if waits[0] != 0 || waits[1] != 0 || waits[2] == 0 || waits[len(waits)-1] <= waits[2] {
		t.Fatalf("delays %v: two free tries, then growing", waits)
	}
	// The last allowed wrong PIN disables the PIN, even the right one.
	if err := s.Unlock(ctx, "000111"); !errors.As(err, new(*WrongPINError)) {
		t.Fatal(err)
	}
	clk.Add(2 * time.Hour)
	if err := s.Unlock(ctx, pin); !errors.Is(err, ErrPINDisabled) {
		t.Fatalf("right PIN after %d failures: %v", MaxPINFailures, err)
	}
	// The recovery key (from the server, after signing in) sets a new PIN;
	// nothing unsent is lost.
	bad := append([]byte(nil), rk...)
	bad[0] ^= 1
	if err := s.RecoverPIN(ctx, bad, "739251"); err == nil {
		t.Fatal("a wrong recovery key unlocked")
	}
	if err := s.RecoverPIN(ctx, rk, "739251"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.PendingCount(); n == 0 {
		t.Fatal("the outbox is empty after recovery")
	}
	if _, err := s.Get(stID); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openOpts(t, path, Options{KDF: cheapKDF, Now: clk.Now})
	if err := s.Unlock(ctx, pin); !errors.As(err, new(*WrongPINError)) {
		t.Fatalf("the old PIN after recovery: %v", err)
	}
	if err := s.Unlock(ctx, "739251"); err != nil {
		t.Fatalf("the new PIN: %v", err)
	}
	if li, _ := s.LockInfo(); li.Failures != 0 {
		t.Fatalf("failures not cleared: %+v", li)
	}
}

// TestConcurrentWrongPINsAreAllCounted: guesses racing each other are each
// counted (the count is check-then-act under one lock).
func TestConcurrentWrongPINsAreAllCounted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tablet.db")
	clk := &fakeClock{t: time.Date(2025, 1, 13, 10, 0, 0, 0, time.UTC)}
	s := openOpts(t, path, Options{KDF: cheapKDF, Now: clk.Now})
	if err := s.SetPIN(ctx, pin); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wrong := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errors.As(s.Unlock(ctx, "000111"), new(*WrongPINError)) {
				mu.Lock()
				wrong++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	li, _ := s.LockInfo()
	if wrong != li.Failures || wrong != 3 {
		t.Fatalf("%d wrong PINs tried, %d counted; want 3 tried (then the wait)", wrong, li.Failures)
	}
}

// TestTamperedOrSwappedValueIsRefused: a changed byte, or a sealed value
// moved to another record's key, does not open: Get says so, lists skip
// it, and no garbage comes out.
func TestTamperedOrSwappedValueIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tablet.db")
	s := openOpts(t, path, Options{KDF: cheapKDF})
	if err := s.SetPIN(ctx, pin); err != nil {
		t.Fatal(err)
	}
	a, _ := repo.Put(ctx, s, "", record.Student{GivenName: "Ada", FamilyName: "One", Grade: "1"}, false)
	b, _ := repo.Put(ctx, s, "", record.Student{GivenName: "Bea", FamilyName: "Two", Grade: "1"}, false)
	c, _ := repo.Put(ctx, s, "", record.Student{GivenName: "Cy", FamilyName: "Three", Grade: "1"}, false)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	ka, _ := key(a.ID)
	kb, _ := key(b.ID)
	kc, _ := key(c.ID)
	err = db.Update(func(tx *bolt.Tx) error {
		r := tx.Bucket(bRecords)
		va := append([]byte(nil), r.Get(ka)...)
		vb := append([]byte(nil), r.Get(kb)...)
		// Swap a and b; flip one byte of c's ciphertext.
		if err := r.Put(ka, vb); err != nil {
			return err
		}
		if err := r.Put(kb, va); err != nil {
			return err
		}
		vc := append([]byte(nil), r.Get(kc)...)
		vc[len(vc)-20] ^= 0x40
		return r.Put(kc, vc)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s = openOpts(t, path, Options{KDF: cheapKDF})
	if err := s.Unlock(ctx, pin); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{a.ID, b.ID, c.ID} {
		if _, err := s.Get(id); !errors.Is(err, ErrTampered) {
			t.Errorf("Get %s: %v, want ErrTampered", id, err)
		}
	}
	d, err := repo.Put(ctx, s, "", record.Student{GivenName: "Dee", FamilyName: "Four", Grade: "1"}, false)
	if err != nil {
		t.Fatal(err)
	}
	l := repo.List[record.Student](s)
	if len(l) != 1 || l[0].ID != d.ID {
		t.Fatalf("the list shows %+v, want only the intact student", l)
	}
}

// TestMigrationKeepsEveryRecordAndLeavesNoPlainText: a store of the
// previous version (no PIN: schema 1's plain values, made here with this
// code before SetPIN) is sealed in place and compacted; every record,
// outbox entry, conflict, quarantined version and the enrolment survive,
// and the file (free pages included) holds no plain text.
func TestMigrationKeepsEveryRecordAndLeavesNoPlainText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tablet.db")
	s := openOpts(t, path, Options{KDF: cheapKDF})
	stID, _ := fillSecrets(t, s)
	for i := 0; i < 200; i++ { // enough edits to leave plain text in free pages
		if _, err := repo.Put(ctx, s, stID, record.Student{GivenName: secretGN, FamilyName: secretFN, Grade: "4"}, false); err != nil {
			t.Fatal(err)
		}
	}
	want := snap(t, s)
	raw, _ := os.ReadFile(path)
	if !bytes.Contains(raw, []byte(secretFN)) || !bytes.Contains(raw, []byte(token)) {
		t.Fatal("the unmigrated store should hold plain text (else this test proves nothing)")
	}
	if err := s.SetPIN(ctx, "1234"); err == nil {
		t.Fatal("a 4-digit PIN was accepted")
	}
	if err := s.SetPIN(ctx, pin); err != nil {
		t.Fatal(err)
	}
	if got := snap(t, s); !reflect.DeepEqual(got, want) {
		t.Fatalf("after migration:\n got %+v\nwant %+v", got, want)
	}
	if err := s.SetPIN(ctx, "593817"); !errors.Is(err, ErrHasPIN) {
		t.Fatalf("second SetPIN: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	assertNoPlainText(t, path)
	s = openOpts(t, path, Options{KDF: cheapKDF})
	if err := s.Unlock(ctx, pin); err != nil {
		t.Fatal(err)
	}
	if got := snap(t, s); !reflect.DeepEqual(got, want) {
		t.Fatalf("after reopen:\n got %+v\nwant %+v", got, want)
	}
}

// TestMigrationCrashBeforeCompactionIsFinishedAtOpen: the sealing
// transaction committed, then the app died before the compaction's rename
// (a half-written copy lies beside the file). The next Open throws the copy
// away, compacts, and the store unlocks with everything in it.
func TestMigrationCrashBeforeCompactionIsFinishedAtOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tablet.db")
	s := openOpts(t, path, Options{KDF: cheapKDF})
	stID, _ := fillSecrets(t, s)
	for i := 0; i < 200; i++ {
		if _, err := repo.Put(ctx, s, stID, record.Student{GivenName: secretGN, FamilyName: secretFN, Grade: "4"}, false); err != nil {
			t.Fatal(err)
		}
	}
	want := snap(t, s)
	s.pinMu.Lock()
	err := s.sealInPlace(pin) // SetPIN without its compaction: the crash
	s.pinMu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if raw, _ := os.ReadFile(path); !bytes.Contains(raw, []byte(secretFN)) {
		t.Fatal("before compaction the free pages should still hold plain text (else this test proves nothing)")
	}
	if err := os.WriteFile(path+compactSuffix, []byte("half a copy"), 0o600); err != nil {
		t.Fatal(err)
	}
	s = openOpts(t, path, Options{KDF: cheapKDF})
	if _, err := os.Stat(path + compactSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the half copy is still there: %v", err)
	}
	if err := s.Unlock(ctx, pin); err != nil {
		t.Fatal(err)
	}
	if got := snap(t, s); !reflect.DeepEqual(got, want) {
		t.Fatalf("after the crash:\n got %+v\nwant %+v", got, want)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	assertNoPlainText(t, path)
	// The flag is gone: the next open does not compact again.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bMeta).Get(kCompact) != nil {
			t.Error("the compaction flag survived the compaction")
		}
		return nil
	})
	_ = db.Close()
}

// TestRecoveryKeyLifecycle: a new key waits until the server confirms it;
// a key made meanwhile stays pending; a new enrolment's key replaces the
// old one, which then no longer opens the store.
func TestRecoveryKeyLifecycle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tablet.db")
	s := openOpts(t, path, Options{KDF: cheapKDF})
	if rk, ok, _ := s.PendingRecoveryKey(); ok || rk != nil {
		t.Fatal("a store without a PIN has a recovery key")
	}
	if err := s.SetPIN(ctx, pin); err != nil {
		t.Fatal(err)
	}
	r1, ok, err := s.PendingRecoveryKey()
	if err != nil || !ok || len(r1) != vault.KeySize {
		t.Fatalf("%v %v %d", ok, err, len(r1))
	}
	if li, _ := s.LockInfo(); !li.HasRecovery || li.RecoveryArmed {
		t.Fatalf("before sending: %+v", li)
	}
	if err := s.NewRecoveryKey(ctx); err != nil {
		t.Fatal(err)
	}
	r2, _, _ := s.PendingRecoveryKey()
	if bytes.Equal(r1, r2) {
		t.Fatal("the new recovery key is the old one")
	}
	if err := s.RecoveryKeySent(ctx, r1); err != nil { // a late answer for the old key
		t.Fatal(err)
	}
	if _, ok, _ := s.PendingRecoveryKey(); !ok {
		t.Fatal("the confirmation of the old key dropped the new one")
	}
	if err := s.RecoveryKeySent(ctx, r2); err != nil {
		t.Fatal(err)
	}
	if li, _ := s.LockInfo(); !li.RecoveryArmed {
		t.Fatalf("after sending: %+v", li)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openOpts(t, path, Options{KDF: cheapKDF})
	if err := s.RecoverPIN(ctx, r1, "739251"); err == nil {
		t.Fatal("the replaced recovery key still opens the store")
	}
	if err := s.RecoverPIN(ctx, r2, "739251"); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePIN(ctx, "805361"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openOpts(t, path, Options{KDF: cheapKDF})
	if err := s.Unlock(ctx, "805361"); err != nil {
		t.Fatal(err)
	}
}

func TestPINProblem(t *testing.T) {
	for pin, ok := range map[string]bool{"482916": true, "1234567890": true, "12345": false, "123456": false,
		"654321": false, "777777": false, "48291a": false, "": false, "４８２９１６": false} {
		if got := PINProblem(pin) == ""; got != ok {
			t.Errorf("PINProblem(%q) = %q", pin, PINProblem(pin))
		}
	}
}

// TestDamagedKeyringIsAClearError: a keyring that does not decode makes
// Unlock fail with an error, never a panic or an unlock.
func TestDamagedKeyringIsAClearError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tablet.db")
	s := openOpts(t, path, Options{KDF: cheapKDF})
	if err := s.SetPIN(ctx, pin); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`{`, `{"kdf":{"t":0,"m":0,"p":0},"salt":"AAAA","pin":"AA=="}`,
		`{"kdf":{"t":1,"m":4000000000,"p":1},"salt":"AAAAAAAAAAAAAAAAAAAAAA==","pin":"AA=="}`} {
		if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(kKeyring, []byte(bad)) }); err != nil {
			t.Fatal(err)
		}
		if err := s.Unlock(context.Background(), pin); err == nil || errors.As(err, new(*WrongPINError)) {
			t.Errorf("keyring %s: %v", bad, err)
		}
	}
}

// TestNoBucketKeyHoldsText: in every bucket of a sealed store, keys are
// record ids, type names with ids, or meta's fixed words — never a name or
// a text — and every value that may hold one is sealed.
func TestNoBucketKeyHoldsText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tablet.db")
	s := openOpts(t, path, Options{KDF: cheapKDF})
	if err := s.SetPIN(ctx, pin); err != nil {
		t.Fatal(err)
	}
	stID, _ := fillSecrets(t, s)
	// A dated record, so that the date index has a key to check.
	if _, err := repo.Put(ctx, s, "", record.Probe{StudentID: stID, Measure: "orf_wcpm", Date: "2025-03-17", Score: 40}, false); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	types := map[string]bool{}
	for _, ty := range record.Types() {
		types[ty] = true
	}
	typeID := func(k []byte) bool { // type 0x00 id(16)
		i := bytes.IndexByte(k, 0)
		return i > 0 && len(k) == i+1+16 && types[string(k[:i])]
	}
	metaKeys := map[string]bool{}
	for _, k := range [][]byte{kDeviceID, kClock, kCursor, kEpoch, kEnrolment, kSchema, kResyncing, kLastSync, kSeen,
		kKeyring, kPINFailures, kRecoveryPending, kHint, kCompact, kDateIndex} {
		metaKeys[string(k)] = true
	}
	sealed := map[string]bool{string(bRecords): true, string(bConflicts): true, string(bQuarantine): true,
		string(bHistory): true, string(bDrafts): true}
	dated := 0
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				ok := false
				switch string(name) {
				case string(bRecords), string(bOutbox), string(bConflicts), string(bQuarantine), string(bResync):
					ok = len(k) == 16
				case string(bByType):
					ok = typeID(k)
				case string(bByRef):
					ok = len(k) > 16 && typeID(k[16:])
				case string(bByDate): // ref(16) type 0x00 date(10) id(16)
					i := bytes.IndexByte(k[min(16, len(k)):], 0) + 16
					ok = i > 16 && len(k) == i+1+dateLen+16 && types[string(k[16:i])]
					if ok {
						_, derr := record.ParseDate(string(k[i+1 : i+1+dateLen]))
						ok = derr == nil
					}
					dated++
				case string(bMeta):
					ok = metaKeys[string(k)]
				case string(bHistory): // id(16) HLC
					_, perr := hlc.Parse(string(k[min(16, len(k)):]))
					ok = len(k) == 16+hlc.TextLen && perr == nil
				case string(bDrafts): // the probe screen's: "probe/" and a student id, or "probe/current"
					rest, found := strings.CutPrefix(string(k), "probe/")
					ok = found && (rest == "current" || record.IsID(rest))
				}
				if !ok {
					t.Errorf("bucket %s has key %q", name, k)
				}
				if sealed[string(name)] && (len(v) < vault.Overhead || v[0] != 1 || json.Valid(v)) {
					t.Errorf("bucket %s: value of %x is not sealed", name, k)
				}
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if dated == 0 {
		t.Error("the date index was not checked: it holds no key")
	}
}
