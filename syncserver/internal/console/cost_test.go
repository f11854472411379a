package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// latestReview is the next review date of the latest of pushDecisions'
// decisions: the caseload shows it, and only it.
const latestReview = "2026-12-31"

// pushDecisions writes n team decisions on the fixture's goal1 (Maya's),
// all on one date, in the order a tablet writes them: v7 ids and HLCs
// rising, so the latest is the last (the insertion sort's worst case).
// They go in through the store, in pushes of 1,000, as a push would
// store them: the attack is in what is stored, not in how it came.
func (e *env) pushDecisions(tb testing.TB, n int) {
	tb.Helper()
	var recs []record.Envelope
	for i := 0; i < n; i++ {
		review := fmt.Sprintf("2025-%02d-%02d", 4+i/28%8, 1+i%28)
		if i == n-1 {
			review = latestReview
		}
		recs = append(recs, record.Envelope{ID: uuid.Must(uuid.NewV7()).String(), Type: record.TypeDecision,
			Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"goal_id":%q,"date":"2025-03-10","code":"continue","rationale":"r%d","next_review_date":%q}`,
				e.ids.s1, e.ids.goal1, i, review))})
	}
	e.storePush(tb, recs)
}

// storePush stamps records with one clock and pushes them into lincoln
// through the store, 1,000 at a time.
func (e *env) storePush(tb testing.TB, recs []record.Envelope) {
	tb.Helper()
	sc, err := e.st.SchoolBySlug(tb.Context(), "lincoln")
	if err != nil {
		tb.Fatal(err)
	}
	clock := hlc.NewClock(uuid.New(), hlc.State{}, nil)
	for i := range recs {
		recs[i].HLC = clock.Now().String()
	}
	for len(recs) > 0 {
		n := min(len(recs), 1000)
		if _, err := e.st.Push(tb.Context(), store.PushBatch{SchoolID: sc.ID, Pusher: e.users["lincoln/admin"].ID, PusherIsAdmin: true,
			Records: recs[:n], At: time.Now()}); err != nil {
			tb.Fatal(err)
		}
		recs = recs[n:]
	}
}

// badBreaks are n calendar breaks the reports cannot use: half do not
// decode, half end before they start.
func badBreaks(n int) []record.Envelope {
	out := make([]record.Envelope, n)
	for i := range out {
		data := `{"name":"Winter","start_date":"2025-02-21","end_date":"2025-02-17"}`
		if i%2 == 0 {
			data = `{"name":["not","a","name"]}`
		}
		out[i] = record.Envelope{ID: uuid.NewString(), Type: record.TypeCalendarBreak, Data: json.RawMessage(data)}
	}
	return out
}

// TestManyDecisionsStillAnswer (issue 20, finding 2): a tablet pushed
// 20,000 decisions on one goal. The caseload and the student page still
// answer, well within a generous timeout (the insertion sort took about
// 2 and 1.5 minutes here), and show the latest decision's next review.
func TestManyDecisionsStillAnswer(t *testing.T) {
	e := newEnv(t, false)
	e.pushDecisions(t, 20000)
	br := e.signedIn("lincoln", "admin")
	br.c.Timeout = 60 * time.Second
	for _, path := range []string{"/?as_of=" + asOf, "/students/" + e.ids.s1 + "?as_of=" + asOf} {
		began := time.Now()
		p := br.get(path)
		if p.status != http.StatusOK || !strings.Contains(p.body, latestReview) {
			t.Errorf("%s: %d after %v; the latest next review shown: %v", path, p.status, time.Since(began), strings.Contains(p.body, latestReview))
		}
	}
	if r := e.report("lincoln", "admin", e.ids.goal1); r.Decision.Code == "" {
		t.Errorf("the report API: %+v", r.Decision)
	}
}

// TestBadBreaksWarnOnce (issue 20, finding 3): 4,000 calendar breaks the
// reports cannot use. The report API names 20 and counts the rest, the
// caseload and the student page still answer with every goal.
func TestBadBreaksWarnOnce(t *testing.T) {
	e := newEnv(t, false)
	e.storePush(t, badBreaks(4000))
	r := e.report("lincoln", "admin", e.ids.goal1)
	if len(r.Warnings) != progress.MaxWarnings+1 || r.Warnings[progress.MaxWarnings] != "…and 3,980 more warnings not listed." {
		t.Errorf("%d warnings, the last %q", len(r.Warnings), r.Warnings[len(r.Warnings)-1])
	}
	br := e.signedIn("lincoln", "admin")
	if p := br.get("/?as_of=" + asOf); p.status != http.StatusOK || len(rows(p.body)) != 3 {
		t.Errorf("caseload: %d, %d rows", p.status, len(rows(p.body)))
	}
	if p := br.get("/students/" + e.ids.s1 + "?as_of=" + asOf); p.status != http.StatusOK {
		t.Errorf("student page: %d", p.status)
	}
}

// BenchmarkManyDecisions is the attack of issue 20's finding 2: one
// goal's decisions pushed 2,000, 8,000 or 20,000 at a time (bbolt). Each
// caseload follows a push of one more decision on that goal (outside the
// timer), so it computes that goal again, as every coordinator's next
// page after the attacker's tablet synced; "student" is Maya's page. CPU
// time per page is the process's (server and client), as in
// BenchmarkCaseload.
//
//	go test ./syncserver/internal/console -run '^$' -bench ManyDecisions -benchtime 3x
func BenchmarkManyDecisions(b *testing.B) {
	for _, n := range []int{2000, 8000, 20000} {
		e := newEnv(b, false)
		e.pushDecisions(b, n)
		br := e.signedIn("lincoln", "admin")
		var cpu time.Duration
		page := func(b *testing.B, path string) {
			before := cpuTime()
			if p := br.get(path); p.status != http.StatusOK || !strings.Contains(p.body, latestReview) {
				b.Fatalf("%s: %d", path, p.status)
			}
			cpu += cpuTime() - before
		}
		report := func(b *testing.B) {
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/page")
			cpu = 0
		}
		b.Run(fmt.Sprintf("decisions=%d/caseload", n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				e.storePush(b, []record.Envelope{{ID: uuid.NewString(), Type: record.TypeDecision,
					Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"goal_id":%q,"date":"2025-03-09","code":"continue"}`, e.ids.s1, e.ids.goal1))}})
				b.StartTimer()
				page(b, "/?as_of="+asOf)
			}
			report(b)
		})
		b.Run(fmt.Sprintf("decisions=%d/student", n), func(b *testing.B) {
			for b.Loop() {
				page(b, "/students/"+e.ids.s1+"?as_of="+asOf)
			}
			report(b)
		})
	}
}

