package protocol

import (
	"encoding/json"
	"reflect"
	"testing"
)

const page = `{"records":[{"id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00","type":"note","hlc":"1764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6","deleted":false,"data":{"a":[1,{"b":"x\"}"}],"c":null},"seq":4,"restricted":true},` +
	`{"id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01","type":"note","hlc":"1764000000000-00001-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6","deleted":true,"seq":5}],"cursor":5,"more":true,"server_time_ms":1764000000123,"epoch":"abc"}`

func TestDecodePullMatchesEncodingJSON(t *testing.T) {
	for _, b := range []string{page, `{"records":[],"cursor":0,"more":false,"server_time_ms":1,"epoch":""}`,
		`{"epoch":"e","more":false,"records":[{"seq":1,"id":"x","type":"t","hlc":"h","deleted":false,"data":{}}],"cursor":1,"server_time_ms":2}`,
		`{"records":[{"ID":"upper"}],"cursor":1}`, `{"records":[{"id":"caf\u00e9"}]}`} {
		if _, fast := fastPull([]byte(b)); !fast && b == page {
			t.Fatal("the common page shape took the slow path")
		}
		got, err := DecodePull([]byte(b))
		var want PullResponse
		werr := json.Unmarshal([]byte(b), &want)
		if (err == nil) != (werr == nil) || (err == nil && !reflect.DeepEqual(*got, want)) {
			t.Fatalf("DecodePull(%s) = %+v, %v; encoding/json: %+v, %v", b, got, err, want, werr)
		}
	}
}

func FuzzDecodePull(f *testing.F) {
	f.Add([]byte(page))
	f.Add([]byte(`{"records":[{"data":{"a":"\u0000"}}],"more":true}`))
	f.Add([]byte(`{"records":null,"cursor":-1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := DecodePull(b)
		var want PullResponse
		werr := json.Unmarshal(b, &want)
		if (err == nil) != (werr == nil) {
			t.Fatalf("DecodePull err %v, encoding/json err %v", err, werr)
		}
		if err == nil && !equalPull(got, &want) {
			t.Fatalf("DecodePull = %+v, encoding/json = %+v", got, want)
		}
	})
}

// equalPull compares data by meaning: json.RawMessage keeps bytes either way.
func equalPull(a, b *PullResponse) bool {
	return reflect.DeepEqual(a, b)
}
