package httpapi

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/auth"
	"smallwins/syncserver/internal/store"
)

// TestProgressReportAfterTheGoalDate: /v1/reports/progress read after the
// goal date answers review_goal (rule goal_date) with the reason DOMAIN.md
// §3.5 rule 0 gives, no overdue probe, and the aimline held at the goal.
func TestProgressReportAfterTheGoalDate(t *testing.T) {
	e := newEnv(t)
	d := e.enrol("lincoln", "ana")
	goalID, student := uuid.NewString(), uuid.NewString()
	gd, _ := record.EncodeData(record.Goal{StudentID: student, Measure: "orf_wcpm", Direction: "up", StartDate: "2025-01-06",
		BaselineScores: []float64{42, 45, 40}, GoalScore: 78, GoalDate: "2025-05-12"}, nil)
	recs := []record.Envelope{{ID: goalID, Type: "goal", HLC: d.clock.Now().String(), Data: gd}}
	week1, _ := progress.ParseDate("2025-01-13")
	for w := 1; w <= 20; w++ {
		s := 42 + 2*float64(w) - 1 // below the aimline every week: rules 2–5 would say change
		if w > 17 {
			s = []float64{80, 81, 81}[w-18]
		}
		pd, _ := record.EncodeData(record.Probe{StudentID: student, Measure: "orf_wcpm", Date: (week1 + progress.Date(7*(w-1))).String(), Score: s}, nil)
		recs = append(recs, record.Envelope{ID: uuid.NewString(), Type: "probe", HLC: d.clock.Now().String(), Data: pd})
	}
	if s, b := e.push(d, recs...); s != 200 {
		t.Fatal(s, string(b))
	}
	var r struct {
		AsOf     string `json:"as_of"`
		Decision struct{ Code, Rule, Reason string }
		Points   []struct {
			Aimline  float64
			Position string
		}
		Status       string
		Sufficiency  string
		OverdueProbe bool `json:"overdue_probe"`
	}
	s, b := e.do("GET", "/v1/reports/progress?goal="+goalID+"&as_of=2025-08-04", d.token, nil)
	if s != 200 || json.Unmarshal(b, &r) != nil {
		t.Fatalf("%d %s", s, b)
	}
	want := "The goal date, 12 May, has passed and the present level, 81, reached the goal of 78: set a new goal or end the intervention."
	if r.Decision.Code != "review_goal" || r.Decision.Rule != "goal_date" || r.Decision.Reason != want || r.Sufficiency != "goal_met" {
		t.Errorf("decision %+v sufficiency %s", r.Decision, r.Sufficiency)
	}
	// Eleven weeks after the last probe, yet the goal's time is up.
	if r.OverdueProbe || r.Status != "green" {
		t.Errorf("overdue %v status %s", r.OverdueProbe, r.Status)
	}
	if n := len(r.Points); n != 20 || r.Points[n-1].Aimline != 78 || r.Points[n-1].Position != "above" {
		t.Errorf("the last point %+v: the aimline ends at the goal", r.Points[len(r.Points)-1])
	}
}

// TestCICOReportExactAndSkipsInvalidCards: /v1/reports/cico compares a day
// with its goal exactly (29 of 50 meets 58), and skips a card stored
// outside DOMAIN.md §3.9's rules whole, naming it in warnings (DOMAIN.md
// §3.9, §4.2). The bad card is written to the store directly, as a record
// stored before validation would be.
func TestCICOReportExactAndSkipsInvalidCards(t *testing.T) {
	e := newEnv(t)
	d := e.enrol("lincoln", "ana")
	student := uuid.NewString()
	rate := func(periods, expectations, earned int) [][]*float64 {
		out := make([][]*float64, periods)
		for p := range out {
			out[p] = make([]*float64, expectations)
			for x := range out[p] {
				v := float64(min(2, earned))
				earned -= int(v)
				out[p][x] = &v
			}
		}
		return out
	}
	names := func(n int) []string { return strings.Split(strings.Repeat("x,", n)[:2*n-1], ",") }
	card := func(date string, periods, expectations int, ratings [][]*float64, goal float64) record.Envelope {
		cd, _ := record.EncodeData(record.CICOCard{StudentID: student, Date: date, Expectations: names(expectations), Periods: names(periods),
			Ratings: ratings, GoalPct: &goal}, nil)
		return record.Envelope{ID: uuid.NewString(), Type: "cico_card", HLC: d.clock.Now().String(), Data: cd}
	}
	exact := card("2025-03-03", 5, 5, rate(5, 5, 29), 58)     // 29 of 50: met
	pooledWith := card("2025-03-04", 1, 2, rate(1, 2, 3), 80) // 3 of 4: below 80
	tooMany := card("2025-03-04", 1, 6, rate(1, 6, 12), 10)   // six expectations: skipped
	three := 3.0
	badCell := card("2025-03-05", 1, 2, [][]*float64{{&three, &three}}, 10) // a rating of 3: skipped
	if s, b := e.push(d, exact, pooledWith); s != 200 {
		t.Fatal(s, string(b))
	}
	p, err := e.st.PrincipalByToken(context.Background(), auth.HashToken(d.token), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Push(context.Background(), store.PushBatch{SchoolID: p.School.ID, Pusher: p.User.ID, Records: []record.Envelope{tooMany, badCell}, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	s, b := e.do("GET", "/v1/reports/cico?student="+student+"&from=2025-03-03&to=2025-03-09", d.token, nil)
	var r progress.CICOReport
	if s != 200 || json.Unmarshal(b, &r) != nil {
		t.Fatalf("%d %s", s, b)
	}
	if len(r.Days) != 2 || !r.Days[0].Met || r.Days[0].Earned != 29 || r.Days[0].Possible != 50 {
		t.Errorf("days %+v: 29 of 50 meets a goal of 58", r.Days)
	}
	if len(r.Days) == 2 && (r.Days[1].Earned != 3 || r.Days[1].Possible != 4 || r.Days[1].Met) {
		t.Errorf("the pooled day %+v counts part of an invalid card or its goal", r.Days[1])
	}
	for _, bad := range []record.Envelope{tooMany, badCell} {
		if !strings.Contains(string(b), bad.ID) {
			t.Errorf("the invalid card %s is not named in warnings %q", bad.ID, r.Warnings)
		}
	}
}
