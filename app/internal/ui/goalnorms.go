package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/applang"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// Goals from a district's norms on the tablet (DOMAIN.md §3.10): the goal
// form shows the start percentile, "below benchmark" and the three
// suggested goals of the norm table synced to the tablet, and choosing one
// fills the goal score, the goal date and the typical growth. The numbers
// are progress.GoalSuggestions', the one rule the server's
// /v1/reports/goal-suggestions answers with; without a table the form is
// the hand-typed one (nothing of this is shown).

// defaultGoalWeeks is the length of the goal the suggestions are for while
// no goal date is typed and the plan has no end (ADR 0030): 18 weeks, the
// goal of DOMAIN.md §5.1.
const defaultGoalWeeks = 18

// normSuggestions is §3.10 over the norm tables and calendar held on this
// tablet (a store error reads as no table: the typed goal still works).
func normSuggestions(r Records, grade, measure string, start, goal record.Date, score float64) progress.Suggestions {
	tables, _ := r.List(record.TypeNormTable)
	return progress.GoalSuggestions(tables, progress.SuggestionQuery{
		Grade: grade, Measure: measure, StartDate: start, GoalDate: goal, StartScore: score,
	}, schoolCalendar(r))
}

// goalInputs are the goal form's fields the suggestions depend on.
type goalInputs struct {
	measure, direction, start, baseline, goalDate string
	planEnd                                       string // the chosen plan's end date, "" for none
}

// goalNorms is the goal form's "From norms" row.
type goalNorms struct {
	a     *App
	grade string
	// box is the panel under the form, hidden while no table answers.
	box *fyne.Container
	// choose holds the button of each suggestion kind shown (tests tap it).
	choose map[string]*Button
	// fill writes a chosen suggestion into the form's fields.
	fill func(goalScore float64, goalDate string, typicalROI *float64)
	// relayout lays the form's page out again once the panel grew or went.
	relayout func()
}

func newGoalNorms(a *App, grade string, fill func(float64, string, *float64)) *goalNorms {
	n := &goalNorms{a: a, grade: grade, box: container.NewVBox(), fill: fill}
	n.box.Hide()
	return n
}

// goalDateFor is the goal date the suggestions are for: the one typed when
// it is after the start, else the plan's end, else 18 weeks on (ADR 0030).
func goalDateFor(in goalInputs, start record.Date) record.Date {
	for _, s := range []string{in.goalDate, in.planEnd} {
		if d, err := record.ParseDate(strings.TrimSpace(s)); err == nil && d > start {
			return d
		}
	}
	return start + defaultGoalWeeks*7
}

// baselineScores reads the baseline field as the save does; ok false when
// it holds anything but 1–5 numbers.
func baselineScores(text string) ([]float64, bool) {
	var out []float64
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, false
		}
		out = append(out, v)
	}
	return out, len(out) >= 1 && len(out) <= 5
}

// update recomputes the suggestions for the form's fields; the panel shows
// only while a table answers.
func (n *goalNorms) update(in goalInputs) {
	s, goal, ok := n.compute(in)
	n.choose = map[string]*Button{}
	if !ok || s.NormTableID == nil {
		n.box.Objects = nil
		n.box.Hide()
		n.laidOut()
		return
	}
	n.box.Objects = append([]fyne.CanvasObject{heading(lang.L("forms.goal.norms.title"))}, n.rows(s, goal)...)
	n.box.Show()
	n.box.Refresh()
	n.laidOut()
}

// compute is the suggestions for in, and the goal date they are for; ok
// false when the fields cannot be read yet (no measure, no start, no
// baseline) or the goal goes down (§3.10: as with no table).
func (n *goalNorms) compute(in goalInputs) (progress.Suggestions, record.Date, bool) {
	start, err := record.ParseDate(strings.TrimSpace(in.start))
	base, okBase := baselineScores(in.baseline)
	if in.measure == "" || err != nil || !okBase || in.direction == record.DirectionDown {
		return progress.Suggestions{}, 0, false
	}
	goal := goalDateFor(in, start)
	return normSuggestions(n.a.cfg.Records, n.grade, in.measure, start, goal, record.Median(base)), goal, true
}

// rows are the row's lines: the table's source, the start percentile,
// below benchmark, and one line per suggestion with its number, growth and
// source and a button that uses it.
func (n *goalNorms) rows(s progress.Suggestions, goal record.Date) []fyne.CanvasObject {
	src := *s.Source
	season := lang.L("forms.goal.norms.season." + *s.Season)
	var out []fyne.CanvasObject
	if p := s.StartPercentile; p != nil {
		out = append(out, wrapLabel(lang.L("forms.goal.norms.percentile", map[string]any{
			"Percentile": progress.In(applang.Current()).Figure(*p, 1), "Season": season, "Source": src})))
	} else {
		out = append(out, wrapLabel(lang.L("forms.goal.norms.nopercentile", map[string]any{"Season": season, "Source": src})))
	}
	if b := s.BelowBenchmark; b != nil && *b {
		l := widget.NewLabelWithStyle(lang.L("forms.goal.norms.below"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Importance = widget.WarningImportance
		out = append(out, l)
	}
	if len(s.Suggestions) == 0 {
		return append(out, wrapLabel(lang.L("forms.goal.norms.none")))
	}
	date := goal.String()
	for _, sg := range s.Suggestions {
		sg := sg
		b := NewButton(lang.L("forms.goal.norms.use", map[string]any{"Score": sayNum(sg.GoalScore)}), func() {
			n.fill(sg.GoalScore, date, s.TypicalROI)
		})
		n.choose[sg.Kind] = b
		out = append(out, container.NewBorder(nil, nil, nil, b, wrapLabel(suggestionText(sg, goal, src))))
	}
	return out
}

// suggestionText says one suggestion: its kind, its goal and date, its
// growth a week and its source.
func suggestionText(sg progress.Suggestion, goal record.Date, source string) string {
	args := map[string]any{"Score": sayNum(sg.GoalScore), "Date": prettyDate(goal.String()), "Source": source}
	if sg.ROI != nil {
		args["ROI"] = progress.In(applang.Current()).Figure(*sg.ROI, 1)
	}
	return lang.L("forms.goal.norms.kind."+sg.Kind, args)
}

func (n *goalNorms) laidOut() {
	if n.relayout != nil {
		n.relayout()
	}
}
