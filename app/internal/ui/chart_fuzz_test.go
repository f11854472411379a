package ui

import (
	"fmt"
	"image/color"
	"math"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"smallwins/reportdoc/charttest"
)

// chartSizes are the tablet's chart in portrait (its minimum) and spread
// over a landscape screen.
var chartSizes = []fyne.Size{{Width: 320, Height: 260}, {Width: 900, Height: 420}}

// checkOnCanvas fails t when an object of a chart drawn at size lies at a
// NaN or infinite coordinate or far off the chart (more than its own size,
// and a dot's or a label's, past an edge: a line from far off is
// rasterised whole by the software painter).
func checkOnCanvas(t *testing.T, objs []fyne.CanvasObject, size fyne.Size) {
	t.Helper()
	const slack = 20
	in := func(what string, p fyne.Position) {
		x, y := float64(p.X), float64(p.Y)
		w, h := float64(size.Width), float64(size.Height)
		if !(x >= -w-slack && x <= 2*w+slack && y >= -h-slack && y <= 2*h+slack) { // false for NaN too
			t.Errorf("%s at (%v, %v) on a %v×%v chart", what, x, y, w, h)
		}
	}
	for _, o := range objs {
		if l, ok := o.(*canvas.Line); ok {
			in("a line's start", l.Position1)
			in("a line's end", l.Position2)
			continue
		}
		in(fmt.Sprintf("a %T", o), o.Position())
		in(fmt.Sprintf("the far corner of a %T", o), o.Position().Add(o.Size()))
	}
}

// drawWithin draws the chart with build at each size, and through Fyne's
// software painter in a window, each within charttest's bound, and checks
// where its objects lie.
func drawWithin(t *testing.T, what string, w fyne.Window, chart *drawing, build func(fyne.Size) []fyne.CanvasObject) {
	t.Helper()
	for _, size := range chartSizes {
		var objs []fyne.CanvasObject
		charttest.Within(t, fmt.Sprintf("%s at %v", what, size), func() { objs = build(size) })
		checkOnCanvas(t, objs, size)
	}
	w.SetContent(chart)
	w.Resize(chartSizes[0])
	charttest.WithinOver(t, what+" painted", paintCost(w), func() { w.Canvas().Capture() })
}

// paintCosts is what painting an empty window of each fuzz window costs, measured once: the
// software painter's fixed cost (tens of ms on a loaded 2-core machine), over which an input's
// own cost is bounded, as the PDF fuzz targets do (charttest.WithinOver).
var paintCosts sync.Map // fyne.Window → time.Duration

func paintCost(w fyne.Window) time.Duration {
	if c, ok := paintCosts.Load(w); ok {
		return c.(time.Duration)
	}
	content := w.Content()
	w.SetContent(canvas.NewRectangle(color.White))
	c := charttest.Cost(func() { w.Canvas().Capture() })
	w.SetContent(content)
	paintCosts.Store(w, c)
	return c
}

// progressChartSeeds are the attack of ADR 0023 (a chart that looped), a real chart
// and combinations of charttest.Extremes: week and score of two points,
// start and goal scores, goal week, trend intercept and slope.
func progressChartSeeds(f *testing.F) {
	f.Add(1.0, -1.7e308, 2.0, 1.7e308, 42.0, 78.0, 17.9, 40.0, 1.0)
	f.Add(1.0, 45.0, 2.0, 43.0, 42.0, 78.0, 17.9, 42.0, 0.9)
	f.Add(1.0, 45.0, 2.0, 45.0, 45.0, 45.0, 0.0, 45.0, 0.0)
	f.Add(1.0, 0.0, 2.0, 1e-300, 0.0, 1e-300, 1.0, 0.0, 1e-300)
	f.Add(0.0, 10.0, 5270.0, 90.0, 10.0, 90.0, 5270.0, 10.0, 0.0152)
	f.Add(1.0, -5.0, 2.0, -3.0, -4.0, -1.0, 3.0, -4.0, 1.0) // all below zero
	ex := charttest.Extremes
	for i, v := range ex {
		u := ex[(i*7+3)%len(ex)]
		f.Add(v, u, 2.0, v, u, 78.0, v, u, v)
		f.Add(1.0, v, u, 50.0, 42.0, v, u, 40.0, v)
	}
}

// FuzzProgressChart: the tablet's progress chart draws any report's
// numbers, ±Inf, NaN and ±1.7e308 among them, within the bound, and places
// nothing at a NaN coordinate or far off the chart (ADR 0023).
func FuzzProgressChart(f *testing.F) {
	progressChartSeeds(f)
	test.NewTempApp(f).Settings().SetTheme(Theme{})
	w := test.NewTempWindow(f, nil)
	f.Fuzz(func(t *testing.T, w0, s0, w1, s1, start, goal, goalWeek, intercept, slope float64) {
		d := chartData{
			Points:     []chartPoint{{Week: w0, Score: s0, Position: "above"}, {Week: w1, Score: s1, Position: "below"}, {Week: w1 + 1, Score: s0 + s1}},
			StartScore: start, GoalScore: goal, GoalWeek: goalWeek,
			Trend: &[2]float64{intercept, slope},
		}
		drawWithin(t, "the progress chart", w, newChart(d), func(size fyne.Size) []fyne.CanvasObject { return drawChart(d, size) })
	})
}

// FuzzCICOChart: the tablet's CICO chart likewise, for any week positions,
// percentages and phase positions.
func FuzzCICOChart(f *testing.F) {
	f.Add(0.0, 85.0, 1.0, 60.0, 1.0, 8.0)
	f.Add(0.0, -1.7e308, 1.0, 1.7e308, math.Inf(1), math.Inf(1))
	f.Add(0.0, math.NaN(), math.NaN(), 50.0, math.NaN(), math.NaN())
	f.Add(0.0, 50.0, 5270.0, 50.0, -1e308, 1e308)
	ex := charttest.Extremes
	for i, v := range ex {
		u := ex[(i*7+3)%len(ex)]
		f.Add(v, u, 1.0, v, u, v)
		f.Add(0.0, 80.0, v, u, 2.0, u)
	}
	test.NewTempApp(f).Settings().SetTheme(Theme{})
	w := test.NewTempWindow(f, nil)
	f.Fuzz(func(t *testing.T, x0, p0, x1, p1, phase, last float64) {
		d := cicoChartData{
			Weeks:  []cicoChartWeek{{X: x0, Pct: p0, Met: p0 >= 80}, {X: x1, Pct: p1}},
			Phases: []cicoChartPhase{{X: phase, Label: "Self-managed"}},
			Last:   last,
		}
		drawWithin(t, "the CICO chart", w, newCICOChart(d), func(size fyne.Size) []fyne.CanvasObject { return drawCICOChart(d, size) })
	})
}
