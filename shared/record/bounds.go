package record

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
)

// DOMAIN.md §2 bounds every number and date a record carries, so that no
// record can make a report's arithmetic overflow or a chart's range
// unbounded (ADR 0022). The bounds live once, in the tables
// below; two checks read them:
//   - Bounds, on a decoded payload: each payload's Validate calls it, so the
//     app and the console refuse a record outside them before writing, and
//     the reports skip a stored one;
//   - DataBounds, on a record's raw `data`: the server's push path, which
//     does not decode payloads and must also bound the numbers in fields
//     this version does not know.

// Range is the closed interval [Min, Max] a number may take.
type Range struct{ Min, Max float64 }

// Contains reports whether v is in r; NaN is in no range.
func (r Range) Contains(v float64) bool { return v >= r.Min && v <= r.Max }

func (r Range) String() string {
	return "between " + r.MinText() + " and " + r.MaxText()
}

// MinText is the lower bound as the rules' messages write it ("0", "-0.5").
func (r Range) MinText() string { return figure(r.Min) }

// MaxText is the upper bound as the rules' messages write it.
func (r Range) MaxText() string { return figure(r.Max) }

// The bounds of DOMAIN.md §2.
var (
	// AnyNumber bounds a number whose field says nothing else, including
	// the numbers in fields this version does not know.
	AnyNumber    = Range{-1_000_000, 1_000_000}
	ScoreRange   = Range{0, 10_000} // probe score, raw_score, errors; goal baseline_scores, goal_score
	SecondsRange = Range{1, 600}
	MinutesRange = Range{0, 600}
	ROIRange     = Range{-1000, 1000} // typical_roi, per week
	RatingRange  = Range{0, 2}        // cico_card ratings (Validate also wants whole numbers)
	PercentRange = Range{0, 100}      // goal_pct
	WeekdayRange = Range{1, 7}
	// RubricRange bounds an observation's quality and engagement (1 not
	// yet … 4 exemplary).
	RubricRange = Range{1, 4}
	// PercentileRange bounds a norm table's row percentiles.
	PercentileRange = Range{1, 99}
)

// The dates of DOMAIN.md §2: a record's dates lie between these, inclusive.
const (
	MinDate = "2000-01-01"
	MaxDate = "2100-12-31"
)

var minDate, maxDate = mustDate(MinDate), mustDate(MaxDate)

func mustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// numberBounds are the numbers whose field has a range of its own, by type
// and field path: member names joined by ".", array levels left out
// (`attendance.minutes` is the minutes of every attendance entry,
// `ratings` every cell of the grid). Every other number is AnyNumber.
var numberBounds = map[string]map[string]Range{
	TypeProgram:     {"minutes_per_session": MinutesRange},
	TypeGroup:       {"schedule.weekday": WeekdayRange},
	TypePlan:        {"minutes_per_session": MinutesRange},
	TypeSession:     {"minutes": MinutesRange, "attendance.minutes": MinutesRange},
	TypeGoal:        {"baseline_scores": ScoreRange, "goal_score": ScoreRange, "typical_roi": ROIRange},
	TypeProbe:       {"score": ScoreRange, "raw_score": ScoreRange, "errors": ScoreRange, "seconds": SecondsRange},
	TypeCICOCard:    {"ratings": RatingRange, "student_ratings": RatingRange, "goal_pct": PercentRange},
	TypeCICOPlan:    {"goal_pct": PercentRange},
	TypeObservation: {"quality": RubricRange, "engagement": RubricRange},
	// A norm table's scores are scores of the measure, and its growth is
	// what a goal's typical_roi is set from: they take those fields'
	// ranges (ADR 0028).
	TypeNormTable: {"rows.percentile": PercentileRange, "rows.fall": ScoreRange, "rows.winter": ScoreRange,
		"rows.spring": ScoreRange, "rows.roi": ROIRange,
		"benchmark.fall": ScoreRange, "benchmark.winter": ScoreRange, "benchmark.spring": ScoreRange},
}

// dateFields are the fields of each type that hold a date, by path.
var dateFields = map[string]map[string]bool{
	TypePlan:          {"start_date": true, "end_date": true},
	TypeSession:       {"date": true},
	TypeGoal:          {"start_date": true, "goal_date": true},
	TypeProbe:         {"date": true},
	TypeCICOCard:      {"date": true},
	TypeCICOPlan:      {"phases.start_date": true},
	TypeDecision:      {"date": true, "next_review_date": true},
	TypeCalendarBreak: {"start_date": true, "end_date": true},
	TypeMeeting:       {"date": true},
	TypeMeetingAction: {"due_date": true},
	TypeObservation:   {"date": true},
}

