package progress

import (
	"math"
	"sort"
)

// median of xs (mean of the two middle values when even); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

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
