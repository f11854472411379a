package record

import (
	"encoding/json"
	"errors"
	"flag"
	"math"
	"os"
	"strings"
	"testing"
)

var updateProblemsGolden = flag.Bool("update-problems-golden", false, "rewrite testdata/problems_golden.txt")

// problemCase is one refusal of a rule or a bound, with the error it gives.
type problemCase struct {
	name string
	err  error
}

// problemCases are every rule of Validate (ruleCases) and every kind of
// bound, on a decoded payload (Bounds) and on raw data (DataBounds).
func problemCases() []problemCase {
	var out []problemCase
	for _, c := range ruleCases() {
		out = append(out, problemCase{c.name, c.p.Validate()})
	}
	raw := func(name, typ, data string) problemCase {
		return problemCase{name, DataBounds(typ, json.RawMessage(data))}
	}
	out = append(out,
		problemCase{"bound finite", Bounds(Plan{StudentID: uid1, ProgramID: uid2, StartDate: "2025-03-03", SessionsPerWeek: math.NaN(), MinutesPerSession: 1})},
		problemCase{"bound infinite", Bounds(Probe{StudentID: uid1, Measure: "m", Date: "2025-01-13", Score: math.Inf(1)})},
		problemCase{"bound range", Bounds(Probe{StudentID: uid1, Measure: "m", Date: "2025-01-13", Score: 10001})},
		problemCase{"bound seconds", Bounds(Probe{StudentID: uid1, Measure: "m", Date: "2025-01-13", Score: 1, Seconds: 601})},
		problemCase{"bound any number", Bounds(Plan{StudentID: uid1, ProgramID: uid2, StartDate: "2025-03-03", SessionsPerWeek: 1, MinutesPerSession: 1, ProbeEveryDays: 2e6})},
		problemCase{"bound date", Bounds(Probe{StudentID: uid1, Measure: "m", Date: "1999-12-31", Score: 1})},
		problemCase{"bound roi", Bounds(Goal{TypicalROI: f(-1001)})},
		problemCase{"bound attendance minutes", Bounds(Session{Date: "2025-03-03", Attendance: []Attendance{{Minutes: f(601)}}})},
		problemCase{"bound goal pct", Bounds(CICOCard{Date: "2025-03-03", GoalPct: f(101)})},
		problemCase{"bound phase date", Bounds(CICOPlan{Phases: []CICOPhase{{StartDate: "2101-01-01"}}})},
		raw("data range", TypeProbe, `{"score":20000}`),
		raw("data finite", TypeProbe, `{"score":1e400}`),
		raw("data nested", TypeNormTable, `{"rows":[{"percentile":0}]}`),
		raw("data unknown field", TypeProbe, `{"extra":{"deep":2000001}}`),
		raw("data odd name", TypeProbe, `{"Odd Name":-2000000}`),
		raw("data odd name finite", TypeGoal, `{"X":-1e999}`),
		raw("data date", TypeDecision, `{"next_review_date":"2101-01-01"}`),
		raw("data ratings", TypeCICOCard, `{"ratings":[[3]]}`),
	)
	return out
}

// TestProblemsEnglishGolden: every refusal says, word for word, what it
// said before the reasons moved into the catalog (testdata/problems_golden.txt
// was written by the code before the move).
func TestProblemsEnglishGolden(t *testing.T) {
	var b strings.Builder
	for _, c := range problemCases() {
		var fe *FieldError
		if !errors.As(c.err, &fe) {
			t.Fatalf("%s: %v is not a *FieldError", c.name, c.err)
		}
		b.WriteString(c.name + "\t" + fe.Field + "\t" + c.err.Error() + "\n")
	}
	const file = "testdata/problems_golden.txt"
	if *updateProblemsGolden {
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		got, wantLines := strings.Split(b.String(), "\n"), strings.Split(string(want), "\n")
		for i := range got {
			if i >= len(wantLines) || got[i] != wantLines[i] {
				t.Fatalf("line %d:\n got %q\nwant %q", i+1, got[i], wantLines[min(i, len(wantLines)-1)])
			}
		}
		t.Fatalf("%d lines, want %d", len(got), len(wantLines))
	}
}
