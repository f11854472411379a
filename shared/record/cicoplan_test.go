package record

import (
	"strconv"
	"testing"
)

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

func TestLatestCICOPlanIsTheGreatestHLC(t *testing.T) {
	const a, b = "018b0000-0000-7000-8000-00000000000a", "018b0000-0000-7000-8000-00000000000b"
	env := func(id, hlcWall, student string, goal int, restricted, deleted bool) Envelope {
		e := Envelope{ID: id, Type: TypeCICOPlan, HLC: hlcWall + "-00000-018b0000-0000-7000-8000-0000000000ff", Restricted: restricted, Deleted: deleted}
		if !deleted {
			e.Data = []byte(`{"student_id":"` + student + `","expectations":["Be safe"],"periods":["1"],"goal_pct":` + strconv.Itoa(goal) + `}`)
		}
		return e
	}
	envs := []Envelope{
		env(CICOPlanID(a), "1764000000002", a, 70, false, false),
		env("018b0000-0000-7000-8000-000000000001", "1764000000001", a, 60, false, false), // older, another id
		env("018b0000-0000-7000-8000-000000000002", "1764000000009", a, 99, true, false),  // restricted: not read
		env("018b0000-0000-7000-8000-000000000003", "1764000000009", a, 98, false, true),  // deleted
		{ID: "018b0000-0000-7000-8000-000000000004", Type: TypeCICOPlan, HLC: "1764000000009-00000-018b0000-0000-7000-8000-0000000000ff", Data: []byte(`{"student_id":7}`)},
		env(CICOPlanID(b), "1764000000003", b, 85, false, false),
	}
	all := LatestCICOPlans(envs)
	if len(all) != 2 || all[a].Goal() != 70 || all[b].Goal() != 85 {
		t.Fatalf("plans %+v", all)
	}
	if p, ok := LatestCICOPlan(envs, a); !ok || p.Goal() != 70 {
		t.Fatalf("a's plan %+v %v", p, ok)
	}
	if _, ok := LatestCICOPlan(envs, "018b0000-0000-7000-8000-00000000000c"); ok {
		t.Fatal("a student without a plan has one")
	}
}
