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

// TestROISentencePlain: the growth needed against the typical is said in
// words, with no ratio ("1.7 times the typical").
func TestROISentencePlain(t *testing.T) {
	if got := ROISentence(Report{}); got != "" {
		t.Errorf("no typical growth: %q", got)
	}
	rep := func(needed, typical float64) Report {
		r := Report{Goal: GoalInfo{Measure: "orf_wcpm"}, ROI: ROI{Needed: ptr(needed), Typical: ptr(typical), Ratio: ptr(needed / typical)}}
		switch {
		case needed/typical > 1.5:
			r.ROI.Flag = ptr("ambitious")
		case needed/typical < 0.5:
			r.ROI.Flag = ptr("modest")
		}
		return r
	}
	for _, c := range []struct {
		r    Report
		want string
	}{
		{rep(2, 1.2), "Typical growth is 1.2 words correct a week; the goal needs much more than that: an ambitious goal."},
		{rep(2, 1.6), "Typical growth is 1.6 words correct a week; the goal needs more than that."},
		{rep(2, 2.05), "Typical growth is 2.05 words correct a week; the goal needs about that."},
		{rep(1.5, 2), "Typical growth is 2 words correct a week; the goal needs less than that."},
		{rep(0.5, 2), "Typical growth is 2 words correct a week; the goal needs much less than that: a modest goal."},
	} {
		if got := ROISentence(c.r); got != c.want {
			t.Errorf("got %q\nwant %q", got, c.want)
		}
		if strings.Contains(ROISentence(c.r), "times") {
			t.Errorf("a ratio in %q", ROISentence(c.r))
		}
	}
}

