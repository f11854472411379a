package progress

import (
	"strings"
	"testing"

	"smallwins/shared/record"
)

// ADR 0022: records stored outside DOMAIN.md §2's bounds (pushed
// before the bounds existed) are skipped by the reports and named in
// their warnings.

func TestProgressSkipsOutOfBoundsRecords(t *testing.T) {
	envs := example51([]float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53})
	huge := env(nextID(), "probe", record.Probe{StudentID: studentID, Measure: "orf_wcpm", Date: "2025-02-04", Score: 1.7e308})
	tiny := env(nextID(), "probe", record.Probe{StudentID: studentID, Measure: "orf_wcpm", Date: "2025-02-05", Score: -1.7e308})
	old := env(nextID(), "probe", record.Probe{StudentID: studentID, Measure: "orf_wcpm", Date: "1900-02-05", Score: 40})
	r, err := Progress(NewDataset(append(envs, huge, tiny, old)), goalID, mustDate("2025-03-17"))
	if err != nil {
		t.Fatal(err)
	}
	// The worked example's figures stand, as if the three were not there.
	want, _ := Progress(NewDataset(envs), goalID, mustDate("2025-03-17"))
	if len(r.Points) != len(want.Points) || r.Trend == nil || r.Trend.OLS != want.Trend.OLS || r.Decision.Code != want.Decision.Code {
		t.Fatalf("report with out-of-bounds probes differs: %+v", r)
	}
	all := strings.Join(r.Warnings, "\n")
	for _, c := range []struct{ id, field string }{{huge.ID, "score"}, {tiny.ID, "score"}, {old.ID, "date"}} {
		if !strings.Contains(all, c.id+" skipped: "+c.field+" must be between") {
			t.Errorf("warnings do not name %s (%s):\n%s", c.id, c.field, all)
		}
	}
}

func TestCICOSkipsOutOfBoundsCards(t *testing.T) {
	two := 2.0
	card := func(date string, goal float64) record.Envelope {
		return env(nextID(), "cico_card", record.CICOCard{StudentID: studentID, Date: date, Expectations: []string{"safe"}, Periods: []string{"am"},
			Ratings: [][]*float64{{&two}}, GoalPct: &goal})
	}
	good, bad := card("2025-01-06", 80), card("2025-01-07", 1e300)
	r := CICO(NewDataset([]record.Envelope{good, bad}), studentID, mustDate("2025-01-01"), mustDate("2025-03-01"))
	if len(r.Days) != 1 || r.Days[0].Date != "2025-01-06" {
		t.Fatalf("days %+v, want only the in-bounds card's", r.Days)
	}
	if all := strings.Join(r.Warnings, "\n"); !strings.Contains(all, bad.ID+" skipped: goal_pct must be between 0 and 100") {
		t.Errorf("warnings do not name the skipped card:\n%s", all)
	}
}
