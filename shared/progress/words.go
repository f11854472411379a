package progress

import (
	"fmt"

	"smallwins/shared/record"
)

// decisionWords are the decision codes of DOMAIN.md §4 in plain words: the
// one wording the tablet, the console (caseload, student page, meeting and
// its PDFs) and the progress PDF all show, so one goal's decision never
// reads two ways.
var decisionWords = map[string]string{
	record.DecisionNotEnoughData:     "Not enough data yet",
	record.DecisionContinue:          "Continue the intervention",
	record.DecisionRaiseGoal:         "Raise the goal",
	record.DecisionChangeInstruction: "Change the instruction",
	record.DecisionFixDeliveryFirst:  "Fix delivery first",
	record.DecisionReviewGoal:        "Review the goal",
}

// DecisionWords is a decision code in words; a code this version does not
// know (a newer tablet's) is shown as itself, never dropped.
func DecisionWords(code string) string {
	if w, ok := decisionWords[code]; ok {
		return w
	}
	return code
}

// statusWords are §3.6's three-point status in words: the light shows the
// last 3 points against the aimline only, not the decision, which also
// weighs the trend and the delivery (so one decision can sit beside two
// different lights).
var statusWords = map[string]string{
	Green:  "On track: the last 3 points are all better than the aimline",
	Yellow: "Mixed: the last 3 points are on both sides of the aimline, or on it",
	Red:    "Off track: the last 3 points are all worse than the aimline",
	Grey:   "No signal yet: fewer than 3 points, no aimline, or the probe is overdue",
}

// StatusWords is a three-point status (DOMAIN.md §3.6) in words, the
// console's light and its legend; a status this version does not know is
// shown as itself.
func StatusWords(status string) string {
	if w, ok := statusWords[status]; ok {
		return w
	}
	return status
}

// SufficiencyWords is §3.8's sufficiency in one plain sentence, for the
// tablet and the console. Once the goal date has passed (§3.5 rule 0) a
// projection to that date no longer says what will happen, so the sentence
// says what did, as the decision's reason does: a goal not reached is never
// also "will be reached by its date".
func SufficiencyWords(r Report) string {
	past := r.AsOf > r.Goal.GoalDate // both YYYY-MM-DD
	switch r.Sufficiency {
	case GoalMet:
		return "The present level has reached the goal."
	case Adequate, Insufficient:
		if past {
			return "The goal date has passed and the present level has not reached the goal."
		}
		if r.Sufficiency == Adequate {
			return "At this rate of growth the goal will be reached by its date."
		}
		return "At this rate of growth the goal will not be reached by its date."
	case NotEnoughData:
		if past {
			return "Too few points to say whether the goal was reached."
		}
		return "Too few points to say whether the goal will be reached."
	}
	return ""
}

// cicoPhaseWords name DOMAIN.md §3.9's CICO phases for a person.
var cicoPhaseWords = map[string]string{
	record.PhaseCICO:        "Check-in/check-out",
	record.PhaseSelfManaged: "Self-managed",
	record.PhaseFaded:       "Faded",
	record.PhaseGraduated:   "Graduated",
}

// CICOPhaseWords is a CICO phase (record.CICOPlan) in words, the tablet's
// and the console's; a phase this version does not know is shown as
// itself.
func CICOPhaseWords(phase string) string {
	if w, ok := cicoPhaseWords[phase]; ok {
		return w
	}
	return phase
}

// PhaseStatusWords says where a student stands in §3.9's fading, in one
// short sentence after the phase's name: the weeks that count toward the
// next phase and whether the team may move the student on.
func PhaseStatusWords(st PhaseStatus) string {
	switch st.Phase {
	case record.PhaseCICO:
		if st.Eligible {
			return fmt.Sprintf("Eligible for self-management: %d weeks met in a row (6 make a student eligible). The team may move the student to a self-managed card.", st.ConsecutiveWeeksMet)
		}
		return fmt.Sprintf("Weeks met in a row: %d of the %d that make the student eligible for self-management.", st.Counted, st.Needed)
	case record.PhaseSelfManaged:
		return fmt.Sprintf("Successful self-managed weeks (80%% of points, and the student's ratings match the adult's in 80%% of the boxes): %d of %d before fading.", st.Counted, st.Needed)
	case record.PhaseFaded:
		return fmt.Sprintf("Weeks met since fading: %d of %d before graduation.", st.Counted, st.Needed)
	case record.PhaseGraduated:
		return "The student has completed CICO."
	}
	return ""
}
