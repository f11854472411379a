package progress

import (
	"encoding/json"
	"strings"
	"testing"

	"smallwins/shared/record"
)

// The observed-fidelity fixture: a plan of a 4-step program from Monday
// 2025-03-03, as of 2025-03-16, and sessions with fixed ids.
const (
	obsS1      = "00000000-0000-7000-8000-0000000000b1" // delivered 03-03: a done, b done, c skipped, d na
	obsS2      = "00000000-0000-7000-8000-0000000000b2" // delivered 03-04: all done
	obsCancel  = "00000000-0000-7000-8000-0000000000b3" // cancelled 03-05
	obsRunning = "00000000-0000-7000-8000-0000000000b4" // in progress 03-06
	obsOther   = "00000000-0000-7000-8000-0000000000b5" // another group's, delivered 03-04
	obsLate    = "00000000-0000-7000-8000-0000000000b6" // delivered 03-20, after as_of
	obsEarly   = "00000000-0000-7000-8000-0000000000b7" // delivered 02-28, before the plan
	obsGone    = "00000000-0000-7000-8000-0000000000b8" // deleted
	obsNA      = "00000000-0000-7000-8000-0000000000b9" // delivered 03-05: every step na
	obsUnknown = "00000000-0000-7000-8000-0000000000ba" // no such session
)

func marks(spec string) []record.StepMark {
	// spec "a:done b:skipped": the steps marked, in that order; a step left
	// out has no mark.
	var out []record.StepMark
	for _, f := range strings.Fields(spec) {
		id, st, _ := strings.Cut(f, ":")
		out = append(out, record.StepMark{StepID: id, Status: st})
	}
	return out
}

func observedFixture() []record.Envelope {
	prog := record.Program{Name: "P", Area: "reading", Steps: []record.Step{{ID: "a"}, {ID: "b"}, {ID: "c"}, {ID: "d"}}}
	sess := func(id, group, date, status, fid string) record.Envelope {
		return env(id, "session", record.Session{GroupID: group, ProgramID: programID, Date: date, Status: status, Minutes: 30,
			Attendance: []record.Attendance{{StudentID: studentID, Status: "present"}}, Fidelity: marks(fid)})
	}
	otherGroup := "00000000-0000-7000-8000-0000000000ef"
	envs := []record.Envelope{
		env(programID, "program", prog),
		env(planID, "plan", record.Plan{StudentID: studentID, ProgramID: programID, GroupID: groupID, StartDate: "2025-03-03", SessionsPerWeek: 4, MinutesPerSession: 30}),
		sess(obsS1, groupID, "2025-03-03", "delivered", "a:done b:done c:skipped d:na"),
		sess(obsS2, groupID, "2025-03-04", "delivered", "a:done b:done c:done d:done"),
		sess(obsCancel, groupID, "2025-03-05", "cancelled", "a:done"),
		sess(obsRunning, groupID, "2025-03-06", "in_progress", "a:done"),
		sess(obsOther, otherGroup, "2025-03-04", "delivered", "a:done"),
		sess(obsLate, groupID, "2025-03-20", "delivered", "a:done"),
		sess(obsEarly, groupID, "2025-02-28", "delivered", "a:done"),
		{ID: obsGone, Type: "session", Deleted: true},
	}
	return envs
}

func observation(session, fid string) record.Observation {
	return record.Observation{SessionID: session, ObserverID: "coach", Date: "2025-03-03", Fidelity: marks(fid)}
}

