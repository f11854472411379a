package httpapi

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

// bigSchool is the school of the attack run: 168,000 records, three years of
// a 300-student school, pushed through the store's Push in batches of 2000.
type bigSchool struct {
	st      store.Store
	f       storetest.Fixture
	goals   []string // goals with a plan, a group and probes
	records int
}

// buildBigSchool pushes 300 students, 5 programs, 40 groups of 7–8, a plan
// and 2 goals per student, 10 calendar breaks, 5 sessions a week per group
// (8 attendances, 6 fidelity marks), 2 weekly probes per student, 60 CICO
// students' daily cards, 10 decisions per student, and notes up to 168,000.
func buildBigSchool(b *testing.B) *bigSchool {
	st, err := boltstore.Open(filepath.Join(b.TempDir(), "big.db"), boltstore.WithNoSync())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	f := storetest.NewFixture(b, st, "big")
	bs := &bigSchool{st: st, f: f}
	rng := rand.New(rand.NewPCG(1, 2))
	var batch []record.Envelope
	wall := int64(1764000000000)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if _, err := st.Push(context.Background(), store.PushBatch{SchoolID: f.School.ID, Pusher: f.Admin.ID, PusherIsAdmin: true, Records: batch}); err != nil {
			b.Fatal(err)
		}
		bs.records += len(batch)
		batch = nil
	}
	add := func(typ, data string) string {
		id := uuid.NewString()
		wall++
		batch = append(batch, record.Envelope{ID: id, Type: typ, HLC: storetest.HLC(wall-1764000000000, 0), Data: []byte(data)})
		if len(batch) == 2000 {
			flush()
		}
		return id
	}
	start, _ := progress.ParseDate("2022-08-29")
	day := func(d int) string { return (start + progress.Date(d)).String() }
	const students, groups, weeks = 300, 40, 3 * 36
	var programs, studentIDs []string
	for i := range 5 {
		programs = append(programs, add("program", fmt.Sprintf(`{"name":"Program %d","area":"reading","steps":[{"id":"a","text":"Review"},{"id":"b","text":"Model"},{"id":"c","text":"Guided"},{"id":"d","text":"Practice"},{"id":"e","text":"Check"},{"id":"f","text":"Wrap up"}]}`, i)))
	}
	for i := range students {
		studentIDs = append(studentIDs, add("student", fmt.Sprintf(`{"given_name":"Given%d","family_name":"Family%d","grade":"%d","external_id":"sis-%d"}`, i, i, 1+i%5, i)))
	}
	for i := range 10 {
		add("calendar_break", fmt.Sprintf(`{"name":"Break %d","start_date":%q,"end_date":%q}`, i, day(100*i+60), day(100*i+64)))
	}
	members := make([][]string, groups)
	groupIDs := make([]string, groups)
	for g := range groups {
		for i := g; i < students; i += groups {
			members[g] = append(members[g], studentIDs[i])
		}
		ids := fmt.Sprintf("%q", members[g][0])
		for _, s := range members[g][1:] {
			ids += fmt.Sprintf(",%q", s)
		}
		groupIDs[g] = add("group", fmt.Sprintf(`{"name":"Group %d","program_id":%q,"student_ids":[%s],"schedule":[{"weekday":1,"start":"09:00"}]}`, g, programs[g%5], ids))
	}
	for i, s := range studentIDs {
		g := i % groups
		plan := add("plan", fmt.Sprintf(`{"student_id":%q,"program_id":%q,"group_id":%q,"tier":2,"start_date":%q,"sessions_per_week":5,"minutes_per_session":30}`, s, programs[g%5], groupIDs[g], day(0)))
		for _, m := range []string{"orf_wcpm", "maze"} {
			goal := add("goal", fmt.Sprintf(`{"student_id":%q,"plan_id":%q,"measure":%q,"direction":"up","start_date":%q,"baseline_scores":[40,42,41],"goal_score":90,"goal_date":%q}`, s, plan, m, day(0), day(7*weeks)))
			bs.goals = append(bs.goals, goal)
		}
	}
	for w := range weeks {
		for d := range 5 {
			for g := range groups {
				att := ""
				for k, s := range members[g] {
					if k > 0 {
						att += ","
					}
					att += fmt.Sprintf(`{"student_id":%q,"status":"present"}`, s)
				}
				add("session", fmt.Sprintf(`{"group_id":%q,"program_id":%q,"date":%q,"status":"delivered","minutes":30,"attendance":[%s],"fidelity":[{"step_id":"a","status":"done"},{"step_id":"b","status":"done"},{"step_id":"c","status":"done"},{"step_id":"d","status":"skipped"},{"step_id":"e","status":"done"},{"step_id":"f","status":"na"}]}`,
					groupIDs[g], programs[g%5], day(7*w+d), att))
			}
		}
		for i, s := range studentIDs {
			for _, m := range []string{"orf_wcpm", "maze"} {
				add("probe", fmt.Sprintf(`{"student_id":%q,"measure":%q,"date":%q,"score":%d,"seconds":60}`, s, m, day(7*w+i%5), 40+w/3+rng.IntN(10)))
			}
		}
	}
	for _, s := range studentIDs[:60] {
		for d := range 3 * 180 {
			add("cico_card", fmt.Sprintf(`{"student_id":%q,"date":%q,"expectations":["safe","kind","ready"],"periods":["am","mid","pm"],"ratings":[[2,1,2],[2,2,1],[1,2,2]]}`, s, day(d)))
		}
	}
	for _, s := range studentIDs {
		for k := range 10 {
			add("decision", fmt.Sprintf(`{"student_id":%q,"date":%q,"code":"continue","rationale":"Team review %d: on track."}`, s, day(100*k), k))
		}
	}
	for n := 0; bs.records+len(batch) < 168000; n++ {
		add("note", fmt.Sprintf(`{"student_id":%q,"author_id":"admin","category":"academic","body":"Note %d: read the passage twice, needed prompting on multisyllabic words, better after the model."}`, studentIDs[n%students], n))
	}
	flush()
	return bs
}

