package pgtest

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
)

// ErrExternal is returned by Crash and Restart for a cluster given by
// SYNCSERVER_TEST_POSTGRES: we did not start it, so we must not stop it.
var ErrExternal = errors.New("pgtest: the cluster is external (SYNCSERVER_TEST_POSTGRES); only a throwaway cluster can be crashed")

// External reports whether the cluster came from SYNCSERVER_TEST_POSTGRES.
func (c *Cluster) External() bool { return c.dir == "" }

// Crash stops the cluster with `pg_ctl stop -m immediate`: PostgreSQL's own
// kill -9 (no shutdown checkpoint; the next start replays the WAL). Open
// connections die at once, as they would if the database host crashed.
func (c *Cluster) Crash() error {
	if c.dir == "" {
		return ErrExternal
	}
	return c.pgCtl1("-D", c.dir, "-m", "immediate", "-w", "stop")
}

// Restart starts a cluster stopped by Crash again. `pg_ctl restart` is used
// rather than `start` because it reuses postmaster.opts, the options of the
// first start (port, socket dir, fsync): the database comes back on the same
// URL without this file having to repeat start's option string.
func (c *Cluster) Restart() error {
	if c.dir == "" {
		return ErrExternal
	}
	return c.pgCtl1("-D", c.dir, "-l", filepath.Join(filepath.Dir(c.dir), "log"), "-w", "-t", "120", "restart")
}

func (c *Cluster) pgCtl1(args ...string) error {
	full := append(append(append([]string{}, c.runAs...), c.pgCtl), args...)
	cmd := exec.Command(full[0], full[1:]...)
	cmd.Dir = filepath.Dir(c.dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl %s: %v\n%s", args[len(args)-1], err, out)
	}
	return nil
}