// RangeOf is the range of a number at path in a record of type typ.
func RangeOf(typ, path string) Range {
	if r, ok := numberBounds[typ][path]; ok {
		return r
	}
	return AnyNumber
}

// ParseNumber reads a number a person typed or a file holds, as
// strconv.ParseFloat does, but refuses what a record cannot carry: NaN,
// ±Inf (JSON has no such numbers) and numbers beyond a float64 (1e400).
// Whether it is in bounds is Bounds' matter, which names the field.
func ParseNumber(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("record: %q is not a finite number", s)
	}
	return v, nil
}

// bounder is a payload with numbers or dates to bound.
type bounder interface{ bounds(c *check) }

// Bounds checks only the numbers and dates of p against DOMAIN.md §2's
// bounds: every number finite and in its range, every date that parses
// between MinDate and MaxDate (a date that does not parse is Validate's
// to refuse, as a shape). A refusal is a *FieldError naming the field.
func Bounds(p Payload) error {
	b, ok := p.(bounder)
	if !ok {
		return nil
	}
	c := check{typ: p.RecordType()}
	b.bounds(&c)
	return c.result()
}

// num bounds one number of the payload.
func (c *check) num(path string, v float64) {
	r := RangeOf(c.typ, path)
	switch {
	case math.IsInf(v, 0) || math.IsNaN(v):
		c.bad(path, "finite", rangeArgs(path, r))
	case !r.Contains(v):
		c.bad(path, "range", rangeArgs(path, r))
	}
}

// optNum is num for an optional number.
func (c *check) optNum(path string, v *float64) {
	if v != nil {
		c.num(path, *v)
	}
}

// dateIn bounds a date: one that does not parse is not a bound's matter.
func (c *check) dateIn(path, s string) {
	if d, err := ParseDate(s); err == nil && (d < minDate || d > maxDate) {
		c.bad(path, "range", problemArgs{"Field": path, "Min": MinDate, "Max": MaxDate})
	}
}

func (p Program) bounds(c *check) {
	c.num("sessions_per_week", p.SessionsPerWeek)
	c.num("minutes_per_session", p.MinutesPerSession)
}

func (g Group) bounds(c *check) {
	for _, sl := range g.Schedule {
		if sl.Weekday != 0 { // 0 is absent, which Validate refuses as a shape
			c.num("schedule.weekday", float64(sl.Weekday))
		}
	}
}

func (p Plan) bounds(c *check) {
	c.num("tier", float64(p.Tier))
	c.dateIn("start_date", p.StartDate)
	c.dateIn("end_date", p.EndDate)
	c.num("sessions_per_week", p.SessionsPerWeek)
	c.num("minutes_per_session", p.MinutesPerSession)
	c.num("probe_every_days", p.ProbeEveryDays)
}

func (s Session) bounds(c *check) {
	c.dateIn("date", s.Date)
	c.num("minutes", s.Minutes)
	for _, a := range s.Attendance {
		c.optNum("attendance.minutes", a.Minutes)
	}
}

func (g Goal) bounds(c *check) {
	c.dateIn("start_date", g.StartDate)
	for _, v := range g.BaselineScores {
		c.num("baseline_scores", v)
	}
	c.num("goal_score", g.GoalScore)
	c.dateIn("goal_date", g.GoalDate)
	c.optNum("typical_roi", g.TypicalROI)
}

func (p Probe) bounds(c *check) {
	c.dateIn("date", p.Date)
	c.num("score", p.Score)
	c.optNum("errors", p.Errors)
	if p.Seconds != 0 { // 0 is absent: the default, 60
		c.num("seconds", p.Seconds)
	}
	c.optNum("raw_score", p.RawScore)
}

func (k CICOCard) bounds(c *check) {
	c.dateIn("date", k.Date)
	for _, grid := range []struct {
		path string
		rows [][]*float64
	}{{"ratings", k.Ratings}, {"student_ratings", k.StudentRatings}} {
		for _, row := range grid.rows {
			for _, v := range row {
				c.optNum(grid.path, v)
			}
		}
	}
	c.optNum("goal_pct", k.GoalPct)
}

func (p CICOPlan) bounds(c *check) {
	c.optNum("goal_pct", p.GoalPct)
	for _, ph := range p.Phases {
		c.dateIn("phases.start_date", ph.StartDate)
	}
}

func (d Decision) bounds(c *check) {
	c.dateIn("date", d.Date)
	c.dateIn("next_review_date", d.NextReviewDate)
}

func (b CalendarBreak) bounds(c *check) {
	c.dateIn("start_date", b.StartDate)
	c.dateIn("end_date", b.EndDate)
}

