package record

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"
)

// The rules of DOMAIN.md §2, one Validate per payload type. The reasons are
// written for a person, in the catalog (problems.<lang>.json); the first
// rule broken (in field order) is reported.

// check collects the first broken rule of one payload.
type check struct {
	typ string
	err *FieldError
}

// bad refuses field by rule (problem.<rule> in the catalog) with its
// arguments, unless a rule was already broken.
func (c *check) bad(field, rule string, args ...problemArgs) {
	if c.err == nil {
		var a problemArgs
		if len(args) > 0 {
			a = args[0]
		}
		c.err = newFieldError(c.typ, field, rule, a)
	}
}

// result returns the first broken rule as an error, or nil; a nil
// *FieldError must not become a non-nil error.
func (c *check) result() error {
	if c.err == nil {
		return nil
	}
	return c.err
}

// id requires a canonical uuid; name is the field in words, a key of
// problem.name.* in the catalog.
func (c *check) id(field, name, s string) {
	if !IsID(s) {
		c.bad(field, "required", problemArgs{"Name": name})
	}
}

// optionalID is id for a reference that may be absent.
func (c *check) optionalID(field, name, s string) {
	if s != "" {
		c.id(field, name, s)
	}
}

func (c *check) date(field, name, s string, required bool) {
	if s == "" {
		if required {
			c.bad(field, "required", problemArgs{"Name": name})
		}
		return
	}
	if _, err := ParseDate(s); err != nil {
		c.bad(field, "date", problemArgs{"Name": name})
	}
}

func (c *check) text(field, name, s string, lo, hi int) {
	if n := utf8.RuneCountInString(s); n < lo || n > hi {
		if lo > 0 && n == 0 {
			c.bad(field, "required", problemArgs{"Name": name})
		} else {
			c.bad(field, "length", problemArgs{"Name": name, "Min": strconv.Itoa(lo), "Max": strconv.Itoa(hi)})
		}
	}
}

func (c *check) oneOf(field, name, s string, required bool, allowed ...string) {
	if s == "" && !required {
		return
	}
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	c.bad(field, "one_of", problemArgs{"Name": name, "Allowed": fmt.Sprint(allowed)})
}

var gradePattern = regexp.MustCompile(`^(PK|K|[1-9]|1[0-2])$`)

// IsGrade reports whether s is a grade as DOMAIN.md §2 writes it: "PK",
// "K", "1"…"12" (a student's, a norm table's, a form's).
func IsGrade(s string) bool { return gradePattern.MatchString(s) }

// Validate checks a student.
func (s Student) Validate() error {
	c := check{typ: TypeStudent}
	c.text("given_name", "given_name", s.GivenName, 1, 100)
	c.text("family_name", "family_name", s.FamilyName, 1, 100)
	if !gradePattern.MatchString(s.Grade) {
		c.bad("grade", "grade")
	}
	return c.result()
}

// Validate checks a program and its checklist.
func (p Program) Validate() error {
	c := check{typ: TypeProgram}
	c.text("name", "name", p.Name, 1, 200)
	c.oneOf("area", "area", p.Area, true, AreaReading, AreaMath, AreaBehavior, AreaOther)
	if len(p.Steps) < 1 || len(p.Steps) > 30 {
		c.bad("steps", "program_steps")
	}
	seen := map[string]bool{}
	for _, st := range p.Steps {
		if st.ID == "" || seen[st.ID] {
			c.bad("steps.id", "step_ids")
			break
		}
		seen[st.ID] = true
	}
	p.bounds(&c)
	return c.result()
}

