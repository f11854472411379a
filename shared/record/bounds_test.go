package record

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// domainNumbers is DOMAIN.md §2's bounds written out by hand, so that a
// slip in the package's tables fails here: every number with a range of
// its own, and a few known fields under the general rule.
var domainNumbers = []struct {
	typ, path string
	r         Range
}{
	{TypeProgram, "minutes_per_session", Range{0, 600}},
	{TypeProgram, "sessions_per_week", Range{-1e6, 1e6}},
	{TypeGroup, "schedule.weekday", Range{1, 7}},
	{TypePlan, "minutes_per_session", Range{0, 600}},
	{TypePlan, "sessions_per_week", Range{-1e6, 1e6}},
	{TypePlan, "probe_every_days", Range{-1e6, 1e6}},
	{TypePlan, "tier", Range{-1e6, 1e6}},
	{TypeSession, "minutes", Range{0, 600}},
	{TypeSession, "attendance.minutes", Range{0, 600}},
	{TypeGoal, "baseline_scores", Range{0, 10000}},
	{TypeGoal, "goal_score", Range{0, 10000}},
	{TypeGoal, "typical_roi", Range{-1000, 1000}},
	{TypeProbe, "score", Range{0, 10000}},
	{TypeProbe, "raw_score", Range{0, 10000}},
	{TypeProbe, "errors", Range{0, 10000}},
	{TypeProbe, "seconds", Range{1, 600}},
	{TypeCICOCard, "ratings", Range{0, 2}},
	{TypeCICOCard, "student_ratings", Range{0, 2}},
	{TypeCICOCard, "goal_pct", Range{0, 100}},
	{TypeCICOPlan, "goal_pct", Range{0, 100}},
	{TypeObservation, "quality", Range{1, 4}},
	{TypeObservation, "engagement", Range{1, 4}},
	{TypeNormTable, "rows.percentile", Range{1, 99}},
	{TypeNormTable, "rows.fall", Range{0, 10000}},
	{TypeNormTable, "rows.winter", Range{0, 10000}},
	{TypeNormTable, "rows.spring", Range{0, 10000}},
	{TypeNormTable, "rows.roi", Range{-1000, 1000}},
	{TypeNormTable, "benchmark.fall", Range{0, 10000}},
	{TypeNormTable, "benchmark.winter", Range{0, 10000}},
	{TypeNormTable, "benchmark.spring", Range{0, 10000}},
	{TypeProbeForm, "order", Range{-1e6, 1e6}},
}

// domainDates is every date field of the known types.
var domainDates = []struct{ typ, path string }{
	{TypePlan, "start_date"}, {TypePlan, "end_date"},
	{TypeSession, "date"},
	{TypeGoal, "start_date"}, {TypeGoal, "goal_date"},
	{TypeProbe, "date"},
	{TypeCICOCard, "date"},
	{TypeCICOPlan, "phases.start_date"},
	{TypeDecision, "date"}, {TypeDecision, "next_review_date"},
	{TypeMeeting, "date"}, {TypeMeetingAction, "due_date"},
	{TypeCalendarBreak, "start_date"}, {TypeCalendarBreak, "end_date"},
	{TypeObservation, "date"},
}

// TestBoundTablesAreDomains: the package's tables hold exactly the ranges
// and dates written out above.
func TestBoundTablesAreDomains(t *testing.T) {
	n := 0
	for _, c := range domainNumbers {
		if got := RangeOf(c.typ, c.path); got != c.r {
			t.Errorf("%s.%s: %v, want %v", c.typ, c.path, got, c.r)
		}
		if c.r != AnyNumber {
			n++
		}
	}
	m := 0
	for _, fields := range numberBounds {
		m += len(fields)
	}
	if m != n {
		t.Errorf("numberBounds has %d ranges, DOMAIN %d", m, n)
	}
	m = 0
	for _, fields := range dateFields {
		m += len(fields)
	}
	for _, c := range domainDates {
		if !dateFields[c.typ][c.path] {
			t.Errorf("%s.%s is not a date field", c.typ, c.path)
		}
	}
	if m != len(domainDates) {
		t.Errorf("dateFields has %d fields, DOMAIN %d", m, len(domainDates))
	}
}

