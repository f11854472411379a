package progress

import (
	"slices"
	"strings"

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
// undecodable records are left out, as in NewDataset. Decisions equal in
// both keep the order of envs, and a decision whose HLC is not valid sorts
// as the oldest of its date.
//
// A tablet can push thousands of decisions for one goal (issue 20), so the
// sort is O(n log n) and reads each HLC once: a valid HLC's text orders as
// its time (fixed width, hlc.Compare agrees with comparing the strings),
// so the comparison compares text and never parses.
func TeamDecisions(envs []record.Envelope, goalID string) []TeamDecision {
	var out []TeamDecision
	// The sort moves small keys, not decisions: date, the HLC when valid
	// (else "", below every valid one), and the position in envs, which
	// keeps equal decisions in their order.
	type key struct {
		date, order string
		i           int
	}
	var keys []key
	for _, e := range envs {
		if e.Type != record.TypeDecision || e.Deleted || e.Restricted {
			continue
		}
		var d record.Decision
		if record.DecodeData(e.Data, &d) != nil || d.GoalID != goalID || !isDate(d.Date) {
			continue
		}
		k := key{date: d.Date, i: len(out)}
		if _, err := hlc.Parse(e.HLC); err == nil {
			k.order = e.HLC
		}
		keys = append(keys, k)
		out = append(out, TeamDecision{ID: e.ID, HLC: e.HLC, Decision: d})
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := strings.Compare(b.date, a.date); c != 0 { // YYYY-MM-DD orders as text
			return c
		}
		if c := strings.Compare(b.order, a.order); c != 0 {
			return c
		}
		return a.i - b.i
	})
	if len(out) == 0 {
		return nil
	}
	sorted := make([]TeamDecision, len(out))
	for j, k := range keys {
		sorted[j] = out[k.i]
	}
	return sorted
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
