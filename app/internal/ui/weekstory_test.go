package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"smallwins/shared/record"
)

// TestAWeekWithMistakesFixed: the "done when" of ADR 0620 and 0621, on one tablet: a
// week of sessions (one cancelled), a probe typed wrong and fixed, an
// attendance mistake corrected after the fact; My week, the student's
// attendance and the probe list then tell the truth.
func TestAWeekWithMistakesFixed(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(portrait)

	// Monday: a session, Ben marked absent by mistake.
	mon := runSession(t, f, a, sc.group)
	// Tuesday: cancelled, with a reason.
	f.clk.t = f.clk.t.AddDate(0, 0, 1)
	a.Root(TabToday)
	test.Tap(a.Current().(*todayScreen).start[sc.group])
	s := a.Current().(*sessionScreen)
	test.Tap(s.cancel)
	test.Tap(s.popNote)
	test.Type(s.popNote, "assembly")
	test.Tap(s.popConfirm)
	// Wednesday: Ava's probe, typed 85 instead of 58.
	f.clk.t = f.clk.t.AddDate(0, 0, 1)
	a.Root(TabStudents)
	test.Tap(a.Current().(*studentsScreen).open[sc.students[0]])
	st := a.Current().(*studentScreen)
	test.Tap(st.probe)
	p := a.Current().(*probeScreen)
	test.Tap(p.score)
	test.Type(p.score, "85")
	test.Tap(p.save)
	a.Back()
	var probeID string
	for id := range st.probeRows {
		probeID = id
	}
	test.Tap(st.probeRows[probeID])
	e := a.Current().(*probeEdit)
	retype(e.score, "58")
	test.Tap(e.Save)
	if got := mustGet[record.Probe](f.store, probeID).Data.Score; got != 58 {
		t.Fatalf("the fixed probe reads %v", got)
	}
	if rows := len(st.probeRows); rows != 1 || !strings.Contains(st.probeRows[probeID].Text, "58") {
		t.Fatalf("probe rows %d, %q", rows, st.probeRows[probeID].Text)
	}

	// Thursday: Ben was there on Monday after all. From My week.
	f.clk.t = f.clk.t.AddDate(0, 0, 1)
	a.Root(TabToday)
	test.Tap(a.Current().(*todayScreen).week)
	w := a.Current().(*weekScreen)
	if w.m.Delivered != 1 || w.m.Cancelled != 1 || w.m.Missed != 1 || w.m.ToCome != 3 {
		t.Fatalf("the week: %d delivered, %d cancelled, %d not recorded, %d to come", w.m.Delivered, w.m.Cancelled, w.m.Missed, w.m.ToCome)
	}
	test.Tap(w.rows[mon.m.id])
	ms := a.Current().(*sessionScreen)
	test.Tap(ms.reopen)
	test.Tap(ms.students[1].name) // absent → late
	test.Tap(ms.students[1].name) // late → left early
	test.Tap(ms.students[1].name) // → present
	a.Back()
	if _, ok := a.Current().(*weekScreen); !ok {
		t.Fatalf("back from the session: %T", a.Current())
	}
	if txt := w.rows[mon.m.id].Text; !strings.Contains(txt, "5 of 5 attended") {
		t.Fatalf("Monday now reads %q", txt)
	}
	a.push(newAttendanceScreen(a, sc.students[1]))
	as := a.Current().(*attendanceScreen)
	if as.sum.Text != "Attended 1 of 1 delivered sessions" || !strings.Contains(as.list.Text, "Mon 17 Mar · Bluebirds · Present, 30 min") {
		t.Fatalf("Ben's attendance: %q / %q", as.sum.Text, as.list.Text)
	}
}