// Validate checks a group.
func (g Group) Validate() error {
	c := check{typ: TypeGroup}
	c.text("name", "name", g.Name, 1, 200)
	c.id("program_id", "program", g.ProgramID)
	if len(g.StudentIDs) < 1 || len(g.StudentIDs) > 12 {
		c.bad("student_ids", "group_students")
	}
	for _, sid := range g.StudentIDs {
		c.id("student_ids", "student", sid)
	}
	for _, sl := range g.Schedule {
		if sl.Weekday < 1 || sl.Weekday > 7 {
			c.bad("schedule.weekday", "schedule_weekday")
		}
		if _, err := time.Parse("15:04", sl.Start); err != nil {
			c.bad("schedule.start", "schedule_start")
		}
	}
	g.bounds(&c)
	return c.result()
}

// Validate checks a plan.
func (p Plan) Validate() error {
	c := check{typ: TypePlan}
	c.id("student_id", "student", p.StudentID)
	c.id("program_id", "program", p.ProgramID)
	c.optionalID("group_id", "group", p.GroupID)
	if p.Tier != 0 && p.Tier != 2 && p.Tier != 3 {
		c.bad("tier", "tier")
	}
	c.date("start_date", "start_date", p.StartDate, true)
	c.date("end_date", "end_date", p.EndDate, false)
	if p.SessionsPerWeek <= 0 {
		c.bad("sessions_per_week", "sessions_per_week")
	}
	if p.MinutesPerSession <= 0 {
		c.bad("minutes_per_session", "minutes_per_session")
	}
	p.bounds(&c)
	return c.result()
}

// Validate checks a session as saved tap by tap: minutes of a late or
// early-leaving student are required only once it is delivered.
func (s Session) Validate() error {
	c := check{typ: TypeSession}
	c.id("group_id", "group", s.GroupID)
	c.id("program_id", "program", s.ProgramID)
	c.date("date", "date", s.Date, true)
	if s.StartedAt != "" {
		if _, err := time.Parse(time.RFC3339, s.StartedAt); err != nil {
			c.bad("started_at", "started_at")
		}
	}
	c.oneOf("status", "status", s.Status, true, SessionInProgress, SessionDelivered, SessionCancelled)
	if s.Attendance == nil {
		c.bad("attendance", "attendance")
	}
	for _, a := range s.Attendance {
		c.id("attendance.student_id", "attendance_student", a.StudentID)
		c.oneOf("attendance.status", "attendance_status", a.Status, true, Present, Absent, Late, LeftEarly)
		if s.Status == SessionDelivered && (a.Status == Late || a.Status == LeftEarly) && a.Minutes == nil {
			c.bad("attendance.minutes", "late_minutes")
		}
	}
	if s.Fidelity == nil {
		c.bad("fidelity", "fidelity")
	}
	for _, f := range s.Fidelity {
		if f.StepID == "" {
			c.bad("fidelity.step_id", "fidelity_step")
		}
		c.oneOf("fidelity.status", "step_status", f.Status, true, StepDone, StepSkipped, StepNA)
	}
	s.bounds(&c)
	return c.result()
}

// Validate checks a note.
func (n Note) Validate() error {
	c := check{typ: TypeNote}
	c.id("student_id", "student", n.StudentID)
	if n.AuthorID == "" {
		c.bad("author_id", "author")
	}
	c.text("body", "note", n.Body, 1, 20000)
	c.oneOf("category", "category", n.Category, false, NoteAcademic, NoteBehavior, NoteFamily,
		NoteAttendance, NoteHealth, NoteOther)
	c.optionalID("session_id", "session", n.SessionID)
	return c.result()
}

// Validate checks a goal; its start score is the median of its baseline.
func (g Goal) Validate() error {
	c := check{typ: TypeGoal}
	c.id("student_id", "student", g.StudentID)
	c.optionalID("plan_id", "plan", g.PlanID)
	if g.Measure == "" {
		c.bad("measure", "measure")
	}
	c.oneOf("direction", "direction", g.Direction, true, DirectionUp, DirectionDown)
	c.date("start_date", "start_date", g.StartDate, true)
	c.date("goal_date", "goal_date", g.GoalDate, true)
	// Both are valid dates here or already refused; "YYYY-MM-DD" orders as text.
	if g.GoalDate != "" && g.GoalDate <= g.StartDate {
		c.bad("goal_date", "goal_after_start")
	}
	if len(g.BaselineScores) < 1 || len(g.BaselineScores) > 5 {
		c.bad("baseline_scores", "baseline_scores")
	} else if g.GoalScore == g.StartScore() {
		c.bad("goal_score", "goal_score")
	}
	c.oneOf("status", "status", g.Status, false, "active", "met", "discontinued")
	g.bounds(&c)
	return c.result()
}

