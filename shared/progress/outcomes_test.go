package progress

import (
	"testing"

	"smallwins/shared/record"
)

func pf(v float64) *float64 { return &v }

// outcomeReport is a report with only what SummarizeOutcomes reads.
func outcomeReport(student, code string, ols, aim *float64, d *Delivery) Report {
	r := Report{Goal: GoalInfo{StudentID: student}, Decision: Decision{Code: code}, Delivery: d}
	if ols != nil {
		r.Trend = &Trend{OLS: OLS{Slope: *ols}}
	}
	if aim != nil {
		r.Aimline = &Aimline{SlopePerWeek: *aim}
	}
	return r
}

func delivery(att, dose float64, fid *float64) *Delivery {
	return &Delivery{AttendancePct: pf(att), DosePct: pf(dose), FidelityPct: fid}
}

func TestSummarizeOutcomes(t *testing.T) {
	type want struct {
		goals, students, judged, responding, growthGoals, known, at80 int
		respondingPct, medianGrowth, at80Pct                          *float64
	}
	cases := []struct {
		name    string
		reports []Report
		want    want
	}{
		{"none", nil, want{}},
		{
			// Only not_enough_data and review_goal: nothing judged, so
			// no % responding (not 0%).
			"nothing judged",
			[]Report{
				outcomeReport("a", record.DecisionNotEnoughData, nil, pf(1.5), nil),
				outcomeReport("b", record.DecisionReviewGoal, pf(2), pf(1), nil),
			},
			want{goals: 2, students: 2, growthGoals: 1, medianGrowth: pf(200)},
		},
		{
			// Two students, four goals: continue and raise_goal respond,
			// change_instruction and fix_delivery_first do not.
			"responding",
			[]Report{
				outcomeReport("a", record.DecisionContinue, pf(1), pf(1), delivery(90, 85, pf(95))),
				outcomeReport("a", record.DecisionRaiseGoal, pf(3), pf(1.5), delivery(90, 85, pf(95))),
				outcomeReport("b", record.DecisionChangeInstruction, pf(0.5), pf(1), delivery(80, 80, pf(80))),
				outcomeReport("b", record.DecisionFixDeliveryFirst, pf(0.25), pf(1), delivery(79.99, 90, pf(90))),
			},
			// Ratios 1, 2, 0.5, 0.25: median (0.5+1)/2 = 0.75. Exactly 80
			// is at 80 (the gate fires below 80 only).
			want{goals: 4, students: 2, judged: 4, responding: 2, respondingPct: pf(50), growthGoals: 4, medianGrowth: pf(75),
				known: 4, at80: 3, at80Pct: pf(75)},
		},
		{
			// A down goal: both slopes negative, the same ratio; a flat
			// aimline and a missing trend give no ratio.
			"growth",
			[]Report{
				outcomeReport("a", record.DecisionContinue, pf(-1.2), pf(-1), nil),
				outcomeReport("b", record.DecisionContinue, pf(1), pf(0), nil),
				outcomeReport("c", record.DecisionContinue, nil, pf(1), nil),
			},
			want{goals: 3, students: 3, judged: 3, responding: 3, respondingPct: pf(100), growthGoals: 1, medianGrowth: pf(120)},
		},
		{
			// Delivery unknown (no plan, nothing planned yet) is left out;
			// fidelity with nothing to count does not hold a goal back, as
			// the gate reads it; one figure below 80 does.
			"delivery",
			[]Report{
				outcomeReport("a", record.DecisionContinue, nil, nil, nil),
				outcomeReport("b", record.DecisionContinue, nil, nil, &Delivery{DosePct: pf(90)}),
				outcomeReport("c", record.DecisionContinue, nil, nil, delivery(100, 100, nil)),
				outcomeReport("d", record.DecisionContinue, nil, nil, delivery(100, 50, pf(100))),
				outcomeReport("e", record.DecisionContinue, nil, nil, delivery(120, 100, pf(79))),
			},
			want{goals: 5, students: 5, judged: 5, responding: 5, respondingPct: pf(100), known: 3, at80: 1, at80Pct: pf(100.0 / 3)},
		},
	}
	eq := func(a, b *float64) bool {
		return a == nil && b == nil || a != nil && b != nil && *a-*b < 1e-9 && *b-*a < 1e-9
	}
	for _, c := range cases {
		o := SummarizeOutcomes(c.reports)
		w := c.want
		if o.Goals != w.goals || o.Students != w.students || o.Judged != w.judged || o.Responding != w.responding ||
			o.GrowthGoals != w.growthGoals || o.DeliveryKnown != w.known || o.DeliveredAt80 != w.at80 {
			t.Errorf("%s: counts %+v, want %+v", c.name, o, w)
		}
		if !eq(o.RespondingPct, w.respondingPct) || !eq(o.MedianGrowthPct, w.medianGrowth) || !eq(o.DeliveredAt80Pct, w.at80Pct) {
			t.Errorf("%s: %% responding %v growth %v at 80 %v, want %v %v %v", c.name, fv(o.RespondingPct), fv(o.MedianGrowthPct),
				fv(o.DeliveredAt80Pct), fv(w.respondingPct), fv(w.medianGrowth), fv(w.at80Pct))
		}
	}
}

func fv(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestOutcomesAgreeWithTheRules: on real reports, a goal counts as at 80
// exactly when the delivery gate would let a change of instruction stand,
// and its growth ratio is the one the trend rule's reason states.
func TestOutcomesAgreeWithTheRules(t *testing.T) {
	// About the aimline's pace (42 to 78 by week 18: 2 a week), one point
	// above and one below in turn: the trend rule decides.
	var scores []float64
	for k := 1; k <= 10; k++ {
		scores = append(scores, 42+2*float64(k)+float64(k%2*2-1))
	}
	r, err := Progress(NewDataset(example51(scores)), goalID, mustDate("2025-03-17"))
	if err != nil {
		t.Fatal(err)
	}
	g, ok := GrowthRatio(r)
	if !ok || r.Decision.Rule != RuleTrend {
		t.Fatalf("no ratio (%v) or not the trend rule (%s)", ok, r.Decision.Rule)
	}
	if want := "The trend is " + fmtNum(g*100) + "% of the growth"; len(r.Decision.Reason) < len(want) || r.Decision.Reason[:len(want)] != want {
		t.Errorf("reason %q does not state the ratio %v", r.Decision.Reason, g)
	}
	for _, d := range []*Delivery{delivery(79, 100, pf(100)), delivery(80, 80, nil), delivery(100, 100, pf(60))} {
		gated := gate(Decision{Code: record.DecisionChangeInstruction}, d).Code == record.DecisionFixDeliveryFirst
		if ok, known := DeliveryAt80(d); !known || ok == gated {
			t.Errorf("delivery %v/%v/%v: at 80 %v, gate fires %v", *d.AttendancePct, *d.DosePct, fv(d.FidelityPct), ok, gated)
		}
	}
}
