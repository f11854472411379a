package httpapi

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

// exampleNorms is DOMAIN.md §4.4's example as a norm table: a fall score
// of 85 lies at the 23.5th percentile, whose nearest roi is 1.4, and the
// 48.5th's is 1.9; the spring benchmark is 110.
func exampleNorms(source string) record.NormTable {
	f := func(v float64) *float64 { return &v }
	row := func(p, fall, roi float64) record.NormRow {
		return record.NormRow{Percentile: p, Fall: f(fall), ROI: f(roi)}
	}
	return record.NormTable{Measure: "orf_wcpm", Grade: "2", Source: source,
		Rows:      []record.NormRow{row(10, 60, 1.2), row(20, 78, 1.4), row(30, 98, 1.5), row(40, 105, 1.7), row(50, 112, 1.9), row(75, 130, 2.1), row(90, 150, 2.3)},
		Benchmark: &record.Benchmark{Fall: f(95), Winter: f(102), Spring: f(110)}}
}

func typedRec(d device, id, typ string, v any) record.Envelope {
	data, _ := record.EncodeData(v, nil)
	return record.Envelope{ID: id, Type: typ, HLC: d.clock.Now().String(), Data: data}
}

func suggestionsURL(student, measure, start, goal, score string) string {
	q := url.Values{}
	for k, v := range map[string]string{"student": student, "measure": measure, "start_date": start, "goal_date": goal, "start_score": score} {
		if v != "\x00" { // "\x00": leave the parameter out
			q.Set(k, v)
		}
	}
	return "/v1/reports/goal-suggestions?" + q.Encode()
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		t.Fatalf("not JSON: %s / %s", a, b)
	}
	return reflect.DeepEqual(x, y)
}

// TestGoalSuggestions: §4.4 through HTTP on both stores: the worked
// example, the empty answer, the latest table, breaks, tenancy and every
// 400 and 404.
func TestGoalSuggestions(t *testing.T) { onBothStores(t, testGoalSuggestions) }

