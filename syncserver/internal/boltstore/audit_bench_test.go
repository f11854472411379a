package boltstore

import (
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

// BenchmarkAuditAppend (ADR 0021): 8 goroutines append batches of 500
// record ids (8 admins' tablets pulling a page of restricted notes at once,
// each the first of its day: batch and marks written), through
// the group commit beside one fsynced Update per append, in the same run;
// and one goroutine alone, where grouping must cost nothing.
func BenchmarkAuditAppend(b *testing.B) {
	for _, c := range []struct {
		name    string
		writers int
		grouped bool
	}{{"alone/update-per-append", 1, false}, {"alone/grouped", 1, true}, {"8-writers/update-per-append", 8, false}, {"8-writers/grouped", 8, true}} {
		b.Run(c.name, func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "a.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			f := storetest.NewFixture(b, s, "lincoln")
			ids := make([]string, 500)
			for i := range ids {
				ids[i] = uuid.NewString()
			}
			// Each append a day later: the same records on another day are
			// news (ADR 0021), so every append writes its batch and marks.
			var day atomic.Int64
			start := time.Now()
			appendOne := func() {
				batch := store.NewAuditBatch(store.Principal{School: f.School, User: f.Admin}, uuid.NewString(), store.AuditPull,
					start.Add(time.Duration(day.Add(1))*24*time.Hour), ids)
				if c.grouped {
					if err := s.AppendAudit(b.Context(), batch); err != nil {
						b.Error(err)
					}
					return
				}
				// The baseline: the same value, its own write transaction.
				call := &auditCall{batch: batch, done: make(chan struct{})}
				s.commitAudit([]*auditCall{call})
				if call.err != nil {
					b.Error(call.err)
				}
			}
			b.ResetTimer()
			var wg sync.WaitGroup
			work := make(chan struct{})
			for range c.writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range work {
						appendOne()
					}
				}()
			}
			for b.Loop() {
				work <- struct{}{}
			}
			close(work)
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "batches/s")
			b.ReportMetric(float64(b.N*len(ids))/b.Elapsed().Seconds(), "entries/s")
		})
	}
}
