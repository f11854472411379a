package record

// DOMAIN.md §2: the record types and their `data` fields.
//
// Every payload type is decoded with DecodeData and encoded with EncodeData,
// which keeps the fields this version of the code does not know: an old app
// must not drop a newer app's fields (PROTOCOL §2).

// The record types of DOMAIN.md §2 (the envelope's `type`).
const (
	TypeStudent       = "student"
	TypeProgram       = "program"
	TypeGroup         = "group"
	TypePlan          = "plan"
	TypeSession       = "session"
	TypeNote          = "note"
	TypeGoal          = "goal"
	TypeProbe         = "probe"
	TypeCICOCard      = "cico_card"
	TypeDecision      = "decision"
	TypeCalendarBreak = "calendar_break"
)

// Student is a `student` record.
type Student struct {
	GivenName     string `json:"given_name"`
	FamilyName    string `json:"family_name"`
	PreferredName string `json:"preferred_name,omitempty"`
	Grade         string `json:"grade"`
	ExternalID    string `json:"external_id,omitempty"`
	Active        *bool  `json:"active,omitempty"` // nil means true
	// FamilyLanguage is the BCP 47 tag of the language the family reads
	// (DOMAIN.md §2); family documents use it (§4.3).
	FamilyLanguage string `json:"family_language,omitempty"`
}

// IsActive applies the default: a student is active unless marked otherwise.
func (s Student) IsActive() bool { return s.Active == nil || *s.Active }

// DisplayName is the preferred name (or given name) and the family name.
func (s Student) DisplayName() string {
	first := s.GivenName
	if s.PreferredName != "" {
		first = s.PreferredName
	}
	return first + " " + s.FamilyName
}

// Areas of a program.
const (
	AreaReading  = "reading"
	AreaMath     = "math"
	AreaBehavior = "behavior"
	AreaOther    = "other"
)

// Step is one fidelity checklist step; ID is stable within its program.
type Step struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Program is a `program` record: an intervention and its fidelity checklist.
type Program struct {
	Name              string  `json:"name"`
	Area              string  `json:"area"`
	Steps             []Step  `json:"steps"`
	SessionsPerWeek   float64 `json:"sessions_per_week,omitempty"`
	MinutesPerSession float64 `json:"minutes_per_session,omitempty"`
}

// ScheduleSlot is when a group meets: Weekday 1 (Monday) … 7, Start "HH:MM".
type ScheduleSlot struct {
	Weekday int    `json:"weekday"`
	Start   string `json:"start"`
}

// Group is a `group` record.
type Group struct {
	Name              string         `json:"name"`
	ProgramID         string         `json:"program_id"`
	StudentIDs        []string       `json:"student_ids"`
	InterventionistID string         `json:"interventionist_id,omitempty"`
	Schedule          []ScheduleSlot `json:"schedule,omitempty"`
}

// Plan is a `plan` record: one student's enrolment in a program.
type Plan struct {
	StudentID         string  `json:"student_id"`
	ProgramID         string  `json:"program_id"`
	GroupID           string  `json:"group_id,omitempty"`
	Tier              int     `json:"tier,omitempty"`
	StartDate         string  `json:"start_date"`
	EndDate           string  `json:"end_date,omitempty"`
	SessionsPerWeek   float64 `json:"sessions_per_week"`
	MinutesPerSession float64 `json:"minutes_per_session"`
	ProbeEveryDays    float64 `json:"probe_every_days,omitempty"` // 0 means the default, 7
}

// ProbeInterval applies the default of 7 days.
func (p Plan) ProbeInterval() float64 {
	if p.ProbeEveryDays > 0 {
		return p.ProbeEveryDays
	}
	return 7
}

// Session statuses.
const (
	SessionInProgress = "in_progress"
	SessionDelivered  = "delivered"
	SessionCancelled  = "cancelled"
)

// Attendance statuses.
const (
	Present   = "present"
	Absent    = "absent"
	Late      = "late"
	LeftEarly = "left_early"
)

// Fidelity step statuses.
const (
	StepDone    = "done"
	StepSkipped = "skipped"
	StepNA      = "na"
)

// Attendance is one student's attendance in a session. Minutes nil means
// the session's minutes for `present` (DOMAIN.md §2 `session`).
type Attendance struct {
	StudentID string   `json:"student_id"`
	Status    string   `json:"status"`
	Minutes   *float64 `json:"minutes,omitempty"`
}

// StepMark is the status of one checklist step in a session.
type StepMark struct {
	StepID string `json:"step_id"`
	Status string `json:"status"`
}

