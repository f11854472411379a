package soak

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Server is a real syncserver process on an embedded store, with a school
// "soak", an interventionist "ivy" and an admin "boss" (password Password).
type Server struct {
	URL string
	PID int
	cmd *exec.Cmd
}

// Password of the soak users.
const Password = "soak-password-1"

// StartServer creates the store in dir with the CLI and serves it.
func StartServer(bin, dir string) (*Server, error) {
	db := filepath.Join(dir, "server.db")
	run := func(stdin string, args ...string) error {
		cmd := exec.Command(bin, args...)
		cmd.Stdin = strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("syncserver %s: %v: %s", args[0], err, out)
		}
		return nil
	}
	if err := run("", "school", "add", "--db", db, "--slug", "soak", "--name", "Soak Elementary"); err != nil {
		return nil, err
	}
	for _, u := range [][2]string{{"ivy", "interventionist"}, {"boss", "admin"}} {
		if err := run(Password+"\n", "user", "add", "--db", db, "--school", "soak", "--username", u[0], "--name", u[0], "--role", u[1]); err != nil {
			return nil, err
		}
	}
	cmd := exec.Command(bin, "serve", "--db", db, "--listen", "127.0.0.1:0")
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			line <- sc.Text()
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case l := <-line:
		return &Server{URL: strings.TrimPrefix(l, "listening on "), PID: cmd.Process.Pid, cmd: cmd}, nil
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		return nil, fmt.Errorf("syncserver did not start")
	}
}

// Stop terminates the server gracefully.
func (s *Server) Stop() {
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

// RSS reads a process's resident memory in KiB from /proc (0 if unknown).
func RSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmRSS:")), "%d", &kb)
			return kb
		}
	}
	return 0
}
