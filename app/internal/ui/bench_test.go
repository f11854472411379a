package ui

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/demo"
	"smallwins/app/internal/localstore"
	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// BenchmarkTapToDurableRedraw: one checklist tap in a running session, from
// the tap to the fsynced bbolt transaction and the redrawn screen (real
// store in a temp dir, fsync on). Reports p50/p99 in ms.
func BenchmarkTapToDurableRedraw(b *testing.B) {
	test.NewTempApp(b).Settings().SetTheme(Theme{})
	s, err := localstore.Open(filepath.Join(b.TempDir(), "t.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	t := &testing.T{}
	sc := seedSchool(t, s)
	w := test.NewWindow(nil)
	defer w.Close()
	w.Resize(landscape)
	a := New(w, Config{Records: storeRecords{s}, Now: func() time.Time { return monday10 }})
	a.Start()
	test.Tap(a.Current().(*todayScreen).start[sc.group])
	ss := a.Current().(*sessionScreen)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := ss.steps[i%len(ss.steps)]
		t0 := time.Now()
		if i%2 == 0 {
			test.Tap(r.done)
		} else {
			test.Tap(r.skipped)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportLatency(b, lat)
}

func reportLatency(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(p(0.5), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
}

var bigStore struct {
	once sync.Once
	path string
	n    int
	err  error
}

// bigSchool writes 500 students and two years of data once per process
// (fsync off while seeding only), and returns the file.
func bigSchool(b *testing.B) (string, int) {
	bigStore.once.Do(func() {
		dir, err := os.MkdirTemp("", "smallwins-bench-")
		if err != nil {
			bigStore.err = err
			return
		}
		bigStore.path = filepath.Join(dir, "big.db")
		s, err := localstore.OpenWith(bigStore.path, localstore.Options{NoSync: true})
		if err != nil {
			bigStore.err = err
			return
		}
		bigStore.n, bigStore.err = demo.Load(context.Background(), s, monday10, demo.Options{Students: 500, Weeks: 104})
		if err := s.Close(); err != nil && bigStore.err == nil {
			bigStore.err = err
		}
	})
	if bigStore.err != nil {
		b.Fatal(bigStore.err)
	}
	return bigStore.path, bigStore.n
}

// BenchmarkStartToToday: app start to a usable Today screen — open the store
// and build the window, Today included — with 500 students and two years
// of sessions, probes and CICO cards.
func BenchmarkStartToToday(b *testing.B) {
	path, n := bigSchool(b)
	test.NewTempApp(b).Settings().SetTheme(Theme{})
	var groups int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := localstore.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		w := test.NewWindow(nil)
		w.Resize(landscape)
		a := New(w, Config{Records: storeRecords{s}, Now: func() time.Time { return monday10 }})
		a.Start()
		today, ok := a.Current().(*todayScreen)
		if !ok {
			b.Fatalf("start shows %T", a.Current())
		}
		groups = len(today.m.Groups)
		w.Close()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/start")
	b.ReportMetric(float64(groups), "groups-today")
	b.ReportMetric(float64(n), "records")
}

// BenchmarkOpenScreens500: opening the Students, Setup and a student's page
// in the 500-student school.
func BenchmarkOpenScreens500(b *testing.B) {
	path, _ := bigSchool(b)
	test.NewTempApp(b).Settings().SetTheme(Theme{})
	s, err := localstore.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	w := test.NewWindow(nil)
	defer w.Close()
	w.Resize(landscape)
	a := New(w, Config{Records: storeRecords{s}, Now: func() time.Time { return monday10 }, Background: inline})
	a.Start()
	studs := repo.List[record.Student](s) // the demo's students are all active
	sortDocs(studs, func(a, b record.Student) bool { return a.DisplayName() < b.DisplayName() })
	for _, c := range []struct {
		name string
		open func()
	}{
		{"students", func() { a.Root(TabStudents) }},
		{"setup", func() { a.Root(TabSetup) }},
		{"student", func() { a.Root(TabStudents); a.push(newStudentScreen(a, studs[7].ID)) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				c.open()
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/open")
		})
	}
}
