package progress

import (
	"fmt"
	"math"
	"strings"

	"smallwins/shared/record"
)

// The one formatting rule for figures shown to people (ADR 0630). The
// tablet, the PDF and the console call these, and the report's own
// reasons do too, so one figure never appears rounded two ways (76.21% in
// a reason and 76% beside it):
//
//	percentages   at most two decimals 76.21% (as the report's reasons, DOMAIN.md §5.3)
//	scores/levels at most one decimal 42.5
//	weeks         at most one decimal 5.7
//	slopes        at most two decimals 1.25 (growth a week)
//	ratios        at most one decimal 1.3
//	minutes       whole               29
//	sessions      whole               35
//	short form    whole percentages   attendance 61%, dose 50%, fidelity 92%
//	              (a list's one-line summary, DeliveryShort; the reasons and
//	              the full delivery keep two decimals, ADR 0018)

// FormatPct is a percentage with at most two decimals: "76.21%", "75%".
// The decision's reason is the report's text (DOMAIN.md §5.3 words dose
// 68.75%) and the tablet shows it beside the figures, so the figures take
// the reason's rounding, not a coarser one of their own.
func FormatPct(v float64) string { return formatDigits(v, 2) + "%" }

// FormatPctWhole is a percentage as the room reads it: whole, "92%". The
// tablet shows every percentage so (ADR 0651); documents for the team (the
// console, the PDF) keep FormatPct's two decimals.
func FormatPctWhole(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return Figure(v, 0) + "%"
}

// FormatPctWholeAgainst is FormatPctWhole for a figure judged against
// limits shown beside it or implied by it ("below 80%", "goal 80%", all of
// the steps at 100%): where whole rounding would put the figure on a limit
// or past it (79.6% as "80%" beside "below 80%", 249 of 250 steps as
// "100%"), it keeps the decimals that tell them apart, at most two, and
// closer still says "just under 80%" or "just over 80%".
func FormatPctWholeAgainst(v float64, limits ...float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	side := func(x, limit float64) int {
		switch {
		case x < limit:
			return -1
		case x > limit:
			return 1
		}
		return 0
	}
	for d := 0; d <= 2; d++ {
		p := math.Pow(10, float64(d))
		r, ok := math.Round(v*p)/p, true
		for _, l := range limits {
			ok = ok && side(r, l) == side(v, l)
		}
		if ok {
			return Figure(v, d) + "%"
		}
	}
	// Within 0.005 of a limit: say which side of the nearest one.
	near := limits[0]
	for _, l := range limits[1:] {
		if math.Abs(v-l) < math.Abs(v-near) {
			near = l
		}
	}
	if v < near {
		return "just under " + FormatPct(near)
	}
	return "just over " + FormatPct(near)
}

// FormatDeliveryPct is a delivery figure (attendance, dose, fidelity) in
// the room: whole, but never rounded onto the delivery gate's limit that
// the decision's reason may name beside it (DOMAIN.md §3.5 rule 5), nor
// onto 100% (fidelity of 99.6% is not "every step").
func FormatDeliveryPct(v float64) string { return FormatPctWholeAgainst(v, deliveryMin, 100) }

// FormatPctOf is a nullable percentage; nil (nothing planned) is "n/a".
func FormatPctOf(p *float64) string {
	if p == nil {
		return "n/a"
	}
	return FormatPct(*p)
}

// FormatScore is a score, a level or an expected value: at most one decimal.
func FormatScore(v float64) string { return formatDigits(v, 1) }

// FormatWeeks is a number of weeks: at most one decimal.
func FormatWeeks(v float64) string { return formatDigits(v, 1) }

// FormatSlope is a growth a week (OLS, Tukey, aimline, ROI): at most two
// decimals, since a slope of 0.25 words a week is not 0.3.
func FormatSlope(v float64) string { return formatDigits(v, 2) }

// FormatRatio is a ratio (needed ÷ typical growth): at most one decimal.
func FormatRatio(v float64) string { return formatDigits(v, 1) }

// FormatMinutes is a number of minutes, whole.
func FormatMinutes(v float64) string { return formatDigits(v, 0) }

