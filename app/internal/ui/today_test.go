package ui

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

// TestTodayGroupsByWeekdayAndStart: Today lists the groups meeting on the
// day (DOMAIN.md `group.schedule`, Monday = 1) by start time, then name;
// the rest are "other groups"; a member not synced yet is still listed.
func TestTodayGroupsByWeekdayAndStart(t *testing.T) {
	s, err := localstore.Open(filepath.Join(t.TempDir(), "tablet.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	prog := must(repo.Put(ctx, s, "", record.Program{Name: "Phonics 2", Area: record.AreaReading, Steps: []record.Step{{ID: "s1", Text: "Review"}}}, false))
	ann := must(repo.Put(ctx, s, "", record.Student{GivenName: "Ann", FamilyName: "Lopez", Grade: "3"}, false))
	missing := localstore.NewID() // created on another tablet, not arrived yet
	group := func(name string, slots ...record.ScheduleSlot) {
		must(repo.Put(ctx, s, "", record.Group{Name: name, ProgramID: prog.ID, StudentIDs: []string{ann.ID, missing}, Schedule: slots}, false))
	}
	group("Bluebirds", record.ScheduleSlot{Weekday: 1, Start: "10:30"}, record.ScheduleSlot{Weekday: 3, Start: "10:30"})
	group("Owls", record.ScheduleSlot{Weekday: 1, Start: "09:00"})
	group("Ants", record.ScheduleSlot{Weekday: 1, Start: "10:30"})
	group("Wrens", record.ScheduleSlot{Weekday: 2, Start: "08:00"})

	monday := time.Date(2025, 3, 17, 7, 0, 0, 0, time.UTC)
	m := loadToday(storeRecords{s}, monday)
	var names []string
	for _, g := range m.Groups {
		names = append(names, g.Start+" "+g.Name)
	}
	if want := []string{"09:00 Owls", "10:30 Ants", "10:30 Bluebirds"}; !slices.Equal(names, want) {
		t.Fatalf("Monday: %v, want %v", names, want)
	}
	if len(m.Others) != 1 || m.Others[0].Name != "Wrens" {
		t.Fatalf("other groups %+v", m.Others)
	}
	if st := m.Groups[0].Students; len(st) != 2 || st[0] != "Ann Lopez" || st[1] != "Student not synced yet" {
		t.Fatalf("members %v", st)
	}
	if wed := loadToday(storeRecords{s}, monday.AddDate(0, 0, 2)); len(wed.Groups) != 1 || wed.Groups[0].Name != "Bluebirds" {
		t.Fatalf("Wednesday: %+v", wed.Groups)
	}
}
