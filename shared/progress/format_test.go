package progress

import (
	"fmt"
	"math"
	"testing"

	"smallwins/shared/record"
)

func TestFormatRule(t *testing.T) {
	cases := []struct {
		name string
		f    func(float64) string
		in   float64
		want string
	}{
		{"pct rounds", FormatPct, 76.21, "76%"},
		{"pct half up", FormatPct, 68.75, "69%"},
		{"pct 121 stays honest", FormatPct, 121.4, "121%"},
		{"score one decimal", FormatScore, 42.46, "42.5"},
		{"score whole", FormatScore, 42.0, "42"},
		{"weeks", FormatWeeks, 5.714285, "5.7"},
		{"slope two decimals", FormatSlope, 1.256, "1.26"},
		{"slope trailing zero", FormatSlope, 1.5, "1.5"},
		{"slope negative", FormatSlope, -0.333, "-0.33"},
		{"no minus zero", FormatSlope, -0.001, "0"},
		{"ratio", FormatRatio, 1.2345, "1.2"},
		{"minutes whole", FormatMinutes, 29.6, "30"},
		{"sessions whole", FormatSessions, 35.4, "35"},
		{"nan", FormatScore, math.NaN(), "n/a"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.f(c.in); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	if FormatPctOf(nil) != "n/a" {
		t.Error("nil percentage")
	}
}

func TestStepSentence(t *testing.T) {
	cases := []struct {
		s      StepFid
		recent bool
		want   string
	}{
		{StepFid{StepID: "partner", Done: 4, Applicable: 7}, false, "Step 5, Partner reading, was skipped in 3 of 7 sessions."},
		{StepFid{StepID: "partner", Done: 4, Applicable: 7}, true, "Step 5, Partner reading, was skipped in 3 of the last 7 sessions."},
		{StepFid{StepID: "partner", Done: 7, Applicable: 7}, false, "Step 5, Partner reading, was done in all 7 sessions."},
		{StepFid{StepID: "partner", Done: 7, Applicable: 7}, true, "Step 5, Partner reading, was done in the last 7 sessions."},
		{StepFid{StepID: "partner", Done: 0, Applicable: 1}, false, "Step 5, Partner reading, was skipped in 1 of 1 session."},
		{StepFid{StepID: "partner", Done: 0, Applicable: 1}, true, "Step 5, Partner reading, was skipped in 1 of the last session."},
		{StepFid{StepID: "partner"}, true, "Step 5, Partner reading, has not been due in a delivered session yet."},
	}
	for _, c := range cases {
		if got := StepSentence(5, "Partner reading", c.s, c.recent); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

// RecentSteps counts only the last n delivered sessions of the plan.
func TestRecentSteps(t *testing.T) {
	ds := NewDataset(example53())
	cal := NewCalendar(nil, func(string) {})
	steps, n := RecentSteps(ds, ds.Plans[planID], mustDate("2025-03-16"), 3, cal)
	// The last 3 delivered: 11, 12, 13 March; step 5 skipped on 11 and 13.
	if n != 3 || steps[4].StepID != "s5" || steps[4].Applicable != 3 || steps[4].Done != 1 {
		t.Fatalf("%d sessions, step 5 %+v", n, steps[4])
	}
	all, n := RecentSteps(ds, ds.Plans[planID], mustDate("2025-03-16"), 100, cal)
	d := ComputeDelivery(ds, ds.Plans[planID], studentID, mustDate("2025-03-16"), cal)
	if n != d.DeliveredSessions || all[4].Done != d.PerStep[4].Done || all[4].Applicable != d.PerStep[4].Applicable {
		t.Fatalf("more than there are: %d sessions, %+v vs %+v", n, all[4], d.PerStep[4])
	}
	if none, n := RecentSteps(ds, ds.Plans[planID], mustDate("2025-03-02"), 5, cal); n != 0 || len(none) != 0 {
		t.Fatalf("before any session: %d, %+v", n, none)
	}
}

func TestROISentence(t *testing.T) {
	if got := ROISentence(ROI{}, "words"); got != "" {
		t.Errorf("no aimline: %q", got)
	}
	r := ROI{Needed: ptr(2.0), Typical: ptr(1.2), Ratio: ptr(2.0 / 1.2), Flag: ptr("ambitious")}
	want := "The goal needs 2 words a week; typical growth is 1.2, so the goal asks 1.7 times the typical (ambitious)."
	if got := ROISentence(r, "words"); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// A group meeting Monday to Thursday, 4 a week, as of each day of its second
// week: attendance of a student present at every session stays at 100%
// (it read 121% when a week was 7 calendar days: ADR 0630), and planned
// sessions are whole.
func TestAttendanceNeverAbove100MidWeek(t *testing.T) {
	envs := []record.Envelope{
		env(programID, "program", record.Program{Name: "P", Area: "reading", Steps: []record.Step{{ID: "s1", Text: "x"}}}),
		env(planID, "plan", record.Plan{StudentID: studentID, ProgramID: programID, GroupID: groupID, StartDate: "2025-03-03", SessionsPerWeek: 4, MinutesPerSession: 30}),
	}
	for _, d := range []string{"2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06", "2025-03-10", "2025-03-11", "2025-03-12", "2025-03-13"} {
		envs = append(envs, env(nextID(), "session", record.Session{GroupID: groupID, ProgramID: programID, Date: d, Status: "delivered", Minutes: 30,
			Attendance: []record.Attendance{{StudentID: studentID, Status: "present"}}, Fidelity: []record.StepMark{{StepID: "s1", Status: "done"}}}))
	}
	// A fifth, extra session in the second week: more than planned.
	envs = append(envs, env(nextID(), "session", record.Session{GroupID: groupID, ProgramID: programID, Date: "2025-03-14", Status: "delivered", Minutes: 30,
		Attendance: []record.Attendance{{StudentID: studentID, Status: "present"}}, Fidelity: []record.StepMark{}}))
	ds := NewDataset(envs)
	for asOf := mustDate("2025-03-03"); asOf <= mustDate("2025-03-16"); asOf++ {
		t.Run(asOf.String(), func(t *testing.T) {
			d := ComputeDelivery(ds, ds.Plans[planID], studentID, asOf, NewCalendar(nil, func(string) {}))
			if d.PlannedSessions != math.Round(d.PlannedSessions) {
				t.Errorf("planned %v is not whole", d.PlannedSessions)
			}
			if d.AttendancePct == nil || *d.AttendancePct > 100 {
				t.Fatalf("attendance %v (attended %d, planned %v, delivered %d)", fmt.Sprint(*d.AttendancePct), d.SessionsAttended, d.PlannedSessions, d.DeliveredSessions)
			}
			if *d.AttendancePct != 100 {
				t.Errorf("present at every session but attendance %v", *d.AttendancePct)
			}
		})
	}
	// Two full weeks: 8 planned, 9 delivered, 9 attended.
	d := ComputeDelivery(ds, ds.Plans[planID], studentID, mustDate("2025-03-16"), NewCalendar(nil, func(string) {}))
	if d.PlannedSessions != 8 || d.DeliveredSessions != 9 || d.SessionsAttended != 9 {
		t.Errorf("delivery %+v", d)
	}
}

func TestSchoolDays(t *testing.T) {
	cal := NewCalendar([]record.CalendarBreak{{Name: "b", StartDate: "2025-03-12", EndDate: "2025-03-12"}}, func(string) {})
	// Mon 3 Mar to Sun 16 Mar: 10 weekdays, one in a break.
	if n := cal.SchoolDays(mustDate("2025-03-03"), mustDate("2025-03-16")); n != 9 {
		t.Errorf("school days %d, want 9", n)
	}
	if n := cal.SchoolDays(mustDate("2025-03-08"), mustDate("2025-03-09")); n != 0 {
		t.Errorf("a weekend has %d school days", n)
	}
}

// SchoolDays agrees with a day-by-day count over every window of 40 days
// around a break, starting on each weekday.
func TestSchoolDaysArithmetic(t *testing.T) {
	cal := NewCalendar([]record.CalendarBreak{{Name: "b", StartDate: "2025-03-12", EndDate: "2025-03-20"}}, func(string) {})
	start := mustDate("2025-03-01")
	for from := start; from < start+14; from++ {
		for to := from - 1; to < from+40; to++ {
			want := 0
			for d := from; d <= to; d++ {
				if d.Weekday() <= 5 && !cal.IsBreak(d) {
					want++
				}
			}
			if got := cal.SchoolDays(from, to); got != want {
				t.Fatalf("%s..%s: %d, want %d", from, to, got, want)
			}
		}
	}
}

// BenchmarkPlannedDays: the school days of a two-year plan window (what
// ComputeDelivery now counts) beside the instruction days it counted
// before, in the same run.
func BenchmarkPlannedDays(b *testing.B) {
	cal := NewCalendar([]record.CalendarBreak{{Name: "w", StartDate: "2025-12-20", EndDate: "2026-01-04"},
		{Name: "s", StartDate: "2026-04-06", EndDate: "2026-04-12"}, {Name: "summer", StartDate: "2026-06-20", EndDate: "2026-08-31"}}, func(string) {})
	from, to := mustDate("2025-09-01"), mustDate("2027-06-30")
	b.Run("instruction-days-baseline", func(b *testing.B) {
		n := 0
		for b.Loop() {
			n += cal.InstructionDays(from, to)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "windows/s")
	})
	b.Run("school-days", func(b *testing.B) {
		n := 0
		for b.Loop() {
			n += cal.SchoolDays(from, to)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "windows/s")
	})
}
