package goaldata

import (
	"context"
	"encoding/json"

	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// School is one bulk read of every record a goal report uses, for pages that
// report on every goal at once (the console's caseload and agenda). Reading
// each goal through the indexes costs six reads per goal: 2,000 goals took
// 2.4 s on bbolt, where CONSOLE.md §5 wants 300 ms.
//
// Dataset assembles, for one goal, exactly the records Dataset above reads
// through the indexes (the goal, its plan, the plan's program, the sessions
// of the plan's group, the student's probes, the calendar breaks), so
// progress.Progress gives the same report either way; TestSchoolMatchesIndexed
// checks that.
type School struct {
	goals, plans, programs map[string]record.Envelope
	// by every id the record references (record.IndexedRefs)
	sessionsByRef, probesByRef, decisionsByRef map[string][]record.Envelope
	breaks                                     []record.Envelope
}

// schoolTypes are the types a School reads: never notes.
var schoolTypes = []string{record.TypeGoal, record.TypePlan, record.TypeProgram, record.TypeSession, record.TypeProbe,
	record.TypeCalendarBreak, record.TypeDecision}

// ReadSchool reads the school's goal-report records that v may see.
func ReadSchool(ctx context.Context, st store.Store, schoolID string, v store.Viewer) (*School, error) {
	envs, err := st.Records(ctx, schoolID, v, schoolTypes...)
	if err != nil {
		return nil, err
	}
	s := &School{goals: map[string]record.Envelope{}, plans: map[string]record.Envelope{}, programs: map[string]record.Envelope{},
		sessionsByRef: map[string][]record.Envelope{}, probesByRef: map[string][]record.Envelope{}, decisionsByRef: map[string][]record.Envelope{}}
	// Sessions, probes and decisions are filed under every id they
	// reference, with record.IndexedRefs: exactly what the stores index for
	// RecordsByRef, so a lookup here finds what Dataset's indexed read finds.
	for _, e := range envs {
		switch e.Type {
		case record.TypeGoal:
			s.goals[e.ID] = e
		case record.TypePlan:
			s.plans[e.ID] = e
		case record.TypeProgram:
			s.programs[e.ID] = e
		case record.TypeCalendarBreak:
			s.breaks = append(s.breaks, e)
		case record.TypeSession, record.TypeProbe, record.TypeDecision:
			m := map[string]map[string][]record.Envelope{record.TypeSession: s.sessionsByRef,
				record.TypeProbe: s.probesByRef, record.TypeDecision: s.decisionsByRef}[e.Type]
			for _, id := range record.IndexedRefs(e.Type, e.Data) {
				m[id] = append(m[id], e)
			}
		}
	}
	return s, nil
}

// GoalIDs lists the goals read.
func (s *School) GoalIDs() []string {
	out := make([]string, 0, len(s.goals))
	for id := range s.goals {
		out = append(out, id)
	}
	return out
}

// Goal is a goal's envelope.
func (s *School) Goal(id string) (record.Envelope, bool) { e, ok := s.goals[id]; return e, ok }

// Decisions are the decision records that reference a goal (as
// RecordsByRef(goalID, decision) reads them).
func (s *School) Decisions(goalID string) []record.Envelope { return s.decisionsByRef[goalID] }

// Dataset is what Dataset reads for goalID, taken from the bulk read.
// progress.ErrGoalNotFound when there is no such goal.
func (s *School) Dataset(goalID string) (*progress.Dataset, error) {
	g, ok := s.goals[goalID]
	if !ok {
		return nil, progress.ErrGoalNotFound
	}
	var goal struct {
		StudentID string `json:"student_id"`
		PlanID    string `json:"plan_id"`
	}
	_ = json.Unmarshal(g.Data, &goal)
	envs := []record.Envelope{g}
	if goal.StudentID != "" {
		envs = append(envs, s.probesByRef[goal.StudentID]...)
	}
	envs = append(envs, s.breaks...)
	if plan, ok := s.plans[goal.PlanID]; ok {
		envs = append(envs, plan)
		var p struct {
			ProgramID string `json:"program_id"`
			GroupID   string `json:"group_id"`
		}
		_ = json.Unmarshal(plan.Data, &p)
		if prog, ok := s.programs[p.ProgramID]; ok {
			envs = append(envs, prog)
		}
		if p.GroupID != "" {
			envs = append(envs, s.sessionsByRef[p.GroupID]...)
		}
	}
	return progress.NewDataset(envs), nil
}
