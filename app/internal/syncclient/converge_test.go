package syncclient

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"smallwins/app/internal/localstore"
	"smallwins/shared/protocol"
)

// simTablet is one tablet of the convergence test.
type simTablet struct {
	name   string
	path   string
	skew   time.Duration
	mu     sync.Mutex
	store  *localstore.Store
	syncer *Syncer
	cut    bool // partitioned: cannot reach the server
	hc     *http.Client
}

func (s *simTablet) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Now().Add(s.skew)
}

// ackLog records, from the wire, the data tokens the server acknowledged
// (applied or unchanged) in push responses: the real server's own word.
type ackLog struct {
	mu    sync.Mutex
	acked map[string]bool
}

func (a *ackLog) transport() http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		var sent protocol.PushRequest
		isPush := strings.HasSuffix(r.URL.Path, "/sync/push")
		if isPush && r.Body != nil {
			b, _ := io.ReadAll(r.Body)
			plain := b
			if r.Header.Get("Content-Encoding") == "gzip" {
				if zr, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
					plain, _ = io.ReadAll(zr)
				}
			}
			_ = json.Unmarshal(plain, &sent)
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err != nil || !isPush || resp.StatusCode != http.StatusOK || len(sent.Records) == 0 {
			return resp, err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(b))
		var pr protocol.PushResponse
		if json.Unmarshal(b, &pr) == nil && len(pr.Results) == len(sent.Records) {
			a.mu.Lock()
			for i, res := range pr.Results {
				if res.Outcome != protocol.Superseded {
					if tok := token(sent.Records[i].Data); tok != "" {
						a.acked[tok] = true
					}
				}
			}
			a.mu.Unlock()
		}
		return resp, nil
	})
}

func token(data json.RawMessage) string {
	var d struct {
		Tok string `json:"tok"`
	}
	_ = json.Unmarshal(data, &d)
	return d.Tok
}

