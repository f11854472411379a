package ui

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"smallwins/reportdoc"
)

// chartData is what the progress chart draws, in week units on x
// (DOMAIN.md §3.2) and scores on y.
type chartData struct {
	Points     []chartPoint
	StartScore float64 // the aimline starts here at week 0
	GoalScore  float64
	GoalWeek   float64
	Trend      *[2]float64 // OLS intercept and slope, nil below 3 points
	Down       bool        // a `down` goal: lower is better
}

type chartPoint struct {
	Week, Score float64
	Position    string // above, below, on
}

var (
	colAim     = color.NRGBA{0x1b, 0x6e, 0x4f, 0xff} // the aimline: brand green
	colTrend   = color.NRGBA{0x15, 0x65, 0xc0, 0xff} // the trend: blue
	colGood    = color.NRGBA{0x1e, 0x7d, 0x32, 0xff}
	colBad     = color.NRGBA{0xc6, 0x28, 0x28, 0xff}
	colNeutral = color.NRGBA{0x42, 0x42, 0x42, 0xff}
	colGrid    = color.NRGBA{0xdd, 0xdd, 0xdd, 0xff}
	colText    = color.NRGBA{0x30, 0x30, 0x30, 0xff}
)

// newChart is the progress graph drawn with canvas primitives: points
// coloured by their side of the aimline, the aimline to the goal, the OLS
// trend. The minimum keeps it readable on a portrait tablet.
func newChart(d chartData) *drawing {
	return newDrawing(fyne.NewSize(320, 260), func(size fyne.Size) []fyne.CanvasObject { return drawChart(d, size) })
}

// drawing is a widget whose objects are drawn anew for each size by build:
// the charts, which are canvas primitives placed by hand.
type drawing struct {
	widget.BaseWidget
	min   fyne.Size
	build func(fyne.Size) []fyne.CanvasObject
}

func newDrawing(min fyne.Size, build func(fyne.Size) []fyne.CanvasObject) *drawing {
	d := &drawing{min: min, build: build}
	d.ExtendBaseWidget(d)
	return d
}

func (d *drawing) MinSize() fyne.Size { return d.min }

func (d *drawing) CreateRenderer() fyne.WidgetRenderer { return &drawingRenderer{d: d} }

type drawingRenderer struct {
	d    *drawing
	objs []fyne.CanvasObject
	size fyne.Size
}

func (r *drawingRenderer) Destroy()                     {}
func (r *drawingRenderer) MinSize() fyne.Size           { return r.d.min }
func (r *drawingRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *drawingRenderer) Refresh()                     { r.Layout(r.size); canvas.Refresh(r.d) }
func (r *drawingRenderer) Layout(size fyne.Size)        { r.size = size; r.objs = r.d.build(size) }

