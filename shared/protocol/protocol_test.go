package protocol

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	"pgregory.net/rapid"

	"smallwins/shared/hlc"
	"smallwins/shared/record"
)

const (
	dev = "5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"
	id1 = "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00"
	id2 = "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01"
)

var now = time.UnixMilli(1764000000000)

const skew = 5 * time.Minute

func hlcAt(ms int64) string { return fmt.Sprintf("%013d-00000-%s", ms, dev) }

func rec(id, h string) string {
	return `{"id":"` + id + `","type":"note","hlc":"` + h + `","data":{"a":1}}`
}

func body(recs ...string) []byte { return []byte(`{"records":[` + strings.Join(recs, ",") + `]}`) }

// many returns n distinct valid records.
func many(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = rec(fmt.Sprintf("0193a5c4-7e2b-7c1d-9a41-%012x", i), hlcAt(now.UnixMilli()))
	}
	return out
}

// wantErr checks that err is an *Error with code, index (-1: none) and the
// status PROTOCOL §8 gives the code.
func wantErr(t *testing.T, err error, code Code, index int) *Error {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("got %v (%T), want *Error %s", err, err, code)
	}
	if pe.Code != code {
		t.Fatalf("code %s (%v), want %s", pe.Code, pe, code)
	}
	if index < 0 && pe.Index != nil {
		t.Fatalf("index %d, want none", *pe.Index)
	}
	if index >= 0 && (pe.Index == nil || *pe.Index != index) {
		t.Fatalf("index %v, want %d", pe.Index, index)
	}
	if pe.Message == "" {
		t.Fatal("empty message")
	}
	return pe
}

