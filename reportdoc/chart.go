// Package reportdoc renders what a coordinator hands out: the progress chart
// (PNG for the tablet, the same drawing at print resolution inside the PDF),
// the per-student progress report as PDF, and CSV exports of sessions,
// attendance and fidelity. It reads shared/progress reports and decoded records; it never
// reads notes, so restricted notes cannot appear.
package reportdoc

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/plot"
	pfont "gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// Colours shared by the app and the PDF.
var (
	aimColour        = color.RGBA{R: 0x1f, G: 0x6f, B: 0x4a, A: 0xff} // green: the aimline to the goal
	trendColour      = color.RGBA{R: 0x1f, G: 0x5f, B: 0xb0, A: 0xff} // blue: the OLS trend
	projectionColour = color.RGBA{R: 0x5b, G: 0x86, B: 0xc4, A: 0xff} // lighter blue: the trend carried on
	betterColour     = color.RGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}
	worseColour      = color.RGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	onColour         = color.RGBA{R: 0x44, G: 0x44, B: 0x44, A: 0xff}
	phaseColour      = color.RGBA{R: 0x6a, G: 0x3d, B: 0x9a, A: 0xff} // purple: a phase line
	breakColour      = color.RGBA{R: 0xe6, G: 0xe6, B: 0xe6, A: 0xff} // grey: a break's band
	breakInk         = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
	inkColour        = color.RGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xff}
	gridColour       = color.RGBA{R: 0xd8, G: 0xd8, B: 0xd8, A: 0xff}
	pathColour       = color.Gray{Y: 0x80}
)

// Chart is one goal's progress chart: the report, its phase lines
// (progress.Phases: a plan starting or ending, a team decision) and the
// school's calendar (its breaks), which the report's week axis leaves out
// but the chart shades and dates by (ADR 0019): the calendar the report was
// computed with (progress.Dataset.Calendar). The console's SVG, the PDFs'
// image and the tablet's PNG are this one drawing.
type Chart struct {
	Report   progress.Report
	Phases   []progress.Phase
	Calendar progress.Calendar
	// Lang is the language of the chart's words (axis, legend, dates,
	// decimal marks); "" is English.
	Lang i18n.Lang
	// Family draws the chart for a family (DOMAIN.md §4.3): the scores and
	// the path to the goal in plain words, without the team's trend lines;
	// the caller gives it no phase lines (they name team decisions).
	Family bool
}

// chartStyle is what differs between surfaces: the size of the type, in
// points of the canvas. Marks, gaps and rows follow from it, so the chart
// for a phone, a page or print is one drawing.
type chartStyle struct{ text vg.Length }

// pxStyle is the type for a canvas measured in CSS pixels (96 a inch, 0.75
// point each) that is shown at about its own size: 13 px, the size of the
// console's small text.
var pxStyle = chartStyle{text: 13 * 0.75}

// ChartSize is a chart's size in CSS pixels.
type ChartSize struct{ W, H int }

// The console's two sizes of the chart (ADR 0019), each drawn with 13 px
// type: wide, at least 700 px, for a desktop page, shown at its own size;
// narrow for a phone (a page of 390 px shows it at about 340 px, the type at
// 12 px). The student page picks one by the width of the screen.
var (
	ConsoleChartWide   = ChartSize{W: 760, H: 400}
	ConsoleChartNarrow = ChartSize{W: 360, H: 320}
)

// sans is the type of every label: Liberation Sans, which gonum/plot ships
// and the PDF's text is set in; a sans-serif like the console's (ADR 0019).
var sans = pfont.Font{Typeface: "Liberation", Variant: "Sans"}

func (st chartStyle) textStyle(size vg.Length, col color.Color) text.Style {
	return text.Style{Color: col, Font: pfont.From(sans, size), XAlign: draw.XLeft, YAlign: draw.YBottom, Handler: plot.DefaultTextHandler}
}

// chartPlot is the chart laid out for gonum/plot, with what is drawn outside
// its data area: the phase labels above it and the legend under it.
type chartPlot struct {
	p        *plot.Plot
	plotters []plot.Plotter // what p draws, in order
	phases   []phaseMark
	legend   []legendEntry
	st       chartStyle
	goal     *goalMark // nil when the goal is not drawn
}

