package progress

import (
	"testing"

	"smallwins/shared/record"
)

// fadingCards: five school days a week from Monday 2025-01-06 for the given
// weeks; a week's adult ratings meet the goal (7 of 8 points) or not (3 of
// 8), and on weeks where match is set the student rates too, agreeing in
// that many of the 4 cells.
func fadingCards(weeks []bool, match map[int]int) []record.Envelope {
	two, one, zero := 2.0, 1.0, 0.0
	var envs []record.Envelope
	for w, met := range weeks {
		adult := [][]*float64{{&two, &two}, {&two, &one}}
		if !met {
			adult = [][]*float64{{&one, &zero}, {&one, &one}}
		}
		for dd := 0; dd < 5; dd++ {
			c := record.CICOCard{StudentID: studentID, Date: day("2025-01-06", 7*w+dd), Expectations: []string{"safe", "kind"},
				Periods: []string{"am", "pm"}, Ratings: adult}
			if n, ok := match[w]; ok {
				// The student agrees on the first n cells and rates the rest 0
				// where the adult gave more (every adult cell here is ≥ 1 or 0).
				var sr [][]*float64
				k := 0
				for _, row := range adult {
					var out []*float64
					for _, v := range row {
						s := *v
						if k >= n {
							s = 2 - s
							if s == *v {
								s = 0
							}
						}
						out = append(out, &s)
						k++
					}
					sr = append(sr, out)
				}
				c.StudentRatings = sr
			}
			envs = append(envs, env(nextID(), "cico_card", c))
		}
	}
	return envs
}

// TestPhaseOfEligibility: on CICO, six met weeks in a row make the student
// eligible; a week below resets the run; weeks before a return to CICO do
// not count.
func TestPhaseOfEligibility(t *testing.T) {
	weeks := []bool{true, true, true, false, true, true, true, true, true}
	ds := NewDataset(fadingCards(weeks, nil))
	st := PhaseOf(ds, studentID, record.CICOPlan{}, mustDate("2025-03-09"))
	if st.Phase != record.PhaseCICO || st.Eligible || st.Next != "" || st.Counted != 5 || st.Needed != 6 {
		t.Fatalf("after 5 met weeks: %+v", st)
	}
	ds = NewDataset(fadingCards(append(weeks, true), nil))
	st = PhaseOf(ds, studentID, record.CICOPlan{}, mustDate("2025-03-16"))
	if !st.Eligible || st.Next != record.PhaseSelfManaged || st.ConsecutiveWeeksMet != 6 || len(st.Weeks) != 10 {
		t.Fatalf("after 6 met weeks: %+v", st)
	}
	// Back on CICO from Monday 2025-02-10 (week 6): only weeks from then count.
	back := record.CICOPlan{Phases: []record.CICOPhase{{Phase: record.PhaseSelfManaged, StartDate: "2025-01-13"}, {Phase: record.PhaseCICO, StartDate: "2025-02-10"}}}
	st = PhaseOf(ds, studentID, back, mustDate("2025-03-16"))
	if st.Eligible || st.Since != "2025-02-10" || len(st.Weeks) != 5 || st.Counted != 5 {
		t.Fatalf("back on CICO: %+v", st)
	}
}

// TestPhaseOfSelfManaged: a self-managed week counts when it is met and the
// student's ratings match the adult's in at least 80% of the cells; two such
// weeks allow fading; a week that starts before the phase does not count.
func TestPhaseOfSelfManaged(t *testing.T) {
	weeks := []bool{true, true, true, true}
	// Week 0 is before the phase; week 1 matches 4/4, week 2 3/4 (75%),
	// week 3 4/4.
	ds := NewDataset(fadingCards(weeks, map[int]int{0: 4, 1: 4, 2: 3, 3: 4}))
	plan := record.CICOPlan{Phases: []record.CICOPhase{{Phase: record.PhaseSelfManaged, StartDate: "2025-01-08"}}}
	st := PhaseOf(ds, studentID, plan, mustDate("2025-01-26"))
	if st.Phase != record.PhaseSelfManaged || len(st.Weeks) != 2 || st.Counted != 1 || st.Next != "" {
		t.Fatalf("self-managed, 1 good week: %+v", st)
	}
	if m := st.Weeks[1].MatchPct; m == nil || *m != 75 || st.Weeks[1].Counts {
		t.Fatalf("a 75%% match counted: %+v", st.Weeks[1])
	}
	st = PhaseOf(ds, studentID, plan, mustDate("2025-02-02"))
	if st.Counted != 2 || st.Needed != 2 || st.Next != record.PhaseFaded {
		t.Fatalf("self-managed, 2 good weeks: %+v", st)
	}
	// A week with no student ratings is not a successful self-managed week.
	ds = NewDataset(fadingCards(weeks, nil))
	if st := PhaseOf(ds, studentID, plan, mustDate("2025-02-02")); st.Counted != 0 || st.Weeks[0].MatchPct != nil {
		t.Fatalf("unrated by the student: %+v", st)
	}
}

