package record

import (
	"encoding/json"
	"strconv"
)

// fieldDefaults are the values DOMAIN.md §2 gives a top-level field that a
// payload leaves out: a probe without `seconds` lasted 60 s, a student
// without `active` is active. Two versions of a record, one with the
// default written out and one without it, say the same thing; a comparison
// of versions (the tablet's conflict review) reads this table so that it
// never calls them different (ADR 0651). The accessors that apply each
// default (Probe.Count, Plan.ProbeInterval, …) agree with it:
// TestFieldDefaultsAgreeWithAccessors.
var fieldDefaults = map[string]map[string]json.RawMessage{
	TypeProbe:    {"seconds": json.RawMessage(strconv.Itoa(ProbeSeconds))},
	TypePlan:     {"probe_every_days": json.RawMessage(`7`)},
	TypeStudent:  {"active": json.RawMessage(`true`)},
	TypeGoal:     {"status": json.RawMessage(`"` + GoalActive + `"`)},
	TypeCICOCard: {"goal_pct": json.RawMessage(`80`)},
	TypeCICOPlan: {"goal_pct": json.RawMessage(`80`)},
}

// FieldDefault is the value a record of typ has for a top-level field it
// leaves out; false when the field has no default (absent is absent).
func FieldDefault(typ, field string) (json.RawMessage, bool) {
	v, ok := fieldDefaults[typ][field]
	return v, ok
}
