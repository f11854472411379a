package httpapi

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"smallwins/shared/protocol"
	"smallwins/syncserver/internal/store"
)

// DefaultPushRecordsPerMinute is the records one device may push in any
// minute when Config leaves it zero (ADR 0025): a whole school
// year of one interventionist's demo data is about 8,000.
const DefaultPushRecordsPerMinute = 20_000

// pushWindowSeconds is the window of the push limit. The limiter keeps one
// more one-second slot than that, so whatever second a record fell in, it
// is counted for at least a full minute: no 60-second span ever holds more
// than the limit.
const pushWindowSeconds = 60

// pushLimiter counts, per device, the records pushed in the last minute, in
// one-second slots. take checks and counts under one mutex, so parallel
// pushes of one device cannot both pass on the same remaining budget. It
// lives in the process: on several instances each counts its own requests
// (ADR 0025).
type pushLimiter struct {
	limit int

	mu        sync.Mutex
	devices   map[string]*pushWindow
	lastSweep int64 // unix second of the last sweep of idle devices
	refused   int64
}

// pushWindow is one device's records per second over the window: slot
// s % len(n) holds second s, for the seconds last-window … last.
type pushWindow struct {
	n     [pushWindowSeconds + 1]int32
	last  int64 // the latest second counted
	total int64 // the sum of n
}

// newPushLimiter makes a limiter of limit records per minute per device; a
// limit of less than one full batch would refuse a legal push forever, so
// it is raised to one batch (the flag refuses such values anyway).
func newPushLimiter(limit int) *pushLimiter {
	return &pushLimiter{limit: max(limit, protocol.MaxPushRecords), devices: map[string]*pushWindow{}}
}

// full reports whether the device has no room for even one record now, and
// when to come back: a push can be refused before its body is read.
func (l *pushLimiter) full(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.devices[key]
	if w == nil {
		return false, 0
	}
	sec := now.Unix()
	w.advance(sec)
	if w.total+1 <= int64(l.limit) {
		return false, 0
	}
	l.refused++
	return true, w.retryAfter(1, l.limit, sec)
}

// take counts n records for the device if the last minute's records and n
// stay within the limit; otherwise it counts nothing and says how long
// until they would.
func (l *pushLimiter) take(key string, n int, now time.Time) (bool, time.Duration) {
	sec := now.Unix()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(sec)
	w := l.devices[key]
	if w == nil {
		w = &pushWindow{last: sec}
		l.devices[key] = w
	}
	w.advance(sec)
	if w.total+int64(n) > int64(l.limit) {
		l.refused++
		return false, w.retryAfter(n, l.limit, sec)
	}
	w.n[w.slot(sec)] += int32(n)
	w.total += int64(n)
	return true, 0
}

// sweep forgets, once a window, every device that pushed nothing in the
// last window: memory follows the devices pushing now, not every device
// that ever pushed. Called with l.mu held.
func (l *pushLimiter) sweep(sec int64) {
	if sec-l.lastSweep < pushWindowSeconds {
		return
	}
	l.lastSweep = sec
	for k, w := range l.devices {
		if sec-w.last > pushWindowSeconds {
			delete(l.devices, k)
		}
	}
}

// size is the number of devices the limiter holds.
func (l *pushLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.devices)
}

func (l *pushLimiter) refusals() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.refused
}

// advance moves the window to second sec, emptying the slots of the seconds
// that left it. A clock that went back keeps the window where it was.
func (w *pushWindow) advance(sec int64) {
	if sec <= w.last {
		return
	}
	if sec-w.last >= int64(len(w.n)) {
		w.n, w.total = [len(w.n)]int32{}, 0
	} else {
		for s := w.last + 1; s <= sec; s++ {
			w.total -= int64(w.n[w.slot(s)])
			w.n[w.slot(s)] = 0
		}
	}
	w.last = sec
}

// slot is the index of second sec in n.
func (w *pushWindow) slot(sec int64) int {
	slots := int64(len(w.n))
	return int((sec%slots + slots) % slots)
}

// retryAfter is how long until n more records fit: the slots leave the
// window oldest first. n is at most the limit, so the wait is at most the
// window.
func (w *pushWindow) retryAfter(n, limit int, sec int64) time.Duration {
	slots := int64(len(w.n))
	freed := int64(0)
	for s := sec - slots + 1; s <= sec; s++ {
		freed += int64(w.n[w.slot(s)])
		if w.total-freed+int64(n) <= int64(limit) {
			// Second s is counted until second s+slots begins.
			return time.Duration(s+slots-sec) * time.Second
		}
	}
	return time.Duration(slots) * time.Second
}

// errPushRateLimited is PROTOCOL §8's 429 for a device over its push budget.
func errPushRateLimited(wait time.Duration) error {
	e := protocol.Problem(protocol.CodeRateLimited, "server.push.rate_limited")
	e.RetryAfter = max(1, int((wait+time.Second-1)/time.Second))
	return e
}

// registerPushLimitMetrics exposes the limiter without labels (ADR 0007:
// fixed label sets only).
func registerPushLimitMetrics(reg prometheus.Registerer, l *pushLimiter) {
	if l == nil {
		return
	}
	reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "syncserver_push_rate_limited_total", Help: "Pushes refused with 429 because the device was over its records per minute.",
		}, func() float64 { return float64(l.refusals()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "syncserver_push_limiter_devices", Help: "Devices the push limiter remembers (those that pushed in the last minute or two).",
		}, func() float64 { return float64(l.size()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "syncserver_push_records_per_minute", Help: "The records one device may push per minute (--push-records-per-minute).",
		}, func() float64 { return float64(l.limit) }),
	)
}

// pushKey names a device in the limiter: device ids are unique within a
// school only.
func pushKey(p store.Principal) string { return p.School.ID + "/" + p.DeviceID }

// pushBudgetLeft is 429 when the device has no room for a single record.
func (s *Server) pushBudgetLeft(p store.Principal, now time.Time) error {
	if s.pushes == nil {
		return nil
	}
	if full, wait := s.pushes.full(pushKey(p), now); full {
		return errPushRateLimited(wait)
	}
	return nil
}

// takePushBudget counts n records of the device's budget, or is 429 and
// counts nothing.
func (s *Server) takePushBudget(p store.Principal, n int, now time.Time) error {
	if s.pushes == nil {
		return nil
	}
	if ok, wait := s.pushes.take(pushKey(p), n, now); !ok {
		return errPushRateLimited(wait)
	}
	return nil
}
