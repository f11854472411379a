package progress

import (
	"strings"
	"testing"

	"smallwins/shared/record"
)

// goalDateCase is a goal of DOMAIN.md §5.1 (start 42 on 2025-01-06, goal 78
// on 2025-05-12, week 18, aimline 42 + 2w) with weekly probes from
// 2025-01-13, one per week; a plan that was barely delivered when withPlan.
func goalDateReport(t *testing.T, asOf string, withPlan bool, scores ...float64) Report {
	t.Helper()
	envs := example51(scores)
	if withPlan {
		var g record.Goal
		_ = record.DecodeData(envs[0].Data, &g)
		g.PlanID = planID
		envs[0] = env(goalID, "goal", g)
		// Four sessions a week planned from the start; none delivered:
		// attendance and dose 0%, which would gate a change of instruction.
		envs = append(envs, env(planID, "plan", record.Plan{StudentID: studentID, ProgramID: programID, GroupID: groupID,
			StartDate: "2025-01-06", SessionsPerWeek: 4, MinutesPerSession: 30}))
	}
	r, err := Progress(NewDataset(envs), goalID, mustDate(asOf))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// onAim is the §5.1 aimline plus d for weeks 1…n.
func onAim(n int, d float64) []float64 {
	var out []float64
	for w := 1; w <= n; w++ {
		out = append(out, 42+2*float64(w)+d)
	}
	return out
}

// TestRuleZeroGoalDate: after the goal date the decision is review_goal
// (rule goal_date) whatever the points say, with no delivery gate, and the
// reason says whether the goal was reached and the present level (DOMAIN.md
// §3.5 rule 0).
func TestRuleZeroGoalDate(t *testing.T) {
	// Reached: a point above the aimline every week, then 80, 81, 81 in
	// weeks 18–20 (the goal date is week 18): present level 81 ≥ 78.
	reached := append(onAim(17, 1), 80, 81, 81)
	// Not reached: every point 10 below the aimline; the four-point rule
	// says change_instruction, the empty plan would gate it.
	missed := onAim(20, -10)
	cases := []struct {
		name       string
		asOf       string
		plan       bool
		scores     []float64
		code, rule string
		reason     string
		suff       string
	}{
		{"reached", "2025-05-26", false, reached, "review_goal", "goal_date",
			"The goal date, 12 May, has passed and the present level, 81, reached the goal of 78: set a new goal or end the intervention.", GoalMet},
		{"not reached, whatever the points and the delivery say", "2025-05-26", true, missed, "review_goal", "goal_date",
			"The goal date, 12 May, has passed and the present level, 70, did not reach the goal of 78: set a new goal or end the intervention.", Insufficient},
		{"the day after the goal date", "2025-05-13", false, onAim(18, -10), "review_goal", "goal_date",
			"The goal date, 12 May, has passed and the present level, 66, did not reach the goal of 78: set a new goal or end the intervention.", Insufficient},
		{"too few points, with a present level", "2025-06-02", false, []float64{80, 81, 82, 83}, "review_goal", "goal_date",
			"The goal date, 12 May, has passed with too few points to say whether the goal of 78 was reached (4 of 6; present level 82): set a new goal or end the intervention.", NotEnoughData},
		{"no points at all", "2025-06-02", false, nil, "review_goal", "goal_date",
			"The goal date, 12 May, has passed with too few points to say whether the goal of 78 was reached (0 of 6; no present level): set a new goal or end the intervention.", NotEnoughData},
		{"another year", "2026-01-12", false, reached, "review_goal", "goal_date",
			"The goal date, 12 May 2025, has passed and the present level, 81, reached the goal of 78: set a new goal or end the intervention.", GoalMet},
		// On the goal date itself the time is not up: rules 1–5 apply, and
		// the empty plan gates the change of instruction.
		{"on the goal date", "2025-05-12", true, onAim(18, -10), "fix_delivery_first", "four_point",
			"The last 4 points are all below the aimline. Fix delivery first: attendance 0%, dose 0% below 80%.", Insufficient},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := goalDateReport(t, c.asOf, c.plan, c.scores...)
			if r.Decision.Code != c.code || r.Decision.Rule != c.rule || r.Decision.Reason != c.reason {
				t.Errorf("decision %+v\nwant %s %s %q", r.Decision, c.code, c.rule, c.reason)
			}
			if r.Sufficiency != c.suff {
				t.Errorf("sufficiency %s, want %s", r.Sufficiency, c.suff)
			}
			if r.OverdueProbe {
				t.Errorf("overdue_probe set for a goal whose date has passed (or was just probed)")
			}
		})
	}
}

