package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// TestOneUnsentCountEverywhere: after every save the header, Today and the
// Sync screen say the outbox's count as of now; the header never says
// "Synced just now" while a change waits (it stayed at "1 waiting" in a
// session while Today said 2, and said "Synced just now" on the student
// and probe screens with changes waiting).
func TestOneUnsentCountEverywhere(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	f.sync.enrolment = Enrolment{Enrolled: true, ServerURL: "https://sync", Username: "ana", UserID: "u1"}
	f.sync.countPending = f.store.PendingCount
	a := f.start(landscape)
	a.SetSyncState(SyncState{Enrolled: true, LastSuccess: f.clk.now()})
	want := func(where string) {
		t.Helper()
		n := must(f.store.PendingCount())
		if got := a.SyncGlance(); got != fmt.Sprintf("%d waiting", n) {
			t.Errorf("%s: the header says %q with %d waiting", where, got, n)
		}
	}
	want("Today")
	s := newStudentScreen(a, sc.students[0])
	a.push(s)
	test.Type(s.noteEntry, "reads well")
	test.Tap(s.noteSave)
	want("after a note on the student page")

	a.Root(TabToday)
	test.Tap(a.Current().(*todayScreen).start[sc.group])
	ss := a.Current().(*sessionScreen)
	ss.tapAttendance(0)
	want("after a tap in the session")
	ss.tapStep(0, record.StepDone)
	want("after a step in the session")
	header := a.SyncGlance()
	a.Root(TabToday)
	if text := screenText(f.win); !strings.Contains(text, "Sync: "+header) {
		t.Errorf("Today does not say the session's %q:\n%s", header, text)
	}
	a.Root(TabSync)
	n := must(f.store.PendingCount())
	if text := screenText(f.win); !strings.Contains(text, fmt.Sprintf("%d changes are saved on this tablet", n)) {
		t.Errorf("the Sync screen does not say %d:\n%s", n, text)
	}
}

// TestSessionSummaryDropsTheNoteMessage: "Note saved for Ava Martinez." is
// about the running session; it goes when the summary replaces it.
func TestSessionSummaryDropsTheNoteMessage(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(landscape)
	test.Tap(a.Current().(*todayScreen).start[sc.group])
	s := a.Current().(*sessionScreen)
	s.openStudent(0)
	test.Type(s.popNote, "guessing at -ing words")
	test.Tap(s.popSave)
	if a.Message() != "Note saved for Ava Martinez." {
		t.Fatalf("message %q", a.Message())
	}
	f.clk.add(20 * time.Minute)
	s.tapFinish()
	if m := a.Message(); m != "" {
		t.Errorf("the summary still says %q", m)
	}
}

// ticker is a Config.Tick the test fires by hand.
type ticker struct{ ticks []*tick }

type tick struct {
	d       time.Duration
	f       func()
	stopped bool
}

func (tk *ticker) Tick(d time.Duration, f func()) func() {
	t := &tick{d: d, f: f}
	tk.ticks = append(tk.ticks, t)
	return func() { t.stopped = true }
}

// after fires every running tick of at most d, as if d had passed.
func (tk *ticker) after(d time.Duration) {
	for _, t := range append([]*tick(nil), tk.ticks...) {
		if !t.stopped && t.d <= d {
			t.f()
		}
	}
}

// startTicking is fixture.start with a hand-fired ticker.
func (f *fixture) startTicking(size fyne.Size) (*App, *ticker) {
	tk := &ticker{}
	w := test.NewWindow(nil)
	f.win = w
	f.t.Cleanup(w.Close)
	w.Resize(size)
	f.app = New(w, Config{Records: f.rec, Sync: f.sync, Now: f.clk.now, Background: inline, Tick: tk.Tick})
	f.app.Start()
	return f.app, tk
}

// TestSavedDoesNotLinger: "Saved." goes by itself after a while, and never
// sits beside "Undone.".
func TestSavedDoesNotLinger(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a, tk := f.startTicking(landscape)
	a.push(newStudentScreen(a, sc.students[0]))
	a.push(newStudentForm(a, sc.students[0]))
	test.Tap(a.Current().(*formScreen).Save)
	if a.Message() != "Saved." {
		t.Fatalf("message %q", a.Message())
	}
	tk.after(time.Minute)
	if m := a.Message(); m != "" {
		t.Errorf("a minute later the status line still says %q", m)
	}

	p := must(repo.Put(context.Background(), f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-10", Score: 50}, false))
	a.push(newProbeEdit(a, p.ID))
	e := a.Current().(*probeEdit)
	e.score.SetText("52")
	test.Tap(e.Save)
	test.Tap(a.undo.undo)
	if a.UndoText() != "Undone." {
		t.Fatalf("undo bar %q", a.UndoText())
	}
	if m := a.Message(); m == "Saved." {
		t.Errorf("%q beside %q", m, a.UndoText())
	}
}
