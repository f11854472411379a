package reportcache_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/progress"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/reportcache"
	"smallwins/syncserver/internal/store"
)

// pushAll pushes records in pushes of the protocol's largest size, as a
// tablet sends them.
func (s *school) pushAll(t testing.TB, st store.Store, recs []record.Envelope) {
	t.Helper()
	for len(recs) > 0 {
		n := min(len(recs), protocol.MaxPushRecords)
		s.push(t, st, recs[:n]...)
		recs = recs[n:]
	}
}

// decisions are n team decisions on one goal, in the order a tablet writes
// them (time order: v7 ids and HLCs rising), all on one date.
func (s *school) decisions(goal, kid string, n int) []record.Envelope {
	out := make([]record.Envelope, n)
	for i := range out {
		out[i] = record.Envelope{ID: uuid.Must(uuid.NewV7()).String(), Type: record.TypeDecision, HLC: s.clock.Now().String(),
			Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"goal_id":%q,"date":"2025-03-10","code":"continue","next_review_date":"2025-%02d-%02d"}`,
				kid, goal, 4+i/28%9, 1+i%28))}
	}
	return out
}

// TestManyDecisionsOneGoal (issue 20, finding 2): one tablet pushes
// 20,000 decisions for one goal. The caseload's reports (the cache over
// the real store) still come within a generous deadline — the insertion
// sort took minutes over them — with every decision, the latest first,
// and every goal's report as the indexed read computes it.
func TestManyDecisionsOneGoal(t *testing.T) {
	for _, kind := range []string{"bbolt", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			st, _ := stores(t, kind)
			s := seed(t, st, "lincoln", 5)
			decs := s.decisions(s.goals[0], s.kids[0], 20000)
			s.pushAll(t, st, decs)
			c := reportcache.New(st, 0, 0)
			const limit = 60 * time.Second // seconds now; the insertion sort took 170 s here
			ctx, cancel := context.WithTimeout(t.Context(), limit)
			defer cancel()
			began := time.Now()
			vs, err := c.Reports(ctx, s.f.School.ID, asOf, func(string, record.Goal) bool { return true })
			if took := time.Since(began); err != nil || took > limit {
				t.Fatalf("caseload reports: %v after %v", err, took)
			}
			if len(vs) != 5 {
				t.Fatalf("%d reports, want 5", len(vs))
			}
			for _, v := range vs {
				if v.ID != s.goals[0] {
					continue
				}
				if len(v.Decisions) != 20000 || v.Decisions[0].ID != decs[len(decs)-1].ID || v.Decisions[19999].ID != decs[0].ID {
					t.Errorf("%d decisions, first %s", len(v.Decisions), v.Decisions[0].ID)
				}
			}
			if d := diff(cached(t, c, s), fresh(t, st, s)); d != "" {
				t.Error(d)
			}
		})
	}
}

// TestBadBreaksCountOnce (issue 20, finding 3): 2,000 calendar breaks the
// reports cannot use (1,000 that do not decode, 1,000 that end before they
// start) in a school of 40 goals. Each goal's report names 20 of them and
// counts the rest in one line, instead of carrying 2,000 warnings each;
// and the reports are still the indexed read's.
func TestBadBreaksCountOnce(t *testing.T) {
	for _, kind := range []string{"bbolt", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			st, _ := stores(t, kind)
			s := seed(t, st, "lincoln", 40)
			var bad []record.Envelope
			for i := 0; i < 2000; i++ {
				data := `{"name":"Winter","start_date":"2025-02-21","end_date":"2025-02-17"}`
				if i%2 == 0 {
					data = `{"name":["not","a","name"]}`
				}
				bad = append(bad, record.Envelope{ID: uuid.NewString(), Type: record.TypeCalendarBreak, Data: json.RawMessage(data)})
			}
			s.pushAll(t, st, bad)
			c := reportcache.New(st, 0, 0)
			vs, err := c.Reports(t.Context(), s.f.School.ID, asOf, func(string, record.Goal) bool { return true })
			if err != nil || len(vs) != 40 {
				t.Fatalf("%d reports, %v", len(vs), err)
			}
			for _, v := range vs {
				w := v.Report.Warnings
				if len(w) != progress.MaxWarnings+1 || !strings.HasPrefix(w[0], "calendar_break ") || w[progress.MaxWarnings] != "…and 1,980 more warnings not listed." {
					t.Fatalf("goal %s: %d warnings, the last %q", v.ID, len(w), w[len(w)-1])
				}
			}
			if d := diff(cached(t, c, s), fresh(t, st, s)); d != "" {
				t.Error(d)
			}
		})
	}
}

// TestAbandonedRequestStops: a caseload whose client gives up while its
// goals are computed stops computing and caches none of them (no half-done
// set of goals); the next request computes them all.
func TestAbandonedRequestStops(t *testing.T) {
	st, _ := stores(t, "bbolt")
	s := seed(t, st, "lincoln", 60)
	c := reportcache.New(st, 0, 0)
	ctx, cancel := context.WithCancel(t.Context())
	all := func(string, record.Goal) bool { return true }
	// The school is read; then, while the goals are listed for computing,
	// the client goes.
	leave := func(string, record.Goal) bool { cancel(); return true }
	if _, err := c.Reports(ctx, s.f.School.ID, asOf, leave); !errors.Is(err, context.Canceled) {
		t.Fatalf("an abandoned caseload answered %v, want context.Canceled", err)
	}
	if n := c.CachedGoals(s.f.School.ID, asOf); n != 0 {
		t.Errorf("%d goals cached by the abandoned request", n)
	}
	vs, err := c.Reports(t.Context(), s.f.School.ID, asOf, all)
	if err != nil || len(vs) != 60 || c.CachedGoals(s.f.School.ID, asOf) != 60 {
		t.Fatalf("the next request: %d reports, %v", len(vs), err)
	}
}

// BenchmarkManyDecisions is the caseload's reports (the cache over the
// real store, no HTTP) after a push of 1 or 1,000 more decisions on a goal
// that has 8,000 or 20,000: the push is outside the timer, the update and
// the goal's report inside. On bbolt and PostgreSQL.
//
//	go test ./syncserver/internal/reportcache -run '^$' -bench ManyDecisions -benchtime 3x
func BenchmarkManyDecisions(b *testing.B) {
	for _, kind := range []string{"bbolt", "postgres"} {
		for _, n := range []int{8000, 20000} {
			for _, pushed := range []int{1, 1000} {
				b.Run(fmt.Sprintf("%s/decisions=%d/pushed=%d", kind, n, pushed), func(b *testing.B) {
					st, _ := stores(b, kind)
					s := seed(b, st, "lincoln", 5)
					s.pushAll(b, st, s.decisions(s.goals[0], s.kids[0], n))
					c := reportcache.New(st, 0, 0)
					all := func(string, record.Goal) bool { return true }
					for b.Loop() {
						b.StopTimer()
						s.pushAll(b, st, s.decisions(s.goals[0], s.kids[0], pushed))
						b.StartTimer()
						if vs, err := c.Reports(b.Context(), s.f.School.ID, asOf, all); err != nil || len(vs) != 5 {
							b.Fatalf("%d reports, %v", len(vs), err)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/caseload")
				})
			}
		}
	}
}
