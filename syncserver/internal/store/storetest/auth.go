package storetest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/store"
)

func testSchoolsAndUsers(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	if f.School.ID == "" || f.Ana.ID == "" || f.Ana.ID == f.Ben.ID {
		t.Fatalf("ids not set: school %q, ana %q, ben %q", f.School.ID, f.Ana.ID, f.Ben.ID)
	}
	if _, err := s.CreateSchool(ctx, store.School{Slug: "lincoln", Name: "again"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate slug: got %v, want ErrConflict", err)
	}
	got, err := s.SchoolBySlug(ctx, "lincoln")
	if err != nil || got.ID != f.School.ID || got.Name != "School lincoln" || got.Slug != "lincoln" {
		t.Errorf("SchoolBySlug = %+v, %v", got, err)
	}
	if _, err := s.SchoolBySlug(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown slug: %v", err)
	}
	if _, err := s.CreateUser(ctx, store.User{SchoolID: f.School.ID, Username: "ana", Name: "x", Role: protocol.RoleAdmin}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate username: %v", err)
	}
	if _, err := s.CreateUser(ctx, store.User{SchoolID: uuid.NewString(), Username: "x", Name: "x", Role: protocol.RoleAdmin}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("user in unknown school: %v", err)
	}
	other := NewFixture(t, s, "other") // the same usernames in another school are fine
	if all, err := s.Schools(ctx); err != nil || len(all) != 2 || all[0].ID != f.School.ID || all[0].Slug != "lincoln" || all[1].ID != other.School.ID || all[1].Name != "School other" {
		t.Errorf("Schools = %+v, %v", all, err)
	}
	u, err := s.UserByUsername(ctx, other.School.ID, "ana")
	if err != nil || u.ID != other.Ana.ID || u.ID == f.Ana.ID || u.SchoolID != other.School.ID || string(u.PasswordHash) != "h" || u.Role != protocol.RoleInterventionist || u.Name != "ana" {
		t.Errorf("UserByUsername = %+v, %v", u, err)
	}
	if u, err := s.UserByUsername(ctx, f.School.ID, "admin"); err != nil || !u.IsAdmin() || u.ID != f.Admin.ID {
		t.Errorf("admin = %+v, %v", u, err)
	}
	if _, err := s.UserByUsername(ctx, f.School.ID, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := s.UserByUsername(ctx, uuid.NewString(), "ana"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("user of an unknown school: %v", err)
	}
	// The password hash is stored as given: hashing is the caller's job.
	hash := []byte("$2a$10$abcdefghijklmnopqrstuv0123456789012345678901234567890")
	c, err := s.CreateUser(ctx, store.User{SchoolID: f.School.ID, Username: "cy", Name: "Cy", Role: protocol.RoleInterventionist, PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.UserByUsername(ctx, f.School.ID, "cy"); err != nil || string(got.PasswordHash) != string(hash) || got.ID != c.ID {
		t.Errorf("password hash not kept as given: %+v, %v", got, err)
	}
}

func testTokens(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	other := NewFixture(t, s, "other")
	dev, dev2 := uuid.NewString(), uuid.NewString()
	now := time.Now().UTC().Truncate(time.Second)
	h1 := []byte("hash-one-0123456789abcdef0123456")
	hb := []byte("hash-ben-0123456789abcdef0123456")
	if err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: f.Ana.ID, DeviceID: dev, DeviceName: "Room 12", TokenHash: h1, At: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: f.Ben.ID, DeviceID: dev2, DeviceName: "Room 14", TokenHash: hb, At: now}); err != nil {
		t.Fatal(err)
	}
	p, err := s.PrincipalByToken(ctx, h1, now.Add(2*time.Minute))
	if err != nil || p.School.ID != f.School.ID || p.School.Slug != "lincoln" || p.User.ID != f.Ana.ID || p.User.Role != protocol.RoleInterventionist || p.DeviceID != dev {
		t.Fatalf("PrincipalByToken = %+v, %v", p, err)
	}
	if _, err := s.PrincipalByToken(ctx, []byte("unknown"), now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown token: %v", err)
	}
	devs, err := s.ListDevices(ctx, f.School.ID)
	if err != nil || len(devs) != 2 {
		t.Fatalf("ListDevices = %+v, %v", devs, err)
	}
	var d store.Device
	for _, x := range devs {
		if x.DeviceID == dev {
			d = x
		}
	}
	if d.DeviceName != "Room 12" || d.User.ID != f.Ana.ID || d.Revoked || !d.EnrolledAt.Equal(now) {
		t.Fatalf("device = %+v", d)
	}
	if !d.LastSeenAt.After(now) {
		t.Errorf("last seen not updated: %v", d.LastSeenAt)
	}
	if devs, _ := s.ListDevices(ctx, other.School.ID); len(devs) != 0 {
		t.Errorf("other school sees %d devices", len(devs))
	}
	// §4: admin endpoints reach their own school only.
	if err := s.RevokeDevice(ctx, other.School.ID, dev); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking another school's device: %v", err)
	}
	if err := s.RevokeDevice(ctx, f.School.ID, uuid.NewString()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking an unknown device: %v", err)
	}
	if _, err := s.PrincipalByToken(ctx, h1, now); err != nil {
		t.Fatalf("a refused revocation revoked: %v", err)
	}
	if err := s.RevokeDevice(ctx, f.School.ID, dev); err != nil {
		t.Fatal(err)
	}
	// §4: a revoked token gets 401 on its very next request.
	if _, err := s.PrincipalByToken(ctx, h1, now.Add(3*time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked token still works: %v", err)
	}
	if _, err := s.PrincipalByToken(ctx, hb, now); err != nil {
		t.Errorf("revoking one device revoked another: %v", err)
	}
	devs, _ = s.ListDevices(ctx, f.School.ID)
	for _, x := range devs {
		if x.Revoked != (x.DeviceID == dev) {
			t.Errorf("device %s revoked = %v", x.DeviceName, x.Revoked)
		}
	}
	// Enrolling again is a fresh start: a new token works, the old stays dead.
	h2 := []byte("hash-two-0123456789abcdef0123456")
	if err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: f.Ana.ID, DeviceID: dev, DeviceName: "Room 12b", TokenHash: h2, At: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if p, err := s.PrincipalByToken(ctx, h2, now.Add(time.Hour)); err != nil || p.DeviceID != dev {
		t.Errorf("re-enrolled device refused: %+v, %v", p, err)
	}
	if _, err := s.PrincipalByToken(ctx, h1, now.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("old revoked token came back after re-enrolment: %v", err)
	}
	devs, _ = s.ListDevices(ctx, f.School.ID)
	for _, x := range devs {
		if x.DeviceID == dev && (x.Revoked || x.DeviceName != "Room 12b") {
			t.Errorf("re-enrolled device listed as %+v", x)
		}
	}
	// The same device id enrolled in another school is another device there.
	h3 := []byte("hash-oth-0123456789abcdef0123456")
	if err := s.Enrol(ctx, store.Enrolment{SchoolID: other.School.ID, UserID: other.Ana.ID, DeviceID: dev, DeviceName: "Shared", TokenHash: h3, At: now}); err != nil {
		t.Fatal(err)
	}
	if p, err := s.PrincipalByToken(ctx, h3, now); err != nil || p.School.ID != other.School.ID || p.User.ID != other.Ana.ID {
		t.Errorf("other school's enrolment: %+v, %v", p, err)
	}
	if err := s.RevokeDevice(ctx, other.School.ID, dev); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PrincipalByToken(ctx, h2, now.Add(time.Hour)); err != nil {
		t.Errorf("revoking the device in one school revoked it in another: %v", err)
	}
	testDeviceOwnership(t, s, f, now)
}

// testDeviceOwnership: PROTOCOL §4, a device id belongs to the user who
// enrolled it.
func testDeviceOwnership(t *testing.T, s store.Store, f Fixture, now time.Time) {
	dev := uuid.NewString()
	ha1 := []byte("hash-ana1-0123456789abcdef012345")
	if err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: f.Ana.ID, DeviceID: dev, DeviceName: "Ana's tablet", TokenHash: ha1, At: now}); err != nil {
		t.Fatal(err)
	}
	hb := []byte("hash-ben-takeover-0123456789abcd")
	err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: f.Ben.ID, DeviceID: dev, DeviceName: "mine now", TokenHash: hb, At: now})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("another user enrolling a live device: %v, want ErrConflict", err)
	}
	if _, err := s.PrincipalByToken(ctx, hb, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused enrolment left a token: %v", err)
	}
	for _, d := range mustDevices(t, s, f.School.ID) {
		if d.DeviceID == dev && (d.DeviceName != "Ana's tablet" || d.User.ID != f.Ana.ID) {
			t.Errorf("a refused enrolment relabelled the device: %+v", d)
		}
	}
	// The same user enrols again: a new token, and the old one dies.
	ha2 := []byte("hash-ana2-0123456789abcdef012345")
	if err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: f.Ana.ID, DeviceID: dev, DeviceName: "Ana's tablet", TokenHash: ha2, At: now}); err != nil {
		t.Fatalf("the owner enrolling again: %v", err)
	}
	if _, err := s.PrincipalByToken(ctx, ha1, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the old token lives on after re-enrolment: %v", err)
	}
	if p, err := s.PrincipalByToken(ctx, ha2, now); err != nil || p.User.ID != f.Ana.ID {
		t.Errorf("the new token: %+v, %v", p, err)
	}
	// Once an admin revokes it, another user may enrol it.
	if err := s.RevokeDevice(ctx, f.School.ID, dev); err != nil {
		t.Fatal(err)
	}
	if err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: f.Ben.ID, DeviceID: dev, DeviceName: "Ben's now", TokenHash: hb, At: now}); err != nil {
		t.Fatalf("enrolling a revoked device: %v", err)
	}
	if p, err := s.PrincipalByToken(ctx, hb, now); err != nil || p.User.ID != f.Ben.ID {
		t.Errorf("the new owner's token: %+v, %v", p, err)
	}
	if _, err := s.PrincipalByToken(ctx, ha2, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the former owner's token came back: %v", err)
	}
	// Two users racing for one new device id: exactly one wins.
	race := uuid.NewString()
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, u := range []store.User{f.Ana, f.Ben} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: u.ID, DeviceID: race, DeviceName: u.Username,
				TokenHash: []byte("hash-race-" + u.Username + "-0123456789abcdef"), At: now})
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || !(errors.Is(errs[0], store.ErrConflict) || errors.Is(errs[1], store.ErrConflict)) {
		t.Errorf("two users racing for one device: %v / %v, want one nil and one ErrConflict", errs[0], errs[1])
	}
}