func TestDecodePush(t *testing.T) {
	nowHLC := hlcAt(now.UnixMilli())
	cases := []struct {
		name  string
		body  []byte
		code  Code // "" = decodes
		index int
		n     int // records when it decodes
	}{
		// Not JSON, or not the expected shape: invalid_json.
		{"empty body", []byte(``), CodeInvalidJSON, -1, 0},
		{"truncated", []byte(`{"records":`), CodeInvalidJSON, -1, 0},
		{"truncated inside a record", body(`{"id":"` + id1), CodeInvalidJSON, -1, 0},
		{"trailing garbage", append(body(rec(id1, nowHLC)), 'x'), CodeInvalidJSON, -1, 0},
		{"bad utf8", []byte("{\"records\":[\"\xff\"]}"), CodeInvalidJSON, -1, 0},
		{"gzip bytes not decompressed", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"), CodeInvalidJSON, -1, 0},
		{"array body", []byte(`[]`), CodeInvalidJSON, -1, 0},
		{"string body", []byte(`"records"`), CodeInvalidJSON, -1, 0},
		{"null body", []byte(`null`), CodeInvalidJSON, -1, 0},
		{"no records", []byte(`{}`), CodeInvalidJSON, -1, 0},
		{"records misspelt", []byte(`{"record":[]}`), CodeInvalidJSON, -1, 0},
		{"records null", []byte(`{"records":null}`), CodeInvalidJSON, -1, 0},
		{"records object", []byte(`{"records":{}}`), CodeInvalidJSON, -1, 0},
		{"records string", []byte(`{"records":"[]"}`), CodeInvalidJSON, -1, 0},
		{"records number", []byte(`{"records":1}`), CodeInvalidJSON, -1, 0},

		// Elements that are not objects, or fields of the wrong type:
		// invalid_record with the element's index.
		{"element scalar", body(rec(id1, nowHLC), `7`), CodeInvalidRecord, 1, 0},
		{"element string", body(`"x"`), CodeInvalidRecord, 0, 0},
		{"element array", body(rec(id1, nowHLC), rec(id2, nowHLC), `[]`), CodeInvalidRecord, 2, 0},
		{"element bool", body(`true`), CodeInvalidRecord, 0, 0},
		{"id is a number", body(`{"id":1,"type":"note","hlc":"` + nowHLC + `","data":{}}`), CodeInvalidRecord, 0, 0},
		{"type is an array", body(rec(id1, nowHLC), `{"id":"`+id2+`","type":["note"],"hlc":"`+nowHLC+`","data":{}}`), CodeInvalidRecord, 1, 0},
		{"hlc is a number", body(`{"id":"` + id1 + `","type":"note","hlc":5,"data":{}}`), CodeInvalidRecord, 0, 0},
		{"deleted is a string", body(`{"id":"` + id1 + `","type":"note","hlc":"` + nowHLC + `","deleted":"true"}`), CodeInvalidRecord, 0, 0},
		{"restricted is a number", body(`{"id":"` + id1 + `","type":"note","hlc":"` + nowHLC + `","data":{},"restricted":1}`), CodeInvalidRecord, 0, 0},

		// Limits: at most 1000 records.
		{"1001 records", body(many(MaxPushRecords + 1)...), CodeTooLarge, -1, 0},
		{"1001 garbage records", body(slices.Repeat([]string{`{}`}, MaxPushRecords+1)...), CodeTooLarge, -1, 0},
		{"1000 records", body(many(MaxPushRecords)...), "", -1, MaxPushRecords},

		// Shapes that decode (validation comes after).
		{"empty batch", body(), "", -1, 0},
		{"one record", body(rec(id1, nowHLC)), "", -1, 1},
		{"whitespace around", []byte(" \n\t" + string(body(rec(id1, nowHLC))) + "\n"), "", -1, 1},
		{"unknown top-level field ignored", []byte(`{"client":"x","records":[` + rec(id1, nowHLC) + `]}`), "", -1, 1},
		{"null element decodes, fails validation", body(`null`), "", -1, 1},
		{"escaped strings", body(`{"id":"` + id1 + `","type":"note","hlc":"` + nowHLC + `","data":{"a":"\"}\u00e9"}}`), "", -1, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := DecodePush(c.body)
			if c.code != "" {
				pe := wantErr(t, err, c.code, c.index)
				if req != nil {
					t.Fatalf("a request came back with the error %v", pe)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected %v", err)
			}
			if len(req.Records) != c.n {
				t.Fatalf("%d records, want %d", len(req.Records), c.n)
			}
		})
	}
}

// TestDecodePushIgnoresSeq: PROTOCOL §2, seq is set by the server and
// ignored in push requests, whatever else the record holds.
func TestDecodePushIgnoresSeq(t *testing.T) {
	withSeq := `{"id":"` + id1 + `","type":"note","hlc":"` + hlcAt(now.UnixMilli()) + `","data":{"a":1},"seq":99}`
	for name, b := range map[string][]byte{
		"one":                   body(withSeq),
		"cased name is unknown": body(strings.Replace(withSeq, `"data"`, `"Data"`, 1)), // names match exactly: Data is not data
		"with unknown members":  body(withSeq, `{"id":"`+id2+`","type":"note","hlc":"`+hlcAt(now.UnixMilli())+`","data":{},"seq":7,"extra":[1,{}]}`),
	} {
		req, err := DecodePush(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, r := range req.Records {
			if r.Seq != 0 {
				t.Fatalf("%s: seq %d kept", name, r.Seq)
			}
		}
		if want := map[bool]string{true: "", false: `{"a":1}`}[strings.Contains(name, "cased")]; string(req.Records[0].Data) != want {
			t.Fatalf("%s: data %s", name, req.Records[0].Data)
		}
	}
}

func TestValidatePush(t *testing.T) {
	nowMS := now.UnixMilli()
	cases := []struct {
		name  string
		body  []byte
		code  Code
		index int
	}{
		{"good", body(rec(id1, hlcAt(nowMS)), rec(id2, hlcAt(nowMS))), "", -1},
		{"empty batch", body(), "", -1},
		{"hlc in the past", body(rec(id1, hlcAt(nowMS-86400000*365))), "", -1},
		{"tombstone", body(`{"id":"` + id1 + `","type":"note","hlc":"` + hlcAt(nowMS) + `","deleted":true,"data":null}`), "", -1},

		// Any invalid envelope: invalid_record with its index.
		{"null element", body(rec(id1, hlcAt(nowMS)), `null`), CodeInvalidRecord, 1},
		{"bad id", body(rec("nope", hlcAt(nowMS))), CodeInvalidRecord, 0},
		{"bad type", body(strings.Replace(rec(id1, hlcAt(nowMS)), `"note"`, `"Note"`, 1)), CodeInvalidRecord, 0},
		{"bad hlc", body(rec(id1, "1764000000000-00000-"+strings.ToUpper(dev))), CodeInvalidRecord, 0},
		{"hlc before 2020", body(rec(id1, hlcAt(hlc.MinWall-1))), CodeInvalidRecord, 0},
		{"data missing", body(`{"id":"` + id1 + `","type":"note","hlc":"` + hlcAt(nowMS) + `"}`), CodeInvalidRecord, 0},
		{"data array", body(rec(id1, hlcAt(nowMS)), `{"id":"`+id2+`","type":"note","hlc":"`+hlcAt(nowMS)+`","data":[]}`), CodeInvalidRecord, 1},
		{"data too deep", body(`{"id":"` + id1 + `","type":"note","hlc":"` + hlcAt(nowMS) + `","data":` + strings.Repeat(`{"a":`, 64) + `{}` + strings.Repeat(`}`, 64) + `}`), CodeInvalidRecord, 0},
		{"data too big", body(`{"id":"` + id1 + `","type":"note","hlc":"` + hlcAt(nowMS) + `","data":{"a":"` + strings.Repeat("x", record.MaxDataBytes) + `"}}`), CodeInvalidRecord, 0},
		{"tombstone with data", body(`{"id":"` + id1 + `","type":"note","hlc":"` + hlcAt(nowMS) + `","deleted":true,"data":{"a":1}}`), CodeInvalidRecord, 0},

		// PROTOCOL §5: the node must be the token's device.
		{"other node", body(rec(id1, hlcAt(nowMS)), `{"id":"`+id2+`","type":"note","hlc":"1764000000000-00000-`+id2+`","data":{}}`), CodeInvalidRecord, 1},

		// The same id twice: duplicate_id at the second.
		{"duplicate", body(rec(id1, hlcAt(nowMS)), rec(id2, hlcAt(nowMS)), rec(id1, hlcAt(nowMS+1))), CodeDuplicateID, 2},
		{"duplicate with equal hlc", body(rec(id1, hlcAt(nowMS)), rec(id1, hlcAt(nowMS))), CodeDuplicateID, 1},

		// Clock bound: more than max_clock_skew ahead → 422 clock_ahead.
		{"exactly at the skew", body(rec(id1, hlcAt(now.Add(skew).UnixMilli()))), "", -1},
		{"1 ms past the skew", body(rec(id1, hlcAt(now.Add(skew).UnixMilli()+1))), CodeClockAhead, 0},
		{"clock ahead second", body(rec(id1, hlcAt(nowMS)), rec(id2, hlcAt(now.Add(6*time.Minute).UnixMilli()))), CodeClockAhead, 1},
		{"clock a year ahead", body(rec(id1, hlcAt(now.AddDate(1, 0, 0).UnixMilli()))), CodeClockAhead, 0},

		// Every 400 takes precedence over clock_ahead, wherever it is.
		{"invalid after clock ahead", body(rec(id1, hlcAt(now.Add(time.Hour).UnixMilli())), rec("bad", hlcAt(nowMS))), CodeInvalidRecord, 1},
		{"invalid before clock ahead", body(rec("bad", hlcAt(nowMS)), rec(id1, hlcAt(now.Add(time.Hour).UnixMilli()))), CodeInvalidRecord, 0},
		{"duplicate after clock ahead", body(rec(id1, hlcAt(now.Add(time.Hour).UnixMilli())), rec(id1, hlcAt(nowMS))), CodeDuplicateID, 1},
		{"other node after clock ahead", body(rec(id1, hlcAt(now.Add(time.Hour).UnixMilli())), `{"id":"`+id2+`","type":"note","hlc":"1764000000000-00000-`+id2+`","data":{}}`), CodeInvalidRecord, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := DecodePush(c.body)
			if err != nil {
				t.Fatalf("DecodePush: %v", err)
			}
			err = ValidatePush(req, dev, now, skew)
			if c.code == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			pe := wantErr(t, err, c.code, c.index)
			if c.code == CodeClockAhead {
				if pe.ServerTimeMS == nil || *pe.ServerTimeMS != nowMS {
					t.Fatalf("server_time_ms %v, want %d", pe.ServerTimeMS, nowMS)
				}
				if pe.Status() != http.StatusUnprocessableEntity {
					t.Fatalf("status %d", pe.Status())
				}
			} else {
				if pe.ServerTimeMS != nil {
					t.Fatalf("server_time_ms on a %s", pe.Code)
				}
				if pe.Status() != http.StatusBadRequest {
					t.Fatalf("status %d", pe.Status())
				}
			}
		})
	}
}

func TestValidatePushNormalisesTombstones(t *testing.T) {
	req, err := DecodePush(body(`{"id":"` + id1 + `","type":"note","hlc":"` + hlcAt(now.UnixMilli()) + `","deleted":true,"data":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidatePush(req, dev, now, skew); err != nil {
		t.Fatal(err)
	}
	if r := req.Records[0]; !r.Deleted || r.Data != nil {
		t.Fatalf("tombstone %+v", r)
	}
}

// TestValidatePushBuiltByHand: a request not from DecodePush (a Go client,
// a test) gets the full JSON check of its data bytes.
func TestValidatePushBuiltByHand(t *testing.T) {
	req := &PushRequest{Records: []record.Envelope{
		{ID: id1, Type: "note", HLC: hlcAt(now.UnixMilli()), Data: json.RawMessage(`{"a":1}`)},
		{ID: id2, Type: "note", HLC: hlcAt(now.UnixMilli()), Data: json.RawMessage(`{"a":}`)},
	}}
	wantErr(t, ValidatePush(req, dev, now, skew), CodeInvalidRecord, 1)
	req.Records[1].Data = json.RawMessage(`{"a":2}`)
	if err := ValidatePush(req, dev, now, skew); err != nil {
		t.Fatal(err)
	}
}

// TestDecide: PROTOCOL §5's outcomes, greatest HLC wins.
func TestDecide(t *testing.T) {
	other := "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00" // sorts before dev
	a := hlcAt(1764000000000)
	cases := []struct {
		name     string
		held, in string
		want     Outcome
	}{
		{"none held", "", a, Applied},
		{"later wall", a, hlcAt(1764000000001), Applied},
		{"earlier wall", hlcAt(1764000000001), a, Superseded},
		{"equal", a, a, Unchanged},
		{"higher counter", a, "1764000000000-00001-" + dev, Applied},
		{"counter 10 beats 9", "1764000000000-00009-" + dev, "1764000000000-00010-" + dev, Applied},
		{"lower counter", "1764000000000-00001-" + dev, a, Superseded},
		{"node breaks the tie (greater)", "1764000000000-00000-" + other, a, Applied},
		{"node breaks the tie (smaller)", a, "1764000000000-00000-" + other, Superseded},
		{"wall beats counter", "1764000000000-99999-" + dev, hlcAt(1764000000001), Applied},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Decide(c.held, c.in); got != c.want {
				t.Fatalf("Decide(%q, %q) = %s, want %s", c.held, c.in, got, c.want)
			}
		})
	}
}

// TestDecideProperties: Decide agrees with hlc.Compare, and folding any
// order of the same versions through it holds the greatest (PROTOCOL §1).
func TestDecideProperties(t *testing.T) {
	genTS := rapid.Custom(func(t *rapid.T) hlc.Timestamp {
		return hlc.Timestamp{
			Wall:    rapid.Int64Range(hlc.MinWall, hlc.MinWall+5).Draw(t, "w"),
			Logical: rapid.IntRange(0, 3).Draw(t, "l"),
			Node:    [16]byte{15: rapid.Byte().Draw(t, "n")},
		}
	})
	rapid.Check(t, func(t *rapid.T) {
		held, in := genTS.Draw(t, "held"), genTS.Draw(t, "in")
		want := map[int]Outcome{-1: Superseded, 0: Unchanged, 1: Applied}[hlc.Compare(in, held)]
		if got := Decide(held.String(), in.String()); got != want {
			t.Fatalf("Decide(%s, %s) = %s, want %s", held, in, got, want)
		}

		versions := rapid.SliceOfN(genTS, 1, 20).Draw(t, "versions")
		order := rapid.Permutation(versions).Draw(t, "order")
		cur := ""
		for _, v := range order {
			if Decide(cur, v.String()) == Applied {
				cur = v.String()
			}
		}
		greatest := slices.MaxFunc(versions, hlc.Compare).String()
		if cur != greatest {
			t.Fatalf("held %s, want the greatest %s", cur, greatest)
		}
	})
}

// TestStatusForEveryCode: the table of PROTOCOL §8, spelled as on the wire.
func TestStatusForEveryCode(t *testing.T) {
	cases := []struct {
		wire   string
		code   Code
		status int
	}{
		{"invalid_json", CodeInvalidJSON, 400},
		{"invalid_record", CodeInvalidRecord, 400},
		{"duplicate_id", CodeDuplicateID, 400},
		{"invalid_request", CodeInvalidRequest, 400},
		{"unauthorized", CodeUnauthorized, 401},
		{"forbidden", CodeForbidden, 403},
		{"not_found", CodeNotFound, 404},
		{"conflict", CodeConflict, 409},
		{"resync_required", CodeResyncRequired, 410},
		{"too_large", CodeTooLarge, 413},
		{"unsupported_media_type", CodeUnsupportedMediaType, 415},
		{"clock_ahead", CodeClockAhead, 422},
		{"rate_limited", CodeRateLimited, 429},
		{"device_wiped", CodeDeviceWiped, 401},
		{"unavailable", CodeUnavailable, 503},
		{"internal", CodeInternal, 500},
	}
	for _, c := range cases {
		t.Run(c.wire, func(t *testing.T) {
			if string(c.code) != c.wire {
				t.Fatalf("code spelt %q, §8 says %q", c.code, c.wire)
			}
			if got := StatusFor(c.code); got != c.status {
				t.Fatalf("StatusFor = %d, want %d", got, c.status)
			}
			if got := Errorf(c.code, "x").Status(); got != c.status {
				t.Fatalf("Error.Status = %d, want %d", got, c.status)
			}
			// A bare status maps back to a code with that status: the
			// code itself wherever the status has only one.
			back := CodeFor(c.status)
			if StatusFor(back) != c.status {
				t.Fatalf("CodeFor(%d) = %s, whose status is %d", c.status, back, StatusFor(back))
			}
			if c.status != 400 && c.code != CodeDeviceWiped && back != c.code {
				t.Fatalf("CodeFor(%d) = %s, want %s", c.status, back, c.code)
			}
		})
	}
	if got := CodeFor(400); got != CodeInvalidRequest {
		t.Errorf("CodeFor(400) = %s, want invalid_request", got)
	}
	if got := CodeFor(401); got != CodeUnauthorized {
		t.Errorf("CodeFor(401) = %s: a bare 401 is not a wipe", got)
	}
	for _, s := range []int{0, 200, 302, 405, 418, 500, 502} {
		if got := CodeFor(s); got != CodeInternal {
			t.Errorf("CodeFor(%d) = %s, want internal", s, got)
		}
	}
	if StatusFor("made_up") != http.StatusInternalServerError {
		t.Error("unknown code is not 500")
	}
}

// TestErrorBody: PROTOCOL §8's JSON shape, with index for record errors and
// server_time_ms for clock_ahead only.
func TestErrorBody(t *testing.T) {
	ms := int64(1764000000000)
	ahead := RecordError(CodeClockAhead, 0, "ahead by %s", "6m")
	ahead.ServerTimeMS = &ms
	cases := []struct {
		err  *Error
		want string
		text string
	}{
		{Errorf(CodeUnauthorized, "sign in again"), `{"error":{"code":"unauthorized","message":"sign in again"}}`, "unauthorized: sign in again"},
		{RecordError(CodeInvalidRecord, 3, "bad %s", "id"), `{"error":{"code":"invalid_record","message":"bad id","index":3}}`, "invalid_record: bad id (record 3)"},
		{RecordError(CodeDuplicateID, 0, "twice"), `{"error":{"code":"duplicate_id","message":"twice","index":0}}`, "duplicate_id: twice (record 0)"},
		{ahead, `{"error":{"code":"clock_ahead","message":"ahead by 6m","index":0,"server_time_ms":1764000000000}}`, "clock_ahead: ahead by 6m (record 0)"},
	}
	for _, c := range cases {
		b, err := json.Marshal(ErrorBody{Error: c.err})
		if err != nil || string(b) != c.want {
			t.Errorf("body %s, %v; want %s", b, err, c.want)
		}
		if c.err.Error() != c.text {
			t.Errorf("Error() = %q, want %q", c.err.Error(), c.text)
		}
		var back ErrorBody
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back.Error, c.err) {
			t.Errorf("decoded %+v, %v; want %+v", back.Error, err, c.err)
		}
	}
}

func TestIsCode(t *testing.T) {
	wrapped := fmt.Errorf("push: %w", Errorf(CodeTooLarge, "big"))
	if !IsCode(wrapped, CodeTooLarge) {
		t.Error("IsCode misses a wrapped *Error")
	}
	if IsCode(wrapped, CodeInvalidJSON) {
		t.Error("IsCode matches another code")
	}
	if IsCode(errors.New("too_large"), CodeTooLarge) || IsCode(nil, CodeTooLarge) {
		t.Error("IsCode matches a plain error by text")
	}
}

// pushErrorCodes are the only codes DecodePush and ValidatePush return.
var pushErrorCodes = map[Code]bool{CodeInvalidJSON: true, CodeInvalidRecord: true, CodeDuplicateID: true, CodeTooLarge: true, CodeClockAhead: true}

// FuzzDecodePush: never a panic; either a coded *Error (with an index inside
// the batch for record errors), or a batch whose every record meets
// PROTOCOL §2, §3 and §5 — checked independently, and counted against
// encoding/json.
func FuzzDecodePush(f *testing.F) {
	nowHLC := hlcAt(now.UnixMilli())
	for _, b := range [][]byte{
		body(rec(id1, nowHLC)),
		body(rec(id1, nowHLC), rec(id2, nowHLC)),
		body(rec(id1, nowHLC), rec(id1, nowHLC)),
		body(rec(id1, hlcAt(now.Add(time.Hour).UnixMilli()))),
		body(`{"id":"` + id1 + `","type":"note","hlc":"` + nowHLC + `","deleted":true,"data":null,"seq":5}`),
		body(`{"id":"` + id1 + `","type":"note","hlc":"x","deleted":true}`),
		body(`{"id":"` + id1 + `","type":"note","hlc":"` + nowHLC + `","data":{"a":[{"b":"\u00e9\"}"}]},"restricted":true}`),
		body(`{"ID":"` + id1 + `","Type":"note","HLC":"` + nowHLC + `","Data":{}}`),
		body(`null`, `7`, `[]`, `"x"`),
		body(`{"id":1}`),
		[]byte(`{"records":null}`),
		[]byte(`{"records":{}}`),
		[]byte(`{}`),
		[]byte(`[`),
		[]byte("{\"records\":[\"\xff\"]}"),
		body(slices.Repeat([]string{`{}`}, MaxPushRecords+1)...),
	} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var oracle struct {
			Records []json.RawMessage `json:"records"`
		}
		oracleErr := json.Unmarshal(b, &oracle)

		req, err := DecodePush(b)
		if err == nil {
			err = ValidatePush(req, dev, now, skew)
		}
		// Both ways: refused exactly when PROTOCOL §5 says so.
		if want := pushOracle(b); want != (err == nil) {
			t.Fatalf("DecodePush+ValidatePush(%q) = %v; the oracle says valid=%v", b, err, want)
		}
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("not a coded error: %v", err)
			}
			if !pushErrorCodes[pe.Code] {
				t.Fatalf("unexpected code %s", pe.Code)
			}
			if pe.Index != nil && (oracleErr != nil || *pe.Index < 0 || *pe.Index >= len(oracle.Records)) {
				t.Fatalf("index %d outside a batch of %d (oracle %v)", *pe.Index, len(oracle.Records), oracleErr)
			}
			if (pe.Code == CodeInvalidRecord || pe.Code == CodeDuplicateID || pe.Code == CodeClockAhead) && pe.Index == nil {
				t.Fatalf("%s without index", pe.Code)
			}
			if (pe.Code == CodeClockAhead) != (pe.ServerTimeMS != nil) {
				t.Fatalf("%s with server_time_ms %v", pe.Code, pe.ServerTimeMS)
			}
			return
		}
		if oracleErr != nil || oracle.Records == nil {
			t.Fatalf("accepted a body encoding/json refuses or lacks records: %v", oracleErr)
		}
		if len(req.Records) != len(oracle.Records) || len(req.Records) > MaxPushRecords {
			t.Fatalf("%d records; encoding/json sees %d", len(req.Records), len(oracle.Records))
		}
		seen := map[string]bool{}
		limit := now.Add(skew).UnixMilli()
		for i, r := range req.Records {
			if seen[r.ID] {
				t.Fatalf("record %d: duplicate id accepted", i)
			}
			seen[r.ID] = true
			if r.Seq != 0 {
				t.Fatalf("record %d: seq %d kept", i, r.Seq)
			}
			c := r
			if err := record.Validate(&c); err != nil { // the full check, JSON syntax included
				t.Fatalf("record %d accepted but invalid: %v", i, err)
			}
			ts, err := hlc.Parse(r.HLC)
			if err != nil || ts.Node.String() != dev || ts.Wall > limit {
				t.Fatalf("record %d: hlc %s accepted (node or clock)", i, r.HLC)
			}
		}
	})
}

// pushOracle reads a push body the plain way — encoding/json, element by
// element — and applies PROTOCOL §2, §3 and §5: at most 1000 records, each a
// JSON object with well-typed fields, valid, of this device, no id twice,
// none more than the skew ahead.
func pushOracle(b []byte) bool {
	// RFC 8259 strict (unique names, valid Unicode): the two rules where
	// the v2 reader is stricter than encoding/json (ADR 0006).
	if !utf8.Valid(b) || !jsontext.Value(b).IsValid() {
		return false
	}
	// Names match exactly: members are read from maps, not by
	// encoding/json's case-insensitive struct matching.
	var top map[string]json.RawMessage
	if json.Unmarshal(b, &top) != nil || top == nil {
		return false
	}
	var recs []json.RawMessage
	if raw, ok := top["records"]; !ok || json.Unmarshal(raw, &recs) != nil || recs == nil || len(recs) > MaxPushRecords {
		return false
	}
	seen := map[string]bool{}
	for _, raw := range recs {
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil || m == nil {
			return false
		}
		var e record.Envelope
		var seq int64
		for _, f := range []struct {
			name string
			dst  any
		}{{"id", &e.ID}, {"type", &e.Type}, {"hlc", &e.HLC}, {"deleted", &e.Deleted}, {"restricted", &e.Restricted}, {"seq", &seq}} {
			if v, ok := m[f.name]; ok && json.Unmarshal(v, f.dst) != nil {
				return false
			}
		}
		if v, ok := m["data"]; ok {
			e.Data = v
		}
		if record.Validate(&e) != nil {
			return false
		}
		ts, err := hlc.Parse(e.HLC)
		if err != nil || ts.Node.String() != dev || ts.Wall > now.Add(skew).UnixMilli() || seen[e.ID] {
			return false
		}
		seen[e.ID] = true
	}
	return true
}

// DecodePush itself refuses data that is not well-formed, strict JSON in
// UTF-8 (the JSON v2 decoder reads every byte of the body once).
func TestDecodePushChecksDataSyntax(t *testing.T) {
	const rec = `{"records":[{"id":"0190a0a0-0000-7000-8000-000000000000","type":"session","hlc":"x","data":%s}]}`
	for _, data := range []string{`{"a":1,}`, `{"a":[1}`, `{"a":"\x80"}`, `{"a":1,"a":2}`, `{"a":tru}`, `{"a":"\u00"}`} {
		if _, err := DecodePush([]byte(fmt.Sprintf(rec, data))); err == nil {
			t.Errorf("data %q decoded", data)
		}
	}
	req, err := DecodePush([]byte(fmt.Sprintf(rec, `{"a":[{"b":"]]}"}]}`)))
	if err != nil || string(req.Records[0].Data) != `{"a":[{"b":"]]}"}]}` {
		t.Fatalf("good data: %v", err)
	}
}
