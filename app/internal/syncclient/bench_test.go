package syncclient

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"smallwins/app/internal/localstore"
	"smallwins/shared/record"
)

// seedServer pushes n small records (probes) through one tablet.
func seedServer(b *testing.B, srv *server, n int) {
	b.Helper()
	st, err := localstore.OpenWith(filepath.Join(b.TempDir(), "seed.db"), localstore.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	w := &tablet{t: b, store: st, syncer: New(Config{Store: st})}
	w.enrol(srv, "ana")
	stu := "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00"
	for done := 0; done < n; {
		k := min(5000, n-done)
		page := make([]record.Envelope, k)
		for i := range page {
			page[i] = record.Envelope{Type: record.TypeProbe, Data: mustJSON(record.Probe{StudentID: stu, Measure: "orf_wcpm",
				Date: "2025-01-13", Score: float64((done + i) % 200)})} // a realistic score, within DOMAIN §2's 0–10,000
		}
		for _, e := range page {
			if _, err := w.store.Put(context.Background(), e.Type, "", e.Data, false); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.syncer.SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
		done += k
	}
}

// BenchmarkFirstSync100k: an empty tablet store pulls 100,000 records from
// the real server on loopback, plain and sealed (a PIN: every record is
// sealed as it is applied). Aim: under 3 s (ADR 0610).
func BenchmarkFirstSync100k(b *testing.B) {
	const n = 100_000
	srv := newServer(b)
	seedServer(b, srv, n)
	for _, sealed := range []bool{false, true} {
		b.Run(fmt.Sprintf("sealed=%v", sealed), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				t := newTablet(b, nil, Config{})
				if sealed {
					if err := t.store.SetPIN(context.Background(), "482916"); err != nil {
						b.Fatal(err)
					}
				}
				t.enrol(srv, "ben")
				b.StartTimer()
				t0, c0 := time.Now(), cpuTime()
				if err := t.syncer.SyncOnce(context.Background()); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(time.Since(t0).Seconds(), "s/sync")
				// The tablet's CPU (the server is another process): what
				// sealing adds, whatever else shares the cores.
				b.ReportMetric((cpuTime() - c0).Seconds(), "tablet-cpu-s/sync")
				b.StopTimer()
				if l, _ := t.store.List(record.TypeProbe); len(l) != n {
					b.Fatalf("pulled %d of %d", len(l), n)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkIncrementalSync50: a tablet holding 10,000 synced records makes
// 50 changes and syncs (push 50, pull them back); aim under 200 ms.
func BenchmarkIncrementalSync50(b *testing.B) {
	srv := newServer(b)
	seedServer(b, srv, 10_000)
	t := newTablet(b, nil, Config{})
	t.enrol(srv, "ben")
	t.sync()
	ids, _ := t.store.List(record.TypeProbe)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := 0; j < 50; j++ {
			e := ids[(i*50+j)%len(ids)]
			if _, err := t.store.Put(context.Background(), e.Type, e.ID, mustJSON(map[string]any{"student_id": "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00",
				"measure": "orf_wcpm", "date": "2025-01-20", "score": (i*50 + j) % 200, "note": fmt.Sprint(i)}), false); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if err := t.syncer.SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/sync")
}
