package ui

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"math"
	"strings"
	"testing"

	"smallwins/app/internal/repo"
	"smallwins/reportdoc"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// worked51 writes DOMAIN.md §5.1's ten probes for the student.
func worked51(t *testing.T, f *fixture, studentID string, n int) {
	t.Helper()
	scores := []float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53}
	dates := []string{"2025-01-13", "2025-01-20", "2025-01-27", "2025-02-03", "2025-02-10", "2025-02-17",
		"2025-02-24", "2025-03-03", "2025-03-10", "2025-03-17"}
	for i := 0; i < n; i++ {
		must(repo.Put(context.Background(), f.store, "", record.Probe{StudentID: studentID, Measure: "orf_wcpm", Date: dates[i], Score: scores[i]}, false))
	}
}

// TestStudentProgressWorkedExamples: the student page shows DOMAIN.md §5's
// decisions in words, computed on the tablet by shared/progress.
func TestStudentProgressWorkedExamples(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ctx := context.Background()
	// §5.1 without a plan: change instruction, four-point rule.
	noPlan := must(repo.Put(ctx, f.store, "", record.Goal{StudentID: sc.students[1], Measure: "orf_wcpm", Direction: record.DirectionUp,
		StartDate: "2025-01-06", BaselineScores: []float64{42, 45, 40}, GoalScore: 78, GoalDate: "2025-05-12"}, false))
	worked51(t, f, sc.students[1], 10)
	// §5.2: five probes only.
	worked51(t, f, sc.students[2], 0)
	few := must(repo.Put(ctx, f.store, "", record.Goal{StudentID: sc.students[2], Measure: "orf_wcpm", Direction: record.DirectionUp,
		StartDate: "2025-01-06", BaselineScores: []float64{42, 45, 40}, GoalScore: 78, GoalDate: "2025-05-12"}, false))
	for i, s := range []float64{43, 44, 45, 46, 47} {
		must(repo.Put(ctx, f.store, "", record.Probe{StudentID: sc.students[2], Measure: "orf_wcpm",
			Date: []string{"2025-01-13", "2025-01-20", "2025-01-27", "2025-02-03", "2025-02-10"}[i], Score: s}, false))
	}
	// Ava's goal has a plan with nothing delivered: the delivery gate.
	worked51(t, f, sc.students[0], 10)

	a := f.start(landscape)
	cases := []struct {
		student, goal, code, words, reason string
	}{
		{sc.students[1], noPlan.ID, record.DecisionChangeInstruction, "Change the instruction", "The last 4 points are all below the aimline."},
		{sc.students[2], few.ID, record.DecisionNotEnoughData, "Not enough data yet", "the last 4 points are already all below the aimline"},
		{sc.students[0], sc.goal, record.DecisionFixDeliveryFirst, "Fix delivery first", "attendance 0%"},
	}
	for _, c := range cases {
		s := newStudentScreen(a, c.student)
		a.push(s)
		gp := s.progress[c.goal]
		if gp.Err != nil {
			t.Fatalf("%s: %v", c.code, gp.Err)
		}
		if gp.Report.Decision.Code != c.code {
			t.Errorf("decision %q, want %q (%s)", gp.Report.Decision.Code, c.code, gp.Report.Decision.Reason)
		}
		if got := s.decisionText[c.goal].Text; got != c.words {
			t.Errorf("shows %q, want %q", got, c.words)
		}
		if got := s.reasonText[c.goal].Text; !strings.Contains(got, c.reason) {
			t.Errorf("reason %q, want it to say %q", got, c.reason)
		}
		a.Back()
	}
	s := newStudentScreen(a, sc.students[1])
	a.push(s)
	ch := s.progress[noPlan.ID].Chart
	if len(ch.Points) != 10 || ch.StartScore != 42 || ch.GoalWeek != 18 || ch.Trend == nil ||
		math.Abs(ch.Trend[1]-152.0/165) > 1e-9 {
		t.Fatalf("chart data %+v", ch)
	}
	if ch.Points[0].Position != "above" || ch.Points[9].Position != "below" {
		t.Fatalf("positions %v %v", ch.Points[0].Position, ch.Points[9].Position)
	}
	// The team decision starts from the data's suggestion.
	test := s.decide[noPlan.ID]
	test.OnTapped()
	d := a.Current().(*decisionForm)
	if d.chosen != record.DecisionChangeInstruction || !strings.Contains(d.rationale.Text, "below the aimline") {
		t.Fatalf("decision form starts at %q %q", d.chosen, d.rationale.Text)
	}
}

// TestChartRendererHook: with a chart renderer configured, the student page
// shows its image instead of the canvas chart; a failing renderer falls back.
func TestChartRendererHook(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	worked51(t, f, sc.students[0], 10)
	// A team decision on the goal and a break: the renderer is given the
	// phase line and the calendar the report was computed with (ADR 0019).
	ctx := context.Background()
	must(repo.Put(ctx, f.store, "", record.Decision{StudentID: sc.students[0], GoalID: sc.goal, Date: "2025-02-24", Code: record.DecisionChangeInstruction}, false))
	must(repo.Put(ctx, f.store, "", record.CalendarBreak{Name: "Winter break", StartDate: "2025-02-17", EndDate: "2025-02-21"}, false))
	a := f.start(landscape)
	var got progress.Report
	var chart reportdoc.Chart
	a.cfg.ChartPNG = func(ch reportdoc.Chart, w, h int) ([]byte, error) {
		got, chart = ch.Report, ch
		var buf bytes.Buffer
		err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, w, h)))
		return buf.Bytes(), err
	}
	s := newStudentScreen(a, sc.students[0])
	a.push(s)
	if got.Goal.ID != sc.goal || len(got.Points) != 10 {
		t.Fatalf("renderer got %+v, %d points", got.Goal, len(got.Points))
	}
	if len(chart.Phases) != 1 || chart.Phases[0].Kind != progress.PhaseDecision || chart.Phases[0].Code != record.DecisionChangeInstruction {
		t.Errorf("renderer got phases %+v", chart.Phases)
	}
	start, _ := progress.ParseDate("2025-01-06")
	if ps := chart.Calendar.Pauses(start); len(ps) != 1 || ps[0].Name != "Winter break" {
		t.Errorf("renderer got the calendar's pauses %+v", ps)
	}
	if _, drawn := s.charts[sc.goal]; drawn {
		t.Fatal("the canvas chart is drawn although a renderer is set")
	}
	a.cfg.ChartPNG = func(reportdoc.Chart, int, int) ([]byte, error) { return nil, errors.New("no fonts") }
	s.refresh()
	if _, drawn := s.charts[sc.goal]; !drawn {
		t.Fatal("no chart at all when the renderer fails")
	}
}