func mustDevices(t *testing.T, s store.Store, schoolID string) []store.Device {
	t.Helper()
	devs, err := s.ListDevices(ctx, schoolID)
	if err != nil {
		t.Fatal(err)
	}
	return devs
}

var loginLimit = store.LoginLimit{Max: 10, Window: 15 * time.Minute}

func take(t *testing.T, s store.Store, key string, at time.Time) (bool, time.Time) {
	t.Helper()
	ok, retry, err := s.TakeLoginAttempt(ctx, key, at, loginLimit)
	if err != nil {
		t.Fatal(err)
	}
	return ok, retry
}

func testLoginAttempts(t *testing.T, s store.Store) {
	now := time.Now().Truncate(time.Millisecond)
	// The window slides: 10 attempts a minute apart fill it; the 11th is
	// refused until the first leaves the window.
	for i := 0; i < 10; i++ {
		if ok, _ := take(t, s, "u:ana", now.Add(time.Duration(i)*time.Minute)); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	ok, retry := take(t, s, "u:ana", now.Add(10*time.Minute))
	if ok || !retry.Equal(now.Add(15*time.Minute)) {
		t.Fatalf("11th attempt: ok=%v retry at %v, want refused until %v", ok, retry, now.Add(15*time.Minute))
	}
	// A refused attempt is not counted: just after the first leaves the
	// window, exactly one more is allowed.
	if ok, _ := take(t, s, "u:ana", now.Add(15*time.Minute+time.Millisecond)); !ok {
		t.Error("attempt after the oldest left the window refused")
	}
	if ok, _ := take(t, s, "u:ana", now.Add(15*time.Minute+2*time.Millisecond)); ok {
		t.Error("a second attempt let through after one left the window")
	}
	// Keys are independent; clearing one leaves the others.
	if ok, _ := take(t, s, "u:ben", now); !ok {
		t.Error("another key refused")
	}
	if err := s.ClearLoginAttempts(ctx, "u:ana"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := take(t, s, "u:ana", now.Add(16*time.Minute)); !ok {
		t.Error("refused after clearing")
	}
	if err := s.ClearLoginAttempts(ctx, "u:nobody"); err != nil {
		t.Errorf("clearing nothing: %v", err)
	}
	// Expiry forgets keys whose latest attempt is old, and only those.
	if n, err := s.ExpireLoginAttempts(ctx, now.Add(time.Minute)); err != nil || n != 1 {
		t.Errorf("expire = %d, %v; want 1 (ben's only attempt)", n, err)
	}
	for i := 0; i < 9; i++ {
		if ok, _ := take(t, s, "u:ana", now.Add(16*time.Minute)); !ok {
			t.Fatalf("ana's attempt %d after expiring ben refused", i+2)
		}
	}
	if ok, _ := take(t, s, "u:ana", now.Add(16*time.Minute)); ok {
		t.Error("expiring another key reset ana's count")
	}
	if n, err := s.ExpireLoginAttempts(ctx, now.Add(time.Hour)); err != nil || n != 1 {
		t.Errorf("expire everything = %d, %v; want 1", n, err)
	}
	if ok, _ := take(t, s, "u:ana", now.Add(time.Hour)); !ok {
		t.Error("an expired key still refuses")
	}
}

// testLoginAttemptsConcurrent: PROTOCOL §4, concurrent guesses count like
// sequential ones. 200 attempts at once on one key: exactly 10 pass.
func testLoginAttemptsConcurrent(t *testing.T, s store.Store) {
	now := time.Now()
	var passed atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, _, err := s.TakeLoginAttempt(ctx, "u:target", now, loginLimit)
			if err != nil {
				t.Error(err)
			}
			if ok {
				passed.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := passed.Load(); n != 10 {
		t.Errorf("%d of 200 concurrent attempts passed, want exactly 10", n)
	}
}

func testEpoch(t *testing.T, s store.Store) {
	e1, err := s.Epoch(ctx)
	if err != nil || e1 == "" {
		t.Fatalf("epoch = %q, %v", e1, err)
	}
	f := NewFixture(t, s, "lincoln") // writes do not touch it
	if e2, _ := s.Epoch(ctx); e2 != e1 {
		t.Errorf("epoch changed by itself: %q → %q", e1, e2)
	}
	// Push and pull carry the epoch read in their own transaction.
	epochs := func() (string, string) {
		t.Helper()
		r, err := s.Push(ctx, batch(f, f.Ana, Env(uuid.NewString(), HLC(1, 0), 1)))
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, Limit: 1, Viewer: store.ViewerOf(f.Ana)})
		if err != nil {
			t.Fatal(err)
		}
		return r.Epoch, p.Epoch
	}
	if pe, le := epochs(); pe != e1 || le != e1 {
		t.Errorf("push and pull epochs %q, %q; want %q", pe, le, e1)
	}
	if p, err := s.Pull(ctx, store.PullQuery{SchoolID: "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00", Limit: 1}); err != nil || p.Epoch != e1 {
		t.Errorf("a school with nothing pushed: epoch %q, %v; want %q", p.Epoch, err, e1)
	}
	n, err := s.NewEpoch(ctx)
	if err != nil || n == e1 || n == "" {
		t.Fatalf("NewEpoch = %q, %v", n, err)
	}
	if e3, _ := s.Epoch(ctx); e3 != n {
		t.Errorf("epoch after NewEpoch = %q, want %q", e3, n)
	}
	if pe, le := epochs(); pe != n || le != n {
		t.Errorf("push and pull epochs after NewEpoch %q, %q; want %q", pe, le, n)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("ping: %v", err)
	}
}
