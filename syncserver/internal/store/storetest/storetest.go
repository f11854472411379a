// Package storetest is the conformance suite every store.Store passes:
// boltstore and pgstore run the same Run, so a bug fixed in one becomes a
// case here and both are checked.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"pgregory.net/rapid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// Run runs the suite; open returns a fresh, empty store (closed by the suite's
// caller through t.Cleanup if it wishes).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("SchoolsAndUsers", func(t *testing.T) { testSchoolsAndUsers(t, open(t)) })
	t.Run("TokensAndDevices", func(t *testing.T) { testTokens(t, open(t)) })
	t.Run("LoginFailures", func(t *testing.T) { testLoginFailures(t, open(t)) })
	t.Run("Epoch", func(t *testing.T) { testEpoch(t, open(t)) })
	t.Run("PushOutcomes", func(t *testing.T) { testPushOutcomes(t, open(t)) })
	t.Run("PullPaging", func(t *testing.T) { testPullPaging(t, open(t)) })
	t.Run("TenantIsolation", func(t *testing.T) { testTenantIsolation(t, open(t)) })
	t.Run("Restricted", func(t *testing.T) { testRestricted(t, open(t)) })
	t.Run("TombstonePurge", func(t *testing.T) { testPurge(t, open(t)) })
	t.Run("Records", func(t *testing.T) { testRecords(t, open(t)) })
	t.Run("LWWProperty", func(t *testing.T) { testLWWProperty(t, open) })
	t.Run("ConcurrentNoSkip", func(t *testing.T) { testConcurrentNoSkip(t, open(t)) })
}

var ctx = context.Background()

// Fixture is a school with an admin and two interventionists.
type Fixture struct {
	School          store.School
	Admin, Ana, Ben store.User
}

// NewFixture creates a school named slug with three users.
func NewFixture(t testing.TB, s store.Store, slug string) Fixture {
	t.Helper()
	sc, err := s.CreateSchool(ctx, store.School{Slug: slug, Name: "School " + slug})
	if err != nil {
		t.Fatalf("create school: %v", err)
	}
	f := Fixture{School: sc}
	mk := func(name, role string) store.User {
		u, err := s.CreateUser(ctx, store.User{SchoolID: sc.ID, Username: name, Name: name, Role: role, PasswordHash: []byte("h")})
		if err != nil {
			t.Fatalf("create user %s: %v", name, err)
		}
		return u
	}
	f.Admin, f.Ana, f.Ben = mk("admin", protocol.RoleAdmin), mk("ana", protocol.RoleInterventionist), mk("ben", protocol.RoleInterventionist)
	return f
}

// tb is what push and pullAll need of *testing.T and *rapid.T.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

// node is a fixed device id for HLCs in these tests.
var node = uuid.MustParse("0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00")

// HLC returns a valid HLC text at wall ms offset w and logical l.
func HLC(w int64, l int) string {
	return hlc.Timestamp{Wall: 1764000000000 + w, Logical: l, Node: node}.String()
}

// Env returns a record version with a small data object.
func Env(id, h string, v int) record.Envelope {
	return record.Envelope{ID: id, Type: "student", HLC: h, Data: []byte(fmt.Sprintf(`{"v":%d}`, v))}
}

func push(t tb, s store.Store, f Fixture, u store.User, recs ...record.Envelope) []protocol.PushResult {
	t.Helper()
	res, err := s.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: u.ID, PusherIsAdmin: u.IsAdmin(), Records: recs, At: time.Now()})
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	return res
}

// pullAll pulls everything after `after` as viewer u.
func pullAll(t tb, s store.Store, f Fixture, u store.User, after int64) (map[string]record.Envelope, int64) {
	t.Helper()
	got := map[string]record.Envelope{}
	for {
		p, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: after, Limit: 7, MaxBytes: 1 << 20, Viewer: u.ID, ViewerIsAdmin: u.IsAdmin()})
		if err != nil {
			t.Fatalf("pull: %v", err)
		}
		for _, e := range p.Records {
			if e.Seq <= after {
				t.Fatalf("seq %d not after cursor %d", e.Seq, after)
			}
			got[e.ID] = e
		}
		after = p.Cursor
		if !p.More {
			return got, after
		}
	}
}

