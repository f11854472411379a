package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

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

// sealedCopy is a copy of the big school's file migrated to a PIN (once
// per process).
var sealedCopy struct {
	once sync.Once
	path string
	err  error
}

func bigSealedSchool(b *testing.B) string {
	path, _ := bigSchool(b)
	sealedCopy.once.Do(func() {
		raw, err := os.ReadFile(path)
		if err != nil {
			sealedCopy.err = err
			return
		}
		sealedCopy.path = path + ".sealed"
		if err := os.WriteFile(sealedCopy.path, raw, 0o600); err != nil {
			sealedCopy.err = err
			return
		}
		s, err := localstore.OpenWith(sealedCopy.path, localstore.Options{KDF: cheapKDF})
		if err != nil {
			sealedCopy.err = err
			return
		}
		sealedCopy.err = s.SetPIN(context.Background(), "482916")
		if err := s.Close(); err != nil && sealedCopy.err == nil {
			sealedCopy.err = err
		}
	})
	if sealedCopy.err != nil {
		b.Fatal(sealedCopy.err)
	}
	return sealedCopy.path
}

// BenchmarkStartToToday: app start to a usable Today screen — open the store
// and build the window, Today included — with 500 students and two years
// of sessions, probes and CICO cards; plain, and sealed (a PIN: the time
// after unlocking, so the KDF is the cheap one; BenchmarkUnlock in
// localstore measures the real derivation). ADR 0610's aim: < 500 ms.
func BenchmarkStartToToday(b *testing.B) {
	for _, sealed := range []bool{false, true} {
		b.Run(fmt.Sprintf("sealed=%v", sealed), func(b *testing.B) { benchStartToToday(b, sealed) })
	}
}

func benchStartToToday(b *testing.B, sealed bool) {
	path, n := bigSchool(b)
	if sealed {
		path = bigSealedSchool(b)
	}
	test.NewTempApp(b).Settings().SetTheme(Theme{})
	var groups int
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		s, err := localstore.OpenWith(path, localstore.Options{KDF: cheapKDF})
		if err != nil {
			b.Fatal(err)
		}
		if sealed {
			if err := s.Unlock(context.Background(), "482916"); err != nil {
				b.Fatal(err)
			}
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
		if groups == 0 {
			b.Fatal("Today shows no group")
		}
		w.Close()
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/start")
	// CPU per start: the figure a shared machine disturbs least.
	b.ReportMetric(float64((cpuTime()-c0).Milliseconds())/float64(b.N), "cpu-ms/start")
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

// BenchmarkNoteKeystroke: a character typed and erased in a note box
// holding a long note (2,000 characters in 20 paragraphs), laid out in a
// window: a plain multi-line entry (the baseline) beside one that grows
// with its text and passes the wheel (passWheel measures the text on every
// change). Reports keystrokes/s.
func BenchmarkNoteKeystroke(b *testing.B) {
	test.NewTempApp(b).Settings().SetTheme(Theme{})
	long := strings.Repeat(strings.Repeat("word ", 20)+"\n", 20)
	for _, v := range []struct {
		name string
		wrap bool
	}{{"plain-entry-baseline", false}, {"pass-wheel", true}} {
		b.Run(v.name, func(b *testing.B) {
			e := widget.NewMultiLineEntry()
			e.Wrapping = fyne.TextWrapWord
			var box fyne.CanvasObject = e
			if v.wrap {
				box = passWheel(e, 2, func() *container.Scroll { return nil })
			}
			w := test.NewWindow(container.NewVScroll(box))
			defer w.Close()
			w.Resize(landscape)
			e.SetText(long)
			w.Canvas().Focus(e)
			// A character and a backspace: the note keeps its length, so
			// every iteration costs the same whatever b.N is.
			for b.Loop() {
				e.TypedRune('x')
				e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
			}
			b.ReportMetric(2*float64(b.N)/b.Elapsed().Seconds(), "keystrokes/s")
		})
	}
}
