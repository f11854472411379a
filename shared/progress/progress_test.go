package progress

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"smallwins/shared/record"
)

const (
	goalID    = "00000000-0000-7000-8000-00000000000a"
	studentID = "00000000-0000-7000-8000-00000000000b"
	planID    = "00000000-0000-7000-8000-00000000000c"
	programID = "00000000-0000-7000-8000-00000000000d"
	groupID   = "00000000-0000-7000-8000-00000000000e"
)

func near(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6 {
		t.Errorf("%s = %.10f, want %.10f", name, got, want)
	}
}

func env(id, typ string, v any) record.Envelope {
	b, _ := json.Marshal(v)
	return record.Envelope{ID: id, Type: typ, Data: b}
}

func day(s string, n int) string {
	d, _ := ParseDate(s)
	return (d + Date(n)).String()
}

var idn int

func nextID() string {
	idn++
	return fmt.Sprintf("00000000-0000-7000-8000-%012d", 1000+idn)
}

// example51 is DOMAIN.md §5.1: ten weekly probes from 2025-01-13.
func example51(scores []float64) []record.Envelope {
	envs := []record.Envelope{env(goalID, "goal", record.Goal{StudentID: studentID, Measure: "orf_wcpm", Direction: "up",
		StartDate: "2025-01-06", BaselineScores: []float64{42, 45, 40}, GoalScore: 78, GoalDate: "2025-05-12"})}
	for i, s := range scores {
		envs = append(envs, env(nextID(), "probe", record.Probe{StudentID: studentID, Measure: "orf_wcpm", Date: day("2025-01-13", 7*i), Score: s}))
	}
	return envs
}

func mustDate(s string) Date { d, _ := ParseDate(s); return d }

func TestWorkedExample51(t *testing.T) {
	r, err := Progress(NewDataset(example51([]float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53})), goalID, mustDate("2025-03-17"))
	if err != nil {
		t.Fatal(err)
	}
	near(t, "start score", r.Baseline.Score, 42)
	near(t, "slope", r.Aimline.SlopePerWeek, 2.0)
	if r.PointsAfterBaseline != 10 || r.WeeksOfData != 10 {
		t.Errorf("n=%d W=%v", r.PointsAfterBaseline, r.WeeksOfData)
	}
	wantPos := []string{"above", "below", "below", "below", "below", "below", "below", "below", "below", "below"}
	for i, p := range r.Points {
		if p.Position != wantPos[i] || p.Week != float64(i+1) {
			t.Errorf("point %d: %+v", i, p)
		}
		near(t, "aimline", *p.Aimline, 42+2*float64(i+1))
	}
	near(t, "ols slope", r.Trend.OLS.Slope, 152.0/165)
	near(t, "ols intercept", r.Trend.OLS.Intercept, 43.1333333333)
	near(t, "projection", r.Trend.OLS.ProjectionAtGoalDate, 59.7151515152)
	near(t, "tukey", r.Trend.Tukey.Slope, 6.0/7)
	if r.Decision.Code != "change_instruction" || r.Decision.Rule != "four_point" || r.Decision.Reason != "The last 4 points are all below the aimline. Delivery is unknown (no plan, or nothing planned yet), so it could not be checked." {
		t.Errorf("decision %+v", r.Decision)
	}
	if r.Status != "red" || *r.PresentLevel != 51 || r.Sufficiency != "insufficient" || r.Delivery != nil || r.OverdueProbe {
		t.Errorf("status=%s present=%v suff=%s delivery=%v overdue=%v", r.Status, *r.PresentLevel, r.Sufficiency, r.Delivery, r.OverdueProbe)
	}
	near(t, "roi needed", *r.ROI.Needed, 2)
	if r.ROI.Typical != nil || r.ROI.Flag != nil {
		t.Errorf("roi %+v", r.ROI)
	}
}

func TestWorkedExample52(t *testing.T) {
	r, _ := Progress(NewDataset(example51([]float64{43, 44, 45, 46, 47})), goalID, mustDate("2025-02-10"))
	if r.Decision.Code != "not_enough_data" || r.Decision.Rule != "none" {
		t.Fatalf("decision %+v", r.Decision)
	}
	for _, want := range []string{"1 more point", "1 more week", "last 4 points are already all below"} {
		if !strings.Contains(r.Decision.Reason, want) {
			t.Errorf("reason %q lacks %q", r.Decision.Reason, want)
		}
	}
	if r.Status != "red" || r.Sufficiency != "not_enough_data" {
		t.Errorf("status %s sufficiency %s", r.Status, r.Sufficiency)
	}
}