func testSchoolsAndUsers(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	if _, err := s.CreateSchool(ctx, store.School{Slug: "lincoln", Name: "again"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate slug: got %v, want ErrConflict", err)
	}
	got, err := s.SchoolBySlug(ctx, "lincoln")
	if err != nil || got.ID != f.School.ID || got.Name != "School lincoln" {
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
	if err != nil || u.ID != other.Ana.ID || u.ID == f.Ana.ID || string(u.PasswordHash) != "h" || u.Role != protocol.RoleInterventionist {
		t.Errorf("UserByUsername = %+v, %v", u, err)
	}
	if _, err := s.UserByUsername(ctx, f.School.ID, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}

func testTokens(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	other := NewFixture(t, s, "other")
	dev := uuid.NewString()
	now := time.Now().UTC().Truncate(time.Second)
	h1 := []byte("hash-one-0123456789abcdef0123456")
	if err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: f.Ana.ID, DeviceID: dev, DeviceName: "Room 12", TokenHash: h1, At: now}); err != nil {
		t.Fatal(err)
	}
	p, err := s.PrincipalByToken(ctx, h1, now.Add(2*time.Minute))
	if err != nil || p.School.ID != f.School.ID || p.User.ID != f.Ana.ID || p.DeviceID != dev {
		t.Fatalf("PrincipalByToken = %+v, %v", p, err)
	}
	if _, err := s.PrincipalByToken(ctx, []byte("unknown"), now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown token: %v", err)
	}
	devs, err := s.ListDevices(ctx, f.School.ID)
	if err != nil || len(devs) != 1 || devs[0].DeviceID != dev || devs[0].DeviceName != "Room 12" || devs[0].User.ID != f.Ana.ID || devs[0].Revoked {
		t.Fatalf("ListDevices = %+v, %v", devs, err)
	}
	if !devs[0].LastSeenAt.After(now) {
		t.Errorf("last seen not updated: %v", devs[0].LastSeenAt)
	}
	if devs, _ := s.ListDevices(ctx, other.School.ID); len(devs) != 0 {
		t.Errorf("other school sees %d devices", len(devs))
	}
	if err := s.RevokeDevice(ctx, other.School.ID, dev); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking another school's device: %v", err)
	}
	if err := s.RevokeDevice(ctx, f.School.ID, dev); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PrincipalByToken(ctx, h1, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked token still works: %v", err)
	}
	if devs, _ := s.ListDevices(ctx, f.School.ID); len(devs) != 1 || !devs[0].Revoked {
		t.Errorf("device not shown revoked: %+v", devs)
	}
	h2 := []byte("hash-two-0123456789abcdef0123456")
	if err := s.Enrol(ctx, store.Enrolment{SchoolID: f.School.ID, UserID: f.Ana.ID, DeviceID: dev, DeviceName: "Room 12", TokenHash: h2, At: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PrincipalByToken(ctx, h2, now); err != nil {
		t.Errorf("re-enrolled device refused: %v", err)
	}
	if _, err := s.PrincipalByToken(ctx, h1, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("old revoked token came back after re-enrolment: %v", err)
	}
}

func testLoginFailures(t *testing.T, s store.Store) {
	now := time.Now()
	for i := 0; i < 3; i++ {
		if err := s.AddLoginFailure(ctx, "lincoln", "ana", now.Add(-time.Duration(i)*10*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.LoginFailures(ctx, "lincoln", "ana", now.Add(-15*time.Minute)); err != nil || n != 2 {
		t.Errorf("failures in window = %d, %v; want 2", n, err)
	}
	if n, _ := s.LoginFailures(ctx, "other", "ana", now.Add(-time.Hour)); n != 0 {
		t.Errorf("another school's username counted: %d", n)
	}
	if err := s.ClearLoginFailures(ctx, "lincoln", "ana"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.LoginFailures(ctx, "lincoln", "ana", now.Add(-time.Hour)); n != 0 {
		t.Errorf("after clear: %d", n)
	}
}

func testEpoch(t *testing.T, s store.Store) {
	e1, err := s.Epoch(ctx)
	if err != nil || e1 == "" {
		t.Fatalf("epoch = %q, %v", e1, err)
	}
	if e2, _ := s.Epoch(ctx); e2 != e1 {
		t.Errorf("epoch changed by itself: %q → %q", e1, e2)
	}
	n, err := s.NewEpoch(ctx)
	if err != nil || n == e1 {
		t.Fatalf("NewEpoch = %q, %v", n, err)
	}
	if e3, _ := s.Epoch(ctx); e3 != n {
		t.Errorf("epoch after NewEpoch = %q, want %q", e3, n)
	}
}

func testPushOutcomes(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	a, b := uuid.NewString(), uuid.NewString()
	res := push(t, s, f, f.Ana, Env(a, HLC(10, 0), 1), Env(b, HLC(10, 0), 1))
	if res[0].Outcome != protocol.Applied || res[1].Outcome != protocol.Applied || res[0].ID != a || res[0].HLC != HLC(10, 0) {
		t.Fatalf("first push: %+v", res)
	}
	res = push(t, s, f, f.Ana, Env(b, HLC(5, 0), 2), Env(a, HLC(10, 0), 9))
	if res[0].Outcome != protocol.Superseded || res[0].HLC != HLC(10, 0) || res[0].ID != b {
		t.Errorf("older version: %+v", res[0])
	}
	if res[1].Outcome != protocol.Unchanged || res[1].HLC != HLC(10, 0) {
		t.Errorf("equal version: %+v", res[1])
	}
	res = push(t, s, f, f.Ana, Env(a, HLC(10, 1), 3))
	if res[0].Outcome != protocol.Applied || res[0].HLC != HLC(10, 1) {
		t.Errorf("newer version: %+v", res[0])
	}
	got, cursor := pullAll(t, s, f, f.Ana, 0)
	if string(got[a].Data) != `{"v":3}` || string(got[b].Data) != `{"v":1}` {
		t.Errorf("held data: a=%s b=%s", got[a].Data, got[b].Data)
	}
	if got[a].Seq <= got[b].Seq || cursor != got[a].Seq || cursor != 3 {
		t.Errorf("seqs: a=%d b=%d cursor=%d (want 3 applied versions, a latest)", got[a].Seq, got[b].Seq, cursor)
	}
	// A tombstone is a version like any other.
	del := record.Envelope{ID: b, Type: "student", HLC: HLC(20, 0), Deleted: true}
	if res := push(t, s, f, f.Ana, del); res[0].Outcome != protocol.Applied {
		t.Fatalf("tombstone: %+v", res)
	}
	got, _ = pullAll(t, s, f, f.Ana, cursor)
	if e := got[b]; len(got) != 1 || !e.Deleted || len(e.Data) != 0 || e.HLC != HLC(20, 0) {
		t.Errorf("pulled tombstone: %+v", got)
	}
}

func testPullPaging(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	var ids []string
	for i := 0; i < 25; i++ {
		ids = append(ids, uuid.NewString())
	}
	var batch []record.Envelope
	for i, id := range ids {
		batch = append(batch, Env(id, HLC(int64(i), 0), i))
	}
	push(t, s, f, f.Ana, batch...)
	// Change the first five again: they move to the end, appear once.
	batch = batch[:0]
	for i, id := range ids[:5] {
		batch = append(batch, Env(id, HLC(100, i), 100+i))
	}
	push(t, s, f, f.Ana, batch...)
	p, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: 0, Limit: 10, Viewer: f.Ana.ID})
	if err != nil || len(p.Records) != 10 || !p.More || p.Cursor != p.Records[9].Seq {
		t.Fatalf("page 1: n=%d more=%v cursor=%d err=%v", len(p.Records), p.More, p.Cursor, err)
	}
	for i := 1; i < len(p.Records); i++ {
		if p.Records[i].Seq <= p.Records[i-1].Seq {
			t.Fatalf("not ascending: %d then %d", p.Records[i-1].Seq, p.Records[i].Seq)
		}
	}
	all, cursor := pullAll(t, s, f, f.Ana, 0)
	if len(all) != 25 || cursor != 30 {
		t.Errorf("pulled %d records, cursor %d; want 25 records, cursor 30", len(all), cursor)
	}
	if string(all[ids[0]].Data) != `{"v":100}` {
		t.Errorf("re-written record has %s", all[ids[0]].Data)
	}
	// Size cap: one byte allows one record; never zero.
	p, err = s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: 0, Limit: 100, MaxBytes: 1, Viewer: f.Ana.ID})
	if err != nil || len(p.Records) != 1 || !p.More {
		t.Errorf("MaxBytes 1: n=%d more=%v err=%v", len(p.Records), p.More, err)
	}
	// Past the end.
	p, err = s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: cursor, Limit: 10, Viewer: f.Ana.ID})
	if err != nil || len(p.Records) != 0 || p.More || p.Cursor != cursor {
		t.Errorf("at end: %+v, %v", p, err)
	}
}

