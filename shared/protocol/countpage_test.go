package protocol

import (
	"bytes"
	"encoding/json"
	"testing"
	"testing/iotest"

	"github.com/go-json-experiment/json/jsontext"
)

// TestCountPage: the streaming count agrees with a decode, whatever the read
// sizes, with escapes, brackets in strings and nested data; a broken page
// is an error.
func TestCountPage(t *testing.T) {
	body := []byte(`{"records":[{"id":"a","data":{"s":"x\\\"]}{[","n":[1,{"k":"\\\\"}]}},` +
		`{"id":"b\"","data":{}},{"id":"c","deleted":true}],"cursor":42,"more":true,"epoch":"e\"}"}`)
	var want struct {
		Records []json.RawMessage `json:"records"`
		Cursor  int64             `json:"cursor"`
		More    bool              `json:"more"`
		Epoch   string            `json:"epoch"`
	}
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatal(err)
	}
	dec := jsontext.NewDecoder(bytes.NewReader(nil))
	for size := 1; size <= len(body); size += 7 {
		n, top, err := CountPage(dec, iotest.HalfReader(iotest.OneByteReader(bytes.NewReader(body))))
		if err != nil {
			t.Fatal(err)
		}
		var cursor int64
		var more bool
		var epoch string
		_ = json.Unmarshal(top["cursor"], &cursor)
		_ = json.Unmarshal(top["more"], &more)
		_ = json.Unmarshal(top["epoch"], &epoch)
		if n != len(want.Records) || cursor != want.Cursor || more != want.More || epoch != want.Epoch {
			t.Fatalf("%d records, cursor %d, more %v, epoch %q; want %d %+v", n, cursor, more, epoch, len(want.Records), want)
		}
	}
	for _, bad := range []string{`[]`, `{"records":[{"a":1},`, `{"records":[1,2]`, `{"a":}`} {
		if _, _, err := CountPage(dec, bytes.NewReader([]byte(bad))); err == nil {
			t.Errorf("counted %s", bad)
		}
	}
}
