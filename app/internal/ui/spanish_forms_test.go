package ui

import (
	"context"
	"fmt"
	"testing"

	"fyne.io/fyne/v2"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// formsScreens are the screens of the forms, probe and observe catalogs,
// each opened as the tablet shows it: Setup, the student, plan and goal
// forms (the goal with the norms' suggestions), the probe screen with the
// district's forms, a probe's correction, the observation list and form,
// and a session's observations.
func formsScreens(t *testing.T, f *fixture, a *App, sc observedSchool, probeID string) map[string]func() fyne.CanvasObject {
	show := func(s screen) fyne.CanvasObject {
		a.push(s)
		return s.content()
	}
	return map[string]func() fyne.CanvasObject{
		"setup":        func() fyne.CanvasObject { a.Root(TabSetup); return a.current().content() },
		"student form": func() fyne.CanvasObject { return show(newStudentForm(a, sc.students[0])) },
		"plan form":    func() fyne.CanvasObject { return show(newPlanForm(a, sc.students[0], sc.plan)) },
		"goal form": func() fyne.CanvasObject {
			g := newGoalForm(a, sc.students[1], "")
			g.norms.update(goalInputs{measure: "orf_wcpm", direction: record.DirectionUp, start: "2026-09-07", baseline: "85", goalDate: "2027-05-17"})
			return show(g)
		},
		"probe":        func() fyne.CanvasObject { return show(newProbeScreen(a, sc.students[0])) },
		"probe edit":   func() fyne.CanvasObject { return show(newProbeEdit(a, probeID)) },
		"observe list": func() fyne.CanvasObject { return show(newObserveList(a)) },
		"observe form": func() fyne.CanvasObject { return show(newObserveScreen(a, sc.today)) },
		"session's observations": func() fyne.CanvasObject {
			ss, err := resumeSession(a, sc.today)
			if err != nil {
				t.Fatal(err)
			}
			a.push(ss)
			return ss.observed.box
		},
	}
}

// TestFormsInSpanish: in Spanish, in portrait and landscape, the forms,
// probe and observation screens show no English word or message id, and
// no button, check or line of text is cut or lies over another.
func TestFormsInSpanish(t *testing.T) {
	inSpanish(t)
	for _, size := range []fyne.Size{portrait, landscape} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			f := newFixture(t)
			sc := seedObserved(t, f)
			seedForms(t, f)
			ctx := context.Background()
			must(repo.Put(ctx, f.store, "", fictionalORF2(), false))
			probe := must(repo.Put(ctx, f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-10",
				Score: 50, Errors: ptr(2.0), FormID: "F1"}, false))
			must(repo.Put(ctx, f.store, "", record.Observation{SessionID: sc.today, ObserverID: "user:boss", Date: "2025-03-17",
				Fidelity: []record.StepMark{{StepID: "s1", Status: record.StepDone}}, Quality: ptr(3.0), Note: "Bien."}, false))
			f.sync.enrolment = Enrolment{Enrolled: true, UserID: "user:coach", Role: "interventionist"}
			a := f.start(size)
			for name, open := range formsScreens(t, f, a, sc, probe.ID) {
				obj := open()
				// Twice: a wrapped label knows its height once it has its width.
				f.win.Content().Refresh()
				f.win.Content().Refresh()
				texts := append(shownTexts(obj), a.current().title())
				for _, b := range textBoxesIn(size, obj) {
					if _, row := b.o.(*tapRow); row {
						texts = append(texts, b.text) // shownTexts leaves rows to edit.go's checks
					}
				}
				checkSpanish(t, name, texts, otherWords(t, a, "District local norms 2026 (fictional)",
					"Passage F1", "Passage F2", "Passage F3"))
				for _, p := range misfitsIn(size, obj) {
					t.Errorf("%s: %s", name, p)
				}
				a.Root(TabToday)
			}
		})
	}
}
