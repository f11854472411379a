package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// TestCICOCardDeleteAndUndo: a card filled for the wrong student is
// deleted (a tombstone; the day starts empty again) and the deletion undone
// (the ratings come back on the screen and on disk).
func TestCICOCardDeleteAndUndo(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	a := f.startLocked(landscape)
	a.Root(TabCICO)
	c := a.Current().(*cicoScreen)
	test.Tap(c.pick[sc.students[2]])
	test.Tap(c.del) // nothing saved yet: nothing to delete, and it says so
	if a.UndoText() != "" || a.Message() != "Nothing is saved for this day yet." {
		t.Fatalf("delete of an empty day: undo %q, message %q", a.UndoText(), a.Message())
	}
	test.Tap(c.cells[0][0]) // 2
	test.Tap(c.cells[1][1]) // 2
	id := c.m.id
	test.Tap(c.del)
	if _, err := f.store.Get(id); err == nil {
		t.Fatal("the deleted card is still live")
	}
	if len(repo.ListByRef[record.CICOCard](f.store, sc.students[2])) != 0 || c.m.id != "" || c.cells[0][0].Text != "–" {
		t.Fatalf("after the delete: id %q, cell %q", c.m.id, c.cells[0][0].Text)
	}
	f.tapUndo()
	back := mustGet[record.CICOCard](f.store, id).Data
	if v := back.Ratings[1][1]; v == nil || *v != 2 {
		t.Fatalf("undone card %+v", back.Ratings)
	}
	if c.m.id != id || c.cells[1][1].Text != "2" {
		t.Fatalf("the screen shows %q for the restored card %q", c.cells[1][1].Text, c.m.id)
	}
}