// layers collects the chart's plotters in drawing order and the range the
// axes must show.
type layers struct {
	list   []plot.Plotter
	legend []legendEntry
	xs, ys valueRange
}

func (l *layers) line(xys plotter.XYs, ls draw.LineStyle) error {
	line, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	line.LineStyle = ls
	l.list = append(l.list, line)
	return nil
}

// newChart lays ch out (ADR 0019): on a calendar axis labelled with dates,
// the breaks shaded; the aimline from the start to the goal, marked and
// labelled; a trend per phase (one alone is carried on to the goal date); the
// points, whose shape says where each is against the aimline and whose
// colour says whether that is better or worse; the phase lines, labelled in
// words. Every value is placed through the chart's window (chartrange.go,
// ADR 0023).
func newChart(ch Chart, st chartStyle) (*chartPlot, error) {
	r := ch.Report
	w := wordsIn(ch.Lang)
	legend := func(id string) string {
		if ch.Family {
			id = "chart.family." + id
		} else {
			id = "chart." + id
		}
		return w.T(id)
	}
	ax := newTimeAxis(r, ch.Calendar)
	l := &layers{xs: newRange(), ys: newRange()}
	var goal *goalMark

	goalWeek, haveGoalWeek := 0.0, false
	if r.Aimline != nil && r.Aimline.SlopePerWeek != 0 {
		goalWeek = (r.Aimline.GoalScore - r.Aimline.StartScore) / r.Aimline.SlopePerWeek
		_, haveGoalWeek = ChartWeek(goalWeek)
	}
	goalX, haveGoalX := 0.0, false
	if d, err := progress.ParseDate(r.Goal.GoalDate); err == nil && ax.dated {
		goalX, haveGoalX = ChartWeek(ax.dateX(d))
	} else if haveGoalWeek {
		goalX, haveGoalX = ChartWeek(ax.x(goalWeek))
	}

	if haveGoalWeek {
		if xys, ok := ax.line(0, r.Aimline.StartScore, goalWeek, r.Aimline.GoalScore); ok {
			if end := xys[len(xys)-1]; haveGoalX && goalX > end.X {
				xys = append(xys, plotter.XY{X: goalX, Y: end.Y}) // a goal date in a break
			}
			ls := draw.LineStyle{Color: aimColour, Width: vg.Points(2)}
			if err := l.line(xys, ls); err != nil {
				return nil, err
			}
			l.legend = append(l.legend, legendEntry{legendLine(ls), legend("aimline")})
			l.extend(xys)
		}
	}
	if !ch.Family {
		if err := l.trends(w, ax, r, ch.Phases, goalWeek, haveGoalWeek); err != nil {
			return nil, err
		}
	}
	if err := l.points(ax, r, ch.Phases, st, legend); err != nil {
		return nil, err
	}
	if y, ok := ChartScore(r.Baseline.Score); ok {
		l.ys.add(y)
	}
	marks := phaseMarks(w, ax, ch.Phases)
	for _, m := range marks {
		l.xs.add(m.x)
	}
	if len(marks) > 0 {
		l.list = append(l.list, phaseLines{marks: marks})
	}
	if y, ok := ChartScore(r.Goal.GoalScore); ok && haveGoalX {
		l.xs.add(goalX)
		l.ys.add(y)
		gm := goalMark{x: goalX, y: y, label: goalWords(w, r), down: r.Goal.Direction == record.DirectionDown, text: st.textStyle(st.text, aimColour)}
		l.list = append(l.list, gm)
		goal = &gm
	}

	p := plot.New()
	p.BackgroundColor = nil // draw fills the canvas (the SVG) or it is white (a PNG)
	// The axes: x from the start (or a point before it) to the goal date
	// (or a point or phase line after it), y over every score drawn and
	// the goal, each with a margin. Both are set here, never left to
	// gonum/plot: its tick placement loops for good on a range that is
	// infinite or overflows (ADR 0023).
	l.xs.add(0)
	xlo, xhi := l.xs.padded(0.03, 0.3)
	ylo, yhi := l.ys.padded(0.08, 0)
	under := []plot.Plotter{}
	if bs := ax.bands(xlo, xhi); len(bs) > 0 {
		under = append(under, bands{list: bs, text: st.textStyle(st.text*0.9, breakInk)})
		l.legend = append(l.legend, legendEntry{legendBand, legend("break")})
	}
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = gridColour, gridColour
	all := append(append(under, grid), l.list...)
	p.Add(all...)
	p.X.Min, p.X.Max = AxisRange(xlo, xhi, WeekLimit)
	p.Y.Min, p.Y.Max = AxisRange(ylo, yhi, ScoreLimit)
	p.Y.Tick.Marker = scoreTicks{w: w}
	if goal != nil {
		labelBeyond(&p.Y, goal.y, goal.down)
	}
	styleAxes(p, w, ax, r, st)
	return &chartPlot{p: p, plotters: all, phases: marks, legend: l.legend, st: st, goal: goal}, nil
}

