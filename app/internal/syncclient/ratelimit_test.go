package syncclient

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"smallwins/app/internal/demo"
	"smallwins/app/internal/localstore"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// quickTablet is newTablet without fsync: these tests write thousands of
// records before they sync.
func quickTablet(t testing.TB, cfg Config) *tablet {
	t.Helper()
	st, err := localstore.OpenWith(t.TempDir()+"/tablet.db", localstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cfg.Store = st
	return &tablet{t: t, store: st, syncer: New(cfg), cfg: cfg}
}

// putProbes writes n probes on the tablet (its outbox).
func putProbes(t testing.TB, tb *tablet, n int) {
	t.Helper()
	for i := range n {
		p := record.Probe{StudentID: "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00", Measure: "orf_wcpm", Date: "2025-01-13", Score: float64(i)}
		if _, err := tb.store.Put(bg, record.TypeProbe, "", p, false); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRateLimitedPushKeepsEverything: the real server with a budget of
// 1000 records a minute refuses the third batch of 500 with 429 and
// Retry-After. The sync fails as retryable, waits at least Retry-After,
// keeps the refused records in the outbox (nothing quarantined, nothing
// lost) and says so in words that are not the failed-login ones.
func TestRateLimitedPushKeepsEverything(t *testing.T) {
	srv := newServer(t, "--push-records-per-minute", "1000")
	a := quickTablet(t, Config{BatchRecords: 500})
	a.enrol(srv, "ana")
	putProbes(t, a, 1500)
	err := a.syncer.SyncOnce(bg)
	pe := AsProtocolError(err)
	if pe == nil || pe.Code != protocol.CodeRateLimited || pe.RetryAfter < 1 || pe.RetryAfter > 61 || !Retryable(err) {
		t.Fatalf("sync over the budget: %v (%+v)", err, pe)
	}
	if d := a.syncer.retryDelay(err, 1); d < time.Duration(pe.RetryAfter)*time.Second {
		t.Fatalf("retries after %v, before Retry-After %d s", d, pe.RetryAfter)
	}
	st := a.syncer.State()
	if st.Pending != 500 || st.Quarantined != 0 || st.Conflicts != 0 {
		t.Fatalf("after the 429: %d pending, %d quarantined, %d conflicts; want 500, 0, 0", st.Pending, st.Quarantined, st.Conflicts)
	}
	if !strings.Contains(st.Err, "pacing") || st.Err == PlainEnrolError(err, false) {
		t.Fatalf("the sync's 429 reads %q", st.Err)
	}
	b := newTablet(t, nil, Config{})
	b.enrol(srv, "ben")
	b.sync()
	if l, _ := b.store.List(record.TypeProbe); len(l) != 1000 {
		t.Fatalf("server holds %d probes, want the 1000 within the budget", len(l))
	}
}

// budgetProxy stands in for a server whose records-per-minute budget is
// perWindow: it forwards pushes while they fit and answers the rest 429
// rate_limited with Retry-After: retryAfter, as httpapi does. next() is
// the window moving on (the test's clock).
type budgetProxy struct {
	URL string

	mu      sync.Mutex
	used    int
	refused int
}

func newBudgetProxy(t *testing.T, target string, perWindow, retryAfter int) *budgetProxy {
	u, _ := url.Parse(target)
	rp := httputil.NewSingleHostReverseProxy(u)
	p := &budgetProxy{}
	ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/sync/push") {
			body, _ := io.ReadAll(r.Body)
			var req protocol.PushRequest
			if err := json.Unmarshal(body, &req); err != nil {
				t.Errorf("push body: %v", err)
			}
			p.mu.Lock()
			fits := p.used+len(req.Records) <= perWindow
			if fits {
				p.used += len(req.Records)
			} else {
				p.refused++
			}
			p.mu.Unlock()
			if !fits {
				w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = w.Write([]byte(`{"error":{"code":"rate_limited","message":"too many records"}}`))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(ps.Close)
	p.URL = ps.URL
	return p
}

func (p *budgetProxy) next() { p.mu.Lock(); p.used = 0; p.mu.Unlock() }

// TestRunIsPacedByRateLimit: a tablet with ten windows' worth of records
// syncs them all through Run, waiting each time exactly the server's
// Retry-After: a rate-limited sync that pushed something starts the
// backoff over, so the waits do not grow to minutes (before, the ninth
// wait was up to 256 s for a server that asked for 30).
func TestRunIsPacedByRateLimit(t *testing.T) {
	const records, perWindow, batch, retryAfter = 2000, 200, 100, 30
	srv := newServer(t)
	proxy := newBudgetProxy(t, srv.URL, perWindow, retryAfter)
	var mu sync.Mutex
	var waits []time.Duration
	after := func(d time.Duration) <-chan time.Time {
		c := make(chan time.Time, 1)
		if d < time.Hour { // a retry: the window moves on, the wait ends at once
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			proxy.next()
			c <- time.Now()
		}
		return c
	}
	// The longest jitter, so a backoff that grew would show.
	a := quickTablet(t, Config{After: after, Interval: 2 * time.Hour, BatchRecords: batch, Rand: func(n int64) int64 { return n - 1 }})
	a.enrol(srv, "ana")
	putProbes(t, a, records)
	e, _ := a.store.Enrolment()
	e.ServerURL = proxy.URL
	_ = a.store.SetEnrolment(bg, e)
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { done <- a.syncer.Run(ctx) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if n, _ := a.store.PendingCount(); n == 0 && a.syncer.State().Err == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never finished: %+v", a.syncer.State())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(waits) != records/perWindow-1 {
		t.Fatalf("%d waits (%v), want %d", len(waits), waits, records/perWindow-1)
	}
	for i, d := range waits {
		if d != retryAfter*time.Second {
			t.Fatalf("wait %d = %v, want the server's %d s (all: %v)", i, d, retryAfter, waits)
		}
	}
	if q, _ := a.store.QuarantineCount(); q != 0 {
		t.Fatalf("%d records quarantined", q)
	}
	b := newTablet(t, nil, Config{})
	b.enrol(srv, "ben")
	b.sync()
	if l, _ := b.store.List(record.TypeProbe); len(l) != records {
		t.Fatalf("server holds %d of %d probes", len(l), records)
	}
}

// demoTablets are the demo schools of ADR 0025's figure: the demo of
// `make run` (one interventionist's 12 students over 8 weeks), and a heavy
// tablet: 100 students over a whole school year (36 weeks) never synced.
var demoTablets = []struct {
	name string
	opts demo.Options
}{{"make-run", demo.Options{}}, {"100-students-36-weeks", demo.Options{Students: 100, Weeks: 36}}}

// loadDemo writes the demo school on a fresh tablet enrolled as ana and
// returns it with the number of records.
func loadDemo(t testing.TB, srv *server, o demo.Options) (*tablet, int) {
	t.Helper()
	tb := quickTablet(t, Config{})
	tb.enrol(srv, "ana")
	n, err := demo.Load(bg, tb.store, time.Now(), o)
	if err != nil {
		t.Fatal(err)
	}
	return tb, n
}

// TestDemoFirstSyncFitsPushBudget: a tablet's first sync after a school
// year offline, against the real server with its default records per
// minute, goes through in one sync: the budget never meets a real tablet.
func TestDemoFirstSyncFitsPushBudget(t *testing.T) {
	srv := newServer(t)
	for _, d := range demoTablets {
		tb, n := loadDemo(t, srv, d.opts)
		start := time.Now()
		if err := tb.syncer.SyncOnce(bg); err != nil {
			t.Fatalf("%s: first sync of %d records: %v", d.name, n, err)
		}
		if p, _ := tb.store.PendingCount(); p != 0 {
			t.Fatalf("%s: %d of %d records still pending", d.name, p, n)
		}
		t.Logf("%s: first sync pushed %d records in %v", d.name, n, time.Since(start).Round(time.Millisecond))
	}
}

// BenchmarkDemoFirstSync: the time of a first sync of each demo tablet
// (ADR 0025's figure), against a fresh server each time.
func BenchmarkDemoFirstSync(b *testing.B) {
	for _, d := range demoTablets {
		b.Run(d.name, func(b *testing.B) {
			var n int
			var spent time.Duration
			for range b.N {
				b.StopTimer()
				srv := newServer(b)
				tb, k := loadDemo(b, srv, d.opts)
				n = k
				b.StartTimer()
				start := time.Now()
				if err := tb.syncer.SyncOnce(bg); err != nil {
					b.Fatal(err)
				}
				spent += time.Since(start)
			}
			b.ReportMetric(float64(n), "records")
			b.ReportMetric(spent.Seconds()/float64(b.N), "s/first-sync")
			b.ReportMetric(float64(n)/spent.Seconds()*float64(b.N)*60, "records/min")
		})
	}
}
