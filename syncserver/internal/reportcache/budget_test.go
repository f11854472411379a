package reportcache_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"smallwins/shared/hlc"
	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/boltstore"
	"smallwins/syncserver/internal/goaldata"
	"smallwins/syncserver/internal/reportcache"
	"smallwins/syncserver/internal/store"
	"smallwins/syncserver/internal/store/storetest"
)

// late is an as_of after every probe of seedProbes.
var late = mustDate("2027-06-07")

// seedProbes adds probes probes, one a day, to each of the school's goals'
// students, so every report as of late carries that many points: big
// reports from valid data.
func (s *school) seedProbes(t testing.TB, st store.Store, probes int) {
	t.Helper()
	var recs []record.Envelope
	for _, kid := range s.kids {
		for i := range probes {
			recs = append(recs, s.probe(kid, (mustDate("2025-01-07")+progress.Date(i)).String(), float64(40+i%30)))
		}
	}
	for len(recs) > 0 {
		n := min(len(recs), 5000)
		s.push(t, st, recs[:n]...)
		recs = recs[n:]
	}
}

// reportsAt asks the cache for every goal of s as of date and checks one
// answer against fresh, the school read afresh (nil: no check).
func reportsAt(t testing.TB, c *reportcache.Cache, fresh *goaldata.School, s *school, date progress.Date) {
	t.Helper()
	vs, err := c.Reports(context.Background(), s.f.School.ID, date, func(string, record.Goal) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != len(s.goals) {
		t.Fatalf("as of %s: %d reports for %d goals", date, len(vs), len(s.goals))
	}
	if fresh == nil {
		return
	}
	want, err := reportcache.Compute(fresh, vs[0].ID, date)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(vs[0].Report)
	b, _ := json.Marshal(want.Report)
	if string(a) != string(b) {
		t.Fatalf("as of %s, goal %s:\n cached %s\n fresh  %s", date, vs[0].ID, a, b)
	}
}

// schoolRead is the school read afresh from the store.
func schoolRead(t testing.TB, st store.Store, s *school) *goaldata.School {
	t.Helper()
	sch, err := goaldata.ReadSchool(context.Background(), st, s.f.School.ID, store.Viewer{})
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// oneDateBytes is what one as_of date of s takes in a cache without a
// practical bound.
func oneDateBytes(t testing.TB, st store.Store, s *school) int64 {
	t.Helper()
	c := reportcache.NewWithBytes(st, 0, 0, 1<<40)
	reportsAt(t, c, nil, s, late)
	return c.Stats().Bytes
}

// TestCacheStaysWithinItsByteBudget: as_of dates asked one after another
// fill the cache past its byte budget; the least recently used date leaves,
// the accounted bytes never pass the budget, and every answer is still the
// fresh one. A date larger than the budget keeps only what fits; a report
// larger than the whole budget is answered and never kept.
func TestCacheStaysWithinItsByteBudget(t *testing.T) {
	st, _ := stores(t, "bbolt")
	s := seed(t, st, "lincoln", 6)
	s.seedProbes(t, st, 300)
	fresh := schoolRead(t, st, s)
	perDate := oneDateBytes(t, st, s)
	if perDate < 6*300*64 {
		t.Fatalf("one date of 6 goals with 300 points each is estimated at %d bytes", perDate)
	}
	budget := perDate*5/2 + perDate/4 // two dates and a bit, not three
	c := reportcache.NewWithBytes(st, 0, 0, budget)
	d0, d1, d2 := late, late-1, late-2
	for _, d := range []progress.Date{d0, d1, d0} { // d0 used last
		reportsAt(t, c, fresh, s, d)
	}
	if got := c.Stats(); got.Bytes > budget || got.Evicted != 0 {
		t.Fatalf("two dates: %+v, budget %d", got, budget)
	}
	reportsAt(t, c, fresh, s, d2) // d1, least recently used, leaves
	after := c.Stats()
	if after.Bytes > budget || after.Evicted != int64(len(s.goals)) {
		t.Fatalf("a third date: %+v, want within %d and one date (%d reports) evicted", after, budget, len(s.goals))
	}
	reportsAt(t, c, fresh, s, d0) // still cached: nothing computed, nothing evicted
	if got := c.Stats(); got != after {
		t.Fatalf("d0 was evicted instead of d1: %+v, then %+v", after, got)
	}

	// Half a date: the date keeps what fits.
	half := reportcache.NewWithBytes(st, 0, 0, perDate/2)
	reportsAt(t, half, fresh, s, late)
	if got := half.Stats(); got.Bytes > perDate/2 || got.Bytes == 0 || got.Evicted == 0 {
		t.Fatalf("a budget of half a date: %+v (half %d)", got, perDate/2)
	}
	// Under one report: nothing kept, every answer still right.
	tiny := reportcache.NewWithBytes(st, 0, 0, perDate/int64(len(s.goals))/2)
	reportsAt(t, tiny, fresh, s, late)
	if got := tiny.Stats(); got.Bytes != 0 || got.TooLarge != int64(len(s.goals)) {
		t.Fatalf("a budget under one report: %+v", got)
	}
}

// TestCacheBudgetUnderConcurrency: readers of many dates and goal subsets
// while probes are pushed (-race checks the locking); at rest the
// accounted bytes are within the budget, dates were evicted, and the
// answers are the fresh ones.
func TestCacheBudgetUnderConcurrency(t *testing.T) {
	st, _ := stores(t, "bbolt")
	s := seed(t, st, "lincoln", 6)
	s.seedProbes(t, st, 200)
	budget := oneDateBytes(t, st, s) * 3 / 2
	c := reportcache.NewWithBytes(st, 0, 0, budget)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(r), 7))
			for {
				select {
				case <-stop:
					return
				default:
				}
				date := late - progress.Date(rnd.IntN(6))
				some := rnd.IntN(3)
				if _, err := c.Reports(context.Background(), s.f.School.ID, date, func(id string, _ record.Goal) bool {
					return some == 0 || id[0]%2 == byte(some-1)
				}); err != nil {
					t.Error(err)
					return
				}
				_ = c.Stats()
			}
		}()
	}
	for i := range 15 {
		s.push(t, st, s.probe(s.kids[i%len(s.kids)], fmt.Sprintf("2025-03-%02d", 1+i), float64(30+i)))
	}
	// The readers go on over the last version until dates had to leave.
	for deadline := time.Now().Add(20 * time.Second); c.Stats().Evicted == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if got := c.Stats(); got.Bytes > budget || got.Evicted == 0 {
		t.Fatalf("at rest: %+v, budget %d", got, budget)
	}
	fresh := schoolRead(t, st, s)
	for _, d := range []progress.Date{late, late - 5} {
		reportsAt(t, c, fresh, s, d)
	}
	if got := c.Stats(); got.Bytes > budget {
		t.Fatalf("after checking: %+v, budget %d", got, budget)
	}
}