// TestObservedFidelityRules: DOMAIN.md §3.7a rule by rule.
func TestObservedFidelityRules(t *testing.T) {
	q5 := 5.0
	invalid := observation(obsS1, "a:done")
	invalid.Quality = &q5
	withNA := func(envs []record.Envelope) []record.Envelope {
		return append(envs, env(obsNA, "session", record.Session{GroupID: groupID, ProgramID: programID, Date: "2025-03-05", Status: "delivered",
			Minutes: 30, Attendance: []record.Attendance{}, Fidelity: marks("a:na b:na c:na d:na")}))
	}
	type want struct {
		count              int
		observed, agree    *float64 // nil: null
		gap                *bool
		selfReported       float64
		warning            string
		observationsIsNull bool
	}
	f := func(v float64) *float64 { return &v }
	yes, no := true, false
	// Self-reported fidelity of S1 and S2: (2 + 4) done of (3 + 4) applicable.
	self := 6.0 / 7 * 100
	cases := []struct {
		name  string
		obs   []record.Observation
		extra func([]record.Envelope) []record.Envelope
		want  want
	}{
		{"none", nil, nil, want{observationsIsNull: true, selfReported: self}},
		// Observer: a done, b skipped, c skipped, d done → 2 of 4
		// applicable; agrees with S1 on a and c → 50%.
		{"one", []record.Observation{observation(obsS1, "a:done b:skipped c:skipped d:done")}, nil,
			want{count: 1, observed: f(50), agree: f(50), gap: &yes, selfReported: self}},
		// A step missing on either side counts as skipped: the observer
		// leaves out c (S1 skipped it) and marks d na (S1: na) → a, c, d
		// agree; b differs.
		{"missing is skipped", []record.Observation{observation(obsS1, "a:done b:skipped d:na")}, nil,
			want{count: 1, observed: f(100.0 / 3), agree: f(75), gap: &yes, selfReported: self}},
		// Pooled over the observations' own checklists: 2 of 4 and 3 of 3.
		{"pooled", []record.Observation{observation(obsS1, "a:done b:skipped c:skipped d:done"), observation(obsS2, "a:done b:done c:done d:na")}, nil,
			want{count: 2, observed: f(5.0 / 7 * 100), agree: f((50 + 75) / 2.0), gap: &no, selfReported: self}},
		// Two coaches at one session both count.
		{"two of one session", []record.Observation{observation(obsS2, "a:done b:done c:done d:done"), observation(obsS2, "a:done b:done c:done d:done")}, nil,
			want{count: 2, observed: f(100), agree: f(100), gap: &no, selfReported: self}},
		// Observed as reported (6 of 7): no gap; each observation differs
		// from its session on one step of four.
		{"no gap", []record.Observation{observation(obsS2, "a:done b:done c:done d:skipped"), observation(obsS1, "a:done b:done c:done d:na")}, nil,
			want{count: 2, observed: f(6.0 / 7 * 100), agree: f((75 + 75) / 2.0), gap: &no, selfReported: self}},
		// Sessions that do not count: cancelled, in progress, another
		// group's, outside the window, deleted, unknown.
		{"sessions that do not count", []record.Observation{observation(obsCancel, "a:done"), observation(obsRunning, "a:done"), observation(obsOther, "a:done"),
			observation(obsLate, "a:done"), observation(obsEarly, "a:done"), observation(obsGone, "a:done"), observation(obsUnknown, "a:done")}, nil,
			want{observationsIsNull: true, selfReported: self}},
		// An observation the rules refuse is skipped and named.
		{"invalid skipped", []record.Observation{invalid}, nil,
			want{observationsIsNull: true, selfReported: self, warning: "observation " + obsID(0) + " skipped: quality must be between 1 and 4"}},
		// Nothing applicable in the observation: observed fidelity and the
		// gap are null, the agreement is still there (every step na on both
		// sides of the all-na session).
		{"nothing applicable observed", []record.Observation{observation(obsNA, "a:na b:na c:na d:na")}, withNA,
			want{count: 1, agree: f(100), selfReported: self}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			envs := observedFixture()
			if c.extra != nil {
				envs = c.extra(envs)
			}
			for i, o := range c.obs {
				envs = append(envs, env(obsID(i), "observation", o))
			}
			ds := NewDataset(envs)
			d := ComputeDelivery(ds, ds.Plans[planID], studentID, mustDate("2025-03-16"), ds.Calendar)
			near(t, "self-reported fidelity", *d.FidelityPct, c.want.selfReported)
			if c.want.warning != "" && (len(ds.Warnings) != 1 || ds.Warnings[0] != c.want.warning) {
				t.Errorf("warnings %q, want %q", ds.Warnings, c.want.warning)
			}
			o := d.Observations
			if c.want.observationsIsNull {
				if o != nil {
					t.Fatalf("observations %+v, want null", *o)
				}
				return
			}
			if o == nil {
				t.Fatal("observations are null")
			}
			if o.Count != c.want.count {
				t.Errorf("count %d, want %d", o.Count, c.want.count)
			}
			nullable(t, "observed_fidelity_pct", o.ObservedFidelityPct, c.want.observed)
			nullable(t, "mean_agreement_pct", o.MeanAgreementPct, c.want.agree)
			switch {
			case (o.GapFlag == nil) != (c.want.gap == nil):
				t.Errorf("gap_flag %v, want %v", o.GapFlag, c.want.gap)
			case o.GapFlag != nil && *o.GapFlag != *c.want.gap:
				t.Errorf("gap_flag %v, want %v", *o.GapFlag, *c.want.gap)
			}
		})
	}
}

