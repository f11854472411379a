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

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// Colours shared by the app and the PDF.
var (
	aimColour    = color.RGBA{R: 0x1f, G: 0x6f, B: 0x4a, A: 0xff} // green: the aimline to the goal
	trendColour  = color.RGBA{R: 0x1f, G: 0x5f, B: 0xb0, A: 0xff} // blue: the OLS trend
	betterColour = color.RGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}
	worseColour  = color.RGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	onColour     = color.RGBA{R: 0x44, G: 0x44, B: 0x44, A: 0xff}
	phaseColour  = color.RGBA{R: 0x6a, G: 0x3d, B: 0x9a, A: 0xff} // purple: a phase line
)

// newChart draws the report's points (by week since the start), the aimline
// from the start to the goal, the OLS trend, and a dotted vertical line
// numbered 1, 2, … at each phase (the page or document lists what each
// number was).
func newChart(r progress.Report, phases ...progress.Phase) (*plot.Plot, error) {
	p := plot.New()
	p.X.Label.Text = "weeks since the start"
	// DOMAIN.md §2: an axis shows the measure's unit in words, never its code.
	p.Y.Label.Text = record.MeasureOf(r.Goal.Measure).Axis()
	p.Add(plotter.NewGrid())
	// Every value is placed through the chart's window (chartrange.go,
	// ADR 0023): a report built from out-of-bounds records, or by hand,
	// still gives a range gonum/plot can draw.
	goalWeek := 0.0
	if r.Aimline != nil && r.Aimline.SlopePerWeek != 0 {
		goalWeek = (r.Aimline.GoalScore - r.Aimline.StartScore) / r.Aimline.SlopePerWeek
		if x0, y0, x1, y1, ok := ChartSegment(0, r.Aimline.StartScore, goalWeek, r.Aimline.GoalScore); ok {
			aim, err := plotter.NewLine(plotter.XYs{{X: x0, Y: y0}, {X: x1, Y: y1}})
			if err != nil {
				return nil, err
			}
			aim.Color, aim.Width = aimColour, vg.Points(2)
			p.Add(aim)
			p.Legend.Add("aimline", aim)
		}
	}
	var xys plotter.XYs // the points drawn, joined by a line
	for _, pt := range r.Points {
		if xy, ok := chartXY(pt); ok {
			xys = append(xys, xy)
		}
	}
	if r.Trend != nil {
		end, _ := ChartWeek(goalWeek)
		if n := len(xys); n > 0 && xys[n-1].X > end {
			end = xys[n-1].X
		}
		ols := r.Trend.OLS
		if x0, y0, x1, y1, ok := ChartSegment(0, ols.Intercept, end, ols.Intercept+ols.Slope*end); ok {
			t, err := plotter.NewLine(plotter.XYs{{X: x0, Y: y0}, {X: x1, Y: y1}})
			if err != nil {
				return nil, err
			}
			t.Color, t.Width, t.Dashes = trendColour, vg.Points(1.5), []vg.Length{vg.Points(6), vg.Points(3)}
			p.Add(t)
			p.Legend.Add("trend", t)
		}
	}
	down := r.Goal.Direction == "down"
	for _, pt := range r.Points {
		xy, ok := chartXY(pt)
		if !ok {
			continue
		}
		s, err := plotter.NewScatter(plotter.XYs{xy})
		if err != nil {
			return nil, err
		}
		s.GlyphStyle.Radius, s.GlyphStyle.Shape = vg.Points(4), draw.CircleGlyph{}
		better := (pt.Position == progress.Above) != down
		switch {
		case pt.Position == progress.On || pt.Position == "":
			s.GlyphStyle.Color = onColour
		case better:
			s.GlyphStyle.Color = betterColour
		default:
			s.GlyphStyle.Color = worseColour
		}
		p.Add(s)
	}
	if len(xys) > 1 {
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = color.Gray{Y: 0x60}, vg.Points(0.75)
		p.Add(l)
	}
	if err := addPhases(p, r, phases); err != nil {
		return nil, err
	}
	// Large type: on the tablet the chart is scaled down to the screen.
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = vg.Points(15)
		a.Tick.Label.Font.Size = vg.Points(13)
	}
	p.Legend.TextStyle.Font.Size = vg.Points(13)
	p.Legend.Top, p.Legend.Left = false, false // bottom right: clear of the start of the lines
	// Both ranges are set here, never left to gonum/plot: its tick
	// placement loops for good on a range that is infinite or overflows.
	p.X.Min, p.X.Max = AxisRange(0, p.X.Max, WeekLimit)
	p.Y.Min, p.Y.Max = AxisRange(p.Y.Min, p.Y.Max, ScoreLimit)
	return p, nil
}

