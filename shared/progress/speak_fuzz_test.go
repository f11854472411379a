package progress

import (
	"encoding/binary"
	"math"
	"regexp"
	"testing"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// fuzzBytes hands out a fuzz input as the choices that build a report.
type fuzzBytes struct{ b []byte }

func (f *fuzzBytes) byte() byte {
	if len(f.b) == 0 {
		return 0
	}
	c := f.b[0]
	f.b = f.b[1:]
	return c
}

func (f *fuzzBytes) pick(n int) int { return int(f.byte()) % n }

func (f *fuzzBytes) bool() bool { return f.byte()&1 == 1 }

func (f *fuzzBytes) int() int {
	return int(int16(binary.LittleEndian.Uint16([]byte{f.byte(), f.byte()})))
}

// float is a figure a report may hold, odd ones included.
func (f *fuzzBytes) float() float64 {
	special := []float64{0, math.Copysign(0, -1), 1, -1, 0.9, 1.1, 80, 79.996, 100, 1e6, -1e-9, math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, 1e-300}
	if f.bool() {
		return special[f.pick(len(special))]
	}
	return float64(f.int()) / float64(1+f.pick(100))
}

func (f *fuzzBytes) pfloat() *float64 {
	if f.bool() {
		return nil
	}
	v := f.float()
	return &v
}

func (f *fuzzBytes) str(from ...string) string { return from[f.pick(len(from))] }

// fuzzReport is a report with any mix of fields, consistent or not.
func fuzzReport(f *fuzzBytes) Report {
	r := Report{
		Goal: GoalInfo{Measure: f.str("orf_wcpm", "office_referrals", "behavior_pct", "district", ""), Direction: f.str("up", "down", ""),
			GoalDate: f.str("2025-05-12", "2024-01-01", "", "not a date", "9999-12-31"), GoalScore: f.float()},
		AsOf:                f.str("2025-03-17", "2025-06-01", "", "x"),
		PointsAfterBaseline: f.int(),
		WeeksOfData:         f.float(),
		Status:              f.str(Green, Yellow, Red, Grey, "", "blue"),
		Sufficiency:         f.str(GoalMet, Adequate, Insufficient, NotEnoughData, "", "odd"),
		Decision: Decision{Code: f.str(record.DecisionNotEnoughData, record.DecisionContinue, record.DecisionRaiseGoal, record.DecisionChangeInstruction,
			record.DecisionFixDeliveryFirst, record.DecisionReviewGoal, "newer", ""), Rule: f.str(RuleNone, RuleFourPoint, RuleTrend, RuleGoalDate, "")},
		PresentLevel: f.pfloat(),
		OverdueProbe: f.bool(),
	}
	if f.bool() {
		r.Aimline = &Aimline{SlopePerWeek: f.float()}
	}
	if f.bool() {
		r.Trend = &Trend{OLS: OLS{Slope: f.float(), ProjectionAtGoalDate: f.float()}}
		if f.bool() {
			r.Trend.Tukey = &Slope{Slope: f.float()}
		}
	}
	for n := f.pick(7); n > 0; n-- {
		r.Points = append(r.Points, Point{Position: f.str(Above, Below, On, "")})
	}
	if f.bool() {
		r.Delivery = &Delivery{PlannedSessions: f.float(), SessionsAttended: f.int(), AttendancePct: f.pfloat(), DosePct: f.pfloat(), FidelityPct: f.pfloat()}
		for n := f.pick(3); n > 0; n-- {
			r.Delivery.PerStep = append(r.Delivery.PerStep, StepFid{StepID: "s", Done: f.int(), Applicable: f.int()})
		}
	}
	r.ROI = ROI{Typical: f.pfloat(), Ratio: f.pfloat()}
	if f.bool() {
		flag := f.str("ambitious", "modest", "odd")
		r.ROI.Flag = &flag
	}
	var w Warnings
	for n := f.pick(4); n > 0; n-- {
		w.Add(f.str("The goal score equals the start score, so there is no aimline: fix the goal.", "probe x skipped: bad",
			"calendar break \"W\" skipped: its dates are invalid", "The goal's plan p is not here (not synced yet, deleted or invalid): delivery is unknown.",
			"…and 3 more warnings not listed.", "…and x more warnings not listed.", "anything"))
	}
	if f.bool() {
		w.more = f.pick(5000)
	}
	r.Warnings = w.Lines()
	return r
}

var missingMessage = regexp.MustCompile(`\[[a-z_.0-9]+\]`)

// FuzzSpeaker: for any report, in English and in Spanish, no sentence
// panics or shows a missing message's [id].
func FuzzSpeaker(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30})
	f.Add([]byte("the quick brown fox jumps over the lazy dog, twice: the quick brown fox jumps over the lazy dog"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fb := &fuzzBytes{b: data}
		r := fuzzReport(fb)
		n, name, recent := fb.int(), fb.str("", "Lectura", "{{.N}}"), fb.bool()
		for _, l := range i18n.Supported {
			s := In(l)
			out := []string{s.Reason(r), s.ReasonWords(r), s.LightWords(r), s.SufficiencyWords(r), s.ROISentence(r), s.GrowthSentence(r),
				s.ProjectionSentence(r), s.AttendanceWords(r.Delivery), s.DeliveryShort(r.Delivery), s.StatusWords(r.Status),
				s.DecisionWords(r.Decision.Code), s.PhaseWords(Phase{Kind: fb.str(PhasePlanStart, PhasePlanEnd, PhaseDecision, ""), Code: r.Decision.Code}),
				s.CICOPhaseWords(fb.str(record.PhaseCICO, record.PhaseFaded, "x")),
				s.PhaseStatusWords(PhaseStatus{Phase: fb.str(record.PhaseCICO, record.PhaseSelfManaged, record.PhaseFaded, record.PhaseGraduated, ""),
					Eligible: fb.bool(), ConsecutiveWeeksMet: fb.int(), Counted: fb.int(), Needed: fb.int()}),
				s.FormatDeliveryPct(fb.float()), s.FormatSessions(fb.float()), s.FormatPctOf(fb.pfloat()), s.GoalDateWords(r.Goal.GoalDate, r.AsOf),
				s.Measure(r.Goal.Measure).Words(), s.Measure(r.Goal.Measure).Growth()}
			if r.Delivery != nil {
				for _, st := range r.Delivery.PerStep {
					out = append(out, s.StepSentence(n, name, st, recent))
				}
			}
			out = append(out, s.Warnings(r)...)
			for _, o := range out {
				if missingMessage.MatchString(o) {
					t.Fatalf("%s: a missing message in %q", l, o)
				}
			}
		}
	})
}