// TestConvergence: several tablets, each a real store, against the real
// server, with random edits and deletes, partitions, clock skews from
// minutes to a year, and app restarts. After everyone syncs, all stores are
// identical, and every version ever written is current, a visible loser on
// its tablet, acknowledged by the server before a newer one replaced it, or
// replaced on its own tablet before it was ever sent.
func TestConvergence(t *testing.T) {
	srv := newServer(t)
	iter := 0
	var totalVersions, totalLosers, totalRestarts, totalCuts, totalRestores int
	defer func() {
		t.Logf("%d runs: %d versions written, %d kept as losers, %d restarts, %d partitions, %d server restores",
			iter, totalVersions, totalLosers, totalRestarts, totalCuts, totalRestores)
	}()
	// A pool of tablets, enrolled once (enrolment hashes a password: slow)
	// and carried from run to run: each run starts where the last one
	// converged, with new clock skews, and uses the first n of them.
	acks := &ackLog{acked: map[string]bool{}}
	dir := t.TempDir()
	var pool []*simTablet
	defer func() {
		for _, st := range pool {
			_ = st.store.Close()
		}
	}()
	skews := []time.Duration{0, 3 * time.Minute, -7 * time.Minute, 2 * time.Hour, -26 * time.Hour, 365 * 24 * time.Hour, -300 * 24 * time.Hour}
	rapid.Check(t, func(rt *rapid.T) {
		iter++
		acks.mu.Lock()
		acks.acked = map[string]bool{}
		acks.mu.Unlock()
		n := rapid.IntRange(2, 5).Draw(rt, "tablets")
		for len(pool) < n {
			i := len(pool)
			st := &simTablet{name: fmt.Sprintf("t%d", i), path: filepath.Join(dir, fmt.Sprintf("t%d.db", i)),
				hc: &http.Client{Transport: acks.transport(), Timeout: time.Minute}}
			st.open(rt)
			user := []string{"ana", "ben"}[i%2]
			resp, err := NewClient(srv.URL, "", nil).Enrol(bg, protocol.EnrolRequest{School: school, Username: user,
				Password: password, DeviceID: st.store.DeviceID(), DeviceName: st.name})
			if err != nil {
				rt.Fatal(err)
			}
			// Saved without observing the server time: a skew stays until
			// the first push or pull answers.
			if err := st.store.SetEnrolment(bg, localstore.Enrolment{ServerURL: srv.URL, SchoolID: resp.School.ID, Token: resp.Token}); err != nil {
				rt.Fatal(err)
			}
			pool = append(pool, st)
		}
		ts := pool[:n]
		for _, st := range ts {
			st.mu.Lock()
			st.skew = rapid.SampledFrom(skews).Draw(rt, "skew") // the clock jumps between runs
			st.mu.Unlock()
			st.cut = false
			e, _ := st.store.Enrolment()
			if e.ServerURL != srv.URL { // the server moved (restored) in an earlier run
				e.ServerURL = srv.URL
				_ = st.store.SetEnrolment(bg, e)
			}
		}
		pending := map[string]map[string]bool{} // tablet → tokens written, not yet sent
		replaced := map[string]bool{}           // tokens replaced on their own tablet before sending
		written := map[string]string{}          // token → tablet
		counter := 0
		// Some runs also restore the server from a backup taken now, with a
		// new epoch (PROTOCOL §7), at random moments.
		var backup []byte
		repoint := func() {
			for _, st := range pool {
				e, err := st.store.Enrolment()
				if err != nil {
					rt.Fatal(err)
				}
				e.ServerURL = srv.URL
				if err := st.store.SetEnrolment(bg, e); err != nil {
					rt.Fatal(err)
				}
			}
		}
		if rapid.IntRange(0, 3).Draw(rt, "restores") == 0 {
			srv.stop()
			b, err := os.ReadFile(srv.db)
			if err != nil {
				rt.Fatal(err)
			}
			backup = b
			srv.start()
			repoint()
		}
		steps := rapid.IntRange(5, 60).Draw(rt, "steps")
		for step := 0; step < steps; step++ {
			st := ts[rapid.IntRange(0, n-1).Draw(rt, "tablet")]
			switch rapid.IntRange(0, 10).Draw(rt, "op") {
			case 10: // the server is restored from the backup, with a new epoch
				if backup == nil {
					break
				}
				srv.stop()
				if err := os.WriteFile(srv.db, backup, 0o600); err != nil {
					rt.Fatal(err)
				}
				srv.cli("", "epoch", "new", "--db", srv.db)
				srv.start()
				repoint()
				totalRestores++
			case 0, 1, 2, 3: // write: a new record or an edit of one this tablet holds
				live, _ := st.store.List("thing")
				id := ""
				if len(live) > 0 && rapid.IntRange(0, 2).Draw(rt, "edit") > 0 {
					id = live[rapid.IntRange(0, len(live)-1).Draw(rt, "which")].ID
				}
				counter++
				tok := fmt.Sprintf("i%d-%s-%d", iter, st.name, counter)
				if id != "" {
					if prev, err := st.store.Get(id); err == nil && pending[st.name][token(prev.Data)] {
						replaced[token(prev.Data)] = true
					}
				}
				if _, err := st.store.Put(bg, "thing", id, mustJSON(map[string]any{"tok": tok, "n": counter}), false); err != nil {
					rt.Fatal(err)
				}
				if pending[st.name] == nil {
					pending[st.name] = map[string]bool{}
				}
				pending[st.name][tok] = true
				written[tok] = st.name
				totalVersions++
			case 4: // delete
				live, _ := st.store.List("thing")
				if len(live) > 0 {
					e := live[rapid.IntRange(0, len(live)-1).Draw(rt, "victim")]
					if pending[st.name][token(e.Data)] {
						replaced[token(e.Data)] = true
					}
					if _, err := st.store.Delete(bg, e.ID); err != nil {
						rt.Fatal(err)
					}
				}
			case 5, 6, 7: // sync
				if !st.cut {
					pending[st.name] = map[string]bool{}
					if err := st.syncer.SyncOnce(bg); err != nil {
						rt.Fatalf("%s sync: %v", st.name, err)
					}
				}
			case 8: // partition or heal
				st.cut = !st.cut
				totalCuts++
			case 9: // restart, sometimes with the clock changed
				st.mu.Lock()
				if rapid.Bool().Draw(rt, "clockjump") {
					st.skew = rapid.SampledFrom(skews).Draw(rt, "newskew")
				}
				st.mu.Unlock()
				totalRestarts++
				if err := st.store.Close(); err != nil {
					rt.Fatal(err)
				}
				st.open(rt)
			}
		}
		// Heal and let everyone sync twice: push all, then pull all.
		for round := 0; round < 2; round++ {
			for _, st := range ts {
				if err := st.syncer.SyncOnce(bg); err != nil {
					rt.Fatalf("final sync %s: %v", st.name, err)
				}
			}
		}
		ref := snapshot(rt, ts[0].store)
		for _, st := range ts[1:] {
			got := snapshot(rt, st.store)
			if got != ref {
				rt.Fatalf("%s differs from %s:\n%s\n---\n%s", st.name, ts[0].name, got, ref)
			}
		}
		current := map[string]bool{}
		all, _ := ts[0].store.All()
		for _, e := range all {
			if tok := token(e.Data); tok != "" {
				current[tok] = true
			}
		}
		losers := map[string]string{}
		for _, st := range ts {
			if n, _ := st.store.PendingCount(); n != 0 {
				rt.Fatalf("%s still has %d pending after the final syncs", st.name, n)
			}
			cs, _ := st.store.Conflicts()
			for _, c := range cs {
				tok := token(c.Loser.Data)
				if _, now := written[tok]; now && losers[tok] == "" {
					totalLosers++
				}
				losers[tok] = st.name
			}
		}
		for tok, by := range written {
			switch {
			case current[tok], losers[tok] == by, replaced[tok], acks.acked[tok]:
			default:
				rt.Fatalf("version %s written by %s vanished: not current, not a loser, never acknowledged", tok, by)
			}
		}
	})
}

func (s *simTablet) open(rt *rapid.T) {
	// No fsync here: this test is about convergence, TestCrashSafety about
	// durability; it keeps the run short.
	st, err := localstore.OpenWith(s.path, localstore.Options{Now: s.now, NoSync: true})
	if err != nil {
		rt.Fatal(err)
	}
	s.store = st
	s.syncer = New(Config{Store: st, HTTP: s.hc, Now: s.now})
}

// snapshot renders a store's records (id, hlc, deleted, data) for comparison.
func snapshot(rt *rapid.T, s *localstore.Store) string {
	all, err := s.All()
	if err != nil {
		rt.Fatal(err)
	}
	var b strings.Builder
	for _, e := range all {
		// Data compared as JSON values: a store may re-encode it.
		var v any
		_ = json.Unmarshal(e.Data, &v)
		d, _ := json.Marshal(v)
		fmt.Fprintf(&b, "%s %s %v %s\n", e.ID, e.HLC, e.Deleted, d)
	}
	return b.String()
}
