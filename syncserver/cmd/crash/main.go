// Command crash is the kill -9 campaign of the sync server (`make crash`).
//
// It drives the real syncserver binary as an operator and tablets would: the
// CLI creates a school and users, `serve` starts on a free port, devices
// enrol and push concurrently (new records and edits of existing ones), and
// at a random moment the server gets SIGKILL. It restarts on the same store
// and the next round begins. Every version a push answered 200 "applied" is
// remembered; every few rounds and at the end a full pull must hold each of
// them, or a later version of the same id. One lost version fails the run.
//
// Modes: --store bolt, postgres or both (PostgreSQL is a throwaway cluster of
// internal/pgtest; some rounds run two server instances on one database), and
// --pg-stops N rounds of `pg_ctl stop -m immediate` of PostgreSQL itself
// during pushes, with the same server processes left running: they must
// serve again on their own once the database is back.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"smallwins/syncserver/internal/pgtest"
)

type config struct {
	bin         string        // syncserver binary; built when empty
	store       string        // bolt, postgres, both
	rounds      int           // server kill -9 rounds per store
	pgStops     int           // PostgreSQL immediate-stop rounds (0: none)
	pushers     int           // concurrent devices
	verifyEvery int           // full check every k rounds (0: only at the end)
	killMin     time.Duration // the kill comes this long after pushes start…
	killMax     time.Duration // …at most this long
	keep        bool          // keep the work dir
	dir         string        // work dir; a temp dir when empty
}

func main() {
	var c config
	flag.StringVar(&c.bin, "server-bin", "", "syncserver binary (default: go build smallwins/syncserver into the work dir)")
	flag.StringVar(&c.store, "store", "both", "store to crash: bolt, postgres or both")
	flag.IntVar(&c.rounds, "rounds", 200, "kill -9 rounds of the server, per store")
	flag.IntVar(&c.pgStops, "pg-stops", 20, "rounds of `pg_ctl stop -m immediate` of PostgreSQL during pushes (with --store postgres or both; 0: none)")
	flag.IntVar(&c.pushers, "pushers", 4, "concurrent pushing devices")
	flag.IntVar(&c.verifyEvery, "verify-every", 25, "pull everything and check every k rounds (0: only at the end)")
	flag.DurationVar(&c.killMin, "kill-min", 30*time.Millisecond, "earliest kill after pushes start")
	flag.DurationVar(&c.killMax, "kill-max", 600*time.Millisecond, "latest kill after pushes start")
	flag.BoolVar(&c.keep, "keep", false, "keep the work dir (stores and server log)")
	flag.Parse()
	os.Exit(run(c, os.Stdout))
}

// run is main without os.Exit, so that the deferred cleanup (servers, the
// PostgreSQL cluster) always happens; it returns the exit status.
func run(c config, out io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sums, err := campaign(ctx, c, out)
	for _, s := range sums {
		fmt.Fprintln(out, s)
	}
	lost := 0
	for _, s := range sums {
		lost += s.lost
	}
	switch {
	case err != nil:
		fmt.Fprintf(out, "crash: FAILED: %v\n", err)
		return 1
	case lost > 0:
		fmt.Fprintf(out, "crash: FAILED: %d acknowledged versions lost\n", lost)
		return 1
	}
	fmt.Fprintln(out, "crash: passed, 0 acknowledged versions lost")
	return 0
}

// summary is one mode's result line.
type summary struct {
	mode         string
	rounds       int
	versions     int64 // applied versions acknowledged
	ids          int   // distinct ids checked at the end
	held         int   // records the final pull returned
	lost         int
	pushesOK     int64
	pushesFailed int64 // refused or cut: the kills at work
	dur          time.Duration
	recovery     time.Duration // pg-stop: the longest time to a 200 after PostgreSQL was back
	instances    string
}

func (s summary) String() string {
	line := fmt.Sprintf("SUMMARY %-9s rounds=%d acked_versions=%d ids_checked=%d held=%d lost=%d pushes_ok=%d pushes_failed=%d duration=%s instances=%s",
		s.mode, s.rounds, s.versions, s.ids, s.held, s.lost, s.pushesOK, s.pushesFailed, s.dur.Round(time.Second), s.instances)
	if s.recovery > 0 {
		line += fmt.Sprintf(" max_recovery=%s", s.recovery.Round(time.Millisecond))
	}
	return line + fmt.Sprintf(" (%d CPUs)", runtime.NumCPU())
}

func campaign(ctx context.Context, c config, out io.Writer) ([]summary, error) {
	if c.store != "bolt" && c.store != "postgres" && c.store != "both" {
		return nil, fmt.Errorf("--store %q: want bolt, postgres or both", c.store)
	}
	if c.pushers < 1 || c.killMax < c.killMin {
		return nil, errors.New("--pushers must be ≥ 1 and --kill-max ≥ --kill-min")
	}
	dir := c.dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "crash"); err != nil {
			return nil, err
		}
	}
	failed := true
	defer func() {
		// Keep the evidence of a failure; otherwise tidy up.
		if c.keep || failed {
			fmt.Fprintf(out, "work dir kept: %s (server.log has every server's stderr)\n", dir)
		} else if c.dir == "" {
			os.RemoveAll(dir)
		}
	}()
	logw, err := logFile(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	defer logw.Close()
	if c.bin == "" {
		c.bin = filepath.Join(dir, "syncserver")
		fmt.Fprintln(out, "building smallwins/syncserver…")
		if b, err := exec.Command("go", "build", "-o", c.bin, "smallwins/syncserver").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build: %v\n%s", err, b)
		}
	}
	var sums []summary
	if c.store == "bolt" || c.store == "both" {
		t := time.Now()
		s, err := killRounds(ctx, c, out, logw, "bolt", store{db: filepath.Join(dir, "bolt.db")}, 1)
		s.dur = time.Since(t)
		sums = append(sums, s)
		if err != nil || s.lost > 0 {
			return sums, err
		}
	}
	if c.store == "postgres" || c.store == "both" {
		// The cluster is ours to stop whatever happens below.
		defer pgtest.Stop()
		cl, err := pgtest.Shared()
		if err != nil {
			return sums, fmt.Errorf("PostgreSQL: %w", err)
		}
		if c.rounds > 0 {
			url, err := cl.NewDatabase(ctx)
			if err != nil {
				return sums, err
			}
			t := time.Now()
			s, err := killRounds(ctx, c, out, logw, "postgres", store{pg: url}, 2)
			s.dur = time.Since(t)
			sums = append(sums, s)
			if err != nil || s.lost > 0 {
				return sums, err
			}
		}
		if c.pgStops > 0 {
			url, err := cl.NewDatabase(ctx)
			if err != nil {
				return sums, err
			}
			t := time.Now()
			s, err := pgStopRounds(ctx, c, out, logw, cl, store{pg: url})
			s.dur = time.Since(t)
			sums = append(sums, s)
			if err != nil || s.lost > 0 {
				return sums, err
			}
		}
	}
	failed = false
	return sums, nil
}
