package progress

import (
	"smallwins/shared/hlc"
	"smallwins/shared/record"
)

// TeamDecision is one `decision` record with the HLC that orders decisions
// of the same date.
type TeamDecision struct {
	ID  string
	HLC string
	record.Decision
}

// TeamDecisions decodes the current decision records of one goal, latest
// first (DOMAIN.md §3.8: by date, then HLC). Deleted, restricted and
// undecodable records are left out, as in NewDataset.
func TeamDecisions(envs []record.Envelope, goalID string) []TeamDecision {
	var out []TeamDecision
	for _, e := range envs {
		if e.Type != record.TypeDecision || e.Deleted || e.Restricted {
			continue
		}
		var d record.Decision
		if record.DecodeData(e.Data, &d) != nil || d.GoalID != goalID || !isDate(d.Date) {
			continue
		}
		out = append(out, TeamDecision{ID: e.ID, HLC: e.HLC, Decision: d})
	}
	later := func(a, b TeamDecision) bool {
		if a.Date != b.Date {
			return a.Date > b.Date // YYYY-MM-DD orders as text
		}
		ta, _ := hlc.Parse(a.HLC)
		tb, _ := hlc.Parse(b.HLC)
		return hlc.Compare(ta, tb) > 0
	}
	for i := 1; i < len(out); i++ { // insertion sort: a goal has a handful
		for j := i; j > 0 && later(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// ReviewDue is DOMAIN.md §3.8's "review due": the goal's latest decision
// (decisions[0] of TeamDecisions) has a next_review_date on or before asOf;
// a goal with no decision is due once it has 6 points after its start.
func ReviewDue(decisions []TeamDecision, pointsAfterBaseline int, asOf Date) bool {
	if len(decisions) == 0 {
		return pointsAfterBaseline >= 6
	}
	next, err := ParseDate(decisions[0].NextReviewDate)
	return err == nil && next <= asOf
}
