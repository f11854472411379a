package tablet

import (
	"context"
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/localstore"
	"smallwins/app/internal/ui"
	"smallwins/shared/record"
)

// TestOpenWithDemoBeforeEnrolment: a fresh tablet with SMALLWINS_DEMO=1
// loads the demo school, shows Today with its groups, and works without
// enrolment; reopening does not load the demo twice.
func TestOpenWithDemoBeforeEnrolment(t *testing.T) {
	a := test.NewTempApp(t)
	dir := t.TempDir()
	tb, err := Open(a, testConfig(Config{DataDir: dir, Demo: true, NoSyncLoop: true}))
	if err != nil {
		t.Fatal(err)
	}
	tb.Window.Resize(fyne.NewSize(1280, 800))
	if tb.UI != nil {
		t.Fatal("the screens were built before the PIN was chosen")
	}
	choosePIN(t, tb, testPIN)
	students, err := tb.Store.List(record.TypeStudent)
	if err != nil || len(students) != 12 {
		t.Fatalf("%d students after the demo load (%v)", len(students), err)
	}
	if e, _ := tb.Store.Enrolment(); e.Enrolled() {
		t.Fatal("enrolled without being asked")
	}
	n, _ := tb.Store.PendingCount()
	tb.Close()
	tb.Window.Close()

	tb, err = Open(a, testConfig(Config{DataDir: dir, Demo: true, NoSyncLoop: true}))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { tb.Close(); tb.Window.Close() }()
	if !enterPIN(tb, testPIN) {
		t.Fatalf("the PIN did not unlock: %q", tb.Lock.Message())
	}
	m, _ := tb.Store.PendingCount()
	if m != n {
		t.Fatalf("reopening loaded the demo again: %d pending, was %d", m, n)
	}
}

// TestRecordsAdapterRefusesInPlainWords: the FieldError reaches
// the screen without package prefixes, and nothing is written.
func TestRecordsAdapterRefusesInPlainWords(t *testing.T) {
	s, err := localstore.Open(t.TempDir() + "/t.db")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := Records{s}
	_, err = r.Put(context.Background(), record.TypeStudent, "", record.Student{FamilyName: "Lee", Grade: "2"}, false)
	if err == nil {
		t.Fatal("a student without a given name was written")
	}
	var fe *record.FieldError
	if !errors.As(err, &fe) || fe.Field != "given_name" {
		t.Fatalf("refusal %v is not the given_name FieldError", err)
	}
	if got := ui.PlainError(err); got != "Given name is required." {
		t.Fatalf("refusal shown as %q", got)
	}
	if es, _ := s.List(record.TypeStudent); len(es) != 0 {
		t.Fatal("the refused student was written")
	}
}

// TestTickStops: the ticker runs f through fyne.Do, and stopping it twice
// is harmless (screens stop their timer on leave and on finish).
func TestTickStops(t *testing.T) {
	test.NewTempApp(t)
	got := make(chan struct{}, 100)
	stop := Tick(time.Millisecond, func() { got <- struct{}{} })
	<-got
	stop()
	stop()
}
