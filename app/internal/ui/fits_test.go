package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/shared/i18n"
)

// textBox is one piece of text a person reads on the screen, where it is drawn.
type textBox struct {
	o        fyne.CanvasObject
	text     string
	what     string
	pos      fyne.Position
	size     fyne.Size
	min      fyne.Size
	clipping bool // drawn narrower than its text needs, with no wrapping or ellipsis to say so
	seen     rect // the part in view (a scroller shows only part of its content)
}

// rect is a box on the canvas, in absolute coordinates.
type rect struct{ x0, y0, x1, y1 float32 }

func (r rect) cut(o rect) rect {
	return rect{max(r.x0, o.x0), max(r.y0, o.y0), min(r.x1, o.x1), min(r.y1, o.y1)}
}

func (r rect) empty() bool { return r.x1-r.x0 < 1 || r.y1-r.y0 < 1 }

// textBoxesIn are the drawn labels, buttons and checks under each root (a
// window's content, or a pop-up's), in a window of size win: hidden objects
// and the parts of a scroller's content outside its view are left out. A
// label that wraps or truncates fits any width by design; one that does
// neither and is narrower than its text is cut off.
func textBoxesIn(win fyne.Size, roots ...fyne.CanvasObject) []textBox {
	var out []textBox
	var walk func(o fyne.CanvasObject, at fyne.Position, clip rect)
	walk = func(o fyne.CanvasObject, at fyne.Position, clip rect) {
		if o == nil || !o.Visible() {
			return
		}
		p, sz := at.Add(o.Position()), o.Size()
		box := rect{p.X, p.Y, p.X + sz.Width, p.Y + sz.Height}
		if tb, ok := textOf(o); ok {
			if !box.cut(clip).empty() {
				tb.pos, tb.size, tb.seen = p, sz, box.cut(clip)
				out = append(out, tb)
			}
			return
		}
		var kids []fyne.CanvasObject
		switch v := o.(type) {
		case *container.Scroll:
			clip = clip.cut(box)
			kids = []fyne.CanvasObject{v.Content}
		case *fyne.Container:
			kids = v.Objects
		case fyne.Widget:
			kids = test.WidgetRenderer(v).Objects()
		}
		for _, k := range kids {
			walk(k, p, clip)
		}
	}
	d := fyne.CurrentApp().Driver()
	for _, r := range roots {
		// The walk adds each object's position to its parent's: start from
		// where the root's parent would be.
		walk(r, d.AbsolutePositionForObject(r).Subtract(r.Position()), rect{0, 0, win.Width, win.Height})
	}
	return out
}

// textOf is o as a piece of text a person reads, when it is one.
func textOf(o fyne.CanvasObject) (textBox, bool) {
	var text string
	clipping := true
	switch v := o.(type) {
	case *widget.Label:
		text, clipping = v.Text, v.Wrapping == fyne.TextWrapOff && v.Truncation == fyne.TextTruncateOff
	case *Button:
		text = v.Text
	case *widget.Button:
		text = v.Text
	case *widget.Check:
		text = v.Text
	case *tapRow:
		text = v.Text
	default:
		return textBox{}, false
	}
	if strings.TrimSpace(text) == "" || o.Size().Width <= 0 || o.Size().Height <= 0 {
		return textBox{}, false
	}
	kind := strings.TrimPrefix(fmt.Sprintf("%T", o), "*")
	return textBox{o: o, text: text, what: fmt.Sprintf("%s %q", kind, text), min: o.MinSize(), clipping: clipping}, true
}

// misfits are the pieces of text of w that are cut off or drawn over one
// another (misfitsIn).
func misfits(w fyne.Window) []string {
	c := w.Canvas()
	return misfitsIn(c.Size(), c.Content())
}

