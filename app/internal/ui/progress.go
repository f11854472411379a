package ui

import (
	"smallwins/app/internal/repo"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// goalProgress is the student screen's view of one goal: DOMAIN.md §4.1's
// report computed on the tablet by shared/progress (the same code the
// server runs, so the numbers are identical), and the chart drawn from it.
type goalProgress struct {
	Goal   repo.Doc[record.Goal]
	Report progress.Report
	Err    error // the report could not be computed (an invalid goal)
	Chart  chartData
	// ds is what the report was computed from: its calendar, whose breaks
	// the report renderer's chart shades (ADR 0019), and the goal for
	// goalPhases.
	ds *progress.Dataset
	// Recent is each step's fidelity over the plan's last RecentN delivered
	// sessions (at most recentSessions): what the team reads as "lately".
	Recent  []progress.StepFid
	RecentN int
}

// recentSessions is how many of the last delivered sessions the step
// sentences count ("skipped in 3 of the last 10 sessions").
const recentSessions = 10

// computeProgress runs shared/progress over the goal's records as of asOf.
func computeProgress(g repo.Doc[record.Goal], envs []record.Envelope, asOf string) goalProgress {
	gp := goalProgress{Goal: g}
	ds := progress.NewDataset(envs)
	d, err := progress.ParseDate(asOf)
	if err != nil {
		gp.Err = err
		return gp
	}
	rep, err := progress.Progress(ds, g.ID, d)
	if err != nil {
		gp.Err = err
		return gp
	}
	gp.Report, gp.ds = rep, ds
	if plan, ok := ds.Plans[g.Data.PlanID]; ok {
		gp.Recent, gp.RecentN = progress.RecentSteps(ds, plan, d, recentSessions, ds.Calendar)
	}
	down := g.Data.Direction == record.DirectionDown
	gp.Chart = chartData{StartScore: rep.Baseline.Score, GoalScore: g.Data.GoalScore, Down: down}
	if start, err1 := progress.ParseDate(g.Data.StartDate); err1 == nil {
		if end, err2 := progress.ParseDate(g.Data.GoalDate); err2 == nil {
			gp.Chart.GoalWeek = ds.Calendar.Week(start, end)
		}
	}
	for _, p := range rep.Points {
		// The report's position is geometric; the chart colours by better
		// or worse than the aimline, which flips for a `down` goal (§3.3).
		pos := p.Position
		if down && pos == progress.Above {
			pos = "below"
		} else if down && pos == progress.Below {
			pos = "above"
		}
		gp.Chart.Points = append(gp.Chart.Points, chartPoint{Week: p.Week, Score: p.Score, Position: pos})
	}
	if rep.Trend != nil {
		gp.Chart.Trend = &[2]float64{rep.Trend.OLS.Intercept, rep.Trend.OLS.Slope}
	}
	return gp
}

// gatherProgress collects the envelopes a goal's report reads (DOMAIN.md
// §4.1): the goal, its plan and program, the plan's group's sessions and
// their observations, the student's probes and every calendar break.
// Restricted and deleted records are never among them.
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
	g, ok := repo.Decode[record.Goal](ge)
	if !ok {
		return out
	}
	addAll(r.ListByRef(record.TypeProbe, g.Data.StudentID))
	if g.Data.PlanID != "" {
		if pe, err := r.Get(g.Data.PlanID); err == nil {
			add(pe, nil)
			if p, ok := repo.Decode[record.Plan](pe); ok {
				if p.Data.ProgramID != "" {
					add(r.Get(p.Data.ProgramID))
				}
				if p.Data.GroupID != "" {
					sessions, err := r.ListByRef(record.TypeSession, p.Data.GroupID)
					addAll(sessions, err)
					// Their observations: the report's observed fidelity
					// (DOMAIN.md §3.7a), as the server reads them.
					for _, s := range sessions {
						addAll(r.ListByRef(record.TypeObservation, s.ID))
					}
				}
			}
		}
	}
	addAll(r.List(record.TypeCalendarBreak))
	return out
}

// goalPhases are the phase lines of a goal's chart (progress.Phases): the
// student's plans starting or ending and the team's decisions on the goal,
// as the console draws them.
func goalPhases(r Records, g repo.Doc[record.Goal], gp goalProgress) []progress.Phase {
	d, err := progress.ParseDate(gp.Report.AsOf)
	if err != nil || gp.ds == nil {
		return nil
	}
	var plans []record.Plan
	for _, p := range repo.ListByRef[record.Plan](r, g.Data.StudentID) {
		plans = append(plans, p.Data)
	}
	decs, _ := r.ListByRef(record.TypeDecision, g.Data.StudentID)
	return progress.Phases(gp.ds, g.ID, plans, progress.TeamDecisions(decs, g.ID), d)
}