func testGoalSuggestions(t *testing.T, e *env) {
	admin, ana := e.enrol("lincoln", "admin"), e.enrol("lincoln", "ana")
	other := e.enrol("washington", "admin")
	student, third, table := uuid.NewString(), uuid.NewString(), uuid.NewString()
	if s, b := e.push(admin,
		typedRec(admin, student, record.TypeStudent, record.Student{GivenName: "Ava", FamilyName: "Lee", Grade: "2"}),
		typedRec(admin, third, record.TypeStudent, record.Student{GivenName: "Tom", FamilyName: "Ray", Grade: "3"}),
		typedRec(admin, table, record.TypeNormTable, exampleNorms("District local norms 2026 (fictional)")),
	); s != 200 {
		t.Fatal(s, string(b))
	}
	ask := func(d device, student, measure, start, goal, score string) (int, []byte) {
		t.Helper()
		return e.do("GET", suggestionsURL(student, measure, start, goal, score), d.token, nil)
	}
	// The worked example: start 85 on Monday 2025-09-08, goal 36 weeks on.
	s, b := ask(ana, student, "orf_wcpm", "2025-09-08", "2026-05-18", "85")
	want := `{"norm_table_id":"` + table + `","source":"District local norms 2026 (fictional)","season":"fall",
	 "start_percentile":23.5,"below_benchmark":true,
	 "suggestions":[{"kind":"typical","roi":1.4,"goal_score":135.4},{"kind":"ambitious","roi":1.9,"goal_score":153.4},
	                {"kind":"close_the_gap","roi":null,"goal_score":110}]}`
	if s != 200 || !sameJSON(t, b, []byte(want)) {
		t.Fatalf("%d %s\nwant %s", s, b, want)
	}
	empty := `{"norm_table_id":null,"source":null,"season":null,"start_percentile":null,"below_benchmark":null,"suggestions":[]}`
	for name, q := range map[string][2]string{
		"another measure": {student, "maze"}, "another grade": {third, "orf_wcpm"}, "a down measure": {student, "office_referrals"},
	} {
		s, b := ask(admin, q[0], q[1], "2025-09-08", "2026-05-18", "85")
		if s != 200 || !sameJSON(t, b, []byte(empty)) {
			t.Errorf("%s: %d %s", name, s, b)
		}
	}
	// A newer table wins; a break stops the clock (week 35: 85 + 1.4 × 35).
	newer := uuid.NewString()
	if s, b := e.push(admin, typedRec(admin, newer, record.TypeNormTable, exampleNorms("District local norms 2027")),
		typedRec(admin, uuid.NewString(), record.TypeCalendarBreak, record.CalendarBreak{Name: "Winter", StartDate: "2025-12-22", EndDate: "2025-12-28"})); s != 200 {
		t.Fatal(s, string(b))
	}
	s, b = ask(ana, student, "orf_wcpm", "2025-09-08", "2026-05-18", "85")
	var got struct {
		ID          string `json:"norm_table_id"`
		Suggestions []struct {
			Kind      string
			GoalScore float64 `json:"goal_score"`
		}
	}
	if s != 200 || json.Unmarshal(b, &got) != nil || got.ID != newer || len(got.Suggestions) != 3 || got.Suggestions[0].GoalScore != 134 {
		t.Fatalf("after a newer table and a break: %d %s", s, b)
	}
	// 400: every parameter missing or malformed, and a goal date not
	// after the start.
	none := "\x00"
	for _, q := range [][5]string{
		{none, "orf_wcpm", "2025-09-08", "2026-05-18", "85"}, {"ava", "orf_wcpm", "2025-09-08", "2026-05-18", "85"},
		{student, none, "2025-09-08", "2026-05-18", "85"}, {student, "", "2025-09-08", "2026-05-18", "85"},
		{student, strings.Repeat("m", 65), "2025-09-08", "2026-05-18", "85"}, {student, "orf\x01", "2025-09-08", "2026-05-18", "85"},
		{student, "orf_wcpm", none, "2026-05-18", "85"}, {student, "orf_wcpm", "2025-9-8", "2026-05-18", "85"},
		{student, "orf_wcpm", "2025-09-08", none, "85"}, {student, "orf_wcpm", "2025-09-08", "2026-02-30", "85"},
		{student, "orf_wcpm", "2025-09-08", "2025-09-08", "85"}, {student, "orf_wcpm", "2025-09-08", "2025-09-01", "85"},
		{student, "orf_wcpm", "1999-09-08", "2026-05-18", "85"}, {student, "orf_wcpm", "2025-09-08", "2101-05-18", "85"},
		{student, "orf_wcpm", "2025-09-08", "2026-05-18", none}, {student, "orf_wcpm", "2025-09-08", "2026-05-18", "abc"},
		{student, "orf_wcpm", "2025-09-08", "2026-05-18", "NaN"}, {student, "orf_wcpm", "2025-09-08", "2026-05-18", "1e400"},
		{student, "orf_wcpm", "2025-09-08", "2026-05-18", "10001"}, {student, "orf_wcpm", "2025-09-08", "2026-05-18", "-1"},
	} {
		s, b := ask(ana, q[0], q[1], q[2], q[3], q[4])
		wantError(t, s, b, 400, protocol.CodeInvalidRequest, -1)
	}
	// 404: an unknown student, another school's, a deleted one.
	s, b = ask(ana, uuid.NewString(), "orf_wcpm", "2025-09-08", "2026-05-18", "85")
	wantError(t, s, b, 404, protocol.CodeNotFound, -1)
	s, b = ask(other, student, "orf_wcpm", "2025-09-08", "2026-05-18", "85")
	wantError(t, s, b, 404, protocol.CodeNotFound, -1)
	if s, b := e.push(admin, record.Envelope{ID: third, Type: record.TypeStudent, HLC: admin.clock.Now().String(), Deleted: true}); s != 200 {
		t.Fatal(s, string(b))
	}
	s, b = ask(ana, third, "orf_wcpm", "2025-09-08", "2026-05-18", "85")
	wantError(t, s, b, 404, protocol.CodeNotFound, -1)
	// Another school's tables are not this school's: its own student of
	// grade 2 gets the empty answer.
	wStudent := uuid.NewString()
	if s, b := e.push(other, typedRec(other, wStudent, record.TypeStudent, record.Student{GivenName: "W", FamilyName: "X", Grade: "2"})); s != 200 {
		t.Fatal(s, string(b))
	}
	s, b = ask(other, wStudent, "orf_wcpm", "2025-09-08", "2026-05-18", "85")
	if s != 200 || !sameJSON(t, b, []byte(empty)) {
		t.Errorf("another school: %d %s", s, b)
	}
	// 401 without a token.
	s, b = ask(device{}, student, "orf_wcpm", "2025-09-08", "2026-05-18", "85")
	wantError(t, s, b, 401, protocol.CodeUnauthorized, -1)
}

// TestProgressReportObservations: the report's delivery.observations
// (DOMAIN.md §3.7a) through HTTP on both stores, from observations pushed
// like any record; an observation of another group's session does not
// count, and a deleted one stops counting.
func TestProgressReportObservations(t *testing.T) { onBothStores(t, testProgressReportObservations) }

