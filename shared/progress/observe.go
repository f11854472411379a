package progress

import (
	"math"
	"strings"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// Observations as the screens write and say them (DOMAIN.md §2
// `observation`, §3.7a; ADR 0031): who may observe which session, and the
// observed fidelity beside the self-reported one in words. The figures are
// Observed's, computed with the report; nothing here recounts them.

// ObserveRefusal is why an observation of a session may not be recorded
// now; ObserveAllowed ("") when it may.
type ObserveRefusal string

// The refusals of CheckObserve.
const (
	ObserveAllowed      ObserveRefusal = ""
	ObserveOwnSession   ObserveRefusal = "own_session"   // the observer delivers the group's sessions
	ObserveNotDelivered ObserveRefusal = "not_delivered" // in progress or cancelled
	ObserveNotToday     ObserveRefusal = "not_today"     // another day's session
)

// CheckObserve is the rule between records that a screen checks before it
// writes an observation (ADR 0028): the observer is not the session's
// interventionist (its group's interventionist_id), whatever their role;
// the session is delivered; and it is today's, since an observer marks
// what they watched, not what they remember.
func CheckObserve(s record.Session, g record.Group, observerID string, today Date) ObserveRefusal {
	if observerID == "" || g.InterventionistID == observerID {
		return ObserveOwnSession
	}
	if s.Status != record.SessionDelivered {
		return ObserveNotDelivered
	}
	if d, err := ParseDate(s.Date); err != nil || d != today {
		return ObserveNotToday
	}
	return ObserveAllowed
}

// ObservedGap is the self-reported fidelity minus the observed one, in
// points; nil when either is nil. §3.7a flags it above GapPoints.
func ObservedGap(selfReported *float64, o *Observed) *float64 {
	if selfReported == nil || o == nil || o.ObservedFidelityPct == nil {
		return nil
	}
	return ptr(*selfReported - *o.ObservedFidelityPct)
}

// ObservedSentence says observed fidelity beside the self-reported one,
// with agreement, and flags §3.7a's gap in words: "Observers saw 60% of the
// steps done over 2 observations, beside 90% reported by the
// interventionist. They agreed with the session's own marks on 75% of the
// steps. Reported fidelity is 30 points above what observers saw …"
func ObservedSentence(selfReported *float64, o *Observed) string {
	return In(i18n.English).ObservedSentence(selfReported, o)
}

// ObservedSentence is ObservedSentence in s's language.
func (s Speaker) ObservedSentence(selfReported *float64, o *Observed) string {
	if o == nil {
		return s.t("observed.none")
	}
	a := i18n.Args{"Sessions": s.n("observed.count", o.Count)}
	id := "observed.no_step"
	if o.ObservedFidelityPct != nil {
		id, a["Pct"] = "observed.saw", s.FormatPctWhole(*o.ObservedFidelityPct)
	}
	if selfReported != nil {
		id, a["Self"] = id+"_beside", s.FormatPctWhole(*selfReported)
	}
	out := s.t(id, a)
	if o.MeanAgreementPct != nil {
		out += " " + s.t("observed.agreed", i18n.Args{"Pct": s.FormatPctWhole(*o.MeanAgreementPct)})
	}
	if o.GapFlag != nil && *o.GapFlag {
		if gap := ObservedGap(selfReported, o); gap != nil {
			out += " " + s.t("observed.gap", i18n.Args{"Gap": s.Figure(*gap, 0), "Limit": GapPoints})
		}
	}
	return out
}

// NormSourceOf is the source of the norm table a goal's typical_roi came
// from, or "": the table §3.10 picks for the goal's measure and the
// student's grade, whose typical ROI for the goal's start (its start score
// and season) is the goal's typical_roi. A typical ROI typed by hand, or
// one from a table since replaced by other numbers, names no source
// (ADR 0031).
func NormSourceOf(tables []record.Envelope, grade string, r Report, cal Calendar) string {
	typicalROI := r.ROI.Typical
	if typicalROI == nil || len(tables) == 0 {
		return ""
	}
	start, err1 := ParseDate(r.Goal.StartDate)
	end, err2 := ParseDate(r.Goal.GoalDate)
	if err1 != nil || err2 != nil {
		return ""
	}
	sg := GoalSuggestions(tables, SuggestionQuery{Grade: grade, Measure: r.Goal.Measure, StartDate: start, GoalDate: end,
		StartScore: r.Baseline.Score}, cal)
	if sg.TypicalROI == nil || sg.Source == nil || math.Abs(*sg.TypicalROI-*typicalROI) > 1e-9 {
		return ""
	}
	return *sg.Source
}

// NormGrowthSentence is ROISentence when the typical growth came from a
// norm table (NormSourceOf): "Growth needed 2.0 a week; typical for a
// student starting here 1.4 (District local norms 2026)." It is "" without
// a source, a typical growth or an aimline; the caller then says
// ROISentence.
func NormGrowthSentence(r Report, source string) string {
	return In(i18n.English).NormGrowthSentence(r, source)
}

// NormGrowthSentence is NormGrowthSentence in s's language.
func (s Speaker) NormGrowthSentence(r Report, source string) string {
	if source == "" || r.ROI.Typical == nil || r.ROI.Needed == nil {
		return ""
	}
	return s.t("norm_growth", i18n.Args{"Needed": i18n.Decimal(s.Lang, oneDecimal(math.Abs(*r.ROI.Needed))),
		"Typical": i18n.Decimal(s.Lang, oneDecimal(*r.ROI.Typical)), "Source": source})
}

// GrowthVsTypicalSentence is the one sentence every surface shows for a
// goal's needed and typical growth: NormGrowthSentence when the typical
// growth has a source, else ROISentence.
func GrowthVsTypicalSentence(r Report, source string) string {
	return In(i18n.English).GrowthVsTypicalSentence(r, source)
}

// GrowthVsTypicalSentence is GrowthVsTypicalSentence in s's language.
func (s Speaker) GrowthVsTypicalSentence(r Report, source string) string {
	if x := s.NormGrowthSentence(r, source); x != "" {
		return x
	}
	return s.ROISentence(r)
}

// oneDecimal is a weekly growth as the norm sentence writes it: always one
// decimal ("2.0"), as norm tables print their ROI.
func oneDecimal(x float64) string {
	s := Figure(x, 1)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
