package progress

import (
	"math"
	"sort"
	"time"

	"smallwins/shared/record"
)

// DOMAIN.md §3.10: goals from a district's norms. One pure function, which
// the server's GET /v1/reports/goal-suggestions (§4.4) and the goal forms
// call; its choices where §3.10 is open are ADR 0028's.

// Suggestion kinds (§4.4).
const (
	SuggestTypical     = "typical"
	SuggestAmbitious   = "ambitious"
	SuggestCloseTheGap = "close_the_gap"
)

// AmbitiousPercentiles is how far above the start percentile the ambitious
// growth is read (§3.10).
const AmbitiousPercentiles = 25

// SuggestionQuery is what the suggestions are for: a student's grade, a
// measure, the goal's dates and its start score.
type SuggestionQuery struct {
	Grade, Measure      string
	StartDate, GoalDate Date
	StartScore          float64
}

// Suggestions is §4.4's response. Without a usable table every field is
// null and Suggestions is empty.
type Suggestions struct {
	NormTableID     *string      `json:"norm_table_id"`
	Source          *string      `json:"source"`
	Season          *string      `json:"season"`
	StartPercentile *float64     `json:"start_percentile"`
	BelowBenchmark  *bool        `json:"below_benchmark"`
	Suggestions     []Suggestion `json:"suggestions"`
	// TypicalROI is the typical growth a goal stores as typical_roi
	// whichever suggestion is chosen (§3.10); nil when there is none. It
	// is the typical suggestion's ROI, kept here for the forms.
	TypicalROI *float64 `json:"-"`
}

// Suggestion is one suggested goal. ROI is null for close_the_gap.
type Suggestion struct {
	Kind      string   `json:"kind"`
	ROI       *float64 `json:"roi"`
	GoalScore float64  `json:"goal_score"`
}

// Season is the season of a date (§3.10): fall August–November, winter
// December–February, spring March–July.
func Season(d Date) string {
	switch d.Time().Month() {
	case time.August, time.September, time.October, time.November:
		return record.SeasonFall
	case time.December, time.January, time.February:
		return record.SeasonWinter
	}
	return record.SeasonSpring
}

// NormTableFor picks §3.10's table among candidates (norm_table records of
// any measure and grade): the valid, live one of the measure and grade
// with the greatest HLC (then the greatest id, should two HLCs be equal).
// ok is false when there is none.
func NormTableFor(candidates []record.Envelope, measure, grade string) (id string, t record.NormTable, ok bool) {
	var best record.Envelope
	for _, e := range candidates {
		if e.Type != record.TypeNormTable || e.Deleted || e.Restricted {
			continue
		}
		if ok && (e.HLC < best.HLC || e.HLC == best.HLC && e.ID < best.ID) {
			continue // older than the one held: not worth decoding
		}
		// Its measure and grade first: the rows of a school's other
		// tables are skipped, not built.
		var key struct {
			Measure string `json:"measure"`
			Grade   string `json:"grade"`
		}
		if record.DecodeData(e.Data, &key) != nil || key.Measure != measure || key.Grade != grade {
			continue
		}
		nt, decoded := record.DecodeAs[record.NormTable](e)
		if !decoded || nt.Measure != measure || nt.Grade != grade || nt.Validate() != nil {
			continue
		}
		best, t, ok = e, nt, true
	}
	return best.ID, t, ok
}

