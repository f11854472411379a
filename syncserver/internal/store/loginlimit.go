package store

import "time"

// CountAttempt is the sliding-window rule both stores apply inside their
// transaction: given a key's earlier attempt times (unix ms, ascending), it
// drops those outside the window, and either refuses (ok == false, the list
// unchanged but for the dropped ones, retryAt when the oldest in the window
// leaves it) or appends `at`. The list never holds more than limit.Max
// times, so a key's state has a fixed bound.
func CountAttempt(times []int64, at time.Time, limit LoginLimit) (kept []int64, ok bool, retryAt time.Time) {
	if limit.Max <= 0 {
		return nil, false, at.Add(limit.Window)
	}
	cut := at.Add(-limit.Window).UnixMilli()
	kept = make([]int64, 0, limit.Max)
	for _, t := range times {
		if t > cut {
			kept = append(kept, t)
		}
	}
	if len(kept) >= limit.Max {
		// Keep the newest Max only (a lowered limit shrinks old lists).
		kept = kept[len(kept)-limit.Max:]
		oldest := kept[0]
		return kept, false, time.UnixMilli(oldest).Add(limit.Window)
	}
	ms := at.UnixMilli()
	// Clocks may step back; keep the list ascending.
	if n := len(kept); n > 0 && kept[n-1] > ms {
		ms = kept[n-1]
	}
	return append(kept, ms), true, time.Time{}
}
