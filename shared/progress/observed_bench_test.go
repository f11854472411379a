package progress

import (
	"fmt"
	"testing"

	"smallwins/shared/record"
)

// observedGoal is one goal as the server's big school has it: a plan of a
// 6-step program, its group's 540 delivered sessions (5 a week for 108
// weeks, 8 students), 216 probes, and an observation of the group's first
// session every `every` weeks (none when 0).
func observedGoal(every int) []record.Envelope {
	steps := []record.Step{{ID: "a"}, {ID: "b"}, {ID: "c"}, {ID: "d"}, {ID: "e"}, {ID: "f"}}
	start := mustDate("2022-08-29")
	envs := []record.Envelope{
		env(programID, "program", record.Program{Name: "P", Area: "reading", Steps: steps}),
		env(planID, "plan", record.Plan{StudentID: studentID, ProgramID: programID, GroupID: groupID, StartDate: start.String(), SessionsPerWeek: 5, MinutesPerSession: 30}),
		env(goalID, "goal", record.Goal{StudentID: studentID, PlanID: planID, Measure: "orf_wcpm", Direction: "up", StartDate: start.String(),
			BaselineScores: []float64{40, 42, 41}, GoalScore: 90, GoalDate: (start + 7*108).String()}),
	}
	n := 0
	id := func() string { n++; return fmt.Sprintf("00000000-0000-7000-8000-%012d", 5000+n) }
	marks := []record.StepMark{{StepID: "a", Status: "done"}, {StepID: "b", Status: "done"}, {StepID: "c", Status: "done"},
		{StepID: "d", Status: "skipped"}, {StepID: "e", Status: "done"}, {StepID: "f", Status: "na"}}
	att := []record.Attendance{{StudentID: studentID, Status: "present"}}
	for i := 1; i < 8; i++ {
		att = append(att, record.Attendance{StudentID: fmt.Sprintf("00000000-0000-7000-8000-%012d", 900+i), Status: "present"})
	}
	for w := range 108 {
		for d := range 5 {
			sid := id()
			date := (start + Date(7*w+d)).String()
			envs = append(envs, env(sid, "session", record.Session{GroupID: groupID, ProgramID: programID, Date: date, Status: "delivered", Minutes: 30, Attendance: att, Fidelity: marks}))
			if every > 0 && d == 0 && w%every == 0 {
				q := 3.0
				envs = append(envs, env(id(), "observation", record.Observation{SessionID: sid, ObserverID: "coach", Date: date, Fidelity: marks,
					Quality: &q, Engagement: &q, Note: "Good pacing; model the new sound once more."}))
			}
		}
		for _, m := range []string{"orf_wcpm", "maze"} {
			envs = append(envs, env(id(), "probe", record.Probe{StudentID: studentID, Measure: m, Date: (start + Date(7*w+2)).String(), Score: float64(40 + w/3)}))
		}
	}
	return envs
}

// BenchmarkReportObserved is one goal's dataset and report without
// observations, with one every 6 weeks (a coach's cycle: 18) and every 2
// weeks (54), in one run: DOMAIN.md §3.7a's cost on a report, the
// server's reads aside (httpapi's BenchmarkReportObservations has them).
//
//	go test ./shared/progress -run '^$' -bench ReportObserved -count 5
func BenchmarkReportObserved(b *testing.B) {
	asOf := mustDate("2025-03-17")
	for _, c := range []struct {
		name  string
		every int
	}{{"none", 0}, {"every-6-weeks", 6}, {"every-2-weeks", 2}} {
		envs := observedGoal(c.every)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				r, err := Progress(NewDataset(envs), goalID, asOf)
				if err != nil || (r.Delivery.Observations != nil) != (c.every > 0) {
					b.Fatal(err, r.Delivery.Observations)
				}
			}
		})
	}
}
