package store

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestCountAttemptProperty: whatever the sequence of attempts (clocks that
// step back included), a key never holds more than Max times, and no window
// of Window length ever lets more than Max attempts through.
func TestCountAttemptProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		limit := LoginLimit{Max: rapid.IntRange(1, 12).Draw(t, "max"), Window: time.Duration(rapid.IntRange(1, 60).Draw(t, "window_s")) * time.Second}
		base := time.UnixMilli(1_764_000_000_000)
		var times []int64
		var passed []int64
		now := base
		for i, n := 0, rapid.IntRange(1, 80).Draw(t, "n"); i < n; i++ {
			now = now.Add(time.Duration(rapid.IntRange(-2000, 20000).Draw(t, "step_ms")) * time.Millisecond)
			kept, ok, retry := CountAttempt(times, now, limit)
			if len(kept) > limit.Max {
				t.Fatalf("%d times kept, max %d", len(kept), limit.Max)
			}
			if ok {
				passed = append(passed, kept[len(kept)-1])
			} else if !retry.After(now) && !retry.Equal(now) && retry.Before(now.Add(-limit.Window)) {
				t.Fatalf("refused with retry at %v, now %v", retry, now)
			}
			times = kept
		}
		for i := range passed {
			in := 0
			for j := i; j < len(passed) && passed[j]-passed[i] < limit.Window.Milliseconds(); j++ {
				in++
			}
			if in > limit.Max {
				t.Fatalf("%d attempts passed within one window, max %d", in, limit.Max)
			}
		}
	})
}

func TestCountAttemptZeroMax(t *testing.T) {
	if _, ok, _ := CountAttempt(nil, time.Now(), LoginLimit{Max: 0, Window: time.Minute}); ok {
		t.Error("a limit of 0 let an attempt through")
	}
}
