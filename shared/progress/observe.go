package progress

import (
	"fmt"
	"math"
	"strconv"
	"strings"

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
// steps done in 2 observed sessions, beside 90% reported. They agreed with
// the session's own marks on 75% of the steps. Reported fidelity is 30
// points above what observers saw: look at delivery together before
// trusting it."
func ObservedSentence(selfReported *float64, o *Observed) string {
	if o == nil {
		return "No session has been observed in this period."
	}
	sessions := "1 observation"
	if o.Count != 1 {
		sessions = fmt.Sprintf("%d observations", o.Count)
	}
	s := "Observers marked no applicable step in " + sessions
	if o.ObservedFidelityPct != nil {
		s = "Observers saw " + FormatPctWhole(*o.ObservedFidelityPct) + " of the steps done over " + sessions
	}
	if selfReported != nil {
		s += ", beside " + FormatPctWhole(*selfReported) + " reported by the interventionist"
	}
	s += "."
	if o.MeanAgreementPct != nil {
		s += " They agreed with the session's own marks on " + FormatPctWhole(*o.MeanAgreementPct) + " of the steps."
	}
	if o.GapFlag != nil && *o.GapFlag {
		if gap := ObservedGap(selfReported, o); gap != nil {
			s += " Reported fidelity is " + Figure(*gap, 0) + " points above what observers saw (more than " +
				strconv.Itoa(GapPoints) + "): look at delivery together before trusting the reported figure."
		}
	}
	return s
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
	if source == "" || r.ROI.Typical == nil || r.ROI.Needed == nil {
		return ""
	}
	return "Growth needed " + oneDecimal(math.Abs(*r.ROI.Needed)) + " a week; typical for a student starting here " +
		oneDecimal(*r.ROI.Typical) + " (" + source + ")."
}

// GrowthVsTypicalSentence is the one sentence every surface shows for a
// goal's needed and typical growth: NormGrowthSentence when the typical
// growth has a source, else ROISentence.
func GrowthVsTypicalSentence(r Report, source string) string {
	if s := NormGrowthSentence(r, source); s != "" {
		return s
	}
	return ROISentence(r)
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

// The Speaker's forms of these sentences (ADR 0029): until their words are
// catalogued, every language hears the English ones.

// ObservedSentence is ObservedSentence in the Speaker's language.
func (s Speaker) ObservedSentence(selfReported *float64, o *Observed) string {
	return ObservedSentence(selfReported, o)
}

// GrowthVsTypicalSentence is GrowthVsTypicalSentence in the Speaker's
// language.
func (s Speaker) GrowthVsTypicalSentence(r Report, source string) string {
	return GrowthVsTypicalSentence(r, source)
}
