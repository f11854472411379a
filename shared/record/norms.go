package record

import "strconv"

// DOMAIN.md §2's `observation`, `norm_table` and `probe_form` (ADR 0028):
// a coach's view of a session, and a district's norms and forms, which the
// district loads as data (§6) and which sync to tablets like any record.

// The record types of observations, norms and forms.
const (
	TypeObservation = "observation"
	TypeNormTable   = "norm_table"
	TypeProbeForm   = "probe_form"
)

// Observation is an `observation` record: a coach marks the observed
// session's checklist independently (DOMAIN.md §3.7a).
type Observation struct {
	SessionID  string     `json:"session_id"`
	ObserverID string     `json:"observer_id"`
	Date       string     `json:"date"`
	Fidelity   []StepMark `json:"fidelity"`
	Quality    *float64   `json:"quality,omitempty"`    // 1 not yet … 4 exemplary
	Engagement *float64   `json:"engagement,omitempty"` // 1–4
	Note       string     `json:"note,omitempty"`
}

// NormRow is one percentile of a norm table: the score at that percentile
// in each season and the weekly growth of students who started there; any
// of the four may be absent.
type NormRow struct {
	Percentile float64  `json:"percentile"`
	Fall       *float64 `json:"fall,omitempty"`
	Winter     *float64 `json:"winter,omitempty"`
	Spring     *float64 `json:"spring,omitempty"`
	ROI        *float64 `json:"roi,omitempty"`
}

// Benchmark is the score at or above which a student is on track, by
// season.
type Benchmark struct {
	Fall   *float64 `json:"fall,omitempty"`
	Winter *float64 `json:"winter,omitempty"`
	Spring *float64 `json:"spring,omitempty"`
}

// The seasons of DOMAIN.md §3.10, the names of a norm row's columns.
const (
	SeasonFall   = "fall"
	SeasonWinter = "winter"
	SeasonSpring = "spring"
)

// Score is the row's score of season (SeasonFall, …); nil when absent.
func (r NormRow) Score(season string) *float64 { return seasonOf(season, r.Fall, r.Winter, r.Spring) }

// Score is the benchmark of season; nil when absent.
func (b Benchmark) Score(season string) *float64 { return seasonOf(season, b.Fall, b.Winter, b.Spring) }

func seasonOf(season string, fall, winter, spring *float64) *float64 {
	switch season {
	case SeasonFall:
		return fall
	case SeasonWinter:
		return winter
	case SeasonSpring:
		return spring
	}
	return nil
}

// NormTable is a `norm_table` record: a district's norms for one measure
// and grade.
type NormTable struct {
	Measure   string     `json:"measure"`
	Grade     string     `json:"grade"`
	Source    string     `json:"source"`
	Rows      []NormRow  `json:"rows"`
	Benchmark *Benchmark `json:"benchmark,omitempty"`
}

// ProbeForm is a `probe_form` record: one of a district's passages or
// forms, given in Order. The text of a passage is never stored.
type ProbeForm struct {
	Measure string `json:"measure"`
	Grade   string `json:"grade"`
	FormID  string `json:"form_id"`
	// FormTitle is `title` (Title is the Payload's method).
	FormTitle string   `json:"title"`
	Order     *float64 `json:"order"` // required: nil is refused, 0 is an order
}

// The lengths of the new types' texts. DOMAIN.md §2 gives none; these are
// the bounds of the types' like fields (a note's body, a program's name).
const (
	maxNoteChars = 20000
	maxNameChars = 200
	maxCodeChars = 64 // a measure code or a form id
	// MaxNormRows is the most rows a norm table holds: one per percentile.
	MaxNormRows = 99
)

// Validate checks an observation: the shape of `session`'s checklist, a
// quality and engagement of 1–4 (Bounds), a note of at most 20,000
// characters. That the observer is not the session's interventionist and
// the date is the session's are rules between records, for the screens
// that write one (ADR 0028).
func (o Observation) Validate() error {
	c := check{typ: TypeObservation}
	c.id("session_id", "session", o.SessionID)
	if o.ObserverID == "" {
		c.bad("observer_id", "observer")
	}
	c.date("date", "date", o.Date, true)
	if o.Fidelity == nil {
		c.bad("fidelity", "fidelity")
	}
	for _, f := range o.Fidelity {
		if f.StepID == "" {
			c.bad("fidelity.step_id", "fidelity_step")
		}
		c.oneOf("fidelity.status", "step_status", f.Status, true, StepDone, StepSkipped, StepNA)
	}
	c.text("note", "note", o.Note, 0, maxNoteChars)
	o.bounds(&c)
	return c.result()
}