// TestPhaseOfFadedAndGraduated: two met faded weeks allow graduation; a
// graduated student has no next phase.
func TestPhaseOfFadedAndGraduated(t *testing.T) {
	ds := NewDataset(fadingCards([]bool{true, false, true}, nil))
	plan := record.CICOPlan{Phases: []record.CICOPhase{{Phase: record.PhaseFaded, StartDate: "2025-01-06"}}}
	if st := PhaseOf(ds, studentID, plan, mustDate("2025-01-19")); st.Counted != 1 || st.Next != "" {
		t.Fatalf("faded, 1 met week: %+v", st)
	}
	if st := PhaseOf(ds, studentID, plan, mustDate("2025-01-26")); st.Counted != 2 || st.Next != record.PhaseGraduated {
		t.Fatalf("faded, 2 met weeks: %+v", st)
	}
	plan.Phases = append(plan.Phases, record.CICOPhase{Phase: record.PhaseGraduated, StartDate: "2025-01-27"})
	if st := PhaseOf(ds, studentID, plan, mustDate("2025-02-02")); st.Phase != record.PhaseGraduated || st.Next != "" {
		t.Fatalf("graduated: %+v", st)
	}
}

// TestCardMatch: only cells both rated are compared; a ragged or longer
// student grid is read without a panic.
func TestCardMatch(t *testing.T) {
	two, one := 2.0, 1.0
	c := record.CICOCard{Ratings: [][]*float64{{&two, nil}, {&one}},
		StudentRatings: [][]*float64{{&two, &two}, {&two, &one}, {&one}}}
	if m, n := CardMatch(c); m != 1 || n != 2 {
		t.Fatalf("match %d of %d, want 1 of 2", m, n)
	}
}

// FuzzPhaseOf: any card data and any plan data (as another app or a
// damaged sync could send) give a status without a panic, with counts
// that make sense.
func FuzzPhaseOf(f *testing.F) {
	f.Add([]byte(`{"student_id":"`+studentID+`","date":"2025-01-06","expectations":["a"],"periods":["b"],"ratings":[[2]],"student_ratings":[[1]]}`),
		[]byte(`{"student_id":"`+studentID+`","phases":[{"phase":"self_managed","start_date":"2025-01-06"}]}`))
	f.Add([]byte(`{"student_id":"`+studentID+`","date":"2025-01-07","ratings":[[7,null],[]],"student_ratings":[[2,2,2],[null]]}`),
		[]byte(`{"phases":[{"phase":"faded","start_date":"nope"},{"phase":"x","start_date":"2025-01-01"}]}`))
	f.Fuzz(func(t *testing.T, card, plan []byte) {
		var p record.CICOPlan
		_ = record.DecodeData(plan, &p)
		ds := NewDataset([]record.Envelope{{ID: nextID(), Type: record.TypeCICOCard, Data: card}})
		for _, c := range ds.Cards {
			if m, n := CardMatch(c); m < 0 || m > n {
				t.Fatalf("match %d of %d", m, n)
			}
		}
		st := PhaseOf(ds, studentID, p, mustDate("2025-03-01"))
		if st.Counted < 0 || st.Counted > len(st.Weeks) && st.Phase != record.PhaseCICO || st.Weeks == nil {
			t.Fatalf("status %+v", st)
		}
	})
}
