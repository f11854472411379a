package progress

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"smallwins/shared/i18n"
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
	// SessionIDs[i] is the id of Sessions[i]: an observation names its
	// session by id (DOMAIN.md §3.7a).
	SessionIDs []string
	// Observations are the coaches' observations, in id order; a plan's
	// delivery counts those of its delivered sessions (ObservedFidelity).
	Observations []record.Observation
	Probes       []record.Probe
	Cards        []record.CICOCard
	// Calendar is the calendar breaks, decoded once and merged, with the
	// warnings of those skipped. A server reporting on every goal of a
	// school builds it once (CalendarOf) and gives it to every goal's
	// dataset, instead of each goal decoding every break again and
	// repeating each bad one's warning (ADR 0024).
	Calendar Calendar
	// Warnings name the other records skipped, in id order: the first
	// MaxWarnings of them; MoreWarnings counts the rest.
	Warnings     []string
	MoreWarnings int
}

// NewDataset decodes envelopes. Deleted and restricted records are left out:
// reports never include restricted content.
func NewDataset(envs []record.Envelope) *Dataset {
	parts := make([]Decoded, len(envs))
	for i, e := range envs {
		parts[i] = Decode(e)
	}
	return NewDatasetOf(parts)
}

// Decoded is one record decoded for the report math, or why it cannot be
// used. A server computing a whole school's goals decodes each record once
// and builds every goal's dataset from the same Decoded values
// (NewDatasetOf), where NewDataset would decode a group's sessions again
// for each of its students.
type Decoded struct {
	ID, Type string
	skip     bool // deleted or restricted: not read at all
	val      any  // a record.Goal, record.Plan, … by Type; nil for other types
	err      error
}

// Value is the decoded record (a record.Goal, record.Plan, …), or nil when
// the record is skipped, invalid, or of a type the reports do not read.
func (d Decoded) Value() any {
	if d.skip || d.err != nil {
		return nil
	}
	return d.val
}

// Decode decodes one envelope as NewDataset does.
func Decode(e record.Envelope) Decoded {
	d := Decoded{ID: e.ID, Type: e.Type}
	if e.Deleted || e.Restricted {
		d.skip = true
		return d
	}
	d.val, d.err = decodeRecord(e)
	if p, ok := d.val.(record.Payload); ok && d.err == nil {
		d.err = outOfBounds(p)
	}
	return d
}

// outOfBounds refuses a record stored outside DOMAIN.md §2's bounds (pushed
// before they existed): the report skips it and names it in its warnings,
// and the record itself stays (ADR 0022).
func outOfBounds(p record.Payload) error {
	if err := record.Bounds(p); err != nil {
		return fieldReason(err)
	}
	return nil
}

// NewDatasetOf builds a dataset from decoded records: the same dataset
// NewDataset builds from their envelopes. The values are shared, not
// copied: a dataset is only read.
func NewDatasetOf(parts []Decoded) *Dataset {
	ds := &Dataset{Goals: map[string]record.Goal{}, Plans: map[string]record.Plan{}, Programs: map[string]record.Program{}}
	var warnings Warnings
	for _, d := range sortedByID(parts) {
		if d.skip || d.Type == record.TypeCalendarBreak { // breaks: CalendarOf below
			continue
		}
		if d.err != nil {
			warnings.Add(skipWarning(d))
			continue
		}
		switch v := d.val.(type) {
		case record.Goal:
			ds.Goals[d.ID] = v
		case record.Plan:
			ds.Plans[d.ID] = v
		case record.Program:
			ds.Programs[d.ID] = v
		case record.Session:
			ds.Sessions = append(ds.Sessions, v)
			ds.SessionIDs = append(ds.SessionIDs, d.ID)
		case record.Observation:
			ds.Observations = append(ds.Observations, v)
		case record.Probe:
			ds.Probes = append(ds.Probes, v)
		case record.CICOCard:
			ds.Cards = append(ds.Cards, v)
		}
	}
	ds.Warnings, ds.MoreWarnings = warnings.list, warnings.more
	ds.Calendar = CalendarOf(parts)
	return ds
}

// skippedOf is the dataset's warnings about skipped records of type typ
// (never nil), for a report that reads only that type.
func skippedOf(ds *Dataset, typ string) []string {
	out := []string{}
	for _, w := range ds.Warnings {
		if strings.HasPrefix(w, typ+" ") {
			out = append(out, w)
		}
	}
	return out
}

