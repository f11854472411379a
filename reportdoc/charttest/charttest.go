// Package charttest is what the chart fuzz targets of reportdoc and of the
// tablet share (ADR 0023): the values that broke the
// charts, and the bound every chart drawing is held to. Only tests import
// it.
package charttest

import (
	"math"
	"testing"
	"time"
)

// Budget is the CPU time one chart drawing may take, for any input (issue
// 20: "must return within 100 ms per input"). It is CPU time, not wall
// time: on a machine whose cores other work shares, a call that needs 20 ms
// may wait far longer for a core, and the attack was a loop that burnt CPU.
// The race detector makes the same work several times slower.
const Budget = 100 * time.Millisecond * raceSlowdown

// WallLimit is how long a drawing may run, however loaded the machine,
// before it counts as a hang: the watchdog fails the test then instead of
// waiting for the loop that would never end.
const WallLimit = 10 * time.Second

// Extremes are the floats a chart must draw or leave out, and never loop
// on: ±Inf, NaN, the largest floats (whose difference overflows), the
// smallest (denormal) ones, DOMAIN.md §2's score bounds and values just
// past the charts' window.
var Extremes = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.05, 10_000, 10_000.000000001,
	1e-300, -1e-300, 5e-324, -5e-324, 2.2250738585072014e-308,
	1.7e308, -1.7e308, math.MaxFloat64, -math.MaxFloat64,
	math.Inf(1), math.Inf(-1), math.NaN(),
	1_000_001, -1_000_001, 5_300, 5_301, 1e17, -1e17,
}

// Within runs f and fails tb when f uses more than Budget of this process's
// CPU time, or has not returned after WallLimit (a hang fails rather than
// hangs: f keeps running in its goroutine, the test does not wait for it).
// Where CPU time is not measured (not Unix), wall time stands in for it.
func Within(tb testing.TB, what string, f func()) {
	tb.Helper()
	WithinOver(tb, what, 0, f)
}

// WithinOver is Within with the bound raised by fixed: for a document whose
// cost is mostly fixed (the PDF parses its fonts and rasterises its chart
// at 200 dpi whatever the numbers), the bound is on what an input adds.
func WithinOver(tb testing.TB, what string, fixed time.Duration, f func()) {
	tb.Helper()
	bound := fixed + Budget
	done := make(chan any, 1)
	cpu0, wall0 := cpuTime(), time.Now()
	used := func() time.Duration {
		if cpu0 == 0 {
			return time.Since(wall0)
		}
		return cpuTime() - cpu0
	}
	go func() {
		defer func() { done <- recover() }()
		f()
	}()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case p := <-done:
			if p != nil {
				tb.Fatalf("%s panicked: %v", what, p)
			}
			if u := used(); u > bound {
				tb.Fatalf("%s took %v of CPU (%v wall), more than %v", what, u, time.Since(wall0), bound)
			}
			return
		case <-tick.C:
			if u, wall := used(), time.Since(wall0); u > bound || wall > WallLimit {
				tb.Fatalf("%s has not returned: %v of CPU, %v wall (the bound is %v of CPU)", what, u, wall, bound)
			}
		}
	}
}

// Cost is the least CPU time (wall time where CPU time is not measured)
// that f takes in three runs: the fixed cost WithinOver allows for.
func Cost(f func()) time.Duration {
	least := time.Duration(math.MaxInt64)
	for range 3 {
		cpu0, wall0 := cpuTime(), time.Now()
		f()
		u := cpuTime() - cpu0
		if cpu0 == 0 {
			u = time.Since(wall0)
		}
		least = min(least, u)
	}
	return least
}
