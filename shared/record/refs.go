package record

import (
	"bytes"
	"encoding/json"
	"slices"

	"smallwins/shared/hlc"
)

// refFields are each record type's references to other records (DOMAIN.md
// §2), which the server indexes for RecordsByRef: a report reads a plan's
// group's sessions and a student's probes, and the school console lists a
// student's goals, plans, notes, decisions and cards. A session's
// attendance is not indexed: a student's sessions are found through their
// groups. Types not named here (student, program, calendar_break, unknown
// types) reference nothing, and a push of them costs no decoding.
var refFields = map[string]refSet{
	TypeGroup:    refProgram | refStudents,
	TypePlan:     refStudent | refProgram | refGroup,
	TypeSession:  refGroup | refProgram,
	TypeNote:     refStudent | refSession,
	TypeGoal:     refStudent | refPlan,
	TypeProbe:    refStudent,
	TypeCICOCard: refStudent,
	TypeDecision: refStudent | refGoal,
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

// refNames are the JSON names of the reference fields, in Refs' order.
var refNames = [...]struct {
	name string
	bit  refSet
}{
	{"student_id", refStudent}, {"student_ids", refStudents}, {"group_id", refGroup},
	{"program_id", refProgram}, {"plan_id", refPlan}, {"goal_id", refGoal}, {"session_id", refSession},
}

// Refs returns the distinct record ids that a record of type typ references
// in data, in field order. Only canonical UUIDs count (record ids are
// nothing else); a field of the wrong type is ignored, as the report code
// ignores it. Both server stores index exactly these.
func Refs(typ string, data []byte) []string {
	set := refFields[typ]
	if set == 0 || len(data) == 0 {
		return nil
	}
	// Only the top level of the object is read, and only the values of
	// reference fields are decoded: the rest (a session's attendance, a
	// note's body) is skipped without being built. That was more than half
	// of a push's CPU with encoding/json.
	var vals [len(refNames)][]string
	scanTop(data, func(key []byte, val []byte) {
		for i, rn := range refNames {
			// Names match as encoding/json matches them (case-insensitively,
			// the last duplicate wins), so the index agrees with the report
			// code's decoding.
			if set&rn.bit == 0 || !keyIs(key, rn.name) {
				continue
			}
			// A value of the wrong type leaves the field as it was, as
			// encoding/json does; null empties a list.
			switch list := rn.bit == refStudents; {
			case !list && val[0] == '"', list && (val[0] == '[' || val[0] == 'n'):
				vals[i] = stringsOf(val, list)
			}
		}
	})
	var out []string
	for _, vs := range vals {
		for _, id := range vs {
			if hlc.IsCanonicalUUID(id) && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// keyIs reports whether a raw JSON key (quotes included) names name the way
// encoding/json would match it to a field tagged name.
func keyIs(raw []byte, name string) bool {
	if bytes.IndexByte(raw, '\\') < 0 {
		return len(raw) == len(name)+2 && bytes.EqualFold(raw[1:len(raw)-1], []byte(name))
	}
	var k string
	return json.Unmarshal(raw, &k) == nil && bytes.EqualFold([]byte(k), []byte(name))
}

// stringsOf decodes a raw JSON string, or (when list) an array's string
// elements; anything else gives nothing, as encoding/json leaves a field of
// the wrong type empty.
func stringsOf(raw []byte, list bool) []string {
	if !list {
		if len(raw) == 0 || raw[0] != '"' {
			return nil
		}
		return []string{unquote(raw)}
	}
	if len(raw) == 0 || raw[0] != '[' {
		return nil
	}
	var out []string
	i := skipSpace(raw, 1)
	for i < len(raw) && raw[i] != ']' {
		end := skipValue(raw, i)
		if raw[i] == '"' {
			out = append(out, unquote(raw[i:end]))
		}
		i = skipSpace(raw, end)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return out
}

func unquote(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1])
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// scanTop calls fn with each key and raw value of a JSON object's top level.
// data must be valid JSON (a push has validated it); anything else ends the
// scan early without a panic.
func scanTop(data []byte, fn func(key, val []byte)) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return
	}
	i = skipSpace(data, i+1)
	for i < len(data) && data[i] == '"' {
		kEnd := skipValue(data, i)
		j := skipSpace(data, kEnd)
		if j >= len(data) || data[j] != ':' {
			return
		}
		vStart := skipSpace(data, j+1)
		vEnd := skipValue(data, vStart)
		if vEnd > len(data) || vEnd <= vStart {
			return
		}
		fn(data[i:kEnd], data[vStart:vEnd])
		i = skipSpace(data, vEnd)
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just after the JSON value starting at i.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return len(b)
	}
	switch b[i] {
	case '"':
		// The closing quote is the next one not escaped; IndexByte finds
		// candidates fast through long strings (a note's body).
		for j := i + 1; ; j++ {
			k := bytes.IndexByte(b[j:], '"')
			if k < 0 {
				return len(b)
			}
			j += k
			n := 0
			for p := j - 1; p > i && b[p] == '\\'; p-- {
				n++
			}
			if n%2 == 0 {
				return j + 1
			}
		}
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = skipValue(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	default: // number, true, false, null
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
			j++
		}
		return j
	}
}
