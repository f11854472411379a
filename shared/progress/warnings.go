package progress

import (
	"strconv"
	"strings"

	"smallwins/shared/i18n"
)

// MaxWarnings is how many warnings a report names (ADR 0024): past them a
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
		out = append(out, In(i18n.English).moreWarnings(w.more))
	}
	return out
}

// moreWarnings is the line that counts the warnings past MaxWarnings.
// English groups thousands (9,980), as the report's JSON always has; other
// languages write the count whole (docs/decisions/0029).
func (s Speaker) moreWarnings(n int) string {
	figure := i18n.Int(s.Lang, n)
	if s.Lang == i18n.English {
		figure = grouped(n)
	}
	return s.n("warning.more", n, i18n.Args{"N": figure})
}

// warningForms are the report's warnings that Warning says in another
// language: each catalog message with its arguments, in the order its
// English text is matched.
var warningForms = []struct {
	id   string
	args []string
}{
	{"warning.no_aimline_dates", nil},
	{"warning.no_aimline_scores", nil},
	{"warning.no_trend", nil},
	{"warning.plan_missing", []string{"Plan"}},
	{"warning.break_skipped", []string{"Name"}},
	{"warning.skipped", []string{"Type", "ID", "Why"}},
}

// Warnings are the report's warnings in s's language (Warning).
func (s Speaker) Warnings(r Report) []string {
	out := make([]string, len(r.Warnings))
	for i, w := range r.Warnings {
		out[i] = s.Warning(w)
	}
	return out
}

// Warning is one of a report's warnings in s's language. The report's JSON
// keeps its warnings as English lines (DOMAIN.md §4.1) and nothing else,
// so a warning is read back by the English catalog message that wrote it,
// its arguments (an id, a name, a count) taken from the line and said
// again in s's language. What a line carries from elsewhere, a record's
// validation error, stays as it was written; a line no message wrote (a
// newer server's) is shown as it is (docs/decisions/0032).
func (s Speaker) Warning(w string) string {
	if s.Lang == i18n.English {
		return w
	}
	if n, ok := moreCount(w); ok {
		return s.moreWarnings(n)
	}
	for _, f := range warningForms {
		args, ok := matchMessage(f.id, f.args, w)
		if !ok {
			continue
		}
		if t, ok := args["Type"].(string); ok {
			args["Type"] = s.TypeWords(t)
		}
		if why, ok := args["Why"].(string); ok {
			args["Why"] = s.why(why)
		}
		return s.t(f.id, args)
	}
	return w
}

// whyIDs are the reasons the report itself gives for skipping a record
// (a record's own validation errors are its fields' words, kept).
var whyIDs = []string{"warning.why.wrong_type", "warning.why.goal_required", "warning.why.plan_required",
	"warning.why.session_required", "warning.why.probe_required"}

// why is a skipped record's reason in s's language, when the report wrote it.
func (s Speaker) why(w string) string {
	for _, id := range whyIDs {
		if w == In(i18n.English).t(id) {
			return s.t(id)
		}
	}
	return w
}

// moreCount reads the count of a "more warnings" line in English.
func moreCount(w string) (int, bool) {
	args, ok := matchMessage("warning.more", []string{"N"}, w)
	if !ok {
		return 0, false
	}
	digits := strings.ReplaceAll(args["N"].(string), ",", "")
	n, err := strconv.Atoi(digits)
	return n, err == nil && n >= 0
}

// matchMessage matches w against the English text of message id with the
// named arguments left open: the text around them must match exactly,
// each argument but the last ends at the first occurrence of the text
// after it. The arguments found are returned.
func matchMessage(id string, names []string, w string) (i18n.Args, bool) {
	marks := i18n.Args{}
	for i, name := range names {
		marks[name] = "\x00" + strconv.Itoa(i) + "\x00"
	}
	tmpl := i18n.Shared.N(i18n.English, id, 2, marks)
	lits := make([]string, 0, len(names)+1)
	order := make([]string, 0, len(names))
	rest := tmpl
	for {
		i := strings.IndexByte(rest, 0)
		if i < 0 {
			lits = append(lits, rest)
			break
		}
		j := strings.IndexByte(rest[i+1:], 0) + i + 1
		k, _ := strconv.Atoi(rest[i+1 : j])
		lits = append(lits, rest[:i])
		order = append(order, names[k])
		rest = rest[j+1:]
	}
	if len(lits) == 1 {
		return i18n.Args{}, w == lits[0]
	}
	if !strings.HasPrefix(w, lits[0]) || !strings.HasSuffix(w[len(lits[0]):], lits[len(lits)-1]) {
		return nil, false
	}
	body := w[len(lits[0]) : len(w)-len(lits[len(lits)-1])]
	args := i18n.Args{}
	for i, name := range order {
		if i == len(order)-1 {
			args[name] = body
			break
		}
		end := strings.Index(body, lits[i+1])
		if end < 0 {
			return nil, false
		}
		args[name] = body[:end]
		body = body[end+len(lits[i+1]):]
	}
	return args, true
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
