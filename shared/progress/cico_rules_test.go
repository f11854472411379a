package progress

import (
	"strings"
	"testing"

	"smallwins/shared/record"
)

// cells is a card's ratings from whole numbers, -1 for null, one row per
// period.
func cells(rows ...[]int) [][]*float64 {
	out := make([][]*float64, len(rows))
	for p, row := range rows {
		out[p] = make([]*float64, len(row))
		for e, v := range row {
			if v >= 0 {
				f := float64(v)
				out[p][e] = &f
			}
		}
	}
	return out
}

// gridOf is a periods × expectations card whose first `earned` points are
// given as 2s then a 1 (the rest 0), every cell rated.
func gridOf(periods, expectations, earned int) [][]*float64 {
	rows := make([][]int, periods)
	for p := range rows {
		rows[p] = make([]int, expectations)
		for e := range rows[p] {
			v := min(2, earned)
			rows[p][e] = v
			earned -= v
		}
	}
	return cells(rows...)
}

func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "x" + strings.Repeat("y", i)
	}
	return out
}

func cicoCard(date string, periods, expectations int, ratings [][]*float64, goal *float64) record.Envelope {
	return env(nextID(), "cico_card", record.CICOCard{StudentID: studentID, Date: date, Expectations: names(expectations),
		Periods: names(periods), Ratings: ratings, GoalPct: goal})
}

func pctOf(v float64) *float64 { return &v }

// TestCICOGoalComparisonsAreExact: a day meets its goal when earned × 100 ≥
// goal × possible, in whole numbers (DOMAIN.md §3.9): 29 of 50 is 58%
// exactly, though 29 ÷ 50 × 100 is 57.99999999999999 in floating point.
func TestCICOGoalComparisonsAreExact(t *testing.T) {
	cases := []struct {
		name             string
		earned, possible int // possible = 2 × rated cells, 5 expectations a period
		goal             *float64
		met              bool
	}{
		{"29 of 50 meets 58", 29, 50, pctOf(58), true},
		{"28 of 50 misses 58", 28, 50, pctOf(58), false},
		{"29 of 50 misses 58.1", 29, 50, pctOf(58.1), false},
		{"23 of 40 meets 57.5", 23, 40, pctOf(57.5), true},
		{"22 of 40 misses 57.5", 22, 40, pctOf(57.5), false},
		{"57 of 100 meets 57", 57, 100, pctOf(57), true},
		{"7 of 10 meets 70 (0.7 × 100 is 70.00000000000001)", 7, 10, pctOf(70), true},
		{"8 of 10 meets the default 80", 8, 10, nil, true},
		{"7 of 10 misses the default 80", 7, 10, nil, false},
		{"0 of 10 meets a goal of 0", 0, 10, pctOf(0), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ds := NewDataset([]record.Envelope{cicoCard("2025-03-03", c.possible/10, 5, gridOf(c.possible/10, 5, c.earned), c.goal)})
			r := CICO(ds, studentID, mustDate("2025-03-03"), mustDate("2025-03-09"))
			if len(r.Days) != 1 || r.Days[0].Earned != float64(c.earned) || r.Days[0].Possible != float64(c.possible) {
				t.Fatalf("days %+v warnings %v", r.Days, r.Warnings)
			}
			if r.Days[0].Met != c.met {
				t.Errorf("met = %v, want %v (pct %v)", r.Days[0].Met, c.met, r.Days[0].Pct)
			}
			if d := r.Weeks[0].DaysBelowGoal; d != map[bool]int{true: 0, false: 1}[c.met] {
				t.Errorf("days below goal %d", d)
			}
		})
	}
}

// TestCICOWeekMetIsExact: a week is met at 80% exactly, by the same
// comparison (Σ earned × 100 ≥ 80 × Σ possible).
func TestCICOWeekMetIsExact(t *testing.T) {
	cases := []struct {
		earned []int // one card a day, 10 cells (possible 20) each
		met    bool
	}{
		{[]int{16, 16, 16, 16, 16}, true},  // 80/100
		{[]int{20, 20, 20, 20, 15}, true},  // 95/100
		{[]int{16, 16, 16, 16, 15}, false}, // 79/100
		{[]int{14, 14, 20}, true},          // 48/60 = 80% (0.8 × 100 in floats either side)
		{[]int{14, 13, 20}, false},         // 47/60
	}
	for _, c := range cases {
		var envs []record.Envelope
		for i, e := range c.earned {
			envs = append(envs, cicoCard(day("2025-03-03", i), 2, 5, gridOf(2, 5, e), pctOf(50)))
		}
		r := CICO(NewDataset(envs), studentID, mustDate("2025-03-03"), mustDate("2025-03-09"))
		if len(r.Weeks) != 1 || r.Weeks[0].Met != c.met {
			t.Errorf("%v: weeks %+v, want met %v", c.earned, r.Weeks, c.met)
		}
	}
}

