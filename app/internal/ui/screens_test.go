package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

func syncNowBackground(f *fixture) {
	f.app.cfg.Background = func(work func() func()) { work()() }
}

// TestSyncScreenEnrolmentErrorsInPlainWords: the form refuses what it can
// check itself, and shows the sync layer's sentence for the rest.
func TestSyncScreenEnrolmentErrorsInPlainWords(t *testing.T) {
	f := newFixture(t)
	a := f.start(landscape)
	syncNowBackground(f)
	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	if !s.enrol.Visible() || !s.syncNow.Disabled() {
		t.Fatal("before enrolment the form shows and Sync now is off")
	}
	if a.syncNow.Visible() {
		t.Fatal("two Sync now buttons on the Sync screen")
	}
	a.Root(TabToday)
	if !a.syncNow.Visible() {
		t.Fatal("the header's Sync now is gone from Today")
	}
	a.Root(TabSync)
	s = a.Current().(*syncScreen)
	test.Tap(s.enrol)
	if !strings.Contains(s.enrolErr.Text, "server address") {
		t.Fatalf("empty form error %q", s.enrolErr.Text)
	}
	test.Type(s.server, "sync.school.org")
	test.Tap(s.enrol)
	if !strings.Contains(s.enrolErr.Text, "https://") {
		t.Fatalf("scheme error %q", s.enrolErr.Text)
	}
	s.server.SetText("https://sync.school.org")
	test.Type(s.school, "lincoln")
	test.Type(s.username, "ms.lee")
	test.Tap(s.enrol)
	if s.enrolErr.Text != "Enter your password." {
		t.Fatalf("password error %q", s.enrolErr.Text)
	}
	f.sync.enrolErr = errors.New("The school, user name or password is not right.")
	test.Type(s.password, "wrong")
	test.Tap(s.enrol)
	if s.enrolErr.Text != "The school, user name or password is not right." {
		t.Fatalf("server refusal shows %q", s.enrolErr.Text)
	}
	if s.password.Text != "" {
		t.Fatal("the password stays in the form after a try")
	}
	f.sync.enrolErr = nil
	test.Type(s.password, "right")
	test.Tap(s.enrol)
	if len(f.sync.enrolled) != 2 || f.sync.enrolled[1].ServerURL != "https://sync.school.org" || f.sync.enrolled[1].Password != "right" {
		t.Fatalf("enrol calls %+v", f.sync.enrolled)
	}
	if s.syncNow.Disabled() {
		t.Fatal("Sync now is off after enrolment")
	}
	test.Tap(s.syncNow)
	if f.sync.syncNow != 1 {
		t.Fatalf("Sync now asked %d syncs", f.sync.syncNow)
	}
}

// TestSyncScreenOfflineConflictQuarantine: the states of the sync screen.
func TestSyncScreenOfflineConflictQuarantine(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(portrait)
	f.sync.enrolment = Enrolment{Enrolled: true, ServerURL: "https://sync.school.org", School: "Lincoln", Username: "ms.lee", UserID: "u1"}
	f.sync.conflicts = []Conflict{{ID: "c1", RecordID: sc.students[0], Type: record.TypeStudent, Summary: "another tablet saved a newer version at 10:42"}}
	f.sync.quarantined = []Quarantined{{RecordID: sc.group, Type: record.TypeGroup, Code: "forbidden"}}
	a.SetSyncState(SyncState{Enrolled: true, Pending: 3, Conflicts: 1, Quarantined: 1,
		Err: "Cannot reach the server. Your work is saved on this tablet and will sync when the network is back."})
	if got := a.syncChip.Text; got != "1 to review" {
		t.Fatalf("header says %q", got)
	}
	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	if !strings.Contains(s.status.Text, "3 changes are saved on this tablet") || !strings.Contains(s.problem.Text, "Cannot reach the server") {
		t.Fatalf("status %q, problem %q", s.status.Text, s.problem.Text)
	}
	if s.problem.Importance != widget.DangerImportance || !s.problem.Visible() {
		t.Fatal("an error is not shown as one")
	}
	found := false
	for _, o := range test.LaidOutObjects(s.root) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "Student Ava Martinez: another tablet saved a newer version at 10:42") {
			found = true
		}
	}
	if !found {
		t.Fatal("the conflict is not described in words")
	}
	test.Tap(s.restore["c1"])
	if len(f.sync.restored) != 1 || f.sync.restored[0] != "c1" {
		t.Fatalf("restored %v", f.sync.restored)
	}
	if len(s.restore) != 0 {
		t.Fatal("the restored conflict is still listed")
	}
	test.Tap(s.retry[sc.group])
	if len(f.sync.retried) != 1 {
		t.Fatal("retry did not reach the store")
	}
	// Offline with nothing else: the header says so.
	a.SetSyncState(SyncState{Enrolled: true, Pending: 2, Err: "Cannot reach the server."})
	if got := a.syncChip.Text; got != "Offline · 2 waiting" {
		t.Fatalf("offline header %q", got)
	}
	a.SetSyncState(SyncState{Enrolled: true, LastSuccess: f.clk.now().Add(-5 * time.Minute)})
	if got := a.syncChip.Text; got != "Synced 5 min ago" {
		t.Fatalf("synced header %q", got)
	}
}

