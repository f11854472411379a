package ui

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"

	"smallwins/reportdoc"
)

// cicoChartData is what the CICO chart draws: each week's pooled % (DOMAIN.md
// §3.9) at its week number (x), the 80% line, and a vertical phase line where
// the student's CICO plan changed phase (ADR 0640).
type cicoChartData struct {
	Weeks  []cicoChartWeek
	Phases []cicoChartPhase
	Last   float64 // the x of the last week shown (today's week)
}

type cicoChartWeek struct {
	X, Pct float64
	Met    bool
}

type cicoChartPhase struct {
	X     float64
	Label string
}

var colPhase = color.NRGBA{0x6a, 0x1b, 0x9a, 0xff} // phase lines: purple, apart from good/bad

// newCICOChart is the weekly CICO chart drawn with canvas primitives.
func newCICOChart(d cicoChartData) *drawing {
	return newDrawing(fyne.NewSize(320, 240), func(size fyne.Size) []fyne.CanvasObject { return drawCICOChart(d, size) })
}

func drawCICOChart(d cicoChartData, size fyne.Size) []fyne.CanvasObject {
	if size.Width < 10 || size.Height < 10 {
		return nil
	}
	const left, right, top, bottom = 44, 12, 26, 30
	w, h := size.Width-left-right, size.Height-top-bottom
	// Weeks go through the charts' one window (reportdoc, ADR 0023) and a
	// percentage is kept to 0–100: whatever the records held, the ranges
	// are finite and the loops short. NaN or infinite values are not drawn.
	last, _ := reportdoc.ChartWeek(d.Last)
	maxX := math.Max(last, 1)
	x := func(wk float64) float32 { return onChart(left+float32(wk/maxX)*w, size.Width) }
	y := func(pct float64) float32 { return onChart(top+h-float32(pct/100)*h, size.Height) }
	weeks := placeCICOWeeks(d.Weeks)
	text := func(s string, col color.Color, pos fyne.Position) *canvas.Text {
		t := canvas.NewText(s, col)
		t.TextSize = 11
		t.Move(pos)
		return t
	}
	bg := canvas.NewRectangle(color.White)
	bg.Resize(size)
	objs := []fyne.CanvasObject{bg}
	step := math.Max(1, math.Ceil(maxX/10))
	for i := 0.0; i*step <= maxX+1e-9; i++ { // at most 11 lines: maxX is finite
		wk := i * step
		l := canvas.NewLine(colGrid)
		l.Position1, l.Position2 = fyne.NewPos(x(wk), top), fyne.NewPos(x(wk), top+h)
		objs = append(objs, l, text(sayNum(wk+1), colText, fyne.NewPos(x(wk)-4, top+h+4)))
	}
	for pct := 0.0; pct <= 100; pct += 25 {
		l := canvas.NewLine(colGrid)
		l.Position1, l.Position2 = fyne.NewPos(left, y(pct)), fyne.NewPos(left+w, y(pct))
		objs = append(objs, l, text(sayFigure(fmtPct(pct)), colText, fyne.NewPos(4, y(pct)-8)))
	}
	wl := text(lang.L("chart.weeks"), colText, fyne.NewPos(0, top+h-16))
	wl.Move(fyne.NewPos(left+w-wl.MinSize().Width-4, top+h-16))
	objs = append(objs, wl)
	// The 80% a week must reach (§3.9).
	goal := canvas.NewLine(colAim)
	goal.StrokeWidth = 2
	goal.Position1, goal.Position2 = fyne.NewPos(left, y(80)), fyne.NewPos(left+w, y(80))
	objs = append(objs, goal, text(lang.L("chart.cico.goal_line"), colAim, fyne.NewPos(left+4, y(80)-16)))
	// Phase lines, labelled above the plot.
	for _, p := range d.Phases {
		px, ok := reportdoc.ChartWeek(p.X)
		if !ok {
			continue
		}
		l := canvas.NewLine(colPhase)
		l.StrokeWidth = 2
		l.Position1, l.Position2 = fyne.NewPos(x(px), top-4), fyne.NewPos(x(px), top+h)
		t := text(p.Label, colPhase, fyne.NewPos(x(px)+3, 4))
		if tw := t.MinSize().Width; x(px)+3+tw > size.Width {
			t.Move(fyne.NewPos(x(px)-3-tw, 4)) // no room on the right: label on the left
		}
		objs = append(objs, l, t)
	}
	for i, pt := range weeks {
		if i > 0 {
			q := weeks[i-1]
			l := canvas.NewLine(colNeutral)
			l.Position1, l.Position2 = fyne.NewPos(x(q.X), y(q.Pct)), fyne.NewPos(x(pt.X), y(pt.Pct))
			objs = append(objs, l)
		}
	}
	for _, pt := range weeks {
		col := colBad
		if pt.Met {
			col = colGood
		}
		dot := canvas.NewCircle(col)
		dot.Resize(fyne.NewSize(11, 11))
		dot.Move(fyne.NewPos(x(pt.X)-5.5, y(pt.Pct)-5.5))
		objs = append(objs, dot)
	}
	return objs
}

// placeCICOWeeks is the weeks the CICO chart draws: each week placed in
// the charts' window and its percentage kept to 0–100; a week with a NaN
// or infinite position or percentage is left out.
func placeCICOWeeks(weeks []cicoChartWeek) []cicoChartWeek {
	out := make([]cicoChartWeek, 0, len(weeks))
	for _, wk := range weeks {
		x, ok := reportdoc.ChartWeek(wk.X)
		if !ok || math.IsNaN(wk.Pct) || math.IsInf(wk.Pct, 0) {
			continue
		}
		out = append(out, cicoChartWeek{X: x, Pct: max(0, min(100, wk.Pct)), Met: wk.Met})
	}
	return out
}
