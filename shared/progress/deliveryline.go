package progress

// DeliveryLine is §3.7's delivery in one short line, for a list or a card
// where the full sentence (AttendanceWords and the minutes) does not fit:
// "attendance 61%, dose 50.15%, fidelity 92%". Each figure takes the one
// rounding of FormatPct, so it reads as the decision's reason words it; an
// attendance above the plan mid-week is "above plan" (ADR 0630), a figure
// with nothing planned or marked yet "n/a". Without a plan: "no plan".
func DeliveryLine(d *Delivery) string {
	if d == nil {
		return "no plan"
	}
	att := FormatPctOf(d.AttendancePct)
	if d.AttendancePct != nil && *d.AttendancePct > 100 {
		att = "above plan"
	}
	return "attendance " + att + ", dose " + FormatPctOf(d.DosePct) + ", fidelity " + FormatPctOf(d.FidelityPct)
}
