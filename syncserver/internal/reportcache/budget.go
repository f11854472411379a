package reportcache

// The byte budget of the cached reports (ADR 0025). A report's
// size follows its goal's records (points, decisions, warnings), and an
// interventionist chooses as_of: counting entries bounded nothing when one
// date of a hostile school held 600 MiB. Every report kept is estimated
// (viewBytes); past the budget, whole as_of dates leave, least recently
// used first, across all schools.

import "smallwins/shared/progress"

// Stats is what the cache holds and has dropped.
type Stats struct {
	// Bytes is the estimated size of every report the cache holds now.
	Bytes int64
	// Evicted counts reports dropped to stay within the byte budget.
	Evicted int64
	// TooLarge counts reports never kept because one alone was over it.
	TooLarge int64
}

// Stats returns the cache's byte count and evictions so far.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{Bytes: c.bytesLocked(), Evicted: c.evicted, TooLarge: c.tooLarge}
}

// MaxBytes is the cache's byte budget.
func (c *Cache) MaxBytes() int64 { return c.maxBytes }

// keep adds computed reports to ds and then evicts down to the budget. A
// report over the whole budget is returned to its request but never kept.
func (c *Cache) keep(ds *dateSet, vs []View) {
	sizes := make([]int64, len(vs))
	for i := range vs {
		sizes[i] = viewBytes(&vs[i])
	}
	var tooLarge int64
	ds.mu.Lock()
	for i, v := range vs {
		if sizes[i] > c.maxBytes {
			tooLarge++
			continue
		}
		ds.bytes += sizes[i] - ds.sizes[v.ID] // a goal computed twice replaces itself
		ds.goals[v.ID], ds.sizes[v.ID] = v, sizes[i]
	}
	ds.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tooLarge += tooLarge
	c.evictBytes(ds)
}

// bytesLocked sums the date sets of the schools the cache holds (a replaced
// or evicted entry no longer counts: only requests still hold it). At most
// MaxSchools × MaxDates sets. Called with c.mu held.
func (c *Cache) bytesLocked() int64 {
	var n int64
	for _, e := range c.schools {
		for _, ds := range e.dates {
			ds.mu.Lock()
			n += ds.bytes
			ds.mu.Unlock()
		}
	}
	return n
}

// evictBytes drops the least recently used date sets until the reports fit
// the budget; the set just added to (cur) goes last, and if it alone is
// over, reports of it are dropped until it fits. Called with c.mu held.
func (c *Cache) evictBytes(cur *dateSet) {
	for {
		over := c.bytesLocked() - c.maxBytes
		if over <= 0 {
			return
		}
		e, d, ds := c.leastRecentDate(cur)
		if ds == nil {
			c.trim(cur, over)
			return
		}
		delete(e.dates, d)
		ds.mu.Lock()
		c.evicted += int64(len(ds.goals))
		ds.mu.Unlock()
	}
}

// leastRecentDate is the least recently used date set other than cur that
// holds any report. Called with c.mu held.
func (c *Cache) leastRecentDate(cur *dateSet) (*entry, progress.Date, *dateSet) {
	var (
		oe *entry
		od progress.Date
		os *dateSet
	)
	for _, e := range c.schools {
		for d, ds := range e.dates {
			if ds == cur || (os != nil && ds.used >= os.used) {
				continue
			}
			ds.mu.Lock()
			empty := len(ds.goals) == 0
			ds.mu.Unlock()
			if !empty {
				oe, od, os = e, d, ds
			}
		}
	}
	return oe, od, os
}

// trim drops reports of ds until over bytes are gone: ds alone is over the
// budget (each report fits, so some stay). Which ones is arbitrary: the
// next request computes them again.
func (c *Cache) trim(ds *dateSet, over int64) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	for id, n := range ds.sizes {
		if over <= 0 {
			return
		}
		delete(ds.goals, id)
		delete(ds.sizes, id)
		ds.bytes -= n
		over -= n
		c.evicted++
	}
}
