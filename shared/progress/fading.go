package progress

import (
	"smallwins/shared/record"
)

// The steps of DOMAIN.md §3.9's fading after eligibility.
const (
	// weeksToFade: successful self-managed weeks before the card is faded.
	weeksToFade = 2
	// weeksToGraduate: met faded weeks before the student graduates.
	weeksToGraduate = 2
	// matchToSucceed: a self-managed week succeeds when it is met and the
	// student's ratings equal the adult's in at least this % of the cells
	// both rated (ADR 0640).
	matchToSucceed = 80.0
)

// PhaseStatus is where a student stands in DOMAIN.md §3.9's fading on a
// date: the phase their CICO plan puts them in, the weeks of that phase
// that count toward the next one, and the next phase the rules allow. The
// team moves the student; this only says when it may.
type PhaseStatus struct {
	Phase string `json:"phase"`           // record.PhaseCICO, …
	Since string `json:"since,omitempty"` // the phase's start date; "" for the first phase
	// Weeks are the Monday–Sunday weeks that started on or after Since,
	// with a rated card, in date order: only whole weeks of a phase count.
	Weeks []PhaseWeek `json:"weeks"`
	// ConsecutiveWeeksMet is the run of met weeks ending with the last one.
	ConsecutiveWeeksMet int `json:"consecutive_weeks_met"`
	// Eligible: on CICO, 6 weeks met in a row since the phase began.
	Eligible bool `json:"eligible_for_self_management"`
	// Counted is the number of weeks that count toward Next: on CICO the
	// run of met weeks, self-managed the successful weeks, faded the met
	// weeks; Needed is how many it takes.
	Counted int `json:"counted"`
	Needed  int `json:"needed"`
	// Next is the phase the rules now allow the team to move the student
	// to; "" when they do not yet (or the student has graduated).
	Next string `json:"next,omitempty"`
}

// PhaseWeek is one week of the current phase.
type PhaseWeek struct {
	WeekStart string  `json:"week_start"`
	Pct       float64 `json:"pct"`
	Met       bool    `json:"met"`
	// MatchPct is the % of cells both the student and the adult rated
	// where the two agree; nil when no cell was rated by both.
	MatchPct *float64 `json:"match_pct"`
	// Counts: the week counts toward the next phase (met; self-managed: and
	// a match of at least 80%).
	Counts bool `json:"counts"`
}

// CardMatch counts the cells of a self-managed card that both the student
// and the adult rated (compared) and those where they agree (matched).
func CardMatch(c record.CICOCard) (matched, compared int) {
	for p, row := range c.StudentRatings {
		if p >= len(c.Ratings) {
			break
		}
		for e, s := range row {
			if e >= len(c.Ratings[p]) || s == nil || c.Ratings[p][e] == nil {
				continue
			}
			compared++
			if *s == *c.Ratings[p][e] {
				matched++
			}
		}
	}
	return matched, compared
}

// PhaseOf computes studentID's PhaseStatus on date to from the cards dated
// up to it and the student's CICO plan.
func PhaseOf(ds *Dataset, studentID string, plan record.CICOPlan, to Date) PhaseStatus {
	phase, since := plan.PhaseOn(to.String())
	st := PhaseStatus{Phase: phase, Since: since, Weeks: []PhaseWeek{}}
	from := Date(0)
	if since != "" {
		from, _ = ParseDate(since)
	}
	// Weeks that started on or after the phase did; the report is asked
	// from that week's Monday on so the first week is whole.
	rep := CICO(ds, studentID, from-Date(from.Weekday()-1), to)
	type tally struct{ matched, compared int }
	match := map[string]*tally{}
	for _, c := range ds.Cards {
		d, err := ParseDate(c.Date)
		if c.StudentID != studentID || err != nil || d > to || d < from {
			continue
		}
		ws := (d - Date(d.Weekday()-1)).String()
		m, n := CardMatch(c)
		if match[ws] == nil {
			match[ws] = &tally{}
		}
		match[ws].matched += m
		match[ws].compared += n
	}
	run, best := 0, 0
	for _, w := range rep.Weeks {
		if since != "" && w.WeekStart < since {
			continue
		}
		pw := PhaseWeek{WeekStart: w.WeekStart, Pct: w.Pct, Met: w.Met}
		if t := match[w.WeekStart]; t != nil && t.compared > 0 {
			pw.MatchPct = ptr(float64(t.matched) / float64(t.compared) * 100)
		}
		pw.Counts = w.Met
		if phase == record.PhaseSelfManaged {
			pw.Counts = w.Met && pw.MatchPct != nil && *pw.MatchPct >= matchToSucceed
		}
		if w.Met {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
		if pw.Counts {
			st.Counted++
		}
		st.Weeks = append(st.Weeks, pw)
	}
	st.ConsecutiveWeeksMet = run
	switch phase {
	case record.PhaseCICO:
		st.Counted, st.Needed = run, weeksToEligible
		st.Eligible = best >= weeksToEligible
		if st.Eligible {
			st.Next = record.PhaseSelfManaged
		}
	case record.PhaseSelfManaged:
		st.Needed = weeksToFade
		if st.Counted >= weeksToFade {
			st.Next = record.PhaseFaded
		}
	case record.PhaseFaded:
		st.Needed = weeksToGraduate
		if st.Counted >= weeksToGraduate {
			st.Next = record.PhaseGraduated
		}
	}
	return st
}