// labelBeyond widens the axis by one step of its ticks when no labelled
// tick lies beyond the goal (above it, or below it for a goal to lower a
// score): the axis then reads past the goal instead of stopping under it.
func labelBeyond(a *plot.Axis, goal float64, down bool) {
	var major []float64
	for _, t := range a.Tick.Marker.Ticks(a.Min, a.Max) {
		if t.Label != "" {
			major = append(major, t.Value)
		}
	}
	if len(major) < 2 {
		return
	}
	sort.Float64s(major)
	step := major[1] - major[0]
	lo, hi := a.Min, a.Max
	switch {
	case !down && major[len(major)-1] < goal:
		hi = major[len(major)-1] + step
	case down && major[0] > goal:
		lo = major[0] - step
	default:
		return
	}
	a.Min, a.Max = AxisRange(lo, hi, ScoreLimit)
}

// styleAxes sets the type, the date ticks and the axes' words.
func styleAxes(p *plot.Plot, w words, ax timeAxis, r progress.Report, st chartStyle) {
	if ax.dated {
		p.X.Tick.Marker = dateTicks{w: w, start: ax.start, maxLabels: 8}
	} else {
		p.X.Label.Text = w.T("chart.axis.weeks")
	}
	// DOMAIN.md §2: an axis shows the measure's unit in words, never its code.
	p.Y.Label.Text = w.sp.Measure(r.Goal.Measure).Axis()
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = pfont.From(sans, st.text)
		a.Label.TextStyle.Color = inkColour
		a.Tick.Label.Font = pfont.From(sans, st.text)
		a.Tick.Label.Color = inkColour
		a.Color, a.Tick.Color = inkColour, inkColour
		a.Tick.Length = st.text / 2
		a.Padding = st.text / 3
	}
}

// trends draws DOMAIN.md §3.4's OLS trend per phase (progress.PhaseTrends:
// each phase line starts a new one) over that phase's points and, for a
// goal with one trend, that trend carried on, fainter, to the goal date:
// where the present rate leads.
func (l *layers) trends(w words, ax timeAxis, r progress.Report, phases []progress.Phase, goalWeek float64, haveGoalWeek bool) error {
	trends := progress.PhaseTrends(r.Points, phases)
	for i, t := range trends {
		at := func(w float64) float64 { return t.Intercept + t.Slope*w }
		if xys, ok := ax.line(t.FirstWeek, at(t.FirstWeek), t.LastWeek, at(t.LastWeek)); ok {
			ls := draw.LineStyle{Color: trendColour, Width: vg.Points(2), Dashes: []vg.Length{vg.Points(7), vg.Points(3)}}
			if err := l.line(xys, ls); err != nil {
				return err
			}
			l.extend(xys)
			if i == 0 {
				id := "chart.trend"
				if len(trends) > 1 {
					id = "chart.trend_each_phase"
				}
				l.legend = append(l.legend, legendEntry{legendLine(ls), w.T(id)})
			}
		}
		// Carried on only when it is the whole goal's trend, whose
		// projection the report states (DOMAIN.md §3.4): a phase's own
		// line carried on would end at another number than the one
		// printed beside the chart.
		if len(trends) != 1 || t.Points != len(r.Points) || !haveGoalWeek || !(goalWeek > t.LastWeek) {
			continue
		}
		// Not in the y range: a steep trend carried on for months would
		// squeeze the points; the data area cuts it off instead.
		if xys, ok := ax.line(t.LastWeek, at(t.LastWeek), goalWeek, at(goalWeek)); ok {
			ls := draw.LineStyle{Color: projectionColour, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(2), vg.Points(3)}}
			if err := l.line(xys, ls); err != nil {
				return err
			}
			l.legend = append(l.legend, legendEntry{legendLine(ls), w.T("chart.trend_carried_on")})
		}
	}
	return nil
}

