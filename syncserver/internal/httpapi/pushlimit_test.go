package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/pgstore"
	"smallwins/syncserver/internal/pgtest"
)

// stepClock is a server clock that moves only when told.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *stepClock) add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// heldCount is how many records d's pull returns (pages of 5000).
func (e *env) heldCount(d device) int {
	e.t.Helper()
	n, after := 0, int64(0)
	for {
		s, body := e.do("GET", fmt.Sprintf("/v1/sync/pull?after=%d&limit=5000", after), d.token, nil)
		if s != 200 {
			e.t.Fatalf("pull: %d %s", s, body)
		}
		p, err := protocol.DecodePull(body)
		if err != nil {
			e.t.Fatal(err)
		}
		n += len(p.Records)
		if after = p.Cursor; !p.More {
			return n
		}
	}
}

// wantRateLimited checks a 429 rate_limited whose Retry-After is a whole
// number of seconds in [lo, hi], and returns it.
func wantRateLimited(t *testing.T, r pushResult, lo, hi int) int {
	t.Helper()
	ra, err := strconv.Atoi(r.retryAfter)
	if r.status != http.StatusTooManyRequests || r.code != protocol.CodeRateLimited || err != nil || ra < lo || ra > hi {
		t.Fatalf("got %d %s Retry-After %q, want 429 rate_limited with Retry-After in [%d, %d]", r.status, r.code, r.retryAfter, lo, hi)
	}
	return ra
}

// TestPushOverRecordsPerMinuteIs429: with the default budget a device pushes
// 20,000 records in a minute; the 20,001st is refused with 429 rate_limited
// and a Retry-After, nothing of the refused batch is stored, another device
// is not held back, and after Retry-After the device pushes again. Both
// stores: the limit is the API's, the refused batch must reach neither.
func TestPushOverRecordsPerMinuteIs429(t *testing.T) {
	for _, name := range []string{"bbolt", "postgres"} {
		t.Run(name, func(t *testing.T) {
			clock := &stepClock{now: time.Now()}
			e := newLimitEnv(t, name, Config{Now: clock.Now})
			testPushOverRecordsPerMinute(t, e, clock)
		})
	}
}

// newLimitEnv is newEnvWith on bbolt or PostgreSQL.
func newLimitEnv(t *testing.T, storeName string, cfg Config) *env {
	t.Helper()
	if storeName == "bbolt" {
		return newEnvWith(t, cfg)
	}
	st, err := pgstore.Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, logs: &bytes.Buffer{}}
	cfg.Store, cfg.Logger, cfg.Passwords, cfg.MetricsOnMain = st, slog.New(slog.NewJSONHandler(e.logs, nil)), testPasswords, true
	e.api = New(cfg)
	e.srv = httptest.NewServer(e.api.Handler())
	t.Cleanup(func() { e.srv.Close(); st.Close() })
	seedSchools(t, st)
	return e
}

func testPushOverRecordsPerMinute(t *testing.T, e *env, clock *stepClock) {
	ana, other := e.enrol("lincoln", "ana"), e.enrol("lincoln", "ana")
	for i := range DefaultPushRecordsPerMinute / protocol.MaxPushRecords {
		if r := e.pushRaw(ana, pushBody(ana, protocol.MaxPushRecords, 20)); r.status != 200 {
			t.Fatalf("batch %d within the budget: %d %s", i, r.status, r.code)
		}
		clock.add(time.Second)
	}
	// 20 s after the first batch: that batch leaves the window 41 to 42 s
	// from now (a second's slot is counted for 61 seconds).
	one := pushBody(ana, 1, 20)
	ra := wantRateLimited(t, e.pushRaw(ana, one), 41, 42)
	if got := e.heldCount(ana); got != DefaultPushRecordsPerMinute {
		t.Fatalf("held %d records, want the %d pushed before the refusal", got, DefaultPushRecordsPerMinute)
	}
	if r := e.pushRaw(other, pushBody(other, protocol.MaxPushRecords, 20)); r.status != 200 {
		t.Fatalf("another device of the same user: %d %s", r.status, r.code)
	}
	// A refused push is refused before its body is read: even a broken
	// one gets the 429, not a 400.
	wantRateLimited(t, e.pushRaw(ana, []byte(`{"records": [`)), 1, 61)
	clock.add(time.Duration(ra-1) * time.Second)
	wantRateLimited(t, e.pushRaw(ana, one), 1, 1)
	clock.add(time.Second)
	if r := e.pushRaw(ana, one); r.status != 200 {
		t.Fatalf("after Retry-After: %d %s", r.status, r.code)
	}
	// One batch left the window and one record came in: a full batch is
	// refused whole, a batch that fits passes.
	r := e.pushRaw(ana, pushBody(ana, protocol.MaxPushRecords, 20))
	wantRateLimited(t, r, 1, 61)
	if r := e.pushRaw(ana, pushBody(ana, protocol.MaxPushRecords-1, 20)); r.status != 200 {
		t.Fatalf("a batch that fits: %d %s", r.status, r.code)
	}
	// The budget's, the other device's batch, the one record, the batch
	// that fitted.
	if got, want := e.heldCount(ana), DefaultPushRecordsPerMinute+protocol.MaxPushRecords+1+protocol.MaxPushRecords-1; got != want {
		t.Fatalf("held %d records, want %d: a refused batch was stored", got, want)
	}
	if got := e.metricValue("syncserver_push_rate_limited_total"); got != "4" {
		t.Fatalf("syncserver_push_rate_limited_total = %s, want 4", got)
	}
}

