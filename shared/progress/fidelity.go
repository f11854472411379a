package progress

import "smallwins/shared/record"

// The fidelity count of DOMAIN.md §3.7, one home for the report, the
// tablet's session summary and the CSV exports.

// CountStep is one step's share of the count: `done` counts in done and
// applicable; `skipped`, or no mark at all once the session is delivered
// (DOMAIN.md §2), counts in applicable; `na` in neither.
func CountStep(status string) (done, applicable int) {
	switch status {
	case record.StepDone:
		return 1, 1
	case record.StepNA:
		return 0, 0
	default:
		return 0, 1
	}
}

// SessionMarks is a delivered session's marks as the count reads them: every
// step of prog in its order (a step with no mark is skipped), then each step
// since removed from the program that the session marked, once: removing a
// step keeps its history.
func SessionMarks(s record.Session, prog record.Program) []record.StepMark {
	marks := make(map[string]string, len(s.Fidelity))
	for _, m := range s.Fidelity {
		if _, dup := marks[m.StepID]; !dup {
			marks[m.StepID] = m.Status
		}
	}
	out := make([]record.StepMark, 0, len(prog.Steps))
	seen := make(map[string]bool, len(prog.Steps))
	for _, st := range prog.Steps {
		status := marks[st.ID]
		if status == "" {
			status = record.StepSkipped
		}
		out = append(out, record.StepMark{StepID: st.ID, Status: status})
		seen[st.ID] = true
	}
	for _, m := range s.Fidelity {
		if !seen[m.StepID] {
			seen[m.StepID] = true
			out = append(out, record.StepMark{StepID: m.StepID, Status: marks[m.StepID]})
		}
	}
	return out
}

// FidelityCount sums CountStep over marks.
func FidelityCount(marks []record.StepMark) (done, applicable int) {
	for _, m := range marks {
		d, a := CountStep(m.Status)
		done += d
		applicable += a
	}
	return done, applicable
}
