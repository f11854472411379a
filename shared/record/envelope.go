// Package record defines the sync record envelope of PROTOCOL §2 and its
// validation. DOMAIN.md's payload types live beside it (domain.go).
package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sync"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

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
func Validate(e *Envelope) error {
	_, err := ValidateStamp(e)
	return err
}

// ValidateStamp is Validate that also returns the parsed HLC, so a caller
// that needs its node or wall time does not parse it again.
func ValidateStamp(e *Envelope) (hlc.Timestamp, error) { return validateStamp(e, false) }

// ValidateDecodedStamp is ValidateStamp for an envelope whose data a JSON v2
// decoder has just read (protocol.DecodePush): the decoder checked that it is
// one well-formed value in valid UTF-8 without duplicate names, so only the
// object, size and depth rules are left, checked with a byte scan
// (checkDepth) instead of a second tokenizing pass.
func ValidateDecodedStamp(e *Envelope) (hlc.Timestamp, error) { return validateStamp(e, true) }

func validateStamp(e *Envelope, wellFormed bool) (hlc.Timestamp, error) {
	if !IsID(e.ID) {
		return hlc.Timestamp{}, fmt.Errorf("%w: id must be a canonical lowercase uuid", ErrInvalid)
	}
	if !typePattern.MatchString(e.Type) {
		return hlc.Timestamp{}, fmt.Errorf("%w: type must match ^[a-z][a-z0-9_]{0,31}$", ErrInvalid)
	}
	ts, err := hlc.Parse(e.HLC)
	if err != nil {
		return hlc.Timestamp{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if e.Deleted {
		if len(e.Data) != 0 && !bytes.Equal(bytes.TrimSpace(e.Data), []byte("null")) {
			return hlc.Timestamp{}, fmt.Errorf("%w: a tombstone has no data", ErrInvalid)
		}
		e.Data = nil
		return ts, nil
	}
	if wellFormed {
		return ts, validateWellFormedData(e.Data)
	}
	return ts, ValidateData(e.Data)
}

// validateWellFormedData is ValidateData for data already known to be one
// well-formed JSON value in valid UTF-8.
func validateWellFormedData(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return fmt.Errorf("%w: data must be a JSON object", ErrInvalid)
	}
	if len(data) > MaxDataBytes {
		return fmt.Errorf("%w: data is over 256 KiB", ErrInvalid)
	}
	return checkDepth(data)
}

// checkDepth finds the deepest nesting of well-formed JSON with one pass
// over its bytes (outside strings, each { or [ opens a level; strings are
// skipped with bytes.IndexByte), stopping at
// the first level past MaxDepth: what checkSyntax's depth rule says, for a
// fraction of its cost.
func checkDepth(data []byte) error {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			if i = skipString(data, i); i < 0 {
				return nil // not well-formed: not this function's case
			}
			i--
		case '{', '[':
			if depth++; depth > MaxDepth {
				return fmt.Errorf("%w: data nests deeper than %d levels", ErrInvalid, MaxDepth)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// ValidateData checks that data is one JSON object within the size and
// depth limits, in valid UTF-8 (PROTOCOL §2).
func ValidateData(data json.RawMessage) error {
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
	return checkSyntax(data)
}

var decoders = sync.Pool{New: func() any { return jsontext.NewDecoder(bytes.NewReader(nil)) }}

// checkSyntax reads data token by token with the JSON v2 tokenizer: one
// pass checks that it is exactly one well-formed value and that it nests no
// deeper than MaxDepth, stopping at the first level too deep, so a hostile,
// deeply nested body costs nothing more than its first 65 levels.
func checkSyntax(data []byte) error {
	dec := decoders.Get().(*jsontext.Decoder)
	defer decoders.Put(dec)
	dec.Reset(bytes.NewReader(data))
	for {
		if _, err := dec.ReadToken(); err != nil {
			return fmt.Errorf("%w: data is not valid JSON", ErrInvalid)
		}
		if d := dec.StackDepth(); d > MaxDepth {
			return fmt.Errorf("%w: data nests deeper than %d levels", ErrInvalid, MaxDepth)
		} else if d == 0 {
			break // the object closed
		}
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return fmt.Errorf("%w: data is not valid JSON (more after the object)", ErrInvalid)
	}
	return nil
}

// Tombstone returns the version of e that a device without the right to see
// it receives (PROTOCOL §6): same id, type, hlc and seq, deleted, no data.
func (e Envelope) Tombstone() Envelope {
	return Envelope{ID: e.ID, Type: e.Type, HLC: e.HLC, Deleted: true, Seq: e.Seq}
}
