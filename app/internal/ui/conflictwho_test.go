package ui

import (
	"strings"
	"testing"

	"smallwins/shared/record"
)

// TestConflictSaysWhoMadeTheNewerVersion: a version the console wrote is
// "from the console" on the review, not "another tablet".
func TestConflictSaysWhoMadeTheNewerVersion(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	f.sync.enrolment = Enrolment{Enrolled: true, ServerURL: "https://sync", Username: "ana", UserID: "u1"}
	e := must(f.store.Get(sc.students[0]))
	f.sync.conflicts = []Conflict{{ID: "c1", RecordID: sc.students[0], Type: record.TypeStudent, By: "the console",
		Summary: "the console saved a newer version at 10:42", Mine: withData(e, record.Student{GivenName: "Ava", FamilyName: "Martinez", Grade: "3"})}}
	a := f.start(portrait)
	a.Root(TabSync)
	text := screenText(f.win)
	if strings.Contains(text, "nother tablet") || !strings.Contains(text, "Newer version, from the console") {
		t.Errorf("who made the newer version:\n%s", text)
	}
	// The longer column head wraps: the page fits a portrait screen.
	s := a.Current().(*syncScreen)
	if w := s.list.MinSize().Width; w > portrait.Width {
		t.Errorf("the review is %v wide on a %v-wide screen", w, portrait.Width)
	}
}
