package pgstore

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/pgtest"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

func openBench(b *testing.B) *Store {
	s, err := Open(context.Background(), pgtest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkPush: store pushes of 1000 ~1 KiB records beside a raw pgx COPY
// of the same rows into the same table, in one run (PGTEST_FSYNC=on for
// figures comparable with bbolt's fsynced writes).
func BenchmarkPush(b *testing.B) {
	b.Run("store/batch=1000", func(b *testing.B) {
		s := openBench(b)
		f := storetest.NewFixture(b, s, "bench")
		batches := make([][]record.Envelope, b.N)
		for i := range batches {
			batches[i] = storetest.KiBRecords(1000, 1764000000000+int64(i))
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := s.Push(context.Background(), store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: batches[i], At: time.Now()}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("rawcopy/batch=1000", func(b *testing.B) {
		s := openBench(b)
		f := storetest.NewFixture(b, s, "bench")
		batches := make([][]record.Envelope, b.N)
		for i := range batches {
			batches[i] = storetest.KiBRecords(1000, 1764000000000+int64(i))
		}
		seq := int64(0)
		now := time.Now()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			rows := make([][]any, len(batches[i]))
			for j, e := range batches[i] {
				seq++
				rows[j] = []any{f.School.ID, e.ID, seq, e.HLC, e.Type, false, false, f.Ana.ID, now, []byte(e.Data)}
			}
			if _, err := s.pool.CopyFrom(context.Background(), pgx.Identifier{"records"},
				[]string{"school_id", "id", "seq", "hlc", "type", "deleted", "restricted", "author", "received_at", "data"}, pgx.CopyFromRows(rows)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "records/s")
	})
}

// BenchmarkPull100k: an empty reader pulls 100,000 records in pages of 5000.
func BenchmarkPull100k(b *testing.B) {
	s := openBench(b)
	storetest.BenchPull100k(b, s)
}