// points draws the report's points, joined within each phase (a path does
// not cross a phase line), each shaped by where it is against the aimline
// (▲ above, ▼ below, ● on) and coloured by whether that is better or worse
// for the goal's direction: shape and colour say it twice, so the chart
// reads without colour.
func (l *layers) points(ax timeAxis, r progress.Report, phases []progress.Phase, st chartStyle, legend func(id string) string) error {
	down := r.Goal.Direction == record.DirectionDown
	radius := st.text * 0.4
	kinds := []struct {
		pos   string
		shape draw.GlyphDrawer
		words string
		xys   plotter.XYs
	}{
		{progress.Above, triangleGlyph{}, legend("above"), nil},
		{progress.Below, triangleGlyph{down: true}, legend("below"), nil},
		{progress.On, disc{}, legend("on"), nil},
	}
	var path plotter.XYs
	flush := func() error {
		if len(path) > 1 {
			if err := l.line(path, draw.LineStyle{Color: pathColour, Width: vg.Points(0.75)}); err != nil {
				return err
			}
		}
		path = path[:0:0]
		return nil
	}
	k := 0 // the next phase line
	for _, pt := range r.Points {
		w, okW := ChartWeek(pt.Week)
		y, okY := ChartScore(pt.Score)
		if !okW || !okY {
			continue // no honest place for it (ADR 0023)
		}
		crossed := false
		for k < len(phases) && pt.Week > phases[k].Week {
			k, crossed = k+1, true
		}
		if crossed {
			if err := flush(); err != nil {
				return err
			}
		}
		xy := plotter.XY{X: ax.x(w), Y: y}
		xy.X, _ = ChartWeek(xy.X)
		path = append(path, xy)
		l.xs.add(xy.X)
		l.ys.add(y)
		i := 2
		switch pt.Position {
		case progress.Above:
			i = 0
		case progress.Below:
			i = 1
		}
		kinds[i].xys = append(kinds[i].xys, xy)
	}
	if err := flush(); err != nil {
		return err
	}
	for i, kd := range kinds {
		if len(kd.xys) == 0 {
			continue
		}
		s, err := plotter.NewScatter(kd.xys)
		if err != nil {
			return err
		}
		col := onColour
		if i < 2 {
			col = worseColour
			if (i == 0) != down {
				col = betterColour
			}
		}
		s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: radius, Shape: kd.shape}
		l.list = append(l.list, s)
		l.legend = append(l.legend, legendEntry{legendGlyph(s.GlyphStyle), kd.words})
	}
	return nil
}

// phaseMarks are the phase lines on the calendar, one per day, in words
// (progress.PhaseWords). A plan ending on the day another starts is a
// change of program: "New program" says it. A day of many changes names
// the first few (maxMarkWords) and counts the rest, so that thousands of
// decisions on one day cost no more than a few.
func phaseMarks(say words, ax timeAxis, phases []progress.Phase) []phaseMark {
	var out []phaseMark
	ended := say.sp.PhaseWords(progress.Phase{Kind: progress.PhasePlanEnd})
	for _, ph := range phases {
		w, ok := ChartWeek(ph.Week)
		if !ok {
			continue
		}
		x, _ := ChartWeek(ax.x(w))
		words := say.sp.PhaseWords(ph)
		n := len(out)
		if n == 0 || out[n-1].x != x {
			out = append(out, phaseMark{x: x, words: []string{words}})
			continue
		}
		m := &out[n-1]
		switch {
		case slices.Contains(m.words, words):
		case len(m.words) == 1 && m.words[0] == ended && ph.Kind == progress.PhasePlanStart:
			m.words[0] = words
		case len(m.words) < maxMarkWords:
			m.words = append(m.words, words)
		default:
			m.more++
		}
	}
	return out
}

