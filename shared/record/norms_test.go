package record

import (
	"encoding/json"
	"testing"
)

// TestNewTypesWireNames: the three types decode DOMAIN.md §2's field names
// exactly, and encode back to them (a probe form's title included, whose
// Go field is FormTitle).
func TestNewTypesWireNames(t *testing.T) {
	cases := []struct {
		typ, data string
		check     func(Payload) bool
	}{
		{TypeObservation, `{"session_id":"` + uid1 + `","observer_id":"u9","date":"2025-03-04","fidelity":[{"step_id":"a","status":"na"}],"quality":2,"engagement":3,"note":"n"}`,
			func(p Payload) bool {
				o := *p.(*Observation)
				return o.SessionID == uid1 && o.ObserverID == "u9" && o.Fidelity[0].Status == StepNA && *o.Quality == 2 && *o.Engagement == 3 && o.Note == "n"
			}},
		{TypeNormTable, `{"measure":"maze","grade":"K","source":"S","rows":[{"percentile":5,"fall":1,"winter":2,"spring":3,"roi":0.5}],"benchmark":{"fall":4,"winter":5,"spring":6}}`,
			func(p Payload) bool {
				n := *p.(*NormTable)
				r := n.Rows[0]
				return n.Grade == "K" && r.Percentile == 5 && *r.Score(SeasonFall) == 1 && *r.Score(SeasonWinter) == 2 && *r.Score(SeasonSpring) == 3 &&
					*r.ROI == 0.5 && *n.Benchmark.Score(SeasonSpring) == 6 && r.Score("summer") == nil
			}},
		{TypeProbeForm, `{"measure":"orf_wcpm","grade":"3","form_id":"B7","title":"At the pond","order":0}`,
			func(p Payload) bool {
				f := *p.(*ProbeForm)
				return f.FormTitle == "At the pond" && f.Title() == "At the pond" && f.Order != nil && *f.Order == 0
			}},
	}
	for _, c := range cases {
		p, err := Decode(c.typ, json.RawMessage(c.data))
		if err != nil {
			t.Fatalf("%s: %v", c.typ, err)
		}
		if !c.check(p) {
			t.Errorf("%s decoded as %+v", c.typ, p)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", c.typ, err)
		}
		out, err := EncodeData(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		var a, b map[string]any
		_ = json.Unmarshal(out, &a)
		_ = json.Unmarshal([]byte(c.data), &b)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("%s encodes as %s, want %s", c.typ, ja, jb)
		}
	}
}

// TestObservationIndexedBySession: the server's index files an
// observation under its session, which is how a report finds it.
func TestObservationIndexedBySession(t *testing.T) {
	got := IndexedRefs(TypeObservation, []byte(`{"observer_id":"`+uid2+`","session_id":"`+uid1+`"}`))
	if len(got) != 1 || got[0] != uid1 {
		t.Fatalf("IndexedRefs = %v", got)
	}
	for _, typ := range []string{TypeNormTable, TypeProbeForm} {
		if got := IndexedRefs(typ, []byte(`{"measure":"`+uid1+`"}`)); got != nil {
			t.Errorf("%s: %v", typ, got)
		}
	}
}

func TestNewTypesDescribe(t *testing.T) {
	p := validPayloads()
	for typ, want := range map[string]string{
		TypeObservation: "Observation of <session " + uid1 + "> on [2025-03-03]",
		TypeNormTable:   "Norms for Oral reading fluency, grade 2 (District local norms 2026 (fictional))",
		TypeProbeForm:   "Probe form A3 The lost kite (Oral reading fluency, grade 2, order 3)",
	} {
		if got := p[typ].Describe(testNamer{}); got != want {
			t.Errorf("%s: %q, want %q", typ, got, want)
		}
	}
}
