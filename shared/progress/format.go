package progress

import (
	"math"
	"unicode"
	"unicode/utf8"

	"smallwins/shared/i18n"
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
	return In(i18n.English).FormatPctWholeAgainst(v, limits...)
}

// FormatPctWholeAgainst is FormatPctWholeAgainst in s's language.
func (s Speaker) FormatPctWholeAgainst(v float64, limits ...float64) string {
	fig, side, near := pctAgainst(v, limits)
	switch side {
	case -1:
		return s.t("figure.just_under", i18n.Args{"Pct": s.Number(FormatPct(near))})
	case 1:
		return s.t("figure.just_over", i18n.Args{"Pct": s.Number(FormatPct(near))})
	}
	return s.Number(fig)
}

// pctAgainst is FormatPctWholeAgainst's figure: the percentage with the
// fewest decimals (at most two) that keeps v's side of every limit, and
// side 0; or, within 0.005 of a limit, side -1 (just under) or 1 (just
// over) the nearest limit.
func pctAgainst(v float64, limits []float64) (fig string, side int, near float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a", 0, 0
	}
	sideOf := func(x, limit float64) int {
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
			ok = ok && sideOf(r, l) == sideOf(v, l)
		}
		if ok {
			return Figure(v, d) + "%", 0, 0
		}
	}
	// Within 0.005 of a limit: say which side of the nearest one.
	near = limits[0]
	for _, l := range limits[1:] {
		if math.Abs(v-l) < math.Abs(v-near) {
			near = l
		}
	}
	if v < near {
		return "", -1, near
	}
	return "", 1, near
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
func FormatSessions(v float64) string { return In(i18n.English).FormatSessions(v) }

// FormatSessions is FormatSessions in s's language.
func (s Speaker) FormatSessions(v float64) string {
	if w := formatDigits(v, 0); v == math.Round(v) || w == "n/a" {
		return s.Number(w)
	}
	return s.t("figure.about", i18n.Args{"N": s.Number(formatDigits(v, 0))})
}

// The other figures in s's language: the one rounding rule above, then the
// language's decimal mark and its word for "n/a".

// FormatPct is FormatPct in s's language.
func (s Speaker) FormatPct(v float64) string { return s.Number(FormatPct(v)) }

// FormatPctWhole is FormatPctWhole in s's language.
func (s Speaker) FormatPctWhole(v float64) string { return s.Number(FormatPctWhole(v)) }

// FormatDeliveryPct is FormatDeliveryPct in s's language.
func (s Speaker) FormatDeliveryPct(v float64) string {
	return s.FormatPctWholeAgainst(v, deliveryMin, 100)
}

// FormatPctOf is FormatPctOf in s's language.
func (s Speaker) FormatPctOf(p *float64) string { return s.Number(FormatPctOf(p)) }

// FormatScore is FormatScore in s's language.
func (s Speaker) FormatScore(v float64) string { return s.Number(FormatScore(v)) }

// FormatWeeks is FormatWeeks in s's language.
func (s Speaker) FormatWeeks(v float64) string { return s.Number(FormatWeeks(v)) }

// FormatSlope is FormatSlope in s's language.
func (s Speaker) FormatSlope(v float64) string { return s.Number(FormatSlope(v)) }

// FormatRatio is FormatRatio in s's language.
func (s Speaker) FormatRatio(v float64) string { return s.Number(FormatRatio(v)) }

// FormatMinutes is FormatMinutes in s's language.
func (s Speaker) FormatMinutes(v float64) string { return s.Number(FormatMinutes(v)) }

// AttendanceWords is §3.7's attendance for people, in whole sessions:
// "attended 30 of 33 planned sessions", "attended all 33 planned sessions
// so far", "attended 35 sessions, more than the 33 planned so far". The
// report keeps the plan's exact rate (DOMAIN.md: planned sessions are the
// weekly rate times calendar weeks, not capped), so mid-week 32.6 sessions
// may be planned; people are told whole counts, with no "about" and no
// percentage beside them (a percentage of 32.6 beside "33" would not be
// the count's; ADR 0651). The percentage stays where a rule judges it: the
// delivery gate's reason.
func AttendanceWords(d *Delivery) string { return In(i18n.English).AttendanceWords(d) }

// AttendanceWords is AttendanceWords in s's language.
func (s Speaker) AttendanceWords(d *Delivery) string {
	if d == nil || d.AttendancePct == nil {
		return s.t("attendance.unknown")
	}
	planned := int(math.Round(d.PlannedSessions))
	att := d.SessionsAttended
	switch {
	case planned == 0 && att == 0:
		return s.t("attendance.none_planned")
	case planned == 0:
		return s.n("attendance.before_plan", att)
	case att > planned:
		return s.n("attendance.more", att, i18n.Args{"Planned": planned})
	case att == planned && planned == 1:
		return s.t("attendance.the_one")
	case att == planned:
		return s.t("attendance.all", i18n.Args{"Planned": planned})
	}
	return s.n("attendance.some", planned, i18n.Args{"Attended": att})
}

// DeliveryShort is §3.7's delivery as a list shows it, in one short line of
// whole percentages: "attendance 61%, dose 50%, fidelity 92%" (ADR 0018).
// Attendance above the plan's rate says so rather than "121%", as
// AttendanceWords does; a figure with nothing to count is "n/a"; a goal
// without a plan has "no plan".
func DeliveryShort(d *Delivery) string { return In(i18n.English).DeliveryShort(d) }

