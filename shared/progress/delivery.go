package progress

import (
	"sort"

	"smallwins/shared/record"
)

// Delivery is §3.7's measure of what was actually delivered under a plan.
// Percentages are null when nothing was planned yet; they are not capped
// (DOMAIN.md §3.7, binding for the report). How the tablet words a figure
// above 100% or a fractional plan is a matter of display (ADR 0630).
type Delivery struct {
	PlannedSessions   float64   `json:"planned_sessions"`
	DeliveredSessions int       `json:"delivered_sessions"`
	SessionsAttended  int       `json:"sessions_attended"`
	AttendancePct     *float64  `json:"attendance_pct"`
	PlannedMinutes    float64   `json:"planned_minutes"`
	MinutesReceived   float64   `json:"minutes_received"`
	DosePct           *float64  `json:"dose_pct"`
	FidelityPct       *float64  `json:"fidelity_pct"`
	FidelityBand      *string   `json:"fidelity_band"`
	PerStep           []StepFid `json:"per_step"`
	// Observations are §3.7a's observed fidelity; null when no
	// observation of the plan's delivered sessions counts.
	Observations *Observed `json:"observations"`
}

// StepFid is one checklist step's fidelity. Every step of the plan's program
// is listed, in the program's order (then steps since removed from it, by
// id); Pct is null while Applicable is 0.
type StepFid struct {
	StepID     string   `json:"step_id"`
	Done       int      `json:"done"`
	Applicable int      `json:"applicable"`
	Pct        *float64 `json:"pct"`
}

// Band names a fidelity percentage (§3.7).
func Band(pct float64) string {
	switch {
	case pct >= 80:
		return "high"
	case pct >= 60:
		return "adequate"
	case pct >= 40:
		return "partial"
	}
	return "low"
}

// ComputeDelivery measures a plan for one student from the plan's start to
// the earlier of asOf and its end, inclusive.
func ComputeDelivery(ds *Dataset, plan record.Plan, studentID string, asOf Date, cal Calendar) *Delivery {
	from, _ := ParseDate(plan.StartDate)
	to := asOf
	if plan.EndDate != "" {
		if end, err := ParseDate(plan.EndDate); err == nil && end < to {
			to = end
		}
	}
	d := &Delivery{PerStep: []StepFid{}}
	weeks := float64(cal.InstructionDays(from, to)) / 7
	d.PlannedSessions = plan.SessionsPerWeek * weeks
	d.PlannedMinutes = d.PlannedSessions * plan.MinutesPerSession

	steps := newStepCounter(ds.Programs[plan.ProgramID])
	observed := newObservedTally(ds)
	for i, s := range ds.Sessions {
		if !deliveredUnder(plan, s, from, to) {
			continue
		}
		d.DeliveredSessions++
		for _, a := range s.Attendance {
			if a.StudentID != studentID {
				continue
			}
			switch a.Status {
			case record.Present:
				d.SessionsAttended++
				if a.Minutes != nil {
					d.MinutesReceived += *a.Minutes
				} else {
					d.MinutesReceived += s.Minutes
				}
			case record.Late, record.LeftEarly:
				d.SessionsAttended++
				if a.Minutes != nil {
					d.MinutesReceived += *a.Minutes
				}
			}
			break
		}
		// Fidelity is the interventionist's delivery: every delivered
		// session counts, attended by this student or not.
		prog := ds.Programs[s.ProgramID]
		if s.ProgramID == "" {
			prog = ds.Programs[plan.ProgramID]
		}
		steps.session(s, prog)
		if i < len(ds.SessionIDs) {
			observed.session(ds.SessionIDs[i], s, prog)
		}
	}
	d.PerStep, d.FidelityPct, d.FidelityBand = steps.result()
	d.Observations = observed.result(d.FidelityPct)
	if d.PlannedSessions > 0 {
		d.AttendancePct = ptr(float64(d.SessionsAttended) / d.PlannedSessions * 100)
	}
	if d.PlannedMinutes > 0 {
		d.DosePct = ptr(d.MinutesReceived / d.PlannedMinutes * 100)
	}
	return d
}

