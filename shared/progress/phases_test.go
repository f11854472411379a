package progress

import (
	"reflect"
	"testing"

	"smallwins/shared/record"
)

func TestPhases(t *testing.T) {
	envs := example51([]float64{45, 43, 47})
	envs = append(envs, env(nextID(), "calendar_break", record.CalendarBreak{Name: "Winter", StartDate: "2025-02-17", EndDate: "2025-02-21"}))
	ds := NewDataset(envs) // goal from 2025-01-06
	plans := []record.Plan{
		{StudentID: studentID, ProgramID: "p1", StartDate: "2025-01-06", EndDate: "2025-02-07"}, // first phase: no line at its start
		{StudentID: studentID, ProgramID: "p2", StartDate: "2025-02-10"},
		{StudentID: studentID, ProgramID: "p3", StartDate: "2025-04-01"},                              // after as_of
		{StudentID: "00000000-0000-7000-8000-0000000000ff", ProgramID: "p4", StartDate: "2025-02-01"}, // another student
	}
	decisions := []TeamDecision{
		{Decision: record.Decision{GoalID: goalID, Date: "2025-02-24", Code: "change_instruction"}},
		{Decision: record.Decision{GoalID: goalID, Date: "2025-01-06", Code: "continue"}}, // on the start: no line
		{Decision: record.Decision{GoalID: "other", Date: "2025-02-03", Code: "raise_goal"}},
	}
	got := Phases(ds, goalID, plans, decisions, mustDate("2025-03-17"))
	want := []Phase{
		{Date: "2025-02-07", Week: 32.0 / 7, Kind: PhasePlanEnd, ProgramID: "p1"},
		{Date: "2025-02-10", Week: 5, Kind: PhasePlanStart, ProgramID: "p2"},
		// Seven weeks of days minus the five-day break.
		{Date: "2025-02-24", Week: (49.0 - 5) / 7, Kind: PhaseDecision, Code: "change_instruction"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("phases\n got %+v\nwant %+v", got, want)
	}
	if Phases(ds, "missing", plans, decisions, mustDate("2025-03-17")) != nil {
		t.Errorf("a missing goal has phases")
	}
}