// heapInUse is the live heap after a full collection.
func heapInUse() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// TestCacheBytesMatchTheHeap: the estimate is sound: the heap the cached
// reports really hold is not more than the bytes the cache accounts for
// them (and not wildly less: the estimate is a measure, not a guess).
func TestCacheBytesMatchTheHeap(t *testing.T) {
	st, _ := stores(t, "bbolt")
	s := seed(t, st, "lincoln", 12)
	s.seedProbes(t, st, 600)
	c := reportcache.NewWithBytes(st, 0, 0, 1<<40)
	// The school read alone (no goal kept), then three dates of reports.
	if _, err := c.Reports(context.Background(), s.f.School.ID, late, func(string, record.Goal) bool { return false }); err != nil {
		t.Fatal(err)
	}
	before := heapInUse()
	for d := range progress.Date(3) {
		if _, err := c.Reports(context.Background(), s.f.School.ID, late-d, func(string, record.Goal) bool { return true }); err != nil {
			t.Fatal(err)
		}
	}
	held := heapInUse() - before
	accounted := c.Stats().Bytes
	t.Logf("3 dates × %d goals × 600 points: heap %d bytes, accounted %d (%.2f×)", len(s.goals), held, accounted, float64(accounted)/float64(held))
	if accounted < held || accounted > 3*held {
		t.Fatalf("the cache accounts %d bytes for reports holding %d of heap", accounted, held)
	}
	runtime.KeepAlive(c)
}

// BenchmarkCacheHostileDates is ADR 0025's attack at a fifth of its
// scale: 200 goals and 3,000 calendar breaks that do not decode, each a
// warning in every goal's report, asked as of six dates. It reports the
// heap the cached reports hold and the bytes the cache accounts for, by
// entries alone (4 dates, as before) and within the default budget.
func BenchmarkCacheHostileDates(b *testing.B) {
	st, err := boltstore.Open(filepath.Join(b.TempDir(), "s.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	s := &school{f: storetest.NewFixture(b, st, "lincoln"), clock: hlc.NewClock(uuid.New(), hlc.State{}, nil)}
	var recs []record.Envelope
	for range 200 {
		kid := uuid.NewString()
		s.kids, s.goals = append(s.kids, kid), append(s.goals, uuid.NewString())
		recs = append(recs, record.Envelope{ID: s.goals[len(s.goals)-1], Type: "goal", Data: json.RawMessage(fmt.Sprintf(
			`{"student_id":%q,"measure":"orf_wcpm","direction":"up","start_date":"2025-01-06","baseline_scores":[40],"goal_score":76,"goal_date":"2025-05-12"}`, kid))})
	}
	for range 3000 {
		recs = append(recs, record.Envelope{ID: uuid.NewString(), Type: "calendar_break", Data: json.RawMessage(`{"name":"x","start_date":"nope","end_date":"nope"}`)})
	}
	s.push(b, st, recs...)
	all := func(string, record.Goal) bool { return true }
	for _, bc := range []struct {
		name  string
		bytes int64
	}{{"entries-only", 1 << 40}, {"default-64MiB", reportcache.DefaultMaxBytes}} {
		b.Run(bc.name, func(b *testing.B) {
			var held int64
			var stats reportcache.Stats
			for range b.N {
				c := reportcache.NewWithBytes(st, 0, 0, bc.bytes)
				if _, err := c.Reports(context.Background(), s.f.School.ID, asOf, func(string, record.Goal) bool { return false }); err != nil {
					b.Fatal(err)
				}
				before := heapInUse()
				for d := range progress.Date(6) {
					if _, err := c.Reports(context.Background(), s.f.School.ID, asOf-d, all); err != nil {
						b.Fatal(err)
					}
				}
				held, stats = heapInUse()-before, c.Stats()
				runtime.KeepAlive(c)
			}
			b.ReportMetric(float64(held)/(1<<20), "heap-MiB")
			b.ReportMetric(float64(stats.Bytes)/(1<<20), "accounted-MiB")
			b.ReportMetric(float64(stats.Evicted), "evicted-reports")
		})
	}
}
