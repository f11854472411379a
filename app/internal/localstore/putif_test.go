package localstore

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// TestPutIfWritesOnlyOverTheVersionRead: the check and the write are one
// transaction: of many writers that read the same version, exactly one
// wins; the others write nothing and are told so.
func TestPutIfWritesOnlyOverTheVersionRead(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	p := record.Probe{StudentID: NewID(), Measure: "orf_wcpm", Date: "2025-03-17", Score: 25}
	v1 := mustPut(t, s, p)
	const writers = 16
	var wg sync.WaitGroup
	wins := make(chan float64, writers)
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(score float64) {
			defer wg.Done()
			q := p
			q.Score = score
			if _, ok, err := s.PutIf(ctx, record.TypeProbe, v1.ID, q, false, v1.HLC); err != nil {
				t.Error(err)
			} else if ok {
				wins <- score
			}
		}(float64(100 + i))
	}
	wg.Wait()
	close(wins)
	var won []float64
	for w := range wins {
		won = append(won, w)
	}
	if len(won) != 1 {
		t.Fatalf("%d writers won over one version, want 1: %v", len(won), won)
	}
	s = reopen(t, s, path)
	got, ok := repo.Get[record.Probe](s, v1.ID)
	if !ok || got.Data.Score != won[0] {
		t.Fatalf("stored %+v, want the winner's %v", got.Data, won[0])
	}
	// A stale delete writes nothing; a current one writes the tombstone.
	if _, ok, err := s.DeleteIf(ctx, v1.ID, v1.HLC); ok || err != nil {
		t.Fatalf("stale delete: ok %v err %v", ok, err)
	}
	tomb, ok, err := s.DeleteIf(ctx, v1.ID, got.HLC)
	if !ok || err != nil || !tomb.Deleted {
		t.Fatalf("current delete: %+v %v %v", tomb, ok, err)
	}
	// Bringing it back over the tombstone (an undo) needs the tombstone's HLC.
	raw, _ := json.Marshal(p)
	if _, ok, _ := s.PutIf(ctx, record.TypeProbe, v1.ID, json.RawMessage(raw), false, got.HLC); ok {
		t.Fatal("a put over a stale version of a deleted record was written")
	}
	if _, ok, err := s.PutIf(ctx, record.TypeProbe, v1.ID, json.RawMessage(raw), false, tomb.HLC); !ok || err != nil {
		t.Fatalf("put over the tombstone: %v %v", ok, err)
	}
	// Plain Put and Delete are unchanged by the check.
	if _, err := s.Put(ctx, record.TypeProbe, v1.ID, p, false); err != nil {
		t.Fatal(err)
	}
}

func mustPut(t *testing.T, s *Store, p record.Probe) record.Envelope {
	t.Helper()
	e, err := s.Put(context.Background(), record.TypeProbe, "", p, false)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
