package serverproc

import (
	"net/http"

	"path/filepath"
	"strings"
	"testing"
)

// TestStartStopRestart: the real binary is built, set up through its own
// command line, serves, restarts on the same store and stops.
func TestStartStopRestart(t *testing.T) {
	bin, err := Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "server.db")
	if err := Setup(bin, db, "lincoln", "Lincoln", "correct horse battery", User{"ana", "Ana", "interventionist"}); err != nil {
		t.Fatal(err)
	}
	if err := Setup(bin, db, "lincoln", "Lincoln", "correct horse battery"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("a second school with the same slug: %v", err)
	}
	s, err := Start(bin, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	get := func() int {
		resp, err := http.Get(s.URL + "/healthz")
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if get() != 200 || s.PID == 0 {
		t.Fatalf("not serving: %s pid %d", s.URL, s.PID)
	}
	old := s.URL
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if get() != 200 {
		t.Fatalf("not serving after restart at %s (was %s)", s.URL, old)
	}
	s.Stop()
	if get() != 0 {
		t.Error("still answering after Stop")
	}
	// A start that fails says why.
	if _, err := Start(bin, filepath.Join(t.TempDir(), "missing", "dir", "s.db"), nil); err == nil {
		t.Error("a server on an impossible path started")
	}
}
