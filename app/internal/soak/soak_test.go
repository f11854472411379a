package soak

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestShortSoak is the short soak of `make test`: 20 tablets for 20 s
// against the real server, ending in a convergence check.
func TestShortSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak skipped in -short mode")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "syncserver")
	build := exec.Command("go", "build", "-o", bin, "smallwins/syncserver")
	build.Dir = "../../../syncserver" // the server's module, with or without go.work
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build syncserver: %v\n%s", err, out)
	}
	srv, err := StartServer(bin, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	d := 20 * time.Second
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := Run(context.Background(), Config{ServerURL: srv.URL, ServerPID: srv.PID, Dir: dir, Tablets: 20, Duration: d, Seed: 1, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	rep.Print(t.Logf)
	if !rep.Converged {
		t.Fatalf("did not converge: %v", rep.Problems)
	}
	if rep.Requests == 0 || rep.Records == 0 || rep.Writes == 0 {
		t.Fatalf("the soak did nothing: %+v", rep)
	}
	if len(rep.Memory) == 0 || rep.Memory[0].RSSKiB == 0 {
		t.Fatalf("no server memory samples")
	}
}
