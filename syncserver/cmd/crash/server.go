package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// store says where a syncserver keeps its data: exactly one of db (bbolt
// file) and pg (PostgreSQL URL) is set. The CLI flags are the PROTOCOL §11
// ones, so the tool drives the binary exactly as an operator would.
type store struct {
	db string
	pg string
}

func (s store) flags() []string {
	if s.pg != "" {
		return []string{"--postgres", s.pg}
	}
	return []string{"--db", s.db}
}

// Users of the crash school; pushers alternate between them so that updates
// cross users as well as devices.
const (
	school   = "crash-elem"
	password = "crash-password-1"
)

var users = []string{"ada", "ben"}

// setupStore creates the school and its users with the server's CLI, the
// only supported way (PROTOCOL §4: never over HTTP without a token).
func setupStore(bin string, s store) error {
	run := func(stdin string, args ...string) error {
		cmd := exec.Command(bin, append(args, s.flags()...)...)
		cmd.Stdin = strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("syncserver %s %s: %v: %s", args[0], args[1], err, out)
		}
		return nil
	}
	if err := run("", "school", "add", "--slug", school, "--name", "Crash Elementary"); err != nil {
		return err
	}
	for i, u := range users {
		role := "interventionist"
		if i == 0 {
			role = "admin"
		}
		if err := run(password+"\n", "user", "add", "--school", school, "--username", u, "--name", u, "--role", role); err != nil {
			return err
		}
	}
	return nil
}

// server is one running `syncserver serve` process.
type server struct {
	url  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, valid after done
}

// startServer runs serve on a free loopback port and waits for the
// `listening on` line of PROTOCOL §11. Its log is appended to logw.
func startServer(ctx context.Context, bin string, s store, logw io.Writer) (*server, error) {
	cmd := exec.Command(bin, append([]string{"serve", "--listen", "127.0.0.1:0"}, s.flags()...)...)
	cmd.Stderr = logw
	// Own process group: a Ctrl-C of the tool is handled by the tool, which
	// then kills the server itself, rather than racing the terminal's SIGINT.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sv := &server{cmd: cmd, done: make(chan struct{})}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			line <- sc.Text()
		}
		io.Copy(io.Discard, out)
		sv.err = cmd.Wait()
		close(sv.done)
	}()
	select {
	case l := <-line:
		if !strings.HasPrefix(l, "listening on http://") {
			sv.kill()
			return nil, fmt.Errorf("serve: first line %q", l)
		}
		sv.url = strings.TrimPrefix(l, "listening on ")
		return sv, nil
	case <-sv.done:
		return nil, fmt.Errorf("serve exited before listening: %v (see the server log)", sv.err)
	case <-time.After(60 * time.Second):
		sv.kill()
		return nil, fmt.Errorf("serve: no listening line within 60 s")
	case <-ctx.Done():
		sv.kill()
		return nil, ctx.Err()
	}
}

// kill is kill -9: no signal handler, no deferred close, no flush runs.
func (sv *server) kill() {
	sv.cmd.Process.Signal(syscall.SIGKILL)
	<-sv.done
}

// stop is the graceful SIGTERM of PROTOCOL §10, for the end of a campaign.
func (sv *server) stop() {
	sv.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-sv.done:
	case <-time.After(15 * time.Second):
		sv.kill()
	}
}

// alive reports whether the process still runs.
func (sv *server) alive() bool {
	select {
	case <-sv.done:
		return false
	default:
		return true
	}
}

// logFile opens the campaign's server log for appending.
func logFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
}
