package record

import (
	"github.com/google/uuid"
)

// TypeCICOPlan is a student's Check-In/Check-Out plan: the card's layout,
// set once and carried from day to day, and the fading phases of DOMAIN.md
// §3.9 (ADR 0640). It is a type of this app version; an older server stores
// and syncs it without interpreting it (PROTOCOL §2).
const TypeCICOPlan = "cico_plan"

// The phases of DOMAIN.md §3.9's fading, in their usual order.
const (
	// PhaseCICO: the adult rates the card (the phase every student starts in).
	PhaseCICO = "cico"
	// PhaseSelfManaged: the student rates the card, the adult rates it too
	// and checks the match.
	PhaseSelfManaged = "self_managed"
	// PhaseFaded: fewer check-ins; the card is still rated.
	PhaseFaded = "faded"
	// PhaseGraduated: the student has left CICO.
	PhaseGraduated = "graduated"
)

// Phases lists the phases in their usual order.
var Phases = []string{PhaseCICO, PhaseSelfManaged, PhaseFaded, PhaseGraduated}

// CICOPhase is one phase change: the student is in Phase from StartDate on.
type CICOPhase struct {
	Phase     string `json:"phase"`
	StartDate string `json:"start_date"`
}

// CICOPlan is a `cico_plan` record. A student has one: its id is
// CICOPlanID(student_id), so two tablets that set up the same student write
// versions of one record, and the later one wins with the other kept for
// conflict review (PROTOCOL §3), instead of two plans side by side.
type CICOPlan struct {
	StudentID    string      `json:"student_id"`
	Expectations []string    `json:"expectations"`
	Periods      []string    `json:"periods"`
	GoalPct      *float64    `json:"goal_pct,omitempty"` // nil means 80
	Phases       []CICOPhase `json:"phases,omitempty"`   // in date order; none: PhaseCICO
}

// cicoPlanSpace is the UUID namespace of CICOPlanID (a fixed random UUID).
var cicoPlanSpace = uuid.MustParse("6f1d2c8e-4b7a-4e39-9a52-0c3d5e7f9a10")

// CICOPlanID is the id of studentID's CICO plan: a name-based UUID (version
// 5), the same on every tablet.
func CICOPlanID(studentID string) string {
	return uuid.NewSHA1(cicoPlanSpace, []byte(studentID)).String()
}

// PhaseOn is the phase the plan puts the student in on date (YYYY-MM-DD):
// that of the latest change dated on or before it; PhaseCICO before any.
// since is the change's start date ("" for the implicit first phase).
func (p CICOPlan) PhaseOn(date string) (phase, since string) {
	phase = PhaseCICO
	for _, ph := range p.Phases {
		if ph.StartDate <= date && ph.StartDate >= since {
			phase, since = ph.Phase, ph.StartDate
		}
	}
	return phase, since
}

// Goal applies the default goal of 80%.
func (p CICOPlan) Goal() float64 {
	if p.GoalPct != nil {
		return *p.GoalPct
	}
	return 80
}

// RecordType is TypeCICOPlan.
func (CICOPlan) RecordType() string { return TypeCICOPlan }

// Refs: the student.
func (p CICOPlan) Refs() []Ref { return refs{}.add("student_id", TypeStudent, p.StudentID) }

// Owner: a CICO plan is listed under its student.
func (p CICOPlan) Owner() (Ref, bool) { return studentOwner(p.StudentID) }

// Title is "": a CICO plan is named by its student.
func (CICOPlan) Title() string { return "" }

// Describe: "CICO plan of Ana Lee".
func (p CICOPlan) Describe(n Namer) string {
	return "CICO plan of " + n.Name(Ref{"student_id", TypeStudent, p.StudentID})
}

// Validate checks a CICO plan: the card layout of `cico_card` (1–5
// expectations, 1–10 periods, each named), a goal of 1–100%, and phase
// changes of known phases in date order.
func (p CICOPlan) Validate() error {
	c := check{typ: TypeCICOPlan}
	c.id("student_id", "student", p.StudentID)
	if len(p.Expectations) < 1 || len(p.Expectations) > 5 {
		c.bad("expectations", "card_expectations")
	}
	for _, e := range p.Expectations {
		c.text("expectations", "each_expectation", e, 1, 60)
	}
	if len(p.Periods) < 1 || len(p.Periods) > 10 {
		c.bad("periods", "card_periods")
	}
	for _, e := range p.Periods {
		c.text("periods", "each_period", e, 1, 60)
	}
	if p.GoalPct != nil && !(*p.GoalPct >= 1 && *p.GoalPct <= 100) {
		c.bad("goal_pct", "plan_goal_pct")
	}
	if len(p.Phases) > 100 {
		c.bad("phases", "plan_phases")
	}
	prev := ""
	for _, ph := range p.Phases {
		c.oneOf("phases.phase", "phase", ph.Phase, true, Phases...)
		c.date("phases.start_date", "phase_start_date", ph.StartDate, true)
		if ph.StartDate < prev {
			c.bad("phases.start_date", "phase_order")
		}
		prev = ph.StartDate
	}
	p.bounds(&c)
	return c.result()
}

var _ Payload = CICOPlan{}
