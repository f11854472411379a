package storetest

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/store"
)

// PROTOCOL §13: administration of users, enrolment codes and wipes.

func enrolT(t *testing.T, s store.Store, f Fixture, u store.User, dev, hash string, at time.Time) []byte {
	t.Helper()
	h := sha256.Sum256([]byte(hash))
	if err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: u.ID, DeviceID: dev, DeviceName: hash, TokenHash: h[:], At: at}); err != nil {
		t.Fatalf("enrol %s: %v", hash, err)
	}
	return h[:]
}

func ptr[T any](v T) *T { return &v }

func testUserAdmin(t *testing.T, s store.Store) {
	now := time.Now().UTC().Truncate(time.Second)
	f := NewFixture(t, s, "lincoln")
	other := NewFixture(t, s, "other")
	if _, err := s.CreateUser(ctx, store.User{SchoolID: f.School.ID, Username: "Zed", Name: "Zed", Role: protocol.RoleInterventionist, PasswordHash: []byte("h")}); err != nil {
		t.Fatal(err)
	}
	users, err := s.ListUsers(ctx, f.School.ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Username)
		if u.PasswordHash != nil || u.SchoolID != f.School.ID || u.Disabled || u.CreatedAt.IsZero() {
			t.Errorf("listed user %+v", u)
		}
	}
	// Byte order: "Zed" sorts before the lower-case names on both stores.
	if fmt.Sprint(names) != "[Zed admin ana ben]" {
		t.Errorf("ListUsers order = %v, want [Zed admin ana ben]", names)
	}
	if users, err := s.ListUsers(ctx, uuid.NewString()); err != nil || len(users) != 0 {
		t.Errorf("users of an unknown school: %v, %v", users, err)
	}

	// Changes: only the given fields move.
	got, err := s.UpdateUser(ctx, f.School.ID, f.Ana.ID, store.UserChange{Name: ptr("Ana Rivera"), PasswordHash: []byte("h2")}, now)
	if err != nil || got.Name != "Ana Rivera" || got.Role != protocol.RoleInterventionist || got.Username != "ana" || got.Disabled || got.PasswordHash != nil {
		t.Fatalf("UpdateUser name = %+v, %v", got, err)
	}
	if u, _ := s.UserByUsername(ctx, f.School.ID, "ana"); string(u.PasswordHash) != "h2" || u.Name != "Ana Rivera" {
		t.Errorf("stored after update: %+v", u)
	}
	if got, err := s.UpdateUser(ctx, f.School.ID, f.Ben.ID, store.UserChange{Role: ptr(protocol.RoleAdmin)}, now); err != nil || got.Role != protocol.RoleAdmin || got.Name != "ben" {
		t.Errorf("UpdateUser role = %+v, %v", got, err)
	}
	// Another school's user, an unknown id, a malformed one: not found, and
	// nothing changes.
	for _, id := range []string{other.Ana.ID, uuid.NewString(), "not-a-uuid", ""} {
		if _, err := s.UpdateUser(ctx, f.School.ID, id, store.UserChange{Name: ptr("x"), Disabled: ptr(true)}, now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UpdateUser(%q) = %v, want ErrNotFound", id, err)
		}
	}
	if u, _ := s.UserByUsername(ctx, other.School.ID, "ana"); u.Name != "ana" || u.Disabled {
		t.Errorf("another school's user changed: %+v", u)
	}

	// Disabling kills every token of the user at once, and only theirs.
	dev1, dev2, devBen, devOther := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	a1 := enrolT(t, s, f, f.Ana, dev1, "ana-1", now)
	a2 := enrolT(t, s, f, f.Ana, dev2, "ana-2", now)
	b1 := enrolT(t, s, f, f.Ben, devBen, "ben-1", now)
	o1 := enrolT(t, s, other, other.Ana, devOther, "other-ana-1", now)
	for _, h := range [][]byte{a1, a2} {
		if _, err := s.PrincipalByToken(ctx, h, now); err != nil {
			t.Fatalf("before disabling: %v", err)
		}
	}
	got, err = s.UpdateUser(ctx, f.School.ID, f.Ana.ID, store.UserChange{Disabled: ptr(true)}, now)
	if err != nil || !got.Disabled {
		t.Fatalf("disable = %+v, %v", got, err)
	}
	for _, h := range [][]byte{a1, a2} {
		if _, err := s.PrincipalByToken(ctx, h, now.Add(time.Second)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a disabled user's token right after disabling: %v, want ErrNotFound", err)
		}
	}
	if p, err := s.PrincipalByToken(ctx, b1, now); err != nil || p.User.ID != f.Ben.ID {
		t.Errorf("disabling ana revoked ben: %v", err)
	}
	if p, err := s.PrincipalByToken(ctx, o1, now); err != nil || p.User.ID != other.Ana.ID {
		t.Errorf("disabling ana revoked the other school's ana: %v", err)
	}
	for _, d := range mustDevices(t, s, f.School.ID) {
		if d.Revoked != (d.User.ID == f.Ana.ID) {
			t.Errorf("after disabling ana, device %s of %s revoked = %v", d.DeviceName, d.User.Username, d.Revoked)
		}
	}
	if u, _ := s.UserByUsername(ctx, f.School.ID, "ana"); !u.Disabled {
		t.Errorf("disabled flag not stored: %+v", u)
	}
	// A disabled user cannot enrol, and the refusal writes nothing.
	hNew := sha256.Sum256([]byte("ana-new"))
	if err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: f.Ana.ID, DeviceID: dev1, DeviceName: "x", TokenHash: hNew[:], At: now}); !errors.Is(err, store.ErrUserDisabled) {
		t.Errorf("a disabled user enrols: %v, want ErrUserDisabled", err)
	}
	if _, err := s.PrincipalByToken(ctx, hNew[:], now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused enrolment left a token: %v", err)
	}
	// Their device ids are free for others once they are disabled.
	enrolT(t, s, f, f.Ben, dev2, "ben-takes-dev2", now)

	// Enabling again revives no old token; a new enrolment works.
	if got, err := s.UpdateUser(ctx, f.School.ID, f.Ana.ID, store.UserChange{Disabled: ptr(false)}, now); err != nil || got.Disabled {
		t.Fatalf("enable = %+v, %v", got, err)
	}
	for _, h := range [][]byte{a1, a2} {
		if _, err := s.PrincipalByToken(ctx, h, now.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("re-enabling revived an old token: %v", err)
		}
	}
	a3 := enrolT(t, s, f, f.Ana, dev1, "ana-3", now)
	if p, err := s.PrincipalByToken(ctx, a3, now); err != nil || p.User.ID != f.Ana.ID || p.User.Disabled {
		t.Errorf("a new enrolment after enabling: %+v, %v", p, err)
	}
}

