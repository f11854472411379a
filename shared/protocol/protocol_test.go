package protocol

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"smallwins/shared/record"
)

const (
	dev = "5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"
	id1 = "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00"
	id2 = "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01"
)

var now = time.UnixMilli(1764000000000)

func hlcAt(ms int64) string { return fmt.Sprintf("%013d-00000-%s", ms, dev) }

func rec(id, h string) string {
	return `{"id":"` + id + `","type":"note","hlc":"` + h + `","data":{"a":1}}`
}

func body(recs ...string) []byte { return []byte(`{"records":[` + strings.Join(recs, ",") + `]}`) }

func TestDecodeAndValidatePush(t *testing.T) {
	cases := []struct {
		name  string
		body  []byte
		code  Code
		index int
	}{
		{"not json", []byte(`{"records":`), CodeInvalidJSON, -1},
		{"array body", []byte(`[]`), CodeInvalidJSON, -1},
		{"no records", []byte(`{}`), CodeInvalidJSON, -1},
		{"records object", []byte(`{"records":{}}`), CodeInvalidJSON, -1},
		{"bad utf8", []byte("{\"records\":[\"\xff\"]}"), CodeInvalidJSON, -1},
		{"element scalar", body(rec(id1, hlcAt(now.UnixMilli())), `7`), CodeInvalidRecord, 1},
		{"wrong field type", body(`{"id":"` + id1 + `","type":"note","hlc":5,"data":{}}`), CodeInvalidRecord, 0},
		{"invalid envelope", body(rec("nope", hlcAt(now.UnixMilli()))), CodeInvalidRecord, 0},
		{"duplicate", body(rec(id1, hlcAt(now.UnixMilli())), rec(id1, hlcAt(now.UnixMilli()))), CodeDuplicateID, 1},
		{"other node", body(`{"id":"` + id1 + `","type":"note","hlc":"1764000000000-00000-` + id2 + `","data":{}}`), CodeInvalidRecord, 0},
		{"clock ahead", body(rec(id1, hlcAt(now.UnixMilli())), rec(id2, hlcAt(now.Add(6*time.Minute).UnixMilli()))), CodeClockAhead, 1},
		{"400 before clock_ahead", body(rec(id1, hlcAt(now.Add(time.Hour).UnixMilli())), rec("bad", hlcAt(now.UnixMilli()))), CodeInvalidRecord, 1},
		{"within skew", body(rec(id1, hlcAt(now.Add(4*time.Minute).UnixMilli()))), "", -1},
		{"empty batch", body(), "", -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := DecodePush(c.body)
			if err == nil {
				err = ValidatePush(req, dev, now, 5*time.Minute)
			}
			if c.code == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			pe, ok := err.(*Error)
			if !ok || pe.Code != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
			if c.index >= 0 && (pe.Index == nil || *pe.Index != c.index) {
				t.Fatalf("index %v, want %d", pe.Index, c.index)
			}
			if c.code == CodeClockAhead && (pe.ServerTimeMS == nil || *pe.ServerTimeMS != now.UnixMilli()) {
				t.Fatalf("server_time_ms %v", pe.ServerTimeMS)
			}
		})
	}
	big := make([]string, MaxPushRecords+1)
	for i := range big {
		big[i] = `{}`
	}
	if _, err := DecodePush(body(big...)); !IsCode(err, CodeTooLarge) {
		t.Errorf("1001 records: %v", err)
	}
}

func TestDecide(t *testing.T) {
	a, b := hlcAt(1764000000000), hlcAt(1764000000001)
	for _, c := range []struct {
		held, in string
		want     Outcome
	}{{"", a, Applied}, {a, b, Applied}, {b, a, Superseded}, {a, a, Unchanged}} {
		if got := Decide(c.held, c.in); got != c.want {
			t.Errorf("Decide(%q, %q) = %s, want %s", c.held, c.in, got, c.want)
		}
	}
}

func TestStatusForEveryCode(t *testing.T) {
	want := map[Code]int{CodeInvalidJSON: 400, CodeInvalidRecord: 400, CodeDuplicateID: 400, CodeInvalidRequest: 400,
		CodeUnauthorized: 401, CodeForbidden: 403, CodeNotFound: 404, CodeConflict: 409, CodeResyncRequired: 410,
		CodeTooLarge: 413, CodeUnsupportedMediaType: 415, CodeClockAhead: 422, CodeRateLimited: 429, CodeInternal: 500}
	for c, s := range want {
		if StatusFor(c) != s {
			t.Errorf("StatusFor(%s) = %d, want %d", c, StatusFor(c), s)
		}
		if s != 400 && CodeFor(s) != c {
			t.Errorf("CodeFor(%d) = %s, want %s", s, CodeFor(s), c)
		}
	}
	if StatusFor("made_up") != http.StatusInternalServerError {
		t.Error("unknown code is not 500")
	}
	i := 3
	b, _ := json.Marshal(ErrorBody{Error: &Error{Code: CodeInvalidRecord, Message: "m", Index: &i}})
	if string(b) != `{"error":{"code":"invalid_record","message":"m","index":3}}` {
		t.Errorf("error body %s", b)
	}
}

func FuzzDecodePush(f *testing.F) {
	f.Add(body(rec(id1, hlcAt(now.UnixMilli()))))
	f.Add(body(rec(id1, hlcAt(now.UnixMilli())), rec(id1, hlcAt(now.UnixMilli()))))
	f.Add([]byte(`{"records":[{"id":"` + id1 + `","type":"note","hlc":"x","deleted":true}]}`))
	f.Add([]byte(`{"records":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := DecodePush(b)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("not a coded error: %v", err)
			}
			return
		}
		err = ValidatePush(req, dev, now, 5*time.Minute)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("not a coded error: %v", err)
			}
			return
		}
		if len(req.Records) > MaxPushRecords {
			t.Fatal("too many records accepted")
		}
		seen := map[string]bool{}
		for _, r := range req.Records {
			if seen[r.ID] || !strings.HasSuffix(r.HLC, dev) {
				t.Fatalf("accepted a duplicate or foreign record %+v", r)
			}
			seen[r.ID] = true
		}
	})
}

// FuzzFastPushMatchesDecoder: whatever the scanner takes, encoding/json
// decodes to the same records.
func FuzzFastPushMatchesDecoder(f *testing.F) {
	f.Add(body(rec(id1, hlcAt(now.UnixMilli())), rec(id2, hlcAt(now.UnixMilli()))))
	f.Add([]byte(`{"records":[{"id":"x","data":null,"seq":3,"deleted":true}]}`))
	f.Add([]byte(`{"records":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, ok := fastPush(b)
		if !ok {
			return
		}
		var want struct {
			Records []record.Envelope `json:"records"`
		}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("scanner took %q, encoding/json refuses it: %v", b, err)
		}
		if len(want.Records) != len(recs) {
			t.Fatalf("%d records, encoding/json %d", len(recs), len(want.Records))
		}
		for i := range recs {
			w := want.Records[i]
			w.Seq = 0
			if string(w.Data) == "null" {
				w.Data = nil
			}
			if !reflect.DeepEqual(recs[i], w) {
				t.Fatalf("record %d: %+v, encoding/json %+v", i, recs[i], w)
			}
		}
	})
}
