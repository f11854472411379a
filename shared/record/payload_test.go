package record

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	uid1 = "01900000-0000-7000-8000-000000000001"
	uid2 = "01900000-0000-7000-8000-000000000002"
	uid3 = "01900000-0000-7000-8000-000000000003"
)

func f(v float64) *float64 { return &v }

// validPayloads holds one valid payload of every type, which the rule cases
// below break one field at a time.
func validPayloads() map[string]Payload {
	return map[string]Payload{
		TypeStudent: Student{GivenName: "Ana", FamilyName: "Lee", Grade: "K"},
		TypeProgram: Program{Name: "Phonics 2", Area: AreaReading, Steps: []Step{{ID: "s1", Text: "Review"}}},
		TypeGroup: Group{Name: "Bluebirds", ProgramID: uid1, StudentIDs: []string{uid2},
			Schedule: []ScheduleSlot{{Weekday: 1, Start: "09:15"}}},
		TypePlan: Plan{StudentID: uid1, ProgramID: uid2, StartDate: "2025-03-03", SessionsPerWeek: 3, MinutesPerSession: 30},
		TypeSession: Session{GroupID: uid1, ProgramID: uid2, Date: "2025-03-03", Status: SessionDelivered, Minutes: 30,
			Attendance: []Attendance{{StudentID: uid3, Status: Late, Minutes: f(20)}}, Fidelity: []StepMark{{StepID: "s1", Status: StepDone}}},
		TypeNote:     Note{StudentID: uid1, AuthorID: "u1", Body: "guessing at -ing words"},
		TypeGoal:     Goal{StudentID: uid1, Measure: "orf_wcpm", Direction: DirectionUp, StartDate: "2025-01-06", BaselineScores: []float64{42, 45, 40}, GoalScore: 78, GoalDate: "2025-05-12"},
		TypeProbe:    Probe{StudentID: uid1, Measure: "orf_wcpm", Date: "2025-01-13", Score: 44},
		TypeCICOCard: CICOCard{StudentID: uid1, Date: "2025-01-13", Expectations: []string{"Be safe"}, Periods: []string{"am", "pm"}, Ratings: [][]*float64{{f(2)}, {nil}}},
		TypeCICOPlan: CICOPlan{StudentID: uid1, Expectations: []string{"Be safe"}, Periods: []string{"am"},
			Phases: []CICOPhase{{Phase: PhaseSelfManaged, StartDate: "2025-03-03"}}},
		TypeDecision:      Decision{StudentID: uid1, Date: "2025-03-17", Code: DecisionContinue},
		TypeCalendarBreak: CalendarBreak{Name: "Winter", StartDate: "2025-12-22", EndDate: "2026-01-02"},
		TypeMeeting:       Meeting{Date: "2025-03-17", AttendeeIDs: []string{"u1", "u2"}},
		TypeMeetingAction: MeetingAction{MeetingID: uid1, Text: "Call the family", OwnerID: "u1", DueDate: "2025-03-24"},
		TypeObservation: Observation{SessionID: uid1, ObserverID: "coach", Date: "2025-03-03",
			Fidelity: []StepMark{{StepID: "s1", Status: StepDone}}, Quality: f(3), Engagement: f(4), Note: "good pacing"},
		TypeNormTable: NormTable{Measure: "orf_wcpm", Grade: "2", Source: "District local norms 2026 (fictional)",
			Rows:      []NormRow{{Percentile: 10, Fall: f(20), Winter: f(35), ROI: f(0.9)}, {Percentile: 50, Fall: f(60), Spring: f(90), ROI: f(1.2)}},
			Benchmark: &Benchmark{Fall: f(50), Winter: f(70), Spring: f(90)}},
		TypeProbeForm: ProbeForm{Measure: "orf_wcpm", Grade: "2", FormID: "A3", FormTitle: "The lost kite", Order: f(3)},
	}
}

func TestValidPayloadsPass(t *testing.T) {
	for typ, p := range validPayloads() {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
		if p.RecordType() != typ {
			t.Errorf("%T.RecordType() = %q, want %q", p, p.RecordType(), typ)
		}
	}
}