// example53 is DOMAIN.md §5.3's plan and eight sessions, plus a goal whose
// last four points are below the aimline.
func example53() []record.Envelope {
	steps := []record.Step{}
	for i := 1; i <= 8; i++ {
		steps = append(steps, record.Step{ID: fmt.Sprintf("s%d", i), Text: "step"})
	}
	envs := []record.Envelope{
		env(programID, "program", record.Program{Name: "P", Area: "reading", Steps: steps}),
		env(planID, "plan", record.Plan{StudentID: studentID, ProgramID: programID, GroupID: groupID, StartDate: "2025-03-03", SessionsPerWeek: 4, MinutesPerSession: 30}),
	}
	other := "00000000-0000-7000-8000-0000000000ff"
	mk := func(date string, status string, minutes float64, studentStatus string, marks map[int]string) record.Envelope {
		var fid []record.StepMark
		for i := 1; i <= 8; i++ {
			st := "done"
			if m, ok := marks[i]; ok {
				st = m
			}
			if st == "missing" {
				continue
			}
			fid = append(fid, record.StepMark{StepID: fmt.Sprintf("s%d", i), Status: st})
		}
		return env(nextID(), "session", record.Session{GroupID: groupID, ProgramID: programID, Date: date, Status: status, Minutes: minutes,
			Attendance: []record.Attendance{{StudentID: studentID, Status: studentStatus}, {StudentID: other, Status: "present"}}, Fidelity: fid})
	}
	envs = append(envs,
		mk("2025-03-03", "delivered", 30, "present", nil),
		mk("2025-03-04", "delivered", 30, "present", map[int]string{5: "skipped"}),
		mk("2025-03-05", "delivered", 25, "present", map[int]string{6: "na", 8: "missing"}),
		mk("2025-03-06", "cancelled", 0, "present", nil),
		mk("2025-03-10", "delivered", 30, "absent", nil),
		mk("2025-03-11", "delivered", 30, "present", map[int]string{3: "skipped", 5: "skipped", 8: "skipped"}),
		mk("2025-03-12", "delivered", 30, "present", nil),
		mk("2025-03-13", "delivered", 20, "present", map[int]string{5: "skipped", 8: "skipped"}),
		mk("2025-03-14", "in_progress", 0, "present", map[int]string{1: "skipped"}),
	)
	return envs
}

func TestWorkedExample53(t *testing.T) {
	ds := NewDataset(example53())
	d := ComputeDelivery(ds, ds.Plans[planID], studentID, mustDate("2025-03-16"), NewCalendar(nil, func(string) {}))
	if d.PlannedSessions != 8 || d.PlannedMinutes != 240 || d.DeliveredSessions != 7 || d.SessionsAttended != 6 || d.MinutesReceived != 165 {
		t.Fatalf("delivery %+v", d)
	}
	near(t, "attendance", *d.AttendancePct, 75)
	near(t, "dose", *d.DosePct, 68.75)
	near(t, "fidelity", *d.FidelityPct, 48.0/55*100)
	want := map[string]float64{"s1": 100, "s2": 100, "s3": 600.0 / 7, "s4": 100, "s5": 400.0 / 7, "s6": 100, "s7": 100, "s8": 400.0 / 7}
	for _, s := range d.PerStep {
		near(t, s.StepID, *s.Pct, want[s.StepID])
	}
	if d.PerStep[5].Applicable != 6 || len(d.PerStep) != 8 || d.PerStep[0].StepID != "s1" || *d.FidelityBand != "high" {
		t.Errorf("per step %+v", d.PerStep)
	}

	// The gate: the same goal as 5.1 tied to this plan, as of 2025-03-16.
	envs := append(example53(), example51([]float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53})...)
	var g record.Goal
	json.Unmarshal(envs[len(envs)-11].Data, &g)
	for i := range envs {
		if envs[i].ID == goalID {
			json.Unmarshal(envs[i].Data, &g)
			g.PlanID = planID
			envs[i] = env(goalID, "goal", g)
		}
	}
	r, _ := Progress(NewDataset(envs), goalID, mustDate("2025-03-16"))
	if r.Decision.Code != "fix_delivery_first" || !strings.Contains(r.Decision.Reason, "attendance 75%, dose 68.75% below 80%") {
		t.Errorf("gate: %+v", r.Decision)
	}
}

func TestTrendRuleAndDownGoals(t *testing.T) {
	// Ten points on the aimline's slope but alternating around it: trend rule, continue.
	scores := []float64{}
	for i := 1; i <= 10; i++ {
		off := 1.0
		if i%2 == 0 {
			off = -1
		}
		scores = append(scores, 42+2*float64(i)+off)
	}
	r, _ := Progress(NewDataset(example51(scores)), goalID, mustDate("2025-03-17"))
	if r.Decision.Code != "continue" || r.Decision.Rule != "trend" || r.Status != "yellow" {
		t.Errorf("decision %+v status %s", r.Decision, r.Status)
	}
	// A down goal: fewer is better; scores under the aimline are "better".
	envs := []record.Envelope{env(goalID, "goal", record.Goal{StudentID: studentID, Measure: "behavior_pct", Direction: "down",
		StartDate: "2025-01-06", BaselineScores: []float64{60}, GoalScore: 24, GoalDate: "2025-05-12"})}
	for i := 0; i < 8; i++ {
		envs = append(envs, env(nextID(), "probe", record.Probe{StudentID: studentID, Measure: "behavior_pct", Date: day("2025-01-13", 7*i), Score: 60 - 2*float64(i+1) - 5}))
	}
	r, _ = Progress(NewDataset(envs), goalID, mustDate("2025-03-03"))
	if r.Decision.Code != "raise_goal" || r.Decision.Rule != "four_point" || r.Status != "green" || r.Points[0].Position != "below" {
		t.Errorf("down goal: %+v status %s pos %s", r.Decision, r.Status, r.Points[0].Position)
	}
}

