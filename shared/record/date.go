package record

import (
	"fmt"
	"sort"
	"time"
)

// DateLayout is how DOMAIN.md §2 writes a date: "YYYY-MM-DD" in the
// school's calendar.
const DateLayout = "2006-01-02"

// Date is a calendar date as days since 1970-01-01. It lives here rather
// than in progress because payload validation needs it and progress imports
// record, not the other way round; one type serves records, report math and
// screens, so "the day after" and "which weekday" have one answer.
type Date int

// ParseDate reads "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return 0, fmt.Errorf("record: %q is not a date YYYY-MM-DD", s)
	}
	return Date(t.Unix() / 86400), nil
}

// DateOf is the calendar date of t where t was read (its location): the
// tablet's clock says which school day it is.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Time is midnight UTC of d, for formatting (e.g. "Tue 4 Mar").
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String renders "YYYY-MM-DD".
func (d Date) String() string { return d.Time().Format(DateLayout) }

// Weekday is DOMAIN.md's numbering: 1 (Monday) … 7 (Sunday).
func (d Date) Weekday() int { return Weekday(d.Time()) }

// Weekday converts a time's weekday to DOMAIN.md's numbering (Monday = 1 …
// Sunday = 7, as in `group.schedule`).
func Weekday(t time.Time) int {
	if t.Weekday() == time.Sunday {
		return 7
	}
	return int(t.Weekday())
}

// Median is the median of xs, the mean of the two middle values when their
// number is even (DOMAIN.md §3.1, §3.3); 0 for none. One function, so the
// app's "goal score must differ from the start score" and the report's
// start score cannot disagree.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