// DataBounds checks the raw `data` of a record of type typ against the
// bounds, without decoding it as a payload: every number anywhere in it,
// in fields this version knows or not, nested or not, must be finite
// (1e400 overflows a float64) and in its field's range, and every known
// date field that holds a date between MinDate and MaxDate. Types this
// version does not know are not interpreted (PROTOCOL §2): nil. A string
// in a date field that is not a date is left alone too: the server does
// not enforce shapes, and the reports skip such a record (ADR 0022).
//
// It reads data token by token, once, stopping at the first refusal; a
// refusal is a *FieldError whose Reason names the type and the field's
// path, e.g. "probe.score must be between 0 and 10000", as the push's
// error message says it.
// data that is not one JSON object nesting at most MaxDepth levels is an
// ErrInvalid (ValidateData refuses it first on every path that writes).
func DataBounds(typ string, data json.RawMessage) error {
	if _, known := registry[typ]; !known {
		return nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil // a tombstone
	}
	dec := decoders.Get().(*jsontext.Decoder)
	defer decoders.Put(dec)
	dec.Reset(bytes.NewReader(data))
	w := walker{typ: typ, nums: numberBounds[typ], dates: dateFields[typ]}
	for {
		tok, err := dec.ReadToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: data is not valid JSON", ErrInvalid)
		}
		if dec.StackDepth() > MaxDepth {
			return fmt.Errorf("%w: data nests deeper than %d levels", ErrInvalid, MaxDepth)
		}
		if err := w.token(tok); err != nil {
			return err
		}
	}
}

// walker follows the path of the token being read. path holds the member
// names from the top, joined by "."; each open container remembers where
// the path stood when it opened.
type walker struct {
	typ    string
	nums   map[string]Range // numberBounds[typ]
	dates  map[string]bool
	path   []byte
	frames []frame
}

type frame struct {
	object   bool
	base     int  // len(path) when the container opened
	wantName bool // in an object: the next string is a member name
}

func (w *walker) token(tok jsontext.Token) error {
	switch k := tok.Kind(); k {
	case '{', '[':
		w.frames = append(w.frames, frame{object: k == '{', base: len(w.path), wantName: k == '{'})
		return nil
	case '}', ']':
		w.frames = w.frames[:len(w.frames)-1]
		w.valueDone()
		return nil
	case '"':
		if top := w.top(); top != nil && top.object && top.wantName {
			if top.base > 0 {
				w.path = append(w.path, '.')
			}
			w.path = append(w.path, tok.String()...)
			top.wantName = false
			return nil
		}
		err := w.date(tok.String())
		w.valueDone()
		return err
	case '0':
		v, _ := tok.Float() // ±Inf when it overflows a float64
		err := w.number(v)
		w.valueDone()
		return err
	}
	w.valueDone() // null, true, false
	return nil
}

func (w *walker) top() *frame {
	if len(w.frames) == 0 {
		return nil
	}
	return &w.frames[len(w.frames)-1]
}

// valueDone ends a member's value: its name leaves the path.
func (w *walker) valueDone() {
	if top := w.top(); top != nil && top.object {
		w.path = w.path[:top.base]
		top.wantName = true
	}
}

func (w *walker) number(v float64) error {
	r, ok := w.nums[string(w.path)]
	if !ok {
		r = AnyNumber
	}
	switch {
	case math.IsInf(v, 0):
		return w.refuse("finite", rangeArgs("", r))
	case !r.Contains(v):
		return w.refuse("range", rangeArgs("", r))
	}
	return nil
}

func (w *walker) date(s string) error {
	if !w.dates[string(w.path)] {
		return nil
	}
	if d, err := ParseDate(s); err == nil && (d < minDate || d > maxDate) {
		return w.refuse("range", problemArgs{"Min": MinDate, "Max": MaxDate})
	}
	return nil
}

// fieldName is a path a message may repeat: the path came from the client,
// so one that does not look like DOMAIN's field names is not echoed.
var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}(\.[a-z][a-z0-9_]{0,63}){0,7}$`)

// refuse is the refusal of rule ("range" or "finite") at the walker's
// path: the message names the type and the field
// ("probe.score must be …"); the path came from the client, so one that
// does not look like DOMAIN's field names is not echoed ("a number in
// probe data must be …").
func (w *walker) refuse(rule string, args problemArgs) error {
	args["Type"] = w.typ
	if !fieldName.Match(w.path) {
		delete(args, "Field")
		return newFieldError(w.typ, "data", "data_any_"+rule, args)
	}
	args["Field"] = string(w.path)
	return newFieldError(w.typ, string(w.path), "data_"+rule, args)
}
