package record

import "testing"

func TestGoalActive(t *testing.T) {
	for status, want := range map[string]bool{"": true, GoalActive: true, GoalMet: false, GoalDiscontinued: false, "paused": false} {
		if got := (Goal{Status: status}).Active(); got != want {
			t.Errorf("status %q: active %v, want %v", status, got, want)
		}
	}
}
