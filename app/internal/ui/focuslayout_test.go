package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/localstore"
)

// The focus and layout faults of issue 22, each seen under Xvfb.

// typeFocused types into whatever has the canvas's focus, as a keyboard
// does; nothing focused is a failure.
func typeFocused(t *testing.T, c fyne.Canvas, s string) {
	t.Helper()
	f := c.Focused()
	if f == nil {
		t.Fatalf("typing %q: nothing has the focus", s)
	}
	for _, r := range s {
		f.TypedRune(r)
	}
}

// TestPINMismatchRetypesFromTheFirstBox: after "The two PINs are not the
// same", typing goes into the first PIN box (it went into "Again").
func TestPINMismatchRetypesFromTheFirstBox(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(Theme{})
	s, err := localstore.OpenWith(filepath.Join(t.TempDir(), "t.db"), localstore.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := test.NewWindow(nil)
	defer w.Close()
	w.Resize(landscape)
	l := NewLock(w, LockConfig{Locker: storeLocker{s}, Background: syncBackground})
	l.Show("")
	typeInto(l.PIN, "482916")
	typeInto(l.Confirm, "482917")
	test.Tap(l.Go)
	if !strings.Contains(l.Message(), "not the same") {
		t.Fatalf("message %q", l.Message())
	}
	typeFocused(t, w.Canvas(), "482916")
	if l.PIN.Text != "482916" || l.Confirm.Text != "" {
		t.Fatalf("retyped into PIN %q, Again %q: want the first box", l.PIN.Text, l.Confirm.Text)
	}
}

// TestChangePINMismatchRetypesFromTheNewBox: the same on the Sync
// screen's Change PIN form.
func TestChangePINMismatchRetypesFromTheNewBox(t *testing.T) {
	f := newFixture(t)
	a := f.start(landscape)
	a.cfg.ChangePIN = func(string, string) error { return nil }
	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	test.Tap(s.changePIN)
	typeInto(s.pinCurrent, "482916")
	typeInto(s.pinNew, "739105")
	typeInto(s.pinAgain, "739106")
	test.Tap(s.pinSave)
	typeFocused(t, f.win.Canvas(), "739105")
	if s.pinNew.Text != "739105" || s.pinAgain.Text != "" {
		t.Fatalf("retyped into New %q, Again %q: want the new PIN's box", s.pinNew.Text, s.pinAgain.Text)
	}
}

// TestCancelReasonIsFocused: the cancel question's reason box takes the
// typing at once.
func TestCancelReasonIsFocused(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(landscape)
	test.Tap(a.Current().(*todayScreen).start[sc.group])
	s := a.Current().(*sessionScreen)
	test.Tap(s.cancel)
	typeFocused(t, f.win.Canvas(), "assembly")
	if s.popNote.Text != "assembly" {
		t.Fatalf("the reason box holds %q after typing", s.popNote.Text)
	}
	test.Tap(s.popConfirm)
	if s.m.s.CancelReason != "assembly" {
		t.Fatalf("cancelled with reason %q", s.m.s.CancelReason)
	}
}

// TestSaveNoteNotClippedInLandscape: in landscape the session's "Save
// note" is whole above the bottom navigation, not cut by the pane's edge.
func TestSaveNoteNotClippedInLandscape(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(landscape)
	test.Tap(a.Current().(*todayScreen).start[sc.group])
	s := a.Current().(*sessionScreen)
	f.win.Content().Refresh()
	d := fyne.CurrentApp().Driver()
	bottom := d.AbsolutePositionForObject(s.saveNote).Y + s.saveNote.Size().Height
	bodyEnd := d.AbsolutePositionForObject(a.body).Y + a.body.Size().Height
	if nav := d.AbsolutePositionForObject(a.nav[0]).Y; bottom > bodyEnd || bottom > nav {
		t.Fatalf("Save note ends at %v, below the screen's end %v (navigation at %v)", bottom, bodyEnd, nav)
	}
}

// TestScrollBarCoversNoButton: on every screen, in both orientations, no
// button inside a scrolling page reaches under its scroll bar (issue 22:
// the bar covered the right of the session's Note… buttons, and its area
// takes the taps there).
func TestScrollBarCoversNoButton(t *testing.T) {
	for _, size := range []fyne.Size{landscape, portrait} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			f := newFixture(t)
			sc := seedSchool(t, f.store)
			worked51(t, f, sc.students[0], 10)
			a := f.start(size)
			screens := []struct {
				name string
				open func()
			}{
				{"today", func() { a.Root(TabToday) }},
				{"students", func() { a.Root(TabStudents) }},
				{"setup", func() { a.Root(TabSetup) }},
				{"sync", func() { a.Root(TabSync) }},
				{"student", func() { a.Root(TabToday); a.push(newStudentScreen(a, sc.students[0])) }},
				{"session", func() { a.Root(TabToday); test.Tap(a.Current().(*todayScreen).start[sc.group]) }},
			}
			for _, s := range screens {
				s.open()
				f.win.Content().Refresh()
				checked := 0
				for _, o := range test.LaidOutObjects(f.win.Content()) {
					sc, ok := o.(*container.Scroll)
					if !ok || sc.Direction != container.ScrollVerticalOnly || !sc.Visible() {
						continue
					}
					barX := sc.Size().Width - theme.ScrollBarSize()
					for b, x := range buttonsIn(sc.Content) {
						checked++
						if right := x + b.Size().Width; right > barX+0.5 {
							t.Errorf("%s: %q ends at x=%v of its page, under the scroll bar from x=%v", s.name, b.Text, right, barX)
						}
					}
				}
				if checked == 0 {
					t.Fatalf("%s: no button found in a scroller", s.name)
				}
			}
		})
	}
}

