package localstore

import (
	"context"
	"fmt"
	"sort"

	"smallwins/shared/record"
)

// Doc is one live record decoded into its payload type T (a DOMAIN.md §2
// type from package record). Fields T does not know are not lost: the next
// Put of the same id encodes over the stored data (record.EncodeData).
type Doc[T any] struct {
	ID         string
	HLC        string
	Restricted bool
	Data       T
}

func decode[T any](e record.Envelope) (Doc[T], error) {
	var d Doc[T]
	if err := record.DecodeData(e.Data, &d.Data); err != nil {
		return d, fmt.Errorf("localstore: %s %s: %w", e.Type, e.ID, err)
	}
	d.ID, d.HLC, d.Restricted = e.ID, e.HLC, e.Restricted
	return d, nil
}

// GetDoc returns the live record id decoded as T; ErrNotFound when absent
// or deleted (e.g. a reference to a record not arrived yet), or when the
// record is of another type.
func GetDoc[T any](s *Store, id string) (Doc[T], error) {
	var zero T
	e, err := s.Get(id)
	if err != nil {
		return Doc[T]{}, err
	}
	if e.Type != record.TypeOf(zero) {
		return Doc[T]{}, fmt.Errorf("localstore: %s is a %s: %w", id, e.Type, ErrNotFound)
	}
	return decode[T](e)
}

// decodeAll decodes envelopes, skipping (not failing on) records whose data
// does not decode: one bad record from another app version must not hide
// the rest of a screen.
func decodeAll[T any](es []record.Envelope) []Doc[T] {
	out := make([]Doc[T], 0, len(es))
	for _, e := range es {
		if d, err := decode[T](e); err == nil {
			out = append(out, d)
		}
	}
	return out
}

// ListDocs returns every live record of T's type.
func ListDocs[T any](s *Store) ([]Doc[T], error) {
	var zero T
	es, err := s.List(record.TypeOf(zero))
	if err != nil {
		return nil, err
	}
	return decodeAll[T](es), nil
}

// listRef returns the live records of T's type referring to ref.
func listRef[T any](s *Store, ref string) ([]Doc[T], error) {
	var zero T
	es, err := s.ListByRef(record.TypeOf(zero), ref)
	if err != nil {
		return nil, err
	}
	return decodeAll[T](es), nil
}

// PutDoc validates v against DOMAIN.md §2 and writes it as a new version of
// id (a new record when id is ""), keeping unknown fields of the previous
// version, in one durable transaction.
func PutDoc[T any](ctx context.Context, s *Store, id string, v T, restricted bool) (Doc[T], error) {
	typ := record.TypeOf(v)
	if typ == "" {
		return Doc[T]{}, fmt.Errorf("localstore: put: %T is not a record payload", v)
	}
	e, err := s.Put(ctx, typ, id, v, restricted)
	if err != nil {
		return Doc[T]{}, err
	}
	return Doc[T]{ID: e.ID, HLC: e.HLC, Restricted: e.Restricted, Data: v}, nil
}

// --- students, programs, groups -------------------------------------------

// PutStudent saves a student.
func (s *Store) PutStudent(ctx context.Context, id string, v record.Student) (Doc[record.Student], error) {
	return PutDoc(ctx, s, id, v, false)
}

// Student returns a student.
func (s *Store) Student(id string) (Doc[record.Student], error) { return GetDoc[record.Student](s, id) }

// Students returns the students, active ones only when activeOnly, sorted by
// display name.
func (s *Store) Students(activeOnly bool) ([]Doc[record.Student], error) {
	all, err := ListDocs[record.Student](s)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, d := range all {
		if !activeOnly || d.Data.IsActive() {
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Data.DisplayName() < out[j].Data.DisplayName() })
	return out, nil
}

// PutProgram saves a program.
func (s *Store) PutProgram(ctx context.Context, id string, v record.Program) (Doc[record.Program], error) {
	return PutDoc(ctx, s, id, v, false)
}

// Program returns a program.
func (s *Store) Program(id string) (Doc[record.Program], error) { return GetDoc[record.Program](s, id) }

// Programs returns every program, sorted by name.
func (s *Store) Programs() ([]Doc[record.Program], error) {
	out, err := ListDocs[record.Program](s)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Data.Name < out[j].Data.Name })
	return out, err
}

// PutGroup saves a group.
func (s *Store) PutGroup(ctx context.Context, id string, v record.Group) (Doc[record.Group], error) {
	return PutDoc(ctx, s, id, v, false)
}

// Group returns a group.
func (s *Store) Group(id string) (Doc[record.Group], error) { return GetDoc[record.Group](s, id) }

// Groups returns every group, sorted by name.
func (s *Store) Groups() ([]Doc[record.Group], error) {
	out, err := ListDocs[record.Group](s)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Data.Name < out[j].Data.Name })
	return out, err
}

