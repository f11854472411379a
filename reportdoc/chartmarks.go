package reportdoc

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The marks of the progress chart that gonum/plot has no plotter for: the
// break bands, the phase lines with their labels in words, the goal marker,
// the points' shapes and the legend (ADR 0019).

// triangleGlyph is a filled triangle pointing up (a point above the aimline) or
// down (below it), outlined in white so that touching points stay apart.
type triangleGlyph struct{ down bool }

// DrawGlyph implements draw.GlyphDrawer. The triangle's centroid is the
// point, so its tip is as far from the value as its base.
func (g triangleGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r, s := sty.Radius*1.3, vg.Length(1)
	if g.down {
		s = -1
	}
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y + s*r})
	p.Line(vg.Point{X: pt.X - r*0.866, Y: pt.Y - s*r/2})
	p.Line(vg.Point{X: pt.X + r*0.866, Y: pt.Y - s*r/2})
	p.Close()
	fillOutlined(c, p, sty.Color)
}

// disc is a filled circle: a point on the aimline.
type disc struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (disc) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*math.Pi)
	p.Close()
	fillOutlined(c, p, sty.Color)
}

// diamond is the goal marker.
type diamond struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (diamond) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius * 1.4
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X - r, Y: pt.Y})
	p.Line(vg.Point{X: pt.X, Y: pt.Y - r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y})
	p.Close()
	fillOutlined(c, p, sty.Color)
}

func fillOutlined(c *draw.Canvas, p vg.Path, col color.Color) {
	c.SetColor(col)
	c.Fill(p)
	c.SetLineStyle(draw.LineStyle{Color: color.White, Width: vg.Points(0.75)})
	c.Stroke(p)
}

// band is a calendar break on the chart: a shaded column from its first
// day to the day after its last, named (turned upright) when it is wide
// enough for a line of text.
type band struct {
	x0, x1 float64
	name   string
}

// bands draws the breaks under everything else.
type bands struct {
	list []band
	text text.Style
}

// Plot implements plot.Plotter.
func (b bands) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, bd := range b.list {
		x0, x1 := max(trX(bd.x0), c.Min.X), min(trX(bd.x1), c.Max.X)
		if x1 <= x0 {
			continue
		}
		rect := vg.Rectangle{Min: vg.Point{X: x0, Y: c.Min.Y}, Max: vg.Point{X: x1, Y: c.Max.Y}}
		c.SetColor(breakColour)
		c.Fill(rect.Path())
		sty := b.text
		sty.Rotation, sty.XAlign, sty.YAlign = math.Pi/2, draw.XLeft, draw.YCenter
		lineH := sty.FontExtents().Height
		if x1-x0 < lineH {
			continue // too narrow to name
		}
		pad := lineH / 3
		if name := fit(sty, bd.name, c.Max.Y-c.Min.Y-2*pad); name != "" {
			c.FillText(sty, vg.Point{X: (x0 + x1) / 2, Y: c.Min.Y + pad}, name)
		}
	}
}

// phaseMark is one phase line: the week (on the calendar) and its words.
// Lines of one day are one mark, their words joined.
type phaseMark struct {
	x     float64
	words []string
	more  int // changes that day not named
}

// label is the mark's words: "Team: raise the goal, New program", and
// "and 3 more" when the day had more changes than it names.
func (m phaseMark) label() string {
	s := strings.Join(m.words, ", ")
	if m.more > 0 {
		s += fmt.Sprintf(" and %d more", m.more)
	}
	return s
}

// phaseLines draws the phase lines over the data area's height; their
// labels are drawn above it by drawPhaseLabels.
type phaseLines struct{ marks []phaseMark }

// Plot implements plot.Plotter.
func (l phaseLines) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	sty := phaseLineStyle()
	last := vg.Length(math.Inf(-1))
	for _, m := range l.marks {
		// Marks are in date order; lines closer than a point look as one,
		// so the drawing costs at most one line per point of width.
		if x := trX(m.x); c.ContainsX(x) && x-last >= 1 {
			c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
			last = x
		}
	}
}

