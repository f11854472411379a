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

// runSession runs one session of the group from Today: Ben absent, Chloe
// late at minute 4, every step done, finished after 30 minutes.
func runSession(t *testing.T, f *fixture, a *App, group string) *sessionScreen {
	t.Helper()
	a.Root(TabToday)
	test.Tap(a.Current().(*todayScreen).start[group])
	s := a.Current().(*sessionScreen)
	test.Tap(s.students[1].name)
	f.clk.add(4 * time.Minute)
	test.Tap(s.students[2].name)
	test.Tap(s.students[2].name)
	for _, r := range s.steps {
		test.Tap(r.done)
	}
	f.clk.add(26 * time.Minute)
	test.Tap(s.finish)
	return s
}

// TestReopenFinishedSessionCorrectsAndUndoes: a delivered session is
// reopened, one attendance is corrected, leaving the screen saves it
// delivered again with the same minutes (late minutes unchanged); the undo
// bar puts back the version from before; Delete tombstones it, with undo.
func TestReopenFinishedSessionCorrectsAndUndoes(t *testing.T) {
	f := newFixture(t)
	clockedStore(t, f)
	sc := seedSchool(t, f.store)
	a := f.startLocked(landscape)
	s := runSession(t, f, a, sc.group)
	id := s.m.id
	before := mustGet[record.Session](f.store, id)
	if before.Data.Status != record.SessionDelivered {
		t.Fatalf("status %s", before.Data.Status)
	}
	f.clk.add(2 * time.Hour) // corrected later in the day

	test.Tap(s.reopen)
	if got := mustGet[record.Session](f.store, id).Data.Status; got != record.SessionInProgress {
		t.Fatalf("reopened status %s", got)
	}
	if !s.running.Visible() || !strings.Contains(s.timer.Text, "Correcting") {
		t.Fatalf("reopened screen: running %v, timer %q", s.running.Visible(), s.timer.Text)
	}
	test.Tap(s.students[1].name) // Ben was there after all: absent → late
	test.Tap(s.students[1].name) // late → left early
	test.Tap(s.students[1].name) // left early → present
	test.Tap(s.finish)           // finishing again: the session's 30 minutes, not the hours since it started
	a.Back()
	after := mustGet[record.Session](f.store, id)
	if after.Data.Status != record.SessionDelivered || after.Data.Minutes != 30 {
		t.Fatalf("after correcting: %s, %v min", after.Data.Status, after.Data.Minutes)
	}
	for _, at := range after.Data.Attendance {
		switch at.StudentID {
		case sc.students[1]:
			if at.Status != record.Present {
				t.Errorf("Ben %s, want present", at.Status)
			}
		case sc.students[2]:
			if at.Status != record.Late || at.Minutes == nil || *at.Minutes != 26 {
				t.Errorf("Chloe %s %v, want late with 26 minutes as before", at.Status, at.Minutes)
			}
		}
	}
	if !strings.Contains(a.UndoText(), "Corrections saved") {
		t.Fatalf("undo bar %q", a.UndoText())
	}
	f.tapUndo()
	restored := mustGet[record.Session](f.store, id)
	if string(restored.Data.Attendance[1].Status) != record.Absent || restored.Data.Status != record.SessionDelivered || restored.HLC <= after.HLC {
		t.Fatalf("undo restored %+v (hlc %s after %s)", restored.Data.Attendance[1], restored.HLC, after.HLC)
	}

	// Delete from the week view's row, then undo.
	w := newWeekScreen(a)
	a.push(w)
	if !strings.Contains(w.rows[id].Text, "corrected") {
		t.Fatalf("the corrected session's row: %q", w.rows[id].Text)
	}
	test.Tap(w.rows[id])
	s2 := a.Current().(*sessionScreen)
	// A whole session's taps: asked once, saying what goes (issue 22).
	test.Tap(s2.deleteBtn)
	q := a.Question()
	for _, says := range []string{"Bluebirds session of " + prettyDate(after.Data.Date), "attendance of 5 students", "30 minutes delivered", "Notes written about the students stay"} {
		if !strings.Contains(q, says) {
			t.Errorf("the question %q does not say %q", q, says)
		}
	}
	if _, err := f.store.Get(id); err != nil {
		t.Fatal("deleted before the answer")
	}
	test.Tap(a.question.no)
	if a.Question() != "" || a.Current() != s2 {
		t.Fatalf("Keep it: question %q, screen %T", a.Question(), a.Current())
	}
	if _, err := f.store.Get(id); err != nil {
		t.Fatal("deleted after Keep it")
	}
	test.Tap(s2.deleteBtn)
	test.Tap(a.question.yes)
	if _, err := f.store.Get(id); err == nil {
		t.Fatal("deleted session still live")
	}
	if a.Current() != w || w.rows[id] != nil {
		t.Fatalf("after the delete: screen %T, row still there %v", a.Current(), w.rows[id] != nil)
	}
	f.relock() // the tablet locks before the undo: the bar is still there after the PIN
	f.tapUndo()
	if got := mustGet[record.Session](f.store, id).Data; got.Status != record.SessionDelivered || w.rows[id] == nil {
		t.Fatalf("undo of the delete: %s", got.Status)
	}
}

