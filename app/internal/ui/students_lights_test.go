package ui

import (
	"context"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// TestLightsArriveInTheListedRows: the Students list shows its rows at
// once with "…" for each light; when the background work is done, each
// listed row shows its student's light, with the rows (and their buttons)
// left as they were.
func TestLightsArriveInTheListedRows(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(Theme{})
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	day, _ := record.ParseDate("2025-01-13")
	for i, v := range []float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53} {
		must(repo.Put(context.Background(), f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: (day + record.Date(7*i)).String(), Score: v}, false))
	}
	var pending []func() func()
	w := test.NewWindow(nil)
	defer w.Close()
	w.Resize(landscape)
	a := New(w, Config{Records: f.rec, Sync: f.sync, Now: func() time.Time { return time.Date(2025, 3, 17, 15, 0, 0, 0, time.Local) },
		Background: func(work func() func()) { pending = append(pending, work) }})
	a.Start()
	a.Root(TabStudents)
	s := a.Current().(*studentsScreen)
	ava := s.open[sc.students[0]]
	if len(pending) != 1 || ava == nil {
		t.Fatalf("%d background works, Ava's row %v", len(pending), ava)
	}
	// texts lists a label twice (the label, then the rich text drawing it).
	if got := texts(s.rows[sc.students[0]].Objects[1]); len(got) == 0 || got[0] != "…" {
		t.Fatalf("before the lights: %q", got)
	}
	pending[0]()()
	if got := texts(s.rows[sc.students[0]].Objects[1]); len(got) == 0 || got[0] != "▼ Below the aimline" || slices.Contains(got, "…") {
		t.Fatalf("Ava's light: %q", got)
	}
	if got := texts(s.rows[sc.students[1]].Objects[1]); len(got) == 0 || got[0] != "No active goal" {
		t.Fatalf("Ben's light: %q", got)
	}
	if s.open[sc.students[0]] != ava {
		t.Fatal("the rows were built again for the lights")
	}
	if sz := s.rows[sc.students[0]].Size(); sz.Width < 100 || sz.Height < 20 {
		t.Fatalf("Ava's row is not laid out: %v", sz)
	}
	// A search lists the matching rows, laid out in the window.
	test.Type(s.search, "ben")
	ben := s.rows[sc.students[1]]
	if len(s.grid.Objects) != 1 || ben == nil || len(s.open) != 1 {
		t.Fatalf("search for ben: %d rows", len(s.grid.Objects))
	}
	if sz := ben.Size(); sz.Width < 100 || sz.Height < 20 {
		t.Fatalf("Ben's row is not laid out: %v", sz)
	}
}
