package ui

import (
	"context"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/demo"
	"smallwins/app/internal/repo"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// screenText is every label's and button's text on the window, one per line.
func screenText(w fyne.Window) string {
	var b strings.Builder
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		switch v := o.(type) {
		case *widget.Label:
			b.WriteString(v.Text + "\n")
		case *widget.Button:
			b.WriteString(v.Text + "\n")
		case *Button:
			b.WriteString(v.Text + "\n")
		case *tapRow: // a saved record's row (edit.go)
			b.WriteString(v.Text + "\n")
		}
	}
	return b.String()
}

// renderings are the ways a figure could be shown rounded: to 0, 1 and 2
// decimals, trailing zeros dropped.
func renderings(v float64) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if strings.Contains(s, ".") {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for d := 0; d <= 2; d++ {
		p := math.Pow(10, float64(d))
		add(strconv.FormatFloat(v, 'f', d, 64))                 // half to even
		add(strconv.FormatFloat(math.Round(v*p)/p, 'f', d, 64)) // half away from zero
	}
	return out
}

var (
	numberToken   = regexp.MustCompile(`-?\d+(?:\.\d+)?%?`)
	ruleThreshold = regexp.MustCompile(`\((?:below 90|above 110|within 90–110)%\)|below 80%`)
)

// roundedTwoWays lists the figures of rep shown in more than one rounding
// in text: a percentage as "76.21%" and "76%", a slope as "1.25" and "1.3".
func roundedTwoWays(text string, rep progress.Report) []string {
	// The rules' own thresholds ("below 90%", "within 90–110%", "below
	// 80%") are not figures of this student.
	text = ruleThreshold.ReplaceAllString(text, "")
	tokens := map[string]bool{}
	for _, t := range numberToken.FindAllString(text, -1) {
		tokens[t] = true
	}
	type figure struct {
		name string
		v    float64
		pct  bool
		rule string // the rendering the one rule gives
	}
	var figs []figure
	check := func(name string, v float64, pct bool) {
		rule := progress.FormatScore(v)
		switch {
		case pct:
			rule = progress.FormatDeliveryPct(v) // the room's: whole (ADR 0651)
		case strings.Contains(name, "slope") || strings.Contains(name, "ROI"):
			rule = progress.FormatSlope(v)
		}
		figs = append(figs, figure{name, v, pct, rule})
	}
	if d := rep.Delivery; d != nil {
		for name, p := range map[string]*float64{"attendance": d.AttendancePct, "dose": d.DosePct, "fidelity": d.FidelityPct} {
			if p != nil {
				check(name, *p, true)
			}
		}
		for _, s := range d.PerStep {
			if s.Pct != nil {
				check("step "+s.StepID, *s.Pct, true)
			}
		}
		check("planned sessions", d.PlannedSessions, false)
	}
	check("weeks of data", rep.WeeksOfData, false)
	if rep.Trend != nil {
		check("OLS slope", rep.Trend.OLS.Slope, false)
		check("projection", rep.Trend.OLS.ProjectionAtGoalDate, false)
		if rep.Trend.Tukey != nil {
			check("Tukey slope", rep.Trend.Tukey.Slope, false)
		}
	}
	if rep.Aimline != nil {
		check("aimline slope", rep.Aimline.SlopePerWeek, false)
	}
	if rep.ROI.Ratio != nil {
		figs = append(figs, figure{"ROI ratio", *rep.ROI.Ratio, false, progress.FormatRatio(*rep.ROI.Ratio)})
	}
	for name, p := range map[string]*float64{"present level": rep.PresentLevel, "expected level": rep.ExpectedLevel,
		"typical ROI": rep.ROI.Typical} {
		if p != nil {
			check(name, *p, false)
		}
	}
	// A token that is another figure's own rendering is that figure, not
	// a second rounding (a ratio of 0.8 beside a slope of 0.82).
	legit := map[string]bool{}
	for _, f := range figs {
		legit[f.rule] = true
	}
	var bad []string
	for _, f := range figs {
		var shown []string
		for _, r := range renderings(f.v) {
			if f.pct {
				r += "%"
			} else if !strings.Contains(r, ".") {
				continue // a whole number: too common to tell apart (6 points, 6 weeks)
			}
			if tokens[r] && (r == f.rule || !legit[r]) {
				shown = append(shown, r)
			}
		}
		if len(shown) > 1 {
			bad = append(bad, f.name+": "+strings.Join(shown, " and "))
		}
	}
	return bad
}

