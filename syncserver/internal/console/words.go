package console

import (
	"fmt"
	"html/template"
	"strings"

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
// tablet's and the PDF's too.
func decisionText(code string) string { return progress.DecisionWords(code) }

func measureName(code string) string { return record.MeasureOf(code).Name }

func measureUnit(code string) string { return record.MeasureOf(code).Unit }

// round1 shows a figure with at most one decimal (never "-0").
func round1(x float64) string { return progress.Figure(x, 1) }

func pct(p *float64) string {
	if p == nil {
		return "—"
	}
	return progress.FormatPct(*p) // the reasons' rounding: one figure, one way
}

// deliveryText is the delivery in one line: attendance, dose, fidelity.
func deliveryText(d *progress.Delivery) string {
	if d == nil {
		return "Unknown (no plan)"
	}
	// Whole sessions in words (ADR 0651), then the rule's figure, which the
	// delivery gate judges: "Attended 30 of 33 planned sessions (attendance
	// 92.11%)".
	att := progress.AttendanceWords(d)
	if d.AttendancePct != nil {
		att += " (attendance " + pct(d.AttendancePct) + ")"
	}
	return strings.ToUpper(att[:1]) + att[1:] + ", dose " + pct(d.DosePct) + ", fidelity " + pct(d.FidelityPct)
}

// stepText is one checklist step's fidelity as a sentence ("Step 2, Partner
// reading, was done in 5 of 7 sessions (71%).").
func stepText(i int, s progress.StepFid, prog record.Program) string {
	name := s.StepID
	for _, st := range prog.Steps {
		if st.ID == s.StepID {
			name = st.Text
		}
	}
	if s.Applicable == 0 {
		return fmt.Sprintf("Step %d, %s, has not been due in a delivered session yet.", i+1, name)
	}
	skipped := s.Applicable - s.Done
	return fmt.Sprintf("Step %d, %s, was done in %d of %d sessions (%s) and skipped in %d.", i+1, name, s.Done, s.Applicable, pct(s.Pct), skipped)
}

func slopeText(x float64, code string) string {
	unit := measureUnit(code)
	if unit == "" {
		unit = "points"
	}
	return fmt.Sprintf("%s %s a week", strings.TrimPrefix(round2(x), "+"), unit)
}

// round2 shows a figure with at most two decimals (never "-0").
func round2(x float64) string { return progress.Figure(x, 2) }

var funcs = template.FuncMap{
	"decisionText": decisionText,
	"statusText":   progress.StatusWords, // DOMAIN.md §3.6 in words, the caseload's legend too
	"sufficiency":  progress.SufficiencyWords,
	"measureName":  measureName,
	"measureUnit":  measureUnit,
	"delivery":     deliveryText,
	"pct":          pct,
	"round1":       round1,
	"exactNum":     exactNum,
}

// vsAim compares a trend slope with the aimline's as a share of it (the
// ratio the trend rule of DOMAIN.md §3.5 reads, shown, not applied).
func vsAim(x float64, a *progress.Aimline) string {
	if a == nil || a.SlopePerWeek == 0 {
		return ""
	}
	return " (" + progress.FormatPct(x/a.SlopePerWeek*100) + " of the aimline's)"
}
