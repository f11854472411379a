package localstore

import (
	"fmt"
	"regexp"
	"time"
	"unicode/utf8"

	"smallwins/shared/hlc"
	"smallwins/shared/record"
)

// Validate checks a payload against DOMAIN.md §2's required fields and
// rules before it is written ("the app validates before writing"). It wraps
// ErrInvalid with a message fit for a person. It checks shapes, not whether
// referenced records exist: a reference may point to a record this device has
// not received yet.
func Validate(v any) error {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	id := func(field, s string) {
		if !hlc.IsCanonicalUUID(s) {
			bad("%s is required", field)
		}
	}
	date := func(field, s string, required bool) {
		if s == "" {
			if required {
				bad("%s is required", field)
			}
			return
		}
		if _, err := time.Parse("2006-01-02", s); err != nil {
			bad("%s must be a date YYYY-MM-DD", field)
		}
	}
	text := func(field, s string, lo, hi int) {
		if n := utf8.RuneCountInString(s); n < lo || n > hi {
			if lo > 0 && n == 0 {
				bad("%s is required", field)
			} else {
				bad("%s must be %d–%d characters", field, lo, hi)
			}
		}
	}
	oneOf := func(field, s string, required bool, allowed ...string) {
		if s == "" && !required {
			return
		}
		for _, a := range allowed {
			if s == a {
				return
			}
		}
		bad("%s must be one of %v", field, allowed)
	}
	switch p := deref(v).(type) {
	case record.Student:
		text("given name", p.GivenName, 1, 100)
		text("family name", p.FamilyName, 1, 100)
		if !gradePattern.MatchString(p.Grade) {
			bad("grade must be PK, K or 1–12")
		}
	case record.Program:
		text("name", p.Name, 1, 200)
		oneOf("area", p.Area, true, record.AreaReading, record.AreaMath, record.AreaBehavior, record.AreaOther)
		if len(p.Steps) < 1 || len(p.Steps) > 30 {
			bad("a program has 1–30 steps")
		}
		seen := map[string]bool{}
		for _, st := range p.Steps {
			if st.ID == "" || seen[st.ID] {
				bad("each step needs its own id")
				break
			}
			seen[st.ID] = true
		}
	case record.Group:
		text("name", p.Name, 1, 200)
		id("program", p.ProgramID)
		if len(p.StudentIDs) < 1 || len(p.StudentIDs) > 12 {
			bad("a group has 1–12 students")
		}
		for _, sid := range p.StudentIDs {
			id("student", sid)
		}
		for _, sl := range p.Schedule {
			if sl.Weekday < 1 || sl.Weekday > 7 {
				bad("schedule weekday must be 1–7")
			}
			if _, err := time.Parse("15:04", sl.Start); err != nil {
				bad("schedule start must be HH:MM")
			}
		}
	case record.Plan:
		id("student", p.StudentID)
		id("program", p.ProgramID)
		if p.GroupID != "" {
			id("group", p.GroupID)
		}
		if p.Tier != 0 && p.Tier != 2 && p.Tier != 3 {
			bad("tier must be 2 or 3")
		}
		date("start date", p.StartDate, true)
		date("end date", p.EndDate, false)
		if p.SessionsPerWeek <= 0 {
			bad("sessions per week must be more than 0")
		}
		if p.MinutesPerSession <= 0 {
			bad("minutes per session must be more than 0")
		}
	case record.Session:
		id("group", p.GroupID)
		id("program", p.ProgramID)
		date("date", p.Date, true)
		if p.StartedAt != "" {
			if _, err := time.Parse(time.RFC3339, p.StartedAt); err != nil {
				bad("started at must be an RFC 3339 instant")
			}
		}
		oneOf("status", p.Status, true, record.SessionInProgress, record.SessionDelivered, record.SessionCancelled)
		if p.Attendance == nil {
			bad("attendance is required")
		}
		for _, a := range p.Attendance {
			id("attendance student", a.StudentID)
			oneOf("attendance status", a.Status, true, record.Present, record.Absent, record.Late, record.LeftEarly)
			if p.Status == record.SessionDelivered && (a.Status == record.Late || a.Status == record.LeftEarly) && a.Minutes == nil {
				bad("minutes are needed for a student who was late or left early")
			}
		}
		if p.Fidelity == nil {
			bad("fidelity is required")
		}
		for _, f := range p.Fidelity {
			if f.StepID == "" {
				bad("a fidelity entry needs its step")
			}
			oneOf("step status", f.Status, true, record.StepDone, record.StepSkipped, record.StepNA)
		}
	case record.Note:
		id("student", p.StudentID)
		if p.AuthorID == "" {
			bad("author is required")
		}
		text("note", p.Body, 1, 20000)
		oneOf("category", p.Category, false, record.NoteAcademic, record.NoteBehavior, record.NoteFamily,
			record.NoteAttendance, record.NoteHealth, record.NoteOther)
		if p.SessionID != "" {
			id("session", p.SessionID)
		}
	case record.Goal:
		id("student", p.StudentID)
		if p.PlanID != "" {
			id("plan", p.PlanID)
		}
		if p.Measure == "" {
			bad("measure is required")
		}
		oneOf("direction", p.Direction, true, record.DirectionUp, record.DirectionDown)
		date("start date", p.StartDate, true)
		date("goal date", p.GoalDate, true)
		if p.GoalDate != "" && p.GoalDate <= p.StartDate {
			bad("the goal date must be after the start date")
		}
		if len(p.BaselineScores) < 1 || len(p.BaselineScores) > 5 {
			bad("1–5 baseline scores are needed")
		} else if p.GoalScore == median(p.BaselineScores) {
			bad("the goal score must differ from the start score")
		}
		oneOf("status", p.Status, false, "active", "met", "discontinued")
	case record.Probe:
		id("student", p.StudentID)
		if p.Measure == "" {
			bad("measure is required")
		}
		date("date", p.Date, true)
		if p.Seconds < 0 {
			bad("seconds must be positive")
		}
	case record.CICOCard:
		id("student", p.StudentID)
		date("date", p.Date, true)
		if len(p.Expectations) < 1 || len(p.Expectations) > 5 {
			bad("a card has 1–5 expectations")
		}
		if len(p.Periods) < 1 || len(p.Periods) > 10 {
			bad("a card has 1–10 periods")
		}
		if len(p.Ratings) > len(p.Periods) {
			bad("more rating rows than periods")
		}
		for _, row := range p.Ratings {
			if len(row) > len(p.Expectations) {
				bad("more ratings than expectations")
				break
			}
			for _, r := range row {
				if r != nil && *r != 0 && *r != 1 && *r != 2 {
					bad("a rating is 0, 1 or 2")
				}
			}
		}
	case record.Decision:
		id("student", p.StudentID)
		if p.GoalID != "" {
			id("goal", p.GoalID)
		}
		date("date", p.Date, true)
		oneOf("decision", p.Code, true, record.DecisionNotEnoughData, record.DecisionContinue,
			record.DecisionRaiseGoal, record.DecisionChangeInstruction, record.DecisionFixDeliveryFirst)
		date("next review date", p.NextReviewDate, false)
	case record.CalendarBreak:
		text("name", p.Name, 1, 200)
		date("start date", p.StartDate, true)
		date("end date", p.EndDate, true)
		if p.EndDate < p.StartDate {
			bad("the break ends before it starts")
		}
	default:
		return fmt.Errorf("%w: %T is not a record payload", ErrInvalid, v)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, errs[0])
	}
	return nil
}

var gradePattern = regexp.MustCompile(`^(PK|K|[1-9]|1[0-2])$`)

func deref(v any) any {
	switch p := v.(type) {
	case *record.Student:
		return *p
	case *record.Program:
		return *p
	case *record.Group:
		return *p
	case *record.Plan:
		return *p
	case *record.Session:
		return *p
	case *record.Note:
		return *p
	case *record.Goal:
		return *p
	case *record.Probe:
		return *p
	case *record.CICOCard:
		return *p
	case *record.Decision:
		return *p
	case *record.CalendarBreak:
		return *p
	}
	return v
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
