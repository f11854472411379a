package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"

	"smallwins/syncserver/internal/pgtest"
)

var errInterrupted = errors.New("interrupted")

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return errInterrupted
	case <-time.After(d):
		return nil
	}
}

func between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + rand.N(hi-lo)
}

func killAll(svs []*server) {
	for _, sv := range svs {
		sv.kill()
	}
}

// enrolAll enrols the campaign's devices once; their tokens live in the
// store, so they survive every restart like a tablet's would.
func enrolAll(ctx context.Context, url string, n int) ([]*device, error) {
	devs := make([]*device, n)
	for i := range devs {
		d, err := enrol(ctx, url, users[i%len(users)])
		if err != nil {
			return nil, err
		}
		devs[i] = d
	}
	return devs, nil
}

// checkAnomalies turns push results that break PROTOCOL §5 into an error.
func checkAnomalies(l *ledger) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.anomalies) > 0 {
		return fmt.Errorf("push results break PROTOCOL §5: %v", l.anomalies)
	}
	return nil
}

// report prints up to 10 lost versions and fills the summary.
func report(out io.Writer, s *summary, res checkResult) {
	s.ids, s.held, s.lost = res.checked, res.held, len(res.lost)
	for i, m := range res.lost {
		if i == 10 {
			fmt.Fprintf(out, "  … and %d more\n", len(res.lost)-10)
			break
		}
		fmt.Fprintf(out, "  LOST %s\n", m)
	}
}

// killRounds is the server kill -9 campaign on one store. With maxInstances
// 2 (PostgreSQL), even rounds run two servers on the one database, pushers
// spread over both, and the two die at different random moments.
func killRounds(ctx context.Context, c config, out io.Writer, logw io.Writer, mode string, st store, maxInstances int) (summary, error) {
	s := summary{mode: mode, instances: "1"}
	if maxInstances > 1 {
		s.instances = "1-or-2"
	}
	if err := setupStore(c.bin, st); err != nil {
		return s, err
	}
	l := newLedger()
	var devs []*device
	var pushesOK, pushesFailed int64
	for r := 1; r <= c.rounds; r++ {
		n := 1
		if maxInstances > 1 && r%2 == 0 {
			n = maxInstances
		}
		t0 := time.Now()
		var svs []*server
		var urls []string
		for range n {
			sv, err := startServer(ctx, c.bin, st, logw)
			if err != nil {
				killAll(svs)
				return s, fmt.Errorf("%s round %d: restart after kill -9: %w", mode, r, err)
			}
			svs, urls = append(svs, sv), append(urls, sv.url)
		}
		restart := time.Since(t0)
		if devs == nil {
			var err error
			if devs, err = enrolAll(ctx, urls[0], c.pushers); err != nil {
				killAll(svs)
				return s, err
			}
		}
		note := ""
		if c.verifyEvery > 0 && r > 1 && (r-1)%c.verifyEvery == 0 {
			res, err := verify(ctx, urls[0], devs[0], l)
			if err != nil || len(res.lost) > 0 {
				killAll(svs)
				report(out, &s, res)
				s.rounds = r - 1
				return s, err
			}
			note = fmt.Sprintf(", check: %d ids ok", res.checked)
		}
		before, _ := l.counts()
		okc, failc := make([]atomic.Int64, n), make([]atomic.Int64, n)
		rctx, cancel := context.WithCancel(ctx)
		wg := pushers(rctx, devs, urls, l, okc, failc)
		delay := between(c.killMin, c.killMax)
		err := sleep(ctx, delay)
		svs[len(svs)-1].kill()
		if n > 1 && err == nil {
			// The second instance dies a little later, while the first one's
			// pushers are already failing over nothing: two independent kills.
			err = sleep(ctx, between(0, c.killMax/2))
			svs[0].kill()
		}
		killAll(svs) // no-op for the dead; covers an interrupt
		cancel()
		wg.Wait()
		client.Transport.(*http.Transport).CloseIdleConnections()
		if err != nil {
			return s, err
		}
		if err := checkAnomalies(l); err != nil {
			return s, err
		}
		after, ids := l.counts()
		var ok, failed int64
		for i := range okc {
			ok += okc[i].Load()
			failed += failc[i].Load()
		}
		pushesOK += ok
		pushesFailed += failed
		fmt.Fprintf(out, "%-8s round %3d/%d x%d: killed after %3d ms, %3d pushes ok, %3d failed, +%d acked (total %d versions, %d ids), restart %d ms%s\n",
			mode, r, c.rounds, n, delay.Milliseconds(), ok, failed, after-before, after, ids, restart.Milliseconds(), note)
		s.rounds = r
	}
	// The final check, on a server started after the last kill.
	sv, err := startServer(ctx, c.bin, st, logw)
	if err != nil {
		return s, fmt.Errorf("%s: start after the last kill: %w", mode, err)
	}
	defer sv.stop()
	if devs == nil {
		return s, errors.New("no round ran")
	}
	res, err := verify(ctx, sv.url, devs[0], l)
	s.versions, s.pushesOK, s.pushesFailed = l.versions, pushesOK, pushesFailed
	report(out, &s, res)
	if err == nil && s.versions == 0 {
		err = errors.New("no push was ever acknowledged: the workload is broken")
	}
	return s, err
}

