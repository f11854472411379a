package record

// A goal's `status` (DOMAIN.md §2).
const (
	GoalActive       = "active"
	GoalMet          = "met"
	GoalDiscontinued = "discontinued"
)

// GoalStatuses are the statuses a goal may have, in the order a form offers them.
var GoalStatuses = []string{GoalActive, GoalMet, GoalDiscontinued}

// Active is the one rule for "the goal is being worked on": status
// `active`, or absent (a goal written without one). The caseload, Today's
// probes, the student's lights and Probes due list only active goals.
func (g Goal) Active() bool { return g.Status == "" || g.Status == GoalActive }