// GoalSuggestions is §3.10 for q over the school's norm tables (any
// records; those of other measures and grades, invalid or deleted ones
// are passed over) and its calendar (week(goal_date) skips breaks, §3.2).
func GoalSuggestions(tables []record.Envelope, q SuggestionQuery, cal Calendar) Suggestions {
	out := Suggestions{Suggestions: []Suggestion{}}
	if record.MeasureOf(q.Measure).Direction == record.DirectionDown {
		return out // a down measure: as with no table
	}
	id, t, ok := NormTableFor(tables, q.Measure, q.Grade)
	if !ok {
		return out
	}
	season := Season(q.StartDate)
	out.NormTableID, out.Source, out.Season = &id, ptr(t.Source), &season
	out.StartPercentile = StartPercentile(t, season, q.StartScore)
	if t.Benchmark != nil {
		if b := t.Benchmark.Score(season); b != nil {
			out.BelowBenchmark = ptr(q.StartScore < *b)
		}
	}
	weeks := cal.Week(q.StartDate, q.GoalDate)
	if p := out.StartPercentile; p != nil {
		if typical, ok := NormROI(t, *p); ok {
			ambitious, _ := NormROI(t, *p+AmbitiousPercentiles)
			out.TypicalROI = ptr(typical)
			out.Suggestions = append(out.Suggestions,
				Suggestion{Kind: SuggestTypical, ROI: ptr(typical), GoalScore: RoundGoal(q.StartScore + typical*weeks)},
				Suggestion{Kind: SuggestAmbitious, ROI: ptr(ambitious), GoalScore: RoundGoal(q.StartScore + ambitious*weeks)})
		}
	}
	if t.Benchmark != nil {
		if b := t.Benchmark.Score(Season(q.GoalDate)); b != nil {
			out.Suggestions = append(out.Suggestions, Suggestion{Kind: SuggestCloseTheGap, GoalScore: *b})
		}
	}
	return out
}

// scorePoint is one row of a season's column: a score and its percentile.
type scorePoint struct{ score, pct float64 }

// StartPercentile is §3.10's start percentile of score in season's column
// of t: rows without a score for the season are left out, rows with equal
// scores merge into the one with the lowest percentile, and the
// percentile is interpolated linearly between the rows around the score,
// clamped to the first and last rows. Rows are taken in score order
// (ADR 0028), which for a real table, whose scores rise with the
// percentile, is the percentile order. nil when the column is empty.
func StartPercentile(t record.NormTable, season string, score float64) *float64 {
	col := make([]scorePoint, 0, len(t.Rows))
	for _, r := range t.Rows {
		if s := r.Score(season); s != nil {
			col = append(col, scorePoint{*s, r.Percentile})
		}
	}
	if len(col) == 0 {
		return nil
	}
	sort.Slice(col, func(i, j int) bool {
		if col[i].score != col[j].score {
			return col[i].score < col[j].score
		}
		return col[i].pct < col[j].pct
	})
	merged := col[:1]
	for _, p := range col[1:] {
		if p.score != merged[len(merged)-1].score {
			merged = append(merged, p)
		}
	}
	first, last := merged[0], merged[len(merged)-1]
	switch {
	case score <= first.score:
		return ptr(first.pct)
	case score >= last.score:
		return ptr(last.pct)
	}
	// The first row above the score; the one before it is at or below.
	i := sort.Search(len(merged), func(i int) bool { return merged[i].score > score })
	lo, hi := merged[i-1], merged[i]
	return ptr(lo.pct + (score-lo.score)/(hi.score-lo.score)*(hi.pct-lo.pct))
}

// NormROI is the roi of t's row, among those with a roi, whose percentile
// is nearest to pct, the lower one on a tie (§3.10); a pct beyond the last
// such row is capped at it. ok is false when no row has a roi.
func NormROI(t record.NormTable, pct float64) (roi float64, ok bool) {
	bestDist := math.Inf(1)
	var bestPct float64
	for _, r := range t.Rows {
		if r.ROI == nil {
			continue
		}
		d := math.Abs(r.Percentile - pct)
		if d < bestDist || d == bestDist && r.Percentile < bestPct {
			bestDist, bestPct, roi, ok = d, r.Percentile, *r.ROI, true
		}
	}
	return roi, ok
}

// RoundGoal rounds a suggested goal to one decimal, halves away from zero
// (§3.10). A half is judged after rounding to 1e-9, as §3.3 compares
// points, so 87.45 computed as 87.44999999999999 still rounds up.
func RoundGoal(x float64) float64 {
	r := math.Floor(math.Abs(x)*10+0.5+1e-9) / 10
	if r == 0 {
		return 0 // never -0
	}
	return math.Copysign(r, x)
}