// pgStopRounds stops PostgreSQL with -m immediate during pushes, waits a
// little (pushes fail meanwhile: expected), starts it again and waits until
// every server instance acknowledges pushes again. The servers are never
// restarted: their connection pools must recover by themselves. After each
// round pushers pause and a full pull is checked.
func pgStopRounds(ctx context.Context, c config, out io.Writer, logw io.Writer, cl *pgtest.Cluster, st store) (summary, error) {
	s := summary{mode: "pg-stop", instances: "2-never-restarted"}
	if err := setupStore(c.bin, st); err != nil {
		return s, err
	}
	var svs []*server
	var urls []string
	defer func() {
		for _, sv := range svs {
			sv.stop()
		}
	}()
	for range 2 {
		sv, err := startServer(ctx, c.bin, st, logw)
		if err != nil {
			return s, err
		}
		svs, urls = append(svs, sv), append(urls, sv.url)
	}
	devs, err := enrolAll(ctx, urls[0], max(c.pushers, 2))
	if err != nil {
		return s, err
	}
	l := newLedger()
	var pushesOK, pushesFailed int64
	for r := 1; r <= c.pgStops; r++ {
		before, _ := l.counts()
		okc, failc := make([]atomic.Int64, len(urls)), make([]atomic.Int64, len(urls))
		rctx, cancel := context.WithCancel(ctx)
		wg := pushers(rctx, devs, urls, l, okc, failc)
		stopped := func(err error) (summary, error) {
			cancel()
			wg.Wait()
			return s, err
		}
		delay := between(c.killMin, c.killMax)
		if err := sleep(ctx, delay); err != nil {
			return stopped(err)
		}
		if err := cl.Crash(); err != nil {
			return stopped(err)
		}
		down := between(0, time.Second)
		if err := sleep(ctx, down); err != nil {
			return stopped(err)
		}
		if err := cl.Restart(); err != nil {
			return stopped(err)
		}
		back := time.Now()
		snap := make([]int64, len(okc))
		for i := range okc {
			snap[i] = okc[i].Load()
		}
		// Serving again = every instance has answered a push with 200 since
		// PostgreSQL came back. A minute is far beyond pgx's reconnect.
		for i := range okc {
			for okc[i].Load() == snap[i] {
				if !svs[i].alive() {
					return stopped(fmt.Errorf("pg-stop round %d: server %d exited: %v (see server.log)", r, i, svs[i].err))
				}
				if time.Since(back) > time.Minute {
					return stopped(fmt.Errorf("pg-stop round %d: server %d acknowledged no push within a minute of PostgreSQL's restart", r, i))
				}
				if err := sleep(ctx, 5*time.Millisecond); err != nil {
					return stopped(err)
				}
			}
		}
		recovery := time.Since(back)
		s.recovery = max(s.recovery, recovery)
		// Some more pushes on the recovered database before the check.
		err := sleep(ctx, between(50*time.Millisecond, 300*time.Millisecond))
		cancel()
		wg.Wait()
		if err != nil {
			return s, err
		}
		if err := checkAnomalies(l); err != nil {
			return s, err
		}
		var ok, failed int64
		for i := range okc {
			ok += okc[i].Load()
			failed += failc[i].Load()
		}
		pushesOK += ok
		pushesFailed += failed
		// Check through either instance in turn: both read the one database.
		res, err := verify(ctx, urls[r%2], devs[0], l)
		if err != nil || len(res.lost) > 0 {
			report(out, &s, res)
			return s, err
		}
		after, ids := l.counts()
		fmt.Fprintf(out, "pg-stop  round %3d/%d: stopped after %3d ms, down %3d ms, serving again %4d ms after restart, %3d pushes ok, %3d failed, +%d acked (total %d versions, %d ids), check ok\n",
			r, c.pgStops, delay.Milliseconds(), down.Milliseconds(), recovery.Milliseconds(), ok, failed, after-before, after, ids)
		s.rounds = r
	}
	res, err := verify(ctx, urls[0], devs[0], l)
	s.versions, s.pushesOK, s.pushesFailed = l.versions, pushesOK, pushesFailed
	report(out, &s, res)
	return s, err
}
