package record

import "testing"

// TestCICOPlanID: one id per student, the same on every tablet, a canonical
// uuid the stores accept, and different for another student.
func TestCICOPlanID(t *testing.T) {
	a, b := CICOPlanID(uid1), CICOPlanID(uid2)
	if a != CICOPlanID(uid1) {
		t.Fatal("the id of one student's plan changed between calls")
	}
	if a == b {
		t.Fatal("two students share a plan id")
	}
	if !IsID(a) || !IsID(b) {
		t.Fatalf("plan ids %q, %q are not canonical uuids", a, b)
	}
}

// TestCICOPlanPhaseOn: the phase of a date is that of the latest change on
// or before it; before any change the student is on CICO.
func TestCICOPlanPhaseOn(t *testing.T) {
	p := CICOPlan{Phases: []CICOPhase{
		{Phase: PhaseSelfManaged, StartDate: "2025-03-03"},
		{Phase: PhaseFaded, StartDate: "2025-03-17"},
		{Phase: PhaseGraduated, StartDate: "2025-03-31"},
	}}
	cases := []struct{ date, phase, since string }{
		{"2025-03-02", PhaseCICO, ""},
		{"2025-03-03", PhaseSelfManaged, "2025-03-03"},
		{"2025-03-16", PhaseSelfManaged, "2025-03-03"},
		{"2025-03-17", PhaseFaded, "2025-03-17"},
		{"2026-01-01", PhaseGraduated, "2025-03-31"},
	}
	for _, c := range cases {
		if ph, since := p.PhaseOn(c.date); ph != c.phase || since != c.since {
			t.Errorf("PhaseOn(%s) = %s since %q, want %s since %q", c.date, ph, since, c.phase, c.since)
		}
	}
	if (CICOPlan{}).Goal() != 80 {
		t.Error("the default goal is not 80%")
	}
}

// TestCICOPlanKeepsUnknownFields: an older app editing the plan keeps a
// newer app's fields (PROTOCOL §2).
func TestCICOPlanKeepsUnknownFields(t *testing.T) {
	base := []byte(`{"student_id":"` + uid1 + `","expectations":["a"],"periods":["b"],"check_ins":"weekly"}`)
	out, err := EncodeData(CICOPlan{StudentID: uid1, Expectations: []string{"x"}, Periods: []string{"y"}}, base)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := DecodeData(out, &got); err != nil {
		t.Fatal(err)
	}
	if got["check_ins"] != "weekly" {
		t.Fatalf("unknown field lost: %s", out)
	}
}
