package boltstore

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

// rawOptions are the bbolt options the store itself opens with, so the
// baseline differs from the store only in what the store adds.
var rawOptions = bolt.Options{NoFreelistSync: true, FreelistType: bolt.FreelistMapType}

// rawBolt is the baseline: the same record bytes written with bare bbolt,
// id → data and seq → id, one fsynced Update per batch.
type rawBolt struct {
	db  *bolt.DB
	seq uint64
}

func openRaw(b *testing.B, noSync bool) *rawBolt {
	o := rawOptions
	o.NoSync = noSync
	db, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, &o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	err = db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists([]byte("recs")); err != nil {
			return err
		}
		_, err := tx.CreateBucketIfNotExists([]byte("seqs"))
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return &rawBolt{db: db}
}

func (r *rawBolt) write(recs []record.Envelope) error {
	return r.db.Update(func(tx *bolt.Tx) error {
		rb, sb := tx.Bucket([]byte("recs")), tx.Bucket([]byte("seqs"))
		for _, e := range recs {
			r.seq++
			if err := rb.Put([]byte(e.ID), e.Data); err != nil {
				return err
			}
			if err := sb.Put(binary.BigEndian.AppendUint64(nil, r.seq), []byte(e.ID)); err != nil {
				return err
			}
		}
		return nil
	})
}

// batches returns n batches of size ~1 KiB records with increasing HLCs.
func batches(n, size int) [][]record.Envelope {
	out := make([][]record.Envelope, n)
	for i := range out {
		out[i] = storetest.KiBRecords(size, 1764000000000+int64(i))
	}
	return out
}

// BenchmarkPush measures store.Push of ~1 KiB records and, in the same
// iterations, raw bbolt writing the same bytes in the same batch sizes, and
// reports both rates and their ratio. Store and baseline alternate batch by
// batch, so both see the same disk and the same file growth.
func BenchmarkPush(b *testing.B) {
	for _, durable := range []bool{true, false} {
		for _, size := range []int{100, 1000} {
			name := fmt.Sprintf("batch=%d", size)
			if !durable {
				name += "/nosync"
			}
			b.Run(name, func(b *testing.B) {
				var opts []Option
				if !durable {
					opts = append(opts, WithNoSync())
				}
				s, err := Open(filepath.Join(b.TempDir(), "s.db"), opts...)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				raw := openRaw(b, !durable)
				f := storetest.NewFixture(b, s, "bench")
				in := batches(b.N, size)
				var tStore, tRaw time.Duration
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					t0 := time.Now()
					if _, err := s.Push(b.Context(), store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: in[i], At: t0}); err != nil {
						b.Fatal(err)
					}
					t1 := time.Now()
					if err := raw.write(in[i]); err != nil {
						b.Fatal(err)
					}
					tStore, tRaw = tStore+t1.Sub(t0), tRaw+time.Since(t1)
				}
				n := float64(b.N * size)
				b.ReportMetric(n/tStore.Seconds(), "records/s")
				b.ReportMetric(n/tRaw.Seconds(), "raw-records/s")
				b.ReportMetric(100*tRaw.Seconds()/tStore.Seconds(), "%-of-raw")
			})
		}
	}
}

// BenchmarkPushConcurrent: w writers push batches of `size` records at once,
// through each write mode. Group commit is the default; this benchmark is
// why (docs/perf/boltstore.md).
func BenchmarkPushConcurrent(b *testing.B) {
	// boltbatch-tuned sets MaxBatchSize to the number of writers, which a
	// server cannot know; boltbatch keeps bbolt's defaults (1000 calls or
	// 10 ms).
	modes := []struct {
		name  string
		mode  writeMode
		tuned bool
	}{{"update", updatePerPush, false}, {"boltbatch", boltBatch, false}, {"boltbatch-tuned", boltBatch, true}, {"group", groupCommit, false}}
	for _, size := range []int{10, 100} {
		for _, w := range []int{1, 4, 16} {
			for _, m := range modes {
				b.Run(fmt.Sprintf("batch=%d/writers=%d/%s", size, w, m.name), func(b *testing.B) {
					s, err := Open(filepath.Join(b.TempDir(), "s.db"), withWriteMode(m.mode))
					if err != nil {
						b.Fatal(err)
					}
					defer s.Close()
					if m.tuned {
						s.db.MaxBatchSize = w // STYLE §5: near the number of writers
					}
					f := storetest.NewFixture(b, s, "bench")
					in := batches(b.N, size)
					next := make(chan []record.Envelope, len(in))
					for _, x := range in {
						next <- x
					}
					close(next)
					var wg sync.WaitGroup
					var lat time.Duration
					var mu sync.Mutex
					b.ResetTimer()
					for g := 0; g < w; g++ {
						wg.Add(1)
						go func() {
							defer wg.Done()
							var mine time.Duration
							for recs := range next {
								t0 := time.Now()
								if _, err := s.Push(b.Context(), store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: recs, At: t0}); err != nil {
									b.Error(err)
									return
								}
								mine += time.Since(t0)
							}
							mu.Lock()
							lat += mine
							mu.Unlock()
						}()
					}
					wg.Wait()
					b.StopTimer()
					b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "records/s")
					b.ReportMetric(float64(lat.Microseconds())/1000/float64(b.N), "ms/push")
				})
			}
		}
	}
}

// BenchmarkPull100k: an empty reader pulls 100,000 ~1 KiB records in pages of
// 5000 (store level; the HTTP benchmark measures it end to end).
func BenchmarkPull100k(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "s.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchPull100k(b, s)
}

// BenchmarkPullPage: one page at the default and the largest limit, from a
// school of 20,000 records, as a device that is behind pulls it.
func BenchmarkPullPage(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "s.db"), WithNoSync())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	f := storetest.NewFixture(b, s, "bench")
	for i := 0; i < 20; i++ {
		if _, err := s.Push(b.Context(), store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: storetest.KiBRecords(1000, 1764000000000+int64(i))}); err != nil {
			b.Fatal(err)
		}
	}
	for _, limit := range []int{500, 5000} {
		b.Run(fmt.Sprintf("limit=%d", limit), func(b *testing.B) {
			n := 0
			for i := 0; b.Loop(); i++ {
				after := int64(i*limit) % 15000
				p, err := s.Pull(b.Context(), store.PullQuery{SchoolID: f.School.ID, After: after, Limit: limit, MaxBytes: 8 << 20, Viewer: store.ViewerOf(f.Ana)})
				if err != nil || len(p.Records) != limit {
					b.Fatalf("%d records, %v", len(p.Records), err)
				}
				n += len(p.Records)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkPurge: purging 10,000 due tombstones among 100,000 records reads
// only the due part of the purge index.
func BenchmarkPurge(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(filepath.Join(b.TempDir(), fmt.Sprintf("s%d.db", i)), WithNoSync())
		if err != nil {
			b.Fatal(err)
		}
		f := storetest.NewFixture(b, s, "bench")
		old := time.Now().Add(-500 * 24 * time.Hour)
		for j := 0; j < 100; j++ {
			recs := storetest.KiBRecords(1000, 1764000000000+int64(j))
			at := time.Now()
			if j < 10 {
				at = old
				for k := range recs {
					recs[k].Deleted, recs[k].Data = true, nil
				}
			}
			if _, err := s.Push(b.Context(), store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: recs, At: at}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		n, err := s.PurgeTombstones(b.Context(), time.Now().Add(-400*24*time.Hour))
		if err != nil || n != 10000 {
			b.Fatalf("purged %d, %v", n, err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
