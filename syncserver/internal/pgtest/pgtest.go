// Package pgtest gives tests a real PostgreSQL: SYNCSERVER_TEST_POSTGRES when
// set, otherwise a throwaway cluster started with initdb and pg_ctl on a free
// loopback port in a temp dir (as the postgres user when running as root).
// Without PostgreSQL installed, tests skip loudly — except when CI=true,
// where they fail.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Cluster is a running PostgreSQL to create test databases in.
type Cluster struct {
	base    string // URL of the maintenance database
	dir     string // data dir of a cluster we started ("" for an external one)
	runAs   []string
	pgCtl   string
	counter atomic.Int64
}

var (
	once    sync.Once
	shared  *Cluster
	initErr error
)

// ErrNotInstalled is returned when no PostgreSQL server binaries are found.
var ErrNotInstalled = errors.New("pgtest: PostgreSQL is not installed (no initdb/pg_ctl found; apt-get install postgresql)")

// Shared starts (once per test binary) or connects to the cluster.
func Shared() (*Cluster, error) {
	once.Do(func() { shared, initErr = start() })
	return shared, initErr
}

// Stop stops a cluster this package started; call it from TestMain.
func Stop() {
	if shared == nil || shared.dir == "" {
		return
	}
	args := append(append([]string{}, shared.runAs...), shared.pgCtl, "-D", shared.dir, "-m", "immediate", "-w", "stop")
	exec.Command(args[0], args[1:]...).Run()
	os.RemoveAll(filepath.Dir(shared.dir))
}

// URL returns the URL of a fresh, empty database, or skips/fails the test
// when PostgreSQL is unavailable.
func URL(t testing.TB) string {
	t.Helper()
	c, err := Shared()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required in CI: %v", err)
		}
		t.Skipf("\n*** SKIPPING PostgreSQL tests: %v ***\n", err)
	}
	u, err := c.NewDatabase(context.Background())
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return u
}

// NewDatabase creates an empty database and returns its URL.
func (c *Cluster) NewDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("smallwins_test_%d_%d", os.Getpid(), c.counter.Add(1))
	conn, err := pgx.Connect(ctx, c.base)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	return strings.Replace(c.base, "/postgres?", "/"+name+"?", 1), nil
}

func findBin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	sort.Strings(matches)
	if len(matches) == 0 {
		return "", ErrNotInstalled
	}
	return matches[len(matches)-1], nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func start() (*Cluster, error) {
	if u := os.Getenv("SYNCSERVER_TEST_POSTGRES"); u != "" {
		if !strings.Contains(u, "?") {
			u += "?sslmode=disable"
		}
		return &Cluster{base: u}, nil
	}
	initdb, err := findBin("initdb")
	if err != nil {
		return nil, err
	}
	pgCtl, err := findBin("pg_ctl")
	if err != nil {
		return nil, err
	}
	root, err := os.MkdirTemp("", "pgtest")
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, "data")
	c := &Cluster{dir: dir, pgCtl: pgCtl}
	// PostgreSQL refuses to run as root: run it as the postgres user.
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			u, err = user.Lookup("nobody")
		}
		if err != nil {
			return nil, fmt.Errorf("pgtest: running as root and no postgres or nobody user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(root, uid, gid); err != nil {
			return nil, err
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			return nil, fmt.Errorf("pgtest: running as root needs runuser: %w", err)
		}
		c.runAs = []string{runuser, "-u", u.Username, "--"}
	}
	run := func(args ...string) error {
		full := append(append([]string{}, c.runAs...), args...)
		cmd := exec.Command(full[0], full[1:]...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v\n%s", filepath.Base(args[0]), err, out)
		}
		return nil
	}
	if err := run(initdb, "-D", dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=%s", port, root, fsyncSetting())
	if err := run(pgCtl, "-D", dir, "-o", opts, "-l", filepath.Join(root, "log"), "-w", "start"); err != nil {
		return nil, err
	}
	c.base = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	return c, nil
}

// fsyncSetting: tests run without fsync (speed; a server process crash, not
// a power cut, is what they provoke); benchmarks set PGTEST_FSYNC=on.
func fsyncSetting() string {
	if os.Getenv("PGTEST_FSYNC") == "on" {
		return "on"
	}
	return "off"
}
