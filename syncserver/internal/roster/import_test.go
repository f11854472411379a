package roster

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"pgregory.net/rapid"

	"smallwins/shared/hlc"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/pgstore"
	"smallwins/syncserver/internal/pgtest"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

var ctx = context.Background()

func openBolt(t testing.TB) store.Store {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openPG(t testing.TB) store.Store {
	st, err := pgstore.Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// stores runs f on each real store.
func stores(t *testing.T, f func(t *testing.T, st store.Store)) {
	t.Run("bbolt", func(t *testing.T) { f(t, openBolt(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, openPG(t)) })
}

// lastSeq is the school's highest seq: a write of any kind raises it.
func lastSeq(t testing.TB, st store.Store, schoolID string) int64 {
	var after int64
	for {
		page, err := st.Pull(ctx, store.PullQuery{SchoolID: schoolID, After: after, Limit: protocol.MaxPullLimit, Viewer: store.Viewer{IsAdmin: true}})
		if err != nil {
			t.Fatal(err)
		}
		after = page.Cursor
		if !page.More {
			return after
		}
	}
}

// students returns the school's live students by external_id, as raw data.
func students(t testing.TB, st store.Store, schoolID string) map[string]map[string]any {
	envs, err := st.Records(ctx, schoolID, store.Viewer{IsAdmin: true}, record.TypeStudent)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, e := range envs {
		var m map[string]any
		if err := json.Unmarshal(e.Data, &m); err != nil {
			t.Fatal(err)
		}
		m["_id"] = e.ID
		out[fmt.Sprint(m["external_id"])] = m
	}
	return out
}

func run(t testing.TB, st store.Store, f storetest.Fixture, csv string, dry bool) Report {
	t.Helper()
	im := Importer{Store: st, Writer: serverwriter.New(st, nil)}
	rep, err := im.Import(ctx, f.School.ID, f.Admin, ParseUsers([]byte(csv), Options{}), dry)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

const small = "sourcedId,role,givenName,familyName,grades,status\n" +
	"s1,student,Ana,Lopez,3,active\n" +
	"s2,student,Ben,Kim,KG,active\n" +
	"t1,teacher,Tess,Ray,,active\n"

func TestImport(t *testing.T) {
	stores(t, func(t *testing.T, st store.Store) {
		f := storetest.NewFixture(t, st, "lincoln")

		// A dry run reports and writes nothing.
		rep := run(t, st, f, small, true)
		if want := (Report{DryRun: true, Created: 2, SkippedRows: 1, Errors: []Error{}}); !equalReport(rep, want) {
			t.Fatalf("dry run %+v", rep)
		}
		if n := lastSeq(t, st, f.School.ID); n != 0 {
			t.Fatalf("a dry run wrote up to seq %d", n)
		}

		rep = run(t, st, f, small, false)
		if want := (Report{Created: 2, SkippedRows: 1, Errors: []Error{}}); !equalReport(rep, want) {
			t.Fatalf("first import %+v", rep)
		}
		got := students(t, st, f.School.ID)
		if s := got["s1"]; s["given_name"] != "Ana" || s["family_name"] != "Lopez" || s["grade"] != "3" || s["active"] != true {
			t.Fatalf("s1 as written: %v", s)
		}
		// Written as the server: the HLC's node is the school's server device.
		envs, _ := st.RecordsByID(ctx, f.School.ID, store.Viewer{IsAdmin: true}, got["s1"]["_id"].(string))
		if ts, err := hlc.Parse(envs[0].HLC); err != nil || ts.Node.String() != serverwriter.DeviceID(f.School.ID) {
			t.Fatalf("stamp %s (%v)", envs[0].HLC, err)
		}
		seq := lastSeq(t, st, f.School.ID)

		// The same files again: nothing written, no new seq.
		rep = run(t, st, f, small, false)
		if want := (Report{Unchanged: 2, SkippedRows: 1, Errors: []Error{}}); !equalReport(rep, want) {
			t.Fatalf("second import %+v", rep)
		}
		if n := lastSeq(t, st, f.School.ID); n != seq {
			t.Fatalf("an unchanged import moved the seq from %d to %d", seq, n)
		}

		// The app sets a preferred name and a newer app version's field, on
		// a tablet whose clock runs a minute ahead.
		tablet := hlc.NewClock(uuid.New(), hlc.State{}, func() time.Time { return time.Now().Add(time.Minute) })
		id := got["s1"]["_id"].(string)
		if _, err := st.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: []record.Envelope{{
			ID: id, Type: record.TypeStudent, HLC: tablet.Now().String(),
			Data: []byte(`{"given_name":"Ana","family_name":"Lopez","grade":"3","external_id":"s1","preferred_name":"Annie","future":{"x":1}}`)}}}); err != nil {
			t.Fatal(err)
		}
		// An app edit of an unmapped field alone leaves the row unchanged.
		if rep = run(t, st, f, small, false); rep.Unchanged != 2 || rep.Updated != 0 {
			t.Fatalf("after an app edit %+v", rep)
		}
		// The SIS moves s1 to grade 4 and leaves s2 out; a new s3 arrives.
		next := "sourcedId,role,givenName,familyName,grades,status\n" +
			"s1,student,Ana,Lopez,04,active\n" +
			"s3,student,Cy,Ng,PK,tobedeleted\n"
		rep = run(t, st, f, next, false)
		if want := (Report{Created: 1, Updated: 1, NotInFile: 1, Errors: []Error{}}); !equalReport(rep, want) {
			t.Fatalf("third import %+v", rep)
		}
		got = students(t, st, f.School.ID)
		s1 := got["s1"]
		if s1["_id"] != id || s1["grade"] != "4" || s1["preferred_name"] != "Annie" || s1["active"] != true ||
			fmt.Sprint(s1["future"]) != "map[x:1]" {
			t.Fatalf("s1 after the update: %v", s1)
		}
		if got["s3"]["active"] != false || got["s2"]["given_name"] != "Ben" {
			t.Fatalf("s3 %v, s2 %v", got["s3"], got["s2"])
		}

		// An error anywhere: nothing written, even the good rows.
		seq = lastSeq(t, st, f.School.ID)
		bad := next + "s4,student,Dee,Oh,5,active\ns5,student,Eve,,5,active\n"
		rep = run(t, st, f, bad, false)
		if len(rep.Errors) != 1 || rep.Errors[0] != (Error{UsersFile, 5, "familyName", "required field familyName is empty"}) || rep.Created != 0 {
			t.Fatalf("with an error %+v", rep)
		}
		if n := lastSeq(t, st, f.School.ID); n != seq {
			t.Fatal("an import with an error wrote")
		}

		// Two live students with one external_id (one made in the app): an
		// error on the row's line.
		if _, err := st.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: []record.Envelope{{
			ID: uuid.NewString(), Type: record.TypeStudent, HLC: tablet.Now().String(),
			Data: []byte(`{"given_name":"Ana","family_name":"L","grade":"3","external_id":"s1"}`)}}}); err != nil {
			t.Fatal(err)
		}
		rep = run(t, st, f, next, false)
		if len(rep.Errors) != 1 || rep.Errors[0].Line != 2 || rep.Errors[0].Column != "sourcedId" || !strings.Contains(rep.Errors[0].Message, "2 live students") {
			t.Fatalf("duplicate external_id %+v", rep)
		}
	})
}

