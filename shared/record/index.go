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
	TypeDecision: {"student_id", "goal_id"},
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
	if out, ok := scanRefs(fields, data); ok {
		return out
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

// scanRefs is IndexedRefs' fast path: it walks the top level of the object
// with a byte scan (strings skipped with bytes.IndexByte, nested values by
// counting brackets) and hands only the values of reference fields to the
// tokenizer. Anything it does not expect (a name with an escape, a name
// twice, bytes out of place) returns ok false, and the tokenizer reads the
// whole object instead; so does data that is not well-formed JSON, since
// the scan only follows the structure.
func scanRefs(fields []string, data []byte) (out []string, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	var found [][]string
	var dec *jsontext.Decoder
	defer func() {
		if dec != nil {
			decoders.Put(dec)
		}
	}()
	for i = skipSpace(data, i+1); i < len(data) && data[i] != '}'; {
		if data[i] != '"' {
			return nil, false
		}
		end := skipString(data, i)
		if end < 0 {
			return nil, false
		}
		name := data[i+1 : end-1]
		if bytes.IndexByte(name, '\\') >= 0 {
			return nil, false
		}
		if i = skipSpace(data, end); i >= len(data) || data[i] != ':' {
			return nil, false
		}
		start := skipSpace(data, i+1)
		if i = skipValue(data, start); i < 0 {
			return nil, false
		}
		if f := slices.Index(fields, string(name)); f >= 0 {
			if found == nil {
				found = make([][]string, len(fields))
			} else if found[f] != nil {
				return nil, false // a name twice: the tokenizer's rules decide
			}
			if dec == nil {
				dec = decoders.Get().(*jsontext.Decoder)
			}
			dec.Reset(bytes.NewReader(data[start:i]))
			vals, err := readIDs(dec, listFields[fields[f]])
			if err != nil {
				return nil, false
			}
			found[f] = append(vals, "")[:len(vals)] // non-nil: seen
		}
		if i = skipSpace(data, i); i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
			if i >= len(data) || data[i] != '"' {
				return nil, false
			}
		} else if i >= len(data) || data[i] != '}' {
			return nil, false
		}
	}
	if i >= len(data) {
		return nil, false
	}
	for _, vs := range found {
		for _, id := range vs {
			if IsID(id) && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out, true
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string that starts with the quote
// at data[i], or -1 when it does not end.
func skipString(data []byte, i int) int {
	for i++; ; {
		q := bytes.IndexByte(data[i:], '"')
		if q < 0 {
			return -1
		}
		q += i
		bs := 0 // backslashes right before the quote: an odd count escapes it
		for k := q - 1; k >= i && data[k] == '\\'; k-- {
			bs++
		}
		if bs%2 == 0 {
			return q + 1
		}
		i = q + 1
	}
}

// skipValue returns the index after the value that starts at data[i], or
// -1 when it does not end.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				if i = skipString(data, i); i < 0 {
					return -1
				}
				i--
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	}
	for ; i < len(data); i++ { // a number, true, false or null
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
	}
	return i
}