func testTenantIsolation(t *testing.T, s store.Store) {
	x, y := NewFixture(t, s, "x"), NewFixture(t, s, "y")
	id := uuid.NewString()
	push(t, s, x, x.Ana, Env(id, HLC(50, 0), 1))
	// School y pushes the same id with an older HLC: a new record there,
	// applied, and it learns nothing of x's version.
	res := push(t, s, y, y.Ana, Env(id, HLC(1, 0), 2))
	if res[0].Outcome != protocol.Applied || res[0].HLC != HLC(1, 0) {
		t.Errorf("y's push saw x's record: %+v", res[0])
	}
	gx, _ := pullAll(t, s, x, x.Admin, 0)
	gy, cy := pullAll(t, s, y, y.Admin, 0)
	if string(gx[id].Data) != `{"v":1}` || string(gy[id].Data) != `{"v":2}` || cy != 1 {
		t.Errorf("x=%s y=%s cursor y=%d", gx[id].Data, gy[id].Data, cy)
	}
	if recs, _ := s.Records(ctx, y.School.ID); len(recs) != 1 || string(recs[0].Data) != `{"v":2}` {
		t.Errorf("Records(y) = %+v", recs)
	}
}

func testRestricted(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	note := uuid.NewString()
	r := Env(note, HLC(1, 0), 1)
	r.Type, r.Restricted = "note", true
	push(t, s, f, f.Ana, r)
	check := func(u store.User, wantContent bool) {
		t.Helper()
		got, _ := pullAll(t, s, f, u, 0)
		e := got[note]
		if wantContent && (e.Deleted || string(e.Data) != `{"v":1}` || !e.Restricted) {
			t.Errorf("%s should see the note: %+v", u.Username, e)
		}
		if !wantContent && (!e.Deleted || len(e.Data) != 0 || e.Restricted || e.HLC != HLC(1, 0) || e.Type != "note" || e.Seq == 0) {
			t.Errorf("%s should get a tombstone: %+v", u.Username, e)
		}
	}
	check(f.Ana, true)
	check(f.Admin, true)
	check(f.Ben, false)

	// Ben may not write it, in any way; the whole batch fails, nothing applied.
	other := uuid.NewString()
	for _, v := range []record.Envelope{Env(note, HLC(9, 0), 7), Env(note, HLC(0, 0), 7), {ID: note, Type: "note", HLC: HLC(9, 0), Deleted: true}} {
		_, err := s.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ben.ID, Records: []record.Envelope{Env(other, HLC(9, 0), 1), v}})
		var pe *protocol.Error
		if !errors.As(err, &pe) || pe.Code != protocol.CodeForbidden || pe.Index == nil || *pe.Index != 1 {
			t.Errorf("ben writes ana's restricted note: %v", err)
		}
	}
	if got, _ := pullAll(t, s, f, f.Admin, 0); len(got) != 1 {
		t.Errorf("a forbidden batch applied something: %d records", len(got))
	}
	// Ben may not make Ana's ordinary record restricted either.
	plain := uuid.NewString()
	push(t, s, f, f.Ana, Env(plain, HLC(1, 0), 1))
	v := Env(plain, HLC(2, 0), 2)
	v.Restricted = true
	if _, err := s.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ben.ID, Records: []record.Envelope{v}}); !protocol.IsCode(err, protocol.CodeForbidden) {
		t.Errorf("ben restricts ana's record: %v", err)
	}
	// The author and an admin may.
	if res := push(t, s, f, f.Admin, Env(note, HLC(3, 0), 3)); res[0].Outcome != protocol.Applied {
		t.Errorf("admin edit: %+v", res)
	}
	// Now unrestricted (the admin's version has no flag): Ben sees it.
	got, _ := pullAll(t, s, f, f.Ben, 0)
	if e := got[note]; e.Deleted || string(e.Data) != `{"v":3}` {
		t.Errorf("unrestricted version hidden from ben: %+v", e)
	}
}

