package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// answerWithin is how long a document with extreme scores may take: far more
// than it needs (milliseconds; a PDF under the race detector on a loaded
// 2-core machine took over 10 s), far less than the endless loop of the
// chart attack (ADR 0023), which kept a core busy until the server was killed.
const answerWithin = 90 * time.Second

// TestExtremeScoresProgressPDF (issue 20 finding 1): two probes of −1.7e308
// and +1.7e308 overflowed the chart's range to +Inf and gonum/plot's tick
// placement never returned, so /v1/reports/progress.pdf spun a core for
// good. The probes are written into the store directly, past the push's
// checks (a store written before DOMAIN bounded scores): the chart must
// hold on its own. The PDF answers within a deadline.
func TestExtremeScoresProgressPDF(t *testing.T) { onBothStores(t, testExtremeScoresProgressPDF) }

func testExtremeScoresProgressPDF(t *testing.T, e *env) {
	ana := e.enrol("lincoln", "ana")
	goal := e.storeExtremeGoal("lincoln", -1.7e308, 1.7e308)
	status, body, took, err := e.getWithin("/v1/reports/progress.pdf?goal="+goal+"&as_of=2025-03-17", ana.token, answerWithin)
	if err != nil {
		t.Fatalf("progress.pdf with extreme scores did not answer within %v: %v", answerWithin, err)
	}
	if status != http.StatusOK || !bytes.HasPrefix(body, []byte("%PDF")) {
		t.Fatalf("progress.pdf with extreme scores: %d %.80q", status, body)
	}
	t.Logf("progress.pdf with extreme scores: %v", took)
}

// storeExtremeGoal writes, straight into the store (no push validation), a
// student, a goal and one probe for each score, and returns the goal's id.
func (e *env) storeExtremeGoal(school string, scores ...float64) string {
	e.t.Helper()
	ctx := context.Background()
	sc, err := e.api.store.SchoolBySlug(ctx, school)
	if err != nil {
		e.t.Fatal(err)
	}
	admin, err := e.api.store.UserByUsername(ctx, sc.ID, "admin")
	if err != nil {
		e.t.Fatal(err)
	}
	clock := hlc.NewClock(uuid.New(), hlc.State{}, nil)
	student, goal := uuid.NewString(), uuid.NewString()
	var recs []record.Envelope
	add := func(id, typ string, data any) {
		raw, err := json.Marshal(data)
		if err != nil {
			e.t.Fatal(err)
		}
		recs = append(recs, record.Envelope{ID: id, Type: typ, HLC: clock.Now().String(), Data: raw})
	}
	add(student, record.TypeStudent, map[string]any{"given_name": "Ava", "family_name": "Martinez", "grade": "2"})
	add(goal, record.TypeGoal, map[string]any{"student_id": student, "measure": "orf_wcpm", "direction": "up", "start_date": "2025-01-06",
		"baseline_scores": []float64{40}, "goal_score": 70, "goal_date": "2025-05-12"})
	for i, s := range scores {
		add(uuid.NewString(), record.TypeProbe, map[string]any{"student_id": student, "measure": "orf_wcpm",
			"date": fmt.Sprintf("2025-01-%02d", 13+7*i), "score": s})
	}
	if _, err := e.api.store.Push(ctx, store.PushBatch{SchoolID: sc.ID, Pusher: admin.ID, PusherIsAdmin: true, Records: recs, At: time.Now()}); err != nil {
		e.t.Fatal(err)
	}
	return goal
}

// getWithin GETs path with a request deadline: a handler that never returns
// fails the test with the deadline's error instead of hanging it.
func (e *env) getWithin(path, token string, d time.Duration) (int, []byte, time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", e.srv.URL+path, nil)
	if err != nil {
		return 0, nil, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, time.Since(start), err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, time.Since(start), err
}