// buttonsIn are the visible buttons under o with their x relative to o,
// walked through containers and widget renderers as laid out.
func buttonsIn(o fyne.CanvasObject) map[*Button]float32 {
	out := map[*Button]float32{}
	var walk func(o fyne.CanvasObject, x float32)
	walk = func(o fyne.CanvasObject, x float32) {
		if o == nil || !o.Visible() {
			return
		}
		x += o.Position().X
		if b, ok := o.(*Button); ok {
			out[b] = x
			return
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, y := range c.Objects {
				walk(y, x)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, y := range test.WidgetRenderer(w).Objects() {
				walk(y, x)
			}
		}
	}
	walk(o, -o.Position().X)
	return out
}

// TestSaveDialogKeepsNamesWhole: the save dialog lists folders one per
// line: "(Parent)" is not broken into "(Paren" and "t)".
func TestSaveDialogKeepsNamesWhole(t *testing.T) {
	f := newFixture(t)
	a := f.start(landscape)
	a.saveDocument("progress-ava-martinez-2025-03-17.pdf", []byte("%PDF"), func(error) {})
	if a.saveDialog == nil {
		t.Fatal("no save dialog shown")
	}
	dir, err := storage.ListerForURI(storage.NewFileURI(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	a.saveDialog.SetLocation(dir) // a folder with a parent: "(Parent)" is listed
	var found []*widget.Label
	for _, ov := range f.win.Canvas().Overlays().List() {
		for _, o := range test.LaidOutObjects(ov) {
			if l, ok := o.(*widget.Label); ok && l.Text == "(Parent)" && l.Visible() {
				found = append(found, l)
			}
		}
	}
	if len(found) == 0 {
		t.Fatal("no (Parent) entry in the dialog")
	}
	for _, l := range found {
		one := widget.NewLabel(l.Text).MinSize()
		if l.Size().Width < one.Width || l.Size().Height > one.Height*1.5 {
			t.Fatalf("(Parent) is laid out %v, one line needs %v: broken over lines", l.Size(), one)
		}
	}
}
