package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// TestWheelOverNoteBoxScrollsThePage: the mouse wheel over the student's
// note box scrolls the page (the entry's own scroller took it), a tap on
// the box still focuses the entry, and a long note grows the box instead
// of scrolling inside it.
func TestWheelOverNoteBoxScrollsThePage(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	for i := 0; i < 30; i++ { // a page taller than the window
		must(repo.PutNote(context.Background(), f.store, "", record.Note{StudentID: sc.students[0], AuthorID: "x", Body: fmt.Sprintf("note %d", i)}, false))
	}
	a := f.start(landscape)
	s := newStudentScreen(a, sc.students[0])
	a.push(s)
	c := f.win.Canvas()
	d := fyne.CurrentApp().Driver()
	s.page.Offset = fyne.NewPos(0, 0)
	s.page.Refresh()
	// Bring the note box into view, then wheel over its middle.
	s.page.ScrollToOffset(fyne.NewPos(0, d.AbsolutePositionForObject(s.noteEntry).Y-200))
	at := d.AbsolutePositionForObject(s.noteEntry).Add(fyne.NewPos(20, s.noteEntry.Size().Height/2))
	before := s.page.Offset.Y
	test.Scroll(c, at, 0, -120)
	if s.page.Offset.Y <= before {
		t.Fatalf("the wheel over the note box left the page at %v (was %v)", s.page.Offset.Y, before)
	}
	// The layer takes only the wheel: a tap, a press, a drag and the focus
	// find the entry under it.
	var layer any = s.noteBox.(*fyne.Container).Objects[1]
	if _, ok := layer.(*wheelPass); !ok {
		t.Fatalf("the layer is %T", layer)
	}
	for name, ok := range map[string]bool{
		"tappable": is[fyne.Tappable](layer), "focusable": is[fyne.Focusable](layer),
		"mouseable": is[desktop.Mouseable](layer), "draggable": is[fyne.Draggable](layer), "hoverable": is[desktop.Hoverable](layer),
	} {
		if ok {
			t.Errorf("the wheel layer is %s: it would take that from the entry", name)
		}
	}
	h := s.noteEntry.MinSize().Height
	test.Tap(s.noteEntry)
	test.Type(s.noteEntry, strings.Repeat("A long observation about blends and vowel teams. ", 12))
	if s.noteEntry.MinSize().Height <= h {
		t.Fatalf("the box stayed %v tall for a long note", h)
	}
}

func is[T any](v any) bool {
	_, ok := v.(T)
	return ok
}

// TestWheelOverFormFieldsScrollsThePage: over a form of single-line
// fields (the Sync screen's enrolment form, a setup form) the wheel
// scrolls the page — each entry's own horizontal scroller took it — and a
// tap still reaches the field under the layer.
func TestWheelOverFormFieldsScrollsThePage(t *testing.T) {
	f := newFixture(t)
	a := f.start(landscape)
	a.cfg.ChangePIN = func(string, string) error { return nil }
	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	s.refresh()
	test.Tap(s.changePIN) // the page is taller than the window
	c := f.win.Canvas()
	d := fyne.CurrentApp().Driver()
	page := s.page()
	page.ScrollToTop()
	at := d.AbsolutePositionForObject(s.school).Add(fyne.NewPos(40, s.school.Size().Height/2))
	test.Scroll(c, at, 0, -120)
	if page.Offset.Y <= 0 {
		t.Fatalf("the wheel over the School field left the page at %v", page.Offset.Y)
	}
	// The layer over the form takes only the wheel: taps, presses, drags,
	// hovering and the focus find the field under it (the drivers look for
	// the topmost object of each kind).
	var layer fyne.CanvasObject = &wheelLayer{}
	for name, ok := range map[string]bool{
		"tappable": is[fyne.Tappable](layer), "focusable": is[fyne.Focusable](layer),
		"mouseable": is[desktop.Mouseable](layer), "draggable": is[fyne.Draggable](layer), "hoverable": is[desktop.Hoverable](layer),
	} {
		if ok {
			t.Errorf("the form's wheel layer is %s: it would take that from the fields", name)
		}
	}

	g := newGroupForm(a, "")
	a.push(g)
	gp := g.root.(*container.Scroll)
	var first *widget.Entry
	for _, it := range g.form.Items {
		if e, ok := it.Widget.(*widget.Entry); ok {
			first = e
			break
		}
	}
	if first == nil {
		t.Fatal("the group form has no entry")
	}
	f.win.Resize(fyne.NewSize(800, 300)) // short, so the form scrolls
	gp.ScrollToTop()
	test.Scroll(c, d.AbsolutePositionForObject(first).Add(fyne.NewPos(40, 10)), 0, -120)
	if gp.Offset.Y <= 0 {
		t.Fatalf("the wheel over a setup form's field left the page at %v", gp.Offset.Y)
	}
}
