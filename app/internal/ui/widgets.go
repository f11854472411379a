package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Button is a widget.Button that is always at least MinTarget tall and
// wide, and that Enter (as well as Space) activates when it has the focus,
// so that keyboard users can Tab to it and press Enter.
type Button struct {
	widget.Button
}

// NewButton makes a Button.
func NewButton(label string, tapped func()) *Button {
	b := &Button{}
	b.Text = label
	b.OnTapped = tapped
	b.ExtendBaseWidget(b)
	return b
}

// newImportant makes a Button of the given importance.
func newImportant(label string, imp widget.Importance, tapped func()) *Button {
	b := NewButton(label, tapped)
	b.Importance = imp
	return b
}

// MinSize is at least MinTarget × MinTarget.
func (b *Button) MinSize() fyne.Size {
	s := b.Button.MinSize()
	return s.Max(fyne.NewSize(MinTarget, MinTarget))
}

// TypedKey activates the button on Enter and Return as well as Space.
func (b *Button) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
		return
	}
	b.Button.TypedKey(ev)
}

// heading is a bold sub-heading label.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// wrapLabel is a label that wraps its text (never clipped on a narrow screen).
func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// card is a titled panel with a light background.
func card(objs ...fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 8
	return container.NewStack(bg, container.NewPadded(container.NewVBox(objs...)))
}

// adaptive places two scrolling panes side by side when the space is wider
// than tall (landscape), and one above the other otherwise (portrait), where
// the first pane gets its natural height up to half the space.
type adaptive struct {
	weight      float32
	left, right fyne.CanvasObject // the panes' contents (inside their scrollers)
}

// Layout implements fyne.Layout for the two scrollers.
func (a *adaptive) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) != 2 {
		return
	}
	pad := theme.Padding()
	if size.Width > size.Height {
		w := (size.Width - pad) * a.weight
		objs[0].Move(fyne.NewPos(0, 0))
		objs[0].Resize(fyne.NewSize(w, size.Height))
		objs[1].Move(fyne.NewPos(w+pad, 0))
		objs[1].Resize(fyne.NewSize(size.Width-w-pad, size.Height))
		return
	}
	h0 := a.left.MinSize().Height
	if h0 > size.Height*0.5 {
		h0 = size.Height * 0.5
	}
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width, h0))
	objs[1].Move(fyne.NewPos(0, h0+pad))
	objs[1].Resize(fyne.NewSize(size.Width, size.Height-h0-pad))
}

// MinSize implements fyne.Layout.
func (a *adaptive) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// newAdaptive lays out left and right, each in its own vertical scroller.
func newAdaptive(weight float32, left, right fyne.CanvasObject) *fyne.Container {
	return container.New(&adaptive{weight: weight, left: left, right: right}, vscroll(left), vscroll(right))
}

// vscroll is a vertical scroller.
func vscroll(o fyne.CanvasObject) *container.Scroll { return container.NewVScroll(o) }

// spacerH is an expanding spacer for a box.
func spacerH() fyne.CanvasObject { return layout.NewSpacer() }
