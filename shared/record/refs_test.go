package record

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"smallwins/shared/hlc"
)

// refsByJSON is Refs written with encoding/json: the reference the scanner
// must agree with.
func refsByJSON(typ string, data []byte) []string {
	set := refFields[typ]
	if set == 0 || len(data) == 0 {
		return nil
	}
	var d struct {
		StudentID  string   `json:"student_id"`
		StudentIDs []string `json:"student_ids"`
		GroupID    string   `json:"group_id"`
		ProgramID  string   `json:"program_id"`
		PlanID     string   `json:"plan_id"`
		GoalID     string   `json:"goal_id"`
		SessionID  string   `json:"session_id"`
	}
	_ = json.Unmarshal(data, &d)
	var out []string
	add := func(bit refSet, ids ...string) {
		if set&bit == 0 {
			return
		}
		for _, id := range ids {
			if hlc.IsCanonicalUUID(id) && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	add(refStudent, d.StudentID)
	add(refStudents, d.StudentIDs...)
	add(refGroup, d.GroupID)
	add(refProgram, d.ProgramID)
	add(refPlan, d.PlanID)
	add(refGoal, d.GoalID)
	add(refSession, d.SessionID)
	return out
}

// TestRefsAgreesWithEncodingJSON compares Refs with encoding/json on tricky
// cases and on random objects built from reference fields, decoys, nesting,
// escapes, duplicates, wrong types and odd spacing.
func TestRefsAgreesWithEncodingJSON(t *testing.T) {
	a, b := "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01", "0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e02"
	cases := []string{
		`{}`, `{"student_id":"` + a + `"}`, ` { "student_id" : "` + a + `" , "group_id":"` + b + `" } `,
		`{"Student_ID":"` + a + `"}`, `{"student_id":"` + a + `","student_id":5}`, `{"student_id":"` + a + `","student_id":"` + b + `"}`,
		`{"student\u005fid":"` + a + `"}`, `{"student_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e0\u0031"}`,
		`{"x":{"student_id":"` + a + `"},"y":["` + b + `"]}`, `{"student_ids":["` + a + `",5,null,"` + b + `","` + a + `"]}`,
		`{"student_ids":["` + a + `"],"student_ids":null}`, `{"student_ids":"` + a + `"}`, `{"note":"a \" quote } ] , {","student_id":"` + a + `"}`,
		`{"student_id":null}`, `{"student_id":true,"plan_id":"` + b + `"}`, `[1]`, `"x"`, `{"student_id":"` + strings.ToUpper(a) + `"}`,
	}
	keys := []string{"student_id", "student_ids", "group_id", "program_id", "plan_id", "goal_id", "session_id", "STUDENT_ID", "note", "attendance"}
	rng := rand.New(rand.NewPCG(3, 4))
	val := func(depth int) string {
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
			_ = depth
			return `true`
		}
	}
	for range 3000 {
		var sb strings.Builder
		sb.WriteString("{")
		for i := range rng.IntN(6) {
			if i > 0 {
				sb.WriteString([]string{",", " ,\n", ",\t"}[rng.IntN(3)])
			}
			fmt.Fprintf(&sb, "%q:%s%s", keys[rng.IntN(len(keys))], []string{"", " ", "\n"}[rng.IntN(3)], val(0))
		}
		sb.WriteString("}")
		cases = append(cases, sb.String())
	}
	for _, c := range cases {
		if !json.Valid([]byte(c)) {
			t.Fatalf("bad case %s", c)
		}
		for typ := range refFields {
			if got, want := Refs(typ, []byte(c)), refsByJSON(typ, []byte(c)); !slices.Equal(got, want) {
				t.Errorf("Refs(%s, %s) = %v, encoding/json gives %v", typ, c, got, want)
			}
		}
	}
}

func BenchmarkRefs(b *testing.B) {
	data := []byte(fmt.Sprintf(`{"group_id":"0193a5c4-7e2b-7c1d-9a41-2f3b8c1d9e01","status":"delivered","note":"%s"}`, strings.Repeat("x", 900)))
	for _, f := range []struct {
		name string
		fn   func(string, []byte) []string
	}{{"scanner", Refs}, {"encoding-json", refsByJSON}} {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.fn("session", data)
			}
		})
	}
}