// TestProbeTimedAndProrated: a passage finished after 50 s is prorated to
// 60 s with the raw count kept (DOMAIN.md §2 `probe`).
func TestProbeTimedAndProrated(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(landscape)
	a.push(newProbeScreen(a, sc.students[0]))
	p := a.Current().(*probeScreen)
	if p.m.goal != 0 {
		t.Fatal("the student's goal is not chosen")
	}
	test.Tap(p.start)
	f.clk.add(20 * time.Second)
	test.Tap(p.errPlus)
	test.Tap(p.errPlus)
	test.Tap(p.errPlus)
	test.Tap(p.errMinus)
	f.clk.add(30 * time.Second)
	test.Tap(p.stopEarl)
	if p.timer.Text != "Finished in 50 s" {
		t.Fatalf("timer shows %q", p.timer.Text)
	}
	test.Type(p.score, "40")
	test.Tap(p.save)
	probes := probesOf(f.store, sc.students[0], "orf_wcpm")
	if len(probes) != 1 {
		t.Fatalf("%d probes saved", len(probes))
	}
	got := probes[0].Data
	if got.Score != 48 || got.RawScore == nil || *got.RawScore != 40 || got.Seconds != 50 || got.Errors == nil || *got.Errors != 2 || got.Date != "2025-03-17" {
		t.Fatalf("probe saved as %+v", got)
	}
	if !strings.Contains(p.result.Text, "48 correct (prorated from 40 in 50 s), 2 errors") {
		t.Fatalf("result %q", p.result.Text)
	}
	// Said once (under the form, not also on the status line); the form
	// keeps the saved probe in sight, and Save waits for a change.
	if a.Message() != "" || p.score.Text != "40" || p.timer.Text != "Finished in 50 s" || p.errLabel.Text != "Errors: 2" || !p.save.Disabled() {
		t.Fatalf("after saving: message %q, score %q, timer %q, %q, save disabled %v", a.Message(), p.score.Text, p.timer.Text, p.errLabel.Text, p.save.Disabled())
	}
	test.Tap(p.save)
	if n := len(probesOf(f.store, sc.students[0], "orf_wcpm")); n != 1 {
		t.Fatalf("a second tap saved the probe again: %d probes", n)
	}
	// A typed score, no timer: select the saved one and type over it.
	test.Tap(p.score)
	p.score.TypedShortcut(&fyne.ShortcutSelectAll{})
	test.Type(p.score, "51")
	if p.score.Text != "51" || p.save.Disabled() || p.timer.Text != "1:00" {
		t.Fatalf("typing a new score: %q, save disabled %v, timer %q", p.score.Text, p.save.Disabled(), p.timer.Text)
	}
	test.Tap(p.save)
	probes = probesOf(f.store, sc.students[0], "orf_wcpm")
	if len(probes) != 2 || probes[1].Data.Score != 51 || probes[1].Data.RawScore != nil || probes[1].Data.Errors != nil {
		t.Fatalf("typed probe %+v", probes[len(probes)-1].Data)
	}
	// A bad score is refused in words, nothing saved.
	test.Type(p.score, "lots")
	test.Tap(p.save)
	if a.Message() != "Type the score as a number, e.g. 47." {
		t.Fatalf("message %q", a.Message())
	}
}

// TestProbeMinuteRunsOut: at 60 s the timer stops by itself.
func TestProbeMinuteRunsOut(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(landscape)
	a.push(newProbeScreen(a, sc.students[1])) // no goal: measure typed
	p := a.Current().(*probeScreen)
	test.Tap(p.start)
	f.clk.add(61 * time.Second)
	p.refresh()
	if p.timer.Text != "Time!" || p.m.seconds() != 60 {
		t.Fatalf("after a minute: %q, %v s", p.timer.Text, p.m.seconds())
	}
	test.Type(p.score, "33")
	test.Tap(p.save)
	probes := probesOf(f.store, sc.students[1], "")
	if len(probes) != 1 || probes[0].Data.Score != 33 || probes[0].Data.Measure != "orf_wcpm" || probes[0].Data.RawScore != nil {
		t.Fatalf("probes %+v", probes)
	}
}