// TestWeekViewShowsDeliveredCancelledAndToCome: my week, from Monday to
// Friday, with a time per weekday; navigation between weeks; each group's
// history and each student's attendance.
func TestWeekViewShowsDeliveredCancelledAndToCome(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ctx := context.Background()
	// Bluebirds: Monday 10:00, Tuesday 08:15, Wednesday 13:30, Thursday and
	// Friday 10:00 (each weekday its own time).
	g := mustGet[record.Group](f.store, sc.group).Data
	g.Schedule[1].Start, g.Schedule[2].Start = "08:15", "13:30"
	must(repo.Put(ctx, f.store, sc.group, g, false))
	// Last week: Tuesday delivered, Wednesday cancelled, nothing else.
	mk := func(date, status string) string {
		s := record.Session{GroupID: sc.group, ProgramID: sc.program, Date: date, Status: status,
			Attendance: []record.Attendance{{StudentID: sc.students[0], Status: record.Present}, {StudentID: sc.students[1], Status: record.Absent, Minutes: ptr(0.0)}},
			Fidelity:   []record.StepMark{{StepID: "s1", Status: record.StepDone}}}
		if status == record.SessionDelivered {
			s.Minutes = 30
		} else {
			s.CancelReason = "assembly"
		}
		return must(repo.Put(ctx, f.store, "", s, false)).ID
	}
	tue := mk("2025-03-11", record.SessionDelivered)
	wed := mk("2025-03-12", record.SessionCancelled)
	f.clk.t = time.Date(2025, 3, 19, 9, 0, 0, 0, time.Local) // Wednesday of this week
	a := f.start(landscape)
	test.Tap(a.Current().(*todayScreen).week)
	w, ok := a.Current().(*weekScreen)
	if !ok {
		t.Fatalf("My week opened %T", a.Current())
	}
	// This week: Monday and Tuesday passed with nothing recorded, today and
	// after to come (Owls on Saturday too), at each day's own time.
	if w.m.ToCome != 4 || w.m.Missed != 2 || w.m.Delivered != 0 {
		t.Fatalf("this week: %+v", w.m)
	}
	wedItem := w.m.Days[2].Items[0]
	if wedItem.Start != "13:30" || wedItem.State != weekToCome {
		t.Fatalf("Wednesday: %+v", wedItem)
	}
	if it := w.m.Days[1].Items[0]; it.Start != "08:15" || it.State != weekNotRecorded {
		t.Fatalf("Tuesday: %+v", it)
	}
	if !w.this.Disabled() {
		t.Fatal("This week is enabled on this week")
	}
	test.Tap(w.prev)
	if w.m.Monday.String() != "2025-03-10" || w.m.Delivered != 1 || w.m.Cancelled != 1 || w.m.Missed != 4 || w.m.ToCome != 0 {
		t.Fatalf("last week: %+v", w.m)
	}
	if txt := w.rows[tue].Text; !strings.Contains(txt, "08:15") || !strings.Contains(txt, "Delivered · 30 min · 1 of 2 attended") || !strings.HasPrefix(txt, "✓") {
		t.Fatalf("Tuesday row %q", txt)
	}
	if txt := w.rows[wed].Text; !strings.Contains(txt, "Cancelled: assembly") || !strings.HasPrefix(txt, "✕") {
		t.Fatalf("Wednesday row %q", txt)
	}
	test.Tap(w.next)
	test.Tap(w.next)
	if w.m.Monday.String() != "2025-03-24" || w.m.ToCome != 6 {
		t.Fatalf("next week: %+v", w.m)
	}
	test.Tap(w.this)
	if w.m.Monday.String() != "2025-03-17" {
		t.Fatalf("back to this week: %s", w.m.Monday)
	}

	if w.history[sc.group] == nil || w.history[sc.other] == nil {
		t.Fatal("My groups' history does not list both groups")
	}
	// A slot opens the group's history.
	test.Tap(w.rows[sc.group+"/2025-03-19"])
	h, ok := a.Current().(*groupHistory)
	if !ok {
		t.Fatalf("the slot opened %T", a.Current())
	}
	if len(h.rows) != 2 || h.rows[tue] == nil {
		t.Fatalf("history rows %v", h.rows)
	}
	// Counted over the delivered sessions that list the student.
	if got := strings.Join(h.att[:3], "; "); got != "Ava Martinez: 1 of 1; Ben Okafor: 0 of 1; Chloe Nguyen: 0 of 0" {
		t.Fatalf("attended: %q", got)
	}
	test.Tap(h.rows[wed])
	if s, ok := a.Current().(*sessionScreen); !ok || s.finishedHead.Text != "Session cancelled" {
		t.Fatalf("the cancelled session opened %T", a.Current())
	}

	// Each student's attendance history.
	st := newStudentScreen(a, sc.students[1])
	a.push(st)
	test.Tap(st.attendance)
	as := a.Current().(*attendanceScreen)
	if as.sum.Text != "Attended 0 of 1 delivered sessions" || !strings.Contains(as.list.Text, "Tue 11 Mar · Bluebirds · Absent") ||
		!strings.Contains(as.list.Text, "Wed 12 Mar · Bluebirds · session cancelled") {
		t.Fatalf("Ben's attendance: %q / %q", as.sum.Text, as.list.Text)
	}
}

