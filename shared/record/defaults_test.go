package record

import (
	"encoding/json"
	"testing"
)

// TestFieldDefaultsAgreeWithAccessors: each default of the table is what the
// accessor applying it gives for a payload without the field, so a version
// comparison and the screens read a missing field the same way.
func TestFieldDefaultsAgreeWithAccessors(t *testing.T) {
	num := func(typ, field string) float64 {
		raw, ok := FieldDefault(typ, field)
		if !ok {
			t.Fatalf("%s.%s has no default", typ, field)
		}
		var v float64
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if _, s := (Probe{Score: 40}).Count(); s != num(TypeProbe, "seconds") {
		t.Errorf("probe seconds: Count says %v", s)
	}
	if got := (Plan{}).ProbeInterval(); got != num(TypePlan, "probe_every_days") {
		t.Errorf("plan probe_every_days: ProbeInterval says %v", got)
	}
	if got := (CICOPlan{}).Goal(); got != num(TypeCICOPlan, "goal_pct") || got != num(TypeCICOCard, "goal_pct") {
		t.Errorf("goal_pct: Goal says %v", got)
	}
	if raw, _ := FieldDefault(TypeStudent, "active"); string(raw) != "true" || !(Student{}).IsActive() {
		t.Errorf("student active: %s", raw)
	}
	var st string
	raw, _ := FieldDefault(TypeGoal, "status")
	if json.Unmarshal(raw, &st) != nil || !(Goal{Status: st}).Active() || !(Goal{}).Active() {
		t.Errorf("goal status: %s", raw)
	}
	if _, ok := FieldDefault(TypeProbe, "errors"); ok {
		t.Error("errors has no default: not counted is not 0")
	}
}
