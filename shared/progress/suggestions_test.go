package progress

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"smallwins/shared/record"
)

const (
	normID  = "00000000-0000-7000-8000-0000000000c1"
	normID2 = "00000000-0000-7000-8000-0000000000c2"
	hlcNode = "00000000-0000-7000-8000-0000000000ee"
)

func hlcAt(wall int64) string { return fmt.Sprintf("%013d-00000-%s", wall, hlcNode) }

func fp(v float64) *float64 { return &v }

// normRow is a row with a fall score and a roi (nil when absent).
func normRow(pct float64, fall, roi *float64) record.NormRow {
	return record.NormRow{Percentile: pct, Fall: fall, ROI: roi}
}

// exampleTable is §4.4's example: a fall score of 85 lies at the 23.5th
// percentile (between 78 at the 20th and 98 at the 30th), the nearest
// roi is the 20th's 1.4, and the 48.5th's nearest is the 50th's 1.9.
func exampleTable() record.NormTable {
	return record.NormTable{Measure: "orf_wcpm", Grade: "2", Source: "District local norms 2026 (fictional)",
		Rows: []record.NormRow{
			normRow(10, fp(60), fp(1.2)), normRow(20, fp(78), fp(1.4)), normRow(30, fp(98), fp(1.5)),
			normRow(40, fp(105), fp(1.7)), normRow(50, fp(112), fp(1.9)), normRow(75, fp(130), fp(2.1)), normRow(90, fp(150), fp(2.3)),
		},
		Benchmark: &record.Benchmark{Fall: fp(95), Winter: fp(102), Spring: fp(110)}}
}

func normEnv(id string, wall int64, t record.NormTable) record.Envelope {
	e := env(id, record.TypeNormTable, t)
	e.HLC = hlcAt(wall)
	return e
}

// query is the worked example's: a grade 2 ORF goal from Monday
// 2025-09-08, start score 85, goal date 36 weeks later (2026-05-18).
func query() SuggestionQuery {
	return SuggestionQuery{Grade: "2", Measure: "orf_wcpm", StartDate: mustDate("2025-09-08"), GoalDate: mustDate("2026-05-18"), StartScore: 85}
}

