package store

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"smallwins/shared/protocol"
	"smallwins/shared/record"
)

func hlcN(n int) string {
	return fmt.Sprintf("17640000%05d-00000-5d0c3a1e-8f2b-4c7d-9e10-a1b2c3d4e5f6", n)
}

func TestPlanPush(t *testing.T) {
	rec := func(id string, n int, restricted bool) record.Envelope {
		return record.Envelope{ID: id, Type: "note", HLC: hlcN(n), Restricted: restricted}
	}
	b := &PushBatch{Pusher: "ana", Records: []record.Envelope{rec("new", 5, false), rec("older", 3, false), rec("same", 4, false), rec("newer", 9, false), rec("stub", 7, false)}}
	held := []Held{{}, {Live: true, HLC: hlcN(4), Author: "ben"}, {Live: true, HLC: hlcN(4), Author: "ben"}, {Live: true, HLC: hlcN(4), Author: "ben"}, {HLC: hlcN(6)}}
	p, err := PlanPush(b, held, 41)
	if err != nil {
		t.Fatal(err)
	}
	wantOut := []protocol.Outcome{protocol.Applied, protocol.Superseded, protocol.Unchanged, protocol.Applied, protocol.Applied}
	wantHLC := []string{hlcN(5), hlcN(4), hlcN(4), hlcN(9), hlcN(7)}
	for i, r := range p.Results {
		if r.ID != b.Records[i].ID || r.Outcome != wantOut[i] || r.HLC != wantHLC[i] {
			t.Errorf("result %d = %+v, want %s %s", i, r, wantOut[i], wantHLC[i])
		}
	}
	wantWrites := []Write{{0, 42, "ana"}, {3, 43, "ben"}, {4, 44, "ana"}}
	if fmt.Sprint(p.Writes) != fmt.Sprint(wantWrites) || p.LastSeq != 44 {
		t.Errorf("writes %v (last %d), want %v (44): seqs in request order, a written record keeps its author, a stub's new version is the pusher's", p.Writes, p.LastSeq, wantWrites)
	}

	for _, tc := range []struct {
		name  string
		b     *PushBatch
		held  []Held
		code  protocol.Code
		index int
	}{
		{"duplicate id", &PushBatch{Pusher: "ana", Records: []record.Envelope{rec("a", 1, false), rec("b", 1, false), rec("a", 2, false)}}, make([]Held, 3), protocol.CodeDuplicateID, 2},
		{"writes someone's restricted record", &PushBatch{Pusher: "ana", Records: []record.Envelope{rec("a", 1, false), rec("r", 9, false)}},
			[]Held{{}, {Live: true, HLC: hlcN(1), Author: "ben", Restricted: true}}, protocol.CodeForbidden, 1},
		{"even when it would lose", &PushBatch{Pusher: "ana", Records: []record.Envelope{rec("r", 1, false)}},
			[]Held{{Live: true, HLC: hlcN(5), Author: "ben", Restricted: true}}, protocol.CodeForbidden, 0},
		{"makes someone's record restricted", &PushBatch{Pusher: "ana", Records: []record.Envelope{rec("r", 9, true)}},
			[]Held{{Live: true, HLC: hlcN(1), Author: "ben"}}, protocol.CodeForbidden, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := PlanPush(tc.b, tc.held, 0)
			pe, ok := err.(*protocol.Error)
			if !ok || pe.Code != tc.code || pe.Index == nil || *pe.Index != tc.index {
				t.Fatalf("err %v, want %s at %d", err, tc.code, tc.index)
			}
		})
	}
	// The author and an admin may.
	for _, b := range []*PushBatch{{Pusher: "ben", Records: []record.Envelope{rec("r", 9, true)}}, {Pusher: "boss", PusherIsAdmin: true, Records: []record.Envelope{rec("r", 9, false)}}} {
		if _, err := PlanPush(b, []Held{{Live: true, HLC: hlcN(1), Author: "ben", Restricted: true}}, 0); err != nil {
			t.Errorf("%s refused: %v", b.Pusher, err)
		}
	}
}

// TestPlanPushProperty: whatever is held, the plan writes exactly the
// records whose HLC is greater than the held one, numbered consecutively
// after lastSeq in request order, and reports the held HLC for the others.
func TestPlanPushProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 20).Draw(t, "n")
		b := &PushBatch{Pusher: "ana", PusherIsAdmin: true}
		held := make([]Held, n)
		for i := 0; i < n; i++ {
			b.Records = append(b.Records, record.Envelope{ID: fmt.Sprint("id", i), HLC: hlcN(rapid.IntRange(1, 5).Draw(t, "in"))})
			if h := rapid.IntRange(0, 5).Draw(t, "held"); h > 0 {
				held[i] = Held{Live: rapid.Bool().Draw(t, "live"), HLC: hlcN(h), Author: "ben"}
			}
		}
		last := rapid.Int64Range(0, 1000).Draw(t, "last")
		p, err := PlanPush(b, held, last)
		if err != nil {
			t.Fatal(err)
		}
		w := 0
		for i, e := range b.Records {
			win := held[i].HLC == "" || e.HLC > held[i].HLC
			if win {
				if w >= len(p.Writes) || p.Writes[w].Index != i || p.Writes[w].Seq != last+int64(w)+1 || p.Results[i].HLC != e.HLC {
					t.Fatalf("record %d should be written as seq %d: %+v", i, last+int64(w)+1, p)
				}
				w++
			} else if p.Results[i].HLC != held[i].HLC || p.Results[i].Outcome == protocol.Applied {
				t.Fatalf("record %d lost but %+v", i, p.Results[i])
			}
		}
		if w != len(p.Writes) || p.LastSeq != last+int64(w) {
			t.Fatalf("%d writes, last seq %d; want %d, %d", len(p.Writes), p.LastSeq, w, last+int64(w))
		}
	})
}