// TestNumbersOneRule: on every demo student's page, on a Friday (when a
// week spread over 7 days made attendance read over 100%), no figure is
// shown rounded two ways, percentages are whole (but for one that would
// round onto a rule's limit beside it), attendance is whole sessions with
// no "about", and the slopes, the growth needed against the typical and
// the skipped steps are said in words, with no method's name or ratio.
func TestNumbersOneRule(t *testing.T) {
	f := newFixture(t)
	f.clk.t = time.Date(2025, 3, 21, 10, 0, 0, 0, time.Local) // a Friday
	if _, err := demo.Load(context.Background(), f.rec, f.clk.t, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	a := f.start(portrait)
	students := repo.List[record.Student](f.rec)
	if len(students) < 12 {
		t.Fatalf("%d demo students", len(students))
	}
	pctToken := regexp.MustCompile(`attendance (\d+)%`)
	decimalPct := regexp.MustCompile(`(\d+\.\d+)%`)
	var sawGrowth, sawTypical, sawStep, sawPlanned bool
	for _, st := range students {
		s := newStudentScreen(a, st.ID)
		a.push(s)
		text := screenText(f.win)
		for gid, gp := range s.progress {
			if bad := roundedTwoWays(text, gp.Report); len(bad) > 0 {
				t.Errorf("%s, goal %s: rounded two ways: %v", st.Data.DisplayName(), gid, bad)
			}
			if d := gp.Report.Delivery; d != nil && strings.Contains(text, progress.Figure(d.PlannedSessions, 0)+" planned") {
				sawPlanned = true
			}
		}
		for _, m := range pctToken.FindAllStringSubmatch(text, -1) {
			if n, _ := strconv.Atoi(m[1]); n > 100 {
				t.Errorf("%s: %s", st.Data.DisplayName(), m[0])
			}
		}
		for _, m := range decimalPct.FindAllStringSubmatch(text, -1) {
			v, _ := strconv.ParseFloat(m[1], 64)
			if math.Abs(v-80) >= 1 && math.Abs(v-90) >= 1 && math.Abs(v-110) >= 1 {
				t.Errorf("%s: %s is not a whole percentage", st.Data.DisplayName(), m[0])
			}
		}
		for _, bad := range []string{"Tukey", "times the typical", "about ", "status ", "above plan"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s: the page says %q", st.Data.DisplayName(), bad)
			}
		}
		if regexp.MustCompile(`\d+\.\d+ planned`).MatchString(text) {
			t.Errorf("%s: planned sessions not whole", st.Data.DisplayName())
		}
		sawGrowth = sawGrowth || regexp.MustCompile(`(Growing|Falling) \d+(\.\d+)? [a-z ]+ a week`).MatchString(text)
		sawTypical = sawTypical || strings.Contains(text, "Typical growth is ")
		sawStep = sawStep || strings.Contains(text, "Step 5, Partner reading, was skipped in ")
		a.Back()
	}
	if !sawGrowth || !sawTypical || !sawStep || !sawPlanned {
		t.Errorf("words missing: growth %v, typical growth %v, step fidelity %v, planned %v", sawGrowth, sawTypical, sawStep, sawPlanned)
	}
}

// TestRoundedTwoWaysCatches: the checker above finds the case, so
// a pass means something.
func TestRoundedTwoWaysCatches(t *testing.T) {
	rep := progress.Report{Delivery: &progress.Delivery{AttendancePct: ptr(76.21)}, Trend: &progress.Trend{OLS: progress.OLS{Slope: 1.25}}}
	if bad := roundedTwoWays("attendance 76.21% below 80%. Delivery: attendance 76%", rep); len(bad) != 1 {
		t.Errorf("percentage: %v", bad)
	}
	if bad := roundedTwoWays("trend 1.25 a week; slope 1.3", rep); len(bad) != 1 {
		t.Errorf("slope: %v", bad)
	}
	if bad := roundedTwoWays("attendance 76%; trend 1.25", rep); len(bad) != 0 {
		t.Errorf("false alarm: %v", bad)
	}
}

// TestNoteShowsDateAndAuthor: a note says when and by whom.
func TestNoteShowsDateAndAuthor(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	must(repo.PutNote(context.Background(), f.store, "", record.Note{StudentID: sc.students[0], AuthorID: "someone-else", Body: "reads well", Category: record.NoteAcademic}, false))
	a := f.start(landscape)
	s := newStudentScreen(a, sc.students[0])
	a.push(s)
	test.Tap(s.noteEntry)
	test.Type(s.noteEntry, "mine")
	test.Tap(s.noteSave)
	text := screenText(f.win)
	for _, want := range []string{", by a colleague (Academic): reads well", ", by you (Academic): mine"} {
		if !strings.Contains(text, want) {
			t.Errorf("notes lack %q:\n%s", want, text)
		}
	}
	if !regexp.MustCompile(`(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ [A-Z][a-z]+ \d\d:\d\d, by you`).MatchString(text) {
		t.Errorf("no date on my note:\n%s", text)
	}
}
