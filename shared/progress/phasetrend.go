package progress

import "smallwins/shared/i18n"

// PhaseTrend is DOMAIN.md §3.4's OLS trend over the points of one phase of
// a goal's chart: the points after one phase line and up to the next (the
// first phase: from the start; the last: up to as_of). The decision rules
// read the whole goal's trend (Report.Trend); a chart draws one line per
// phase so that a change of program or instruction shows as a change of
// slope instead of bending one line across both (ADR 0019).
type PhaseTrend struct {
	// FirstWeek and LastWeek are the weeks of the phase's first and last
	// points: the span the line is drawn over.
	FirstWeek, LastWeek float64
	Points              int
	Slope, Intercept    float64
}

// PhaseTrends splits points (in date order, as a report lists them) at the
// phase lines and fits each part with at least 3 points by OLS, as §3.4
// fits the whole goal. A point belongs to the phase whose line it is
// strictly after: a probe on the day of a change was given before it (a
// phase is "a day after which the points are read against a change").
// Phase lines on one week are one boundary. A part whose points all fall
// in one week has no trend, as the whole goal's has none.
func PhaseTrends(points []Point, phases []Phase) []PhaseTrend {
	var out []PhaseTrend
	fit := func(part []Point) {
		if len(part) < 3 {
			return
		}
		xs, ys := make([]float64, len(part)), make([]float64, len(part))
		for i, p := range part {
			xs[i], ys[i] = p.Week, p.Score
		}
		s, icpt, ok := ols(xs, ys)
		if !ok || !finite(icpt) {
			return
		}
		out = append(out, PhaseTrend{FirstWeek: part[0].Week, LastWeek: part[len(part)-1].Week, Points: len(part), Slope: s, Intercept: icpt})
	}
	k, from := 0, 0 // the next phase line, the first point of the current part
	for i, p := range points {
		// Step past every line this point is after: the points before it
		// (from..i) are one part.
		moved := false
		for k < len(phases) && p.Week > phases[k].Week {
			k++
			moved = true
		}
		if moved {
			fit(points[from:i])
			from = i
		}
	}
	fit(points[from:])
	return out
}

// PhaseWords is what a phase line is labelled with on a chart: "New
// program", "Program ended", or the team's decision ("Team: change the
// instruction", the decision in DecisionWords' wording).
func PhaseWords(ph Phase) string { return In(i18n.English).PhaseWords(ph) }

// PhaseWords is PhaseWords in s's language.
func (s Speaker) PhaseWords(ph Phase) string {
	switch ph.Kind {
	case PhasePlanStart:
		return s.t("phase.plan_start")
	case PhasePlanEnd:
		return s.t("phase.plan_end")
	case PhaseDecision:
		w := s.DecisionWords(ph.Code)
		if w == "" {
			return s.t("phase.team_decision")
		}
		return s.t("phase.decision", i18n.Args{"Decision": lowerFirst(w)})
	}
	return s.t("phase.other")
}