func phaseLineStyle() draw.LineStyle {
	return draw.LineStyle{Color: phaseColour, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
}

// placedLabel is a phase label laid out above the data area: its text, its
// left edge and width, its row (0 next to the data area) and its line's x.
type placedLabel struct {
	text    string
	left, w vg.Length
	lineX   vg.Length
	row     int
}

// maxLabelRows bounds the rows of phase labels.
const maxLabelRows = 3

// layoutPhaseLabels places each label beside its line, in the lowest row
// and on the first side (right, then left) where it overlaps no label of
// its row and crosses no other phase line (whose stroke up to its own
// label would run through the words); failing that, where it overlaps no
// label. A label with no such place is left out: the lines are drawn all
// the same, and the list under the chart (the console's page, the PDF)
// says what each was. Marks come in date order, so each row's labels end
// further right each time: a label is checked against its row's last end
// and, by binary search, against the lines, O(marks × log marks).
func layoutPhaseLabels(marks []phaseMark, trX func(float64) vg.Length, minX, maxX vg.Length, sty text.Style) []placedLabel {
	gap := sty.Font.Size / 2
	var lines []vg.Length // sorted: marks are in date order
	for _, m := range marks {
		if lx := trX(m.x); lx >= minX && lx <= maxX {
			lines = append(lines, lx)
		}
	}
	// crosses: a line other than own within [left, left+w], gap aside.
	crosses := func(left, w, own vg.Length) bool {
		lo, hi := left-gap/2, left+w+gap/2
		i, _ := slices.BinarySearch(lines, lo)
		for ; i < len(lines) && lines[i] <= hi; i++ {
			if lines[i] != own {
				return true
			}
		}
		return false
	}
	var out []placedLabel
	ends := make([]vg.Length, maxLabelRows) // per row: where its last label ends
	for i := range ends {
		ends[i] = vg.Length(math.Inf(-1))
	}
	// Every label is at least two ems wide ("New program", "Team: …"):
	// where no row has that much room beside the line, nothing is measured,
	// and equal words are measured once.
	least := 2 * sty.Font.Size
	type measured struct {
		text string
		w    vg.Length
	}
	seen := map[string]measured{}
	for _, m := range marks {
		lx := trX(m.x)
		if lx < minX || lx > maxX {
			continue
		}
		room := false
		for _, end := range ends {
			room = room || lx+gap*0.7 >= end+gap || lx-gap*1.7-least >= end
		}
		if !room {
			continue
		}
		words := m.label()
		ms, ok := seen[words]
		if !ok {
			ms.text = fit(sty, words, maxX-minX)
			ms.w = sty.Width(ms.text)
			seen[words] = ms
		}
		label, w := ms.text, ms.w
		sides := []vg.Length{lx + gap*0.7, max(minX, lx-gap*0.7-w)}
		if sides[0]+w > maxX {
			sides = sides[1:]
		}
		pl := placedLabel{text: label, w: w, lineX: lx, row: -1}
		for _, avoidLines := range []bool{true, false} {
			for row := 0; row < maxLabelRows && pl.row < 0; row++ {
				for _, x := range sides {
					if x >= ends[row]+gap && !(avoidLines && crosses(x, w, lx)) {
						pl.row, pl.left = row, x
						break
					}
				}
			}
		}
		if pl.row < 0 {
			continue
		}
		ends[pl.row] = pl.left + w
		out = append(out, pl)
	}
	return out
}

// labelRows is how many rows the labels take.
func labelRows(ls []placedLabel) int {
	n := 0
	for _, l := range ls {
		n = max(n, l.row+1)
	}
	return n
}

// drawPhaseLabels writes the labels in rows above the data area's top,
// each joined to its line by a thin stroke.
func drawPhaseLabels(c draw.Canvas, top vg.Length, ls []placedLabel, sty text.Style) {
	rowH := sty.FontExtents().Height * 1.15
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
	for _, l := range ls {
		base := top + rowH*vg.Length(l.row) + rowH*0.15
		c.StrokeLine2(draw.LineStyle{Color: phaseColour, Width: vg.Points(0.75)}, l.lineX, top, l.lineX, base+rowH*0.7)
		c.FillText(sty, vg.Point{X: l.left, Y: base}, l.text)
	}
}

// goalMark is the goal: a diamond at the goal score on the goal date, with
// its words beside it.
type goalMark struct {
	x, y  float64
	label string
	down  bool // a goal to lower a score: the label goes under the marker
	text  text.Style
}

// room is how far, in points, the goal marker's label reaches above the
// goal (below it for a goal to lower a score).
func (g goalMark) room() vg.Length {
	return g.text.Font.Size*0.45*1.4 + g.text.FontExtents().Height
}

// Plot implements plot.Plotter.
func (g goalMark) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	pt := vg.Point{X: trX(g.x), Y: trY(g.y)}
	if !c.Contains(pt) {
		return
	}
	sty := draw.GlyphStyle{Color: aimColour, Radius: g.text.Font.Size * 0.45, Shape: diamond{}}
	c.DrawGlyph(sty, pt)
	// Above the marker, ending at its right edge, for a goal to raise a
	// score: the aimline comes to it from below on the left; below it for
	// a goal to lower one. draw makes room for it within the data area.
	ts := g.text
	ts.Color, ts.XAlign, ts.YAlign = aimColour, draw.XLeft, draw.YCenter
	label := fit(ts, g.label, c.Max.X-c.Min.X)
	w, h := ts.Width(label), ts.FontExtents().Height
	r := sty.Radius * 1.4
	at := vg.Point{X: max(c.Min.X, pt.X+r-w), Y: pt.Y + r + h/2}
	if g.down {
		at.Y = pt.Y - r - h/2
	}
	at.Y = max(c.Min.Y+h/2, min(c.Max.Y-h/2, at.Y))
	backdrop(c, at, w, h)
	c.FillText(ts, at, label)
}