// TestRules: each rule of DOMAIN.md §2 the app applies, with the field it
// names and the sentence a person reads (the words the app showed before
// validation moved here).
func TestRules(t *testing.T) {
	for _, c := range ruleCases() {
		t.Run(c.name, func(t *testing.T) {
			err := c.p.Validate()
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate() = %v, want a *FieldError", err)
			}
			if fe.Type != c.p.RecordType() || fe.Field != c.field || fe.Reason != c.reason {
				t.Fatalf("got %+v, want field %q reason %q", *fe, c.field, c.reason)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatal("a FieldError is not an ErrInvalid")
			}
		})
	}
}

// ruleCase is a payload that breaks one rule of DOMAIN.md §2.
type ruleCase struct {
	name   string
	p      Payload
	field  string
	reason string
}

// ruleCases break every rule of Validate once (the language tests say each
// of them in every language).
func ruleCases() []ruleCase {
	return []ruleCase{
		{"no given name", Student{FamilyName: "Lee", Grade: "2"}, "given_name", "given name is required"},
		{"long family name", Student{GivenName: "A", FamilyName: strings.Repeat("x", 101), Grade: "2"}, "family_name", "family name must be 1–100 characters"},
		{"grade 13", Student{GivenName: "A", FamilyName: "B", Grade: "13"}, "grade", "grade must be PK, K or 1–12"},
		{"program area", Program{Name: "P", Area: "art", Steps: []Step{{ID: "a"}}}, "area", "area must be one of [reading math behavior other]"},
		{"no steps", Program{Name: "P", Area: AreaMath}, "steps", "a program has 1–30 steps"},
		{"step ids repeat", Program{Name: "P", Area: AreaMath, Steps: []Step{{ID: "a"}, {ID: "a"}}}, "steps.id", "each step needs its own id"},
		{"group program", Group{Name: "G", StudentIDs: []string{uid1}}, "program_id", "program is required"},
		{"13 students", Group{Name: "G", ProgramID: uid1, StudentIDs: make([]string, 13)}, "student_ids", "a group has 1–12 students"},
		{"student id", Group{Name: "G", ProgramID: uid1, StudentIDs: []string{"x"}}, "student_ids", "student is required"},
		{"weekday 8", Group{Name: "G", ProgramID: uid1, StudentIDs: []string{uid1}, Schedule: []ScheduleSlot{{Weekday: 8, Start: "09:00"}}}, "schedule.weekday", "schedule weekday must be 1–7"},
		{"start 9am", Group{Name: "G", ProgramID: uid1, StudentIDs: []string{uid1}, Schedule: []ScheduleSlot{{Weekday: 1, Start: "9am"}}}, "schedule.start", "schedule start must be HH:MM"},
		{"tier 1", Plan{StudentID: uid1, ProgramID: uid2, Tier: 1, StartDate: "2025-03-03", SessionsPerWeek: 1, MinutesPerSession: 1}, "tier", "tier must be 2 or 3"},
		{"plan group", Plan{StudentID: uid1, ProgramID: uid2, GroupID: "g", StartDate: "2025-03-03", SessionsPerWeek: 1, MinutesPerSession: 1}, "group_id", "group is required"},
		{"plan start", Plan{StudentID: uid1, ProgramID: uid2, SessionsPerWeek: 1, MinutesPerSession: 1}, "start_date", "start date is required"},
		{"plan end", Plan{StudentID: uid1, ProgramID: uid2, StartDate: "2025-03-03", EndDate: "2025-13-01", SessionsPerWeek: 1, MinutesPerSession: 1}, "end_date", "end date must be a date YYYY-MM-DD"},
		{"plan sessions", Plan{StudentID: uid1, ProgramID: uid2, StartDate: "2025-03-03", MinutesPerSession: 1}, "sessions_per_week", "sessions per week must be more than 0"},
		{"plan minutes", Plan{StudentID: uid1, ProgramID: uid2, StartDate: "2025-03-03", SessionsPerWeek: 1}, "minutes_per_session", "minutes per session must be more than 0"},
		{"started at", Session{GroupID: uid1, ProgramID: uid2, Date: "2025-03-03", StartedAt: "9:00", Status: SessionInProgress, Attendance: []Attendance{}, Fidelity: []StepMark{}}, "started_at", "started at must be an RFC 3339 instant"},
		{"session status", Session{GroupID: uid1, ProgramID: uid2, Date: "2025-03-03", Status: "done", Attendance: []Attendance{}, Fidelity: []StepMark{}}, "status", "status must be one of [in_progress delivered cancelled]"},
		{"no attendance", Session{GroupID: uid1, ProgramID: uid2, Date: "2025-03-03", Status: SessionInProgress, Fidelity: []StepMark{}}, "attendance", "attendance is required"},
		{"late without minutes", Session{GroupID: uid1, ProgramID: uid2, Date: "2025-03-03", Status: SessionDelivered, Attendance: []Attendance{{StudentID: uid3, Status: Late}}, Fidelity: []StepMark{}}, "attendance.minutes", "minutes are needed for a student who was late or left early"},
		{"attendance status", Session{GroupID: uid1, ProgramID: uid2, Date: "2025-03-03", Status: SessionInProgress, Attendance: []Attendance{{StudentID: uid3, Status: "here"}}, Fidelity: []StepMark{}}, "attendance.status", "attendance status must be one of [present absent late left_early]"},
		{"no fidelity", Session{GroupID: uid1, ProgramID: uid2, Date: "2025-03-03", Status: SessionInProgress, Attendance: []Attendance{}}, "fidelity", "fidelity is required"},
		{"fidelity step", Session{GroupID: uid1, ProgramID: uid2, Date: "2025-03-03", Status: SessionInProgress, Attendance: []Attendance{}, Fidelity: []StepMark{{Status: StepDone}}}, "fidelity.step_id", "a fidelity entry needs its step"},
		{"step status", Session{GroupID: uid1, ProgramID: uid2, Date: "2025-03-03", Status: SessionInProgress, Attendance: []Attendance{}, Fidelity: []StepMark{{StepID: "s", Status: "x"}}}, "fidelity.status", "step status must be one of [done skipped na]"},
		{"note author", Note{StudentID: uid1, Body: "b"}, "author_id", "author is required"},
		{"note body", Note{StudentID: uid1, AuthorID: "u", Body: strings.Repeat("é", 20001)}, "body", "note must be 1–20000 characters"},
		{"note category", Note{StudentID: uid1, AuthorID: "u", Body: "b", Category: "legal"}, "category", "category must be one of [academic behavior family attendance health other]"},
		{"goal measure", Goal{StudentID: uid1, Direction: DirectionUp, StartDate: "2025-01-06", GoalDate: "2025-05-12", BaselineScores: []float64{1}, GoalScore: 2}, "measure", "measure is required"},
		{"goal direction", Goal{StudentID: uid1, Measure: "m", Direction: "sideways", StartDate: "2025-01-06", GoalDate: "2025-05-12", BaselineScores: []float64{1}, GoalScore: 2}, "direction", "direction must be one of [up down]"},
		{"goal date order", Goal{StudentID: uid1, Measure: "m", Direction: DirectionUp, StartDate: "2025-01-06", GoalDate: "2025-01-06", BaselineScores: []float64{1}, GoalScore: 2}, "goal_date", "the goal date must be after the start date"},
		{"six baselines", Goal{StudentID: uid1, Measure: "m", Direction: DirectionUp, StartDate: "2025-01-06", GoalDate: "2025-05-12", BaselineScores: make([]float64, 6), GoalScore: 2}, "baseline_scores", "1–5 baseline scores are needed"},
		{"goal is the median", Goal{StudentID: uid1, Measure: "m", Direction: DirectionUp, StartDate: "2025-01-06", GoalDate: "2025-05-12", BaselineScores: []float64{40, 50, 45, 30}, GoalScore: 42.5}, "goal_score", "the goal score must differ from the start score"},
		{"goal status", Goal{StudentID: uid1, Measure: "m", Direction: DirectionUp, StartDate: "2025-01-06", GoalDate: "2025-05-12", BaselineScores: []float64{1}, GoalScore: 2, Status: "paused"}, "status", "status must be one of [active met discontinued]"},
		{"probe date", Probe{StudentID: uid1, Measure: "m", Date: "13/01/2025"}, "date", "date must be a date YYYY-MM-DD"},
		{"probe seconds", Probe{StudentID: uid1, Measure: "m", Date: "2025-01-13", Seconds: -1}, "seconds", "seconds must be positive"},
		{"six expectations", CICOCard{StudentID: uid1, Date: "2025-01-13", Expectations: make([]string, 6), Periods: []string{"a"}}, "expectations", "a card has 1–5 expectations"},
		{"no periods", CICOCard{StudentID: uid1, Date: "2025-01-13", Expectations: []string{"e"}}, "periods", "a card has 1–10 periods"},
		{"rows", CICOCard{StudentID: uid1, Date: "2025-01-13", Expectations: []string{"e"}, Periods: []string{"a"}, Ratings: [][]*float64{{}, {}}}, "ratings", "more rating rows than periods"},
		{"columns", CICOCard{StudentID: uid1, Date: "2025-01-13", Expectations: []string{"e"}, Periods: []string{"a"}, Ratings: [][]*float64{{nil, nil}}}, "ratings", "more ratings than expectations"},
		{"missing row", CICOCard{StudentID: uid1, Date: "2025-01-13", Expectations: []string{"e"}, Periods: []string{"a", "b"}, Ratings: [][]*float64{{nil}}}, "ratings", "one row of ratings is needed for each period"},
		{"short row", CICOCard{StudentID: uid1, Date: "2025-01-13", Expectations: []string{"e", "f"}, Periods: []string{"a"}, Ratings: [][]*float64{{f(2)}}}, "ratings", "one rating (or null) is needed for each expectation"},
		{"no ratings", CICOCard{StudentID: uid1, Date: "2025-01-13", Expectations: []string{"e"}, Periods: []string{"a"}}, "ratings", "one row of ratings is needed for each period"},
		{"rating 3", CICOCard{StudentID: uid1, Date: "2025-01-13", Expectations: []string{"e"}, Periods: []string{"a"}, Ratings: [][]*float64{{f(3)}}}, "ratings", "a rating is 0, 1 or 2"},
		{"student rating 3", CICOCard{StudentID: uid1, Date: "2025-01-13", Expectations: []string{"e"}, Periods: []string{"a"}, Ratings: [][]*float64{{nil}}, StudentRatings: [][]*float64{{f(-1)}}}, "student_ratings", "a rating is 0, 1 or 2"},
		{"student rating rows", CICOCard{StudentID: uid1, Date: "2025-01-13", Expectations: []string{"e"}, Periods: []string{"a"}, Ratings: [][]*float64{{nil}}, StudentRatings: [][]*float64{{}, {}}}, "student_ratings", "more rating rows than periods"},
		{"plan student", CICOPlan{Expectations: []string{"e"}, Periods: []string{"a"}}, "student_id", "student is required"},
		{"plan six expectations", CICOPlan{StudentID: uid1, Expectations: make([]string, 6), Periods: []string{"a"}}, "expectations", "a card has 1–5 expectations"},
		{"plan empty expectation", CICOPlan{StudentID: uid1, Expectations: []string{"Be safe", ""}, Periods: []string{"a"}}, "expectations", "each expectation is required"},
		{"plan eleven periods", CICOPlan{StudentID: uid1, Expectations: []string{"e"}, Periods: make([]string, 11)}, "periods", "a card has 1–10 periods"},
		{"plan long period", CICOPlan{StudentID: uid1, Expectations: []string{"e"}, Periods: []string{strings.Repeat("x", 61)}}, "periods", "each period must be 1–60 characters"},
		{"plan goal 0", CICOPlan{StudentID: uid1, Expectations: []string{"e"}, Periods: []string{"a"}, GoalPct: f(0)}, "goal_pct", "the goal must be 1–100%"},
		{"plan goal 101", CICOPlan{StudentID: uid1, Expectations: []string{"e"}, Periods: []string{"a"}, GoalPct: f(101)}, "goal_pct", "the goal must be 1–100%"},
		{"plan phase", CICOPlan{StudentID: uid1, Expectations: []string{"e"}, Periods: []string{"a"}, Phases: []CICOPhase{{Phase: "done", StartDate: "2025-03-03"}}}, "phases.phase", "phase must be one of [cico self_managed faded graduated]"},
		{"plan phase date", CICOPlan{StudentID: uid1, Expectations: []string{"e"}, Periods: []string{"a"}, Phases: []CICOPhase{{Phase: PhaseFaded, StartDate: "3 March"}}}, "phases.start_date", "phase start date must be a date YYYY-MM-DD"},
		{"plan phase order", CICOPlan{StudentID: uid1, Expectations: []string{"e"}, Periods: []string{"a"}, Phases: []CICOPhase{{Phase: PhaseSelfManaged, StartDate: "2025-03-10"}, {Phase: PhaseFaded, StartDate: "2025-03-03"}}}, "phases.start_date", "phase changes must be in date order"},
		{"decision code", Decision{StudentID: uid1, Date: "2025-03-17", Code: "wait"}, "code", "decision must be one of [not_enough_data continue raise_goal change_instruction fix_delivery_first review_goal]"},
		{"decision goal", Decision{StudentID: uid1, GoalID: "g", Date: "2025-03-17", Code: DecisionContinue}, "goal_id", "goal is required"},
		{"review date", Decision{StudentID: uid1, Date: "2025-03-17", Code: DecisionContinue, NextReviewDate: "soon"}, "next_review_date", "next review date must be a date YYYY-MM-DD"},
		{"break name", CalendarBreak{StartDate: "2025-12-22", EndDate: "2026-01-02"}, "name", "name is required"},
		{"break order", CalendarBreak{Name: "W", StartDate: "2026-01-02", EndDate: "2025-12-22"}, "end_date", "the break ends before it starts"},
		{"meeting date", Meeting{AttendeeIDs: []string{"u1"}}, "date", "date is required"},
		{"meeting attendee twice", Meeting{Date: "2025-03-17", AttendeeIDs: []string{"u1", "u1"}}, "attendee_ids", "an attendee is listed twice"},
		{"meeting empty attendee", Meeting{Date: "2025-03-17", AttendeeIDs: []string{""}}, "attendee_ids", "each attendee is required"},
		{"meeting too many", Meeting{Date: "2025-03-17", AttendeeIDs: make([]string, MaxAttendees+1)}, "attendee_ids", "a meeting has at most 200 attendees"},
		{"action meeting", MeetingAction{Text: "Call"}, "meeting_id", "meeting is required"},
		{"action text", MeetingAction{MeetingID: uid1}, "text", "text is required"},
		{"action long text", MeetingAction{MeetingID: uid1, Text: strings.Repeat("x", 501)}, "text", "text must be 1–500 characters"},
		{"action due", MeetingAction{MeetingID: uid1, Text: "Call", DueDate: "Friday"}, "due_date", "due date must be a date YYYY-MM-DD"},
		{"action due bound", MeetingAction{MeetingID: uid1, Text: "Call", DueDate: "2101-01-01"}, "due_date", "due_date must be between 2000-01-01 and 2100-12-31"},
		{"first rule wins", Student{Grade: "13"}, "given_name", "given name is required"},
		{"observation session", Observation{SessionID: "s", ObserverID: "c", Date: "2025-03-03", Fidelity: []StepMark{}}, "session_id", "session is required"},
		{"observer", Observation{SessionID: uid1, Date: "2025-03-03", Fidelity: []StepMark{}}, "observer_id", "observer is required"},
		{"observation date", Observation{SessionID: uid1, ObserverID: "c", Date: "3 March", Fidelity: []StepMark{}}, "date", "date must be a date YYYY-MM-DD"},
		{"observation fidelity", Observation{SessionID: uid1, ObserverID: "c", Date: "2025-03-03"}, "fidelity", "fidelity is required"},
		{"observation step", Observation{SessionID: uid1, ObserverID: "c", Date: "2025-03-03", Fidelity: []StepMark{{Status: StepNA}}}, "fidelity.step_id", "a fidelity entry needs its step"},
		{"observation status", Observation{SessionID: uid1, ObserverID: "c", Date: "2025-03-03", Fidelity: []StepMark{{StepID: "a", Status: "yes"}}}, "fidelity.status", "step status must be one of [done skipped na]"},
		{"quality 0", Observation{SessionID: uid1, ObserverID: "c", Date: "2025-03-03", Fidelity: []StepMark{}, Quality: f(0)}, "quality", "quality must be between 1 and 4"},
		{"engagement 5", Observation{SessionID: uid1, ObserverID: "c", Date: "2025-03-03", Fidelity: []StepMark{}, Engagement: f(4.5)}, "engagement", "engagement must be between 1 and 4"},
		{"observation note", Observation{SessionID: uid1, ObserverID: "c", Date: "2025-03-03", Fidelity: []StepMark{}, Note: strings.Repeat("x", 20001)}, "note", "note must be 0–20000 characters"},
		{"norm measure", NormTable{Grade: "2", Source: "s", Rows: []NormRow{{Percentile: 50}}}, "measure", "measure is required"},
		{"norm grade", NormTable{Measure: "m", Grade: "Kindergarten", Source: "s", Rows: []NormRow{{Percentile: 50}}}, "grade", "grade must be PK, K or 1–12"},
		{"norm source", NormTable{Measure: "m", Grade: "K", Rows: []NormRow{{Percentile: 50}}}, "source", "source is required"},
		{"no rows", NormTable{Measure: "m", Grade: "K", Source: "s"}, "rows", "a norm table has 1–99 rows"},
		{"100 rows", NormTable{Measure: "m", Grade: "K", Source: "s", Rows: make([]NormRow, 100)}, "rows", "a norm table has 1–99 rows"},
		{"percentile missing", NormTable{Measure: "m", Grade: "K", Source: "s", Rows: []NormRow{{Fall: f(3)}}}, "rows.percentile", "rows.percentile must be between 1 and 99"},
		{"percentile 100", NormTable{Measure: "m", Grade: "K", Source: "s", Rows: []NormRow{{Percentile: 100}}}, "rows.percentile", "rows.percentile must be between 1 and 99"},
		{"percentiles repeat", NormTable{Measure: "m", Grade: "K", Source: "s", Rows: []NormRow{{Percentile: 10}, {Percentile: 20}, {Percentile: 20}}}, "rows.percentile", "percentiles must be strictly increasing (row 3)"},
		{"percentiles fall", NormTable{Measure: "m", Grade: "K", Source: "s", Rows: []NormRow{{Percentile: 50}, {Percentile: 25}}}, "rows.percentile", "percentiles must be strictly increasing (row 2)"},
		{"norm score", NormTable{Measure: "m", Grade: "K", Source: "s", Rows: []NormRow{{Percentile: 50, Winter: f(-1)}}}, "rows.winter", "rows.winter must be between 0 and 10000"},
		{"norm roi", NormTable{Measure: "m", Grade: "K", Source: "s", Rows: []NormRow{{Percentile: 50, ROI: f(1001)}}}, "rows.roi", "rows.roi must be between -1000 and 1000"},
		{"benchmark", NormTable{Measure: "m", Grade: "K", Source: "s", Rows: []NormRow{{Percentile: 50}}, Benchmark: &Benchmark{Spring: f(10001)}}, "benchmark.spring", "benchmark.spring must be between 0 and 10000"},
		{"form measure", ProbeForm{Grade: "2", FormID: "A", FormTitle: "T", Order: f(1)}, "measure", "measure is required"},
		{"form grade", ProbeForm{Measure: "m", Grade: "13", FormID: "A", FormTitle: "T", Order: f(1)}, "grade", "grade must be PK, K or 1–12"},
		{"form id", ProbeForm{Measure: "m", Grade: "2", FormTitle: "T", Order: f(1)}, "form_id", "form id is required"},
		{"form title", ProbeForm{Measure: "m", Grade: "2", FormID: "A", Order: f(1)}, "title", "title is required"},
		{"form order", ProbeForm{Measure: "m", Grade: "2", FormID: "A", FormTitle: "T"}, "order", "order is required"},
		// The reasons below were written from the formats the rules had before they moved to
		// the catalog ("%s is required", "%s must be %d–%d characters").
		{"attendance student", Session{GroupID: uid1, ProgramID: uid2, Date: "2025-03-03", Status: SessionInProgress, Attendance: []Attendance{{StudentID: "x", Status: Present}}, Fidelity: []StepMark{}}, "attendance.student_id", "attendance student is required"},
		{"goal without goal date", Goal{StudentID: uid1, Measure: "m", Direction: DirectionUp, StartDate: "2025-01-06", BaselineScores: []float64{1}, GoalScore: 2}, "goal_date", "goal date is required"},
		{"goal plan", Goal{StudentID: uid1, PlanID: "p", Measure: "m", Direction: DirectionUp, StartDate: "2025-01-06", GoalDate: "2025-05-12", BaselineScores: []float64{1}, GoalScore: 2}, "plan_id", "plan is required"},
		{"action owner", MeetingAction{MeetingID: uid1, Text: "Call", OwnerID: strings.Repeat("u", 101)}, "owner_id", "owner must be 0–100 characters"},
		{"plan 101 phases", CICOPlan{StudentID: uid1, Expectations: []string{"e"}, Periods: []string{"a"}, Phases: make([]CICOPhase, 101)}, "phases", "a plan keeps at most 100 phase changes"},
	}
}

