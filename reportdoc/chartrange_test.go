package reportdoc

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"

	"smallwins/reportdoc/charttest"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

func TestAxisRange(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, c := range []struct{ lo, hi, wantLo, wantHi float64 }{
		{40, 78, 40, 78},   // a real chart's range is kept
		{0, 5270, 0, 5270}, // weeks 2000..2100
		{45, 45, 44, 46},   // all equal: 1 either side, as gonum/plot does
		{0, 1e-300, -1, 1}, // narrower than a tenth
		{1e6 - 0.01, 1e6, 1e6 - 1.005, 1e6 + 0.995}, // narrow at the window's edge
		{-1.7e308, 1.7e308, -ScoreLimit, ScoreLimit},
		{inf, -inf, -1, 1}, // gonum/plot's empty plot: both ends unset
		{nan, 50, 0, 50},
		{78, 40, 40, 78},
	} {
		lo, hi := AxisRange(c.lo, c.hi, ScoreLimit)
		if math.Abs(lo-c.wantLo) > 1e-9 || math.Abs(hi-c.wantHi) > 1e-9 {
			t.Errorf("AxisRange(%v, %v) = %v, %v; want %v, %v", c.lo, c.hi, lo, hi, c.wantLo, c.wantHi)
		}
	}
}

func TestChartSegment(t *testing.T) {
	for _, c := range []struct {
		name string
		in   [4]float64
		want [4]float64
		ok   bool
	}{
		{"inside: the ends as given", [4]float64{0, 42.3, 17.857142857142858, 78}, [4]float64{0, 42.3, 17.857142857142858, 78}, true},
		{"cut at the top, slope kept", [4]float64{0, 0, 10, 2e6}, [4]float64{0, 0, 5, ScoreLimit}, true},
		{"cut at the week edge", [4]float64{0, 50, 1e308, 50}, [4]float64{0, 50, WeekLimit, 50}, true},
		{"overflowing difference", [4]float64{1, -1.7e308, 2, 1.7e308}, [4]float64{1.5 - 1e6/3.4e308, -ScoreLimit, 1.5 + 1e6/3.4e308, ScoreLimit}, true},
		{"wholly outside", [4]float64{0, 2e6, 10, 3e6}, [4]float64{}, false},
		{"NaN", [4]float64{0, math.NaN(), 10, 1}, [4]float64{}, false},
		{"Inf", [4]float64{0, 1, math.Inf(1), 1}, [4]float64{}, false},
	} {
		x0, y0, x1, y1, ok := ChartSegment(c.in[0], c.in[1], c.in[2], c.in[3])
		got := [4]float64{x0, y0, x1, y1}
		if ok != c.ok {
			t.Errorf("%s: ok = %v", c.name, ok)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-9*max(1, math.Abs(c.want[i])) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
}

// overflowReport is the report of the chart attack (ADR 0023): two points
// of −1.7e308 and +1.7e308, whose difference overflows to +Inf. Reports now
// skip such probes (DOMAIN §2's bounds, ADR 0022), so the points are put
// into a report computed from the goal's other records, as a report from
// an older server or a future bug could carry them: the chart must hold
// whatever a report says.
func overflowReport(t testing.TB) progress.Report {
	env := func(id, typ string, v any) record.Envelope {
		b, _ := json.Marshal(v)
		return record.Envelope{ID: id, Type: typ, Data: b}
	}
	goal, student := "00000000-0000-7000-8000-00000000000a", "00000000-0000-7000-8000-00000000000b"
	envs := []record.Envelope{env(goal, "goal", record.Goal{StudentID: student, Measure: "orf_wcpm", Direction: "up", StartDate: "2025-01-06",
		BaselineScores: []float64{42, 45, 40}, GoalScore: 78, GoalDate: "2025-05-12"})}
	for i, s := range []float64{-1.7e308, 1.7e308} {
		envs = append(envs, env(fmt.Sprint("p", i), "probe", record.Probe{StudentID: student, Measure: "orf_wcpm", Date: fmt.Sprintf("2025-01-%d", 20+7*i), Score: s}))
	}
	asOf, _ := progress.ParseDate("2025-03-17")
	r, err := progress.Progress(progress.NewDataset(envs), goal, asOf)
	if err != nil {
		t.Fatal(err)
	}
	r.Points = append(r.Points,
		progress.Point{Date: "2025-01-20", Week: 2, Score: -1.7e308, Position: progress.Below},
		progress.Point{Date: "2025-01-27", Week: 3, Score: 1.7e308, Position: progress.Above})
	return r
}

// TestChartOfOverflowingScores: the report that made gonum/plot loop for
// good is drawn, as SVG and PNG, within the bound.
func TestChartOfOverflowingScores(t *testing.T) {
	r := overflowReport(t)
	phases := []progress.Phase{{Week: 3}}
	drawAll(t, r, phases)
	// The y axis is the window's, not an overflowed one.
	cp, err := newChart(Chart{Report: r, Phases: phases}, pxStyle)
	if err != nil {
		t.Fatal(err)
	}
	p := cp.p
	if p.Y.Min != -ScoreLimit || p.Y.Max != ScoreLimit || p.X.Min > 0 || p.X.Min < -1 || p.X.Max > WeekLimit {
		t.Errorf("axes x %v..%v y %v..%v", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
}

// TestChartKeepsARealRange: a real report's axes run from the start to
// the goal date and over every score and the goal, with a small margin
// (the goal above the top of the axis was ADR 0019's "the y-axis stops at
// 75 under a goal of 78").
func TestChartKeepsARealRange(t *testing.T) {
	r := example51(t)
	cp, err := newChart(Chart{Report: r}, pxStyle)
	if err != nil {
		t.Fatal(err)
	}
	p := cp.p
	const goalWeek = 18 // 2025-01-06 to 2025-05-12, no breaks
	if p.X.Min > 0 || p.X.Min < -1 || p.X.Max < goalWeek || p.X.Max > goalWeek+1 {
		t.Errorf("x %v..%v, want the start (0) to the goal date (%v) with a margin under a week", p.X.Min, p.X.Max, goalWeek)
	}
	// Scores 42 (the start) to 78 (the goal): a margin of 8% of 36.
	if p.Y.Min > 42-2 || p.Y.Min < 42-4 || p.Y.Max < 78+2 || p.Y.Max > 78+4 {
		t.Errorf("y %v..%v, want 42..78 with a margin of about 3", p.Y.Min, p.Y.Max)
	}
}

// checkPlaced draws r's chart on a recording canvas of the console's size
// and fails t when anything is drawn at a NaN or infinite coordinate, or
// off the canvas (a glyph's or a label's width past its edge aside).
func checkPlaced(t testing.TB, r progress.Report, phases []progress.Phase) {
	cp, err := newChart(fuzzChart(r, phases), pxStyle)
	if err != nil {
		t.Errorf("chart: %v", err)
		return
	}
	const w, h, slack = 540, 300, 20 // points: 720×400 CSS pixels
	var rec recorder.Canvas
	cp.draw(draw.NewCanvas(&rec, w, h), true)
	check := func(what string, pt vg.Point) {
		x, y := float64(pt.X), float64(pt.Y)
		if !(x >= -slack && x <= w+slack && y >= -slack && y <= h+slack) { // false for NaN too
			t.Errorf("%s at (%v, %v), off a %v×%v canvas", what, x, y, w, h)
		}
	}
	// Rotated text is placed in the rotated frame: turned back, its point
	// is where it lands.
	angles := []float64{0}
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.Push:
			angles = append(angles, angles[len(angles)-1])
		case *recorder.Pop:
			if len(angles) > 1 {
				angles = angles[:len(angles)-1]
			}
		case *recorder.Rotate:
			angles[len(angles)-1] += a.Angle
		case *recorder.Translate, *recorder.Scale:
			t.Errorf("the chart %T its canvas: checkPlaced cannot follow", a)
		case *recorder.Stroke:
			for _, c := range a.Path {
				check("a line", c.Pos)
			}
		case *recorder.Fill:
			for _, c := range a.Path {
				check("a fill", c.Pos)
			}
		case *recorder.FillString:
			sin, cos := math.Sincos(angles[len(angles)-1])
			x, y := float64(a.Point.X), float64(a.Point.Y)
			check(fmt.Sprintf("the text %q", a.String), vg.Point{X: vg.Length(x*cos - y*sin), Y: vg.Length(x*sin + y*cos)})
		}
	}
}

// drawAll draws r as the console's SVG and the tablet's PNG, each call
// within the bound, and checks where the chart places things. (The PDF,
// whose chart is the PNG's drawing at print resolution, has its own fuzz
// target and the HTTP tests of syncserver.)
func drawAll(t testing.TB, r progress.Report, phases []progress.Phase) {
	t.Helper()
	charttest.Within(t, "ProgressChartSVG", func() {
		if _, err := ProgressChartSVG(fuzzChart(r, phases), 720, 400); err != nil {
			t.Errorf("svg: %v", err)
		}
	})
	charttest.Within(t, "the chart's coordinates", func() { checkPlaced(t, r, phases) })
	charttest.Within(t, "ProgressChartPNG", func() {
		if _, err := ProgressChartPNG(fuzzChart(r, phases), 960, 360); err != nil {
			t.Errorf("png: %v", err)
		}
	})
}

// pdfCost is the CPU time the PDF of a real report takes: mostly fixed
// (its fonts, its chart rasterised at 200 dpi), so the bound of 100 ms is
// on what an input adds to it.
func pdfCost(tb testing.TB) time.Duration {
	r := example51(tb)
	return charttest.Cost(func() {
		ProgressPDF(io.Discard, r, DocMeta{Student: "Ava", Generated: "2025-03-18", Phases: []progress.Phase{{Week: 3}}, PhaseNotes: []string{"a"}, Calendar: progress.NewCalendar(fuzzBreaks, nil)})
	})
}

// fuzzReport is a report built directly, every drawn number from the
// fuzzer (no record bounds stand in front of the chart here).
func fuzzReport(w0, s0, w1, s1, baseline, goal, aimSlope, intercept, slope float64) progress.Report {
	return progress.Report{
		Goal:          progress.GoalInfo{Measure: "orf_wcpm", Direction: "up", StartDate: "2025-01-06", GoalScore: goal, GoalDate: "2025-05-12"},
		AsOf:          "2025-03-17",
		Baseline:      progress.Baseline{Scores: []float64{baseline}, Score: baseline},
		Aimline:       &progress.Aimline{StartScore: baseline, GoalScore: goal, SlopePerWeek: aimSlope},
		ExpectedLevel: &s1,
		PresentLevel:  &s1,
		Points: []progress.Point{
			{Date: "2025-01-13", Week: w0, Score: s0, Aimline: &baseline, Position: progress.Above},
			{Date: "2025-01-20", Week: w1, Score: s1, Aimline: &goal, Position: progress.Below},
			{Date: "2025-01-27", Week: w1 + 1, Score: s0 + s1, Position: progress.On},
		},
		Trend:       &progress.Trend{OLS: progress.OLS{Intercept: intercept, Slope: slope, ProjectionAtGoalDate: intercept + slope*w1}},
		Sufficiency: progress.Insufficient,
		Decision:    progress.Decision{Code: "continue", Reason: "fuzz"},
	}
}

// fuzzBreaks are two breaks within the fuzzed chart's span: the clock
// stops for them, so lines bend and bands are drawn in every fuzzed chart.
var fuzzBreaks = []record.CalendarBreak{{Name: "Winter break", StartDate: "2025-02-17", EndDate: "2025-02-21"},
	{Name: "Spring break", StartDate: "2025-04-14", EndDate: "2025-04-18"}}

// fuzzChart is r's chart with its phases and fuzzBreaks.
func fuzzChart(r progress.Report, phases []progress.Phase) Chart {
	return Chart{Report: r, Phases: phases, Calendar: progress.NewCalendar(fuzzBreaks, nil)}
}

// addSeeds gives a fuzz target the report of the attack, real reports and
// edge cases; with combinations, also pairs of charttest.Extremes in every
// place (the SVG target: the PNG and the PDF draw the same chart, and cost
// up to a second each under the race detector).
func addSeeds(f *testing.F, combinations bool) {
	ex := charttest.Extremes
	nan, inf := math.NaN(), math.Inf(1)
	f.Add(1.0, -1.7e308, 2.0, 1.7e308, 42.0, 78.0, 2.0, 40.0, 1.0, 3.0)        // the attack
	f.Add(1.0, 45.0, 2.0, 43.0, 42.0, 78.0, 2.0, 42.0, 0.9, 4.0)               // a real report
	f.Add(1.0, 45.0, 2.0, 45.0, 45.0, 45.0, 0.0, 45.0, 0.0, 1.0)               // all equal
	f.Add(1.0, 0.0, 2.0, 1e-300, 0.0, 1e-300, 1e-300, 0.0, 1e-300, 1.0)        // a range of 1e-300
	f.Add(0.0, 10.0, 5270.0, 90.0, 10.0, 90.0, 0.0152, 10.0, 0.0152, 2600.0)   // 2000..2100
	f.Add(1.0, 50.0, 2.0, 60.0, 40.0, 78.0, 5e-324, 40.0, 1e308, math.Inf(-1)) // denormal aimline slope
	f.Add(nan, inf, -inf, nan, nan, inf, nan, -inf, nan, nan)
	if !combinations {
		return
	}
	for i, v := range ex {
		u := ex[(i*7+3)%len(ex)]
		f.Add(v, u, 2.0, v, u, 78.0, v, u, v, u)
		f.Add(1.0, v, u, 50.0, 42.0, v, 2.0, u, 1.0, v)
	}
}

func FuzzChartSVG(f *testing.F) {
	addSeeds(f, true)
	f.Fuzz(func(t *testing.T, w0, s0, w1, s1, baseline, goal, aimSlope, intercept, slope, phase float64) {
		r := fuzzReport(w0, s0, w1, s1, baseline, goal, aimSlope, intercept, slope)
		charttest.Within(t, "ProgressChartSVG", func() {
			if _, err := ProgressChartSVG(fuzzChart(r, []progress.Phase{{Week: phase}}), 720, 400); err != nil {
				t.Errorf("svg: %v", err)
			}
		})
		charttest.Within(t, "the chart's coordinates", func() { checkPlaced(t, r, []progress.Phase{{Week: phase}}) })
	})
}

func FuzzChartPNG(f *testing.F) {
	addSeeds(f, false)
	f.Fuzz(func(t *testing.T, w0, s0, w1, s1, baseline, goal, aimSlope, intercept, slope, phase float64) {
		r := fuzzReport(w0, s0, w1, s1, baseline, goal, aimSlope, intercept, slope)
		charttest.Within(t, "ProgressChartPNG", func() {
			if _, err := chartPNG(fuzzChart(r, []progress.Phase{{Week: phase}}), 960.0/96, 360.0/96, 96, chartStyle{text: 13}); err != nil {
				t.Errorf("png: %v", err)
			}
		})
	})
}

func FuzzProgressPDF(f *testing.F) {
	addSeeds(f, false)
	fixed := pdfCost(f)
	f.Fuzz(func(t *testing.T, w0, s0, w1, s1, baseline, goal, aimSlope, intercept, slope, phase float64) {
		r := fuzzReport(w0, s0, w1, s1, baseline, goal, aimSlope, intercept, slope)
		meta := DocMeta{Student: "Ava", Generated: "2025-03-18", Phases: []progress.Phase{{Week: phase}}, PhaseNotes: []string{"a"}, Calendar: progress.NewCalendar(fuzzBreaks, nil)}
		charttest.WithinOver(t, "ProgressPDF", fixed, func() {
			if err := ProgressPDF(io.Discard, r, meta); err != nil {
				t.Errorf("pdf: %v", err)
			}
		})
	})
}
