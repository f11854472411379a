package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/shared/record"
)

// positions are the absolute positions and sizes of objs on the canvas,
// after a layout pass of the whole window, as the driver makes one on the
// next frame when a size changed.
func positions(objs map[string]fyne.CanvasObject) map[string]string {
	d := fyne.CurrentApp().Driver()
	for _, o := range objs {
		if c := d.CanvasForObject(o); c != nil {
			c.Content().Refresh()
			break
		}
	}
	out := map[string]string{}
	for name, o := range objs {
		out[name] = fmt.Sprint(d.AbsolutePositionForObject(o), o.Size())
	}
	return out
}

func samePositions(t *testing.T, when string, before, after map[string]string) {
	t.Helper()
	for name, p := range before {
		if after[name] != p {
			t.Errorf("%s: %s moved from %s to %s", when, name, p, after[name])
		}
	}
}

// controls are every button and entry of the window, by a name that stays
// the same while the screen does.
func controls(w fyne.Window) map[string]fyne.CanvasObject {
	out := map[string]fyne.CanvasObject{}
	for i, o := range test.LaidOutObjects(w.Canvas().Content()) {
		switch v := o.(type) {
		case *Button:
			out[fmt.Sprintf("button %d %q", i, v.Text)] = v
		case *widget.Entry:
			out[fmt.Sprintf("entry %d", i)] = v
		}
	}
	return out
}

// TestMessagesNeverMoveTheLayout: a message, a warning and a long message
// shown and cleared leave every button and entry where it was, on every
// screen (the five tabs, a student, a probe, a running session, a team
// decision), in landscape and portrait (issue 16: the session screen moved
// ~55 px).
func TestMessagesNeverMoveTheLayout(t *testing.T) {
	for _, size := range []fyne.Size{landscape, portrait} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			f := newFixture(t)
			sc := seedSchool(t, f.store)
			worked51(t, f, sc.students[0], 10)
			a := f.start(size)
			screens := []struct {
				name string
				open func()
			}{
				{"today", func() { a.Root(TabToday) }},
				{"students", func() { a.Root(TabStudents) }},
				{"cico", func() { a.Root(TabCICO) }},
				{"setup", func() { a.Root(TabSetup) }},
				{"sync", func() { a.Root(TabSync) }},
				{"student", func() { a.Root(TabToday); a.push(newStudentScreen(a, sc.students[0])) }},
				{"decision", func() { a.push(newDecisionForm(a, sc.students[0], sc.goal, record.DecisionContinue, "reason")) }},
				{"probe", func() { a.Root(TabToday); a.push(newProbeScreen(a, sc.students[0])) }},
				{"session", func() { a.Root(TabToday); test.Tap(a.Current().(*todayScreen).start[sc.group]) }},
			}
			for _, s := range screens {
				s.open()
				objs := controls(f.win)
				if len(objs) < 3 {
					t.Fatalf("%s: only %d controls found", s.name, len(objs))
				}
				before := positions(objs)
				a.say("Session note saved.")
				samePositions(t, s.name+" after a message", before, positions(objs))
				a.warn("Not saved: " + strings.Repeat("a long reason that would wrap onto a second and third line ", 4))
				samePositions(t, s.name+" after a long warning", before, positions(objs))
				a.clearMessage()
				samePositions(t, s.name+" after the message went", before, positions(objs))
			}
		})
	}
}

// TestSessionPortraitOneScroller: in portrait the attendance, the session
// note with its Save button and the checklist scroll as one page, so "Save
// note" is never cut off in a pane of half the height behind the bottom bar.
func TestSessionPortraitOneScroller(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(portrait)
	test.Tap(a.Current().(*todayScreen).start[sc.group])
	s := a.Current().(*sessionScreen)
	var holding []*container.Scroll
	for _, o := range test.LaidOutObjects(f.win.Canvas().Content()) {
		sc, ok := o.(*container.Scroll)
		if !ok {
			continue
		}
		in := map[fyne.CanvasObject]bool{}
		for _, c := range test.LaidOutObjects(sc.Content) {
			in[c] = true
		}
		if in[s.saveNote] {
			holding = append(holding, sc)
			if !in[s.steps[7].done] || !in[s.students[0].name] {
				t.Fatal("in portrait, Save note scrolls apart from the attendance or the checklist")
			}
		}
	}
	if len(holding) == 0 {
		t.Fatal("Save note is in no scroller")
	}
	// The one scroller fits in the body, which ends above the bottom bar:
	// scrolled to the end, the last step is in sight.
	sc0 := holding[len(holding)-1]
	d := fyne.CurrentApp().Driver()
	bodyBottom := d.AbsolutePositionForObject(a.body).Y + a.body.Size().Height
	if nav := d.AbsolutePositionForObject(a.nav[0]).Y; bodyBottom > nav || sc0.Size().Height > a.body.Size().Height {
		t.Fatalf("the scroller (%v tall) or the body (ending at %v) runs under the bottom bar at %v", sc0.Size().Height, bodyBottom, nav)
	}
	// Turned to landscape, the panes sit side by side again.
	f.win.Resize(landscape)
	if x0, x1 := d.AbsolutePositionForObject(s.saveNote).X, d.AbsolutePositionForObject(s.steps[0].done).X; x1 <= x0+s.saveNote.Size().Width/2 {
		t.Fatalf("landscape: checklist at x=%v not beside the note at x=%v", x1, x0)
	}
}

// TestMessagesClearWhenUntrue: "will be sent" goes once nothing waits,
// "Saved." goes when a sync redraws the screen, and the attendance hint
// stops saying everyone is present once someone is not.
func TestMessagesClearWhenUntrue(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.start(landscape)

	a.sayUntilSent("Your version is restored; it will be sent at the next sync.")
	a.SetSyncState(SyncState{Enrolled: true, Syncing: true, Pending: 1})
	a.SetSyncState(SyncState{Enrolled: true, Pending: 1, Err: "Cannot reach the server."})
	if a.Message() == "" {
		t.Fatal("the restore message went while the version still waits")
	}
	a.DataChanged()
	if a.Message() == "" {
		t.Fatal("a redraw cleared a message that is still true")
	}
	a.SetSyncState(SyncState{Enrolled: true, Pending: 0, LastSuccess: f.clk.t})
	if a.Message() != "" {
		t.Fatalf("after the sync sent it, the status line still says %q", a.Message())
	}

	a.say("Saved.")
	a.DataChanged()
	if a.Message() != "" {
		t.Fatalf("after new data redrew the screen, it still says %q", a.Message())
	}

	test.Tap(a.Current().(*todayScreen).start[sc.group])
	s := a.Current().(*sessionScreen)
	if !strings.HasPrefix(s.attHint.Text, "Everyone is present.") {
		t.Fatalf("hint %q", s.attHint.Text)
	}
	test.Tap(s.students[1].name) // absent
	if strings.Contains(s.attHint.Text, "Everyone") || !strings.HasPrefix(s.attHint.Text, "4 of 5 attended.") {
		t.Fatalf("after marking someone absent the hint says %q", s.attHint.Text)
	}
	if s.m.s.Attendance[1].Status != record.Absent {
		t.Fatal("absent not recorded")
	}
}
