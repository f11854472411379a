package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// retype taps into an entry, clears it and types text, as a person does.
func retype(e *widget.Entry, text string) {
	test.Tap(e)
	e.SetText("")
	test.Type(e, text)
}

// TestProbeTypedWrongIsFixedDeletedAndUndone: a probe typed wrong is opened
// from its row on the student screen, corrected (a new version), the
// correction undone (the old score written back as a newer version), then
// deleted (a tombstone, gone from the list) and the deletion undone.
func TestProbeTypedWrongIsFixedDeletedAndUndone(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ctx := context.Background()
	ava := sc.students[0]
	p := must(repo.Put(ctx, f.store, "", record.Probe{StudentID: ava, Measure: "orf_wcpm", Date: "2025-03-17", Score: 25, Errors: ptr(3.0)}, false))
	a := f.startLocked(landscape)
	st := newStudentScreen(a, ava)
	a.push(st)
	row := st.probeRows[p.ID]
	if row == nil {
		t.Fatal("the probe is not a tappable row")
	}
	test.Tap(row)
	e, ok := a.Current().(*probeEdit)
	if !ok {
		t.Fatalf("tapping the probe opened %T", a.Current())
	}

	// Hostile input: nothing is written, the reason is said.
	for _, bad := range []struct {
		field      *widget.Entry
		text, says string
	}{
		{e.score, "fifty", "score"}, {e.score, "-4", "score"}, {e.date, "2099-01-01", "after today"},
		{e.date, "17/03/2025", "YYYY-MM-DD"}, {e.errs, "2.5", "whole number"},
	} {
		retype(e.score, "52")
		retype(e.date, "2025-03-17")
		retype(e.errs, "3")
		retype(bad.field, bad.text)
		test.Tap(e.Save)
		if got := mustGet[record.Probe](f.store, p.ID); got.HLC != p.HLC {
			t.Fatalf("%q was written", bad.text)
		}
		if !strings.Contains(a.Message(), bad.says) {
			t.Errorf("%q: message %q, want it to mention %q", bad.text, a.Message(), bad.says)
		}
	}

	retype(e.score, "52")
	retype(e.date, "2025-03-14")
	retype(e.errs, "")
	test.Tap(e.Save)
	fixed := mustGet[record.Probe](f.store, p.ID)
	if fixed.Data.Score != 52 || fixed.Data.Date != "2025-03-14" || fixed.Data.Errors != nil || fixed.HLC <= p.HLC {
		t.Fatalf("after the fix: %+v (hlc %s, was %s)", fixed.Data, fixed.HLC, p.HLC)
	}
	if a.Current() != st {
		t.Fatalf("after saving the screen is %T, want the student", a.Current())
	}
	if !strings.Contains(a.UndoText(), "52") {
		t.Fatalf("undo bar %q", a.UndoText())
	}
	f.tapUndo()
	back := mustGet[record.Probe](f.store, p.ID)
	if back.Data.Score != 25 || back.Data.Date != "2025-03-17" || back.Data.Errors == nil || *back.Data.Errors != 3 {
		t.Fatalf("undo wrote %+v, want the probe as first typed", back.Data)
	}
	if back.HLC <= fixed.HLC {
		t.Fatalf("undo is not a new version: %s after %s", back.HLC, fixed.HLC)
	}

	// Delete, then undo the deletion.
	test.Tap(st.probeRows[p.ID])
	e = a.Current().(*probeEdit)
	test.Tap(e.del)
	if _, err := f.store.Get(p.ID); err == nil {
		t.Fatal("the deleted probe is still live")
	}
	if tomb, err := f.store.Version(p.ID); err != nil || !tomb.Deleted {
		t.Fatalf("no tombstone: %+v %v", tomb, err)
	}
	if st.probeRows[p.ID] != nil {
		t.Fatal("the deleted probe is still listed")
	}
	f.tapUndo()
	again := mustGet[record.Probe](f.store, p.ID)
	if again.Data.Score != 25 || st.probeRows[p.ID] == nil {
		t.Fatalf("undo of the delete: %+v, listed %v", again.Data, st.probeRows[p.ID] != nil)
	}
	// Still there after the tablet restarts: the undo is on disk.
	f.kill()
	if got := mustGet[record.Probe](f.store, p.ID); got.Data.Score != 25 {
		t.Fatalf("after a restart: %+v", got.Data)
	}
}