// warnings are the dataset's own warnings (its records skipped) and its
// calendar's, in that order, under the one bound.
func (ds *Dataset) warnings() Warnings {
	var w Warnings
	for _, s := range ds.Warnings { // Add keeps the bound, however Warnings was filled
		w.Add(s)
	}
	w.more += ds.MoreWarnings
	w.AddAll(ds.Calendar.Warnings())
	return w
}

// sortedByID is a copy of parts in id order: a stable order makes
// warnings and equal-date ties independent of the order records arrive in.
func sortedByID(parts []Decoded) []Decoded {
	parts = append([]Decoded(nil), parts...)
	sort.Slice(parts, func(i, j int) bool { return parts[i].ID < parts[j].ID })
	return parts
}

// skipWarning names a record skipped because it cannot be used.
func skipWarning(d Decoded) string {
	return In(i18n.English).t("warning.skipped", i18n.Args{"Type": d.Type, "ID": d.ID, "Why": d.err.Error()})
}

func decode(data json.RawMessage, v any) error {
	if err := record.DecodeData(data, v); err != nil {
		return errors.New(In(i18n.English).t("warning.why.wrong_type"))
	}
	return nil
}

func need(ok bool, what string) error {
	if !ok {
		return errors.New(what)
	}
	return nil
}

func isDate(s string) bool { _, err := ParseDate(s); return err == nil }

// decodeRecord decodes and checks one record of a type the reports read
// (nil, nil for the others).
func decodeRecord(e record.Envelope) (any, error) {
	switch e.Type {
	case record.TypeGoal:
		var g record.Goal
		if err := decode(e.Data, &g); err != nil {
			return nil, err
		}
		if err := need(record.IsID(g.StudentID) && g.Measure != "" && (g.Direction == record.DirectionUp || g.Direction == record.DirectionDown) &&
			isDate(g.StartDate) && isDate(g.GoalDate) && len(g.BaselineScores) >= 1, In(i18n.English).t("warning.why.goal_required")); err != nil {
			return nil, err
		}
		return g, nil
	case record.TypePlan:
		var p record.Plan
		if err := decode(e.Data, &p); err != nil {
			return nil, err
		}
		if err := need(isDate(p.StartDate) && (p.EndDate == "" || isDate(p.EndDate)) && p.SessionsPerWeek > 0 && p.MinutesPerSession > 0,
			In(i18n.English).t("warning.why.plan_required")); err != nil {
			return nil, err
		}
		return p, nil
	case record.TypeProgram:
		var p record.Program
		if err := decode(e.Data, &p); err != nil {
			return nil, err
		}
		return p, nil
	case record.TypeSession:
		var s record.Session
		if err := decode(e.Data, &s); err != nil {
			return nil, err
		}
		if err := need(isDate(s.Date) && s.GroupID != "", In(i18n.English).t("warning.why.session_required")); err != nil {
			return nil, err
		}
		return s, nil
	case record.TypeProbe:
		var p record.Probe
		if err := decode(e.Data, &p); err != nil {
			return nil, err
		}
		if err := need(isDate(p.Date) && p.StudentID != "" && p.Measure != "" && finite(p.Score), In(i18n.English).t("warning.why.probe_required")); err != nil {
			return nil, err
		}
		return p, nil
	case record.TypeCalendarBreak:
		var b record.CalendarBreak
		if err := decode(e.Data, &b); err != nil {
			return nil, err
		}
		return b, nil
	case record.TypeObservation:
		var o record.Observation
		if err := decode(e.Data, &o); err != nil {
			return nil, err
		}
		// An observation the rules refuse is skipped whole, as a card is:
		// the report never counts part of one.
		if err := o.Validate(); err != nil {
			return nil, fieldReason(err)
		}
		return o, nil
	case record.TypeCICOCard:
		var c record.CICOCard
		if err := decode(e.Data, &c); err != nil {
			return nil, err
		}
		// §3.9: a card that fails validation is skipped whole, never counted
		// in part, by the rule its writers check (record.CICOCard.Validate).
		if err := c.Validate(); err != nil {
			return nil, fieldReason(err)
		}
		return c, nil
	}
	return nil, nil
}
