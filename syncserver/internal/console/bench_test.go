package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// addGoals pushes n more students into lincoln, each in a group of 10 with a
// plan, an active goal, ten weekly probes and a session a week: a school
// of n active goals for the caseload benchmark (CONSOLE.md §5 "Fast").
func (e *env) addGoals(tb testing.TB, n int) {
	tb.Helper()
	sc, err := e.st.SchoolBySlug(tb.Context(), "lincoln")
	if err != nil {
		tb.Fatal(err)
	}
	admin := e.users["lincoln/admin"]
	clock := hlc.NewClock(uuid.New(), hlc.State{}, nil)
	start, _ := progress.ParseDate("2025-01-06")
	var recs []record.Envelope
	add := func(id, typ, data string) {
		recs = append(recs, record.Envelope{ID: id, Type: typ, HLC: clock.Now().String(), Data: json.RawMessage(data)})
	}
	flush := func() {
		if len(recs) == 0 {
			return
		}
		if _, err := e.st.Push(tb.Context(), store.PushBatch{SchoolID: sc.ID, Pusher: admin.ID, PusherIsAdmin: true, Records: recs, At: time.Now()}); err != nil {
			tb.Fatal(err)
		}
		recs = nil
	}
	for g := 0; g < (n+9)/10; g++ {
		group := uuid.NewString()
		var students []string
		for i := 0; i < 10 && g*10+i < n; i++ {
			students = append(students, uuid.NewString())
		}
		ids, _ := json.Marshal(students)
		add(group, "group", fmt.Sprintf(`{"name":"Group %d","program_id":%q,"student_ids":%s,"interventionist_id":%q}`, g, e.ids.program, ids, e.users["lincoln/ana"].ID))
		for w := 1; w <= 10; w++ {
			add(uuid.NewString(), "session", fmt.Sprintf(`{"group_id":%q,"program_id":%q,"date":%q,"status":"delivered","minutes":30,"attendance":[],"fidelity":[{"step_id":"a","status":"done"}]}`,
				group, e.ids.program, (start+progress.Date(7*w)).String()))
		}
		for i, s := range students {
			plan, goal := uuid.NewString(), uuid.NewString()
			add(s, "student", fmt.Sprintf(`{"given_name":"Student","family_name":"%d-%d","grade":"%d"}`, g, i, 1+i%5))
			add(plan, "plan", fmt.Sprintf(`{"student_id":%q,"program_id":%q,"group_id":%q,"start_date":"2025-01-06","sessions_per_week":1,"minutes_per_session":30}`, s, e.ids.program, group))
			add(goal, "goal", fmt.Sprintf(`{"student_id":%q,"plan_id":%q,"measure":"orf_wcpm","direction":"up","start_date":"2025-01-06","baseline_scores":[40],"goal_score":76,"goal_date":"2025-05-12"}`, s, plan))
			for w := 1; w <= 10; w++ {
				add(uuid.NewString(), "probe", fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":%q,"score":%d}`, s, (start+progress.Date(7*w)).String(), 40+2*w+(i+w)%5))
			}
		}
		if len(recs) > 2000 {
			flush()
		}
	}
	flush()
}

// BenchmarkCaseload renders the admin's caseload of a school with 20 and
// with 2,000 active goals on the embedded store (CONSOLE.md §5: under
// 100 ms at 2,000, warm), the whole HTTP round trip, and a student page
// (under 50 ms). "warm": the school has not changed since the last page, so the
// reports come from the cache (reportcache); "synced": a tablet pushes a
// probe before every page (outside the timer), so every page pulls the
// change and computes the goals it touches again; "full": the store gets a
// new epoch before every page, so every page reads the whole school and
// computes every report, as the first page after a restart or a restore.
//
// This machine is shared (2 cores, other builds running), so beside the
// wall time each page's CPU time is reported too (the process's user+system
// time over the timed pages: server and client, which is one process here):
// it does not grow when other processes take the cores.
func BenchmarkCaseload(b *testing.B) {
	var cpu time.Duration
	timed := func(get func()) {
		before := cpuTime()
		get()
		cpu += cpuTime() - before
	}
	perPage := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/page")
		cpu = 0
	}
	for _, n := range []int{20, 2000} {
		e := newEnv(b, false)
		e.addGoals(b, n-3) // the fixture has 3 active goals
		br := e.signedIn("lincoln", "admin")
		if p := br.get("/?as_of=" + asOf); p.status != http.StatusOK || len(rows(p.body)) != min(n, 50) {
			b.Fatalf("caseload: %d, %d rows", p.status, len(rows(p.body)))
		}
		// The caseload pages (ADR 0018): the first page as it opens; a
		// sorted, filtered page further on; a name search; and the CSV of
		// the whole caseload. KB/page is the response body's size.
		for _, c := range []struct{ name, path string }{
			{"warm", "/?as_of=" + asOf},
			{"warm-sorted-filtered", "/?as_of=" + asOf + "&review_due=1&grade=2&sort=student&dir=desc&page=4"},
			{"warm-search", "/?as_of=" + asOf + "&q=student+4-"},
			{"warm-csv", "/caseload.csv?as_of=" + asOf},
		} {
			b.Run(fmt.Sprintf("goals=%d/%s", n, c.name), func(b *testing.B) {
				var size int
				for b.Loop() {
					timed(func() {
						p := br.get(c.path)
						if p.status != http.StatusOK {
							b.Fatalf("%s: %d", c.path, p.status)
						}
						size = len(p.body)
					})
				}
				perPage(b)
				b.ReportMetric(float64(size)/1024, "KB/page")
			})
		}
		b.Run(fmt.Sprintf("goals=%d/full", n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				if _, err := e.st.NewEpoch(b.Context()); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				timed(func() { br.get("/?as_of=" + asOf) })
			}
			perPage(b)
		})
		b.Run(fmt.Sprintf("goals=%d/synced", n), func(b *testing.B) {
			tb := e.enrol("lincoln", "admin")
			i := 0
			for b.Loop() {
				b.StopTimer()
				i++
				e.push(tb, []record.Envelope{{ID: uuid.NewString(), Type: "probe",
					Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":"2025-03-1%d","score":%d}`, e.ids.s1, i%7, 50+i%9))}})
				b.StartTimer()
				timed(func() { br.get("/?as_of=" + asOf) })
			}
			perPage(b)
		})
		b.Run(fmt.Sprintf("goals=%d/student", n), func(b *testing.B) {
			for b.Loop() {
				timed(func() { br.get("/students/" + e.ids.s1 + "?as_of=" + asOf) })
			}
			perPage(b)
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