// ScheduledGroup is a group meeting on a given day, at Start ("HH:MM").
type ScheduledGroup struct {
	Group Doc[record.Group]
	Start string
}

// TodayGroups returns the groups meeting on weekday (1 = Monday … 7, as in
// DOMAIN.md `group.schedule`), by start time then name; a group meeting
// twice that day appears twice. interventionistID, when not "", keeps only
// that person's groups (and groups with no interventionist set).
func (s *Store) TodayGroups(weekday int, interventionistID string) ([]ScheduledGroup, error) {
	gs, err := ListDocs[record.Group](s)
	if err != nil {
		return nil, err
	}
	var out []ScheduledGroup
	for _, g := range gs {
		if interventionistID != "" && g.Data.InterventionistID != "" && g.Data.InterventionistID != interventionistID {
			continue
		}
		for _, slot := range g.Data.Schedule {
			if slot.Weekday == weekday {
				out = append(out, ScheduledGroup{Group: g, Start: slot.Start})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Start != out[j].Start {
			return out[i].Start < out[j].Start
		}
		return out[i].Group.Data.Name < out[j].Group.Data.Name
	})
	return out, nil
}

// GroupMember is one of a group's student ids with the student when this
// device has it; Missing means the student record has not arrived yet
// (DOMAIN.md §2: show what you can, never drop the reference).
type GroupMember struct {
	StudentID string
	Student   Doc[record.Student]
	Missing   bool
}

// GroupStudents returns a group's members in the group's order.
func (s *Store) GroupStudents(groupID string) ([]GroupMember, error) {
	g, err := s.Group(groupID)
	if err != nil {
		return nil, err
	}
	out := make([]GroupMember, 0, len(g.Data.StudentIDs))
	for _, sid := range g.Data.StudentIDs {
		m := GroupMember{StudentID: sid}
		if st, err := s.Student(sid); err == nil {
			m.Student = st
		} else {
			m.Missing = true
		}
		out = append(out, m)
	}
	return out, nil
}

// --- per student ------------------------------------------------------------

// PutPlan saves a plan.
func (s *Store) PutPlan(ctx context.Context, id string, v record.Plan) (Doc[record.Plan], error) {
	return PutDoc(ctx, s, id, v, false)
}

// Plan returns a plan.
func (s *Store) Plan(id string) (Doc[record.Plan], error) { return GetDoc[record.Plan](s, id) }

// StudentPlans returns a student's plans, by start date.
func (s *Store) StudentPlans(studentID string) ([]Doc[record.Plan], error) {
	out, err := listRef[record.Plan](s, studentID)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Data.StartDate < out[j].Data.StartDate })
	return out, err
}

// PutGoal saves a goal.
func (s *Store) PutGoal(ctx context.Context, id string, v record.Goal) (Doc[record.Goal], error) {
	return PutDoc(ctx, s, id, v, false)
}

// Goal returns a goal.
func (s *Store) Goal(id string) (Doc[record.Goal], error) { return GetDoc[record.Goal](s, id) }

// StudentGoals returns a student's goals, by start date.
func (s *Store) StudentGoals(studentID string) ([]Doc[record.Goal], error) {
	out, err := listRef[record.Goal](s, studentID)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Data.StartDate < out[j].Data.StartDate })
	return out, err
}

// PutProbe saves a probe.
func (s *Store) PutProbe(ctx context.Context, id string, v record.Probe) (Doc[record.Probe], error) {
	return PutDoc(ctx, s, id, v, false)
}

// Probe returns a probe.
func (s *Store) Probe(id string) (Doc[record.Probe], error) { return GetDoc[record.Probe](s, id) }

// StudentProbes returns a student's probes of measure (all measures when
// measure is ""), by date.
func (s *Store) StudentProbes(studentID, measure string) ([]Doc[record.Probe], error) {
	all, err := listRef[record.Probe](s, studentID)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, d := range all {
		if measure == "" || d.Data.Measure == measure {
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Data.Date < out[j].Data.Date })
	return out, nil
}

// IsRestrictedCategory reports whether a note category holds health or
// family matters, which are pushed restricted (DOMAIN.md §2 `note`). DOMAIN
// has no "legal" category: a legal note is category "other" written with
// restricted = true (ADR 0500); "legal" is still honoured if another app
// sends it.
func IsRestrictedCategory(category string) bool {
	switch category {
	case record.NoteHealth, record.NoteFamily, "legal":
		return true
	}
	return false
}

// PutNote saves a note. It is restricted when restricted is true (the
// person marked it as holding health, family or legal matters), when its
// category is health or family (PROTOCOL §6), or when the version it
// replaces was restricted: an edit never lifts the restriction by accident
// (use Put with restricted = false to lift it on purpose).
func (s *Store) PutNote(ctx context.Context, id string, v record.Note, restricted bool) (Doc[record.Note], error) {
	if id != "" {
		if prev, err := s.Get(id); err == nil && prev.Restricted {
			restricted = true
		}
	}
	return PutDoc(ctx, s, id, v, restricted || IsRestrictedCategory(v.Category))
}

