package progress

import "smallwins/shared/record"

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
