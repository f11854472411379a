package roster

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/serverwriter"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

// templateSchool is a school with three imported students and a program.
// Its ids, names and user match the sample export and README's walk-through.
func templateSchool(t *testing.T, st store.Store) (storetest.Fixture, string) {
	f := storetest.NewFixture(t, st, "lincoln")
	if rep := run(t, st, f, "sourcedId,role,givenName,familyName,grades\nstu-1001,student,A,A,1\nstu-1002,student,B,B,1\nstu-1003,student,C,C,2\n", false); rep.Created != 3 {
		t.Fatalf("%+v", rep)
	}
	prog := uuid.NewString()
	if _, err := st.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Admin.ID, PusherIsAdmin: true, Records: []record.Envelope{{
		ID: prog, Type: record.TypeProgram, HLC: storetest.HLC(0, 0),
		Data: []byte(`{"name":"Phonics for Reading, level 2","area":"reading","steps":[{"id":"a","text":"Warm up"}]}`)}}}); err != nil {
		t.Fatal(err)
	}
	lee, err := st.CreateUser(ctx, store.User{SchoolID: f.School.ID, Username: "lee", Name: "Sam Lee", Role: "interventionist", PasswordHash: []byte("h")})
	if err != nil {
		t.Fatal(err)
	}
	f.Ana = lee // the interventionist of the examples
	return f, prog
}

func runTemplate(t *testing.T, st store.Store, f storetest.Fixture, files map[string]string, dry bool) Report {
	t.Helper()
	fsys := fstest.MapFS{}
	for k, v := range files {
		fsys[k] = &fstest.MapFile{Data: []byte(v)}
	}
	rep, err := Importer{Store: st, Writer: serverwriter.New(st, nil)}.ImportTemplate(ctx, f.School.ID, f.Admin, fsys, dry)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// The downloadable examples of docs/examples are the template's test
// input, so they cannot drift from what the import accepts.
func exampleFiles(t *testing.T) map[string]string {
	out := map[string]string{}
	for _, name := range []string{GroupsFile, GoalsFile} {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "examples", "smallwins-template", name))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = string(b)
	}
	return out
}

func TestTemplate(t *testing.T) {
	stores(t, func(t *testing.T, st store.Store) {
		f, prog := templateSchool(t, st)
		files := exampleFiles(t)
		if rep := runTemplate(t, st, f, files, true); rep.Created != 3 || len(rep.Errors) != 0 || !rep.DryRun {
			t.Fatalf("dry run %+v", rep)
		}
		seq := lastSeq(t, st, f.School.ID)
		if lastSeq(t, st, f.School.ID) != seq {
			t.Fatal("a dry run wrote")
		}
		rep := runTemplate(t, st, f, files, false)
		if rep.Created != 3 || len(rep.Errors) != 0 {
			t.Fatalf("import %+v", rep)
		}
		groups, _ := st.Records(ctx, f.School.ID, store.Viewer{IsAdmin: true}, record.TypeGroup)
		if len(groups) != 1 {
			t.Fatalf("%d groups", len(groups))
		}
		var g record.Group
		json.Unmarshal(groups[0].Data, &g)
		st1 := students(t, st, f.School.ID)
		want := record.Group{Name: "Room 12 phonics", ProgramID: prog, StudentIDs: []string{st1["stu-1001"]["_id"].(string), st1["stu-1002"]["_id"].(string)},
			InterventionistID: f.Ana.ID, Schedule: []record.ScheduleSlot{{Weekday: 1, Start: "08:30"}, {Weekday: 3, Start: "08:30"}}}
		if !reflect.DeepEqual(g, want) {
			t.Fatalf("group %+v\nwant %+v", g, want)
		}
		goals, _ := st.Records(ctx, f.School.ID, store.Viewer{IsAdmin: true}, record.TypeGoal)
		if len(goals) != 2 {
			t.Fatalf("%d goals", len(goals))
		}
		seq = lastSeq(t, st, f.School.ID)
		if rep := runTemplate(t, st, f, files, false); rep.Unchanged != 3 || rep.Created+rep.Updated != 0 || lastSeq(t, st, f.School.ID) != seq {
			t.Fatalf("again %+v", rep)
		}
		// A changed schedule updates the group, keeping a field the app added.
		if _, err := st.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Admin.ID, PusherIsAdmin: true, Records: []record.Envelope{{
			ID: groups[0].ID, Type: record.TypeGroup, HLC: hlc.NewClock(uuid.New(), hlc.State{}, nil).Now().String(),
			Data: append(groups[0].Data[:len(groups[0].Data)-1:len(groups[0].Data)-1], []byte(`,"room":"12"}`)...)}}}); err != nil {
			t.Fatal(err)
		}
		g2 := map[string]string{GroupsFile: "name,program,students,schedule\nRoom 12 phonics,\"Phonics for Reading, level 2\",stu-1001 stu-1002,Tue 09:00\n"}
		if rep := runTemplate(t, st, f, g2, false); rep.Updated != 1 {
			t.Fatalf("update %+v", rep)
		}
		groups, _ = st.Records(ctx, f.School.ID, store.Viewer{IsAdmin: true}, record.TypeGroup)
		var m map[string]any
		json.Unmarshal(groups[0].Data, &m)
		if m["room"] != "12" || m["interventionist_id"] != f.Ana.ID || len(m["schedule"].([]any)) != 1 {
			t.Fatalf("after update %v", m)
		}
	})
}