// TestGrowthSentence: slopes as a growth a week in the measure's words,
// beside what the goal needs; no method's name.
func TestGrowthSentence(t *testing.T) {
	r, err := Progress(NewDataset(example51([]float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53})), goalID, mustDate("2025-03-17"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := GrowthSentence(r), "Growing 0.92 words correct a week (0.86 if unusual scores count for less); the goal needs 2."; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := ProjectionSentence(r); got != "At this rate, 59.7 by the goal date." {
		t.Errorf("projection %q", got)
	}
	r.AsOf = "2025-06-01" // past the goal date: a projection to it says nothing
	if got := ProjectionSentence(r); got != "" {
		t.Errorf("projection after the goal date %q", got)
	}
	r.Trend.OLS.Slope, r.Trend.Tukey.Slope = -0.5, 0.25
	if got, want := GrowthSentence(r), "Falling 0.5 words correct a week (growing 0.25 if unusual scores count for less); the goal needs growth of 2."; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	r.Trend = nil
	if got := GrowthSentence(r); got != "The goal needs 2 words correct a week." {
		t.Errorf("no trend: %q", got)
	}
	down := Report{Goal: GoalInfo{Measure: "office_referrals", Direction: "down"}, Aimline: &Aimline{SlopePerWeek: -0.5},
		Trend: &Trend{OLS: OLS{Slope: -0.25}}}
	if got, want := GrowthSentence(down), "Falling 0.25 referrals a week; the goal needs 0.5."; got != want {
		t.Errorf("down: got %q, want %q", got, want)
	}
}

// TestFormatPctWhole: whole in the room, but never rounded onto or past a
// limit judged beside it.
func TestFormatPctWhole(t *testing.T) {
	for _, c := range []struct {
		v, limit float64
		want     string
	}{
		{76.21, 80, "76%"},
		{68.75, 80, "69%"},
		{79.6, 80, "79.6%"},
		{79.96, 80, "79.96%"},
		{79.9999, 80, "just under 80%"},
		{80, 80, "80%"},
		{80.4, 80, "80.4%"},
		{110.2, 110, "110.2%"},
		{89.5, 90, "89.5%"},
		{45.6, 90, "46%"},
	} {
		if got := FormatPctWholeAgainst(c.v, c.limit); got != c.want {
			t.Errorf("%v against %v: %q, want %q", c.v, c.limit, got, c.want)
		}
	}
	if FormatPctWhole(83.333) != "83%" || FormatPctWhole(math.NaN()) != "n/a" || FormatDeliveryPct(79.7) != "79.7%" ||
		FormatDeliveryPct(99.6) != "99.6%" || FormatDeliveryPct(91.2) != "91%" || FormatPctWholeAgainst(0.3, 0, 100) != "0.3%" {
		t.Error("whole percentages")
	}
}

// A group meeting Monday to Thursday, 4 a week, as of each day of its
// second week. The report keeps DOMAIN.md §3.7's numbers (planned 4×days÷7,
// not capped: 121% mid-week for a student present every time), but the
// words are whole counts: no percentage, no "about", no fraction, and never
// "above plan" beside a count that is not above it (ADR 0651).
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
	fracRe := regexp.MustCompile(`\d\.\d`)
	countRe := regexp.MustCompile(`attended (\d+) sessions?, more than the (\d+) planned`)
	sawAbove := false
	for asOf := mustDate("2025-03-03"); asOf <= mustDate("2025-03-16"); asOf++ {
		d := ComputeDelivery(ds, ds.Plans[planID], studentID, asOf, NewCalendar(nil, func(string) {}))
		w := AttendanceWords(d)
		if d.AttendancePct != nil && *d.AttendancePct > 100 {
			sawAbove = true
		}
		if strings.Contains(w, "%") || strings.Contains(w, "about") || fracRe.MatchString(w) {
			t.Errorf("%s: %q", asOf, w)
		}
		if m := countRe.FindStringSubmatch(w); m != nil {
			if a, _ := strconv.Atoi(m[1]); a <= mustAtoi(m[2]) {
				t.Errorf("%s: %q is not more", asOf, w)
			}
		}
	}
	if !sawAbove {
		t.Fatal("the scenario never went above 100%: DOMAIN.md §3.7's arithmetic changed")
	}
	// Two full weeks: exactly 8 planned, 8 attended.
	d := ComputeDelivery(ds, ds.Plans[planID], studentID, mustDate("2025-03-16"), NewCalendar(nil, func(string) {}))
	if got := AttendanceWords(d); got != "attended all 8 planned sessions so far" {
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
		{&Delivery{AttendancePct: f(99.5), DosePct: f(0.4), FidelityPct: f(100)}, "attendance 99.5%, dose 0%, fidelity 100%"},
		// Never rounded onto the delivery gate's limit or onto 100%: the
		// tablet shows the same figure (FormatDeliveryPct, ADR 0651).
		{&Delivery{AttendancePct: f(99.6), DosePct: f(79.6), FidelityPct: f(80.4)}, "attendance 99.6%, dose 79.6%, fidelity 80.4%"},
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
func mustAtoi(s string) int { n, _ := strconv.Atoi(s); return n }

// TestAttendanceWordsAsTheRoomSaysIt: the figures. 33 attended of
// 32.6 planned was "attendance above plan (33 sessions attended, about 33
// planned)"; 30 of them "92.11% (30 of about 33 planned)".
func TestAttendanceWordsAsTheRoomSaysIt(t *testing.T) {
	for _, c := range []struct {
		att     int
		planned float64
		want    string
	}{
		{33, 32.57, "attended all 33 planned sessions so far"},
		{30, 32.57, "attended 30 of 33 planned sessions"},
		{35, 32.57, "attended 35 sessions, more than the 33 planned so far"},
		{1, 1, "attended the 1 planned session so far"},
		{0, 0.4, "no session planned yet"},
	} {
		d := &Delivery{SessionsAttended: c.att, PlannedSessions: c.planned, AttendancePct: ptr(float64(c.att) / c.planned * 100)}
		if got := AttendanceWords(d); got != c.want {
			t.Errorf("%d of %v: %q, want %q", c.att, c.planned, got, c.want)
		}
	}
}
