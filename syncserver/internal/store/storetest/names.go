package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/syncserver/internal/store"
)

// testTextFields (ADR 0004): text a client chooses (a school's, a user's or
// a device's name, a username) with NUL or invalid UTF-8 is refused alike
// by every store, with store.ErrBadText and nothing written. PostgreSQL's
// text cannot hold either (it answered with an internal error: a 500);
// bbolt stored them. The HTTP layer refuses them before (400), so this is
// the store's own floor under any path that forgets.
func testTextFields(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	now := time.Now()
	for _, bad := range []string{"a\x00b", "\x00", "a\xffb", "\xc3"} {
		if _, err := s.CreateSchool(ctx, store.School{Slug: "bad", Name: bad}); !errors.Is(err, store.ErrBadText) {
			t.Errorf("school name %q: %v, want ErrBadText", bad, err)
		}
		if _, err := s.CreateUser(ctx, store.User{SchoolID: f.School.ID, Username: "zed", Name: bad, Role: "interventionist", PasswordHash: []byte("h")}); !errors.Is(err, store.ErrBadText) {
			t.Errorf("user name %q: %v, want ErrBadText", bad, err)
		}
		if _, err := s.CreateUser(ctx, store.User{SchoolID: f.School.ID, Username: "zed" + bad, Name: "Zed", Role: "interventionist", PasswordHash: []byte("h")}); !errors.Is(err, store.ErrBadText) {
			t.Errorf("username %q: %v, want ErrBadText", bad, err)
		}
		if _, err := s.UpdateUser(ctx, f.School.ID, f.Ana.ID, store.UserChange{Name: ptr(bad), Role: ptr("admin")}, now); !errors.Is(err, store.ErrBadText) {
			t.Errorf("changed name %q: %v, want ErrBadText", bad, err)
		}
		h := []byte("hash-0123456789abcdef0123456789ab")
		if err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: f.Ana.ID, DeviceID: uuid.NewString(), DeviceName: bad, TokenHash: h, At: now}); !errors.Is(err, store.ErrBadText) {
			t.Errorf("device name %q: %v, want ErrBadText", bad, err)
		}
	}
	// Nothing of it was written: no new school, user or device, and Ana
	// unchanged (the role of the refused change included).
	if _, err := s.SchoolBySlug(ctx, "bad"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused school was stored: %v", err)
	}
	users, err := s.ListUsers(ctx, f.School.ID)
	if err != nil || len(users) != 3 {
		t.Fatalf("users after the refusals: %+v, %v", users, err)
	}
	for _, u := range users {
		if u.ID == f.Ana.ID && (u.Name != f.Ana.Name || u.Role != f.Ana.Role) {
			t.Errorf("ana after a refused change: %+v", u)
		}
	}
	if devs, err := s.ListDevices(ctx, f.School.ID); err != nil || len(devs) != 0 {
		t.Errorf("devices after the refusals: %+v, %v", devs, err)
	}
	// Any other text is stored and read back as given.
	name := "Zoë \u202e Ñ\t李"
	if u, err := s.UpdateUser(ctx, f.School.ID, f.Ana.ID, store.UserChange{Name: ptr(name)}, now); err != nil || u.Name != name {
		t.Errorf("a name with other characters: %+v, %v", u, err)
	}
}
