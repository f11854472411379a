package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/console"
	"smallwins/syncserver/internal/httpapi"
	"smallwins/syncserver/internal/reportcache"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
)

// memoryLimitFor is the Go memory limit serve sets for an in-flight budget:
// twice the budget, which leaves room for the garbage of finished requests,
// so the collector works harder and returns memory to the system after a
// burst instead of holding it (ADR 0007).
func memoryLimitFor(budget int64) int64 { return max(2*budget, 64<<20) }

const (
	// returnMemoryEvery and returnMemoryOver: see returnMemoryLoop.
	returnMemoryEvery = 5 * time.Second
	returnMemoryOver  = 32 << 20
)

// returnMemoryLoop gives the heap a burst left behind back to the system.
// An idle server allocates nothing, so no collection runs (the runtime
// forces one only every 2 minutes) and the heap goal set during the burst
// keeps the scavenger from releasing the free pages: the memory attack of ADR 0007
// found 1.5 GB still held after the requests ended. When more than over
// bytes of heap are free but not yet returned, FreeOSMemory collects and
// returns them; under steady load the free part stays small and this does
// nothing.
func returnMemoryLoop(ctx context.Context, every time.Duration, over uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/free:bytes"}}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > over {
			debug.FreeOSMemory()
		}
	}
}

// pushLimitFlag checks --push-records-per-minute and turns it into
// httpapi.Config's value: 0 turns the limit off (Config's -1); otherwise at
// least one full batch (PROTOCOL §5), or a legal push could never pass.
func pushLimitFlag(n int) (int, error) {
	switch {
	case n == 0:
		return -1, nil
	case n < protocol.MaxPushRecords || n > maxPushRecordsPerMinute:
		return 0, fmt.Errorf("--push-records-per-minute must be 0 (no limit) or %d to %d", protocol.MaxPushRecords, maxPushRecordsPerMinute)
	}
	return n, nil
}

// maxPushRecordsPerMinute keeps the limiter's per-second counts in range.
const maxPushRecordsPerMinute = 100_000_000

// purgeEvery is how often serve purges old tombstones.
const purgeEvery = time.Hour

