package ui

import (
	"image/color"

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

// CreateRenderer draws Fyne's button with an edge: a grey button on a grey
// card (245 on 243) was no visible control at all (issue 16); the edge, in
// the input border colour, is at least 3:1 against any surface
// (TestThemeContrast). Coloured buttons need none: their fill is the edge.
func (b *Button) CreateRenderer() fyne.WidgetRenderer {
	edge := canvas.NewRectangle(color.Transparent)
	edge.StrokeWidth = 1
	edge.CornerRadius = theme.InputRadiusSize()
	r := &edgedRenderer{WidgetRenderer: b.Button.CreateRenderer(), b: b, edge: edge}
	r.objs = append(r.WidgetRenderer.Objects(), edge)
	r.paintEdge()
	return r
}

// edgedRenderer is a button's renderer with an edge drawn over it.
type edgedRenderer struct {
	fyne.WidgetRenderer
	b    *Button
	edge *canvas.Rectangle
	objs []fyne.CanvasObject
}

func (r *edgedRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.edge.Move(fyne.NewPos(0, 0))
	r.edge.Resize(size)
}

func (r *edgedRenderer) Objects() []fyne.CanvasObject { return r.objs }

func (r *edgedRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.paintEdge()
	r.edge.Refresh()
}

// paintEdge colours the edge for the button's importance.
func (r *edgedRenderer) paintEdge() {
	r.edge.StrokeColor = color.Transparent
	if r.b.Importance == widget.MediumImportance || r.b.Importance == widget.LowImportance {
		r.edge.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	}
	r.edge.CornerRadius = theme.InputRadiusSize()
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
// than tall (landscape), and one below the other in a single scroller
// otherwise (portrait). A portrait screen once capped the first pane at half
// the height in a scroller of its own, which cut "Save note" off behind the
// bottom bar; one page that scrolls as a whole hides nothing.
type adaptive struct {
	widget.BaseWidget
	weight      float32
	left, right fyne.CanvasObject
	r           *adaptiveRenderer
}

// leftScroll is the scroller holding the left pane now (the page in
// portrait), nil before the first layout.
func (a *adaptive) leftScroll() *container.Scroll {
	if a.r == nil || !a.r.built {
		return nil
	}
	return a.r.objs[0].(*container.Scroll)
}

// newAdaptive lays out left and right (see adaptive).
func newAdaptive(weight float32, left, right fyne.CanvasObject) *adaptive {
	a := &adaptive{weight: weight, left: left, right: right}
	a.ExtendBaseWidget(a)
	return a
}

// CreateRenderer implements fyne.Widget.
func (a *adaptive) CreateRenderer() fyne.WidgetRenderer {
	a.r = &adaptiveRenderer{a: a}
	return a.r
}

type adaptiveRenderer struct {
	a        *adaptive
	built    bool
	portrait bool
	objs     []fyne.CanvasObject
}

// build makes the scrollers of one orientation: the panes move between
// them when the tablet turns.
func (r *adaptiveRenderer) build(portrait bool) {
	r.built, r.portrait = true, portrait
	if portrait {
		r.objs = []fyne.CanvasObject{vscroll(container.NewVBox(r.a.left, r.a.right))}
		return
	}
	r.objs = []fyne.CanvasObject{vscroll(r.a.left), vscroll(r.a.right)}
}

func (r *adaptiveRenderer) Layout(size fyne.Size) {
	portrait := size.Width <= size.Height
	if !r.built || portrait != r.portrait {
		r.build(portrait)
	}
	if portrait {
		r.objs[0].Move(fyne.NewPos(0, 0))
		r.objs[0].Resize(size)
		return
	}
	pad := theme.Padding()
	w := (size.Width - pad) * r.a.weight
	r.objs[0].Move(fyne.NewPos(0, 0))
	r.objs[0].Resize(fyne.NewSize(w, size.Height))
	r.objs[1].Move(fyne.NewPos(w+pad, 0))
	r.objs[1].Resize(fyne.NewSize(size.Width-w-pad, size.Height))
}

func (r *adaptiveRenderer) MinSize() fyne.Size {
	if !r.built {
		r.build(false)
	}
	var s fyne.Size
	for _, o := range r.objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (r *adaptiveRenderer) Objects() []fyne.CanvasObject {
	if !r.built {
		r.build(false)
	}
	return r.objs
}

func (r *adaptiveRenderer) Refresh() {
	for _, o := range r.objs {
		o.Refresh()
	}
}

func (r *adaptiveRenderer) Destroy() {}

// vscroll is a vertical scroller whose content keeps clear of the scroll
// bar: Fyne draws the bar, and the wider area that takes its taps and
// drags, over the content's right edge, where it covered the right of the
// session's Note… buttons (issue 22). The gutter is there whether or not
// the bar is, so nothing moves sideways when a page grows long enough to
// scroll.
func vscroll(o fyne.CanvasObject) *container.Scroll {
	return container.NewVScroll(container.New(barGutter{}, o))
}

// barGutter lays its objects over its whole width but the scroll bar's.
type barGutter struct{}

func (barGutter) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	inner := fyne.NewSize(max(0, size.Width-theme.ScrollBarSize()), size.Height)
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(inner)
	}
}

func (barGutter) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s.AddWidthHeight(theme.ScrollBarSize(), 0)
}

// spacerH is an expanding spacer for a box.
func spacerH() fyne.CanvasObject { return layout.NewSpacer() }
