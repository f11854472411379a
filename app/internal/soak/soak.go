// Package soak runs many simulated tablets — real local stores and real sync
// clients — against one server for a bounded time, doing sessions, probes
// and notes with random offline spells, and ends with a convergence check:
// every tablet and the server hold identical records, nothing lost.
package soak

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/repo"
	"smallwins/app/internal/syncclient"
	"smallwins/shared/record"
)

// Config of one soak run.
type Config struct {
	ServerURL string
	ServerPID int // for memory samples; 0 skips them
	Dir       string
	Tablets   int
	Duration  time.Duration
	Seed      uint64
	Logf      func(format string, args ...any)
}

// MemSample is the server's resident memory at a moment.
type MemSample struct {
	At     time.Duration
	RSSKiB int64
}

// Report is what a run measured.
type Report struct {
	Tablets           int
	Duration          time.Duration
	Requests, Errors  int64
	RequestsPerSecond float64
	P50, P99          time.Duration
	Writes            int64
	Records           int
	Memory            []MemSample
	Converged         bool
	Problems          []string
}

// meter is an http.RoundTripper that counts requests and their latency.
type meter struct {
	next      http.RoundTripper
	requests  atomic.Int64
	errors    atomic.Int64
	mu        sync.Mutex
	latencies []time.Duration
}

func (m *meter) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := m.next.RoundTrip(r)
	m.requests.Add(1)
	if err != nil || resp.StatusCode >= 500 {
		m.errors.Add(1)
	}
	m.mu.Lock()
	m.latencies = append(m.latencies, time.Since(start))
	m.mu.Unlock()
	return resp, err
}

var soakTypes = []string{record.TypeSession, record.TypeProbe, record.TypeNote}