// TestPointersArePayloads: the app passes values and pointers alike.
func TestPointersArePayloads(t *testing.T) {
	var p any = &Student{GivenName: "A", FamilyName: "B", Grade: "PK"}
	if TypeOf(p) != TypeStudent || p.(Payload).Validate() != nil {
		t.Fatal("*Student is not a valid Payload")
	}
	if TypeOf(map[string]any{}) != "" {
		t.Fatal("a map has a record type")
	}
}

func TestRegistry(t *testing.T) {
	types := Types()
	if len(types) != len(validPayloads()) {
		t.Fatalf("%d registered types, %d payload types", len(types), len(validPayloads()))
	}
	for _, typ := range types {
		p, ok := New(typ)
		if !ok || p.RecordType() != typ {
			t.Fatalf("New(%q) = %T, %v", typ, p, ok)
		}
	}
	if _, ok := New("lesson"); ok {
		t.Fatal("an unknown type was made")
	}
	if _, err := Decode("lesson", json.RawMessage(`{}`)); !errors.Is(err, ErrUnknownType) {
		t.Fatalf("Decode of unknown type: %v", err)
	}
	p, err := Decode(TypeProbe, json.RawMessage(`{"student_id":"`+uid1+`","measure":"maze","date":"2025-01-13","score":12,"new_field":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if pr := p.(*Probe); pr.Score != 12 || pr.Measure != "maze" {
		t.Fatalf("decoded %+v", pr)
	}
}

func TestRefsAndOwner(t *testing.T) {
	s := Session{GroupID: uid1, ProgramID: uid2, Attendance: []Attendance{{StudentID: uid3}, {StudentID: ""}}}
	want := []Ref{{"group_id", TypeGroup, uid1}, {"program_id", TypeProgram, uid2}, {"attendance.student_id", TypeStudent, uid3}}
	got := s.Refs()
	if len(got) != len(want) {
		t.Fatalf("refs %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("refs %+v, want %+v", got, want)
		}
	}
	if refs := (Note{StudentID: uid1}).Refs(); len(refs) != 1 || refs[0].Type != TypeStudent {
		t.Fatalf("an unset session_id was listed: %+v", refs)
	}
	// The index fields the app's store has always used.
	owners := map[string]string{TypePlan: "student_id", TypeGoal: "student_id", TypeProbe: "student_id", TypeNote: "student_id",
		TypeCICOCard: "student_id", TypeCICOPlan: "student_id", TypeDecision: "student_id", TypeSession: "group_id",
		TypeObservation: "session_id"}
	for _, typ := range Types() {
		if got := OwnerField(typ); got != owners[typ] {
			t.Errorf("OwnerField(%q) = %q, want %q", typ, got, owners[typ])
		}
	}
	if OwnerField("lesson") != "" {
		t.Error("an unknown type has an owner")
	}
}

func TestDecodeAs(t *testing.T) {
	data, _ := json.Marshal(Group{Name: "Bluebirds"})
	e := Envelope{ID: uid1, Type: TypeGroup, Data: data}
	if g, ok := DecodeAs[Group](e); !ok || g.Name != "Bluebirds" {
		t.Fatalf("DecodeAs[Group] = %+v, %v", g, ok)
	}
	if _, ok := DecodeAs[Program](e); ok {
		t.Fatal("a group decoded as a program")
	}
	if _, ok := DecodeAs[Group](Envelope{Type: TypeGroup, Data: json.RawMessage(`{"name":3}`)}); ok {
		t.Fatal("undecodable data decoded")
	}
	if _, ok := DecodeAs[Group](Envelope{Type: TypeGroup, Deleted: true}); ok {
		t.Fatal("a tombstone decoded")
	}
}

type testNamer struct{}

func (testNamer) Name(r Ref) string    { return "<" + r.Type + " " + r.ID + ">" }
func (testNamer) Date(s string) string { return "[" + s + "]" }

func TestDescribe(t *testing.T) {
	for typ, p := range validPayloads() {
		if d := p.Describe(testNamer{}); d == "" {
			t.Errorf("%s has no description", typ)
		}
	}
	got := Session{GroupID: uid1, Date: "2025-03-04"}.Describe(testNamer{})
	if got != "Session of <group "+uid1+"> on [2025-03-04]" {
		t.Fatalf("session: %q", got)
	}
	if got := (Meeting{Date: "2025-03-17"}).Describe(testNamer{}); got != "Team meeting on [2025-03-17]" {
		t.Fatalf("meeting: %q", got)
	}
	if TypeWords(TypeCalendarBreak) != "Calendar break" || TypeWords("") != "Record" {
		t.Fatal("TypeWords")
	}
}

// TestMeetingID: one id per school and day, the same on every instance,
// and a canonical record id.
func TestMeetingID(t *testing.T) {
	a := MeetingID(uid1, "2025-03-17")
	if !IsID(a) || a != MeetingID(uid1, "2025-03-17") {
		t.Fatalf("MeetingID = %q", a)
	}
	if a == MeetingID(uid2, "2025-03-17") || a == MeetingID(uid1, "2025-03-18") {
		t.Fatal("two meetings share an id")
	}
	if got := IndexedRefs(TypeMeetingAction, []byte(`{"meeting_id":"`+a+`","text":"x"}`)); len(got) != 1 || got[0] != a {
		t.Fatalf("an action item is not indexed by its meeting: %v", got)
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2025-03-04")
	if err != nil || d.String() != "2025-03-04" || d.Weekday() != 2 {
		t.Fatalf("ParseDate = %v (%d), %v", d, d.Weekday(), err)
	}
	if (d+5).Weekday() != 7 || (d+5).String() != "2025-03-09" {
		t.Fatal("Sunday is not 7")
	}
	if _, err := ParseDate("2025-02-30"); err == nil {
		t.Fatal("30 February parsed")
	}
	// Late evening in a school west of UTC is still that school's day.
	late := time.Date(2025, 3, 4, 23, 30, 0, 0, time.FixedZone("PST", -8*3600))
	if DateOf(late) != d {
		t.Fatalf("DateOf = %v", DateOf(late))
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		in := append([]float64(nil), c.xs...)
		if got := Median(c.xs); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.xs, got, c.want)
		}
		for i := range in {
			if in[i] != c.xs[i] {
				t.Fatal("Median sorted its argument")
			}
		}
	}
}
