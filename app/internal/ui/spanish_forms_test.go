package ui

import (
	"context"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/applang"
	"smallwins/app/internal/repo"
	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

// shownTexts are the texts of every visible widget on the window, labels,
// buttons, rows, entries' placeholders and a form's row labels included.
func shownTexts(w fyne.Window) []string {
	var out []string
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		if !o.Visible() {
			continue
		}
		if t, ok := o.(*canvas.Text); ok {
			out = append(out, t.Text) // a form's labels are drawn texts
			continue
		}
		v := reflect.ValueOf(o)
		if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
			continue
		}
		for _, field := range []string{"Text", "PlaceHolder"} {
			if f := v.Elem().FieldByName(field); f.IsValid() && f.Kind() == reflect.String && f.String() != "" {
				out = append(out, f.String())
			}
		}
	}
	return out
}

// TestFormsSpeakSpanish: the screens this file's catalogs hold (Setup, the
// student, plan and goal forms with norms, the probe screen with forms, a
// probe's correction, the observation list and form, a session's
// observations) show no message id and none of their English words once
// the app speaks Spanish.
func TestFormsSpeakSpanish(t *testing.T) {
	if err := applang.Use(i18n.Spanish); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = applang.Use(i18n.English) })
	f := newFixture(t)
	sc := seedObserved(t, f)
	seedForms(t, f)
	ctx := context.Background()
	must(repo.Put(ctx, f.store, "", fictionalORF2(), false))
	probe := must(repo.Put(ctx, f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-10",
		Score: 50, Errors: ptr(2.0), FormID: "F1"}, false))
	f.sync.enrolment = Enrolment{Enrolled: true, UserID: "user:coach", Role: "interventionist"}
	a := f.start(landscape)
	must(repo.Put(ctx, f.store, "", record.Observation{SessionID: sc.today, ObserverID: "user:boss", Date: "2025-03-17",
		Fidelity: []record.StepMark{{StepID: "s1", Status: record.StepDone}}, Quality: ptr(3.0), Note: "Bien."}, false))
	goal := newGoalForm(a, sc.students[1], "")
	goal.norms.update(goalInputs{measure: "orf_wcpm", direction: record.DirectionUp, start: "2026-09-07", baseline: "85", goalDate: "2027-05-17"})
	screens := map[string]func() screen{
		"setup":        func() screen { a.Root(TabSetup); return a.current() },
		"student form": func() screen { return newStudentForm(a, sc.students[0]) },
		"plan form":    func() screen { return newPlanForm(a, sc.students[0], sc.plan) },
		"goal form":    func() screen { return goal },
		"probe":        func() screen { return newProbeScreen(a, sc.students[0]) },
		"probe edit":   func() screen { return newProbeEdit(a, probe.ID) },
		"observe list": func() screen { return newObserveList(a) },
		"observe form": func() screen { return newObserveScreen(a, sc.today) },
	}
	english := []string{"Save", "Goal", "Start", "Observe", "Observed", "Form", "Typical growth", "Below benchmark",
		"Family's language", "Edit", "errors", "Not rated", "Checklist", "Errors", "Delete"}
	for name, open := range screens {
		s := open()
		if a.current() != s {
			a.push(s)
		}
		for _, size := range []fyne.Size{landscape, portrait} {
			f.win.Resize(size)
			buttons := 0
			for _, o := range test.LaidOutObjects(f.win.Canvas().Content()) {
				b, ok := o.(*Button)
				if ok && b.Visible() {
					buttons++
				}
				if ok && b.Visible() && b.Size().Width+0.5 < b.MinSize().Width {
					t.Errorf("%s at %v: the button %q is clipped (%v wide, needs %v)", name, size, b.Text, b.Size().Width, b.MinSize().Width)
				}
			}
			if buttons == 0 {
				t.Errorf("%s at %v: no button laid out", name, size)
			}
		}
		f.win.Resize(landscape)
		texts := shownTexts(f.win)
		for _, txt := range texts {
			for _, prefix := range []string{"forms.", "probe.", "observe."} {
				if strings.HasPrefix(txt, prefix) {
					t.Errorf("%s shows the message id %q", name, txt)
				}
			}
			for _, w := range english {
				if regexp.MustCompile(`\b`+w+`\b`).MatchString(txt) && !strings.Contains(txt, "(fictional)") {
					t.Errorf("%s shows English %q in %q", name, w, txt)
				}
			}
		}
		if len(texts) < 3 {
			t.Errorf("%s shows almost nothing: %q", name, texts)
		}
		a.Root(TabToday)
	}
	// A session's observations (the rest of the session screen is its
	// own catalog's).
	ss, err := resumeSession(a, sc.today)
	if err != nil {
		t.Fatal(err)
	}
	a.push(ss)
	if got := strings.Join(ss.observed.lines, "\n"); got != "Observada por un colega: 1 de 8 pasos vistos hechos, 25 % de acuerdo con la lista de la sesión, calidad 3 de 4.\nNota del coach: Bien." &&
		got != "Observada por un colega: 1 de 8 pasos vistos hechos, 25% de acuerdo con la lista de la sesión, calidad 3 de 4.\nNota del coach: Bien." {
		t.Errorf("the session's observation in Spanish: %q", got)
	}
}
