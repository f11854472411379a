package progress

import (
	"strings"
	"testing"

	"smallwins/shared/record"
)

// TestCICOPhaseWords: every phase has its words, an unknown one is shown
// as itself; the status sentence names the count toward the next phase.
func TestCICOPhaseWords(t *testing.T) {
	for _, p := range record.Phases {
		if w := CICOPhaseWords(p); w == p || w == "" {
			t.Errorf("phase %q has no words: %q", p, w)
		}
	}
	if CICOPhaseWords("later_phase") != "later_phase" {
		t.Error("an unknown phase is not shown as itself")
	}
	for _, c := range []struct {
		st   PhaseStatus
		want string
	}{
		{PhaseStatus{Phase: record.PhaseCICO, Counted: 2, Needed: 6}, "2 of the 6"},
		{PhaseStatus{Phase: record.PhaseCICO, Eligible: true, ConsecutiveWeeksMet: 7}, "Eligible for self-management: 7 weeks"},
		{PhaseStatus{Phase: record.PhaseSelfManaged, Counted: 1, Needed: 2}, "1 of 2 before fading"},
		{PhaseStatus{Phase: record.PhaseFaded, Counted: 0, Needed: 2}, "0 of 2 before graduation"},
		{PhaseStatus{Phase: record.PhaseGraduated}, "completed"},
	} {
		if got := PhaseStatusWords(c.st); !strings.Contains(got, c.want) {
			t.Errorf("%+v: %q lacks %q", c.st, got, c.want)
		}
	}
}
