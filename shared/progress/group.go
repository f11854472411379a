package progress

import (
	"sort"

	"smallwins/shared/record"
)

// Group is one group's delivery session by session (CONSOLE.md §3
// `/groups/{id}`): the group's sessions of its program up to a date, each
// step's mark in each delivered session, and §3.7's fidelity over them,
// counted by the same code as a plan's delivery (stepCounter). What each
// student was planned and received is their plan's Delivery.
type Group struct {
	// Steps lists the step ids as PerStep does: the program's, in order,
	// then steps since removed from it that a session marked.
	Steps []string `json:"steps"`
	// Sessions are the delivered and cancelled sessions, by date (then
	// as read); in-progress ones are left out, as §3.7 ignores them.
	Sessions     []GroupSession `json:"sessions"`
	Delivered    int            `json:"delivered_sessions"`
	Cancelled    int            `json:"cancelled_sessions"`
	Minutes      float64        `json:"minutes_delivered"`
	PerStep      []StepFid      `json:"per_step"`
	FidelityPct  *float64       `json:"fidelity_pct"`
	FidelityBand *string        `json:"fidelity_band"`
	// Observations are §3.7a's observed fidelity over the same delivered
	// sessions, counted by the plan's code (observedTally) against the
	// group's FidelityPct; null when no observation counts.
	Observations *Observed `json:"observations"`
}

// GroupSession is one session of the group.
type GroupSession struct {
	Date    string  `json:"date"`
	Status  string  `json:"status"`
	Minutes float64 `json:"minutes"`
	// Attended counts present, late and left_early; Marked the students
	// with any attendance entry.
	Attended int `json:"attended"`
	Marked   int `json:"marked"`
	// Marks has one entry per Steps: done, skipped, na, or "" where the
	// session has no mark for the step (§3.7 counts it as skipped once the
	// session is delivered). Empty for a cancelled session.
	Marks        []string `json:"marks"`
	CancelReason string   `json:"cancel_reason,omitempty"`
}

// GroupDelivery computes a group's delivery from its sessions (those of
// ds.Sessions with this group_id and this program or none) dated up to
// asOf.
func GroupDelivery(ds *Dataset, groupID, programID string, asOf Date) Group {
	prog := ds.Programs[programID]
	steps := newStepCounter(prog)
	observed := newObservedTally(ds)
	var sessions []record.Session
	for i, s := range ds.Sessions {
		if s.GroupID != groupID || (s.ProgramID != "" && s.ProgramID != programID) {
			continue
		}
		if day, err := ParseDate(s.Date); err != nil || day > asOf {
			continue
		}
		if s.Status != record.SessionDelivered && s.Status != record.SessionCancelled {
			continue
		}
		sessions = append(sessions, s)
		if s.Status == record.SessionDelivered {
			steps.session(s, prog)
			if i < len(ds.SessionIDs) {
				observed.session(ds.SessionIDs[i], s, prog)
			}
		}
	}
	sort.SliceStable(sessions, func(i, j int) bool { return sessions[i].Date < sessions[j].Date })
	g := Group{Steps: steps.ids(), Sessions: []GroupSession{}}
	g.PerStep, g.FidelityPct, g.FidelityBand = steps.result()
	g.Observations = observed.result(g.FidelityPct)
	for _, s := range sessions {
		gs := GroupSession{Date: s.Date, Status: s.Status, Marks: []string{}, CancelReason: s.CancelReason}
		if s.Status == record.SessionCancelled {
			g.Cancelled++
			g.Sessions = append(g.Sessions, gs)
			continue
		}
		g.Delivered++
		gs.Minutes = s.Minutes
		g.Minutes += s.Minutes
		for _, a := range s.Attendance {
			gs.Marked++
			switch a.Status {
			case record.Present, record.Late, record.LeftEarly:
				gs.Attended++
			}
		}
		marks := map[string]string{}
		for _, m := range s.Fidelity {
			marks[m.StepID] = m.Status
		}
		for _, id := range g.Steps {
			gs.Marks = append(gs.Marks, marks[id])
		}
		g.Sessions = append(g.Sessions, gs)
	}
	return g
}

// MostSkipped lists the steps skipped at least once (skipped or unmarked in
// a delivered session: applicable − done), most skipped first, then in the
// program's order.
func (g Group) MostSkipped() []StepFid {
	var out []StepFid
	for _, s := range g.PerStep {
		if s.Applicable-s.Done > 0 {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Applicable-out[i].Done > out[j].Applicable-out[j].Done
	})
	return out
}
