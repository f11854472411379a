package membudget

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestAcquireReleaseShrink(t *testing.T) {
	b := New(100, time.Millisecond)
	r1, err := b.Acquire(t.Context(), 60)
	if err != nil || b.InUse() != 60 {
		t.Fatalf("acquire: %v, in use %d", err, b.InUse())
	}
	if _, err := b.Acquire(t.Context(), 50); !errors.Is(err, ErrBusy) || b.Refused() != 1 {
		t.Fatalf("over budget: %v, refused %d", err, b.Refused())
	}
	r1.ShrinkTo(20)
	r2, err := b.Acquire(t.Context(), 80)
	if err != nil || b.InUse() != 100 {
		t.Fatalf("after shrink: %v, in use %d", err, b.InUse())
	}
	r1.Release()
	r1.Release() // twice: harmless
	r2.Release()
	if b.InUse() != 0 {
		t.Fatalf("in use %d after release", b.InUse())
	}
	// A request larger than the budget is clamped and runs alone.
	r3, err := b.Acquire(t.Context(), 1000)
	if err != nil || r3.Bytes() != 100 {
		t.Fatalf("clamped: %v %d", err, r3.Bytes())
	}
	r3.Release()
}

func TestWaitThenGet(t *testing.T) {
	b := New(10, time.Minute)
	r, _ := b.Acquire(t.Context(), 10)
	got := make(chan error)
	go func() {
		r2, err := b.Acquire(t.Context(), 5)
		if err == nil {
			r2.Release()
		}
		got <- err
	}()
	r.Release() // the waiter gets its bytes
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}

func TestCanceledContextIsNotRefusal(t *testing.T) {
	b := New(10, time.Minute)
	r, _ := b.Acquire(t.Context(), 10)
	defer r.Release()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := b.Acquire(ctx, 5); !errors.Is(err, context.Canceled) || b.Refused() != 0 {
		t.Fatalf("canceled: %v, refused %d", err, b.Refused())
	}
}

// TestConcurrentNeverOver: however many goroutines reserve, the bytes held
// never pass the budget and return to zero.
func TestConcurrentNeverOver(t *testing.T) {
	b := New(1000, 10*time.Second)
	var mu sync.Mutex
	held, peak := int64(0), int64(0)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := int64(100 + i*7)
			r, err := b.Acquire(t.Context(), n)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			held += r.Bytes()
			peak = max(peak, held)
			mu.Unlock()
			mu.Lock()
			held -= r.Bytes()
			mu.Unlock()
			r.Release()
		}()
	}
	wg.Wait()
	if peak > 1000 || b.InUse() != 0 {
		t.Fatalf("peak %d, in use after %d", peak, b.InUse())
	}
}