// Session is a `session` record, updated tap by tap.
type Session struct {
	GroupID      string       `json:"group_id"`
	ProgramID    string       `json:"program_id"`
	Date         string       `json:"date"`
	StartedAt    string       `json:"started_at,omitempty"`
	Status       string       `json:"status"`
	Minutes      float64      `json:"minutes,omitempty"`
	CancelReason string       `json:"cancel_reason,omitempty"`
	Attendance   []Attendance `json:"attendance"`
	Fidelity     []StepMark   `json:"fidelity"`
	Note         string       `json:"note,omitempty"`
}

// Note categories; health, family and legal matters are pushed restricted.
const (
	NoteAcademic   = "academic"
	NoteBehavior   = "behavior"
	NoteFamily     = "family"
	NoteAttendance = "attendance"
	NoteHealth     = "health"
	NoteOther      = "other"
)

// Note is a `note` record.
type Note struct {
	StudentID string `json:"student_id"`
	AuthorID  string `json:"author_id"`
	Body      string `json:"body"`
	Category  string `json:"category,omitempty"`
	SessionID string `json:"session_id,omitempty"`
}

// Goal directions.
const (
	DirectionUp   = "up"
	DirectionDown = "down"
)

// Goal is a `goal` record.
type Goal struct {
	StudentID      string    `json:"student_id"`
	PlanID         string    `json:"plan_id,omitempty"`
	Measure        string    `json:"measure"`
	Direction      string    `json:"direction"`
	StartDate      string    `json:"start_date"`
	BaselineScores []float64 `json:"baseline_scores"`
	GoalScore      float64   `json:"goal_score"`
	GoalDate       string    `json:"goal_date"`
	TypicalROI     *float64  `json:"typical_roi,omitempty"`
	Status         string    `json:"status,omitempty"`
}

// Probe is a `probe` record. Score is already prorated to 60 s when the
// passage was finished early; RawScore keeps the count read.
type Probe struct {
	StudentID string   `json:"student_id"`
	Measure   string   `json:"measure"`
	Date      string   `json:"date"`
	Score     float64  `json:"score"`
	Errors    *float64 `json:"errors,omitempty"`
	Seconds   float64  `json:"seconds,omitempty"` // 0 means the default, 60
	RawScore  *float64 `json:"raw_score,omitempty"`
	FormID    string   `json:"form_id,omitempty"`
}

// CICOCard is a `cico_card` record: Ratings[p][e] is 0, 1, 2 or nil (not rated).
type CICOCard struct {
	StudentID    string       `json:"student_id"`
	Date         string       `json:"date"`
	Expectations []string     `json:"expectations"`
	Periods      []string     `json:"periods"`
	Ratings      [][]*float64 `json:"ratings"`
	GoalPct      *float64     `json:"goal_pct,omitempty"` // nil means 80
	// StudentRatings are the student's own ratings on a self-managed card
	// (DOMAIN.md §3.9, ADR 0640), shaped as Ratings; the points earned stay
	// the adult's Ratings, the student's are compared with them.
	StudentRatings [][]*float64 `json:"student_ratings,omitempty"`
}

// Decision codes (DOMAIN.md §4).
const (
	DecisionNotEnoughData     = "not_enough_data"
	DecisionContinue          = "continue"
	DecisionRaiseGoal         = "raise_goal"
	DecisionChangeInstruction = "change_instruction"
	DecisionFixDeliveryFirst  = "fix_delivery_first"
	// DecisionReviewGoal: the goal date has passed (§3.5 rule 0).
	DecisionReviewGoal = "review_goal"
)

// DecisionCodes are every decision code of DOMAIN.md §4, in its order: the
// codes a report may give and a `decision` record may carry.
var DecisionCodes = []string{DecisionNotEnoughData, DecisionContinue, DecisionRaiseGoal,
	DecisionChangeInstruction, DecisionFixDeliveryFirst, DecisionReviewGoal}

// Decision is a `decision` record: what the team decided.
type Decision struct {
	StudentID      string `json:"student_id"`
	GoalID         string `json:"goal_id,omitempty"`
	Date           string `json:"date"`
	Code           string `json:"code"`
	Rationale      string `json:"rationale,omitempty"`
	NextReviewDate string `json:"next_review_date,omitempty"`
	OwnerID        string `json:"owner_id,omitempty"`
}

// CalendarBreak is a `calendar_break` record: days with no instruction, inclusive.
type CalendarBreak struct {
	Name      string `json:"name"`
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
}

// RestrictedCategory reports whether the note's category holds health or
// family matters, which are always pushed restricted (DOMAIN.md §2 `note`).
// DOMAIN has no "legal" category: a legal note is category "other" marked
// restricted by hand (ADR 0500); "legal" is still honoured if another app
// sends it.
func (n Note) RestrictedCategory() bool {
	switch n.Category {
	case NoteHealth, NoteFamily, "legal":
		return true
	}
	return false
}
