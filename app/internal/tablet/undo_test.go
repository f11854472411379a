package tablet

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/repo"
	"smallwins/app/internal/ui"
	"smallwins/shared/record"
)

// tapDrawn taps, as a finger does, the first control drawn in the window
// whose text contains label: in the pop-ups first (they are on top), then
// in the content. Only what the window draws can be tapped: a control
// that exists but is not on the window (the undo bar of issue 22) is not
// found.
func tapDrawn(t *testing.T, w fyne.Window, label string) {
	t.Helper()
	ov := w.Canvas().Overlays().List()
	for i := len(ov) - 1; i >= 0; i-- { // the top-most pop-up first
		if tapIn(ov[i], label) {
			return
		}
	}
	if tapIn(w.Content(), label) {
		return
	}
	t.Fatalf("nothing drawn says %q", label)
}

// tapIn taps the first visible tappable widget under root whose drawn text
// contains label (the innermost one).
func tapIn(root fyne.CanvasObject, label string) bool {
	var found fyne.Tappable
	var says func(o fyne.CanvasObject) bool
	says = func(o fyne.CanvasObject) bool {
		if o == nil || !o.Visible() {
			return false
		}
		if tx, ok := o.(*canvas.Text); ok {
			return strings.Contains(tx.Text, label)
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				if says(x) {
					return true
				}
			}
			return false
		}
		if wd, ok := o.(fyne.Widget); ok {
			for _, x := range test.WidgetRenderer(wd).Objects() {
				if says(x) {
					return true
				}
			}
		}
		return false
	}
	// The innermost match: a pop-up or a card that holds the button says
	// its text too.
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || o == nil || !o.Visible() {
			return
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				walk(x)
			}
			return
		}
		wd, ok := o.(fyne.Widget)
		if !ok {
			return
		}
		for _, x := range test.WidgetRenderer(wd).Objects() {
			walk(x)
		}
		if tp, ok := o.(fyne.Tappable); ok && found == nil && says(o) {
			found = tp
		}
	}
	walk(root)
	if found == nil {
		return false
	}
	test.Tap(found)
	return true
}

// TestUndoAfterUnlock drives the tablet as a person does, through the real
// lock screen: choose a PIN, lock, unlock, delete a note, undo; run and
// finish a session, delete it (asked once, in words that say what goes),
// lock and unlock, undo. Issue 22: after an unlock the window showed the
// screens without their undo layer, and no deletion offered Undo.
func TestUndoAfterUnlock(t *testing.T) {
	app := test.NewTempApp(t)
	clk := &fakeClock{t: time.Date(2025, 3, 17, 9, 55, 0, 0, time.Local)} // a Monday
	tb, err := Open(app, testConfig(Config{DataDir: t.TempDir(), NoSyncLoop: true, Now: clk.Now}))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { tb.Close(); tb.Window.Close() }()
	tb.Window.Resize(fyne.NewSize(1280, 800))
	choosePIN(t, tb, testPIN)
	ctx := context.Background()
	st, err := repo.Put(ctx, tb.Store, "", record.Student{GivenName: "Zephyrine", FamilyName: "Quillfeather", Grade: "2"}, false)
	if err != nil {
		t.Fatal(err)
	}
	note, err := repo.Put(ctx, tb.Store, "", record.Note{StudentID: st.ID, AuthorID: "device:" + tb.Store.DeviceID(),
		Body: "Reads the -ing words aloud first", Category: record.NoteAcademic}, false)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := repo.Put(ctx, tb.Store, "", record.Program{Name: "Phonics", Area: record.AreaReading,
		Steps: []record.Step{{ID: "s1", Text: "Review"}}, SessionsPerWeek: 4, MinutesPerSession: 30}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Put(ctx, tb.Store, "", record.Group{Name: "Bluebirds", ProgramID: prog.ID, StudentIDs: []string{st.ID},
		Schedule: []record.ScheduleSlot{{Weekday: 1, Start: "10:00"}}}, false); err != nil {
		t.Fatal(err)
	}

	tb.LockNow()
	if !enterPIN(tb, testPIN) {
		t.Fatalf("the PIN did not unlock: %q", tb.Lock.Message())
	}

	// A note deleted after the unlock offers Undo, drawn in the window.
	tb.UI.Root(ui.TabStudents)
	tapDrawn(t, tb.Window, "Zephyrine Quillfeather")
	tapDrawn(t, tb.Window, "Reads the -ing words")
	tapDrawn(t, tb.Window, "Delete note")
	if _, err := tb.Store.Get(note.ID); err == nil {
		t.Fatal("the note was not deleted")
	}
	if !strings.Contains(drawn(tb.Window), "Note deleted.") {
		t.Fatalf("no undo bar in the window after the unlock: %q", tb.UI.UndoText())
	}
	tapDrawn(t, tb.Window, "Undo")
	if got, err := tb.Store.Get(note.ID); err != nil || got.Deleted {
		t.Fatalf("the note is not back: %v", err)
	}

	// A whole session: asked once, then Undo after a lock and an unlock.
	tb.UI.Root(ui.TabToday)
	tapDrawn(t, tb.Window, "Start session")
	clk.Add(30 * time.Minute)
	tapDrawn(t, tb.Window, "Finish session")
	sessions, _ := tb.Store.List(record.TypeSession)
	if len(sessions) != 1 {
		t.Fatalf("%d sessions", len(sessions))
	}
	id := sessions[0].ID
	tapDrawn(t, tb.Window, "Delete session")
	q := tb.UI.Question()
	if !strings.Contains(q, "Bluebirds session") || !strings.Contains(q, "attendance of 1 student") {
		t.Fatalf("the question says %q", q)
	}
	if _, err := tb.Store.Get(id); err != nil {
		t.Fatal("deleted before the answer")
	}
	tapDrawn(t, tb.Window, "Delete session") // the question's button: pop-ups come first
	if _, err := tb.Store.Get(id); err == nil {
		t.Fatal("the session was not deleted")
	}
	tb.LockNow()
	if strings.Contains(drawn(tb.Window), "deleted") {
		t.Fatal("the undo bar shows over the lock screen")
	}
	if !enterPIN(tb, testPIN) {
		t.Fatal(tb.Lock.Message())
	}
	tapDrawn(t, tb.Window, "Undo")
	if got, err := tb.Store.Get(id); err != nil || got.Deleted {
		t.Fatalf("the session is not back: %v", err)
	}
}
