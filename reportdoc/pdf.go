package reportdoc

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgpdf"

	"smallwins/shared/progress"
)

// DocMeta is what the report shows besides the numbers.
type DocMeta struct {
	Student   string // display name
	School    string
	Measure   string // e.g. "Oral reading fluency (words correct per minute)"; default: the goal's measure
	Generated string // date the document was made
}

// num renders a number for people: at most one decimal, no trailing zeros.
func num(x float64) string {
	return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64)
}

func pct(p *float64) string {
	if p == nil {
		return "n/a"
	}
	return num(*p) + "%"
}

// decisionWords says a decision code in words.
var decisionWords = map[string]string{
	"not_enough_data":    "Not enough data yet",
	"continue":           "Continue the intervention",
	"raise_goal":         "Raise the goal",
	"change_instruction": "Change the instruction",
	"fix_delivery_first": "Fix delivery first",
}

// Sufficiency states the IEP sufficiency in plain words (DOMAIN.md §3.8).
func Sufficiency(r progress.Report, student string) string {
	if student == "" {
		student = "The student"
	}
	goal := fmt.Sprintf("the goal of %s by %s", num(r.Goal.GoalScore), r.Goal.GoalDate)
	switch r.Sufficiency {
	case progress.GoalMet:
		return fmt.Sprintf("%s has met %s (present level %s).", student, goal, num(*r.PresentLevel))
	case progress.Adequate:
		return fmt.Sprintf("At the current rate of progress, %s is expected to reach %s (projected %s).", student, goal, num(r.Trend.OLS.ProjectionAtGoalDate))
	case progress.Insufficient:
		proj := ""
		if r.Trend != nil {
			proj = fmt.Sprintf(" (projected %s)", num(r.Trend.OLS.ProjectionAtGoalDate))
		}
		return fmt.Sprintf("At the current rate of progress, %s is not expected to reach %s%s. Progress is insufficient.", student, goal, proj)
	}
	return fmt.Sprintf("There are not yet enough data points (%d of 6, over at least 6 weeks) to judge progress toward %s.", r.PointsAfterBaseline, goal)
}

// ProgressPDF writes a one-page progress report: the chart, the numbers, the
// sufficiency statement, the decision with its reason, delivery and method.
// It never includes notes.
func ProgressPDF(w io.Writer, r progress.Report, meta DocMeta) error {
	const width, height = 8.5 * vg.Inch, 11 * vg.Inch // US Letter
	pdf := vgpdf.New(width, height)
	c := draw.New(pdf)
	margin := 0.75 * vg.Inch
	y := height - margin
	style := func(size vg.Length, bold bool) draw.TextStyle {
		f := plot.DefaultFont
		if bold {
			f.Weight = 700
		}
		return text.Style{Color: color.Black, Font: font.From(f, size), Handler: plot.DefaultTextHandler}
	}
	line := func(s string, size vg.Length, bold bool) {
		st := style(size, bold)
		for _, l := range wrap(s, int(float64(width-2*margin)/(float64(size)*0.44))) {
			y -= size * 1.35
			c.FillText(st, vg.Point{X: margin, Y: y}, l)
		}
	}
	measure := meta.Measure
	if measure == "" {
		measure = r.Goal.Measure
	}
	line("Progress report: "+meta.Student, 18, true)
	line(fmt.Sprintf("%s - %s - as of %s - generated %s", meta.School, measure, r.AsOf, meta.Generated), 10, false)
	y -= 6

	chartH := 3.6 * vg.Inch
	p, err := newChart(r)
	if err != nil {
		return fmt.Errorf("reportdoc: pdf chart: %w", err)
	}
	p.Draw(draw.Crop(c, margin, -margin, y-chartH, -(height - y)))
	y -= chartH + 8

	line("Decision: "+decisionWords[r.Decision.Code], 13, true)
	line(r.Decision.Reason, 10, false)
	y -= 4
	line("Sufficiency", 12, true)
	line(Sufficiency(r, meta.Student), 10, false)
	y -= 4
	line("Numbers", 12, true)
	line(fmt.Sprintf("Baseline: %s (median of %s).", num(r.Baseline.Score), joinNums(r.Baseline.Scores)), 10, false)
	if r.PresentLevel != nil {
		line("Present level: "+num(*r.PresentLevel)+" (median of the last 3 points).", 10, false)
	}
	if r.ExpectedLevel != nil {
		line("Expected level on the aimline at "+r.AsOf+": "+num(*r.ExpectedLevel)+".", 10, false)
	}
	if r.Aimline != nil {
		line(fmt.Sprintf("Goal: %s by %s; growth needed %s per week.", num(r.Goal.GoalScore), r.Goal.GoalDate, num(r.Aimline.SlopePerWeek)), 10, false)
	}
	if r.Trend != nil {
		line(fmt.Sprintf("Trend: %s per week; projected %s at the goal date.", num(r.Trend.OLS.Slope), num(r.Trend.OLS.ProjectionAtGoalDate)), 10, false)
	}
	line(fmt.Sprintf("%d points after the baseline over %s weeks; status %s.", r.PointsAfterBaseline, num(r.WeeksOfData), r.Status), 10, false)
	y -= 4
	line("Delivery", 12, true)
	if d := r.Delivery; d != nil {
		line(fmt.Sprintf("Sessions: %d delivered, %d attended of %s planned (attendance %s).", d.DeliveredSessions, d.SessionsAttended, num(d.PlannedSessions), pct(d.AttendancePct)), 10, false)
		line(fmt.Sprintf("Minutes: %s received of %s planned (dose %s). Fidelity: %s.", num(d.MinutesReceived), num(d.PlannedMinutes), pct(d.DosePct), pct(d.FidelityPct)), 10, false)
	} else {
		line("Delivery is unknown: no plan is linked to this goal.", 10, false)
	}
	y -= 4
	line("Method", 12, true)
	line("Weekly one-minute probes, dated on the school calendar (breaks stop the clock); several probes on one date count as their median; present level = median of the last 3 points; trend by ordinary least squares. Decision rules: 6 points over 6 weeks before any decision; 4 points in a row below or above the aimline; with 8 or more points, the trend against the aimline; a change of instruction is held back when attendance, dose or fidelity is below 80%.", 9, false)
	for _, warn := range r.Warnings {
		line("Note on the data: "+warn, 8, false)
	}
	if _, err := pdf.WriteTo(w); err != nil {
		return fmt.Errorf("reportdoc: pdf: %w", err)
	}
	return nil
}

func joinNums(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = num(x)
	}
	return strings.Join(s, ", ")
}

// wrap breaks s into lines of at most n characters at spaces.
func wrap(s string, n int) []string {
	if n < 20 {
		n = 20
	}
	var out []string
	for len(s) > n {
		cut := strings.LastIndex(s[:n], " ")
		if cut <= 0 {
			cut = n
		}
		out = append(out, s[:cut])
		s = strings.TrimLeft(s[cut:], " ")
	}
	return append(out, s)
}
