package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/syncserver/internal/pgtest"
)

var bin string

// TestMain builds the real server once: the campaign drives the binary, as
// `make crash` does.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "crash-bin")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "syncserver")
	if out, err := exec.Command("go", "build", "-o", bin, "smallwins/syncserver").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	pgtest.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// short is the `make test` size of the campaign: enough to prove each mode
// works end to end, small enough for CI on two cores.
func short(t *testing.T, store string, rounds, pgStops int) config {
	return config{bin: bin, store: store, rounds: rounds, pgStops: pgStops, pushers: 4, verifyEvery: 2,
		killMin: 30 * time.Millisecond, killMax: 300 * time.Millisecond, dir: t.TempDir()}
}

func expectPass(t *testing.T, c config, modes int) {
	t.Helper()
	sums, err := campaign(context.Background(), c, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != modes {
		t.Fatalf("%d modes ran, want %d", len(sums), modes)
	}
	for _, s := range sums {
		t.Log(s)
		if s.lost != 0 || s.versions == 0 || s.rounds == 0 {
			t.Errorf("%s: %d lost, %d acknowledged, %d rounds", s.mode, s.lost, s.versions, s.rounds)
		}
		// PostgreSQL is down for hundreds of milliseconds while pushers
		// retry: no failed push would mean the stop never happened.
		if s.mode == "pg-stop" && s.pushesFailed == 0 {
			t.Errorf("pg-stop: no push failed while PostgreSQL was down")
		}
	}
}

func TestBoltCampaign(t *testing.T) {
	expectPass(t, short(t, "bolt", 5, 0), 1)
}

// TestPostgresCampaign: 3 kill -9 rounds (one with two instances) and 2
// immediate stops of PostgreSQL. Like every PostgreSQL test: skipped when it
// is not installed, failed when CI=true (internal/pgtest's rule).
func TestPostgresCampaign(t *testing.T) {
	cl, err := pgtest.Shared()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required in CI: %v", err)
		}
		t.Skipf("\n*** SKIPPING PostgreSQL crash campaign: %v ***\n", err)
	}
	c := short(t, "postgres", 3, 2)
	modes := 2
	if cl.External() {
		t.Log("SYNCSERVER_TEST_POSTGRES is not ours to stop: no pg-stop rounds")
		c.pgStops, modes = 0, 1
	}
	expectPass(t, c, modes)
}

// TestVerifyFindsLoss: the check itself must bite, or a campaign of 0 lost
// proves nothing. A version the server never got, and an acknowledged HLC
// above the one it holds, are both reported lost.
func TestVerifyFindsLoss(t *testing.T) {
	ctx := context.Background()
	st := store{db: filepath.Join(t.TempDir(), "s.db")}
	if err := setupStore(bin, st); err != nil {
		t.Fatal(err)
	}
	sv, err := startServer(ctx, bin, st, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	defer sv.stop()
	d, err := enrol(ctx, sv.url, users[1])
	if err != nil {
		t.Fatal(err)
	}
	l := newLedger()
	for range 3 {
		if !d.push(ctx, sv.url, l) {
			t.Fatal("push failed")
		}
	}
	if err := checkAnomalies(l); err != nil {
		t.Fatal(err)
	}
	res, err := verify(ctx, sv.url, d, l)
	if err != nil || len(res.lost) != 0 || res.checked == 0 {
		t.Fatalf("honest ledger: %v, %d checked, lost %v", err, res.checked, res.lost)
	}
	id, held := l.pick(d.rng)
	l.ack(id, held[:len(held)-36]+"ffffffff-ffff-4fff-bfff-ffffffffffff") // same wall and logical, greater node
	l.ack(uuid.NewString(), d.clock.Now().String())
	res, err = verify(ctx, sv.url, d, l)
	if err != nil || len(res.lost) != 2 {
		t.Fatalf("after 2 fake acknowledgements: %v, lost %v", err, res.lost)
	}
}
