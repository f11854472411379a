package progress

import (
	"smallwins/shared/record"
)

// Outcomes sums up how a set of goals is doing (CONSOLE.md §3 /programs:
// per program and per interventionist), so that a team can tell a program
// or a delivery problem from one student's. Every figure is read from the
// goals' reports with the rules that made them, never recomputed
// (ADR 0027):
//   - responding: the decision is continue or raise_goal, out of the goals
//     the data can judge (every decision but not_enough_data and
//     review_goal, which rule 0 makes whatever the points say);
//   - growth: the trend rule's ratio, OLS slope ÷ aimline slope (§3.5
//     rule 3), of each goal with a trend and an aimline; the median of
//     them;
//   - delivery at 80: the delivery gate (§3.5 rule 5) finds nothing below
//     80, out of the goals whose delivery is known (a plan with something
//     planned).
type Outcomes struct {
	Goals    int `json:"goals"`
	Students int `json:"students"`
	// Judged counts the goals the data can judge; Responding those of them
	// whose decision is continue or raise_goal.
	Judged        int      `json:"judged"`
	Responding    int      `json:"responding"`
	RespondingPct *float64 `json:"responding_pct"`
	// GrowthGoals counts the goals with a growth ratio; MedianGrowthPct is
	// their median ratio as a percentage of the growth needed (100: on the
	// aimline's pace).
	GrowthGoals     int      `json:"growth_goals"`
	MedianGrowthPct *float64 `json:"median_growth_pct"`
	// DeliveryKnown counts the goals whose delivery is known; DeliveredAt80
	// those of them with attendance, dose and fidelity all at least 80.
	DeliveryKnown    int      `json:"delivery_known"`
	DeliveredAt80    int      `json:"delivered_at_80"`
	DeliveredAt80Pct *float64 `json:"delivered_at_80_pct"`
}

// Responding: the data say the student is responding (a decision of
// continue or raise_goal, CONSOLE.md §3).
func Responding(code string) bool {
	return code == record.DecisionContinue || code == record.DecisionRaiseGoal
}

// Judged: the decision is the data's judgement of the student's growth,
// not a lack of data (not_enough_data) or the goal's date (review_goal,
// rule 0 of §3.5, whatever the points say).
func Judged(code string) bool {
	return code != record.DecisionNotEnoughData && code != record.DecisionReviewGoal && code != ""
}

// GrowthRatio is a goal's growth against the growth its aimline needs:
// the OLS slope ÷ the aimline slope, the ratio of §3.5's trend rule (for a
// down goal both are negative and the same ratio applies). ok is false
// without a trend (fewer than 3 points), without an aimline, or with a flat
// one.
func GrowthRatio(r Report) (float64, bool) {
	if r.Trend == nil || r.Aimline == nil {
		return 0, false
	}
	return growthRatio(r.Trend.OLS.Slope, r.Aimline.SlopePerWeek)
}

func growthRatio(olsSlope, aimSlope float64) (float64, bool) {
	if aimSlope == 0 {
		return 0, false
	}
	ratio := olsSlope / aimSlope
	return ratio, finite(ratio)
}

// DeliveryAt80 says whether a delivery passes the delivery gate (§3.5
// rule 5), asked of the gate itself: known is false when there is no plan
// or nothing is planned yet (the gate cannot check it); ok is true when no
// figure is below 80.
func DeliveryAt80(d *Delivery) (ok, known bool) {
	if d == nil || d.AttendancePct == nil || d.DosePct == nil {
		return false, false
	}
	return gate(Decision{Code: record.DecisionChangeInstruction}, d).Code != record.DecisionFixDeliveryFirst, true
}

// SummarizeOutcomes sums up reports (one per goal) as Outcomes.
func SummarizeOutcomes(reports []Report) Outcomes {
	var o Outcomes
	students := map[string]bool{}
	var growth []float64
	for i := range reports {
		r := &reports[i]
		o.Goals++
		students[r.Goal.StudentID] = true
		if Judged(r.Decision.Code) {
			o.Judged++
			if Responding(r.Decision.Code) {
				o.Responding++
			}
		}
		if g, ok := GrowthRatio(*r); ok {
			growth = append(growth, g)
		}
		if ok, known := DeliveryAt80(r.Delivery); known {
			o.DeliveryKnown++
			if ok {
				o.DeliveredAt80++
			}
		}
	}
	o.Students = len(students)
	o.RespondingPct = share(o.Responding, o.Judged)
	o.DeliveredAt80Pct = share(o.DeliveredAt80, o.DeliveryKnown)
	if o.GrowthGoals = len(growth); o.GrowthGoals > 0 {
		o.MedianGrowthPct = ptr(median(growth) * 100)
	}
	return o
}

// share is n of total as a percentage; nil when total is 0.
func share(n, total int) *float64 {
	if total == 0 {
		return nil
	}
	return ptr(float64(n) / float64(total) * 100)
}
