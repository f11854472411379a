package goaldata

import (
	"context"
	"encoding/json"
	"runtime"
	"sync"

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
// of the plan's group and their observations, the student's probes, the
// calendar breaks), so
// progress.Progress gives the same report either way; TestSchoolMatchesIndexed
// checks that.
//
// Each record is decoded once, at the read (progress.Decode), and every
// goal's dataset is built from the decoded values (progress.NewDatasetOf):
// a group's sessions are shared by its students' datasets instead of being
// decoded again for each, and the calendar breaks are merged into one
// progress.Calendar for the school. A School is only read after ReadSchool, so one may
// be shared by concurrent requests (the console keeps one per school
// version, ADR 0012).
type School struct {
	goals    map[string]goalEntry
	plans    map[string]planEntry
	programs map[string]progress.Decoded
	// by every id the record references (record.IndexedRefs); an
	// observation references its session
	sessionsByRef, probesByRef, observationsByRef map[string][]progress.Decoded
	decisionsByRef                                map[string][]record.Envelope
	breaks                                        []progress.Decoded
	// cal is breaks decoded and merged once for the school (ADR 0024):
	// every goal's dataset shares it, and its warnings (bounded) are
	// counted once, not decoded again for each goal.
	cal progress.Calendar
	// typeOf and refsOf know every record filed, so Apply can take one
	// out again (its refs are those it was filed under).
	typeOf map[string]string
	refsOf map[string][]string
}

// goalEntry is a goal as read: its envelope, the two references Dataset
// follows (read leniently, as Dataset reads them), its decoding for the
// reports and the record from it (ok false when the reports reject it).
type goalEntry struct {
	env               record.Envelope
	studentID, planID string
	goal              record.Goal
	ok                bool
	dec               progress.Decoded
}

// planEntry is a plan's decoding and the two references Dataset follows.
// They are read leniently, as Dataset reads them, so a plan the reports
// reject still brings its program and sessions (and their warnings).
type planEntry struct {
	dec                progress.Decoded
	programID, groupID string
}

// schoolTypes are the types a School reads: never notes.
var schoolTypes = []string{record.TypeGoal, record.TypePlan, record.TypeProgram, record.TypeSession, record.TypeProbe,
	record.TypeCalendarBreak, record.TypeDecision, record.TypeObservation}

// ReadSchool reads the school's goal-report records that v may see.
func ReadSchool(ctx context.Context, st store.RecordReader, schoolID string, v store.Viewer) (*School, error) {
	envs, err := st.Records(ctx, schoolID, v, schoolTypes...)
	if err != nil {
		return nil, err
	}
	// Decoding is CPU work: the records are decoded on one worker per
	// core, then filed in their read order by one goroutine.
	parsed := make([]parsedRec, len(envs))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(envs)/512))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(envs); i += workers {
				parsed[i] = parse(envs[i])
			}
		}()
	}
	wg.Wait()
	s := &School{goals: map[string]goalEntry{}, plans: map[string]planEntry{}, programs: map[string]progress.Decoded{},
		sessionsByRef: map[string][]progress.Decoded{}, probesByRef: map[string][]progress.Decoded{}, observationsByRef: map[string][]progress.Decoded{},
		decisionsByRef: map[string][]record.Envelope{},
		typeOf:         make(map[string]string, len(envs)), refsOf: map[string][]string{}}
	for i, e := range envs {
		s.file(e, &parsed[i])
	}
	s.cal = progress.CalendarOf(s.breaks)
	return s, nil
}

// file adds one parsed record. Sessions, probes and decisions are filed
// under every id they reference, with record.IndexedRefs: exactly what the
// stores index for RecordsByRef, so a lookup here finds what Dataset's
// indexed read finds.
func (s *School) file(e record.Envelope, p *parsedRec) {
	s.typeOf[e.ID] = e.Type
	switch e.Type {
	case record.TypeGoal:
		s.goals[e.ID] = p.goal
	case record.TypePlan:
		s.plans[e.ID] = p.plan
	case record.TypeProgram:
		s.programs[e.ID] = p.dec
	case record.TypeCalendarBreak:
		s.breaks = append(s.breaks, p.dec)
	case record.TypeSession, record.TypeProbe, record.TypeObservation:
		m := s.decodedByRef(e.Type)
		for _, id := range p.refs {
			m[id] = append(m[id], p.dec)
		}
		s.refsOf[e.ID] = p.refs
	case record.TypeDecision:
		for _, id := range p.refs {
			s.decisionsByRef[id] = append(s.decisionsByRef[id], e)
		}
		s.refsOf[e.ID] = p.refs
	}
}

// decodedByRef is the list map of a type filed by its references.
func (s *School) decodedByRef(typ string) map[string][]progress.Decoded {
	switch typ {
	case record.TypeProbe:
		return s.probesByRef
	case record.TypeObservation:
		return s.observationsByRef
	}
	return s.sessionsByRef
}

// parsedRec is one record decoded as ReadSchool files it.
type parsedRec struct {
	dec  progress.Decoded
	goal goalEntry
	plan planEntry
	refs []string
}

func parse(e record.Envelope) parsedRec {
	var p parsedRec
	switch e.Type {
	case record.TypeGoal:
		var refs struct {
			StudentID string `json:"student_id"`
			PlanID    string `json:"plan_id"`
		}
		_ = json.Unmarshal(e.Data, &refs)
		p.goal = goalEntry{env: e, studentID: refs.StudentID, planID: refs.PlanID, dec: progress.Decode(e)}
		// The pages list goals by this record; one the reports reject
		// (dec has an error) is never listed, so it need not decode here.
		p.goal.goal, p.goal.ok = p.goal.dec.Value().(record.Goal)
	case record.TypePlan:
		var refs struct {
			ProgramID string `json:"program_id"`
			GroupID   string `json:"group_id"`
		}
		_ = json.Unmarshal(e.Data, &refs)
		p.plan = planEntry{dec: progress.Decode(e), programID: refs.ProgramID, groupID: refs.GroupID}
	case record.TypeProgram, record.TypeCalendarBreak:
		p.dec = progress.Decode(e)
	case record.TypeSession, record.TypeProbe, record.TypeObservation:
		p.dec = progress.Decode(e)
		p.refs = record.IndexedRefs(e.Type, e.Data)
	case record.TypeDecision:
		p.refs = record.IndexedRefs(e.Type, e.Data)
	}
	return p
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
func (s *School) Goal(id string) (record.Envelope, bool) { g, ok := s.goals[id]; return g.env, ok }

// GoalRecord is a goal's record; false when there is none or the reports
// reject it (progress.Progress would answer ErrGoalNotFound).
func (s *School) GoalRecord(id string) (record.Goal, bool) {
	g, ok := s.goals[id]
	return g.goal, ok && g.ok
}

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
	parts := []progress.Decoded{g.dec}
	if g.studentID != "" {
		parts = append(parts, s.probesByRef[g.studentID]...)
	}
	if plan, ok := s.plans[g.planID]; ok {
		parts = append(parts, plan.dec)
		if prog, ok := s.programs[plan.programID]; ok {
			parts = append(parts, prog)
		}
		if plan.groupID != "" {
			sessions := s.sessionsByRef[plan.groupID]
			parts = append(parts, sessions...)
			for _, sess := range sessions {
				parts = append(parts, s.observationsByRef[sess.ID]...)
			}
		}
	}
	ds := progress.NewDatasetOf(parts)
	ds.Calendar = s.cal // the school's breaks, decoded once
	return ds, nil
}