// TestPushLimitHoldsUnderConcurrency: parallel pushes of one device never
// pass on the same remaining budget: exactly the limit is applied, every
// other batch is refused whole with 429 and is not stored.
func TestPushLimitHoldsUnderConcurrency(t *testing.T) {
	const limit, batch, pushers = 5000, 500, 24
	clock := &stepClock{now: time.Now()}
	e := newEnvWith(t, Config{Now: clock.Now, PushRecordsPerMinute: limit})
	ana := e.enrol("lincoln", "ana")
	bodies := make([][]byte, pushers)
	for i := range bodies {
		bodies[i] = pushBody(ana, batch, 20)
	}
	results := make([]pushResult, pushers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range pushers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = e.pushRaw(ana, bodies[i])
		}()
	}
	close(start)
	wg.Wait()
	applied := 0
	for _, r := range results {
		switch {
		case r.status == 200:
			applied += batch
		default:
			wantRateLimited(t, r, 1, 61)
		}
	}
	if applied != limit {
		t.Fatalf("%d records applied by %d parallel pushes, want exactly the limit %d", applied, pushers, limit)
	}
	if got := e.heldCount(ana); got != limit {
		t.Fatalf("held %d records, want %d", got, limit)
	}
}

// TestPushLimiterForgetsIdleDevices: the limiter's memory follows the
// devices pushing in the last minute or two, not every device ever seen.
func TestPushLimiterForgetsIdleDevices(t *testing.T) {
	clock := &stepClock{now: time.Now()}
	e := newEnvWith(t, Config{Now: clock.Now})
	devs := make([]device, 30)
	for i := range devs {
		devs[i] = e.enrol("lincoln", "ben")
		if r := e.pushRaw(devs[i], pushBody(devs[i], 1, 20)); r.status != 200 {
			t.Fatalf("push: %d %s", r.status, r.code)
		}
	}
	if got := e.metricValue("syncserver_push_limiter_devices"); got != "30" {
		t.Fatalf("devices held = %s, want 30", got)
	}
	clock.add(2 * time.Minute)
	if r := e.pushRaw(devs[0], pushBody(devs[0], 1, 20)); r.status != 200 {
		t.Fatalf("push: %d %s", r.status, r.code)
	}
	if got := e.metricValue("syncserver_push_limiter_devices"); got != "1" {
		t.Fatalf("devices held after two idle minutes = %s, want 1", got)
	}
}

// TestPushWindow: the window's arithmetic, second by second.
func TestPushWindow(t *testing.T) {
	l := newPushLimiter(1000)
	at := func(sec int64) time.Time { return time.Unix(sec, 0) }
	const t0 = 1_700_000_000
	if ok, _ := l.take("d", 600, at(t0)); !ok {
		t.Fatal("first take refused")
	}
	if ok, _ := l.take("d", 300, at(t0+30)); !ok {
		t.Fatal("second take refused")
	}
	// 900 counted: 101 more wait until the t0 slot leaves (t0+61), 100 fit.
	if ok, wait := l.take("d", 101, at(t0+45)); ok || wait != 16*time.Second {
		t.Fatalf("take 101 at +45: %v, wait %v; want refused, 16s", ok, wait)
	}
	if ok, _ := l.take("d", 100, at(t0+45)); !ok {
		t.Fatal("take 100 at +45 refused")
	}
	if full, wait := l.full("d", at(t0+45)); !full || wait != 16*time.Second {
		t.Fatalf("full at +45: %v, %v", full, wait)
	}
	// At +60 the t0 slot is still counted (a record is counted for at
	// least a full minute); at +61 it has left.
	if ok, _ := l.take("d", 1, at(t0+60)); ok {
		t.Fatal("the first slot left the window before a full minute")
	}
	if ok, _ := l.take("d", 600, at(t0+61)); !ok {
		t.Fatal("the first slot did not leave the window after 61 s")
	}
	// A clock that goes back counts into the newest second, it does not
	// reopen the window.
	if ok, _ := l.take("d", 1, at(t0)); ok {
		t.Fatal("a clock going back reopened the budget")
	}
	// Long idle: everything left.
	if ok, _ := l.take("d", 1000, at(t0+1000)); !ok {
		t.Fatal("a whole batch refused after a long idle")
	}
	if got := errPushRateLimited(1500 * time.Millisecond).(*protocol.Error).RetryAfter; got != 2 {
		t.Fatalf("Retry-After of 1.5 s = %d, want 2 (rounded up)", got)
	}
}

// TestPushLimitBelowOneBatch: a limit below one batch could refuse a legal
// push forever, so the limiter never holds one.
func TestPushLimitBelowOneBatch(t *testing.T) {
	l := newPushLimiter(10)
	if ok, _ := l.take("d", protocol.MaxPushRecords, time.Unix(1_700_000_000, 0)); !ok || l.limit != protocol.MaxPushRecords {
		t.Fatalf("a full batch under a limit of 10: taken %v, limit %d", ok, l.limit)
	}
}
