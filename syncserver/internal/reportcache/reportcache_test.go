package reportcache_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/goaldata"
	"smallwins/syncserver/internal/pgstore"
	"smallwins/syncserver/internal/pgtest"
	"smallwins/syncserver/internal/reportcache"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

var asOf = mustDate("2025-03-17")

func mustDate(s string) progress.Date { d, _ := progress.ParseDate(s); return d }

// school is a small school pushed into a store: goals with plans, probes,
// sessions and a decision.
type school struct {
	f     storetest.Fixture
	clock *hlc.Clock
	goals []string
	kids  []string
}

func seed(t testing.TB, st store.Store, slug string, n int) *school {
	t.Helper()
	s := &school{f: storetest.NewFixture(t, st, slug), clock: hlc.NewClock(uuid.New(), hlc.State{}, nil)}
	prog, group := uuid.NewString(), uuid.NewString()
	var recs []record.Envelope
	add := func(id, typ, data string) {
		recs = append(recs, record.Envelope{ID: id, Type: typ, HLC: s.clock.Now().String(), Data: json.RawMessage(data)})
	}
	add(prog, "program", `{"name":"P","area":"reading","steps":[{"id":"a","text":"A"},{"id":"b","text":"B"}]}`)
	start := mustDate("2025-01-06")
	for i := 0; i < n; i++ {
		kid, plan, goal := uuid.NewString(), uuid.NewString(), uuid.NewString()
		s.kids, s.goals = append(s.kids, kid), append(s.goals, goal)
		add(plan, "plan", fmt.Sprintf(`{"student_id":%q,"program_id":%q,"group_id":%q,"start_date":"2025-01-06","sessions_per_week":1,"minutes_per_session":30}`, kid, prog, group))
		add(goal, "goal", fmt.Sprintf(`{"student_id":%q,"plan_id":%q,"measure":"orf_wcpm","direction":"up","start_date":"2025-01-06","baseline_scores":[40],"goal_score":76,"goal_date":"2025-05-12"}`, kid, plan))
		for w := 1; w <= 8; w++ {
			add(uuid.NewString(), "probe", fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":%q,"score":%d}`, kid, (start+progress.Date(7*w)).String(), 40+2*w+(i+w)%5))
		}
	}
	for w := 1; w <= 8; w++ {
		add(uuid.NewString(), "session", fmt.Sprintf(`{"group_id":%q,"program_id":%q,"date":%q,"status":"delivered","minutes":30,"attendance":[],"fidelity":[{"step_id":"a","status":"done"}]}`,
			group, prog, (start+progress.Date(7*w)).String()))
	}
	s.push(t, st, recs...)
	return s
}

func (s *school) push(t testing.TB, st store.Store, recs ...record.Envelope) {
	t.Helper()
	for i := range recs {
		if recs[i].HLC == "" {
			recs[i].HLC = s.clock.Now().String()
		}
	}
	if _, err := st.Push(context.Background(), store.PushBatch{SchoolID: s.f.School.ID, Pusher: s.f.Admin.ID, PusherIsAdmin: true, Records: recs, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

// probe is a new probe of kid's measure.
func (s *school) probe(kid, date string, score float64) record.Envelope {
	return record.Envelope{ID: uuid.NewString(), Type: "probe", HLC: s.clock.Now().String(),
		Data: json.RawMessage(fmt.Sprintf(`{"student_id":%q,"measure":"orf_wcpm","date":%q,"score":%v}`, kid, date, score))}
}

// fresh is what /v1/reports/progress computes right now, goal by goal
// through the indexed reads, as JSON by goal id.
func fresh(t testing.TB, st store.Store, s *school) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, g := range s.goals {
		ds, err := goaldata.Dataset(context.Background(), st, s.f.School.ID, store.ViewerOf(s.f.Admin), g)
		if err != nil {
			t.Fatal(err)
		}
		r, err := progress.Progress(ds, g, asOf)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		out[g] = string(b)
	}
	return out
}

func cached(t testing.TB, c *reportcache.Cache, s *school) map[string]string {
	t.Helper()
	vs, err := c.Reports(context.Background(), s.f.School.ID, asOf, func(string, record.Goal) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, v := range vs {
		b, _ := json.Marshal(v.Report)
		out[v.ID] = string(b)
	}
	return out
}

func diff(a, b map[string]string) string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if a[k] != b[k] {
			return fmt.Sprintf("goal %s:\n  cached %s\n  fresh  %s", k, a[k], b[k])
		}
	}
	return ""
}

// stores opens "two instances" of one store: on PostgreSQL two pools on
// one database, exactly as two servers; bbolt is one process's file, so its
// instances share the handle (the cache still only learns of a write
// through the store's version).
func stores(t testing.TB, kind string) (store.Store, store.Store) {
	t.Helper()
	switch kind {
	case "bbolt":
		st, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st, st
	default:
		url := pgtest.URL(t)
		a, err := pgstore.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		b, err := pgstore.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close(); b.Close() })
		return a, b
	}
}

