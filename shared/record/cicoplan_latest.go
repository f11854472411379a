package record

// LatestCICOPlans is the one rule for which CICO plan is a student's (ADR
// 0640): one plan per student, at CICOPlanID; should another app version
// have written more, the version with the greatest HLC wins. Deleted,
// restricted and undecodable envelopes, and envelopes of other types, are
// not plans. The tablet's CICO screens, the CICO report and the family card
// all read the plan through it (or LatestCICOPlan).
func LatestCICOPlans(envs []Envelope) map[string]CICOPlan {
	out := map[string]CICOPlan{}
	held := map[string]string{} // student → the HLC of the plan kept
	for _, e := range envs {
		if e.Type != TypeCICOPlan || e.Restricted {
			continue
		}
		p, ok := DecodeAs[CICOPlan](e)
		if !ok || p.StudentID == "" {
			continue
		}
		if h, seen := held[p.StudentID]; !seen || e.HLC > h {
			out[p.StudentID], held[p.StudentID] = p, e.HLC
		}
	}
	return out
}

// LatestCICOPlan is LatestCICOPlans for one student; ok is false when the
// student has none.
func LatestCICOPlan(envs []Envelope, studentID string) (plan CICOPlan, ok bool) {
	plan, ok = LatestCICOPlans(envs)[studentID]
	return plan, ok
}