// DeliveryShort is DeliveryShort in s's language.
func (s Speaker) DeliveryShort(d *Delivery) string {
	if d == nil {
		return s.t("delivery.no_plan")
	}
	att := s.t("delivery.attendance", i18n.Args{"Pct": s.wholePctOf(d.AttendancePct)})
	if d.AttendancePct != nil && *d.AttendancePct > 100 {
		att = s.t("delivery.attendance_above_plan")
	}
	return s.t("delivery.short", i18n.Args{"Attendance": att, "Dose": s.wholePctOf(d.DosePct), "Fidelity": s.wholePctOf(d.FidelityPct)})
}

// wholePctOf is a nullable delivery percentage, whole as the tablet shows
// it (FormatDeliveryPct: never rounded onto the delivery gate's limit nor
// onto 100%): "61%", "79.6%", or "n/a".
func (s Speaker) wholePctOf(p *float64) string {
	if p == nil {
		return s.Number("n/a")
	}
	return s.FormatDeliveryPct(*p)
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
func StepSentence(n int, name string, f StepFid, recent bool) string {
	return In(i18n.English).StepSentence(n, name, f, recent)
}

// StepSentence is StepSentence in s's language.
func (s Speaker) StepSentence(n int, name string, f StepFid, recent bool) string {
	if name == "" {
		name = f.StepID
	}
	args := i18n.Args{"N": n, "Name": name}
	if f.Applicable == 0 {
		return s.t("step.not_due", args)
	}
	skipped := f.Applicable - f.Done
	id := "step.skipped"
	if skipped == 0 {
		id = "step.done_all"
	}
	if recent {
		id += "_recent"
		if skipped == 0 {
			id = "step.done_recent"
		}
	}
	args["Skipped"] = skipped
	return s.n(id, f.Applicable, args)
}

// ROISentence compares the growth the goal needs with the typical growth
// (DOMAIN.md §3.8) in words, without a ratio: "Typical growth is 1.6 words
// correct a week; the goal needs more than that." The report's flag words
// the far ends ("an ambitious goal"); "" when no typical growth is set.
func ROISentence(r Report) string { return In(i18n.English).ROISentence(r) }

// ROISentence is ROISentence in s's language.
func (s Speaker) ROISentence(r Report) string {
	roi := r.ROI
	if roi.Typical == nil {
		return ""
	}
	args := i18n.Args{"N": s.FormatSlope(*roi.Typical), "Unit": s.Measure(r.Goal.Measure).Growth()}
	if roi.Ratio == nil || *roi.Ratio < 0 {
		return s.t("roi.plain", args)
	}
	ratio := *roi.Ratio
	switch {
	case roi.Flag != nil && *roi.Flag == "ambitious":
		return s.t("roi.ambitious", args)
	case roi.Flag != nil && *roi.Flag == "modest":
		return s.t("roi.modest", args)
	case ratio > trendHigh:
		return s.t("roi.more", args)
	case ratio < trendLow:
		return s.t("roi.less", args)
	}
	return s.t("roi.about", args)
}

// GrowthSentence says §3.4's trend in words, beside the growth the goal
// needs: "Growing 0.92 words correct a week (0.86 if unusual scores count
// for less); the goal needs 2." Tukey's slope (medians of the first and
// last thirds) is the one an odd score moves less; no method's name is
// shown. Without a trend it says what the goal needs; "" without either.
func GrowthSentence(r Report) string { return In(i18n.English).GrowthSentence(r) }

// GrowthSentence is GrowthSentence in s's language.
func (s Speaker) GrowthSentence(r Report) string {
	unit := s.Measure(r.Goal.Measure).Growth()
	if r.Trend == nil {
		if r.Aimline == nil {
			return ""
		}
		args := i18n.Args{"N": s.FormatSlope(math.Abs(r.Aimline.SlopePerWeek)), "Unit": unit}
		if r.Aimline.SlopePerWeek < 0 {
			return s.t("growth.need_only_fall", args)
		}
		return s.t("growth.need_only", args)
	}
	args := i18n.Args{"Rate": capital(s.rateWords(r.Trend.OLS.Slope, unit))}
	id := "growth.rate"
	if r.Trend.Tukey != nil {
		id += "_tukey"
		args["Tukey"] = s.signedSlope(r.Trend.Tukey.Slope, r.Trend.OLS.Slope)
	}
	if r.Aimline != nil {
		id += "_need"
		args["Need"] = s.needWords(r.Trend.OLS.Slope, r.Aimline.SlopePerWeek)
	}
	return s.t(id, args)
}

// ProjectionSentence is where the trend leads by the goal date: "At this
// rate, 59.7 by the goal date." Once the date has passed (§3.5 rule 0) a
// projection to it says nothing: "".
func ProjectionSentence(r Report) string { return In(i18n.English).ProjectionSentence(r) }

// ProjectionSentence is ProjectionSentence in s's language.
func (s Speaker) ProjectionSentence(r Report) string {
	if r.Trend == nil || r.AsOf > r.Goal.GoalDate {
		return ""
	}
	return s.t("projection", i18n.Args{"N": s.FormatScore(r.Trend.OLS.ProjectionAtGoalDate)})
}

// capital is s with its first letter in upper case (a sentence's start).
func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// lowerFirst is s with its first letter in lower case (words set inside a
// sentence).
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