// TestTwoInstancesSeeEveryWrite: two servers, each with its own cache, over
// one store. A write through either instance is in the next answer of both,
// with nothing told to the caches: each reads the school's version.
func TestTwoInstancesSeeEveryWrite(t *testing.T) {
	for _, kind := range []string{"bbolt", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			a, b := stores(t, kind)
			s := seed(t, a, "lincoln", 6)
			ca, cb := reportcache.New(a, 0, 0), reportcache.New(b, 0, 0)
			check := func(step string) {
				t.Helper()
				want := fresh(t, a, s)
				for name, c := range map[string]*reportcache.Cache{"a": ca, "b": cb} {
					if d := diff(cached(t, c, s), want); d != "" {
						t.Fatalf("%s: instance %s is stale: %s", step, name, d)
					}
				}
			}
			check("first")
			check("warm") // served from the caches
			// Through instance b: a probe far below the aimline.
			s.push(t, b, s.probe(s.kids[0], "2025-03-10", 1))
			check("after a probe through b")
			// Through instance a: the goal's plan is deleted (a tombstone).
			var plan string
			vs, _ := ca.Reports(context.Background(), s.f.School.ID, asOf, func(id string, g record.Goal) bool {
				if id == s.goals[1] {
					plan = g.PlanID
				}
				return true
			})
			if len(vs) != 6 || plan == "" {
				t.Fatalf("%d reports, plan %q", len(vs), plan)
			}
			s.push(t, a, record.Envelope{ID: plan, Type: "plan", Deleted: true})
			check("after a tombstone through a")
			// A new epoch (a restored store) is a new version too.
			if _, err := b.NewEpoch(context.Background()); err != nil {
				t.Fatal(err)
			}
			check("after a new epoch")
		})
	}
}

// TestConcurrentReadersAndWriters: while pushes go on, readers on two
// caches ask at once (-race checks the cache's locking); once the pushes
// are done, every answer is the fresh one.
func TestConcurrentReadersAndWriters(t *testing.T) {
	a, b := stores(t, "bbolt")
	s := seed(t, a, "lincoln", 5)
	caches := []*reportcache.Cache{reportcache.New(a, 0, 0), reportcache.New(b, 1, 1)}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c := caches[i%2]
				date := asOf - progress.Date(i%3) // a few dates, past the second cache's limit
				if _, err := c.Reports(context.Background(), s.f.School.ID, date, func(string, record.Goal) bool { return true }); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := 0; i < 20; i++ {
		s.push(t, a, s.probe(s.kids[i%5], fmt.Sprintf("2025-03-%02d", 1+i), float64(30+i)))
	}
	close(stop)
	wg.Wait()
	want := fresh(t, a, s)
	for i, c := range caches {
		if d := diff(cached(t, c, s), want); d != "" {
			t.Errorf("cache %d after the writes: %s", i, d)
		}
	}
}

// TestSchoolsAreApartAndBounded: two schools never share an entry, and a
// cache of one school still answers both correctly (evicting in turn).
func TestSchoolsAreApartAndBounded(t *testing.T) {
	st, _ := stores(t, "bbolt")
	x, y := seed(t, st, "x", 3), seed(t, st, "y", 4)
	c := reportcache.New(st, 1, 1)
	for round := 0; round < 3; round++ {
		for _, s := range []*school{x, y} {
			got := cached(t, c, s)
			if len(got) != len(s.goals) {
				t.Fatalf("round %d: %d reports for a school of %d goals", round, len(got), len(s.goals))
			}
			if d := diff(got, fresh(t, st, s)); d != "" {
				t.Fatalf("round %d: %s", round, d)
			}
		}
	}
	// keep filters; the unknown school is an error, not an empty answer.
	vs, err := c.Reports(context.Background(), x.f.School.ID, asOf, func(id string, _ record.Goal) bool { return id == x.goals[0] })
	if err != nil || len(vs) != 1 || vs[0].ID != x.goals[0] {
		t.Errorf("filtered: %v, %v", vs, err)
	}
	if _, err := c.Reports(context.Background(), uuid.NewString(), asOf, func(string, record.Goal) bool { return true }); err == nil {
		t.Errorf("unknown school: no error")
	}
}

// TestRestrictedNeverCached: a restricted probe changes no cached report
// (reports leave restricted records out) and its content is in no entry's
// output.
func TestRestrictedNeverCached(t *testing.T) {
	st, _ := stores(t, "bbolt")
	s := seed(t, st, "lincoln", 2)
	c := reportcache.New(st, 0, 0)
	before := cached(t, c, s)
	secret := s.probe(s.kids[0], "2025-03-11", 987654)
	secret.Restricted = true
	s.push(t, st, secret)
	after := cached(t, c, s)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("a restricted probe changed a report: %s", diff(after, before))
	}
	for _, r := range after {
		if strings.Contains(r, "987654") {
			t.Errorf("restricted score in a report: %s", r)
		}
	}
}

// TestReadWholeWhenAChangeCannotBeApplied: past the purge horizon (the
// pull answers resync_required) and past MaxDelta changed records, the
// entry is read whole, and the answers are still the fresh ones.
func TestReadWholeWhenAChangeCannotBeApplied(t *testing.T) {
	st, _ := stores(t, "bbolt")
	s := seed(t, st, "lincoln", 4)
	c := reportcache.New(st, 0, 0)
	cached(t, c, s)
	// A deleted probe, then a purge of every tombstone: the horizon passes
	// the entry's seq.
	p := s.probe(s.kids[1], "2025-03-11", 99)
	s.push(t, st, p)
	cached(t, c, s)
	s.push(t, st, record.Envelope{ID: p.ID, Type: "probe", Deleted: true})
	if n, err := st.PurgeTombstones(context.Background(), time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}
	if d := diff(cached(t, c, s), fresh(t, st, s)); d != "" {
		t.Fatalf("after a purge: %s", d)
	}
	// More changed records than one update takes.
	var many []record.Envelope
	for i := 0; i <= reportcache.MaxDelta; i++ {
		many = append(many, s.probe(s.kids[i%4], fmt.Sprintf("2025-02-%02d", 1+i%28), float64(i%90)))
	}
	s.push(t, st, many...)
	if d := diff(cached(t, c, s), fresh(t, st, s)); d != "" {
		t.Fatalf("after %d changes: %s", len(many), d)
	}
}
