package reportcache

import "smallwins/shared/progress"

// CachedGoals is how many goal reports the cache holds for a school as of
// a date (tests only).
func (c *Cache) CachedGoals(schoolID string, asOf progress.Date) int {
	c.mu.Lock()
	e := c.schools[schoolID]
	var ds *dateSet
	if e != nil {
		ds = e.dates[asOf]
	}
	c.mu.Unlock()
	if ds == nil {
		return 0
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	return len(ds.goals)
}
