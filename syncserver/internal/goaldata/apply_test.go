package goaldata_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/progress"
	"smallwins/shared/protocol"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/goaldata"
	"smallwins/syncserver/internal/store"
)

// TestApplyMatchesRead: after random writes of every kind a report reads
// (probes, sessions, observations, plans, programs, goals, decisions,
// breaks; new,
// changed, moved, deleted, made restricted), a School updated with Apply
// from the pulled changes gives every goal the report and decisions a
// fresh ReadSchool gives; and every goal Apply does not name as touched
// has the report it had before (the cache keeps those).
func TestApplyMatchesRead(t *testing.T) {
	ctx := context.Background()
	st, f, clock := newSchool(t)
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	var recs []record.Envelope
	add := func(id, typ, data string) string {
		recs = append(recs, record.Envelope{ID: id, Type: typ, HLC: clock.Now().String(), Data: json.RawMessage(data)})
		return id
	}
	del := func(id, typ string) {
		recs = append(recs, record.Envelope{ID: id, Type: typ, HLC: clock.Now().String(), Deleted: true})
	}
	start, _ := progress.ParseDate("2025-01-06")
	date := func() string { return (start + progress.Date(rng.IntN(80))).String() }
	programs := []string{uuid.NewString(), uuid.NewString()}
	groups := []string{uuid.NewString(), uuid.NewString(), uuid.NewString()}
	var students, plans, goals, probes, sessions, decisions, breaks, observations []string
	program := func(id string) {
		add(id, "program", fmt.Sprintf(`{"name":"P","area":"reading","steps":[{"id":"a","text":"A"},{"id":"%s","text":"B"}]}`, pick([]string{"b", "c"})))
	}
	plan := func(id, student string) {
		add(id, "plan", fmt.Sprintf(`{"student_id":%q,"program_id":%q,"group_id":%q,"start_date":%q,"sessions_per_week":%d,"minutes_per_session":30}`,
			student, pick(programs), pick(groups), date(), 1+rng.IntN(3)))
	}
	goal := func(id, student, plan string) {
		add(id, "goal", fmt.Sprintf(`{"student_id":%q,"plan_id":%q,"measure":"orf_wcpm","direction":"up","start_date":"2025-01-06","baseline_scores":[40],"goal_score":%d,"goal_date":"2025-05-12"}`,
			student, plan, 60+rng.IntN(30)))
	}
	probe := func(id string, restricted bool) {
		add(id, "probe", fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":%q,"score":%d}`, pick(students), date(), 30+rng.IntN(50)))
		recs[len(recs)-1].Restricted = restricted
	}
	session := func(id string) {
		st := pick([]string{"done", "skipped", "na"})
		add(id, "session", fmt.Sprintf(`{"group_id":%q,"program_id":%q,"date":%q,"status":"delivered","minutes":30,"attendance":[{"student_id":%q,"status":"present"}],"fidelity":[{"step_id":"a","status":%q}]}`,
			pick(groups), pick(programs), date(), pick(students), st))
	}
	// An observation of one of the sessions (or of one not written yet),
	// its checklist at random; now and then restricted.
	observation := func(id string) {
		sess := pick(sessions)
		if rng.IntN(5) == 0 {
			sess = uuid.NewString()
		}
		add(id, "observation", fmt.Sprintf(`{"session_id":%q,"observer_id":"coach","date":%q,"fidelity":[{"step_id":"a","status":%q},{"step_id":"b","status":%q}]}`,
			sess, date(), pick([]string{"done", "skipped", "na"}), pick([]string{"done", "skipped", "na"})))
		recs[len(recs)-1].Restricted = rng.IntN(6) == 0
	}
	decision := func(id string) {
		add(id, "decision", fmt.Sprintf(`{"student_id":%q,"goal_id":%q,"date":%q,"code":"continue","next_review_date":%q}`, pick(students), pick(goals), date(), date()))
	}
	for _, p := range programs {
		program(p)
	}
	for i := 0; i < 8; i++ {
		s, p, g := uuid.NewString(), uuid.NewString(), uuid.NewString()
		students, plans, goals = append(students, s), append(plans, p), append(goals, g)
		add(s, "student", `{"given_name":"S","family_name":"T"}`)
		plan(p, s)
		goal(g, s, p)
	}
	for i := 0; i < 40; i++ {
		probes = append(probes, uuid.NewString())
		probe(probes[i], false)
	}
	for i := 0; i < 20; i++ {
		sessions = append(sessions, uuid.NewString())
		session(sessions[i])
	}
	push := func() int64 {
		t.Helper()
		if _, err := st.Push(ctx, store.PushBatch{SchoolID: f.School.ID, Pusher: f.Admin.ID, PusherIsAdmin: true, Records: recs, At: time.Now()}); err != nil {
			t.Fatal(err)
		}
		recs = nil
		v, err := st.SchoolVersion(ctx, f.School.ID)
		if err != nil {
			t.Fatal(err)
		}
		return v.Seq
	}
	seq := push()
	asOf, _ := progress.ParseDate("2025-03-17")
	reports := func(s *goaldata.School) map[string]string {
		out := map[string]string{}
		for _, id := range s.GoalIDs() {
			ds, _ := s.Dataset(id)
			r, err := progress.Progress(ds, id, asOf)
			b, _ := json.Marshal(r)
			var decs []string
			for _, d := range progress.TeamDecisions(s.Decisions(id), id) {
				decs = append(decs, d.ID+d.HLC)
			}
			out[id] = fmt.Sprint(string(b), err, decs)
		}
		return out
	}
	cur, err := goaldata.ReadSchool(ctx, st, f.School.ID, store.Viewer{})
	if err != nil {
		t.Fatal(err)
	}
	before := reports(cur)
	ops := []func(){
		func() { id := uuid.NewString(); probes = append(probes, id); probe(id, false) },
		func() { probe(pick(probes), false) },
		func() { del(pick(probes), "probe") },
		func() { probe(pick(probes), true) },
		func() { id := uuid.NewString(); sessions = append(sessions, id); session(id) },
		func() { session(pick(sessions)) },
		func() { del(pick(sessions), "session") },
		func() { i := rng.IntN(len(plans)); plan(plans[i], students[i]) },
		func() { del(pick(plans), "plan") },
		func() { program(pick(programs)) },
		func() { i := rng.IntN(len(goals)); goal(goals[i], students[i], pick(plans)) },
		func() { del(pick(goals), "goal") },
		func() { id := uuid.NewString(); observations = append(observations, id); observation(id) },
		func() {
			if len(observations) > 0 {
				observation(pick(observations)) // changed, perhaps to another session
			}
		},
		func() {
			if len(observations) > 0 {
				del(pick(observations), "observation")
			}
		},
		func() { id := uuid.NewString(); decisions = append(decisions, id); decision(id) },
		func() {
			if len(decisions) > 0 {
				del(pick(decisions), "decision")
			}
		},
		func() {
			id := uuid.NewString()
			breaks = append(breaks, id)
			d := date()
			add(id, "calendar_break", fmt.Sprintf(`{"name":"B","start_date":%q,"end_date":%q}`, d, d))
		},
		func() {
			if len(breaks) > 0 {
				del(pick(breaks), "calendar_break")
			}
		},
	}
	for round := 0; round < 60; round++ {
		// A few writes, each its own push (one record may change twice in a
		// round), pulled together.
		var next int64
		for k := 0; k < 1+rng.IntN(4); k++ {
			ops[rng.IntN(len(ops))]()
			next = push()
		}
		page, err := st.Pull(ctx, store.PullQuery{SchoolID: f.School.ID, After: seq, Limit: protocol.MaxPullLimit, Viewer: store.Viewer{}})
		if err != nil || page.More {
			t.Fatalf("pull: %v more=%v", err, page.More)
		}
		seq = next
		applied, ch := cur.Apply(page.Records)
		fresh, err := goaldata.ReadSchool(ctx, st, f.School.ID, store.Viewer{})
		if err != nil {
			t.Fatal(err)
		}
		got, want := reports(applied), reports(fresh)
		if !reflect.DeepEqual(got, want) {
			for id := range want {
				if got[id] != want[id] {
					t.Fatalf("round %d goal %s:\n applied %s\n fresh   %s", round, id, got[id], want[id])
				}
			}
			t.Fatalf("round %d: goals applied %d, fresh %d", round, len(got), len(want))
		}
		if !ch.All {
			for id, r := range got {
				if !ch.Goals[id] && before[id] != r {
					t.Fatalf("round %d: goal %s changed but was not named:\n before %s\n after  %s", round, id, before[id], r)
				}
			}
		}
		// The School applied to is untouched (readers may hold it).
		if !reflect.DeepEqual(reports(cur), before) {
			t.Fatalf("round %d: Apply changed the School it was given", round)
		}
		cur, before = applied, got
	}
}
