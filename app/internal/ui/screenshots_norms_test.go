package ui

import (
	"context"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/i18n"
)

// tourNormsAndObservations opens the screens of DOMAIN.md §3.10 and §3.7a
// on the tablet: the goal form with the district's norms (the fictional
// grade 2 ORF table, its worked example), a coach observing a colleague's
// session, and the interventionist's session showing that observation.
func tourNormsAndObservations(t *testing.T, size fyne.Size, visit func(w fyne.Window, name string)) {
	t.Helper()
	f := newFixture(t)
	sc := seedObserved(t, f)
	must(repo.Put(context.Background(), f.store, "", fictionalORF2(), false))
	f.sync.enrolment = Enrolment{Enrolled: true, UserID: "user:coach", Role: "interventionist"}
	a := f.start(size)

	a.push(newGoalForm(a, sc.students[1], ""))
	form := a.Current().(*formScreen)
	formWidget(t, form, lang.L("forms.goal.measure")).(*widget.Select).SetSelectedIndex(0) // oral reading fluency, DOMAIN's first
	typeIn(t, f.win, formWidget(t, form, lang.L("forms.start")).(*widget.Entry), "2026-09-07")
	typeIn(t, f.win, formWidget(t, form, lang.L("forms.goal.baseline")).(*widget.Entry), "83, 85, 88")
	typeIn(t, f.win, formWidget(t, form, lang.L("forms.goal.date")).(*widget.Entry), "2027-05-17")
	if !form.norms.box.Visible() {
		t.Fatal("no suggestions on the goal form")
	}
	visit(f.win, "goal-norms")

	a.Root(TabSetup)
	test.Tap(a.Current().(*setupScreen).observe)
	test.Tap(a.Current().(*observeList).rows[sc.today])
	o := a.Current().(*observeScreen)
	for i, s := range o.steps {
		if i == 2 {
			test.Tap(s.skipped)
			continue
		}
		test.Tap(s.done)
	}
	o.quality.SetSelectedIndex(3)
	o.engagement.SetSelectedIndex(3)
	f.win.Canvas().Focus(o.note)
	test.Tap(o.note)
	test.Type(o.note, "Strong modelling; pace the partner reading.")
	visit(f.win, "observe")
	test.Tap(o.save)

	f.sync.enrolment = Enrolment{Enrolled: true, UserID: "user:ana", Role: "interventionist"}
	ss, err := resumeSession(a, sc.today)
	if err != nil {
		t.Fatal(err)
	}
	a.push(ss)
	visit(f.win, "session-observed")
}

// TestScreenshotsNormsAndObservations renders those screens into
// $SMALLWINS_SCREENSHOTS in the language of SMALLWINS_SCREENSHOT_LANG.
func TestScreenshotsNormsAndObservations(t *testing.T) {
	dir := screenshotDir(t)
	suffix := ""
	if l, ok := i18n.Parse(os.Getenv("SMALLWINS_SCREENSHOT_LANG")); ok && l != i18n.English {
		useLang(t, l)
		suffix = "-" + l.String()
	}
	for _, orient := range orientations {
		tourNormsAndObservations(t, orient.size, func(w fyne.Window, name string) {
			capture(t, w, dir, name+suffix, orient.name)
		})
	}
}

// TestNormsAndObservationScreensFit: the same screens in English and
// Spanish, both orientations, with no text cut off or drawn over text.
func TestNormsAndObservationScreensFit(t *testing.T) {
	for _, l := range i18n.Supported {
		for _, orient := range orientations {
			t.Run(l.String()+"/"+orient.name, func(t *testing.T) {
				useLang(t, l)
				seen := 0
				tourNormsAndObservations(t, orient.size, func(w fyne.Window, name string) {
					w.Content().Refresh()
					seen++
					for _, m := range misfits(w) {
						t.Errorf("%s: %s", name, m)
					}
				})
				if seen != 3 {
					t.Fatalf("saw %d screens", seen)
				}
			})
		}
	}
}
