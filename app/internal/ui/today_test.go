package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

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
	m := loadToday(storeRecords{s}, monday, anyone)
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
	if wed := loadToday(storeRecords{s}, monday.AddDate(0, 0, 2), anyone); len(wed.Groups) != 1 || wed.Groups[0].Name != "Bluebirds" {
		t.Fatalf("Wednesday: %+v", wed.Groups)
	}
}

func anyone(string) bool { return true }

// TestTodayMyCaseloadFirst: the caseloads of ADR 0621. My groups meeting today
// come first, then my other groups; colleagues' groups are apart (folded
// behind "Other groups" on the screen); a group nobody leads counts as mine.
func TestTodayMyCaseloadFirst(t *testing.T) {
	s, err := localstore.Open(filepath.Join(t.TempDir(), "tablet.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	prog := must(repo.Put(ctx, s, "", record.Program{Name: "Phonics 2", Area: record.AreaReading, Steps: []record.Step{{ID: "s1", Text: "Review"}}}, false))
	ann := must(repo.Put(ctx, s, "", record.Student{GivenName: "Ann", FamilyName: "Lopez", Grade: "3"}, false))
	group := func(name, lead string, weekday int) {
		must(repo.Put(ctx, s, "", record.Group{Name: name, ProgramID: prog.ID, InterventionistID: lead, StudentIDs: []string{ann.ID},
			Schedule: []record.ScheduleSlot{{Weekday: weekday, Start: "10:00"}}}, false))
	}
	group("Mine today", "me", 1)
	group("Mine Tuesday", "me", 2)
	group("Nobody's", "", 1)
	group("Colleague today", "colleague", 1)
	group("Colleague Tuesday", "colleague", 2)
	monday := time.Date(2025, 3, 17, 7, 0, 0, 0, time.UTC)
	m := loadToday(storeRecords{s}, monday, func(id string) bool { return id == "me" })
	names := func(gs []todayGroup) (out []string) {
		for _, g := range gs {
			out = append(out, g.Name)
		}
		return out
	}
	if got := names(m.Groups); !slices.Equal(got, []string{"Mine today", "Nobody's"}) {
		t.Errorf("today: %v", got)
	}
	if got := names(m.Others); !slices.Equal(got, []string{"Mine Tuesday"}) {
		t.Errorf("my other groups: %v", got)
	}
	if got := names(m.Colleague); !slices.Equal(got, []string{"Colleague today", "Colleague Tuesday"}) {
		t.Errorf("colleagues' groups: %v (meeting today first)", got)
	}
}

// TestTodayScreenFoldsColleaguesGroups: on the screen, a colleague's group
// is behind "Other groups", folded until tapped, and still startable.
func TestTodayScreenFoldsColleaguesGroups(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	theirs := must(repo.Put(context.Background(), f.store, "", record.Group{Name: "Colleague's Owls", ProgramID: sc.program,
		InterventionistID: "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e09", StudentIDs: sc.students[:1],
		Schedule: []record.ScheduleSlot{{Weekday: 1, Start: "11:00"}}}, false))
	a := f.start(landscape)
	a.Root(TabToday)
	s := a.Current().(*todayScreen)
	if s.others == nil || len(s.others.Items) != 1 || s.others.Items[0].Open {
		t.Fatalf("colleagues' groups are not folded behind one item: %+v", s.others)
	}
	if !strings.Contains(s.others.Items[0].Title, "Other groups (1") {
		t.Errorf("title %q", s.others.Items[0].Title)
	}
	for _, g := range s.m.Groups {
		if g.ID == theirs.ID {
			t.Fatal("a colleague's group is among mine")
		}
	}
	if s.start[theirs.ID] == nil {
		t.Fatal("a colleague's group cannot be started when covering")
	}
	s.others.Open(0)
	if !s.others.Items[0].Open {
		t.Error("the fold does not open")
	}
}

// TestStartingAgainOnADeliveredDayAsks (ADR 0621): a group already seen
// today is marked done, and a second session needs a second tap.
func TestStartingAgainOnADeliveredDayAsks(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	must(repo.Put(context.Background(), f.store, "", record.Session{GroupID: sc.group, ProgramID: sc.program,
		Date: record.DateOf(monday10).String(), Status: record.SessionDelivered, Minutes: 30,
		Attendance: []record.Attendance{{StudentID: sc.students[0], Status: record.Present}}, Fidelity: []record.StepMark{}}, false))
	a := f.start(landscape)
	a.Root(TabToday)
	s := a.Current().(*todayScreen)
	b := s.start[sc.group]
	if b == nil || b.Text != "Done today ✓" {
		t.Fatalf("a group seen today shows %v", b)
	}
	test.Tap(b)
	if _, ok := a.Current().(*todayScreen); !ok {
		t.Fatal("one tap started a second session")
	}
	if !strings.Contains(a.Message(), "already had a session today") || b.Text != "Start another session" {
		t.Fatalf("no question asked: %q, button %q", a.Message(), b.Text)
	}
	test.Tap(b)
	if _, ok := a.Current().(*sessionScreen); !ok {
		t.Fatalf("the second tap did not start the session: %T", a.Current())
	}
}
