package progress

import (
	"math"
	"regexp"
	"strconv"
	"strings"
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
		{"pct two decimals", FormatPct, 76.2149, "76.21%"},
		{"pct as the worked example", FormatPct, 68.75, "68.75%"},
		{"pct no trailing zeros", FormatPct, 121.4, "121.4%"},
		{"score one decimal", FormatScore, 42.46, "42.5"},
		{"score whole", FormatScore, 42.0, "42"},
		{"weeks", FormatWeeks, 5.714285, "5.7"},
		{"slope two decimals", FormatSlope, 1.256, "1.26"},
		{"slope trailing zero", FormatSlope, 1.5, "1.5"},
		{"slope negative", FormatSlope, -0.333, "-0.33"},
		{"no minus zero", FormatSlope, -0.001, "0"},
		{"ratio", FormatRatio, 1.2345, "1.2"},
		{"minutes whole", FormatMinutes, 29.6, "30"},
		{"sessions rounded say so", FormatSessions, 35.4, "about 35"},
		{"sessions whole", FormatSessions, 8, "8"},
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

// A group meeting Monday to Thursday, 4 a week, as of each day of its
// second week. The report keeps DOMAIN.md §3.7's numbers (planned 4×days÷7,
// not capped: 121% mid-week for a student present every time), but the
// words never show a percentage above 100 or a fractional session (ADR 0630).
func TestAttendanceWordsMidWeek(t *testing.T) {
	envs := []record.Envelope{
		env(programID, "program", record.Program{Name: "P", Area: "reading", Steps: []record.Step{{ID: "s1", Text: "x"}}}),
		env(planID, "plan", record.Plan{StudentID: studentID, ProgramID: programID, GroupID: groupID, StartDate: "2025-03-03", SessionsPerWeek: 4, MinutesPerSession: 30}),
	}
	for _, d := range []string{"2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06", "2025-03-10", "2025-03-11", "2025-03-12", "2025-03-13"} {
		envs = append(envs, env(nextID(), "session", record.Session{GroupID: groupID, ProgramID: programID, Date: d, Status: "delivered", Minutes: 30,
			Attendance: []record.Attendance{{StudentID: studentID, Status: "present"}}, Fidelity: []record.StepMark{{StepID: "s1", Status: "done"}}}))
	}
	ds := NewDataset(envs)
	pctRe := regexp.MustCompile(`(\d+(\.\d+)?)%`)
	fracRe := regexp.MustCompile(`\d\.\d`)
	sawAbove := false
	for asOf := mustDate("2025-03-03"); asOf <= mustDate("2025-03-16"); asOf++ {
		d := ComputeDelivery(ds, ds.Plans[planID], studentID, asOf, NewCalendar(nil, func(string) {}))
		w := AttendanceWords(d)
		if d.AttendancePct != nil && *d.AttendancePct > 100 {
			sawAbove = true
			if !strings.Contains(w, "above plan") {
				t.Errorf("%s: %.1f%% worded %q", asOf, *d.AttendancePct, w)
			}
		}
		for _, m := range pctRe.FindAllStringSubmatch(w, -1) {
			if v, _ := strconv.ParseFloat(m[1], 64); v > 100 {
				t.Errorf("%s: %q shows more than 100%%", asOf, w)
			}
		}
		if fracRe.MatchString(w) {
			t.Errorf("%s: %q shows a fractional count", asOf, w)
		}
	}
	if !sawAbove {
		t.Fatal("the scenario never went above 100%: DOMAIN.md §3.7's arithmetic changed")
	}
	// Two full weeks: exactly 8 planned, 8 attended.
	d := ComputeDelivery(ds, ds.Plans[planID], studentID, mustDate("2025-03-16"), NewCalendar(nil, func(string) {}))
	if got := AttendanceWords(d); got != "attendance 100% (8 of 8 planned sessions)" {
		t.Errorf("two weeks: %q", got)
	}
}

// TestDeliveryShort: the list's one-line delivery is whole percentages
// through the one rule, attendance above plan in words, nothing counted
// as n/a, and no plan said so (ADR 0018).
func TestDeliveryShort(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	cases := []struct {
		d    *Delivery
		want string
	}{
		{&Delivery{AttendancePct: f(61.2), DosePct: f(50.15), FidelityPct: f(91.67)}, "attendance 61%, dose 50%, fidelity 92%"},
		{&Delivery{AttendancePct: f(99.5), DosePct: f(0.4), FidelityPct: f(100)}, "attendance 100%, dose 0%, fidelity 100%"},
		{&Delivery{AttendancePct: f(121.4), DosePct: f(121.4), FidelityPct: nil}, "attendance above plan, dose 121%, fidelity n/a"},
		{&Delivery{}, "attendance n/a, dose n/a, fidelity n/a"},
		{&Delivery{AttendancePct: f(math.NaN()), DosePct: f(-0.2), FidelityPct: f(68.75)}, "attendance n/a, dose 0%, fidelity 69%"},
		{nil, "no plan"},
	}
	for _, c := range cases {
		if got := DeliveryShort(c.d); got != c.want {
			t.Errorf("DeliveryShort = %q, want %q", got, c.want)
		}
	}
}

// TestStatusWords: every status of §3.6 has its words, each saying it is
// about the last 3 points (the light is not the decision).
func TestStatusWords(t *testing.T) {
	for _, s := range []string{Green, Yellow, Red, Grey} {
		w := StatusWords(s)
		if w == s || !strings.Contains(w, "3 points") {
			t.Errorf("%s: %q", s, w)
		}
	}
	if StatusWords("purple") != "purple" {
		t.Error("an unknown status is not shown as itself")
	}
}
