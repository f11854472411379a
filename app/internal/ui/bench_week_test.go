package ui

import (
	"time"

	"testing"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// BenchmarkCaseloadViews500: the work behind issue 16's new views in the
// 500-student, two-year school of bigSchool, beside a baseline from the
// same run (decoding every student, what the plain list costs): every
// student's light, Probes due over the whole caseload, one week of My week.
func BenchmarkCaseloadViews500(b *testing.B) {
	path, _ := bigSchool(b)
	s, err := localstore.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rec := storeRecords{s}
	today := record.DateOf(monday10)
	mine := func(string) bool { return true }
	studs := repo.List[record.Student](rec)
	for _, c := range []struct {
		name string
		run  func() int
	}{
		{"baseline-list-students", func() int { return len(repo.List[record.Student](rec)) }},
		{"lights", func() int {
			cal := schoolCalendar(rec)
			for _, st := range studs {
				lightOf(rec, st.ID, today, cal)
			}
			return len(studs)
		}},
		{"probes-due", func() int { return len(loadProbesDue(rec, monday10, mine)) }},
		{"week", func() int {
			m := loadWeek(rec, mondayOf(today), today, mine)
			return m.ToCome + m.Delivered + m.Missed
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			for i := 0; i < b.N; i++ {
				n = c.run()
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
			b.ReportMetric(float64(n), "items")
		})
	}
}

// BenchmarkTodayOverdue500: the overdue check of Today's students (64
// groups, 256 students) through shared/progress as now, beside the app's
// former hand-written rule (kept here only as the baseline).
func BenchmarkTodayOverdue500(b *testing.B) {
	path, _ := bigSchool(b)
	s, err := localstore.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rec := storeRecords{s}
	var ids []string
	for _, g := range repo.List[record.Group](rec) {
		if slotStart(g.Data, record.Weekday(monday10)) != "" {
			ids = append(ids, g.Data.StudentIDs...)
		}
	}
	for _, c := range []struct {
		name  string
		check func(id string) bool
	}{
		{"baseline-handwritten", func(id string) bool { _, ok := handwrittenOverdue(rec, id, monday10); return ok }},
		{"shared-progress", func(id string) bool {
			_, ok := probeOverdue(rec, id, monday10, schoolCalendar(rec))
			return ok
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			due := 0
			for i := 0; i < b.N; i++ {
				due = 0
				for _, id := range ids {
					if c.check(id) {
						due++
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
			b.ReportMetric(float64(len(ids)), "students")
		})
	}
}

// handwrittenOverdue is the overdue rule Today used before issue 16 (a copy
// of DOMAIN.md §3.8 in the app): the benchmark's baseline only.
func handwrittenOverdue(rec Records, studentID string, now time.Time) (int, bool) {
	today := record.DateOf(now).String()
	goals := repo.ListByRef[record.Goal](rec, studentID)
	if len(goals) == 0 {
		return 0, false
	}
	probes := repo.ListByRef[record.Probe](rec, studentID)
	worst, due := 0, false
	for _, g := range goals {
		if g.Data.Status != "" && g.Data.Status != "active" {
			continue
		}
		if g.Data.GoalDate < today && g.Data.GoalDate != "" {
			continue
		}
		every := 7.0
		if p, ok := repo.Get[record.Plan](rec, g.Data.PlanID); ok {
			every = p.Data.ProbeInterval()
		}
		last := g.Data.StartDate
		for _, p := range probes {
			if p.Data.Measure == g.Data.Measure && p.Data.Date > last && p.Data.Date <= today {
				last = p.Data.Date
			}
		}
		d := 0
		if from, err := record.ParseDate(last); err == nil {
			d = int(record.DateOf(now) - from)
		}
		if float64(d) > every+3 {
			due = true
			if d > worst {
				worst = d
			}
		}
	}
	return worst, due
}
