// Package goaldata reads what one goal's progress report needs through the
// store's indexes. The report API, the PDF and the school console share it,
// so every page computes from the same records with shared/progress.
package goaldata

import (
	"context"
	"encoding/json"
	"sync"

	"smallwins/shared/progress"
	"smallwins/shared/record"
	"smallwins/syncserver/internal/store"
)

// Dataset reads what progress.Progress needs for one goal, and nothing
// else (DOMAIN.md §4.1): the goal, its plan, the plan's program, the
// sessions of the plan's group and their observations (§3.7a), the
// student's probes and the school's calendar breaks, each through an
// index. ErrGoalNotFound when viewer v cannot see a current goal with that
// id, after one point lookup. Reading the whole school instead cost
// seconds and hundreds of MiB per report.
//
// Reads that do not depend on each other run at once, so a report waits for
// four round trips to PostgreSQL instead of seven.
func Dataset(ctx context.Context, st store.RecordReader, schoolID string, v store.Viewer, goalID string) (*progress.Dataset, error) {
	goals, err := st.RecordsByID(ctx, schoolID, v, goalID)
	if err != nil {
		return nil, err
	}
	goals = OfType(goals, record.TypeGoal)
	if len(goals) == 0 {
		return nil, progress.ErrGoalNotFound
	}
	// Only the references are decoded here; NewDataset checks the rest.
	var goal struct {
		StudentID string `json:"student_id"`
		PlanID    string `json:"plan_id"`
	}
	_ = json.Unmarshal(goals[0].Data, &goal)

	// Each read fills its own slot; the dataset is put together after all
	// of them are done.
	type part struct {
		recs []record.Envelope
		err  error
	}
	var plan, program, sessions, observations, probes, breaks part
	var wg sync.WaitGroup
	run := func(p *part, typ string, read func() ([]record.Envelope, error)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			recs, err := read()
			p.recs, p.err = OfType(recs, typ), err
		}()
	}
	if goal.StudentID != "" {
		run(&probes, record.TypeProbe, func() ([]record.Envelope, error) {
			return st.RecordsByRef(ctx, schoolID, v, goal.StudentID, record.TypeProbe)
		})
	}
	run(&breaks, record.TypeCalendarBreak, func() ([]record.Envelope, error) {
		return st.Records(ctx, schoolID, v, record.TypeCalendarBreak)
	})
	if goal.PlanID != "" {
		recs, err := st.RecordsByID(ctx, schoolID, v, goal.PlanID)
		plan = part{OfType(recs, record.TypePlan), err}
	}
	var p struct {
		ProgramID string `json:"program_id"`
		GroupID   string `json:"group_id"`
	}
	if len(plan.recs) > 0 {
		_ = json.Unmarshal(plan.recs[0].Data, &p)
	}
	// ComputeDelivery counts only sessions of the plan's group whose program
	// is the plan's (or unnamed), so the plan's program is the only one read;
	// and it checks the group itself, so the index's answer needs no filter
	// here (a session naming the group id as its program_id is dropped there).
	if p.ProgramID != "" {
		run(&program, record.TypeProgram, func() ([]record.Envelope, error) {
			return st.RecordsByID(ctx, schoolID, v, p.ProgramID)
		})
	}
	if p.GroupID != "" {
		// The sessions' observations (DOMAIN.md §3.7a) are read as soon as
		// the sessions are, in one read for all of them, while the other
		// reads go on.
		wg.Add(1)
		go func() {
			defer wg.Done()
			recs, err := st.RecordsByRef(ctx, schoolID, v, p.GroupID, record.TypeSession)
			sessions.recs, sessions.err = OfType(recs, record.TypeSession), err
			if err != nil || len(sessions.recs) == 0 {
				return
			}
			ids := make([]string, len(sessions.recs))
			for i, e := range sessions.recs {
				ids[i] = e.ID
			}
			recs, err = st.RecordsByRefs(ctx, schoolID, v, ids, record.TypeObservation)
			observations.recs, observations.err = OfType(recs, record.TypeObservation), err
		}()
	}
	wg.Wait()
	envs := goals
	for _, part := range []part{plan, program, sessions, observations, probes, breaks} {
		if part.err != nil {
			return nil, part.err
		}
		envs = append(envs, part.recs...)
	}
	return progress.NewDataset(envs), nil
}

// OfType keeps the records of one type: an id read as a program that names
// a probe must not become a second copy of that probe in the dataset.
func OfType(recs []record.Envelope, typ string) []record.Envelope {
	out := recs[:0]
	for _, e := range recs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}
