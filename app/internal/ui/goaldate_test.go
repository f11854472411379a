package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/repo"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// probeWeeks writes a weekly probe of the student from 2025-01-13 (week 1
// of a goal started 2025-01-06), one score a week.
func probeWeeks(t *testing.T, f *fixture, studentID string, scores ...float64) {
	t.Helper()
	week1, _ := record.ParseDate("2025-01-13")
	for i, s := range scores {
		must(repo.Put(context.Background(), f.store, "", record.Probe{StudentID: studentID, Measure: "orf_wcpm",
			Date: (week1 + record.Date(7*i)).String(), Score: s}, false))
	}
}

// TestStudentScreenAfterTheGoalDate: once the goal date has passed the
// tablet shows the report's review_goal in the one wording, with a reason
// that says whether the goal was reached; nothing beside it says to change
// the instruction, that the probe is overdue, or that the goal "will be
// reached"; and the team decision form starts at the review (DOMAIN.md §3.5
// rule 0, ADR 0604).
func TestStudentScreenAfterTheGoalDate(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	// Ava (goal 78 by 12 May, a plan with nothing delivered): just below
	// the aimline to week 17, then 80, 81, 81; Ben (same goal, no plan):
	// DOMAIN.md §5.1's ten probes, the last on 17 March.
	var ava []float64
	for w := 1; w <= 17; w++ {
		ava = append(ava, 42+2*float64(w)-1)
	}
	probeWeeks(t, f, sc.students[0], append(ava, 80, 81, 81)...)
	ben := must(repo.Put(context.Background(), f.store, "", record.Goal{StudentID: sc.students[1], Measure: "orf_wcpm", Direction: record.DirectionUp,
		StartDate: "2025-01-06", BaselineScores: []float64{42, 45, 40}, GoalScore: 78, GoalDate: "2025-05-12"}, false)).ID
	worked51(t, f, sc.students[1], 10)
	f.clk.t = time.Date(2025, 6, 2, 10, 0, 0, 0, time.Local)
	a := f.start(landscape)

	cases := []struct {
		student, goal, reason, sufficiency string
	}{
		{sc.students[0], sc.goal, "The goal date, 12 May, has passed and the present level, 81, reached the goal of 78: set a new goal or end the intervention.",
			"The present level has reached the goal."},
		{sc.students[1], ben, "The goal date, 12 May, has passed and the present level, 51, did not reach the goal of 78: set a new goal or end the intervention.",
			"The goal date has passed and the present level has not reached the goal."},
	}
	for _, c := range cases {
		s := newStudentScreen(a, c.student)
		a.push(s)
		rep := s.progress[c.goal].Report
		if rep.Decision.Code != record.DecisionReviewGoal || rep.OverdueProbe {
			t.Errorf("report %+v overdue %v", rep.Decision, rep.OverdueProbe)
		}
		if got := s.decisionText[c.goal].Text; got != "Review the goal" {
			t.Errorf("decision shown %q", got)
		}
		if got := s.reasonText[c.goal].Text; got != c.reason {
			t.Errorf("reason shown %q\nwant %q", got, c.reason)
		}
		shown := strings.Join(texts(s.root), "\n")
		if !strings.Contains(shown, c.sufficiency) {
			t.Errorf("the screen lacks %q:\n%s", c.sufficiency, shown)
		}
		for _, bad := range []string{"Change the instruction", "Fix delivery first", "The weekly probe is overdue.", "will be reached"} {
			if strings.Contains(shown, bad) {
				t.Errorf("the screen says %q beside a review of the goal", bad)
			}
		}
		s.decide[c.goal].OnTapped()
		d := a.Current().(*decisionForm)
		if d.chosen != record.DecisionReviewGoal || d.choice[record.DecisionReviewGoal].Text != progress.DecisionWords(record.DecisionReviewGoal) {
			t.Errorf("the decision form starts at %q", d.chosen)
		}
		a.Back()
		a.Back()
	}
	if ava := progress.DecisionWords(record.DecisionReviewGoal); ava != "Review the goal" {
		t.Errorf("review_goal reads %q", ava)
	}

	// Ben's last probe is 11 weeks old, yet the goal's time is up: not on
	// Probes due (the shared rule, progress.ProbeOverdue), and his light is
	// his points', not "overdue" grey.
	a.Root(TabToday)
	test.Tap(a.Current().(*todayScreen).allDue)
	if due := a.Current().(*probesDueScreen).due; len(due) != 0 {
		t.Errorf("probes due %+v: a goal whose date has passed is not probed again", due)
	}
	a.Root(TabStudents)
	if l := a.Current().(*studentsScreen).lights[sc.students[0]]; l.Status != progress.Green {
		t.Errorf("Ava's light %+v, want green: her last 3 points are above the goal", l)
	}
}