// Note returns a note.
func (s *Store) Note(id string) (Doc[record.Note], error) { return GetDoc[record.Note](s, id) }

// StudentNotes returns a student's notes, newest first (UUIDv7 id order).
func (s *Store) StudentNotes(studentID string) ([]Doc[record.Note], error) {
	out, err := listRef[record.Note](s, studentID)
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

// PutDecision saves a team decision.
func (s *Store) PutDecision(ctx context.Context, id string, v record.Decision) (Doc[record.Decision], error) {
	return PutDoc(ctx, s, id, v, false)
}

// StudentDecisions returns a student's decisions, by date.
func (s *Store) StudentDecisions(studentID string) ([]Doc[record.Decision], error) {
	out, err := listRef[record.Decision](s, studentID)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Data.Date < out[j].Data.Date })
	return out, err
}

// PutCICOCard saves a CICO card.
func (s *Store) PutCICOCard(ctx context.Context, id string, v record.CICOCard) (Doc[record.CICOCard], error) {
	return PutDoc(ctx, s, id, v, false)
}

// CICOCard returns the student's card for date (the latest-written one if
// two tablets each created one offline); ErrNotFound when none.
func (s *Store) CICOCard(studentID, date string) (Doc[record.CICOCard], error) {
	cards, err := listRef[record.CICOCard](s, studentID)
	if err != nil {
		return Doc[record.CICOCard]{}, err
	}
	var best *Doc[record.CICOCard]
	for i := range cards {
		if cards[i].Data.Date == date && (best == nil || cards[i].HLC > best.HLC) {
			best = &cards[i]
		}
	}
	if best == nil {
		return Doc[record.CICOCard]{}, fmt.Errorf("localstore: cico card of %s on %s: %w", studentID, date, ErrNotFound)
	}
	return *best, nil
}

// StudentCICOCards returns a student's cards, by date.
func (s *Store) StudentCICOCards(studentID string) ([]Doc[record.CICOCard], error) {
	out, err := listRef[record.CICOCard](s, studentID)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Data.Date < out[j].Data.Date })
	return out, err
}

// --- sessions ----------------------------------------------------------------

// SaveSession saves a session (each tap one new version, one transaction).
func (s *Store) SaveSession(ctx context.Context, id string, v record.Session) (Doc[record.Session], error) {
	return PutDoc(ctx, s, id, v, false)
}

// Session returns a session.
func (s *Store) Session(id string) (Doc[record.Session], error) { return GetDoc[record.Session](s, id) }

// GroupSessions returns a group's sessions, by date then start.
func (s *Store) GroupSessions(groupID string) ([]Doc[record.Session], error) {
	out, err := listRef[record.Session](s, groupID)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Data.Date != out[j].Data.Date {
			return out[i].Data.Date < out[j].Data.Date
		}
		return out[i].Data.StartedAt < out[j].Data.StartedAt
	})
	return out, err
}

// SessionInProgress returns the group's in-progress session, the most
// recently started one if several; ErrNotFound when none. date, when not "",
// keeps only sessions of that date.
func (s *Store) SessionInProgress(groupID, date string) (Doc[record.Session], error) {
	all, err := listRef[record.Session](s, groupID)
	if err != nil {
		return Doc[record.Session]{}, err
	}
	var best *Doc[record.Session]
	for i := range all {
		d := &all[i]
		if d.Data.Status != record.SessionInProgress || (date != "" && d.Data.Date != date) {
			continue
		}
		if best == nil || d.Data.Date > best.Data.Date ||
			(d.Data.Date == best.Data.Date && d.Data.StartedAt > best.Data.StartedAt) ||
			(d.Data.Date == best.Data.Date && d.Data.StartedAt == best.Data.StartedAt && d.HLC > best.HLC) {
			best = d
		}
	}
	if best == nil {
		return Doc[record.Session]{}, fmt.Errorf("localstore: session in progress of %s: %w", groupID, ErrNotFound)
	}
	return *best, nil
}

// --- calendar -----------------------------------------------------------------

// PutCalendarBreak saves a calendar break.
func (s *Store) PutCalendarBreak(ctx context.Context, id string, v record.CalendarBreak) (Doc[record.CalendarBreak], error) {
	return PutDoc(ctx, s, id, v, false)
}

// CalendarBreaks returns every break, by start date.
func (s *Store) CalendarBreaks() ([]Doc[record.CalendarBreak], error) {
	out, err := ListDocs[record.CalendarBreak](s)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Data.StartDate < out[j].Data.StartDate })
	return out, err
}
