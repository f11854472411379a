// Package progress computes DOMAIN.md's progress rules and reports from
// records: pure functions, no I/O, no clock reads (`as_of` is passed in).
// The app and the server both call it, so their numbers are identical.
package progress

import (
	"sort"
	"strconv"

	"smallwins/shared/i18n"
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
// breaks merged into it, joined: at most maxSpanNames, then "…"), for a
// chart's shading; names counts them.
type span struct {
	from, to Date
	name     string
	names    int
}

// maxSpanNames bounds the names a merged span keeps: a chart has room for
// one or two, and joining every name of thousands of overlapping breaks
// would cost their square.
const maxSpanNames = 3

// Calendar knows the days with no instruction (DOMAIN.md §3.2). It is
// built once per set of breaks (a server builds one per school read and
// shares it by every goal's report), and answers InstructionDays in
// O(log breaks): a report asks it once per point.
type Calendar struct {
	breaks []span // merged, sorted
	before []int  // before[i]: the break days in breaks[:i]
	// skipped names the breaks left out (they do not decode, or their
	// dates are invalid), bounded as every report's warnings are.
	skipped Warnings
}

// NewCalendar builds a calendar from calendar_break records; invalid ones are
// reported through warn (when not nil) and ignored.
func NewCalendar(breaks []record.CalendarBreak, warn func(string)) Calendar {
	var skipped Warnings
	c := calendarOf(breaks, &skipped)
	if warn != nil {
		for _, s := range skipped.Lines() {
			warn(s)
		}
	}
	return c
}

// CalendarOf is the calendar of the calendar_break records among parts,
// and the warnings of those it skips (Warnings): those that do not decode,
// then those whose dates are invalid, each in id order whatever the order
// of parts. Records of other types are ignored. NewDatasetOf builds a
// dataset's calendar with it, so a calendar built once for a school is the
// one each goal's dataset would build.
func CalendarOf(parts []Decoded) Calendar {
	var own []Decoded
	for _, d := range parts {
		if d.Type == record.TypeCalendarBreak && !d.skip {
			own = append(own, d)
		}
	}
	var skipped Warnings
	var breaks []record.CalendarBreak
	for _, d := range sortedByID(own) {
		if d.err != nil {
			skipped.Add(skipWarning(d))
			continue
		}
		if b, ok := d.val.(record.CalendarBreak); ok {
			breaks = append(breaks, b)
		}
	}
	return calendarOf(breaks, &skipped)
}

// calendarOf merges the valid breaks, adding the invalid ones to skipped.
func calendarOf(breaks []record.CalendarBreak, skipped *Warnings) Calendar {
	var spans []span
	for _, b := range breaks {
		f, err1 := ParseDate(b.StartDate)
		t, err2 := ParseDate(b.EndDate)
		if err1 != nil || err2 != nil || t < f {
			skipped.Add(In(i18n.English).t("warning.break_skipped", i18n.Args{"Name": strconv.Quote(b.Name)}))
			continue
		}
		spans = append(spans, span{from: f, to: t, name: b.Name, names: min(1, len(b.Name))})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
	c := Calendar{skipped: *skipped}
	for _, s := range spans {
		if n := len(c.breaks); n > 0 && s.from <= c.breaks[n-1].to+1 {
			c.breaks[n-1].to = max(c.breaks[n-1].to, s.to)
			c.breaks[n-1].addName(s.name)
			continue
		}
		c.breaks = append(c.breaks, s)
	}
	c.before = make([]int, len(c.breaks)+1)
	for i, b := range c.breaks {
		c.before[i+1] = c.before[i] + int(b.to-b.from) + 1
	}
	return c
}

// addName adds a merged break's name: kept while there are fewer than
// maxSpanNames, then one "…" for the rest.
func (s *span) addName(name string) {
	switch {
	case name == "" || name == s.name || s.names > maxSpanNames:
	case s.names == 0:
		s.name, s.names = name, 1
	case s.names == maxSpanNames:
		s.name, s.names = s.name+" / …", s.names+1
	default:
		s.name, s.names = s.name+" / "+name, s.names+1
	}
}

// Warnings name the breaks the calendar left out.
func (c Calendar) Warnings() Warnings { return c.skipped }

// InstructionDays counts the days in [from, to] that lie in no break.
func (c Calendar) InstructionDays(from, to Date) int {
	if to < from {
		return 0
	}
	return int(to-from) + 1 - (c.breakDaysThrough(to) - c.breakDaysThrough(from-1))
}

// breakDaysThrough counts the break days on or before d: the merged
// breaks that start after d count nothing, those before the last one that
// starts on or before d count whole (they end before it starts), and that
// last one up to d.
func (c Calendar) breakDaysThrough(d Date) int {
	i := sort.Search(len(c.breaks), func(i int) bool { return c.breaks[i].from > d })
	if i == 0 {
		return 0
	}
	last := c.breaks[i-1]
	return c.before[i-1] + int(min(last.to, d)-last.from) + 1
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
