package protocol

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"smallwins/shared/i18n"
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
		return nil, Problem(CodeInvalidJSON, "server.body.not_utf8")
	}
	var top struct {
		Records *[]record.Envelope `json:"records"`
	}
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, decodeError(body, err)
	}
	if top.Records == nil {
		return nil, Problem(CodeInvalidJSON, "server.push.no_records")
	}
	recs := *top.Records
	if len(recs) > MaxPushRecords {
		return nil, Problem(CodeTooLarge, "server.push.too_many", i18n.Args{"Max": MaxPushRecords})
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
			return RecordProblem(CodeInvalidRecord, i, "server.push.member_twice")
		}
		return RecordProblem(CodeInvalidRecord, i, "server.push.field_types", i18n.Args{"Field": fieldOf(ptr)})
	}
	return Problem(CodeInvalidJSON, "server.push.not_object")
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
			return RecordProblem(CodeInvalidRecord, i, "server.push.hlc_node")
		}
		if err := record.DataBounds(e.Type, e.Data); err != nil {
			return boundsError(i, err)
		}
		if _, dup := seen[e.ID]; dup {
			return RecordProblem(CodeDuplicateID, i, "server.push.id_twice", i18n.Args{"ID": e.ID})
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
		pe := RecordProblem(CodeClockAhead, ahead, "server.push.clock_ahead", i18n.Args{"Skew": maxSkew.String()})
		pe.ServerTimeMS = &ms
		return pe
	}
	return nil
}

// boundsError is the invalid_request of a record of a known type with a
// number or a date outside DOMAIN.md §2's bounds (ADR 0022); the message
// names the field, e.g. "probe.score must be between 0 and 10000", and is
// said in other languages by the record's rule (Error.In). Only bounds:
// the server still does not require a type's fields (PROTOCOL §2).
func boundsError(i int, err error) *Error {
	var fe *record.FieldError
	if errors.As(err, &fe) {
		return recordRefusal(i, fe)
	}
	return RecordError(CodeInvalidRequest, i, "%s", err)
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