// TestUndoRefusesWhenChangedSince: an undo never overwrites a later change
// (another tap, or a pull from another tablet).
func TestUndoRefusesWhenChangedSince(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ctx := context.Background()
	p := must(repo.Put(ctx, f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-17", Score: 25}, false))
	a := f.startLocked(landscape)
	st := newStudentScreen(a, sc.students[0])
	a.push(st)
	test.Tap(st.probeRows[p.ID])
	e := a.Current().(*probeEdit)
	retype(e.score, "30")
	test.Tap(e.Save)
	later := mustGet[record.Probe](f.store, p.ID).Data
	later.Score = 31
	must(repo.Put(ctx, f.store, p.ID, later, false)) // a later change
	f.tapUndo()
	if got := mustGet[record.Probe](f.store, p.ID).Data.Score; got != 31 {
		t.Fatalf("undo overwrote a later change: score %v", got)
	}
	if !strings.Contains(a.Message(), "changed again") {
		t.Fatalf("message %q", a.Message())
	}
}

// TestUndoBarNeverMovesTheScreen: the undo bar floats above the navigation;
// showing it moves and resizes nothing on the screen.
func TestUndoBarNeverMovesTheScreen(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	p := must(repo.Put(context.Background(), f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-17", Score: 25}, false))
	for _, size := range []fyne.Size{landscape, portrait} {
		a := f.startLocked(size)
		st := newStudentScreen(a, sc.students[0])
		a.push(st)
		d := fyne.CurrentApp().Driver()
		watch := []fyne.CanvasObject{a.body, st.probe, st.probeRows[p.ID], a.nav[0]}
		var before []fyne.Position
		var sizes []fyne.Size
		for _, o := range watch {
			before = append(before, d.AbsolutePositionForObject(o))
			sizes = append(sizes, o.Size())
		}
		a.offerUndo("Probe deleted.", p.ID, "x", nil)
		f.win.Content().Refresh()
		if a.UndoText() == "" {
			t.Fatal("the bar is not shown")
		}
		for i, o := range watch {
			if got := d.AbsolutePositionForObject(o); got != before[i] || o.Size() != sizes[i] {
				t.Errorf("%v: object %d moved from %v %v to %v %v", size, i, before[i], sizes[i], got, o.Size())
			}
		}
		// The bar sits above the navigation, inside the window.
		barPos := d.AbsolutePositionForObject(a.undo.panel)
		if navY := d.AbsolutePositionForObject(a.nav[0]).Y; barPos.Y+a.undo.panel.Size().Height > navY || barPos.Y < 0 {
			t.Errorf("%v: bar at %v (h %v) overlaps the navigation at %v", size, barPos, a.undo.panel.Size().Height, navY)
		}
		test.Tap(a.undo.close)
		if a.UndoText() != "" {
			t.Fatal("✕ did not close the bar")
		}
		f.closeWin()
	}
}

// TestNoteEditKeepsRestriction: my restricted note is corrected and stays
// restricted, its undo too; a colleague's note is not editable here.
func TestNoteEditKeepsRestriction(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ctx := context.Background()
	me := "device:" + f.store.DeviceID()
	mine := must(repo.PutNote(ctx, f.store, "", record.Note{StudentID: sc.students[0], AuthorID: me, Body: "Hearing test on Friday", Category: record.NoteHealth}, false))
	theirs := must(repo.PutNote(ctx, f.store, "", record.Note{StudentID: sc.students[0], AuthorID: "someone-else", Body: "Reads with a finger", Category: record.NoteAcademic}, false))
	a := f.startLocked(landscape)
	st := newStudentScreen(a, sc.students[0])
	a.push(st)
	if st.noteRows[theirs.ID] != nil {
		t.Fatal("a colleague's note is editable")
	}
	test.Tap(st.noteRows[mine.ID])
	e := a.Current().(*noteEdit)
	if !e.private.Checked || !e.private.Disabled() {
		t.Fatal("the restriction can be lifted from the form")
	}
	test.Tap(e.body)
	e.body.SetText("")
	test.Type(e.body, "Hearing test moved to Monday")
	test.Tap(e.Save)
	got, err := f.store.Get(mine.ID)
	if err != nil || !got.Restricted {
		t.Fatalf("edited note restricted=%v (%v)", got.Restricted, err)
	}
	if n := mustGet[record.Note](f.store, mine.ID).Data; n.Body != "Hearing test moved to Monday" || n.AuthorID != me {
		t.Fatalf("note %+v", n)
	}
	f.tapUndo()
	got, _ = f.store.Get(mine.ID)
	if n := mustGet[record.Note](f.store, mine.ID).Data; n.Body != "Hearing test on Friday" || !got.Restricted {
		t.Fatalf("undone note %+v restricted=%v", n, got.Restricted)
	}
	// Empty body: refused, nothing written.
	test.Tap(st.noteRows[mine.ID])
	e = a.Current().(*noteEdit)
	retypeMulti(e.body, "   ")
	test.Tap(e.Save)
	if n := mustGet[record.Note](f.store, mine.ID).Data; n.Body != "Hearing test on Friday" {
		t.Fatalf("an empty note was saved: %+v", n)
	}
	test.Tap(e.del)
	if _, err := f.store.Get(mine.ID); err == nil {
		t.Fatal("deleted note still live")
	}
	f.tapUndo()
	if got, err := f.store.Get(mine.ID); err != nil || !got.Restricted {
		t.Fatalf("restored note restricted=%v (%v)", got.Restricted, err)
	}
}

func retypeMulti(e *widget.Entry, text string) {
	test.Tap(e)
	e.SetText("")
	test.Type(e, text)
}

// TestDecisionEditAndDelete: a team decision is corrected and deleted from
// its row, each undoable, and an edited one says so.
func TestDecisionEditAndDelete(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	ctx := context.Background()
	d := must(repo.Put(ctx, f.store, "", record.Decision{StudentID: sc.students[0], GoalID: sc.goal, Date: "2025-03-17",
		Code: record.DecisionContinue, Rationale: "On track"}, false))
	a := f.startLocked(landscape)
	st := newStudentScreen(a, sc.students[0])
	a.push(st)
	test.Tap(st.decisionRows[d.ID])
	df := a.Current().(*decisionEdit)
	if df.chosen != record.DecisionContinue || df.rationale.Text != "On track" {
		t.Fatalf("form opened with %q %q", df.chosen, df.rationale.Text)
	}
	test.Tap(df.choice[record.DecisionChangeInstruction])
	retypeMulti(df.rationale, "Four points below")
	test.Tap(df.Save)
	got := mustGet[record.Decision](f.store, d.ID).Data
	if got.Code != record.DecisionChangeInstruction || got.Rationale != "Four points below" || got.Date != "2025-03-17" {
		t.Fatalf("decision %+v", got)
	}
	if n := len(repo.ListByRef[record.Decision](f.store, sc.students[0])); n != 1 {
		t.Fatalf("%d decisions: the edit made a new one", n)
	}
	f.tapUndo()
	if got := mustGet[record.Decision](f.store, d.ID).Data; got.Code != record.DecisionContinue {
		t.Fatalf("undo left %q", got.Code)
	}
	test.Tap(st.decisionRows[d.ID])
	test.Tap(a.Current().(*decisionEdit).del)
	if _, err := f.store.Get(d.ID); err == nil || st.decisionRows[d.ID] != nil {
		t.Fatal("the deleted decision is still there")
	}
	f.tapUndo()
	if got := mustGet[record.Decision](f.store, d.ID).Data; got.Code != record.DecisionContinue || st.decisionRows[d.ID] == nil {
		t.Fatalf("undo of the delete: %+v", got)
	}
}

// TestEditedIsShown: a record written again more than a minute after it
// was made (its UUIDv7 id against its HLC) says "edited"; one just made
// does not.
func TestEditedIsShown(t *testing.T) {
	id := "0195a2b4-c000-7000-8000-000000000001" // made at 0x0195a2b4c000 ms
	created, ok := uuidV7Time(id)
	if !ok {
		t.Fatal("no time in a UUIDv7")
	}
	stamp := func(after int64) string {
		return pad13(created.UnixMilli()+after) + "-00000-0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00"
	}
	if editedNote(id, stamp(2000)) != "" || editedNote(id, stamp(4*60_000)) != "" {
		t.Fatal("a save seconds (or an HLC running minutes ahead) after creation shows as edited")
	}
	if editedNote(id, stamp(400*24*3_600_000)) != "" {
		t.Fatal("an id whose time is years off is believed")
	}
	if got := editedNote(id, stamp(3_600_000)); !strings.Contains(got, "edited") {
		t.Fatalf("an edit an hour later shows %q", got)
	}
	if editedNote("not-an-id", stamp(3_600_000)) != "" || editedNote(id, "garbage") != "" {
		t.Fatal("unreadable ids or HLCs must not say edited")
	}
}

func pad13(v int64) string {
	s := strings.Repeat("0", 13) + itoa(v)
	return s[len(s)-13:]
}

func itoa(v int64) string { return fmtNum(float64(v)) }

// TestCorrectedProbeKeepsItsHistory: a probe corrected the next day shows,
// on its form, what was first typed (the tablet keeps the replaced version,
// ADR 0620); the row says it was edited.
func TestCorrectedProbeKeepsItsHistory(t *testing.T) {
	f := newFixture(t)
	clockedStore(t, f)
	sc := seedSchool(t, f.store)
	p := must(repo.Put(context.Background(), f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-17", Score: 25, Errors: ptr(3.0)}, false))
	f.clk.add(24 * time.Hour)
	a := f.start(landscape)
	st := newStudentScreen(a, sc.students[0])
	a.push(st)
	test.Tap(st.probeRows[p.ID])
	e := a.Current().(*probeEdit)
	retype(e.score, "52")
	test.Tap(e.Save)
	if !strings.Contains(st.probeRows[p.ID].Text, "52") {
		t.Fatalf("row %q", st.probeRows[p.ID].Text)
	}
	test.Tap(st.probeRows[p.ID])
	e = a.Current().(*probeEdit)
	var hist string
	for _, o := range e.extra {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "Earlier versions") {
			hist = l.Text
		}
	}
	if !strings.Contains(hist, "Oral reading fluency 25 · 3 errors") || !strings.Contains(hist, "saved Mon 17 Mar") {
		t.Fatalf("history on the form: %q", hist)
	}
}

// TestUndoSaysUndoneInTheBar: the result of an undo is said in the bar,
// not in a message that would move the screen; Undo is not offered twice.
func TestUndoSaysUndoneInTheBar(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	p := must(repo.Put(context.Background(), f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-17", Score: 25}, false))
	a := f.startLocked(landscape)
	st := newStudentScreen(a, sc.students[0])
	a.push(st)
	test.Tap(st.probeRows[p.ID])
	test.Tap(a.Current().(*probeEdit).del)
	f.tapUndo()
	if a.UndoText() != "Undone." || a.undo.undo.Visible() {
		t.Fatalf("after undo the bar says %q, Undo visible %v", a.UndoText(), a.undo.undo.Visible())
	}
	if a.Message() == "Undone." {
		t.Fatal("the undo was said under the header (it moves the screen)")
	}
	test.Tap(a.undo.undo) // a second tap does nothing
	if got := mustGet[record.Probe](f.store, p.ID); got.Data.Score != 25 {
		t.Fatalf("probe %+v", got.Data)
	}
}

// TestRowsOpenFromTheKeyboard: a saved record's row takes the focus (Tab)
// and opens with Enter, as a button does.
func TestRowsOpenFromTheKeyboard(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	p := must(repo.Put(context.Background(), f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-17", Score: 25}, false))
	a := f.start(landscape)
	st := newStudentScreen(a, sc.students[0])
	a.push(st)
	row := st.probeRows[p.ID]
	f.win.Canvas().Focus(row)
	if !row.TextStyle.Underline {
		t.Fatal("the focused row does not show its focus")
	}
	row.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if _, ok := a.Current().(*probeEdit); !ok {
		t.Fatalf("Enter on the row opened %T", a.Current())
	}
}

// clockedStore reopens the fixture's store stamping versions with the test
// clock, so that "the next day" is the next day for the local history too.
func clockedStore(t *testing.T, f *fixture) {
	t.Helper()
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := localstore.OpenWith(f.path, localstore.Options{Now: f.clk.now})
	if err != nil {
		t.Fatal(err)
	}
	f.store, f.rec = s, storeRecords{s}
	t.Cleanup(func() { _ = s.Close() })
}

// TestEditKeepsARestrictedProbeRestricted: a probe pushed restricted (by
// another app: any record may be, PROTOCOL §6) stays restricted when
// corrected here, and so does its undo.
func TestEditKeepsARestrictedProbeRestricted(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	p := must(repo.Put(context.Background(), f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-17", Score: 25}, true))
	a := f.startLocked(landscape)
	st := newStudentScreen(a, sc.students[0])
	a.push(st)
	test.Tap(st.probeRows[p.ID])
	e := a.Current().(*probeEdit)
	retype(e.score, "52")
	test.Tap(e.Save)
	if got, err := f.store.Get(p.ID); err != nil || !got.Restricted || mustGet[record.Probe](f.store, p.ID).Data.Score != 52 {
		t.Fatalf("corrected probe restricted=%v (%v)", got.Restricted, err)
	}
	f.tapUndo()
	if got, err := f.store.Get(p.ID); err != nil || !got.Restricted {
		t.Fatalf("undone probe restricted=%v (%v)", got.Restricted, err)
	}
}

// TestProbeEditKeepsStoredFiguresAndEditsSeconds: the form is filled from
// the stored count and seconds (record.Probe.Count), so changing only the
// date stores the same score (46.25 never becomes 46.3 through a display
// rounding); changing the seconds prorates through the one rule, SetCount.
func TestProbeEditKeepsStoredFiguresAndEditsSeconds(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	early := record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-17"}
	early.SetCount(37, 48) // 46.25 per minute
	p := must(repo.Put(context.Background(), f.store, "", early, false))
	a := f.start(landscape)
	st := newStudentScreen(a, sc.students[0])
	a.push(st)
	test.Tap(st.probeRows[p.ID])
	e := a.Current().(*probeEdit)
	if e.score.Text != "37" || e.secs.Text != "48" {
		t.Fatalf("form filled with count %q in %q s, want the stored 37 in 48", e.score.Text, e.secs.Text)
	}
	retype(e.date, "2025-03-14")
	test.Tap(e.Save)
	got := mustGet[record.Probe](f.store, p.ID).Data
	if got.Score != 46.25 || got.RawScore == nil || *got.RawScore != 37 || got.Seconds != 48 || got.Date != "2025-03-14" {
		t.Fatalf("date-only edit stored %+v, want score 46.25 from 37 in 48 s", got)
	}

	test.Tap(st.probeRows[p.ID])
	e = a.Current().(*probeEdit)
	retype(e.secs, "60") // it was a full minute after all
	test.Tap(e.Save)
	got = mustGet[record.Probe](f.store, p.ID).Data
	if got.Score != 37 || got.RawScore != nil || got.Seconds != 0 {
		t.Fatalf("a full minute stored %+v, want score 37 without raw_score", got)
	}

	// A typed per-minute score with two decimals keeps them.
	exact := must(repo.Put(context.Background(), f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-10", Score: 46.25}, false))
	st.refresh()
	test.Tap(st.probeRows[exact.ID])
	e = a.Current().(*probeEdit)
	retype(e.date, "2025-03-11")
	test.Tap(e.Save)
	if got := mustGet[record.Probe](f.store, exact.ID).Data; got.Score != 46.25 || got.Date != "2025-03-11" {
		t.Fatalf("date-only edit of 46.25 stored %+v", got)
	}

	test.Tap(st.probeRows[p.ID])
	e = a.Current().(*probeEdit)
	for _, bad := range []string{"0", "61", "soon"} {
		retype(e.secs, bad)
		before := mustGet[record.Probe](f.store, p.ID).HLC
		test.Tap(e.Save)
		if mustGet[record.Probe](f.store, p.ID).HLC != before || !strings.Contains(a.Message(), "seconds") {
			t.Fatalf("seconds %q: written or not explained (message %q)", bad, a.Message())
		}
	}
}
