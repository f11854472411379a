package progress

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/record"
)

// bigGoal is issue 20's costly goal: one goal with nDecisions team
// decisions, nProbes probes of its student and nBreaks calendar breaks, as
// one tablet could push them. The decisions fall on ten dates, so most
// comparisons go to the HLC, as when a tablet pushes many at once (some
// HLCs are equal, a few not valid); every tenth break does not decode and
// every tenth has its dates the wrong way round, so the report's skips
// are exercised as well as its sums. The second result is the decision
// records.
func bigGoal(nDecisions, nProbes, nBreaks int) (envs, decisions []record.Envelope) {
	rng := rand.New(rand.NewPCG(20, 20))
	id := func(kind, i int) string { return fmt.Sprintf("00000000-0000-7000-%04x-%012d", kind, i) }
	mk := func(id, typ string, v any) record.Envelope {
		b, _ := json.Marshal(v)
		return record.Envelope{ID: id, Type: typ, Data: b}
	}
	// Within DOMAIN.md §2's dates (2000–2100): 5,000 weekly breaks of three
	// days each from here end in 2099, none overlapping.
	start := mustDate("2004-01-05")
	envs = append(envs, mk(goalID, "goal", record.Goal{StudentID: studentID, Measure: "orf_wcpm", Direction: "up",
		StartDate: start.String(), BaselineScores: []float64{40, 42}, GoalScore: 140, GoalDate: (start + 3650).String()}))
	for i := range nProbes {
		envs = append(envs, mk(id(1, i), "probe", record.Probe{StudentID: studentID, Measure: "orf_wcpm",
			Date: (start + Date(1+rng.IntN(3600))).String(), Score: float64(30 + rng.IntN(120))}))
	}
	for i := range nBreaks {
		e := mk(id(2, i), "calendar_break", record.CalendarBreak{Name: fmt.Sprintf("break %d", i),
			StartDate: (start + Date(7*i)).String(), EndDate: (start + Date(7*i+2)).String()})
		switch i % 10 {
		case 3:
			e.Data = json.RawMessage(`{"name":7,"start_date":[]}`)
		case 6:
			e = mk(e.ID, "calendar_break", record.CalendarBreak{Name: "backwards", StartDate: "2005-05-09", EndDate: "2005-05-01"})
		}
		envs = append(envs, e)
	}
	node := uuid.MustParse("0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00")
	for i := range nDecisions {
		h := hlc.Timestamp{Wall: hlc.MinWall + int64(rng.IntN(1000)), Logical: rng.IntN(3), Node: node}.String()
		if i%97 == 0 {
			h = "not an hlc"
		}
		e := mk(id(3, i), record.TypeDecision, record.Decision{StudentID: studentID, GoalID: goalID,
			Date: (start + Date(rng.IntN(10))).String(), Code: "continue", NextReviewDate: (start + 500).String()})
		e.HLC = h
		decisions = append(decisions, e)
	}
	return envs, decisions
}

// teamDecisionsInsertionSort is TeamDecisions as it was before issue 20:
// an insertion sort that parses both HLCs on every comparison (quadratic).
// It is kept here only as the benchmarks' baseline and as the test's
// reference for the order (the order must not change).
func teamDecisionsInsertionSort(envs []record.Envelope, goalID string) []TeamDecision {
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
			return a.Date > b.Date
		}
		ta, _ := hlc.Parse(a.HLC)
		tb, _ := hlc.Parse(b.HLC)
		return hlc.Compare(ta, tb) > 0
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && later(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
