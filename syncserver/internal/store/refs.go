package store

import (
	"encoding/json"

	"smallwins/shared/hlc"
	"smallwins/shared/record"
)

// refFields are the reference fields each record type is indexed by
// (DOMAIN.md §2), for RecordsByRef: the report reads a plan's group's
// sessions and a student's probes, and the school console lists a
// student's goals, plans, notes, decisions and cards. A session's
// attendance is not indexed: a student's sessions are found through their
// groups. Types not named here (student, program, calendar_break, unknown
// types) reference nothing, and a push of them costs no decoding.
var refFields = map[string]refSet{
	record.TypeGroup:    refProgram | refStudents,
	record.TypePlan:     refStudent | refProgram | refGroup,
	record.TypeSession:  refGroup | refProgram,
	record.TypeNote:     refStudent | refSession,
	record.TypeGoal:     refStudent | refPlan,
	record.TypeProbe:    refStudent,
	record.TypeCICOCard: refStudent,
	record.TypeDecision: refStudent | refGoal,
}

type refSet uint8

const (
	refStudent refSet = 1 << iota
	refStudents
	refGroup
	refProgram
	refPlan
	refGoal
	refSession
)

// refData holds only the reference fields, so decoding skips the rest of
// the data (names, attendance, fidelity) without building it.
type refData struct {
	StudentID  string   `json:"student_id"`
	StudentIDs []string `json:"student_ids"`
	GroupID    string   `json:"group_id"`
	ProgramID  string   `json:"program_id"`
	PlanID     string   `json:"plan_id"`
	GoalID     string   `json:"goal_id"`
	SessionID  string   `json:"session_id"`
}

// Refs returns the distinct record ids that a record of type typ references
// in data, in field order. Only canonical UUIDs count (record ids are
// nothing else); a field of the wrong type is ignored, as the report code
// ignores it. Both stores index exactly these.
func Refs(typ string, data []byte) []string {
	set := refFields[typ]
	if set == 0 || len(data) == 0 {
		return nil
	}
	var d refData
	// A type error still fills the other fields; pushed data is valid JSON.
	_ = json.Unmarshal(data, &d)
	var out []string
	add := func(id string) {
		if !hlc.IsCanonicalUUID(id) {
			return
		}
		for _, o := range out {
			if o == id {
				return
			}
		}
		out = append(out, id)
	}
	if set&refStudent != 0 {
		add(d.StudentID)
	}
	if set&refStudents != 0 {
		for _, id := range d.StudentIDs {
			add(id)
		}
	}
	if set&refGroup != 0 {
		add(d.GroupID)
	}
	if set&refProgram != 0 {
		add(d.ProgramID)
	}
	if set&refPlan != 0 {
		add(d.PlanID)
	}
	if set&refGoal != 0 {
		add(d.GoalID)
	}
	if set&refSession != 0 {
		add(d.SessionID)
	}
	return out
}
