package roster

import (
	"testing"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

// TestImportFamilyLanguage on both real stores (ADR 0037): a new student gets the file's
// family_language; the same file again writes nothing; a file without the column (OneRoster 1.1)
// or with an empty cell keeps the value the app set; a changed tag is written; a file with a value
// that is no tag is refused and writes nothing.
func TestImportFamilyLanguage(t *testing.T) {
	stores(t, func(t *testing.T, st store.Store) {
		f := storetest.NewFixture(t, st, "lincoln")
		withLang := "sourcedId,role,givenName,familyName,grades,home_language\n" +
			"s1,student,Ana,Lopez,3,es-MX\n" +
			"s2,student,Ben,Kim,KG,\n"
		rep := run(t, st, f, withLang, false)
		if want := (Report{Created: 2, Errors: []Error{}}); !equalReport(rep, want) {
			t.Fatalf("first import %+v", rep)
		}
		got := students(t, st, f.School.ID)
		if got["s1"]["family_language"] != "es-MX" {
			t.Fatalf("s1 as written: %v", got["s1"])
		}
		if _, ok := got["s2"]["family_language"]; ok {
			t.Fatalf("s2 was given a language from an empty cell: %v", got["s2"])
		}
		// The record reads back as a student with the field (record.Student knows it).
		envs, err := st.RecordsByID(ctx, f.School.ID, store.Viewer{IsAdmin: true}, got["s1"]["_id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		var s record.Student
		if err := record.DecodeData(envs[0].Data, &s); err != nil || s.FamilyLanguage != "es-MX" {
			t.Fatalf("decoded %+v (%v)", s, err)
		}

		seq := lastSeq(t, st, f.School.ID)
		if rep = run(t, st, f, withLang, false); rep.Unchanged != 2 || rep.Updated+rep.Created != 0 {
			t.Fatalf("second import %+v", rep)
		}
		if n := lastSeq(t, st, f.School.ID); n != seq {
			t.Fatalf("an unchanged import moved the seq from %d to %d", seq, n)
		}

		// A 1.1 export, no language column: the language stays, nothing is written.
		v11 := "sourcedId,role,givenName,familyName,grades\ns1,student,Ana,Lopez,3\ns2,student,Ben,Kim,KG\n"
		if rep = run(t, st, f, v11, false); rep.Unchanged != 2 || lastSeq(t, st, f.School.ID) != seq {
			t.Fatalf("1.1 export %+v", rep)
		}

		// The SIS now says English for s1 and Spanish for s2, in OneRoster 1.2's list.
		v12 := "sourcedId,role,givenName,familyName,grades,preferredLanguages\n" +
			"s1,student,Ana,Lopez,3,en\n" +
			"s2,student,Ben,Kim,KG,\"es,en\"\n"
		if rep = run(t, st, f, v12, false); rep.Updated != 2 {
			t.Fatalf("changed languages %+v", rep)
		}
		got = students(t, st, f.School.ID)
		if got["s1"]["family_language"] != "en" || got["s2"]["family_language"] != "es" || got["s1"]["given_name"] != "Ana" {
			t.Fatalf("after the change: %v %v", got["s1"], got["s2"])
		}

		// Refused: nothing written, the good row included.
		seq = lastSeq(t, st, f.School.ID)
		bad := "sourcedId,role,givenName,familyName,grades,family_language\n" +
			"s1,student,Ana,Lopez,3,es\n" +
			"s2,student,Ben,Kim,KG,\"=cmd|' /C calc'!A0\"\n"
		rep = run(t, st, f, bad, false)
		if len(rep.Errors) != 1 || rep.Errors[0].Line != 3 || rep.Errors[0].Column != "family_language" || rep.Updated != 0 {
			t.Fatalf("hostile value %+v", rep)
		}
		if lastSeq(t, st, f.School.ID) != seq || students(t, st, f.School.ID)["s1"]["family_language"] != "en" {
			t.Fatal("a refused import wrote")
		}
	})
}
