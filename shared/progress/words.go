package progress

import (
	"fmt"
	"strings"

	"smallwins/shared/record"
)

// decisionWords are the decision codes of DOMAIN.md §4 in plain words: the
// one wording the tablet, the console (caseload, student page, meeting and
// its PDFs) and the progress PDF all show, so one goal's decision never
// reads two ways.
var decisionWords = map[string]string{
	record.DecisionNotEnoughData:     "Not enough data yet",
	record.DecisionContinue:          "Continue the intervention",
	record.DecisionRaiseGoal:         "Raise the goal",
	record.DecisionChangeInstruction: "Change the instruction",
	record.DecisionFixDeliveryFirst:  "Fix delivery first",
	record.DecisionReviewGoal:        "Review the goal",
}

// DecisionWords is a decision code in words; a code this version does not
// know (a newer tablet's) is shown as itself, never dropped.
func DecisionWords(code string) string {
	if w, ok := decisionWords[code]; ok {
		return w
	}
	return code
}

// statusWords are §3.6's three-point status in words: the light shows the
// last 3 points against the aimline only, not the decision, which also
// weighs the trend and the delivery (so one decision can sit beside two
// different lights).
var statusWords = map[string]string{
	Green:  "On track: the last 3 points are all better than the aimline",
	Yellow: "Mixed: the last 3 points are on both sides of the aimline, or on it",
	Red:    "Off track: the last 3 points are all worse than the aimline",
	Grey:   "No signal yet: fewer than 3 points, no aimline, or the probe is overdue",
}

// StatusWords is a three-point status (DOMAIN.md §3.6) in words, the
// console's light and its legend; a status this version does not know is
// shown as itself.
func StatusWords(status string) string {
	if w, ok := statusWords[status]; ok {
		return w
	}
	return status
}

// SufficiencyWords is §3.8's sufficiency in one plain sentence, for the
// tablet and the console. Once the goal date has passed (§3.5 rule 0) a
// projection to that date no longer says what will happen, so the sentence
// says what did, as the decision's reason does: a goal not reached is never
// also "will be reached by its date".
func SufficiencyWords(r Report) string {
	past := r.AsOf > r.Goal.GoalDate // both YYYY-MM-DD
	switch r.Sufficiency {
	case GoalMet:
		return "The present level has reached the goal."
	case Adequate, Insufficient:
		if past {
			return "The goal date has passed and the present level has not reached the goal."
		}
		if r.Sufficiency == Adequate {
			return "At this rate of growth the goal will be reached by its date."
		}
		return "At this rate of growth the goal will not be reached by its date."
	case NotEnoughData:
		if past {
			return "Too few points to say whether the goal was reached."
		}
		return "Too few points to say whether the goal will be reached."
	}
	return ""
}

// The goal's statement in the room (the tablet's student page; ADR 0651):
// the decision's reason first, then the traffic light explained so that it
// never reads against the reason, every figure whole or in words.

// sides are the words for a point's side of the aimline in the rules'
// sense (§3.3): above and below for a goal that goes up; better and worse
// for one that goes down, where "above" in the rules means a lower score.
type sides struct{ above, below, aboveShort, belowShort string }

func sidesOf(r Report) sides {
	if r.Goal.Direction == record.DirectionDown {
		return sides{"better than", "worse than", "better", "worse"}
	}
	return sides{"above", "below", "above", "below"}
}

// lastSides is the last k points' sides in the rules' sense (+1 better than
// the aimline, -1 worse, 0 on it), oldest first; fewer when there are fewer.
func lastSides(r Report, k int) []int {
	pts := r.Points
	if len(pts) > k {
		pts = pts[len(pts)-k:]
	}
	down := r.Goal.Direction == record.DirectionDown
	out := make([]int, 0, len(pts))
	for _, p := range pts {
		b := 0
		switch p.Position {
		case Above:
			b = 1
		case Below:
			b = -1
		}
		if down {
			b = -b
		}
		out = append(out, b)
	}
	return out
}

