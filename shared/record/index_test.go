package record

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// refsByDecoding is IndexedRefs written the plain way: the object decoded
// into a map with the JSON v2 decoder, then each indexed field decoded on its
// own (a field of the wrong type gives nothing, the others still count).
func refsByDecoding(typ string, data []byte) []string {
	var m map[string]jsontext.Value
	if jsonv2.Unmarshal(data, &m) != nil {
		return nil
	}
	var out []string
	for _, f := range indexedFields[typ] {
		raw, ok := m[f]
		if !ok {
			continue
		}
		var ids []string
		if listFields[f] {
			var elems []jsontext.Value
			if jsonv2.Unmarshal(raw, &elems) == nil {
				for _, e := range elems {
					var s string
					if e.Kind() == '"' && jsonv2.Unmarshal(e, &s) == nil {
						ids = append(ids, s)
					}
				}
			}
		} else {
			var s string
			if raw.Kind() == '"' && jsonv2.Unmarshal(raw, &s) == nil {
				ids = []string{s}
			}
		}
		for _, id := range ids {
			if IsID(id) && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// TestIndexedRefsAgreesWithDecoding compares IndexedRefs with a plain
// decoding on tricky cases and on random objects built from reference
// fields, decoys, nesting, escapes, wrong types and odd spacing.
func TestIndexedRefsAgreesWithDecoding(t *testing.T) {
	a, b := "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01", "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e02"
	cases := []string{
		`{}`, `{"student_id":"` + a + `"}`, ` { "student_id" : "` + a + `" , "group_id":"` + b + `" } `,
		`{"Student_ID":"` + a + `"}`, `{"student\u005fid":"` + a + `"}`, `{"student_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e0\u0031"}`,
		`{"x":{"student_id":"` + a + `"},"y":["` + b + `"]}`, `{"student_ids":["` + a + `",5,null,"` + b + `","` + a + `"]}`,
		`{"student_ids":"` + a + `"}`, `{"note":"a \" quote } ] , {","student_id":"` + a + `"}`,
		`{"student_id":null}`, `{"student_id":true,"plan_id":"` + b + `"}`, `{"student_id":"` + strings.ToUpper(a) + `"}`,
		`{"student_ids":[["` + a + `"],{"student_id":"` + a + `"},"` + b + `"]}`,
	}
	keys := []string{"student_id", "student_ids", "group_id", "program_id", "plan_id", "goal_id", "session_id", "STUDENT_ID", "note", "attendance"}
	rng := rand.New(rand.NewPCG(3, 4))
	val := func() string {
		switch rng.IntN(8) {
		case 0:
			return `"` + a + `"`
		case 1:
			return `"` + b + `"`
		case 2:
			return fmt.Sprintf(`["%s", 1, "%s", {"student_id":"%s"}]`, a, b, b)
		case 3:
			return `{"student_id":"` + a + `","k":[1,2,{"x":"}"}]}`
		case 4:
			return `null`
		case 5:
			return `-12.5e3`
		case 6:
			return `"esc\\\"aped \u00e9 ` + b + `"`
		default:
			return `true`
		}
	}
	for range 3000 {
		var sb strings.Builder
		sb.WriteString("{")
		used := map[string]bool{}
		for i := range rng.IntN(6) {
			k := keys[rng.IntN(len(keys))]
			if used[k] {
				continue // stored data has unique names (ValidateData refuses repeats)
			}
			used[k] = true
			if i > 0 && sb.Len() > 1 {
				sb.WriteString([]string{",", " ,\n", ",\t"}[rng.IntN(3)])
			}
			fmt.Fprintf(&sb, "%q:%s%s", k, []string{"", " ", "\n"}[rng.IntN(3)], val())
		}
		sb.WriteString("}")
		cases = append(cases, sb.String())
	}
	for _, c := range cases {
		if err := ValidateData([]byte(c)); err != nil {
			t.Fatalf("bad case %s: %v", c, err)
		}
		for typ := range indexedFields {
			if got, want := IndexedRefs(typ, []byte(c)), refsByDecoding(typ, []byte(c)); !slices.Equal(got, want) {
				t.Errorf("IndexedRefs(%s, %s) = %v, decoding gives %v", typ, c, got, want)
			}
		}
	}
	for _, typ := range []string{TypeStudent, TypeProgram, TypeCalendarBreak, "unknown_type"} {
		if got := IndexedRefs(typ, []byte(`{"student_id":"`+a+`"}`)); got != nil {
			t.Errorf("%s indexes %v", typ, got)
		}
	}
}

// TestIndexedRefsMatchPayloadRefs: every id the index takes is one the
// payload type itself names as a reference (Payload.Refs), so the index and
// the app's own reading of a record agree.
func TestIndexedRefsMatchPayloadRefs(t *testing.T) {
	a, b, c := "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01", "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e02", "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e03"
	for typ, fields := range indexedFields {
		obj := map[string]any{}
		for i, f := range fields {
			id := []string{a, b, c}[i%3]
			if listFields[f] {
				obj[f] = []string{id}
			} else {
				obj[f] = id
			}
		}
		data, _ := jsonv2.Marshal(obj)
		p, err := Decode(typ, data)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		var named []string
		for _, r := range p.Refs() {
			named = append(named, r.ID)
		}
		for _, id := range IndexedRefs(typ, data) {
			if !slices.Contains(named, id) {
				t.Errorf("%s: the index takes %s, which %T.Refs does not name (%v)", typ, id, p, p.Refs())
			}
		}
	}
}

func BenchmarkIndexedRefs(b *testing.B) {
	data := []byte(fmt.Sprintf(`{"group_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01","status":"delivered","note":"%s"}`, strings.Repeat("x", 900)))
	for _, f := range []struct {
		name string
		fn   func(string, []byte) []string
	}{{"tokenizer", IndexedRefs}, {"baseline-decode", refsByDecoding}} {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.fn("session", data)
			}
		})
	}
}