// TestWorkedExample310: DOMAIN.md §3.10's example and §4.4's response,
// as JSON.
func TestWorkedExample310(t *testing.T) {
	got := GoalSuggestions([]record.Envelope{normEnv(normID, 1_760_000_000_000, exampleTable())}, query(), Calendar{})
	b, _ := json.Marshal(got)
	want := `{"norm_table_id":"` + normID + `","source":"District local norms 2026 (fictional)","season":"fall",
	 "start_percentile":23.5,"below_benchmark":true,
	 "suggestions":[{"kind":"typical","roi":1.4,"goal_score":135.4},
	                {"kind":"ambitious","roi":1.9,"goal_score":153.4},
	                {"kind":"close_the_gap","roi":null,"goal_score":110}]}`
	if !sameJSON(t, b, []byte(want)) {
		t.Fatalf("got %s\nwant %s", b, want)
	}
	if got.TypicalROI == nil || *got.TypicalROI != 1.4 {
		t.Fatalf("typical_roi to store: %v", got.TypicalROI)
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

func TestSeasons(t *testing.T) {
	for date, want := range map[string]string{
		"2025-07-31": "spring", "2025-08-01": "fall", "2025-11-30": "fall", "2025-12-01": "winter",
		"2026-01-15": "winter", "2026-02-28": "winter", "2026-03-01": "spring", "2026-06-30": "spring",
	} {
		if got := Season(mustDate(date)); got != want {
			t.Errorf("Season(%s) = %s, want %s", date, got, want)
		}
	}
}

// TestSuggestionRules: §3.10 rule by rule, each case a change of the
// worked example.
func TestSuggestionRules(t *testing.T) {
	type want struct {
		pct       *float64 // start percentile; nil: null
		below     *bool
		season    string
		typical   *float64 // goal scores; nil: left out
		ambitious *float64
		gap       *float64
		roiT      *float64
		roiA      *float64
	}
	yes, no := true, false
	cases := []struct {
		name  string
		table func(*record.NormTable)
		q     func(*SuggestionQuery)
		cal   Calendar
		want  want
	}{
		{"worked example", nil, nil, Calendar{},
			want{pct: fp(23.5), below: &yes, season: "fall", typical: fp(135.4), ambitious: fp(153.4), gap: fp(110), roiT: fp(1.4), roiA: fp(1.9)}},
		// A score on a row is that row's percentile.
		{"on a row", nil, func(q *SuggestionQuery) { q.StartScore = 98 }, Calendar{},
			want{pct: fp(30), below: &no, season: "fall", typical: fp(98 + 1.5*36), ambitious: fp(98 + 1.9*36), gap: fp(110), roiT: fp(1.5), roiA: fp(1.9)}},
		// Clamped to the first and last rows; 10 + 25 is as near the 30th as
		// the 40th, and the lower is taken.
		{"below the first row", nil, func(q *SuggestionQuery) { q.StartScore = 12 }, Calendar{},
			want{pct: fp(10), below: &yes, season: "fall", typical: fp(12 + 1.2*36), ambitious: fp(12 + 1.5*36), gap: fp(110), roiT: fp(1.2), roiA: fp(1.5)}},
		{"above the last row", nil, func(q *SuggestionQuery) { q.StartScore = 400 }, Calendar{},
			want{pct: fp(90), below: &no, season: "fall", typical: fp(400 + 2.3*36), ambitious: fp(400 + 2.3*36), gap: fp(110), roiT: fp(2.3), roiA: fp(2.3)}},
		// Ambitious is the start percentile + 25, capped at the last row
		// with a roi (here the 75th: the 90th has none).
		{"ambitious capped", func(n *record.NormTable) { n.Rows[6].ROI = nil }, func(q *SuggestionQuery) { q.StartScore = 125 }, Calendar{},
			want{pct: fp(50 + 13.0/18*25), below: &no, season: "fall", typical: fp(125 + 2.1*36), ambitious: fp(125 + 2.1*36), gap: fp(110), roiT: fp(2.1), roiA: fp(2.1)}},
		// The nearest row with a roi, the lower one on a tie: 25 is 5 from
		// both the 20th and the 30th.
		{"roi tie takes the lower", nil, func(q *SuggestionQuery) { q.StartScore = 88 }, Calendar{},
			want{pct: fp(25), below: &yes, season: "fall", typical: fp(85 + 3 + 1.4*36), ambitious: fp(88 + 1.9*36), gap: fp(110), roiT: fp(1.4), roiA: fp(1.9)}},
		// Rows without a roi are passed over: the 20th's nearest is then the 10th.
		{"rows without roi", func(n *record.NormTable) { n.Rows[1].ROI, n.Rows[2].ROI = nil, nil }, nil, Calendar{},
			want{pct: fp(23.5), below: &yes, season: "fall", typical: fp(85 + 1.2*36), ambitious: fp(85 + 1.9*36), gap: fp(110), roiT: fp(1.2), roiA: fp(1.9)}},
		// No roi at all: typical and ambitious are left out.
		{"no roi", func(n *record.NormTable) {
			for i := range n.Rows {
				n.Rows[i].ROI = nil
			}
		}, nil, Calendar{}, want{pct: fp(23.5), below: &yes, season: "fall", gap: fp(110)}},
		// The winter column, and rows without a winter score left out:
		// 85 lies between the 10th (70) and the 50th (110) → 25.
		{"winter column", func(n *record.NormTable) {
			n.Rows[0].Winter, n.Rows[4].Winter = fp(70), fp(110)
		}, func(q *SuggestionQuery) { q.StartDate, q.GoalDate = mustDate("2026-01-05"), mustDate("2026-05-25") }, Calendar{},
			want{pct: fp(25), below: &yes, season: "winter", typical: fp(85 + 1.4*20), ambitious: fp(85 + 1.9*20), gap: fp(110), roiT: fp(1.4), roiA: fp(1.9)}},
		// An empty column: no start percentile, so no typical or
		// ambitious; below benchmark and close the gap still stand.
		{"empty column", nil, func(q *SuggestionQuery) { q.StartDate, q.GoalDate = mustDate("2026-03-02"), mustDate("2026-06-01") }, Calendar{},
			want{season: "spring", below: &yes, gap: fp(110)}},
		// Equal scores merge into the row with the lowest percentile.
		{"equal scores merge", func(n *record.NormTable) {
			n.Rows = []record.NormRow{normRow(5, fp(0), nil), normRow(10, fp(0), fp(0.5)), normRow(15, fp(0), nil), normRow(20, fp(10), fp(1))}
		}, func(q *SuggestionQuery) { q.StartScore = 0 }, Calendar{},
			want{pct: fp(5), below: &yes, season: "fall", typical: fp(0.5 * 36), ambitious: fp(36), gap: fp(110), roiT: fp(0.5), roiA: fp(1)}},
		{"equal scores merge, between rows", func(n *record.NormTable) {
			n.Rows = []record.NormRow{normRow(5, fp(0), nil), normRow(10, fp(0), fp(0.5)), normRow(15, fp(0), nil), normRow(20, fp(10), fp(1))}
		}, func(q *SuggestionQuery) { q.StartScore = 5 }, Calendar{},
			want{pct: fp(12.5), below: &yes, season: "fall", typical: fp(5 + 0.5*36), ambitious: fp(5 + 36), gap: fp(110), roiT: fp(0.5), roiA: fp(1)}},
		// Rounded to one decimal, halves away from zero: 10 + 0.0125 × 36
		// = 10.45 → 10.5 (10.449999… in floating point).
		{"half rounds up", func(n *record.NormTable) {
			for i := range n.Rows {
				n.Rows[i].ROI = fp(0.0125)
			}
		}, func(q *SuggestionQuery) { q.StartScore = 10 }, Calendar{},
			want{pct: fp(10), below: &yes, season: "fall", typical: fp(10.5), ambitious: fp(10.5), gap: fp(110), roiT: fp(0.0125), roiA: fp(0.0125)}},
		// Close the gap is the goal date's season's benchmark, unrounded.
		{"close the gap unrounded", func(n *record.NormTable) { n.Benchmark.Spring = fp(110.37) }, nil, Calendar{},
			want{pct: fp(23.5), below: &yes, season: "fall", typical: fp(135.4), ambitious: fp(153.4), gap: fp(110.37), roiT: fp(1.4), roiA: fp(1.9)}},
		// Without a benchmark for the goal date's season, no close the gap;
		// without one for the start's season, below benchmark is null.
		{"no benchmark", func(n *record.NormTable) { n.Benchmark = &record.Benchmark{Winter: fp(100)} }, nil, Calendar{},
			want{pct: fp(23.5), season: "fall", typical: fp(135.4), ambitious: fp(153.4), roiT: fp(1.4), roiA: fp(1.9)}},
		{"no benchmark object", func(n *record.NormTable) { n.Benchmark = nil }, nil, Calendar{},
			want{pct: fp(23.5), season: "fall", typical: fp(135.4), ambitious: fp(153.4), roiT: fp(1.4), roiA: fp(1.9)}},
		// week(goal_date) skips breaks (§3.2): a week's break leaves 35.
		{"breaks stop the clock", nil, nil, NewCalendar([]record.CalendarBreak{{Name: "Winter", StartDate: "2025-12-22", EndDate: "2025-12-28"}}, nil),
			want{pct: fp(23.5), below: &yes, season: "fall", typical: fp(85 + 1.4*35), ambitious: fp(85 + 1.9*35), gap: fp(110), roiT: fp(1.4), roiA: fp(1.9)}},
		// A district's own measure counts as up.
		{"district measure", func(n *record.NormTable) { n.Measure = "district_wrf" }, func(q *SuggestionQuery) { q.Measure = "district_wrf" }, Calendar{},
			want{pct: fp(23.5), below: &yes, season: "fall", typical: fp(135.4), ambitious: fp(153.4), gap: fp(110), roiT: fp(1.4), roiA: fp(1.9)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tab, q := exampleTable(), query()
			if c.table != nil {
				c.table(&tab)
			}
			if c.q != nil {
				c.q(&q)
			}
			got := GoalSuggestions([]record.Envelope{normEnv(normID, 1_760_000_000_000, tab)}, q, c.cal)
			if got.NormTableID == nil || *got.NormTableID != normID || got.Season == nil || *got.Season != c.want.season {
				t.Fatalf("table %v season %v", got.NormTableID, got.Season)
			}
			nullable(t, "start_percentile", got.StartPercentile, c.want.pct)
			if (got.BelowBenchmark == nil) != (c.want.below == nil) || got.BelowBenchmark != nil && *got.BelowBenchmark != *c.want.below {
				t.Errorf("below_benchmark %v, want %v", got.BelowBenchmark, c.want.below)
			}
			byKind := map[string]Suggestion{}
			for _, s := range got.Suggestions {
				byKind[s.Kind] = s
			}
			for _, k := range []struct {
				kind      string
				goal, roi *float64
			}{{SuggestTypical, c.want.typical, c.want.roiT}, {SuggestAmbitious, c.want.ambitious, c.want.roiA}, {SuggestCloseTheGap, c.want.gap, nil}} {
				s, ok := byKind[k.kind]
				if ok != (k.goal != nil) {
					t.Errorf("%s present %v, want %v", k.kind, ok, k.goal != nil)
					continue
				}
				if !ok {
					continue
				}
				want := *k.goal
				if k.kind != SuggestCloseTheGap {
					want = RoundGoal(want)
				}
				near(t, k.kind+" goal", s.GoalScore, want)
				nullable(t, k.kind+" roi", s.ROI, k.roi)
			}
			if len(got.Suggestions) != len(byKind) {
				t.Errorf("a kind repeats: %+v", got.Suggestions)
			}
		})
	}
}

// TestSuggestionsWithoutTable: no usable table answers §4.4's empty
// response: no table, another measure or grade, a down measure, a deleted
// or invalid table.
func TestSuggestionsWithoutTable(t *testing.T) {
	invalid := exampleTable()
	invalid.Rows[3].Percentile = 20 // not strictly increasing
	down := exampleTable()
	down.Measure = "office_referrals"
	del := normEnv(normID, 1_760_000_000_000, exampleTable())
	del.Deleted, del.Data = true, nil
	cases := []struct {
		name   string
		tables []record.Envelope
		q      func(*SuggestionQuery)
	}{
		{"no table", nil, nil},
		{"another grade", []record.Envelope{normEnv(normID, 1, exampleTable())}, func(q *SuggestionQuery) { q.Grade = "3" }},
		{"another measure", []record.Envelope{normEnv(normID, 1, exampleTable())}, func(q *SuggestionQuery) { q.Measure = "maze" }},
		{"down measure", []record.Envelope{normEnv(normID, 1, down)}, func(q *SuggestionQuery) { q.Measure = "office_referrals" }},
		{"deleted", []record.Envelope{del}, nil},
		{"invalid", []record.Envelope{normEnv(normID, 1, invalid)}, nil},
		{"not a table", []record.Envelope{env(normID, record.TypeProbeForm, exampleTable())}, nil},
	}
	for _, c := range cases {
		q := query()
		if c.q != nil {
			c.q(&q)
		}
		b, _ := json.Marshal(GoalSuggestions(c.tables, q, Calendar{}))
		want := `{"norm_table_id":null,"source":null,"season":null,"start_percentile":null,"below_benchmark":null,"suggestions":[]}`
		if string(b) != want {
			t.Errorf("%s: %s", c.name, b)
		}
	}
}

// TestLatestTableByHLC: the valid table with the greatest HLC wins, in any
// order; a newer invalid one is skipped.
func TestLatestTableByHLC(t *testing.T) {
	older, newer := exampleTable(), exampleTable()
	newer.Source = "District local norms 2027"
	invalid := exampleTable()
	invalid.Source = ""
	a, b := normEnv(normID, 1_760_000_000_000, older), normEnv(normID2, 1_760_000_000_001, newer)
	c := normEnv("00000000-0000-7000-8000-0000000000c3", 1_760_000_000_002, invalid)
	for _, order := range [][]record.Envelope{{a, b, c}, {c, b, a}, {b, c, a}} {
		got := GoalSuggestions(order, query(), Calendar{})
		if got.NormTableID == nil || *got.NormTableID != normID2 || *got.Source != "District local norms 2027" {
			t.Errorf("chose %v", got.NormTableID)
		}
	}
	if got := GoalSuggestions([]record.Envelope{a, c}, query(), Calendar{}); got.NormTableID == nil || *got.NormTableID != normID {
		t.Errorf("with the newest invalid: chose %v", got.NormTableID)
	}
}

func TestRoundGoal(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{135.39999999999998, 135.4}, {87.45, 87.5}, {87.44999999999999, 87.5}, {87.44, 87.4}, {87.35, 87.4},
		{-0.05, -0.1}, {0.05, 0.1}, {-0.04, 0}, {2.25, 2.3}, {-2.25, -2.3}, {100, 100},
	} {
		got := RoundGoal(c.in)
		if got != c.want {
			t.Errorf("RoundGoal(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if b, _ := json.Marshal(RoundGoal(-0.04)); string(b) != "0" {
		t.Errorf("-0.04 rounds to %s", b)
	}
}

// BenchmarkGoalSuggestions30 is §3.10 over the 30 norm tables a tablet
// may hold (5 measures × 6 grades, 99 percentiles each), decoded from
// their records as the goal form gets them: the bound is 50 ms.
//
//	go test ./shared/progress -run '^$' -bench GoalSuggestions30
func BenchmarkGoalSuggestions30(b *testing.B) {
	var tables []record.Envelope
	grades := []string{"K", "1", "2", "3", "4", "5"}
	for m := range 5 {
		for g, grade := range grades {
			t := record.NormTable{Measure: fmt.Sprintf("m%d", m), Grade: grade, Source: "Load test norms (fictional)"}
			for p := 1; p <= 99; p++ {
				f := float64(10*g + p)
				t.Rows = append(t.Rows, record.NormRow{Percentile: float64(p), Fall: fp(f), Winter: fp(f + 10), Spring: fp(f + 20), ROI: fp(0.5 + float64(p)/100)})
			}
			t.Benchmark = &record.Benchmark{Fall: fp(40), Winter: fp(50), Spring: fp(60)}
			tables = append(tables, normEnv(fmt.Sprintf("00000000-0000-7000-8000-%012d", 100+len(tables)), int64(1_760_000_000_000+len(tables)), t))
		}
	}
	q := SuggestionQuery{Grade: "3", Measure: "m2", StartDate: mustDate("2025-09-08"), GoalDate: mustDate("2026-05-18"), StartScore: 75}
	for b.Loop() {
		if got := GoalSuggestions(tables, q, Calendar{}); len(got.Suggestions) != 3 {
			b.Fatalf("%+v", got)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/suggestion")
}
