package reportdoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

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
	return Chart{Report: r, Phases: progress.Phases(ds, goal, plans, decisions, asOf), Breaks: breaks}
}

// TestWriteChartExamples writes the example chart of docs/reports.md into
// $SMALLWINS_EXAMPLES (docs/examples): the console's SVG at its two sizes,
// the tablet's PNG and the progress report PDF; skipped unless it is set.
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
	var buf bytes.Buffer
	err = ProgressPDF(&buf, ch.Report, DocMeta{Student: "Ava Martinez", School: "Lincoln Elementary", Generated: "2025-04-28",
		Phases: ch.Phases, Breaks: ch.Breaks, PhaseNotes: []string{"2025-03-24: the team decided: Change the instruction.",
			"2025-03-31: a plan ended (Read Naturally).", "2025-03-31: a plan started (Six-Minute Solution)."}})
	write("progress-report.pdf", buf.Bytes(), err)
}
