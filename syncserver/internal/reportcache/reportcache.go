// Package reportcache keeps, per school, every goal's progress report, so
// that a page reporting on a whole school (the console's caseload and
// meeting agenda, CONSOLE.md §5 "Fast") computes a goal once per change of
// the school's records instead of once per request.
//
// An entry is keyed on the school's version read from the store
// (store.SchoolVersion: the epoch and the last seq), read before the
// records, so the records behind an entry are never older than its key:
// on PostgreSQL with several server instances, a push through any instance
// raises the seq, and the next request of every instance reads the new seq
// and recomputes. Nothing is invalidated by hand; nothing in-process needs
// to hear of a write.
//
// Reports leave restricted records out whoever reads (DOMAIN.md §2), so
// one entry serves every viewer: the records are read with a viewer that
// sees nothing restricted, and restricted content never enters the cache.
// The caller filters the goals by its own scope.
//
// A new version is usually a tablet's sync of a few records: the entry is
// then updated from the records changed since its seq (one pull), and
// only the goals they touch are computed again; a new epoch, a purge past
// its seq or a large change reads the school whole.
//
// Memory is bounded: at most MaxSchools schools, each with at most MaxDates
// as_of dates, least recently used evicted first (ADR 0012); and the
// reports of all of them together within a byte budget (DefaultMaxBytes),
// estimated per report, least recently used date evicted first (ADR 0025).
package reportcache

import (
	"context"
	"errors"
	"maps"
	"runtime"
	"sync"

	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/goaldata"
	"smallwins/syncserver/internal/store"
)

// Defaults for New.
const (
	MaxSchools = 8
	MaxDates   = 4
	// DefaultMaxBytes bounds the estimated bytes of every cached report
	// together: a caseload of 2,000 ordinary goals is estimated at 5.8 MiB
	// per as_of date (3.6 MiB of heap), so about ten such dates fit
	// (ADR 0025).
	DefaultMaxBytes = 64 << 20
)

// View is one goal's report and what a page shows beside it, the same for
// every viewer.
type View struct {
	ID        string
	Goal      record.Goal
	Report    progress.Report
	Program   record.Program // the plan's program (zero without one)
	ProgramID string         // the plan's program_id ("" without a plan)
	PlanGroup string         // the plan's group_id ("" without a plan)
	Decisions []progress.TeamDecision
	ReviewDue bool
}

// Cache is safe for concurrent use.
type Cache struct {
	st                   store.RecordStore
	maxSchools, maxDates int
	maxBytes             int64

	mu      sync.Mutex
	tick    uint64
	schools map[string]*entry
	// evicted and tooLarge count reports dropped for the byte budget and
	// reports never kept because one alone is over it (Stats).
	evicted, tooLarge int64
}

// entry is one school at one version.
type entry struct {
	ver   store.SchoolVersion
	used  uint64
	ready chan struct{} // closed when school or err is set
	sch   *goaldata.School
	err   error
	// dates are guarded by Cache.mu; each set's goals by its own mutex.
	dates map[progress.Date]*dateSet
}

type dateSet struct {
	used  uint64
	mu    sync.Mutex
	goals map[string]View
	// sizes are the goals' estimated bytes (viewBytes) and bytes their sum,
	// guarded by mu like goals.
	sizes map[string]int64
	bytes int64
}

func newDateSet(used uint64) *dateSet {
	return &dateSet{used: used, goals: map[string]View{}, sizes: map[string]int64{}}
}

// New makes a cache over st with the default byte budget; zero limits take
// the defaults.
func New(st store.RecordStore, maxSchools, maxDates int) *Cache {
	return NewWithBytes(st, maxSchools, maxDates, 0)
}