// FormatSessions is a number of sessions, whole (planned sessions are a
// rate times weeks; nobody plans 35.4 sessions). A count that was rounded
// says so: "about 35".
func FormatSessions(v float64) string {
	if w := formatDigits(v, 0); v == math.Round(v) || w == "n/a" {
		return w
	}
	return "about " + formatDigits(v, 0)
}

// AttendanceWords is §3.7's attendance for people, in whole sessions:
// "attended 30 of 33 planned sessions", "attended all 33 planned sessions
// so far", "attended 35 sessions, more than the 33 planned so far". The
// report keeps the plan's exact rate (DOMAIN.md: planned sessions are the
// weekly rate times calendar weeks, not capped), so mid-week 32.6 sessions
// may be planned; people are told whole counts, with no "about" and no
// percentage beside them (a percentage of 32.6 beside "33" would not be
// the count's; ADR 0651). The percentage stays where a rule judges it: the
// delivery gate's reason.
func AttendanceWords(d *Delivery) string {
	if d == nil || d.AttendancePct == nil {
		return "attendance unknown (nothing planned yet)"
	}
	planned := int(math.Round(d.PlannedSessions))
	att := d.SessionsAttended
	switch {
	case planned == 0 && att == 0:
		return "no session planned yet"
	case planned == 0:
		return "attended " + plural(att, "session", "sessions") + " so far, before any was planned"
	case att > planned:
		return fmt.Sprintf("attended %s, more than the %d planned so far", plural(att, "session", "sessions"), planned)
	case att == planned && planned == 1:
		return "attended the 1 planned session so far"
	case att == planned:
		return fmt.Sprintf("attended all %d planned sessions so far", planned)
	}
	return fmt.Sprintf("attended %d of %s", att, plural(planned, "planned session", "planned sessions"))
}

// DeliveryShort is §3.7's delivery as a list shows it, in one short line of
// whole percentages: "attendance 61%, dose 50%, fidelity 92%" (ADR 0018).
// Attendance above the plan's rate says so rather than "121%", as
// AttendanceWords does; a figure with nothing to count is "n/a"; a goal
// without a plan has "no plan".
func DeliveryShort(d *Delivery) string {
	if d == nil {
		return "no plan"
	}
	att := "attendance " + wholePctOf(d.AttendancePct)
	if d.AttendancePct != nil && *d.AttendancePct > 100 {
		att = "attendance above plan"
	}
	return att + ", dose " + wholePctOf(d.DosePct) + ", fidelity " + wholePctOf(d.FidelityPct)
}

// wholePctOf is a nullable delivery percentage, whole as the tablet shows
// it (FormatDeliveryPct: never rounded onto the delivery gate's limit nor
// onto 100%): "61%", "79.6%", or "n/a".
func wholePctOf(p *float64) string {
	if p == nil {
		return "n/a"
	}
	return FormatDeliveryPct(*p)
}

// formatDigits is Figure (half away from zero, no trailing zeros, never
// "-0"), and "n/a" for a value that is no number.
func formatDigits(v float64, digits int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return Figure(v, digits)
}

// StepSentence is one checklist step's fidelity in words (DOMAIN.md §3.7,
// per step): "Step 5, Partner reading, was skipped in 3 of 7 sessions." n
// is the step's 1-based place in the program, name its text; recent words
// the count as "of the last 7 sessions" (RecentSteps).
func StepSentence(n int, name string, s StepFid, recent bool) string {
	if name == "" {
		name = s.StepID
	}
	if s.Applicable == 0 {
		return fmt.Sprintf("Step %d, %s, has not been due in a delivered session yet.", n, name)
	}
	of := plural(s.Applicable, "session", "sessions")
	if recent {
		of = "the last " + of
		if s.Applicable == 1 {
			of = "the last session"
		}
	}
	skipped := s.Applicable - s.Done
	if skipped == 0 {
		if recent {
			return fmt.Sprintf("Step %d, %s, was done in %s.", n, name, of)
		}
		return fmt.Sprintf("Step %d, %s, was done in all %s.", n, name, of)
	}
	return fmt.Sprintf("Step %d, %s, was skipped in %d of %s.", n, name, skipped, of)
}

