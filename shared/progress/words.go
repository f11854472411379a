package progress

import (
	"math"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// The words of the report live in shared/i18n/catalog (words, reasons,
// sentences, measures), one message per wording and language; the code
// here only chooses which message and fills in its figures. Each package
// function is In(i18n.English)'s, the wording of the API and the team's
// English documents.

// DecisionWords is a decision code of DOMAIN.md §4 in plain words: the one
// wording the tablet, the console (caseload, student page, meeting and its
// PDFs) and the progress PDF all show, so one goal's decision never reads
// two ways. A code this version does not know (a newer tablet's) is shown
// as itself, never dropped.
func DecisionWords(code string) string { return In(i18n.English).DecisionWords(code) }

// DecisionWords is DecisionWords in s's language.
func (s Speaker) DecisionWords(code string) string { return s.known("decision.", code) }

// StatusWords is a three-point status (DOMAIN.md §3.6) in words, the
// console's light and its legend: the light shows the last 3 points
// against the aimline only, not the decision, which also weighs the trend
// and the delivery (so one decision can sit beside two different lights).
// A status this version does not know is shown as itself.
func StatusWords(status string) string { return In(i18n.English).StatusWords(status) }

// StatusWords is StatusWords in s's language.
func (s Speaker) StatusWords(status string) string { return s.known("status.", status) }

// known is the message prefix+code, or code itself when the catalog has
// no such message (a code from a newer version).
func (s Speaker) known(prefix, code string) string {
	if code == "" || !i18n.Shared.Has(prefix+code) {
		return code
	}
	return s.t(prefix + code)
}

// BandWords is a fidelity band (Band, DOMAIN.md §3.7) in words: "high",
// "adequate", "partial", "low"; a band this version does not know is shown
// as itself.
func BandWords(band string) string { return In(i18n.English).BandWords(band) }

// BandWords is BandWords in s's language.
func (s Speaker) BandWords(band string) string { return s.known("band.", band) }

// SufficiencyWords is §3.8's sufficiency in one plain sentence, for the
// tablet and the console. Once the goal date has passed (§3.5 rule 0) a
// projection to that date no longer says what will happen, so the sentence
// says what did, as the decision's reason does: a goal not reached is never
// also "will be reached by its date".
func SufficiencyWords(r Report) string { return In(i18n.English).SufficiencyWords(r) }

// SufficiencyWords is SufficiencyWords in s's language.
func (s Speaker) SufficiencyWords(r Report) string {
	past := r.AsOf > r.Goal.GoalDate // both YYYY-MM-DD
	switch r.Sufficiency {
	case GoalMet:
		return s.t("sufficiency.goal_met")
	case Adequate, Insufficient:
		if past {
			return s.t("sufficiency.past_not_reached")
		}
		if r.Sufficiency == Adequate {
			return s.t("sufficiency.adequate")
		}
		return s.t("sufficiency.insufficient")
	case NotEnoughData:
		if past {
			return s.t("sufficiency.too_few_past")
		}
		return s.t("sufficiency.too_few")
	}
	return ""
}

// The goal's statement in the room (the tablet's student page; ADR 0651):
// the decision's reason first, then the traffic light explained so that it
// never reads against the reason, every figure whole or in words.

// dirKey is the catalog's suffix for a goal's sides of the aimline in the
// rules' sense (§3.3): above and below for a goal that goes up ("up");
// better and worse for one that goes down ("down"), where "above" in the
// rules means a lower score.
func dirKey(r Report) string {
	if r.Goal.Direction == record.DirectionDown {
		return "down"
	}
	return "up"
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
// 1 on it"; "better" and "worse" for a goal that goes down.
func (s Speaker) countWords(bs []int, down bool) string {
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
	above, below := "sides.above", "sides.below"
	if down {
		above, below = "sides.better", "sides.worse"
	}
	var parts []string
	if a > 0 {
		parts = append(parts, s.n(above, a))
	}
	if b > 0 {
		parts = append(parts, s.n(below, b))
	}
	if o > 0 {
		parts = append(parts, s.n("sides.on", o))
	}
	return s.list(parts)
}

// list joins items as a sentence lists them: "a", "a and b", "a, b and c".
func (s Speaker) list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	first := items[0]
	for _, it := range items[1 : len(items)-1] {
		first = s.t("list.comma", i18n.Args{"First": first, "Next": it})
	}
	return s.t("list.and", i18n.Args{"First": first, "Last": items[len(items)-1]})
}

func all(bs []int, want int) bool {
	for _, b := range bs {
		if b != want {
			return false
		}
	}
	return len(bs) > 0
}

// lastFourBelow reports whether the last 4 points are all worse than the
// aimline in the rules' sense (rule 1's warning, rule 2's change).
func lastFourBelow(r Report) bool {
	four := lastSides(r, 4)
	return len(four) == 4 && all(four, -1)
}

// speaksOfLastFour reports whether the decision's reason is about the last
// 4 points (the four-point rule, or rule 1's warning): the light, about the
// last 3, is then said as the newest 3 of those 4.
func speaksOfLastFour(r Report) bool {
	if r.Decision.Rule == RuleFourPoint {
		return true
	}
	return r.Decision.Code == record.DecisionNotEnoughData && r.Aimline != nil && lastFourBelow(r)
}

// ReasonWords is the decision's reason as the room reads it: the report's
// reason (DOMAIN.md §3.5, kept to the letter for the API and the team's
// documents) with whole percentages, weeks to one decimal, the trend as a
// growth a week against the goal's, and a down goal's points as better or
// worse than the aimline. It explains the report's decision; it never
// decides again.
func ReasonWords(r Report) string { return In(i18n.English).ReasonWords(r) }

// ReasonWords is ReasonWords in s's language, rebuilt from the report's
// fields (never from its English reason).
func (s Speaker) ReasonWords(r Report) string {
	d := r.Decision
	if d.Rule == RuleGoalDate || r.Aimline == nil {
		return s.Reason(r) // no percentage, figures as the room shows them
	}
	var base string
	switch {
	case d.Code == record.DecisionNotEnoughData:
		base = s.notEnoughReason(r.PointsAfterBaseline, r.WeeksOfData, FormatWeeks)
		if speaksOfLastFour(r) {
			base += " " + s.t("reason.warning_last_four."+dirKey(r))
		}
		return base
	case d.Rule == RuleTrend && r.Trend != nil:
		base = s.trendReasonWords(r)
	case d.Rule == RuleFourPoint:
		four := lastSides(r, 4)
		switch {
		case all(four, -1):
			base = s.t("reason.four_point.below." + dirKey(r))
		case all(four, 1):
			base = s.t("reason.four_point.above." + dirKey(r))
		default:
			base = s.t("reason.four_point.mixed", i18n.Args{"Counts": s.countWords(four, r.Goal.Direction == record.DirectionDown)})
		}
	default:
		return s.Reason(r)
	}
	return base + s.gateWords(r, s.FormatDeliveryPct)
}

// trendReasonWords is the trend rule's reason: "Growing 0.92 words correct
// a week; the goal needs 2: 46% of it (below 90%)."
func (s Speaker) trendReasonWords(r Report) string {
	m := s.Measure(r.Goal.Measure)
	ols, aim := r.Trend.OLS.Slope, r.Aimline.SlopePerWeek
	args := i18n.Args{"Rate": capital(s.rateWords(ols, m.Growth())), "Need": s.needWords(ols, aim)}
	if aim == 0 {
		return s.t("growth.rate_need", args)
	}
	ratio := ols / aim * 100
	lo, hi := trendLow*100, trendHigh*100
	args["Low"], args["High"] = s.Figure(lo, 0), s.Figure(hi, 0)
	switch {
	case ratio < 0:
		return s.t("reason.room.trend.other_way", args)
	case ratio < lo:
		args["Pct"] = s.FormatPctWholeAgainst(ratio, lo)
		return s.t("reason.room.trend.below", args)
	case ratio > hi:
		args["Pct"] = s.FormatPctWholeAgainst(ratio, hi)
		return s.t("reason.room.trend.above", args)
	}
	args["Pct"] = s.FormatPctWhole(ratio)
	return s.t("reason.room.trend.within", args)
}

// LightWords explains §3.6's traffic light in one sentence that never reads
// against the decision's reason: where the reason speaks of the last 4
// points, the light is their newest 3; where the decision follows the
// trend, it says so. "The light is green: the last 3 points are above the
// aimline."
func LightWords(r Report) string { return In(i18n.English).LightWords(r) }

// LightWords is LightWords in s's language.
func (s Speaker) LightWords(r Report) string {
	switch r.Status {
	case Grey:
		switch {
		case r.PointsAfterBaseline < 3:
			return s.t("light.grey.few")
		case r.OverdueProbe:
			return s.t("light.grey.overdue")
		}
		return s.t("light.grey.no_aimline")
	case "":
		return ""
	}
	which := "last3"
	if speaksOfLastFour(r) {
		which = "newest3"
	}
	var out string
	switch r.Status {
	case Green:
		out = s.t("light.green." + which + "." + dirKey(r))
	case Red:
		out = s.t("light.red." + which + "." + dirKey(r))
	default:
		out = s.t("light.yellow."+which, i18n.Args{"Counts": s.countWords(lastSides(r, 3), r.Goal.Direction == record.DirectionDown)})
	}
	if r.Decision.Rule == RuleTrend {
		out += " " + s.t("light.follows_trend", i18n.Args{"Points": r.PointsAfterBaseline})
	}
	return out
}

// CICOPhaseWords is a CICO phase (record.CICOPlan, DOMAIN.md §3.9) in
// words, the tablet's and the console's; a phase this version does not
// know is shown as itself.
func CICOPhaseWords(phase string) string { return In(i18n.English).CICOPhaseWords(phase) }

// CICOPhaseWords is CICOPhaseWords in s's language.
func (s Speaker) CICOPhaseWords(phase string) string { return s.known("cico_phase.", phase) }

// PhaseStatusWords says where a student stands in §3.9's fading, in one
// short sentence after the phase's name: the weeks that count toward the
// next phase and whether the team may move the student on.
func PhaseStatusWords(st PhaseStatus) string { return In(i18n.English).PhaseStatusWords(st) }

// PhaseStatusWords is PhaseStatusWords in s's language.
func (s Speaker) PhaseStatusWords(st PhaseStatus) string {
	counts := i18n.Args{"Counted": st.Counted, "Needed": st.Needed}
	switch st.Phase {
	case record.PhaseCICO:
		if st.Eligible {
			return s.t("phase_status.eligible", i18n.Args{"Weeks": st.ConsecutiveWeeksMet})
		}
		return s.t("phase_status.cico", counts)
	case record.PhaseSelfManaged:
		return s.t("phase_status.self_managed", counts)
	case record.PhaseFaded:
		return s.t("phase_status.faded", counts)
	case record.PhaseGraduated:
		return s.t("phase_status.graduated")
	}
	return ""
}

// rateWords is a slope a week as a change: "growing 0.92 words correct a
// week", "falling 0.5 referrals a week", "not changing".
func (s Speaker) rateWords(slope float64, unit string) string {
	w := FormatSlope(math.Abs(slope))
	switch {
	case w == "0":
		return s.t("rate.flat")
	case slope > 0:
		return s.t("rate.growing", i18n.Args{"N": s.Number(w), "Unit": unit})
	}
	return s.t("rate.falling", i18n.Args{"N": s.Number(w), "Unit": unit})
}

// needWords is the aimline's slope beside a trend: the bare figure when
// both go the same way ("the goal needs 2"), else the way it must go
// ("growth of 2", "a fall of 0.5").
func (s Speaker) needWords(trend, aim float64) string {
	w := s.Number(FormatSlope(math.Abs(aim)))
	switch {
	case trend > 0 && aim > 0, trend < 0 && aim < 0, aim == 0:
		return w
	case aim > 0:
		return s.t("need.growth", i18n.Args{"N": w})
	}
	return s.t("need.fall", i18n.Args{"N": w})
}

// signedSlope is a second slope beside a first: its size, with "falling"
// only when the two go opposite ways.
func (s Speaker) signedSlope(v, beside float64) string {
	if (v < 0) != (beside < 0) && FormatSlope(v) != "0" {
		if v < 0 {
			return s.t("slope.falling", i18n.Args{"N": s.Number(FormatSlope(-v))})
		}
		return s.t("slope.growing", i18n.Args{"N": s.Number(FormatSlope(v))})
	}
	return s.Number(FormatSlope(math.Abs(v)))
}
