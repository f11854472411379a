package progress

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"smallwins/shared/i18n"
	"smallwins/shared/record"
)

var updateGolden = flag.Bool("update-english-golden", false, "rewrite testdata/english_golden.txt")

// goldenReports are deterministic, varied reports: up and down goals,
// built-in and district measures, few and many points, with and without a
// plan and a typical growth, before and after the goal date.
func goldenReports() []Report {
	rng := rand.New(rand.NewPCG(25, 2026))
	measures := []string{"orf_wcpm", "office_referrals", "maze", "behavior_pct", "district_code"}
	var out []Report
	for i := 0; i < 300; i++ {
		m := measures[rng.IntN(len(measures))]
		dir := record.DirectionUp
		if rng.IntN(3) == 0 {
			dir = record.DirectionDown
		}
		g := record.Goal{StudentID: studentID, Measure: m, Direction: dir, StartDate: "2025-03-03",
			BaselineScores: []float64{40, 42}, GoalScore: float64(rng.IntN(80) + 10), GoalDate: "2025-06-02"}
		if rng.IntN(8) == 0 {
			g.GoalScore = 41 // equals the start score: no aimline
		}
		if rng.IntN(2) == 0 {
			g.PlanID = planID
		}
		if rng.IntN(2) == 0 {
			roi := []float64{0.5, 1.4, 2, 4, 0.1, -1}[rng.IntN(6)]
			g.TypicalROI = &roi
		}
		envs := []record.Envelope{env(goalID, "goal", g)}
		if g.PlanID != "" {
			envs = append(envs, example53()...)
		}
		n := rng.IntN(16)
		slope := (g.GoalScore - 41) / 13
		for k := 0; k < n; k++ {
			score := 41 + slope*float64(k+1) + float64(rng.IntN(21)-10)*[]float64{0, 0.3, 1, 2}[rng.IntN(4)]
			envs = append(envs, env(fmt.Sprintf("00000000-0000-7000-9000-%012d", k), "probe", record.Probe{StudentID: studentID, Measure: m,
				Date: day("2025-03-03", 7*(k+1)+rng.IntN(3)), Score: score}))
		}
		asOf := []string{"2025-03-16", "2025-04-20", "2025-05-26", "2025-06-03", "2025-09-01", "2026-01-10"}[rng.IntN(6)]
		r, err := Progress(NewDataset(envs), goalID, mustDate(asOf))
		if err != nil {
			panic(err)
		}
		out = append(out, r)
	}
	return out
}

// goldenDeliveries are deliveries a list and a sentence word differently.
func goldenDeliveries() []*Delivery {
	p := func(v float64) *float64 { return &v }
	out := []*Delivery{nil, {}}
	for _, planned := range []float64{0, 0.4, 1, 1.4, 2, 33, 32.6} {
		for _, att := range []int{0, 1, 2, 30, 33, 35} {
			pct := 0.0
			if planned > 0 {
				pct = float64(att) / planned * 100
			}
			out = append(out, &Delivery{PlannedSessions: planned, SessionsAttended: att, AttendancePct: p(pct), DosePct: p(79.996), FidelityPct: p(92.4)})
		}
	}
	out = append(out, &Delivery{AttendancePct: p(121), DosePct: p(50)}, &Delivery{AttendancePct: p(79.6), DosePct: p(99.7), FidelityPct: p(100)})
	return out
}

type goldenNamer struct{}

func (goldenNamer) Name(r record.Ref) string { return "«" + r.Type + " " + r.ID + "»" }
func (goldenNamer) Date(s string) string     { return "«" + s + "»" }

