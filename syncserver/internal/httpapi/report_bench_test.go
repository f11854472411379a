package httpapi

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
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
)

// wholeSchoolDataset is the report's read before the indexes: every record
// of the school decoded, the report types kept (the old Records did the
// same: a ForEach over all records, copying each one's data, then a type
// filter).
func wholeSchoolDataset(ctx context.Context, st store.RecordReader, schoolID string, v store.Viewer) (*progress.Dataset, error) {
	all, err := st.Records(ctx, schoolID, v)
	if err != nil {
		return nil, err
	}
	types := []string{record.TypeGoal, record.TypePlan, record.TypeProgram, record.TypeSession,
		record.TypeProbe, record.TypeCalendarBreak, record.TypeCICOCard}
	keep := all[:0]
	for _, e := range all {
		if slices.Contains(types, e.Type) {
			keep = append(keep, e)
		}
	}
	return progress.NewDataset(keep), nil
}

// BenchmarkProgressReport: one goal's progress report in a 168k-record
// school, 10 reports at once, through the indexes and (baseline, same run)
// through the old whole-school read; and the attack's report on a goal
// that does not exist. ms/report is the mean time of one report while 10
// run; MiB/report is what each allocated.
func BenchmarkProgressReport(b *testing.B) {
	b.Run("bbolt", func(b *testing.B) {
		st, err := boltstore.Open(filepath.Join(b.TempDir(), "big.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		benchReports(b, buildBigSchool(b, st))
	})
	b.Run("postgres", func(b *testing.B) {
		url := pgtest.URL(b)
		st, err := pgstore.Open(context.Background(), url)
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		bs := buildBigSchool(b, st)
		// Autovacuum analyzes a table this changed within a minute; without
		// statistics the planner reads the whole school by its seq index.
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := conn.Exec(context.Background(), `ANALYZE records`); err != nil {
			b.Fatal(err)
		}
		conn.Close(context.Background())
		benchReports(b, bs)
	})
}

func benchReports(b *testing.B, bs *bigSchool) {
	b.Logf("school of %d records, %d goals", bs.records, len(bs.goals))
	asOf, _ := progress.ParseDate("2025-03-17")
	v := store.ViewerOf(bs.f.Ana)
	ctx := context.Background()
	paths := []struct {
		name    string
		dataset func(ctx context.Context, st store.RecordReader, schoolID string, v store.Viewer, goalID string) (*progress.Dataset, error)
	}{
		{"indexed", goaldata.Dataset},
		{"whole-school", func(ctx context.Context, st store.RecordReader, schoolID string, v store.Viewer, _ string) (*progress.Dataset, error) {
			return wholeSchoolDataset(ctx, st, schoolID, v)
		}},
	}
	for _, missing := range []bool{false, true} {
		for _, p := range paths {
			name := p.name
			if missing {
				name += "/missing-goal"
			}
			b.Run(name, func(b *testing.B) {
				var (
					mu    sync.Mutex
					spent time.Duration
					next  int
				)
				report := func(goal string) {
					t0 := time.Now()
					ds, err := p.dataset(ctx, bs.st, bs.f.School.ID, v, goal)
					if err == nil {
						var r progress.Report
						r, err = progress.Progress(ds, goal, asOf)
						if err == nil && (len(r.Points) < 50 || r.Delivery == nil || r.Delivery.DeliveredSessions < 100) {
							err = fmt.Errorf("report of %s too thin: %d points, %+v", goal, len(r.Points), r.Delivery)
						}
					}
					if missing != (err == progress.ErrGoalNotFound) {
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
					g := uuid.NewString()
					if !missing {
						g = bs.goals[next%len(bs.goals)]
						next += 37
					}
					work <- g
				}
				close(work)
				wg.Wait()
				b.StopTimer()
				runtime.ReadMemStats(&m1)
				b.ReportMetric(spent.Seconds()*1000/float64(b.N), "ms/report")
				b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(b.N)/(1<<20), "MiB/report")
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
				// This process's CPU per report (with bbolt, all of it): on
				// a shared machine steadier than the times.
				b.ReportMetric((cpuTime()-c0).Seconds()*1000/float64(b.N), "cpu-ms/report")
			})
		}
	}
}
