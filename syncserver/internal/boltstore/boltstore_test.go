package boltstore

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

func openTemp(t *testing.T, opts ...Option) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "server.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// The default write path (group commit) and one Update per push both pass
// the whole suite.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestConformanceUpdatePerPush(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t, withWriteMode(updatePerPush)) })
}

// bbolt's Batch waits up to 10 ms per call, so only the cases that push
// concurrently run through it.
func TestBoltBatchConcurrent(t *testing.T) {
	s := openTemp(t, withWriteMode(boltBatch))
	f := storetest.NewFixture(t, s, "lincoln")
	pushConcurrently(t, s, f, 8, 5)
}

// pushConcurrently has w writers push n batches of 10 new records each, and
// checks that every record is there once with its own seq.
func pushConcurrently(t *testing.T, s *Store, f storetest.Fixture, w, n int) {
	t.Helper()
	var wg sync.WaitGroup
	ids := make(chan string, w*n*10)
	for g := 0; g < w; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ {
				recs := storetest.KiBRecords(10, 1764000000000+int64(i))
				res, err := s.Push(t.Context(), store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: recs})
				if err != nil {
					t.Error(err)
					return
				}
				for _, r := range res {
					if r.Outcome != protocol.Applied {
						t.Errorf("%+v", r)
					}
					ids <- r.ID
				}
			}
		}()
	}
	wg.Wait()
	close(ids)
	want := map[string]bool{}
	for id := range ids {
		want[id] = true
	}
	p, err := s.Pull(t.Context(), store.PullQuery{SchoolID: f.School.ID, Limit: 5000, Viewer: store.ViewerOf(f.Ana)})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Records) != w*n*10 || len(want) != w*n*10 || p.Cursor != int64(w*n*10) || p.More {
		t.Fatalf("pulled %d records (cursor %d), %d distinct ids pushed; want %d", len(p.Records), p.Cursor, len(want), w*n*10)
	}
	for i, e := range p.Records {
		if !want[e.ID] || e.Seq != int64(i+1) {
			t.Fatalf("record %d: %s seq %d", i, e.ID, e.Seq)
		}
	}
}

func TestGroupCommitConcurrent(t *testing.T) {
	s := openTemp(t)
	f := storetest.NewFixture(t, s, "lincoln")
	pushConcurrently(t, s, f, 8, 10)
}

// A group holding a refused push commits the others; the refused one gets its
// own error and writes nothing.
func TestGroupCommitRefusedPushFailsAlone(t *testing.T) {
	s := openTemp(t)
	f := storetest.NewFixture(t, s, "lincoln")
	note := uuid.NewString()
	r := storetest.Env(note, storetest.HLC(1, 0), 1)
	r.Restricted = true
	if _, err := s.Push(t.Context(), store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: []record.Envelope{r}}); err != nil {
		t.Fatal(err)
	}
	a, b := uuid.NewString(), uuid.NewString()
	calls := []*pushCall{
		{b: &store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: []record.Envelope{storetest.Env(a, storetest.HLC(2, 0), 2)}}},
		{b: &store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ben.ID, Records: []record.Envelope{storetest.Env(b, storetest.HLC(2, 0), 2), storetest.Env(note, storetest.HLC(3, 0), 3)}}},
		{b: &store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: []record.Envelope{storetest.Env(note, storetest.HLC(4, 0), 4)}}},
	}
	for _, c := range calls {
		c.done = make(chan struct{})
	}
	s.commitGroup(calls)
	for i, c := range calls {
		select {
		case <-c.done:
		default:
			t.Fatalf("call %d not done", i)
		}
	}
	if calls[0].err != nil || len(calls[0].results) != 1 || calls[0].results[0].Outcome != protocol.Applied {
		t.Errorf("call 0: %+v, %v", calls[0].results, calls[0].err)
	}
	if !protocol.IsCode(calls[1].err, protocol.CodeForbidden) || calls[1].results != nil {
		t.Errorf("call 1: %+v, %v; want forbidden", calls[1].results, calls[1].err)
	}
	if calls[2].err != nil || calls[2].results[0].Outcome != protocol.Applied || calls[2].results[0].HLC != storetest.HLC(4, 0) {
		t.Errorf("call 2: %+v, %v", calls[2].results, calls[2].err)
	}
	p, err := s.Pull(t.Context(), store.PullQuery{SchoolID: f.School.ID, Limit: 100, Viewer: store.ViewerOf(f.Admin)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]record.Envelope{}
	for _, e := range p.Records {
		got[e.ID] = e
	}
	if _, ok := got[b]; ok || len(got) != 2 || string(got[note].Data) != `{"v":4}` || got[note].Seq != 3 || got[a].Seq != 2 {
		t.Errorf("after the group: %+v", got)
	}
}

