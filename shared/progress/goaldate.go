package progress

import (
	"fmt"

	"smallwins/shared/record"
)

// RuleGoalDate is rule 0 of DOMAIN.md §3.5: the goal's time is up.
const RuleGoalDate = "goal_date"

// GoalDatePassed is when rule 0 applies: as_of is after the goal date. From
// then on the aimline has ended, the team reviews the goal (DOMAIN.md §3.5)
// and no probe is overdue (§3.8, ADR 0604, ADR 0014).
func GoalDatePassed(asOf, goalDate Date) bool { return asOf > goalDate }

// ProbeOverdue is the one overdue rule (DOMAIN.md §3.8, ADR 0604, ADR 0014):
// more than everyDays + 3 calendar days since last (ProbeClockStart), unless
// the goal date has passed: a goal whose time is up is reviewed (rule 0),
// not probed again. The report's overdue_probe, the console's caseload and
// meeting, and the tablet's Today and Probes due all come from here.
func ProbeOverdue(asOf, goalDate, last Date, everyDays float64) bool {
	if GoalDatePassed(asOf, goalDate) {
		return false
	}
	return float64(asOf-last) > everyDays+3
}

// ProbeClockStart is the date the overdue clock of §3.8 counts from: the
// latest probe of the goal's measure by the goal's student dated on or
// before asOf (a baseline-day or earlier probe counts, ADR 0011), else the
// goal's start date. Probes whose date does not parse are not probes.
func ProbeClockStart(g record.Goal, probes []record.Probe, asOf Date) Date {
	last, found := Date(0), false
	for _, p := range probes {
		if p.StudentID != g.StudentID || p.Measure != g.Measure {
			continue
		}
		d, err := ParseDate(p.Date)
		if err != nil || d > asOf {
			continue
		}
		if !found || d > last {
			last, found = d, true
		}
	}
	if found {
		return last
	}
	start, _ := ParseDate(g.StartDate)
	return start
}

// reviewGoal is rule 0's decision: whatever the points say, the team
// reviews the goal, told whether it was reached (sufficiency goal_met) and
// the present level. No delivery gate applies.
func reviewGoal(r *Report, goalDate, asOf Date) Decision {
	when := "The goal date, " + goalDateWords(goalDate, asOf) + ", has passed"
	goal := FormatScore(r.Goal.GoalScore)
	var reason string
	switch {
	case r.Sufficiency == GoalMet:
		reason = fmt.Sprintf("%s and the present level, %s, reached the goal of %s", when, FormatScore(*r.PresentLevel), goal)
	case r.Sufficiency != NotEnoughData && r.PresentLevel != nil:
		reason = fmt.Sprintf("%s and the present level, %s, did not reach the goal of %s", when, FormatScore(*r.PresentLevel), goal)
	case r.PresentLevel != nil:
		reason = fmt.Sprintf("%s with too few points to say whether the goal of %s was reached (%d of %d; present level %s)",
			when, goal, r.PointsAfterBaseline, minPoints, FormatScore(*r.PresentLevel))
	default:
		reason = fmt.Sprintf("%s with too few points to say whether the goal of %s was reached (%d of %d; no present level)",
			when, goal, r.PointsAfterBaseline, minPoints)
	}
	return Decision{Code: record.DecisionReviewGoal, Rule: RuleGoalDate, Reason: reason + ": set a new goal or end the intervention."}
}

// goalDateWords is the goal date as a team says it: "12 May", with the year
// when it is not as_of's ("12 May 2024").
func goalDateWords(goalDate, asOf Date) string {
	t := goalDate.Time()
	if t.Year() != asOf.Time().Year() {
		return t.Format("2 January 2006")
	}
	return t.Format("2 January")
}