// TestAimlineEndsAtTheGoal: past the goal date the aimline is the goal, not
// extended along its slope: a student at 81 against a goal of 78 is above
// it, and the light is green, not "below" a line at 82.
func TestAimlineEndsAtTheGoal(t *testing.T) {
	r := goalDateReport(t, "2025-05-26", false, append(onAim(17, 1), 80, 81, 81)...)
	if len(r.Points) != 20 {
		t.Fatalf("%d points", len(r.Points))
	}
	for i, want := range map[int]float64{16: 76, 17: 78, 18: 78, 19: 78} { // weeks 17–20
		p := r.Points[i]
		if p.Aimline == nil || *p.Aimline != want || p.Position != Above {
			t.Errorf("week %v: aimline %v position %s, want %v above", p.Week, p.Aimline, p.Position, want)
		}
	}
	if r.ExpectedLevel == nil || *r.ExpectedLevel != 78 {
		t.Errorf("expected level %v, want the goal, 78", r.ExpectedLevel)
	}
	if r.Status != Green {
		t.Errorf("status %s, want green: the last 3 points are above the goal", r.Status)
	}
	// The chart's aimline and the JSON's stay the §4.1 line to the goal.
	if r.Aimline == nil || r.Aimline.GoalDate != "2025-05-12" || r.Aimline.SlopePerWeek != 2 {
		t.Errorf("aimline %+v", r.Aimline)
	}
}

// TestRuleZeroDownGoal: for a `down` goal "reached" is at or below the goal.
func TestRuleZeroDownGoal(t *testing.T) {
	envs := []record.Envelope{env(goalID, "goal", record.Goal{StudentID: studentID, Measure: "office_referrals", Direction: "down",
		StartDate: "2025-01-06", BaselineScores: []float64{10}, GoalScore: 2, GoalDate: "2025-03-03"})}
	for i, s := range []float64{9, 8, 6, 5, 4, 3, 2, 1, 1, 0} {
		envs = append(envs, env(nextID(), "probe", record.Probe{StudentID: studentID, Measure: "office_referrals", Date: day("2025-01-13", 7*i), Score: s}))
	}
	r, err := Progress(NewDataset(envs), goalID, mustDate("2025-03-17"))
	if err != nil {
		t.Fatal(err)
	}
	want := "The goal date, 3 March, has passed and the present level, 1, reached the goal of 2: set a new goal or end the intervention."
	if r.Decision.Code != record.DecisionReviewGoal || r.Decision.Reason != want || r.Sufficiency != GoalMet {
		t.Errorf("decision %+v sufficiency %s", r.Decision, r.Sufficiency)
	}
	if r.Status != Green {
		t.Errorf("status %s: the last 3 points are under the goal", r.Status)
	}
}

// TestDecisionWordsCoverEveryCode: every code of DOMAIN.md §4 has words of
// its own, and review_goal's never says to change the instruction.
func TestDecisionWordsCoverEveryCode(t *testing.T) {
	seen := map[string]string{}
	for _, c := range record.DecisionCodes {
		w := DecisionWords(c)
		if w == c || w == "" {
			t.Errorf("%s has no words", c)
		}
		if prev, dup := seen[w]; dup {
			t.Errorf("%s and %s both read %q", prev, c, w)
		}
		seen[w] = c
	}
	if w := DecisionWords(record.DecisionReviewGoal); w != "Review the goal" || strings.Contains(w, "instruction") {
		t.Errorf("review_goal reads %q", w)
	}
	if DecisionWords("wait_and_see") != "wait_and_see" {
		t.Error("an unknown code is shown as itself")
	}
}

// TestSufficiencyWordsAfterTheGoalDate: past the goal date, a goal whose
// trend reached it at the goal date but whose present level did not is
// "not reached", never "will be reached by its date".
func TestSufficiencyWordsAfterTheGoalDate(t *testing.T) {
	// 4 above the aimline to week 17, then a dip: the OLS projection at week 18
	// still reaches 78, the present level (median of 76, 77, 77) does not.
	scores := append(onAim(17, 4), 76, 77, 77)
	before := goalDateReport(t, "2025-04-28", false, scores[:16]...) // weeks 1–16: adequate
	after := goalDateReport(t, "2025-05-26", false, scores...)
	if after.Sufficiency != Adequate {
		t.Fatalf("the case needs an adequate sufficiency, got %s (projection %v)", after.Sufficiency, after.Trend.OLS.ProjectionAtGoalDate)
	}
	if got := SufficiencyWords(after); got != "The goal date has passed and the present level has not reached the goal." {
		t.Errorf("after: %q", got)
	}
	if got := SufficiencyWords(before); before.Sufficiency != Adequate || got != "At this rate of growth the goal will be reached by its date." {
		t.Errorf("before (%s): %q", before.Sufficiency, got)
	}
	met := goalDateReport(t, "2025-05-26", false, append(onAim(17, 1), 80, 81, 81)...)
	if got := SufficiencyWords(met); got != "The present level has reached the goal." {
		t.Errorf("met: %q", got)
	}
}
