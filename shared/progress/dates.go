// Package progress computes DOMAIN.md's progress rules and reports from
// records: pure functions, no I/O, no clock reads (`as_of` is passed in).
// The app and the server both call it, so their numbers are identical.
package progress

import (
	"fmt"
	"sort"
	"strings"

	"smallwins/shared/record"
)

// Date is a calendar date as days since 1970-01-01. It is record.Date (an
// alias, not a copy), so the report math, the records' validation and the
// screens share one date type; it lives in record because progress imports
// record, not the reverse.
type Date = record.Date

// ParseDate reads "YYYY-MM-DD" (record.ParseDate).
func ParseDate(s string) (Date, error) { return record.ParseDate(s) }

// span is an inclusive range of days; name is its break's (those of
// breaks merged into it, joined), for a chart's shading.
type span struct {
	from, to Date
	name     string
}

// Calendar knows the days with no instruction (DOMAIN.md §3.2).
type Calendar struct {
	breaks []span // merged, sorted
}

// NewCalendar builds a calendar from calendar_break records; invalid ones are
// reported through warn and ignored.
func NewCalendar(breaks []record.CalendarBreak, warn func(string)) Calendar {
	var spans []span
	for _, b := range breaks {
		f, err1 := ParseDate(b.StartDate)
		t, err2 := ParseDate(b.EndDate)
		if err1 != nil || err2 != nil || t < f {
			warn(fmt.Sprintf("calendar break %q skipped: its dates are invalid", b.Name))
			continue
		}
		spans = append(spans, span{f, t, b.Name})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
	var merged []span
	for _, s := range spans {
		if n := len(merged); n > 0 && s.from <= merged[n-1].to+1 {
			merged[n-1].to = max(merged[n-1].to, s.to)
			if s.name != "" && s.name != merged[n-1].name {
				merged[n-1].name = strings.TrimPrefix(merged[n-1].name+" / "+s.name, " / ")
			}
			continue
		}
		merged = append(merged, s)
	}
	return Calendar{breaks: merged}
}

// InstructionDays counts the days in [from, to] that lie in no break.
func (c Calendar) InstructionDays(from, to Date) int {
	if to < from {
		return 0
	}
	n := int(to-from) + 1
	for _, b := range c.breaks {
		lo, hi := max(b.from, from), min(b.to, to)
		if hi >= lo {
			n -= int(hi-lo) + 1
		}
	}
	return n
}

// IsBreak reports whether d lies in a break.
func (c Calendar) IsBreak(d Date) bool { return c.InstructionDays(d, d) == 0 }

// Week is DOMAIN.md §3.2's week(d) for a start date: the instruction days x
// with start < x ≤ d, divided by 7 (negative when d is before start).
func (c Calendar) Week(start, d Date) float64 {
	if d >= start {
		return float64(c.InstructionDays(start+1, d)) / 7
	}
	return -float64(c.InstructionDays(d+1, start)) / 7
}

// Pause is a calendar break as a goal's time axis sees it (§3.2): the
// clock stops at Week for the days From to To (inclusive), so on the week
// axis the break has no width. A chart on the calendar gives it its days
// back, shaded (ADR 0019).
type Pause struct {
	From, To Date
	Week     float64 // week(From) for the goal's start: where the clock stops
	Name     string
}

// Pauses are the breaks after start, by date, merged where they touch or
// overlap; a break that began on or before start counts from the day after
// it, as week(d) does.
func (c Calendar) Pauses(start Date) []Pause {
	var out []Pause
	for _, b := range c.breaks {
		if b.to <= start {
			continue
		}
		from := max(b.from, start+1)
		out = append(out, Pause{From: from, To: b.to, Week: c.Week(start, from), Name: b.name})
	}
	return out
}
