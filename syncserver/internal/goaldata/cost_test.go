package goaldata_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/goaldata"
	"smallwins/syncserver/internal/store"
)

// TestApplyCopiesEachListOnce (issue 20): a goal has 20,000 decisions and
// a tablet pushes 1,000 more. Apply copies the goal's list of decisions
// once, not once per record: it allocates a few MiB, where copying the
// list for each record allocated gigabytes (2 s of a caseload). Counted in
// bytes allocated, which no load on the machine changes.
func TestApplyCopiesEachListOnce(t *testing.T) {
	ctx := t.Context()
	st, f, clock := newSchool(t)
	student, goal := uuid.NewString(), uuid.NewString()
	decisions := func(n int) []record.Envelope {
		out := make([]record.Envelope, n)
		for i := range out {
			out[i] = record.Envelope{ID: uuid.Must(uuid.NewV7()).String(), Type: record.TypeDecision, HLC: clock.Now().String(),
				Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"goal_id":%q,"date":"2025-03-10","code":"continue"}`, student, goal))}
		}
		return out
	}
	push := func(recs []record.Envelope) {
		for len(recs) > 0 {
			n := min(len(recs), 1000)
			if _, err := st.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Admin.ID, PusherIsAdmin: true, Records: recs[:n], At: time.Now()}); err != nil {
				t.Fatal(err)
			}
			recs = recs[n:]
		}
	}
	push(decisions(20000))
	sch, err := goaldata.ReadSchool(ctx, st, f.School.ID, store.Viewer{})
	if err != nil {
		t.Fatal(err)
	}
	more := decisions(1000)
	// Half new, half new versions of decisions already filed.
	for i := 0; i < 500; i++ {
		more[i].ID = sch.Decisions(goal)[i*7].ID
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	applied, ch := sch.Apply(more)
	runtime.ReadMemStats(&after)
	if n := len(applied.Decisions(goal)); n != 20500 || !ch.Goals[goal] || len(sch.Decisions(goal)) != 20000 {
		t.Fatalf("%d decisions after, %d before; goal touched: %v", n, len(sch.Decisions(goal)), ch.Goals[goal])
	}
	if mib := float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20); mib > 64 {
		t.Errorf("Apply of 1,000 decisions on a list of 20,000 allocated %.0f MiB, want a few", mib)
	}
}
