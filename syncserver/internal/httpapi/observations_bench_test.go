package httpapi

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/goaldata"
	"smallwins/syncserver/internal/pgstore"
	"smallwins/syncserver/internal/pgtest"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

// BenchmarkReportObservations: one goal's progress report in the
// 168k-record school without observations, then (same run, same school)
// as before observed fidelity ("today"), and with a coach's observation of
// every group every 6 weeks (a coach's cycle: 18 a report) and then every
// 2 weeks (54 a report): what DOMAIN.md §3.7a costs a report (the
// issue's bound: within 10%). 10 reports run at once, as in
// BenchmarkProgressReport.
func BenchmarkReportObservations(b *testing.B) {
	b.Run("bbolt", func(b *testing.B) {
		st, err := boltstore.Open(filepath.Join(b.TempDir(), "big.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		benchObservations(b, buildBigSchool(b, st), nil)
	})
	b.Run("postgres", func(b *testing.B) {
		url := pgtest.URL(b)
		st, err := pgstore.Open(context.Background(), url)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		analyze := func() {
			conn, err := pgx.Connect(context.Background(), url)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close(context.Background())
			if _, err := conn.Exec(context.Background(), `ANALYZE records`); err != nil {
				b.Fatal(err)
			}
		}
		bs := buildBigSchool(b, st)
		analyze()
		benchObservations(b, bs, analyze)
	})
}

// benchObservations runs, in order: the reports of the school without
// observations; then, with observations every 6 weeks pushed, the reports
// as they were before §3.7a ("today": the same reads without the
// observations', which a store that finds no observation gives) and the
// reports with them; then with observations every 2 weeks.
func benchObservations(b *testing.B, bs *bigSchool, analyze func()) {
	b.Run("without", func(b *testing.B) { benchIndexedReports(b, bs, bs.st, false) })
	addObservations(b, bs, func(w int) bool { return w%6 == 0 })
	if analyze != nil {
		analyze()
	}
	b.Run("today", func(b *testing.B) { benchIndexedReports(b, bs, noObservations{bs.st}, false) })
	b.Run("with-every-6-weeks", func(b *testing.B) { benchIndexedReports(b, bs, bs.st, true) })
	addObservations(b, bs, func(w int) bool { return w%2 == 0 && w%6 != 0 })
	b.Run("with-every-2-weeks", func(b *testing.B) { benchIndexedReports(b, bs, bs.st, true) })
}

// noObservations is a store whose observation read finds nothing and
// costs nothing: the report's reads as they were before observations.
type noObservations struct{ store.RecordReader }

func (noObservations) RecordsByRefs(context.Context, string, store.Viewer, []string, ...string) ([]record.Envelope, error) {
	return nil, nil
}

// addObservations pushes an observation of every group's first session of
// each week w that keep accepts.
func addObservations(b *testing.B, bs *bigSchool, keep func(w int) bool) {
	ctx := context.Background()
	var batch []record.Envelope
	wall := int64(1)
	for _, g := range bs.groupIDs {
		sessions, err := bs.st.RecordsByRef(ctx, bs.f.School.ID, store.Viewer{IsAdmin: true}, g, record.TypeSession)
		if err != nil {
			b.Fatal(err)
		}
		byDate := map[string]record.Envelope{}
		for _, e := range sessions {
			if s, ok := record.DecodeAs[record.Session](e); ok {
				byDate[s.Date] = e
			}
		}
		start, _ := progress.ParseDate("2022-08-29")
		for w := 0; w < 3*36; w++ {
			s, ok := byDate[(start + progress.Date(7*w)).String()]
			if !ok || !keep(w) {
				continue
			}
			wall++
			batch = append(batch, record.Envelope{ID: uuid.NewString(), Type: record.TypeObservation, HLC: storetest.HLC(200000+wall, 0),
				Data: []byte(fmt.Sprintf(`{"session_id":%q,"observer_id":"coach","date":%q,"fidelity":[{"step_id":"a","status":"done"},{"step_id":"b","status":"skipped"},{"step_id":"c","status":"done"},{"step_id":"d","status":"skipped"},{"step_id":"e","status":"done"},{"step_id":"f","status":"na"}],"quality":3,"engagement":4,"note":"Good pacing; model the new sound once more."}`,
					s.ID, (start + progress.Date(7*w)).String()))})
		}
	}
	if _, err := bs.st.Push(ctx, store.PushBatch{SchoolID: bs.f.School.ID, Pusher: bs.f.Admin.ID, PusherIsAdmin: true, Records: batch}); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d observations pushed", len(batch))
}

// benchIndexedReports times reports through goaldata.Dataset over st, 10
// at once; observed says whether every report must carry observations.
func benchIndexedReports(b *testing.B, bs *bigSchool, st store.RecordReader, observed bool) {
	asOf, _ := progress.ParseDate("2025-03-17")
	v := store.ViewerOf(bs.f.Ana)
	ctx := context.Background()
	var (
		mu    sync.Mutex
		spent time.Duration
		next  int
	)
	report := func(goal string) {
		t0 := time.Now()
		ds, err := goaldata.Dataset(ctx, st, bs.f.School.ID, v, goal)
		if err == nil {
			var r progress.Report
			r, err = progress.Progress(ds, goal, asOf)
			if err == nil && (r.Delivery == nil || (r.Delivery.Observations != nil) != observed) {
				err = fmt.Errorf("report of %s: observations %+v, want them %v", goal, r.Delivery.Observations, observed)
			}
		}
		if err != nil {
			b.Error(err)
		}
		d := time.Since(t0)
		mu.Lock()
		spent += d
		mu.Unlock()
	}
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	c0 := cpuTime()
	b.ResetTimer()
	var wg sync.WaitGroup
	work := make(chan string)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range work {
				report(g)
			}
		}()
	}
	for i := 0; i < b.N; i++ {
		work <- bs.goals[next%len(bs.goals)]
		next += 37
	}
	close(work)
	wg.Wait()
	b.StopTimer()
	runtime.ReadMemStats(&m1)
	b.ReportMetric(spent.Seconds()*1000/float64(b.N), "ms/report")
	b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(b.N)/(1<<20), "MiB/report")
	b.ReportMetric((cpuTime()-c0).Seconds()*1000/float64(b.N), "cpu-ms/report")
}