// englishGolden writes every English word and sentence of the report for
// the golden reports and inputs, one per line.
func englishGolden() string {
	var b strings.Builder
	w := func(name, s string) { fmt.Fprintf(&b, "%s\t%s\n", name, s) }
	for i, r := range goldenReports() {
		pre := fmt.Sprintf("r%d.", i)
		w(pre+"code", r.Decision.Code+" "+r.Decision.Rule)
		w(pre+"reason", r.Decision.Reason)
		w(pre+"warnings", strings.Join(r.Warnings, " | "))
		w(pre+"ReasonWords", ReasonWords(r))
		w(pre+"LightWords", LightWords(r))
		w(pre+"SufficiencyWords", SufficiencyWords(r))
		w(pre+"ROISentence", ROISentence(r))
		w(pre+"GrowthSentence", GrowthSentence(r))
		w(pre+"ProjectionSentence", ProjectionSentence(r))
		w(pre+"AttendanceWords", AttendanceWords(r.Delivery))
		w(pre+"DeliveryShort", DeliveryShort(r.Delivery))
		if r.Delivery != nil {
			for k, st := range r.Delivery.PerStep {
				w(pre+"StepSentence", StepSentence(k+1, "", st, k%2 == 0))
			}
		}
	}
	for i, d := range goldenDeliveries() {
		w(fmt.Sprintf("d%d.AttendanceWords", i), AttendanceWords(d))
		w(fmt.Sprintf("d%d.DeliveryShort", i), DeliveryShort(d))
	}
	for _, app := range []int{0, 1, 2, 7} {
		for _, done := range []int{0, 1, 2, 7} {
			if done > app {
				continue
			}
			for _, recent := range []bool{false, true} {
				w("StepSentence", StepSentence(5, "Partner reading", StepFid{StepID: "s5", Done: done, Applicable: app}, recent))
			}
		}
	}
	codes := []string{record.DecisionNotEnoughData, record.DecisionContinue, record.DecisionRaiseGoal, record.DecisionChangeInstruction,
		record.DecisionFixDeliveryFirst, record.DecisionReviewGoal, "newer_code", ""}
	for _, c := range codes {
		w("DecisionWords", DecisionWords(c))
		w("PhaseWords", PhaseWords(Phase{Kind: PhaseDecision, Code: c}))
	}
	for _, k := range []string{PhasePlanStart, PhasePlanEnd, "other"} {
		w("PhaseWords", PhaseWords(Phase{Kind: k}))
	}
	for _, s := range []string{Green, Yellow, Red, Grey, "blue"} {
		w("StatusWords", StatusWords(s))
	}
	for _, ph := range []string{record.PhaseCICO, record.PhaseSelfManaged, record.PhaseFaded, record.PhaseGraduated, "other"} {
		w("CICOPhaseWords", CICOPhaseWords(ph))
		for _, el := range []bool{false, true} {
			w("PhaseStatusWords", PhaseStatusWords(PhaseStatus{Phase: ph, Eligible: el, ConsecutiveWeeksMet: 7, Counted: 1, Needed: 2}))
		}
	}
	for _, v := range []float64{79.6, 79.996, 80, 80.004, 99.6, 99.999, 100, 45.5, -0.3} {
		w("FormatDeliveryPct", FormatDeliveryPct(v))
		w("FormatSessions", FormatSessions(v))
	}
	for _, c := range append(record.NoteCategories, "newer") {
		w("NoteCategoryWords", record.NoteCategoryWords(c))
	}
	for _, m := range record.MeasureChoices([]string{"district_code"}) {
		w("Measure", m.Words()+" | "+m.Axis()+" | "+m.Growth())
	}
	goldenRecords(w)
	return b.String()
}

// TestEnglishGolden: the English words and sentences are exactly those the
// product wrote before they moved into the catalogs (testdata written by
// the code that built them in Go, then frozen).
func TestEnglishGolden(t *testing.T) {
	got := englishGolden()
	path := "testdata/english_golden.txt"
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("line %d:\n got %q\nwant %q", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%d lines, want %d", len(gl), len(wl))
	}
}

// goldenRecords are the record words: every type, and a description of
// each payload type.
func goldenRecords(w func(name, s string)) {
	order := 3.0
	half := 2.5
	for _, typ := range []string{"student", "program", "group", "plan", "session", "note", "goal", "probe", "cico_card", "cico_plan", "decision",
		"calendar_break", "meeting", "meeting_action", "observation", "norm_table", "probe_form", "", "future_thing"} {
		w("TypeWords", record.TypeWords(typ))
	}
	for _, p := range []record.Payload{
		record.Student{GivenName: "Ana", FamilyName: "Lee"}, record.Student{GivenName: "Ana", FamilyName: "Lee", PreferredName: "Annie"},
		record.Program{Name: "P"}, record.Group{Name: "G"}, record.Plan{StudentID: "s"},
		record.Session{GroupID: "g", Date: "2025-03-04"}, record.Note{StudentID: "s"}, record.Goal{StudentID: "s"}, record.Probe{StudentID: "s", Date: "d"},
		record.CICOCard{StudentID: "s", Date: "d"}, record.CICOPlan{StudentID: "s"}, record.Decision{StudentID: "s"}, record.CalendarBreak{Name: "Winter"},
		record.Meeting{Date: "d"}, record.MeetingAction{Text: "Call"}, record.Observation{SessionID: "x", Date: "d"},
		record.NormTable{Measure: "orf_wcpm", Grade: "2", Source: "S"}, record.ProbeForm{FormID: "A", FormTitle: "T", Measure: "maze", Grade: "3", Order: &order},
		record.ProbeForm{FormID: "A", Measure: "x", Order: &half}, record.ProbeForm{FormID: "A", Measure: "x"},
	} {
		w("Describe", In(i18n.English).Describe(p, goldenNamer{}))
	}
}
