package demo

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// TestDemoLoadsAndValidates: every demo record passes DOMAIN.md's checks
// (record.Payload.Validate) and the school has the promised shape.
func TestDemoLoadsAndValidates(t *testing.T) {
	s, err := localstore.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	today := time.Date(2025, 3, 19, 0, 0, 0, 0, time.UTC) // a Wednesday
	items := Generate(today, Options{})
	for _, it := range items {
		if err := it.Data.(record.Payload).Validate(); err != nil {
			t.Fatalf("%s %+v: %v", it.Type, it.Data, err)
		}
	}
	n, err := Load(context.Background(), s, today, Options{})
	if err != nil || n != len(items) {
		t.Fatalf("loaded %d of %d: %v", n, len(items), err)
	}
	count := func(typ string) int {
		es, err := s.List(typ)
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	if got := count(record.TypeStudent); got != 12 {
		t.Errorf("%d students, want 12", got)
	}
	if got := count(record.TypeGroup); got != 3 {
		t.Errorf("%d groups, want 3", got)
	}
	if got := count(record.TypeProgram); got != 2 {
		t.Errorf("%d programs, want 2", got)
	}
	if got := count(record.TypeCalendarBreak); got != 1 {
		t.Errorf("%d breaks, want 1", got)
	}
	if got := count(record.TypeSession); got < 3*8*2 {
		t.Errorf("only %d sessions for eight weeks", got)
	}
	if got := count(record.TypeProbe); got < 11*7 {
		t.Errorf("only %d probes", got)
	}
	if got := count(record.TypeCICOCard); got < 2*30 {
		t.Errorf("only %d CICO cards", got)
	}
	var groups []repo.Doc[record.Group]
	for _, g := range repo.List[record.Group](s) {
		if slices.ContainsFunc(g.Data.Schedule, func(sl record.ScheduleSlot) bool { return sl.Weekday == 3 }) {
			groups = append(groups, g)
		}
	}
	if len(groups) != 3 {
		t.Errorf("%d groups meet on Wednesday, want 3", len(groups))
	}
	// Same input, same school.
	again := Generate(today, Options{})
	if len(again) != len(items) || again[10].ID != items[10].ID {
		t.Error("Generate is not deterministic")
	}
}

// TestDemoSchoolDaysAndSeasons: issue 16. The demo school meets on school
// days only, also when generated on a Saturday (no Saturday slot), and its
// break is named for its season (no "Spring break" in October).
func TestDemoSchoolDaysAndSeasons(t *testing.T) {
	for _, day := range []time.Time{time.Date(2025, 3, 22, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)} {
		for _, it := range Generate(day, Options{}) {
			switch v := it.Data.(type) {
			case record.Group:
				for _, sl := range v.Schedule {
					if sl.Weekday > 5 {
						t.Errorf("%s: group %s meets on weekday %d", day.Format("2006-01-02"), v.Name, sl.Weekday)
					}
				}
			case record.CalendarBreak:
				start, _ := time.Parse("2006-01-02", v.StartDate)
				if v.Name != seasonBreak(start) || (start.Month() >= time.September && start.Month() <= time.November && v.Name != "Autumn break") {
					t.Errorf("a break starting %s is called %q", v.StartDate, v.Name)
				}
			}
		}
	}
	for m, want := range map[time.Month]string{time.October: "Autumn break", time.April: "Spring break", time.January: "Winter break", time.July: "Summer break"} {
		if got := seasonBreak(time.Date(2026, m, 1, 0, 0, 0, 0, time.UTC)); got != want {
			t.Errorf("%s: %q, want %q", m, got, want)
		}
	}
}

// TestDemoScales: the benchmark size keeps every record valid.
func TestDemoScales(t *testing.T) {
	items := Generate(time.Date(2025, 3, 19, 0, 0, 0, 0, time.UTC), Options{Students: 40, Weeks: 10})
	students := 0
	for _, it := range items {
		if err := it.Data.(record.Payload).Validate(); err != nil {
			t.Fatalf("%s: %v", it.Type, err)
		}
		if it.Type == record.TypeStudent {
			students++
		}
	}
	if students != 40 {
		t.Fatalf("%d students, want 40", students)
	}
}

// TestDemoGroupsGoToTheirInterventionists: the demo of make run gives its
// groups to rivera and lee in turn, so both have a caseload; without ids the
// groups have none.
func TestDemoGroupsGoToTheirInterventionists(t *testing.T) {
	today := time.Date(2025, 3, 19, 0, 0, 0, 0, time.UTC)
	const rivera, lee = "018b0000-0000-7000-8000-0000000000a1", "018b0000-0000-7000-8000-0000000000a2"
	count := map[string]int{}
	for _, it := range Generate(today, Options{Interventionists: []string{rivera, lee}}) {
		if g, ok := it.Data.(record.Group); ok {
			count[g.InterventionistID]++
		}
	}
	if count[rivera] == 0 || count[lee] == 0 || count[""] != 0 {
		t.Fatalf("groups by interventionist %v, want each of rivera and lee to have some", count)
	}
	for _, it := range Generate(today, Options{}) {
		if g, ok := it.Data.(record.Group); ok && g.InterventionistID != "" {
			t.Fatalf("without ids a group has interventionist %q", g.InterventionistID)
		}
	}
}