func testPurge(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	a, b, c := uuid.NewString(), uuid.NewString(), uuid.NewString()
	push(t, s, f, f.Ana, Env(a, HLC(1, 0), 1), Env(b, HLC(1, 0), 1), Env(c, HLC(1, 0), 1))
	push(t, s, f, f.Ana, record.Envelope{ID: a, Type: "student", HLC: HLC(5, 0), Deleted: true}) // seq 4
	_, cursor := pullAll(t, s, f, f.Ana, 0)
	if n, err := s.PurgeTombstones(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("purge of young tombstones: %d, %v", n, err)
	}
	n, err := s.PurgeTombstones(ctx, time.Now().Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("purge: %d, %v; want 1", n, err)
	}
	if n, _ := s.PurgeTombstones(ctx, time.Now().Add(time.Hour)); n != 0 {
		t.Errorf("second purge removed %d", n)
	}
	// A cursor below the horizon must resync; 0 and the horizon itself are fine.
	if _, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: 2, Limit: 10, Viewer: f.Ana.ID}); !errors.Is(err, store.ErrResyncRequired) {
		t.Errorf("pull below horizon: %v", err)
	}
	got, _ := pullAll(t, s, f, f.Ana, 0)
	if _, ok := got[a]; ok || len(got) != 2 {
		t.Errorf("purged tombstone still pulled: %v", got)
	}
	if _, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: cursor, Limit: 10, Viewer: f.Ana.ID}); err != nil {
		t.Errorf("pull at the horizon: %v", err)
	}
	// The stub still decides.
	if res := push(t, s, f, f.Ana, Env(a, HLC(2, 0), 9)); res[0].Outcome != protocol.Superseded || res[0].HLC != HLC(5, 0) {
		t.Errorf("old version of a purged record: %+v", res[0])
	}
	if res := push(t, s, f, f.Ana, record.Envelope{ID: a, Type: "student", HLC: HLC(5, 0), Deleted: true}); res[0].Outcome != protocol.Unchanged {
		t.Errorf("same tombstone again: %+v", res[0])
	}
	if got, _ := pullAll(t, s, f, f.Ana, 0); len(got) != 2 {
		t.Errorf("stub pushes resurrected something: %d records", len(got))
	}
	if res := push(t, s, f, f.Ana, Env(a, HLC(9, 0), 10)); res[0].Outcome != protocol.Applied {
		t.Errorf("newer version after purge: %+v", res[0])
	}
	if got, _ := pullAll(t, s, f, f.Ana, 0); string(got[a].Data) != `{"v":10}` {
		t.Errorf("record not back: %+v", got[a])
	}
}

