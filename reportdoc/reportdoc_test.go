package reportdoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"strings"
	"testing"

	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// example51 is DOMAIN.md §5.1 as a report.
func example51(t testing.TB) progress.Report {
	env := func(id, typ string, v any) record.Envelope {
		b, _ := json.Marshal(v)
		return record.Envelope{ID: id, Type: typ, Data: b}
	}
	goal, studentID := "00000000-0000-7000-8000-00000000000a", "00000000-0000-7000-8000-00000000000b"
	envs := []record.Envelope{env(goal, "goal", record.Goal{StudentID: studentID, Measure: "orf_wcpm", Direction: "up", StartDate: "2025-01-06",
		BaselineScores: []float64{42, 45, 40}, GoalScore: 78, GoalDate: "2025-05-12"})}
	start, _ := progress.ParseDate("2025-01-13")
	for i, s := range []float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53} {
		envs = append(envs, env(fmt.Sprintf("p%d", i), "probe", record.Probe{StudentID: studentID, Measure: "orf_wcpm", Date: (start + progress.Date(7*i)).String(), Score: s}))
	}
	asOf, _ := progress.ParseDate("2025-03-17")
	r, err := progress.Progress(progress.NewDataset(envs), goal, asOf)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestChartPNG(t *testing.T) {
	b, err := ProgressChartPNG(Chart{Report: example51(t)}, 900, 420)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != 900 || img.Bounds().Dy() != 420 {
		t.Fatalf("png %v %v", img.Bounds(), err)
	}
	if _, err := ProgressChartPNG(Chart{Report: example51(t)}, 5, 5); err == nil {
		t.Fatal("a 5×5 chart was accepted")
	}
	// A report with no points and no aimline still draws.
	if _, err := ProgressChartPNG(Chart{Report: progress.Report{Goal: progress.GoalInfo{Measure: "m"}}}, 300, 200); err != nil {
		t.Fatal(err)
	}
}

func TestProgressPDF(t *testing.T) {
	r := example51(t)
	var buf bytes.Buffer
	if err := ProgressPDF(&buf, r, DocMeta{Student: "Ava Martinez", School: "Lincoln Elementary", Measure: "Oral reading fluency (words correct per minute)", Generated: "2025-03-18"}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("%PDF")) || !bytes.Contains(b, []byte("/Type /Page")) || bytes.Contains(b, []byte("NaN")) {
		t.Fatalf("not a PDF page: %q", b[:min(len(b), 40)])
	}
	if s := Sufficiency(r, "Ava"); !strings.Contains(s, "not expected to reach the goal of 78 by 2025-05-12 (projected 59.7)") {
		t.Errorf("sufficiency %q", s)
	}
	if out := os.Getenv("REPORTDOC_EXAMPLE"); out != "" { // docs/examples is made with this
		os.WriteFile(out, b, 0o644)
	}
}
