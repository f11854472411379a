package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// observedSchool is seedSchool with Bluebirds led by ana, a session of
// theirs delivered today (the fixture's 2025-03-17) with every step done
// but s2, one delivered yesterday, and a session of today of Owls, led by
// the coach.
type observedSchool struct {
	school
	today, yesterday, own string
}

func seedObserved(t *testing.T, f *fixture) observedSchool {
	t.Helper()
	ctx := context.Background()
	sc := observedSchool{school: seedSchool(t, f.store)}
	lead := func(id, who string) {
		g := mustGet[record.Group](f.store, id)
		g.Data.InterventionistID = who
		must(repo.Put(ctx, f.store, id, g.Data, false))
	}
	lead(sc.group, "user:ana")
	lead(sc.other, "user:coach")
	var marks []record.StepMark
	for _, s := range []string{"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"} {
		st := record.StepDone
		if s == "s2" {
			st = record.StepSkipped
		}
		marks = append(marks, record.StepMark{StepID: s, Status: st})
	}
	session := func(group, date string) string {
		return must(repo.Put(ctx, f.store, "", record.Session{GroupID: group, ProgramID: sc.program, Date: date,
			StartedAt: date + "T10:00:00Z", Status: record.SessionDelivered, Minutes: 30,
			Attendance: []record.Attendance{{StudentID: sc.students[0], Status: record.Present}}, Fidelity: marks}, false)).ID
	}
	sc.today, sc.yesterday, sc.own = session(sc.group, "2025-03-17"), session(sc.group, "2025-03-16"), session(sc.other, "2025-03-17")
	return sc
}

// TestObserveASession: a coach opens today's session of a colleague from
// Setup, marks the checklist independently with quality, engagement and a
// note, and saves an observation (checked by the one payload layer); the
// interventionist's session screen then shows it with the coach's note.
// Yesterday's session and the coach's own are not offered, and are refused
// if reached.
func TestObserveASession(t *testing.T) {
	f := newFixture(t)
	sc := seedObserved(t, f)
	f.sync.enrolment = Enrolment{Enrolled: true, UserID: "user:coach", Role: "interventionist"}
	a := f.start(landscape)
	a.Root(TabSetup)
	test.Tap(a.Current().(*setupScreen).observe)
	list := a.Current().(*observeList)
	if len(list.rows) != 1 || list.rows[sc.today] == nil {
		t.Fatalf("offered %d sessions, want only today's of Bluebirds", len(list.rows))
	}
	test.Tap(list.rows[sc.today])
	o := a.Current().(*observeScreen)
	if len(o.steps) != 8 {
		t.Fatalf("%d steps to mark", len(o.steps))
	}
	// Independent: nothing is pre-marked with the interventionist's marks.
	for _, r := range o.steps {
		if r.done.Importance != r.skipped.Importance {
			t.Fatal("a step is shown marked before the coach marked it")
		}
	}
	test.Tap(o.steps[0].done)
	test.Tap(o.steps[1].done)
	test.Tap(o.steps[2].skipped)
	test.Tap(o.steps[3].notA)
	test.Tap(o.steps[4].done)
	test.Tap(o.steps[4].done) // tapped again: cleared, counts as skipped
	o.quality.SetSelectedIndex(3)
	o.engagement.SetSelectedIndex(4)
	f.win.Canvas().Focus(o.note)
	test.Tap(o.note)
	test.Type(o.note, "Strong modelling; pace the partner reading.")
	test.Tap(o.save)
	if a.Message() != "Observation saved." {
		t.Fatalf("message %q", a.Message())
	}
	obs := repo.ListByRef[record.Observation](f.store, sc.today)
	if len(obs) != 1 {
		t.Fatalf("%d observations", len(obs))
	}
	got := obs[0].Data
	want := []record.StepMark{{StepID: "s1", Status: record.StepDone}, {StepID: "s2", Status: record.StepDone},
		{StepID: "s3", Status: record.StepSkipped}, {StepID: "s4", Status: record.StepNA}}
	if got.ObserverID != "user:coach" || got.Date != "2025-03-17" || got.Quality == nil || *got.Quality != 3 ||
		got.Engagement == nil || *got.Engagement != 4 || got.Note != "Strong modelling; pace the partner reading." || len(got.Fidelity) != len(want) {
		t.Fatalf("observation %+v", got)
	}
	for i := range want {
		if got.Fidelity[i] != want[i] {
			t.Fatalf("marks %+v, want %+v", got.Fidelity, want)
		}
	}

	// Reached another way, yesterday's session and the coach's own are refused.
	for id, msg := range map[string]string{
		sc.yesterday: "Not saved: a session is observed on the day it is delivered.",
		sc.own:       "Not saved: a session is observed by someone other than its interventionist.",
	} {
		s := newObserveScreen(a, id)
		a.push(s)
		test.Tap(s.save)
		if a.Message() != msg || len(repo.ListByRef[record.Observation](f.store, id)) != 0 {
			t.Fatalf("observing %s: %q", id, a.Message())
		}
		a.Back()
	}

	// Ana, the interventionist, sees it on her session, with the note; she
	// may not observe her own session.
	f.sync.enrolment = Enrolment{Enrolled: true, UserID: "user:ana", Role: "interventionist"}
	ss, err := resumeSession(a, sc.today)
	if err != nil {
		t.Fatal(err)
	}
	a.push(ss)
	lines := strings.Join(ss.observed.lines, "\n")
	for _, w := range []string{"Observed by a colleague: 2 of 7 steps seen done, 13% agreement with the session's checklist, quality 3 of 4, engagement 4 of 4.",
		"Coach's note: Strong modelling; pace the partner reading."} {
		if !strings.Contains(lines, w) {
			t.Fatalf("the session shows %q, want %q", lines, w)
		}
	}
	for _, o := range ss.observed.box.Objects {
		if o == ss.observed.observe {
			t.Fatal("the interventionist is offered to observe their own session")
		}
	}
	if !drawn(f.win, ss.observed.box) {
		t.Fatal("the observation is not on the session screen")
	}
}

// TestAdminObserves: an admin observes any session of today but those of
// the groups they lead (DOMAIN.md §2: the observer is not the session's
// interventionist, whatever their role).
func TestAdminObserves(t *testing.T) {
	f := newFixture(t)
	sc := seedObserved(t, f)
	for who, want := range map[string][]string{"user:boss": {sc.today, sc.own}, "user:coach": {sc.today}} {
		f.sync.enrolment = Enrolment{Enrolled: true, UserID: who, Role: "admin"}
		a := f.start(landscape)
		a.push(newObserveList(a))
		list := a.Current().(*observeList)
		if len(list.rows) != len(want) {
			t.Fatalf("admin %s is offered %d sessions, want %d", who, len(list.rows), len(want))
		}
		for _, id := range want {
			if list.rows[id] == nil {
				t.Fatalf("admin %s is not offered %s", who, id)
			}
		}
	}
}
