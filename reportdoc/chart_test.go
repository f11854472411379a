package reportdoc

import (
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	pfont "gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"

	"smallwins/reportdoc/charttest"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// exampleChart is DOMAIN.md §5.1's goal carried on past its ten probes: a
// winter break (2025-02-17..21, no probe that Monday), the team's "change
// the instruction" on 2025-03-24, a new program from 2025-03-31 (the first
// plan ends that day), a spring break (2025-04-14..18), and faster growth
// after the change; as of 2025-04-28.
func exampleChart(t testing.TB) Chart {
	env := func(id, typ string, v any) record.Envelope {
		b, _ := json.Marshal(v)
		return record.Envelope{ID: id, Type: typ, Data: b}
	}
	const goal, student = "00000000-0000-7000-8000-00000000000a", "00000000-0000-7000-8000-00000000000b"
	breaks := []record.CalendarBreak{{Name: "Winter break", StartDate: "2025-02-17", EndDate: "2025-02-21"},
		{Name: "Spring break", StartDate: "2025-04-14", EndDate: "2025-04-18"}}
	envs := []record.Envelope{env(goal, "goal", record.Goal{StudentID: student, Measure: "orf_wcpm", Direction: "up", StartDate: "2025-01-06",
		BaselineScores: []float64{42, 45, 40}, GoalScore: 78, GoalDate: "2025-05-12"})}
	for i, b := range breaks {
		envs = append(envs, env(fmt.Sprint("b", i), "calendar_break", b))
	}
	probes := []struct {
		date  string
		score float64
	}{{"2025-01-13", 45}, {"2025-01-20", 43}, {"2025-01-27", 47}, {"2025-02-03", 46}, {"2025-02-10", 49},
		{"2025-02-24", 48}, {"2025-03-03", 50}, {"2025-03-10", 51}, {"2025-03-17", 50}, {"2025-03-24", 53},
		{"2025-03-31", 55}, {"2025-04-07", 58}, {"2025-04-21", 61}, {"2025-04-28", 64}}
	for i, p := range probes {
		envs = append(envs, env(fmt.Sprint("p", i), "probe", record.Probe{StudentID: student, Measure: "orf_wcpm", Date: p.date, Score: p.score}))
	}
	asOf, _ := progress.ParseDate("2025-04-28")
	ds := progress.NewDataset(envs)
	r, err := progress.Progress(ds, goal, asOf)
	if err != nil {
		t.Fatal(err)
	}
	plans := []record.Plan{{StudentID: student, ProgramID: "read-naturally", StartDate: "2025-01-06", EndDate: "2025-03-31"},
		{StudentID: student, ProgramID: "six-minute-solution", StartDate: "2025-03-31"}}
	decisions := []progress.TeamDecision{{Decision: record.Decision{StudentID: student, GoalID: goal, Date: "2025-03-24", Code: record.DecisionChangeInstruction}}}
	return Chart{Report: r, Phases: progress.Phases(ds, goal, plans, decisions, asOf), Calendar: ds.Calendar}
}

// TestWriteChartExamples writes the example chart of docs/reports.md into
// $SMALLWINS_EXAMPLES (docs/examples): the console's SVG at its two sizes
// and the tablet's PNG; skipped unless it is set. (The progress report PDF
// of §5.1 is TestProgressPDF's, with REPORTDOC_EXAMPLE.)
func TestWriteChartExamples(t *testing.T) {
	dir := os.Getenv("SMALLWINS_EXAMPLES")
	if dir == "" {
		t.Skip("set SMALLWINS_EXAMPLES=<dir> to write the example charts")
	}
	ch := exampleChart(t)
	write := func(name string, b []byte, err error) {
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := ProgressChartSVG(ch, ConsoleChartWide.W, ConsoleChartWide.H)
	write("progress-chart.svg", b, err)
	b, err = ProgressChartSVG(ch, ConsoleChartNarrow.W, ConsoleChartNarrow.H)
	write("progress-chart-narrow.svg", b, err)
	b, err = ProgressChartPNG(ch, 960, 360)
	write("progress-chart-tablet.png", b, err)
}

// recorded is a chart drawn on a recording canvas of the console's wide
// size: what it wrote, the colours it filled with, and its plot.
type recorded struct {
	cp    *chartPlot
	texts map[string]pfont.Font
	fills map[color.Color]int
}

func record1(t *testing.T, ch Chart) recorded {
	t.Helper()
	cp, err := newChart(ch, pxStyle)
	if err != nil {
		t.Fatal(err)
	}
	var rec recorder.Canvas
	cp.draw(draw.NewCanvas(&rec, vg.Length(ConsoleChartWide.W)*0.75, vg.Length(ConsoleChartWide.H)*0.75), true)
	out := recorded{cp: cp, texts: map[string]pfont.Font{}, fills: map[color.Color]int{}}
	var col color.Color
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.SetColor:
			col = a.Color
		case *recorder.Fill:
			out.fills[col]++
		case *recorder.FillString:
			out.texts[a.String] = a.Font
		}
	}
	return out
}

