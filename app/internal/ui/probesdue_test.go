package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// TestProbesDueAcrossMyCaseload: a student whose group does not meet today
// and whose last probe was 19 days ago is in "Probes due" (ADR 0621), not
// only the students of today's groups; a colleague's student and a student
// probed last week are not.
func TestProbesDueAcrossMyCaseload(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ctx := context.Background()
	// Ava (Bluebirds, meets today) was probed yesterday: not due.
	must(repo.Put(ctx, f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-16", Score: 50}, false))
	// Zoe's group meets on Thursdays only; her last probe was 19 days ago.
	zoe := must(repo.Put(ctx, f.store, "", record.Student{GivenName: "Zoe", FamilyName: "Kim", Grade: "3"}, false)).ID
	larks := must(repo.Put(ctx, f.store, "", record.Group{Name: "Larks", ProgramID: sc.program, StudentIDs: []string{zoe},
		Schedule: []record.ScheduleSlot{{Weekday: 4, Start: "11:00"}}}, false)).ID
	plan := must(repo.Put(ctx, f.store, "", record.Plan{StudentID: zoe, ProgramID: sc.program, GroupID: larks, StartDate: "2025-01-06",
		SessionsPerWeek: 1, MinutesPerSession: 30}, false)).ID
	must(repo.Put(ctx, f.store, "", record.Goal{StudentID: zoe, PlanID: plan, Measure: "orf_wcpm", Direction: record.DirectionUp,
		StartDate: "2025-01-06", BaselineScores: []float64{30}, GoalScore: 60, GoalDate: "2025-06-02"}, false))
	must(repo.Put(ctx, f.store, "", record.Probe{StudentID: zoe, Measure: "orf_wcpm", Date: "2025-02-26", Score: 38}, false))
	// Yan is in a colleague's group, overdue too: not my caseload.
	yan := must(repo.Put(ctx, f.store, "", record.Student{GivenName: "Yan", FamilyName: "Li", Grade: "3"}, false)).ID
	must(repo.Put(ctx, f.store, "", record.Group{Name: "Hawks", ProgramID: sc.program, StudentIDs: []string{yan},
		InterventionistID: "a-colleague", Schedule: []record.ScheduleSlot{{Weekday: 1, Start: "12:00"}}}, false))
	must(repo.Put(ctx, f.store, "", record.Goal{StudentID: yan, Measure: "orf_wcpm", Direction: record.DirectionUp,
		StartDate: "2025-01-06", BaselineScores: []float64{30}, GoalScore: 60, GoalDate: "2025-06-02"}, false))

	a := f.start(landscape)
	today := a.Current().(*todayScreen)
	if today.probe[zoe] != nil {
		t.Fatal("Zoe's group does not meet today, yet Today lists her probe")
	}
	test.Tap(today.allDue)
	s, ok := a.Current().(*probesDueScreen)
	if !ok {
		t.Fatalf("Probes due opened %T", a.Current())
	}
	if len(s.due) != 1 || s.due[0].StudentID != zoe || s.due[0].Days != 19 {
		t.Fatalf("due %+v, want Zoe at 19 days only", s.due)
	}
	test.Tap(s.probe[zoe])
	if p, ok := a.Current().(*probeScreen); !ok || p.m.studentID != zoe {
		t.Fatalf("Probe opened %T", a.Current())
	}
	// Probed now: no longer due.
	p := a.Current().(*probeScreen)
	test.Tap(p.score)
	test.Type(p.score, "41")
	test.Tap(p.save)
	a.Back()
	if s := a.Current().(*probesDueScreen); len(s.due) != 0 {
		t.Fatalf("still due after the probe: %+v", s.due)
	}
}

// TestStudentsListShowsLights: each student's three-point status from
// shared/progress, with a shape and words beside the colour.
func TestStudentsListShowsLights(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ctx := context.Background()
	// DOMAIN.md §5.1: ten weekly probes, the last ones all below → red.
	day, _ := record.ParseDate("2025-01-13")
	for i, v := range []float64{45, 43, 47, 46, 49, 48, 50, 51, 50, 53} {
		must(repo.Put(ctx, f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: (day + record.Date(7*i)).String(), Score: v}, false))
	}
	f.clk.t = time.Date(2025, 3, 17, 15, 0, 0, 0, time.Local)
	a := f.start(landscape)
	a.Root(TabStudents)
	s := a.Current().(*studentsScreen)
	ava, ben := s.lights[sc.students[0]], s.lights[sc.students[1]]
	if ava.Status != "red" || !strings.HasPrefix(ava.text(), "▼") {
		t.Fatalf("Ava's light %+v %q, want red ▼", ava, ava.text())
	}
	if ben.Status != "" || ben.text() != "No active goal" {
		t.Fatalf("Ben's light %+v", ben)
	}
	// Three weeks without a probe: grey (§3.6: overdue), said in words.
	f.clk.t = f.clk.t.AddDate(0, 0, 21)
	a.Root(TabStudents)
	if l := a.Current().(*studentsScreen).lights[sc.students[0]]; l.Status != "grey" || !strings.HasPrefix(l.text(), "○") {
		t.Fatalf("overdue light %+v", l)
	}
}

// TestProbeTallySurvivesACrash: every tap of the error tally is on disk; a
// tablet that dies mid-probe reopens the probe with its count.
func TestProbeTallySurvivesACrash(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(landscape)
	a.push(newProbeScreen(a, sc.students[0]))
	p := a.Current().(*probeScreen)
	test.Tap(p.start)
	f.clk.add(20 * time.Second)
	for i := 0; i < 3; i++ {
		test.Tap(p.errPlus)
	}
	test.Tap(p.errMinus)
	f.kill()
	f.clk.add(15 * time.Second)
	a = f.start(landscape)
	r, ok := a.Current().(*probeScreen)
	if !ok {
		t.Fatalf("after the crash the screen is %T, want the probe", a.Current())
	}
	if r.m.errors != 2 || !r.m.running() || !strings.Contains(r.result.Text, "2 errors") {
		t.Fatalf("restored %d errors, running %v, %q", r.m.errors, r.m.running(), r.result.Text)
	}
	f.clk.add(30 * time.Second) // the minute runs out
	r.refresh()
	test.Tap(r.score)
	test.Type(r.score, "47")
	test.Tap(r.save)
	got := probesOf(f.store, sc.students[0], "orf_wcpm")
	if len(got) != 1 || got[0].Data.Errors == nil || *got[0].Data.Errors != 2 || got[0].Data.Score != 47 {
		t.Fatalf("saved %+v", got)
	}
	if _, ok, _ := f.store.Draft(probeDraftKey(sc.students[0])); ok {
		t.Fatal("the draft outlived the saved probe")
	}
	// The saved probe can be undone at once (typed wrong).
	if !strings.Contains(a.UndoText(), "Probe saved") {
		t.Fatalf("undo bar %q", a.UndoText())
	}
	f.kill()
	a = f.start(landscape)
	if _, ok := a.Current().(*todayScreen); !ok {
		t.Fatalf("after a saved probe the app opens %T", a.Current())
	}
}

// TestOldProbeDraftIsNotReopened: a probe left yesterday is not brought
// back at start, nor its tally shown.
func TestOldProbeDraftIsNotReopened(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(landscape)
	a.push(newProbeScreen(a, sc.students[0]))
	p := a.Current().(*probeScreen)
	test.Tap(p.start)
	test.Tap(p.errPlus)
	f.kill()
	f.clk.add(24 * time.Hour)
	a = f.start(landscape)
	if _, ok := a.Current().(*todayScreen); !ok {
		t.Fatalf("a day later the app opens %T", a.Current())
	}
	a.push(newProbeScreen(a, sc.students[0]))
	if p := a.Current().(*probeScreen); p.m.errors != 0 || !p.m.started.IsZero() {
		t.Fatalf("yesterday's tally shown: %d", p.m.errors)
	}
}

// TestTodayOverdueIsTheReports: a goal whose only probe predates its start
// counts from that probe (DOMAIN.md §3.8 as the report reads it, ADR 0011):
// Today and the report agree, where the former hand-written rule did not.
func TestTodayOverdueIsTheReports(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ctx := context.Background()
	ben := sc.students[1]
	must(repo.Put(ctx, f.store, "", record.Goal{StudentID: ben, Measure: "orf_wcpm", Direction: record.DirectionUp,
		StartDate: "2025-03-10", BaselineScores: []float64{30}, GoalScore: 60, GoalDate: "2025-06-02"}, false))
	must(repo.Put(ctx, f.store, "", record.Probe{StudentID: ben, Measure: "orf_wcpm", Date: "2025-03-03", Score: 31}, false))
	a := f.start(landscape)
	today := a.Current().(*todayScreen)
	var got *dueProbe
	for i := range today.m.Overdue {
		if today.m.Overdue[i].StudentID == ben {
			got = &today.m.Overdue[i]
		}
	}
	if got == nil || got.Days != 14 {
		t.Fatalf("Ben on Today: %+v, want overdue at 14 days (from the 3 Mar probe)", got)
	}
	if _, ok := handwrittenOverdue(f.rec, ben, f.clk.t); ok {
		t.Fatal("the former rule agrees after all: this test no longer shows the difference")
	}
}
