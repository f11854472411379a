package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A multi-line entry with word wrap scrolls its text in a scroller of its
// own, and that inner scroller takes every mouse-wheel event over the box,
// even with nothing to scroll: the page stopped scrolling under the
// pointer (ADR 0632). passWheel sizes the entry to its text, so its inner
// scroller never has anything to scroll, and lays a wheel-only layer over
// it that hands the wheel to the page's scroller. The layer is neither
// tappable nor focusable: taps, typing and the cursor still reach the
// entry.
func passWheel(e *widget.Entry, minRows int, page func() *container.Scroll) fyne.CanvasObject {
	w := &wheelPass{wheelLayer: wheelLayer{page: page}, entry: e, minRows: minRows}
	w.ExtendBaseWidget(w)
	e.SetMinRowsVisible(minRows)
	prev := e.OnChanged
	e.OnChanged = func(s string) {
		w.grow()
		if prev != nil {
			prev(s)
		}
	}
	return container.NewStack(e, w)
}

// wheelThrough lays the wheel-only layer over o (a form of single-line
// entries): each entry keeps a horizontal scroller of its own that takes
// the wheel too, so over a form's fields the page did not scroll. Taps,
// typing, the cursor and drags still reach the fields under the layer.
func wheelThrough(o fyne.CanvasObject, page func() *container.Scroll) fyne.CanvasObject {
	l := &wheelLayer{page: page}
	l.ExtendBaseWidget(l)
	return container.NewStack(o, l)
}

// wheelLayer takes only the mouse wheel, and hands it to the page.
type wheelLayer struct {
	widget.BaseWidget
	page func() *container.Scroll
}

// Scrolled implements fyne.Scrollable: the page scrolls.
func (w *wheelLayer) Scrolled(ev *fyne.ScrollEvent) {
	if p := w.page(); p != nil {
		p.Scrolled(ev)
	}
}

// CreateRenderer implements fyne.Widget: the layer draws nothing.
func (w *wheelLayer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

// wheelPass is the wheel-only layer of passWheel, which also sizes its
// entry to the text.
type wheelPass struct {
	wheelLayer
	entry   *widget.Entry
	minRows int
	rows    int
	// widths caches each paragraph's measured width: a keystroke changes
	// one paragraph, and measuring all of them again made typing into a
	// long note 50% slower (BenchmarkNoteKeystroke).
	widths map[string]float32
}

// Resize re-counts the rows: a narrower box wraps into more of them.
func (w *wheelPass) Resize(s fyne.Size) {
	if s == w.Size() {
		return
	}
	w.BaseWidget.Resize(s)
	w.grow()
}

// grow gives the entry as many rows as its text wraps into (at least
// minRows), so everything typed stays in sight and the page scrolls instead.
func (w *wheelPass) grow() {
	width := w.entry.Size().Width - 2*theme.InnerPadding() - 2*theme.InputBorderSize()
	if width <= 0 {
		return
	}
	paras := strings.Split(w.entry.Text, "\n")
	if w.widths == nil || len(w.widths) > 4*len(paras)+16 {
		w.widths = map[string]float32{} // bounded: old paragraphs go
	}
	rows := 0
	for _, para := range paras {
		tw, ok := w.widths[para]
		if !ok {
			tw = fyne.MeasureText(para, theme.TextSize(), w.entry.TextStyle).Width
			w.widths[para] = tw
		}
		rows += int(tw/width) + 1
	}
	rows = max(rows+1, w.minRows) // one spare row: word wrap breaks before the edge
	if rows != w.rows {
		w.rows = rows
		w.entry.SetMinRowsVisible(rows)
	}
}
