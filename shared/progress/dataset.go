package progress

import (
	"encoding/json"
	"fmt"
	"sort"

	"smallwins/shared/record"
)

// Dataset is a school's current records, decoded for the report math.
// Records that fail to decode or lack what the rules need are skipped and
// named in Warnings (DOMAIN.md §2: the report code tolerates them).
type Dataset struct {
	Goals    map[string]record.Goal
	Plans    map[string]record.Plan
	Programs map[string]record.Program
	Sessions []record.Session
	Probes   []record.Probe
	Breaks   []record.CalendarBreak
	Cards    []record.CICOCard
	Warnings []string
}

// NewDataset decodes envelopes. Deleted and restricted records are left out:
// reports never include restricted content.
func NewDataset(envs []record.Envelope) *Dataset {
	ds := &Dataset{Goals: map[string]record.Goal{}, Plans: map[string]record.Plan{}, Programs: map[string]record.Program{}}
	// A stable order makes warnings and equal-date ties independent of the
	// order records arrive in.
	envs = append([]record.Envelope(nil), envs...)
	sort.Slice(envs, func(i, j int) bool { return envs[i].ID < envs[j].ID })
	for _, e := range envs {
		if e.Deleted || e.Restricted {
			continue
		}
		if err := ds.add(e); err != nil {
			ds.Warnings = append(ds.Warnings, fmt.Sprintf("%s %s skipped: %v", e.Type, e.ID, err))
		}
	}
	return ds
}

func decode(data json.RawMessage, v any) error {
	if err := record.DecodeData(data, v); err != nil {
		return fmt.Errorf("a field has the wrong type")
	}
	return nil
}

func need(ok bool, what string) error {
	if !ok {
		return fmt.Errorf("%s", what)
	}
	return nil
}

func isDate(s string) bool { _, err := ParseDate(s); return err == nil }

func (ds *Dataset) add(e record.Envelope) error {
	switch e.Type {
	case record.TypeGoal:
		var g record.Goal
		if err := decode(e.Data, &g); err != nil {
			return err
		}
		if err := need(record.IsID(g.StudentID) && g.Measure != "" && (g.Direction == record.DirectionUp || g.Direction == record.DirectionDown) &&
			isDate(g.StartDate) && isDate(g.GoalDate) && len(g.BaselineScores) >= 1, "student_id, measure, direction, start_date, goal_date and baseline_scores are required"); err != nil {
			return err
		}
		ds.Goals[e.ID] = g
	case record.TypePlan:
		var p record.Plan
		if err := decode(e.Data, &p); err != nil {
			return err
		}
		if err := need(isDate(p.StartDate) && (p.EndDate == "" || isDate(p.EndDate)) && p.SessionsPerWeek > 0 && p.MinutesPerSession > 0,
			"start_date, sessions_per_week > 0 and minutes_per_session > 0 are required"); err != nil {
			return err
		}
		ds.Plans[e.ID] = p
	case record.TypeProgram:
		var p record.Program
		if err := decode(e.Data, &p); err != nil {
			return err
		}
		ds.Programs[e.ID] = p
	case record.TypeSession:
		var s record.Session
		if err := decode(e.Data, &s); err != nil {
			return err
		}
		if err := need(isDate(s.Date) && s.GroupID != "", "group_id and date are required"); err != nil {
			return err
		}
		ds.Sessions = append(ds.Sessions, s)
	case record.TypeProbe:
		var p record.Probe
		if err := decode(e.Data, &p); err != nil {
			return err
		}
		if err := need(isDate(p.Date) && p.StudentID != "" && p.Measure != "" && finite(p.Score), "student_id, measure, date and score are required"); err != nil {
			return err
		}
		ds.Probes = append(ds.Probes, p)
	case record.TypeCalendarBreak:
		var b record.CalendarBreak
		if err := decode(e.Data, &b); err != nil {
			return err
		}
		ds.Breaks = append(ds.Breaks, b)
	case record.TypeCICOCard:
		var c record.CICOCard
		if err := decode(e.Data, &c); err != nil {
			return err
		}
		if err := need(isDate(c.Date) && c.StudentID != "", "student_id and date are required"); err != nil {
			return err
		}
		ds.Cards = append(ds.Cards, c)
	}
	return nil
}