// maxMarkWords is how many changes of one day a phase label names.
const maxMarkWords = 2

// goalWords labels the goal marker: "Goal 78 by 12 May".
func goalWords(w words, r progress.Report) string {
	goal := w.num(r.Goal.GoalScore)
	if d, err := progress.ParseDate(r.Goal.GoalDate); err == nil {
		return w.T("chart.goal_by", i18n.Args{"Goal": goal, "Date": w.date("doc.date.day_month", d.Time())})
	}
	return w.T("chart.goal", i18n.Args{"Goal": goal})
}

// bands are the breaks within [lo, hi] on the calendar. A break's days
// are drawn as the span in which the report's clock stops: from the last
// day of instruction before it to its last day, where the aimline runs
// flat (a day d is the stretch (d−1, d] that §3.2's week(d) counts).
func (a timeAxis) bands(lo, hi float64) []band {
	if !a.dated {
		return nil
	}
	var out []band
	for _, p := range a.pauses {
		x0, x1 := a.dateX(p.From-1), a.dateX(p.To)
		if x1 <= lo || x0 >= hi {
			continue
		}
		x0, _ = ChartWeek(x0)
		x1, _ = ChartWeek(x1)
		out = append(out, band{x0: x0, x1: x1, name: p.Name})
	}
	return out
}

// valueRange is the smallest and largest of the values a chart must show.
type valueRange struct{ lo, hi float64 }

func newRange() valueRange { return valueRange{lo: math.Inf(1), hi: math.Inf(-1)} }

func (v *valueRange) add(x float64) {
	if !math.IsNaN(x) && !math.IsInf(x, 0) {
		v.lo, v.hi = min(v.lo, x), max(v.hi, x)
	}
}

// extend makes the axes' ranges cover a line's points.
func (l *layers) extend(xys plotter.XYs) {
	for _, xy := range xys {
		l.xs.add(xy.X)
		l.ys.add(xy.Y)
	}
}

// padded is the range with a margin of frac of its width, at least least,
// either side ((0, 0) when nothing was added: AxisRange widens it).
func (v valueRange) padded(frac, least float64) (float64, float64) {
	if v.lo > v.hi {
		return 0, 0
	}
	// Halves first: the values lie within the chart's window, so nothing
	// overflows.
	pad := max((v.hi/2-v.lo/2)*2*frac, least)
	return v.lo - pad, v.hi + pad
}

// draw draws the chart on c: the legend's rows at the bottom, the phase
// labels' rows above the data area, the plot between them.
//
// background fills the canvas white first: the SVG's, which is otherwise
// transparent. A PNG canvas starts white, and filling 1,400 × 720 pixels
// again through the rasteriser would cost as much as the rest of the chart.
func (cp *chartPlot) draw(c draw.Canvas, background bool) {
	st := cp.st
	if background {
		c.SetColor(color.White) // the margins, the labels' rows and the legend too
		c.Fill(c.Rectangle.Path())
	}
	margin := st.text / 2
	c = draw.Crop(c, margin, -margin, margin, -margin)

	legendText := st.textStyle(st.text*0.92, inkColour)
	items, rows := layoutLegend(cp.legend, c.Max.X-c.Min.X, legendText)
	legendH := vg.Length(rows) * legendText.FontExtents().Height * 1.3
	if rows > 0 {
		legendH += margin
	}
	body := draw.Crop(c, 0, 0, legendH, 0)

	phaseText := st.textStyle(st.text, phaseColour)
	var labels []placedLabel
	if len(cp.phases) > 0 {
		da := cp.p.DataCanvas(body)
		trX, _ := cp.p.Transforms(&da)
		labels = layoutPhaseLabels(cp.phases, trX, da.Min.X, c.Max.X, phaseText)
		strip := vg.Length(labelRows(labels)) * phaseText.FontExtents().Height * 1.15
		body = draw.Crop(body, 0, 0, 0, -strip)
	}
	cp.roomForGoal(body)
	cp.p.Draw(body)
	da := cp.p.DataCanvas(body)
	drawPhaseLabels(c, da.Max.Y, labels, phaseText)
	if rows > 0 {
		drawLegend(draw.Crop(c, 0, 0, 0, -(c.Max.Y-c.Min.Y-legendH+margin)), items, legendText)
	}
}