// BenchmarkBadBreaks is the attack of issue 20's finding 3: a school of
// 500 goals and 10,000 calendar breaks the reports cannot use. Each
// caseload reads the school whole (a new epoch before it, outside the
// timer) and computes every goal. "held-MiB" is the heap still in use
// after a GC once the caseload was also asked for as of three other dates
// (the cache keeps four): what the server holds while idle.
//
//	go test ./syncserver/internal/console -run '^$' -bench BadBreaks -benchtime 3x
func BenchmarkBadBreaks(b *testing.B) {
	e := newEnv(b, false)
	e.addGoals(b, 497) // and the fixture's 3
	e.storePush(b, badBreaks(10000))
	br := e.signedIn("lincoln", "admin")
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		if _, err := e.st.NewEpoch(b.Context()); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		before := cpuTime()
		if p := br.get("/?as_of=" + asOf); p.status != http.StatusOK || len(rows(p.body)) != 500 {
			b.Fatalf("caseload: %d, %d rows", p.status, len(rows(p.body)))
		}
		cpu += cpuTime() - before
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/page")
	for _, d := range []string{"2025-03-18", "2025-03-19", "2025-03-20"} {
		if p := br.get("/?as_of=" + d); p.status != http.StatusOK {
			b.Fatalf("caseload as of %s: %d", d, p.status)
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "held-MiB")
}
