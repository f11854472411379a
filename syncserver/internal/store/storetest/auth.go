package storetest

import (
	"errors"
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
}

func testLoginFailures(t *testing.T, s store.Store) {
	now := time.Now()
	for i := 0; i < 3; i++ {
		if err := s.AddLoginFailure(ctx, "lincoln", "ana", now.Add(-time.Duration(i)*10*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddLoginFailure(ctx, "lincoln", "ben", now); err != nil {
		t.Fatal(err)
	}
	if n, err := s.LoginFailures(ctx, "lincoln", "ana", now.Add(-15*time.Minute)); err != nil || n != 2 {
		t.Errorf("failures in window = %d, %v; want 2", n, err)
	}
	if n, _ := s.LoginFailures(ctx, "lincoln", "ana", now.Add(-25*time.Minute)); n != 3 {
		t.Errorf("failures in a wider window = %d, want 3", n)
	}
	if n, _ := s.LoginFailures(ctx, "other", "ana", now.Add(-time.Hour)); n != 0 {
		t.Errorf("another school's username counted: %d", n)
	}
	if n, _ := s.LoginFailures(ctx, "nowhere", "nobody", now.Add(-time.Hour)); n != 0 {
		t.Errorf("unknown pair: %d", n)
	}
	if err := s.ClearLoginFailures(ctx, "lincoln", "ana"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.LoginFailures(ctx, "lincoln", "ana", now.Add(-time.Hour)); n != 0 {
		t.Errorf("after clear: %d", n)
	}
	if n, _ := s.LoginFailures(ctx, "lincoln", "ben", now.Add(-time.Hour)); n != 1 {
		t.Errorf("clearing ana cleared ben: %d", n)
	}
	if err := s.ClearLoginFailures(ctx, "lincoln", "nobody"); err != nil {
		t.Errorf("clearing nothing: %v", err)
	}
	// Many failures: the window still counts each one.
	for i := 0; i < 12; i++ {
		if err := s.AddLoginFailure(ctx, "lincoln", "cy", now.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := s.LoginFailures(ctx, "lincoln", "cy", now.Add(-time.Minute)); n != 12 {
		t.Errorf("12 failures counted as %d", n)
	}
}

func testEpoch(t *testing.T, s store.Store) {
	e1, err := s.Epoch(ctx)
	if err != nil || e1 == "" {
		t.Fatalf("epoch = %q, %v", e1, err)
	}
	NewFixture(t, s, "lincoln") // writes do not touch it
	if e2, _ := s.Epoch(ctx); e2 != e1 {
		t.Errorf("epoch changed by itself: %q → %q", e1, e2)
	}
	n, err := s.NewEpoch(ctx)
	if err != nil || n == e1 || n == "" {
		t.Fatalf("NewEpoch = %q, %v", n, err)
	}
	if e3, _ := s.Epoch(ctx); e3 != n {
		t.Errorf("epoch after NewEpoch = %q, want %q", e3, n)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("ping: %v", err)
	}
}
