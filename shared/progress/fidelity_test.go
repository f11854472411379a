package progress

import (
	"testing"

	"smallwins/shared/record"
)

func TestFidelityCountRule(t *testing.T) {
	prog := record.Program{Steps: []record.Step{{ID: "a"}, {ID: "b"}, {ID: "c"}, {ID: "d"}}}
	s := record.Session{Fidelity: []record.StepMark{
		{StepID: "a", Status: record.StepDone}, {StepID: "b", Status: record.StepNA},
		{StepID: "c", Status: record.StepSkipped}, // d unmarked: skipped once delivered
		{StepID: "old", Status: record.StepDone},  // a step since removed keeps its history
		{StepID: "a", Status: record.StepSkipped}, // a repeated mark: the first counts
	}}
	marks := SessionMarks(s, prog)
	want := []record.StepMark{{StepID: "a", Status: "done"}, {StepID: "b", Status: "na"}, {StepID: "c", Status: "skipped"},
		{StepID: "d", Status: "skipped"}, {StepID: "old", Status: "done"}}
	if len(marks) != len(want) {
		t.Fatalf("marks %+v, want %+v", marks, want)
	}
	for i := range want {
		if marks[i] != want[i] {
			t.Fatalf("mark %d = %+v, want %+v", i, marks[i], want[i])
		}
	}
	if d, a := FidelityCount(marks); d != 2 || a != 4 {
		t.Fatalf("count %d of %d, want 2 of 4", d, a)
	}
	for status, want := range map[string][2]int{"done": {1, 1}, "na": {0, 0}, "skipped": {0, 1}, "": {0, 1}} {
		if d, a := CountStep(status); d != want[0] || a != want[1] {
			t.Errorf("CountStep(%q) = %d, %d; want %v", status, d, a, want)
		}
	}
}
