package reportdoc

import "math"

// The drawable window of every chart (ADR 0023): the console's SVG, the
// PDF's PNG and the tablet's canvas charts place each value through these,
// so no value, however a report came by it, gives a range a chart cannot
// draw. gonum/plot's tick placement never returns for a range that is
// infinite or overflows (ADR 0023), and a canvas coordinate of
// NaN or ±Inf draws nothing sensible.
const (
	// ScoreLimit is the largest score, either way from 0, that a chart
	// places: DOMAIN.md §2 bounds a score to 0–10,000 and any number to
	// ±1,000,000, so no valid score or projection of one lies past it. A
	// value past it is drawn at the edge.
	ScoreLimit = 1_000_000
	// WeekLimit is the largest week, either way from the start, that a
	// chart places: DOMAIN.md §2's dates, 2000-01-01 to 2100-12-31, are
	// 5,270 weeks apart.
	WeekLimit = 5_300
	// minSpan is the narrowest range an axis shows: a tenth, the finest a
	// score is said (progress.FormatScore). Below it every tick would read
	// the same, and at a large magnitude gonum/plot's ticks would step by
	// less than the values' precision.
	minSpan = 0.1
)

// ChartScore is v as a chart places it on the score axis: within
// ±ScoreLimit; ok is false for NaN and ±Inf, which a chart leaves out.
func ChartScore(v float64) (float64, bool) { return place(v, ScoreLimit) }

// ChartWeek is v as a chart places it on the week axis: within
// ±WeekLimit; ok is false for NaN and ±Inf, which a chart leaves out.
func ChartWeek(v float64) (float64, bool) { return place(v, WeekLimit) }

func place(v, limit float64) (float64, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return max(-limit, min(limit, v)), true
}

// AxisRange is the range an axis shows for data from lo to hi: finite
// (an end that is not is taken as 0, as gonum/plot does), in order,
// within ±limit, and at least minSpan wide (a narrower one is widened to
// 1 either side of its middle, as gonum/plot widens an empty one). Data
// placed by ChartScore or ChartWeek keep their range unchanged unless it is
// narrower than minSpan.
func AxisRange(lo, hi, limit float64) (float64, float64) {
	if math.IsNaN(lo) || math.IsInf(lo, 0) {
		lo = 0
	}
	if math.IsNaN(hi) || math.IsInf(hi, 0) {
		hi = 0
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	lo, hi = max(-limit, min(limit, lo)), max(-limit, min(limit, hi))
	if hi-lo < minSpan {
		mid := lo/2 + hi/2
		lo, hi = mid-1, mid+1
	}
	return lo, hi
}

// ChartSegment is the part of the segment from (x0, y0) to (x1, y1) inside
// the chart's window (weeks within ±WeekLimit, scores within ±ScoreLimit),
// cut where it leaves the window so that its slope stays true; ok is false
// when no part is inside or an end is NaN or ±Inf. An end inside the window
// is returned exactly as given, a cut one lies exactly on the window's edge.
func ChartSegment(x0, y0, x1, y1 float64) (cx0, cy0, cx1, cy1 float64, ok bool) {
	for _, v := range [...]float64{x0, y0, x1, y1} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, 0, 0, 0, false
		}
	}
	// Liang–Barsky: the segment is p(t) = p0 + t·d for t in [0, 1]; each
	// edge of the window narrows [t0, t1] to where p(t) is inside it. The
	// differences are halved so that they cannot overflow (1e308 − −1e308).
	dx, dy := x1/2-x0/2, y1/2-y0/2
	t0, t1 := 0.0, 1.0
	// cut0 and cut1 are the edges that cut each end, nil for an end kept;
	// clip keeps the t where t·p ≤ q.
	var cut0, cut1 *edge
	clip := func(p, q float64, e *edge) bool {
		switch {
		case p == 0:
			return q >= 0
		case p < 0:
			if r := q / p; r > t0 {
				t0, cut0 = r, e
			}
		default:
			if r := q / p; r < t1 {
				t1, cut1 = r, e
			}
		}
		return t0 <= t1
	}
	if !clip(-dx, x0/2+WeekLimit/2, &edge{v: -WeekLimit}) || !clip(dx, WeekLimit/2-x0/2, &edge{v: WeekLimit}) ||
		!clip(-dy, y0/2+ScoreLimit/2, &edge{y: true, v: -ScoreLimit}) || !clip(dy, ScoreLimit/2-y0/2, &edge{y: true, v: ScoreLimit}) {
		return 0, 0, 0, 0, false
	}
	cx0, cy0, cx1, cy1 = x0, y0, x1, y1
	if cut0 != nil {
		cx0, cy0 = cut0.at(x0+2*t0*dx, y0+2*t0*dy)
	}
	if cut1 != nil {
		cx1, cy1 = cut1.at(x0+2*t1*dx, y0+2*t1*dy)
	}
	return cx0, cy0, cx1, cy1, true
}

// edge is one edge of the chart's window: a week (x) or a score (y).
type edge struct {
	y bool
	v float64
}

// at is the point (x, y), computed where a segment meets the edge, put on
// it exactly (computing y on a segment from −1.7e308 to +1.7e308 loses
// every digit) and within the window (rounding may leave it a hair out).
func (e *edge) at(x, y float64) (float64, float64) {
	if e.y {
		y = e.v
	} else {
		x = e.v
	}
	x, _ = ChartWeek(x)
	y, _ = ChartScore(y)
	return x, y
}
