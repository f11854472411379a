package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// tapMenuItem taps the item of an open pop-up menu whose text is label.
func tapMenuItem(t *testing.T, w fyne.Window, label string) {
	t.Helper()
	for _, ov := range w.Canvas().Overlays().List() {
		for _, o := range test.LaidOutObjects(ov) {
			tp, ok := o.(fyne.Tappable)
			wd, isWidget := o.(fyne.Widget)
			if !ok || !isWidget {
				continue
			}
			for _, x := range test.WidgetRenderer(wd).Objects() {
				if txt, ok := x.(*canvas.Text); ok && txt.Text == label {
					test.Tap(tp)
					return
				}
			}
		}
	}
	t.Fatalf("no menu item %q open", label)
}

// TestLockNow: "Lock now" on the Sync screen, in the header's menu and as
// Ctrl+L covers the app with the lock screen at once; the PIN brings back
// the screen that was open (issue 22: the app locked only when idle).
func TestLockNow(t *testing.T) {
	f := newFixture(t)
	seedSchool(t, f.store)
	a := f.startLocked(landscape)

	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	if !drawn(f.win, s.lockNow) {
		t.Fatal("no Lock now on the Sync screen")
	}
	test.Tap(s.lockNow)
	if !f.lock.Showing() || drawsAny(f.win, "Sync now") != "" {
		t.Fatal("Lock now on the Sync screen did not cover the app")
	}
	f.unlock()
	if a.Current() != s {
		t.Fatalf("after the PIN: %T", a.Current())
	}

	a.Root(TabStudents)
	if !drawn(f.win, a.menu) {
		t.Fatal("no menu in the header")
	}
	test.Tap(a.menu)
	tapMenuItem(t, f.win, "Lock now")
	if !f.lock.Showing() || drawsAny(f.win, "Martinez") != "" {
		t.Fatal("Lock now in the menu did not cover the app")
	}
	f.unlock()
	if _, ok := a.Current().(*studentsScreen); !ok || drawsAny(f.win, "Martinez") == "" {
		t.Fatalf("after the PIN: %T", a.Current())
	}

	f.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault})
	if !f.lock.Showing() {
		t.Fatal("Ctrl+L did not lock")
	}
	f.unlock()
}

// TestLockCoversPopUps: a pop-up open when the app locks (a student's note
// with the name on it) is not drawn over the lock screen; it is back after
// the PIN, with what was typed in it.
func TestLockCoversPopUps(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.startLocked(landscape)
	test.Tap(a.Current().(*todayScreen).start[sc.group])
	s := a.Current().(*sessionScreen)
	test.Tap(s.students[0].more)
	test.Type(s.popNote, "guessing at -ing words")
	overlays := func() string {
		var all []string
		for _, o := range f.win.Canvas().Overlays().List() {
			all = append(all, texts(o)...)
		}
		return strings.Join(all, "\n")
	}
	if !strings.Contains(overlays(), "Ava Martinez") {
		t.Fatal("the student's pop-up does not draw the name (the walker sees nothing)")
	}
	f.lockNow()
	if got := overlays(); strings.Contains(got, "Martinez") || strings.Contains(got, "guessing") {
		t.Fatalf("over the lock screen: %q", got)
	}
	f.unlock()
	if !strings.Contains(overlays(), "Ava Martinez") || s.popNote.Text != "guessing at -ing words" {
		t.Fatalf("after the PIN the pop-up is not back as it was: %q", s.popNote.Text)
	}
	test.Tap(s.popSave)
	if s.popup != nil {
		t.Fatalf("the note was not saved: %q", a.Message())
	}
}

// manualTicker is Config.Tick for tests: fire runs every timer once, as if
// its time had passed.
type manualTicker struct{ timers map[int]func() }

func (m *manualTicker) tick(_ time.Duration, f func()) func() {
	if m.timers == nil {
		m.timers = map[int]func(){}
	}
	id := len(m.timers) + 1
	m.timers[id] = f
	return func() { delete(m.timers, id) }
}

func (m *manualTicker) fire() {
	for _, f := range m.timers {
		f()
	}
}

// TestUndoWaitsForTheUnlock: a deletion just before the tablet locks can
// still be undone after the PIN: the bar's time does not run out behind
// the lock screen; in sight, it does.
func TestUndoWaitsForTheUnlock(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	tk := &manualTicker{}
	f.tick = tk.tick
	a := f.startLocked(landscape)
	a.push(newStudentScreen(a, sc.students[0]))
	a.offerUndo("Probe deleted.", sc.students[0], "x", nil)
	f.lockNow()
	tk.fire() // the bar's time runs out while locked
	f.unlock()
	if !drawn(f.win, a.undo.undo) {
		t.Fatal("the undo bar did not wait for the unlock")
	}
	tk.fire() // in sight, its time runs out
	if a.UndoText() != "" {
		t.Fatalf("the bar stays after its time: %q", a.UndoText())
	}
}
