package ui

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smallwins/app/internal/repo"
	"smallwins/shared/record"
)

// TestConflictShownSideBySide: the Sync screen shows this tablet's version
// beside the newer one, field by field, the differing fields first, in
// bold and marked "(differs)"; a restricted note of someone else is not
// shown on this path either.
func TestConflictShownSideBySide(t *testing.T) {
	f := newFixture(t)
	sc := seedSchool(t, f.store)
	f.sync.enrolment = Enrolment{Enrolled: true, ServerURL: "https://sync", Username: "ms.lee", UserID: "u1"}
	newer := must(f.store.Get(sc.students[0])) // Ava Martinez, grade 2, as the store holds it
	mineData, _ := json.Marshal(record.Student{GivenName: "Ava", FamilyName: "Martínez", Grade: "3"})
	mine := newer
	mine.Data = mineData
	// Someone else's restricted note, in conflict.
	note := must(repo.PutNote(context.Background(), f.store, "", record.Note{StudentID: sc.students[1], AuthorID: "someone-else", Body: "family matter", Category: record.NoteFamily}, true))
	noteEnv := must(f.store.Get(note.ID))
	f.sync.conflicts = []Conflict{
		{ID: "c1", RecordID: sc.students[0], Type: record.TypeStudent, Summary: "another tablet saved a newer version at 10:42", Mine: mine},
		{ID: "c2", RecordID: note.ID, Type: record.TypeNote, Summary: "another tablet saved a newer version at 10:43", Mine: noteEnv},
	}
	a := f.start(landscape)
	a.Root(TabSync)
	s := a.Current().(*syncScreen)
	rows := s.diff["c1"]
	// Only what differs (ADR 0651): the given name, the same in both, is
	// not listed.
	want := []diffRow{{Field: "Family name", Mine: "Martínez", Newer: "Martinez", Differs: true}, {Field: "Grade", Mine: "3", Newer: "2", Differs: true}}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i, w := range want {
		if rows[i] != w {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], w)
		}
	}
	var marked bool
	for _, o := range test.LaidOutObjects(s.root) {
		l, ok := o.(*widget.Label)
		if !ok {
			continue
		}
		if l.Text == "Grade" && l.TextStyle.Bold && l.Importance == widget.WarningImportance {
			marked = true
		}
		if l.Text == "Given name" {
			t.Error("a field that does not differ is listed")
		}
		if strings.Contains(l.Text, "family matter") {
			t.Fatal("someone else's restricted note is shown in the conflict review")
		}
	}
	if !marked {
		t.Fatal("the differing field is not marked")
	}
	for _, r := range s.diff["c2"] {
		if r.Mine != "Restricted: not shown." || r.Newer != "Restricted: not shown." {
			t.Fatalf("restricted note row %+v", r)
		}
	}
}

// FuzzDiffVersions: any two payloads (a version from another tablet is
// outside input) give rows without a panic, every value cut to at most
// 120 characters, every row a difference, none for identical versions.
func FuzzDiffVersions(f *testing.F) {
	// A field named "" is a field like any other, not "cannot be shown".
	if rows := diffVersions(record.Envelope{Data: []byte(`{"":"a","b":1}`)}, record.Envelope{Data: []byte(`{"":"c","b":1}`)}, "", "", nil); len(rows) != 1 || rows[0].Mine != "a" || rows[0].Newer != "c" {
		f.Fatalf("rows %+v", rows)
	}
	f.Add("probe", []byte(`{"score":50}`), []byte(`{"score":50,"seconds":60}`))
	f.Add("student", []byte(`{"given_name":"Ava","grade":"2"}`), []byte(`{"given_name":"Ava","grade":"3","x":[1,2]}`))
	f.Add("session", []byte(`{"attendance":[{"student_id":"a","status":"late","minutes":5}],"fidelity":[{"step_id":"s1","status":"done"}]}`),
		[]byte(`{"attendance":[{"student_id":"a","status":"present"},{"student_id":"b"}],"fidelity":"x"}`))
	f.Add("", []byte(`{}`), []byte(`null`))
	f.Add("group", []byte(`{"a":{"b":{"c":"`+strings.Repeat("é", 300)+`"}}}`), []byte(`[1,2,3]`))
	f.Add("note", []byte(`not json`), []byte(`{"":1}`))
	f.Fuzz(func(t *testing.T, typ string, a, b []byte) {
		rows := diffVersions(record.Envelope{Type: typ, Data: a}, record.Envelope{Type: typ, Data: b}, "", "", nil)
		for _, r := range rows {
			for _, v := range []string{r.Mine, r.Newer} {
				if n := len([]rune(v)); n > 120 {
					t.Fatalf("a value of %d characters", n)
				}
			}
			if !r.Differs && r.Field != "Version" || len([]rune(r.Field)) > 120 {
				t.Fatalf("row %+v", r)
			}
		}
		// Two readable versions with the same data have nothing to list.
		if len(rows) > 0 && string(a) == string(b) && json.Valid(a) && len(a) > 0 && a[0] == '{' {
			t.Fatalf("identical versions listed %+v", rows)
		}
	})
}