// Run runs the soak and checks convergence at the end.
func Run(ctx context.Context, cfg Config) (Report, error) {
	logf := cfg.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	m := &meter{next: &http.Transport{MaxIdleConnsPerHost: 4}}
	hc := &http.Client{Transport: m, Timeout: 30 * time.Second}
	type tab struct {
		store  *localstore.Store
		syncer *syncclient.Syncer
		rng    *rand.Rand
	}
	tabs := make([]*tab, cfg.Tablets)
	for i := range tabs {
		st, err := localstore.Open(filepath.Join(cfg.Dir, fmt.Sprintf("tablet-%03d.db", i)))
		if err != nil {
			return Report{}, err
		}
		defer st.Close()
		sy := syncclient.New(syncclient.Config{Store: st, HTTP: hc})
		if _, err := sy.Enrol(ctx, syncclient.EnrolParams{ServerURL: cfg.ServerURL, School: "soak", Username: "ivy", Password: Password,
			DeviceName: fmt.Sprintf("soak tablet %d", i)}); err != nil {
			return Report{}, fmt.Errorf("soak: enrol tablet %d: %w", i, err)
		}
		tabs[i] = &tab{store: st, syncer: sy, rng: rand.New(rand.NewPCG(cfg.Seed, uint64(i)))}
	}
	rep := Report{Tablets: cfg.Tablets}
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	var writes atomic.Int64
	memDone := make(chan struct{})
	var memWG sync.WaitGroup
	if cfg.ServerPID > 0 {
		memWG.Add(1)
		go func() {
			defer memWG.Done()
			t := time.NewTicker(max(cfg.Duration/20, time.Second))
			defer t.Stop()
			for {
				rep.Memory = append(rep.Memory, MemSample{At: time.Since(start).Round(time.Second), RSSKiB: RSS(cfg.ServerPID)})
				select {
				case <-memDone:
					return
				case <-t.C:
				}
			}
		}()
	}
	var wg sync.WaitGroup
	for i, tb := range tabs {
		wg.Add(1)
		go func(i int, tb *tab) {
			defer wg.Done()
			offlineUntil := time.Time{}
			group, program := localstore.NewID(), localstore.NewID()
			students := []string{localstore.NewID(), localstore.NewID(), localstore.NewID()}
			for time.Now().Before(deadline) && ctx.Err() == nil {
				switch tb.rng.IntN(3) {
				case 0: // a session: started, a few taps, delivered
					s := record.Session{GroupID: group, ProgramID: program, Date: record.DateOf(time.Now()).String(), Status: record.SessionInProgress,
						Fidelity: []record.StepMark{}}
					for _, st := range students {
						s.Attendance = append(s.Attendance, record.Attendance{StudentID: st, Status: record.Present})
					}
					d, err := repo.Put(ctx, tb.store, "", s, false)
					for step := 0; err == nil && step < 4; step++ {
						s.Fidelity = append(s.Fidelity, record.StepMark{StepID: fmt.Sprintf("s%d", step+1), Status: record.StepDone})
						_, err = repo.Put(ctx, tb.store, d.ID, s, false)
						writes.Add(1)
					}
					if err == nil {
						s.Status, s.Minutes = record.SessionDelivered, 30
						_, err = repo.Put(ctx, tb.store, d.ID, s, false)
					}
					if err != nil {
						logf("tablet %d: session: %v", i, err)
					}
				case 1:
					_, err := repo.Put(ctx, tb.store, "", record.Probe{StudentID: students[tb.rng.IntN(3)], Measure: "orf_wcpm",
						Date: record.DateOf(time.Now()).String(), Score: float64(20 + tb.rng.IntN(60))}, false)
					if err != nil {
						logf("tablet %d: probe: %v", i, err)
					}
				case 2:
					_, err := repo.PutNote(ctx, tb.store, "", record.Note{StudentID: students[tb.rng.IntN(3)], AuthorID: "ivy", Body: "guessing at -ing words",
						Category: record.NoteAcademic}, false)
					if err != nil {
						logf("tablet %d: note: %v", i, err)
					}
				}
				writes.Add(1)
				now := time.Now()
				if now.Before(offlineUntil) {
					time.Sleep(time.Duration(50+tb.rng.IntN(150)) * time.Millisecond)
					continue
				}
				if tb.rng.IntN(10) == 0 { // an offline spell: a room with no network
					offlineUntil = now.Add(time.Duration(1+tb.rng.IntN(5)) * time.Second)
					continue
				}
				_ = tb.syncer.SyncOnce(ctx) // errors are counted by the meter and retried next time
				time.Sleep(time.Duration(100+tb.rng.IntN(400)) * time.Millisecond)
			}
		}(i, tb)
	}
	wg.Wait()
	rep.Duration = time.Since(start)
	close(memDone)
	memWG.Wait()
	rep.Requests, rep.Errors, rep.Writes = m.requests.Load(), m.errors.Load(), writes.Load()
	rep.RequestsPerSecond = float64(rep.Requests) / rep.Duration.Seconds()
	m.mu.Lock()
	lat := append([]time.Duration(nil), m.latencies...)
	m.mu.Unlock()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		rep.P50, rep.P99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}

	// Convergence: everyone pushes, then everyone pulls; then compare.
	for pass := 0; pass < 2; pass++ {
		for i, tb := range tabs {
			if err := tb.syncer.SyncOnce(ctx); err != nil {
				rep.Problems = append(rep.Problems, fmt.Sprintf("final sync of tablet %d: %v", i, err))
			}
		}
	}
	ref, err := holdings(tabs[0].store)
	if err != nil {
		return rep, err
	}
	rep.Records = len(ref)
	for i, tb := range tabs {
		got, err := holdings(tb.store)
		if err != nil {
			return rep, err
		}
		if n, _ := tb.store.PendingCount(); n != 0 {
			rep.Problems = append(rep.Problems, fmt.Sprintf("tablet %d has %d unsynced versions", i, n))
		}
		if len(got) != len(ref) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("tablet %d holds %d records, tablet 0 holds %d", i, len(got), len(ref)))
			continue
		}
		for id, h := range ref {
			if got[id] != h {
				rep.Problems = append(rep.Problems, fmt.Sprintf("tablet %d: %s at %q, tablet 0 at %q", i, id, got[id], h))
				break
			}
		}
	}
	rep.Converged = len(rep.Problems) == 0
	return rep, nil
}

// holdings maps id → HLC of every soak record in a store.
func holdings(st *localstore.Store) (map[string]string, error) {
	out := map[string]string{}
	for _, typ := range soakTypes {
		envs, err := st.List(typ)
		if err != nil {
			return nil, err
		}
		for _, e := range envs {
			out[e.ID] = e.HLC
		}
	}
	return out, nil
}

// Print writes a report for people.
func (r Report) Print(logf func(string, ...any)) {
	logf("soak: %d tablets for %s", r.Tablets, r.Duration.Round(time.Second))
	logf("  requests %d (%.1f/s), errors %d, latency p50 %s p99 %s", r.Requests, r.RequestsPerSecond, r.Errors, r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond))
	logf("  local writes %d, records held everywhere %d", r.Writes, r.Records)
	for _, m := range r.Memory {
		logf("  server RSS at %s: %d MiB", m.At, m.RSSKiB/1024)
	}
	if r.Converged {
		logf("  converged: every tablet holds the same %d records, nothing unsynced", r.Records)
	}
	for _, p := range r.Problems {
		logf("  PROBLEM: %s", p)
	}
}
