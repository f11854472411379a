package progress

import (
	"sort"
)

// CICOReport is the JSON of DOMAIN.md §4.2.
type CICOReport struct {
	StudentID string     `json:"student_id"`
	Days      []CICODay  `json:"days"`
	Weeks     []CICOWeek `json:"weeks"`
	Total     CICOTotal  `json:"total"`
	Fading    Fading     `json:"fading"`
	// Phase is where the student stands in fading on `to` by their CICO
	// plan (ADR 0640): absent when the caller had no plan to give.
	Phase    *PhaseStatus `json:"phase,omitempty"`
	Warnings []string     `json:"warnings"`
}

// CICODay is one date's pooled points.
type CICODay struct {
	Date     string  `json:"date"`
	Earned   float64 `json:"earned"`
	Possible float64 `json:"possible"`
	Pct      float64 `json:"pct"`
	Met      bool    `json:"met"`
}

// CICOWeek is one Monday–Sunday week, pooled.
type CICOWeek struct {
	WeekStart     string  `json:"week_start"`
	Earned        float64 `json:"earned"`
	Possible      float64 `json:"possible"`
	Pct           float64 `json:"pct"`
	Met           bool    `json:"met"`
	DaysBelowGoal int     `json:"days_below_goal"`
	// Flagged: three or more days below goal in the week (§3.9).
	Flagged bool `json:"flagged"`
}

// CICOTotal pools the whole range.
type CICOTotal struct {
	Earned   float64  `json:"earned"`
	Possible float64  `json:"possible"`
	Pct      *float64 `json:"pct"`
}

// Fading tracks the run of met weeks toward self-management (§3.9).
type Fading struct {
	ConsecutiveWeeksMet       int     `json:"consecutive_weeks_met"`
	EligibleForSelfManagement bool    `json:"eligible_for_self_management"`
	EligibleFromWeek          *string `json:"eligible_from_week"`
}

// weeksToEligible is the run of met weeks that makes a student eligible.
const weeksToEligible = 6

// CICO computes a student's CICO report for [from, to].
func CICO(ds *Dataset, studentID string, from, to Date) CICOReport {
	r := CICOReport{StudentID: studentID, Days: []CICODay{}, Weeks: []CICOWeek{}}
	var warnings Warnings // bounded, as every report's (MaxWarnings)
	type acc struct {
		earned, possible float64
		goal             float64
	}
	days := map[Date]*acc{}
	for _, c := range ds.Cards {
		if c.StudentID != studentID {
			continue
		}
		d, _ := ParseDate(c.Date)
		if d < from || d > to {
			continue
		}
		var earned, possible float64
		for _, row := range c.Ratings {
			for _, v := range row {
				if v == nil {
					continue
				}
				if *v != 0 && *v != 1 && *v != 2 {
					warnings.Add("a rating on " + c.Date + " is not 0, 1 or 2 and was left out")
					continue
				}
				earned += *v
				possible += 2
			}
		}
		goal := 80.0
		if c.GoalPct != nil && finite(*c.GoalPct) {
			goal = *c.GoalPct
		}
		a, ok := days[d]
		if !ok {
			a = &acc{goal: goal}
			days[d] = a
		}
		// Several cards on one date are pooled; the strictest goal applies.
		a.earned += earned
		a.possible += possible
		a.goal = max(a.goal, goal)
	}
	var dates []Date
	for d, a := range days {
		if a.possible > 0 { // a day with no rated cell has no %
			dates = append(dates, d)
		}
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i] < dates[j] })
	weekIdx := map[Date]int{}
	for _, d := range dates {
		a := days[d]
		pct := a.earned / a.possible * 100
		day := CICODay{Date: d.String(), Earned: a.earned, Possible: a.possible, Pct: pct, Met: pct >= a.goal}
		r.Days = append(r.Days, day)
		ws := d - Date(d.Weekday()-1)
		i, ok := weekIdx[ws]
		if !ok {
			i = len(r.Weeks)
			weekIdx[ws] = i
			r.Weeks = append(r.Weeks, CICOWeek{WeekStart: ws.String()})
		}
		w := &r.Weeks[i]
		w.Earned += a.earned
		w.Possible += a.possible
		if !day.Met {
			w.DaysBelowGoal++
		}
		r.Total.Earned += a.earned
		r.Total.Possible += a.possible
	}
	run := 0
	for i := range r.Weeks {
		w := &r.Weeks[i]
		w.Pct = w.Earned / w.Possible * 100
		w.Met = w.Pct >= 80
		w.Flagged = w.DaysBelowGoal >= 3
		if w.Met {
			run++
			if run == weeksToEligible && r.Fading.EligibleFromWeek == nil {
				r.Fading.EligibleFromWeek = ptr(w.WeekStart)
			}
		} else {
			run = 0
		}
	}
	r.Fading.ConsecutiveWeeksMet = run
	r.Fading.EligibleForSelfManagement = r.Fading.EligibleFromWeek != nil
	if r.Total.Possible > 0 {
		r.Total.Pct = ptr(r.Total.Earned / r.Total.Possible * 100)
	}
	r.Warnings = warnings.Lines()
	return r
}
