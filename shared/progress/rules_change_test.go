package progress

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"

	"smallwins/shared/record"
)

// The DOMAIN.md changes of ADR 0011: §3.7's per_step lists every step of
// the program, §3.8's overdue check counts from a stated probe, and no
// sentence says "-0".

func TestPerStepListsEveryStepBeforeAnyDelivery(t *testing.T) {
	envs := example53()
	ds := NewDataset(envs)
	cal := NewCalendar(nil, func(string) {})
	// As of the plan's first day nothing has been delivered yet: 8 steps,
	// each 0 of 0 with a null pct, in the program's order.
	d := ComputeDelivery(ds, ds.Plans[planID], studentID, mustDate("2025-03-02"), cal)
	if len(d.PerStep) != 8 {
		t.Fatalf("per_step has %d steps, want the program's 8: %+v", len(d.PerStep), d.PerStep)
	}
	for i, s := range d.PerStep {
		if want := "s" + string(rune('1'+i)); s.StepID != want || s.Done != 0 || s.Applicable != 0 || s.Pct != nil {
			t.Errorf("step %d = %+v, want %s 0 of 0 with pct null", i, s, want)
		}
	}
	if d.FidelityPct != nil || d.FidelityBand != nil || d.DeliveredSessions != 0 {
		t.Errorf("fidelity %v band %v delivered %d", d.FidelityPct, d.FidelityBand, d.DeliveredSessions)
	}
	// In JSON, the null is there for every step (not omitted).
	b, _ := json.Marshal(d.PerStep)
	if got := strings.Count(string(b), `"pct":null`); got != 8 {
		t.Errorf("per_step JSON %s has %d null pcts", b, got)
	}
}

func TestPerStepNAOnlyStepStaysListed(t *testing.T) {
	// One delivered session where step s2 is marked na and s3 is missing
	// (counts as skipped): s2 stays 0 of 0, null; a step removed from the
	// program but present in the session keeps its history after the
	// program's steps.
	steps := []record.Step{{ID: "s1", Text: "a"}, {ID: "s2", Text: "b"}, {ID: "s3", Text: "c"}}
	envs := []record.Envelope{
		env(programID, "program", record.Program{Name: "P", Area: "reading", Steps: steps}),
		env(planID, "plan", record.Plan{StudentID: studentID, ProgramID: programID, GroupID: groupID, StartDate: "2025-03-03", SessionsPerWeek: 2, MinutesPerSession: 30}),
		env(nextID(), "session", record.Session{GroupID: groupID, ProgramID: programID, Date: "2025-03-04", Status: "delivered", Minutes: 30,
			Attendance: []record.Attendance{{StudentID: studentID, Status: "present"}},
			Fidelity:   []record.StepMark{{StepID: "s1", Status: "done"}, {StepID: "s2", Status: "na"}, {StepID: "old", Status: "done"}}}),
	}
	ds := NewDataset(envs)
	d := ComputeDelivery(ds, ds.Plans[planID], studentID, mustDate("2025-03-09"), NewCalendar(nil, func(string) {}))
	type row struct {
		id      string
		done, n int
		pct     float64 // -1: null
	}
	want := []row{{"s1", 1, 1, 100}, {"s2", 0, 0, -1}, {"s3", 0, 1, 0}, {"old", 1, 1, 100}}
	if len(d.PerStep) != len(want) {
		t.Fatalf("per_step %+v", d.PerStep)
	}
	for i, w := range want {
		s := d.PerStep[i]
		gotPct := -1.0
		if s.Pct != nil {
			gotPct = *s.Pct
		}
		if s.StepID != w.id || s.Done != w.done || s.Applicable != w.n || gotPct != w.pct {
			t.Errorf("step %d = %+v (pct %v), want %+v", i, s, gotPct, w)
		}
	}
	near(t, "pooled fidelity", *d.FidelityPct, 200.0/3)
}

