// Package record defines the sync record envelope of PROTOCOL §2 and its
// validation. DOMAIN.md's payload types live beside it (domain.go).
package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"unicode/utf8"

	"smallwins/shared/hlc"
)

const (
	// MaxDataBytes is the largest encoded `data` object (PROTOCOL §2).
	MaxDataBytes = 256 << 10
	// MaxDepth is the deepest nesting allowed in `data` (PROTOCOL §2).
	MaxDepth = 64
)

// Envelope is one version of one record, as it travels on the wire.
//
// HLC is kept in its text form: fixed width makes byte order the clock order,
// so stores compare strings without parsing. Data is kept as the bytes
// received so that fields this version does not know survive every hop.
type Envelope struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	HLC        string          `json:"hlc"`
	Deleted    bool            `json:"deleted"`
	Data       json.RawMessage `json:"data,omitempty"`
	Seq        int64           `json:"seq,omitempty"`
	Restricted bool            `json:"restricted,omitempty"`
}

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("invalid record")

var typePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Validate checks e against PROTOCOL §2 and §3 and normalises a tombstone's
// `"data": null` to absent. It does not check the node against a device;
// that is protocol.ValidatePush's job.
func Validate(e *Envelope) error { return validate(e, true) }

// ValidateDecoded is Validate for an envelope that encoding/json decoded:
// the decoder has already checked that its data bytes are valid JSON, so
// they are not scanned a second time (the push hot path).
func ValidateDecoded(e *Envelope) error { return validate(e, false) }

func validate(e *Envelope, checkJSON bool) error {
	if !hlc.IsCanonicalUUID(e.ID) {
		return fmt.Errorf("%w: id must be a canonical lowercase uuid", ErrInvalid)
	}
	if !typePattern.MatchString(e.Type) {
		return fmt.Errorf("%w: type must match ^[a-z][a-z0-9_]{0,31}$", ErrInvalid)
	}
	if _, err := hlc.Parse(e.HLC); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if e.Deleted {
		if len(e.Data) != 0 && !bytes.Equal(bytes.TrimSpace(e.Data), []byte("null")) {
			return fmt.Errorf("%w: a tombstone has no data", ErrInvalid)
		}
		e.Data = nil
		return nil
	}
	return validateData(e.Data, checkJSON)
}

// ValidateData checks that data is a JSON object within the size and depth
// limits, in valid UTF-8.
func ValidateData(data json.RawMessage) error { return validateData(data, true) }

func validateData(data json.RawMessage, checkJSON bool) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return fmt.Errorf("%w: data must be a JSON object", ErrInvalid)
	}
	if len(data) > MaxDataBytes {
		return fmt.Errorf("%w: data is over 256 KiB", ErrInvalid)
	}
	if !utf8.Valid(data) {
		return fmt.Errorf("%w: data is not valid UTF-8", ErrInvalid)
	}
	if d := depth(data); d > MaxDepth {
		return fmt.Errorf("%w: data nests deeper than %d levels", ErrInvalid, MaxDepth)
	}
	if checkJSON && !json.Valid(data) {
		return fmt.Errorf("%w: data is not valid JSON", ErrInvalid)
	}
	return nil
}

// depth returns the deepest nesting of objects and arrays in valid-looking
// JSON, skipping strings. It runs before json.Valid so that a hostile, deeply
// nested body is refused without recursion.
func depth(b []byte) int {
	d, maxD, inStr, esc := 0, 0, false, false
	for _, c := range b {
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			d++
			if d > maxD {
				maxD = d
			}
		case '}', ']':
			d--
		}
	}
	return maxD
}

// Tombstone returns the version of e that a device without the right to see
// it receives (PROTOCOL §6): same id, type, hlc and seq, deleted, no data.
func (e Envelope) Tombstone() Envelope {
	return Envelope{ID: e.ID, Type: e.Type, HLC: e.HLC, Deleted: true, Seq: e.Seq}
}
