package record

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// Payload is the `data` of one record type of DOMAIN.md §2. Each payload
// type says what type it is, checks its own rules and names its own
// references, so adding a type (or a field) is one change in this package:
// stores, screens and exports reach payloads only through this interface
// and the registry below, never through a switch on the type.
//
// The methods have value receivers, so both Student and *Student are
// Payloads.
type Payload interface {
	// RecordType is the envelope's `type`, e.g. TypeStudent.
	RecordType() string
	// Validate checks DOMAIN.md §2's required fields and rules, and the
	// bounds of its numbers and dates (Bounds; the app validates before
	// writing). It checks shapes, not whether a referenced
	// record exists: a reference may point to a record this device has not
	// received yet. A refusal is a *FieldError.
	Validate() error
	// Refs lists the references to other records that are set, in field
	// order; user ids (author_id, owner_id, interventionist_id) are not
	// records and are not listed.
	Refs() []Ref
	// Owner is the reference a record is listed under (a student's plans, a
	// group's sessions) and indexed by; ok is false for a type listed only
	// by type. Its Field and Type are set even on a zero value, so a store
	// can learn the field from New(typ) alone.
	Owner() (ref Ref, ok bool)
	// Title is the record's own name for a person (a student's display
	// name, a group's name); "" for a type named by what it refers to.
	Title() string
	// Describe names the record for a person, e.g. "Session of Bluebirds
	// on Tue 4 Mar", for lists of records such as sync conflicts.
	Describe(Namer) string
}

// Ref is a reference from one record to another.
type Ref struct {
	Field string // DOMAIN.md's field name, e.g. "student_id", "attendance.student_id"
	Type  string // the referenced record type, e.g. TypeStudent
	ID    string // the referenced record's id
}

// FieldError is a payload refused by Validate. Reason is written for a
// person in English ("given name is required"); In(lang) says it in
// another language from Rule and Args (ProblemIn for any error). Screens
// match the error with errors.As, never by its text.
type FieldError struct {
	Type   string // record type, e.g. TypeStudent
	Field  string // DOMAIN.md's field name, e.g. "given_name"
	Reason string
	// Rule is the refusal's catalog message (problem.<Rule>), e.g.
	// "required"; Args its arguments as the English writes them.
	Rule string
	Args map[string]string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("record: invalid %s: %s: %s", e.Type, e.Field, e.Reason)
}

// Unwrap makes a FieldError an ErrInvalid for errors.Is.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// ErrUnknownType is returned by Decode for a type this version does not know.
var ErrUnknownType = errors.New("record: unknown record type")

// registry maps each record type to a constructor of its payload.
var registry = map[string]func() Payload{
	TypeStudent:       func() Payload { return new(Student) },
	TypeProgram:       func() Payload { return new(Program) },
	TypeGroup:         func() Payload { return new(Group) },
	TypePlan:          func() Payload { return new(Plan) },
	TypeSession:       func() Payload { return new(Session) },
	TypeNote:          func() Payload { return new(Note) },
	TypeGoal:          func() Payload { return new(Goal) },
	TypeProbe:         func() Payload { return new(Probe) },
	TypeCICOCard:      func() Payload { return new(CICOCard) },
	TypeCICOPlan:      func() Payload { return new(CICOPlan) },
	TypeDecision:      func() Payload { return new(Decision) },
	TypeCalendarBreak: func() Payload { return new(CalendarBreak) },
	TypeMeeting:       func() Payload { return new(Meeting) },
	TypeMeetingAction: func() Payload { return new(MeetingAction) },
	TypeObservation:   func() Payload { return new(Observation) },
	TypeNormTable:     func() Payload { return new(NormTable) },
	TypeProbeForm:     func() Payload { return new(ProbeForm) },
}

// New returns a zero payload of typ (a pointer, e.g. *Student) to decode
// into; false for a type this version does not know (another app version's
// type is stored and synced, just not interpreted).
func New(typ string) (Payload, bool) {
	f, ok := registry[typ]
	if !ok {
		return nil, false
	}
	return f(), true
}

// Decode decodes data as typ's payload (a pointer, e.g. *Student). It does
// not validate: a record from another device is shown as far as it decodes.
func Decode(typ string, data json.RawMessage) (Payload, error) {
	p, ok := New(typ)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownType, typ)
	}
	if err := DecodeData(data, p); err != nil {
		return nil, err
	}
	return p, nil
}

// Types lists the known record types, sorted.
func Types() []string {
	out := make([]string, 0, len(registry))
	for t := range registry {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
