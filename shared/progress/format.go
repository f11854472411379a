package progress

import (
	"fmt"
	"math"
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

// AttendanceWords is §3.7's attendance for people. The report keeps the
// plan's exact rate (DOMAIN.md: planned sessions are the weekly rate times
// calendar weeks, and percentages are not capped), so mid-week a student
// present at every session is "121%" of 7.4 planned sessions; that figure
// is right for the rule and wrong for a reader, who is told instead that
// every planned session was attended, with the whole counts (ADR 0630).
func AttendanceWords(d *Delivery) string {
	if d == nil || d.AttendancePct == nil {
		return "attendance unknown (nothing planned yet)"
	}
	if *d.AttendancePct > 100 {
		return fmt.Sprintf("attendance above plan (%s attended, %s planned so far)",
			plural(d.SessionsAttended, "session", "sessions"), FormatSessions(d.PlannedSessions))
	}
	return fmt.Sprintf("attendance %s (%d of %s planned sessions)",
		FormatPct(*d.AttendancePct), d.SessionsAttended, FormatSessions(d.PlannedSessions))
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

// wholePctOf is a nullable percentage, whole: "61%", or "n/a".
func wholePctOf(p *float64) string {
	if p == nil {
		return "n/a"
	}
	if w := formatDigits(*p, 0); w != "n/a" {
		return w + "%"
	}
	return "n/a"
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
// (DOMAIN.md §3.8) in words; "" when the goal has no aimline. unit is the
// measure's unit ("words correct").
func ROISentence(r ROI, unit string) string {
	if r.Needed == nil {
		return ""
	}
	if unit == "" {
		unit = "points"
	}
	s := fmt.Sprintf("The goal needs %s %s a week", FormatSlope(*r.Needed), unit)
	if r.Typical == nil {
		return s + "; no typical growth is set for comparison."
	}
	s += fmt.Sprintf("; typical growth is %s", FormatSlope(*r.Typical))
	if r.Ratio != nil {
		s += fmt.Sprintf(", so the goal asks %s times the typical", FormatRatio(*r.Ratio))
	}
	if r.Flag != nil {
		s += " (" + *r.Flag + ")"
	}
	return s + "."
}

// TrendSentence says the two slopes of §3.4 in words: OLS (the chart's
// line) and Tukey's (three-group medians, less moved by one odd point).
func TrendSentence(t *Trend, aim *Aimline, unit string) string {
	if t == nil {
		return ""
	}
	if unit == "" {
		unit = "points"
	}
	s := fmt.Sprintf("Trend %s %s a week", FormatSlope(t.OLS.Slope), unit)
	if t.Tukey != nil {
		s += fmt.Sprintf(" (Tukey slope %s)", FormatSlope(t.Tukey.Slope))
	}
	if aim != nil {
		s += fmt.Sprintf("; the aimline needs %s", FormatSlope(aim.SlopePerWeek))
	}
	return s + fmt.Sprintf("; projected %s by the goal date.", FormatScore(t.OLS.ProjectionAtGoalDate))
}