func TestPerStepWithoutTheProgramIsWhatWasDelivered(t *testing.T) {
	// The program record is not here (not synced, or invalid): the steps
	// cannot be known beyond the sessions' marks, and nothing is invented.
	envs := []record.Envelope{
		env(planID, "plan", record.Plan{StudentID: studentID, ProgramID: programID, GroupID: groupID, StartDate: "2025-03-03", SessionsPerWeek: 2, MinutesPerSession: 30}),
	}
	ds := NewDataset(envs)
	d := ComputeDelivery(ds, ds.Plans[planID], studentID, mustDate("2025-03-09"), NewCalendar(nil, func(string) {}))
	if d.PerStep == nil || len(d.PerStep) != 0 {
		t.Errorf("per_step %#v, want []", d.PerStep)
	}
}

// overdueCase builds a goal started 2025-01-06 with the given probe dates
// (of the goal's measure unless prefixed "other:") and a plan probing every
// `every` days (0: no plan, the default 7).
func overdueReport(t *testing.T, every float64, asOf string, probes ...string) Report {
	t.Helper()
	g := record.Goal{StudentID: studentID, Measure: "orf_wcpm", Direction: "up", StartDate: "2025-01-06",
		BaselineScores: []float64{40}, GoalScore: 60, GoalDate: "2025-05-12"}
	var envs []record.Envelope
	if every > 0 {
		g.PlanID = planID
		envs = append(envs, env(planID, "plan", record.Plan{StudentID: studentID, ProgramID: programID, GroupID: groupID,
			StartDate: "2025-01-06", SessionsPerWeek: 3, MinutesPerSession: 30, ProbeEveryDays: every}))
	}
	envs = append(envs, env(goalID, "goal", g))
	for _, p := range probes {
		measure := "orf_wcpm"
		if m, ok := strings.CutPrefix(p, "other:"); ok {
			measure, p = "maze", m
		}
		envs = append(envs, env(nextID(), "probe", record.Probe{StudentID: studentID, Measure: measure, Date: p, Score: 45}))
	}
	r, err := Progress(NewDataset(envs), goalID, mustDate(asOf))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestOverdueCountsFromTheLatestProbeOnOrBeforeAsOf(t *testing.T) {
	cases := []struct {
		name    string
		every   float64
		asOf    string
		probes  []string
		overdue bool
	}{
		// No probe at all: from the start date (2025-01-06). 10 days is
		// not more than 7 + 3; 11 is.
		{"no probe, 10 days after the start", 0, "2025-01-16", nil, false},
		{"no probe, 11 days after the start", 0, "2025-01-17", nil, true},
		// A baseline-day probe (on the start date) counts, like any other.
		{"baseline-day probe only", 0, "2025-01-17", []string{"2025-01-06"}, true},
		{"probe after the start", 0, "2025-01-23", []string{"2025-01-13"}, false},
		{"probe after the start, one day late", 0, "2025-01-24", []string{"2025-01-13"}, true},
		// The latest probe dated on or before as_of, whatever its date
		// relative to the start: one taken before the start still is the
		// last probe, and the start does not stand in for it.
		{"probe before the start only", 0, "2025-01-12", []string{"2025-01-01"}, true},
		{"probe before the start, within the interval", 0, "2025-01-11", []string{"2025-01-01"}, false},
		// A probe after as_of is not seen (the report looks back from as_of).
		{"only a probe after as_of", 0, "2025-01-17", []string{"2025-01-20"}, true},
		{"earlier probe counts, later one ignored", 0, "2025-01-20", []string{"2025-01-13", "2025-01-21"}, false},
		// Another measure's probe is not the goal measure's.
		{"other measure only", 0, "2025-01-17", []string{"other:2025-01-16"}, true},
		// The plan's interval: every 14 days, so 17 days is fine, 18 is not.
		{"plan every 14 days, 17 days", 14, "2025-01-30", []string{"2025-01-13"}, false},
		{"plan every 14 days, 18 days", 14, "2025-01-31", []string{"2025-01-13"}, true},
		// as_of before the start, no probe: not overdue.
		{"as_of before the start", 0, "2024-12-01", nil, false},
		// The goal date (2025-05-12) passed: the goal is reviewed (§3.5
		// rule 0), not probed again (ADR 0604, ADR 0014). On the goal date
		// itself the clock still runs.
		{"on the goal date, 14 days since the last probe", 0, "2025-05-12", []string{"2025-04-28"}, true},
		{"the day after the goal date, 15 days", 0, "2025-05-13", []string{"2025-04-28"}, false},
		{"months after the goal date, no probe at all", 0, "2025-09-01", nil, false},
	}
	for _, c := range cases {
		r := overdueReport(t, c.every, c.asOf, c.probes...)
		if r.OverdueProbe != c.overdue {
			t.Errorf("%s: overdue_probe = %v, want %v", c.name, r.OverdueProbe, c.overdue)
		}
		if c.overdue && r.Status != Grey {
			t.Errorf("%s: an overdue probe makes the status grey, got %s", c.name, r.Status)
		}
	}
}

func TestFigureNeverNegativeZero(t *testing.T) {
	cases := []struct {
		x    float64
		dec  int
		want string
	}{
		{-0.001, 2, "0"}, {-0.004, 2, "0"}, {-0.005, 2, "-0.01"}, {math.Copysign(0, -1), 2, "0"},
		{-0.04, 1, "0"}, {-0.4, 0, "0"}, {-0.5, 0, "-1"}, {0.125, 2, "0.13"}, {92.5, 2, "92.5"}, {100, 1, "100"}, {-2.25, 1, "-2.3"},
	}
	for _, c := range cases {
		if got := Figure(c.x, c.dec); got != c.want {
			t.Errorf("Figure(%v, %d) = %q, want %q", c.x, c.dec, got, c.want)
		}
	}
}

func TestTinyNegativeTrendIsNotMinusZero(t *testing.T) {
	// Ten weekly points straddling an aimline whose slope a is a hair under
	// 1/82.5; the wiggle's own OLS slope is -1/82.5, so the trend is a −
	// 1/82.5 ≈ −1e-7·a: a ratio of about −0.00001 %, which rounds to zero.
	a := (1 / 82.5) * (1 - 1e-7)
	g := record.Goal{StudentID: studentID, Measure: "orf_wcpm", Direction: "up", StartDate: "2025-01-06",
		BaselineScores: []float64{42}, GoalScore: 42 + 18*a, GoalDate: "2025-05-12"}
	envs := []record.Envelope{env(goalID, "goal", g)}
	wiggle := []float64{1, -1, -1, 1, 1, -1, -1, 1, 1, -1}
	for i, e := range wiggle {
		x := float64(i + 1)
		envs = append(envs, env(nextID(), "probe", record.Probe{StudentID: studentID, Measure: "orf_wcpm", Date: day("2025-01-13", 7*i), Score: 42 + a*x + e}))
	}
	r, err := Progress(NewDataset(envs), goalID, mustDate("2025-03-17"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Decision.Rule != RuleTrend || r.Trend == nil {
		t.Fatalf("the case must reach the trend rule: %+v", r.Decision)
	}
	ratio := r.Trend.OLS.Slope / r.Aimline.SlopePerWeek * 100
	if !(ratio < 0 && ratio > -0.005) {
		t.Fatalf("the case must have a tiny negative ratio, got %v", ratio)
	}
	want := "The trend is 0% of the growth the aimline needs (below 90%)."
	if !strings.HasPrefix(r.Decision.Reason, want) || strings.Contains(r.Decision.Reason, "-0") {
		t.Errorf("reason %q, want it to start %q", r.Decision.Reason, want)
	}
}

// FuzzFigure: a figure is never "-0" (nor "-0.0…"), and reads back as the
// number rounded to its decimals.
func FuzzFigure(f *testing.F) {
	for _, x := range []float64{0, -0.001, -0.004, -0.005, 1.005, -1e-300, 123456.789, -2.5} {
		f.Add(x, 2)
	}
	f.Fuzz(func(t *testing.T, x float64, dec int) {
		if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e15 {
			return
		}
		dec = ((dec % 4) + 4) % 4
		s := Figure(x, dec)
		if v, err := strconv.ParseFloat(s, 64); err != nil || strings.HasPrefix(s, "-") && v == 0 {
			t.Fatalf("Figure(%v, %d) = %q", x, dec, s)
		} else if p := math.Pow(10, float64(dec)); math.Abs(v-math.Round(x*p)/p) > 1e-9*math.Max(1, math.Abs(x)) {
			t.Fatalf("Figure(%v, %d) = %q, not the rounded number", x, dec, s)
		}
	})
}