// NewWithBytes is New with a byte budget for the cached reports (0 means
// DefaultMaxBytes).
func NewWithBytes(st store.RecordStore, maxSchools, maxDates int, maxBytes int64) *Cache {
	if maxSchools <= 0 {
		maxSchools = MaxSchools
	}
	if maxDates <= 0 {
		maxDates = MaxDates
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Cache{st: st, maxSchools: maxSchools, maxDates: maxDates, maxBytes: maxBytes, schools: map[string]*entry{}}
}

// Reports returns, as of asOf, the reports of the school's goals that keep
// accepts (keep sees each goal's record; goals whose record does not
// decode are never offered), in no particular order. A goal the report
// code rejects (progress.ErrGoalNotFound: it fails validation) is left
// out, as the API answers 404 for it.
func (c *Cache) Reports(ctx context.Context, schoolID string, asOf progress.Date, keep func(id string, g record.Goal) bool) ([]View, error) {
	e, err := c.entry(ctx, schoolID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, id := range e.sch.GoalIDs() {
		if g, ok := e.sch.GoalRecord(id); ok && keep(id, g) {
			ids = append(ids, id)
		}
	}
	ds := c.dateSet(e, asOf)
	out := make([]View, 0, len(ids))
	var missing []string
	ds.mu.Lock()
	for _, id := range ids {
		if g, ok := ds.goals[id]; ok {
			out = append(out, g)
		} else {
			missing = append(missing, id)
		}
	}
	ds.mu.Unlock()
	computed, err := compute(ctx, e.sch, missing, asOf)
	if err != nil {
		return nil, err
	}
	// Two requests missing the same goal both compute it; the results are
	// equal (the same records and date), so either may stay.
	c.keep(ds, computed)
	return append(out, computed...), nil
}

// entry returns the school's entry at its current version, reading the
// school when there is none: once, however many requests ask at once.
func (c *Cache) entry(ctx context.Context, schoolID string) (*entry, error) {
	ver, err := c.st.SchoolVersion(ctx, schoolID)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.tick++
	e := c.schools[schoolID]
	// An entry at the same epoch and this seq or a later one holds records
	// at least as new as the version just read: as good as a fresh read.
	if e == nil || e.ver.Epoch != ver.Epoch || e.ver.Seq < ver.Seq {
		prev := e
		e = &entry{ver: ver, ready: make(chan struct{}), dates: map[progress.Date]*dateSet{}}
		c.schools[schoolID] = e
		c.evictSchools()
		// The read outlives a request that gives up: others may wait on it.
		go func(ctx context.Context) {
			defer close(e.ready)
			if c.update(ctx, schoolID, prev, e) {
				return
			}
			e.sch, e.err = goaldata.ReadSchool(ctx, c.st, schoolID, store.Viewer{})
		}(context.WithoutCancel(ctx))
	}
	e.used = c.tick
	c.mu.Unlock()
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if e.err != nil {
		c.mu.Lock()
		if c.schools[schoolID] == e {
			delete(c.schools, schoolID) // the next request tries again
		}
		c.mu.Unlock()
		return nil, e.err
	}
	return e, nil
}

// MaxDelta is the most changed records an entry is updated with; past it
// (or past one pull page), the school is read again whole.
const MaxDelta = 2000

// update makes e from prev and the records changed since prev's seq (one
// pull after it, as a tablet pulls), when prev is loaded, of the same
// epoch, and the change is small: only the goals the changes touch are
// computed again (goaldata.School.Apply); every other goal's report is
// carried over, per date. It returns false when e must be read whole (a
// new epoch, the purge horizon passed prev's seq, too many changes, an
// error).
func (c *Cache) update(ctx context.Context, schoolID string, prev, e *entry) bool {
	if prev == nil || prev.ver.Epoch != e.ver.Epoch {
		return false
	}
	select {
	case <-prev.ready:
	default:
		return false // still loading: reading whole is no slower than waiting
	}
	if prev.err != nil {
		return false
	}
	page, err := c.st.Pull(ctx, store.PullQuery{SchoolID: schoolID, After: prev.ver.Seq, Limit: MaxDelta, MaxBytes: 32 << 20, Viewer: store.Viewer{}})
	if err != nil || page.More || page.Epoch != e.ver.Epoch {
		return false
	}
	sch, changed := prev.sch.Apply(page.Records)
	c.mu.Lock()
	old := maps.Clone(prev.dates)
	used := map[progress.Date]uint64{}
	for d, ds := range old {
		used[d] = ds.used // guarded by c.mu
	}
	c.mu.Unlock()
	carried := map[progress.Date]*dateSet{}
	if !changed.All {
		for d, ds := range old {
			keep := newDateSet(used[d])
			ds.mu.Lock()
			for id, v := range ds.goals {
				if !changed.Goals[id] {
					keep.goals[id], keep.sizes[id] = v, ds.sizes[id]
					keep.bytes += ds.sizes[id]
				}
			}
			ds.mu.Unlock()
			carried[d] = keep
		}
	}
	e.sch = sch
	c.mu.Lock()
	for d, ds := range carried {
		if _, ok := e.dates[d]; !ok {
			e.dates[d] = ds
		}
	}
	c.mu.Unlock()
	return true
}

// evictSchools drops the least recently used schools past the limit.
// Called with c.mu held.
func (c *Cache) evictSchools() {
	for len(c.schools) > c.maxSchools {
		var oldest string
		var at uint64
		first := true
		for id, e := range c.schools {
			if first || e.used < at {
				oldest, at, first = id, e.used, false
			}
		}
		delete(c.schools, oldest)
	}
}

// dateSet returns the entry's reports as of asOf, making room for them.
func (c *Cache) dateSet(e *entry, asOf progress.Date) *dateSet {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	ds := e.dates[asOf]
	if ds == nil {
		ds = newDateSet(0)
		e.dates[asOf] = ds
		for len(e.dates) > c.maxDates {
			var oldest progress.Date
			var at uint64
			first := true
			for d, s := range e.dates {
				if s != ds && (first || s.used < at) {
					oldest, at, first = d, s.used, false
				}
			}
			delete(e.dates, oldest)
		}
	}
	ds.used = c.tick
	return ds
}

// compute reports on goals, one worker per core: decoding is shared
// (goaldata.School), the report math is CPU work. It stops when ctx ends
// (the client gave up: issue 20) and then returns ctx's error and no
// reports, so the caller caches none of a half-done set.
func compute(ctx context.Context, sch *goaldata.School, ids []string, asOf progress.Date) ([]View, error) {
	out := make([]View, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(len(ids), max(2, runtime.GOMAXPROCS(0))); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i], errs[i] = Compute(sch, ids[i], asOf)
			}
		}()
	}
	for i := range ids {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	kept := out[:0]
	for i, g := range out {
		switch {
		case errors.Is(errs[i], progress.ErrGoalNotFound):
		case errs[i] != nil:
			return nil, errs[i]
		default:
			kept = append(kept, g)
		}
	}
	return kept, nil
}

// Compute is one goal's report from a school read, as /v1/reports/progress
// computes it (goaldata: the same records as the indexed reads).
func Compute(sch *goaldata.School, goalID string, asOf progress.Date) (View, error) {
	ds, err := sch.Dataset(goalID)
	if err != nil {
		return View{}, err
	}
	return Of(ds, goalID, sch.Decisions(goalID), asOf)
}

// Of is one goal's report and the rest of View from its dataset and
// decision records.
func Of(ds *progress.Dataset, goalID string, decisions []record.Envelope, asOf progress.Date) (View, error) {
	r, err := progress.Progress(ds, goalID, asOf)
	if err != nil {
		return View{}, err
	}
	g := View{ID: goalID, Goal: ds.Goals[goalID], Report: r, Decisions: progress.TeamDecisions(decisions, goalID)}
	g.ReviewDue = progress.ReviewDue(g.Decisions, r.PointsAfterBaseline, asOf)
	if plan, ok := ds.Plans[g.Goal.PlanID]; ok {
		g.Program, g.ProgramID, g.PlanGroup = ds.Programs[plan.ProgramID], plan.ProgramID, plan.GroupID
	}
	return g, nil
}
