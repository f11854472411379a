package progress

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"smallwins/shared/record"
)

// TestPhaseTrends: DOMAIN.md §5.1's points with no phase line give the
// report's own OLS; a phase line splits them, each part fitted alone.
func TestPhaseTrends(t *testing.T) {
	r, err := Progress(NewDataset(example51([]float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53})), goalID, mustDate("2025-03-17"))
	if err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	one := PhaseTrends(r.Points, nil)
	if len(one) != 1 || !near(one[0].Slope, r.Trend.OLS.Slope) || !near(one[0].Intercept, r.Trend.OLS.Intercept) ||
		one[0].Points != 10 || one[0].FirstWeek != 1 || one[0].LastWeek != 10 {
		t.Fatalf("no phase line: %+v, want the report's OLS %+v", one, r.Trend.OLS)
	}
	// A change on Monday 2025-02-10 (week 5): the week-5 probe, taken that
	// day, is the first phase's; weeks 6..10 are the second's. By hand:
	// weeks 1..5 of 45, 43, 47, 46, 49 → slope 11/10, intercept 46 − 3.3;
	// weeks 6..10 of 48, 50, 51, 50, 53 → slope 10/10, intercept 50.4 − 8.
	// A decision on the same day is the same boundary.
	two := PhaseTrends(r.Points, []Phase{{Week: 5, Kind: PhasePlanStart}, {Week: 5, Kind: PhaseDecision}})
	want := []PhaseTrend{{FirstWeek: 1, LastWeek: 5, Points: 5, Slope: 1.1, Intercept: 42.7}, {FirstWeek: 6, LastWeek: 10, Points: 5, Slope: 1, Intercept: 42.4}}
	if len(two) != 2 {
		t.Fatalf("two phases: %+v", two)
	}
	for i := range want {
		g, w := two[i], want[i]
		if g.FirstWeek != w.FirstWeek || g.LastWeek != w.LastWeek || g.Points != w.Points || !near(g.Slope, w.Slope) || !near(g.Intercept, w.Intercept) {
			t.Errorf("phase %d: %+v, want %+v", i+1, g, w)
		}
	}
	// A part of fewer than 3 points has no trend; the others keep theirs.
	if got := PhaseTrends(r.Points, []Phase{{Week: 2}, {Week: 8.5}}); len(got) != 1 || got[0].FirstWeek != 3 || got[0].LastWeek != 8 {
		t.Errorf("parts of 2, 6 and 2 points: %+v", got)
	}
	// Three points in one week: no spread, no trend (as §3.4's whole-goal fit).
	same := []Point{{Week: 1, Score: 40}, {Week: 1, Score: 41}, {Week: 1, Score: 42}}
	if got := PhaseTrends(same, nil); len(got) != 0 {
		t.Errorf("one week: %+v", got)
	}
}

func TestPhaseWords(t *testing.T) {
	for _, c := range []struct {
		ph   Phase
		want string
	}{
		{Phase{Kind: PhasePlanStart, ProgramID: "p"}, "New program"},
		{Phase{Kind: PhasePlanEnd}, "Program ended"},
		{Phase{Kind: PhaseDecision, Code: record.DecisionChangeInstruction}, "Team: change the instruction"},
		{Phase{Kind: PhaseDecision, Code: record.DecisionRaiseGoal}, "Team: raise the goal"},
		{Phase{Kind: PhaseDecision, Code: "Élargir"}, "Team: élargir"}, // a newer tablet's code, shown as itself
		{Phase{Kind: PhaseDecision}, "Team decision"},
	} {
		if got := PhaseWords(c.ph); got != c.want {
			t.Errorf("PhaseWords(%+v) = %q, want %q", c.ph, got, c.want)
		}
	}
}

// TestPauses: the breaks after a goal's start, where §3.2's clock stops.
func TestPauses(t *testing.T) {
	cal := NewCalendar([]record.CalendarBreak{
		{Name: "Winter", StartDate: "2025-02-17", EndDate: "2025-02-21"},
		{Name: "Snow day", StartDate: "2025-02-21", EndDate: "2025-02-24"}, // overlaps: one pause
		{Name: "New year", StartDate: "2024-12-23", EndDate: "2025-01-08"}, // began before the start
		{Name: "Summer", StartDate: "2024-07-01", EndDate: "2024-08-30"},   // wholly before: none
	}, func(string) {})
	got := cal.Pauses(mustDate("2025-01-06"))
	want := []Pause{
		{From: mustDate("2025-01-07"), To: mustDate("2025-01-08"), Week: 0, Name: "New year"},
		// 2025-01-07..02-16 is 41 days, two of them in the first break.
		{From: mustDate("2025-02-17"), To: mustDate("2025-02-24"), Week: 39.0 / 7, Name: "Winter / Snow day"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pauses\n got %+v\nwant %+v", got, want)
	}
}

// TestPauseNames: overlapping breaks give one pause named by the first
// few, not by thousands of names joined.
func TestPauseNames(t *testing.T) {
	var bs []record.CalendarBreak
	for i := 0; i < 5000; i++ {
		bs = append(bs, record.CalendarBreak{Name: fmt.Sprint("Break ", i), StartDate: "2025-02-17", EndDate: "2025-02-21"})
	}
	got := NewCalendar(bs, nil).Pauses(mustDate("2025-01-06"))
	if len(got) != 1 || strings.Count(got[0].Name, " / ") != 3 || !strings.HasSuffix(got[0].Name, " / …") {
		t.Errorf("pauses %+v", got)
	}
}
