package protocol

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"smallwins/shared/record"
)

// DecodePull decodes a pull response body. A first sync reads 100 MB of
// them, so the common shape — plain ASCII ids, types and HLCs, lowercase keys
// — is read by a small scanner that slices each record's data out of the
// body (validated with json.Valid, without a second decoding pass). Anything
// else falls back to encoding/json, so the result is always what
// json.Unmarshal would give.
func DecodePull(body []byte) (*PullResponse, error) {
	if r, ok := fastPull(body); ok {
		return r, nil
	}
	var r PullResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

var errSlow = errors.New("take the slow path")

type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) eat(c byte) error {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != c {
		return errSlow
	}
	s.i++
	return nil
}

func (s *scanner) peek() byte {
	s.ws()
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// str reads a string without escapes or non-ASCII bytes (else errSlow).
func (s *scanner) str() (string, error) {
	if err := s.eat('"'); err != nil {
		return "", err
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			v := string(s.b[start:s.i])
			s.i++
			return v, nil
		case c == '\\' || c < 0x20 || c >= 0x80:
			return "", errSlow
		}
		s.i++
	}
	return "", errSlow
}

func (s *scanner) lit(word string) bool {
	s.ws()
	if strings.HasPrefix(string(s.b[s.i:min(len(s.b), s.i+len(word))]), word) {
		s.i += len(word)
		return true
	}
	return false
}

func (s *scanner) boolean() (bool, error) {
	switch {
	case s.lit("true"):
		return true, nil
	case s.lit("false"):
		return false, nil
	case s.lit("null"):
		return false, nil
	}
	return false, errSlow
}

func (s *scanner) integer() (int64, error) {
	s.ws()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	if s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		return 0, errSlow
	}
	if digits := s.b[start:s.i]; len(digits) > 1 && (digits[0] == '0' || (digits[0] == '-' && digits[1] == '0' && len(digits) > 2)) {
		return 0, errSlow // JSON has no leading zeros
	}
	n, err := strconv.ParseInt(string(s.b[start:s.i]), 10, 64)
	if err != nil {
		return 0, errSlow
	}
	return n, nil
}

// value returns the raw bytes of the next JSON value, checked with json.Valid.
func (s *scanner) value() ([]byte, error) {
	s.ws()
	start, depth, inStr, esc := s.i, 0, false, false
	for ; s.i < len(s.b); s.i++ {
		c := s.b[s.i]
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
				if depth == 0 {
					s.i++
					return s.checked(start)
				}
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				s.i++
				return s.checked(start)
			}
			if depth < 0 {
				return nil, errSlow
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return s.checked(start)
			}
		}
	}
	return nil, errSlow
}

func (s *scanner) checked(start int) ([]byte, error) {
	v := s.b[start:s.i]
	if len(v) == 0 || !json.Valid(v) {
		return nil, errSlow
	}
	return v, nil
}

func (s *scanner) envelope() (record.Envelope, error) {
	var e record.Envelope
	if err := s.eat('{'); err != nil {
		return e, err
	}
	if s.peek() == '}' {
		s.i++
		return e, nil
	}
	for {
		k, err := s.str()
		if err != nil {
			return e, err
		}
		if err := s.eat(':'); err != nil {
			return e, err
		}
		switch k {
		case "id":
			e.ID, err = s.str()
		case "type":
			e.Type, err = s.str()
		case "hlc":
			e.HLC, err = s.str()
		case "deleted":
			e.Deleted, err = s.boolean()
		case "restricted":
			e.Restricted, err = s.boolean()
		case "seq":
			e.Seq, err = s.integer()
		case "data":
			var v []byte
			if v, err = s.value(); err == nil {
				if string(v) == "null" {
					e.Data = nil
				} else {
					e.Data = json.RawMessage(v)
				}
			}
		default:
			return e, errSlow // unknown or differently cased key: let encoding/json decide
		}
		if err != nil {
			return e, err
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return e, nil
		default:
			return e, errSlow
		}
	}
}

func fastPull(body []byte) (*PullResponse, bool) {
	s := &scanner{b: body}
	r := &PullResponse{}
	if s.eat('{') != nil {
		return nil, false
	}
	seen := map[string]bool{}
	for {
		k, err := s.str()
		if err != nil || seen[k] || s.eat(':') != nil {
			return nil, false
		}
		seen[k] = true
		switch k {
		case "records":
			if s.lit("null") {
				break
			}
			if s.eat('[') != nil {
				return nil, false
			}
			r.Records = []record.Envelope{}
			if s.peek() == ']' {
				s.i++
				break
			}
			for {
				e, err := s.envelope()
				if err != nil {
					return nil, false
				}
				r.Records = append(r.Records, e)
				c := s.peek()
				s.i++
				if c == ']' {
					break
				}
				if c != ',' {
					return nil, false
				}
			}
		case "cursor":
			r.Cursor, err = s.integer()
		case "server_time_ms":
			r.ServerTimeMS, err = s.integer()
		case "more":
			r.More, err = s.boolean()
		case "epoch":
			r.Epoch, err = s.str()
		default:
			return nil, false
		}
		if err != nil {
			return nil, false
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			s.ws()
			if s.i != len(s.b) {
				return nil, false
			}
			return r, true
		default:
			return nil, false
		}
	}
}
