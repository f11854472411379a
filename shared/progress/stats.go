package progress

import (
	"math"

	"smallwins/shared/record"
)

// median is record.Median: one median for the app's validation and the
// report's rules (DOMAIN.md §3.1, §3.3).
func median(xs []float64) float64 { return record.Median(xs) }

// round9 rounds to 1e-9, for comparing scores with the aimline (§3.3).
func round9(x float64) float64 { return math.Round(x*1e9) / 1e9 }

// finite reports whether x is a usable number (never NaN or ±Inf in JSON).
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// ols fits y = intercept + slope·x; ok is false when x has no spread.
func ols(xs, ys []float64) (slope, intercept float64, ok bool) {
	n := float64(len(xs))
	if len(xs) < 2 {
		return 0, 0, false
	}
	var sx, sy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
	}
	mx, my := sx/n, sy/n
	var sxx, sxy float64
	for i := range xs {
		sxx += (xs[i] - mx) * (xs[i] - mx)
		sxy += (xs[i] - mx) * (ys[i] - my)
	}
	if sxx == 0 {
		return 0, 0, false
	}
	slope = sxy / sxx
	return slope, my - slope*mx, finite(slope)
}

// tukey is the split-middle slope of §3.4 over points sorted by date.
func tukey(xs, ys []float64) (float64, bool) {
	n := len(xs)
	if n < 3 {
		return 0, false
	}
	k := n / 3
	first, last := k, k
	switch n % 3 {
	case 2:
		first, last = k+1, k+1
	}
	mx1, my1 := median(xs[:first]), median(ys[:first])
	mx3, my3 := median(xs[n-last:]), median(ys[n-last:])
	if mx3 == mx1 {
		return 0, false
	}
	s := (my3 - my1) / (mx3 - mx1)
	return s, finite(s)
}