// misfitsIn are the pieces of text under roots, in a window of size win,
// that are cut off (narrower than their text with no wrapping or ellipsis,
// or lower than one line), run past the window's right edge, or are drawn
// over one another.
func misfitsIn(win fyne.Size, roots ...fyne.CanvasObject) []string {
	const slack = 0.5
	boxes := textBoxesIn(win, roots...)
	var out []string
	for _, b := range boxes {
		if b.clipping && b.min.Width > b.size.Width+slack {
			out = append(out, fmt.Sprintf("%s is cut off: needs %.0f px, has %.0f", b.what, b.min.Width, b.size.Width))
		}
		if b.min.Height > b.size.Height+slack {
			out = append(out, fmt.Sprintf("%s is cut off: needs %.0f px of height, has %.0f", b.what, b.min.Height, b.size.Height))
		}
		if b.pos.X+b.size.Width > win.Width+slack {
			out = append(out, fmt.Sprintf("%s runs past the window's edge (to x=%.0f of %.0f)", b.what, b.pos.X+b.size.Width, win.Width))
		}
	}
	for i := range boxes {
		for j := i + 1; j < len(boxes); j++ {
			if overlap(boxes[i], boxes[j]) {
				out = append(out, fmt.Sprintf("%s overlaps %s", boxes[i].what, boxes[j].what))
			}
		}
	}
	return out
}

// overlap says whether two boxes share more than a pixel's sliver in both
// directions (neighbours touching at an edge are fine).
func overlap(a, b textBox) bool {
	const sliver = 1
	c := a.seen.cut(b.seen)
	return c.x1-c.x0 > sliver && c.y1-c.y0 > sliver
}

// TestEveryScreenFitsInBothLanguages walks every screen of the demo school,
// in English and in Spanish (longer words), in landscape and portrait: no
// button, check or unwrapped label is narrower than its text, and no two
// pieces of text are drawn over one another.
func TestEveryScreenFitsInBothLanguages(t *testing.T) {
	for _, l := range i18n.Supported {
		for _, orient := range orientations {
			t.Run(l.String()+"/"+orient.name, func(t *testing.T) {
				useLang(t, l)
				seen := 0
				tourScreens(t, orient.name, orient.size, func(w fyne.Window, name string) {
					t.Helper()
					w.Content().Refresh()
					seen++
					for _, m := range misfits(w) {
						t.Errorf("%s: %s", name, m)
					}
				})
				if seen < 20 {
					t.Fatalf("the tour saw only %d screens", seen)
				}
			})
		}
	}
}

// TestMisfitsSeesACutButton proves the check can fail: a button squeezed
// narrower than its words, and two labels stacked on one another.
func TestMisfitsSeesACutButton(t *testing.T) {
	b := NewButton("Guardar la nota de la sesión", nil)
	l1, l2 := widget.NewLabel("uno"), widget.NewLabel("dos")
	w := test.NewWindow(nil)
	defer w.Close()
	w.SetContent(&fyne.Container{Layout: nil, Objects: []fyne.CanvasObject{b, l1, l2}})
	w.Resize(fyne.NewSize(400, 400))
	b.Move(fyne.NewPos(200, 0))
	b.Resize(fyne.NewSize(60, 44))
	l1.Move(fyne.NewPos(0, 100))
	l1.Resize(fyne.NewSize(80, 30))
	l2.Move(fyne.NewPos(10, 105))
	l2.Resize(fyne.NewSize(80, 30))
	l3 := widget.NewLabel("tres")
	l3.Move(fyne.NewPos(380, 200))
	l3.Resize(fyne.NewSize(80, 30))
	w.Content().(*fyne.Container).Add(l3)
	got := strings.Join(misfits(w), "\n")
	for _, want := range []string{"is cut off", `widget.Label "uno" overlaps widget.Label "dos"`, `widget.Label "tres" runs past the window's edge`} {
		if !strings.Contains(got, want) {
			t.Fatalf("misfits missed %q:\n%s", want, got)
		}
	}
	// Laid out apart, wide and tall enough, nothing is found.
	b.Move(fyne.NewPos(0, 0))
	b.Resize(b.MinSize())
	for i, l := range []*widget.Label{l1, l2, l3} {
		l.Move(fyne.NewPos(10, float32(100+60*i)))
		l.Resize(l.MinSize())
	}
	if got := misfits(w); len(got) != 0 {
		t.Fatalf("laid out apart, still: %v", got)
	}
}