// lines are the chart's lines of one colour, in drawing order.
func (r recorded) lines(c color.Color) []plotter.XYs {
	var out []plotter.XYs
	for _, p := range r.cp.plotters {
		if l, ok := p.(*plotter.Line); ok && l.Color == c {
			out = append(out, l.XYs)
		}
	}
	return out
}

// TestChartReadsAtAGlance: each thing ADR 0019 names as missing before, on the
// example goal with a team decision, a new program and two breaks.
func TestChartReadsAtAGlance(t *testing.T) {
	ch := exampleChart(t)
	r := record1(t, ch)
	p := r.cp.p
	week := func(date string) float64 { // a date on the calendar axis
		d, _ := progress.ParseDate(date)
		return float64(d-mustParse(t, "2025-01-06")) / 7
	}

	// Dates, not weeks: month ticks at the firsts, the year on the first.
	var labels []string
	for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
			if tk.Label == "Mar" && math.Abs(tk.Value-week("2025-03-01")) > 1e-9 {
				t.Errorf("the March tick is at %v, want %v", tk.Value, week("2025-03-01"))
			}
		}
	}
	if got := strings.Join(labels, " "); got != "Feb 2025 Mar Apr May" {
		t.Errorf("x ticks %q", got)
	}
	if p.X.Label.Text != "" {
		t.Errorf("x axis label %q: the dates say it", p.X.Label.Text)
	}

	// The goal: marked and labelled at its date, inside the y axis; the
	// aimline ends there, flat across each break (the clock stops).
	if _, ok := r.texts["Goal 78 by 12 May"]; !ok {
		t.Errorf("no goal label; texts %v", keys(r.texts))
	}
	if p.Y.Max < 78 || p.X.Max < week("2025-05-12") {
		t.Errorf("axes end at x %v, y %v: the goal (%v, 78) is outside", p.X.Max, p.Y.Max, week("2025-05-12"))
	}
	var top float64
	for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if tk.Label != "" {
			top = max(top, tk.Value)
		}
	}
	if top < 78 {
		t.Errorf("the y axis is labelled up to %v, under the goal of 78", top)
	}
	aim := r.lines(aimColour)
	if len(aim) != 1 {
		t.Fatalf("%d aimlines", len(aim))
	}
	if end := aim[0][len(aim[0])-1]; math.Abs(end.X-week("2025-05-12")) > 1e-9 || end.Y != 78 {
		t.Errorf("the aimline ends at %+v, want the goal date (%v) and 78", end, week("2025-05-12"))
	}
	flat := 0
	for i := 1; i < len(aim[0]); i++ {
		a, b := aim[0][i-1], aim[0][i]
		if a.Y == b.Y && math.Abs(b.X-a.X-5.0/7) < 1e-9 {
			flat++ // five break days
		}
	}
	if flat != 2 {
		t.Errorf("the aimline is flat across %d breaks, want 2: %v", flat, aim[0])
	}

	// A trend per phase: the first phase's ten points and the new
	// program's three (the lone probe between the decision and the new
	// program has none), neither crossing a phase line; no projection with
	// more than one trend.
	trends := r.lines(trendColour)
	if len(trends) != 2 {
		t.Fatalf("%d trend lines, want 2", len(trends))
	}
	if first, last := trends[0][0].X, trends[0][len(trends[0])-1].X; math.Abs(first-week("2025-01-13")) > 1e-9 || math.Abs(last-week("2025-03-24")) > 1e-9 {
		t.Errorf("the first phase's trend runs %v..%v", first, last)
	}
	if first := trends[1][0].X; math.Abs(first-week("2025-04-07")) > 1e-9 {
		t.Errorf("the new program's trend starts at %v", first)
	}
	if n := len(r.lines(projectionColour)); n != 0 {
		t.Errorf("%d projections with two trends", n)
	}

	// Phase labels in words, never numbers.
	for _, w := range []string{"Team: change the instruction", "New program"} {
		if _, ok := r.texts[w]; !ok {
			t.Errorf("no phase label %q; texts %v", w, keys(r.texts))
		}
	}
	for _, n := range []string{"1", "2", "3"} {
		if _, ok := r.texts[n]; ok {
			t.Errorf("a label %q", n)
		}
	}

	// Breaks shaded: two bands and the legend's swatch.
	if n := r.fills[breakColour]; n != 3 {
		t.Errorf("%d fills in the break colour, want 2 bands and a swatch", n)
	}

	// Points by shape as well as colour: triangles up above the aimline,
	// down below it.
	shapes := map[draw.GlyphDrawer]int{}
	for _, pl := range r.cp.plotters {
		if s, ok := pl.(*plotter.Scatter); ok {
			shapes[s.GlyphStyle.Shape] += len(s.XYs)
		}
	}
	var above, below int
	for _, pt := range ch.Report.Points {
		switch pt.Position {
		case progress.Above:
			above++
		case progress.Below:
			below++
		}
	}
	if shapes[triangleGlyph{}] != above || shapes[triangleGlyph{down: true}] != below || above == 0 || below == 0 {
		t.Errorf("shapes %v, want %d up and %d down", shapes, above, below)
	}

	// One sans-serif type for every word.
	for s, f := range r.texts {
		if f.Typeface != "Liberation" || f.Variant != "Sans" {
			t.Errorf("%q in %+v", s, f)
		}
	}
}