// StartScore is the median of the baseline scores (DOMAIN.md §3.3).
func (g Goal) StartScore() float64 { return Median(g.BaselineScores) }

// Validate checks a probe.
func (p Probe) Validate() error {
	c := check{typ: TypeProbe}
	c.id("student_id", "student", p.StudentID)
	if p.Measure == "" {
		c.bad("measure", "measure")
	}
	c.date("date", "date", p.Date, true)
	if p.Seconds < 0 {
		c.bad("seconds", "seconds")
	}
	p.bounds(&c)
	return c.result()
}

// Validate checks a CICO card (DOMAIN.md §2, §3.9): 1–5 expectations, 1–10
// periods, ratings shaped periods × expectations (the tablet writes the
// whole grid, null where not rated), each cell 0, 1, 2 or null. A report
// skips a card that fails this whole (§3.9), so the rule is the same at
// write time and at report time. The student's own ratings of a
// self-managed card (ADR 0640) may stop short of the grid, never exceed it.
func (k CICOCard) Validate() error {
	c := check{typ: TypeCICOCard}
	c.id("student_id", "student", k.StudentID)
	c.date("date", "date", k.Date, true)
	if len(k.Expectations) < 1 || len(k.Expectations) > 5 {
		c.bad("expectations", "card_expectations")
	}
	if len(k.Periods) < 1 || len(k.Periods) > 10 {
		c.bad("periods", "card_periods")
	}
	c.ratings("ratings", k.Ratings, len(k.Periods), len(k.Expectations), true)
	c.ratings("student_ratings", k.StudentRatings, len(k.Periods), len(k.Expectations), false)
	k.bounds(&c)
	return c.result()
}

// ratings checks a card's grid of ratings: periods rows of expectations
// cells when whole is set, at most that otherwise; each cell 0, 1, 2 or
// null.
func (c *check) ratings(field string, rs [][]*float64, periods, expectations int, whole bool) {
	switch {
	case len(rs) > periods:
		c.bad(field, "rating_rows_over")
	case whole && len(rs) < periods:
		c.bad(field, "rating_rows_under")
	}
	for _, row := range rs {
		if len(row) > expectations {
			c.bad(field, "ratings_over")
			break
		}
		if whole && len(row) < expectations {
			c.bad(field, "ratings_under")
			break
		}
		for _, r := range row {
			if r != nil && *r != 0 && *r != 1 && *r != 2 {
				c.bad(field, "rating_value")
			}
		}
	}
}

// Validate checks a team decision.
func (d Decision) Validate() error {
	c := check{typ: TypeDecision}
	c.id("student_id", "student", d.StudentID)
	c.optionalID("goal_id", "goal", d.GoalID)
	c.date("date", "date", d.Date, true)
	c.oneOf("code", "decision", d.Code, true, DecisionCodes...)
	c.date("next_review_date", "next_review_date", d.NextReviewDate, false)
	d.bounds(&c)
	return c.result()
}

// Validate checks a calendar break.
func (b CalendarBreak) Validate() error {
	c := check{typ: TypeCalendarBreak}
	c.text("name", "name", b.Name, 1, 200)
	c.date("start_date", "start_date", b.StartDate, true)
	c.date("end_date", "end_date", b.EndDate, true)
	if b.EndDate < b.StartDate {
		c.bad("end_date", "break_order")
	}
	b.bounds(&c)
	return c.result()
}
