package progress

import (
	"strconv"
)

// MaxWarnings is how many warnings a report names (issue 20): past them a
// report says only how many more there were. A tablet can push thousands
// of records the reports skip; each would otherwise be a line in every
// report that reads it, and the caseload holds one report per goal.
const MaxWarnings = 20

// Warnings is the one rule for a report's warnings: the first MaxWarnings
// in full, the rest counted. Every warning a report gives goes through
// Add (or AddAll), whatever code adds it, so the bound holds for warnings
// added later as well. The zero value is empty and ready.
type Warnings struct {
	list []string
	more int // added past the first MaxWarnings
}

// Add adds one warning.
func (w *Warnings) Add(s string) {
	if len(w.list) < MaxWarnings {
		w.list = append(w.list, s)
		return
	}
	w.more++
}

// AddAll adds every warning of o after w's, at the cost of at most
// MaxWarnings strings however many o counts: a school's calendar, shared
// by every goal's report, is added to each in constant time.
func (w *Warnings) AddAll(o Warnings) {
	for i, s := range o.list {
		if len(w.list) == MaxWarnings {
			w.more += len(o.list) - i
			break
		}
		w.list = append(w.list, s)
	}
	w.more += o.more
}

// Len is how many warnings were added, listed or not.
func (w Warnings) Len() int { return len(w.list) + w.more }

// Lines are the warnings as a report gives them: the first MaxWarnings,
// then, when there were more, one line that counts the rest. Never nil
// (the JSON is [] without warnings).
func (w Warnings) Lines() []string {
	out := make([]string, len(w.list), len(w.list)+1)
	copy(out, w.list)
	if w.more > 0 {
		out = append(out, "…and "+grouped(w.more)+" more warnings not listed.")
	}
	return out
}

// grouped writes n with thousands separators (9,980), as the words around
// it are English.
func grouped(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