// TestTodayUsesEachWeekdaysTime: a group meeting Monday at 08:30 and
// Wednesday at 13:15 is listed at 08:30 on a Monday; an old record with one
// time for all days still works.
func TestTodayUsesEachWeekdaysTime(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	g := mustGet[record.Group](f.store, sc.group).Data
	g.Schedule = []record.ScheduleSlot{{Weekday: 1, Start: "08:30"}, {Weekday: 3, Start: "13:15"}}
	must(repo.Put(context.Background(), f.store, sc.group, g, false))
	a := f.start(landscape)
	if gs := a.Current().(*todayScreen).m.Groups; len(gs) != 1 || gs[0].Start != "08:30" {
		t.Fatalf("Monday: %+v", gs)
	}
	f.clk.t = f.clk.t.AddDate(0, 0, 2)
	a.Root(TabToday)
	if gs := a.Current().(*todayScreen).m.Groups; len(gs) != 1 || gs[0].Start != "13:15" {
		t.Fatalf("Wednesday: %+v", gs)
	}
	// The group form opens with each day's own time and saves it back.
	a.push(newGroupForm(a, sc.group))
	form := a.Current().(*formScreen)
	for i, want := range []string{"08:30", "", "13:15"} {
		on, at := dayRow(t, form, i)
		if on.Checked != (want != "") || (want != "" && at.Text != want) {
			t.Fatalf("day %d: ticked %v at %q, want %q", i, on.Checked, at.Text, want)
		}
	}
	_, wedAt := dayRow(t, form, 2)
	retype(wedAt, "1:15pm")
	test.Tap(form.Save)
	if !strings.Contains(a.Message(), "Wed") {
		t.Fatalf("a bad time: message %q", a.Message())
	}
	if got := mustGet[record.Group](f.store, sc.group).Data.Schedule; len(got) != 2 || got[1].Start != "13:15" {
		t.Fatalf("a bad time was saved: %+v", got)
	}
}

