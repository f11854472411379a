package localstore

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// A draft is on disk once PutDraft returns: it survives a reopen (the
// tablet dying mid-probe), is never queued for sync, and is gone when
// deleted.
func TestDraftSurvivesReopenAndIsNeverSynced(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	if _, ok, err := s.Draft("probe/x"); err != nil || ok {
		t.Fatalf("empty store has a draft: %v %v", ok, err)
	}
	if err := s.PutDraft(ctx, "probe/x", []byte(`{"errors":3}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDraft(ctx, "probe/x", []byte(`{"errors":4}`)); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s, path)
	v, ok, err := s.Draft("probe/x")
	if err != nil || !ok || !bytes.Equal(v, []byte(`{"errors":4}`)) {
		t.Fatalf("after reopen: %q %v %v, want the last draft", v, ok, err)
	}
	if n, err := s.PendingCount(); err != nil || n != 0 {
		t.Fatalf("a draft was queued for sync: pending %d (%v)", n, err)
	}
	if all, _ := s.All(); len(all) != 0 {
		t.Fatalf("a draft became a record: %v", all)
	}
	if err := s.DeleteDraft(ctx, "probe/x"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDraft(ctx, "probe/x"); err != nil {
		t.Fatalf("deleting no draft: %v", err)
	}
	s = reopen(t, s, path)
	if _, ok, _ := s.Draft("probe/x"); ok {
		t.Fatal("a deleted draft came back after reopen")
	}
}

// Hostile sizes are refused with ErrInvalid and write nothing.
func TestDraftRefusesOversizeAndEmptyKeys(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	for name, c := range map[string]struct {
		key string
		val []byte
	}{
		"empty key":  {"", []byte("x")},
		"long key":   {strings.Repeat("k", 201), []byte("x")},
		"huge value": {"big", bytes.Repeat([]byte("v"), maxDraft+1)},
	} {
		if err := s.PutDraft(ctx, c.key, c.val); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err %v, want ErrInvalid", name, err)
		}
		if _, ok, _ := s.Draft(c.key); ok {
			t.Errorf("%s: written anyway", name)
		}
	}
}
