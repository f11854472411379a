package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"testing/iotest"
)

// The streaming count agrees with a decode, whatever the read sizes, with
// escapes, brackets in strings and nested data.
func TestPageCount(t *testing.T) {
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
	for size := 1; size <= len(body); size++ {
		var p page
		p.buf = make([]byte, size)
		if err := p.count(iotest.HalfReader(bytes.NewReader(body))); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Cursor int64  `json:"cursor"`
			More   bool   `json:"more"`
			Epoch  string `json:"epoch"`
		}
		if err := p.fields(&got); err != nil {
			t.Fatalf("size %d: %v: %s", size, err, p.skeleton)
		}
		if p.n != len(want.Records) || got.Cursor != want.Cursor || got.More != want.More || got.Epoch != want.Epoch {
			t.Fatalf("size %d: %d records %+v, want %d %+v (%s)", size, p.n, got, len(want.Records), want, p.skeleton)
		}
	}
}
