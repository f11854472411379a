package storetest

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"

	"smallwins/syncserver/internal/store"
)

// Console sessions (CONSOLE.md §2): stored by hash, idle and absolute
// expiry, bounded touches, sign-out, a disabled user's sessions end.

func sessionHash(s string) []byte { h := sha256.Sum256([]byte("session " + s)); return h[:] }

func newSession(t *testing.T, s store.Store, f Fixture, u store.User, name string, at time.Time) []byte {
	t.Helper()
	h := sessionHash(name)
	if err := s.CreateConsoleSession(ctx, store.ConsoleSession{Hash: h, SchoolID: f.School.ID, UserID: u.ID, CreatedAt: at, LastSeen: at}); err != nil {
		t.Fatalf("create session %s: %v", name, err)
	}
	return h
}

func sessionUser(s store.Store, h []byte, at time.Time) (string, error) {
	p, err := s.ConsoleSessionByHash(ctx, h, at)
	return p.User.ID, err
}

func testConsoleSessions(t *testing.T, s store.Store) {
	t0 := time.Now().UTC().Truncate(time.Second)
	f := NewFixture(t, s, "lincoln")
	other := NewFixture(t, s, "other")

	h := newSession(t, s, f, f.Ana, "ana", t0)
	p, err := s.ConsoleSessionByHash(ctx, h, t0.Add(time.Second))
	if err != nil || p.User.ID != f.Ana.ID || p.School.ID != f.School.ID || p.School.Slug != "lincoln" || p.User.Role != f.Ana.Role || p.DeviceID != "" {
		t.Fatalf("lookup = %+v, %v", p, err)
	}
	if p.User.PasswordHash != nil {
		t.Errorf("a session lookup returned the password hash")
	}
	if _, err := s.ConsoleSessionByHash(ctx, sessionHash("nobody"), t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown hash: %v, want ErrNotFound", err)
	}
	// A user of another school, or an unknown user, gets no session here.
	for _, cs := range []store.ConsoleSession{
		{Hash: sessionHash("x1"), SchoolID: f.School.ID, UserID: other.Ana.ID, CreatedAt: t0, LastSeen: t0},
		{Hash: sessionHash("x2"), SchoolID: f.School.ID, UserID: "not-a-uuid", CreatedAt: t0, LastSeen: t0},
	} {
		if err := s.CreateConsoleSession(ctx, cs); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session for %s: %v, want ErrNotFound", cs.UserID, err)
		}
	}

	// Idle: requests within 30 minutes keep it alive (touching at most once
	// a minute), 30 minutes without one end it.
	at := t0
	for i := 0; i < 5; i++ {
		at = at.Add(25 * time.Minute)
		if _, err := sessionUser(s, h, at); err != nil {
			t.Fatalf("lookup %d after 25 idle minutes: %v", i, err)
		}
	}
	if _, err := sessionUser(s, h, at.Add(store.ConsoleIdle)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after 30 idle minutes: %v, want ErrNotFound", err)
	}
	// A lookup within the minute does not move last_seen: 30 minutes after
	// the last touch the session is dead even though a request came 30 s later.
	h2 := newSession(t, s, f, f.Ben, "ben", t0)
	if _, err := sessionUser(s, h2, t0.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := sessionUser(s, h2, t0.Add(store.ConsoleIdle)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("30 min after the last touch (a lookup within the minute does not touch): %v", err)
	}

	// Absolute: 12 hours however busy.
	h3 := newSession(t, s, f, f.Admin, "admin", t0)
	for at := t0.Add(20 * time.Minute); at.Before(t0.Add(store.ConsoleAbsolute)); at = at.Add(20 * time.Minute) {
		if _, err := sessionUser(s, h3, at); err != nil {
			t.Fatalf("busy session at %v: %v", at.Sub(t0), err)
		}
	}
	if _, err := sessionUser(s, h3, t0.Add(store.ConsoleAbsolute)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after 12 hours: %v, want ErrNotFound", err)
	}

	// Sign-out.
	h4 := newSession(t, s, f, f.Ana, "ana2", t0)
	if err := s.DeleteConsoleSession(ctx, h4); err != nil {
		t.Fatal(err)
	}
	if _, err := sessionUser(s, h4, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after sign-out: %v", err)
	}
	if err := s.DeleteConsoleSession(ctx, h4); err != nil {
		t.Errorf("deleting twice: %v", err)
	}

	// Purge: the dead ones go, the live ones stay.
	live := newSession(t, s, f, f.Ana, "live", t0.Add(11*time.Hour+45*time.Minute))
	n, err := s.ExpireConsoleSessions(ctx, t0.Add(12*time.Hour))
	if err != nil || n != 3 { // ana, ben (idle) and admin (absolute)
		t.Errorf("ExpireConsoleSessions = %d, %v, want 3", n, err)
	}
	if _, err := sessionUser(s, live, t0.Add(12*time.Hour+time.Minute)); err != nil {
		t.Errorf("the live session was purged: %v", err)
	}
	if n, err := s.ExpireConsoleSessions(ctx, t0.Add(12*time.Hour)); err != nil || n != 0 {
		t.Errorf("second purge = %d, %v", n, err)
	}
}