// wholeSchoolDataset is the report's read before the indexes: every record
// of the school decoded, the report types kept (the old Records did the
// same: a ForEach over all records, copying each one's data, then a type
// filter).
func wholeSchoolDataset(ctx context.Context, st store.Store, schoolID string, v store.Viewer) (*progress.Dataset, error) {
	all, err := st.Records(ctx, schoolID, v)
	if err != nil {
		return nil, err
	}
	types := []string{record.TypeGoal, record.TypePlan, record.TypeProgram, record.TypeSession,
		record.TypeProbe, record.TypeCalendarBreak, record.TypeCICOCard}
	keep := all[:0]
	for _, e := range all {
		if slices.Contains(types, e.Type) {
			keep = append(keep, e)
		}
	}
	return progress.NewDataset(keep), nil
}

// BenchmarkProgressReport: one goal's progress report in a 168k-record
// school, 10 reports at once, through the indexes and (baseline, same run)
// through the old whole-school read; and the attack's report on a goal
// that does not exist. ms/report is the mean time of one report while 10
// run; MiB/report is what each allocated.
func BenchmarkProgressReport(b *testing.B) {
	bs := buildBigSchool(b)
	b.Logf("school of %d records, %d goals", bs.records, len(bs.goals))
	asOf, _ := progress.ParseDate("2025-03-17")
	v := store.ViewerOf(bs.f.Ana)
	ctx := context.Background()
	paths := []struct {
		name    string
		dataset func(ctx context.Context, st store.Store, schoolID string, v store.Viewer, goalID string) (*progress.Dataset, error)
	}{
		{"indexed", goalDataset},
		{"whole-school", func(ctx context.Context, st store.Store, schoolID string, v store.Viewer, _ string) (*progress.Dataset, error) {
			return wholeSchoolDataset(ctx, st, schoolID, v)
		}},
	}
	for _, missing := range []bool{false, true} {
		for _, p := range paths {
			name := p.name
			if missing {
				name += "/missing-goal"
			}
			b.Run(name, func(b *testing.B) {
				var (
					mu    sync.Mutex
					spent time.Duration
					next  int
				)
				report := func(goal string) {
					t0 := time.Now()
					ds, err := p.dataset(ctx, bs.st, bs.f.School.ID, v, goal)
					if err == nil {
						var r progress.Report
						r, err = progress.Progress(ds, goal, asOf)
						if err == nil && (len(r.Points) < 50 || r.Delivery == nil || r.Delivery.DeliveredSessions < 100) {
							err = fmt.Errorf("report of %s too thin: %d points, %+v", goal, len(r.Points), r.Delivery)
						}
					}
					if missing != (err == progress.ErrGoalNotFound) {
						b.Error(err)
					}
					d := time.Since(t0)
					mu.Lock()
					spent += d
					mu.Unlock()
				}
				var m0, m1 runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m0)
				b.ResetTimer()
				var wg sync.WaitGroup
				work := make(chan string)
				for range 10 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for g := range work {
							report(g)
						}
					}()
				}
				for i := 0; i < b.N; i++ {
					g := uuid.NewString()
					if !missing {
						g = bs.goals[next%len(bs.goals)]
						next += 37
					}
					work <- g
				}
				close(work)
				wg.Wait()
				b.StopTimer()
				runtime.ReadMemStats(&m1)
				b.ReportMetric(spent.Seconds()*1000/float64(b.N), "ms/report")
				b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(b.N)/(1<<20), "MiB/report")
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
			})
		}
	}
}
