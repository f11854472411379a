package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"smallwins/shared/hlc"
)

const (
	goodID  = "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e00"
	goodHLC = "1764000000000-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6"
)

// nested returns a data object nesting n levels deep (the object itself is
// level 1), with arrays for inner levels when arrays is set.
func nested(n int, arrays bool) json.RawMessage {
	if arrays {
		return json.RawMessage(`{"a":` + strings.Repeat(`[`, n-1) + strings.Repeat(`]`, n-1) + `}`)
	}
	return json.RawMessage(strings.Repeat(`{"a":`, n-1) + `{}` + strings.Repeat(`}`, n-1))
}

// sized returns a data object of exactly n encoded bytes.
func sized(n int) json.RawMessage {
	return json.RawMessage(`{"a":"` + strings.Repeat("x", n-len(`{"a":""}`)) + `"}`)
}

// TestValidate: every rule of PROTOCOL §2 (and the HLC of §3), one case each.
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
		{"restricted is just a flag", func(e *Envelope) { e.Restricted = true }, true},
		{"seq is not validated", func(e *Envelope) { e.Seq = 42 }, true},

		// id: canonical lowercase UUID, 36 chars.
		{"id empty", func(e *Envelope) { e.ID = "" }, false},
		{"id uppercase", func(e *Envelope) { e.ID = strings.ToUpper(e.ID) }, false},
		{"id without dashes", func(e *Envelope) { e.ID = strings.ReplaceAll(e.ID, "-", "") }, false},
		{"id 35 chars", func(e *Envelope) { e.ID = e.ID[:35] }, false},
		{"id braced", func(e *Envelope) { e.ID = "{" + e.ID[:34] + "}" }, false},
		{"id non-hex", func(e *Envelope) { e.ID = "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e0z" }, false},
		{"id urn", func(e *Envelope) { e.ID = "urn:uuid:" + e.ID }, false},
		{"id nil uuid", func(e *Envelope) { e.ID = "00000000-0000-0000-0000-000000000000" }, true},
		{"id version 4", func(e *Envelope) { e.ID = "5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6" }, true},

		// type: ^[a-z][a-z0-9_]{0,31}$
		{"type empty", func(e *Envelope) { e.Type = "" }, false},
		{"type one letter", func(e *Envelope) { e.Type = "a" }, true},
		{"type uppercase", func(e *Envelope) { e.Type = "Session" }, false},
		{"type digit first", func(e *Envelope) { e.Type = "1x" }, false},
		{"type underscore first", func(e *Envelope) { e.Type = "_x" }, false},
		{"type with underscore and digits", func(e *Envelope) { e.Type = "cico_card2" }, true},
		{"type with dash", func(e *Envelope) { e.Type = "cico-card" }, false},
		{"type with dot", func(e *Envelope) { e.Type = "cico.card" }, false},
		{"type with space", func(e *Envelope) { e.Type = "note " }, false},
		{"type with newline", func(e *Envelope) { e.Type = "note\n" }, false},
		{"type non-ascii", func(e *Envelope) { e.Type = "noté" }, false},
		{"type 32 chars", func(e *Envelope) { e.Type = "a" + strings.Repeat("b", 31) }, true},
		{"type 33 chars", func(e *Envelope) { e.Type = "a" + strings.Repeat("b", 32) }, false},

		// hlc: §3.
		{"hlc empty", func(e *Envelope) { e.HLC = "" }, false},
		{"hlc garbage", func(e *Envelope) { e.HLC = "yesterday" }, false},
		{"hlc uppercase node", func(e *Envelope) { e.HLC = strings.ToUpper(e.HLC) }, false},
		{"hlc before 2020", func(e *Envelope) { e.HLC = "1577836799999-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6" }, false},
		{"hlc another node is fine here", func(e *Envelope) { e.HLC = "1764000000000-00000-" + goodID }, true},

		// data: an object when not deleted.
		{"data absent", func(e *Envelope) { e.Data = nil }, false},
		{"data empty bytes", func(e *Envelope) { e.Data = json.RawMessage(``) }, false},
		{"data null", func(e *Envelope) { e.Data = json.RawMessage(`null`) }, false},
		{"data array", func(e *Envelope) { e.Data = json.RawMessage(`[1]`) }, false},
		{"data empty array", func(e *Envelope) { e.Data = json.RawMessage(`[]`) }, false},
		{"data number", func(e *Envelope) { e.Data = json.RawMessage(`5`) }, false},
		{"data string", func(e *Envelope) { e.Data = json.RawMessage(`"{}"`) }, false},
		{"data bool", func(e *Envelope) { e.Data = json.RawMessage(`true`) }, false},
		{"data empty object", func(e *Envelope) { e.Data = json.RawMessage(`{}`) }, true},
		{"data with surrounding space", func(e *Envelope) { e.Data = json.RawMessage(" \n{\"a\":1}\t") }, true},
		{"data not JSON", func(e *Envelope) { e.Data = json.RawMessage(`{"a":}`) }, false},
		{"data unterminated", func(e *Envelope) { e.Data = json.RawMessage(`{"a":1`) }, false},
		{"data trailing garbage", func(e *Envelope) { e.Data = json.RawMessage(`{"a":1}x`) }, false},
		{"data two objects", func(e *Envelope) { e.Data = json.RawMessage(`{"a":1}{"b":2}`) }, false},

		// data: valid UTF-8.
		{"bad utf8 in a value", func(e *Envelope) { e.Data = json.RawMessage("{\"a\":\"\xff\"}") }, false},
		{"bad utf8 in a key", func(e *Envelope) { e.Data = json.RawMessage("{\"\xc3\x28\":1}") }, false},
		{"overlong utf8", func(e *Envelope) { e.Data = json.RawMessage("{\"a\":\"\xc0\xaf\"}") }, false},
		{"utf8-encoded surrogate", func(e *Envelope) { e.Data = json.RawMessage("{\"a\":\"\xed\xa0\x80\"}") }, false},
		{"truncated utf8 deep inside", func(e *Envelope) { e.Data = json.RawMessage("{\"a\":[{\"b\":\"caf\xc3\"}]}") }, false},
		{"real non-ascii text", func(e *Envelope) { e.Data = json.RawMessage(`{"name":"José Ñúñez 李 🙂"}`) }, true},
		{"duplicate member name in data", func(e *Envelope) { e.Data = json.RawMessage(`{"a":1,"a":2}`) }, false},
		{"duplicate member name nested in data", func(e *Envelope) { e.Data = json.RawMessage(`{"a":[{"b":1,"c":{},"b":2}]}`) }, false},
		{"same name in sibling objects", func(e *Envelope) { e.Data = json.RawMessage(`{"a":{"b":1},"c":{"b":2}}`) }, true},
		{"escaped surrogate pair", func(e *Envelope) { e.Data = json.RawMessage(`{"a":"\ud83d\ude00"}`) }, true},
		{"escaped lone surrogate is refused (RFC 8259 strict, ADR 0006)", func(e *Envelope) { e.Data = json.RawMessage(`{"a":"\ud800"}`) }, false},

		// data: at most 256 KiB encoded.
		{"data exactly 256 KiB", func(e *Envelope) { e.Data = sized(MaxDataBytes) }, true},
		{"data 256 KiB + 1", func(e *Envelope) { e.Data = sized(MaxDataBytes + 1) }, false},
		{"data far over 256 KiB", func(e *Envelope) { e.Data = sized(4 * MaxDataBytes) }, false},

		// data: at most 64 levels of nesting (the object itself is level 1).
		{"objects 64 deep", func(e *Envelope) { e.Data = nested(64, false) }, true},
		{"objects 65 deep", func(e *Envelope) { e.Data = nested(65, false) }, false},
		{"arrays 64 deep", func(e *Envelope) { e.Data = nested(64, true) }, true},
		{"arrays 65 deep", func(e *Envelope) { e.Data = nested(65, true) }, false},
		{"10000 deep", func(e *Envelope) { e.Data = nested(10000, false) }, false},
		{"wide but shallow", func(e *Envelope) {
			e.Data = json.RawMessage(`{"a":[` + strings.Repeat(`{"b":[1]},`, 2000) + `{}]}`)
		}, true},
		{"brackets in strings do not nest", func(e *Envelope) {
			e.Data = json.RawMessage(`{"a":"` + strings.Repeat(`{[`, 100) + `\""}`)
		}, true},
		{"escaped quote does not end a string", func(e *Envelope) {
			e.Data = json.RawMessage(`{"a":"\"` + strings.Repeat(`{`, 70) + `"}`)
		}, true},

		// deleted: then data is null or absent.
		{"tombstone without data", func(e *Envelope) { e.Deleted, e.Data = true, nil }, true},
		{"tombstone data null", func(e *Envelope) { e.Deleted, e.Data = true, json.RawMessage(`null`) }, true},
		{"tombstone data null with space", func(e *Envelope) { e.Deleted, e.Data = true, json.RawMessage(" null ") }, true},
		{"tombstone with data", func(e *Envelope) { e.Deleted = true }, false},
		{"tombstone with empty object", func(e *Envelope) { e.Deleted, e.Data = true, json.RawMessage(`{}`) }, false},
		{"tombstone with array", func(e *Envelope) { e.Deleted, e.Data = true, json.RawMessage(`[]`) }, false},
		{"tombstone with false", func(e *Envelope) { e.Deleted, e.Data = true, json.RawMessage(`false`) }, false},
		{"tombstone still needs a valid id", func(e *Envelope) { e.Deleted, e.Data, e.ID = true, nil, "x" }, false},
		{"tombstone still needs a valid hlc", func(e *Envelope) { e.Deleted, e.Data, e.HLC = true, nil, "" }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range []struct {
				name string
				fn   func(*Envelope) error
			}{{"Validate", Validate}, {"ValidateStamp", func(e *Envelope) error { _, err := ValidateStamp(e); return err }}} {
				e := ok()
				c.edit(&e)
				err := v.fn(&e)
				if (err == nil) != c.valid {
					t.Fatalf("%s = %v, want valid=%v", v.name, err, c.valid)
				}
				if err != nil && !errors.Is(err, ErrInvalid) {
					t.Fatalf("%s error %v does not wrap ErrInvalid", v.name, err)
				}
				if err == nil && e.Deleted && e.Data != nil {
					t.Fatalf("%s did not normalise tombstone data to absent: %q", v.name, e.Data)
				}
			}
		})
	}
}

