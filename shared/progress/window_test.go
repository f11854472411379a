package progress

import (
	"fmt"
	"sort"
	"testing"

	"pgregory.net/rapid"

	"smallwins/shared/record"
)

// TestStatusFromTheNewestProbes: for any goal and probes (several a day,
// another measure, before the start, after as_of, a bad one), the status
// and the overdue flag computed from the newest probes — every probe from
// some day on — equal those from all of them whenever
// StatusProbesSuffice says so; and it says so once the suffix holds three
// dates of the goal's measure after the start.
func TestStatusFromTheNewestProbes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		envs := genDataset(t)
		for i := range rapid.IntRange(0, 6).Draw(t, "others") {
			measure := rapid.SampledFrom([]string{"orf_wcpm", "maze", ""}).Draw(t, "measure")
			envs = append(envs, env(fmt.Sprintf("00000000-0000-7000-9100-%012d", i), "probe", record.Probe{StudentID: studentID, Measure: measure,
				Date: day("2025-03-03", rapid.IntRange(-10, 90).Draw(t, "day")), Score: float64(rapid.IntRange(0, 100).Draw(t, "score"))}))
		}
		asOf := mustDate(day("2025-03-03", rapid.IntRange(0, 100).Draw(t, "asOf")))
		var probes, rest []record.Envelope
		for _, e := range envs {
			if e.Type == record.TypeProbe {
				probes = append(probes, e)
			} else {
				rest = append(rest, e)
			}
		}
		dateOf := func(e record.Envelope) Date {
			p, _ := Decode(e).Value().(record.Probe)
			d, _ := ParseDate(p.Date)
			return d
		}
		sort.SliceStable(probes, func(i, j int) bool { return dateOf(probes[i]) < dateOf(probes[j]) })
		// A caller may pass probes dated after as_of too: the report
		// ignores them, so must the count.
		later := rapid.Bool().Draw(t, "later")
		all, err := Progress(NewDataset(envs), goalID, asOf)
		if err != nil {
			t.Fatal(err)
		}
		g := NewDataset(envs).Goals[goalID]
		for from := len(probes); from >= 0; from-- {
			if from > 0 && from < len(probes) && dateOf(probes[from-1]) == dateOf(probes[from]) {
				continue // a suffix takes whole days
			}
			var suffix []record.Envelope
			for _, e := range probes[from:] {
				if later || dateOf(e) <= asOf {
					suffix = append(suffix, e)
				}
			}
			if !StatusProbesSuffice(g, decodeAll(suffix), asOf) {
				continue
			}
			part, err := Progress(NewDataset(append(append([]record.Envelope{}, rest...), suffix...)), goalID, asOf)
			if err != nil {
				t.Fatal(err)
			}
			if part.Status != all.Status || part.OverdueProbe != all.OverdueProbe {
				t.Fatalf("from probe %d of %d: status %s overdue %v, from all: %s %v", from, len(probes), part.Status, part.OverdueProbe, all.Status, all.OverdueProbe)
			}
		}
		if all.PointsAfterBaseline >= StatusPoints && !StatusProbesSuffice(g, decodeAll(probes), asOf) {
			t.Fatalf("%d points, yet every probe does not suffice", all.PointsAfterBaseline)
		}
	})
}

func decodeAll(es []record.Envelope) []Decoded {
	out := make([]Decoded, len(es))
	for i, e := range es {
		out[i] = Decode(e)
	}
	return out
}
