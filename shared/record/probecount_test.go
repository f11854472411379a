package record

import (
	"strconv"
	"testing"
)

func TestProbeSetCountAndCount(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name           string
		count, seconds float64
		score          float64
		raw            *float64
		storedSeconds  float64
	}{
		{"a full minute", 47, 60, 47, nil, 0},
		{"seconds absent means a minute", 47, 0, 47, nil, 0},
		{"more than a minute is a minute", 47, 75, 47, nil, 0},
		{"finished early is prorated", 37, 48, 46.25, f(37), 48},
		{"prorating rounds to two decimals", 50, 45, 66.67, f(50), 45},
		{"one second", 2, 1, 120, f(2), 1},
		{"zero read early", 0, 30, 0, f(0), 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Probe{Score: 999, RawScore: f(999), Seconds: 12}
			p.SetCount(tc.count, tc.seconds)
			if p.Score != tc.score || p.Seconds != tc.storedSeconds || (p.RawScore == nil) != (tc.raw == nil) || (p.RawScore != nil && *p.RawScore != *tc.raw) {
				t.Fatalf("SetCount(%v, %v) = score %v raw %v seconds %v; want %v %v %v", tc.count, tc.seconds, p.Score, p.RawScore, p.Seconds, tc.score, tc.raw, tc.storedSeconds)
			}
			// Read back and set again: the stored figures do not drift.
			c, s := p.Count()
			again := p
			again.SetCount(c, s)
			if again.Score != p.Score || again.Seconds != p.Seconds || (again.RawScore == nil) != (p.RawScore == nil) {
				t.Fatalf("round trip changed the probe: %+v → %+v", p, again)
			}
		})
	}
}

// A form pre-filled from a stored score and saved untouched stores the same
// number: 46.25 must not become 46.3.
func TestFormatInputIsExact(t *testing.T) {
	for _, v := range []float64{46.25, 0, 1e-7, 10000, 66.67, 0.1 + 0.2} {
		got, err := strconv.ParseFloat(FormatInput(v), 64)
		if err != nil || got != v {
			t.Fatalf("FormatInput(%v) = %q, reads back as %v", v, FormatInput(v), got)
		}
	}
	if got := FormatInput(1e6); got != "1000000" {
		t.Fatalf("FormatInput(1e6) = %q, want plain digits", got)
	}
}
