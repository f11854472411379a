package reportdoc

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"

	"smallwins/shared/progress"
	"smallwins/shared/record"
)

func mustDay(t testing.TB, s string) progress.Date {
	t.Helper()
	d, err := progress.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// wellFormed fails unless svg is one well-formed XML element with nothing
// a page's CSP or a screen reader would trip on.
func wellFormed(t testing.TB, svg []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
	}
	for _, bad := range []string{"NaN", "Inf", "style=", "<script", "href", "-0 ", "-0\""} {
		if bytes.Contains(svg, []byte(bad)) {
			t.Fatalf("the SVG holds %q:\n%s", bad, svg)
		}
	}
}

func TestCICOChartSVG(t *testing.T) {
	c := CICOChart{Title: "Weekly points of Maya <Lopez>", From: mustDay(t, "2025-02-05"), To: mustDay(t, "2025-03-19"),
		Weeks: []progress.CICOWeek{
			{WeekStart: "2025-01-27", Pct: 90, Met: true}, // before the range: left out
			{WeekStart: "2025-02-03", Pct: 85, Met: true},
			{WeekStart: "2025-02-10", Pct: 70},
			{WeekStart: "2025-02-24", Pct: 100, Met: true}, // a week without cards (17 Feb) is a gap
			{WeekStart: "2025-03-03", Pct: 60},
			{WeekStart: "2025-03-17", Pct: 80, Met: true},
		},
		Phases: []record.CICOPhase{{Phase: record.PhaseSelfManaged, StartDate: "2025-03-03"}, {Phase: record.PhaseFaded, StartDate: "2026-01-05"}},
	}
	svg := CICOChartSVG(c)
	wellFormed(t, svg)
	s := string(svg)
	// Three met weeks drawn as filled circles (and one in the legend), two
	// below the goal as hollow triangles (and one in the legend).
	if n := strings.Count(s, `r="5" fill="#1e6b34"`); n != 1+3 {
		t.Errorf("%d met marks, want 3 and the legend's", n)
	}
	if n := strings.Count(s, `fill="#fff" stroke="#b3261e"`); n != 1+2 {
		t.Errorf("%d below-goal marks, want 2 and the legend's", n)
	}
	for _, want := range []string{
		"Weekly points of Maya &lt;Lopez&gt;",
		"Self-managed from 3 Mar", // the phase in words; the one after To is not drawn
		"weekly goal 80%",
		"3 of 5 weeks with a rated card met the weekly goal of 80%",
		`font-family="system-ui`,
		">3 Feb<", // the first Monday, the week of From
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the chart lacks %q", want)
		}
	}
	if strings.Contains(s, "Faded") || strings.Count(s, `stroke="#6a3d9a"`) != 1 {
		t.Errorf("a phase outside the range is drawn")
	}
	// 100% sits on the top of the plot, 60% lower, as the axis says.
	if !strings.Contains(s, `cy="`+coord(cicoWide.top)+`"`) {
		t.Errorf("100%% is not drawn at the top of the plot")
	}
}

// TestCICOChartNarrow: the phone's drawing has its own ids (a page holds
// both), the same marks, and fewer date labels.
func TestCICOChartNarrow(t *testing.T) {
	c := CICOChart{Title: "x", From: mustDay(t, "2025-01-06"), To: mustDay(t, "2025-03-17"),
		Weeks: []progress.CICOWeek{{WeekStart: "2025-03-10", Pct: 85, Met: true}, {WeekStart: "2025-03-17", Pct: 60}}}
	wide, narrow := CICOChartSVG(c), func() []byte { c.Narrow = true; return CICOChartSVG(c) }()
	wellFormed(t, narrow)
	if !bytes.Contains(narrow, []byte(`id="cico-chart-narrow-title"`)) || !bytes.Contains(wide, []byte(`id="cico-chart-wide-title"`)) {
		t.Errorf("the two drawings do not have their own ids")
	}
	labels := func(svg []byte) int { return bytes.Count(svg, []byte(`text-anchor="middle">`)) }
	if labels(narrow) >= labels(wide) || labels(narrow) > 5 {
		t.Errorf("date labels: narrow %d, wide %d", labels(narrow), labels(wide))
	}
	if bytes.Count(narrow, []byte(`r="5" fill="#1e6b34"`)) != 2 || bytes.Count(narrow, []byte(`stroke="#b3261e"`)) != 2 {
		t.Errorf("the narrow drawing's marks differ")
	}
}

func TestCICOChartEmpty(t *testing.T) {
	svg := CICOChartSVG(CICOChart{Title: "x", From: mustDay(t, "2025-03-20"), To: mustDay(t, "2025-03-01")})
	wellFormed(t, svg)
	if !bytes.Contains(svg, []byte("No rated card")) || bytes.Contains(svg, []byte("<polyline")) {
		t.Errorf("an empty chart: %s", svg)
	}
}

// FuzzCICOChartSVG: whatever the weeks (a % that is not a number or past
// any bound, a date outside the range or not a date) and the range, the
// chart is well-formed and every coordinate a number within its box.
func FuzzCICOChartSVG(f *testing.F) {
	f.Add("2025-03-03", 85.0, "2025-03-10", "self_managed", int32(0), int32(42))
	f.Add("2000-01-03", math.Inf(1), "2100-12-27", "graduated", int32(-40000), int32(40000))
	f.Add("nope", math.NaN(), "2025-13-01", "", int32(5), int32(-5))
	f.Add("2025-03-03", -1e308, "2025-03-03", "faded", int32(0), int32(0))
	f.Fuzz(func(t *testing.T, week string, pct float64, phaseDate, phase string, from, span int32) {
		base := mustDay(t, "2025-03-03")
		// The range is bounded as a page bounds it (a page asks for at
		// most a year): the fuzzer may not make a million-week chart.
		f0 := base + progress.Date(from%4000)
		c := CICOChart{Title: "Weekly points", From: f0, To: f0 + progress.Date(span%400),
			Weeks:  []progress.CICOWeek{{WeekStart: week, Pct: pct, Met: pct >= 80}, {WeekStart: base.String(), Pct: pct}},
			Phases: []record.CICOPhase{{Phase: phase, StartDate: phaseDate}}}
		wellFormed(t, CICOChartSVG(c))
		c.Narrow = true
		wellFormed(t, CICOChartSVG(c))
	})
}