// A storage error inside a group (here a corrupt stored value met by one
// push) fails that push only: the group is retried one push at a time.
func TestGroupCommitStorageErrorFailsAlone(t *testing.T) {
	s := openTemp(t)
	f := storetest.NewFixture(t, s, "lincoln")
	bad := uuid.NewString()
	if _, err := s.Push(t.Context(), store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: []record.Envelope{storetest.Env(bad, storetest.HLC(1, 0), 1)}}); err != nil {
		t.Fatal(err)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		sb, _ := schoolBucket(tx, f.School.ID, false)
		return sb.Bucket(bRecs).Put([]byte(bad), []byte{1, 2, 3}) // shorter than any header
	})
	if err != nil {
		t.Fatal(err)
	}
	good := uuid.NewString()
	calls := []*pushCall{
		{b: &store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: []record.Envelope{storetest.Env(bad, storetest.HLC(2, 0), 2)}}, done: make(chan struct{})},
		{b: &store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: []record.Envelope{storetest.Env(good, storetest.HLC(2, 0), 2)}}, done: make(chan struct{})},
	}
	s.commitGroup(calls)
	if !errors.Is(calls[0].err, errCorrupt) {
		t.Errorf("push meeting the corrupt value: %v", calls[0].err)
	}
	if calls[1].err != nil || calls[1].results[0].Outcome != protocol.Applied {
		t.Errorf("the other push: %+v, %v", calls[1].results, calls[1].err)
	}
}

func TestDuplicateIDRefused(t *testing.T) {
	s := openTemp(t)
	f := storetest.NewFixture(t, s, "lincoln")
	id := uuid.NewString()
	_, err := s.Push(t.Context(), store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: []record.Envelope{
		storetest.Env(uuid.NewString(), storetest.HLC(1, 0), 1), storetest.Env(id, storetest.HLC(1, 0), 1), storetest.Env(id, storetest.HLC(2, 0), 2)}})
	var pe *protocol.Error
	if !errors.As(err, &pe) || pe.Code != protocol.CodeDuplicateID || pe.Index == nil || *pe.Index != 2 {
		t.Fatalf("duplicate id: %v", err)
	}
	if p, _ := s.Pull(t.Context(), store.PullQuery{SchoolID: f.School.ID, Limit: 10}); len(p.Records) != 0 {
		t.Errorf("a refused batch wrote %d records", len(p.Records))
	}
}

// A second Open of the same file (another process in production: bbolt's
// flock is per open file description) fails fast with a clear error instead
// of waiting for the server to stop.
func TestLockedWhileOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "server.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, WithLockTimeout(100*time.Millisecond))
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "database is locked by another process") || !strings.Contains(err.Error(), path) {
		t.Errorf("second open: %v, want ErrLocked naming the file", err)
	}
	// The default timeout applies too.
	if _, err := Open(path); !errors.Is(err, ErrLocked) {
		t.Errorf("second open with the default timeout: %v", err)
	}
	s.Close()
	s2, err := Open(path)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	s2.Close()
}

func TestOpenRefusesNonDatabase(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "missing-dir", "x.db")); err == nil || errors.Is(err, ErrLocked) {
		t.Errorf("open in a missing directory: %v", err)
	}
}

