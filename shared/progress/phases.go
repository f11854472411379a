package progress

import (
	"sort"

	"smallwins/shared/record"
)

// Phase kinds.
const (
	PhasePlanStart = "plan_start"
	PhasePlanEnd   = "plan_end"
	PhaseDecision  = "decision"
)

// Phase is a vertical line on a goal's chart: a day after which the points
// are read against a change (DOMAIN.md §4.3 "phase lines where the plan
// changed"; CONSOLE.md §3 "a phase line at each plan change and team
// decision"). Records keep only their current version, so a change is
// what the records date: a plan of the student starting or ending (a new
// program, group or dose is a new plan), and a team decision on the goal.
type Phase struct {
	Date string  `json:"date"`
	Week float64 `json:"week"` // on the chart's axis (§3.2, breaks stop the clock)
	Kind string  `json:"kind"`
	// Plan is the plan's program id (plan_start, plan_end); Code the
	// decision's code (decision).
	ProgramID string `json:"program_id,omitempty"`
	Code      string `json:"code,omitempty"`
}

// Phases lists the phase lines of a goal's chart as of asOf, by date (plan
// ends, then starts, then decisions on one day): the start and end dates
// of the student's plans strictly after the goal's start date and on or
// before asOf, and the goal's team decisions dated after its start and on
// or before asOf. A plan starting on the goal's start date is the goal's
// first phase, not a change, so it draws no line. ds gives the goal and
// the calendar breaks; plans are the student's plans (any program).
func Phases(ds *Dataset, goalID string, plans []record.Plan, decisions []TeamDecision, asOf Date) []Phase {
	g, ok := ds.Goals[goalID]
	if !ok {
		return nil
	}
	start, err := ParseDate(g.StartDate)
	if err != nil {
		return nil
	}
	cal := ds.Calendar
	var out []Phase
	add := func(date, kind string, p Phase) {
		d, err := ParseDate(date)
		if err != nil || d <= start || d > asOf {
			return
		}
		p.Date, p.Week, p.Kind = d.String(), cal.Week(start, d), kind
		out = append(out, p)
	}
	for _, p := range plans {
		if p.StudentID != g.StudentID {
			continue
		}
		add(p.StartDate, PhasePlanStart, Phase{ProgramID: p.ProgramID})
		if p.EndDate != "" {
			add(p.EndDate, PhasePlanEnd, Phase{ProgramID: p.ProgramID})
		}
	}
	for _, d := range decisions {
		if d.GoalID == goalID {
			add(d.Date, PhaseDecision, Phase{Code: d.Code})
		}
	}
	rank := map[string]int{PhasePlanEnd: 0, PhasePlanStart: 1, PhaseDecision: 2}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Date != out[j].Date {
			return out[i].Date < out[j].Date
		}
		return rank[out[i].Kind] < rank[out[j].Kind]
	})
	return out
}