func TestValidateData(t *testing.T) {
	for data, valid := range map[string]bool{
		`{"a":[1,2,{"b":null}]}`:        true,
		`{}`:                            true,
		`[]`:                            false,
		`{"a":}`:                        false,
		"{\"a\":\"\xff\"}":              false,
		string(nested(65, true)):        false,
		string(sized(MaxDataBytes + 1)): false,
	} {
		if err := ValidateData(json.RawMessage(data)); (err == nil) != valid {
			t.Errorf("ValidateData(%.40q) = %v, want valid=%v", data, err, valid)
		}
	}
}

func TestTombstoneHidesContent(t *testing.T) {
	e := Envelope{ID: goodID, Type: "note", HLC: goodHLC, Data: json.RawMessage(`{"body":"secret"}`), Seq: 9, Restricted: true}
	ts := e.Tombstone()
	want := Envelope{ID: goodID, Type: "note", HLC: goodHLC, Deleted: true, Seq: 9}
	if ts.ID != want.ID || ts.Type != want.Type || ts.HLC != want.HLC || !ts.Deleted || ts.Seq != 9 || ts.Data != nil || ts.Restricted {
		t.Fatalf("Tombstone = %+v, want %+v", ts, want)
	}
	b, _ := json.Marshal(ts)
	if string(b) != `{"id":"`+goodID+`","type":"note","hlc":"`+goodHLC+`","deleted":true,"seq":9}` {
		t.Fatalf("tombstone JSON %s", b)
	}
	if err := Validate(&ts); err != nil {
		t.Fatalf("a tombstone does not validate: %v", err)
	}
	if string(e.Data) != `{"body":"secret"}` {
		t.Fatal("Tombstone changed its receiver")
	}
}

