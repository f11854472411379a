package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// addCICOCards gives every tenth student of lincoln a CICO plan and a card
// every weekday from 6 January to as_of (50 cards each), as the demo's
// CICO students have: the records /cico reads.
func (e *env) addCICOCards(tb testing.TB) int { return e.addCICOCardsOf(tb, 10, "2025-01-06") }

// addCICOCardsOf gives every every'th student of lincoln a CICO plan and a
// card every weekday from from to as_of.
func (e *env) addCICOCardsOf(tb testing.TB, every int, from string) int {
	tb.Helper()
	sc, err := e.st.SchoolBySlug(tb.Context(), "lincoln")
	if err != nil {
		tb.Fatal(err)
	}
	envs, err := e.st.Records(tb.Context(), sc.ID, store.Viewer{IsAdmin: true}, record.TypeStudent)
	if err != nil {
		tb.Fatal(err)
	}
	clock := hlc.NewClock(uuid.New(), hlc.State{}, nil)
	start, _ := progress.ParseDate(from)
	end, _ := progress.ParseDate(asOf)
	var recs []record.Envelope
	add := func(id, typ, data string) {
		recs = append(recs, record.Envelope{ID: id, Type: typ, HLC: clock.Now().String(), Data: json.RawMessage(data)})
		if len(recs) >= 2000 {
			if _, err := e.st.Push(tb.Context(), store.PushBatch{SchoolID: sc.ID, Pusher: e.users["lincoln/admin"].ID, PusherIsAdmin: true, Records: recs, At: time.Now()}); err != nil {
				tb.Fatal(err)
			}
			recs = nil
		}
	}
	n := 0
	for i, s := range envs {
		if i%every != 0 {
			continue
		}
		n++
		add(record.CICOPlanID(s.ID), record.TypeCICOPlan, fmt.Sprintf(`{"student_id":%q,"expectations":["Be safe","Be kind"],"periods":["Morning","Afternoon"]}`, s.ID))
		for d := start; d <= end; d++ {
			if d.Weekday() <= 5 {
				add(uuid.NewString(), record.TypeCICOCard, fmt.Sprintf(`{"student_id":%q,"date":%q,"expectations":["Be safe","Be kind"],"periods":["Morning","Afternoon"],"ratings":[[2,%d],[1,2]]}`, s.ID, d, int(d)%3))
			}
		}
	}
	if len(recs) > 0 {
		if _, err := e.st.Push(tb.Context(), store.PushBatch{SchoolID: sc.ID, Pusher: e.users["lincoln/admin"].ID, PusherIsAdmin: true, Records: recs, At: time.Now()}); err != nil {
			tb.Fatal(err)
		}
	}
	return n
}

// BenchmarkPages serves the pages of ADR 0027 for the admin of a school
// of 20 and of 2,000 active goals on the embedded store, warm (the report
// cache holds the school): /programs and a program's page sum up every
// goal from the cache's views, the group page adds its group's sessions
// and plans, /cico reads the school's CICO plans and cards (a tenth of the
// students, 50 cards each) and a student's CICO page their own. Wall and
// CPU time per page, as BenchmarkCaseload reports them.
func BenchmarkPages(b *testing.B) {
	var cpu time.Duration
	for _, n := range []int{20, 2000} {
		e := newEnv(b, false)
		e.addGoals(b, n-3)
		cico := e.addCICOCards(b)
		br := e.signedIn("lincoln", "admin")
		q := "?as_of=" + asOf
		for _, pg := range []struct{ name, path string }{
			{"programs", "/programs" + q},
			{"program", "/programs/" + e.ids.program + q},
			{"group", "/groups/" + e.ids.bluebirds + q},
			{"cico", "/cico" + q},
			{"cico-student", "/cico/" + e.ids.s1 + q},
		} {
			if p := br.get(pg.path); p.status != http.StatusOK {
				b.Fatalf("%s: %d", pg.path, p.status)
			}
			b.Run(fmt.Sprintf("goals=%d/%s", n, pg.name), func(b *testing.B) {
				size := 0
				for b.Loop() {
					before := cpuTime()
					size = len(br.get(pg.path).body)
					cpu += cpuTime() - before
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/page")
				b.ReportMetric(float64(size)/1024, "KB/page")
				b.ReportMetric(float64(cico), "cico-students")
				cpu = 0
			})
		}
	}
}

// BenchmarkCICOList serves /cico for the admin of a school whose 2,000
// students are all on CICO (a card every weekday of the last three weeks):
// the first page of 50, a page in the middle, and a name search. The page
// words and charts only the rows it shows (ADR 0039); what is left grows
// with the school's CICO cards (one read, each decoded once).
func BenchmarkCICOList(b *testing.B) {
	e := newEnv(b, false)
	e.addGoals(b, 1997)
	n := e.addCICOCardsOf(b, 1, "2025-02-24")
	br := e.signedIn("lincoln", "admin")
	q := "?as_of=" + asOf
	for _, pg := range []struct{ name, path string }{
		{"first", "/cico" + q},
		{"page20", "/cico" + q + "&page=20"},
		{"search", "/cico" + q + "&q=maya"},
	} {
		if p := br.get(pg.path); p.status != http.StatusOK {
			b.Fatalf("%s: %d", pg.path, p.status)
		}
		b.Run(pg.name, func(b *testing.B) {
			var cpu time.Duration
			size := 0
			for b.Loop() {
				before := cpuTime()
				size = len(br.get(pg.path).body)
				cpu += cpuTime() - before
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/page")
			b.ReportMetric(float64(size)/1024, "KB/page")
			b.ReportMetric(float64(n), "cico-students")
		})
	}
}
