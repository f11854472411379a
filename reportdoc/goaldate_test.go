package reportdoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// pastGoalDate is DOMAIN.md §5.1's goal read after its goal date (12 May,
// week 18), with a probe every week to week 20; last is the last 3 scores.
func pastGoalDate(t *testing.T, last ...float64) progress.Report {
	env := func(id, typ string, v any) record.Envelope {
		b, _ := json.Marshal(v)
		return record.Envelope{ID: id, Type: typ, Data: b}
	}
	goal, studentID := "00000000-0000-7000-8000-00000000000a", "00000000-0000-7000-8000-00000000000b"
	envs := []record.Envelope{env(goal, "goal", record.Goal{StudentID: studentID, Measure: "orf_wcpm", Direction: "up", StartDate: "2025-01-06",
		BaselineScores: []float64{42, 45, 40}, GoalScore: 78, GoalDate: "2025-05-12"})}
	start, _ := progress.ParseDate("2025-01-13")
	for w := 1; w <= 20; w++ {
		s := 42 + 2*float64(w) - 1 // just below the aimline: the four-point rule says change
		if w > 17 {
			s = last[w-18]
		}
		envs = append(envs, env(fmt.Sprintf("p%d", w), "probe", record.Probe{StudentID: studentID, Measure: "orf_wcpm", Date: (start + progress.Date(7*(w-1))).String(), Score: s}))
	}
	asOf, _ := progress.ParseDate("2025-05-26")
	r, err := progress.Progress(progress.NewDataset(envs), goal, asOf)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestProgressPDFAfterTheGoalDate: the PDF words rule 0's decision, and
// nothing beside it contradicts it (DOMAIN.md §3.5 rule 0).
func TestProgressPDFAfterTheGoalDate(t *testing.T) {
	cases := []struct {
		name      string
		last      []float64
		want, not []string
	}{
		{"reached", []float64{80, 81, 81}, []string{
			"Decision: Review the goal",
			"The goal date, 12 May, has passed and the present level, 81, reached the goal of 78: set a new goal or end the intervention.",
			"Ava Martinez has met the goal of 78 by 2025-05-12 (present level 81).",
			"Expected level on the aimline at 2025-05-26: 78.",
			"The light is green: the last 3 points are above the aimline.",
		}, []string{"Change the instruction", "below"}},
		{"not reached", []float64{74, 75, 75}, []string{
			"Decision: Review the goal",
			"The goal date, 12 May, has passed and the present level, 75, did not reach the goal of 78: set a new goal or end the intervention.",
			"Ava Martinez did not reach the goal of 78 by 2025-05-12 (present level 75).",
		}, []string{"Change the instruction", "is expected to reach", "Fix delivery first"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := pastGoalDate(t, c.last...)
			var buf bytes.Buffer
			if err := ProgressPDF(&buf, r, DocMeta{Student: "Ava Martinez", School: "Lincoln Elementary", Measure: "Oral reading fluency", Generated: "2025-05-26"}); err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(pdfText(t, buf.Bytes())), " ")
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("the PDF lacks %q\n%s", w, text)
				}
			}
			// The decision and sufficiency part (before the points table,
			// whose "Against the aimline" column may say below).
			head, _, _ := strings.Cut(text, "Delivery")
			for _, n := range c.not {
				if strings.Contains(head, n) {
					t.Errorf("the PDF says %q beside a review of the goal\n%s", n, head)
				}
			}
		})
	}
}