// TestCICOPooledDayGoal: several cards of one date pool into one day whose
// goal is the highest goal_pct among the cards with a rated cell; a card
// with nothing rated sets no goal.
func TestCICOPooledDayGoal(t *testing.T) {
	unrated := cells([]int{-1, -1})
	cases := []struct {
		name  string
		cards []record.Envelope
		met   bool
	}{
		// 15 of 20 (75%): the unrated card's 90 does not count, 70 does.
		{"an unrated card's goal is not the day's", []record.Envelope{
			cicoCard("2025-03-03", 1, 2, unrated, pctOf(90)),
			cicoCard("2025-03-03", 2, 5, gridOf(2, 5, 15), pctOf(70)),
		}, true},
		// Both rated: 15 + 2 of 24 (70.8%) against the higher goal, 75.
		{"the highest rated goal applies", []record.Envelope{
			cicoCard("2025-03-03", 2, 5, gridOf(2, 5, 15), pctOf(70)),
			cicoCard("2025-03-03", 1, 2, cells([]int{2, 0}), pctOf(75)),
		}, false},
		// A card without goal_pct has 80: 19 of 24 (79.2%) against 80.
		{"the default 80 counts as a card's goal", []record.Envelope{
			cicoCard("2025-03-03", 2, 5, gridOf(2, 5, 15), pctOf(60)),
			cicoCard("2025-03-03", 1, 2, cells([]int{2, 2}), nil),
		}, false},
	}
	for _, c := range cases {
		r := CICO(NewDataset(c.cards), studentID, mustDate("2025-03-03"), mustDate("2025-03-03"))
		if len(r.Days) != 1 || r.Days[0].Met != c.met {
			t.Errorf("%s: days %+v, want met %v", c.name, r.Days, c.met)
		}
	}
}

// TestCICOInvalidCardSkippedWhole: a card that fails validation (DOMAIN.md
// §3.9: 1–5 expectations, 1–10 periods, ratings shaped periods ×
// expectations, each cell 0, 1, 2 or null) is skipped whole and named in
// warnings, alone on its date or pooled with a valid card.
func TestCICOInvalidCardSkippedWhole(t *testing.T) {
	bad := []struct {
		name                  string
		periods, expectations int
		ratings               [][]*float64
		field                 string
	}{
		{"no expectations", 1, 0, cells([]int{}), "expectations"},
		{"six expectations", 1, 6, gridOf(1, 6, 12), "expectations"},
		{"no periods", 0, 2, cells(), "periods"},
		{"eleven periods", 11, 1, gridOf(11, 1, 22), "periods"},
		{"a row missing", 2, 2, cells([]int{2, 2}), "ratings"},
		{"a row too many", 1, 2, cells([]int{2, 2}, []int{2, 2}), "ratings"},
		{"a short row", 2, 2, cells([]int{2, 2}, []int{2}), "ratings"},
		{"a long row", 2, 2, cells([]int{2, 2}, []int{2, 2, 2}), "ratings"},
		{"no ratings", 1, 1, nil, "ratings"},
		{"a rating of 3", 2, 2, cells([]int{2, 2}, []int{3, 2}), "ratings"},
		{"a rating of 0.5", 1, 2, [][]*float64{{pctOf(0.5), pctOf(2)}}, "ratings"},
		{"a rating of -1", 1, 2, [][]*float64{{pctOf(-1), pctOf(2)}}, "ratings"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			card := cicoCard("2025-03-04", b.periods, b.expectations, b.ratings, nil)
			// On the date of a valid card; its low goal would make the day met.
			pooled := cicoCard("2025-03-05", b.periods, b.expectations, b.ratings, pctOf(10))
			envs := []record.Envelope{
				cicoCard("2025-03-03", 1, 2, cells([]int{2, 1}), nil), // valid: 3 of 4
				card, // alone on its date
				cicoCard("2025-03-05", 1, 2, cells([]int{1, 1}), nil), // valid: 2 of 4
				pooled,
			}
			r := CICO(NewDataset(envs), studentID, mustDate("2025-03-03"), mustDate("2025-03-09"))
			if len(r.Days) != 2 || r.Days[0].Date != "2025-03-03" || r.Days[1].Date != "2025-03-05" {
				t.Fatalf("days %+v: the invalid card counted", r.Days)
			}
			if r.Days[1].Earned != 2 || r.Days[1].Possible != 4 || r.Days[1].Met {
				t.Errorf("pooled day %+v: only the valid card counts, with its goal (80)", r.Days[1])
			}
			if r.Total.Earned != 5 || r.Total.Possible != 8 {
				t.Errorf("total %+v", r.Total)
			}
			for _, id := range []string{card.ID, pooled.ID} {
				named := false
				for _, w := range r.Warnings {
					if strings.Contains(w, id) && strings.Contains(w, "skipped") && strings.Contains(w, b.field) {
						named = true
					}
				}
				if !named {
					t.Errorf("card %s not named (with %q) in warnings %q", id, b.field, r.Warnings)
				}
			}
		})
	}
}

// TestMeetsGoal pins the comparison itself, including goals that are no
// whole number and large pooled totals.
func TestMeetsGoal(t *testing.T) {
	cases := []struct {
		earned, possible, goal float64
		want                   bool
	}{
		{29, 50, 58, true},
		{29, 50, 58.000000001, false},
		{581, 1000, 58.1, true}, // 58.1 is the decimal its record wrote
		{580, 1000, 58.1, false},
		{1, 3, 33.333333333333336, false}, // the float nearest 100/3 is above 1/3 × 100
		{1, 3, 33.33, true},
		{0, 0, 0, false}, // nothing rated: no %, never met
		{4e9, 5e9, 80, true},
		{4e9 - 1, 5e9, 80, false},
		{5, 10, -20, true},
	}
	for _, c := range cases {
		if got := MeetsGoal(c.earned, c.possible, c.goal); got != c.want {
			t.Errorf("MeetsGoal(%v, %v, %v) = %v, want %v", c.earned, c.possible, c.goal, got, c.want)
		}
	}
}