func drawChart(d chartData, size fyne.Size) []fyne.CanvasObject {
	if size.Width < 10 || size.Height < 10 {
		return nil
	}
	const left, right, top, bottom = 44, 12, 10, 30
	w, h := size.Width-left-right, size.Height-top-bottom
	// Every number goes through the charts' one window (reportdoc, ADR
	// 0023): whatever the records held, the ranges below are finite and
	// the loops short. A value that is NaN or infinite is not drawn.
	start, okStart := reportdoc.ChartScore(d.StartScore)
	goalScore, okGoal := reportdoc.ChartScore(d.GoalScore)
	goalWeek, okWeek := reportdoc.ChartWeek(d.GoalWeek)
	hasAim := okStart && okGoal && okWeek
	points := placePoints(d.Points)
	maxX, lo, hi := 1.0, math.Inf(1), math.Inf(-1)
	if hasAim {
		maxX = math.Max(goalWeek, 1)
		lo, hi = math.Min(start, goalScore), math.Max(start, goalScore)
	}
	for _, p := range points {
		maxX = math.Max(maxX, p.Week)
		lo, hi = math.Min(lo, p.Score), math.Max(hi, p.Score)
	}
	if lo > hi { // nothing to draw but the grid
		lo, hi = 0, 0
	}
	pad := math.Max((hi-lo)*0.1, 1)
	// Scores below zero (none is valid) would leave the range empty.
	lo, hi = reportdoc.AxisRange(math.Max(0, lo-pad), hi+pad, 2*reportdoc.ScoreLimit)
	x := func(wk float64) float32 { return onChart(left+float32(wk/maxX)*w, size.Width) }
	y := func(v float64) float32 { return onChart(top+h-float32((v-lo)/(hi-lo))*h, size.Height) }
	var objs []fyne.CanvasObject
	bg := canvas.NewRectangle(color.White)
	bg.Resize(size)
	objs = append(objs, bg)
	// Grid: a line every few weeks and five score lines.
	step := math.Max(1, math.Ceil(maxX/10))
	for i := 0.0; i*step <= maxX+1e-9; i++ { // at most 11 lines: maxX is finite
		wk := i * step
		l := canvas.NewLine(colGrid)
		l.Position1, l.Position2 = fyne.NewPos(x(wk), top), fyne.NewPos(x(wk), top+h)
		t := canvas.NewText(sayNum(wk), colText)
		t.TextSize = 11
		t.Move(fyne.NewPos(x(wk)-4, top+h+4))
		objs = append(objs, l, t)
	}
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*float64(i)/4
		l := canvas.NewLine(colGrid)
		l.Position1, l.Position2 = fyne.NewPos(left, y(v)), fyne.NewPos(left+w, y(v))
		t := canvas.NewText(sayNum(math.Round(v)), colText)
		t.TextSize = 11
		t.Move(fyne.NewPos(4, y(v)-8))
		objs = append(objs, l, t)
	}
	wl := canvas.NewText(lang.L("chart.weeks"), colText)
	wl.TextSize = 11
	wl.Move(fyne.NewPos(left+w-wl.MinSize().Width-4, top+h-16))
	objs = append(objs, wl)
	// Aimline from the start score to the goal.
	if hasAim {
		aim := canvas.NewLine(colAim)
		aim.StrokeWidth = 3
		aim.Position1, aim.Position2 = fyne.NewPos(x(0), y(start)), fyne.NewPos(x(goalWeek), y(goalScore))
		goal := canvas.NewCircle(colAim)
		goal.Resize(fyne.NewSize(14, 14))
		goal.Move(fyne.NewPos(x(goalWeek)-7, y(goalScore)-7))
		objs = append(objs, aim, goal)
	}
	// OLS trend over the points' span, projected to the goal week.
	if d.Trend != nil {
		first := maxX
		for _, p := range points {
			first = math.Min(first, p.Week)
		}
		f := func(wk float64) float64 { return d.Trend[0] + d.Trend[1]*wk }
		end := math.Max(goalWeek, first)
		y1, y2 := math.Max(lo, math.Min(hi, f(first))), math.Max(lo, math.Min(hi, f(end)))
		if !math.IsNaN(y1) && !math.IsNaN(y2) { // a NaN or infinite trend is not drawn
			tl := canvas.NewLine(colTrend)
			tl.StrokeWidth = 2
			tl.Position1, tl.Position2 = fyne.NewPos(x(first), y(y1)), fyne.NewPos(x(end), y(y2))
			objs = append(objs, tl)
		}
	}
	// Points, joined by a thin line, coloured by their side of the aimline.
	for i, p := range points {
		if i > 0 {
			q := points[i-1]
			l := canvas.NewLine(colNeutral)
			l.StrokeWidth = 1
			l.Position1, l.Position2 = fyne.NewPos(x(q.Week), y(q.Score)), fyne.NewPos(x(p.Week), y(p.Score))
			objs = append(objs, l)
		}
	}
	for _, p := range points {
		col := colNeutral
		switch p.Position {
		case "above":
			col = colGood
		case "below":
			col = colBad
		}
		dot := canvas.NewCircle(col)
		dot.Resize(fyne.NewSize(11, 11))
		dot.Move(fyne.NewPos(x(p.Week)-5.5, y(p.Score)-5.5))
		objs = append(objs, dot)
	}
	return objs
}

// placePoints is the points a chart draws, each placed in the charts'
// window; a point with a NaN or infinite week or score is left out.
func placePoints(pts []chartPoint) []chartPoint {
	out := make([]chartPoint, 0, len(pts))
	for _, p := range pts {
		wk, okW := reportdoc.ChartWeek(p.Week)
		sc, okS := reportdoc.ChartScore(p.Score)
		if okW && okS {
			out = append(out, chartPoint{Week: wk, Score: sc, Position: p.Position})
		}
	}
	return out
}

// onChart keeps a coordinate within a chart's own size of its edges
// (extent is its width or height): what lies beyond is off the chart
// anyway, and Fyne's software painter rasterises a line whole, so one from
// a million pixels away would take gigabytes.
func onChart(v, extent float32) float32 { return max(-extent, min(2*extent, v)) }
