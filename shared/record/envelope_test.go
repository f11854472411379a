package record

import (
	"encoding/json"
	"strings"
	"testing"
)

const (
	goodID  = "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00"
	goodHLC = "1764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"
)

func TestValidate(t *testing.T) {
	ok := func() Envelope {
		return Envelope{ID: goodID, Type: "session", HLC: goodHLC, Data: json.RawMessage(`{"a":1}`)}
	}
	cases := []struct {
		name  string
		edit  func(*Envelope)
		valid bool
	}{
		{"good", func(e *Envelope) {}, true},
		{"uppercase id", func(e *Envelope) { e.ID = strings.ToUpper(e.ID) }, false},
		{"id without dashes", func(e *Envelope) { e.ID = strings.ReplaceAll(e.ID, "-", "") }, false},
		{"type uppercase", func(e *Envelope) { e.Type = "Session" }, false},
		{"type digit first", func(e *Envelope) { e.Type = "1x" }, false},
		{"type 32 chars", func(e *Envelope) { e.Type = "a" + strings.Repeat("b", 31) }, true},
		{"type 33 chars", func(e *Envelope) { e.Type = "a" + strings.Repeat("b", 32) }, false},
		{"type with underscore", func(e *Envelope) { e.Type = "cico_card" }, true},
		{"bad hlc", func(e *Envelope) { e.HLC = "yesterday" }, false},
		{"data array", func(e *Envelope) { e.Data = json.RawMessage(`[1]`) }, false},
		{"data scalar", func(e *Envelope) { e.Data = json.RawMessage(`5`) }, false},
		{"data null", func(e *Envelope) { e.Data = json.RawMessage(`null`) }, false},
		{"data absent", func(e *Envelope) { e.Data = nil }, false},
		{"data bad utf8", func(e *Envelope) { e.Data = json.RawMessage("{\"a\":\"\xff\"}") }, false},
		{"data 64 deep", func(e *Envelope) {
			e.Data = json.RawMessage(strings.Repeat(`{"a":`, 63) + `{}` + strings.Repeat(`}`, 63))
		}, true},
		{"data 65 deep", func(e *Envelope) {
			e.Data = json.RawMessage(strings.Repeat(`{"a":`, 64) + `{}` + strings.Repeat(`}`, 64))
		}, false},
		{"brackets in strings do not nest", func(e *Envelope) {
			e.Data = json.RawMessage(`{"a":"` + strings.Repeat(`{[`, 100) + `\""}`)
		}, true},
		{"data over 256 KiB", func(e *Envelope) { e.Data = json.RawMessage(`{"a":"` + strings.Repeat("x", MaxDataBytes) + `"}`) }, false},
		{"tombstone without data", func(e *Envelope) { e.Deleted, e.Data = true, nil }, true},
		{"tombstone data null", func(e *Envelope) { e.Deleted, e.Data = true, json.RawMessage(`null`) }, true},
		{"tombstone with data", func(e *Envelope) { e.Deleted = true }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := ok()
			c.edit(&e)
			err := Validate(&e)
			if (err == nil) != c.valid {
				t.Fatalf("Validate = %v, want valid=%v", err, c.valid)
			}
			if e.Deleted && err == nil && e.Data != nil {
				t.Fatal("tombstone data not normalised to absent")
			}
		})
	}
}

func TestTombstoneHidesContent(t *testing.T) {
	e := Envelope{ID: goodID, Type: "note", HLC: goodHLC, Data: json.RawMessage(`{"body":"x"}`), Seq: 9, Restricted: true}
	ts := e.Tombstone()
	b, _ := json.Marshal(ts)
	if strings.Contains(string(b), "body") || strings.Contains(string(b), "restricted") || !ts.Deleted || ts.Seq != 9 || ts.HLC != goodHLC {
		t.Fatalf("tombstone %s", b)
	}
}

func FuzzValidate(f *testing.F) {
	f.Add(`{"id":"` + goodID + `","type":"note","hlc":"` + goodHLC + `","data":{"a":1}}`)
	f.Add(`{"id":"` + goodID + `","type":"note","hlc":"` + goodHLC + `","deleted":true,"data":null}`)
	f.Add(`{"id":1}`)
	f.Add(`[[[[`)
	f.Fuzz(func(t *testing.T, s string) {
		var e Envelope
		if json.Unmarshal([]byte(s), &e) != nil {
			return
		}
		if Validate(&e) != nil {
			return
		}
		// Whatever validates round-trips and validates again.
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("valid envelope does not encode: %v", err)
		}
		var back Envelope
		if err := json.Unmarshal(b, &back); err != nil || Validate(&back) != nil {
			t.Fatalf("round trip broke: %s", b)
		}
	})
}