// roomForGoal widens the y axis, when it must, so that the goal marker's
// label fits within the data area above the goal (below it for a goal to
// lower a score): the range is set in scores, the label's height in
// points, so only a canvas of known size says how many scores that is.
func (cp *chartPlot) roomForGoal(body draw.Canvas) {
	if cp.goal == nil {
		return
	}
	y := &cp.p.Y
	for range 3 { // the axis' own width changes with its range: settle it
		da := cp.p.DataCanvas(body)
		h := float64(da.Max.Y - da.Min.Y)
		span := y.Max - y.Min
		if h <= 0 || !(span > 0) {
			return
		}
		need := float64(cp.goal.room()) * span / h // in scores
		gap := y.Max - cp.goal.y
		if cp.goal.down {
			gap = cp.goal.y - y.Min
		}
		if gap >= need {
			return
		}
		lo, hi := y.Min, y.Max
		if cp.goal.down {
			lo -= (need - gap) * 1.1
		} else {
			hi += (need - gap) * 1.1
		}
		y.Min, y.Max = AxisRange(lo, hi, ScoreLimit)
	}
}

// ProgressChartPNG renders the chart as a PNG of the given size in pixels
// at 96 a inch, with large type: the tablet shows it scaled down to its
// screen.
func ProgressChartPNG(ch Chart, widthPx, heightPx int) ([]byte, error) {
	if widthPx < 100 || heightPx < 80 || widthPx > 8000 || heightPx > 8000 {
		return nil, fmt.Errorf("reportdoc: chart size %d×%d out of range", widthPx, heightPx)
	}
	const dpi = 96
	return chartPNG(ch, float64(widthPx)/dpi, float64(heightPx)/dpi, dpi, chartStyle{text: 13})
}

// chartPNG draws the chart on a canvas of the given size in inches at dpi
// dots per inch: the PDF draws it at print resolution.
func chartPNG(ch Chart, wInch, hInch float64, dpi int, st chartStyle) ([]byte, error) {
	cp, err := newChart(ch, st)
	if err != nil {
		return nil, fmt.Errorf("reportdoc: chart: %w", err)
	}
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(wInch)*vg.Inch, vg.Length(hInch)*vg.Inch), vgimg.UseDPI(dpi))
	cp.draw(draw.New(c), false)
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("reportdoc: chart png: %w", err)
	}
	return buf.Bytes(), nil
}

// ProgressChartSVG is the same chart as an SVG document of the given size
// in CSS pixels, for the school console (CONSOLE.md §3: "the same drawing as
// the PDF"). Its type is 13 px at that size: a page shows it at its own
// width (a narrow one for a phone, ADR 0019). The font travels with it as a
// small subset (svgfont.go), so a school network without internet draws it
// the same.
func ProgressChartSVG(ch Chart, widthPx, heightPx int) ([]byte, error) {
	if widthPx < 100 || heightPx < 80 || widthPx > 8000 || heightPx > 8000 {
		return nil, fmt.Errorf("reportdoc: chart size %d×%d out of range", widthPx, heightPx)
	}
	cp, err := newChart(ch, pxStyle)
	if err != nil {
		return nil, fmt.Errorf("reportdoc: chart: %w", err)
	}
	const dpi = 96 // CSS pixels per inch
	c := vgsvg.NewWith(vgsvg.UseWH(vg.Length(widthPx)*vg.Inch/dpi, vg.Length(heightPx)*vg.Inch/dpi))
	cp.draw(draw.New(c), true)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("reportdoc: chart svg: %w", err)
	}
	return withFont(buf.Bytes())
}
