package console

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// Plain words for codes (CONSOLE.md §1): a page shows these, the data-*
// hooks keep the codes.

// decisionOrder puts what needs the team first (CONSOLE.md §3's agenda
// order: a goal whose date has passed, then a change, then a raise).
var decisionOrder = []string{record.DecisionReviewGoal, record.DecisionFixDeliveryFirst, record.DecisionChangeInstruction,
	record.DecisionRaiseGoal, record.DecisionNotEnoughData, record.DecisionContinue}

func decisionRank(code string) int {
	for i, c := range decisionOrder {
		if c == code {
			return i
		}
	}
	return len(decisionOrder)
}

// decisionText is the one wording of a decision (shared/progress), the
// tablet's and the PDF's too, in language l.
func decisionText(l i18n.Lang, code string) string { return progress.In(l).DecisionWords(code) }

func measureName(l i18n.Lang, code string) string { return progress.In(l).Measure(code).Name }

func measureUnit(l i18n.Lang, code string) string { return progress.In(l).Measure(code).Unit }

// round1 shows a figure with at most one decimal (never "-0").
func round1(l i18n.Lang, x float64) string { return progress.In(l).Figure(x, 1) }

// pctIn is a percentage with the reasons' rounding (one figure, one way)
// and l's decimal mark.
func pctIn(l i18n.Lang, p *float64) string {
	if p == nil {
		return "—"
	}
	return progress.In(l).Number(progress.FormatPct(*p))
}

// deliveryText is the delivery in one line: attendance, dose, fidelity.
func deliveryText(l i18n.Lang, d *progress.Delivery) string {
	if d == nil {
		return tr(l, "delivery.unknown")
	}
	// Whole sessions in words (ADR 0651), then the rule's figure, which the
	// delivery gate judges: "Attended 30 of 33 planned sessions (attendance
	// 92.11%)".
	att := progress.In(l).AttendanceWords(d)
	if d.AttendancePct != nil {
		att = tr(l, "delivery.attendance_pct", i18n.Args{"Words": att, "Pct": pctIn(l, d.AttendancePct)})
	}
	return tr(l, "delivery.line", i18n.Args{"Attendance": capital(att), "Dose": pctIn(l, d.DosePct), "Fidelity": pctIn(l, d.FidelityPct)})
}

// capital capitalises a sentence's first letter (any script).
func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// stepText is one checklist step's fidelity as a sentence ("Step 2, Partner
// reading, was done in 5 of 7 sessions (71%).").
func stepText(l i18n.Lang, i int, s progress.StepFid, prog record.Program) string {
	name := s.StepID
	for _, st := range prog.Steps {
		if st.ID == s.StepID {
			name = st.Text
		}
	}
	if s.Applicable == 0 {
		return tr(l, "step.not_due", i18n.Args{"N": i + 1, "Name": name})
	}
	return tr(l, "step.done", i18n.Args{"N": i + 1, "Name": name, "Done": s.Done, "Applicable": s.Applicable,
		"Pct": pctIn(l, s.Pct), "Skipped": s.Applicable - s.Done})
}

func slopeText(l i18n.Lang, x float64, code string) string {
	unit := measureUnit(l, code)
	if unit == "" {
		unit = tr(l, "unit.points")
	}
	return tr(l, "slope.per_week", i18n.Args{"Figure": strings.TrimPrefix(progress.In(l).Figure(x, 2), "+"), "Unit": unit})
}

// vsAim compares a trend slope with the aimline's as a share of it (the
// ratio the trend rule of DOMAIN.md §3.5 reads, shown, not applied).
func vsAim(l i18n.Lang, x float64, a *progress.Aimline) string {
	if a == nil || a.SlopePerWeek == 0 {
		return ""
	}
	return tr(l, "slope.vs_aim", i18n.Args{"Pct": progress.In(l).Number(progress.FormatPct(x / a.SlopePerWeek * 100))})
}