func TestTemplateErrors(t *testing.T) {
	st := openBolt(t)
	f, _ := templateSchool(t, st)
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []Error
	}{
		{"no file", map[string]string{"x.csv": ""}, []Error{{GroupsFile, 0, "", "neither groups.csv nor goals.csv is there"}}},
		{"missing column", map[string]string{GroupsFile: "name,students\n"}, []Error{{GroupsFile, 1, "program", "required column program is missing"}}},
		{"group problems", map[string]string{GroupsFile: "\xef\xbb\xbfname,program,interventionist,schedule,students\r\n" +
			"G1,Nope,lee,Mon 08:30,s1\r\n" +
			"G2,\"Phonics for Reading, level 2\",zed,Someday,\"stu-1001\r\nsX\"\r\n" +
			"G1,\"Phonics for Reading, level 2\",,,stu-1001\r\n" +
			"G3,\"Phonics for Reading, level 2\",,,stu-1001 stu-1002 stu-1003 stu-1001 stu-1002 stu-1003 stu-1001 stu-1002 stu-1003 stu-1001 stu-1002 stu-1003 stu-1001\r\n"},
			[]Error{
				{GroupsFile, 2, "program", "no program of the school has this name (add it in the app first)"},
				{GroupsFile, 2, "students", "student 1 of the list is not a live student of the school (import the OneRoster export first)"},
				{GroupsFile, 3, "interventionist", "no user of the school has this username"},
				{GroupsFile, 3, "schedule", "the schedule must be like: Mon 08:30; Wed 08:30"},
				{GroupsFile, 3, "students", "student 2 of the list is not a live student of the school (import the OneRoster export first)"},
				{GroupsFile, 5, "name", "the same group name as line 2"},
				{GroupsFile, 6, "students", "a group has 1-12 students; this one has 13"},
			}},
		{"goal problems", map[string]string{GoalsFile: "student,measure,direction,start_date,baseline_scores,goal_score,goal_date\n" +
			"stu-1001,orf_wcpm,up,2026-09-01,40 42 44,42,2027-01-15\n" +
			"s9,orf_wcpm,sideways,2026-09-01,x,70,2027-01-15\n" +
			"stu-1002,maze,up,2026-09-01,3,,2027-01-15\n" +
			"stu-1003,maze,up,2026-09-01,3,9,2026-08-01\n"},
			[]Error{
				{GoalsFile, 2, "goal_score", "the goal score must differ from the start score"},
				{GoalsFile, 3, "student", "not a live student of the school (import the OneRoster export first)"},
				{GoalsFile, 3, "baseline_scores", "baseline scores must be numbers separated by spaces or semicolons"},
				{GoalsFile, 4, "goal_score", "required field goal_score is empty"},
				{GoalsFile, 5, "goal_date", "the goal date must be after the start date"},
			}},
		// DOMAIN.md §2's bounds (ADR 0022); NaN and Inf parse as numbers
		// but JSON cannot carry them.
		{"goal bounds", map[string]string{GoalsFile: "student,measure,direction,start_date,baseline_scores,goal_score,goal_date,typical_roi\n" +
			"stu-1001,orf_wcpm,up,2026-09-01,40,20000,2027-01-15,\n" +
			"stu-1001,maze,up,2026-09-01,40 10001,70,2027-01-15,\n" +
			"stu-1002,orf_wcpm,up,2026-09-01,40,70,2027-01-15,1000.5\n" +
			"stu-1002,maze,up,1900-09-01,40,70,2027-01-15,\n" +
			"stu-1003,orf_wcpm,up,2026-09-01,NaN,70,2027-01-15,\n" +
			"stu-1003,maze,up,2026-09-01,40,Inf,2027-01-15,\n" +
			"stu-1003,lsf,up,2026-09-01,40,70,2027-01-15,-infinity\n" +
			"stu-1003,nwf_cls,up,2026-09-01,1e400,70,2027-01-15,\n"},
			[]Error{
				{GoalsFile, 2, "goal_score", "goal_score must be between 0 and 10000"},
				{GoalsFile, 3, "baseline_scores", "baseline_scores must be between 0 and 10000"},
				{GoalsFile, 4, "typical_roi", "typical_roi must be between -1000 and 1000"},
				{GoalsFile, 5, "start_date", "start_date must be between 2000-01-01 and 2100-12-31"},
				{GoalsFile, 6, "baseline_scores", "baseline scores must be numbers separated by spaces or semicolons"},
				{GoalsFile, 7, "goal_score", "goal_score must be a number"},
				{GoalsFile, 8, "typical_roi", "typical_roi must be a number"},
				{GoalsFile, 9, "baseline_scores", "baseline scores must be numbers separated by spaces or semicolons"},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seq := lastSeq(t, st, f.School.ID)
			rep := runTemplate(t, st, f, tc.files, false)
			if !reflect.DeepEqual(rep.Errors, tc.want) {
				t.Errorf("errors\n %v\nwant\n %v", rep.Errors, tc.want)
			}
			if lastSeq(t, st, f.School.ID) != seq {
				t.Error("a refused import wrote")
			}
		})
	}
}