func testRecords(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	g := Env(uuid.NewString(), HLC(1, 0), 1)
	g.Type = "goal"
	d := Env(uuid.NewString(), HLC(1, 0), 2)
	push(t, s, f, f.Ana, g, d, Env(uuid.NewString(), HLC(1, 0), 3))
	push(t, s, f, f.Ana, record.Envelope{ID: d.ID, Type: "student", HLC: HLC(2, 0), Deleted: true})
	goals, err := s.Records(ctx, f.School.ID, "goal")
	if err != nil || len(goals) != 1 || goals[0].ID != g.ID || string(goals[0].Data) != `{"v":1}` {
		t.Errorf("Records(goal) = %+v, %v", goals, err)
	}
	all, _ := s.Records(ctx, f.School.ID)
	if len(all) != 2 {
		t.Errorf("Records() = %d records, want 2 (the tombstone excluded)", len(all))
	}
}

// testLWWProperty: any interleaving of pushes of the same versions, in any
// batching, leaves the greatest HLC per id, and pulls converge to it.
func testLWWProperty(t *testing.T, open func(t *testing.T) store.Store) {
	s := open(t)
	var n int
	rapid.Check(t, func(rt *rapid.T) {
		n++
		f := NewFixture(t, s, fmt.Sprintf("p%d", n))
		ids := []string{uuid.NewString(), uuid.NewString(), uuid.NewString()}
		var versions []record.Envelope
		want := map[string]string{}
		for i := 0; i < rapid.IntRange(1, 15).Draw(rt, "versions"); i++ {
			id := ids[rapid.IntRange(0, 2).Draw(rt, "id")]
			h := HLC(rapid.Int64Range(0, 5).Draw(rt, "wall"), rapid.IntRange(0, 2).Draw(rt, "logical"))
			versions = append(versions, Env(id, h, i))
			if h > want[id] {
				want[id] = h
			}
		}
		order := rapid.Permutation(versions).Draw(rt, "order")
		for len(order) > 0 {
			k := rapid.IntRange(1, len(order)).Draw(rt, "batch")
			seen := map[string]bool{}
			var batch []record.Envelope
			var rest []record.Envelope
			for _, v := range order[:k] {
				if seen[v.ID] {
					rest = append(rest, v) // one id per batch (PROTOCOL §5)
					continue
				}
				seen[v.ID] = true
				batch = append(batch, v)
			}
			push(rt, s, f, f.Ana, batch...)
			order = append(rest, order[k:]...)
		}
		got, _ := pullAll(rt, s, f, f.Ben, 0)
		if len(got) != len(want) {
			rt.Fatalf("pulled %d ids, want %d", len(got), len(want))
		}
		for id, h := range want {
			if got[id].HLC != h {
				rt.Fatalf("id %s holds %s, want max %s", id, got[id].HLC, h)
			}
		}
	})
}