// A student an app made, with the SIS's id typed in, is matched whoever
// created it: no second student appears.
func TestMatchesAppMadeStudent(t *testing.T) {
	st := openBolt(t)
	f := storetest.NewFixture(t, st, "lincoln")
	id := uuid.NewString()
	if _, err := st.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Ana.ID, Records: []record.Envelope{{
		ID: id, Type: record.TypeStudent, HLC: storetest.HLC(0, 0),
		Data: []byte(`{"given_name":"Ana","family_name":"Lopez","grade":"2","external_id":"s1"}`)}}}); err != nil {
		t.Fatal(err)
	}
	rep := run(t, st, f, small, false)
	if rep.Created != 1 || rep.Updated != 1 {
		t.Fatalf("%+v", rep)
	}
	if got := students(t, st, f.School.ID); got["s1"]["_id"] != id || got["s1"]["grade"] != "3" || len(got) != 2 {
		t.Fatalf("%v", got)
	}
}

// TestImportTwiceWritesNothing: for any roster, a second import of the
// same files writes nothing (no new seq) and reports every student
// unchanged.
func TestImportTwiceWritesNothing(t *testing.T) {
	st := openBolt(t)
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		f := storetest.NewFixture(t, st, fmt.Sprintf("s%d", n))
		csv := genRoster(rt)
		first := run(t, st, f, csv, false)
		if len(first.Errors) > 0 {
			rt.Fatalf("generated roster refused: %+v", first.Errors)
		}
		seq := lastSeq(t, st, f.School.ID)
		second := run(t, st, f, csv, false)
		if lastSeq(t, st, f.School.ID) != seq {
			rt.Fatalf("the second import wrote")
		}
		if second.Created != 0 || second.Updated != 0 || second.Unchanged != first.Created || second.SkippedRows != first.SkippedRows {
			rt.Fatalf("first %+v, second %+v", first, second)
		}
	})
}

