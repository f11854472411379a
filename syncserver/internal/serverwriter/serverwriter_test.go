package serverwriter

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

func TestWrite(t *testing.T) {
	ctx := context.Background()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := storetest.NewFixture(t, st, "lincoln")
	w := New(st, nil)

	// A new record: stamped under the school's server device id, authored
	// by the user, pulled like any other.
	student := uuid.NewString()
	out, err := w.Write(ctx, f.School.ID, f.Admin, Draft{Type: record.TypeDecision, Data: record.Decision{StudentID: student, Code: record.DecisionContinue}})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := hlc.Parse(out[0].HLC)
	if err != nil || ts.Node.String() != DeviceID(f.School.ID) || !record.IsID(out[0].ID) {
		t.Fatalf("written %+v (%v)", out[0], err)
	}
	page, err := st.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, Limit: 10, Viewer: store.ViewerOf(f.Ana)})
	if err != nil || len(page.Records) != 1 || page.Records[0].ID != out[0].ID || !strings.Contains(string(page.Records[0].Data), record.DecisionContinue) {
		t.Fatalf("pulled %+v, %v", page.Records, err)
	}
	if again := DeviceID(f.School.ID); again != ts.Node.String() || again == DeviceID(uuid.NewString()) {
		t.Error("the server device id is not one stable id per school")
	}

	// An update wins against a tablet version stamped a minute ahead.
	tablet := hlc.NewClock(uuid.New(), hlc.State{}, func() time.Time { return time.Now().Add(time.Minute) })
	id := uuid.NewString()
	if _, err := st.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: []record.Envelope{
		{ID: id, Type: record.TypeNote, HLC: tablet.Now().String(), Data: []byte(`{"body":"tablet"}`)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(ctx, f.School.ID, f.Admin, Draft{ID: id, Type: record.TypeNote, Data: map[string]string{"body": "console"}}); err != nil {
		t.Fatalf("an update behind a clock ahead: %v", err)
	}
	got, _ := st.RecordsByID(ctx, f.School.ID, store.ViewerOf(f.Admin), id)
	if len(got) != 1 || !strings.Contains(string(got[0].Data), "console") {
		t.Fatalf("held after the update: %+v", got)
	}

	// The restricted rule holds for the server's writes too.
	secret := uuid.NewString()
	if _, err := w.Write(ctx, f.School.ID, f.Ben, Draft{ID: secret, Type: record.TypeNote, Data: map[string]string{"body": "ben's"}, Restricted: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(ctx, f.School.ID, f.Ana, Draft{ID: secret, Type: record.TypeNote, Data: map[string]string{"body": "ana's"}}); !protocol.IsCode(err, protocol.CodeForbidden) {
		t.Errorf("ana overwrote ben's restricted note: %v", err)
	}

	// Concurrent writes to one school get distinct, increasing stamps.
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := w.Write(ctx, f.School.ID, f.Admin, Draft{Type: record.TypeNote, Data: map[string]int{"i": i}})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if seen[out[0].HLC] {
				t.Errorf("HLC %s stamped twice", out[0].HLC)
			}
			seen[out[0].HLC] = true
		}()
	}
	wg.Wait()
}

// TestWriteRefusesOutOfBounds: the server's own writes (console, imports)
// pass DOMAIN.md §2's bounds as a tablet's push does, unknown fields
// included (ADR 0022); nothing of a refused write is stored.
func TestWriteRefusesOutOfBounds(t *testing.T) {
	ctx := context.Background()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := storetest.NewFixture(t, st, "lincoln")
	w := New(st, nil)
	student := uuid.NewString()
	ok := Draft{Type: record.TypeDecision, Data: record.Decision{StudentID: student, Date: "2025-03-03", Code: record.DecisionContinue}}
	for _, bad := range []Draft{
		{Type: record.TypeProbe, Data: map[string]any{"student_id": student, "measure": "orf_wcpm", "date": "2025-03-03", "score": 1.7e308}},
		{Type: record.TypeProbe, Data: map[string]any{"student_id": student, "measure": "orf_wcpm", "date": "2025-03-03", "score": 40, "x": -2e6}},
		{Type: record.TypeDecision, Data: record.Decision{StudentID: student, Date: "1900-01-01", Code: record.DecisionContinue}},
	} {
		_, err := w.Write(ctx, f.School.ID, f.Admin, ok, bad)
		var fe *record.FieldError
		if !errors.As(err, &fe) || fe.Type != bad.Type {
			t.Errorf("%+v: %v, want a *record.FieldError", bad.Data, err)
		}
	}
	page, err := st.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, Limit: 10, Viewer: store.ViewerOf(f.Admin)})
	if err != nil || len(page.Records) != 0 {
		t.Fatalf("refused writes stored %d records (%v)", len(page.Records), err)
	}
}
