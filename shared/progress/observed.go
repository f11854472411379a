package progress

import "smallwins/shared/record"

// Observed is DOMAIN.md §3.7a's `delivery.observations`: what coaches saw
// when they watched the plan's sessions, beside the interventionist's own
// fidelity. It is null when no observation counts.
type Observed struct {
	Count               int      `json:"count"`
	ObservedFidelityPct *float64 `json:"observed_fidelity_pct"`
	MeanAgreementPct    *float64 `json:"mean_agreement_pct"`
	// GapFlag: the self-reported fidelity is more than 20 points above the
	// observed one; null when either is null.
	GapFlag *bool `json:"gap_flag"`
}

// GapPoints is §3.7a's gap: self-reported fidelity more than this many
// points above the observed one is flagged.
const GapPoints = 20

// observedTally gathers the observations of a plan's delivered sessions
// while ComputeDelivery walks them.
type observedTally struct {
	obs              []record.Observation // ds.Observations
	bySession        map[string][]int     // session id → indexes in obs
	count            int
	done, applicable int
	agreementSum     float64
	agreements       int
}

// newObservedTally indexes ds's observations by session; nil when there are
// none, so a report without observations does no more work than before.
func newObservedTally(ds *Dataset) *observedTally {
	if len(ds.Observations) == 0 {
		return nil
	}
	t := &observedTally{bySession: make(map[string][]int, len(ds.Observations)), obs: ds.Observations}
	for i, o := range ds.Observations {
		t.bySession[o.SessionID] = append(t.bySession[o.SessionID], i)
	}
	return t
}

// session counts the observations of one delivered session of the plan,
// whose checklist is prog's: each observation's own marks pooled as §3.7
// counts a session's, and its agreement with the session. The session's
// marks are read once, whatever the number of its observations.
func (t *observedTally) session(id string, s record.Session, prog record.Program) {
	if t == nil || id == "" {
		return
	}
	idx := t.bySession[id]
	if len(idx) == 0 {
		return
	}
	sm := SessionMarks(s, prog)
	for _, i := range idx {
		om := SessionMarks(record.Session{Fidelity: t.obs[i].Fidelity}, prog)
		t.count++
		d, a := FidelityCount(om)
		t.done += d
		t.applicable += a
		if pct, ok := agreement(sm, om, len(prog.Steps)); ok {
			t.agreementSum += pct
			t.agreements++
		}
	}
}

// result is the report's figure; nil when no observation counted.
func (t *observedTally) result(selfReported *float64) *Observed {
	if t == nil || t.count == 0 {
		return nil
	}
	o := &Observed{Count: t.count}
	if t.applicable > 0 {
		o.ObservedFidelityPct = ptr(float64(t.done) / float64(t.applicable) * 100)
	}
	if t.agreements > 0 {
		o.MeanAgreementPct = ptr(t.agreementSum / float64(t.agreements))
	}
	if selfReported != nil && o.ObservedFidelityPct != nil {
		o.GapFlag = ptr(*selfReported-*o.ObservedFidelityPct > GapPoints)
	}
	return o
}

// Agreement is §3.7a's agreement of an observation with its session: the
// steps of prog where the observer's status equals the session's, ÷ prog's
// steps × 100, a step missing from either side counting as skipped (the
// first mark of a step counts, as in SessionMarks). ok is false for a
// program with no steps (one not synced yet), where there is nothing to
// agree on.
func Agreement(s record.Session, o record.Observation, prog record.Program) (pct float64, ok bool) {
	return agreement(SessionMarks(s, prog), SessionMarks(record.Session{Fidelity: o.Fidelity}, prog), len(prog.Steps))
}

// agreement compares the first steps marks of two SessionMarks of one
// program: the program's steps, in order, on both sides.
func agreement(session, observed []record.StepMark, steps int) (float64, bool) {
	if steps == 0 {
		return 0, false
	}
	same := 0
	for i := 0; i < steps; i++ {
		if session[i].Status == observed[i].Status {
			same++
		}
	}
	return float64(same) / float64(steps) * 100, true
}