// Validate checks a norm table: a measure, a grade as a student's, a
// source, 1–99 rows with percentiles 1–99 strictly increasing, and scores
// and growth within their bounds (Bounds).
func (t NormTable) Validate() error {
	c := check{typ: TypeNormTable}
	c.text("measure", "measure", t.Measure, 1, maxCodeChars)
	if !gradePattern.MatchString(t.Grade) {
		c.bad("grade", "grade")
	}
	c.text("source", "source", t.Source, 1, maxNameChars)
	if len(t.Rows) < 1 || len(t.Rows) > MaxNormRows {
		c.bad("rows", "norm_rows", problemArgs{"Max": strconv.Itoa(MaxNormRows)})
	}
	t.bounds(&c) // a percentile outside 1–99 is named before the order
	for i := 1; i < len(t.Rows); i++ {
		if !(t.Rows[i].Percentile > t.Rows[i-1].Percentile) {
			c.bad("rows.percentile", "percentile_order", problemArgs{"Row": strconv.Itoa(i + 1)})
			break
		}
	}
	return c.result()
}

// Validate checks a probe form: a measure, a grade as a student's, a form
// id, a title and an order.
func (p ProbeForm) Validate() error {
	c := check{typ: TypeProbeForm}
	c.text("measure", "measure", p.Measure, 1, maxCodeChars)
	if !gradePattern.MatchString(p.Grade) {
		c.bad("grade", "grade")
	}
	c.text("form_id", "form_id", p.FormID, 1, maxCodeChars)
	c.text("title", "title", p.FormTitle, 1, maxNameChars)
	if p.Order == nil {
		c.bad("order", "order")
	}
	p.bounds(&c)
	return c.result()
}

func (o Observation) bounds(c *check) {
	c.dateIn("date", o.Date)
	c.optNum("quality", o.Quality)
	c.optNum("engagement", o.Engagement)
}

func (t NormTable) bounds(c *check) {
	for _, r := range t.Rows {
		c.num("rows.percentile", r.Percentile)
		c.optNum("rows.fall", r.Fall)
		c.optNum("rows.winter", r.Winter)
		c.optNum("rows.spring", r.Spring)
		c.optNum("rows.roi", r.ROI)
	}
	if b := t.Benchmark; b != nil {
		c.optNum("benchmark.fall", b.Fall)
		c.optNum("benchmark.winter", b.Winter)
		c.optNum("benchmark.spring", b.Spring)
	}
}

func (p ProbeForm) bounds(c *check) { c.optNum("order", p.Order) }

// RecordType is TypeObservation.
func (Observation) RecordType() string { return TypeObservation }

// RecordType is TypeNormTable.
func (NormTable) RecordType() string { return TypeNormTable }

// RecordType is TypeProbeForm.
func (ProbeForm) RecordType() string { return TypeProbeForm }

// Refs: the observed session.
func (o Observation) Refs() []Ref { return refs{}.add("session_id", TypeSession, o.SessionID) }

// Owner: an observation is listed under its session, which a report
// reaches through the plan's group (DOMAIN.md §3.7a).
func (o Observation) Owner() (Ref, bool) {
	return Ref{Field: "session_id", Type: TypeSession, ID: o.SessionID}, true
}

// Refs: none (a district's table refers to no record).
func (NormTable) Refs() []Ref { return nil }

// Owner: norm tables are listed by type.
func (NormTable) Owner() (Ref, bool) { return Ref{}, false }

// Refs: none.
func (ProbeForm) Refs() []Ref { return nil }

// Owner: forms are listed by type.
func (ProbeForm) Owner() (Ref, bool) { return Ref{}, false }

// Title is "": an observation is named by its session.
func (Observation) Title() string { return "" }

// Title is "": a norm table is named by its measure and grade.
func (NormTable) Title() string { return "" }

// Title is the form's title.
func (p ProbeForm) Title() string { return p.FormTitle }

// Describe: "Observation of Session of Bluebirds on Tue 4 Mar".
func (o Observation) Describe(n Namer) string {
	return "Observation of " + n.Name(Ref{"session_id", TypeSession, o.SessionID}) + " on " + n.Date(o.Date)
}

// Describe: "Norms for Oral reading fluency, grade 2 (District local norms 2026)".
func (t NormTable) Describe(Namer) string {
	return "Norms for " + MeasureOf(t.Measure).Name + ", grade " + t.Grade + " (" + t.Source + ")"
}

// Describe: "Probe form A3 (Oral reading fluency, grade 2, order 3)".
func (p ProbeForm) Describe(Namer) string {
	order := "?"
	if p.Order != nil {
		order = strconv.FormatFloat(*p.Order, 'f', -1, 64)
	}
	return "Probe form " + p.FormID + " " + p.FormTitle + " (" + MeasureOf(p.Measure).Name + ", grade " + p.Grade + ", order " + order + ")"
}

var (
	_ Payload = Observation{}
	_ Payload = NormTable{}
	_ Payload = ProbeForm{}
)
