package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/shared/record"
)

// loadCICOPlan is the student's CICO plan (ADR 0640, record.LatestCICOPlan)
// and whether one was ever saved.
func loadCICOPlan(r Records, studentID string) (record.CICOPlan, bool) {
	envs, _ := r.ListByRef(record.TypeCICOPlan, studentID)
	if p, ok := record.LatestCICOPlan(envs, studentID); ok {
		return p, true
	}
	return record.CICOPlan{StudentID: studentID}, false
}

// putCICOPlan writes the student's plan at its one id.
func putCICOPlan(ctx context.Context, r Records, p record.CICOPlan) error {
	_, err := r.Put(ctx, record.TypeCICOPlan, record.CICOPlanID(p.StudentID), p, false)
	return err
}

// phaseWords names a phase for a person: shared/progress's words, the
// console's too.
func phaseWords(phase string) string { return inAppLang().CICOPhaseWords(phase) }

// cicoSetupScreen is the student's card setup: their own expectations,
// periods and daily goal, set once and carried to every new day's card.
type cicoSetupScreen struct {
	a         *App
	studentID string
	plan      record.CICOPlan
	onSaved   func()

	expectations *widget.Entry // one per line
	periods      *widget.Entry // one per line
	goal         *widget.Entry
	save         *Button
	problem      *widget.Label // why the form was not saved; always takes its place
}

// newCICOSetupScreen starts from the student's plan, else from layout (the
// card on screen: an older card's layout or the defaults).
func newCICOSetupScreen(a *App, studentID string, layout record.CICOCard, onSaved func()) *cicoSetupScreen {
	s := &cicoSetupScreen{a: a, studentID: studentID, onSaved: onSaved}
	plan, ok := loadCICOPlan(a.cfg.Records, studentID)
	if !ok {
		plan.Expectations, plan.Periods, plan.GoalPct = layout.Expectations, layout.Periods, layout.GoalPct
	}
	s.plan = plan
	s.expectations = widget.NewMultiLineEntry()
	s.expectations.SetText(strings.Join(plan.Expectations, "\n"))
	s.expectations.SetMinRowsVisible(5)
	s.periods = widget.NewMultiLineEntry()
	s.periods.SetText(strings.Join(plan.Periods, "\n"))
	s.periods.SetMinRowsVisible(10)
	s.goal = widget.NewEntry()
	s.goal.SetText(sayNum(plan.Goal()))
	s.save = newImportant(lang.L("cico.setup.save"), widget.HighImportance, s.Save)
	// A fixed place for the problem: a message never moves the form.
	s.problem = wrapLabel(" ")
	s.problem.Importance = widget.DangerImportance
	return s
}

func (s *cicoSetupScreen) title() string {
	return lang.L("cico.setup.title", map[string]any{"Name": studentName(s.a.cfg.Records, s.studentID)})
}

func (s *cicoSetupScreen) content() fyne.CanvasObject {
	form := container.NewVBox(
		wrapLabel(lang.L("cico.setup.intro")),
		heading(lang.L("cico.setup.expectations")), s.expectations,
		heading(lang.L("cico.setup.periods")), s.periods,
		heading(lang.L("cico.setup.goal")), s.goal,
		s.problem, s.save)
	return vscroll(container.NewPadded(form))
}

func (s *cicoSetupScreen) refresh() {}

// lines splits a multi-line entry into its non-blank lines, trimmed.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Save checks and writes the plan (keeping its phases and unknown fields),
// then applies it to today's card when nothing is rated on it yet.
func (s *cicoSetupScreen) Save() {
	p := s.plan
	p.StudentID = s.studentID
	p.Expectations, p.Periods = lines(s.expectations.Text), lines(s.periods.Text)
	g, err := parseFigure(strings.TrimSuffix(strings.TrimSpace(s.goal.Text), "%"))
	if err != nil {
		s.problem.SetText(lang.L("cico.setup.goal_number"))
		return
	}
	p.GoalPct = &g
	if err := putCICOPlan(context.Background(), s.a.cfg.Records, p); err != nil {
		s.problem.SetText(notSavedWords(err))
		return
	}
	s.plan = p
	s.problem.SetText(" ")
	// The card screen below shows the new layout: that is the confirmation.
	s.a.Back()
	if s.onSaved != nil {
		s.onSaved()
	}
}