// countWords counts the sides: "3 above and 1 below", "2 above, 1 below and
// 1 on it".
func countWords(bs []int, sd sides) string {
	var a, b, o int
	for _, x := range bs {
		switch x {
		case 1:
			a++
		case -1:
			b++
		default:
			o++
		}
	}
	var parts []string
	if a > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", a, sd.aboveShort))
	}
	if b > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", b, sd.belowShort))
	}
	if o > 0 {
		parts = append(parts, fmt.Sprintf("%d on it", o))
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func all(bs []int, want int) bool {
	for _, b := range bs {
		if b != want {
			return false
		}
	}
	return len(bs) > 0
}

// speaksOfLastFour reports whether the decision's reason is about the last
// 4 points (the four-point rule, or rule 1's warning): the light, about the
// last 3, is then said as the newest 3 of those 4.
func speaksOfLastFour(r Report) bool {
	if r.Decision.Rule == RuleFourPoint {
		return true
	}
	four := lastSides(r, 4)
	return r.Decision.Code == record.DecisionNotEnoughData && r.Aimline != nil && len(four) == 4 && all(four, -1)
}

// ReasonWords is the decision's reason as the room reads it: the report's
// reason (DOMAIN.md §3.5, kept to the letter for the API and the team's
// documents) with whole percentages, weeks to one decimal, the trend as a
// growth a week against the goal's, and a down goal's points as better or
// worse than the aimline. It explains the report's decision; it never
// decides again.
func ReasonWords(r Report) string {
	d := r.Decision
	if d.Rule == RuleGoalDate || r.Aimline == nil {
		return d.Reason // no percentage, figures as the room shows them
	}
	sd := sidesOf(r)
	var base string
	switch {
	case d.Code == record.DecisionNotEnoughData:
		base = notEnoughReason(r.PointsAfterBaseline, r.WeeksOfData, FormatWeeks)
		if speaksOfLastFour(r) {
			base += " Warning: the last 4 points are already all " + sd.below + " the aimline."
		}
		return base
	case d.Rule == RuleTrend && r.Trend != nil:
		base = trendReasonWords(r)
	case d.Rule == RuleFourPoint:
		four := lastSides(r, 4)
		switch {
		case all(four, -1):
			base = "The last 4 points are all " + sd.below + " the aimline."
		case all(four, 1):
			base = "The last 4 points are all " + sd.above + " the aimline."
		default:
			base = "The last 4 points are not all on one side of the aimline: " + countWords(four, sd) + "."
		}
	default:
		return d.Reason
	}
	switch d.Code {
	case record.DecisionChangeInstruction:
		if deliveryUnknown(r.Delivery) {
			base += deliveryUnknownWords
		}
	case record.DecisionFixDeliveryFirst:
		if !deliveryUnknown(r.Delivery) {
			base += fixDeliveryWords(lowDelivery(r.Delivery, FormatDeliveryPct))
		}
	}
	return base
}

// trendReasonWords is the trend rule's reason: "Growing 0.92 words correct
// a week; the goal needs 2: 46% of it (below 90%)."
func trendReasonWords(r Report) string {
	m := record.MeasureOf(r.Goal.Measure)
	ols, aim := r.Trend.OLS.Slope, r.Aimline.SlopePerWeek
	s := capital(rateWords(ols, m.Growth())) + "; the goal needs " + needWords(ols, aim)
	if aim == 0 {
		return s + "."
	}
	ratio := ols / aim * 100
	lo, hi := trendLow*100, trendHigh*100
	switch {
	case ratio < 0:
		return s + ": the trend goes the other way (below " + FormatPctWhole(lo) + ")."
	case ratio < lo:
		return s + ": " + FormatPctWholeAgainst(ratio, lo) + " of it (below " + FormatPctWhole(lo) + ")."
	case ratio > hi:
		return s + ": " + FormatPctWholeAgainst(ratio, hi) + " of it (above " + FormatPctWhole(hi) + ")."
	}
	return s + ": " + FormatPctWhole(ratio) + " of it (within " + Figure(lo, 0) + "–" + FormatPctWhole(hi) + ")."
}

// LightWords explains §3.6's traffic light in one sentence that never reads
// against the decision's reason: where the reason speaks of the last 4
// points, the light is their newest 3; where the decision follows the
// trend, it says so. "The light is green: the last 3 points are above the
// aimline."
func LightWords(r Report) string {
	switch r.Status {
	case Grey:
		switch {
		case r.PointsAfterBaseline < 3:
			return "The light is grey: fewer than 3 points so far."
		case r.OverdueProbe:
			return "The light is grey: the weekly probe is overdue."
		}
		return "The light is grey: there is no aimline to compare with."
	case "":
		return ""
	}
	sd := sidesOf(r)
	which := "the last 3 points"
	if speaksOfLastFour(r) {
		which = "the newest 3 of the last 4 points"
	}
	var s string
	switch r.Status {
	case Green:
		s = "The light is green: " + which + " are " + sd.above + " the aimline."
	case Red:
		s = "The light is red: " + which + " are " + sd.below + " the aimline."
	default:
		s = "The light is yellow: " + which + " are mixed (" + countWords(lastSides(r, 3), sd) + ")."
	}
	if r.Decision.Rule == RuleTrend {
		s += fmt.Sprintf(" The decision follows the trend of all %d points.", r.PointsAfterBaseline)
	}
	return s
}

// cicoPhaseWords name DOMAIN.md §3.9's CICO phases for a person.
var cicoPhaseWords = map[string]string{
	record.PhaseCICO:        "Check-in/check-out",
	record.PhaseSelfManaged: "Self-managed",
	record.PhaseFaded:       "Faded",
	record.PhaseGraduated:   "Graduated",
}

// CICOPhaseWords is a CICO phase (record.CICOPlan) in words, the tablet's
// and the console's; a phase this version does not know is shown as
// itself.
func CICOPhaseWords(phase string) string {
	if w, ok := cicoPhaseWords[phase]; ok {
		return w
	}
	return phase
}

// PhaseStatusWords says where a student stands in §3.9's fading, in one
// short sentence after the phase's name: the weeks that count toward the
// next phase and whether the team may move the student on.
func PhaseStatusWords(st PhaseStatus) string {
	switch st.Phase {
	case record.PhaseCICO:
		if st.Eligible {
			return fmt.Sprintf("Eligible for self-management: %d weeks met in a row (6 make a student eligible). The team may move the student to a self-managed card.", st.ConsecutiveWeeksMet)
		}
		return fmt.Sprintf("Weeks met in a row: %d of the %d that make the student eligible for self-management.", st.Counted, st.Needed)
	case record.PhaseSelfManaged:
		return fmt.Sprintf("Successful self-managed weeks (80%% of points, and the student's ratings match the adult's in 80%% of the boxes): %d of %d before fading.", st.Counted, st.Needed)
	case record.PhaseFaded:
		return fmt.Sprintf("Weeks met since fading: %d of %d before graduation.", st.Counted, st.Needed)
	case record.PhaseGraduated:
		return "The student has completed CICO."
	}
	return ""
}