// chartXY is a report point as the chart places it; ok is false for a
// point with a NaN or infinite coordinate, which is left out.
func chartXY(pt progress.Point) (xy plotter.XY, ok bool) {
	x, okX := ChartWeek(pt.Week)
	y, okY := ChartScore(pt.Score)
	return plotter.XY{X: x, Y: y}, okX && okY
}

// addPhases draws the phase lines over the height of everything else drawn.
func addPhases(p *plot.Plot, r progress.Report, phases []progress.Phase) error {
	if len(phases) == 0 {
		return nil
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	see := func(v float64) {
		if y, ok := ChartScore(v); ok {
			lo, hi = min(lo, y), max(hi, y)
		}
	}
	see(r.Baseline.Score)
	see(r.Goal.GoalScore)
	for _, pt := range r.Points {
		see(pt.Score)
	}
	if lo > hi { // no drawable score at all
		lo, hi = 0, 0
	}
	if hi == lo {
		hi = lo + 1
	}
	labels := plotter.XYLabels{}
	for i, ph := range phases {
		week, ok := ChartWeek(ph.Week)
		if !ok {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: week, Y: lo}, {X: week, Y: hi}})
		if err != nil {
			return err
		}
		l.Color, l.Width, l.Dashes = phaseColour, vg.Points(1.5), []vg.Length{vg.Points(2), vg.Points(3)}
		p.Add(l)
		if len(labels.XYs) == 0 {
			p.Legend.Add("phase", l)
		}
		labels.XYs = append(labels.XYs, plotter.XY{X: week, Y: hi})
		labels.Labels = append(labels.Labels, fmt.Sprint(i+1))
	}
	ls, err := plotter.NewLabels(labels)
	if err != nil {
		return err
	}
	for i := range ls.TextStyle {
		ls.TextStyle[i].Color = phaseColour
		ls.TextStyle[i].Font.Size = vg.Points(13)
		ls.TextStyle[i].XAlign = draw.XCenter
		ls.TextStyle[i].YAlign = draw.YBottom
	}
	p.Add(ls)
	return nil
}

// ProgressChartPNG renders the chart as a PNG of the given size in pixels.
func ProgressChartPNG(r progress.Report, widthPx, heightPx int) ([]byte, error) {
	if widthPx < 100 || heightPx < 80 || widthPx > 8000 || heightPx > 8000 {
		return nil, fmt.Errorf("reportdoc: chart size %d×%d out of range", widthPx, heightPx)
	}
	const dpi = 96
	return chartPNG(r, float64(widthPx)/dpi, float64(heightPx)/dpi, dpi)
}

// chartPNG draws the chart on a canvas of the given size in inches at dpi
// dots per inch: the PDF keeps the tablet's drawing (same inches, same type
// sizes) but at a print resolution.
func chartPNG(r progress.Report, wInch, hInch float64, dpi int, phases ...progress.Phase) ([]byte, error) {
	p, err := newChart(r, phases...)
	if err != nil {
		return nil, fmt.Errorf("reportdoc: chart: %w", err)
	}
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(wInch)*vg.Inch, vg.Length(hInch)*vg.Inch), vgimg.UseDPI(dpi))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("reportdoc: chart png: %w", err)
	}
	return buf.Bytes(), nil
}

// ProgressChartSVG is the same chart as an SVG document of the given size in
// CSS pixels, for the school console (CONSOLE.md §3: "the same drawing as the
// PDF", with its phase lines). Fonts are embedded, so a school network
// without internet draws it the same.
func ProgressChartSVG(r progress.Report, widthPx, heightPx int, phases ...progress.Phase) ([]byte, error) {
	if widthPx < 100 || heightPx < 80 || widthPx > 8000 || heightPx > 8000 {
		return nil, fmt.Errorf("reportdoc: chart size %d×%d out of range", widthPx, heightPx)
	}
	p, err := newChart(r, phases...)
	if err != nil {
		return nil, fmt.Errorf("reportdoc: chart: %w", err)
	}
	const dpi = 96 // CSS pixels per inch
	c := vgsvg.NewWith(vgsvg.UseWH(vg.Length(widthPx)*vg.Inch/dpi, vg.Length(heightPx)*vg.Inch/dpi), vgsvg.EmbedFonts(true))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("reportdoc: chart svg: %w", err)
	}
	return buf.Bytes(), nil
}
