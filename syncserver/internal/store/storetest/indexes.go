package storetest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// rec is a record version of type typ with the given data.
func rec(id, typ, h, data string) record.Envelope {
	return record.Envelope{ID: id, Type: typ, HLC: h, Data: []byte(data)}
}

// ids lists the ids of envs, sorted, for comparing sets.
func ids(envs []record.Envelope) string {
	out := make([]string, len(envs))
	for i, e := range envs {
		out[i] = e.ID
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func set(ids ...string) string {
	ids = slices.Clone(ids)
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

// testReadIndexes: RecordsByRef, RecordsByID and Records(types) follow every
// change of a record (data, references, type, deletion, restriction) and
// never cross schools, for every viewer (§6, §12).
func testReadIndexes(t *testing.T, s store.Store) {
	x, y := NewFixture(t, s, "lincoln"), NewFixture(t, s, "washington")
	student, other, group, plan, goal := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	program, probe1, probe2, note, decision := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	restrictedNote := rec(note, "note", HLC(1, 0), fmt.Sprintf(`{"student_id":%q,"body":"private"}`, student))
	restrictedNote.Restricted = true
	push(t, s, x, x.Admin,
		rec(student, "student", HLC(1, 0), `{"given_name":"Ava"}`),
		rec(program, "program", HLC(1, 0), `{"name":"Phonics"}`),
		rec(group, "group", HLC(1, 0), fmt.Sprintf(`{"program_id":%q,"student_ids":[%q,%q,"not-a-uuid",7]}`, program, student, other)),
		rec(plan, "plan", HLC(1, 0), fmt.Sprintf(`{"student_id":%q,"program_id":%q,"group_id":%q}`, student, program, group)),
		rec(goal, "goal", HLC(1, 0), fmt.Sprintf(`{"student_id":%q,"plan_id":%q}`, student, plan)),
		rec(probe1, "probe", HLC(1, 0), fmt.Sprintf(`{"student_id":%q,"score":1}`, student)),
		rec(probe2, "probe", HLC(1, 0), fmt.Sprintf(`{"student_id":%q,"score":2}`, student)),
		rec(decision, "decision", HLC(1, 0), fmt.Sprintf(`{"student_id":%q,"goal_id":%q}`, student, goal)),
	)
	push(t, s, x, x.Ben, restrictedNote)
	// School y holds records with the same ids (and the same reference).
	push(t, s, y, y.Ana, rec(probe1, "probe", HLC(1, 0), fmt.Sprintf(`{"student_id":%q,"score":9}`, student)),
		rec(goal, "goal", HLC(1, 0), fmt.Sprintf(`{"student_id":%q}`, other)))

	byRef := func(f Fixture, u store.User, ref string, types ...string) string {
		t.Helper()
		got, err := s.RecordsByRef(ctx, f.School.ID, store.ViewerOf(u), ref, types...)
		if err != nil {
			t.Fatalf("RecordsByRef: %v", err)
		}
		return ids(got)
	}
	byType := func(f Fixture, u store.User, types ...string) string {
		t.Helper()
		got, err := s.Records(ctx, f.School.ID, store.ViewerOf(u), types...)
		if err != nil {
			t.Fatalf("Records: %v", err)
		}
		return ids(got)
	}
	want := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = [%s], want [%s]", what, got, want)
		}
	}

	want("x: student's records (admin)", byRef(x, x.Admin, student), set(group, plan, goal, probe1, probe2, decision, note))
	want("x: student's records (ben, the note's author)", byRef(x, x.Ben, student), set(group, plan, goal, probe1, probe2, decision, note))
	want("x: student's records (ana)", byRef(x, x.Ana, student), set(group, plan, goal, probe1, probe2, decision))
	want("x: student's probes", byRef(x, x.Ana, student, "probe"), set(probe1, probe2))
	want("x: student's probes and goals", byRef(x, x.Ana, student, "probe", "goal", "probe"), set(probe1, probe2, goal))
	want("x: the group's records", byRef(x, x.Ana, group), set(plan))
	want("x: the program's records", byRef(x, x.Ana, program), set(group, plan))
	want("x: the plan's goals", byRef(x, x.Ana, plan, "goal"), set(goal))
	want("x: the goal's decisions", byRef(x, x.Ana, goal), set(decision))
	want("x: other student (a student_ids member)", byRef(x, x.Ana, other), set(group))
	want("x: nothing references a probe", byRef(x, x.Ana, probe1), "")
	want("x: a non-uuid value is no reference", byRef(x, x.Ana, "not-a-uuid"), "")
	want("x: a 0 byte does not widen the lookup", byRef(x, x.Ana, student[:8]), "")
	want("x: a 0 byte does not widen the lookup", byRef(x, x.Ana, student+"\x00probe"), "")
	want("y: student's records", byRef(y, y.Ana, student), set(probe1))
	want("y: other's records", byRef(y, y.Ana, other), set(goal))
	want("unknown school", byRef(Fixture{School: store.School{ID: uuid.NewString()}}, x.Admin, student), "")
	byRefs := func(f Fixture, u store.User, refs []string, types ...string) string {
		t.Helper()
		got, err := s.RecordsByRefs(ctx, f.School.ID, store.ViewerOf(u), refs, types...)
		if err != nil {
			t.Fatalf("RecordsByRefs: %v", err)
		}
		if n := len(strings.Split(ids(got), ",")); len(got) > 0 && n != len(got) {
			t.Errorf("RecordsByRefs gave a record twice: %s", ids(got))
		}
		return ids(got)
	}
	want("x: refs of student and group, each once", byRefs(x, x.Ana, []string{student, group, student}), set(group, plan, goal, probe1, probe2, decision))
	want("x: refs of student and group (ben)", byRefs(x, x.Ben, []string{group, student}), set(group, plan, goal, probe1, probe2, decision, note))
	want("x: refs of plan and goal, goals only", byRefs(x, x.Ana, []string{plan, goal}, "goal"), set(goal))
	want("x: refs of group and program, plans and groups", byRefs(x, x.Ana, []string{group, program}, "plan", "group"), set(group, plan))
	want("x: non-uuid refs", byRefs(x, x.Ana, []string{"not-a-uuid", student[:8], ""}), "")
	want("x: no refs", byRefs(x, x.Ana, nil), "")
	want("y: refs of student and other", byRefs(y, y.Ana, []string{student, other}), set(probe1, goal))
	want("x: probes", byType(x, x.Ana, "probe"), set(probe1, probe2))
	want("x: notes (ana)", byType(x, x.Ana, "note"), "")
	want("x: notes (ben)", byType(x, x.Ben, "note"), set(note))
	want("x: all (ana)", byType(x, x.Ana), set(student, program, group, plan, goal, probe1, probe2, decision))
	want("y: all", byType(y, y.Ana), set(probe1, goal))

	// Data comes whole from the school asked; y's probe1 is y's.
	got, err := s.RecordsByID(ctx, y.School.ID, store.ViewerOf(y.Ana), probe1, probe1, uuid.NewString())
	if err != nil || len(got) != 1 || string(got[0].Data) != fmt.Sprintf(`{"student_id":%q,"score":9}`, student) || got[0].Type != "probe" || got[0].HLC != HLC(1, 0) || got[0].Seq != 1 {
		t.Errorf("y: RecordsByID(probe1, probe1, unknown) = %+v, %v", got, err)
	}
	got, err = s.RecordsByID(ctx, x.School.ID, store.ViewerOf(x.Ana), note, goal)
	if err != nil || ids(got) != set(goal) {
		t.Errorf("x: ana RecordsByID(restricted note, goal) = %+v, %v", got, err)
	}
	got, err = s.RecordsByID(ctx, x.School.ID, store.ViewerOf(x.Ben), note)
	if err != nil || len(got) != 1 || !got[0].Restricted || string(got[0].Data) != string(restrictedNote.Data) {
		t.Errorf("x: ben RecordsByID(his restricted note) = %+v, %v", got, err)
	}
	if got, err := s.RecordsByID(ctx, x.School.ID, store.ViewerOf(x.Ana)); err != nil || len(got) != 0 {
		t.Errorf("RecordsByID() = %+v, %v", got, err)
	}

	// A probe moves to the other student; an update that keeps the
	// references keeps them; an older version changes nothing.
	push(t, s, x, x.Admin, rec(probe1, "probe", HLC(2, 0), fmt.Sprintf(`{"student_id":%q,"score":3}`, other)),
		rec(probe2, "probe", HLC(2, 0), fmt.Sprintf(`{"student_id":%q,"score":4}`, student)),
		rec(goal, "goal", HLC(0, 5), fmt.Sprintf(`{"student_id":%q}`, other)))
	want("x: student's probes after a move", byRef(x, x.Ana, student, "probe"), set(probe2))
	want("x: other's records after a move", byRef(x, x.Ana, other), set(group, probe1))
	want("x: student's goals after a superseded push", byRef(x, x.Ana, student, "goal"), set(goal))
	if got, _ := s.RecordsByRef(ctx, x.School.ID, store.ViewerOf(x.Ana), student, "probe"); len(got) != 1 || string(got[0].Data) != fmt.Sprintf(`{"student_id":%q,"score":4}`, student) {
		t.Errorf("x: probe2 after an update = %+v", got)
	}
	want("y: unchanged by x", byRef(y, y.Ana, student), set(probe1))

	// A record changes type: it leaves the old type's indexes.
	push(t, s, x, x.Admin, rec(probe2, "cico_card", HLC(3, 0), fmt.Sprintf(`{"student_id":%q,"date":"2025-01-06"}`, student)))
	want("x: student's probes after a type change", byRef(x, x.Ana, student, "probe"), "")
	want("x: student's cards after a type change", byRef(x, x.Ana, student, "cico_card"), set(probe2))
	want("x: probes after a type change", byType(x, x.Ana, "probe"), set(probe1))
	want("x: cards after a type change", byType(x, x.Ana, "cico_card"), set(probe2))

	// A tombstone leaves every index; a newer live version comes back.
	push(t, s, x, x.Admin, tomb(probe2, HLC(4, 0)), tomb(group, HLC(4, 0)))
	want("x: student's records after tombstones", byRef(x, x.Admin, student), set(plan, goal, decision, note))
	want("x: the program's records after tombstones", byRef(x, x.Ana, program), set(plan))
	want("x: cards after a tombstone", byType(x, x.Ana, "cico_card"), "")
	if got, _ := s.RecordsByID(ctx, x.School.ID, store.ViewerOf(x.Admin), probe2, group); len(got) != 0 {
		t.Errorf("x: RecordsByID of tombstones = %+v", got)
	}
	push(t, s, x, x.Admin, rec(probe2, "probe", HLC(5, 0), fmt.Sprintf(`{"student_id":%q,"score":5}`, student)))
	want("x: student's probes after re-creation", byRef(x, x.Ana, student, "probe"), set(probe2))

	// Restriction follows the version held: made restricted by its author,
	// it leaves others' reads; made plain again, it is back.
	r := rec(probe2, "probe", HLC(6, 0), fmt.Sprintf(`{"student_id":%q,"score":6}`, student))
	r.Restricted = true
	push(t, s, x, x.Admin, r)
	want("x: student's probes, restricted by admin (ana)", byRef(x, x.Ana, student, "probe"), "")
	want("x: student's probes, restricted by admin (admin)", byRef(x, x.Admin, student, "probe"), set(probe2))
	want("x: probes, restricted (ben)", byType(x, x.Ben, "probe"), set(probe1))
	push(t, s, x, x.Admin, rec(probe2, "probe", HLC(7, 0), fmt.Sprintf(`{"student_id":%q,"score":7}`, student)))
	want("x: student's probes, plain again (ana)", byRef(x, x.Ana, student, "probe"), set(probe2))

	// A purged tombstone re-created after its stub is indexed again.
	push(t, s, x, x.Admin, tomb(probe2, HLC(8, 0)))
	if _, err := s.PurgeTombstones(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	push(t, s, x, x.Admin, rec(probe2, "probe", HLC(9, 0), fmt.Sprintf(`{"student_id":%q,"score":8}`, student)))
	want("x: student's probes after purge and re-creation", byRef(x, x.Ana, student, "probe"), set(probe2))
	want("y: untouched by x's changes", byType(y, y.Ana), set(probe1, goal))
}

// testViewerRule: the one rule of §6 that every read applies.
func testViewerRule(t *testing.T) {
	for _, c := range []struct {
		v          store.Viewer
		author     string
		restricted bool
		want       bool
	}{
		{store.Viewer{UserID: "ana"}, "ben", false, true},
		{store.Viewer{UserID: "ana"}, "ben", true, false},
		{store.Viewer{UserID: "ana"}, "ana", true, true},
		{store.Viewer{UserID: "admin", IsAdmin: true}, "ben", true, true},
		{store.Viewer{}, "", true, false}, // no user is nobody's author
		{store.Viewer{}, "", false, true},
	} {
		if got := c.v.CanSee(c.author, c.restricted); got != c.want {
			t.Errorf("%+v.CanSee(%q, %v) = %v", c.v, c.author, c.restricted, got)
		}
	}
	if got := record.IndexedRefs("student", []byte(`{"student_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00"}`)); got != nil {
		t.Errorf("a student references %v", got)
	}
	a, b := "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01", "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e02"
	plan := fmt.Sprintf(`{"student_id":%q,"program_id":%q,"group_id":%q,"tier":"x","notes":{"student_id":"nested"}}`, a, b, a)
	if got := record.IndexedRefs("plan", []byte(plan)); !slices.Equal(got, []string{a, b}) {
		t.Errorf("a plan references %v, want [%s %s] (distinct)", got, a, b)
	}
	if got := record.IndexedRefs("plan", []byte(`{"student_id":5,"program_id":"`+b+`"}`)); !slices.Equal(got, []string{b}) {
		t.Errorf("a plan with a wrong-typed field references %v, want [%s]", got, b)
	}
}

// IndexedData pushes a few related records into a new school of s and
// returns a check that the read indexes answer for them: a store's upgrade
// test seeds with it, drops or empties its indexes the way an older
// version's data would lack them, reopens, and checks.
func IndexedData(t testing.TB, s store.Store) (check func(t testing.TB, s store.Store)) {
	t.Helper()
	f := NewFixture(t, s, "upgrade")
	student, group, probe, gone, note := uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()
	n := rec(note, "note", HLC(1, 0), fmt.Sprintf(`{"student_id":%q}`, student))
	n.Restricted = true
	push(t, s, f, f.Admin,
		rec(student, "student", HLC(1, 0), `{"given_name":"Ava"}`),
		rec(group, "group", HLC(1, 0), fmt.Sprintf(`{"student_ids":[%q]}`, student)),
		rec(probe, "probe", HLC(1, 0), fmt.Sprintf(`{"student_id":%q}`, student)),
		rec(gone, "probe", HLC(1, 0), fmt.Sprintf(`{"student_id":%q}`, student)))
	push(t, s, f, f.Ben, n)
	push(t, s, f, f.Admin, tomb(gone, HLC(2, 0)))
	return func(t testing.TB, s store.Store) {
		t.Helper()
		for _, c := range []struct {
			u     store.User
			types []string
			want  string
		}{
			{f.Ana, nil, set(group, probe)},
			{f.Ben, nil, set(group, probe, note)},
			{f.Ana, []string{"probe"}, set(probe)},
		} {
			got, err := s.RecordsByRef(ctx, f.School.ID, store.ViewerOf(c.u), student, c.types...)
			if err != nil || ids(got) != c.want {
				t.Errorf("%s: RecordsByRef(student, %v) = [%s], %v; want [%s]", c.u.Username, c.types, ids(got), err, c.want)
			}
		}
		got, err := s.Records(ctx, f.School.ID, store.ViewerOf(f.Ana), "probe", "student")
		if err != nil || ids(got) != set(probe, student) {
			t.Errorf("Records(probe, student) = [%s], %v", ids(got), err)
		}
	}
}