// TestEnvelopeJSON: the wire spelling of PROTOCOL §2.
func TestEnvelopeJSON(t *testing.T) {
	e := Envelope{ID: goodID, Type: "note", HLC: goodHLC, Data: json.RawMessage(`{"z":1,"a":{"k":[1,2]}}`)}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	// No seq (push requests), no restricted when false, data bytes untouched
	// (field order and unknown fields survive).
	if want := `{"id":"` + goodID + `","type":"note","hlc":"` + goodHLC + `","deleted":false,"data":{"z":1,"a":{"k":[1,2]}}}`; string(b) != want {
		t.Fatalf("Marshal = %s\nwant      %s", b, want)
	}
	var back Envelope
	if err := json.Unmarshal([]byte(`{"id":"`+goodID+`","type":"note","hlc":"`+goodHLC+`","deleted":false,"data":{"z":1},"seq":42,"restricted":true,"future_field":"x"}`), &back); err != nil {
		t.Fatal(err)
	}
	if back.Seq != 42 || !back.Restricted || string(back.Data) != `{"z":1}` {
		t.Fatalf("Unmarshal = %+v", back)
	}
}

var (
	typeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	hlcRE  = regexp.MustCompile(`^[0-9]{13}-[0-9]{5}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// validOracle is PROTOCOL §2 and §3 read independently of Validate: regular
// expressions for the text fields, encoding/json for the data.
func validOracle(e Envelope) bool {
	if !uuidRE.MatchString(e.ID) || !typeRE.MatchString(e.Type) || !hlcRE.MatchString(e.HLC) || e.HLC[:13] < "1577836800000" {
		return false
	}
	data := bytes.TrimSpace(e.Data)
	if e.Deleted {
		return len(data) == 0 || string(data) == "null"
	}
	if len(data) == 0 || len(data) > MaxDataBytes || !utf8.Valid(data) || !json.Valid(data) || !strictOracle(data) {
		return false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil || obj == nil {
		return false
	}
	d, ok := depthOracle(data)
	return ok && d <= MaxDepth
}

// strictOracle applies the two rules of RFC 8259 that encoding/json lets
// pass and the JSON v2 reader enforces (ADR 0006): member names unique
// within an object, and \u escapes that form valid Unicode (no lone
// surrogates). It reads with encoding/json's tokenizer and a plain scan of
// the escapes (valid JSON has backslashes only inside strings).
func strictOracle(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	type level struct {
		obj   bool
		names map[string]bool
		key   bool // the next string token is a name
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return false
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if top != nil && top.obj {
				top.key = true
			}
			stack = append(stack, &level{obj: tok == json.Delim('{'), names: map[string]bool{}, key: true})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) > 0 && stack[len(stack)-1].obj {
				stack[len(stack)-1].key = true
			}
			continue
		}
		if top != nil && top.obj {
			if top.key {
				name := tok.(string)
				if top.names[name] {
					return false
				}
				top.names[name] = true
				top.key = false
			} else {
				top.key = true
			}
		}
	}
	for i := 0; i < len(data); i++ {
		if data[i] != '\\' {
			continue
		}
		i++
		if data[i] != 'u' {
			continue
		}
		r, _ := strconv.ParseUint(string(data[i+1:i+5]), 16, 32)
		i += 4
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return false // a low surrogate without a high one before it
		case r >= 0xD800 && r <= 0xDBFF:
			if i+6 >= len(data) || data[i+1] != '\\' || data[i+2] != 'u' {
				return false
			}
			lo, _ := strconv.ParseUint(string(data[i+3:i+7]), 16, 32)
			if lo < 0xDC00 || lo > 0xDFFF {
				return false
			}
			i += 6
		}
	}
	return true
}

// depthOracle measures nesting with encoding/json's tokenizer, independently
// of the byte scanner Validate uses.
func depthOracle(data []byte) (int, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	d, maxD := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return maxD, true
		}
		if err != nil {
			return 0, false
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			d++
			maxD = max(maxD, d)
		case json.Delim('}'), json.Delim(']'):
			d--
		}
	}
}

// FuzzValidate decodes arbitrary bytes as an envelope (as a pushed element
// is) and checks Validate against an independent reading of PROTOCOL §2.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		`{"id":"` + goodID + `","type":"note","hlc":"` + goodHLC + `","data":{"a":1}}`,
		`{"id":"` + goodID + `","type":"note","hlc":"` + goodHLC + `","deleted":true,"data":null}`,
		`{"id":"` + goodID + `","type":"note","hlc":"` + goodHLC + `","deleted":true,"data":{}}`,
		`{"id":"` + goodID + `","type":"cico_card","hlc":"` + goodHLC + `","data":{"a":[[[[{"b":"\u00e9"}]]]]},"restricted":true,"seq":3}`,
		`{"id":"` + goodID + `","type":"note","hlc":"` + goodHLC + `","data":` + string(nested(65, false)) + `}`,
		`{"id":"` + goodID + `","type":"note","hlc":"` + goodHLC + `","data":[1]}`,
		`{"id":"` + strings.ToUpper(goodID) + `","type":"Note","hlc":"1577836799999-00000-x","data":{}}`,
		`{"id":1}`,
		`[[[[`,
		"{\"id\":\"" + goodID + "\",\"type\":\"note\",\"hlc\":\"" + goodHLC + "\",\"data\":{\"a\":\"\xff\"}}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var e Envelope
		if json.Unmarshal([]byte(s), &e) != nil {
			return
		}
		orig := e
		err := Validate(&e)
		if want := validOracle(orig); want != (err == nil) {
			t.Fatalf("Validate(%s) = %v; PROTOCOL §2 says valid=%v", s, err, want)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		// Whatever validates meets every rule, checked independently.
		if !IsID(e.ID) || strings.ToLower(e.ID) != e.ID {
			t.Fatalf("accepted id %q", e.ID)
		}
		if !typeRE.MatchString(e.Type) {
			t.Fatalf("accepted type %q", e.Type)
		}
		if ts, err := hlc.Parse(e.HLC); err != nil || ts.Wall < hlc.MinWall {
			t.Fatalf("accepted hlc %q", e.HLC)
		}
		if e.Deleted {
			if e.Data != nil {
				t.Fatalf("tombstone kept data %q", e.Data)
			}
			if d := bytes.TrimSpace(orig.Data); len(d) != 0 && string(d) != "null" {
				t.Fatalf("accepted a tombstone with data %q", orig.Data)
			}
		} else {
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(e.Data, &obj); err != nil || obj == nil {
				t.Fatalf("accepted data that is not an object: %q", e.Data)
			}
			if len(bytes.TrimSpace(e.Data)) > MaxDataBytes || !utf8.Valid(e.Data) {
				t.Fatalf("accepted oversized or non-UTF-8 data")
			}
			if d, ok := depthOracle(e.Data); !ok || d > MaxDepth {
				t.Fatalf("accepted data %d deep (ok=%v)", d, ok)
			}
		}
		// It encodes, both ways alike, and decodes to an envelope that
		// validates again.
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("valid envelope does not encode: %v", err)
		}
		if fast := e.AppendJSON(nil); !jsonEqual(t, fast, b) {
			t.Fatalf("AppendJSON %s\n != Marshal %s", fast, b)
		}
		var back Envelope
		if err := json.Unmarshal(b, &back); err != nil || Validate(&back) != nil {
			t.Fatalf("round trip broke: %s", b)
		}
		if back.ID != e.ID || back.HLC != e.HLC || back.Type != e.Type || back.Deleted != e.Deleted || back.Restricted != e.Restricted {
			t.Fatalf("round trip changed %+v into %+v", e, back)
		}
	})
}

// jsonEqual compares two JSON texts by meaning (Marshal compacts RawMessage;
// AppendJSON splices data as it is).
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}
