package progress

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"pgregory.net/rapid"

	"smallwins/shared/record"
)

// genDataset draws a goal with probes (several per date at times) and a
// plan with sessions.
func genDataset(t *rapid.T) []record.Envelope {
	envs := example53()
	g := record.Goal{StudentID: studentID, Measure: "orf_wcpm", Direction: rapid.SampledFrom([]string{"up", "down"}).Draw(t, "dir"),
		StartDate: "2025-03-03", BaselineScores: []float64{40, 42}, GoalScore: rapid.Float64Range(10, 90).Draw(t, "goal"),
		GoalDate: "2025-06-02", PlanID: planID}
	envs = append(envs, env(goalID, "goal", g))
	n := rapid.IntRange(0, 14).Draw(t, "probes")
	for i := 0; i < n; i++ {
		envs = append(envs, env(fmt.Sprintf("00000000-0000-7000-9000-%012d", i), "probe", record.Probe{StudentID: studentID, Measure: "orf_wcpm",
			Date: day("2025-03-03", rapid.IntRange(-3, 80).Draw(t, "day")), Score: float64(rapid.IntRange(0, 100).Draw(t, "score"))}))
	}
	return envs
}

func report(envs []record.Envelope, asOf string) Report {
	r, _ := Progress(NewDataset(envs), goalID, mustDate(asOf))
	return r
}

func TestOrderDoesNotMatter(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		envs := genDataset(t)
		a := report(envs, "2025-05-20")
		b := report(rapid.Permutation(envs).Draw(t, "order"), "2025-05-20")
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("order changed the report:\n%+v\n%+v", a, b)
		}
	})
}

// shiftEnvs moves every date field by n days.
func shiftEnvs(envs []record.Envelope, n int) []record.Envelope {
	out := make([]record.Envelope, len(envs))
	for i, e := range envs {
		var m map[string]any
		json.Unmarshal(e.Data, &m)
		for _, k := range []string{"date", "start_date", "end_date", "goal_date"} {
			if s, ok := m[k].(string); ok && s != "" {
				m[k] = day(s, n)
			}
		}
		b, _ := json.Marshal(m)
		out[i] = record.Envelope{ID: e.ID, Type: e.Type, Data: b}
	}
	return out
}

func TestShiftingDatesShiftsNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		envs := genDataset(t)
		k := 7 * rapid.IntRange(-50, 50).Draw(t, "weeks") // whole weeks keep weekdays too
		a, b := report(envs, "2025-05-20"), report(shiftEnvs(envs, k), day("2025-05-20", k))
		if a.Decision != b.Decision || a.Status != b.Status || a.Sufficiency != b.Sufficiency || len(a.Points) != len(b.Points) ||
			!reflect.DeepEqual(a.Trend, b.Trend) || !reflect.DeepEqual(a.Delivery, b.Delivery) {
			t.Fatalf("shift by %d days changed the numbers:\n%+v\n%+v", k, a, b)
		}
	})
}

func TestProbesOnOneDateReduceToMedian(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		scores := rapid.SliceOfN(rapid.Float64Range(0, 200), 1, 7).Draw(t, "scores")
		envs := []record.Envelope{env(goalID, "goal", record.Goal{StudentID: studentID, Measure: "m", Direction: "up", StartDate: "2025-01-06",
			BaselineScores: []float64{1}, GoalScore: 100, GoalDate: "2025-06-02"})}
		for i, s := range scores {
			envs = append(envs, env(fmt.Sprintf("00000000-0000-7000-9000-%012d", i), "probe", record.Probe{StudentID: studentID, Measure: "m", Date: "2025-01-20", Score: s}))
		}
		r := report(envs, "2025-02-01")
		if len(r.Points) != 1 || r.Points[0].Score != median(scores) {
			t.Fatalf("points %+v, want one at median %v", r.Points, median(scores))
		}
	})
}

func TestNAStepsNeverChangeFidelity(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		envs := example53()
		ds := NewDataset(envs)
		cal := NewCalendar(nil, func(string) {})
		before := ComputeDelivery(ds, ds.Plans[planID], studentID, mustDate("2025-03-16"), cal)
		// Add n.a. marks for a step the program does not have, to any sessions.
		for i := range ds.Sessions {
			if rapid.Bool().Draw(t, "mark") {
				ds.Sessions[i].Fidelity = append(ds.Sessions[i].Fidelity, record.StepMark{StepID: "extra", Status: "na"})
			}
		}
		after := ComputeDelivery(ds, ds.Plans[planID], studentID, mustDate("2025-03-16"), cal)
		if *before.FidelityPct != *after.FidelityPct {
			t.Fatalf("n.a. changed fidelity: %v → %v", *before.FidelityPct, *after.FidelityPct)
		}
	})
}

func FuzzProgress(f *testing.F) {
	f.Add(`{"student_id":"x","measure":"m","direction":"up","start_date":"2025-01-06","baseline_scores":[1],"goal_score":5,"goal_date":"2025-03-03"}`, `{"student_id":"x","measure":"m","date":"2025-01-13","score":3}`, "2025-02-01")
	f.Add(`{"student_id":"x","measure":"m","direction":"down","start_date":"2025-01-06","baseline_scores":[],"goal_score":1e308,"goal_date":"9999-12-31"}`, `{"score":-1e308}`, "0001-01-01")
	f.Fuzz(func(t *testing.T, goal, probe, asOf string) {
		d, err := ParseDate(asOf)
		if err != nil {
			return
		}
		envs := []record.Envelope{{ID: goalID, Type: "goal", Data: []byte(goal)}}
		for i := 0; i < 3; i++ {
			envs = append(envs, record.Envelope{ID: fmt.Sprintf("p%d", i), Type: "probe", Data: []byte(probe)})
		}
		r, err := Progress(NewDataset(envs), goalID, d)
		if err != nil {
			return
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("report does not encode: %v", err)
		}
	})
}
