// Package membudget bounds the bytes that in-flight requests hold at once.
//
// Request bodies, their decoded copies and response buffers all draw from one
// budget (ADR 0007: 100 concurrent 8 MiB pushes held 3.5 GB). A
// request reserves what it can really use before it allocates; one that
// cannot get its share within a short wait is refused, so the heap stays
// bounded and the client retries later (PROTOCOL §8, 503 unavailable).
package membudget

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

// ErrBusy is returned when a reservation could not be had in time.
var ErrBusy = errors.New("membudget: in-flight byte budget exhausted")

// Budget is a weighted semaphore of bytes. Waiters are served in order of
// arrival (semaphore.Weighted is FIFO), so a large request is not starved
// by a stream of small ones.
type Budget struct {
	sem     *semaphore.Weighted
	size    int64
	wait    time.Duration
	inUse   atomic.Int64
	refused atomic.Int64
}

// New returns a budget of size bytes. A reservation waits at most wait for
// bytes to be released: ordinary bursts queue instead of failing.
func New(size int64, wait time.Duration) *Budget {
	if size < 1 {
		size = 1
	}
	return &Budget{sem: semaphore.NewWeighted(size), size: size, wait: wait}
}

// Size is the budget in bytes.
func (b *Budget) Size() int64 { return b.size }

// InUse is the number of bytes reserved now.
func (b *Budget) InUse() int64 { return b.inUse.Load() }

// Refused counts reservations that failed with ErrBusy.
func (b *Budget) Refused() int64 { return b.refused.Load() }

// Acquire reserves n bytes, waiting up to the budget's wait or until ctx
// ends. n above the budget is clamped to it, so that one request as large
// as the whole budget still runs, alone. On failure nothing is reserved and
// the error is ErrBusy (or ctx's error when ctx ended first).
func (b *Budget) Acquire(ctx context.Context, n int64) (*Reservation, error) {
	n = min(max(n, 0), b.size)
	if !b.sem.TryAcquire(n) {
		wctx, cancel := context.WithTimeout(ctx, b.wait)
		err := b.sem.Acquire(wctx, n)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			b.refused.Add(1)
			return nil, ErrBusy
		}
	}
	b.inUse.Add(n)
	return &Reservation{b: b, n: n}, nil
}

// Reservation is bytes held from a Budget. It belongs to one goroutine.
type Reservation struct {
	b *Budget
	n int64
}

// Bytes is what the reservation holds now.
func (r *Reservation) Bytes() int64 { return r.n }

// ShrinkTo gives back everything above n bytes, once a request knows it
// needs less than it reserved (a pull page smaller than the maximum).
func (r *Reservation) ShrinkTo(n int64) {
	if r == nil || n < 0 || n >= r.n {
		return
	}
	r.b.inUse.Add(n - r.n)
	r.b.sem.Release(r.n - n)
	r.n = n
}

// Release gives back all the bytes. Releasing twice is harmless, so every
// path of a handler may defer it.
func (r *Reservation) Release() { r.ShrinkTo(0) }
