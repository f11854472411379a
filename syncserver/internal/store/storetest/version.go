package storetest

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"smallwins/syncserver/internal/store"
)

// testSchoolVersion: the version a cache keys on (ADR 0012) moves with
// every applied version of a school's records, and only then; another
// school's pushes and no-op pushes leave it; a new epoch changes it.
func testSchoolVersion(t *testing.T, s store.Store) {
	x, y := NewFixture(t, s, "x"), NewFixture(t, s, "y")
	ver := func(f Fixture) store.SchoolVersion {
		t.Helper()
		v, err := s.SchoolVersion(ctx, f.School.ID)
		if err != nil {
			t.Fatalf("school version: %v", err)
		}
		return v
	}
	epoch, err := s.Epoch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v := ver(x); v.Seq != 0 || v.Epoch != epoch {
		t.Fatalf("new school: %+v, want seq 0 and epoch %s", v, epoch)
	}
	a, b := uuid.NewString(), uuid.NewString()
	push(t, s, x, x.Ana, Env(a, HLC(1, 0), 1), Env(b, HLC(1, 0), 1))
	if v := ver(x); v.Seq != 2 {
		t.Errorf("after two applied records: %+v, want seq 2", v)
	}
	_, cursor := pullAll(t, s, x, x.Ana, 0)
	if v := ver(x); v.Seq != cursor {
		t.Errorf("version seq %d, pull cursor %d: the same counter", v.Seq, cursor)
	}
	// Superseded and unchanged versions change no record: same version.
	push(t, s, x, x.Ana, Env(a, HLC(0, 0), 9), Env(b, HLC(1, 0), 1))
	if v := ver(x); v.Seq != 2 {
		t.Errorf("after no-op pushes: %+v, want seq 2", v)
	}
	// Another school's push is not x's change.
	push(t, s, y, y.Ana, Env(uuid.NewString(), HLC(2, 0), 1))
	if v := ver(x); v.Seq != 2 {
		t.Errorf("after y's push: x %+v", v)
	}
	if v := ver(y); v.Seq != 1 {
		t.Errorf("y: %+v, want seq 1", v)
	}
	// A tombstone is a change like any other.
	push(t, s, x, x.Ana, tomb(a, HLC(3, 0)))
	if v := ver(x); v.Seq != 3 {
		t.Errorf("after a tombstone: %+v, want seq 3", v)
	}
	// A new epoch (a restored store) makes every version new.
	before := ver(x)
	if _, err := s.NewEpoch(ctx); err != nil {
		t.Fatal(err)
	}
	if v := ver(x); v == before || v.Seq != before.Seq {
		t.Errorf("after a new epoch: %+v, was %+v", v, before)
	}
	for _, id := range []string{uuid.NewString(), "not-a-uuid", ""} {
		if _, err := s.SchoolVersion(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown school %q: %v, want ErrNotFound", id, err)
		}
	}
}
