package protocol

import (
	"bytes"
	"encoding/json"
	"time"
	"unicode/utf8"

	"smallwins/shared/hlc"
	"smallwins/shared/record"
)

// DecodePush decodes a push body (already size-limited and decompressed).
// A body that is not JSON, or not {"records": [...]}, is invalid_json; an
// element of records that is not a well-typed envelope is invalid_record
// with its index; more than MaxPushRecords is too_large.
func DecodePush(body []byte) (*PushRequest, error) {
	if !utf8.Valid(body) {
		return nil, Errorf(CodeInvalidJSON, "the body is not valid UTF-8")
	}
	// Fastest path: the scanner of DecodePull slices each record's data out
	// of the body (checked once with json.Valid).
	if recs, ok := fastPush(body); ok {
		return &PushRequest{Records: recs, decoded: true}, nil
	}
	// Fast path: one pass of the decoder over the whole body. Only when it
	// fails is the body decoded again record by record, to name the
	// offending record's index.
	var fast struct {
		Records *[]record.Envelope `json:"records"`
	}
	if err := json.Unmarshal(body, &fast); err == nil && fast.Records != nil && len(*fast.Records) <= MaxPushRecords {
		recs := *fast.Records
		for i := range recs {
			recs[i].Seq = 0 // set by the server; ignored in push requests (PROTOCOL §2)
		}
		return &PushRequest{Records: recs, decoded: true}, nil
	}
	var raw struct {
		Records []json.RawMessage `json:"records"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, Errorf(CodeInvalidJSON, "the body must be a JSON object {\"records\": [...]}")
	}
	if raw.Records == nil {
		return nil, Errorf(CodeInvalidJSON, "the body must have a \"records\" array")
	}
	if len(raw.Records) > MaxPushRecords {
		return nil, Errorf(CodeTooLarge, "at most %d records per push", MaxPushRecords)
	}
	req := &PushRequest{Records: make([]record.Envelope, len(raw.Records)), decoded: true}
	for i, r := range raw.Records {
		if err := decodeEnvelope(r, &req.Records[i]); err != nil {
			return nil, RecordError(CodeInvalidRecord, i, "%v", err)
		}
	}
	return req, nil
}

// decodeEnvelope decodes one pushed envelope strictly as to types: each
// field must have its JSON type.
func decodeEnvelope(b json.RawMessage, e *record.Envelope) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return Errorf(CodeInvalidRecord, "a record must be a JSON object")
	}
	if err := json.Unmarshal(b, e); err != nil {
		return Errorf(CodeInvalidRecord, "a record field has the wrong type")
	}
	e.Seq = 0 // set by the server; ignored in push requests (PROTOCOL §2)
	return nil
}

// ValidatePush checks a decoded batch against PROTOCOL §2, §3 and §5: every
// envelope valid, no id twice, every HLC node equal to the device, no wall
// time more than maxSkew ahead of now. It normalises tombstones in place.
func ValidatePush(req *PushRequest, device string, now time.Time, maxSkew time.Duration) error {
	seen := make(map[string]struct{}, len(req.Records))
	limit := now.Add(maxSkew).UnixMilli()
	for i := range req.Records {
		e := &req.Records[i]
		validate := record.Validate
		if req.decoded {
			validate = record.ValidateDecoded
		}
		if err := validate(e); err != nil {
			return RecordError(CodeInvalidRecord, i, "%v", err)
		}
		ts, _ := hlc.Parse(e.HLC) // valid: checked above
		if ts.Node.String() != device {
			return RecordError(CodeInvalidRecord, i, "the hlc node must be this device's id")
		}
		if _, dup := seen[e.ID]; dup {
			return RecordError(CodeDuplicateID, i, "id %s appears twice in the batch", e.ID)
		}
		seen[e.ID] = struct{}{}
	}
	// Clock bound last: a batch with a malformed record is a 400 whatever
	// its clocks say, since re-stamping would not fix it.
	for i := range req.Records {
		ts, _ := hlc.Parse(req.Records[i].HLC)
		if ts.Wall > limit {
			ms := now.UnixMilli()
			pe := RecordError(CodeClockAhead, i, "the record's clock is more than %s ahead of the server", maxSkew)
			pe.ServerTimeMS = &ms
			return pe
		}
	}
	return nil
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

// fastPush reads {"records": [...]} with the pull scanner; ok is false for
// any shape it does not take, and DecodePush then uses encoding/json.
func fastPush(body []byte) ([]record.Envelope, bool) {
	s := &scanner{b: body}
	if s.eat('{') != nil {
		return nil, false
	}
	if k, err := s.str(); err != nil || k != "records" || s.eat(':') != nil || s.eat('[') != nil {
		return nil, false
	}
	recs := []record.Envelope{}
	if s.peek() == ']' {
		s.i++
	} else {
		for {
			e, err := s.envelope()
			if err != nil || len(recs) == MaxPushRecords {
				return nil, false
			}
			e.Seq = 0 // set by the server; ignored in push requests (PROTOCOL §2)
			recs = append(recs, e)
			c := s.peek()
			s.i++
			if c == ']' {
				break
			}
			if c != ',' {
				return nil, false
			}
		}
	}
	if s.eat('}') != nil {
		return nil, false
	}
	s.ws()
	return recs, s.i == len(s.b)
}
