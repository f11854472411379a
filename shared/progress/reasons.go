package progress

import (
	"math"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// Reason is the decision's reason (DOMAIN.md §3.5) in s's language, said
// from the report's fields: its decision's code and rule, its points,
// weeks, trend and aimline, its delivery, its goal date and present level.
// In English it is the report's own reason (Progress fills
// Decision.Reason with it); in another language it is the same reason
// rebuilt from the same figures, never a translation of the English text.
// It explains the report's decision; it never decides again (docs/decisions/0032).
func (s Speaker) Reason(r Report) string {
	d := r.Decision
	switch {
	case d.Rule == RuleGoalDate:
		return s.reviewReason(r)
	case r.Aimline == nil:
		return s.t("reason.no_aimline")
	case d.Code == record.DecisionNotEnoughData:
		base := s.notEnoughReason(r.PointsAfterBaseline, r.WeeksOfData, fmtNum)
		if lastFourBelow(r) {
			base += " " + s.t("reason.warning_last_four.up") // the rules' sense: below is worse
		}
		return base
	}
	var base string
	if d.Rule == RuleTrend {
		ratio := math.NaN()
		if r.Trend != nil {
			ratio = r.Trend.OLS.Slope / r.Aimline.SlopePerWeek
		}
		args := i18n.Args{"Pct": s.Number(formatDigits(ratio*100, 2)), "Low": s.Figure(trendLow*100, 0), "High": s.Figure(trendHigh*100, 0)}
		switch d.Code {
		case record.DecisionChangeInstruction, record.DecisionFixDeliveryFirst:
			base = s.t("reason.trend.below", args)
		case record.DecisionRaiseGoal:
			base = s.t("reason.trend.above", args)
		default:
			base = s.t("reason.trend.within", args)
		}
	} else {
		switch d.Code {
		case record.DecisionChangeInstruction, record.DecisionFixDeliveryFirst:
			base = s.t("reason.four_point.below.up")
		case record.DecisionRaiseGoal:
			base = s.t("reason.four_point.above.up")
		default:
			base = s.t("reason.four_point.neither")
		}
	}
	return base + s.gateWords(r, s.FormatPct)
}

// gateWords end a reason with the delivery gate's (§3.5 rule 5): a change
// of instruction whose delivery could not be checked says so; a change
// turned into fixing delivery first names the low figures, worded by pct.
// "" otherwise; a leading space when not.
func (s Speaker) gateWords(r Report, pct func(float64) string) string {
	switch r.Decision.Code {
	case record.DecisionChangeInstruction:
		if deliveryUnknown(r.Delivery) {
			return " " + s.t("reason.delivery_unknown")
		}
	case record.DecisionFixDeliveryFirst:
		if !deliveryUnknown(r.Delivery) {
			low := ""
			for i, f := range lowDelivery(r.Delivery) {
				w := s.t(f.id, i18n.Args{"Pct": pct(f.pct)})
				if i == 0 {
					low = w
				} else {
					low = s.t("list.comma", i18n.Args{"First": low, "Next": w})
				}
			}
			return " " + s.t("reason.fix_delivery", i18n.Args{"Low": low, "Limit": s.Figure(deliveryMin, 2)})
		}
	}
	return ""
}

// notEnoughReason is rule 1's reason: how many more points and weeks are
// needed, the weeks so far worded by weeks.
func (s Speaker) notEnoughReason(n int, weeks float64, weeksWords func(float64) string) string {
	var needs []string
	if n < minPoints {
		needs = append(needs, s.n("reason.more_points", minPoints-n))
	}
	if weeks < minWeeks {
		more := int(math.Ceil(minWeeks - weeks - 1e-9))
		needs = append(needs, s.n("reason.more_weeks", more))
	}
	w := weeksWords(weeks)
	return s.t("reason.not_enough", i18n.Args{
		"Points":    s.n("reason.points", n),
		"Weeks":     s.figureN("reason.weeks", w, "Weeks"),
		"Needs":     s.list(needs),
		"MinPoints": minPoints,
		"MinWeeks":  minWeeks,
	})
}

// figureN is the plural message id for a figure already written by one of
// the rounding rules ("1", "5.5"), the figure in the language as arg: a
// figure is "one" only when it is exactly 1, in English and in Spanish.
func (s Speaker) figureN(id, figure, arg string) string {
	count := 2
	if figure == "1" {
		count = 1
	}
	return s.n(id, count, i18n.Args{arg: s.Number(figure)})
}

// reviewReason is rule 0's reason: whatever the points say, the team
// reviews the goal, told whether it was reached (sufficiency goal_met) and
// the present level.
func (s Speaker) reviewReason(r Report) string {
	args := i18n.Args{"Date": s.GoalDateWords(r.Goal.GoalDate, r.AsOf), "Goal": s.FormatScore(r.Goal.GoalScore),
		"Points": r.PointsAfterBaseline, "Min": minPoints}
	if r.PresentLevel != nil {
		args["Level"] = s.FormatScore(*r.PresentLevel)
	}
	switch {
	case r.Sufficiency == GoalMet && r.PresentLevel != nil:
		return s.t("reason.review.met", args)
	case r.Sufficiency != NotEnoughData && r.PresentLevel != nil:
		return s.t("reason.review.not_met", args)
	case r.PresentLevel != nil:
		return s.t("reason.review.too_few", args)
	}
	return s.t("reason.review.too_few_no_level", args)
}

// GoalDateWords is the goal date as a team says it in a reason: "12 May",
// with the year when it is not as_of's ("12 May 2024"); both dates
// YYYY-MM-DD (one that does not parse is shown as it is).
func (s Speaker) GoalDateWords(goalDate, asOf string) string {
	g, err := ParseDate(goalDate)
	if err != nil {
		return goalDate
	}
	t := g.Time()
	args := i18n.Args{"Day": t.Day(), "Month": i18n.Month(s.Lang, t.Month()), "Year": t.Format("2006")}
	if a, err := ParseDate(asOf); err != nil || t.Year() != a.Time().Year() {
		return s.t("reason.goal_date_year", args)
	}
	return s.t("reason.goal_date", args)
}
