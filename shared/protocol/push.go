package protocol

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"smallwins/shared/record"
)

// DecodePush decodes a push body (already size-limited and decompressed)
// with the JSON v2 decoder, in one pass. A body that is not JSON, or not
// {"records": [...]}, is invalid_json; an element of records that is not a
// well-typed envelope is invalid_record with its index, which comes from the
// error's JSON pointer (/records/3/hlc); more than MaxPushRecords is
// too_large. Member names match exactly and may not repeat (ADR 0006).
func DecodePush(body []byte) (*PushRequest, error) {
	if !utf8.Valid(body) {
		return nil, Errorf(CodeInvalidJSON, "the body is not valid UTF-8")
	}
	var top struct {
		Records *[]record.Envelope `json:"records"`
	}
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, decodeError(body, err)
	}
	if top.Records == nil {
		return nil, Errorf(CodeInvalidJSON, "the body must have a \"records\" array")
	}
	recs := *top.Records
	if len(recs) > MaxPushRecords {
		return nil, Errorf(CodeTooLarge, "at most %d records per push", MaxPushRecords)
	}
	for i := range recs {
		recs[i].Seq = 0 // set by the server; ignored in push requests (PROTOCOL §2)
	}
	return &PushRequest{Records: recs}, nil
}

// decodeError maps a decoding error to its code. The decoder stops at the
// first error it meets, which may be a wrong type before a syntax error
// later on; a body that is not JSON at all is invalid_json whatever came
// first, so only a well-formed body's errors are pinned to a record.
func decodeError(body []byte, err error) error {
	var ptr jsontext.Pointer
	var se *json.SemanticError
	var sx *jsontext.SyntacticError
	switch {
	case errors.As(err, &se):
		ptr = se.JSONPointer
	case errors.As(err, &sx) && errors.Is(err, jsontext.ErrDuplicateName):
		ptr = sx.JSONPointer
	}
	if i, ok := recordIndex(ptr); ok && jsontext.Value(body).IsValid() {
		if errors.Is(err, jsontext.ErrDuplicateName) {
			return RecordError(CodeInvalidRecord, i, "a record has a member twice")
		}
		return RecordError(CodeInvalidRecord, i, "a record must be a JSON object whose fields have their types (%s)", fieldOf(ptr))
	}
	return Errorf(CodeInvalidJSON, "the body must be a JSON object {\"records\": [...]}")
}

// recordIndex reads N from a pointer /records/N[/...].
func recordIndex(p jsontext.Pointer) (int, bool) {
	rest, ok := strings.CutPrefix(string(p), "/records/")
	if !ok {
		return 0, false
	}
	num, _, _ := strings.Cut(rest, "/")
	i, err := strconv.Atoi(num)
	return i, err == nil && i >= 0
}

// fieldOf names the member a pointer ends in, for the message ("record"
// when it points at the element itself). The name came from the client, so
// only known names are repeated.
func fieldOf(p jsontext.Pointer) string {
	parts := strings.Split(string(p), "/")
	if len(parts) < 4 {
		return "record"
	}
	switch f := parts[3]; f {
	case "id", "type", "hlc", "deleted", "data", "seq", "restricted":
		return f
	}
	return "record"
}

// ValidatePush checks a decoded batch against PROTOCOL §2, §3 and §5: every
// envelope valid, every record of a known type within DOMAIN.md §2's
// bounds (invalid_request), no id twice, every HLC node equal to the device, no wall
// time more than maxSkew ahead of now. It normalises tombstones in place.
func ValidatePush(req *PushRequest, device string, now time.Time, maxSkew time.Duration) error {
	seen := make(map[string]struct{}, len(req.Records))
	limit := now.Add(maxSkew).UnixMilli()
	ahead := -1 // the first record whose clock is too far ahead
	for i := range req.Records {
		e := &req.Records[i]
		ts, err := record.ValidateStamp(e) // parses the HLC once for all three checks
		if err != nil {
			return RecordError(CodeInvalidRecord, i, "%v", err)
		}
		if ts.Node.String() != device {
			return RecordError(CodeInvalidRecord, i, "the hlc node must be this device's id")
		}
		if err := checkBounds(e); err != nil {
			return RecordError(CodeInvalidRequest, i, "%s", err)
		}
		if _, dup := seen[e.ID]; dup {
			return RecordError(CodeDuplicateID, i, "id %s appears twice in the batch", e.ID)
		}
		seen[e.ID] = struct{}{}
		if ahead < 0 && ts.Wall > limit {
			ahead = i
		}
	}
	// Clock bound last: a batch with a malformed record is a 400 whatever
	// its clocks say, since re-stamping would not fix it.
	if ahead >= 0 {
		ms := now.UnixMilli()
		pe := RecordError(CodeClockAhead, ahead, "the record's clock is more than %s ahead of the server", maxSkew)
		pe.ServerTimeMS = &ms
		return pe
	}
	return nil
}

// checkBounds refuses a record of a known type with a number or a date
// outside DOMAIN.md §2's bounds (ADR 0022); the message names the field,
// e.g. "probe.score must be between 0 and 10000". Only bounds: the server
// still does not require a type's fields (PROTOCOL §2).
func checkBounds(e *record.Envelope) error {
	err := record.DataBounds(e.Type, e.Data)
	var fe *record.FieldError
	if errors.As(err, &fe) {
		return errors.New(fe.Reason)
	}
	return err
}

// AppendPushBody appends the body of a push of recs ({"records": [...]}),
// without seq (PROTOCOL §2: ignored in push requests), and without
// reflection: record.AppendJSON splices each record's data as it is.
func AppendPushBody(b []byte, recs []record.Envelope) []byte {
	b = append(b, `{"records":[`...)
	for i, e := range recs {
		if i > 0 {
			b = append(b, ',')
		}
		e.Seq = 0
		b = e.AppendJSON(b)
	}
	return append(b, "]}"...)
}