// testConsoleSessionsDisabled: disabling a user ends each of their
// sessions at once and leaves others' alone; a disabled user gets none.
func testConsoleSessionsDisabled(t *testing.T, s store.Store) {
	t0 := time.Now().UTC().Truncate(time.Second)
	f := NewFixture(t, s, "lincoln")
	a1, a2 := newSession(t, s, f, f.Ana, "a1", t0), newSession(t, s, f, f.Ana, "a2", t0)
	b := newSession(t, s, f, f.Ben, "b", t0)
	if _, err := s.UpdateUser(ctx, f.School.ID, f.Ana.ID, store.UserChange{Disabled: ptr(true)}, t0); err != nil {
		t.Fatal(err)
	}
	for _, h := range [][]byte{a1, a2} {
		if _, err := sessionUser(s, h, t0.Add(time.Second)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("disabled user's session: %v, want ErrNotFound", err)
		}
	}
	if id, err := sessionUser(s, b, t0.Add(time.Second)); err != nil || id != f.Ben.ID {
		t.Errorf("another user's session: %s, %v", id, err)
	}
	err := s.CreateConsoleSession(ctx, store.ConsoleSession{Hash: sessionHash("a3"), SchoolID: f.School.ID, UserID: f.Ana.ID, CreatedAt: t0, LastSeen: t0})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session for a disabled user: %v, want ErrNotFound", err)
	}
	// Enabling again revives none of them.
	if _, err := s.UpdateUser(ctx, f.School.ID, f.Ana.ID, store.UserChange{Disabled: ptr(false)}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := sessionUser(s, a1, t0.Add(2*time.Second)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session revived by enabling: %v", err)
	}
}

// testConsoleLanguage: a user's console language choice (docs/decisions/0036)
// is stored on the user, comes back with their session, touches no one else,
// survives other changes, and "" goes back to following the browser.
func testConsoleLanguage(t *testing.T, s store.Store) {
	t0 := time.Now().UTC().Truncate(time.Second)
	f := NewFixture(t, s, "lincoln")
	ha := newSession(t, s, f, f.Ana, "ana", t0)
	hb := newSession(t, s, f, f.Ben, "ben", t0)
	lang := func(h []byte) string {
		t.Helper()
		p, err := s.ConsoleSessionByHash(ctx, h, t0.Add(time.Second))
		if err != nil {
			t.Fatalf("session: %v", err)
		}
		return p.User.ConsoleLang
	}
	if got := lang(ha); got != "" {
		t.Fatalf("a new user's choice = %q, want \"\" (follow the browser)", got)
	}
	u, err := s.UpdateUser(ctx, f.School.ID, f.Ana.ID, store.UserChange{ConsoleLang: ptr("es")}, t0)
	if err != nil || u.ConsoleLang != "es" || u.Name != f.Ana.Name {
		t.Fatalf("set es = %+v, %v", u, err)
	}
	if got := lang(ha); got != "es" {
		t.Errorf("Ana's session after choosing es = %q", got)
	}
	if got := lang(hb); got != "" {
		t.Errorf("Ben's session after Ana chose es = %q, want \"\"", got)
	}
	if got, err := s.UserByUsername(ctx, f.School.ID, f.Ana.Username); err != nil || got.ConsoleLang != "es" {
		t.Errorf("UserByUsername = %q, %v", got.ConsoleLang, err)
	}
	// Another change leaves the choice as it is.
	if u, err := s.UpdateUser(ctx, f.School.ID, f.Ana.ID, store.UserChange{Name: ptr("Ana R")}, t0); err != nil || u.ConsoleLang != "es" {
		t.Errorf("renaming changed the choice: %+v, %v", u, err)
	}
	if _, err := s.UpdateUser(ctx, f.School.ID, f.Ana.ID, store.UserChange{ConsoleLang: ptr(strings.Repeat("e", store.MaxConsoleLang+1))}, t0); !errors.Is(err, store.ErrBadText) {
		t.Errorf("an over-long choice: %v, want ErrBadText", err)
	}
	if _, err := s.UpdateUser(ctx, f.School.ID, f.Ana.ID, store.UserChange{ConsoleLang: ptr("")}, t0); err != nil {
		t.Fatal(err)
	}
	if got := lang(ha); got != "" {
		t.Errorf("after choosing automatic = %q, want \"\"", got)
	}
	// A user created with a choice keeps it, on both stores.
	u, err = s.CreateUser(ctx, store.User{SchoolID: f.School.ID, Username: "lucia", Name: "Lucía", Role: "interventionist", ConsoleLang: "es"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.UserByUsername(ctx, f.School.ID, "lucia"); err != nil || got.ConsoleLang != "es" {
		t.Errorf("created with es: %q, %v", got.ConsoleLang, err)
	}
	if _, err := s.CreateUser(ctx, store.User{SchoolID: f.School.ID, Username: "long", Name: "L", Role: "interventionist",
		ConsoleLang: strings.Repeat("e", store.MaxConsoleLang+1)}); !errors.Is(err, store.ErrBadText) {
		t.Errorf("created with an over-long choice: %v, want ErrBadText", err)
	}
}
