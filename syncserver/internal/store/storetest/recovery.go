package storetest

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/syncserver/internal/store"
)

// ADR 0020: per-device recovery keys held by the server.

func key32(b byte) []byte { return bytes.Repeat([]byte{b}, store.RecoveryKeyLen) }

func putKey(s store.Store, f Fixture, u store.User, dev string, k []byte) error {
	return s.PutRecoveryKey(ctx, store.RecoveryKey{SchoolID: f.School.ID, DeviceID: dev, UserID: u.ID, Key: k, At: time.Now()})
}

func wantKey(t *testing.T, s store.Store, f Fixture, u store.User, dev string, want []byte) {
	t.Helper()
	got, err := s.RecoveryKey(ctx, f.School.ID, dev, u.ID)
	if want == nil {
		if !errors.Is(err, store.ErrNotFound) || got != nil {
			t.Errorf("recovery key of %s for %s = %x, %v; want ErrNotFound", dev, u.Username, got, err)
		}
		return
	}
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("recovery key of %s for %s = %x, %v; want %x", dev, u.Username, got, err, want)
	}
}

func testRecoveryKeys(t *testing.T, s store.Store) {
	now := time.Now().UTC()
	f := NewFixture(t, s, "lincoln")
	other := NewFixture(t, s, "other")
	dev, devB := uuid.NewString(), uuid.NewString()
	enrolT(t, s, f, f.Ana, dev, "rk-ana", now)
	enrolT(t, s, f, f.Ben, devB, "rk-ben", now)

	wantKey(t, s, f, f.Ana, dev, nil) // none stored yet
	if err := putKey(s, f, f.Ana, dev, key32(1)); err != nil {
		t.Fatal(err)
	}
	wantKey(t, s, f, f.Ana, dev, key32(1))
	// Device ownership (PROTOCOL §4): only the user who stored it.
	wantKey(t, s, f, f.Ben, dev, nil)
	wantKey(t, s, f, f.Admin, dev, nil)
	wantKey(t, s, other, f.Ana, dev, nil) // another school's view of the same ids
	wantKey(t, s, f, f.Ana, devB, nil)
	if _, err := s.RecoveryKey(ctx, "not-a-uuid", dev, f.Ana.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("malformed school id: %v", err)
	}

	// A put replaces; a put of the wrong length or for a device that is not
	// the user's changes nothing.
	if err := putKey(s, f, f.Ana, dev, key32(2)); err != nil {
		t.Fatal(err)
	}
	for _, k := range [][]byte{nil, key32(3)[:31], append(key32(3), 3)} {
		if err := putKey(s, f, f.Ana, dev, k); !errors.Is(err, store.ErrBadRecoveryKey) {
			t.Errorf("put of a %d-byte key: %v, want ErrBadRecoveryKey", len(k), err)
		}
	}
	if err := putKey(s, f, f.Ben, dev, key32(4)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("put for another user's device: %v, want ErrNotFound", err)
	}
	if err := putKey(s, f, f.Ana, uuid.NewString(), key32(4)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("put for an unknown device: %v, want ErrNotFound", err)
	}
	if err := putKey(s, other, f.Ana, dev, key32(4)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("put into another school: %v, want ErrNotFound", err)
	}
	wantKey(t, s, f, f.Ana, dev, key32(2))

	// The owner enrolling the same device again (a forgotten PIN) keeps it.
	enrolT(t, s, f, f.Ana, dev, "rk-ana-again", now.Add(time.Minute))
	wantKey(t, s, f, f.Ana, dev, key32(2))

	// A plain revocation destroys it, and it stays gone after re-enrolling.
	if err := s.RevokeDevice(ctx, f.School.ID, dev); err != nil {
		t.Fatal(err)
	}
	wantKey(t, s, f, f.Ana, dev, nil)
	if err := putKey(s, f, f.Ana, dev, key32(5)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("put for a revoked device: %v, want ErrNotFound", err)
	}
	enrolT(t, s, f, f.Ana, dev, "rk-ana-3", now.Add(2*time.Minute))
	wantKey(t, s, f, f.Ana, dev, nil)

	// A wipe destroys it; Ben's key of his own device is untouched.
	if err := putKey(s, f, f.Ana, dev, key32(6)); err != nil {
		t.Fatal(err)
	}
	if err := putKey(s, f, f.Ben, devB, key32(7)); err != nil {
		t.Fatal(err)
	}
	if err := s.WipeDevice(ctx, f.School.ID, dev, now.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	wantKey(t, s, f, f.Ana, dev, nil)
	wantKey(t, s, f, f.Ben, devB, key32(7))

	// Disabling a user is about the person, not a lost device: the key
	// stays, unreachable while they are disabled (no token), and theirs
	// again when an admin enables them and they enrol (ADR 0020).
	if _, err := s.UpdateUser(ctx, f.School.ID, f.Ben.ID, store.UserChange{Disabled: ptr(true)}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateUser(ctx, f.School.ID, f.Ben.ID, store.UserChange{Disabled: ptr(false)}, now); err != nil {
		t.Fatal(err)
	}
	enrolT(t, s, f, f.Ben, devB, "rk-ben-again", now.Add(4*time.Minute))
	wantKey(t, s, f, f.Ben, devB, key32(7))
	// Another user enrolling a device whose owner was disabled does not
	// inherit the key; their own put replaces it.
	if _, err := s.UpdateUser(ctx, f.School.ID, f.Ben.ID, store.UserChange{Disabled: ptr(true)}, now); err != nil {
		t.Fatal(err)
	}
	enrolT(t, s, f, f.Ana, devB, "rk-ana-takes-b", now.Add(5*time.Minute))
	wantKey(t, s, f, f.Ana, devB, nil)
	if err := putKey(s, f, f.Ana, devB, key32(8)); err != nil {
		t.Fatal(err)
	}
	wantKey(t, s, f, f.Ana, devB, key32(8))
	wantKey(t, s, f, f.Ben, devB, nil)
}

// testRecoveryKeyRevokeRace: a put racing a revocation never leaves a key
// behind the revocation (the check and the write are one transaction).
func testRecoveryKeyRevokeRace(t *testing.T, s store.Store) {
	now := time.Now().UTC()
	f := NewFixture(t, s, "lincoln")
	for round := range 30 {
		dev := uuid.NewString()
		enrolT(t, s, f, f.Ana, dev, "race-"+dev, now)
		var wg sync.WaitGroup
		var putErr, revErr error
		wg.Add(2)
		go func() { defer wg.Done(); putErr = putKey(s, f, f.Ana, dev, key32(byte(round))) }()
		go func() {
			defer wg.Done()
			if round%2 == 0 {
				revErr = s.RevokeDevice(ctx, f.School.ID, dev)
			} else {
				revErr = s.WipeDevice(ctx, f.School.ID, dev, now)
			}
		}()
		wg.Wait()
		if revErr != nil || putErr != nil && !errors.Is(putErr, store.ErrNotFound) {
			t.Fatalf("round %d: put %v, revoke %v", round, putErr, revErr)
		}
		wantKey(t, s, f, f.Ana, dev, nil)
	}
}