// testDisableRacesEnrol: a disable and enrolments of the same user at once
// never leave a live token of a disabled user.
func testDisableRacesEnrol(t *testing.T, s store.Store) {
	now := time.Now().UTC()
	f := NewFixture(t, s, "lincoln")
	const n = 8
	hashes := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		h := sha256.Sum256([]byte(fmt.Sprint("race-", i)))
		hashes[i] = h[:]
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: f.Ana.ID, DeviceID: uuid.NewString(), DeviceName: "r", TokenHash: h[:], At: now})
			if err != nil && !errors.Is(err, store.ErrUserDisabled) {
				t.Error(err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := s.UpdateUser(ctx, f.School.ID, f.Ana.ID, store.UserChange{Disabled: ptr(true)}, now); err != nil {
			t.Error(err)
		}
	}()
	wg.Wait()
	for i, h := range hashes {
		if _, err := s.PrincipalByToken(ctx, h, now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("enrolment %d racing the disable left a working token: %v", i, err)
		}
	}
}

func codeHash(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

func testEnrolmentCodes(t *testing.T, s store.Store) {
	now := time.Now().UTC().Truncate(time.Second)
	f := NewFixture(t, s, "lincoln")
	other := NewFixture(t, s, "other")
	mk := func(code string, u store.User, sc store.School, exp time.Duration) error {
		return s.CreateEnrolmentCode(ctx, store.EnrolmentCode{Hash: codeHash(code), SchoolID: sc.ID, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(exp)})
	}
	if err := mk("ana", f.Ana, f.School, time.Hour); err != nil {
		t.Fatal(err)
	}
	// A code for another school's user, or an unknown one, is refused.
	if err := mk("x1", other.Ana, f.School, time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("code for another school's user: %v", err)
	}
	if err := mk("x2", store.User{ID: uuid.NewString()}, f.School, time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("code for an unknown user: %v", err)
	}
	// The code works in its school only; a try in another leaves it usable.
	if _, err := s.ConsumeEnrolmentCode(ctx, other.School.ID, codeHash("ana"), now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("code used in another school: %v", err)
	}
	if _, err := s.ConsumeEnrolmentCode(ctx, f.School.ID, codeHash("nope"), now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown code: %v", err)
	}
	u, err := s.ConsumeEnrolmentCode(ctx, f.School.ID, codeHash("ana"), now.Add(time.Minute))
	if err != nil || u.ID != f.Ana.ID || u.SchoolID != f.School.ID || u.Username != "ana" {
		t.Fatalf("consume = %+v, %v", u, err)
	}
	if _, err := s.ConsumeEnrolmentCode(ctx, f.School.ID, codeHash("ana"), now.Add(time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a code used twice: %v", err)
	}
	// Expired: refused at and after its expiry.
	if err := mk("short", f.Ben, f.School, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConsumeEnrolmentCode(ctx, f.School.ID, codeHash("short"), now.Add(time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an expired code: %v", err)
	}
	// A disabled user's code is refused and left unused.
	if err := mk("ben", f.Ben, f.School, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateUser(ctx, f.School.ID, f.Ben.ID, store.UserChange{Disabled: ptr(true)}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConsumeEnrolmentCode(ctx, f.School.ID, codeHash("ben"), now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a disabled user's code: %v", err)
	}
	if _, err := s.UpdateUser(ctx, f.School.ID, f.Ben.ID, store.UserChange{Disabled: ptr(false)}, now); err != nil {
		t.Fatal(err)
	}
	if err := mk("live", f.Admin, f.School, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	// Expiry removes the used ("ana") and the expired ("short") code only.
	if n, err := s.ExpireEnrolmentCodes(ctx, now.Add(30*time.Minute)); err != nil || n != 2 {
		t.Errorf("ExpireEnrolmentCodes = %d, %v; want 2", n, err)
	}
	for code, want := range map[string]string{"ben": f.Ben.ID, "live": f.Admin.ID} {
		if u, err := s.ConsumeEnrolmentCode(ctx, f.School.ID, codeHash(code), now.Add(time.Minute)); err != nil || u.ID != want {
			t.Errorf("code %q after expiry: %+v, %v", code, u, err)
		}
	}
}

// testEnrolmentCodeRace: one code, many enrolments at once, one winner.
func testEnrolmentCodeRace(t *testing.T, s store.Store) {
	now := time.Now().UTC()
	f := NewFixture(t, s, "lincoln")
	if err := s.CreateEnrolmentCode(ctx, store.EnrolmentCode{Hash: codeHash("race"), SchoolID: f.School.ID, UserID: f.Ana.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	var won atomic.Int64
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.ConsumeEnrolmentCode(ctx, f.School.ID, codeHash("race"), now)
			switch {
			case err == nil:
				won.Add(1)
			case !errors.Is(err, store.ErrNotFound):
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := won.Load(); n != 1 {
		t.Errorf("%d of 20 racing enrolments used one code, want exactly 1", n)
	}
}

func testWipe(t *testing.T, s store.Store) {
	now := time.Now().UTC().Truncate(time.Second)
	f := NewFixture(t, s, "lincoln")
	other := NewFixture(t, s, "other")
	dev, devB := uuid.NewString(), uuid.NewString()
	h1 := enrolT(t, s, f, f.Ana, dev, "wipe-1", now)
	hb := enrolT(t, s, f, f.Ben, devB, "wipe-ben", now)
	if err := s.WipeDevice(ctx, other.School.ID, dev, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("wiping another school's device: %v", err)
	}
	if err := s.WipeDevice(ctx, f.School.ID, uuid.NewString(), now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("wiping an unknown device: %v", err)
	}
	if _, err := s.PrincipalByToken(ctx, h1, now); err != nil {
		t.Fatalf("a refused wipe revoked: %v", err)
	}
	if err := s.WipeDevice(ctx, f.School.ID, dev, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PrincipalByToken(ctx, h1, now); !errors.Is(err, store.ErrDeviceWiped) {
		t.Errorf("token of a wiped device: %v, want ErrDeviceWiped", err)
	}
	if _, err := s.PrincipalByToken(ctx, hb, now); err != nil {
		t.Errorf("wiping one device touched another: %v", err)
	}
	if _, err := s.PrincipalByToken(ctx, codeHash("never-issued"), now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown token: %v, want ErrNotFound", err)
	}
	for _, d := range mustDevices(t, s, f.School.ID) {
		if d.DeviceID == dev && !d.Revoked {
			t.Errorf("wiped device not listed as revoked: %+v", d)
		}
	}
	// A plain revocation first, a wipe later: the revoked token is wiped too.
	if err := s.RevokeDevice(ctx, f.School.ID, devB); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PrincipalByToken(ctx, hb, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("plainly revoked token: %v, want ErrNotFound", err)
	}
	if err := s.WipeDevice(ctx, f.School.ID, devB, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PrincipalByToken(ctx, hb, now); !errors.Is(err, store.ErrDeviceWiped) {
		t.Errorf("revoked, then wiped: %v, want ErrDeviceWiped", err)
	}
	// Enrolled again: the new token works, the old one still says wiped;
	// revoking the new one without wipe is a plain revocation.
	h2 := enrolT(t, s, f, f.Ana, dev, "wipe-2", now.Add(time.Hour))
	if p, err := s.PrincipalByToken(ctx, h2, now.Add(time.Hour)); err != nil || p.DeviceID != dev {
		t.Errorf("re-enrolled after a wipe: %v", err)
	}
	if _, err := s.PrincipalByToken(ctx, h1, now.Add(time.Hour)); !errors.Is(err, store.ErrDeviceWiped) {
		t.Errorf("old token after re-enrolment: %v, want ErrDeviceWiped", err)
	}
	if err := s.RevokeDevice(ctx, f.School.ID, dev); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PrincipalByToken(ctx, h2, now.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a token revoked after the wipe: %v, want ErrNotFound", err)
	}
	// The mark stays for 30 days, and while the device is not enrolled
	// again: devB (never re-enrolled) keeps it past 30 days; dev (enrolled
	// again) loses it once 30 days have passed.
	if n, err := s.ExpireWipeMarks(ctx, now); err != nil || n != 0 {
		t.Errorf("ExpireWipeMarks before any mark is old = %d, %v", n, err)
	}
	if n, err := s.ExpireWipeMarks(ctx, now.Add(31*24*time.Hour)); err != nil || n != 1 {
		t.Errorf("ExpireWipeMarks after 31 days = %d, %v; want 1 (dev's old token)", n, err)
	}
	if _, err := s.PrincipalByToken(ctx, h1, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired mark still answers: %v, want ErrNotFound", err)
	}
	if _, err := s.PrincipalByToken(ctx, hb, now); !errors.Is(err, store.ErrDeviceWiped) {
		t.Errorf("a never re-enrolled device lost its mark: %v", err)
	}
}

// testWipeBounded: a device keeps at most store.MaxDeadTokensPerDevice dead
// token hashes; a wipe marks those, the older ones are plain unknown.
func testWipeBounded(t *testing.T, s store.Store) {
	now := time.Now().UTC().Truncate(time.Second)
	f := NewFixture(t, s, "lincoln")
	dev := uuid.NewString()
	extra := 4
	var hs [][]byte
	for i := range store.MaxDeadTokensPerDevice + extra {
		hs = append(hs, enrolT(t, s, f, f.Ana, dev, fmt.Sprint("bounded-", i), now))
		if err := s.RevokeDevice(ctx, f.School.ID, dev); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.WipeDevice(ctx, f.School.ID, dev, now); err != nil {
		t.Fatal(err)
	}
	for i, h := range hs {
		_, err := s.PrincipalByToken(ctx, h, now)
		want := store.ErrDeviceWiped
		if i < extra {
			want = store.ErrNotFound
		}
		if !errors.Is(err, want) {
			t.Errorf("token %d of %d: %v, want %v", i, len(hs), err, want)
		}
	}
}

// testAttemptsWhileClearing: a code enrolment clears a key that other
// attempts share (one per school and address), so clears and takes on one
// key run at once. Every take must still count or refuse, never fail (on
// PostgreSQL a take once found its row deleted under it: a 404).
func testAttemptsWhileClearing(t *testing.T, s store.Store) {
	now := time.Now()
	var wg sync.WaitGroup
	for i := range 120 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%4 == 0 {
				if err := s.ClearLoginAttempts(ctx, "c:1"); err != nil {
					t.Error(err)
				}
				return
			}
			if _, _, err := s.TakeLoginAttempt(ctx, "c:1", now, loginLimit); err != nil {
				t.Errorf("take while clearing: %v", err)
			}
		}()
	}
	wg.Wait()
}