// ROISentence compares the growth the goal needs with the typical growth
// (DOMAIN.md §3.8) in words, without a ratio: "Typical growth is 1.6 words
// correct a week; the goal needs more than that." The report's flag words
// the far ends ("an ambitious goal"); "" when no typical growth is set.
func ROISentence(r Report) string {
	roi := r.ROI
	if roi.Typical == nil {
		return ""
	}
	m := record.MeasureOf(r.Goal.Measure)
	s := fmt.Sprintf("Typical growth is %s %s a week", FormatSlope(*roi.Typical), m.Growth())
	if roi.Ratio == nil || *roi.Ratio < 0 {
		return s + "."
	}
	ratio := *roi.Ratio
	switch {
	case roi.Flag != nil && *roi.Flag == "ambitious":
		return s + "; the goal needs much more than that: an ambitious goal."
	case roi.Flag != nil && *roi.Flag == "modest":
		return s + "; the goal needs much less than that: a modest goal."
	case ratio > trendHigh:
		return s + "; the goal needs more than that."
	case ratio < trendLow:
		return s + "; the goal needs less than that."
	}
	return s + "; the goal needs about that."
}

// GrowthSentence says §3.4's trend in words, beside the growth the goal
// needs: "Growing 0.92 words correct a week (0.86 if unusual scores count
// for less); the goal needs 2." Tukey's slope (medians of the first and
// last thirds) is the one an odd score moves less; no method's name is
// shown. Without a trend it says what the goal needs; "" without either.
func GrowthSentence(r Report) string {
	m := record.MeasureOf(r.Goal.Measure)
	if r.Trend == nil {
		if r.Aimline == nil {
			return ""
		}
		need := FormatSlope(math.Abs(r.Aimline.SlopePerWeek))
		if r.Aimline.SlopePerWeek < 0 {
			need = "a fall of " + need
		}
		return "The goal needs " + need + " " + m.Growth() + " a week."
	}
	s := capital(rateWords(r.Trend.OLS.Slope, m.Growth()))
	if r.Trend.Tukey != nil {
		s += fmt.Sprintf(" (%s if unusual scores count for less)", signedSlope(r.Trend.Tukey.Slope, r.Trend.OLS.Slope))
	}
	if r.Aimline != nil {
		s += "; the goal needs " + needWords(r.Trend.OLS.Slope, r.Aimline.SlopePerWeek)
	}
	return s + "."
}

// ProjectionSentence is where the trend leads by the goal date: "At this
// rate, 59.7 by the goal date." Once the date has passed (§3.5 rule 0) a
// projection to it says nothing: "".
func ProjectionSentence(r Report) string {
	if r.Trend == nil || r.AsOf > r.Goal.GoalDate {
		return ""
	}
	return "At this rate, " + FormatScore(r.Trend.OLS.ProjectionAtGoalDate) + " by the goal date."
}

// rateWords is a slope a week as a change: "growing 0.92 words correct a
// week", "falling 0.5 referrals a week", "not changing".
func rateWords(slope float64, unit string) string {
	w := FormatSlope(math.Abs(slope))
	switch {
	case w == "0":
		return "not changing"
	case slope > 0:
		return "growing " + w + " " + unit + " a week"
	}
	return "falling " + w + " " + unit + " a week"
}

// needWords is the aimline's slope beside a trend: the bare figure when
// both go the same way ("the goal needs 2"), else the way it must go
// ("growth of 2", "a fall of 0.5").
func needWords(trend, aim float64) string {
	w := FormatSlope(math.Abs(aim))
	switch {
	case trend > 0 && aim > 0, trend < 0 && aim < 0, aim == 0:
		return w
	case aim > 0:
		return "growth of " + w
	}
	return "a fall of " + w
}

// signedSlope is a second slope beside a first: its size, with "falling"
// only when the two go opposite ways.
func signedSlope(v, beside float64) string {
	if (v < 0) != (beside < 0) && FormatSlope(v) != "0" {
		if v < 0 {
			return "falling " + FormatSlope(-v)
		}
		return "growing " + FormatSlope(v)
	}
	return FormatSlope(math.Abs(v))
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
