package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/shared/record"
)

// labelsOf gathers the text of every label laid out in the window.
func labelsOf(f *fixture) string {
	var b strings.Builder
	for _, o := range test.LaidOutObjects(f.win.Content()) {
		if l, ok := o.(*widget.Label); ok && l.Visible() {
			b.WriteString(l.Text)
			b.WriteString("\n")
		}
	}
	return b.String()
}

// TestEmptyStates: a brand-new tablet says what to do on every tab.
func TestEmptyStates(t *testing.T) {
	f := newFixture(t)
	a := f.start(portrait)
	for _, c := range []struct {
		tab  Tab
		want string
	}{
		{TabToday, "Add students, a program with its checklist, and a group on the Setup tab."},
		{TabStudents, "No students yet."},
		{TabCICO, "No students yet. Add them on the Setup tab."},
		{TabSetup, "No programs yet."},
		{TabSync, "This tablet is not enrolled. It works fully on its own"},
	} {
		a.Root(c.tab)
		if got := labelsOf(f); !strings.Contains(got, c.want) {
			t.Errorf("tab %d does not say %q; it shows:\n%s", c.tab, c.want, got)
		}
	}
	// A page for a student this tablet has not received yet still opens.
	s := newStudentScreen(a, "01900000-0000-7000-8000-000000000abc")
	a.push(s)
	if s.name != "Student not synced yet" || !strings.Contains(labelsOf(f), "No goal yet") {
		t.Fatalf("missing student page: %q", s.name)
	}
}

// TestWriteFailureIsShownAndNothingChanges: when the store cannot write (here
// it is closed under the screen), the tap is refused in words and the screen
// keeps showing what is really saved.
func TestWriteFailureIsShownAndNothingChanges(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(landscape)
	test.Tap(a.Current().(*todayScreen).start[sc.group])
	s := a.Current().(*sessionScreen)
	test.Tap(s.steps[0].done)
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}
	test.Tap(s.steps[1].done)
	test.Tap(s.students[0].name)
	if got := a.Message(); got != "Not saved: Could not save on this tablet. Please try again." {
		t.Fatalf("message %q", got)
	}
	if s.m.stepStatus(s.m.steps[1].ID) != "" || s.m.stepStatus(s.m.steps[0].ID) != record.StepDone {
		t.Fatal("the model changed although the write failed")
	}
	if s.students[0].name.Text != "Ava Martinez · Present" || s.steps[1].done.Importance == widget.SuccessImportance {
		t.Fatal("the screen shows a tap that was not saved")
	}
	f.open() // reopen for the cleanup
}