// deliveredUnder reports whether s is a delivered session of the plan
// dated in [from, to]: its group's, of its program or of none (ADR 0002);
// cancelled ones are not delivered, in-progress ones are ignored.
func deliveredUnder(plan record.Plan, s record.Session, from, to Date) bool {
	if plan.GroupID == "" || s.GroupID != plan.GroupID || (s.ProgramID != "" && s.ProgramID != plan.ProgramID) {
		return false
	}
	day, err := ParseDate(s.Date)
	return err == nil && day >= from && day <= to && s.Status == record.SessionDelivered
}

// RecentSteps is §3.7's per-step fidelity over the plan's last n delivered
// sessions up to asOf (the sessions of the earliest of those dates count
// whole): what a team reads as "lately", beside the whole plan's figure.
// The second result is the number of sessions counted.
func RecentSteps(ds *Dataset, plan record.Plan, asOf Date, n int, cal Calendar) ([]StepFid, int) {
	from, _ := ParseDate(plan.StartDate)
	to := asOf
	if plan.EndDate != "" {
		if end, err := ParseDate(plan.EndDate); err == nil && end < to {
			to = end
		}
	}
	var days []Date
	for _, s := range ds.Sessions {
		if deliveredUnder(plan, s, from, to) {
			d, _ := ParseDate(s.Date)
			days = append(days, d)
		}
	}
	if len(days) == 0 || n <= 0 {
		return []StepFid{}, 0
	}
	sort.Slice(days, func(i, j int) bool { return days[i] > days[j] })
	recent := plan
	recent.StartDate = days[min(n, len(days))-1].String()
	recent.EndDate = to.String()
	d := ComputeDelivery(ds, recent, "", to, cal)
	return d.PerStep, d.DeliveredSessions
}

// stepCounter is §3.7's fidelity count, shared by a plan's delivery and a
// group's page: for each delivered session and step, done counts in done
// and applicable, skipped or missing in applicable, na in neither. Every
// step of the program is listed (0 of 0 until applicable), in the
// program's order, then steps since removed from it that a session marked,
// by id.
type stepCounter struct {
	steps     map[string]*stepTally
	order     []string
	stepOrder map[string]int
}

type stepTally struct{ done, applicable int }

func newStepCounter(prog record.Program) *stepCounter {
	c := &stepCounter{steps: map[string]*stepTally{}, stepOrder: map[string]int{}}
	for i, s := range prog.Steps {
		if _, dup := c.stepOrder[s.ID]; !dup {
			c.stepOrder[s.ID] = i
		}
		c.tally(s.ID)
	}
	return c
}

func (c *stepCounter) tally(id string) *stepTally {
	t, ok := c.steps[id]
	if !ok {
		t = &stepTally{}
		c.steps[id] = t
		c.order = append(c.order, id)
	}
	return t
}

// session counts one delivered session of program prog.
func (c *stepCounter) session(s record.Session, prog record.Program) {
	for _, m := range SessionMarks(s, prog) {
		t := c.tally(m.StepID)
		d, a := CountStep(m.Status)
		t.done += d
		t.applicable += a
	}
}

// ids is the listing order of the steps.
func (c *stepCounter) ids() []string {
	order := append([]string(nil), c.order...)
	sort.SliceStable(order, func(i, j int) bool {
		oi, iok := c.stepOrder[order[i]]
		oj, jok := c.stepOrder[order[j]]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok
		}
		return order[i] < order[j]
	})
	return order
}

// result is per_step and the pooled fidelity with its band (null without
// anything applicable).
func (c *stepCounter) result() ([]StepFid, *float64, *string) {
	per := []StepFid{}
	var totalDone, totalApplicable int
	for _, id := range c.ids() {
		t := c.steps[id]
		sf := StepFid{StepID: id, Done: t.done, Applicable: t.applicable}
		if t.applicable > 0 {
			sf.Pct = ptr(float64(t.done) / float64(t.applicable) * 100)
		}
		per = append(per, sf)
		totalDone += t.done
		totalApplicable += t.applicable
	}
	if totalApplicable == 0 {
		return per, nil, nil
	}
	f := float64(totalDone) / float64(totalApplicable) * 100
	return per, &f, ptr(Band(f))
}
