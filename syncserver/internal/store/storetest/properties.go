package storetest

import (
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/google/uuid"
	"pgregory.net/rapid"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// testLWWProperty: any interleaving of pushes of the same versions, in any
// batching, leaves the greatest HLC per id (with its data); a device pulling
// incrementally between the pushes and applying what it pulls by §9 (only a
// greater HLC replaces) converges to the same state as a pull from 0.
func testLWWProperty(t *testing.T, open func(t *testing.T) store.Store) {
	s := open(t)
	users := NewFixture(t, s, "p0")
	var n int
	rapid.Check(t, func(rt *rapid.T) {
		// A fresh school per case (one write, not four: the users are only
		// names to Push and Pull here, and a slow disk pays per write).
		n++
		sc, err := s.CreateSchool(ctx, store.School{Slug: fmt.Sprintf("p%d", n), Name: "p"})
		if err != nil {
			rt.Fatalf("create school: %v", err)
		}
		f := users
		f.School = sc
		ids := []string{uuid.NewString(), uuid.NewString(), uuid.NewString()}
		var versions []record.Envelope
		want := map[string]record.Envelope{}
		seen := map[string]bool{}
		for i := 0; i < rapid.IntRange(1, 15).Draw(rt, "versions"); i++ {
			id := ids[rapid.IntRange(0, 2).Draw(rt, "id")]
			h := HLC(rapid.Int64Range(0, 5).Draw(rt, "wall"), rapid.IntRange(0, 2).Draw(rt, "logical"))
			if seen[id+h] {
				continue // one HLC names one version
			}
			seen[id+h] = true
			v := Env(id, h, i)
			if rapid.Bool().Draw(rt, "deleted") {
				v = tomb(id, h)
			}
			versions = append(versions, v)
			if h > want[id].HLC {
				want[id] = v
			}
		}
		order := rapid.Permutation(versions).Draw(rt, "order")
		local := map[string]record.Envelope{} // an incremental puller's copy
		var cursor int64
		for len(order) > 0 {
			k := rapid.IntRange(1, len(order)).Draw(rt, "batch")
			inBatch := map[string]bool{}
			var b, rest []record.Envelope
			for _, v := range order[:k] {
				if inBatch[v.ID] {
					rest = append(rest, v) // one id per batch (PROTOCOL §5)
					continue
				}
				inBatch[v.ID] = true
				b = append(b, v)
			}
			// Each pushes as whoever: LWW does not depend on the pusher.
			u := []store.User{f.Ana, f.Ben, f.Admin}[rapid.IntRange(0, 2).Draw(rt, "pusher")]
			res := push(rt, s, f, u, b...)
			for i, r := range res {
				ok := false
				switch r.Outcome {
				case protocol.Applied, protocol.Unchanged:
					ok = r.HLC == b[i].HLC
				case protocol.Superseded:
					ok = r.HLC > b[i].HLC
				}
				if !ok {
					rt.Fatalf("result %+v for pushed %s", r, b[i].HLC)
				}
			}
			order = append(rest, order[k:]...)
			if rapid.Bool().Draw(rt, "pull between") {
				var got map[string]record.Envelope
				got, cursor = pullAll(rt, s, f, f.Ben, cursor)
				for id, e := range got {
					if e.HLC > local[id].HLC {
						local[id] = e
					}
				}
			}
		}
		got, _ := pullAll(rt, s, f, f.Ben, cursor)
		for id, e := range got {
			if e.HLC > local[id].HLC {
				local[id] = e
			}
		}
		full, _ := pullAll(rt, s, f, f.Ben, 0)
		if len(full) != len(want) || len(local) != len(want) {
			rt.Fatalf("pulled %d ids from 0, %d incrementally; want %d", len(full), len(local), len(want))
		}
		for id, w := range want {
			for name, g := range map[string]record.Envelope{"from 0": full[id], "incremental": local[id]} {
				if g.HLC != w.HLC || g.Deleted != w.Deleted || string(g.Data) != string(w.Data) {
					rt.Fatalf("%s: id %s holds %s %s, want max %s %s", name, id, g.HLC, g.Data, w.HLC, w.Data)
				}
			}
		}
	})
}

// testConcurrentNoSkip: §6 "no skipped records, ever". Pullers running beside
// pushers, each walking the cursor as a device does, end up with every
// applied id.
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
				res, err := s.Push(ctx, batch(f, f.Ana, recs...))
				if err != nil {
					t.Error(err)
					return
				}
				for _, r := range res {
					if r.Outcome == protocol.Applied {
						applied <- r.ID
					}
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
				p, err := s.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: cursor, Limit: 13, Viewer: store.ViewerOf(f.Ben)})
				if err != nil {
					t.Error(err)
					return
				}
				for _, e := range p.Records {
					if e.Seq <= cursor {
						t.Errorf("puller %d: seq %d at cursor %d", q, e.Seq, cursor)
						return
					}
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
		t.Fatalf("applied %d, want %d", len(ids), pushers*batches*perBatch)
	}
	for q, seen := range results {
		if len(seen) != len(ids) {
			t.Errorf("puller %d saw %d ids, want %d", q, len(seen), len(ids))
		}
		for _, id := range ids {
			if !seen[id] {
				t.Fatalf("puller %d skipped %s", q, id)
			}
		}
	}
}

// testConcurrentSchools: pushes to two schools at once, with the same ids,
// keep each school's records and seqs its own.
func testConcurrentSchools(t *testing.T, s store.Store) {
	x, y := NewFixture(t, s, "x"), NewFixture(t, s, "y")
	const rounds, per = 10, 10
	ids := make([]string, rounds*per)
	for i := range ids {
		ids[i] = uuid.NewString()
	}
	var wg sync.WaitGroup
	for k, f := range []Fixture{x, y} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				var recs []record.Envelope
				for i := 0; i < per; i++ {
					recs = append(recs, Env(ids[r*per+i], HLC(int64(r), k), k))
				}
				if _, err := s.Push(ctx, batch(f, f.Ana, recs...)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for k, f := range []Fixture{x, y} {
		got, cursor := pullAll(t, s, f, f.Admin, 0)
		if len(got) != rounds*per || cursor != rounds*per {
			t.Errorf("school %d: %d records, cursor %d", k, len(got), cursor)
		}
		for _, e := range got {
			if string(e.Data) != fmt.Sprintf(`{"v":%d}`, k) {
				t.Fatalf("school %d holds %s", k, e.Data)
			}
		}
	}
}