// TestCorrectingMinutesOfLateAndEarlyStudents: in a reopened session the
// person says how long a late or early-leaving student was with the group
// (no tap time exists afterwards); finishing again stores those minutes.
func TestCorrectingMinutesOfLateAndEarlyStudents(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(landscape)
	s := runSession(t, f, a, sc.group) // Chloe late, 26 of 30 minutes
	f.clk.add(time.Hour)
	test.Tap(s.reopen)
	// Chloe: the form offers her 26 minutes; she was there 20.
	test.Tap(s.students[2].more)
	if s.popReceived == nil || s.popReceived.Text != "26" {
		t.Fatalf("Chloe's minutes row: %v", s.popReceived)
	}
	retype(s.popReceived, "45") // more than the session: refused
	test.Tap(s.popSaveMins)
	if !strings.Contains(a.Message(), "from 0 to 30") {
		t.Fatalf("message %q", a.Message())
	}
	retype(s.popReceived, "20")
	test.Tap(s.popSaveMins)
	// Dev left early: chosen in the pop-up, then his minutes.
	test.Tap(s.students[3].more)
	if s.popReceived != nil {
		t.Fatal("a present student is asked for minutes")
	}
	test.Tap(s.popStatus[record.LeftEarly])
	test.Tap(s.students[3].more)
	retype(s.popReceived, "12")
	test.Tap(s.popSaveMins)
	a.Back()
	got := mustGet[record.Session](f.store, s.m.id).Data
	if got.Status != record.SessionDelivered || got.Minutes != 30 {
		t.Fatalf("session %s %v", got.Status, got.Minutes)
	}
	want := map[string]float64{sc.students[2]: 20, sc.students[3]: 12}
	for _, at := range got.Attendance {
		if w, ok := want[at.StudentID]; ok && (at.Minutes == nil || *at.Minutes != w) {
			t.Errorf("%s: %s %v min, want %v", at.StudentID, at.Status, at.Minutes, w)
		}
	}
}

// TestWeekViewStartsWhenTheGroupWasMade: a group made this Wednesday has no
// "not recorded" Monday and Tuesday.
func TestWeekViewStartsWhenTheGroupWasMade(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	// The group's id says it was made on Wednesday 19 March 2025.
	made := time.Date(2025, 3, 19, 8, 0, 0, 0, time.Local)
	id := v7At(made)
	g := mustGet[record.Group](f.store, sc.group).Data
	must(repo.Put(context.Background(), f.store, id, g, false))
	f.clk.t = time.Date(2025, 3, 21, 9, 0, 0, 0, time.Local) // Friday
	today := record.DateOf(f.clk.t)
	w := loadWeek(f.rec, mondayOf(today), today, anyone)
	var days []string
	for _, d := range w.Days {
		for _, it := range d.Items {
			if it.GroupID == id {
				days = append(days, d.Date.String()+" "+it.State)
			}
		}
	}
	want := []string{"2025-03-19 not_recorded", "2025-03-20 not_recorded", "2025-03-21 to_come"}
	if strings.Join(days, ",") != strings.Join(want, ",") {
		t.Fatalf("the new group's week: %v, want %v", days, want)
	}
}

// v7At is a UUIDv7-shaped id made at t.
func v7At(t time.Time) string {
	ms := t.UnixMilli()
	hex := "0123456789abcdef"
	b := make([]byte, 12)
	for i := 11; i >= 0; i-- {
		b[i] = hex[ms&0xf]
		ms >>= 4
	}
	return string(b[:8]) + "-" + string(b[8:12]) + "-7000-8000-000000000042"
}