// withField is the valid payload of typ (validPayloads) as JSON, with
// every value at path set to v: in every element of the arrays on the way
// (all attendance entries, every cell of a ratings grid), creating the
// objects that are missing.
func withField(t *testing.T, typ, path string, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(validPayloads()[typ])
	if err != nil {
		t.Fatal(err)
	}
	var m any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(setPath(m, strings.Split(path, "."), v))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func setPath(x any, segs []string, v any) any {
	if a, ok := x.([]any); ok {
		if len(a) == 0 {
			return []any{setPath(nil, segs, v)}
		}
		for i := range a {
			a[i] = setPath(a[i], segs, v)
		}
		return a
	}
	if len(segs) == 0 {
		return v
	}
	m, _ := x.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	m[segs[0]] = setPath(m[segs[0]], segs[1:], v)
	return m
}

// checkBoth runs the raw check on data and, when data decodes as typ's
// payload, the typed one; it returns both errors (typed is nil when data
// does not decode, and decoded says whether it did).
func checkBoth(typ string, data json.RawMessage) (raw, typed error, decoded bool) {
	raw = DataBounds(typ, data)
	p, err := Decode(typ, data)
	if err != nil {
		return raw, nil, false
	}
	return raw, Bounds(p), true
}

func num(v float64) json.Number { return json.Number(strconv.FormatFloat(v, 'g', -1, 64)) }

// TestNumberBounds: every bound of DOMAIN.md §2 at its edges (in) and just
// past them (out), through the raw check and the typed one, and Validate
// refuses what Bounds refuses.
func TestNumberBounds(t *testing.T) {
	for _, c := range domainNumbers {
		step := 1.0
		if c.r.Max-c.r.Min <= 2 {
			step = 0.5
		}
		for _, v := range []float64{c.r.Min, c.r.Max, (c.r.Min + c.r.Max) / 2} {
			if c.path == "schedule.weekday" || c.path == "tier" {
				v = math.Round(v) // whole numbers: an int field
			}
			name := fmt.Sprintf("%s.%s=%g in", c.typ, c.path, v)
			raw, typed, _ := checkBoth(c.typ, withField(t, c.typ, c.path, num(v)))
			if raw != nil || typed != nil {
				t.Errorf("%s: raw %v, typed %v", name, raw, typed)
			}
		}
		outs := []json.Number{num(c.r.Min - step), num(c.r.Max + step), "1.7e308", "-1.7e308", "1e400", "-1e400"}
		if c.path == "schedule.weekday" || c.path == "tier" {
			outs[0], outs[1] = num(c.r.Min-1), num(c.r.Max+1)
		}
		for _, v := range outs {
			name := fmt.Sprintf("%s.%s=%s out", c.typ, c.path, v)
			data := withField(t, c.typ, c.path, v)
			raw, typed, decoded := checkBoth(c.typ, data)
			want := fmt.Sprintf("%s.%s must be %s", c.typ, c.path, c.r)
			if strings.Contains(string(v), "e400") {
				want = fmt.Sprintf("%s.%s must be a finite number %s", c.typ, c.path, c.r)
				if decoded {
					t.Errorf("%s: decoded as a float64", name)
				}
			}
			var fe *FieldError
			if !errors.As(raw, &fe) || fe.Reason != want || fe.Field != c.path || fe.Type != c.typ || !errors.Is(raw, ErrInvalid) {
				t.Errorf("%s: raw %v, want %q", name, raw, want)
			}
			if !decoded {
				continue
			}
			if (c.path == "seconds" || c.path == "schedule.weekday") && v == "0" {
				// 0 is absent once decoded (seconds: the default, 60; a
				// weekday: Validate's shape rule refuses it): the wire's
				// explicit 0 is refused by the raw check alone.
				if typed != nil {
					t.Errorf("%s: typed %v", name, typed)
				}
				continue
			}
			if !errors.As(typed, &fe) || fe.Reason != strings.TrimPrefix(want, c.typ+".") || fe.Field != c.path {
				t.Errorf("%s: typed %v, want %q", name, typed, want)
			}
			p, _ := Decode(c.typ, data)
			if err := p.Validate(); err == nil {
				t.Errorf("%s: Validate accepts it", name)
			}
		}
	}
}

// TestDateBounds: every date field's edges; a string that is not a date
// is left to Validate (a shape), not refused as out of bounds.
func TestDateBounds(t *testing.T) {
	for _, c := range domainDates {
		for _, v := range []string{MinDate, MaxDate, "soon", ""} {
			raw, typed, decoded := checkBoth(c.typ, withField(t, c.typ, c.path, v))
			if raw != nil || typed != nil || !decoded {
				t.Errorf("%s.%s=%q: raw %v, typed %v, decoded %v", c.typ, c.path, v, raw, typed, decoded)
			}
		}
		for _, v := range []string{"1999-12-31", "2101-01-01", "1900-01-01", "9999-12-31", "0001-01-01"} {
			data := withField(t, c.typ, c.path, v)
			raw, typed, _ := checkBoth(c.typ, data)
			want := fmt.Sprintf("%s must be between 2000-01-01 and 2100-12-31", c.path)
			var fe *FieldError
			if !errors.As(raw, &fe) || fe.Reason != c.typ+"."+want || fe.Field != c.path {
				t.Errorf("%s.%s=%q: raw %v", c.typ, c.path, v, raw)
			}
			if !errors.As(typed, &fe) || fe.Reason != want {
				t.Errorf("%s.%s=%q: typed %v", c.typ, c.path, v, typed)
			}
			p, _ := Decode(c.typ, data)
			if p.Validate() == nil {
				t.Errorf("%s.%s=%q: Validate accepts it", c.typ, c.path, v)
			}
		}
	}
}

// TestUnknownFieldsBounded: in a known type, a number in a field this
// version does not know, at any depth, is under the general rule; a
// type this version does not know is not interpreted at all.
func TestUnknownFieldsBounded(t *testing.T) {
	for _, typ := range Types() {
		for _, c := range []struct {
			extra, want string
		}{
			{`"zz":1000000`, ""},
			{`"zz":-1000000`, ""},
			{`"zz":[1e6,{"score":-1e6}],"yy":"1900-01-01"`, ""},
			{`"zz":1000000.5`, typ + ".zz must be between -1000000 and 1000000"},
			{`"zz":{"y":[[-1000001]]}`, typ + ".zz.y must be between -1000000 and 1000000"},
			{`"zz":[{"a":null},{"b":true,"c":1e999}]`, typ + ".zz.c must be a finite number between -1000000 and 1000000"},
			{`"Not A Name":2e6`, "a number in " + typ + " data must be between -1000000 and 1000000"},
		} {
			b, _ := json.Marshal(validPayloads()[typ])
			data := append(append(b[:len(b)-1:len(b)-1], ","+c.extra...), '}')
			raw, typed, decoded := checkBoth(typ, data)
			if !decoded || typed != nil {
				t.Errorf("%s %s: decoded %v typed %v", typ, c.extra, decoded, typed)
			}
			got := ""
			if raw != nil {
				got = raw.(*FieldError).Reason
			}
			if got != c.want {
				t.Errorf("%s %s: %q, want %q", typ, c.extra, got, c.want)
			}
		}
	}
	for _, data := range []string{`{"score":1e400,"date":"1900-01-01","x":-1.7e308}`, `not json`} {
		if err := DataBounds("future_type", json.RawMessage(data)); err != nil {
			t.Errorf("an unknown type's data was interpreted: %v", err)
		}
	}
	if err := DataBounds(TypeProbe, nil); err != nil {
		t.Errorf("a tombstone: %v", err)
	}
	for _, data := range []string{`{"score":`, `{"score":1}}`, strings.Repeat("[", 70) + strings.Repeat("]", 70)} {
		if err := DataBounds(TypeProbe, json.RawMessage(data)); !errors.Is(err, ErrInvalid) {
			t.Errorf("%.20s: %v, want ErrInvalid", data, err)
		}
	}
}

// TestBoundsOfValues: numbers JSON cannot carry but code can make (a
// division by zero) are refused by the typed check, which the app runs
// before writing.
func TestBoundsOfValues(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		err := Probe{StudentID: uid1, Measure: "orf_wcpm", Date: "2025-01-13", Score: v}.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "score" || fe.Reason != "score must be a finite number between 0 and 10000" {
			t.Errorf("score %v: %v", v, err)
		}
	}
	for typ, p := range validPayloads() {
		if err := Bounds(p); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
}

// FuzzBounds: the raw check never panics, refuses only with a
// *FieldError or ErrInvalid, and agrees with the typed check wherever data
// decodes as the type's payload: what Bounds refuses, DataBounds refuses,
// naming the same kind of field.
func FuzzBounds(f *testing.F) {
	types := Types()
	for i, typ := range types {
		b, _ := json.Marshal(validPayloads()[typ])
		f.Add(uint8(i), b)
	}
	for _, s := range []string{
		`{"student_id":"x","score":-1.7e308}`, `{"score":1.7e308,"date":"1900-01-01"}`, `{"score":1e400}`,
		`{"seconds":0}`, `{"attendance":[{"minutes":601}],"minutes":-1}`, `{"ratings":[[0,1,2,3]],"goal_pct":101}`,
		`{"baseline_scores":[1,2,1e5],"typical_roi":-1000.5}`, `{"phases":[{"start_date":"2101-01-01"}]}`,
		`{"sc\u006fre":20000}`, `{"a":{"b":[[{"c":1e7}]]}}`, `{"score":10000,"score":10001}`,
		`{"rows":[{"percentile":0,"fall":-1}],"benchmark":{"winter":1e5}}`, `{"rows":[{"roi":-1000.5}]}`,
		`{"quality":4.5,"engagement":0,"date":"1999-12-31"}`, `{"order":1e7}`,
	} {
		for i := range types {
			f.Add(uint8(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, ti uint8, data []byte) {
		typ := types[int(ti)%len(types)]
		raw := DataBounds(typ, data)
		var fe *FieldError
		if raw != nil && !errors.As(raw, &fe) && !errors.Is(raw, ErrInvalid) {
			t.Fatalf("DataBounds: %v", raw)
		}
		p, err := Decode(typ, data)
		if err != nil {
			return
		}
		typed := Bounds(p)
		if typed == nil {
			return
		}
		if raw == nil {
			t.Fatalf("%s %s: typed refuses (%v), raw accepts", typ, data, typed)
		}
		if !errors.As(raw, &fe) {
			t.Fatalf("%s %s: raw %v", typ, data, raw)
		}
	})
}