func TestBreaksStopTheClock(t *testing.T) {
	envs := example51([]float64{45})
	envs = append(envs, env(nextID(), "calendar_break", record.CalendarBreak{Name: "Winter", StartDate: "2025-01-08", EndDate: "2025-01-09"}))
	r, _ := Progress(NewDataset(envs), goalID, mustDate("2025-01-20"))
	near(t, "week with a 2-day break", r.Points[0].Week, 5.0/7)
}

func TestHostileInputsNeverNaN(t *testing.T) {
	base := record.Goal{StudentID: studentID, Measure: "m", Direction: "up", StartDate: "2025-01-06", BaselineScores: []float64{10}, GoalScore: 20, GoalDate: "2025-03-03", PlanID: planID}
	cases := map[string][]record.Envelope{}
	cases["no probes, missing plan"] = []record.Envelope{env(goalID, "goal", base)}
	one := base
	cases["one probe"] = []record.Envelope{env(goalID, "goal", one), env(nextID(), "probe", record.Probe{StudentID: studentID, Measure: "m", Date: "2025-01-13", Score: 12})}
	var same []record.Envelope
	same = append(same, env(goalID, "goal", base))
	for i := 0; i < 5; i++ {
		same = append(same, env(nextID(), "probe", record.Probe{StudentID: studentID, Measure: "m", Date: "2025-01-13", Score: float64(i)}))
	}
	cases["all on one date"] = same
	back := base
	back.GoalDate = "2024-12-01"
	cases["goal before start"] = []record.Envelope{env(goalID, "goal", back)}
	flat := base
	flat.GoalScore = 10
	cases["goal equals start"] = []record.Envelope{env(goalID, "goal", flat)}
	cases["zero-length plan"] = []record.Envelope{env(goalID, "goal", base), env(planID, "plan", record.Plan{StudentID: studentID, ProgramID: programID, StartDate: "2025-06-01", EndDate: "2025-05-01", SessionsPerWeek: 3, MinutesPerSession: 20})}
	cases["garbage records"] = []record.Envelope{env(goalID, "goal", base), {ID: nextID(), Type: "probe", Data: []byte(`{"score":"high"}`)}, {ID: nextID(), Type: "session", Data: []byte(`[]`)}}
	for name, envs := range cases {
		t.Run(name, func(t *testing.T) {
			r, err := Progress(NewDataset(envs), goalID, mustDate("2025-02-10"))
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(r)
			if err != nil || strings.Contains(string(b), "NaN") {
				t.Fatalf("json: %v %s", err, b)
			}
			if r.Decision.Code == "" || r.Decision.Reason == "" || r.Status == "" || r.Warnings == nil {
				t.Fatalf("unclear state: %s", b)
			}
		})
	}
	if _, err := Progress(NewDataset(nil), goalID, 0); err != ErrGoalNotFound {
		t.Errorf("missing goal: %v", err)
	}
}

func TestCICO(t *testing.T) {
	two, one, zero := 2.0, 1.0, 0.0
	card := func(date string, cells ...*float64) record.Envelope {
		return env(nextID(), "cico_card", record.CICOCard{StudentID: studentID, Date: date, Expectations: []string{"safe", "kind"}, Periods: []string{"am", "pm"},
			Ratings: [][]*float64{{cells[0], cells[1]}, {cells[2], cells[3]}}})
	}
	var envs []record.Envelope
	// Seven weeks from Monday 2025-01-06: weeks 1-6 met, week 7 below.
	for w := 0; w < 7; w++ {
		for dd := 0; dd < 5; dd++ {
			c := card(day("2025-01-06", 7*w+dd), &two, &two, &two, &one)
			if w == 6 {
				c = card(day("2025-01-06", 7*w+dd), &one, &zero, &one, nil)
			}
			envs = append(envs, c)
		}
	}
	envs = append(envs, card("2025-01-06", nil, nil, nil, nil)) // nothing rated: pooled, adds nothing
	r := CICO(NewDataset(envs), studentID, mustDate("2025-01-01"), mustDate("2025-03-01"))
	if len(r.Days) != 35 || len(r.Weeks) != 7 {
		t.Fatalf("days %d weeks %d", len(r.Days), len(r.Weeks))
	}
	near(t, "day pct", r.Days[0].Pct, 7.0/8*100)
	if !r.Days[0].Met || r.Weeks[6].Met || r.Weeks[6].DaysBelowGoal != 5 || !r.Weeks[6].Flagged {
		t.Errorf("met flags: %+v %+v", r.Days[0], r.Weeks[6])
	}
	if r.Fading.ConsecutiveWeeksMet != 0 || !r.Fading.EligibleForSelfManagement || *r.Fading.EligibleFromWeek != "2025-02-10" {
		t.Errorf("fading %+v", r.Fading)
	}
	near(t, "total", *r.Total.Pct, (30*7.0+5*2)/(30*8.0+5*6)*100)
}
