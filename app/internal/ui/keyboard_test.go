package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// TestKeyboard: Tab reaches the buttons, Enter activates the focused one,
// Ctrl+S and F5 ask for a sync, Alt+2 opens Students, Escape goes back.
func TestKeyboard(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	f.sync.enrolment = Enrolment{Enrolled: true, UserID: "u1"}
	a := f.start(landscape)
	a.SetSyncState(SyncState{Enrolled: true})
	c := f.win.Canvas()

	// Tab until the group's Start button has the focus, then Enter.
	start := a.Current().(*todayScreen).start[sc.group]
	found := false
	for i := 0; i < 40 && !found; i++ {
		test.FocusNext(c)
		found = c.Focused() == fyne.Focusable(start)
	}
	if !found {
		t.Fatal("Tab never reaches the Start session button")
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	s, ok := a.Current().(*sessionScreen)
	if !ok {
		t.Fatalf("Enter on Start session shows %T", a.Current())
	}
	// Enter on a focused checklist button marks the step.
	c.Focus(s.steps[0].done)
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnter})
	if got := s.m.stepStatus(s.m.steps[0].ID); got != "done" {
		t.Fatalf("Enter marked step 1 %q", got)
	}
	// Space still works as in Fyne.
	c.Focus(s.students[0].name)
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if s.m.s.Attendance[0].Status != "absent" {
		t.Fatal("Space did not cycle attendance")
	}

	sc2 := c.(fyne.Shortcutable)
	sc2.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	if f.sync.syncNow != 1 {
		t.Fatalf("Ctrl+S asked %d syncs", f.sync.syncNow)
	}
	c.Unfocus()
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF5})
	if f.sync.syncNow != 2 {
		t.Fatalf("F5 asked %d syncs in all", f.sync.syncNow)
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if _, ok := a.Current().(*todayScreen); !ok {
		t.Fatalf("Escape left %T", a.Current())
	}
	sc2.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierAlt})
	if _, ok := a.Current().(*studentsScreen); !ok {
		t.Fatalf("Alt+2 shows %T", a.Current())
	}
}

// TestTouchTargets: every button of the session screen is at least 48 dp
// tall and wide, in both orientations.
func TestTouchTargets(t *testing.T) {
	for _, size := range []fyne.Size{landscape, portrait} {
		f := newFixture(t)
		sc := seedSchool(t, f.store)
		a := f.start(size)
		test.Tap(a.Current().(*todayScreen).start[sc.group])
		n := 0
		for _, o := range test.LaidOutObjects(f.win.Content()) {
			if b, ok := o.(*Button); ok && b.Visible() {
				n++
				if s := b.Size(); s.Height < MinTarget || s.Width < MinTarget {
					t.Errorf("%v: button %q is %v", size, b.Text, s)
				}
			}
		}
		if n < 30 {
			t.Fatalf("only %d buttons laid out", n)
		}
	}
}
