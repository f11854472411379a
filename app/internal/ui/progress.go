package ui

import (
	"smallwins/shared/record"
)

// goalProgress is the student screen's view of one goal's progress report
// (DOMAIN.md §4.1), computed on the tablet from local records.
type goalProgress struct {
	Goal         doc[record.Goal]
	Chart        chartData
	Points       int
	Status       string // green, yellow, red, grey
	Decision     string // a DOMAIN.md §4 code; "" when not computed
	Rule         string
	Reason       string
	Delivery     *deliveryView
	PresentLevel *float64
	Sufficiency  string
	Projection   *float64
	Overdue      bool
	Warnings     []string
}

type deliveryView struct {
	PlannedSessions, DeliveredSessions, SessionsAttended float64
	AttendancePct, DosePct, FidelityPct                  float64
	FidelityKnown                                        bool
}

// gatherProgress collects the envelopes a goal's report reads (DOMAIN.md
// §4.1): the goal, its plan and program, the plan's group's sessions, the
// student's probes and every calendar break. Restricted and deleted records
// are never among them.
func gatherProgress(r Records, goalID string) []record.Envelope {
	var out []record.Envelope
	add := func(e record.Envelope, err error) {
		if err == nil && !e.Deleted {
			out = append(out, e)
		}
	}
	addAll := func(es []record.Envelope, err error) {
		if err == nil {
			out = append(out, es...)
		}
	}
	ge, err := r.Get(goalID)
	if err != nil {
		return nil
	}
	add(ge, nil)
	g, ok := decodeEnv[record.Goal](ge)
	if !ok {
		return out
	}
	addAll(r.ListByRef(record.TypeProbe, g.Data.StudentID))
	if g.Data.PlanID != "" {
		if pe, err := r.Get(g.Data.PlanID); err == nil {
			add(pe, nil)
			if p, ok := decodeEnv[record.Plan](pe); ok {
				if p.Data.ProgramID != "" {
					add(r.Get(p.Data.ProgramID))
				}
				if p.Data.GroupID != "" {
					addAll(r.ListByRef(record.TypeSession, p.Data.GroupID))
				}
			}
		}
	}
	addAll(r.List(record.TypeCalendarBreak))
	return out
}
