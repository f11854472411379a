package progress

import (
	"errors"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"smallwins/shared/record"
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

// weekGoalPct: a week is met when its pooled % is at least this (§3.9).
const weekGoalPct = 80.0

// CICO computes a student's CICO report for [from, to].
func CICO(ds *Dataset, studentID string, from, to Date) CICOReport {
	r := CICOReport{StudentID: studentID, Days: []CICODay{}, Weeks: []CICOWeek{}}
	// A card that fails validation (§3.9) or DOMAIN §2's bounds never
	// reached ds.Cards: the dataset skipped it whole and named it
	// (decodeRecord), so the report says so too and never counts part of
	// one; bounded, as every report's warnings (MaxWarnings).
	var warnings Warnings
	for _, w := range skippedOf(ds, record.TypeCICOCard) {
		warnings.Add(w)
	}
	// The records the dataset skipped past the bound are counted, not
	// named: a CICO dataset holds the student's cards (and plan).
	warnings.more += ds.MoreWarnings
	type acc struct {
		earned, possible float64
		goal             float64 // the highest goal_pct of the day's rated cards
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
		earned, possible := CardPoints(c)
		if possible == 0 {
			continue // no rated cell: neither points nor a goal for the day
		}
		a, ok := days[d]
		if !ok {
			a = &acc{goal: CardGoal(c)}
			days[d] = a
		}
		// Several cards on one date are pooled; the day's goal is the
		// highest of the rated cards' (§3.9).
		a.earned += earned
		a.possible += possible
		a.goal = max(a.goal, CardGoal(c))
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
		day := CICODay{Date: d.String(), Earned: a.earned, Possible: a.possible, Pct: pct, Met: MeetsGoal(a.earned, a.possible, a.goal)}
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
		w.Met = MeetsGoal(w.Earned, w.Possible, weekGoalPct)
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

// CardPoints are a valid card's points earned and possible (§3.9):
// possible is 2 per rated cell; a null cell leaves the denominator.
func CardPoints(c record.CICOCard) (earned, possible float64) {
	for _, row := range c.Ratings {
		for _, v := range row {
			if v != nil {
				earned += *v
				possible += 2
			}
		}
	}
	return earned, possible
}

// CardGoal is a card's daily goal in %: its goal_pct, 80 without one.
func CardGoal(c record.CICOCard) float64 {
	if c.GoalPct != nil && finite(*c.GoalPct) {
		return *c.GoalPct
	}
	return 80
}

// MeetsGoal is every "≥ goal" of §3.9, exact: earned × 100 ≥ goal ×
// possible, never a rounded floating-point % (29 of 50 is 57.99999…% in
// floating point, yet meets a goal of 58). earned and possible are whole
// numbers of points. A goal_pct need not be whole (57.5): it is read as
// the decimal its record wrote, the shortest one that round-trips to the
// float, so 58.1 is 581/10 and not the binary fraction next to it, and the
// comparison is made in integers (ADR 0014).
func MeetsGoal(earned, possible, goalPct float64) bool {
	if possible <= 0 {
		return false
	}
	if goalPct == math.Trunc(goalPct) && math.Abs(goalPct) < 1<<20 && earned < 1<<31 && possible < 1<<31 {
		// The usual case, whole numbers: exact in int64.
		return int64(earned)*100 >= int64(goalPct)*int64(possible)
	}
	goal, ok := new(big.Rat).SetString(strconv.FormatFloat(goalPct, 'g', -1, 64))
	if !ok { // ±Inf or NaN: CardGoal never passes one
		return false
	}
	lhs := new(big.Rat).SetInt64(int64(earned) * 100)
	rhs := new(big.Rat).Mul(goal, new(big.Rat).SetInt64(int64(possible)))
	return lhs.Cmp(rhs) >= 0
}

// fieldReason shortens a record's validation error for a report's warning:
// "ratings: a rating is 0, 1 or 2".
func fieldReason(err error) error {
	var fe *record.FieldError
	if errors.As(err, &fe) {
		// The reason is written for a person; it leads with the field when
		// it does not name it already ("goal_pct must be between …").
		if strings.HasPrefix(fe.Reason, fe.Field) {
			return errors.New(fe.Reason)
		}
		return errors.New(fe.Field + ": " + fe.Reason)
	}
	return err
}
