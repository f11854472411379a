package boltstore

import (
	"errors"
	"path/filepath"
	"testing"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

func openTemp(t *testing.T) store.Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, openTemp) }

func TestLockedWhileOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "server.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); !errors.Is(err, ErrLocked) {
		t.Errorf("second open: %v, want ErrLocked", err)
	}
	s.Close()
	s2, err := Open(path)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	s2.Close()
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "server.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.NewFixture(t, s, "lincoln")
	id := "0193a5c4-7e2b-7c1d-9a41-000000000001"
	if _, err := s.Push(t.Context(), store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: []record.Envelope{storetest.Env(id, storetest.HLC(1, 0), 7)}}); err != nil {
		t.Fatal(err)
	}
	epoch, _ := s.Epoch(t.Context())
	s.Close()
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if e, _ := s.Epoch(t.Context()); e != epoch {
		t.Errorf("epoch changed on reopen: %s → %s", epoch, e)
	}
	p, err := s.Pull(t.Context(), store.PullQuery{SchoolID: f.School.ID, Limit: 10, Viewer: f.Ana.ID})
	if err != nil || len(p.Records) != 1 || string(p.Records[0].Data) != `{"v":7}` || p.Records[0].Seq != 1 {
		t.Fatalf("after reopen: %+v, %v", p, err)
	}
}
