package progress

import (
	"slices"
	"testing"

	"smallwins/shared/record"
)

// BenchmarkTeamDecisions sorts one goal's 20,000 decisions: "before" is
// the insertion sort issue 20 found (teamDecisionsInsertionSort, kept in
// cost_fixture_test.go only as this baseline), "after" TeamDecisions.
//
//	go test ./shared/progress -run '^$' -bench 'TeamDecisions|Report20k' -benchtime 3x
func BenchmarkTeamDecisions(b *testing.B) {
	_, pushed := bigGoal(20000, 0, 0)
	for _, order := range []struct {
		name string
		envs []record.Envelope
	}{{"as-pushed", pushed}, {"oldest-first", oldestFirst(pushed)}} {
		for _, bc := range []struct {
			name string
			sort func([]record.Envelope, string) []TeamDecision
		}{{"before-insertion-sort", teamDecisionsInsertionSort}, {"after", TeamDecisions}} {
			b.Run(order.name+"/"+bc.name, func(b *testing.B) {
				for b.Loop() {
					if len(bc.sort(order.envs, goalID)) == 0 {
						b.Fatal("no decisions")
					}
				}
				b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/goal")
			})
		}
	}
}

// oldestFirst orders decisions oldest first (by date, then HLC): as a
// tablet that writes them in time order may push them, and the insertion
// sort's worst case.
func oldestFirst(decisions []record.Envelope) []record.Envelope {
	byID := map[string]record.Envelope{}
	for _, e := range decisions {
		byID[e.ID] = e
	}
	var out []record.Envelope
	for _, d := range TeamDecisions(decisions, goalID) {
		out = append(out, byID[d.ID])
	}
	slices.Reverse(out)
	return out
}

// BenchmarkReport20k is one goal's whole report as a server computes it:
// the dataset decoded from 20,000 probes and 5,000 calendar breaks, the
// report, and its 20,000 team decisions sorted.
func BenchmarkReport20k(b *testing.B) {
	envs, decisions := bigGoal(20000, 20000, 5000)
	asOf := mustDate("2014-01-01")
	for b.Loop() {
		if _, err := Progress(NewDataset(envs), goalID, asOf); err != nil {
			b.Fatal(err)
		}
		TeamDecisions(decisions, goalID)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/goal")
}
