package progress

import (
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