// TestReopenKeepsData: everything the server relies on is in the file, not
// in memory: schools, users, tokens and revocation, devices, failed logins,
// the epoch, records with their seqs, the next seq, stubs and the horizon.
func TestReopenKeepsData(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "server.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.NewFixture(t, s, "lincoln")
	id, gone := uuid.NewString(), uuid.NewString()
	now := time.Now().UTC().Truncate(time.Millisecond)
	push := func(s *Store, recs ...record.Envelope) []protocol.PushResult {
		t.Helper()
		res, err := s.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: recs, At: now})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	restricted := storetest.Env(uuid.NewString(), storetest.HLC(1, 0), 8)
	restricted.Restricted = true
	push(s, storetest.Env(id, storetest.HLC(1, 0), 7), storetest.Env(gone, storetest.HLC(1, 0), 1), restricted) // 1, 2, 3
	push(s, record.Envelope{ID: gone, Type: "student", HLC: storetest.HLC(2, 0), Deleted: true})                // 4
	push(s, storetest.Env(uuid.NewString(), storetest.HLC(1, 0), 9))                                            // 5
	if n, err := s.PurgeTombstones(ctx, now.Add(time.Second)); err != nil || n != 1 {
		t.Fatalf("purge: %d, %v", n, err)
	}
	tokA, tokB := []byte("token-hash-a-0123456789abcdef012"), []byte("token-hash-b-0123456789abcdef012")
	devA, devB := uuid.NewString(), uuid.NewString()
	for _, e := range []store.Enrolment{
		{SchoolID: f.School.ID, UserID: f.Ana.ID, DeviceID: devA, DeviceName: "A", TokenHash: tokA, At: now},
		{SchoolID: f.School.ID, UserID: f.Ben.ID, DeviceID: devB, DeviceName: "B", TokenHash: tokB, At: now},
	} {
		if err := s.Enrol(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RevokeDevice(ctx, f.School.ID, devB); err != nil {
		t.Fatal(err)
	}
	if ok, _, err := s.TakeLoginAttempt(ctx, "u:ana", now, store.LoginLimit{Max: 1, Window: time.Hour}); err != nil || !ok {
		t.Fatal(ok, err)
	}
	epoch, _ := s.NewEpoch(ctx)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if e, _ := s.Epoch(ctx); e != epoch {
		t.Errorf("epoch changed on reopen: %s → %s", epoch, e)
	}
	if u, err := s.UserByUsername(ctx, f.School.ID, "ben"); err != nil || u.ID != f.Ben.ID {
		t.Errorf("user after reopen: %+v, %v", u, err)
	}
	if p, err := s.PrincipalByToken(ctx, tokA, now); err != nil || p.User.ID != f.Ana.ID || p.DeviceID != devA {
		t.Errorf("token after reopen: %+v, %v", p, err)
	}
	if _, err := s.PrincipalByToken(ctx, tokB, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked token after reopen: %v", err)
	}
	if devs, _ := s.ListDevices(ctx, f.School.ID); len(devs) != 2 {
		t.Errorf("devices after reopen: %+v", devs)
	}
	if ok, _, _ := s.TakeLoginAttempt(ctx, "u:ana", now, store.LoginLimit{Max: 1, Window: time.Hour}); ok {
		t.Error("login attempts forgotten on reopen")
	}
	p, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, Limit: 10, Viewer: store.ViewerOf(f.Ben)})
	if err != nil || len(p.Records) != 3 || string(p.Records[0].Data) != `{"v":7}` || p.Records[0].Seq != 1 || p.Cursor != 5 {
		t.Fatalf("after reopen: %+v, %v", p, err)
	}
	if r := p.Records[1]; !r.Deleted || r.Seq != 3 || len(r.Data) != 0 {
		t.Errorf("restricted record to a non-author after reopen: %+v", r)
	}
	if _, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: 2, Limit: 10}); !errors.Is(err, store.ErrResyncRequired) {
		t.Errorf("horizon after reopen: %v", err)
	}
	if res := push(s, storetest.Env(gone, storetest.HLC(1, 5), 3)); res[0].Outcome != protocol.Superseded || res[0].HLC != storetest.HLC(2, 0) {
		t.Errorf("stub after reopen: %+v", res[0])
	}
	push(s, storetest.Env(uuid.NewString(), storetest.HLC(1, 0), 10))
	if p, _ := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: 5, Limit: 10}); len(p.Records) != 1 || p.Records[0].Seq != 6 {
		t.Errorf("seq after reopen: %+v", p.Records)
	}
}

