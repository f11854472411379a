package boltstore

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

// BenchmarkPush measures Push against a raw bbolt baseline writing the same
// bytes (id → data, plus a sequence key) in the same batch sizes.
func BenchmarkPush(b *testing.B) {
	for _, batch := range []int{100, 1000} {
		b.Run(fmt.Sprintf("store/batch=%d", batch), func(b *testing.B) {
			s, err := Open(filepath.Join(b.TempDir(), "s.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			f := storetest.NewFixture(b, s, "bench")
			batches := make([][]record.Envelope, b.N)
			for i := range batches {
				batches[i] = storetest.KiBRecords(batch, 1764000000000+int64(i))
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.Push(b.Context(), store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: batches[i], At: time.Now()}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "records/s")
		})
		b.Run(fmt.Sprintf("rawbolt/batch=%d", batch), func(b *testing.B) {
			db, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			db.Update(func(tx *bolt.Tx) error {
				tx.CreateBucketIfNotExists([]byte("recs"))
				tx.CreateBucketIfNotExists([]byte("seqs"))
				return nil
			})
			batches := make([][]record.Envelope, b.N)
			for i := range batches {
				batches[i] = storetest.KiBRecords(batch, 1764000000000+int64(i))
			}
			seq := uint64(0)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				err := db.Update(func(tx *bolt.Tx) error {
					recs, seqs := tx.Bucket([]byte("recs")), tx.Bucket([]byte("seqs"))
					for _, e := range batches[i] {
						seq++
						k := binary.BigEndian.AppendUint64(nil, seq)
						if err := recs.Put([]byte(e.ID), e.Data); err != nil {
							return err
						}
						if err := seqs.Put(k, []byte(e.ID)); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkPull100k: an empty reader pulls 100,000 records in pages of 5000.
func BenchmarkPull100k(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "s.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchPull100k(b, s)
}
