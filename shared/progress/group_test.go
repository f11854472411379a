package progress

import (
	"reflect"
	"testing"
)

// TestGroupDeliveryIsThePlansFidelity: on DOMAIN.md §5.3's sessions, the
// group's per-step fidelity is exactly the plan's (one counting for both),
// and the steps × sessions table holds each session's marks.
func TestGroupDeliveryIsThePlansFidelity(t *testing.T) {
	ds := NewDataset(example53())
	asOf := mustDate("2025-03-16")
	g := GroupDelivery(ds, groupID, programID, asOf)
	d := ComputeDelivery(ds, ds.Plans[planID], studentID, asOf, NewCalendar(nil, func(string) {}))
	if !reflect.DeepEqual(g.PerStep, d.PerStep) || *g.FidelityPct != *d.FidelityPct || *g.FidelityBand != *d.FidelityBand {
		t.Errorf("group per step %+v (%v), plan's %+v (%v)", g.PerStep, *g.FidelityPct, d.PerStep, *d.FidelityPct)
	}
	if g.Delivered != 7 || g.Cancelled != 1 || len(g.Sessions) != 8 || g.Minutes != 195 {
		t.Fatalf("delivered %d cancelled %d sessions %d minutes %v", g.Delivered, g.Cancelled, len(g.Sessions), g.Minutes)
	}
	if want := []string{"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"}; !reflect.DeepEqual(g.Steps, want) {
		t.Errorf("steps %v", g.Steps)
	}
	for _, s := range g.Sessions {
		switch s.Date {
		case "2025-03-05": // step 6 na, step 8 not marked
			if s.Marks[5] != "na" || s.Marks[7] != "" || s.Marks[0] != "done" || s.Attended != 2 || s.Marked != 2 {
				t.Errorf("03-05: %+v", s)
			}
		case "2025-03-06": // cancelled: no marks, no minutes
			if s.Status != "cancelled" || len(s.Marks) != 0 || s.Minutes != 0 {
				t.Errorf("03-06: %+v", s)
			}
		case "2025-03-10": // the student absent, the other present
			if s.Attended != 1 || s.Marked != 2 {
				t.Errorf("03-10: %+v", s)
			}
		case "2025-03-14":
			t.Errorf("an in-progress session is listed: %+v", s)
		}
	}
	var most []string
	for _, s := range g.MostSkipped() {
		most = append(most, s.StepID)
	}
	// s5 and s8 were skipped (or left unmarked) 3 times each, s3 once.
	if want := []string{"s5", "s8", "s3"}; !reflect.DeepEqual(most, want) {
		t.Errorf("most skipped %v, want %v", most, want)
	}
	// Before any session: every step, 0 of 0, no sessions, no fidelity.
	g = GroupDelivery(ds, groupID, programID, mustDate("2025-03-01"))
	if len(g.PerStep) != 8 || g.FidelityPct != nil || len(g.Sessions) != 0 || len(g.MostSkipped()) != 0 {
		t.Errorf("before any session: %+v", g)
	}
	// Another group's sessions are not this group's.
	if g := GroupDelivery(ds, planID, programID, asOf); g.Delivered != 0 {
		t.Errorf("another group: %+v", g)
	}
}
