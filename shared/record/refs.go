package record

import (
	"encoding/json"
	"strings"

	"smallwins/shared/i18n"
)

// Every payload type is a Payload.
var (
	_ Payload = Student{}
	_ Payload = Program{}
	_ Payload = Group{}
	_ Payload = Plan{}
	_ Payload = Session{}
	_ Payload = Note{}
	_ Payload = Goal{}
	_ Payload = Probe{}
	_ Payload = CICOCard{}
	_ Payload = Decision{}
	_ Payload = CalendarBreak{}
	_ Payload = Meeting{}
	_ Payload = MeetingAction{}
)

// RecordType is TypeStudent.
func (Student) RecordType() string { return TypeStudent }

// RecordType is TypeProgram.
func (Program) RecordType() string { return TypeProgram }

// RecordType is TypeGroup.
func (Group) RecordType() string { return TypeGroup }

// RecordType is TypePlan.
func (Plan) RecordType() string { return TypePlan }

// RecordType is TypeSession.
func (Session) RecordType() string { return TypeSession }

// RecordType is TypeNote.
func (Note) RecordType() string { return TypeNote }

// RecordType is TypeGoal.
func (Goal) RecordType() string { return TypeGoal }

// RecordType is TypeProbe.
func (Probe) RecordType() string { return TypeProbe }

// RecordType is TypeCICOCard.
func (CICOCard) RecordType() string { return TypeCICOCard }

// RecordType is TypeDecision.
func (Decision) RecordType() string { return TypeDecision }

// RecordType is TypeCalendarBreak.
func (CalendarBreak) RecordType() string { return TypeCalendarBreak }

// refs builds a Ref list, leaving out references that are not set.
type refs []Ref

func (r refs) add(field, typ, id string) refs {
	if id == "" {
		return r
	}
	return append(r, Ref{Field: field, Type: typ, ID: id})
}

func studentOwner(id string) (Ref, bool) {
	return Ref{Field: "student_id", Type: TypeStudent, ID: id}, true
}

// Refs: none (a student refers to no record).
func (Student) Refs() []Ref { return nil }

// Owner: students are listed by type.
func (Student) Owner() (Ref, bool) { return Ref{}, false }

// Refs: none.
func (Program) Refs() []Ref { return nil }

// Owner: programs are listed by type.
func (Program) Owner() (Ref, bool) { return Ref{}, false }

// Refs: the program and each student.
func (g Group) Refs() []Ref {
	r := refs{}.add("program_id", TypeProgram, g.ProgramID)
	for _, sid := range g.StudentIDs {
		r = r.add("student_ids", TypeStudent, sid)
	}
	return r
}

// Owner: groups are listed by type (Today lists them all).
func (Group) Owner() (Ref, bool) { return Ref{}, false }

// Refs: the student, the program and the group.
func (p Plan) Refs() []Ref {
	return refs{}.add("student_id", TypeStudent, p.StudentID).
		add("program_id", TypeProgram, p.ProgramID).
		add("group_id", TypeGroup, p.GroupID)
}

// Owner: a plan is listed under its student.
func (p Plan) Owner() (Ref, bool) { return studentOwner(p.StudentID) }

// Refs: the group, the program and each attending student.
func (s Session) Refs() []Ref {
	r := refs{}.add("group_id", TypeGroup, s.GroupID).add("program_id", TypeProgram, s.ProgramID)
	for _, a := range s.Attendance {
		r = r.add("attendance.student_id", TypeStudent, a.StudentID)
	}
	return r
}

// Owner: a session is listed under its group.
func (s Session) Owner() (Ref, bool) {
	return Ref{Field: "group_id", Type: TypeGroup, ID: s.GroupID}, true
}

// Refs: the student and the session it was written in.
func (n Note) Refs() []Ref {
	return refs{}.add("student_id", TypeStudent, n.StudentID).add("session_id", TypeSession, n.SessionID)
}

// Owner: a note is listed under its student.
func (n Note) Owner() (Ref, bool) { return studentOwner(n.StudentID) }

// Refs: the student and the plan whose delivery is measured.
func (g Goal) Refs() []Ref {
	return refs{}.add("student_id", TypeStudent, g.StudentID).add("plan_id", TypePlan, g.PlanID)
}

// Owner: a goal is listed under its student.
func (g Goal) Owner() (Ref, bool) { return studentOwner(g.StudentID) }

// Refs: the student.
func (p Probe) Refs() []Ref { return refs{}.add("student_id", TypeStudent, p.StudentID) }

// Owner: a probe is listed under its student.
func (p Probe) Owner() (Ref, bool) { return studentOwner(p.StudentID) }

// Refs: the student.
func (k CICOCard) Refs() []Ref { return refs{}.add("student_id", TypeStudent, k.StudentID) }

// Owner: a card is listed under its student.
func (k CICOCard) Owner() (Ref, bool) { return studentOwner(k.StudentID) }

// Refs: the student and the goal decided on.
func (d Decision) Refs() []Ref {
	return refs{}.add("student_id", TypeStudent, d.StudentID).add("goal_id", TypeGoal, d.GoalID)
}

// Owner: a decision is listed under its student.
func (d Decision) Owner() (Ref, bool) { return studentOwner(d.StudentID) }

// Refs: none.
func (CalendarBreak) Refs() []Ref { return nil }

// Owner: breaks are listed by type.
func (CalendarBreak) Owner() (Ref, bool) { return Ref{}, false }

// OwnerField is the data field records of typ are listed under (e.g.
// "student_id" for a probe); "" for a type listed only by type or unknown.
// A store indexing raw data reads just this field, so a record whose other
// fields do not decode is still found under its owner.
func OwnerField(typ string) string {
	p, ok := New(typ)
	if !ok {
		return ""
	}
	if ref, ok := p.Owner(); ok {
		return ref.Field
	}
	return ""
}

// DecodeAs decodes e's data as T when e is a live record of T's type; false
// when it is another type, deleted, or does not decode (DOMAIN.md §2: a
// record that fails is skipped, never fatal). P is inferred: call it as
// DecodeAs[record.Group](e).
func DecodeAs[T any, P interface {
	*T
	Payload
}](e Envelope) (T, bool) {
	var v T
	if e.Deleted || P(&v).RecordType() != e.Type {
		return v, false
	}
	if json.Unmarshal(e.Data, P(&v)) != nil {
		return v, false
	}
	return v, true
}

// TypeOf is the record type of a payload value (Student or *Student); ""
// for anything else.
func TypeOf(v any) string {
	if p, ok := v.(Payload); ok {
		return p.RecordType()
	}
	return ""
}

// TypeWords is a record type in words, capitalised: "Calendar break".
func TypeWords(typ string) string { return TypeWordsIn(i18n.English, typ) }

// TypeWordsIn is TypeWords in language l; a type this version does not
// know is its code in words, as English writes it.
func TypeWordsIn(l i18n.Lang, typ string) string {
	key := typ
	if key == "" {
		key = "record"
	}
	if i18n.Shared.Has("record_type." + key) {
		return i18n.Shared.T(l, "record_type."+key)
	}
	t := strings.ReplaceAll(typ, "_", " ")
	return strings.ToUpper(t[:1]) + t[1:]
}