// GlyphBoxes implements plot.GlyphBoxer: the data area keeps room for the
// marker at its edge.
func (g goalMark) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	r := g.text.Font.Size * 0.45 * 1.4
	return []plot.GlyphBox{{X: p.X.Norm(g.x), Y: p.Y.Norm(g.y), Rectangle: vg.Rectangle{Min: vg.Point{X: -r, Y: -r}, Max: vg.Point{X: r, Y: r}}}}
}

// backdrop is a white, mostly opaque box behind a line of text centred
// vertically on at, so that lines behind it do not cross the words.
func backdrop(c draw.Canvas, at vg.Point, w, h vg.Length) {
	pad := h / 6
	r := vg.Rectangle{Min: vg.Point{X: at.X - pad, Y: at.Y - h/2}, Max: vg.Point{X: at.X + w + pad, Y: at.Y + h/2}}
	c.SetColor(color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xe0})
	c.Fill(r.Path())
}

// legendEntry is one item of the legend: a small picture and its words.
type legendEntry struct {
	mark  func(c draw.Canvas, box vg.Rectangle)
	words string
}

// legendLayout flows the entries in rows across width w: each entry's
// left edge and row.
type legendItem struct {
	e    legendEntry
	left vg.Length
	row  int
}

func layoutLegend(es []legendEntry, w vg.Length, sty text.Style) (items []legendItem, rows int) {
	mark, gap := sty.Font.Size*1.8, sty.Font.Size
	x, row := vg.Length(0), 0
	for _, e := range es {
		words := fit(sty, e.words, w-mark-sty.Font.Size/3)
		iw := mark + sty.Font.Size/3 + sty.Width(words)
		if x > 0 && x+iw > w {
			x, row = 0, row+1
		}
		e.words = words
		items = append(items, legendItem{e: e, left: x, row: row})
		x += iw + gap
	}
	if len(items) > 0 {
		rows = row + 1
	}
	return items, rows
}

// drawLegend draws the laid-out legend in c, from its top-left corner.
func drawLegend(c draw.Canvas, items []legendItem, sty text.Style) {
	rowH := sty.FontExtents().Height * 1.3
	mark := sty.Font.Size * 1.8
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	for _, it := range items {
		y := c.Max.Y - rowH*(vg.Length(it.row)+0.5)
		x := c.Min.X + it.left
		box := vg.Rectangle{Min: vg.Point{X: x, Y: y - rowH*0.35}, Max: vg.Point{X: x + mark, Y: y + rowH*0.35}}
		it.e.mark(c, box)
		c.FillText(sty, vg.Point{X: x + mark + sty.Font.Size/3, Y: y}, it.e.words)
	}
}

// legendLine is a legend picture of a line style.
func legendLine(ls draw.LineStyle) func(draw.Canvas, vg.Rectangle) {
	return func(c draw.Canvas, b vg.Rectangle) {
		y := (b.Min.Y + b.Max.Y) / 2
		c.StrokeLine2(ls, b.Min.X, y, b.Max.X, y)
	}
}

// legendGlyph is a legend picture of a point's shape.
func legendGlyph(g draw.GlyphStyle) func(draw.Canvas, vg.Rectangle) {
	return func(c draw.Canvas, b vg.Rectangle) {
		c.DrawGlyphNoClip(g, vg.Point{X: (b.Min.X + b.Max.X) / 2, Y: (b.Min.Y + b.Max.Y) / 2})
	}
}

// legendBand is a legend picture of a break's shading.
func legendBand(c draw.Canvas, b vg.Rectangle) {
	c.SetColor(breakColour)
	c.Fill(b.Path())
}

// fit is s, shortened at a character boundary with an ellipsis, so that it
// is at most w wide in sty ("" when not even the ellipsis fits).
func fit(sty text.Style, s string, w vg.Length) string {
	s = strings.Join(strings.Fields(s), " ") // one line, whatever the record held
	if sty.Width(s) <= w {
		return s
	}
	rs := []rune(s)
	// Binary search on the length: a name is a record's text of any length.
	n := sort.Search(len(rs), func(i int) bool { return sty.Width(string(rs[:i])+"…") > w })
	if n == 0 {
		return ""
	}
	return string(rs[:n-1]) + "…"
}
