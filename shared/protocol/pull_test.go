package protocol

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

const page = `{"records":[{"id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00","type":"note","hlc":"1764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6","deleted":false,"data":{"a":[1,{"b":"x\"}"}],"c":null},"seq":4,"restricted":true},` +
	`{"id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01","type":"note","hlc":"1764000000000-00001-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6","deleted":true,"seq":5}],"cursor":5,"more":true,"server_time_ms":1764000000123,"epoch":"abc"}`

func TestDecodePullMatchesEncodingJSON(t *testing.T) {
	for _, b := range []string{page, `{"records":[],"cursor":0,"more":false,"server_time_ms":1,"epoch":""}`,
		`{"epoch":"e","more":false,"records":[{"seq":1,"id":"x","type":"t","hlc":"h","deleted":false,"data":{}}],"cursor":1,"server_time_ms":2}`,
		`{"records":[{"id":"caf\u00e9"}]}`, `{"records":null}`} {
		got, err := DecodePull([]byte(b))
		var want PullResponse
		werr := json.Unmarshal([]byte(b), &want)
		if err != nil || werr != nil || !reflect.DeepEqual(*got, want) {
			t.Fatalf("DecodePull(%s) = %+v, %v; encoding/json: %+v, %v", b, got, err, want, werr)
		}
	}
}

// TestDecodePullStrict: where the JSON v2 reader is stricter than
// encoding/json (ADR 0006), on purpose.
func TestDecodePullStrict(t *testing.T) {
	for name, b := range map[string]string{
		"duplicate member":      `{"cursor":1,"cursor":2}`,
		"duplicate in a record": `{"records":[{"id":"a","id":"b"}]}`,
		"lone surrogate":        `{"epoch":"\ud800"}`,
		"invalid UTF-8":         "{\"epoch\":\"\xff\"}",
	} {
		if _, err := DecodePull([]byte(b)); err == nil {
			t.Errorf("%s: accepted %s", name, b)
		}
	}
	// Names match exactly: a differently cased member is someone else's.
	got, err := DecodePull([]byte(`{"records":[{"ID":"upper","id":"lower"}],"Cursor":9}`))
	if err != nil || got.Records[0].ID != "lower" || got.Cursor != 0 {
		t.Errorf("case-exact names: %+v, %v", got, err)
	}
}

func FuzzDecodePull(f *testing.F) {
	f.Add([]byte(page))
	f.Add([]byte(`{"records":[{"data":{"a":"\u0000"}}],"more":true}`))
	f.Add([]byte(`{"records":null,"cursor":-1}`))
	f.Add([]byte(`{"records":[{"ID":"x","id":"y"}],"cursor":1,"cursor":2}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := DecodePull(b)
		// The oracle: encoding/json, on the bodies that are strict RFC 8259
		// JSON (unique names, valid Unicode) and name no member in a case
		// other than the protocol's — the two places where v2 is stricter.
		if !jsontext.Value(b).IsValid() {
			if err == nil {
				t.Fatalf("DecodePull accepted %q, which is not strict JSON", b)
			}
			return
		}
		if hasCaseVariantName(b) {
			return
		}
		var want PullResponse
		werr := json.Unmarshal(b, &want)
		if (err == nil) != (werr == nil) {
			t.Fatalf("DecodePull err %v, encoding/json err %v", err, werr)
		}
		if err == nil && !reflect.DeepEqual(*got, want) {
			t.Fatalf("DecodePull = %+v, encoding/json = %+v", got, want)
		}
	})
}

// hasCaseVariantName reports whether any member name equals a protocol name
// without case but not exactly (encoding/json would match it; v2 does not).
func hasCaseVariantName(b []byte) bool {
	known := []string{"records", "cursor", "more", "server_time_ms", "epoch", "id", "type", "hlc", "deleted", "data", "seq", "restricted"}
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			return false
		}
		if s, ok := tok.(string); ok {
			for _, k := range known {
				if s != k && strings.EqualFold(s, k) {
					return true
				}
			}
		}
	}
}
