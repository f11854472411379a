package ui

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

var uuidText = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}|[0-9a-f]{4}…|018b`)

// withData is e with its data replaced (another version of the record).
func withData(e record.Envelope, v any) record.Envelope {
	b, _ := json.Marshal(v)
	e.Data = b
	return e
}

// TestConflictInWords: the conflict review names the measure and the
// students (never "orf_wcpm", "Student id 018b…"), lists only what differs
// in the data (a default left out is no difference: "Seconds 60 / —"), and
// a session's attendance by student.
func TestConflictInWords(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	f.sync.enrolment = Enrolment{Enrolled: true, ServerURL: "https://sync", Username: "ana", UserID: "u1"}
	ctx := context.Background()
	// A probe: the newer version writes the default 60 s out and changes
	// the measure; this tablet's leaves the seconds out.
	probe := must(repo.Put(ctx, f.store, "", record.Probe{StudentID: sc.students[0], Measure: "orf_wcpm", Date: "2025-03-10", Score: 50, Seconds: 60}, false))
	newerProbe := must(f.store.Get(probe.ID))
	mineProbe := withData(newerProbe, map[string]any{"student_id": sc.students[0], "measure": "maze", "date": "2025-03-10", "score": 50})
	// A group: this tablet's version still has Ella.
	grp := must(f.store.Get(sc.group))
	var g record.Group
	must(0, json.Unmarshal(grp.Data, &g))
	g2 := g
	g2.StudentIDs = g.StudentIDs[:4]
	must(repo.Put(ctx, f.store, sc.group, g2, false))
	mineGroup := withData(must(f.store.Get(sc.group)), g)
	// A session: Ben late here, present in the newer version.
	sess := record.Session{GroupID: sc.group, ProgramID: sc.program, Date: "2025-03-17", Status: record.SessionInProgress,
		Attendance: []record.Attendance{{StudentID: sc.students[0], Status: record.Present}, {StudentID: sc.students[1], Status: record.Present}},
		Fidelity:   []record.StepMark{{StepID: "s1", Status: record.StepDone}}}
	se := must(repo.Put(ctx, f.store, "", sess, false))
	sess.Attendance[1] = record.Attendance{StudentID: sc.students[1], Status: record.Late, Minutes: ptr(5.0)}
	sess.Fidelity[0].Status = record.StepSkipped
	mineSession := withData(must(f.store.Get(se.ID)), sess)
	f.sync.conflicts = []Conflict{
		{ID: "c1", RecordID: probe.ID, Type: record.TypeProbe, Summary: "another tablet saved a newer version at 10:42", Mine: mineProbe},
		{ID: "c2", RecordID: sc.group, Type: record.TypeGroup, Summary: "another tablet saved a newer version at 10:43", Mine: mineGroup},
		{ID: "c3", RecordID: se.ID, Type: record.TypeSession, Summary: "another tablet saved a newer version at 10:44", Mine: mineSession},
	}
	a := f.start(landscape)
	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	text := screenText(f.win)
	for _, bad := range []string{"orf_wcpm", "Seconds", "Student id", "Student ids", "Measure orf"} {
		if strings.Contains(text, bad) {
			t.Errorf("the review shows %q:\n%s", bad, text)
		}
	}
	if m := uuidText.FindString(text); m != "" {
		t.Errorf("an id is shown (%q):\n%s", m, text)
	}
	want := map[string][]diffRow{
		"c1": {{Field: "Measure", Mine: "Maze comprehension", Newer: "Oral reading fluency", Differs: true}},
		"c2": {{Field: "Students", Mine: "Ava Martinez, Ben Okafor, Chloe Nguyen, Dev Patel, Ella Schmidt", Newer: "Ava Martinez, Ben Okafor, Chloe Nguyen, Dev Patel", Differs: true}},
		"c3": {{Field: "Ben Okafor", Mine: "Late, 5 min", Newer: "Present", Differs: true},
			{Field: "Step 1, Review sight words", Mine: "Skipped", Newer: "Done", Differs: true}},
	}
	for id, rows := range want {
		got := s.diff[id]
		if len(got) != len(rows) {
			t.Errorf("%s: rows %+v, want %+v", id, got, rows)
			continue
		}
		for i := range rows {
			if got[i] != rows[i] {
				t.Errorf("%s row %d: %+v, want %+v", id, i, got[i], rows[i])
			}
		}
	}
}

// TestConflictScrollsToTopAfterAChoice: "Keep newer" at the foot of a long
// list left the page scrolled past its end, a blank screen.
func TestConflictScrollsToTopAfterAChoice(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	f.sync.enrolment = Enrolment{Enrolled: true, ServerURL: "https://sync", Username: "ana", UserID: "u1"}
	for i, id := range sc.students {
		e := must(f.store.Get(id))
		f.sync.conflicts = append(f.sync.conflicts, Conflict{ID: "c" + string(rune('1'+i)), RecordID: id, Type: record.TypeStudent,
			Summary: "another tablet saved a newer version at 10:42", Mine: withData(e, record.Student{GivenName: "X", FamilyName: "Y", Grade: "3"})})
	}
	a := f.start(portrait)
	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	page := s.page()
	page.ScrollToBottom()
	if page.Offset.Y == 0 {
		t.Fatal("the list is not long enough to scroll")
	}
	last := f.sync.conflicts[len(f.sync.conflicts)-1].ID
	test.Tap(s.keep[last])
	if page.Offset.Y != 0 {
		t.Errorf("after Keep newer the page is at %v, not the top", page.Offset.Y)
	}
}