// TestCICOCardEntry: cells cycle 2 → 1 → 0 → not rated, each tap saved, and
// the day's % leaves unrated cells out (DOMAIN.md §3.9).
func TestCICOCardEntry(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(portrait)
	a.Root(TabCICO)
	c := a.Current().(*cicoScreen)
	test.Tap(c.pick[sc.students[2]])
	if c.m == nil || len(c.cells) != len(defaultPeriods) || len(c.cells[0]) != len(defaultExpectations) {
		t.Fatal("the card grid is not shown")
	}
	if c.total.Text != "Nothing rated yet for this day." {
		t.Fatalf("empty card says %q", c.total.Text)
	}
	test.Tap(c.cells[0][0]) // 2
	test.Tap(c.cells[0][1]) // 2
	test.Tap(c.cells[0][1]) // 1
	test.Tap(c.cells[1][2]) // 2
	test.Tap(c.cells[1][2]) // 1
	test.Tap(c.cells[1][2]) // 0
	test.Tap(c.cells[2][0]) // 2
	test.Tap(c.cells[2][0]) // 1
	test.Tap(c.cells[2][0]) // 0
	test.Tap(c.cells[2][0]) // not rated
	card := cardOn(f.store, sc.students[2], "2025-03-17").Data
	if v := card.Ratings[0][0]; v == nil || *v != 2 {
		t.Fatalf("cell 0,0 = %v", v)
	}
	if v := card.Ratings[2][0]; v != nil {
		t.Fatalf("cell 2,0 should be not rated, is %v", *v)
	}
	if c.total.Text != "3 of 6 points: 50% (goal 80%) · below the goal" {
		t.Fatalf("day total %q", c.total.Text)
	}
	if c.week.Text != "Week of Mon 17 Mar: 50%, below 80%; 1 day below goal. Weeks met in a row: 0 (6 make the student eligible for self-management)." {
		t.Fatalf("week %q", c.week.Text)
	}
	cards := repo.ListByRef[record.CICOCard](f.store, sc.students[2])
	if len(cards) != 1 {
		t.Fatalf("%d cards for one day", len(cards))
	}
	// The day before starts empty with the same layout; the next day is today.
	test.Tap(c.prev)
	if c.m.date != "2025-03-16" || c.m.id != "" {
		t.Fatalf("day before: %s %s", c.m.date, c.m.id)
	}
	if c.next.Disabled() {
		t.Fatal("cannot move forward from yesterday to today")
	}
}