func testProgressReportObservations(t *testing.T, e *env) {
	ana, coach := e.enrol("lincoln", "ana"), e.enrol("lincoln", "admin")
	student, program, group, otherGroup, plan, goal := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	s1, s2, s3 := uuid.NewString(), uuid.NewString(), uuid.NewString()
	marks := func(statuses ...string) []record.StepMark {
		var out []record.StepMark
		for i, st := range statuses {
			out = append(out, record.StepMark{StepID: fmt.Sprint("s", i+1), Status: st})
		}
		return out
	}
	session := func(id, group, date string, fid []record.StepMark) record.Envelope {
		return typedRec(ana, id, record.TypeSession, record.Session{GroupID: group, ProgramID: program, Date: date, Status: record.SessionDelivered, Minutes: 30,
			Attendance: []record.Attendance{{StudentID: student, Status: record.Present}}, Fidelity: fid})
	}
	if s, b := e.push(ana,
		typedRec(ana, program, record.TypeProgram, record.Program{Name: "P", Area: "reading", Steps: []record.Step{{ID: "s1"}, {ID: "s2"}, {ID: "s3"}, {ID: "s4"}}}),
		typedRec(ana, plan, record.TypePlan, record.Plan{StudentID: student, ProgramID: program, GroupID: group, StartDate: "2025-03-03", SessionsPerWeek: 2, MinutesPerSession: 30}),
		typedRec(ana, goal, record.TypeGoal, record.Goal{StudentID: student, PlanID: plan, Measure: "orf_wcpm", Direction: "up", StartDate: "2025-03-03",
			BaselineScores: []float64{40}, GoalScore: 70, GoalDate: "2025-06-02"}),
		session(s1, group, "2025-03-03", marks("done", "done", "done", "done")),
		session(s2, group, "2025-03-05", marks("done", "done", "done", "done")),
		session(s3, otherGroup, "2025-03-05", marks("done")),
	); s != 200 {
		t.Fatal(s, string(b))
	}
	report := func() string {
		t.Helper()
		s, b := e.do("GET", "/v1/reports/progress?goal="+goal+"&as_of=2025-03-16", ana.token, nil)
		if s != 200 {
			t.Fatalf("%d %s", s, b)
		}
		var r struct {
			Delivery struct {
				Observations json.RawMessage `json:"observations"`
			}
		}
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		return string(r.Delivery.Observations)
	}
	if got := report(); got != "null" {
		t.Fatalf("no observations: %s", got)
	}
	q := 3.0
	o1, o2 := uuid.NewString(), uuid.NewString()
	obs := func(id, session string, fid []record.StepMark) record.Envelope {
		return typedRec(coach, id, record.TypeObservation, record.Observation{SessionID: session, ObserverID: "coach", Date: "2025-03-03", Fidelity: fid, Quality: &q, Engagement: &q})
	}
	// s1 as observed: 2 of 4 done, agreeing on 2 of 4 steps; s2: 3 of 3
	// applicable (one na), agreeing on 3 of 4; the other group's is left out.
	if s, b := e.push(coach, obs(o1, s1, marks("done", "skipped", "done", "skipped")), obs(o2, s2, marks("done", "done", "done", "na")),
		obs(uuid.NewString(), s3, marks("skipped"))); s != 200 {
		t.Fatal(s, string(b))
	}
	want := `{"count":2,"observed_fidelity_pct":71.42857142857143,"mean_agreement_pct":62.5,"gap_flag":true}`
	if got := report(); !sameJSON(t, []byte(got), []byte(want)) {
		t.Fatalf("observations %s, want %s", got, want)
	}
	if s, b := e.push(coach, record.Envelope{ID: o1, Type: record.TypeObservation, HLC: coach.clock.Now().String(), Deleted: true}); s != 200 {
		t.Fatal(s, string(b))
	}
	want = `{"count":1,"observed_fidelity_pct":100,"mean_agreement_pct":75,"gap_flag":false}`
	if got := report(); !sameJSON(t, []byte(got), []byte(want)) {
		t.Fatalf("after a delete: observations %s, want %s", got, want)
	}
	// The push path bounds an observation's numbers like any record's.
	bad := obs(uuid.NewString(), s1, marks("done"))
	bad.Data = []byte(strings.Replace(string(bad.Data), `"quality":3`, `"quality":5`, 1))
	s, b := e.push(coach, bad)
	wantError(t, s, b, 400, protocol.CodeInvalidRequest, 0)
}