// genRoster makes a valid users.csv with shuffled columns, optional
// columns, odd-but-valid values (quotes, commas, line breaks, accents).
func genRoster(rt *rapid.T) string {
	cols := []string{"sourcedId", "role", "givenName", "familyName", "grades", "status", "enabledUser", "preferredFirstName",
		"preferredLanguages", "home_language"}
	cols = rapid.Permutation(cols).Draw(rt, "cols")
	for _, opt := range []string{"preferredFirstName", "preferredLanguages", "home_language"} {
		if rapid.Bool().Draw(rt, "without "+opt) {
			for i, c := range cols {
				if c == opt {
					cols = append(cols[:i], cols[i+1:]...)
					break
				}
			}
		}
	}
	name := rapid.SampledFrom([]string{"Ana", "José", "O'Neil", "Smith, Jr.", "Line\nbreak", `Say "hi"`, "李"})
	grade := rapid.SampledFrom([]string{"PK", "PR", "TK", "KG", "1", "01", "9", "12", "3,4"})
	var b strings.Builder
	b.WriteString(strings.Join(cols, ",") + "\r\n")
	rows := rapid.IntRange(0, 30).Draw(rt, "rows")
	for i := 0; i < rows; i++ {
		vals := map[string]string{
			"sourcedId":          fmt.Sprintf("id-%d", i),
			"role":               rapid.SampledFrom([]string{"student", "Student", "teacher"}).Draw(rt, "role"),
			"givenName":          name.Draw(rt, "given"),
			"familyName":         name.Draw(rt, "family"),
			"grades":             grade.Draw(rt, "grade"),
			"status":             rapid.SampledFrom([]string{"active", "tobedeleted", ""}).Draw(rt, "status"),
			"enabledUser":        rapid.SampledFrom([]string{"true", "false", ""}).Draw(rt, "enabled"),
			"preferredFirstName": rapid.SampledFrom([]string{"", "Bo"}).Draw(rt, "pref"),
			"preferredLanguages": rapid.SampledFrom([]string{"", "es", "es-419,en", "Spanish, en"}).Draw(rt, "langs"),
			"home_language":      rapid.SampledFrom([]string{"", "es", "EN-us", "es_MX", "spa"}).Draw(rt, "home"),
		}
		for j, c := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"` + strings.ReplaceAll(vals[c], `"`, `""`) + `"`)
		}
		b.WriteString("\r\n")
	}
	return b.String()
}

func equalReport(a, b Report) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
