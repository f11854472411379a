package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// BenchmarkOpenCICO500: opening the CICO picker, a student's card and the
// CICO chart screen (two years of cards, the plan, PhaseOf) in the
// 500-student school, beside the baseline of a student's progress page in
// the same run.
func BenchmarkOpenCICO500(b *testing.B) {
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
	a := New(w, Config{Records: storeRecords{s}, Now: func() time.Time { return monday10 }})
	a.Start()
	plans := repo.List[record.CICOPlan](s)
	if len(plans) == 0 {
		b.Fatal("the big school has no CICO plan")
	}
	sid := plans[len(plans)-1].Data.StudentID
	cards := len(repo.ListByRef[record.CICOCard](s, sid))
	date := record.DateOf(monday10).String()
	for _, c := range []struct {
		name        string
		setup, open func()
	}{
		{"baseline-student", func() { a.Root(TabStudents) }, func() { a.push(newStudentScreen(a, sid)) }},
		{"cico-pick", func() { a.Root(TabStudents) }, func() { a.Root(TabCICO) }},
		{"cico-card", func() { a.Root(TabCICO) }, func() { a.push(newCICOScreen(a, sid)) }},
		{"cico-progress", func() { a.Root(TabCICO) }, func() { a.push(newCICOProgressScreen(a, sid, date)) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			// Only the opening is timed; the screen it opens from is built
			// outside the timer.
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				c.setup()
				b.StartTimer()
				c.open()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/open")
			b.ReportMetric(float64(cards), "cards")
		})
	}
}
