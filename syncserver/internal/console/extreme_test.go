package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/pgstore"
	"smallwins/syncserver/internal/pgtest"
	"smallwins/syncserver/internal/store"
)

// answerWithin is how long a page with extreme scores may take: far more
// than it needs (milliseconds; a PDF under the race detector on a loaded
// 2-core machine took over 10 s), far less than the endless loop of the
// chart attack (ADR 0023), which kept a core busy until the server was killed.
const answerWithin = 90 * time.Second

// TestExtremeScoresChart (issue 20 finding 1): two probes of −1.7e308 and
// +1.7e308 overflowed the chart's range to +Inf and gonum/plot's tick
// placement never returned: whoever opened the student's chart.svg or
// report.pdf started a loop only a restart ended. The probes are written
// into the store directly, past the push's checks (a store written before
// DOMAIN bounded scores): the chart must hold on its own. Every page that
// shows the goal answers within a deadline, on both stores.
func TestExtremeScoresChart(t *testing.T) {
	t.Run("bbolt", func(t *testing.T) { testExtremeScoresChart(t, newEnv(t, false)) })
	t.Run("postgres", func(t *testing.T) {
		st, err := pgstore.Open(context.Background(), pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		testExtremeScoresChart(t, newEnvOn(t, false, st))
	})
}

func testExtremeScoresChart(t *testing.T, e *env) {
	e.storeProbes(e.ids.s1, -1.7e308, 1.7e308)
	b := e.signedIn("lincoln", "admin")
	goal := "/students/" + e.ids.s1 + "/goals/" + e.ids.goal1
	for path, want := range map[string]string{
		goal + "/chart.svg":     "<svg",
		goal + "/report.pdf":    "%PDF",
		"/students/" + e.ids.s1: "Maya Lopez",
		"/":                     "Maya Lopez",
		"/meeting/agenda.pdf":   "%PDF",
	} {
		status, body, took, err := b.getWithin(path+"?as_of="+asOf, answerWithin)
		if err != nil {
			t.Errorf("%s with extreme scores did not answer within %v: %v", path, answerWithin, err)
			continue
		}
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("%s with extreme scores: %d %.80q", path, status, body)
		}
		t.Logf("%s with extreme scores: %v", path, took)
	}
}

// storeProbes writes a probe of the fixture's measure for each score into
// the store directly (no push validation), a week apart from Tuesday
// 2025-03-04: inside goal 1's span, before as_of, and on no date the
// fixture probed (one date's probes count as their median, which would
// tame the extremes).
func (e *env) storeProbes(student string, scores ...float64) {
	e.t.Helper()
	ctx := context.Background()
	sc, err := e.st.SchoolBySlug(ctx, "lincoln")
	if err != nil {
		e.t.Fatal(err)
	}
	clock := hlc.NewClock(uuid.New(), hlc.State{}, nil)
	var recs []record.Envelope
	for i, s := range scores {
		raw, err := json.Marshal(map[string]any{"student_id": student, "measure": "orf_wcpm", "date": fmt.Sprintf("2025-03-%02d", 4+7*i), "score": s})
		if err != nil {
			e.t.Fatal(err)
		}
		recs = append(recs, record.Envelope{ID: uuid.NewString(), Type: record.TypeProbe, HLC: clock.Now().String(), Data: raw})
	}
	admin := e.users["lincoln/admin"]
	if _, err := e.st.Push(ctx, store.PushBatch{SchoolID: sc.ID, Pusher: admin.ID, PusherIsAdmin: true, Records: recs, At: time.Now()}); err != nil {
		e.t.Fatal(err)
	}
}

// getWithin GETs path with a request deadline: a handler that never returns
// fails the test with the deadline's error instead of hanging it.
func (b *browser) getWithin(path string, d time.Duration) (int, string, time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", b.e.srv.URL+path, nil)
	if err != nil {
		return 0, "", 0, err
	}
	start := time.Now()
	resp, err := b.c.Do(req)
	if err != nil {
		return 0, "", time.Since(start), err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), time.Since(start), err
}

// BenchmarkExtremeScoresChart: chart.svg of the goal with the two extreme
// probes, the request that never returned before (issue 20 finding 1).
func BenchmarkExtremeScoresChart(b *testing.B) {
	e := newEnv(b, false)
	e.storeProbes(e.ids.s1, -1.7e308, 1.7e308)
	br := e.signedIn("lincoln", "admin")
	path := "/students/" + e.ids.s1 + "/goals/" + e.ids.goal1 + "/chart.svg?as_of=" + asOf
	if p := br.get(path); p.status != http.StatusOK {
		b.Fatalf("chart.svg: %d", p.status)
	}
	cpu0 := cpuTime()
	for b.Loop() {
		if p := br.get(path); p.status != http.StatusOK {
			b.Fatalf("chart.svg: %d", p.status)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/request")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/request")
}