// wipeMarkKeep is how long a wipe mark is kept at least (PROTOCOL §13).
const wipeMarkKeep = 30 * 24 * time.Hour

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	var sf storeFlags
	sf.register(fs)
	listen := fs.String("listen", "127.0.0.1:8080", "address to serve the API on (port 0 picks a free port)")
	metricsListen := fs.String("metrics-listen", "", "serve /metrics on this address instead of the API address")
	tlsCert := fs.String("tls-cert", "", "TLS certificate file (PEM)")
	tlsKey := fs.String("tls-key", "", "TLS private key file (PEM)")
	skew, retention := 5*time.Minute, 400*24*time.Hour
	fs.Var(daysDuration{&skew}, "max-clock-skew", "how far ahead of the server a record's clock may be")
	fs.Var(daysDuration{&retention}, "tombstone-retention", "how long deleted records are kept before purging")
	inflight := int64(httpapi.DefaultMaxInflightBytes)
	fs.Var(byteSize{&inflight}, "max-inflight-bytes", "byte budget of in-flight push and pull bodies and buffers; beyond it 503")
	cacheBytes := int64(reportcache.DefaultMaxBytes)
	fs.Var(byteSize{&cacheBytes}, "report-cache-bytes", "estimated bytes of the console's cached reports; beyond it the least recently used as_of dates leave")
	pushPerMinute := fs.Int("push-records-per-minute", httpapi.DefaultPushRecordsPerMinute, "records one device may push per minute; beyond it 429 (0: no limit)")
	if err := parse(fs, args); err != nil {
		return err
	}
	pushLimit, err := pushLimitFlag(*pushPerMinute)
	if err != nil {
		return err
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))

	st, err := openStore(ctx, sf.db, sf.postgres)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("closing the store", "err", err.Error())
		}
	}()
	// An operator's GOMEMLIMIT wins; otherwise the limit follows the budget.
	if _, ok := os.LookupEnv("GOMEMLIMIT"); !ok {
		debug.SetMemoryLimit(memoryLimitFor(inflight))
	}
	// The school console (CONSOLE.md) is served on the same address; its
	// writes go through the server's own writer, as ordinary records.
	writer := serverwriter.New(st, nil) // one clock per school for the console and the import
	con := console.New(console.Config{Store: st, Logger: log, Writer: writer, ReportCacheBytes: cacheBytes})
	api := httpapi.New(httpapi.Config{Store: st, Logger: log, MaxClockSkew: skew, MetricsOnMain: *metricsListen == "",
		MaxInflightBytes: inflight, Mount: con.Mount, SessionPrincipal: con.SessionPrincipal, Writer: writer, PushRecordsPerMinute: pushLimit})

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", *listen, err)
	}
	srv := newHTTPServer(api.Handler())
	scheme := "http"
	if *tlsCert != "" {
		scheme = "https"
	}
	servErr := make(chan error, 2)
	go func() {
		var err error
		if *tlsCert != "" {
			err = srv.ServeTLS(ln, *tlsCert, *tlsKey)
		} else {
			err = srv.Serve(ln)
		}
		servErr <- err
	}()
	var msrv *http.Server
	if *metricsListen != "" {
		mln, err := net.Listen("tcp", *metricsListen)
		if err != nil {
			_ = srv.Close()
			return fmt.Errorf("cannot listen on %s for metrics: %w", *metricsListen, err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", api.MetricsHandler())
		msrv = newHTTPServer(mux)
		go func() { servErr <- msrv.Serve(mln) }()
		log.Info("metrics listening", "addr", mln.Addr().String())
	}
	// The console's caches are filled once listening, so a restart does
	// not make the first coordinator wait for a whole-school read.
	warmCtx, stopWarm := context.WithCancel(context.Background())
	defer stopWarm()
	go func() { con.Warm(warmCtx) }()
	fmt.Fprintf(stdout, "listening on %s://%s\n", scheme, ln.Addr().String())
	log.Info("serving", "addr", ln.Addr().String(), "tls", *tlsCert != "", "max_clock_skew", skew.String(), "tombstone_retention", retention.String(),
		"max_inflight_bytes", inflight, "push_records_per_minute", *pushPerMinute, "report_cache_bytes", cacheBytes, "memory_limit", debug.SetMemoryLimit(-1))

	go returnMemoryLoop(ctx, returnMemoryEvery, returnMemoryOver)

	purgeCtx, stopPurge := context.WithCancel(ctx)
	purged := make(chan struct{})
	go func() {
		defer close(purged)
		purgeLoop(purgeCtx, log, func(ctx context.Context) (int, error) {
			// Failed-login state past its window is forgotten on the same
			// beat (its size is bounded anyway; this keeps it small).
			if n, err := st.ExpireLoginAttempts(ctx, time.Now().Add(-auth.FailureWindow)); err != nil && ctx.Err() == nil {
				log.Error("expiring failed logins failed", "err", err.Error())
			} else if n > 0 {
				log.Info("failed logins expired", "keys", n)
			}
			// Used and expired enrolment codes are of no further use
			// (PROTOCOL §13); deleting them keeps the table small.
			if n, err := st.ExpireEnrolmentCodes(ctx, time.Now()); err != nil && ctx.Err() == nil {
				log.Error("expiring enrolment codes failed", "err", err.Error())
			} else if n > 0 {
				log.Info("enrolment codes expired", "codes", n)
			}
			// Console sessions past their idle or absolute limit are dead
			// already (the lookup checks); deleting them keeps the table small.
			if n, err := st.ExpireConsoleSessions(ctx, time.Now()); err != nil && ctx.Err() == nil {
				log.Error("expiring console sessions failed", "err", err.Error())
			} else if n > 0 {
				log.Info("console sessions expired", "sessions", n)
			}
			// Wipe marks stay at least wipeMarkKeep, and until the device
			// is enrolled again (the store checks that part).
			if n, err := st.ExpireWipeMarks(ctx, time.Now().Add(-wipeMarkKeep)); err != nil && ctx.Err() == nil {
				log.Error("expiring wipe marks failed", "err", err.Error())
			} else if n > 0 {
				log.Info("wipe marks expired", "tokens", n)
			}
			// The audit of restricted content is kept 400 days (ADR 0021,
			// ADR 0021), whatever the tombstone retention.
			if n, err := st.PurgeAudit(ctx, time.Now().Add(-store.AuditRetention)); err != nil && ctx.Err() == nil {
				log.Error("purging the audit log failed", "err", err.Error())
			} else if n > 0 {
				log.Info("audit entries purged", "entries", n)
			}
			// What the audit holds for a day decides only that day's
			// appends (ADR 0021): its marks go a day after it ended.
			if n, err := st.ExpireAuditMarks(ctx, time.Now().Add(-store.AuditMarkKeep)); err != nil && ctx.Err() == nil {
				log.Error("expiring audit marks failed", "err", err.Error())
			} else if n > 0 {
				log.Info("audit marks expired", "marks", n)
			}
			return st.PurgeTombstones(ctx, time.Now().Add(-retention))
		})
	}()

	select {
	case <-ctx.Done():
		log.Info("shutting down: finishing in-flight requests")
	case err := <-servErr:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			stopPurge()
			<-purged
			return fmt.Errorf("serving: %w", err)
		}
	}
	stopPurge()
	<-purged
	shutCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(shutCtx)
	if msrv != nil {
		_ = msrv.Shutdown(shutCtx)
	}
	log.Info("stopped")
	return err
}

// newHTTPServer sets the timeouts that keep a slow or stalled client from
// holding a connection forever.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

func purgeLoop(ctx context.Context, log *slog.Logger, purge func(context.Context) (int, error)) {
	t := time.NewTicker(purgeEvery)
	defer t.Stop()
	for {
		n, err := purge(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("tombstone purge failed", "err", err.Error())
		case n > 0:
			log.Info("tombstones purged", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
