// Command soak runs the soak (docs/PERFORMANCE.md "Soak"): many simulated tablets (real local
// stores and sync clients) against one real sync server on loopback.
//
//	soak --server-bin bin/syncserver [--tablets 200] [--duration 5m]
//
// SOAK_DURATION overrides the default duration. Exits non-zero unless every
// tablet ends holding the same records as the server.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"smallwins/app/internal/soak"
)

func main() {
	bin := flag.String("server-bin", "bin/syncserver", "the syncserver binary")
	tablets := flag.Int("tablets", 200, "simulated tablets")
	d := 5 * time.Minute
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			fmt.Fprintln(os.Stderr, "soak: SOAK_DURATION:", err)
			os.Exit(2)
		}
	}
	dur := flag.Duration("duration", d, "how long the tablets work")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	dir, err := os.MkdirTemp("", "soak")
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	srv, err := soak.StartServer(*bin, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	defer srv.Stop()
	logf := func(f string, a ...any) { fmt.Printf(f+"\n", a...) }
	logf("soak: %d tablets for %s against %s", *tablets, *dur, srv.URL)
	rep, err := soak.Run(ctx, soak.Config{ServerURL: srv.URL, ServerPID: srv.PID, Dir: dir, Tablets: *tablets, Duration: *dur, Seed: uint64(time.Now().UnixNano()), Logf: logf})
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	rep.Print(logf)
	if !rep.Converged {
		os.Exit(1)
	}
}