// testConcurrentNoSkip: pullers running beside pushers never skip a record.
func testConcurrentNoSkip(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	const pushers, pullers, batches, perBatch = 4, 3, 15, 10
	var wg sync.WaitGroup
	applied := make(chan string, pushers*batches*perBatch)
	done := make(chan struct{})
	for p := 0; p < pushers; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for b := 0; b < batches; b++ {
				var recs []record.Envelope
				for i := 0; i < perBatch; i++ {
					recs = append(recs, Env(uuid.NewString(), HLC(int64(b), i), p))
				}
				res, err := s.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: recs})
				if err != nil {
					t.Error(err)
					return
				}
				for _, r := range res {
					applied <- r.ID
				}
			}
		}(p)
	}
	results := make([]map[string]bool, pullers)
	var pwg sync.WaitGroup
	for q := 0; q < pullers; q++ {
		pwg.Add(1)
		go func(q int) {
			defer pwg.Done()
			seen := map[string]bool{}
			var cursor int64
			final := false
			for {
				p, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: cursor, Limit: 13, Viewer: f.Ben.ID})
				if err != nil {
					t.Error(err)
					return
				}
				for _, e := range p.Records {
					seen[e.ID] = true
				}
				cursor = p.Cursor
				if !p.More {
					if final {
						results[q] = seen
						return
					}
					select {
					case <-done:
						final = true // one more full pass after the pushers stop
					default:
					}
				}
			}
		}(q)
	}
	wg.Wait()
	close(done)
	pwg.Wait()
	close(applied)
	var ids []string
	for id := range applied {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if len(ids) != pushers*batches*perBatch {
		t.Fatalf("applied %d", len(ids))
	}
	for q, seen := range results {
		for _, id := range ids {
			if !seen[id] {
				t.Fatalf("puller %d skipped %s", q, id)
			}
		}
	}
}

// KiBRecords returns n session records of about 1 KiB each, with UUIDv7 ids
// and HLCs at wall ms `wall`: the benchmarks' workload for every store.
func KiBRecords(n int, wall int64) []record.Envelope {
	pad := strings.Repeat("x", 900)
	out := make([]record.Envelope, n)
	for i := range out {
		id, _ := uuid.NewV7()
		out[i] = record.Envelope{ID: id.String(), Type: "session", HLC: hlc.Timestamp{Wall: wall, Logical: i, Node: node}.String(),
			Data: []byte(fmt.Sprintf(`{"group_id":"%s","status":"delivered","note":"%s"}`, id, pad))}
	}
	return out
}

// BenchPull100k measures an empty reader pulling 100,000 ~1 KiB records in
// pages of 5000 from s: every store's pull benchmark.
func BenchPull100k(b *testing.B, s store.Store) {
	f := NewFixture(b, s, "bench")
	for i := 0; i < 100; i++ {
		if _, err := s.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: KiBRecords(1000, 1764000000000+int64(i))}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		after := int64(0)
		for {
			p, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: after, Limit: 5000, MaxBytes: 8 << 20, Viewer: f.Ana.ID})
			if err != nil {
				b.Fatal(err)
			}
			n += len(p.Records)
			after = p.Cursor
			if !p.More {
				break
			}
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/100k")
}
