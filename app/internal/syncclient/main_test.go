package syncclient

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"smallwins/app/internal/localstore"
	"smallwins/shared/protocol"
)

// serverBin is the real sync server, built once (STYLE §4: app sync tests
// run the real server).
var serverBin string

func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) != "" {
		os.Exit(crashChild())
	}
	dir, err := os.MkdirTemp("", "syncclient-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	serverBin = filepath.Join(dir, "syncserver")
	var out []byte
	if bin := os.Getenv("SYNCCLIENT_TEST_SERVER_BIN"); bin != "" {
		serverBin = bin // a server built elsewhere (another version, a debug build)
	} else {
		// Built inside its own module directory, so that this works with
		// and without go.work.
		cmd := exec.Command("go", "build", "-o", serverBin, ".")
		cmd.Dir = filepath.Join("..", "..", "..", "syncserver")
		out, err = cmd.CombinedOutput()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "build syncserver: %v\n%s", err, out)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

const (
	school   = "lincoln-elem"
	password = "correct horse battery"
)

// server is one real syncserver process on an embedded store.
type server struct {
	t    testing.TB
	db   string
	URL  string
	cmd  *exec.Cmd
	args []string
}

// newServer creates a store with one school and users ana, ben
// (interventionists) and boss (admin), and starts serving it.
func newServer(t testing.TB, serveArgs ...string) *server {
	t.Helper()
	s := &server{t: t, db: filepath.Join(t.TempDir(), "server.db"), args: serveArgs}
	s.cli("", "school", "add", "--slug", school, "--name", "Lincoln Elementary", "--db", s.db)
	for _, u := range []struct{ name, role string }{{"ana", "interventionist"}, {"ben", "interventionist"}, {"boss", "admin"}} {
		s.cli(password+"\n", "user", "add", "--school", school, "--username", u.name, "--name", strings.ToUpper(u.name[:1])+u.name[1:],
			"--role", u.role, "--db", s.db)
	}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *server) cli(stdin string, args ...string) {
	s.t.Helper()
	cmd := exec.Command(serverBin, args...)
	cmd.Env = cleanEnv()
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		s.t.Fatalf("syncserver %s: %v\n%s", strings.Join(args, " "), err, out)
	}
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

func (s *server) start() {
	s.t.Helper()
	args := append([]string{"serve", "--db", s.db, "--listen", "127.0.0.1:0"}, s.args...)
	cmd := exec.Command(serverBin, args...)
	cmd.Env = cleanEnv()
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "listening on ") {
				lines <- strings.TrimPrefix(l, "listening on ")
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-lines:
		s.URL, s.cmd = u, cmd
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		s.t.Fatalf("syncserver did not start: %s", errBuf.String())
	}
}

func (s *server) stop() {
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

// restart stops and starts the server on the same store (new port).
func (s *server) restart() {
	s.t.Helper()
	s.stop()
	s.start()
}

// token enrols a throwaway device for user and returns its token.
func (s *server) token(user string) string {
	s.t.Helper()
	resp, err := NewClient(s.URL, "", nil).Enrol(context.Background(), protocol.EnrolRequest{School: school, Username: user,
		Password: password, DeviceID: localstore.NewID(), DeviceName: "test"})
	if err != nil {
		s.t.Fatal(err)
	}
	return resp.Token
}

// revoke revokes a device as the admin (PROTOCOL §4).
func (s *server) revoke(deviceID string) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, s.URL+"/v1/admin/devices/"+deviceID, nil)
	req.Header.Set("Authorization", "Bearer "+s.token("boss"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		s.t.Fatalf("revoke: status %d", resp.StatusCode)
	}
}

// tablet is one simulated device: a real store in a temp dir and a Syncer.
type tablet struct {
	t      testing.TB
	path   string
	now    func() time.Time
	store  *localstore.Store
	syncer *Syncer
	cfg    Config
}

func newTablet(t testing.TB, now func() time.Time, cfg Config) *tablet {
	t.Helper()
	tb := &tablet{t: t, path: filepath.Join(t.TempDir(), "tablet.db"), now: now, cfg: cfg}
	tb.open()
	t.Cleanup(func() { _ = tb.store.Close() })
	return tb
}

func (tb *tablet) open() {
	tb.t.Helper()
	st, err := localstore.OpenWith(tb.path, localstore.Options{Now: tb.now})
	if err != nil {
		tb.t.Fatal(err)
	}
	tb.store = st
	cfg := tb.cfg
	cfg.Store = st
	if tb.now != nil {
		cfg.Now = tb.now
	}
	tb.syncer = New(cfg)
}

// restart closes and reopens the store (an app restart).
func (tb *tablet) restart() {
	tb.t.Helper()
	if err := tb.store.Close(); err != nil {
		tb.t.Fatal(err)
	}
	tb.open()
}

func (tb *tablet) enrol(srv *server, user string) {
	tb.t.Helper()
	if _, err := tb.syncer.Enrol(context.Background(), EnrolParams{ServerURL: srv.URL, School: school, Username: user,
		Password: password, DeviceName: "tablet of " + user}); err != nil {
		tb.t.Fatalf("enrol %s: %v", user, err)
	}
}

// pointAt moves the tablet to the server's current URL (after a restart).
func (tb *tablet) pointAt(srv *server) {
	tb.t.Helper()
	e, err := tb.store.Enrolment()
	if err != nil {
		tb.t.Fatal(err)
	}
	e.ServerURL = srv.URL // same server, new port: the cursor stays
	if err := tb.store.SetEnrolment(context.Background(), e); err != nil {
		tb.t.Fatal(err)
	}
}

func (tb *tablet) sync() {
	tb.t.Helper()
	if err := tb.syncer.SyncOnce(context.Background()); err != nil {
		tb.t.Fatalf("sync: %v", err)
	}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