// TestTodayStates: empty tablet, a day with no group, overdue probes,
// inactive students hidden, a student not synced yet still shown.
func TestTodayStates(t *testing.T) {
	f := newFixture(t)
	a := f.start(portrait)
	today := a.Current().(*todayScreen)
	if !today.m.Empty {
		t.Fatal("an empty tablet is not shown as empty")
	}
	sc := seedSchool(t, f.store)
	f.clk.t = time.Date(2025, 3, 23, 9, 0, 0, 0, time.Local) // a Sunday: no group meets
	a.Root(TabToday)
	today = a.Current().(*todayScreen)
	if len(today.m.Groups) != 0 || len(today.m.Others) != 2 {
		t.Fatalf("Sunday: %d today, %d others", len(today.m.Groups), len(today.m.Others))
	}
	if today.start[sc.other] == nil {
		t.Fatal("another group cannot be started on a day it does not meet")
	}

	f.clk.t = monday10
	st := mustGet[record.Student](f.store, sc.students[4])
	st.Data.Active = ptr(false)
	must(repo.Put(context.Background(), f.store, st.ID, st.Data, false))
	g := mustGet[record.Group](f.store, sc.group)
	g.Data.StudentIDs = append(g.Data.StudentIDs, "01900000-0000-7000-8000-000000000abc") // not synced yet
	must(repo.Put(context.Background(), f.store, g.ID, g.Data, false))
	a.Root(TabToday)
	today = a.Current().(*todayScreen)
	if len(today.m.Groups) != 1 {
		t.Fatalf("%d groups on Monday", len(today.m.Groups))
	}
	names := strings.Join(today.m.Groups[0].Students, ", ")
	if strings.Contains(names, "Ella") || !strings.Contains(names, "Student not synced yet") {
		t.Fatalf("Today lists %q", names)
	}
	// Ava's goal started 2025-01-06 with no probe since: overdue.
	if len(today.m.Overdue) != 1 || today.m.Overdue[0].StudentID != sc.students[0] || today.m.Overdue[0].Days != 70 {
		t.Fatalf("overdue %+v", today.m.Overdue)
	}
	test.Tap(today.probe[sc.students[0]])
	if _, ok := a.Current().(*probeScreen); !ok {
		t.Fatalf("Probe opens %T", a.Current())
	}
	must(repo.Put(context.Background(), f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-10", Score: 50}, false))
	a.Root(TabToday)
	if n := len(a.Current().(*todayScreen).m.Overdue); n != 0 {
		t.Fatalf("a probe 7 days ago is not overdue, got %d", n)
	}
	// A session starts without the inactive student and with the missing one.
	test.Tap(a.Current().(*todayScreen).start[sc.group])
	s := a.Current().(*sessionScreen)
	if len(s.m.s.Attendance) != 5 || s.students[4].name.Text != "Student not synced yet · Present" {
		t.Fatalf("attendance %d, last %q", len(s.m.s.Attendance), s.students[4].name.Text)
	}
	// Today offers to resume it.
	a.Root(TabToday)
	if got := a.Current().(*todayScreen).start[sc.group].Text; got != "Resume session" {
		t.Fatalf("button says %q", got)
	}
}

// TestSyncScreenEnrolsWithACode: an enrolment code stands for user name and
// password (PROTOCOL §13), so none is typed on a shared tablet; the code
// leaves the form after the try (it works once).
func TestSyncScreenEnrolsWithACode(t *testing.T) {
	f := newFixture(t)
	a := f.start(landscape)
	syncNowBackground(f)
	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	for _, e := range []struct {
		entry *widget.Entry
		text  string
	}{{s.server, "https://sync.school.org"}, {s.school, "lincoln"}} {
		test.Tap(e.entry)
		test.Type(e.entry, e.text)
	}
	test.Tap(s.enrol)
	if !strings.Contains(s.enrolErr.Text, "enrolment code") {
		t.Fatalf("no code and no user: %q", s.enrolErr.Text)
	}
	test.Tap(s.code)
	test.Type(s.code, " RUEVU-XKVM5-4HK4Y ")
	test.Tap(s.enrol)
	if len(f.sync.enrolled) != 1 {
		t.Fatalf("enrol calls %+v (error %q)", f.sync.enrolled, s.enrolErr.Text)
	}
	if got := f.sync.enrolled[0]; got.Code != "RUEVU-XKVM5-4HK4Y" || got.Username != "" || got.Password != "" || got.School != "lincoln" {
		t.Fatalf("enrolled with %+v", got)
	}
	if s.code.Text != "" {
		t.Error("the used code stays in the form")
	}
}

// TestSignOutAndErase: erasing asks first and says how many unsent changes
// would be lost; "Keep everything" erases nothing; the notice after an
// erase stays on Today until dismissed.
func TestSignOutAndErase(t *testing.T) {
	f := newFixture(t)
	a := f.start(landscape)
	syncNowBackground(f)
	a.SetSyncState(SyncState{Enrolled: true, Pending: 3})
	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	test.Tap(s.erase)
	if !s.eraseAsk || f.sync.erased != 0 {
		t.Fatalf("the first tap erased (asked=%v, erased %d)", s.eraseAsk, f.sync.erased)
	}
	if q := eraseQuestion(3); !strings.HasPrefix(q, "3 changes on this tablet have not been sent") {
		t.Errorf("question %q", q)
	}
	if q := eraseQuestion(1); !strings.HasPrefix(q, "1 change on this tablet has not been sent") {
		t.Errorf("question %q", q)
	}
	test.Tap(s.eraseNo)
	if s.eraseAsk || f.sync.erased != 0 {
		t.Fatal("Keep everything erased")
	}
	test.Tap(s.erase)
	test.Tap(s.eraseYes)
	if f.sync.erased != 1 {
		t.Fatalf("erase calls %d", f.sync.erased)
	}

	a.Notice("Your school's administrator erased this tablet remotely.")
	a.Root(TabToday)
	today := a.Current().(*todayScreen)
	if today.dismiss == nil {
		t.Fatal("no notice on Today")
	}
	a.Root(TabSync)
	a.Root(TabToday)
	today = a.Current().(*todayScreen)
	if today.dismiss == nil {
		t.Fatal("the notice went away with a tap elsewhere")
	}
	test.Tap(today.dismiss)
	if today.dismiss != nil && a.notice != "" {
		t.Fatal("Got it does not dismiss the notice")
	}
}