func obsID(i int) string {
	return "00000000-0000-7000-8000-0000000001" + string(rune('0'+i/10)) + string(rune('0'+i%10))
}

func nullable(t *testing.T, name string, got, want *float64) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", name, got, want)
	default:
		near(t, name, *got, *want)
	}
}

// TestObservedGapFlag: the flag is set over 20 points, not at 20, and
// null when the self-reported figure is null.
func TestObservedGapFlag(t *testing.T) {
	for _, c := range []struct {
		self, observed *float64
		want           string
	}{
		{ptr(90.0), ptr(69.0), "true"},
		{ptr(90.0), ptr(70.0), "false"},
		{ptr(60.0), ptr(95.0), "false"},
		{nil, ptr(70.0), "null"},
		{ptr(90.0), nil, "null"},
	} {
		tally := &observedTally{count: 1}
		if c.observed != nil {
			tally.done, tally.applicable = int(*c.observed), 100
		}
		got := tally.result(c.self)
		b, _ := json.Marshal(got.GapFlag)
		if string(b) != c.want {
			t.Errorf("self %v observed %v: gap_flag %s, want %s", c.self, c.observed, b, c.want)
		}
	}
}

// TestReportCarriesObservations: the report's JSON has
// delivery.observations with §3.7a's four keys, and null without any.
func TestReportCarriesObservations(t *testing.T) {
	goal := env(goalID, "goal", record.Goal{StudentID: studentID, PlanID: planID, Measure: "orf_wcpm", Direction: "up",
		StartDate: "2025-03-03", BaselineScores: []float64{40}, GoalScore: 70, GoalDate: "2025-06-02"})
	for _, c := range []struct {
		obs  bool
		want string
	}{
		{false, `"observations":null`},
		{true, `"observations":{"count":1,"observed_fidelity_pct":50,"mean_agreement_pct":50,"gap_flag":true}`},
	} {
		envs := append(observedFixture(), goal)
		if c.obs {
			envs = append(envs, env(obsID(0), "observation", observation(obsS1, "a:done b:skipped c:skipped d:done")))
		}
		r, err := Progress(NewDataset(envs), goalID, mustDate("2025-03-16"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		if !strings.Contains(string(b), c.want) {
			t.Errorf("report %s\nwant %s", b, c.want)
		}
	}
}

// TestAgreementWithoutProgram: a session whose program is not here has no
// steps to agree on.
func TestAgreementWithoutProgram(t *testing.T) {
	if _, ok := Agreement(record.Session{}, record.Observation{}, record.Program{}); ok {
		t.Fatal("agreement over no steps")
	}
}