// A file from before the purge index (schema 1) gets the index at Open, so
// its old tombstones can still be purged.
func TestUpgradeBuildsPurgeIndex(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "server.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.NewFixture(t, s, "lincoln")
	id := uuid.NewString()
	old := time.Now().Add(-500 * 24 * time.Hour)
	for _, e := range []record.Envelope{storetest.Env(id, storetest.HLC(1, 0), 1), {ID: id, Type: "student", HLC: storetest.HLC(2, 0), Deleted: true}} {
		if _, err := s.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: []record.Envelope{e}, At: old}); err != nil {
			t.Fatal(err)
		}
	}
	// Make it look like schema 1: no tombs bucket, no schema key.
	err = s.db.Update(func(tx *bolt.Tx) error {
		sb, _ := schoolBucket(tx, f.School.ID, false)
		if err := sb.DeleteBucket(bTombs); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Delete(kSchema)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.PurgeTombstones(ctx, time.Now().Add(-400*24*time.Hour)); err != nil || n != 1 {
		t.Errorf("purge after upgrade: %d, %v; want 1", n, err)
	}
}

// A file from schema 2 (no types or refs buckets) gets its read indexes
// built at Open.
func TestUpgradeBuildsReadIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "server.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	check := storetest.IndexedData(t, s)
	err = s.db.Update(func(tx *bolt.Tx) error {
		for _, id := range schoolIDs(tx) {
			sb, _ := schoolBucket(tx, id, false)
			for _, b := range [][]byte{bTypes, bRefs} {
				if err := sb.DeleteBucket(b); err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bMeta).Put(kSchema, u64(2))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check(t, s)
}

// Purge reads only tombstones old enough: a young tombstone, a replaced one
// and a live record stay.
func TestPurgeIndexFollowsReplacements(t *testing.T) {
	ctx := t.Context()
	s := openTemp(t)
	f := storetest.NewFixture(t, s, "lincoln")
	t0 := time.Now().Add(-time.Hour)
	a, b := uuid.NewString(), uuid.NewString()
	pushAt := func(at time.Time, recs ...record.Envelope) {
		t.Helper()
		if _, err := s.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: recs, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	pushAt(t0, record.Envelope{ID: a, Type: "t", HLC: storetest.HLC(1, 0), Deleted: true}, record.Envelope{ID: b, Type: "t", HLC: storetest.HLC(1, 0), Deleted: true})
	pushAt(t0.Add(30*time.Minute), record.Envelope{ID: a, Type: "t", HLC: storetest.HLC(2, 0), Deleted: true}) // a's tombstone is younger now
	if n, _ := s.PurgeTombstones(ctx, t0.Add(time.Minute)); n != 1 {
		t.Errorf("purged %d, want only b", n)
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		sb, _ := schoolBucket(tx, f.School.ID, false)
		if n := sb.Bucket(bTombs).Stats().KeyN; n != 1 {
			return fmt.Errorf("purge index holds %d keys, want 1 (a's latest tombstone)", n)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	pushAt(t0.Add(40*time.Minute), storetest.Env(a, storetest.HLC(3, 0), 3)) // a lives again
	if n, _ := s.PurgeTombstones(ctx, time.Now()); n != 0 {
		t.Errorf("purged %d live records", n)
	}
}