func mustParse(t *testing.T, s string) progress.Date {
	d, err := progress.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestChartProjection: a goal with one trend carries it on to the goal
// date, ending at the report's own projection (DOMAIN.md §5.1: 59.7).
func TestChartProjection(t *testing.T) {
	r := record1(t, Chart{Report: example51(t)})
	proj := r.lines(projectionColour)
	if len(proj) != 1 {
		t.Fatalf("%d projections", len(proj))
	}
	end := proj[0][len(proj[0])-1]
	if math.Abs(end.X-18) > 1e-9 || math.Abs(end.Y-example51(t).Trend.OLS.ProjectionAtGoalDate) > 1e-9 {
		t.Errorf("the projection ends at %+v, want (18, %v)", end, example51(t).Trend.OLS.ProjectionAtGoalDate)
	}
}

var fontSizeRE = regexp.MustCompile(`font-size:([0-9.]+)px`)

// TestChartSVGLegible: the console's SVG at its two sizes: the wide one at
// least 700 px, every word at least 11 px where a page shows it (the wide
// at its own size, the narrow at 340 px, a 390 px phone's column), set in
// Liberation Sans, embedded as a subset small enough for a page of 25
// charts, with sans-serif fallbacks.
func TestChartSVGLegible(t *testing.T) {
	ch := exampleChart(t)
	for _, c := range []struct {
		size  ChartSize
		shown float64 // px wide on the page
	}{{ConsoleChartWide, float64(ConsoleChartWide.W)}, {ConsoleChartNarrow, 340}} {
		b, err := ProgressChartSVG(ch, c.size.W, c.size.H)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		viewW := float64(c.size.W) * 0.75
		if !strings.Contains(s, fmt.Sprintf(`viewBox="0 0 %g %g"`, viewW, float64(c.size.H)*0.75)) {
			t.Errorf("%v: no viewBox to scale by: %.200s", c.size, s)
		}
		sizes := fontSizeRE.FindAllStringSubmatch(s, -1)
		if len(sizes) < 10 {
			t.Fatalf("%v: %d texts", c.size, len(sizes))
		}
		for _, m := range sizes {
			px, _ := strconv.ParseFloat(m[1], 64)
			if shown := px * c.shown / viewW; shown < 11 {
				t.Errorf("%v shown %v px wide: text of %.1f px", c.size, c.shown, shown)
			}
		}
		if strings.Contains(s, "Serif") || !strings.Contains(s, "font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif;") ||
			!strings.Contains(s, `@font-face{font-family:"Liberation Sans";src:url(data:font/ttf;base64,`) {
			t.Errorf("%v: not the sans-serif with its subset and fallbacks", c.size)
		}
		if len(b) > 100_000 {
			t.Errorf("%v: %d bytes", c.size, len(b))
		}
	}
	if ConsoleChartWide.W < 700 {
		t.Errorf("the wide chart is %d px", ConsoleChartWide.W)
	}
}

// TestChartOfManyPhases: a goal with a team decision every day for 55
// years and 5,000 decisions of different codes on one day, and 2,000
// breaks, draws within the chart's CPU bound (ADR 0023): a phase line per
// point of width at most, a label where one fits, a day's words bounded.
func TestChartOfManyPhases(t *testing.T) {
	ch := exampleChart(t)
	ch.Phases = nil
	for i := 0; i < 20000; i++ {
		ch.Phases = append(ch.Phases, progress.Phase{Week: float64(i) / 7, Kind: progress.PhaseDecision, Code: record.DecisionContinue})
	}
	for i := 0; i < 5000; i++ {
		ch.Phases = append(ch.Phases, progress.Phase{Week: 20000.0 / 7, Kind: progress.PhaseDecision, Code: fmt.Sprint("code-", i)})
	}
	var bs []record.CalendarBreak
	start := mustParse(t, "2025-01-06")
	for i := 0; i < 2000; i++ {
		d := start + progress.Date(10*i+3)
		bs = append(bs, record.CalendarBreak{Name: fmt.Sprint("Break ", i), StartDate: d.String(), EndDate: (d + 1).String()})
	}
	ch.Calendar = progress.NewCalendar(bs, nil)
	marks := phaseMarks(wordsIn(i18n.English), newTimeAxis(ch.Report, ch.Calendar), ch.Phases)
	if last := marks[len(marks)-1]; len(marks) != 20001 || last.label() != "Team: code-0, Team: code-1 and 4998 more" {
		t.Errorf("%d marks, the last %q", len(marks), last.label())
	}
	var svg []byte
	charttest.Within(t, "ProgressChartSVG of 25,000 phases", func() {
		var err error
		if svg, err = ProgressChartSVG(ch, ConsoleChartWide.W, ConsoleChartWide.H); err != nil {
			t.Error(err)
		}
	})
	// Phase lines are dashed in the phase colour: at most one a point of
	// the 570-point-wide canvas.
	if n := strings.Count(string(svg), "stroke:#6A3D9A;stroke-width:1.5;stroke-dasharray"); n == 0 || n > 570 {
		t.Errorf("%d phase lines drawn", n)
	}
}

// TestPDFOfManyPhases: the progress report of a goal with 20,000 phase
// lines lists the first 30 in words and counts the rest, within the PDF's
// bound (a real report's cost and the chart's budget).
func TestPDFOfManyPhases(t *testing.T) {
	ch := exampleChart(t)
	var notes []string
	ch.Phases = nil
	for i := 0; i < 20000; i++ {
		ch.Phases = append(ch.Phases, progress.Phase{Week: float64(i) / 7, Kind: progress.PhaseDecision, Code: record.DecisionContinue})
		notes = append(notes, fmt.Sprintf("Decision %d.", i))
	}
	meta := DocMeta{Student: "Ava", Generated: "2025-04-28", Phases: ch.Phases, PhaseNotes: notes, Calendar: ch.Calendar}
	charttest.WithinOver(t, "ProgressPDF of 20,000 phases", pdfCost(t), func() {
		if err := ProgressPDF(io.Discard, ch.Report, meta); err != nil {
			t.Error(err)
		}
	})
	lines, _, _ := placedLines(t, ch.Report, meta)
	var text []string
	for _, l := range lines {
		text = append(text, l.text)
	}
	all := strings.Join(text, " ")
	if !strings.Contains(all, "Decision 29.") || strings.Contains(all, "Decision 30.") || !strings.Contains(all, "and 19970 more.") {
		t.Errorf("the phase lines listed: %.400s", all)
	}
}

// BenchmarkChartSVG: the console's chart.svg of the example goal (a team
// decision, a new program, two breaks), wide and narrow, and the tablet's
// PNG; bytes is the document's size.
//
//	go test ./reportdoc -run '^$' -bench ChartSVG
func BenchmarkChartSVG(b *testing.B) {
	ch := exampleChart(b)
	for _, c := range []struct {
		name string
		draw func() ([]byte, error)
	}{
		{"wide", func() ([]byte, error) { return ProgressChartSVG(ch, ConsoleChartWide.W, ConsoleChartWide.H) }},
		{"narrow", func() ([]byte, error) { return ProgressChartSVG(ch, ConsoleChartNarrow.W, ConsoleChartNarrow.H) }},
		{"tablet-png", func() ([]byte, error) { return ProgressChartPNG(ch, 960, 360) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				out, err := c.draw()
				if err != nil {
					b.Fatal(err)
				}
				n = len(out)
			}
			b.ReportMetric(float64(n), "bytes")
		})
	}
}
