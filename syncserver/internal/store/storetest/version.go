package storetest

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/record"
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

// testConditionalPush: PushBatch.IfHLC applies a batch only over the named
// versions, in the push's transaction; a refused batch writes nothing.
func testConditionalPush(t *testing.T, s store.Store) {
	f := NewFixture(t, s, "lincoln")
	a, b := uuid.NewString(), uuid.NewString()
	push(t, s, f, f.Admin, Env(a, HLC(1, 0), 1), Env(b, HLC(1, 0), 1))
	cond := func(ifHLC map[int]string, recs ...record.Envelope) error {
		bt := batch(f, f.Admin, recs...)
		bt.IfHLC = ifHLC
		_, err := s.Push(ctx, bt)
		return err
	}
	// Over the held version: applied.
	if err := cond(map[int]string{0: HLC(1, 0)}, Env(a, HLC(2, 0), 2)); err != nil {
		t.Fatalf("over the held version: %v", err)
	}
	// Over a version no longer held: refused, and b (in the same batch,
	// unconditional) is not written either.
	before := ver(t, s, f)
	if err := cond(map[int]string{0: HLC(1, 0)}, Env(a, HLC(3, 0), 3), Env(b, HLC(3, 0), 3)); !errors.Is(err, store.ErrChanged) {
		t.Fatalf("over an old version: %v, want ErrChanged", err)
	}
	if v := ver(t, s, f); v != before {
		t.Errorf("a refused batch wrote: version %+v, was %+v", v, before)
	}
	got, _ := pullAll(t, s, f, f.Admin, 0)
	if string(got[a].Data) != `{"v":2}` || string(got[b].Data) != `{"v":1}` {
		t.Errorf("held after the refused batch: a %s b %s", got[a].Data, got[b].Data)
	}
	// A record not held is at no HLC.
	if err := cond(map[int]string{0: HLC(1, 0)}, Env(uuid.NewString(), HLC(4, 0), 1)); !errors.Is(err, store.ErrChanged) {
		t.Errorf("a new record: %v, want ErrChanged", err)
	}
	// A deletion is a version like any other: the version before it is no
	// longer held; the tombstone is.
	push(t, s, f, f.Admin, tomb(b, HLC(5, 0)))
	if err := cond(map[int]string{0: HLC(1, 0)}, Env(b, HLC(6, 0), 6)); !errors.Is(err, store.ErrChanged) {
		t.Errorf("over the version a tombstone replaced: %v, want ErrChanged", err)
	}
	if err := cond(map[int]string{0: HLC(5, 0)}, Env(b, HLC(6, 0), 6)); err != nil {
		t.Errorf("over the tombstone: %v", err)
	}
	// Two conditional writes over one version, at once: exactly one wins.
	errs := make(chan error, 2)
	for i := 0; i < 2; i++ {
		go func() { errs <- cond(map[int]string{0: HLC(2, 0)}, Env(a, HLC(7, i), 7+i)) }()
	}
	var won, lost int
	for i := 0; i < 2; i++ {
		switch err := <-errs; {
		case err == nil:
			won++
		case errors.Is(err, store.ErrChanged):
			lost++
		default:
			t.Fatal(err)
		}
	}
	if won != 1 || lost != 1 {
		t.Errorf("two conditional writes over one version: %d won, %d lost", won, lost)
	}
}

func ver(t *testing.T, s store.Store, f Fixture) store.SchoolVersion {
	t.Helper()
	v, err := s.SchoolVersion(ctx, f.School.ID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
