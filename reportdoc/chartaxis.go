package reportdoc

import (
	"math"
	"sort"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"smallwins/shared/i18n"
	"smallwins/shared/progress"
	"smallwins/shared/record"
)

// timeAxis places a report on the calendar (ADR 0019). A report's week axis
// (DOMAIN.md §3.2) stops the clock during breaks, so a break has no width on
// it and months come out of unequal length. The chart's x is instead the
// calendar: weeks since the goal's start counted in days ÷ 7. A week w of
// the report sits at w plus the days of every break the clock stopped for
// before it, so a point lands on its own date, month ticks are evenly
// spaced, a break is a band as wide as its days, and the aimline and the
// trends, straight on the report's axis, run flat across each band (no
// growth is expected while there is no instruction).
type timeAxis struct {
	start  progress.Date
	dated  bool             // start is a date: the axis is labelled with dates
	pauses []progress.Pause // the breaks after the start, by date
	// before[i] is the width of pauses[:i]: x is a binary search, not a
	// walk over every break.
	before []float64
}

func newTimeAxis(r progress.Report, cal progress.Calendar) timeAxis {
	start, err := progress.ParseDate(r.Goal.StartDate)
	if err != nil {
		// A report built without a start (by hand): weeks as they are.
		return timeAxis{}
	}
	a := timeAxis{start: start, dated: true, pauses: cal.Pauses(start)}
	a.before = make([]float64, len(a.pauses)+1)
	for i, p := range a.pauses {
		a.before[i+1] = a.before[i] + pauseWeeks(p)
	}
	return a
}

// x is week w of the report on the calendar. At a pause's own week (the
// last instruction day before it) x is the pause's left edge.
func (a timeAxis) x(w float64) float64 {
	// The pauses' weeks rise with their dates: those before w are a prefix.
	n := sort.Search(len(a.pauses), func(i int) bool { return !(a.pauses[i].Week < w) })
	if n == 0 {
		return w
	}
	return w + a.before[n]
}

// pauseWeeks is a pause's width on the calendar.
func pauseWeeks(p progress.Pause) float64 { return float64(p.To-p.From+1) / 7 }

// dateX is a date on the calendar: its days since the start ÷ 7.
func (a timeAxis) dateX(d progress.Date) float64 { return float64(d-a.start) / 7 }

// line is the straight segment (w0, y0)–(w1, y1) of the report's axis on
// the calendar: cut to the chart's window first (ADR 0023), then flat across
// every pause it spans. ok is false when nothing of it can be drawn.
func (a timeAxis) line(w0, y0, w1, y1 float64) (xys plotter.XYs, ok bool) {
	w0, y0, w1, y1, ok = ChartSegment(w0, y0, w1, y1)
	if !ok {
		return nil, false
	}
	if w1 < w0 {
		w0, y0, w1, y1 = w1, y1, w0, y0
	}
	add := func(x, y float64) {
		x, _ = ChartWeek(x)
		xys = append(xys, plotter.XY{X: x, Y: y})
	}
	add(a.x(w0), y0)
	first := sort.Search(len(a.pauses), func(i int) bool { return a.pauses[i].Week > w0 })
	for _, p := range a.pauses[first:] {
		if p.Week >= w1 {
			break
		}
		// Within the window both ends are finite and small: no overflow.
		y := y0 + (y1-y0)*(p.Week-w0)/(w1-w0)
		left := a.x(p.Week)
		add(left, y)
		add(left+pauseWeeks(p), y)
	}
	add(a.x(w1), y1)
	return xys, true
}

// dateTicks labels the calendar axis with dates: the first of each month
// (every 2, 3, 6, … months when that many would crowd the axis), the year on
// the first tick and on each January; a span too short for two months gets
// a tick each week instead. Minor ticks mark each week since the start. At
// most maxLabels labelled ticks and a bounded number of minor ones are made
// for any range (ADR 0023: a range is never left to loop).
type dateTicks struct {
	w         words
	start     progress.Date
	maxLabels int
}

// Ticks implements plot.Ticker.
func (t dateTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return nil
	}
	day := func(x float64) time.Time { return t.start.Time().AddDate(0, 0, int(math.Round(x*7))) }
	first, last := day(math.Ceil(lo*7)/7), day(math.Floor(hi*7)/7)
	var ticks []plot.Tick
	if months := monthsBetween(first, last); months >= 1 {
		step := 1
		for _, s := range []int{1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200} {
			step = s
			if months/s+1 <= t.maxLabels {
				break
			}
		}
		m := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)
		if m.Before(first) {
			m = m.AddDate(0, 1, 0)
		}
		// Steps of whole years start in January; others count from the first.
		for step >= 12 && m.Month() != time.January {
			m = m.AddDate(0, 1, 0)
		}
		for n := 0; !m.After(last) && n <= t.maxLabels+1; n++ {
			label := t.w.date("doc.date.month", m)
			if len(ticks) == 0 || m.Month() == time.January {
				label = t.w.date("doc.date.month_year", m)
			}
			ticks = append(ticks, plot.Tick{Value: t.x(m), Label: label})
			m = m.AddDate(0, step, 0)
		}
	}
	if len(ticks) < 2 {
		ticks = ticks[:0]
		step := max(1, int(math.Ceil((hi-lo)/float64(t.maxLabels))))
		for w := math.Ceil(lo); w <= hi && len(ticks) <= t.maxLabels+1; w += float64(step) {
			d := day(w)
			label := t.w.date("doc.date.day_month", d)
			if len(ticks) == 0 {
				label = t.w.date("doc.date.day_month_year", d)
			}
			ticks = append(ticks, plot.Tick{Value: w, Label: label})
		}
		return ticks
	}
	if hi-lo <= 80 { // a minor tick each week since the start
		for w := math.Ceil(lo); w <= hi; w++ {
			ticks = append(ticks, plot.Tick{Value: w})
		}
	}
	return ticks
}

func (t dateTicks) x(d time.Time) float64 { return float64(record.DateOf(d)-t.start) / 7 }

// monthsBetween counts the firsts of months in [a, b].
func monthsBetween(a, b time.Time) int {
	n := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if a.Day() == 1 {
		n++
	}
	return n
}

// scoreTicks are gonum/plot's ticks for the score axis, which labels about
// three: when its unlabelled ticks between them are whole scores and few,
// they are labelled too (40, 50, 60, 70, 80 rather than 40, 60, 80), so a
// point's score reads off the axis. Labels are progress.FormatScore's, the
// one rule for a score said to people.
type scoreTicks struct{ w words }

// Ticks implements plot.Ticker.
func (st scoreTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := st.ticks(lo, hi)
	for i := range ticks {
		// The language's decimal mark on every label, gonum/plot's too.
		ticks[i].Label = i18n.Decimal(st.w.l, ticks[i].Label)
	}
	return ticks
}

func (scoreTicks) ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	labelled := 0
	for _, t := range ticks {
		if t.Label != "" {
			labelled++
		}
		if math.Trunc(t.Value) != t.Value || math.Abs(t.Value) > ScoreLimit {
			return ticks // not whole scores: gonum/plot's labels keep their precision
		}
	}
	if labelled >= 4 || len(ticks) > 8 {
		return ticks
	}
	for i := range ticks {
		ticks[i].Label = progress.FormatScore(ticks[i].Value)
	}
	sort.Slice(ticks, func(i, j int) bool { return ticks[i].Value < ticks[j].Value })
	return ticks
}
