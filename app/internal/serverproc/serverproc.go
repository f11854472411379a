// Package serverproc runs the real sync server binary for the app's tests
// and tools (STYLE §4: the app's sync tests run the real server): it builds
// the binary, sets up a school and users through the server's own command
// line (PROTOCOL §11), starts `serve` on a free port, and stops or restarts
// it. One copy, instead of one per test package.
package serverproc

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Build compiles the sync server into dir and returns the binary's path. It
// builds inside the server's own module directory, found by walking up from
// the working directory, so it works with and without go.work.
func Build(dir string) (string, error) {
	src, err := moduleDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "syncserver")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build syncserver: %v\n%s", err, out)
	}
	return bin, nil
}

func moduleDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "syncserver", "go.mod")); err == nil {
			return filepath.Join(dir, "syncserver"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("serverproc: no syncserver/go.mod above the working directory")
		}
		dir = parent
	}
}

// User is one account Setup creates.
type User struct{ Username, Name, Role string }

// CLI runs one command of the server's command line with stdin, in an
// environment without SYNCSERVER_* variables (a developer's own settings
// must not leak into a test).
func CLI(bin, stdin string, args ...string) error {
	cmd := exec.Command(bin, args...)
	cmd.Env = cleanEnv()
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("syncserver %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// Setup creates a school and its users (all with password) in the
// embedded store at db, as an admin would before the first start.
func Setup(bin, db, slug, name, password string, users ...User) error {
	if err := CLI(bin, "", "school", "add", "--db", db, "--slug", slug, "--name", name); err != nil {
		return err
	}
	for _, u := range users {
		if err := CLI(bin, password+"\n", "user", "add", "--db", db, "--school", slug, "--username", u.Username,
			"--name", u.Name, "--role", u.Role); err != nil {
			return err
		}
	}
	return nil
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SYNCSERVER_") {
			env = append(env, kv)
		}
	}
	return env
}

// Server is one running `syncserver serve` on an embedded store.
type Server struct {
	URL string // e.g. http://127.0.0.1:43121
	PID int
	DB  string

	bin    string
	args   []string
	stderr io.Writer
	cmd    *exec.Cmd
}

// Start serves db on a free loopback port with extra serve flags; the
// server's log goes to stderr (nil discards it, but a failed start still
// reports its last words).
func Start(bin, db string, stderr io.Writer, args ...string) (*Server, error) {
	s := &Server{DB: db, bin: bin, args: args, stderr: stderr}
	return s, s.start()
}

func (s *Server) start() error {
	cmd := exec.Command(s.bin, append([]string{"serve", "--db", s.DB, "--listen", "127.0.0.1:0"}, s.args...)...)
	cmd.Env = cleanEnv()
	var tail strings.Builder
	if s.stderr != nil {
		cmd.Stderr = io.MultiWriter(s.stderr, &limited{w: &tail, n: 4096})
	} else {
		cmd.Stderr = &limited{w: &tail, n: 4096}
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	url := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if l, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				url <- l
				break
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case u := <-url:
		s.URL, s.PID, s.cmd = u, cmd.Process.Pid, cmd
		return nil
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return fmt.Errorf("syncserver did not start: %s", tail.String())
	}
}

// Stop ends the server gracefully (SIGTERM: in-flight requests finish),
// killing it after 10 s.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.cmd = nil
}

// Start serves the same store again after Stop (a new port, in URL).
func (s *Server) Start() error {
	if s.cmd != nil {
		return errors.New("serverproc: already serving")
	}
	return s.start()
}

// Restart stops the server and serves the same store again (a new port).
func (s *Server) Restart() error {
	s.Stop()
	return s.start()
}

// limited keeps the first n bytes written to it and drops the rest.
type limited struct {
	w io.Writer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		_, _ = l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}
