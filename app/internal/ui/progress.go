package ui

import (
	"sort"

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

// progressInput gathers the records a goal's report reads.
type progressInput struct {
	Goal     doc[record.Goal]
	Probes   []doc[record.Probe]
	Plan     *doc[record.Plan]
	Sessions []doc[record.Session]
	Program  *doc[record.Program]
	Breaks   []doc[record.CalendarBreak]
}

func gatherProgress(r Records, g doc[record.Goal]) progressInput {
	in := progressInput{Goal: g}
	for _, p := range listRef[record.Probe](r, record.TypeProbe, g.Data.StudentID) {
		if p.Data.Measure == g.Data.Measure {
			in.Probes = append(in.Probes, p)
		}
	}
	sort.SliceStable(in.Probes, func(i, j int) bool { return in.Probes[i].Data.Date < in.Probes[j].Data.Date })
	if p, ok := get[record.Plan](r, record.TypePlan, g.Data.PlanID); ok {
		in.Plan = &p
		if p.Data.GroupID != "" {
			in.Sessions = listRef[record.Session](r, record.TypeSession, p.Data.GroupID)
		}
		if pr, ok := get[record.Program](r, record.TypeProgram, p.Data.ProgramID); ok {
			in.Program = &pr
		}
	}
	in.Breaks = list[record.CalendarBreak](r, record.TypeCalendarBreak)
	return in
}
