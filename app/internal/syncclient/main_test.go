package syncclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/serverproc"
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
	if bin := os.Getenv("SYNCCLIENT_TEST_SERVER_BIN"); bin != "" {
		serverBin = bin // a server built elsewhere (another version, a debug build)
	} else {
		serverBin, err = serverproc.Build(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
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

// server is one real syncserver process on an embedded store
// (serverproc), or only a URL (a proxy in front of one).
type server struct {
	t    testing.TB
	db   string
	URL  string
	proc *serverproc.Server
}

// newServer creates a store with one school and users ana, ben
// (interventionists) and boss (admin), and starts serving it.
func newServer(t testing.TB, serveArgs ...string) *server {
	t.Helper()
	db := filepath.Join(t.TempDir(), "server.db")
	if err := serverproc.Setup(serverBin, db, school, "Lincoln Elementary", password,
		serverproc.User{Username: "ana", Name: "Ana", Role: "interventionist"},
		serverproc.User{Username: "ben", Name: "Ben", Role: "interventionist"},
		serverproc.User{Username: "boss", Name: "Boss", Role: "admin"}); err != nil {
		t.Fatal(err)
	}
	proc, err := serverproc.Start(serverBin, db, nil, serveArgs...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proc.Stop)
	return &server{t: t, db: db, URL: proc.URL, proc: proc}
}

func (s *server) cli(stdin string, args ...string) {
	s.t.Helper()
	if err := serverproc.CLI(serverBin, stdin, args...); err != nil {
		s.t.Fatal(err)
	}
}

func (s *server) start() {
	s.t.Helper()
	if err := s.proc.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.URL = s.proc.URL
}

func (s *server) stop() { s.proc.Stop() }

// restart stops and starts the server on the same store (new port).
func (s *server) restart() {
	s.t.Helper()
	if err := s.proc.Restart(); err != nil {
		s.t.Fatal(err)
	}
	s.URL = s.proc.URL
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
