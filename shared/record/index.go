package record

import (
	"bytes"
	"slices"

	"github.com/go-json-experiment/json/jsontext"
)

// indexedFields are each record type's references to other records
// (DOMAIN.md §2) that the server indexes for RecordsByRef: a report reads a
// plan's group's sessions and a student's probes, and the school console
// lists a student's goals, plans, notes, decisions and cards. A session's
// attendance is not indexed: a student's sessions are found through their
// groups. Types not named here (student, program, calendar_break, unknown
// types) reference nothing, and a push of them costs no reading.
var indexedFields = map[string][]string{
	TypeGroup:    {"student_ids", "program_id"},
	TypePlan:     {"student_id", "group_id", "program_id"},
	TypeSession:  {"group_id", "program_id"},
	TypeNote:     {"student_id", "session_id"},
	TypeGoal:     {"student_id", "plan_id"},
	TypeProbe:    {"student_id"},
	TypeCICOCard: {"student_id"},
	TypeCICOPlan: {"student_id"},
	TypeDecision: {"student_id", "goal_id"},
	// A meeting's action items (ADR 0017).
	TypeMeetingAction: {"meeting_id"},
	// A report reads a session's observations (DOMAIN.md §3.7a).
	TypeObservation: {"session_id"},
}

// listFields are the reference fields that hold a list of ids.
var listFields = map[string]bool{"student_ids": true}

// IndexedRefs returns the distinct record ids that a record of type typ
// references in data, in the order of the type's indexed fields. Only
// canonical UUIDs count (record ids are nothing else); a field of the wrong
// type is ignored, as decoding the payload would refuse it. Both server
// stores index exactly these.
//
// Only the top level of the object is read, with the JSON v2 tokenizer, and
// only the values of reference fields are taken: the rest (a session's
// attendance, a note's text) is skipped without being built, which keeps
// index upkeep a small part of a push. Names match exactly, as the JSON v2
// decoder of shared/progress matches them (ADR 0006).
func IndexedRefs(typ string, data []byte) []string {
	fields := indexedFields[typ]
	if len(fields) == 0 || len(data) == 0 {
		return nil
	}
	dec := decoders.Get().(*jsontext.Decoder)
	defer decoders.Put(dec)
	dec.Reset(bytes.NewReader(data))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil
	}
	found := make([][]string, len(fields))
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			break
		}
		i := slices.Index(fields, name.String())
		if i < 0 {
			if dec.SkipValue() != nil {
				break
			}
			continue
		}
		vals, err := readIDs(dec, listFields[fields[i]])
		if err != nil {
			break
		}
		found[i] = vals
	}
	var out []string
	for _, vs := range found {
		for _, id := range vs {
			if IsID(id) && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// readIDs reads one field's value: a string, or (when list) an array whose
// string elements are taken and anything else skipped. A value of another
// kind is skipped and gives nothing.
func readIDs(dec *jsontext.Decoder, list bool) ([]string, error) {
	switch k := dec.PeekKind(); {
	case k == '"' && !list:
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		return []string{tok.String()}, nil
	case k == '[' && list:
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		var out []string
		for dec.PeekKind() != ']' {
			if dec.PeekKind() != '"' {
				if err := dec.SkipValue(); err != nil {
					return nil, err
				}
				continue
			}
			tok, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			out = append(out, tok.String())
		}
		_, err := dec.ReadToken()
		return out, err
	}
	return nil, dec.SkipValue()
}
